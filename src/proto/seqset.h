/*
 * seqset.h - sequence sets and UID sets kept as ranges (RFC 9051 sec. 9
 * sequence-set, RFC 4315 uid-set): parsed from text, counted, searched,
 * built from a list of numbers and formatted back, never expanded, so
 * "1:4294967295" costs what "1" does.
 *
 *   sequence-set = (seq-number / seq-range) ["," sequence-set]
 *   seq-range    = seq-number ":" seq-number
 *   seq-number   = nz-number / "*"        ; nz-number: 1 to 4294967295
 *
 * A set lives in a response's arena (imap_response_alloc()), freed with
 * it; memory is one range per element of the text or per run of numbers,
 * so bounded by the input's size.  Pure: no I/O, no state.
 *
 * "*" is the largest number in use (RFC 9051 sec. 6.4.8): functions that
 * need its value take it as star, the mailbox's message count for
 * message numbers or UIDNEXT-1 for UIDs; star 0 means unknown, and "*"
 * then stands for 4294967295 (so counts are upper bounds).  A range is
 * the numbers between its two ends, whichever is larger: "4:1" is
 * "1:4", and with 3 messages "5:*" is "3:5".
 */
#ifndef IMAPSH_PROTO_SEQSET_H
#define IMAPSH_PROTO_SEQSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "util/buf.h"

/* One element, ends as written: "7" is 7..7, "4:1" first 4 last 1,
 * "5:*" first 5, last_star (its number 0), "*" both ends star. */
struct imap_seqrange {
	uint32_t first, last;
	bool first_star, last_star;
};

struct imap_seqset {
	struct imap_seqrange *ranges; /* in the arena, in order; NULL if count is 0 */
	size_t count;                 /* ranges, not numbers: see imap_seqset_count() */
};

/*
 * Parses s[0, len) as a sequence-set into *set_r (ranges in the response's
 * arena).  Strict on syntax: no spaces, no empty elements, no 0, no number
 * above 4294967295, no sign; leading zeros are accepted ("007"), as
 * check.c does.  "*" is accepted everywhere (also in uid-sets, whose
 * grammar forbids it: a view keeps what the server meant).
 * 0, or -1 (the text is no sequence-set; *set_r is then empty).
 */
int imap_seqset_parse(struct imap_response *r, const char *s, size_t len,
		      struct imap_seqset *set_r);

/* imap_seqset_parse() of a value's text: an ATOM ("2,10:11"), a NUMBER
 * ("5") or a QUOTED string; -1 for anything else (NULL, NIL, a list). */
int imap_seqset_from_value(struct imap_response *r, const struct imap_value *v,
			   struct imap_seqset *set_r);

/* How imap_seqset_from_numbers() joins numbers into ranges. */
enum imap_seqset_order {
	/* A set: numbers sorted, duplicates dropped, consecutive ones
	 * joined: 18 4 12 10 13 4 -> "4,10,12:13,18" (SEARCH results). */
	IMAP_SEQSET_SORTED,
	/* A sequence: the order kept, only runs of consecutive numbers
	 * joined, up or down: 5 4 3 9 10 2 -> "5:3,9:10,2" (SORT results). */
	IMAP_SEQSET_KEEP_ORDER,
};

/* Builds *set_r from n numbers (each 1 to 4294967295; a 0 is kept as a
 * range of 0, which formats as "0").  O(n) for sorted input, O(n log n)
 * else; arena memory at most 12 bytes a number plus 4 for sorting. */
void imap_seqset_from_numbers(struct imap_response *r, const uint32_t *nums, size_t n,
			      enum imap_seqset_order order, struct imap_seqset *set_r);

/*
 * How many distinct numbers s holds (overlaps counted once: "1:4,3:5" is
 * 5); "1:4294967295" is 4294967295.  '*' is star (see the top; 0: unknown,
 * then 4294967295).  *star_r (may be NULL) is set to whether s has a '*',
 * i.e. whether the count depends on star.  O(n) when the ranges ascend
 * without overlap, else O(n log n) with a temporary copy.
 */
uint64_t imap_seqset_count(const struct imap_seqset *s, uint32_t star, bool *star_r);

/* Whether n is in s ('*' is star, as above).  O(ranges). */
bool imap_seqset_contains(const struct imap_seqset *s, uint32_t n, uint32_t star);

/* A range's numbers, smallest first: *lo_r <= *hi_r ('*' is star). */
void imap_seqrange_bounds(const struct imap_seqrange *rg, uint32_t star,
			  uint32_t *lo_r, uint32_t *hi_r);

/* Appends s to b, ranges as written ("4:1", "5:*", "*"; "7:7" as "7")
 * separated by sep (NULL: ","; " " gives SEARCH style "4 10 12:13 18").
 * Nothing for an empty set. */
void imap_seqset_format(const struct imap_seqset *s, const char *sep, struct buf *b);

#endif
