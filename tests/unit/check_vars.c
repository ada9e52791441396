/*
 * check_vars.c - shell variables (shell/vars.h), table-driven: expansion
 * of typed lines against a fixed set of variables, the set / unset
 * meta-commands, -v NAME=VALUE, and the size limits.
 */
#include "shell/vars.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

/* The variables every case starts with. */
static const char *const fixture[][2] = {
	{ "MB", "\"My Folder\"" },
	{ "ITEMS", "(FLAGS UID)" },
	{ "N", "5" },
	{ "E", "" },
	{ "A", "$B" },
	{ "B", "bee" },
	{ "mb", "lower" },
	{ "_x1", "u" },
};

static struct vars *fixture_new(void)
{
	struct vars *v = vars_new();
	size_t i;

	for (i = 0; i < sizeof(fixture) / sizeof(fixture[0]); i++)
		ck_assert_int_eq(vars_set(v, fixture[i][0], fixture[i][1], strlen(fixture[i][1]), NULL), 0);
	return v;
}

/* ---- expansion --------------------------------------------------------- */

struct ecase {
	const char *line;
	const char *want;  /* NULL: an error */
	const char *err;   /* a part of the message */
	bool novars;       /* expand with v == NULL */
};

static const struct ecase ecases[] = {
	/* values pasted as is */
	{ "select $MB", "select \"My Folder\"", NULL, false },
	{ "select ${MB}", "select \"My Folder\"", NULL, false },
	{ "fetch 1 $ITEMS", "fetch 1 (FLAGS UID)", NULL, false },
	{ "fetch ${N}:* FLAGS", "fetch 5:* FLAGS", NULL, false },
	{ "x $B$B", "x beebee", NULL, false },
	{ "x ${B}x $Bx", "x beex $Bx", NULL, false },
	{ "x a${E}b $E.", "x ab .", NULL, false },
	{ "x $mb $MB", "x lower \"My Folder\"", NULL, false },
	{ "x $_x1", "x u", NULL, false },
	{ "x $B\r\n", "x bee\r\n", NULL, false },
	/* not recursive */
	{ "x $A ${A}", "x $B $B", NULL, false },
	/* IMAP's own '$': keywords, SEARCHRES, lone '$' */
	{ "store 1 +FLAGS $Forwarded", "store 1 +FLAGS $Forwarded", NULL, false },
	{ "store 1 +FLAGS ($Junk $MDNSent \\Seen)", "store 1 +FLAGS ($Junk $MDNSent \\Seen)", NULL, false },
	{ "search KEYWORD $Junk", "search KEYWORD $Junk", NULL, false },
	{ "fetch $ FLAGS", "fetch $ FLAGS", NULL, false },
	{ "uid fetch $,1:4 FLAGS", "uid fetch $,1:4 FLAGS", NULL, false },
	{ "x $", "x $", NULL, false },
	{ "x $1 $-", "x $1 $-", NULL, false },
	{ "select $UNDEF", "select $UNDEF", NULL, false },
	/* \$ outside quotes; other backslashes stay */
	{ "store 1 +FLAGS \\$Forwarded", "store 1 +FLAGS $Forwarded", NULL, false },
	{ "set K \\$MB", "set K $MB", NULL, false },
	{ "store 1 +FLAGS \\Seen \\", "store 1 +FLAGS \\Seen \\", NULL, false },
	{ "x \\\\$B", "x \\$B", NULL, false },
	/* quotes: nothing inside, escapes respected */
	{ "select \"$MB\"", "select \"$MB\"", NULL, false },
	{ "select \"a\\\"$MB\"", "select \"a\\\"$MB\"", NULL, false },
	{ "select \"a\\\\\" $MB", "select \"a\\\\\" \"My Folder\"", NULL, false },
	{ "select \"\" $N", "select \"\" 5", NULL, false },
	{ "select 'x $MB' $N", "select 'x $MB' 5", NULL, false },
	{ "select \"unclosed $MB", "select \"unclosed $MB", NULL, false },
	{ "select 'unclosed $MB", "select 'unclosed $MB", NULL, false },
	{ "send \"a $B\\r\\n\" $B", "send \"a $B\\r\\n\" bee", NULL, false },
	/* groups: expanded inside, but quotes in them are not; ' is data there */
	{ "search (SUBJECT o'brien $N)", "search (SUBJECT o'brien 5)", NULL, false },
	{ "search (SUBJECT \"$N\") $N", "search (SUBJECT \"$N\") 5", NULL, false },
	{ "fetch 1 BODY[HEADER.FIELDS ($B)]", "fetch 1 BODY[HEADER.FIELDS (bee)]", NULL, false },
	/* comments: a whole line only, as in the lexer */
	{ "# select $MB", "# select $MB", NULL, false },
	{ "  \t# ${UNDEF}", "  \t# ${UNDEF}", NULL, false },
	{ "list \"\" #shared/$B", "list \"\" #shared/bee", NULL, false },
	/* raw, redirections, @FILE */
	{ "raw UID FETCH $N:* $ITEMS", "raw UID FETCH 5:* (FLAGS UID)", NULL, false },
	{ "fetch 1 BODY[] > /tmp/$B.eml", "fetch 1 BODY[] > /tmp/bee.eml", NULL, false },
	{ "append INBOX @$B.eml", "append INBOX @bee.eml", NULL, false },
	{ "append INBOX @\"$B.eml\"", "append INBOX @\"$B.eml\"", NULL, false },
	/* ${...} errors */
	{ "select ${UNDEF}", NULL, "undefined variable UNDEF", false },
	{ "select ${mB}", NULL, "undefined variable mB", false },
	{ "select ${}", NULL, "bad ${ at column 8", false },
	{ "select ${MB", NULL, "bad ${ at column 8", false },
	{ "select ${1x}", NULL, "bad ${ at column 8", false },
	{ "select ${M B}", NULL, "bad ${ at column 8", false },
	{ "x ${", NULL, "bad ${ at column 3", false },
	/* no table at all */
	{ "select $MB \\$x $", "select $MB $x $", NULL, true },
	{ "select ${MB}", NULL, "undefined variable MB", true },
};

START_TEST(test_expand)
{
	const struct ecase *t = &ecases[_i];
	struct vars *v = t->novars ? NULL : fixture_new();
	struct buf out = BUF_INIT;
	char *msg = NULL;
	int rc;

	buf_adds(&out, "<<");
	rc = vars_expand(v, t->line, strlen(t->line), &out, &msg);
	if (t->want) {
		ck_assert_msg(rc == 0, "[%s]: failed: %s", t->line, msg ? msg : "");
		ck_assert_msg(!strncmp(out.buf, "<<", 2) && !strcmp(out.buf + 2, t->want),
			      "[%s]: expected [%s], got [%s]", t->line, t->want, out.buf);
		ck_assert_ptr_null(msg);
	} else {
		ck_assert_msg(rc == -1, "[%s]: expected an error, got [%s]", t->line, out.buf);
		ck_assert_msg(msg && strstr(msg, t->err), "[%s]: expected [%s] in [%s]", t->line,
			      t->err, msg ? msg : "(none)");
		ck_assert_msg(!strcmp(out.buf, "<<"), "[%s]: out changed to [%s]", t->line, out.buf);
	}
	free(msg);
	buf_release_secret(&out);
	vars_free(v);
}
END_TEST

/* ---- set / unset ------------------------------------------------------- */

#define FIXTURE_LIST "A=$B\nB=bee\nE=\nITEMS=(FLAGS UID)\nMB=\"My Folder\"\nN=5\n_x1=u\nmb=lower\n"

struct ccase {
	const char *lines[3];  /* all but the last must succeed */
	const char *want;      /* what the last prints; NULL: an error */
	const char *err;
	const char *after;     /* NULL, or vars_list() at the end */
};

static const struct ccase ccases[] = {
	{ { "set" }, FIXTURE_LIST, NULL, NULL },
	{ { "set   \r\n" }, FIXTURE_LIST, NULL, NULL },
	{ { "set MB" }, "MB=\"My Folder\"\n", NULL, NULL },
	{ { "set X  a  b  \r\n", "set X" }, "X=a  b\n", NULL, NULL },
	{ { "SET Y 1", "Set Y" }, "Y=1\n", NULL, NULL },
	{ { " \tset\t X\t1", "set X" }, "X=1\n", NULL, NULL },
	{ { "set MB Other", "set MB" }, "MB=Other\n", NULL, NULL },
	{ { "set X \"a\\\"b\"", "set X" }, "X=\"a\\\"b\"\n", NULL, NULL },
	{ { "set H #x $y", "set H" }, "H=#x $y\n", NULL, NULL },
	{ { "unset MB N _x1" }, "", NULL, "A=$B\nB=bee\nE=\nITEMS=(FLAGS UID)\nmb=lower\n" },
	{ { "unset NOPE" }, "", NULL, FIXTURE_LIST },
	{ { "UNSET mb", "set mb" }, NULL, "undefined variable mb", NULL },
	{ { "unset" }, NULL, "usage: unset NAME", NULL },
	{ { "unset B 9" }, NULL, "bad variable name \"9\"", FIXTURE_LIST },
	{ { "set 1x y" }, NULL, "bad variable name \"1x\"", FIXTURE_LIST },
	{ { "set a-b y" }, NULL, "bad variable name \"a-b\"", NULL },
	{ { "set $MB" }, NULL, "bad variable name \"$MB\"", NULL },
	{ { "set NOPE" }, NULL, "undefined variable NOPE", NULL },
	{ { "set CR a\rb" }, NULL, "the value of CR holds a line break", NULL },
	{ { "frob X 1" }, NULL, "not a set or unset command", NULL },
	{ { "settle X 1" }, NULL, "not a set or unset command", NULL },
};

START_TEST(test_command)
{
	const struct ccase *t = &ccases[_i];
	struct vars *v = fixture_new();
	struct buf out = BUF_INIT;
	char *msg = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < 3 && t->lines[i]; i++) {
		const char *l = t->lines[i];
		buf_reset(&out);
		rc = vars_command(v, l, strlen(l), &out, &msg);
		if (i + 1 < 3 && t->lines[i + 1])
			ck_assert_msg(rc == 0, "[%s]: failed: %s", l, msg ? msg : "");
	}
	if (t->want) {
		ck_assert_msg(rc == 0, "[%s]: failed: %s", t->lines[0], msg ? msg : "");
		ck_assert_msg(!strcmp(out.buf, t->want), "[%s]: expected [%s], got [%s]",
			      t->lines[0], t->want, out.buf);
	} else {
		ck_assert_msg(rc == -1, "[%s]: expected an error", t->lines[0]);
		ck_assert_msg(msg && strstr(msg, t->err), "[%s]: expected [%s] in [%s]",
			      t->lines[0], t->err, msg ? msg : "(none)");
	}
	if (t->after) {
		buf_reset(&out);
		vars_list(v, &out);
		ck_assert_msg(!strcmp(out.buf, t->after), "[%s]: left [%s]", t->lines[0], out.buf);
	}
	free(msg);
	buf_release(&out);
	vars_free(v);
}
END_TEST

/* ---- -v NAME=VALUE ----------------------------------------------------- */

struct acase {
	const char *arg;
	const char *value;  /* NULL: an error */
	const char *err;
};

static const struct acase acases[] = {
	{ "MB=\"My Folder\"", "\"My Folder\"", NULL },
	{ "X=", "", NULL },
	{ "X=a=b", "a=b", NULL },
	{ "_=1", "1", NULL },
	{ "N=6", "6", NULL },   /* replaces the fixture's 5 */
	{ "X", NULL, "-v wants NAME=VALUE" },
	{ "=x", NULL, "bad variable name \"\"" },
	{ "1X=y", NULL, "bad variable name \"1X\"" },
	{ "X-Y=1", NULL, "bad variable name \"X-Y\"" },
	{ "ab c=1", NULL, "bad variable name \"ab c\"" },
	{ "X=a\nb", NULL, "holds a line break" },
};

START_TEST(test_assign)
{
	const struct acase *t = &acases[_i];
	struct vars *v = fixture_new();
	size_t before = vars_count(v), nlen = 0, len;
	char *msg = NULL, name[64];
	const char *got;
	int rc = vars_split_assign(t->arg, &nlen, NULL);

	ck_assert_int_eq(rc, t->value ? 0 : -1);
	rc = vars_assign(v, t->arg, &msg);
	if (!t->value) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(msg && strstr(msg, t->err), "[%s]: expected [%s] in [%s]", t->arg,
			      t->err, msg ? msg : "(none)");
		ck_assert_uint_eq(vars_count(v), before);
	} else {
		ck_assert_msg(rc == 0, "[%s]: failed: %s", t->arg, msg ? msg : "");
		ck_assert_uint_eq(t->arg[nlen], '=');
		memcpy(name, t->arg, nlen);
		name[nlen] = '\0';
		got = vars_get(v, name, &len);
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, t->value);
		ck_assert_uint_eq(len, strlen(t->value));
	}
	free(msg);
	vars_free(v);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

struct lcase {
	size_t value_len;  /* of BIG */
	size_t typed;      /* bytes typed before the references */
	int refs;          /* " $BIG" this many times */
	const char *err;   /* NULL: fine */
};

#define KIB 1024
static const struct lcase lcases[] = {
	{ 64 * KIB, 0, 0, NULL },
	{ 64 * KIB + 1, 0, 0, "the value of BIG is longer than 64 KiB" },
	{ 64 * KIB, 1, 15, NULL },                     /* 983,056 bytes */
	{ 64 * KIB, 1, 16, "longer than 1 MiB" },      /* 1,048,593 */
	{ 64 * KIB - 5, 1024 * KIB - 16 * (64 * KIB - 4), 16, NULL }, /* exactly 1 MiB */
	{ 64 * KIB - 5, 1024 * KIB - 16 * (64 * KIB - 4) + 1, 16, "longer than 1 MiB" },
	{ 64 * KIB, 2048 * KIB, 0, NULL },             /* typed, nothing expanded */
	{ 1, 2048 * KIB, 1, "longer than 1 MiB" },
	{ 0, 2048 * KIB, 0, NULL },
};

START_TEST(test_limits)
{
	const struct lcase *t = &lcases[_i];
	struct vars *v = vars_new();
	struct buf line = BUF_INIT, out = BUF_INIT;
	char *value = malloc(t->value_len + 1), *msg = NULL;
	int i, rc;

	memset(value, 'v', t->value_len);
	rc = vars_set(v, "BIG", value, t->value_len, &msg);
	if (t->err && strstr(t->err, "value")) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(msg && strstr(msg, t->err), "expected [%s] in [%s]", t->err,
			      msg ? msg : "(none)");
		ck_assert_ptr_null(vars_get(v, "BIG", NULL));
		goto out;
	}
	ck_assert_int_eq(rc, 0);
	for (i = 0; (size_t)i < t->typed; i++)
		buf_addch(&line, 't');
	for (i = 0; i < t->refs; i++)
		buf_adds(&line, " $BIG");
	rc = vars_expand(v, line.buf, line.len, &out, &msg);
	if (t->err) {
		ck_assert_int_eq(rc, -1);
		ck_assert_msg(msg && strstr(msg, t->err), "expected [%s] in [%s]", t->err,
			      msg ? msg : "(none)");
		ck_assert_uint_eq(out.len, 0);
	} else {
		ck_assert_msg(rc == 0, "failed: %s", msg ? msg : "");
		ck_assert_uint_eq(out.len, t->typed + (size_t)t->refs * (1 + t->value_len));
	}
out:
	free(msg);
	free(value);
	buf_release(&line);
	buf_release_secret(&out);
	vars_free(v);
}
END_TEST

/* Iteration in name order, and NULL everywhere a table may be missing. */
START_TEST(test_iterate)
{
	struct vars *v = fixture_new();
	const char *value, *prev = "";
	size_t i, len;

	ck_assert_uint_eq(vars_count(v), sizeof(fixture) / sizeof(fixture[0]));
	for (i = 0; i < vars_count(v); i++) {
		const char *name = vars_nth(v, i, &value, &len);
		ck_assert_ptr_nonnull(name);
		ck_assert_int_lt(strcmp(prev, name), 0);
		ck_assert_str_eq(vars_get(v, name, NULL), value);
		ck_assert_uint_eq(strlen(value), len);
		prev = name;
	}
	ck_assert_ptr_null(vars_nth(v, i, NULL, NULL));
	ck_assert(vars_unset(v, "B"));
	ck_assert(!vars_unset(v, "B"));
	ck_assert(!vars_unset(v, "Bee"));
	ck_assert_ptr_null(vars_get(v, "B", NULL));
	ck_assert_uint_eq(vars_count(NULL), 0);
	ck_assert_ptr_null(vars_nth(NULL, 0, NULL, NULL));
	vars_free(v);
	vars_free(NULL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("vars");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_expand, 0, (int)(sizeof(ecases) / sizeof(ecases[0])));
	tcase_add_loop_test(tc, test_command, 0, (int)(sizeof(ccases) / sizeof(ccases[0])));
	tcase_add_loop_test(tc, test_assign, 0, (int)(sizeof(acases) / sizeof(acases[0])));
	tcase_add_loop_test(tc, test_limits, 0, (int)(sizeof(lcases) / sizeof(lcases[0])));
	tcase_add_test(tc, test_iterate);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
