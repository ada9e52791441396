/*
 * deflate.h - COMPRESS=DEFLATE (RFC 4978): a transport stacked on any
 * other (TCP, a child process, TLS: compression goes above TLS), which
 * inflates what it reads and deflates what it writes, raw deflate (RFC
 * 1951, no zlib header) in both directions, with zlib.
 *
 * Knows nothing of IMAP: the session sends COMPRESS DEFLATE, and wraps
 * its connection once the server said OK.
 *
 * Memory is fixed when the layer is made, whatever the server sends: a
 * 64 KiB buffer of compressed input, a 64 KiB buffer of compressed
 * output, a 4 KiB look-ahead (see pending), and zlib's two states (about
 * 300 KiB).  read() inflates straight into the caller's buffer, at most
 * len bytes at a time, so a decompression bomb costs time, never memory:
 * the limits of whoever reads (the parser's) decide when to stop.
 *
 * Each write() is deflated and flushed at once (Z_SYNC_FLUSH): a command
 * line or a literal chunk goes out whole, no byte waits in zlib.
 *
 * Errors (kind ABORT, the stream cannot go on): a corrupt stream ("the
 * compressed stream from the server is corrupt: invalid distance too far
 * back"), the end of the server's stream in the middle of a deflate block
 * ("the server closed the connection in the middle of compressed data"),
 * data after the end of the deflate stream.
 */
#ifndef IMAPSH_NET_DEFLATE_H
#define IMAPSH_NET_DEFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/transport.h"

/* The fixed buffers (bytes). */
#define NET_DEFLATE_IN_BUF 65536
#define NET_DEFLATE_OUT_BUF 65536
#define NET_DEFLATE_PEEK_BUF 4096

/*
 * Compresses everything over inner, which it takes over (on failure inner
 * is closed too).  initial, n: bytes already read from inner after the
 * server's OK (the start of the compressed stream; may be NULL, 0); they
 * are inflated first.  The layer's timeout is inner's.  NULL with err
 * (ABORT) when zlib cannot start.
 */
struct net_conn *net_deflate_wrap(struct net_conn *inner, const void *initial, size_t n,
				  struct imap_err *err);

/* True if c is a deflate layer made by net_deflate_wrap. */
bool net_is_deflate(struct net_conn *c);

/* The connection under a deflate layer (each one, if stacked), or c
 * itself when it is none: net_is_tls() and net_tls_info() look through. */
struct net_conn *net_deflate_inner(struct net_conn *c);

struct net_deflate_stats {
	uint64_t in_compressed;  /* compressed bytes read from inner (initial too) */
	uint64_t in_clear;       /* bytes inflated and returned by read() */
	uint64_t out_clear;      /* bytes given to write() */
	uint64_t out_compressed; /* compressed bytes written to inner */
	size_t mem;              /* memory held now: buffers and zlib's states */
	size_t mem_peak;         /* the most ever held */
};

/* Byte counts so far; -1 (out untouched) if c is not a deflate layer. */
int net_deflate_stats(struct net_conn *c, struct net_deflate_stats *out);

/*
 * An observer for traces: fn(ctx, sent, clear, compressed) after every
 * read() that returned data (sent false: compressed bytes taken from the
 * input for clear bytes returned) and every write() (sent true).  NULL
 * turns it off.  Nothing if c is not a deflate layer.
 */
typedef void (*net_deflate_observer)(void *ctx, bool sent, size_t clear, size_t compressed);
void net_deflate_observe(struct net_conn *c, net_deflate_observer fn, void *ctx);

/* "received 300 bytes compressed, 12000 clear (ratio 40.0); sent 120
 * clear, 90 compressed (ratio 1.3)": the ratio is clear / compressed, "-"
 * while nothing moved. */
void net_deflate_describe_stats(const struct net_deflate_stats *st, struct buf *out);

#endif
