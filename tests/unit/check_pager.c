/*
 * check_pager.c - the pager (shell/pager.h) with a fake one: PAGER is a
 * shell command that writes its stdin to a file, and the terminal's size
 * is given to pager_begin, so no terminal is needed.  The table says for
 * each output whether it is paged (it ends up in the pager's file) or not
 * (it ends up in the real stream, and no pager ran); each case is written
 * whole and byte by byte.  Then: a pager that quits early, the bound on
 * held output, the pager's environment and stdout, pager_sync, a pager
 * that cannot run, Ctrl-C while waiting, and PAGER's meaning.
 */
#include "shell/pager.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/check_pager.XXXXXX";
static char out_path[64];

/* A fresh directory, out_path in it, and PAGER set to cmd with OUT
 * standing for out_path. */
static void fake_pager(const char *cmd)
{
	struct buf b = BUF_INIT;
	const char *o;

	if (!strcmp(dir + strlen(dir) - 6, "XXXXXX"))
		ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	unlink(out_path);
	while ((o = strstr(cmd, "OUT"))) {
		buf_add(&b, cmd, (size_t)(o - cmd));
		buf_addf(&b, "'%s'", out_path);
		cmd = o + 3;
	}
	buf_adds(&b, cmd);
	setenv("PAGER", b.buf, 1);
	buf_release(&b);
}

static void cleanup(void)
{
	unlink(out_path);
	rmdir(dir);
	strcpy(dir, "/tmp/check_pager.XXXXXX"); /* CK_FORK=no: the next test makes another */
}

/* The file's contents; false if there is no such file. */
static bool slurp_path(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "r");
	char chunk[4096];
	size_t n;

	buf_reset(b);
	if (!f)
		return false;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	return true;
}

static void slurp_file(FILE *f, struct buf *b)
{
	char chunk[4096];
	size_t n;

	buf_reset(b);
	fflush(f);
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
}

/* ---- the table ------------------------------------------------------------ */

#define RED "\033[1;31m"
#define OFF "\033[0m"
#define LINK "\033]8;;http://example.org/a/long/address\033\\"
#define LINK_END "\033]8;;\033\\"
#define U10 "\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"

struct pcase {
	const char *name;
	enum pager_mode mode;
	unsigned flags;
	int rows, cols;
	const char *text;
	bool paged;
};

static const struct pcase cases[] = {
	/* rows - 1 lines fit (the prompt takes the last row) */
	{ "short", PAGER_AUTO, 0, 10, 80, "a\nb\nc\n", false },
	{ "fits exactly", PAGER_AUTO, 0, 5, 80, "1\n2\n3\n4\n", false },
	{ "one too many", PAGER_AUTO, 0, 5, 80, "1\n2\n3\n4\n5\n", true },
	{ "unfinished last row", PAGER_AUTO, 0, 5, 80, "1\n2\n3\n4\n5", true },
	{ "empty lines count", PAGER_AUTO, 0, 3, 80, "\n\n\n", true },
	{ "no output", PAGER_AUTO, 0, 3, 80, "", false },
	/* wrapping at the terminal's width */
	{ "wrapped", PAGER_AUTO, 0, 5, 10, "0123456789012345678901234\nabcdefghijklmnopqrstuvwxy\n", true },
	{ "full width", PAGER_AUTO, 0, 5, 10, "0123456789\n0123456789\n0123456789\n0123456789\n", false },
	{ "one past width", PAGER_AUTO, 0, 5, 10, "01234567890\n01234567890\n", false },
	{ "one past width x3", PAGER_AUTO, 0, 5, 10, "01234567890\n01234567890\n01234567890\n", true },
	{ "carriage return", PAGER_AUTO, 0, 2, 10, "abcdefgh\rABCDEFGH\n", false },
	{ "tabs do not wrap", PAGER_AUTO, 0, 2, 10, "\t\t\t\tx\n", false },
	/* escapes take no column, code points one */
	{ "colour", PAGER_AUTO, 0, 3, 10, RED "red text" OFF "\n" RED "more" OFF " red\n", false },
	{ "colour, long", PAGER_AUTO, 0, 3, 10, RED "red text" OFF "\n" RED "more" OFF " red\nx\n", true },
	{ "hyperlink", PAGER_AUTO, 0, 2, 10, LINK "link" LINK_END "\n", false },
	{ "charset switch", PAGER_AUTO, 0, 2, 10, "\033(Babcdefghij\n", false },
	{ "utf-8", PAGER_AUTO, 0, 3, 10, U10 "\n" U10 "\n", false },
	{ "utf-8 wraps", PAGER_AUTO, 0, 3, 10, U10 "x\n", false },
	{ "utf-8 wraps x2", PAGER_AUTO, 0, 3, 10, U10 "x\n" U10 "x\n", true },
	/* the other modes */
	{ "on, short", PAGER_ON, 0, 24, 80, "x\n", true },
	{ "on, nothing", PAGER_ON, 0, 24, 80, "", false },
	{ "off, long", PAGER_OFF, 0, 2, 80, "1\n2\n3\n4\n", false },
	{ "live, long", PAGER_AUTO, PAGER_LIVE, 2, 80, "1\n2\n3\n4\n", false },
	{ "live, on", PAGER_ON, PAGER_LIVE, 2, 80, "1\n", false },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

START_TEST(test_pager_cases)
{
	const struct pcase *t = &cases[_i / 2];
	bool bytewise = _i % 2;
	struct buf got = BUF_INIT;
	FILE *real = tmpfile();
	struct pager *p;
	FILE *s;
	size_t i, len = strlen(t->text);

	ck_assert_ptr_nonnull(real);
	fake_pager("cat >OUT");
	p = pager_begin(t->mode, t->flags, real, t->rows, t->cols, NULL);
	s = pager_stream(p);
	if (t->mode == PAGER_OFF || t->flags & PAGER_LIVE)
		ck_assert_ptr_eq(s, real);
	if (bytewise) {
		for (i = 0; i < len; i++) {
			fputc(t->text[i], s);
			fflush(s);
		}
	} else {
		fputs(t->text, s);
	}
	fflush(s);
	ck_assert_msg(pager_started(p) == t->paged, "[%s]%s: started %d", t->name,
		      bytewise ? " bytewise" : "", (int)pager_started(p));
	ck_assert_int_eq(pager_end(p), 0);

	slurp_file(real, &got);
	if (t->paged) {
		ck_assert_msg(got.len == 0, "[%s]: %zu bytes on the real stream", t->name, got.len);
		ck_assert_msg(slurp_path(out_path, &got), "[%s]: the pager did not run", t->name);
	} else {
		ck_assert_msg(!slurp_path(out_path, &got), "[%s]: the pager ran", t->name);
		slurp_file(real, &got);
	}
	ck_assert_msg(got.len == len && !memcmp(got.buf, t->text, len), "[%s]%s: got [%s]",
		      t->name, bytewise ? " bytewise" : "", got.buf);
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

/* ---- the rest ----------------------------------------------------------- */

/* q in less: later output is dropped silently, the command goes on. */
START_TEST(test_pager_quits_early)
{
	static const char *const pagers[] = { "head -c 10 >OUT", "true" };
	struct buf got = BUF_INIT;
	char line[100];
	FILE *real = tmpfile();
	struct pager *p;
	FILE *s;
	int i;

	signal(SIGPIPE, SIG_DFL); /* dies of it unless the pager blocks it */
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = 0;
	fake_pager(pagers[_i]);
	p = pager_begin(PAGER_AUTO, 0, real, 24, 80, NULL);
	s = pager_stream(p);
	for (i = 0; i < 20000; i++) /* 2 MB: far more than a pipe holds */
		fputs(line, s);
	fflush(s);
	ck_assert(pager_started(p));
	ck_assert(!ferror(s));
	fputs("and more\n", s);
	ck_assert_int_eq(pager_end(p), 0);
	slurp_file(real, &got);
	ck_assert_uint_eq(got.len, 0);
	if (_i == 0) {
		ck_assert(slurp_path(out_path, &got));
		ck_assert_uint_eq(got.len, 10);
		ck_assert(!memcmp(got.buf, line, 10));
	}
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

/* Past PAGER_HOLD_MAX bytes held the pager starts, whatever the rows. */
START_TEST(test_pager_hold_bound)
{
	struct buf got = BUF_INIT;
	char line[64];
	FILE *real = tmpfile();
	struct pager *p;
	FILE *s;
	size_t i, n = PAGER_HOLD_MAX / sizeof(line);

	memset(line, 'y', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	fake_pager("cat >OUT");
	p = pager_begin(PAGER_AUTO, 0, real, 100000000, 80, NULL);
	s = pager_stream(p);
	for (i = 0; i < n; i++)
		fwrite(line, 1, sizeof(line), s);
	fflush(s);
	ck_assert(!pager_started(p)); /* exactly PAGER_HOLD_MAX bytes: held */
	fputc('z', s);
	fflush(s);
	ck_assert(pager_started(p));
	fputs("\nthe end\n", s);
	ck_assert_int_eq(pager_end(p), 0);
	ck_assert(slurp_path(out_path, &got));
	ck_assert_uint_eq(got.len, PAGER_HOLD_MAX + 10);
	ck_assert(!memcmp(got.buf + PAGER_HOLD_MAX, "z\nthe end\n", 10));
	slurp_file(real, &got);
	ck_assert_uint_eq(got.len, 0);
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

/* LESS=FRX and LV=-c where unset, as git does. */
START_TEST(test_pager_env)
{
	static const struct {
		const char *less;
		const char *want;
	} envs[] = { { NULL, "FRX|-c" }, { "R", "R|-c" }, { "", "|-c" } };
	struct buf got = BUF_INIT;
	FILE *real = tmpfile();
	struct pager *p;

	if (envs[_i].less)
		setenv("LESS", envs[_i].less, 1);
	else
		unsetenv("LESS");
	unsetenv("LV");
	fake_pager("cat >/dev/null; printf '%s|%s' \"$LESS\" \"$LV\" >OUT");
	p = pager_begin(PAGER_ON, 0, real, 24, 80, NULL);
	fputs("x\n", pager_stream(p));
	ck_assert_int_eq(pager_end(p), 0);
	ck_assert(slurp_path(out_path, &got));
	ck_assert_str_eq(got.buf, envs[_i].want);
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

/* The pager writes to the real stream's descriptor (the terminal). */
START_TEST(test_pager_stdout)
{
	struct buf got = BUF_INIT;
	FILE *real = tmpfile();
	struct pager *p;

	fprintf(real, "before\n"); /* still in real's buffer: written first */
	fake_pager("tr a-z A-Z");
	p = pager_begin(PAGER_ON, 0, real, 24, 80, NULL);
	fputs("paged\n", pager_stream(p));
	ck_assert_int_eq(pager_end(p), 0);
	slurp_file(real, &got);
	ck_assert_str_eq(got.buf, "before\nPAGED\n");
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

/* Before an error on stderr, what is held is written out; the rows
 * shown still count. */
START_TEST(test_pager_sync)
{
	struct buf got = BUF_INIT;
	FILE *real = tmpfile();
	struct pager *p;

	fake_pager("cat >OUT");
	p = pager_begin(PAGER_AUTO, 0, real, 5, 80, NULL);
	fputs("1\n2\n", pager_stream(p));
	pager_sync(p);
	slurp_file(real, &got);
	ck_assert_str_eq(got.buf, "1\n2\n");
	fseek(real, 0, SEEK_END);
	fputs("3\n4\n5\n", pager_stream(p));
	fflush(pager_stream(p));
	ck_assert(pager_started(p));
	ck_assert_int_eq(pager_end(p), 0);
	slurp_file(real, &got);
	ck_assert_str_eq(got.buf, "1\n2\n");
	ck_assert(slurp_path(out_path, &got));
	ck_assert_str_eq(got.buf, "3\n4\n5\n");
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

/* sh cannot find the pager (exit 127): said, and -1. */
START_TEST(test_pager_not_found)
{
	FILE *real = tmpfile();
	struct pager *p;

	fake_pager("/nonexistent/pager");
	p = pager_begin(PAGER_ON, 0, real, 24, 80, NULL);
	fputs("x\n", pager_stream(p));
	ck_assert_int_eq(pager_end(p), -1);
	fclose(real);
	cleanup();
}
END_TEST

static volatile sig_atomic_t sigints;
static void on_sigint(int sig)
{
	(void)sig;
	sigints++;
}

/* Ctrl-C while waiting (a handler without SA_RESTART, as imapsh's):
 * pager_end still waits for the pager to exit. */
START_TEST(test_pager_ctrl_c)
{
	struct buf got = BUF_INIT;
	struct sigaction sa;
	FILE *real = tmpfile();
	struct pager *p;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	fake_pager("cat >OUT; kill -INT $PPID; sleep 0.3; echo done >>OUT");
	p = pager_begin(PAGER_ON, 0, real, 24, 80, NULL);
	fputs("text\n", pager_stream(p));
	ck_assert_int_eq(pager_end(p), 0);
	ck_assert_int_eq(sigints, 1);
	ck_assert(slurp_path(out_path, &got));
	ck_assert_str_eq(got.buf, "text\ndone\n");
	signal(SIGINT, SIG_DFL);
	fclose(real);
	buf_release(&got);
	cleanup();
}
END_TEST

START_TEST(test_pager_command)
{
	static const struct {
		const char *pager; /* NULL: unset */
		const char *want;  /* NULL: no pager */
	} t[] = {
		{ NULL, "less" }, { "", NULL }, { "  ", NULL }, { "cat", NULL },
		{ "more -s", "more -s" }, { "cat -v", "cat -v" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got;

		if (t[i].pager)
			setenv("PAGER", t[i].pager, 1);
		else
			unsetenv("PAGER");
		got = pager_command();
		if (!t[i].want)
			ck_assert_msg(!got, "PAGER=[%s]: got [%s]", t[i].pager, got);
		else
			ck_assert_msg(got && !strcmp(got, t[i].want), "PAGER=[%s]: got [%s]",
				      t[i].pager ? t[i].pager : "(unset)", got ? got : "(none)");
	}
}
END_TEST

/* PAGER=cat: the stream is the real one. */
START_TEST(test_pager_none)
{
	FILE *real = tmpfile();
	struct pager *p;

	setenv("PAGER", "cat", 1);
	p = pager_begin(PAGER_ON, 0, real, 24, 80, NULL);
	ck_assert_ptr_eq(pager_stream(p), real);
	ck_assert_int_eq(pager_end(p), 0);
	p = pager_begin(PAGER_ON, 0, real, 24, 80, "");
	ck_assert_ptr_eq(pager_stream(p), real);
	ck_assert_int_eq(pager_end(p), 0);
	ck_assert_int_eq(pager_end(NULL), 0);
	fclose(real);
}
END_TEST

START_TEST(test_pager_modes)
{
	enum pager_mode m = PAGER_OFF;

	ck_assert_int_eq(pager_mode_parse("auto", &m), 0);
	ck_assert_int_eq(m, PAGER_AUTO);
	ck_assert_int_eq(pager_mode_parse("ON", &m), 0);
	ck_assert_int_eq(m, PAGER_ON);
	ck_assert_int_eq(pager_mode_parse("off", &m), 0);
	ck_assert_int_eq(m, PAGER_OFF);
	ck_assert_int_eq(pager_mode_parse("always", &m), -1);
	ck_assert_str_eq(pager_mode_name(PAGER_AUTO), "auto");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pager");
	TCase *tc = tcase_create("table");
	TCase *more = tcase_create("more");

	tcase_add_loop_test(tc, test_pager_cases, 0, (int)(2 * NCASES));
	suite_add_tcase(s, tc);
	tcase_add_loop_test(more, test_pager_quits_early, 0, 2);
	tcase_add_test(more, test_pager_hold_bound);
	tcase_add_loop_test(more, test_pager_env, 0, 3);
	tcase_add_test(more, test_pager_stdout);
	tcase_add_test(more, test_pager_sync);
	tcase_add_test(more, test_pager_not_found);
	tcase_add_test(more, test_pager_ctrl_c);
	tcase_add_test(more, test_pager_command);
	tcase_add_test(more, test_pager_none);
	tcase_add_test(more, test_pager_modes);
	suite_add_tcase(s, more);
	return s;
}

UNIT_MAIN(suite)
