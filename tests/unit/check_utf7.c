/*
 * check_utf7.c - modified UTF-7 (RFC 3501 sec. 5.1.3) both ways.
 * Vectors were checked against a reference built on Python's base64 of
 * UTF-16BE ('/' -> ',', no '=').
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf7.h"

Suite *utf7_suite(void);

struct vec {
	const char *utf8;
	size_t utf8_len; /* 0: strlen */
	const char *mutf7;
};

static const struct vec vectors[] = {
	{ "", 0, "" },
	{ "INBOX", 0, "INBOX" },
	{ "&", 0, "&-" },
	{ "&&", 0, "&-&-" },
	{ "Tom & Jerry", 0, "Tom &- Jerry" },
	{ "Entw\xc3\xbcrfe", 0, "Entw&APw-rfe" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0, "&ZeVnLIqe-" },
	{ "\xf0\x9f\x98\x80", 0, "&2D3eAA-" },
	{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 0, "&2D3eANg93gA-" },
	{ "a\xf0\x9f\x98\x80" "b", 0, "a&2D3eAA-b" },
	/* RFC 3501 5.1.3 example */
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 0,
	  "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
	{ "\xc3\xa4&", 0, "&AOQ-&-" },
	{ "\xc3\xa4\xc3\xb6", 0, "&AOQA9g-" },
	{ "\xc3\xa4 \xc3\xb6", 0, "&AOQ- &APY-" },
	{ "\xc3\xa9", 0, "&AOk-" },
	{ "\xc3\xa9\xc3\xa9", 0, "&AOkA6Q-" },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9", 0, "&AOkA6QDp-" },
	{ "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 Ordner", 0, "&ANw-n&AO8-c&APY-d&AOk- Ordner" },
	{ "\t", 0, "&AAk-" },
	{ "\x7f", 0, "&AH8-" },
	{ "\xc2\x80", 0, "&AIA-" },
	{ "\xef\xbf\xbf", 0, "&,,8-" },
	{ "\xf4\x8f\xbf\xbf", 0, "&2,,f,w-" },
	{ "a\0b", 3, "a&AAA-b" },
	{ "~!\"#$%'()*+,-./09:;<=>?@AZ[\\]^_`az{|}", 0, "~!\"#$%'()*+,-./09:;<=>?@AZ[\\]^_`az{|}" },
};

static size_t vec_len(const struct vec *v)
{
	return v->utf8_len ? v->utf8_len : strlen(v->utf8);
}

START_TEST(test_encode_vectors)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct buf b = BUF_INIT;
		ck_assert_int_eq(utf7_encode(vectors[i].utf8, vec_len(&vectors[i]), &b), 0);
		ck_assert_str_eq(b.buf, vectors[i].mutf7);
		ck_assert_uint_eq(b.len, strlen(vectors[i].mutf7));
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_decode_vectors)
{
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct buf b = BUF_INIT;
		const char *m = vectors[i].mutf7;
		ck_assert_msg(utf7_decode(m, strlen(m), &b) == 0, "rejected %s", m);
		ck_assert_uint_eq(b.len, vec_len(&vectors[i]));
		ck_assert_mem_eq(b.buf, vectors[i].utf8, b.len);
		ck_assert_int_eq(b.buf[b.len], '\0');
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_appends)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "LIST \"\" ");
	ck_assert_int_eq(utf7_encode("Entw\xc3\xbcrfe", 9, &b), 0);
	ck_assert_str_eq(b.buf, "LIST \"\" Entw&APw-rfe");
	buf_reset(&b);
	buf_adds(&b, "name: ");
	ck_assert_int_eq(utf7_decode("&ZeVnLIqe-", 10, &b), 0);
	ck_assert_str_eq(b.buf, "name: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	buf_release(&b);
}
END_TEST

static void assert_decode_bad(const char *m, size_t len)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "prior");
	ck_assert_msg(utf7_decode(m, len, &b) == -1, "accepted \"%s\" as \"%s\"", m, b.buf);
	ck_assert_str_eq(b.buf, "prior");
	ck_assert_uint_eq(b.len, 5);
	buf_release(&b);
}

START_TEST(test_decode_rejects)
{
	static const char *const bad[] = {
		"&",               /* not closed */
		"abc&",
		"&ZeVnLIqe",       /* no '-' */
		"&AGE-",           /* printable ASCII 'a' */
		"&ACY-",           /* '&' itself */
		"&ACA-",           /* space */
		"&AH4-",           /* '~' */
		"&AOQAYQ-",        /* 'a' inside a longer run */
		"&AOQ-&APY-",      /* two shifts in a row */
		"&Ze=-",           /* bad base64 */
		"&Ze/-",           /* '/' is ',' in modified base64 */
		"&Ze VnLIqe-",
		"&AOl-",           /* non-zero pad bits */
		"&AOR-",           /* non-zero pad bits */
		"&A-",             /* too short for a character */
		"&AA-",
		"&AAA",
		"&AOkA-",          /* a stray full base64 character */
		"&AOkA6QD-",       /* 6 leftover bits */
		"&2D0-",           /* lone high surrogate */
		"&2D3YPQ-",        /* high surrogate, high surrogate */
		"&3gA-",           /* lone low surrogate */
		"&3gDYPQ-",        /* low then high */
		"&2D0AYQ-",        /* high surrogate then 'a' */
		"&2D0A6Q-",        /* high surrogate then U+00E9 */
		"&2D3eAA",         /* emoji, not closed */
		"\xc3\xa4",        /* raw 8-bit */
		"a\tb",            /* raw control */
		"a\x7f",
		"&-&",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_decode_bad(bad[i], strlen(bad[i]));
	assert_decode_bad("a\0b", 3);
	/* a surrogate pair split across two shifts */
	assert_decode_bad("&2D0-&3gA-", 10);
	assert_decode_bad("&2D0- &3gA-", 11);
}
END_TEST

START_TEST(test_decode_edge_ok)
{
	struct buf b = BUF_INIT;

	/* U+0000 and controls are legitimately shifted */
	ck_assert_int_eq(utf7_decode("&AAA-", 5, &b), 0);
	ck_assert_uint_eq(b.len, 1);
	ck_assert_int_eq(b.buf[0], '\0');
	buf_reset(&b);
	ck_assert_int_eq(utf7_decode("&AB8-", 5, &b), 0);
	ck_assert_str_eq(b.buf, "\x1f");
	buf_reset(&b);
	/* a shift, ASCII, a shift */
	ck_assert_int_eq(utf7_decode("&AOQ-x&AOQ-", 11, &b), 0);
	ck_assert_str_eq(b.buf, "\xc3\xa4x\xc3\xa4");
	buf_reset(&b);
	/* '-' outside a shift is ordinary */
	ck_assert_int_eq(utf7_decode("-a-&--", 6, &b), 0);
	ck_assert_str_eq(b.buf, "-a-&-");
	buf_reset(&b);
	/* the length counts, not the NUL */
	ck_assert_int_eq(utf7_decode("&AOQ-garbage&", 5, &b), 0);
	ck_assert_str_eq(b.buf, "\xc3\xa4");
	buf_release(&b);
}
END_TEST

static void assert_encode_bad(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "prior");
	ck_assert_msg(utf7_encode(s, len, &b) == -1, "accepted as \"%s\"", b.buf);
	ck_assert_str_eq(b.buf, "prior");
	ck_assert_uint_eq(b.len, 5);
	ck_assert(!utf8_valid(s, len));
	buf_release(&b);
}

START_TEST(test_encode_rejects)
{
	static const char *const bad[] = {
		"\x80",                 /* lone continuation */
		"a\xbf",
		"\xc0\x80",             /* overlong NUL */
		"\xc1\xbf",             /* overlong */
		"\xe0\x80\xaf",         /* overlong '/' */
		"\xe0\x9f\xbf",         /* overlong U+07FF */
		"\xf0\x80\x80\xaf",     /* overlong */
		"\xf0\x8f\xbf\xbf",     /* overlong U+FFFF */
		"\xed\xa0\x80",         /* U+D800 */
		"\xed\xbf\xbf",         /* U+DFFF */
		"\xed\xa0\xbd\xed\xb8\x80", /* CESU-8 emoji */
		"\xf4\x90\x80\x80",     /* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80", /* 5-byte form */
		"\xfe",
		"\xff",
		"\xc3",                 /* truncated */
		"ab\xe6\x97",
		"\xf0\x9f\x98",
		"\xc3\x28",             /* bad continuation */
		"\xe6\x28\xa5",
		"\xf0\x9f\x28\x80",
		"ok \xc3\xa4 then \xc3",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_encode_bad(bad[i], strlen(bad[i]));
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert(utf8_valid("", 0));
	ck_assert(utf8_valid("plain", 5));
	ck_assert(utf8_valid("a\0b", 3));
	ck_assert(utf8_valid("\xc2\x80", 2));
	ck_assert(utf8_valid("\xdf\xbf", 2));
	ck_assert(utf8_valid("\xe0\xa0\x80", 3));
	ck_assert(utf8_valid("\xed\x9f\xbf", 3));   /* U+D7FF */
	ck_assert(utf8_valid("\xee\x80\x80", 3));   /* U+E000 */
	ck_assert(utf8_valid("\xef\xbf\xbf", 3));
	ck_assert(utf8_valid("\xf0\x90\x80\x80", 4));
	ck_assert(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	ck_assert(!utf8_valid("\xc3\xa4", 1));      /* the length counts */
	ck_assert(!utf8_valid("\xed\xa0\x80", 3));
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));
}
END_TEST

START_TEST(test_is_plain)
{
	ck_assert(utf7_is_plain("", 0));
	ck_assert(utf7_is_plain("INBOX", 5));
	ck_assert(utf7_is_plain("Sent Items/2024 ~old", 20));
	ck_assert(!utf7_is_plain("Tom & Jerry", 11));
	ck_assert(!utf7_is_plain("Entw\xc3\xbcrfe", 9));
	ck_assert(!utf7_is_plain("a\tb", 3));
	ck_assert(!utf7_is_plain("a\0b", 3));
	ck_assert(!utf7_is_plain("\x7f", 1));
	ck_assert(utf7_is_plain("INBOX&", 5)); /* the length counts */
}
END_TEST

/* UTF-8 of one code point; returns the length. */
static size_t put_utf8(uint32_t cp, char *p)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xc0 | (cp >> 6));
		p[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xe0 | (cp >> 12));
		p[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | (cp >> 18));
	p[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	p[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	p[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

START_TEST(test_round_trip_every_code_point)
{
	/* Each scalar value alone, and framed by ASCII. */
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	char in[8];
	size_t checked = 0;

	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		size_t n;

		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		in[0] = 'x';
		n = 1 + put_utf8(cp, in + 1);
		in[n++] = 'y';
		buf_reset(&enc);
		buf_reset(&dec);
		/* Plain ifs: a ck_assert per code point would cost a pipe write. */
		if (utf7_encode(in, n, &enc) != 0)
			ck_abort_msg("U+%04X: encode failed", (unsigned)cp);
		if (cp >= 0x20 && cp < 0x7f && cp != '&' && enc.len != 3)
			ck_abort_msg("U+%04X: shifted printable ASCII: %s", (unsigned)cp, enc.buf);
		if (utf7_decode(enc.buf, enc.len, &dec) != 0)
			ck_abort_msg("U+%04X: decode of %s failed", (unsigned)cp, enc.buf);
		if (dec.len != n || memcmp(dec.buf, in, n) != 0)
			ck_abort_msg("U+%04X: round trip through %s differs", (unsigned)cp, enc.buf);
		checked++;
	}
	ck_assert_uint_eq(checked, 0x110000 - 0x800);
	buf_release(&enc);
	buf_release(&dec);
}
END_TEST

START_TEST(test_round_trip_runs)
{
	/* Runs of 1..40 code points mixing BMP and astral planes, so every
	 * bit alignment of the base64 is hit, some broken up by ASCII. */
	static const uint32_t pool[] = { 0xe4, 0x65e5, 0x1f600, 0x0, 0x7f, 0xffff,
					 0x10ffff, 0x10000, 0x800, 0x26, 0x41, 0x20ac };
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	char in[40 * 4];
	uint32_t state = 12345;

	for (int round = 0; round < 2000; round++) {
		size_t n = 0, count = (size_t)(round % 40) + 1;
		for (size_t k = 0; k < count; k++) {
			state = state * 1103515245u + 12345u;
			n += put_utf8(pool[(state >> 16) % (sizeof(pool) / sizeof(pool[0]))],
				      in + n);
		}
		buf_reset(&enc);
		buf_reset(&dec);
		ck_assert_int_eq(utf7_encode(in, n, &enc), 0);
		/* the encoding is 7-bit printable */
		for (size_t k = 0; k < enc.len; k++)
			ck_assert(enc.buf[k] >= 0x20 && enc.buf[k] < 0x7f);
		ck_assert_int_eq(utf7_decode(enc.buf, enc.len, &dec), 0);
		ck_assert_uint_eq(dec.len, n);
		ck_assert_mem_eq(dec.buf, in, n);
		/* and the encoding is the canonical one */
		{
			struct buf again = BUF_INIT;
			ck_assert_int_eq(utf7_encode(dec.buf, dec.len, &again), 0);
			ck_assert_str_eq(again.buf, enc.buf);
			buf_release(&again);
		}
	}
	buf_release(&enc);
	buf_release(&dec);
}
END_TEST

Suite *utf7_suite(void)
{
	Suite *s = suite_create("utf7");
	TCase *tc = tcase_create("vectors");

	tcase_add_test(tc, test_encode_vectors);
	tcase_add_test(tc, test_decode_vectors);
	tcase_add_test(tc, test_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("strict");
	tcase_add_test(tc, test_decode_rejects);
	tcase_add_test(tc, test_decode_edge_ok);
	tcase_add_test(tc, test_encode_rejects);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_is_plain);
	suite_add_tcase(s, tc);

	tc = tcase_create("round_trip");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip_every_code_point);
	tcase_add_test(tc, test_round_trip_runs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(utf7_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
