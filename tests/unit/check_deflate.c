/*
 * check_deflate.c - the COMPRESS=DEFLATE layer (src/net/deflate.c) over an
 * in-memory inner connection, against zlib used directly as the server.
 *
 * Reading is table-driven: each case is what the server's stream holds
 * (clear text, zeros, incompressible bytes; how often it flushes; how it
 * ends: a sync flush, the final block, cut in the middle of a block,
 * garbage, data after the end), how many of its compressed bytes came
 * with the OK (initial), how the inner connection hands them out, and
 * how much each read() asks for.  Every case checks that the bytes come
 * back exactly, that no read() returns more than asked, and that memory
 * stays what the layer reported after its first read (the 20 MB bomb
 * too).  Writing is table-driven too: after each write() the server can
 * inflate everything written so far (each write is flushed).  Last, the
 * session's side (core/compress.c) against a scripted server: OK (with
 * compressed data in the same read as the OK), NO, BAD, not offered, a
 * second COMPRESS, corrupt data; and the parser's take_pending.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/session.h"
#include "net/deflate.h"
#include "net/tls.h"
#include "proto/parser.h"
#include "net/transport.h"
#include "unit.h"

#define N_CASES(a) (sizeof(a) / sizeof((a)[0]))
#define KB 1024
#define MB (1024 * 1024)
/* All of the layer's memory: buffers, zlib's deflate (256 KiB + state)
 * and inflate (32 KiB window + state) */
#define MEM_BOUND (700 * KB)

/* ------------------------------------------------- an in-memory inner */

struct fake {
	struct net_conn base;
	struct buf rx;        /* the server's bytes, handed out by read() */
	size_t rpos;
	size_t frag;          /* at most this much per read (0: all) */
	bool holds;           /* pending() counts what rx still holds (as
	                       * TLS does with decrypted records) */
	bool eof_note;        /* at the end: say why, as a child does */
	bool arrived_only;    /* only rx[0..arrived) has come: reading past it
	                       * would wait, and fails the test */
	size_t arrived;
	bool fail_writes;
	struct buf tx;        /* what the layer wrote */
	size_t reads;
	bool *closed;         /* set when closed (the test keeps the flag) */
};

static ssize_t fake_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct fake *f = (struct fake *)c;
	size_t n = f->rx.len - f->rpos;

	f->reads++;
	if (f->arrived_only) {
		ck_assert_msg(f->rpos < f->arrived, "a read from inner would wait (at byte %zu)",
			      f->rpos);
		n = f->arrived - f->rpos;
	}
	if (!n) {
		if (f->eof_note)
			err_set(err, IMAP_ERR_ABORT, "server process exited with status 3");
		return 0;
	}
	if (f->frag && n > f->frag)
		n = f->frag;
	if (n > len)
		n = len;
	memcpy(buf, f->rx.buf + f->rpos, n);
	f->rpos += n;
	return (ssize_t)n;
}

static int fake_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct fake *f = (struct fake *)c;

	if (f->fail_writes)
		return err_set(err, IMAP_ERR_ABORT, "cannot write to the server: Broken pipe");
	buf_add(&f->tx, buf, len);
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

static size_t fake_pending(struct net_conn *c)
{
	struct fake *f = (struct fake *)c;

	return f->holds ? f->rx.len - f->rpos : 0;
}

static bool fake_local(struct net_conn *c)
{
	(void)c;
	return true;
}

static void fake_close(struct net_conn *c, struct buf *report)
{
	struct fake *f = (struct fake *)c;

	if (report)
		buf_adds(report, "fake closed");
	if (f->closed)
		*f->closed = true;
	buf_release(&f->rx);
	buf_release(&f->tx);
	free(f);
}

static const struct net_ops fake_ops = {
	.name = "fake",
	.read = fake_read,
	.write = fake_write,
	.describe = fake_describe,
	.pollfd = fake_pollfd,
	.pending = fake_pending,
	.close = fake_close,
	.is_local = fake_local,
};

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	f->base.ops = &fake_ops;
	f->base.timeout_ms = 1234;
	buf_init(&f->rx, 0);
	buf_init(&f->tx, 0);
	return f;
}

/* ------------------------------------------------------ the server side */

enum content { TEXT, ZEROS, NOISE };

/* n bytes of content (deterministic). */
static void make_data(struct buf *out, enum content kind, size_t n)
{
	static const char *words[] = { "From: ", "Subject: ", "fetch ", "BODY[] ", "OK ",
				       "the ", "message ", "\r\n", "1 ", "(FLAGS (\\Seen)) " };
	uint32_t x = 2463534242u;

	buf_reset(out);
	buf_grow(out, n);
	while (out->len < n) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		if (kind == ZEROS) {
			size_t k = n - out->len < 65536 ? n - out->len : 65536;
			buf_grow(out, k);
			memset(out->buf + out->len, 0, k);
			buf_setlen(out, out->len + k);
		} else if (kind == NOISE) {
			buf_addch(out, (char)(x & 0xff));
		} else {
			const char *w = words[x % N_CASES(words)];
			size_t k = strlen(w);
			if (k > n - out->len)
				k = n - out->len;
			buf_add(out, w, k);
		}
	}
}

/* How the server's stream ends. */
enum tail {
	SYNC,       /* each piece flushed (Z_SYNC_FLUSH), the connection closed */
	FINISH,     /* the last piece ends the deflate stream (final block) */
	CUT,        /* the last block cut in half, then the connection closed */
	GARBAGE,    /* bytes that are no deflate stream after the good ones */
	AFTER_END,  /* the final block, then more compressed data */
};

/* Deflates clear as a server would, flushing every `every` bytes. */
static void server_stream(struct buf *out, const struct buf *clear, size_t every, enum tail tail)
{
	z_stream z;
	unsigned char chunk[16384];
	size_t off = 0;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
	buf_reset(out);
	do {
		size_t k = clear->len - off < every ? clear->len - off : every;
		bool last = off + k == clear->len;
		int flush = last && (tail == FINISH || tail == AFTER_END) ? Z_FINISH : Z_SYNC_FLUSH;
		size_t before = out->len;

		z.next_in = (unsigned char *)clear->buf + off;
		z.avail_in = (uInt)k;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			ck_assert_int_ne(deflate(&z, flush), Z_STREAM_ERROR);
			buf_add(out, chunk, sizeof(chunk) - z.avail_out);
		} while (z.avail_out == 0);
		off += k;
		if (last && tail == CUT) {
			/* half of the last piece's blocks: inside one */
			ck_assert_uint_gt(out->len - before, 8);
			buf_setlen(out, before + (out->len - before) / 2);
		}
	} while (off < clear->len);
	deflateEnd(&z);
	if (tail == GARBAGE)
		buf_add(out, "\xff\xff\xff\xff\xff\xff\xff\xff garbage", 16);
	if (tail == AFTER_END)
		buf_add(out, "\x02\x00", 2); /* an empty fixed block: more deflate data */
}

/* --------------------------------------------------------- read cases */

struct rcase {
	const char *name;
	enum content content;
	size_t size;      /* clear bytes the server sends */
	size_t every;     /* it flushes every so many */
	enum tail tail;
	size_t initial;   /* compressed bytes that came with the OK */
	size_t frag;      /* inner gives at most this much a read (0: all) */
	size_t readlen;   /* each read() asks for this much */
	bool holds;       /* inner's pending() counts its bytes */
	const char *err;  /* NULL: everything comes back, then a clean end */
};

static const struct rcase rcases[] = {
	{ "a line", TEXT, 40, 40, SYNC, 0, 0, 65536, false, NULL },
	{ "text, flushed per line-ish", TEXT, 200 * KB, 300, SYNC, 0, 0, 65536, false, NULL },
	{ "byte by byte from inner", TEXT, 8 * KB, 1000, SYNC, 0, 1, 65536, false, NULL },
	{ "reads of 1 byte", TEXT, 8 * KB, 8 * KB, SYNC, 0, 0, 1, false, NULL },
	{ "reads of 7 bytes, inner in 3s", TEXT, 20 * KB, 999, SYNC, 0, 3, 7, true, NULL },
	{ "incompressible", NOISE, 300 * KB, 64 * KB, SYNC, 0, 0, 65536, false, NULL },
	{ "all in the initial bytes", TEXT, 3000, 500, SYNC, SIZE_MAX, 0, 65536, false, NULL },
	{ "some in the initial bytes", TEXT, 100 * KB, 4000, SYNC, 100, 0, 65536, false, NULL },
	{ "initial bytes larger than the input buffer", NOISE, 100 * KB, 100 * KB, SYNC,
	  SIZE_MAX, 0, 65536, false, NULL },
	{ "ended with the final block", TEXT, 10 * KB, 1000, FINISH, 0, 0, 65536, false, NULL },
	{ "inner holds its bytes (TLS)", TEXT, 50 * KB, 700, SYNC, 0, 1500, 4096, true, NULL },
	{ "bomb: 20 MB of zeros in 64 KiB reads", ZEROS, 20 * MB, 20 * MB, SYNC, 0, 0, 65536,
	  false, NULL },
	{ "bomb, flushed every MB, inner in 100s", ZEROS, 20 * MB, MB, SYNC, 0, 100, 65536, true,
	  NULL },
	{ "corrupt", TEXT, 2000, 2000, GARBAGE, 0, 0, 65536, false,
	  "the compressed stream from the server is corrupt: " },
	{ "corrupt in the initial bytes", TEXT, 0, 1, GARBAGE, SIZE_MAX, 0, 65536, false,
	  "the compressed stream from the server is corrupt: " },
	{ "cut in the middle of a block", NOISE, 10 * KB, 10 * KB, CUT, 0, 0, 65536, false,
	  "the server closed the connection in the middle of compressed data" },
	{ "cut, text, byte by byte", TEXT, 30 * KB, 10 * KB, CUT, 0, 1, 65536, false,
	  "the server closed the connection in the middle of compressed data" },
	{ "data after the final block", TEXT, 1000, 1000, AFTER_END, 0, 0, 65536, false,
	  "protocol error: the server sent data after the end of its compressed stream" },
};

START_TEST(test_read)
{
	const struct rcase *tc = &rcases[_i];
	struct buf clear = BUF_INIT, wire = BUF_INIT, got = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct net_deflate_stats st;
	struct fake *f = fake_new();
	struct net_conn *c;
	size_t initial, first_peak = 0;
	char *space = malloc(tc->readlen);
	bool closed = false;
	ssize_t n;

	ck_assert_ptr_nonnull(space);
	make_data(&clear, tc->content, tc->size);
	server_stream(&wire, &clear, tc->every, tc->tail);
	initial = tc->initial < wire.len ? tc->initial : wire.len;
	buf_add(&f->rx, wire.buf + initial, wire.len - initial);
	f->frag = tc->frag;
	f->holds = tc->holds;
	f->closed = &closed;

	c = net_deflate_wrap(&f->base, wire.buf, initial, &err);
	ck_assert_msg(c != NULL, "%s: %s", tc->name, err.msg);
	ck_assert(net_is_deflate(c));
	ck_assert_int_eq(c->timeout_ms, 1234); /* inner's */
	ck_assert_ptr_eq(net_deflate_inner(c), &f->base);
	for (;;) {
		n = net_read(c, space, tc->readlen, &err);
		if (n <= 0)
			break;
		ck_assert_msg((size_t)n <= tc->readlen, "%s: read %zd bytes of %zu asked", tc->name, n,
			      tc->readlen);
		buf_add(&got, space, (size_t)n);
		ck_assert_int_eq(net_deflate_stats(c, &st), 0);
		if (!first_peak)
			first_peak = st.mem_peak;
		/* memory is set by the first read; nothing the server sends
		 * makes it grow */
		ck_assert_msg(st.mem_peak == first_peak && st.mem <= first_peak,
			      "%s: memory grew from %zu to %zu after %zu bytes", tc->name, first_peak,
			      st.mem_peak, got.len);
	}
	ck_assert_int_eq(net_deflate_stats(c, &st), 0);
	ck_assert_msg(st.mem_peak <= MEM_BOUND, "%s: %zu bytes held", tc->name, st.mem_peak);
	if (tc->err) {
		ck_assert_msg(n < 0, "%s: no error (read %zd after %zu bytes)", tc->name, n, got.len);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_msg(strstr(err.msg, tc->err) != NULL, "%s: %s", tc->name, err.msg);
		/* the error sticks */
		err_clear(&err);
		ck_assert_int_eq(net_read(c, space, tc->readlen, &err), -1);
		ck_assert(strstr(err.msg, tc->err) != NULL);
		ck_assert_uint_le(got.len, clear.len);
		ck_assert(memcmp(got.buf, clear.buf, got.len) == 0);
	} else {
		ck_assert_msg(n == 0, "%s: %s", tc->name, err.msg);
		ck_assert_msg(got.len == clear.len, "%s: %zu bytes of %zu", tc->name, got.len,
			      clear.len);
		ck_assert(memcmp(got.buf, clear.buf, got.len) == 0);
		ck_assert_uint_eq(st.in_clear, clear.len);
		ck_assert_uint_eq(st.in_compressed, wire.len);
		ck_assert_uint_eq(c->ops->pending(c), 1); /* the end, for a read to see */
	}
	net_close(c, NULL);
	ck_assert(closed);
	buf_release(&clear);
	buf_release(&wire);
	buf_release(&got);
	free(space);
}
END_TEST

/* -------------------------------------------------------- write cases */

struct wcase {
	const char *name;
	size_t sizes[6];   /* the writes, in order (0 ends) */
	enum content content;
};

static const struct wcase wcases[] = {
	{ "a command line", { 18 }, TEXT },
	{ "lines", { 20, 31, 5, 1, 200 }, TEXT },
	{ "a literal in 64 KiB chunks", { 40, 65536, 65536, 65536, 1000, 2 }, TEXT },
	{ "incompressible chunks", { 65536, 65536, 65536, 3 }, NOISE },
	{ "one 2 MB write", { 2 * MB }, TEXT },
	{ "zeros", { 5 * MB, 1 }, ZEROS },
};

START_TEST(test_write)
{
	const struct wcase *tc = &wcases[_i];
	struct buf data = BUF_INIT, inflated = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct net_deflate_stats st;
	struct fake *f = fake_new();
	struct net_conn *c = net_deflate_wrap(&f->base, NULL, 0, &err);
	z_stream z;
	size_t total = 0, i, taken = 0;
	unsigned char chunk[65536];

	ck_assert_ptr_nonnull(c);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, -15), Z_OK);
	for (i = 0; i < N_CASES(tc->sizes) && tc->sizes[i]; i++)
		total += tc->sizes[i];
	make_data(&data, tc->content, total);
	total = 0;
	for (i = 0; i < N_CASES(tc->sizes) && tc->sizes[i]; i++) {
		ck_assert_int_eq(net_write(c, data.buf + total, tc->sizes[i], &err), 0);
		total += tc->sizes[i];
		/* flushed: the server inflates all of it now, no byte waits */
		z.next_in = (unsigned char *)f->tx.buf + taken;
		z.avail_in = (uInt)(f->tx.len - taken);
		do {
			int rc;
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			rc = inflate(&z, Z_SYNC_FLUSH);
			ck_assert_msg(rc == Z_OK || rc == Z_BUF_ERROR, "%s: inflate %d", tc->name, rc);
			buf_add(&inflated, chunk, sizeof(chunk) - z.avail_out);
		} while (z.avail_in || z.avail_out == 0);
		taken = f->tx.len;
		ck_assert_msg(inflated.len == total, "%s: write %zu: %zu of %zu bytes inflate",
			      tc->name, i, inflated.len, total);
	}
	ck_assert(memcmp(inflated.buf, data.buf, total) == 0);
	ck_assert_int_eq(net_deflate_stats(c, &st), 0);
	ck_assert_uint_eq(st.out_clear, total);
	ck_assert_uint_eq(st.out_compressed, f->tx.len);
	ck_assert_uint_le(st.mem_peak, MEM_BOUND);
	if (tc->content != NOISE && total > 1000)
		ck_assert_uint_lt(st.out_compressed, total / 2);
	inflateEnd(&z);
	net_close(c, NULL);
	buf_release(&data);
	buf_release(&inflated);
}
END_TEST

/* ------------------------------------------------------------- the rest */

/* pending(): what a read returns without waiting, not compressed bytes
 * that inflate to nothing yet. */
START_TEST(test_pending)
{
	struct buf clear = BUF_INIT, wire = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct fake *f = fake_new();
	struct net_conn *c;
	char space[64];
	size_t k;

	f->holds = true;
	/* a flush with no data: compressed bytes that inflate to nothing */
	buf_reset(&clear);
	server_stream(&wire, &clear, 1, SYNC);
	ck_assert_uint_gt(wire.len, 0);
	buf_add(&f->rx, wire.buf, wire.len);
	c = net_deflate_wrap(&f->base, NULL, 0, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->ops->pending(c), 0);
	ck_assert_uint_eq(f->rpos, f->rx.len); /* taken from inner, without waiting */
	/* 100 bytes come: pending says so, and read returns them */
	make_data(&clear, TEXT, 100);
	server_stream(&wire, &clear, 100, SYNC);
	/* (a second stream: skip its start, a new deflate stream is a
	 * stream of blocks too, so it simply goes on) */
	buf_add(&f->rx, wire.buf, wire.len);
	k = c->ops->pending(c);
	ck_assert_uint_ge(k, 100);
	ck_assert_int_eq(net_read(c, space, sizeof(space), &err), 64);
	ck_assert(memcmp(space, clear.buf, 64) == 0);
	ck_assert_uint_ge(c->ops->pending(c), 36);
	ck_assert_int_eq(net_read(c, space, sizeof(space), &err), 36);
	ck_assert(memcmp(space, clear.buf + 64, 36) == 0);
	/* inner cannot tell its end before a read: nothing pending */
	ck_assert_uint_eq(c->ops->pending(c), 0);
	ck_assert_int_eq(net_read(c, space, sizeof(space), &err), 0);
	ck_assert_uint_eq(c->ops->pending(c), 1); /* now the end is known */
	net_close(c, NULL);

	/* an inner that cannot tell (a plain fd): bytes already taken count */
	f = fake_new();
	server_stream(&wire, &clear, 100, SYNC);
	c = net_deflate_wrap(&f->base, wire.buf, wire.len, &err);
	ck_assert_uint_ge(c->ops->pending(c), 100);
	ck_assert_int_eq(f->reads, 0);
	net_close(c, NULL);
	buf_release(&clear);
	buf_release(&wire);
}
END_TEST

/*
 * ready(): a readable fd is no promise of clear text.  The server's
 * sync-flush marker (00 00 ff ff) comes apart from the response it ends,
 * byte by byte here: ready() takes it, says "not ready", and never reads
 * what has not come (a read would wait for the next response, and the
 * session's next command would never go).
 */
START_TEST(test_ready)
{
	static const char *responses[] = { "* 1 EXISTS\r\n", "a1 OK done\r\n" };
	struct buf clear = BUF_INIT, wire = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct fake *f = fake_new();
	struct net_conn *c;
	char space[64];
	size_t i, end, marker;

	f->arrived_only = true;
	c = net_deflate_wrap(&f->base, NULL, 0, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(c->ops->ready);
	/* nothing came, and poll() said so */
	ck_assert(!c->ops->ready(c, false));
	ck_assert_uint_eq(f->reads, 0);
	for (i = 0; i < 2; i++) {
		/* each response its own stream: a server's stream is a series
		 * of blocks, so one after another inflate as one */
		buf_reset(&clear);
		buf_adds(&clear, responses[i]);
		server_stream(&wire, &clear, clear.len, SYNC);
		ck_assert_uint_gt(wire.len, 4);
		ck_assert(!memcmp(wire.buf + wire.len - 4, "\x00\x00\xff\xff", 4));
		marker = f->rx.len + wire.len - 4;
		buf_add(&f->rx, wire.buf, wire.len);
		/* the response without its marker: clear text, ready */
		f->arrived = marker;
		ck_assert(c->ops->ready(c, true));
		ck_assert_int_eq(net_read(c, space, sizeof(space), &err), (ssize_t)clear.len);
		ck_assert(!memcmp(space, clear.buf, clear.len));
		ck_assert(!c->ops->ready(c, false));
		/* the marker, a byte at a time: readable, never ready */
		for (end = marker + 1; end <= f->rx.len; end++) {
			f->arrived = end;
			ck_assert_msg(!c->ops->ready(c, true), "ready after %zu marker bytes",
				      end - marker);
			ck_assert_uint_eq(f->rpos, end);
			ck_assert_uint_eq(c->ops->pending(c), 0);
		}
	}
	/* the end is ready: the read says so */
	f->arrived_only = false;
	ck_assert(c->ops->ready(c, true));
	ck_assert_int_eq(net_read(c, space, sizeof(space), &err), 0);
	net_close(c, NULL);

	/* a stream cut in the middle of a block: ready, and the read fails */
	f = fake_new();
	buf_reset(&clear);
	make_data(&clear, TEXT, 3000);
	server_stream(&wire, &clear, 3000, CUT);
	buf_add(&f->rx, wire.buf, wire.len);
	c = net_deflate_wrap(&f->base, NULL, 0, &err);
	while (c->ops->ready(c, true) && net_read(c, space, sizeof(space), &err) > 0)
		;
	err_clear(&err);
	ck_assert(c->ops->ready(c, true));
	ck_assert_int_eq(net_read(c, space, sizeof(space), &err), -1);
	ck_assert_str_eq(err.msg, "the server closed the connection in the middle of compressed data");
	net_close(c, NULL);
	buf_release(&clear);
	buf_release(&wire);
}
END_TEST

static size_t obs_calls, obs_clear[2], obs_comp[2];

static void observer(void *ctx, bool sent, size_t clear, size_t compressed)
{
	ck_assert_ptr_eq(ctx, &obs_calls);
	obs_calls++;
	obs_clear[sent] += clear;
	obs_comp[sent] += compressed;
}

/* Stats, the observer, describe, and what goes through to inner. */
START_TEST(test_stats_describe)
{
	struct buf clear = BUF_INIT, wire = BUF_INIT, d = BUF_INIT, report = BUF_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct net_deflate_stats st;
	struct fake *f = fake_new();
	struct net_conn *c;
	char space[65536];
	ssize_t n;

	make_data(&clear, TEXT, 30000);
	server_stream(&wire, &clear, 30000, SYNC);
	buf_add(&f->rx, wire.buf, wire.len);
	f->eof_note = true;
	c = net_deflate_wrap(&f->base, NULL, 0, &err);
	net_deflate_observe(c, observer, &obs_calls);
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), 0);
	while ((n = net_read(c, space, sizeof(space), &err)) > 0)
		;
	ck_assert_int_eq(n, 0);
	/* a clean end passes on what inner said */
	ck_assert_str_eq(err.msg, "server process exited with status 3");
	ck_assert_int_eq(net_deflate_stats(c, &st), 0);
	ck_assert_uint_eq(st.in_compressed, wire.len);
	ck_assert_uint_eq(st.in_clear, 30000);
	ck_assert_uint_eq(st.out_clear, 9);
	ck_assert_uint_eq(st.out_compressed, f->tx.len);
	ck_assert_uint_eq(obs_clear[0], 30000);
	ck_assert_uint_eq(obs_comp[0], wire.len);
	ck_assert_uint_eq(obs_clear[1], 9);
	ck_assert_uint_eq(obs_comp[1], f->tx.len);
	ck_assert_uint_ge(obs_calls, 2);
	net_describe(c, &d);
	buf_reset(&report);
	buf_addf(&report, "fake; deflate: received %zu bytes compressed, 30000 clear (ratio %.1f); "
		 "sent 9 clear, %zu compressed (ratio %.1f)", wire.len, 30000.0 / (double)wire.len,
		 f->tx.len, 9.0 / (double)f->tx.len);
	ck_assert_str_eq(d.buf, report.buf);
	ck_assert(net_peer_is_local(c));
	ck_assert_int_eq(c->ops->pollfd(c), -1);
	ck_assert(!net_is_tls(c));
	ck_assert_int_eq(net_deflate_stats(&f->base, &st), -1);
	ck_assert_ptr_eq(net_deflate_inner(&f->base), &f->base);
	buf_reset(&report);
	net_close(c, &report);
	ck_assert_str_eq(report.buf, "fake closed");

	/* nothing moved yet: no ratio */
	buf_reset(&d);
	memset(&st, 0, sizeof(st));
	net_deflate_describe_stats(&st, &d);
	ck_assert_str_eq(d.buf, "received 0 bytes compressed, 0 clear (ratio -); sent 0 clear, "
		     "0 compressed (ratio -)");
	buf_release(&clear);
	buf_release(&wire);
	buf_release(&d);
	buf_release(&report);
}
END_TEST

/* A failed write cuts the stream: it fails from then on. */
START_TEST(test_write_error)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct fake *f = fake_new();
	struct net_conn *c = net_deflate_wrap(&f->base, NULL, 0, &err);

	f->fail_writes = true;
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, "cannot write to the server: Broken pipe");
	f->fail_writes = false;
	err_clear(&err);
	ck_assert_int_eq(net_write(c, "a2 NOOP\r\n", 9, &err), -1);
	ck_assert_str_eq(err.msg, "cannot write to the server: Broken pipe");
	ck_assert_uint_eq(f->tx.len, 0);
	ck_assert_int_eq(net_write(c, "", 0, &err), -1);
	net_close(c, NULL);
	/* no connection to wrap */
	err_clear(&err);
	ck_assert_ptr_null(net_deflate_wrap(NULL, NULL, 0, &err));
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
}
END_TEST

/* ------------------------------------ the session: COMPRESS (core/compress.c) */

/*
 * A scripted server on an in-memory connection: it answers CAPABILITY,
 * COMPRESS, NOOP and LOGOUT, compressing (and inflating) once it said OK
 * to COMPRESS, as Dovecot does.  Its answers to a line are queued at once,
 * so the OK to COMPRESS and the first compressed bytes after it come in
 * the same read (they must be told apart: the parser's leftover bytes).
 */
struct server {
	struct net_conn base;
	const struct scase *tc;
	struct buf rx;        /* for the client to read */
	size_t rpos;
	struct buf lines;     /* what the client sent, in clear */
	size_t lpos;
	bool zon;
	z_stream zin, zout;
	size_t commands, compress_seen;
	struct buf wire_up;   /* what the client wrote, as it went */
};

struct scase {
	const char *name;
	const char *caps;       /* after IMAP4rev1 in the greeting */
	const char *answer;     /* to COMPRESS: "OK ...", "NO ...", "BAD ..." */
	const char *after_ok;   /* compressed bytes sent right after the OK */
	bool twice;             /* compress again after it worked */
	int rc;                 /* of session_compress */
	enum imap_err_kind kind;
	const char *err;        /* part of the message */
	bool compressed;        /* afterwards */
	size_t compress_sent;   /* COMPRESS lines the server got */
	const char *untagged;   /* names the hooks saw, comma-separated */
};

static const struct scase scases[] = {
	{ "OK", "COMPRESS=DEFLATE", "OK go", NULL, false, 0, IMAP_ERR_NONE, NULL, true, 1,
	  "PREAUTH," },
	{ "OK with compressed data in the same read", "COMPRESS=DEFLATE", "OK go",
	  "* 3 EXISTS\r\n* 1 RECENT\r\n", false, 0, IMAP_ERR_NONE, NULL, true, 1,
	  "PREAUTH,EXISTS,RECENT," },
	{ "NO: uncompressed, goes on", "COMPRESS=DEFLATE", "NO [COMPRESSIONACTIVE] no", NULL,
	  false, 0, IMAP_ERR_NONE, NULL, false, 1, "PREAUTH," },
	{ "BAD", "COMPRESS=DEFLATE", "BAD what", NULL, false, 0, IMAP_ERR_NONE, NULL, false, 1,
	  "PREAUTH," },
	{ "not offered: nothing sent", "IDLE", "OK go", NULL, false, -1, IMAP_ERR_ERROR,
	  "the server does not offer COMPRESS=DEFLATE", false, 0, "PREAUTH," },
	{ "a second one: refused, nothing sent", "COMPRESS=DEFLATE", "OK go", NULL, true, -1,
	  IMAP_ERR_ERROR, "COMPRESS is already active", true, 1, "PREAUTH," },
	{ "corrupt data after the OK", "COMPRESS=DEFLATE", "OK go", "\xff\xff\xff garbage", false,
	  0, IMAP_ERR_NONE, NULL, true, 1, "PREAUTH," },
};

static void srv_queue(struct server *v, const char *text)
{
	unsigned char chunk[4096];

	if (!v->zon) {
		buf_adds(&v->rx, text);
		return;
	}
	v->zout.next_in = (unsigned char *)text;
	v->zout.avail_in = (uInt)strlen(text);
	do {
		v->zout.next_out = chunk;
		v->zout.avail_out = sizeof(chunk);
		ck_assert_int_ne(deflate(&v->zout, Z_SYNC_FLUSH), Z_STREAM_ERROR);
		buf_add(&v->rx, chunk, sizeof(chunk) - v->zout.avail_out);
	} while (v->zout.avail_out == 0);
}

static void srv_answer(struct server *v, const char *line)
{
	char tag[32], verb[32], reply[300];

	if (sscanf(line, "%31s %31s", tag, verb) != 2)
		return;
	v->commands++;
	if (!strcmp(verb, "COMPRESS")) {
		v->compress_seen++;
		ck_assert_str_eq(line + strlen(tag), " COMPRESS DEFLATE\r\n");
		snprintf(reply, sizeof(reply), "%s %s\r\n", tag, v->tc->answer);
		srv_queue(v, reply);
		if (strncmp(v->tc->answer, "OK", 2))
			return;
		v->zon = true;
		if (v->tc->after_ok && v->tc->after_ok[0] == '\xff')
			buf_adds(&v->rx, v->tc->after_ok); /* not deflate at all */
		else if (v->tc->after_ok)
			srv_queue(v, v->tc->after_ok);
		return;
	}
	if (!strcmp(verb, "LOGOUT"))
		snprintf(reply, sizeof(reply), "* BYE bye\r\n%s OK bye\r\n", tag);
	else if (!strcmp(verb, "CAPABILITY"))
		snprintf(reply, sizeof(reply), "* CAPABILITY IMAP4rev1 %s\r\n%s OK caps\r\n",
			 v->tc->caps, tag);
	else
		snprintf(reply, sizeof(reply), "%s OK %s done\r\n", tag, verb);
	srv_queue(v, reply);
}

static int srv_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct server *v = (struct server *)c;
	char *nl;

	(void)err;
	buf_add(&v->wire_up, buf, len);
	if (v->zon) {
		unsigned char chunk[4096];
		v->zin.next_in = (unsigned char *)buf;
		v->zin.avail_in = (uInt)len;
		do {
			int rc;
			v->zin.next_out = chunk;
			v->zin.avail_out = sizeof(chunk);
			rc = inflate(&v->zin, Z_SYNC_FLUSH);
			ck_assert_msg(rc == Z_OK || rc == Z_BUF_ERROR, "server: inflate %d", rc);
			buf_add(&v->lines, chunk, sizeof(chunk) - v->zin.avail_out);
		} while (v->zin.avail_in || v->zin.avail_out == 0);
	} else {
		buf_add(&v->lines, buf, len);
	}
	while ((nl = memchr(v->lines.buf + v->lpos, '\n', v->lines.len - v->lpos)) != NULL) {
		size_t end = (size_t)(nl - v->lines.buf) + 1;
		char *line = strndup(v->lines.buf + v->lpos, end - v->lpos);
		v->lpos = end;
		srv_answer(v, line);
		free(line);
	}
	return 0;
}

static ssize_t srv_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct server *v = (struct server *)c;
	size_t n = v->rx.len - v->rpos;

	(void)err;
	if (n > len)
		n = len;
	memcpy(buf, v->rx.buf + v->rpos, n); /* all there is: OK and what follows */
	v->rpos += n;
	return (ssize_t)n;
}

static size_t srv_pending(struct net_conn *c)
{
	(void)c;
	return 0;
}

static void srv_close(struct net_conn *c, struct buf *report)
{
	struct server *v = (struct server *)c;

	(void)report;
	inflateEnd(&v->zin);
	deflateEnd(&v->zout);
	buf_release(&v->rx);
	buf_release(&v->lines);
	buf_release(&v->wire_up);
	free(v);
}

static const struct net_ops server_ops = {
	.name = "server",
	.read = srv_read,
	.write = srv_write,
	.describe = fake_describe,
	.pollfd = fake_pollfd,
	.pending = srv_pending,
	.close = srv_close,
	.is_local = fake_local,
};

static struct buf seen_names, seen_trace;

static void on_untagged(void *ctx, const struct imap_response *r)
{
	(void)ctx;
	buf_addf(&seen_names, "%s,", r->name ? r->name : "?");
}

static void on_trace(void *ctx, int level, enum trace_kind kind, const char *text, size_t len)
{
	(void)ctx;
	(void)kind;
	buf_addf(&seen_trace, "%d %.*s\n", level, (int)len, text);
}

START_TEST(test_session)
{
	const struct scase *tc = &scases[_i];
	static const int level = 5;
	struct session_hooks h = { .untagged = on_untagged, .trace = on_trace,
				   .trace_level = &level };
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *t = NULL;
	struct server *v = calloc(1, sizeof(*v));
	struct session *s;
	struct session_cmd noop = { "NOOP", NULL, 0, NULL, NULL, NULL, false };
	char greeting[200];
	size_t writes_before;
	int rc;

	buf_init(&seen_names, 0);
	buf_init(&seen_trace, 0);
	v->base.ops = &server_ops;
	v->tc = tc;
	buf_init(&v->rx, 0);
	buf_init(&v->lines, 0);
	buf_init(&v->wire_up, 0);
	ck_assert_int_eq(inflateInit2(&v->zin, -15), Z_OK);
	ck_assert_int_eq(deflateInit2(&v->zout, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	snprintf(greeting, sizeof(greeting), "* PREAUTH [CAPABILITY IMAP4rev1 %s] hi\r\n", tc->caps);
	buf_adds(&v->rx, greeting);
	s = session_new(&v->base, &h);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert(!session_is_compressed(s));

	if (tc->twice) {
		ck_assert_int_eq(session_compress(s, &t, &err), 0);
		imap_response_free(t);
		t = NULL;
	}
	writes_before = v->wire_up.len;
	rc = session_compress(s, &t, &err);
	ck_assert_msg(rc == tc->rc, "%s: rc %d (%s)", tc->name, rc, err.msg);
	if (rc < 0) {
		ck_assert_int_eq(err.kind, tc->kind);
		ck_assert_msg(strstr(err.msg, tc->err) != NULL, "%s: %s", tc->name, err.msg);
		ck_assert_ptr_null(t);
		ck_assert_uint_eq(v->wire_up.len, writes_before); /* nothing sent */
	} else {
		ck_assert_ptr_nonnull(t);
		ck_assert_msg(!strncmp(tc->answer, imap_status_name(t->status), 2), "%s", tc->name);
	}
	imap_response_free(t);
	ck_assert_uint_eq(v->compress_seen, tc->compress_sent);
	ck_assert(session_is_compressed(s) == tc->compressed);
	ck_assert(session_alive(s));
	ck_assert(net_is_deflate(session_conn(s)) == tc->compressed);

	/* the session goes on, compressed or not */
	rc = session_command(s, &noop, &t, &err);
	if (tc->after_ok && tc->after_ok[0] == '\xff') {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		ck_assert_msg(strstr(err.msg, "the compressed stream from the server is corrupt: ")
			      != NULL, "%s", err.msg);
		ck_assert(!session_alive(s));
	} else {
		ck_assert_msg(rc == 0, "%s: %s", tc->name, err.msg);
		ck_assert_int_eq(t->status, IMAP_STATUS_OK);
		imap_response_free(t);
		ck_assert_str_eq(seen_names.buf, tc->untagged);
		if (tc->compressed) {
			/* the NOOP went compressed, and -d 5 said so both ways */
			ck_assert(memmem(v->wire_up.buf, v->wire_up.len, "NOOP", 4) == NULL);
			ck_assert_msg(strstr(seen_trace.buf, "5 deflate: sent ") != NULL, "%s",
				      seen_trace.buf);
			ck_assert(strstr(seen_trace.buf, " compressed bytes as ") != NULL);
			ck_assert(strstr(seen_trace.buf, "1 compression (DEFLATE) is on") != NULL);
		} else {
			ck_assert(memmem(v->wire_up.buf, v->wire_up.len, "NOOP\r\n", 6) != NULL);
			ck_assert(strstr(seen_trace.buf, "deflate:") == NULL);
		}
	}
	session_free(s, NULL);
	buf_release(&seen_names);
	buf_release(&seen_trace);
}
END_TEST

/* Without tagged_r a NO is an error (kind ERROR) with the server's text. */
START_TEST(test_session_no_as_error)
{
	static const struct scase tc = { "NO", "COMPRESS=DEFLATE", "NO not today", NULL, false, 0,
					 IMAP_ERR_NONE, NULL, false, 1, NULL };
	struct session_hooks h = { 0 };
	struct imap_err err = IMAP_ERR_INIT;
	struct server *v = calloc(1, sizeof(*v));
	struct session *s;

	v->base.ops = &server_ops;
	v->tc = &tc;
	buf_init(&v->rx, 0);
	buf_init(&v->lines, 0);
	buf_init(&v->wire_up, 0);
	ck_assert_int_eq(inflateInit2(&v->zin, -15), Z_OK);
	ck_assert_int_eq(deflateInit2(&v->zout, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	buf_adds(&v->rx, "* PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] hi\r\n");
	s = session_new(&v->base, &h);
	ck_assert_int_eq(session_greet(s, &err), 0);
	ck_assert_int_eq(session_compress(s, NULL, &err), -1);
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_str_eq(err.msg, "COMPRESS failed: NO not today");
	ck_assert(session_alive(s) && !session_is_compressed(s));
	session_free(s, NULL);
}
END_TEST

/* The parser's bytes after a response: moved out only between responses. */
START_TEST(test_parser_take_pending)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;

	imap_parser_feed(p, "a1 OK go\r\n\x78\x9c\x00zz", 15);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	ck_assert_str_eq(r->tag, "a1");
	imap_response_free(r);
	ck_assert_uint_eq(imap_parser_pending(p), 5);
	ck_assert_uint_eq(imap_parser_take_pending(p, &out), 5);
	ck_assert_uint_eq(out.len, 5);
	ck_assert(memcmp(out.buf, "\x78\x9c\x00zz", 5) == 0);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	/* nothing left: 0 bytes, fine */
	ck_assert_uint_eq(imap_parser_take_pending(p, &out), 0);
	/* the parser works on afterwards */
	imap_parser_feed(p, "* 1 EXISTS\r\n* 2 EXI", 19);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 1);
	imap_response_free(r);
	ck_assert_int_eq(imap_parser_next(p, &r, &err), 0);
	/* a response begun: not between two, nothing moves */
	ck_assert_uint_eq(imap_parser_take_pending(p, &out), (size_t)-1);
	ck_assert_uint_eq(out.len, 5);
	ck_assert_uint_eq(imap_parser_pending(p), 7);
	imap_parser_free(p);
	buf_release(&out);
}
END_TEST

static Suite *deflate_suite(void)
{
	Suite *s = suite_create("deflate");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_read, 0, (int)N_CASES(rcases));
	tcase_add_loop_test(tc, test_write, 0, (int)N_CASES(wcases));
	tcase_add_test(tc, test_pending);
	tcase_add_test(tc, test_ready);
	tcase_add_test(tc, test_stats_describe);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("session");
	tcase_add_loop_test(tc, test_session, 0, (int)N_CASES(scases));
	tcase_add_test(tc, test_session_no_as_error);
	tcase_add_test(tc, test_parser_take_pending);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(deflate_suite)
