#include "util/fdio.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

ssize_t fd_write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	bool was_pending;
	ssize_t n;
	int e;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE) == 1;
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, buf, len);
	e = errno;
	if (n < 0 && e == EPIPE && !was_pending) {
		static const struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return n;
}

long fd_max(void)
{
	long max = sysconf(_SC_OPEN_MAX);
	return max < 0 || max > 65536 ? 65536 : max;
}

void fd_close_from(int low, long max)
{
	long fd;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)low, ~0U, 0U) == 0)
		return;
#endif
	for (fd = low; fd < max; fd++)
		close((int)fd);
}
