/*
 * session_int.h - the session's insides, shared by the files of the
 * session core only (session.c, pipeline.c, policy.c).  Nothing outside
 * src/core includes this.
 */
#ifndef IMAPSH_CORE_SESSION_INT_H
#define IMAPSH_CORE_SESSION_INT_H

#include <stdarg.h>

#include "core/kept.h"
#include "core/session.h"
#include "net/transport.h"
#include "util/tag.h"

struct session {
	struct net_conn *conn;
	struct imap_parser *parser;
	struct session_hooks hooks;
	struct tagger tagger;
	char next_tag[32];
	enum imap_state state;
	char *mailbox;
	bool readonly;
	bool became_readonly; /* [READ-ONLY] arrived during another command */
	bool alive;
	bool bye_seen;
	bool utf8_names;       /* ENABLED UTF8=ACCEPT or IMAP4rev2 came */
	bool qresync;          /* ENABLED QRESYNC came (RFC 7162) */
	bool utf8_accept;      /* ENABLED UTF8=ACCEPT came (APPEND's UTF8 form) */
	uint64_t highestmodseq; /* of the selected mailbox ([HIGHESTMODSEQ n]); 0: none came */
	bool nomodseq;         /* [NOMODSEQ]: the mailbox has no mod-sequences */
	char update_tags[SESSION_MAX_UPDATES][32]; /* session_update_tag */
	size_t nupdates;
	bool no_cap_check;     /* --no-capability-check (offers.c) */
	char bye_text[256];
	char **caps;
	size_t ncaps, caps_alloc;
	enum imap_literal_mode literal_mode; /* from the capabilities */
	struct kept_store *kept;
	const char *data_name; /* of the running command */
	/* pipelining: the commands in flight (their data names count too) */
	const struct session_cmd *pipe_cmds;
	const size_t *pipe_idx;
	size_t pipe_n;
	/* security policy (policy.c) */
	bool allow_plaintext;
	bool raw_auth; /* "send" began an AUTHENTICATE: what it sends next is secret */
	/* Clear text that TLS must follow (--starttls before the upgrade, or
	 * a STARTTLS in progress): untagged data is not delivered, only
	 * counted, since an attacker on the path could have written it. */
	bool pre_tls;
	bool greeted;          /* the greeting was read */
	size_t pre_tls_bytes, pre_tls_lines, pre_tls_responses;
	/* progress of literal transfers (session_set_progress, read.c) */
	session_progress_fn progress;
	void *progress_ctx;
	struct imap_literal_sink prog_sink; /* the parser's sink while progress is on:
	                                     * reports, and hands on to hooks.sink */
	struct session_progress prog;       /* the literal in flight */
	bool prog_active;                   /* prog has had its first call, not its end */
	bool prog_kept;                     /* ... and the parser keeps it: counted by reads */
	char prog_name[32], prog_key[96];   /* prog's strings */
};

/* Bytes read, or literal data sent, at a time. */
#define SESS_CHUNK 65536

bool sess_tracing(const struct session *s, int level);
void sess_trace(struct session *s, int level, enum trace_kind kind, const char *text, size_t len);
void sess_tracef(struct session *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Marks the session dead (ABORT unless err has a kind); returns -1. */
int sess_fail(struct session *s, struct imap_err *err);
/* Progress (read.c): a report of s->prog (and its end, when end is set);
 * the end of the literal in flight, if any, as abandoned or complete. */
void sess_progress(struct session *s, bool end);
void sess_progress_stop(struct session *s, bool complete);
/* Reads one whole response within the session's timeout. */
int sess_read_response(struct session *s, struct imap_response **r, struct imap_err *err);
/* Clear text before a required TLS that is not shown (see pre_tls): any
 * untagged response after the greeting but the running command's data. */
bool sess_pre_tls_discards(const struct session *s, const struct imap_response *r);
/* Is name the data of a command in progress (not kept, shown)? */
bool sess_is_data_name(const struct session *s, const char *name);
/* Learns from r, shows it through the hooks, and keeps or frees it. */
void sess_deliver_untagged(struct session *s, struct imap_response *r);
/* Updates state from a command's tagged response. */
void sess_after_tagged(struct session *s, const struct session_cmd *cmd,
		       const struct imap_response *t);
/*
 * Before commands go out: handles every response the server has sent
 * already (buffered, or readable now without waiting).  Untagged ones are
 * delivered.  A tagged response goes to tagged(ctx, t, err) (which takes
 * it; -1 stops), or when tagged is NULL it is a protocol error (ABORT): it
 * answers a command that was never sent.  A "+" here is always one.
 */
int sess_drain(struct session *s,
	       int (*tagged)(void *ctx, struct imap_response *t, struct imap_err *err), void *ctx,
	       struct imap_err *err);

/* A command with context_update goes with tag: keep it (session.c). */
void sess_updates_sent(struct session *s, const struct session_cmd *cmd, const char *tag);

#endif
