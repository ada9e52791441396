/*
 * check_mime.c - unit tests for src/util/charset.c and src/proto/mime.c.
 *
 * Tables of {input bytes, expected UTF-8, expected flags}: charsets
 * through iconv and the fast paths, RFC 2047 words (the RFC's own
 * section 8 examples first), and RFC 2231 parameters read from
 * BODYSTRUCTURE responses parsed from exact wire bytes.  Every decode
 * appends to a buffer that already holds a prefix, which must survive.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mime.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/err.h"

/* mime_qp_decode: wire text -> bytes (RFC 2045 sec. 6.7) */
static const struct { const char *in; const char *out; size_t outlen; } qp_cases[] = {
	{ "Gr=FC=DFe", "Gr\xfc\xdf" "e", 5 },
	{ "soft=\r\nbreak", "softbreak", 9 },
	{ "soft=\nLF", "softLF", 6 },
	{ "lower =e9 too", "lower \xe9 too", 11 },
	{ "a =ZZ b", "a =ZZ b", 7 },   /* not hex: kept */
	{ "end=", "end=", 4 },         /* cut short: kept */
	{ "end=4", "end=4", 5 },
	{ "=00nul", "\0nul", 4 },
	{ "", "", 0 },
};

START_TEST(test_qp)
{
	struct buf b = BUF_INIT;

	mime_qp_decode(&b, qp_cases[_i].in, strlen(qp_cases[_i].in));
	ck_assert_msg(b.len == qp_cases[_i].outlen &&
		      !memcmp(b.buf ? b.buf : "", qp_cases[_i].out, b.len),
		      "case %d (%s): got %zu bytes", _i, qp_cases[_i].in, b.len);
	buf_release(&b);
}
END_TEST

Suite *mime_suite(void);

/* A string literal and its length (NUL bytes inside count). */
#define S(x) x, sizeof(x) - 1

#define FFFD "\xEF\xBF\xBD"

static const char prefix[] = "<<";

/* Checks that out is prefix + expected, printing both escaped if not. */
static void expect_out(const struct buf *out, const char *what,
		       const char *exp, size_t exp_len)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	size_t plen = strlen(prefix);
	bool ok = out->len == plen + exp_len && memcmp(out->buf, prefix, plen) == 0 &&
		  memcmp(out->buf + plen, exp, exp_len) == 0;

	buf_add_escaped(&got, out->buf, out->len);
	buf_adds(&want, prefix);
	buf_add_escaped(&want, exp, exp_len);
	ck_assert_msg(ok, "%s: got \"%s\", want \"%s\"", what, got.buf, want.buf);
	buf_release(&got);
	buf_release(&want);
}

static void start(struct buf *out)
{
	buf_init(out, 0);
	buf_adds(out, prefix);
}

/* ------------------------------------------------------------------ */
/* charset_to_utf8 */

static const struct {
	const char *charset;
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
	int flags;
} charset_cases[] = {
	/* fast paths */
	{ "us-ascii", S("hello"), S("hello"), CHARSET_OK },
	{ "ASCII", S("a\0b"), S("a\0b"), CHARSET_OK },
	{ "US-ASCII", S("caf\xe9"), S("caf" FFFD), CHARSET_INVALID },
	{ "utf-8", S("caf\xc3\xa9"), S("café"), CHARSET_OK },
	{ "UTF8", S("\xf0\x9f\x98\x80"), S("\xf0\x9f\x98\x80"), CHARSET_OK },
	{ "utf-8*en", S("x"), S("x"), CHARSET_OK },
	{ "  Utf-8 ", S("x"), S("x"), CHARSET_OK },
	{ "utf-8", S("a\xc3"), S("a" FFFD), CHARSET_INVALID },
	{ "utf-8", S("\xc3(b"), S(FFFD "(b"), CHARSET_INVALID },
	{ "utf-8", S("\xc0\xaf"), S(FFFD FFFD), CHARSET_INVALID },          /* overlong */
	{ "utf-8", S("\xe0\x80\xaf"), S(FFFD FFFD FFFD), CHARSET_INVALID }, /* overlong */
	{ "utf-8", S("\xed\xa0\x80"), S(FFFD FFFD FFFD), CHARSET_INVALID }, /* surrogate */
	{ "utf-8", S("\xf4\x90\x80\x80"), S(FFFD FFFD FFFD FFFD), CHARSET_INVALID },
	{ "utf-8", S("\xf5\xff"), S(FFFD FFFD), CHARSET_INVALID },
	{ "utf-8", S(""), S(""), CHARSET_OK },
	/* single-byte charsets through iconv */
	{ "ISO-8859-1", S("\xd8rjan \xc5sli"), S("Ørjan Åsli"), CHARSET_OK },
	{ "latin1", S("\xe9"), S("é"), CHARSET_OK },
	{ "Latin-1", S("Gr\xfc\xdf" "e"), S("Grüße"), CHARSET_OK },
	{ "iso-8859-1", S("\x85"), S("\xc2\x85"), CHARSET_OK },   /* C1 kept, not cp1252 */
	{ "windows-1252", S("\x93Hello\x94 \x80"), S("“Hello” €"), CHARSET_OK },
	{ "CP1252", S("\x80"), S("€"), CHARSET_OK },
	{ "cp1252", S("a\x81" "b"), S("a" FFFD "b"), CHARSET_INVALID }, /* undefined */
	{ "iso-8859-15", S("\xa4"), S("€"), CHARSET_OK },
	{ "KOI8-R", S("\xf0\xd2\xc9\xd7\xc5\xd4"), S("Привет"), CHARSET_OK },
	{ "windows-1251", S("\xcf\xf0\xe8"), S("При"), CHARSET_OK },
	/* multi-byte and stateful */
	{ "ISO-2022-JP", S("\x1b$B$3$s$K$A$O\x1b(B"), S("こんにちは"), CHARSET_OK },
	{ "iso-2022-jp", S("\x1b$B$3$s"), S("こん"), CHARSET_OK }, /* no return to ASCII */
	{ "gb2312", S("\xc4\xe3\xba\xc3"), S("你好"), CHARSET_OK },
	{ "GB2312", S("\x81\x40"), S("丂"), CHARSET_OK },           /* GBK only: GB18030 */
	{ "ks_c_5601-1987", S("\xbe\xc8\xb3\xe7"), S("안녕"), CHARSET_OK },
	{ "KS_C_5601-1987", S("\x81\x41"), S("갂"), CHARSET_OK },   /* CP949 only */
	{ "euc-kr", S("\xbe\xc8"), S("안"), CHARSET_OK },
	{ "Shift_JIS", S("\x82\xb1\x82\xf1"), S("こん"), CHARSET_OK },
	{ "shift_jis", S("a\x82"), S("a" FFFD), CHARSET_INVALID },   /* cut: EINVAL */
	{ "EUC-JP", S("\xa4\xb3\xa4\xf3"), S("こん"), CHARSET_OK },
	{ "euc-jp", S("\xa4"), S(FFFD), CHARSET_INVALID },
	{ "big5", S("\xa4\xa4"), S("中"), CHARSET_OK },
	{ "utf-7", S("Hi +AOk-"), S("Hi é"), CHARSET_OK },
	/* unknown: nothing appended */
	{ "x-klingon", S("abc"), S(""), CHARSET_UNKNOWN },
	{ "", S("abc"), S(""), CHARSET_UNKNOWN },
	{ "*en", S("abc"), S(""), CHARSET_UNKNOWN },
	{ "utf-8//IGNORE", S("abc"), S(""), CHARSET_UNKNOWN },
	{ "../../tmp/x", S("abc"), S(""), CHARSET_UNKNOWN },
	{ "unknown-8bit", S("abc"), S(""), CHARSET_UNKNOWN },
	{ "a-very-long-charset-name-that-goes-on-and-on-past-sixty-three-chars", S("abc"),
	  S(""), CHARSET_UNKNOWN },
};

START_TEST(test_charset_table)
{
	struct buf out;
	char what[128];
	int rc;

	start(&out);
	rc = charset_to_utf8(&out, charset_cases[_i].charset, strlen(charset_cases[_i].charset),
			     charset_cases[_i].in, charset_cases[_i].in_len);
	snprintf(what, sizeof(what), "case %d (%s)", _i, charset_cases[_i].charset);
	expect_out(&out, what, charset_cases[_i].out, charset_cases[_i].out_len);
	ck_assert_msg(rc == charset_cases[_i].flags, "%s: flags %d, want %d", what, rc,
		      charset_cases[_i].flags);
	ck_assert_int_eq(charset_known(charset_cases[_i].charset, strlen(charset_cases[_i].charset)),
			 !(charset_cases[_i].flags & CHARSET_UNKNOWN));
	buf_release(&out);
}
END_TEST

/* The name is not NUL-terminated: only charset_len bytes count. */
START_TEST(test_charset_name_len)
{
	struct buf out;

	start(&out);
	ck_assert_int_eq(charset_to_utf8(&out, "latin1XYZ", 6, "\xe9", 1), CHARSET_OK);
	expect_out(&out, "latin1XYZ/6", S("é"));
	ck_assert_int_eq(charset_to_utf8(&out, "latin1", 0, "\xe9", 1), CHARSET_UNKNOWN);
	ck_assert_int_eq(charset_to_utf8(&out, NULL, 0, "\xe9", 1), CHARSET_UNKNOWN);
	expect_out(&out, "after unknown", S("é"));
	buf_release(&out);
}
END_TEST

/* A stateful decoder left in JIS X 0208 mode must be reset before the
 * next text, and an input that needs many E2BIG rounds must come out
 * whole. */
START_TEST(test_charset_state_and_growth)
{
	struct buf out, big = BUF_INIT, want = BUF_INIT;
	size_t i;

	start(&out);
	ck_assert_int_eq(charset_to_utf8(&out, S("ISO-2022-JP"), S("\x1b$B$3")), CHARSET_OK);
	ck_assert_int_eq(charset_to_utf8(&out, S("ISO-2022-JP"), S("$3")), CHARSET_OK);
	expect_out(&out, "iso-2022-jp reset", S("こ$3"));
	buf_reset(&out);
	buf_adds(&out, prefix);
	for (i = 0; i < 100000; i++) {
		buf_addch(&big, i % 2 ? '\xe9' : '\x8e');  /* KOI8-R: 0xe9 is И, 0x8e is ▌ */
		buf_adds(&want, i % 2 ? "И" : "▌");
	}
	ck_assert_int_eq(charset_to_utf8(&out, S("koi8-r"), big.buf, big.len), CHARSET_OK);
	expect_out(&out, "koi8-r 100000", want.buf, want.len);
	buf_release(&out);
	buf_release(&big);
	buf_release(&want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* mime_decode_header */

enum {
	D = MIME_DECODED,
	U = MIME_UNKNOWN_CHARSET,
	I = MIME_INVALID,
	R = MIME_RAW_8BIT,
};

static const struct {
	const char *in;
	size_t in_len;
	const char *out;
	size_t out_len;
	unsigned flags;
} header_cases[] = {
	/* RFC 2047 sec. 8 */
	{ S("=?US-ASCII?Q?Keith_Moore?="), S("Keith Moore"), D },
	{ S("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="), S("Keld Jørn Simonsen"), D },
	{ S("=?ISO-8859-1?Q?Andr=E9?= Pirard"), S("André Pirard"), D },
	{ S("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
	    "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="),
	  S("If you can read this you understand the example."), D },
	{ S("=?ISO-8859-1?Q?Olle_J=E4rnefors?="), S("Olle Järnefors"), D },
	{ S("=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?="), S("Patrik Fältström"), D },
	{ S("Nathaniel Borenstein (=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)"),
	  S("Nathaniel Borenstein (םולש ןב ילטפנ)"), D },
	{ S("(=?ISO-8859-1?Q?a?=)"), S("(a)"), D },
	{ S("(=?ISO-8859-1?Q?a?= b)"), S("(a b)"), D },
	{ S("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), S("(ab)"), D },
	{ S("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), S("(ab)"), D },
	{ S("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), S("(ab)"), D },
	{ S("(=?ISO-8859-1?Q?a_b?=)"), S("(a b)"), D },
	{ S("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), S("(a b)"), D },
	/* RFC 2231 sec. 5: a language in the word */
	{ S("=?US-ASCII*EN?Q?Keith_Moore?="), S("Keith Moore"), D },
	/* Q and B, any case, several charsets */
	{ S("=?ISO-8859-1?Q?=D8rjan_=C5sli?="), S("Ørjan Åsli"), D },
	{ S("=?iso-8859-1?q?=d8rjan_=c5sli?="), S("Ørjan Åsli"), D },
	{ S("=?UTF-8?B?w5hyamFuIMOFc2xp?="), S("Ørjan Åsli"), D },
	{ S("=?utf-8?b?w5hyamFuIMOFc2xp?= <orjan@example.no>"), S("Ørjan Åsli <orjan@example.no>"), D },
	{ S("=?windows-1252?Q?=93Hello=94_=80?="), S("“Hello” €"), D },
	{ S("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?="), S("こんにちは"), D },
	{ S("=?koi8-r?B?8NLJ18XU?="), S("Привет"), D },
	{ S("=?gb2312?B?xOO6ww==?="), S("你好"), D },
	{ S("Re: =?utf-8?q?caf=C3=A9?= ok"), S("Re: café ok"), D },
	{ S("Re:=?utf-8?q?x?="), S("Re:x"), D },
	{ S("=?utf-8?q?a?==?utf-8?q?b?="), S("ab"), D },
	{ S("=?utf-8?q?\?="), S(""), D },
	{ S("=?utf-8?b?QQ?="), S("A"), D },                /* padding left out */
	{ S("=?utf-8?b?QUI?="), S("AB"), D },
	{ S("=?utf-8?q?=3F=3D?="), S("?="), D },
	{ S("=?utf-8?q?a=00b?="), S("a\0b"), D },
	/* a character cut across two words of one charset */
	{ S("=?UTF-8?B?5pel5g==?= =?UTF-8?B?nKzoqp7jga7ku7blkI0=?="), S("日本語の件名"), D },
	{ S("=?utf-8?q?caf=C3?= =?UTF-8?Q?=A9?="), S("café"), D },
	{ S("=?utf-8?q?caf=C3?=\r\n =?utf-8?b?qSE=?="), S("café!"), D },
	{ S("=?ISO-2022-JP?B?GyRCJDM=?= =?ISO-2022-JP?B?JHMbKEI=?="), S("こん"), D },
	/* ...but not across charsets */
	{ S("=?utf-8?q?caf=C3?= =?iso-8859-1?q?=A9?="), S("caf" FFFD "©"), D | I },
	/* whitespace next to plain text stays */
	{ S("=?utf-8?q?a?= \t b"), S("a \t b"), D },
	{ S("a =?utf-8?q?b?= c"), S("a b c"), D },
	{ S("=?utf-8?q?a?= b =?utf-8?q?c?="), S("a b c"), D },
	/* malformed words are plain text */
	{ S("=?utf-8?q?a b?="), S("=?utf-8?q?a b?="), 0 },
	{ S("=?utf-8?q?abc"), S("=?utf-8?q?abc"), 0 },
	{ S("=?utf-8?q?abc?"), S("=?utf-8?q?abc?"), 0 },
	{ S("=?utf-8?b?!!!!?="), S("=?utf-8?b?!!!!?="), 0 },
	{ S("=?utf-8?b?Q?="), S("=?utf-8?b?Q?="), 0 },
	{ S("=?utf-8?b?QQ==QQ==?="), S("=?utf-8?b?QQ==QQ==?="), 0 },
	{ S("=?utf-8?x?abc?="), S("=?utf-8?x?abc?="), 0 },
	{ S("=?utf-8?qq?abc?="), S("=?utf-8?qq?abc?="), 0 },
	{ S("=??q?abc?="), S("=??q?abc?="), 0 },
	{ S("=?*en?q?abc?="), S("=?*en?q?abc?="), 0 },
	{ S("=?utf-8?q?=ZZ?="), S("=?utf-8?q?=ZZ?="), 0 },
	{ S("=?utf-8?q?a=?="), S("=?utf-8?q?a=?="), 0 },
	{ S("=?utf 8?q?a?="), S("=?utf 8?q?a?="), 0 },
	{ S("=?utf-8?q?a b?= =?utf-8?q?c?="), S("=?utf-8?q?a b?= c"), D },
	{ S("=?=?utf-8?q?a?="), S("=?a"), D },
	{ S("=?"), S("=?"), 0 },
	{ S("="), S("="), 0 },
	{ S(""), S(""), 0 },
	{ S("a = b ?= c"), S("a = b ?= c"), 0 },
	/* unknown charset: the word stays as it is */
	{ S("=?x-klingon?q?abc?= def"), S("=?x-klingon?q?abc?= def"), U },
	{ S("=?utf-8?q?a?= =?x-klingon?q?b?= =?utf-8?q?c?="),
	  S("a =?x-klingon?q?b?= c"), D | U },
	{ S("=?utf-8//IGNORE?q?b?="), S("=?utf-8//IGNORE?q?b?="), U },
	/* bytes not valid in the word's charset */
	{ S("=?utf-8?q?=FF?="), S(FFFD), D | I },
	{ S("=?us-ascii?q?caf=E9?="), S("caf" FFFD), D | I },
	{ S("=?utf-8?b?wA==?= x"), S(FFFD " x"), D | I },
	/* plain text: raw 8-bit kept as it is, UTF-8 copied, folding undone */
	{ S("Caf\xe9 au lait"), S("Caf\xe9 au lait"), R },
	{ S("Café au lait"), S("Café au lait"), 0 },
	{ S("\xe9 =?utf-8?q?x?="), S("\xe9 x"), R | D },
	{ S("a\0b"), S("a\0b"), 0 },
	{ S("Your ticket\r\n has been updated"), S("Your ticket has been updated"), 0 },
	{ S("a\r\n\tb"), S("a\tb"), 0 },
	{ S("a\n b"), S("a b"), 0 },
	{ S("a\r\nb\r\n"), S("a\r\nb\r\n"), 0 },
};

START_TEST(test_header_table)
{
	struct buf out;
	char what[64];
	unsigned flags;

	start(&out);
	flags = mime_decode_header(&out, header_cases[_i].in, header_cases[_i].in_len);
	snprintf(what, sizeof(what), "case %d", _i);
	expect_out(&out, what, header_cases[_i].out, header_cases[_i].out_len);
	ck_assert_msg(flags == header_cases[_i].flags, "%s: flags %#x, want %#x", what,
		      flags, header_cases[_i].flags);
	buf_release(&out);
}
END_TEST

/* Every prefix of each case: a cut anywhere must be safe (valgrind and
 * ASan see the reads past the end; the input is copied to its own block
 * so the end is the block's end). */
START_TEST(test_header_prefixes)
{
	size_t n, i;

	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		for (n = 0; n <= header_cases[i].in_len; n++) {
			struct buf out = BUF_INIT;
			char *copy = malloc(n ? n : 1);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, header_cases[i].in, n);
			mime_decode_header(&out, copy, n);
			free(copy);
			buf_release(&out);
		}
	}
}
END_TEST

/* 10,000 decodes of one ISO-8859-1 word, then of words in more charsets
 * than the descriptor cache holds, in turn (eviction), then after
 * charset_cleanup() (the cache refills). */
START_TEST(test_header_cache)
{
	static const char *const words[] = {
		"=?iso-8859-1?q?=E9?=", "=?iso-8859-2?q?=E9?=", "=?iso-8859-5?q?=E9?=",
		"=?iso-8859-7?q?=E9?=", "=?koi8-r?q?=E9?=", "=?windows-1250?q?=E9?=",
		"=?windows-1251?q?=E9?=", "=?windows-1252?q?=E9?=", "=?iso-8859-15?q?=E9?=",
		"=?cp850?q?=E9?=", "=?iso-8859-9?q?=E9?=", "=?macintosh?q?=E9?=",
	};
	static const char *const want[] = {
		"é", "é", "щ", "ι", "И", "é", "й", "é", "é", "Ú", "é", "È",
	};
	struct buf out = BUF_INIT;
	size_t i, k;

	for (i = 0; i < 10000; i++) {
		buf_reset(&out);
		ck_assert_uint_eq(mime_decode_header(&out, S("=?ISO-8859-1?Q?=D8rjan_=C5sli?=")), D);
		ck_assert_str_eq(out.buf, "Ørjan Åsli");
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < 3 * 12; i++) {
			buf_reset(&out);
			ck_assert_uint_eq(mime_decode_header(&out, words[i % 12], strlen(words[i % 12])), D);
			ck_assert_str_eq(out.buf, want[i % 12]);
		}
		charset_cleanup();
	}
	buf_release(&out);
}
END_TEST

/* ------------------------------------------------------------------ */
/* RFC 2231 parameters, from BODYSTRUCTURE responses */

/* The one response in wire, which must parse. */
static struct imap_response *parse_one(const char *wire)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err;

	imap_parser_feed(p, wire, strlen(wire));
	ck_assert_msg(imap_parser_next(p, &r, &err) == 1, "does not parse: %s", wire);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

/* The parameter list of a one-part BODYSTRUCTURE with that list. */
static struct imap_response *part_params(const char *list_wire, const struct imap_value **list_r)
{
	char wire[1024];
	struct imap_response *r;
	const struct imap_value *body;

	snprintf(wire, sizeof(wire),
		 "* 1 FETCH (UID 7 BODYSTRUCTURE (\"application\" \"octet-stream\" %s"
		 " NIL NIL \"base64\" 1234 NIL (\"attachment\" NIL) NIL NIL))\r\n", list_wire);
	r = parse_one(wire);
	body = imap_value_lookup(imap_value_item(&r->data, 0), "BODYSTRUCTURE");
	ck_assert_ptr_nonnull(body);
	*list_r = imap_value_item(body, 2);
	ck_assert_ptr_nonnull(*list_r);
	return r;
}

static const struct {
	const char *list;  /* wire text of the parameter list */
	const char *name;
	int found;
	const char *out;
	size_t out_len;
	unsigned flags;
} param_cases[] = {
	/* RFC 2231 sec. 3: continuations */
	{ "(\"access-type\" \"URL\" \"URL*0\" \"ftp://\" \"URL*1\" "
	  "\"cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar\")", "url", 1,
	  S("ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"), 0 },
	{ "(\"access-type\" \"URL\" \"URL*0\" \"ftp://\")", "ACCESS-TYPE", 1, S("URL"), 0 },
	/* sec. 4: charset and language */
	{ "(\"title*\" \"us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A\")", "title", 1,
	  S("This is ***fun***"), D },
	/* sec. 4.1: both, the last section plain */
	{ "(\"title*0*\" \"us-ascii'en'This%20is%20even%20more%20\" "
	  "\"title*1*\" \"%2A%2A%2Afun%2A%2A%2A%20\" \"title*2\" \"isn't it!\")", "title", 1,
	  S("This is even more ***fun*** isn't it!"), D },
	/* ...in any order in the list */
	{ "(\"title*2\" \"isn't it!\" \"title*0*\" \"us-ascii'en'This%20is%20even%20more%20\" "
	  "\"title*1*\" \"%2A%2A%2Afun%2A%2A%2A%20\")", "title", 1,
	  S("This is even more ***fun*** isn't it!"), D },
	{ "(\"NAME*1\" \"b\" \"NAME*2\" \"c\" \"NAME*0\" \"a\")", "name", 1, S("abc"), 0 },
	/* file names as mailers send them */
	{ "(\"NAME*\" \"utf-8''%E2%82%AC%20rates.pdf\")", "name", 1, S("€ rates.pdf"), D },
	{ "(\"FILENAME*\" \"iso-8859-1'de'Gr%FC%DFe.txt\")", "filename", 1, S("Grüße.txt"), D },
	{ "(\"filename*0*\" \"UTF-8''%E2%82\" \"filename*1*\" \"%AC.txt\")", "filename", 1,
	  S("€.txt"), D },
	{ "(\"filename*0*\" \"ISO-2022-JP''%1B%24B%243\" \"filename*1*\" \"%24s%1B%28B.txt\")",
	  "filename", 1, S("こん.txt"), D },
	{ "(\"filename\" \"fallback.txt\" \"filename*\" \"UTF-8''%C3%A9.txt\")", "filename", 1,
	  S("é.txt"), D },
	{ "(\"filename\" \"fallback.txt\" \"filename*0*\" \"UTF-8''%C3%A9\" \"filename*1\" \".txt\")",
	  "filename", 1, S("é.txt"), D },
	{ "(\"name*\" \"%41bc\")", "name", 1, S("Abc"), D },
	/* Outlook: RFC 2047 words in a plain value */
	{ "(\"NAME\" \"=?utf-8?B?w6l0w6kucGRm?=\")", "name", 1, S("été.pdf"), D },
	{ "(\"name\" \"=?iso-8859-1?Q?Gr=FC=DFe?= =?iso-8859-1?Q?.txt?=\")", "name", 1,
	  S("Grüße.txt"), D },
	{ "(\"name*0\" \"=?utf-8?Q?caf=C3=A9\" \"name*1\" \".txt?=\")", "name", 1, S("café.txt"), D },
	/* missing, duplicate and too many sections */
	{ "(\"filename*0\" \"a\" \"filename*2\" \"c\")", "filename", 1, S("a"), MIME_INCOMPLETE },
	{ "(\"filename*1\" \"b\")", "filename", 1, S(""), MIME_INCOMPLETE },
	{ "(\"filename\" \"plain.txt\" \"filename*1\" \"b\")", "filename", 1, S("plain.txt"),
	  MIME_INCOMPLETE },
	{ "(\"name*0\" \"a\" \"name*0\" \"b\" \"name*1\" \"c\")", "name", 1, S("ac"), MIME_INCOMPLETE },
	{ "(\"name*0\" \"a\" \"name*100\" \"z\" \"name*1\" \"b\")", "name", 1, S("ab"), MIME_INCOMPLETE },
	{ "(\"name*0\" \"a\" \"name*1000\" \"z\")", "name", 1, S("a"), 0 }, /* not a section */
	/* bad bytes, unknown and missing charsets */
	{ "(\"name*\" \"utf-8''100%\")", "name", 1, S("100%"), D | I },
	{ "(\"name*\" \"utf-8''%zz\")", "name", 1, S("%zz"), D | I },
	{ "(\"name*\" \"utf-8''%FF.txt\")", "name", 1, S(FFFD ".txt"), D | I },
	{ "(\"name*\" \"x-klingon''%41\")", "name", 1, S("x-klingon''%41"), U },
	{ "(\"name*0*\" \"x-klingon''%41\" \"name*1*\" \"%42\")", "name", 1,
	  S("x-klingon''%41%42"), U },
	{ "(\"name*\" \"''%E9t%E9\")", "name", 1, S("\xe9t\xe9"), D | R },
	{ "(\"name*\" \"''%C3%A9\")", "name", 1, S("é"), D },
	{ "(\"name\" \"caf\xe9.txt\")", "name", 1, S("caf\xe9.txt"), R },
	/* not there; odd shapes */
	{ "(\"CHARSET\" \"UTF-8\")", "name", 0, S(""), 0 },
	{ "(\"names\" \"x\" \"nam\" \"y\" \"name*x\" \"z\")", "name", 0, S(""), 0 },
	{ "NIL", "name", 0, S(""), 0 },
	{ "()", "name", 0, S(""), 0 },
	{ "(\"CHARSET\" \"UTF-8\" \"NAME\")", "name", 0, S(""), 0 },
	{ "(\"NAME\" NIL)", "name", 1, S(""), 0 },
	{ "(NAME 12)", "name", 1, S("12"), 0 },
	{ "((\"x\") \"y\" \"name\" \"z\")", "name", 1, S("z"), 0 },
	{ "(\"name\" (\"x\"))", "name", 1, S(""), 0 },
	{ "(\"name\" {5}\r\nab cd)", "name", 1, S("ab cd"), 0 },
	{ "(\"name\" \"x\")", "", 0, S(""), 0 },
};

START_TEST(test_param_table)
{
	const struct imap_value *list;
	struct imap_response *r = part_params(param_cases[_i].list, &list);
	struct mime_param *params;
	struct buf out;
	char what[64];
	unsigned flags = 0xdead;
	size_t n;
	int found;

	ck_assert_int_eq(mime_params_from_list(r, list, &params, &n), 0);
	start(&out);
	found = mime_param_get(&out, params, n, param_cases[_i].name, &flags);
	snprintf(what, sizeof(what), "case %d", _i);
	ck_assert_msg(found == param_cases[_i].found, "%s: found %d", what, found);
	expect_out(&out, what, param_cases[_i].out, param_cases[_i].out_len);
	ck_assert_msg(flags == param_cases[_i].flags, "%s: flags %#x, want %#x", what, flags,
		      param_cases[_i].flags);
	/* flags_r may be NULL */
	buf_reset(&out);
	buf_adds(&out, prefix);
	ck_assert_int_eq(mime_param_get(&out, params, n, param_cases[_i].name, NULL), found);
	expect_out(&out, what, param_cases[_i].out, param_cases[_i].out_len);
	buf_release(&out);
	imap_response_free(r);
}
END_TEST

/* The list builder: pairs point into the list; NIL and odd counts. */
START_TEST(test_params_from_list)
{
	struct imap_response *r = parse_one("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" "
					    "(\"CHARSET\" \"UTF-8\" \"NAME\" \"a.txt\" \"X\") NIL NIL "
					    "\"7bit\" 5 1))\r\n");
	const struct imap_value *body = imap_value_lookup(imap_value_item(&r->data, 0),
							  "BODYSTRUCTURE");
	struct mime_param *params = (struct mime_param *)1;
	size_t n = 99;

	ck_assert_int_eq(mime_params_from_list(r, imap_value_item(body, 2), &params, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(params[0].name.len, 7);
	ck_assert_int_eq(memcmp(params[0].name.s, "CHARSET", 7), 0);
	ck_assert_ptr_eq(params[0].name.v, &imap_value_item(body, 2)->items[0]);
	ck_assert_ptr_eq(params[1].value.s, imap_value_item(body, 2)->items[3].str);
	/* NIL (item 3), NULL, an atom where a list belongs (item 0 is a
	 * string), a number */
	ck_assert_int_eq(mime_params_from_list(r, imap_value_item(body, 3), &params, &n), 0);
	ck_assert_ptr_null(params);
	ck_assert_uint_eq(n, 0);
	n = 5;
	ck_assert_int_eq(mime_params_from_list(r, NULL, &params, &n), 0);
	ck_assert_uint_eq(n, 0);
	n = 5;
	ck_assert_int_eq(mime_params_from_list(r, imap_value_item(body, 0), &params, &n), -1);
	ck_assert_ptr_null(params);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(mime_params_from_list(r, imap_value_item(body, 6), &params, &n), -1);
	/* NULL params with n 0 */
	ck_assert_int_eq(mime_param_get(NULL, NULL, 0, "name", NULL), 0);
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A test case named name in s, with the descriptor cache emptied after
 * each test. */
static TCase *charset_tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, NULL, charset_cleanup);
	suite_add_tcase(s, tc);
	return tc;
}

Suite *mime_suite(void)
{
	Suite *s = suite_create("mime");
	TCase *tc;

	tc = charset_tcase(s, "charset");
	tcase_add_loop_test(tc, test_charset_table, 0, N(charset_cases));
	tcase_add_test(tc, test_charset_name_len);
	tcase_add_test(tc, test_charset_state_and_growth);

	tc = charset_tcase(s, "rfc2047");
	tcase_add_loop_test(tc, test_header_table, 0, N(header_cases));
	tcase_add_test(tc, test_header_prefixes);
	tcase_add_test(tc, test_header_cache);
	tcase_add_loop_test(tc, test_qp, 0, N(qp_cases));
	tcase_set_timeout(tc, 60);

	tc = charset_tcase(s, "rfc2231");
	tcase_add_loop_test(tc, test_param_table, 0, N(param_cases));
	tcase_add_test(tc, test_params_from_list);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mime_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	charset_cleanup();
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
