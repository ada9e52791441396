/*
 * Unit tests for the kept-responses store (src/core/kept.c): per-name and
 * name limits, the byte budget with the oldest dropped first, take.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kept.h"

/* A response named name whose text says i (to tell them apart). */
static struct imap_response *resp(const char *name, int i)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	char text[32];
	snprintf(text, sizeof(text), "%d", i);
	r->name = imap_response_strdup(r, name, strlen(name));
	r->text = imap_response_strdup(r, text, strlen(text));
	r->text_len = strlen(text);
	return r;
}

/* The texts of what take() gives for name, joined by spaces. */
static void take_texts(struct kept_store *k, const char *name, char *out, size_t size)
{
	struct imap_response **list;
	size_t n = kept_take(k, name, &list), i, used = 0;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "", list[i]->text);
		imap_response_free(list[i]);
	}
	free(list);
}

START_TEST(budget_drops_oldest_of_any_name)
{
	struct kept_store *k = kept_new(1000);
	char got[256];
	ck_assert(kept_add(k, "EXISTS", resp("EXISTS", 1), 400));
	ck_assert(kept_add(k, "OK", resp("OK", 2), 400));
	ck_assert_uint_eq(kept_bytes(k), 800);
	/* 300 more is over 1000: the oldest (EXISTS 1) goes */
	ck_assert(kept_add(k, "OK", resp("OK", 3), 300));
	ck_assert_uint_eq(kept_bytes(k), 700);
	ck_assert_uint_eq(kept_count(k), 2);
	take_texts(k, "EXISTS", got, sizeof(got));
	ck_assert_str_eq(got, "");
	take_texts(k, "ok", got, sizeof(got)); /* any case */
	ck_assert_str_eq(got, "2 3");
	ck_assert_uint_eq(kept_bytes(k), 0);
	kept_free(k);
}
END_TEST

START_TEST(one_over_budget_is_not_kept)
{
	struct kept_store *k = kept_new(1000);
	ck_assert(kept_add(k, "A", resp("A", 1), 10));
	ck_assert(!kept_add(k, "B", resp("B", 2), 1001));
	ck_assert_uint_eq(kept_count(k), 1);
	ck_assert_uint_eq(kept_bytes(k), 10);
	kept_free(k);
}
END_TEST

START_TEST(per_name_and_name_limits)
{
	struct kept_store *k = kept_new(1u << 30);
	char got[4096], name[16];
	int i;
	for (i = 0; i < KEPT_PER_NAME + 5; i++)
		ck_assert(kept_add(k, "FETCH", resp("FETCH", i), 1));
	ck_assert_uint_eq(kept_count(k), KEPT_PER_NAME);
	take_texts(k, "FETCH", got, sizeof(got));
	ck_assert(!strncmp(got, "5 6 7", 5)); /* the first five went */
	for (i = 0; i < KEPT_NAMES + 3; i++) {
		snprintf(name, sizeof(name), "X%d", i);
		ck_assert(kept_add(k, name, resp(name, i), 1) == (i < KEPT_NAMES - 1));
	}
	kept_free(k);
}
END_TEST

/* 20 responses of 1 MB during one NOOP cost the budget, not 20 MB. */
START_TEST(flood_stays_within_budget)
{
	struct kept_store *k = kept_new(KEPT_MAX_BYTES);
	int i;
	for (i = 0; i < 20; i++) {
		kept_add(k, "OK", resp("OK", i), 1u << 20);
		ck_assert_uint_le(kept_bytes(k), KEPT_MAX_BYTES);
	}
	ck_assert_uint_eq(kept_count(k), KEPT_MAX_BYTES >> 20);
	kept_clear(k);
	ck_assert_uint_eq(kept_bytes(k), 0);
	ck_assert_uint_eq(kept_count(k), 0);
	kept_free(k);
}
END_TEST

Suite *kept_suite(void);
Suite *kept_suite(void)
{
	Suite *s = suite_create("kept");
	TCase *tc = tcase_create("kept");
	tcase_add_test(tc, budget_drops_oldest_of_any_name);
	tcase_add_test(tc, one_over_budget_is_not_kept);
	tcase_add_test(tc, per_name_and_name_limits);
	tcase_add_test(tc, flood_stays_within_budget);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kept_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
