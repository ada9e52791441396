/*
 * attrib.c - which command an untagged response belongs to (attrib.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/attrib.h"

#include <string.h>
#include <strings.h>

#include "proto/view.h"

enum attrib_kind {
	K_FETCH = 1u << 0,
	K_SEARCH = 1u << 1,
	K_ESEARCH = 1u << 2,
	K_SORT = 1u << 3,
	K_THREAD = 1u << 4,
	K_STATUS = 1u << 5,
	K_LIST = 1u << 6,
	K_LSUB = 1u << 7,
	K_XLIST = 1u << 8,
	K_CAPABILITY = 1u << 9,
	K_NAMESPACE = 1u << 10,
	K_QUOTA = 1u << 11,
	K_QUOTAROOT = 1u << 12,
	K_ACL = 1u << 13,
	K_MYRIGHTS = 1u << 14,
	K_LISTRIGHTS = 1u << 15,
	K_METADATA = 1u << 16,
	K_ID = 1u << 17,
	K_ENABLED = 1u << 18,
	K_EXISTS = 1u << 19,
	K_RECENT = 1u << 20,
	K_EXPUNGE = 1u << 21,
	K_VANISHED = 1u << 22,
	K_FLAGS = 1u << 23,
	K_OTHER = 1u << 24,  /* a response name not in the table */
	K_ANY = (1u << 25) - 1,
};

/* Mailbox events: what a poll (NOOP, CHECK, IDLE) is for. */
#define K_EVENTS (K_EXISTS | K_RECENT | K_EXPUNGE | K_VANISHED | K_FLAGS | K_FETCH)

/* Response names (RFC 9051 7 and extensions). */
static const struct {
	const char *name;
	unsigned kind;
} names[] = {
	{ "ACL", K_ACL }, { "CAPABILITY", K_CAPABILITY }, { "ENABLED", K_ENABLED },
	{ "ESEARCH", K_ESEARCH }, { "EXISTS", K_EXISTS }, { "EXPUNGE", K_EXPUNGE },
	{ "FETCH", K_FETCH }, { "FLAGS", K_FLAGS }, { "ID", K_ID }, { "LIST", K_LIST },
	{ "LISTRIGHTS", K_LISTRIGHTS }, { "LSUB", K_LSUB }, { "METADATA", K_METADATA },
	{ "MYRIGHTS", K_MYRIGHTS }, { "NAMESPACE", K_NAMESPACE }, { "QUOTA", K_QUOTA },
	{ "QUOTAROOT", K_QUOTAROOT }, { "RECENT", K_RECENT }, { "SEARCH", K_SEARCH },
	{ "SORT", K_SORT }, { "STATUS", K_STATUS }, { "THREAD", K_THREAD },
	{ "VANISHED", K_VANISHED }, { "XLIST", K_XLIST },
};

/* What each verb can produce; "name" when its first argument is the
 * mailbox its data names, "set" when it is the message set. */
enum key { KEY_NONE, KEY_SET, KEY_NAME };
static const struct {
	const char *verb;
	unsigned kinds;
	enum key key;
} verbs[] = {
	{ "APPEND", K_EVENTS, KEY_NONE },
	{ "AUTHENTICATE", K_CAPABILITY, KEY_NONE },
	{ "CAPABILITY", K_CAPABILITY, KEY_NONE },
	{ "CHECK", K_EVENTS, KEY_NONE },
	{ "CLOSE", 0, KEY_NONE },
	{ "COMPRESS", 0, KEY_NONE },
	{ "COPY", K_EVENTS, KEY_NONE },
	{ "CREATE", 0, KEY_NONE },
	{ "DELETE", 0, KEY_NONE },
	{ "DELETEACL", 0, KEY_NONE },
	{ "ENABLE", K_ENABLED, KEY_NONE },
	{ "EXAMINE", K_ANY, KEY_NONE },
	{ "EXPUNGE", K_EVENTS, KEY_NONE },
	{ "FETCH", K_FETCH, KEY_SET },
	{ "GETACL", K_ACL, KEY_NAME },
	{ "GETMETADATA", K_METADATA, KEY_NONE },
	{ "GETQUOTA", K_QUOTA, KEY_NONE },
	{ "GETQUOTAROOT", K_QUOTAROOT | K_QUOTA, KEY_NAME },
	{ "ID", K_ID, KEY_NONE },
	{ "IDLE", K_EVENTS, KEY_NONE },
	{ "LIST", K_LIST | K_STATUS, KEY_NONE },
	{ "LISTRIGHTS", K_LISTRIGHTS, KEY_NAME },
	{ "LOGIN", K_CAPABILITY, KEY_NONE },
	{ "LOGOUT", 0, KEY_NONE },
	{ "LSUB", K_LSUB, KEY_NONE },
	{ "MOVE", K_EVENTS, KEY_NONE },
	{ "MYRIGHTS", K_MYRIGHTS, KEY_NAME },
	{ "NAMESPACE", K_NAMESPACE, KEY_NONE },
	{ "NOOP", K_EVENTS, KEY_NONE },
	{ "RENAME", 0, KEY_NONE },
	{ "SEARCH", K_SEARCH | K_ESEARCH, KEY_NONE },
	{ "SELECT", K_ANY, KEY_NONE },
	{ "SETACL", 0, KEY_NONE },
	{ "SETMETADATA", 0, KEY_NONE },
	{ "SETQUOTA", K_QUOTA, KEY_NONE },
	{ "SORT", K_SORT | K_ESEARCH, KEY_NONE },
	{ "STARTTLS", 0, KEY_NONE },
	{ "STATUS", K_STATUS, KEY_NAME },
	{ "STORE", K_FETCH, KEY_SET },
	{ "SUBSCRIBE", 0, KEY_NONE },
	{ "THREAD", K_THREAD, KEY_NONE },
	{ "UID COPY", K_EVENTS, KEY_NONE },
	{ "UID EXPUNGE", K_EVENTS, KEY_NONE },
	{ "UID FETCH", K_FETCH, KEY_SET },
	{ "UID MOVE", K_EVENTS, KEY_NONE },
	{ "UID SEARCH", K_SEARCH | K_ESEARCH, KEY_NONE },
	{ "UID SORT", K_SORT | K_ESEARCH, KEY_NONE },
	{ "UID STORE", K_FETCH, KEY_SET },
	{ "UID THREAD", K_THREAD, KEY_NONE },
	{ "UNSELECT", 0, KEY_NONE },
	{ "UNSUBSCRIBE", 0, KEY_NONE },
	{ "XLIST", K_XLIST | K_LIST, KEY_NONE },
};

/* Data that names its mailbox first. */
#define K_NAMED (K_STATUS | K_ACL | K_MYRIGHTS | K_QUOTAROOT | K_LISTRIGHTS)

static unsigned kind_of(const char *name)
{
	size_t lo = 0, hi = sizeof(names) / sizeof(names[0]);

	if (!name)
		return K_OTHER;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcasecmp(name, names[mid].name);
		if (!c)
			return names[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return K_OTHER;
}

/* A number from s (1 to 2^32-1), advancing *p. */
static bool set_number(const char **p, const char *end, uint32_t *n)
{
	uint64_t v = 0;
	const char *s = *p;

	if (s < end && *s == '*') {
		*n = UINT32_MAX;
		*p = s + 1;
		return true;
	}
	while (s < end && *s >= '0' && *s <= '9') {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > UINT32_MAX)
			return false;
		s++;
	}
	if (s == *p || !v)
		return false;
	*n = (uint32_t)v;
	*p = s;
	return true;
}

/* "1:4,7,9:*" into ranges; false for "$", a set too long, or junk. */
static bool parse_set(struct attrib_cmd *c, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	c->nranges = 0;
	while (p < end) {
		uint32_t a, b;
		if (!set_number(&p, end, &a))
			return false;
		b = a;
		if (p < end && *p == ':') {
			p++;
			if (!set_number(&p, end, &b))
				return false;
		}
		if (c->nranges == sizeof(c->ranges) / sizeof(c->ranges[0]))
			return false;
		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		/* n:* is n..max or max..n: any number from 1 on (star) */
		if (b == UINT32_MAX)
			a = a == UINT32_MAX ? 1 : a;
		c->ranges[c->nranges].lo = a;
		c->ranges[c->nranges].hi = b;
		c->nranges++;
		if (p < end && *p != ',')
			return false;
		if (p < end)
			p++;
	}
	return c->nranges > 0;
}

void attrib_cmd_init(struct attrib_cmd *c, const char *verb, const struct imap_arg *args,
		     size_t nargs)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->kinds = K_ANY;
	if (!verb)
		return;
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcasecmp(verb, verbs[i].verb))
			continue;
		c->kinds = verbs[i].kinds;
		if (!nargs || !args[0].data)
			return;
		if (verbs[i].key == KEY_SET) {
			size_t k;
			c->keyed = true;
			c->uid = !strncasecmp(verb, "UID ", 4);
			/* VANISHED only with the QRESYNC modifier (RFC 7162) */
			for (k = 1; k < nargs; k++)
				if (args[k].data && memmem(args[k].data, args[k].len, "VANISHED", 8))
					c->kinds |= K_VANISHED;
			c->has_set = parse_set(c, args[0].data, args[0].len);
			if (!c->has_set)
				c->nranges = 0;
		} else if (verbs[i].key == KEY_NAME) {
			c->name = args[0].data;
			c->name_len = args[0].len;
		}
		return;
	}
}

static bool in_set(const struct attrib_cmd *c, uint64_t n)
{
	size_t i;

	for (i = 0; i < c->nranges; i++)
		if (n >= c->ranges[i].lo && n <= c->ranges[i].hi)
			return true;
	return false;
}

static bool has_star(const struct attrib_cmd *c)
{
	size_t i;

	for (i = 0; i < c->nranges; i++)
		if (c->ranges[i].hi == UINT32_MAX)
			return true;
	return false;
}

static bool sets_disjoint(const struct attrib_cmd *a, const struct attrib_cmd *b)
{
	size_t i, k;

	if (has_star(a) || has_star(b))
		return false;
	for (i = 0; i < a->nranges; i++)
		for (k = 0; k < b->nranges; k++)
			if (a->ranges[i].lo <= b->ranges[k].hi && b->ranges[k].lo <= a->ranges[i].hi)
				return false;
	return true;
}

static bool same_name(const char *a, size_t na, const char *b, size_t nb)
{
	if (na == 5 && nb == 5 && !strncasecmp(a, "INBOX", 5) && !strncasecmp(b, "INBOX", 5))
		return true;
	return na == nb && !memcmp(a, b, na);
}

bool attrib_can_share(const struct attrib_cmd *a, const struct attrib_cmd *b)
{
	unsigned common = a->kinds & b->kinds;

	if (common & K_FETCH) {
		/* a FETCH of a set claims its messages; a poll (NOOP) gets the
		 * rest: fine beside one another, not two polls or two sets that
		 * cannot be told apart ($, *, overlapping, UIDs beside numbers) */
		if (a->keyed && b->keyed) {
			if (!a->has_set || !b->has_set || a->uid != b->uid || !sets_disjoint(a, b))
				return false;
		} else if (!a->keyed && !b->keyed)
			return false;
		common &= ~K_FETCH;
	}
	if (common & K_NAMED) {
		if (!a->name || !b->name || same_name(a->name, a->name_len, b->name, b->name_len))
			return false;
		common &= ~K_NAMED;
	}
	return !common;
}

/* The UID item of a FETCH response. */
static bool fetch_uid(const struct imap_response *r, uint64_t *uid)
{
	const struct imap_value *l = r->data.count ? &r->data.items[0] : NULL;
	size_t i;

	if (!l || l->type != IMAP_VALUE_LIST)
		return false;
	for (i = 0; i + 1 < l->count; i += 2)
		if (imap_text_is(imap_value_text(&l->items[i]), "UID"))
			return imap_value_number(&l->items[i + 1], uid);
	return false;
}

/* Does r fall in c's message set (FETCH) or name c's mailbox? */
static bool key_match(const struct attrib_cmd *c, const struct imap_response *r, unsigned kind)
{
	if (kind == K_FETCH && c->keyed) {
		if (!c->has_set)
			return true; /* "$": could be any */
		uint64_t uid;
		if (c->uid)
			return fetch_uid(r, &uid) && in_set(c, uid);
		return r->has_number && in_set(c, r->number);
	}
	if ((kind & K_NAMED) && c->name) {
		struct imap_text t = imap_value_text(r->data.count ? &r->data.items[0] : NULL);
		return t.s && same_name(t.s, t.len, c->name, c->name_len);
	}
	return true;
}

bool attrib_kind_match(const struct attrib_cmd *c, const struct imap_response *r)
{
	return (c->kinds & kind_of(r->name)) != 0;
}

long attrib_find(const struct imap_response *r, const struct attrib_cmd *const *cmds, size_t n)
{
	unsigned kind;
	size_t i, ncand = 0;
	long first = -1;

	if (!n)
		return -1;
	if (r->status != IMAP_STATUS_NONE)
		return 0;
	kind = kind_of(r->name);
	for (i = 0; i < n; i++) {
		if (!(cmds[i]->kinds & kind))
			continue;
		if (first < 0)
			first = (long)i;
		ncand++;
	}
	if (kind == K_OTHER)
		return first >= 0 ? first : 0;
	if (ncand == 1 && kind != K_FETCH)
		return first;
	if (kind == K_FETCH) {
		/* the FETCH (STORE) whose set holds it, else a poll in flight,
		 * else nobody asked: a flag change from elsewhere */
		for (i = 0; i < n; i++)
			if ((cmds[i]->kinds & kind) && cmds[i]->keyed && key_match(cmds[i], r, kind))
				return (long)i;
		for (i = 0; i < n; i++)
			if ((cmds[i]->kinds & kind) && !cmds[i]->keyed)
				return (long)i;
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((cmds[i]->kinds & kind) && key_match(cmds[i], r, kind))
			return (long)i;
	return first;
}
