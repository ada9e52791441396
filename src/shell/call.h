/*
 * call.h - the shell object and the execution of one typed line: meta
 * commands (help, debug, raw, send, read, open, ...) and IMAP commands
 * from the command table, with output through the renderers.
 */
#ifndef IMAPSH_SHELL_CALL_H
#define IMAPSH_SHELL_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/commands.h"
#include "core/session.h"
#include "shell/lexer.h"
#include "net/tls.h"
#include "shell/render.h"
#include "shell/trace.h"

/* Exit statuses (see the man page). */
enum shell_status {
	SHELL_OK = 0,      /* every command completed OK */
	SHELL_FAILED = 1,  /* a command failed: NO, BAD, or refused locally */
	SHELL_BROKEN = 2,  /* the session failed: connection, protocol, BYE, timeout */
	SHELL_USAGE = 64,  /* bad command-line usage */
};

struct shell_target {
	const char *host;        /* TCP host, or NULL */
	const char *port;        /* NULL: 143, or 993 with --ssl */
	const char *stream_cmd;  /* --stream COMMAND, or NULL */
	int timeout_ms;
	bool ssl;                /* --ssl: implicit TLS */
	bool starttls;           /* --starttls: TLS required before anything else */
	struct net_tls_opts tls; /* --cafile, --certfile, ..., --insecure */
};

/* How the shell logs in (-u, -a, password sources). */
struct shell_auth {
	const char *user;          /* -u */
	const char *mech;          /* -a, or NULL: choose */
	const char *password_file; /* --password-file */
	bool allow_plaintext;      /* --allow-plaintext */
};

struct redirect;

struct shell {
	struct session *session;     /* NULL when not connected */
	struct shell_target target;
	struct shell_auth auth;
	char *target_store[3];       /* copies made by "open" */
	struct trace_ctx trace;
	struct render_opts render;
	FILE *out;
	bool interactive;            /* reading a terminal: no line numbers */
	bool stop_on_error;
	bool pipeline;               /* scripts: pipeline what RFC 9051 5.5 allows */
	bool quit;
	int status;                  /* worst enum shell_status so far */
	const char *source;          /* script name for messages, or NULL */
	unsigned long lineno;        /* of the line being run (0: none) */
	struct redirect *redir;      /* of the running command */
	uint64_t stream_threshold;   /* literals this big go straight to the output */
	struct buf scratch;          /* rendering, reused from response to response */
	struct imap_literal_sink sink; /* literals to files or the output (the parser keeps a pointer) */
};

void shell_init(struct shell *sh);
void shell_release(struct shell *sh);

/* Connects to sh->target and reads the greeting (printed).  0 or -1
 * (reported; status SHELL_BROKEN). */
int shell_connect(struct shell *sh);
/* Runs one line.  Returns the line's enum shell_status and folds it into
 * sh->status; sets sh->quit for quit/exit or a dead session in a script. */
int shell_exec(struct shell *sh, const char *line, size_t len);
/*
 * Pipelining script lines (RFC 9051 5.5).  shell_prepare() lexes and
 * builds a line: 1 when it may be sent without waiting (p holds it; see
 * cmd_pipe_flags), 0 when it must run on its own through shell_exec()
 * (p holds nothing of use), 2 when there is nothing to run (blank line,
 * comment).  Release p in every case.  shell_run_batch() sends the lines
 * pipelined and prints each result as it arrives, errors with their line
 * numbers (set p->lineno).
 */
struct shell_pending {
	struct shell_line line;
	struct cmd_call call;
	unsigned long lineno;
	unsigned flags;
};
int shell_prepare(struct shell *sh, const char *line, size_t len, struct shell_pending *p);
void shell_pending_release(struct shell_pending *p);
void shell_run_batch(struct shell *sh, struct shell_pending *batch, size_t n);

/* Sends LOGOUT if the session is still up (nothing printed), closes. */
void shell_finish(struct shell *sh);
/* Folds st into sh->status (the worst wins) and returns it. */
int shell_note(struct shell *sh, int st);
/* Reports err (with the line number) and returns its status: ABORT is
 * SHELL_BROKEN (and ends a script), anything else SHELL_FAILED. */
int shell_report(struct shell *sh, const struct imap_err *err);
/* "imapsh: [line N: ]WHAT failed: NO [CODE] text" for a tagged NO/BAD. */
void shell_report_result(struct shell *sh, const char *what, const struct imap_response *t);
/* Writes b to the output (flushed on a terminal). */
void shell_print(struct shell *sh, const struct buf *b);
/* Prints "imapsh: [line N: ]message" on stderr. */
void shell_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Names of the meta commands (NULL-terminated), for help and completion. */
extern const char *const shell_meta_names[];

#endif
