/*
 * charset.h - text in a named charset (MIME, RFC 2045/2047/2231) to UTF-8.
 *
 * Owns the charset name table (aliases, supersets that mail clients
 * decode instead: GB2312 as GB18030, KS_C_5601-1987 as CP949) and a small
 * cache of glibc iconv descriptors.  Low level: libc and glibc iconv
 * only.  Not thread-safe (the cache is one process-wide table).
 *
 * Never a silent substitution: whatever cannot be converted shows up in
 * the returned flags.
 */
#ifndef IMAPSH_UTIL_CHARSET_H
#define IMAPSH_UTIL_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum charset_flags {
	CHARSET_OK = 0,
	CHARSET_UNKNOWN = 1 << 0, /* no converter for that name: out got nothing */
	CHARSET_INVALID = 1 << 1, /* bytes not valid in the charset: each became
	                           * U+FFFD in out, conversion went on after it */
};

/*
 * Appends s (len bytes, in the named charset) converted to UTF-8 to out.
 * charset is charset_len bytes, need not be NUL-terminated, and is
 * matched case-insensitively; an RFC 2231 language suffix ("utf-8*en")
 * and surrounding blanks are ignored.  US-ASCII and UTF-8 are checked
 * without iconv (an 8-bit byte in US-ASCII, or a byte that is not part of
 * a well-formed UTF-8 sequence, becomes U+FFFD: CHARSET_INVALID).
 * Returns CHARSET_OK or a combination of the flags above.
 */
int charset_to_utf8(struct buf *out, const char *charset, size_t charset_len,
		    const char *s, size_t len);

/* True if charset_to_utf8() can convert from that charset (the same
 * lookup, so the answer is cached too). */
bool charset_known(const char *charset, size_t charset_len);

/*
 * Appends s to out as UTF-8 as it is, except that each byte that is not
 * part of a well-formed UTF-8 sequence (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) becomes U+FFFD.  Returns
 * CHARSET_OK or CHARSET_INVALID.
 */
int charset_utf8_repair(struct buf *out, const char *s, size_t len);

/* Length (1 to 4) of the well-formed UTF-8 sequence at s (len > 0 bytes),
 * or 0 if s[0] does not start one. */
size_t charset_utf8_seq(const char *s, size_t len);

/* Closes the cached iconv descriptors (at exit, for valgrind); the cache
 * is refilled on the next use. */
void charset_cleanup(void);

#endif
