/*
 * netrc.h - ~/.netrc look-ups (machine / login / password), as ftp(1)
 * reads them.
 */
#ifndef IMAPSH_SHELL_NETRC_H
#define IMAPSH_SHELL_NETRC_H

#include "util/err.h"

/*
 * Finds the entry for machine (and login, if not NULL; the first entry
 * of the machine otherwise; "default" last).  1: found, *login_r and
 * *password_r set (caller frees; password may be NULL); 0: no entry or no
 * file; -1: the file holds a password but group or others may read it:
 * refused, warn says so (as ftp does).
 */
int netrc_lookup(const char *path, const char *machine, const char *login,
		 char **login_r, char **password_r, struct imap_err *warn);

#endif
