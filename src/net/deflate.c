/*
 * deflate.c - COMPRESS=DEFLATE over any transport (see deflate.h).
 *
 * Reading: compressed bytes come from inner into a fixed input buffer and
 * are inflated straight into the caller's buffer.  Where a block ends is
 * known from zlib's data_type (bit 128: inflate stopped between blocks,
 * which it reports after every call), so an end of stream can be told
 * clean (between blocks, as after the server's Z_SYNC_FLUSH) from a cut
 * one (in the middle of a block).
 *
 * pending(): bytes a read would return without waiting.  Compressed bytes
 * do not say that by themselves (a piece of a block inflates to nothing
 * until the rest comes), so pending() inflates what is buffered (and what
 * inner holds, which it takes without waiting) into the look-ahead, and
 * counts what came out, plus what is still to be inflated, plus inner's
 * pending bytes: "anything buffered?" is then right over TLS too.
 *
 * ready(): the same question when poll() saw the fd readable.  A readable
 * fd is no promise of clear text: the server's sync-flush marker (00 00
 * ff ff) may come apart from the data it ends, and inflates to nothing.
 * ready() takes one read of what came, inflates it into the look-ahead,
 * and says "ready" only for clear text, the end or an error; a caller
 * that went on to read() would otherwise wait there for the server's
 * next response, while a command of its own is still unsent.
 *
 * zlib allocates through our functions, which count, so the memory
 * reported by net_deflate_stats is the truth, not an estimate.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "net/deflate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/xalloc.h"

struct deflate_conn {
	struct net_conn base;
	struct net_conn *inner;
	z_stream zin, zout;
	bool zin_ok, zout_ok;

	unsigned char *ibuf;   /* compressed input; zin.next_in points into it */
	size_t ibuf_size;
	unsigned char *obuf;   /* compressed output, NET_DEFLATE_OUT_BUF */
	unsigned char *peek;   /* inflated ahead by pending(), NET_DEFLATE_PEEK_BUF */
	size_t peek_pos, peek_len;

	bool fed;         /* inflate() has run: data_type means something */
	bool between;     /* ... and stopped between two blocks */
	bool stream_end;  /* the server ended its deflate stream (final block) */
	bool inner_eof;   /* inner reached its end (sticky) */
	struct imap_err eof_note; /* what inner said then (a child's exit) */
	bool broken;      /* reading cannot go on: fail says why */
	struct imap_err fail;
	bool out_broken;  /* writing cannot go on: out_fail says why */
	struct imap_err out_fail;

	struct net_deflate_stats st;
	uint64_t unreported;   /* compressed bytes inflated since the last report */
	net_deflate_observer obs;
	void *obs_ctx;
};

static const struct net_ops deflate_ops;

#define AFTER_END "protocol error: the server sent data after the end of its compressed stream"

/* ---- zlib's memory, counted */

#define HDR 16 /* keeps malloc's alignment */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
	struct deflate_conn *d = opaque;
	size_t n = (size_t)items * size;
	unsigned char *p;

	if (size && n / size != items)
		return Z_NULL;
	p = malloc(n + HDR);
	if (!p)
		return Z_NULL;
	memcpy(p, &n, sizeof(n));
	d->st.mem += n;
	if (d->st.mem > d->st.mem_peak)
		d->st.mem_peak = d->st.mem;
	return p + HDR;
}

static void z_free(voidpf opaque, voidpf address)
{
	struct deflate_conn *d = opaque;
	unsigned char *p = address;
	size_t n;

	if (!p)
		return;
	p -= HDR;
	memcpy(&n, p, sizeof(n));
	d->st.mem -= n;
	free(p);
}

/* Our own buffers count too. */
static void *buf_alloc(struct deflate_conn *d, size_t n)
{
	void *p = xmalloc(n);

	d->st.mem += n;
	if (d->st.mem > d->st.mem_peak)
		d->st.mem_peak = d->st.mem;
	return p;
}

/* ---- errors */

static ssize_t read_broken(struct deflate_conn *d, struct imap_err *err, const char *msg)
{
	d->broken = true;
	err_set(&d->fail, IMAP_ERR_ABORT, "%s", msg);
	if (err)
		*err = d->fail;
	return -1;
}

static ssize_t corrupt(struct deflate_conn *d, int rc, struct imap_err *err)
{
	const char *why = d->zin.msg ? d->zin.msg
			  : rc == Z_MEM_ERROR ? "out of memory"
			  : rc == Z_NEED_DICT ? "it needs a preset dictionary"
			  : "zlib error";
	char msg[300];

	snprintf(msg, sizeof(msg), rc == Z_MEM_ERROR ? "cannot inflate the server's data: %s"
		 : "the compressed stream from the server is corrupt: %s", why);
	return read_broken(d, err, msg);
}

/* ---- inflating */

/*
 * Inflates buffered input into out[0..len): bytes produced (0: nothing
 * yet, all the input taken), or -1 with d->fail set.
 */
static ssize_t inflate_some(struct deflate_conn *d, unsigned char *out, size_t len,
			    struct imap_err *err)
{
	uInt before = d->zin.avail_in;
	int rc;

	if (d->stream_end) {
		if (d->zin.avail_in)
			return read_broken(d, err, AFTER_END);
		return 0;
	}
	if (len > UINT_MAX)
		len = UINT_MAX;
	d->zin.next_out = out;
	d->zin.avail_out = (uInt)len;
	rc = inflate(&d->zin, Z_NO_FLUSH);
	d->fed = true;
	d->unreported += before - d->zin.avail_in;
	if (rc == Z_STREAM_END) {
		d->stream_end = true;
	} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
		return corrupt(d, rc, err);
	} else if (before && d->zin.avail_in == before && d->zin.avail_out == len) {
		/* input and room, and no progress: never loop on it */
		return corrupt(d, Z_STREAM_ERROR, err);
	}
	/* data_type: +128 when inflate() stopped between two blocks */
	d->between = (d->zin.data_type & 128) != 0;
	return (ssize_t)(len - d->zin.avail_out);
}

/* Was the stream cut in the middle of a block (at inner's end)? */
static bool mid_block(const struct deflate_conn *d)
{
	if (d->stream_end || !d->fed)
		return false;
	return !d->between || d->zin.avail_in;
}

/*
 * Reads more compressed input from inner (the input buffer is empty):
 * 1 got some, 0 end of stream (clean: between blocks), -1 error (err
 * set; sticky when the stream was cut).  max bounds the read (pending()
 * takes only what inner holds).
 */
static int refill(struct deflate_conn *d, size_t max, struct imap_err *err)
{
	struct imap_err e = IMAP_ERR_INIT;
	ssize_t n;

	if (!d->inner_eof) {
		if (max > d->ibuf_size)
			max = d->ibuf_size;
		d->inner->timeout_ms = d->base.timeout_ms;
		n = net_read(d->inner, d->ibuf, max, &e);
		if (n < 0) {
			if (err)
				*err = e;
			return -1;
		}
		if (n > 0) {
			d->zin.next_in = d->ibuf;
			d->zin.avail_in = (uInt)n;
			d->st.in_compressed += (uint64_t)n;
			return 1;
		}
		d->inner_eof = true;
		d->eof_note = e;
	}
	if (mid_block(d))
		return (int)read_broken(d, err, "the server closed the connection in the middle "
					"of compressed data");
	if (err)
		*err = d->eof_note; /* a child's exit status, or nothing */
	return 0;
}

static void report(struct deflate_conn *d, size_t clear)
{
	d->st.in_clear += clear;
	if (d->obs)
		d->obs(d->obs_ctx, false, clear, (size_t)d->unreported);
	d->unreported = 0;
}

/* ---- ops */

static ssize_t dfl_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct deflate_conn *d = (struct deflate_conn *)c;

	if (d->broken) {
		if (err)
			*err = d->fail;
		return -1;
	}
	if (!len)
		return 0;
	if (d->peek_len) {
		size_t n = d->peek_len < len ? d->peek_len : len;
		memcpy(buf, d->peek + d->peek_pos, n);
		d->peek_pos += n;
		d->peek_len -= n;
		report(d, n);
		return (ssize_t)n;
	}
	for (;;) {
		ssize_t n;
		int rc;

		if (d->zin.avail_in || d->stream_end) {
			n = inflate_some(d, buf, len, err);
			if (n < 0)
				return -1;
			if (n > 0) {
				report(d, (size_t)n);
				return n;
			}
			/* no output with room for it: all the input was taken
			 * (a piece of a block), or the stream has ended */
		}
		rc = refill(d, d->ibuf_size, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
		if (d->stream_end)
			return read_broken(d, err, AFTER_END);
	}
}

static int dfl_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct deflate_conn *d = (struct deflate_conn *)c;
	const unsigned char *p = buf;
	uint64_t sent = 0;

	if (d->out_broken) {
		if (err)
			*err = d->out_fail;
		return -1;
	}
	while (len) {
		uInt take = len > (1U << 30) ? (1U << 30) : (uInt)len;

		d->zout.next_in = (unsigned char *)p;
		d->zout.avail_in = take;
		/* until deflate() leaves room: all taken, and flushed */
		do {
			size_t have;
			int rc;

			d->zout.next_out = d->obuf;
			d->zout.avail_out = NET_DEFLATE_OUT_BUF;
			rc = deflate(&d->zout, Z_SYNC_FLUSH);
			if (rc != Z_OK && rc != Z_BUF_ERROR) {
				d->out_broken = true;
				err_set(&d->out_fail, IMAP_ERR_ABORT, "cannot compress what is sent: %s",
					d->zout.msg ? d->zout.msg : "zlib error");
				if (err)
					*err = d->out_fail;
				return -1;
			}
			have = NET_DEFLATE_OUT_BUF - d->zout.avail_out;
			if (have) {
				d->inner->timeout_ms = d->base.timeout_ms;
				if (net_write(d->inner, d->obuf, have, &d->out_fail) < 0) {
					/* the stream is cut at an unknown point */
					d->out_broken = true;
					d->out_fail.kind = IMAP_ERR_ABORT;
					if (err)
						*err = d->out_fail;
					return -1;
				}
				d->st.out_compressed += have;
				sent += have;
			}
		} while (d->zout.avail_out == 0);
		p += take;
		len -= take;
		d->st.out_clear += take;
		if (d->obs)
			d->obs(d->obs_ctx, true, take, (size_t)sent);
		sent = 0;
	}
	return 0;
}

/* Inflates buffered input into the empty look-ahead; -1: the stream broke
 * (d->fail says why). */
static int fill_peek(struct deflate_conn *d)
{
	ssize_t n;

	if (d->peek_len || !(d->zin.avail_in || d->stream_end))
		return 0;
	n = inflate_some(d, d->peek, NET_DEFLATE_PEEK_BUF, NULL);
	if (n < 0)
		return -1;
	d->peek_pos = 0;
	d->peek_len = (size_t)n;
	return 0;
}

/* Takes up to max bytes from inner (which will not wait for them); false
 * when that ended the input: the end, or an error kept for read(). */
static bool take_inner(struct deflate_conn *d, size_t max)
{
	struct imap_err e = IMAP_ERR_INIT;
	int rc = refill(d, max, &e);

	if (rc < 0 && !d->broken) {
		d->broken = true;
		d->fail = e;
	}
	return rc > 0;
}

static size_t dfl_pending(struct net_conn *c)
{
	struct deflate_conn *d = (struct deflate_conn *)c;
	struct net_conn *in = d->inner;
	size_t inner_n;

	if (d->broken)
		return 1; /* a read says why at once */
	inner_n = in->ops->pending ? in->ops->pending(in) : 0;
	if (!d->peek_len && !d->zin.avail_in && inner_n && !d->stream_end) {
		/* what inner holds comes without waiting */
		if (!take_inner(d, inner_n) && d->broken)
			return 1;
		inner_n = in->ops->pending ? in->ops->pending(in) : 0;
	}
	if (fill_peek(d) < 0)
		return 1;
	return d->peek_len + d->zin.avail_in + inner_n + (d->inner_eof ? 1 : 0);
}

static bool dfl_ready(struct net_conn *c, bool readable)
{
	struct deflate_conn *d = (struct deflate_conn *)c;
	struct net_conn *in = d->inner;

	for (;;) {
		size_t inner_n;

		if (fill_peek(d) < 0 || d->broken || d->peek_len || d->inner_eof)
			return true; /* clear text, or a read says what ended */
		if (d->zin.avail_in)
			return true; /* (inflate stalled: read() will say why) */
		inner_n = in->ops->pending ? in->ops->pending(in) : 0;
		if (!inner_n && !readable)
			return false;
		/* the fd is read once: after that it may be empty */
		readable = readable && inner_n;
		if (!take_inner(d, inner_n ? inner_n : d->ibuf_size))
			return true;
	}
}

static void dfl_describe(struct net_conn *c, struct buf *out)
{
	struct deflate_conn *d = (struct deflate_conn *)c;

	net_describe(d->inner, out);
	buf_adds(out, "; deflate: ");
	net_deflate_describe_stats(&d->st, out);
}

static int dfl_pollfd(struct net_conn *c)
{
	struct net_conn *in = ((struct deflate_conn *)c)->inner;

	return in->ops->pollfd ? in->ops->pollfd(in) : -1;
}

static bool dfl_is_local(struct net_conn *c)
{
	return net_peer_is_local(((struct deflate_conn *)c)->inner);
}

static int dfl_shutdown_write(struct net_conn *c, struct imap_err *err)
{
	struct net_conn *in = ((struct deflate_conn *)c)->inner;

	/* every write was flushed: nothing waits in zlib */
	if (in->ops->shutdown_write)
		return in->ops->shutdown_write(in, err);
	return 0;
}

static void dfl_free(struct deflate_conn *d, struct buf *report_to)
{
	if (d->zin_ok)
		inflateEnd(&d->zin);
	if (d->zout_ok)
		deflateEnd(&d->zout);
	net_close(d->inner, report_to);
	free(d->ibuf);
	free(d->obuf);
	free(d->peek);
	free(d);
}

static void dfl_close(struct net_conn *c, struct buf *report_to)
{
	dfl_free((struct deflate_conn *)c, report_to);
}

static const struct net_ops deflate_ops = {
	.name = "deflate",
	.read = dfl_read,
	.write = dfl_write,
	.describe = dfl_describe,
	.pollfd = dfl_pollfd,
	.pending = dfl_pending,
	.shutdown_write = dfl_shutdown_write,
	.close = dfl_close,
	.is_local = dfl_is_local,
	.ready = dfl_ready,
};

/* ---- setup and accessors */

struct net_conn *net_deflate_wrap(struct net_conn *inner, const void *initial, size_t n,
				  struct imap_err *err)
{
	struct deflate_conn *d;
	int rc;

	if (!inner) {
		err_set(err, IMAP_ERR_ABORT, "no connection to compress");
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	d->base.ops = &deflate_ops;
	d->base.timeout_ms = inner->timeout_ms;
	d->inner = inner;
	d->ibuf_size = n > NET_DEFLATE_IN_BUF ? n : NET_DEFLATE_IN_BUF;
	d->ibuf = buf_alloc(d, d->ibuf_size);
	d->obuf = buf_alloc(d, NET_DEFLATE_OUT_BUF);
	d->peek = buf_alloc(d, NET_DEFLATE_PEEK_BUF);
	d->zin.zalloc = d->zout.zalloc = z_alloc;
	d->zin.zfree = d->zout.zfree = z_free;
	d->zin.opaque = d->zout.opaque = d;
	/* raw deflate, no zlib header (RFC 4978 sec. 4); any window */
	rc = inflateInit2(&d->zin, -15);
	if (rc != Z_OK) {
		err_set(err, IMAP_ERR_ABORT, "cannot start decompression: %s",
			d->zin.msg ? d->zin.msg : rc == Z_MEM_ERROR ? "out of memory" : "zlib error");
		goto fail;
	}
	d->zin_ok = true;
	rc = deflateInit2(&d->zout, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
	if (rc != Z_OK) {
		err_set(err, IMAP_ERR_ABORT, "cannot start compression: %s",
			d->zout.msg ? d->zout.msg : rc == Z_MEM_ERROR ? "out of memory" : "zlib error");
		goto fail;
	}
	d->zout_ok = true;
	if (n) {
		memcpy(d->ibuf, initial, n);
		d->zin.next_in = d->ibuf;
		d->zin.avail_in = (uInt)n;
		d->st.in_compressed = n;
	}
	return &d->base;

fail:
	dfl_free(d, NULL);
	return NULL;
}

bool net_is_deflate(struct net_conn *c)
{
	return c && c->ops == &deflate_ops;
}

struct net_conn *net_deflate_inner(struct net_conn *c)
{
	while (net_is_deflate(c))
		c = ((struct deflate_conn *)c)->inner;
	return c;
}

int net_deflate_stats(struct net_conn *c, struct net_deflate_stats *out)
{
	if (!net_is_deflate(c))
		return -1;
	*out = ((struct deflate_conn *)c)->st;
	return 0;
}

void net_deflate_observe(struct net_conn *c, net_deflate_observer fn, void *ctx)
{
	struct deflate_conn *d;

	if (!net_is_deflate(c))
		return;
	d = (struct deflate_conn *)c;
	d->obs = fn;
	d->obs_ctx = ctx;
}

static void add_ratio(struct buf *out, uint64_t clear, uint64_t compressed)
{
	if (!compressed)
		buf_adds(out, "ratio -");
	else
		buf_addf(out, "ratio %.1f", (double)clear / (double)compressed);
}

void net_deflate_describe_stats(const struct net_deflate_stats *st, struct buf *out)
{
	buf_addf(out, "received %llu bytes compressed, %llu clear (",
		 (unsigned long long)st->in_compressed, (unsigned long long)st->in_clear);
	add_ratio(out, st->in_clear, st->in_compressed);
	buf_addf(out, "); sent %llu clear, %llu compressed (", (unsigned long long)st->out_clear,
		 (unsigned long long)st->out_compressed);
	add_ratio(out, st->out_clear, st->out_compressed);
	buf_addch(out, ')');
}
