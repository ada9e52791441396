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
 * ~/.netrc for the host, then the terminal (*asked set true, if asked is
 * not NULL).  NULL with err if none.  Caller wipes and frees. */
char *shell_password(struct shell *sh, const char *user, bool *asked, struct imap_err *err);

/* "login USER [PASSWORD]": the LOGIN command; without given, the password
 * comes from shell_password, and one asked on the terminal is asked again
 * after a NO (three tries, each failure reported).  0 with *tagged (the
 * last answer) or -1 with err.  A login that succeeds is noted for
 * reconnecting (reconnect.h). */
int shell_login_user(struct shell *sh, const char *user, const char *given,
		     struct imap_response **tagged, struct imap_err *err);
/* Logs in again as a noted login did: mech (NULL: LOGIN) and user, the
 * password from shell_password (asked again if it came from the terminal). */
int shell_login_again(struct shell *sh, const char *mech, const char *user,
		      struct imap_response **tagged, struct imap_err *err);

/* The by-hand continuation handler of AUTHENTICATE (session_cont_fn;
 * ctx is the shell): each challenge shown decoded, the answer typed on the
 * terminal sent base64-encoded and redacted; "*" cancels. */
int shell_sasl_by_hand(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
		       struct imap_err *err);

/* The authenticate command (words: MECH [USER [PASSWORD]]) and
 * login_cram_md5 (USER [PASSWORD]): 0 with *tagged or -1 with err.  A
 * password asked on the terminal gets three tries, as for login. */
int shell_authenticate(struct shell *sh, const char *mech, const struct cmd_word *w, size_t n,
		       struct cmd_call *call, struct imap_response **tagged, struct imap_err *err);

/* -u USER [-a MECH]: logs in after connecting (three tries for a password
 * asked on the terminal); reports failures.  0 or -1. */
int shell_login(struct shell *sh);

#endif
