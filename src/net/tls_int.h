/*
 * tls_int.h - the TLS transport's insides, shared by its files only:
 * tls.c (the connection, verification, setup), tls_pin.c (public key
 * pinning), tls_info.c (what the tls command shows, channel binding).
 */
#ifndef IMAPSH_NET_TLS_INT_H
#define IMAPSH_NET_TLS_INT_H

#include <stdbool.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "net/tls.h"

/* Appended to the system's default priorities: TLS 1.2 is the floor
 * (RFC 8996 deprecates 1.0 and 1.1), and this is no DTLS. */
#define PRIORITY_FLOOR "-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL"
/* A pin: this prefix and the base64 of a SHA-256 hash (curl's form). */
#define PIN_PREFIX "sha256//"
#define PIN_LEN 32
/* The largest public key file we read. */
#define PIN_FILE_MAX (1024 * 1024)
/* close(): the longest wait for our close_notify to go out. */
#define BYE_TIMEOUT_MS 500
/* First bytes from the server kept to recognise a plain-text greeting. */
#define FIRST_BYTES 24

struct tls_conn {
	struct net_conn base;
	struct net_conn *inner;
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	char *host;       /* as given, for messages; NULL: none given */
	char *check_name; /* host without [] for IPv6, to verify; or NULL */
	bool insecure;
	bool own_priority; /* the user's priority string, not the system's */
	bool handshaken;

	/* the verify callback's verdict */
	bool verify_ran;
	bool verify_ok;
	char verify_reason[320];

	/* public key pinning: the SHA-256 of each acceptable public key */
	unsigned char (*pins)[PIN_LEN];
	size_t npins;
	char *pin_expected;  /* "sha256//...[;sha256//...]", for messages */
	bool pin_ran;
	bool pin_ok;
	char pin_actual[96]; /* the server's "sha256//..." */

	/* what the inner transport said during the last GnuTLS call */
	bool io_failed;           /* a read or write failed: ioerr says why */
	struct imap_err ioerr;
	bool inner_eof;           /* it reached end of stream (sticky) */
	struct imap_err eof_note; /* what it said then (a child's exit status) */

	bool broken;   /* a fatal error: no close_notify any more */
	bool bye_sent; /* our close_notify went out */

	unsigned char first[FIRST_BYTES]; /* first bytes from the server */
	size_t nfirst;
};

/* The TLS connection behind c, or NULL when c is not one. */
struct tls_conn *tls_conn_of(struct net_conn *c);
/* Its host for messages ("the server" when none was given). */
const char *tls_who(const struct tls_conn *t);
/* "2049-12-31T23:59:59Z"; "?" for an invalid time. */
void tls_add_utc(struct buf *out, time_t when);
/* The peer's first certificate (caller deinits), or NULL. */
gnutls_x509_crt_t tls_peer_certificate(gnutls_session_t s);
/* Appends the file's bytes (at most max) to out: 0, or -1 with errno. */
int tls_read_file(const char *path, size_t max, struct buf *out);

/* tls_pin.c: the SHA-256 of a certificate's SubjectPublicKeyInfo, and it
 * as "sha256//BASE64"; pins parsed from the option into t; the check in
 * the verify callback (t->pin_ran, pin_ok, pin_actual); its error. */
int tls_crt_spki_sha256(gnutls_x509_crt_t crt, unsigned char md[PIN_LEN]);
void tls_add_pin(struct buf *out, const unsigned char md[PIN_LEN]);
int tls_parse_pins(struct tls_conn *t, const char *pin, struct imap_err *err);
void tls_check_pin(struct tls_conn *t);
int tls_pin_error(struct tls_conn *t, struct imap_err *err);

#endif
