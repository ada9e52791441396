/*
 * read.c - what the session reads from the server: one whole response at
 * a time within the timeout (a server that drips bytes cannot hold it),
 * each traced and its numbers checked; the responses already there before
 * a command goes out (sess_drain); IDLE's wait; the shell's raw reads;
 * the progress of the literals that come in (session_set_progress).
 */
#include "core/session_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "net/tls.h"
#include "proto/check.h"
#include "util/clock.h"

/* The server closed the connection: say why as well as we know (a child
 * transport leaves its exit status in err). */
static int eof(struct session *s, struct imap_err *err)
{
	char why[200] = "";
	if (err->kind != IMAP_ERR_NONE && err->msg[0])
		snprintf(why, sizeof(why), " (%.190s)", err->msg);
	if (s->bye_seen)
		err_set(err, IMAP_ERR_ABORT, "server said BYE: %s", s->bye_text);
	else if (imap_parser_pending(s->parser))
		err_set(err, IMAP_ERR_ABORT,
			"connection lost: the server closed the connection in the middle of a response%s", why);
	else
		err_set(err, IMAP_ERR_ABORT, "connection lost: the server closed the connection%s", why);
	return sess_fail(s, err);
}

bool sess_pre_tls_discards(const struct session *s, const struct imap_response *r)
{
	return s->pre_tls && s->greeted && r->kind == IMAP_RESP_UNTAGGED && !sess_is_data_name(s, r->name);
}

/* A whole response came: trace it, check it.  0, or -1 (*r freed). */
static int got_response(struct session *s, struct imap_response **r, struct imap_err *err)
{
	/* a kept literal ends with its response at the latest */
	sess_progress_stop(s, true);
	sess_trace(s, 4, sess_pre_tls_discards(s, *r) ? TRACE_RECEIVED_CLEAR : TRACE_RECEIVED,
		   (*r)->raw, (*r)->raw_len);
	if ((*r)->kind == IMAP_RESP_TAGGED)
		s->raw_auth = false; /* an AUTHENTICATE by hand (send) has ended */
	/* numbers out of the grammar's range: the server and we disagree */
	if (imap_response_check(*r, err) < 0) {
		imap_response_free(*r);
		*r = NULL;
		return sess_fail(s, err);
	}
	return 0;
}

/* One read from the server straight into the parser's input (no copy):
 * >0 bytes read, 0 end of stream, -1 error (err set).  Reads SESS_CHUNK
 * although the room may be larger: no more than asked for, so that a
 * read into a kept literal's buffer never overshoots the literal. */
static ssize_t read_into_parser(struct session *s, struct imap_err *err)
{
	size_t room;
	void *space = imap_parser_feed_space(s->parser, SESS_CHUNK, &room);
	ssize_t n = net_read(s->conn, space, SESS_CHUNK, err);

	imap_parser_feed_commit(s->parser, n > 0 ? (size_t)n : 0);
	if (n > 0 && s->prog_kept) {
		/* what was read is the kept literal's, as far as it goes */
		uint64_t left = s->prog.total - s->prog.done;
		s->prog.done += (uint64_t)n < left ? (uint64_t)n : left;
		sess_progress(s, false);
	}
	return n;
}

/* Progress that restarts the response deadline (see read_response). */
#define PROGRESS_BYTES 16384

int sess_read_response(struct session *s, struct imap_response **r, struct imap_err *err)
{
	/* The transport's timeout bounds each read; a server dripping one byte
	 * a second would never trip it.  So a response must also complete, or
	 * make real progress, within the same time. */
	int limit = s->conn->timeout_ms;
	long long start = limit > 0 ? clock_now_ms() : 0;
	size_t progress = 0;

	for (;;) {
		int rc = imap_parser_next(s->parser, r, err);
		ssize_t n;
		if (rc == 1)
			return got_response(s, r, err);
		if (rc < 0) {
			err_prefix(err, "protocol error");
			return sess_fail(s, err);
		}
		if (limit > 0 && clock_now_ms() - start > limit) {
			err_set(err, IMAP_ERR_ABORT,
				"timed out after %g s: the server sent only %zu byte(s) of a response in that time",
				limit / 1000.0, progress);
			return sess_fail(s, err);
		}
		n = read_into_parser(s, err);
		if (n < 0)
			return sess_fail(s, err);
		if (n == 0)
			return eof(s, err);
		sess_tracef(s, 5, "read %zd bytes", n);
		progress += (size_t)n;
		if (limit > 0 && progress >= PROGRESS_BYTES) {
			start = clock_now_ms();
			progress = 0;
		}
	}
}

/* Is there input to read now, without waiting?  Over TLS only what is
 * decrypted already counts: a readable socket may hold a record that is
 * no data (a session ticket), and reading it would wait for more. */
static bool input_ready(struct session *s)
{
	struct net_conn *c = s->conn;
	struct pollfd p;
	bool readable;

	if (!c->ops->ready && c->ops->pending && c->ops->pending(c))
		return true;
	p.fd = net_is_tls(c) || !c->ops->pollfd ? -1 : c->ops->pollfd(c);
	p.events = POLLIN;
	p.revents = 0;
	readable = p.fd >= 0 && poll(&p, 1, 0) > 0;
	/* COMPRESS: what came may inflate to nothing (net_ops.ready) */
	return c->ops->ready ? c->ops->ready(c, readable) : readable;
}

int sess_drain(struct session *s,
	       int (*tagged)(void *ctx, struct imap_response *t, struct imap_err *err), void *ctx,
	       struct imap_err *err)
{
	for (;;) {
		struct imap_response *r;
		int rc = imap_parser_next(s->parser, &r, err);
		if (rc < 0) {
			err_prefix(err, "protocol error");
			return sess_fail(s, err);
		}
		if (rc == 0) {
			ssize_t n;
			if (!input_ready(s))
				return 0;
			n = read_into_parser(s, err);
			if (n < 0)
				return sess_fail(s, err);
			if (n == 0)
				return eof(s, err);
			continue;
		}
		if (got_response(s, &r, err) < 0)
			return -1;
		if (r->kind == IMAP_RESP_UNTAGGED) {
			sess_deliver_untagged(s, r);
			continue;
		}
		if (r->kind == IMAP_RESP_TAGGED && tagged) {
			if (tagged(ctx, r, err) < 0)
				return -1;
			continue;
		}
		if (r->kind == IMAP_RESP_TAGGED)
			err_set(err, IMAP_ERR_ABORT,
				"protocol error: the server sent a result (tag \"%.40s\") for a command "
				"that was not sent yet", r->tag);
		else
			err_set(err, IMAP_ERR_ABORT,
				"protocol error: the server sent a continuation request (+) before "
				"the command that could want it was sent");
		imap_response_free(r);
		return sess_fail(s, err);
	}
}

int session_read_response(struct session *s, struct imap_response **r, struct imap_err *err)
{
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	return sess_read_response(s, r, err);
}

long session_read_bytes(struct session *s, void *buf, size_t n, struct imap_err *err)
{
	ssize_t got;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	got = net_read(s->conn, buf, n, err);
	if (got < 0)
		return sess_fail(s, err);
	return (long)got;
}



int session_idle_wait(struct session *s, int timeout_ms, int extra_fd, struct imap_err *err)
{
	long long deadline = timeout_ms >= 0 ? clock_now_ms() + timeout_ms : -1;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	for (;;) {
		struct imap_response *r;
		struct pollfd pfd[3];
		int rc, wait;
		bool polled;
		ssize_t n;

		while ((rc = imap_parser_next(s->parser, &r, err)) == 1) {
			if (got_response(s, &r, err) < 0)
				return -1;
			if (r->kind != IMAP_RESP_UNTAGGED) {
				err_set(err, IMAP_ERR_ABORT,
					"protocol error: the server sent \"%s\" while idling",
					r->kind == IMAP_RESP_TAGGED ? "a tagged response" : "+");
				imap_response_free(r);
				return sess_fail(s, err);
			}
			sess_deliver_untagged(s, r);
		}
		if (rc < 0) {
			err_prefix(err, "protocol error");
			return sess_fail(s, err);
		}
		wait = -1;
		if (deadline >= 0) {
			long long left = deadline - clock_now_ms();
			if (left <= 0)
				return 0;
			wait = left > 1000000 ? 1000000 : (int)left;
		}
		pfd[0].fd = s->conn->ops->pollfd(s->conn);
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = extra_fd; /* poll() skips a negative fd */
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		pfd[2].fd = net_interrupt_fd(); /* Ctrl-C's wake-up, or -1 */
		pfd[2].events = POLLIN;
		pfd[2].revents = 0;
		if (net_interrupted())
			return 2;
		polled = false;
		if (!s->conn->ops->pending || !s->conn->ops->pending(s->conn)) {
			rc = poll(pfd, 3, wait);
			if (rc < 0) {
				if (errno == EINTR && net_interrupted())
					return 2;
				if (errno == EINTR)
					continue;
				return err_set_errno(err, IMAP_ERR_ABORT, errno, "poll");
			}
			if (rc == 0)
				continue;
			if (pfd[2].revents)
				return 2;
			if (pfd[1].revents & (POLLIN | POLLHUP))
				return 1;
			if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			polled = true;
		}
		/* COMPRESS: the sync-flush marker alone inflates to nothing, and
		 * a read would wait for the next response past the deadline
		 * and past what extra_fd says */
		if (s->conn->ops->ready && !s->conn->ops->ready(s->conn, polled))
			continue;
		n = read_into_parser(s, err);
		if (n < 0)
			return sess_fail(s, err);
		if (n == 0)
			return eof(s, err);
	}
}

/* ---- progress of literal transfers (session.h: session_set_progress) ---- */

void sess_progress(struct session *s, bool end)
{
	if (!s->prog_active)
		return;
	s->prog.end = end;
	if (end)
		s->prog_active = s->prog_kept = false;
	if (s->progress)
		s->progress(s->progress_ctx, &s->prog);
}

void sess_progress_stop(struct session *s, bool complete)
{
	if (!s->prog_active)
		return;
	if (complete)
		s->prog.done = s->prog.total;
	sess_progress(s, true);
}

/* While progress is on the parser's sink is this one: every literal is
 * offered to it (threshold 0); it reports, and hands the literals that
 * hooks.sink would have been offered on to it, with the same info (so
 * the serials match the values), and the handle it gave. */
static void *prog_begin(void *ctx, const struct imap_literal_info *info)
{
	struct session *s = ctx;
	const struct imap_literal_sink *in = s->hooks.sink;
	void *h = NULL;

	sess_progress_stop(s, true); /* a kept literal before this one */
	if (in && in->begin && info->size >= in->threshold)
		h = in->begin(in->ctx, info);
	memset(&s->prog, 0, sizeof(s->prog));
	s->prog.dir = SESSION_XFER_RECEIVE;
	s->prog.total = info->size;
	s->prog.verb = "";
	snprintf(s->prog_name, sizeof(s->prog_name), "%s", info->resp_name ? info->resp_name : "");
	snprintf(s->prog_key, sizeof(s->prog_key), "%s", info->key ? info->key : "");
	s->prog.resp_name = s->prog_name;
	s->prog.key = s->prog_key;
	s->prog.has_number = info->has_number;
	s->prog.number = info->number;
	s->prog_active = true;
	s->prog_kept = !h; /* NULL: the parser keeps it */
	sess_progress(s, false);
	return h;
}

static int prog_data(void *ctx, void *h, const char *data, size_t len, struct imap_err *err)
{
	struct session *s = ctx;
	const struct imap_literal_sink *in = s->hooks.sink;
	int rc = in->data ? in->data(in->ctx, h, data, len, err) : 0;

	if (rc == 0) {
		s->prog.done += len;
		sess_progress(s, false);
	}
	return rc;
}

static int prog_end(void *ctx, void *h, struct imap_err *err)
{
	struct session *s = ctx;
	const struct imap_literal_sink *in = s->hooks.sink;
	int rc = in->end ? in->end(in->ctx, h, err) : 0;

	sess_progress_stop(s, true);
	return rc;
}

static void prog_abort(void *ctx, void *h)
{
	struct session *s = ctx;
	const struct imap_literal_sink *in = s->hooks.sink;

	if (in->abort)
		in->abort(in->ctx, h);
	sess_progress_stop(s, false);
}

void session_set_progress(struct session *s, session_progress_fn fn, void *ctx)
{
	s->progress = fn;
	s->progress_ctx = ctx;
	if (fn) {
		s->prog_sink.begin = prog_begin;
		s->prog_sink.data = prog_data;
		s->prog_sink.end = prog_end;
		s->prog_sink.abort = prog_abort;
		s->prog_sink.ctx = s;
		s->prog_sink.threshold = 0;
		imap_parser_set_sink(s->parser, &s->prog_sink);
	} else {
		imap_parser_set_sink(s->parser, s->hooks.sink); /* as session_new() */
	}
}
