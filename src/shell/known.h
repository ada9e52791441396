/*
 * known.h - what the shell has seen of the server, for completion
 * (complete.h): mailbox names (from LIST, LSUB, XLIST and STATUS data,
 * and the shell's own create, delete, rename), and flags and keywords
 * (FLAGS and PERMANENTFLAGS).  Bounded: at most KNOWN_MAX of each.
 */
#ifndef IMAPSH_SHELL_KNOWN_H
#define IMAPSH_SHELL_KNOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/response.h"

#define KNOWN_MAX 10000

struct known_set {
	char **names; /* sorted, unique, UTF-8 */
	size_t n, alloc;
};

struct known {
	struct known_set mailboxes, flags;
};

void known_init(struct known *k);
void known_release(struct known *k);
/* Learns from an untagged response (utf8: names are UTF-8, not modified
 * UTF-7).  The views it builds go into r's arena. */
void known_note_response(struct known *k, struct imap_response *r, bool utf8);
/* After a command completed OK: create NAME adds it, delete NAME drops
 * it, rename OLD NEW does both (names as the user typed them). */
void known_note_command(struct known *k, const char *cmd, const char *const *args, size_t nargs);
/* Adds / drops one name (len bytes). */
void known_add(struct known_set *s, const char *name, size_t len);
void known_drop(struct known_set *s, const char *name, size_t len);

#endif
