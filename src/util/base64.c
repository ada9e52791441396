#include "util/base64.h"

#include <stdbool.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const void *data, size_t len, struct buf *out)
{
	const unsigned char *p = data;
	size_t i;

	buf_grow(out, (len + 2) / 3 * 4);
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		buf_addch(out, alphabet[v >> 18]);
		buf_addch(out, alphabet[(v >> 12) & 63]);
		buf_addch(out, alphabet[(v >> 6) & 63]);
		buf_addch(out, alphabet[v & 63]);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		buf_addch(out, alphabet[v >> 18]);
		buf_addch(out, alphabet[(v >> 12) & 63]);
		buf_add(out, "==", 2);
	} else if (len - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		buf_addch(out, alphabet[v >> 18]);
		buf_addch(out, alphabet[(v >> 12) & 63]);
		buf_addch(out, alphabet[(v >> 6) & 63]);
		buf_addch(out, '=');
	}
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int base64_decode(const char *s, size_t len, struct buf *out)
{
	size_t start = out->len, i;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		int a = value_of(s[i]), b = value_of(s[i + 1]);
		int c = s[i + 2] == '=' ? -2 : value_of(s[i + 2]);
		int d = s[i + 3] == '=' ? -2 : value_of(s[i + 3]);
		bool last = i + 4 == len;
		if (a < 0 || b < 0 || c == -1 || d == -1 ||
		    ((c == -2 || d == -2) && !last) || (c == -2 && d != -2))
			goto bad;
		buf_addch(out, (a << 2) | (b >> 4));
		if (c >= 0)
			buf_addch(out, ((b & 15) << 4) | (c >> 2));
		if (d >= 0)
			buf_addch(out, ((c & 3) << 6) | d);
	}
	return 0;
bad:
	buf_setlen(out, start);
	return -1;
}
