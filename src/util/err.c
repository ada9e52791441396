#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct imap_err *e, enum imap_err_kind kind, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return -1;
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_set_errno(struct imap_err *e, enum imap_err_kind kind, int errnum,
		  const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (!e)
		return -1;
	e->kind = kind;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	return -1;
}

void err_append(struct imap_err *e, const char *fmt, ...)
{
	va_list ap;
	size_t n;
	if (!e)
		return;
	n = strlen(e->msg);
	va_start(ap, fmt);
	vsnprintf(e->msg + n, sizeof(e->msg) - n, fmt, ap);
	va_end(ap);
}

void err_prefix(struct imap_err *e, const char *fmt, ...)
{
	char head[256], old[sizeof(e->msg)];
	va_list ap;
	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	size_t hl;
	memcpy(old, e->msg, sizeof(old));
	hl = strlen(head);
	if (hl + 2 >= sizeof(e->msg))
		hl = sizeof(e->msg) - 3;
	memcpy(e->msg, head, hl);
	memcpy(e->msg + hl, ": ", 2);
	/* keep as much of the old message as fits */
	{
		size_t room = sizeof(e->msg) - hl - 3, ol = strlen(old);
		if (ol > room)
			ol = room;
		memcpy(e->msg + hl + 2, old, ol);
		e->msg[hl + 2 + ol] = '\0';
	}
}

void err_clear(struct imap_err *e)
{
	if (!e)
		return;
	e->kind = IMAP_ERR_NONE;
	e->msg[0] = '\0';
}

const char *err_kind_name(enum imap_err_kind kind)
{
	switch (kind) {
	case IMAP_ERR_NONE: return "none";
	case IMAP_ERR_ERROR: return "error";
	case IMAP_ERR_ABORT: return "abort";
	case IMAP_ERR_READONLY: return "readonly";
	}
	return "unknown";
}
