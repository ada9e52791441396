/*
 * bodystructure.c - typed views of ENVELOPE and BODY/BODYSTRUCTURE
 * (RFC 9051 sec. 7.5.2): addresses and groups, the MIME part tree and
 * its part numbers (RFC 9051 sec. 6.4.5).  See bodystructure.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proto/bodystructure.h"

/* ------------------------------------------------------------------ */
/* reading values */

/* A value standing where the grammar wants a string: real servers send
 * atoms and numbers there too. */
static bool is_stringish(const struct imap_value *v)
{
	return v && (v->type == IMAP_VALUE_QUOTED || v->type == IMAP_VALUE_LITERAL ||
		     v->type == IMAP_VALUE_ATOM || v->type == IMAP_VALUE_NUMBER);
}

static bool is_type(const struct imap_value *v, enum imap_value_type t)
{
	return v && v->type == t;
}

/* ------------------------------------------------------------------ */
/* parameters, disposition, language */

static void params_build(struct imap_response *r, const struct imap_value *v,
			 struct imap_params *p)
{
	size_t i, n;

	p->v = v;
	if (!is_type(v, IMAP_VALUE_LIST))
		return;
	n = (v->count + 1) / 2;
	p->items = imap_view_array(r, n, sizeof(*p->items));
	if (!p->items)
		return;
	for (i = 0; i < n; i++) {
		p->items[i].name = imap_value_text(&v->items[2 * i]);
		p->items[i].value = imap_value_text(imap_value_item(v, 2 * i + 1));
	}
	p->count = n;
}

const struct imap_param *imap_params_find(const struct imap_params *p, const char *name)
{
	size_t i;

	for (i = 0; p && name && i < p->count; i++)
		if (imap_text_is(p->items[i].name, name))
			return &p->items[i];
	return NULL;
}

static void disposition_build(struct imap_response *r, const struct imap_value *v,
			      struct imap_disposition *d)
{
	d->v = v;
	if (is_type(v, IMAP_VALUE_LIST)) {
		d->type = imap_value_text(imap_value_item(v, 0));
		params_build(r, imap_value_item(v, 1), &d->params);
	} else if (is_stringish(v)) {
		d->type = imap_value_text(v);
	}
}

static void language_build(struct imap_response *r, const struct imap_value *v,
			   struct imap_language *l)
{
	size_t i;

	l->v = v;
	if (is_type(v, IMAP_VALUE_LIST)) {
		l->items = imap_view_array(r, v->count, sizeof(*l->items));
		if (!l->items)
			return;
		for (i = 0; i < v->count; i++)
			l->items[i] = imap_value_text(&v->items[i]);
		l->count = v->count;
	} else if (is_stringish(v)) {
		l->items = imap_response_alloc(r, sizeof(*l->items));
		l->items[0] = imap_value_text(v);
		l->count = 1;
	}
}

/* ------------------------------------------------------------------ */
/* envelope */

static void address_build(const struct imap_value *v, bool *in_group, struct imap_address *a)
{
	a->v = v;
	if (!is_type(v, IMAP_VALUE_LIST) || v->count < 4) {
		a->kind = IMAP_ADDRESS_INVALID;
		return;
	}
	a->name = imap_value_text(&v->items[0]);
	a->adl = imap_value_text(&v->items[1]);
	a->mailbox = imap_value_text(&v->items[2]);
	a->host = imap_value_text(&v->items[3]);
	/* RFC 9051 sec. 7.5.2: host NIL marks group syntax; a NIL mailbox
	 * too ends the group, else the mailbox is the group's name. */
	if (v->items[3].type != IMAP_VALUE_NIL) {
		a->kind = IMAP_ADDRESS_MAILBOX;
		a->in_group = *in_group;
	} else if (v->items[2].type == IMAP_VALUE_NIL) {
		a->kind = IMAP_ADDRESS_GROUP_END;
		*in_group = false;
	} else {
		a->kind = IMAP_ADDRESS_GROUP_START;
		*in_group = true;
	}
}

static void addresses_build(struct imap_response *r, const struct imap_value *v,
			    struct imap_address_list *l)
{
	bool in_group = false;
	size_t i;

	l->v = v;
	if (!is_type(v, IMAP_VALUE_LIST))
		return;
	l->items = imap_view_array(r, v->count, sizeof(*l->items));
	if (!l->items)
		return;
	for (i = 0; i < v->count; i++)
		address_build(&v->items[i], &in_group, &l->items[i]);
	l->count = v->count;
}

const struct imap_envelope *imap_envelope_view(struct imap_response *r,
					       const struct imap_value *v)
{
	struct imap_envelope *e;

	if (!is_type(v, IMAP_VALUE_LIST))
		return NULL;
	e = imap_response_alloc(r, sizeof(*e));
	e->v = v;
	e->date = imap_value_text(imap_value_item(v, 0));
	e->subject = imap_value_text(imap_value_item(v, 1));
	addresses_build(r, imap_value_item(v, 2), &e->from);
	addresses_build(r, imap_value_item(v, 3), &e->sender);
	addresses_build(r, imap_value_item(v, 4), &e->reply_to);
	addresses_build(r, imap_value_item(v, 5), &e->to);
	addresses_build(r, imap_value_item(v, 6), &e->cc);
	addresses_build(r, imap_value_item(v, 7), &e->bcc);
	e->in_reply_to = imap_value_text(imap_value_item(v, 8));
	e->message_id = imap_value_text(imap_value_item(v, 9));
	if (v->count > 10) {
		e->extra = &v->items[10];
		e->extra_count = v->count - 10;
	}
	return e;
}

/* ------------------------------------------------------------------ */
/* part numbers */

/* "prefix.n", or "n" for an empty prefix. */
static const char *part_join(struct imap_response *r, const char *prefix, size_t n)
{
	size_t len = strlen(prefix) + 24;
	char *s = imap_response_alloc(r, len);

	snprintf(s, len, "%s%s%zu", prefix, *prefix ? "." : "", n);
	return s;
}

static const char *section_text(struct imap_response *r, const char *prefix)
{
	size_t len = strlen(prefix) + 6;
	char *s;

	if (!*prefix)
		return "TEXT";
	s = imap_response_alloc(r, len);
	snprintf(s, len, "%s.TEXT", prefix);
	return s;
}

/* ------------------------------------------------------------------ */
/* the body tree */

struct body_pos {
	const struct imap_body *parent;
	unsigned depth;
	const char *number; /* the part's own number, or NULL */
	const char *prefix; /* numbering above it ("" at the top) */
};

static void body_build(struct imap_response *r, const struct imap_value *v,
		       const struct body_pos *pos, struct imap_body *b);

/* Extension data from index i on: for a single part md5 first
 * (body-ext-1part), for a multipart params first (body-ext-mpart). */
static void ext_build(struct imap_response *r, const struct imap_value *v, size_t i,
		      bool multipart, struct imap_body *b)
{
	if (multipart)
		params_build(r, imap_value_item(v, i), &b->params);
	else
		b->md5 = imap_value_text(imap_value_item(v, i));
	disposition_build(r, imap_value_item(v, i + 1), &b->disposition);
	language_build(r, imap_value_item(v, i + 2), &b->language);
	b->location = imap_value_text(imap_value_item(v, i + 3));
	if (v->count > i + 4) {
		b->ext = &v->items[i + 4];
		b->ext_count = v->count - (i + 4);
	}
}

static void multipart_build(struct imap_response *r, const struct imap_value *v,
			    const struct body_pos *pos, struct imap_body *b)
{
	struct body_pos cpos;
	size_t i, n = 0;

	while (n < v->count && v->items[n].type == IMAP_VALUE_LIST)
		n++;
	b->kind = IMAP_BODY_MULTIPART;
	b->type.s = "MULTIPART";
	b->type.len = 9;
	b->subtype = imap_value_text(imap_value_item(v, n));
	b->children = imap_view_array(r, n, sizeof(*b->children));
	if (b->children)
		b->nchildren = n;
	cpos.parent = b;
	cpos.depth = b->depth + 1;
	/* an unnumbered multipart numbers its children under its container */
	cpos.prefix = b->part[0] ? b->part : pos->prefix;
	for (i = 0; i < b->nchildren; i++) {
		cpos.number = part_join(r, cpos.prefix, i + 1);
		body_build(r, &v->items[i], &cpos, &b->children[i]);
	}
	ext_build(r, v, n + 1, true, b);
}

/* message/rfc822 (and message/global, RFC 6532) with its envelope and
 * body; anything else calling itself that is read as a basic part. */
static bool is_message(const struct imap_value *v, const struct imap_body *b)
{
	return imap_text_is(b->type, "MESSAGE") &&
	       (imap_text_is(b->subtype, "RFC822") || imap_text_is(b->subtype, "GLOBAL")) &&
	       is_type(imap_value_item(v, 7), IMAP_VALUE_LIST) &&
	       is_type(imap_value_item(v, 8), IMAP_VALUE_LIST);
}

/* Reads lines at index i if it is a number; returns where the extension
 * data starts (a server that leaves lines out goes on with md5). */
static size_t lines_build(const struct imap_value *v, size_t i, struct imap_body *b)
{
	b->has_lines = imap_value_number(imap_value_item(v, i), &b->lines);
	return b->has_lines ? i + 1 : i;
}

static void single_build(struct imap_response *r, const struct imap_value *v,
			 struct imap_body *b)
{
	size_t ext = 7;

	b->type = imap_value_text(&v->items[0]);
	b->subtype = imap_value_text(&v->items[1]);
	params_build(r, imap_value_item(v, 2), &b->params);
	b->id = imap_value_text(imap_value_item(v, 3));
	b->description = imap_value_text(imap_value_item(v, 4));
	b->encoding = imap_value_text(imap_value_item(v, 5));
	b->has_size = imap_value_number(imap_value_item(v, 6), &b->size);
	if (is_message(v, b)) {
		struct imap_body *body = imap_response_alloc(r, sizeof(*body));
		struct body_pos bpos = { b, b->depth + 1, NULL, b->part };

		b->kind = IMAP_BODY_MESSAGE;
		b->envelope = imap_envelope_view(r, &v->items[7]);
		body_build(r, &v->items[8], &bpos, body);
		b->body = body;
		ext = lines_build(v, 9, b);
	} else if (imap_text_is(b->type, "TEXT")) {
		b->kind = IMAP_BODY_TEXT;
		ext = lines_build(v, 7, b);
	} else {
		b->kind = IMAP_BODY_BASIC;
	}
	ext_build(r, v, ext, false, b);
}

static void body_number(struct imap_response *r, const struct body_pos *pos,
			bool multipart, struct imap_body *b)
{
	if (pos->number)
		b->part = b->section = pos->number;
	else if (multipart) {
		b->part = "";
		b->section = section_text(r, pos->prefix);
	} else
		b->part = b->section = part_join(r, pos->prefix, 1);
}

static void body_build(struct imap_response *r, const struct imap_value *v,
		       const struct body_pos *pos, struct imap_body *b)
{
	const struct imap_value *first = imap_value_item(v, 0), *second = imap_value_item(v, 1);
	bool multi = is_type(first, IMAP_VALUE_LIST);
	bool single = false;

	b->v = v;
	b->parent = pos->parent;
	b->depth = pos->depth;
	b->kind = IMAP_BODY_INVALID;
	if (pos->depth < IMAP_BODY_MAX_DEPTH && !multi && is_stringish(first)) {
		if (is_stringish(second))
			single = true;
		else if (!second || second->type == IMAP_VALUE_LIST || second->type == IMAP_VALUE_NIL)
			multi = true; /* a multipart without parts: ("MIXED" ...) */
	}
	if (pos->depth >= IMAP_BODY_MAX_DEPTH)
		multi = false;
	body_number(r, pos, multi, b);
	if (multi)
		multipart_build(r, v, pos, b);
	else if (single)
		single_build(r, v, b);
}

const struct imap_body *imap_body_view(struct imap_response *r, const struct imap_value *v)
{
	struct body_pos pos = { NULL, 0, NULL, "" };
	struct imap_body *b;

	if (!is_type(v, IMAP_VALUE_LIST))
		return NULL;
	b = imap_response_alloc(r, sizeof(*b));
	body_build(r, v, &pos, b);
	return b;
}

/* ------------------------------------------------------------------ */
/* walking */

/* Pre-order successor of b, not leaving the subtree of root (NULL: the
 * whole tree). */
static const struct imap_body *next_within(const struct imap_body *b,
					   const struct imap_body *root)
{
	const struct imap_body *p;

	if (!b)
		return NULL;
	if (b->kind == IMAP_BODY_MULTIPART && b->nchildren)
		return &b->children[0];
	if (b->kind == IMAP_BODY_MESSAGE && b->body)
		return b->body;
	for (; b != root && (p = b->parent); b = p)
		if (p->kind == IMAP_BODY_MULTIPART && b + 1 < p->children + p->nchildren)
			return b + 1;
	return NULL;
}

const struct imap_body *imap_body_next(const struct imap_body *b)
{
	return next_within(b, NULL);
}

const struct imap_body **imap_body_flatten(struct imap_response *r, const struct imap_body *root,
					   size_t *count_r)
{
	const struct imap_body *b, **parts;
	size_t n = 0;

	for (b = root; b; b = next_within(b, root))
		n++;
	parts = imap_response_alloc(r, (n ? n : 1) * sizeof(*parts));
	n = 0;
	for (b = root; b; b = next_within(b, root))
		parts[n++] = b;
	*count_r = n;
	return parts;
}

const struct imap_body *imap_body_find(const struct imap_body *root, const char *part)
{
	const struct imap_body *b;

	if (!part || !*part)
		return NULL;
	for (b = root; b; b = next_within(b, root))
		if (strcmp(b->part, part) == 0)
			return b;
	return NULL;
}
