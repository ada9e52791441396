/*
 * lexer.h - splits one typed line into tokens.  Pure: no I/O.
 *
 * Rules:
 *  - tokens are separated by spaces/tabs; a trailing CR (CRLF scripts) is
 *    dropped; a line that is blank or whose first non-blank byte is '#'
 *    (a comment) yields zero tokens.  '#' anywhere else is an ordinary
 *    byte, so RFC 2342 namespaces work as typed: subscribe #news.comp,
 *    list "" #shared/%;
 *  - "..." is a quoted token: value is the content with \" and \\
 *    unescaped (other backslashes kept as typed), raw is as typed with
 *    the quotes; a token may mix quoted and unquoted parts (a"b c"d);
 *  - '...' is a quoted token with no escapes;
 *  - a token containing '(' or '[' extends to the matching ')' / ']'
 *    (quotes inside respected), spaces included: "(FLAGS UID)",
 *    "BODY[HEADER.FIELDS (FROM TO)]", "(\Seen \Answered)"; value == raw;
 *  - a token of the form @PATH (unquoted, first char '@') has at_file set
 *    and value is PATH.
 * Errors (-1, err kind ERROR, message naming the column): an unclosed
 * quote, an unbalanced parenthesis or bracket.
 */
#ifndef IMAPSH_SHELL_LEXER_H
#define IMAPSH_SHELL_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct shell_token {
	char *value;      /* NUL-terminated; may contain NUL only if the line did */
	size_t value_len;
	char *raw;        /* exactly as typed */
	size_t raw_len;
	bool quoted;      /* some part was quoted */
	bool group;       /* contains a parenthesised/bracketed group */
	bool at_file;     /* @PATH */
};

struct shell_line {
	struct shell_token *tok;
	size_t count;
	size_t alloc_;
};

#define SHELL_LINE_INIT { NULL, 0, 0 }

int shell_lex(const char *line, size_t len, struct shell_line *out, struct imap_err *err);
void shell_line_release(struct shell_line *l);

/* Interprets C-style escapes (\r \n \t \0 \\ \" \xHH \NNN octal) in s,
 * appending the bytes to out (for the "send" command).  -1 on a bad escape. */
#include "util/buf.h"
int shell_unescape(const char *s, size_t len, struct buf *out, struct imap_err *err);

#endif
