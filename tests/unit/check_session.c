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

static struct fake *last_fake; /* kept alive until the test reads it */

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
	last_fake = f;
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

static struct session *start(struct fake *f, struct seen *seen)
{
	struct session_hooks h = { .untagged = on_untagged, .trace = on_trace, .warn = on_warn,
				   .ctx = seen };
	buf_init(&seen->names, 0);
	buf_init(&seen->trace, 0);
	buf_init(&seen->warnings, 0);
	return session_new(&f->base, &h);
}

static void finish(struct session *s, struct seen *seen, struct fake *f)
{
	session_free(s, NULL);
	buf_release(&seen->names);
	buf_release(&seen->trace);
	buf_release(&seen->warnings);
	fake_free(f);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(greeting_preauth_with_caps)
{
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ IDLE] hi\r\n", NULL, 0);
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_state(s), IMAP_STATE_AUTH);
	ck_assert(session_has_cap(s, "idle"));
	ck_assert(session_has_cap(s, "LITERAL+"));
	ck_assert_str_eq(session_protocol_version(s), "IMAP4REV1");
	ck_assert_int_eq(session_literal_mode(s), IMAP_LITERAL_PLUS);
	ck_assert_str_eq(seen.names.buf, "PREAUTH,");
	ck_assert_uint_eq(f->sent.len, 0); /* caps came with the greeting */
	finish(s, &seen, f);
}
END_TEST

START_TEST(greeting_ok_asks_capability_then_login)
{
	static const struct step steps[] = {
		{ "CAPABILITY", "* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN\r\n$T OK done\r\n" },
		{ "LOGIN alice \"se cret\"", "$T OK [CAPABILITY IMAP4rev2 MOVE] Logged in\r\n" },
	};
	struct fake *f = fake_new("* OK ready\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg args[2] = {
		{ IMAP_ARG_ASTRING, 0, "alice", 5, NULL },
		{ IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "se cret", 7, NULL },
	};
	struct session_cmd cmd = { "LOGIN", args, 2, NULL, NULL, NULL, false };
	struct imap_response *t;

	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_state(s), IMAP_STATE_NONAUTH);
	ck_assert_str_eq(session_protocol_version(s), "IMAP4REV2");
	ck_assert_msg(session_command(s, &cmd, &t, &err) == 0, "%s [sent=%s]", err.msg, f->sent.buf);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	ck_assert_int_eq(session_state(s), IMAP_STATE_AUTH);
	ck_assert(session_has_cap(s, "MOVE"));
	ck_assert(!session_has_cap(s, "AUTH=PLAIN"));
	/* the password never shows in the trace */
	ck_assert_ptr_null(strstr(seen.trace.buf, "se cret"));
	ck_assert_ptr_nonnull(strstr(seen.trace.buf, "LOGIN alice <redacted>"));
	/* the CAPABILITY the session sent on its own was not shown */
	ck_assert_str_eq(seen.names.buf, "OK,");
	finish(s, &seen, f);
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
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg inbox = { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL };
	struct imap_arg nope = { IMAP_ARG_ASTRING, 0, "Nope", 4, NULL };
	struct session_cmd sel = { "SELECT", &inbox, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd bad = { "SELECT", &nope, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd ex = { "EXAMINE", &inbox, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd close = { "CLOSE", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t, **list;
	size_t n;

	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &sel, &t, &err), 0);
	imap_response_free(t);
	ck_assert_int_eq(session_state(s), IMAP_STATE_SELECTED);
	ck_assert_str_eq(session_mailbox(s), "INBOX");
	ck_assert(!session_readonly(s));
	/* EXISTS was the command's data: not kept; UIDVALIDITY and FLAGS are */
	ck_assert_uint_eq(session_take_untagged(s, "EXISTS", &list), 0);
	n = session_take_untagged(s, "UIDVALIDITY", &list);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(list[0]->code_args.items[0].str, "1700000000");
	imap_response_free(list[0]);
	free(list);
	n = session_take_untagged(s, "flags", &list);
	ck_assert_uint_eq(n, 1);
	imap_response_free(list[0]);
	free(list);
	ck_assert_uint_eq(session_take_untagged(s, "FLAGS", &list), 0);

	ck_assert_int_eq(session_command(s, &bad, &t, &err), 0);
	ck_assert_int_eq(t->status, IMAP_STATUS_NO);
	imap_response_free(t);
	ck_assert_int_eq(session_state(s), IMAP_STATE_AUTH);
	ck_assert_ptr_null(session_mailbox(s));

	ck_assert_int_eq(session_command(s, &ex, &t, &err), 0);
	imap_response_free(t);
	ck_assert(session_readonly(s));
	ck_assert_int_eq(session_command(s, &close, &t, &err), 0);
	imap_response_free(t);
	ck_assert_int_eq(session_state(s), IMAP_STATE_AUTH);
	finish(s, &seen, f);
}
END_TEST

START_TEST(sync_literal_waits_for_continuation)
{
	static const struct step steps[] = {
		{ "APPEND INBOX {5}", "+ go ahead\r\n" },
		{ "hello", "$T OK [APPENDUID 1 7] done\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg args[2] = {
		{ IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL },
		{ IMAP_ARG_LITERAL, 0, "hello", 5, NULL },
	};
	struct session_cmd cmd = { "APPEND", args, 2, NULL, NULL, NULL, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_msg(session_command(s, &cmd, &t, &err) == 0, "%s [sent=%s]", err.msg, f->sent.buf);
	ck_assert_str_eq(t->code_name, "APPENDUID");
	imap_response_free(t);
	ck_assert_ptr_nonnull(strstr(f->sent.buf, "APPEND INBOX {5}\r\nhello\r\n"));
	finish(s, &seen, f);
}
END_TEST

START_TEST(wrong_tag_is_abort)
{
	static const struct step steps[] = {
		{ "NOOP", "ZZZ9 OK not yours\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct session_cmd cmd = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &cmd, &t, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_ptr_nonnull(strstr(err.msg, "ZZZ9"));
	ck_assert(!session_alive(s));
	ck_assert_int_eq(session_command(s, &cmd, &t, &err), -1);
	finish(s, &seen, f);
}
END_TEST

START_TEST(bye_then_eof_and_stray_continuation)
{
	static const struct step steps[] = {
		{ "NOOP", "* BYE shutting down for maintenance\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct session_cmd cmd = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t;
	f->eof_after = true;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &cmd, &t, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, "server said BYE: shutting down for maintenance");
	finish(s, &seen, f);

	{
		static const struct step st2[] = { { "NOOP", "+ what?\r\n" } };
		f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", st2, N(st2));
		s = start(f, &seen);
		ck_assert_int_eq(session_greet(s, &err), 0);
		ck_assert_int_eq(session_command(s, &cmd, &t, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "continuation request"));
		finish(s, &seen, f);
	}
}
END_TEST

START_TEST(bad_greetings)
{
	static const char *const greetings[] = {
		"* BYE too busy\r\n", "A1 OK hello\r\n", "garbage\r\n", "* NO go away\r\n", "",
	};
	static const char *const expect[] = {
		"refused the connection", "bad greeting", "", "bad greeting", "closed the connection",
	};
	size_t i;
	for (i = 0; i < N(greetings); i++) {
		struct fake *f = fake_new(greetings[i], NULL, 0);
		struct seen seen;
		struct session *s = start(f, &seen);
		struct imap_err err = IMAP_ERR_INIT;
		f->eof_after = true;
		ck_assert_int_eq(session_greet(s, &err), -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_msg(strstr(err.msg, expect[i]) != NULL, "%s -> %s", greetings[i], err.msg);
		finish(s, &seen, f);
	}
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
	struct fake *f = fake_new("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg mech = { IMAP_ARG_ASTRING, 0, "PLAIN", 5, NULL };
	int calls = 0;
	struct session_cmd cmd = { "AUTHENTICATE", &mech, 1, NULL, plain_cont, &calls, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_msg(session_command(s, &cmd, &t, &err) == 0, "%s [sent=%s]", err.msg, f->sent.buf);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(session_state(s), IMAP_STATE_AUTH);
	ck_assert_ptr_null(strstr(seen.trace.buf, "AGFsaWNl"));
	finish(s, &seen, f);
}
END_TEST

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

START_TEST(streamed_literal)
{
	static const struct step steps[] = {
		{ "APPEND INBOX {11}", "+ go ahead\r\n" },
		{ "hello world", "$T OK [APPENDUID 1 8] done\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct pieces p = { "hello world", 0, 3, 11 };
	struct imap_literal_source src = { 11, pieces_read, &p };
	struct imap_arg args[2] = {
		{ IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL },
		{ IMAP_ARG_LITERAL, 0, NULL, 0, &src },
	};
	struct session_cmd cmd = { "APPEND", args, 2, NULL, NULL, NULL, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_msg(session_command(s, &cmd, &t, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(t->code_name, "APPENDUID");
	imap_response_free(t);
	ck_assert_ptr_nonnull(strstr(f->sent.buf, "APPEND INBOX {11}\r\nhello world\r\n"));
	ck_assert_ptr_nonnull(strstr(seen.trace.buf, "<11 bytes of literal data>"));
	finish(s, &seen, f);
}
END_TEST

START_TEST(streamed_literal_short_source_aborts)
{
	static const struct step steps[] = {
		{ "APPEND INBOX {11}", "+ go ahead\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct pieces p = { "hello world", 0, 4, 6 }; /* the file shrank */
	struct imap_literal_source src = { 11, pieces_read, &p };
	struct imap_arg args[2] = {
		{ IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL },
		{ IMAP_ARG_LITERAL, 0, NULL, 0, &src },
	};
	struct session_cmd cmd = { "APPEND", args, 2, NULL, NULL, NULL, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &cmd, &t, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_ptr_nonnull(strstr(err.msg, "changed size"));
	ck_assert(!session_alive(s));
	finish(s, &seen, f);
}
END_TEST

START_TEST(mailbox_becomes_readonly)
{
	static const struct step steps[] = {
		{ "SELECT INBOX", "$T OK [READ-WRITE] selected\r\n" },
		{ "NOOP", "* OK [READ-ONLY] another session took it\r\n$T OK done\r\n" },
		{ "NOOP", "$T OK done\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg inbox = { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL };
	struct session_cmd sel = { "SELECT", &inbox, 1, "EXISTS", NULL, NULL, false };
	struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &sel, &t, &err), 0);
	imap_response_free(t);
	ck_assert(!session_readonly(s));
	ck_assert_int_eq(session_command(s, &noop, &t, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_READONLY);
	ck_assert_ptr_nonnull(strstr(err.msg, "became read-only"));
	ck_assert(session_readonly(s));
	ck_assert(session_alive(s));
	ck_assert_int_eq(session_command(s, &noop, &t, &err), 0);
	imap_response_free(t);
	finish(s, &seen, f);
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
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg fa[2] = { { IMAP_ARG_RAW, 0, "1", 1, NULL }, { IMAP_ARG_RAW, 0, "(FLAGS)", 7, NULL } };
	struct imap_arg sa[2] = { { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL }, { IMAP_ARG_RAW, 0, "(MESSAGES)", 10, NULL } };
	struct session_cmd cmds[3] = {
		{ "FETCH", fa, 2, "FETCH", NULL, NULL, false },
		{ "STATUS", sa, 2, "STATUS", NULL, NULL, false },
		{ "NOOP", NULL, 0, NULL, NULL, NULL, false },
	};
	struct done_log d;
	struct imap_response **list;
	buf_init(&d.order, 0);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_msg(session_pipeline(s, cmds, 3, log_done, &d, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(d.order.buf, "1:OK,0:OK,2:NO,");
	ck_assert_str_eq(seen.names.buf, "PREAUTH,FETCH,STATUS,");
	/* the commands' own data is not kept */
	ck_assert_uint_eq(session_take_untagged(s, "FETCH", &list), 0);
	ck_assert_uint_eq(session_take_untagged(s, "STATUS", &list), 0);
	buf_release(&d.order);
	finish(s, &seen, f);
}
END_TEST

START_TEST(pipeline_refuses_sync_literal)
{
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", NULL, 0);
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_arg a[2] = { { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL }, { IMAP_ARG_LITERAL, 0, "x", 1, NULL } };
	struct session_cmd cmds[1] = { { "APPEND", a, 2, NULL, NULL, NULL, false } };
	struct done_log d;
	buf_init(&d.order, 0);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_pipeline(s, cmds, 1, log_done, &d, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot be pipelined"));
	ck_assert_uint_eq(f->sent.len, 0);
	buf_release(&d.order);
	finish(s, &seen, f);
}
END_TEST

START_TEST(numbers_out_of_range)
{
	static const char *const bad[] = {
		"* 4294967296 EXISTS\r\n", "* 0 FETCH (FLAGS ())\r\n", "* 0 EXPUNGE\r\n",
	};
	size_t i;
	for (i = 0; i < N(bad); i++) {
		struct step steps[1] = { { "NOOP", bad[i] } };
		struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, 1);
		struct seen seen;
		struct session *s = start(f, &seen);
		struct imap_err err = IMAP_ERR_INIT;
		struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
		struct imap_response *t;
		ck_assert_int_eq(session_greet(s, &err), 0);
		ck_assert_int_eq(session_command(s, &noop, &t, &err), -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_msg(strstr(err.msg, "out of range") != NULL, "%s", err.msg);
		ck_assert(!session_alive(s));
		finish(s, &seen, f);
	}
	{
		/* the largest legal ones are fine */
		struct step steps[1] = { { "NOOP", "* 4294967295 EXISTS\r\n* 0 RECENT\r\n$T OK\r\n" } };
		struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, 1);
		struct seen seen;
		struct session *s = start(f, &seen);
		struct imap_err err = IMAP_ERR_INIT;
		struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
		struct imap_response *t;
		ck_assert_int_eq(session_greet(s, &err), 0);
		ck_assert_int_eq(session_command(s, &noop, &t, &err), 0);
		imap_response_free(t);
		finish(s, &seen, f);
	}
}
END_TEST

START_TEST(capability_bad_is_not_fatal)
{
	static const struct step steps[] = {
		{ "CAPABILITY", "$T BAD no capabilities for you\r\n" },
		{ "NOOP", "$T OK\r\n" },
	};
	struct fake *f = fake_new("* OK hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t;
	const char *const *caps;
	ck_assert_int_eq(session_greet(s, &err), 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "capabilities are unknown"));
	ck_assert_uint_eq(session_caps(s, &caps), 0);
	ck_assert(session_alive(s));
	ck_assert_int_eq(session_command(s, &noop, &t, &err), 0);
	imap_response_free(t);
	finish(s, &seen, f);
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
	struct fake *f = fake_new("* OK [CAPABILITY IMAP4rev1] a greeting that takes far too long to arrive\r\n",
				  NULL, 0);
	struct seen seen;
	struct session *s;
	struct imap_err err = IMAP_ERR_INIT;
	drip_ops = fake_ops;
	drip_ops.read = drip_read;
	f->base.ops = &drip_ops;
	f->base.timeout_ms = 300;
	s = start(f, &seen);
	ck_assert_int_eq(session_greet(s, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_msg(strstr(err.msg, "timed out after 0.3 s") != NULL, "%s", err.msg);
	finish(s, &seen, f);
}
END_TEST

START_TEST(bye_then_ok_ends_the_session)
{
	static const struct step steps[] = {
		{ "NOOP", "* BYE shutting down\r\n$T OK NOOP completed\r\n" },
	};
	struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &noop, &t, &err), 0);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	ck_assert(!session_alive(s));
	ck_assert_str_eq(session_bye_text(s), "shutting down");
	/* nothing more is sent */
	ck_assert_int_eq(session_command(s, &noop, &t, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_uint_eq(f->next, 1);
	finish(s, &seen, f);
}
END_TEST

/* A result (or a "+") queued before its command was written does not
 * answer it: a protocol error, and the command is never sent. */
START_TEST(result_before_command)
{
	static const char *const early[] = { "+ \r\n", "" };
	size_t i;
	for (i = 0; i < N(early); i++) {
		struct step steps[1] = { { "NOOP", "$T OK\r\n" } };
		struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, 1);
		struct seen seen;
		struct session *s = start(f, &seen);
		struct imap_err err = IMAP_ERR_INIT;
		struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
		struct imap_response *t;
		buf_addf(&f->out, "%s%s OK fake\r\n", early[i], session_next_tag(s));
		ck_assert_int_eq(session_greet(s, &err), 0);
		ck_assert_int_eq(session_command(s, &noop, &t, &err), -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_msg(strstr(err.msg, "not sent yet") || strstr(err.msg, "before the command"),
			      "%s", err.msg);
		ck_assert_uint_eq(f->sent.len, 0);
		ck_assert(!session_alive(s));
		finish(s, &seen, f);
	}
	{
		/* pipelined: a result queued for a command not yet in flight */
		struct step steps[2] = { { "NOOP", NULL }, { "NOOP", "$P OK\r\n$T OK\r\n" } };
		struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, 2);
		struct seen seen;
		struct session *s = start(f, &seen);
		struct imap_err err = IMAP_ERR_INIT;
		struct session_cmd cmds[2] = { { "NOOP", NULL, 0, NULL, NULL, NULL, false },
					       { "NOOP", NULL, 0, NULL, NULL, NULL, false } };
		buf_addf(&f->out, "%s OK early\r\n", session_next_tag(s));
		ck_assert_int_eq(session_greet(s, &err), 0);
		ck_assert_int_eq(session_pipeline(s, cmds, 2, NULL, NULL, &err), -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_uint_eq(f->sent.len, 0);
		finish(s, &seen, f);
	}
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
	struct fake *f = fake_new("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct net_tls_opts o;
	struct imap_response *t, **list;

	session_set_pre_tls(s, true);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_str_eq(seen.names.buf, "OK,"); /* the greeting is shown */
	ck_assert_int_eq(session_command(s, &noop, &t, &err), 0);
	imap_response_free(t);
	ck_assert_str_eq(seen.names.buf, "OK,");
	ck_assert_uint_eq(session_take_untagged(s, "ALERT", &list), 0);
	ck_assert_uint_eq(session_take_untagged(s, "FETCH", &list), 0);
	memset(&o, 0, sizeof(o));
	o.host = "localhost";
	/* the fake cannot do TLS: the handshake fails after the report */
	ck_assert_int_eq(session_starttls(s, &o, &err), -1);
	ck_assert_str_eq(seen.names.buf, "OK,");
	ck_assert_msg(strstr(seen.warnings.buf, "discarded 3 response(s), ") != NULL &&
		      strstr(seen.warnings.buf, "in 4 line(s)") != NULL, "%s", seen.warnings.buf);
	finish(s, &seen, f);
}
END_TEST

/* A SELECT typed as one raw argument: the mailbox is its first astring. */
START_TEST(raw_select_mailbox)
{
	static const struct {
		const char *arg, *mailbox;
	} cases[] = {
		{ "Sent (CONDSTORE)", "Sent" },
		{ "\"My \\\"Box\\\"\" (QRESYNC (1 2))", "My \"Box\"" },
		{ "INBOX", "INBOX" },
		{ "Entw&APw-rfe", "Entw&APw-rfe" },
	};
	size_t i;
	for (i = 0; i < N(cases); i++) {
		struct step steps[1] = { { "SELECT", "* 2 EXISTS\r\n$T OK [READ-WRITE] done\r\n" } };
		struct fake *f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, 1);
		struct seen seen;
		struct session *s = start(f, &seen);
		struct imap_err err = IMAP_ERR_INIT;
		struct imap_arg a = { IMAP_ARG_RAW, 0, cases[i].arg, strlen(cases[i].arg), NULL };
		struct session_cmd sel = { "SELECT", &a, 1, "EXISTS", NULL, NULL, false };
		struct imap_response *t;
		ck_assert_int_eq(session_greet(s, &err), 0);
		ck_assert_int_eq(session_command(s, &sel, &t, &err), 0);
		imap_response_free(t);
		ck_assert_str_eq(session_mailbox(s), cases[i].mailbox);
		finish(s, &seen, f);
	}
}
END_TEST

/* 20 responses of 1 MB during one NOOP: what is kept stays within the
 * budget (the oldest are dropped). */
START_TEST(unsolicited_flood_is_bounded)
{
	struct step steps[1] = { { "NOOP", NULL } };
	struct buf reply = BUF_INIT;
	struct fake *f;
	struct seen seen;
	struct session *s;
	struct imap_err err = IMAP_ERR_INIT;
	struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	struct imap_response *t, **list;
	size_t i, n, kept = 0;

	for (i = 0; i < 20; i++) {
		buf_adds(&reply, "* OK ");
		buf_grow(&reply, 1 << 20);
		memset(reply.buf + reply.len, 'a', (1 << 20) - 10);
		buf_setlen(&reply, reply.len + (1 << 20) - 10);
		buf_adds(&reply, "\r\n");
	}
	buf_adds(&reply, "$T OK\r\n");
	steps[0].reply = reply.buf;
	f = fake_new("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n", steps, 1);
	s = start(f, &seen);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_command(s, &noop, &t, &err), 0);
	imap_response_free(t);
	n = session_take_untagged(s, "OK", &list);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, 20);
	for (i = 0; i < n; i++) {
		kept += imap_response_mem(list[i]);
		imap_response_free(list[i]);
	}
	free(list);
	ck_assert_uint_le(kept, KEPT_MAX_BYTES);
	finish(s, &seen, f);
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
	struct fake *f = fake_new("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER] hi\r\n",
				  steps, N(steps));
	struct seen seen;
	struct session *s = start(f, &seen);
	struct imap_err err = IMAP_ERR_INIT;
	struct sasl_params p;
	struct imap_response *t;
	char *token = xmalloc(6001);
	const char *nl;

	memset(token, 'T', 6000);
	token[6000] = '\0';
	memset(&p, 0, sizeof(p));
	p.user = "alice";
	p.token = token;
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_msg(auth_run(s, "OAUTHBEARER", &p, &t, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	/* the command line is short; the response came on a line of its own */
	nl = strchr(f->sent.buf, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_uint_lt((size_t)(nl - f->sent.buf), 100);
	ck_assert_uint_gt(strlen(nl + 1), 8000);
	ck_assert_ptr_null(strstr(seen.trace.buf, "VFRU")); /* base64 of TTT */
	free(token);
	finish(s, &seen, f);
}
END_TEST

static Suite *session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, greeting_preauth_with_caps);
	tcase_add_test(tc, greeting_ok_asks_capability_then_login);
	tcase_add_test(tc, select_states_and_kept_responses);
	tcase_add_test(tc, sync_literal_waits_for_continuation);
	tcase_add_test(tc, wrong_tag_is_abort);
	tcase_add_test(tc, bye_then_eof_and_stray_continuation);
	tcase_add_test(tc, bad_greetings);
	tcase_add_test(tc, continuation_handler);
	tcase_add_test(tc, streamed_literal);
	tcase_add_test(tc, mailbox_becomes_readonly);
	tcase_add_test(tc, pipeline_out_of_order);
	tcase_add_test(tc, pipeline_refuses_sync_literal);
	tcase_add_test(tc, numbers_out_of_range);
	tcase_add_test(tc, capability_bad_is_not_fatal);
	tcase_add_test(tc, slow_drip_hits_the_deadline);
	tcase_add_test(tc, bye_then_ok_ends_the_session);
	tcase_add_test(tc, streamed_literal_short_source_aborts);
	tcase_add_test(tc, result_before_command);
	tcase_add_test(tc, pre_tls_data_discarded);
	tcase_add_test(tc, raw_select_mailbox);
	tcase_add_test(tc, unsolicited_flood_is_bounded);
	tcase_add_test(tc, long_initial_response_after_continuation);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(session_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
