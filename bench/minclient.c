/*
 * bench/minclient.c -- the smallest IMAP client that does the benchmark's
 * work: the reference imapsh is measured against (bench/run builds it with
 * cc -O2).
 *
 * usage: minclient [-l | -p | -r] [-o FILE] [-L FILE | -D DIR] [-b BYTES]
 *                  (-s COMMAND [-S] | -t HOST PORT) CMDFILE
 *
 * CMDFILE holds one IMAP command per line without its tag (LF or CRLF);
 * minclient tags them m1, m2, ... and sends them:
 *   -l  lock-step (default): send one command, read up to its tagged reply
 *   -p  pipelined: send all commands (interleaved with reading, so that
 *       neither side blocks), then read until every tagged reply is in
 *   -r  raw: send all commands as -p does, then read until the server closes
 *       the connection without looking at the replies at all (the file
 *       should end with LOGOUT); the lower bound of any client
 * Transport: -s COMMAND runs /bin/sh -c COMMAND with its stdin and stdout on
 * two pipes, as imapsh --stream and imaplib's IMAP4_stream do, or with -S
 * on one socketpair (as imapsh 0.1 did); -t HOST PORT connects over TCP.
 * The greeting is read before the first command is sent.
 *
 * The only parsing: find the end of each line, whether it starts with a tag
 * and whether it ends with a literal announcement {N}; literal data is then
 * passed through without looking at it.  Output:
 *   -o FILE  every byte received (default /dev/null)
 *   -L FILE  instead, literal data goes to FILE (the rest to -o)
 *   -D DIR   instead, each literal goes to its own file DIR/K.eml, K = 1, 2...
 * -b BYTES is the read size (default 65536, as imapsh).
 *
 * Exit status: 0 every command answered OK, 1 some NO or BAD, 2 error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum mode { MODE_LOCKSTEP, MODE_PIPELINED, MODE_RAW };

struct client {
	int fd;			/* connection: replies are read from here */
	int wfd;		/* commands are written here (fd but with -P) */
	int out;		/* everything that is not literal data (or all) */
	int lit;		/* literal data (-L); -1: to out */
	const char *litdir;	/* -D */
	unsigned long nlit;	/* literals seen */
	int litfd;		/* the current literal's file (-D) */

	char *buf;		/* read buffer */
	size_t cap, len, pos;	/* pos: start of unparsed data */
	size_t rsize;

	int in_line;		/* a line is being read */
	int cont;		/* this line continues after a literal */
	unsigned long long litleft;	/* literal bytes still to come */

	unsigned long tagged;	/* tagged replies seen */
	unsigned long failed;	/* ... that were not OK */
	int eof;
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("minclient: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			die("write: %s", strerror(errno));
		}
		p += k;
		n -= (size_t)k;
	}
}

static int connect_tcp(const char *host, const char *port)
{
	struct addrinfo hints = { 0 }, *res, *ai;
	int fd = -1, rc;

	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		die("%s: %s", host, gai_strerror(rc));
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		die("cannot connect to %s port %s", host, port);
	return fd;
}

/* run COMMAND on two pipes (as imapsh and imaplib's IMAP4_stream do), or
 * without use_pipes on a socketpair: *wfd gets the descriptor to write
 * commands to, the result is the one to read replies from */
static int spawn(const char *command, int use_pipes, pid_t *pid, int *wfd)
{
	int sv[2], in[2], out[2];

	if (use_pipes) {
		if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
			die("pipe: %s", strerror(errno));
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			die("socketpair: %s", strerror(errno));
		in[0] = out[1] = sv[1];
		in[1] = out[0] = sv[0];
	}
	*pid = fork();
	if (*pid < 0)
		die("fork: %s", strerror(errno));
	if (*pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	if (use_pipes) {
		close(in[0]);
		close(out[1]);
	} else {
		close(sv[1]);
	}
	*wfd = in[1];
	return out[0];
}

/* the commands of CMDFILE, tagged, CRLF-terminated, in one buffer; *offs
 * gets the offset where each command starts (and one past the last) */
static char *load_commands(const char *path, size_t *len, size_t **offs, size_t *ncmd)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *out = NULL;
	size_t lcap = 0, cap = 0, n = 0, ocap = 0, k = 0;
	ssize_t got;

	if (!f)
		die("%s: %s", path, strerror(errno));
	*offs = NULL;
	while ((got = getline(&line, &lcap, f)) >= 0) {
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			got--;
		if (got == 0)
			continue;
		if (n + (size_t)got + 32 > cap) {
			cap = (n + (size_t)got + 32) * 2;
			out = realloc(out, cap);
		}
		if (k + 2 > ocap) {
			ocap = (k + 2) * 2;
			*offs = realloc(*offs, ocap * sizeof(**offs));
		}
		if (!out || !*offs)
			die("out of memory");
		(*offs)[k++] = n;
		n += (size_t)sprintf(out + n, "m%zu ", k);
		memcpy(out + n, line, (size_t)got);
		n += (size_t)got;
		out[n++] = '\r';
		out[n++] = '\n';
	}
	free(line);
	fclose(f);
	if (k == 0)
		die("%s: no commands", path);
	(*offs)[k] = n;
	*len = n;
	*ncmd = k;
	return out;
}

/* {N}\r\n at the end of the line [p, p+n) (n includes the LF): N, else -1 */
static long long literal_size(const char *p, size_t n)
{
	size_t i;
	unsigned long long v = 0, mul = 1;

	if (n < 4 || p[n - 2] != '\r' || p[n - 3] != '}')
		return -1;
	i = n - 3;
	if (i > 0 && p[i - 1] == '+')
		i--;
	if (i == 0 || p[i - 1] < '0' || p[i - 1] > '9')
		return -1;
	while (i > 0 && p[i - 1] >= '0' && p[i - 1] <= '9') {
		v += (unsigned long long)(p[i - 1] - '0') * mul;
		mul *= 10;
		i--;
	}
	if (i == 0 || p[i - 1] != '{')
		return -1;
	return (long long)v;
}

static void literal_start(struct client *c)
{
	char path[4096];

	c->nlit++;
	if (!c->litdir)
		return;
	snprintf(path, sizeof(path), "%s/%lu.eml", c->litdir, c->nlit);
	c->litfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c->litfd < 0)
		die("%s: %s", path, strerror(errno));
}

static void literal_data(struct client *c, const char *p, size_t n)
{
	if (c->litdir)
		write_all(c->litfd, p, n);
	else if (c->lit >= 0)
		write_all(c->lit, p, n);
}

static void literal_end(struct client *c)
{
	if (c->litdir) {
		close(c->litfd);
		c->litfd = -1;
	}
}

/* a complete line [p, p+n) (n includes the LF, and may be a continuation
 * after a literal) */
static void line_done(struct client *c, const char *p, size_t n)
{
	long long lit;

	if (!c->cont && n > 2 && p[0] == 'm' && p[1] >= '0' && p[1] <= '9') {
		const char *sp = memchr(p, ' ', n);

		if (sp && (size_t)(sp - p) + 3 <= n) {
			c->tagged++;
			if (sp[1] != 'O' || sp[2] != 'K')
				c->failed++;
		}
	}
	lit = literal_size(p, n);
	if (lit >= 0) {
		c->litleft = (unsigned long long)lit;
		c->cont = 1;
		literal_start(c);
		if (lit == 0)
			literal_end(c);
	} else {
		c->cont = 0;
	}
}

/* parse what is in the buffer: whole lines and literal data */
static void parse(struct client *c)
{
	int split = c->litdir || c->lit >= 0;

	for (;;) {
		if (c->litleft > 0) {
			size_t n = c->len - c->pos;

			if (n == 0)
				break;
			if (n > c->litleft)
				n = (size_t)c->litleft;
			if (split)
				literal_data(c, c->buf + c->pos, n);
			c->pos += n;
			c->litleft -= n;
			if (c->litleft == 0)
				literal_end(c);
			continue;
		}
		char *nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
		if (!nl)
			break;
		size_t n = (size_t)(nl - (c->buf + c->pos)) + 1;

		if (split)
			write_all(c->out, c->buf + c->pos, n);
		line_done(c, c->buf + c->pos, n);
		c->pos += n;
	}
	/* keep only an unfinished line */
	if (c->pos > 0) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
}

/* one read(); returns 0 at EOF */
static int fill(struct client *c, int parse_it)
{
	ssize_t n;

	if (c->cap - c->len < c->rsize) {
		c->cap = c->len + c->rsize;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			die("out of memory");
	}
	do
		n = read(c->fd, c->buf + c->len, c->rsize);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN)
			return 1;
		die("read: %s", strerror(errno));
	}
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	if (!parse_it || !(c->litdir || c->lit >= 0))
		write_all(c->out, c->buf + c->len, (size_t)n);
	if (!parse_it)
		return 1;	/* raw: nothing kept */
	c->len += (size_t)n;
	parse(c);
	return 1;
}

static void read_greeting(struct client *c)
{
	while (!c->eof) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl) {
			size_t n = (size_t)(nl - c->buf) + 1;

			if (c->litdir || c->lit >= 0)
				write_all(c->out, c->buf, n);
			c->pos = n;
			return;
		}
		/* no parsing before the greeting's end */
		if (c->cap - c->len < c->rsize) {
			c->cap = c->len + c->rsize;
			c->buf = realloc(c->buf, c->cap);
			if (!c->buf)
				die("out of memory");
		}
		ssize_t k = read(c->fd, c->buf + c->len, c->rsize);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("no greeting");
		if (!(c->litdir || c->lit >= 0))
			write_all(c->out, c->buf + c->len, (size_t)k);
		c->len += (size_t)k;
	}
}

/* send [p, p+n) while reading (so that neither side blocks the other), then
 * read until `want` tagged replies are in (raw: until EOF) */
static void pump(struct client *c, const char *p, size_t n, unsigned long want, int raw)
{
	int fl = fcntl(c->wfd, F_GETFL);
	int same = c->wfd == c->fd;

	fcntl(c->wfd, F_SETFL, fl | O_NONBLOCK);
	while (n > 0) {
		struct pollfd pfd[2] = {
			{ .fd = c->fd, .events = POLLIN | (same ? POLLOUT : 0) },
			{ .fd = c->wfd, .events = POLLOUT },
		};
		short wev;

		if (poll(pfd, same ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (!fill(c, !raw))
				die("server closed the connection while commands were sent");
		}
		wev = same ? pfd[0].revents : pfd[1].revents;
		if (wev & (POLLOUT | POLLERR)) {
			ssize_t k = write(c->wfd, p, n);

			if (k < 0 && errno != EAGAIN && errno != EINTR)
				die("write: %s", strerror(errno));
			if (k > 0) {
				p += k;
				n -= (size_t)k;
			}
		}
	}
	fcntl(c->wfd, F_SETFL, fl);
	while (raw ? !c->eof : c->tagged < want)
		if (!fill(c, !raw) && !raw)
			die("server closed the connection after %lu of %lu replies",
			    c->tagged, want);
}

int main(int argc, char **argv)
{
	struct client c = { .lit = -1, .litfd = -1, .rsize = 65536 };
	enum mode mode = MODE_LOCKSTEP;
	const char *outpath = "/dev/null", *litpath = NULL, *command = NULL;
	const char *host = NULL, *port = NULL;
	size_t len, ncmd, *offs, i;
	pid_t pid = -1;
	char *cmds;
	int opt, status, use_pipes = 1;

	while ((opt = getopt(argc, argv, "lpro:L:D:b:s:St:")) != -1) {
		switch (opt) {
		case 'l': mode = MODE_LOCKSTEP; break;
		case 'p': mode = MODE_PIPELINED; break;
		case 'r': mode = MODE_RAW; break;
		case 'o': outpath = optarg; break;
		case 'L': litpath = optarg; break;
		case 'D': c.litdir = optarg; break;
		case 'b': c.rsize = strtoul(optarg, NULL, 10); break;
		case 's': command = optarg; break;
		case 'S': use_pipes = 0; break;
		case 't':
			if (optind >= argc)
				die("-t needs HOST PORT");
			host = optarg;
			port = argv[optind++];
			break;
		default:
			fprintf(stderr, "usage: minclient [-l|-p|-r] [-o FILE] [-L FILE|-D DIR] "
				"[-b BYTES] (-s COMMAND [-S] | -t HOST PORT) CMDFILE\n");
			return 2;
		}
	}
	if (optind + 1 != argc || !!command == !!host || c.rsize == 0)
		die("usage: minclient [-l|-p|-r] [-o FILE] [-L FILE|-D DIR] [-b BYTES] "
		    "(-s COMMAND [-S] | -t HOST PORT) CMDFILE");
	signal(SIGPIPE, SIG_IGN);
	cmds = load_commands(argv[optind], &len, &offs, &ncmd);
	c.out = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c.out < 0)
		die("%s: %s", outpath, strerror(errno));
	if (litpath) {
		c.lit = open(litpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (c.lit < 0)
			die("%s: %s", litpath, strerror(errno));
	}
	if (command) {
		c.fd = spawn(command, use_pipes, &pid, &c.wfd);
	} else {
		c.fd = connect_tcp(host, port);
		c.wfd = c.fd;
	}

	read_greeting(&c);
	if (mode == MODE_RAW) {
		/* whatever followed the greeting is output already */
		c.len = c.pos = 0;
		pump(&c, cmds, len, 0, 1);
	} else {
		parse(&c);
		if (mode == MODE_PIPELINED) {
			pump(&c, cmds, len, ncmd, 0);
		} else {
			for (i = 0; i < ncmd; i++) {
				write_all(c.wfd, cmds + offs[i], offs[i + 1] - offs[i]);
				while (c.tagged < i + 1)
					if (!fill(&c, 1))
						die("server closed the connection after %lu of %zu replies",
						    c.tagged, ncmd);
			}
		}
	}
	close(c.fd);
	if (c.wfd != c.fd)
		close(c.wfd);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (c.lit >= 0 && close(c.lit) < 0)
		die("%s: %s", litpath, strerror(errno));
	if (close(c.out) < 0)
		die("%s: %s", outpath, strerror(errno));
	free(cmds);
	free(offs);
	free(c.buf);
	return c.failed ? 1 : 0;
}
