/*
 * bodystructure.h - typed views of ENVELOPE and BODY/BODYSTRUCTURE
 * (RFC 9051 sec. 7.5.2, RFC 3501 sec. 7.4.2): addresses with RFC 5322
 * groups, and the tree of MIME parts with their IMAP part numbers.
 *
 * Built from parser values by fetch.c (imap_fetch_view()), and usable on
 * their own.  Like every view (see view.h) they live in the response's
 * arena and point into its values; nothing here decodes text (RFC 2047
 * words and RFC 2231 parameters are kept raw for a later module).
 * Tolerant: missing trailing fields, NIL where a list belongs, atoms or
 * numbers where strings belong, lowercase types; what does not fit is
 * kept as the raw value.  Layering: proto/ only, no I/O.
 */
#ifndef IMAPSH_PROTO_BODYSTRUCTURE_H
#define IMAPSH_PROTO_BODYSTRUCTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "proto/view.h"

/* One "name" "value" pair of a body-fld-param list.  Same members in the
 * same order as struct mime_param (proto/mime.h). */
struct imap_param {
	struct imap_text name, value;
};

/* A body-fld-param list: v is the list as received (NIL, or not a list
 * at all), NULL when the field is absent.  A list of odd length keeps its
 * last name with value {NULL, 0, NULL}. */
struct imap_params {
	const struct imap_value *v;
	struct imap_param *items;
	size_t count;
};

/*
 * Addresses (RFC 9051 sec. 7.5.2, ENVELOPE).  Groups are flat entries in
 * order: "undisclosed-recipients:;" is a GROUP_START whose mailbox is the
 * group name ("undisclosed-recipients"), then a GROUP_END; the members of
 * a group sit between the two with in_group set.  An item that is not a
 * list of at least four values is kind INVALID (v says what it was).
 */
enum imap_address_kind {
	IMAP_ADDRESS_MAILBOX,     /* an address: name adl mailbox host */
	IMAP_ADDRESS_GROUP_START, /* host NIL, mailbox = the group's name */
	IMAP_ADDRESS_GROUP_END,   /* mailbox NIL and host NIL */
	IMAP_ADDRESS_INVALID,
};

struct imap_address {
	enum imap_address_kind kind;
	bool in_group;            /* MAILBOX between GROUP_START and GROUP_END */
	struct imap_text name, adl, mailbox, host;
	const struct imap_value *v; /* the address as received */
};

/* v: the list as received (or NIL), NULL if the envelope was too short. */
struct imap_address_list {
	const struct imap_value *v;
	struct imap_address *items;
	size_t count;
};

struct imap_envelope {
	const struct imap_value *v;        /* the envelope list */
	struct imap_text date, subject;    /* raw (RFC 2047 not decoded) */
	struct imap_address_list from, sender, reply_to, to, cc, bcc;
	struct imap_text in_reply_to, message_id;
	const struct imap_value *extra;    /* values past the tenth, if any */
	size_t extra_count;
};

/*
 * Body parts.  kind says which shape the part had on the wire:
 * MULTIPART (children, then the subtype), MESSAGE (message/rfc822 or
 * message/global with envelope, body and lines), TEXT (text/ with
 * lines), BASIC (any other single part), INVALID (not understood: only
 * v, part and section are set).  A part claiming message/rfc822 without
 * an envelope and body list is BASIC.
 *
 * Part numbers (RFC 9051 sec. 6.4.5), as BODY[part] addresses them: a
 * single non-multipart body is "1"; the children of a multipart are
 * "1", "2", ... under the multipart's own number; the body of a
 * message/rfc822 part "2" is numbered under it: "2.1" if it is a single
 * part, and if it is a multipart its children are "2.1", "2.2", ....
 * A multipart that is the body of the message or of a message/rfc822
 * part has no number of its own: part is "" and section says how to
 * fetch its contents ("TEXT", "2.TEXT").  For every other part section
 * equals part.
 */
enum imap_body_kind {
	IMAP_BODY_BASIC,
	IMAP_BODY_TEXT,
	IMAP_BODY_MESSAGE,
	IMAP_BODY_MULTIPART,
	IMAP_BODY_INVALID,
};

/* body-fld-dsp: v the field as received (NULL absent, NIL, a list, or a
 * bare string some servers send: then type is that string). */
struct imap_disposition {
	const struct imap_value *v;
	struct imap_text type;
	struct imap_params params;
};

/* body-fld-lang: one string or a list of strings (NIL: count 0). */
struct imap_language {
	const struct imap_value *v;
	struct imap_text *items;
	size_t count;
};

struct imap_body {
	const struct imap_value *v;   /* the body list as received */
	enum imap_body_kind kind;
	const char *part;             /* "1", "2.1.3"; "" (see above) */
	const char *section;          /* part, or "TEXT" / "2.TEXT" */
	unsigned depth;               /* 0 for the root */
	const struct imap_body *parent;

	/* MULTIPART: type is "MULTIPART" (v NULL), subtype the wire's. */
	struct imap_text type, subtype;
	struct imap_params params;

	/* single parts only (body-fields): */
	struct imap_text id, description, encoding;
	bool has_size;
	uint64_t size;
	bool has_lines;               /* TEXT and MESSAGE */
	uint64_t lines;
	struct imap_text md5;
	const struct imap_envelope *envelope; /* MESSAGE */
	const struct imap_body *body;         /* MESSAGE: its body */

	/* MULTIPART: the parts, in order (count may be 0). */
	struct imap_body *children;
	size_t nchildren;

	/* extension data (BODYSTRUCTURE only; absent fields are NULL/empty) */
	struct imap_disposition disposition;
	struct imap_language language;
	struct imap_text location;
	const struct imap_value *ext; /* body-extension values past location */
	size_t ext_count;
};

/* A part this deep (the root is 0) is kept raw as INVALID, not read:
 * recursion stays bounded whatever the parser's depth limit. */
#define IMAP_BODY_MAX_DEPTH 64

/*
 * Builds the view of an ENVELOPE list; NULL if v is not a list.  Fields
 * missing at the end are {NULL, 0, NULL} / empty lists.
 */
const struct imap_envelope *imap_envelope_view(struct imap_response *r,
					       const struct imap_value *v);

/*
 * Builds the tree of a BODY or BODYSTRUCTURE value; NULL if v is not a
 * list.  Never fails otherwise: parts it cannot read are INVALID.
 */
const struct imap_body *imap_body_view(struct imap_response *r, const struct imap_value *v);

/* The parts under root (a tree's root, or any part for its subtree) in
 * pre-order, root first; each has its depth.  *count_r gets the number;
 * never NULL (count 0 for root NULL). */
const struct imap_body **imap_body_flatten(struct imap_response *r, const struct imap_body *root,
					   size_t *count_r);

/* The part numbered part ("2.1") under root, or NULL; "" is never found. */
const struct imap_body *imap_body_find(const struct imap_body *root, const char *part);

/* Pre-order walk of the whole tree: the part after b (children first,
 * then siblings, then up), NULL at the end.
 *   for (b = root; b; b = imap_body_next(b)) ... */
const struct imap_body *imap_body_next(const struct imap_body *b);

/* Case-insensitive lookup of a parameter by name; NULL if none. */
const struct imap_param *imap_params_find(const struct imap_params *p, const char *name);

#endif
