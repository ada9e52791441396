#include "core/session.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <poll.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/tls.h"
#include "proto/check.h"
#include "util/clock.h"
#include "util/tag.h"
#include "util/xalloc.h"

/* Untagged responses kept per name, and names kept, at most (imaplib keeps
 * all; a long session, or a server inventing names, must not grow us). */
#define KEEP_PER_NAME 100
#define KEEP_NAMES 64
#define READ_CHUNK 65536

struct kept {
	char *name;
	struct imap_response **items;
	size_t count, alloc;
};

struct session {
	struct net_conn *conn;
	struct imap_parser *parser;
	struct session_hooks hooks;
	struct tagger tagger;
	char next_tag[32];
	enum imap_state state;
	char *mailbox;
	bool readonly;
	bool became_readonly; /* [READ-ONLY] arrived during another command */
	bool alive;
	bool bye_seen;
	char bye_text[256];
	char **caps;
	size_t ncaps, caps_alloc;
	enum imap_literal_mode literal_mode; /* from the capabilities */
	struct kept *kept;
	size_t nkept, kept_alloc;
	const char *data_name; /* of the running command */
	/* pipelining: the commands in flight (their data names count too) */
	const struct session_cmd *pipe_cmds;
	const size_t *pipe_idx;
	size_t pipe_n;
};

const char *imap_state_name(enum imap_state st)
{
	switch (st) {
	case IMAP_STATE_NONAUTH: return "NONAUTH";
	case IMAP_STATE_AUTH: return "AUTH";
	case IMAP_STATE_SELECTED: return "SELECTED";
	case IMAP_STATE_LOGOUT: return "LOGOUT";
	}
	return "?";
}

/* Would a trace at level be shown?  Checked before any formatting: at
 * -d 0 a command must not pay for traces nobody sees. */
static bool tracing(const struct session *s, int level)
{
	return s->hooks.trace && (!s->hooks.trace_level || *s->hooks.trace_level >= level);
}

static void trace(struct session *s, int level, enum trace_kind kind, const char *text, size_t len)
{
	if (tracing(s, level))
		s->hooks.trace(s->hooks.ctx, level, kind, text, len);
}

static void tracef(struct session *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void tracef(struct session *s, int level, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	if (!tracing(s, level))
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	trace(s, level, TRACE_EVENT, b.buf, b.len);
	buf_release(&b);
}

struct session *session_new(struct net_conn *conn, const struct session_hooks *hooks)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->conn = conn;
	s->parser = imap_parser_new(NULL);
	if (hooks)
		s->hooks = *hooks;
	if (s->hooks.sink)
		imap_parser_set_sink(s->parser, s->hooks.sink);
	tagger_init(&s->tagger, 0);
	tagger_next(&s->tagger, s->next_tag, sizeof(s->next_tag));
	s->state = IMAP_STATE_NONAUTH;
	s->alive = true;
	return s;
}

static void clear_caps(struct session *s)
{
	size_t i;
	for (i = 0; i < s->ncaps; i++)
		free(s->caps[i]);
	s->ncaps = 0;
	s->literal_mode = IMAP_LITERAL_SYNC;
}

static void clear_kept(struct session *s)
{
	size_t i, j;
	for (i = 0; i < s->nkept; i++) {
		for (j = 0; j < s->kept[i].count; j++)
			imap_response_free(s->kept[i].items[j]);
		free(s->kept[i].items);
		free(s->kept[i].name);
	}
	free(s->kept);
	s->kept = NULL;
	s->nkept = s->kept_alloc = 0;
}

void session_free(struct session *s, struct buf *report)
{
	if (!s)
		return;
	net_close(s->conn, report); /* NULL-safe */
	imap_parser_free(s->parser);
	clear_caps(s);
	free(s->caps);
	clear_kept(s);
	free(s->mailbox);
	free(s);
}

enum imap_state session_state(const struct session *s) { return s->state; }
void session_abandon(struct session *s) { s->alive = false; }
const char *session_mailbox(const struct session *s) { return s->mailbox; }
bool session_readonly(const struct session *s) { return s->readonly; }
bool session_alive(const struct session *s) { return s->alive; }
const char *session_bye_text(const struct session *s) { return s->bye_seen ? s->bye_text : NULL; }
struct net_conn *session_conn(struct session *s) { return s->conn; }
const char *session_next_tag(struct session *s) { return s->next_tag; }

void session_set_state(struct session *s, enum imap_state st)
{
	s->state = st;
	if (st != IMAP_STATE_SELECTED) {
		free(s->mailbox);
		s->mailbox = NULL;
		s->readonly = false;
	}
}

bool session_has_cap(const struct session *s, const char *cap)
{
	size_t i;
	for (i = 0; i < s->ncaps; i++)
		if (strcasecmp(s->caps[i], cap) == 0)
			return true;
	return false;
}

size_t session_caps(const struct session *s, const char *const **caps_r)
{
	*caps_r = (const char *const *)s->caps;
	return s->ncaps;
}

const char *session_protocol_version(const struct session *s)
{
	if (session_has_cap(s, "IMAP4rev2"))
		return "IMAP4REV2";
	if (session_has_cap(s, "IMAP4rev1"))
		return "IMAP4REV1";
	if (session_has_cap(s, "IMAP4"))
		return "IMAP4";
	return "IMAP4REV1";
}

enum imap_literal_mode session_literal_mode(const struct session *s)
{
	return s->literal_mode;
}

static enum imap_literal_mode literal_mode_of(const struct session *s)
{
	if (session_has_cap(s, "LITERAL+"))
		return IMAP_LITERAL_PLUS;
	if (session_has_cap(s, "LITERAL-") || session_has_cap(s, "IMAP4rev2"))
		return IMAP_LITERAL_MINUS;
	return IMAP_LITERAL_SYNC;
}

/* Replaces the capability list with the atoms of list (a LIST value). */
static void set_caps(struct session *s, const struct imap_value *list)
{
	struct buf b = BUF_INIT;
	size_t i, j;
	clear_caps(s);
	for (i = 0; i < list->count; i++) {
		const struct imap_value *v = &list->items[i];
		char *c;
		if (v->type != IMAP_VALUE_ATOM && v->type != IMAP_VALUE_NUMBER)
			continue;
		xgrow((void **)&s->caps, &s->caps_alloc, s->ncaps + 1, sizeof(*s->caps));
		c = xmemdup(v->str, v->len);
		for (j = 0; j < v->len; j++)
			c[j] = (char)toupper((unsigned char)c[j]);
		s->caps[s->ncaps++] = c;
		if (b.len)
			buf_addch(&b, ' ');
		buf_adds(&b, c);
	}
	s->literal_mode = literal_mode_of(s);
	tracef(s, 1, "capabilities: %s", b.buf);
	buf_release(&b);
}

/* ---- keeping untagged responses by name (imaplib's untagged_responses) */

static struct kept *kept_slot(struct session *s, const char *name, bool create)
{
	size_t i;
	for (i = 0; i < s->nkept; i++)
		if (strcasecmp(s->kept[i].name, name) == 0)
			return &s->kept[i];
	if (!create)
		return NULL;
	xgrow((void **)&s->kept, &s->kept_alloc, s->nkept + 1, sizeof(*s->kept));
	memset(&s->kept[s->nkept], 0, sizeof(s->kept[0]));
	s->kept[s->nkept].name = xstrdup(name);
	return &s->kept[s->nkept++];
}

static void keep(struct session *s, const char *name, struct imap_response *r)
{
	struct kept *k = kept_slot(s, name, s->nkept < KEEP_NAMES);
	if (!k) {
		tracef(s, 3, "not keeping \"%.40s\": %d response names kept already", name, KEEP_NAMES);
		imap_response_free(r);
		return;
	}
	if (k->count == KEEP_PER_NAME) {
		imap_response_free(k->items[0]);
		memmove(k->items, k->items + 1, (k->count - 1) * sizeof(*k->items));
		k->count--;
	}
	xgrow((void **)&k->items, &k->alloc, k->count + 1, sizeof(*k->items));
	k->items[k->count++] = r;
}

size_t session_take_untagged(struct session *s, const char *name, struct imap_response ***list_r)
{
	struct kept *k = kept_slot(s, name, false);
	size_t n;
	*list_r = NULL;
	if (!k || !k->count)
		return 0;
	*list_r = k->items;
	n = k->count;
	k->items = NULL;
	k->count = k->alloc = 0;
	return n;
}

/* ---- reading ------------------------------------------------------------ */

static int fail(struct session *s, struct imap_err *err)
{
	s->alive = false;
	if (err->kind == IMAP_ERR_NONE)
		err->kind = IMAP_ERR_ABORT;
	return -1;
}

static bool name_is(const char *a, const char *b);

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
	return fail(s, err);
}

/* One read from the server straight into the parser's input (no copy):
 * >0 bytes read, 0 end of stream, -1 error (err set).  Reads READ_CHUNK
 * although the room may be larger: no more than asked for, so that a
 * read into a kept literal's buffer never overshoots the literal. */
static ssize_t read_into_parser(struct session *s, struct imap_err *err)
{
	size_t room;
	void *space = imap_parser_feed_space(s->parser, READ_CHUNK, &room);
	ssize_t n = net_read(s->conn, space, READ_CHUNK, err);

	imap_parser_feed_commit(s->parser, n > 0 ? (size_t)n : 0);
	return n;
}

/* Progress that restarts the response deadline (see read_response). */
#define PROGRESS_BYTES 16384

static int read_response(struct session *s, struct imap_response **r, struct imap_err *err)
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
		if (rc == 1) {
			trace(s, 4, TRACE_RECEIVED, (*r)->raw, (*r)->raw_len);
			/* numbers out of the grammar's range: we disagree */
			if (imap_response_check(*r, err) < 0) {
				imap_response_free(*r);
				*r = NULL;
				return fail(s, err);
			}
			return 0;
		}
		if (rc < 0) {
			err_prefix(err, "protocol error");
			return fail(s, err);
		}
		if (limit > 0 && clock_now_ms() - start > limit) {
			err_set(err, IMAP_ERR_ABORT,
				"timed out after %g s: the server sent only %zu byte(s) of a response in that time",
				limit / 1000.0, progress);
			return fail(s, err);
		}
		n = read_into_parser(s, err);
		if (n < 0)
			return fail(s, err);
		if (n == 0)
			return eof(s, err);
		tracef(s, 5, "read %zd bytes", n);
		progress += (size_t)n;
		if (limit > 0 && progress >= PROGRESS_BYTES) {
			start = clock_now_ms();
			progress = 0;
		}
	}
}

int session_read_response(struct session *s, struct imap_response **r, struct imap_err *err)
{
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	return read_response(s, r, err);
}

long session_read_bytes(struct session *s, void *buf, size_t n, struct imap_err *err)
{
	ssize_t got;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	got = net_read(s->conn, buf, n, err);
	if (got < 0)
		return fail(s, err);
	return (long)got;
}

static void deliver_untagged(struct session *s, struct imap_response *r);


int session_idle_wait(struct session *s, int timeout_ms, int extra_fd, struct imap_err *err)
{
	long long deadline = timeout_ms >= 0 ? clock_now_ms() + timeout_ms : -1;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	for (;;) {
		struct imap_response *r;
		struct pollfd pfd[3];
		int rc, wait;
		ssize_t n;

		while ((rc = imap_parser_next(s->parser, &r, err)) == 1) {
			trace(s, 4, TRACE_RECEIVED, r->raw, r->raw_len);
			if (r->kind != IMAP_RESP_UNTAGGED) {
				err_set(err, IMAP_ERR_ABORT,
					"protocol error: the server sent \"%s\" while idling",
					r->kind == IMAP_RESP_TAGGED ? "a tagged response" : "+");
				imap_response_free(r);
				return fail(s, err);
			}
			deliver_untagged(s, r);
		}
		if (rc < 0) {
			err_prefix(err, "protocol error");
			return fail(s, err);
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
		}
		n = read_into_parser(s, err);
		if (n < 0)
			return fail(s, err);
		if (n == 0)
			return eof(s, err);
	}
}

static bool name_is(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* What an untagged response (or a status response's code) tells us. */
static void learn(struct session *s, const struct imap_response *r)
{
	if (r->code_name) {
		if (name_is(r->code_name, "CAPABILITY"))
			set_caps(s, &r->code_args);
		else if (name_is(r->code_name, "READ-ONLY") && s->state == IMAP_STATE_SELECTED) {
			if (!s->readonly)
				s->became_readonly = true;
			s->readonly = true;
		}
		else if (name_is(r->code_name, "READ-WRITE") && s->state == IMAP_STATE_SELECTED)
			s->readonly = false;
	}
	if (r->kind == IMAP_RESP_UNTAGGED) {
		if (name_is(r->name, "CAPABILITY"))
			set_caps(s, &r->data);
		if (r->status == IMAP_STATUS_BYE) {
			s->bye_seen = true;
			snprintf(s->bye_text, sizeof(s->bye_text), "%.*s",
				 (int)(r->text_len > 200 ? 200 : r->text_len), r->text);
		}
	}
}

/* Is name the data of a command in progress (then it is not kept)? */
static bool is_data_name(const struct session *s, const char *name)
{
	size_t i;
	if (name_is(name, s->data_name))
		return true;
	for (i = 0; i < s->pipe_n; i++)
		if (name_is(name, s->pipe_cmds[s->pipe_idx[i]].data_name))
			return true;
	return false;
}

/* Shows an untagged response and keeps or frees it. */
static void deliver_untagged(struct session *s, struct imap_response *r)
{
	learn(s, r);
	if (s->hooks.untagged)
		s->hooks.untagged(s->hooks.ctx, r);
	if (is_data_name(s, r->name) && !r->code_name) {
		imap_response_free(r);
		return;
	}
	if (r->code_name && r->status != IMAP_STATUS_NONE) {
		/* imaplib files "* OK [UIDVALIDITY 3] .." under UIDVALIDITY */
		keep(s, r->code_name, r);
		return;
	}
	keep(s, r->name ? r->name : "", r);
}

/* ---- sending ------------------------------------------------------------- */

static int send_bytes(struct session *s, const struct imap_wire *w, size_t off, size_t len,
		      struct imap_err *err)
{
	if (tracing(s, 4)) {
		struct buf t = BUF_INIT;
		imap_wire_redacted(w, off, len, &t);
		trace(s, 4, TRACE_SENT, t.buf, t.len);
		buf_release(&t);
	}
	if (net_write(s->conn, w->bytes.buf + off, len, err) < 0)
		return fail(s, err);
	return 0;
}

/* Sends a literal's data from its source, exactly size bytes. */
static int send_stream(struct session *s, const struct imap_literal_source *src,
		       struct imap_err *err)
{
	char *chunk = xmalloc(READ_CHUNK);
	uint64_t left = src->size;
	int rc = 0;

	if (tracing(s, 4)) {
		char note[80];
		int n = snprintf(note, sizeof(note), "<%" PRIu64 " bytes of literal data>", src->size);
		trace(s, 4, TRACE_SENT, note, (size_t)n);
	}
	while (left) {
		size_t want = left < READ_CHUNK ? (size_t)left : READ_CHUNK;
		ssize_t n = src->read(src->ctx, chunk, want, err);
		if (n <= 0 || (size_t)n > want) {
			/* half a literal is on the wire: the connection is lost */
			if (n == 0 || (size_t)n > want)
				err_set(err, IMAP_ERR_ABORT,
					"the literal data changed size while it was sent "
					"(%" PRIu64 " bytes announced); the connection cannot go on", src->size);
			err->kind = IMAP_ERR_ABORT;
			rc = fail(s, err);
			break;
		}
		if (net_write(s->conn, chunk, (size_t)n, err) < 0) {
			rc = fail(s, err);
			break;
		}
		left -= (uint64_t)n;
	}
	free(chunk);
	return rc;
}

/* Sends bytes [off, off+len) of w, with the streamed literals that fall
 * inside the range. */
static int send_range(struct session *s, const struct imap_wire *w, size_t off, size_t len,
		      struct imap_err *err)
{
	size_t end = off + len, pos = off, i;
	for (i = 0; i < w->nstreams; i++) {
		size_t at = w->streams[i].at;
		if (at < off || at >= end)
			continue;
		if (at > pos && send_bytes(s, w, pos, at - pos, err))
			return -1;
		if (send_stream(s, w->streams[i].source, err))
			return -1;
		pos = at;
	}
	return send_bytes(s, w, pos, end - pos, err);
}

int session_send_raw(struct session *s, const void *data, size_t len, struct imap_err *err)
{
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	trace(s, 4, TRACE_SENT, data, len);
	if (net_write(s->conn, data, len, err) < 0)
		return fail(s, err);
	return 0;
}

static int send_line(struct session *s, const char *data, size_t len, bool secret,
		     struct imap_err *err)
{
	struct buf b = BUF_INIT;
	int rc;
	buf_add(&b, data, len);
	buf_add(&b, "\r\n", 2);
	trace(s, 4, TRACE_SENT, secret ? "<redacted>\r\n" : b.buf, secret ? 12 : b.len);
	rc = net_write(s->conn, b.buf, b.len, err);
	buf_release(&b);
	return rc < 0 ? fail(s, err) : 0;
}

/* Updates state from a command's tagged response. */
static void after_tagged(struct session *s, const struct session_cmd *cmd,
			 const struct imap_response *t)
{
	const char *v = cmd->verb;
	bool ok = t->status == IMAP_STATUS_OK;

	learn(s, t);
	if (name_is(v, "LOGIN") || name_is(v, "AUTHENTICATE")) {
		if (ok) {
			session_set_state(s, IMAP_STATE_AUTH);
			tracef(s, 1, "state AUTH");
		}
	} else if (name_is(v, "SELECT") || name_is(v, "EXAMINE")) {
		if (ok) {
			const struct imap_arg *a = cmd->nargs ? &cmd->args[0] : NULL;
			free(s->mailbox);
			s->mailbox = a ? xmemdup(a->data, a->len) : xstrdup("INBOX");
			s->state = IMAP_STATE_SELECTED;
			s->readonly = name_is(v, "EXAMINE") ||
				      name_is(t->code_name, "READ-ONLY");
			tracef(s, 1, "state SELECTED %s%s", s->mailbox, s->readonly ? " (read-only)" : "");
		} else if (s->state == IMAP_STATE_SELECTED) {
			/* RFC 9051 6.3.2: a failed SELECT leaves no mailbox selected */
			session_set_state(s, IMAP_STATE_AUTH);
			tracef(s, 1, "state AUTH");
		}
	} else if (name_is(v, "CLOSE") || name_is(v, "UNSELECT")) {
		if (ok)
			session_set_state(s, IMAP_STATE_AUTH);
	} else if (name_is(v, "LOGOUT")) {
		session_set_state(s, IMAP_STATE_LOGOUT);
		s->alive = false;
	}
	if (s->bye_seen && s->alive) {
		/* the server said goodbye: whatever it answers, nothing more may
		 * be sent (RFC 9051 7.1.5) */
		s->alive = false;
		tracef(s, 1, "the server sent BYE: the session is over");
	}
}

static bool tag_is(const struct imap_response *r, const char *tag)
{
	return r->tag && strcmp(r->tag, tag) == 0;
}

static int unexpected_tag(struct session *s, struct imap_response *r, const char *want,
			  struct imap_err *err)
{
	err_set(err, IMAP_ERR_ABORT,
		"protocol error: the server answered tag \"%.40s\", but the command waiting has tag %s",
		r->tag, want);
	imap_response_free(r);
	return fail(s, err);
}

int session_command(struct session *s, const struct session_cmd *cmd,
		    struct imap_response **tagged_r, struct imap_err *err)
{
	struct imap_wire w;
	char tag[32];
	size_t chunk = 0;
	int rc = -1;

	*tagged_r = NULL;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected (the session has ended)");
	imap_wire_init(&w);
	if (imap_encode(&w, s->next_tag, cmd->verb, cmd->args, cmd->nargs,
			session_literal_mode(s), err) < 0) {
		imap_wire_release(&w);
		return -1;
	}
	snprintf(tag, sizeof(tag), "%s", s->next_tag);
	tagger_next(&s->tagger, s->next_tag, sizeof(s->next_tag));
	s->became_readonly = false;
	s->data_name = cmd->data_name;
	tracef(s, 2, "command %s %s", tag, cmd->verb);

	if (send_range(s, &w, w.chunks[0].off, w.chunks[0].len, err))
		goto out;
	chunk = 1;
	for (;;) {
		struct imap_response *r;
		if (read_response(s, &r, err))
			goto out;
		if (r->kind == IMAP_RESP_UNTAGGED) {
			deliver_untagged(s, r);
			continue;
		}
		if (r->kind == IMAP_RESP_TAGGED) {
			if (!tag_is(r, tag)) {
				unexpected_tag(s, r, tag, err);
				goto out;
			}
			after_tagged(s, cmd, r);
			tracef(s, 2, "result %s %s", tag, imap_status_name(r->status));
			*tagged_r = r;
			rc = 0;
			goto out;
		}
		/* continuation */
		if (chunk < w.nchunks) {
			if (send_range(s, &w, w.chunks[chunk].off, w.chunks[chunk].len, err)) {
				imap_response_free(r);
				goto out;
			}
			chunk++;
			imap_response_free(r);
			continue;
		}
		if (cmd->cont) {
			struct buf reply = BUF_INIT;
			bool secret = false;
			int c = cmd->cont(cmd->cont_ctx, r, &reply, &secret, err);
			imap_response_free(r);
			if (c < 0) {
				buf_release(&reply);
				fail(s, err);
				goto out;
			}
			if (c == 1)
				c = send_line(s, "*", 1, false, err);
			else if (c == 0)
				c = send_line(s, reply.buf, reply.len, secret, err);
			else
				c = 0;
			if (secret)
				memset(reply.buf, 0, reply.len);
			buf_release(&reply);
			if (c)
				goto out;
			continue;
		}
		imap_response_free(r);
		err_set(err, IMAP_ERR_ABORT,
			"protocol error: the server sent a continuation request (+) that %s did not ask for",
			cmd->verb);
		fail(s, err);
		goto out;
	}
out:
	s->data_name = NULL;
	imap_wire_release(&w);
	if (rc == 0 && s->became_readonly && !name_is(cmd->verb, "SELECT") &&
	    !name_is(cmd->verb, "EXAMINE")) {
		/* imaplib's readonly: the mailbox was taken away from us */
		s->became_readonly = false;
		err_set(err, IMAP_ERR_READONLY,
			"%s: the mailbox %s became read-only (the server said [READ-ONLY]); "
			"select it again to see why", cmd->verb, s->mailbox ? s->mailbox : "");
		imap_response_free(*tagged_r);
		*tagged_r = NULL;
		return -1;
	}
	if (rc == 0 && (*tagged_r)->status == IMAP_STATUS_OK &&
	    (name_is(cmd->verb, "LOGIN") || name_is(cmd->verb, "AUTHENTICATE")) &&
	    !name_is((*tagged_r)->code_name, "CAPABILITY")) {
		/* capabilities often change after login; ask again */
		struct imap_err e2 = IMAP_ERR_INIT;
		if (session_refresh_caps(s, &e2) < 0 && !s->alive) {
			*err = e2;
			imap_response_free(*tagged_r);
			*tagged_r = NULL;
			return -1;
		}
	}
	return rc;
}

int session_refresh_caps(struct session *s, struct imap_err *err)
{
	struct session_cmd c = { "CAPABILITY", NULL, 0, "CAPABILITY", NULL, NULL };
	struct imap_response *t;
	void (*untagged)(void *, const struct imap_response *) = s->hooks.untagged;
	int rc;

	/* the shell did not ask for this one: do not show it */
	s->hooks.untagged = NULL;
	rc = session_command(s, &c, &t, err);
	s->hooks.untagged = untagged;
	if (rc < 0)
		return -1;
	if (t->status != IMAP_STATUS_OK) {
		err_set(err, IMAP_ERR_ERROR, "CAPABILITY failed: %s %.*s",
			imap_status_name(t->status), (int)t->text_len, t->text);
		imap_response_free(t);
		return -1;
	}
	imap_response_free(t);
	return 0;
}

int session_greet(struct session *s, struct imap_err *err)
{
	struct imap_response *r;
	if (read_response(s, &r, err)) {
		err_prefix(err, "no greeting");
		return -1;
	}
	if (r->kind != IMAP_RESP_UNTAGGED ||
	    (r->status != IMAP_STATUS_OK && r->status != IMAP_STATUS_PREAUTH)) {
		struct buf b = BUF_INIT;
		buf_add_escaped(&b, r->raw, r->raw_len > 200 ? 200 : r->raw_len);
		if (r->status == IMAP_STATUS_BYE)
			err_set(err, IMAP_ERR_ABORT, "the server refused the connection: %s", b.buf);
		else
			err_set(err, IMAP_ERR_ABORT,
				"bad greeting (expected \"* OK\" or \"* PREAUTH\"): %s", b.buf);
		if (s->hooks.untagged)
			s->hooks.untagged(s->hooks.ctx, r);
		buf_release(&b);
		imap_response_free(r);
		return fail(s, err);
	}
	s->state = r->status == IMAP_STATUS_PREAUTH ? IMAP_STATE_AUTH : IMAP_STATE_NONAUTH;
	tracef(s, 1, "greeting %s, state %s", imap_status_name(r->status), imap_state_name(s->state));
	learn(s, r);
	if (s->hooks.untagged)
		s->hooks.untagged(s->hooks.ctx, r);
	imap_response_free(r);
	if (!s->ncaps && session_refresh_caps(s, err) < 0) {
		if (!s->alive)
			return -1;
		/* asked once; a server that cannot say is still usable */
		err_prefix(err, "the capabilities are unknown");
		return 1;
	}
	return 0;
}

bool session_is_tls(struct session *s)
{
	return s->conn && net_is_tls(s->conn);
}

int session_starttls(struct session *s, const struct net_tls_opts *o, struct imap_err *err)
{
	struct session_cmd c = { "STARTTLS", NULL, 0, NULL, NULL, NULL };
	struct imap_response *t = NULL;
	struct net_conn *tls;

	if (session_command(s, &c, &t, err) < 0)
		return -1;
	if (t->status != IMAP_STATUS_OK) {
		err_set(err, IMAP_ERR_ERROR, "STARTTLS failed: %s %.*s", imap_status_name(t->status),
			(int)(t->text_len > 200 ? 200 : t->text_len), t->text);
		imap_response_free(t);
		return -1;
	}
	imap_response_free(t);
	if (imap_parser_pending(s->parser) ||
	    (s->conn->ops->pending && s->conn->ops->pending(s->conn))) {
		err_set(err, IMAP_ERR_ABORT,
			"response injection: the server sent %zu byte(s) after its STARTTLS OK, before TLS "
			"started; they could only come from an attacker, so the session ends",
			imap_parser_pending(s->parser));
		return fail(s, err);
	}
	tls = net_tls_wrap(s->conn, o, err);
	s->conn = NULL;
	if (!tls) {
		s->alive = false;
		err->kind = IMAP_ERR_ABORT;
		return -1;
	}
	s->conn = tls;
	/* nothing said in clear text is trusted (RFC 9051 6.2.1) */
	imap_parser_reset(s->parser);
	clear_caps(s);
	clear_kept(s);
	s->bye_seen = false;
	tracef(s, 1, "TLS started; asking for capabilities again");
	return session_refresh_caps(s, err);
}

bool session_can_pipeline(struct session *s, const struct session_cmd *cmd)
{
	struct imap_wire w;
	struct imap_err err = IMAP_ERR_INIT;
	bool ok;
	if (cmd->cont)
		return false;
	imap_wire_init(&w);
	ok = imap_encode(&w, "A", cmd->verb, cmd->args, cmd->nargs, session_literal_mode(s), &err) == 0 &&
	     w.nchunks == 1 && !w.nstreams;
	imap_wire_release(&w);
	return ok;
}

#define PIPE_MAX_INFLIGHT 256
#define PIPE_MAX_BYTES 32768

struct inflight {
	unsigned long num; /* its tag's counter (tagger_number): the key */
	size_t idx;
};

int session_pipeline(struct session *s, const struct session_cmd *cmds, size_t n,
		     session_done_fn done, void *ctx, struct imap_err *err)
{
	struct inflight fl[PIPE_MAX_INFLIGHT];
	size_t idx[PIPE_MAX_INFLIGHT];
	size_t nfl = 0, next = 0, answered = 0, i;
	struct imap_wire w;
	struct buf out = BUF_INIT;
	int rc = -1;

	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected (the session has ended)");
	for (i = 0; i < n; i++)
		if (cmds[i].cont)
			return err_set(err, IMAP_ERR_ERROR, "%s cannot be pipelined", cmds[i].verb);
	imap_wire_init(&w);
	s->pipe_cmds = cmds;
	s->pipe_idx = idx;
	s->became_readonly = false;
	while (answered < n) {
		struct imap_response *r;

		/* top up the window, all in one write, once half of it is answered
		 * (not one small write per answer) */
		buf_reset(&out);
		while (next < n && nfl < PIPE_MAX_INFLIGHT && out.len < PIPE_MAX_BYTES &&
		       (nfl <= PIPE_MAX_INFLIGHT / 2 || out.len)) {
			const struct session_cmd *c = &cmds[next];
			if (imap_encode(&w, s->next_tag, c->verb, c->args, c->nargs,
					session_literal_mode(s), err) < 0)
				goto out;
			if (w.nchunks != 1 || w.nstreams) {
				err_set(err, IMAP_ERR_ERROR,
					"%s has a synchronizing literal and cannot be pipelined", c->verb);
				goto out;
			}
			if (tracing(s, 4)) {
				struct buf t = BUF_INIT;
				imap_wire_redacted(&w, 0, w.bytes.len, &t);
				trace(s, 4, TRACE_SENT, t.buf, t.len);
				buf_release(&t);
			}
			tracef(s, 2, "command %s %s (pipelined)", s->next_tag, c->verb);
			buf_add(&out, w.bytes.buf, w.bytes.len);
			fl[nfl].num = s->tagger.next - 1; /* next_tag was made with it */
			fl[nfl].idx = next;
			idx[nfl] = next;
			nfl++;
			s->pipe_n = nfl;
			tagger_next(&s->tagger, s->next_tag, sizeof(s->next_tag));
			next++;
		}
		if (out.len && net_write(s->conn, out.buf, out.len, err) < 0) {
			fail(s, err);
			goto out;
		}
		if (read_response(s, &r, err))
			goto out;
		if (r->kind == IMAP_RESP_UNTAGGED) {
			deliver_untagged(s, r);
			continue;
		}
		if (r->kind == IMAP_RESP_CONTINUATION) {
			imap_response_free(r);
			err_set(err, IMAP_ERR_ABORT,
				"protocol error: the server sent a continuation request (+) that no "
				"pipelined command asked for");
			fail(s, err);
			goto out;
		}
		{
			long long num = tagger_number(&s->tagger, r->tag);
			for (i = 0; i < nfl; i++)
				if (num >= 0 && fl[i].num == (unsigned long long)num)
					break;
		}
		if (i == nfl) {
			err_set(err, IMAP_ERR_ABORT,
				"protocol error: the server answered tag \"%.40s\", which no command in "
				"flight has", r->tag);
			imap_response_free(r);
			fail(s, err);
			goto out;
		}
		{
			size_t k = fl[i].idx;
			fl[i] = fl[nfl - 1];
			idx[i] = idx[nfl - 1];
			nfl--;
			s->pipe_n = nfl;
			after_tagged(s, &cmds[k], r);
			tracef(s, 2, "result %s %s", r->tag, imap_status_name(r->status));
			answered++;
			done(ctx, k, r);
		}
	}
	rc = 0;
out:
	s->pipe_cmds = NULL;
	s->pipe_idx = NULL;
	s->pipe_n = 0;
	imap_wire_release(&w);
	buf_release(&out);
	return rc;
}
