/*
 * pretty.c - untagged data shown through its typed view (proto/mailbox.h,
 * search.h, data.h) for people: mailbox names decoded and aligned, sets
 * compact with a count, THREAD as an indented tree, QUOTA with percentages
 * (render.h: render_pretty_view).  A view that kept values it did not
 * understand is not shown here: the generic line shows all of it.  The
 * table at the end names every view, also those of pretty_acl.c
 * (pretty_int.h); FETCH has its own file (pretty_fetch.c).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/pretty_int.h"
#include "shell/render.h"

#include <inttypes.h>
#include <string.h>

#include "proto/data.h"
#include "proto/mailbox.h"
#include "proto/search.h"

/* Mailbox names are padded to this many columns (longer ones push the
 * next column on), so that most LIST rows line up as they arrive. */
#define NAME_COLUMNS 24
/* THREAD: deeper levels are drawn at this indentation, marked. */
#define THREAD_MAX_INDENT 24

size_t render_text_columns(const char *s, size_t len)
{
	size_t i = 0, cols = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t n;

		if (c < 0x80) {
			cols++;
			i++;
			continue;
		}
		n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (i + n > len)
			n = len - i;
		cp = n == 1 ? c : (uint32_t)(c & (0x7F >> n));
		for (size_t k = 1; k < n; k++)
			cp = cp << 6 | ((unsigned char)s[i + k] & 0x3F);
		i += n;
		if (cp >= 0x300 && cp <= 0x36F)
			continue;
		if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
		    (cp >= 0x20000 && cp <= 0x3FFFD))
			cols += 2;
		else
			cols++;
	}
	return cols;
}

static void pad_to(struct buf *out, size_t start, size_t columns)
{
	size_t have = render_text_columns(out->buf + start, out->len - start);
	while (have++ < columns)
		buf_addch(out, ' ');
}

/* A mailbox name as people read it: decoded, made safe (an invalid one is
 * the text received; add_name_note() marks it at the end of the row). */
static void add_name(struct buf *out, const struct imap_mailbox_name *m)
{
	if (!m->name.s) {
		buf_adds(out, "NIL");
		return;
	}
	render_safe(out, m->name.s, m->name.len);
}

/* The end of a row: an invalid name marked, or the wire form when it
 * differs and o->show_wire asks for it. */
static void add_name_note(struct buf *out, const struct imap_mailbox_name *m,
			  const struct render_opts *o)
{
	if (m->invalid)
		buf_adds(out, o->utf8_names ? "  (not valid UTF-8)" : "  (not valid modified UTF-7)");
	else if (o->show_wire && m->wire.s &&
		 (m->wire.len != m->name.len || memcmp(m->wire.s, m->name.s, m->wire.len))) {
		buf_adds(out, "  (wire: ");
		render_safe(out, m->wire.s, m->wire.len);
		buf_addch(out, ')');
	}
}

void render_pretty_name(struct buf *out, const struct imap_mailbox_name *m,
			const struct render_opts *o)
{
	add_name(out, m);
	add_name_note(out, m, o);
}

static void add_text(struct buf *out, struct imap_text t)
{
	if (t.s)
		render_safe(out, t.s, t.len);
	else
		buf_adds(out, "NIL");
}

/* "1 message" / "2 messages" */
static void add_count(struct buf *out, uint64_t n, const char *one, const char *many)
{
	buf_addf(out, "%" PRIu64 " %s", n, n == 1 ? one : many);
}

void render_size(struct buf *out, uint64_t n)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		add_count(out, n, "byte", "bytes");
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	buf_addf(out, "%.1f %s", v, units[u]);
}

/* ---- LIST, LSUB, XLIST ---------------------------------------------------- */

static bool show_list(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_list *l = imap_list_view(r, o->utf8_names);
	size_t i, start;

	if (!l || l->truncated || l->nrest || !l->mailbox.name.s)
		return false;
	buf_addf(out, "* %s  ", r->name);
	start = out->len;
	add_name(out, &l->mailbox);
	pad_to(out, start, NAME_COLUMNS);
	buf_adds(out, "  ");
	if (l->delimiter.s)
		render_safe(out, l->delimiter.s, l->delimiter.len);
	else
		buf_adds(out, "NIL");
	for (i = 0; i < l->nattrs; i++) {
		buf_adds(out, i ? " " : "  ");
		add_text(out, l->attrs[i]);
	}
	for (i = 0; i < l->next; i++) {
		const struct imap_list_ext *e = &l->ext[i];
		buf_adds(out, "  ");
		if (imap_text_is(e->tag, "OLDNAME") && l->has_oldname) {
			buf_adds(out, "(was ");
			add_name(out, &l->oldname);
			buf_addch(out, ')');
			continue;
		}
		add_text(out, e->tag);
		if (e->value) {
			buf_addch(out, ' ');
			render_value(out, e->value, o);
		}
	}
	add_name_note(out, &l->mailbox, o);
	buf_adds(out, "\n");
	return true;
}

/* ---- STATUS --------------------------------------------------------------- */

static void sep(struct buf *out, bool *first)
{
	buf_adds(out, *first ? "  " : ", ");
	*first = false;
}

static bool show_status(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_status_data *s = imap_status_view(r, o->utf8_names);
	bool first = true;
	size_t i;

	if (!s || s->nrest || !s->list || !s->mailbox.name.s)
		return false;
	buf_adds(out, "* STATUS  ");
	add_name(out, &s->mailbox);
	if (s->has_messages) {
		sep(out, &first);
		add_count(out, s->messages, "message", "messages");
	}
	if (s->has_recent) {
		sep(out, &first);
		buf_addf(out, "%" PRIu64 " recent", s->recent);
	}
	if (s->has_unseen) {
		sep(out, &first);
		buf_addf(out, "%" PRIu64 " unseen", s->unseen);
	}
	if (s->has_deleted) {
		sep(out, &first);
		buf_addf(out, "%" PRIu64 " deleted", s->deleted);
	}
	if (s->has_size) {
		sep(out, &first);
		render_size(out, s->size);
	}
	/* the rest by their names, in the order sent */
	for (i = 0; i < s->nitems; i++) {
		const struct imap_status_item *it = &s->items[i];
		static const char *const shown[] = { "MESSAGES", "RECENT", "UNSEEN", "DELETED", "SIZE" };
		bool done = false;

		for (size_t k = 0; it->known && k < sizeof(shown) / sizeof(shown[0]); k++)
			done = done || imap_text_is(it->name, shown[k]);
		if (done)
			continue;
		sep(out, &first);
		add_text(out, it->name);
		if (it->value) {
			buf_addch(out, ' ');
			render_value(out, it->value, o);
		}
	}
	add_name_note(out, &s->mailbox, o);
	buf_adds(out, "\n");
	return true;
}

/* ---- SEARCH, SORT, ESEARCH ------------------------------------------------ */

/* SORT's answer: its order is the point, so only runs of three or more
 * rising numbers are joined ("1:12"); "12 8 7" stays as it is. */
static void add_in_order(struct buf *out, const uint32_t *nums, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j + 1 < n && nums[j + 1] == nums[j] + 1 && nums[j] != UINT32_MAX)
			j++;
		if (i)
			buf_addch(out, ' ');
		if (j - i >= 2) {
			buf_addf(out, "%" PRIu32 ":%" PRIu32, nums[i], nums[j]);
			i = j + 1;
		} else {
			buf_addf(out, "%" PRIu32, nums[i]);
			i++;
		}
	}
}

static bool show_search(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_search *s = imap_search_view(r);

	(void)o;
	if (!s || s->nrest)
		return false;
	buf_addf(out, "* %s  ", s->sort ? "SORT" : "SEARCH");
	if (!s->count) {
		buf_adds(out, "no matches");
	} else {
		add_count(out, s->count, s->sort ? "message" : "match",
			  s->sort ? "messages in order" : "matches");
		buf_adds(out, ": ");
		if (s->sort)
			add_in_order(out, s->nums, s->count);
		else
			imap_seqset_format(&s->set, " ", out);
	}
	if (s->has_modseq)
		buf_addf(out, "  (MODSEQ %" PRIu64 ")", s->modseq);
	buf_adds(out, "\n");
	return true;
}

static bool show_esearch(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_esearch *e = imap_esearch_view(r);
	size_t i;

	if (!e)
		return false;
	for (i = 0; i < e->nothers; i++)
		if (e->others[i].malformed)
			return false;
	buf_adds(out, "* ESEARCH");
	if (e->uid)
		buf_adds(out, "  UIDs");
	if (e->has_count) {
		buf_adds(out, "  ");
		add_count(out, e->count, "match", "matches");
	}
	if (e->has_min)
		buf_addf(out, "  min %" PRIu32, e->min);
	if (e->has_max)
		buf_addf(out, "  max %" PRIu32, e->max);
	if (e->has_all) {
		buf_adds(out, "  all ");
		imap_seqset_format(&e->all, " ", out);
	}
	if (e->has_partial) {
		buf_addf(out, "  partial %" PRId64 ":%" PRId64 " ", e->partial.first, e->partial.last);
		if (e->partial.has_results)
			imap_seqset_format(&e->partial.results, " ", out);
		else
			buf_adds(out, "none");
	}
	for (i = 0; i < e->nupdates; i++) {
		buf_adds(out, e->updates[i].add ? "  added " : "  removed ");
		imap_seqset_format(&e->updates[i].set, " ", out);
		if (e->updates[i].position)
			buf_addf(out, " at %" PRIu32, e->updates[i].position);
	}
	if (e->has_modseq)
		buf_addf(out, "  (MODSEQ %" PRIu64 ")", e->modseq);
	if (!e->has_count && !e->has_min && !e->has_max && !e->has_all && !e->has_partial &&
	    !e->nothers && !e->nupdates)
		buf_adds(out, "  no matches");
	for (i = 0; i < e->nothers; i++) {
		buf_adds(out, "  ");
		add_text(out, e->others[i].name);
		if (e->others[i].value) {
			buf_addch(out, ' ');
			render_value(out, e->others[i].value, o);
		}
	}
	if (e->nupdates && e->tag.s && !o->show_wire) {
		/* which search it updates: the one sent with that tag */
		buf_adds(out, "  (update to ");
		render_safe(out, e->tag.s, e->tag.len);
		buf_addch(out, ')');
	} else if (o->show_wire && e->tag.s) {
		buf_adds(out, "  (tag ");
		render_safe(out, e->tag.s, e->tag.len);
		buf_addch(out, ')');
	}
	buf_adds(out, "\n");
	return true;
}

/* ---- VANISHED -------------------------------------------------------------- */

/*
 * "* VANISHED  3 UIDs expunged: 405 407 410" (RFC 7162 sec. 3.2.10): the
 * QRESYNC form of EXPUNGE, by UID.  With (EARLIER) it is the answer to a
 * SELECT (QRESYNC ...) or a UID FETCH (... VANISHED), gone before now, not
 * news: "expunged earlier".  Counted as UIDs, not messages: such a set may
 * hold UIDs the client never saw.  A set with "*" (known-uids has none)
 * cannot be counted: the generic line.
 */
static bool show_vanished(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_vanished *v = imap_vanished_view(r);
	bool star = false;
	uint64_t n;

	(void)o;
	if (!v || v->malformed)
		return false;
	n = imap_seqset_count(&v->uids, 0, &star);
	if (star || !n)
		return false;
	buf_adds(out, "* VANISHED  ");
	add_count(out, n, "UID", "UIDs");
	buf_adds(out, v->earlier ? " expunged earlier: " : " expunged: ");
	imap_seqset_format(&v->uids, " ", out);
	buf_adds(out, "\n");
	return true;
}

/* ---- THREAD --------------------------------------------------------------- */

static bool show_thread(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_thread *t = imap_thread_view(r);
	size_t i;

	(void)o;
	if (!t || t->nrest)
		return false;
	buf_adds(out, "* THREAD  ");
	add_count(out, t->nthreads, "thread", "threads");
	buf_adds(out, "\n");
	for (i = 0; i < t->count; i++) {
		const struct imap_thread_node *n = &t->nodes[i];
		size_t d = n->depth > THREAD_MAX_INDENT ? THREAD_MAX_INDENT : n->depth;

		buf_adds(out, "  ");
		for (size_t k = 0; k < d; k++)
			buf_adds(out, "  ");
		if (n->depth > THREAD_MAX_INDENT)
			buf_addf(out, "(level %zu) ", n->depth);
		if (n->msg)
			buf_addf(out, "%" PRIu32 "\n", n->msg);
		else
			buf_adds(out, "(not there)\n");
	}
	return true;
}

/* ---- QUOTA, QUOTAROOT, NAMESPACE ------------------------------------------ */

static bool show_quota(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_quota *q = imap_quota_view(r);
	size_t i;

	(void)o;
	if (!q || q->nrest || !q->list)
		return false;
	for (i = 0; i < q->nres; i++)
		if (!q->res[i].valid)
			return false;
	buf_adds(out, "* QUOTA  ");
	if (q->root.s && q->root.len)
		render_safe(out, q->root.s, q->root.len);
	else
		buf_adds(out, "\"\"");
	for (i = 0; i < q->nres; i++) {
		const struct imap_quota_resource *res = &q->res[i];
		bool storage = imap_text_is(res->name, "STORAGE");

		buf_adds(out, i ? ", " : "  ");
		add_text(out, res->name);
		buf_addch(out, ' ');
		/* STORAGE counts units of 1024 octets (RFC 9208 sec. 5.1) */
		if (storage && res->usage <= UINT64_MAX / 1024 && res->limit <= UINT64_MAX / 1024) {
			render_size(out, res->usage * 1024);
			buf_adds(out, " of ");
			render_size(out, res->limit * 1024);
		} else {
			buf_addf(out, "%" PRIu64 " of %" PRIu64, res->usage, res->limit);
		}
		if (res->limit)
			buf_addf(out, " (%.0f%%)", (double)res->usage * 100.0 / (double)res->limit);
	}
	buf_adds(out, "\n");
	return true;
}

static bool show_quotaroot(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_quotaroot *q = imap_quotaroot_view(r, o->utf8_names);
	size_t i;

	if (!q || !q->mailbox.name.s)
		return false;
	buf_adds(out, "* QUOTAROOT  ");
	add_name(out, &q->mailbox);
	buf_adds(out, q->nroots ? "  roots: " : "  no quota root");
	for (i = 0; i < q->nroots; i++) {
		if (i)
			buf_adds(out, ", ");
		if (q->roots[i].s && !q->roots[i].len)
			buf_adds(out, "\"\"");
		else
			add_text(out, q->roots[i]);
	}
	add_name_note(out, &q->mailbox, o);
	buf_adds(out, "\n");
	return true;
}

static void add_ns_group(struct buf *out, const char *label, const struct imap_ns_group *g)
{
	size_t i;

	buf_addf(out, "  %s ", label);
	if (g->nil || !g->count) {
		buf_adds(out, "none");
		return;
	}
	for (i = 0; i < g->count; i++) {
		const struct imap_ns_desc *d = &g->descs[i];
		if (i)
			buf_adds(out, ", ");
		buf_addch(out, '"');
		if (d->prefix.name.s)
			render_safe(out, d->prefix.name.s, d->prefix.name.len);
		buf_adds(out, "\" ");
		if (d->delimiter.s) {
			buf_addch(out, '"');
			render_safe(out, d->delimiter.s, d->delimiter.len);
			buf_addch(out, '"');
		} else {
			buf_adds(out, "NIL");
		}
	}
}

static bool show_namespace(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_namespace *n = imap_namespace_view(r, o->utf8_names);

	if (!n || n->nrest || !n->personal.v || !n->other.v || !n->shared.v)
		return false;
	buf_adds(out, "* NAMESPACE");
	add_ns_group(out, "personal", &n->personal);
	add_ns_group(out, "other users", &n->other);
	add_ns_group(out, "shared", &n->shared);
	buf_adds(out, "\n");
	return true;
}

/* ---- CAPABILITY, wrapped to the terminal ------------------------------------ */

/* Words after what out holds since line (the start of its line), each
 * line at most width columns, continuation lines indented to indent. */
static void wrap_words(struct buf *out, size_t line, size_t indent, const struct imap_text *w,
		       size_t n, size_t width, const char *last)
{
	size_t col = render_text_columns(out->buf + line, out->len - line), i, k;

	for (i = 0; i < n; i++) {
		size_t wl = render_text_columns(w[i].s ? w[i].s : "", w[i].s ? w[i].len : 0);
		size_t extra = i + 1 == n && last ? strlen(last) : 0;
		if (i && col + 1 + wl + extra > width && col > indent) {
			buf_addch(out, '\n');
			for (k = 0; k < indent; k++)
				buf_addch(out, ' ');
			col = indent;
		} else if (i) {
			buf_addch(out, ' ');
			col++;
		}
		add_text(out, w[i]);
		col += wl;
	}
}

/*
 * "* CAPABILITY  IMAP4rev2 AUTH=PLAIN ..." and a status response with a
 * [CAPABILITY ...] code (the greeting), wrapped to o->width on a
 * terminal; a script (width 0) gets the line as sent, for grep.
 */
static bool show_caps(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_capability *c;
	size_t line = out->len, indent;

	if (!o->width)
		return false;
	c = r->status == IMAP_STATUS_NONE && !strcmp(r->name, "ENABLED") ? imap_enabled_view(r)
									  : imap_capability_view(r);
	if (!c || !c->count)
		return false;
	if (r->status == IMAP_STATUS_NONE) {
		buf_addf(out, "* %s  ", r->name);
		indent = out->len - line;
		wrap_words(out, line, indent, c->caps, c->count, o->width, NULL);
		buf_addch(out, '\n');
		return true;
	}
	if (r->kind == IMAP_RESP_UNTAGGED)
		buf_adds(out, "* ");
	buf_addf(out, "%s [CAPABILITY ", imap_status_name(r->status));
	indent = out->len - line;
	wrap_words(out, line, indent, c->caps, c->count, o->width, "]");
	buf_addch(out, ']');
	if (r->text && r->text_len) {
		size_t col = render_text_columns(out->buf + line, out->len - line);
		const char *nl = NULL;
		size_t i;
		for (i = out->len; i > line; i--)
			if (out->buf[i - 1] == '\n') {
				nl = out->buf + i;
				break;
			}
		if (nl)
			col = render_text_columns(nl, (size_t)(out->buf + out->len - nl));
		if (col + 1 + render_text_columns(r->text, r->text_len) > o->width) {
			buf_addch(out, '\n');
			for (i = 0; i < indent; i++)
				buf_addch(out, ' ');
		} else
			buf_addch(out, ' ');
		render_safe(out, r->text, r->text_len);
	}
	buf_addch(out, '\n');
	return true;
}

/* ---- the table ------------------------------------------------------------ */

/* Every view by the response's name (FETCH apart: render_pretty_fetch). */
static const struct {
	const char *name;
	bool (*show)(struct buf *out, struct imap_response *r, const struct render_opts *o);
} views[] = {
	{ "LIST", show_list },
	{ "LSUB", show_list },
	{ "XLIST", show_list },
	{ "STATUS", show_status },
	{ "SEARCH", show_search },
	{ "SORT", show_search },
	{ "ESEARCH", show_esearch },
	{ "VANISHED", show_vanished },
	{ "THREAD", show_thread },
	{ "QUOTA", show_quota },
	{ "QUOTAROOT", show_quotaroot },
	{ "NAMESPACE", show_namespace },
	{ "CAPABILITY", show_caps },
	{ "ENABLED", show_caps },
	/* pretty_acl.c */
	{ "ACL", pretty_acl },
	{ "MYRIGHTS", pretty_myrights },
	{ "LISTRIGHTS", pretty_listrights },
	{ "METADATA", pretty_metadata },
};

bool render_pretty_view(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	size_t i, start = out->len;
	bool done = false;

	if (r->status != IMAP_STATUS_NONE && r->kind != IMAP_RESP_CONTINUATION &&
	    r->code_name && !strcmp(r->code_name, "CAPABILITY")) {
		done = show_caps(out, r, o);
		if (!done)
			buf_setlen(out, start);
		return done;
	}
	if (r->kind != IMAP_RESP_UNTAGGED || r->status != IMAP_STATUS_NONE)
		return false;
	if (!strcmp(r->name, "FETCH"))
		return render_pretty_fetch(out, r, o);
	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (!strcmp(r->name, views[i].name)) {
			done = views[i].show(out, r, o);
			break;
		}
	if (!done)
		buf_setlen(out, start); /* nothing half-written */
	return done;
}
