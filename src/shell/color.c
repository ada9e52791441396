/*
 * color.c - colour for PRETTY output on a terminal (render.h:
 * render_color).  It works on text already rendered, which holds no
 * control byte (render.c escapes them all), so the SGR sequences added
 * here are the only ones that reach the terminal: status words (OK green,
 * NO yellow, BAD and BYE red), the response code in brackets (cyan; ALERT
 * bold red, its text bold) and the name of untagged data (bold).  Flags
 * (pretty_fetch.c) and the "(unsolicited)" mark (call.c) are coloured
 * where they are written, with render_sgr().
 */
#include "shell/render.h"

#include <string.h>

#define SGR_RESET "\033[m"

static void insert(struct buf *b, size_t at, const char *s)
{
	size_t n = strlen(s), tail = b->len - at;

	buf_grow(b, n);
	memmove(b->buf + at + n, b->buf + at, tail);
	memcpy(b->buf + at, s, n);
	buf_setlen(b, b->len + n);
}

/* Wraps [at, at+len) of b in sgr ... reset; returns the end of it. */
static size_t wrap(struct buf *b, size_t at, size_t len, const char *sgr)
{
	insert(b, at + len, SGR_RESET);
	insert(b, at, sgr);
	return at + strlen(sgr) + len + strlen(SGR_RESET);
}

static const char *status_sgr(enum imap_status st)
{
	switch (st) {
	case IMAP_STATUS_OK:
	case IMAP_STATUS_PREAUTH: return "\033[32m";
	case IMAP_STATUS_NO: return "\033[33m";
	case IMAP_STATUS_BAD:
	case IMAP_STATUS_BYE: return "\033[1;31m";
	case IMAP_STATUS_NONE: break;
	}
	return "";
}

/* The length of the word at b[at..end) (up to a space or line end). */
static size_t word_len(const struct buf *b, size_t at, size_t end)
{
	size_t i = at;

	while (i < end && b->buf[i] != ' ' && b->buf[i] != '\n')
		i++;
	return i - at;
}

void render_color(struct buf *b, size_t from, const struct imap_response *r)
{
	const char *nl = memchr(b->buf + from, '\n', b->len - from);
	size_t end = nl ? (size_t)(nl - b->buf) : b->len, at = from, n;

	if (at + 2 <= end && b->buf[at] == '*' && b->buf[at + 1] == ' ') {
		at += 2;
		/* "* 12 FETCH": skip the number */
		if (r->has_number) {
			at += word_len(b, at, end);
			if (at < end && b->buf[at] == ' ')
				at++;
		}
	} else if (r->kind != IMAP_RESP_TAGGED) {
		return;
	}
	n = word_len(b, at, end);
	if (!n)
		return;
	if (r->status == IMAP_STATUS_NONE) {
		at = wrap(b, at, n, "\033[1m");
	} else {
		at = wrap(b, at, n, status_sgr(r->status));
		end = nl ? (size_t)((char *)memchr(b->buf + at, '\n', b->len - at) - b->buf) : b->len;
		if (r->code_name && at + 1 < end && b->buf[at] == ' ' && b->buf[at + 1] == '[') {
			const char *close = memchr(b->buf + at + 1, ']', end - at - 1);
			bool alert = !strcmp(r->code_name, "ALERT");
			if (close) {
				size_t clen = (size_t)(close - (b->buf + at + 1)) + 1;
				at = wrap(b, at + 1, clen, alert ? "\033[1;31m" : "\033[36m");
				end += strlen(alert ? "\033[1;31m" : "\033[36m") + strlen(SGR_RESET);
				/* the alert's text, which the user must see */
				if (alert && at + 1 < end)
					wrap(b, at + 1, end - at - 1, "\033[1m");
			}
		}
	}
}

const char *render_sgr(enum render_sgr what)
{
	switch (what) {
	case RENDER_SGR_FLAG: return "\033[35m";
	case RENDER_SGR_DIM: return "\033[2m";
	case RENDER_SGR_RESET: return SGR_RESET;
	}
	return "";
}
