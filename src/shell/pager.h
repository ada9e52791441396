/*
 * pager.h - the pager of one interactive command's output (pager.c), as
 * git and psql have: while a command runs, sh->out is a stream that
 * hands what it is written to $PAGER when the output does not fit the
 * terminal.  PAGER unset means "less", run with LESS=FRX and LV=-c when
 * those are unset (as git does); PAGER empty or "cat" means no pager.
 *
 * Modes: PAGER_AUTO holds the output until it takes more screen rows
 * than the terminal has, less one for the prompt (lines wrapped at the
 * terminal's width; a UTF-8 code point is one column, ANSI escapes take
 * none), or PAGER_HOLD_MAX bytes; then the pager starts and gets all of
 * it, and the rest as it comes.  Output that fits is written to the real
 * stream when the command ends, exactly as without a pager.  PAGER_ON
 * starts the pager at the first byte (less -F still quits on short
 * output).  PAGER_OFF, PAGER_LIVE, or no pager command: the stream is the
 * real one.
 *
 * The pager runs as /bin/sh -c "$PAGER" in the terminal's foreground
 * group, its stdin a pipe, its stdout the real stream's descriptor.  If it
 * exits early (q in less), later output is dropped without a word and the
 * command goes on; SIGPIPE is blocked around each write.  Ctrl-C reaches
 * both the pager and imapsh (which cancels the command); pager_end()
 * still waits for the pager.  The caller decides where paging makes
 * sense: only on a terminal, never in scripts.
 */
#ifndef IMAPSH_SHELL_PAGER_H
#define IMAPSH_SHELL_PAGER_H

#include <stdbool.h>
#include <stdio.h>

enum pager_mode { PAGER_OFF, PAGER_AUTO, PAGER_ON };

enum pager_flags {
	/* the command shows things as they happen (idle): never paged, its
	 * output goes straight to the real stream */
	PAGER_LIVE = 1 << 0,
};

/* Past this many bytes held in auto mode the pager starts anyway. */
#define PAGER_HOLD_MAX (4u << 20)

struct pager;

/*
 * Starts paging one command's output.  real: where output goes without a
 * pager (stdout); rows, cols: the terminal's size (<= 0: 24 by 80);
 * cmd: the pager's shell command, NULL for pager_command(), "" for none.
 * Never fails: a pager that cannot be started is reported on stderr once
 * and the output goes to real.
 */
struct pager *pager_begin(enum pager_mode m, unsigned flags, FILE *real, int rows, int cols,
			  const char *cmd);
/* The stream to write the command's output to (sh->out meanwhile): real
 * itself when nothing is paged, else one of the pager's own that is
 * closed by pager_end(). */
FILE *pager_stream(struct pager *p);
/* Before writing to stderr: output still held (auto mode) is written to
 * real now, so that the two keep their order (what follows may still
 * start the pager); output for a running pager is flushed to it. */
void pager_sync(struct pager *p);
/* True once the pager runs (or ran: it may have quit). */
bool pager_started(const struct pager *p);
/* Flushes, writes out what is held or closes the pager's pipe and waits
 * for it (through Ctrl-C), and frees p (NULL: nothing).  0, or -1 when
 * the pager could not be started or run (said on stderr). */
int pager_end(struct pager *p);

/* The pager command from $PAGER ("less" when unset); NULL for none (PAGER
 * empty or "cat").  Points into the environment or at a constant. */
const char *pager_command(void);

/* "off", "auto", "on" and back; parse returns 0, or -1 for another word. */
int pager_mode_parse(const char *s, enum pager_mode *m);
const char *pager_mode_name(enum pager_mode m);

#endif
