/*
 * reconnect.h - getting a session back: what a login used (the user and
 * the mechanism, never the password), "reconnect" (and "open" without
 * arguments) connecting again with the same options, logging in the same
 * way (the password asked again if it came from the terminal) and
 * selecting the mailbox that was selected; the offer to reconnect when a
 * command finds the connection gone; and watching the connection while
 * the prompt waits, so that a server's BYE or a dropped connection shows
 * at once.
 */
#ifndef IMAPSH_SHELL_RECONNECT_H
#define IMAPSH_SHELL_RECONNECT_H

#include <stdbool.h>

struct shell;

/* A login succeeded as user with mech (NULL: the LOGIN command): kept for
 * reconnecting.  A by-hand mechanism (user NULL) is kept to be named. */
void reconnect_note_login(struct shell *sh, const char *mech, const char *user);
void reconnect_forget(struct shell *sh);

/* Connects again (sh->target), logs in as the last login did and selects
 * (or examines) the mailbox the old session had selected; each step is
 * shown.  Returns an enum shell_status. */
int shell_reconnect(struct shell *sh);

/* A command needs the session and it is gone: on a terminal, offer to
 * reconnect.  0 when there is a live session afterwards, else -1. */
int reconnect_offer(struct shell *sh);

/* The prompt's watch: the fd to poll while waiting for input (-1: none),
 * and what to do when it is readable: responses that came are shown, a
 * closed connection is reported.  Returns true when anything was shown
 * (the caller redraws the prompt and the typed line). */
int reconnect_watch_fd(struct shell *sh);
bool reconnect_watch_read(struct shell *sh);

#endif
