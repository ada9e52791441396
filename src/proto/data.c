/*
 * data.c - typed views of NAMESPACE, QUOTA, QUOTAROOT, ACL, MYRIGHTS,
 * LISTRIGHTS, METADATA, ID, ENABLED, CAPABILITY and FLAGS responses (see
 * data.h).  Pure functions over the parser's values; everything they
 * build lives in the response's arena.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "proto/data.h"

/* The texts of items[from..count) of a list. */
static struct imap_text *texts_from(struct imap_response *r, const struct imap_value *list,
				    size_t from, size_t *n_r)
{
	struct imap_text *t;
	size_t i;

	*n_r = list && list->type == IMAP_VALUE_LIST && from < list->count ?
	       list->count - from : 0;
	t = imap_view_array(r, *n_r, sizeof(*t));
	for (i = 0; i < *n_r; i++)
		t[i] = imap_value_text(&list->items[from + i]);
	return t;
}

/* The values of d from index from on, as a rest array. */
static const struct imap_value **rest_from(struct imap_response *r, const struct imap_value *d,
					   size_t from, size_t *n_r)
{
	const struct imap_value **rest;
	size_t i;

	*n_r = from < d->count ? d->count - from : 0;
	rest = imap_view_array(r, *n_r, sizeof(*rest));
	for (i = 0; i < *n_r; i++)
		rest[i] = &d->items[from + i];
	return rest;
}

static bool is_untagged(const struct imap_response *r, const char *name)
{
	return r && r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_STATUS_NONE &&
	       r->name && strcmp(r->name, name) == 0;
}

/* A view of size bytes if r is the untagged response name, else NULL. */
static void *view_new(struct imap_response *r, const char *name, size_t size)
{
	return is_untagged(r, name) ? imap_response_alloc(r, size) : NULL;
}

static void mailbox_at(struct imap_response *r, size_t i, bool utf8,
		       struct imap_mailbox_name *out)
{
	imap_mailbox_name_decode(r, imap_value_item(&r->data, i), utf8, out);
}

/* ------------------------------------------------------------------ */
/* NAMESPACE */

/* Extensions: pairs "name (value ...)" from desc's third item on. */
static void ns_ext(struct imap_response *r, const struct imap_value *desc,
		   struct imap_ns_desc *d)
{
	size_t i;

	d->next = desc->count > 2 ? (desc->count - 1) / 2 : 0;
	d->ext = imap_view_array(r, d->next, sizeof(*d->ext));
	for (i = 0; i < d->next; i++) {
		struct imap_ns_ext *e = &d->ext[i];
		const struct imap_value *v = imap_value_item(desc, 3 + 2 * i);

		e->name = imap_value_text(&desc->items[2 + 2 * i]);
		e->v = v;
		if (v && v->type == IMAP_VALUE_LIST)
			e->values = texts_from(r, v, 0, &e->nvalues);
		else if (v) {
			e->values = imap_response_alloc(r, sizeof(*e->values));
			e->values[0] = imap_value_text(v);
			e->nvalues = 1;
		}
	}
}

static void ns_desc(struct imap_response *r, const struct imap_value *desc, bool utf8,
		    struct imap_ns_desc *d)
{
	d->v = desc;
	if (desc->type != IMAP_VALUE_LIST) {   /* a bare prefix: take it as one */
		imap_mailbox_name_decode(r, desc, utf8, &d->prefix);
		return;
	}
	imap_mailbox_name_decode(r, imap_value_item(desc, 0), utf8, &d->prefix);
	d->delimiter = imap_value_text(imap_value_item(desc, 1));
	if (d->delimiter.s && d->delimiter.len == 1)
		d->delim = d->delimiter.s[0];
	ns_ext(r, desc, d);
}

static void ns_group(struct imap_response *r, const struct imap_value *v, bool utf8,
		     struct imap_ns_group *g)
{
	size_t i;

	g->v = v;
	if (!v || v->type != IMAP_VALUE_LIST) {
		g->nil = true;
		return;
	}
	g->count = v->count;
	g->descs = imap_view_array(r, g->count, sizeof(*g->descs));
	for (i = 0; i < g->count; i++)
		ns_desc(r, &v->items[i], utf8, &g->descs[i]);
}

const struct imap_namespace *imap_namespace_view(struct imap_response *r, bool utf8)
{
	struct imap_namespace *ns = view_new(r, "NAMESPACE", sizeof(*ns));

	if (!ns)
		return NULL;
	ns_group(r, imap_value_item(&r->data, 0), utf8, &ns->personal);
	ns_group(r, imap_value_item(&r->data, 1), utf8, &ns->other);
	ns_group(r, imap_value_item(&r->data, 2), utf8, &ns->shared);
	ns->rest = rest_from(r, &r->data, 3, &ns->nrest);
	return ns;
}

/* ------------------------------------------------------------------ */
/* QUOTA, QUOTAROOT */

static void quota_resources(struct imap_response *r, const struct imap_value *list,
			    struct imap_quota *q)
{
	size_t i;

	q->list = list;
	q->nres = (list->count + 2) / 3;
	q->res = imap_view_array(r, q->nres, sizeof(*q->res));
	for (i = 0; i < q->nres; i++) {
		struct imap_quota_resource *res = &q->res[i];
		bool u, l;

		res->name = imap_value_text(&list->items[3 * i]);
		res->usage_v = imap_value_item(list, 3 * i + 1);
		res->limit_v = imap_value_item(list, 3 * i + 2);
		u = imap_value_number(res->usage_v, &res->usage);
		l = imap_value_number(res->limit_v, &res->limit);
		res->valid = u && l;
	}
}

const struct imap_quota *imap_quota_view(struct imap_response *r)
{
	struct imap_quota *q = view_new(r, "QUOTA", sizeof(*q));
	const struct imap_value *list;

	if (!q)
		return NULL;
	q->root = imap_value_text(imap_value_item(&r->data, 0));
	list = imap_value_item(&r->data, 1);
	if (list && list->type == IMAP_VALUE_LIST) {
		quota_resources(r, list, q);
		q->rest = rest_from(r, &r->data, 2, &q->nrest);
	} else {
		q->rest = rest_from(r, &r->data, 1, &q->nrest);
	}
	return q;
}

const struct imap_quotaroot *imap_quotaroot_view(struct imap_response *r, bool utf8)
{
	struct imap_quotaroot *q = view_new(r, "QUOTAROOT", sizeof(*q));

	if (!q)
		return NULL;
	mailbox_at(r, 0, utf8, &q->mailbox);
	q->roots = texts_from(r, &r->data, 1, &q->nroots);
	return q;
}

/* ------------------------------------------------------------------ */
/* ACL, MYRIGHTS, LISTRIGHTS */

const struct imap_acl *imap_acl_view(struct imap_response *r, bool utf8)
{
	struct imap_acl *a = view_new(r, "ACL", sizeof(*a));
	size_t i, n;

	if (!a)
		return NULL;
	mailbox_at(r, 0, utf8, &a->mailbox);
	n = r->data.count > 1 ? r->data.count - 1 : 0;
	a->count = (n + 1) / 2;
	a->entries = imap_view_array(r, a->count, sizeof(*a->entries));
	for (i = 0; i < a->count; i++) {
		struct imap_acl_entry *e = &a->entries[i];

		e->identifier = imap_value_text(&r->data.items[1 + 2 * i]);
		e->rights = imap_value_text(imap_value_item(&r->data, 2 + 2 * i));
		e->negative = e->identifier.s && e->identifier.len > 1 &&
			      e->identifier.s[0] == '-';
	}
	return a;
}

const struct imap_myrights *imap_myrights_view(struct imap_response *r, bool utf8)
{
	struct imap_myrights *m = view_new(r, "MYRIGHTS", sizeof(*m));

	if (!m)
		return NULL;
	mailbox_at(r, 0, utf8, &m->mailbox);
	m->rights = imap_value_text(imap_value_item(&r->data, 1));
	m->rest = rest_from(r, &r->data, 2, &m->nrest);
	return m;
}

const struct imap_listrights *imap_listrights_view(struct imap_response *r, bool utf8)
{
	struct imap_listrights *l = view_new(r, "LISTRIGHTS", sizeof(*l));

	if (!l)
		return NULL;
	mailbox_at(r, 0, utf8, &l->mailbox);
	l->identifier = imap_value_text(imap_value_item(&r->data, 1));
	l->required = imap_value_text(imap_value_item(&r->data, 2));
	l->optional = texts_from(r, &r->data, 3, &l->noptional);
	return l;
}

/* ------------------------------------------------------------------ */
/* METADATA */

static void metadata_values(struct imap_response *r, const struct imap_value *list,
			    struct imap_metadata *m)
{
	size_t i;

	m->count = (list->count + 1) / 2;
	m->entries = imap_view_array(r, m->count, sizeof(*m->entries));
	for (i = 0; i < m->count; i++) {
		struct imap_metadata_entry *e = &m->entries[i];
		const struct imap_value *v = imap_value_item(list, 2 * i + 1);

		e->entry = imap_value_text(&list->items[2 * i]);
		e->value = imap_value_text(v);
		e->has_value = v != NULL;
	}
}

static void metadata_entries(struct imap_response *r, struct imap_metadata *m)
{
	size_t i;

	m->entries_only = true;
	m->count = r->data.count - 1;
	m->entries = imap_view_array(r, m->count, sizeof(*m->entries));
	for (i = 0; i < m->count; i++)
		m->entries[i].entry = imap_value_text(&r->data.items[1 + i]);
}

const struct imap_metadata *imap_metadata_view(struct imap_response *r, bool utf8)
{
	struct imap_metadata *m = view_new(r, "METADATA", sizeof(*m));
	const struct imap_value *v;

	if (!m)
		return NULL;
	mailbox_at(r, 0, utf8, &m->mailbox);
	v = imap_value_item(&r->data, 1);
	if (v && v->type == IMAP_VALUE_LIST) {
		metadata_values(r, v, m);
		m->rest = rest_from(r, &r->data, 2, &m->nrest);
	} else if (v) {
		metadata_entries(r, m);
	}
	return m;
}

/* ------------------------------------------------------------------ */
/* ID */

const struct imap_id *imap_id_view(struct imap_response *r)
{
	struct imap_id *id = view_new(r, "ID", sizeof(*id));
	const struct imap_value *v;
	size_t i;

	if (!id)
		return NULL;
	v = id->v = imap_value_item(&r->data, 0);
	id->rest = rest_from(r, &r->data, 1, &id->nrest);
	if (!v || v->type != IMAP_VALUE_LIST) {
		id->nil = v && v->type == IMAP_VALUE_NIL;
		if (v && !id->nil)     /* not an ID list: keep it */
			id->rest = rest_from(r, &r->data, 0, &id->nrest);
		return id;
	}
	id->count = (v->count + 1) / 2;
	id->pairs = imap_view_array(r, id->count, sizeof(*id->pairs));
	for (i = 0; i < id->count; i++) {
		id->pairs[i].key = imap_value_text(&v->items[2 * i]);
		id->pairs[i].value = imap_value_text(imap_value_item(v, 2 * i + 1));
	}
	return id;
}

const struct imap_text *imap_id_get(const struct imap_id *id, const char *key)
{
	size_t i;

	for (i = 0; id && i < id->count; i++)
		if (imap_text_is(id->pairs[i].key, key))
			return &id->pairs[i].value;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* CAPABILITY, ENABLED */

static const struct imap_capability *caps_of(struct imap_response *r,
					     const struct imap_value *list)
{
	struct imap_capability *c = imap_response_alloc(r, sizeof(*c));
	size_t i;

	c->caps = texts_from(r, list, 0, &c->count);
	c->auth = imap_view_array(r, c->count, sizeof(*c->auth));
	for (i = 0; i < c->count; i++) {
		struct imap_text t = c->caps[i];

		if (t.s && t.len > 5 && strncasecmp(t.s, "AUTH=", 5) == 0)
			c->auth[c->nauth++] = (struct imap_text){ t.s + 5, t.len - 5, t.v };
	}
	return c;
}

const struct imap_capability *imap_capability_view(struct imap_response *r)
{
	if (is_untagged(r, "CAPABILITY"))
		return caps_of(r, &r->data);
	if (r && r->code_name && strcmp(r->code_name, "CAPABILITY") == 0)
		return caps_of(r, &r->code_args);
	return NULL;
}

const struct imap_capability *imap_enabled_view(struct imap_response *r)
{
	return is_untagged(r, "ENABLED") ? caps_of(r, &r->data) : NULL;
}

static bool texts_have(const struct imap_text *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (imap_text_is(t[i], name))
			return true;
	return false;
}

bool imap_capability_has(const struct imap_capability *c, const char *name)
{
	return c && name && texts_have(c->caps, c->count, name);
}

bool imap_capability_has_auth(const struct imap_capability *c, const char *mech)
{
	return c && mech && texts_have(c->auth, c->nauth, mech);
}

/* ------------------------------------------------------------------ */
/* FLAGS */

const struct imap_flags *imap_flags_view(struct imap_response *r)
{
	struct imap_flags *f = view_new(r, "FLAGS", sizeof(*f));
	const struct imap_value *v;

	if (!f)
		return NULL;
	v = imap_value_item(&r->data, 0);
	if (v && v->type == IMAP_VALUE_LIST && r->data.count == 1) {
		f->list = v;
		f->flags = texts_from(r, v, 0, &f->count);
	} else {   /* flags sent without parentheses: take them all */
		f->flags = texts_from(r, &r->data, 0, &f->count);
	}
	return f;
}
