/*
 * mime.c - RFC 2047 encoded words and RFC 2231 parameter values to UTF-8.
 *
 * Header text is read left to right: plain text up to the next "=?",
 * then a try at an encoded word there.  Decoded words of one charset that
 * follow each other (with only blanks between) are collected as bytes in
 * a pending group and converted together when the group ends, so a UTF-8
 * character that a mailer cut across two words comes out whole.
 */
#include "proto/mime.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "util/base64.h"
#include "util/charset.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The byte of "XX" at s (2 bytes there), or -1. */
static int hex_byte(const char *s)
{
	int hi = hex_value(s[0]), lo = hex_value(s[1]);

	return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

static bool utf8_ok(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		if (!((unsigned char)s[i] & 0x80)) {
			i++;
			continue;
		}
		n = charset_utf8_seq(s + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* Bytes that are not valid UTF-8 are copied as they are: MIME_RAW_8BIT. */
static unsigned add_utf8_or_raw(struct buf *out, const char *s, size_t len)
{
	buf_add(out, s, len);
	return utf8_ok(s, len) ? 0 : MIME_RAW_8BIT;
}

/* ------------------------------------------------------------------ */
/* RFC 2047 encoded words */

/* =?charset[*lang]?encoding?text?= starting at s[0] (s[0..1] is "=?"). */
struct word {
	const char *cs;   /* charset, without the language */
	size_t cs_len;
	char enc;         /* 'Q' or 'B' */
	const char *text;
	size_t text_len;
	size_t len;       /* of the whole word, "=?" to "?=" */
};

/* Printable ASCII and 8-bit: no blank, no control. */
static bool word_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u > 0x20 && u != 0x7f;
}

/* Length of the run of word_char bytes before the next '?' in s, or
 * (size_t)-1 if a blank or control comes first or no '?' follows. */
static size_t span_to_question(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i] != '?'; i++)
		if (!word_char(s[i]))
			return (size_t)-1;
	return i < len ? i : (size_t)-1;
}

static bool parse_word(const char *s, size_t len, struct word *w)
{
	size_t i = 2, n, star;
	char enc;

	n = span_to_question(s + i, len - i);
	if (n == (size_t)-1 || n == 0)
		return false;
	for (star = 0; star < n && s[i + star] != '*'; star++)
		;
	if (star == 0)
		return false;
	w->cs = s + i;
	w->cs_len = star;
	i += n + 1;
	if (len - i < 2 || s[i + 1] != '?')
		return false;
	enc = s[i];
	if (enc != 'Q' && enc != 'q' && enc != 'B' && enc != 'b')
		return false;
	w->enc = (char)(enc & ~0x20);
	i += 2;
	n = span_to_question(s + i, len - i);
	if (n == (size_t)-1 || i + n + 1 >= len || s[i + n + 1] != '=')
		return false;
	w->text = s + i;
	w->text_len = n;
	w->len = i + n + 2;
	return true;
}

/* Q (sec. 4.2): "_" is a space, =XX a byte; a lone "=" is malformed. */
static int decode_q(const char *s, size_t len, struct buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		int b = s[i];
		if (s[i] == '_') {
			b = ' ';
		} else if (s[i] == '=') {
			if (len - i < 3 || (b = hex_byte(s + i + 1)) < 0)
				return -1;
			i += 2;
		}
		buf_addch(out, b);
	}
	return 0;
}

/* B (sec. 4.1): base64; missing "=" padding is accepted, as mailers do. */
static int decode_b(const char *s, size_t len, struct buf *out)
{
	char pad[4] = "";
	struct buf tmp = BUF_INIT;
	int rc;

	if (len % 4 == 0)
		return base64_decode(s, len, out);
	if (len % 4 == 1)
		return -1;
	buf_add(&tmp, s, len);
	memset(pad, '=', 4 - len % 4);
	buf_add(&tmp, pad, 4 - len % 4);
	rc = base64_decode(tmp.buf, tmp.len, out);
	buf_release(&tmp);
	return rc;
}

static int decode_word(const struct word *w, struct buf *out)
{
	size_t mark = out->len;
	int rc = w->enc == 'Q' ? decode_q(w->text, w->text_len, out)
			       : decode_b(w->text, w->text_len, out);

	if (rc < 0)
		buf_setlen(out, mark);
	return rc;
}

/* The header being decoded. */
struct hdr {
	struct buf *out;
	unsigned flags;
	const char *s;
	struct buf group;         /* bytes of the pending words */
	struct word first;        /* the group's first word (its charset) */
	size_t group_start;       /* where the group starts in s */
	size_t group_end;         /* and ends */
	bool pending;
};

/* Converts the pending group; in a charset that became unknown after
 * all (iconv_open failed this time), its words verbatim. */
static void flush_group(struct hdr *h)
{
	int rc;

	if (!h->pending)
		return;
	rc = charset_to_utf8(h->out, h->first.cs, h->first.cs_len,
			     h->group.buf, h->group.len);
	if (rc & CHARSET_UNKNOWN) {
		buf_add(h->out, h->s + h->group_start, h->group_end - h->group_start);
		h->flags |= MIME_UNKNOWN_CHARSET;
	} else {
		h->flags |= MIME_DECODED;
	}
	if (rc & CHARSET_INVALID)
		h->flags |= MIME_INVALID;
	buf_reset(&h->group);
	h->pending = false;
}

/* Plain text, unfolded: CRLF or LF before a blank is dropped. */
static void add_plain(struct hdr *h, const char *s, size_t len)
{
	size_t i, run = 0, start = h->out->len;

	for (i = 0; i < len; i++) {
		size_t eol = s[i] == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2
			   : s[i] == '\n' ? 1 : 0;
		if (!eol || i + eol >= len || (s[i + eol] != ' ' && s[i + eol] != '\t'))
			continue;
		buf_add(h->out, s + run, i - run);
		i += eol - 1;
		run = i + 1;
	}
	buf_add(h->out, s + run, len - run);
	if (!utf8_ok(h->out->buf + start, h->out->len - start))
		h->flags |= MIME_RAW_8BIT;
}

static bool all_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!blank(s[i]))
			return false;
	return true;
}

static bool same_charset(const struct word *a, const struct word *b)
{
	return a->cs_len == b->cs_len && strncasecmp(a->cs, b->cs, a->cs_len) == 0;
}

/* A decoded word w at s[at] whose bytes are in word; plain text from
 * s[plain] up to it.  Blanks between two words are dropped. */
static void take_word(struct hdr *h, size_t plain, size_t at,
		      const struct word *w, const struct buf *word)
{
	bool glued = h->pending && all_blank(h->s + plain, at - plain);

	if (!glued || !same_charset(&h->first, w)) {
		flush_group(h);
		if (!glued)
			add_plain(h, h->s + plain, at - plain);
		h->first = *w;
		h->group_start = at;
		h->pending = true;
	}
	buf_add(&h->group, word->buf, word->len);
	h->group_end = at + w->len;
}

/* Next "=?" at or after i, or len. */
static size_t find_word(const char *s, size_t len, size_t i)
{
	const char *p;

	while (i + 1 < len && (p = memchr(s + i, '=', len - i - 1)) != NULL) {
		i = (size_t)(p - s);
		if (s[i + 1] == '?')
			return i;
		i++;
	}
	return len;
}

unsigned mime_decode_header(struct buf *out, const char *s, size_t len)
{
	struct hdr h = { out, 0, s, BUF_INIT, { 0 }, 0, 0, false };
	struct buf word = BUF_INIT;
	size_t i = 0, plain = 0;

	if (!s)
		return 0;
	while ((i = find_word(s, len, i)) < len) {
		struct word w;
		if (!parse_word(s + i, len - i, &w)) {
			i++;
			continue;
		}
		if (!charset_known(w.cs, w.cs_len)) {
			h.flags |= MIME_UNKNOWN_CHARSET;
			i += w.len;
			continue;
		}
		buf_reset(&word);
		if (decode_word(&w, &word) < 0) {
			i++;
			continue;
		}
		take_word(&h, plain, i, &w, &word);
		i = plain = i + w.len;
	}
	flush_group(&h);
	add_plain(&h, s + plain, len - plain);
	buf_release(&word);
	buf_release(&h.group);
	return h.flags;
}

/* ------------------------------------------------------------------ */
/* RFC 2231 parameter values */

static struct imap_text text_or_empty(struct imap_text t)
{
	if (!t.s) {
		t.s = "";
		t.len = 0;
	}
	return t;
}

/* %XX to bytes; a bad escape is kept as it is (MIME_INVALID). */
static unsigned percent_decode(const char *s, size_t len, struct buf *out)
{
	unsigned flags = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		int b;
		if (s[i] == '%' && len - i >= 3 && (b = hex_byte(s + i + 1)) >= 0) {
			buf_addch(out, b);
			i += 2;
			continue;
		}
		if (s[i] == '%')
			flags |= MIME_INVALID;
		buf_addch(out, s[i]);
	}
	return flags;
}

/* The parameters of one name, sorted out. */
struct param_set {
	const struct mime_param *plain;              /* name */
	const struct mime_param *whole;              /* name* */
	const struct mime_param *sec[MIME_MAX_SECTIONS];
	bool ext[MIME_MAX_SECTIONS];                 /* name*N* */
	bool any_section;
	unsigned flags;
};

/* "*N" or "*N*" (N decimal, at most 3 digits): N, and *ext_r; else -1. */
static int section_number(const char *s, size_t len, bool *ext_r)
{
	size_t i, digits;
	int n = 0;

	if (len < 2 || s[0] != '*')
		return -1;
	*ext_r = s[len - 1] == '*' && len > 2;
	digits = len - 1 - (*ext_r ? 1 : 0);
	if (digits == 0 || digits > 3)
		return -1;
	for (i = 1; i <= digits; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (s[i] - '0');
	}
	return n;
}

static void set_first(const struct mime_param **slot, const struct mime_param *p,
		      unsigned *flags)
{
	if (*slot)
		*flags |= MIME_INCOMPLETE;
	else
		*slot = p;
}

static void sort_param(struct param_set *set, const struct mime_param *p,
		       const char *name, size_t nlen)
{
	const char *rest;
	size_t rlen;
	bool ext;
	int num;

	if (!p->name.s || p->name.len < nlen || strncasecmp(p->name.s, name, nlen) != 0)
		return;
	rest = p->name.s + nlen;
	rlen = p->name.len - nlen;
	if (rlen == 0) {
		if (!set->plain)
			set->plain = p;
		return;
	}
	if (rlen == 1 && rest[0] == '*') {
		if (!set->whole)
			set->whole = p;
		return;
	}
	num = section_number(rest, rlen, &ext);
	if (num < 0)
		return;
	set->any_section = true;
	if (num >= MIME_MAX_SECTIONS) {
		set->flags |= MIME_INCOMPLETE;
		return;
	}
	set_first(&set->sec[num], p, &set->flags);
	if (set->sec[num] == p)
		set->ext[num] = ext;
}

/* Splits charset'lang'text; no two quotes: no charset, all is text. */
static void split_extended(struct imap_text v, struct imap_text *cs, struct imap_text *text)
{
	const char *q1 = memchr(v.s, '\'', v.len), *q2;

	cs->s = "";
	cs->len = 0;
	*text = v;
	if (!q1)
		return;
	q2 = memchr(q1 + 1, '\'', v.len - (size_t)(q1 + 1 - v.s));
	if (!q2)
		return;
	cs->s = v.s;
	cs->len = (size_t)(q1 - v.s);
	text->s = q2 + 1;
	text->len = v.len - (size_t)(q2 + 1 - v.s);
}

/* Bytes of an extended value to UTF-8; verbatim (the texts as received)
 * if the charset is unknown. */
static unsigned convert_extended(struct buf *out, struct imap_text cs,
				 const struct buf *bytes, const struct buf *verbatim)
{
	int rc;

	if (cs.len == 0)
		return MIME_DECODED | add_utf8_or_raw(out, bytes->buf, bytes->len);
	rc = charset_to_utf8(out, cs.s, cs.len, bytes->buf, bytes->len);
	if (rc & CHARSET_UNKNOWN) {
		buf_add(out, verbatim->buf, verbatim->len);
		return MIME_UNKNOWN_CHARSET;
	}
	return MIME_DECODED | (rc & CHARSET_INVALID ? MIME_INVALID : 0);
}

static unsigned get_whole(struct buf *out, const struct mime_param *p)
{
	struct imap_text v = text_or_empty(p->value), cs, text;
	struct buf bytes = BUF_INIT, verbatim = BUF_INIT;
	unsigned flags;

	split_extended(v, &cs, &text);
	flags = percent_decode(text.s, text.len, &bytes);
	buf_add(&verbatim, v.s, v.len);
	flags |= convert_extended(out, cs, &bytes, &verbatim);
	buf_release(&bytes);
	buf_release(&verbatim);
	return flags;
}

/* Sections 0, 1, ... up to the first missing one. */
static unsigned get_sections(struct buf *out, const struct param_set *set)
{
	struct buf bytes = BUF_INIT, verbatim = BUF_INIT;
	struct imap_text cs = { "", 0, NULL };
	unsigned flags = set->flags;
	bool any_ext = false;
	size_t i;

	for (i = 0; i < MIME_MAX_SECTIONS && set->sec[i]; i++) {
		struct imap_text v = text_or_empty(set->sec[i]->value);
		buf_add(&verbatim, v.s, v.len);
		if (!set->ext[i]) {
			buf_add(&bytes, v.s, v.len);
			continue;
		}
		any_ext = true;
		if (i == 0)
			split_extended(v, &cs, &v);
		flags |= percent_decode(v.s, v.len, &bytes);
	}
	for (; i < MIME_MAX_SECTIONS; i++)
		if (set->sec[i])
			flags |= MIME_INCOMPLETE;
	if (any_ext)
		flags |= convert_extended(out, cs, &bytes, &verbatim);
	else
		flags |= mime_decode_header(out, bytes.buf, bytes.len);
	buf_release(&bytes);
	buf_release(&verbatim);
	return flags;
}

int mime_param_get(struct buf *out, const struct mime_param *params, size_t n,
		   const char *name, unsigned *flags_r)
{
	struct param_set set;
	unsigned flags = 0;
	int found = 1;
	size_t i, nlen = name ? strlen(name) : 0;

	memset(&set, 0, sizeof(set));
	for (i = 0; params && nlen && i < n; i++)
		sort_param(&set, &params[i], name, nlen);
	if (set.whole) {
		flags = get_whole(out, set.whole);
	} else if (set.sec[0]) {
		flags = get_sections(out, &set);
	} else if (set.plain) {
		struct imap_text v = text_or_empty(set.plain->value);
		flags = mime_decode_header(out, v.s, v.len);
		if (set.any_section)
			flags |= MIME_INCOMPLETE;  /* sections without section 0 */
	} else if (set.any_section) {
		flags = set.flags | MIME_INCOMPLETE;  /* no section 0 */
	} else {
		found = 0;
	}
	if (flags_r)
		*flags_r = flags;
	return found;
}

int mime_params_from_list(struct imap_response *r, const struct imap_value *list,
			  struct mime_param **params_r, size_t *n_r)
{
	struct mime_param *params;
	size_t i, n;

	*params_r = NULL;
	*n_r = 0;
	if (!list || list->type == IMAP_VALUE_NIL)
		return 0;
	if (list->type != IMAP_VALUE_LIST)
		return -1;
	n = list->count / 2;
	if (n == 0)
		return 0;
	params = imap_response_alloc(r, n * sizeof(*params));
	for (i = 0; i < n; i++) {
		params[i].name = imap_value_text(imap_value_item(list, 2 * i));
		params[i].value = imap_value_text(imap_value_item(list, 2 * i + 1));
	}
	*params_r = params;
	*n_r = n;
	return 0;
}

void mime_qp_decode(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *eq = memchr(s + i, '=', len - i);
		size_t run = eq ? (size_t)(eq - s) - i : len - i;
		int b;

		buf_add(out, s + i, run);
		i += run;
		if (i == len)
			break;
		if (i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n')
			i += 3;
		else if (i + 1 < len && s[i + 1] == '\n')
			i += 2;
		else if (i + 2 < len && (b = hex_byte(s + i + 1)) >= 0) {
			buf_addch(out, b);
			i += 3;
		} else {
			buf_addch(out, '=');
			i++;
		}
	}
}
