/*
 * check_netrc.c - unit tests for the secrets the shell reads from files
 * and the terminal: ~/.netrc syntax (comments, quoting, macdef in LF and
 * CRLF files, default, login match), the mode check shared by ~/.netrc
 * and --password-file (src/shell/netrc.c), shell_password()'s password
 * file and shell_ask() on a pseudo-terminal (src/shell/login.c), and that
 * none of them leaves a copy of the secret in freed memory.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* _GNU_SOURCE: memmem, posix_openpt */
#endif

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell/call.h"
#include "shell/login.h"
#include "shell/netrc.h"

static char path[] = "/tmp/check_netrc.XXXXXX";

/* Writes with write(2) from the caller's bytes: no stdio buffer on the
 * heap holds the file, so the scans below see only what imapsh left. */
static void write_file(const char *text, size_t len, mode_t mode)
{
	int fd;
	strcpy(path, "/tmp/check_netrc.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void write_netrc(const char *text, mode_t mode)
{
	write_file(text, strlen(text), mode);
}

static void free_secret(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

#include "heapscan.h"

/* ---- ~/.netrc syntax ---------------------------------------------------- */

#define HOST "imap.example.org"

static const struct netrc_case {
	const char *name;
	const char *text;
	const char *login;      /* asked for, or NULL */
	int rc;
	const char *want_login; /* when rc is 1 */
	const char *want_pass;
} netrc_cases[] = {
	{ "comment line naming another login before the entry",
	  "# machine " HOST " login mallory password evil\n"
	  "machine " HOST " login alice password pw1\n",
	  NULL, 1, "alice", "pw1" },
	{ "indented comment line",
	  "   \t# machine " HOST " login mallory password evil\n"
	  "machine " HOST " login alice password pw1\n",
	  NULL, 1, "alice", "pw1" },
	{ "comment after the password on its line",
	  "machine " HOST " login alice password pw1 # password old-one\n",
	  NULL, 1, "alice", "pw1" },
	{ "comment glued to its '#' after the password",
	  "machine " HOST " login alice password pw1 #password old-one\n",
	  NULL, 1, "alice", "pw1" },
	{ "comment line inside an entry",
	  "machine " HOST "\n  login alice\n  password pw1\n  # password old-one\n",
	  NULL, 1, "alice", "pw1" },
	{ "commented-out entry between two entries",
	  "machine other.example login x password y\n"
	  "#machine " HOST " login mallory password evil\n"
	  "machine " HOST " login alice password pw1\n",
	  NULL, 1, "alice", "pw1" },
	{ "comment at the end of the file, no newline",
	  "machine " HOST " login alice password pw1\n# the end",
	  NULL, 1, "alice", "pw1" },
	{ "'#' inside a token is a character",
	  "machine " HOST " login alice password pa#ss#\n",
	  NULL, 1, "alice", "pa#ss#" },
	{ "'#' opening a value is a character (as Python reads it)",
	  "machine " HOST " login alice password #pw1\n",
	  NULL, 1, "alice", "#pw1" },
	{ "a quoted \"#...\" where a keyword goes is no comment",
	  "machine " HOST " login alice \"# password\" password pw1\n",
	  NULL, 1, "alice", "pw1" },
	{ "quoted password: blank, escaped quote, '#'",
	  "machine " HOST " login alice password \"se cret \\\"q\\\" #x\" # comment\n",
	  NULL, 1, "alice", "se cret \"q\" #x" },
	{ "default entry, after a comment that names the host",
	  "machine other.example login x password y\n"
	  "# machine " HOST " login mallory password evil\n"
	  "default login anon password guest\n",
	  NULL, 1, "anon", "guest" },
	{ "login match picks the second entry",
	  "machine " HOST " login alice password pw1\n"
	  "# bob's, below\n"
	  "machine " HOST " login bob password pw2\n",
	  "bob", 1, "bob", "pw2" },
	{ "login match: no such login",
	  "machine " HOST " login alice password pw1\n",
	  "carol", 0, NULL, NULL },
	{ "CRLF: entry over several lines",
	  "machine " HOST "\r\n\tlogin alice\r\n\tpassword pw1\r\n",
	  NULL, 1, "alice", "pw1" },
	{ "CRLF: macdef, then the machine",
	  "machine other.example login x password y\r\n"
	  "macdef init\r\ncd /pub\r\nput file\r\n\r\n"
	  "machine " HOST " login alice password pw1\r\n",
	  NULL, 1, "alice", "pw1" },
	{ "LF: macdef, then the machine",
	  "machine other.example login x password y\n"
	  "macdef init\ncd /pub\nput file\n\n"
	  "machine " HOST " login alice password pw1\n",
	  NULL, 1, "alice", "pw1" },
	{ "CRLF: a macro body is not read as entries",
	  "macdef init\r\nmachine " HOST " login mallory password evil\r\n\r\n"
	  "machine " HOST " login alice password pw1\r\n",
	  NULL, 1, "alice", "pw1" },
	{ "a line of blanks does not end a macro (ftp, curl, Python)",
	  "macdef init\ncd /\n  \t\nmachine " HOST " login mallory password evil\n\n"
	  "machine " HOST " login alice password pw1\n",
	  NULL, 1, "alice", "pw1" },
	{ "macdef right after the matching entry ends it",
	  "machine " HOST " login alice password pw1\nmacdef init\ncd /\n\n"
	  "password not-this\n",
	  NULL, 1, "alice", "pw1" },
	{ "macdef with no empty line runs to the end of the file",
	  "macdef init\r\ncd /\r\nmachine " HOST " login alice password pw1\r\n",
	  NULL, 0, NULL, NULL },
	{ "CRLF: login match after a macdef",
	  "machine " HOST " login alice password pw1\r\n"
	  "macdef init\r\ncd /\r\n\r\n"
	  "machine " HOST " login bob password pw2\r\n",
	  "bob", 1, "bob", "pw2" },
	{ "empty file", "", NULL, 0, NULL, NULL },
	{ "only a comment", "# nothing here", NULL, 0, NULL, NULL },
};

START_TEST(netrc_syntax)
{
	const struct netrc_case *c = &netrc_cases[_i];
	struct imap_err warn = IMAP_ERR_INIT;
	char *login = (char *)"unset", *pass = (char *)"unset";
	int rc;

	write_netrc(c->text, 0600);
	rc = netrc_lookup(path, HOST, c->login, &login, &pass, &warn);
	unlink(path);
	ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
	if (c->rc == 1) {
		ck_assert_msg(login && !strcmp(login, c->want_login), "%s: login %s, want %s",
			      c->name, login ? login : "(null)", c->want_login);
		ck_assert_msg(pass && !strcmp(pass, c->want_pass), "%s: password %s, want %s",
			      c->name, pass ? pass : "(null)", c->want_pass);
	} else {
		ck_assert_ptr_null(login);
		ck_assert_ptr_null(pass);
	}
	free(login);
	free_secret(pass);
}
END_TEST

/* ---- the mode check shared by ~/.netrc and --password-file --------------- */

START_TEST(check_private_modes)
{
	static const struct {
		mode_t mode;
		int rc;
		const char *shown;
	} cases[] = {
		{ 0600, 0, NULL }, { 0400, 0, NULL }, { 0700, 0, NULL }, { 0200, 0, NULL },
		{ 0640, -1, "(mode 640)" }, { 0604, -1, "(mode 604)" }, { 0644, -1, "(mode 644)" },
		{ 0620, -1, "(mode 620)" }, { 0602, -1, "(mode 602)" }, { 0610, -1, "(mode 610)" },
		{ 0601, -1, "(mode 601)" }, { 0666, -1, "(mode 666)" },
		{ S_IFIFO | 0600, 0, NULL }, { S_IFREG | 0644, -1, "(mode 644)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imap_err err = IMAP_ERR_INIT;
		ck_assert_int_eq(netrc_check_private("/home/a/pw", cases[i].mode, &err), cases[i].rc);
		if (cases[i].rc == 0) {
			ck_assert_str_eq(err.msg, "");
			continue;
		}
		ck_assert_ptr_nonnull(strstr(err.msg, cases[i].shown));
		ck_assert_ptr_nonnull(strstr(err.msg, "group or others"));
		ck_assert_ptr_nonnull(strstr(err.msg, "chmod 600 /home/a/pw"));
	}
}
END_TEST

/* ---- --password-file ---------------------------------------------------- */

/* shell_password() as -u with --password-file PATH calls it. */
static char *password_from(const char *file, struct imap_err *err)
{
	struct shell sh;
	memset(&sh, 0, sizeof(sh));
	sh.auth.password_file = file;
	return shell_password(&sh, "alice", NULL, err);
}

static char long_ok[NETRC_LINE_MAX + 1], too_long[NETRC_LINE_MAX + 2];

static const struct pwfile_case {
	const char *name;
	const char *text; /* NULL: long_ok or too_long, as want says */
	mode_t mode;
	const char *want; /* the password, or NULL for an error */
	const char *err;  /* in the error, with the file's name */
} pwfile_cases[] = {
	{ "first line only", "wonderland\nsecond line\n", 0600, "wonderland", NULL },
	{ "CRLF", "wonderland\r\nsecond\r\n", 0600, "wonderland", NULL },
	{ "no newline at the end", "wonderland", 0400, "wonderland", NULL },
	{ "blanks are kept", " won der land \n", 0600, " won der land ", NULL },
	{ "an empty first line is an empty password", "\nwonderland\n", 0600, "", NULL },
	{ "empty file", "", 0600, NULL, "is empty" },
	{ "mode 644 is refused", "wonderland\n", 0644, NULL, "chmod 600" },
	{ "mode 640 is refused", "wonderland\n", 0640, NULL, "(mode 640)" },
	{ "mode 604 is refused", "wonderland\n", 0604, NULL, "group or others" },
	{ "mode 620 is refused", "wonderland\n", 0620, NULL, "chmod 600" },
	{ "a line of NETRC_LINE_MAX bytes", NULL, 0600, long_ok, NULL },
	{ "a longer line", NULL, 0600, NULL, "too long" },
};

START_TEST(password_file_regular)
{
	const struct pwfile_case *c = &pwfile_cases[_i];
	struct imap_err err = IMAP_ERR_INIT;
	const char *text;
	char *pw;

	memset(long_ok, 'x', NETRC_LINE_MAX);
	memset(too_long, 'y', NETRC_LINE_MAX + 1);
	text = c->text ? c->text : c->want ? long_ok : too_long;
	write_file(text, strlen(text), c->mode);
	pw = password_from(path, &err);
	unlink(path);
	if (c->want) {
		ck_assert_msg(pw != NULL, "%s: %s", c->name, err.msg);
		ck_assert_msg(!strcmp(pw, c->want), "%s: got \"%.40s\"", c->name, pw);
	} else {
		ck_assert_msg(pw == NULL, "%s: got \"%.40s\"", c->name, pw);
		ck_assert_msg(strstr(err.msg, c->err) && strstr(err.msg, path), "%s: error \"%s\"",
			      c->name, err.msg);
	}
	free_secret(pw);
}
END_TEST

START_TEST(password_file_not_regular)
{
	struct imap_err err = IMAP_ERR_INIT;
	char dir[] = "/tmp/check_netrc_dir.XXXXXX";
	char *pw;

	/* a terminal, a device, a directory: refused before reading */
	pw = password_from("/dev/null", &err);
	ck_assert_ptr_null(pw);
	ck_assert_ptr_nonnull(strstr(err.msg, "/dev/null is not a regular file or a pipe"));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0700), 0);
	pw = password_from(dir, &err);
	ck_assert_ptr_null(pw);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a regular file or a pipe"));
	rmdir(dir);
	pw = password_from("/nonexistent/pw", &err);
	ck_assert_ptr_null(pw);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot read /nonexistent/pw"));
}
END_TEST

/* A pipe, as bash's <(pass show imap) gives: /dev/fd/N. */
START_TEST(password_file_pipe)
{
	struct imap_err err = IMAP_ERR_INIT;
	char name[64];
	int fds[2];
	char *pw;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "from-a-pipe\nrest\n", 17), 17);
	close(fds[1]);
	snprintf(name, sizeof(name), "/dev/fd/%d", fds[0]);
	pw = password_from(name, &err);
	ck_assert_msg(pw != NULL, "%s", err.msg);
	ck_assert_str_eq(pw, "from-a-pipe");
	free_secret(pw);
	close(fds[0]);
}
END_TEST

/* A named FIFO: the same mode check as a file. */
static const struct {
	mode_t mode;
	const char *want; /* NULL: refused */
} fifo_cases[] = { { 0600, "from-a-fifo" }, { 0644, NULL } };

START_TEST(password_file_fifo)
{
	struct imap_err err = IMAP_ERR_INIT;
	char dir[] = "/tmp/check_netrc_dir.XXXXXX", fifo[64];
	pid_t pid;
	int status;
	char *pw;

	signal(SIGPIPE, SIG_IGN);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(chmod(fifo, fifo_cases[_i].mode), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(fifo, O_WRONLY);
		_exit(fd >= 0 && write(fd, "from-a-fifo\n", 12) == 12 ? 0 : 1);
	}
	pw = password_from(fifo, &err);
	waitpid(pid, &status, 0);
	unlink(fifo);
	rmdir(dir);
	if (fifo_cases[_i].want) {
		ck_assert_msg(pw != NULL, "%s", err.msg);
		ck_assert_str_eq(pw, fifo_cases[_i].want);
	} else {
		ck_assert_ptr_null(pw);
		ck_assert_ptr_nonnull(strstr(err.msg, "(mode 644)"));
		ck_assert_ptr_nonnull(strstr(err.msg, "chmod 600"));
	}
	free_secret(pw);
}
END_TEST

/* ---- shell_ask() on a pseudo-terminal ----------------------------------- */

/* long enough that each block it grows through holds the needle whole */
#define TTY_SECRET "0123456789abcdef0123456789abcdef-pad-tty-answer-TAIL-77-" \
	"and-then-some-more-bytes-to-grow-through-several-blocks-0123456789abcdef" \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define TTY_NEEDLE "tty-answer-TAIL-77"

/* Reads the pty until want shows (or 10 s): what was read, in out. */
static bool pty_wait_for(int master, const char *want, char *out, size_t size)
{
	size_t len = strlen(out);
	while (!strstr(out, want)) {
		struct pollfd pfd = { master, POLLIN, 0 };
		ssize_t n;
		if (poll(&pfd, 1, 10000) <= 0 || len + 1 >= size)
			return false;
		n = read(master, out + len, size - len - 1);
		if (n <= 0)
			return false;
		len += (size_t)n;
		out[len] = '\0';
	}
	return true;
}

static const struct {
	bool echo;
	const char *typed;
} ask_cases[] = {
	{ false, TTY_SECRET "\r" }, /* Enter: \r, made \n by the terminal (ICRNL) */
	{ false, TTY_SECRET "\n" },
	{ true, TTY_SECRET "\r" },
};

START_TEST(ask_on_a_terminal)
{
	char seen[4096] = "";
	const char *typed = ask_cases[_i].typed;
	int master, status;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(master, 0);
	ck_assert_int_eq(grantpt(master), 0);
	ck_assert_int_eq(unlockpt(master), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* a new session whose controlling terminal is the pty: shell_ask()
		 * opens it as /dev/tty (Check's child leads its process group and
		 * may not call setsid(), hence this one) */
		char *answer;
		int slave, rc = 0;
		if (setsid() < 0 || (slave = open(ptsname(master), O_RDWR)) < 0)
			_exit(8);
		close(master);
		answer = shell_ask("Password: ", ask_cases[_i].echo);
		if (!answer || strcmp(answer, TTY_SECRET))
			rc |= 1;
		free_secret(answer);
		if (heap_holds(TTY_NEEDLE))
			rc |= 2;
		close(slave);
		_exit(rc);
	}
	/* type only once the prompt shows: shell_ask() flushes what came before */
	ck_assert_msg(pty_wait_for(master, "Password: ", seen, sizeof(seen)), "no prompt: \"%s\"", seen);
	ck_assert_int_eq(write(master, typed, strlen(typed)), (ssize_t)strlen(typed));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	pty_wait_for(master, "\x01", seen, sizeof(seen)); /* what is left, to the end */
	close(master);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(!(WEXITSTATUS(status) & 8), "no pty in the child");
	ck_assert_msg(!(WEXITSTATUS(status) & 1), "the answer came back wrong");
	ck_assert_msg(!(WEXITSTATUS(status) & 2), "a copy of the answer is left in freed memory");
	if (!ask_cases[_i].echo)
		ck_assert_msg(!strstr(seen, "tty-answer"), "echoed: %s", seen);
}
END_TEST

/* ---- no copy of a secret left in freed memory --------------------------- */

#define FILE_SECRET "0123456789abcdef0123456789abcdef-pad-file-secret-TAIL-42-" \
	"and-then-some-more-bytes-to-grow-through-several-blocks-0123456789abcdef" \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FILE_NEEDLE "file-secret-TAIL-42"

static char big_netrc[12000];

/* found; refused (mode 644: the password is dropped, not handed out); a
 * file of several KiB with the password near its start */
static const struct {
	const char *text; /* NULL: big_netrc */
	mode_t mode;
	int rc;
} nocopy_cases[] = {
	{ "machine " HOST " login alice password " FILE_SECRET "\nmachine x login y\n", 0600, 1 },
	{ "machine " HOST " login alice password " FILE_SECRET "\n", 0644, -1 },
	{ NULL, 0600, 1 },
};

START_TEST(netrc_leaves_no_copy)
{
	struct imap_err warn = IMAP_ERR_INIT;
	char *login, *pass;
	bool right, held;
	int rc;

	strcpy(big_netrc, "machine " HOST " login alice password " FILE_SECRET "\n");
	while (strlen(big_netrc) + 100 < sizeof(big_netrc))
		strcat(big_netrc, "# a long file: padding padding padding padding padding padding\n");
	write_netrc(nocopy_cases[_i].text ? nocopy_cases[_i].text : big_netrc, nocopy_cases[_i].mode);
	rc = netrc_lookup(path, HOST, NULL, &login, &pass, &warn);
	unlink(path);
	right = rc == nocopy_cases[_i].rc && (rc != 1 || !strcmp(pass, FILE_SECRET));
	free(login);
	free_secret(pass);
	held = heap_holds(FILE_NEEDLE);
	ck_assert_msg(right, "rc %d, want %d", rc, nocopy_cases[_i].rc);
	ck_assert_msg(!held, "a copy of the password is left in freed memory");
}
END_TEST

START_TEST(password_file_leaves_no_copy)
{
	struct imap_err err = IMAP_ERR_INIT;
	bool right, held;
	char *pw;

	write_netrc(FILE_SECRET "\nand a second line\n", 0600);
	pw = password_from(path, &err);
	unlink(path);
	right = pw && !strcmp(pw, FILE_SECRET);
	free_secret(pw);
	held = heap_holds(FILE_NEEDLE);
	ck_assert_msg(right, "%s", err.msg);
	ck_assert_msg(!held, "a copy of the password is left in freed memory");
}
END_TEST

static Suite *netrc_suite(void)
{
	Suite *s = suite_create("netrc");
	TCase *tc = tcase_create("syntax");
	tcase_add_loop_test(tc, netrc_syntax, 0, (int)(sizeof(netrc_cases) / sizeof(netrc_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("password_file");
	tcase_add_test(tc, check_private_modes);
	tcase_add_loop_test(tc, password_file_regular, 0,
			    (int)(sizeof(pwfile_cases) / sizeof(pwfile_cases[0])));
	tcase_add_test(tc, password_file_not_regular);
	tcase_add_test(tc, password_file_pipe);
	tcase_add_loop_test(tc, password_file_fifo, 0, (int)(sizeof(fifo_cases) / sizeof(fifo_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("terminal");
	tcase_add_loop_test(tc, ask_on_a_terminal, 0, (int)(sizeof(ask_cases) / sizeof(ask_cases[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("no_copies");
	tcase_add_loop_test(tc, netrc_leaves_no_copy, 0,
			    (int)(sizeof(nocopy_cases) / sizeof(nocopy_cases[0])));
	tcase_add_test(tc, password_file_leaves_no_copy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(netrc_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
