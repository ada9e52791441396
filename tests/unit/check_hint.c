/*
 * check_hint.c - hints as you type (shell/hint.h), table-driven: each
 * case is a line as typed (the cursor at its end) and the hint expected
 * (NULL: none).  A hint starting with a blank follows a word still being
 * typed.
 */
#include "shell/hint.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

struct hcase {
	const char *line;
	const char *want;
};

static const struct hcase cases[] = {
	/* IMAP commands: after a blank, the words still to type */
	{ "fetch ", "SET PARTS [(MODIFIERS)]" },
	{ "fetch 1:5 ", "PARTS [(MODIFIERS)]" },
	{ "fetch 1:5", " PARTS [(MODIFIERS)]" },
	{ "fetch", " SET PARTS [(MODIFIERS)]" },
	{ "FETCH ", "SET PARTS [(MODIFIERS)]" },
	{ "  Fetch 1 ", "PARTS [(MODIFIERS)]" },
	{ "fetch\t", "SET PARTS [(MODIFIERS)]" },
	{ "fetch   1   ", "PARTS [(MODIFIERS)]" },
	{ "fetch 1:5 FLAGS", " [(MODIFIERS)]" },
	{ "fetch 1:5 FLAGS ", "[(MODIFIERS)]" },
	{ "fetch 1 2 3 ", NULL },
	{ "store 1:3 ", "COMMAND FLAGS" },
	{ "store 1:3 +FLAGS ", "FLAGS" },
	{ "copy 1 ", "MAILBOX" },
	{ "partial 1 TEXT ", "START LENGTH" },
	{ "getannotation INBOX", " ENTRY ATTRIBUTE" },
	/* no arguments, first word still being typed, unknown commands */
	{ "noop", NULL },
	{ "noop ", NULL },
	{ "fe", NULL },
	{ "fetchx", NULL },
	{ "frobnicate ", NULL },
	{ "", NULL },
	{ "   ", NULL },
	{ "# fetch ", NULL },
	/* uid: the subcommand, then its own usage */
	{ "uid", " COMMAND ARGS..." },
	{ "uid ", "COMMAND ARGS..." },
	{ "uid fetch", " SET PARTS [(MODIFIERS)]" },
	{ "UID Fetch 1:* ", "PARTS [(MODIFIERS)]" },
	{ "uid fe", NULL },
	{ "uid frob ", NULL },
	{ "uid expunge ", "SET" },
	{ "uid expunge 1:5 ", NULL },
	{ "uid copy 1 ", "MAILBOX" },
	/* meta commands */
	{ "help", " [COMMAND]" },
	{ "? ", "[COMMAND]" },
	{ "help fetch ", NULL },
	{ "debug ", "[LEVEL]" },
	{ "quit", NULL },
	{ "response ", "NAME" },
	{ "set ", "[NAME [VALUE]]" },
	{ "set X ", "[VALUE]" },
	{ "set X 1 ", NULL },
	{ "unset ", "NAME..." },
	{ "unset A ", NULL },
	/* optional groups: entered by an argument that fits, else skipped */
	{ "select ", "[MAILBOX [readonly] [(PARAMS)]]" },
	{ "select INBOX", " [readonly] [(PARAMS)]" },
	{ "select INBOX ", "[readonly] [(PARAMS)]" },
	{ "select INBOX r", " [(PARAMS)]" },
	{ "select INBOX readonly ", "[(PARAMS)]" },
	{ "list ", "[(OPTS)] [REFERENCE [PATTERN...]] [RETURN (OPTS)]" },
	{ "list \"\" ", "[PATTERN...] [RETURN (OPTS)]" },
	{ "list \"\" * ", NULL },
	{ "login bob ", "[PASSWORD]" },
	{ "authenticate PLAIN bob ", "[PASSWORD]" },
	{ "append INBOX ", "[FLAGS] [DATE] MESSAGE..." },
	{ "append INBOX (\\Seen) ", "[DATE] MESSAGE..." },
	{ "append INBOX \\Seen \"1-Jan-2024 10:00:00 +0000\" ", "MESSAGE..." },
	{ "append INBOX @msg.eml", NULL },
	{ "search ", "[RETURN (OPTIONS)] [CHARSET] CRITERIA..." },
	{ "search RETURN ", "(OPTIONS) [CHARSET] CRITERIA..." },
	{ "search RET", " (OPTIONS) [CHARSET] CRITERIA..." },
	{ "search RETURN (MIN MAX) ", "[CHARSET] CRITERIA..." },
	{ "search UTF-8 ", "CRITERIA..." },
	{ "search UNSEEN ", NULL },
	{ "search RETURN (COUNT) UNSEEN FROM ann ", NULL },
	{ "sort (REVERSE DATE) ", "[CHARSET] SEARCH..." },
	{ "sort RETURN (COUNT) (DATE) US-ASCII ", "SEARCH..." },
	{ "thread REFERENCES ", "[CHARSET] SEARCH..." },
	{ "id ", "[FIELD VALUE]..." },
	{ "id name ", "VALUE" },
	{ "id name imapsh ", NULL },
	{ "xatom XFOO ", "[ARGS...]" },
	{ "xatom XFOO a ", NULL },
	/* alternatives */
	{ "pager ", "[on|off|auto]" },
	{ "pager of", NULL },
	{ "pager maybe ", NULL },
	{ "format", " [pretty|raw|json]" },
	{ "open ", "[HOST [PORT] | PROFILE | --stream COMMAND]" },
	{ "open --stream ", "COMMAND" },
	{ "open --str", " COMMAND" },
	{ "open imap.example.org ", "[PORT]" },
	{ "open imap.example.org 993 ", NULL },
	/* quoted arguments with blanks; an open quote */
	{ "rename \"My files\" ", "NEW" },
	{ "rename \"My files\"", " NEW" },
	{ "rename 'Old one' ", "NEW" },
	{ "rename \"My f", NULL },
	{ "rename \"a \\\" b\" ", "NEW" },
	{ "copy 1 'Arch", NULL },
	/* parenthesised arguments are one; inside an open group: none */
	{ "status INBOX (MESSAGES UNSEEN)", NULL },
	{ "store 1 +FLAGS.SILENT (\\Seen \\Deleted) ", NULL },
	{ "sort (REVERSE DATE)", " [CHARSET] SEARCH..." },
	{ "status INBOX (MESSAGES UN", NULL },
	{ "fetch 1 (FLAGS EN", NULL },
	{ "fetch 1 BODY[HEADER", NULL },
	/* raw and send: nothing once the line has begun */
	{ "raw", " LINE" },
	{ "raw ", "LINE" },
	{ "raw a1 NOOP", NULL },
	{ "send ", "STRING" },
	{ "send \"ab", NULL },
	/* a redirection */
	{ "fetch 1 > ", NULL },
	{ "fetch 1 >out", NULL },
};

START_TEST(test_hint_cases)
{
	const struct hcase *t = &cases[_i];
	struct buf b = BUF_INIT;
	bool got;

	buf_addf(&b, "junk"); /* reset by hint_for */
	got = hint_for(t->line, strlen(t->line), &b);
	if (!t->want)
		ck_assert_msg(!got && b.len == 0, "[%s]: expected no hint, got [%s]", t->line, b.buf);
	else
		ck_assert_msg(got && !strcmp(b.buf, t->want), "[%s]: expected [%s], got %s[%s]", t->line,
			      t->want, got ? "" : "none ", b.buf);
	buf_release(&b);
}
END_TEST

/* Only line[0..len) is read: the rest of a longer buffer is not typed. */
START_TEST(test_hint_len)
{
	struct buf b = BUF_INIT;

	ck_assert(hint_for("fetch 1:5 FLAGS", 10, &b));
	ck_assert_str_eq(b.buf, "PARTS [(MODIFIERS)]");
	ck_assert(hint_for("select INBOX", 6, &b));
	ck_assert_str_eq(b.buf, " [MAILBOX [readonly] [(PARAMS)]]");
	ck_assert(!hint_for(NULL, 0, &b));
	buf_release(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("hint");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_hint_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_hint_len);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
