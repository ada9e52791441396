/*
 * dump_data.c - test helpers for the views of src/proto/mailbox.h and
 * data.h (see dump_data.h): each view dumped as one line that a table can
 * hold, every field shown, invariants checked on the way.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dump_data.h"
#include "proto/data.h"
#include "proto/mailbox.h"
#include "util/err.h"

/* ------------------------------------------------------------------ */
/* parsing */

struct imap_response *parse_with(const char *in, size_t len,
				 const struct imap_literal_sink *sink)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *r = NULL;
	int rc;

	if (sink)
		imap_parser_set_sink(p, sink);
	imap_parser_feed(p, in, len);
	rc = imap_parser_next(p, &r, &err);
	ck_assert_msg(rc == 1, "did not parse (%d: %s): %s", rc, err.msg, in);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

struct imap_response *parse(const char *in, size_t len)
{
	return parse_with(in, len ? len : strlen(in), NULL);
}

/* ------------------------------------------------------------------ */
/* dumping views */

/* Control bytes and DEL as \xHH; backslash, quote and 8-bit bytes as is
 * (so expectations can hold UTF-8 and flags such as \Seen). */
static void esc(struct buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, c);
	}
}

static void put_value(struct buf *b, const struct imap_value *v)
{
	size_t i;

	switch (v->type) {
	case IMAP_VALUE_ATOM:
	case IMAP_VALUE_NUMBER:
		esc(b, v->str, v->len);
		break;
	case IMAP_VALUE_QUOTED:
	case IMAP_VALUE_LITERAL:
		if (v->sunk) {
			buf_adds(b, "<sunk>");
			break;
		}
		buf_addch(b, '"');
		esc(b, v->str, v->len);
		buf_addch(b, '"');
		break;
	case IMAP_VALUE_LIST:
		buf_addch(b, '(');
		for (i = 0; i < v->count; i++) {
			if (i)
				buf_addch(b, ' ');
			put_value(b, &v->items[i]);
		}
		buf_addch(b, ')');
		break;
	case IMAP_VALUE_NIL:
		buf_adds(b, "NIL");
		break;
	}
}

/* "text", or what the value was when there is no text. */
static void put_text(struct buf *b, struct imap_text t)
{
	if (t.s) {
		ck_assert_ptr_nonnull(t.v);
		buf_addch(b, '"');
		esc(b, t.s, t.len);
		buf_addch(b, '"');
	} else if (!t.v) {
		buf_adds(b, "<none>");
	} else if (t.v->type == IMAP_VALUE_LITERAL) {
		buf_adds(b, "<sunk>");
	} else {
		ck_assert_int_ne(t.v->type, IMAP_VALUE_ATOM);
		ck_assert_int_ne(t.v->type, IMAP_VALUE_QUOTED);
		put_value(b, t.v);
	}
}

/* An unquoted text (atoms, flags, capabilities) or <...>. */
static void put_word(struct buf *b, struct imap_text t)
{
	if (t.s)
		esc(b, t.s, t.len);
	else
		put_text(b, t);
}

static void put_rest(struct buf *b, const struct imap_value *const *rest, size_t n)
{
	size_t i;

	if (!n)
		return;
	buf_adds(b, " rest=");
	for (i = 0; i < n; i++) {
		if (i)
			buf_addch(b, ',');
		put_value(b, rest[i]);
	}
}

/* "decoded" [wire="..."] [inbox] [invalid] [joined] */
static void put_name(struct buf *b, const struct imap_mailbox_name *n)
{
	put_text(b, n->name);
	if (n->name.s)
		ck_assert_int_eq(n->name.s[n->name.len], '\0');
	else
		ck_assert_ptr_null(n->wire.s);
	if (n->wire.s && (n->wire.len != n->name.len ||
			  memcmp(n->wire.s, n->name.s, n->name.len) != 0)) {
		buf_adds(b, " wire=");
		put_text(b, n->wire);
	}
	if (n->invalid)
		ck_assert(n->name.s == n->wire.s);
	if (n->inbox)
		buf_adds(b, " inbox");
	if (n->invalid)
		buf_adds(b, " invalid");
	if (n->joined)
		buf_adds(b, " joined");
}

static void put_delim(struct buf *b, struct imap_text t, char delim)
{
	buf_adds(b, " delim=");
	put_text(b, t);
	if (t.s && t.len == 1)
		ck_assert_int_eq(delim, t.s[0]);
	else
		ck_assert_int_eq(delim, '\0');
}

static void dump_list(struct buf *b, const struct imap_list *l)
{
	static const char *kinds[] = { "LIST", "LSUB", "XLIST" };
	unsigned bits = 0, bit;
	size_t i;

	buf_adds(b, kinds[l->kind]);
	buf_adds(b, " (");
	for (i = 0; i < l->nattrs; i++) {
		if (i)
			buf_addch(b, ' ');
		put_word(b, l->attrs[i]);
		for (bit = 1; imap_mbox_attr_name(bit); bit <<= 1)
			if (l->attrs[i].s && strlen(imap_mbox_attr_name(bit)) == l->attrs[i].len &&
			    strncasecmp(imap_mbox_attr_name(bit), l->attrs[i].s, l->attrs[i].len) == 0)
				break;
		if (imap_mbox_attr_name(bit))
			bits |= bit;
		else
			buf_addch(b, '?');   /* not a known attribute */
	}
	buf_addch(b, ')');
	ck_assert_uint_eq(bits, l->attr_bits);
	put_delim(b, l->delimiter, l->delim);
	buf_adds(b, " name=");
	put_name(b, &l->mailbox);
	for (i = 0; i < l->next; i++) {
		buf_adds(b, i ? "," : " ext=");
		put_word(b, l->ext[i].tag);
		buf_addch(b, ':');
		if (l->ext[i].value)
			put_value(b, l->ext[i].value);
	}
	for (i = 0; i < l->nchildinfo; i++) {
		buf_adds(b, i ? "," : " childinfo=");
		put_word(b, l->childinfo[i]);
	}
	if (l->childinfo_subscribed)
		buf_adds(b, " childinfo-subscribed");
	if (l->has_oldname) {
		buf_adds(b, " oldname=");
		put_name(b, &l->oldname);
	}
	put_rest(b, l->rest, l->nrest);
	if (l->truncated)
		buf_adds(b, " truncated");
}

static void dump_status(struct buf *b, const struct imap_status_data *s)
{
	static const struct {
		const char *name;
		size_t has, val;
	} nums[] = {
#define F(n, f) { n, offsetof(struct imap_status_data, has_##f), offsetof(struct imap_status_data, f) }
		F("MESSAGES", messages), F("UIDNEXT", uidnext), F("UIDVALIDITY", uidvalidity),
		F("UNSEEN", unseen), F("DELETED", deleted), F("SIZE", size), F("RECENT", recent),
		F("HIGHESTMODSEQ", highestmodseq), F("APPENDLIMIT", appendlimit),
		F("DELETED-STORAGE", deleted_storage),
#undef F
	};
	size_t i, known = 0;

	buf_adds(b, "STATUS name=");
	put_name(b, &s->mailbox);
	for (i = 0; i < N_ELEMS(nums); i++) {
		if (!*(const bool *)((const char *)s + nums[i].has))
			continue;
		if (strcmp(nums[i].name, "APPENDLIMIT") == 0 && s->appendlimit_nil) {
			buf_adds(b, " APPENDLIMIT=NIL");
			continue;
		}
		buf_addf(b, " %s=%" PRIu64, nums[i].name,
			 *(const uint64_t *)((const char *)s + nums[i].val));
	}
	if (s->has_mailboxid) {
		buf_adds(b, " MAILBOXID=");
		put_word(b, s->mailboxid);
	}
	for (i = 0; i < s->nitems; i++) {
		if (s->items[i].known) {
			known++;
			continue;
		}
		buf_adds(b, " ?");
		put_word(b, s->items[i].name);
		buf_addch(b, '=');
		if (s->items[i].value)
			put_value(b, s->items[i].value);
	}
	if (!s->list)
		buf_adds(b, " nolist");
	ck_assert_uint_le(known, s->nitems);
	put_rest(b, s->rest, s->nrest);
}

static void dump_ns_group(struct buf *b, const char *label, const struct imap_ns_group *g)
{
	size_t i, j, k;

	buf_addf(b, " %s=", label);
	if (g->nil) {
		ck_assert_uint_eq(g->count, 0);
		buf_adds(b, g->v ? "NIL" : "<none>");
		return;
	}
	for (i = 0; i < g->count; i++) {
		const struct imap_ns_desc *d = &g->descs[i];

		buf_addch(b, '[');
		put_name(b, &d->prefix);
		put_delim(b, d->delimiter, d->delim);
		for (j = 0; j < d->next; j++) {
			buf_addch(b, ' ');
			put_word(b, d->ext[j].name);
			buf_addch(b, ':');
			for (k = 0; k < d->ext[j].nvalues; k++) {
				if (k)
					buf_addch(b, ',');
				put_text(b, d->ext[j].values[k]);
			}
		}
		buf_addch(b, ']');
	}
}

static void dump_namespace(struct buf *b, const struct imap_namespace *ns)
{
	buf_adds(b, "NAMESPACE");
	dump_ns_group(b, "personal", &ns->personal);
	dump_ns_group(b, "other", &ns->other);
	dump_ns_group(b, "shared", &ns->shared);
	put_rest(b, ns->rest, ns->nrest);
}

static void dump_quota(struct buf *b, const struct imap_quota *q)
{
	size_t i;

	buf_adds(b, "QUOTA root=");
	put_text(b, q->root);
	for (i = 0; i < q->nres; i++) {
		const struct imap_quota_resource *res = &q->res[i];

		buf_addch(b, ' ');
		put_word(b, res->name);
		if (res->valid) {
			buf_addf(b, "=%" PRIu64 "/%" PRIu64, res->usage, res->limit);
			continue;
		}
		buf_adds(b, "=!");
		if (res->usage_v)
			put_value(b, res->usage_v);
		buf_addch(b, '/');
		if (res->limit_v)
			put_value(b, res->limit_v);
	}
	if (!q->list)
		buf_adds(b, " nolist");
	put_rest(b, q->rest, q->nrest);
}

static void dump_quotaroot(struct buf *b, const struct imap_quotaroot *q)
{
	size_t i;

	buf_adds(b, "QUOTAROOT name=");
	put_name(b, &q->mailbox);
	buf_adds(b, " roots=");
	for (i = 0; i < q->nroots; i++) {
		if (i)
			buf_addch(b, ',');
		put_text(b, q->roots[i]);
	}
}

static void dump_acl(struct buf *b, const struct imap_acl *a)
{
	size_t i;

	buf_adds(b, "ACL name=");
	put_name(b, &a->mailbox);
	for (i = 0; i < a->count; i++) {
		buf_addch(b, ' ');
		put_word(b, a->entries[i].identifier);
		buf_adds(b, a->entries[i].negative ? "(-)=" : "=");
		put_text(b, a->entries[i].rights);
	}
}

static void dump_myrights(struct buf *b, const struct imap_myrights *m)
{
	buf_adds(b, "MYRIGHTS name=");
	put_name(b, &m->mailbox);
	buf_adds(b, " rights=");
	put_text(b, m->rights);
	put_rest(b, m->rest, m->nrest);
}

static void dump_listrights(struct buf *b, const struct imap_listrights *l)
{
	size_t i;

	buf_adds(b, "LISTRIGHTS name=");
	put_name(b, &l->mailbox);
	buf_adds(b, " id=");
	put_text(b, l->identifier);
	buf_adds(b, " required=");
	put_text(b, l->required);
	buf_adds(b, " optional=");
	for (i = 0; i < l->noptional; i++) {
		if (i)
			buf_addch(b, ',');
		put_text(b, l->optional[i]);
	}
}

static void dump_metadata(struct buf *b, const struct imap_metadata *m)
{
	size_t i;

	buf_adds(b, "METADATA name=");
	put_name(b, &m->mailbox);
	if (m->entries_only)
		buf_adds(b, " entries-only");
	for (i = 0; i < m->count; i++) {
		buf_addch(b, ' ');
		put_word(b, m->entries[i].entry);
		if (m->entries[i].has_value) {
			buf_addch(b, '=');
			put_text(b, m->entries[i].value);
		}
	}
	put_rest(b, m->rest, m->nrest);
}

static void dump_id(struct buf *b, const struct imap_id *id)
{
	size_t i;

	buf_adds(b, "ID");
	if (id->nil)
		buf_adds(b, " NIL");
	for (i = 0; i < id->count; i++) {
		buf_addch(b, ' ');
		put_word(b, id->pairs[i].key);
		buf_addch(b, '=');
		put_text(b, id->pairs[i].value);
		ck_assert_ptr_eq(imap_id_get(id, "no such key"), NULL);
	}
	put_rest(b, id->rest, id->nrest);
}

static void dump_caps(struct buf *b, const char *label, const struct imap_capability *c)
{
	size_t i;

	buf_adds(b, label);
	for (i = 0; i < c->count; i++) {
		buf_addch(b, ' ');
		put_word(b, c->caps[i]);
		if (c->caps[i].s && !memchr(c->caps[i].s, '\0', c->caps[i].len))
			ck_assert(imap_capability_has(c, c->caps[i].s));
	}
	for (i = 0; i < c->nauth; i++) {
		buf_adds(b, i ? "," : " auth=");
		put_word(b, c->auth[i]);
		if (!memchr(c->auth[i].s, '\0', c->auth[i].len))
			ck_assert(imap_capability_has_auth(c, c->auth[i].s));
	}
}

static void dump_flags(struct buf *b, const struct imap_flags *f)
{
	size_t i;

	buf_adds(b, "FLAGS");
	for (i = 0; i < f->count; i++) {
		buf_addch(b, ' ');
		put_word(b, f->flags[i]);
	}
	if (!f->list)
		buf_adds(b, " nolist");
}

/* (Exactly one builder answers a view's response; CAPABILITY also
 * answers for a [CAPABILITY] code.) */
int dump_views(struct buf *b, struct imap_response *r, bool utf8)
{
	int n = 0;
	const void *v;

#define TRY(call, dumper) \
	if ((v = (call)) != NULL) { \
		if (n++) \
			buf_adds(b, " | "); \
		dumper(b, v); \
	}
#define TRY_CAPS(call, label) \
	if ((v = (call)) != NULL) { \
		if (n++) \
			buf_adds(b, " | "); \
		dump_caps(b, label, v); \
	}
	TRY(imap_list_view(r, utf8), dump_list);
	TRY(imap_status_view(r, utf8), dump_status);
	TRY(imap_namespace_view(r, utf8), dump_namespace);
	TRY(imap_quota_view(r), dump_quota);
	TRY(imap_quotaroot_view(r, utf8), dump_quotaroot);
	TRY(imap_acl_view(r, utf8), dump_acl);
	TRY(imap_myrights_view(r, utf8), dump_myrights);
	TRY(imap_listrights_view(r, utf8), dump_listrights);
	TRY(imap_metadata_view(r, utf8), dump_metadata);
	TRY(imap_id_view(r), dump_id);
	TRY_CAPS(imap_capability_view(r), "CAPABILITY");
	TRY_CAPS(imap_enabled_view(r), "ENABLED");
	TRY(imap_flags_view(r), dump_flags);
#undef TRY
#undef TRY_CAPS
	return n;
}

void run_cases(const struct vcase *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		struct imap_response *r = parse(cases[i].wire, cases[i].len);
		int answered = dump_views(&b, r, cases[i].utf8);

		if (!cases[i].expect)
			ck_assert_msg(answered == 0, "case %zu answered: %s", i, b.buf);
		else
			ck_assert_msg(answered == 1 && strcmp(b.buf, cases[i].expect) == 0,
				      "case %zu: %s\n   got: %s\nwanted: %s", i, cases[i].wire,
				      b.buf, cases[i].expect);
		buf_release(&b);
		imap_response_free(r);
	}
}
