/*
 * code.h - typed view of the response code of a status response
 * ("* OK [UIDNEXT 4392] Predicted next UID"): RFC 9051 sec. 7.1, RFC 4315
 * (APPENDUID, COPYUID, UIDNOTSTICKY), RFC 7162 (HIGHESTMODSEQ, NOMODSEQ,
 * MODIFIED, CLOSED), RFC 5530 (UNAVAILABLE ... NONEXISTENT), RFC 4467
 * (URLMECH), RFC 5182 (NOTSAVED), RFC 8474 (MAILBOXID), RFC 3516
 * (UNKNOWN-CTE).
 *
 * The view lives in the response's arena (see view.h) and points into
 * r->code_args.  One table maps each code name to its kind and the shape
 * of its arguments.  Nothing is dropped: an unknown code has kind
 * IMAP_CODE_UNKNOWN, a known code whose arguments do not have their shape
 * has malformed set; both keep name, raw and args as received.  Codes
 * without arguments ignore any that are sent (they stay in args/raw).
 */
#ifndef IMAPSH_PROTO_CODE_H
#define IMAPSH_PROTO_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "proto/seqset.h"
#include "proto/view.h"

enum imap_code_kind {
	IMAP_CODE_UNKNOWN = 0,
	IMAP_CODE_ALERT,
	IMAP_CODE_ALREADYEXISTS,
	IMAP_CODE_APPENDUID,            /* number: uidvalidity; set: the new UID(s) */
	IMAP_CODE_AUTHENTICATIONFAILED,
	IMAP_CODE_AUTHORIZATIONFAILED,
	IMAP_CODE_BADCHARSET,           /* items: supported charsets (maybe none) */
	IMAP_CODE_CANNOT,
	IMAP_CODE_CAPABILITY,           /* items: the capabilities */
	IMAP_CODE_CLIENTBUG,
	IMAP_CODE_CLOSED,
	IMAP_CODE_CONTACTADMIN,
	IMAP_CODE_COPYUID,              /* number: uidvalidity; set: source UIDs; set2: new UIDs */
	IMAP_CODE_CORRUPTION,
	IMAP_CODE_EXPIRED,
	IMAP_CODE_EXPUNGEISSUED,
	IMAP_CODE_HASCHILDREN,
	IMAP_CODE_HIGHESTMODSEQ,        /* number */
	IMAP_CODE_INUSE,
	IMAP_CODE_LIMIT,
	IMAP_CODE_MAILBOXID,            /* text: the object id */
	IMAP_CODE_MODIFIED,             /* set: the messages not stored */
	IMAP_CODE_NOMODSEQ,
	IMAP_CODE_NONEXISTENT,
	IMAP_CODE_NOPERM,
	IMAP_CODE_NOTSAVED,
	IMAP_CODE_OVERQUOTA,
	IMAP_CODE_PARSE,
	IMAP_CODE_PERMANENTFLAGS,       /* items: the flags, "\*" included (then flag_wildcard) */
	IMAP_CODE_PRIVACYREQUIRED,
	IMAP_CODE_READ_ONLY,
	IMAP_CODE_READ_WRITE,
	IMAP_CODE_SERVERBUG,
	IMAP_CODE_TRYCREATE,
	IMAP_CODE_UIDNEXT,              /* number */
	IMAP_CODE_UIDNOTSTICKY,
	IMAP_CODE_UIDVALIDITY,          /* number */
	IMAP_CODE_UNAVAILABLE,
	IMAP_CODE_UNKNOWN_CTE,
	IMAP_CODE_UNSEEN,               /* number */
	IMAP_CODE_URLMECH,              /* items: "INTERNAL", then mechanisms ("XSAMPLE=data") */
	IMAP_CODE_KIND_COUNT
};

struct imap_code {
	enum imap_code_kind kind;
	const char *name;              /* r->code_name: upper-cased as received ("X-FOO") */
	const char *raw;               /* r->code_raw: the text between [ and ] */
	const struct imap_value *args; /* &r->code_args: a LIST, maybe empty */
	bool malformed;                /* a known code whose arguments are not its shape:
	                                * the fields below hold what did parse (or zero);
	                                * show raw */

	/* UIDVALIDITY, UIDNEXT, UNSEEN (1 to 2^32-1), HIGHESTMODSEQ (1 to
	 * 2^63-1), the uidvalidity of APPENDUID and COPYUID. */
	uint64_t number;
	struct imap_seqset set;        /* APPENDUID, COPYUID (source), MODIFIED */
	struct imap_seqset set2;       /* COPYUID (destination) */
	/* PERMANENTFLAGS, CAPABILITY, BADCHARSET, URLMECH: the words, from
	 * the parenthesised list or (tolerated) bare after the name. */
	const struct imap_text *items;
	size_t nitems;
	bool flag_wildcard;            /* PERMANENTFLAGS has "\*": new keywords can be made */
	struct imap_text text;         /* MAILBOXID: the objectid */
};

/*
 * The view of r's response code, or NULL when r has none (r->code_name
 * NULL).  Each call builds a new view in the arena: call it once per
 * response.  Never fails otherwise.
 */
const struct imap_code *imap_code_view(struct imap_response *r);

/* The kind of a code name (case-insensitive), IMAP_CODE_UNKNOWN if not
 * one of the table's. */
enum imap_code_kind imap_code_kind_of(const char *name);

/* The canonical wire name of a kind ("READ-ONLY", "UIDNEXT"; "UNKNOWN"
 * for IMAP_CODE_UNKNOWN and out-of-range values). */
const char *imap_code_kind_name(enum imap_code_kind kind);

/* A short description for people, lower case, no final stop ("next
 * UID", "UID validity", "unknown response code"). */
const char *imap_code_kind_desc(enum imap_code_kind kind);

#endif
