/*
 * check_lexer.c - the shell line lexer and shell_unescape.
 */
#include "shell/lexer.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Lexes s (strlen) and expects success with n tokens. */
static void lex_ok(struct shell_line *l, const char *s, size_t n)
{
	struct imap_err err = IMAP_ERR_INIT;
	int rc = shell_lex(s, strlen(s), l, &err);

	ck_assert_msg(rc == 0, "lexing [%s] failed: %s", s, err.msg);
	ck_assert_uint_eq(l->count, n);
}

static void lex_fail(const char *s, const char *msg)
{
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	ck_assert_int_eq(shell_lex(s, strlen(s), &l, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_uint_eq(l.count, 0);
	shell_line_release(&l);
}

/* Token i has this value and raw (both NUL-terminated, lengths match). */
static void tok_is(const struct shell_line *l, size_t i, const char *value, const char *raw)
{
	ck_assert_uint_lt(i, l->count);
	ck_assert_uint_eq(l->tok[i].value_len, strlen(value));
	ck_assert_mem_eq(l->tok[i].value, value, strlen(value) + 1);
	ck_assert_uint_eq(l->tok[i].raw_len, strlen(raw));
	ck_assert_mem_eq(l->tok[i].raw, raw, strlen(raw) + 1);
}

static void tok_flags(const struct shell_line *l, size_t i, bool quoted, bool group, bool at_file)
{
	ck_assert_int_eq(l->tok[i].quoted, quoted);
	ck_assert_int_eq(l->tok[i].group, group);
	ck_assert_int_eq(l->tok[i].at_file, at_file);
}

START_TEST(test_plain_words)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "select INBOX", 2);
	tok_is(&l, 0, "select", "select");
	tok_is(&l, 1, "INBOX", "INBOX");
	tok_flags(&l, 0, false, false, false);
	tok_flags(&l, 1, false, false, false);
	shell_line_release(&l);
	ck_assert_ptr_null(l.tok);
	ck_assert_uint_eq(l.count, 0);
}
END_TEST

START_TEST(test_blanks_and_tabs)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, " \t fetch\t\t1:*  \tFLAGS \t", 3);
	tok_is(&l, 0, "fetch", "fetch");
	tok_is(&l, 1, "1:*", "1:*");
	tok_is(&l, 2, "FLAGS", "FLAGS");
	lex_ok(&l, "", 0);
	lex_ok(&l, "   \t  ", 0);
	shell_line_release(&l);
}
END_TEST

START_TEST(test_crlf)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "noop\r", 1);
	tok_is(&l, 0, "noop", "noop");
	lex_ok(&l, "select INBOX\r\n", 2);
	tok_is(&l, 1, "INBOX", "INBOX");
	lex_ok(&l, "list \"\" *\n", 3);
	tok_is(&l, 2, "*", "*");
	/* only a trailing terminator is dropped; a CR inside stays */
	lex_ok(&l, "a\rb c", 2);
	tok_is(&l, 0, "a\rb", "a\rb");
	/* a CR inside an unclosed quote at the end is still dropped */
	lex_fail("login \"abc\r\n", "unclosed quote starting at column 7");
	lex_ok(&l, "\r\n", 0);
	shell_line_release(&l);
}
END_TEST

/* A comment is a line whose first non-blank byte is '#'; '#' anywhere
 * else is data (RFC 2342 namespaces: #news., #shared/). */
START_TEST(test_comments)
{
	static const struct {
		const char *line;
		size_t n;
		const char *raw[4];
		const char *value[4]; /* NULL: same as raw */
	} cases[] = {
		{ "# a comment (with unbalanced paren", 0, { NULL }, { NULL } },
		{ "   #indented", 0, { NULL }, { NULL } },
		{ "\t# after a tab \"unclosed", 0, { NULL }, { NULL } },
		{ "#", 0, { NULL }, { NULL } },
		{ "#\r\n", 0, { NULL }, { NULL } },
		{ "#select INBOX", 0, { NULL }, { NULL } },
		{ "subscribe #news.comp.mail.mime", 2, { "subscribe", "#news.comp.mail.mime" }, { NULL } },
		{ "list \"\" #news.*", 3, { "list", "\"\"", "#news.*" }, { NULL, "" } },
		{ "list #shared/ %", 3, { "list", "#shared/", "%" }, { NULL } },
		{ "select INBOX # not a comment", 6, { "select", "INBOX", "#", "not" }, { NULL } },
		{ "noop\t#tab", 2, { "noop", "#tab" }, { NULL } },
		{ "a#b c", 2, { "a#b", "c" }, { NULL } },
		{ "login u \"#quoted\"", 3, { "login", "u", "\"#quoted\"" }, { NULL, NULL, "#quoted" } },
		{ "'#quoted first' x", 2, { "'#quoted first'", "x" }, { "#quoted first" } },
		{ "search (SUBJECT #x)", 2, { "search", "(SUBJECT #x)" }, { NULL } },
		{ "status #news.a (MESSAGES)", 3, { "status", "#news.a", "(MESSAGES)" }, { NULL } },
	};
	struct shell_line l = SHELL_LINE_INIT;
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lex_ok(&l, cases[i].line, cases[i].n);
		for (j = 0; j < cases[i].n && j < 4 && cases[i].raw[j]; j++)
			tok_is(&l, j, cases[i].value[j] ? cases[i].value[j] : cases[i].raw[j],
			       cases[i].raw[j]);
	}
	/* a quote after a mid-line '#' is a quote again: it must close */
	lex_fail("select INBOX # pick the inbox \"unclosed", "unclosed quote starting at column 31");
	shell_line_release(&l);
}
END_TEST

START_TEST(test_double_quotes)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "login \"john smith\" \"p\\\"w\\\\d\"", 3);
	tok_is(&l, 1, "john smith", "\"john smith\"");
	tok_is(&l, 2, "p\"w\\d", "\"p\\\"w\\\\d\"");
	tok_flags(&l, 1, true, false, false);
	/* other backslashes are kept as typed (for send and \Seen) */
	lex_ok(&l, "send \"A1 NOOP\\r\\n\" \"\\Seen\"", 3);
	tok_is(&l, 1, "A1 NOOP\\r\\n", "\"A1 NOOP\\r\\n\"");
	tok_is(&l, 2, "\\Seen", "\"\\Seen\"");
	/* a backslash before the closing quote escapes it */
	lex_fail("x \"abc\\\"", "unclosed quote starting at column 3");
	lex_fail("x \"abc\\\\\"\"", "unclosed quote starting at column 10");
	shell_line_release(&l);
}
END_TEST

START_TEST(test_single_quotes)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "login 'a b' 'c\\\"d' '\"'", 4);
	tok_is(&l, 1, "a b", "'a b'");
	tok_is(&l, 2, "c\\\"d", "'c\\\"d'");
	tok_is(&l, 3, "\"", "'\"'");
	tok_flags(&l, 1, true, false, false);
	lex_ok(&l, "\"it's\"", 1);
	tok_is(&l, 0, "it's", "\"it's\"");
	lex_fail("say don't", "unclosed quote starting at column 8");
	shell_line_release(&l);
}
END_TEST

START_TEST(test_empty_quoted)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "list \"\" *", 3);
	tok_is(&l, 1, "", "\"\"");
	tok_flags(&l, 1, true, false, false);
	ck_assert_ptr_nonnull(l.tok[1].value);
	lex_ok(&l, "x ''", 2);
	tok_is(&l, 1, "", "''");
	ck_assert(l.tok[1].quoted);
	shell_line_release(&l);
}
END_TEST

START_TEST(test_mixed_quoting)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "a\"b c\"d e'f g'h \"x\"'y'z", 3);
	tok_is(&l, 0, "ab cd", "a\"b c\"d");
	tok_is(&l, 1, "ef gh", "e'f g'h");
	tok_is(&l, 2, "xyz", "\"x\"'y'z");
	tok_flags(&l, 0, true, false, false);
	shell_line_release(&l);
}
END_TEST

START_TEST(test_groups)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "fetch 1:4 (FLAGS UID)", 3);
	tok_is(&l, 2, "(FLAGS UID)", "(FLAGS UID)");
	tok_flags(&l, 2, false, true, false);

	lex_ok(&l, "store 1 +FLAGS (\\Seen \\Answered)", 4);
	tok_is(&l, 3, "(\\Seen \\Answered)", "(\\Seen \\Answered)");

	lex_ok(&l, "fetch 1 BODY.PEEK[HEADER.FIELDS (FROM)]", 3);
	tok_is(&l, 2, "BODY.PEEK[HEADER.FIELDS (FROM)]", "BODY.PEEK[HEADER.FIELDS (FROM)]");
	tok_flags(&l, 2, false, true, false);

	lex_ok(&l, "fetch 1 (UID BODY[HEADER.FIELDS (FROM TO)]<0.100>) x", 4);
	tok_is(&l, 2, "(UID BODY[HEADER.FIELDS (FROM TO)]<0.100>)",
	       "(UID BODY[HEADER.FIELDS (FROM TO)]<0.100>)");
	tok_is(&l, 3, "x", "x");

	/* quotes inside a group are respected and kept as typed */
	lex_ok(&l, "search (HEADER \"Subject\" \"a (b\")", 2);
	tok_is(&l, 1, "(HEADER \"Subject\" \"a (b\")", "(HEADER \"Subject\" \"a (b\")");
	tok_flags(&l, 1, false, true, false);
	lex_ok(&l, "search (SUBJECT \"x \\\" ) [\" FROM a)", 2);
	tok_is(&l, 1, "(SUBJECT \"x \\\" ) [\" FROM a)", "(SUBJECT \"x \\\" ) [\" FROM a)");
	/* apostrophes mean nothing inside a group */
	lex_ok(&l, "search (FROM o'brien)", 2);
	tok_is(&l, 1, "(FROM o'brien)", "(FROM o'brien)");

	/* nesting, and groups glued together */
	lex_ok(&l, "search (OR (FROM a) (TO [b]))(x) y", 3);
	tok_is(&l, 1, "(OR (FROM a) (TO [b]))(x)", "(OR (FROM a) (TO [b]))(x)");
	lex_ok(&l, "a\"q\"(b c)", 1);
	tok_is(&l, 0, "a\"q\"(b c)", "a\"q\"(b c)");
	tok_flags(&l, 0, true, true, false);
	lex_ok(&l, "()", 1);
	tok_is(&l, 0, "()", "()");
	/* a group may hold tabs and '#' */
	lex_ok(&l, "(a\tb #c)", 1);
	tok_is(&l, 0, "(a\tb #c)", "(a\tb #c)");
	shell_line_release(&l);
}
END_TEST

START_TEST(test_group_errors)
{
	lex_fail("fetch 1 (FLAGS", "'(' at column 9 is never closed");
	lex_fail("search (OR (FROM a) (TO b)", "'(' at column 8 is never closed");
	lex_fail("fetch 1 (FLAGS BODY[HEADER", "'[' at column 20 is never closed");
	lex_fail("fetch 1 FLAGS)", "unbalanced ')' at column 14");
	lex_fail("fetch 1 (FLAGS)) x", "unbalanced ')' at column 16");
	lex_fail("a]", "unbalanced ']' at column 2");
	lex_fail("fetch 1 (BODY[HEADER)]", "')' at column 21 does not close '[' at column 14");
	lex_fail("x (a]", "']' at column 5 does not close '(' at column 3");
	lex_fail("search (HEADER \"Subject\" \"a (b)",
		 "unclosed quote starting at column 26");
	lex_fail("select INBOX\"", "unclosed quote starting at column 13");
	lex_fail("'", "unclosed quote starting at column 1");
}
END_TEST

START_TEST(test_at_file)
{
	struct shell_line l = SHELL_LINE_INIT;

	lex_ok(&l, "append INBOX @/tmp/msg.eml", 3);
	tok_is(&l, 2, "/tmp/msg.eml", "@/tmp/msg.eml");
	tok_flags(&l, 2, false, false, true);
	lex_ok(&l, "append INBOX @\"my file.eml\"", 3);
	tok_is(&l, 2, "my file.eml", "@\"my file.eml\"");
	tok_flags(&l, 2, true, false, true);
	/* quoted @ is a plain string */
	lex_ok(&l, "login \"@me\" '@you'", 3);
	tok_is(&l, 1, "@me", "\"@me\"");
	tok_flags(&l, 1, true, false, false);
	tok_flags(&l, 2, true, false, false);
	/* @ not first, lone @, or a group: plain */
	lex_ok(&l, "a@b @ @(x y)", 3);
	tok_is(&l, 0, "a@b", "a@b");
	tok_flags(&l, 0, false, false, false);
	tok_is(&l, 1, "@", "@");
	tok_flags(&l, 1, false, false, false);
	tok_is(&l, 2, "@(x y)", "@(x y)");
	tok_flags(&l, 2, false, true, false);
	shell_line_release(&l);
}
END_TEST

START_TEST(test_nul_in_line)
{
	static const char line[] = "login a\0b \"c\0d\" (e\0f)";
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	ck_assert_int_eq(shell_lex(line, sizeof(line) - 1, &l, &err), 0);
	ck_assert_uint_eq(l.count, 4);
	ck_assert_uint_eq(l.tok[1].value_len, 3);
	ck_assert_mem_eq(l.tok[1].value, "a\0b", 4);
	ck_assert_uint_eq(l.tok[2].value_len, 3);
	ck_assert_mem_eq(l.tok[2].value, "c\0d", 4);
	ck_assert_uint_eq(l.tok[2].raw_len, 5);
	ck_assert_mem_eq(l.tok[2].raw, "\"c\0d\"", 6);
	ck_assert_uint_eq(l.tok[3].value_len, 5);
	ck_assert_mem_eq(l.tok[3].value, "(e\0f)", 6);
	/* len, not strlen: bytes after len are ignored */
	ck_assert_int_eq(shell_lex("noop extra", 4, &l, &err), 0);
	ck_assert_uint_eq(l.count, 1);
	tok_is(&l, 0, "noop", "noop");
	shell_line_release(&l);
}
END_TEST

START_TEST(test_reuse_and_error_resets)
{
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	lex_ok(&l, "a b c d e f g h i j k", 11);
	lex_ok(&l, "x", 1);
	tok_is(&l, 0, "x", "x");
	ck_assert_int_eq(shell_lex("ok (bad", 7, &l, &err), -1);
	ck_assert_uint_eq(l.count, 0);
	ck_assert_str_eq(err.msg, "'(' at column 4 is never closed");
	shell_line_release(&l);
	shell_line_release(&l); /* twice is fine */

	/* a caller may drop trailing tokens (a redirect) by lowering count:
	 * neither re-lexing nor release leaks them (ASan build checks) */
	lex_ok(&l, "fetch 1 FLAGS > out.txt", 5);
	l.count -= 2;
	lex_ok(&l, "noop", 1);
	tok_is(&l, 0, "noop", "noop");
	lex_ok(&l, "fetch 1 FLAGS > out.txt", 5);
	l.count -= 2;
	shell_line_release(&l);
	ck_assert_ptr_null(l.tok);
	ck_assert_uint_eq(l.count, 0);
}
END_TEST

START_TEST(test_huge_line)
{
	/* 1 MB: many tokens, one huge quoted token, one deep group; linear time */
	size_t n = 1 << 20, i;
	char *s = xmalloc(n);
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	clock_t t0 = clock();

	for (i = 0; i < n; i += 2) {
		s[i] = 'a';
		s[i + 1] = ' ';
	}
	ck_assert_int_eq(shell_lex(s, n, &l, &err), 0);
	ck_assert_uint_eq(l.count, n / 2);
	tok_is(&l, n / 2 - 1, "a", "a");

	memset(s, 'x', n);
	s[0] = '"';
	s[n - 1] = '"';
	ck_assert_int_eq(shell_lex(s, n, &l, &err), 0);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_uint_eq(l.tok[0].value_len, n - 2);
	ck_assert_uint_eq(l.tok[0].raw_len, n);

	for (i = 0; i < n / 2; i++)
		s[i] = '(';
	for (; i < n; i++)
		s[i] = ')';
	ck_assert_int_eq(shell_lex(s, n, &l, &err), 0);
	ck_assert_uint_eq(l.count, 1);
	ck_assert(l.tok[0].group);
	ck_assert_uint_eq(l.tok[0].value_len, n);

	s[n - 1] = 'z';
	ck_assert_int_eq(shell_lex(s, n, &l, &err), -1);
	ck_assert_str_eq(err.msg, "'(' at column 1 is never closed");

	memset(s, '\'', n);
	ck_assert_int_eq(shell_lex(s, n, &l, &err), 0);
	ck_assert_uint_eq(l.count, 1);
	ck_assert_uint_eq(l.tok[0].value_len, 0);

	/* generous bound: quadratic behaviour on 1 MB takes minutes */
	ck_assert_msg((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "lexer is too slow");
	shell_line_release(&l);
	free(s);
}
END_TEST

/* shell_unescape */

static void unescape_ok(const char *in, const char *want, size_t want_len)
{
	struct buf b = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	buf_adds(&b, "pre:");
	ck_assert_msg(shell_unescape(in, strlen(in), &b, &err) == 0, "%s: %s", in, err.msg);
	ck_assert_uint_eq(b.len, 4 + want_len);
	ck_assert_mem_eq(b.buf, "pre:", 4);
	ck_assert_mem_eq(b.buf + 4, want, want_len);
	ck_assert_int_eq(b.buf[b.len], '\0');
	buf_release(&b);
}

static void unescape_fail(const char *in, const char *msg)
{
	struct buf b = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	buf_adds(&b, "keep");
	ck_assert_int_eq(shell_unescape(in, strlen(in), &b, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_str_eq(err.msg, msg);
	/* nothing appended on error */
	ck_assert_uint_eq(b.len, 4);
	ck_assert_str_eq(b.buf, "keep");
	buf_release(&b);
}

START_TEST(test_unescape_golden)
{
	unescape_ok("", "", 0);
	unescape_ok("plain text", "plain text", 10);
	unescape_ok("A1 NOOP\\r\\n", "A1 NOOP\r\n", 9);
	unescape_ok("\\t\\\\\\\"", "\t\\\"", 3);
	unescape_ok("a\\0b", "a\0b", 3);
	unescape_ok("\\x41\\x7e\\xff\\x00\\xAb", "A~\xff\0\xab", 5);
	unescape_ok("\\101\\0101\\12\\377\\1x", "A" "\x08" "1" "\n" "\xff" "\x01" "x", 7);
	unescape_ok("\\08", "\0" "8", 2);
	unescape_ok("x\\n", "x\n", 2);
}
END_TEST

START_TEST(test_unescape_binary_input)
{
	struct buf b = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	/* a NUL in the input is copied, length-based */
	ck_assert_int_eq(shell_unescape("a\0b\\n", 5, &b, &err), 0);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_mem_eq(b.buf, "a\0b\n", 4);
	buf_release(&b);
}
END_TEST

START_TEST(test_unescape_errors)
{
	unescape_fail("abc\\", "lone backslash at the end (column 4); write \\\\ for a backslash");
	unescape_fail("\\q", "unknown escape \\q at column 1 (known: \\r \\n \\t \\0 \\\\ \\\" \\xHH \\NNN)");
	unescape_fail("ok\\x4", "bad escape at column 3: \\x needs two hex digits");
	unescape_fail("ok\\xg0", "bad escape at column 3: \\x needs two hex digits");
	unescape_fail("\\x", "bad escape at column 1: \\x needs two hex digits");
	unescape_fail("ab\\400", "bad escape at column 3: octal \\400 is above \\377");
	unescape_fail("\\\x01", "unknown escape: backslash followed by byte 0x01 at column 1");
	unescape_fail("\\ ", "unknown escape: backslash followed by byte 0x20 at column 1");
}
END_TEST

Suite *lexer_suite(void);

Suite *lexer_suite(void)
{
	Suite *s = suite_create("lexer");
	TCase *tc = tcase_create("lex");

	tcase_add_test(tc, test_plain_words);
	tcase_add_test(tc, test_blanks_and_tabs);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_double_quotes);
	tcase_add_test(tc, test_single_quotes);
	tcase_add_test(tc, test_empty_quoted);
	tcase_add_test(tc, test_mixed_quoting);
	tcase_add_test(tc, test_groups);
	tcase_add_test(tc, test_group_errors);
	tcase_add_test(tc, test_at_file);
	tcase_add_test(tc, test_nul_in_line);
	tcase_add_test(tc, test_reuse_and_error_resets);
	tcase_add_test(tc, test_huge_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("unescape");
	tcase_add_test(tc, test_unescape_golden);
	tcase_add_test(tc, test_unescape_binary_input);
	tcase_add_test(tc, test_unescape_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lexer_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
