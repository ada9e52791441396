/*
 * scan.h - the tokenizer of a partial line, as it is being typed, shared
 * by Tab completion (complete.c) and hints (hint.c).  Pure: no I/O.
 *
 * Not shell_lex(): the lexer refuses an open quote or an open
 * parenthesis, which is just what a line being typed has ("fetch 1
 * (FLAGS EN").  It follows the lexer's rules where they matter here:
 * words separated by blanks; "..." with \" and \\ escapes (at any
 * depth); '...' without escapes (outside groups only); '(' and '[' open
 * a group that keeps an argument together until the matching ')' / ']'.
 * Inside a group a new word starts after a blank or a '(' and ends
 * before a ')'; '[' does not split a word.
 */
#ifndef IMAPSH_SHELL_SCAN_H
#define IMAPSH_SHELL_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#define SCAN_NONE ((size_t)-1)
#define SCAN_MAX_DEPTH 32

/* line[a..b) */
struct scan_span {
	size_t a, b;
};

struct scan {
	const char *line;
	struct scan_span *arg;    /* complete top-level arguments, the command first */
	size_t nargs, alloc;
	struct scan_span prev, prev2; /* the last two complete words, any depth (a == SCAN_NONE: none) */
	size_t astart;            /* the argument being typed (end: none begun) */
	size_t wstart;            /* the word being typed (end: none begun) */
	bool quoted;              /* it has a quote in it */
	char quote;               /* the quote still open at the end, or 0 */
	char stack[SCAN_MAX_DEPTH]; /* open '(' and '[' */
	size_t depth;
};

/* Scans line[0..end) into s (need not be set up); false when the line
 * nests deeper than SCAN_MAX_DEPTH.  scan_release() it in either case. */
bool scan_line(struct scan *s, const char *line, size_t end);
void scan_release(struct scan *s);

#endif
