/*
 * base64.h - RFC 4648 base64, for SASL exchanges (RFC 9051 sec. 6.2.2).
 */
#ifndef IMAPSH_UTIL_BASE64_H
#define IMAPSH_UTIL_BASE64_H

#include <stddef.h>

#include "util/buf.h"

/* Appends the encoding of data (with = padding) to out. */
void base64_encode(const void *data, size_t len, struct buf *out);
/* Appends the decoded bytes; -1 (out unchanged) on a character outside
 * the alphabet, bad padding or a length that is not a multiple of 4. */
int base64_decode(const char *s, size_t len, struct buf *out);

#endif
