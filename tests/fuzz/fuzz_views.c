/*
 * fuzz_views.c - libFuzzer target for the typed views of responses
 * (proto/view.h and the modules built on it: fetch.h, bodystructure.h,
 * code.h, search.h, seqset.h, mailbox.h, data.h, mime.h, and
 * util/charset.h under mime.c).
 *
 * Input: the first byte picks the options, the rest is what a server
 * sent, fed to the real parser.
 *   bit 0     utf8: mailbox names are UTF-8 (else modified UTF-7)
 *   bit 1     a literal sink with threshold bits 2-4 (0..7): literals that
 *             size or larger are sunk (str NULL in the tree)
 *   bits 5-7  chunk size: 0 whole, else 1, 2, 3, 5, 8, 13, 64 bytes a feed
 *
 * For every response the parser gives, EVERY builder is called (each must
 * return NULL or a view, whatever the response), plus imap_envelope_view()
 * and imap_body_view() on the first values of the data, and every view is
 * walked fully, reading every text byte (so ASan sees a pointer out of
 * bounds) and checking what the headers promise:
 *   - texts: s non-NULL means len bytes readable; NULL means len 0;
 *   - bodies: imap_body_flatten() equals the imap_body_next() walk (from
 *     the root and from each part, for its subtree), parent/depth/children
 *     links agree, imap_body_find(root, part) finds each numbered part,
 *     "" is never found, section is part unless part is "" (then "TEXT"
 *     or "N.TEXT"), fetch's parts[] is the flattened tree;
 *   - THREAD: nodes[] is the pre-order walk of the links, every link stays
 *     inside nodes[], parent/depth/nchildren/sibling links agree;
 *   - sequence sets: count <= 2^32 * ranges and <= 2^32-1, contains()
 *     agrees with imap_seqrange_bounds() at the ends of ranges and next to
 *     them (star 0 and 7), format then parse gives the same ranges;
 *     SEARCH/SORT numbers all lie in their set, SEARCH's set holds exactly
 *     the distinct numbers;
 *   - MIME: mime_decode_header() on every envelope subject and address
 *     name and mime_param_get() on every part's "name", "filename" and
 *     "charset" parameters (and the disposition's) give valid UTF-8 unless
 *     MIME_RAW_8BIT or MIME_UNKNOWN_CHARSET is returned (mime.h: invalid
 *     bytes become U+FFFD, MIME_INVALID; only raw 8-bit text and verbatim
 *     words in an unknown charset stay as received); not found leaves out
 *     unchanged with flags 0;
 *   - mailbox names: name.s NUL-terminated, NULL iff wire.s is, inbox for
 *     any case of INBOX, invalid exactly when the wire text is not valid
 *     modified UTF-7 (utf8: not valid UTF-8 or holds a NUL), and name is
 *     valid UTF-8 when not invalid;
 *   - codes: kind is imap_code_kind_of(name), name/raw/args are the
 *     response's; msgnum: malformed exactly as search.h says.
 * charset_cleanup() runs at exit so leak detection stays clean.
 *
 * Built by "make fuzz" (see the end of Makefile.am); by hand, from the top
 * of the tree, after configure in build-views:
 *   clang -g -fsanitize=fuzzer,address,undefined -I src -I build-views \
 *     tests/fuzz/fuzz_views.c src/proto/[a-z]*.c src/util/[a-z]*.c -o fuzz_views
 *   mkdir -p /tmp/fuzz-views && \
 *     ./fuzz_views -max_total_time=60 /tmp/fuzz-views tests/fuzz/corpus/views
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/bodystructure.h"
#include "proto/code.h"
#include "proto/data.h"
#include "proto/fetch.h"
#include "proto/mailbox.h"
#include "proto/mime.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "proto/search.h"
#include "proto/seqset.h"
#include "proto/view.h"
#include "util/buf.h"
#include "util/charset.h"
#include "util/err.h"
#include "util/utf7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "fuzz_views: check failed: %s (line %d)\n", #cond, __LINE__); \
	abort(); } } while (0)

/* struct imap_param and struct mime_param: "same members in the same order" */
_Static_assert(sizeof(struct imap_param) == sizeof(struct mime_param), "param size");
_Static_assert(offsetof(struct imap_param, value) == offsetof(struct mime_param, value),
	       "param layout");

static volatile unsigned sum_sink;

/* Reads every byte (ASan checks the pointer and length). */
static void touch(const void *p, size_t len)
{
	const unsigned char *s = p;
	unsigned sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += s[i];
	sum_sink += sum;
}

static void check_text(struct imap_text t)
{
	if (t.s)
		touch(t.s, t.len);
	else
		CHECK(t.len == 0);
}

static void check_texts(const struct imap_text *t, size_t n)
{
	size_t i;

	CHECK(n == 0 || t);
	for (i = 0; i < n; i++)
		check_text(t[i]);
}

/* A C string: readable up to its NUL. */
static void check_cstr(const char *s)
{
	CHECK(s);
	touch(s, strlen(s) + 1);
}

/* A value as the parser built it (read through, bounded depth). */
static void check_value(const struct imap_value *v, int depth)
{
	size_t i;

	if (!v)
		return;
	CHECK(depth < 1000);
	if (v->type == IMAP_VALUE_LIST) {
		CHECK(v->count == 0 || v->items);
		for (i = 0; i < v->count; i++)
			check_value(&v->items[i], depth + 1);
	} else if (v->str) {
		touch(v->str, v->len + 1);
	}
}

/* The values of a view's rest[]. */
static void check_values(const struct imap_value *const *vs, size_t n)
{
	size_t i;

	CHECK(n == 0 || vs);
	for (i = 0; i < n; i++) {
		CHECK(vs[i]);
		check_value(vs[i], 0);
	}
}

/* ------------------------------------------------------------------ */
/* MIME */

/* What mime.h promises of decoded text: UTF-8 unless raw 8-bit text or a
 * word in an unknown charset was kept as received. */
static void check_mime_out(const struct buf *out, size_t mark, unsigned flags)
{
	CHECK(out->len >= mark);
	CHECK((flags & ~(unsigned)(MIME_DECODED | MIME_UNKNOWN_CHARSET | MIME_INVALID |
				   MIME_RAW_8BIT | MIME_INCOMPLETE)) == 0);
	touch(out->buf, out->len);
	if (!(flags & (MIME_RAW_8BIT | MIME_UNKNOWN_CHARSET)) &&
	    !utf8_valid(out->buf + mark, out->len - mark)) {
		fprintf(stderr, "fuzz_views: flags %#x, output: ", flags);
		fwrite(out->buf + mark, 1, out->len - mark, stderr);
		fputc('\n', stderr);
		CHECK(!"decoded text is not UTF-8 and the flags do not say so");
	}
}

static void check_mime_header(struct imap_text t)
{
	struct buf out = BUF_INIT;
	unsigned flags;

	check_text(t);
	buf_adds(&out, "x"); /* appends: what was there stays */
	flags = mime_decode_header(&out, t.s, t.len);
	CHECK(out.buf[0] == 'x');
	if (!t.s)
		CHECK(out.len == 1 && flags == 0);
	check_mime_out(&out, 1, flags);
	buf_release(&out);
}

static void check_mime_param(const struct mime_param *params, size_t n, const char *name)
{
	struct buf out = BUF_INIT;
	unsigned flags = 12345;
	int found;

	buf_adds(&out, "x");
	found = mime_param_get(&out, params, n, name, &flags);
	CHECK(found == 0 || found == 1);
	CHECK(out.buf[0] == 'x');
	if (!found)
		CHECK(out.len == 1 && flags == 0);
	check_mime_out(&out, 1, flags);
	buf_release(&out);
}

static void check_params(struct imap_response *r, const struct imap_params *p)
{
	static const char *const names[] = { "name", "filename", "charset", "boundary" };
	struct mime_param *mp;
	size_t i, n;
	int rc;

	CHECK(p->count == 0 || p->items);
	for (i = 0; i < p->count; i++) {
		check_text(p->items[i].name);
		check_text(p->items[i].value);
		if (p->items[i].name.s && !memchr(p->items[i].name.s, '\0', p->items[i].name.len)) {
			char nm[64];
			const struct imap_param *f;
			if (p->items[i].name.len < sizeof(nm)) {
				memcpy(nm, p->items[i].name.s, p->items[i].name.len);
				nm[p->items[i].name.len] = '\0';
				f = imap_params_find(p, nm);
				CHECK(f && f <= &p->items[i] && f >= p->items);
				CHECK(f->name.len == p->items[i].name.len &&
				      strncasecmp(f->name.s, nm, f->name.len) == 0);
			}
		}
	}
	if (p->v)
		check_value(p->v, 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_mime_param((const struct mime_param *)p->items, p->count, names[i]);
	/* the same list read by mime.c itself */
	rc = mime_params_from_list(r, p->v, &mp, &n);
	CHECK(rc == 0 || rc == -1);
	CHECK(n == 0 || mp);
	if (rc < 0)
		CHECK(n == 0 && !mp);
	for (i = 0; i < n; i++) {
		check_text(mp[i].name);
		check_text(mp[i].value);
	}
	if (p->v && p->v->type == IMAP_VALUE_LIST)
		CHECK(n == p->v->count / 2);
	for (i = 0; i < 2; i++)
		check_mime_param(mp, n, names[i]);
}

/* ------------------------------------------------------------------ */
/* sequence sets */

static void check_seqset(struct imap_response *r, const struct imap_seqset *s)
{
	static const uint32_t stars[] = { 0, 7 };
	struct buf b = BUF_INIT, b2 = BUF_INIT;
	struct imap_seqset back;
	bool zero = false; /* a range of 0 (from_numbers() keeps one) */
	size_t i, k;

	CHECK((s->count == 0) == (s->ranges == NULL));
	touch(s->ranges, s->count * sizeof(*s->ranges));
	for (i = 0; i < s->count; i++)
		if ((!s->ranges[i].first && !s->ranges[i].first_star) ||
		    (!s->ranges[i].last && !s->ranges[i].last_star))
			zero = true;
	for (k = 0; k < 2; k++) {
		uint32_t star = stars[k];
		bool has_star = false, any_star = false;
		uint64_t n = imap_seqset_count(s, star, &has_star);
		CHECK(n <= (uint64_t)s->count << 32);
		CHECK(n <= UINT32_MAX);
		CHECK(s->count == 0 || n > 0 || zero);
		for (i = 0; i < s->count; i++) {
			const struct imap_seqrange *rg = &s->ranges[i];
			uint32_t lo, hi;
			if (rg->first_star || rg->last_star)
				any_star = true;
			if (rg->first_star)
				CHECK(rg->first == 0);
			if (rg->last_star)
				CHECK(rg->last == 0);
			imap_seqrange_bounds(rg, star, &lo, &hi);
			CHECK(lo <= hi);
			CHECK(lo == 0 || (uint64_t)hi - lo + 1 <= n);
			if (i < 8) {
				uint32_t probe[4];
				size_t j, m;
				probe[0] = lo;
				probe[1] = hi;
				probe[2] = lo - 1;
				probe[3] = hi + 1;
				for (j = 0; j < 4; j++) {
					bool want = false;
					for (m = 0; m < s->count; m++) {
						uint32_t l2, h2;
						imap_seqrange_bounds(&s->ranges[m], star, &l2, &h2);
						if (probe[j] >= l2 && probe[j] <= h2)
							want = true;
					}
					CHECK(imap_seqset_contains(s, probe[j], star) == want);
				}
				/* a range's own ends are in the set (0 only if a range of 0) */
				CHECK(lo == 0 || imap_seqset_contains(s, lo, star));
				CHECK(hi == 0 || imap_seqset_contains(s, hi, star));
			}
		}
		CHECK(has_star == any_star);
	}
	if (s->count == 0)
		return;
	imap_seqset_format(s, NULL, &b);
	imap_seqset_format(s, " ", &b2);
	CHECK(b.len == b2.len);
	for (i = 0; i < b.len; i++)
		CHECK(b.buf[i] == b2.buf[i] || (b.buf[i] == ',' && b2.buf[i] == ' '));
	if (!zero) {
		/* (a range of 0 formats as "0", which cannot parse back) */
		if (imap_seqset_parse(r, b.buf, b.len, &back) != 0) {
			fprintf(stderr, "fuzz_views: formatted set: %s\n", b.buf);
			CHECK(!"format then parse failed");
		}
		CHECK(back.count == s->count);
		for (i = 0; i < s->count; i++) {
			const struct imap_seqrange *a = &s->ranges[i], *c = &back.ranges[i];
			uint32_t af = a->first, al = a->last;
			/* "7:7" formats as "7" */
			CHECK(c->first == af && c->first_star == a->first_star);
			CHECK(c->last == al && c->last_star == a->last_star);
		}
	}
	buf_release(&b);
	buf_release(&b2);
}

/* ------------------------------------------------------------------ */
/* mailbox names */

static void check_name(const struct imap_mailbox_name *n, bool utf8)
{
	check_text(n->wire);
	check_text(n->name);
	CHECK(!n->wire.s == !n->name.s);
	if (!n->name.s) {
		CHECK(!n->inbox && !n->invalid);
		return;
	}
	CHECK(n->name.s[n->name.len] == '\0');
	if (n->inbox) {
		CHECK(n->name.len == 5 && memcmp(n->name.s, "INBOX", 5) == 0);
		CHECK(n->wire.len == 5 && strncasecmp(n->wire.s, "INBOX", 5) == 0);
		CHECK(!n->invalid);
		return;
	}
	CHECK(!(n->wire.len == 5 && strncasecmp(n->wire.s, "INBOX", 5) == 0));
	if (utf8) {
		bool bad = !utf8_valid(n->wire.s, n->wire.len) ||
			   memchr(n->wire.s, '\0', n->wire.len) != NULL;
		CHECK(n->invalid == bad);
		CHECK(n->name.len == n->wire.len && memcmp(n->name.s, n->wire.s, n->wire.len) == 0);
	} else {
		struct buf b = BUF_INIT;
		bool bad = !utf7_is_plain(n->wire.s, n->wire.len) &&
			   utf7_decode(n->wire.s, n->wire.len, &b) != 0;
		CHECK(n->invalid == bad);
		if (!bad && !utf7_is_plain(n->wire.s, n->wire.len))
			CHECK(n->name.len == b.len && memcmp(n->name.s, b.buf, b.len) == 0);
		else
			CHECK(n->name.len == n->wire.len &&
			      memcmp(n->name.s, n->wire.s, n->wire.len) == 0);
		buf_release(&b);
	}
	if (!n->invalid)
		CHECK(utf8_valid(n->name.s, n->name.len));
}

/* ------------------------------------------------------------------ */
/* ENVELOPE and BODY */

static void check_addresses(const struct imap_address_list *l)
{
	size_t i;

	CHECK(l->count == 0 || l->items);
	if (l->v)
		check_value(l->v, 0);
	else
		CHECK(l->count == 0);
	for (i = 0; i < l->count; i++) {
		const struct imap_address *a = &l->items[i];
		CHECK(a->kind <= IMAP_ADDRESS_INVALID);
		CHECK(a->v);
		if (a->in_group)
			CHECK(a->kind == IMAP_ADDRESS_MAILBOX);
		check_text(a->name);
		check_text(a->adl);
		check_text(a->mailbox);
		check_text(a->host);
		if (a->kind == IMAP_ADDRESS_GROUP_START)
			CHECK(!a->host.s);
		if (a->kind == IMAP_ADDRESS_GROUP_END)
			CHECK(!a->host.s && !a->mailbox.s);
		check_mime_header(a->name);
	}
}

static void check_envelope(const struct imap_envelope *e)
{
	if (!e)
		return;
	CHECK(e->v && e->v->type == IMAP_VALUE_LIST);
	check_text(e->date);
	check_text(e->subject);
	check_text(e->in_reply_to);
	check_text(e->message_id);
	check_addresses(&e->from);
	check_addresses(&e->sender);
	check_addresses(&e->reply_to);
	check_addresses(&e->to);
	check_addresses(&e->cc);
	check_addresses(&e->bcc);
	CHECK(e->extra_count == 0 || e->extra);
	CHECK(e->extra_count <= e->v->count);
	check_mime_header(e->subject);
}

static void check_tree(struct imap_response *r, const struct imap_body *root);

/* One part: its own fields and its links to its children. */
static void check_part(struct imap_response *r, const struct imap_body *root,
		       const struct imap_body *b)
{
	const struct imap_body *f;
	size_t i;

	CHECK(b->kind <= IMAP_BODY_INVALID);
	CHECK(b->v);
	check_cstr(b->part);
	check_cstr(b->section);
	if (b->parent)
		CHECK(b->depth == b->parent->depth + 1);
	CHECK(b->depth <= IMAP_BODY_MAX_DEPTH);
	if (b->part[0]) {
		CHECK(strcmp(b->part, b->section) == 0);
		f = imap_body_find(root, b->part);
		if (f != b) {
			fprintf(stderr, "fuzz_views: part \"%s\": found %p \"%s\", not %p\n",
				b->part, (const void *)f, f ? f->part : "", (const void *)b);
			CHECK(!"imap_body_find() does not find the part");
		}
	} else {
		size_t sl = strlen(b->section);
		CHECK(sl >= 4 && strcmp(b->section + sl - 4, "TEXT") == 0);
		CHECK(sl == 4 || b->section[sl - 5] == '.');
	}
	if (b->kind == IMAP_BODY_INVALID) {
		CHECK(b->nchildren == 0 && !b->body && !b->envelope);
		return;
	}
	check_text(b->type);
	check_text(b->subtype);
	check_text(b->id);
	check_text(b->description);
	check_text(b->encoding);
	check_text(b->md5);
	check_text(b->location);
	check_params(r, &b->params);
	check_text(b->disposition.type);
	check_params(r, &b->disposition.params);
	if (b->disposition.v)
		check_value(b->disposition.v, 0);
	check_texts(b->language.items, b->language.count);
	CHECK(b->ext_count == 0 || b->ext);
	for (i = 0; i < b->ext_count; i++)
		check_value(&b->ext[i], 0);
	CHECK(b->nchildren == 0 || b->children);
	if (b->kind != IMAP_BODY_MULTIPART)
		CHECK(b->nchildren == 0);
	else
		CHECK(b->type.s && !b->type.v && imap_text_is(b->type, "MULTIPART"));
	for (i = 0; i < b->nchildren; i++) {
		CHECK(b->children[i].parent == b);
		CHECK(b->children[i].depth == b->depth + 1);
	}
	if (b->kind == IMAP_BODY_MESSAGE) {
		CHECK(b->body);
		CHECK(b->body->parent == b && b->body->depth == b->depth + 1);
		check_envelope(b->envelope);
	} else {
		CHECK(!b->body);
	}
	if (b != root)
		check_tree(r, b); /* the subtree on its own: flatten == walk */
}

/* flatten(root) is the next() walk from root, restricted to root's subtree. */
static void check_walk(struct imap_response *r, const struct imap_body *root,
		       const struct imap_body ***parts_r, size_t *n_r)
{
	const struct imap_body **parts, *b;
	size_t n = 12345, i;

	parts = imap_body_flatten(r, root, &n);
	CHECK(parts || n == 0);
	CHECK(n >= 1);
	CHECK(parts[0] == root);
	for (i = 0, b = root; i < n; i++) {
		CHECK(b == parts[i]);
		CHECK(parts[i]->depth >= root->depth);
		CHECK(i == 0 || parts[i]->depth > root->depth);
		b = imap_body_next(b);
	}
	/* past the subtree: the walk goes on outside it, or ends */
	CHECK(!b || b->depth <= root->depth);
	*parts_r = parts;
	*n_r = n;
}

static int tree_depth;

static void check_tree(struct imap_response *r, const struct imap_body *root)
{
	const struct imap_body **parts;
	size_t n, i;

	if (!root)
		return;
	if (tree_depth > 0) {
		/* subtrees: walk only, the parts themselves are checked once */
		check_walk(r, root, &parts, &n);
		return;
	}
	tree_depth++;
	CHECK(!root->parent && root->depth == 0);
	check_walk(r, root, &parts, &n);
	CHECK(!imap_body_find(root, ""));
	for (i = 0; i < n; i++)
		check_part(r, root, parts[i]);
	tree_depth--;
}

/* ------------------------------------------------------------------ */
/* FETCH */

static void check_fetch(struct imap_response *r, const struct imap_fetch *f)
{
	const struct imap_body **parts;
	size_t i, n;

	if (!f)
		return;
	CHECK(r->kind == IMAP_RESP_UNTAGGED && strcmp(r->name, "FETCH") == 0);
	CHECK(f->v && f->v->type == IMAP_VALUE_LIST);
	CHECK(f->seq == (r->has_number ? r->number : 0));
	check_texts(f->flags, f->nflags);
	if (!f->has_flags)
		CHECK(f->nflags == 0);
	check_text(f->internaldate.text);
	check_text(f->savedate.text);
	check_text(f->preview);
	check_text(f->emailid);
	check_text(f->threadid);
	check_texts(f->gm_labels, f->ngm_labels);
	check_envelope(f->envelope);
	check_tree(r, f->body);
	parts = imap_body_flatten(r, f->body, &n);
	CHECK(n == f->nparts);
	CHECK(n == 0 || f->parts);
	for (i = 0; i < n; i++) {
		CHECK(parts[i] == f->parts[i]);
		if (parts[i]->part[0])
			CHECK(imap_fetch_part(f, parts[i]->part) == parts[i]);
	}
	if (!f->body)
		CHECK(f->nparts == 0 && !f->body_is_structure);
	CHECK(f->nsections == 0 || f->sections);
	for (i = 0; i < f->nsections; i++) {
		const struct imap_section *s = &f->sections[i];
		check_text(s->key);
		check_text(s->section);
		check_text(s->part);
		check_text(s->spec);
		check_value(s->value, 0);
		if (s->section.s && s->section.len < 200 &&
		    !memchr(s->section.s, '\0', s->section.len)) {
			char sec[200];
			const struct imap_section *found;
			memcpy(sec, s->section.s, s->section.len);
			sec[s->section.len] = '\0';
			found = imap_fetch_section(f, sec, s->binary);
			CHECK(found && found >= f->sections && found <= s);
			CHECK(found->binary == s->binary);
		}
	}
	CHECK(f->nbinary_sizes == 0 || f->binary_sizes);
	for (i = 0; i < f->nbinary_sizes; i++) {
		check_text(f->binary_sizes[i].key);
		check_text(f->binary_sizes[i].section);
		check_value(f->binary_sizes[i].value, 0);
	}
	CHECK(f->nothers == 0 || f->others);
	for (i = 0; i < f->nothers; i++) {
		check_text(f->others[i].key);
		check_value(f->others[i].value, 0);
	}
	CHECK(f->extra_count == 0 || f->extra);
	for (i = 0; i < f->extra_count; i++)
		check_value(&f->extra[i], 0);
}

/* ------------------------------------------------------------------ */
/* codes, search-like data */

static void check_code(struct imap_response *r, const struct imap_code *c)
{
	if (!c) {
		CHECK(!r->code_name);
		return;
	}
	CHECK(r->code_name);
	CHECK(c->name == r->code_name && c->raw == r->code_raw && c->args == &r->code_args);
	CHECK(c->kind == imap_code_kind_of(c->name));
	check_cstr(imap_code_kind_name(c->kind));
	check_cstr(imap_code_kind_desc(c->kind));
	check_texts(c->items, c->nitems);
	check_text(c->text);
	if (c->flag_wildcard)
		CHECK(c->kind == IMAP_CODE_PERMANENTFLAGS);
	check_seqset(r, &c->set);
	check_seqset(r, &c->set2);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void check_search(struct imap_response *r, const struct imap_search *s)
{
	size_t i, distinct = 0;
	uint32_t *sorted;

	if (!s)
		return;
	CHECK(s->sort == (strcmp(r->name, "SORT") == 0));
	CHECK(s->count == 0 || s->nums);
	check_values(s->rest, s->nrest);
	check_seqset(r, &s->set);
	if (s->count == 0) {
		CHECK(s->set.count == 0);
		return;
	}
	sorted = malloc(s->count * sizeof(*sorted));
	CHECK(sorted);
	memcpy(sorted, s->nums, s->count * sizeof(*sorted));
	qsort(sorted, s->count, sizeof(*sorted), cmp_u32);
	for (i = 0; i < s->count; i++) {
		CHECK(sorted[i] >= 1);
		if (i == 0 || sorted[i] != sorted[i - 1])
			distinct++;
		if (i < 64)
			CHECK(imap_seqset_contains(&s->set, s->nums[i], 0));
	}
	if (!s->sort) {
		CHECK(imap_seqset_count(&s->set, 0, NULL) == distinct);
		for (i = 1; i < s->set.count; i++)
			CHECK(s->set.ranges[i - 1].last < s->set.ranges[i].first);
	}
	CHECK(s->set.count <= s->count);
	free(sorted);
}

static void check_esearch(struct imap_response *r, const struct imap_esearch *e)
{
	size_t i;

	if (!e)
		return;
	check_value(e->correlator, 0);
	check_text(e->tag);
	check_seqset(r, &e->all);
	if (e->has_all)
		CHECK(e->all.count > 0);
	check_seqset(r, &e->partial.results);
	if (e->has_min)
		CHECK(e->min >= 1);
	if (e->has_max)
		CHECK(e->max >= 1);
	CHECK(e->nothers == 0 || e->others);
	for (i = 0; i < e->nothers; i++) {
		check_text(e->others[i].name);
		check_value(e->others[i].value, 0);
	}
}

static bool in_nodes(const struct imap_thread *t, const struct imap_thread_node *n)
{
	return n >= t->nodes && n < t->nodes + t->count;
}

static void check_thread(const struct imap_thread *t)
{
	const struct imap_thread_node *n, *root;
	size_t i, roots = 0;

	if (!t)
		return;
	check_values(t->rest, t->nrest);
	CHECK((t->count == 0) == (t->first == NULL));
	CHECK(t->count == 0 || (t->nodes && t->first == &t->nodes[0]));
	for (i = 0; i < t->count; i++) {
		const struct imap_thread_node *c;
		size_t kids = 0;
		n = &t->nodes[i];
		if (n->parent) {
			CHECK(in_nodes(t, n->parent) && n->parent < n);
			CHECK(n->depth == n->parent->depth + 1);
		} else {
			CHECK(n->depth == 0);
		}
		if (n->child) {
			CHECK(in_nodes(t, n->child) && n->child->parent == n);
			CHECK(n->child == n + 1); /* pre-order: the first child follows */
		}
		if (n->next) {
			CHECK(in_nodes(t, n->next) && n->next > n);
			CHECK(n->next->parent == n->parent && n->next->depth == n->depth);
		}
		for (c = n->child; c; c = c->next) {
			CHECK(kids < t->count);
			CHECK(c->parent == n);
			kids++;
		}
		CHECK(kids == n->nchildren);
		/* (a dummy, msg 0, may be left without children: "(()5)" and
		 * "((0))" keep their lists in rest[]) */
	}
	/* the pre-order walk of the links visits nodes[] in order */
	n = t->first;
	for (i = 0; i < t->count; i++) {
		CHECK(n == &t->nodes[i]);
		if (n->child) {
			n = n->child;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
	CHECK(n == NULL);
	for (root = t->first; root; root = root->next) {
		CHECK(!root->parent);
		CHECK(++roots <= t->count);
	}
	CHECK(roots == t->nthreads);
}

static void check_msgnum(struct imap_response *r, const struct imap_msgnum *m)
{
	bool bad;

	if (!m)
		return;
	CHECK(m->kind <= IMAP_MSGNUM_EXPUNGE);
	CHECK(strcmp(r->name, m->kind == IMAP_MSGNUM_EXISTS ? "EXISTS" :
		     m->kind == IMAP_MSGNUM_RECENT ? "RECENT" : "EXPUNGE") == 0);
	bad = !r->has_number || r->number > UINT32_MAX ||
	      (m->kind == IMAP_MSGNUM_EXPUNGE && r->number == 0);
	if (r->has_number)
		CHECK(m->number == r->number);
	CHECK(m->malformed == bad);
}

static void check_vanished(struct imap_response *r, const struct imap_vanished *v)
{
	if (!v)
		return;
	check_seqset(r, &v->uids);
	check_value(v->raw, 0);
	if (!v->malformed)
		CHECK(v->uids.count > 0);
}

/* ------------------------------------------------------------------ */
/* mailbox and server data */

static void check_list(const struct imap_list *l, bool utf8)
{
	size_t i;

	if (!l)
		return;
	check_texts(l->attrs, l->nattrs);
	check_value(l->attrs_v, 0);
	check_text(l->delimiter);
	if (l->delim)
		CHECK(l->delimiter.s && l->delimiter.len == 1 && l->delimiter.s[0] == l->delim);
	check_name(&l->mailbox, utf8);
	CHECK(l->next == 0 || l->ext);
	for (i = 0; i < l->next; i++) {
		check_text(l->ext[i].tag);
		check_value(l->ext[i].value, 0);
	}
	check_texts(l->childinfo, l->nchildinfo);
	if (l->has_oldname)
		check_name(&l->oldname, utf8);
	check_values(l->rest, l->nrest);
	for (i = 0; i < 32; i++) {
		unsigned bit = 1u << i;
		if (l->attr_bits & bit)
			CHECK(imap_mbox_attr_name(bit));
	}
}

static void check_status(const struct imap_status_data *s, bool utf8)
{
	size_t i;

	if (!s)
		return;
	check_name(&s->mailbox, utf8);
	check_text(s->mailboxid);
	CHECK(s->nitems == 0 || s->items);
	for (i = 0; i < s->nitems; i++) {
		check_text(s->items[i].name);
		check_value(s->items[i].value, 0);
	}
	check_value(s->list, 0);
	check_values(s->rest, s->nrest);
	if (s->appendlimit_nil)
		CHECK(s->has_appendlimit && s->appendlimit == 0);
}

static void check_ns_group(const struct imap_ns_group *g, bool utf8)
{
	size_t i, j;

	CHECK(g->count == 0 || g->descs);
	if (g->nil)
		CHECK(g->count == 0);
	for (i = 0; i < g->count; i++) {
		const struct imap_ns_desc *d = &g->descs[i];
		check_name(&d->prefix, utf8);
		check_text(d->delimiter);
		if (d->delim)
			CHECK(d->delimiter.s && d->delimiter.len == 1 &&
			      d->delimiter.s[0] == d->delim);
		CHECK(d->next == 0 || d->ext);
		for (j = 0; j < d->next; j++) {
			check_text(d->ext[j].name);
			check_texts(d->ext[j].values, d->ext[j].nvalues);
		}
	}
}

static void check_data(struct imap_response *r, bool utf8)
{
	const struct imap_namespace *ns = imap_namespace_view(r, utf8);
	const struct imap_quota *q = imap_quota_view(r);
	const struct imap_quotaroot *qr = imap_quotaroot_view(r, utf8);
	const struct imap_acl *acl = imap_acl_view(r, utf8);
	const struct imap_myrights *my = imap_myrights_view(r, utf8);
	const struct imap_listrights *lr = imap_listrights_view(r, utf8);
	const struct imap_metadata *md = imap_metadata_view(r, utf8);
	const struct imap_id *id = imap_id_view(r);
	const struct imap_capability *cap = imap_capability_view(r);
	const struct imap_capability *en = imap_enabled_view(r);
	const struct imap_flags *fl = imap_flags_view(r);
	size_t i;

	if (ns) {
		check_ns_group(&ns->personal, utf8);
		check_ns_group(&ns->other, utf8);
		check_ns_group(&ns->shared, utf8);
		check_values(ns->rest, ns->nrest);
	}
	if (q) {
		check_text(q->root);
		CHECK(q->nres == 0 || q->res);
		for (i = 0; i < q->nres; i++) {
			check_text(q->res[i].name);
			check_value(q->res[i].usage_v, 0);
			check_value(q->res[i].limit_v, 0);
		}
		check_values(q->rest, q->nrest);
	}
	if (qr) {
		check_name(&qr->mailbox, utf8);
		check_texts(qr->roots, qr->nroots);
	}
	if (acl) {
		check_name(&acl->mailbox, utf8);
		CHECK(acl->count == 0 || acl->entries);
		for (i = 0; i < acl->count; i++) {
			check_text(acl->entries[i].identifier);
			check_text(acl->entries[i].rights);
		}
	}
	if (my) {
		check_name(&my->mailbox, utf8);
		check_text(my->rights);
		check_values(my->rest, my->nrest);
	}
	if (lr) {
		check_name(&lr->mailbox, utf8);
		check_text(lr->identifier);
		check_text(lr->required);
		check_texts(lr->optional, lr->noptional);
	}
	if (md) {
		check_name(&md->mailbox, utf8);
		CHECK(md->count == 0 || md->entries);
		for (i = 0; i < md->count; i++) {
			check_text(md->entries[i].entry);
			check_text(md->entries[i].value);
			if (md->entries_only)
				CHECK(!md->entries[i].has_value);
		}
		check_values(md->rest, md->nrest);
	}
	if (id) {
		CHECK(id->count == 0 || id->pairs);
		if (id->nil)
			CHECK(id->count == 0);
		for (i = 0; i < id->count; i++) {
			const struct imap_text *k = &id->pairs[i].key;
			check_text(*k);
			check_text(id->pairs[i].value);
			if (k->s && k->len < 64 && !memchr(k->s, '\0', k->len)) {
				char key[64];
				memcpy(key, k->s, k->len);
				key[k->len] = '\0';
				CHECK(imap_id_get(id, key));
			}
		}
		check_value(id->v, 0);
		check_values(id->rest, id->nrest);
	}
	for (i = 0; i < 2; i++) {
		const struct imap_capability *c = i ? en : cap;
		size_t j;
		if (!c)
			continue;
		check_texts(c->caps, c->count);
		check_texts(c->auth, c->nauth);
		for (j = 0; j < c->count && j < 64; j++) {
			const struct imap_text *t = &c->caps[j];
			if (t->s && t->len < 64 && !memchr(t->s, '\0', t->len)) {
				char nm[64];
				memcpy(nm, t->s, t->len);
				nm[t->len] = '\0';
				CHECK(imap_capability_has(c, nm));
			}
		}
		for (j = 0; j < c->nauth && j < 64; j++) {
			const struct imap_text *t = &c->auth[j];
			if (t->s && t->len < 64 && !memchr(t->s, '\0', t->len)) {
				char nm[64];
				memcpy(nm, t->s, t->len);
				nm[t->len] = '\0';
				CHECK(imap_capability_has_auth(c, nm));
			}
		}
	}
	if (fl) {
		check_texts(fl->flags, fl->count);
		check_value(fl->list, 0);
	}
}

/* ------------------------------------------------------------------ */

static void check_response(struct imap_response *r, bool utf8)
{
	const struct imap_fetch *f;
	size_t i, calls = 0;

	check_value(&r->data, 0);
	check_value(&r->code_args, 0);

	f = imap_fetch_view(r);
	check_fetch(r, f);
	check_code(r, imap_code_view(r));
	check_search(r, imap_search_view(r));
	check_esearch(r, imap_esearch_view(r));
	check_thread(imap_thread_view(r));
	check_msgnum(r, imap_msgnum_view(r));
	check_vanished(r, imap_vanished_view(r));
	check_list(imap_list_view(r, utf8), utf8);
	check_status(imap_status_view(r, utf8), utf8);
	check_data(r, utf8);

	/* ENVELOPE and BODY builders on the data's first values, whatever
	 * they are (most are not an envelope or a body) */
	for (i = 0; i < r->data.count && calls < 16; i++) {
		const struct imap_value *v = &r->data.items[i];
		size_t j;
		check_envelope(imap_envelope_view(r, v));
		check_tree(r, imap_body_view(r, v));
		calls++;
		for (j = 0; v->type == IMAP_VALUE_LIST && j < v->count && calls < 16; j++) {
			const struct imap_value *w = &v->items[j];
			if (w->type != IMAP_VALUE_LIST)
				continue;
			check_envelope(imap_envelope_view(r, w));
			check_tree(r, imap_body_view(r, w));
			calls++;
		}
	}
	/* any atom of the data as a sequence set */
	for (i = 0; i < r->data.count && i < 8; i++) {
		struct imap_seqset s;
		if (imap_seqset_from_value(r, &r->data.items[i], &s) == 0)
			check_seqset(r, &s);
		else
			CHECK(s.count == 0);
	}
	/* the human-readable text as header text */
	if (r->text_len)
		check_mime_header((struct imap_text){ r->text, r->text_len, NULL });
}

/* The sink: takes every literal offered (threshold chosen by the input). */
static void *vs_begin(void *ctx, const struct imap_literal_info *info)
{
	(void)info;
	return ctx;
}

static int vs_data(void *ctx, void *h, const char *d, size_t len, struct imap_err *err)
{
	(void)ctx;
	(void)h;
	(void)err;
	touch(d, len);
	return 0;
}

static int vs_end(void *ctx, void *h, struct imap_err *err)
{
	(void)ctx;
	(void)h;
	(void)err;
	return 0;
}

static void vs_abort(void *ctx, void *h)
{
	(void)ctx;
	(void)h;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	atexit(charset_cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[8] = { 0, 1, 2, 3, 5, 8, 13, 64 };
	static int sink_ctx;
	struct imap_literal_sink sink = { vs_begin, vs_data, vs_end, vs_abort, &sink_ctx, 0 };
	struct imap_parser *p;
	bool utf8;
	size_t chunk, pos = 0;
	uint8_t mode;
	int rc = 0;

	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	utf8 = mode & 1;
	chunk = chunks[mode >> 5];
	p = imap_parser_new(NULL);
	if (mode & 2) {
		sink.threshold = (mode >> 2) & 7;
		imap_parser_set_sink(p, &sink);
	}
	while (pos < size && rc >= 0) {
		size_t n = chunk && chunk < size - pos ? chunk : size - pos;
		struct imap_response *r;
		struct imap_err err = IMAP_ERR_INIT;

		imap_parser_feed(p, data + pos, n);
		pos += n;
		while ((rc = imap_parser_next(p, &r, &err)) == 1) {
			check_response(r, utf8);
			imap_response_free(r);
		}
	}
	imap_parser_free(p);
	return 0;
}
