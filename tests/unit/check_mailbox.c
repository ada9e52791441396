/*
 * check_mailbox.c - unit tests for src/proto/mailbox.c: mailbox names
 * (modified UTF-7, UTF-8, INBOX), LIST / LSUB / XLIST and STATUS views.
 *
 * Each case is exact wire bytes, parsed by the real parser, and the
 * expected one-line dump of the view (dump_data.c); every other view
 * builder must return NULL for it.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mailbox.h"
#include "proto/response.h"
#include "dump_data.h"
#include "util/buf.h"

Suite *mailbox_suite(void);

/* ------------------------------------------------------------------ */
/* LIST / LSUB */

static const struct vcase list_cases[] = {
	/* RFC 9051 sec. 7.3.1 and 6.3.9 */
	C("* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n",
	  "LIST (\\Noselect) delim=\"/\" name=\"~/Mail/foo\""),
	C("* LIST () \".\" #news.comp.mail.misc\r\n",
	  "LIST () delim=\".\" name=\"#news.comp.mail.misc\""),
	C("* LIST (\\Noselect) \"/\" \"\"\r\n",
	  "LIST (\\Noselect) delim=\"/\" name=\"\""),
	C("* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\r\n",
	  "LIST () delim=\"/\" name=\"NewMailbox\" ext=OLDNAME:(\"OldMailbox\") "
	  "oldname=\"OldMailbox\""),
	C("* LSUB () \".\" #news.comp.mail.misc\r\n",
	  "LSUB () delim=\".\" name=\"#news.comp.mail.misc\""),
	/* RFC 5258 sec. 5 */
	C("* LIST (\\Marked \\NoInferiors \\Subscribed) \"/\" \"inbox\"\r\n",
	  "LIST (\\Marked \\NoInferiors \\Subscribed) delim=\"/\" name=\"INBOX\" wire=\"inbox\" inbox"),
	C("* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n",
	  "LIST (\\Subscribed \\NonExistent) delim=\"/\" name=\"Fruit/Peach\""),
	C("* LIST () \"/\" \"Tofu\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
	  "LIST () delim=\"/\" name=\"Tofu\" ext=CHILDINFO:(\"SUBSCRIBED\") "
	  "childinfo=SUBSCRIBED childinfo-subscribed"),
	C("* LIST (\\Remote) \"/\" \"Bread\"\r\n",
	  "LIST (\\Remote) delim=\"/\" name=\"Bread\""),
	C("* LIST (\\NonExistent \\HasChildren) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\" \"X-EXT\")) \r\n",
	  "LIST (\\NonExistent \\HasChildren) delim=\"/\" name=\"Foo\" "
	  "ext=CHILDINFO:(\"SUBSCRIBED\" \"X-EXT\") childinfo=SUBSCRIBED,X-EXT childinfo-subscribed"),
	C("* LIST () \"/\" \"Foo\" (\"X-UNKNOWN\" (1 (2 3)) \"CHILDINFO\" ())\r\n",
	  "LIST () delim=\"/\" name=\"Foo\" ext=X-UNKNOWN:(1 (2 3)),CHILDINFO:()"),
	/* RFC 6154 sec. 5 (SPECIAL-USE) and RFC 8457 (\Important) */
	C("* LIST (\\Marked \\HasNoChildren) \"/\" Inbox\r\n",
	  "LIST (\\Marked \\HasNoChildren) delim=\"/\" name=\"INBOX\" wire=\"Inbox\" inbox"),
	C("* LIST (\\Sent \\HasNoChildren) \"/\" SentMail\r\n",
	  "LIST (\\Sent \\HasNoChildren) delim=\"/\" name=\"SentMail\""),
	C("* LIST (\\Marked \\Drafts \\HasNoChildren) \"/\" MyDrafts\r\n",
	  "LIST (\\Marked \\Drafts \\HasNoChildren) delim=\"/\" name=\"MyDrafts\""),
	C("* LIST (\\All \\Archive \\Flagged \\Junk \\Trash \\Important \\Unmarked) \"/\" X\r\n",
	  "LIST (\\All \\Archive \\Flagged \\Junk \\Trash \\Important \\Unmarked) delim=\"/\" name=\"X\""),
	/* Gmail */
	C("* LIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Sent Mail\"\r\n",
	  "LIST (\\HasNoChildren \\Sent) delim=\"/\" name=\"[Gmail]/Sent Mail\""),
	C("* LIST (\\HasChildren \\Noselect) \"/\" \"[Gmail]\"\r\n",
	  "LIST (\\HasChildren \\Noselect) delim=\"/\" name=\"[Gmail]\""),
	C("* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\"\r\n",
	  "XLIST (\\HasNoChildren \\Inbox) delim=\"/\" name=\"INBOX\" wire=\"Inbox\" inbox"),
	/* Dovecot: lower-case attribute spellings, "." delimiter */
	C("* LIST (\\HasNoChildren \\UnMarked \\Trash) \".\" Trash\r\n",
	  "LIST (\\HasNoChildren \\UnMarked \\Trash) delim=\".\" name=\"Trash\""),
	C("* LIST (\\Noselect \\HasChildren) \".\" INBOX\r\n",
	  "LIST (\\Noselect \\HasChildren) delim=\".\" name=\"INBOX\" inbox"),
	C("* LIST (\\HasNoChildren) \".\" INBOX.Entw&APw-rfe\r\n",
	  "LIST (\\HasNoChildren) delim=\".\" name=\"INBOX.Entwürfe\" wire=\"INBOX.Entw&APw-rfe\""),
	/* Exchange: quoted "Sent Items", unknown attribute kept */
	C("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n",
	  "LIST (\\HasNoChildren \\Sent) delim=\"/\" name=\"Sent Items\""),
	C("* LIST (\\HasNoChildren $Custom \\X-Foo) \"/\" Calendar/Birthdays\r\n",
	  "LIST (\\HasNoChildren $Custom? \\X-Foo?) delim=\"/\" name=\"Calendar/Birthdays\""),
	/* modified UTF-7 names */
	C("* LIST () \"/\" Entw&APw-rfe\r\n",
	  "LIST () delim=\"/\" name=\"Entwürfe\" wire=\"Entw&APw-rfe\""),
	C("* LIST () \"/\" \"&ZeVnLIqe-\"\r\n",
	  "LIST () delim=\"/\" name=\"日本語\" wire=\"&ZeVnLIqe-\""),
	C("* LIST () \"/\" \"R&AOk-sum&AOk- &- plan\"\r\n",
	  "LIST () delim=\"/\" name=\"Résumé & plan\" wire=\"R&AOk-sum&AOk- &- plan\""),
	/* invalid modified UTF-7: kept as sent, flagged */
	C("* LIST () \"/\" \"Tom & Jerry\"\r\n",
	  "LIST () delim=\"/\" name=\"Tom & Jerry\" invalid"),
	C("* LIST () \"/\" \"&APw\"\r\n",
	  "LIST () delim=\"/\" name=\"&APw\" invalid"),
	C("* LIST () \"/\" \"&AGE-\"\r\n",   /* a shift encoding ASCII "a" */
	  "LIST () delim=\"/\" name=\"&AGE-\" invalid"),
	C("* LIST () \"/\" \"Entw\xc3\xbcrfe\"\r\n",   /* raw UTF-8 without UTF8=ACCEPT */
	  "LIST () delim=\"/\" name=\"Entwürfe\" invalid"),
	/* UTF-8 names (ENABLE UTF8=ACCEPT / IMAP4rev2) */
	U("* LIST () \"/\" \"Entw\xc3\xbcrfe\"\r\n",
	  "LIST () delim=\"/\" name=\"Entwürfe\""),
	U("* LIST () \"/\" \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"\r\n",
	  "LIST () delim=\"/\" name=\"日本語\""),
	U("* LIST () \"/\" \"Entw&APw-rfe\"\r\n",   /* not decoded: UTF-8 is in effect */
	  "LIST () delim=\"/\" name=\"Entw&APw-rfe\""),
	U("* LIST () \"/\" \"caf\xe9\"\r\n",
	  "LIST () delim=\"/\" name=\"caf\xe9\" invalid"),
	U("* LIST () \"/\" \"\xc0\xaf\"\r\n",   /* overlong */
	  "LIST () delim=\"/\" name=\"\xc0\xaf\" invalid"),
	U("* LIST () \"/\" inBoX\r\n",
	  "LIST () delim=\"/\" name=\"INBOX\" wire=\"inBoX\" inbox"),
	/* NIL delimiter, odd delimiters */
	C("* LIST (\\Noinferiors) NIL INBOX\r\n",
	  "LIST (\\Noinferiors) delim=NIL name=\"INBOX\" inbox"),
	C("* LIST () \"\\\\\" \"a\\\\b\"\r\n",
	  "LIST () delim=\"\\\" name=\"a\\b\""),
	C("* LIST () . INBOX.foo\r\n",
	  "LIST () delim=\".\" name=\"INBOX.foo\""),
	C("* LIST () \"::\" foo\r\n",
	  "LIST () delim=\"::\" name=\"foo\""),
	C("* LIST () \"\" foo\r\n",
	  "LIST () delim=\"\" name=\"foo\""),
	/* the unquoted-name-with-spaces quirk */
	C("* LIST () \"/\" My files\r\n",
	  "LIST () delim=\"/\" name=\"My files\" joined"),
	C("* LIST (\\HasNoChildren) \"/\"   Old   mail  2019\r\n",
	  "LIST (\\HasNoChildren) delim=\"/\" name=\"Old mail 2019\" joined"),
	C("* LIST () \"/\" [Gmail]/Sent Mail\r\n",
	  "LIST () delim=\"/\" name=\"[Gmail]/Sent Mail\" joined"),
	C("* LIST () \"/\" Entw&APw-rfe alt (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n",
	  "LIST () delim=\"/\" name=\"Entwürfe alt\" wire=\"Entw&APw-rfe alt\" joined "
	  "ext=CHILDINFO:(\"SUBSCRIBED\") childinfo=SUBSCRIBED childinfo-subscribed"),
	/* literals as names */
	C("* LIST () \"/\" {8}\r\nMy files\r\n",
	  "LIST () delim=\"/\" name=\"My files\""),
	C("* LIST () \"/\" {12}\r\nEntw&APw-rfe\r\n",
	  "LIST () delim=\"/\" name=\"Entwürfe\" wire=\"Entw&APw-rfe\""),
	CL("* LIST () \"/\" {3}\r\na\0b\r\n",
	  "LIST () delim=\"/\" name=\"a\\x00b\" invalid", false, 24),
	CL("* LIST () \"/\" {3}\r\na\0b\r\n",
	  "LIST () delim=\"/\" name=\"a\\x00b\" invalid", true, 24),
	/* broken forms: kept, never dropped */
	C("* LIST\r\n", "LIST () delim=<none> name=<none> truncated"),
	C("* LIST ()\r\n", "LIST () delim=<none> name=<none> truncated"),
	C("* LIST () \"/\"\r\n", "LIST () delim=\"/\" name=<none> truncated"),
	C("* LIST () \"/\" NIL\r\n", "LIST () delim=\"/\" name=NIL"),
	C("* LIST () \"/\" (a b)\r\n", "LIST () delim=\"/\" name=(a b)"),
	C("* LIST \\Noselect \"/\" foo\r\n", "LIST (\\Noselect) delim=\"/\" name=\"foo\""),
	C("* LIST NIL NIL foo\r\n", "LIST () delim=NIL name=\"foo\""),
	C("* LIST ((\\Nested)) \"/\" foo\r\n", "LIST ((\\Nested)?) delim=\"/\" name=\"foo\""),
	C("* LIST () \"/\" \"foo\" bar\r\n", "LIST () delim=\"/\" name=\"foo\" rest=bar"),
	C("* LIST () \"/\" foo () (x) NIL\r\n",
	  "LIST () delim=\"/\" name=\"foo\" rest=(x),NIL"),
	C("* LIST () \"/\" foo (\"OLDNAME\")\r\n",
	  "LIST () delim=\"/\" name=\"foo\" ext=OLDNAME:"),
	C("* LIST () \"/\" foo (\"OLDNAME\" bar \"CHILDINFO\" SUBSCRIBED)\r\n",
	  "LIST () delim=\"/\" name=\"foo\" ext=OLDNAME:bar,CHILDINFO:SUBSCRIBED "
	  "childinfo=SUBSCRIBED childinfo-subscribed oldname=\"bar\""),
	C("* LIST () \"/\" foo (\"OLDNAME\" (\"&ZeVnLIqe-\"))\r\n",
	  "LIST () delim=\"/\" name=\"foo\" ext=OLDNAME:(\"&ZeVnLIqe-\") "
	  "oldname=\"日本語\" wire=\"&ZeVnLIqe-\""),
	C("* LIST () \"/\" foo ((1) 2)\r\n", "LIST () delim=\"/\" name=\"foo\" ext=(1):2"),
	C("* LIST () \"/\" foo 42\r\n", "LIST () delim=\"/\" name=\"foo 42\" joined"),
	/* not a LIST */
	C("A1 OK LIST completed\r\n", NULL),
	C("* OK [CAPABILITY IMAP4rev1] hi\r\n", "CAPABILITY IMAP4rev1"),
	C("* 3 EXISTS\r\n", NULL),
	C("+ go ahead\r\n", NULL),
	C("* SEARCH 1 2 3\r\n", NULL),
};

START_TEST(test_list)
{
	run_cases(list_cases, N_ELEMS(list_cases));
}
END_TEST

START_TEST(test_attr_names)
{
	unsigned bit;
	size_t n = 0;

	for (bit = 1; bit; bit <<= 1)
		if (imap_mbox_attr_name(bit))
			n++;
	ck_assert_uint_eq(n, 18);
	ck_assert_str_eq(imap_mbox_attr_name(IMAP_MBOX_HASNOCHILDREN), "\\HasNoChildren");
	ck_assert_str_eq(imap_mbox_attr_name(IMAP_MBOX_IMPORTANT), "\\Important");
	ck_assert_ptr_null(imap_mbox_attr_name(0));
	ck_assert_ptr_null(imap_mbox_attr_name(IMAP_MBOX_SENT | IMAP_MBOX_TRASH));
	ck_assert_uint_eq(__builtin_popcount(IMAP_MBOX_SPECIAL_USE), 8);
}
END_TEST

/* ------------------------------------------------------------------ */
/* STATUS */

static const struct vcase status_cases[] = {
	/* RFC 9051 sec. 7.3.2 */
	C("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
	  "STATUS name=\"blurdybloop\" MESSAGES=231 UIDNEXT=44292"),
	C("* STATUS \"INBOX\" (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 UNSEEN 3 DELETED 2 SIZE 12345678)\r\n",
	  "STATUS name=\"INBOX\" inbox MESSAGES=231 UIDNEXT=44292 UIDVALIDITY=1 UNSEEN=3 "
	  "DELETED=2 SIZE=12345678"),
	/* RFC 3501 RECENT, RFC 7162 HIGHESTMODSEQ, RFC 9208 DELETED-STORAGE */
	C("* STATUS inbox (RECENT 0 HIGHESTMODSEQ 9223372036854775807 DELETED-STORAGE 10)\r\n",
	  "STATUS name=\"INBOX\" wire=\"inbox\" inbox RECENT=0 HIGHESTMODSEQ=9223372036854775807 "
	  "DELETED-STORAGE=10"),
	/* RFC 7889 APPENDLIMIT, number and NIL */
	C("* STATUS INBOX (APPENDLIMIT 257890)\r\n", "STATUS name=\"INBOX\" inbox APPENDLIMIT=257890"),
	C("* STATUS Archive (APPENDLIMIT NIL)\r\n", "STATUS name=\"Archive\" APPENDLIMIT=NIL"),
	/* RFC 8474 MAILBOXID */
	C("* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))\r\n",
	  "STATUS name=\"foo\" MAILBOXID=F2212ea87-6097-4256-9d51-71338625"),
	C("* STATUS foo (MAILBOXID Fabc)\r\n", "STATUS name=\"foo\" MAILBOXID=Fabc"),
	C("* STATUS foo (MAILBOXID ())\r\n", "STATUS name=\"foo\" ?MAILBOXID=()"),
	/* RFC 5819 LIST-STATUS: the STATUS after a LIST */
	C("* STATUS \"Fruit/Peach\" (MESSAGES 17 UNSEEN 16)\r\n",
	  "STATUS name=\"Fruit/Peach\" MESSAGES=17 UNSEEN=16"),
	/* Gmail, Dovecot, mUTF-7, UTF-8 */
	C("* STATUS \"[Gmail]/All Mail\" (MESSAGES 30 UNSEEN 8 UIDNEXT 31)\r\n",
	  "STATUS name=\"[Gmail]/All Mail\" MESSAGES=30 UIDNEXT=31 UNSEEN=8"),
	C("* STATUS Entw&APw-rfe (MESSAGES 2)\r\n",
	  "STATUS name=\"Entwürfe\" wire=\"Entw&APw-rfe\" MESSAGES=2"),
	C("* STATUS \"&ZeVnLIqe-\" (UNSEEN 0)\r\n",
	  "STATUS name=\"日本語\" wire=\"&ZeVnLIqe-\" UNSEEN=0"),
	U("* STATUS \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\" (UNSEEN 0)\r\n",
	  "STATUS name=\"日本語\" UNSEEN=0"),
	C("* STATUS \"&Jjo\" (UNSEEN 0)\r\n", "STATUS name=\"&Jjo\" invalid UNSEEN=0"),
	/* the unquoted-name-with-spaces quirk, literals */
	C("* STATUS My files (MESSAGES 2)\r\n", "STATUS name=\"My files\" joined MESSAGES=2"),
	C("* STATUS Old mail 2019 (MESSAGES 2 UNSEEN 1)\r\n",
	  "STATUS name=\"Old mail 2019\" joined MESSAGES=2 UNSEEN=1"),
	C("* STATUS {8}\r\nMy files (MESSAGES 2)\r\n", "STATUS name=\"My files\" MESSAGES=2"),
	/* messy: numbers as atoms and strings, unknown items, odd counts */
	C("* STATUS foo (MESSAGES \"12\" UIDNEXT 0013 X-GUID 3a4f UNSEEN)\r\n",
	  "STATUS name=\"foo\" MESSAGES=12 UIDNEXT=13 ?X-GUID=3a4f ?UNSEEN="),
	C("* STATUS foo (messages 5 Unseen 1)\r\n", "STATUS name=\"foo\" MESSAGES=5 UNSEEN=1"),
	C("* STATUS foo (MESSAGES 99999999999999999999 UIDNEXT -1 SIZE NIL)\r\n",
	  "STATUS name=\"foo\" ?MESSAGES=99999999999999999999 ?UIDNEXT=-1 ?SIZE=NIL"),
	C("* STATUS foo (MESSAGES 18446744073709551615)\r\n",
	  "STATUS name=\"foo\" MESSAGES=18446744073709551615"),
	C("* STATUS foo ()\r\n", "STATUS name=\"foo\""),
	C("* STATUS foo\r\n", "STATUS name=\"foo\" nolist"),
	C("* STATUS\r\n", "STATUS name=<none> nolist"),
	C("* STATUS My files\r\n", "STATUS name=\"My files\" joined nolist"),
	C("* STATUS \"foo\" bar (MESSAGES 1) baz\r\n",
	  "STATUS name=\"foo\" MESSAGES=1 rest=bar,baz"),
	C("* STATUS NIL (MESSAGES 1)\r\n", "STATUS name=NIL MESSAGES=1"),
	C("* STATUS foo (MESSAGES 1) (UNSEEN 2)\r\n", "STATUS name=\"foo\" MESSAGES=1 rest=(UNSEEN 2)"),
	C("* STATUS (MESSAGES 1)\r\n", "STATUS name=(MESSAGES 1) nolist"),
	C("* STATUS foo ((MESSAGES) 1)\r\n", "STATUS name=\"foo\" ?(MESSAGES)=1"),
};

START_TEST(test_status)
{
	run_cases(status_cases, N_ELEMS(status_cases));
}
END_TEST

/* ------------------------------------------------------------------ */
/* names on their own, and sunk literals */

START_TEST(test_name_decode)
{
	static const struct {
		const char *wire;
		bool utf8;
		const char *name;
		bool inbox, invalid;
	} cases[] = {
		{ "INBOX", false, "INBOX", true, false },
		{ "Inbox", true, "INBOX", true, false },
		{ "INBOX.Sent", false, "INBOX.Sent", false, false },
		{ "INBOXX", false, "INBOXX", false, false },
		{ "&-", false, "&", false, false },
		{ "~peter/mail/&U,BTFw-/&ZeVnLIqe-", false, "~peter/mail/台北/日本語", false, false },
		{ "&U,BTFw-&ZeVnLIqe-", false, "&U,BTFw-&ZeVnLIqe-", false, true },
		{ "a&", false, "a&", false, true },
		{ "\x7f", false, "\x7f", false, true },
		{ "", false, "", false, false },
		{ "", true, "", false, false },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
		struct imap_value v = { 0 };
		struct imap_mailbox_name n;

		v.type = IMAP_VALUE_QUOTED;
		v.str = cases[i].wire;
		v.len = strlen(cases[i].wire);
		imap_mailbox_name_decode(r, &v, cases[i].utf8, &n);
		ck_assert_msg(n.name.s && strcmp(n.name.s, cases[i].name) == 0,
			      "case %zu: %s", i, n.name.s ? n.name.s : "(null)");
		ck_assert_uint_eq(n.name.len, strlen(cases[i].name));
		ck_assert_int_eq(n.inbox, cases[i].inbox);
		ck_assert_int_eq(n.invalid, cases[i].invalid);
		ck_assert(!n.joined);
		ck_assert_ptr_eq(n.wire.v, &v);
		imap_response_free(r);
	}
}
END_TEST

static void *sk_begin(void *ctx, const struct imap_literal_info *info)
{
	(void)info;
	return ctx;
}

static int sk_data(void *ctx, void *h, const char *d, size_t n, struct imap_err *err)
{
	(void)ctx, (void)h, (void)d, (void)n, (void)err;
	return 0;
}

static int sk_end(void *ctx, void *h, struct imap_err *err)
{
	(void)ctx, (void)h, (void)err;
	return 0;
}

static void sk_abort(void *ctx, void *h)
{
	(void)ctx, (void)h;
}

START_TEST(test_sunk_literals)
{
	static int token;
	static const struct imap_literal_sink sink = {
		sk_begin, sk_data, sk_end, sk_abort, &token, 4
	};
	static const struct {
		const char *wire, *expect;
	} cases[] = {
		{ "* LIST () \"/\" {8}\r\nMy files\r\n", "LIST () delim=\"/\" name=<sunk>" },
		{ "* STATUS {8}\r\nMy files (MESSAGES 2)\r\n", "STATUS name=<sunk> MESSAGES=2" },
		{ "* METADATA \"INBOX\" (/private/comment {14}\r\nMy own comment)\r\n",
		  "METADATA name=\"INBOX\" inbox /private/comment=<sunk>" },
		{ "* ID (\"name\" {7}\r\nDovecot)\r\n", "ID name=<sunk>" },
	};
	size_t i;

	for (i = 0; i < N_ELEMS(cases); i++) {
		struct buf b = BUF_INIT;
		struct imap_response *r = parse_with(cases[i].wire, strlen(cases[i].wire), &sink);

		ck_assert_int_eq(dump_views(&b, r, false), 1);
		ck_assert_msg(strcmp(b.buf, cases[i].expect) == 0, "got %s", b.buf);
		buf_release(&b);
		imap_response_free(r);
	}
}
END_TEST

Suite *mailbox_suite(void)
{
	Suite *s = suite_create("mailbox");
	TCase *tc = tcase_create("views");

	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_attr_names);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_name_decode);
	tcase_add_test(tc, test_sunk_literals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mailbox_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
