/*
 * fuzz_encode.c - libFuzzer target for the command encoder (src/proto/encode).
 *
 * Random typed arguments go in; the wire bytes are decoded again by an
 * independent reader that asserts:
 *   - every argument comes back byte for byte in a form its kind allows
 *     (atom, quoted, literal) and the literal mode was obeyed;
 *   - no CR or LF appears outside literal headers and literal data, and
 *     the command ends with the one final CRLF;
 *   - the chunks tile the bytes exactly, each ending after a synchronizing
 *     literal header (or at the end);
 *   - secret spans are exactly the secret arguments' content, and
 *     imap_wire_redacted() matches a reference on a random window;
 *   - a STRING or ASTRING of more than IMAP_ENC_LONG_STRING bytes is a
 *     literal;
 *   - no line (up to a literal header's CRLF or the final one, literal
 *     data left out) is longer than IMAP_ENC_MAX_LINE without the bytes of
 *     the VERBATIM arguments on it;
 *   - encoding fails exactly when a RAW argument is empty or holds
 *     CR, LF or NUL, or a STRING or ASTRING holds NUL or is longer than
 *     IMAP_ENC_MAX_STRING, or a line would be
 *     too long: then the same arguments all flagged VERBATIM encode, and
 *     reading those bytes with the original flags finds the long line.
 *
 *   - a LITERAL from a source (struct imap_literal_source) puts only its
 *     header in the bytes and one stream record just after it.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand, from the top
 * of the tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     tests/fuzz/fuzz_encode.c src/proto/encode.c src/util/buf.c \
 *     src/util/xalloc.c src/util/err.c -o fuzz_encode
 *   ./fuzz_encode -max_total_time=30
 *
 * Input: byte 0 literal mode (% 3) and which arguments are VERBATIM (bits
 * 2-7: argument i if bit 2 + i % 6), bytes 1-4 a redaction window, then records
 * of [head][len][data]: head bits 0-1 kind, 2-3 flags, 4 len *= 64;
 * with bit 5 the data is one byte repeated FILL_BASE + len times; with
 * bit 6 a LITERAL's data comes from a source of that size (bit 7: the
 * size shifted left by 32, so sizes beyond memory are seen too).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/encode.h"

#define MAX_ARGS 16
#define FILL_BASE (4096 - 128)

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "fuzz_encode: %s:%d: %s\n", __FILE__,   \
				__LINE__, #cond);                               \
			abort();                                                \
		}                                                               \
	} while (0)

struct reader {
	const struct imap_wire *w;
	const char *p;
	size_t pos, len;
	size_t sync_ends[MAX_ARGS];
	size_t nsync;
	size_t nstreams;
	/* lines: where the current one began, its VERBATIM bytes, the
	 * longest so far (counted as imap_encode() counts) */
	size_t line_start, exempt, max_line;
	bool verbatim;           /* the argument being read */
};

/* A line ends with the CRLF at pos (not read yet). */
static void line_end(struct reader *r)
{
	size_t len = r->pos + 2 - r->line_start - r->exempt;
	if (len > r->max_line)
		r->max_line = len;
}

static bool is_atom_char(unsigned char c)
{
	return c > 0x1f && c < 0x7f && !strchr("(){ %*\"\\]", c);
}

/* Reads a literal "{n}"/"{n+}"/"~{n}"; returns the data offset.  A
 * literal from a source has no data in the bytes but a stream record. */
static size_t read_literal(struct reader *r, const struct imap_arg *a, bool binary,
			   enum imap_literal_mode mode)
{
	uint64_t n = 0, want = a->source ? a->source->size : a->len;
	size_t start;
	bool plus = false, want_plus;

	if (binary) {
		CHECK(r->p[r->pos] == '~');
		r->pos++;
	}
	CHECK(r->p[r->pos] == '{');
	r->pos++;
	start = r->pos;
	while (r->pos < r->len && r->p[r->pos] >= '0' && r->p[r->pos] <= '9') {
		CHECK(n <= (UINT64_MAX - 9) / 10);
		n = n * 10 + (uint64_t)(r->p[r->pos++] - '0');
	}
	CHECK(r->pos > start);
	CHECK(r->p[start] != '0' || r->pos == start + 1); /* no leading zeros */
	if (r->p[r->pos] == '+') {
		plus = true;
		r->pos++;
	}
	CHECK(r->pos + 3 <= r->len);
	CHECK(memcmp(r->p + r->pos, "}\r\n", 3) == 0);
	r->pos++;
	if (r->verbatim)
		r->exempt += r->pos - (start - 1 - binary);
	line_end(r);
	r->pos += 2;
	/* LITERAL+ skips the wait for any size of message data only; a
	 * string that became a literal follows LITERAL- rules */
	want_plus = (mode == IMAP_LITERAL_PLUS && a->kind == IMAP_ARG_LITERAL) ||
		    (mode != IMAP_LITERAL_SYNC && n <= 4096);
	CHECK(plus == want_plus);
	if (!plus) {
		CHECK(r->nsync < MAX_ARGS);
		r->sync_ends[r->nsync++] = r->pos;
	}
	CHECK(n == want);
	if (a->source) {
		CHECK(r->nstreams < r->w->nstreams);
		CHECK(r->w->streams[r->nstreams].at == r->pos);
		CHECK(r->w->streams[r->nstreams].source == a->source);
		r->nstreams++;
		r->line_start = r->pos;
		r->exempt = 0;
		return r->pos;
	}
	CHECK(r->pos + n <= r->len);
	CHECK(n == 0 || memcmp(r->p + r->pos, a->data, n) == 0);
	start = r->pos;
	r->pos += n;
	r->line_start = r->pos;
	r->exempt = 0;
	return start;
}

/* Reads a quoted string and compares it unescaped with the argument. */
static void read_quoted(struct reader *r, const struct imap_arg *a)
{
	size_t i = 0;

	CHECK(r->p[r->pos] == '"');
	r->pos++;
	for (;;) {
		unsigned char c;
		CHECK(r->pos < r->len);
		c = (unsigned char)r->p[r->pos++];
		if (c == '"')
			break;
		CHECK(c != '\r' && c != '\n' && c != 0 && c < 0x80);
		if (c == '\\') {
			CHECK(r->pos < r->len);
			c = (unsigned char)r->p[r->pos++];
			CHECK(c == '"' || c == '\\');
		}
		CHECK(i < a->len && (unsigned char)a->data[i] == c);
		i++;
	}
	CHECK(i == a->len);
}

static bool arg_is_bad(const struct imap_arg *a)
{
	if (a->kind == IMAP_ARG_STRING || a->kind == IMAP_ARG_ASTRING)
		return a->len > IMAP_ENC_MAX_STRING || /* longer strings are refused */
		       (a->len && memchr(a->data, '\0', a->len)); /* CHAR8 excludes NUL */
	return a->kind == IMAP_ARG_RAW &&
	       (a->len == 0 || memchr(a->data, '\r', a->len) || memchr(a->data, '\n', a->len) ||
		memchr(a->data, '\0', a->len));
}

/* The reference for imap_wire_redacted(). */
static void redact_ref(const struct imap_wire *w, size_t off, size_t len, struct buf *out)
{
	size_t i, end, s = 0;

	if (off > w->bytes.len)
		return;
	end = len > w->bytes.len - off ? w->bytes.len : off + len;
	for (i = off; i < end; i++) {
		while (s < w->nsecrets && w->secrets[s].off + w->secrets[s].len <= i)
			s++;
		if (s < w->nsecrets && w->secrets[s].off <= i) {
			buf_adds(out, "<redacted>");
			i = w->secrets[s].off + w->secrets[s].len - 1;
		} else {
			buf_addch(out, w->bytes.buf[i]);
		}
	}
}

/*
 * Reads w back against args and asserts all of the above but the failure
 * rule; verbatim[i] says whether argument i's bytes are exempt from the
 * line count.  Returns the longest line so counted.
 */
static size_t read_wire(const struct imap_wire *w, const struct imap_arg *args, size_t nargs,
			enum imap_literal_mode mode, const bool *verbatim)
{
	struct reader r;
	size_t i, pos, nsec = 0;

	CHECK(w->bytes.buf[w->bytes.len] == '\0');
	memset(&r, 0, sizeof(r));
	r.w = w;
	r.p = w->bytes.buf;
	r.len = w->bytes.len;
	CHECK(r.len >= 8 && memcmp(r.p, "A1 X Y", 6) == 0);
	r.pos = 6;
	for (i = 0; i < nargs; i++) {
		const struct imap_arg *a = &args[i];
		size_t start;
		bool literal = false;

		CHECK(r.pos < r.len && r.p[r.pos] == ' ');
		r.pos++;
		start = r.pos;
		r.verbatim = verbatim[i];
		switch (a->kind) {
		case IMAP_ARG_RAW:
			CHECK(r.pos + a->len <= r.len);
			CHECK(memcmp(r.p + r.pos, a->data, a->len) == 0);
			r.pos += a->len;
			break;
		case IMAP_ARG_ASTRING:
			if (r.p[r.pos] != '"' && r.p[r.pos] != '{') {
				size_t k;
				CHECK(a->len > 0 && a->len <= IMAP_ENC_LONG_STRING && r.pos + a->len <= r.len);
				for (k = 0; k < a->len; k++)
					CHECK(is_atom_char((unsigned char)a->data[k]) ||
					      a->data[k] == ']');
				CHECK(memcmp(r.p + r.pos, a->data, a->len) == 0);
				r.pos += a->len;
				break;
			}
			/* fall through */
		case IMAP_ARG_STRING:
			if (r.p[r.pos] == '"') {
				CHECK(a->len <= IMAP_ENC_LONG_STRING);
				read_quoted(&r, a);
			} else {
				start = read_literal(&r, a, false, mode);
				literal = true;
			}
			break;
		case IMAP_ARG_LITERAL:
			start = read_literal(&r, a, (a->flags & IMAP_ARG_BINARY) != 0, mode);
			literal = true;
			break;
		}
		if (verbatim[i] && !literal)
			r.exempt += r.pos - start;
		if ((a->flags & IMAP_ARG_SECRET) && r.pos > start) {
			CHECK(nsec < w->nsecrets);
			CHECK(w->secrets[nsec].off == start);
			CHECK(w->secrets[nsec].len == r.pos - start);
			nsec++;
		}
	}
	CHECK(nsec == w->nsecrets);
	CHECK(r.nstreams == w->nstreams);
	CHECK(r.pos + 2 == r.len && memcmp(r.p + r.pos, "\r\n", 2) == 0);
	line_end(&r);

	/* chunks: one after each sync literal header, then the rest */
	CHECK(w->nchunks == r.nsync + 1);
	for (i = 0, pos = 0; i < w->nchunks; i++) {
		size_t end = i < r.nsync ? r.sync_ends[i] : r.len;
		CHECK(w->chunks[i].off == pos);
		CHECK(w->chunks[i].len == end - pos && w->chunks[i].len > 0);
		pos = end;
	}
	return r.max_line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_arg args[MAX_ARGS];
	struct imap_literal_source sources[MAX_ARGS];
	bool verbatim[MAX_ARGS];
	char *fill[MAX_ARGS];
	size_t nfill = 0;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_wire w;
	enum imap_literal_mode mode;
	size_t nargs = 0, pos = 5, win_off, win_len;
	bool any_bad = false;
	int rc;

	if (size < 5)
		return 0;
	memset(args, 0, sizeof(args));
	memset(sources, 0, sizeof(sources));
	mode = (enum imap_literal_mode)(data[0] % 3);
	win_off = (size_t)data[1] | (size_t)data[2] << 8;
	win_len = (size_t)data[3] | (size_t)data[4] << 8;
	while (pos + 2 <= size && nargs < MAX_ARGS) {
		uint8_t head = data[pos], l = data[pos + 1];
		size_t len = head & 0x10 ? (size_t)l * 64 : l;
		pos += 2;
		if ((head & 0x20) && pos < size) {
			/* fill: one byte repeated, sizes around LITERAL-'s 4096 */
			len = FILL_BASE + l;
			fill[nfill] = malloc(len);
			memset(fill[nfill], data[pos++], len);
			args[nargs].data = fill[nfill++];
		} else {
			if (len > size - pos)
				len = size - pos;
			args[nargs].data = (const char *)data + pos;
			pos += len;
		}
		args[nargs].kind = (enum imap_arg_kind)(head & 3);
		args[nargs].flags = (head >> 2) & 3;
		verbatim[nargs] = (data[0] >> (2 + nargs % 6)) & 1;
		if (verbatim[nargs])
			args[nargs].flags |= IMAP_ARG_VERBATIM;
		args[nargs].len = len;
		if ((head & 0x40) && args[nargs].kind == IMAP_ARG_LITERAL) {
			/* read() is never called: encoding does no I/O */
			sources[nargs].size = head & 0x80 ? (uint64_t)len << 32 : len;
			args[nargs].source = &sources[nargs];
		}
		any_bad = any_bad || arg_is_bad(&args[nargs]);
		nargs++;
	}

	imap_wire_init(&w);
	rc = imap_encode(&w, "A1", "X Y", args, nargs, mode, &err);
	if (rc < 0) {
		CHECK(err.kind == IMAP_ERR_ERROR && err.msg[0]);
		CHECK(w.bytes.len == 0 && w.nchunks == 0 && w.nsecrets == 0 && w.nstreams == 0);
		if (!any_bad) {
			/* only a long line: with every argument VERBATIM it
			 * encodes, and a line is too long as first counted */
			struct imap_arg all[MAX_ARGS];
			bool none[MAX_ARGS];
			size_t i;

			CHECK(strstr(err.msg, "RFC 7162") != NULL);
			for (i = 0; i < nargs; i++) {
				all[i] = args[i];
				all[i].flags |= IMAP_ARG_VERBATIM;
				none[i] = true;
			}
			CHECK(imap_encode(&w, "A1", "X Y", all, nargs, mode, &err) == 0);
			CHECK(read_wire(&w, all, nargs, mode, none) <= IMAP_ENC_MAX_LINE);
			CHECK(read_wire(&w, all, nargs, mode, verbatim) > IMAP_ENC_MAX_LINE);
		}
		goto out;
	}
	CHECK(!any_bad);
	CHECK(read_wire(&w, args, nargs, mode, verbatim) <= IMAP_ENC_MAX_LINE);

	/* redaction: whole and a window against the reference */
	{
		struct buf got = BUF_INIT, want = BUF_INIT;
		imap_wire_redacted(&w, 0, w.bytes.len, &got);
		redact_ref(&w, 0, w.bytes.len, &want);
		CHECK(got.len == want.len && memcmp(got.buf, want.buf, got.len) == 0);
		buf_reset(&got);
		buf_reset(&want);
		imap_wire_redacted(&w, win_off, win_len, &got);
		redact_ref(&w, win_off, win_len, &want);
		CHECK(got.len == want.len && memcmp(got.buf, want.buf, got.len) == 0);
		buf_release(&got);
		buf_release(&want);
	}

out:
	imap_wire_release(&w);
	while (nfill)
		free(fill[--nfill]);
	return 0;
}
