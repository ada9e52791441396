/*
 * hold.h - output of commands in flight, in the order they were typed
 * (hold.c).  Each untagged response is given to the command it belongs to
 * (core/attrib.h); while an earlier command still runs, a later
 * command's data is rendered and held, and comes out just before that
 * command's result, so that a pipelined script's output reads as if it
 * ran lock-step.  Data no command asked for shows at once, marked
 * unsolicited.  Held output is bounded (HOLD_MAX bytes): past that, or
 * for a literal too big to keep in memory, everything held comes out in
 * arrival order, with a note on stderr, and the rest of the batch shows
 * as it arrives (-o json objects still name their command).
 */
#ifndef IMAPSH_SHELL_HOLD_H
#define IMAPSH_SHELL_HOLD_H

#include "core/attrib.h"
#include "shell/call.h"

#define HOLD_MAX (4u << 20)

/* One command going out: its verb, script line (0: none), and what it
 * can produce (attrib_cmd_init). */
struct hold_cmd {
	const char *verb;
	unsigned long line;
	const struct attrib_cmd *attrib;
};

/* Commands cmds[0..n) are about to be sent (copied; attrib pointers must
 * stay valid until hold_end). */
void hold_begin(struct shell *sh, const struct hold_cmd *cmds, size_t n);
/* Command i's result came: it is no longer in flight. */
void hold_complete(struct shell *sh, size_t i);
/* Command i is next to be printed: its held data comes out now, and its
 * data from now on is printed as it arrives. */
void hold_advance(struct shell *sh, size_t i);
/* Everything still held comes out (in arrival order); hold is over. */
void hold_end(struct shell *sh);
/* The session's untagged hook: route r (print, hold, or mark). */
void hold_untagged(struct shell *sh, const struct imap_response *r);

#endif
