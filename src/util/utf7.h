/*
 * utf7.h - modified UTF-7 for mailbox names (RFC 3501 sec. 5.1.3).
 */
#ifndef IMAPSH_UTIL_UTF7_H
#define IMAPSH_UTIL_UTF7_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* UTF-8 -> modified UTF-7, appended to out.  -1 (out unchanged) if the
 * input is not valid UTF-8 (overlong forms, surrogates, > U+10FFFF). */
int utf7_encode(const char *utf8, size_t len, struct buf *out);
/* Modified UTF-7 -> UTF-8, appended to out.  -1 (out unchanged) if the
 * input is not valid modified UTF-7 (bad base64, unpaired surrogates,
 * "&" not closed, a shift encoding printable ASCII, non-zero pad bits). */
int utf7_decode(const char *mutf7, size_t len, struct buf *out);
/* True if s needs no encoding (printable ASCII without "&"). */
bool utf7_is_plain(const char *s, size_t len);
/* One code point of strict UTF-8 at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF): its length (1-4) and *cp_r, or 0
 * when the bytes there are not valid (or cut short by len). */
size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp_r);
/* True if s is valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

#endif
