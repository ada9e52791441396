/*
 * pager.c - one command's output through $PAGER (pager.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/pager.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"

extern char **environ;

enum pg_state {
	PG_WAIT,   /* nothing started: auto mode holds, on mode waits for a byte */
	PG_PIPE,   /* the pager runs: output goes down the pipe */
	PG_GONE,   /* the pager quit early: output is dropped */
	PG_DIRECT, /* no pager after all: output goes to real */
};

/* Where an ANSI escape sequence is, between writes. */
enum esc_state {
	ESC_NONE,
	ESC_START, /* after ESC (and intermediates 0x20-0x2f) */
	ESC_CSI,   /* ESC [ ... up to a final byte 0x40-0x7e */
	ESC_STR,   /* ESC ] (OSC), P, X, ^, _ ... up to BEL or ESC \ */
	ESC_STR_ESC,
};

struct pager {
	enum pager_mode mode;
	enum pg_state state;
	FILE *real;
	FILE *stream;         /* ours (fopencookie), or real */
	char *cmd;
	size_t limit;         /* rows the output may take without the pager */
	size_t cols;
	/* auto mode: the output so far and the rows it takes */
	struct buf held;
	size_t lines;         /* rows ended (newlines and wraps) */
	size_t col;           /* columns used on the current row */
	enum esc_state esc;
	/* the running pager */
	int fd;
	pid_t pid;
	bool failed;          /* could not start or run it (said) */
};

/* ---- counting screen rows ------------------------------------------------ */

static size_t rows_used(const struct pager *p)
{
	return p->lines + (p->col > 0);
}

/* One byte of output on the screen (no wide characters: a code point is
 * one column). */
static void count_byte(struct pager *p, unsigned char c)
{
	switch (p->esc) {
	case ESC_START:
		if (c == '[')
			p->esc = ESC_CSI;
		else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
			p->esc = ESC_STR;
		else if (c < 0x20 || c > 0x2f)
			p->esc = ESC_NONE;
		return;
	case ESC_CSI:
		if (c >= 0x40 && c <= 0x7e)
			p->esc = ESC_NONE;
		else if (c == 0x1b)
			p->esc = ESC_START;
		return;
	case ESC_STR:
		if (c == 0x07)
			p->esc = ESC_NONE;
		else if (c == 0x1b)
			p->esc = ESC_STR_ESC;
		return;
	case ESC_STR_ESC:
		p->esc = c == 0x1b ? ESC_STR_ESC : c == '\\' ? ESC_NONE : ESC_STR;
		return;
	case ESC_NONE:
		break;
	}
	if (c == '\n') {
		p->lines++;
		p->col = 0;
	} else if (c == '\r') {
		p->col = 0;
	} else if (c == '\b') {
		if (p->col > 0)
			p->col--;
	} else if (c == 0x1b) {
		p->esc = ESC_START;
	} else if (c == '\t') {
		/* to the next tab stop, at most to the last column: a tab
		 * never wraps (what comes next goes in the last column) */
		size_t stop = (p->col / 8 + 1) * 8;
		if (p->col < p->cols)
			p->col = stop < p->cols ? stop : p->cols - 1;
	} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0xbf)) {
		/* other controls, UTF-8 continuation bytes: no column */
	} else {
		/* a row filled to the last column wraps only when more comes
		 * (a newline right after it ends that same row) */
		if (p->col >= p->cols) {
			p->lines++;
			p->col = 0;
		}
		p->col++;
	}
}

/* Counts data; true once the output takes more rows than the limit. */
static bool count(struct pager *p, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		count_byte(p, (unsigned char)data[i]);
		if (rows_used(p) > p->limit)
			return true;
	}
	return false;
}

/* ---- the pager process --------------------------------------------------- */

/* Down the pipe, all of it; a Ctrl-C meanwhile (EINTR) does not stop the
 * pager, so the output goes on.  Any error means the pager is gone. */
static void to_pager(struct pager *p, const char *data, size_t len)
{
	while (len && p->state == PG_PIPE) {
		ssize_t n = fd_write_nosigpipe(p->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->state = PG_GONE; /* q in less: the rest is dropped */
			return;
		}
		data += n;
		len -= (size_t)n;
	}
}

/* The environment with LESS=FRX and LV=-c added where unset (git's
 * PAGER_ENV), made before fork: the child may only exec. */
static char **pager_env(void)
{
	static char less[] = "LESS=FRX", lv[] = "LV=-c";
	size_t n = 0, i;
	char **env;

	while (environ && environ[n])
		n++;
	env = xcalloc(n + 3, sizeof(*env));
	for (i = 0; i < n; i++)
		env[i] = environ[i];
	if (!getenv("LESS"))
		env[n++] = less;
	if (!getenv("LV"))
		env[n++] = lv;
	env[n] = NULL;
	return env;
}

/* In the forked child: only async-signal-safe calls from here on. */
static void __attribute__((noreturn))
exec_pager(int in, int out, const char *cmd, char **env, long maxfd)
{
	static const char msg[] = "imapsh: cannot run /bin/sh for the pager\n";
	char *argv[4];
	sigset_t none;

	/* SIGPIPE is ignored in imapsh and an ignored signal stays so over
	 * exec: give it back.  SIGINT is imapsh's handler, reset by exec
	 * (less takes Ctrl-C itself); the pager stays in the terminal's
	 * foreground group so that it can read keys from it. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) < 0)
		_exit(127);
	if (out >= 0 && out != 1 && dup2(out, 1) < 0)
		_exit(127);
	fd_close_from(3, maxfd);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	execve("/bin/sh", argv, env);
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to do */
	}
	_exit(127);
}

/* Starts the pager and gives it what is held; if it cannot start, the
 * output goes to real from now on. */
static void start(struct pager *p)
{
	int fds[2], e, out;
	char **env;
	long maxfd;

	fflush(p->real); /* what came before the command's output */
	if (pipe2(fds, O_CLOEXEC) < 0) {
		e = errno;
		goto fail;
	}
	/* the pager's stdout: the real stream's descriptor (stdout) */
	out = fileno(p->real);
	env = pager_env();
	maxfd = fd_max();
	p->pid = fork();
	if (p->pid == 0)
		exec_pager(fds[0], out, p->cmd, env, maxfd);
	e = errno;
	free(env);
	close(fds[0]);
	if (p->pid < 0) {
		close(fds[1]);
		goto fail;
	}
	p->fd = fds[1];
	p->state = PG_PIPE;
	to_pager(p, p->held.buf, p->held.len);
	buf_release(&p->held);
	return;

fail:
	fprintf(stderr, "imapsh: cannot start the pager \"%s\": %s\n", p->cmd, strerror(e));
	p->failed = true;
	p->state = PG_DIRECT;
	fwrite(p->held.buf, 1, p->held.len, p->real);
	fflush(p->real);
	buf_release(&p->held);
}

/* ---- the stream ------------------------------------------------------------ */

static ssize_t pg_write(void *cookie, const char *data, size_t len)
{
	struct pager *p = cookie;

	switch (p->state) {
	case PG_WAIT:
		if (p->mode == PAGER_ON) {
			start(p);
			break;
		}
		buf_add(&p->held, data, len);
		if (count(p, data, len) || p->held.len > PAGER_HOLD_MAX)
			start(p);
		return (ssize_t)len;
	case PG_PIPE:
	case PG_GONE:
	case PG_DIRECT:
		break;
	}
	if (p->state == PG_PIPE)
		to_pager(p, data, len);
	else if (p->state == PG_DIRECT) {
		fwrite(data, 1, len, p->real);
		fflush(p->real);
	}
	/* dropped once the pager is gone: no error for stdio to keep */
	return (ssize_t)len;
}

static const cookie_io_functions_t pg_io = {
	.read = NULL,
	.write = pg_write,
	.seek = NULL,
	.close = NULL,
};

struct pager *pager_begin(enum pager_mode m, unsigned flags, FILE *real, int rows, int cols,
			  const char *cmd)
{
	struct pager *p = xcalloc(1, sizeof(*p));

	p->mode = m;
	p->state = PG_WAIT;
	p->real = real;
	p->stream = real;
	p->fd = -1;
	p->pid = -1;
	buf_init(&p->held, 0);
	if (!cmd)
		cmd = pager_command();
	if (m == PAGER_OFF || (flags & PAGER_LIVE) || !cmd || !*cmd)
		return p;
	p->cmd = xstrdup(cmd);
	if (rows <= 0)
		rows = 24;
	if (cols <= 0)
		cols = 80;
	p->limit = rows > 1 ? (size_t)rows - 1 : 1;
	p->cols = (size_t)cols;
	p->stream = fopencookie(p, "w", pg_io);
	if (!p->stream) {
		fprintf(stderr, "imapsh: cannot page the output: %s\n", strerror(errno));
		p->stream = real;
		p->failed = true;
	}
	return p;
}

FILE *pager_stream(struct pager *p)
{
	return p->stream;
}

bool pager_started(const struct pager *p)
{
	return p->state == PG_PIPE || p->state == PG_GONE;
}

void pager_sync(struct pager *p)
{
	if (!p)
		return;
	fflush(p->stream);
	if (p->state == PG_WAIT && p->held.len) {
		/* the rows stay counted: they are on the screen now */
		fwrite(p->held.buf, 1, p->held.len, p->real);
		fflush(p->real);
		buf_reset(&p->held);
	}
}

/* Waits for the pager, through Ctrl-C (EINTR); its exit status, or -1. */
static int wait_pager(struct pager *p)
{
	int status;
	pid_t r;

	do
		r = waitpid(p->pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r != p->pid)
		return -1;
	return status;
}

int pager_end(struct pager *p)
{
	int rc = 0;

	if (!p)
		return 0;
	if (p->stream != p->real)
		fclose(p->stream); /* flushes through pg_write */
	else
		fflush(p->real);
	if (p->state == PG_WAIT && p->held.len) {
		fwrite(p->held.buf, 1, p->held.len, p->real);
		fflush(p->real);
	}
	if (p->state == PG_PIPE || p->state == PG_GONE) {
		int status;

		close(p->fd);
		status = wait_pager(p);
		/* 126, 127: sh could not run it (sh said why); the output is lost */
		if (status != -1 && WIFEXITED(status) &&
		    (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127)) {
			fprintf(stderr, "imapsh: the pager \"%s\" could not be run "
					"(set PAGER, or: pager off)\n", p->cmd);
			p->failed = true;
		}
	}
	if (p->failed)
		rc = -1;
	buf_release(&p->held);
	free(p->cmd);
	free(p);
	return rc;
}

const char *pager_command(void)
{
	const char *s = getenv("PAGER");

	if (!s)
		return "less";
	if (!s[strspn(s, " \t")] || !strcmp(s, "cat"))
		return NULL;
	return s;
}

static const char *const mode_names[] = { "off", "auto", "on" };

int pager_mode_parse(const char *s, enum pager_mode *m)
{
	size_t i;

	for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (!strcasecmp(s, mode_names[i])) {
			*m = (enum pager_mode)i;
			return 0;
		}
	}
	return -1;
}

const char *pager_mode_name(enum pager_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[m] : "?";
}
