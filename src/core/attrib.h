/*
 * attrib.h - which command in flight an untagged response belongs to
 * (RFC 9051 sec. 5.5, 7): so that a pipelined script's output reads as if
 * it ran lock-step, and -o json can name each object's command.
 *
 * Each verb can produce some kinds of untagged data (FETCH produces
 * FETCH; NOOP the mailbox events EXISTS, EXPUNGE, FETCH flag updates...).
 * A response goes to the oldest command in flight that can produce it;
 * FETCH data must also fall in the command's message set (UID FETCH: its
 * UID in the UID set), and STATUS, ACL, MYRIGHTS, QUOTAROOT data name the
 * mailbox of the command when two are in flight.  Data that no command in
 * flight asked for is unsolicited (another client's EXISTS, a flag change
 * seen during a FETCH).  Status responses (* OK [ALERT] ...) and data of
 * unknown names go to the oldest command.
 *
 * Two commands whose data could not be told apart must not be in flight
 * together: attrib_can_share() says when, and the shell ends a pipelined
 * batch there.  Pure: no I/O.
 */
#ifndef IMAPSH_CORE_ATTRIB_H
#define IMAPSH_CORE_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/encode.h"
#include "proto/response.h"

struct attrib_range {
	uint32_t lo, hi; /* hi UINT32_MAX for a range that reaches "*" */
};

struct attrib_cmd {
	unsigned kinds;       /* enum attrib_kind bits it can produce */
	bool keyed;           /* FETCH, STORE and UID forms: data by message set */
	bool uid;             /* the set is of UIDs (UID FETCH, UID STORE) */
	bool has_set;         /* FETCH family with a set that parsed */
	struct attrib_range ranges[16];
	size_t nranges;       /* 0 with has_set false: unknown ($, too many) */
	const char *name;     /* STATUS, GETACL, MYRIGHTS, GETQUOTAROOT,
	                       * LISTRIGHTS: the mailbox as sent; else NULL */
	size_t name_len;
};

/* What verb (as sent: "UID FETCH") with its arguments can produce.  A
 * verb not in the table (raw lines, X-commands) can produce anything. */
void attrib_cmd_init(struct attrib_cmd *c, const char *verb, const struct imap_arg *args,
		     size_t nargs);
/* May a and b be in flight together, their data told apart? */
bool attrib_can_share(const struct attrib_cmd *a, const struct attrib_cmd *b);
/* The command r belongs to: an index into cmds[0..n) (the commands in
 * flight, oldest first), or -1: unsolicited. */
long attrib_find(const struct imap_response *r, const struct attrib_cmd *const *cmds, size_t n);
/* Can c produce r (a untagged data response), by kind alone? */
bool attrib_kind_match(const struct attrib_cmd *c, const struct imap_response *r);

#endif
