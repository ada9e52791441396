/* Unit tests for the command table and cmd_build (src/core/commands.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/commands.h"
#include "proto/encode.h"

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

/* Builds the words (split on spaces; a word starting with " is quoted up
 * to the next ") and returns the wire bytes for tag A1. */
static char *wire_of(const char *name, const char *line, char *errbuf)
{
	struct cmd_word w[16];
	char *copy = strdup(line), *p = copy;
	size_t n = 0;
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_wire wire;
	char *out = NULL;

	while (*p) {
		char *start;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		memset(&w[n], 0, sizeof(w[n]));
		start = p;
		if (*p == '"') {
			char *q = strchr(p + 1, '"');
			w[n].raw = p;
			w[n].raw_len = (size_t)(q - p) + 1;
			w[n].s = p + 1;
			w[n].len = (size_t)(q - p) - 1;
			w[n].quoted = true;
			p = q + 1;
		} else if (*p == '(') {
			char *q = strchr(p, ')');
			w[n].raw = w[n].s = p;
			w[n].raw_len = w[n].len = (size_t)(q - p) + 1;
			p = q + 1;
		} else {
			while (*p && *p != ' ')
				p++;
			w[n].raw = w[n].s = start;
			w[n].raw_len = w[n].len = (size_t)(p - start);
		}
		n++;
	}
	/* NUL-terminate values for the date parser */
	for (size_t i = 0; i < n; i++) {
		char *v = strndup(w[i].s, w[i].len);
		w[i].s = v;
	}
	cmd_call_init(&call);
	imap_wire_init(&wire);
	if (cmd_build(cmd_lookup(name), w, n, NULL, &call, &err) == 0 &&
	    imap_encode(&wire, "A1", call.cmd.verb, call.cmd.args, call.cmd.nargs,
			IMAP_LITERAL_PLUS, &err) == 0)
		out = strndup(wire.bytes.buf, wire.bytes.len);
	else if (errbuf)
		strcpy(errbuf, err.msg);
	for (size_t i = 0; i < n; i++)
		free((char *)w[i].s);
	imap_wire_release(&wire);
	cmd_call_release(&call);
	free(copy);
	return out;
}

#define WIRE_IS(name, line, expect)                                  \
	do {                                                         \
		char e_[600] = "";                                   \
		char *got_ = wire_of(name, line, e_);                \
		ck_assert_msg(got_ != NULL, "%s %s: %s", name, line, e_); \
		ck_assert_str_eq(got_, expect);                      \
		free(got_);                                          \
	} while (0)

#define WIRE_FAILS(name, line, msgpart)                              \
	do {                                                         \
		char e_[600] = "";                                   \
		char *got_ = wire_of(name, line, e_);                \
		ck_assert_msg(got_ == NULL, "%s %s should fail", name, line); \
		ck_assert_msg(strstr(e_, msgpart) != NULL, "error \"%s\" lacks \"%s\"", e_, msgpart); \
	} while (0)

START_TEST(build_select_examine)
{
	WIRE_IS("select", "", "A1 SELECT INBOX\r\n");
	WIRE_IS("select", "Archive", "A1 SELECT Archive\r\n");
	WIRE_IS("select", "INBOX readonly", "A1 EXAMINE INBOX\r\n");
	WIRE_IS("select", "\"My Folder\"", "A1 SELECT \"My Folder\"\r\n");
	WIRE_IS("examine", "Sent", "A1 EXAMINE Sent\r\n");
	WIRE_FAILS("select", "INBOX maybe", "readonly");
	WIRE_FAILS("select", "a b c", "usage: select [MAILBOX [readonly]]");
}
END_TEST

START_TEST(build_mailbox_utf7)
{
	WIRE_IS("create", "Entwürfe", "A1 CREATE Entw&APw-rfe\r\n");
	WIRE_IS("create", "Entw&APw-rfe", "A1 CREATE Entw&APw-rfe\r\n");
	WIRE_IS("create", "\"Tom & Jerry\"", "A1 CREATE \"Tom &- Jerry\"\r\n");
	WIRE_IS("rename", "日本語 Archive", "A1 RENAME &ZeVnLIqe- Archive\r\n");
	WIRE_FAILS("create", "bad\xff", "not valid UTF-8");
}
END_TEST

START_TEST(build_fetch_store_copy)
{
	WIRE_IS("fetch", "1:5 (FLAGS ENVELOPE)", "A1 FETCH 1:5 (FLAGS ENVELOPE)\r\n");
	WIRE_IS("fetch", "1,3:* BODY.PEEK[]", "A1 FETCH 1,3:* BODY.PEEK[]\r\n");
	WIRE_FAILS("fetch", "one (FLAGS)", "is not a message set");
	WIRE_IS("store", "1:3 +FLAGS (\\Seen)", "A1 STORE 1:3 +FLAGS (\\Seen)\r\n");
	WIRE_IS("store", "1 -FLAGS.SILENT \\Deleted", "A1 STORE 1 -FLAGS.SILENT (\\Deleted)\r\n");
	WIRE_IS("copy", "1:2 \"Sent Items\"", "A1 COPY 1:2 \"Sent Items\"\r\n");
	WIRE_IS("move", "$ Trash", "A1 MOVE $ Trash\r\n");
}
END_TEST

START_TEST(build_search_sort_thread)
{
	WIRE_IS("search", "ALL", "A1 SEARCH ALL\r\n");
	WIRE_IS("search", "None UNSEEN", "A1 SEARCH UNSEEN\r\n");
	WIRE_IS("search", "UTF-8 FROM \"Ann Lee\"", "A1 SEARCH CHARSET UTF-8 FROM \"Ann Lee\"\r\n");
	WIRE_IS("search", "FROM \"Ann Lee\" SINCE 1-Feb-1994", "A1 SEARCH FROM \"Ann Lee\" SINCE 1-Feb-1994\r\n");
	WIRE_IS("sort", "(REVERSE DATE) UTF-8 ALL", "A1 SORT (REVERSE DATE) UTF-8 ALL\r\n");
	WIRE_IS("sort", "SUBJECT", "A1 SORT (SUBJECT) UTF-8 ALL\r\n");
	WIRE_IS("thread", "REFERENCES UTF-8 ALL", "A1 THREAD REFERENCES UTF-8 ALL\r\n");
	WIRE_IS("thread", "ORDEREDSUBJECT UNSEEN", "A1 THREAD ORDEREDSUBJECT UTF-8 UNSEEN\r\n");
}
END_TEST

START_TEST(build_uid_and_list)
{
	WIRE_IS("uid", "fetch 1:* (UID FLAGS)", "A1 UID FETCH 1:* (UID FLAGS)\r\n");
	WIRE_IS("uid", "SEARCH ALL", "A1 UID SEARCH ALL\r\n");
	WIRE_IS("uid", "store 4 +FLAGS (\\Flagged)", "A1 UID STORE 4 +FLAGS (\\Flagged)\r\n");
	WIRE_IS("uid", "expunge 3:4", "A1 UID EXPUNGE 3:4\r\n");
	WIRE_FAILS("uid", "select INBOX", "is not a UID command");
	WIRE_IS("list", "", "A1 LIST \"\" \"*\"\r\n");
	WIRE_IS("list", "\"\" %", "A1 LIST \"\" \"%\"\r\n");
	WIRE_IS("lsub", "Archive *", "A1 LSUB Archive \"*\"\r\n");
}
END_TEST

START_TEST(build_login_append_misc)
{
	WIRE_IS("login", "alice wonderland", "A1 LOGIN alice wonderland\r\n");
	WIRE_IS("login", "carol \"p@ss w\\rd\"", "A1 LOGIN carol \"p@ss w\\\\rd\"\r\n");
	WIRE_IS("append", "INBOX \"Subject: hi\nhello\n\"",
		"A1 APPEND INBOX {20+}\r\nSubject: hi\r\nhello\r\n\r\n");
	WIRE_IS("append", "INBOX (\\Seen) \"05-Mar-2024 14:07:00 +0100\" \"x\"",
		"A1 APPEND INBOX (\\Seen) \"05-Mar-2024 14:07:00 +0100\" {1+}\r\nx\r\n");
	WIRE_FAILS("append", "INBOX message", "@FILE or a quoted string");
	WIRE_IS("status", "INBOX (MESSAGES UNSEEN)", "A1 STATUS INBOX (MESSAGES UNSEEN)\r\n");
	WIRE_IS("setacl", "INBOX bob lr", "A1 SETACL INBOX bob lr\r\n");
	WIRE_IS("getquotaroot", "INBOX", "A1 GETQUOTAROOT INBOX\r\n");
	WIRE_IS("xatom", "XYZZY a \"b c\"", "A1 XYZZY a \"b c\"\r\n");
	WIRE_IS("enable", "QRESYNC CONDSTORE", "A1 ENABLE QRESYNC CONDSTORE\r\n");
	WIRE_IS("partial", "1 BODY[] 0 100", "A1 PARTIAL 1 BODY[] 0 100\r\n");
	WIRE_FAILS("noop", "extra", "usage: noop");
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

/* The man page and the completions are kept in step with the table. */
START_TEST(docs_name_every_command)
{
	char *man = slurp("man/imapsh.1");
	char *comp = slurp("completions/imapsh");
	size_t i;
	for (i = 0; i < cmd_table_size; i++) {
		char want[64];
		snprintf(want, sizeof(want), ".B %s", cmd_table[i].name);
		ck_assert_msg(strstr(man, want) != NULL, "man page lacks \"%s\"", want);
		snprintf(want, sizeof(want), " %s", cmd_table[i].name);
		ck_assert_msg(strstr(comp, want) != NULL || strstr(comp, cmd_table[i].name) != NULL,
			      "completions lack %s", cmd_table[i].name);
	}
	free(man);
	free(comp);
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
	tcase_add_test(tc, build_select_examine);
	tcase_add_test(tc, build_mailbox_utf7);
	tcase_add_test(tc, build_fetch_store_copy);
	tcase_add_test(tc, build_search_sort_thread);
	tcase_add_test(tc, build_uid_and_list);
	tcase_add_test(tc, build_login_append_misc);
	tcase_add_test(tc, pipelining_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(commands_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
