/*
 * Unit tests for the security policy (src/core/policy.c): which commands
 * and mechanisms may go over which link, how raw lines are read, and what
 * traces and the history may keep.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "net/transport.h"
#include "util/xalloc.h"

/* ---- a connection that is local or not, and never talks ---------------- */

struct quiet {
	struct net_conn base;
	bool local;
};

static ssize_t q_read(struct net_conn *c, void *b, size_t n, struct imap_err *e)
{
	(void)c; (void)b; (void)n;
	return err_set(e, IMAP_ERR_ABORT, "quiet");
}
static int q_write(struct net_conn *c, const void *b, size_t n, struct imap_err *e)
{
	(void)c; (void)b; (void)n; (void)e;
	return 0;
}
static void q_describe(struct net_conn *c, struct buf *out) { (void)c; buf_adds(out, "quiet"); }
static int q_pollfd(struct net_conn *c) { (void)c; return -1; }
static void q_close(struct net_conn *c, struct buf *r) { (void)r; free(c); }
static bool q_local(struct net_conn *c) { return ((struct quiet *)c)->local; }

static const struct net_ops quiet_ops = {
	.name = "quiet", .read = q_read, .write = q_write, .describe = q_describe,
	.pollfd = q_pollfd, .close = q_close, .is_local = q_local,
};

static struct session *session_on(bool local, bool allow_plaintext)
{
	struct quiet *q = xcalloc(1, sizeof(*q));
	struct session *s;
	q->base.ops = &quiet_ops;
	q->local = local;
	s = session_new(&q->base, NULL);
	session_set_allow_plaintext(s, allow_plaintext);
	return s;
}

/* ---- mechanisms over each kind of link ---------------------------------- */

START_TEST(mechanisms_by_link)
{
	static const struct {
		const char *mech;
		bool harmless;
	} cases[] = {
		{ "PLAIN", false }, { "LOGIN", false }, { "CRAM-MD5", false },
		{ "SCRAM-SHA-1", false }, { "SCRAM-SHA-256", false }, { "SCRAM-SHA-256-PLUS", false },
		{ "XOAUTH2", false }, { "OAUTHBEARER", false }, { "DIGEST-MD5", false },
		{ "NTLM", false }, { "external", true }, { "ANONYMOUS", true },
	};
	struct session *remote = session_on(false, false);
	struct session *local = session_on(true, false);
	struct session *allowed = session_on(false, true);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imap_err err = IMAP_ERR_INIT;
		int rc = policy_check_mech(remote, cases[i].mech, &err);
		ck_assert_msg((rc == 0) == cases[i].harmless, "%s over a remote link", cases[i].mech);
		if (rc < 0) {
			ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
			ck_assert_ptr_nonnull(strstr(err.msg, cases[i].mech));
			ck_assert_ptr_nonnull(strstr(err.msg, "--allow-plaintext"));
		}
		ck_assert_int_eq(policy_check_mech(local, cases[i].mech, &err), 0);
		ck_assert_int_eq(policy_check_mech(allowed, cases[i].mech, &err), 0);
	}
	{
		struct imap_err err = IMAP_ERR_INIT;
		ck_assert_int_eq(policy_check_login(remote, &err), -1);
		ck_assert_int_eq(policy_check_login(local, &err), 0);
		ck_assert_int_eq(policy_check_login(allowed, &err), 0);
	}
	session_free(remote, NULL);
	session_free(local, NULL);
	session_free(allowed, NULL);
}
END_TEST

/* ---- reading command lines ----------------------------------------------- */

START_TEST(classify_lines)
{
	static const struct {
		const char *line;
		enum policy_secret want;
		const char *secret; /* the part from the secret offset */
		const char *mech;
	} cases[] = {
		{ "LOGIN alice pw", POLICY_LOGIN, "alice pw", NULL },
		{ "login  \"al ice\" {3}", POLICY_LOGIN, "\"al ice\" {3}", NULL },
		{ "AUTHENTICATE PLAIN AGFsaWNl", POLICY_AUTHENTICATE, "AGFsaWNl", "PLAIN" },
		{ "authenticate cram-md5", POLICY_AUTHENTICATE, "", "cram-md5" },
		{ "SELECT INBOX", POLICY_NO_SECRET, "", NULL },
		{ "LOGINX a b", POLICY_NO_SECRET, "", NULL },
		{ "", POLICY_NO_SECRET, "", NULL },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *line = cases[i].line, *mech;
		size_t from, mlen;
		enum policy_secret c = policy_classify_line(line, strlen(line), &from, &mech, &mlen);
		ck_assert_msg(c == cases[i].want, "class of \"%s\"", line);
		ck_assert_str_eq(line + from, cases[i].secret);
		if (cases[i].mech) {
			ck_assert_uint_eq(mlen, strlen(cases[i].mech));
			ck_assert(!strncmp(mech, cases[i].mech, mlen));
		}
	}
}
END_TEST

START_TEST(public_prefix)
{
	static const struct {
		const char *text, *kept;
	} cases[] = {
		{ "LOGIN alice pw", "LOGIN" },
		{ " a1 login alice pw\\r\\n", " a1 login" },
		{ "\"a1 LOGIN alice pw\\r\\n\"", "\"a1 LOGIN" },
		{ "\"LOGIN alice pw\"", "\"LOGIN" },
		{ "AUTHENTICATE PLAIN AGFsaWNl", "AUTHENTICATE PLAIN" },
		{ "a NOOP\\r\\nb authenticate xoauth2 dXNlcj1", "a NOOP\\r\\nb authenticate xoauth2" },
		{ "SEARCH SUBJECT hello", "SEARCH SUBJECT hello" },
		{ "", "" },
	};
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = policy_public_prefix(cases[i].text, strlen(cases[i].text));
		ck_assert_msg(n == strlen(cases[i].kept) && !strncmp(cases[i].text, cases[i].kept, n),
			      "\"%s\" keeps %zu bytes", cases[i].text, n);
	}
}
END_TEST

/* ---- commands as they would be sent -------------------------------------- */

/* The trace of cmd encoded with the policy's marks. */
static int traced(struct session *s, const char *verb, const struct imap_arg *args, size_t n,
		  struct buf *out)
{
	struct session_cmd cmd = { verb, args, n, NULL, NULL, NULL, false };
	struct imap_arg copy[SESSION_MAX_ARGS + 1];
	const struct imap_arg *use;
	size_t nuse;
	struct imap_wire w;
	struct imap_err err = IMAP_ERR_INIT;
	int rc = policy_prepare_command(s, &cmd, copy, SESSION_MAX_ARGS + 1, &use, &nuse, &err);
	if (rc < 0)
		return -1;
	imap_wire_init(&w);
	ck_assert_int_eq(imap_encode(&w, "A1", verb, use, nuse, IMAP_LITERAL_PLUS, &err), 0);
	imap_wire_redacted(&w, 0, w.bytes.len, out);
	imap_wire_release(&w);
	return 0;
}

START_TEST(raw_lines_redacted)
{
	static const struct {
		const char *verb, *arg, *want;
	} cases[] = {
		{ "LOGIN", "alice hunter2", "A1 LOGIN <redacted>\r\n" },
		{ "login", "\"al ice\" \"hun ter2\"", "A1 login <redacted>\r\n" },
		{ "AUTHENTICATE", "PLAIN AGFsaWNlAGh1bnRlcjI=", "A1 AUTHENTICATE PLAIN <redacted>\r\n" },
		{ "AUTHENTICATE", "CRAM-MD5", "A1 AUTHENTICATE CRAM-MD5\r\n" },
		{ "NOOP", "x y", "A1 NOOP x y\r\n" },
	};
	struct session *s = session_on(true, false);
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imap_arg a = { IMAP_ARG_RAW, 0, cases[i].arg, strlen(cases[i].arg), NULL };
		struct buf out = BUF_INIT;
		ck_assert_int_eq(traced(s, cases[i].verb, &a, 1, &out), 0);
		ck_assert_str_eq(out.buf, cases[i].want);
		buf_release(&out);
	}
	{
		/* xatom AUTHENTICATE PLAIN xyz: words as separate arguments */
		struct imap_arg a[2] = {
			{ IMAP_ARG_RAW, 0, "PLAIN", 5, NULL },
			{ IMAP_ARG_RAW, 0, "AGFsaWNl", 8, NULL },
		};
		struct buf out = BUF_INIT;
		ck_assert_int_eq(traced(s, "AUTHENTICATE", a, 2, &out), 0);
		ck_assert_str_eq(out.buf, "A1 AUTHENTICATE PLAIN <redacted>\r\n");
		buf_release(&out);
	}
	session_free(s, NULL);
	s = session_on(false, false);
	{
		struct imap_arg a = { IMAP_ARG_RAW, 0, "alice pw", 8, NULL };
		struct buf out = BUF_INIT;
		ck_assert_int_eq(traced(s, "LOGIN", &a, 1, &out), -1);
		buf_release(&out);
	}
	session_free(s, NULL);
}
END_TEST

START_TEST(send_bytes)
{
	static const struct {
		const char *data, *shown;
		bool auth, remote_ok;
	} cases[] = {
		{ "a1 LOGIN alice pw\r\n", "a1 LOGIN <redacted>\r\n", false, false },
		{ "a1 NOOP\r\na2 login bob x\r\n", "a1 NOOP\r\na2 login <redacted>\r\n", false, false },
		{ "a3 AUTHENTICATE PLAIN AGFs\r\n", "a3 AUTHENTICATE PLAIN <redacted>\r\n", true, false },
		{ "a4 AUTHENTICATE PLAIN\r\n", "a4 AUTHENTICATE PLAIN\r\n", true, false },
		{ "a5 AUTHENTICATE EXTERNAL =\r\n", "a5 AUTHENTICATE EXTERNAL <redacted>\r\n", true, true },
		{ "LOGIN a b", "LOGIN <redacted>", false, false },
		{ "DONE\r\n", "DONE\r\n", false, true },
	};
	struct session *local = session_on(true, false), *remote = session_on(false, false);
	size_t i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf shown = BUF_INIT;
		struct imap_err err = IMAP_ERR_INIT;
		bool auth;
		const char *d = cases[i].data;
		ck_assert_int_eq(policy_check_send(local, d, strlen(d), &shown, &auth, &err), 0);
		ck_assert_str_eq(shown.buf ? shown.buf : "", cases[i].shown);
		ck_assert(auth == cases[i].auth);
		ck_assert_int_eq(policy_check_send(remote, d, strlen(d), NULL, &auth, &err),
				 cases[i].remote_ok ? 0 : -1);
		buf_release(&shown);
	}
	session_free(local, NULL);
	session_free(remote, NULL);
}
END_TEST

Suite *policy_suite(void);
Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");
	tcase_add_test(tc, mechanisms_by_link);
	tcase_add_test(tc, classify_lines);
	tcase_add_test(tc, public_prefix);
	tcase_add_test(tc, raw_lines_redacted);
	tcase_add_test(tc, send_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
