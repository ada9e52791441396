#include "net/transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

void net_close(struct net_conn *c, struct buf *report)
{
	if (c)
		c->ops->close(c, report);
}

static volatile sig_atomic_t *interrupt_flag;
static int interrupt_fd = -1;

void net_set_interrupt(volatile sig_atomic_t *flag, int wake_fd)
{
	interrupt_flag = flag;
	interrupt_fd = flag ? wake_fd : -1;
}

int net_interrupt_fd(void)
{
	return interrupt_fd;
}

bool net_interrupted(void)
{
	return interrupt_flag && *interrupt_flag;
}

bool net_interrupt_enabled(void)
{
	return interrupt_flag != NULL;
}

bool net_peer_is_local(struct net_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	if (c->ops->is_local)
		return c->ops->is_local(c);
	fd = c->ops->pollfd ? c->ops->pollfd(c) : -1;
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return false;
	if (ss.ss_family == AF_UNIX)
		return true;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
		const unsigned char *a = in6->sin6_addr.s6_addr;
		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && a[12] == 127;
	}
	return false;
}
