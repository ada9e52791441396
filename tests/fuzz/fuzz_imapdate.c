/*
 * fuzz_imapdate.c - libFuzzer target for INTERNALDATE parse/format and
 * the APPEND date forms.
 *
 * Properties: a parsed date formats to text that parses to the same time
 * and zone; imapdate_from_user's output is an INTERNALDATE and is a fixed
 * point (feeding it back gives it again); a failure leaves the buffer as
 * it was and says "not a date"; formatting any time_t/zone in the years
 * 0000..9999 round-trips through imapdate_parse.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand:
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I build-util \
 *     tests/fuzz/fuzz_imapdate.c src/util/[a-z]*.c -o fuzz_imapdate
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/imapdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void check_parse(const char *s)
{
	struct buf b = BUF_INIT;
	time_t t, t2;
	int off, off2;

	if (imapdate_parse(s, &t, &off) != 0)
		return;
	CHECK(off >= -(23 * 60 + 59) && off <= 23 * 60 + 59);
	imapdate_format(t, off, &b);
	CHECK(b.len == 26);
	CHECK(imapdate_parse(b.buf, &t2, &off2) == 0);
	CHECK(t2 == t && off2 == off);
	buf_release(&b);
}

static void check_from_user(const char *s)
{
	struct buf out = BUF_INIT, again = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;

	buf_adds(&out, "x");
	if (imapdate_from_user(s, &out, &err) == 0) {
		CHECK(out.len == 27);
		CHECK(imapdate_parse(out.buf + 1, NULL, NULL) == 0);
		CHECK(imapdate_from_user(out.buf + 1, &again, &err) == 0);
		CHECK(strcmp(again.buf, out.buf + 1) == 0);
	} else {
		CHECK(out.len == 1);
		CHECK(err.kind == IMAP_ERR_ERROR);
		CHECK(strncmp(err.msg, "not a date: \"", 13) == 0);
	}
	buf_release(&out);
	buf_release(&again);
}

static void check_format(const uint8_t *data, size_t size)
{
	const long long lo = -62167219200LL + 86400, hi = 253402300799LL - 86400;
	struct buf b = BUF_INIT;
	unsigned long long u = 0;
	long long t;
	time_t t2;
	int off, off2;

	if (size < 10)
		return;
	for (int i = 0; i < 8; i++)
		u = (u << 8) | data[i];
	off = (int)(((unsigned)data[8] << 8 | data[9]) % (2 * 1439 + 1)) - 1439;
	t = lo + (long long)(u % (unsigned long long)(hi - lo + 1));
	imapdate_format((time_t)t, off, &b);
	CHECK(imapdate_parse(b.buf, &t2, &off2) == 0);
	CHECK((long long)t2 == t && off2 == off);
	/* and any time_t at all formats without overflow */
	buf_reset(&b);
	imapdate_format((time_t)(long long)u, off, &b);
	CHECK(b.len >= 26);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 512)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_parse(s);
	check_from_user(s);
	check_format(data, size);
	free(s);
	return 0;
}
