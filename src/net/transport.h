/*
 * transport.h - byte streams to an IMAP server behind one small vtable.
 *
 * Knows nothing of IMAP.  Implementations: TCP (tcp.c), a child process
 * over two pipes (child.c, imaplib's IMAP4_stream); TLS (GnuTLS) and
 * DEFLATE stack on any of them later through the same ops.
 *
 * Every implementation embeds struct net_conn as its first member.
 * Errors are values (struct imap_err, kind ABORT for I/O failures and
 * timeouts); nothing here prints or exits.  SIGPIPE never kills us:
 * socket writes use MSG_NOSIGNAL, pipe writes block the signal.
 */
#ifndef IMAPSH_NET_TRANSPORT_H
#define IMAPSH_NET_TRANSPORT_H

#include <stdbool.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/err.h"

struct net_conn;

struct net_ops {
	const char *name; /* "tcp", "child", "tls", ... */
	/* >0 bytes read; 0 end of stream; -1 error or timeout (err set). */
	ssize_t (*read)(struct net_conn *c, void *buf, size_t len, struct imap_err *err);
	/* Writes all len bytes or returns -1 (err set). */
	int (*write)(struct net_conn *c, const void *buf, size_t len, struct imap_err *err);
	/* Appends a one-line description: transport, peer, local address. */
	void (*describe)(struct net_conn *c, struct buf *out);
	/* The fd to poll() for readability (e.g. IDLE with stdin), or -1. */
	int (*pollfd)(struct net_conn *c);
	/* Bytes already read from the fd but not yet returned by read()
	 * (always 0 for plain fds; TLS records later). */
	size_t (*pending)(struct net_conn *c);
	/* Half-closes the write side (the server sees EOF); may be NULL. */
	int (*shutdown_write)(struct net_conn *c, struct imap_err *err);
	/* Releases everything; appends to report (if not NULL) how it ended,
	 * e.g. "child exited with status 0" or "child killed by signal 9". */
	void (*close)(struct net_conn *c, struct buf *report);
	/* True when the peer runs on this machine (a child process); NULL:
	 * decided from the fd's peer address. */
	bool (*is_local)(struct net_conn *c);
	/* Would a read return now (data, the end, an error) without waiting?
	 * readable: the caller's poll() saw pollfd readable, so one read of
	 * the transport below will not wait.  May take what has come into
	 * its own buffers.  NULL: pending() bytes or a readable fd are data
	 * (not so under COMPRESS: compressed bytes may inflate to nothing,
	 * and a read would then wait for more). */
	bool (*ready)(struct net_conn *c, bool readable);
};

struct net_conn {
	const struct net_ops *ops;
	int timeout_ms; /* read/write timeout; <= 0 waits forever */
};

static inline ssize_t net_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	return c->ops->read(c, buf, len, err);
}
static inline int net_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	return c->ops->write(c, buf, len, err);
}
static inline void net_describe(struct net_conn *c, struct buf *out)
{
	c->ops->describe(c, out);
}
/* Closes and frees c (NULL is fine). */
void net_close(struct net_conn *c, struct buf *report);

/*
 * TCP: resolves host with getaddrinfo (IPv4 and IPv6, each address tried
 * in turn), connects within timeout_ms (<= 0: the system's), and uses
 * timeout_ms for every later read and write.  port is a number or service
 * name.  The socket has TCP_NODELAY (no Nagle delay for short command
 * lines).  NULL with err on failure, naming host, port and the reason.
 */
struct net_conn *net_tcp_connect(const char *host, const char *port, int timeout_ms,
				 struct imap_err *err);

/*
 * Child process: runs command through "/bin/sh -c" with its stdin and
 * stdout on two pipes, as imaplib does; its stderr is ours.  (Pipes, not a
 * socketpair: the kernel moves bytes through a pipe with about a quarter
 * less CPU, measured in bench/.)  The child's exit
 * is noticed: a read that hits EOF reports it in err when the child
 * died, and close() reaps it (after a short grace period, SIGTERM).
 */
struct net_conn *net_child_spawn(const char *command, int timeout_ms, struct imap_err *err);

/*
 * How the child of a child transport ended, once it has: returns the wait
 * status (>= 0, as from waitpid) and appends "exited with status 3" or
 * "killed by signal 9" to msg (if not NULL), so the caller can say
 * "server process exited with status 3".  Returns -1 (msg untouched) while
 * the child runs, or when c is not a child transport.  Never blocks.
 */
int net_child_exit_status(struct net_conn *c, struct buf *msg);

/* Takes the terminal back from a child transport's server (see
 * net_set_interrupt); does nothing for other transports or when it was not
 * lent.  close() does it too. */
void net_child_take_terminal(struct net_conn *c);

/*
 * For implementations on a plain fd (tcp.c, child.c; TLS may use them for
 * its push/pull).  Both wait at most timeout_ms (<= 0: forever) for the fd
 * to become ready, retry on EINTR, and name the failure in err (kind
 * ABORT): "timed out after 0.2 s waiting for the server", "cannot read
 * from the server: ...".  net_fd_read returns >0, 0 at end of stream, or
 * -1.  net_fd_write sends everything (send() with MSG_NOSIGNAL, so fd must
 * be a socket) and returns 0, or -1; timeout_ms is the longest wait
 * without progress.  net_fd_write_pipe is the same for the write end of a
 * pipe (which should be O_NONBLOCK, so that a timeout holds): SIGPIPE is blocked
 * around the write and a signal it raised is taken back, so a reader that
 * went away is the error EPIPE, whatever the program's SIGPIPE handling.
 */
ssize_t net_fd_read(int fd, void *buf, size_t len, int timeout_ms, struct imap_err *err);
int net_fd_write(int fd, const void *buf, size_t len, int timeout_ms, struct imap_err *err);
int net_fd_write_pipe(int fd, const void *buf, size_t len, int timeout_ms, struct imap_err *err);

/*
 * Ctrl-C.  The program points this at the flag its SIGINT handler sets and
 * at a wake-up fd the handler makes readable (a self-pipe: a Ctrl-C that
 * lands just before a poll() is not lost).  Once the flag is set, reads,
 * writes and waits on every transport fail at once with "interrupted"
 * (kind ABORT: the stream is cut at an unknown point); while it is on,
 * every read and write first polls the fd together with the wake-up fd.
 * The net layer never clears the flag.  NULL (the default) turns it off.
 * While
 * it is on, a child transport's server runs in a process group of its own,
 * since the terminal sends Ctrl-C to the whole foreground group and a
 * cancel must not kill the server; when we own the terminal, its
 * foreground is lent to the server's group until
 * net_child_take_terminal() (call it once the greeting is in: until then
 * "ssh host imapd" may ask for a password on /dev/tty, and Ctrl-C stops
 * the connecting server).
 */
void net_set_interrupt(volatile sig_atomic_t *flag, int wake_fd);
bool net_interrupted(void);
bool net_interrupt_enabled(void);
int net_interrupt_fd(void); /* the wake-up fd, or -1 */
#define NET_INTERRUPTED_MSG "interrupted"

/*
 * True when the peer is this machine: the child transport, a Unix
 * socket, 127.0.0.0/8, ::1 or ::ffff:127.x.  Used to decide whether a
 * password may cross an unencrypted connection.
 */
bool net_peer_is_local(struct net_conn *c);

#endif
