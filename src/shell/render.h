/*
 * render.h - responses to text for people and for scripts.  Pure: each
 * function appends to a struct buf; the caller writes it out.
 *
 * PRETTY  one response per line as the server sent it, the tag of a tagged
 *         response left out ("OK [READ-WRITE] Select completed"); a
 *         short text literal without a line break (up to 256 bytes) is
 *         shown in its line as a quoted string; a longer one as {N}
 *         followed by its text on the next lines, or "{N} <binary, N
 *         bytes>" (summary) when tty is set and the data is binary (a NUL,
 *         or over 30% of bytes neither printable nor UTF-8: Latin-1 text is
 *         text); control bytes other than CR LF TAB and invalid UTF-8
 *         escaped (\xHH, and then '\' as \\); a sunk literal shows where
 *         it went.  Responses with a typed view: render_pretty_view().
 * RAW     the response bytes exactly as received, tagged responses with
 *         their tag.
 * JSON    one JSON object per line (JSON Lines), typed from the model where
 *         it knows the response (json_view.h), the generic parse tree
 *         otherwise; every object starts {"version":1,"type":...}.  The
 *         schema is man/imapsh-json.5 (render_json.c).
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
	/* JSON: which command this is the result of (tagged) or the data of
	 * (untagged), so that a script can match output to its lines */
	const char *command; /* its verb ("UID FETCH"), or NULL */
	unsigned long line;  /* its script line or -c number, or 0 */
	/* JSON: the response came in clear text before a required TLS (it
	 * gets "protected":false) */
	bool unprotected;
	/* JSON: the greeting (type "greeting"); untagged data that no
	 * command in flight asked for ("unsolicited":true; command NULL) */
	bool greeting;
	bool unsolicited;
	const struct render_spool *spool; /* may be NULL */
	/* PRETTY: mailbox names are UTF-8 (session_utf8_names()), not
	 * modified UTF-7 */
	bool utf8_names;
	/* PRETTY: also the wire form where what is shown differs (a decoded
	 * mailbox name), and ESEARCH's tag (-d 1 and up) */
	bool show_wire;
	/* PRETTY: colour (SGR sequences) for a terminal: --color, NO_COLOR */
	bool color;
	/* PRETTY: the terminal's width, to wrap CAPABILITY lists; 0 in
	 * scripts and pipes (lines as sent) */
	unsigned width;
};

void render_response(struct buf *out, const struct imap_response *r, const struct render_opts *o);
/*
 * PRETTY through a typed view (pretty.c): LIST/LSUB/XLIST rows with the
 * name decoded and padded to 24 columns, then the delimiter and the
 * attributes ("* LIST  Entwürfe                  /  \HasNoChildren");
 * STATUS as "* STATUS  INBOX  30 messages, 8 unseen, UIDNEXT 31";
 * SEARCH/SORT as a count and compact ranges ("* SEARCH  4 matches: 3 6
 * 9:10"); ESEARCH with words; VANISHED as a count and its UIDs, EARLIER
 * said ("* VANISHED  13 UIDs expunged earlier: 300:310 405 411"); THREAD
 * as a tree, two spaces a level; QUOTA with percentages; QUOTAROOT;
 * NAMESPACE in three labelled parts; ACL and METADATA as tables, MYRIGHTS
 * and LISTRIGHTS on a line (pretty_acl.c).
 * Appends and returns true, or returns false with nothing appended (not
 * such a response, or its view kept values it did not understand: the
 * generic line shows them all).  The view is built in r's arena.
 */
bool render_pretty_view(struct buf *out, struct imap_response *r, const struct render_opts *o);
/*
 * A FETCH that way (pretty_fetch.c): its items on the first line
 * ("* 1 FETCH  UID 1  \\Seen  2.3 KB  received 2023-01-01 01:51:42
 * +01:00"), then ENVELOPE as labelled lines with RFC 2047 words decoded
 * (Date, From, Sender and Reply-To when they differ from From, To, Cc,
 * Bcc, Subject, Message-ID, In-Reply-To), PREVIEW, SNIPPET (its text,
 * then its algorithm: "  Snippet     Hello Alice  (FUZZY)"), and
 * BODYSTRUCTURE as a table of parts (number, type indented by depth with
 * its charset, encoding, size, lines, disposition and file name), then
 * each body section: a short text in its line ("  BODY[TEXT]<0>
 * \"Meeting notes\""), a longer one as its key and size on a line and
 * its text below (render_text_block), a text part's transfer encoding and
 * charset undone when the same FETCH has its BODYSTRUCTURE (the line says
 * "decoded: quoted-printable, ISO-8859-1").  A section literal that was
 * not kept in memory (spooled, or saved to a file) is not shown this way
 * (false): the generic way streams it.
 */
bool render_pretty_fetch(struct buf *out, struct imap_response *r, const struct render_opts *o);

/* A mailbox name as people read it (decoded, made safe), then the mark
 * of an invalid one or, with o->show_wire, its wire form (pretty.c). */
struct imap_mailbox_name;
void render_pretty_name(struct buf *out, const struct imap_mailbox_name *m,
			const struct render_opts *o);
/* Colour for the PRETTY text of r rendered at out[from..] (color.c):
 * status words, response codes (ALERT in bold red), data names. */
void render_color(struct buf *out, size_t from, const struct imap_response *r);
enum render_sgr { RENDER_SGR_FLAG, RENDER_SGR_DIM, RENDER_SGR_RESET };
/* The SGR sequence for a kind of text ("\033[35m"). */
const char *render_sgr(enum render_sgr what);
/* PRETTY: s as the quoted string it could have been ("a \"b\" \\"),
 * when it is text of at most 256 bytes without a line break: appends and
 * returns true; else false, nothing appended. */
bool render_text_inline(struct buf *out, const char *s, size_t len);
/* PRETTY: s as a block of lines, as a literal's text is shown (CRLF as a
 * line break, control bytes and invalid UTF-8 as \xHH), ending with a
 * line break; binary data (see render_is_text) summarized when tty, with
 * the hint to save it. */
void render_text_block(struct buf *out, const char *s, size_t len, bool tty);
/* PRETTY: a body section's value, after its key (pretty_fetch.c): NIL; a
 * short text in the line as a quoted string; else "N bytes", a line
 * break and its text (render_text_block), read back from the spool in
 * pieces when it was spooled, so that a 100 MB message looks as a small
 * one would; "<N bytes saved>" when it went to a file. */
void render_section_value(struct buf *out, const struct imap_value *v, const struct render_opts *o);
/* Columns a UTF-8 text takes on a terminal, roughly as wcwidth() counts:
 * East Asian wide characters 2, combining marks 0, the rest 1. */
size_t render_text_columns(const char *s, size_t len);
/* Bytes for people: "512 bytes", "2.3 KB", "1.0 GB" (units of 1024). */
void render_size(struct buf *out, uint64_t n);
/* One value, in the given format (PRETTY and RAW give IMAP syntax). */
void render_value(struct buf *out, const struct imap_value *v, const struct render_opts *o);
/* JSON of a response (render_json.c; render_response() calls it). */
void render_json(struct buf *out, const struct imap_response *r, const struct render_opts *o);
/* Appends s made safe for a terminal as PRETTY shows text: TAB kept,
 * other control bytes, DEL, C1 and invalid UTF-8 as \xHH. */
void render_safe(struct buf *out, const char *s, size_t len);
/* 1 if [s, s+len) looks like text worth printing (UTF-8, few controls). */
int render_is_text(const char *s, size_t len);

#endif
