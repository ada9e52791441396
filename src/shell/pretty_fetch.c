/*
 * pretty_fetch.c - a FETCH response shown through its typed view
 * (proto/fetch.h) for people: the message's items on the first line, the
 * ENVELOPE decoded (RFC 2047) as labelled header lines, BODYSTRUCTURE as
 * an aligned table of parts (render.h: render_pretty_fetch), PREVIEW and
 * SNIPPET as a line of text each.  A FETCH with body sections (literal
 * data) is left to the generic renderer, which streams big literals.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/render.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/fetch.h"
#include "proto/mime.h"
#include "util/base64.h"
#include "util/charset.h"
#include "util/xalloc.h"

/* Envelope labels are padded to this width ("In-Reply-To "). */
#define LABEL_COLUMNS 12
/* Parts table: its columns, and how deep the type column indents. */
enum { COL_PART, COL_TYPE, COL_ENCODING, COL_SIZE, COL_LINES, COL_EXTRA, NCOLS };
#define MAX_INDENT 8

static void add_text(struct buf *out, struct imap_text t)
{
	if (t.s)
		render_safe(out, t.s, t.len);
	else
		buf_adds(out, "NIL");
}

/* Header text (a subject, a display name): RFC 2047 words decoded, then
 * made safe.  An unknown charset keeps its word as sent. */
static void add_header_text(struct buf *out, struct imap_text t)
{
	struct buf dec = BUF_INIT;

	if (!t.s)
		return;
	mime_decode_header(&dec, t.s, t.len);
	render_safe(out, dec.buf, dec.len);
	buf_release(&dec);
}

static void add_lower(struct buf *out, struct imap_text t)
{
	size_t start = out->len, i;

	add_text(out, t);
	for (i = start; i < out->len; i++)
		out->buf[i] = (char)tolower((unsigned char)out->buf[i]);
}

/* "2023-01-01 01:51:42 +01:00" in the server's own offset. */
static void add_date(struct buf *out, const struct imap_fetch_date *d)
{
	time_t local;
	struct tm tm;
	int off = d->tzoff < 0 ? -d->tzoff : d->tzoff;

	if (!d->parsed) {
		add_text(out, d->text);
		return;
	}
	local = d->t + (time_t)d->tzoff * 60;
	if (!gmtime_r(&local, &tm)) {
		add_text(out, d->text);
		return;
	}
	buf_addf(out, "%04d-%02d-%02d %02d:%02d:%02d %c%02d:%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 d->tzoff < 0 ? '-' : '+', off / 60, off % 60);
}

/*
 * SNIPPET (FUZZY "text") (draft-ietf-extra-imap-fetch-snippet, the draft
 * PREVIEW (RFC 8970) grew from; Dovecot sends the text as a literal).
 * fetch.h does not type it, so it is read here from the item kept as
 * received: an algorithm name and a text, shown as PREVIEW is.  Any other
 * shape (NIL or "" for the text, a literal not kept in memory, more
 * values) is not a snippet here: the item is shown as sent.
 */
static bool snippet_of(const struct imap_fetch_item *it, struct imap_text *alg,
		       struct imap_text *text)
{
	const struct imap_value *v = it->value, *a, *t;

	if (!imap_text_is(it->key, "SNIPPET") || !v || v->type != IMAP_VALUE_LIST || v->count != 2)
		return false;
	a = &v->items[0];
	t = &v->items[1];
	if (a->type != IMAP_VALUE_ATOM || !a->str || !a->len)
		return false;
	if ((t->type != IMAP_VALUE_QUOTED && t->type != IMAP_VALUE_LITERAL) || t->sunk || !t->str ||
	    !t->len)
		return false;
	*alg = imap_value_text(a);
	*text = imap_value_text(t);
	return true;
}

static bool is_snippet(const struct imap_fetch_item *it)
{
	struct imap_text alg, text;

	return snippet_of(it, &alg, &text);
}

/* ---- the first line ------------------------------------------------------- */

static void first_line(struct buf *out, const struct imap_response *r,
		       const struct imap_fetch *f, const struct render_opts *o)
{
	size_t i, mark;
	bool snippets = false;

	buf_addf(out, "* %" PRIu64 " FETCH", f->seq);
	mark = out->len;
	if (f->has_uid)
		buf_addf(out, "  UID %" PRIu64, f->uid);
	if (f->has_flags) {
		buf_adds(out, "  ");
		if (!f->nflags)
			buf_adds(out, "no flags");
		for (i = 0; i < f->nflags; i++) {
			if (i)
				buf_addch(out, ' ');
			if (o->color)
				buf_adds(out, render_sgr(RENDER_SGR_FLAG));
			add_text(out, f->flags[i]);
			if (o->color)
				buf_adds(out, render_sgr(RENDER_SGR_RESET));
		}
	}
	if (f->has_rfc822_size) {
		buf_adds(out, "  ");
		render_size(out, f->rfc822_size);
	}
	if (f->internaldate.present) {
		buf_adds(out, "  received ");
		add_date(out, &f->internaldate);
	}
	if (f->savedate.present) {
		buf_adds(out, "  saved ");
		if (f->savedate.text.s)
			add_date(out, &f->savedate);
		else
			buf_adds(out, "NIL");
	}
	if (f->has_modseq)
		buf_addf(out, "  MODSEQ %" PRIu64, f->modseq);
	if (f->has_emailid) {
		buf_adds(out, "  EMAILID ");
		add_text(out, f->emailid);
	}
	if (f->has_threadid) {
		buf_adds(out, "  THREADID ");
		add_text(out, f->threadid);
	}
	if (f->has_gm_msgid)
		buf_addf(out, "  X-GM-MSGID %" PRIu64, f->gm_msgid);
	if (f->has_gm_thrid)
		buf_addf(out, "  X-GM-THRID %" PRIu64, f->gm_thrid);
	if (f->has_gm_labels) {
		buf_adds(out, "  X-GM-LABELS");
		for (i = 0; i < f->ngm_labels; i++) {
			buf_addch(out, ' ');
			add_text(out, f->gm_labels[i]);
		}
	}
	for (i = 0; i < f->nbinary_sizes; i++) {
		buf_adds(out, "  ");
		add_text(out, f->binary_sizes[i].key);
		buf_addf(out, " %" PRIu64, f->binary_sizes[i].size);
	}
	/* what the view did not understand, as sent (a snippet has its line) */
	for (i = 0; i < f->nothers; i++) {
		if (is_snippet(&f->others[i])) {
			snippets = true;
			continue;
		}
		buf_adds(out, "  ");
		add_text(out, f->others[i].key);
		if (f->others[i].value) {
			buf_addch(out, ' ');
			render_value(out, f->others[i].value, o);
		}
	}
	/* items the first line does not show come on lines of their own */
	if (out->len == mark && !f->envelope && !f->body && !f->nsections && !f->has_preview &&
	    !snippets && r->data.count)
		buf_adds(out, "  ()");
	buf_adds(out, "\n");
}

/* ---- the envelope ---------------------------------------------------------- */

static void label(struct buf *out, const char *name)
{
	buf_addf(out, "  %-*s", LABEL_COLUMNS, name);
}

/* A display name: decoded; quoted as RFC 5322 would when it holds a
 * character that separates addresses ("Smith, Walter"), so that a list of
 * them reads right. */
static void add_display_name(struct buf *out, struct imap_text name)
{
	size_t start = out->len, i;
	bool special = false;

	add_header_text(out, name);
	for (i = start; i < out->len && !special; i++)
		special = strchr(",;:<>@", out->buf[i]) != NULL;
	if (!special)
		return;
	{
		struct buf q = BUF_INIT;
		buf_addch(&q, '"');
		for (i = start; i < out->len; i++) {
			if (out->buf[i] == '"')
				buf_addch(&q, '\\');
			buf_addch(&q, out->buf[i]);
		}
		buf_addch(&q, '"');
		buf_setlen(out, start);
		buf_add(out, q.buf, q.len);
		buf_release(&q);
	}
}

static void add_address(struct buf *out, const struct imap_address *a)
{
	bool named = a->name.s && a->name.len;

	if (named) {
		add_display_name(out, a->name);
		buf_adds(out, " <");
	}
	if (a->mailbox.s)
		render_safe(out, a->mailbox.s, a->mailbox.len);
	if (a->host.s) {
		buf_addch(out, '@');
		render_safe(out, a->host.s, a->host.len);
	}
	if (named)
		buf_addch(out, '>');
}

static void add_addresses(struct buf *out, const struct imap_address_list *l)
{
	size_t i;
	bool sep = false;

	for (i = 0; i < l->count; i++) {
		const struct imap_address *a = &l->items[i];

		switch (a->kind) {
		case IMAP_ADDRESS_GROUP_START:
			if (sep)
				buf_adds(out, ", ");
			add_header_text(out, a->mailbox);
			buf_addch(out, ':');
			sep = false;
			break;
		case IMAP_ADDRESS_GROUP_END:
			buf_addch(out, ';');
			sep = true;
			break;
		case IMAP_ADDRESS_MAILBOX:
			buf_adds(out, sep ? ", " : (a->in_group ? " " : ""));
			add_address(out, a);
			sep = true;
			break;
		case IMAP_ADDRESS_INVALID:
		default:
			if (sep)
				buf_adds(out, ", ");
			if (a->v)
				render_value(out, a->v, NULL);
			sep = true;
			break;
		}
	}
}

static bool same_addresses(const struct imap_address_list *a, const struct imap_address_list *b)
{
	size_t i;

	if (a->count != b->count)
		return false;
	for (i = 0; i < a->count; i++) {
		const struct imap_address *x = &a->items[i], *y = &b->items[i];
		if (x->mailbox.len != y->mailbox.len || x->host.len != y->host.len ||
		    (x->mailbox.len && memcmp(x->mailbox.s, y->mailbox.s, x->mailbox.len)) ||
		    (x->host.len && memcmp(x->host.s, y->host.s, x->host.len)))
			return false;
	}
	return true;
}

static void address_line(struct buf *out, const char *name, const struct imap_address_list *l)
{
	if (!l->count)
		return;
	label(out, name);
	add_addresses(out, l);
	buf_addch(out, '\n');
}

static void envelope_lines(struct buf *out, const struct imap_envelope *e)
{
	if (e->date.s) {
		label(out, "Date");
		render_safe(out, e->date.s, e->date.len);
		buf_addch(out, '\n');
	}
	address_line(out, "From", &e->from);
	if (!same_addresses(&e->sender, &e->from))
		address_line(out, "Sender", &e->sender);
	if (!same_addresses(&e->reply_to, &e->from))
		address_line(out, "Reply-To", &e->reply_to);
	address_line(out, "To", &e->to);
	address_line(out, "Cc", &e->cc);
	address_line(out, "Bcc", &e->bcc);
	if (e->subject.s) {
		label(out, "Subject");
		add_header_text(out, e->subject);
		buf_addch(out, '\n');
	}
	if (e->message_id.s) {
		label(out, "Message-ID");
		render_safe(out, e->message_id.s, e->message_id.len);
		buf_addch(out, '\n');
	}
	if (e->in_reply_to.s && e->in_reply_to.len) {
		label(out, "In-Reply-To");
		render_safe(out, e->in_reply_to.s, e->in_reply_to.len);
		buf_addch(out, '\n');
	}
}

/* ---- the parts table --------------------------------------------------- */

/* A parameter decoded (RFC 2231, or RFC 2047 inside it), made safe;
 * false if the part has no such parameter. */
static bool add_param(struct buf *out, const struct imap_params *p, const char *name)
{
	struct buf dec = BUF_INIT;
	unsigned flags = 0;
	bool found;

	if (!p->count)
		return false;
	/* struct imap_param and struct mime_param are the same two texts */
	found = mime_param_get(&dec, (const struct mime_param *)p->items, p->count, name,
			       &flags) == 1;
	if (found)
		render_safe(out, dec.buf, dec.len);
	buf_release(&dec);
	return found;
}

static void part_cells(const struct imap_body *b, struct buf cells[NCOLS])
{
	struct buf *type = &cells[COL_TYPE];
	unsigned d = b->depth > MAX_INDENT ? MAX_INDENT : b->depth;

	buf_adds(&cells[COL_PART], b->part && b->part[0] ? b->part : "");
	while (d--)
		buf_adds(type, "  ");
	if (b->kind == IMAP_BODY_INVALID) {
		if (b->v)
			render_value(type, b->v, NULL);
		return;
	}
	add_lower(type, b->type);
	buf_addch(type, '/');
	add_lower(type, b->subtype);
	if (b->kind != IMAP_BODY_MULTIPART) {
		size_t at = type->len;
		buf_adds(type, "; charset=");
		if (!add_param(type, &b->params, "charset"))
			buf_setlen(type, at);
	}
	if (b->kind == IMAP_BODY_MULTIPART)
		return;
	if (b->encoding.s)
		add_lower(&cells[COL_ENCODING], b->encoding);
	if (b->has_size)
		render_size(&cells[COL_SIZE], b->size);
	if (b->has_lines)
		buf_addf(&cells[COL_LINES], "%" PRIu64 " line%s", b->lines, b->lines == 1 ? "" : "s");
	if (b->disposition.type.s) {
		add_lower(&cells[COL_EXTRA], b->disposition.type);
		buf_addch(&cells[COL_EXTRA], ' ');
	}
	{
		struct buf *x = &cells[COL_EXTRA];
		size_t at = x->len;
		buf_addch(x, '"');
		if (add_param(x, &b->disposition.params, "filename") ||
		    add_param(x, &b->params, "name"))
			buf_addch(x, '"');
		else
			buf_setlen(x, at);
	}
}

static void parts_table(struct buf *out, const struct imap_fetch *f)
{
	size_t width[NCOLS] = { 0 }, i, c, n = f->nparts;
	struct buf *cells = xcalloc(n * NCOLS, sizeof(*cells));

	for (i = 0; i < n * NCOLS; i++)
		buf_init(&cells[i], 0);

	for (i = 0; i < n; i++) {
		part_cells(f->parts[i], &cells[i * NCOLS]);
		for (c = 0; c < NCOLS; c++) {
			size_t w = render_text_columns(cells[i * NCOLS + c].buf,
						       cells[i * NCOLS + c].len);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (i = 0; i < n; i++) {
		size_t start;

		label(out, i ? "" : "Parts");
		start = out->len;
		for (c = 0; c < NCOLS; c++) {
			const struct buf *cell = &cells[i * NCOLS + c];
			size_t w = render_text_columns(cell->buf, cell->len);

			if (!width[c])
				continue;
			if (c)
				buf_adds(out, "  ");
			/* sizes and line counts right-aligned */
			if (c == COL_SIZE || c == COL_LINES)
				while (w++ < width[c])
					buf_addch(out, ' ');
			buf_add(out, cell->buf, cell->len);
			if (c != COL_SIZE && c != COL_LINES)
				while (w++ < width[c])
					buf_addch(out, ' ');
		}
		/* no blanks at the end of the row */
		while (out->len > start && out->buf[out->len - 1] == ' ')
			buf_setlen(out, out->len - 1);
		buf_addch(out, '\n');
	}
	for (i = 0; i < n * NCOLS; i++)
		buf_release(&cells[i]);
	free(cells);
}

/* A literal in v (sunk_only: one that went to the sink). */
static bool has_literal(const struct imap_value *v, bool sunk_only)
{
	size_t i;

	if (v->type == IMAP_VALUE_LITERAL)
		return !sunk_only || v->sunk;
	for (i = 0; v->type == IMAP_VALUE_LIST && i < v->count; i++)
		if (has_literal(&v->items[i], sunk_only))
			return true;
	return false;
}

/* ---- body sections ----------------------------------------------------------- */

/* The body part whose content a section is, when the FETCH also has its
 * structure: BODY[1.2], or BODY[TEXT] of a message of one part. */
static const struct imap_body *section_body(const struct imap_fetch *f,
					    const struct imap_section *sec)
{
	char part[64];

	if (!f->body)
		return NULL;
	if (sec->part.len && !sec->spec.len && sec->part.len < sizeof(part)) {
		memcpy(part, sec->part.s, sec->part.len);
		part[sec->part.len] = '\0';
		return imap_fetch_part(f, part);
	}
	if (!sec->part.len && imap_text_is(sec->spec, "TEXT") && f->body->kind != IMAP_BODY_MULTIPART)
		return f->body;
	return NULL;
}

/*
 * A text part's bytes for reading: its transfer encoding undone (not for
 * BINARY[], which the server decoded, nor for a partial fetch, which may
 * cut an encoded unit) and its charset converted to UTF-8.  Appends what
 * was done to note ("quoted-printable, ISO-8859-1") and returns true, or
 * returns false when there is nothing to decode (show the bytes as sent).
 */
static bool decode_part(struct buf *text, struct buf *note, const struct imap_body *b,
			const struct imap_section *sec, const char *s, size_t len)
{
	const struct imap_param *cs = imap_params_find(&b->params, "charset");
	struct buf raw = BUF_INIT;
	const char *data = s;
	size_t dlen = len;
	bool done = false;
	int rc;

	if (b->kind != IMAP_BODY_TEXT)
		return false;
	if (!sec->binary && !sec->has_origin && imap_text_is(b->encoding, "quoted-printable")) {
		mime_qp_decode(&raw, s, len);
		buf_adds(note, "quoted-printable");
	} else if (!sec->binary && !sec->has_origin && imap_text_is(b->encoding, "base64") &&
		   base64_decode(s, len, &raw) == 0) {
		buf_adds(note, "base64");
	}
	if (note->len) {
		data = raw.buf ? raw.buf : "";
		dlen = raw.len;
		done = true;
	}
	if (cs && cs->value.s && !imap_text_is(cs->value, "utf-8") &&
	    !imap_text_is(cs->value, "us-ascii") && !sec->has_origin) {
		rc = charset_to_utf8(text, cs->value.s, cs->value.len, data, dlen);
		if (note->len)
			buf_adds(note, ", ");
		if (rc & CHARSET_UNKNOWN) {
			buf_adds(note, "charset ");
			render_safe(note, cs->value.s, cs->value.len);
			buf_adds(note, " unknown: as sent");
			buf_add(text, data, dlen);
		} else {
			render_safe(note, cs->value.s, cs->value.len);
			if (rc & CHARSET_INVALID)
				buf_adds(note, ", bytes not valid in it shown as U+FFFD");
		}
		done = true;
	} else if (done) {
		buf_add(text, data, dlen);
	}
	buf_release(&raw);
	return done;
}

/* "  BODY[HEADER.FIELDS (SUBJECT)]  \"Subject: hi\"" for a short text,
 * else the key, size and what was decoded on a line, then the text. */
static void section_lines(struct buf *out, const struct imap_fetch *f,
			  const struct imap_section *sec, const struct render_opts *o)
{
	const struct imap_value *v = sec->value;
	const struct imap_body *b;
	struct buf text = BUF_INIT, note = BUF_INIT;

	buf_adds(out, "  ");
	add_text(out, sec->key);
	buf_adds(out, "  ");
	/* a text part decoded (in memory only: a spooled one is shown as
	 * sent, streamed) */
	b = v && (v->type == IMAP_VALUE_LITERAL || v->type == IMAP_VALUE_QUOTED) && v->str &&
		    !v->sunk ? section_body(f, sec) : NULL;
	if (b && decode_part(&text, &note, b, sec, v->str, v->len)) {
		buf_addf(out, "%zu bytes  decoded: ", v->len);
		buf_add(out, note.buf, note.len);
		buf_addch(out, '\n');
		render_text_block(out, text.buf ? text.buf : "", text.len, o->tty);
	} else {
		render_section_value(out, v, o);
	}
	buf_release(&text);
	buf_release(&note);
}

bool render_pretty_fetch(struct buf *out, struct imap_response *r, const struct render_opts *o)
{
	const struct imap_fetch *f;
	size_t i;

	f = imap_fetch_view(r);
	if (!f || f->extra_count)
		return false;
	/* and so is one among the items not understood: it has its lines */
	for (i = 0; i < f->nothers; i++)
		if (f->others[i].value && has_literal(f->others[i].value, false) &&
		    !is_snippet(&f->others[i]))
			return false;
	first_line(out, r, f, o);
	if (f->envelope)
		envelope_lines(out, f->envelope);
	if (f->has_preview) {
		/* RFC 8970 3.2: NIL is "none available now" (LAZY), "" a
		 * message without text to preview */
		label(out, "Preview");
		if (!f->preview.s)
			buf_adds(out, "(not available)");
		else if (!f->preview.len)
			buf_adds(out, "(empty)");
		else
			render_safe(out, f->preview.s, f->preview.len);
		buf_addch(out, '\n');
	}
	for (i = 0; i < f->nothers; i++) {
		struct imap_text alg, text;

		if (!snippet_of(&f->others[i], &alg, &text))
			continue;
		label(out, "Snippet");
		render_safe(out, text.s, text.len);
		buf_adds(out, "  (");
		render_safe(out, alg.s, alg.len);
		buf_adds(out, ")\n");
	}
	if (f->nparts)
		parts_table(out, f);
	for (i = 0; i < f->nsections; i++)
		section_lines(out, f, &f->sections[i], o);
	return true;
}
