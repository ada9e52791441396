/*
 * response.c - the response tree's arena and small accessors.
 *
 * One arena per response: a list of blocks handed out by bumping a
 * pointer, all freed at once by imap_response_free().  Big requests get a
 * block of their own so that a half-used block is not wasted.  The arena's
 * own header and the response live in its first block: one malloc() for
 * a small response.
 */
#include "proto/response.h"
#include "util/xalloc.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARENA_ALIGN alignof(max_align_t)
#define ARENA_FIRST 1024
#define ARENA_MAX_BLOCK 65536

struct arena_block {
	struct arena_block *next;
	void *adopted;            /* malloc()ed memory handed over, or NULL */
	size_t size;              /* usable bytes in data */
	size_t used;
	max_align_t data[];
};

struct arena {
	struct arena_block *head;
	size_t next_size;
	size_t mem;               /* bytes malloc()ed for blocks, adopted memory included */
};

static struct arena_block *block_new(size_t size)
{
	struct arena_block *b;

	if (size > SIZE_MAX - sizeof(*b))
		size = SIZE_MAX - sizeof(*b); /* xmalloc will fail loudly */
	b = xmalloc(sizeof(*b) + size);
	b->next = NULL;
	b->adopted = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

/* arena_get() when the current block has no room: need bytes (rounded
 * as the caller wants them) from a new block. */
static void *__attribute__((noinline)) arena_get_block(struct arena *a, size_t need)
{
	struct arena_block *b = a->head;

	if (need > a->next_size / 4) {
		/* a block of its own, kept behind the current one */
		struct arena_block *big = block_new(need);
		a->mem += sizeof(*big) + need;
		big->used = need;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
			a->head = big;
		}
		return big->data;
	}
	b = block_new(a->next_size);
	a->mem += sizeof(*b) + a->next_size;
	b->next = a->head;
	a->head = b;
	if (a->next_size < ARENA_MAX_BLOCK)
		a->next_size *= 2;
	b->used = need;
	return b->data;
}

/* Uninitialised memory from the arena, aligned for any type if aligned,
 * else packed (strings: a one-byte token costs 2 bytes, not 16). */
static inline void *arena_get(struct arena *a, size_t size, bool aligned)
{
	struct arena_block *b = a->head;
	size_t need, at;

	if (size > SIZE_MAX - ARENA_ALIGN)
		size = SIZE_MAX - ARENA_ALIGN;
	need = aligned ? (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1) : size;
	if (!need)
		need = aligned ? ARENA_ALIGN : 1;
	if (b) {
		at = aligned ? (b->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1) : b->used;
		if (at <= b->size && b->size - at >= need) {
			b->used = at + need;
			return (char *)b->data + at;
		}
	}
	return arena_get_block(a, need);
}

struct imap_response *imap_response_new(enum imap_resp_kind kind)
{
	struct arena_block *b = block_new(ARENA_FIRST);
	struct arena *a = (struct arena *)b->data;
	struct imap_response *r;

	b->used = (sizeof(*a) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	a->head = b;
	a->next_size = ARENA_FIRST * 2;
	a->mem = sizeof(*b) + ARENA_FIRST;
	r = arena_get(a, sizeof(*r), true);
	memset(r, 0, sizeof(*r));
	r->arena_ = a;
	r->kind = kind;
	r->tag = kind == IMAP_RESP_UNTAGGED ? "*" : kind == IMAP_RESP_CONTINUATION ? "+" : "";
	r->name = kind == IMAP_RESP_CONTINUATION ? "+" : "";
	r->text = "";
	r->raw = "";
	r->data.type = IMAP_VALUE_LIST;
	r->code_args.type = IMAP_VALUE_LIST;
	return r;
}

bool imap_response_has_arena(const struct imap_response *r)
{
	return r->arena_ != NULL;
}

void *imap_response_alloc(struct imap_response *r, size_t size)
{
	void *p = arena_get(r->arena_, size, true);
	memset(p, 0, size);
	return p;
}

char *imap_response_strdup(struct imap_response *r, const void *data, size_t len)
{
	char *p;

	if (len == SIZE_MAX)
		abort();
	p = arena_get(r->arena_, len + 1, false);
	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	return p;
}

void *imap_response_memdup(struct imap_response *r, const void *data, size_t len)
{
	void *p = arena_get(r->arena_, len, true);
	if (len)
		memcpy(p, data, len);
	return p;
}

void imap_response_adopt(struct imap_response *r, void *mem, size_t size)
{
	struct arena *a = r->arena_;
	struct arena_block *b = block_new(0);

	a->mem += sizeof(*b) + size;
	b->adopted = mem;
	if (a->head) {
		b->next = a->head->next;
		a->head->next = b;
	} else {
		a->head = b;
	}
}

size_t imap_response_mem(const struct imap_response *r)
{
	return r ? ((const struct arena *)r->arena_)->mem : 0;
}

void imap_response_free(struct imap_response *r)
{
	struct arena *a;
	struct arena_block *b, *next;

	if (!r)
		return;
	/* a lives in the first block made: only a->head is read, before any free() */
	a = r->arena_;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b->adopted);
		free(b);
	}
}

const char *imap_status_name(enum imap_status st)
{
	switch (st) {
	case IMAP_STATUS_NONE: return "";
	case IMAP_STATUS_OK: return "OK";
	case IMAP_STATUS_NO: return "NO";
	case IMAP_STATUS_BAD: return "BAD";
	case IMAP_STATUS_PREAUTH: return "PREAUTH";
	case IMAP_STATUS_BYE: return "BYE";
	}
	return "";
}

const struct imap_value *imap_value_lookup(const struct imap_value *list, const char *key)
{
	size_t i, klen;

	if (!list || list->type != IMAP_VALUE_LIST || !key)
		return NULL;
	klen = strlen(key);
	/* keys sit at even positions: (UID 5 FLAGS (\Seen) BODY[] {3}...) */
	for (i = 0; i + 1 < list->count; i += 2) {
		const struct imap_value *k = &list->items[i];
		if (k->type != IMAP_VALUE_ATOM && k->type != IMAP_VALUE_NUMBER)
			continue;
		if (k->len == klen && strncasecmp(k->str, key, klen) == 0)
			return &list->items[i + 1];
	}
	return NULL;
}
