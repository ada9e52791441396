/*
 * search.c - views of SEARCH, SORT, ESEARCH, THREAD, EXISTS, RECENT,
 * EXPUNGE and VANISHED (see search.h).
 *
 * RFC 9051 sec. 9, RFC 4731, RFC 5256, RFC 7162, RFC 9394:
 *   mailbox-data      =/ "SEARCH" *(SP nz-number) [SP search-sort-mod-seq] /
 *                        "SORT" *(SP nz-number) [SP search-sort-mod-seq] /
 *                        "ESEARCH" [search-correlator] [SP "UID"]
 *                                  *(SP search-return-data) / number SP "EXISTS" /
 *                        thread-data
 *   search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"
 *   search-correlator = SP "(" "TAG" SP tag-string ")"
 *   search-return-data = "MIN" SP nz-number / "MAX" SP nz-number /
 *                        "ALL" SP sequence-set / "COUNT" SP number /
 *                        "MODSEQ" SP mod-sequence-value / ret-data-partial /
 *                        search-modifier-name SP search-return-value
 *   ret-data-partial  = "PARTIAL" SP "(" partial-range SP partial-results ")"
 *   partial-range     = nz-number ":" nz-number / "-" nz-number ":" "-" nz-number
 *   partial-results   = sequence-set / "NIL"
 *   thread-list       = "(" (thread-members / thread-nested) ")"
 *   thread-members    = nz-number *(SP nz-number) [SP thread-nested]
 *   thread-nested     = 2*thread-list
 *   expunged-resp     = "VANISHED" [SP "(EARLIER)"] SP known-uids
 */
#include "proto/search.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

#define NUM32_MAX ((uint64_t)UINT32_MAX)
#define MODSEQ_MAX ((uint64_t)INT64_MAX)

/* ------------------------------------------------------------------ */
/* helpers */

static bool is_untagged(const struct imap_response *r, const char *name)
{
	return r && r->kind == IMAP_RESP_UNTAGGED && r->name && strcmp(r->name, name) == 0;
}

/* v is the atom w (case-insensitive) */
static bool word_is(const struct imap_value *v, const char *w)
{
	size_t n = strlen(w);

	return v && v->type == IMAP_VALUE_ATOM && v->len == n && strncasecmp(v->str, w, n) == 0;
}

static int value_u32(const struct imap_value *v, uint64_t lo, uint32_t *n_r)
{
	uint64_t n;

	if (imap_value_number_in(v, lo, NUM32_MAX, &n) < 0)
		return -1;
	*n_r = (uint32_t)n;
	return 0;
}

/* A growable array in malloc()ed memory, copied into the arena when done
 * (so the arena holds exactly what is kept). */
struct vec {
	void *items;
	size_t count, alloc, elem;
};

static void *vec_push(struct vec *v)
{
	xgrow(&v->items, &v->alloc, v->count + 1, v->elem);
	return (char *)v->items + v->elem * v->count++;
}

static void vec_push_ptr(struct vec *v, const struct imap_value *p)
{
	*(const struct imap_value **)vec_push(v) = p;
}

/* Moves the items into r's arena (NULL if none) and frees the vector. */
static void *vec_finish(struct imap_response *r, struct vec *v, size_t *count_r)
{
	void *kept = v->count ? imap_response_memdup(r, v->items, v->count * v->elem) : NULL;

	*count_r = v->count;
	free(v->items);
	v->items = NULL;
	v->count = v->alloc = 0;
	return kept;
}

/* ------------------------------------------------------------------ */
/* SEARCH and SORT */

/* "(MODSEQ n)" */
static bool modseq_list(const struct imap_value *v, uint64_t *n_r)
{
	return v->type == IMAP_VALUE_LIST && v->count == 2 && word_is(&v->items[0], "MODSEQ") &&
	       imap_value_number_in(&v->items[1], 1, MODSEQ_MAX, n_r) == 0;
}

const struct imap_search *imap_search_view(struct imap_response *r)
{
	struct imap_search *s;
	struct vec bad = { NULL, 0, 0, sizeof(const struct imap_value *) };
	uint32_t *nums;
	size_t i;

	if (!is_untagged(r, "SEARCH") && !is_untagged(r, "SORT"))
		return NULL;
	s = imap_response_alloc(r, sizeof(*s));
	s->sort = strcmp(r->name, "SORT") == 0;
	nums = imap_response_alloc(r, (r->data.count ? r->data.count : 1) * sizeof(*nums));
	for (i = 0; i < r->data.count; i++) {
		const struct imap_value *v = &r->data.items[i];

		if (value_u32(v, 1, &nums[s->count]) == 0)
			s->count++;
		else if (modseq_list(v, &s->modseq))
			s->has_modseq = true;
		else
			vec_push_ptr(&bad, v);
	}
	s->nums = nums;
	s->rest = vec_finish(r, &bad, &s->nrest);
	imap_seqset_from_numbers(r, nums, s->count,
				 s->sort ? IMAP_SEQSET_KEEP_ORDER : IMAP_SEQSET_SORTED, &s->set);
	return s;
}

/* ------------------------------------------------------------------ */
/* ESEARCH */

/* "-5" or "5" (1 to 2^32-1) at s[*i] */
static int partial_end(const char *s, size_t len, size_t *i, int64_t *n_r)
{
	bool neg = *i < len && s[*i] == '-';
	uint64_t n = 0;
	size_t start;

	*i += neg;
	start = *i;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		n = n * 10 + (uint64_t)(s[*i] - '0');
		if (n > NUM32_MAX)
			return -1;
		(*i)++;
	}
	if (*i == start || n == 0)
		return -1;
	*n_r = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

/* partial-range: "a:b" or "-a:-b" */
static int partial_range(const struct imap_value *v, struct imap_esearch_partial *p)
{
	struct imap_text t = imap_value_text(v);
	size_t i = 0;

	if (!t.s || v->type == IMAP_VALUE_LITERAL)
		return -1;
	if (partial_end(t.s, t.len, &i, &p->first) < 0 || i >= t.len || t.s[i++] != ':' ||
	    partial_end(t.s, t.len, &i, &p->last) < 0 || i != t.len)
		return -1;
	return (p->first < 0) == (p->last < 0) ? 0 : -1;
}

/* "(" partial-range SP partial-results ")" */
static int parse_partial(struct imap_response *r, const struct imap_value *v,
			 struct imap_esearch_partial *p)
{
	const struct imap_value *res = imap_value_item(v, 1);

	memset(p, 0, sizeof(*p));
	if (!v || v->type != IMAP_VALUE_LIST || v->count != 2 ||
	    partial_range(&v->items[0], p) < 0)
		return -1;
	if (res->type == IMAP_VALUE_NIL)
		return 0;
	p->has_results = true;
	return imap_seqset_from_value(r, res, &p->results);
}

enum ret_item { RET_MIN, RET_MAX, RET_COUNT, RET_ALL, RET_MODSEQ, RET_PARTIAL, RET_OTHER,
		RET_UPDATE /* ADDTO, REMOVEFROM: parse_update */ };

static const char *const ret_names[] = {
	[RET_MIN] = "MIN", [RET_MAX] = "MAX", [RET_COUNT] = "COUNT",
	[RET_ALL] = "ALL", [RET_MODSEQ] = "MODSEQ", [RET_PARTIAL] = "PARTIAL",
};

static enum ret_item ret_item_of(const struct imap_value *v)
{
	int k;

	for (k = RET_MIN; k < RET_OTHER; k++)
		if (word_is(v, ret_names[k]))
			return (enum ret_item)k;
	return RET_OTHER;
}

/* One known return item's value into e.  0 or -1 (malformed). */
static int parse_ret(struct imap_response *r, struct imap_esearch *e, enum ret_item k,
		     const struct imap_value *v)
{
	struct imap_esearch_partial p;
	struct imap_seqset all;

	switch (k) {
	case RET_MIN:
		return value_u32(v, 1, &e->min) < 0 ? -1 : (e->has_min = true, 0);
	case RET_MAX:
		return value_u32(v, 1, &e->max) < 0 ? -1 : (e->has_max = true, 0);
	case RET_COUNT:
		return value_u32(v, 0, &e->count) < 0 ? -1 : (e->has_count = true, 0);
	case RET_MODSEQ:
		return imap_value_number_in(v, 1, MODSEQ_MAX, &e->modseq) < 0 ? -1 :
		       (e->has_modseq = true, 0);
	case RET_ALL:
		if (imap_seqset_from_value(r, v, &all) < 0)
			return -1;
		e->all = all;
		e->has_all = true;
		return 0;
	case RET_PARTIAL:
		if (parse_partial(r, v, &p) < 0)
			return -1;
		e->partial = p;
		e->has_partial = true;
		return 0;
	case RET_OTHER:
	case RET_UPDATE:
		break;
	}
	return -1;
}

/* ADDTO / REMOVEFROM's "(" position SP set *(SP position SP set) ")" into
 * updates; 0 or -1 (malformed: nothing added). */
static int parse_update(struct imap_response *r, struct vec *updates, bool add,
			const struct imap_value *v)
{
	size_t i, first = updates->count;

	if (v->type != IMAP_VALUE_LIST || !v->count || v->count % 2)
		return -1;
	for (i = 0; i < v->count; i += 2) {
		struct imap_esearch_update *u = vec_push(updates);

		u->add = add;
		if (value_u32(&v->items[i], 0, &u->position) < 0 ||
		    imap_seqset_from_value(r, &v->items[i + 1], &u->set) < 0) {
			updates->count = first;
			return -1;
		}
	}
	return 0;
}

/* "(TAG "A282")": the TAG among key-value pairs (RFC 7377 adds MAILBOX
 * and UIDVALIDITY there). */
static void parse_correlator(struct imap_esearch *e, const struct imap_value *list)
{
	size_t i;

	e->correlator = list;
	for (i = 0; i + 1 < list->count; i += 2) {
		if (word_is(&list->items[i], "TAG")) {
			e->tag = imap_value_text(&list->items[i + 1]);
			return;
		}
	}
}

const struct imap_esearch *imap_esearch_view(struct imap_response *r)
{
	struct imap_esearch *e;
	struct vec others = { NULL, 0, 0, sizeof(struct imap_esearch_other) };
	struct vec updates = { NULL, 0, 0, sizeof(struct imap_esearch_update) };
	const struct imap_value *data;
	size_t i = 0;

	if (!is_untagged(r, "ESEARCH"))
		return NULL;
	e = imap_response_alloc(r, sizeof(*e));
	data = &r->data;
	if (data->count && data->items[0].type == IMAP_VALUE_LIST)
		parse_correlator(e, &data->items[i++]);
	while (i < data->count) {
		const struct imap_value *name = &data->items[i++];
		const struct imap_value *val = i < data->count ? &data->items[i] : NULL;
		enum ret_item k = ret_item_of(name);
		struct imap_esearch_other *o;

		if (word_is(name, "UID")) {
			e->uid = true;
			continue;
		}
		if (name->type == IMAP_VALUE_ATOM)
			i++; /* a name takes its value along */
		if (k != RET_OTHER && val && parse_ret(r, e, k, val) == 0)
			continue;
		if ((word_is(name, "ADDTO") || word_is(name, "REMOVEFROM")) && val) {
			if (parse_update(r, &updates, word_is(name, "ADDTO"), val) == 0)
				continue;
			k = RET_UPDATE; /* malformed */
		}
		o = vec_push(&others);
		o->name = imap_value_text(name);
		o->value = name->type == IMAP_VALUE_ATOM ? val : NULL;
		o->malformed = k != RET_OTHER || name->type != IMAP_VALUE_ATOM || !val;
	}
	e->others = vec_finish(r, &others, &e->nothers);
	e->updates = vec_finish(r, &updates, &e->nupdates);
	return e;
}

/* ------------------------------------------------------------------ */
/* THREAD */

/* Two passes over the same rules: the first (nodes NULL) counts nodes,
 * the second fills them in pre-order and notes the values not used. */
struct tbuild {
	struct imap_thread_node *nodes;
	size_t n;
	struct imap_thread_node **last_child; /* per node; [count]: the last root */
	size_t count;
	struct vec bad;
};

static void t_bad(struct tbuild *b, const struct imap_value *v)
{
	if (b->nodes)
		vec_push_ptr(&b->bad, v);
}

static struct imap_thread_node *t_node(struct tbuild *b, struct imap_thread_node *parent,
				       uint32_t msg)
{
	struct imap_thread_node *node, **lastp;

	if (!b->nodes) {
		b->n++;
		return NULL;
	}
	node = &b->nodes[b->n++];
	node->msg = msg;
	node->parent = parent;
	node->depth = parent ? parent->depth + 1 : 0;
	lastp = &b->last_child[parent ? (size_t)(parent - b->nodes) : b->count];
	if (*lastp)
		(*lastp)->next = node;
	else if (parent)
		parent->child = node;
	*lastp = node;
	if (parent)
		parent->nchildren++;
	return node;
}

static void t_list(struct tbuild *b, const struct imap_value *list,
		   struct imap_thread_node *parent, size_t nest)
{
	struct imap_thread_node *cur = parent;
	bool nested = false;
	uint32_t msg;
	size_t i;

	if (nest > IMAP_THREAD_MAX_NEST || list->count == 0) {
		t_bad(b, list);
		return;
	}
	if (list->items[0].type == IMAP_VALUE_LIST) {
		cur = t_node(b, parent, 0); /* a dummy parent */
		nested = true;
	}
	for (i = 0; i < list->count; i++) {
		const struct imap_value *v = &list->items[i];

		if (v->type == IMAP_VALUE_LIST) {
			nested = true;
			t_list(b, v, cur, nest + 1);
		} else if (!nested && value_u32(v, 1, &msg) == 0) {
			cur = t_node(b, cur, msg);
		} else {
			t_bad(b, v);
		}
	}
}

static void t_walk(struct tbuild *b, const struct imap_value *data)
{
	size_t i;

	for (i = 0; i < data->count; i++) {
		if (data->items[i].type == IMAP_VALUE_LIST)
			t_list(b, &data->items[i], NULL, 1);
		else
			t_bad(b, &data->items[i]);
	}
}

const struct imap_thread *imap_thread_view(struct imap_response *r)
{
	struct imap_thread *t;
	struct tbuild b;
	size_t i;

	if (!is_untagged(r, "THREAD"))
		return NULL;
	t = imap_response_alloc(r, sizeof(*t));
	memset(&b, 0, sizeof(b));
	b.bad.elem = sizeof(const struct imap_value *);
	t_walk(&b, &r->data); /* count */
	b.count = b.n;
	b.n = 0;
	b.nodes = imap_response_alloc(r, (b.count ? b.count : 1) * sizeof(*b.nodes));
	b.last_child = xcalloc(b.count + 1, sizeof(*b.last_child));
	t_walk(&b, &r->data); /* fill */
	free(b.last_child);
	t->nodes = b.nodes;
	t->count = b.n;
	t->first = b.count ? &b.nodes[0] : NULL;
	for (i = 0; i < b.count; i++)
		t->nthreads += b.nodes[i].parent == NULL;
	t->rest = vec_finish(r, &b.bad, &t->nrest);
	return t;
}

/* ------------------------------------------------------------------ */
/* EXISTS, RECENT, EXPUNGE */

const struct imap_msgnum *imap_msgnum_view(struct imap_response *r)
{
	static const char *const names[] = {
		[IMAP_MSGNUM_EXISTS] = "EXISTS",
		[IMAP_MSGNUM_RECENT] = "RECENT",
		[IMAP_MSGNUM_EXPUNGE] = "EXPUNGE",
	};
	struct imap_msgnum *m;
	size_t k;

	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (is_untagged(r, names[k]))
			break;
	if (k == sizeof(names) / sizeof(names[0]))
		return NULL;
	m = imap_response_alloc(r, sizeof(*m));
	m->kind = (enum imap_msgnum_kind)k;
	m->number = r->has_number ? r->number : 0;
	m->malformed = !r->has_number || r->number > NUM32_MAX ||
		       (m->kind == IMAP_MSGNUM_EXPUNGE && r->number == 0);
	return m;
}

/* ------------------------------------------------------------------ */
/* VANISHED */

const struct imap_vanished *imap_vanished_view(struct imap_response *r)
{
	struct imap_vanished *vn;
	const struct imap_value *data, *v;
	size_t i = 0;

	if (!is_untagged(r, "VANISHED"))
		return NULL;
	vn = imap_response_alloc(r, sizeof(*vn));
	data = &r->data;
	v = imap_value_item(data, 0);
	if (v && v->type == IMAP_VALUE_LIST) {
		i++;
		if (v->count == 1 && word_is(&v->items[0], "EARLIER"))
			vn->earlier = true;
		else
			vn->raw = v;
	}
	v = imap_value_item(data, i);
	if (imap_seqset_from_value(r, v, &vn->uids) < 0) {
		if (!vn->raw)
			vn->raw = v;
	} else if (i + 1 < data->count && !vn->raw) {
		vn->raw = &data->items[i + 1];
	}
	vn->malformed = vn->raw || !v || vn->uids.count == 0 || i + 1 < data->count;
	return vn;
}
