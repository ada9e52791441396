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

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

/* Token i has this value and raw (both NUL-terminated, lengths match);
 * the value is never NULL, not even for an empty quoted string. */
static void tok_is(const struct shell_line *l, size_t i, const char *value, const char *raw)
{
	ck_assert_uint_lt(i, l->count);
	ck_assert_ptr_nonnull(l->tok[i].value);
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

/* What a row expects of token i (its tok[i]); an entry with neither raw
 * nor flags is not looked at. */
struct tok_want {
	const char *raw;   /* as typed; NULL: only the flags are checked */
	const char *value; /* NULL: the same as raw */
	unsigned flags;    /* 0: not checked; else PLAIN, QUOTED, GROUP, AT_FILE or'ed */
};

#define PLAIN 1u /* the flags are checked: those not named are false */
#define QUOTED (PLAIN | 2u)
#define GROUP (PLAIN | 4u)
#define AT_FILE (PLAIN | 8u)

#define T(raw) { (raw), NULL, 0 }
#define TF(raw, flags) { (raw), NULL, (flags) }
#define TV(raw, value) { (raw), (value), 0 }
#define TVF(raw, value, flags) { (raw), (value), (flags) }
#define F(flags) { NULL, NULL, (flags) }
#define NO_TOK { NULL, NULL, 0 }

struct lex_case {
	const char *line;
	size_t n;          /* tokens */
	const char *error; /* NULL: lexes; else fails with exactly this */
	struct tok_want tok[4];
};

#define LEXES(line, n, ...) { (line), (n), NULL, { __VA_ARGS__ } }
#define FAILS(line, msg) { (line), 0, (msg), { NO_TOK } }

static const struct lex_case lex_cases[] = {
	/* plain words, blanks and tabs */
	LEXES("select INBOX", 2, TF("select", PLAIN), TF("INBOX", PLAIN)),
	LEXES(" \t fetch\t\t1:*  \tFLAGS \t", 3, T("fetch"), T("1:*"), T("FLAGS")),
	LEXES("", 0, NO_TOK),
	LEXES("   \t  ", 0, NO_TOK),

	/* CR, LF, CRLF at the end */
	LEXES("noop\r", 1, T("noop")),
	LEXES("select INBOX\r\n", 2, [1] = T("INBOX")),
	LEXES("list \"\" *\n", 3, [2] = T("*")),
	/* only a trailing terminator is dropped; a CR inside stays */
	LEXES("a\rb c", 2, T("a\rb")),
	/* a CR inside an unclosed quote at the end is still dropped */
	FAILS("login \"abc\r\n", "unclosed quote starting at column 7"),
	LEXES("\r\n", 0, NO_TOK),

	/* A comment is a line whose first non-blank byte is '#'; '#' anywhere
	 * else is data (RFC 2342 namespaces: #news., #shared/). */
	LEXES("# a comment (with unbalanced paren", 0, NO_TOK),
	LEXES("   #indented", 0, NO_TOK),
	LEXES("\t# after a tab \"unclosed", 0, NO_TOK),
	LEXES("#", 0, NO_TOK),
	LEXES("#\r\n", 0, NO_TOK),
	LEXES("#select INBOX", 0, NO_TOK),
	LEXES("subscribe #news.comp.mail.mime", 2, T("subscribe"), T("#news.comp.mail.mime")),
	LEXES("list \"\" #news.*", 3, T("list"), TV("\"\"", ""), T("#news.*")),
	LEXES("list #shared/ %", 3, T("list"), T("#shared/"), T("%")),
	LEXES("select INBOX # not a comment", 6, T("select"), T("INBOX"), T("#"), T("not")),
	LEXES("noop\t#tab", 2, T("noop"), T("#tab")),
	LEXES("a#b c", 2, T("a#b"), T("c")),
	LEXES("login u \"#quoted\"", 3, T("login"), T("u"), TV("\"#quoted\"", "#quoted")),
	LEXES("'#quoted first' x", 2, TV("'#quoted first'", "#quoted first"), T("x")),
	LEXES("search (SUBJECT #x)", 2, T("search"), T("(SUBJECT #x)")),
	LEXES("status #news.a (MESSAGES)", 3, T("status"), T("#news.a"), T("(MESSAGES)")),
	/* a quote after a mid-line '#' is a quote again: it must close */
	FAILS("select INBOX # pick the inbox \"unclosed", "unclosed quote starting at column 31"),

	/* double quotes: \" and \\ are escapes */
	LEXES("login \"john smith\" \"p\\\"w\\\\d\"", 3,
	      [1] = TVF("\"john smith\"", "john smith", QUOTED), TV("\"p\\\"w\\\\d\"", "p\"w\\d")),
	/* other backslashes are kept as typed (for send and \Seen) */
	LEXES("send \"A1 NOOP\\r\\n\" \"\\Seen\"", 3,
	      [1] = TV("\"A1 NOOP\\r\\n\"", "A1 NOOP\\r\\n"), TV("\"\\Seen\"", "\\Seen")),
	/* a backslash before the closing quote escapes it */
	FAILS("x \"abc\\\"", "unclosed quote starting at column 3"),
	FAILS("x \"abc\\\\\"\"", "unclosed quote starting at column 10"),

	/* single quotes: no escapes at all */
	LEXES("login 'a b' 'c\\\"d' '\"'", 4,
	      [1] = TVF("'a b'", "a b", QUOTED), TV("'c\\\"d'", "c\\\"d"), TV("'\"'", "\"")),
	LEXES("\"it's\"", 1, TV("\"it's\"", "it's")),
	FAILS("say don't", "unclosed quote starting at column 8"),

	/* an empty quoted string is a token, quoted, with a value (not NULL) */
	LEXES("list \"\" *", 3, [1] = TVF("\"\"", "", QUOTED)),
	LEXES("x ''", 2, [1] = TVF("''", "", QUOTED)),

	/* quoted and unquoted parts glued into one token */
	LEXES("a\"b c\"d e'f g'h \"x\"'y'z", 3,
	      TVF("a\"b c\"d", "ab cd", QUOTED), TV("e'f g'h", "ef gh"), TV("\"x\"'y'z", "xyz")),

	/* groups: (...) and [...] are one token, kept as typed */
	LEXES("fetch 1:4 (FLAGS UID)", 3, [2] = TF("(FLAGS UID)", GROUP)),
	LEXES("store 1 +FLAGS (\\Seen \\Answered)", 4, [3] = T("(\\Seen \\Answered)")),
	LEXES("fetch 1 BODY.PEEK[HEADER.FIELDS (FROM)]", 3,
	      [2] = TF("BODY.PEEK[HEADER.FIELDS (FROM)]", GROUP)),
	LEXES("fetch 1 (UID BODY[HEADER.FIELDS (FROM TO)]<0.100>) x", 4,
	      [2] = T("(UID BODY[HEADER.FIELDS (FROM TO)]<0.100>)"), T("x")),
	/* quotes inside a group are respected and kept as typed */
	LEXES("search (HEADER \"Subject\" \"a (b\")", 2,
	      [1] = TF("(HEADER \"Subject\" \"a (b\")", GROUP)),
	LEXES("search (SUBJECT \"x \\\" ) [\" FROM a)", 2, [1] = T("(SUBJECT \"x \\\" ) [\" FROM a)")),
	/* apostrophes mean nothing inside a group */
	LEXES("search (FROM o'brien)", 2, [1] = T("(FROM o'brien)")),
	/* nesting, and groups glued together */
	LEXES("search (OR (FROM a) (TO [b]))(x) y", 3, [1] = T("(OR (FROM a) (TO [b]))(x)")),
	LEXES("a\"q\"(b c)", 1, TF("a\"q\"(b c)", QUOTED | GROUP)),
	LEXES("()", 1, T("()")),
	/* a group may hold tabs and '#' */
	LEXES("(a\tb #c)", 1, T("(a\tb #c)")),

	/* groups and quotes that do not close */
	FAILS("fetch 1 (FLAGS", "'(' at column 9 is never closed"),
	FAILS("search (OR (FROM a) (TO b)", "'(' at column 8 is never closed"),
	FAILS("fetch 1 (FLAGS BODY[HEADER", "'[' at column 20 is never closed"),
	FAILS("fetch 1 FLAGS)", "unbalanced ')' at column 14"),
	FAILS("fetch 1 (FLAGS)) x", "unbalanced ')' at column 16"),
	FAILS("a]", "unbalanced ']' at column 2"),
	FAILS("fetch 1 (BODY[HEADER)]", "')' at column 21 does not close '[' at column 14"),
	FAILS("x (a]", "']' at column 5 does not close '(' at column 3"),
	FAILS("search (HEADER \"Subject\" \"a (b)", "unclosed quote starting at column 26"),
	FAILS("select INBOX\"", "unclosed quote starting at column 13"),
	FAILS("'", "unclosed quote starting at column 1"),

	/* @FILE */
	LEXES("append INBOX @/tmp/msg.eml", 3, [2] = TVF("@/tmp/msg.eml", "/tmp/msg.eml", AT_FILE)),
	LEXES("append INBOX @\"my file.eml\"", 3,
	      [2] = TVF("@\"my file.eml\"", "my file.eml", QUOTED | AT_FILE)),
	/* quoted @ is a plain string */
	LEXES("login \"@me\" '@you'", 3, [1] = TVF("\"@me\"", "@me", QUOTED), F(QUOTED)),
	/* @ not first, lone @, or a group: plain */
	LEXES("a@b @ @(x y)", 3, TF("a@b", PLAIN), TF("@", PLAIN), TF("@(x y)", GROUP)),
};

/* Each row lexed into a fresh line; releasing it empties it. */
START_TEST(test_lex_cases)
{
	const struct lex_case *c = &lex_cases[_i];
	struct shell_line l = SHELL_LINE_INIT;
	size_t j;

	if (c->error) {
		lex_fail(c->line, c->error);
		return;
	}
	lex_ok(&l, c->line, c->n);
	for (j = 0; j < N(c->tok); j++) {
		const struct tok_want *t = &c->tok[j];
		if (t->raw)
			tok_is(&l, j, t->value ? t->value : t->raw, t->raw);
		if (t->flags)
			tok_flags(&l, j, (t->flags & QUOTED & ~PLAIN) != 0, (t->flags & GROUP & ~PLAIN) != 0,
				  (t->flags & AT_FILE & ~PLAIN) != 0);
	}
	shell_line_release(&l);
	ck_assert_ptr_null(l.tok);
	ck_assert_uint_eq(l.count, 0);
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

struct unescape_case {
	const char *in;
	const char *want; /* want_len bytes */
	size_t want_len;
	const char *error; /* NULL: succeeds; else fails with exactly this */
};

static const struct unescape_case unescape_cases[] = {
	{ "", "", 0, NULL },
	{ "plain text", "plain text", 10, NULL },
	{ "A1 NOOP\\r\\n", "A1 NOOP\r\n", 9, NULL },
	{ "\\t\\\\\\\"", "\t\\\"", 3, NULL },
	{ "a\\0b", "a\0b", 3, NULL },
	{ "\\x41\\x7e\\xff\\x00\\xAb", "A~\xff\0\xab", 5, NULL },
	{ "\\101\\0101\\12\\377\\1x", "A" "\x08" "1" "\n" "\xff" "\x01" "x", 7, NULL },
	{ "\\08", "\0" "8", 2, NULL },
	{ "x\\n", "x\n", 2, NULL },
	{ "abc\\", NULL, 0, "lone backslash at the end (column 4); write \\\\ for a backslash" },
	{ "\\q", NULL, 0, "unknown escape \\q at column 1 (known: \\r \\n \\t \\0 \\\\ \\\" \\xHH \\NNN)" },
	{ "ok\\x4", NULL, 0, "bad escape at column 3: \\x needs two hex digits" },
	{ "ok\\xg0", NULL, 0, "bad escape at column 3: \\x needs two hex digits" },
	{ "\\x", NULL, 0, "bad escape at column 1: \\x needs two hex digits" },
	{ "ab\\400", NULL, 0, "bad escape at column 3: octal \\400 is above \\377" },
	{ "\\\x01", NULL, 0, "unknown escape: backslash followed by byte 0x01 at column 1" },
	{ "\\ ", NULL, 0, "unknown escape: backslash followed by byte 0x20 at column 1" },
};

START_TEST(test_unescape_cases)
{
	const struct unescape_case *c = &unescape_cases[_i];

	if (c->error)
		unescape_fail(c->in, c->error);
	else
		unescape_ok(c->in, c->want, c->want_len);
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

Suite *lexer_suite(void);

Suite *lexer_suite(void)
{
	Suite *s = suite_create("lexer");
	TCase *tc = tcase_create("lex");

	tcase_add_loop_test(tc, test_lex_cases, 0, (int)N(lex_cases));
	tcase_add_test(tc, test_nul_in_line);
	tcase_add_test(tc, test_reuse_and_error_resets);
	tcase_add_test(tc, test_huge_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("unescape");
	tcase_add_loop_test(tc, test_unescape_cases, 0, (int)N(unescape_cases));
	tcase_add_test(tc, test_unescape_binary_input);
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
