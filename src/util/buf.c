#include "util/buf.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty[1];

void buf_init(struct buf *b, size_t hint)
{
	b->buf = buf_empty;
	b->len = 0;
	b->alloc = 0;
	if (hint)
		buf_grow(b, hint);
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->buf);
	buf_init(b, 0);
}

char *buf_detach(struct buf *b, size_t *len_r)
{
	char *p;
	if (len_r)
		*len_r = b->len;
	if (!b->alloc)
		buf_grow(b, 0);
	p = b->buf;
	buf_init(b, 0);
	return p;
}

/* The allocation extra more bytes need (len + extra + NUL). */
static size_t need_for(const struct buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1) {
		fprintf(stderr, "imapsh: buffer size overflow\n");
		abort();
	}
	return b->len + extra + 1;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = need_for(b, extra);
	if (need <= b->alloc)
		return;
	if (!b->alloc)
		b->buf = NULL;
	xgrow((void **)&b->buf, &b->alloc, need, 1);
	if (b->len == 0)
		b->buf[0] = '\0';
}

void buf_setlen(struct buf *b, size_t len)
{
	if (!b->alloc) {
		if (len == 0)
			return;
		fprintf(stderr, "imapsh: buf_setlen beyond allocation\n");
		abort();
	}
	if (len >= b->alloc) {
		fprintf(stderr, "imapsh: buf_setlen beyond allocation\n");
		abort();
	}
	b->len = len;
	b->buf[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_grow(b, len);
	memcpy(b->buf + b->len, data, len);
	buf_setlen(b, b->len + len);
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->buf[b->len] = (char)c;
	buf_setlen(b, b->len + 1);
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (!b->alloc || (size_t)n >= b->alloc - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	buf_setlen(b, b->len + (size_t)n);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->buf, b->buf + n, b->len - n);
	buf_setlen(b, b->len - n);
}

void buf_add_escaped(struct buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	buf_grow(b, len);
	for (i = 0; i < len; i++) {
		unsigned char c = p[i];
		switch (c) {
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				buf_addch(b, c);
			else
				buf_addf(b, "\\x%02x", c);
		}
	}
}

void buf_grow_secret(struct buf *b, size_t extra)
{
	char *p = NULL;
	size_t alloc = 0, need = need_for(b, extra);

	if (need <= b->alloc)
		return;
	xgrow((void **)&p, &alloc, need, 1);
	memcpy(p, b->buf, b->len + 1);
	if (b->alloc) {
		explicit_bzero(b->buf, b->alloc);
		free(b->buf);
	}
	b->buf = p;
	b->alloc = alloc;
}

void buf_add_secret(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_grow_secret(b, len);
	memcpy(b->buf + b->len, data, len);
	buf_setlen(b, b->len + len);
}

void buf_release_secret(struct buf *b)
{
	if (b->alloc)
		explicit_bzero(b->buf, b->alloc);
	buf_release(b);
}
