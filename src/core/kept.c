/*
 * kept.c - untagged responses kept by name within a budget (kept.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/kept.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

struct kept_item {
	struct imap_response *r;
	size_t mem;
	uint64_t seq; /* arrival order across all names */
};

struct kept_name {
	char *name;
	struct kept_item *items;
	size_t count, alloc;
};

struct kept_store {
	struct kept_name *names;
	size_t nnames, names_alloc;
	size_t bytes, count, max_bytes;
	uint64_t seq;
};

struct kept_store *kept_new(size_t max_bytes)
{
	struct kept_store *k = xcalloc(1, sizeof(*k));
	k->max_bytes = max_bytes;
	return k;
}

void kept_clear(struct kept_store *k)
{
	size_t i, j;
	for (i = 0; i < k->nnames; i++) {
		for (j = 0; j < k->names[i].count; j++)
			imap_response_free(k->names[i].items[j].r);
		free(k->names[i].items);
		free(k->names[i].name);
	}
	free(k->names);
	k->names = NULL;
	k->nnames = k->names_alloc = 0;
	k->bytes = k->count = 0;
}

void kept_free(struct kept_store *k)
{
	if (!k)
		return;
	kept_clear(k);
	free(k);
}

static struct kept_name *find(struct kept_store *k, const char *name)
{
	size_t i;
	for (i = 0; i < k->nnames; i++)
		if (strcasecmp(k->names[i].name, name) == 0)
			return &k->names[i];
	return NULL;
}

/* Drops the oldest response of n. */
static void drop_first(struct kept_store *k, struct kept_name *n)
{
	k->bytes -= n->items[0].mem;
	k->count--;
	imap_response_free(n->items[0].r);
	memmove(n->items, n->items + 1, (n->count - 1) * sizeof(*n->items));
	n->count--;
}

/* Drops the oldest response of any name; false when nothing is kept. */
static bool drop_oldest(struct kept_store *k)
{
	struct kept_name *oldest = NULL;
	size_t i;
	for (i = 0; i < k->nnames; i++) {
		struct kept_name *n = &k->names[i];
		if (n->count && (!oldest || n->items[0].seq < oldest->items[0].seq))
			oldest = n;
	}
	if (!oldest)
		return false;
	drop_first(k, oldest);
	return true;
}

bool kept_add(struct kept_store *k, const char *name, struct imap_response *r, size_t mem)
{
	struct kept_name *n = find(k, name);

	if (mem > k->max_bytes || (!n && k->nnames >= KEPT_NAMES)) {
		imap_response_free(r);
		return false;
	}
	if (!n) {
		xgrow((void **)&k->names, &k->names_alloc, k->nnames + 1, sizeof(*k->names));
		n = &k->names[k->nnames++];
		memset(n, 0, sizeof(*n));
		n->name = xstrdup(name);
	}
	if (n->count == KEPT_PER_NAME)
		drop_first(k, n);
	while (k->bytes + mem > k->max_bytes && drop_oldest(k))
		;
	xgrow((void **)&n->items, &n->alloc, n->count + 1, sizeof(*n->items));
	n->items[n->count].r = r;
	n->items[n->count].mem = mem;
	n->items[n->count].seq = k->seq++;
	n->count++;
	k->bytes += mem;
	k->count++;
	return true;
}

size_t kept_take(struct kept_store *k, const char *name, struct imap_response ***list_r)
{
	struct kept_name *n = find(k, name);
	struct imap_response **list;
	size_t count, i;

	*list_r = NULL;
	if (!n || !n->count)
		return 0;
	count = n->count;
	list = xcalloc(count, sizeof(*list));
	for (i = 0; i < count; i++) {
		list[i] = n->items[i].r;
		k->bytes -= n->items[i].mem;
	}
	k->count -= count;
	n->count = 0;
	*list_r = list;
	return count;
}

size_t kept_bytes(const struct kept_store *k)
{
	return k->bytes;
}

size_t kept_count(const struct kept_store *k)
{
	return k->count;
}
