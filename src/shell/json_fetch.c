/*
 * json_fetch.c - an untagged FETCH as a typed -o json object
 * (json_view.h), built from its view (proto/fetch.h): the message's
 * items, ENVELOPE with RFC 2047 words decoded, BODY/BODYSTRUCTURE as a
 * tree of parts with RFC 2231 parameters decoded, body sections with
 * their data, and whatever the view did not understand, kept generic.
 * The schema is in man/imapsh-json.5:
 *
 *   {"version":1,"type":"fetch","seq":1,"uid":1,"flags":["\\Seen"],
 *    "size":2348,"internaldate":"2023-01-01T01:51:42+01:00",
 *    "envelope":{..},"body":{..},"sections":[..],..}
 *
 * Conventions: a field the server did not send is left out; NIL is
 * null; text decoded (RFC 2047, RFC 2231) has a "<key>_raw" sibling with
 * the text as received when decoding changed it, and "<key>_flags" with
 * the decoder's complaints; a value of the wrong shape is "<key>":null
 * plus "<key>_raw" (generic).  MIME tokens (type, subtype, encoding,
 * disposition type, parameter names) are lower-cased: they are
 * case-insensitive, and scripts compare them.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/json_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "proto/fetch.h"
#include "proto/mailbox.h"
#include "proto/mime.h"
#include "util/buf.h"
#include "util/utf7.h"
#include "util/xalloc.h"

/* Parameter lists longer than this are not decoded (each name is one
 * pass over the list): params is null, params_raw holds them. */
#define MAX_PARAMS 256
/* A body part met this deep in the JSON (levels open) is written as its
 * IMAP text ("imap"): the writer nests at most JSON_MAX_DEPTH levels,
 * and a part needs a few more for its parameters and children. */
#define DEEP_PART (JSON_MAX_DEPTH - 8)

/* ---- small writers ----------------------------------------------------- */

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (!alen || memcmp(a, b, alen) == 0);
}

/* key + suffix ("subject" "_raw"). */
static void key2(struct json *j, const char *key, const char *suffix)
{
	char k[64];

	snprintf(k, sizeof(k), "%s%s", key, suffix);
	json_key(j, k);
}

/* Text as a string; else its value as the generic tree (NIL null, a
 * list an array, a literal that is not in memory as the writer does). */
static void text_value(struct json *j, struct imap_text t)
{
	if (t.s)
		json_str(j, t.s, t.len);
	else if (t.v)
		json_value(j, t.v);
	else
		json_null(j);
}

static bool text_absent(struct imap_text t)
{
	return !t.s && !t.v;
}

static bool text_nil(struct imap_text t)
{
	return !t.s && t.v && t.v->type == IMAP_VALUE_NIL;
}

/* A text field: left out if absent; a list where text belongs is
 * "<key>":null and "<key>_raw":[..]. */
static void put_field(struct json *j, const char *key, struct imap_text t)
{
	if (text_absent(t))
		return;
	json_key(j, key);
	if (t.s || t.v->type != IMAP_VALUE_LIST) {
		text_value(j, t);
		return;
	}
	json_null(j);
	key2(j, key, "_raw");
	json_value(j, t.v);
}

/* A MIME token, ASCII letters lower-cased. */
static void put_lower(struct json *j, const char *key, struct imap_text t)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (!t.s) {
		put_field(j, key, t);
		return;
	}
	buf_add(&b, t.s, t.len);
	for (i = 0; i < b.len; i++)
		if (b.buf[i] >= 'A' && b.buf[i] <= 'Z')
			b.buf[i] = (char)(b.buf[i] - 'A' + 'a');
	json_kstr(j, key, b.buf, b.len);
	buf_release(&b);
}

/* The decoder's complaints (enum mime_flags) as words. */
static const struct {
	unsigned bit;
	const char *word;
} flag_words[] = {
	{ MIME_UNKNOWN_CHARSET, "unknown-charset" },
	{ MIME_INVALID, "invalid-bytes" },
	{ MIME_RAW_8BIT, "raw-8bit" },
	{ MIME_INCOMPLETE, "incomplete" },
};

#define COMPLAINTS (MIME_UNKNOWN_CHARSET | MIME_INVALID | MIME_RAW_8BIT | MIME_INCOMPLETE)

static void flag_array(struct json *j, unsigned flags)
{
	size_t i;

	json_arr_open(j);
	for (i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
		if (flags & flag_words[i].bit)
			json_cstr(j, flag_words[i].word);
	json_arr_close(j);
}

static void put_flags(struct json *j, const char *key, unsigned flags)
{
	if (!(flags & COMPLAINTS))
		return;
	key2(j, key, "_flags");
	flag_array(j, flags);
}

/* Header text with RFC 2047 words (a subject, a display name, a part's
 * description): decoded; _raw when that changed it; _flags. */
static void put_header(struct json *j, const char *key, struct imap_text t)
{
	struct buf dec = BUF_INIT;
	unsigned flags;

	if (!t.s) {
		put_field(j, key, t);
		return;
	}
	flags = mime_decode_header(&dec, t.s, t.len);
	json_kstr(j, key, dec.buf, dec.len);
	if (!same_text(dec.buf, dec.len, t.s, t.len)) {
		key2(j, key, "_raw");
		json_str(j, t.s, t.len);
	}
	put_flags(j, key, flags);
	buf_release(&dec);
}

/* ---- items --------------------------------------------------------------- */

/* INTERNALDATE / SAVEDATE: ISO 8601 in the server's own offset; null for
 * NIL; "<key>_raw" as received when it did not parse. */
static void put_date(struct json *j, const char *key, const struct imap_fetch_date *d)
{
	if (!d->present)
		return;
	if (d->parsed) {
		time_t local = d->t + (time_t)d->tzoff * 60;
		int off = d->tzoff < 0 ? -d->tzoff : d->tzoff;
		struct tm tm;
		char iso[64];

		if (gmtime_r(&local, &tm) && tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999) {
			snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
				 tm.tm_sec, d->tzoff < 0 ? '-' : '+', off / 60, off % 60);
			json_kcstr(j, key, iso);
			return;
		}
	}
	if (!d->text.s && (!d->text.v || d->text.v->type == IMAP_VALUE_NIL)) {
		json_key(j, key);
		json_null(j);
		return;
	}
	key2(j, key, "_raw");
	text_value(j, d->text);
}

static bool same_name(struct imap_text a, struct imap_text b)
{
	if (!a.s || !b.s)
		return !a.s && !b.s;
	return same_text(a.s, a.len, b.s, b.len);
}

/* X-GM-LABELS: mailbox names (modified UTF-7, or UTF-8), decoded like
 * every mailbox name; gm_labels_wire (all of them as sent) when one
 * differs; gm_labels_invalid: the indexes of those that did not decode
 * (they are given as sent). */
static void put_labels(struct json *j, struct imap_response *r, const struct imap_fetch *f,
		       bool utf8)
{
	struct imap_mailbox_name *m = imap_view_array(r, f->ngm_labels, sizeof(*m));
	bool differs = false, invalid = false;
	size_t i, n = m ? f->ngm_labels : 0;

	for (i = 0; i < n; i++) {
		imap_mailbox_name_decode(r, f->gm_labels[i].v, utf8, &m[i]);
		invalid |= m[i].invalid;
		differs |= !same_name(m[i].name, m[i].wire);
	}
	json_key(j, "gm_labels");
	json_arr_open(j);
	for (i = 0; i < n; i++)
		text_value(j, m[i].name);
	json_arr_close(j);
	if (differs) {
		json_key(j, "gm_labels_wire");
		json_arr_open(j);
		for (i = 0; i < n; i++)
			text_value(j, m[i].wire);
		json_arr_close(j);
	}
	if (invalid) {
		json_key(j, "gm_labels_invalid");
		json_arr_open(j);
		for (i = 0; i < n; i++)
			if (m[i].invalid)
				json_u64(j, i);
		json_arr_close(j);
	}
}

/* ---- the envelope ------------------------------------------------------ */

static bool nil_or_absent(struct imap_text t)
{
	return text_absent(t) || text_nil(t);
}

/* {"name":..,"mailbox":..,"host":..,"address":"mailbox@host"}; "adl"
 * when not NIL; "raw" (the address as sent) when it had more than four
 * values. */
static void put_mailbox(struct json *j, const struct imap_address *a)
{
	json_obj_open(j);
	put_header(j, "name", a->name);
	if (!nil_or_absent(a->adl))
		put_field(j, "adl", a->adl);
	put_field(j, "mailbox", a->mailbox);
	put_field(j, "host", a->host);
	json_key(j, "address");
	if (a->mailbox.s && a->host.s) {
		struct buf b = BUF_INIT;

		buf_add(&b, a->mailbox.s, a->mailbox.len);
		buf_addch(&b, '@');
		buf_add(&b, a->host.s, a->host.len);
		json_str(j, b.buf, b.len);
		buf_release(&b);
	} else {
		json_null(j);
	}
	if (a->v->count > 4) {
		json_key(j, "raw");
		json_value(j, a->v);
	}
	json_obj_close(j);
}

/* An item that is not an address ({"raw":..}): not a list of four, or a
 * group end without its start. */
static void put_raw_item(struct json *j, const struct imap_value *v)
{
	json_obj_open(j);
	json_key(j, "raw");
	if (v)
		json_value(j, v);
	else
		json_null(j);
	json_obj_close(j);
}

static void put_entry(struct json *j, const struct imap_address *a)
{
	if (a->kind == IMAP_ADDRESS_MAILBOX)
		put_mailbox(j, a);
	else
		put_raw_item(j, a->v);
}

/* A group marker with something besides the group's name. */
static bool marker_odd(const struct imap_address *a)
{
	return !nil_or_absent(a->name) || !nil_or_absent(a->adl) || a->v->count > 4;
}

/* {"group":"name","members":[..]} from items[i] (a GROUP_START) to its
 * end; returns the index after it.  "raw" / "end_raw": a marker as sent
 * when it held more than the name. */
static size_t put_group(struct json *j, const struct imap_address_list *l, size_t i)
{
	const struct imap_address *g = &l->items[i];

	json_obj_open(j);
	put_header(j, "group", g->mailbox);
	if (marker_odd(g)) {
		json_key(j, "raw");
		json_value(j, g->v);
	}
	json_key(j, "members");
	json_arr_open(j);
	for (i++; i < l->count && l->items[i].kind != IMAP_ADDRESS_GROUP_END &&
		  l->items[i].kind != IMAP_ADDRESS_GROUP_START; i++)
		put_entry(j, &l->items[i]);
	json_arr_close(j);
	if (i < l->count && l->items[i].kind == IMAP_ADDRESS_GROUP_END) {
		if (marker_odd(&l->items[i])) {
			json_key(j, "end_raw");
			json_value(j, l->items[i].v);
		}
		i++;
	}
	json_obj_close(j);
	return i;
}

static void put_addresses(struct json *j, const char *key, const struct imap_address_list *l)
{
	size_t i = 0;

	if (!l->v)
		return;
	json_key(j, key);
	if (l->v->type != IMAP_VALUE_LIST) {
		json_null(j);
		if (l->v->type != IMAP_VALUE_NIL) {
			key2(j, key, "_raw");
			json_value(j, l->v);
		}
		return;
	}
	json_arr_open(j);
	while (i < l->count) {
		if (l->items[i].kind == IMAP_ADDRESS_GROUP_START)
			i = put_group(j, l, i);
		else
			put_entry(j, &l->items[i++]);
	}
	json_arr_close(j);
}

static void put_envelope(struct json *j, const struct imap_envelope *e)
{
	json_obj_open(j);
	put_field(j, "date", e->date);
	put_header(j, "subject", e->subject);
	put_addresses(j, "from", &e->from);
	put_addresses(j, "sender", &e->sender);
	put_addresses(j, "reply_to", &e->reply_to);
	put_addresses(j, "to", &e->to);
	put_addresses(j, "cc", &e->cc);
	put_addresses(j, "bcc", &e->bcc);
	put_field(j, "in_reply_to", e->in_reply_to);
	put_field(j, "message_id", e->message_id);
	if (e->extra_count) {
		json_key(j, "extra");
		json_values(j, e->extra, e->extra_count);
	}
	json_obj_close(j);
}

/* ---- parameters (RFC 2231) -------------------------------------------- */

/* The length of the parameter's name without an RFC 2231 suffix: "*",
 * "*N" or "*N*" (N up to three digits, as mime.c reads them). */
static size_t param_base(const char *s, size_t len)
{
	size_t e = len, d;

	if (e && s[e - 1] == '*')
		e--;
	d = e;
	while (d && s[d - 1] >= '0' && s[d - 1] <= '9')
		d--;
	if (d < e && e - d <= 3 && d && s[d - 1] == '*')
		return d - 1;
	return e;
}

static bool param_name_ok(struct imap_text name)
{
	return name.s && name.len && !memchr(name.s, '\0', name.len) &&
	       utf8_valid(name.s, name.len) && param_base(name.s, name.len);
}

struct param_out {
	char *name;     /* lower-cased, without the RFC 2231 suffix */
	struct buf value;
	bool is_null;
	unsigned flags;
};

/* Decodes parameter i of p into *d; sets *changed when the object will
 * not show the list as it came (merged, decoded, dropped). */
static void param_decode(const struct imap_params *p, size_t i, struct param_out *d,
			 bool *changed)
{
	const struct imap_param *pa = &p->items[i];
	size_t blen = param_base(pa->name.s, pa->name.len), k;
	bool plain = blen == pa->name.len, alone = true;

	for (k = 0; k < p->count && alone; k++)
		alone = k == i || !param_name_ok(p->items[k].name) ||
			param_base(p->items[k].name.s, p->items[k].name.len) != blen ||
			strncasecmp(p->items[k].name.s, pa->name.s, blen) != 0;
	if (!plain || !alone)
		*changed = true;
	buf_init(&d->value, 0);
	if (plain && alone && !pa->value.s) {
		/* NIL, a list, or an odd list's last name */
		d->is_null = true;
		if (!text_nil(pa->value))
			*changed = true;
		return;
	}
	if (mime_param_get(&d->value, (const struct mime_param *)p->items, p->count, d->name,
			   &d->flags) != 1) {
		d->is_null = true;
		*changed = true;
		return;
	}
	if (plain && alone && !same_text(d->value.buf, d->value.len, pa->value.s, pa->value.len))
		*changed = true;
}

/*
 * "params":{"charset":"us-ascii","filename":"résumé.pdf"}: names
 * lower-cased and joined (RFC 2231 continuations), values decoded;
 * "params_raw" (the list as sent) when the object does not show it as it
 * came; "params_flags":{"filename":["unknown-charset"]} for complaints.
 * A parameter whose name is not text is left out (it is in params_raw).
 */
static void put_params(struct json *j, const char *key, const struct imap_params *p)
{
	struct param_out *d;
	size_t i, k, n = 0;
	bool changed = false, complaints = false;

	if (!p->v)
		return;
	json_key(j, key);
	if (p->v->type == IMAP_VALUE_NIL) {
		json_null(j);
		return;
	}
	if (p->v->type != IMAP_VALUE_LIST || p->count != (p->v->count + 1) / 2 ||
	    p->count > MAX_PARAMS) {
		json_null(j);
		key2(j, key, "_raw");
		json_value(j, p->v);
		return;
	}
	changed = p->v->count % 2 != 0;
	d = xcalloc(p->count ? p->count : 1, sizeof(*d));
	for (i = 0; i < p->count; i++) {
		const struct imap_text name = p->items[i].name;
		size_t blen;
		bool dup = false;

		if (!param_name_ok(name)) {
			changed = true;
			continue;
		}
		blen = param_base(name.s, name.len);
		d[n].name = xmalloc(blen + 1);
		for (k = 0; k < blen; k++)
			d[n].name[k] = name.s[k] >= 'A' && name.s[k] <= 'Z' ?
					       (char)(name.s[k] - 'A' + 'a') : name.s[k];
		d[n].name[blen] = '\0';
		for (k = 0; k < n && !dup; k++)
			dup = strcmp(d[k].name, d[n].name) == 0;
		if (dup) {
			/* another piece of a name already written */
			free(d[n].name);
			d[n].name = NULL;
			changed = true;
			continue;
		}
		param_decode(p, i, &d[n], &changed);
		complaints |= (d[n].flags & COMPLAINTS) != 0;
		n++;
	}
	json_obj_open(j);
	for (i = 0; i < n; i++) {
		json_key_text(j, d[i].name, strlen(d[i].name));
		if (d[i].is_null)
			json_null(j);
		else
			json_str(j, d[i].value.buf, d[i].value.len);
	}
	json_obj_close(j);
	if (changed) {
		key2(j, key, "_raw");
		json_value(j, p->v);
	}
	if (complaints) {
		key2(j, key, "_flags");
		json_obj_open(j);
		for (i = 0; i < n; i++)
			if (d[i].flags & COMPLAINTS) {
				json_key_text(j, d[i].name, strlen(d[i].name));
				flag_array(j, d[i].flags);
			}
		json_obj_close(j);
	}
	for (i = 0; i < n; i++) {
		free(d[i].name);
		buf_release(&d[i].value);
	}
	free(d);
}

/* ---- body parts ------------------------------------------------------------ */

/* body-fld-dsp: {"type":"attachment","params":{..}}, null for NIL; a
 * bare string some servers send is {"type":..}. */
static void put_disposition(struct json *j, const struct imap_disposition *d)
{
	if (!d->v)
		return;
	json_key(j, "disposition");
	if (d->v->type == IMAP_VALUE_NIL) {
		json_null(j);
		return;
	}
	json_obj_open(j);
	put_lower(j, "type", d->type);
	put_params(j, "params", &d->params);
	if (d->v->type == IMAP_VALUE_LIST && d->v->count > 2) {
		json_key(j, "raw");
		json_value(j, d->v);
	}
	json_obj_close(j);
}

/* body-fld-lang: always an array (one string is an array of one). */
static void put_language(struct json *j, const struct imap_language *l)
{
	size_t i;

	if (!l->v)
		return;
	json_key(j, "language");
	if (l->v->type == IMAP_VALUE_NIL) {
		json_null(j);
		return;
	}
	json_arr_open(j);
	for (i = 0; i < l->count; i++)
		text_value(j, l->items[i]);
	json_arr_close(j);
}

/* The extension data (BODYSTRUCTURE only). */
static void put_ext(struct json *j, const struct imap_body *b)
{
	if (b->kind != IMAP_BODY_MULTIPART)
		put_field(j, "md5", b->md5);
	put_disposition(j, &b->disposition);
	put_language(j, &b->language);
	put_field(j, "location", b->location);
	if (b->ext_count) {
		json_key(j, "extensions");
		json_values(j, b->ext, b->ext_count);
	}
}

static void put_body(struct json *j, const struct imap_body *b, int extended);

/* body-fields and what follows them, for a part that is not multipart. */
static void put_single(struct json *j, const struct imap_body *b)
{
	const struct imap_value *size = imap_value_item(b->v, 6);

	put_params(j, "params", &b->params);
	put_field(j, "id", b->id);
	put_header(j, "description", b->description);
	put_lower(j, "encoding", b->encoding);
	if (b->has_size) {
		json_ku64(j, "size", b->size);
	} else if (size) {
		json_key(j, "size");
		json_null(j);
		if (size->type != IMAP_VALUE_NIL) {
			json_key(j, "size_raw");
			json_value(j, size);
		}
	}
	if (b->has_lines)
		json_ku64(j, "lines", b->lines);
	put_ext(j, b);
	if (b->kind == IMAP_BODY_MESSAGE) {
		if (b->envelope) {
			json_key(j, "envelope");
			put_envelope(j, b->envelope);
		}
		if (b->body) {
			json_key(j, "body");
			put_body(j, b->body, -1);
		}
	}
}

/* One part: "part" (its number for BODY[part], "" for a multipart that
 * has none) and "section" (what fetches its contents: "TEXT", "2.TEXT",
 * else the number); "extended" on the root only (extended >= 0). */
static void put_body(struct json *j, const struct imap_body *b, int extended)
{
	size_t i;

	json_obj_open(j);
	json_kcstr(j, "part", b->part);
	json_kcstr(j, "section", b->section);
	if (extended >= 0)
		json_kbool(j, "extended", extended != 0);
	if (j->depth > DEEP_PART) {
		/* too deep to nest further: the part's IMAP text, whole */
		struct render_opts raw = { .format = RENDER_RAW };
		struct buf t = BUF_INIT;

		render_value(&t, b->v, &raw);
		json_kstr(j, "imap", t.buf, t.len);
		buf_release(&t);
	} else if (b->kind == IMAP_BODY_INVALID) {
		json_key(j, "raw");
		json_value(j, b->v);
	} else {
		put_lower(j, "type", b->type);
		put_lower(j, "subtype", b->subtype);
		if (b->kind == IMAP_BODY_MULTIPART) {
			put_params(j, "params", &b->params);
			put_ext(j, b);
			json_key(j, "parts");
			json_arr_open(j);
			for (i = 0; i < b->nchildren; i++)
				put_body(j, &b->children[i], -1);
			json_arr_close(j);
		} else {
			put_single(j, b);
		}
	}
	json_obj_close(j);
}

/* ---- sections, sizes, the rest ---------------------------------------------- */

static void put_sections(struct json *j, const struct imap_fetch *f)
{
	size_t i, k;

	json_key(j, "sections");
	json_arr_open(j);
	for (i = 0; i < f->nsections; i++) {
		const struct imap_section *s = &f->sections[i];

		json_obj_open(j);
		json_kstr(j, "section", s->section.s, s->section.len);
		json_kstr(j, "part", s->part.s, s->part.len);
		json_kstr(j, "spec", s->spec.s, s->spec.len);
		if (s->has_origin)
			json_ku64(j, "origin", s->origin);
		json_kbool(j, "binary", s->binary);
		if (!s->section.v && s->key.s) {
			/* RFC822, RFC822.HEADER, RFC822.TEXT: the item's name */
			char item[16];

			for (k = 0; k < s->key.len && k < sizeof(item) - 1; k++)
				item[k] = s->key.s[k] >= 'a' && s->key.s[k] <= 'z' ?
						  (char)(s->key.s[k] - 'a' + 'A') : s->key.s[k];
			item[k] = '\0';
			json_kcstr(j, "item", item);
		}
		json_key(j, "data");
		json_value(j, s->value);
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void put_binary_sizes(struct json *j, const struct imap_fetch *f)
{
	size_t i;

	json_key(j, "binary_sizes");
	json_arr_open(j);
	for (i = 0; i < f->nbinary_sizes; i++) {
		json_obj_open(j);
		json_kstr(j, "section", f->binary_sizes[i].section.s, f->binary_sizes[i].section.len);
		json_ku64(j, "size", f->binary_sizes[i].size);
		json_obj_close(j);
	}
	json_arr_close(j);
}

/* Items the view did not take, in order: {"key":"X-FOO","value":..};
 * no "value" when the list ended after the key. */
static void put_items(struct json *j, const struct imap_fetch *f)
{
	size_t i;

	json_key(j, "items");
	json_arr_open(j);
	for (i = 0; i < f->nothers; i++) {
		json_obj_open(j);
		json_key(j, "key");
		text_value(j, f->others[i].key);
		if (f->others[i].value) {
			json_key(j, "value");
			json_value(j, f->others[i].value);
		}
		json_obj_close(j);
	}
	json_arr_close(j);
}

bool json_fetch(struct json *j, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_fetch *f;
	size_t i;

	if (!r || !imap_response_has_arena(r) || !(f = imap_fetch_view(r)))
		return false;
	json_kcstr(j, "type", "fetch");
	json_key(j, "seq");
	if (r->has_number)
		json_u64(j, r->number);
	else
		json_null(j);
	if (f->has_uid)
		json_ku64(j, "uid", f->uid);
	if (f->has_flags) {
		json_key(j, "flags");
		json_arr_open(j);
		for (i = 0; i < f->nflags; i++)
			text_value(j, f->flags[i]);
		json_arr_close(j);
	}
	if (f->has_rfc822_size)
		json_ku64(j, "size", f->rfc822_size);
	put_date(j, "internaldate", &f->internaldate);
	put_date(j, "savedate", &f->savedate);
	if (f->has_modseq)
		json_ku64(j, "modseq", f->modseq);
	if (f->has_preview)
		json_ktext(j, "preview", f->preview);
	if (f->has_emailid)
		json_ktext(j, "emailid", f->emailid);
	if (f->has_threadid)
		json_ktext(j, "threadid", f->threadid);
	if (f->has_gm_msgid)
		json_ku64(j, "gm_msgid", f->gm_msgid);
	if (f->has_gm_thrid)
		json_ku64(j, "gm_thrid", f->gm_thrid);
	if (f->has_gm_labels)
		put_labels(j, r, f, o && o->utf8_names);
	if (f->envelope) {
		json_key(j, "envelope");
		put_envelope(j, f->envelope);
	}
	if (f->body) {
		json_key(j, "body");
		put_body(j, f->body, f->body_is_structure);
	}
	if (f->nsections)
		put_sections(j, f);
	if (f->nbinary_sizes)
		put_binary_sizes(j, f);
	if (f->nothers)
		put_items(j, f);
	if (f->extra_count) {
		json_key(j, "extra");
		json_values(j, f->extra, f->extra_count);
	}
	return true;
}
