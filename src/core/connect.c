/*
 * connect.c - the transport stack for the user's options, the greeting,
 * and required TLS (connect.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/connect.h"

#include <stdio.h>
#include <string.h>

#include "core/session_int.h"
#include "net/tls.h"
#include "net/transport.h"

/* Without --timeout, a TCP connection is made within 30 s and greets
 * within 15 s (its TLS handshake too), and then waits as long as the
 * server takes: a long FETCH or IDLE is no timeout.  --stream is not
 * limited: "ssh host imapd" may be asking for a password. */
#define CONN_CONNECT_MS 30000
#define CONN_GREETING_MS 15000

const char *conn_port(const struct conn_opts *o)
{
	if (o->port)
		return o->port;
	return o->ssl ? "993" : "143";
}

/* The TLS options for this connection, the name to verify filled in. */
static struct net_tls_opts tls_opts(const struct conn_opts *o)
{
	struct net_tls_opts t;
	memset(&t, 0, sizeof(t));
	t.host = o->tls_name ? o->tls_name : o->host ? o->host : "localhost";
	t.cafile = o->cafile;
	t.certfile = o->certfile;
	t.keyfile = o->keyfile;
	t.priority = o->priority;
	t.pinned_pubkey = o->pinned_pubkey;
	t.insecure = o->insecure;
	t.timeout_ms = o->timeout_ms;
	t.alpn = "imap"; /* RFC 7301's name for IMAP */
	return t;
}

static void warn(const struct session_hooks *h, const char *msg)
{
	if (h->warn)
		h->warn(h->ctx, msg);
}

/* --starttls: TLS before anything else, or no session at all. */
static int require_starttls(struct session *s, const struct conn_opts *o, struct imap_err *err)
{
	struct net_tls_opts t = tls_opts(o);
	if (session_is_tls(s))
		return 0;
	if (session_state(s) != IMAP_STATE_NONAUTH)
		return err_set(err, IMAP_ERR_ABORT,
			       "--starttls: the server greeted with PREAUTH on a clear-text connection, "
			       "so TLS can no longer be started (RFC 9051 6.2.1); giving up");
	if (!session_has_cap(s, "STARTTLS"))
		return err_set(err, IMAP_ERR_ABORT,
			       "--starttls: the server does not offer STARTTLS; refusing to go on in "
			       "clear text");
	if (session_starttls(s, &t, err) < 0) {
		err->kind = IMAP_ERR_ABORT; /* required: a NO or BAD ends it too */
		session_abandon(s);
		return -1;
	}
	return 0;
}

/* The greeting did not come in time on a port that is TLS's by
 * convention, without --ssl: the server is most likely waiting for a
 * TLS handshake. */
static void greeting_hint(const struct conn_opts *o, struct imap_err *err)
{
	const char *port = conn_port(o);
	if (o->stream_cmd || o->ssl || !strstr(err->msg, "timed out"))
		return;
	if (!strcmp(port, "993") || !strcmp(port, "995") || !strcmp(port, "imaps"))
		err_append(err, " (port %s is a TLS port: try --ssl)", port);
	else
		err_append(err, " (if port %s is a TLS port, try --ssl)", port);
}

struct session *conn_open(const struct conn_opts *o, const struct session_hooks *hooks,
			  struct imap_err *err)
{
	struct net_conn *c, *child = NULL;
	struct session *s;
	int greeted;

	if (o->insecure && (o->ssl || o->starttls))
		warn(hooks, "warning: --insecure: the server's certificate is not verified");
	if (o->stream_cmd) {
		c = child = net_child_spawn(o->stream_cmd, o->timeout_ms, err);
	} else {
		c = net_tcp_connect(o->host, conn_port(o), o->timeout_ms > 0 ? o->timeout_ms : CONN_CONNECT_MS,
				    err);
		if (c && o->timeout_ms <= 0)
			c->timeout_ms = CONN_GREETING_MS;
	}
	if (c && o->ssl) {
		struct net_tls_opts t = tls_opts(o);
		t.timeout_ms = c->timeout_ms;
		c = net_tls_wrap(c, &t, err); /* it says when the server speaks no TLS */
	}
	if (!c)
		return NULL;
	s = session_new(c, hooks);
	session_set_allow_plaintext(s, o->allow_plaintext);
	session_set_cap_check(s, !o->no_cap_check);
	/* --starttls: the greeting is shown (marked), nothing else before TLS */
	session_set_pre_tls(s, o->starttls && !o->ssl);
	if (hooks->trace && (!hooks->trace_level || *hooks->trace_level >= 1)) {
		struct buf d = BUF_INIT;
		net_describe(c, &d);
		hooks->trace(hooks->ctx, 1, TRACE_EVENT, d.buf, d.len);
		buf_release(&d);
	}
	greeted = session_greet(s, err);
	/* lent while connecting: "ssh host imapd" may have asked for a password */
	if (child) /* the session owns it (and it is open) until session_free */
		net_child_take_terminal(child);
	if (greeted < 0) {
		greeting_hint(o, err);
		session_free(s, NULL);
		return NULL;
	}
	if (!o->stream_cmd)
		s->conn->timeout_ms = o->timeout_ms; /* from now on: --timeout, or none */
	if (greeted == 1) {
		char msg[sizeof(err->msg) + 16];
		snprintf(msg, sizeof(msg), "warning: %s", err->msg);
		warn(hooks, msg);
		err_clear(err);
	}
	if (o->starttls && require_starttls(s, o, err) < 0) {
		session_free(s, NULL);
		return NULL;
	}
	return s;
}

int conn_starttls(struct session *s, const struct conn_opts *o, struct imap_err *err)
{
	struct net_tls_opts t = tls_opts(o);
	if (o->insecure)
		warn(&s->hooks, "warning: --insecure: the server's certificate is not verified");
	return session_starttls(s, &t, err);
}

int conn_poll_fd(struct session *s)
{
	struct net_conn *c = session_conn(s);
	return c && c->ops->pollfd ? c->ops->pollfd(c) : -1;
}

void conn_describe(struct session *s, struct buf *out)
{
	net_describe(session_conn(s), out);
}

int conn_tls_info(struct session *s, struct buf *out)
{
	return net_tls_info(session_conn(s), out);
}

void conn_set_interrupt(volatile sig_atomic_t *flag, int wake_fd)
{
	net_set_interrupt(flag, wake_fd);
}

bool conn_interrupted(void)
{
	return net_interrupted();
}
