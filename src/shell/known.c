/*
 * known.c - mailbox names and flags the shell has seen (known.h).
 */
#include "shell/known.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/code.h"
#include "proto/data.h"
#include "proto/mailbox.h"
#include "util/xalloc.h"

void known_init(struct known *k)
{
	memset(k, 0, sizeof(*k));
}

static void set_release(struct known_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

void known_release(struct known *k)
{
	set_release(&k->mailboxes);
	set_release(&k->flags);
}

/* Where name is, or would go (*found says which). */
static size_t find(const struct known_set *s, const char *name, size_t len, bool *found)
{
	size_t lo = 0, hi = s->n;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		size_t ml = strlen(s->names[mid]);
		int c = memcmp(s->names[mid], name, ml < len ? ml : len);
		if (!c)
			c = ml < len ? -1 : ml > len ? 1 : 0;
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void known_add(struct known_set *s, const char *name, size_t len)
{
	bool found;
	size_t at;

	if (!name || !len || memchr(name, '\0', len) || s->n >= KNOWN_MAX)
		return;
	at = find(s, name, len, &found);
	if (found)
		return;
	if (s->n == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 32;
		s->names = xrealloc(s->names, s->alloc * sizeof(*s->names));
	}
	memmove(s->names + at + 1, s->names + at, (s->n - at) * sizeof(*s->names));
	s->names[at] = xmemdup(name, len + 1);
	s->names[at][len] = '\0';
	s->n++;
}

void known_drop(struct known_set *s, const char *name, size_t len)
{
	bool found;
	size_t at = find(s, name, len, &found);

	if (!found)
		return;
	free(s->names[at]);
	memmove(s->names + at, s->names + at + 1, (s->n - at - 1) * sizeof(*s->names));
	s->n--;
}

static void add_name(struct known *k, const struct imap_mailbox_name *m)
{
	if (m->name.s && !m->invalid)
		known_add(&k->mailboxes, m->name.s, m->name.len);
}

static void add_flags(struct known *k, const struct imap_text *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].s && !imap_text_is(t[i], "\\*"))
			known_add(&k->flags, t[i].s, t[i].len);
}

void known_note_response(struct known *k, struct imap_response *r, bool utf8)
{
	if (!imap_response_has_arena(r) || r->kind != IMAP_RESP_UNTAGGED)
		return;
	if (r->code_name && !strcasecmp(r->code_name, "PERMANENTFLAGS")) {
		const struct imap_code *c = imap_code_view(r);
		if (c)
			add_flags(k, c->items, c->nitems);
		return;
	}
	if (!r->name || r->status != IMAP_STATUS_NONE)
		return;
	if (!strcasecmp(r->name, "LIST") || !strcasecmp(r->name, "LSUB") ||
	    !strcasecmp(r->name, "XLIST")) {
		const struct imap_list *l = imap_list_view(r, utf8);
		if (l)
			add_name(k, &l->mailbox);
	} else if (!strcasecmp(r->name, "STATUS")) {
		const struct imap_status_data *s = imap_status_view(r, utf8);
		if (s)
			add_name(k, &s->mailbox);
	} else if (!strcasecmp(r->name, "FLAGS")) {
		const struct imap_flags *f = imap_flags_view(r);
		if (f)
			add_flags(k, f->flags, f->count);
	}
}

void known_note_command(struct known *k, const char *cmd, const char *const *args, size_t nargs)
{
	if (!cmd || !nargs || !args[0])
		return;
	if (!strcasecmp(cmd, "create")) {
		known_add(&k->mailboxes, args[0], strlen(args[0]));
	} else if (!strcasecmp(cmd, "delete")) {
		known_drop(&k->mailboxes, args[0], strlen(args[0]));
	} else if (!strcasecmp(cmd, "rename") && nargs >= 2 && args[1]) {
		known_drop(&k->mailboxes, args[0], strlen(args[0]));
		known_add(&k->mailboxes, args[1], strlen(args[1]));
	}
}
