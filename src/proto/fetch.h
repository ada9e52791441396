/*
 * fetch.h - the typed view of an untagged FETCH response (RFC 9051
 * sec. 7.5.2 and the extensions' items): UID, FLAGS, dates, sizes,
 * MODSEQ (RFC 7162), BINARY.SIZE (RFC 3516), PREVIEW (RFC 8970),
 * SAVEDATE (RFC 8514), EMAILID/THREADID (RFC 8474), Gmail's X-GM-*,
 * ENVELOPE and BODY/BODYSTRUCTURE (bodystructure.h), body sections
 * (BODY[...]<n>, BINARY[...], RFC822*), and every other item kept raw.
 *
 * A pure function of one response: the view lives in the response's
 * arena (freed with it) and points into its values; see view.h.  Each
 * call builds a new view, so a caller keeps the pointer.  An item whose
 * value does not have the expected shape (UID "abc", MODSEQ 5, FLAGS
 * NIL, a second UID) is not taken: it goes to others, raw, in order.
 * Layering: proto/ and util/ only, no I/O.
 */
#ifndef IMAPSH_PROTO_FETCH_H
#define IMAPSH_PROTO_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "proto/bodystructure.h"
#include "proto/response.h"
#include "proto/view.h"

/* INTERNALDATE or SAVEDATE.  present: the item was there (NIL too: then
 * text.s is NULL).  parsed: imapdate_parse() understood text; t is
 * seconds since the epoch (UTC), tzoff the zone in minutes east of UTC. */
struct imap_fetch_date {
	bool present;
	struct imap_text text;
	bool parsed;
	time_t t;
	int tzoff;
};

/*
 * A body section item: "BODY[section]<origin>", "BINARY[section]<origin>"
 * (RFC 3516), or RFC822 / RFC822.HEADER / RFC822.TEXT, which are given
 * the section they equal: "", "HEADER", "TEXT" (text.v NULL).  The
 * parser hands "BODY[HEADER.FIELDS (FROM TO)]<0>" over as one atom;
 * section is then "HEADER.FIELDS (FROM TO)", split into part "" and
 * spec "HEADER.FIELDS (FROM TO)"; "1.2.MIME" splits into "1.2" and
 * "MIME".  value is what followed the key: a QUOTED, a LITERAL (maybe
 * sunk: str NULL, num its sink serial), NIL, or whatever the server
 * sent (kept as is).
 */
struct imap_section {
	struct imap_text key;      /* as received */
	struct imap_text section;  /* between [ and ] */
	struct imap_text part;     /* leading part number of section, or "" */
	struct imap_text spec;     /* the rest after part (and its '.'), or "" */
	bool binary;               /* BINARY[...] */
	bool has_origin;
	uint64_t origin;           /* <origin>: first byte of a partial fetch */
	const struct imap_value *value;
};

/* BINARY.SIZE[section] n (RFC 3516). */
struct imap_binary_size {
	struct imap_text key;
	struct imap_text section;
	uint64_t size;
	const struct imap_value *value;
};

/* An item the view did not take: the key as received and its value
 * (NULL for a key that ended the list without a value). */
struct imap_fetch_item {
	struct imap_text key;
	const struct imap_value *value;
};

struct imap_fetch {
	const struct imap_value *v;    /* the list of key/value pairs */
	uint64_t seq;                  /* r->number (0 if the server gave none) */

	bool has_uid;
	uint64_t uid;
	bool has_flags;                /* FLAGS () is has_flags with nflags 0 */
	struct imap_text *flags;
	size_t nflags;
	struct imap_fetch_date internaldate;
	bool has_rfc822_size;
	uint64_t rfc822_size;
	bool has_modseq;               /* MODSEQ (12345) */
	uint64_t modseq;
	bool has_preview;              /* PREVIEW NIL: has_preview, s NULL */
	struct imap_text preview;
	struct imap_fetch_date savedate;
	bool has_emailid, has_threadid; /* THREADID NIL: has_threadid, s NULL */
	struct imap_text emailid, threadid;
	bool has_gm_msgid, has_gm_thrid, has_gm_labels;
	uint64_t gm_msgid, gm_thrid;
	struct imap_text *gm_labels;
	size_t ngm_labels;

	const struct imap_envelope *envelope;  /* NULL if absent */
	/* From BODYSTRUCTURE, else from BODY (no extension data); if both
	 * came, BODY goes to others.  parts: the tree flattened in
	 * pre-order (see imap_body_flatten()). */
	const struct imap_body *body;
	bool body_is_structure;        /* body came from BODYSTRUCTURE */
	const struct imap_body **parts;
	size_t nparts;

	struct imap_section *sections; /* in order received */
	size_t nsections;
	struct imap_binary_size *binary_sizes;
	size_t nbinary_sizes;
	struct imap_fetch_item *others; /* in order received */
	size_t nothers;

	const struct imap_value *extra; /* values after the list in r->data */
	size_t extra_count;
};

/*
 * The view of r, or NULL if r is not an untagged FETCH response or its
 * data does not start with a list.  A list of odd length keeps what
 * parsed; its last key lands in others with value NULL.
 */
const struct imap_fetch *imap_fetch_view(struct imap_response *r);

/* The first section item whose section is section ("1.2", "HEADER",
 * case-insensitive), BODY or BINARY as binary says; NULL if none. */
const struct imap_section *imap_fetch_section(const struct imap_fetch *f, const char *section,
					      bool binary);

/* The body part numbered part ("2.1"), or NULL (no body, no such part). */
const struct imap_body *imap_fetch_part(const struct imap_fetch *f, const char *part);

#endif
