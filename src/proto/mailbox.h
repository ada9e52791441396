/*
 * mailbox.h - typed views of mailbox data: mailbox names (modified UTF-7
 * or UTF-8), LIST / LSUB / XLIST (RFC 9051 sec. 7.3.1, RFC 5258
 * LIST-EXTENDED, RFC 6154 SPECIAL-USE) and STATUS (RFC 9051 sec. 7.3.2,
 * RFC 8438 SIZE, RFC 7889 APPENDLIMIT, RFC 8474 MAILBOXID, RFC 7162
 * HIGHESTMODSEQ, RFC 9208 DELETED-STORAGE).
 *
 * Views live in the response's arena (see view.h): built by pure
 * functions, freed with the response.  A builder returns NULL only when r
 * is not that response (wrong kind or name); whatever the data holds, it
 * returns a view, keeping what it cannot understand as raw values.
 *
 * "utf8" says UTF-8 mailbox names are in effect (ENABLE UTF8=ACCEPT,
 * RFC 6855, or IMAP4rev2): names are then checked to be UTF-8 instead of
 * decoded from modified UTF-7 (RFC 9051 sec. 5.1.3).  LIST-STATUS (RFC
 * 5819) sends a STATUS response after each LIST: it is a STATUS here.
 */
#ifndef IMAPSH_PROTO_MAILBOX_H
#define IMAPSH_PROTO_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/response.h"
#include "proto/view.h"

/*
 * A mailbox name.  wire is the name as received: for a joined name
 * (below) new text in the arena whose v is its first atom; wire.s is NULL
 * for NIL, a list or a sunk literal (then name.s is NULL too).
 *
 * name is the decoded UTF-8, NUL-terminated: "INBOX" for any case of
 * INBOX (RFC 9051 sec. 5.1); the wire text itself when it needs no
 * decoding; and the wire text itself, with invalid set, when it is not
 * valid modified UTF-7 (or, with utf8, not valid UTF-8): never a guess.
 *
 * joined: the server sent an unquoted name with spaces
 * ("* LIST () "/" My files") that the parser saw as several atoms; they
 * were joined with single spaces (the number of spaces is lost).
 */
struct imap_mailbox_name {
	struct imap_text wire;
	struct imap_text name;
	bool inbox;
	bool invalid;
	bool joined;
};

/* Fills *out from one value (any type; see above).  r gives the arena.
 * Used by the LIST and STATUS views and by data.h's views. */
void imap_mailbox_name_decode(struct imap_response *r, const struct imap_value *v,
			      bool utf8, struct imap_mailbox_name *out);

/* ------------------------------------------------------------------ */
/* LIST / LSUB / XLIST */

/* The well-known mailbox attributes, as bits of imap_list.attr_bits
 * (compared case-insensitively).  RFC 9051 sec. 7.3.1, RFC 5258 sec. 3,
 * RFC 6154 sec. 2, RFC 8457 (\Important). */
enum imap_mbox_attr {
	IMAP_MBOX_NOINFERIORS   = 1 << 0,
	IMAP_MBOX_NOSELECT      = 1 << 1,
	IMAP_MBOX_MARKED        = 1 << 2,
	IMAP_MBOX_UNMARKED      = 1 << 3,
	IMAP_MBOX_HASCHILDREN   = 1 << 4,
	IMAP_MBOX_HASNOCHILDREN = 1 << 5,
	IMAP_MBOX_NONEXISTENT   = 1 << 6,
	IMAP_MBOX_SUBSCRIBED    = 1 << 7,
	IMAP_MBOX_REMOTE        = 1 << 8,
	IMAP_MBOX_ALL           = 1 << 9,
	IMAP_MBOX_ARCHIVE       = 1 << 10,
	IMAP_MBOX_DRAFTS        = 1 << 11,
	IMAP_MBOX_FLAGGED       = 1 << 12,
	IMAP_MBOX_JUNK          = 1 << 13,
	IMAP_MBOX_SENT          = 1 << 14,
	IMAP_MBOX_TRASH         = 1 << 15,
	IMAP_MBOX_IMPORTANT     = 1 << 16,
	IMAP_MBOX_INBOX         = 1 << 17, /* Gmail's XLIST \Inbox */
};
/* The special-use bits (RFC 6154 and \Important). */
#define IMAP_MBOX_SPECIAL_USE (IMAP_MBOX_ALL | IMAP_MBOX_ARCHIVE | IMAP_MBOX_DRAFTS | \
			       IMAP_MBOX_FLAGGED | IMAP_MBOX_JUNK | IMAP_MBOX_SENT | \
			       IMAP_MBOX_TRASH | IMAP_MBOX_IMPORTANT)

/* The wire spelling of one attribute bit ("\\HasNoChildren"), or NULL if
 * bit is not exactly one known bit. */
const char *imap_mbox_attr_name(unsigned bit);

enum imap_list_kind {
	IMAP_LIST_LIST,
	IMAP_LIST_LSUB,
	IMAP_LIST_XLIST,
};

/* One item of LIST extended data (RFC 5258 mbox-list-extended): tag and
 * value, kept whether understood or not. */
struct imap_list_ext {
	struct imap_text tag;              /* "CHILDINFO", "OLDNAME", ... as sent */
	const struct imap_value *value;    /* NULL if the tag came without one */
};

struct imap_list {
	enum imap_list_kind kind;

	/* Attributes as sent (each an atom such as "\\Noselect"; s NULL for
	 * a value that is not text), and the known ones as bits. */
	struct imap_text *attrs;
	size_t nattrs;
	unsigned attr_bits;                /* enum imap_mbox_attr */
	const struct imap_value *attrs_v;  /* the attribute list value, or NULL */

	/* The hierarchy delimiter: delimiter is its text (s NULL for NIL);
	 * delim the character, '\0' for NIL or when the text is not exactly
	 * one byte (then the raw text is still in delimiter). */
	struct imap_text delimiter;
	char delim;

	struct imap_mailbox_name mailbox;

	/* Extended data (RFC 5258): every item; the known ones below too. */
	struct imap_list_ext *ext;
	size_t next;
	/* CHILDINFO (RFC 5258 sec. 3.5): its option texts ("SUBSCRIBED"). */
	struct imap_text *childinfo;
	size_t nchildinfo;
	bool childinfo_subscribed;
	/* OLDNAME (RFC 9051 sec. 7.3.1): the mailbox's name before a RENAME. */
	bool has_oldname;
	struct imap_mailbox_name oldname;

	/* Values after the name that are not extended data (e.g. a second
	 * list): kept, not understood.  Count 0 normally. */
	const struct imap_value **rest;
	size_t nrest;
	/* The response did not have the three fields LIST needs. */
	bool truncated;
};

/* NULL unless r is an untagged LIST, LSUB or XLIST response. */
const struct imap_list *imap_list_view(struct imap_response *r, bool utf8);

/* ------------------------------------------------------------------ */
/* STATUS */

/* One "NAME value" pair of the STATUS list, in the order sent. */
struct imap_status_item {
	struct imap_text name;              /* as sent */
	const struct imap_value *value;     /* NULL when the list ended after the name */
	bool known;                         /* understood into a field below */
};

/* (Not "struct imap_status": that is response.h's enum.) */
struct imap_status_data {
	struct imap_mailbox_name mailbox;

	bool has_messages, has_uidnext, has_uidvalidity, has_unseen, has_deleted,
	     has_size, has_recent, has_highestmodseq, has_appendlimit,
	     has_deleted_storage, has_mailboxid;
	uint64_t messages, uidnext, uidvalidity, unseen, deleted, size, recent,
		 highestmodseq, appendlimit, deleted_storage;
	/* APPENDLIMIT NIL: no limit for this mailbox (RFC 7889 sec. 4);
	 * has_appendlimit is set, appendlimit is 0. */
	bool appendlimit_nil;
	struct imap_text mailboxid;         /* RFC 8474: "(objectid)" */

	/* Every pair, known or not (a known name whose value is not a number
	 * stays here with known false). */
	struct imap_status_item *items;
	size_t nitems;
	const struct imap_value *list;      /* the attribute list, or NULL if missing */
	/* Other values after the name (e.g. after the list): kept, not
	 * understood.  Count 0 normally. */
	const struct imap_value **rest;
	size_t nrest;
};

/* NULL unless r is an untagged STATUS response. */
const struct imap_status_data *imap_status_view(struct imap_response *r, bool utf8);

#endif
