/*
 * search.h - typed views of search-like and message-count data:
 *   * SEARCH 2 84 882 [(MODSEQ 917162500)]      RFC 3501 sec. 7.2.5, RFC 7162 sec. 3.1.5
 *   * SORT 5 3 4 1 2                            RFC 5256 sec. 4
 *   * ESEARCH (TAG "A282") UID MIN 2 COUNT 3 ALL 2,10:11
 *                                               RFC 4731, RFC 9051 sec. 7.3.4,
 *                                               RFC 9394 PARTIAL, RFC 5267
 *                                               ADDTO / REMOVEFROM
 *   * THREAD (2)(3 6 (4 23)(44 7 96))           RFC 5256 sec. 4
 *   * 23 EXISTS, * 5 RECENT, * 3 EXPUNGE        RFC 9051 sec. 7.4.1 and 7.5.1,
 *                                               RFC 3501 sec. 7.3.2 (RECENT)
 *   * VANISHED (EARLIER) 300:310,405,411        RFC 7162 sec. 3.2.10
 *
 * Views live in the response's arena (see view.h): built by pure
 * functions, freed with the response; each call builds a new view, so
 * call once per response.  A builder returns NULL only when r is not
 * that response (not untagged, or another name); whatever the data
 * holds, it returns a view, and keeps each value it cannot understand as
 * received (rest[], others[], raw) instead of dropping it.  Sets are kept
 * as ranges (seqset.h), never expanded.
 */
#ifndef IMAPSH_PROTO_SEARCH_H
#define IMAPSH_PROTO_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "proto/seqset.h"
#include "proto/view.h"

/* ------------------------------------------------------------------ */
/* SEARCH and SORT */

struct imap_search {
	bool sort;                /* "* SORT": the order is the answer */
	const uint32_t *nums;     /* the numbers (1 to 2^32-1) in the order received */
	size_t count;
	/* The same numbers as ranges: SEARCH sorted and joined
	 * ("4 10 12:13 18"), SORT in the order received, only runs joined. */
	struct imap_seqset set;
	bool has_modseq;          /* "(MODSEQ n)" at the end (RFC 7162 sec. 3.1.5) */
	uint64_t modseq;
	const struct imap_value **rest;   /* values that are none of these */
	size_t nrest;
};

/* "* SEARCH ..." or "* SORT ...", else NULL. */
const struct imap_search *imap_search_view(struct imap_response *r);

/* ------------------------------------------------------------------ */
/* ESEARCH */

/* PARTIAL (RFC 9394): "PARTIAL (-1:-100 200:250,252:300)". */
struct imap_esearch_partial {
	int64_t first, last;      /* the range asked for: 1:100 is 1, 100; -1:-100 is -1, -100
	                           * (counted from the last result) */
	bool has_results;         /* false for NIL: no results in the range */
	struct imap_seqset results;
};

/* A return item not understood: an unknown name with its value (RFC 4466
 * search-return-data-ext), or a known name whose value did not parse
 * (malformed). */
struct imap_esearch_other {
	struct imap_text name;
	const struct imap_value *value; /* NULL if the response ended after the name */
	bool malformed;
};

/* An update to a search or sort left open with RETURN (UPDATE) (RFC 5267
 * sec. 4.3): "ADDTO (0 7 3 12:13)" is two, each a position and a set. */
struct imap_esearch_update {
	bool add;                 /* ADDTO; false: REMOVEFROM */
	uint32_t position;        /* where in the sorted result (0: unknown, as
	                           * for a SEARCH without CONTEXT) */
	struct imap_seqset set;
};

struct imap_esearch {
	const struct imap_value *correlator; /* the "(TAG "A282")" list, or NULL */
	struct imap_text tag;                /* its TAG ({NULL, 0, NULL} if none) */
	bool uid;                            /* numbers are UIDs */
	bool has_min, has_max, has_count, has_all, has_modseq, has_partial;
	uint32_t min, max;                   /* nz-number */
	uint32_t count;                      /* number, may be 0 */
	uint64_t modseq;                     /* RFC 7162 sec. 3.1.5 */
	struct imap_seqset all;
	struct imap_esearch_partial partial;
	const struct imap_esearch_update *updates; /* in the order received */
	size_t nupdates;
	const struct imap_esearch_other *others;
	size_t nothers;
};

/* "* ESEARCH ...", else NULL.  An item sent twice: the last one wins. */
const struct imap_esearch *imap_esearch_view(struct imap_response *r);

/* ------------------------------------------------------------------ */
/* THREAD */

/*
 * A message in a thread, or a dummy parent (msg 0) for a list that starts
 * with lists: "((3)(5))" is 3 and 5, siblings under a message that is not
 * there.  "(3 6 (4 23)(44 7 96))": 3 is parent of 6, whose children are 4
 * (parent of 23) and 44 (parent of 7, parent of 96).
 */
struct imap_thread_node {
	uint32_t msg;                     /* message number or UID; 0 for a dummy */
	size_t depth;                     /* 0 for a thread's root */
	struct imap_thread_node *parent;  /* NULL for a root */
	struct imap_thread_node *child;   /* first child, or NULL */
	struct imap_thread_node *next;    /* next sibling (next root for roots), or NULL */
	size_t nchildren;
};

/* Nesting of parenthesised lists the builder follows; a list deeper
 * than this is kept in rest[] (the parser's own default limit is 64). */
#define IMAP_THREAD_MAX_NEST 100

struct imap_thread {
	/* Every node, depth-first in pre-order (parent before children,
	 * siblings in order): a loop printing nodes[i] indented by depth
	 * draws the forest, no recursion needed.  A chain "(1 2 3 ...)" is
	 * one node deeper per message, so depth is not bounded by nesting. */
	struct imap_thread_node *nodes;
	size_t count;
	struct imap_thread_node *first;   /* first root (nodes[0]), or NULL */
	size_t nthreads;                  /* roots */
	const struct imap_value **rest;   /* values not understood: not a list at the
	                                   * top, not a number, 0, (), too deep */
	size_t nrest;
};

/* "* THREAD ...", else NULL. */
const struct imap_thread *imap_thread_view(struct imap_response *r);

/* ------------------------------------------------------------------ */
/* EXISTS, RECENT, EXPUNGE */

enum imap_msgnum_kind {
	IMAP_MSGNUM_EXISTS,
	IMAP_MSGNUM_RECENT,
	IMAP_MSGNUM_EXPUNGE,
};

struct imap_msgnum {
	enum imap_msgnum_kind kind;
	uint64_t number;          /* as received */
	bool malformed;           /* no number, above 2^32-1, or "* 0 EXPUNGE" */
};

/* "* n EXISTS", "* n RECENT", "* n EXPUNGE", else NULL. */
const struct imap_msgnum *imap_msgnum_view(struct imap_response *r);

/* ------------------------------------------------------------------ */
/* VANISHED */

struct imap_vanished {
	bool earlier;             /* "(EARLIER)": reply to a FETCH/SELECT, not news */
	struct imap_seqset uids;
	const struct imap_value *raw; /* the value that did not parse, or NULL */
	bool malformed;           /* no set, a bad set, or extra values */
};

/* "* VANISHED ...", else NULL. */
const struct imap_vanished *imap_vanished_view(struct imap_response *r);

#endif
