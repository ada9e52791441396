/* check_net.c - the TCP and child-process transports (src/net), on loopback only. */
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/transport.h"

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

/* ---------------------------------------------------------------- TCP */

static void tcp_round_trip(int family, const char *host)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf desc = BUF_INIT;
	char port[16], want[128], got[64];
	struct net_conn *c;
	int lfd, sfd;

	lfd = listener(family, 5, port, sizeof(port));
	if (lfd < 0) {
		fprintf(stderr, "note: %s not available, skipped\n", host);
		return;
	}
	c = net_tcp_connect(host, port, 2000, &err);
	ck_assert_msg(c != NULL, "connect: %s", err.msg);
	ck_assert_str_eq(c->ops->name, "tcp");
	ck_assert_int_eq(c->timeout_ms, 2000);
	sfd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(sfd, 0);

	net_describe(c, &desc);
	if (family == AF_INET6)
		snprintf(want, sizeof(want), "tcp [::1]:%s (local [::1]:%u)", port, peer_port(sfd));
	else
		snprintf(want, sizeof(want), "tcp 127.0.0.1:%s (local 127.0.0.1:%u)", port,
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

START_TEST(test_tcp_ipv4)
{
	tcp_round_trip(AF_INET, "127.0.0.1");
}
END_TEST

START_TEST(test_tcp_ipv6)
{
	tcp_round_trip(AF_INET6, "::1");
}
END_TEST

/* TCP_NODELAY on every connection we make (curl does the same): a short
 * command goes out at once instead of waiting for the previous ACK. */
START_TEST(test_tcp_nodelay)
{
	static const struct {
		int family;
		const char *host;
	} cases[] = {
		{ AF_INET, "127.0.0.1" },
		{ AF_INET6, "::1" },
		{ AF_INET, "localhost" }, /* through getaddrinfo's list */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imap_err err = IMAP_ERR_INIT;
		char port[16];
		struct net_conn *c;
		int lfd, sfd, on = -1;
		socklen_t sl = sizeof(on);

		lfd = listener(cases[i].family, 5, port, sizeof(port));
		if (lfd < 0) {
			fprintf(stderr, "note: %s not available, skipped\n", cases[i].host);
			continue;
		}
		c = net_tcp_connect(cases[i].host, port, 2000, &err);
		ck_assert_msg(c != NULL, "%s: connect: %s", cases[i].host, err.msg);
		ck_assert_int_eq(getsockopt(c->ops->pollfd(c), IPPROTO_TCP, TCP_NODELAY, &on, &sl),
				 0);
		ck_assert_msg(on != 0, "%s: TCP_NODELAY is off", cases[i].host);
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
}
END_TEST

START_TEST(test_tcp_read_timeout)
{
	struct imap_err err = IMAP_ERR_INIT;
	char port[16], b[16];
	struct net_conn *c;
	long long t0, dt;
	int lfd = listener(AF_INET, 5, port, sizeof(port));

	ck_assert_int_ge(lfd, 0);
	c = net_tcp_connect("127.0.0.1", port, 200, &err);
	ck_assert_msg(c != NULL, "connect: %s", err.msg);
	t0 = now_ms();
	ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	dt = now_ms() - t0;
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, "timed out after 0.2 s waiting for the server");
	ck_assert_int_ge(dt, 150);
	ck_assert_int_lt(dt, 2000);
	net_close(c, NULL);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_write_timeout)
{
	/* a server that never reads: the socket buffers fill, then we stop */
	struct imap_err err = IMAP_ERR_INIT;
	size_t n = 64 * 1024 * 1024;
	char port[16], *big = calloc(1, n);
	struct net_conn *c;
	long long t0, dt;
	int lfd = listener(AF_INET, 5, port, sizeof(port));

	ck_assert_int_ge(lfd, 0);
	c = net_tcp_connect("127.0.0.1", port, 300, &err);
	ck_assert_msg(c != NULL, "connect: %s", err.msg);
	t0 = now_ms();
	ck_assert_int_eq(net_write(c, big, n, &err), -1);
	dt = now_ms() - t0;
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_pstr_eq(strstr(err.msg, "timed out after 0.3 s sending to the server"), err.msg);
	ck_assert_int_lt(dt, 5000);
	net_close(c, NULL);
	close(lfd);
	free(big);
}
END_TEST

START_TEST(test_tcp_connect_timeout)
{
	/* a listener whose accept queue is full drops further SYNs */
	struct imap_err err = IMAP_ERR_INIT;
	struct sockaddr_in sa;
	char port[16], want[128];
	int lfd = listener(AF_INET, 0, port, sizeof(port)), fill[3], i;
	long long t0, dt;

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
	t0 = now_ms();
	ck_assert_ptr_null(net_tcp_connect("127.0.0.1", port, 300, &err));
	dt = now_ms() - t0;
	snprintf(want, sizeof(want), "timed out after 0.3 s connecting to 127.0.0.1 port %s", port);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_int_ge(dt, 250);
	ck_assert_int_lt(dt, 3000);
	for (i = 0; i < 3; i++)
		close(fill[i]);
	close(lfd);
}
END_TEST

START_TEST(test_tcp_refused)
{
	struct imap_err err = IMAP_ERR_INIT;
	char port[16], want[128];
	int lfd = listener(AF_INET, 5, port, sizeof(port));

	ck_assert_int_ge(lfd, 0);
	close(lfd); /* nothing listens there any more */
	ck_assert_ptr_null(net_tcp_connect("127.0.0.1", port, 2000, &err));
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1 port %s: Connection refused", port);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

START_TEST(test_tcp_refused_port_1)
{
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_ptr_null(net_tcp_connect("127.0.0.1", "1", 2000, &err));
	ck_assert_str_eq(err.msg, "cannot connect to 127.0.0.1 port 1: Connection refused");
}
END_TEST

START_TEST(test_tcp_refused_all_addresses)
{
	/* "localhost" may give several addresses: each is tried, all are named */
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_ptr_null(net_tcp_connect("localhost", "1", 2000, &err));
	ck_assert_pstr_eq(strstr(err.msg, "cannot connect to localhost port 1: Connection refused"),
			  err.msg);
}
END_TEST

START_TEST(test_tcp_unresolvable)
{
	struct imap_err err = IMAP_ERR_INIT;
	const char *want = "cannot resolve host nonexistent.invalid";

	ck_assert_ptr_null(net_tcp_connect("nonexistent.invalid", "143", 2000, &err));
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got: %s", err.msg);
	/* a reason follows, whatever the resolver said */
	ck_assert_uint_gt(strlen(err.msg), strlen(want) + 3);
}
END_TEST

START_TEST(test_tcp_bad_port)
{
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_ptr_null(net_tcp_connect("127.0.0.1", "no-such-service-x", 2000, &err));
	ck_assert_pstr_eq(strstr(err.msg, "cannot resolve host 127.0.0.1: unknown port \"no-such-service-x\""),
			  err.msg);
}
END_TEST

START_TEST(test_tcp_not_a_child)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf msg = BUF_INIT;
	char port[16];
	int lfd = listener(AF_INET, 5, port, sizeof(port));
	struct net_conn *c = net_tcp_connect("127.0.0.1", port, 2000, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(net_child_exit_status(c, &msg), -1);
	ck_assert_uint_eq(msg.len, 0);
	ck_assert_int_eq(net_child_exit_status(NULL, &msg), -1);
	net_close(c, &msg);
	net_close(NULL, &msg);
	close(lfd);
}
END_TEST

/* -------------------------------------------------------------- child */

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

START_TEST(test_child_preauth_eof)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, msg = BUF_INIT, desc = BUF_INIT;
	struct net_conn *c = net_child_spawn("printf '* PREAUTH hi\\r\\n'", 2000, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_str_eq(data.buf, "* PREAUTH hi\r\n");
	/* EOF stays a 0 return; err says how the server ended */
	ck_assert_str_eq(err.msg, "server process exited with status 0");
	ck_assert_int_eq(net_child_exit_status(c, &msg), 0);
	ck_assert_str_eq(msg.buf, "exited with status 0");
	net_describe(c, &desc);
	ck_assert_pstr_eq(strstr(desc.buf, ": printf '* PREAUTH hi\\r\\n' (exited with status 0)"),
			  strchr(desc.buf, ':'));
	/* reading again at EOF is still EOF */
	ck_assert_int_eq(net_read(c, msg.buf, 1, &err), 0);
	buf_reset(&msg);
	net_close(c, &msg);
	ck_assert_str_eq(msg.buf, "child exited with status 0");
	buf_release(&data);
	buf_release(&msg);
	buf_release(&desc);
}
END_TEST

START_TEST(test_child_exit_3)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, msg = BUF_INIT;
	struct net_conn *c = net_child_spawn("exit 3", 2000, &err);
	int st;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_uint_eq(data.len, 0);
	ck_assert_str_eq(err.msg, "server process exited with status 3");
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	st = net_child_exit_status(c, &msg);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	ck_assert_str_eq(msg.buf, "exited with status 3");
	buf_reset(&msg);
	net_close(c, &msg);
	ck_assert_str_eq(msg.buf, "child exited with status 3");
	buf_release(&data);
	buf_release(&msg);
}
END_TEST

START_TEST(test_child_killed)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, msg = BUF_INIT;
	struct net_conn *c = net_child_spawn("kill -9 $$", 2000, &err);
	int st;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_str_eq(err.msg, "server process killed by signal 9 (Killed)");
	st = net_child_exit_status(c, &msg);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == 9);
	ck_assert_str_eq(msg.buf, "killed by signal 9 (Killed)");
	buf_reset(&msg);
	net_close(c, &msg);
	ck_assert_str_eq(msg.buf, "child killed by signal 9 (Killed)");
	buf_release(&data);
	buf_release(&msg);
}
END_TEST

START_TEST(test_child_cannot_exec)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, msg = BUF_INIT;
	struct net_conn *c;
	int devnull = open("/dev/null", O_WRONLY);

	/* sh complains on our stderr: keep the test output clean */
	ck_assert_int_ge(devnull, 0);
	dup2(devnull, 2);
	c = net_child_spawn("/nonexistent/imapd --foo", 2000, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_str_eq(err.msg, "server process exited with status 127");
	net_close(c, &msg);
	ck_assert_str_eq(msg.buf, "child exited with status 127");
	buf_release(&data);
	buf_release(&msg);
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

START_TEST(test_child_never_reads)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf report = BUF_INIT;
	size_t n = 10 * 1024 * 1024;
	char *big = calloc(1, n);
	struct net_conn *c = net_child_spawn("sleep 5", 300, &err);
	long long t0, dt;

	ck_assert_ptr_nonnull(c);
	t0 = now_ms();
	ck_assert_int_eq(net_write(c, big, n, &err), -1);
	dt = now_ms() - t0;
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, "timed out after 0.3 s sending to the server (it is not reading)");
	ck_assert_int_lt(dt, 3000);
	ck_assert_int_eq(net_child_exit_status(c, NULL), -1); /* still running */

	/* close: EOF does not stop sleep; after the grace period, SIGTERM */
	t0 = now_ms();
	net_close(c, &report);
	dt = now_ms() - t0;
	ck_assert_str_eq(report.buf,
			 "child killed by signal 15 (Terminated) (sent SIGTERM after it did not exit)");
	ck_assert_int_ge(dt, 1900);
	ck_assert_int_lt(dt, 4000);
	buf_release(&report);
	free(big);
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

START_TEST(test_child_read_timeout)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf report = BUF_INIT;
	struct net_conn *c = net_child_spawn("cat >/dev/null", 200, &err);
	char b[16];
	long long t0 = now_ms(), dt;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	dt = now_ms() - t0;
	ck_assert_str_eq(err.msg, "timed out after 0.2 s waiting for the server");
	ck_assert_int_ge(dt, 150);
	net_close(c, &report);
	ck_assert_str_eq(report.buf, "child exited with status 0");
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
	c = net_child_spawn("exit 0", 2000, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
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
	c = net_child_spawn("exit 0", 2000, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
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
	int lfd = listener(AF_INET, 4, port, sizeof(port));
	struct net_conn *c = net_tcp_connect("127.0.0.1", port, 0, &err);

	ck_assert_ptr_nonnull(c);
	interrupt_after(100);
	ck_assert_int_eq(net_read(c, b, sizeof(b), &err), -1);
	ck_assert_str_eq(err.msg, "interrupted");
	interrupt_off();
	net_close(c, NULL);
	close(lfd);
}
END_TEST

/* imaplib's IMAP4_stream: the server's stdin and stdout are pipes; its
 * connection counts as local; shutdown_write gives it EOF and later
 * writes fail with a reason. */
START_TEST(test_child_pipes)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT, report = BUF_INIT;
	struct net_conn *c = net_child_spawn(
		"test -p /dev/stdin && test -p /dev/stdout && echo pipes; cat; echo eof", 2000, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert(net_peer_is_local(c));
	ck_assert_int_eq(net_write(c, "x\n", 2, &err), 0);
	ck_assert_int_eq(c->ops->shutdown_write(c, &err), 0);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_str_eq(data.buf, "pipes\nx\neof\n");
	ck_assert_int_eq(net_write(c, "y\n", 2, &err), -1);
	ck_assert_str_eq(err.msg, "cannot write to the server: its input was closed (shutdown)");
	net_close(c, &report);
	ck_assert_str_eq(report.buf, "child exited with status 0");
	buf_release(&data);
	buf_release(&report);
}
END_TEST

START_TEST(test_child_sigpipe_reset)
{
	/* we ignore SIGPIPE; the server must not inherit that */
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT;
	struct net_conn *c;

	signal(SIGPIPE, SIG_IGN);
	c = net_child_spawn("kill -PIPE $$; exit 0", 2000, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_str_eq(err.msg, "server process killed by signal 13 (Broken pipe)");
	net_close(c, NULL);
	buf_release(&data);
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

START_TEST(test_child_shutdown_write)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf data = BUF_INIT;
	struct net_conn *c = net_child_spawn("cat; echo done", 2000, &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(net_write(c, "abc\n", 4, &err), 0);
	ck_assert_int_eq(c->ops->shutdown_write(c, &err), 0);
	ck_assert_int_eq(read_to_eof(c, &data, &err), 0);
	ck_assert_str_eq(data.buf, "abc\ndone\n");
	net_close(c, NULL);
	buf_release(&data);
}
END_TEST

START_TEST(test_child_empty_command)
{
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_ptr_null(net_child_spawn("", 2000, &err));
	ck_assert_str_eq(err.msg, "the server command is empty");
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
}
END_TEST

static Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tt = tcase_create("tcp");
	TCase *tc = tcase_create("child");

	tcase_set_timeout(tt, 20);
	tcase_add_test(tt, test_tcp_ipv4);
	tcase_add_test(tt, test_tcp_ipv6);
	tcase_add_test(tt, test_tcp_nodelay);
	tcase_add_test(tt, test_tcp_read_timeout);
	tcase_add_test(tt, test_tcp_write_timeout);
	tcase_add_test(tt, test_tcp_connect_timeout);
	tcase_add_test(tt, test_tcp_refused);
	tcase_add_test(tt, test_tcp_refused_port_1);
	tcase_add_test(tt, test_tcp_refused_all_addresses);
	tcase_add_test(tt, test_tcp_unresolvable);
	tcase_add_test(tt, test_tcp_bad_port);
	tcase_add_test(tt, test_tcp_not_a_child);
	suite_add_tcase(s, tt);

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_child_cat_echo);
	tcase_add_test(tc, test_child_preauth_eof);
	tcase_add_test(tc, test_child_exit_3);
	tcase_add_test(tc, test_child_killed);
	tcase_add_test(tc, test_child_cannot_exec);
	tcase_add_test(tc, test_child_big_output);
	tcase_add_test(tc, test_child_never_reads);
	tcase_add_test(tc, test_child_sigkill_after_sigterm);
	tcase_add_test(tc, test_child_read_timeout);
	tcase_add_test(tc, test_child_sigpipe);
	tcase_add_test(tc, test_child_sigpipe_not_left_pending);
	tcase_add_test(tc, test_child_pipes);
	tcase_add_test(tc, test_interrupt_read);
	tcase_add_test(tc, test_interrupt_wake_fd_only);
	tcase_add_test(tc, test_interrupt_tcp_read);
	tcase_add_test(tc, test_child_sigpipe_reset);
	tcase_add_test(tc, test_child_fds_and_group);
	tcase_add_test(tc, test_child_shutdown_write);
	tcase_add_test(tc, test_child_empty_command);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
