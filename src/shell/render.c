/*
 * render.c - responses to text (formats in render.h).
 *
 * Terminal safety: PRETTY never emits a control byte other than TAB and
 * the LF that ends a line or a literal's line; C0 controls, DEL, C1
 * controls (U+0080..U+009F, CSI among them) and bytes that are not valid
 * UTF-8 are shown as \xHH, one per byte.  Details the header leaves open:
 *  - a text literal is "{N}" LF, its content with CRLF turned into LF (a
 *    lone CR is \x0d), and an LF if the content did not end with one; the
 *    response then goes on at the start of the next line, with no blank
 *    separator ("...\n)" rather than "...\n )");  {0} stays on the line;
 *  - a binary literal on a tty is "{N} <binary data, N bytes>"; elsewhere
 *    it is printed like a text literal but with no CRLF folding and with
 *    '\' doubled, so every \xHH in the output is an escape;
 *  - a sunk literal is "{N} <N bytes saved>"; literal8 gets its "~";
 *  - RAW of a whole response is r->raw.  RAW of a single value (and of a
 *    response without raw bytes) is the wire syntax rebuilt from the tree:
 *    quoted strings re-escaped, literals as {N} CRLF content, no escaping
 *    for the terminal.
 * JSON: render_json.c.
 */
#include "shell/render.h"
#include "shell/json.h"
#include "util/utf7.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static const char *resp_name(const struct imap_response *r)
{
	if (r->name)
		return r->name;
	if (r->kind == IMAP_RESP_CONTINUATION)
		return "+";
	return imap_status_name(r->status);
}

static int is_c1(uint32_t cp)
{
	return cp >= 0x80 && cp < 0xa0;
}

/* render_is_text() over pieces: feed each piece (limit as for
 * add_shown_upto), then ask text_done(). */
struct text_check {
	uint64_t len, odd, bad8; /* bytes; controls; bytes of invalid UTF-8 */
	bool binary;             /* a NUL */
};

static size_t text_feed(struct text_check *t, const char *s, size_t len, size_t limit)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < limit && !t->binary) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t n;

		if (c == 0) {
			t->binary = true;
			break;
		}
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') ||
			    c == 0x7f)
				t->odd++;
			i++;
			continue;
		}
		n = utf8_next(p + i, len - i, &cp);
		if (!n) {
			/* Latin-1 text, or a broken sequence: escaped when
			 * shown, the rest still text */
			t->bad8++;
			i++;
			continue;
		}
		if (is_c1(cp))
			t->odd++;
		i += n;
	}
	t->len += i;
	return i;
}

/* Binary is a NUL, or mostly bytes that are neither printable nor UTF-8
 * (over 30%): a byte of Latin-1 or a stray ESC does not hide a text, it is
 * escaped when shown. */
static bool text_done(const struct text_check *t)
{
	return !t->binary && (t->odd + t->bad8) * 10 <= t->len * 3;
}

int render_is_text(const char *s, size_t len)
{
	struct text_check t = { 0, 0, 0, false };
	text_feed(&t, s, len, len);
	return text_done(&t);
}

static void add_hex(struct buf *out, unsigned char c)
{
	char e[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };
	buf_add(out, e, 4);
}

enum show_flags {
	SHOW_QUOTED = 1 << 0,    /* '"' and '\' as \" and \\ */
	SHOW_BACKSLASH = 1 << 1, /* '\' as \\ */
	SHOW_LF = 1 << 2,        /* LF as is */
	SHOW_CRLF = 1 << 3,      /* CRLF as LF */
};

/* How a text is shown: CRLF as a line break; when it has bytes shown as
 * \xHH, a backslash of its own as \\ so that the two cannot be told
 * apart. */
static unsigned text_flags(const struct text_check *t)
{
	return SHOW_LF | SHOW_CRLF | (t->odd || t->bad8 ? SHOW_BACKSLASH : 0);
}

/*
 * Appends bytes for a terminal (see the comment at the top).  Sequences
 * that start before limit are shown (they may use bytes up to len); the
 * return value is where the next piece starts.  limit == len shows all:
 * a piece of a longer text passes limit = len - 3, so that no UTF-8
 * sequence or CRLF is cut between two pieces.
 */
static size_t add_shown_upto(struct buf *out, const char *s, size_t len, size_t limit,
			     unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_grow(out, limit);
	while (i < limit) {
		size_t run = i;
		unsigned char c;
		uint32_t cp;
		size_t n;

		while (run < limit && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		buf_add(out, s + i, run - i);
		i = run;
		if (run == limit)
			break;
		c = p[i];
		if (c == '"' || c == '\\') {
			if ((flags & SHOW_QUOTED) || (c == '\\' && (flags & SHOW_BACKSLASH)))
				buf_addch(out, '\\');
			buf_addch(out, c);
			i++;
		} else if (c == '\t' || (c == '\n' && (flags & SHOW_LF))) {
			buf_addch(out, c);
			i++;
		} else if (c == '\r' && (flags & SHOW_CRLF) && i + 1 < len && p[i + 1] == '\n') {
			buf_addch(out, '\n');
			i += 2;
		} else if (c >= 0x80 && (n = utf8_next(p + i, len - i, &cp)) != 0) {
			if (is_c1(cp)) {
				for (; n; n--)
					add_hex(out, p[i++]);
			} else {
				buf_add(out, s + i, n);
				i += n;
			}
		} else {
			add_hex(out, c);
			i++;
		}
	}
	return i;
}

static void add_shown(struct buf *out, const char *s, size_t len, unsigned flags)
{
	add_shown_upto(out, s, len, len, flags);
}

/* Appends a quoted string in wire syntax: only '"' and '\' escaped. */
void render_safe(struct buf *out, const char *s, size_t len)
{
	add_shown(out, s, len, 0);
}

static void add_wire_quoted(struct buf *out, const char *s, size_t len)
{
	size_t i;

	buf_addch(out, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addch(out, '\\');
		buf_addch(out, s[i]);
	}
	buf_addch(out, '"');
}

/* One response (or value) being rendered in IMAP syntax. */
struct imap_out {
	struct buf *out;
	size_t base;   /* out->len when we started */
	bool wire;     /* RAW: wire syntax, no escaping */
	bool tty;
	const struct render_spool *spool;
	char flushed_last; /* the last byte handed to spool->flush, or 0 */
};

static bool at_line_start(const struct imap_out *w)
{
	if (w->out->len > w->base)
		return w->out->buf[w->out->len - 1] == '\n';
	return w->flushed_last == '\n';
}

/* ---- spooled literals: read back in pieces ------------------------------ */

#define SPOOL_PIECE 65536
/* hand out rendered text once this much waits */
#define FLUSH_AT 65536

/* A spooled literal being read.  buf holds have bytes: a piece, plus up
 * to 3 bytes carried over from the last one (a UTF-8 sequence or CRLF
 * that a piece boundary would have cut). */
struct spool_read {
	const struct render_spool *sp;
	const struct imap_value *v;
	uint64_t off, size;
	char buf[SPOOL_PIECE + 4];
	size_t have;
	bool failed;
};

static void spool_read_init(struct spool_read *r, const struct render_spool *sp,
			    const struct imap_value *v, uint64_t size)
{
	r->sp = sp;
	r->v = v;
	r->off = 0;
	r->size = size;
	r->have = 0;
	r->failed = false;
}

/* Tops buf up; returns true while there is something to process, and
 * sets *final when this is the literal's last piece. */
static bool spool_fill(struct spool_read *r, bool *final)
{
	while (r->have < SPOOL_PIECE && r->off < r->size && !r->failed) {
		size_t want = SPOOL_PIECE - r->have;
		ssize_t n;
		if (want > r->size - r->off)
			want = (size_t)(r->size - r->off);
		n = r->sp->read(r->sp->ctx, r->v, r->off, r->buf + r->have, want);
		if (n <= 0) {
			r->failed = true;
			break;
		}
		r->have += (size_t)n;
		r->off += (uint64_t)n;
	}
	*final = r->off >= r->size || r->failed;
	return r->have > 0;
}

/* Drops the first n bytes of buf (processed). */
static void spool_consume(struct spool_read *r, size_t n)
{
	memmove(r->buf, r->buf + n, r->have - n);
	r->have -= n;
}

/* The limit for a piece (see add_shown_upto). */
static size_t piece_limit(const struct spool_read *r, bool final)
{
	return final ? r->have : r->have > 3 ? r->have - 3 : 0;
}

static void maybe_flush(struct imap_out *w)
{
	if (!w->spool || !w->spool->flush || w->out->len < FLUSH_AT)
		return;
	w->flushed_last = w->out->buf[w->out->len - 1];
	w->spool->flush(w->spool->ctx, w->out);
	w->base = w->out->len;
}

/* Whether a spooled literal is text (a first pass over it); *flags_r
 * gets how to show it if so. */
static bool spool_is_text(const struct render_spool *sp, const struct imap_value *v,
			  uint64_t size, bool *failed, unsigned *flags_r)
{
	struct spool_read *r = malloc(sizeof(*r));
	struct text_check t = { 0, 0, 0, false };
	bool final;

	if (!r)
		return false;
	spool_read_init(r, sp, v, size);
	while (!t.binary && spool_fill(r, &final)) {
		size_t n = text_feed(&t, r->buf, r->have, piece_limit(r, final));
		spool_consume(r, n);
		if (final && !r->have)
			break;
	}
	*failed = r->failed;
	free(r);
	*flags_r = text_flags(&t);
	return text_done(&t);
}

/* Shows a spooled literal's bytes with add_shown's flags, in pieces. */
static void spool_shown(struct imap_out *w, const struct imap_value *v, uint64_t size,
			unsigned flags)
{
	struct spool_read *r = malloc(sizeof(*r));
	bool final;

	if (!r)
		return;
	spool_read_init(r, w->spool, v, size);
	while (spool_fill(r, &final)) {
		size_t n = add_shown_upto(w->out, r->buf, r->have, piece_limit(r, final), flags);
		spool_consume(r, n);
		maybe_flush(w);
		if (final && !r->have)
			break;
	}
	if (r->failed)
		buf_addf(w->out, "\n<%" PRIu64 " of %" PRIu64 " bytes could not be read back>",
			 size - r->off, size);
	free(r);
}

/* A spooled literal in PRETTY or RAW; false when v is not spooled. */
static bool add_spooled(struct imap_out *w, const struct imap_value *v)
{
	struct buf *out = w->out;
	const char *tilde = v->literal8 ? "~" : "";
	long long size;
	bool failed = false;
	unsigned flags = 0;

	if (!w->spool || (size = w->spool->size(w->spool->ctx, v)) < 0)
		return false;
	if (w->wire) {
		struct spool_read *r = malloc(sizeof(*r));
		bool final;
		buf_addf(out, "%s{%lld}\r\n", tilde, size);
		if (!r)
			return true;
		spool_read_init(r, w->spool, v, (uint64_t)size);
		while (spool_fill(r, &final)) {
			buf_add(out, r->buf, r->have);
			spool_consume(r, r->have);
			maybe_flush(w);
		}
		free(r);
		return true;
	}
	buf_addf(out, "%s{%" PRIu64 "}", tilde, v->literal_size);
	if (size == 0)
		return true;
	if (spool_is_text(w->spool, v, (uint64_t)size, &failed, &flags)) {
		buf_addch(out, '\n');
		spool_shown(w, v, (uint64_t)size, flags);
	} else if (w->tty) {
		buf_addf(out, " <binary data, %lld bytes>", size);
		return true;
	} else {
		buf_addch(out, '\n');
		spool_shown(w, v, (uint64_t)size, SHOW_LF | SHOW_BACKSLASH);
	}
	if (!at_line_start(w))
		buf_addch(out, '\n');
	return true;
}

/* The blank between two items; none after a literal's text (pretty). */
static void add_sep(struct imap_out *w)
{
	if (w->wire || !at_line_start(w))
		buf_addch(w->out, ' ');
}

/* PRETTY: a text literal up to this long, without a line break, is shown
 * in its line as a quoted string. */
#define INLINE_LITERAL_MAX 256

static void add_literal(struct imap_out *w, const struct imap_value *v)
{
	struct buf *out = w->out;
	const char *tilde = v->literal8 ? "~" : "";
	struct text_check t = { 0, 0, 0, false };

	if ((v->sunk || !v->str) && add_spooled(w, v))
		return;
	if (v->sunk || !v->str) {
		if (w->wire)
			buf_addf(out, "%s{%" PRIu64 "}", tilde, v->literal_size);
		else
			buf_addf(out, "%s{%" PRIu64 "} <%" PRIu64 " bytes saved>", tilde,
				 v->literal_size, v->literal_size);
		return;
	}
	if (w->wire) {
		buf_addf(out, "%s{%zu}\r\n", tilde, v->len);
		buf_add(out, v->str, v->len);
		return;
	}
	text_feed(&t, v->str, v->len, v->len);
	if (text_done(&t) && v->len && v->len <= INLINE_LITERAL_MAX && !memchr(v->str, '\n', v->len) &&
	    !memchr(v->str, '\r', v->len)) {
		/* a short text without a line break stays in its line, as
		 * the quoted string it could have been */
		buf_addch(out, '"');
		add_shown(out, v->str, v->len, SHOW_QUOTED);
		buf_addch(out, '"');
		return;
	}
	buf_addf(out, "%s{%" PRIu64 "}", tilde, v->literal_size);
	if (v->len == 0)
		return;
	if (text_done(&t)) {
		buf_addch(out, '\n');
		add_shown(out, v->str, v->len, text_flags(&t));
	} else if (w->tty) {
		buf_addf(out, " <binary data, %zu bytes>", v->len);
		return;
	} else {
		buf_addch(out, '\n');
		add_shown(out, v->str, v->len, SHOW_LF | SHOW_BACKSLASH);
	}
	if (!at_line_start(w))
		buf_addch(out, '\n');
}

static void add_value(struct imap_out *w, const struct imap_value *v)
{
	struct buf *out = w->out;
	size_t i;

	switch (v->type) {
	case IMAP_VALUE_ATOM:
		if (w->wire)
			buf_add(out, v->str, v->len);
		else
			add_shown(out, v->str, v->len, 0);
		break;
	case IMAP_VALUE_NUMBER:
		buf_addf(out, "%" PRIu64, v->num);
		break;
	case IMAP_VALUE_QUOTED:
		if (w->wire) {
			add_wire_quoted(out, v->str, v->len);
		} else {
			buf_addch(out, '"');
			add_shown(out, v->str, v->len, SHOW_QUOTED);
			buf_addch(out, '"');
		}
		break;
	case IMAP_VALUE_LITERAL:
		add_literal(w, v);
		break;
	case IMAP_VALUE_LIST:
		buf_addch(out, '(');
		for (i = 0; i < v->count; i++) {
			if (i)
				add_sep(w);
			add_value(w, &v->items[i]);
		}
		buf_addch(out, ')');
		break;
	case IMAP_VALUE_NIL:
		buf_adds(out, "NIL");
		break;
	}
}

static void add_text(struct imap_out *w, const char *s, size_t len)
{
	if (w->wire)
		buf_add(w->out, s, len);
	else
		add_shown(w->out, s, len, 0);
}

/* " [CODE args] text" of a status response or continuation. */
static void add_resp_text(struct imap_out *w, const struct imap_response *r)
{
	size_t i;

	if (r->code_name) {
		add_sep(w);
		buf_addch(w->out, '[');
		add_text(w, r->code_name, strlen(r->code_name));
		for (i = 0; i < r->code_args.count; i++) {
			add_sep(w);
			add_value(w, &r->code_args.items[i]);
		}
		buf_addch(w->out, ']');
	}
	if (r->text && r->text_len) {
		add_sep(w);
		add_text(w, r->text, r->text_len);
	}
}

static void render_imap(struct buf *out, const struct imap_response *r, bool wire, bool tty,
			const struct render_spool *spool)
{
	struct imap_out w = { out, out->len, wire, tty, spool, 0 };
	const char *name = resp_name(r);
	size_t i;

	switch (r->kind) {
	case IMAP_RESP_TAGGED:
		if (wire) {
			buf_adds(out, r->tag ? r->tag : "*");
			buf_addch(out, ' ');
		}
		add_text(&w, name, strlen(name));
		add_resp_text(&w, r);
		break;
	case IMAP_RESP_CONTINUATION:
		buf_addch(out, '+');
		add_resp_text(&w, r);
		/* RFC 9051 continue-req: "+" SP always on the wire */
		if (wire && out->len == w.base + 1)
			buf_addch(out, ' ');
		break;
	case IMAP_RESP_UNTAGGED:
		buf_adds(out, "* ");
		if (r->has_number)
			buf_addf(out, "%" PRIu64 " ", r->number);
		add_text(&w, name, strlen(name));
		if (r->status != IMAP_STATUS_NONE) {
			add_resp_text(&w, r);
			break;
		}
		for (i = 0; i < r->data.count; i++) {
			add_sep(&w);
			add_value(&w, &r->data.items[i]);
		}
		break;
	}
	if (wire)
		buf_add(out, "\r\n", 2);
	else if (!at_line_start(&w))
		buf_addch(out, '\n');
}

static bool has_literal(const struct imap_value *v)
{
	size_t i;
	if (v->type == IMAP_VALUE_LITERAL)
		return true;
	if (v->type == IMAP_VALUE_LIST)
		for (i = 0; i < v->count; i++)
			if (has_literal(&v->items[i]))
				return true;
	return false;
}

/*
 * PRETTY for a response without literals: the line exactly as the server
 * sent it (its spacing kept: "* THREAD (1)(2 3)"), less the tag and the
 * line end, made safe for a terminal.  Returns false when the tree must
 * be rendered instead.
 */
static bool render_as_sent(struct buf *out, const struct imap_response *r)
{
	const char *p = r->raw, *end;
	if (!p || !r->raw_len || has_literal(&r->data) || has_literal(&r->code_args))
		return false;
	end = p + r->raw_len;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (memchr(p, '\n', (size_t)(end - p)))
		return false;
	if (r->kind == IMAP_RESP_TAGGED) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		p = sp ? sp + 1 : end;
	}
	add_shown(out, p, (size_t)(end - p), 0);
	buf_addch(out, '\n');
	return true;
}

/* The literals of a response in wire order (code, then data). */
static void collect_literals(const struct imap_value *v, const struct imap_value ***list,
			     size_t *n, size_t *alloc)
{
	size_t i;
	if (v->type == IMAP_VALUE_LITERAL) {
		if (*n == *alloc) {
			*alloc = *alloc ? 2 * *alloc : 8;
			*list = realloc(*list, *alloc * sizeof(**list));
			if (!*list)
				abort();
		}
		(*list)[(*n)++] = v;
	} else if (v->type == IMAP_VALUE_LIST) {
		for (i = 0; i < v->count; i++)
			collect_literals(&v->items[i], list, n, alloc);
	}
}

/* Is raw[0..len) a literal header "{N}" or "~{N}" for size? */
static bool is_literal_header(const char *raw, size_t len, uint64_t size)
{
	char want[32];
	int n = snprintf(want, sizeof(want), "{%" PRIu64 "}", size);
	return (size_t)n <= len && !memcmp(raw + len - (size_t)n, want, (size_t)n);
}

/*
 * RAW for a response with spooled literals: its raw bytes hold each sunk
 * literal's header but not its data; the data goes in after the header's
 * line end, so the output is the response as it crossed the wire.
 */
static void render_raw_spooled(struct buf *out, const struct imap_response *r,
			       const struct render_spool *sp)
{
	const struct imap_value **lits = NULL;
	struct imap_out w = { out, out->len, true, false, sp, 0 };
	size_t nlits = 0, alloc = 0, k = 0, pos = 0;

	collect_literals(&r->code_args, &lits, &nlits, &alloc);
	collect_literals(&r->data, &lits, &nlits, &alloc);
	while (pos < r->raw_len) {
		const char *nl = memchr(r->raw + pos, '\n', r->raw_len - pos);
		size_t end = nl ? (size_t)(nl - r->raw) + 1 : r->raw_len;
		size_t line = end - pos;
		const struct imap_value *v = k < nlits ? lits[k] : NULL;
		size_t hdr = line;

		buf_add(out, r->raw + pos, line);
		pos = end;
		while (hdr && (r->raw[pos - line + hdr - 1] == '\n' || r->raw[pos - line + hdr - 1] == '\r'))
			hdr--;
		if (!v || !is_literal_header(r->raw + pos - line, hdr, v->literal_size))
			continue;
		k++;
		if (v->sunk || !v->str) {
			/* not in raw: from the spool (or nowhere, if it went to a file) */
			long long size = sp->size(sp->ctx, v);
			struct spool_read *rd;
			bool final;
			if (size < 0 || !(rd = malloc(sizeof(*rd))))
				continue;
			spool_read_init(rd, sp, v, (uint64_t)size);
			while (spool_fill(rd, &final)) {
				buf_add(out, rd->buf, rd->have);
				spool_consume(rd, rd->have);
				maybe_flush(&w);
			}
			free(rd);
			continue;
		}
		/* a literal kept in memory: its data is in raw already */
		{
			size_t skip = v->len < r->raw_len - pos ? v->len : r->raw_len - pos;
			buf_add(out, r->raw + pos, skip);
			pos += skip;
			maybe_flush(&w);
		}
	}
	free(lits);
}

static bool has_spooled(const struct imap_value *v, const struct render_spool *sp)
{
	size_t i;
	if (v->type == IMAP_VALUE_LITERAL)
		return (v->sunk || !v->str) && sp->size(sp->ctx, v) >= 0;
	if (v->type == IMAP_VALUE_LIST)
		for (i = 0; i < v->count; i++)
			if (has_spooled(&v->items[i], sp))
				return true;
	return false;
}

void render_section_value(struct buf *out, const struct imap_value *v, const struct render_opts *o)
{
	struct imap_out w = { out, out->len, false, o->tty, o->spool, 0 };
	long long size;
	bool failed = false;
	unsigned flags = 0;

	if (!v || v->type == IMAP_VALUE_NIL) {
		buf_adds(out, "NIL\n");
		return;
	}
	if (v->type == IMAP_VALUE_LIST || v->type == IMAP_VALUE_NUMBER) {
		/* not a section's data: as sent */
		add_value(&w, v);
		buf_addch(out, '\n');
		return;
	}
	if (v->str && !v->sunk) {
		if (render_text_inline(out, v->str, v->len)) {
			buf_addch(out, '\n');
			return;
		}
		buf_addf(out, "%zu bytes\n", v->len);
		render_text_block(out, v->str, v->len, o->tty);
		return;
	}
	if (!o->spool || (size = o->spool->size(o->spool->ctx, v)) < 0) {
		buf_addf(out, "<%" PRIu64 " bytes saved>\n", v->literal_size);
		return;
	}
	/* spooled: read back in pieces, shown as a kept one would be */
	buf_addf(out, "%lld bytes\n", size);
	w.base = out->len;
	if (size == 0)
		return;
	if (spool_is_text(o->spool, v, (uint64_t)size, &failed, &flags))
		spool_shown(&w, v, (uint64_t)size, flags);
	else if (o->tty)
		buf_addf(out, "<binary data, %lld bytes: save it with > FILE>", size);
	else
		spool_shown(&w, v, (uint64_t)size, SHOW_LF | SHOW_BACKSLASH);
	if (!at_line_start(&w))
		buf_addch(out, '\n');
}

bool render_text_inline(struct buf *out, const char *s, size_t len)
{
	struct text_check t = { 0, 0, 0, false };

	if (len > INLINE_LITERAL_MAX || memchr(s, '\n', len) || memchr(s, '\r', len))
		return false;
	text_feed(&t, s, len, len);
	if (!text_done(&t))
		return false;
	buf_addch(out, '"');
	add_shown(out, s, len, SHOW_QUOTED);
	buf_addch(out, '"');
	return true;
}

void render_text_block(struct buf *out, const char *s, size_t len, bool tty)
{
	struct text_check t = { 0, 0, 0, false };

	if (!len)
		return;
	text_feed(&t, s, len, len);
	if (text_done(&t))
		add_shown(out, s, len, text_flags(&t));
	else if (tty)
		buf_addf(out, "<binary data, %zu bytes: save it with > FILE>", len);
	else
		add_shown(out, s, len, SHOW_LF | SHOW_BACKSLASH);
	if (out->len && out->buf[out->len - 1] != '\n')
		buf_addch(out, '\n');
}

static const struct render_opts default_opts = { .format = RENDER_PRETTY, .tty = false };

void render_response(struct buf *out, const struct imap_response *r, const struct render_opts *o)
{
	if (!o)
		o = &default_opts;
	switch (o->format) {
	case RENDER_RAW:
		if (r->raw && o->spool &&
		    (has_spooled(&r->data, o->spool) || has_spooled(&r->code_args, o->spool)))
			render_raw_spooled(out, r, o->spool);
		else if (r->raw)
			buf_add(out, r->raw, r->raw_len);
		else
			render_imap(out, r, true, false, NULL);
		break;
	case RENDER_JSON:
		render_json(out, r, o);
		break;
	case RENDER_PRETTY:
	default: {
		size_t from = out->len;
		/* A view only adds to the response's arena: what the caller
		 * sees of r does not change. */
		if (!(imap_response_has_arena(r) &&
		      render_pretty_view(out, (struct imap_response *)r, o)) &&
		    !render_as_sent(out, r))
			render_imap(out, r, false, o->tty, o->spool);
		/* (a big literal may have been handed out: then no colour) */
		if (o->color && !o->spool && out->len > from)
			render_color(out, from, r);
		break;
	}
	}
}

void render_value(struct buf *out, const struct imap_value *v, const struct render_opts *o)
{
	struct imap_out w = { out, out->len, false, false, NULL, 0 };

	if (!o)
		o = &default_opts;
	if (o->format == RENDER_JSON) {
		struct json j = JSON_INIT(out);
		json_value(&j, v);
		return;
	}
	w.wire = o->format == RENDER_RAW;
	w.tty = o->tty;
	add_value(&w, v);
}
