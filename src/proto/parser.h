/*
 * parser.h - incremental, sans-I/O IMAP response parser.
 *
 * The caller feeds bytes as they arrive (any slice: 1 byte or 1 MB) and
 * pulls complete responses.  The parser never reads or writes a file
 * descriptor and never prints.  Memory is bounded by named limits; a
 * literal larger than the sink threshold is streamed to the sink instead
 * of being kept, so a 1 GB FETCH to a file keeps the process small.  A
 * literal's announced size is never allocated up front.
 *
 *   struct imap_parser *p = imap_parser_new(NULL);
 *   imap_parser_feed(p, data, n);   (or feed_space() + commit(), below)
 *   while ((rc = imap_parser_next(p, &resp, &err)) == 1) { ...; imap_response_free(resp); }
 *   rc == 0: need more bytes;  rc == -1: err says why (kind ABORT; the
 *   stream cannot be trusted any more).
 *
 * Accepted beyond RFC 9051, as real servers send it: a bare LF as a line
 * end, values glued together ("(2)(3 4)") or apart by several spaces,
 * 8-bit bytes in atoms, a '[' in an atom running to its matching ']'
 * across spaces ("BODY[HEADER.FIELDS (FROM TO)]<0>" is one atom), and a
 * [response code] that does not parse as values (taken up to the first
 * ']', its arguments as atoms).  Refused, because it could shift where a
 * response ends: {n+} from a server, a literal header not ending its line,
 * CR, LF or NUL inside a quoted string, a CR not followed by LF.
 *
 * Errors stick: after -1 every next() returns -1 with the same message
 * until imap_parser_reset().  A syntax error names the 1-based byte of the
 * response where it was found and shows the bytes before it, e.g.
 *   unexpected ')' at byte 18 of the response "* 1 FETCH (UID 1))"
 * A limit error names the limit, e.g.
 *   server response line longer than 1048576 bytes
 *   server response needs more than 24 MiB of memory
 *
 * Literal sizes are number64 (RFC 9051 sec. 9): a size above 2^63-1 is a
 * syntax error as soon as its header is read, before any data, e.g.
 *   literal size 18446744073709551615 is out of range (0 to
 *   9223372036854775807) at byte 40 of the response "..."
 */
#ifndef IMAPSH_PROTO_PARSER_H
#define IMAPSH_PROTO_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "util/err.h"

struct imap_parser_limits {
	size_t max_line;          /* bytes of one response outside literals (default 1 MiB) */
	size_t max_depth;         /* parenthesis nesting (default 64) */
	size_t max_items;         /* values in one response (default 1,000,000) */
	uint64_t max_literal_mem; /* a literal kept in memory at most (default 64 MiB);
	                           * also the most literal data one response
	                           * keeps in memory in all.  Checked against
	                           * the announced size, before any data. */
	size_t max_mem;           /* memory one response may hold apart from its
	                           * literal data (values, lists, strings, raw),
	                           * counted as 64 bytes a value plus 3 a byte
	                           * outside literals, so it does not depend on
	                           * how the input is fed (default 24 x
	                           * max_line: 24 MiB; see parser.c, "memory") */
};

/* What the sink is told when a literal starts. */
struct imap_literal_info {
	uint64_t size;            /* announced size */
	bool literal8;
	const char *resp_name;    /* upper-cased response name so far ("FETCH"), or "" */
	bool has_number;          /* "* 12 FETCH": number 12 */
	uint64_t number;
	const char *key;          /* the value just before the literal in its list, e.g. "BODY[]" or "RFC822", or "" */
	uint64_t serial;          /* 1, 2, ... for each literal offered to the sink by
	                           * this parser; a sunk literal's value has it as num */
};

/*
 * Literal sink.  begin() is called for each literal whose announced size is
 * at least the threshold; it returns a handle passed to data() and end(),
 * or NULL to refuse (then the literal is kept in memory, subject to
 * max_literal_mem).  data() gets the bytes in order as they arrive; end()
 * is called once all size bytes were given (also for size 0).  A nonzero
 * return from data() or end() stops parsing with an error whose text is
 * taken from the sink's err.  If the parser is freed in mid-literal,
 * abort() is called with the handle instead of end().
 *
 * Precisely: every handle begin() returned gets exactly one end() or one
 * abort(), never both.  abort() comes when the literal cannot complete:
 * data() failed (called at once), or the parser is reset or freed in
 * mid-literal.  After end() (even a failing one) the handle is never used
 * again.  The callbacks run inside imap_parser_next() and must not call
 * the parser.  info and its strings are valid during begin() only.  A
 * sunk literal appears in the tree as type LITERAL, sunk, str NULL.
 */
struct imap_literal_sink {
	void *(*begin)(void *ctx, const struct imap_literal_info *info);
	int (*data)(void *ctx, void *handle, const char *data, size_t len, struct imap_err *err);
	int (*end)(void *ctx, void *handle, struct imap_err *err);
	void (*abort)(void *ctx, void *handle);
	void *ctx;
	uint64_t threshold;
};

struct imap_parser;

/* limits may be NULL for the defaults; zero fields also mean default. */
struct imap_parser *imap_parser_new(const struct imap_parser_limits *limits);
void imap_parser_free(struct imap_parser *p);
/* sink may be NULL (everything kept in memory, up to the limits). */
void imap_parser_set_sink(struct imap_parser *p, const struct imap_literal_sink *sink);

/* Adds bytes (copied).  Never fails: limits are checked by next(). */
void imap_parser_feed(struct imap_parser *p, const void *data, size_t len);
/*
 * Zero-copy feeding: the caller writes the input (e.g. read()) straight
 * into the parser's memory.
 *
 *   space = imap_parser_feed_space(p, want, &room);
 *   n = read(fd, space, room);              (any n from 0 to room)
 *   imap_parser_feed_commit(p, n > 0 ? n : 0);
 *
 * feed_space() returns room for at least want more input bytes (*room_r
 * gets how many, >= want; want 0 may give room 0); commit() adds the
 * first n of them (n <= *room_r, 0 is fine) exactly as feed() would add
 * them.  Every feed_space() must be followed by one commit() before any
 * other call into the parser; the pointer is valid until then.  Never
 * fails (limits are checked by next()); committing more than the room
 * aborts the program.
 *
 * Where the room is: while a kept literal's data is awaited, at least want
 * bytes of it are still to come and nothing else is buffered, it is at
 * the end of the response's own buffer, so the read lands where the
 * literal is kept and is never copied (bytes written past the literal's
 * end are moved to the input buffer by commit()); else at the end of the
 * input buffer.  So want is best the size of one read (64 KiB), reading
 * no more than want: then nothing a read brings is ever copied, except
 * kept literal data that came in one read with other bytes (moved once to
 * the response's buffer).
 */
void *imap_parser_feed_space(struct imap_parser *p, size_t want, size_t *room_r);
void imap_parser_feed_commit(struct imap_parser *p, size_t n);
/* 1: *resp_r is a complete response (caller frees); 0: need more input;
 * -1: syntax error or limit hit, err filled (kind IMAP_ERR_ABORT). */
int imap_parser_next(struct imap_parser *p, struct imap_response **resp_r, struct imap_err *err);
/* Bytes fed but not yet part of a returned response (the STARTTLS
 * response-injection check needs this to be 0 after the tagged OK). */
size_t imap_parser_pending(const struct imap_parser *p);
/* Drops all state and buffered bytes (e.g. after a STARTTLS upgrade). */
void imap_parser_reset(struct imap_parser *p);
/*
 * Between two responses (right after next() returned one): appends the
 * bytes fed but not parsed yet to out and leaves the parser empty, as
 * reset() does (after COMPRESS, RFC 4978: what follows the server's OK is
 * compressed, and goes to the layer that inflates it).  Returns how many
 * bytes moved.  A response already begun, or an error, is not between
 * two responses: (size_t)-1, nothing moved, nothing changed.
 */
struct buf;
size_t imap_parser_take_pending(struct imap_parser *p, struct buf *out);

#endif
