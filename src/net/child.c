#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "net/transport.h"
#include "util/clock.h"
#include "util/fdio.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long a read at EOF waits for the child's exit to show up. */
#define EOF_REAP_MS 200
/* close(): time for the child to exit on its own after EOF, then after SIGTERM. */
#define CLOSE_GRACE_MS 2000
#define TERM_GRACE_MS 1000
#define POLL_STEP_MS 10

struct child_conn {
	struct net_conn base;
	int rfd; /* the child's stdout */
	int wfd; /* the child's stdin; -1 once closed */
	pid_t pid;
	char *command;
	bool reaped;
	int status; /* wait status, valid when reaped */
	bool own_group; /* the child leads a process group of its own */
	bool tty_lent;  /* the terminal's foreground is the child's group */
};

static const struct net_ops child_ops;

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Checks once without blocking whether the child ended. */
static bool child_poll(struct child_conn *k)
{
	pid_t r;

	if (k->reaped)
		return true;
	do
		r = waitpid(k->pid, &k->status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == k->pid) {
		k->reaped = true;
	} else if (r < 0 && errno == ECHILD) {
		/* someone else reaped it (e.g. SIGCHLD set to SIG_IGN) */
		k->reaped = true;
		k->status = -1;
	}
	return k->reaped;
}

/* Waits up to ms for the child to end.  A pidfd (Linux 5.3 and later)
 * wakes us the moment it exits; without one the sleeps start at 0.1 ms
 * and double up to POLL_STEP_MS.  (A fixed 10 ms step cost every session
 * up to 10 ms at exit: a tenth of a 10,000-message FETCH.) */
static bool child_wait(struct child_conn *k, int ms)
{
	long long deadline = clock_now_ms() + ms, left;
	long step_us = 100;

	if (child_poll(k))
		return true;
#ifdef SYS_pidfd_open
	{
		int pfd = (int)syscall(SYS_pidfd_open, k->pid, 0);
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };
			while (!child_poll(k) && (left = deadline - clock_now_ms()) > 0)
				if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
					break;
			close(pfd);
			return child_poll(k);
		}
	}
#endif
	while (!child_poll(k)) {
		if (clock_now_ms() >= deadline)
			return false;
		struct timespec ts = { 0, step_us * 1000 };
		nanosleep(&ts, NULL);
		if (step_us < POLL_STEP_MS * 1000L)
			step_us *= 2;
	}
	return true;
}

static void add_status(struct buf *out, int status)
{
	if (status < 0)
		buf_adds(out, "ended (exit status unknown)");
	else if (WIFEXITED(status))
		buf_addf(out, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		buf_addf(out, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		buf_addf(out, "ended with wait status 0x%x", (unsigned)status);
}

int net_child_exit_status(struct net_conn *c, struct buf *msg)
{
	struct child_conn *k = (struct child_conn *)c;

	if (!c || c->ops != &child_ops || !child_poll(k))
		return -1;
	if (msg)
		add_status(msg, k->status);
	return k->status < 0 ? 0 : k->status;
}

/* Appends " (server process exited with status 3)" to err when known. */
static void err_add_status(struct child_conn *k, struct imap_err *err)
{
	struct buf b = BUF_INIT;
	size_t n;

	if (!err || !child_poll(k))
		return;
	add_status(&b, k->status);
	n = strlen(err->msg);
	snprintf(err->msg + n, sizeof(err->msg) - n, " (server process %s)", b.buf);
	buf_release(&b);
}

static ssize_t child_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct child_conn *k = (struct child_conn *)c;
	ssize_t n = net_fd_read(k->rfd, buf, len, c->timeout_ms, err);

	if (n < 0) {
		err_add_status(k, err);
	} else if (n == 0 && child_wait(k, EOF_REAP_MS) && err) {
		/* End of stream stays a 0 return; err says why. */
		struct buf b = BUF_INIT;
		add_status(&b, k->status);
		err_set(err, IMAP_ERR_ABORT, "server process %s", b.buf);
		buf_release(&b);
	}
	return n;
}

static int child_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct child_conn *k = (struct child_conn *)c;

	int e;

	if (k->wfd < 0)
		return err_set(err, IMAP_ERR_ABORT,
			       "cannot write to the server: its input was closed (shutdown)");
	if (net_fd_write_pipe(k->wfd, buf, len, c->timeout_ms, err) == 0)
		return 0;
	e = errno;
	/* A broken pipe means the child is gone or going: wait for its status. */
	if (e == EPIPE)
		child_wait(k, EOF_REAP_MS);
	err_add_status(k, err);
	return -1;
}

static void child_describe(struct net_conn *c, struct buf *out)
{
	struct child_conn *k = (struct child_conn *)c;

	buf_addf(out, "child pid %ld: %s", (long)k->pid, k->command);
	if (child_poll(k)) {
		buf_adds(out, " (");
		add_status(out, k->status);
		buf_addch(out, ')');
	}
}

static int child_pollfd(struct net_conn *c)
{
	return ((struct child_conn *)c)->rfd;
}

static bool child_is_local(struct net_conn *c)
{
	(void)c;
	return true;
}

static size_t child_pending(struct net_conn *c)
{
	(void)c;
	return 0;
}

static int child_shutdown_write(struct net_conn *c, struct imap_err *err)
{
	struct child_conn *k = (struct child_conn *)c;

	(void)err;
	if (k->wfd >= 0)
		close(k->wfd);
	k->wfd = -1;
	return 0;
}

static void child_close(struct net_conn *c, struct buf *report)
{
	struct child_conn *k = (struct child_conn *)c;
	const char *how = NULL;

	net_child_take_terminal(c);
	/* EOF on its stdin is the polite way to ask an IMAP server to go. */
	if (k->wfd >= 0)
		close(k->wfd);
	close(k->rfd);
	if (!child_wait(k, CLOSE_GRACE_MS)) {
		/* its own group: what it started goes too (the shell of
		 * --stream 'ssh host imapd', a sleeping helper) */
		pid_t whom = k->own_group ? -k->pid : k->pid;
		how = "SIGTERM";
		kill(whom, SIGTERM);
		if (!child_wait(k, TERM_GRACE_MS)) {
			how = "SIGKILL";
			kill(whom, SIGKILL);
			while (!child_poll(k))
				sleep_ms(POLL_STEP_MS);
		}
	}
	if (report) {
		buf_adds(report, "child ");
		add_status(report, k->status);
		if (how)
			buf_addf(report, " (sent %s after it did not exit)", how);
	}
	free(k->command);
	free(k);
}

static const struct net_ops child_ops = {
	.name = "child",
	.read = child_read,
	.write = child_write,
	.describe = child_describe,
	.pollfd = child_pollfd,
	.pending = child_pending,
	.is_local = child_is_local,
	.shutdown_write = child_shutdown_write,
	.close = child_close,
};

/* In the forked child: only async-signal-safe calls from here on. */
static void __attribute__((noreturn))
exec_child(int in, int out, const char *command, long maxfd, bool shield)
{
	static const char msg[] = "imapsh: cannot run /bin/sh\n";
	static const int reset[] = { SIGPIPE, SIGCHLD, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2 };
	sigset_t none;
	size_t i;

	/* No setpgid(): a command like "ssh host imapd" may ask for a
	 * password on /dev/tty, which a background process group cannot
	 * read (SIGTTIN would stop it).  So ^C in the terminal reaches the
	 * server too, as with imaplib's IMAP4_stream. */
	/* Undo what we may have ignored (SIGPIPE above all: a server must
	 * die of it as usual).  SIGHUP/SIGINT/SIGQUIT stay as our parent
	 * left them (nohup, background jobs).  Handlers reset at exec.  A
	 * program that takes Ctrl-C as "cancel" (net_set_interrupt) puts the
	 * server in a process group of its own, out of the terminal's reach
	 * (ignoring SIGINT is not enough: Dovecot catches it). */
	for (i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
		signal(reset[i], SIG_DFL);
	if (shield)
		setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	/* Move the pipes above 2 first so dup2 never is a no-op that would
	 * keep a close-on-exec flag. */
	in = fcntl(in, F_DUPFD, 3);
	out = fcntl(out, F_DUPFD, 3);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(127);
	fd_close_from(3, maxfd);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to do */
	}
	_exit(127);
}

struct net_conn *net_child_spawn(const char *command, int timeout_ms, struct imap_err *err)
{
	struct child_conn *k;
	int to[2], from[2]; /* to the child's stdin, from its stdout */
	bool shield;
	long maxfd;
	pid_t pid;

	if (!command || !*command) {
		err_set(err, IMAP_ERR_ERROR, "the server command is empty");
		return NULL;
	}
	if (pipe2(to, O_CLOEXEC) < 0) {
		err_set_errno(err, IMAP_ERR_ABORT, errno, "cannot start \"%s\": pipe", command);
		return NULL;
	}
	if (pipe2(from, O_CLOEXEC) < 0) {
		int e = errno;
		close(to[0]);
		close(to[1]);
		err_set_errno(err, IMAP_ERR_ABORT, e, "cannot start \"%s\": pipe", command);
		return NULL;
	}
	maxfd = fd_max();
	shield = net_interrupt_enabled();
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		err_set_errno(err, IMAP_ERR_ABORT, e, "cannot start \"%s\": fork", command);
		return NULL;
	}
	if (pid == 0)
		exec_child(to[0], from[1], command, maxfd, shield);
	close(to[0]);
	close(from[1]);
	/* our end only (the child has the other file description): a write
	 * never blocks past the timeout */
	fcntl(to[1], F_SETFL, fcntl(to[1], F_GETFL) | O_NONBLOCK);

	k = xcalloc(1, sizeof(*k));
	k->base.ops = &child_ops;
	k->base.timeout_ms = timeout_ms;
	k->rfd = from[0];
	k->wfd = to[1];
	k->pid = pid;
	k->command = xstrdup(command);
	if (shield) {
		setpgid(pid, pid); /* as the child does: whoever runs first */
		k->own_group = true;
		/* lend it the terminal until net_child_take_terminal(), so
		 * that "ssh host imapd" can ask for a password */
		if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp() &&
		    tcsetpgrp(STDIN_FILENO, pid) == 0)
			k->tty_lent = true;
	}
	return &k->base;
}

void net_child_take_terminal(struct net_conn *c)
{
	struct child_conn *k = (struct child_conn *)c;
	sigset_t ttou, old;

	if (!c || c->ops != &child_ops || !k->tty_lent)
		return;
	/* we are a background group now: tcsetpgrp would raise SIGTTOU */
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(STDIN_FILENO, getpgrp());
	sigprocmask(SIG_SETMASK, &old, NULL);
	k->tty_lent = false;
}
