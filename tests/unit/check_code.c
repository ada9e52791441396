/*
 * check_code.c - unit tests for src/proto/code.c: the response code view
 * of status responses parsed from exact wire bytes by the real parser.
 * Examples from RFC 9051 sec. 7.1, RFC 4315, RFC 7162, RFC 5530, RFC
 * 8474, RFC 4467, and hostile forms (garbage arguments, huge numbers).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/code.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "util/buf.h"

Suite *code_suite(void);

static struct imap_response *parse_one(const char *wire)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err;
	int rc;

	imap_parser_feed(p, wire, strlen(wire));
	rc = imap_parser_next(p, &r, &err);
	ck_assert_msg(rc == 1, "parse of \"%s\" gave %d: %s", wire, rc, rc < 0 ? err.msg : "");
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

static void add_items(struct buf *b, const struct imap_code *c)
{
	size_t i;

	for (i = 0; i < c->nitems; i++) {
		if (i)
			buf_addch(b, ' ');
		buf_add(b, c->items[i].s, c->items[i].len);
	}
}

struct code_case {
	const char *wire;
	enum imap_code_kind kind;
	bool malformed;
	uint64_t number;
	const char *set, *set2; /* formatted with "," */
	const char *items;      /* joined with " " */
	bool wildcard;
	const char *text;       /* MAILBOXID */
};

#define K(x) IMAP_CODE_##x

static const struct code_case cases[] = {
	/* RFC 9051 sec. 7.1 */
	{ "* OK [ALERT] System shutdown in 10 minutes\r\n", K(ALERT), 0, 0, "", "", "", 0, "" },
	{ "* OK [UNSEEN 12] Message 12 is first unseen\r\n", K(UNSEEN), 0, 12, "", "", "", 0, "" },
	{ "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", K(UIDVALIDITY), 0, 3857529045u, "", "",
	  "", 0, "" },
	{ "* OK [UIDNEXT 4392] Predicted next UID\r\n", K(UIDNEXT), 0, 4392, "", "", "", 0, "" },
	{ "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n", K(PERMANENTFLAGS), 0, 0,
	  "", "", "\\Deleted \\Seen \\*", 1, "" },
	{ "* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n", K(PERMANENTFLAGS), 0, 0,
	  "", "", "", 0, "" },
	{ "A142 OK [READ-WRITE] SELECT completed\r\n", K(READ_WRITE), 0, 0, "", "", "", 0, "" },
	{ "A932 OK [READ-ONLY] EXAMINE completed\r\n", K(READ_ONLY), 0, 0, "", "", "", 0, "" },
	{ "A003 NO [TRYCREATE] Mailbox doesn't exist: blurdybloop\r\n", K(TRYCREATE), 0, 0, "",
	  "", "", 0, "" },
	{ "* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI] Dovecot ready\r\n", K(CAPABILITY), 0,
	  0, "", "", "IMAP4rev2 STARTTLS AUTH=GSSAPI", 0, "" },
	{ "A283 NO [BADCHARSET (US-ASCII UTF-8)] charset not supported\r\n", K(BADCHARSET), 0,
	  0, "", "", "US-ASCII UTF-8", 0, "" },
	{ "A283 NO [BADCHARSET] charset not supported\r\n", K(BADCHARSET), 0, 0, "", "", "", 0,
	  "" },
	{ "A283 NO [BADCHARSET (\"UTF-8\")] quoted\r\n", K(BADCHARSET), 0, 0, "", "", "UTF-8", 0,
	  "" },
	{ "* NO [PARSE] Invalid header\r\n", K(PARSE), 0, 0, "", "", "", 0, "" },
	{ "* OK [HASCHILDREN] Mailbox has children\r\n", K(HASCHILDREN), 0, 0, "", "", "", 0, "" },
	{ "a NO [UNKNOWN-CTE] Can't decode\r\n", K(UNKNOWN_CTE), 0, 0, "", "", "", 0, "" },
	/* RFC 4315 UIDPLUS */
	{ "A003 OK [APPENDUID 38505 3955] APPEND completed\r\n", K(APPENDUID), 0, 38505, "3955",
	  "", "", 0, "" },
	{ "A003 OK [APPENDUID 38505 3955:3957] MULTIAPPEND\r\n", K(APPENDUID), 0, 38505,
	  "3955:3957", "", "", 0, "" },
	{ "A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n", K(COPYUID), 0, 38505,
	  "304,319:320", "3956:3958", "", 0, "" },
	{ "A004 OK [COPYUID 1 1 1] Done\r\n", K(COPYUID), 0, 1, "1", "1", "", 0, "" },
	{ "A003 OK [UIDNOTSTICKY] Non-persistent UIDs\r\n", K(UIDNOTSTICKY), 0, 0, "", "", "", 0,
	  "" },
	/* RFC 7162 CONDSTORE/QRESYNC */
	{ "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n", K(HIGHESTMODSEQ), 0, 715194045007ull,
	  "", "", "", 0, "" },
	{ "* OK [HIGHESTMODSEQ 9223372036854775807] max\r\n", K(HIGHESTMODSEQ), 0,
	  9223372036854775807ull, "", "", "", 0, "" },
	{ "* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n",
	  K(NOMODSEQ), 0, 0, "", "", "", 0, "" },
	{ "d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n", K(MODIFIED), 0, 0, "7,9", "", "",
	  0, "" },
	{ "* OK [CLOSED] Previous mailbox closed\r\n", K(CLOSED), 0, 0, "", "", "", 0, "" },
	/* RFC 5530 */
	{ "a NO [UNAVAILABLE] User's backend down for maintenance\r\n", K(UNAVAILABLE), 0, 0, "",
	  "", "", 0, "" },
	{ "a NO [AUTHENTICATIONFAILED] Authentication failed\r\n", K(AUTHENTICATIONFAILED), 0,
	  0, "", "", "", 0, "" },
	{ "a NO [AUTHORIZATIONFAILED] No such authorization-ID\r\n", K(AUTHORIZATIONFAILED), 0,
	  0, "", "", "", 0, "" },
	{ "a NO [EXPIRED] Password expired\r\n", K(EXPIRED), 0, 0, "", "", "", 0, "" },
	{ "a NO [PRIVACYREQUIRED] Connection security required\r\n", K(PRIVACYREQUIRED), 0, 0,
	  "", "", "", 0, "" },
	{ "a NO [CONTACTADMIN] You must contact the administrator\r\n", K(CONTACTADMIN), 0, 0,
	  "", "", "", 0, "" },
	{ "a NO [NOPERM] Access denied\r\n", K(NOPERM), 0, 0, "", "", "", 0, "" },
	{ "a NO [INUSE] Mailbox in use\r\n", K(INUSE), 0, 0, "", "", "", 0, "" },
	{ "a NO [EXPUNGEISSUED] Some messages were expunged\r\n", K(EXPUNGEISSUED), 0, 0, "",
	  "", "", 0, "" },
	{ "a NO [CORRUPTION] Corrupt mailbox\r\n", K(CORRUPTION), 0, 0, "", "", "", 0, "" },
	{ "a NO [SERVERBUG] This should not happen\r\n", K(SERVERBUG), 0, 0, "", "", "", 0, "" },
	{ "a BAD [CLIENTBUG] Message set contained duplicates\r\n", K(CLIENTBUG), 0, 0, "", "",
	  "", 0, "" },
	{ "a NO [CANNOT] Too many levels of hierarchy\r\n", K(CANNOT), 0, 0, "", "", "", 0, "" },
	{ "a NO [LIMIT] At most 32 flags in one mailbox supported\r\n", K(LIMIT), 0, 0, "", "",
	  "", 0, "" },
	{ "a NO [OVERQUOTA] Sorry\r\n", K(OVERQUOTA), 0, 0, "", "", "", 0, "" },
	{ "a NO [ALREADYEXISTS] Mailbox \"that\" already exists\r\n", K(ALREADYEXISTS), 0, 0, "",
	  "", "", 0, "" },
	{ "a NO [NONEXISTENT] No such mailbox\r\n", K(NONEXISTENT), 0, 0, "", "", "", 0, "" },
	/* RFC 8474, RFC 4467, RFC 5182 */
	{ "* OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Ok\r\n", K(MAILBOXID), 0, 0, "",
	  "", "F2212ea87-6097-4256-9d51-71338625", 0, "F2212ea87-6097-4256-9d51-71338625" },
	{ "3 OK [MAILBOXID F6352ae03] bare\r\n", K(MAILBOXID), 0, 0, "", "", "F6352ae03", 0,
	  "F6352ae03" },
	{ "a OK [URLMECH INTERNAL XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==] done\r\n", K(URLMECH), 0, 0,
	  "", "", "INTERNAL XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==", 0, "" },
	{ "a OK [NOTSAVED] Search result not saved\r\n", K(NOTSAVED), 0, 0, "", "", "", 0, "" },
	/* messy but understood */
	{ "* ok [uidnext 5] lower case\r\n", K(UIDNEXT), 0, 5, "", "", "", 0, "" },
	{ "* OK [UIDNEXT \"77\"] quoted number\r\n", K(UIDNEXT), 0, 77, "", "", "", 0, "" },
	{ "* OK [UIDNEXT 0004294967295] zeros\r\n", K(UIDNEXT), 0, 4294967295u, "", "", "", 0, "" },
	{ "* OK [PERMANENTFLAGS \\Seen \\*] no parens\r\n", K(PERMANENTFLAGS), 0, 0, "", "",
	  "\\Seen \\*", 1, "" },
	{ "* OK [ALERT extra words] tolerated\r\n", K(ALERT), 0, 0, "", "", "", 0, "" },
	{ "+ [ALERT] in a continuation\r\n", K(ALERT), 0, 0, "", "", "", 0, "" },
	{ "* OK [COPYUID 38505 1:* 5:*] star\r\n", K(COPYUID), 0, 38505, "1:*", "5:*", "", 0, "" },
	/* malformed: kept, flagged */
	{ "* OK [UIDNEXT] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT 0] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT 4294967296] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT 99999999999999999999999999] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT -1] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT 5 6] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT (5)] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDNEXT NIL] x\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	{ "* OK [UIDVALIDITY abc] x\r\n", K(UIDVALIDITY), 1, 0, "", "", "", 0, "" },
	{ "* OK [UNSEEN 1x] x\r\n", K(UNSEEN), 1, 0, "", "", "", 0, "" },
	{ "* OK [HIGHESTMODSEQ 0] x\r\n", K(HIGHESTMODSEQ), 1, 0, "", "", "", 0, "" },
	{ "* OK [HIGHESTMODSEQ 9223372036854775808] x\r\n", K(HIGHESTMODSEQ), 1, 0, "", "", "",
	  0, "" },
	{ "* OK [HIGHESTMODSEQ 18446744073709551616] x\r\n", K(HIGHESTMODSEQ), 1, 0, "", "", "",
	  0, "" },
	{ "a OK [APPENDUID 38505] x\r\n", K(APPENDUID), 1, 38505, "", "", "", 0, "" },
	{ "a OK [APPENDUID 0 1] x\r\n", K(APPENDUID), 1, 0, "", "", "", 0, "" },
	{ "a OK [APPENDUID 1 0] x\r\n", K(APPENDUID), 1, 1, "", "", "", 0, "" },
	{ "a OK [APPENDUID 1 2 3] x\r\n", K(APPENDUID), 1, 1, "2", "", "", 0, "" },
	{ "a OK [COPYUID 38505 304,319:320] x\r\n", K(COPYUID), 1, 38505, "304,319:320", "", "",
	  0, "" },
	{ "a OK [COPYUID 38505 1,,2 3] x\r\n", K(COPYUID), 1, 38505, "", "", "", 0, "" },
	{ "a OK [COPYUID x y z] x\r\n", K(COPYUID), 1, 0, "", "", "", 0, "" },
	{ "a OK [MODIFIED] x\r\n", K(MODIFIED), 1, 0, "", "", "", 0, "" },
	{ "a OK [MODIFIED 0:5] x\r\n", K(MODIFIED), 1, 0, "", "", "", 0, "" },
	{ "a OK [MODIFIED (7 9)] x\r\n", K(MODIFIED), 1, 0, "", "", "", 0, "" },
	{ "* OK [PERMANENTFLAGS (\\Seen (\\Deleted))] nested\r\n", K(PERMANENTFLAGS), 1, 0, "",
	  "", "\\Seen", 0, "" },
	{ "* OK [PERMANENTFLAGS (\\Seen) (\\Draft)] two lists\r\n", K(PERMANENTFLAGS), 1, 0, "",
	  "", "", 0, "" },
	{ "* OK [PERMANENTFLAGS (\\Seen NIL)] nil\r\n", K(PERMANENTFLAGS), 1, 0, "", "", "\\Seen",
	  0, "" },
	{ "* OK [MAILBOXID ()] empty\r\n", K(MAILBOXID), 1, 0, "", "", "", 0, "" },
	{ "* OK [MAILBOXID (a b)] two\r\n", K(MAILBOXID), 1, 0, "", "", "a b", 0, "" },
	{ "* OK [MAILBOXID (\"\")] empty string\r\n", K(MAILBOXID), 1, 0, "", "", "", 0, "" },
	{ "* OK [CAPABILITY (IMAP4rev1)] list\r\n", K(CAPABILITY), 0, 0, "", "", "IMAP4rev1", 0,
	  "" },
	{ "* OK [UIDNEXT (((] garbage\r\n", K(UIDNEXT), 1, 0, "", "", "", 0, "" },
	/* unknown: kept with raw text */
	{ "* OK [X-FOO \"a]\" b] x\r\n", K(UNKNOWN), 0, 0, "", "", "", 0, "" },
	{ "* OK [garbage (((] x\r\n", K(UNKNOWN), 0, 0, "", "", "", 0, "" },
	{ "* NO [COMPRESSIONACTIVE] x\r\n", K(UNKNOWN), 0, 0, "", "", "", 0, "" },
	{ "* OK [READ-ONLYX] x\r\n", K(UNKNOWN), 0, 0, "", "", "", 0, "" },
};

START_TEST(test_code)
{
	const struct code_case *c = &cases[_i];
	struct imap_response *r = parse_one(c->wire);
	const struct imap_code *code = imap_code_view(r);
	struct buf b = BUF_INIT;

	ck_assert_ptr_nonnull(code);
	ck_assert_msg(code->kind == c->kind, "%s: kind %s, want %s", c->wire,
		      imap_code_kind_name(code->kind), imap_code_kind_name(c->kind));
	ck_assert_msg(code->malformed == c->malformed, "%s: malformed %d", c->wire,
		      code->malformed);
	ck_assert_ptr_eq(code->name, r->code_name);
	ck_assert_ptr_eq(code->raw, r->code_raw);
	ck_assert_ptr_eq(code->args, &r->code_args);
	ck_assert_uint_eq(code->number, c->number);
	imap_seqset_format(&code->set, NULL, &b);
	ck_assert_str_eq(b.buf, c->set);
	buf_reset(&b);
	imap_seqset_format(&code->set2, NULL, &b);
	ck_assert_str_eq(b.buf, c->set2);
	buf_reset(&b);
	add_items(&b, code);
	ck_assert_str_eq(b.buf, c->items);
	ck_assert_int_eq(code->flag_wildcard, c->wildcard);
	buf_reset(&b);
	if (code->text.s)
		buf_add(&b, code->text.s, code->text.len);
	ck_assert_str_eq(b.buf, c->text);
	buf_release(&b);
	imap_response_free(r);
}
END_TEST

/* The raw text of an unknown code is kept as the server sent it. */
START_TEST(test_unknown_kept)
{
	struct imap_response *r = parse_one("* OK [X-GM-THING 12 (a b) \"q\"] text\r\n");
	const struct imap_code *c = imap_code_view(r);

	ck_assert_int_eq(c->kind, IMAP_CODE_UNKNOWN);
	ck_assert_str_eq(c->name, "X-GM-THING");
	ck_assert_str_eq(c->raw, "X-GM-THING 12 (a b) \"q\"");
	ck_assert_uint_eq(c->args->count, 3);
	ck_assert_int_eq(c->args->items[1].type, IMAP_VALUE_LIST);
	ck_assert_str_eq(imap_code_kind_name(c->kind), "UNKNOWN");
	imap_response_free(r);
}
END_TEST

/* No code: NULL, for status and data responses alike. */
START_TEST(test_no_code)
{
	static const char *const wires[] = {
		"* OK IMAP4rev2 server ready\r\n",
		"a1 OK done\r\n",
		"* 23 EXISTS\r\n",
		"* SEARCH 1 2\r\n",
		"+ go ahead\r\n",
		"* OK\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(wires) / sizeof(wires[0]); i++) {
		struct imap_response *r = parse_one(wires[i]);

		ck_assert_ptr_null(imap_code_view(r));
		imap_response_free(r);
	}
	ck_assert_ptr_null(imap_code_view(NULL));
}
END_TEST

/* Every kind has a canonical name that maps back to it, and a
 * description; names are unique. */
START_TEST(test_kind_table)
{
	int k, j;

	for (k = 0; k < IMAP_CODE_KIND_COUNT; k++) {
		const char *name = imap_code_kind_name((enum imap_code_kind)k);
		const char *desc = imap_code_kind_desc((enum imap_code_kind)k);

		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(desc);
		ck_assert_uint_gt(strlen(name), 0);
		ck_assert_uint_gt(strlen(desc), 0);
		ck_assert_msg(desc[strlen(desc) - 1] != '.', "%s: description ends in '.'", name);
		if (k != IMAP_CODE_UNKNOWN)
			ck_assert_int_eq(imap_code_kind_of(name), k);
		for (j = 0; j < k; j++)
			ck_assert_str_ne(name, imap_code_kind_name((enum imap_code_kind)j));
	}
	ck_assert_str_eq(imap_code_kind_name(IMAP_CODE_UIDNEXT), "UIDNEXT");
	ck_assert_str_eq(imap_code_kind_desc(IMAP_CODE_UIDNEXT), "next UID");
	ck_assert_str_eq(imap_code_kind_desc(IMAP_CODE_UIDVALIDITY), "UID validity");
	ck_assert_str_eq(imap_code_kind_name(IMAP_CODE_READ_ONLY), "READ-ONLY");
	ck_assert_str_eq(imap_code_kind_name((enum imap_code_kind)9999), "UNKNOWN");
	ck_assert_str_eq(imap_code_kind_name((enum imap_code_kind)-1), "UNKNOWN");
	ck_assert_int_eq(imap_code_kind_of("read-write"), IMAP_CODE_READ_WRITE);
	ck_assert_int_eq(imap_code_kind_of("UNKNOWN"), IMAP_CODE_UNKNOWN);
	ck_assert_int_eq(imap_code_kind_of(""), IMAP_CODE_UNKNOWN);
	ck_assert_int_eq(imap_code_kind_of(NULL), IMAP_CODE_UNKNOWN);
}
END_TEST

/* A huge COPYUID set: kept as ranges, the view costs what the text does. */
START_TEST(test_huge_sets)
{
	struct imap_response *r =
		parse_one("a OK [COPYUID 4294967295 1:4294967295 4294967295:1] Done\r\n");
	const struct imap_code *c = imap_code_view(r);

	ck_assert(!c->malformed);
	ck_assert_uint_eq(c->number, 4294967295u);
	ck_assert_uint_eq(imap_seqset_count(&c->set, 0, NULL), 4294967295u);
	ck_assert_uint_eq(imap_seqset_count(&c->set2, 0, NULL), 4294967295u);
	ck_assert_uint_lt(imap_response_mem(r), 16 * 1024);
	imap_response_free(r);
}
END_TEST

#define N_CASES(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *code_suite(void)
{
	Suite *s = suite_create("code");
	TCase *tc = tcase_create("codes");

	tcase_add_loop_test(tc, test_code, 0, N_CASES(cases));
	tcase_add_test(tc, test_unknown_kept);
	tcase_add_test(tc, test_no_code);
	tcase_add_test(tc, test_kind_table);
	tcase_add_test(tc, test_huge_sets);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(code_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
