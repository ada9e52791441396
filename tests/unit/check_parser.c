/*
 * check_parser.c - unit tests for src/proto/parser.c and src/proto/response.c.
 *
 * Most tests go through expect(): the input is parsed fed whole, fed one
 * byte at a time and split in two at every index, and written into
 * imap_parser_feed_space() in 1-byte, 7-byte and large pieces (also mixed
 * with feed(), with empty commits, asking for less room than written),
 * and each run must give the same transcript: one line per response (a
 * dump of its tree, value by value), the sink's events, and the error or
 * pending byte count at the end.  Every run also checks that the
 * responses' raw bytes are the input.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"
#include "util/err.h"

Suite *parser_suite(void);

/* ------------------------------------------------------------------ */
/* dumping trees */

/* Printable ASCII as is (backslash too, to keep expectations readable),
 * CR and LF as \r \n, other bytes as \xHH. */
static void esc(struct buf *b, const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c >= 0x20 && c < 0x7f)
			buf_addch(b, c);
		else
			buf_addf(b, "\\x%02x", c);
	}
}

static void dump_value(struct buf *b, const struct imap_value *v);

static void dump_items(struct buf *b, const struct imap_value *list)
{
	size_t i;
	for (i = 0; i < list->count; i++) {
		if (i)
			buf_addch(b, ' ');
		dump_value(b, &list->items[i]);
	}
}

static void dump_value(struct buf *b, const struct imap_value *v)
{
	switch (v->type) {
	case IMAP_VALUE_ATOM:
		ck_assert_ptr_nonnull(v->str);
		ck_assert_int_eq(v->str[v->len], '\0');
		esc(b, v->str, v->len);
		break;
	case IMAP_VALUE_NUMBER:
		ck_assert_ptr_nonnull(v->str);
		ck_assert_int_eq(v->str[v->len], '\0');
		ck_assert_uint_eq(strtoull(v->str, NULL, 10), v->num);
		buf_addf(b, "#%" PRIu64, v->num);
		break;
	case IMAP_VALUE_QUOTED:
		ck_assert_ptr_nonnull(v->str);
		ck_assert_int_eq(v->str[v->len], '\0');
		buf_addch(b, '"');
		esc(b, v->str, v->len);
		buf_addch(b, '"');
		break;
	case IMAP_VALUE_LITERAL:
		buf_addf(b, "%s{%" PRIu64 "}", v->literal8 ? "~" : "", v->literal_size);
		if (v->sunk) {
			ck_assert_ptr_null(v->str);
			buf_adds(b, "<sunk>");
		} else {
			ck_assert_ptr_nonnull(v->str);
			ck_assert_uint_eq(v->len, v->literal_size);
			ck_assert_int_eq(v->str[v->len], '\0');
			buf_addch(b, '"');
			esc(b, v->str, v->len);
			buf_addch(b, '"');
		}
		break;
	case IMAP_VALUE_LIST:
		buf_addch(b, '(');
		dump_items(b, v);
		buf_addch(b, ')');
		break;
	case IMAP_VALUE_NIL:
		buf_adds(b, "NIL");
		break;
	}
}

static void dump_response(struct buf *b, const struct imap_response *r)
{
	ck_assert_ptr_nonnull(r->tag);
	ck_assert_ptr_nonnull(r->name);
	ck_assert_ptr_nonnull(r->text);
	ck_assert_int_eq(r->data.type, IMAP_VALUE_LIST);
	ck_assert_int_eq(r->code_args.type, IMAP_VALUE_LIST);
	switch (r->kind) {
	case IMAP_RESP_TAGGED:
		buf_addf(b, "T:%s ", r->tag);
		break;
	case IMAP_RESP_UNTAGGED:
		ck_assert_str_eq(r->tag, "*");
		buf_adds(b, "* ");
		break;
	case IMAP_RESP_CONTINUATION:
		ck_assert_str_eq(r->tag, "+");
		ck_assert_str_eq(r->name, "+");
		buf_adds(b, "+");
		break;
	}
	if (r->has_number)
		buf_addf(b, "%" PRIu64 " ", r->number);
	if (r->kind != IMAP_RESP_CONTINUATION)
		buf_adds(b, r->name);
	if (r->status != IMAP_STATUS_NONE) {
		ck_assert_str_eq(imap_status_name(r->status), r->name);
		buf_addf(b, " st=%s", imap_status_name(r->status));
	}
	if (r->code_name) {
		ck_assert_ptr_nonnull(r->code_raw);
		buf_addf(b, " code=[%s", r->code_name);
		if (r->code_args.count)
			buf_addch(b, ' ');
		dump_items(b, &r->code_args);
		buf_adds(b, "] raw=\"");
		esc(b, r->code_raw, strlen(r->code_raw));
		buf_addch(b, '"');
	} else {
		ck_assert_ptr_null(r->code_raw);
		ck_assert_uint_eq(r->code_args.count, 0);
	}
	if (r->status != IMAP_STATUS_NONE || r->kind == IMAP_RESP_CONTINUATION) {
		buf_adds(b, " text=\"");
		esc(b, r->text, r->text_len);
		buf_addch(b, '"');
	} else {
		ck_assert_uint_eq(r->text_len, 0);
	}
	buf_adds(b, " data=");
	dump_value(b, &r->data);
	ck_assert_int_eq(r->raw[r->raw_len], '\0');
}

/* ------------------------------------------------------------------ */
/* a recording literal sink */

struct tsink {
	struct buf *out;        /* transcript of the run */
	uint64_t threshold;
	bool refuse;            /* begin() returns NULL */
	size_t fail_data_at;    /* data() fails once this many bytes arrived (0: never) */
	bool fail_end;
	struct buf data;
	size_t chunks;
	int begun, ended, aborted;
};

static void *ts_begin(void *ctx, const struct imap_literal_info *info)
{
	struct tsink *ts = ctx;
	if (ts->refuse)
		return NULL;
	ts->begun++;
	buf_addf(ts->out, "sink begin size=%" PRIu64 "%s name=%s num=%s%" PRIu64 " key=",
		 info->size, info->literal8 ? " lit8" : "", info->resp_name,
		 info->has_number ? "" : "-", info->has_number ? info->number : 0);
	esc(ts->out, info->key, strlen(info->key));
	buf_addch(ts->out, '\n');
	buf_reset(&ts->data);
	return ts;
}

static int ts_data(void *ctx, void *h, const char *data, size_t len, struct imap_err *err)
{
	struct tsink *ts = ctx;
	ck_assert_ptr_eq(h, ts);
	ck_assert_uint_gt(len, 0);
	buf_add(&ts->data, data, len);
	ts->chunks++;
	if (ts->fail_data_at && ts->data.len >= ts->fail_data_at)
		return err_set(err, IMAP_ERR_ERROR, "cannot write the literal: disk full");
	return 0;
}

static int ts_end(void *ctx, void *h, struct imap_err *err)
{
	struct tsink *ts = ctx;
	ck_assert_ptr_eq(h, ts);
	ts->ended++;
	buf_adds(ts->out, "sink end \"");
	esc(ts->out, ts->data.buf, ts->data.len);
	buf_adds(ts->out, "\"\n");
	if (ts->fail_end)
		return err_set(err, IMAP_ERR_ERROR, "cannot close the literal file");
	return 0;
}

static void ts_abort(void *ctx, void *h)
{
	struct tsink *ts = ctx;
	ck_assert_ptr_eq(h, ts);
	ts->aborted++;
	buf_adds(ts->out, "sink abort\n");
}

static void ts_install(struct imap_parser *p, struct tsink *ts)
{
	struct imap_literal_sink s = { ts_begin, ts_data, ts_end, ts_abort, ts, ts->threshold };
	imap_parser_set_sink(p, &s);
}

/* ------------------------------------------------------------------ */
/* running the parser */

struct opts {
	const struct imap_parser_limits *lim;
	const struct tsink *sink; /* template, copied per run */
};

#define WHOLE ((size_t)0)
#define BYTES ((size_t)-1)

/* How run() gives the parser its input.  space false: imap_parser_feed()
 * with split (WHOLE, BYTES, or an index where the input is cut in two).
 * space true: pieces of at most piece bytes written into
 * imap_parser_feed_space(p, want, ..) (piece BIG: as much as the room
 * takes), each after an empty commit if empty_first, every other piece
 * through imap_parser_feed() instead if mixed. */
struct feeding {
	bool space;
	size_t split;
	size_t piece, want;
	bool empty_first, mixed;
};

#define BIG ((size_t)-1)

/* Pulls responses into out; 0 need more, -1 error (written to out). */
static int drain(struct imap_parser *p, struct buf *out, struct buf *raw)
{
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	int rc;

	while ((rc = imap_parser_next(p, &r, &err)) == 1) {
		ck_assert_ptr_nonnull(r);
		dump_response(out, r);
		buf_addch(out, '\n');
		buf_add(raw, r->raw, r->raw_len);
		imap_response_free(r);
	}
	if (rc < 0) {
		struct imap_err again = IMAP_ERR_INIT;
		ck_assert_ptr_null(r);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		buf_addf(out, "ERROR %s\n", err.msg);
		/* the error sticks */
		ck_assert_int_eq(imap_parser_next(p, &r, &again), -1);
		ck_assert_str_eq(again.msg, err.msg);
		return -1;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_null(r);
	return 0;
}

/* One piece of input through feed_space()/commit(): returns how many
 * bytes of the len offered were taken (at least 1 when want >= 1). */
static size_t space_piece(struct imap_parser *p, const char *in, size_t len, const struct feeding *f)
{
	size_t room, n;
	char *sp;

	if (f->empty_first) {
		sp = imap_parser_feed_space(p, f->want, &room);
		ck_assert_ptr_nonnull(sp);
		ck_assert_uint_ge(room, f->want);
		imap_parser_feed_commit(p, 0);
	}
	sp = imap_parser_feed_space(p, f->want, &room);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_ge(room, f->want);
	n = len < f->piece ? len : f->piece;
	if (n > room)
		n = room;
	memcpy(sp, in, n);
	imap_parser_feed_commit(p, n);
	return n;
}

static char *run_feeding(const char *in, size_t len, const struct feeding *f, const struct opts *o)
{
	struct imap_parser *p = imap_parser_new(o ? o->lim : NULL);
	struct buf out = BUF_INIT, raw = BUF_INIT;
	struct tsink ts;
	size_t pos = 0, step, pieces = 0;
	int rc = 0;

	memset(&ts, 0, sizeof(ts));
	if (o && o->sink) {
		ts = *o->sink;
		ts.out = &out;
		buf_init(&ts.data, 0);
		ts_install(p, &ts);
	}
	while (pos < len && rc == 0) {
		if (f->space && !(f->mixed && pieces++ % 2)) {
			step = space_piece(p, in + pos, len - pos, f);
			ck_assert_uint_gt(step, 0);
		} else {
			if (f->space)
				step = f->piece < len - pos ? f->piece : len - pos;
			else if (f->split == WHOLE)
				step = len;
			else if (f->split == BYTES)
				step = 1;
			else
				step = pos < f->split ? f->split : len - pos;
			imap_parser_feed(p, in + pos, step);
		}
		pos += step;
		rc = drain(p, &out, &raw);
	}
	if (rc == 0) {
		size_t pending = imap_parser_pending(p);
		if (pending)
			buf_addf(&out, "PENDING %zu\n", pending);
		if (!(o && o->sink && ts.begun)) {
			/* raw of the responses + pending bytes = the input */
			ck_assert_uint_eq(raw.len + pending, len);
			ck_assert_msg(memcmp(raw.buf, in, raw.len) == 0, "raw bytes differ from the input");
		}
	}
	imap_parser_free(p);
	if (o && o->sink) {
		ck_assert_int_eq(ts.begun, ts.ended + ts.aborted);
		buf_release(&ts.data);
	}
	buf_release(&raw);
	return buf_detach(&out, NULL);
}

static char *run(const char *in, size_t len, size_t split, const struct opts *o)
{
	struct feeding f = { .split = split };
	return run_feeding(in, len, &f, o);
}

/* The ways of writing into feed_space() every expect() tries. */
static const struct feeding space_feedings[] = {
	{ .space = true, .piece = 1, .want = 1 },
	{ .space = true, .piece = 7, .want = 7 },
	{ .space = true, .piece = 7, .want = 1, .empty_first = true }, /* more than asked for */
	{ .space = true, .piece = 5, .want = 5, .mixed = true },
	{ .space = true, .piece = BIG, .want = 4096 },
	{ .space = true, .piece = BIG, .want = 65536 },
};

static void expect_opts(const char *in, size_t len, const struct opts *o, const char *expected)
{
	char *got = run(in, len, WHOLE, o);
	size_t i;

	ck_assert_msg(strcmp(got, expected) == 0, "fed whole:\n got: %s\nwant: %s", got, expected);
	free(got);
	got = run(in, len, BYTES, o);
	ck_assert_msg(strcmp(got, expected) == 0, "fed byte by byte:\n got: %s\nwant: %s", got, expected);
	free(got);
	for (i = 1; i < len; i++) {
		got = run(in, len, i, o);
		ck_assert_msg(strcmp(got, expected) == 0, "split at %zu:\n got: %s\nwant: %s",
			      i, got, expected);
		free(got);
	}
	for (i = 0; i < sizeof(space_feedings) / sizeof(space_feedings[0]); i++) {
		const struct feeding *f = &space_feedings[i];
		got = run_feeding(in, len, f, o);
		ck_assert_msg(strcmp(got, expected) == 0,
			      "written into feed_space(%zu) %zu bytes at a time%s%s:\n got: %s\nwant: %s",
			      f->want, f->piece, f->mixed ? ", mixed with feed()" : "",
			      f->empty_first ? ", empty commits" : "", got, expected);
		free(got);
	}
}

static void expect_n(const char *in, size_t len, const char *expected)
{
	expect_opts(in, len, NULL, expected);
}

#define EXPECT(in, expected) expect_n((in), strlen(in), (expected))
/* for inputs holding NUL bytes: in must be a string literal */
#define EXPECT_BIN(in, expected) expect_n((in), sizeof(in) - 1, (expected))

/* Parses one complete response fed whole; the caller frees it. */
static struct imap_response *parse_one(const char *in)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;

	imap_parser_feed(p, in, strlen(in));
	ck_assert_msg(imap_parser_next(p, &r, &err) == 1, "parse failed: %s", err.msg);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

/* ------------------------------------------------------------------ */
/* status responses and response codes */

START_TEST(test_tagged)
{
	EXPECT("A1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n",
	       "T:A1 OK st=OK code=[READ-WRITE] raw=\"READ-WRITE\" text=\"Select completed (0.001 + 0.000 secs).\" data=()\n");
	EXPECT("a7 ok done\r\n", "T:a7 OK st=OK text=\"done\" data=()\n");
	EXPECT("A8 OK\r\n", "T:A8 OK st=OK text=\"\" data=()\n");
	EXPECT("A6 BAD Command line too long\r\n", "T:A6 BAD st=BAD text=\"Command line too long\" data=()\n");
	EXPECT("A5 NO [UNKNOWN-CTE] Can't decode\r\n",
	       "T:A5 NO st=NO code=[UNKNOWN-CTE] raw=\"UNKNOWN-CTE\" text=\"Can't decode\" data=()\n");
	EXPECT("A3 OK [APPENDUID 38505 3955] APPEND completed\r\n",
	       "T:A3 OK st=OK code=[APPENDUID #38505 #3955] raw=\"APPENDUID 38505 3955\" text=\"APPEND completed\" data=()\n");
	EXPECT("A4 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n",
	       "T:A4 OK st=OK code=[COPYUID #38505 304,319:320 3956:3958] raw=\"COPYUID 38505 304,319:320 3956:3958\" text=\"Done\" data=()\n");
	EXPECT("A2 NO [BADCHARSET (US-ASCII \"UTF-8\")] Unsupported charset\r\n",
	       "T:A2 NO st=NO code=[BADCHARSET (US-ASCII \"UTF-8\")] raw=\"BADCHARSET (US-ASCII \"UTF-8\")\" text=\"Unsupported charset\" data=()\n");
	EXPECT("A9 NO [TRYCREATE] Mailbox doesn't exist: x\r\n",
	       "T:A9 NO st=NO code=[TRYCREATE] raw=\"TRYCREATE\" text=\"Mailbox doesn't exist: x\" data=()\n");
	/* tags are whatever the server echoes */
	EXPECT("imapsh.12 OK x\r\n", "T:imapsh.12 OK st=OK text=\"x\" data=()\n");
}
END_TEST

START_TEST(test_untagged_status)
{
	EXPECT("* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n",
	       "* OK st=OK code=[CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN]"
	       " raw=\"CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN\""
	       " text=\"Dovecot ready.\" data=()\n");
	EXPECT("* PREAUTH IMAP4rev2 server logged in as Smith\r\n",
	       "* PREAUTH st=PREAUTH text=\"IMAP4rev2 server logged in as Smith\" data=()\n");
	EXPECT("* BYE Autologout; idle for too long\r\n",
	       "* BYE st=BYE text=\"Autologout; idle for too long\" data=()\n");
	EXPECT("* BYE\r\n", "* BYE st=BYE text=\"\" data=()\n");
	EXPECT("* no [ALERT] Disk quota\r\n",
	       "* NO st=NO code=[ALERT] raw=\"ALERT\" text=\"Disk quota\" data=()\n");
	EXPECT("* BAD Invalid tag\r\n", "* BAD st=BAD text=\"Invalid tag\" data=()\n");
	EXPECT("* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n",
	       "* OK st=OK code=[PERMANENTFLAGS ()] raw=\"PERMANENTFLAGS ()\" text=\"No permanent flags permitted\" data=()\n");
	EXPECT("* OK [CLOSED]\r\n", "* OK st=OK code=[CLOSED] raw=\"CLOSED\" text=\"\" data=()\n");
	EXPECT("* OK [] empty code\r\n", "* OK st=OK code=[] raw=\"\" text=\"empty code\" data=()\n");
	/* text keeps anything: brackets, quotes, a literal-looking tail, 8-bit */
	EXPECT("* OK [ALERT] Text with [brackets], \"quotes and (parens {5}\r\n* NO caf\xc3\xa9 \\ ~{3}\r\n",
	       "* OK st=OK code=[ALERT] raw=\"ALERT\" text=\"Text with [brackets], \"quotes and (parens {5}\" data=()\n"
	       "* NO st=NO text=\"caf\\xc3\\xa9 \\ ~{3}\" data=()\n");
	/* Exchange: a bracket later in the text is no code */
	EXPECT("* OK The Microsoft Exchange IMAP4 service is ready. [TQBhAGkAbAA=]\r\n",
	       "* OK st=OK text=\"The Microsoft Exchange IMAP4 service is ready. [TQBhAGkAbAA=]\" data=()\n");
	/* no space around the code */
	EXPECT("* OK[ALERT]tight\r\n", "* OK st=OK code=[ALERT] raw=\"ALERT\" text=\"tight\" data=()\n");
	EXPECT("* OK [X-NAME a[1] (b c)] t\r\n",
	       "* OK st=OK code=[X-NAME a[1] (b c)] raw=\"X-NAME a[1] (b c)\" text=\"t\" data=()\n");
	EXPECT("* OK [METADATA LONGENTRIES 2199]  two spaces\r\n",
	       "* OK st=OK code=[METADATA LONGENTRIES #2199] raw=\"METADATA LONGENTRIES 2199\" text=\" two spaces\" data=()\n");
}
END_TEST

START_TEST(test_select_sequence)
{
	/* a whole Dovecot SELECT, pipelined in one feed */
	EXPECT("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
	       "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n"
	       "* 172 EXISTS\r\n"
	       "* 1 RECENT\r\n"
	       "* OK [UNSEEN 12] Message 12 is first unseen\r\n"
	       "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
	       "* OK [UIDNEXT 4392] Predicted next UID\r\n"
	       "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
	       "A142 OK [READ-WRITE] SELECT completed\r\n",
	       "* FLAGS data=((\\Answered \\Flagged \\Deleted \\Seen \\Draft))\n"
	       "* OK st=OK code=[PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)]"
	       " raw=\"PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)\" text=\"Flags permitted.\" data=()\n"
	       "* 172 EXISTS data=()\n"
	       "* 1 RECENT data=()\n"
	       "* OK st=OK code=[UNSEEN #12] raw=\"UNSEEN 12\" text=\"Message 12 is first unseen\" data=()\n"
	       "* OK st=OK code=[UIDVALIDITY #3857529045] raw=\"UIDVALIDITY 3857529045\" text=\"UIDs valid\" data=()\n"
	       "* OK st=OK code=[UIDNEXT #4392] raw=\"UIDNEXT 4392\" text=\"Predicted next UID\" data=()\n"
	       "* OK st=OK code=[HIGHESTMODSEQ #715194045007] raw=\"HIGHESTMODSEQ 715194045007\" text=\"Highest\" data=()\n"
	       "T:A142 OK st=OK code=[READ-WRITE] raw=\"READ-WRITE\" text=\"SELECT completed\" data=()\n");
}
END_TEST

START_TEST(test_code_fallback)
{
	/* codes that do not parse as values: up to the first ']', atoms */
	EXPECT("* OK [BADCHARSET (US-ASCII] broken\r\n",
	       "* OK st=OK code=[BADCHARSET (US-ASCII] raw=\"BADCHARSET (US-ASCII\" text=\"broken\" data=()\n");
	EXPECT("* NO [ALERT \"unterminated] text \"x\r\n",
	       "* NO st=NO code=[ALERT \"unterminated] raw=\"ALERT \"unterminated\" text=\"text \"x\" data=()\n");
	EXPECT("* OK [X {5}] no literals in codes\r\n",
	       "* OK st=OK code=[X {5}] raw=\"X {5}\" text=\"no literals in codes\" data=()\n");
	EXPECT("* OK [X a) b] t\r\n", "* OK st=OK code=[X a) b] raw=\"X a) b\" text=\"t\" data=()\n");
	/* no ']' at all: no code, all text */
	EXPECT("* OK [ALERT no close bracket\r\n",
	       "* OK st=OK text=\"[ALERT no close bracket\" data=()\n");
	EXPECT("* OK [ALERT\r\n", "* OK st=OK text=\"[ALERT\" data=()\n");
}
END_TEST

START_TEST(test_continuation)
{
	EXPECT("+ Ready for literal data\r\n", "+ text=\"Ready for literal data\" data=()\n");
	EXPECT("+\r\n", "+ text=\"\" data=()\n");
	EXPECT("+ \r\n", "+ text=\"\" data=()\n");
	EXPECT("+YmFzZTY0\r\n", "+ text=\"YmFzZTY0\" data=()\n");
	EXPECT("+ idling\n", "+ text=\"idling\" data=()\n");
	EXPECT("+ [ALERT] hi\r\n", "+ code=[ALERT] raw=\"ALERT\" text=\"hi\" data=()\n");
	EXPECT("+ dXNlcm5hbWU6 {5}\r\n", "+ text=\"dXNlcm5hbWU6 {5}\" data=()\n");
}
END_TEST

/* ------------------------------------------------------------------ */
/* data responses */

START_TEST(test_data_responses)
{
	EXPECT("* 23 EXISTS\r\n* 5 RECENT\r\n* 3 EXPUNGE\r\n",
	       "* 23 EXISTS data=()\n* 5 RECENT data=()\n* 3 EXPUNGE data=()\n");
	EXPECT("* CAPABILITY IMAP4rev1 LITERAL+ AUTH=PLAIN\r\n",
	       "* CAPABILITY data=(IMAP4rev1 LITERAL+ AUTH=PLAIN)\n");
	EXPECT("* LIST (\\HasNoChildren) \".\" INBOX\r\n",
	       "* LIST data=((\\HasNoChildren) \".\" INBOX)\n");
	EXPECT("* LIST (\\Noselect \\HasChildren) \"/\" \"[Gmail]\"\r\n",
	       "* LIST data=((\\Noselect \\HasChildren) \"/\" \"[Gmail]\")\n");
	EXPECT("* LIST () \"\\\\\" Foo\r\n", "* LIST data=(() \"\\\" Foo)\n");
	EXPECT("* LIST (\\Noselect) NIL \"\"\r\n", "* LIST data=((\\Noselect) NIL \"\")\n");
	EXPECT("* LSUB () \"/\" ~/Mail/foo\r\n", "* LSUB data=(() \"/\" ~/Mail/foo)\n");
	EXPECT("* LIST () \"/\" foo]bar\r\n", "* LIST data=(() \"/\" foo]bar)\n");
	EXPECT("* STATUS \"x y\" (MESSAGES 3 UIDNEXT 44292)\r\n",
	       "* STATUS data=(\"x y\" (MESSAGES #3 UIDNEXT #44292))\n");
	EXPECT("* SEARCH 2 84 882\r\n", "* SEARCH data=(#2 #84 #882)\n");
	EXPECT("* SEARCH\r\n", "* SEARCH data=()\n");
	EXPECT("* ESEARCH (TAG \"A1\") UID ALL 1:3\r\n",
	       "* ESEARCH data=((TAG \"A1\") UID ALL 1:3)\n");
	EXPECT("* ENABLED CONDSTORE QRESYNC\r\n", "* ENABLED data=(CONDSTORE QRESYNC)\n");
	EXPECT("* NAMESPACE ((\"\" \".\")) NIL NIL\r\n", "* NAMESPACE data=(((\"\" \".\")) NIL NIL)\n");
	EXPECT("* QUOTA \"\" (STORAGE 10 512)\r\n", "* QUOTA data=(\"\" (STORAGE #10 #512))\n");
	EXPECT("* QUOTAROOT INBOX \"\"\r\n", "* QUOTAROOT data=(INBOX \"\")\n");
	EXPECT("* ACL INBOX alice lrswipkxtecda\r\n", "* ACL data=(INBOX alice lrswipkxtecda)\n");
	EXPECT("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n",
	       "* THREAD data=((#2) (#3 #6 (#4 #23) (#44 #7 #96)))\n");
	EXPECT("* SORT 2 3 6\r\n", "* SORT data=(#2 #3 #6)\n");
	EXPECT("* ID (\"name\" \"Dovecot\")\r\n", "* ID data=((\"name\" \"Dovecot\"))\n");
	EXPECT("* ID NIL\r\n", "* ID data=(NIL)\n");
	EXPECT("* METADATA INBOX (/private/comment {12}\r\nMy comment\r\n)\r\n",
	       "* METADATA data=(INBOX (/private/comment {12}\"My comment\\r\\n\"))\n");
	EXPECT("* METADATA INBOX /shared/comment\r\n", "* METADATA data=(INBOX /shared/comment)\n");
	EXPECT("* VANISHED (EARLIER) 1:3,5\r\n", "* VANISHED data=((EARLIER) 1:3,5)\n");
	EXPECT("* 1 fetch (uid 2)\r\n", "* 1 FETCH data=((uid #2))\n");
	EXPECT("* FLAGS(\\Seen)\r\n", "* FLAGS data=((\\Seen))\n");
}
END_TEST

START_TEST(test_fetch)
{
	/* RFC 9051 sec. 7.5.2 (ENVELOPE and BODY) */
	EXPECT("* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 "
	       "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" "
	       "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
	       "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) "
	       "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
	       "\"<B27397-0100000@cac.washington.edu>\") "
	       "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
	       "* 12 FETCH data=((FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE #4286 "
	       "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev2 WG mtg summary and minutes\" "
	       "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
	       "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) "
	       "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
	       "\"<B27397-0100000@cac.washington.edu>\") "
	       "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" #3028 #92)))\n");
	EXPECT("* 2 FETCH (UID 7 BODY[] {12}\r\nHello\r\nWorld FLAGS (\\Seen))\r\n",
	       "* 2 FETCH data=((UID #7 BODY[] {12}\"Hello\\r\\nWorld\" FLAGS (\\Seen)))\n");
	EXPECT("* 3 FETCH (BODY[HEADER.FIELDS (FROM TO)]<0> {20}\r\nFrom: a@b\r\nTo: c@d\r\n UID 9)\r\n",
	       "* 3 FETCH data=((BODY[HEADER.FIELDS (FROM TO)]<0> {20}\"From: a@b\\r\\nTo: c@d\\r\\n\" UID #9))\n");
	/* a key glued to its literal */
	EXPECT("* 4 FETCH (BODY[]{2}\r\nhi)\r\n", "* 4 FETCH data=((BODY[] {2}\"hi\"))\n");
	EXPECT("* 5 FETCH (BODY[1] NIL BODY[2] {0}\r\n)\r\n",
	       "* 5 FETCH data=((BODY[1] NIL BODY[2] {0}\"\"))\n");
	/* Gmail extensions */
	EXPECT("* 6 FETCH (X-GM-THRID 1278455344230334865 X-GM-LABELS (\\Inbox \"\\\\Important\" foo) MODSEQ (12345))\r\n",
	       "* 6 FETCH data=((X-GM-THRID #1278455344230334865 X-GM-LABELS (\\Inbox \"\\Important\" foo) MODSEQ (#12345)))\n");
	/* literal8 (RFC 3516) */
	EXPECT_BIN("* 7 FETCH (BINARY[1] ~{3}\r\n\x00\x01\x02)\r\n",
		   "* 7 FETCH data=((BINARY[1] ~{3}\"\\x00\\x01\\x02\"))\n");
	/* NUL bytes in a plain literal */
	EXPECT_BIN("* 8 FETCH (BODY[] {5}\r\na\0b\0c)\r\n", "* 8 FETCH data=((BODY[] {5}\"a\\x00b\\x00c\"))\n");
	/* literal data that looks like responses */
	EXPECT("* 9 FETCH (BODY[] {24}\r\n)\r\nA1 OK done\r\n* BYE x\r\n)\r\n",
	       "* 9 FETCH data=((BODY[] {24}\")\\r\\nA1 OK done\\r\\n* BYE x\\r\\n\"))\n");
}
END_TEST

START_TEST(test_values)
{
	EXPECT("* X nil Nil NIL \"NIL\" NILS\r\n", "* X data=(NIL NIL NIL \"NIL\" NILS)\n");
	EXPECT("* SEARCH 18446744073709551615 18446744073709551616 0 12a\r\n",
	       "* SEARCH data=(#18446744073709551615 18446744073709551616 #0 12a)\n");
	EXPECT("* X \"a\\\"b\\\\c\" \"\" \"caf\xc3\xa9\" \"back\\slash\"\r\n",
	       "* X data=(\"a\"b\\c\" \"\" \"caf\\xc3\\xa9\" \"back\\slash\")\n");
	/* values glued together, extra and trailing spaces */
	EXPECT("* X a\"b\"(c){1}\r\nd e\r\n", "* X data=(a \"b\" (c) {1}\"d\" e)\n");
	EXPECT("* SEARCH  1   2 \r\n", "* SEARCH data=(#1 #2)\n");
	EXPECT("* X ~ {1}\r\na ~foo\r\n", "* X data=(~ {1}\"a\" ~foo)\n");
	EXPECT("* X () (()) ((a) b)\r\n", "* X data=(() (()) ((a) b))\n");
	/* an unclosed '[' in an atom ends with the line */
	EXPECT("* X BODY[foo (bar\r\n* 1 EXISTS\r\n", "* X data=(BODY[foo (bar)\n* 1 EXISTS data=()\n");
	EXPECT("* X a[[b] c]d e\r\n", "* X data=(a[[b] c]d e)\n");
	/* header-fld-name is an astring: a literal inside the brackets */
	EXPECT("* 1 FETCH (BODY[HEADER.FIELDS ({4}\r\nFROM)] {5}\r\nhello)\r\n",
	       "* 1 FETCH data=((BODY[HEADER.FIELDS ({4}\\r\\nFROM)] {5}\"hello\"))\n");
	EXPECT("* 1 FETCH (BODY[HEADER.FIELDS ({2}\r\nTO)]{0}\r\n)\r\n",
	       "* 1 FETCH data=((BODY[HEADER.FIELDS ({2}\\r\\nTO)] {0}\"\"))\n");
	EXPECT("* 1 FETCH (BODY[HEADER.FIELDS ({4+}\r\nFROM)])\r\n",
	       "ERROR non-synchronizing literal {4+} from the server at byte 34 of the response"
	       " \"* 1 FETCH (BODY[HEADER.FIELDS ({4+\"\n");
	EXPECT("* X [{x}\r\n", "* X data=([{x})\n");
	EXPECT("* X [{123456789012345678901}\r\n",
	       "ERROR literal size 123456789012345678901 is out of range (0 to 9223372036854775807)"
	       " at byte 29 of the response \"* X [{123456789012345678901}\"\n");
	/* 8-bit and control bytes in atoms are kept */
	EXPECT("* X \xff\x01z\r\n", "* X data=(\\xff\\x01z)\n");
}
END_TEST

/* Token strings end where their delimiter was, whatever the delimiter
 * and however the line arrives (whole lines take another path than
 * split ones). */
START_TEST(test_token_ends)
{
	EXPECT("* X a\"b\\\"c\"(d)e\"\"f {1}\r\ng h\r\n",
	       "* X data=(a \"b\"c\" (d) e \"\" f {1}\"g\" h)\n");
	EXPECT("* X \"x\"y \"a\\\\b\"z (NIL)NIL{0}\r\n\r\n",
	       "* X data=(\"x\" y \"a\\b\" z (NIL) NIL {0}\"\")\n");
	EXPECT("* 1 FETCH (UID 5 X-K \"v\") \r\nA1 OK [UIDNEXT 12] ok\r\n",
	       "* 1 FETCH data=((UID #5 X-K \"v\"))\n"
	       "T:A1 OK st=OK code=[UIDNEXT #12] raw=\"UIDNEXT 12\" text=\"ok\" data=()\n");
}
END_TEST

/* Digits only: a NUMBER while the value fits in 64 bits, leading zeros
 * or not; an ATOM beyond. */
START_TEST(test_number_edges)
{
	EXPECT("* SEARCH 9999999999999999999 99999999999999999999 0000000000000000000000000000042\r\n",
	       "* SEARCH data=(#9999999999999999999 99999999999999999999 #42)\n");
	EXPECT("* SEARCH 000000000000018446744073709551615 18446744073709551615x 1844674407370955161a\r\n",
	       "* SEARCH data=(#18446744073709551615 18446744073709551615x 1844674407370955161a)\n");
	EXPECT("* 000000000000000000000007 EXISTS\r\n", "* 7 EXISTS data=()\n");
	EXPECT("* 18446744073709551616 EXISTS\r\n",
	       "ERROR number does not fit in 64 bits at byte 23 of the response \"* 18446744073709551616 \"\n");
}
END_TEST

START_TEST(test_value_by_value)
{
	struct imap_response *r = parse_one(
		"* 12 FETCH (UID 4827313 BODY[] {5}\r\nhello ENVELOPE (\"date\" \"subj\" "
		"((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL) FLAGS (\\Seen $Junk) X 007)\r\n");
	const struct imap_value *msg, *v, *env, *addr;

	ck_assert_int_eq(r->kind, IMAP_RESP_UNTAGGED);
	ck_assert_int_eq(r->status, IMAP_STATUS_NONE);
	ck_assert(r->has_number);
	ck_assert_uint_eq(r->number, 12);
	ck_assert_str_eq(r->name, "FETCH");
	ck_assert_ptr_null(r->code_name);
	ck_assert_str_eq(r->text, "");
	ck_assert_uint_eq(r->data.count, 1);
	msg = &r->data.items[0];
	ck_assert_int_eq(msg->type, IMAP_VALUE_LIST);
	ck_assert_uint_eq(msg->count, 10);

	v = imap_value_lookup(msg, "uid");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, IMAP_VALUE_NUMBER);
	ck_assert_uint_eq(v->num, 4827313);
	ck_assert_str_eq(v->str, "4827313");

	v = imap_value_lookup(msg, "BODY[]");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, IMAP_VALUE_LITERAL);
	ck_assert_uint_eq(v->literal_size, 5);
	ck_assert_uint_eq(v->len, 5);
	ck_assert_str_eq(v->str, "hello");
	ck_assert(!v->sunk);
	ck_assert(!v->literal8);

	env = imap_value_lookup(msg, "Envelope");
	ck_assert_ptr_nonnull(env);
	ck_assert_int_eq(env->type, IMAP_VALUE_LIST);
	ck_assert_uint_eq(env->count, 4);
	ck_assert_int_eq(env->items[1].type, IMAP_VALUE_QUOTED);
	ck_assert_str_eq(env->items[1].str, "subj");
	ck_assert_int_eq(env->items[3].type, IMAP_VALUE_NIL);
	ck_assert_ptr_null(env->items[3].str);
	addr = &env->items[2].items[0];
	ck_assert_uint_eq(addr->count, 4);
	ck_assert_str_eq(addr->items[0].str, "Terry Gray");
	ck_assert_int_eq(addr->items[1].type, IMAP_VALUE_NIL);
	ck_assert_str_eq(addr->items[3].str, "cac.washington.edu");

	v = imap_value_lookup(msg, "FLAGS");
	ck_assert_uint_eq(v->count, 2);
	ck_assert_int_eq(v->items[0].type, IMAP_VALUE_ATOM);
	ck_assert_str_eq(v->items[0].str, "\\Seen");
	ck_assert_str_eq(v->items[1].str, "$Junk");

	v = imap_value_lookup(msg, "X");
	ck_assert_int_eq(v->type, IMAP_VALUE_NUMBER);
	ck_assert_str_eq(v->str, "007");
	ck_assert_uint_eq(v->num, 7);

	/* keys only at even places: a value equal to a key is no key */
	ck_assert_ptr_null(imap_value_lookup(msg, "4827313"));
	ck_assert_ptr_null(imap_value_lookup(msg, "hello"));
	ck_assert_ptr_null(imap_value_lookup(msg, "RFC822"));
	ck_assert_ptr_null(imap_value_lookup(&r->data.items[0].items[0], "UID"));
	ck_assert_ptr_null(imap_value_lookup(NULL, "UID"));

	ck_assert_str_eq(r->raw, "* 12 FETCH (UID 4827313 BODY[] {5}\r\nhello ENVELOPE (\"date\" \"subj\" "
			 "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL) FLAGS (\\Seen $Junk) X 007)\r\n");
	imap_response_free(r);

	r = parse_one("A1 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
	ck_assert_int_eq(r->kind, IMAP_RESP_TAGGED);
	ck_assert_str_eq(r->tag, "A1");
	ck_assert_int_eq(r->status, IMAP_STATUS_OK);
	ck_assert_str_eq(r->code_name, "COPYUID");
	ck_assert_str_eq(r->code_raw, "COPYUID 38505 304,319:320 3956:3958");
	ck_assert_uint_eq(r->code_args.count, 3);
	ck_assert_int_eq(r->code_args.items[0].type, IMAP_VALUE_NUMBER);
	ck_assert_uint_eq(r->code_args.items[0].num, 38505);
	ck_assert_int_eq(r->code_args.items[1].type, IMAP_VALUE_ATOM);
	ck_assert_str_eq(r->code_args.items[1].str, "304,319:320");
	ck_assert_str_eq(r->text, "Done");
	ck_assert_uint_eq(r->text_len, 4);
	ck_assert_uint_eq(r->data.count, 0);
	imap_response_free(r);

	r = parse_one("* 4294967296 EXISTS\r\n");
	ck_assert(r->has_number);
	ck_assert_uint_eq(r->number, 4294967296ULL);
	imap_response_free(r);
}
END_TEST

START_TEST(test_line_ends)
{
	/* bare LF is accepted as a line end, also after a literal header */
	EXPECT("* 1 EXISTS\n* 2 FETCH (BODY[] {3}\nabc)\nA1 OK done\n",
	       "* 1 EXISTS data=()\n* 2 FETCH data=((BODY[] {3}\"abc\"))\nT:A1 OK st=OK text=\"done\" data=()\n");
	EXPECT("+\n", "+ text=\"\" data=()\n");
}
END_TEST

START_TEST(test_pipelined_and_pending)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	const char *in = "* 1 EXISTS\r\n+ go\r\nA1 OK done\r\n* 2 FETCH (UID";

	ck_assert_uint_eq(imap_parser_pending(p), 0);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	imap_parser_feed(p, in, strlen(in));
	ck_assert_uint_eq(imap_parser_pending(p), strlen(in));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_str_eq(r->name, "EXISTS");
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), strlen(in) - 12);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_int_eq(r->kind, IMAP_RESP_CONTINUATION);
	ck_assert_str_eq(r->text, "go");
	imap_response_free(r);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_int_eq(r->kind, IMAP_RESP_TAGGED);
	imap_response_free(r);
	/* after the tagged OK only the start of the FETCH is left */
	ck_assert_uint_eq(imap_parser_pending(p), strlen("* 2 FETCH (UID"));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(imap_parser_pending(p), strlen("* 2 FETCH (UID"));
	imap_parser_feed(p, " 3)\r\n", 5);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_str_eq(r->raw, "* 2 FETCH (UID 3)\r\n");
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);

	/* STARTTLS injection: the OK and more bytes in one read */
	imap_parser_feed(p, "A2 OK Begin TLS\r\n* OK injected\r\n", 33);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), 16);
	/* reset drops them */
	imap_parser_reset(p);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	imap_parser_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* errors */

START_TEST(test_syntax_errors)
{
	EXPECT("* 1 FETCH (UID 1))\r\n",
	       "ERROR unexpected ')' at byte 18 of the response \"* 1 FETCH (UID 1))\"\n");
	EXPECT("* 1 FETCH (UID 1 (a)\r\n",
	       "ERROR line ended inside 1 unclosed '(' at byte 21 of the response \"* 1 FETCH (UID 1 (a)\"\n");
	EXPECT("* OK a\rb\r\n", "ERROR CR not followed by LF at byte 7 of the response \"* OK a\"\n");
	EXPECT("* X (a\rb)\r\n", "ERROR CR not followed by LF at byte 7 of the response \"* X (a\"\n");
	EXPECT("* X \"a\r\nb\"\r\n",
	       "ERROR line break inside a quoted string at byte 7 of the response \"* X \"a\"\n");
	EXPECT("* X \"a\nb\"\r\n",
	       "ERROR line break inside a quoted string at byte 7 of the response \"* X \"a\"\n");
	EXPECT_BIN("* X \"a\0b\"\r\n",
		   "ERROR NUL byte inside a quoted string at byte 7 of the response \"* X \"a\\x00\"\n");
	EXPECT("* X \"a\\\r\n", "ERROR line break inside a quoted string at byte 8 of the response \"* X \"a\\\\\"\n");
	/* NUL outside a literal would cut C strings (tags, names) short */
	EXPECT_BIN("A1\0X OK done\r\n",
		   "ERROR NUL byte outside a literal at byte 3 of the response \"A1\\x00\"\n");
	EXPECT_BIN("* 1\0\0ETCH x\r\n",
		   "ERROR NUL byte outside a literal at byte 4 of the response \"* 1\\x00\"\n");
	EXPECT_BIN("* OK [ALERT\0evil] t\r\n",
		   "ERROR NUL byte outside a literal at byte 12 of the response \"* OK [ALERT\\x00\"\n");
	EXPECT_BIN("* OK te\0xt\r\n",
		   "ERROR NUL byte outside a literal at byte 8 of the response \"* OK te\\x00\"\n");
	EXPECT_BIN("* 1 FETCH (FLAGS (\\Se\0en))\r\n",
		   "ERROR NUL byte outside a literal at byte 22 of the response \"* 1 FETCH (FLAGS (\\\\Se\\x00\"\n");
	EXPECT("* X {5+}\r\nhello\r\n",
	       "ERROR non-synchronizing literal {5+} from the server at byte 7 of the response \"* X {5+\"\n");
	EXPECT("* X {5} \r\nhello\r\n",
	       "ERROR literal header {5} not followed by end of line at byte 8 of the response \"* X {5} \"\n");
	EXPECT("* X {5a}\r\n", "ERROR unexpected 'a' in a literal size at byte 7 of the response \"* X {5a\"\n");
	EXPECT("* X {}\r\n", "ERROR unexpected '}' in a literal size at byte 6 of the response \"* X {}\"\n");
	EXPECT("* X {5\r\n", "ERROR unexpected end of line in a literal size at byte 7 of the response \"* X {5\"\n");
	EXPECT("* X {99999999999999999999}\r\n",
	       "ERROR literal size 99999999999999999999 is out of range (0 to 9223372036854775807)"
	       " at byte 26 of the response \"* X {99999999999999999999}\"\n");
	EXPECT("* X ~{5+}\r\n",
	       "ERROR non-synchronizing literal {5+} from the server at byte 8 of the response \"* X ~{5+\"\n");
	EXPECT("\r\n", "ERROR empty line instead of a response at byte 1 of the response \"\"\n");
	EXPECT("\n", "ERROR empty line instead of a response at byte 1 of the response \"\"\n");
	EXPECT(" A1 OK\r\n", "ERROR response starts with a space at byte 1 of the response \" \"\n");
	EXPECT("A1\r\n", "ERROR tagged response without a status at byte 3 of the response \"A1\"\n");
	EXPECT("A1 \r\n", "ERROR tagged response without a status at byte 4 of the response \"A1 \"\n");
	EXPECT("A1 FOO bar\r\n",
	       "ERROR tagged response with status 'FOO' instead of OK, NO or BAD at byte 7 of the response \"A1 FOO \"\n");
	EXPECT("A1 BYE bar\r\n",
	       "ERROR tagged response with status 'BYE' instead of OK, NO or BAD at byte 7 of the response \"A1 BYE \"\n");
	EXPECT("*X\r\n", "ERROR expected a space after '*', found 'X' at byte 2 of the response \"*X\"\n");
	EXPECT("*\r\n", "ERROR untagged response without a name at byte 2 of the response \"*\"\n");
	EXPECT("* \r\n", "ERROR untagged response without a name at byte 3 of the response \"* \"\n");
	EXPECT("* (a)\r\n", "ERROR untagged response without a name at byte 3 of the response \"* (\"\n");
	EXPECT("* 23\r\n", "ERROR untagged response '* 23' without a name at byte 5 of the response \"* 23\"\n");
	EXPECT("* 23 \r\n", "ERROR untagged response '* 23' without a name at byte 6 of the response \"* 23 \"\n");
	EXPECT("* 23(a)\r\n", "ERROR unexpected '(' after a message number at byte 5 of the response \"* 23(\"\n");
	EXPECT("* 99999999999999999999 EXISTS\r\n",
	       "ERROR number does not fit in 64 bits at byte 23 of the response \"* 99999999999999999999 \"\n");
	/* responses before the error are delivered */
	EXPECT("* 1 EXISTS\r\n* 2 FETCH (UID 1))\r\n* 3 EXISTS\r\n",
	       "* 1 EXISTS data=()\n"
	       "ERROR unexpected ')' at byte 18 of the response \"* 2 FETCH (UID 1))\"\n");
	/* a long response shows the bytes just before the error */
	EXPECT("* SEARCH 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)\r\n",
	       "ERROR unexpected ')' at byte 75 of the response \"...4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)\"\n");
}
END_TEST

START_TEST(test_limits)
{
	struct imap_parser_limits lim = { 32, 3, 5, 10, 0 };
	struct opts o = { &lim, NULL };
	const char lit[] = "* 1 FETCH (BODY[] {40}\r\n0123456789012345678901234567890123456789)\r\n";

	expect_opts("* OK 1234567890123456789012345678\r\n", 35, &o,
		    "ERROR server response line longer than 32 bytes\n");
	expect_opts("* OK 12345678901234567890123456\r\n", 33, &o,
		    "ERROR server response line longer than 32 bytes\n");
	expect_opts("* OK 1234567890123456789012345\r\n", 32, &o,
		    "* OK st=OK text=\"1234567890123456789012345\" data=()\n");
	expect_opts("* X aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", 41, &o,
		    "ERROR server response line longer than 32 bytes\n");
	/* literal data does not count towards the line */
	lim.max_literal_mem = 1000;
	expect_opts(lit, sizeof(lit) - 1, &o,
		    "* 1 FETCH data=((BODY[] {40}\"0123456789012345678901234567890123456789\"))\n");

	lim.max_literal_mem = 10;
	expect_opts("* X (((a)))\r\n", 13, &o, "* X data=((((a))))\n");
	expect_opts("* X ((((a))))\r\n", 15, &o,
		    "ERROR server response nests parentheses deeper than 3 levels\n");
	expect_opts("* OK [X ((((a))))] t\r\n", 22, &o,
		    "* OK st=OK code=[X ((((a))))] raw=\"X ((((a))))\" text=\"t\" data=()\n");

	expect_opts("* X (1 2) 3 4\r\n", 15, &o, "* X data=((#1 #2) #3 #4)\n");
	expect_opts("* OK [X 1 2 3 4 5 6] t\r\n", 24, &o,
		    "* OK st=OK code=[X 1 2 3 4 5 6] raw=\"X 1 2 3 4 5 6\" text=\"t\" data=()\n");
	expect_opts("* X 1 2 3 4 5 6\r\n", 17, &o, "ERROR server response has more than 5 values\n");
	expect_opts("* X () () () () () ()\r\n", 23, &o, "ERROR server response has more than 5 values\n");

	expect_opts("* X {10}\r\n0123456789\r\n", 22, &o, "* X data=({10}\"0123456789\")\n");
	expect_opts("* X {11}\r\n0123456789A\r\n", 23, &o,
		    "ERROR server response has a literal of 11 bytes, more than the 10 bytes kept in memory\n");
	expect_opts("* X {6}\r\nabcdef {6}\r\nabcdef\r\n", 29, &o,
		    "ERROR server response's literals add up to more than the 10 bytes kept in memory\n");
	/* each response has its own budget */
	expect_opts("* X {6}\r\nabcdef\r\n* X {6}\r\nabcdef\r\n", 34, &o,
		    "* X data=({6}\"abcdef\")\n* X data=({6}\"abcdef\")\n");
}
END_TEST

START_TEST(test_default_limits)
{
	struct buf in = BUF_INIT, want = BUF_INIT;
	char *got;
	int i;

	/* 64 levels are fine, 65 are not */
	buf_adds(&in, "* X ");
	for (i = 0; i < 64; i++)
		buf_addch(&in, '(');
	for (i = 0; i < 64; i++)
		buf_addch(&in, ')');
	buf_adds(&in, "\r\n");
	got = run(in.buf, in.len, WHOLE, NULL);
	buf_reset(&want);
	buf_adds(&want, "* X data=(");
	for (i = 0; i < 64; i++)
		buf_addch(&want, '(');
	for (i = 0; i < 65; i++)
		buf_addch(&want, ')');
	buf_adds(&want, "\n");
	ck_assert_str_eq(got, want.buf);
	free(got);

	buf_reset(&in);
	buf_adds(&in, "* X ");
	for (i = 0; i < 65; i++)
		buf_addch(&in, '(');
	got = run(in.buf, in.len, WHOLE, NULL);
	ck_assert_str_eq(got, "ERROR server response nests parentheses deeper than 64 levels\n");
	free(got);

	/* a line of 1 MiB + 1 byte without an end */
	buf_reset(&in);
	buf_adds(&in, "* OK ");
	while (in.len < ((size_t)1 << 20) + 1)
		buf_addch(&in, 'x');
	got = run(in.buf, in.len, WHOLE, NULL);
	ck_assert_str_eq(got, "ERROR server response line longer than 1048576 bytes\n");
	free(got);
	/* one-byte values need more memory than 24 x the line (see
	 * test_mem_limit): a line of them fails before its end */
	buf_reset(&in);
	buf_adds(&in, "* SEARCH");
	while (in.len < ((size_t)1 << 20) + 1)
		buf_adds(&in, " 1");
	got = run(in.buf, in.len, WHOLE, NULL);
	ck_assert_str_eq(got, "ERROR server response needs more than 24 MiB of memory\n");
	free(got);
	buf_reset(&in);
	buf_adds(&in, "* SEARCH");
	while (in.len < ((size_t)1 << 20) + 1)
		buf_adds(&in, " 1000000");
	got = run(in.buf, in.len, WHOLE, NULL);
	ck_assert_str_eq(got, "ERROR server response line longer than 1048576 bytes\n");
	free(got);

	got = run("* 1 FETCH (BODY[] {67108865}\r\n", 30, WHOLE, NULL);
	ck_assert_str_eq(got, "ERROR server response has a literal of 67108865 bytes, more than the 67108864 bytes kept in memory\n");
	free(got);
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* Literal sizes are number64 (RFC 9051 sec. 9): 2^63-1 is a size (then
 * up to the sink or max_literal_mem), 2^63 and above are refused as soon
 * as the header's '}' is read: before its line ends, before any data and
 * before the sink hears of it.  Each row is fed whole, byte by byte, split
 * everywhere and through feed_space(). */
START_TEST(test_literal_number64)
{
	static const struct {
		const char *in;
		bool sink;             /* a sink taking literals of 1 byte and more */
		const char *want;
	} rows[] = {
		/* the largest size: a header like any other */
		{ "* 1 FETCH (BODY[] {9223372036854775807}\r\nabc", true,
		  "sink begin size=9223372036854775807 name=FETCH num=1 key=BODY[]\n"
		  "PENDING 44\n"
		  "sink abort\n" },
		{ "* 1 FETCH (BODY[] ~{9223372036854775807}\r\nabc", true,
		  "sink begin size=9223372036854775807 lit8 name=FETCH num=1 key=BODY[]\n"
		  "PENDING 45\n"
		  "sink abort\n" },
		{ "* 1 FETCH (BODY[] {0009223372036854775807}\r\n", true,
		  "sink begin size=9223372036854775807 name=FETCH num=1 key=BODY[]\n"
		  "PENDING 44\n"
		  "sink abort\n" },
		/* without a sink it is too big to keep, and said so */
		{ "* 1 FETCH (BODY[] {9223372036854775807}\r\nabc", false,
		  "ERROR server response has a literal of 9223372036854775807 bytes,"
		  " more than the 67108864 bytes kept in memory\n" },
		/* 2^63 */
		{ "* 1 FETCH (BODY[] {9223372036854775808}\r\nabc", true,
		  "ERROR literal size 9223372036854775808 is out of range (0 to 9223372036854775807)"
		  " at byte 39 of the response \"* 1 FETCH (BODY[] {9223372036854775808}\"\n" },
		/* 2^64-1: at the '}', the line end need not come */
		{ "* 1 FETCH (BODY[] {18446744073709551615}", true,
		  "ERROR literal size 18446744073709551615 is out of range (0 to 9223372036854775807)"
		  " at byte 40 of the response \"* 1 FETCH (BODY[] {18446744073709551615}\"\n" },
		{ "* 1 FETCH (BODY[] {18446744073709551615}\r\nabc)\r\nA1 OK done\r\n", false,
		  "ERROR literal size 18446744073709551615 is out of range (0 to 9223372036854775807)"
		  " at byte 40 of the response \"* 1 FETCH (BODY[] {18446744073709551615}\"\n" },
		{ "* 1 FETCH (BINARY[] ~{18446744073709551615}\r\n", true,
		  "ERROR literal size 18446744073709551615 is out of range (0 to 9223372036854775807)"
		  " at byte 43 of the response \"* 1 FETCH (BINARY[] ~{18446744073709551615}\"\n" },
		/* beyond 64 bits: no wrap-around */
		{ "* 1 FETCH (BODY[] {18446744073709551617}\r\n", true,
		  "ERROR literal size 18446744073709551617 is out of range (0 to 9223372036854775807)"
		  " at byte 40 of the response \"* 1 FETCH (BODY[] {18446744073709551617}\"\n" },
		{ "* 1 FETCH (BODY[] {000009223372036854775808}\r\n", true,
		  "ERROR literal size 000009223372036854775808 is out of range"
		  " (0 to 9223372036854775807) at byte 44 of the response"
		  " \"* 1 FETCH (BODY[] {000009223372036854775808}\"\n" },
		{ "* 1 FETCH (BODY[] {99999999999999999999999999999999999999999999999999}\r\n", true,
		  "ERROR literal size 99999999999999999999... (50 digits) is out of range"
		  " (0 to 9223372036854775807) at byte 70 of the response"
		  " \"...(BODY[] {99999999999999999999999999999999999999999999999999}\"\n" },
		/* the size is refused whatever ends it */
		{ "* 1 FETCH (BODY[] {9223372036854775808+}\r\n", true,
		  "ERROR literal size 9223372036854775808 is out of range (0 to 9223372036854775807)"
		  " at byte 39 of the response \"* 1 FETCH (BODY[] {9223372036854775808+\"\n" },
		/* inside a section-spec (header-fld-name as a literal) */
		{ "* 1 FETCH (BODY[HEADER.FIELDS ({9223372036854775807}\r\n", true,
		  "ERROR server response has a literal of 9223372036854775807 bytes,"
		  " more than the 67108864 bytes kept in memory\n" },
		{ "* 1 FETCH (BODY[HEADER.FIELDS ({9223372036854775808}\r\nFROM)] {0}\r\n)\r\n", true,
		  "ERROR literal size 9223372036854775808 is out of range (0 to 9223372036854775807)"
		  " at byte 53 of the response \"* 1 FETCH (BODY[HEADER.FIELDS ({9223372036854775808}\"\n" },
	};
	struct tsink ts = { .threshold = 1 };
	struct opts with_sink = { NULL, &ts };
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		expect_opts(rows[i].in, strlen(rows[i].in), rows[i].sink ? &with_sink : NULL, rows[i].want);
}
END_TEST

/* "* X a a ... a \r\n" with k atoms. */
static void atoms_line(struct buf *in, struct buf *want, const char *head, size_t k, const char *tail)
{
	size_t i;

	buf_reset(in);
	buf_adds(in, head);
	for (i = 0; i < k; i++)
		buf_adds(in, "a ");
	buf_adds(in, tail);
	if (want) {
		buf_reset(want);
		buf_adds(want, "* X data=(");
		for (i = 0; i < k; i++)
			buf_adds(want, i ? " a" : "a");
		buf_adds(want, ")\n");
	}
}

/*
 * max_mem: 64 bytes a value and 3 a byte outside literals, the same
 * however the input is cut.  With max_mem 4096, "* X " and k one-byte
 * atoms: value j starts at byte 4 + 2(j-1) and needs 64 j + 3 (2 + 2 j) =
 * 70 j + 6; the whole line 70 k + 12.  So 58 fit (4072) and the 59th
 * (4136) fails.
 */
START_TEST(test_mem_limit)
{
	struct imap_parser_limits lim = { .max_mem = 4096 };
	struct opts o = { &lim, NULL };
	struct tsink ts = { .threshold = 1 };
	struct opts sunk = { &lim, &ts };
	static const char *const too_big = "ERROR server response needs more than 4096 bytes of memory\n";
	struct buf in = BUF_INIT, want = BUF_INIT;

	atoms_line(&in, &want, "* X ", 58, "\r\n");
	expect_opts(in.buf, in.len, &o, want.buf);
	atoms_line(&in, NULL, "* X ", 59, "\r\n");
	expect_opts(in.buf, in.len, &o, too_big);
	/* the error comes at the 59th value, not at the line end */
	atoms_line(&in, NULL, "* X ", 59, "");
	expect_opts(in.buf, in.len, &o, too_big);
	/* lists count as values */
	buf_reset(&in);
	buf_adds(&in, "* X ");
	while (in.len < 4 + 2 * 59)
		buf_adds(&in, "()");
	buf_adds(&in, "\r\n");
	expect_opts(in.buf, in.len, &o, too_big);
	/* as values in a response code, or as the atoms of one that does not parse */
	atoms_line(&in, NULL, "* OK [X ", 59, "] t\r\n");
	expect_opts(in.buf, in.len, &o, too_big);
	atoms_line(&in, NULL, "* OK [X (", 59, "] t\r\n");
	expect_opts(in.buf, in.len, &o, too_big);
	atoms_line(&in, NULL, "* OK [X (", 2, "] t\r\n");
	expect_opts(in.buf, in.len, &o, "* OK st=OK code=[X (a a] raw=\"X (a a \" text=\"t\" data=()\n");
	/* text counts, 3 bytes a byte: 1365 bytes before the line end fit */
	buf_reset(&in);
	buf_adds(&in, "* OK ");
	while (in.len < 1365)
		buf_addch(&in, 'x');
	buf_reset(&want);
	buf_addf(&want, "* OK st=OK text=\"%s\" data=()\n", in.buf + 5);
	buf_adds(&in, "\r\n");
	expect_opts(in.buf, in.len, &o, want.buf);
	buf_reset(&in);
	buf_adds(&in, "* OK ");
	while (in.len < 1366)
		buf_addch(&in, 'x');
	buf_adds(&in, "\r\n");
	expect_opts(in.buf, in.len, &o, too_big);
	/* literal data does not count, kept or sunk */
	buf_reset(&in);
	buf_adds(&in, "* X {5000}\r\n");
	while (in.len < 12 + 5000)
		buf_addch(&in, 'y');
	buf_adds(&in, "\r\n");
	buf_reset(&want);
	buf_adds(&want, "* X data=({5000}\"");
	buf_add(&want, in.buf + 12, 5000);
	buf_adds(&want, "\")\n");
	expect_opts(in.buf, in.len, &o, want.buf);
	buf_reset(&want);
	buf_adds(&want, "sink begin size=5000 name=X num=-0 key=\nsink end \"");
	buf_add(&want, in.buf + 12, 5000);
	buf_adds(&want, "\"\n* X data=({5000}<sunk>)\n");
	expect_opts(in.buf, in.len, &sunk, want.buf);
	buf_release(&in);
	buf_release(&want);
}
END_TEST

/* With the default limits (24 MiB for a 1 MiB line): a 1 MB line of
 * one-byte values is refused, however it is fed (the process stays small:
 * tests/hostile/scenarios/number-search-1mb-ones.scn checks its peak
 * RSS); the densest legitimate response of 1 MB (THREAD of 144,888
 * one-message threads) is taken, and holds less than the bound. */

/* Feeds in, step bytes at a time (through feed_space() if space), until
 * a response or an error: next()'s result.  No assertion in the loop (each
 * costs Check a write). */
static int feed_until(struct imap_parser *p, const char *in, size_t len, size_t step, bool space,
		      struct imap_response **r, struct imap_err *err)
{
	size_t pos = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		size_t k = len - pos < step ? len - pos : step, room;
		if (space) {
			char *sp = imap_parser_feed_space(p, k, &room);
			memcpy(sp, in + pos, k);
			imap_parser_feed_commit(p, k);
		} else {
			imap_parser_feed(p, in + pos, k);
		}
		pos += k;
		rc = imap_parser_next(p, r, err);
	}
	return rc;
}

START_TEST(test_mem_default)
{
	static const char *const heads[] = { "* X", "* SEARCH", "* OK [X", "* 1 FETCH (X" };
	static const struct {
		size_t step;
		bool space;
	} feedings[] = { { SIZE_MAX, false }, { 1, false }, { 7, true }, { 65536, true } };
	struct buf in = BUF_INIT;
	size_t i, j;
	struct imap_parser *p;
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	unsigned n;
	int rc;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		buf_reset(&in);
		buf_adds(&in, heads[i]);
		while (in.len < 1000000)
			buf_adds(&in, i == 1 ? " 1" : " a");
		buf_adds(&in, i == 2 ? "] text\r\n" : i == 3 ? ")\r\n" : "\r\n");
		for (j = 0; j < sizeof(feedings) / sizeof(feedings[0]); j++) {
			p = imap_parser_new(NULL);
			rc = feed_until(p, in.buf, in.len, feedings[j].step, feedings[j].space, &r, &err);
			ck_assert_msg(rc == -1, "%s..., feeding %zu: rc %d", heads[i], j, rc);
			ck_assert_str_eq(err.msg, "server response needs more than 24 MiB of memory");
			imap_parser_free(p);
		}
	}
	buf_reset(&in);
	buf_adds(&in, "* THREAD ");
	for (n = 1; in.len < 1048000; n++)
		buf_addf(&in, "(%u)", n);
	buf_adds(&in, "\r\n");
	for (j = 0; j < sizeof(feedings) / sizeof(feedings[0]); j++) {
		p = imap_parser_new(NULL);
		rc = feed_until(p, in.buf, in.len, feedings[j].step, feedings[j].space, &r, &err);
		ck_assert_msg(rc == 1, "THREAD, feeding %zu: %s", j, err.msg);
		ck_assert_uint_eq(r->data.count, n - 1);
		ck_assert_uint_le(imap_response_mem(r), (size_t)24 << 20);
		ck_assert_uint_gt(imap_response_mem(r), (n - 1) * 2 * sizeof(struct imap_value));
		imap_response_free(r);
		imap_parser_free(p);
	}
	buf_release(&in);
}
END_TEST

/* imap_response_mem(): every byte the response holds, growing with it. */
START_TEST(test_response_mem)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	size_t m0 = imap_response_mem(r), m, prev, i;
	struct buf in = BUF_INIT;
	struct tsink ts = { .threshold = 1 };

	ck_assert_uint_gt(m0, sizeof(*r));
	ck_assert_uint_eq(imap_response_mem(NULL), 0);
	imap_response_alloc(r, 10000);
	m = imap_response_mem(r);
	ck_assert_uint_ge(m, m0 + 10000);
	imap_response_adopt(r, malloc(1000), 1000);
	ck_assert_uint_ge(imap_response_mem(r), m + 1000);
	imap_response_free(r);

	/* parsed: more values, more memory; a kept literal twice (value and
	 * raw); a sunk one not at all */
	prev = 0;
	for (i = 100; i <= 100000; i *= 10) {
		size_t k;
		buf_reset(&in);
		buf_adds(&in, "* SEARCH");
		for (k = 1; k <= i; k++)
			buf_addf(&in, " %zu", k);
		buf_adds(&in, "\r\n");
		r = parse_one(in.buf);
		m = imap_response_mem(r);
		ck_assert_uint_ge(m, in.len + i * sizeof(struct imap_value));
		ck_assert_uint_gt(m, prev);
		prev = m;
		imap_response_free(r);
	}
	buf_reset(&in);
	buf_adds(&in, "* 1 FETCH (BODY[] {100000}\r\n");
	while (in.len < 29 + 100000)
		buf_addch(&in, 'z');
	buf_adds(&in, ")\r\n");
	r = parse_one(in.buf);
	ck_assert_uint_ge(imap_response_mem(r), 2 * 100000);
	ck_assert_uint_lt(imap_response_mem(r), 2 * 100000 + 100000);
	imap_response_free(r);
	{
		struct imap_parser *p = imap_parser_new(NULL);
		struct imap_err err = IMAP_ERR_INIT;
		struct buf out = BUF_INIT;

		ts.out = &out;
		buf_init(&ts.data, 0);
		ts_install(p, &ts);
		imap_parser_feed(p, in.buf, in.len);
		ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
		ck_assert(r->data.items[0].items[1].sunk);
		ck_assert_uint_lt(imap_response_mem(r), 10000);
		imap_response_free(r);
		imap_parser_free(p);
		buf_release(&ts.data);
		buf_release(&out);
	}
	buf_release(&in);
}
END_TEST

START_TEST(test_reset_after_error)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;

	imap_parser_feed(p, "* X )\r\n", 7);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), -1);
	ck_assert_str_eq(err.msg, "unexpected ')' at byte 5 of the response \"* X )\"");
	imap_parser_feed(p, "* 1 EXISTS\r\n", 12);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), -1);
	imap_parser_reset(p);
	imap_parser_feed(p, "* 1 EXISTS\r\n", 12);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_str_eq(r->name, "EXISTS");
	imap_response_free(r);
	/* NULL err is allowed */
	imap_parser_feed(p, ")\r\n", 3);
	ck_assert_int_eq(imap_parser_next(p, &r, NULL), -1);
	imap_parser_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the literal sink */

START_TEST(test_sink)
{
	struct tsink ts = { .threshold = 5 };
	struct opts o = { NULL, &ts };
	const char fetch[] = "* 2 FETCH (UID 7 BODY[] {12}\r\nHello\r\nWorld BODY[HEADER] {4}\r\nab\r\n FLAGS (\\Seen))\r\n"
			     "A1 OK done\r\n";
	const char sink2[] = "* 3 FETCH ({1}\r\na (x) {0}\r\n BINARY[] ~{2}\r\n\0\1 \"k\" {1}\r\nb)\r\n";
	const char *brk = "* 1 FETCH (BODY[HEADER.FIELDS ({4}\r\nFROM)] {2}\r\nhi)\r\n";
	const char *meta = "* METADATA INBOX (/private/comment {2}\r\nhi)\r\n";

	/* big literals go to the sink, small ones are kept */
	expect_opts(fetch, sizeof(fetch) - 1, &o,
		    "sink begin size=12 name=FETCH num=2 key=BODY[]\n"
		    "sink end \"Hello\\r\\nWorld\"\n"
		    "* 2 FETCH data=((UID #7 BODY[] {12}<sunk> BODY[HEADER] {4}\"ab\\r\\n\" FLAGS (\\Seen)))\n"
		    "T:A1 OK st=OK text=\"done\" data=()\n");
	/* info: key and name, first in a list, after a list, quoted key, literal8, size 0 */
	ts.threshold = 0;
	expect_opts(sink2, sizeof(sink2) - 1, &o,
		    "sink begin size=1 name=FETCH num=3 key=\n"
		    "sink end \"a\"\n"
		    "sink begin size=0 name=FETCH num=3 key=\n"
		    "sink end \"\"\n"
		    "sink begin size=2 lit8 name=FETCH num=3 key=BINARY[]\n"
		    "sink end \"\\x00\\x01\"\n"
		    "sink begin size=1 name=FETCH num=3 key=k\n"
		    "sink end \"b\"\n"
		    "* 3 FETCH data=(({1}<sunk> (x) {0}<sunk> BINARY[] ~{2}<sunk> \"k\" {1}<sunk>))\n");
	expect_opts(meta, strlen(meta), &o,
		    "sink begin size=2 name=METADATA num=-0 key=/private/comment\n"
		    "sink end \"hi\"\n"
		    "* METADATA data=(INBOX (/private/comment {2}<sunk>))\n");
	/* a literal inside an atom is never sunk */
	expect_opts(brk, strlen(brk), &o,
		    "sink begin size=2 name=FETCH num=1 key=BODY[HEADER.FIELDS ({4}\\r\\nFROM)]\n"
		    "sink end \"hi\"\n"
		    "* 1 FETCH data=((BODY[HEADER.FIELDS ({4}\\r\\nFROM)] {2}<sunk>))\n");
	/* a refusing sink: kept in memory */
	ts.refuse = true;
	expect_opts(fetch, sizeof(fetch) - 1, &o,
		    "* 2 FETCH data=((UID #7 BODY[] {12}\"Hello\\r\\nWorld\" BODY[HEADER] {4}\"ab\\r\\n\" FLAGS (\\Seen)))\n"
		    "T:A1 OK st=OK text=\"done\" data=()\n");
	/* the sink removed again: all kept */
	{
		struct imap_parser *p = imap_parser_new(NULL);
		struct buf out = BUF_INIT;
		struct tsink t2 = { .threshold = 0, .out = &out };
		struct imap_response *r;
		struct imap_err err = IMAP_ERR_INIT;

		buf_init(&t2.data, 0);
		ts_install(p, &t2);
		imap_parser_set_sink(p, NULL);
		imap_parser_feed(p, fetch, sizeof(fetch) - 1);
		ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
		ck_assert_str_eq(r->data.items[0].items[3].str, "Hello\r\nWorld");
		imap_response_free(r);
		imap_parser_free(p);
		ck_assert_int_eq(t2.begun, 0);
		buf_release(&t2.data);
		buf_release(&out);
	}
	/* a sunk literal is bigger than what may be kept */
	{
		struct imap_parser_limits lim = { 0, 0, 0, 4, 0 };
		ts.refuse = false;
		ts.threshold = 5;
		o.lim = &lim;
		expect_opts(fetch, sizeof(fetch) - 1, &o,
			    "sink begin size=12 name=FETCH num=2 key=BODY[]\n"
			    "sink end \"Hello\\r\\nWorld\"\n"
			    "* 2 FETCH data=((UID #7 BODY[] {12}<sunk> BODY[HEADER] {4}\"ab\\r\\n\" FLAGS (\\Seen)))\n"
			    "T:A1 OK st=OK text=\"done\" data=()\n");
	}
}
END_TEST

START_TEST(test_sink_raw_and_chunks)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct buf out = BUF_INIT;
	struct tsink ts = { .threshold = 3, .out = &out };
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	const char *in = "* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n";
	size_t i;

	buf_init(&ts.data, 0);
	ts_install(p, &ts);
	for (i = 0; in[i]; i++) {
		imap_parser_feed(p, in + i, 1);
		if (in[i + 1])
			ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
		/* sunk bytes are pending until the response is returned */
		if (in[i + 1])
			ck_assert_uint_eq(imap_parser_pending(p), i + 1);
	}
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	/* one chunk per byte fed: data are passed on as they arrive */
	ck_assert_uint_eq(ts.chunks, 10);
	ck_assert_int_eq(ts.begun, 1);
	ck_assert_int_eq(ts.ended, 1);
	ck_assert_str_eq(r->raw, "* 1 FETCH (BODY[] {10}\r\n)\r\n");
	ck_assert_uint_eq(r->raw_len, strlen("* 1 FETCH (BODY[] {10}\r\n)\r\n"));
	ck_assert_int_eq(r->data.items[0].items[1].type, IMAP_VALUE_LITERAL);
	ck_assert(r->data.items[0].items[1].sunk);
	ck_assert_ptr_null(r->data.items[0].items[1].str);
	ck_assert_uint_eq(r->data.items[0].items[1].literal_size, 10);
	imap_response_free(r);
	imap_parser_free(p);
	ck_assert_int_eq(ts.aborted, 0);
	buf_release(&ts.data);
	buf_release(&out);
}
END_TEST

START_TEST(test_sink_errors)
{
	struct tsink ts = { .threshold = 1, .fail_data_at = 4 };
	struct opts o = { NULL, &ts };
	const char *in = "* 1 FETCH (BODY[] {10}\r\n0123456789)\r\n";

	expect_opts(in, strlen(in), &o,
		    "sink begin size=10 name=FETCH num=1 key=BODY[]\n"
		    "sink abort\n"
		    "ERROR cannot write the literal: disk full\n");
	ts.fail_data_at = 0;
	ts.fail_end = true;
	expect_opts(in, strlen(in), &o,
		    "sink begin size=10 name=FETCH num=1 key=BODY[]\n"
		    "sink end \"0123456789\"\n"
		    "ERROR cannot close the literal file\n");
	/* freed in mid-literal: abort() instead of end() */
	ts.fail_end = false;
	expect_opts(in, 28, &o,
		    "sink begin size=10 name=FETCH num=1 key=BODY[]\n"
		    "PENDING 28\n"
		    "sink abort\n");
}
END_TEST

/* Announced 4 GB, then silence: nothing big may be allocated.  The address
 * space is capped a little above what the process already has, so an
 * allocation of the announced size would fail (and abort). */
static void cap_address_space(struct rlimit *old)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;
	struct rlimit rl;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	ck_assert_int_eq(getrlimit(RLIMIT_AS, old), 0);
	rl = *old;
	rl.rlim_cur = (rlim_t)pages * 4096 + ((rlim_t)512 << 20);
	if (old->rlim_max != RLIM_INFINITY && rl.rlim_cur > old->rlim_max)
		rl.rlim_cur = old->rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
}

START_TEST(test_huge_literal_announced)
{
	struct imap_parser_limits lim = { 0, 0, 0, UINT64_MAX, 0 };
	struct imap_parser *p = imap_parser_new(&lim);
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	struct rlimit old;
	const char *head = "* 1 FETCH (BODY[] {4294967295}\r\n";
	char chunk[4096];
	int i;

	cap_address_space(&old);
	imap_parser_feed(p, head, strlen(head));
	imap_parser_feed(p, "0123456789", 10);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(imap_parser_pending(p), strlen(head) + 10);
	/* and it grows with the data, not with the announcement */
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 256; i++) {
		imap_parser_feed(p, chunk, sizeof(chunk));
		ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	}
	ck_assert_uint_eq(imap_parser_pending(p), strlen(head) + 10 + 256 * sizeof(chunk));
	imap_parser_free(p);

	/* with a sink: the data go straight through */
	{
		struct buf out = BUF_INIT;
		struct tsink ts = { .threshold = 1000, .out = &out };
		p = imap_parser_new(NULL);
		buf_init(&ts.data, 0);
		ts_install(p, &ts);
		imap_parser_feed(p, head, strlen(head));
		imap_parser_feed(p, "0123456789", 10);
		ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
		ck_assert_str_eq(out.buf, "sink begin size=4294967295 name=FETCH num=1 key=BODY[]\n");
		ck_assert_str_eq(ts.data.buf, "0123456789");
		ck_assert_uint_eq(imap_parser_pending(p), strlen(head) + 10);
		imap_parser_free(p);
		ck_assert_int_eq(ts.aborted, 1);
		buf_release(&ts.data);
		buf_release(&out);
	}

	/* default limits: refused at once */
	p = imap_parser_new(NULL);
	imap_parser_feed(p, head, strlen(head));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), -1);
	ck_assert_str_eq(err.msg, "server response has a literal of 4294967295 bytes, more than the 67108864 bytes kept in memory");
	imap_parser_free(p);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &old), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* feeding without a copy: imap_parser_feed_space() and _commit() */

/* Writes in[0, len) through feed_space(want)/commit() in pieces of at most
 * piece bytes, pulling responses into out after each; returns next()'s
 * last result. */
static int space_all(struct imap_parser *p, const char *in, size_t len, size_t piece,
		     size_t want, struct buf *out, struct buf *raw)
{
	struct feeding f = { .space = true, .piece = piece, .want = want };
	size_t pos = 0;
	int rc = 0;

	while (pos < len && rc == 0) {
		pos += space_piece(p, in + pos, len - pos, &f);
		rc = drain(p, out, raw);
	}
	return rc;
}

/* A kept literal awaited with nothing else buffered: the room is in the
 * response's own buffer (what is written there is never copied), and the
 * bytes after the literal written in the same commit, the end of the
 * response and the next response, are parsed too. */
START_TEST(test_space_literal_in_place)
{
	const size_t size = 200000;
	struct imap_parser *p = imap_parser_new(NULL);
	struct buf in = BUF_INIT;
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	const struct imap_value *v;
	char *sp, *sp2;
	size_t room, room2, head, pos, n, i;

	buf_addf(&in, "* 1 FETCH (UID 9 BODY[] {%zu}\r\n", size);
	head = in.len;
	for (i = 0; i < size; i++)
		buf_addch(&in, (int)((i * 13 + 5) % 256));
	buf_adds(&in, " FLAGS (\\Seen))\r\n");
	n = in.len;
	buf_adds(&in, "A1 OK done\r\n");

	/* the header and 100 bytes of data: the literal is awaited */
	imap_parser_feed(p, in.buf, head + 100);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	pos = head + 100;
	/* all of the room but one byte, so that no room needs to be made for
	 * the next byte: the next room starts where this one ended (room in
	 * the input buffer would start over, all of it having been parsed) */
	sp = imap_parser_feed_space(p, 1000, &room);
	ck_assert_uint_ge(room, 1000);
	ck_assert_uint_lt(room, size - 100);
	memcpy(sp, in.buf + pos, room - 1);
	imap_parser_feed_commit(p, room - 1);
	pos += room - 1;
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	ck_assert_uint_eq(imap_parser_pending(p), pos);
	sp2 = imap_parser_feed_space(p, 1, &room2);
	ck_assert_ptr_eq(sp2, sp + room - 1);
	ck_assert_uint_eq(room2, 1);
	imap_parser_feed_commit(p, 0);
	ck_assert_uint_eq(imap_parser_pending(p), pos);

	/* the rest of the literal, of the response and the next response in
	 * one commit (the room grows by doubling: more than asked for) */
	sp = imap_parser_feed_space(p, size - (pos - head), &room);
	ck_assert_msg(room >= in.len - pos, "room %zu for %zu bytes", room, in.len - pos);
	memcpy(sp, in.buf + pos, in.len - pos);
	imap_parser_feed_commit(p, in.len - pos);
	ck_assert_uint_eq(imap_parser_pending(p), in.len);

	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_uint_eq(r->raw_len, n);
	ck_assert_int_eq(memcmp(r->raw, in.buf, n), 0);
	ck_assert_int_eq(r->raw[n], '\0');
	v = imap_value_lookup(&r->data.items[0], "BODY[]");
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, IMAP_VALUE_LITERAL);
	ck_assert_uint_eq(v->len, size);
	ck_assert_int_eq(memcmp(v->str, in.buf + head, size), 0);
	ck_assert_int_eq(v->str[size], '\0');
	v = imap_value_lookup(&r->data.items[0], "FLAGS");
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->items[0].str, "\\Seen");
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), in.len - n);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_str_eq(r->raw, "A1 OK done\r\n");
	ck_assert_str_eq(r->text, "done");
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	imap_parser_free(p);
	buf_release(&in);
}
END_TEST

/* The room is at least what was asked for, in the input buffer and in a
 * literal's, and all of it may be written (the sanitizers check). */
START_TEST(test_space_room)
{
	static const size_t wants[] = { 0, 1, 7, 4096, 65536, (size_t)1 << 20 };
	struct imap_parser_limits lim = { .max_line = (size_t)8 << 20 };
	struct imap_parser *p = imap_parser_new(&lim);
	struct buf in = BUF_INIT, out = BUF_INIT, raw = BUF_INIT;
	const size_t lit = 3000000, text = 2500000;
	size_t pos = 0, k = 0, i;

	buf_addf(&in, "* 4 FETCH (BODY[] {%zu}\r\n", lit);
	for (i = 0; i < lit; i++)
		buf_addch(&in, 'a' + (int)(i % 26));
	buf_adds(&in, ")\r\n* OK ");
	for (i = 0; i < text; i++)
		buf_addch(&in, 'A' + (int)(i % 26));
	buf_adds(&in, "\r\n");
	while (pos < in.len) {
		size_t want = wants[k++ % (sizeof(wants) / sizeof(wants[0]))], room, n;
		char *sp = imap_parser_feed_space(p, want, &room);

		ck_assert_ptr_nonnull(sp);
		ck_assert_uint_ge(room, want);
		n = room < in.len - pos ? room : in.len - pos;
		memcpy(sp, in.buf + pos, n);
		imap_parser_feed_commit(p, n);
		pos += n;
		ck_assert_int_eq(drain(p, &out, &raw), 0);
	}
	ck_assert_uint_ge(k, 6);
	ck_assert_uint_eq(raw.len, in.len);
	ck_assert_int_eq(memcmp(raw.buf, in.buf, in.len), 0);
	/* the transcript: the literal's and the text's bytes in order */
	ck_assert_int_eq(strncmp(out.buf, "* 4 FETCH data=((BODY[] {3000000}\"abcdefghijklmnopqrstuvwxyzabc", 60), 0);
	ck_assert_uint_eq(out.len, strlen("* 4 FETCH data=((BODY[] {3000000}\"\"))\n* OK st=OK text=\"\" data=()\n") + lit + text);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	buf_release(&in);
	buf_release(&out);
	buf_release(&raw);
}
END_TEST

/* commit(0) changes nothing, wherever the room was. */
START_TEST(test_space_commit_zero)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	const char *a = "* 1 FETCH (BODY[] {100000}\r\n";
	size_t room;
	char *sp;

	sp = imap_parser_feed_space(p, 16, &room);
	ck_assert_uint_ge(room, 16);
	imap_parser_feed_commit(p, 0);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	/* no room asked, none needed */
	imap_parser_feed_space(p, 0, &room);
	imap_parser_feed_commit(p, 0);
	ck_assert_uint_eq(imap_parser_pending(p), 0);

	sp = imap_parser_feed_space(p, strlen(a), &room);
	memcpy(sp, a, strlen(a));
	imap_parser_feed_commit(p, strlen(a));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	ck_assert_uint_eq(imap_parser_pending(p), strlen(a));
	/* in the literal's room (a failed read: the bytes there are junk) */
	sp = imap_parser_feed_space(p, 4096, &room);
	memset(sp, 'J', room);
	imap_parser_feed_commit(p, 0);
	ck_assert_uint_eq(imap_parser_pending(p), strlen(a));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	imap_parser_free(p);
}
END_TEST

/* Sunk literals through the new room (never the response's buffer): the
 * sink gets every byte in order, one call per commit; raw leaves them out. */
START_TEST(test_space_sink)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct buf in = BUF_INIT, out = BUF_INIT, raw = BUF_INIT, lit = BUF_INIT, expected = BUF_INIT;
	struct tsink ts = { .threshold = 1000, .out = &out };
	static const size_t pieces[] = { 1, 7, 4096, BIG };
	const size_t size = 50000;
	size_t i, k, head;

	for (i = 0; i < size; i++)
		buf_addch(&lit, (int)(i % 251));
	buf_addf(&in, "* 7 FETCH (BODY[1] {%zu}\r\n", size);
	head = in.len;
	buf_add(&in, lit.buf, lit.len);
	buf_adds(&in, " UID 3 BODY[2] {3}\r\nabc)\r\n");
	buf_adds(&expected, "sink begin size=50000 name=FETCH num=7 key=BODY[1]\nsink end \"");
	esc(&expected, lit.buf, lit.len);
	buf_adds(&expected, "\"\n* 7 FETCH data=((BODY[1] {50000}<sunk> UID #3 BODY[2] {3}\"abc\"))\n");
	buf_init(&ts.data, 0);
	ts_install(p, &ts);
	for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
		size_t want = pieces[k] == BIG ? 4096 : pieces[k];
		buf_reset(&out);
		buf_reset(&raw);
		ts.chunks = 0;
		ck_assert_int_eq(space_all(p, in.buf, in.len, pieces[k], want, &out, &raw), 0);
		ck_assert_msg(strcmp(out.buf, expected.buf) == 0, "pieces of %zu: got %.200s", pieces[k], out.buf);
		ck_assert_uint_eq(ts.data.len, size);
		ck_assert_int_eq(memcmp(ts.data.buf, lit.buf, size), 0);
		if (pieces[k] != BIG)
			ck_assert_uint_ge(ts.chunks, size / pieces[k]);
		ck_assert_uint_eq(raw.len, in.len - size);
		ck_assert_int_eq(memcmp(raw.buf, in.buf, head), 0);
		ck_assert_uint_eq(imap_parser_pending(p), 0);
	}
	ck_assert_int_eq(ts.begun, 4);
	ck_assert_int_eq(ts.ended, 4);
	imap_parser_free(p);
	buf_release(&ts.data);
	buf_release(&in);
	buf_release(&out);
	buf_release(&raw);
	buf_release(&lit);
	buf_release(&expected);
}
END_TEST

/* Bytes are parsed in the order committed or fed, whichever buffer the
 * room was in, also when next() is not called in between. */
START_TEST(test_space_order)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	const char *head = "* 1 FETCH (BODY[] {10}\r\n";
	size_t room;
	char *sp;

	imap_parser_feed(p, head, strlen(head));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	/* more asked for than the literal needs: room after what is buffered */
	sp = imap_parser_feed_space(p, 64, &room);
	memcpy(sp, "ab", 2);
	imap_parser_feed_commit(p, 2);
	/* then little: "ab" is still waiting, so "cd" goes after it */
	sp = imap_parser_feed_space(p, 2, &room);
	memcpy(sp, "cd", 2);
	imap_parser_feed_commit(p, 2);
	imap_parser_feed(p, "ef", 2);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	/* nothing waiting: the literal's own room, then feed() and room again */
	sp = imap_parser_feed_space(p, 1, &room);
	memcpy(sp, "g", 1);
	imap_parser_feed_commit(p, 1);
	imap_parser_feed(p, "h", 1);
	sp = imap_parser_feed_space(p, 2, &room);
	memcpy(sp, "ij", 2);
	imap_parser_feed_commit(p, 2);
	imap_parser_feed(p, ")\r\n", 3);
	ck_assert_uint_eq(imap_parser_pending(p), strlen(head) + 13);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_str_eq(r->raw, "* 1 FETCH (BODY[] {10}\r\nabcdefghij)\r\n");
	ck_assert_str_eq(r->data.items[0].items[1].str, "abcdefghij");
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
}
END_TEST

/* A syntax error after commits (also right after a literal written in its
 * own buffer) names the right byte and sticks; bytes committed after it
 * are taken and dropped by reset(), which makes the parser usable again. */
START_TEST(test_space_error)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct buf out = BUF_INIT, raw = BUF_INIT;
	const char *bad = "* 1 EXISTS\r\n* 1 FETCH (UID 1))\r\n";
	const char *lit = "* 2 FETCH (BODY[] {5}\r\n";
	const char *after = "hello))\r\n* 3 EXISTS\r\n";
	const char *good = "* 9 EXISTS\r\n";
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	size_t room;
	char *sp;

	ck_assert_int_eq(space_all(p, bad, strlen(bad), 7, 7, &out, &raw), -1);
	ck_assert_str_eq(out.buf, "* 1 EXISTS data=()\n"
			 "ERROR unexpected ')' at byte 18 of the response \"* 1 FETCH (UID 1))\"\n");
	/* still takes bytes, still failed */
	sp = imap_parser_feed_space(p, 100, &room);
	ck_assert_uint_ge(room, 100);
	memcpy(sp, good, strlen(good));
	imap_parser_feed_commit(p, strlen(good));
	ck_assert_int_eq(imap_parser_next(p, &r, &err), -1);
	ck_assert_str_eq(err.msg, "unexpected ')' at byte 18 of the response \"* 1 FETCH (UID 1))\"");
	imap_parser_reset(p);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	buf_reset(&out);
	ck_assert_int_eq(space_all(p, good, strlen(good), 5, 5, &out, &raw), 0);
	ck_assert_str_eq(out.buf, "* 9 EXISTS data=()\n");

	/* the literal's data and what follows it in one commit (as much as
	 * the room takes; the rest in a second one) */
	buf_reset(&out);
	ck_assert_int_eq(space_all(p, lit, strlen(lit), BIG, 64, &out, &raw), 0);
	ck_assert_str_eq(out.buf, "");
	sp = imap_parser_feed_space(p, 5, &room);
	ck_assert_uint_ge(room, 5);
	room = room < strlen(after) ? room : strlen(after);
	memcpy(sp, after, room);
	imap_parser_feed_commit(p, room);
	ck_assert_int_eq(space_all(p, after + room, strlen(after) - room, BIG, 64, &out, &raw), -1);
	ck_assert_str_eq(out.buf, "ERROR unexpected ')' at byte 30 of the response "
			 "\"* 2 FETCH (BODY[] {5}\\r\\nhello))\"\n");
	imap_parser_free(p);
	buf_release(&out);
	buf_release(&raw);
}
END_TEST

/* ------------------------------------------------------------------ */
/* speed: linear in the input however it is fed */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void parse_timed(const char *in, size_t len, size_t step, size_t want_items)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	size_t pos;
	int rc = 0;
	double t0 = now();

	for (pos = 0; pos < len; pos += step) {
		imap_parser_feed(p, in + pos, pos + step <= len ? step : len - pos);
		rc = imap_parser_next(p, &r, &err);
		if (rc)
			break;
	}
	ck_assert_msg(rc == 1, "rc %d: %s", rc, err.msg);
	ck_assert_uint_eq(r->data.items[0].count, want_items);
	ck_assert_uint_eq(r->raw_len, len);
	imap_response_free(r);
	imap_parser_free(p);
	/* linear work is a fraction of a second even under sanitizers;
	 * quadratic work would take minutes */
	ck_assert_msg(now() - t0 < 20.0, "took %.1f s", now() - t0);
}

START_TEST(test_many_literals)
{
	struct buf in = BUF_INIT;
	size_t i, n = 100000;

	buf_adds(&in, "* 1 FETCH (");
	for (i = 0; i < n; i++)
		buf_adds(&in, "{1}\r\nx ");
	buf_adds(&in, ")\r\n");
	parse_timed(in.buf, in.len, in.len, n);
	parse_timed(in.buf, in.len, 1, n);
	buf_release(&in);
}
END_TEST

/* Literals kept in memory, large enough that raw takes over the parser's
 * buffer, then small responses: every way of feeding them (feed(), or
 * feed_space() asking for the chunk size, or both by turns) gives the
 * same values and raw bytes, and nothing is left over. */
START_TEST(test_big_literals_chunked)
{
	static const size_t sizes[] = { 20000, 70000, 16383, 3 };
	static const size_t chunks[] = { 0, 1, 7, 4096, 65536, 100000 };
	struct buf in = BUF_INIT, data[4];
	size_t starts[6], ends[6], i, j, k;

	for (k = 0; k < 4; k++) {
		buf_init(&data[k], 0);
		for (i = 0; i < sizes[k]; i++)
			buf_addch(&data[k], (int)((i * 7 + k) % 256));
	}
	for (k = 0; k < 4; k++) {
		starts[k] = in.len;
		buf_addf(&in, "* %zu FETCH (UID %zu BODY[] {%zu}\r\n", k + 1, k + 100, sizes[k]);
		buf_add(&in, data[k].buf, data[k].len);
		buf_adds(&in, " FLAGS (\\Seen))\r\n");
		ends[k] = in.len;
	}
	starts[4] = in.len;
	buf_adds(&in, "* 5 FETCH (ENVELOPE (\"d\" \"s \\\"q\\\"\" NIL))\r\n");
	ends[4] = starts[5] = in.len;
	buf_adds(&in, "A1 OK done\r\n");
	ends[5] = in.len;

	for (j = 0; j < 3 * sizeof(chunks) / sizeof(chunks[0]); j++) {
		struct imap_parser *p = imap_parser_new(NULL);
		size_t pos = 0, got = 0, nfed = 0;
		size_t mode = j / (sizeof(chunks) / sizeof(chunks[0])); /* 0 feed, 1 space, 2 both */

		while (pos < in.len) {
			struct imap_response *r;
			struct imap_err err = IMAP_ERR_INIT;
			size_t chunk = chunks[j % (sizeof(chunks) / sizeof(chunks[0]))];
			size_t n = chunk && chunk < in.len - pos ? chunk : in.len - pos;
			int rc;

			if (mode == 1 || (mode == 2 && nfed % 2)) {
				size_t room;
				char *sp = imap_parser_feed_space(p, n, &room);
				ck_assert_uint_ge(room, n);
				memcpy(sp, in.buf + pos, n);
				imap_parser_feed_commit(p, n);
			} else {
				imap_parser_feed(p, in.buf + pos, n);
			}
			nfed++;
			pos += n;
			while ((rc = imap_parser_next(p, &r, &err)) == 1) {
				ck_assert_uint_lt(got, 6);
				ck_assert_uint_eq(r->raw_len, ends[got] - starts[got]);
				ck_assert_int_eq(memcmp(r->raw, in.buf + starts[got], r->raw_len), 0);
				ck_assert_int_eq(r->raw[r->raw_len], '\0');
				if (got < 4) {
					const struct imap_value *v = imap_value_lookup(&r->data.items[0], "BODY[]");
					ck_assert_ptr_nonnull(v);
					ck_assert_int_eq(v->type, IMAP_VALUE_LITERAL);
					ck_assert_uint_eq(v->len, sizes[got]);
					ck_assert_int_eq(memcmp(v->str, data[got].buf, v->len), 0);
					ck_assert_int_eq(v->str[v->len], '\0');
					v = imap_value_lookup(&r->data.items[0], "FLAGS");
					ck_assert_ptr_nonnull(v);
					ck_assert_uint_eq(v->count, 1);
					ck_assert_str_eq(v->items[0].str, "\\Seen");
				} else if (got == 4) {
					const struct imap_value *v = imap_value_lookup(&r->data.items[0], "ENVELOPE");
					ck_assert_ptr_nonnull(v);
					ck_assert_uint_eq(v->count, 3);
					ck_assert_str_eq(v->items[1].str, "s \"q\"");
					ck_assert_int_eq(v->items[2].type, IMAP_VALUE_NIL);
				} else {
					ck_assert_str_eq(r->text, "done");
				}
				imap_response_free(r);
				got++;
			}
			ck_assert_msg(rc == 0, "chunk %zu mode %zu: %s", chunk, mode, err.msg);
		}
		ck_assert_uint_eq(got, 6);
		ck_assert_uint_eq(imap_parser_pending(p), 0);
		imap_parser_free(p);
	}
	for (k = 0; k < 4; k++)
		buf_release(&data[k]);
	buf_release(&in);
}
END_TEST

START_TEST(test_long_line_bytewise)
{
	struct buf in = BUF_INIT;
	size_t n = 0;

	buf_adds(&in, "* 1 FETCH (");
	while (in.len < 900000) {
		buf_adds(&in, n % 2 ? "\"q\" " : "BODY[1.2] ");
		n++;
	}
	buf_adds(&in, ")\r\n");
	parse_timed(in.buf, in.len, 1, n);
	parse_timed(in.buf, in.len, 7, n);
	buf_release(&in);
}
END_TEST

/* ------------------------------------------------------------------ */
/* response.c */

START_TEST(test_response_helpers)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	char *s;
	void *big;
	int i;

	ck_assert_str_eq(imap_status_name(IMAP_STATUS_OK), "OK");
	ck_assert_str_eq(imap_status_name(IMAP_STATUS_NO), "NO");
	ck_assert_str_eq(imap_status_name(IMAP_STATUS_BAD), "BAD");
	ck_assert_str_eq(imap_status_name(IMAP_STATUS_PREAUTH), "PREAUTH");
	ck_assert_str_eq(imap_status_name(IMAP_STATUS_BYE), "BYE");
	ck_assert_str_eq(imap_status_name(IMAP_STATUS_NONE), "");

	ck_assert_str_eq(r->tag, "*");
	ck_assert_str_eq(r->text, "");
	ck_assert_int_eq(r->data.type, IMAP_VALUE_LIST);
	s = imap_response_strdup(r, "a\0b", 3);
	ck_assert_int_eq(memcmp(s, "a\0b", 4), 0);
	for (i = 0; i < 1000; i++) {
		unsigned char *z = imap_response_alloc(r, (size_t)i % 37 + 1);
		ck_assert_uint_eq((uintptr_t)z % sizeof(void *), 0);
		ck_assert_int_eq(z[0], 0);
		memset(z, 0xaa, (size_t)i % 37 + 1);
	}
	big = imap_response_alloc(r, 1 << 20);
	ck_assert_int_eq(((char *)big)[(1 << 20) - 1], 0);
	imap_response_adopt(r, malloc(100), 100);
	ck_assert_str_eq(s, "a");
	imap_response_free(r);
	imap_response_free(NULL);
}
END_TEST

Suite *parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("responses");

	tcase_add_test(tc, test_tagged);
	tcase_add_test(tc, test_untagged_status);
	tcase_add_test(tc, test_select_sequence);
	tcase_add_test(tc, test_code_fallback);
	tcase_add_test(tc, test_continuation);
	tcase_add_test(tc, test_data_responses);
	tcase_add_test(tc, test_fetch);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_token_ends);
	tcase_add_test(tc, test_number_edges);
	tcase_add_test(tc, test_value_by_value);
	tcase_add_test(tc, test_line_ends);
	tcase_add_test(tc, test_pipelined_and_pending);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_default_limits);
	tcase_add_test(tc, test_reset_after_error);
	tcase_add_test(tc, test_literal_number64);
	tcase_add_test(tc, test_mem_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mem_default);
	tcase_add_test(tc, test_response_mem);
	suite_add_tcase(s, tc);

	tc = tcase_create("sink");
	tcase_add_test(tc, test_sink);
	tcase_add_test(tc, test_sink_raw_and_chunks);
	tcase_add_test(tc, test_sink_errors);
	tcase_add_test(tc, test_huge_literal_announced);
	suite_add_tcase(s, tc);

	tc = tcase_create("feed_space");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_space_literal_in_place);
	tcase_add_test(tc, test_space_room);
	tcase_add_test(tc, test_space_commit_zero);
	tcase_add_test(tc, test_space_order);
	tcase_add_test(tc, test_space_sink);
	tcase_add_test(tc, test_space_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("speed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_many_literals);
	tcase_add_test(tc, test_long_line_bytewise);
	tcase_add_test(tc, test_big_literals_chunked);
	suite_add_tcase(s, tc);

	tc = tcase_create("response");
	tcase_add_test(tc, test_response_helpers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(parser_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
