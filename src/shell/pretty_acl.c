/*
 * pretty_acl.c - rights and annotations for people, rows of pretty.c's
 * table of views (pretty_int.h; render.h: render_pretty_view): ACL as a
 * table of identifiers and rights, MYRIGHTS and LISTRIGHTS on one line
 * each (RFC 4314), METADATA as a table of entries and values (RFC 5464).
 * Anything the view cannot read is left to the generic renderer.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/pretty_int.h"
#include "shell/render.h"

#include "proto/data.h"

/* Rows are padded so that the second column starts here. */
#define KEY_COLUMNS 18

static void add_safe(struct buf *out, struct imap_text t)
{
	render_safe(out, t.s ? t.s : "", t.s ? t.len : 0);
}

static void pad_to(struct buf *out, size_t start, size_t columns)
{
	size_t have = render_text_columns(out->buf + start, out->len - start);
	while (have++ < columns)
		buf_addch(out, ' ');
}

/* "* NAME  MAILBOX": the server's own ("") says so. */
static void head(struct buf *out, const char *name, const struct imap_mailbox_name *m,
		 const struct render_opts *o)
{
	buf_addf(out, "* %s  ", name);
	if (m->name.s && !m->name.len)
		buf_adds(out, "(server)");
	else
		render_pretty_name(out, m, o);
}

bool pretty_acl(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_acl *a = imap_acl_view(r, o->utf8_names);
	size_t i, start;

	if (!a)
		return false;
	head(out, "ACL", &a->mailbox, o);
	if (!a->count)
		buf_adds(out, "  no entries");
	buf_addch(out, '\n');
	for (i = 0; i < a->count; i++) {
		buf_adds(out, "  ");
		start = out->len;
		add_safe(out, a->entries[i].identifier);
		pad_to(out, start, KEY_COLUMNS);
		buf_addch(out, ' ');
		if (a->entries[i].rights.s)
			add_safe(out, a->entries[i].rights);
		else
			buf_adds(out, "(no rights given)");
		if (a->entries[i].negative)
			buf_adds(out, "  (denied)");
		buf_addch(out, '\n');
	}
	return true;
}

bool pretty_myrights(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_myrights *m = imap_myrights_view(r, o->utf8_names);

	if (!m || m->nrest || !m->rights.s)
		return false;
	head(out, "MYRIGHTS", &m->mailbox, o);
	buf_adds(out, "  ");
	if (m->rights.len)
		add_safe(out, m->rights);
	else
		buf_adds(out, "no rights");
	buf_addch(out, '\n');
	return true;
}

bool pretty_listrights(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_listrights *l = imap_listrights_view(r, o->utf8_names);
	size_t i;

	if (!l || !l->identifier.s || !l->required.s)
		return false;
	head(out, "LISTRIGHTS", &l->mailbox, o);
	buf_adds(out, "  ");
	add_safe(out, l->identifier);
	buf_adds(out, "  always: ");
	if (l->required.len)
		add_safe(out, l->required);
	else
		buf_adds(out, "none");
	buf_adds(out, "  may be given:");
	for (i = 0; i < l->noptional; i++) {
		buf_addch(out, ' ');
		add_safe(out, l->optional[i]);
	}
	if (!l->noptional)
		buf_adds(out, " nothing more");
	buf_addch(out, '\n');
	return true;
}

bool pretty_metadata(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_metadata *m = imap_metadata_view(r, o->utf8_names);
	size_t i, start;

	if (!m || m->nrest)
		return false;
	for (i = 0; i < m->count; i++)
		if (!m->entries_only && !m->entries[i].has_value)
			return false;
	head(out, "METADATA", &m->mailbox, o);
	if (m->entries_only) {
		/* unsolicited: these entries changed */
		buf_adds(out, "  changed:");
		for (i = 0; i < m->count; i++) {
			buf_addch(out, ' ');
			add_safe(out, m->entries[i].entry);
		}
		buf_addch(out, '\n');
		return true;
	}
	buf_addch(out, '\n');
	for (i = 0; i < m->count; i++) {
		buf_adds(out, "  ");
		start = out->len;
		add_safe(out, m->entries[i].entry);
		pad_to(out, start, KEY_COLUMNS);
		buf_addch(out, ' ');
		if (m->entries[i].value.s)
			add_safe(out, m->entries[i].value);
		else
			buf_adds(out, "(not set)");
		buf_addch(out, '\n');
	}
	return true;
}
