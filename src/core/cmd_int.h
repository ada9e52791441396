/*
 * cmd_int.h - what the files that build commands share (commands.c,
 * cmd_args.c, cmd_ext.c): the builder that collects a command's
 * arguments, and its primitives.  Nothing outside src/core includes this.
 */
#ifndef IMAPSH_CORE_CMD_INT_H
#define IMAPSH_CORE_CMD_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/commands.h"

struct builder {
	struct cmd_call *c;
	size_t n;                 /* arguments so far */
	const struct session *s;  /* NULL: no state or capability checks */
	struct imap_err *err;
	const char *cmdname;      /* for messages: "fetch: ..." */
};

/* out = a + b, cut to size */
void cmd_copy_verb(char *out, size_t size, const char *a, const char *b);

/* Appends one argument (data must outlive the call); -1 when full. */
int bld_arg(struct builder *b, enum imap_arg_kind kind, unsigned flags, const char *data,
	    size_t len);
/* The same, with the bytes copied into the call's own store. */
int bld_stored(struct builder *b, enum imap_arg_kind kind, unsigned flags, const char *data,
	       size_t len);
/* A mailbox name: UTF-8 as typed, sent as modified UTF-7 (or UTF-8 once
 * UTF8=ACCEPT is enabled); flags as bld_arg's (lists of names). */
int bld_mailbox(struct builder *b, const struct cmd_word *w);
int bld_mailbox_flags(struct builder *b, const struct cmd_word *w, unsigned flags);
/* A word as typed; a quoted one as a string. */
int bld_raw(struct builder *b, const struct cmd_word *w);
/* A word as kind takes it. */
int bld_word(struct builder *b, enum cmd_arg kind, const struct cmd_word *w);
/* Is w, unquoted, s (case-insensitive)? */
bool bld_word_is(const struct cmd_word *w, const char *s);
/* Digits, ':', ',', '*' and '$' only. */
bool bld_is_seqset(const char *s, size_t len);
/* None or NIL, unquoted: an optional argument left out (imaplib's None). */
bool bld_word_is_none(const struct cmd_word *w);
/* A message of append (cmd_append.c): @FILE streamed, or a quoted
 * string with its line ends made CRLF; literal8 when it holds NUL. */
int bld_message(struct builder *b, const struct cmd_word *w);
/* append's and replace's arguments (cmd_append.c). */
int cmd_build_append(struct builder *b, const struct cmd_word *w, size_t n);
int cmd_build_replace(struct builder *b, const struct cmd_word *w, size_t n);

/* The arguments of spec from the words (cmd_args.c). */
int cmd_build_args(struct builder *b, const struct cmd_spec *spec, const struct cmd_word *w,
		   size_t n);

#endif
