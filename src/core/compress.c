/*
 * compress.c - COMPRESS=DEFLATE (RFC 4978) on a session (session.h):
 * the command, then the transport wrapped in net/deflate.h above
 * whatever it is (TLS included), with a -d 5 trace of every read and
 * write before and after compression.
 */
#include "core/session_int.h"

#include <stdio.h>
#include <string.h>

#include "net/deflate.h"

bool session_is_compressed(const struct session *s)
{
	return s->conn && net_is_deflate(s->conn);
}

/* -d 5: what each read and write weighed on the wire. */
static void observe(void *ctx, bool sent, size_t clear, size_t compressed)
{
	struct session *s = ctx;

	if (sent)
		sess_tracef(s, 5, "deflate: sent %zu bytes as %zu compressed", clear, compressed);
	else
		sess_tracef(s, 5, "deflate: received %zu compressed bytes as %zu", compressed, clear);
}

int session_compress(struct session *s, struct imap_response **tagged_r, struct imap_err *err)
{
	static const struct imap_arg deflate = { IMAP_ARG_RAW, 0, "DEFLATE", 7, NULL };
	struct session_cmd c = { "COMPRESS", &deflate, 1, NULL, NULL, NULL, false };
	struct imap_response *t = NULL;
	struct buf rest = BUF_INIT;
	struct net_conn *z;
	size_t n;

	if (tagged_r)
		*tagged_r = NULL;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected (the session has ended)");
	/* RFC 4978 sec. 3: a second COMPRESS gets NO [COMPRESSIONACTIVE] */
	if (session_is_compressed(s))
		return err_set(err, IMAP_ERR_ERROR, "COMPRESS is already active on this connection");
	if (!session_has_cap(s, "COMPRESS=DEFLATE") && session_cap_check(s))
		return err_set(err, IMAP_ERR_ERROR,
			       "COMPRESS: the server does not offer COMPRESS=DEFLATE (not sent)");
	if (session_command(s, &c, &t, err) < 0)
		return -1;
	if (t->status != IMAP_STATUS_OK) {
		if (tagged_r) {
			*tagged_r = t;
			return 0;
		}
		err_set(err, IMAP_ERR_ERROR, "COMPRESS failed: %s %.*s", imap_status_name(t->status),
			(int)(t->text_len > 200 ? 200 : t->text_len), t->text);
		imap_response_free(t);
		return -1;
	}
	/* the server's OK is the last clear byte: what came after it is the
	 * start of the compressed stream (RFC 4978 sec. 3) */
	n = imap_parser_take_pending(s->parser, &rest);
	if (n == (size_t)-1) {
		imap_response_free(t);
		buf_release(&rest);
		err_set(err, IMAP_ERR_ABORT,
			"protocol error: compression started in the middle of a response");
		return sess_fail(s, err);
	}
	z = net_deflate_wrap(s->conn, rest.buf, rest.len, err);
	buf_release(&rest);
	s->conn = NULL; /* closed by net_deflate_wrap if it failed */
	if (!z) {
		imap_response_free(t);
		return sess_fail(s, err);
	}
	s->conn = z;
	net_deflate_observe(z, observe, s);
	sess_tracef(s, 1, "compression (DEFLATE) is on%s",
		    n ? ", starting with bytes that came with the OK" : "");
	if (tagged_r)
		*tagged_r = t;
	else
		imap_response_free(t);
	return 0;
}
