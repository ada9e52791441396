#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/connect.h"

static volatile sig_atomic_t pressed;
/* self-pipe: the handler makes [0] readable, so that every poll() that
 * watches it wakes up even when Ctrl-C came just before the call */
static int wake[2] = { -1, -1 };

static void on_sigint(int sig)
{
	int e = errno;

	(void)sig;
	pressed = 1;
	if (write(wake[1], "", 1) < 0) {
		/* full: it is readable already */
	}
	errno = e;
}

void interrupt_install(void)
{
	struct sigaction sa;

	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0)
		return; /* then Ctrl-C keeps its default meaning */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked call returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	conn_set_interrupt(&pressed, wake[0]);
}

int interrupt_fd(void)
{
	return wake[0];
}

bool interrupt_take(void)
{
	char drain[64];
	bool was;

	/* drain first: a Ctrl-C after this leaves both flag and byte */
	while (wake[0] >= 0 && read(wake[0], drain, sizeof(drain)) > 0)
		;
	was = pressed != 0;
	pressed = 0;
	return was;
}
