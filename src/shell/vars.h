/*
 * vars.h - shell variables: a table of NAME -> VALUE (set, get, unset,
 * listed in name order) and their expansion in a typed line, done before
 * the lexer (shell/lexer.h) sees the line.  Pure: no I/O.
 *
 * A value is text pasted into the line as is, like a C macro: after
 * `set MB "My Folder"`, `select $MB` is `select "My Folder"`; after
 * `set ITEMS (FLAGS UID)`, `fetch 1 $ITEMS` fetches two items.  Names are
 * [A-Za-z_][A-Za-z0-9_]*, case-sensitive.  A value holds no CR, LF or NUL
 * (one line stays one command) and is at most VARS_VALUE_MAX bytes.
 *
 * Expansion rules (vars_expand), mirroring the lexer's view of a line:
 *  - $NAME (longest run of name bytes) of a defined NAME is its value;
 *    of an undefined NAME it stays as typed, because IMAP uses '$' itself:
 *    keywords ($Forwarded, $Junk, $MDNSent) stay keywords;
 *  - ${NAME} is the value; an undefined NAME is an error, and so is a ${
 *    not followed by NAME and '}';
 *  - a lone '$', or '$' before a byte that cannot start a name ($1, $ in
 *    SEARCHRES's "fetch $ FLAGS"), stays as typed;
 *  - \$ outside quotes is a literal '$' (the backslash is dropped, nothing
 *    is expanded); any other backslash stays as typed (\Seen);
 *  - nothing is expanded inside "..." (a backslash protects the next
 *    byte, so "a\"$X" is one quoted string), nor inside '...' outside a
 *    group (inside (...) or [...] an apostrophe is an ordinary byte, as
 *    in the lexer), nor in a comment line (first non-blank byte '#';
 *    a '#' later in the line is data, as in the lexer);
 *  - a quote left unclosed is copied as typed to the end of the line (the
 *    lexer then reports it);
 *  - not recursive: a pasted value is not scanned again;
 *  - raw and send lines are expanded like any other (a keyword there is
 *    also left alone); the lexer has no inline literals ({n} plus data on
 *    the same line), so there is no literal data to skip.
 * A line in which at least one variable was expanded may not grow beyond
 * VARS_LINE_MAX bytes (a line typed without variables has no limit here).
 *
 * Errors: functions that take char **errmsg return -1 and, if errmsg is
 * not NULL, set *errmsg to one line meant for a person, without the
 * "imapsh: " prefix (the caller frees it).  Messages may name a variable,
 * never print a value (a value may be a password).  Values are wiped
 * before they are freed.
 */
#ifndef IMAPSH_SHELL_VARS_H
#define IMAPSH_SHELL_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define VARS_VALUE_MAX (64 * 1024)
#define VARS_LINE_MAX (1024 * 1024)

struct vars;

struct vars *vars_new(void);
/* Wipes every value and frees the table; NULL is fine. */
void vars_free(struct vars *v);

/* Is name[0..len) a valid variable name? */
bool vars_name_ok(const char *name, size_t len);

/* Sets name (NUL-terminated) to value[0..value_len), replacing an older
 * value.  -1: bad name, value too long or holding CR/LF/NUL. */
int vars_set(struct vars *v, const char *name, const char *value, size_t value_len,
	     char **errmsg);
/* The value (NUL-terminated, owned by v, valid until the next change) and
 * its length in *len_r (may be NULL); NULL when name is not set. */
const char *vars_get(const struct vars *v, const char *name, size_t *len_r);
/* Removes name: true if it was set. */
bool vars_unset(struct vars *v, const char *name);
/* Iterating in name order (byte order: A-Z before _ before a-z): the
 * i-th name (i < vars_count()), its value in *value_r, *value_len_r. */
size_t vars_count(const struct vars *v);
const char *vars_nth(const struct vars *v, size_t i, const char **value_r,
		     size_t *value_len_r);
/* Appends "NAME=VALUE\n" for every variable, in name order. */
void vars_list(const struct vars *v, struct buf *out);

/*
 * -v NAME=VALUE: checks arg and returns the length of NAME in
 * *name_len_r; VALUE is everything after the first '=' (may be empty),
 * taken as is: to paste a quoted string, quote it for imapsh too
 * (-v 'MB="My Folder"').  vars_assign() checks and sets.
 */
int vars_split_assign(const char *arg, size_t *name_len_r, char **errmsg);
int vars_assign(struct vars *v, const char *arg, char **errmsg);

/*
 * Runs a set or unset meta-command line (the first word, any case, is
 * "set" or "unset"; the line is the one after expansion):
 *   set               lists every variable ("NAME=VALUE" lines) into out;
 *   set NAME          shows "NAME=VALUE" (error if NAME is not set);
 *   set NAME VALUE..  sets NAME to the rest of the line as typed (from
 *                     the first byte after the blanks that follow NAME,
 *                     trailing blanks, CR and LF dropped);
 *   unset NAME...     removes each NAME (one that is not set is no error).
 * 0, with what to print appended to out (may be nothing), or -1.
 */
int vars_command(struct vars *v, const char *line, size_t len, struct buf *out,
		 char **errmsg);

/*
 * Expands line[0..len) into out (appended; the rules are above); v may be
 * NULL (no variables).  0, or -1 with out as it was before the call.  Bytes
 * are added with buf_add_secret(): release out with buf_release_secret()
 * (the line may hold a password).
 */
int vars_expand(const struct vars *v, const char *line, size_t len, struct buf *out,
		char **errmsg);

#endif
