/*
 * json_view.c - the -o json objects of untagged data other than FETCH,
 * and of response codes (json_view.h), built from the typed views
 * (proto/mailbox.h, search.h, data.h, code.h).  Schema: man/imapsh-json.5.
 *
 * Unlike PRETTY, a view that kept values it did not understand is still
 * written as its typed object: what was understood in its fields, the
 * rest kept as generic values (json_value) in these places:
 *
 *   "items":[{"key":NAME,"value":value}...]
 *                          named items that are unknown, or known but
 *                          not of their shape (STATUS, ESEARCH, LIST
 *                          extended data), in order: NAME the text sent
 *                          (as json_str: base64 when not UTF-8), no
 *                          "value" when the response ended after NAME;
 *                          the form of json_fetch.c's "items"
 *   "rest":[value...]      values that fit nowhere (the views' rest[])
 *   "<key>_raw":value      a field whose value was not what it should be
 *                          (a list where a text belongs, a word list with
 *                          a NIL or a list in it): the typed field holds
 *                          what could be read, this the value as sent
 *
 * Mailbox names: "name" decoded to UTF-8, "name_wire" when the bytes sent
 * differ, "name_invalid":true when they did not decode (then "name" is
 * the wire text), "name_joined":true for an unquoted name with spaces
 * that was joined from several atoms.
 *
 * Server text is an object key only in ID "fields" and namespace
 * "extensions" (json_key_text: escaped, non-UTF-8 bytes as \u00XX, a name
 * sent twice written twice); everywhere else names are values.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/json_view.h"

#include <stdio.h>
#include <string.h>

#include "proto/code.h"
#include "proto/data.h"
#include "proto/mailbox.h"
#include "proto/search.h"
#include "proto/seqset.h"

/* ---- helpers -------------------------------------------------------------- */

/* A key that came from the server (an ID field, a namespace extension). */
static void key_text(struct json *j, struct imap_text t)
{
	json_key_text(j, t.s, t.s ? t.len : 0);
}

/* "<key>_<suffix>" */
static void key_suffix(struct json *j, const char *key, const char *suffix)
{
	char k[64];

	snprintf(k, sizeof(k), "%s_%s", key, suffix);
	json_key(j, k);
}

/* A text that is not one (a list) also as "<key>_raw". */
static void text_raw(struct json *j, const char *key, struct imap_text t)
{
	if (!t.s && t.v && t.v->type == IMAP_VALUE_LIST) {
		key_suffix(j, key, "raw");
		json_value(j, t.v);
	}
}

/* "key":text (null for NIL, missing), and "<key>_raw" for a list. */
static void ktext(struct json *j, const char *key, struct imap_text t)
{
	json_ktext(j, key, t);
	text_raw(j, key, t);
}

/* A text or a sunk literal (json_text writes both): a word. */
static bool is_word(struct imap_text t)
{
	return t.s || (t.v && t.v->type == IMAP_VALUE_LITERAL);
}

/* "key":[text...] of the words among t; when some item was no word (NIL,
 * a list) also "<key>_raw":[every item as sent]. */
static void kwords(struct json *j, const char *key, const struct imap_text *t, size_t n)
{
	size_t i;
	bool odd = false;

	json_key(j, key);
	json_arr_open(j);
	for (i = 0; i < n; i++) {
		if (is_word(t[i]))
			json_text(j, t[i]);
		else
			odd = true;
	}
	json_arr_close(j);
	if (!odd)
		return;
	key_suffix(j, key, "raw");
	json_arr_open(j);
	for (i = 0; i < n; i++) {
		if (t[i].v)
			json_value(j, t[i].v);
		else
			json_null(j);
	}
	json_arr_close(j);
}

/* A mailbox name: key, key_wire, key_invalid, key_joined, key_raw. */
static void kname(struct json *j, const char *key, const struct imap_mailbox_name *m)
{
	json_ktext(j, key, m->name);
	if (m->wire.s && m->name.s &&
	    (m->wire.len != m->name.len || memcmp(m->wire.s, m->name.s, m->wire.len))) {
		key_suffix(j, key, "wire");
		json_str(j, m->wire.s, m->wire.len);
	}
	if (m->invalid) {
		key_suffix(j, key, "invalid");
		json_bool(j, true);
	}
	if (m->joined) {
		key_suffix(j, key, "joined");
		json_bool(j, true);
	}
	text_raw(j, key, m->wire);
}

/* A set in IMAP syntax ("1:4,7"). */
static void kset(struct json *j, const char *key, const struct imap_seqset *set)
{
	struct buf b = BUF_INIT;

	imap_seqset_format(set, ",", &b);
	json_kstr(j, key, b.buf, b.len);
	buf_release(&b);
}

/* The value of an item, or null when the response ended before it. */
static void value_or_null(struct json *j, const struct imap_value *v)
{
	if (v)
		json_value(j, v);
	else
		json_null(j);
}

/* An object or array opened on first use ("items", "rest"). */
struct lazy {
	const char *key;
	bool obj, open;
};

static void lazy_open(struct json *j, struct lazy *l)
{
	if (l->open)
		return;
	json_key(j, l->key);
	if (l->obj)
		json_obj_open(j);
	else
		json_arr_open(j);
	l->open = true;
}

static void lazy_close(struct json *j, struct lazy *l)
{
	if (!l->open)
		return;
	if (l->obj)
		json_obj_close(j);
	else
		json_arr_close(j);
	l->open = false;
}

/* items[] += {"key":NAME,"value":v}, no "value" when v is NULL (the
 * response ended after the name); items is an array (obj false). */
static void lazy_item(struct json *j, struct lazy *items, struct imap_text name,
		      const struct imap_value *v)
{
	lazy_open(j, items);
	json_obj_open(j);
	json_ktext(j, "key", name);
	if (v) {
		json_key(j, "value");
		json_value(j, v);
	}
	json_obj_close(j);
}

/* ext[NAME] = value (null when missing): an object keyed by server text */
static void lazy_member(struct json *j, struct lazy *ext, struct imap_text name,
			const struct imap_value *v)
{
	lazy_open(j, ext);
	key_text(j, name);
	value_or_null(j, v);
}

/* rest[] += v */
static void lazy_rest(struct json *j, struct lazy *rest, const struct imap_value *v)
{
	lazy_open(j, rest);
	value_or_null(j, v);
}

/* "rest":[...] of a view's rest (nothing when empty). */
static void krest(struct json *j, const struct imap_value *const *rest, size_t n)
{
	struct lazy l = { "rest", false, false };
	size_t i;

	for (i = 0; i < n; i++)
		lazy_rest(j, &l, rest[i]);
	lazy_close(j, &l);
}

static void ktype(struct json *j, const char *type)
{
	json_key(j, "type");
	json_cstr(j, type);
}

/* ---- LIST, LSUB, XLIST ---------------------------------------------------- */

/* An extended data item that has a typed field: CHILDINFO with a list of
 * words (RFC 5258 sec. 3.5), OLDNAME with "(name)" or a bare name (RFC
 * 9051 sec. 7.3.1); the first of each. */
enum ext_kind { EXT_OTHER, EXT_CHILDINFO, EXT_OLDNAME };

static bool is_text_value(const struct imap_value *v)
{
	return v && imap_value_text(v).s != NULL;
}

static enum ext_kind ext_kind(const struct imap_list_ext *e, bool *childinfo, bool *oldname)
{
	const struct imap_value *v = e->value;
	size_t i;

	if (!*childinfo && imap_text_is(e->tag, "CHILDINFO") && v && v->type == IMAP_VALUE_LIST) {
		for (i = 0; i < v->count; i++)
			if (!is_text_value(&v->items[i]))
				return EXT_OTHER;
		*childinfo = true;
		return EXT_CHILDINFO;
	}
	if (!*oldname && imap_text_is(e->tag, "OLDNAME") &&
	    (v && v->type == IMAP_VALUE_LIST ? v->count == 1 && is_text_value(&v->items[0]) :
	     is_text_value(v))) {
		*oldname = true;
		return EXT_OLDNAME;
	}
	return EXT_OTHER;
}

static bool view_list(struct json *j, struct imap_response *r, bool utf8)
{
	static const char *const types[] = {
		[IMAP_LIST_LIST] = "list", [IMAP_LIST_LSUB] = "lsub", [IMAP_LIST_XLIST] = "xlist",
	};
	const struct imap_list *l = imap_list_view(r, utf8);
	struct lazy items = { "items", false, false }, rest = { "rest", false, false };
	bool childinfo = false, oldname = false;
	size_t i, k;

	if (!l)
		return false;
	ktype(j, types[l->kind]);
	kname(j, "name", &l->mailbox);
	ktext(j, "delimiter", l->delimiter);
	kwords(j, "attributes", l->attrs, l->nattrs);
	if (l->attrs_v && l->attrs_v->type != IMAP_VALUE_LIST) {
		/* NIL or a single word: the value as sent */
		json_key(j, "attributes_raw");
		json_value(j, l->attrs_v);
	}
	/* extended data: CHILDINFO and OLDNAME typed, the others in items */
	for (i = 0; i < l->next; i++) {
		const struct imap_value *v = l->ext[i].value;
		struct imap_mailbox_name m;

		switch (ext_kind(&l->ext[i], &childinfo, &oldname)) {
		case EXT_CHILDINFO:
			json_key(j, "childinfo");
			json_arr_open(j);
			for (k = 0; k < v->count; k++)
				json_text(j, imap_value_text(&v->items[k]));
			json_arr_close(j);
			break;
		case EXT_OLDNAME:
			imap_mailbox_name_decode(r, v->type == IMAP_VALUE_LIST ? &v->items[0] : v,
						 utf8, &m);
			kname(j, "oldname", &m);
			break;
		case EXT_OTHER:
			break;
		}
	}
	childinfo = oldname = false;
	for (i = 0; i < l->next; i++)
		if (ext_kind(&l->ext[i], &childinfo, &oldname) == EXT_OTHER && l->ext[i].tag.s)
			lazy_item(j, &items, l->ext[i].tag, l->ext[i].value);
	lazy_close(j, &items);
	for (i = 0; i < l->next; i++) {
		if (!l->ext[i].tag.s) {  /* a tag that is no text: both as sent */
			lazy_rest(j, &rest, l->ext[i].tag.v);
			if (l->ext[i].value)
				lazy_rest(j, &rest, l->ext[i].value);
		}
	}
	for (i = 0; i < l->nrest; i++)
		lazy_rest(j, &rest, l->rest[i]);
	lazy_close(j, &rest);
	if (l->truncated)
		json_kbool(j, "truncated", true);
	return true;
}

/* ---- STATUS --------------------------------------------------------------- */

static bool view_status(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_status_data *s = imap_status_view(r, utf8);
	struct lazy items = { "items", false, false }, rest = { "rest", false, false };
	size_t i;

	if (!s)
		return false;
	ktype(j, "status");
	kname(j, "name", &s->mailbox);
#define NUM(field) \
	if (s->has_##field) \
		json_ku64(j, #field, s->field)
	NUM(messages);
	NUM(recent);
	NUM(unseen);
	NUM(uidnext);
	NUM(uidvalidity);
	NUM(deleted);
	NUM(size);
	NUM(highestmodseq);
	if (s->has_appendlimit) {
		json_key(j, "appendlimit");
		if (s->appendlimit_nil)
			json_null(j);
		else
			json_u64(j, s->appendlimit);
	}
	NUM(deleted_storage);
#undef NUM
	if (s->has_mailboxid)
		json_ktext(j, "mailboxid", s->mailboxid);
	for (i = 0; i < s->nitems; i++)
		if (!s->items[i].known && s->items[i].name.s)
			lazy_item(j, &items, s->items[i].name, s->items[i].value);
	lazy_close(j, &items);
	for (i = 0; i < s->nitems; i++) {
		if (!s->items[i].name.s) {
			lazy_rest(j, &rest, s->items[i].name.v);
			if (s->items[i].value)
				lazy_rest(j, &rest, s->items[i].value);
		}
	}
	for (i = 0; i < s->nrest; i++)
		lazy_rest(j, &rest, s->rest[i]);
	lazy_close(j, &rest);
	return true;
}

/* ---- SEARCH, SORT, ESEARCH ------------------------------------------------ */

static bool view_search(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_search *s = imap_search_view(r);
	size_t i;

	(void)utf8;
	if (!s)
		return false;
	ktype(j, s->sort ? "sort" : "search");
	json_key(j, "ids");
	json_arr_open(j);
	for (i = 0; i < s->count; i++)
		json_u64(j, s->nums[i]);
	json_arr_close(j);
	if (s->has_modseq)
		json_ku64(j, "modseq", s->modseq);
	krest(j, s->rest, s->nrest);
	return true;
}

/* The correlator is more than (TAG x): RFC 7377 adds MAILBOX and
 * UIDVALIDITY, others may come. */
static bool correlator_more(const struct imap_esearch *e)
{
	const struct imap_value *c = e->correlator;

	return c && !(c->count == 2 && e->tag.s);
}

static bool view_esearch(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_esearch *e = imap_esearch_view(r);
	struct lazy items = { "items", false, false }, rest = { "rest", false, false };
	size_t i;

	(void)utf8;
	if (!e)
		return false;
	ktype(j, "esearch");
	if (e->tag.s)
		json_ktext(j, "tag", e->tag);
	if (correlator_more(e)) {
		json_key(j, "correlator");
		json_value(j, e->correlator);
	}
	json_kbool(j, "uid", e->uid);
	if (e->has_min)
		json_ku64(j, "min", e->min);
	if (e->has_max)
		json_ku64(j, "max", e->max);
	if (e->has_count)
		json_ku64(j, "count", e->count);
	if (e->has_all)
		kset(j, "all", &e->all);
	if (e->has_modseq)
		json_ku64(j, "modseq", e->modseq);
	if (e->has_partial) {
		json_key(j, "partial");
		json_obj_open(j);
		json_key(j, "first");
		json_i64(j, e->partial.first);
		json_key(j, "last");
		json_i64(j, e->partial.last);
		if (e->partial.has_results) {
			kset(j, "results", &e->partial.results);
		} else {
			json_key(j, "results");
			json_null(j);
		}
		json_obj_close(j);
	}
	if (e->nupdates) {
		json_key(j, "updates");
		json_arr_open(j);
		for (i = 0; i < e->nupdates; i++) {
			json_obj_open(j);
			json_kcstr(j, "op", e->updates[i].add ? "add" : "remove");
			json_ku64(j, "position", e->updates[i].position);
			kset(j, "set", &e->updates[i].set);
			json_obj_close(j);
		}
		json_arr_close(j);
	}
	/* unknown return items, and known ones that did not parse */
	for (i = 0; i < e->nothers; i++) {
		const struct imap_esearch_other *o = &e->others[i];

		if (o->name.s && o->name.v && o->name.v->type == IMAP_VALUE_ATOM)
			lazy_item(j, &items, o->name, o->value);
	}
	lazy_close(j, &items);
	for (i = 0; i < e->nothers; i++) {
		const struct imap_esearch_other *o = &e->others[i];

		if (!(o->name.s && o->name.v && o->name.v->type == IMAP_VALUE_ATOM))
			lazy_rest(j, &rest, o->name.v);
	}
	lazy_close(j, &rest);
	return true;
}

/* ---- THREAD --------------------------------------------------------------- */

/*
 * "threads": one array a thread, its messages in pre-order (parent before
 * children, siblings in order): {"id":N,"parent":i,"depth":d}, parent the
 * index of the parent in the same array (null for the root), depth 0 for
 * the root; "id" null for a parent that is not there (RFC 5256 "((3)(5))").
 * Flat, not nested: a chain of replies is one level deeper per message.
 */
static bool view_thread(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_thread *t = imap_thread_view(r);
	size_t i, root = 0;

	(void)utf8;
	if (!t)
		return false;
	ktype(j, "thread");
	json_key(j, "threads");
	json_arr_open(j);
	for (i = 0; i < t->count; i++) {
		const struct imap_thread_node *n = &t->nodes[i];

		if (!n->parent) {
			if (i)
				json_arr_close(j);
			json_arr_open(j);
			root = i;
		}
		json_obj_open(j);
		json_key(j, "id");
		if (n->msg)
			json_u64(j, n->msg);
		else
			json_null(j);
		json_key(j, "parent");
		if (n->parent)
			json_u64(j, (uint64_t)(n->parent - &t->nodes[root]));
		else
			json_null(j);
		json_ku64(j, "depth", n->depth);
		json_obj_close(j);
	}
	if (t->count)
		json_arr_close(j);
	json_arr_close(j);
	krest(j, t->rest, t->nrest);
	return true;
}

/* ---- EXISTS, RECENT, EXPUNGE, VANISHED ------------------------------------ */

static bool view_msgnum(struct json *j, struct imap_response *r, bool utf8)
{
	static const char *const types[] = {
		[IMAP_MSGNUM_EXISTS] = "exists", [IMAP_MSGNUM_RECENT] = "recent",
		[IMAP_MSGNUM_EXPUNGE] = "expunge",
	};
	const struct imap_msgnum *m = imap_msgnum_view(r);

	(void)utf8;
	if (!m)
		return false;
	ktype(j, types[m->kind]);
	json_key(j, m->kind == IMAP_MSGNUM_EXPUNGE ? "seq" : "count");
	if (r->has_number)
		json_u64(j, m->number);
	else
		json_null(j);
	if (m->malformed)
		json_kbool(j, "malformed", true);
	if (r->data.count) {
		json_key(j, "rest");
		json_values(j, r->data.items, r->data.count);
	}
	return true;
}

static bool view_vanished(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_vanished *v = imap_vanished_view(r);

	(void)utf8;
	if (!v)
		return false;
	ktype(j, "vanished");
	json_kbool(j, "earlier", v->earlier);
	if (v->uids.count) {
		kset(j, "uids", &v->uids);
	} else {
		json_key(j, "uids");
		json_null(j);
	}
	if (v->malformed) {
		json_kbool(j, "malformed", true);
		json_key(j, "data");
		json_values(j, r->data.items, r->data.count);
	}
	return true;
}

/* ---- NAMESPACE ------------------------------------------------------------ */

static void ns_group(struct json *j, const char *key, const struct imap_ns_group *g)
{
	size_t i, k;

	json_key(j, key);
	if (g->nil) {
		json_null(j);
		if (g->v && g->v->type != IMAP_VALUE_NIL) {  /* not a list */
			key_suffix(j, key, "raw");
			json_value(j, g->v);
		}
		return;
	}
	json_arr_open(j);
	for (i = 0; i < g->count; i++) {
		const struct imap_ns_desc *d = &g->descs[i];
		struct lazy ext = { "extensions", true, false };
		struct lazy rest = { "rest", false, false };

		json_obj_open(j);
		kname(j, "prefix", &d->prefix);
		ktext(j, "delimiter", d->delimiter);
		for (k = 0; k < d->next; k++)
			if (d->ext[k].name.s)
				lazy_member(j, &ext, d->ext[k].name, d->ext[k].v);
		lazy_close(j, &ext);
		for (k = 0; k < d->next; k++) {
			if (!d->ext[k].name.s) {
				lazy_rest(j, &rest, d->ext[k].name.v);
				if (d->ext[k].v)
					lazy_rest(j, &rest, d->ext[k].v);
			}
		}
		lazy_close(j, &rest);
		if (d->v && d->v->type != IMAP_VALUE_LIST)
			json_kbool(j, "bare", true);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static bool view_namespace(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_namespace *n = imap_namespace_view(r, utf8);

	if (!n)
		return false;
	ktype(j, "namespace");
	ns_group(j, "personal", &n->personal);
	ns_group(j, "other", &n->other);
	ns_group(j, "shared", &n->shared);
	krest(j, n->rest, n->nrest);
	return true;
}

/* ---- QUOTA, QUOTAROOT ----------------------------------------------------- */

/* A number of a quota resource: null (and the value as "<key>_raw") when
 * it is not one. */
static void quota_num(struct json *j, const char *key, bool ok, uint64_t n,
		      const struct imap_value *v)
{
	json_key(j, key);
	if (ok) {
		json_u64(j, n);
		return;
	}
	json_null(j);
	if (v) {
		key_suffix(j, key, "raw");
		json_value(j, v);
	}
}

static bool view_quota(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_quota *q = imap_quota_view(r);
	size_t i;

	(void)utf8;
	if (!q)
		return false;
	ktype(j, "quota");
	ktext(j, "root", q->root);
	json_key(j, "resources");
	json_arr_open(j);
	for (i = 0; i < q->nres; i++) {
		const struct imap_quota_resource *res = &q->res[i];
		uint64_t n;

		json_obj_open(j);
		ktext(j, "name", res->name);
		quota_num(j, "usage", imap_value_number(res->usage_v, &n), res->usage, res->usage_v);
		quota_num(j, "limit", imap_value_number(res->limit_v, &n), res->limit, res->limit_v);
		json_obj_close(j);
	}
	json_arr_close(j);
	krest(j, q->rest, q->nrest);
	return true;
}

static bool view_quotaroot(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_quotaroot *q = imap_quotaroot_view(r, utf8);

	if (!q)
		return false;
	ktype(j, "quotaroot");
	kname(j, "name", &q->mailbox);
	kwords(j, "roots", q->roots, q->nroots);
	return true;
}

/* ---- ACL, MYRIGHTS, LISTRIGHTS -------------------------------------------- */

static bool view_acl(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_acl *a = imap_acl_view(r, utf8);
	size_t i;

	if (!a)
		return false;
	ktype(j, "acl");
	kname(j, "name", &a->mailbox);
	json_key(j, "rights");
	json_arr_open(j);
	for (i = 0; i < a->count; i++) {
		json_obj_open(j);
		ktext(j, "identifier", a->entries[i].identifier);
		ktext(j, "rights", a->entries[i].rights);
		if (a->entries[i].negative)
			json_kbool(j, "negative", true);
		json_obj_close(j);
	}
	json_arr_close(j);
	return true;
}

static bool view_myrights(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_myrights *m = imap_myrights_view(r, utf8);

	if (!m)
		return false;
	ktype(j, "myrights");
	kname(j, "name", &m->mailbox);
	ktext(j, "rights", m->rights);
	krest(j, m->rest, m->nrest);
	return true;
}

static bool view_listrights(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_listrights *l = imap_listrights_view(r, utf8);

	if (!l)
		return false;
	ktype(j, "listrights");
	kname(j, "name", &l->mailbox);
	ktext(j, "identifier", l->identifier);
	ktext(j, "required", l->required);
	kwords(j, "optional", l->optional, l->noptional);
	return true;
}

/* ---- METADATA ------------------------------------------------------------- */

static bool view_metadata(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_metadata *m = imap_metadata_view(r, utf8);
	size_t i;

	if (!m)
		return false;
	ktype(j, "metadata");
	kname(j, "name", &m->mailbox);
	if (m->entries_only) {  /* unsolicited: the names of changed entries */
		struct imap_text *t = imap_view_array(r, m->count, sizeof(*t));

		for (i = 0; i < m->count; i++)
			t[i] = m->entries[i].entry;
		kwords(j, "changed", t, m->count);
		return true;
	}
	json_key(j, "entries");
	json_arr_open(j);
	for (i = 0; i < m->count; i++) {
		const struct imap_metadata_entry *e = &m->entries[i];

		json_obj_open(j);
		ktext(j, "entry", e->entry);
		if (e->has_value)
			ktext(j, "value", e->value);
		json_obj_close(j);
	}
	json_arr_close(j);
	krest(j, m->rest, m->nrest);
	return true;
}

/* ---- ID, CAPABILITY, ENABLED, FLAGS --------------------------------------- */

static bool view_id(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_id *id = imap_id_view(r);
	struct lazy rest = { "rest", false, false };
	size_t i;

	(void)utf8;
	if (!id)
		return false;
	ktype(j, "id");
	json_key(j, "fields");
	if (!id->v || id->v->type != IMAP_VALUE_LIST) {
		json_null(j);
	} else {
		json_obj_open(j);
		for (i = 0; i < id->count; i++) {
			const struct imap_id_pair *p = &id->pairs[i];

			if (!p->key.s || (!p->value.s && p->value.v &&
					  p->value.v->type == IMAP_VALUE_LIST))
				continue;
			key_text(j, p->key);
			json_text(j, p->value);
		}
		json_obj_close(j);
	}
	/* keys that are no text, values that are lists: the pair as sent */
	for (i = 0; i < id->count; i++) {
		const struct imap_id_pair *p = &id->pairs[i];

		if (!p->key.s || (!p->value.s && p->value.v && p->value.v->type == IMAP_VALUE_LIST)) {
			lazy_rest(j, &rest, p->key.v);
			lazy_rest(j, &rest, p->value.v);
		}
	}
	for (i = 0; i < id->nrest; i++)
		lazy_rest(j, &rest, id->rest[i]);
	lazy_close(j, &rest);
	return true;
}

static bool view_caps(struct json *j, struct imap_response *r, bool utf8)
{
	bool enabled = strcmp(r->name, "ENABLED") == 0;
	const struct imap_capability *c = enabled ? imap_enabled_view(r) : imap_capability_view(r);

	(void)utf8;
	if (!c)
		return false;
	ktype(j, enabled ? "enabled" : "capability");
	kwords(j, "capabilities", c->caps, c->count);
	return true;
}

static bool view_flags(struct json *j, struct imap_response *r, bool utf8)
{
	const struct imap_flags *f = imap_flags_view(r);

	(void)utf8;
	if (!f)
		return false;
	ktype(j, "flags");
	kwords(j, "flags", f->flags, f->count);
	if (!f->list && r->data.count)
		json_kbool(j, "bare", true);
	return true;
}

/* ---- the table ------------------------------------------------------------ */

static const struct {
	const char *name;
	bool (*write)(struct json *j, struct imap_response *r, bool utf8);
} views[] = {
	{ "LIST", view_list },
	{ "LSUB", view_list },
	{ "XLIST", view_list },
	{ "STATUS", view_status },
	{ "SEARCH", view_search },
	{ "SORT", view_search },
	{ "ESEARCH", view_esearch },
	{ "THREAD", view_thread },
	{ "NAMESPACE", view_namespace },
	{ "QUOTA", view_quota },
	{ "QUOTAROOT", view_quotaroot },
	{ "ACL", view_acl },
	{ "MYRIGHTS", view_myrights },
	{ "LISTRIGHTS", view_listrights },
	{ "METADATA", view_metadata },
	{ "ID", view_id },
	{ "ENABLED", view_caps },
	{ "CAPABILITY", view_caps },
	{ "FLAGS", view_flags },
	{ "EXISTS", view_msgnum },
	{ "RECENT", view_msgnum },
	{ "EXPUNGE", view_msgnum },
	{ "VANISHED", view_vanished },
};

bool json_view(struct json *j, struct imap_response *r, const struct render_opts *o)
{
	size_t i;

	if (!r || r->kind != IMAP_RESP_UNTAGGED || r->status != IMAP_STATUS_NONE || !r->name ||
	    !imap_response_has_arena(r))
		return false;
	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!strcmp(r->name, views[i].name))
			return views[i].write(j, r, o && o->utf8_names);
	return false;
}

/* ---- response codes ------------------------------------------------------- */

/* The arguments as sent, for a code that was not understood (or had
 * arguments it takes none of). */
static void code_generic(struct json *j, struct imap_response *r)
{
	json_key(j, "args");
	json_values(j, r->code_args.items, r->code_args.count);
	json_kcstr(j, "raw", r->code_raw ? r->code_raw : "");
}

static void code_words(struct json *j, const char *key, const struct imap_code *c)
{
	kwords(j, key, c->items, c->nitems);
}

void json_code(struct json *j, struct imap_response *r)
{
	const struct imap_code *c;

	if (!r || !r->code_name)
		return;
	json_key(j, "code");
	json_obj_open(j);
	json_kcstr(j, "name", r->code_name);
	if (!imap_response_has_arena(r)) {  /* built by hand: no view */
		code_generic(j, r);
		json_obj_close(j);
		return;
	}
	c = imap_code_view(r);
	if (c->kind == IMAP_CODE_UNKNOWN || c->malformed) {
		if (c->malformed)
			json_kbool(j, "malformed", true);
		code_generic(j, r);
		json_obj_close(j);
		return;
	}
	switch (c->kind) {
	case IMAP_CODE_APPENDUID:
		json_ku64(j, "uidvalidity", c->number);
		kset(j, "uids", &c->set);
		break;
	case IMAP_CODE_COPYUID:
		json_ku64(j, "uidvalidity", c->number);
		kset(j, "source", &c->set);
		kset(j, "dest", &c->set2);
		break;
	case IMAP_CODE_UIDVALIDITY:
	case IMAP_CODE_UIDNEXT:
	case IMAP_CODE_UNSEEN:
	case IMAP_CODE_HIGHESTMODSEQ:
		json_ku64(j, "value", c->number);
		break;
	case IMAP_CODE_PERMANENTFLAGS:
		code_words(j, "flags", c);
		json_kbool(j, "new_keywords", c->flag_wildcard);
		break;
	case IMAP_CODE_CAPABILITY:
		code_words(j, "capabilities", c);
		break;
	case IMAP_CODE_BADCHARSET:
		code_words(j, "charsets", c);
		break;
	case IMAP_CODE_URLMECH:
		code_words(j, "mechanisms", c);
		break;
	case IMAP_CODE_MODIFIED:
		kset(j, "set", &c->set);
		break;
	case IMAP_CODE_MAILBOXID:
		json_ktext(j, "id", c->text);
		break;
	default:  /* no arguments: any sent are kept */
		if (r->code_args.count)
			code_generic(j, r);
		break;
	}
	json_obj_close(j);
}
