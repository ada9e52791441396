/*
 * login.h - how the shell logs in: where passwords come from
 * (--password-file, IMAPSH_PASSWORD, ~/.netrc, the terminal), the guard
 * against passwords in clear text, AUTHENTICATE with built-in mechanisms
 * or by hand, and -u's login after connecting.
 */
#ifndef IMAPSH_SHELL_LOGIN_H
#define IMAPSH_SHELL_LOGIN_H

#include <stdbool.h>

#include "core/commands.h"
#include "shell/call.h"

/* Asks on the terminal (/dev/tty), without echo unless echo; NULL when
 * there is no terminal.  Caller wipes and frees. */
char *shell_ask(const char *prompt, bool echo);

/* The password for user: --password-file (first line), IMAPSH_PASSWORD,
 * ~/.netrc for the host, then the terminal.  NULL with err if none.
 * Caller wipes and frees. */
char *shell_password(struct shell *sh, const char *user, struct imap_err *err);

/* 0 if a secret may be sent now: TLS, a local peer (loopback, the pipe
 * transport) or --allow-plaintext; else -1 with err naming the way out. */
int shell_guard_secret(struct shell *sh, const char *what, struct imap_err *err);

/* The authenticate command (words: MECH [USER [PASSWORD]]) and
 * login_cram_md5 (USER PASSWORD): 0 with *tagged or -1 with err. */
int shell_authenticate(struct shell *sh, const char *mech, const struct cmd_word *w, size_t n,
		       struct cmd_call *call, struct imap_response **tagged, struct imap_err *err);

/* -u USER [-a MECH]: logs in after connecting; reports failures.  0 or -1. */
int shell_login(struct shell *sh);

#endif
