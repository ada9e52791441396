/*
 * complete.h - Tab completion for a typed line.  Pure: no readline, no
 * I/O; what the shell has seen of the server comes in a complete_ctx.
 *
 * The partial line is split by a tokenizer of its own, not shell_lex():
 * the lexer refuses an open quote or an open parenthesis, which is just
 * what a line being typed has ("fetch 1 (FLAGS EN").  It follows the
 * lexer's rules where they matter here: words separated by blanks; "..."
 * with \" and \\ escapes (at any depth); '...' without escapes (outside
 * groups only); '(' and '[' open a group that keeps an argument together
 * until the matching ')' / ']'.  Inside a group a new word starts after
 * a blank or a '(' (so "(FLAGS EN" completes "EN"); '[' does not split
 * a word, and no completion is offered inside brackets.
 *
 * Matching is a case-insensitive prefix match on the word's value (its
 * quotes taken off); candidates come in the case they are normally
 * written, sorted (case-insensitively), without duplicates.  A mailbox
 * name is quoted ("My files") when the lexer would split or change it,
 * and always when the typed word started with a quote.
 */
#ifndef IMAPSH_SHELL_COMPLETE_H
#define IMAPSH_SHELL_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

struct complete_ctx {
	int state;                    /* enum imap_state bit, or -1: not connected */
	const char *const *mailboxes; /* names seen (UTF-8, decoded), any order */
	size_t nmailboxes;
	const char *const *flags;     /* flags and keywords seen (PERMANENTFLAGS, FLAGS) */
	size_t nflags;
	const char *const *caps;      /* the server's capabilities (any case); none: offer all */
	size_t ncaps;
	const char *const *profiles;  /* profile names (profile.h), for open */
	size_t nprofiles;
};

/*
 * The candidates for the word that ends at `end` in line[0..end), as a
 * NULL-terminated malloc'd array of malloc'd strings (complete_free), or
 * NULL for none.  Each candidate replaces line[start..end) whole.
 *
 * `start` is where the caller's word begins (readline's start).  The
 * word is found here by the tokenizer above; when start differs from it
 * the candidates are adjusted: with start later (readline broke the word
 * at '"', '\\', '$', '@', a blank inside quotes, ...) the part
 * line[word..start) is cut off the front of each candidate (candidates
 * that do not begin with it are dropped); with start earlier, the bytes
 * line[start..word) are put in front.  start > end is taken as end.
 *
 * *files_r (if files_r is not NULL) is set, and NULL returned, when
 * file-name completion should be used instead: a word starting with '@',
 * the word after '>' or '>>', or one glued to them (">out", ">>out").
 */
char **complete_words(const struct complete_ctx *c, const char *line, size_t start, size_t end,
		      bool *files_r);
void complete_free(char **list);

#endif
