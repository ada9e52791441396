/*
 * fuzz_render.c - libFuzzer target for the renderers (src/shell/render).
 *
 * Server bytes go through the real parser; every response it yields is
 * rendered in all three formats, and the renderers' promises are checked
 * (render.h and the comment at the top of render.c):
 *   - PRETTY (tty and not): never a control byte but TAB and LF, no DEL,
 *     no C1 control (U+0080..U+009F), only valid UTF-8, ends with LF, and
 *     a response without literals is exactly one line.  The same for the
 *     tree path (the response with its raw bytes taken away).
 *   - RAW is r->raw byte for byte.  RAW rebuilt from the tree (no raw
 *     bytes, no sunk literal) parses back to the same response.
 *   - JSON is one line holding one valid JSON object (RFC 8259) that
 *     starts with {"type":", with valid UTF-8 and control bytes, DEL and
 *     C1 controls escaped.
 *   - render_value() of each data item: PRETTY is terminal-safe, JSON is
 *     one valid JSON value.
 *
 * Input: byte 0 is the mode, the rest is what the server sends.  Mode bit
 * 0: a literal sink (sunk literals), threshold (mode >> 1) & 7; bit 6:
 * small parser limits.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand, from the top
 * of the tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I src \
 *     tests/fuzz/fuzz_render.c src/shell/render.c src/proto/[a-z]*.c \
 *     src/util/[a-z]*.c -o fuzz_render
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parser.h"
#include "proto/response.h"
#include "shell/render.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_render: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

/* Shows the output that broke a check, escaped, before aborting. */
#define CHECK_OUT(cond, b) do { if (!(cond)) { \
	struct buf e_ = BUF_INIT; \
	buf_add_escaped(&e_, (b)->buf, (b)->len); \
	fprintf(stderr, "fuzz_render: output: %s\n", e_.buf); \
	buf_release(&e_); \
	CHECK(cond); } } while (0)

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), or 0; *cp the
 * code point.  Written again here so the check does not trust render.c. */
static size_t u8len(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		len = 2, v = p[0] & 0x1f, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3, v = p[0] & 0x0f, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4, v = p[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Terminal-safe: valid UTF-8, no control but TAB and LF, no DEL, no C1. */
static bool terminal_safe(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = u8len(p + i, len - i, &cp);
		if (!n)
			return false;
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7f && cp < 0xa0))
			return false;
		i += n;
	}
	return true;
}

static bool has_literal(const struct imap_value *v, bool *sunk)
{
	bool any = false;
	size_t i;

	if (v->type == IMAP_VALUE_LITERAL) {
		if (v->sunk)
			*sunk = true;
		return true;
	}
	if (v->type == IMAP_VALUE_LIST)
		for (i = 0; i < v->count; i++)
			if (has_literal(&v->items[i], sunk))
				any = true;
	return any;
}

/* --- a strict JSON reader (RFC 8259) ------------------------------------ */

struct json {
	const unsigned char *p;
	size_t i, n;
};

static bool json_value(struct json *j, size_t depth);

static void json_ws(struct json *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->p[j->i]) && j->p[j->i])
		j->i++;
}

static bool json_lit(struct json *j, const char *word)
{
	size_t len = strlen(word);

	if (j->n - j->i < len || memcmp(j->p + j->i, word, len) != 0)
		return false;
	j->i += len;
	return true;
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool json_string(struct json *j)
{
	uint32_t cp;
	size_t n;

	if (j->i >= j->n || j->p[j->i] != '"')
		return false;
	j->i++;
	for (;;) {
		unsigned char c;

		if (j->i >= j->n)
			return false;
		c = j->p[j->i];
		if (c == '"') {
			j->i++;
			return true;
		}
		if (c == '\\') {
			if (j->i + 1 >= j->n)
				return false;
			c = j->p[j->i + 1];
			if (c == 'u') {
				if (j->n - j->i < 6 || !is_hex(j->p[j->i + 2]) || !is_hex(j->p[j->i + 3]) ||
				    !is_hex(j->p[j->i + 4]) || !is_hex(j->p[j->i + 5]))
					return false;
				j->i += 6;
			} else if (strchr("\"\\/bfnrt", c) && c) {
				j->i += 2;
			} else {
				return false;
			}
			continue;
		}
		n = u8len(j->p + j->i, j->n - j->i, &cp);
		/* JSON forbids raw C0; render.c promises DEL and C1 escaped too */
		if (!n || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return false;
		j->i += n;
	}
}

static bool json_number(struct json *j)
{
	size_t start;

	if (j->i < j->n && j->p[j->i] == '-')
		j->i++;
	if (j->i >= j->n)
		return false;
	if (j->p[j->i] == '0') {
		j->i++;
	} else if (j->p[j->i] >= '1' && j->p[j->i] <= '9') {
		while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
			j->i++;
	} else {
		return false;
	}
	if (j->i < j->n && j->p[j->i] == '.') {
		start = ++j->i;
		while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
			j->i++;
		if (j->i == start)
			return false;
	}
	if (j->i < j->n && (j->p[j->i] == 'e' || j->p[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->p[j->i] == '+' || j->p[j->i] == '-'))
			j->i++;
		start = j->i;
		while (j->i < j->n && j->p[j->i] >= '0' && j->p[j->i] <= '9')
			j->i++;
		if (j->i == start)
			return false;
	}
	return true;
}

/* "[" or "{" already seen at j->i. */
static bool json_container(struct json *j, size_t depth, bool object)
{
	char close = object ? '}' : ']';

	j->i++;
	json_ws(j);
	if (j->i < j->n && j->p[j->i] == close) {
		j->i++;
		return true;
	}
	for (;;) {
		if (object) {
			json_ws(j);
			if (!json_string(j))
				return false;
			json_ws(j);
			if (j->i >= j->n || j->p[j->i] != ':')
				return false;
			j->i++;
		}
		if (!json_value(j, depth + 1))
			return false;
		if (j->i >= j->n)
			return false;
		if (j->p[j->i] == close) {
			j->i++;
			return true;
		}
		if (j->p[j->i] != ',')
			return false;
		j->i++;
	}
}

static bool json_value(struct json *j, size_t depth)
{
	bool ok;

	if (depth > 100000)
		return false;
	json_ws(j);
	if (j->i >= j->n)
		return false;
	switch (j->p[j->i]) {
	case '{': ok = json_container(j, depth, true); break;
	case '[': ok = json_container(j, depth, false); break;
	case '"': ok = json_string(j); break;
	case 't': ok = json_lit(j, "true"); break;
	case 'f': ok = json_lit(j, "false"); break;
	case 'n': ok = json_lit(j, "null"); break;
	default: ok = json_number(j); break;
	}
	json_ws(j);
	return ok;
}

/* The whole of [s, s+len) is one JSON value. */
static bool json_valid(const char *s, size_t len)
{
	struct json j = { (const unsigned char *)s, 0, len };

	return json_value(&j, 0) && j.i == len;
}

/* --- a transcript of a response, to compare two parses ------------------ */

static void dump_value(struct buf *b, const struct imap_value *v)
{
	size_t i;

	switch (v->type) {
	case IMAP_VALUE_NUMBER: /* "007" comes back as "7": the number counts */
		buf_addf(b, "N%llu", (unsigned long long)v->num);
		break;
	case IMAP_VALUE_ATOM:
	case IMAP_VALUE_QUOTED:
	case IMAP_VALUE_LITERAL:
		buf_addf(b, "%d%s:", (int)v->type, v->literal8 ? "~" : "");
		buf_add_escaped(b, v->str, v->len);
		break;
	case IMAP_VALUE_LIST:
		buf_addch(b, '(');
		for (i = 0; i < v->count; i++) {
			if (i)
				buf_addch(b, ' ');
			dump_value(b, &v->items[i]);
		}
		buf_addch(b, ')');
		break;
	case IMAP_VALUE_NIL:
		buf_adds(b, "NIL");
		break;
	}
}

static void dump_response(struct buf *b, const struct imap_response *r)
{
	buf_addf(b, "%d %s %s %d %d %llu ", (int)r->kind, r->tag, r->name, (int)r->status,
		 (int)r->has_number, (unsigned long long)r->number);
	if (r->code_name) {
		buf_addf(b, "[%s ", r->code_name);
		dump_value(b, &r->code_args);
		buf_adds(b, "] ");
	}
	buf_add_escaped(b, r->text, r->text_len);
	buf_addch(b, ' ');
	dump_value(b, &r->data);
}

/* RAW rebuilt from the tree parses back to the same response. */
static void check_rebuilt(const struct imap_response *r, const struct buf *wire)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *again = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf want = BUF_INIT, got = BUF_INIT;
	int rc;

	imap_parser_feed(p, wire->buf, wire->len);
	rc = imap_parser_next(p, &again, &err);
	if (rc != 1)
		fprintf(stderr, "fuzz_render: rebuilt RAW does not parse: %s\n", err.msg);
	CHECK_OUT(rc == 1, wire);
	CHECK_OUT(imap_parser_pending(p) == 0, wire);
	dump_response(&want, r);
	dump_response(&got, again);
	if (want.len != got.len || memcmp(want.buf, got.buf, want.len) != 0) {
		fprintf(stderr, "fuzz_render: rebuilt RAW parses differently\nwant %s\ngot  %s\n",
			want.buf, got.buf);
		CHECK_OUT(!"rebuilt RAW parses to the same response", wire);
	}
	imap_response_free(again);
	imap_parser_free(p);
	buf_release(&want);
	buf_release(&got);
}

static void check_pretty(const struct imap_response *r, bool tty, bool literals)
{
	struct render_opts o = { .format = RENDER_PRETTY, .tty = tty };
	struct buf out = BUF_INIT;

	render_response(&out, r, &o);
	CHECK_OUT(out.len > 0 && out.buf[out.len - 1] == '\n', &out);
	CHECK_OUT(terminal_safe(out.buf, out.len), &out);
	/* one line, but for literals and the typed views that take several
	 * (render_pretty_view: a FETCH's envelope and parts, a THREAD tree,
	 * the tables of ACL and METADATA) */
	if (!literals && !(imap_response_has_arena(r) && r->kind == IMAP_RESP_UNTAGGED &&
			   (!strcmp(r->name, "FETCH") || !strcmp(r->name, "THREAD") ||
			    !strcmp(r->name, "ACL") || !strcmp(r->name, "METADATA"))))
		CHECK_OUT(memchr(out.buf, '\n', out.len) == out.buf + out.len - 1, &out);
	buf_release(&out);
}

static void check_response(const struct imap_response *r)
{
	struct render_opts raw = { .format = RENDER_RAW }, json = { .format = RENDER_JSON };
	struct render_opts pretty = { .format = RENDER_PRETTY, .tty = true };
	struct imap_response tree = *r;
	struct buf out = BUF_INIT;
	bool sunk = false, literals;
	size_t i;

	literals = has_literal(&r->data, &sunk);
	if (has_literal(&r->code_args, &sunk))
		literals = true;

	/* PRETTY, from the raw line and from the tree */
	check_pretty(r, true, literals);
	check_pretty(r, false, literals);
	tree.raw = NULL;
	tree.raw_len = 0;
	check_pretty(&tree, true, literals);
	check_pretty(&tree, false, literals);

	/* RAW */
	render_response(&out, r, &raw);
	CHECK(r->raw);
	CHECK_OUT(out.len == r->raw_len && memcmp(out.buf, r->raw, out.len) == 0, &out);
	buf_reset(&out);
	render_response(&out, &tree, &raw);
	CHECK_OUT(out.len >= 2 && memcmp(out.buf + out.len - 2, "\r\n", 2) == 0, &out);
	/* (the parser refuses NUL outside literals, so names and tags, which
	 * are C strings, are whole) */
	if (!sunk)
		check_rebuilt(r, &out);
	buf_reset(&out);

	/* JSON */
	render_response(&out, r, &json);
	CHECK_OUT(out.len > 22 && memcmp(out.buf, "{\"version\":1,\"type\":\"", 21) == 0, &out);
	CHECK_OUT(memchr(out.buf, '\n', out.len) == out.buf + out.len - 1, &out);
	CHECK_OUT(json_valid(out.buf, out.len - 1), &out);
	buf_reset(&out);

	/* single values */
	for (i = 0; i < r->data.count; i++) {
		const struct imap_value *v = &r->data.items[i];

		render_value(&out, v, &pretty);
		CHECK_OUT(terminal_safe(out.buf, out.len), &out);
		buf_reset(&out);
		render_value(&out, v, &raw);
		buf_reset(&out);
		render_value(&out, v, &json);
		CHECK_OUT(json_valid(out.buf, out.len), &out);
		buf_reset(&out);
	}
	buf_release(&out);
}

/* A sink that takes everything and keeps nothing. */
static void *s_begin(void *ctx, const struct imap_literal_info *info)
{
	(void)info;
	return ctx;
}

static int s_data(void *ctx, void *h, const char *d, size_t len, struct imap_err *err)
{
	(void)ctx, (void)h, (void)d, (void)len, (void)err;
	return 0;
}

static int s_end(void *ctx, void *h, struct imap_err *err)
{
	(void)ctx, (void)h, (void)err;
	return 0;
}

static void s_abort(void *ctx, void *h)
{
	(void)ctx, (void)h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int sink_ctx;
	struct imap_parser_limits small = { 400, 8, 100, 400, 0 };
	struct imap_literal_sink sink = { s_begin, s_data, s_end, s_abort, &sink_ctx, 0 };
	struct imap_parser *p;
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	p = imap_parser_new(mode & 0x40 ? &small : NULL);
	if (mode & 1) {
		sink.threshold = (mode >> 1) & 7;
		imap_parser_set_sink(p, &sink);
	}
	imap_parser_feed(p, data + 1, size - 1);
	while (imap_parser_next(p, &r, &err) == 1) {
		check_response(r);
		imap_response_free(r);
	}
	imap_parser_free(p);
	return 0;
}
