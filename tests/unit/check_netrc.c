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
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

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
/* the entry most cases must find, and entries they must pass over */
#define ALICE "machine " HOST " login alice password pw1"
#define BOB "machine " HOST " login bob password pw2"
#define MALLORY "machine " HOST " login mallory password evil"
#define OTHER "machine other.example login x password y"
/* rc, login and password of a lookup that finds ALICE */
#define FINDS_ALICE 1, "alice", "pw1"
#define FINDS_NOTHING 0, NULL, NULL

static const struct netrc_case {
	const char *name;
	const char *text;
	const char *login;      /* asked for, or NULL */
	int rc;
	const char *want_login; /* when rc is 1 */
	const char *want_pass;
} netrc_cases[] = {
	{ "comment line naming another login before the entry",
	  "# " MALLORY "\n" ALICE "\n", NULL, FINDS_ALICE },
	{ "indented comment line",
	  "   \t# " MALLORY "\n" ALICE "\n", NULL, FINDS_ALICE },
	{ "comment after the password on its line",
	  ALICE " # password old-one\n", NULL, FINDS_ALICE },
	{ "comment glued to its '#' after the password",
	  ALICE " #password old-one\n", NULL, FINDS_ALICE },
	{ "comment line inside an entry",
	  "machine " HOST "\n  login alice\n  password pw1\n  # password old-one\n",
	  NULL, FINDS_ALICE },
	{ "commented-out entry between two entries",
	  OTHER "\n#" MALLORY "\n" ALICE "\n", NULL, FINDS_ALICE },
	{ "comment at the end of the file, no newline",
	  ALICE "\n# the end", NULL, FINDS_ALICE },
	{ "'#' inside a token is a character",
	  "machine " HOST " login alice password pa#ss#\n", NULL, 1, "alice", "pa#ss#" },
	{ "'#' opening a value is a character (as Python reads it)",
	  "machine " HOST " login alice password #pw1\n", NULL, 1, "alice", "#pw1" },
	{ "a quoted \"#...\" where a keyword goes is no comment",
	  "machine " HOST " login alice \"# password\" password pw1\n", NULL, FINDS_ALICE },
	{ "quoted password: blank, escaped quote, '#'",
	  "machine " HOST " login alice password \"se cret \\\"q\\\" #x\" # comment\n",
	  NULL, 1, "alice", "se cret \"q\" #x" },
	{ "default entry, after a comment that names the host",
	  OTHER "\n# " MALLORY "\ndefault login anon password guest\n", NULL, 1, "anon", "guest" },
	{ "login match picks the second entry",
	  ALICE "\n# bob's, below\n" BOB "\n", "bob", 1, "bob", "pw2" },
	{ "login match: no such login",
	  ALICE "\n", "carol", FINDS_NOTHING },
	{ "CRLF: entry over several lines",
	  "machine " HOST "\r\n\tlogin alice\r\n\tpassword pw1\r\n", NULL, FINDS_ALICE },
	{ "CRLF: macdef, then the machine",
	  OTHER "\r\nmacdef init\r\ncd /pub\r\nput file\r\n\r\n" ALICE "\r\n", NULL, FINDS_ALICE },
	{ "LF: macdef, then the machine",
	  OTHER "\nmacdef init\ncd /pub\nput file\n\n" ALICE "\n", NULL, FINDS_ALICE },
	{ "CRLF: a macro body is not read as entries",
	  "macdef init\r\n" MALLORY "\r\n\r\n" ALICE "\r\n", NULL, FINDS_ALICE },
	{ "a line of blanks does not end a macro (ftp, curl, Python)",
	  "macdef init\ncd /\n  \t\n" MALLORY "\n\n" ALICE "\n", NULL, FINDS_ALICE },
	{ "macdef right after the matching entry ends it",
	  ALICE "\nmacdef init\ncd /\n\npassword not-this\n", NULL, FINDS_ALICE },
	{ "macdef with no empty line runs to the end of the file",
	  "macdef init\r\ncd /\r\n" ALICE "\r\n", NULL, FINDS_NOTHING },
	{ "CRLF: login match after a macdef",
	  ALICE "\r\nmacdef init\r\ncd /\r\n\r\n" BOB "\r\n", "bob", 1, "bob", "pw2" },
	{ "empty file", "", NULL, FINDS_NOTHING },
	{ "only a comment", "# nothing here", NULL, FINDS_NOTHING },
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
		/* a password is never printed: only that it differs */
		ck_assert_msg(pass && !strcmp(pass, c->want_pass), "%s: %s password", c->name,
			      pass ? "the wrong" : "no");
	} else {
		ck_assert_ptr_null(login);
		ck_assert_ptr_null(pass);
	}
	free(login);
	free_secret(pass);
}
END_TEST

/* ---- the mode check shared by ~/.netrc and --password-file --------------- */

static const struct {
	mode_t mode;
	int rc;
	const char *shown;
} mode_cases[] = {
	{ 0600, 0, NULL }, { 0400, 0, NULL }, { 0700, 0, NULL }, { 0200, 0, NULL },
	{ 0640, -1, "(mode 640)" }, { 0604, -1, "(mode 604)" }, { 0644, -1, "(mode 644)" },
	{ 0620, -1, "(mode 620)" }, { 0602, -1, "(mode 602)" }, { 0610, -1, "(mode 610)" },
	{ 0601, -1, "(mode 601)" }, { 0666, -1, "(mode 666)" },
	{ S_IFIFO | 0600, 0, NULL }, { S_IFREG | 0644, -1, "(mode 644)" },
};

START_TEST(check_private_modes)
{
	struct imap_err err = IMAP_ERR_INIT;

	ck_assert_int_eq(netrc_check_private("/home/a/pw", mode_cases[_i].mode, &err),
			 mode_cases[_i].rc);
	if (mode_cases[_i].rc == 0) {
		ck_assert_str_eq(err.msg, "");
		return;
	}
	ck_assert_ptr_nonnull(strstr(err.msg, mode_cases[_i].shown));
	ck_assert_ptr_nonnull(strstr(err.msg, "group or others"));
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod 600 /home/a/pw"));
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

/* What --password-file names. */
enum pw_kind {
	PW_FILE, /* a regular file of mode that holds text */
	PW_PATH, /* text, a path as it is */
	PW_DIR,  /* a new directory of mode */
	PW_PIPE, /* a pipe that holds text, as bash's <(pass show imap) gives: /dev/fd/N */
	PW_FIFO, /* a named FIFO of mode that a child writes text into */
};

static const struct pwfile_case {
	const char *name;
	enum pw_kind kind;
	const char *text; /* NULL: long_ok or too_long, as want says */
	mode_t mode;
	const char *want; /* the password, or NULL for an error */
	const char *err;  /* in the error, with the file's name */
} pwfile_cases[] = {
	{ "first line only", PW_FILE, "wonderland\nsecond line\n", 0600, "wonderland", NULL },
	{ "CRLF", PW_FILE, "wonderland\r\nsecond\r\n", 0600, "wonderland", NULL },
	{ "no newline at the end", PW_FILE, "wonderland", 0400, "wonderland", NULL },
	{ "blanks are kept", PW_FILE, " won der land \n", 0600, " won der land ", NULL },
	{ "an empty first line is an empty password", PW_FILE, "\nwonderland\n", 0600, "", NULL },
	{ "empty file", PW_FILE, "", 0600, NULL, "is empty" },
	{ "mode 644 is refused", PW_FILE, "wonderland\n", 0644, NULL, "chmod 600" },
	{ "mode 640 is refused", PW_FILE, "wonderland\n", 0640, NULL, "(mode 640)" },
	{ "mode 604 is refused", PW_FILE, "wonderland\n", 0604, NULL, "group or others" },
	{ "mode 620 is refused", PW_FILE, "wonderland\n", 0620, NULL, "chmod 600" },
	{ "a line of NETRC_LINE_MAX bytes", PW_FILE, NULL, 0600, long_ok, NULL },
	{ "a longer line", PW_FILE, NULL, 0600, NULL, "too long" },
	/* a terminal, a device, a directory: refused before reading */
	{ "a device", PW_PATH, "/dev/null", 0, NULL, "/dev/null is not a regular file or a pipe" },
	{ "a directory", PW_DIR, NULL, 0700, NULL, "is not a regular file or a pipe" },
	{ "no such file", PW_PATH, "/nonexistent/pw", 0, NULL, "cannot read /nonexistent/pw" },
	{ "a pipe", PW_PIPE, "from-a-pipe\nrest\n", 0, "from-a-pipe", NULL },
	/* a named FIFO: the same mode check as a file */
	{ "a FIFO", PW_FIFO, "from-a-fifo\n", 0600, "from-a-fifo", NULL },
	{ "a FIFO of mode 644", PW_FIFO, "from-a-fifo\n", 0644, NULL,
	  "(mode 644): refused; make it private with chmod 600" },
};

/* What a case names, made by pw_make and taken away by pw_unmake. */
struct pw_place {
	char name[64];
	char dir[32]; /* PW_DIR, PW_FIFO */
	int fd;       /* PW_PIPE: the read end */
	pid_t writer; /* PW_FIFO */
};

static void pw_make(const struct pwfile_case *c, struct pw_place *pl)
{
	const char *text = c->text ? c->text : c->want ? long_ok : too_long;
	int fds[2];

	memset(pl, 0, sizeof(*pl));
	pl->fd = -1;
	pl->writer = -1;
	switch (c->kind) {
	case PW_FILE:
		write_file(text, strlen(text), c->mode);
		snprintf(pl->name, sizeof(pl->name), "%s", path);
		break;
	case PW_PATH:
		snprintf(pl->name, sizeof(pl->name), "%s", text);
		break;
	case PW_DIR:
	case PW_FIFO:
		strcpy(pl->dir, "/tmp/check_netrc_dir.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(pl->dir));
		if (c->kind == PW_DIR) {
			ck_assert_int_eq(chmod(pl->dir, c->mode), 0);
			snprintf(pl->name, sizeof(pl->name), "%s", pl->dir);
			break;
		}
		signal(SIGPIPE, SIG_IGN);
		snprintf(pl->name, sizeof(pl->name), "%s/fifo", pl->dir);
		ck_assert_int_eq(mkfifo(pl->name, 0600), 0);
		ck_assert_int_eq(chmod(pl->name, c->mode), 0);
		pl->writer = fork();
		ck_assert_int_ge(pl->writer, 0);
		if (pl->writer == 0) {
			int fd = open(pl->name, O_WRONLY);
			ssize_t len = (ssize_t)strlen(text);
			_exit(fd >= 0 && write(fd, text, (size_t)len) == len ? 0 : 1);
		}
		break;
	case PW_PIPE:
		ck_assert_int_eq(pipe(fds), 0);
		ck_assert_int_eq(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
		close(fds[1]);
		pl->fd = fds[0];
		snprintf(pl->name, sizeof(pl->name), "/dev/fd/%d", fds[0]);
		break;
	}
}

static void pw_unmake(const struct pwfile_case *c, struct pw_place *pl)
{
	int status;

	if (pl->writer > 0)
		waitpid(pl->writer, &status, 0);
	if (c->kind == PW_FILE || c->kind == PW_FIFO)
		unlink(pl->name);
	if (pl->dir[0])
		rmdir(pl->dir);
	if (pl->fd >= 0)
		close(pl->fd);
}

START_TEST(password_file)
{
	const struct pwfile_case *c = &pwfile_cases[_i];
	struct imap_err err = IMAP_ERR_INIT;
	struct pw_place pl;
	char *pw;

	memset(long_ok, 'x', NETRC_LINE_MAX);
	memset(too_long, 'y', NETRC_LINE_MAX + 1);
	pw_make(c, &pl);
	pw = password_from(pl.name, &err);
	pw_unmake(c, &pl);
	/* a password is never printed: only whether one came back */
	if (c->want) {
		ck_assert_msg(pw != NULL, "%s: %s", c->name, err.msg);
		ck_assert_msg(!strcmp(pw, c->want), "%s: the wrong password", c->name);
	} else {
		ck_assert_msg(pw == NULL, "%s: a password came back", c->name);
		ck_assert_msg(strstr(err.msg, c->err) && strstr(err.msg, pl.name),
			      "%s: error \"%s\"", c->name, err.msg);
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
		ck_assert_msg(!strstr(seen, "tty-answer"), "the answer was echoed");
}
END_TEST

/* ---- no copy of a secret left in freed memory --------------------------- */

#define FILE_SECRET "0123456789abcdef0123456789abcdef-pad-file-secret-TAIL-42-" \
	"and-then-some-more-bytes-to-grow-through-several-blocks-0123456789abcdef" \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define FILE_NEEDLE "file-secret-TAIL-42"

static char big_netrc[12000];

static const struct nocopy_case {
	const char *why;
	bool password_file; /* read by --password-file, not as ~/.netrc */
	const char *text;   /* NULL: big_netrc */
	mode_t mode;
	int rc;             /* 1: FILE_SECRET comes back */
} nocopy_cases[] = {
	{ "found", false,
	  "machine " HOST " login alice password " FILE_SECRET "\nmachine x login y\n", 0600, 1 },
	{ "refused (mode 644: the password is dropped, not handed out)", false,
	  "machine " HOST " login alice password " FILE_SECRET "\n", 0644, -1 },
	{ "a file of several KiB with the password near its start", false, NULL, 0600, 1 },
	{ "--password-file", true, FILE_SECRET "\nand a second line\n", 0600, 1 },
};

START_TEST(leaves_no_copy)
{
	const struct nocopy_case *k = &nocopy_cases[_i];
	struct imap_err err = IMAP_ERR_INIT;
	char *login = NULL, *secret;
	bool right, held;
	int rc;

	strcpy(big_netrc, "machine " HOST " login alice password " FILE_SECRET "\n");
	while (strlen(big_netrc) + 100 < sizeof(big_netrc))
		strcat(big_netrc, "# a long file: padding padding padding padding padding padding\n");
	write_netrc(k->text ? k->text : big_netrc, k->mode);
	if (k->password_file) {
		secret = password_from(path, &err);
		rc = secret ? 1 : -1;
	} else {
		rc = netrc_lookup(path, HOST, NULL, &login, &secret, &err);
	}
	unlink(path);
	right = rc == k->rc && (rc != 1 || !strcmp(secret, FILE_SECRET));
	free(login);
	free_secret(secret);
	held = heap_holds(FILE_NEEDLE);
	ck_assert_msg(right, "%s: rc %d, want %d (%s)", k->why, rc, k->rc, err.msg);
	ck_assert_msg(!held, "%s: a copy of the password is left in freed memory", k->why);
}
END_TEST

static Suite *netrc_suite(void)
{
	Suite *s = suite_create("netrc");
	TCase *tc = tcase_create("syntax");
	tcase_add_loop_test(tc, netrc_syntax, 0, (int)N(netrc_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("password_file");
	tcase_add_loop_test(tc, check_private_modes, 0, (int)N(mode_cases));
	tcase_add_loop_test(tc, password_file, 0, (int)N(pwfile_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("terminal");
	tcase_add_loop_test(tc, ask_on_a_terminal, 0, (int)N(ask_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("no_copies");
	tcase_add_loop_test(tc, leaves_no_copy, 0, (int)N(nocopy_cases));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(netrc_suite)
