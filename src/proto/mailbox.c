/*
 * mailbox.c - typed views of mailbox names, LIST / LSUB / XLIST and
 * STATUS responses (see mailbox.h).  Pure functions over the parser's
 * values; everything they build lives in the response's arena.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "proto/mailbox.h"
#include "util/buf.h"
#include "util/utf7.h"

/* ------------------------------------------------------------------ */
/* small helpers */

/* An atom or number: a piece of an unquoted name. */
static bool is_word(const struct imap_value *v)
{
	return v && (v->type == IMAP_VALUE_ATOM || v->type == IMAP_VALUE_NUMBER) && v->str;
}

/* The texts of a list's items (or of v itself when it is not a list). */
static struct imap_text *texts_of(struct imap_response *r, const struct imap_value *v,
				  size_t *n_r)
{
	struct imap_text *t;
	size_t i, n;

	if (!v || v->type == IMAP_VALUE_NIL) {
		*n_r = 0;
		return NULL;
	}
	n = v->type == IMAP_VALUE_LIST ? v->count : 1;
	t = imap_view_array(r, n, sizeof(*t));
	for (i = 0; i < n; i++)
		t[i] = imap_value_text(v->type == IMAP_VALUE_LIST ? &v->items[i] : v);
	*n_r = n;
	return t;
}

/* ------------------------------------------------------------------ */
/* mailbox names */

/* Decodes out->wire into out->name (RFC 9051 sec. 5.1, 5.1.3). */
static void name_decode(struct imap_response *r, bool utf8, struct imap_mailbox_name *out)
{
	const char *s = out->wire.s;
	size_t len = out->wire.len;
	struct buf b = BUF_INIT;

	out->name = out->wire;
	if (!s)
		return;
	if (len == 5 && strncasecmp(s, "INBOX", 5) == 0) {
		out->inbox = true;
		out->name.s = "INBOX";
		return;
	}
	if (utf8) {
		out->invalid = !utf8_valid(s, len) || memchr(s, '\0', len) != NULL;
		return;
	}
	if (utf7_is_plain(s, len))
		return;
	if (utf7_decode(s, len, &b) == 0) {
		out->name.s = imap_response_strdup(r, b.buf, b.len);
		out->name.len = b.len;
	} else {
		out->invalid = true;
	}
	buf_release(&b);
}

void imap_mailbox_name_decode(struct imap_response *r, const struct imap_value *v,
			      bool utf8, struct imap_mailbox_name *out)
{
	memset(out, 0, sizeof(*out));
	out->wire = imap_value_text(v);
	name_decode(r, utf8, out);
}

/* The name from items[from] to items[to - 1]: one value, or several atoms
 * (an unquoted name with spaces) joined with single spaces. */
static void name_from_values(struct imap_response *r, const struct imap_value *items,
			     size_t from, size_t to, bool utf8,
			     struct imap_mailbox_name *out)
{
	size_t i, len = 0;
	char *s, *p;

	if (to - from < 2) {
		imap_mailbox_name_decode(r, &items[from], utf8, out);
		return;
	}
	for (i = from; i < to; i++)
		len += items[i].len + 1;
	p = s = imap_response_alloc(r, len);
	for (i = from; i < to; i++) {
		if (i > from)
			*p++ = ' ';
		memcpy(p, items[i].str, items[i].len);
		p += items[i].len;
	}
	*p = '\0';
	memset(out, 0, sizeof(*out));
	out->wire.s = s;
	out->wire.len = len - 1;
	out->wire.v = &items[from];
	out->joined = true;
	name_decode(r, utf8, out);
}

/* The end of the run of atoms starting at items[from], before limit. */
static size_t word_run(const struct imap_value *list, size_t from, size_t limit)
{
	size_t i = from;

	if (!is_word(imap_value_item(list, from)))
		return from + 1;
	while (i < limit && is_word(imap_value_item(list, i)))
		i++;
	return i;
}

/* ------------------------------------------------------------------ */
/* LIST */

static const struct {
	const char *name;
	unsigned bit;
} mbox_attrs[] = {
	{ "\\Noinferiors", IMAP_MBOX_NOINFERIORS },
	{ "\\Noselect", IMAP_MBOX_NOSELECT },
	{ "\\Marked", IMAP_MBOX_MARKED },
	{ "\\Unmarked", IMAP_MBOX_UNMARKED },
	{ "\\HasChildren", IMAP_MBOX_HASCHILDREN },
	{ "\\HasNoChildren", IMAP_MBOX_HASNOCHILDREN },
	{ "\\NonExistent", IMAP_MBOX_NONEXISTENT },
	{ "\\Subscribed", IMAP_MBOX_SUBSCRIBED },
	{ "\\Remote", IMAP_MBOX_REMOTE },
	{ "\\All", IMAP_MBOX_ALL },
	{ "\\Archive", IMAP_MBOX_ARCHIVE },
	{ "\\Drafts", IMAP_MBOX_DRAFTS },
	{ "\\Flagged", IMAP_MBOX_FLAGGED },
	{ "\\Junk", IMAP_MBOX_JUNK },
	{ "\\Sent", IMAP_MBOX_SENT },
	{ "\\Trash", IMAP_MBOX_TRASH },
	{ "\\Important", IMAP_MBOX_IMPORTANT },
	{ "\\Inbox", IMAP_MBOX_INBOX },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

const char *imap_mbox_attr_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < N_ELEMS(mbox_attrs); i++)
		if (mbox_attrs[i].bit == bit)
			return mbox_attrs[i].name;
	return NULL;
}

static unsigned attr_bit(struct imap_text t)
{
	size_t i;

	for (i = 0; i < N_ELEMS(mbox_attrs); i++)
		if (imap_text_is(t, mbox_attrs[i].name))
			return mbox_attrs[i].bit;
	return 0;
}

static void list_attrs(struct imap_response *r, const struct imap_value *v, struct imap_list *l)
{
	size_t i;

	l->attrs_v = v;
	l->attrs = texts_of(r, v, &l->nattrs);
	for (i = 0; i < l->nattrs; i++)
		l->attr_bits |= attr_bit(l->attrs[i]);
}

static void list_childinfo(struct imap_response *r, const struct imap_value *v,
			   struct imap_list *l)
{
	size_t i;

	l->childinfo = texts_of(r, v, &l->nchildinfo);
	for (i = 0; i < l->nchildinfo; i++)
		if (imap_text_is(l->childinfo[i], "SUBSCRIBED"))
			l->childinfo_subscribed = true;
}

/* RFC 9051: "OLDNAME" SP "(" mailbox ")"; a bare mailbox is taken too. */
static void list_oldname(struct imap_response *r, const struct imap_value *v, bool utf8,
			 struct imap_list *l)
{
	if (!v)
		return;
	if (v->type == IMAP_VALUE_LIST)
		v = imap_value_item(v, 0);
	if (!v)
		return;
	l->has_oldname = true;
	imap_mailbox_name_decode(r, v, utf8, &l->oldname);
}

/* RFC 5258: "(" tag SP value *(SP tag SP value) ")". */
static void list_ext(struct imap_response *r, const struct imap_value *v, bool utf8,
		     struct imap_list *l)
{
	size_t i;

	l->next = (v->count + 1) / 2;
	l->ext = imap_view_array(r, l->next, sizeof(*l->ext));
	for (i = 0; i < l->next; i++) {
		struct imap_list_ext *e = &l->ext[i];
		e->tag = imap_value_text(&v->items[2 * i]);
		e->value = imap_value_item(v, 2 * i + 1);
		if (imap_text_is(e->tag, "CHILDINFO") && !l->childinfo)
			list_childinfo(r, e->value, l);
		else if (imap_text_is(e->tag, "OLDNAME") && !l->has_oldname)
			list_oldname(r, e->value, utf8, l);
	}
}

static const struct {
	const char *name;
	enum imap_list_kind kind;
} list_kinds[] = {
	{ "LIST", IMAP_LIST_LIST },
	{ "LSUB", IMAP_LIST_LSUB },
	{ "XLIST", IMAP_LIST_XLIST },
};

static bool is_untagged(const struct imap_response *r, const char *name)
{
	return r && r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_STATUS_NONE &&
	       r->name && strcmp(r->name, name) == 0;
}

const struct imap_list *imap_list_view(struct imap_response *r, bool utf8)
{
	const struct imap_value *d;
	struct imap_list *l;
	size_t i, end;

	for (i = 0; i < N_ELEMS(list_kinds); i++)
		if (is_untagged(r, list_kinds[i].name))
			break;
	if (i == N_ELEMS(list_kinds))
		return NULL;
	l = imap_response_alloc(r, sizeof(*l));
	l->kind = list_kinds[i].kind;
	d = &r->data;
	l->truncated = d->count < 3;
	if (d->count > 0)
		list_attrs(r, &d->items[0], l);
	if (d->count > 1) {
		l->delimiter = imap_value_text(&d->items[1]);
		if (l->delimiter.s && l->delimiter.len == 1)
			l->delim = l->delimiter.s[0];
	}
	if (d->count < 3)
		return l;
	end = word_run(d, 2, d->count);
	name_from_values(r, d->items, 2, end, utf8, &l->mailbox);
	if (end < d->count && d->items[end].type == IMAP_VALUE_LIST)
		list_ext(r, &d->items[end++], utf8, l);
	l->rest = imap_view_array(r, d->count - end, sizeof(*l->rest));
	for (; end < d->count; end++)
		l->rest[l->nrest++] = &d->items[end];
	return l;
}

/* ------------------------------------------------------------------ */
/* STATUS */

#define SI(name, field) \
	{ name, offsetof(struct imap_status_data, has_##field), \
	  offsetof(struct imap_status_data, field) }

/* The numeric items (RFC 9051 sec. 7.3.2 and the extensions). */
static const struct {
	const char *name;
	size_t has, val;
} status_nums[] = {
	SI("MESSAGES", messages),
	SI("UIDNEXT", uidnext),
	SI("UIDVALIDITY", uidvalidity),
	SI("UNSEEN", unseen),
	SI("DELETED", deleted),
	SI("SIZE", size),
	SI("RECENT", recent),
	SI("HIGHESTMODSEQ", highestmodseq),
	SI("APPENDLIMIT", appendlimit),
	SI("DELETED-STORAGE", deleted_storage),
};

static bool status_num(struct imap_status_data *s, struct imap_status_item *it)
{
	size_t i;
	uint64_t n;

	for (i = 0; i < N_ELEMS(status_nums); i++) {
		if (!imap_text_is(it->name, status_nums[i].name))
			continue;
		if (!imap_value_number(it->value, &n))
			return false;
		*(bool *)((char *)s + status_nums[i].has) = true;
		*(uint64_t *)((char *)s + status_nums[i].val) = n;
		return true;
	}
	return false;
}

/* APPENDLIMIT NIL (RFC 7889), MAILBOXID (objectid) (RFC 8474), numbers. */
static bool status_item(struct imap_status_data *s, struct imap_status_item *it)
{
	const struct imap_value *v = it->value;

	if (imap_text_is(it->name, "APPENDLIMIT") && v && v->type == IMAP_VALUE_NIL) {
		s->has_appendlimit = s->appendlimit_nil = true;
		s->appendlimit = 0;
		return true;
	}
	if (imap_text_is(it->name, "MAILBOXID") && v) {
		if (v->type == IMAP_VALUE_LIST && v->count == 1)
			v = &v->items[0];
		s->mailboxid = imap_value_text(v);
		s->has_mailboxid = s->mailboxid.s != NULL;
		return s->has_mailboxid;
	}
	return status_num(s, it);
}

static void status_items(struct imap_response *r, const struct imap_value *v,
			 struct imap_status_data *s)
{
	size_t i;

	s->list = v;
	s->nitems = (v->count + 1) / 2;
	s->items = imap_view_array(r, s->nitems, sizeof(*s->items));
	for (i = 0; i < s->nitems; i++) {
		struct imap_status_item *it = &s->items[i];
		it->name = imap_value_text(&v->items[2 * i]);
		it->value = imap_value_item(v, 2 * i + 1);
		it->known = status_item(s, it);
	}
}

/* "* STATUS name (list)": the name is what comes before the first list
 * (several atoms when the server did not quote a name with spaces). */
const struct imap_status_data *imap_status_view(struct imap_response *r, bool utf8)
{
	const struct imap_value *d;
	struct imap_status_data *s;
	size_t lpos, end, i;

	if (!is_untagged(r, "STATUS"))
		return NULL;
	s = imap_response_alloc(r, sizeof(*s));
	d = &r->data;
	if (d->count == 0)
		return s;
	for (lpos = 1; lpos < d->count; lpos++)
		if (d->items[lpos].type == IMAP_VALUE_LIST)
			break;
	end = word_run(d, 0, lpos);
	if (end < lpos)         /* not all words: the first value is the name */
		end = 1;
	name_from_values(r, d->items, 0, end, utf8, &s->mailbox);
	if (lpos < d->count)
		status_items(r, &d->items[lpos], s);
	/* Anything else after the name is kept as it is. */
	s->rest = imap_view_array(r, d->count - end, sizeof(*s->rest));
	for (i = end; i < d->count; i++)
		if (i != lpos)
			s->rest[s->nrest++] = &d->items[i];
	return s;
}
