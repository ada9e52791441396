/*
 * data.h - typed views of server data responses: NAMESPACE (RFC 2342,
 * RFC 9051 sec. 7.3.5), QUOTA and QUOTAROOT (RFC 9208, RFC 2087), ACL,
 * MYRIGHTS and LISTRIGHTS (RFC 4314), METADATA (RFC 5464), ID (RFC
 * 2971), ENABLED (RFC 5161), CAPABILITY (RFC 9051 sec. 7.2.2) and FLAGS
 * (RFC 9051 sec. 7.3.5).  LIST and STATUS are in mailbox.h.
 *
 * Views live in the response's arena (see view.h): built by pure
 * functions, freed with the response.  A builder returns NULL only when r
 * is not that response (wrong kind or name); whatever the data holds, it
 * returns a view, keeping what it cannot understand as raw values (each
 * view's rest: values it did not expect, count 0 normally).  Texts follow
 * view.h: s is NULL for NIL, for a list and for a sunk literal, with v
 * saying which.  "utf8" is as in mailbox.h: it says how the mailbox names
 * in these responses are decoded.
 */
#ifndef IMAPSH_PROTO_DATA_H
#define IMAPSH_PROTO_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/mailbox.h"
#include "proto/response.h"
#include "proto/view.h"

/* ------------------------------------------------------------------ */
/* NAMESPACE: "* NAMESPACE personal other shared", each NIL or
 * "((prefix delimiter [extensions]) ...)". */

/* A namespace response extension: "name (value ...)" (RFC 2342 sec. 5),
 * e.g. TRANSLATION (RFC 5255). */
struct imap_ns_ext {
	struct imap_text name;
	struct imap_text *values;
	size_t nvalues;
	const struct imap_value *v;        /* the value list, or NULL if missing */
};

struct imap_ns_desc {
	struct imap_mailbox_name prefix;   /* "" for the root; decoded as a name */
	struct imap_text delimiter;        /* s NULL for NIL (flat namespace) */
	char delim;                        /* '\0' for NIL or not one byte */
	struct imap_ns_ext *ext;
	size_t next;
	const struct imap_value *v;        /* the descriptor as sent */
};

struct imap_ns_group {
	bool nil;                          /* NIL, missing (v NULL) or not a list */
	struct imap_ns_desc *descs;
	size_t count;
	const struct imap_value *v;
};

struct imap_namespace {
	struct imap_ns_group personal, other, shared;
	const struct imap_value **rest;
	size_t nrest;
};

const struct imap_namespace *imap_namespace_view(struct imap_response *r, bool utf8);

/* ------------------------------------------------------------------ */
/* QUOTA: "* QUOTA root (RESOURCE usage limit ...)";
 * QUOTAROOT: "* QUOTAROOT mailbox root ..." */

struct imap_quota_resource {
	struct imap_text name;             /* "STORAGE" (KiB), "MESSAGE", ... */
	uint64_t usage, limit;
	bool valid;                        /* both numbers read */
	const struct imap_value *usage_v, *limit_v; /* as sent, NULL if missing */
};

struct imap_quota {
	struct imap_text root;             /* a quota root name, not a mailbox */
	struct imap_quota_resource *res;
	size_t nres;
	const struct imap_value *list;     /* the resource list, or NULL */
	const struct imap_value **rest;
	size_t nrest;
};

struct imap_quotaroot {
	struct imap_mailbox_name mailbox;
	struct imap_text *roots;           /* may be none */
	size_t nroots;
};

const struct imap_quota *imap_quota_view(struct imap_response *r);
const struct imap_quotaroot *imap_quotaroot_view(struct imap_response *r, bool utf8);

/* ------------------------------------------------------------------ */
/* ACL: "* ACL mailbox (identifier rights)*";  MYRIGHTS: "* MYRIGHTS
 * mailbox rights";  LISTRIGHTS: "* LISTRIGHTS mailbox identifier
 * required optional*" (RFC 4314 sec. 3.6 to 3.8). */

struct imap_acl_entry {
	struct imap_text identifier;       /* "-fred": negative rights (RFC 4314 sec. 2) */
	struct imap_text rights;           /* s NULL when the server left it out */
	bool negative;
};

struct imap_acl {
	struct imap_mailbox_name mailbox;
	struct imap_acl_entry *entries;
	size_t count;
};

struct imap_myrights {
	struct imap_mailbox_name mailbox;
	struct imap_text rights;
	const struct imap_value **rest;
	size_t nrest;
};

struct imap_listrights {
	struct imap_mailbox_name mailbox;
	struct imap_text identifier;
	struct imap_text required;         /* rights always granted, may be "" */
	struct imap_text *optional;        /* groups of rights granted together */
	size_t noptional;
};

const struct imap_acl *imap_acl_view(struct imap_response *r, bool utf8);
const struct imap_myrights *imap_myrights_view(struct imap_response *r, bool utf8);
const struct imap_listrights *imap_listrights_view(struct imap_response *r, bool utf8);

/* ------------------------------------------------------------------ */
/* METADATA (RFC 5464 sec. 4.4): "* METADATA mailbox (entry value ...)",
 * or unsolicited "* METADATA mailbox entry ..." naming changed entries.
 * mailbox is "" for server annotations. */

struct imap_metadata_entry {
	struct imap_text entry;            /* "/private/comment" */
	struct imap_text value;            /* s NULL for NIL (entry removed) */
	bool has_value;                    /* false in the entries-only form,
	                                    * or when the list ends early */
};

struct imap_metadata {
	struct imap_mailbox_name mailbox;
	bool entries_only;                 /* the unsolicited form */
	struct imap_metadata_entry *entries;
	size_t count;
	const struct imap_value **rest;
	size_t nrest;
};

const struct imap_metadata *imap_metadata_view(struct imap_response *r, bool utf8);

/* ------------------------------------------------------------------ */
/* ID (RFC 2971): "* ID NIL" or "* ID (key value ...)". */

struct imap_id_pair {
	struct imap_text key;              /* "name", "version", ... */
	struct imap_text value;            /* s NULL for NIL or when missing */
};

struct imap_id {
	bool nil;
	struct imap_id_pair *pairs;
	size_t count;
	const struct imap_value *v;        /* the list or NIL as sent, or NULL */
	const struct imap_value **rest;
	size_t nrest;
};

/* Value of key (case-insensitive) or NULL. */
const struct imap_text *imap_id_get(const struct imap_id *id, const char *key);

const struct imap_id *imap_id_view(struct imap_response *r);

/* ------------------------------------------------------------------ */
/* CAPABILITY and ENABLED: lists of capability names. */

struct imap_capability {
	struct imap_text *caps;            /* as sent ("IMAP4rev2", "AUTH=PLAIN") */
	size_t count;
	struct imap_text *auth;            /* the mechanisms of AUTH=xxx: "PLAIN" */
	size_t nauth;
};

/*
 * Untagged CAPABILITY.  Also accepts any response with a [CAPABILITY ...]
 * code (a greeting, a tagged OK after LOGIN), read from its code_args.
 */
const struct imap_capability *imap_capability_view(struct imap_response *r);
/* Untagged ENABLED (RFC 5161): what the server enabled; may be empty. */
const struct imap_capability *imap_enabled_view(struct imap_response *r);

/* True if c lists name (case-insensitive, e.g. "IDLE", "AUTH=PLAIN"). */
bool imap_capability_has(const struct imap_capability *c, const char *name);
/* True if c lists the SASL mechanism mech (case-insensitive, "PLAIN"). */
bool imap_capability_has_auth(const struct imap_capability *c, const char *mech);

/* ------------------------------------------------------------------ */
/* FLAGS: "* FLAGS (\Answered \Flagged ...)". */

struct imap_flags {
	struct imap_text *flags;           /* as sent */
	size_t count;
	const struct imap_value *list;     /* the list, or NULL if the server
	                                    * sent the flags without one */
};

const struct imap_flags *imap_flags_view(struct imap_response *r);

#endif
