/*
 * fetch.c - the typed view of an untagged FETCH response: one handler
 * per item name, body sections by their key's shape, the rest kept raw.
 * See fetch.h; ENVELOPE and BODYSTRUCTURE are read by bodystructure.c.
 */
#include <string.h>
#include <strings.h>

#include "proto/fetch.h"
#include "util/imapdate.h"

/* ------------------------------------------------------------------ */
/* reading values */

static bool is_type(const struct imap_value *v, enum imap_value_type t)
{
	return v && v->type == t;
}

static bool is_stringish(const struct imap_value *v)
{
	return v && (v->type == IMAP_VALUE_QUOTED || v->type == IMAP_VALUE_LITERAL ||
		     v->type == IMAP_VALUE_ATOM || v->type == IMAP_VALUE_NUMBER);
}

/* Digits [s, s+len) as a number up to 2^64-1; false if not all digits,
 * empty or too big. */
static bool digits_number(const char *s, size_t len, uint64_t *n_r)
{
	uint64_t n = 0;
	size_t i;

	if (!s || !len)
		return false;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*n_r = n;
	return true;
}

/* The one item of a one-item list: MODSEQ (n), EMAILID (id). */
static const struct imap_value *single_item(const struct imap_value *v)
{
	return is_type(v, IMAP_VALUE_LIST) && v->count == 1 ? &v->items[0] : NULL;
}

/* The texts of a list's items (FLAGS, X-GM-LABELS); false if v is not a
 * list. */
static bool text_list(struct imap_response *r, const struct imap_value *v,
		      struct imap_text **items_r, size_t *count_r)
{
	size_t i;

	if (!is_type(v, IMAP_VALUE_LIST))
		return false;
	*items_r = NULL;
	*count_r = 0;
	if (v->count == 0 || v->count > SIZE_MAX / sizeof(**items_r))
		return true;
	*items_r = imap_response_alloc(r, v->count * sizeof(**items_r));
	for (i = 0; i < v->count; i++)
		(*items_r)[i] = imap_value_text(&v->items[i]);
	*count_r = v->count;
	return true;
}

static struct imap_text static_text(const char *s)
{
	struct imap_text t = { s, strlen(s), NULL };
	return t;
}

/* [s, s+len) of the value v (a substring of its text). */
static struct imap_text sub_text(const struct imap_value *v, const char *s, size_t len)
{
	struct imap_text t = { s, len, v };
	return t;
}

/* ------------------------------------------------------------------ */
/* items with a fixed name */

/* A handler takes the item's value into f and returns true, or returns
 * false (shape not understood, or a second copy) to keep it in others. */
typedef bool item_fn(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v);

static bool take_number(const struct imap_value *v, bool *has, uint64_t *n)
{
	if (*has || !imap_value_number(v, n))
		return false;
	*has = true;
	return true;
}

/* A string or NIL (nstring), once. */
static bool take_nstring(const struct imap_value *v, bool *has, struct imap_text *t)
{
	if (*has || !(is_stringish(v) || is_type(v, IMAP_VALUE_NIL)))
		return false;
	*has = true;
	*t = imap_value_text(v);
	return true;
}

static bool take_date(const struct imap_value *v, struct imap_fetch_date *d)
{
	if (!take_nstring(v, &d->present, &d->text))
		return false;
	/* imapdate_parse() reads a C string: not past a NUL inside */
	if (d->text.s && strlen(d->text.s) == d->text.len)
		d->parsed = imapdate_parse(d->text.s, &d->t, &d->tzoff) == 0;
	return true;
}

/* EMAILID (M6d99ac3275bb4e), THREADID (T64b478a75b7ea9) or NIL
 * (RFC 8474); a bare id is taken too. */
static bool take_objectid(const struct imap_value *v, bool *has, struct imap_text *t)
{
	const struct imap_value *id = single_item(v);
	return take_nstring(id && is_stringish(id) ? id : v, has, t);
}

static bool item_uid(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	(void)r;
	return take_number(v, &f->has_uid, &f->uid);
}

static bool item_flags(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	if (f->has_flags || !text_list(r, v, &f->flags, &f->nflags))
		return false;
	f->has_flags = true;
	return true;
}

static bool item_internaldate(struct imap_response *r, struct imap_fetch *f,
			      const struct imap_value *v)
{
	(void)r;
	return take_date(v, &f->internaldate);
}

static bool item_savedate(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	(void)r;
	return take_date(v, &f->savedate);
}

static bool item_size(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	(void)r;
	return take_number(v, &f->has_rfc822_size, &f->rfc822_size);
}

static bool item_modseq(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	(void)r;
	return take_number(single_item(v), &f->has_modseq, &f->modseq);
}

static bool item_preview(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	(void)r;
	return take_nstring(v, &f->has_preview, &f->preview);
}

static bool item_emailid(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	(void)r;
	return take_objectid(v, &f->has_emailid, &f->emailid);
}

static bool item_threadid(struct imap_response *r, struct imap_fetch *f,
			  const struct imap_value *v)
{
	(void)r;
	return take_objectid(v, &f->has_threadid, &f->threadid);
}

static bool item_gm_msgid(struct imap_response *r, struct imap_fetch *f,
			  const struct imap_value *v)
{
	(void)r;
	return take_number(v, &f->has_gm_msgid, &f->gm_msgid);
}

static bool item_gm_thrid(struct imap_response *r, struct imap_fetch *f,
			  const struct imap_value *v)
{
	(void)r;
	return take_number(v, &f->has_gm_thrid, &f->gm_thrid);
}

static bool item_gm_labels(struct imap_response *r, struct imap_fetch *f,
			   const struct imap_value *v)
{
	if (f->has_gm_labels || !text_list(r, v, &f->gm_labels, &f->ngm_labels))
		return false;
	f->has_gm_labels = true;
	return true;
}

static bool item_envelope(struct imap_response *r, struct imap_fetch *f,
			  const struct imap_value *v)
{
	if (f->envelope)
		return false;
	f->envelope = imap_envelope_view(r, v);
	return f->envelope != NULL;
}

static bool take_body(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v,
		      bool structure)
{
	const struct imap_body *b;

	if (f->body && (f->body_is_structure || !structure))
		return false;
	b = imap_body_view(r, v);
	if (!b)
		return false;
	if (f->body) {
		/* BODY came first: BODYSTRUCTURE wins, BODY goes to others */
		struct imap_fetch_item *o = &f->others[f->nothers++];
		o->key = static_text("BODY");
		o->value = f->body->v;
	}
	f->body = b;
	f->body_is_structure = structure;
	return true;
}

static bool item_body(struct imap_response *r, struct imap_fetch *f, const struct imap_value *v)
{
	return take_body(r, f, v, false);
}

static bool item_bodystructure(struct imap_response *r, struct imap_fetch *f,
			       const struct imap_value *v)
{
	return take_body(r, f, v, true);
}

static const struct {
	const char *name;
	item_fn *fn;
} item_table[] = {
	{ "BODY", item_body },
	{ "BODYSTRUCTURE", item_bodystructure },
	{ "EMAILID", item_emailid },
	{ "ENVELOPE", item_envelope },
	{ "FLAGS", item_flags },
	{ "INTERNALDATE", item_internaldate },
	{ "MODSEQ", item_modseq },
	{ "PREVIEW", item_preview },
	{ "RFC822.SIZE", item_size },
	{ "SAVEDATE", item_savedate },
	{ "THREADID", item_threadid },
	{ "UID", item_uid },
	{ "X-GM-LABELS", item_gm_labels },
	{ "X-GM-MSGID", item_gm_msgid },
	{ "X-GM-THRID", item_gm_thrid },
};

/* ------------------------------------------------------------------ */
/* body sections */

static bool has_prefix(const char *s, size_t len, const char *prefix, size_t *plen_r)
{
	size_t n = strlen(prefix);

	if (len < n || strncasecmp(s, prefix, n) != 0)
		return false;
	*plen_r = n;
	return true;
}

/* Splits "1.2.MIME" into part "1.2" and spec "MIME". */
static void section_split(struct imap_section *s)
{
	const char *p = s->section.s;
	size_t len = s->section.len, i = 0, end = 0;

	for (;;) {
		size_t start = i;
		while (i < len && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == start || (i < len && p[i] != '.'))
			break;
		end = i;
		if (i == len)
			break;
		i++;
	}
	s->part = sub_text(s->section.v, p, end);
	if (end && end < len && p[end] == '.')
		end++;
	s->spec = sub_text(s->section.v, p + end, len - end);
}

/*
 * Finds "[section]" and "<origin>" in a key of len bytes whose '[' is at
 * open: the section ends at the ']' that is last, or that is followed by
 * "<digits>" ending the key.
 */
static bool section_bounds(const char *s, size_t len, size_t open, size_t *close_r,
			   bool *has_origin, uint64_t *origin)
{
	size_t close = len - 1;

	*has_origin = false;
	if (len > open + 1 && s[len - 1] == '>') {
		size_t lt = len - 1;
		while (lt > open && s[lt] != '<')
			lt--;
		if (lt <= open || !digits_number(s + lt + 1, len - 2 - lt, origin))
			return false;
		*has_origin = true;
		close = lt - 1;
	}
	if (close <= open || s[close] != ']')
		return false;
	*close_r = close;
	return true;
}

static const struct {
	const char *prefix;
	bool binary;
} section_prefixes[] = {
	{ "BODY[", false },
	{ "BODY.PEEK[", false }, /* a server echoing the request */
	{ "BINARY[", true },
	{ "BINARY.PEEK[", true },
};

/* RFC822* (RFC 3501 sec. 6.4.5, gone from RFC 9051) and the sections
 * they equal. */
static const struct {
	const char *name;
	const char *section;
} rfc822_items[] = {
	{ "RFC822", "" },
	{ "RFC822.HEADER", "HEADER" },
	{ "RFC822.TEXT", "TEXT" },
};

static bool section_parse(const struct imap_value *k, struct imap_section *sec)
{
	const char *s = k->str;
	size_t len = k->len, i, open = 0, close;

	for (i = 0; i < sizeof(rfc822_items) / sizeof(rfc822_items[0]); i++)
		if (len == strlen(rfc822_items[i].name) &&
		    strncasecmp(s, rfc822_items[i].name, len) == 0) {
			sec->section = static_text(rfc822_items[i].section);
			section_split(sec);
			return true;
		}
	for (i = 0; i < sizeof(section_prefixes) / sizeof(section_prefixes[0]); i++)
		if (has_prefix(s, len, section_prefixes[i].prefix, &open))
			break;
	if (i == sizeof(section_prefixes) / sizeof(section_prefixes[0]))
		return false;
	if (!section_bounds(s, len, open - 1, &close, &sec->has_origin, &sec->origin))
		return false;
	sec->binary = section_prefixes[i].binary;
	sec->section = sub_text(k, s + open, close - open);
	section_split(sec);
	return true;
}

static bool take_section(struct imap_fetch *f, const struct imap_value *k,
			 const struct imap_value *v)
{
	struct imap_section *sec = &f->sections[f->nsections];

	memset(sec, 0, sizeof(*sec));
	if (!section_parse(k, sec))
		return false;
	sec->key = imap_value_text(k);
	sec->value = v;
	f->nsections++;
	return true;
}

/* BINARY.SIZE[section] number (RFC 3516). */
static bool take_binary_size(struct imap_fetch *f, const struct imap_value *k,
			     const struct imap_value *v)
{
	struct imap_binary_size *bs = &f->binary_sizes[f->nbinary_sizes];
	size_t open, close;
	bool has_origin;
	uint64_t origin;

	if (!has_prefix(k->str, k->len, "BINARY.SIZE[", &open) ||
	    !section_bounds(k->str, k->len, open - 1, &close, &has_origin, &origin) ||
	    has_origin || !imap_value_number(v, &bs->size))
		return false;
	bs->key = imap_value_text(k);
	bs->section = sub_text(k, k->str + open, close - open);
	bs->value = v;
	f->nbinary_sizes++;
	return true;
}

/* ------------------------------------------------------------------ */
/* the view */

static bool take_item(struct imap_response *r, struct imap_fetch *f,
		      const struct imap_value *k, const struct imap_value *v)
{
	size_t i;

	if (k->type != IMAP_VALUE_ATOM || !k->str)
		return false;
	for (i = 0; i < sizeof(item_table) / sizeof(item_table[0]); i++)
		if (k->len == strlen(item_table[i].name) &&
		    strncasecmp(k->str, item_table[i].name, k->len) == 0)
			return item_table[i].fn(r, f, v);
	return take_section(f, k, v) || take_binary_size(f, k, v);
}

static void *alloc_items(struct imap_response *r, size_t n, size_t size)
{
	return n <= SIZE_MAX / size ? imap_response_alloc(r, n * size) : NULL;
}

const struct imap_fetch *imap_fetch_view(struct imap_response *r)
{
	const struct imap_value *list;
	struct imap_fetch *f;
	size_t i, npairs;

	if (!r || r->kind != IMAP_RESP_UNTAGGED || !r->name || strcmp(r->name, "FETCH") != 0)
		return NULL;
	list = imap_value_item(&r->data, 0);
	if (!is_type(list, IMAP_VALUE_LIST))
		return NULL;
	f = imap_response_alloc(r, sizeof(*f));
	f->v = list;
	f->seq = r->has_number ? r->number : 0;
	if (r->data.count > 1) {
		f->extra = &r->data.items[1];
		f->extra_count = r->data.count - 1;
	}
	/* room for every pair in each array, plus a BODY displaced by
	 * BODYSTRUCTURE in others */
	npairs = list->count / 2 + 2;
	f->sections = alloc_items(r, npairs, sizeof(*f->sections));
	f->binary_sizes = alloc_items(r, npairs, sizeof(*f->binary_sizes));
	f->others = alloc_items(r, npairs, sizeof(*f->others));
	if (!f->sections || !f->binary_sizes || !f->others)
		return NULL;
	for (i = 0; i < list->count; i += 2) {
		const struct imap_value *k = &list->items[i];
		const struct imap_value *v = imap_value_item(list, i + 1);

		if (!v || !take_item(r, f, k, v)) {
			f->others[f->nothers].key = imap_value_text(k);
			f->others[f->nothers++].value = v;
		}
	}
	if (f->body)
		f->parts = imap_body_flatten(r, f->body, &f->nparts);
	return f;
}

const struct imap_section *imap_fetch_section(const struct imap_fetch *f, const char *section,
					      bool binary)
{
	size_t i, n = section ? strlen(section) : 0;

	for (i = 0; f && section && i < f->nsections; i++) {
		const struct imap_section *s = &f->sections[i];
		if (s->binary == binary && s->section.len == n &&
		    strncasecmp(s->section.s, section, n) == 0)
			return s;
	}
	return NULL;
}

const struct imap_body *imap_fetch_part(const struct imap_fetch *f, const char *part)
{
	return f ? imap_body_find(f->body, part) : NULL;
}
