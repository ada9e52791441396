/*
 * check_net.c - the TCP and child-process transports (src/net), on
 * loopback only: tables of cases for what fails to open, what times out
 * and how a server process ends, each run by one loop test, and the
 * one-off tests around them.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/transport.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A listening socket on the loopback address of family, port 0.  -1 when
 * the family is not available here. */
static int listener(int family, int backlog, char *port, size_t portlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, backlog) < 0) {
		close(fd);
		return -1;
	}
	sl = sizeof(ss);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	snprintf(port, portlen, "%u",
		 ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					  : ((struct sockaddr_in *)&ss)->sin_port));
	return fd;
}

/* The port of the peer of an accepted socket (our client's local port). */
static unsigned peer_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&ss, &sl), 0);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Reads until want bytes or EOF/error; returns the count. */
static size_t read_all(struct net_conn *c, char *buf, size_t want, struct imap_err *err)
{
	size_t got = 0;
	while (got < want) {
		ssize_t n = net_read(c, buf + got, want - got, err);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Reads to EOF into b; returns 0 at EOF, -1 on error. */
static int read_to_eof(struct net_conn *c, struct buf *b, struct imap_err *err)
{
	char tmp[65536];
	for (;;) {
		ssize_t n = net_read(c, tmp, sizeof(tmp), err);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		buf_add(b, tmp, (size_t)n);
	}
}

/* How an error message is compared with the expected one. */
enum match {
	MSG_IS,            /* the whole message */
	MSG_STARTS,        /* its start (more may follow, e.g. " (tried ...)") */
	MSG_STARTS_REASON, /* its start, and a reason of more than ": x" after it */
};

static void expect_msg(const char *msg, const char *want, enum match m)
{
	if (m == MSG_IS) {
		ck_assert_str_eq(msg, want);
		return;
	}
	ck_assert_msg(strncmp(msg, want, strlen(want)) == 0, "got: %s (want it to start: %s)", msg,
		      want);
	if (m == MSG_STARTS_REASON)
		ck_assert_uint_gt(strlen(msg), strlen(want) + 3);
}

/* want with "{port}" replaced by port, into out. */
static void with_port(char *out, size_t size, const char *want, const char *port)
{
	const char *at = strstr(want, "{port}");

	if (at)
		snprintf(out, size, "%.*s%s%s", (int)(at - want), want, port, at + strlen("{port}"));
	else
		snprintf(out, size, "%s", want);
}

/* A listener on family's loopback address (its fd in *lfd, its port in
 * port) and a connection to it by the name host, with timeout_ms.  NULL,
 * with a note, when the family is not available here. */
static struct net_conn *tcp_open(int family, const char *host, int timeout_ms, int *lfd,
				 char *port, size_t portlen)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct net_conn *c;

	*lfd = listener(family, 5, port, portlen);
	if (*lfd < 0) {
		fprintf(stderr, "note: %s not available, skipped\n", host);
		return NULL;
	}
	c = net_tcp_connect(host, port, timeout_ms, &err);
	ck_assert_msg(c != NULL, "%s: connect: %s", host, err.msg);
	return c;
}

/* tcp_open on 127.0.0.1, which must be there. */
static struct net_conn *tcp_open4(int timeout_ms, int *lfd, char *port, size_t portlen)
{
	struct net_conn *c = tcp_open(AF_INET, "127.0.0.1", timeout_ms, lfd, port, portlen);

	ck_assert_int_ge(*lfd, 0);
	return c;
}

/* A listener on 127.0.0.1 whose accept queue is full (backlog 0 and
 * fill[0..2] connected, not accepted): it drops further SYNs. */
static int full_listener(char *port, size_t portlen, int fill[3])
{
	struct sockaddr_in sa;
	int lfd = listener(AF_INET, 0, port, portlen), i;

	ck_assert_int_ge(lfd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)atoi(port));
	for (i = 0; i < 3; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(50 * 1000);
	return lfd;
}

/* "exit 0" read to its end: a server that is gone, its input pipe broken. */
static struct net_conn *spawn_gone(struct buf *data, struct imap_err *err)
{
	struct net_conn *c = net_child_spawn("exit 0", 2000, err);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, data, err), 0);
	return c;
}

/* ---------------------------------------------------------------- TCP */

/* The loopback addresses, by the name we connect to. */
static const struct loopback {
	int family;
	const char *host;
	const char *addr; /* as net_describe writes it; NULL: not known in advance */
} loopbacks[] = {
	{ AF_INET, "127.0.0.1", "127.0.0.1" },
	{ AF_INET6, "::1", "[::1]" },
	{ AF_INET, "localhost", NULL }, /* through getaddrinfo's list */
};
#define NUMERIC_LOOPBACKS 2 /* the rows with an addr, first */

START_TEST(test_tcp_round_trip)
{
	const struct loopback *lb = &loopbacks[_i];
	struct imap_err err = IMAP_ERR_INIT;
	struct buf desc = BUF_INIT;
	char port[16], want[128], got[64];
	struct net_conn *c;
	int lfd, sfd;

	c = tcp_open(lb->family, lb->host, 2000, &lfd, port, sizeof(port));
	if (!c)
		return;
	ck_assert_str_eq(c->ops->name, "tcp");
	ck_assert_int_eq(c->timeout_ms, 2000);
	sfd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(sfd, 0);

	net_describe(c, &desc);
	snprintf(want, sizeof(want), "tcp %s:%s (local %s:%u)", lb->addr, port, lb->addr,
		 peer_port(sfd));
	ck_assert_str_eq(desc.buf, want);
	ck_assert_int_ge(c->ops->pollfd(c), 0);
	ck_assert_uint_eq(c->ops->pending(c), 0);

	/* server -> client */
	ck_assert_int_eq(write(sfd, "* OK hi\r\n", 9), 9);
	ck_assert_uint_eq(read_all(c, got, 9, &err), 9);
	ck_assert_int_eq(memcmp(got, "* OK hi\r\n", 9), 0);

	/* client -> server */
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), 0);
	ck_assert_int_eq(recv(sfd, got, 9, MSG_WAITALL), 9);
	ck_assert_int_eq(memcmp(got, "a1 NOOP\r\n", 9), 0);

	/* half-close: the server sees EOF, we can still read */
	ck_assert_int_eq(c->ops->shutdown_write(c, &err), 0);
	ck_assert_int_eq(read(sfd, got, sizeof(got)), 0);
	ck_assert_int_eq(write(sfd, "x", 1), 1);
	ck_assert_int_eq(net_read(c, got, sizeof(got), &err), 1);

	/* server closes: EOF is 0, not an error */
	close(sfd);
	err_clear(&err);
	ck_assert_int_eq(net_read(c, got, sizeof(got), &err), 0);
	ck_assert_int_eq(err.kind, IMAP_ERR_NONE);

	net_close(c, NULL);
	close(lfd);
	buf_release(&desc);
}
END_TEST

/* TCP_NODELAY on every connection we make (curl does the same): a short
 * command goes out at once instead of waiting for the previous ACK. */
START_TEST(test_tcp_nodelay)
{
	const struct loopback *lb = &loopbacks[_i];
	char port[16];
	struct net_conn *c;
	int lfd, sfd, on = -1;
	socklen_t sl = sizeof(on);

	c = tcp_open(lb->family, lb->host, 2000, &lfd, port, sizeof(port));
	if (!c)
		return;
	ck_assert_int_eq(getsockopt(c->ops->pollfd(c), IPPROTO_TCP, TCP_NODELAY, &on, &sl), 0);
	ck_assert_msg(on != 0, "%s: TCP_NODELAY is off", lb->host);
	/* the kernel's default is off: the check above means something */
	sfd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(sfd, 0);
	on = -1;
	sl = sizeof(on);
	ck_assert_int_eq(getsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &on, &sl), 0);
	ck_assert_int_eq(on, 0);
	close(sfd);
	net_close(c, NULL);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_not_a_child)
{
	struct buf msg = BUF_INIT;
	char port[16];
	int lfd;
	struct net_conn *c = tcp_open4(2000, &lfd, port, sizeof(port));

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(net_child_exit_status(c, &msg), -1);
	ck_assert_uint_eq(msg.len, 0);
	ck_assert_int_eq(net_child_exit_status(NULL, &msg), -1);
	net_close(c, &msg);
	net_close(NULL, &msg);
	close(lfd);
}
END_TEST

/* ------------------------------------------------ what fails to open */

enum peer {
	PEER_PORT,   /* the port as given */
	PEER_CLOSED, /* a port just listened on and closed: nothing listens there any more */
	PEER_FULL,   /* a listener whose accept queue is full: full_listener */
};

/* net_tcp_connect(host, port) or, with cmd, net_child_spawn(cmd): NULL,
 * with this error, within these bounds (0: not timed). */
static const struct open_fail {
	const char *cmd;
	const char *host;
	const char *port;
	enum peer peer;
	int timeout_ms;
	enum imap_err_kind kind;
	const char *want; /* "{port}" stands for the port */
	enum match match;
	long long min_ms, max_ms;
} open_fails[] = {
	/* a listener whose accept queue is full drops further SYNs */
	{ NULL, "127.0.0.1", NULL, PEER_FULL, 300, IMAP_ERR_ABORT,
	  "timed out after 0.3 s connecting to 127.0.0.1 port {port}", MSG_IS, 250, 3000 },
	{ NULL, "127.0.0.1", NULL, PEER_CLOSED, 2000, IMAP_ERR_ABORT,
	  "cannot connect to 127.0.0.1 port {port}: Connection refused", MSG_IS, 0, 0 },
	{ NULL, "127.0.0.1", "1", PEER_PORT, 2000, IMAP_ERR_ABORT,
	  "cannot connect to 127.0.0.1 port 1: Connection refused", MSG_IS, 0, 0 },
	/* "localhost" may give several addresses: each is tried, all are named */
	{ NULL, "localhost", "1", PEER_PORT, 2000, IMAP_ERR_ABORT,
	  "cannot connect to localhost port 1: Connection refused", MSG_STARTS, 0, 0 },
	/* a reason follows, whatever the resolver said */
	{ NULL, "nonexistent.invalid", "143", PEER_PORT, 2000, IMAP_ERR_ABORT,
	  "cannot resolve host nonexistent.invalid", MSG_STARTS_REASON, 0, 0 },
	{ NULL, "127.0.0.1", "no-such-service-x", PEER_PORT, 2000, IMAP_ERR_ABORT,
	  "cannot resolve host 127.0.0.1: unknown port \"no-such-service-x\"", MSG_STARTS, 0, 0 },
	{ "", NULL, NULL, PEER_PORT, 2000, IMAP_ERR_ERROR, "the server command is empty", MSG_IS, 0,
	  0 },
};

START_TEST(test_open_fails)
{
	const struct open_fail *f = &open_fails[_i];
	struct imap_err err = IMAP_ERR_INIT;
	char ours[16] = "", want[256];
	const char *port = f->port ? f->port : ours;
	int lfd = -1, fill[3] = { -1, -1, -1 }, i;
	struct net_conn *c;
	long long t0, dt;

	if (f->peer == PEER_CLOSED) {
		lfd = listener(AF_INET, 5, ours, sizeof(ours));
		ck_assert_int_ge(lfd, 0);
		close(lfd);
		lfd = -1;
	} else if (f->peer == PEER_FULL) {
		lfd = full_listener(ours, sizeof(ours), fill);
	}
	t0 = now_ms();
	if (f->cmd)
		c = net_child_spawn(f->cmd, f->timeout_ms, &err);
	else
		c = net_tcp_connect(f->host, port, f->timeout_ms, &err);
	dt = now_ms() - t0;
	ck_assert_ptr_null(c);
	ck_assert_int_eq(err.kind, f->kind);
	with_port(want, sizeof(want), f->want, port);
	expect_msg(err.msg, want, f->match);
	if (f->min_ms)
		ck_assert_int_ge(dt, f->min_ms);
	if (f->max_ms)
		ck_assert_int_lt(dt, f->max_ms);
	for (i = 0; i < 3; i++)
		if (fill[i] >= 0)
			close(fill[i]);
	if (lfd >= 0)
		close(lfd);
}
END_TEST

/* ------------------------------------------------------ what times out */

/* A wait on a server that stays silent (cmd, or with cmd NULL a TCP
 * server on 127.0.0.1 that never accepts) ends after timeout_ms with want;
 * the server is still there, and net_close reports report. */
static const struct io_timeout {
	const char *cmd;
	int timeout_ms;
	size_t write_len; /* bytes sent, of zeros; 0: a read instead */
	const char *want;
	enum match match;
	long long min_ms, max_ms;             /* bounds on the wait; 0: none */
	const char *report;                   /* NULL: net_close asked for none */
	long long close_min_ms, close_max_ms; /* bounds on net_close; 0: none */
} io_timeouts[] = {
	{ NULL, 200, 0, "timed out after 0.2 s waiting for the server", MSG_IS, 150, 2000, NULL, 0, 0 },
	/* a server that never reads: the socket buffers fill, then we stop */
	{ NULL, 300, 64 * 1024 * 1024, "timed out after 0.3 s sending to the server", MSG_STARTS, 0,
	  5000, NULL, 0, 0 },
	{ "cat >/dev/null", 200, 0, "timed out after 0.2 s waiting for the server", MSG_IS, 150, 0,
	  "child exited with status 0", 0, 0 },
	/* close: EOF does not stop sleep; after the grace period, SIGTERM */
	{ "sleep 5", 300, 10 * 1024 * 1024,
	  "timed out after 0.3 s sending to the server (it is not reading)", MSG_IS, 0, 3000,
	  "child killed by signal 15 (Terminated) (sent SIGTERM after it did not exit)", 1900, 4000 },
};

START_TEST(test_io_timeout)
{
	const struct io_timeout *t = &io_timeouts[_i];
	struct imap_err err = IMAP_ERR_INIT;
	struct buf report = BUF_INIT;
	char port[16], b[16], *big = t->write_len ? calloc(1, t->write_len) : NULL;
	struct net_conn *c;
	long long t0, dt;
	int lfd = -1;

	if (t->cmd)
		c = net_child_spawn(t->cmd, t->timeout_ms, &err);
	else
		c = tcp_open4(t->timeout_ms, &lfd, port, sizeof(port));
	ck_assert_msg(c != NULL, "open: %s", err.msg);
	t0 = now_ms();
	if (t->write_len)
		ck_assert_int_eq(net_write(c, big, t->write_len, &err), -1);
	else
		ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	dt = now_ms() - t0;
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	expect_msg(err.msg, t->want, t->match);
	if (t->min_ms)
		ck_assert_int_ge(dt, t->min_ms);
	if (t->max_ms)
		ck_assert_int_lt(dt, t->max_ms);
	ck_assert_int_eq(net_child_exit_status(c, NULL), -1); /* still running, or no child */

	t0 = now_ms();
	net_close(c, t->report ? &report : NULL);
	dt = now_ms() - t0;
	if (t->report)
		ck_assert_str_eq(report.buf, t->report);
	if (t->close_min_ms)
		ck_assert_int_ge(dt, t->close_min_ms);
	if (t->close_max_ms)
		ck_assert_int_lt(dt, t->close_max_ms);
	if (lfd >= 0)
		close(lfd);
	buf_release(&report);
	free(big);
}
END_TEST

/* ------------------------------------------- how a server process ends */

/* cmd is given input (then EOF on its stdin), writes data and ends with
 * status: what a read at EOF, net_child_exit_status, net_describe and
 * net_close say of it. */
static const struct child_end {
	const char *cmd;
	const char *input;   /* written, then shutdown_write; NULL: neither */
	const char *data;    /* all it wrote */
	const char *status;  /* as net_child_exit_status words it */
	int exit_code;       /* when signo is 0 */
	int signo;           /* the signal that killed it; 0: it exited */
	bool quiet;          /* its stderr goes to /dev/null */
	bool ignore_sigpipe; /* SIGPIPE is ignored here while it starts */
} child_ends[] = {
	{ "printf '* PREAUTH hi\\r\\n'", NULL, "* PREAUTH hi\r\n", "exited with status 0", 0, 0, false,
	  false },
	{ "exit 3", NULL, "", "exited with status 3", 3, 0, false, false },
	{ "kill -9 $$", NULL, "", "killed by signal 9 (Killed)", 0, 9, false, false },
	/* sh complains on our stderr: keep the test output clean */
	{ "/nonexistent/imapd --foo", NULL, "", "exited with status 127", 127, 0, true, false },
	/* we ignore SIGPIPE; the server must not inherit that */
	{ "kill -PIPE $$; exit 0", NULL, "", "killed by signal 13 (Broken pipe)", 0, 13, false, true },
	{ "cat; echo done", "abc\n", "abc\ndone\n", "exited with status 0", 0, 0, false, false },
	/* imaplib's IMAP4_stream: the server's stdin and stdout are pipes; its
	 * connection counts as local; shutdown_write gives it EOF and later
	 * writes fail with a reason. */
	{ "test -p /dev/stdin && test -p /dev/stdout && echo pipes; cat; echo eof", "x\n",
	  "pipes\nx\neof\n", "exited with status 0", 0, 0, false, false },
};

START_TEST(test_child_end)
{
	const struct child_end *e = &child_ends[_i];
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, msg = BUF_INIT, desc = BUF_INIT;
	char want[256];
	const char *got;
	void (*old_sigpipe)(int) = SIG_DFL;
	int saved_stderr = -1, st;
	struct net_conn *c;

	if (e->ignore_sigpipe)
		old_sigpipe = signal(SIGPIPE, SIG_IGN);
	if (e->quiet) {
		int devnull = open("/dev/null", O_WRONLY);
		ck_assert_int_ge(devnull, 0);
		saved_stderr = dup(2);
		dup2(devnull, 2);
		close(devnull);
	}
	c = net_child_spawn(e->cmd, 2000, &err);
	if (saved_stderr >= 0) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
	}
	ck_assert_msg(c != NULL, "spawn: %s", err.msg);
	ck_assert(net_peer_is_local(c));
	if (e->input) {
		ck_assert_int_eq(net_write(c, e->input, strlen(e->input), &err), 0);
		ck_assert_int_eq(c->ops->shutdown_write(c, &err), 0);
	}
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	got = data.len ? data.buf : "";
	ck_assert_str_eq(got, e->data);
	/* EOF stays a 0 return; err says how the server ended */
	snprintf(want, sizeof(want), "server process %s", e->status);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	st = net_child_exit_status(c, &msg);
	if (e->signo)
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == e->signo);
	else
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == e->exit_code);
	ck_assert_str_eq(msg.buf, e->status);
	net_describe(c, &desc);
	snprintf(want, sizeof(want), ": %s (%s)", e->cmd, e->status);
	ck_assert_pstr_eq(strstr(desc.buf, want), strchr(desc.buf, ':'));
	/* reading again at EOF is still EOF */
	ck_assert_int_eq(net_read(c, want, 1, &err), 0);
	if (e->input) {
		ck_assert_int_eq(net_write(c, "y\n", 2, &err), -1);
		ck_assert_str_eq(err.msg, "cannot write to the server: its input was closed (shutdown)");
	}
	buf_reset(&msg);
	net_close(c, &msg);
	snprintf(want, sizeof(want), "child %s", e->status);
	ck_assert_str_eq(msg.buf, want);
	if (e->ignore_sigpipe)
		signal(SIGPIPE, old_sigpipe);
	buf_release(&data);
	buf_release(&msg);
	buf_release(&desc);
}
END_TEST

/* --------------------------------------------------- one-off: children */

START_TEST(test_child_cat_echo)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf desc = BUF_INIT, report = BUF_INIT;
	char got[128], want[64];
	struct net_conn *c = net_child_spawn("cat", 2000, &err);

	ck_assert_msg(c != NULL, "spawn: %s", err.msg);
	ck_assert_str_eq(c->ops->name, "child");
	ck_assert_int_eq(c->timeout_ms, 2000);
	ck_assert_int_ge(c->ops->pollfd(c), 0);
	ck_assert_uint_eq(c->ops->pending(c), 0);
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), 0);
	ck_assert_uint_eq(read_all(c, got, 9, &err), 9);
	ck_assert_int_eq(memcmp(got, "a1 NOOP\r\n", 9), 0);

	net_describe(c, &desc);
	ck_assert_int_eq(sscanf(desc.buf, "child pid %63[0-9]: cat", want), 1);
	snprintf(got, sizeof(got), "child pid %s: cat", want);
	ck_assert_str_eq(desc.buf, got); /* still running: no status */
	ck_assert_int_eq(net_child_exit_status(c, NULL), -1);

	net_close(c, &report); /* cat exits at EOF on its stdin */
	ck_assert_str_eq(report.buf, "child exited with status 0");
	buf_release(&desc);
	buf_release(&report);
}
END_TEST

START_TEST(test_child_big_output)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT;
	size_t n = 10 * 1024 * 1024, i;
	struct net_conn *c = net_child_spawn("head -c 10485760 /dev/zero | tr '\\0' x", 5000, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(read_to_eof(c, &data, &err) == 0, "read: %s", err.msg);
	ck_assert_uint_eq(data.len, n);
	for (i = 0; i < n && data.buf[i] == 'x'; i++)
		;
	ck_assert_uint_eq(i, n);
	net_close(c, NULL);
	buf_release(&data);
}
END_TEST

START_TEST(test_child_sigkill_after_sigterm)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf report = BUF_INIT;
	/* ignores SIGTERM (set up inside, so it is not "ignored on entry") */
	struct net_conn *c = net_child_spawn("trap '' TERM; sleep 4", 0, &err);

	ck_assert_ptr_nonnull(c);
	net_close(c, &report);
	ck_assert_str_eq(report.buf,
			 "child killed by signal 9 (Killed) (sent SIGKILL after it did not exit)");
	buf_release(&report);
}
END_TEST

START_TEST(test_child_sigpipe)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT;
	struct net_conn *c;
	int i;

	signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill this test */
	c = spawn_gone(&data, &err);
	for (i = 0; i < 3; i++) {
		err_clear(&err);
		ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_str_eq(err.msg, "cannot write to the server: Broken pipe "
					  "(server process exited with status 0)");
	}
	net_close(c, NULL);
	buf_release(&data);
}
END_TEST

/* The SIGPIPE a pipe write raises is taken back: with the signal blocked
 * by us, none is left pending afterwards; one pending before stays. */
START_TEST(test_child_sigpipe_not_left_pending)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT;
	sigset_t set, pending;
	struct net_conn *c;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &set, NULL);
	c = spawn_gone(&data, &err);
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), -1);
	sigpending(&pending);
	ck_assert_int_eq(sigismember(&pending, SIGPIPE), 0);

	raise(SIGPIPE); /* someone else's: must survive our write */
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), -1);
	sigpending(&pending);
	ck_assert_int_eq(sigismember(&pending, SIGPIPE), 1);
	net_close(c, NULL);
	buf_release(&data);
}
END_TEST

/* ---- Ctrl-C: net_set_interrupt with a flag and a self-pipe, as the shell */

static volatile sig_atomic_t int_flag;
static int int_pipe[2];

static void on_alarm(int sig)
{
	(void)sig;
	int_flag = 1;
	if (write(int_pipe[1], "", 1) < 0) {
		/* the test fails on the missing wake-up */
	}
}

/* Arms a SIGALRM after ms that does what the shell's SIGINT handler does. */
static void interrupt_after(int ms)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };

	ck_assert_int_eq(pipe(int_pipe), 0);
	int_flag = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	net_set_interrupt(&int_flag, int_pipe[0]);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void interrupt_off(void)
{
	net_set_interrupt(NULL, -1);
	close(int_pipe[0]);
	close(int_pipe[1]);
}

/* A read waiting forever on a silent server ends at Ctrl-C; the server,
 * in a process group of its own, is not hit by the terminal's SIGINT. */
START_TEST(test_interrupt_read)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf report = BUF_INIT;
	struct net_conn *c;
	char b[16];
	long long t0;

	interrupt_after(200);
	ck_assert(net_interrupt_enabled());
	ck_assert_int_eq(net_interrupt_fd(), int_pipe[0]);
	c = net_child_spawn("exec cat", 0, &err);
	ck_assert_ptr_nonnull(c);
	t0 = now_ms();
	ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	ck_assert_int_ge(now_ms() - t0, 150);
	ck_assert_int_lt(now_ms() - t0, 2000);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, "interrupted");
	ck_assert(net_interrupted());
	/* still set: every later wait fails at once too */
	ck_assert_int_eq(net_write(c, "x\n", 2, &err), -1);
	ck_assert_str_eq(err.msg, "interrupted");
	interrupt_off();
	ck_assert(!net_interrupted());
	ck_assert_int_eq(net_write(c, "x\n", 2, &err), 0);
	ck_assert_uint_eq(read_all(c, b, 2, &err), 2);
	net_close(c, &report);
	ck_assert_str_eq(report.buf, "child exited with status 0");
	buf_release(&report);
}
END_TEST

/* The wake-up byte alone is enough: a Ctrl-C that came between the check
 * of the flag and the poll() is not lost. */
START_TEST(test_interrupt_wake_fd_only)
{
	struct imap_err err = IMAP_ERR_INIT;
	volatile sig_atomic_t never = 0;
	int p[2];
	struct net_conn *c;
	char b[16];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "", 1), 1);
	net_set_interrupt(&never, p[0]);
	c = net_child_spawn("exec cat", 0, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	ck_assert_str_eq(err.msg, "interrupted");
	net_set_interrupt(NULL, -1);
	net_close(c, NULL);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* A read from a TCP server that never speaks ends at Ctrl-C. */
START_TEST(test_interrupt_tcp_read)
{
	struct imap_err err = IMAP_ERR_INIT;
	char port[16], b[16];
	int lfd;
	struct net_conn *c = tcp_open4(0, &lfd, port, sizeof(port));

	ck_assert_ptr_nonnull(c);
	interrupt_after(100);
	ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	ck_assert_str_eq(err.msg, "interrupted");
	interrupt_off();
	net_close(c, NULL);
	close(lfd);
}
END_TEST

START_TEST(test_child_fds_and_group)
{
	/* no fd of ours leaks into the server; it stays in our process group */
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, desc = BUF_INIT;
	char cmd[256], want[64];
	int p[2];
	long pid;
	struct net_conn *c;

	ck_assert_int_eq(pipe(p), 0); /* not close-on-exec */
	snprintf(cmd, sizeof(cmd),
		 "if test -e /proc/$$/fd/%d; then echo leak; else echo clean; fi; "
		 "echo $$ $(cut -d' ' -f5 /proc/$$/stat); exec ls /proc/self/fd",
		 p[1]);
	c = net_child_spawn(cmd, 2000, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	net_describe(c, &desc);
	ck_assert_int_eq(sscanf(desc.buf, "child pid %ld:", &pid), 1);
	/* fds 0 1 2, and 3: the directory ls is reading */
	snprintf(want, sizeof(want), "clean\n%ld %ld\n0\n1\n2\n3\n", pid, (long)getpgrp());
	ck_assert_str_eq(data.buf, want);
	net_close(c, NULL);
	close(p[0]);
	close(p[1]);
	buf_release(&data);
	buf_release(&desc);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tt = tcase_create("tcp");
	TCase *to = tcase_create("open");
	TCase *tw = tcase_create("timeouts");
	TCase *tc = tcase_create("child");

	tcase_set_timeout(tt, 20);
	tcase_add_loop_test(tt, test_tcp_round_trip, 0, NUMERIC_LOOPBACKS);
	tcase_add_loop_test(tt, test_tcp_nodelay, 0, (int)N(loopbacks));
	tcase_add_test(tt, test_tcp_not_a_child);
	suite_add_tcase(s, tt);

	tcase_set_timeout(to, 20);
	tcase_add_loop_test(to, test_open_fails, 0, (int)N(open_fails));
	suite_add_tcase(s, to);

	tcase_set_timeout(tw, 20);
	tcase_add_loop_test(tw, test_io_timeout, 0, (int)N(io_timeouts));
	suite_add_tcase(s, tw);

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_child_cat_echo);
	tcase_add_loop_test(tc, test_child_end, 0, (int)N(child_ends));
	tcase_add_test(tc, test_child_big_output);
	tcase_add_test(tc, test_child_sigkill_after_sigterm);
	tcase_add_test(tc, test_child_sigpipe);
	tcase_add_test(tc, test_child_sigpipe_not_left_pending);
	tcase_add_test(tc, test_interrupt_read);
	tcase_add_test(tc, test_interrupt_wake_fd_only);
	tcase_add_test(tc, test_interrupt_tcp_read);
	tcase_add_test(tc, test_child_fds_and_group);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(net_suite)
