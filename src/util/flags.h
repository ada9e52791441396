/*
 * flags.h - flag lists, as imaplib's ParseFlags: the flags of the first
 * "FLAGS (...)" in a response line.
 */
#ifndef IMAPSH_UTIL_FLAGS_H
#define IMAPSH_UTIL_FLAGS_H

#include <stddef.h>

struct flag_list {
	char **flags; /* each NUL-terminated, as written ("\\Seen", "$Junk") */
	size_t count;
};

/* Finds "FLAGS (" (case-insensitive) in resp and splits what is inside
 * the parentheses on spaces.  0 (possibly count 0 when there is no FLAGS
 * item, as imaplib returns ()), -1 if the list is not closed. */
int flags_parse(const char *resp, size_t len, struct flag_list *out);
void flag_list_release(struct flag_list *fl);

#endif
