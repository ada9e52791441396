/*
 * interrupt.h - Ctrl-C in the interactive shell.
 *
 * interrupt_install() sets a SIGINT handler (without SA_RESTART) that only
 * raises a flag, and points the net layer at it: a command waiting on the
 * server then fails at once with "interrupted" and the connection is
 * closed (the reply was cut at an unknown point; `open` reconnects).  At
 * the prompt the repl drops the line being typed, as bash does.  Scripts
 * never install it: there Ctrl-C ends imapsh as usual.
 */
#ifndef IMAPSH_SHELL_INTERRUPT_H
#define IMAPSH_SHELL_INTERRUPT_H

#include <stdbool.h>

void interrupt_install(void);
/* Readable after a Ctrl-C until interrupt_take() (-1 when not installed):
 * poll it beside what you wait for. */
int interrupt_fd(void);
/* True when Ctrl-C was pressed since the last take; clears the flag. */
bool interrupt_take(void);

#endif
