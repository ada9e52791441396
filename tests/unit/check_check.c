/*
 * check_check.c - unit tests for src/proto/check.c (imap_response_check).
 *
 * One table: a response byte for byte as a server sends it, parsed by the
 * real parser, and the exact result of the check ("" when it passes).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/check.h"
#include "proto/parser.h"
#include "util/buf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))


/* The one response in in (fed whole), checked: "" or the error message. */
static char *check_one(const char *in, size_t len)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	char *out;
	int rc;

	imap_parser_feed(p, in, len);
	rc = imap_parser_next(p, &r, &err);
	ck_assert_msg(rc == 1, "does not parse: %.100s: %s", in, err.msg);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	rc = imap_response_check(r, &err);
	if (rc == 0) {
		ck_assert_int_eq(err.kind, IMAP_ERR_NONE);
		out = strdup("");
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
		out = strdup(err.msg);
	}
	imap_response_free(r);
	imap_parser_free(p);
	return out;
}

static void expect(const char *in, const char *want)
{
	char *got = check_one(in, strlen(in));
	ck_assert_msg(strcmp(got, want) == 0, "%.200s\n got: %s\nwant: %s", in, got, want);
	free(got);
}

struct row {
	const char *in;
	const char *want; /* "" passes */
};

/* "* n NAME": as src/core/session.c's check_numbers() had it */
static const struct row message_numbers[] = {
	{ "* 0 EXISTS\r\n", "" },
	{ "* 4294967295 EXISTS\r\n", "" },
	{ "* 0 RECENT\r\n", "" },
	{ "* 4294967296 EXISTS\r\n",
	  "protocol error: the server sent \"* 4294967296 EXISTS\": number out of range (0 to 4294967295)" },
	{ "* 4294967296 RECENT\r\n",
	  "protocol error: the server sent \"* 4294967296 RECENT\": number out of range (0 to 4294967295)" },
	{ "* 18446744073709551615 X-COUNT\r\n",
	  "protocol error: the server sent \"* 18446744073709551615 X-COUNT\": number out of range (0 to 4294967295)" },
	{ "* 1 EXPUNGE\r\n", "" },
	{ "* 4294967295 FETCH (FLAGS ())\r\n", "" },
	{ "* 0 EXPUNGE\r\n",
	  "protocol error: the server sent \"* 0 EXPUNGE\": message number out of range (1 to 4294967295)" },
	{ "* 0 FETCH (FLAGS ())\r\n",
	  "protocol error: the server sent \"* 0 FETCH\": message number out of range (1 to 4294967295)" },
	{ "* 4294967296 FETCH (UID 1)\r\n",
	  "protocol error: the server sent \"* 4294967296 FETCH\": message number out of range (1 to 4294967295)" },
	{ "* 00000000000000000000001 expunge\r\n", "" },
	{ "* EXISTS\r\n", "protocol error: the server sent \"* EXISTS\" without a number" },
	{ "* FETCH (UID 1)\r\n", "protocol error: the server sent \"* FETCH\" without a message number" },
	{ "* 0 X\xff\x01\r\n",
	  "" },
	{ "* 4294967296 X\xff\x01Y012345678901234567890\r\n",
	  "protocol error: the server sent \"* 4294967296 X\\xff\\x01Y0123456789012345...\": number out of range (0 to 4294967295)" },
};

static const struct row fetch[] = {
	{ "* 1 FETCH (UID 1 RFC822.SIZE 0 MODSEQ (1) BINARY.SIZE[1] 0)\r\n", "" },
	{ "* 1 FETCH (UID 4294967295 RFC822.SIZE 9223372036854775807 MODSEQ (9223372036854775807)"
	  " BINARY.SIZE[1.2] 9223372036854775807)\r\n", "" },
	/* extra spaces, lower case, leading zeros, unknown items, literals */
	{ "* 1 FETCH  ( uid  0005  X-GM-MSGID 99999999999999999999999 BODY[] {3}\r\nabc"
	  " Rfc822.Size 12 X-NUM ( 0 ) )\r\n", "" },
	{ "* 1 FETCH (FLAGS (\\Seen) UID 0)\r\n",
	  "protocol error: UID in \"* 1 FETCH\" is 0, out of range (1 to 4294967295)" },
	{ "* 1 FETCH (UID 4294967296)\r\n",
	  "protocol error: UID in \"* 1 FETCH\" is 4294967296, out of range (1 to 4294967295)" },
	{ "* 1 FETCH (UID \"7\")\r\n", "protocol error: UID in \"* 1 FETCH\" is \"7\", not a number" },
	{ "* 1 FETCH (UID NIL)\r\n", "protocol error: UID in \"* 1 FETCH\" is NIL, not a number" },
	{ "* 1 FETCH (UID 7a)\r\n", "protocol error: UID in \"* 1 FETCH\" is 7a, not a number" },
	{ "* 1 FETCH (UID {1}\r\n7)\r\n",
	  "protocol error: UID in \"* 1 FETCH\" is a literal of 1 bytes, not a number" },
	{ "* 1 FETCH (FLAGS () UID)\r\n",
	  "protocol error: UID in \"* 1 FETCH\" is missing, a number is required" },
	{ "* 1 FETCH (RFC822.SIZE 9223372036854775808)\r\n",
	  "protocol error: RFC822.SIZE in \"* 1 FETCH\" is 9223372036854775808, out of range (0 to 9223372036854775807)" },
	{ "* 1 FETCH (RFC822.SIZE 18446744073709551616)\r\n",
	  "protocol error: RFC822.SIZE in \"* 1 FETCH\" is 18446744073709551616, out of range (0 to 9223372036854775807)" },
	{ "* 1 FETCH (RFC822.SIZE "
	  "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
	  "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
	  "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"
	  "9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999)\r\n",
	  "protocol error: RFC822.SIZE in \"* 1 FETCH\" is 9999999999... (400 digits), out of range (0 to 9223372036854775807)" },
	{ "* 1 FETCH (RFC822.SIZE -1)\r\n", "protocol error: RFC822.SIZE in \"* 1 FETCH\" is -1, not a number" },
	{ "* 2 FETCH (BINARY.SIZE[1.2] 9223372036854775808)\r\n",
	  "protocol error: BINARY.SIZE[1.2] in \"* 2 FETCH\" is 9223372036854775808, out of range (0 to 9223372036854775807)" },
	{ "* 2 FETCH (binary.size[] NIL)\r\n",
	  "protocol error: binary.size[] in \"* 2 FETCH\" is NIL, not a number" },
	{ "* 3 FETCH (MODSEQ (0))\r\n",
	  "protocol error: MODSEQ in \"* 3 FETCH\" is 0, out of range (1 to 9223372036854775807)" },
	{ "* 3 FETCH (MODSEQ (9223372036854775808))\r\n",
	  "protocol error: MODSEQ in \"* 3 FETCH\" is 9223372036854775808, out of range (1 to 9223372036854775807)" },
	{ "* 3 FETCH (MODSEQ 5)\r\n",
	  "protocol error: MODSEQ in \"* 3 FETCH\" is 5, not a mod-sequence in parentheses" },
	{ "* 3 FETCH (MODSEQ (1 2))\r\n",
	  "protocol error: MODSEQ in \"* 3 FETCH\" is a list of 2 values, not a mod-sequence in parentheses" },
	/* a FETCH without its list: nothing to check */
	{ "* 3 FETCH UID 0\r\n", "" },
};

static const struct row status[] = {
	{ "* STATUS INBOX (MESSAGES 4294967295 UIDNEXT 1 UIDVALIDITY 1 UNSEEN 0 RECENT 0 DELETED 0"
	  " SIZE 9223372036854775807 DELETED-STORAGE 0 HIGHESTMODSEQ 0 APPENDLIMIT NIL X 99999999999999999999)\r\n", "" },
	{ "* STATUS {3}\r\na b (MESSAGES 1)\r\n", "" },
	{ "* STATUS \"a b\" ()\r\n", "" },
	{ "* STATUS INBOX (MESSAGES 4294967296)\r\n",
	  "protocol error: MESSAGES in \"* STATUS\" is 4294967296, out of range (0 to 4294967295)" },
	{ "* STATUS INBOX (messages 1 UIDNEXT 99999999999999999999999)\r\n",
	  "protocol error: UIDNEXT in \"* STATUS\" is 9999999999... (23 digits), out of range (0 to 4294967295)" },
	{ "* STATUS INBOX (UIDVALIDITY -5)\r\n",
	  "protocol error: UIDVALIDITY in \"* STATUS\" is -5, not a number" },
	{ "* STATUS INBOX (UNSEEN \"3\")\r\n", "protocol error: UNSEEN in \"* STATUS\" is \"3\", not a number" },
	{ "* STATUS INBOX (RECENT 1 DELETED)\r\n",
	  "protocol error: DELETED in \"* STATUS\" is missing, a number is required" },
	{ "* STATUS INBOX (SIZE 9223372036854775808)\r\n",
	  "protocol error: SIZE in \"* STATUS\" is 9223372036854775808, out of range (0 to 9223372036854775807)" },
	{ "* STATUS INBOX (HIGHESTMODSEQ 9223372036854775808)\r\n",
	  "protocol error: HIGHESTMODSEQ in \"* STATUS\" is 9223372036854775808, out of range (0 to 9223372036854775807)" },
	/* no list: nothing to check */
	{ "* STATUS INBOX\r\n", "" },
};

static const struct row search[] = {
	{ "* SEARCH\r\n", "" },
	{ "* SEARCH 1 2 4294967295\r\n", "" },
	{ "* SEARCH  2 5  (MODSEQ 917162500) \r\n", "" },
	{ "* SEARCH 2 0 3\r\n", "protocol error: result 2 in \"* SEARCH\" is 0, out of range (1 to 4294967295)" },
	{ "* SEARCH 4294967296\r\n",
	  "protocol error: result 1 in \"* SEARCH\" is 4294967296, out of range (1 to 4294967295)" },
	{ "* SEARCH 1 x\r\n", "protocol error: result 2 in \"* SEARCH\" is x, not a number" },
	{ "* SEARCH 1 (MODSEQ 0)\r\n",
	  "protocol error: MODSEQ in \"* SEARCH\" is 0, out of range (1 to 9223372036854775807)" },
	{ "* SEARCH 1 (MODSEQ)\r\n", "protocol error: MODSEQ in \"* SEARCH\" is missing, a number is required" },
	{ "* SORT 2 3 6\r\n", "" },
	{ "* SORT 2 3 0\r\n", "protocol error: result 3 in \"* SORT\" is 0, out of range (1 to 4294967295)" },
};

static const struct row esearch[] = {
	{ "* ESEARCH\r\n", "" },
	{ "* ESEARCH (TAG \"A1\") UID\r\n", "" },
	{ "* ESEARCH (TAG \"A1\") UID MIN 1 MAX 4294967295 COUNT 0 ALL 1:3,5,7:* MODSEQ 5\r\n", "" },
	{ "* ESEARCH (TAG \"A1\") ALL 4 PARTIAL (1:10 1,2) X-FOO (a b) COUNT 3\r\n", "" },
	{ "* ESEARCH (TAG \"A1\") MIN 0\r\n", "protocol error: MIN in \"* ESEARCH\" is 0, out of range (1 to 4294967295)" },
	{ "* ESEARCH MAX 4294967296\r\n",
	  "protocol error: MAX in \"* ESEARCH\" is 4294967296, out of range (1 to 4294967295)" },
	{ "* ESEARCH UID COUNT 4294967296\r\n",
	  "protocol error: COUNT in \"* ESEARCH\" is 4294967296, out of range (0 to 4294967295)" },
	{ "* ESEARCH COUNT\r\n", "protocol error: COUNT in \"* ESEARCH\" is missing, a number is required" },
	{ "* ESEARCH MODSEQ 0\r\n",
	  "protocol error: MODSEQ in \"* ESEARCH\" is 0, out of range (1 to 9223372036854775807)" },
	{ "* ESEARCH ALL 1:0\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is 1:0, not a sequence-set: 0 is out of range (1 to 4294967295)" },
	{ "* ESEARCH ALL 1::3\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is 1::3, not a sequence-set: unexpected ':' at byte 3" },
	{ "* ESEARCH ALL 1:2:3\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is 1:2:3, not a sequence-set: unexpected ':' at byte 4" },
	{ "* ESEARCH ALL 1,\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is 1,, not a sequence-set: a number is missing at its end" },
	{ "* ESEARCH ALL 1:4294967296\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is 1:4294967296, not a sequence-set: 4294967296 is out of range (1 to 4294967295)" },
	{ "* ESEARCH ALL 5,99999999999999999999999999\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is 5,99999999999999999999999999, not a sequence-set: 9999999999... (26 digits) is out of range (1 to 4294967295)" },
	{ "* ESEARCH ALL (1)\r\n",
	  "protocol error: ALL in \"* ESEARCH\" is a list of 1 values, not a sequence-set" },
};

static const struct row vanished[] = {
	{ "* VANISHED (EARLIER) 1:5,7\r\n", "" },
	{ "* VANISHED 1:4294967295\r\n", "" },
	{ "* VANISHED 4\r\n", "" },
	{ "* VANISHED 1:*\r\n", "protocol error: VANISHED in \"* VANISHED\" is 1:*, not a uid-set: '*' is not a UID" },
	{ "* VANISHED (EARLIER) 0\r\n",
	  "protocol error: VANISHED in \"* VANISHED\" is 0, not a uid-set: 0 is out of range (1 to 4294967295)" },
	{ "* VANISHED (EARLIER)\r\n",
	  "protocol error: VANISHED in \"* VANISHED\" is missing, a uid-set is required" },
};

static const struct row codes[] = {
	{ "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", "" },
	{ "* OK [UIDNEXT 4294967295] Predicted next UID\r\n", "" },
	{ "* OK [UNSEEN 12] Message 12 is first unseen\r\n", "" },
	{ "* OK [UIDVALIDITY 0] UIDs valid\r\n",
	  "protocol error: [UIDVALIDITY] in \"* OK\" is 0, out of range (1 to 4294967295)" },
	{ "* OK [UIDNEXT 4294967296] x\r\n",
	  "protocol error: [UIDNEXT] in \"* OK\" is 4294967296, out of range (1 to 4294967295)" },
	{ "* NO [UNSEEN 0] x\r\n", "protocol error: [UNSEEN] in \"* NO\" is 0, out of range (1 to 4294967295)" },
	{ "* OK [UIDNEXT] x\r\n", "protocol error: [UIDNEXT] in \"* OK\" is missing, a number is required" },
	{ "* OK [UIDNEXT abc] x\r\n", "protocol error: [UIDNEXT] in \"* OK\" is abc, not a number" },
	/* a code that does not parse as values: its arguments are atoms */
	{ "* OK [UIDNEXT 5 (] x\r\n", "" },
	{ "* OK [UIDNEXT 0 (] x\r\n", "protocol error: [UIDNEXT] in \"* OK\" is 0, out of range (1 to 4294967295)" },
	{ "* PREAUTH [UIDVALIDITY 0] x\r\n",
	  "protocol error: [UIDVALIDITY] in \"* PREAUTH\" is 0, out of range (1 to 4294967295)" },
	{ "A1 OK [HIGHESTMODSEQ 9223372036854775807] ok\r\n", "" },
	{ "A1 OK [HIGHESTMODSEQ 0] ok\r\n",
	  "protocol error: [HIGHESTMODSEQ] in \"A1 OK\" is 0, out of range (1 to 9223372036854775807)" },
	{ "A1 OK [MODIFIED 7,9] Conditional STORE failed\r\n", "" },
	{ "A1 OK [MODIFIED 0] x\r\n",
	  "protocol error: [MODIFIED] in \"A1 OK\" is 0, not a sequence-set: 0 is out of range (1 to 4294967295)" },
	{ "A3 OK [APPENDUID 38505 3955] APPEND completed\r\n", "" },
	{ "A3 OK [APPENDUID 38505 3955:3957,3960] MULTIAPPEND completed\r\n", "" },
	{ "A3 OK [APPENDUID 0 1] x\r\n",
	  "protocol error: [APPENDUID] UIDVALIDITY in \"A3 OK\" is 0, out of range (1 to 4294967295)" },
	{ "A3 OK [APPENDUID 1 *] x\r\n",
	  "protocol error: [APPENDUID] UID in \"A3 OK\" is *, not a uid-set: '*' is not a UID" },
	{ "A3 OK [APPENDUID 1] x\r\n",
	  "protocol error: [APPENDUID] UID in \"A3 OK\" is missing, a uid-set is required" },
	{ "A4 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n", "" },
	{ "A4 OK [COPYUID 38505 1:4294967295 1:4294967295] Done\r\n", "" },
	{ "A4 OK [COPYUID 38505 304,319:320] Done\r\n",
	  "protocol error: [COPYUID] destination UIDs in \"A4 OK\" is missing, a uid-set is required" },
	{ "A4 OK [COPYUID 1 1:4294967296 1] x\r\n",
	  "protocol error: [COPYUID] source UIDs in \"A4 OK\" is 1:4294967296, not a uid-set: 4294967296 is out of range (1 to 4294967295)" },
	{ "A4 OK [COPYUID 1 2 \"3\"] x\r\n",
	  "protocol error: [COPYUID] destination UIDs in \"A4 OK\" is \"3\", not a uid-set" },
	{ "A4 OK [COPYUID 4294967296 2 3] x\r\n",
	  "protocol error: [COPYUID] UIDVALIDITY in \"A4 OK\" is 4294967296, out of range (1 to 4294967295)" },
	{ "A4 OK [COPYUID 1 2 3 extra] x\r\n", "" },
	{ "tag\x01 OK [UIDNEXT 0] x\r\n",
	  "protocol error: [UIDNEXT] in \"tag\\x01 OK\" is 0, out of range (1 to 4294967295)" },
	/* unknown codes, and codes in a continuation request, pass */
	{ "* OK [X-FOO 0] x\r\n", "" },
	{ "+ [UIDNEXT 0] x\r\n", "" },
};

static void run_rows(const struct row *rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		expect(rows[i].in, rows[i].want);
}

START_TEST(test_message_numbers) { run_rows(message_numbers, N(message_numbers)); }
END_TEST
START_TEST(test_fetch) { run_rows(fetch, N(fetch)); }
END_TEST
START_TEST(test_status) { run_rows(status, N(status)); }
END_TEST
START_TEST(test_search) { run_rows(search, N(search)); }
END_TEST
START_TEST(test_esearch) { run_rows(esearch, N(esearch)); }
END_TEST
START_TEST(test_vanished) { run_rows(vanished, N(vanished)); }
END_TEST
START_TEST(test_codes) { run_rows(codes, N(codes)); }
END_TEST

/* Sets are read once, never expanded: 60,000 ranges of the whole 32-bit
 * space (780 KB, under the 1 MiB line) take no time and no memory. */
START_TEST(test_big_set)
{
	struct buf in = BUF_INIT;
	char *got;
	size_t i;

	buf_adds(&in, "* ESEARCH ALL ");
	for (i = 0; i < 60000; i++)
		buf_adds(&in, i ? ",1:4294967295" : "1:4294967295");
	buf_adds(&in, "\r\n");
	got = check_one(in.buf, in.len);
	ck_assert_str_eq(got, "");
	free(got);
	buf_setlen(&in, in.len - 2);
	buf_adds(&in, ",0\r\n");
	got = check_one(in.buf, in.len);
	ck_assert_str_eq(got, "protocol error: ALL in \"* ESEARCH\" is 1:4294967295,1:4294967295,1:4294967295,1..."
			      ", not a sequence-set: 0 is out of range (1 to 4294967295)");
	free(got);
	buf_release(&in);
}
END_TEST

/* Responses built by hand (not by the parser) are checked the same way. */
START_TEST(test_built_by_hand)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
	struct imap_value *items = imap_response_alloc(r, 2 * sizeof(*items));
	struct imap_err err = IMAP_ERR_INIT;

	r->name = "FETCH";
	r->has_number = true;
	r->number = 1;
	ck_assert_int_eq(imap_response_check(r, &err), 0); /* no data */
	items[0].type = IMAP_VALUE_ATOM;
	items[0].str = "UID";
	items[0].len = 3;
	items[1].type = IMAP_VALUE_NUMBER;
	items[1].str = "0";
	items[1].len = 1;
	items[1].num = 0;
	r->data.items = imap_response_alloc(r, sizeof(*r->data.items));
	r->data.count = 1;
	r->data.items[0].type = IMAP_VALUE_LIST;
	r->data.items[0].items = items;
	r->data.items[0].count = 2;
	ck_assert_int_eq(imap_response_check(r, &err), -1);
	ck_assert_str_eq(err.msg, "protocol error: UID in \"* 1 FETCH\" is 0, out of range (1 to 4294967295)");
	/* values without their strings (NUMBER with num only, an ATOM with
	 * str NULL): read by num, never dereferenced */
	items[0].str = NULL;
	ck_assert_int_eq(imap_response_check(r, &err), 0);
	err_clear(&err);
	r->name = "VANISHED";
	r->has_number = false;
	r->data.items[0] = items[1];
	r->data.items[0].str = NULL;
	ck_assert_int_eq(imap_response_check(r, &err), -1);
	ck_assert_str_eq(err.msg, "protocol error: VANISHED in \"* VANISHED\" is 0, not a uid-set: out of range (1 to 4294967295)");
	r->data.items[0].num = 7;
	err_clear(&err);
	ck_assert_int_eq(imap_response_check(r, &err), 0);
	r->name = "SEARCH";
	r->data.items[0].num = 4294967296;
	ck_assert_int_eq(imap_response_check(r, &err), -1);
	ck_assert_str_eq(err.msg, "protocol error: result 1 in \"* SEARCH\" is 4294967296, out of range (1 to 4294967295)");
	imap_response_free(r);
}
END_TEST

static Suite *check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("numbers");

	tcase_add_test(tc, test_message_numbers);
	tcase_add_test(tc, test_fetch);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_search);
	tcase_add_test(tc, test_esearch);
	tcase_add_test(tc, test_vanished);
	tcase_add_test(tc, test_codes);
	tcase_add_test(tc, test_big_set);
	tcase_add_test(tc, test_built_by_hand);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(check_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
