/*
 * netrc.h - ~/.netrc look-ups (machine / login / password), as ftp(1)
 * reads them, and what every file or terminal that gives a password
 * shares with them: the check that nobody else may read the file, and a
 * line reader that leaves no copy of the secret behind.
 */
#ifndef IMAPSH_SHELL_NETRC_H
#define IMAPSH_SHELL_NETRC_H

#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/*
 * Finds the entry for machine (and login, if not NULL; the first entry
 * of the machine otherwise; "default" last).  1: found, *login_r and
 * *password_r set (caller frees, and wipes the password; it may be NULL);
 * 0: no entry or no file; -1: the file holds a password but group or
 * others may read it: refused, warn says so (as ftp does).
 *
 * The syntax, as curl and Python's netrc read it: tokens are separated by
 * blanks and line ends (LF or CRLF); "..." quotes a token (\ escapes the
 * next character).  Where a keyword is expected, a token that begins with
 * an unquoted '#' starts a comment that runs to the end of the line; a '#'
 * inside a token, or in a value (password #x is the password "#x"), is
 * an ordinary character.  "macdef NAME" starts a macro that runs from the
 * next line to an empty line (LF or CRLF; a line of blanks does not end
 * it); it also ends the entry before it.  The file is read with no stdio
 * buffer and every copy of it is wiped before it is freed.
 */
int netrc_lookup(const char *path, const char *machine, const char *login,
		 char **login_r, char **password_r, struct imap_err *warn);

/*
 * 0 when a file that holds a password may be used: group and others have
 * no access to it (mode & 077 == 0, what ftp(1), curl and Python ask of
 * ~/.netrc).  -1 otherwise, with err saying why and what to do
 * (chmod 600).  path is for the message only.  Shared by ~/.netrc and
 * --password-file.
 */
int netrc_check_private(const char *path, mode_t mode, struct imap_err *err);

/* The longest line netrc_read_line() takes: an OAuth token fits. */
#define NETRC_LINE_MAX 16384

/*
 * Reads one line of a secret from fd (a password file, a pipe, the
 * terminal) into a new string, leaving no copy elsewhere: read(2) a byte
 * at a time (no stdio buffer, and nothing after the line is consumed,
 * which matters on a terminal) into a buffer that wipes every block it
 * outgrows.  The '\n' and any '\r' before it are dropped.  1: *line_r set
 * (caller wipes and frees); 0: end of input before any byte; -1 with err:
 * read error, a signal (EINTR: Ctrl-C), or a line longer than max bytes
 * (what was read is wiped; the rest of the line is left unread).
 */
int netrc_read_line(int fd, size_t max, char **line_r, struct imap_err *err);

/*
 * The password in the first line of a --password-file.  The file must be
 * a regular file or a pipe (a FIFO, bash's <(pass show NAME), /dev/stdin
 * on a pipe), and group and others must have no access to it
 * (netrc_check_private(); a pipe made by pipe(2) is 0600): anything else
 * (a terminal, a directory, a device) is refused before a byte is read.
 * 1: *password_r set (caller wipes and frees); -1 with err naming path.
 */
int netrc_read_password_file(const char *path, char **password_r, struct imap_err *err);

#endif
