/*
 * check.h - the numbers a response carries, checked against the ranges
 * the grammar gives them (RFC 9051 sec. 9 and the extensions' ABNF).
 *
 * The parser takes any run of digits as a value: a NUMBER while it fits
 * in 64 bits, an ATOM beyond.  This module says whether the numbers a
 * client relies on are numbers and in range, so that a server cannot make
 * "* 1 FETCH (RFC822.SIZE 99...9)" a string in one response and a number
 * in the next, or wrap a UID around.  Pure: no I/O, no allocation.
 *
 * Checked (anything else, and unknown items, codes and responses, pass):
 *   "* n EXISTS" / "* n RECENT" / any "* n NAME"   number, 0 to 2^32-1
 *   "* n EXPUNGE" / "* n FETCH"                    nz-number, 1 to 2^32-1
 *   FETCH UID                                      nz-number
 *   FETCH RFC822.SIZE, BINARY.SIZE[...]            number64, 0 to 2^63-1
 *   FETCH MODSEQ (n)                               mod-sequence-value, 1 to 2^63-1 (RFC 7162)
 *   [UIDVALIDITY n] [UIDNEXT n] [UNSEEN n]         nz-number
 *   [HIGHESTMODSEQ n]                              mod-sequence-value
 *   [APPENDUID v uid-set] [COPYUID v uid-set uid-set]   (RFC 4315)
 *   [MODIFIED sequence-set]                        (RFC 7162)
 *   STATUS MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT DELETED   0 to 2^32-1
 *   STATUS SIZE DELETED-STORAGE                    number64 (RFC 9051, 9208)
 *   STATUS HIGHESTMODSEQ                           0 to 2^63-1 (mod-sequence-valzer)
 *   SEARCH / SORT results                          nz-number, and (MODSEQ n)
 *   ESEARCH MIN MAX / COUNT / ALL / MODSEQ         nz-number / number / sequence-set
 *   VANISHED [(EARLIER)] uid-set                   (RFC 7162)
 * A sequence or uid set is checked for its syntax and each number's range
 * (1 to 2^32-1; "*" only in a sequence-set), never expanded:
 * "1:4294967295" costs what "1" does.  Leniency: names are
 * case-insensitive, leading zeros are accepted, extra values after the
 * checked ones are ignored, a FETCH or STATUS without its list is let
 * through.
 */
#ifndef IMAPSH_PROTO_CHECK_H
#define IMAPSH_PROTO_CHECK_H

#include "proto/response.h"
#include "util/err.h"

/*
 * 0 if r's numbers are in range; -1 with err (kind ABORT: the server and
 * the client no longer agree) naming the item, the response and the
 * range, e.g.
 *   protocol error: RFC822.SIZE in "* 1 FETCH" is 9999999999... (400
 *   digits), out of range (0 to 9223372036854775807)
 *   protocol error: the server sent "* 0 FETCH": message number out of
 *   range (1 to 4294967295)
 *   protocol error: UID in "* 3 FETCH" is "7", not a number
 */
int imap_response_check(const struct imap_response *r, struct imap_err *err);

#endif
