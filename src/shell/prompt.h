/*
 * prompt.h - the interactive prompt, from a format (IMAPSH_PROMPT or a
 * profile's prompt key) and what the session is: pure, no readline.
 *
 *   %w  who and where: user@host, or the one of them known (empty: none)
 *   %W  the same and a blank, when there is one (bold green with colour)
 *   %u  the user of the last login, %h the host of a TCP connection
 *   %s  the state (NONAUTH, AUTH, SELECTED, LOGOUT), %m the mailbox
 *   %S  "[STATE MAILBOX, read-only, closed]", or "[not connected]"
 *   %%  a percent sign; any other %X stays as typed
 * The default is "imapsh %W%S> ".  A format that does not end in a blank
 * gets one (a config file cannot keep a trailing blank).  Names and
 * mailboxes are made terminal-safe (control bytes as \xHH).
 */
#ifndef IMAPSH_SHELL_PROMPT_H
#define IMAPSH_SHELL_PROMPT_H

#include <stdbool.h>

#include "util/buf.h"

#define PROMPT_DEFAULT "imapsh %W%S> "

struct prompt_info {
	bool connected;        /* a session exists (alive or not) */
	bool alive;
	const char *user;      /* or NULL */
	const char *host;      /* or NULL */
	const char *state;     /* imap_state_name() */
	const char *mailbox;   /* decoded, or NULL */
	bool readonly;
};

/* The prompt for pi after fmt (NULL: PROMPT_DEFAULT); with color, %W's
 * escapes wrapped in readline's \001 \002. */
void prompt_format(struct buf *out, const char *fmt, const struct prompt_info *pi, bool color);

#endif
