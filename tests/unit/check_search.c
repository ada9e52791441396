/*
 * check_search.c - unit tests for src/proto/search.c: SEARCH, SORT,
 * ESEARCH, THREAD, EXISTS/RECENT/EXPUNGE and VANISHED views of responses
 * parsed from exact wire bytes by the real parser.  Examples from RFC
 * 3501 sec. 7.2.5, RFC 9051 sec. 7.3/7.4, RFC 4731, RFC 9394, RFC 5256, RFC 7162, and hostile
 * forms (huge numbers, 0, "*" where a number belongs, deep nesting).
 *
 * Each view is dumped to one line of text and compared with the table.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/parser.h"
#include "proto/response.h"
#include "proto/search.h"
#include "util/buf.h"

Suite *search_suite(void);

static struct imap_response *parse_lim(const char *wire, size_t len,
				       const struct imap_parser_limits *lim)
{
	struct imap_parser *p = imap_parser_new(lim);
	struct imap_response *r = NULL;
	struct imap_err err;
	int rc;

	imap_parser_feed(p, wire, len);
	rc = imap_parser_next(p, &r, &err);
	ck_assert_msg(rc == 1, "parse of \"%.60s\" gave %d: %s", wire, rc, rc < 0 ? err.msg : "");
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

static struct imap_response *parse_one(const char *wire)
{
	return parse_lim(wire, strlen(wire), NULL);
}

/* A value as text: its string, or "(list)" / "NIL". */
static void add_value(struct buf *b, const struct imap_value *v)
{
	if (!v)
		buf_adds(b, "-");
	else if (v->type == IMAP_VALUE_LIST)
		buf_addf(b, "(%zu)", v->count);
	else if (v->type == IMAP_VALUE_NIL)
		buf_adds(b, "NIL");
	else
		buf_add(b, v->str, v->len);
}

static void add_bad(struct buf *b, const struct imap_value *const *bad, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_adds(b, i ? "," : " bad=");
		add_value(b, bad[i]);
	}
}

/* ------------------------------------------------------------------ */
/* SEARCH and SORT */

static void dump_search(struct buf *b, const struct imap_search *s)
{
	size_t i;

	buf_adds(b, s->sort ? "SORT" : "SEARCH");
	buf_adds(b, " [");
	for (i = 0; i < s->count; i++)
		buf_addf(b, "%s%" PRIu32, i ? " " : "", s->nums[i]);
	buf_adds(b, "] set=");
	imap_seqset_format(&s->set, " ", b);
	if (s->has_modseq)
		buf_addf(b, " modseq=%" PRIu64, s->modseq);
	add_bad(b, s->rest, s->nrest);
}

struct dump_case {
	const char *wire;
	const char *dump;
};

/* One case: its wire bytes through the parser, the view dumped by dump
 * (which asserts the view is there), compared with the case's dump. */
static void check_dump(const struct dump_case *c,
		       void (*dump)(struct buf *b, struct imap_response *r))
{
	struct imap_response *r = parse_one(c->wire);
	struct buf b = BUF_INIT;

	dump(&b, r);
	ck_assert_str_eq(b.buf, c->dump);
	buf_release(&b);
	imap_response_free(r);
}

static const struct dump_case search_cases[] = {
	/* RFC 3501 sec. 7.2.5 */
	{ "* SEARCH 2 84 882\r\n", "SEARCH [2 84 882] set=2 84 882" },
	{ "* SEARCH\r\n", "SEARCH [] set=" },
	{ "* SEARCH 4 10 12 13 18\r\n", "SEARCH [4 10 12 13 18] set=4 10 12:13 18" },
	{ "* SEARCH 18 13 12 10 4\r\n", "SEARCH [18 13 12 10 4] set=4 10 12:13 18" },
	/* RFC 7162 sec. 3.1.5 */
	{ "* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n",
	  "SEARCH [2 5 6 7 11 12 18 19 20 23] set=2 5:7 11:12 18:20 23 modseq=917162500" },
	{ "* SEARCH (MODSEQ 1)\r\n", "SEARCH [] set= modseq=1" },
	/* RFC 5256 sec. 4 */
	{ "* SORT 2 84 882\r\n", "SORT [2 84 882] set=2 84 882" },
	{ "* SORT 5 3 4 1 2\r\n", "SORT [5 3 4 1 2] set=5 3:4 1:2" },
	{ "* SORT 10 9 8 7 1\r\n", "SORT [10 9 8 7 1] set=10:7 1" },
	{ "* SORT\r\n", "SORT [] set=" },
	{ "* SORT 3 1 (MODSEQ 5)\r\n", "SORT [3 1] set=3 1 modseq=5" },
	/* messy servers */
	{ "* SEARCH  2   3 \r\n", "SEARCH [2 3] set=2:3" },
	{ "* search 1 2\r\n", "SEARCH [1 2] set=1:2" },
	{ "* SEARCH 4294967295 1\r\n", "SEARCH [4294967295 1] set=1 4294967295" },
	{ "* SEARCH 7 7 7\r\n", "SEARCH [7 7 7] set=7" },
	/* hostile */
	{ "* SEARCH 0 1\r\n", "SEARCH [1] set=1 bad=0" },
	{ "* SEARCH 1 * 2\r\n", "SEARCH [1 2] set=1:2 bad=*" },
	{ "* SEARCH 4294967296\r\n", "SEARCH [] set= bad=4294967296" },
	{ "* SEARCH 99999999999999999999999999999\r\n",
	  "SEARCH [] set= bad=99999999999999999999999999999" },
	{ "* SEARCH 1:3\r\n", "SEARCH [] set= bad=1:3" },
	{ "* SEARCH NIL \"5\" x\r\n", "SEARCH [5] set=5 bad=NIL,x" },
	{ "* SEARCH (MODSEQ 0)\r\n", "SEARCH [] set= bad=(2)" },
	{ "* SEARCH (MODSEQ 9223372036854775808)\r\n", "SEARCH [] set= bad=(2)" },
	{ "* SEARCH (MODSEQ)\r\n", "SEARCH [] set= bad=(1)" },
	{ "* SEARCH (MODSEQ 5) 3\r\n", "SEARCH [3] set=3 modseq=5" },
	{ "* SEARCH ()\r\n", "SEARCH [] set= bad=(0)" },
};

static void dump_search_of(struct buf *b, struct imap_response *r)
{
	const struct imap_search *s = imap_search_view(r);

	ck_assert_ptr_nonnull(s);
	dump_search(b, s);
}

START_TEST(test_search)
{
	check_dump(&search_cases[_i], dump_search_of);
}
END_TEST

/* ------------------------------------------------------------------ */
/* ESEARCH */

/* Known items in a fixed order, then the others as received. */
static void dump_esearch(struct buf *b, const struct imap_esearch *e)
{
	size_t i;

	buf_adds(b, "ESEARCH");
	if (e->correlator)
		buf_addf(b, " corr=(%zu)", e->correlator->count);
	if (e->tag.s)
		buf_addf(b, " tag=%.*s", (int)e->tag.len, e->tag.s);
	if (e->uid)
		buf_adds(b, " uid");
	if (e->has_min)
		buf_addf(b, " min=%" PRIu32, e->min);
	if (e->has_max)
		buf_addf(b, " max=%" PRIu32, e->max);
	if (e->has_count)
		buf_addf(b, " count=%" PRIu32, e->count);
	if (e->has_all) {
		buf_adds(b, " all=");
		imap_seqset_format(&e->all, NULL, b);
	}
	if (e->has_modseq)
		buf_addf(b, " modseq=%" PRIu64, e->modseq);
	if (e->has_partial) {
		buf_addf(b, " partial=%" PRId64 ":%" PRId64 "->", e->partial.first,
			 e->partial.last);
		if (e->partial.has_results)
			imap_seqset_format(&e->partial.results, NULL, b);
		else
			buf_adds(b, "NIL");
	}
	for (i = 0; i < e->nupdates; i++) {
		buf_addf(b, " %s=%" PRIu32 "@", e->updates[i].add ? "add" : "remove",
			 e->updates[i].position);
		imap_seqset_format(&e->updates[i].set, NULL, b);
	}
	for (i = 0; i < e->nothers; i++) {
		const struct imap_esearch_other *o = &e->others[i];

		buf_adds(b, o->malformed ? " bad:" : " other:");
		if (o->name.s)
			buf_add(b, o->name.s, o->name.len);
		else
			add_value(b, o->name.v);
		buf_addch(b, '=');
		add_value(b, o->value);
	}
}

static const struct dump_case esearch_cases[] = {
	/* RFC 4731 sec. 3.1 */
	{ "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n", "ESEARCH corr=(2) tag=A282 min=2 count=3" },
	{ "* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n", "ESEARCH corr=(2) tag=A283 all=2,10:11" },
	{ "* ESEARCH (TAG \"A284\") MIN 4\r\n", "ESEARCH corr=(2) tag=A284 min=4" },
	{ "* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n",
	  "ESEARCH corr=(2) tag=A285 uid min=7 max=3800" },
	{ "* ESEARCH (TAG \"A286\") COUNT 15\r\n", "ESEARCH corr=(2) tag=A286 count=15" },
	{ "* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11\r\n",
	  "ESEARCH corr=(2) tag=A282 uid min=2 count=3 all=2,10:11" },
	{ "* ESEARCH (TAG \"A287\")\r\n", "ESEARCH corr=(2) tag=A287" },
	{ "* ESEARCH (TAG \"A288\") COUNT 0\r\n", "ESEARCH corr=(2) tag=A288 count=0" },
	{ "* ESEARCH (TAG \"A289\") ALL 5\r\n", "ESEARCH corr=(2) tag=A289 all=5" },
	/* RFC 4731 sec. 3.2 / RFC 7162 CONDSTORE */
	{ "* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236\r\n",
	  "ESEARCH corr=(2) tag=a all=1:3,5 modseq=1236" },
	{ "* ESEARCH (TAG \"a\") UID MIN 1 MAX 24 MODSEQ 917162500\r\n",
	  "ESEARCH corr=(2) tag=a uid min=1 max=24 modseq=917162500" },
	/* RFC 9394 PARTIAL */
	{ "* ESEARCH (TAG \"A01\") UID PARTIAL (-1:-100 200:250,252:300)\r\n",
	  "ESEARCH corr=(2) tag=A01 uid partial=-1:-100->200:250,252:300" },
	{ "* ESEARCH (TAG \"A02\") UID PARTIAL (23500:24000 67,100:102)\r\n",
	  "ESEARCH corr=(2) tag=A02 uid partial=23500:24000->67,100:102" },
	{ "* ESEARCH (TAG \"A03\") UID PARTIAL (1:100 NIL)\r\n",
	  "ESEARCH corr=(2) tag=A03 uid partial=1:100->NIL" },
	{ "* ESEARCH (TAG \"A04\") UID COUNT 1000 PARTIAL (-1:-100 1:4)\r\n",
	  "ESEARCH corr=(2) tag=A04 uid count=1000 partial=-1:-100->1:4" },
	/* RFC 5267 CONTEXT: updates to a search left open, several in one
	 * item, both kinds, in the order received */
	{ "* ESEARCH (TAG \"B01\") UID ADDTO (0 32768:32769)\r\n",
	  "ESEARCH corr=(2) tag=B01 uid add=0@32768:32769" },
	{ "* ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2731:2732)\r\n",
	  "ESEARCH corr=(2) tag=C01 uid add=1@2733 add=1@2731:2732" },
	{ "* ESEARCH (TAG \"C01\") UID REMOVEFROM (0 4) ADDTO (2 7,9)\r\n",
	  "ESEARCH corr=(2) tag=C01 uid remove=0@4 add=2@7,9" },
	/* ... malformed: kept as received, nothing half-added */
	{ "* ESEARCH ADDTO (1)\r\n", "ESEARCH bad:ADDTO=(1)" },
	{ "* ESEARCH ADDTO (1 5 2)\r\n", "ESEARCH bad:ADDTO=(3)" },
	{ "* ESEARCH ADDTO (1 5 x 6)\r\n", "ESEARCH bad:ADDTO=(4)" },
	{ "* ESEARCH REMOVEFROM (-1 5)\r\n", "ESEARCH bad:REMOVEFROM=(2)" },
	{ "* ESEARCH REMOVEFROM (0 0:3)\r\n", "ESEARCH bad:REMOVEFROM=(2)" },
	{ "* ESEARCH ADDTO 5\r\n", "ESEARCH bad:ADDTO=5" },
	{ "* ESEARCH ADDTO ()\r\n", "ESEARCH bad:ADDTO=(0)" },
	/* RFC 7377 MULTISEARCH correlator, no correlator, unknown items */
	{ "* ESEARCH (TAG \"B1\" MAILBOX \"folder1\" UIDVALIDITY 1) UID ALL 3001:3004\r\n",
	  "ESEARCH corr=(6) tag=B1 uid all=3001:3004" },
	{ "* ESEARCH UID COUNT 17 ALL 4:18,21,28\r\n", "ESEARCH uid count=17 all=4:18,21,28" },
	{ "* ESEARCH\r\n", "ESEARCH" },
	{ "* ESEARCH (TAG \"x\") RELEVANCY (4 9 100) MIN 1\r\n",
	  "ESEARCH corr=(2) tag=x min=1 other:RELEVANCY=(3)" },
	{ "* ESEARCH (TAG \"x\") X-FOO bar X-BAZ\r\n",
	  "ESEARCH corr=(2) tag=x other:X-FOO=bar bad:X-BAZ=-" },
	/* messy */
	{ "* esearch (tag \"t\") uid min 3\r\n", "ESEARCH corr=(2) tag=t uid min=3" },
	{ "* ESEARCH (TAG A5) MIN 3\r\n", "ESEARCH corr=(2) tag=A5 min=3" },
	{ "* ESEARCH (TAG) MIN 3\r\n", "ESEARCH corr=(1) min=3" },
	{ "* ESEARCH () MIN 3\r\n", "ESEARCH corr=(0) min=3" },
	{ "* ESEARCH MIN 3 MIN 4\r\n", "ESEARCH min=4" },
	{ "* ESEARCH (TAG \"a\") ALL 2,10:11 UID\r\n", "ESEARCH corr=(2) tag=a uid all=2,10:11" },
	/* hostile: each bad value kept */
	{ "* ESEARCH MIN 0\r\n", "ESEARCH bad:MIN=0" },
	{ "* ESEARCH MIN 4294967296 MAX *\r\n", "ESEARCH bad:MIN=4294967296 bad:MAX=*" },
	{ "* ESEARCH COUNT -1\r\n", "ESEARCH bad:COUNT=-1" },
	{ "* ESEARCH COUNT 4294967296\r\n", "ESEARCH bad:COUNT=4294967296" },
	{ "* ESEARCH ALL 0:5\r\n", "ESEARCH bad:ALL=0:5" },
	{ "* ESEARCH ALL ,\r\n", "ESEARCH bad:ALL=," },
	{ "* ESEARCH ALL (1 2)\r\n", "ESEARCH bad:ALL=(2)" },
	{ "* ESEARCH ALL\r\n", "ESEARCH bad:ALL=-" },
	{ "* ESEARCH MODSEQ 0\r\n", "ESEARCH bad:MODSEQ=0" },
	{ "* ESEARCH MODSEQ 99999999999999999999\r\n", "ESEARCH bad:MODSEQ=99999999999999999999" },
	{ "* ESEARCH PARTIAL (-1:100 1:4)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH PARTIAL (0:100 1:4)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH PARTIAL (1:4294967296 1:4)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH PARTIAL (1:100)\r\n", "ESEARCH bad:PARTIAL=(1)" },
	{ "* ESEARCH PARTIAL (1:100 1:4 5)\r\n", "ESEARCH bad:PARTIAL=(3)" },
	{ "* ESEARCH PARTIAL (1:100 x)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH PARTIAL (--1:-2 1)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH PARTIAL (1: 1)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH PARTIAL 1:100\r\n", "ESEARCH bad:PARTIAL=1:100" },
	{ "* ESEARCH PARTIAL ((1:2) NIL)\r\n", "ESEARCH bad:PARTIAL=(2)" },
	{ "* ESEARCH 5 MIN 1\r\n", "ESEARCH min=1 bad:5=-" },
	{ "* ESEARCH (TAG \"a\") (x) MIN 1\r\n", "ESEARCH corr=(2) tag=a min=1 bad:(1)=-" },
	{ "* ESEARCH NIL MIN 1\r\n", "ESEARCH min=1 bad:NIL=-" },
};

static void dump_esearch_of(struct buf *b, struct imap_response *r)
{
	const struct imap_esearch *e = imap_esearch_view(r);

	ck_assert_ptr_nonnull(e);
	dump_esearch(b, e);
}

START_TEST(test_esearch)
{
	check_dump(&esearch_cases[_i], dump_esearch_of);
}
END_TEST

/* ------------------------------------------------------------------ */
/* THREAD */

/* The tree by its links: "3[6[4[23] 44[7[96]]]]", roots separated by
 * " | ", a dummy as "-".  (Recursive, for the small cases only.) */
static void dump_node(struct buf *b, const struct imap_thread_node *n)
{
	const struct imap_thread_node *c;
	size_t count = 0;

	if (n->msg)
		buf_addf(b, "%" PRIu32, n->msg);
	else
		buf_addch(b, '-');
	if (!n->child)
		return;
	buf_addch(b, '[');
	for (c = n->child; c; c = c->next, count++) {
		ck_assert_ptr_eq(c->parent, n);
		ck_assert_uint_eq(c->depth, n->depth + 1);
		if (c != n->child)
			buf_addch(b, ' ');
		dump_node(b, c);
	}
	ck_assert_uint_eq(count, n->nchildren);
	buf_addch(b, ']');
}

/* The pre-order array must list the nodes in the order the links give. */
static void check_preorder(const struct imap_thread *t)
{
	const struct imap_thread_node *n = t->first;
	size_t i = 0, roots = 0;

	while (n) {
		ck_assert_ptr_eq(n, &t->nodes[i]);
		i++;
		roots += n->parent == NULL;
		if (n->child) {
			n = n->child;
			continue;
		}
		while (n && !n->next)
			n = n->parent;
		if (n)
			n = n->next;
	}
	ck_assert_uint_eq(i, t->count);
	ck_assert_uint_eq(roots, t->nthreads);
}

static void dump_thread(struct buf *b, const struct imap_thread *t)
{
	const struct imap_thread_node *n;

	check_preorder(t);
	buf_addf(b, "%zu:", t->nthreads);
	for (n = t->first; n; n = n->next) {
		ck_assert_ptr_null(n->parent);
		ck_assert_uint_eq(n->depth, 0);
		buf_adds(b, n == t->first ? " " : " | ");
		dump_node(b, n);
	}
	add_bad(b, t->rest, t->nrest);
}

static const struct dump_case thread_cases[] = {
	/* RFC 5256 sec. 4 */
	{ "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n", "2: 2 | 3[6[4[23] 44[7[96]]]]" },
	{ "* THREAD ((3)(5))\r\n", "1: -[3 5]" },
	{ "* THREAD\r\n", "0:" },
	/* long results in the style of RFC 5256 sec. 5 (ORDEREDSUBJECT, REFERENCES) */
	{ "* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 175 176 178 181 180)(179)"
	  "(177 183 182 188 184 185 186 187 189)(190)(191)(192)(193)(194 195)(196 197 198)"
	  "(199)(200 202)(201)(203)(204)(205)(206 207)(208)\r\n",
	  "25: 166 | 167 | 168 | 169 | 172 | 170 | 171 | 173 | 174[175[176[178[181[180]]]]] | "
	  "179 | 177[183[182[188[184[185[186[187[189]]]]]]]] | 190 | 191 | 192 | 193 | "
	  "194[195] | 196[197[198]] | 199 | 200[202] | 201 | 203 | 204 | 205 | 206[207] | 208" },
	{ "* THREAD (166)(167)(168)(169)(172)((170)(179))(171)(173)((174)(175)(176)(178)(181)"
	  "(180))((177)(183)(182)(188 (184)(189))(185 186)(187))(190)\r\n",
	  "11: 166 | 167 | 168 | 169 | 172 | -[170 179] | 171 | 173 | "
	  "-[174 175 176 178 181 180] | -[177 183 182 188[184 189] 185[186] 187] | 190" },
	/* nesting */
	{ "* THREAD (1 (2)(3 (4)(5)))\r\n", "1: 1[2 3[4 5]]" },
	{ "* THREAD (1 ((2)(3))(4))\r\n", "1: 1[-[2 3] 4]" },
	{ "* THREAD (((1)(2))((3)(4)))\r\n", "1: -[-[1 2] -[3 4]]" },
	/* tolerated: one sublist, glued lists, extra spaces */
	{ "* THREAD (3 (4))\r\n", "1: 3[4]" },
	{ "* THREAD  (1)  (2 3) \r\n", "2: 1 | 2[3]" },
	{ "* THREAD (4294967295)\r\n", "1: 4294967295" },
	/* hostile */
	{ "* THREAD ()\r\n", "0: bad=(0)" },
	{ "* THREAD (0)\r\n", "0: bad=0" },
	{ "* THREAD (1 0 2)\r\n", "1: 1[2] bad=0" },
	{ "* THREAD (4294967296)\r\n", "0: bad=4294967296" },
	{ "* THREAD (*)\r\n", "0: bad=*" },
	{ "* THREAD 1 2\r\n", "0: bad=1,2" },
	{ "* THREAD (1 (2) 3)\r\n", "1: 1[2] bad=3" },
	{ "* THREAD (1 NIL \"2\")\r\n", "1: 1[2] bad=NIL" },
	{ "* THREAD ((1)()(2))\r\n", "1: -[1 2] bad=(0)" },
	{ "* THREAD ((1) x)\r\n", "1: -[1] bad=x" },
	{ "* THREAD (x (1))\r\n", "1: 1 bad=x" },
};

static void dump_thread_of(struct buf *b, struct imap_response *r)
{
	const struct imap_thread *t = imap_thread_view(r);

	ck_assert_ptr_nonnull(t);
	dump_thread(b, t);
}

START_TEST(test_thread)
{
	check_dump(&thread_cases[_i], dump_thread_of);
}
END_TEST

/* Lists nested deeper than IMAP_THREAD_MAX_NEST (with a parser that
 * allows them): the builder stops there and keeps the rest as one bad
 * value; no deep recursion. */
START_TEST(test_thread_deep_nesting)
{
	const size_t depth = 1000;
	struct imap_parser_limits lim = { 0, 5000, 0, 0, 0 };
	struct imap_response *r;
	const struct imap_thread *t;
	struct buf w = BUF_INIT;
	size_t i;

	buf_adds(&w, "* THREAD ");
	for (i = 1; i <= depth; i++)
		buf_addf(&w, "(%zu ", i);
	buf_adds(&w, "(x)");
	for (i = 0; i < depth; i++)
		buf_addch(&w, ')');
	buf_adds(&w, "\r\n");
	r = parse_lim(w.buf, w.len, &lim);
	t = imap_thread_view(r);
	ck_assert_uint_eq(t->count, IMAP_THREAD_MAX_NEST);
	ck_assert_uint_eq(t->nthreads, 1);
	ck_assert_uint_eq(t->nrest, 1);
	ck_assert_int_eq(t->rest[0]->type, IMAP_VALUE_LIST);
	ck_assert_uint_eq(t->nodes[t->count - 1].depth, IMAP_THREAD_MAX_NEST - 1);
	check_preorder(t);
	imap_response_free(r);
	buf_release(&w);
}
END_TEST

/* A chain of 100,000 messages is 100,000 levels deep: built and walked
 * without recursion. */
START_TEST(test_thread_long_chain)
{
	const size_t n = 100000;
	struct imap_response *r;
	const struct imap_thread *t;
	struct buf w = BUF_INIT;
	size_t i;

	buf_adds(&w, "* THREAD (");
	for (i = 1; i <= n; i++)
		buf_addf(&w, "%s%zu", i > 1 ? " " : "", i);
	buf_adds(&w, ")(1 (2)(3))\r\n");
	r = parse_lim(w.buf, w.len, NULL);
	t = imap_thread_view(r);
	ck_assert_uint_eq(t->count, n + 3);
	ck_assert_uint_eq(t->nthreads, 2);
	ck_assert_uint_eq(t->nrest, 0);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(t->nodes[i].msg, i + 1);
		ck_assert_uint_eq(t->nodes[i].depth, i);
	}
	ck_assert_uint_eq(t->nodes[n].depth, 0);
	ck_assert_uint_eq(t->nodes[n].nchildren, 2);
	check_preorder(t);
	imap_response_free(r);
	buf_release(&w);
}
END_TEST

/* A dummy with 100,000 children: siblings appended in O(1). */
START_TEST(test_thread_wide)
{
	const size_t n = 100000;
	struct imap_response *r;
	const struct imap_thread *t;
	struct buf w = BUF_INIT;
	size_t i;

	buf_adds(&w, "* THREAD (");
	for (i = 1; i <= n; i++)
		buf_addf(&w, "(%zu)", i);
	buf_adds(&w, ")\r\n");
	r = parse_lim(w.buf, w.len, NULL);
	t = imap_thread_view(r);
	ck_assert_uint_eq(t->count, n + 1);
	ck_assert_uint_eq(t->nthreads, 1);
	ck_assert_uint_eq(t->first->msg, 0);
	ck_assert_uint_eq(t->first->nchildren, n);
	check_preorder(t);
	imap_response_free(r);
	buf_release(&w);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EXISTS, RECENT, EXPUNGE */

struct msgnum_case {
	const char *wire;
	enum imap_msgnum_kind kind;
	uint64_t number;
	bool malformed;
};

static const struct msgnum_case msgnum_cases[] = {
	{ "* 23 EXISTS\r\n", IMAP_MSGNUM_EXISTS, 23, false },
	{ "* 0 EXISTS\r\n", IMAP_MSGNUM_EXISTS, 0, false },
	{ "* 5 RECENT\r\n", IMAP_MSGNUM_RECENT, 5, false },
	{ "* 3 EXPUNGE\r\n", IMAP_MSGNUM_EXPUNGE, 3, false },
	{ "* 4294967295 EXISTS\r\n", IMAP_MSGNUM_EXISTS, 4294967295u, false },
	{ "* 23 exists\r\n", IMAP_MSGNUM_EXISTS, 23, false },
	{ "* 23 EXISTS extra\r\n", IMAP_MSGNUM_EXISTS, 23, false },
	{ "* 0 EXPUNGE\r\n", IMAP_MSGNUM_EXPUNGE, 0, true },
	{ "* 4294967296 EXISTS\r\n", IMAP_MSGNUM_EXISTS, 4294967296ull, true },
	{ "* 18446744073709551615 RECENT\r\n", IMAP_MSGNUM_RECENT, 18446744073709551615ull, true },
	{ "* EXISTS\r\n", IMAP_MSGNUM_EXISTS, 0, true },
	{ "* EXPUNGE\r\n", IMAP_MSGNUM_EXPUNGE, 0, true },
};

START_TEST(test_msgnum)
{
	const struct msgnum_case *c = &msgnum_cases[_i];
	struct imap_response *r = parse_one(c->wire);
	const struct imap_msgnum *m = imap_msgnum_view(r);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->kind, c->kind);
	ck_assert_uint_eq(m->number, c->number);
	ck_assert_int_eq(m->malformed, c->malformed);
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* VANISHED */

static void dump_vanished(struct buf *b, const struct imap_vanished *v)
{
	buf_adds(b, v->earlier ? "EARLIER " : "");
	imap_seqset_format(&v->uids, NULL, b);
	buf_addf(b, " n=%" PRIu64, imap_seqset_count(&v->uids, 0, NULL));
	if (v->malformed)
		buf_adds(b, " malformed");
	if (v->raw) {
		buf_adds(b, " raw=");
		add_value(b, v->raw);
	}
}

static const struct dump_case vanished_cases[] = {
	/* RFC 7162 sec. 3.2.10 and 3.2.5 */
	{ "* VANISHED (EARLIER) 300:310,405,411\r\n", "EARLIER 300:310,405,411 n=13" },
	{ "* VANISHED 405,407,410,425\r\n", "405,407,410,425 n=4" },
	{ "* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n",
	  "EARLIER 41,43:116,118,120:211,214:540 n=495" },
	{ "* VANISHED 405\r\n", "405 n=1" },
	{ "* VANISHED 1:4294967295\r\n", "1:4294967295 n=4294967295" },
	{ "* vanished (earlier) 3\r\n", "EARLIER 3 n=1" },
	{ "* VANISHED 5:1\r\n", "5:1 n=5" },
	/* hostile */
	{ "* VANISHED\r\n", " n=0 malformed" },
	{ "* VANISHED (EARLIER)\r\n", "EARLIER  n=0 malformed" },
	{ "* VANISHED 0\r\n", " n=0 malformed raw=0" },
	{ "* VANISHED 1:4294967296\r\n", " n=0 malformed raw=1:4294967296" },
	{ "* VANISHED (LATER) 3\r\n", "3 n=1 malformed raw=(1)" },
	{ "* VANISHED (EARLIER) 3 4\r\n", "EARLIER 3 n=1 malformed raw=4" },
	{ "* VANISHED NIL\r\n", " n=0 malformed raw=NIL" },
	{ "* VANISHED (EARLIER) (1 2)\r\n", "EARLIER  n=0 malformed raw=(2)" },
	{ "* VANISHED 1,*\r\n", "1,* n=2" },
};

static void dump_vanished_of(struct buf *b, struct imap_response *r)
{
	const struct imap_vanished *v = imap_vanished_view(r);

	ck_assert_ptr_nonnull(v);
	dump_vanished(b, v);
}

START_TEST(test_vanished)
{
	check_dump(&vanished_cases[_i], dump_vanished_of);
}
END_TEST

/* ------------------------------------------------------------------ */
/* each view says NULL to responses that are not its own */

START_TEST(test_not_mine)
{
	static const char *const wires[] = {
		"* OK [UIDNEXT 5] x\r\n",
		"a1 OK SEARCH completed\r\n",
		"* 1 FETCH (UID 5)\r\n",
		"* LIST () \"/\" INBOX\r\n",
		"+ SEARCH\r\n",
		"* SEARCHX 1\r\n",
		"* CAPABILITY IMAP4rev2\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(wires) / sizeof(wires[0]); i++) {
		struct imap_response *r = parse_one(wires[i]);

		ck_assert_ptr_null(imap_search_view(r));
		ck_assert_ptr_null(imap_esearch_view(r));
		ck_assert_ptr_null(imap_thread_view(r));
		ck_assert_ptr_null(imap_msgnum_view(r));
		ck_assert_ptr_null(imap_vanished_view(r));
		imap_response_free(r);
	}
	ck_assert_ptr_null(imap_search_view(NULL));
	ck_assert_ptr_null(imap_esearch_view(NULL));
	ck_assert_ptr_null(imap_thread_view(NULL));
	ck_assert_ptr_null(imap_msgnum_view(NULL));
	ck_assert_ptr_null(imap_vanished_view(NULL));
}
END_TEST

/* Views only of their own response: a SEARCH is not an ESEARCH, etc. */
START_TEST(test_cross)
{
	struct imap_response *r = parse_one("* SEARCH 1\r\n");

	ck_assert_ptr_nonnull(imap_search_view(r));
	ck_assert_ptr_null(imap_esearch_view(r));
	ck_assert_ptr_null(imap_thread_view(r));
	imap_response_free(r);
	r = parse_one("* THREAD (1)\r\n");
	ck_assert_ptr_null(imap_search_view(r));
	ck_assert_ptr_nonnull(imap_thread_view(r));
	imap_response_free(r);
}
END_TEST

/* A SEARCH of 100,000 results: the view's arena cost is bounded by the
 * response's own (4 bytes a number plus the ranges). */
START_TEST(test_search_big)
{
	const size_t n = 100000;
	struct buf w = BUF_INIT, out = BUF_INIT;
	struct imap_response *r;
	const struct imap_search *s;
	size_t before, i;

	buf_adds(&w, "* SEARCH");
	for (i = n; i >= 1; i--)
		buf_addf(&w, " %zu", i * 2);
	buf_adds(&w, "\r\n");
	r = parse_lim(w.buf, w.len, NULL);
	before = imap_response_mem(r);
	s = imap_search_view(r);
	ck_assert_uint_eq(s->count, n);
	ck_assert_uint_eq(s->set.count, n);
	ck_assert_uint_eq(s->nums[0], 2 * n);
	ck_assert_uint_eq(s->set.ranges[0].first, 2);
	ck_assert_uint_eq(imap_seqset_count(&s->set, 0, NULL), n);
	ck_assert_uint_le(imap_response_mem(r) - before, n * (4 + 4 + 12) + 65536);
	imap_seqset_format(&s->set, " ", &out);
	ck_assert_uint_eq(out.len, w.len - strlen("* SEARCH ") - 2);
	buf_release(&w);
	buf_release(&out);
	imap_response_free(r);
}
END_TEST

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *search_suite(void)
{
	Suite *s = suite_create("search");
	TCase *tc = tcase_create("tables");

	tcase_add_loop_test(tc, test_search, 0, N_CASES(search_cases));
	tcase_add_loop_test(tc, test_esearch, 0, N_CASES(esearch_cases));
	tcase_add_loop_test(tc, test_thread, 0, N_CASES(thread_cases));
	tcase_add_loop_test(tc, test_msgnum, 0, N_CASES(msgnum_cases));
	tcase_add_loop_test(tc, test_vanished, 0, N_CASES(vanished_cases));
	tcase_add_test(tc, test_not_mine);
	tcase_add_test(tc, test_cross);
	suite_add_tcase(s, tc);

	tc = tcase_create("size");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_thread_deep_nesting);
	tcase_add_test(tc, test_thread_long_chain);
	tcase_add_test(tc, test_thread_wide);
	tcase_add_test(tc, test_search_big);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(search_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
