/*
 * trace.h - the wire trace on stderr (imaplib's debug levels).
 *
 *   1  connection events, greeting, capabilities, state changes
 *   2  each command and its result
 *   3  also which command each untagged response was taken for (its data,
 *      held in script order, or unsolicited)
 *   4  every line sent ("C: ") and received ("S: "), secrets as <redacted>;
 *      clear text before a required TLS as "S (before TLS, discarded): "
 *   5  also read sizes and long lines in full
 * The core hands over text that is already redacted; this module only
 * formats it: a timestamp, a direction, and escapes for control bytes.
 */
#ifndef IMAPSH_SHELL_TRACE_H
#define IMAPSH_SHELL_TRACE_H

#include <stdio.h>

#include "core/session.h"

struct trace_ctx {
	FILE *fp;
	int level;
};

/* Matches session_hooks.trace; ctx is a struct trace_ctx. */
void trace_hook(void *ctx, int level, enum trace_kind kind, const char *text, size_t len);

#endif
