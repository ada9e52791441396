/*
 * Unit tests for the session core (src/core/session.c) over a scripted
 * in-memory transport: the "server" answers each command line it gets
 * with a canned reply in which $T stands for the command's tag.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/auth.h"
#include "core/kept.h"
#include "core/session.h"
#include "net/tls.h"
#include "net/transport.h"
#include "util/xalloc.h"
#include "unit.h"

struct step {
	const char *expect; /* what the line must start with after "TAG " */
	const char *reply;  /* $T -> tag; NULL: no reply */
};

struct fake {
	struct net_conn base;
	struct buf out;      /* bytes for the client to read */
	size_t out_pos;
	struct buf sent;     /* everything the client wrote */
	size_t line_start;   /* start of the current unanswered line in sent */
	const struct step *steps;
	size_t nsteps, next;
	char mismatch[256];
	bool eof_after;      /* EOF once out is drained and no steps remain */
	char tag[32];        /* tag of the command being answered */
	char prev_tag[32];   /* tag of the one before ($P) */
};

static ssize_t fake_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct fake *f = (struct fake *)c;
	size_t n = f->out.len - f->out_pos;
	if (!n) {
		if (f->next >= f->nsteps || f->eof_after)
			return 0;
		return err_set(err, IMAP_ERR_ABORT, "fake: client waits but nothing is scripted");
	}
	if (n > len)
		n = len;
	/* hand out small pieces to exercise the incremental parser */
	if (n > 7)
		n = 7;
	memcpy(buf, f->out.buf + f->out_pos, n);
	f->out_pos += n;
	return (ssize_t)n;
}

static void queue_reply(struct fake *f, const char *tmpl, const char *tag)
{
	const char *p;
	for (p = tmpl; *p; p++) {
		if (p[0] == '$' && p[1] == 'P') {
			buf_adds(&f->out, f->prev_tag);
			p++;
		} else if (p[0] == '$' && p[1] == 'T') {
			buf_adds(&f->out, tag);
			p++;
		} else {
			buf_addch(&f->out, *p);
		}
	}
}

static int fake_write(struct net_conn *c, const void *data, size_t len, struct imap_err *err)
{
	struct fake *f = (struct fake *)c;
	char *nl;
	buf_add(&f->sent, data, len);
	/* answer every complete line (literal data lines too: steps say what) */
	while ((nl = memchr(f->sent.buf + f->line_start, '\n', f->sent.len - f->line_start))) {
		char *line = f->sent.buf + f->line_start;
		char *sp = memchr(line, ' ', (size_t)(nl - line));
		char tag[32] = "";
		const char *rest = line;
		f->line_start = (size_t)(nl - f->sent.buf) + 1;
		if (sp && (size_t)(sp - line) < sizeof(tag)) {
			memcpy(tag, line, (size_t)(sp - line));
			rest = sp + 1;
		}
		if (f->next >= f->nsteps) {
			snprintf(f->mismatch, sizeof(f->mismatch), "unexpected line %.*s", (int)(nl - line), line);
			return err_set(err, IMAP_ERR_ABORT, "fake: %s", f->mismatch);
		}
		{
			const struct step *st = &f->steps[f->next++];
			if (rest != line && !strncmp(rest, st->expect, strlen(st->expect))) {
				/* a new command */
				snprintf(f->prev_tag, sizeof(f->prev_tag), "%s", f->tag);
				snprintf(f->tag, sizeof(f->tag), "%s", tag);
			}
			else if (strncmp(line, st->expect, strlen(st->expect))) {
				snprintf(f->mismatch, sizeof(f->mismatch), "expected \"%s\", got \"%.*s\"",
					 st->expect, (int)(nl - line), line);
				return err_set(err, IMAP_ERR_ABORT, "fake: %s", f->mismatch);
			}
			if (st->reply)
				queue_reply(f, st->reply, f->tag);
		}
	}
	return 0;
}

static void fake_describe(struct net_conn *c, struct buf *out) { (void)c; buf_adds(out, "fake"); }
static int fake_pollfd(struct net_conn *c) { (void)c; return -1; }
/* what the server wrote that the client did not read yet: "readable now" */
static size_t fake_pending(struct net_conn *c)
{
	struct fake *f = (struct fake *)c;
	return f->out.len - f->out_pos;
}
/* the pipe transport's peer is this machine: passwords may be sent */
static bool fake_local(struct net_conn *c) { (void)c; return true; }

static void fake_close(struct net_conn *c, struct buf *report)
{
	(void)c;
	if (report)
		buf_adds(report, "fake closed");
}

static const struct net_ops fake_ops = {
	.name = "fake",
	.read = fake_read,
	.write = fake_write,
	.describe = fake_describe,
	.pollfd = fake_pollfd,
	.pending = fake_pending,
	.close = fake_close,
	.is_local = fake_local,
};

static struct fake *fake_new(const char *greeting, const struct step *steps, size_t n)
{
	struct fake *f = xcalloc(1, sizeof(*f));
	f->base.ops = &fake_ops;
	buf_init(&f->out, 0);
	buf_init(&f->sent, 0);
	buf_adds(&f->out, greeting);
	f->steps = steps;
	f->nsteps = n;
	return f;
}

static void fake_free(struct fake *f)
{
	buf_release(&f->out);
	buf_release(&f->sent);
	free(f);
}

struct seen {
	struct buf names;
	struct buf trace;
	struct buf warnings;
};

static void on_untagged(void *ctx, const struct imap_response *r)
{
	struct seen *s = ctx;
	buf_addf(&s->names, "%s,", r->name);
}

static void on_trace(void *ctx, int level, enum trace_kind kind, const char *text, size_t len)
{
	struct seen *s = ctx;
	if (kind == TRACE_SENT)
		buf_add(&s->trace, text, len);
	(void)level;
}

static void on_warn(void *ctx, const char *msg)
{
	struct seen *s = ctx;
	buf_addf(&s->warnings, "%s\n", msg);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define PREAUTH "* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"

/* One test's scripted server, the session over it, what the session's
 * hooks saw and the last error. */
struct rig {
	struct fake *f;
	struct seen seen;
	struct session *s;
	struct imap_err err;
};

/* The server sends greeting, then answers with steps; the greeting is
 * not read yet (session_greet does). */
static void rig_open(struct rig *r, const char *greeting, const struct step *steps, size_t n)
{
	struct session_hooks h = { .untagged = on_untagged, .trace = on_trace, .warn = on_warn,
				   .ctx = &r->seen };
	struct imap_err clean = IMAP_ERR_INIT;
	r->f = fake_new(greeting, steps, n);
	buf_init(&r->seen.names, 0);
	buf_init(&r->seen.trace, 0);
	buf_init(&r->seen.warnings, 0);
	r->err = clean;
	r->s = session_new(&r->f->base, &h);
}

static void rig_close(struct rig *r)
{
	session_free(r->s, NULL);
	buf_release(&r->seen.names);
	buf_release(&r->seen.trace);
	buf_release(&r->seen.warnings);
	fake_free(r->f);
}

static const struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };

/* Runs cmd, which must succeed; its tagged result is the caller's. */
static struct imap_response *command_ok(struct rig *r, const struct session_cmd *cmd)
{
	struct imap_response *t = NULL;
	ck_assert_msg(session_command(r->s, cmd, &t, &r->err) == 0, "%s [sent=%s]", r->err.msg,
		      r->f->sent.buf);
	return t;
}

/* Runs cmd, which must fail with an error of kind whose message has part. */
static void command_fails(struct rig *r, const struct session_cmd *cmd, enum imap_err_kind kind,
			  const char *part)
{
	struct imap_response *t = NULL;
	ck_assert_int_eq(session_command(r->s, cmd, &t, &r->err), -1);
	ck_assert_int_eq(r->err.kind, kind);
	ck_assert_msg(strstr(r->err.msg, part) != NULL, "%s", r->err.msg);
}

START_TEST(greeting_preauth_with_caps)
{
	struct rig r;
	rig_open(&r, "* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE] hi\r\n", NULL, 0);
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_AUTH);
	ck_assert(session_has_cap(r.s, "idle"));
	ck_assert(session_has_cap(r.s, "LITERAL+"));
	ck_assert_str_eq(session_protocol_version(r.s), "IMAP4REV1");
	ck_assert_int_eq(session_literal_mode(r.s), IMAP_LITERAL_PLUS);
	ck_assert_str_eq(r.seen.names.buf, "PREAUTH,");
	ck_assert_uint_eq(r.f->sent.len, 0); /* caps came with the greeting */
	rig_close(&r);
}
END_TEST

START_TEST(greeting_ok_asks_capability_then_login)
{
	static const struct step steps[] = {
		{ "CAPABILITY", "* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN\r\n$T OK done\r\n" },
		{ "LOGIN alice \"se cret\"", "$T OK [CAPABILITY IMAP4rev2 MOVE] Logged in\r\n" },
	};
	struct imap_arg args[2] = {
		{ IMAP_ARG_ASTRING, 0, "alice", 5, NULL },
		{ IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "se cret", 7, NULL },
	};
	struct session_cmd cmd = { "LOGIN", args, 2, NULL, NULL, NULL, false };
	struct imap_response *t;
	struct rig r;

	rig_open(&r, "* OK ready\r\n", steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_NONAUTH);
	ck_assert_str_eq(session_protocol_version(r.s), "IMAP4REV2");
	t = command_ok(&r, &cmd);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_AUTH);
	ck_assert(session_has_cap(r.s, "MOVE"));
	ck_assert(!session_has_cap(r.s, "AUTH=PLAIN"));
	/* the password never shows in the trace */
	ck_assert_ptr_null(strstr(r.seen.trace.buf, "se cret"));
	ck_assert_ptr_nonnull(strstr(r.seen.trace.buf, "LOGIN alice <redacted>"));
	/* the CAPABILITY the session sent on its own was not shown */
	ck_assert_str_eq(r.seen.names.buf, "OK,");
	rig_close(&r);
}
END_TEST

START_TEST(select_states_and_kept_responses)
{
	static const struct step steps[] = {
		{ "SELECT INBOX", "* 12 EXISTS\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
				  "* FLAGS (\\Seen)\r\n$T OK [READ-WRITE] Select completed\r\n" },
		{ "SELECT Nope", "$T NO Mailbox doesn't exist: Nope\r\n" },
		{ "EXAMINE INBOX", "$T OK [READ-ONLY] done\r\n" },
		{ "CLOSE", "$T OK closed\r\n" },
	};
	struct imap_arg inbox = { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL };
	struct imap_arg nope = { IMAP_ARG_ASTRING, 0, "Nope", 4, NULL };
	struct session_cmd sel = { "SELECT", &inbox, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd bad = { "SELECT", &nope, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd ex = { "EXAMINE", &inbox, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd close = { "CLOSE", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t, **list;
	size_t n;
	struct rig r;

	rig_open(&r, PREAUTH, steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	imap_response_free(command_ok(&r, &sel));
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_SELECTED);
	ck_assert_str_eq(session_mailbox(r.s), "INBOX");
	ck_assert(!session_readonly(r.s));
	/* EXISTS was the command's data: not kept; UIDVALIDITY and FLAGS are */
	ck_assert_uint_eq(session_take_untagged(r.s, "EXISTS", &list), 0);
	n = session_take_untagged(r.s, "UIDVALIDITY", &list);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(list[0]->code_args.items[0].str, "1700000000");
	imap_response_free(list[0]);
	free(list);
	n = session_take_untagged(r.s, "flags", &list);
	ck_assert_uint_eq(n, 1);
	imap_response_free(list[0]);
	free(list);
	ck_assert_uint_eq(session_take_untagged(r.s, "FLAGS", &list), 0);

	t = command_ok(&r, &bad);
	ck_assert_int_eq(t->status, IMAP_STATUS_NO);
	imap_response_free(t);
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_AUTH);
	ck_assert_ptr_null(session_mailbox(r.s));

	imap_response_free(command_ok(&r, &ex));
	ck_assert(session_readonly(r.s));
	imap_response_free(command_ok(&r, &close));
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_AUTH);
	rig_close(&r);
}
END_TEST

/* ---- one NOOP against a scripted reply -------------------------------- */

/* A PREAUTH server answers one NOOP with reply ($T: the NOOP's tag);
 * the NOOP's result, and the session's state after it. */
struct noop_case {
	const char *reply;
	/* non-NULL: this, then "<the NOOP's tag> OK fake", come right after
	 * the greeting, before the NOOP is written */
	const char *early;
	bool eof_after;            /* the server closes once it said reply */
	int rc;                    /* what session_command returns */
	enum imap_status status;   /* rc 0: the tagged status */
	enum imap_err_kind kind;   /* rc -1: the error's kind, and ... */
	const char *err_is;        /* ... its whole message, or */
	const char *err_has[2];    /* ... a part of it (either one) */
	bool ends;                 /* the session is over afterwards */
	const char *bye;           /* the BYE text the session kept */
	bool again_refused;        /* a second NOOP fails, and is not sent */
	bool nothing_sent;         /* the NOOP was never written */
};

static const struct noop_case noop_cases[] = {
	/* a result with a tag no command has: the end of the session */
	{ .reply = "ZZZ9 OK not yours\r\n", .rc = -1, .kind = IMAP_ERR_ABORT, .err_has = { "ZZZ9" },
	  .ends = true, .again_refused = true },
	/* BYE, then the server closes the connection */
	{ .reply = "* BYE shutting down for maintenance\r\n", .eof_after = true, .rc = -1,
	  .kind = IMAP_ERR_ABORT, .err_is = "server said BYE: shutting down for maintenance", .ends = true },
	/* a stray continuation request: NOOP sends no literal */
	{ .reply = "+ what?\r\n", .rc = -1, .kind = IMAP_ERR_ABORT, .err_has = { "continuation request" },
	  .ends = true },
	/* numbers out of range */
	{ .reply = "* 4294967296 EXISTS\r\n", .rc = -1, .kind = IMAP_ERR_ABORT, .err_has = { "out of range" },
	  .ends = true },
	{ .reply = "* 0 FETCH (FLAGS ())\r\n", .rc = -1, .kind = IMAP_ERR_ABORT, .err_has = { "out of range" },
	  .ends = true },
	{ .reply = "* 0 EXPUNGE\r\n", .rc = -1, .kind = IMAP_ERR_ABORT, .err_has = { "out of range" },
	  .ends = true },
	/* the largest legal ones are fine */
	{ .reply = "* 4294967295 EXISTS\r\n* 0 RECENT\r\n$T OK\r\n", .rc = 0, .status = IMAP_STATUS_OK },
	/* BYE, then OK: the NOOP succeeded, the session is over and nothing
	 * more is sent */
	{ .reply = "* BYE shutting down\r\n$T OK NOOP completed\r\n", .rc = 0, .status = IMAP_STATUS_OK,
	  .ends = true, .bye = "shutting down", .again_refused = true },
	/* A result (or a "+") queued before its command was written does not
	 * answer it: a protocol error, and the command is never sent. */
	{ .reply = "$T OK\r\n", .early = "+ \r\n", .rc = -1, .kind = IMAP_ERR_ABORT,
	  .err_has = { "not sent yet", "before the command" }, .ends = true, .nothing_sent = true },
	{ .reply = "$T OK\r\n", .early = "", .rc = -1, .kind = IMAP_ERR_ABORT,
	  .err_has = { "not sent yet", "before the command" }, .ends = true, .nothing_sent = true },
};

START_TEST(one_noop)
{
	const struct noop_case *c = &noop_cases[_i];
	struct step steps[1] = { { "NOOP", c->reply } };
	struct imap_response *t = NULL;
	struct rig r;

	rig_open(&r, PREAUTH, steps, N(steps));
	r.f->eof_after = c->eof_after;
	if (c->early)
		buf_addf(&r.f->out, "%s%s OK fake\r\n", c->early, session_next_tag(r.s));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_msg(session_command(r.s, &noop, &t, &r.err) == c->rc, "case %d: %s", _i, r.err.msg);
	if (c->rc == 0) {
		ck_assert_int_eq(t->status, c->status);
		imap_response_free(t);
	} else {
		ck_assert_int_eq(r.err.kind, c->kind);
	}
	if (c->err_is)
		ck_assert_str_eq(r.err.msg, c->err_is);
	if (c->err_has[0])
		ck_assert_msg(strstr(r.err.msg, c->err_has[0]) ||
			      (c->err_has[1] && strstr(r.err.msg, c->err_has[1])),
			      "case %d: %s", _i, r.err.msg);
	ck_assert_msg(session_alive(r.s) == !c->ends, "case %d", _i);
	if (c->bye)
		ck_assert_str_eq(session_bye_text(r.s), c->bye);
	if (c->again_refused) {
		ck_assert_int_eq(session_command(r.s, &noop, &t, &r.err), -1);
		ck_assert_int_eq(r.err.kind, IMAP_ERR_ABORT);
		ck_assert_uint_eq(r.f->next, 1);
	}
	if (c->nothing_sent)
		ck_assert_uint_eq(r.f->sent.len, 0);
	rig_close(&r);
}
END_TEST

/* pipelined: a result queued for a command not yet in flight */
START_TEST(result_before_pipelined_command)
{
	static const struct step steps[] = { { "NOOP", NULL }, { "NOOP", "$P OK\r\n$T OK\r\n" } };
	struct session_cmd cmds[2] = { { "NOOP", NULL, 0, NULL, NULL, NULL, false },
				       { "NOOP", NULL, 0, NULL, NULL, NULL, false } };
	struct rig r;

	rig_open(&r, PREAUTH, steps, N(steps));
	buf_addf(&r.f->out, "%s OK early\r\n", session_next_tag(r.s));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_int_eq(session_pipeline(r.s, cmds, 2, NULL, NULL, &r.err), -1);
	ck_assert_int_eq(r.err.kind, IMAP_ERR_ABORT);
	ck_assert_uint_eq(r.f->sent.len, 0);
	rig_close(&r);
}
END_TEST

/* ---- greetings the session refuses ------------------------------------ */

/* The server says greeting and closes: an abort whose message has error. */
static const struct {
	const char *greeting, *error;
} bad_greeting_cases[] = {
	{ "* BYE too busy\r\n", "refused the connection" },
	{ "A1 OK hello\r\n", "bad greeting" },
	{ "garbage\r\n", "" },
	{ "* NO go away\r\n", "bad greeting" },
	{ "", "closed the connection" },
};

START_TEST(bad_greetings)
{
	struct rig r;

	rig_open(&r, bad_greeting_cases[_i].greeting, NULL, 0);
	r.f->eof_after = true;
	ck_assert_int_eq(session_greet(r.s, &r.err), -1);
	ck_assert_int_eq(r.err.kind, IMAP_ERR_ABORT);
	ck_assert_msg(strstr(r.err.msg, bad_greeting_cases[_i].error) != NULL, "%s -> %s",
		      bad_greeting_cases[_i].greeting, r.err.msg);
	rig_close(&r);
}
END_TEST

static int plain_cont(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
		      struct imap_err *err)
{
	int *calls = ctx;
	(void)r;
	(void)err;
	(*calls)++;
	buf_adds(reply, "AGFsaWNlAHdvbmRlcmxhbmQ=");
	*secret = true;
	return 0;
}

START_TEST(continuation_handler)
{
	static const struct step steps[] = {
		{ "AUTHENTICATE PLAIN", "+ \r\n" },
		{ "AGFsaWNlAHdvbmRlcmxhbmQ=", "$T OK [CAPABILITY IMAP4rev1] welcome\r\n" },
	};
	struct imap_arg mech = { IMAP_ARG_ASTRING, 0, "PLAIN", 5, NULL };
	int calls = 0;
	struct session_cmd cmd = { "AUTHENTICATE", &mech, 1, NULL, plain_cont, &calls, false };
	struct imap_response *t;
	struct rig r;

	rig_open(&r, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n", steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	t = command_ok(&r, &cmd);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(session_state(r.s), IMAP_STATE_AUTH);
	ck_assert_ptr_null(strstr(r.seen.trace.buf, "AGFsaWNl"));
	rig_close(&r);
}
END_TEST

/* ---- APPEND with a literal -------------------------------------------- */

struct pieces {
	const char *data;
	size_t pos, step, stop; /* stop: pretend the file ends here */
};

static ssize_t pieces_read(void *ctx, char *buf, size_t len, struct imap_err *err)
{
	struct pieces *p = ctx;
	size_t n = p->step;
	(void)err;
	if (p->pos >= p->stop)
		return 0;
	if (n > len)
		n = len;
	if (n > p->stop - p->pos)
		n = p->stop - p->pos;
	memcpy(buf, p->data + p->pos, n);
	p->pos += n;
	return (ssize_t)n;
}

/* APPEND INBOX data to a PREAUTH server that says steps: the literal is
 * data itself, or (piece set) streamed from a source of strlen(data)
 * bytes that hands out piece bytes a read and ends after stop. */
struct append_case {
	struct step steps[2];      /* the second's expect NULL: one step */
	const char *data;
	size_t piece, stop;
	const char *sent;          /* success: a part of what was written, */
	const char *trace;         /* and of the trace (NULL: not checked); */
	const char *error;         /* non-NULL: an abort whose message has this */
};

static const struct append_case append_cases[] = {
	/* a synchronizing literal waits for the continuation */
	{ .steps = { { "APPEND INBOX {5}", "+ go ahead\r\n" }, { "hello", "$T OK [APPENDUID 1 7] done\r\n" } },
	  .data = "hello", .sent = "APPEND INBOX {5}\r\nhello\r\n" },
	/* streamed: the trace shows its size, not its bytes */
	{ .steps = { { "APPEND INBOX {11}", "+ go ahead\r\n" },
		     { "hello world", "$T OK [APPENDUID 1 8] done\r\n" } },
	  .data = "hello world", .piece = 3, .stop = 11, .sent = "APPEND INBOX {11}\r\nhello world\r\n",
	  .trace = "<11 bytes of literal data>" },
	/* the file shrank */
	{ .steps = { { "APPEND INBOX {11}", "+ go ahead\r\n" }, { NULL, NULL } },
	  .data = "hello world", .piece = 4, .stop = 6, .error = "changed size" },
};

START_TEST(append_literal)
{
	const struct append_case *c = &append_cases[_i];
	struct pieces p = { c->data, 0, c->piece, c->stop };
	struct imap_literal_source src = { strlen(c->data), pieces_read, &p };
	struct imap_arg args[2] = {
		{ IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL },
		{ IMAP_ARG_LITERAL, 0, c->data, strlen(c->data), NULL },
	};
	struct session_cmd cmd = { "APPEND", args, 2, NULL, NULL, NULL, false };
	struct imap_response *t;
	struct rig r;

	if (c->piece) {
		args[1].data = NULL;
		args[1].len = 0;
		args[1].source = &src;
	}
	rig_open(&r, PREAUTH, c->steps, c->steps[1].expect ? 2 : 1);
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	if (c->error) {
		command_fails(&r, &cmd, IMAP_ERR_ABORT, c->error);
		ck_assert(!session_alive(r.s));
	} else {
		t = command_ok(&r, &cmd);
		ck_assert_str_eq(t->code_name, "APPENDUID");
		imap_response_free(t);
		ck_assert_ptr_nonnull(strstr(r.f->sent.buf, c->sent));
		if (c->trace)
			ck_assert_ptr_nonnull(strstr(r.seen.trace.buf, c->trace));
	}
	rig_close(&r);
}
END_TEST

START_TEST(mailbox_becomes_readonly)
{
	static const struct step steps[] = {
		{ "SELECT INBOX", "$T OK [READ-WRITE] selected\r\n" },
		{ "NOOP", "* OK [READ-ONLY] another session took it\r\n$T OK done\r\n" },
		{ "NOOP", "$T OK done\r\n" },
	};
	struct imap_arg inbox = { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL };
	struct session_cmd sel = { "SELECT", &inbox, 1, "EXISTS", NULL, NULL, false };
	struct rig r;

	rig_open(&r, PREAUTH, steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	imap_response_free(command_ok(&r, &sel));
	ck_assert(!session_readonly(r.s));
	command_fails(&r, &noop, IMAP_ERR_READONLY, "became read-only");
	ck_assert(session_readonly(r.s));
	ck_assert(session_alive(r.s));
	imap_response_free(command_ok(&r, &noop));
	rig_close(&r);
}
END_TEST

struct done_log {
	struct buf order;
};

static void log_done(void *ctx, size_t i, struct imap_response *t)
{
	struct done_log *d = ctx;
	buf_addf(&d->order, "%zu:%s,", i, imap_status_name(t->status));
	imap_response_free(t);
}

START_TEST(pipeline_out_of_order)
{
	static const struct step steps[] = {
		{ "FETCH 1 (FLAGS)", "* 1 FETCH (FLAGS ())\r\n" },
		{ "STATUS INBOX (MESSAGES)", "* STATUS INBOX (MESSAGES 3)\r\n$T OK status\r\n$P OK fetch\r\n" },
		{ "NOOP", "$T NO busy\r\n" },
	};
	struct imap_arg fa[2] = { { IMAP_ARG_RAW, 0, "1", 1, NULL }, { IMAP_ARG_RAW, 0, "(FLAGS)", 7, NULL } };
	struct imap_arg sa[2] = { { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL }, { IMAP_ARG_RAW, 0, "(MESSAGES)", 10, NULL } };
	struct session_cmd cmds[3] = {
		{ "FETCH", fa, 2, "FETCH", NULL, NULL, false },
		{ "STATUS", sa, 2, "STATUS", NULL, NULL, false },
		{ "NOOP", NULL, 0, NULL, NULL, NULL, false },
	};
	struct done_log d;
	struct imap_response **list;
	struct rig r;

	rig_open(&r, PREAUTH, steps, N(steps));
	buf_init(&d.order, 0);
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_msg(session_pipeline(r.s, cmds, 3, log_done, &d, &r.err) == 0, "%s", r.err.msg);
	ck_assert_str_eq(d.order.buf, "1:OK,0:OK,2:NO,");
	ck_assert_str_eq(r.seen.names.buf, "PREAUTH,FETCH,STATUS,");
	/* the commands' own data is not kept */
	ck_assert_uint_eq(session_take_untagged(r.s, "FETCH", &list), 0);
	ck_assert_uint_eq(session_take_untagged(r.s, "STATUS", &list), 0);
	buf_release(&d.order);
	rig_close(&r);
}
END_TEST

START_TEST(pipeline_refuses_sync_literal)
{
	struct imap_arg a[2] = { { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL }, { IMAP_ARG_LITERAL, 0, "x", 1, NULL } };
	struct session_cmd cmds[1] = { { "APPEND", a, 2, NULL, NULL, NULL, false } };
	struct done_log d;
	struct rig r;

	rig_open(&r, PREAUTH, NULL, 0);
	buf_init(&d.order, 0);
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_int_eq(session_pipeline(r.s, cmds, 1, log_done, &d, &r.err), -1);
	ck_assert_int_eq(r.err.kind, IMAP_ERR_ERROR);
	ck_assert_ptr_nonnull(strstr(r.err.msg, "cannot be pipelined"));
	ck_assert_uint_eq(r.f->sent.len, 0);
	buf_release(&d.order);
	rig_close(&r);
}
END_TEST

START_TEST(capability_bad_is_not_fatal)
{
	static const struct step steps[] = {
		{ "CAPABILITY", "$T BAD no capabilities for you\r\n" },
		{ "NOOP", "$T OK\r\n" },
	};
	const char *const *caps;
	struct rig r;

	rig_open(&r, "* OK hi\r\n", steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 1);
	ck_assert_ptr_nonnull(strstr(r.err.msg, "capabilities are unknown"));
	ck_assert_uint_eq(session_caps(r.s, &caps), 0);
	ck_assert(session_alive(r.s));
	imap_response_free(command_ok(&r, &noop));
	rig_close(&r);
}
END_TEST

/* A transport that hands out one byte per 30 ms: never a read timeout. */
static ssize_t drip_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	return fake_read(c, buf, len > 1 ? 1 : len, err);
}

START_TEST(slow_drip_hits_the_deadline)
{
	static struct net_ops drip_ops;
	struct rig r;

	rig_open(&r, "* OK [CAPABILITY IMAP4rev1] a greeting that takes far too long to arrive\r\n", NULL, 0);
	drip_ops = fake_ops;
	drip_ops.read = drip_read;
	r.f->base.ops = &drip_ops;
	r.f->base.timeout_ms = 300;
	ck_assert_int_eq(session_greet(r.s, &r.err), -1);
	ck_assert_int_eq(r.err.kind, IMAP_ERR_ABORT);
	ck_assert_msg(strstr(r.err.msg, "timed out after 0.3 s") != NULL, "%s", r.err.msg);
	rig_close(&r);
}
END_TEST

/* --starttls: clear text before TLS is not shown or kept, only counted
 * and reported once. */
START_TEST(pre_tls_data_discarded)
{
	static const struct step steps[] = {
		{ "NOOP", "* OK [ALERT] your account is locked, see evil.example\r\n"
			  "* 1 FETCH (BODY[] {5}\r\nforge)\r\n$T OK done\r\n" },
		{ "STARTTLS", "* OK [ALERT] more\r\n$T OK begin TLS\r\n" },
	};
	struct net_tls_opts o;
	struct imap_response **list;
	struct rig r;

	rig_open(&r, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", steps, N(steps));
	session_set_pre_tls(r.s, true);
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_str_eq(r.seen.names.buf, "OK,"); /* the greeting is shown */
	imap_response_free(command_ok(&r, &noop));
	ck_assert_str_eq(r.seen.names.buf, "OK,");
	ck_assert_uint_eq(session_take_untagged(r.s, "ALERT", &list), 0);
	ck_assert_uint_eq(session_take_untagged(r.s, "FETCH", &list), 0);
	memset(&o, 0, sizeof(o));
	o.host = "localhost";
	/* the fake cannot do TLS: the handshake fails after the report */
	ck_assert_int_eq(session_starttls(r.s, &o, &r.err), -1);
	ck_assert_str_eq(r.seen.names.buf, "OK,");
	ck_assert_msg(strstr(r.seen.warnings.buf, "discarded 3 response(s), ") != NULL &&
		      strstr(r.seen.warnings.buf, "in 4 line(s)") != NULL, "%s", r.seen.warnings.buf);
	rig_close(&r);
}
END_TEST

/* A SELECT typed as one raw argument: the mailbox is its first astring. */
static const struct {
	const char *arg, *mailbox;
} raw_select_cases[] = {
	{ "Sent (CONDSTORE)", "Sent" },
	{ "\"My \\\"Box\\\"\" (QRESYNC (1 2))", "My \"Box\"" },
	{ "INBOX", "INBOX" },
	{ "Entw&APw-rfe", "Entw&APw-rfe" },
};

START_TEST(raw_select_mailbox)
{
	static const struct step steps[] = { { "SELECT", "* 2 EXISTS\r\n$T OK [READ-WRITE] done\r\n" } };
	const char *arg = raw_select_cases[_i].arg;
	struct imap_arg a = { IMAP_ARG_RAW, 0, arg, strlen(arg), NULL };
	struct session_cmd sel = { "SELECT", &a, 1, "EXISTS", NULL, NULL, false };
	struct rig r;

	rig_open(&r, PREAUTH, steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	imap_response_free(command_ok(&r, &sel));
	ck_assert_str_eq(session_mailbox(r.s), raw_select_cases[_i].mailbox);
	rig_close(&r);
}
END_TEST

/* 20 responses of 1 MB during one NOOP: what is kept stays within the
 * budget (the oldest are dropped). */
START_TEST(unsolicited_flood_is_bounded)
{
	struct step steps[1] = { { "NOOP", NULL } };
	struct buf reply = BUF_INIT;
	struct imap_response **list;
	size_t i, n, kept = 0;
	struct rig r;

	for (i = 0; i < 20; i++) {
		buf_adds(&reply, "* OK ");
		buf_grow(&reply, 1 << 20);
		memset(reply.buf + reply.len, 'a', (1 << 20) - 10);
		buf_setlen(&reply, reply.len + (1 << 20) - 10);
		buf_adds(&reply, "\r\n");
	}
	buf_adds(&reply, "$T OK\r\n");
	steps[0].reply = reply.buf;
	rig_open(&r, PREAUTH, steps, N(steps));
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	imap_response_free(command_ok(&r, &noop));
	n = session_take_untagged(r.s, "OK", &list);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 20);
	for (i = 0; i < n; i++) {
		kept += imap_response_mem(list[i]);
		imap_response_free(list[i]);
	}
	free(list);
	ck_assert_uint_le(kept, KEPT_MAX_BYTES);
	rig_close(&r);
	buf_release(&reply);
}
END_TEST

/* An initial response too long for one command line (a big OAuth token)
 * goes after the server's "+" instead of in the AUTHENTICATE line. */
START_TEST(long_initial_response_after_continuation)
{
	static const struct step steps[] = {
		{ "AUTHENTICATE OAUTHBEARER", "+ \r\n" },
		{ "", "$T OK [CAPABILITY IMAP4rev1] welcome\r\n" },
	};
	struct sasl_params p;
	struct imap_response *t;
	char *token = xmalloc(6001);
	const char *nl;
	struct rig r;

	rig_open(&r, "* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER] hi\r\n", steps, N(steps));
	memset(token, 'T', 6000);
	token[6000] = '\0';
	memset(&p, 0, sizeof(p));
	p.user = "alice";
	p.token = token;
	ck_assert_int_eq(session_greet(r.s, &r.err), 0);
	ck_assert_msg(auth_run(r.s, "OAUTHBEARER", &p, &t, &r.err) == 0, "%s", r.err.msg);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	/* the command line is short; the response came on a line of its own */
	nl = strchr(r.f->sent.buf, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_lt((size_t)(nl - r.f->sent.buf), 100);
	ck_assert_uint_gt(strlen(nl + 1), 8000);
	ck_assert_ptr_null(strstr(r.seen.trace.buf, "VFRU")); /* base64 of TTT */
	free(token);
	rig_close(&r);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, greeting_preauth_with_caps);
	tcase_add_test(tc, greeting_ok_asks_capability_then_login);
	tcase_add_test(tc, select_states_and_kept_responses);
	tcase_add_loop_test(tc, one_noop, 0, (int)N(noop_cases));
	tcase_add_test(tc, result_before_pipelined_command);
	tcase_add_loop_test(tc, bad_greetings, 0, (int)N(bad_greeting_cases));
	tcase_add_test(tc, continuation_handler);
	tcase_add_loop_test(tc, append_literal, 0, (int)N(append_cases));
	tcase_add_test(tc, mailbox_becomes_readonly);
	tcase_add_test(tc, pipeline_out_of_order);
	tcase_add_test(tc, pipeline_refuses_sync_literal);
	tcase_add_test(tc, capability_bad_is_not_fatal);
	tcase_add_test(tc, slow_drip_hits_the_deadline);
	tcase_add_test(tc, pre_tls_data_discarded);
	tcase_add_loop_test(tc, raw_select_mailbox, 0, (int)N(raw_select_cases));
	tcase_add_test(tc, unsolicited_flood_is_bounded);
	tcase_add_test(tc, long_initial_response_after_continuation);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(session_suite)
