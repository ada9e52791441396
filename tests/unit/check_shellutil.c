/* Unit tests for ~/.netrc look-ups (src/shell/netrc.c) and the history
 * line that keeps no secret (src/shell/repl.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell/netrc.h"
#include "shell/repl.h"

static char path[] = "/tmp/check_netrc.XXXXXX";

static void write_netrc(const char *text, mode_t mode)
{
	int fd;
	strcpy(path, "/tmp/check_netrc.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static const char sample[] =
	"machine other.example login x password y\n"
	"machine imap.example.org\n"
	"  login alice\n"
	"  password \"se cret\"\n"
	"machine imap.example.org login bob password builder\n"
	"macdef init\ncd /\n\n"
	"default login anon password guest\n";

START_TEST(finds_machine_and_login)
{
	struct imap_err warn = IMAP_ERR_INIT;
	char *login, *pass;
	write_netrc(sample, 0600);
	ck_assert_int_eq(netrc_lookup(path, "imap.example.org", NULL, &login, &pass, &warn), 1);
	ck_assert_str_eq(login, "alice");
	ck_assert_str_eq(pass, "se cret");
	free(login);
	free(pass);
	ck_assert_int_eq(netrc_lookup(path, "IMAP.example.org", "bob", &login, &pass, &warn), 1);
	ck_assert_str_eq(login, "bob");
	ck_assert_str_eq(pass, "builder");
	free(login);
	free(pass);
	ck_assert_int_eq(netrc_lookup(path, "unknown.example", NULL, &login, &pass, &warn), 1);
	ck_assert_str_eq(login, "anon");
	free(login);
	free(pass);
	ck_assert_int_eq(netrc_lookup(path, "imap.example.org", "carol", &login, &pass, &warn), 0);
	unlink(path);
}
END_TEST

START_TEST(readable_by_others_is_refused)
{
	struct imap_err warn = IMAP_ERR_INIT;
	char *login, *pass;
	write_netrc(sample, 0644);
	ck_assert_int_eq(netrc_lookup(path, "imap.example.org", NULL, &login, &pass, &warn), -1);
	ck_assert_ptr_null(login);
	ck_assert_ptr_null(pass);
	ck_assert_ptr_nonnull(strstr(warn.msg, "group or others have access to it"));
	ck_assert_ptr_nonnull(strstr(warn.msg, "chmod 600"));
	unlink(path);
	ck_assert_int_eq(netrc_lookup("/nonexistent/.netrc", "x", NULL, &login, &pass, &warn), 0);
}
END_TEST

START_TEST(history_drops_secrets)
{
	static const char *const cases[][2] = {
		{ "login alice wonderland", "login alice" },
		{ "LOGIN alice \"p@ss w\\\"rd\"", "LOGIN alice" },
		{ "login_cram_md5 alice secret", "login_cram_md5 alice" },
		{ "authenticate PLAIN alice secret", "authenticate PLAIN alice" },
		{ "authenticate PLAIN alice", "authenticate PLAIN alice" },
		{ "select INBOX", "select INBOX" },
		{ "fetch 1:5 (FLAGS)", "fetch 1:5 (FLAGS)" },
		/* lines that do not lex keep the command word only (fail closed) */
		{ "login alice pa(ss", "login" },
		{ "  login alice \"unterminated", "  login" },
		{ "authenticate PLAIN alice pa)ss", "authenticate" },
		{ "login_cram_md5 alice pa[ss", "login_cram_md5" },
		{ "proxyauth bob (x", "proxyauth" },
		{ "proxyauth bob", "proxyauth bob" },
		/* raw, xatom and send: cut where LOGIN or AUTHENTICATE begins */
		{ "raw LOGIN alice pw", "raw LOGIN" },
		{ "raw login \"al ice\" \"p w\"", "raw login" },
		{ "xatom LOGIN alice pw", "xatom LOGIN" },
		{ "raw AUTHENTICATE PLAIN AGFsaWNl", "raw AUTHENTICATE PLAIN" },
		{ "xatom authenticate xoauth2 dXNlcj1", "xatom authenticate xoauth2" },
		{ "send \"a1 LOGIN alice pw\\r\\n\"", "send \"a1 LOGIN" },
		{ "send a1 NOOP\\r\\na2 login x y", "send a1 NOOP\\r\\na2 login" },
		{ "raw SEARCH SUBJECT hello", "raw SEARCH SUBJECT hello" },
		{ "send a1 NOOP\\r\\n", "send a1 NOOP\\r\\n" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *h = repl_history_line(cases[i][0]);
		ck_assert_str_eq(h, cases[i][1]);
		free(h);
	}
}
END_TEST

static Suite *shellutil_suite(void)
{
	Suite *s = suite_create("shellutil");
	TCase *tc = tcase_create("netrc");
	tcase_add_test(tc, finds_machine_and_login);
	tcase_add_test(tc, readable_by_others_is_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("history");
	tcase_add_test(tc, history_drops_secrets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(shellutil_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
