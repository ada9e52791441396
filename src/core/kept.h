/*
 * kept.h - untagged responses kept by name, as imaplib's
 * untagged_responses (the shell's "response NAME" takes them), within a
 * budget: at most KEPT_PER_NAME responses per name, KEPT_NAMES names,
 * and max_bytes of memory in all.  Over the budget the oldest response
 * (of any name) is dropped first, so a server that sends 20 lines of 1 MB
 * during one NOOP costs at most max_bytes, not 20 MB plus their trees.
 *
 * The store owns what it keeps.  Names are matched case-insensitively.
 * Pure bookkeeping: no I/O.
 */
#ifndef IMAPSH_CORE_KEPT_H
#define IMAPSH_CORE_KEPT_H

#include <stdbool.h>
#include <stddef.h>

#include "proto/response.h"

#define KEPT_PER_NAME 100
#define KEPT_NAMES 64
/* The session's default budget (see session.h). */
#define KEPT_MAX_BYTES (8u << 20)

struct kept_store;

struct kept_store *kept_new(size_t max_bytes);
void kept_free(struct kept_store *k);
/* Drops everything kept (after STARTTLS nothing said before is trusted). */
void kept_clear(struct kept_store *k);

/*
 * Keeps r under name, counting mem bytes for it (imap_response_mem()).
 * Takes r in every case.  Returns false when r was not kept: the store
 * has KEPT_NAMES other names already, or r alone is over the budget.
 * Keeping it may drop older responses to stay within the limits.
 */
bool kept_add(struct kept_store *k, const char *name, struct imap_response *r, size_t mem);

/* Takes the responses kept under name, oldest first: returns how many and
 * sets *list_r (caller frees each with imap_response_free, then the array;
 * NULL when 0). */
size_t kept_take(struct kept_store *k, const char *name, struct imap_response ***list_r);

/* Bytes and responses kept now. */
size_t kept_bytes(const struct kept_store *k);
size_t kept_count(const struct kept_store *k);

#endif
