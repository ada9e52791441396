#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "net/transport.h"
#include "util/clock.h"
#include "util/fdio.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct tcp_conn {
	struct net_conn base;
	int fd;
	char *desc; /* "tcp 127.0.0.1:143 (local 127.0.0.1:54321)" */
};

/* ---- fd helpers shared with child.c */


/* "0.2", "30": a timeout in seconds for messages. */
static void fmt_secs(char *out, size_t n, int ms)
{
	snprintf(out, n, "%g", ms / 1000.0);
}

/* Waits up to timeout_ms (<= 0: forever) for events on fd, retrying on
 * EINTR with the time that is left.  1 ready, 0 timed out, -1 errno set
 * (EINTR: Ctrl-C, see net_set_interrupt; its wake-up fd is watched too,
 * so a Ctrl-C just before the poll is not lost). */
static int wait_fd(int fd, short events, int timeout_ms)
{
	long long deadline = timeout_ms > 0 ? clock_now_ms() + timeout_ms : 0;
	struct pollfd p[2];
	int left = timeout_ms > 0 ? timeout_ms : -1;
	int wake = net_interrupt_fd();

	for (;;) {
		int rc;
		if (net_interrupted()) {
			errno = EINTR;
			return -1;
		}
		p[0].fd = fd;
		p[0].events = events;
		p[0].revents = 0;
		p[1].fd = wake;
		p[1].events = POLLIN;
		p[1].revents = 0;
		rc = poll(p, wake >= 0 ? 2 : 1, left);
		if (rc > 0 && p[0].revents)
			return 1;
		if (rc > 0) {
			errno = EINTR; /* only the wake-up fd */
			return -1;
		}
		if (rc == 0)
			return 0;
		if (errno != EINTR || net_interrupted())
			return -1;
		if (timeout_ms > 0) {
			long long rest = deadline - clock_now_ms();
			if (rest <= 0)
				return 0;
			left = (int)rest;
		}
	}
}

/* wait_fd failed: Ctrl-C, or a real poll() error. */
static int wait_failed(struct imap_err *err)
{
	if (errno == EINTR)
		return err_set(err, IMAP_ERR_ABORT, NET_INTERRUPTED_MSG);
	return err_set_errno(err, IMAP_ERR_ABORT, errno, "cannot wait for the server");
}

ssize_t net_fd_read(int fd, void *buf, size_t len, int timeout_ms, struct imap_err *err)
{
	char secs[32];

	for (;;) {
		ssize_t n;
		if (timeout_ms > 0 || net_interrupt_fd() >= 0) {
			int rc = wait_fd(fd, POLLIN, timeout_ms);
			if (rc == 0) {
				fmt_secs(secs, sizeof(secs), timeout_ms);
				return err_set(err, IMAP_ERR_ABORT,
					       "timed out after %s s waiting for the server", secs);
			}
			if (rc < 0)
				return wait_failed(err);
		}
		n = read(fd, buf, len);
		if (n >= 0)
			return n;
		if (errno == EINTR && net_interrupted())
			return err_set(err, IMAP_ERR_ABORT, NET_INTERRUPTED_MSG);
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		return err_set_errno(err, IMAP_ERR_ABORT, errno, "cannot read from the server");
	}
}

static int fd_write(int fd, bool sock, const void *buf, size_t len, int timeout_ms,
		    struct imap_err *err)
{
	const char *p = buf;
	char secs[32];

	while (len) {
		ssize_t n;
		if (timeout_ms > 0 || net_interrupt_fd() >= 0) {
			int rc = wait_fd(fd, POLLOUT, timeout_ms);
			if (rc == 0) {
				fmt_secs(secs, sizeof(secs), timeout_ms);
				return err_set(err, IMAP_ERR_ABORT,
					       "timed out after %s s sending to the server "
					       "(it is not reading)", secs);
			}
			if (rc < 0)
				return wait_failed(err);
		}
		/* MSG_DONTWAIT (O_NONBLOCK for a pipe) with a timeout: poll()
		 * said there is room, but never block beyond it when the room
		 * is smaller than len. */
		if (sock)
			n = send(fd, p, len, MSG_NOSIGNAL | (timeout_ms > 0 ? MSG_DONTWAIT : 0));
		else
			n = fd_write_nosigpipe(fd, p, len);
		if (n < 0) {
			if (errno == EINTR && net_interrupted())
				return err_set(err, IMAP_ERR_ABORT, NET_INTERRUPTED_MSG);
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* a non-blocking fd without a timeout: wait
				 * as a blocking write would */
				if (timeout_ms <= 0 && wait_fd(fd, POLLOUT, 0) < 0)
					return wait_failed(err);
				continue;
			}
			return err_set_errno(err, IMAP_ERR_ABORT, errno,
					     "cannot write to the server");
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int net_fd_write(int fd, const void *buf, size_t len, int timeout_ms, struct imap_err *err)
{
	return fd_write(fd, true, buf, len, timeout_ms, err);
}

int net_fd_write_pipe(int fd, const void *buf, size_t len, int timeout_ms, struct imap_err *err)
{
	return fd_write(fd, false, buf, len, timeout_ms, err);
}

/* ---- addresses */

/* "127.0.0.1:143" or "[::1]:143". */
static void add_sockaddr(struct buf *out, const struct sockaddr *sa, socklen_t salen)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, salen, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		buf_adds(out, "?");
		return;
	}
	if (sa->sa_family == AF_INET6)
		buf_addf(out, "[%s]:%s", host, serv);
	else
		buf_addf(out, "%s:%s", host, serv);
}

static void add_host(struct buf *out, const struct sockaddr *sa, socklen_t salen)
{
	char host[NI_MAXHOST];

	if (getnameinfo(sa, salen, host, sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		buf_adds(out, "?");
	else
		buf_adds(out, host);
}

static char *describe_fd(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct buf b = BUF_INIT;

	buf_adds(&b, "tcp ");
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
		add_sockaddr(&b, (struct sockaddr *)&ss, sl);
	else
		buf_adds(&b, "?");
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		buf_adds(&b, " (local ");
		add_sockaddr(&b, (struct sockaddr *)&ss, sl);
		buf_addch(&b, ')');
	}
	return buf_detach(&b, NULL);
}

/*
 * Connects one address within timeout_ms.  Returns the (blocking) fd,
 * with TCP_NODELAY set, or -1 with *timed_out or errno-like *errnum set.
 */
static int connect_one(const struct addrinfo *ai, int timeout_ms, bool *timed_out, int *errnum)
{
	int fd, flags, rc, soerr = 0;
	socklen_t sl = sizeof(soerr);

	*timed_out = false;
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*errnum = errno;
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		goto fail_errno;
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
	if (rc < 0 && errno != EINPROGRESS && errno != EINTR)
		goto fail_errno;
	if (rc < 0) {
		rc = wait_fd(fd, POLLOUT, timeout_ms);
		if (rc == 0) {
			*timed_out = true;
			close(fd);
			return -1;
		}
		if (rc < 0)
			goto fail_errno;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
			goto fail_errno;
		if (soerr) {
			*errnum = soerr;
			close(fd);
			return -1;
		}
	}
	if (fcntl(fd, F_SETFL, flags) < 0)
		goto fail_errno;
	/* No Nagle (as curl does): a command line must go out at once, and
	 * an interactive protocol has nothing to gain from coalescing.  Only
	 * an optimisation: a failure is not an error. */
	{
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;

fail_errno:
	*errnum = errno;
	close(fd);
	return -1;
}

/* ---- ops */

static ssize_t tcp_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct tcp_conn *t = (struct tcp_conn *)c;
	return net_fd_read(t->fd, buf, len, c->timeout_ms, err);
}

static int tcp_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct tcp_conn *t = (struct tcp_conn *)c;
	return net_fd_write(t->fd, buf, len, c->timeout_ms, err);
}

static void tcp_describe(struct net_conn *c, struct buf *out)
{
	buf_adds(out, ((struct tcp_conn *)c)->desc);
}

static int tcp_pollfd(struct net_conn *c)
{
	return ((struct tcp_conn *)c)->fd;
}

static size_t tcp_pending(struct net_conn *c)
{
	(void)c;
	return 0;
}

static int tcp_shutdown_write(struct net_conn *c, struct imap_err *err)
{
	if (shutdown(((struct tcp_conn *)c)->fd, SHUT_WR) < 0)
		return err_set_errno(err, IMAP_ERR_ABORT, errno,
				     "cannot half-close the connection");
	return 0;
}

static void tcp_close(struct net_conn *c, struct buf *report)
{
	struct tcp_conn *t = (struct tcp_conn *)c;

	(void)report; /* nothing to say beyond what the caller knows */
	close(t->fd);
	free(t->desc);
	free(t);
}

static const struct net_ops tcp_ops = {
	.name = "tcp",
	.read = tcp_read,
	.write = tcp_write,
	.describe = tcp_describe,
	.pollfd = tcp_pollfd,
	.pending = tcp_pending,
	.shutdown_write = tcp_shutdown_write,
	.close = tcp_close,
};

struct net_conn *net_tcp_connect(const char *host, const char *port, int timeout_ms,
				 struct imap_err *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct buf tried = BUF_INIT;
	struct tcp_conn *t;
	int rc, fd = -1, errnum = 0, naddr = 0;
	bool timed_out = false;
	char secs[32];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		if (rc == EAI_SYSTEM)
			err_set_errno(err, IMAP_ERR_ABORT, errno,
				      "cannot resolve host %s port %s", host, port);
		else if (rc == EAI_SERVICE)
			err_set(err, IMAP_ERR_ABORT, "cannot resolve host %s: unknown port \"%s\" (%s)",
				host, port, gai_strerror(rc));
		else
			err_set(err, IMAP_ERR_ABORT, "cannot resolve host %s: %s", host,
				gai_strerror(rc));
		return NULL;
	}

	for (ai = res; ai; ai = ai->ai_next) {
		naddr++;
		if (tried.len)
			buf_adds(&tried, ", ");
		add_host(&tried, ai->ai_addr, ai->ai_addrlen);
		fd = connect_one(ai, timeout_ms, &timed_out, &errnum);
		if (fd >= 0 || net_interrupted())
			break;
	}
	freeaddrinfo(res);

	if (fd < 0) {
		fmt_secs(secs, sizeof(secs), timeout_ms);
		/* the last address's failure; the others are listed after */
		if (net_interrupted())
			err_set(err, IMAP_ERR_ABORT, "connecting to %s port %s: " NET_INTERRUPTED_MSG,
				host, port);
		else if (timed_out)
			err_set(err, IMAP_ERR_ABORT, "timed out after %s s connecting to %s port %s",
				secs, host, port);
		else
			err_set(err, IMAP_ERR_ABORT, "cannot connect to %s port %s: %s", host, port,
				errnum ? strerror(errnum) : "no address found");
		if (err && naddr > 1) {
			size_t n = strlen(err->msg);
			snprintf(err->msg + n, sizeof(err->msg) - n, " (tried %s)", tried.buf);
		}
		buf_release(&tried);
		return NULL;
	}
	buf_release(&tried);

	t = xcalloc(1, sizeof(*t));
	t->base.ops = &tcp_ops;
	t->base.timeout_ms = timeout_ms;
	t->fd = fd;
	t->desc = describe_fd(fd);
	return &t->base;
}
