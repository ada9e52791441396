/*
 * fuzz_utf7.c - libFuzzer target for modified UTF-7.
 *
 * Properties: whatever decodes is valid UTF-8 and re-encodes to the exact
 * input (the decoder takes only canonical input); whatever encodes was
 * valid UTF-8 and decodes back to itself; encode fails only on invalid
 * UTF-8; a failure leaves the output buffer as it was.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand:
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I build-util \
 *     tests/fuzz/fuzz_utf7.c src/util/[a-z]*.c -o fuzz_utf7
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	struct buf dec = BUF_INIT, enc = BUF_INIT;

	buf_adds(&dec, "pre");
	if (utf7_decode(in, size, &dec) == 0) {
		CHECK(memcmp(dec.buf, "pre", 3) == 0);
		CHECK(utf8_valid(dec.buf + 3, dec.len - 3));
		CHECK(utf7_encode(dec.buf + 3, dec.len - 3, &enc) == 0);
		CHECK(enc.len == size && memcmp(enc.buf, in, size) == 0);
		if (utf7_is_plain(in, size))
			CHECK(dec.len - 3 == size && memcmp(dec.buf + 3, in, size) == 0);
	} else {
		CHECK(dec.len == 3 && strcmp(dec.buf, "pre") == 0);
		CHECK(!utf7_is_plain(in, size));
	}
	buf_reset(&dec);
	buf_reset(&enc);

	buf_adds(&enc, "pre");
	if (utf7_encode(in, size, &enc) == 0) {
		CHECK(utf8_valid(in, size));
		for (size_t i = 3; i < enc.len; i++)
			CHECK(enc.buf[i] >= 0x20 && enc.buf[i] < 0x7f);
		CHECK(utf7_decode(enc.buf + 3, enc.len - 3, &dec) == 0);
		CHECK(dec.len == size && memcmp(dec.buf, in, size) == 0);
		if (utf7_is_plain(in, size))
			CHECK(enc.len - 3 == size);
	} else {
		CHECK(!utf8_valid(in, size));
		CHECK(enc.len == 3 && strcmp(enc.buf, "pre") == 0);
	}
	buf_release(&dec);
	buf_release(&enc);
	return 0;
}
