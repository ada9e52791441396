/*
 * charset.c - charset names, UTF-8 checks and an iconv descriptor cache.
 *
 * A name goes through three steps: cleaned (blanks and an RFC 2231
 * "*lang" suffix dropped, lower-cased, only [a-z0-9._:+-] allowed, so a
 * hostile name cannot reach iconv_open() as "" (the locale's charset) or
 * with "//" options), looked up in the alias table (fast paths, supersets
 * mail clients use), then opened with iconv_open() and kept in a small
 * least-recently-used table.  Names iconv cannot open are cached too, so
 * 10,000 words in an unknown charset cost one failed iconv_open().
 */
#include "util/charset.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>

#define NAME_MAX_LEN 63
#define CACHE_SLOTS 8

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

enum kind { KIND_ASCII, KIND_UTF8, KIND_ICONV };

struct alias {
	const char *name;   /* cleaned form */
	enum kind kind;
	const char *iconv;  /* KIND_ICONV: the name given to iconv_open() */
};

/* Names glibc does not know, and names mail clients decode as a superset
 * (the WHATWG Encoding Standard's choices).  Anything else goes to iconv
 * as it is: glibc knows koi8-r, euc-jp, iso-2022-jp, iso-8859-N,
 * windows-125N, big5 and many more, case-insensitively. */
static const struct alias aliases[] = {
	{ "646", KIND_ASCII, NULL },
	{ "ansi_x3.4-1968", KIND_ASCII, NULL },
	{ "ascii", KIND_ASCII, NULL },
	{ "big5", KIND_ICONV, "BIG5-HKSCS" },
	{ "cn-big5", KIND_ICONV, "BIG5-HKSCS" },
	{ "cp1252", KIND_ICONV, "CP1252" },
	{ "cp367", KIND_ASCII, NULL },
	{ "cp936", KIND_ICONV, "GB18030" },
	{ "csascii", KIND_ASCII, NULL },
	{ "csbig5", KIND_ICONV, "BIG5-HKSCS" },
	{ "cseuckr", KIND_ICONV, "CP949" },
	{ "csgb2312", KIND_ICONV, "GB18030" },
	{ "csshiftjis", KIND_ICONV, "CP932" },
	{ "euc-cn", KIND_ICONV, "GB18030" },
	{ "euc-kr", KIND_ICONV, "CP949" },
	{ "gb2312", KIND_ICONV, "GB18030" },
	{ "gb_2312-80", KIND_ICONV, "GB18030" },
	{ "gbk", KIND_ICONV, "GB18030" },
	{ "ibm367", KIND_ASCII, NULL },
	{ "iso-8859-1", KIND_ICONV, "ISO-8859-1" },
	{ "iso-8859-8-i", KIND_ICONV, "ISO-8859-8" },
	{ "iso646-us", KIND_ASCII, NULL },
	{ "iso8859-1", KIND_ICONV, "ISO-8859-1" },
	{ "iso_8859-1", KIND_ICONV, "ISO-8859-1" },
	{ "ks_c_5601", KIND_ICONV, "CP949" },
	{ "ks_c_5601-1987", KIND_ICONV, "CP949" },
	{ "ks_c_5601-1989", KIND_ICONV, "CP949" },
	{ "ksc5601", KIND_ICONV, "CP949" },
	{ "ksc_5601", KIND_ICONV, "CP949" },
	{ "l1", KIND_ICONV, "ISO-8859-1" },
	{ "latin-1", KIND_ICONV, "ISO-8859-1" },
	{ "latin1", KIND_ICONV, "ISO-8859-1" },
	{ "mac", KIND_ICONV, "MACINTOSH" },
	{ "ms_kanji", KIND_ICONV, "CP932" },
	{ "shift-jis", KIND_ICONV, "CP932" },
	{ "shift_jis", KIND_ICONV, "CP932" },
	{ "sjis", KIND_ICONV, "CP932" },
	{ "unicode-1-1-utf-7", KIND_ICONV, "UTF-7" },
	{ "unicode-1-1-utf-8", KIND_UTF8, NULL },
	{ "us", KIND_ASCII, NULL },
	{ "us-ascii", KIND_ASCII, NULL },
	{ "utf-8", KIND_UTF8, NULL },
	{ "utf8", KIND_UTF8, NULL },
	{ "windows-1252", KIND_ICONV, "CP1252" },
	{ "windows-31j", KIND_ICONV, "CP932" },
	{ "windows-949", KIND_ICONV, "CP949" },
	{ "x-cp1252", KIND_ICONV, "CP1252" },
	{ "x-euc-cn", KIND_ICONV, "GB18030" },
	{ "x-gbk", KIND_ICONV, "GB18030" },
	{ "x-mac-roman", KIND_ICONV, "MACINTOSH" },
	{ "x-sjis", KIND_ICONV, "CP932" },
};

struct slot {
	char name[NAME_MAX_LEN + 1]; /* given to iconv_open(); "" = free slot */
	iconv_t cd;                  /* (iconv_t)-1: iconv cannot open it */
	unsigned long used;          /* clock of the last use */
};

static struct slot cache[CACHE_SLOTS];
static unsigned long cache_clock;

/* ------------------------------------------------------------------ */
/* names */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':' || c == '+';
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Cleans the name into name[NAME_MAX_LEN + 1]; false if nothing usable. */
static bool clean_name(const char *cs, size_t n, char *name)
{
	size_t i, start = 0;

	if (!cs)
		return false;
	while (start < n && blank(cs[start]))
		start++;
	for (i = start; i < n && cs[i] != '*'; i++)
		;
	n = i;
	while (n > start && blank(cs[n - 1]))
		n--;
	if (n == start || n - start > NAME_MAX_LEN)
		return false;
	for (i = start; i < n; i++) {
		char c = cs[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!name_char(c))
			return false;
		name[i - start] = c;
	}
	name[n - start] = '\0';
	return true;
}

static int alias_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct alias *)elem)->name);
}

static const struct alias *find_alias(const char *name)
{
	size_t lo = 0, hi = sizeof(aliases) / sizeof(aliases[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = alias_cmp(name, &aliases[mid]);
		if (c == 0)
			return &aliases[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the descriptor cache */

static iconv_t cache_open(const char *name)
{
	struct slot *victim = &cache[0];
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		struct slot *sl = &cache[i];
		if (sl->name[0] && strcmp(sl->name, name) == 0) {
			sl->used = ++cache_clock;
			return sl->cd;
		}
		if (!sl->name[0] || (victim->name[0] && sl->used < victim->used))
			victim = sl;
	}
	if (victim->name[0] && victim->cd != (iconv_t)-1)
		iconv_close(victim->cd);
	strcpy(victim->name, name); /* both NAME_MAX_LEN + 1 at most */
	victim->cd = iconv_open("UTF-8", name);
	victim->used = ++cache_clock;
	return victim->cd;
}

void charset_cleanup(void)
{
	size_t i;

	for (i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].name[0] && cache[i].cd != (iconv_t)-1)
			iconv_close(cache[i].cd);
		cache[i].name[0] = '\0';
		cache[i].cd = (iconv_t)-1;
	}
}

/* KIND_ICONV with *cd_r set, KIND_ASCII, KIND_UTF8; -1 if unknown. */
static int lookup(const char *cs, size_t n, iconv_t *cd_r)
{
	char name[NAME_MAX_LEN + 1];
	const struct alias *a;
	const char *target;

	if (!clean_name(cs, n, name))
		return -1;
	a = find_alias(name);
	if (a && a->kind != KIND_ICONV)
		return (int)a->kind;
	target = a ? a->iconv : name;
	*cd_r = cache_open(target);
	return *cd_r == (iconv_t)-1 ? -1 : KIND_ICONV;
}

bool charset_known(const char *charset, size_t charset_len)
{
	iconv_t cd;

	return lookup(charset, charset_len, &cd) >= 0;
}

/* ------------------------------------------------------------------ */
/* UTF-8 and ASCII without iconv */

size_t charset_utf8_seq(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xC2 || p[0] > 0xF4)
		return 0;
	if (p[0] < 0xE0) {
		n = 2;
	} else if (p[0] < 0xF0) {
		n = 3;
		if (p[0] == 0xE0)
			lo = 0xA0;      /* overlong */
		else if (p[0] == 0xED)
			hi = 0x9F;      /* surrogates */
	} else {
		n = 4;
		if (p[0] == 0xF0)
			lo = 0x90;      /* overlong */
		else if (p[0] == 0xF4)
			hi = 0x8F;      /* above U+10FFFF */
	}
	if (len < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

int charset_utf8_repair(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, run = 0;
	int flags = CHARSET_OK;

	while (i < len) {
		size_t n = charset_utf8_seq(s + i, len - i);
		if (n) {
			i += n;
			continue;
		}
		buf_add(out, s + run, i - run);
		buf_add(out, replacement, 3);
		flags |= CHARSET_INVALID;
		run = ++i;
	}
	buf_add(out, s + run, i - run);
	return flags;
}

static int ascii_to_utf8(struct buf *out, const char *s, size_t len)
{
	size_t i, run = 0;
	int flags = CHARSET_OK;

	for (i = 0; i < len; i++) {
		if (!((unsigned char)s[i] & 0x80))
			continue;
		buf_add(out, s + run, i - run);
		buf_add(out, replacement, 3);
		flags |= CHARSET_INVALID;
		run = i + 1;
	}
	buf_add(out, s + run, len - run);
	return flags;
}

/* ------------------------------------------------------------------ */
/* iconv */

/*
 * One call of iconv() into at least room bytes at the end of out;
 * returns its result with errno in *err_r.  in/inleft NULL: the flush
 * that ends a stateful encoding's shift sequence.
 */
static size_t iconv_step(iconv_t cd, struct buf *out, size_t room,
			 char **in, size_t *inleft, int *err_r)
{
	char *op;
	size_t oleft = room, rc;

	buf_grow(out, room);
	op = out->buf + out->len;
	errno = 0;
	rc = iconv(cd, in, inleft, &op, &oleft);
	*err_r = errno;
	buf_setlen(out, out->len + (room - oleft));
	return rc;
}

/*
 * E2BIG: out grows, go on.  EILSEQ (not valid in the charset), EINVAL
 * (a sequence cut at the end) and anything else: one U+FFFD for the
 * byte, skip it, go on.  Each step either consumes input or grows the
 * room, so the loop ends.
 */
static int iconv_to_utf8(iconv_t cd, struct buf *out, const char *s, size_t len)
{
	char *in = (char *)s;
	size_t inleft = len, room = len < 16384 ? len * 2 + 16 : 32768;
	int flags = CHARSET_OK, err;

	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		size_t before = inleft, was = out->len;
		if (iconv_step(cd, out, room, &in, &inleft, &err) != (size_t)-1)
			break;
		if (err == E2BIG) {
			if (inleft == before && out->len == was)
				room *= 2;
			continue;
		}
		buf_add(out, replacement, 3);
		flags |= CHARSET_INVALID;
		in++;
		inleft--;
	}
	room = 16;
	while (iconv_step(cd, out, room, NULL, NULL, &err) == (size_t)-1 && err == E2BIG)
		room *= 2;
	return flags;
}

int charset_to_utf8(struct buf *out, const char *charset, size_t charset_len,
		    const char *s, size_t len)
{
	iconv_t cd = (iconv_t)-1;

	switch (lookup(charset, charset_len, &cd)) {
	case KIND_ASCII:
		return ascii_to_utf8(out, s, len);
	case KIND_UTF8:
		return charset_utf8_repair(out, s, len);
	case KIND_ICONV:
		return iconv_to_utf8(cd, out, s, len);
	default:
		return CHARSET_UNKNOWN;
	}
}
