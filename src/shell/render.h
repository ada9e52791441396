/*
 * render.h - responses to text for people and for scripts.  Pure: each
 * function appends to a struct buf; the caller writes it out.
 *
 * PRETTY  one response per line as the server sent it, the tag of a tagged
 *         response left out ("OK [READ-WRITE] Select completed"); a
 *         literal is shown as {N} followed by its text on the next lines
 *         when it is printable text, or "{N} <binary, N bytes>" (summary)
 *         when tty is set and the data is not text; control bytes other
 *         than CR LF TAB escaped (\xHH); a sunk literal shows where it went.
 * RAW     the response bytes exactly as received, tagged responses with
 *         their tag.
 * JSON    one JSON object per line (JSON Lines): {"type":"untagged",
 *         "number":12,"name":"FETCH","data":[...]}, {"type":"tagged",
 *         "tag":"A1","status":"OK","code":{"name":..,"args":[..]},
 *         "text":"..","command":"UID FETCH","line":4} (command and line
 *         when render_opts gives them), {"type":"continuation",
 *         "text":".."}.  Values:
 *         ATOM -> string, NUMBER -> number, QUOTED/LITERAL -> string
 *         (invalid UTF-8 bytes as \u00XX escapes of the byte), LIST ->
 *         array, NIL -> null.
 */
#ifndef IMAPSH_SHELL_RENDER_H
#define IMAPSH_SHELL_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/response.h"
#include "util/buf.h"

enum render_format {
	RENDER_PRETTY,
	RENDER_RAW,
	RENDER_JSON,
};

/*
 * Literals too big to keep in memory that the shell spooled (sink.c): the
 * renderer reads them back in pieces, so that such a literal comes out
 * exactly as a kept one would, in its place and in every format, and
 * hands out what it rendered every so often (flush), so that it never
 * holds a big literal whole.
 */
struct render_spool {
	/* The spooled size of sunk literal v, or -1 when it is not spooled
	 * (it went to a file: shown as saved). */
	long long (*size)(void *ctx, const struct imap_value *v);
	/* Up to len bytes from off: > 0, 0 at the end, -1 on error. */
	ssize_t (*read)(void *ctx, const struct imap_value *v, uint64_t off, char *buf, size_t len);
	/* Writes out what out holds, and empties it. */
	void (*flush)(void *ctx, struct buf *out);
	void *ctx;
};

struct render_opts {
	enum render_format format;
	bool tty;        /* output is a terminal: summarize binary literals */
	/* JSON, tagged responses: which command this is the result of, so
	 * that a script can match results to its lines (pipelined results
	 * come in command order, untagged data as it arrives) */
	const char *command; /* its verb ("UID FETCH"), or NULL */
	unsigned long line;  /* its script line or -c number, or 0 */
	/* JSON: the response came in clear text before a required TLS (it
	 * gets "protected":false) */
	bool unprotected;
	const struct render_spool *spool; /* may be NULL */
};

void render_response(struct buf *out, const struct imap_response *r, const struct render_opts *o);
/* One value, in the given format (PRETTY and RAW give IMAP syntax). */
void render_value(struct buf *out, const struct imap_value *v, const struct render_opts *o);
/* A JSON string literal (with quotes) for arbitrary bytes. */
void render_json_string(struct buf *out, const char *s, size_t len);
/* Appends s made safe for a terminal as PRETTY shows text: TAB kept,
 * other control bytes, DEL, C1 and invalid UTF-8 as \xHH. */
void render_safe(struct buf *out, const char *s, size_t len);
/* 1 if [s, s+len) looks like text worth printing (UTF-8, few controls). */
int render_is_text(const char *s, size_t len);

#endif
