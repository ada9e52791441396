/*
 * fuzz_lexer.c - libFuzzer target for shell_lex and shell_unescape.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand, from the top
 * of the source tree:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I src \
 *     tests/fuzz/fuzz_lexer.c src/shell/lexer.c src/util/buf.c \
 *     src/util/err.c src/util/xalloc.c -o fuzz_lexer
 *   ./fuzz_lexer -max_total_time=30
 *
 * Besides memory errors it checks the lexer's promises and aborts when
 * one is broken:
 *  - on error: no tokens, kind ERROR, a message naming a column;
 *  - on success: each token's raw bytes appear in the line, in order;
 *    only the first token may not start with '#' (that line is a comment);
 *    value and raw are NUL-terminated; a group's value is its raw; a plain
 *    token's value is its raw; @PATH has raw starting with '@';
 *  - lexing the raw tokens joined by blanks gives the same tokens again;
 *  - shell_unescape appends nothing when it fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "shell/lexer.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_lexer: %s:%d: broken: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

static void check_tokens(const char *line, size_t len, const struct shell_line *l)
{
	size_t pos = 0, i;

	for (i = 0; i < l->count; i++) {
		const struct shell_token *t = &l->tok[i];
		const char *at;

		CHECK(t->raw_len > 0);
		CHECK(t->raw[t->raw_len] == '\0');
		CHECK(t->value[t->value_len] == '\0');
		CHECK(t->value_len <= t->raw_len);
		at = memmem(line + pos, len - pos, t->raw, t->raw_len);
		CHECK(at != NULL);
		pos = (size_t)(at - line) + t->raw_len;
		CHECK(t->raw[0] != ' ' && t->raw[0] != '\t');
		/* only a whole line is a comment: '#' may start a later token */
		CHECK(i > 0 || t->raw[0] != '#');
		if (t->group) {
			CHECK(!t->at_file);
			CHECK(t->value_len == t->raw_len);
			CHECK(memcmp(t->value, t->raw, t->raw_len) == 0);
		} else if (t->at_file) {
			CHECK(t->raw[0] == '@');
		} else if (!t->quoted) {
			CHECK(t->value_len == t->raw_len);
			CHECK(memcmp(t->value, t->raw, t->raw_len) == 0);
		}
	}
}

static void check_relex(const struct shell_line *l)
{
	struct buf joined = BUF_INIT;
	struct shell_line again = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	size_t i;

	for (i = 0; i < l->count; i++) {
		buf_add(&joined, l->tok[i].raw, l->tok[i].raw_len);
		buf_addch(&joined, ' ');
	}
	CHECK(shell_lex(joined.buf, joined.len, &again, &err) == 0);
	CHECK(again.count == l->count);
	for (i = 0; i < l->count; i++) {
		const struct shell_token *a = &l->tok[i], *b = &again.tok[i];
		CHECK(a->value_len == b->value_len);
		CHECK(memcmp(a->value, b->value, a->value_len) == 0);
		CHECK(a->quoted == b->quoted && a->group == b->group && a->at_file == b->at_file);
	}
	shell_line_release(&again);
	buf_release(&joined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	int rc;

	rc = shell_lex(line, size, &l, &err);
	if (rc == 0) {
		CHECK(err.kind == IMAP_ERR_NONE);
		check_tokens(line, size, &l);
		check_relex(&l);
	} else {
		CHECK(rc == -1);
		CHECK(l.count == 0);
		CHECK(err.kind == IMAP_ERR_ERROR);
		CHECK(strstr(err.msg, "column ") != NULL);
	}
	shell_line_release(&l);

	buf_adds(&out, "x");
	err.kind = IMAP_ERR_NONE;
	rc = shell_unescape(line, size, &out, &err);
	if (rc == 0) {
		CHECK(out.len >= 1 && out.len <= 1 + size);
	} else {
		CHECK(rc == -1 && out.len == 1 && out.buf[0] == 'x');
		CHECK(err.kind == IMAP_ERR_ERROR && strstr(err.msg, "column ") != NULL);
	}
	buf_release(&out);
	return 0;
}
