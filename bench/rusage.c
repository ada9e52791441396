/*
 * bench/rusage.c -- run a command and write what it cost to a file.
 *
 * usage: rusage [-p] FILE COMMAND [ARG...]
 *
 * Forks, runs COMMAND (execvp), waits for it (wait4) and writes one line to
 * FILE:
 *   "WALL_S USER_S SYS_S MAXRSS_KB HWM_KB STATUS"
 * WALL_S is from just before fork to the return of wait4 (CLOCK_MONOTONIC);
 * USER_S, SYS_S and MAXRSS_KB come from wait4, so they include COMMAND's
 * children that it waited for (MAXRSS_KB is then the largest of them all);
 * HWM_KB is COMMAND's own VmHWM, sampled every 10 ms with -p (else 0):
 * only growth in its last 10 ms could be missed.
 *
 * Why not let the harness (Python) wait for the client itself: ru_maxrss of
 * a process starts from the RSS of the process that forked it (vfork and
 * fork alike), so a big parent makes every child look big.  This launcher is
 * small.  bench/run also puts it in front of the Dovecot imap binary of the
 * pipe transport, so that the server's cost can be told apart from the
 * client's (the client waits for its child and so is charged for it).
 * Exits with COMMAND's status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* VmHWM of PID in kB, or 0 */
static long vmhwm(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strstr(buf, "\nVmHWM:");
	return p ? strtol(p + 7, NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status, poll_hwm = 0, pidfd = -1;
	long hwm = 0, h;
	pid_t pid;
	FILE *f;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		poll_hwm = 1;
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: rusage [-p] FILE COMMAND [ARG...]\n");
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "rusage: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
#ifdef SYS_pidfd_open
	if (poll_hwm)
		pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	if (pidfd >= 0) {
		/* readable when the child has ended */
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		for (;;) {
			int r = poll(&pfd, 1, 10);

			if (r > 0 || (r < 0 && errno != EINTR))
				break;
			h = vmhwm(pid);
			if (h > hwm)
				hwm = h;
		}
		close(pidfd);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	f = fopen(argv[1], "w");
	if (!f) {
		fprintf(stderr, "rusage: %s: %s\n", argv[1], strerror(errno));
	} else {
		fprintf(f, "%.6f %ld.%06ld %ld.%06ld %ld %ld %d\n",
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
			(long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
			(long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
			ru.ru_maxrss, hwm, status);
		fclose(f);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
