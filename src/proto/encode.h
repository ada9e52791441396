/*
 * encode.h - turns a command (tag, verb, typed arguments) into wire bytes.
 *
 * Pure: no I/O.  Each argument's kind says what the grammar allows there;
 * the encoder picks the cheapest legal form (atom, quoted string or
 * literal).  CR, LF and NUL never go inside a quoted string: such data
 * becomes a literal (or an error for RAW arguments), so one typed line
 * never becomes two commands.  Secret arguments are marked so that traces
 * can show them as <redacted>.
 *
 * Long lines (RFC 7162 sec. 4: clients keep command lines to about 8192
 * octets, literals not included, and use literals instead of long quoted
 * strings): a STRING or ASTRING of more than IMAP_ENC_LONG_STRING bytes
 * is always sent as a literal, and no line of the command may pass
 * IMAP_ENC_MAX_LINE bytes (see imap_encode()).
 */
#ifndef IMAPSH_PROTO_ENCODE_H
#define IMAPSH_PROTO_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/buf.h"
#include "util/err.h"

enum imap_arg_kind {
	IMAP_ARG_RAW,     /* sent as given (sequence sets, (FLAGS UID), search keys); CR/LF/NUL refused */
	IMAP_ARG_ASTRING, /* atom if it is a valid atom, else quoted, else literal */
	IMAP_ARG_STRING,  /* quoted if possible, else literal (never an atom);
	                   * with NUL (ASTRING too): refused, as CHAR8 excludes it */
	IMAP_ARG_LITERAL, /* always a literal (APPEND message data) */
};

enum imap_arg_flags {
	IMAP_ARG_SECRET = 1 << 0, /* password, SASL response: redacted in traces */
	IMAP_ARG_BINARY = 1 << 1, /* LITERAL as literal8 ~{n} (RFC 3516) */
	IMAP_ARG_VERBATIM = 1 << 2, /* the user's own words (a raw command line):
	                             * its bytes do not count towards
	                             * IMAP_ENC_MAX_LINE, it is sent whatever
	                             * its length */
	IMAP_ARG_OPEN = 1 << 3,  /* "(" before the argument: the first of a list */
	IMAP_ARG_CLOSE = 1 << 4, /* ")" after it: the last of a list (both: a
	                          * list of one); a list of strings, each in its
	                          * own form, e.g. GETMETADATA's entries */
	IMAP_ARG_UTF8 = 1 << 5,  /* 8-bit (valid UTF-8) may go in a quoted
	                          * string: UTF8=ACCEPT is enabled (RFC 9755) */
};

/* A STRING or ASTRING longer than this goes as a literal (RFC 2683's old
 * 1000-octet line advice; RFC 7162 sec. 4: literals, not long quoted
 * strings). */
#define IMAP_ENC_LONG_STRING 1000
/* The longest line of a command, CRLF included, literal data not (RFC
 * 7162 sec. 4: servers should accept at least this). */
#define IMAP_ENC_MAX_LINE 8192
/* A STRING or ASTRING at most (message data, IMAP_ARG_LITERAL, has no
 * bound): Dovecot, for one, says BYE to a longer literal outside APPEND,
 * so a longer one is refused here rather than lose the session. */
#define IMAP_ENC_MAX_STRING 65536

/*
 * The bytes of a LITERAL that are not in memory (APPEND of a big file):
 * read() is called while the command is sent, in order, until size bytes
 * came; it returns how many it wrote to buf (> 0), or -1 with err.
 */
struct imap_literal_source {
	uint64_t size;
	ssize_t (*read)(void *ctx, char *buf, size_t len, struct imap_err *err);
	void *ctx;
};

struct imap_arg {
	enum imap_arg_kind kind;
	unsigned flags;
	const char *data;
	size_t len;
	/* LITERAL only: if set, the data comes from here (data/len unused). */
	const struct imap_literal_source *source;
};

enum imap_literal_mode {
	IMAP_LITERAL_SYNC,  /* {n}: wait for "+" before the data */
	IMAP_LITERAL_PLUS,  /* LITERAL+ (RFC 7888): {n+} for any size of message
	                     * data (IMAP_ARG_LITERAL); other strings that go as
	                     * literals wait for "+" above 4096 bytes, as with
	                     * LITERAL-, so a server can refuse them with BAD */
	IMAP_LITERAL_MINUS, /* LITERAL- (RFC 7888): {n+} up to 4096 bytes, {n} above */
};

struct imap_span {
	size_t off, len;
};

/* Where a source's bytes go: before bytes[at]. */
struct imap_wire_stream {
	size_t at;
	const struct imap_literal_source *source;
};

/*
 * The encoded command.  bytes holds the whole command, CRLF included.
 * It is sent in chunks: after every chunk but the last the client must
 * wait for a continuation request ("+") from the server (a synchronizing
 * literal).  secrets are the byte ranges to show as <redacted>.
 * streams are literal data that is not in bytes: while sending a chunk
 * [off, off+len), each stream with off <= at < off+len is sent in full
 * just before bytes[at].
 */
struct imap_wire {
	struct buf bytes;
	struct imap_span *chunks;
	size_t nchunks;
	struct imap_span *secrets;
	size_t nsecrets;
	struct imap_wire_stream *streams;
	size_t nstreams;
	size_t chunks_alloc_, secrets_alloc_, streams_alloc_;
};

void imap_wire_init(struct imap_wire *w);
void imap_wire_release(struct imap_wire *w);

/*
 * Encodes "TAG VERB ARG...\r\n" into w (which is reset first).  verb may
 * hold spaces ("UID FETCH").  Returns 0, or -1 with err (kind ERROR) when
 * an argument cannot be encoded legally (e.g. a RAW argument with CR/LF/
 * NUL, an empty RAW argument), or when a line of the command would be
 * longer than IMAP_ENC_MAX_LINE: a line runs from the start (or from the
 * end of a literal's data) to the CRLF of the next literal header or of
 * the command, and bytes of VERBATIM arguments are not counted in it.
 * (STRING and ASTRING arguments cannot make it so: long ones are
 * literals; RAW ones, a long sequence set or search, can.)  E.g.
 *   the command line would be 9013 bytes long, more than the 8192 a
 *   server is expected to accept (RFC 7162 sec. 4)
 * mode says how literals are sent: {n} (SYNC), {n+} (PLUS), {n+} up to
 * 4096 bytes and {n} above (MINUS).
 */
int imap_encode(struct imap_wire *w, const char *tag, const char *verb,
		const struct imap_arg *args, size_t nargs,
		enum imap_literal_mode mode, struct imap_err *err);

/* Appends w's bytes to out with every secret range replaced by <redacted>. */
void imap_wire_redacted(const struct imap_wire *w, size_t off, size_t len, struct buf *out);

/* True when s is a valid IMAP atom (RFC 9051 ATOM-CHAR+), non-empty. */
bool imap_is_atom(const char *s, size_t len);

#endif
