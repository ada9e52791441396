/*
 * tls.h - TLS with GnuTLS, stacked on any transport (implicit TLS on port
 * 993, and STARTTLS upgrades of a TCP connection).
 *
 * Verification is on by default: the chain against the system trust store
 * (plus cafile), the host name (RFC 6125, IP addresses too), validity
 * dates, and TLS 1.2 or newer.  SNI is sent for host names.  insecure is
 * the only way to skip verification; the caller must say so on stderr at
 * every connection (this module never prints).
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
	const char *priority;  /* GnuTLS priority string; NULL: TLS 1.2+ default */
	bool insecure;         /* skip verification (caller warns) */
	int timeout_ms;        /* handshake and I/O timeout; <= 0: none */
};

/*
 * Handshakes over inner (which it takes over: on failure inner is closed
 * too) and verifies the peer.  NULL with err (ABORT) on failure; a failed
 * verification names the reason, e.g. "certificate verification failed
 * for imap.example.org: the certificate issuer is unknown" (also: "name
 * does not match", "expired", "not yet valid", "self-signed", "revoked",
 * "insecure algorithm").
 */
struct net_conn *net_tls_wrap(struct net_conn *inner, const struct net_tls_opts *o,
			      struct imap_err *err);

/* True if c is a TLS connection made by net_tls_wrap. */
bool net_is_tls(struct net_conn *c);

/*
 * What imaplib's ssl() would show, one "key: value" per line: protocol,
 * cipher, peer certificate subject, issuer, validity (not before / not
 * after), SHA-256 fingerprint, and whether it was verified.  -1 if c is
 * not TLS.
 */
int net_tls_info(struct net_conn *c, struct buf *out);

/*
 * Channel binding data for SCRAM-*-PLUS (RFC 5929 / RFC 9266): type
 * "tls-exporter" (TLS 1.3) or "tls-unique" (TLS 1.2).  Appends the raw
 * bytes to out.  -1 with err if c is not TLS or the type is unavailable.
 */
int net_tls_channel_binding(struct net_conn *c, const char *type, struct buf *out,
			    struct imap_err *err);

#endif
