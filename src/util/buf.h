/*
 * buf.h - a growable byte buffer (git's strbuf invariants).
 *
 * Invariants: buf is never NULL, always NUL-terminated at buf[len]; the
 * contents may hold NUL bytes, so len is the truth.  alloc is private.
 * A buffer is set up with BUF_INIT or buf_init() and given back with
 * buf_release(), which leaves it empty and reusable.  Low level: uses
 * libc and xalloc only.
 */
#ifndef IMAPSH_UTIL_BUF_H
#define IMAPSH_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b, size_t hint);
/* Frees the memory; b is empty (as BUF_INIT) afterwards. */
void buf_release(struct buf *b);
/* Hands the memory to the caller (free() it); b is empty afterwards. */
char *buf_detach(struct buf *b, size_t *len_r);
/* Makes room for extra more bytes (plus the NUL). */
void buf_grow(struct buf *b, size_t extra);
/* Sets len (<= allocated size) and writes the NUL. */
void buf_setlen(struct buf *b, size_t len);
static inline void buf_reset(struct buf *b) { buf_setlen(b, 0); }

void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Drops the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);

/*
 * Appends data so a person can read it on one line: printable ASCII as is,
 * backslash as \\, \r \n \t, other bytes (controls, NUL, 8-bit) as \xHH.
 */
void buf_add_escaped(struct buf *b, const void *data, size_t len);

/*
 * For buffers that hold a secret (a password, a token, a file that holds
 * one).  buf_grow_secret() and buf_add_secret() work as buf_grow() and
 * buf_add(), but growth never uses realloc(): the contents move to a new
 * block and the old one is wiped whole (explicit_bzero) before it is
 * freed, so no copy is left in freed memory.  buf_release_secret() wipes
 * every allocated byte, past len too (a longer earlier content may linger
 * there), then releases.  Use the three together: one plain buf_add() on
 * the buffer may leave a copy behind.
 */
void buf_grow_secret(struct buf *b, size_t extra);
void buf_add_secret(struct buf *b, const void *data, size_t len);
void buf_release_secret(struct buf *b);

#endif
