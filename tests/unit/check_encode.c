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

static const struct {
	const char *s;
	size_t len;
	bool atom;
} atom_cases[] = {
	{ "INBOX", 5, true },
	{ "a.b-c_d/e[f", 11, true },
	{ "1:*x", 2, true }, /* only "1:" */
	{ "\\Seen", 5, false },
	{ "a,b+c~d", 7, true },
	{ "", 0, false },
	{ NULL, 0, false },
	{ "a b", 3, false },
	{ "a]", 2, false },
	{ "a\"", 2, false },
	{ "a\\", 2, false },
	{ "a*", 2, false },
	{ "a%", 2, false },
	{ "(a", 2, false },
	{ "a)", 2, false },
	{ "a{", 2, false },
	{ "a\x7f", 2, false },
	{ "a\t", 2, false },
	{ "a\0b", 3, false },
	{ "caf\xc3\xa9", 5, false },
};

START_TEST(test_is_atom)
{
	ck_assert_msg(imap_is_atom(atom_cases[_i].s, atom_cases[_i].len) == atom_cases[_i].atom,
		      "imap_is_atom(\"%.*s\", %zu) should be %s", (int)atom_cases[_i].len,
		      atom_cases[_i].s ? atom_cases[_i].s : "", atom_cases[_i].len,
		      atom_cases[_i].atom ? "true" : "false");
}
END_TEST

/* ---- golden commands: argument kinds, RAW and header errors, secrets */

#define MAX_CHUNKS 3

/* Bytes that may hold NUL. */
struct piece {
	const char *s;
	size_t len;
};
#define P(s) { (s), sizeof(s) - 1 }

/* The arguments of a row: .args and .nargs. */
#define ARGS(...)                                      \
	.args = (const struct imap_arg[]){ __VA_ARGS__ }, \
	.nargs = sizeof((const struct imap_arg[]){ __VA_ARGS__ }) / sizeof(struct imap_arg)

struct enc_case {
	const char *tag; /* failing rows only: NULL is "A1", the tag of every row that encodes */
	const char *verb;
	const struct imap_arg *args;
	size_t nargs;
	enum imap_literal_mode mode; /* IMAP_LITERAL_SYNC where not given */
	/* the bytes chunk by chunk: the client waits for "+" after each but the last */
	struct piece wire[MAX_CHUNKS];
	size_t nsecrets;
	struct imap_span secret; /* secrets[0], where there are any */
	/* imap_wire_redacted of each chunk, as a trace shows what is sent, and
	 * together of the whole; NULL: not checked */
	const char *redacted[MAX_CHUNKS];
	const char *error; /* NULL: encodes; else fails, nothing encoded, and the message has this */
	bool exact;        /* error is the whole message */
};

static const struct enc_case enc_cases[] = {
	/* ---- argument kinds */
	{ .verb = "NOOP", .wire = { P("A1 NOOP\r\n") } },
	{ .verb = "UID FETCH", ARGS(RAW("1:*"), RAW("(FLAGS UID)")),
	  .wire = { P("A1 UID FETCH 1:* (FLAGS UID)\r\n") } },
	/* ']' is an ASTRING-CHAR (RFC 9051 sec. 9), so no quotes needed. */
	{ .verb = "RENAME", ARGS(ASTR("INBOX"), ASTR("[Gmail]/Sent")),
	  .wire = { P("A1 RENAME INBOX [Gmail]/Sent\r\n") } },
	{ .verb = "X",
	  ARGS(ASTR("My Folder"), ASTR("a\"b\\c"), ASTR("*"), ASTR("%"), ASTR("(x)"), ASTR("{3}"),
	       ASTR("tab\there")),
	  .wire = { P("A1 X \"My Folder\" \"a\\\"b\\\\c\" \"*\" \"%\" \"(x)\" \"{3}\" \"tab\there\"\r\n") } },
	{ .verb = "LIST", ARGS(ASTR(""), STR(""), { IMAP_ARG_ASTRING, 0, NULL, 0, NULL }),
	  .wire = { P("A1 LIST \"\" \"\" \"\"\r\n") } },
	/* a STRING is never an atom */
	{ .verb = "X", ARGS(STR("hello"), STR("two words")),
	  .wire = { P("A1 X \"hello\" \"two words\"\r\n") } },
	/* CRLF in an ASTRING: a literal, synchronizing */
	{ .verb = "X", ARGS(ASTR("a\r\nb"), ASTR("next")),
	  .wire = { P("A1 X {4}\r\n"), P("a\r\nb next\r\n") } },
	/* a lone CR or LF: literals too (NUL is refused instead: see below) */
	{ .verb = "X",
	  ARGS(ARG(IMAP_ARG_STRING, 0, "a\rb"), ARG(IMAP_ARG_STRING, 0, "a\nb"),
	       ARG(IMAP_ARG_ASTRING, 0, "a\rb")),
	  .mode = IMAP_LITERAL_PLUS, .wire = { P("A1 X {3+}\r\na\rb {3+}\r\na\nb {3+}\r\na\rb\r\n") } },
	/* 8-bit: literals */
	{ .verb = "SELECT", ARGS(ASTR("Entw\xc3\xbcrfe"), STR("\xff")),
	  .wire = { P("A1 SELECT {9}\r\n"), P("Entw\xc3\xbcrfe {1}\r\n"), P("\xff\r\n") } },
	/* LITERAL: synchronizing, LITERAL+, empty, literal8 */
	{ .verb = "APPEND", ARGS(ASTR("INBOX"), RAW("(\\Seen)"), LIT("Subject: x\r\n\r\nhi\r\n")),
	  .wire = { P("A1 APPEND INBOX (\\Seen) {18}\r\n"), P("Subject: x\r\n\r\nhi\r\n\r\n") } },
	{ .verb = "APPEND", ARGS(ASTR("INBOX"), LIT("abc"), LIT("defg")), .mode = IMAP_LITERAL_PLUS,
	  .wire = { P("A1 APPEND INBOX {3+}\r\nabc {4+}\r\ndefg\r\n") } },
	{ .verb = "X", ARGS(LIT("")), .wire = { P("A1 X {0}\r\n"), P("\r\n") } },
	{ .verb = "APPEND", ARGS(ARG(IMAP_ARG_LITERAL, IMAP_ARG_BINARY, "a\0b")),
	  .wire = { P("A1 APPEND ~{3}\r\n"), P("a\0b\r\n") } },
	/* literal8 (APPEND with BINARY) is the one place a NUL may go */
	{ .verb = "APPEND", ARGS(ARG(IMAP_ARG_LITERAL, IMAP_ARG_BINARY, "a\0b")),
	  .mode = IMAP_LITERAL_PLUS, .wire = { P("A1 APPEND ~{3+}\r\na\0b\r\n") } },

	/* ---- RAW: sent as typed, but never with CR, LF or NUL, nor empty */
	{ .verb = "FETCH",
	  ARGS(RAW("1,3:5,*"), RAW("(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"),
	       RAW("\"quoted\" \xc3\xa9")),
	  .wire = { P("A1 FETCH 1,3:5,* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)]) \"quoted\" \xc3\xa9\r\n") } },
	{ .verb = "FETCH", ARGS(RAW("1"), RAW("1:2\r\nA2 LOGOUT")),
	  .error = "argument 2 contains a line break; " },
	{ .verb = "X", ARGS(RAW("a\nb")), .error = "argument 1 contains a line break; " },
	{ .verb = "X", ARGS(RAW("a\rb")), .error = "argument 1 contains a line break; " },
	{ .verb = "X", ARGS(RAW("a\0b")), .error = "argument 1 contains a NUL byte; " },
	{ .verb = "X", ARGS(ASTR("INBOX"), RAW("")), .error = "argument 2 is empty; " },
	/* a string with NUL: no quoted string or literal may carry it
	 * (CHAR8 is %x01-ff); refused whole, never cut at the NUL */
	{ .verb = "SEARCH", ARGS(ASTR("ok"), STR("ab\0cd")), .mode = IMAP_LITERAL_PLUS,
	  .error = "argument 2 contains a NUL byte, which no IMAP string can carry (quoted or literal)",
	  .exact = true },
	{ .verb = "X", ARGS(ASTR("\0")), .error = "argument 1 contains a NUL byte, " },

	/* ---- the tag and the verb */
	{ .tag = "", .verb = "NOOP", .error = "tag is empty" },
	{ .tag = "A+1", .verb = "NOOP", .error = "tag \"A+1\"" },
	{ .tag = "A 1", .verb = "NOOP", .error = "tag \"A 1\"" },
	{ .verb = "NOOP\r\nA2 X", .error = "verb" },
	{ .verb = "", .error = "verb is empty" },

	/* ---- secrets and redaction */
	{ .verb = "LOGIN", ARGS(ASTR("alice"), ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "p@ss w\"rd")),
	  .wire = { P("A1 LOGIN alice \"p@ss w\\\"rd\"\r\n") },
	  .nsecrets = 1, .secret = { 15, 12 }, /* quotes included */
	  .redacted = { "A1 LOGIN alice <redacted>\r\n" } },
	{ .verb = "LOGIN",
	  ARGS(ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "bob"),
	       ARG(IMAP_ARG_ASTRING, IMAP_ARG_SECRET, "hunter2")),
	  .wire = { P("A1 LOGIN bob hunter2\r\n") }, .nsecrets = 2, .secret = { 9, 3 },
	  .redacted = { "A1 LOGIN <redacted> <redacted>\r\n" } },
	{ .verb = "LOGIN", ARGS(ASTR("alice"), ARG(IMAP_ARG_STRING, IMAP_ARG_SECRET, "p\xe4ss")),
	  .wire = { P("A1 LOGIN alice {4}\r\n"), P("p\xe4ss\r\n") },
	  .nsecrets = 1, .secret = { 20, 4 }, /* data only, not the header */
	  .redacted = { "A1 LOGIN alice {4}\r\n", "<redacted>\r\n" } },
	{ .verb = "AUTHENTICATE", ARGS(ARG(IMAP_ARG_STRING, IMAP_ARG_SECRET, "")),
	  .wire = { P("A1 AUTHENTICATE \"\"\r\n") }, .nsecrets = 1, .secret = { 16, 2 },
	  .redacted = { "A1 AUTHENTICATE <redacted>\r\n" } },
	{ .verb = "AUTHENTICATE",
	  ARGS(RAW("PLAIN"), ARG(IMAP_ARG_LITERAL, IMAP_ARG_SECRET | IMAP_ARG_BINARY, "\0u\0p")),
	  .mode = IMAP_LITERAL_PLUS, .wire = { P("A1 AUTHENTICATE PLAIN ~{4+}\r\n\0u\0p\r\n") },
	  .nsecrets = 1, .secret = { 29, 4 },
	  .redacted = { "A1 AUTHENTICATE PLAIN ~{4+}\r\n<redacted>\r\n" } },
};

START_TEST(test_enc_cases)
{
	const struct enc_case *c = &enc_cases[_i];
	struct buf want = BUF_INIT, part = BUF_INIT;
	size_t ends[MAX_CHUNKS], n, k;

	if (c->error) {
		err_clear(&err);
		ck_assert_int_eq(imap_encode(&w, c->tag ? c->tag : "A1", c->verb, c->args, c->nargs,
					     c->mode, &err), -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
		if (c->exact)
			ck_assert_str_eq(err.msg, c->error);
		else
			ck_assert_msg(strstr(err.msg, c->error) != NULL, "error \"%s\" lacks \"%s\"",
				      err.msg, c->error);
		ck_assert_uint_eq(w.bytes.len, 0);
		ck_assert_uint_eq(w.nchunks, 0);
		return;
	}
	enc(c->verb, c->args, c->nargs, c->mode);
	for (n = 0; n < MAX_CHUNKS && c->wire[n].s; n++) {
		buf_add(&want, c->wire[n].s, c->wire[n].len);
		ends[n] = want.len;
	}
	assert_bytes(want.buf, want.len);
	assert_chunks(ends, n);
	ck_assert_uint_eq(w.nsecrets, c->nsecrets);
	if (c->nsecrets) {
		ck_assert_uint_eq(w.secrets[0].off, c->secret.off);
		ck_assert_uint_eq(w.secrets[0].len, c->secret.len);
	}
	if (c->redacted[0]) {
		buf_reset(&want);
		for (k = 0; k < MAX_CHUNKS; k++) {
			ck_assert_msg((k < n) == (c->redacted[k] != NULL), "redacted: one a chunk");
			if (k >= n)
				continue;
			buf_adds(&want, c->redacted[k]);
			buf_reset(&part);
			imap_wire_redacted(&w, w.chunks[k].off, w.chunks[k].len, &part);
			ck_assert_str_eq(part.buf, c->redacted[k]);
		}
		assert_redacted(want.buf);
	}
	buf_release(&want);
	buf_release(&part);
}
END_TEST

/* ---- argument kinds: one-off */

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

/* ---- secrets and redaction: one-off */

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
	TCase *tt = tcase_create("table");
	TCase *tc = tcase_create("kinds");
	TCase *ts = tcase_create("secrets");

	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_loop_test(tt, test_is_atom, 0, (int)(sizeof(atom_cases) / sizeof(atom_cases[0])));
	tcase_add_loop_test(tt, test_enc_cases, 0, (int)(sizeof(enc_cases) / sizeof(enc_cases[0])));
	suite_add_tcase(s, tt);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_literal_minus_boundary);
	tcase_add_test(tc, test_mixed_chunks);
	tcase_add_test(tc, test_one_megabyte);
	tcase_add_test(tc, test_reuse_resets);
	tcase_add_test(tc, test_long_strings);
	tcase_add_test(tc, test_line_limit);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, test_redacted_windows);
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
