/*
 * connect.h - from the user's connection options to a greeted session:
 * the transport stack (TCP or a child process, then TLS for --ssl), the
 * greeting, and TLS required before anything else for --starttls.  With
 * policy.h, the one place that decides how a connection is secured; the
 * shell gives options and gets a session, and never touches a transport.
 */
#ifndef IMAPSH_CORE_CONNECT_H
#define IMAPSH_CORE_CONNECT_H

#include <signal.h>
#include <stdbool.h>

#include "core/session.h"
#include "util/buf.h"
#include "util/err.h"

struct conn_opts {
	const char *host;          /* TCP host, or NULL */
	const char *port;          /* NULL: the transport's default (conn_port) */
	const char *stream_cmd;    /* --stream COMMAND, or NULL */
	int timeout_ms;            /* connect, read and write; <= 0: none */
	bool ssl;                  /* --ssl: implicit TLS */
	bool starttls;             /* --starttls: TLS before anything else */
	bool allow_plaintext;      /* --allow-plaintext (policy.h) */
	bool no_cap_check;         /* --no-capability-check (session_offers) */
	bool compress;             /* --compress: COMPRESS=DEFLATE after login
	                            * (the shell asks for it: shell_compress_auto) */
	/* TLS */
	const char *tls_name;      /* name to verify (and SNI); NULL: host, or
	                            * "localhost" for --stream */
	const char *cafile;
	const char *certfile;
	const char *keyfile;
	const char *priority;      /* GnuTLS priority string, or NULL: the system's */
	const char *pinned_pubkey; /* curl's --pinnedpubkey, or NULL */
	bool insecure;             /* no certificate verification (warned) */
};

/* The port a TCP connection uses: o->port, else 993 with ssl, else 143. */
const char *conn_port(const struct conn_opts *o);

/*
 * Connects as o says, makes the session with hooks (copied), reads the
 * greeting and, for starttls, upgrades before returning.  Warnings
 * (--insecure, capabilities unknown, clear text dropped before TLS) go to
 * hooks->warn.  NULL with err (ABORT) when no usable session came.
 */
struct session *conn_open(const struct conn_opts *o, const struct session_hooks *hooks,
			  struct imap_err *err);

/* The starttls command on an open session, with o's TLS options. */
int conn_starttls(struct session *s, const struct conn_opts *o, struct imap_err *err);

/* The fd to poll() for the server's next bytes (the shell's prompt
 * watches it); -1 when there is none. */
int conn_poll_fd(struct session *s);

/* One line on the connection: transport, peer, local address. */
void conn_describe(struct session *s, struct buf *out);
/* The TLS session (protocol, cipher, certificate...), one "key: value"
 * per line; -1 when the connection is not TLS. */
int conn_tls_info(struct session *s, struct buf *out);

/* Ctrl-C (see net_set_interrupt): waits on every connection end at once
 * with "interrupted" once *flag is set; wake_fd is made readable too. */
void conn_set_interrupt(volatile sig_atomic_t *flag, int wake_fd);
/* True when the last failure was Ctrl-C's doing. */
bool conn_interrupted(void);

#endif
