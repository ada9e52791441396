/*
 * check.c - the numbers in a response against their grammar's ranges.
 *
 * RFC 9051 sec. 9:
 *   number          = 1*DIGIT          ; Unsigned 32-bit integer (0 <= n < 4,294,967,296)
 *   number64        = 1*DIGIT          ; Unsigned 63-bit integer (0 <= n <= 9,223,372,036,854,775,807)
 *   nz-number       = digit-nz *DIGIT  ; Non-zero unsigned 32-bit integer (0 < n < 4,294,967,296)
 *   sequence-set    = (seq-number / seq-range) ["," sequence-set]
 *   seq-range       = seq-number ":" seq-number
 *   seq-number      = nz-number / "*"
 * RFC 4315: uid-set = (uniqueid / uid-range) *("," uid-set), no "*".
 * RFC 7162: mod-sequence-value = 1*DIGIT ; 1 <= n <= 9,223,372,036,854,775,807
 *           mod-sequence-valzer = "0" / mod-sequence-value
 *
 * Everything here only reads the tree; an error message is formatted
 * into err with bounded excerpts of what the server sent.
 */
#include "proto/check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NUM32_MAX ((uint64_t)UINT32_MAX)
#define NUM64_MAX ((uint64_t)INT64_MAX)

struct range {
	uint64_t lo, hi;
};

static const struct range number = { 0, NUM32_MAX };
static const struct range nz_number = { 1, NUM32_MAX };
static const struct range number64 = { 0, NUM64_MAX };
static const struct range modseq = { 1, NUM64_MAX };

/* ------------------------------------------------------------------ */
/* messages */

/* Appends s[0, len) to out (of size n, NUL-terminated) for a person:
 * printable ASCII as is, other bytes as \xHH, at most max bytes of s, then
 * "..." if cut. */
static void add_excerpt(char *out, size_t n, const char *s, size_t len, size_t max)
{
	size_t o = strlen(out), i;

	for (i = 0; i < len && i < max && o + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, n - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	if (i < len && o + 4 < n)
		strcat(out, "...");
}

/* The response as a person would name it: "* 1 FETCH", "A3 OK". */
static void response_name(const struct imap_response *r, char *out, size_t n)
{
	out[0] = '\0';
	if (r->kind == IMAP_RESP_TAGGED) {
		add_excerpt(out, n, r->tag, strlen(r->tag), 30);
		strncat(out, " ", n - strlen(out) - 1);
	} else if (r->has_number) {
		snprintf(out, n, "* %" PRIu64 " ", r->number);
	} else {
		snprintf(out, n, "* ");
	}
	add_excerpt(out, n, r->name, strlen(r->name), 30);
}

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	if (!s || !len)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A value as a person would see it: digits (a long run shortened, with
 * its length), an atom as is, a quoted string in quotes, or what it is. */
static void describe(const struct imap_value *v, char *out, size_t n)
{
	out[0] = '\0';
	if (!v->str && v->type == IMAP_VALUE_NUMBER) {
		/* built by hand without its digits */
		snprintf(out, n, "%" PRIu64, v->num);
		return;
	}
	switch (v->type) {
	case IMAP_VALUE_NUMBER:
	case IMAP_VALUE_ATOM:
		if (all_digits(v->str, v->len) && v->len > 20) {
			snprintf(out, n, "%.10s... (%zu digits)", v->str, v->len);
			return;
		}
		add_excerpt(out, n, v->str ? v->str : "", v->str ? v->len : 0, 40);
		return;
	case IMAP_VALUE_QUOTED:
		snprintf(out, n, "\"");
		add_excerpt(out, n, v->str ? v->str : "", v->str ? v->len : 0, 40);
		strncat(out, "\"", n - strlen(out) - 1);
		return;
	case IMAP_VALUE_LITERAL:
		snprintf(out, n, "a literal of %" PRIu64 " bytes", v->literal_size);
		return;
	case IMAP_VALUE_LIST:
		snprintf(out, n, "a list of %zu values", v->count);
		return;
	case IMAP_VALUE_NIL:
		snprintf(out, n, "NIL");
		return;
	}
}

/* "protocol error: ITEM in "RESPONSE" is VALUE, PROBLEM" (or "is
 * missing" when v is NULL); returns -1. */
static int bad(const struct imap_response *r, const char *item, const struct imap_value *v,
	       const char *problem, struct imap_err *err)
{
	char where[96], what[96];

	response_name(r, where, sizeof(where));
	if (!v)
		return err_set(err, IMAP_ERR_ABORT, "protocol error: %s in \"%s\" is missing, %s",
			       item, where, problem);
	describe(v, what, sizeof(what));
	return err_set(err, IMAP_ERR_ABORT, "protocol error: %s in \"%s\" is %s, %s",
		       item, where, what, problem);
}

/* ------------------------------------------------------------------ */
/* numbers and sets */

/* 1: a number that fits in 64 bits, in *n; 0: digits only, but more than
 * 64 bits (the parser made it an ATOM); -1: not a number.  Atoms of
 * digits come from a response code that did not parse as values. */
static int value_number(const struct imap_value *v, uint64_t *n)
{
	uint64_t x = 0;
	size_t i;

	if (v->type == IMAP_VALUE_NUMBER) {
		*n = v->num;
		return 1;
	}
	if (v->type != IMAP_VALUE_ATOM || !all_digits(v->str, v->len))
		return -1;
	for (i = 0; i < v->len; i++) {
		unsigned d = (unsigned)(v->str[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return 0;
		x = x * 10 + d;
	}
	*n = x;
	return 1;
}

/* v (NULL: missing) must be a number in rg. */
static int check_number(const struct imap_response *r, const char *item, const struct imap_value *v,
			struct range rg, struct imap_err *err)
{
	char problem[80];
	uint64_t n = 0;
	int rc;

	snprintf(problem, sizeof(problem), "out of range (%" PRIu64 " to %" PRIu64 ")", rg.lo, rg.hi);
	if (!v)
		return bad(r, item, v, "a number is required", err);
	rc = value_number(v, &n);
	if (rc < 0)
		return bad(r, item, v, "not a number", err);
	if (rc == 0 || n < rg.lo || n > rg.hi)
		return bad(r, item, v, problem, err);
	return 0;
}

/*
 * s[0, len) as a sequence-set (star_ok) or uid-set: 0, or -1 with why
 * filled ("4294967296 is out of range (1 to 4294967295)").  One pass,
 * nothing expanded.
 */
static int parse_set(const char *s, size_t len, bool star_ok, char *why, size_t n)
{
	size_t i = 0;
	bool after_colon = false;

	if (!len) {
		snprintf(why, n, "it is empty");
		return -1;
	}
	for (;;) {
		/* a seq-number */
		if (i < len && s[i] == '*') {
			if (!star_ok) {
				snprintf(why, n, "'*' is not a UID");
				return -1;
			}
			i++;
		} else if (i < len && s[i] >= '0' && s[i] <= '9') {
			size_t start = i;
			uint64_t x = 0;
			for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
				if (x <= NUM32_MAX)
					x = x * 10 + (uint64_t)(s[i] - '0');
			if (x == 0 || x > NUM32_MAX) {
				why[0] = '\0';
				if (i - start > 20)
					snprintf(why, n, "%.10s... (%zu digits)", s + start, i - start);
				else
					snprintf(why, n, "%.*s", (int)(i - start), s + start);
				strncat(why, " is out of range (1 to 4294967295)", n - strlen(why) - 1);
				return -1;
			}
		} else {
			if (i < len)
				snprintf(why, n, "unexpected '%c' at byte %zu", s[i] >= 0x21 && s[i] < 0x7f ? s[i] : '?',
					 i + 1);
			else
				snprintf(why, n, "a number is missing at its end");
			return -1;
		}
		if (i == len)
			return 0;
		if (s[i] == ':' && !after_colon) {
			after_colon = true;
		} else if (s[i] == ',') {
			after_colon = false;
		} else {
			snprintf(why, n, "unexpected '%c' at byte %zu", s[i] >= 0x21 && s[i] < 0x7f ? s[i] : '?',
				 i + 1);
			return -1;
		}
		i++;
	}
}

/* v (NULL: missing) must be a sequence-set (star_ok) or a uid-set. */
static int check_set(const struct imap_response *r, const char *item, const struct imap_value *v,
		     bool star_ok, struct imap_err *err)
{
	const char *kind = star_ok ? "sequence-set" : "uid-set";
	char why[80], problem[128];

	if (!v) {
		snprintf(problem, sizeof(problem), "a %s is required", kind);
		return bad(r, item, v, problem, err);
	}
	if (v->type == IMAP_VALUE_NUMBER && !v->str) {
		/* built by hand without its digits: one number */
		if (v->num >= 1 && v->num <= NUM32_MAX)
			return 0;
		snprintf(problem, sizeof(problem), "not a %s: out of range (1 to 4294967295)", kind);
		return bad(r, item, v, problem, err);
	}
	if ((v->type != IMAP_VALUE_NUMBER && v->type != IMAP_VALUE_ATOM) || !v->str) {
		snprintf(problem, sizeof(problem), "not a %s", kind);
		return bad(r, item, v, problem, err);
	}
	if (parse_set(v->str, v->len, star_ok, why, sizeof(why)) < 0) {
		snprintf(problem, sizeof(problem), "not a %s: %s", kind, why);
		return bad(r, item, v, problem, err);
	}
	return 0;
}

static bool is_word(const struct imap_value *v, const char *w)
{
	size_t n = strlen(w);
	return v && v->type == IMAP_VALUE_ATOM && v->str && v->len == n && strncasecmp(v->str, w, n) == 0;
}

static bool name_is(const char *name, const char *w)
{
	return strcmp(name, w) == 0; /* the parser upper-cases names */
}

/* items[i], or NULL past the end. */
static const struct imap_value *item_at(const struct imap_value *list, size_t i)
{
	return i < list->count ? &list->items[i] : NULL;
}

/* "(MODSEQ n)" (RFC 7162 search-sort-mod-seq) */
static int check_modseq_list(const struct imap_response *r, const char *item,
			     const struct imap_value *v, struct imap_err *err)
{
	if (!v || v->type != IMAP_VALUE_LIST || v->count != 1)
		return bad(r, item, v, "not a mod-sequence in parentheses", err);
	return check_number(r, item, &v->items[0], modseq, err);
}

/* ------------------------------------------------------------------ */
/* responses */

/*
 * msg-att         = "(" (msg-att-dynamic / msg-att-static) *(SP ...) ")"
 *   "UID" SP uniqueid / "RFC822.SIZE" SP number64 /
 *   "BINARY.SIZE" section-binary SP number / fetch-mod-resp (RFC 7162)
 * (BINARY.SIZE taken as number64, as RFC822.SIZE is: a size, not a count.)
 */
static int check_fetch(const struct imap_response *r, struct imap_err *err)
{
	const struct imap_value *att = item_at(&r->data, 0);
	size_t i;

	if (!att || att->type != IMAP_VALUE_LIST)
		return 0;
	for (i = 0; i < att->count; i += 2) {
		const struct imap_value *k = &att->items[i], *v = item_at(att, i + 1);
		int rc = 0;

		if (k->type != IMAP_VALUE_ATOM)
			continue;
		if (is_word(k, "UID"))
			rc = check_number(r, "UID", v, nz_number, err);
		else if (is_word(k, "RFC822.SIZE"))
			rc = check_number(r, "RFC822.SIZE", v, number64, err);
		else if (is_word(k, "MODSEQ"))
			rc = check_modseq_list(r, "MODSEQ", v, err);
		else if (k->str && k->len > 12 && strncasecmp(k->str, "BINARY.SIZE[", 12) == 0) {
			char item[64] = "";
			add_excerpt(item, sizeof(item), k->str, k->len, 40);
			rc = check_number(r, item, v, number64, err);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* status-att-val pairs; the list is the last value ("* STATUS name (...)"). */
static int check_status(const struct imap_response *r, struct imap_err *err)
{
	static const struct {
		const char *name;
		const struct range *rg;
	} atts[] = {
		{ "MESSAGES", &number }, { "UIDNEXT", &number }, { "UIDVALIDITY", &number },
		{ "UNSEEN", &number }, { "RECENT", &number }, { "DELETED", &number },
		{ "SIZE", &number64 }, { "DELETED-STORAGE", &number64 },
		{ "HIGHESTMODSEQ", &number64 }, /* mod-sequence-valzer */
	};
	const struct imap_value *list = r->data.count ? &r->data.items[r->data.count - 1] : NULL;
	size_t i, j;

	if (r->data.count < 2 || list->type != IMAP_VALUE_LIST)
		return 0;
	for (i = 0; i < list->count; i += 2) {
		const struct imap_value *k = &list->items[i];
		for (j = 0; j < sizeof(atts) / sizeof(atts[0]); j++)
			if (is_word(k, atts[j].name) &&
			    check_number(r, atts[j].name, item_at(list, i + 1), *atts[j].rg, err) < 0)
				return -1;
	}
	return 0;
}

/* search-response = "SEARCH" *(SP nz-number) [SP search-sort-mod-seq]
 * sort-data        = "SORT" *(SP nz-number) [SP search-sort-mod-seq] */
static int check_search(const struct imap_response *r, struct imap_err *err)
{
	size_t i;

	for (i = 0; i < r->data.count; i++) {
		const struct imap_value *v = &r->data.items[i];
		char item[32];

		if (v->type == IMAP_VALUE_LIST) {
			if (v->count >= 1 && is_word(&v->items[0], "MODSEQ") &&
			    check_number(r, "MODSEQ", item_at(v, 1), modseq, err) < 0)
				return -1;
			continue;
		}
		snprintf(item, sizeof(item), "result %zu", i + 1);
		if (check_number(r, item, v, nz_number, err) < 0)
			return -1;
	}
	return 0;
}

/*
 * esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data)
 * search-return-data = "MIN" SP nz-number / "MAX" SP nz-number /
 *                      "ALL" SP sequence-set / "COUNT" SP number /
 *                      "MODSEQ" SP mod-sequence-value / search-ret-data-ext
 * An unknown name takes one value (tagged-ext-val), skipped.
 */
static int check_esearch(const struct imap_response *r, struct imap_err *err)
{
	const struct imap_value *d = &r->data;
	size_t i = 0;

	if (i < d->count && d->items[i].type == IMAP_VALUE_LIST)
		i++;
	if (i < d->count && is_word(&d->items[i], "UID"))
		i++;
	for (; i < d->count; i += 2) {
		const struct imap_value *k = &d->items[i], *v = item_at(d, i + 1);
		int rc = 0;

		if (k->type != IMAP_VALUE_ATOM)
			break; /* out of step: nothing more can be told */
		if (is_word(k, "MIN"))
			rc = check_number(r, "MIN", v, nz_number, err);
		else if (is_word(k, "MAX"))
			rc = check_number(r, "MAX", v, nz_number, err);
		else if (is_word(k, "COUNT"))
			rc = check_number(r, "COUNT", v, number, err);
		else if (is_word(k, "MODSEQ"))
			rc = check_number(r, "MODSEQ", v, modseq, err);
		else if (is_word(k, "ALL"))
			rc = check_set(r, "ALL", v, true, err);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids */
static int check_vanished(const struct imap_response *r, struct imap_err *err)
{
	size_t i = r->data.count && r->data.items[0].type == IMAP_VALUE_LIST ? 1 : 0;

	return check_set(r, "VANISHED", item_at(&r->data, i), false, err);
}

/*
 * resp-text-code = ... / "UIDNEXT" SP nz-number / "UIDVALIDITY" SP nz-number /
 *                  "UNSEEN" SP nz-number / "HIGHESTMODSEQ" SP mod-sequence-value /
 *                  "MODIFIED" SP sequence-set /
 *                  "APPENDUID" SP nz-number SP append-uid /
 *                  "COPYUID" SP nz-number SP uid-set SP uid-set
 * (append-uid is a uid-set under MULTIAPPEND, RFC 4315.)
 */
static int check_code(const struct imap_response *r, struct imap_err *err)
{
	const char *c = r->code_name;
	const struct imap_value *a = &r->code_args;

	if (name_is(c, "UIDNEXT"))
		return check_number(r, "[UIDNEXT]", item_at(a, 0), nz_number, err);
	if (name_is(c, "UIDVALIDITY"))
		return check_number(r, "[UIDVALIDITY]", item_at(a, 0), nz_number, err);
	if (name_is(c, "UNSEEN"))
		return check_number(r, "[UNSEEN]", item_at(a, 0), nz_number, err);
	if (name_is(c, "HIGHESTMODSEQ"))
		return check_number(r, "[HIGHESTMODSEQ]", item_at(a, 0), modseq, err);
	if (name_is(c, "MODIFIED"))
		return check_set(r, "[MODIFIED]", item_at(a, 0), true, err);
	if (name_is(c, "APPENDUID")) {
		if (check_number(r, "[APPENDUID] UIDVALIDITY", item_at(a, 0), nz_number, err) < 0)
			return -1;
		return check_set(r, "[APPENDUID] UID", item_at(a, 1), false, err);
	}
	if (name_is(c, "COPYUID")) {
		if (check_number(r, "[COPYUID] UIDVALIDITY", item_at(a, 0), nz_number, err) < 0 ||
		    check_set(r, "[COPYUID] source UIDs", item_at(a, 1), false, err) < 0)
			return -1;
		return check_set(r, "[COPYUID] destination UIDs", item_at(a, 2), false, err);
	}
	return 0;
}

/*
 * message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
 * mailbox-data    =/ number SP "EXISTS" / number SP "RECENT"
 * RFC 9051 sec. 2.3.1: message sequence numbers are 32-bit, and EXPUNGE
 * and FETCH name an existing message.  (The message as src/core used to
 * word it.)
 */
static int check_message_number(const struct imap_response *r, struct imap_err *err)
{
	bool msn = name_is(r->name, "EXPUNGE") || name_is(r->name, "FETCH");
	char name[64] = "";

	add_excerpt(name, sizeof(name), r->name, strlen(r->name), 20);
	if (!r->has_number) {
		if (msn || name_is(r->name, "EXISTS") || name_is(r->name, "RECENT"))
			return err_set(err, IMAP_ERR_ABORT,
				       "protocol error: the server sent \"* %s\" without a %s",
				       name, msn ? "message number" : "number");
		return 0;
	}
	if (r->number > NUM32_MAX || (msn && r->number == 0))
		return err_set(err, IMAP_ERR_ABORT,
			       "protocol error: the server sent \"* %" PRIu64 " %s\": %s out of range (%d to 4294967295)",
			       r->number, name, msn ? "message number" : "number", msn ? 1 : 0);
	return 0;
}

int imap_response_check(const struct imap_response *r, struct imap_err *err)
{
	if (r->kind == IMAP_RESP_CONTINUATION)
		return 0;
	if (r->kind == IMAP_RESP_UNTAGGED && r->status == IMAP_STATUS_NONE) {
		if (check_message_number(r, err) < 0)
			return -1;
		if (name_is(r->name, "FETCH"))
			return check_fetch(r, err);
		if (name_is(r->name, "STATUS"))
			return check_status(r, err);
		if (name_is(r->name, "SEARCH") || name_is(r->name, "SORT"))
			return check_search(r, err);
		if (name_is(r->name, "ESEARCH"))
			return check_esearch(r, err);
		if (name_is(r->name, "VANISHED"))
			return check_vanished(r, err);
		return 0;
	}
	if (r->code_name)
		return check_code(r, err);
	return 0;
}
