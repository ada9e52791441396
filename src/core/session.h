/*
 * session.h - one IMAP session: greeting, state, capabilities, tags, and
 * the round trip of one command with its continuations.
 *
 * The session owns the transport and a parser.  It never prints: every
 * response goes to the caller through hooks as it arrives (so long
 * FETCHes and IDLE show live), and traces go to hooks->trace already
 * redacted.  Untagged responses that are not the data of the running
 * command are kept by name, as imaplib's untagged_responses, for
 * session_take_untagged() (imaplib's response()).
 */
#ifndef IMAPSH_CORE_SESSION_H
#define IMAPSH_CORE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/encode.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"
#include "util/err.h"

/* imaplib's states, as bits so a command can allow several. */
enum imap_state {
	IMAP_STATE_NONAUTH = 1 << 0,
	IMAP_STATE_AUTH = 1 << 1,
	IMAP_STATE_SELECTED = 1 << 2,
	IMAP_STATE_LOGOUT = 1 << 3,
};
#define IMAP_STATE_ANY (IMAP_STATE_NONAUTH | IMAP_STATE_AUTH | IMAP_STATE_SELECTED | IMAP_STATE_LOGOUT)

const char *imap_state_name(enum imap_state st);

enum trace_kind {
	TRACE_SENT,     /* bytes we sent (redacted), one call per line or chunk */
	TRACE_RECEIVED, /* one whole response as received */
	TRACE_RECEIVED_CLEAR, /* the same, in clear text before a required TLS:
	                       * not shown otherwise, and maybe forged */
	TRACE_EVENT,    /* a note from the session: "capabilities: ...", "state AUTH" */
};

struct session_hooks {
	/* Each untagged response as it arrives (also the greeting). */
	void (*untagged)(void *ctx, const struct imap_response *r);
	/* Wire traffic and events; text is already redacted.  level is the
	 * minimum trace level at which it should be shown. */
	void (*trace)(void *ctx, int level, enum trace_kind kind, const char *text, size_t len);
	/* The current trace level, read before any trace text is formatted
	 * (NULL: trace everything the hook is given). */
	const int *trace_level;
	/* Streams big literals (may be NULL: kept in memory up to the limit). */
	const struct imap_literal_sink *sink;
	/* A warning for the user, one line (may be NULL), e.g. clear text
	 * discarded before TLS. */
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
};

/*
 * Handler for a "+" continuation that the command's own literals do not
 * explain (AUTHENTICATE, IDLE).  Fill reply (sent followed by CRLF) and
 * return 0; set *secret when the reply must be redacted; return 1 to
 * cancel ("*" is sent, RFC 9051 6.2.2); return 2 to send nothing (e.g.
 * IDLE: the handler sent DONE itself through session_send_line); -1 to
 * abort with err.
 */
typedef int (*session_cont_fn)(void *ctx, const struct imap_response *r,
			       struct buf *reply, bool *secret, struct imap_err *err);

/* Arguments of one command at most. */
#define SESSION_MAX_ARGS 64

struct session_cmd {
	const char *verb;             /* "SELECT", "UID FETCH", ... */
	const struct imap_arg *args;
	size_t nargs;
	/* Name of the untagged responses that carry this command's data
	 * ("FETCH", "LIST"): delivered to hooks but not kept.  NULL: none. */
	const char *data_name;
	session_cont_fn cont;         /* may be NULL */
	void *cont_ctx;
	/* A search or sort with RETURN (UPDATE) (RFC 5267): its tag is
	 * kept (session_update_tag). */
	bool context_update;
};

struct session;
struct net_conn;
struct net_tls_opts;

/* Takes ownership of conn.  hooks is copied. */
struct session *session_new(struct net_conn *conn, const struct session_hooks *hooks);
/* Closes the transport (report: how it ended, may be NULL) and frees. */
void session_free(struct session *s, struct buf *report);

/*
 * Reads the greeting: OK -> NONAUTH, PREAUTH -> AUTH, BYE or anything
 * else -> -1 (ABORT).  Capabilities come from a [CAPABILITY] code when
 * present, else a CAPABILITY command is sent, once: if the server answers
 * it NO or BAD, 1 is returned with err saying so (the session is usable,
 * with no capabilities known).
 */
int session_greet(struct session *s, struct imap_err *err);

/*
 * Runs one command to its tagged response.  Returns 0 when a tagged
 * response came; *tagged_r (caller frees with imap_response_free) has
 * status OK, NO or BAD.  -1 with err when the session broke (ABORT:
 * EOF, timeout, parse error, BYE) or the command could not be sent
 * (ERROR: bad argument), or READONLY when the server made the selected
 * read-write mailbox read-only during the command (imaplib's readonly
 * exception; the session goes on).  On ABORT the session is dead: every
 * later call fails.  State, selected mailbox and capabilities are updated from
 * the result (LOGIN/AUTHENTICATE, SELECT/EXAMINE, CLOSE/UNSELECT,
 * LOGOUT, [CAPABILITY], [READ-ONLY]).
 */
int session_command(struct session *s, const struct session_cmd *cmd,
		    struct imap_response **tagged_r, struct imap_err *err);

/*
 * STARTTLS (RFC 9051 sec. 6.2.1): sends it alone and waits for the tagged
 * OK.  Any byte the server sent after that OK (even a partial line) is
 * response injection: ABORT.  Then the transport is wrapped in TLS with
 * o, and everything learned in clear text is forgotten: capabilities
 * (asked again over TLS), kept untagged responses.  NO or BAD: -1 with
 * kind ERROR and the server's text (the session stays in clear text).
 * Other failures: ABORT (the session is dead).
 */
int session_starttls(struct session *s, const struct net_tls_opts *o, struct imap_err *err);
/* True once the connection is TLS (implicit or after STARTTLS). */
bool session_is_tls(struct session *s);

/*
 * COMPRESS=DEFLATE (RFC 4978, compress.c): sends COMPRESS DEFLATE and, on
 * OK, stacks net/deflate.h on the transport (above TLS); the bytes that
 * came with the OK are the start of the compressed stream.  Refused
 * before anything is sent (ERROR): compression is on already ("COMPRESS
 * is already active"), or the server does not offer COMPRESS=DEFLATE
 * (unless the capability check is off: session_set_cap_check).
 * With tagged_r: 0 and *tagged_r (OK, NO or BAD; the caller frees), as
 * session_command; NO or BAD leave the session as it was, uncompressed.
 * tagged_r NULL: NO or BAD are -1 with kind ERROR and the server's text.
 * Other failures are ABORT (the session is dead).  Traces: every read
 * and write at -d 5 ("deflate: received 120 compressed bytes as 4000").
 */
int session_compress(struct session *s, struct imap_response **tagged_r, struct imap_err *err);
/* True once compression is on. */
bool session_is_compressed(const struct session *s);

/*
 * Pipelining (RFC 9051 sec. 5.5): sends cmds[0..n) without waiting for
 * each result (a window of at most 256 commands or 32 KiB in flight, so
 * neither side can block the other), reads until every command has its
 * tagged response, and calls done(ctx, i, tagged) for each as it arrives
 * (done frees tagged).  The caller chooses commands that cannot change
 * each other's meaning; none may carry a synchronizing literal or need a
 * continuation (ERROR before anything is sent).  Untagged responses go to
 * the hooks as usual.  0, or -1 with err (ABORT: the session is dead and
 * the commands without a result are lost).
 */
typedef void (*session_done_fn)(void *ctx, size_t i, struct imap_response *tagged);
/* Could cmd go into session_pipeline now (it encodes, in one chunk, with
 * no continuation)? */
bool session_can_pipeline(struct session *s, const struct session_cmd *cmd);
int session_pipeline(struct session *s, const struct session_cmd *cmds, size_t n,
		     session_done_fn done, void *ctx, struct imap_err *err);

/* The shell's "send": bytes as given, no tag.  The security policy
 * applies (policy.h): a LOGIN or AUTHENTICATE in them is refused over an
 * unprotected link and redacted in traces. */
int session_send_raw(struct session *s, const void *data, size_t len, struct imap_err *err);
/* IDLE's DONE line. */
int session_send_done(struct session *s, struct imap_err *err);
/* Reads one response (any kind) with the session's timeout; 0 = got one,
 * -1 = error.  For the shell's "readline"/"read" and for IDLE. */
int session_read_response(struct session *s, struct imap_response **r, struct imap_err *err);
/* Reads up to n raw bytes from the connection (shell's "read"); they
 * bypass the parser.  Returns bytes read, 0 on EOF, -1 on error. */
long session_read_bytes(struct session *s, void *buf, size_t n, struct imap_err *err);

/*
 * For IDLE: waits up to timeout_ms (< 0: forever) for the server, or for
 * extra_fd (if >= 0) to become readable.  Untagged responses that arrive
 * are delivered through the hooks as usual.  0: the time is up; 1:
 * extra_fd is readable; 2: Ctrl-C (net_interrupted(); the connection is
 * fine, the caller should end IDLE); -1: error (a tagged response or a
 * continuation here is a protocol error; ABORT).
 */
int session_idle_wait(struct session *s, int timeout_ms, int extra_fd, struct imap_err *err);

/* Marks the session dead without a word to the server (after a security
 * failure the connection must not be used again). */
void session_abandon(struct session *s);

enum imap_state session_state(const struct session *s);
/* Selected mailbox as the user named it, or NULL. */
const char *session_mailbox(const struct session *s);
bool session_readonly(const struct session *s);
bool session_alive(const struct session *s);
/* The text of the server's BYE, or NULL if none came. */
const char *session_bye_text(const struct session *s);
/* Mailbox names are UTF-8, not modified UTF-7: the server said ENABLED
 * UTF8=ACCEPT (RFC 6855) or IMAP4rev2 (RFC 9051 sec. 6.3.1). */
bool session_utf8_names(const struct session *s);
/* ENABLED UTF8=ACCEPT came (not IMAP4rev2 alone): a message with 8-bit
 * headers is appended as UTF8 (~{n}) (RFC 6855 sec. 4). */
bool session_utf8_accept(const struct session *s);
/* The selected mailbox's HIGHESTMODSEQ as its SELECT said (RFC 7162),
 * 0 when none came; *nomodseq (if not NULL): it said NOMODSEQ. */
uint64_t session_highestmodseq(const struct session *s, bool *nomodseq);

/*
 * Searches and sorts left open with RETURN (UPDATE) (RFC 5267 CONTEXT):
 * the tags they were sent with, oldest first, kept from when they are
 * sent until they fail, CANCELUPDATE names them, a [NOUPDATE "tag"]
 * comes, or their mailbox is left.  At most SESSION_MAX_UPDATES are kept (later ones still update;
 * cancelupdate TAG names them).  NULL when i is past the end.
 */
#define SESSION_MAX_UPDATES 32
size_t session_update_count(const struct session *s);
const char *session_update_tag(const struct session *s, size_t i);
/* Is r an ESEARCH update (ADDTO, REMOVEFROM) to one of those? */
bool session_is_update(const struct session *s, struct imap_response *r);
/* QRESYNC is enabled (ENABLED QRESYNC came): VANISHED replaces EXPUNGE,
 * SELECT may carry (QRESYNC ...) (RFC 7162 sec. 3.2.3). */
bool session_qresync(const struct session *s);
/* Capabilities, upper-cased; the name exactly as announced. */
bool session_has_cap(const struct session *s, const char *cap);
/* Does the server offer cap (offers.c)?  As announced, or, for cap ending
 * in "=", any of its family ("THREAD=", "AUTH="), or built into IMAP4rev2
 * when the server announces that ("MOVE", "ESEARCH", "LIST-STATUS"...). */
bool session_offers(const struct session *s, const char *cap);
/* Commands and parameters whose capability the server did not announce
 * are refused before anything is sent (on by default; off with
 * --no-capability-check). */
void session_set_cap_check(struct session *s, bool on);
bool session_cap_check(const struct session *s);
size_t session_caps(const struct session *s, const char *const **caps_r);
/* "IMAP4REV2" when offered, else "IMAP4REV1" (imaplib's PROTOCOL_VERSION). */
const char *session_protocol_version(const struct session *s);
/* Re-reads CAPABILITY. */
int session_refresh_caps(struct session *s, struct imap_err *err);
struct net_conn *session_conn(struct session *s);
/* Tag the next command will carry. */
const char *session_next_tag(struct session *s);

/*
 * imaplib's response(code): takes the untagged responses kept under name
 * (upper-cased match; also response codes such as "UIDVALIDITY", kept
 * from status responses).  Returns how many; *list_r (free each with
 * imap_response_free, then free the array) may be NULL if 0.
 */
size_t session_take_untagged(struct session *s, const char *name, struct imap_response ***list_r);

/* Selects the literal mode from capabilities (LITERAL+ / LITERAL-). */
enum imap_literal_mode session_literal_mode(const struct session *s);

/* Forget state learned so far (after STARTTLS later); used by open. */
void session_set_state(struct session *s, enum imap_state st);

/* Waits on the server at most ms from now on (LOGOUT at exit). */
void session_limit_timeout(struct session *s, int ms);

/*
 * Progress of literal transfers (for a progress line; nothing is decided
 * here: every literal is reported, however small, and the caller chooses
 * what to show).  Reported: a streamed literal as it is sent (APPEND's
 * message from a file; literals inside the command's bytes are not), and
 * every literal of a response as it arrives, whether the sink takes it
 * or the parser keeps it.  For each literal, fn gets one call with done
 * 0 and end false, calls as its data moves (done growing up to total),
 * and one last call with end set: done == total when it is complete, less
 * when it was abandoned (the session failed: the call comes before the
 * failing session call returns).  A kept literal is counted by the bytes
 * read since it began, so done may lag by one read (64 KiB) until end.
 * One literal moves at a time.  fn runs inside session calls and must not
 * call the session; p's strings are valid during the call only.
 * fn NULL turns it off.  Kept over STARTTLS; session_free() says nothing.
 */
enum session_xfer_dir {
	SESSION_XFER_SEND,
	SESSION_XFER_RECEIVE,
};
struct session_progress {
	enum session_xfer_dir dir;
	uint64_t done, total;     /* bytes of the literal's data */
	bool end;
	/* what the literal belongs to */
	const char *verb;         /* sending: the command's verb, "APPEND" */
	const char *resp_name;    /* receiving: as the sink is told (parser.h), */
	bool has_number;          /* e.g. "FETCH", 12, "BODY[]"; "" if none */
	uint64_t number;
	const char *key;
};
typedef void (*session_progress_fn)(void *ctx, const struct session_progress *p);
void session_set_progress(struct session *s, session_progress_fn fn, void *ctx);

/* Policy (policy.h): a password may cross an unprotected link. */
void session_set_allow_plaintext(struct session *s, bool allow);
/* Clear text that must be followed by TLS (--starttls): until TLS is up,
 * untagged data other than the greeting and the running command's own is
 * dropped, counted, and reported once through hooks->warn. */
void session_set_pre_tls(struct session *s, bool on);

#endif
