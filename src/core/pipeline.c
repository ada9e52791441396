/*
 * pipeline.c - pipelining (RFC 9051 sec. 5.5): many commands in flight on
 * one session, their results matched by tag (session.h: session_pipeline).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/session_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "util/xalloc.h"

/* At most this many commands, or bytes of them, in flight: neither side
 * can block the other on a full buffer. */
#define PIPE_MAX_INFLIGHT 256
#define PIPE_MAX_BYTES 32768

bool session_can_pipeline(struct session *s, const struct session_cmd *cmd)
{
	struct imap_wire w;
	struct imap_err err = IMAP_ERR_INIT;
	bool ok;
	if (cmd->cont)
		return false;
	imap_wire_init(&w);
	ok = imap_encode(&w, "A", cmd->verb, cmd->args, cmd->nargs, session_literal_mode(s), &err) == 0 &&
	     w.nchunks == 1 && !w.nstreams && !w.nsecrets;
	imap_wire_release(&w);
	return ok;
}

struct inflight {
	unsigned long num; /* its tag's counter (tagger_number): the key */
	size_t idx;
};

struct pipe {
	struct session *s;
	const struct session_cmd *cmds;
	struct inflight fl[PIPE_MAX_INFLIGHT];
	size_t idx[PIPE_MAX_INFLIGHT]; /* s->pipe_idx: the data names in flight */
	size_t nfl, answered;
	session_done_fn done;
	void *ctx;
};

/* A tagged response: the result of a command in flight, or a protocol
 * error.  Takes t. */
static int result(void *ctx, struct imap_response *t, struct imap_err *err)
{
	struct pipe *p = ctx;
	struct session *s = p->s;
	long long num = tagger_number(&s->tagger, t->tag);
	size_t i, k;

	for (i = 0; i < p->nfl; i++)
		if (num >= 0 && p->fl[i].num == (unsigned long long)num)
			break;
	if (i == p->nfl) {
		err_set(err, IMAP_ERR_ABORT,
			"protocol error: the server answered tag \"%.40s\", which no command in "
			"flight has", t->tag);
		imap_response_free(t);
		return sess_fail(s, err);
	}
	k = p->fl[i].idx;
	p->fl[i] = p->fl[p->nfl - 1];
	p->idx[i] = p->idx[p->nfl - 1];
	p->nfl--;
	s->pipe_n = p->nfl;
	sess_after_tagged(s, &p->cmds[k], t);
	sess_tracef(s, 2, "result %s %s", t->tag, imap_status_name(t->status));
	p->answered++;
	p->done(p->ctx, k, t);
	return 0;
}

int session_pipeline(struct session *s, const struct session_cmd *cmds, size_t n,
		     session_done_fn done, void *ctx, struct imap_err *err)
{
	struct pipe *p;
	size_t next = 0, i;
	struct imap_wire w;
	struct buf out = BUF_INIT;
	int rc = -1;

	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected (the session has ended)");
	for (i = 0; i < n; i++) {
		const struct imap_arg *args;
		size_t nargs;
		if (cmds[i].cont)
			return err_set(err, IMAP_ERR_ERROR, "%s cannot be pipelined", cmds[i].verb);
		/* nothing secret goes in a batch (it is not redacted there) */
		if (policy_prepare_command(s, &cmds[i], NULL, 0, &args, &nargs, err) < 0 ||
		    args != cmds[i].args)
			return err_set(err, IMAP_ERR_ERROR, "%s cannot be pipelined", cmds[i].verb);
	}
	p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->cmds = cmds;
	p->done = done;
	p->ctx = ctx;
	imap_wire_init(&w);
	s->pipe_cmds = cmds;
	s->pipe_idx = p->idx;
	s->became_readonly = false;
	while (p->answered < n) {
		struct imap_response *r;

		/* top up the window, all in one write, once half of it is answered
		 * (not one small write per answer) */
		buf_reset(&out);
		if (next < n && p->nfl <= PIPE_MAX_INFLIGHT / 2) {
			/* results already here must be for commands in flight */
			if (sess_drain(s, result, p, err) < 0)
				goto out;
		}
		while (next < n && p->nfl < PIPE_MAX_INFLIGHT && out.len < PIPE_MAX_BYTES &&
		       (p->nfl <= PIPE_MAX_INFLIGHT / 2 || out.len)) {
			const struct session_cmd *c = &cmds[next];
			if (imap_encode(&w, s->next_tag, c->verb, c->args, c->nargs,
					session_literal_mode(s), err) < 0)
				goto out;
			if (w.nchunks != 1 || w.nstreams) {
				err_set(err, IMAP_ERR_ERROR,
					"%s has a synchronizing literal and cannot be pipelined", c->verb);
				goto out;
			}
			if (sess_tracing(s, 4))
				sess_trace(s, 4, TRACE_SENT, w.bytes.buf, w.bytes.len);
			sess_tracef(s, 2, "command %s %s (pipelined)", s->next_tag, c->verb);
			buf_add(&out, w.bytes.buf, w.bytes.len);
			p->fl[p->nfl].num = s->tagger.next - 1; /* next_tag was made with it */
			p->fl[p->nfl].idx = next;
			p->idx[p->nfl] = next;
			p->nfl++;
			s->pipe_n = p->nfl;
			sess_updates_sent(s, c, s->next_tag);
			tagger_next(&s->tagger, s->next_tag, sizeof(s->next_tag));
			next++;
		}
		if (out.len && net_write(s->conn, out.buf, out.len, err) < 0) {
			sess_fail(s, err);
			goto out;
		}
		if (p->answered == n)
			break;
		if (sess_read_response(s, &r, err))
			goto out;
		if (r->kind == IMAP_RESP_UNTAGGED) {
			sess_deliver_untagged(s, r);
			continue;
		}
		if (r->kind == IMAP_RESP_CONTINUATION) {
			imap_response_free(r);
			err_set(err, IMAP_ERR_ABORT,
				"protocol error: the server sent a continuation request (+) that no "
				"pipelined command asked for");
			sess_fail(s, err);
			goto out;
		}
		if (result(p, r, err) < 0)
			goto out;
	}
	rc = 0;
out:
	s->pipe_cmds = NULL;
	s->pipe_idx = NULL;
	s->pipe_n = 0;
	imap_wire_release(&w);
	buf_release(&out);
	free(p);
	return rc;
}
