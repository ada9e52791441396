/*
 * utf7.c - modified UTF-7 (RFC 3501 sec. 5.1.3).
 *
 * Printable US-ASCII (0x20-0x7e) stands for itself, "&" is written "&-",
 * anything else is UTF-16 in modified base64 (',' for '/', no '=') between
 * "&" and "-".  The decoder accepts only what the encoder would write, so
 * decode(encode(x)) == x and encode(decode(y)) == y: it rejects a shift
 * that encodes printable ASCII, two shifts in a row ("&AOQ-&AOQ-" is
 * "&AOQA5A-"), base64 that is too long or has non-zero pad bits, raw bytes
 * outside 0x20-0x7e, and unpaired surrogates.
 */
#include "util/utf7.h"

#include <stdint.h>

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

static bool is_printable(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * Reads one code point of strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  Returns its length, 0 if invalid.
 */
size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp_r)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	uint32_t cp;

	if (c < 0x80) {
		*cp_r = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;      /* overlong */
		else if (c == 0xed)
			hi = 0x9f;      /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;      /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;      /* > U+10FFFF */
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	cp = (cp << 6) | (s[1] & 0x3f);
	for (size_t i = 2; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*cp_r = cp;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (!(n = utf8_next(p + i, len - i, &cp)))
			return false;
		i += n;
	}
	return true;
}

bool utf7_is_plain(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!is_printable((unsigned char)s[i]) || s[i] == '&')
			return false;
	}
	return true;
}

struct b64w {
	uint32_t bits;
	unsigned nbits;
};

static void b64_put16(struct b64w *w, unsigned u, struct buf *out)
{
	w->bits = (w->bits << 16) | u;
	w->nbits += 16;
	while (w->nbits >= 6) {
		w->nbits -= 6;
		buf_addch(out, b64chars[(w->bits >> w->nbits) & 63]);
	}
	w->bits &= (1u << w->nbits) - 1;
}

int utf7_encode(const char *utf8, size_t len, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t start = out->len, i = 0, n;
	uint32_t cp;

	while (i < len) {
		struct b64w w = { 0, 0 };

		if (is_printable(s[i])) {
			if (s[i] == '&')
				buf_add(out, "&-", 2);
			else
				buf_addch(out, s[i]);
			i++;
			continue;
		}
		/* One shift for the whole run of characters that need it. */
		buf_addch(out, '&');
		while (i < len && !is_printable(s[i])) {
			if (!(n = utf8_next(s + i, len - i, &cp))) {
				buf_setlen(out, start);
				return -1;
			}
			if (cp >= 0x10000) {
				cp -= 0x10000;
				b64_put16(&w, 0xd800 | (cp >> 10), out);
				b64_put16(&w, 0xdc00 | (cp & 0x3ff), out);
			} else {
				b64_put16(&w, cp, out);
			}
			i += n;
		}
		if (w.nbits)
			buf_addch(out, b64chars[(w.bits << (6 - w.nbits)) & 63]);
		buf_addch(out, '-');
	}
	return 0;
}

static void utf8_put(uint32_t cp, struct buf *out)
{
	char tmp[4];
	size_t n;

	if (cp < 0x80) {
		tmp[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		tmp[0] = (char)(0xf0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	buf_add(out, tmp, n);
}

/* Decodes the base64 of one shift, s[*i] just after the "&". */
static int decode_shift(const unsigned char *s, size_t len, size_t *i,
			struct buf *out)
{
	uint32_t bits = 0, high = 0;
	unsigned nbits = 0;
	size_t p = *i;

	for (; p < len && s[p] != '-'; p++) {
		int v = b64val(s[p]);
		unsigned u;

		if (v < 0)
			return -1;
		bits = (bits << 6) | (unsigned)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		u = (bits >> nbits) & 0xffff;
		bits &= (1u << nbits) - 1;
		if (high) {
			if (u < 0xdc00 || u > 0xdfff)
				return -1;
			utf8_put(0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00), out);
			high = 0;
		} else if (u >= 0xd800 && u <= 0xdbff) {
			high = u;
		} else if (u >= 0xdc00 && u <= 0xdfff) {
			return -1;
		} else if (u >= 0x20 && u < 0x7f) {
			return -1;
		} else {
			utf8_put(u, out);
		}
	}
	if (p == len || high)
		return -1;
	/* Only the pad bits of the last character may be left, all zero. */
	if (nbits >= 6 || bits)
		return -1;
	*i = p + 1;
	return 0;
}

int utf7_decode(const char *mutf7, size_t len, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)mutf7;
	size_t start = out->len, i = 0, run_end = SIZE_MAX;

	while (i < len) {
		if (!is_printable(s[i]))
			goto fail;
		if (s[i] != '&') {
			buf_addch(out, s[i]);
			i++;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '-') {
			buf_addch(out, '&');
			i += 2;
			continue;
		}
		/* A shift right after a shift should have been one shift. */
		if (i == run_end)
			goto fail;
		i++;
		if (decode_shift(s, len, &i, out) < 0)
			goto fail;
		run_end = i;
	}
	return 0;
fail:
	buf_setlen(out, start);
	return -1;
}
