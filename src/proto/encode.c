#include "proto/encode.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* RFC 7888 sec. 4: LITERAL- allows non-synchronizing literals up to this. */
#define LITERAL_MINUS_MAX 4096

static const char redacted_mark[] = "<redacted>";

/*
 * RFC 9051 sec. 9:
 *   ATOM-CHAR     = <any CHAR except atom-specials>
 *   atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
 *                   quoted-specials / resp-specials
 *   list-wildcards = "%" / "*";  quoted-specials = DQUOTE / "\";
 *   resp-specials = "]";  CHAR = %x01-7F;  CTL = %x00-1F / %x7F
 */
static bool is_atom_char(unsigned char c)
{
	if (c <= 0x1f || c >= 0x7f)
		return false;
	return !strchr("(){ %*\"\\]", c);
}

/* ASTRING-CHAR = ATOM-CHAR / resp-specials */
static bool is_astring_char(unsigned char c)
{
	return c == ']' || is_atom_char(c);
}

/* TEXT-CHAR = <any CHAR except CR and LF>; NUL is not a CHAR.  8-bit
 * bytes could go quoted under UTF8=ACCEPT, but a literal is always legal
 * (for any byte but NUL: a string with NUL is refused). */
static bool is_quotable(unsigned char c)
{
	return c != 0 && c != '\r' && c != '\n' && c < 0x80;
}

bool imap_is_atom(const char *s, size_t len)
{
	size_t i;

	if (!s || !len)
		return false;
	for (i = 0; i < len; i++)
		if (!is_atom_char((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_astring_atom(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!is_astring_char((unsigned char)s[i]))
			return false;
	return true;
}

static bool can_quote(const char *s, size_t len, bool utf8)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_quotable((unsigned char)s[i]) && !(utf8 && (unsigned char)s[i] >= 0x80))
			return false;
	return true;
}

void imap_wire_init(struct imap_wire *w)
{
	buf_init(&w->bytes, 0);
	w->chunks = NULL;
	w->nchunks = 0;
	w->chunks_alloc_ = 0;
	w->secrets = NULL;
	w->nsecrets = 0;
	w->secrets_alloc_ = 0;
	w->streams = NULL;
	w->nstreams = 0;
	w->streams_alloc_ = 0;
}

void imap_wire_release(struct imap_wire *w)
{
	size_t i;
	/* the bytes may hold a password: wipe the secret ranges */
	for (i = 0; i < w->nsecrets; i++)
		if (w->secrets[i].off + w->secrets[i].len <= w->bytes.len)
			explicit_bzero(w->bytes.buf + w->secrets[i].off, w->secrets[i].len);
	buf_release(&w->bytes);
	free(w->chunks);
	free(w->secrets);
	free(w->streams);
	imap_wire_init(w);
}

static void add_span(struct imap_span **v, size_t *n, size_t *alloc, size_t off, size_t len)
{
	xgrow((void **)v, alloc, *n + 1, sizeof(**v));
	(*v)[*n].off = off;
	(*v)[*n].len = len;
	(*n)++;
}

/* Where imap_encode() is: the chunk and the line being written. */
struct enc {
	struct imap_wire *w;
	enum imap_literal_mode mode;
	size_t chunk_start;
	size_t line_start;        /* where the current line began */
	size_t exempt;            /* bytes of VERBATIM arguments in it */
	size_t lineno;            /* 1-based */
};

/* Closes the chunk that began at e->chunk_start and ends at the current end. */
static void end_chunk(struct enc *e)
{
	struct imap_wire *w = e->w;
	add_span(&w->chunks, &w->nchunks, &w->chunks_alloc_, e->chunk_start,
		 w->bytes.len - e->chunk_start);
	e->chunk_start = w->bytes.len;
}

/* The current line ends here with a CRLF (not written yet): -1 (err set)
 * if it is longer than IMAP_ENC_MAX_LINE without its VERBATIM bytes. */
static int end_line(struct enc *e, struct imap_err *err)
{
	size_t len = e->w->bytes.len - e->line_start + 2;

	if (len - e->exempt > IMAP_ENC_MAX_LINE) {
		char which[64] = "the command line";
		if (e->lineno > 1 || e->w->bytes.buf[e->w->bytes.len - 1] == '}')
			snprintf(which, sizeof(which), "line %zu of the command (up to a literal)", e->lineno);
		return err_set(err, IMAP_ERR_ERROR,
			       "%s would be %zu bytes long, more than the %d a server is "
			       "expected to accept (RFC 7162 sec. 4)",
			       which, len - e->exempt, IMAP_ENC_MAX_LINE);
	}
	return 0;
}

/* A literal's data ends (or will be streamed) here: a new line starts. */
static void new_line(struct enc *e)
{
	e->line_start = e->w->bytes.len;
	e->exempt = 0;
	e->lineno++;
}

static void add_quoted(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_grow(b, len + 2);
	buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addch(b, '\\');
		buf_addch(b, s[i]);
	}
	buf_addch(b, '"');
}

/* Adds "{n}\r\n" (or "{n+}", "~{n}"), ending the line (and the chunk if
 * synchronizing); the header's bytes are exempt if verbatim.  -1 (err
 * set) if the line is too long.  message: APPEND's message data, the one
 * literal LITERAL+ sends without waiting whatever its size; a string that
 * became a literal waits for the "+" above 4096 bytes even then (LITERAL-
 * rules), so that a server that will not take it can say BAD instead of
 * closing the connection in the middle of the data. */
static int add_literal_header(struct enc *e, uint64_t len, bool binary, bool message,
			      bool verbatim, struct imap_err *err)
{
	struct imap_wire *w = e->w;
	bool plus = (e->mode == IMAP_LITERAL_PLUS && message) ||
		    (e->mode != IMAP_LITERAL_SYNC && len <= LITERAL_MINUS_MAX);
	size_t start = w->bytes.len;

	buf_addf(&w->bytes, "%s{%" PRIu64 "%s}", binary ? "~" : "", len, plus ? "+" : "");
	if (verbatim)
		e->exempt += w->bytes.len - start;
	if (end_line(e, err) < 0)
		return -1;
	buf_add(&w->bytes, "\r\n", 2);
	if (!plus)
		end_chunk(e);
	return 0;
}

/* A literal with its data; *data_off_r gets where the data starts. */
static int add_literal(struct enc *e, const char *s, size_t len, bool binary, bool message,
		       bool verbatim, size_t *data_off_r, struct imap_err *err)
{
	if (add_literal_header(e, len, binary, message, verbatim, err) < 0)
		return -1;
	*data_off_r = e->w->bytes.len;
	buf_add(&e->w->bytes, s, len);
	new_line(e);
	return 0;
}

/* A literal whose data comes from a source: the header here, the data
 * when sending (recorded as a stream before the next byte). */
static int add_streamed_literal(struct enc *e, const struct imap_literal_source *src,
				bool binary, bool verbatim, struct imap_err *err)
{
	struct imap_wire *w = e->w;

	if (add_literal_header(e, src->size, binary, true, verbatim, err) < 0)
		return -1;
	xgrow((void **)&w->streams, &w->streams_alloc_, w->nstreams + 1, sizeof(*w->streams));
	w->streams[w->nstreams].at = w->bytes.len;
	w->streams[w->nstreams].source = src;
	w->nstreams++;
	new_line(e);
	return 0;
}

static int check_raw(const struct imap_arg *a, size_t argno, struct imap_err *err)
{
	if (!a->len)
		return err_set(err, IMAP_ERR_ERROR,
			       "argument %zu is empty; this position takes a bare word "
			       "(sequence set, list or search key), not an empty string",
			       argno);
	if (memchr(a->data, '\r', a->len) || memchr(a->data, '\n', a->len))
		return err_set(err, IMAP_ERR_ERROR,
			       "argument %zu contains a line break; this position is sent "
			       "as typed, and a line break would end the command early",
			       argno);
	if (memchr(a->data, '\0', a->len))
		return err_set(err, IMAP_ERR_ERROR,
			       "argument %zu contains a NUL byte; this position is sent "
			       "as typed, and IMAP does not allow NUL there",
			       argno);
	return 0;
}

static int check_head(const char *what, const char *s, bool atom, struct imap_err *err)
{
	size_t i, len = s ? strlen(s) : 0;

	if (!len)
		return err_set(err, IMAP_ERR_ERROR, "the command %s is empty", what);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (atom ? (!is_atom_char(c) || c == '+')
			 : (c < 0x20 || c >= 0x7f))
			return err_set(err, IMAP_ERR_ERROR,
				       "the command %s \"%s\" contains a character that is not "
				       "allowed there (byte 0x%02x)",
				       what, s, c);
	}
	return 0;
}

int imap_encode(struct imap_wire *w, const char *tag, const char *verb,
		const struct imap_arg *args, size_t nargs,
		enum imap_literal_mode mode, struct imap_err *err)
{
	struct enc e = { w, mode, 0, 0, 0, 1 };
	size_t i;

	buf_reset(&w->bytes);
	w->nchunks = 0;
	w->nsecrets = 0;
	w->nstreams = 0;

	/* tag = 1*<any ASTRING-CHAR except "+">; we use the stricter atom. */
	if (check_head("tag", tag, true, err) < 0 || check_head("verb", verb, false, err) < 0)
		return -1;
	buf_adds(&w->bytes, tag);
	buf_addch(&w->bytes, ' ');
	buf_adds(&w->bytes, verb);

	for (i = 0; i < nargs; i++) {
		const struct imap_arg *a = &args[i];
		const char *s = a->data ? a->data : "";
		size_t len = a->data ? a->len : 0;
		bool verbatim = (a->flags & IMAP_ARG_VERBATIM) != 0;
		size_t off, span, line_before = e.lineno;

		if ((a->kind == IMAP_ARG_ASTRING || a->kind == IMAP_ARG_STRING) &&
		    len > IMAP_ENC_MAX_STRING) {
			err_set(err, IMAP_ERR_ERROR,
				"argument %zu is %zu bytes long; a string outside a message may be "
				"%d bytes at most (servers end the session over longer ones)",
				i + 1, len, IMAP_ENC_MAX_STRING);
			goto fail;
		}
		buf_addch(&w->bytes, ' ');
		if (a->flags & IMAP_ARG_OPEN)
			buf_addch(&w->bytes, '(');
		off = w->bytes.len;
		switch (a->kind) {
		case IMAP_ARG_RAW: {
			struct imap_arg tmp = *a;
			tmp.data = s;
			tmp.len = len;
			if (check_raw(&tmp, i + 1, err) < 0)
				goto fail;
			buf_add(&w->bytes, s, len);
			break;
		}
		case IMAP_ARG_ASTRING:
			if (len <= IMAP_ENC_LONG_STRING && is_astring_atom(s, len)) {
				buf_add(&w->bytes, s, len);
				break;
			}
			/* fall through */
		case IMAP_ARG_STRING:
			if (len <= IMAP_ENC_LONG_STRING && can_quote(s, len, (a->flags & IMAP_ARG_UTF8) != 0)) {
				add_quoted(&w->bytes, s, len);
			} else if (memchr(s, '\0', len)) {
				/* CHAR8 is %x01-ff: no string, quoted or literal,
				 * may hold NUL (only literal8 can, in APPEND) */
				err_set(err, IMAP_ERR_ERROR,
					"argument %zu contains a NUL byte, which no IMAP string "
					"can carry (quoted or literal)", i + 1);
				goto fail;
			} else if (add_literal(&e, s, len, false, false, verbatim, &off, err) < 0) {
				goto fail;
			}
			break;
		case IMAP_ARG_LITERAL:
			if (a->source) {
				if (add_streamed_literal(&e, a->source, (a->flags & IMAP_ARG_BINARY) != 0,
							 verbatim, err) < 0)
					goto fail;
				off = w->bytes.len; /* nothing in bytes to redact */
				break;
			}
			if (add_literal(&e, s, len, (a->flags & IMAP_ARG_BINARY) != 0, true, verbatim,
					&off, err) < 0)
				goto fail;
			break;
		default:
			err_set(err, IMAP_ERR_ERROR, "argument %zu has an unknown kind %d",
				i + 1, (int)a->kind);
			goto fail;
		}
		span = w->bytes.len - off;
		if ((a->flags & IMAP_ARG_SECRET) && span)
			add_span(&w->secrets, &w->nsecrets, &w->secrets_alloc_, off, span);
		/* an argument on one line (not a literal) is exempt whole */
		if (verbatim && e.lineno == line_before)
			e.exempt += span;
		if (a->flags & IMAP_ARG_CLOSE)
			buf_addch(&w->bytes, ')');
	}
	if (end_line(&e, err) < 0)
		goto fail;
	buf_add(&w->bytes, "\r\n", 2);
	end_chunk(&e);
	return 0;

fail:
	buf_reset(&w->bytes);
	w->nchunks = 0;
	w->nsecrets = 0;
	w->nstreams = 0;
	return -1;
}

void imap_wire_redacted(const struct imap_wire *w, size_t off, size_t len, struct buf *out)
{
	size_t end, pos, i;

	if (off > w->bytes.len)
		return;
	if (len > w->bytes.len - off)
		len = w->bytes.len - off;
	end = off + len;
	pos = off;
	for (i = 0; i < w->nsecrets && pos < end; i++) {
		size_t s_off = w->secrets[i].off, s_end = s_off + w->secrets[i].len;

		if (s_end <= pos)
			continue;
		if (s_off >= end)
			break;
		if (s_off > pos)
			buf_add(out, w->bytes.buf + pos, s_off - pos);
		buf_add(out, redacted_mark, sizeof(redacted_mark) - 1);
		pos = s_end < end ? s_end : end;
	}
	if (pos < end)
		buf_add(out, w->bytes.buf + pos, end - pos);
}
