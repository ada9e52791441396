/*
 * check_flags_tag.c - imaplib's ParseFlags and Int2AP/tag generation.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/flags.h"
#include "util/tag.h"

/* The counter back from a tag: only our own tags, in canonical form. */
START_TEST(test_tagger_number)
{
	struct tagger t;
	char tag[32], other[32], big[64];

	tagger_init(&t, 7);
	tagger_next(&t, tag, sizeof(tag));
	ck_assert_int_eq(tagger_number(&t, tag), 0);
	t.next = 4711;
	tagger_next(&t, tag, sizeof(tag));
	ck_assert_int_eq(tagger_number(&t, tag), 4711);
	snprintf(other, sizeof(other), "%s07", t.prefix); /* leading zero */
	ck_assert_int_eq(tagger_number(&t, other), -1);
	snprintf(other, sizeof(other), "%s", t.prefix); /* no digits */
	ck_assert_int_eq(tagger_number(&t, other), -1);
	snprintf(other, sizeof(other), "%s12x", t.prefix);
	ck_assert_int_eq(tagger_number(&t, other), -1);
	snprintf(other, sizeof(other), "%s-1", t.prefix);
	ck_assert_int_eq(tagger_number(&t, other), -1);
	ck_assert_int_eq(tagger_number(&t, "ZZZZ1"), -1); /* another prefix */
	ck_assert_int_eq(tagger_number(&t, NULL), -1);
	ck_assert_int_eq(tagger_number(&t, "*"), -1);
	snprintf(big, sizeof(big), "%s99999999999999999999999", t.prefix);
	ck_assert_int_eq(tagger_number(&t, big), -1); /* too big */
	t.next = ULONG_MAX;
	tagger_next(&t, tag, sizeof(tag));
	ck_assert_int_eq(tagger_number(&t, tag), (long long)ULONG_MAX);
}
END_TEST

Suite *flags_tag_suite(void);

/* Parses s and checks the flags against want (NULL-terminated). */
static void assert_flags(const char *s, const char *const *want)
{
	struct flag_list fl;
	size_t n = 0;

	ck_assert_msg(flags_parse(s, strlen(s), &fl) == 0, "failed: %s", s);
	while (want[n])
		n++;
	ck_assert_msg(fl.count == n, "%s: %zu flags, want %zu", s, fl.count, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(fl.flags[i], want[i]);
	flag_list_release(&fl);
	ck_assert_uint_eq(fl.count, 0);
	ck_assert_ptr_null(fl.flags);
}

START_TEST(test_flags_fetch)
{
	static const char *const want[] = { "\\Seen", "$Junk", NULL };
	static const char *const none[] = { NULL };

	assert_flags("* 1 FETCH (UID 4 FLAGS (\\Seen $Junk) RFC822.SIZE 44)", want);
	assert_flags("1 (UID 4 FLAGS (\\Seen $Junk) RFC822.SIZE 44)", want);
	assert_flags("(FLAGS ())", none);
	assert_flags("* 3 FETCH (FLAGS ())", none);
	assert_flags("* 3 FETCH (FLAGS (   ))", none);
}
END_TEST

START_TEST(test_flags_untagged_and_codes)
{
	static const char *const five[] = { "\\Answered", "\\Flagged", "\\Deleted",
					    "\\Seen", "\\Draft", NULL };
	static const char *const perm[] = { "\\Deleted", "\\Seen", "\\*", NULL };

	assert_flags("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)", five);
	/* like imaplib's regex, no word boundary is needed before FLAGS */
	assert_flags("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited", perm);
}
END_TEST

START_TEST(test_flags_case_space_first)
{
	static const char *const seen[] = { "\\Seen", NULL };
	static const char *const ab[] = { "a", "b", NULL };
	static const char *const kw[] = { "$Label1", "NonJunk", "\\Recent", NULL };

	assert_flags("1 (flags (\\Seen))", seen);
	assert_flags("1 (Flags (\\Seen))", seen);
	/* the first FLAGS item wins */
	assert_flags("FLAGS (a b) FLAGS (c)", ab);
	/* Python's split(): any white space, runs collapse */
	assert_flags("FLAGS (  a\tb \r\n )", ab);
	assert_flags("* 9 FETCH (FLAGS ($Label1 NonJunk \\Recent) UID 12)", kw);
}
END_TEST

START_TEST(test_flags_absent)
{
	struct flag_list fl = { (char **)1, 99 };

	ck_assert_int_eq(flags_parse("* 1 FETCH (UID 4)", 17, &fl), 0);
	ck_assert_uint_eq(fl.count, 0);
	ck_assert_ptr_null(fl.flags);
	flag_list_release(&fl);
	/* "FLAGS" must be followed by exactly " (" */
	ck_assert_int_eq(flags_parse("FLAGS(\\Seen)", 12, &fl), 0);
	ck_assert_uint_eq(fl.count, 0);
	ck_assert_int_eq(flags_parse("FLAGS  (\\Seen)", 14, &fl), 0);
	ck_assert_uint_eq(fl.count, 0);
	ck_assert_int_eq(flags_parse("", 0, &fl), 0);
	ck_assert_uint_eq(fl.count, 0);
	flag_list_release(&fl);
	flag_list_release(&fl); /* twice is fine */
}
END_TEST

START_TEST(test_flags_unclosed)
{
	struct flag_list fl;

	ck_assert_int_eq(flags_parse("* 1 FETCH (FLAGS (\\Seen", 23, &fl), -1);
	ck_assert_uint_eq(fl.count, 0);
	ck_assert_ptr_null(fl.flags);
	ck_assert_int_eq(flags_parse("FLAGS (", 7, &fl), -1);
	ck_assert_uint_eq(fl.count, 0);
	/* the length counts: the ')' past len is not seen */
	ck_assert_int_eq(flags_parse("FLAGS (a)", 8, &fl), -1);
	ck_assert_int_eq(flags_parse("FLAGS (a)", 9, &fl), 0);
	ck_assert_uint_eq(fl.count, 1);
	ck_assert_str_eq(fl.flags[0], "a");
	flag_list_release(&fl);
	/* "FLAGS (" cut short is not a FLAGS item at all */
	ck_assert_int_eq(flags_parse("FLAGS (a)", 6, &fl), 0);
	ck_assert_uint_eq(fl.count, 0);
}
END_TEST

START_TEST(test_flags_many)
{
	char line[4096];
	size_t n = 0;
	struct flag_list fl;

	n += (size_t)snprintf(line, sizeof(line), "* 1 FETCH (FLAGS (");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s$kw%d", i ? " " : "", i);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "))");
	ck_assert_int_eq(flags_parse(line, n, &fl), 0);
	ck_assert_uint_eq(fl.count, 300);
	ck_assert_str_eq(fl.flags[0], "$kw0");
	ck_assert_str_eq(fl.flags[150], "$kw150");
	ck_assert_str_eq(fl.flags[299], "$kw299");
	flag_list_release(&fl);
}
END_TEST

/* ---- tags ---- */

static void assert_int2ap(unsigned long num, const char *want)
{
	char out[32];

	memset(out, 'Z', sizeof(out));
	tag_int2ap(num, out, sizeof(out));
	ck_assert_str_eq(out, want);
}

START_TEST(test_int2ap)
{
	/* values from Python's imaplib.Int2AP */
	assert_int2ap(0, "");
	assert_int2ap(1, "B");
	assert_int2ap(15, "P");
	assert_int2ap(16, "BA");
	assert_int2ap(255, "PP");
	assert_int2ap(4096, "BAAA");
	assert_int2ap(0x1234, "BCDE");
	assert_int2ap(65535, "PPPP");
	assert_int2ap(65536, "BAAAA");
	if (sizeof(unsigned long) == 8)
		assert_int2ap(ULONG_MAX, "PPPPPPPPPPPPPPPP");
	else
		assert_int2ap(ULONG_MAX, "PPPPPPPP");
}
END_TEST

START_TEST(test_int2ap_small_out)
{
	char out[8] = "xxxxxxx";

	tag_int2ap(4096, out, 3);
	ck_assert_str_eq(out, "BA");
	tag_int2ap(4096, out, 1);
	ck_assert_str_eq(out, "");
	memcpy(out, "xxxxxxx", 8);
	tag_int2ap(4096, out, 0);
	ck_assert_str_eq(out, "xxxxxxx");
	tag_int2ap(4096, out, 5);
	ck_assert_str_eq(out, "BAAA");
}
END_TEST

static void assert_prefix_ok(const char *p)
{
	ck_assert_uint_eq(strlen(p), 4);
	/* 4096..65535: four A-P digits, the first not 'A' */
	ck_assert_msg(p[0] >= 'B' && p[0] <= 'P', "prefix %s", p);
	for (int i = 1; i < 4; i++)
		ck_assert_msg(p[i] >= 'A' && p[i] <= 'P', "prefix %s", p);
}

START_TEST(test_tagger_seeded)
{
	struct tagger a, b;
	char tag[32];

	tagger_init(&a, 1);
	ck_assert_str_eq(a.prefix, "LMMB");
	tagger_init(&b, 42);
	ck_assert_str_eq(b.prefix, "BOJF");
	tagger_init(&b, 12345);
	ck_assert_str_eq(b.prefix, "EBKA");
	tagger_init(&b, 1);
	ck_assert_str_eq(b.prefix, a.prefix);

	/* imaplib: tagpre + str(tagnum), tagnum starting at 0 */
	tagger_next(&a, tag, sizeof(tag));
	ck_assert_str_eq(tag, "LMMB0");
	tagger_next(&a, tag, sizeof(tag));
	ck_assert_str_eq(tag, "LMMB1");
	for (int i = 2; i < 10; i++)
		tagger_next(&a, tag, sizeof(tag));
	ck_assert_str_eq(tag, "LMMB9");
	tagger_next(&a, tag, sizeof(tag));
	ck_assert_str_eq(tag, "LMMB10");
	/* a second tagger with the same seed gives the same tags */
	tagger_next(&b, tag, sizeof(tag));
	ck_assert_str_eq(tag, "LMMB0");
}
END_TEST

START_TEST(test_tagger_range)
{
	/* Every seed gives a valid prefix; they spread over the range. */
	char seen[65536] = { 0 };
	int distinct = 0;

	for (unsigned seed = 1; seed <= 2000; seed++) {
		struct tagger t;
		unsigned long v = 0;

		tagger_init(&t, seed);
		assert_prefix_ok(t.prefix);
		ck_assert_uint_eq(t.next, 0);
		for (int i = 0; i < 4; i++)
			v = v * 16 + (unsigned long)(t.prefix[i] - 'A');
		ck_assert_uint_ge(v, 4096);
		ck_assert_uint_le(v, 65535);
		if (!seen[v]) {
			seen[v] = 1;
			distinct++;
		}
	}
	ck_assert_int_gt(distinct, 1900);
}
END_TEST

START_TEST(test_tagger_random)
{
	struct tagger t;
	char tag[32], want[32];

	tagger_init(&t, 0);
	assert_prefix_ok(t.prefix);
	tagger_next(&t, tag, sizeof(tag));
	snprintf(want, sizeof(want), "%s0", t.prefix);
	ck_assert_str_eq(tag, want);
}
END_TEST

START_TEST(test_tagger_big_counter)
{
	struct tagger t;
	char tag[32], small[4];

	tagger_init(&t, 7);
	t.next = 123456789;
	tagger_next(&t, tag, sizeof(tag));
	ck_assert_uint_eq(strlen(tag), 4 + 9);
	ck_assert_str_eq(tag + 4, "123456789");
	ck_assert_uint_eq(t.next, 123456790);
	/* a short out buffer is cut, NUL-terminated */
	tagger_next(&t, small, sizeof(small));
	ck_assert_uint_eq(strlen(small), 3);
	ck_assert_mem_eq(small, t.prefix, 3);
	/* cut inside the number: its leading digits stay */
	{
		char six[6], want[32];
		t.next = 987;
		tagger_next(&t, six, sizeof(six));
		snprintf(want, sizeof(want), "%s9", t.prefix);
		ck_assert_str_eq(six, want);
		t.next = ULONG_MAX;
		tagger_next(&t, tag, sizeof(tag));
		snprintf(want, sizeof(want), "%s%lu", t.prefix, ULONG_MAX);
		ck_assert_str_eq(tag, want);
		ck_assert_uint_eq(t.next, 0);
	}
}
END_TEST

Suite *flags_tag_suite(void)
{
	Suite *s = suite_create("flags_tag");
	TCase *tc = tcase_create("flags");

	tcase_add_test(tc, test_flags_fetch);
	tcase_add_test(tc, test_flags_untagged_and_codes);
	tcase_add_test(tc, test_flags_case_space_first);
	tcase_add_test(tc, test_flags_absent);
	tcase_add_test(tc, test_flags_unclosed);
	tcase_add_test(tc, test_flags_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("tag");
	tcase_add_test(tc, test_int2ap);
	tcase_add_test(tc, test_int2ap_small_out);
	tcase_add_test(tc, test_tagger_seeded);
	tcase_add_test(tc, test_tagger_range);
	tcase_add_test(tc, test_tagger_random);
	tcase_add_test(tc, test_tagger_big_counter);
	tcase_add_test(tc, test_tagger_number);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(flags_tag_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
