/*
 * session.c - one IMAP session: greeting, state, capabilities, and one
 * command's round trip with its continuations (session.h).  Reading is in
 * read.c, pipelining in pipeline.c, the kept responses in kept.c, the
 * security policy in policy.c.
 */
#include "core/session_int.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/policy.h"
#include "net/tls.h"
#include "proto/search.h"
#include "proto/view.h"
#include "util/xalloc.h"

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
bool sess_tracing(const struct session *s, int level)
{
	return s->hooks.trace && (!s->hooks.trace_level || *s->hooks.trace_level >= level);
}

void sess_trace(struct session *s, int level, enum trace_kind kind, const char *text, size_t len)
{
	if (sess_tracing(s, level))
		s->hooks.trace(s->hooks.ctx, level, kind, text, len);
}

void sess_tracef(struct session *s, int level, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	if (!sess_tracing(s, level))
		return;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	sess_trace(s, level, TRACE_EVENT, b.buf, b.len);
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
	s->kept = kept_new(KEPT_MAX_BYTES);
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

void session_free(struct session *s, struct buf *report)
{
	if (!s)
		return;
	s->progress = NULL; /* its ctx may be gone; a literal in flight is dropped */
	net_close(s->conn, report); /* NULL-safe */
	imap_parser_free(s->parser);
	clear_caps(s);
	free(s->caps);
	kept_free(s->kept);
	free(s->mailbox);
	free(s);
}

enum imap_state session_state(const struct session *s) { return s->state; }
void session_set_allow_plaintext(struct session *s, bool allow) { s->allow_plaintext = allow; }

void session_limit_timeout(struct session *s, int ms)
{
	if (s->conn && (s->conn->timeout_ms <= 0 || s->conn->timeout_ms > ms))
		s->conn->timeout_ms = ms;
}
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
		s->nupdates = 0; /* updates end with their mailbox (RFC 5267 4.2) */
	}
}

/* ---- searches left open with RETURN (UPDATE) (RFC 5267) */

size_t session_update_count(const struct session *s) { return s->nupdates; }

const char *session_update_tag(const struct session *s, size_t i)
{
	return i < s->nupdates ? s->update_tags[i] : NULL;
}

static void updates_forget(struct session *s, const char *tag, size_t len)
{
	size_t i;

	for (i = 0; i < s->nupdates; i++) {
		if (strlen(s->update_tags[i]) == len && !memcmp(s->update_tags[i], tag, len)) {
			memmove(s->update_tags[i], s->update_tags[i + 1],
				(s->nupdates - i - 1) * sizeof(s->update_tags[0]));
			s->nupdates--;
			return;
		}
	}
}

/* A search with RETURN (UPDATE) is sent: its tag is kept from now on, so
 * that a [NOUPDATE] before its OK finds it. */
void sess_updates_sent(struct session *s, const struct session_cmd *cmd, const char *tag)
{
	if (cmd->context_update && s->nupdates < SESSION_MAX_UPDATES &&
	    strlen(tag) < sizeof(s->update_tags[0]))
		strcpy(s->update_tags[s->nupdates++], tag);
}

/* A tagged answer: a failed search updates nothing; CANCELUPDATE's OK
 * forgets the ones it named. */
static void updates_after_tagged(struct session *s, const struct session_cmd *cmd,
				 const struct imap_response *t)
{
	size_t i;

	if (cmd->context_update && t->status != IMAP_STATUS_OK && t->tag)
		updates_forget(s, t->tag, strlen(t->tag));
	if (t->status == IMAP_STATUS_OK && !strcasecmp(cmd->verb, "CANCELUPDATE"))
		for (i = 0; i < cmd->nargs; i++)
			updates_forget(s, cmd->args[i].data, cmd->args[i].len);
}

bool session_is_update(const struct session *s, struct imap_response *r)
{
	const struct imap_esearch *e = imap_esearch_view(r);
	size_t i;

	if (!e || !e->nupdates || !e->tag.s)
		return false;
	for (i = 0; i < s->nupdates; i++)
		if (strlen(s->update_tags[i]) == e->tag.len &&
		    !memcmp(s->update_tags[i], e->tag.s, e->tag.len))
			return true;
	return false;
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
	sess_tracef(s, 1, "capabilities: %s", b.buf);
	buf_release(&b);
}

/* ---- keeping untagged responses by name (imaplib's untagged_responses) */

static void keep(struct session *s, const char *name, struct imap_response *r)
{
	size_t mem = imap_response_mem(r);
	if (!kept_add(s->kept, name, r, mem))
		sess_tracef(s, 3, "not keeping a \"%.40s\" response (%zu bytes): over the limits "
			    "of the kept responses", name, mem);
}

size_t session_take_untagged(struct session *s, const char *name, struct imap_response ***list_r)
{
	return kept_take(s->kept, name, list_r);
}

static bool name_is(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* ENABLED: what the server now does differently for us. */
static void learn_enabled(struct session *s, const struct imap_value *list)
{
	size_t i;
	for (i = 0; i < list->count; i++) {
		const struct imap_value *v = &list->items[i];
		if (v->type != IMAP_VALUE_ATOM)
			continue;
		if (name_is(v->str, "UTF8=ACCEPT") || name_is(v->str, "IMAP4rev2"))
			s->utf8_names = true;
		if (name_is(v->str, "UTF8=ACCEPT"))
			s->utf8_accept = true;
		if (name_is(v->str, "QRESYNC"))
			s->qresync = true;
	}
}

uint64_t session_highestmodseq(const struct session *s, bool *nomodseq)
{
	if (nomodseq)
		*nomodseq = s->state == IMAP_STATE_SELECTED && s->nomodseq;
	return s->state == IMAP_STATE_SELECTED ? s->highestmodseq : 0;
}

bool session_utf8_accept(const struct session *s)
{
	return s->utf8_accept;
}

bool session_utf8_names(const struct session *s)
{
	return s->utf8_names;
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
		else if (name_is(r->code_name, "HIGHESTMODSEQ") && r->code_args.count &&
			 r->code_args.items[0].type == IMAP_VALUE_NUMBER)
			s->highestmodseq = r->code_args.items[0].num;
		else if (name_is(r->code_name, "NOMODSEQ"))
			s->nomodseq = true;
		else if (name_is(r->code_name, "NOUPDATE") && r->code_args.count) {
			/* the server will not keep that search up to date */
			struct imap_text tag = imap_value_text(&r->code_args.items[0]);
			if (tag.s)
				updates_forget(s, tag.s, tag.len);
		}
	}
	if (r->kind == IMAP_RESP_UNTAGGED) {
		if (name_is(r->name, "CAPABILITY"))
			set_caps(s, &r->data);
		if (name_is(r->name, "ENABLED"))
			learn_enabled(s, &r->data);
		if (r->status == IMAP_STATUS_BYE) {
			s->bye_seen = true;
			snprintf(s->bye_text, sizeof(s->bye_text), "%.*s",
				 (int)(r->text_len > 200 ? 200 : r->text_len), r->text);
		}
	}
}

/* Is name the data of a command in progress (then it is not kept)? */
bool sess_is_data_name(const struct session *s, const char *name)
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
void sess_deliver_untagged(struct session *s, struct imap_response *r)
{
	learn(s, r);
	if (sess_pre_tls_discards(s, r)) {
		/* clear text before a required TLS: not shown, not kept */
		const char *p = r->raw, *end = r->raw + r->raw_len;
		s->pre_tls_bytes += r->raw_len;
		s->pre_tls_responses++;
		while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			s->pre_tls_lines++;
			p++;
		}
		imap_response_free(r);
		return;
	}
	if (s->hooks.untagged)
		s->hooks.untagged(s->hooks.ctx, r);
	if (sess_is_data_name(s, r->name) && !r->code_name) {
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

int sess_fail(struct session *s, struct imap_err *err)
{
	s->alive = false;
	if (err->kind == IMAP_ERR_NONE)
		err->kind = IMAP_ERR_ABORT;
	sess_progress_stop(s, false); /* a literal in flight is abandoned */
	return -1;
}

/* ---- sending ------------------------------------------------------------- */

static int send_bytes(struct session *s, const struct imap_wire *w, size_t off, size_t len,
		      struct imap_err *err)
{
	if (sess_tracing(s, 4)) {
		struct buf t = BUF_INIT;
		imap_wire_redacted(w, off, len, &t);
		sess_trace(s, 4, TRACE_SENT, t.buf, t.len);
		buf_release(&t);
	}
	if (net_write(s->conn, w->bytes.buf + off, len, err) < 0)
		return sess_fail(s, err);
	return 0;
}

/* Sends a literal's data from its source, exactly size bytes (verb: of
 * the command, for the progress report). */
static int send_stream(struct session *s, const char *verb, const struct imap_literal_source *src,
		       struct imap_err *err)
{
	char *chunk = xmalloc(SESS_CHUNK);
	uint64_t left = src->size;
	bool report = s->progress != NULL;
	int rc = 0;

	if (sess_tracing(s, 4)) {
		char note[80];
		int n = snprintf(note, sizeof(note), "<%" PRIu64 " bytes of literal data>", src->size);
		sess_trace(s, 4, TRACE_SENT, note, (size_t)n);
	}
	if (report) {
		sess_progress_stop(s, true);
		memset(&s->prog, 0, sizeof(s->prog));
		s->prog.dir = SESSION_XFER_SEND;
		s->prog.total = src->size;
		s->prog.verb = verb;
		s->prog.resp_name = s->prog.key = "";
		s->prog_active = true;
		sess_progress(s, false);
	}
	while (left) {
		size_t want = left < SESS_CHUNK ? (size_t)left : SESS_CHUNK;
		ssize_t n = src->read(src->ctx, chunk, want, err);
		if (n <= 0 || (size_t)n > want) {
			/* half a literal is on the wire: the connection is lost */
			if (n == 0 || (size_t)n > want)
				err_set(err, IMAP_ERR_ABORT,
					"the literal data changed size while it was sent "
					"(%" PRIu64 " bytes announced); the connection cannot go on", src->size);
			err->kind = IMAP_ERR_ABORT;
			rc = sess_fail(s, err);
			break;
		}
		if (net_write(s->conn, chunk, (size_t)n, err) < 0) {
			rc = sess_fail(s, err);
			break;
		}
		left -= (uint64_t)n;
		if (report) {
			s->prog.done += (uint64_t)n;
			sess_progress(s, false);
		}
	}
	if (report && !rc)
		sess_progress_stop(s, true);
	free(chunk);
	return rc;
}

/* Sends bytes [off, off+len) of w, with the streamed literals that fall
 * inside the range. */
static int send_range(struct session *s, const char *verb, const struct imap_wire *w, size_t off,
		      size_t len, struct imap_err *err)
{
	size_t end = off + len, pos = off, i;
	for (i = 0; i < w->nstreams; i++) {
		size_t at = w->streams[i].at;
		if (at < off || at >= end)
			continue;
		if (at > pos && send_bytes(s, w, pos, at - pos, err))
			return -1;
		if (send_stream(s, verb, w->streams[i].source, err))
			return -1;
		pos = at;
	}
	return send_bytes(s, w, pos, end - pos, err);
}

int session_send_raw(struct session *s, const void *data, size_t len, struct imap_err *err)
{
	struct buf shown = BUF_INIT;
	bool auth;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	if (policy_check_send(s, data, len, &shown, &auth, err) < 0) {
		buf_release(&shown);
		return -1;
	}
	/* after an AUTHENTICATE by hand, what is sent answers its challenges */
	if (s->raw_auth)
		sess_trace(s, 4, TRACE_SENT, "<redacted>", 10);
	else
		sess_trace(s, 4, TRACE_SENT, shown.buf, shown.len);
	buf_release(&shown);
	if (auth)
		s->raw_auth = true;
	if (net_write(s->conn, data, len, err) < 0)
		return sess_fail(s, err);
	return 0;
}

/* DONE for IDLE: no tag, and none of send's checks. */
int session_send_done(struct session *s, struct imap_err *err)
{
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected");
	sess_trace(s, 4, TRACE_SENT, "DONE\r\n", 6);
	if (net_write(s->conn, "DONE\r\n", 6, err) < 0)
		return sess_fail(s, err);
	return 0;
}

static int send_line(struct session *s, const char *data, size_t len, bool secret,
		     struct imap_err *err)
{
	struct buf b = BUF_INIT;
	int rc;
	buf_grow(&b, len + 2); /* one block: no copy of a secret left behind */
	buf_add(&b, data, len);
	buf_add(&b, "\r\n", 2);
	sess_trace(s, 4, TRACE_SENT, secret ? "<redacted>\r\n" : b.buf, secret ? 12 : b.len);
	rc = net_write(s->conn, b.buf, b.len, err);
	if (secret)
		explicit_bzero(b.buf, b.len);
	buf_release(&b);
	return rc < 0 ? sess_fail(s, err) : 0;
}

/*
 * The mailbox a SELECT typed as one raw argument names: its first astring
 * ("Sent (CONDSTORE)" -> Sent, "\"My \\\"Box\\\"\" (QRESYNC ...)" -> My "Box").
 * RAW arguments hold no line break, so no literal.
 */
static char *first_astring(const char *p, size_t len)
{
	struct buf b = BUF_INIT;
	size_t i = 0;
	while (i < len && p[i] == ' ')
		i++;
	if (i < len && p[i] == '"') {
		for (i++; i < len && p[i] != '"'; i++) {
			if (p[i] == '\\' && i + 1 < len)
				i++;
			buf_addch(&b, p[i]);
		}
	} else {
		/* an atom ends at a space or a list; ']' may appear (astring) */
		while (i < len && p[i] != ' ' && p[i] != '(' && p[i] != ')')
			buf_addch(&b, p[i++]);
	}
	return buf_detach(&b, NULL);
}

/* Updates state from a command's tagged response. */
void sess_after_tagged(struct session *s, const struct session_cmd *cmd,
		       const struct imap_response *t)
{
	const char *v = cmd->verb;
	bool ok = t->status == IMAP_STATUS_OK;

	learn(s, t);
	updates_after_tagged(s, cmd, t);
	if (name_is(v, "LOGIN") || name_is(v, "AUTHENTICATE")) {
		if (ok) {
			session_set_state(s, IMAP_STATE_AUTH);
			sess_tracef(s, 1, "state AUTH");
		}
	} else if (name_is(v, "SELECT") || name_is(v, "EXAMINE")) {
		s->nupdates = 0; /* another mailbox, or none */
		if (ok) {
			const struct imap_arg *a = cmd->nargs ? &cmd->args[0] : NULL;
			free(s->mailbox);
			s->mailbox = !a ? xstrdup("INBOX")
				   : a->kind == IMAP_ARG_RAW ? first_astring(a->data, a->len)
				   : xmemdup(a->data, a->len);
			s->state = IMAP_STATE_SELECTED;
			s->readonly = name_is(v, "EXAMINE") ||
				      name_is(t->code_name, "READ-ONLY");
			sess_tracef(s, 1, "state SELECTED %s%s", s->mailbox, s->readonly ? " (read-only)" : "");
		} else if (s->state == IMAP_STATE_SELECTED) {
			/* RFC 9051 6.3.2: a failed SELECT leaves no mailbox selected */
			session_set_state(s, IMAP_STATE_AUTH);
			sess_tracef(s, 1, "state AUTH");
		}
	} else if (name_is(v, "CLOSE") || name_is(v, "UNSELECT")) {
		if (ok)
			session_set_state(s, IMAP_STATE_AUTH);
	} else if (name_is(v, "UNAUTHENTICATE")) {
		/* RFC 8437: as if just connected (a [CAPABILITY] code in the
		 * answer was learned above) */
		if (ok) {
			session_set_state(s, IMAP_STATE_NONAUTH);
			/* and what ENABLE turned on is off again */
			s->utf8_names = s->utf8_accept = s->qresync = false;
			sess_tracef(s, 1, "state NONAUTH");
		}
	} else if (name_is(v, "LOGOUT")) {
		session_set_state(s, IMAP_STATE_LOGOUT);
		s->alive = false;
	}
	if (s->bye_seen && s->alive) {
		/* the server said goodbye: whatever it answers, nothing more may
		 * be sent (RFC 9051 7.1.5) */
		s->alive = false;
		sess_tracef(s, 1, "the server sent BYE: the session is over");
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
	return sess_fail(s, err);
}

int session_command(struct session *s, const struct session_cmd *cmd,
		    struct imap_response **tagged_r, struct imap_err *err)
{
	struct imap_wire w;
	struct imap_arg marked[SESSION_MAX_ARGS + 1];
	const struct imap_arg *args;
	size_t nargs;
	char tag[32];
	size_t chunk = 0;
	int rc = -1;

	*tagged_r = NULL;
	if (!s->alive)
		return err_set(err, IMAP_ERR_ABORT, "not connected (the session has ended)");
	if (policy_prepare_command(s, cmd, marked, sizeof(marked) / sizeof(marked[0]), &args,
				   &nargs, err) < 0)
		return -1;
	/* what the server sent already cannot answer this command */
	if (sess_drain(s, NULL, NULL, err) < 0)
		return -1;
	imap_wire_init(&w);
	if (imap_encode(&w, s->next_tag, cmd->verb, args, nargs, session_literal_mode(s), err) < 0) {
		imap_wire_release(&w); /* wipes its secrets */
		return -1;
	}
	snprintf(tag, sizeof(tag), "%s", s->next_tag);
	sess_updates_sent(s, cmd, tag);
	tagger_next(&s->tagger, s->next_tag, sizeof(s->next_tag));
	s->became_readonly = false;
	s->data_name = cmd->data_name;
	if (name_is(cmd->verb, "SELECT") || name_is(cmd->verb, "EXAMINE")) {
		/* what the last mailbox said of its mod-sequences is void */
		s->highestmodseq = 0;
		s->nomodseq = false;
	}
	sess_tracef(s, 2, "command %s %s", tag, cmd->verb);

	if (send_range(s, cmd->verb, &w, w.chunks[0].off, w.chunks[0].len, err))
		goto out;
	chunk = 1;
	for (;;) {
		struct imap_response *r;
		if (sess_read_response(s, &r, err))
			goto out;
		if (r->kind == IMAP_RESP_UNTAGGED) {
			sess_deliver_untagged(s, r);
			continue;
		}
		if (r->kind == IMAP_RESP_TAGGED) {
			if (!tag_is(r, tag)) {
				unexpected_tag(s, r, tag, err);
				goto out;
			}
			sess_after_tagged(s, cmd, r);
			sess_tracef(s, 2, "result %s %s", tag, imap_status_name(r->status));
			*tagged_r = r;
			rc = 0;
			goto out;
		}
		/* continuation */
		if (chunk < w.nchunks) {
			if (send_range(s, cmd->verb, &w, w.chunks[chunk].off, w.chunks[chunk].len,
				       err)) {
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
				sess_fail(s, err);
				goto out;
			}
			if (c == 1)
				c = send_line(s, "*", 1, false, err);
			else if (c == 0)
				c = send_line(s, reply.buf, reply.len, secret, err);
			else
				c = 0;
			if (secret)
				explicit_bzero(reply.buf, reply.len);
			buf_release(&reply);
			if (c)
				goto out;
			continue;
		}
		imap_response_free(r);
		err_set(err, IMAP_ERR_ABORT,
			"protocol error: the server sent a continuation request (+) that %s did not ask for",
			cmd->verb);
		sess_fail(s, err);
		goto out;
	}
out:
	s->data_name = NULL;
	imap_wire_release(&w); /* wipes its secrets */
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
	struct session_cmd c = { "CAPABILITY", NULL, 0, "CAPABILITY", NULL, NULL, false };
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
	if (sess_read_response(s, &r, err)) {
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
		return sess_fail(s, err);
	}
	s->state = r->status == IMAP_STATUS_PREAUTH ? IMAP_STATE_AUTH : IMAP_STATE_NONAUTH;
	s->greeted = true;
	sess_tracef(s, 1, "greeting %s, state %s", imap_status_name(r->status), imap_state_name(s->state));
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

/* Says once how much clear text was dropped before TLS (see pre_tls). */
static void report_pre_tls(struct session *s)
{
	char msg[300];
	if (!s->pre_tls_responses)
		return;
	snprintf(msg, sizeof(msg),
		 "warning: discarded %zu response(s), %zu byte(s) in %zu line(s), that came in clear "
		 "text before TLS: anyone on the path could have written them (-d 4 shows them)",
		 s->pre_tls_responses, s->pre_tls_bytes, s->pre_tls_lines);
	if (s->hooks.warn)
		s->hooks.warn(s->hooks.ctx, msg);
	s->pre_tls_responses = s->pre_tls_bytes = s->pre_tls_lines = 0;
}

void session_set_pre_tls(struct session *s, bool on)
{
	s->pre_tls = on;
}

int session_starttls(struct session *s, const struct net_tls_opts *o, struct imap_err *err)
{
	struct session_cmd c = { "STARTTLS", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t = NULL;
	struct net_tls_opts opts = *o;
	struct net_conn *tls;
	bool was_pre_tls = s->pre_tls;
	int timeout;

	/* RFC 4978 sec. 4: TLS goes under compression, so it comes first */
	if (session_is_compressed(s))
		return err_set(err, IMAP_ERR_ERROR,
			       "STARTTLS after COMPRESS is not possible (TLS must come first, RFC 4978)");

	/* what comes until TLS is up could be anyone's */
	s->pre_tls = true;
	if (session_command(s, &c, &t, err) < 0) {
		report_pre_tls(s);
		return -1;
	}
	if (t->status != IMAP_STATUS_OK) {
		err_set(err, IMAP_ERR_ERROR, "STARTTLS failed: %s %.*s", imap_status_name(t->status),
			(int)(t->text_len > 200 ? 200 : t->text_len), t->text);
		imap_response_free(t);
		report_pre_tls(s);
		s->pre_tls = was_pre_tls;
		return -1;
	}
	imap_response_free(t);
	report_pre_tls(s);
	if (imap_parser_pending(s->parser) ||
	    (s->conn->ops->pending && s->conn->ops->pending(s->conn))) {
		err_set(err, IMAP_ERR_ABORT,
			"response injection: the server sent %zu byte(s) after its STARTTLS OK, before TLS "
			"started; they could only come from an attacker, so the session ends",
			imap_parser_pending(s->parser));
		return sess_fail(s, err);
	}
	/* the connection's timeout holds over TLS too */
	timeout = s->conn->timeout_ms;
	if (opts.timeout_ms <= 0)
		opts.timeout_ms = timeout;
	tls = net_tls_wrap(s->conn, &opts, err);
	s->conn = NULL;
	if (!tls) {
		s->alive = false;
		err->kind = IMAP_ERR_ABORT;
		return -1;
	}
	s->conn = tls;
	s->pre_tls = false;
	/* nothing said in clear text is trusted (RFC 9051 6.2.1) */
	imap_parser_reset(s->parser);
	clear_caps(s);
	kept_clear(s->kept);
	s->bye_seen = false;
	sess_tracef(s, 1, "TLS started; asking for capabilities again");
	return session_refresh_caps(s, err);
}
