/*
 * check_progress.c - the progress line (shell/progress.h), table-driven:
 * the text of a line (sizes, percentage, rate, ETA, no total, no rate
 * yet, stalled), the label of a report, and the drawer with an injected
 * clock: each scenario is a run of reports (and clears) at given times,
 * with the exact bytes each must write to the terminal (NULL: none);
 * and the core's reports (core/session.h: session_set_progress) over a
 * fake server, for literals sunk, kept, cut off, and sent.
 */
#include "core/session.h"
#include "net/transport.h"
#include "shell/progress.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KiB 1024ull
#define MiB (1024ull * 1024)
#define UNK PROGRESS_UNKNOWN

/* ---- progress_format ----------------------------------------------------- */

struct fcase {
	const char *label;
	uint64_t done, total;
	double rate;
	const char *want;
};

static const struct fcase fcases[] = {
	{ "append", 12897485, 50 * MiB, 4299161.6, "append: 12.3 MB / 50.0 MB  24%  4.1 MB/s  ETA 0:10" },
	/* no rate yet: no rate, no ETA */
	{ "append", 0, 3 * MiB, -1, "append: 0 bytes / 3.0 MB  0%" },
	/* zero rate */
	{ "append", 2 * MiB, 3 * MiB, 0, "append: 2.0 MB / 3.0 MB  66%  stalled" },
	{ "append", 2 * MiB, 3 * MiB, 0.5, "append: 2.0 MB / 3.0 MB  66%  stalled" },
	/* unknown total: no percentage, no ETA */
	{ "fetch 5 BODY[]", 3 * MiB, UNK, 1258291.2, "fetch 5 BODY[]: 3.0 MB  1.2 MB/s" },
	{ "fetch 5 BODY[]", 3 * MiB, UNK, -1, "fetch 5 BODY[]: 3.0 MB" },
	{ "fetch 5 BODY[]", 3 * MiB, UNK, 0, "fetch 5 BODY[]: 3.0 MB  stalled" },
	/* sizes: bytes, KB, MB, GB (units of 1024) */
	{ "x", 1, 1, 1.0, "x: 1 byte / 1 byte  100%  1 byte/s" },
	{ "x", 512, 1023, 512, "x: 512 bytes / 1023 bytes  50%  512 bytes/s  ETA 0:01" },
	{ "x", 1536, 10 * KiB, 2048, "x: 1.5 KB / 10.0 KB  15%  2.0 KB/s  ETA 0:05" },
	{ "x", 3 * MiB / 2, 2048 * MiB, 1.5 * MiB, "x: 1.5 MB / 2.0 GB  0%  1.5 MB/s  ETA 22:45" },
	/* done: 100%, no ETA; almost done is 99%, not 100% */
	{ "x", MiB, MiB, MiB, "x: 1.0 MB / 1.0 MB  100%  1.0 MB/s" },
	{ "x", MiB - 1, MiB, 1000, "x: 1024.0 KB / 1.0 MB  99%  1000 bytes/s  ETA 0:01" },
	{ "x", 0, 0, -1, "x: 0 bytes / 0 bytes  100%" },
	/* ETA: a begun second counts; m:ss, h:mm:ss, >99h */
	{ "x", 0, 60 * KiB, KiB, "x: 0 bytes / 60.0 KB  0%  1.0 KB/s  ETA 1:00" },
	{ "x", 0, 60 * KiB + 1, KiB, "x: 0 bytes / 60.0 KB  0%  1.0 KB/s  ETA 1:01" },
	{ "x", 0, 3600 * KiB, KiB, "x: 0 bytes / 3.5 MB  0%  1.0 KB/s  ETA 1:00:00" },
	{ "x", 0, 1024 * MiB, 100000, "x: 0 bytes / 1.0 GB  0%  97.7 KB/s  ETA 2:58:58" },
	{ "x", 0, 1024 * MiB, 2, "x: 0 bytes / 1.0 GB  0%  2 bytes/s  ETA >99h" },
};

START_TEST(test_format)
{
	const struct fcase *c = &fcases[_i];
	struct buf b = BUF_INIT;

	buf_adds(&b, "[");
	progress_format(&b, c->label, c->done, c->total, c->rate);
	ck_assert_msg(!strcmp(b.buf + 1, c->want), "case %d: want [%s], got [%s]", _i, c->want,
		      b.buf + 1);
	buf_release(&b);
}
END_TEST

/* ---- progress_label ------------------------------------------------------ */

struct lcase {
	enum session_xfer_dir dir;
	const char *verb, *resp_name;
	bool has_number;
	uint64_t number;
	const char *key;
	const char *want;
};

#define S SESSION_XFER_SEND
#define R SESSION_XFER_RECEIVE
#define X40 "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
#define x40 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static const struct lcase lcases[] = {
	{ S, "APPEND", "", false, 0, "", "append" },
	{ S, "Append", NULL, false, 0, NULL, "append" },
	{ S, "", "", false, 0, "", "literal" },
	{ S, NULL, NULL, false, 0, NULL, "literal" },
	{ R, "", "FETCH", true, 5, "BODY[]", "fetch 5 BODY[]" },
	{ R, "", "FETCH", true, 12, "BINARY[1.2]<0>", "fetch 12 BINARY[1.2]<0>" },
	{ R, "", "FETCH", true, 7, "", "fetch 7" },
	{ R, "", "METADATA", false, 0, "/private/comment", "metadata /private/comment" },
	{ R, "", "", false, 0, "", "literal" },
	{ R, "", "", true, 3, "", "3" },
	/* what the server wrote cannot move the cursor */
	{ R, "", "FETCH", true, 1, "A\x1b[2J\xc3\xa9", "fetch 1 A?[2J??" },
	/* at most PROGRESS_LABEL_MAX bytes */
	{ R, "", "FETCH", true, 1, X40 X40, "fetch 1 XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX" },
	{ R, "", X40 "Y", true, 1, "BODY[]", x40 },
};

START_TEST(test_label)
{
	const struct lcase *c = &lcases[_i];
	struct session_progress p;
	struct buf b = BUF_INIT;

	memset(&p, 0, sizeof(p));
	p.dir = c->dir;
	p.verb = c->verb;
	p.resp_name = c->resp_name;
	p.has_number = c->has_number;
	p.number = c->number;
	p.key = c->key;
	buf_adds(&b, "[");
	progress_label(&b, &p);
	ck_assert_msg(!strcmp(b.buf + 1, c->want), "case %d: want [%s], got [%s]", _i, c->want,
		      b.buf + 1);
	ck_assert_uint_le(b.len - 1, PROGRESS_LABEL_MAX);
	buf_release(&b);
}
END_TEST

/* ---- the drawer, with an injected clock ---------------------------------- */

enum op { REPORT, END, CLEAR, STOP };

struct step {
	enum op op;
	long long t;
	enum session_xfer_dir dir;
	uint64_t done, total;
	const char *want; /* bytes written by this step, NULL: none */
};

struct scenario {
	const char *name;
	int columns;
	struct step steps[16];
};

#define L(s) "\r" s "\033[K"
#define ERASE "\r\033[K"

static const struct scenario scenarios[] = {
	{ "throttled at 100 ms, erased at the end", -1, {
		{ REPORT, 0, S, 0, 10 * MiB, L("append: 0 bytes / 10.0 MB  0%") },
		{ REPORT, 50, S, MiB, 10 * MiB, NULL },
		{ REPORT, 99, S, MiB + 1, 10 * MiB, NULL },
		{ REPORT, 100, S, 2 * MiB, 10 * MiB,
		  L("append: 2.0 MB / 10.0 MB  20%  20.0 MB/s  ETA 0:01") },
		{ REPORT, 150, S, 3 * MiB, 10 * MiB, NULL },
		{ END, 160, S, 10 * MiB, 10 * MiB, ERASE },
		{ STOP, 0, S, 0, 0, NULL } } },
	{ "a literal under 1 MB draws nothing", -1, {
		{ REPORT, 0, S, 0, MiB - 1, NULL },
		{ REPORT, 500, S, KiB, MiB - 1, NULL },
		{ REPORT, 1000, S, MiB - 1, MiB - 1, NULL },
		{ END, 1000, S, MiB - 1, MiB - 1, NULL },
		/* the next one, at exactly 1 MB, does */
		{ REPORT, 2000, R, 0, MiB, L("fetch 5 BODY[]: 0 bytes / 1.0 MB  0%") },
		{ END, 2001, R, MiB, MiB, ERASE },
		{ STOP, 0, S, 0, 0, NULL } } },
	{ "receiving; a clear by the shell; the rate over 3 s", -1, {
		{ REPORT, 1000, R, 0, 20 * MiB, L("fetch 5 BODY[]: 0 bytes / 20.0 MB  0%") },
		{ REPORT, 2000, R, MiB, 20 * MiB,
		  L("fetch 5 BODY[]: 1.0 MB / 20.0 MB  5%  1.0 MB/s  ETA 0:19") },
		{ CLEAR, 2010, R, 0, 0, ERASE },
		{ CLEAR, 2020, R, 0, 0, NULL }, /* not shown: nothing to erase */
		{ REPORT, 2050, R, MiB + 1, 20 * MiB, NULL }, /* still throttled */
		/* the rate since the oldest redraw at most 3 s ago (1000) */
		{ REPORT, 4000, R, 9 * MiB / 2, 20 * MiB,
		  L("fetch 5 BODY[]: 4.5 MB / 20.0 MB  22%  1.5 MB/s  ETA 0:11") },
		/* 1000 and 2000 are over 3 s old: since 4000 */
		{ REPORT, 6000, R, 19 * MiB / 2, 20 * MiB,
		  L("fetch 5 BODY[]: 9.5 MB / 20.0 MB  47%  2.5 MB/s  ETA 0:05") },
		/* after a gap, all are old: since the newest (6000) */
		{ REPORT, 16000, R, 19 * MiB / 2 + 300 * KiB, 20 * MiB,
		  L("fetch 5 BODY[]: 9.8 MB / 20.0 MB  48%  30.0 KB/s  ETA 5:49") },
		/* nothing came since the last redraw */
		{ REPORT, 16100, R, 19 * MiB / 2 + 300 * KiB, 20 * MiB,
		  L("fetch 5 BODY[]: 9.8 MB / 20.0 MB  48%  stalled") },
		/* the same text again is not written again */
		{ REPORT, 16200, R, 19 * MiB / 2 + 300 * KiB, 20 * MiB, NULL },
		{ END, 17000, R, 12 * MiB, 20 * MiB, ERASE }, /* abandoned */
		{ STOP, 0, S, 0, 0, NULL } } },
	{ "a new literal without an end starts afresh", -1, {
		{ REPORT, 0, S, 0, 4 * MiB, L("append: 0 bytes / 4.0 MB  0%") },
		{ REPORT, 10, R, 0, 4 * MiB, L("fetch 5 BODY[]: 0 bytes / 4.0 MB  0%") },
		{ END, 20, R, 4 * MiB, 4 * MiB, ERASE },
		{ END, 30, R, 4 * MiB, 4 * MiB, NULL },
		{ STOP, 0, S, 0, 0, NULL } } },
	{ "cut to the terminal's width", 20, {
		{ REPORT, 0, S, 0, 4 * MiB, L("append: 0 bytes / 4") },
		{ END, 5, S, 4 * MiB, 4 * MiB, ERASE },
		{ STOP, 0, S, 0, 0, NULL } } },
};

static long long fake_now(void *ctx)
{
	return *(const long long *)ctx;
}

START_TEST(test_drawer)
{
	const struct scenario *sc = &scenarios[_i];
	struct progress_opts o;
	struct progress *p;
	char *mem = NULL;
	size_t memlen = 0, seen = 0, i;
	long long now = 0;
	FILE *fp = open_memstream(&mem, &memlen);

	ck_assert_ptr_nonnull(fp);
	memset(&o, 0, sizeof(o));
	o.fp = fp;
	o.now = fake_now;
	o.now_ctx = &now;
	o.columns = sc->columns;
	p = progress_new(&o);
	for (i = 0; sc->steps[i].op != STOP; i++) {
		const struct step *st = &sc->steps[i];
		struct session_progress ev;
		const char *want = st->want ? st->want : "";

		memset(&ev, 0, sizeof(ev));
		ev.dir = st->dir;
		ev.done = st->done;
		ev.total = st->total;
		ev.end = st->op == END;
		ev.verb = "APPEND";
		ev.resp_name = st->dir == R ? "FETCH" : "";
		ev.has_number = st->dir == R;
		ev.number = 5;
		ev.key = st->dir == R ? "BODY[]" : "";
		now = st->t;
		if (st->op == CLEAR)
			progress_clear(p);
		else
			progress_hook(p, &ev);
		fflush(fp);
		ck_assert_msg(memlen - seen == strlen(want) && !memcmp(mem + seen, want, strlen(want)),
			      "%s, step %zu: want [%s], got [%.*s]", sc->name, i, want,
			      (int)(memlen - seen), mem + seen);
		seen = memlen;
	}
	progress_free(p);
	fclose(fp);
	free(mem);
}
END_TEST

/* progress_free erases a line still shown. */
START_TEST(test_free_erases)
{
	struct progress_opts o;
	struct progress *p;
	struct session_progress ev;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *fp = open_memstream(&mem, &memlen);

	memset(&o, 0, sizeof(o));
	o.fp = fp;
	o.columns = -1;
	p = progress_new(&o);
	memset(&ev, 0, sizeof(ev));
	ev.dir = S;
	ev.total = 2 * MiB;
	ev.verb = "APPEND";
	progress_hook(p, &ev);
	progress_free(p);
	progress_free(NULL);
	progress_clear(NULL);
	fclose(fp);
	ck_assert_str_eq(mem, L("append: 0 bytes / 2.0 MB  0%") ERASE);
	free(mem);
}
END_TEST

/* ---- the core's reports (session_set_progress), over a fake server ----- */

/* The server: answers the first line the client writes with reply(), in
 * pieces of at most 16 KiB, then EOF. */
struct fake {
	struct net_conn base;
	const struct ccase *c;
	struct buf out;
	size_t out_pos;
	struct buf sent;
};

enum ckind { RECV, SEND };

struct ccase {
	const char *name;
	enum ckind kind;
	uint64_t size;      /* of the literal */
	uint64_t threshold; /* the sink's; UINT64_MAX: no sink (kept) */
	uint64_t cut;       /* the server stops after this much literal data; 0: does not */
	bool on;            /* progress on (else set on, then off again) */
	bool sunk;          /* the sink must have taken it */
};

static const struct ccase ccases[] = {
	{ "sunk", RECV, 3 * MiB, MiB, 0, true, true },
	{ "sunk, the sink takes every literal", RECV, 3 * MiB + 1, 0, 0, true, true },
	{ "kept (below the sink's threshold)", RECV, 200 * KiB, MiB, 0, true, false },
	{ "kept (no sink)", RECV, 3 * MiB, UINT64_MAX, 0, true, false },
	{ "empty literal", RECV, 0, 0, 0, true, true },
	{ "sunk, connection lost in the middle", RECV, 3 * MiB, MiB, MiB + 5, true, true },
	{ "kept, connection lost in the middle", RECV, 300 * KiB, MiB, 100 * KiB, true, false },
	{ "turned off: nothing, the sink as before", RECV, 3 * MiB, MiB, 0, false, true },
	{ "append", SEND, 3 * MiB, MiB, 0, true, false },
	{ "append, turned off", SEND, 3 * MiB, MiB, 0, false, false },
};

static ssize_t fake_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct fake *f = (struct fake *)c;
	size_t n = f->out.len - f->out_pos;

	(void)err;
	if (n > len)
		n = len;
	if (n > 16 * KiB)
		n = 16 * KiB;
	memcpy(buf, f->out.buf + f->out_pos, n);
	f->out_pos += n;
	return (ssize_t)n; /* 0 at the end: EOF */
}

static int fake_write(struct net_conn *c, const void *data, size_t len, struct imap_err *err)
{
	struct fake *f = (struct fake *)c;
	const char *sp;
	uint64_t i, n;

	(void)err;
	buf_add(&f->sent, data, len);
	if (f->out.len || !memchr(f->sent.buf, '\n', f->sent.len))
		return 0;
	sp = memchr(f->sent.buf, ' ', f->sent.len);
	ck_assert_ptr_nonnull(sp);
	if (f->c->kind == SEND) {
		/* "+" for the literal, and already the result: the client reads
		 * it after it has sent the data */
		buf_adds(&f->out, "+ go\r\n");
		buf_add(&f->out, f->sent.buf, (size_t)(sp - f->sent.buf));
		buf_adds(&f->out, " OK done\r\n");
		return 0;
	}
	buf_addf(&f->out, "* 5 FETCH (BODY[] {%" PRIu64 "}\r\n", f->c->size);
	n = f->c->cut ? f->c->cut : f->c->size;
	for (i = 0; i < n; i++)
		buf_addch(&f->out, 'a' + (int)(i % 26));
	if (f->c->cut)
		return 0;
	buf_adds(&f->out, ")\r\n");
	buf_add(&f->out, f->sent.buf, (size_t)(sp - f->sent.buf));
	buf_adds(&f->out, " OK done\r\n");
	return 0;
}

static void fake_describe(struct net_conn *c, struct buf *out)
{
	(void)c;
	buf_adds(out, "fake");
}

static int fake_pollfd(struct net_conn *c)
{
	(void)c;
	return -1;
}

static void fake_close(struct net_conn *c, struct buf *report)
{
	struct fake *f = (struct fake *)c;

	(void)report;
	buf_release(&f->out);
	buf_release(&f->sent);
	free(f);
}

static bool fake_local(struct net_conn *c)
{
	(void)c;
	return true;
}

static const struct net_ops fake_ops = {
	.name = "fake",
	.read = fake_read,
	.write = fake_write,
	.describe = fake_describe,
	.pollfd = fake_pollfd,
	.close = fake_close,
	.is_local = fake_local,
};

/* What the progress hook and the sink saw. */
struct seen {
	const struct ccase *c;
	size_t calls, ends;
	uint64_t last_done;
	bool bad_order;
	char what[128];
	uint64_t sunk_bytes;
	int begins, sink_ends, aborts;
};

static void record(void *ctx, const struct session_progress *p)
{
	struct seen *sn = ctx;
	struct buf b = BUF_INIT;

	if (sn->ends || (sn->calls == 0 && (p->done || p->end)) || p->done < sn->last_done ||
	    p->done > p->total || p->total != sn->c->size)
		sn->bad_order = true;
	sn->calls++;
	sn->ends += p->end;
	sn->last_done = p->done;
	progress_label(&b, p);
	snprintf(sn->what, sizeof(sn->what), "%s %s", p->dir == SESSION_XFER_SEND ? "send" : "receive",
		 b.buf);
	buf_release(&b);
}

static void *sink_begin(void *ctx, const struct imap_literal_info *info)
{
	struct seen *sn = ctx;

	sn->begins++;
	return info->size >= sn->c->threshold ? sn : NULL;
}

static int sink_data(void *ctx, void *h, const char *data, size_t len, struct imap_err *err)
{
	struct seen *sn = ctx;

	(void)h;
	(void)data;
	(void)err;
	sn->sunk_bytes += len;
	return 0;
}

static int sink_end(void *ctx, void *h, struct imap_err *err)
{
	struct seen *sn = ctx;

	(void)h;
	(void)err;
	sn->sink_ends++;
	return 0;
}

static void sink_abort(void *ctx, void *h)
{
	struct seen *sn = ctx;

	(void)h;
	sn->aborts++;
}

/* The message of an APPEND: size bytes of 'm'. */
static ssize_t msg_read(void *ctx, char *buf, size_t len, struct imap_err *err)
{
	(void)ctx;
	(void)err;
	memset(buf, 'm', len);
	return (ssize_t)len;
}

START_TEST(test_core)
{
	const struct ccase *c = &ccases[_i];
	struct fake *f = calloc(1, sizeof(*f));
	struct seen sn;
	struct imap_literal_sink sink = { sink_begin, sink_data, sink_end, sink_abort, &sn, 0 };
	struct session_hooks hooks;
	struct session *s;
	struct imap_literal_source src = { c->size, msg_read, NULL };
	struct imap_arg fetch_args[2] = { { IMAP_ARG_RAW, 0, "5", 1, NULL },
					  { IMAP_ARG_RAW, 0, "BODY[]", 6, NULL } };
	struct imap_arg append_args[2] = { { IMAP_ARG_ASTRING, 0, "INBOX", 5, NULL },
					   { IMAP_ARG_LITERAL, 0, NULL, 0, &src } };
	struct session_cmd cmd = { "FETCH", fetch_args, 2, "FETCH", NULL, NULL, false };
	struct imap_response *t = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	bool complete = !c->cut;
	int rc;

	memset(&sn, 0, sizeof(sn));
	sn.c = c;
	f->base.ops = &fake_ops;
	f->c = c;
	buf_init(&f->out, 0);
	buf_init(&f->sent, 0);
	memset(&hooks, 0, sizeof(hooks));
	if (c->threshold != UINT64_MAX)
		hooks.sink = &sink;
	s = session_new(&f->base, &hooks);
	session_set_progress(s, record, &sn);
	if (!c->on)
		session_set_progress(s, NULL, NULL);
	if (c->kind == SEND) {
		cmd.verb = "APPEND";
		cmd.args = append_args;
		cmd.data_name = NULL;
	}
	rc = session_command(s, &cmd, &t, &err);
	ck_assert_msg(rc == (complete ? 0 : -1), "%s: rc %d: %s", c->name, rc, err.msg);
	if (complete)
		ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	if (c->on) {
		ck_assert_msg(!sn.bad_order, "%s: reports out of order", c->name);
		ck_assert_msg(sn.calls >= 2 && sn.ends == 1, "%s: %zu calls, %zu ends", c->name,
			      sn.calls, sn.ends);
		if (complete)
			ck_assert_uint_eq(sn.last_done, c->size);
		else
			ck_assert_uint_lt(sn.last_done, c->size);
		ck_assert_str_eq(sn.what, c->kind == SEND ? "send append" : "receive fetch 5 BODY[]");
		/* a big literal gets many reports, not one at the end */
		if (c->size >= MiB && complete)
			ck_assert_uint_ge(sn.calls, 8);
	} else {
		ck_assert_uint_eq(sn.calls, 0);
	}
	/* the sink sees what it would have seen without progress */
	if (c->kind == RECV && c->threshold != UINT64_MAX)
		ck_assert_int_eq(sn.begins, 1);
	if (c->sunk) {
		ck_assert_uint_eq(sn.sunk_bytes, complete ? c->size : c->cut);
		ck_assert_int_eq(sn.sink_ends, complete);
	} else {
		ck_assert_uint_eq(sn.sunk_bytes, 0);
	}
	if (c->kind == RECV && complete && !c->sunk) {
		/* kept: the data is in the response, as always */
		ck_assert_uint_eq(f->out_pos, f->out.len);
	}
	imap_response_free(t);
	session_free(s, NULL);
	/* a literal cut off is aborted when the parser goes */
	if (c->sunk && !complete)
		ck_assert_int_eq(sn.aborts, 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_format, 0, (int)(sizeof(fcases) / sizeof(fcases[0])));
	tcase_add_loop_test(tc, test_label, 0, (int)(sizeof(lcases) / sizeof(lcases[0])));
	tcase_add_loop_test(tc, test_drawer, 0, (int)(sizeof(scenarios) / sizeof(scenarios[0])));
	tcase_add_test(tc, test_free_erases);
	tcase_add_loop_test(tc, test_core, 0, (int)(sizeof(ccases) / sizeof(ccases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
