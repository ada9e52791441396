/*
 * profile.h - connection profiles: the named [sections] of the config file
 * (~/.config/imapsh/config), read with the inih library, each key checked
 * and turned into a value, with errors that name FILE:LINE.  No I/O but
 * reading that one file; nothing here connects or prints.
 *
 * The file:
 *     # a comment (a line that starts with # or ;)
 *     [work]
 *     host = imap.example.com
 *     ssl = yes
 *     user = alice
 * Keys are the long options of imapsh --help: host, port, stream, ssl,
 * starttls, cafile, certfile, keyfile, tls-priority, tls-name,
 * pinnedpubkey, insecure, allow-plaintext, user, auth, password-file,
 * timeout (seconds, as --timeout), output (pretty|raw|json), color
 * (auto|always|never), pager (on|off|auto), pipeline (yes|no), compress
 * (yes|no) and debug (0-5); keys are matched ignoring case.  Booleans: yes/no, true/false,
 * on/off, 1/0.  File values (cafile, certfile, keyfile, password-file, and
 * pinnedpubkey unless it is sha256//...) are absolute or start with "~/",
 * which becomes $HOME/.  Profile names are letters, digits, '.', '_' and
 * '-'.  Comments: whole lines starting with # or ;, and " ;" to the end of
 * a line (inih's inline comments); "#" after a value is an error, except
 * in stream (a shell command).  A value is one line: an indented line
 * that would continue it (inih's multi-line values) is an error.
 * Passwords are refused (keys password, pass, passwd, secret): they belong
 * in password-file, ~/.netrc or the prompt.
 */
#ifndef IMAPSH_SHELL_PROFILE_H
#define IMAPSH_SHELL_PROFILE_H

#include "util/err.h"

/* One profile; every field starts unset (profile_init()). */
struct profile {
	char *name;                /* the section's name */
	/* strings: NULL unset; file values with ~/ expanded */
	char *host, *port, *stream, *user, *auth;
	char *cafile, *certfile, *keyfile, *tls_priority, *tls_name, *pinnedpubkey;
	char *password_file;
	char *prompt;              /* the prompt's format (shell/prompt.h) */
	/* booleans: -1 unset, else 0 or 1 */
	int ssl, starttls, insecure, allow_plaintext, pipeline;
	int compress;              /* COMPRESS=DEFLATE after login (--compress) */
	int no_cap_check;          /* --no-capability-check */
	int timeout_ms;            /* 0 unset, else > 0 (as --timeout) */
	int output;                /* -1 unset, else enum render_format: 0 pretty 1 raw 2 json */
	int color;                 /* -2 unset, -1 auto, 0 never, 1 always */
	int pager;                 /* -2 unset, -1 auto, 0 off, 1 on */
	int debug;                 /* -1 unset, else 0-5 */
};

/* Sets every field unset (what profile_release() leaves too). */
void profile_init(struct profile *p);
/* Frees the strings; p is unset (profile_init) afterwards. */
void profile_release(struct profile *p);

/*
 * The config file's path (malloc'd): $IMAPSH_CONFIG if set and not empty,
 * else $XDG_CONFIG_HOME/imapsh/config if XDG_CONFIG_HOME is absolute, else
 * $HOME/.config/imapsh/config; NULL when none of them is set.
 */
char *profile_path(void);

/*
 * Reads and checks the whole file at path, and fills p (initialised here,
 * whatever the result) from section name.
 *   1   found: p filled (p->name set);
 *   0   not found: no file (or path NULL), or no section name in it;
 *       err says which, as "no config file FILE" or "no profile NAME in
 *       FILE", for when a profile was asked for by name;
 *  -1   the file cannot be read or has an error (in any section): err says
 *       "FILE:LINE: what" (one line, never a value that could be a secret).
 * A missing file is 0, not an error; a file that others may read is fine.
 * name NULL only checks the file: 1 good, 0 no file, -1 error.
 */
int profile_load(const char *path, const char *name, struct profile *p, struct imap_err *err);

/*
 * The profile names in path, in file order, as a NULL-terminated array
 * (for completion; free with profile_names_free()).  NULL when the file
 * is missing, unreadable or has an error.
 */
char **profile_names(const char *path);
void profile_names_free(char **names);

#endif
