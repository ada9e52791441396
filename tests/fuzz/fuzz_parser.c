/*
 * fuzz_parser.c - libFuzzer target for the IMAP response parser.
 *
 * The first byte picks how the rest is fed: its low 6 bits the chunk size
 * (1..64), bit 6 small limits, bits 0-2 also the sink threshold.  Inputs
 * of odd size (after the first byte) get a literal sink with that small
 * threshold.  The same bytes are parsed a second time fed whole, and both
 * transcripts (every response's tree, the sink's events, the final error)
 * must be equal: chunking must never change what the parser sees, nor
 * where a limit (max_mem too: it is counted, not measured) stops it.
 * Every response also goes through imap_response_check(), whose verdict
 * is part of the transcript; no literal size is above 2^63-1; and
 * imap_response_mem() covers at least raw.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand, from the top
 * of the tree, after configure in build-parser:
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I build-parser \
 *     tests/fuzz/fuzz_parser.c src/proto/[a-z]*.c src/util/[a-z]*.c -o fuzz_parser
 *   mkdir -p /tmp/fuzz-parser && \
 *     ./fuzz_parser -max_total_time=60 /tmp/fuzz-parser tests/fuzz/corpus/parser
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/check.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_parser: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

static void dump_value(struct buf *b, const struct imap_value *v, size_t depth)
{
	size_t i;

	CHECK(depth < 200);
	switch (v->type) {
	case IMAP_VALUE_ATOM:
	case IMAP_VALUE_NUMBER:
	case IMAP_VALUE_QUOTED:
		CHECK(v->str && v->str[v->len] == '\0');
		buf_addf(b, "%d:", (int)v->type);
		buf_add_escaped(b, v->str, v->len);
		if (v->type == IMAP_VALUE_NUMBER)
			buf_addf(b, "=%llu", (unsigned long long)v->num);
		break;
	case IMAP_VALUE_LITERAL:
		CHECK(v->literal_size <= (uint64_t)INT64_MAX); /* number64 */
		buf_addf(b, "L%s%llu:", v->literal8 ? "8" : "", (unsigned long long)v->literal_size);
		if (v->sunk) {
			CHECK(!v->str);
			buf_adds(b, "<sunk>");
		} else {
			CHECK(v->str && v->len == v->literal_size && v->str[v->len] == '\0');
			buf_add_escaped(b, v->str, v->len);
		}
		break;
	case IMAP_VALUE_LIST:
		CHECK(v->count == 0 || v->items);
		buf_addch(b, '(');
		for (i = 0; i < v->count; i++) {
			if (i)
				buf_addch(b, ' ');
			dump_value(b, &v->items[i], depth + 1);
		}
		buf_addch(b, ')');
		break;
	case IMAP_VALUE_NIL:
		buf_adds(b, "NIL");
		break;
	default:
		CHECK(!"bad value type");
	}
}

static void dump_response(struct buf *b, const struct imap_response *r)
{
	CHECK(r->tag && r->name && r->text && r->raw);
	CHECK(r->raw[r->raw_len] == '\0' && r->text[r->text_len] == '\0');
	CHECK(r->data.type == IMAP_VALUE_LIST && r->code_args.type == IMAP_VALUE_LIST);
	CHECK(!r->code_name == !r->code_raw);
	CHECK(r->status == IMAP_STATUS_NONE || r->data.count == 0);
	buf_addf(b, "%d %s %s %d %d %llu ", (int)r->kind, r->tag, r->name, (int)r->status,
		 (int)r->has_number, (unsigned long long)r->number);
	if (r->code_name) {
		buf_addf(b, "[%s ", r->code_name);
		dump_value(b, &r->code_args, 0);
		buf_adds(b, "|");
		buf_add_escaped(b, r->code_raw, strlen(r->code_raw));
		buf_adds(b, "] ");
	}
	buf_add_escaped(b, r->text, r->text_len);
	buf_addch(b, ' ');
	dump_value(b, &r->data, 0);
	buf_adds(b, " raw=");
	buf_add_escaped(b, r->raw, r->raw_len);
	CHECK(imap_response_mem(r) > r->raw_len);
	{
		struct imap_err err = IMAP_ERR_INIT;
		if (imap_response_check(r, &err) < 0) {
			CHECK(err.kind == IMAP_ERR_ABORT);
			CHECK(strncmp(err.msg, "protocol error: ", 16) == 0 && err.msg[16]);
			buf_addf(b, " check=%s", err.msg);
		} else {
			CHECK(err.kind == IMAP_ERR_NONE);
		}
	}
	buf_addch(b, '\n');
}

struct fsink {
	struct buf *out;
	int open;
	size_t bytes;
};

static void *fs_begin(void *ctx, const struct imap_literal_info *info)
{
	struct fsink *fs = ctx;
	CHECK(!fs->open);
	CHECK(info->resp_name && info->key);
	if (info->size % 7 == 3)
		return NULL; /* refuse some: kept in memory */
	fs->open = 1;
	fs->bytes = 0;
	buf_addf(fs->out, "begin %llu %d %s %d %llu %s\n", (unsigned long long)info->size,
		 (int)info->literal8, info->resp_name, (int)info->has_number,
		 (unsigned long long)info->number, info->key);
	return fs;
}

static int fs_data(void *ctx, void *h, const char *d, size_t len, struct imap_err *err)
{
	struct fsink *fs = ctx;
	CHECK(h == fs && fs->open && len > 0);
	buf_add_escaped(fs->out, d, len);
	fs->bytes += len;
	(void)err;
	return 0;
}

static int fs_end(void *ctx, void *h, struct imap_err *err)
{
	struct fsink *fs = ctx;
	CHECK(h == fs && fs->open);
	fs->open = 0;
	buf_addf(fs->out, "\nend %zu\n", fs->bytes);
	if (fs->bytes == 13)
		return err_set(err, IMAP_ERR_ERROR, "sink refuses 13 bytes");
	return 0;
}

static void fs_abort(void *ctx, void *h)
{
	struct fsink *fs = ctx;
	CHECK(h == fs && fs->open);
	fs->open = 0;
	buf_adds(fs->out, "\nabort\n");
}

/* Parses in with the given chunk size (0: whole); the transcript goes to out. */
static void parse(const uint8_t *in, size_t len, size_t chunk, uint8_t mode, struct buf *out)
{
	/* max_mem 2500: at 64 bytes a value and 3 a byte, reached before
	 * the 50 values (or the 200-byte line) with small ones */
	struct imap_parser_limits small = { 200, 5, 50, 300, 2500 };
	struct imap_parser *p = imap_parser_new(mode & 0x40 ? &small : NULL);
	struct fsink fs = { out, 0, 0 };
	struct imap_literal_sink sink = { fs_begin, fs_data, fs_end, fs_abort, &fs, 0 };
	size_t pos = 0, total_raw = 0;
	int rc = 0;

	if (len % 2) {
		sink.threshold = mode % 8;
		imap_parser_set_sink(p, &sink);
	}
	while (pos < len && rc >= 0) {
		size_t n = chunk && chunk < len - pos ? chunk : len - pos;
		struct imap_response *r;
		struct imap_err err = IMAP_ERR_INIT;

		imap_parser_feed(p, in + pos, n);
		pos += n;
		while ((rc = imap_parser_next(p, &r, &err)) == 1) {
			dump_response(out, r);
			total_raw += r->raw_len;
			imap_response_free(r);
		}
		if (rc < 0) {
			CHECK(err.kind == IMAP_ERR_ABORT && err.msg[0]);
			buf_addf(out, "ERROR %s\n", err.msg);
		}
		CHECK(imap_parser_pending(p) <= pos);
	}
	if (rc == 0 && !(len % 2))
		CHECK(total_raw + imap_parser_pending(p) == len);
	imap_parser_free(p);
	CHECK(!fs.open);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	uint8_t mode;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	parse(data, size, (size_t)(mode & 0x3f) + 1, mode, &a);
	parse(data, size, 0, mode, &b);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0) {
		fprintf(stderr, "chunked:\n%s\nwhole:\n%s\n", a.buf, b.buf);
		CHECK(!"chunked and whole parses differ");
	}
	buf_release(&a);
	buf_release(&b);
	return 0;
}
