/*
 * cmd_ext.h - the extensions' parameter forms (cmd_ext.c), for the
 * command builder (cmd_args.c), and the small scanner they share over a
 * parenthesised list as the user typed it.  Nothing outside src/core
 * includes this.
 */
#ifndef IMAPSH_CORE_CMD_EXT_H
#define IMAPSH_CORE_CMD_EXT_H

#include "core/cmd_int.h"

/* "WHAT needs the server capability CAP, which this server does not
 * announce (--no-capability-check ...)"; returns -1. */
int cmd_refuse_cap(struct imap_err *err, const char *what, const char *cap);
/* 0 if the server offers cap or the check is off (or no session); else
 * the refusal, "CMD: WHAT needs ...". */
int ext_need(struct builder *b, const char *cap, const char *what);

int ext_select(struct builder *b, const struct cmd_spec *spec, const struct cmd_word *w, size_t n);
int ext_fetch(struct builder *b, const struct cmd_word *w, size_t n, bool uid);
int ext_store(struct builder *b, const struct cmd_word *w, size_t n);
int ext_list(struct builder *b, const struct cmd_spec *spec, const struct cmd_word *w, size_t n);
int ext_create(struct builder *b, const struct cmd_word *w, size_t n);
int ext_getmetadata(struct builder *b, const struct cmd_word *w, size_t n);
int ext_setmetadata(struct builder *b, const struct cmd_word *w, size_t n);
int ext_notify(struct builder *b, const struct cmd_word *w, size_t n);
/* cancelupdate [TAG...]: the tags named, or all the session keeps. */
int ext_cancelupdate(struct builder *b, const struct cmd_word *w, size_t n);
/* RETURN (OPTS) of search (ESEARCH) or sort (ESORT): names and caps; an
 * UPDATE sets the call's context_update. */
int ext_search_return(struct builder *b, const struct cmd_word *opts, bool sort);
/* "$" in a set needs SEARCHRES. */
int ext_seqset(struct builder *b, const struct cmd_word *w);
/* THREAD's algorithm must be one the server announces (THREAD=ALG). */
int ext_thread_algorithm(struct builder *b, const struct cmd_word *w);

/* A list as typed, token by token. */
struct plist {
	const char *p, *end;
};
enum ptok_type { PT_END, PT_OPEN, PT_CLOSE, PT_WORD, PT_BAD };
struct ptok {
	enum ptok_type type;
	const char *s; /* a word as typed (a quoted string with its quotes) */
	size_t len;
};
void plist_init(struct plist *l, const char *s, size_t len);
void plist_next(struct plist *l, struct ptok *t);
/* Is w a list as typed, "(...)" unquoted? */
bool ext_is_list(const struct cmd_word *w);

#endif
