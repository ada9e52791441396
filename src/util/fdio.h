/*
 * fdio.h - a write to a pipe that never raises SIGPIPE, whatever the
 * process does with that signal (the --stream server's stdin, the pager's).
 */
#ifndef IMAPSH_UTIL_FDIO_H
#define IMAPSH_UTIL_FDIO_H

#include <sys/types.h>

/* write(2) with SIGPIPE blocked around it; a SIGPIPE the write raised is
 * taken back (one pending before stays).  A reader gone is -1 with EPIPE.
 * Single-threaded callers (sigprocmask). */
ssize_t fd_write_nosigpipe(int fd, const void *buf, size_t len);

/* The bound fd_close_from() closes below when close_range(2) is not
 * there: read it before fork(), sysconf() being no async-signal-safe call. */
long fd_max(void);
/* In a child between fork() and exec: closes every fd from low up. */
void fd_close_from(int low, long max);

#endif
