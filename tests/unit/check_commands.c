/* Unit tests for the command table and cmd_build (src/core/commands.c). */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <check.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cmd_docs.h"
#include "core/commands.h"
#include "net/transport.h"
#include "proto/encode.h"
#include "util/xalloc.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(table_sorted_unique_helped)
{
	size_t i;
	ck_assert_uint_gt(cmd_table_size, 40);
	for (i = 0; i < cmd_table_size; i++) {
		const struct cmd_spec *c = &cmd_table[i];
		ck_assert_ptr_nonnull(c->help);
		ck_assert_uint_gt(strlen(c->help), 10);
		ck_assert_ptr_nonnull(c->usage);
		ck_assert_uint_ne(c->states, 0);
		ck_assert(c->min_args <= c->max_args);
		if (i)
			ck_assert_msg(strcasecmp(cmd_table[i - 1].name, c->name) < 0,
				      "%s must sort after %s", c->name, cmd_table[i - 1].name);
		ck_assert_ptr_eq(cmd_lookup(c->name), c);
	}
	ck_assert_ptr_null(cmd_lookup("frobnicate"));
	ck_assert_ptr_eq(cmd_lookup("SELECT"), cmd_lookup("select"));
}
END_TEST

START_TEST(table_has_every_imaplib_method)
{
	static const char *const names[] = {
		"append", "authenticate", "capability", "check", "close", "copy", "create",
		"delete", "deleteacl", "enable", "expunge", "fetch", "getacl", "getannotation",
		"getquota", "getquotaroot", "list", "login", "logout", "lsub", "myrights",
		"namespace", "noop", "partial", "proxyauth", "recent", "rename", "search",
		"select", "setacl", "setannotation", "setquota", "sort", "status", "store",
		"subscribe", "thread", "uid", "unselect", "unsubscribe", "xatom", "move",
		"examine",
	};
	size_t i;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(cmd_lookup(names[i]) != NULL, "missing %s", names[i]);
}
END_TEST

/* Builds the words (unit_split_words) and returns the wire bytes for tag
 * A1. */
static char *wire_of(const char *name, const char *line, char *errbuf)
{
	struct cmd_word w[16];
	size_t n = unit_split_words(line, w, N(w));
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_wire wire;
	char *out = NULL;

	cmd_call_init(&call);
	imap_wire_init(&wire);
	if (cmd_build(cmd_lookup(name), w, n, NULL, &call, &err) == 0 &&
	    imap_encode(&wire, "A1", call.cmd.verb, call.cmd.args, call.cmd.nargs,
			IMAP_LITERAL_PLUS, &err) == 0)
		out = strndup(wire.bytes.buf, wire.bytes.len);
	else if (errbuf)
		strcpy(errbuf, err.msg);
	unit_free_words(w, n);
	imap_wire_release(&wire);
	cmd_call_release(&call);
	return out;
}

/* The built arguments as text, one per space: KIND:bytes, with kinds
 * R(aw), A(string), S(tring), L(iteral), and ~ before L for BINARY. */
static char *args_of(const struct cmd_call *c)
{
	static const char kinds[] = "RASL";
	struct buf b = BUF_INIT;
	size_t i;
	buf_adds(&b, c->cmd.verb);
	for (i = 0; i < c->cmd.nargs; i++) {
		const struct imap_arg *a = &c->args[i];
		buf_addf(&b, " %s%c:", (a->flags & IMAP_ARG_BINARY) ? "~" : "", kinds[a->kind]);
		if (a->source)
			buf_addf(&b, "<%llu streamed>", (unsigned long long)a->source->size);
		else
			buf_add(&b, a->data, a->len);
	}
	return buf_detach(&b, NULL);
}

/* Splits line into words as wire_of does and builds; returns args_of or
 * NULL with the error in errbuf. */
static char *built_args(const char *name, const char *line, char *errbuf)
{
	struct cmd_word w[16];
	size_t n = unit_split_words(line, w, N(w));
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	char *out = NULL;

	cmd_call_init(&call);
	if (cmd_build(cmd_lookup(name), w, n, NULL, &call, &err) == 0)
		out = args_of(&call);
	else
		strcpy(errbuf, err.msg);
	unit_free_words(w, n);
	cmd_call_release(&call);
	return out;
}

/* The line cases: each a command line typed for a command, built by
 * wire_of (WIRE: the bytes sent, tag A1) or by built_args (ARGS: the
 * arguments as args_of writes them), and either what that gives or a part
 * of the error.  A row with neither (NULL, NULL) only has to build. */
enum built_as { WIRE, ARGS };

struct line_case {
	enum built_as as;
	const char *name, *line;
	const char *want;  /* wire bytes or built arguments, or NULL: ... */
	const char *error; /* ... a part of the error (NULL: it builds) */
};

static const struct line_case line_cases[] = {
	/* select and examine */
	{ WIRE, "select", "", "A1 SELECT INBOX\r\n", NULL },
	{ WIRE, "select", "Archive", "A1 SELECT Archive\r\n", NULL },
	{ WIRE, "select", "INBOX readonly", "A1 EXAMINE INBOX\r\n", NULL },
	{ WIRE, "select", "\"My Folder\"", "A1 SELECT \"My Folder\"\r\n", NULL },
	{ WIRE, "examine", "Sent", "A1 EXAMINE Sent\r\n", NULL },
	{ WIRE, "select", "INBOX maybe", NULL, "readonly" },
	{ WIRE, "select", "a b c", NULL, "usage: select [MAILBOX [readonly] [(PARAMS)]]" },
	{ WIRE, "select", "a readonly c d", NULL, "usage: select [MAILBOX [readonly] [(PARAMS)]]" },

	/* mailbox names in modified UTF-7 */
	{ WIRE, "create", "Entwürfe", "A1 CREATE Entw&APw-rfe\r\n", NULL },
	{ WIRE, "create", "Entw&APw-rfe", "A1 CREATE Entw&APw-rfe\r\n", NULL },
	{ WIRE, "create", "\"Tom & Jerry\"", "A1 CREATE \"Tom &- Jerry\"\r\n", NULL },
	{ WIRE, "rename", "日本語 Archive", "A1 RENAME &ZeVnLIqe- Archive\r\n", NULL },
	{ WIRE, "create", "bad\xff", NULL, "not valid UTF-8" },

	/* fetch, store, copy, move */
	{ WIRE, "fetch", "1:5 (FLAGS ENVELOPE)", "A1 FETCH 1:5 (FLAGS ENVELOPE)\r\n", NULL },
	{ WIRE, "fetch", "1,3:* BODY.PEEK[]", "A1 FETCH 1,3:* BODY.PEEK[]\r\n", NULL },
	{ WIRE, "fetch", "one (FLAGS)", NULL, "is not a message set" },
	{ WIRE, "store", "1:3 +FLAGS (\\Seen)", "A1 STORE 1:3 +FLAGS (\\Seen)\r\n", NULL },
	{ WIRE, "store", "1 -FLAGS.SILENT \\Deleted", "A1 STORE 1 -FLAGS.SILENT (\\Deleted)\r\n", NULL },
	{ WIRE, "copy", "1:2 \"Sent Items\"", "A1 COPY 1:2 \"Sent Items\"\r\n", NULL },
	{ WIRE, "move", "$ Trash", "A1 MOVE $ Trash\r\n", NULL },

	/* search, sort, thread */
	{ WIRE, "search", "ALL", "A1 SEARCH ALL\r\n", NULL },
	{ WIRE, "search", "None UNSEEN", "A1 SEARCH UNSEEN\r\n", NULL },
	{ WIRE, "search", "UTF-8 FROM \"Ann Lee\"", "A1 SEARCH CHARSET UTF-8 FROM \"Ann Lee\"\r\n", NULL },
	{ WIRE, "search", "FROM \"Ann Lee\" SINCE 1-Feb-1994",
	  "A1 SEARCH FROM \"Ann Lee\" SINCE 1-Feb-1994\r\n", NULL },
	{ WIRE, "sort", "(REVERSE DATE) UTF-8 ALL", "A1 SORT (REVERSE DATE) UTF-8 ALL\r\n", NULL },
	{ WIRE, "sort", "SUBJECT", "A1 SORT (SUBJECT) UTF-8 ALL\r\n", NULL },
	{ WIRE, "thread", "REFERENCES UTF-8 ALL", "A1 THREAD REFERENCES UTF-8 ALL\r\n", NULL },
	{ WIRE, "thread", "ORDEREDSUBJECT UNSEEN", "A1 THREAD ORDEREDSUBJECT UTF-8 UNSEEN\r\n", NULL },
	/* 8-bit keys: CHARSET UTF-8 said, a bare 8-bit word sent as a string */
	{ WIRE, "search", "SUBJECT \xc3\x98rjan",
	  "A1 SEARCH CHARSET UTF-8 SUBJECT {6+}\r\n\xc3\x98rjan\r\n", NULL },
	{ WIRE, "search", "SUBJECT \"\xc3\x98 x\"",
	  "A1 SEARCH CHARSET UTF-8 SUBJECT {4+}\r\n\xc3\x98 x\r\n", NULL },
	{ WIRE, "search", "UTF-8 SUBJECT \xc3\x98",
	  "A1 SEARCH CHARSET UTF-8 SUBJECT {2+}\r\n\xc3\x98\r\n", NULL },
	{ WIRE, "sort", "SUBJECT UTF-8 SUBJECT \xc3\x98",
	  "A1 SORT (SUBJECT) UTF-8 SUBJECT {2+}\r\n\xc3\x98\r\n", NULL },

	/* uid, list, lsub */
	{ WIRE, "uid", "fetch 1:* (UID FLAGS)", "A1 UID FETCH 1:* (UID FLAGS)\r\n", NULL },
	{ WIRE, "uid", "SEARCH ALL", "A1 UID SEARCH ALL\r\n", NULL },
	{ WIRE, "uid", "store 4 +FLAGS (\\Flagged)", "A1 UID STORE 4 +FLAGS (\\Flagged)\r\n", NULL },
	{ WIRE, "uid", "expunge 3:4", "A1 UID EXPUNGE 3:4\r\n", NULL },
	{ WIRE, "uid", "select INBOX", NULL, "is not a UID command" },
	{ WIRE, "list", "", "A1 LIST \"\" \"*\"\r\n", NULL },
	{ WIRE, "list", "\"\" %", "A1 LIST \"\" \"%\"\r\n", NULL },
	{ WIRE, "lsub", "Archive *", "A1 LSUB Archive \"*\"\r\n", NULL },

	/* login, id, append and the rest */
	{ WIRE, "login", "alice wonderland", "A1 LOGIN alice wonderland\r\n", NULL },
	{ WIRE, "login", "alice", NULL, "no password given (the shell asks for it)" },
	{ WIRE, "id", "", "A1 ID (\"name\" \"imapsh\" \"version\" \"" PACKAGE_VERSION "\")\r\n", NULL },
	{ WIRE, "id", "NIL", "A1 ID NIL\r\n", NULL },
	{ WIRE, "id", "name x", "A1 ID (\"name\" \"x\")\r\n", NULL },
	{ WIRE, "login", "carol \"p@ss w\\rd\"", "A1 LOGIN carol \"p@ss w\\\\rd\"\r\n", NULL },
	{ WIRE, "append", "INBOX \"Subject: hi\nhello\n\"",
	  "A1 APPEND INBOX {20+}\r\nSubject: hi\r\nhello\r\n\r\n", NULL },
	{ WIRE, "append", "INBOX (\\Seen) \"05-Mar-2024 14:07:00 +0100\" \"x\"",
	  "A1 APPEND INBOX (\\Seen) \"05-Mar-2024 14:07:00 +0100\" {1+}\r\nx\r\n", NULL },
	{ WIRE, "append", "INBOX message", NULL, "@FILE or a quoted string" },
	{ WIRE, "status", "INBOX (MESSAGES UNSEEN)", "A1 STATUS INBOX (MESSAGES UNSEEN)\r\n", NULL },
	{ WIRE, "setacl", "INBOX bob lr", "A1 SETACL INBOX bob lr\r\n", NULL },
	{ WIRE, "getquotaroot", "INBOX", "A1 GETQUOTAROOT INBOX\r\n", NULL },
	{ WIRE, "xatom", "XYZZY a \"b c\"", "A1 XYZZY a \"b c\"\r\n", NULL },
	{ WIRE, "enable", "QRESYNC CONDSTORE", "A1 ENABLE QRESYNC CONDSTORE\r\n", NULL },
	{ WIRE, "noop", "extra", NULL, "usage: noop" },

	/* RFC 4731 / RFC 5267: RETURN (...) comes first, then CHARSET, then
	 * the keys, whichever order they were typed in.  Golden built
	 * arguments. */
	{ ARGS, "search", "UTF-8 RETURN (MIN MAX) UNSEEN",
	  "SEARCH R:RETURN R:(MIN MAX) R:CHARSET A:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "search", "RETURN (MIN MAX) UTF-8 UNSEEN",
	  "SEARCH R:RETURN R:(MIN MAX) R:CHARSET A:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "search", "RETURN (COUNT) UNSEEN FROM \"Ann Lee\"",
	  "SEARCH R:RETURN R:(COUNT) R:UNSEEN R:FROM S:Ann Lee", NULL },
	{ ARGS, "search", "RETURN () ALL", "SEARCH R:RETURN R:() R:ALL", NULL },
	{ ARGS, "search", "None RETURN (ALL) UNSEEN", "SEARCH R:RETURN R:(ALL) R:UNSEEN", NULL },
	{ ARGS, "search", "return (SAVE) ISO-8859-1 SUBJECT RETURN",
	  "SEARCH R:RETURN R:(SAVE) R:CHARSET A:ISO-8859-1 R:SUBJECT R:RETURN", NULL },
	{ ARGS, "search", "UTF-8 UNSEEN", "SEARCH R:CHARSET A:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "search", "UNSEEN", "SEARCH R:UNSEEN", NULL },
	{ ARGS, "sort", "RETURN (MIN) (REVERSE DATE) UTF-8 ALL",
	  "SORT R:RETURN R:(MIN) R:(REVERSE DATE) A:UTF-8 R:ALL", NULL },
	{ ARGS, "sort", "(REVERSE DATE) RETURN (MIN) UTF-8 ALL",
	  "SORT R:RETURN R:(MIN) R:(REVERSE DATE) A:UTF-8 R:ALL", NULL },
	{ ARGS, "sort", "(REVERSE DATE) UTF-8 RETURN (MIN COUNT) UNSEEN",
	  "SORT R:RETURN R:(MIN COUNT) R:(REVERSE DATE) A:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "sort", "DATE RETURN (COUNT)", "SORT R:RETURN R:(COUNT) R:(DATE) R:UTF-8 R:ALL", NULL },
	{ ARGS, "sort", "DATE None RETURN (COUNT) UNSEEN",
	  "SORT R:RETURN R:(COUNT) R:(DATE) R:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "sort", "SUBJECT", "SORT R:(SUBJECT) R:UTF-8 R:ALL", NULL },
	{ ARGS, "thread", "REFERENCES None UNSEEN", "THREAD A:REFERENCES R:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "uid", "search UTF-8 RETURN (MIN MAX) UNSEEN",
	  "UID SEARCH R:RETURN R:(MIN MAX) R:CHARSET A:UTF-8 R:UNSEEN", NULL },
	{ ARGS, "uid", "sort (ARRIVAL) US-ASCII RETURN (MAX) ALL",
	  "UID SORT R:RETURN R:(MAX) R:(ARRIVAL) A:US-ASCII R:ALL", NULL },
	/* ... and refused */
	{ ARGS, "search", "RETURN MIN UNSEEN", NULL,
	  "search: RETURN needs a list of options in parentheses" },
	/* RETURN after the keys: a key's argument, so this one builds */
	{ ARGS, "search", "UNSEEN RETURN", NULL, NULL },
	{ ARGS, "search", "RETURN (MIN)", NULL, "search: search criteria missing" },
	{ ARGS, "search", "UTF-8 RETURN (MIN)", NULL, "search: search criteria missing" },
	{ ARGS, "search", "RETURN (MIN) RETURN (MAX) ALL", NULL, "search: RETURN is given twice" },
	{ ARGS, "search", "RETURN \"(MIN)\" ALL", NULL, "RETURN needs a list of options" },
	{ ARGS, "sort", "RETURN (MIN)", NULL, "sort: sort criteria missing" },
	{ ARGS, "sort", "RETURN (MIN) (DATE) RETURN (MAX) ALL", NULL, "sort: RETURN is given twice" },
	{ ARGS, "uid", "search RETURN", NULL, "search: RETURN needs a list of options" },
	/* ... and on the wire */
	{ WIRE, "search", "UTF-8 RETURN (MIN MAX) UNSEEN",
	  "A1 SEARCH RETURN (MIN MAX) CHARSET UTF-8 UNSEEN\r\n", NULL },
	{ WIRE, "uid", "sort (DATE) UTF-8 RETURN (COUNT) ALL",
	  "A1 UID SORT RETURN (COUNT) (DATE) UTF-8 ALL\r\n", NULL },

	/* Numbers the user types: RFC 9051 number is 0..4294967295,
	 * nz-number 1..4294967295; sent in plain decimal. */
	{ WIRE, "partial", "4294967296 BODY[] 0 100", NULL, "is not a number from " },
	{ WIRE, "partial", "9999999999 BODY[] 0 100", NULL, "is not a number from " },
	{ WIRE, "partial", "1 BODY[] 0 100", "A1 PARTIAL 1 BODY[] 0 100\r\n", NULL },
	{ WIRE, "partial", "4294967295 BODY[] 4294967295 4294967295",
	  "A1 PARTIAL 4294967295 BODY[] 4294967295 4294967295\r\n", NULL },
	{ WIRE, "partial", "0001 BODY[] 000 0100", "A1 PARTIAL 1 BODY[] 0 100\r\n", NULL },
	{ WIRE, "partial", "000000000000000007 BODY[] 0 1", "A1 PARTIAL 7 BODY[] 0 1\r\n", NULL },
	{ WIRE, "partial", "1 BODY[] 4294967296 100", NULL, "is not a number from " },
	{ WIRE, "partial", "1 BODY[] 0 99999999999", NULL, "is not a number from " },
	{ WIRE, "partial", "0 BODY[] 0 100", NULL, "partial: \"0\" is not a number from 1 to 4294967295" },
	{ WIRE, "partial", "1 BODY[] 0 0", NULL, "is not a number from " },
	{ WIRE, "partial", "-1 BODY[] 0 100", NULL, "is not a number from " },
	{ WIRE, "partial", "+1 BODY[] 0 100", NULL, "is not a number from " },
	{ WIRE, "partial", "1e3 BODY[] 0 100", NULL, "is not a number from " },
	{ WIRE, "partial", "0x10 BODY[] 0 100", NULL, "is not a number from " },
	{ WIRE, "partial", "1 BODY[] nan 100", NULL, "is not a number from " },
	{ WIRE, "partial", "1 BODY[] 4294967296 1", NULL,
	  "partial: \"4294967296\" is not a number from 0 to 4294967295" },

	/* idle SECONDS refused on the command line too (the number itself:
	 * build_idle_seconds_strict) */
	{ WIRE, "idle", "nan", NULL, "idle: SECONDS must be" },
};

START_TEST(build_line_cases)
{
	const struct line_case *c = &line_cases[_i];
	char e[600] = "";
	char *got = (c->as == ARGS ? built_args : wire_of)(c->name, c->line, e);

	if (c->want) {
		ck_assert_msg(got != NULL, "case %d, %s %s: %s", _i, c->name, c->line, e);
		ck_assert_msg(strcmp(got, c->want) == 0, "case %d, %s %s:\n got  %s\n want %s", _i,
			      c->name, c->line, got, c->want);
	} else if (c->error) {
		ck_assert_msg(got == NULL, "case %d, %s %s should fail, built %s", _i, c->name, c->line,
			      got);
		ck_assert_msg(strstr(e, c->error) != NULL, "case %d, %s %s: error \"%s\" lacks \"%s\"", _i,
			      c->name, c->line, e, c->error);
	} else {
		ck_assert_msg(got != NULL, "case %d, %s %s: %s", _i, c->name, c->line, e);
	}
	free(got);
}
END_TEST

/* Builds one word (NUL-safe) and returns the call's idle_ms, or -2 with
 * the error in e. */
static int idle_ms_of(const char *secs, size_t len, char *e)
{
	struct cmd_word w;
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	int ms = -2;
	memset(&w, 0, sizeof(w));
	w.s = w.raw = secs;
	w.len = w.raw_len = len;
	cmd_call_init(&call);
	if (cmd_build(cmd_lookup("idle"), &w, secs ? 1 : 0, NULL, &call, &err) == 0)
		ms = call.idle_ms;
	else
		strcpy(e, err.msg);
	cmd_call_release(&call);
	return ms;
}

/* idle SECONDS: digits with an optional fraction, 0 < s <= 86400; the
 * call carries milliseconds, so call.c never parses it again. */
START_TEST(build_idle_seconds_strict)
{
	static const struct {
		const char *secs;
		int ms; /* -2: refused */
	} cases[] = {
		{ "nan", -2 },
		{ "30", 30000 },
		{ "2.5", 2500 },
		{ ".5", 500 },
		{ "5.", 5000 },
		{ "0.001", 1 },
		{ "0.0001", 1 },       /* above 0: rounded up, never 0 ms */
		{ "1.2345", 1235 },
		{ "0030", 30000 },
		{ "86400", 86400000 },
		{ "86400.000", 86400000 },
		{ "86400.0001", -2 },
		{ "86401", -2 },
		{ "99999999999999999999999", -2 },
		{ "0", -2 },
		{ "0.000", -2 },
		{ "NaN", -2 },
		{ "inf", -2 },
		{ "infinity", -2 },
		{ "-1", -2 },
		{ "+1", -2 },
		{ "1e3", -2 },
		{ "1E-3", -2 },
		{ "0x10", -2 },
		{ "", -2 },
		{ ".", -2 },
		{ "1.2.3", -2 },
		{ " 1", -2 },
		{ "1 ", -2 },
		{ "1,5", -2 },
	};
	size_t i;
	char e[600];
	for (i = 0; i < N(cases); i++) {
		int ms;
		e[0] = '\0';
		ms = idle_ms_of(cases[i].secs, strlen(cases[i].secs), e);
		ck_assert_msg(ms == cases[i].ms, "idle \"%s\": %d, want %d (%s)", cases[i].secs, ms,
			      cases[i].ms, e);
		if (ms == -2)
			ck_assert_msg(strstr(e, "idle: SECONDS must be a decimal number above 0 and at most 86400") != NULL,
				      "%s", e);
	}
	/* a NUL inside is not the end of the number */
	ck_assert_int_eq(idle_ms_of("1\0002", 3, e), -2);
	/* not given: -1 (the shell picks the default) */
	ck_assert_int_eq(idle_ms_of(NULL, 0, e), -1);
}
END_TEST

/* ---- append with NUL bytes (RFC 3516) ------------------------------------ */

/* A transport that serves a greeting and swallows what is written: enough
 * for session_greet to learn the capabilities cmd_build checks. */
struct greeter {
	struct net_conn base;
	const char *greeting;
	size_t pos;
};

static ssize_t greeter_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct greeter *g = (struct greeter *)c;
	size_t n = strlen(g->greeting) - g->pos;
	(void)err;
	if (n > len)
		n = len;
	memcpy(buf, g->greeting + g->pos, n);
	g->pos += n;
	return (ssize_t)n;
}

static int greeter_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	(void)c, (void)buf, (void)len;
	return err_set(err, IMAP_ERR_ABORT, "greeter: nothing may be sent");
}

static void greeter_describe(struct net_conn *c, struct buf *out) { (void)c; buf_adds(out, "greeter"); }
static int greeter_pollfd(struct net_conn *c) { (void)c; return -1; }
static size_t greeter_pending(struct net_conn *c) { (void)c; return 0; }
static void greeter_close(struct net_conn *c, struct buf *report) { (void)report; free(c); }

static const struct net_ops greeter_ops = {
	.name = "greeter",
	.read = greeter_read,
	.write = greeter_write,
	.describe = greeter_describe,
	.pollfd = greeter_pollfd,
	.pending = greeter_pending,
	.close = greeter_close,
};

/* A session in state AUTH with these capabilities (space separated). */
static struct session *session_with_caps(const char *caps)
{
	struct greeter *g = xcalloc(1, sizeof(*g));
	struct session_hooks h;
	struct imap_err err = IMAP_ERR_INIT;
	struct session *s;
	static char greeting[256];
	snprintf(greeting, sizeof(greeting), "* PREAUTH [CAPABILITY IMAP4rev1 %s] hi\r\n", caps);
	g->base.ops = &greeter_ops;
	g->greeting = greeting;
	memset(&h, 0, sizeof(h));
	s = session_new(&g->base, &h);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_state(s), IMAP_STATE_AUTH);
	return s;
}

static ssize_t never_read(void *ctx, char *buf, size_t len, struct imap_err *err)
{
	(void)ctx, (void)buf, (void)len;
	return err_set(err, IMAP_ERR_ERROR, "not read while building");
}

/*
 * A NUL in the message: literal8 when the server offers BINARY (or with
 * no session: no capability checks), else refused before anything is
 * sent.  The offset counts the bytes as sent (LF made CRLF).  Messages
 * come as a quoted word (scanned by cmd_build) or a streamed @FILE
 * (nul_at given by the word).
 */
START_TEST(build_append_nul)
{
	static const struct imap_literal_source src5 = { 5, never_read, NULL };
	static const struct {
		const char *msg;      /* quoted message, or NULL: streamed */
		size_t len;
		long long nul_at;     /* streamed: the word's nul_at */
		const char *caps;     /* NULL: no session */
		const char *args;     /* built, or NULL: refused */
		long long err_at;     /* refused: the offset the error names */
	} cases[] = {
		{ "a\0b", 3, 0, NULL, "APPEND A:INBOX ~L:a\0b", 0 },
		{ "a\0b", 3, 0, "BINARY", "APPEND A:INBOX ~L:a\0b", 0 },
		{ "a\0b", 3, 0, "LITERAL+", NULL, 1 },
		{ "\n\n\0", 3, 0, "IDLE", NULL, 4 },
		{ "\0", 1, 0, "", NULL, 0 },
		{ "plain\n", 6, 0, "LITERAL+", "APPEND A:INBOX L:plain\r\n", 0 },
		{ "plain\n", 6, 0, "BINARY", "APPEND A:INBOX L:plain\r\n", 0 },
		{ NULL, 0, 3, NULL, "APPEND A:INBOX ~L:<5 streamed>", 0 },
		{ NULL, 0, 3, "BINARY LITERAL+", "APPEND A:INBOX ~L:<5 streamed>", 0 },
		{ NULL, 0, 3, "LITERAL+", NULL, 3 },
		{ NULL, 0, 0, "LITERAL+", NULL, 0 },
		{ NULL, 0, -1, "LITERAL+", "APPEND A:INBOX L:<5 streamed>", 0 },
		{ NULL, 0, -1, "BINARY", "APPEND A:INBOX L:<5 streamed>", 0 },
	};
	size_t i;
	for (i = 0; i < N(cases); i++) {
		struct cmd_word w[2];
		struct cmd_call call;
		struct imap_err err = IMAP_ERR_INIT;
		struct session *s = cases[i].caps ? session_with_caps(cases[i].caps) : NULL;
		int rc;

		memset(w, 0, sizeof(w));
		w[0].s = w[0].raw = "INBOX";
		w[0].len = w[0].raw_len = 5;
		if (cases[i].msg) {
			w[1].s = cases[i].msg;
			w[1].len = cases[i].len;
			w[1].raw = "\"...\"";
			w[1].raw_len = 5;
			w[1].quoted = true;
			w[1].nul_at = -1; /* not read for a quoted word */
		} else {
			w[1].s = "";
			w[1].raw = "@msg";
			w[1].raw_len = 4;
			w[1].source = &src5;
			w[1].nul_at = cases[i].nul_at;
		}
		cmd_call_init(&call);
		rc = cmd_build(cmd_lookup("append"), w, 2, s, &call, &err);
		if (cases[i].args) {
			char *got;
			size_t want_len = strlen("APPEND A:INBOX ~L:") + 3;
			ck_assert_msg(rc == 0, "case %zu: %s", i, err.msg);
			got = args_of(&call);
			/* compare with the NULs: the length comes from the case */
			if (cases[i].msg && memchr(cases[i].msg, '\0', cases[i].len))
				ck_assert_msg(memcmp(got, cases[i].args, want_len) == 0, "case %zu", i);
			else
				ck_assert_msg(strcmp(got, cases[i].args) == 0, "case %zu: got %s, want %s", i,
					      got, cases[i].args);
			free(got);
		} else {
			char want[300];
			ck_assert_msg(rc == -1, "case %zu: built", i);
			ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
			snprintf(want, sizeof(want),
				 "append: the message has a NUL byte at offset %lld; IMAP allows NUL only "
				 "in a BINARY literal (RFC 3516) and this server does not offer BINARY",
				 cases[i].err_at);
			ck_assert_str_eq(err.msg, want);
		}
		cmd_call_release(&call);
		if (s)
			session_free(s, NULL);
	}
}
END_TEST

/* The literal8 on the wire (RFC 3516 ~{n}, with LITERAL+ ~{n+}). */
START_TEST(wire_append_literal8)
{
	struct cmd_word w[2];
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_wire wire;
	memset(w, 0, sizeof(w));
	w[0].s = w[0].raw = "INBOX";
	w[0].len = w[0].raw_len = 5;
	w[1].s = "x\0y\n";
	w[1].len = 4;
	w[1].raw = "\"x\\0y\"";
	w[1].raw_len = 7;
	w[1].quoted = true;
	cmd_call_init(&call);
	imap_wire_init(&wire);
	ck_assert_int_eq(cmd_build(cmd_lookup("append"), w, 2, NULL, &call, &err), 0);
	ck_assert_int_eq(imap_encode(&wire, "A1", call.cmd.verb, call.cmd.args, call.cmd.nargs,
				     IMAP_LITERAL_PLUS, &err), 0);
	ck_assert_uint_eq(wire.bytes.len, strlen("A1 APPEND INBOX ~{5+}\r\n") + 5 + 2);
	ck_assert_mem_eq(wire.bytes.buf, "A1 APPEND INBOX ~{5+}\r\nx\0y\r\n\r\n", wire.bytes.len);
	imap_wire_release(&wire);
	cmd_call_release(&call);
}
END_TEST

static unsigned flags_of(const char *name, const char *line)
{
	struct cmd_word w[8];
	char *copy = strdup(line), *p = copy, *tok;
	size_t n = 0;
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	unsigned f = 0;
	while ((tok = strsep(&p, " ")) && n < 8) {
		if (!*tok)
			continue;
		memset(&w[n], 0, sizeof(w[n]));
		w[n].s = w[n].raw = tok;
		w[n].len = w[n].raw_len = strlen(tok);
		n++;
	}
	cmd_call_init(&call);
	if (cmd_build(cmd_lookup(name), w, n, NULL, &call, &err) == 0)
		f = cmd_pipe_flags(&call);
	cmd_call_release(&call);
	free(copy);
	return f;
}

START_TEST(pipelining_rules)
{
	unsigned fetch = flags_of("fetch", "1:3 FLAGS");
	unsigned uidfetch = flags_of("uid", "fetch 1:3 FLAGS");
	unsigned noop = flags_of("noop", "");
	unsigned sort = flags_of("sort", "DATE");
	ck_assert_uint_eq(fetch, CP_PIPELINE | CP_EXPUNGE_SAFE | CP_USES_MSN);
	ck_assert_uint_eq(uidfetch, CP_PIPELINE | CP_EXPUNGE_SAFE);
	ck_assert_uint_eq(noop, CP_PIPELINE);
	ck_assert_uint_eq(sort, CP_PIPELINE | CP_USES_MSN);
	ck_assert_uint_eq(flags_of("select", "INBOX"), 0);
	ck_assert_uint_eq(flags_of("store", "1 +FLAGS \\Seen"), 0);
	ck_assert_uint_eq(flags_of("expunge", ""), 0);
	ck_assert_uint_eq(flags_of("copy", "1 Trash"), 0);
	ck_assert_uint_eq(flags_of("status", "INBOX (MESSAGES)"), CP_PIPELINE);
	/* anything may start a batch that may be pipelined at all */
	ck_assert(cmd_pipe_can_join(noop, ~0u, 0));
	ck_assert(!cmd_pipe_can_join(0, ~0u, 0));
	/* sequence numbers only behind expunge-safe commands */
	ck_assert(cmd_pipe_can_join(fetch, fetch & uidfetch, 2));
	ck_assert(!cmd_pipe_can_join(fetch, fetch & noop, 2));
	ck_assert(cmd_pipe_can_join(uidfetch, fetch & noop, 2));
	ck_assert(cmd_pipe_can_join(noop, fetch, 1));
	ck_assert(!cmd_pipe_can_join(sort, noop, 1));
}
END_TEST

static char *slurp(const char *rel)
{
	const char *top = getenv("SRCDIR");
	char path[4096];
	FILE *fp;
	char *data;
	long n;
	snprintf(path, sizeof(path), "%s/%s", top ? top : "..", rel);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = calloc(1, (size_t)n + 1);
	ck_assert_int_eq(fread(data, 1, (size_t)n, fp), n);
	fclose(fp);
	return data;
}

/* Can c be part of a command or option name? */
static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Is word in text as a whole name ("set" is not in "setacl" or "unset")? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;
	for (p = strstr(text, word); p; p = strstr(p + 1, word))
		if ((p == text || !is_name_char(p[-1])) && !is_name_char(p[n]))
			return true;
	return false;
}

/* The man page and the completions for bash, zsh and fish are kept in step
 * with the table (tests/integration/completions.sh checks the options and
 * the shell's own commands). */
START_TEST(docs_name_every_command)
{
	static const char *const completions[] = {
		"completions/imapsh",      /* bash */
		"completions/_imapsh",     /* zsh */
		"completions/imapsh.fish", /* fish */
	};
	static const struct {
		const char *text, *word;
		bool found;
	} words[] = {
		{ "setacl set", "set", true },
		{ "setacl unset", "set", false },
		{ "login_cram_md5", "login", false },
		{ "'id:exchange", "id", true },
		{ "\tid 'Ex", "id", true },
		{ "uid", "id", false },
		{ "check\n", "check", true },
		{ "--check", "check", false },
	};
	char *man = slurp("man/imapsh.1");
	size_t i, f;
	for (i = 0; i < N(words); i++)
		ck_assert_msg(has_word(words[i].text, words[i].word) == words[i].found,
			      "has_word(\"%s\", \"%s\")", words[i].text, words[i].word);
	for (i = 0; i < cmd_table_size; i++) {
		char want[64];
		snprintf(want, sizeof(want), ".B %s", cmd_table[i].name);
		ck_assert_msg(strstr(man, want) != NULL, "man page lacks \"%s\"", want);
	}
	free(man);
	/* every command has its longer help, and its example builds */
	for (i = 0; i < cmd_table_size; i++) {
		const struct cmd_doc *d = cmd_doc_lookup(cmd_table[i].name);
		char e[600] = "", *w;
		const char *sp;
		ck_assert_msg(d != NULL, "%s has no row in cmd_docs.c", cmd_table[i].name);
		ck_assert_msg(!strncmp(d->example, cmd_table[i].name, strlen(cmd_table[i].name)),
			      "%s: the example \"%s\" is of another command", cmd_table[i].name, d->example);
		ck_assert(d->rfc && d->rfc[0]);
		sp = strchr(d->example, ' ');
		if (strstr(d->example, " @"))
			continue; /* @FILE: opened by the shell */
		w = wire_of(cmd_table[i].name, sp ? sp + 1 : "", e);
		ck_assert_msg(w != NULL, "the example \"%s\" fails: %s", d->example, e);
		free(w);
	}
	for (f = 0; f < N(completions); f++) {
		char *comp = slurp(completions[f]);
		for (i = 0; i < cmd_table_size; i++)
			ck_assert_msg(has_word(comp, cmd_table[i].name), "%s lacks the command %s",
				      completions[f], cmd_table[i].name);
		free(comp);
	}
}
END_TEST

static Suite *commands_suite(void)
{
	Suite *s = suite_create("commands");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, table_sorted_unique_helped);
	tcase_add_test(tc, table_has_every_imaplib_method);
	tcase_add_test(tc, docs_name_every_command);
	suite_add_tcase(s, tc);
	tc = tcase_create("build");
	tcase_add_loop_test(tc, build_line_cases, 0, (int)N(line_cases));
	tcase_add_test(tc, pipelining_rules);
	tcase_add_test(tc, build_idle_seconds_strict);
	tcase_add_test(tc, build_append_nul);
	tcase_add_test(tc, wire_append_literal8);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(commands_suite)
