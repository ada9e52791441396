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

#include "core/session.h"
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
	const char *port;        /* default "143" */
	const char *stream_cmd;  /* --stream COMMAND, or NULL */
	int timeout_ms;
};

struct redirect;

struct shell {
	struct session *session;     /* NULL when not connected */
	struct shell_target target;
	char *target_store[3];       /* copies made by "open" */
	struct trace_ctx trace;
	struct render_opts render;
	FILE *out;
	bool interactive;            /* reading a terminal: no line numbers */
	bool stop_on_error;
	bool quit;
	int status;                  /* worst enum shell_status so far */
	const char *source;          /* script name for messages, or NULL */
	unsigned long lineno;        /* of the line being run (0: none) */
	struct redirect *redir;      /* of the running command */
	uint64_t stream_threshold;   /* literals this big go straight to the output */
};

void shell_init(struct shell *sh);
void shell_release(struct shell *sh);

/* Connects to sh->target and reads the greeting (printed).  0 or -1
 * (reported; status SHELL_BROKEN). */
int shell_connect(struct shell *sh);
/* Runs one line.  Returns the line's enum shell_status and folds it into
 * sh->status; sets sh->quit for quit/exit or a dead session in a script. */
int shell_exec(struct shell *sh, const char *line, size_t len);
/* Sends LOGOUT if the session is still up (nothing printed), closes. */
void shell_finish(struct shell *sh);
/* Prints "imapsh: [line N: ]message" on stderr. */
void shell_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Asks on the terminal (/dev/tty), without echo unless echo; NULL when
 * there is no terminal.  Caller wipes and frees. */
char *shell_ask(const char *prompt, bool echo);

/* Names of the meta commands (NULL-terminated), for help and completion. */
extern const char *const shell_meta_names[];

#endif
