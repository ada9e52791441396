/*
 * target.h - a profile (profile.h) applied to the shell: what to connect
 * to and how (struct conn_opts), who logs in, and the output settings.
 * What the command line gave wins; the profile fills the rest.  The
 * profile's strings are kept in the shell for as long as the target
 * points into them.
 */
#ifndef IMAPSH_SHELL_TARGET_H
#define IMAPSH_SHELL_TARGET_H

#include <stdbool.h>

struct shell;
struct profile;

/* Which settings the command line gave (they win over a profile). */
struct target_given {
	bool output, color, pager, debug;
};

/* Fills what the command line left unset from p (taken over by sh:
 * released with the shell).  color is main's -1/0/1, no_pipeline
 * main's flag. */
void target_fill(struct shell *sh, struct profile *p, const struct target_given *given, int *color,
		 bool *no_pipeline);

/* "open NAME": the connection and login settings of profile NAME replace
 * the shell's (output settings stay).  1 done, 0 no such profile (err
 * quiet: NAME is a host), -1 reported error. */
int target_open_profile(struct shell *sh, const char *name);

/* Frees the profiles the shell keeps. */
void target_release(struct shell *sh);

#endif
