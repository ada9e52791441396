/*
 * repl.h - where lines come from: a terminal through GNU Readline (prompt
 * with state and mailbox, history, completion) or a script (stdin, a file,
 * -c lines) with no prompt, no banner and no escape codes.
 */
#ifndef IMAPSH_SHELL_REPL_H
#define IMAPSH_SHELL_REPL_H

#include <stdio.h>

#include "shell/call.h"

/* Interactive loop on the terminal until quit or EOF (Ctrl-D). */
void repl_interactive(struct shell *sh);
/* Runs every line of in (name for messages: a file name or NULL for
 * stdin) until EOF or quit.  CRLF line ends are fine. */
void repl_script(struct shell *sh, FILE *in, const char *name);
/* The line as it may be kept in history: secrets dropped
 * ("login alice secret" -> "login alice").  Caller frees. */
char *repl_history_line(const char *line);

#endif
