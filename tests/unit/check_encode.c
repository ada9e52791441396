/* check_encode.c - golden wire bytes for the command encoder (src/proto/encode). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/encode.h"

#define ARG(k, f, s) { (k), (f), (s), sizeof(s) - 1, NULL }
#define ASTR(s) ARG(IMAP_ARG_ASTRING, 0, s)
#define STR(s) ARG(IMAP_ARG_STRING, 0, s)
#define LIT(s) ARG(IMAP_ARG_LITERAL, 0, s)
#define RAW(s) ARG(IMAP_ARG_RAW, 0, s)
#define NARGS(a) (sizeof(a) / sizeof((a)[0]))

static struct imap_wire w;
static struct imap_err err;

static void setup(void)
{
	imap_wire_init(&w);
	err_clear(&err);
}

static void teardown(void)
{
	imap_wire_release(&w);
}

/* Encodes and asserts success. */
static void enc(const char *verb, const struct imap_arg *args, size_t n,
		enum imap_literal_mode mode)
{
	int rc;

	err_clear(&err);
	rc = imap_encode(&w, "A1", verb, args, n, mode, &err);
	ck_assert_msg(rc == 0, "encode failed: %s", err.msg);
	ck_assert_int_eq(err.kind, IMAP_ERR_NONE);
}

static void assert_bytes(const char *want, size_t wantlen)
{
	ck_assert_uint_eq(w.bytes.len, wantlen);
	ck_assert_msg(memcmp(w.bytes.buf, want, wantlen) == 0, "got \"%s\" want \"%s\"",
		      w.bytes.buf, want);
	ck_assert_int_eq(w.bytes.buf[w.bytes.len], '\0');
}
#define ASSERT_BYTES(s) assert_bytes((s), sizeof(s) - 1)

/* Asserts the chunks tile the bytes exactly and match the expected ends. */
static void assert_chunks(const size_t *ends, size_t n)
{
	size_t i, pos = 0;

	ck_assert_uint_eq(w.nchunks, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(w.chunks[i].off, pos);
		ck_assert_uint_eq(w.chunks[i].off + w.chunks[i].len, ends[i]);
		pos = ends[i];
	}
	ck_assert_uint_eq(pos, w.bytes.len);
}

static void assert_one_chunk(void)
{
	size_t end = w.bytes.len;
	assert_chunks(&end, 1);
}

static void assert_redacted(const char *want)
{
	struct buf out = BUF_INIT;
	imap_wire_redacted(&w, 0, w.bytes.len, &out);
	ck_assert_str_eq(out.buf, want);
	buf_release(&out);
}

/* ---- imap_is_atom */

START_TEST(test_is_atom)
{
	ck_assert(imap_is_atom("INBOX", 5));
	ck_assert(imap_is_atom("a.b-c_d/e[f", 11));
	ck_assert(imap_is_atom("1:*x", 2)); /* only "1:" */
	ck_assert(imap_is_atom("\\Seen", 5) == false);
	ck_assert(imap_is_atom("a,b+c~d", 7));
	ck_assert(!imap_is_atom("", 0));
	ck_assert(!imap_is_atom(NULL, 0));
	ck_assert(!imap_is_atom("a b", 3));
	ck_assert(!imap_is_atom("a]", 2));
	ck_assert(!imap_is_atom("a\"", 2));
	ck_assert(!imap_is_atom("a\\", 2));
	ck_assert(!imap_is_atom("a*", 2));
	ck_assert(!imap_is_atom("a%", 2));
	ck_assert(!imap_is_atom("(a", 2));
	ck_assert(!imap_is_atom("a)", 2));
	ck_assert(!imap_is_atom("a{", 2));
	ck_assert(!imap_is_atom("a\x7f", 2));
	ck_assert(!imap_is_atom("a\t", 2));
	ck_assert(!imap_is_atom("a\0b", 3));
	ck_assert(!imap_is_atom("caf\xc3\xa9", 5));
}
END_TEST

/* ---- argument kinds */

START_TEST(test_no_args)
{
	enc("NOOP", NULL, 0, IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 NOOP\r\n");
	assert_one_chunk();
	ck_assert_uint_eq(w.nsecrets, 0);
}
END_TEST

START_TEST(test_verb_with_space)
{
	struct imap_arg a[] = { RAW("1:*"), RAW("(FLAGS UID)") };
	enc("UID FETCH", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 UID FETCH 1:* (FLAGS UID)\r\n");
	assert_one_chunk();
}
END_TEST

START_TEST(test_astring_atom)
{
	struct imap_arg a[] = { ASTR("INBOX"), ASTR("[Gmail]/Sent") };
	enc("RENAME", a, NARGS(a), IMAP_LITERAL_SYNC);
	/* ']' is an ASTRING-CHAR (RFC 9051 sec. 9), so no quotes needed. */
	ASSERT_BYTES("A1 RENAME INBOX [Gmail]/Sent\r\n");
}
END_TEST

START_TEST(test_astring_quoted)
{
	struct imap_arg a[] = { ASTR("My Folder"), ASTR("a\"b\\c"), ASTR("*"), ASTR("%"),
				ASTR("(x)"), ASTR("{3}"), ASTR("tab\there") };
	enc("X", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 X \"My Folder\" \"a\\\"b\\\\c\" \"*\" \"%\" \"(x)\" \"{3}\" \"tab\there\"\r\n");
	assert_one_chunk();
}
END_TEST

START_TEST(test_empty_strings)
{
	struct imap_arg a[] = { ASTR(""), STR(""), { IMAP_ARG_ASTRING, 0, NULL, 0, NULL } };
	enc("LIST", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 LIST \"\" \"\" \"\"\r\n");
	assert_one_chunk();
}
END_TEST

START_TEST(test_string_never_atom)
{
	struct imap_arg a[] = { STR("hello"), STR("two words") };
	enc("X", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 X \"hello\" \"two words\"\r\n");
}
END_TEST

START_TEST(test_astring_crlf_becomes_literal_sync)
{
	struct imap_arg a[] = { ASTR("a\r\nb"), ASTR("next") };
	size_t ends[2];
	enc("X", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 X {4}\r\na\r\nb next\r\n");
	ends[0] = strlen("A1 X {4}\r\n");
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);
}
END_TEST

/* (NUL is refused instead: see test_refusals) */
START_TEST(test_lone_cr_lf_become_literals)
{
	struct imap_arg a[] = { ARG(IMAP_ARG_STRING, 0, "a\rb"), ARG(IMAP_ARG_STRING, 0, "a\nb"),
				ARG(IMAP_ARG_ASTRING, 0, "a\rb") };
	enc("X", a, NARGS(a), IMAP_LITERAL_PLUS);
	ASSERT_BYTES("A1 X {3+}\r\na\rb {3+}\r\na\nb {3+}\r\na\rb\r\n");
	assert_one_chunk();
}
END_TEST

START_TEST(test_8bit_becomes_literal)
{
	struct imap_arg a[] = { ASTR("Entw\xc3\xbcrfe"), STR("\xff") };
	size_t ends[3];
	enc("SELECT", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 SELECT {9}\r\nEntw\xc3\xbcrfe {1}\r\n\xff\r\n");
	ends[0] = strlen("A1 SELECT {9}\r\n");
	ends[1] = ends[0] + strlen("Entw\xc3\xbcrfe {1}\r\n");
	ends[2] = w.bytes.len;
	assert_chunks(ends, 3);
}
END_TEST

START_TEST(test_literal_sync)
{
	struct imap_arg a[] = { ASTR("INBOX"), RAW("(\\Seen)"), LIT("Subject: x\r\n\r\nhi\r\n") };
	size_t ends[2];
	enc("APPEND", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 APPEND INBOX (\\Seen) {18}\r\nSubject: x\r\n\r\nhi\r\n\r\n");
	ends[0] = strlen("A1 APPEND INBOX (\\Seen) {18}\r\n");
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);
}
END_TEST

START_TEST(test_literal_plus)
{
	struct imap_arg a[] = { ASTR("INBOX"), LIT("abc"), LIT("defg") };
	enc("APPEND", a, NARGS(a), IMAP_LITERAL_PLUS);
	ASSERT_BYTES("A1 APPEND INBOX {3+}\r\nabc {4+}\r\ndefg\r\n");
	assert_one_chunk();
}
END_TEST

START_TEST(test_literal_empty)
{
	struct imap_arg a[] = { LIT("") };
	size_t ends[2];
	enc("X", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 X {0}\r\n\r\n");
	ends[0] = 10;
	ends[1] = 12;
	assert_chunks(ends, 2);
}
END_TEST

START_TEST(test_literal_binary)
{
	struct imap_arg a[] = { ARG(IMAP_ARG_LITERAL, IMAP_ARG_BINARY, "a\0b") };
	size_t ends[2];

	enc("APPEND", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 APPEND ~{3}\r\na\0b\r\n");
	ends[0] = 16;
	ends[1] = 21;
	assert_chunks(ends, 2);

	enc("APPEND", a, NARGS(a), IMAP_LITERAL_PLUS);
	ASSERT_BYTES("A1 APPEND ~{3+}\r\na\0b\r\n");
	assert_one_chunk();
}
END_TEST

START_TEST(test_literal_minus_boundary)
{
	char *data = malloc(4097);
	struct imap_arg a[1];
	size_t ends[2];

	memset(data, 'x', 4097);
	a[0] = (struct imap_arg){ IMAP_ARG_LITERAL, 0, data, 4096, NULL };
	enc("X", a, 1, IMAP_LITERAL_MINUS);
	ck_assert_int_eq(memcmp(w.bytes.buf, "A1 X {4096+}\r\nxx", 16), 0);
	ck_assert_uint_eq(w.bytes.len, 14 + 4096 + 2);
	assert_one_chunk();

	a[0].len = 4097;
	enc("X", a, 1, IMAP_LITERAL_MINUS);
	ck_assert_int_eq(memcmp(w.bytes.buf, "A1 X {4097}\r\nxx", 15), 0);
	ck_assert_uint_eq(w.bytes.len, 13 + 4097 + 2);
	ends[0] = 13;
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);

	/* LITERAL+ has no limit */
	enc("X", a, 1, IMAP_LITERAL_PLUS);
	ck_assert_int_eq(memcmp(w.bytes.buf, "A1 X {4097+}\r\nxx", 16), 0);
	assert_one_chunk();
	free(data);
}
END_TEST

START_TEST(test_mixed_chunks)
{
	/* small literal non-sync under LITERAL-, big one sync */
	char *big = malloc(5000);
	struct imap_arg a[3];
	size_t ends[2], hdr;

	memset(big, 'B', 5000);
	a[0] = (struct imap_arg)LIT("small");
	a[1] = (struct imap_arg){ IMAP_ARG_LITERAL, 0, big, 5000, NULL };
	a[2] = (struct imap_arg)ASTR("tail");
	enc("X", a, 3, IMAP_LITERAL_MINUS);
	hdr = strlen("A1 X {5+}\r\nsmall {5000}\r\n");
	ck_assert_int_eq(memcmp(w.bytes.buf, "A1 X {5+}\r\nsmall {5000}\r\nBBB", hdr + 3), 0);
	ck_assert_int_eq(memcmp(w.bytes.buf + hdr + 5000, " tail\r\n", 7), 0);
	ck_assert_uint_eq(w.bytes.len, hdr + 5000 + 7);
	ends[0] = hdr;
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);
	free(big);
}
END_TEST

START_TEST(test_one_megabyte)
{
	size_t n = IMAP_ENC_MAX_STRING, big = 1024 * 1024, i;
	char *data = malloc(big);
	char head[32];
	struct imap_arg a[2];
	size_t ends[2], hl;

	for (i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	/* quotable, but longer than 1000 bytes: a literal (RFC 7162 sec. 4) */
	a[0] = (struct imap_arg){ IMAP_ARG_STRING, 0, data, n, NULL };
	enc("X", a, 1, IMAP_LITERAL_SYNC);
	hl = (size_t)snprintf(head, sizeof(head), "A1 X {%zu}\r\n", n);
	ck_assert_int_eq(memcmp(w.bytes.buf, head, hl), 0);
	ck_assert_int_eq(memcmp(w.bytes.buf + hl, data, n), 0);
	ck_assert_uint_eq(w.bytes.len, hl + n + 2);
	ends[0] = hl;
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);

	/* with a newline in it: a literal, then a second argument */
	data[n / 2] = '\n';
	a[1] = (struct imap_arg)ASTR("end");
	enc("X", a, 2, IMAP_LITERAL_SYNC);
	ck_assert_int_eq(memcmp(w.bytes.buf, head, hl), 0);
	ck_assert_int_eq(memcmp(w.bytes.buf + hl, data, n), 0);
	ck_assert_int_eq(memcmp(w.bytes.buf + hl + n, " end\r\n", 6), 0);
	ck_assert_uint_eq(w.bytes.len, hl + n + 6);
	ends[0] = hl;
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);

	/* one byte more is refused, as an ASTRING too: servers say BYE */
	for (i = 0; i < 2; i++) {
		a[0] = (struct imap_arg){ i ? IMAP_ARG_ASTRING : IMAP_ARG_STRING, 0, data, n + 1, NULL };
		ck_assert_int_eq(imap_encode(&w, "A1", "X", a, 1, IMAP_LITERAL_PLUS, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "65536 bytes at most"));
	}

	/* message data has no such bound: 1 MB, non-synchronizing with LITERAL+ */
	a[0] = (struct imap_arg){ IMAP_ARG_LITERAL, 0, data, big, NULL };
	enc("APPEND", a, 1, IMAP_LITERAL_PLUS);
	ck_assert_int_eq(memcmp(w.bytes.buf, "A1 APPEND {1048576+}\r\n", 22), 0);
	ck_assert_uint_eq(w.bytes.len, 22 + big + 2);
	free(data);
}
END_TEST

START_TEST(test_reuse_resets)
{
	struct imap_arg a[] = { LIT("abc") };
	struct imap_arg b[] = { ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "pw") };
	enc("X", a, 1, IMAP_LITERAL_SYNC);
	ck_assert_uint_eq(w.nchunks, 2);
	enc("LOGIN", b, 1, IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 LOGIN pw\r\n");
	assert_one_chunk();
	ck_assert_uint_eq(w.nsecrets, 1);
	enc("NOOP", NULL, 0, IMAP_LITERAL_SYNC);
	ck_assert_uint_eq(w.nsecrets, 0);
	assert_one_chunk();
}
END_TEST

/* ---- RAW and header errors */

START_TEST(test_raw_errors)
{
	struct imap_arg crlf[] = { RAW("1"), RAW("1:2\r\nA2 LOGOUT") };
	struct imap_arg lf[] = { RAW("a\nb") };
	struct imap_arg cr[] = { RAW("a\rb") };
	struct imap_arg nul[] = { RAW("a\0b") };
	struct imap_arg empty[] = { ASTR("INBOX"), RAW("") };

	ck_assert_int_eq(imap_encode(&w, "A1", "FETCH", crlf, 2, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_ptr_nonnull(strstr(err.msg, "argument 2 contains a line break; "));
	ck_assert_uint_eq(w.bytes.len, 0);
	ck_assert_uint_eq(w.nchunks, 0);

	err_clear(&err);
	ck_assert_int_eq(imap_encode(&w, "A1", "X", lf, 1, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "argument 1 contains a line break; "));
	err_clear(&err);
	ck_assert_int_eq(imap_encode(&w, "A1", "X", cr, 1, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "argument 1 contains a line break; "));
	err_clear(&err);
	ck_assert_int_eq(imap_encode(&w, "A1", "X", nul, 1, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "argument 1 contains a NUL byte; "));
	err_clear(&err);
	ck_assert_int_eq(imap_encode(&w, "A1", "X", empty, 2, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "argument 2 is empty; "));
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);

	/* a string with NUL: no quoted string or literal may carry it
	 * (CHAR8 is %x01-ff); refused whole, never cut at the NUL */
	{
		struct imap_arg s[] = {
			{ IMAP_ARG_ASTRING, 0, "ok", 2, NULL },
			{ IMAP_ARG_STRING, 0, "ab\0cd", 5, NULL },
		};
		struct imap_arg as[] = { { IMAP_ARG_ASTRING, 0, "\0", 1, NULL } };
		struct imap_arg lit[] = { { IMAP_ARG_LITERAL, IMAP_ARG_BINARY, "a\0b", 3, NULL } };

		err_clear(&err);
		ck_assert_int_eq(imap_encode(&w, "A1", "SEARCH", s, 2, IMAP_LITERAL_PLUS, &err), -1);
		ck_assert_str_eq(err.msg, "argument 2 contains a NUL byte, which no IMAP string "
					  "can carry (quoted or literal)");
		ck_assert_uint_eq(w.bytes.len, 0);
		ck_assert_uint_eq(w.nchunks, 0);
		err_clear(&err);
		ck_assert_int_eq(imap_encode(&w, "A1", "X", as, 1, IMAP_LITERAL_SYNC, &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "argument 1 contains a NUL byte, "));
		/* literal8 (APPEND with BINARY) is the one place it may go */
		err_clear(&err);
		ck_assert_int_eq(imap_encode(&w, "A1", "APPEND", lit, 1, IMAP_LITERAL_PLUS, &err), 0);
		ck_assert_int_eq(memcmp(w.bytes.buf, "A1 APPEND ~{3+}\r\na\0b\r\n", 19), 0);
	}
}
END_TEST

START_TEST(test_raw_verbatim)
{
	struct imap_arg a[] = { RAW("1,3:5,*"), RAW("(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"),
				RAW("\"quoted\" \xc3\xa9") };
	enc("FETCH", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 FETCH 1,3:5,* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]) \"quoted\" \xc3\xa9\r\n");
}
END_TEST

START_TEST(test_bad_tag_or_verb)
{
	ck_assert_int_eq(imap_encode(&w, "", "NOOP", NULL, 0, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "tag is empty"));
	ck_assert_int_eq(imap_encode(&w, "A+1", "NOOP", NULL, 0, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "tag \"A+1\""));
	ck_assert_int_eq(imap_encode(&w, "A 1", "NOOP", NULL, 0, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_int_eq(imap_encode(&w, "A1", "NOOP\r\nA2 X", NULL, 0, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "verb"));
	ck_assert_int_eq(imap_encode(&w, "A1", "", NULL, 0, IMAP_LITERAL_SYNC, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_uint_eq(w.bytes.len, 0);
}
END_TEST

/* ---- secrets and redaction */

START_TEST(test_secret_quoted)
{
	struct imap_arg a[] = { ASTR("alice"), ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "p@ss w\"rd") };
	enc("LOGIN", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 LOGIN alice \"p@ss w\\\"rd\"\r\n");
	ck_assert_uint_eq(w.nsecrets, 1);
	ck_assert_uint_eq(w.secrets[0].off, 15);
	ck_assert_uint_eq(w.secrets[0].len, 12); /* quotes included */
	assert_redacted("A1 LOGIN alice <redacted>\r\n");
}
END_TEST

START_TEST(test_secret_atom)
{
	struct imap_arg a[] = { ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "bob"),
				ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "hunter2") };
	enc("LOGIN", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 LOGIN bob hunter2\r\n");
	ck_assert_uint_eq(w.nsecrets, 2);
	assert_redacted("A1 LOGIN <redacted> <redacted>\r\n");
}
END_TEST

START_TEST(test_secret_literal)
{
	struct imap_arg a[] = { ASTR("alice"), ARG(IMAP_ARG_STRING, IMAP_ARG_SECRET, "p\xe4ss") };
	struct buf out = BUF_INIT;
	size_t ends[2];

	enc("LOGIN", a, NARGS(a), IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 LOGIN alice {4}\r\np\xe4ss\r\n");
	ends[0] = 20;
	ends[1] = 26;
	assert_chunks(ends, 2);
	ck_assert_uint_eq(w.nsecrets, 1);
	ck_assert_uint_eq(w.secrets[0].off, 20); /* data only, not the header */
	ck_assert_uint_eq(w.secrets[0].len, 4);
	assert_redacted("A1 LOGIN alice {4}\r\n<redacted>\r\n");

	/* chunk by chunk, as a trace would show what is sent */
	imap_wire_redacted(&w, w.chunks[0].off, w.chunks[0].len, &out);
	ck_assert_str_eq(out.buf, "A1 LOGIN alice {4}\r\n");
	buf_reset(&out);
	imap_wire_redacted(&w, w.chunks[1].off, w.chunks[1].len, &out);
	ck_assert_str_eq(out.buf, "<redacted>\r\n");
	buf_release(&out);
}
END_TEST

START_TEST(test_secret_empty)
{
	struct imap_arg a[] = { ARG(IMAP_ARG_STRING, IMAP_ARG_SECRET, "") };
	enc("AUTHENTICATE", a, 1, IMAP_LITERAL_SYNC);
	ASSERT_BYTES("A1 AUTHENTICATE \"\"\r\n");
	ck_assert_uint_eq(w.nsecrets, 1);
	assert_redacted("A1 AUTHENTICATE <redacted>\r\n");
}
END_TEST

START_TEST(test_redacted_windows)
{
	/* "A1 LOGIN u secret\r\n": secret at [11, 17) */
	struct imap_arg a[] = { ASTR("u"), ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "secret") };
	struct buf out = BUF_INIT;

	enc("LOGIN", a, NARGS(a), IMAP_LITERAL_SYNC);
	ck_assert_uint_eq(w.secrets[0].off, 11);
	ck_assert_uint_eq(w.secrets[0].len, 6);

	imap_wire_redacted(&w, 0, 11, &out); /* ends right before */
	ck_assert_str_eq(out.buf, "A1 LOGIN u ");
	buf_reset(&out);
	imap_wire_redacted(&w, 0, 13, &out); /* ends inside */
	ck_assert_str_eq(out.buf, "A1 LOGIN u <redacted>");
	buf_reset(&out);
	imap_wire_redacted(&w, 13, 6, &out); /* starts inside */
	ck_assert_str_eq(out.buf, "<redacted>\r\n");
	buf_reset(&out);
	imap_wire_redacted(&w, 12, 2, &out); /* wholly inside */
	ck_assert_str_eq(out.buf, "<redacted>");
	buf_reset(&out);
	imap_wire_redacted(&w, 17, 100, &out); /* after, length clamped */
	ck_assert_str_eq(out.buf, "\r\n");
	buf_reset(&out);
	imap_wire_redacted(&w, 100, 5, &out); /* beyond the end */
	ck_assert_uint_eq(out.len, 0);
	buf_adds(&out, "> ");
	imap_wire_redacted(&w, 3, 5, &out); /* appends */
	ck_assert_str_eq(out.buf, "> LOGIN");
	buf_release(&out);
}
END_TEST

START_TEST(test_secret_binary_literal_plus)
{
	struct imap_arg a[] = { RAW("PLAIN"), ARG(IMAP_ARG_LITERAL, IMAP_ARG_SECRET | IMAP_ARG_BINARY,
						"\0u\0p") };
	enc("AUTHENTICATE", a, NARGS(a), IMAP_LITERAL_PLUS);
	ASSERT_BYTES("A1 AUTHENTICATE PLAIN ~{4+}\r\n\0u\0p\r\n");
	ck_assert_uint_eq(w.secrets[0].off, 29);
	ck_assert_uint_eq(w.secrets[0].len, 4);
	assert_redacted("A1 AUTHENTICATE PLAIN ~{4+}\r\n<redacted>\r\n");
}
END_TEST

/* ---- long arguments and long lines (RFC 7162 sec. 4) */

/* n bytes of c, malloc()ed (freed by the caller). */
static char *filled(size_t n, char c)
{
	char *p = malloc(n + 1);
	memset(p, c, n);
	p[n] = '\0';
	return p;
}

/* A STRING or ASTRING over 1000 bytes is a literal, in the form the mode
 * gives: golden bytes and chunks for each size, kind and mode. */
START_TEST(test_long_strings)
{
	static const struct {
		size_t len;
		enum imap_arg_kind kind;
		enum imap_literal_mode mode;
		const char *header; /* NULL: atom (ASTRING) or quoted (STRING) */
	} rows[] = {
		{ 999, IMAP_ARG_ASTRING, IMAP_LITERAL_SYNC, NULL },
		{ 999, IMAP_ARG_STRING, IMAP_LITERAL_SYNC, NULL },
		{ 1000, IMAP_ARG_ASTRING, IMAP_LITERAL_SYNC, NULL },
		{ 1000, IMAP_ARG_STRING, IMAP_LITERAL_PLUS, NULL },
		{ 1000, IMAP_ARG_STRING, IMAP_LITERAL_MINUS, NULL },
		{ 1001, IMAP_ARG_ASTRING, IMAP_LITERAL_SYNC, "{1001}" },
		{ 1001, IMAP_ARG_ASTRING, IMAP_LITERAL_PLUS, "{1001+}" },
		{ 1001, IMAP_ARG_ASTRING, IMAP_LITERAL_MINUS, "{1001+}" },
		{ 1001, IMAP_ARG_STRING, IMAP_LITERAL_SYNC, "{1001}" },
		{ 1001, IMAP_ARG_STRING, IMAP_LITERAL_PLUS, "{1001+}" },
		{ 1001, IMAP_ARG_STRING, IMAP_LITERAL_MINUS, "{1001+}" },
		{ 4096, IMAP_ARG_STRING, IMAP_LITERAL_MINUS, "{4096+}" },
		{ 4097, IMAP_ARG_STRING, IMAP_LITERAL_MINUS, "{4097}" },
		{ 5000, IMAP_ARG_ASTRING, IMAP_LITERAL_SYNC, "{5000}" },
		{ 5000, IMAP_ARG_ASTRING, IMAP_LITERAL_PLUS, "{5000}" }, /* not message data */
		{ 5000, IMAP_ARG_ASTRING, IMAP_LITERAL_MINUS, "{5000}" },
		{ 5000, IMAP_ARG_STRING, IMAP_LITERAL_SYNC, "{5000}" },
		{ 5000, IMAP_ARG_STRING, IMAP_LITERAL_PLUS, "{5000}" },
		{ 4096, IMAP_ARG_STRING, IMAP_LITERAL_PLUS, "{4096+}" },
		{ 4097, IMAP_ARG_STRING, IMAP_LITERAL_PLUS, "{4097}" },
		{ 5000, IMAP_ARG_LITERAL, IMAP_LITERAL_PLUS, "{5000+}" },
		{ 5000, IMAP_ARG_STRING, IMAP_LITERAL_MINUS, "{5000}" },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *data = filled(rows[i].len, 'a');
		struct imap_arg a[] = { { rows[i].kind, 0, data, rows[i].len, NULL }, ASTR("next") };
		struct buf want = BUF_INIT;
		size_t ends[2];
		bool sync = rows[i].header && !strchr(rows[i].header, '+');

		enc("X", a, 2, rows[i].mode);
		buf_adds(&want, "A1 X ");
		if (!rows[i].header && rows[i].kind == IMAP_ARG_ASTRING) {
			buf_adds(&want, data);
		} else if (!rows[i].header) {
			buf_addf(&want, "\"%s\"", data);
		} else {
			buf_addf(&want, "%s\r\n", rows[i].header);
			ends[0] = want.len;
			buf_adds(&want, data);
		}
		buf_adds(&want, " next\r\n");
		ck_assert_msg(w.bytes.len == want.len && memcmp(w.bytes.buf, want.buf, want.len) == 0,
			      "row %zu: got %.40s...", i, w.bytes.buf);
		ends[sync ? 1 : 0] = w.bytes.len;
		assert_chunks(ends, sync ? 2 : 1);
		ck_assert_uint_eq(w.nsecrets, 0);
		buf_release(&want);
		free(data);
	}
}
END_TEST

/* A long secret goes as a literal too, and stays redacted: whole, and
 * chunk by chunk as a trace shows what is sent. */
START_TEST(test_secret_long_literal)
{
	static const enum imap_literal_mode modes[] = { IMAP_LITERAL_SYNC, IMAP_LITERAL_PLUS,
							IMAP_LITERAL_MINUS };
	static const enum imap_arg_kind kinds[] = { IMAP_ARG_ASTRING, IMAP_ARG_STRING };
	char *pw = filled(1500, 'p');
	size_t i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < 3; i++) {
			struct imap_arg a[] = { ASTR("alice"), { kinds[k], IMAP_ARG_SECRET, pw, 1500, NULL } };
			const char *head = modes[i] == IMAP_LITERAL_SYNC ? "A1 LOGIN alice {1500}\r\n"
									 : "A1 LOGIN alice {1500+}\r\n";
			size_t hl = strlen(head);
			struct buf out = BUF_INIT;

			enc("LOGIN", a, 2, modes[i]);
			ck_assert_uint_eq(w.bytes.len, hl + 1500 + 2);
			ck_assert_int_eq(memcmp(w.bytes.buf, head, hl), 0);
			ck_assert_int_eq(memcmp(w.bytes.buf + hl, pw, 1500), 0);
			ck_assert_uint_eq(w.nsecrets, 1);
			ck_assert_uint_eq(w.secrets[0].off, hl);
			ck_assert_uint_eq(w.secrets[0].len, 1500);
			imap_wire_redacted(&w, 0, w.bytes.len, &out);
			ck_assert_str_eq(out.buf + hl, "<redacted>\r\n");
			ck_assert_int_eq(memcmp(out.buf, head, hl), 0);
			if (modes[i] == IMAP_LITERAL_SYNC) {
				ck_assert_uint_eq(w.nchunks, 2);
				buf_reset(&out);
				imap_wire_redacted(&w, w.chunks[0].off, w.chunks[0].len, &out);
				ck_assert_str_eq(out.buf, head);
				buf_reset(&out);
				imap_wire_redacted(&w, w.chunks[1].off, w.chunks[1].len, &out);
				ck_assert_str_eq(out.buf, "<redacted>\r\n");
			} else {
				ck_assert_uint_eq(w.nchunks, 1);
			}
			buf_release(&out);
		}
	}
	free(pw);
}
END_TEST

/* Encodes and expects the line-length error with exactly msg. */
static void enc_too_long(const struct imap_arg *args, size_t n, enum imap_literal_mode mode,
			 const char *msg)
{
	err_clear(&err);
	ck_assert_int_eq(imap_encode(&w, "A1", "X", args, n, mode, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_uint_eq(w.bytes.len, 0);
	ck_assert_uint_eq(w.nchunks, 0);
	ck_assert_uint_eq(w.nsecrets, 0);
	ck_assert_uint_eq(w.nstreams, 0);
}

/*
 * No line over 8192 bytes, CRLF included, literal data not: a line runs
 * to a literal header's CRLF or the command's.  "A1 X " is 5 bytes, a
 * " {3+}" header 5, so a RAW argument of 8185 bytes fills a line, 8180
 * one ending in that header.
 */
START_TEST(test_line_limit)
{
	char *r8185 = filled(8186, '1'), *r8180 = filled(8181, '2'), *r8190 = filled(8191, '3');
	char *s1000 = filled(1000, 's');
	struct imap_literal_source src = { 3, NULL, NULL };
	struct imap_arg a[9];
	size_t ends[2], i;

	/* one line: 8192 fits, 8193 does not */
	a[0] = (struct imap_arg){ IMAP_ARG_RAW, 0, r8185, 8185, NULL };
	enc("X", a, 1, IMAP_LITERAL_SYNC);
	ck_assert_uint_eq(w.bytes.len, 8192);
	a[0].len = 8186;
	enc_too_long(a, 1, IMAP_LITERAL_SYNC,
		     "the command line would be 8193 bytes long, more than the 8192 a server is "
		     "expected to accept (RFC 7162 sec. 4)");
	/* the user's own line (VERBATIM) goes whatever its length; its bytes
	 * do not count, the rest does */
	a[0].flags = IMAP_ARG_VERBATIM;
	enc("X", a, 1, IMAP_LITERAL_SYNC);
	ck_assert_uint_eq(w.bytes.len, 8193);
	ck_assert_int_eq(memcmp(w.bytes.buf, "A1 X 111", 8), 0);
	assert_one_chunk();
	a[1] = (struct imap_arg){ IMAP_ARG_RAW, 0, r8185, 8185, NULL };
	enc_too_long(a, 2, IMAP_LITERAL_SYNC,
		     "the command line would be 8193 bytes long, more than the 8192 a server is "
		     "expected to accept (RFC 7162 sec. 4)");

	/* a literal header ends a line: 8192 with it fits */
	a[0] = (struct imap_arg){ IMAP_ARG_RAW, 0, r8180, 8180, NULL };
	a[1] = (struct imap_arg)LIT("abc");
	enc("X", a, 2, IMAP_LITERAL_PLUS);
	ck_assert_int_eq(memcmp(w.bytes.buf + 5 + 8180, " {3+}\r\nabc\r\n", 13), 0);
	a[0].len = 8181;
	enc_too_long(a, 2, IMAP_LITERAL_PLUS,
		     "line 1 of the command (up to a literal) would be 8193 bytes long, more than "
		     "the 8192 a server is expected to accept (RFC 7162 sec. 4)");
	/* the same with a streamed literal (APPEND of a file) */
	a[0].len = 8180;
	a[1] = (struct imap_arg){ IMAP_ARG_LITERAL, 0, NULL, 0, &src };
	enc("X", a, 2, IMAP_LITERAL_PLUS);
	ck_assert_uint_eq(w.nstreams, 1);
	a[0].len = 8181;
	enc_too_long(a, 2, IMAP_LITERAL_PLUS,
		     "line 1 of the command (up to a literal) would be 8193 bytes long, more than "
		     "the 8192 a server is expected to accept (RFC 7162 sec. 4)");

	/* after a literal's data a new line starts: 8000 + 8000 is fine */
	a[0] = (struct imap_arg){ IMAP_ARG_RAW, 0, r8180, 8000, NULL };
	a[1] = (struct imap_arg)LIT("abc");
	a[2] = (struct imap_arg){ IMAP_ARG_RAW, 0, r8190, 8000, NULL };
	enc("X", a, 3, IMAP_LITERAL_SYNC);
	ck_assert_uint_eq(w.bytes.len, 5 + 8000 + 6 + 3 + 1 + 8000 + 2);
	ends[0] = 5 + 8000 + 6;
	ends[1] = w.bytes.len;
	assert_chunks(ends, 2);
	/* a line after a literal: " " + 8190 + CRLF */
	a[2].len = 8190;
	enc_too_long(a, 3, IMAP_LITERAL_SYNC,
		     "line 2 of the command (up to a literal) would be 8193 bytes long, more than "
		     "the 8192 a server is expected to accept (RFC 7162 sec. 4)");

	/* strings of 1000 bytes stay quoted: nine of them are too many */
	for (i = 0; i < 9; i++)
		a[i] = (struct imap_arg){ IMAP_ARG_STRING, 0, s1000, 1000, NULL };
	enc("X", a, 8, IMAP_LITERAL_PLUS);
	ck_assert_uint_eq(w.bytes.len, 4 + 8 * 1003 + 2);
	enc_too_long(a, 9, IMAP_LITERAL_PLUS,
		     "the command line would be 9033 bytes long, more than the 8192 a server is "
		     "expected to accept (RFC 7162 sec. 4)");
	/* ... as 1001-byte ones are literals, any number of them fits */
	free(s1000);
	s1000 = filled(1001, 's');
	for (i = 0; i < 9; i++) {
		a[i].data = s1000;
		a[i].len = 1001;
	}
	enc("X", a, 9, IMAP_LITERAL_PLUS);
	ck_assert_uint_eq(w.bytes.len, 4 + 9 * (strlen(" {1001+}\r\n") + 1001) + 2);
	free(r8185);
	free(r8180);
	free(r8190);
	free(s1000);
}
END_TEST

static Suite *encode_suite(void)
{
	Suite *s = suite_create("encode");
	TCase *tc = tcase_create("kinds");
	TCase *tr = tcase_create("raw");
	TCase *ts = tcase_create("secrets");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_is_atom);
	tcase_add_test(tc, test_no_args);
	tcase_add_test(tc, test_verb_with_space);
	tcase_add_test(tc, test_astring_atom);
	tcase_add_test(tc, test_astring_quoted);
	tcase_add_test(tc, test_empty_strings);
	tcase_add_test(tc, test_string_never_atom);
	tcase_add_test(tc, test_astring_crlf_becomes_literal_sync);
	tcase_add_test(tc, test_lone_cr_lf_become_literals);
	tcase_add_test(tc, test_8bit_becomes_literal);
	tcase_add_test(tc, test_literal_sync);
	tcase_add_test(tc, test_literal_plus);
	tcase_add_test(tc, test_literal_empty);
	tcase_add_test(tc, test_literal_binary);
	tcase_add_test(tc, test_literal_minus_boundary);
	tcase_add_test(tc, test_mixed_chunks);
	tcase_add_test(tc, test_one_megabyte);
	tcase_add_test(tc, test_reuse_resets);
	tcase_add_test(tc, test_long_strings);
	tcase_add_test(tc, test_line_limit);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tr, setup, teardown);
	tcase_add_test(tr, test_raw_errors);
	tcase_add_test(tr, test_raw_verbatim);
	tcase_add_test(tr, test_bad_tag_or_verb);
	suite_add_tcase(s, tr);

	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, test_secret_quoted);
	tcase_add_test(ts, test_secret_atom);
	tcase_add_test(ts, test_secret_literal);
	tcase_add_test(ts, test_secret_empty);
	tcase_add_test(ts, test_redacted_windows);
	tcase_add_test(ts, test_secret_binary_literal_plus);
	tcase_add_test(ts, test_secret_long_literal);
	suite_add_tcase(s, ts);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(encode_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
