/*
 * sink.h - where literals go that are not kept in memory: to the file or
 * directory of a "> FILE" / ">> FILE" / "> DIR/" redirect, or, when a
 * literal is at least sh->stream_threshold bytes and nothing redirects
 * it, to a spool (an unlinked file in $TMPDIR, mode 0600) from which the
 * renderer reads it back when its response is shown.  So a 100 MB message
 * comes out exactly as a small one would, in its place and in every
 * output format, while the process stays small.
 */
#ifndef IMAPSH_SHELL_SINK_H
#define IMAPSH_SHELL_SINK_H

#include "shell/call.h"

/* Points sh->sink at the callbacks below, and makes the spool (before a
 * session is made). */
void sink_init(struct shell *sh);
/* Frees the spool and any redirect. */
void sink_release(struct shell *sh);

/* Takes "> FILE", ">> FILE", ">FILE", "> DIR/" off the end of the line
 * into sh->redir.  0, or -1 after reporting (the command is not run). */
int sink_take_redirect(struct shell *sh, struct shell_line *l);
/* After the command: says if writing a redirect failed (then SHELL_FAILED),
 * and drops it.  Returns the status to fold in. */
int sink_end_redirect(struct shell *sh);

/* The renderer's view of the spool (render_opts.spool), or NULL when no
 * literal waits in it (then a response is shown without looking). */
const struct render_spool *sink_spool(struct shell *sh);
/* Forgets spooled literals (after their response is shown). */
void sink_spool_clear(struct shell *sh);

#endif
