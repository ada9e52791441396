/*
 * check_data.c - unit tests for src/proto/data.c: the views of
 * NAMESPACE, QUOTA, QUOTAROOT, ACL, MYRIGHTS, LISTRIGHTS, METADATA, ID,
 * ENABLED, CAPABILITY and FLAGS; and every builder of data.h and
 * mailbox.h on hostile input.
 *
 * Each case is exact wire bytes, parsed by the real parser, and the
 * expected one-line dump of the view (dump_data.c); every other view
 * builder must return NULL for it.  The hostile tests build random
 * responses (from tokens, and hand-made trees) and run every builder on
 * them: no crash, no read out of bounds (run under valgrind or ASan).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "proto/data.h"
#include "proto/mailbox.h"
#include "proto/parser.h"
#include "proto/response.h"
#include "dump_data.h"
#include "util/buf.h"
#include "util/err.h"

Suite *data_suite(void);

/* ------------------------------------------------------------------ */
/* NAMESPACE */

static const struct vcase namespace_cases[] = {
	/* RFC 2342 sec. 5 examples */
	C("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=NIL shared=NIL"),
	C("* NAMESPACE NIL NIL ((\"\" \".\"))\r\n",
	  "NAMESPACE personal=NIL other=NIL shared=[\"\" delim=\".\"]"),
	C("* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=NIL shared=[\"Public Folders/\" delim=\"/\"]"),
	C("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")"
	  "(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=[\"~\" delim=\"/\"] "
	  "shared=[\"#shared/\" delim=\"/\"][\"#public/\" delim=\"/\"][\"#ftp/\" delim=\"/\"]"
	  "[\"#news.\" delim=\".\"]"),
	C("* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n",
	  "NAMESPACE personal=[\"INBOX.\" delim=\".\"] other=NIL shared=NIL"),
	C("* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"][\"#mh/\" delim=\"/\" X-PARAM:\"FLAG1\",\"FLAG2\"] "
	  "other=NIL shared=NIL"),
	/* RFC 5255 TRANSLATION, mUTF-7 prefixes */
	C("* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\" \"TRANSLATION\" "
	  "(\"Andere Ben&APw-tzer/\"))) ((\"Gemeinsame Bl&AOQ-tter/\" \"/\"))\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=[\"Other Users/\" delim=\"/\" "
	  "TRANSLATION:\"Andere Ben&APw-tzer/\"] "
	  "shared=[\"Gemeinsame Blätter/\" wire=\"Gemeinsame Bl&AOQ-tter/\" delim=\"/\"]"),
	/* Dovecot, Gmail, Exchange */
	C("* NAMESPACE ((\"\" \".\")) NIL NIL\r\n",
	  "NAMESPACE personal=[\"\" delim=\".\"] other=NIL shared=NIL"),
	C("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=NIL shared=NIL"),
	C("* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=NIL shared=[\"Public Folders/\" delim=\"/\"]"),
	/* NIL delimiter, broken forms */
	C("* NAMESPACE ((\"\" NIL)) NIL NIL\r\n",
	  "NAMESPACE personal=[\"\" delim=NIL] other=NIL shared=NIL"),
	C("* NAMESPACE\r\n", "NAMESPACE personal=<none> other=<none> shared=<none>"),
	C("* NAMESPACE ((\"\" \"/\"))\r\n",
	  "NAMESPACE personal=[\"\" delim=\"/\"] other=<none> shared=<none>"),
	C("* NAMESPACE (\"\" \"/\") NIL NIL extra\r\n",
	  "NAMESPACE personal=[\"\" delim=<none>][\"/\" delim=<none>] other=NIL shared=NIL rest=extra"),
	C("* NAMESPACE (()) \"x\" NIL\r\n",
	  "NAMESPACE personal=[<none> delim=<none>] other=NIL shared=NIL"),
	C("* NAMESPACE ((\"a\" \"/\" \"X\")) NIL NIL\r\n",
	  "NAMESPACE personal=[\"a\" delim=\"/\" X:] other=NIL shared=NIL"),
	C("* NAMESPACE ((\"a\" \"/\" \"X\" single)) NIL NIL\r\n",
	  "NAMESPACE personal=[\"a\" delim=\"/\" X:\"single\"] other=NIL shared=NIL"),
};

START_TEST(test_namespace)
{
	run_cases(namespace_cases, N_ELEMS(namespace_cases));
}
END_TEST

/* ------------------------------------------------------------------ */
/* QUOTA, QUOTAROOT, ACL, MYRIGHTS, LISTRIGHTS */

static const struct vcase quota_acl_cases[] = {
	/* RFC 9208 sec. 4 and RFC 2087 */
	C("* QUOTAROOT INBOX \"\"\r\n", "QUOTAROOT name=\"INBOX\" inbox roots=\"\""),
	C("* QUOTA \"\" (STORAGE 10 512)\r\n", "QUOTA root=\"\" STORAGE=10/512"),
	C("* QUOTAROOT comp.mail.mime\r\n", "QUOTAROOT name=\"comp.mail.mime\" roots="),
	C("* QUOTA \"#user/alice\" (STORAGE 54 111 MESSAGE 42 1000)\r\n",
	  "QUOTA root=\"#user/alice\" STORAGE=54/111 MESSAGE=42/1000"),
	C("* QUOTA \"!partition/sda4\" (STORAGE 104 10923847)\r\n",
	  "QUOTA root=\"!partition/sda4\" STORAGE=104/10923847"),
	C("* QUOTAROOT \"Entw&APw-rfe\" \"#user/alice\" \"!partition/sda4\"\r\n",
	  "QUOTAROOT name=\"Entwürfe\" wire=\"Entw&APw-rfe\" roots=\"#user/alice\",\"!partition/sda4\""),
	C("* QUOTA \"User quota\" (STORAGE 1 2 MAILBOX 3 4 ANNOTATION-STORAGE 5 6 X-FOO 7 8)\r\n",
	  "QUOTA root=\"User quota\" STORAGE=1/2 MAILBOX=3/4 ANNOTATION-STORAGE=5/6 X-FOO=7/8"),
	/* Dovecot, Gmail, big numbers */
	C("* QUOTA \"User quota\" (STORAGE 2000 1048576 MESSAGE 17 100000)\r\n",
	  "QUOTA root=\"User quota\" STORAGE=2000/1048576 MESSAGE=17/100000"),
	C("* QUOTAROOT \"INBOX\" \"User quota\"\r\n",
	  "QUOTAROOT name=\"INBOX\" inbox roots=\"User quota\""),
	C("* QUOTA \"\" (STORAGE 15000000 16106127360)\r\n",
	  "QUOTA root=\"\" STORAGE=15000000/16106127360"),
	/* messy quota */
	C("* QUOTA \"\" (STORAGE 10)\r\n", "QUOTA root=\"\" STORAGE=!10/"),
	C("* QUOTA \"\" (STORAGE x 10 MESSAGE \"3\" 4)\r\n",
	  "QUOTA root=\"\" STORAGE=!x/10 MESSAGE=3/4"),
	C("* QUOTA \"\" ()\r\n", "QUOTA root=\"\""),
	C("* QUOTA \"\"\r\n", "QUOTA root=\"\" nolist"),
	C("* QUOTA NIL STORAGE 1 2\r\n", "QUOTA root=NIL nolist rest=STORAGE,1,2"),
	C("* QUOTA\r\n", "QUOTA root=<none> nolist"),
	/* RFC 4314 sec. 3.6 to 3.8 */
	C("* ACL INBOX Fred rwipsldexta\r\n", "ACL name=\"INBOX\" inbox Fred=\"rwipsldexta\""),
	C("* ACL INBOX Fred rwipslda test rwipslda -Fred wetd $team w\r\n",
	  "ACL name=\"INBOX\" inbox Fred=\"rwipslda\" test=\"rwipslda\" -Fred(-)=\"wetd\" "
	  "$team=\"w\""),
	C("* ACL \"Entw&APw-rfe\" anyone \"\" owner lrswipkxtecda\r\n",
	  "ACL name=\"Entwürfe\" wire=\"Entw&APw-rfe\" anyone=\"\" owner=\"lrswipkxtecda\""),
	C("* ACL foo\r\n", "ACL name=\"foo\""),
	C("* ACL foo bob\r\n", "ACL name=\"foo\" bob=<none>"),
	C("* ACL foo - rw\r\n", "ACL name=\"foo\" -=\"rw\""),
	C("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n",
	  "LISTRIGHTS name=\"~/Mail/saved\" id=\"smith\" required=\"la\" optional=\"r\",\"swicdkxte\""),
	C("* LISTRIGHTS archive.imap anyone \"\" l r s w i p k x t e c d a 0 1 2 3 4 5 6 7 8 9\r\n",
	  "LISTRIGHTS name=\"archive.imap\" id=\"anyone\" required=\"\" optional=\"l\",\"r\",\"s\","
	  "\"w\",\"i\",\"p\",\"k\",\"x\",\"t\",\"e\",\"c\",\"d\",\"a\",\"0\",\"1\",\"2\",\"3\",\"4\","
	  "\"5\",\"6\",\"7\",\"8\",\"9\""),
	C("* LISTRIGHTS foo\r\n", "LISTRIGHTS name=\"foo\" id=<none> required=<none> optional="),
	C("* MYRIGHTS INBOX rwiptsldaex\r\n", "MYRIGHTS name=\"INBOX\" inbox rights=\"rwiptsldaex\""),
	C("* MYRIGHTS \"&ZeVnLIqe-\" lr\r\n",
	  "MYRIGHTS name=\"日本語\" wire=\"&ZeVnLIqe-\" rights=\"lr\""),
	C("* MYRIGHTS foo\r\n", "MYRIGHTS name=\"foo\" rights=<none>"),
	C("* MYRIGHTS foo lr extra\r\n", "MYRIGHTS name=\"foo\" rights=\"lr\" rest=extra"),
};

START_TEST(test_quota_acl)
{
	run_cases(quota_acl_cases, N_ELEMS(quota_acl_cases));
}
END_TEST

/* ------------------------------------------------------------------ */
/* METADATA, ID */

static const struct vcase metadata_id_cases[] = {
	/* RFC 5464 sec. 4.4 */
	C("* METADATA \"\" (/shared/comment \"Shared comment\")\r\n",
	  "METADATA name=\"\" /shared/comment=\"Shared comment\""),
	C("* METADATA \"INBOX\" (/private/comment \"My own comment\")\r\n",
	  "METADATA name=\"INBOX\" inbox /private/comment=\"My own comment\""),
	C("* METADATA \"INBOX\" (/shared/comment \"Shared comment\" /private/comment \"My own comment\")\r\n",
	  "METADATA name=\"INBOX\" inbox /shared/comment=\"Shared comment\" "
	  "/private/comment=\"My own comment\""),
	C("* METADATA \"INBOX\" (/private/comment {19}\r\nMy own\r\ncomment ok!)\r\n",
	  "METADATA name=\"INBOX\" inbox /private/comment=\"My own\\x0d\\x0acomment ok!\""),
	C("* METADATA \"INBOX\" (/private/comment NIL)\r\n",
	  "METADATA name=\"INBOX\" inbox /private/comment=NIL"),
	C("* METADATA \"\" /shared/comment\r\n", "METADATA name=\"\" entries-only /shared/comment"),
	C("* METADATA \"INBOX\" /shared/comment /private/comment\r\n",
	  "METADATA name=\"INBOX\" inbox entries-only /shared/comment /private/comment"),
	C("* METADATA \"Entw&APw-rfe\" (/shared/vendor/x \"\")\r\n",
	  "METADATA name=\"Entwürfe\" wire=\"Entw&APw-rfe\" /shared/vendor/x=\"\""),
	/* broken */
	C("* METADATA \"INBOX\" (/private/comment)\r\n",
	  "METADATA name=\"INBOX\" inbox /private/comment"),
	C("* METADATA \"INBOX\"\r\n", "METADATA name=\"INBOX\" inbox"),
	C("* METADATA\r\n", "METADATA name=<none>"),
	C("* METADATA x (a b) c\r\n", "METADATA name=\"x\" a=\"b\" rest=c"),
	/* RFC 2971 sec. 3.3 and real servers */
	C("* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" "
	  "\"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n",
	  "ID name=\"Cyrus\" version=\"1.5\" os=\"sunos\" os-version=\"5.5\" "
	  "support-url=\"mailto:cyrus-bugs+@andrew.cmu.edu\""),
	C("* ID NIL\r\n", "ID NIL"),
	C("* ID (\"name\" \"Dovecot\")\r\n", "ID name=\"Dovecot\""),
	C("* ID (\"name\" \"GImap\" \"vendor\" \"Google, Inc.\" \"support-url\" NIL)\r\n",
	  "ID name=\"GImap\" vendor=\"Google, Inc.\" support-url=NIL"),
	C("* ID ()\r\n", "ID"),
	C("* ID (\"name\")\r\n", "ID name=<none>"),
	C("* ID\r\n", "ID"),
	C("* ID name Dovecot\r\n", "ID rest=name,Dovecot"),
	C("* ID (\"name\" {7}\r\nDovecot) extra\r\n", "ID name=\"Dovecot\" rest=extra"),
};

START_TEST(test_metadata_id)
{
	run_cases(metadata_id_cases, N_ELEMS(metadata_id_cases));
}
END_TEST

START_TEST(test_id_get)
{
	struct imap_response *r = parse("* ID (\"name\" \"Cyrus\" \"Version\" \"1.5\" \"os\" NIL)\r\n", 0);
	const struct imap_id *id = imap_id_view(r);
	const struct imap_text *t;

	ck_assert_ptr_nonnull(id);
	t = imap_id_get(id, "VERSION");
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->len, 3);
	ck_assert_mem_eq(t->s, "1.5", 3);
	t = imap_id_get(id, "os");
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_null(t->s);
	ck_assert_int_eq(t->v->type, IMAP_VALUE_NIL);
	ck_assert_ptr_null(imap_id_get(id, "vendor"));
	ck_assert_ptr_null(imap_id_get(NULL, "name"));
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* CAPABILITY, ENABLED, FLAGS */

static const struct vcase caps_flags_cases[] = {
	/* RFC 9051 sec. 7.2.2 */
	C("* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n",
	  "CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED auth=GSSAPI"),
	/* Dovecot, Gmail */
	C("* CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN\r\n",
	  "CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN "
	  "AUTH=LOGIN auth=PLAIN,LOGIN"),
	C("* CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 "
	  "XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER\r\n",
	  "CAPABILITY IMAP4rev1 UNSELECT IDLE NAMESPACE QUOTA ID XLIST CHILDREN X-GM-EXT-1 "
	  "XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=PLAIN-CLIENTTOKEN AUTH=OAUTHBEARER "
	  "auth=XOAUTH2,PLAIN,PLAIN-CLIENTTOKEN,OAUTHBEARER"),
	C("* CAPABILITY\r\n", "CAPABILITY"),
	C("* CAPABILITY IMAP4rev1 auth=plain AUTH= \"AUTH=X\" (a)\r\n",
	  "CAPABILITY IMAP4rev1 auth=plain AUTH= AUTH=X (a) auth=plain,X"),
	/* the code forms: greeting and tagged OK */
	C("* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] Dovecot ready.\r\n",
	  "CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN auth=PLAIN"),
	C("a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n", "CAPABILITY IMAP4rev1 IDLE"),
	C("a1 OK [READ-WRITE] SELECT completed\r\n", NULL),
	/* RFC 5161 ENABLED */
	C("* ENABLED CONDSTORE QRESYNC\r\n", "ENABLED CONDSTORE QRESYNC"),
	C("* ENABLED UTF8=ACCEPT\r\n", "ENABLED UTF8=ACCEPT"),
	C("* ENABLED\r\n", "ENABLED"),
	/* RFC 9051 sec. 7.3.5 FLAGS, Dovecot keywords */
	C("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n",
	  "FLAGS \\Answered \\Flagged \\Deleted \\Seen \\Draft"),
	C("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $NotJunk NonJunk)\r\n",
	  "FLAGS \\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $Junk $NotJunk NonJunk"),
	C("* FLAGS ()\r\n", "FLAGS"),
	C("* FLAGS\r\n", "FLAGS nolist"),
	C("* FLAGS \\Seen \\Draft\r\n", "FLAGS \\Seen \\Draft nolist"),
	C("* FLAGS (\\Seen) (\\Draft)\r\n", "FLAGS (\\Seen) (\\Draft) nolist"),
	C("* FLAGS (\\Seen NIL \"q\")\r\n", "FLAGS \\Seen NIL q"),
	C("* 3 FETCH (FLAGS (\\Seen))\r\n", NULL),
};

START_TEST(test_caps_flags)
{
	run_cases(caps_flags_cases, N_ELEMS(caps_flags_cases));
}
END_TEST

START_TEST(test_capability_helpers)
{
	struct imap_response *r =
		parse("* CAPABILITY IMAP4rev1 Idle AUTH=PLAIN auth=xoauth2 AUTH=\r\n", 0);
	const struct imap_capability *c = imap_capability_view(r);

	ck_assert_ptr_nonnull(c);
	ck_assert(imap_capability_has(c, "IDLE"));
	ck_assert(imap_capability_has(c, "imap4REV1"));
	ck_assert(imap_capability_has(c, "Auth=Plain"));
	ck_assert(!imap_capability_has(c, "IMAP4"));
	ck_assert(!imap_capability_has(c, "IDLEX"));
	ck_assert(!imap_capability_has(c, ""));
	ck_assert(!imap_capability_has(c, NULL));
	ck_assert(!imap_capability_has(NULL, "IDLE"));
	ck_assert(imap_capability_has_auth(c, "plain"));
	ck_assert(imap_capability_has_auth(c, "XOAUTH2"));
	ck_assert(!imap_capability_has_auth(c, "LOGIN"));
	ck_assert(!imap_capability_has_auth(c, ""));
	ck_assert(!imap_capability_has_auth(NULL, "PLAIN"));
	ck_assert_uint_eq(c->nauth, 2);
	ck_assert_ptr_eq(c->auth[0].v, c->caps[2].v);
	imap_response_free(r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* hostile input: every builder on random responses */

static const char *const names[] = {
	"LIST", "LSUB", "XLIST", "STATUS", "NAMESPACE", "QUOTA", "QUOTAROOT", "ACL",
	"MYRIGHTS", "LISTRIGHTS", "METADATA", "ID", "ENABLED", "CAPABILITY", "FLAGS",
};

static const char *const tokens[] = {
	"(", "(", ")", ")", "NIL", "\"/\"", "\"\"", "foo", "12", "18446744073709551616",
	"\\Noselect", "&ZeVnLIqe-", "&", "&-", "&AGE-", "\"a b\"", "{3}\r\na\0b", "{0}\r\n",
	"INBOX", "CHILDINFO", "\"OLDNAME\"", "MESSAGES", "APPENDLIMIT", "MAILBOXID",
	"AUTH=", "AUTH=PLAIN", "\"\xff\xfe\"", "[x y]", "STORAGE", "~{2}\r\n\0\0",
};

static unsigned long rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static size_t token_len(const char *t)
{
	/* tokens with a NUL: literal headers tell their length */
	if (strncmp(t, "{3}", 3) == 0)
		return 8;
	if (strncmp(t, "~{2}", 4) == 0)
		return 8;
	return strlen(t);
}

START_TEST(test_random_tokens)
{
	struct imap_parser *p = imap_parser_new(NULL);
	int round, parsed = 0;

	for (round = 0; round < 20000; round++) {
		struct buf in = BUF_INIT, out = BUF_INIT;
		struct imap_err err = IMAP_ERR_INIT;
		struct imap_response *r;
		int i, n = (int)rnd(12), depth = 0;

		buf_addf(&in, "%s%s", rnd(20) ? "* " : "a1 OK [CAPABILITY ", names[rnd(N_ELEMS(names))]);
		for (i = 0; i < n; i++) {
			const char *t = tokens[rnd(N_ELEMS(tokens))];
			if (*t == ')' && depth == 0)
				continue;
			depth += *t == '(' ? 1 : *t == ')' ? -1 : 0;
			if (*t != ')' && rnd(2))
				buf_addch(&in, ' ');
			buf_add(&in, t, token_len(t));
		}
		while (depth-- > 0)
			buf_addch(&in, ')');
		if (strncmp(in.buf, "a1", 2) == 0)
			buf_adds(&in, "] x");
		buf_adds(&in, "\r\n");
		imap_parser_reset(p);
		imap_parser_feed(p, in.buf, in.len);
		if (imap_parser_next(p, &r, &err) == 1) {
			parsed++;
			dump_views(&out, r, rnd(2));
			imap_response_free(r);
		}
		buf_release(&in);
		buf_release(&out);
	}
	ck_assert_int_gt(parsed, 10000);
	imap_parser_free(p);
}
END_TEST

/* A random tree of depth at most depth, with items from a small set. */
static void random_value(struct imap_response *r, struct imap_value *v, int depth)
{
	static const char *const words[] = { "", "a", "NIL", "\\Sent", "&Jjo-", "inbox",
					     "SUBSCRIBED", "OLDNAME", "CHILDINFO", "7", "AUTH=" };
	size_t i;

	memset(v, 0, sizeof(*v));
	switch (rnd(depth > 0 ? 6 : 5)) {
	case 0:
		v->type = IMAP_VALUE_NIL;
		return;
	case 1:
		v->type = IMAP_VALUE_NUMBER;
		v->num = rnd(1000);
		v->str = imap_response_strdup(r, "7", 1);
		v->len = 1;
		return;
	case 2:
		v->type = IMAP_VALUE_LITERAL;
		v->sunk = true;
		v->literal_size = 10;
		return;
	case 3:
	case 4:
		v->type = rnd(2) ? IMAP_VALUE_ATOM : IMAP_VALUE_QUOTED;
		v->str = words[rnd(N_ELEMS(words))];
		v->len = strlen(v->str);
		return;
	default:
		v->type = IMAP_VALUE_LIST;
		v->count = rnd(6);
		v->items = imap_response_alloc(r, (v->count + 1) * sizeof(*v->items));
		for (i = 0; i < v->count; i++)
			random_value(r, &v->items[i], depth - 1);
	}
}

START_TEST(test_random_trees)
{
	int round;

	for (round = 0; round < 20000; round++) {
		struct imap_response *r = imap_response_new(IMAP_RESP_UNTAGGED);
		struct buf out = BUF_INIT;
		size_t i;

		r->name = names[rnd(N_ELEMS(names))];
		r->data.type = IMAP_VALUE_LIST;
		r->data.count = rnd(7);
		r->data.items = imap_response_alloc(r, (r->data.count + 1) * sizeof(struct imap_value));
		for (i = 0; i < r->data.count; i++)
			random_value(r, &r->data.items[i], 3);
		ck_assert_int_eq(dump_views(&out, r, rnd(2)), 1);
		buf_release(&out);
		imap_response_free(r);
	}
}
END_TEST

START_TEST(test_null_and_wrong)
{
	struct imap_response *r = imap_response_new(IMAP_RESP_TAGGED);
	struct buf out = BUF_INIT;

	ck_assert_ptr_null(imap_list_view(NULL, false));
	ck_assert_ptr_null(imap_status_view(NULL, false));
	ck_assert_ptr_null(imap_flags_view(NULL));
	ck_assert_ptr_null(imap_capability_view(NULL));
	r->name = "LIST";           /* a tagged response named LIST is not one */
	ck_assert_int_eq(dump_views(&out, r, false), 0);
	imap_response_free(r);
	r = imap_response_new(IMAP_RESP_UNTAGGED);
	r->name = "LIST";
	r->status = IMAP_STATUS_OK; /* nor is a status response */
	ck_assert_int_eq(dump_views(&out, r, false), 0);
	buf_release(&out);
	imap_response_free(r);
}
END_TEST

Suite *data_suite(void)
{
	Suite *s = suite_create("data");
	TCase *tc = tcase_create("views");

	tcase_add_test(tc, test_namespace);
	tcase_add_test(tc, test_quota_acl);
	tcase_add_test(tc, test_metadata_id);
	tcase_add_test(tc, test_id_get);
	tcase_add_test(tc, test_caps_flags);
	tcase_add_test(tc, test_capability_helpers);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_tokens);
	tcase_add_test(tc, test_random_trees);
	tcase_add_test(tc, test_null_and_wrong);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(data_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
