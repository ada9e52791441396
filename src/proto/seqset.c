/*
 * seqset.c - sequence sets as ranges: parse, count, membership, building
 * from numbers, formatting (see seqset.h).
 *
 * Nothing here expands a range: a count is a sum of range lengths after
 * the ranges are sorted and merged, so the cost follows the number of
 * ranges in the text, never the numbers they cover.
 */
#include "proto/seqset.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* ------------------------------------------------------------------ */
/* parsing */

/* seq-number at s[*i]: "*" or digits of 1..4294967295.  0 or -1. */
static int parse_number(const char *s, size_t len, size_t *i, uint32_t *n_r, bool *star_r)
{
	uint64_t n = 0;
	size_t start = *i;

	*star_r = false;
	*n_r = 0;
	if (*i < len && s[*i] == '*') {
		(*i)++;
		*star_r = true;
		return 0;
	}
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		n = n * 10 + (uint64_t)(s[*i] - '0');
		if (n > UINT32_MAX)
			return -1;
		(*i)++;
	}
	if (*i == start || n == 0)
		return -1;
	*n_r = (uint32_t)n;
	return 0;
}

/* seq-number [":" seq-number] at s[*i] */
static int parse_range(const char *s, size_t len, size_t *i, struct imap_seqrange *rg)
{
	if (parse_number(s, len, i, &rg->first, &rg->first_star) < 0)
		return -1;
	rg->last = rg->first;
	rg->last_star = rg->first_star;
	if (*i < len && s[*i] == ':') {
		(*i)++;
		return parse_number(s, len, i, &rg->last, &rg->last_star);
	}
	return 0;
}

int imap_seqset_parse(struct imap_response *r, const char *s, size_t len,
		      struct imap_seqset *set_r)
{
	size_t i, n = 1;
	struct imap_seqrange *ranges;

	set_r->ranges = NULL;
	set_r->count = 0;
	if (!s || len == 0)
		return -1;
	for (i = 0; i < len; i++)
		n += s[i] == ',';
	ranges = imap_response_alloc(r, n * sizeof(*ranges));
	for (i = 0, n = 0;; n++) {
		if (parse_range(s, len, &i, &ranges[n]) < 0)
			return -1;
		if (i == len)
			break;
		if (s[i] != ',')
			return -1;
		i++;
	}
	set_r->ranges = ranges;
	set_r->count = n + 1;
	return 0;
}

int imap_seqset_from_value(struct imap_response *r, const struct imap_value *v,
			   struct imap_seqset *set_r)
{
	set_r->ranges = NULL;
	set_r->count = 0;
	if (!v || !v->str)
		return -1;
	switch (v->type) {
	case IMAP_VALUE_ATOM:
	case IMAP_VALUE_NUMBER:
	case IMAP_VALUE_QUOTED:
		return imap_seqset_parse(r, v->str, v->len, set_r);
	default:
		return -1;
	}
}

/* ------------------------------------------------------------------ */
/* building from numbers */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool ascending(const uint32_t *nums, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (nums[i] <= nums[i - 1])
			return false;
	return true;
}

/* Whether b continues the run first..prev: +1 in its direction (a run of
 * one number may go either way).  Sorted input has no duplicates by then
 * and only goes up. */
static bool continues(uint32_t first, uint32_t prev, uint32_t b)
{
	if (prev != UINT32_MAX && b == prev + 1 && first <= prev)
		return true;
	return prev != 0 && b == prev - 1 && first >= prev;
}

/* One pass over nums: counts the runs, and fills out (if not NULL). */
static size_t join_runs(const uint32_t *nums, size_t n, bool dedupe, struct imap_seqrange *out)
{
	size_t i, runs = 0;
	struct imap_seqrange cur = { 0, 0, false, false };

	for (i = 0; i < n; i++) {
		if (dedupe && i && nums[i] == nums[i - 1])
			continue;
		if (runs && continues(cur.first, cur.last, nums[i])) {
			cur.last = nums[i];
		} else {
			if (runs && out)
				out[runs - 1] = cur;
			cur.first = cur.last = nums[i];
			runs++;
		}
	}
	if (runs && out)
		out[runs - 1] = cur;
	return runs;
}

void imap_seqset_from_numbers(struct imap_response *r, const uint32_t *nums, size_t n,
			      enum imap_seqset_order order, struct imap_seqset *set_r)
{
	bool sorted = order == IMAP_SEQSET_SORTED;
	uint32_t *copy = NULL;
	size_t runs;

	set_r->ranges = NULL;
	set_r->count = 0;
	if (n == 0)
		return;
	if (sorted && !ascending(nums, n)) {
		copy = imap_response_memdup(r, nums, n * sizeof(*nums));
		qsort(copy, n, sizeof(*copy), cmp_u32);
		nums = copy;
	}
	runs = join_runs(nums, n, sorted, NULL);
	set_r->ranges = imap_response_alloc(r, runs * sizeof(*set_r->ranges));
	set_r->count = join_runs(nums, n, sorted, set_r->ranges);
}

/* ------------------------------------------------------------------ */
/* counting and membership */

struct span {
	uint32_t lo, hi;
};

void imap_seqrange_bounds(const struct imap_seqrange *rg, uint32_t star,
			  uint32_t *lo_r, uint32_t *hi_r)
{
	uint32_t s = star ? star : UINT32_MAX;
	uint32_t a = rg->first_star ? s : rg->first;
	uint32_t b = rg->last_star ? s : rg->last;

	*lo_r = a < b ? a : b;
	*hi_r = a < b ? b : a;
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/* Sum of the lengths of spans sorted by lo, overlaps merged. */
static uint64_t merged_length(const struct span *sp, size_t n)
{
	uint64_t total = 0;
	uint32_t lo, hi;
	size_t i;

	if (n == 0)
		return 0;
	lo = sp[0].lo;
	hi = sp[0].hi;
	for (i = 1; i < n; i++) {
		if ((uint64_t)sp[i].lo > (uint64_t)hi + 1) {
			total += (uint64_t)hi - lo + 1;
			lo = sp[i].lo;
			hi = sp[i].hi;
		} else if (sp[i].hi > hi) {
			hi = sp[i].hi;
		}
	}
	return total + ((uint64_t)hi - lo + 1);
}

uint64_t imap_seqset_count(const struct imap_seqset *s, uint32_t star, bool *star_r)
{
	struct span *sp;
	uint64_t total = 0;
	uint32_t lo, hi, prev_hi = 0;
	bool disjoint = true, has_star = false;
	size_t i;

	for (i = 0; i < s->count; i++) {
		imap_seqrange_bounds(&s->ranges[i], star, &lo, &hi);
		has_star |= s->ranges[i].first_star || s->ranges[i].last_star;
		if (i && lo <= prev_hi)
			disjoint = false;
		prev_hi = hi;
		total += (uint64_t)hi - lo + 1;
	}
	if (star_r)
		*star_r = has_star;
	if (disjoint)
		return total;
	sp = xmalloc(s->count * sizeof(*sp));
	for (i = 0; i < s->count; i++)
		imap_seqrange_bounds(&s->ranges[i], star, &sp[i].lo, &sp[i].hi);
	qsort(sp, s->count, sizeof(*sp), cmp_span);
	total = merged_length(sp, s->count);
	free(sp);
	return total;
}

bool imap_seqset_contains(const struct imap_seqset *s, uint32_t n, uint32_t star)
{
	uint32_t lo, hi;
	size_t i;

	for (i = 0; i < s->count; i++) {
		imap_seqrange_bounds(&s->ranges[i], star, &lo, &hi);
		if (n >= lo && n <= hi)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* formatting */

static void add_end(struct buf *b, uint32_t n, bool star)
{
	if (star)
		buf_addch(b, '*');
	else
		buf_addf(b, "%lu", (unsigned long)n);
}

void imap_seqset_format(const struct imap_seqset *s, const char *sep, struct buf *b)
{
	const struct imap_seqrange *rg;
	size_t i;

	if (!sep)
		sep = ",";
	for (i = 0; i < s->count; i++) {
		rg = &s->ranges[i];
		if (i)
			buf_adds(b, sep);
		add_end(b, rg->first, rg->first_star);
		if (rg->first_star != rg->last_star ||
		    (!rg->first_star && rg->first != rg->last)) {
			buf_addch(b, ':');
			add_end(b, rg->last, rg->last_star);
		}
	}
}
