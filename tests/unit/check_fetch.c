/*
 * check_fetch.c - unit tests for src/proto/fetch.c and
 * src/proto/bodystructure.c: the FETCH view, ENVELOPE, BODYSTRUCTURE and
 * body sections.
 *
 * Each case is a response as exact wire bytes, parsed with the real
 * parser, and the expected dump of its view (dump_fetch(): one line per
 * item present, one per body part in pre-order).  Every dump also checks
 * the tree's invariants (depth, parent, lookup by part number, the walk
 * matching the flattened array).
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/bodystructure.h"
#include "proto/fetch.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"
#include "util/err.h"

Suite *fetch_suite(void);

/* ------------------------------------------------------------------ */
/* parsing */

/* A sink that drops the data (the handle: anything but NULL). */
static void *sink_begin(void *c, const struct imap_literal_info *i) { (void)c; return (void *)i; }
static int sink_data(void *c, void *h, const char *d, size_t n, struct imap_err *e)
{ (void)c, (void)h, (void)d, (void)n, (void)e; return 0; }
static int sink_end(void *c, void *h, struct imap_err *e) { (void)c, (void)h, (void)e; return 0; }
static void sink_abort(void *c, void *h) { (void)c, (void)h; }

/* One response from exact bytes; literals of at least sink_threshold
 * bytes go to a sink that drops them (0: no sink). */
static struct imap_response *parse_with(const char *wire, size_t len, uint64_t sink_threshold,
					size_t max_depth)
{
	struct imap_parser_limits lim = { 0 };
	struct imap_literal_sink sink = { sink_begin, sink_data, sink_end, sink_abort, NULL, 0 };
	struct imap_parser *p;
	struct imap_response *r = NULL;
	struct imap_err err = { 0 };
	int rc;

	lim.max_depth = max_depth;
	sink.threshold = sink_threshold;
	p = imap_parser_new(&lim);
	imap_parser_set_sink(p, sink_threshold ? &sink : NULL);
	imap_parser_feed(p, wire, len);
	rc = imap_parser_next(p, &r, &err);
	ck_assert_msg(rc == 1, "parse of %s: rc %d: %s", wire, rc, err.msg);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

/* ------------------------------------------------------------------ */
/* dumping views */

/* s readable on one line (\r \n \xHH), in double quotes if quote. */
static void esc(struct buf *b, const char *s, size_t len, bool quote)
{
	size_t i;

	if (quote)
		buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\r' || c == '\n')
			buf_adds(b, c == '\r' ? "\\r" : "\\n");
		else if (c >= 0x20 && c < 0x7f)
			buf_addch(b, c);
		else
			buf_addf(b, "\\x%02x", c);
	}
	if (quote)
		buf_addch(b, '"');
}

static void dump_value(struct buf *b, const struct imap_value *v)
{
	size_t i;

	if (!v)
		buf_adds(b, "(none)");
	else if (v->type == IMAP_VALUE_NIL)
		buf_adds(b, "NIL");
	else if (v->type == IMAP_VALUE_LIST) {
		buf_addch(b, '(');
		for (i = 0; i < v->count; i++) {
			if (i)
				buf_addch(b, ' ');
			dump_value(b, &v->items[i]);
		}
		buf_addch(b, ')');
	} else {
		if (v->type == IMAP_VALUE_LITERAL)
			buf_addf(b, "%s{%" PRIu64 "}", v->literal8 ? "~" : "", v->literal_size);
		if (v->sunk)
			buf_adds(b, "<sunk>");
		else
			esc(b, v->str, v->len,
			    v->type == IMAP_VALUE_QUOTED || v->type == IMAP_VALUE_LITERAL);
	}
}

/* Text quoted; NIL; "-" when absent; a sunk literal or list as its value. */
static void dump_text(struct buf *b, struct imap_text t, bool quote)
{
	if (t.s) {
		esc(b, t.s, t.len, quote);
	} else if (!t.v) {
		buf_adds(b, "-");
	} else {
		ck_assert_uint_eq(t.len, 0);
		dump_value(b, t.v);
	}
}

static void dump_text_sp(struct buf *b, struct imap_text t, const char *after)
{
	dump_text(b, t, true);
	buf_adds(b, after);
}

static void dump_params(struct buf *b, const char *label, const struct imap_params *p)
{
	size_t i;

	if (!p->v || p->v->type == IMAP_VALUE_NIL)
		return;
	if (p->v->type != IMAP_VALUE_LIST) {
		buf_addf(b, " %s=", label);
		dump_value(b, p->v);
		return;
	}
	buf_addf(b, " %s(", label);
	for (i = 0; i < p->count; i++) {
		if (i)
			buf_addch(b, ' ');
		dump_text(b, p->items[i].name, false);
		buf_addch(b, '=');
		dump_text(b, p->items[i].value, false);
	}
	buf_addch(b, ')');
}

/* " label=text" unless absent or NIL. */
static void dump_opt(struct buf *b, const char *label, struct imap_text t, bool quote)
{
	if (!t.s && (!t.v || t.v->type == IMAP_VALUE_NIL))
		return;
	buf_addf(b, " %s=", label);
	dump_text(b, t, quote);
}

static const char *const kind_names[] = { "BASIC", "TEXT", "MESSAGE", "MULTIPART", "INVALID" };

static void dump_part(struct buf *b, const struct imap_body *p)
{
	size_t i;

	buf_addf(b, "part %s sec=%s d=%u %s ", p->part, p->section, p->depth, kind_names[p->kind]);
	if (p->kind == IMAP_BODY_INVALID) {
		dump_value(b, p->v);
		buf_addch(b, '\n');
		return;
	}
	dump_text(b, p->type, false);
	buf_addch(b, '/');
	dump_text(b, p->subtype, false);
	if (p->kind == IMAP_BODY_MULTIPART)
		buf_addf(b, " n=%zu", p->nchildren);
	dump_params(b, "params", &p->params);
	dump_opt(b, "id", p->id, true);
	dump_opt(b, "desc", p->description, true);
	dump_opt(b, "enc", p->encoding, false);
	if (p->has_size)
		buf_addf(b, " size=%" PRIu64, p->size);
	if (p->has_lines)
		buf_addf(b, " lines=%" PRIu64, p->lines);
	if (p->envelope) {
		buf_adds(b, " env.subject=");
		dump_text(b, p->envelope->subject, true);
	}
	dump_opt(b, "md5", p->md5, true);
	if (p->disposition.v && p->disposition.v->type != IMAP_VALUE_NIL) {
		buf_adds(b, " dsp=");
		dump_text(b, p->disposition.type, false);
		dump_params(b, "", &p->disposition.params);
	}
	for (i = 0; i < p->language.count; i++) {
		buf_adds(b, i ? "," : " lang=");
		dump_text(b, p->language.items[i], false);
	}
	dump_opt(b, "loc", p->location, true);
	for (i = 0; i < p->ext_count; i++) {
		buf_adds(b, i ? " " : " ext=[");
		dump_value(b, &p->ext[i]);
	}
	if (p->ext_count)
		buf_addch(b, ']');
	buf_addch(b, '\n');
}

/* The invariants of a tree: parent and depth, lookups, walk = flatten. */
static void check_tree(const struct imap_fetch *f)
{
	const struct imap_body *w = f->body;
	size_t i;

	for (i = 0; i < f->nparts; i++, w = imap_body_next(w)) {
		const struct imap_body *p = f->parts[i];
		ck_assert_ptr_eq(w, p);
		ck_assert(i == 0 ? !p->parent && p->depth == 0
			  : p->parent && p->depth == p->parent->depth + 1);
		/* only a multipart has no number; a number finds its part */
		ck_assert(p->part[0] ? strcmp(p->section, p->part) == 0 && imap_fetch_part(f, p->part) == p
			  : p->kind == IMAP_BODY_MULTIPART);
	}
	ck_assert_ptr_null(w);
}

static void dump_addresses(struct buf *b, const char *label, const struct imap_address_list *l)
{
	size_t i;

	if (!l->v || l->v->type == IMAP_VALUE_NIL)
		return;
	buf_addf(b, "  %s:", label);
	if (l->v->type != IMAP_VALUE_LIST) {
		buf_addch(b, ' ');
		dump_value(b, l->v);
	}
	for (i = 0; i < l->count; i++) {
		const struct imap_address *a = &l->items[i];
		buf_addch(b, ' ');
		if (a->kind == IMAP_ADDRESS_MAILBOX) {
			buf_adds(b, a->in_group ? "+(" : "(");
			dump_text_sp(b, a->name, " ");
			dump_text_sp(b, a->adl, " ");
			dump_text_sp(b, a->mailbox, " ");
			dump_text_sp(b, a->host, ")");
		} else if (a->kind == IMAP_ADDRESS_GROUP_START) {
			buf_adds(b, "group:");
			dump_text(b, a->mailbox, true);
		} else if (a->kind == IMAP_ADDRESS_GROUP_END) {
			buf_adds(b, ";");
		} else {
			buf_addch(b, '?');
			dump_value(b, a->v);
		}
	}
	buf_addch(b, '\n');
}

static void dump_envelope(struct buf *b, const struct imap_envelope *e)
{
	size_t i;

	buf_adds(b, "envelope date=");
	dump_text_sp(b, e->date, " subject=");
	dump_text_sp(b, e->subject, " irt=");
	dump_text_sp(b, e->in_reply_to, " mid=");
	dump_text(b, e->message_id, true);
	for (i = 0; i < e->extra_count; i++) {
		buf_adds(b, " +");
		dump_value(b, &e->extra[i]);
	}
	buf_addch(b, '\n');
	dump_addresses(b, "from", &e->from);
	dump_addresses(b, "sender", &e->sender);
	dump_addresses(b, "reply-to", &e->reply_to);
	dump_addresses(b, "to", &e->to);
	dump_addresses(b, "cc", &e->cc);
	dump_addresses(b, "bcc", &e->bcc);
}

static void dump_date(struct buf *b, const char *label, const struct imap_fetch_date *d)
{
	if (!d->present)
		return;
	buf_addf(b, "%s ", label);
	dump_text(b, d->text, true);
	if (d->parsed)
		buf_addf(b, " t=%lld tz=%d", (long long)d->t, d->tzoff);
	buf_adds(b, d->parsed ? "\n" : " unparsed\n");
}

static void dump_texts(struct buf *b, const char *label, const struct imap_text *t, size_t n)
{
	size_t i;

	buf_adds(b, label);
	for (i = 0; i < n; i++) {
		buf_addch(b, ' ');
		dump_text(b, t[i], false);
	}
	buf_addch(b, '\n');
}

static void dump_sections(struct buf *b, const struct imap_fetch *f)
{
	size_t i;

	for (i = 0; i < f->nsections; i++) {
		const struct imap_section *s = &f->sections[i];
		buf_adds(b, "section ");
		dump_text(b, s->key, false);
		buf_adds(b, " sec=");
		dump_text_sp(b, s->section, " part=");
		dump_text_sp(b, s->part, " spec=");
		dump_text(b, s->spec, true);
		if (s->has_origin)
			buf_addf(b, " origin=%" PRIu64, s->origin);
		if (s->binary)
			buf_adds(b, " binary");
		buf_adds(b, " = ");
		dump_value(b, s->value);
		buf_addch(b, '\n');
	}
	for (i = 0; i < f->nbinary_sizes; i++) {
		buf_adds(b, "binary.size ");
		dump_text(b, f->binary_sizes[i].section, true);
		buf_addf(b, " %" PRIu64 "\n", f->binary_sizes[i].size);
	}
}

static void dump_line(struct buf *b, const char *label, bool has, struct imap_text t, bool quote)
{
	if (!has)
		return;
	buf_addf(b, "%s ", label);
	dump_text(b, t, quote);
	buf_addch(b, '\n');
}

static void dump_ids(struct buf *b, const struct imap_fetch *f)
{
	dump_line(b, "preview", f->has_preview, f->preview, true);
	dump_line(b, "emailid", f->has_emailid, f->emailid, false);
	dump_line(b, "threadid", f->has_threadid, f->threadid, false);
	if (f->has_gm_msgid)
		buf_addf(b, "gm-msgid %" PRIu64 "\n", f->gm_msgid);
	if (f->has_gm_thrid)
		buf_addf(b, "gm-thrid %" PRIu64 "\n", f->gm_thrid);
	if (f->has_gm_labels)
		dump_texts(b, "gm-labels", f->gm_labels, f->ngm_labels);
}

static void dump_fetch(struct buf *b, const struct imap_fetch *f)
{
	size_t i;

	buf_addf(b, "seq %" PRIu64 "\n", f->seq);
	if (f->has_uid)
		buf_addf(b, "uid %" PRIu64 "\n", f->uid);
	if (f->has_flags)
		dump_texts(b, "flags", f->flags, f->nflags);
	dump_date(b, "internaldate", &f->internaldate);
	if (f->has_rfc822_size)
		buf_addf(b, "size %" PRIu64 "\n", f->rfc822_size);
	if (f->has_modseq)
		buf_addf(b, "modseq %" PRIu64 "\n", f->modseq);
	dump_date(b, "savedate", &f->savedate);
	dump_ids(b, f);
	if (f->envelope)
		dump_envelope(b, f->envelope);
	ck_assert(f->body ? f->nparts > 0 : f->nparts == 0);
	if (f->body)
		buf_addf(b, "%s nparts=%zu\n", f->body_is_structure ? "bodystructure" : "body", f->nparts);
	for (i = 0; i < f->nparts; i++)
		dump_part(b, f->parts[i]);
	check_tree(f);
	dump_sections(b, f);
	for (i = 0; i < f->nothers; i++) {
		buf_adds(b, "other ");
		dump_text(b, f->others[i].key, false);
		buf_adds(b, " = ");
		dump_value(b, f->others[i].value);
		buf_addch(b, '\n');
	}
	for (i = 0; i < f->extra_count; i++) {
		buf_adds(b, "extra ");
		dump_value(b, &f->extra[i]);
		buf_addch(b, '\n');
	}
}

/* ------------------------------------------------------------------ */
/* the table runner */

struct fetch_case {
	const char *wire;
	size_t len;            /* 0: strlen(wire) */
	const char *expect;    /* the dump; NULL: imap_fetch_view() is NULL */
	uint64_t sink;         /* sink threshold, 0 for none */
	size_t max_depth;      /* parser limit, 0 for the default */
};

#define BIN(s) s, sizeof(s) - 1

static void run_cases(const struct fetch_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct fetch_case *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->wire);
		struct imap_response *r = parse_with(c->wire, len, c->sink, c->max_depth);
		const struct imap_fetch *f = imap_fetch_view(r);
		struct buf b = BUF_INIT;

		if (!c->expect) {
			ck_assert_msg(f == NULL, "case %zu: a view of %s", i, c->wire);
		} else {
			ck_assert_msg(f != NULL, "case %zu: no view of %s", i, c->wire);
			dump_fetch(&b, f);
			ck_assert_msg(strcmp(b.buf, c->expect) == 0,
				      "case %zu: %s\n--- got:\n%s--- expected:\n%s", i, c->wire,
				      b.buf, c->expect);
		}
		buf_release(&b);
		imap_response_free(r);
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

/* ------------------------------------------------------------------ */
/* items */

#define TERRY "(\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")"

static const struct fetch_case item_cases[] = {
	/* RFC 9051 sec. 7.5.2 */
	{ "* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n", 0,
	  "seq 23\nflags \\Seen\nsize 44827\n", 0, 0 },
	/* RFC 3501 sec. 6.4.8 (UID FETCH) */
	{ "* 25 FETCH (FLAGS (\\Seen) UID 4828442)\r\n", 0,
	  "seq 25\nuid 4828442\nflags \\Seen\n", 0, 0 },
	/* RFC 9051 sec. 8, the sample session: ENVELOPE and BODY */
	{ "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
	  "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
	  "\"IMAP4rev2 WG mtg summary and minutes\" (" TERRY ") (" TERRY ") (" TERRY ") "
	  "((NIL NIL \"imap\" \"cac.washington.edu\")) "
	  "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) "
	  "NIL NIL \"<B27397-0100000@cac.washington.edu>\") "
	  "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n", 0,
	  "seq 12\nflags \\Seen\n"
	  "internaldate \"17-Jul-1996 02:44:25 -0700\" t=837596665 tz=-420\n"
	  "size 4286\n"
	  "envelope date=\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
	  "subject=\"IMAP4rev2 WG mtg summary and minutes\" irt=NIL "
	  "mid=\"<B27397-0100000@cac.washington.edu>\"\n"
	  "  from: (\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")\n"
	  "  sender: (\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")\n"
	  "  reply-to: (\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")\n"
	  "  to: (NIL NIL \"imap\" \"cac.washington.edu\")\n"
	  "  cc: (NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")\n"
	  "body nparts=1\n"
	  "part 1 sec=1 d=0 TEXT TEXT/PLAIN params(CHARSET=US-ASCII) enc=7BIT size=3028 lines=92\n",
	  0, 0 },
	/* RFC 7162 sec. 3.1.4.1 */
	{ "* 7 FETCH (MODSEQ (12121231000) UID 4)\r\n", 0,
	  "seq 7\nuid 4\nmodseq 12121231000\n", 0, 0 },
	/* RFC 8474 sec. 5 */
	{ "* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) UID 1)\r\n", 0,
	  "seq 1\nuid 1\nemailid M6d99ac3275bb4e\nthreadid T64b478a75b7ea9\n", 0, 0 },
	{ "* 4 FETCH (EMAILID (M5fdc09b49ea703) THREADID NIL)\r\n", 0,
	  "seq 4\nemailid M5fdc09b49ea703\nthreadid NIL\n", 0, 0 },
	/* RFC 8970 sec. 5 */
	{ "* 1 FETCH (PREVIEW \"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\")\r\n", 0,
	  "seq 1\npreview \"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\"\n", 0, 0 },
	{ "* 3 FETCH (PREVIEW NIL)\r\n", 0, "seq 3\npreview NIL\n", 0, 0 },
	{ "* 2 FETCH (PREVIEW \"\")\r\n", 0, "seq 2\npreview \"\"\n", 0, 0 },
	/* RFC 8514 */
	{ "* 1 FETCH (UID 1 SAVEDATE \"29-Apr-2018 12:07:54 +0200\")\r\n", 0,
	  "seq 1\nuid 1\nsavedate \"29-Apr-2018 12:07:54 +0200\" t=1524996474 tz=120\n", 0, 0 },
	{ "* 2 FETCH (SAVEDATE NIL)\r\n", 0, "seq 2\nsavedate NIL unparsed\n", 0, 0 },
	/* Gmail (developers.google.com/gmail/imap/imap-extensions) */
	{ "* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 "
	  "X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\") UID 25)\r\n", 0,
	  "seq 1\nuid 25\ngm-msgid 1278455344230334866\ngm-thrid 1278455344230334865\n"
	  "gm-labels \\Inbox \\Sent Important Muy Importante\n", 0, 0 },
	{ "* 2 FETCH (X-GM-LABELS ())\r\n", 0, "seq 2\ngm-labels\n", 0, 0 },
	/* FLAGS (): present and empty; numbers as atoms or strings; case */
	{ "* 3 FETCH (flags () uid \"17\" Rfc822.Size 00042)\r\n", 0,
	  "seq 3\nuid 17\nflags\nsize 42\n", 0, 0 },
	/* an INTERNALDATE that does not parse, one with a NUL in it */
	{ "* 4 FETCH (INTERNALDATE \"yesterday\")\r\n", 0,
	  "seq 4\ninternaldate \"yesterday\" unparsed\n", 0, 0 },
	{ BIN("* 4 FETCH (INTERNALDATE {27}\r\n17-Jul-1996 02:44:25 -0700\0)\r\n"),
	  "seq 4\ninternaldate \"17-Jul-1996 02:44:25 -0700\\x00\" unparsed\n", 0, 0 },
	{ "* 5 FETCH (INTERNALDATE \" 1-Jan-2023 01:51:42 +0100\")\r\n", 0,
	  "seq 5\ninternaldate \" 1-Jan-2023 01:51:42 +0100\" t=1672534302 tz=60\n", 0, 0 },
	/* unknown items kept in order, with the shapes not understood */
	{ "* 6 FETCH (X-FOO (1 \"2\") UID abc MODSEQ 5 FLAGS NIL UID 9 UID 10 "
	  "X-GM-MSGID NIL EMAILID (a b) RFC822.SIZE -1 X-BAR NIL)\r\n", 0,
	  "seq 6\nuid 9\n"
	  "other X-FOO = (1 \"2\")\nother UID = abc\nother MODSEQ = 5\nother FLAGS = NIL\n"
	  "other UID = 10\nother X-GM-MSGID = NIL\nother EMAILID = (a b)\n"
	  "other RFC822.SIZE = -1\nother X-BAR = NIL\n", 0, 0 },
	/* an odd tail: what parsed is kept, the last key has no value */
	{ "* 7 FETCH (UID 5 FLAGS)\r\n", 0, "seq 7\nuid 5\nother FLAGS = (none)\n", 0, 0 },
	/* a key that is not an atom, then the pairs realign */
	{ "* 8 FETCH (\"UID\" 5 (x) y UID 6)\r\n", 0,
	  "seq 8\nuid 6\nother UID = 5\nother (x) = y\n", 0, 0 },
	/* empty, and values after the list */
	{ "* 9 FETCH ()\r\n", 0, "seq 9\n", 0, 0 },
	{ "* 9 FETCH (UID 1) junk (2)\r\n", 0, "seq 9\nuid 1\nextra junk\nextra (2)\n", 0, 0 },
	/* not a FETCH view */
	{ "* 9 FETCH UID 1\r\n", 0, NULL, 0, 0 },
	{ "* 9 FETCH\r\n", 0, NULL, 0, 0 },
	{ "* 9 EXISTS\r\n", 0, NULL, 0, 0 },
	{ "* OK [UIDVALIDITY 3] FETCH\r\n", 0, NULL, 0, 0 },
	{ "A1 OK FETCH done\r\n", 0, NULL, 0, 0 },
	{ "* SEARCH 2 3\r\n", 0, NULL, 0, 0 },
};

START_TEST(test_items)
{
	RUN(item_cases);
}
END_TEST

/* ------------------------------------------------------------------ */
/* envelope */

static const struct fetch_case envelope_cases[] = {
	/* undisclosed-recipients:; and a group with members; RFC 2047 kept raw */
	{ "* 1 FETCH (ENVELOPE (\"Mon, 1 Jan 2024 10:00:00 +0000\" "
	  "\"=?ISO-8859-1?Q?=D8rjan_=C5sli?=\" "
	  "((\"=?utf-8?B?w5hyamFuIMOFc2xp?=\" NIL \"orjan\" \"example.no\")) NIL NIL "
	  "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
	  "((NIL NIL \"Team\" NIL)(\"Ann\" NIL \"ann\" \"example.com\")(\"Bob\" NIL \"bob\" \"example.com\")"
	  "(NIL NIL NIL NIL)(\"Carl\" NIL \"carl\" \"example.org\")) "
	  "NIL \"<a@example.no>\" \"<b@example.no>\"))\r\n", 0,
	  "seq 1\n"
	  "envelope date=\"Mon, 1 Jan 2024 10:00:00 +0000\" "
	  "subject=\"=?ISO-8859-1?Q?=D8rjan_=C5sli?=\" irt=\"<a@example.no>\" mid=\"<b@example.no>\"\n"
	  "  from: (\"=?utf-8?B?w5hyamFuIMOFc2xp?=\" NIL \"orjan\" \"example.no\")\n"
	  "  to: group:\"undisclosed-recipients\" ;\n"
	  "  cc: group:\"Team\" +(\"Ann\" NIL \"ann\" \"example.com\") "
	  "+(\"Bob\" NIL \"bob\" \"example.com\") ; (\"Carl\" NIL \"carl\" \"example.org\")\n",
	  0, 0 },
	/* an empty group "Friends: ;", a source route (adl), a literal
	 * subject, lowercase NIL */
	{ "* 2 FETCH (ENVELOPE (NIL {44}\r\n=?ISO-8859-1?Q?=D8rjan_=C5sli?= \"quoted\" (x) "
	  "((\"Al\" \"@relay.example\" \"al\" \"example.net\")) nil NIL "
	  "((NIL NIL \"Friends\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL))\r\n", 0,
	  "seq 2\n"
	  "envelope date=NIL subject=\"=?ISO-8859-1?Q?=D8rjan_=C5sli?= \"quoted\" (x)\" irt=NIL mid=NIL\n"
	  "  from: (\"Al\" \"@relay.example\" \"al\" \"example.net\")\n"
	  "  to: group:\"Friends\" ;\n", 0, 0 },
	/* all NIL; short (fields absent); extra values; invalid addresses */
	{ "* 3 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", 0,
	  "seq 3\nenvelope date=NIL subject=NIL irt=NIL mid=NIL\n", 0, 0 },
	{ "* 4 FETCH (ENVELOPE (\"d\" \"s\"))\r\n", 0,
	  "seq 4\nenvelope date=\"d\" subject=\"s\" irt=- mid=-\n", 0, 0 },
	{ "* 5 FETCH (ENVELOPE (NIL NIL (x (\"a\" NIL \"b\") \"c\" (NIL NIL \"m\" \"h\" extra)) "
	  "\"notalist\" NIL NIL NIL NIL NIL NIL 42 (z)))\r\n", 0,
	  "seq 5\nenvelope date=NIL subject=NIL irt=NIL mid=NIL +42 +(z)\n"
	  "  from: ?x ?(\"a\" NIL \"b\") ?\"c\" (NIL NIL \"m\" \"h\")\n"
	  "  sender: \"notalist\"\n", 0, 0 },
	/* a group never closed, an end without a start (Exchange-style) */
	{ "* 6 FETCH (ENVELOPE (NIL NIL NIL NIL NIL ((NIL NIL NIL NIL)(\"A\" NIL \"a\" \"h\")"
	  "(NIL NIL \"g\" NIL)(\"B\" NIL \"b\" \"h\")) NIL NIL NIL NIL))\r\n", 0,
	  "seq 6\nenvelope date=NIL subject=NIL irt=NIL mid=NIL\n"
	  "  to: ; (\"A\" NIL \"a\" \"h\") group:\"g\" +(\"B\" NIL \"b\" \"h\")\n", 0, 0 },
	/* a sunk literal subject keeps its value */
	{ "* 7 FETCH (ENVELOPE (NIL {13}\r\nHello world\r\n NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", 0,
	  "seq 7\nenvelope date=NIL subject={13}<sunk> irt=NIL mid=NIL\n", 8, 0 },
	/* not a list: kept */
	{ "* 8 FETCH (ENVELOPE NIL)\r\n", 0, "seq 8\nother ENVELOPE = NIL\n", 0, 0 },
	{ "* 8 FETCH (ENVELOPE () ENVELOPE (NIL))\r\n", 0,
	  "seq 8\nenvelope date=- subject=- irt=- mid=-\nother ENVELOPE = (NIL)\n", 0, 0 },
};

START_TEST(test_envelope)
{
	RUN(envelope_cases);
}
END_TEST

/* ------------------------------------------------------------------ */
/* BODYSTRUCTURE */

#define PLAIN_GM "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 3262 59 NIL NIL NIL)"
#define HTML_GM "(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 2150 44 NIL NIL NIL)"
#define PLAIN_DC "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
#define HTML_DC "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 800 11 NIL NIL NIL NIL)"

static const struct fetch_case body_cases[] = {
	/* a single text part, Dovecot style (lowercase, all extension data) */
	{ "* 1 FETCH (BODYSTRUCTURE " PLAIN_DC ")\r\n", 0,
	  "seq 1\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 TEXT text/plain params(charset=us-ascii) enc=7bit size=12 lines=1\n",
	  0, 0 },
	/* RFC 3501 sec. 7.4.2, the BODYSTRUCTURE example (no extension data) */
	{ "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)"
	  "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
	  "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n", 0,
	  "seq 2\nbodystructure nparts=3\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/MIXED n=2\n"
	  "part 1 sec=1 d=1 TEXT TEXT/PLAIN params(CHARSET=US-ASCII) enc=7BIT size=1152 lines=23\n"
	  "part 2 sec=2 d=1 TEXT TEXT/PLAIN params(CHARSET=US-ASCII NAME=cc.diff) "
	  "id=\"<960723163407.20117h@cac.washington.edu>\" desc=\"Compiler diff\" enc=BASE64 "
	  "size=4554 lines=73\n", 0, 0 },
	/* multipart/alternative, Gmail style */
	{ "* 3 FETCH (UID 9 BODYSTRUCTURE (" PLAIN_GM HTML_GM " \"ALTERNATIVE\" "
	  "(\"BOUNDARY\" \"000000000000a1b2c3\") NIL NIL))\r\n", 0,
	  "seq 3\nuid 9\nbodystructure nparts=3\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/ALTERNATIVE n=2 params(BOUNDARY=000000000000a1b2c3)\n"
	  "part 1 sec=1 d=1 TEXT TEXT/PLAIN params(CHARSET=UTF-8) enc=QUOTED-PRINTABLE size=3262 lines=59\n"
	  "part 2 sec=2 d=1 TEXT TEXT/HTML params(CHARSET=UTF-8) enc=QUOTED-PRINTABLE size=2150 lines=44\n",
	  0, 0 },
	/* multipart/mixed with an attachment: disposition, RFC 2231 names
	 * kept raw, language, location, Dovecot's trailing NILs */
	{ "* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\" \"format\" \"flowed\") "
	  "NIL NIL \"8bit\" 120 4 NIL (\"inline\" NIL) \"de\" NIL)"
	  "(\"application\" \"pdf\" (\"name*\" \"utf-8''R%C3%A9sum%C3%A9.pdf\") NIL \"CV\" \"base64\" 73412 "
	  "\"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"attachment\" (\"filename*\" \"utf-8''R%C3%A9sum%C3%A9.pdf\" "
	  "\"size\" \"53648\")) (\"en\" \"fr\") \"https://example.com/cv.pdf\") "
	  "\"mixed\" (\"boundary\" \"=-abc\") NIL NIL NIL))\r\n", 0,
	  "seq 4\nbodystructure nparts=3\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/mixed n=2 params(boundary==-abc)\n"
	  "part 1 sec=1 d=1 TEXT text/plain params(charset=utf-8 format=flowed) enc=8bit size=120 lines=4"
	  " dsp=inline lang=de\n"
	  "part 2 sec=2 d=1 BASIC application/pdf params(name*=utf-8''R%C3%A9sum%C3%A9.pdf) desc=\"CV\" "
	  "enc=base64 size=73412 md5=\"Q2hlY2sgSW50ZWdyaXR5IQ==\" "
	  "dsp=attachment (filename*=utf-8''R%C3%A9sum%C3%A9.pdf size=53648) lang=en,fr "
	  "loc=\"https://example.com/cv.pdf\"\n", 0, 0 },
	/* nested multiparts: mixed(alternative(plain, html), image) */
	{ "* 5 FETCH (BODYSTRUCTURE ((" PLAIN_DC HTML_DC " \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)"
	  "(\"image\" \"png\" (\"name\" \"a.png\") \"<img1@x>\" NIL \"base64\" 4000 NIL "
	  "(\"inline\" (\"filename\" \"a.png\")) NIL NIL) \"related\" (\"boundary\" \"b1\" \"type\" "
	  "\"multipart/alternative\") NIL NIL NIL))\r\n", 0,
	  "seq 5\nbodystructure nparts=5\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/related n=2 params(boundary=b1 type=multipart/alternative)\n"
	  "part 1 sec=1 d=1 MULTIPART MULTIPART/alternative n=2 params(boundary=b2)\n"
	  "part 1.1 sec=1.1 d=2 TEXT text/plain params(charset=us-ascii) enc=7bit size=12 lines=1\n"
	  "part 1.2 sec=1.2 d=2 TEXT text/html params(charset=utf-8) enc=base64 size=800 lines=11\n"
	  "part 2 sec=2 d=1 BASIC image/png params(name=a.png) id=\"<img1@x>\" enc=base64 size=4000 "
	  "dsp=inline (filename=a.png)\n", 0, 0 },
	/* message/rfc822 inside multipart: 2, then 2's body (a multipart,
	 * no number of its own: 2.TEXT), 2.1 and its children 2.1.1 ... */
	{ "* 6 FETCH (BODYSTRUCTURE (" PLAIN_DC "(\"message\" \"rfc822\" NIL NIL \"fwd\" \"7bit\" 2000 "
	  "(\"Tue, 2 Jan 2024 10:00:00 +0000\" \"Inner\" ((NIL NIL \"x\" \"y\")) NIL NIL NIL NIL NIL NIL NIL) "
	  "((" PLAIN_DC HTML_DC " \"alternative\" (\"boundary\" \"b3\") NIL NIL NIL)"
	  "(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 100 NIL (\"attachment\" NIL) NIL NIL)"
	  " \"mixed\" (\"boundary\" \"b4\") NIL NIL NIL) 40 NIL (\"attachment\" NIL) NIL NIL)"
	  " \"mixed\" (\"boundary\" \"b0\") NIL NIL NIL))\r\n", 0,
	  "seq 6\nbodystructure nparts=8\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/mixed n=2 params(boundary=b0)\n"
	  "part 1 sec=1 d=1 TEXT text/plain params(charset=us-ascii) enc=7bit size=12 lines=1\n"
	  "part 2 sec=2 d=1 MESSAGE message/rfc822 desc=\"fwd\" enc=7bit size=2000 lines=40 "
	  "env.subject=\"Inner\" dsp=attachment\n"
	  "part  sec=2.TEXT d=2 MULTIPART MULTIPART/mixed n=2 params(boundary=b4)\n"
	  "part 2.1 sec=2.1 d=3 MULTIPART MULTIPART/alternative n=2 params(boundary=b3)\n"
	  "part 2.1.1 sec=2.1.1 d=4 TEXT text/plain params(charset=us-ascii) enc=7bit size=12 lines=1\n"
	  "part 2.1.2 sec=2.1.2 d=4 TEXT text/html params(charset=utf-8) enc=base64 size=800 lines=11\n"
	  "part 2.2 sec=2.2 d=3 BASIC application/octet-stream enc=base64 size=100 dsp=attachment\n",
	  0, 0 },
	/* a message/rfc822 whose body is one part: 2.1; message/global */
	{ "* 7 FETCH (BODY (" "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1)"
	  "(\"MESSAGE\" \"GLOBAL\" NIL NIL NIL \"8BIT\" 300 (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL) "
	  "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"8BIT\" 20 2) 9) \"MIXED\"))\r\n", 0,
	  "seq 7\nbody nparts=4\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/MIXED n=2\n"
	  "part 1 sec=1 d=1 TEXT TEXT/PLAIN enc=7BIT size=10 lines=1\n"
	  "part 2 sec=2 d=1 MESSAGE MESSAGE/GLOBAL enc=8BIT size=300 lines=9 env.subject=\"s\"\n"
	  "part 2.1 sec=2.1 d=2 TEXT TEXT/PLAIN params(CHARSET=UTF-8) enc=8BIT size=20 lines=2\n",
	  0, 0 },
	/* a message that is one message/rfc822: 1, 1.1 */
	{ "* 8 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 50 "
	  "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) (\"IMAGE\" \"GIF\" NIL NIL NIL \"BASE64\" 30) 3))\r\n", 0,
	  "seq 8\nbodystructure nparts=2\n"
	  "part 1 sec=1 d=0 MESSAGE MESSAGE/RFC822 enc=7BIT size=50 lines=3 env.subject=NIL\n"
	  "part 1.1 sec=1.1 d=1 BASIC IMAGE/GIF enc=BASE64 size=30\n", 0, 0 },
	/* extension data beyond location (Dovecot: body-extension values) */
	{ "* 9 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1 NIL NIL NIL "
	  "\"loc\" 42 (\"a\" (\"b\" 7)) NIL))\r\n", 0,
	  "seq 9\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 TEXT text/plain enc=7bit size=5 lines=1 loc=\"loc\" "
	  "ext=[42 (\"a\" (\"b\" 7)) NIL]\n", 0, 0 },
	{ "* 9 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1) \"mixed\" "
	  "(\"boundary\" \"x\") (\"inline\" NIL) \"en\" \"http://l\" 1 2))\r\n", 0,
	  "seq 9\nbodystructure nparts=2\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/mixed n=1 params(boundary=x) dsp=inline lang=en "
	  "loc=\"http://l\" ext=[1 2]\n"
	  "part 1 sec=1 d=1 TEXT text/plain enc=7bit size=5 lines=1\n", 0, 0 },
	/* unquoted atoms, numbers as strings, NIL where lists belong, a
	 * disposition as a bare string, text without lines but with md5 */
	{ "* 10 FETCH (BODYSTRUCTURE (text plain NIL NIL NIL 7bit \"12\" \"3\" NIL inline NIL NIL))\r\n", 0,
	  "seq 10\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 TEXT text/plain enc=7bit size=12 lines=3 dsp=inline\n", 0, 0 },
	{ "* 11 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 \"md5sum\" "
	  "(\"INLINE\" NIL) NIL))\r\n", 0,
	  "seq 11\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 TEXT TEXT/PLAIN enc=7BIT size=10 md5=\"md5sum\" dsp=INLINE\n", 0, 0 },
	/* params not a list, odd params, size NIL (Exchange) */
	{ "* 12 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"X\" \"junk\" NIL NIL \"BASE64\" NIL))\r\n", 0,
	  "seq 12\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 BASIC APPLICATION/X params=\"junk\" enc=BASE64\n", 0, 0 },
	{ "* 12 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"X\" (\"A\" \"1\" \"B\") NIL NIL \"BASE64\" 4))\r\n", 0,
	  "seq 12\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 BASIC APPLICATION/X params(A=1 B=-) enc=BASE64 size=4\n", 0, 0 },
	/* message/rfc822 without envelope and body (a broken server): basic */
	{ "* 13 FETCH (BODYSTRUCTURE (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 500))\r\n", 0,
	  "seq 13\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 BASIC MESSAGE/RFC822 enc=7BIT size=500\n", 0, 0 },
	/* a multipart with no parts (Exchange), and with no subtype */
	{ "* 14 FETCH (BODYSTRUCTURE (\"MIXED\" (\"BOUNDARY\" \"x\") NIL NIL))\r\n", 0,
	  "seq 14\nbodystructure nparts=1\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/MIXED n=0 params(BOUNDARY=x)\n", 0, 0 },
	{ "* 14 FETCH (BODYSTRUCTURE (\"ALTERNATIVE\"))\r\n", 0,
	  "seq 14\nbodystructure nparts=1\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/ALTERNATIVE n=0\n", 0, 0 },
	{ "* 14 FETCH (BODY ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)))\r\n", 0,
	  "seq 14\nbody nparts=2\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/- n=1\n"
	  "part 1 sec=1 d=1 TEXT TEXT/PLAIN enc=7BIT size=1 lines=1\n", 0, 0 },
	/* malformed trees: invalid parts keep their value and their number */
	{ "* 15 FETCH (BODYSTRUCTURE ())\r\n", 0,
	  "seq 15\nbodystructure nparts=1\npart 1 sec=1 d=0 INVALID ()\n", 0, 0 },
	{ "* 15 FETCH (BODYSTRUCTURE (NIL NIL))\r\n", 0,
	  "seq 15\nbodystructure nparts=1\npart 1 sec=1 d=0 INVALID (NIL NIL)\n", 0, 0 },
	{ "* 15 FETCH (BODYSTRUCTURE ((NIL) (\"TEXT\" 5) (\"TEXT\" \"PLAIN\") \"MIXED\"))\r\n", 0,
	  "seq 15\nbodystructure nparts=4\n"
	  "part  sec=TEXT d=0 MULTIPART MULTIPART/MIXED n=3\n"
	  "part 1 sec=1 d=1 INVALID (NIL)\n"
	  "part 2 sec=2 d=1 TEXT TEXT/5\n"
	  "part 3 sec=3 d=1 TEXT TEXT/PLAIN\n", 0, 0 },
	{ "* 15 FETCH (BODYSTRUCTURE NIL BODY \"x\")\r\n", 0,
	  "seq 15\nother BODYSTRUCTURE = NIL\nother BODY = \"x\"\n", 0, 0 },
	/* both BODY and BODYSTRUCTURE: the structure wins, BODY is kept */
	{ "* 16 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) "
	  "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL) "
	  "BODY (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 1 1))\r\n", 0,
	  "seq 16\nbodystructure nparts=1\n"
	  "part 1 sec=1 d=0 TEXT TEXT/PLAIN enc=7BIT size=1 lines=1\n"
	  "other BODY = (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)\n"
	  "other BODY = (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 1 1)\n", 0, 0 },
};

START_TEST(test_bodystructure)
{
	RUN(body_cases);
}
END_TEST

/* Nesting past IMAP_BODY_MAX_DEPTH: kept raw at the limit, no crash. */
START_TEST(test_body_depth)
{
	const size_t depth = IMAP_BODY_MAX_DEPTH + 10;
	struct buf wire = BUF_INIT;
	struct imap_response *r;
	const struct imap_fetch *f;
	const struct imap_body *last;
	size_t i;

	buf_adds(&wire, "* 1 FETCH (BODYSTRUCTURE ");
	for (i = 0; i < depth; i++)
		buf_addch(&wire, '(');
	buf_adds(&wire, "\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)");
	for (i = 1; i < depth; i++)
		buf_adds(&wire, " \"MIXED\")");
	buf_adds(&wire, ")\r\n");
	r = parse_with(wire.buf, wire.len, 0, depth + 10);
	f = imap_fetch_view(r);
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->nparts, IMAP_BODY_MAX_DEPTH + 1);
	last = f->parts[f->nparts - 1];
	/* the part at the limit is kept raw, the one above is read */
	ck_assert(last->kind == IMAP_BODY_INVALID && last->depth == IMAP_BODY_MAX_DEPTH &&
		  last->v->items[0].type == IMAP_VALUE_LIST);
	ck_assert_int_eq(f->parts[f->nparts - 2]->kind, IMAP_BODY_MULTIPART);
	/* "1.1. ... .1", one "1" a level below the root */
	buf_reset(&wire);
	for (i = 0; i < IMAP_BODY_MAX_DEPTH; i++)
		buf_adds(&wire, i ? ".1" : "1");
	ck_assert_str_eq(last->part, wire.buf);
	ck_assert_ptr_eq(imap_fetch_part(f, wire.buf), last);
	ck_assert_ptr_eq(imap_fetch_part(f, "1"), f->parts[1]);
	ck_assert(!imap_fetch_part(f, "") && !imap_fetch_part(f, "2"));
	imap_response_free(r);
	buf_release(&wire);
}
END_TEST

/* The tree helpers on their own, and lookups. */
START_TEST(test_body_helpers)
{
	static const char wire[] =
		"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\" \"FORMAT\" \"flowed\") "
		"NIL NIL \"7BIT\" 1 1)((\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 2)(\"IMAGE\" \"GIF\" NIL NIL "
		"NIL \"BASE64\" 3) \"MIXED\") \"MIXED\"))\r\n";
	struct imap_response *r = parse_with(wire, sizeof(wire) - 1, 0, 0);
	const struct imap_fetch *f = imap_fetch_view(r);
	const struct imap_body *b, *sub, **flat;
	const struct imap_param *p;
	size_t n;

	ck_assert_ptr_nonnull(f);
	b = imap_fetch_part(f, "1");
	ck_assert_ptr_nonnull(b);
	p = imap_params_find(&b->params, "format");
	ck_assert(p && p->value.len == 6 && memcmp(p->value.s, "flowed", 6) == 0);
	ck_assert(!imap_params_find(&b->params, "name") && !imap_params_find(NULL, "name"));
	sub = imap_fetch_part(f, "2");
	ck_assert_ptr_nonnull(sub);
	ck_assert_ptr_eq(imap_body_find(sub, "2.2"), &sub->children[1]);
	ck_assert_ptr_null(imap_body_find(sub, "1")); /* outside the subtree */
	flat = imap_body_flatten(r, sub, &n);
	ck_assert(n == 3 && flat[0] == sub && strcmp(flat[2]->part, "2.2") == 0);
	flat = imap_body_flatten(r, NULL, &n);
	ck_assert(flat && n == 0);
	ck_assert(!imap_body_next(NULL) && !imap_fetch_part(NULL, "1") && !imap_fetch_part(f, NULL));
	/* on their own, from values */
	ck_assert(!imap_body_view(r, NULL) && !imap_body_view(r, &f->v->items[0]));
	ck_assert(!imap_envelope_view(r, NULL) && !imap_fetch_view(NULL));
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* body sections */

static const struct fetch_case section_cases[] = {
	/* RFC 9051 sec. 8 */
	{ "* 12 FETCH (BODY[HEADER] {94}\r\nDate: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
	  "Subject: IMAP4rev2 WG mtg summary and minutes\r\n\r\n)\r\n", 0,
	  "seq 12\nsection BODY[HEADER] sec=\"HEADER\" part=\"\" spec=\"HEADER\" = {94}\"Date: Wed, "
	  "17 Jul 1996 02:23:25 -0700 (PDT)\\r\\nSubject: IMAP4rev2 WG mtg summary and minutes\\r\\n\\r\\n\"\n",
	  0, 0 },
	/* HEADER.FIELDS (one atom from the parser), origins, MIME, TEXT */
	{ "* 2 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT FROM)] {34}\r\nSubject: Hi\r\nFrom: a@b.example\r\n\r\n"
	  " BODY[1.2.MIME] \"Content-Type: text/plain\" BODY[]<0> {13}\r\nHello world\r\n"
	  " body[text]<1024> NIL BODY[2.HEADER.FIELDS.NOT (X-A)]<10> \"\")\r\n", 0,
	  "seq 2\nuid 7\n"
	  "section BODY[HEADER.FIELDS (SUBJECT FROM)] sec=\"HEADER.FIELDS (SUBJECT FROM)\" part=\"\" "
	  "spec=\"HEADER.FIELDS (SUBJECT FROM)\" = {34}\"Subject: Hi\\r\\nFrom: a@b.example\\r\\n\\r\\n\"\n"
	  "section BODY[1.2.MIME] sec=\"1.2.MIME\" part=\"1.2\" spec=\"MIME\" = \"Content-Type: text/plain\"\n"
	  "section BODY[]<0> sec=\"\" part=\"\" spec=\"\" origin=0 = {13}\"Hello world\\r\\n\"\n"
	  "section body[text]<1024> sec=\"text\" part=\"\" spec=\"text\" origin=1024 = NIL\n"
	  "section BODY[2.HEADER.FIELDS.NOT (X-A)]<10> sec=\"2.HEADER.FIELDS.NOT (X-A)\" part=\"2\" "
	  "spec=\"HEADER.FIELDS.NOT (X-A)\" origin=10 = \"\"\n", 0, 0 },
	/* RFC 3516: BINARY with literal8, BINARY.SIZE */
	{ BIN("* 3 FETCH (BINARY[1] ~{3}\r\n\x00\x01\x02 BINARY.SIZE[1] 3 BINARY[2]<5> NIL "
	      "BINARY.SIZE[2.1] 2412 BINARY[] \"x\")\r\n"),
	  "seq 3\n"
	  "section BINARY[1] sec=\"1\" part=\"1\" spec=\"\" binary = ~{3}\"\\x00\\x01\\x02\"\n"
	  "section BINARY[2]<5> sec=\"2\" part=\"2\" spec=\"\" origin=5 binary = NIL\n"
	  "section BINARY[] sec=\"\" part=\"\" spec=\"\" binary = \"x\"\n"
	  "binary.size \"1\" 3\nbinary.size \"2.1\" 2412\n", 0, 0 },
	/* RFC822, RFC822.HEADER, RFC822.TEXT (RFC 3501) */
	{ "* 4 FETCH (RFC822.HEADER {14}\r\nSubject: x\r\n\r\n RFC822.TEXT {10}\r\nthe text\r\n"
	  " RFC822 {19}\r\nFrom: a@b\r\n\r\nbody\r\n)\r\n", 0,
	  "seq 4\n"
	  "section RFC822.HEADER sec=\"HEADER\" part=\"\" spec=\"HEADER\" = {14}\"Subject: x\\r\\n\\r\\n\"\n"
	  "section RFC822.TEXT sec=\"TEXT\" part=\"\" spec=\"TEXT\" = {10}\"the text\\r\\n\"\n"
	  "section RFC822 sec=\"\" part=\"\" spec=\"\" = {19}\"From: a@b\\r\\n\\r\\nbody\\r\\n\"\n", 0, 0 },
	/* a sunk literal: value kept, str NULL */
	{ "* 5 FETCH (BODY[] {13}\r\nHello world\r\n BODY[1] {2}\r\nhi)\r\n", 0,
	  "seq 5\nsection BODY[] sec=\"\" part=\"\" spec=\"\" = {13}<sunk>\n"
	  "section BODY[1] sec=\"1\" part=\"1\" spec=\"\" = {2}\"hi\"\n", 10, 0 },
	/* part numbers in the section: digits only, dots between */
	{ "* 6 FETCH (BODY[1.] NIL BODY[.1] NIL BODY[12.3x] NIL BODY[4.5.6] NIL BODY.PEEK[1] NIL)\r\n", 0,
	  "seq 6\n"
	  "section BODY[1.] sec=\"1.\" part=\"1\" spec=\"\" = NIL\n"
	  "section BODY[.1] sec=\".1\" part=\"\" spec=\".1\" = NIL\n"
	  "section BODY[12.3x] sec=\"12.3x\" part=\"12\" spec=\"3x\" = NIL\n"
	  "section BODY[4.5.6] sec=\"4.5.6\" part=\"4.5.6\" spec=\"\" = NIL\n"
	  "section BODY.PEEK[1] sec=\"1\" part=\"1\" spec=\"\" = NIL\n", 0, 0 },
	/* keys that only look like sections: kept as others */
	{ "* 7 FETCH (BODY[1]<> NIL BODY[1]<x> NIL BODY[1]x NIL BODY[1]<99999999999999999999> NIL "
	  "BINARY.SIZE[1] \"big\" BINARY.SIZE[1]<0> 5 BINARY.SIZE 5 BODYX 1 BINARY.SIZE[3] 7)\r\n", 0,
	  "seq 7\nbinary.size \"3\" 7\n"
	  "other BODY[1]<> = NIL\nother BODY[1]<x> = NIL\nother BODY[1]x = NIL\n"
	  "other BODY[1]<99999999999999999999> = NIL\nother BINARY.SIZE[1] = \"big\"\n"
	  "other BINARY.SIZE[1]<0> = 5\nother BINARY.SIZE = 5\nother BODYX = 1\n", 0, 0 },
};

START_TEST(test_sections)
{
	RUN(section_cases);
}
END_TEST

START_TEST(test_section_lookup)
{
	static const char wire[] = "* 1 FETCH (BODY[1.MIME] \"a\" BINARY[1] \"b\" BODY[1] \"c\" "
				   "BODY[header] \"d\")\r\n";
	struct imap_response *r = parse_with(wire, sizeof(wire) - 1, 0, 0);
	const struct imap_fetch *f = imap_fetch_view(r);
	static const struct {
		const char *section;
		bool binary;
		const char *value; /* NULL: not found */
	} look[] = { { "1", false, "c" }, { "1", true, "b" }, { "HEADER", false, "d" },
		     { "1.mime", false, "a" }, { "2", false, NULL }, { NULL, false, NULL } };
	size_t i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; i < sizeof(look) / sizeof(look[0]); i++) {
		const struct imap_section *s = imap_fetch_section(f, look[i].section, look[i].binary);
		ck_assert(look[i].value ? s && strcmp(s->value->str, look[i].value) == 0 : !s);
	}
	ck_assert_ptr_null(imap_fetch_section(NULL, "1", false));
	/* a second view of the same response is built again, the same */
	ck_assert_ptr_ne(imap_fetch_view(r), f);
	ck_assert_uint_eq(imap_fetch_view(r)->nsections, 4);
	imap_response_free(r);
}
END_TEST

/* Every prefix of a rich response, its open strings and lists closed:
 * a view or NULL, never a crash (a small stand-in for the fuzzer). */
START_TEST(test_truncations)
{
	static const char rich[] =
		"* 6 FETCH (UID 3 FLAGS (\\Seen x) ENVELOPE (\"d\" \"s\" ((NIL NIL \"g\" NIL)(\"A\" NIL \"a\" \"h\")"
		"(NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL \"<m>\") BODYSTRUCTURE ((\"text\" \"plain\" "
		"(\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)(\"message\" \"rfc822\" NIL "
		"NIL NIL \"7bit\" 20 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ((\"text\" \"html\" NIL NIL NIL "
		"\"7bit\" 3 1) \"mixed\") 4 NIL (\"attachment\" (\"filename\" \"f\")) (\"en\") \"l\" 1) "
		"\"mixed\" (\"boundary\" \"b\") NIL NIL NIL) BODY[1]<0> \"abc\" BINARY.SIZE[2] 9 MODSEQ (3)";
	size_t cut, i;

	for (cut = 0; cut < sizeof(rich); cut++) {
		struct buf wire = BUF_INIT, d = BUF_INIT;
		struct imap_parser *p = imap_parser_new(NULL);
		struct imap_response *r = NULL;
		struct imap_err err = { 0 };
		int depth = 0, inq = 0;

		for (i = 0; i < cut; i++) {
			if (rich[i] == '"' && rich[i - 1] != '\\')
				inq = !inq;
			else if (!inq && (rich[i] == '(' || rich[i] == ')'))
				depth += rich[i] == '(' ? 1 : -1;
		}
		buf_add(&wire, rich, cut);
		buf_adds(&wire, cut && rich[cut - 1] == '\\' ? "x" : "");
		buf_adds(&wire, inq ? "\"" : "");
		while (depth-- > 0)
			buf_addch(&wire, ')');
		buf_adds(&wire, "\r\n");
		imap_parser_feed(p, wire.buf, wire.len);
		if (imap_parser_next(p, &r, &err) == 1) {
			if (imap_fetch_view(r))
				dump_fetch(&d, imap_fetch_view(r));
			imap_response_free(r);
		}
		imap_parser_free(p);
		buf_release(&wire);
		buf_release(&d);
	}
}
END_TEST

Suite *fetch_suite(void)
{
	Suite *s = suite_create("fetch");
	TCase *tc = tcase_create("items");

	tcase_add_test(tc, test_items);
	tcase_add_test(tc, test_envelope);
	suite_add_tcase(s, tc);

	tc = tcase_create("body");
	tcase_add_test(tc, test_bodystructure);
	tcase_add_test(tc, test_body_depth);
	tcase_add_test(tc, test_body_helpers);
	suite_add_tcase(s, tc);

	tc = tcase_create("sections");
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_section_lookup);
	tcase_add_test(tc, test_truncations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fetch_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
