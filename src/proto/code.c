/*
 * code.c - response codes: one table from name to kind, argument shape
 * and description, and the builder of struct imap_code (see code.h).
 *
 * RFC 9051 sec. 9:
 *   resp-text-code = "ALERT" / "BADCHARSET" [SP "(" charset *(SP charset) ")" ] /
 *                    capability-data / "PARSE" /
 *                    "PERMANENTFLAGS" SP "(" [flag-perm *(SP flag-perm)] ")" /
 *                    "READ-ONLY" / "READ-WRITE" / "TRYCREATE" /
 *                    "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number /
 *                    resp-code-apnd / resp-code-copy / "UIDNOTSTICKY" / ...
 *                    atom [SP 1*<any TEXT-CHAR except "]">]
 *   resp-code-apnd = "APPENDUID" SP nz-number SP append-uid
 *   resp-code-copy = "COPYUID" SP nz-number SP uid-set SP uid-set
 * RFC 7162: "HIGHESTMODSEQ" SP mod-sequence-value / "NOMODSEQ" /
 *           "MODIFIED" SP sequence-set
 * RFC 8474: "MAILBOXID" SP "(" objectid ")"
 */
#include "proto/code.h"

#include <string.h>
#include <strings.h>

enum shape {
	SHAPE_NONE,     /* no arguments (any sent are ignored) */
	SHAPE_NUM32,    /* nz-number */
	SHAPE_MODSEQ,   /* mod-sequence-value: 1 to 2^63-1 */
	SHAPE_APPENDUID,
	SHAPE_COPYUID,
	SHAPE_SET,      /* sequence-set */
	SHAPE_WORDS,    /* "(" word *(SP word) ")", or the words bare; maybe none */
	SHAPE_OBJECTID, /* "(" objectid ")" (or bare) */
};

struct code_spec {
	const char *name;
	enum shape shape;
	const char *desc;
};

/* Indexed by enum imap_code_kind. */
static const struct code_spec specs[IMAP_CODE_KIND_COUNT] = {
	[IMAP_CODE_UNKNOWN] = { "UNKNOWN", SHAPE_NONE, "unknown response code" },
	[IMAP_CODE_ALERT] = { "ALERT", SHAPE_NONE, "alert for the user" },
	[IMAP_CODE_ALREADYEXISTS] = { "ALREADYEXISTS", SHAPE_NONE, "already exists" },
	[IMAP_CODE_APPENDUID] = { "APPENDUID", SHAPE_APPENDUID, "UID of the appended message" },
	[IMAP_CODE_AUTHENTICATIONFAILED] = { "AUTHENTICATIONFAILED", SHAPE_NONE,
					     "authentication failed" },
	[IMAP_CODE_AUTHORIZATIONFAILED] = { "AUTHORIZATIONFAILED", SHAPE_NONE,
					    "not authorized as that user" },
	[IMAP_CODE_BADCHARSET] = { "BADCHARSET", SHAPE_WORDS, "charset not supported" },
	[IMAP_CODE_CANNOT] = { "CANNOT", SHAPE_NONE, "the server cannot do this" },
	[IMAP_CODE_CAPABILITY] = { "CAPABILITY", SHAPE_WORDS, "capabilities" },
	[IMAP_CODE_CLIENTBUG] = { "CLIENTBUG", SHAPE_NONE, "client bug" },
	[IMAP_CODE_CLOSED] = { "CLOSED", SHAPE_NONE, "previous mailbox closed" },
	[IMAP_CODE_CONTACTADMIN] = { "CONTACTADMIN", SHAPE_NONE, "contact the administrator" },
	[IMAP_CODE_COPYUID] = { "COPYUID", SHAPE_COPYUID, "UIDs of the copies" },
	[IMAP_CODE_CORRUPTION] = { "CORRUPTION", SHAPE_NONE, "mailbox or data corrupted" },
	[IMAP_CODE_EXPIRED] = { "EXPIRED", SHAPE_NONE, "credentials expired" },
	[IMAP_CODE_EXPUNGEISSUED] = { "EXPUNGEISSUED", SHAPE_NONE,
				      "messages were expunged meanwhile" },
	[IMAP_CODE_HASCHILDREN] = { "HASCHILDREN", SHAPE_NONE, "mailbox has children" },
	[IMAP_CODE_HIGHESTMODSEQ] = { "HIGHESTMODSEQ", SHAPE_MODSEQ, "highest mod-sequence" },
	[IMAP_CODE_INUSE] = { "INUSE", SHAPE_NONE, "in use, try again later" },
	[IMAP_CODE_LIMIT] = { "LIMIT", SHAPE_NONE, "limit reached" },
	[IMAP_CODE_MAILBOXID] = { "MAILBOXID", SHAPE_OBJECTID, "mailbox ID" },
	[IMAP_CODE_MODIFIED] = { "MODIFIED", SHAPE_SET, "not stored, modified meanwhile" },
	[IMAP_CODE_NOMODSEQ] = { "NOMODSEQ", SHAPE_NONE, "no mod-sequences in this mailbox" },
	[IMAP_CODE_NONEXISTENT] = { "NONEXISTENT", SHAPE_NONE, "does not exist" },
	[IMAP_CODE_NOPERM] = { "NOPERM", SHAPE_NONE, "no permission" },
	[IMAP_CODE_NOTSAVED] = { "NOTSAVED", SHAPE_NONE, "search result not saved" },
	[IMAP_CODE_OVERQUOTA] = { "OVERQUOTA", SHAPE_NONE, "over quota" },
	[IMAP_CODE_PARSE] = { "PARSE", SHAPE_NONE, "message could not be parsed" },
	[IMAP_CODE_PERMANENTFLAGS] = { "PERMANENTFLAGS", SHAPE_WORDS, "flags that can be kept" },
	[IMAP_CODE_PRIVACYREQUIRED] = { "PRIVACYREQUIRED", SHAPE_NONE,
					"needs a secure connection" },
	[IMAP_CODE_READ_ONLY] = { "READ-ONLY", SHAPE_NONE, "mailbox is read-only" },
	[IMAP_CODE_READ_WRITE] = { "READ-WRITE", SHAPE_NONE, "mailbox is read-write" },
	[IMAP_CODE_SERVERBUG] = { "SERVERBUG", SHAPE_NONE, "server bug" },
	[IMAP_CODE_TRYCREATE] = { "TRYCREATE", SHAPE_NONE, "mailbox does not exist, create it first" },
	[IMAP_CODE_UIDNEXT] = { "UIDNEXT", SHAPE_NUM32, "next UID" },
	[IMAP_CODE_UIDNOTSTICKY] = { "UIDNOTSTICKY", SHAPE_NONE, "UIDs do not persist" },
	[IMAP_CODE_UIDVALIDITY] = { "UIDVALIDITY", SHAPE_NUM32, "UID validity" },
	[IMAP_CODE_UNAVAILABLE] = { "UNAVAILABLE", SHAPE_NONE, "temporarily unavailable" },
	[IMAP_CODE_UNKNOWN_CTE] = { "UNKNOWN-CTE", SHAPE_NONE,
				    "unknown content-transfer-encoding" },
	[IMAP_CODE_UNSEEN] = { "UNSEEN", SHAPE_NUM32, "first unseen message" },
	[IMAP_CODE_URLMECH] = { "URLMECH", SHAPE_WORDS, "URLAUTH mechanisms" },
};

enum imap_code_kind imap_code_kind_of(const char *name)
{
	int k;

	if (!name)
		return IMAP_CODE_UNKNOWN;
	for (k = IMAP_CODE_UNKNOWN + 1; k < IMAP_CODE_KIND_COUNT; k++)
		if (strcasecmp(specs[k].name, name) == 0)
			return (enum imap_code_kind)k;
	return IMAP_CODE_UNKNOWN;
}

static const struct code_spec *spec(enum imap_code_kind kind)
{
	if ((int)kind < 0 || kind >= IMAP_CODE_KIND_COUNT)
		kind = IMAP_CODE_UNKNOWN;
	return &specs[kind];
}

const char *imap_code_kind_name(enum imap_code_kind kind)
{
	return spec(kind)->name;
}

const char *imap_code_kind_desc(enum imap_code_kind kind)
{
	return spec(kind)->desc;
}

/* ------------------------------------------------------------------ */
/* arguments */

static const uint64_t num32_max = UINT32_MAX;
static const uint64_t modseq_max = INT64_MAX;

/* uidvalidity SP set [SP set] */
static int parse_uidcode(struct imap_response *r, struct imap_code *c, bool copy)
{
	size_t want = copy ? 3 : 2;

	if (imap_value_number_in(imap_value_item(c->args, 0), 1, num32_max, &c->number) < 0)
		return -1;
	if (imap_seqset_from_value(r, imap_value_item(c->args, 1), &c->set) < 0)
		return -1;
	if (copy && imap_seqset_from_value(r, imap_value_item(c->args, 2), &c->set2) < 0)
		return -1;
	return c->args->count == want ? 0 : -1;
}

/* The words of a list: each an ATOM, NUMBER or QUOTED.  0 or -1. */
static int take_words(struct imap_response *r, struct imap_code *c,
		      const struct imap_value *list)
{
	struct imap_text *items;
	size_t i;

	items = imap_response_alloc(r, (list->count ? list->count : 1) * sizeof(*items));
	c->items = items;
	for (i = 0; i < list->count; i++) {
		const struct imap_value *v = &list->items[i];

		if (v->type == IMAP_VALUE_LIST || v->type == IMAP_VALUE_NIL ||
		    v->type == IMAP_VALUE_LITERAL)
			return -1;
		items[c->nitems++] = imap_value_text(v);
		if (c->kind == IMAP_CODE_PERMANENTFLAGS && v->len == 2 &&
		    memcmp(v->str, "\\*", 2) == 0)
			c->flag_wildcard = true;
	}
	return 0;
}

/* "(" words ")" or the words bare: one LIST argument is taken apart. */
static int parse_words(struct imap_response *r, struct imap_code *c)
{
	const struct imap_value *first = imap_value_item(c->args, 0);

	if (first && first->type == IMAP_VALUE_LIST) {
		if (c->args->count != 1)
			return -1;
		return take_words(r, c, first);
	}
	return take_words(r, c, c->args);
}

static int parse_objectid(struct imap_response *r, struct imap_code *c)
{
	if (parse_words(r, c) < 0 || c->nitems != 1 || c->items[0].len == 0)
		return -1;
	c->text = c->items[0];
	return 0;
}

static int parse_args(struct imap_response *r, struct imap_code *c, enum shape shape)
{
	switch (shape) {
	case SHAPE_NONE:
		return 0;
	case SHAPE_NUM32:
		return c->args->count == 1 ?
			imap_value_number_in(&c->args->items[0], 1, num32_max, &c->number) : -1;
	case SHAPE_MODSEQ:
		return c->args->count == 1 ?
			imap_value_number_in(&c->args->items[0], 1, modseq_max, &c->number) : -1;
	case SHAPE_APPENDUID:
		return parse_uidcode(r, c, false);
	case SHAPE_COPYUID:
		return parse_uidcode(r, c, true);
	case SHAPE_SET:
		if (c->args->count != 1)
			return -1;
		return imap_seqset_from_value(r, &c->args->items[0], &c->set);
	case SHAPE_WORDS:
		return parse_words(r, c);
	case SHAPE_OBJECTID:
		return parse_objectid(r, c);
	}
	return -1;
}

const struct imap_code *imap_code_view(struct imap_response *r)
{
	struct imap_code *c;

	if (!r || !r->code_name)
		return NULL;
	c = imap_response_alloc(r, sizeof(*c));
	c->name = r->code_name;
	c->raw = r->code_raw ? r->code_raw : "";
	c->args = &r->code_args;
	c->kind = imap_code_kind_of(r->code_name);
	if (c->kind != IMAP_CODE_UNKNOWN && parse_args(r, c, spec(c->kind)->shape) < 0)
		c->malformed = true;
	return c;
}
