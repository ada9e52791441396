/*
 * tls.h - TLS with GnuTLS, stacked on any transport (implicit TLS on port
 * 993, and STARTTLS upgrades of a TCP connection).
 *
 * Verification is on by default: the chain against the system trust store
 * (plus cafile), the host name (RFC 6125, IP addresses too), validity
 * dates, and TLS 1.2 or newer.  SNI is sent for host names, and the ALPN
 * protocol the caller names (RFC 7301; a server without ALPN is fine).
 * insecure is the only way to skip verification; the caller must say so
 * on stderr at every connection (this module never prints).
 *
 * Without a priority string the system's default applies (gnutls's
 * default, which a distribution may point at its crypto policy, @SYSTEM,
 * through /etc/gnutls/config or GNUTLS_SYSTEM_PRIORITY_FILE), with SSL 3.0,
 * TLS 1.0, TLS 1.1 and DTLS taken out.  A priority string replaces that
 * default, but TLS 1.2 stays the floor: a handshake that ends on an older
 * version is refused.
 */
#ifndef IMAPSH_NET_TLS_H
#define IMAPSH_NET_TLS_H

#include <stdbool.h>

#include "net/transport.h"

struct net_tls_opts {
	const char *host;      /* name to verify and send as SNI (an IP: no SNI) */
	const char *cafile;    /* PEM file of extra trusted CAs, or NULL */
	const char *certfile;  /* client certificate (PEM), or NULL */
	const char *keyfile;   /* its key (PEM); NULL: certfile holds it too */
	const char *priority;  /* GnuTLS priority string; NULL: the system's
				* default (see above); TLS 1.2+ either way */
	/*
	 * Public key pinning, as curl's --pinnedpubkey: either
	 * "sha256//BASE64[;sha256//BASE64...]" (the base64 of the SHA-256 of
	 * the server's DER SubjectPublicKeyInfo; one must match), or the path
	 * of a PEM or DER public key file (the server's key must be that
	 * key).  Checked during the handshake, on the leaf certificate, in
	 * addition to verification (and even with insecure).  NULL: none.
	 * Get the value with
	 *   openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin
	 *     -outform der | openssl dgst -sha256 -binary | base64
	 * or from net_tls_info's "public key" line.
	 */
	const char *pinned_pubkey;
	/* The ALPN protocol to offer (RFC 7301), "imap" for IMAP (this module
	 * knows nothing of IMAP); not required of the server.  NULL: none. */
	const char *alpn;
	bool insecure;         /* skip verification (caller warns) */
	int timeout_ms;        /* handshake and I/O timeout; <= 0: none */
};

/*
 * Handshakes over inner (which it takes over: on failure inner is closed
 * too) and verifies the peer.  NULL with err (ABORT) on failure; a failed
 * verification names the reason, e.g. "certificate verification failed
 * for imap.example.org: the certificate issuer is unknown" (also: "name
 * does not match", "expired", "not yet valid", "self-signed", "revoked",
 * "insecure algorithm").  A pin that does not match: "public key pinning
 * failed for imap.example.org: the server's public key is sha256//...,
 * expected sha256//..."; a malformed pin or an unreadable key file fails
 * before anything is sent.  A server that settles on a version older
 * than TLS 1.2 (possible only with a priority string that allows it):
 * "... chose TLS1.1; imapsh needs TLS 1.2 or newer".
 */
struct net_conn *net_tls_wrap(struct net_conn *inner, const struct net_tls_opts *o,
			      struct imap_err *err);

/* True if c is a TLS connection made by net_tls_wrap. */
bool net_is_tls(struct net_conn *c);

/*
 * What imaplib's ssl() would show, one "key: value" per line: protocol,
 * cipher, ALPN protocol (only when the server chose one), peer
 * certificate subject, issuer, validity (not before / not after), SHA-256
 * fingerprint, public key ("sha256//...", the value for pinned_pubkey),
 * whether it was verified, and the pin when one was given.  -1 if c is
 * not TLS.
 */
int net_tls_info(struct net_conn *c, struct buf *out);

/*
 * Channel binding data for SCRAM-*-PLUS (RFC 5929 / RFC 9266): type
 * "tls-exporter" (TLS 1.3) or "tls-unique" (TLS 1.2, and only with the
 * extended master secret, RFC 7627: without it a man in the middle can
 * make two sessions with the same tls-unique, the triple handshake
 * attack), or "tls-server-end-point".  Appends the raw bytes to out
 * (the caller wipes them).  -1 with err if c is not TLS or the type is
 * unavailable or unsafe on this connection.
 */
int net_tls_channel_binding(struct net_conn *c, const char *type, struct buf *out,
			    struct imap_err *err);

/*
 * The channel binding to use on c, if any is safe: tls-exporter on TLS
 * 1.3, tls-unique on TLS 1.2 with the extended master secret.  Appends
 * the data to out (the caller wipes it) and sets *type_r to the type's
 * name (static); -1 with err (kind ERROR) saying why there is none.
 */
int net_tls_channel_binding_any(struct net_conn *c, struct buf *out, const char **type_r,
				struct imap_err *err);

#endif
