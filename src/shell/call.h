/*
 * call.h - the shell object and the execution of one typed line: IMAP
 * commands from the command table (call.c), meta commands from their own
 * table (meta.c), literals to files or the output (sink.c), pipelined
 * script lines (batch.c); output through the renderers.  The shell reaches
 * the server only through src/core (connect.h, session.h).
 */
#ifndef IMAPSH_SHELL_CALL_H
#define IMAPSH_SHELL_CALL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/attrib.h"
#include "core/commands.h"
#include "core/connect.h"
#include "core/session.h"
#include "shell/known.h"
#include "shell/lexer.h"
#include "shell/render.h"
#include "shell/trace.h"

/* Exit statuses (see the man page). */
enum shell_status {
	SHELL_OK = 0,      /* every command completed OK */
	SHELL_FAILED = 1,  /* a command failed: NO, BAD, or refused locally */
	SHELL_BROKEN = 2,  /* the session failed: connection, protocol, BYE, timeout */
	SHELL_USAGE = 64,  /* bad command-line usage */
};

/* How the shell logs in (-u, -a, password sources). */
struct shell_auth {
	const char *user;          /* -u */
	const char *mech;          /* -a, or NULL: choose */
	const char *password_file; /* --password-file */
	/* IMAPSH_PASSWORD and IMAPSH_TOKEN, taken out of the environment at
	 * start (a --stream server must not inherit them); wiped at exit */
	char *env_password;
	char *env_token;
};

struct redirect;
struct spool;
struct hold;

struct shell {
	struct session *session;     /* NULL when not connected */
	struct conn_opts target;     /* what to connect to, and how */
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
	uint64_t stream_threshold;   /* literals this big are not kept in memory */
	struct spool *spool;         /* such literals, until their response is shown */
	bool raw_warned;             /* -o raw on a terminal: said once */
	bool pre_tls;                /* --starttls, connecting: nothing is shown */
	struct buf scratch;          /* rendering, reused from response to response */
	struct hold *hold;           /* commands in flight, their output in order (hold.h) */
	bool greeting_pending;       /* connecting: the next status response is the greeting */
	bool connecting_shown;       /* "connecting to..." is on the terminal's stderr */
	struct known known;          /* mailbox names and flags seen, for completion */
	struct vars *vars;           /* $NAME in command lines (vars.h) */
	struct profile **profiles;   /* profiles the target points into (target.h) */
	size_t nprofiles;
	int pager_mode;              /* enum pager_mode (pager.h): auto unless --no-pager */
	struct pager *pager;         /* of the running command, or NULL */
	struct progress *progress;   /* the progress line (progress.h), NULL: none */
	char *after_idle;            /* a line typed during IDLE: it ends IDLE, then runs */
	bool hints;                  /* hints as you type (interactive, a terminal); --no-hints */
	const char *prompt;          /* the prompt's format (prompt.h), NULL: the default */
	struct {                     /* the last login, for reconnecting (reconnect.h) */
		char *user;          /* NULL: a mechanism answered by hand */
		char *mech;          /* NULL: the LOGIN command */
		bool valid;
	} relogin;
	struct imap_literal_sink sink; /* literals to files or the spool (the parser keeps a pointer) */
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
	struct attrib_cmd attrib;  /* what its data looks like (core/attrib.h) */
	unsigned long lineno;
	unsigned flags;
};
int shell_prepare(struct shell *sh, const char *line, size_t len, struct shell_pending *p);
void shell_pending_release(struct shell_pending *p);
/* May p join batch[0..n) (the data of each told apart: core/attrib.h)? */
bool shell_batch_can_take(const struct shell_pending *batch, size_t n, const struct shell_pending *p);
void shell_run_batch(struct shell *sh, struct shell_pending *batch, size_t n);

/* --compress (sh->target.compress): once logged in (or at PREAUTH),
 * COMPRESS=DEFLATE when the server offers it (shown as the compress
 * command's result), else a one-line note on stderr; nothing when it is
 * on already, or in another state.  Failures are reported as commands'. */
void shell_compress_auto(struct shell *sh);

/* Sends LOGOUT if the session is still up (nothing printed), closes. */
void shell_finish(struct shell *sh);
/* Folds st into sh->status (the worst wins) and returns it. */
int shell_note(struct shell *sh, int st);
/* Reports err (with the line number) and returns its status: ABORT is
 * SHELL_BROKEN (and ends a script), anything else SHELL_FAILED. */
int shell_report(struct shell *sh, const struct imap_err *err);
/* "imapsh: [line N: ]WHAT failed: NO [CODE] text" for a tagged NO/BAD. */
void shell_report_result(struct shell *sh, const char *what, const struct imap_response *t);
/* The terminal's columns (COLUMNS, else the tty's, else 80). */
unsigned shell_terminal_width(void);
/* Writes b to the output (flushed on a terminal). */
void shell_print(struct shell *sh, const struct buf *b);
/* Prints "imapsh: [FILE:]line N: message" on stderr (with -o json also
 * {"version":1,"type":"error","message":..,"line":N} on stdout). */
void shell_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same as "imapsh: warning: message" (JSON type "warning"). */
void shell_warn(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A -o json object of the shell's own (meta commands, errors): opens
 * {"version":1,"type":TYPE in b; close adds "line" (scripts), ends the
 * line and prints it. */
struct json;
void shell_json_open(struct shell *sh, struct json *j, struct buf *b, const char *type);
void shell_json_close(struct shell *sh, struct json *j);

/* Renders r as the output format says (with its streamed literals) and
 * writes it out; command and line name the command a tagged result ends. */
void shell_show(struct shell *sh, const struct imap_response *r, const char *command,
		unsigned long line);
/* The same, for untagged data: unsolicited marks data no command asked
 * for; with into, the output is appended there instead of written. */
void shell_show_as(struct shell *sh, const struct imap_response *r, const char *command,
		   unsigned long line, bool unsolicited, struct buf *into);

/* The core's view of the tokens l->tok[first..first+nwords); with
 * allow_files, @FILE opens the file as a streamed message (files[] must be
 * closed with msgfile_close by the caller), and @- standard input when
 * stdin_free (shell_stdin_free).  0 or -1 with err. */
struct msgfile;
int shell_words(struct shell_line *l, size_t first, size_t nwords, bool allow_files,
		bool stdin_free, struct cmd_word *words, struct msgfile **files,
		struct imap_err *err);
/* Is standard input free to carry a message (@-)?  Only when the commands
 * come from -c or -f FILE, not from standard input or a terminal. */
bool shell_stdin_free(const struct shell *sh);

/* The recent command (imaplib's recent()): the RECENT count kept from
 * earlier responses, or a NOOP to ask for it; call is its built NOOP. */
int shell_recent(struct shell *sh, struct cmd_call *call);

/* A command that needs a live session: 0, or -1 after saying so. */
int shell_need_session(struct shell *sh);
/* Runs an IMAP command (spec: from the table, words l->tok[first..]), or
 * with spec NULL a raw line: raw_verb and one argument sent as typed. */
int shell_run_imap(struct shell *sh, const struct cmd_spec *spec, struct shell_line *l,
		   size_t first, size_t nwords, const char *raw_verb);

/* ---- meta commands (meta.c) ---- */
struct meta_args {
	struct shell_line *l; /* the line's tokens, the command's name first */
	const char *line;     /* the line as typed (raw sends it) */
	size_t len;
};
struct meta_spec {
	const char *name;
	const char *usage;  /* arguments, for help */
	const char *help;   /* one line */
	int (*run)(struct shell *sh, const struct meta_args *a);
};
extern const struct meta_spec shell_meta_table[];
extern const size_t shell_meta_table_size;
/* By name (any case; "?" is help); NULL if none. */
const struct meta_spec *shell_meta_lookup(const char *name);

#endif
