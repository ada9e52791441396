/*
 * check_seqset.c - unit tests for src/proto/seqset.c: sequence sets
 * parsed, counted, searched, built from numbers and formatted, from RFC
 * 9051 sec. 6.4.8 / 9, RFC 4315 and RFC 7162 examples and hostile forms.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/response.h"
#include "proto/seqset.h"
#include "util/buf.h"
#include "util/xalloc.h"

Suite *seqset_suite(void);

#define NSTAR 0 /* '*' unknown */

/* ------------------------------------------------------------------ */
/* parsing, formatting, counting */

struct parse_case {
	const char *in;
	size_t len;         /* 0: strlen(in) */
	int rc;
	const char *out;    /* formatted with "," */
	uint64_t count;     /* star unknown */
	bool has_star;
	uint32_t star;      /* a second count with this star (0: none) */
	uint64_t count_star;
};

static const struct parse_case parse_cases[] = {
	/* RFC 9051 sec. 6.4.8 / 9 */
	{ "2,4:7,9,12:*", 0, 0, "2,4:7,9,12:*", 1 + 4 + 1 + (4294967295u - 12 + 1), true, 15, 10 },
	{ "1:4,7,10:*", 0, 0, "1:4,7,10:*", 4 + 1 + 4294967286u, true, 20, 16 },
	{ "1:*", 0, 0, "1:*", 4294967295u, true, 3, 3 },
	{ "*", 0, 0, "*", 1, true, 5, 1 },
	{ "*:*", 0, 0, "*", 1, true, 5, 1 },
	{ "*:4", 0, 0, "*:4", 4294967292u, true, 3, 2 },   /* 3:4 in 3 messages */
	{ "559:*", 0, 0, "559:*", 4294966737u, true, 500, 60 }, /* 500:559 */
	{ "4:1", 0, 0, "4:1", 4, false, 0, 0 },
	{ "7:7", 0, 0, "7", 1, false, 0, 0 },
	{ "1:4294967295", 0, 0, "1:4294967295", 4294967295u, false, 0, 0 },
	{ "4294967295", 0, 0, "4294967295", 1, false, 0, 0 },
	{ "4294967295:1", 0, 0, "4294967295:1", 4294967295u, false, 0, 0 },
	{ "1:4,3:5", 0, 0, "1:4,3:5", 5, false, 0, 0 },
	{ "5,1,5", 0, 0, "5,1,5", 2, false, 0, 0 },
	{ "10:20,1:4294967295,3", 0, 0, "10:20,1:4294967295,3", 4294967295u, false, 0, 0 },
	{ "1:2,3:4", 0, 0, "1:2,3:4", 4, false, 0, 0 },
	{ "007", 0, 0, "7", 1, false, 0, 0 },
	{ "0004294967295", 0, 0, "4294967295", 1, false, 0, 0 },
	/* RFC 4315 / RFC 7162 */
	{ "304,319:320", 0, 0, "304,319:320", 3, false, 0, 0 },
	{ "3956:3958", 0, 0, "3956:3958", 3, false, 0, 0 },
	{ "41,43:116,118,120:211,214:540", 0, 0, "41,43:116,118,120:211,214:540",
	  1 + 74 + 1 + 92 + 327, false, 0, 0 },
	/* hostile or wrong */
	{ "", 0, -1, "", 0, false, 0, 0 },
	{ ",", 0, -1, "", 0, false, 0, 0 },
	{ "1,", 0, -1, "", 0, false, 0, 0 },
	{ ",1", 0, -1, "", 0, false, 0, 0 },
	{ "1,,2", 0, -1, "", 0, false, 0, 0 },
	{ "1::2", 0, -1, "", 0, false, 0, 0 },
	{ "1:", 0, -1, "", 0, false, 0, 0 },
	{ ":1", 0, -1, "", 0, false, 0, 0 },
	{ "1:2:3", 0, -1, "", 0, false, 0, 0 },
	{ "0", 0, -1, "", 0, false, 0, 0 },
	{ "000", 0, -1, "", 0, false, 0, 0 },
	{ "1:0", 0, -1, "", 0, false, 0, 0 },
	{ "0:*", 0, -1, "", 0, false, 0, 0 },
	{ "4294967296", 0, -1, "", 0, false, 0, 0 },
	{ "1:4294967296", 0, -1, "", 0, false, 0, 0 },
	{ "99999999999999999999999999999", 0, -1, "", 0, false, 0, 0 },
	{ "18446744073709551617", 0, -1, "", 0, false, 0, 0 },
	{ "-1", 0, -1, "", 0, false, 0, 0 },
	{ "+1", 0, -1, "", 0, false, 0, 0 },
	{ "1 2", 0, -1, "", 0, false, 0, 0 },
	{ " 1", 0, -1, "", 0, false, 0, 0 },
	{ "1 ", 0, -1, "", 0, false, 0, 0 },
	{ "**", 0, -1, "", 0, false, 0, 0 },
	{ "*1", 0, -1, "", 0, false, 0, 0 },
	{ "1*", 0, -1, "", 0, false, 0, 0 },
	{ "*:*:*", 0, -1, "", 0, false, 0, 0 },
	{ "$", 0, -1, "", 0, false, 0, 0 },
	{ "1;2", 0, -1, "", 0, false, 0, 0 },
	{ "abc", 0, -1, "", 0, false, 0, 0 },
	{ "1\0002", 3, -1, "", 0, false, 0, 0 },
	{ "12\000", 3, -1, "", 0, false, 0, 0 },
	{ "1:\3772", 4, -1, "", 0, false, 0, 0 },
};

START_TEST(test_parse)
{
	const struct parse_case *c = &parse_cases[_i];
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	struct imap_seqset set;
	struct buf b = BUF_INIT;
	size_t len = c->len ? c->len : strlen(c->in);
	bool star = !c->has_star;
	int rc = imap_seqset_parse(r, c->in, len, &set);

	ck_assert_msg(rc == c->rc, "\"%s\": rc %d, want %d", c->in, rc, c->rc);
	if (rc < 0) {
		ck_assert_uint_eq(set.count, 0);
		ck_assert_ptr_null(set.ranges);
	}
	imap_seqset_format(&set, NULL, &b);
	ck_assert_str_eq(b.buf, c->out);
	ck_assert_msg(imap_seqset_count(&set, NSTAR, &star) == c->count,
		      "\"%s\": count %llu, want %llu", c->in,
		      (unsigned long long)imap_seqset_count(&set, NSTAR, NULL),
		      (unsigned long long)c->count);
	ck_assert_int_eq(star, c->has_star);
	if (c->star)
		ck_assert_uint_eq(imap_seqset_count(&set, c->star, NULL), c->count_star);
	/* formatting what was parsed parses again to the same */
	if (rc == 0) {
		struct imap_seqset again;
		struct buf b2 = BUF_INIT;

		ck_assert_int_eq(imap_seqset_parse(r, b.buf, b.len, &again), 0);
		imap_seqset_format(&again, NULL, &b2);
		ck_assert_str_eq(b2.buf, b.buf);
		buf_release(&b2);
	}
	buf_release(&b);
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* membership */

struct contains_case {
	const char *set;
	uint32_t n, star;
	bool in;
};

static const struct contains_case contains_cases[] = {
	{ "1:4,7,10:*", 4, NSTAR, true },
	{ "1:4,7,10:*", 5, NSTAR, false },
	{ "1:4,7,10:*", 7, NSTAR, true },
	{ "1:4,7,10:*", 10, NSTAR, true },
	{ "1:4,7,10:*", 4294967295u, NSTAR, true },
	{ "1:4,7,10:*", 8, 8, true },   /* 10:* with 8 messages is 8:10 */
	{ "1:4,7,10:*", 11, 8, false },
	{ "4:1", 1, NSTAR, true },
	{ "4:1", 5, NSTAR, false },
	{ "*", 4294967295u, NSTAR, true },
	{ "*", 1, NSTAR, false },
	{ "*", 9, 9, true },
	{ "*:4", 6, 9, true },
	{ "*:4", 3, 9, false },
	{ "1:4294967295", 4294967295u, NSTAR, true },
	{ "1:4294967295", 1, NSTAR, true },
	{ "2,4:7,9,12:*", 8, 15, false },
	{ "2,4:7,9,12:*", 15, 15, true },
	{ "2,4:7,9,12:*", 16, 15, false },
};

START_TEST(test_contains)
{
	const struct contains_case *c = &contains_cases[_i];
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	struct imap_seqset set;

	ck_assert_int_eq(imap_seqset_parse(r, c->set, strlen(c->set), &set), 0);
	ck_assert_msg(imap_seqset_contains(&set, c->n, c->star) == c->in,
		      "%u in \"%s\" (star %u)", (unsigned)c->n, c->set, (unsigned)c->star);
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* building from numbers */

struct numbers_case {
	uint32_t nums[12];
	size_t n;
	enum imap_seqset_order order;
	const char *out; /* formatted with " " */
	uint64_t count;
};

static const struct numbers_case numbers_cases[] = {
	/* RFC 3501 sec. 7.2.5 "* SEARCH 2 84 882" */
	{ { 2, 84, 882 }, 3, IMAP_SEQSET_SORTED, "2 84 882", 3 },
	{ { 4, 10, 12, 13, 18 }, 5, IMAP_SEQSET_SORTED, "4 10 12:13 18", 5 },
	{ { 18, 4, 12, 10, 13, 4 }, 6, IMAP_SEQSET_SORTED, "4 10 12:13 18", 5 },
	{ { 3, 2, 1 }, 3, IMAP_SEQSET_SORTED, "1:3", 3 },
	{ { 7, 7, 7 }, 3, IMAP_SEQSET_SORTED, "7", 1 },
	{ { 1, 2, 3, 5, 6, 8 }, 6, IMAP_SEQSET_SORTED, "1:3 5:6 8", 6 },
	{ { 4294967295u, 1 }, 2, IMAP_SEQSET_SORTED, "1 4294967295", 2 },
	{ { 4294967294u, 4294967295u }, 2, IMAP_SEQSET_SORTED, "4294967294:4294967295", 2 },
	{ { 0 }, 0, IMAP_SEQSET_SORTED, "", 0 },
	/* SORT: order kept, runs up or down joined */
	{ { 5, 4, 3, 9, 10, 2 }, 6, IMAP_SEQSET_KEEP_ORDER, "5:3 9:10 2", 6 },
	{ { 2, 84, 882 }, 3, IMAP_SEQSET_KEEP_ORDER, "2 84 882", 3 },
	{ { 1, 2, 2, 3 }, 4, IMAP_SEQSET_KEEP_ORDER, "1:2 2:3", 3 },
	{ { 1, 2, 1 }, 3, IMAP_SEQSET_KEEP_ORDER, "1:2 1", 2 },
	{ { 3, 4, 3, 2 }, 4, IMAP_SEQSET_KEEP_ORDER, "3:4 3:2", 3 },
	{ { 4294967295u, 4294967294u, 1 }, 3, IMAP_SEQSET_KEEP_ORDER,
	  "4294967295:4294967294 1", 3 },
	{ { 1, 4294967295u }, 2, IMAP_SEQSET_KEEP_ORDER, "1 4294967295", 2 },
	{ { 9 }, 1, IMAP_SEQSET_KEEP_ORDER, "9", 1 },
	{ { 0 }, 0, IMAP_SEQSET_KEEP_ORDER, "", 0 },
};

START_TEST(test_from_numbers)
{
	const struct numbers_case *c = &numbers_cases[_i];
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	struct imap_seqset set;
	struct buf b = BUF_INIT;
	uint32_t copy[12];
	size_t i;

	memcpy(copy, c->nums, sizeof(copy));
	imap_seqset_from_numbers(r, c->nums, c->n, c->order, &set);
	ck_assert_int_eq(memcmp(copy, c->nums, sizeof(copy)), 0); /* input untouched */
	imap_seqset_format(&set, " ", &b);
	ck_assert_str_eq(b.buf, c->out);
	ck_assert_uint_eq(imap_seqset_count(&set, NSTAR, NULL), c->count);
	for (i = 0; i < c->n; i++)
		ck_assert(imap_seqset_contains(&set, c->nums[i], NSTAR));
	buf_release(&b);
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* size: never per number */

/* "1:4294967295" costs what "1" does: a few bytes of arena, no loop over
 * the numbers (the test would time out). */
START_TEST(test_huge_range_is_cheap)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	size_t before = imap_response_mem(r);
	struct imap_seqset set;
	bool star = true;
	int i;

	for (i = 0; i < 1000; i++) {
		ck_assert_int_eq(imap_seqset_parse(r, "1:4294967295", 12, &set), 0);
		ck_assert_uint_eq(imap_seqset_count(&set, NSTAR, &star), 4294967295u);
		ck_assert(!star);
		ck_assert(imap_seqset_contains(&set, 4000000000u, NSTAR));
	}
	/* 1000 parses of one range each: well under 64 KiB */
	ck_assert_uint_lt(imap_response_mem(r) - before, 64 * 1024);
	imap_response_free(r);
}
END_TEST

/* 100,000 ranges, descending and overlapping: counted by sorting, memory
 * bounded by the text's size. */
START_TEST(test_many_ranges)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct imap_seqset set;
	size_t before;
	uint32_t i;

	for (i = 100000; i >= 1; i--)
		buf_addf(&text, "%s%u:%u", i == 100000 ? "" : ",", (unsigned)(i * 10),
			 (unsigned)(i * 10 + 14)); /* each overlaps the next */
	before = imap_response_mem(r);
	ck_assert_int_eq(imap_seqset_parse(r, text.buf, text.len, &set), 0);
	ck_assert_uint_eq(set.count, 100000);
	ck_assert_uint_le(imap_response_mem(r) - before, 2 * text.len + 4096);
	/* 10..1000014 */
	ck_assert_uint_eq(imap_seqset_count(&set, NSTAR, NULL), 1000014 - 10 + 1);
	imap_seqset_format(&set, NULL, &out);
	ck_assert_str_eq(out.buf, text.buf);
	buf_release(&text);
	buf_release(&out);
	imap_response_free(r);
}
END_TEST

/* Building from 200,000 numbers in reverse: one sorted range. */
START_TEST(test_many_numbers)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	size_t n = 200000, i;
	uint32_t *nums = xmalloc(n * sizeof(*nums));
	struct imap_seqset set;
	struct buf b = BUF_INIT;

	for (i = 0; i < n; i++)
		nums[i] = (uint32_t)(n - i);
	imap_seqset_from_numbers(r, nums, n, IMAP_SEQSET_SORTED, &set);
	imap_seqset_format(&set, " ", &b);
	ck_assert_str_eq(b.buf, "1:200000");
	buf_reset(&b);
	imap_seqset_from_numbers(r, nums, n, IMAP_SEQSET_KEEP_ORDER, &set);
	imap_seqset_format(&set, " ", &b);
	ck_assert_str_eq(b.buf, "200000:1");
	for (i = 0; i < n; i++)
		nums[i] = (uint32_t)(i * 2 + 1);
	imap_seqset_from_numbers(r, nums, n, IMAP_SEQSET_KEEP_ORDER, &set);
	ck_assert_uint_eq(set.count, n);
	ck_assert_uint_eq(imap_seqset_count(&set, NSTAR, NULL), n);
	free(nums);
	buf_release(&b);
	imap_response_free(r);
}
END_TEST

START_TEST(test_from_value)
{
	static const struct imap_value atom = { IMAP_VALUE_ATOM, false, false, "2,10:11", 7, 0,
						NULL, 0, 0 };
	static const struct imap_value num = { IMAP_VALUE_NUMBER, false, false, "5", 1, 5,
					       NULL, 0, 0 };
	static const struct imap_value quoted = { IMAP_VALUE_QUOTED, false, false, "1:*", 3, 0,
						  NULL, 0, 0 };
	static const struct imap_value nil = { IMAP_VALUE_NIL, false, false, NULL, 0, 0,
					       NULL, 0, 0 };
	static const struct imap_value list = { IMAP_VALUE_LIST, false, false, NULL, 0, 0,
						NULL, 0, 0 };
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	struct imap_seqset set;

	ck_assert_int_eq(imap_seqset_from_value(r, &atom, &set), 0);
	ck_assert_uint_eq(imap_seqset_count(&set, NSTAR, NULL), 3);
	ck_assert_int_eq(imap_seqset_from_value(r, &num, &set), 0);
	ck_assert_uint_eq(set.ranges[0].first, 5);
	ck_assert_int_eq(imap_seqset_from_value(r, &quoted, &set), 0);
	ck_assert(set.ranges[0].last_star);
	ck_assert_int_eq(imap_seqset_from_value(r, &nil, &set), -1);
	ck_assert_int_eq(imap_seqset_from_value(r, &list, &set), -1);
	ck_assert_int_eq(imap_seqset_from_value(r, NULL, &set), -1);
	ck_assert_uint_eq(set.count, 0);
	imap_response_free(r);
}
END_TEST

START_TEST(test_bounds)
{
	struct imap_seqrange rg = { 5, 0, false, true };
	uint32_t lo, hi;

	imap_seqrange_bounds(&rg, 3, &lo, &hi);
	ck_assert_uint_eq(lo, 3);
	ck_assert_uint_eq(hi, 5);
	imap_seqrange_bounds(&rg, 0, &lo, &hi);
	ck_assert_uint_eq(lo, 5);
	ck_assert_uint_eq(hi, 4294967295u);
	rg.first = 9;
	rg.last = 2;
	rg.last_star = false;
	imap_seqrange_bounds(&rg, 0, &lo, &hi);
	ck_assert_uint_eq(lo, 2);
	ck_assert_uint_eq(hi, 9);
}
END_TEST

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *seqset_suite(void)
{
	Suite *s = suite_create("seqset");
	TCase *tc = tcase_create("tables");

	tcase_add_loop_test(tc, test_parse, 0, N_CASES(parse_cases));
	tcase_add_loop_test(tc, test_contains, 0, N_CASES(contains_cases));
	tcase_add_loop_test(tc, test_from_numbers, 0, N_CASES(numbers_cases));
	tcase_add_test(tc, test_from_value);
	tcase_add_test(tc, test_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("size");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_huge_range_is_cheap);
	tcase_add_test(tc, test_many_ranges);
	tcase_add_test(tc, test_many_numbers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seqset_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
