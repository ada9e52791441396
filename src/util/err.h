/*
 * err.h - errors as values.
 *
 * Fallible functions return -1 (or NULL) and fill a struct imap_err whose
 * message is meant for a person: what happened and, where possible, what
 * to do.  The kinds mirror imaplib's exceptions:
 *   ERROR     the command failed (NO/BAD, refused locally, bad argument);
 *             the session goes on.
 *   ABORT     the connection or the protocol broke (EOF, timeout, parse
 *             error, BYE); the session is over.
 *   READONLY  the mailbox became read-only under us.
 */
#ifndef IMAPSH_UTIL_ERR_H
#define IMAPSH_UTIL_ERR_H

enum imap_err_kind {
	IMAP_ERR_NONE = 0,
	IMAP_ERR_ERROR,
	IMAP_ERR_ABORT,
	IMAP_ERR_READONLY,
};

struct imap_err {
	enum imap_err_kind kind;
	char msg[512];
};

#define IMAP_ERR_INIT { IMAP_ERR_NONE, "" }

/* Sets kind and message; always returns -1 so callers can `return err_set(...)`. */
int err_set(struct imap_err *e, enum imap_err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like err_set, with ": strerror(errnum)" appended. */
int err_set_errno(struct imap_err *e, enum imap_err_kind kind, int errnum,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Puts "context: " in front of an existing message. */
void err_prefix(struct imap_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends to an existing message (as much as fits). */
void err_append(struct imap_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct imap_err *e);
const char *err_kind_name(enum imap_err_kind kind);

#endif
