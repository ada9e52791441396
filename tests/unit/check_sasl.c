/*
 * check_sasl.c - unit tests for src/core/sasl.c: golden bytes for the
 * simple mechanisms (RFC 2195, RFC 4616, RFC 7628 and Google's XOAUTH2
 * examples), SCRAM against the RFC 5802 / RFC 7677 arithmetic and against
 * GNU SASL's own server side, hostile SCRAM servers, and sasl_choose.
 * And src/core/auth.c over real TLS: a forked GnuTLS + GNU SASL IMAP
 * server, for the choice of channel binding and the gs2 flag.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <arpa/inet.h>
#include <check.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gsasl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/sasl.h"
#include "core/session.h"
#include "net/tls.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/err.h"

Suite *sasl_suite(void);

/* ---- helpers -------------------------------------------------------------- */

static struct sasl_client *new_client(const char *mech, const struct sasl_params *p)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct sasl_client *c = sasl_client_new(mech, p, &err);

	ck_assert_msg(c != NULL, "sasl_client_new(%s): %s", mech, err.msg);
	return c;
}

/* sasl_client_new must fail with exactly this message. */
static void expect_new_error(const char *mech, const struct sasl_params *p, const char *msg)
{
	struct imap_err err = IMAP_ERR_INIT;

	ck_assert_ptr_null(sasl_client_new(mech, p, &err));
	ck_assert_int_eq(err.kind, IMAP_ERR_ERROR);
	ck_assert_str_eq(err.msg, msg);
}

static void assert_bytes(const struct buf *b, const char *want, size_t len)
{
	ck_assert_uint_eq(b->len, len);
	ck_assert_msg(memcmp(b->buf, want, len) == 0, "bytes differ");
}

#define ASSERT_BYTES(b, lit) assert_bytes((b), (lit), sizeof(lit) - 1)

/* Steps once with a C-string challenge. */
static int step_s(struct sasl_client *c, const char *chal, struct buf *out, struct imap_err *err)
{
	return sasl_client_step(c, chal, strlen(chal), out, err);
}

/* ---- the table and sasl_choose -------------------------------------------- */

START_TEST(test_table)
{
	static const char *const names[] = {
		"SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-1",
		"CRAM-MD5", "OAUTHBEARER", "XOAUTH2", "EXTERNAL", "PLAIN", "LOGIN", "ANONYMOUS",
	};
	size_t n = 0;
	const struct sasl_mech_info *m = sasl_mechanisms(&n);

	ck_assert_uint_eq(n, sizeof(names) / sizeof(names[0]));
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(m[i].name, names[i]);
		if (i)
			ck_assert_int_gt(m[i - 1].strength, m[i].strength);
		ck_assert_ptr_eq(sasl_find(names[i]), &m[i]);
	}
	ck_assert_ptr_eq(sasl_find("scram-sha-256-plus"), &m[0]);
	ck_assert_ptr_eq(sasl_find("Plain"), &m[8]);
	ck_assert_ptr_null(sasl_find("GSSAPI"));
	ck_assert_ptr_null(sasl_find("SCRAM-SHA-512"));
	ck_assert_ptr_null(sasl_find(""));
	ck_assert_ptr_null(sasl_find(NULL));

	ck_assert_uint_eq(m[0].needs, SASL_NEEDS_PASSWORD | SASL_NEEDS_CHANNEL_BINDING);
	ck_assert_uint_eq(sasl_find("SCRAM-SHA-1")->needs, SASL_NEEDS_PASSWORD);
	ck_assert_uint_eq(sasl_find("XOAUTH2")->needs, SASL_NEEDS_TOKEN);
	ck_assert_uint_eq(sasl_find("EXTERNAL")->needs, SASL_NEEDS_CLIENT_CERT);
	ck_assert_int_eq(sasl_find("ANONYMOUS")->strength, 0);
	ck_assert(sasl_find("PLAIN")->client_first);
	ck_assert(sasl_find("SCRAM-SHA-256")->client_first);
	ck_assert(!sasl_find("LOGIN")->client_first);
	ck_assert(!sasl_find("CRAM-MD5")->client_first);
	ck_assert(sasl_mechanisms(NULL) == m);
}
END_TEST

static const char *choose(const char *const *offered, size_t n, unsigned have)
{
	const struct sasl_mech_info *m = sasl_choose(offered, n, have);
	return m ? m->name : "(none)";
}

START_TEST(test_choose)
{
	static const char *const dovecot[] = {
		"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256",
		"SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS",
	};
	static const char *const oauth[] = { "XOAUTH2", "PLAIN", "OAUTHBEARER" };
	static const char *const gmail[] = { "XOAUTH2", "PLAIN", "PLAIN-CLIENTTOKEN" };
	static const char *const ext[] = { "PLAIN", "EXTERNAL", "ANONYMOUS" };
	static const char *const anon[] = { "ANONYMOUS" };
	static const char *const unknown[] = { "GSSAPI", "NTLM", "DIGEST-MD5" };
	static const char *const sha1[] = { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "LOGIN" };
	static const char *const lower[] = { "login", "cram-md5" };
	const unsigned pw = SASL_NEEDS_PASSWORD, cb = SASL_NEEDS_CHANNEL_BINDING;

	ck_assert_str_eq(choose(dovecot, 7, pw), "SCRAM-SHA-256");
	ck_assert_str_eq(choose(dovecot, 7, pw | cb), "SCRAM-SHA-256-PLUS");
	ck_assert_str_eq(choose(dovecot, 7, cb), "(none)");
	ck_assert_str_eq(choose(dovecot, 7, 0), "(none)");
	ck_assert_str_eq(choose(dovecot, 3, pw | cb), "CRAM-MD5");
	ck_assert_str_eq(choose(dovecot, 2, pw), "PLAIN");
	ck_assert_str_eq(choose(sha1, 3, pw | cb), "SCRAM-SHA-1-PLUS");
	ck_assert_str_eq(choose(sha1, 3, pw), "SCRAM-SHA-1");
	ck_assert_str_eq(choose(oauth, 3, SASL_NEEDS_TOKEN), "OAUTHBEARER");
	ck_assert_str_eq(choose(oauth, 3, SASL_NEEDS_TOKEN | pw), "OAUTHBEARER");
	ck_assert_str_eq(choose(oauth, 3, pw), "PLAIN");
	ck_assert_str_eq(choose(gmail, 3, SASL_NEEDS_TOKEN), "XOAUTH2");
	ck_assert_str_eq(choose(ext, 3, SASL_NEEDS_CLIENT_CERT | pw), "EXTERNAL");
	ck_assert_str_eq(choose(ext, 3, pw), "PLAIN");
	/* ANONYMOUS needs nothing, yet is never chosen: it must be asked for */
	ck_assert_str_eq(choose(ext, 3, 0), "(none)");
	ck_assert_str_eq(choose(anon, 1, ~0u), "(none)");
	ck_assert_str_eq(choose(unknown, 3, ~0u), "(none)");
	ck_assert_str_eq(choose(lower, 2, pw), "CRAM-MD5");
	ck_assert_str_eq(choose(NULL, 0, ~0u), "(none)");
}
END_TEST

/* ---- sasl_client_new errors ------------------------------------------------- */

START_TEST(test_new_errors)
{
	struct sasl_params p;

	memset(&p, 0, sizeof(p));
	expect_new_error("FOO", &p, "SASL mechanism FOO is not built in");
	expect_new_error("GSSAPI", &p, "SASL mechanism GSSAPI is not built in");
	expect_new_error("PLAIN", NULL, "PLAIN needs a user name");

	p.user = "tim";
	expect_new_error("SCRAM-SHA-256", &p, "SCRAM-SHA-256 needs a password");
	expect_new_error("PLAIN", &p, "PLAIN needs a password");
	expect_new_error("LOGIN", &p, "LOGIN needs a password");
	expect_new_error("CRAM-MD5", &p, "CRAM-MD5 needs a password");
	expect_new_error("XOAUTH2", &p, "XOAUTH2 needs an OAuth token (IMAPSH_TOKEN)");
	expect_new_error("OAUTHBEARER", &p, "OAUTHBEARER needs an OAuth token (IMAPSH_TOKEN)");

	p.password = "pw";
	expect_new_error("SCRAM-SHA-256-PLUS", &p,
			 "SCRAM-SHA-256-PLUS needs TLS channel binding (connect with --ssl or --starttls)");
	expect_new_error("scram-sha-1-plus", &p,
			 "SCRAM-SHA-1-PLUS needs TLS channel binding (connect with --ssl or --starttls)");
	p.cb_type = "tls-server-end-point";
	p.cb_data = "0123456789abcdef0123456789abcdef";
	p.cb_len = 32;
	expect_new_error("SCRAM-SHA-256-PLUS", &p, "SCRAM-SHA-256-PLUS: unknown channel binding "
			 "type \"tls-server-end-point\" (tls-exporter or tls-unique)");

	memset(&p, 0, sizeof(p));
	p.password = "pw";
	expect_new_error("PLAIN", &p, "PLAIN needs a user name");
	expect_new_error("SCRAM-SHA-1", &p, "SCRAM-SHA-1 needs a user name");
	p.token = "tok";
	expect_new_error("XOAUTH2", &p, "XOAUTH2 needs a user name");
	p.user = "a\x01" "b";
	expect_new_error("XOAUTH2", &p, "XOAUTH2: the user name, host or token contains a "
			 "control character (^A)");

	/* nothing needed: EXTERNAL, ANONYMOUS; OAUTHBEARER without a user */
	memset(&p, 0, sizeof(p));
	sasl_client_free(new_client("EXTERNAL", &p));
	sasl_client_free(new_client("anonymous", &p));
	p.token = "tok";
	sasl_client_free(new_client("OAUTHBEARER", &p));
	sasl_client_free(NULL);
}
END_TEST

/* ---- simple mechanisms: golden bytes ------------------------------------------ */

START_TEST(test_plain)
{
	struct sasl_params p = { .user = "tim", .password = "tanstaaftanstaaf" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client("PLAIN", &p);

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "\0tim\0tanstaaftanstaaf");
	/* done: a further "+" gets 1 and nothing */
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "", &out, &err), 1);
	ck_assert_uint_eq(out.len, 0);
	/* twice is a caller bug */
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), -1);
	ck_assert_str_eq(err.msg, "PLAIN: the initial response was already made");
	ck_assert(!sasl_client_server_verified(c));
	sasl_client_free(c);

	/* with an authzid, and without SASL-IR: the first (empty) "+" asks */
	p.authzid = "admin";
	c = new_client("plain", &p);
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 0);
	ASSERT_BYTES(&out, "admin\0tim\0tanstaaftanstaaf");
	buf_reset(&out);
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 1);
	sasl_client_free(c);

	/* RFC 4616 sec. 4 example; appends after what out holds */
	p.authzid = NULL;
	p.user = "tim";
	p.password = "tanstaaftanstaaf";
	c = new_client("PLAIN", &p);
	buf_reset(&out);
	buf_adds(&out, ">");
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, ">\0tim\0tanstaaftanstaaf");
	sasl_client_free(c);
	buf_release(&out);
}
END_TEST

START_TEST(test_login)
{
	struct sasl_params p = { .user = "tim", .password = "secret word" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client("LOGIN", &p);

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 1);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(step_s(c, "Username:", &out, &err), 0);
	ASSERT_BYTES(&out, "tim");
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "Password:", &out, &err), 0);
	ASSERT_BYTES(&out, "secret word");
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "Password:", &out, &err), 1);
	ck_assert_uint_eq(out.len, 0);
	sasl_client_free(c);

	/* any prompts: first the user, then the password */
	c = new_client("LOGIN", &p);
	ck_assert_int_eq(step_s(c, "User Name", &out, &err), 0);
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 0);
	ASSERT_BYTES(&out, "timsecret word");
	sasl_client_free(c);
	buf_release(&out);
}
END_TEST

START_TEST(test_cram_md5)
{
	/* RFC 2195 sec. 2 example */
	struct sasl_params p = { .user = "tim", .password = "tanstaaftanstaaf" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client("CRAM-MD5", &p);

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 1);
	ck_assert_int_eq(step_s(c, "<1896.697170952@postoffice.reston.mci.net>", &out, &err), 0);
	ASSERT_BYTES(&out, "tim b913a602c7eda7a495b4e6e7334d3890");
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "<again@example>", &out, &err), 1);
	ck_assert_uint_eq(out.len, 0);
	sasl_client_free(c);

	/* another challenge (value from Python's hmac module) */
	c = new_client("CRAM-MD5", &p);
	ck_assert_int_eq(step_s(c, "<1896.697170952@postoffice.reston.mci.com>", &out, &err), 0);
	ASSERT_BYTES(&out, "tim da8568ed2db4dbfaeec1cc52bd269ccf");
	buf_reset(&out);
	sasl_client_free(c);

	c = new_client("CRAM-MD5", &p);
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), -1);
	ck_assert_str_eq(err.msg, "the server's CRAM-MD5 challenge is empty");
	/* a failed exchange stays failed */
	ck_assert_int_eq(step_s(c, "<1@x>", &out, &err), -1);
	ck_assert_str_eq(err.msg, "CRAM-MD5: the exchange has already failed");
	ck_assert_uint_eq(out.len, 0);
	sasl_client_free(c);
	buf_release(&out);
}
END_TEST

START_TEST(test_xoauth2)
{
	/* Google's XOAUTH2 documentation example */
	struct sasl_params p = { .user = "someuser@example.com",
				 .token = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client("XOAUTH2", &p);

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "user=someuser@example.com\x01"
		     "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
	/* the error challenge gets an empty response, so the server ends with NO */
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "{\"status\":\"401\",\"schemes\":\"bearer\","
				"\"scope\":\"https://mail.google.com/\"}", &out, &err), 0);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_int_eq(step_s(c, "{}", &out, &err), 1);
	sasl_client_free(c);

	/* without SASL-IR */
	c = new_client("XOAUTH2", &p);
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 0);
	ASSERT_BYTES(&out, "user=someuser@example.com\x01"
		     "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg\x01\x01");
	sasl_client_free(c);
	buf_release(&out);
}
END_TEST

START_TEST(test_oauthbearer)
{
	/* RFC 7628 sec. 4.1 example */
	struct sasl_params p = { .user = "user@example.com", .host = "server.example.com",
				 .port = 143, .token = "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client("OAUTHBEARER", &p);

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01"
		     "auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01");
	/* RFC 7628 sec. 3.2.3: the error challenge is answered with ^A */
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "{\"status\":\"invalid_token\"}", &out, &err), 0);
	ASSERT_BYTES(&out, "\x01");
	buf_reset(&out);
	ck_assert_int_eq(step_s(c, "{}", &out, &err), 1);
	ck_assert_uint_eq(out.len, 0);
	sasl_client_free(c);

	/* no user, host or port; a saslname with "," and "=" escaped */
	memset(&p, 0, sizeof(p));
	p.token = "T";
	c = new_client("OAUTHBEARER", &p);
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "n,,\x01" "auth=Bearer T\x01\x01");
	sasl_client_free(c);
	buf_reset(&out);
	p.user = "a,b=c";
	p.port = 993;
	c = new_client("OAUTHBEARER", &p);
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "n,a=a=2Cb=3Dc,\x01port=993\x01" "auth=Bearer T\x01\x01");
	sasl_client_free(c);
	buf_release(&out);
}
END_TEST

START_TEST(test_external_anonymous)
{
	struct sasl_params p;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c;

	memset(&p, 0, sizeof(p));
	c = new_client("EXTERNAL", &p);
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ck_assert_uint_eq(out.len, 0); /* empty: sent as "=" */
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 1);
	sasl_client_free(c);

	p.authzid = "bob@example.org";
	c = new_client("EXTERNAL", &p);
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 0);
	ASSERT_BYTES(&out, "bob@example.org");
	sasl_client_free(c);

	memset(&p, 0, sizeof(p));
	buf_reset(&out);
	c = new_client("ANONYMOUS", &p);
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "imapsh");
	sasl_client_free(c);

	p.anonymous_trace = "sirhc";
	buf_reset(&out);
	c = new_client("ANONYMOUS", &p);
	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ASSERT_BYTES(&out, "sirhc");
	ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 1);
	sasl_client_free(c);
	buf_release(&out);
}
END_TEST

/* ---- SCRAM arithmetic of our own, checked against the RFC examples -------------- */

struct scram_alg {
	gnutls_mac_algorithm_t mac;
	gnutls_digest_algorithm_t dig;
	size_t len;
};

static const struct scram_alg sha1 = { GNUTLS_MAC_SHA1, GNUTLS_DIG_SHA1, 20 };
static const struct scram_alg sha256 = { GNUTLS_MAC_SHA256, GNUTLS_DIG_SHA256, 32 };

/*
 * RFC 5802 sec. 3: ClientProof and ServerSignature (base64, into proof and
 * sig) for a password, base64 salt, iteration count and AuthMessage.
 */
static void scram_compute(const struct scram_alg *a, const char *password, const char *salt64,
			  unsigned iter, const char *authmsg, struct buf *proof, struct buf *sig)
{
	unsigned char salted[32], ckey[32], stored[32], csig[32], skey[32], ssig[32];
	struct buf salt = BUF_INIT;
	gnutls_datum_t key = { (unsigned char *)password, (unsigned)strlen(password) };
	gnutls_datum_t sd;

	ck_assert_int_eq(base64_decode(salt64, strlen(salt64), &salt), 0);
	sd.data = (unsigned char *)salt.buf;
	sd.size = (unsigned)salt.len;
	ck_assert_int_eq(gnutls_pbkdf2(a->mac, &key, &sd, iter, salted, a->len), 0);
	ck_assert_int_eq(gnutls_hmac_fast(a->mac, salted, a->len, "Client Key", 10, ckey), 0);
	ck_assert_int_eq(gnutls_hash_fast(a->dig, ckey, a->len, stored), 0);
	ck_assert_int_eq(gnutls_hmac_fast(a->mac, stored, a->len, authmsg, strlen(authmsg), csig),
			 0);
	for (size_t i = 0; i < a->len; i++)
		ckey[i] ^= csig[i];
	ck_assert_int_eq(gnutls_hmac_fast(a->mac, salted, a->len, "Server Key", 10, skey), 0);
	ck_assert_int_eq(gnutls_hmac_fast(a->mac, skey, a->len, authmsg, strlen(authmsg), ssig), 0);
	base64_encode(ckey, a->len, proof);
	base64_encode(ssig, a->len, sig);
	buf_release(&salt);
}

START_TEST(test_scram_rfc_vectors)
{
	struct buf proof = BUF_INIT, sig = BUF_INIT;

	/* RFC 5802 sec. 5 */
	scram_compute(&sha1, "pencil", "QSXCR+Q6sek8bf92", 4096,
		      "n=user,r=fyko+d2lbbFgONRv9qkxdawL,"
		      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,"
		      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j", &proof, &sig);
	ck_assert_str_eq(proof.buf, "v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
	ck_assert_str_eq(sig.buf, "rmF9pqV8S7suAoZWja4dJRkFsKQ=");
	buf_reset(&proof);
	buf_reset(&sig);
	/* RFC 7677 sec. 3 */
	scram_compute(&sha256, "pencil", "W22ZaJ0SNY7soEsUEjb6gQ==", 4096,
		      "n=user,r=rOprNGfwEbeRWgbNEkqO,"
		      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
		      "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
		      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", &proof, &sig);
	ck_assert_str_eq(proof.buf, "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
	ck_assert_str_eq(sig.buf, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
	buf_release(&proof);
	buf_release(&sig);
}
END_TEST

/*
 * The RFC example exchange with the client's random nonce in place of
 * "fyko+d2lbbFgONRv9qkxdawL" (GNU SASL has no way to fix it): the server
 * side is the arithmetic checked above, with the RFC's salt, iteration
 * count and server nonce.  server_password is what the server believes;
 * a wrong one is a server that does not know the password.
 */
static void rfc_exchange(const char *mech, const struct scram_alg *a, const char *salt64,
			 const char *snonce, const char *server_password, bool expect_ok)
{
	struct sasl_params p = { .user = "user", .password = "pencil" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT, sfirst = BUF_INIT, want = BUF_INIT, authmsg = BUF_INIT;
	struct buf proof = BUF_INIT, sig = BUF_INIT, badproof = BUF_INIT, sfinal = BUF_INIT;
	struct sasl_client *c = new_client(mech, &p);
	const char *cnonce;

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ck_assert_msg(!strncmp(out.buf, "n,,n=user,r=", 12), "client-first: %s", out.buf);
	cnonce = out.buf + 12;
	ck_assert_uint_ge(strlen(cnonce), 16);
	ck_assert_ptr_null(strchr(cnonce, ','));
	buf_addf(&sfirst, "r=%s%s,s=%s,i=4096", cnonce, snonce, salt64);
	buf_addf(&authmsg, "n=user,r=%s,%s,c=biws,r=%s%s", cnonce, sfirst.buf, cnonce, snonce);
	scram_compute(a, "pencil", salt64, 4096, authmsg.buf, &proof, &sig);
	scram_compute(a, server_password, salt64, 4096, authmsg.buf, &badproof, &sfinal);
	buf_addf(&want, "c=biws,r=%s%s,p=%s", cnonce, snonce, proof.buf);

	buf_reset(&out);
	ck_assert_int_eq(sasl_client_step(c, sfirst.buf, sfirst.len, &out, &err), 0);
	ck_assert_str_eq(out.buf, want.buf);
	ck_assert(!sasl_client_server_verified(c));

	buf_reset(&sfirst);
	buf_addf(&sfirst, "v=%s", sfinal.buf);
	buf_reset(&out);
	if (expect_ok) {
		ck_assert_int_eq(sasl_client_step(c, sfirst.buf, sfirst.len, &out, &err), 0);
		ck_assert_uint_eq(out.len, 0);
		ck_assert(sasl_client_server_verified(c));
		ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 1);
	} else {
		ck_assert_int_eq(sasl_client_step(c, sfirst.buf, sfirst.len, &out, &err), -1);
		ck_assert_str_eq(err.msg, "the server's SCRAM signature does not match: it does "
				 "not know your password (possible man in the middle)");
		ck_assert_uint_eq(out.len, 0);
		ck_assert(!sasl_client_server_verified(c));
	}
	sasl_client_free(c);
	buf_release(&out);
	buf_release(&sfirst);
	buf_release(&want);
	buf_release(&authmsg);
	buf_release(&proof);
	buf_release(&sig);
	buf_release(&badproof);
	buf_release(&sfinal);
}

START_TEST(test_scram_sha1_rfc5802_exchange)
{
	rfc_exchange("SCRAM-SHA-1", &sha1, "QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j", "pencil", true);
}
END_TEST

START_TEST(test_scram_sha256_rfc7677_exchange)
{
	rfc_exchange("SCRAM-SHA-256", &sha256, "W22ZaJ0SNY7soEsUEjb6gQ==",
		     "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0", "pencil", true);
}
END_TEST

START_TEST(test_scram_server_without_password)
{
	/* a man in the middle answers with a signature from another password */
	rfc_exchange("SCRAM-SHA-1", &sha1, "QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j", "pencil2",
		     false);
	rfc_exchange("SCRAM-SHA-256", &sha256, "W22ZaJ0SNY7soEsUEjb6gQ==", "xyz", "", false);
}
END_TEST

/* ---- SCRAM against GNU SASL's server side ----------------------------------- */

struct server_cfg {
	const char *user;            /* the only user the server knows */
	const char *password;
	const char *cb_exporter;     /* raw channel binding data the server sees, or NULL */
	const char *cb_unique;
	bool tamper;                 /* flip a byte of the server signature */
	bool no_ir;                  /* client-first after an empty "+" */
	const char *force_c;         /* put this c= in the client-final message */
};

struct run {
	int stage;          /* 1: server refused client-first; 2: client refused
			       server-first; 3: server refused client-final; 4: got
			       to the client's last step */
	int server_rc;
	int client_rc;      /* the client's last step */
	bool verified;
	char client_first[256];
	char client_final[256];
	char authid[64], authzid[64];
	char msg[512];
};

static int server_callback(Gsasl *ctx, Gsasl_session *sctx, Gsasl_property prop)
{
	const struct server_cfg *cfg = gsasl_session_hook_get(sctx);
	const char *authid = gsasl_property_fast(sctx, GSASL_AUTHID);
	const char *data = NULL;
	struct buf b64 = BUF_INIT;
	int rc;

	(void)ctx;
	switch (prop) {
	case GSASL_PASSWORD:
		if (!authid || strcmp(authid, cfg->user))
			return GSASL_NO_CALLBACK;
		return gsasl_property_set(sctx, GSASL_PASSWORD, cfg->password);
	case GSASL_CB_TLS_EXPORTER:
		data = cfg->cb_exporter;
		break;
	case GSASL_CB_TLS_UNIQUE:
		data = cfg->cb_unique;
		break;
	default:
		return GSASL_NO_CALLBACK;
	}
	if (!data)
		return GSASL_NO_CALLBACK;
	base64_encode(data, strlen(data), &b64);
	rc = gsasl_property_set(sctx, prop, b64.buf);
	buf_release(&b64);
	return rc;
}

static void copy_str(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* One AUTHENTICATE exchange between our client and GNU SASL's server. */
static void run_gsasl(const char *mech, const char *server_mech, const struct sasl_params *p,
		      const struct server_cfg *cfg, struct run *r)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client(mech, p);
	Gsasl *ctx;
	Gsasl_session *ss;
	char *sout = NULL;
	size_t slen = 0;
	const char *s;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(gsasl_init(&ctx), GSASL_OK);
	gsasl_callback_set(ctx, server_callback);
	ck_assert_int_eq(gsasl_server_start(ctx, server_mech, &ss), GSASL_OK);
	gsasl_session_hook_set(ss, (void *)cfg);

	if (cfg->no_ir)
		ck_assert_int_eq(sasl_client_step(c, "", 0, &out, &err), 0);
	else
		ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	copy_str(r->client_first, sizeof(r->client_first), out.buf, out.len);

	r->stage = 1;
	r->server_rc = gsasl_step(ss, out.buf, out.len, &sout, &slen);
	if (r->server_rc != GSASL_NEEDS_MORE)
		goto done;

	r->stage = 2;
	buf_reset(&out);
	r->client_rc = sasl_client_step(c, sout, slen, &out, &err);
	gsasl_free(sout);
	sout = NULL;
	if (r->client_rc != 0)
		goto done;

	copy_str(r->client_final, sizeof(r->client_final), out.buf, out.len);
	if (cfg->force_c) {
		/* a man in the middle changes the gs2 header the proof covers */
		struct buf forged = BUF_INIT;
		const char *rest = memchr(out.buf, ',', out.len);
		ck_assert_ptr_nonnull(rest);
		buf_addf(&forged, "c=%s", cfg->force_c);
		buf_add(&forged, rest, out.len - (size_t)(rest - out.buf));
		buf_reset(&out);
		buf_add(&out, forged.buf, forged.len);
		buf_release(&forged);
	}

	r->stage = 3;
	r->server_rc = gsasl_step(ss, out.buf, out.len, &sout, &slen);
	if (r->server_rc != GSASL_OK)
		goto done;
	ck_assert_msg(slen > 2 && !memcmp(sout, "v=", 2), "server-final: %.*s", (int)slen, sout);
	if (cfg->tamper)
		sout[slen / 2] = sout[slen / 2] == 'A' ? 'B' : 'A';

	r->stage = 4;
	buf_reset(&out);
	r->client_rc = sasl_client_step(c, sout, slen, &out, &err);
	if (r->client_rc == 0)
		ck_assert_uint_eq(out.len, 0); /* the empty response to the last "+" */
done:
	if (r->client_rc < 0)
		copy_str(r->msg, sizeof(r->msg), err.msg, strlen(err.msg));
	r->verified = sasl_client_server_verified(c);
	if ((s = gsasl_property_fast(ss, GSASL_AUTHID)))
		copy_str(r->authid, sizeof(r->authid), s, strlen(s));
	if ((s = gsasl_property_fast(ss, GSASL_AUTHZID)))
		copy_str(r->authzid, sizeof(r->authzid), s, strlen(s));
	gsasl_free(sout);
	gsasl_finish(ss);
	gsasl_done(ctx);
	sasl_client_free(c);
	buf_release(&out);
}

#define MISMATCH "the server's SCRAM signature does not match: it does not know your " \
	"password (possible man in the middle)"

static void assert_success(const struct run *r)
{
	ck_assert_msg(r->stage == 4 && r->client_rc == 0,
		      "stage %d server %d client %d: %s", r->stage, r->server_rc, r->client_rc,
		      r->msg);
	ck_assert(r->verified);
}

static void gsasl_ok(const char *mech)
{
	struct sasl_params p = { .user = "user", .password = "pencil" };
	struct server_cfg cfg = { .user = "user", .password = "pencil" };
	struct run r;

	run_gsasl(mech, mech, &p, &cfg, &r);
	assert_success(&r);
	ck_assert_str_eq(r.authid, "user");
	ck_assert_str_eq(r.authzid, "");
	ck_assert_msg(!strncmp(r.client_first, "n,,n=user,r=", 12), "%s", r.client_first);

	cfg.no_ir = true;
	p.authzid = "admin";
	run_gsasl(mech, mech, &p, &cfg, &r);
	assert_success(&r);
	ck_assert_str_eq(r.authzid, "admin");
	ck_assert_msg(!strncmp(r.client_first, "n,a=admin,n=user,r=", 19), "%s", r.client_first);
}

START_TEST(test_gsasl_scram_sha1)
{
	gsasl_ok("SCRAM-SHA-1");
}
END_TEST

START_TEST(test_gsasl_scram_sha256)
{
	gsasl_ok("SCRAM-SHA-256");
}
END_TEST

START_TEST(test_gsasl_wrong_password)
{
	struct sasl_params p = { .user = "user", .password = "pencil" };
	struct server_cfg cfg = { .user = "user", .password = "crayon" };
	struct run r;

	run_gsasl("SCRAM-SHA-256", "SCRAM-SHA-256", &p, &cfg, &r);
	ck_assert_int_eq(r.stage, 3);
	ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
	ck_assert(!r.verified);
	run_gsasl("SCRAM-SHA-1", "SCRAM-SHA-1", &p, &cfg, &r);
	ck_assert_int_eq(r.stage, 3);
	ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
	ck_assert(!r.verified);
}
END_TEST

START_TEST(test_gsasl_tampered_final)
{
	struct sasl_params p = { .user = "user", .password = "pencil" };
	struct server_cfg cfg = { .user = "user", .password = "pencil", .tamper = true };
	struct run r;

	run_gsasl("SCRAM-SHA-256", "SCRAM-SHA-256", &p, &cfg, &r);
	ck_assert_int_eq(r.stage, 4);
	ck_assert_int_eq(r.client_rc, -1);
	ck_assert_str_eq(r.msg, MISMATCH);
	ck_assert(!r.verified);
	run_gsasl("SCRAM-SHA-1", "SCRAM-SHA-1", &p, &cfg, &r);
	ck_assert_int_eq(r.client_rc, -1);
	ck_assert_str_eq(r.msg, MISMATCH);
	ck_assert(!r.verified);
}
END_TEST

START_TEST(test_gsasl_saslprep)
{
	/* RFC 4013 sec. 3: "I<U+00AD>X" prepares to "IX"; a user name with "," */
	struct sasl_params p = { .user = "a,b", .password = "I\xc2\xadX" };
	struct server_cfg cfg = { .user = "a,b", .password = "IX" };
	struct run r;

	run_gsasl("SCRAM-SHA-256", "SCRAM-SHA-256", &p, &cfg, &r);
	assert_success(&r);
	ck_assert_str_eq(r.authid, "a,b");
	ck_assert_msg(!strncmp(r.client_first, "n,,n=a=2Cb,r=", 13), "%s", r.client_first);
}
END_TEST

#define CB32 "0123456789abcdef0123456789ABCDEF"

START_TEST(test_gsasl_plus_exporter)
{
	struct sasl_params p = { .user = "user", .password = "pencil", .cb_type = "tls-exporter",
				 .cb_data = CB32, .cb_len = 32 };
	struct server_cfg cfg = { .user = "user", .password = "pencil", .cb_exporter = CB32 };
	struct run r;

	run_gsasl("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256-PLUS", &p, &cfg, &r);
	assert_success(&r);
	ck_assert_msg(!strncmp(r.client_first, "p=tls-exporter,,n=user,r=", 25), "%s",
		      r.client_first);
	run_gsasl("SCRAM-SHA-1-PLUS", "SCRAM-SHA-1-PLUS", &p, &cfg, &r);
	assert_success(&r);

	/* the server sees other channel binding data: a man in the middle */
	cfg.cb_exporter = "0123456789abcdef0123456789ABCDEX";
	run_gsasl("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256-PLUS", &p, &cfg, &r);
	ck_assert_int_eq(r.stage, 3);
	ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
	ck_assert(!r.verified);

	/* the default type is tls-exporter */
	p.cb_type = NULL;
	cfg.cb_exporter = CB32;
	cfg.tamper = true;
	run_gsasl("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256-PLUS", &p, &cfg, &r);
	ck_assert_msg(!strncmp(r.client_first, "p=tls-exporter,,", 16), "%s", r.client_first);
	ck_assert_int_eq(r.stage, 4);
	ck_assert_int_eq(r.client_rc, -1);
	ck_assert_str_eq(r.msg, MISMATCH);
}
END_TEST

START_TEST(test_gsasl_plus_unique)
{
	struct sasl_params p = { .user = "user", .password = "pencil", .cb_type = "tls-unique",
				 .cb_data = "0123456789ab", .cb_len = 12 };
	struct server_cfg cfg = { .user = "user", .password = "pencil",
				  .cb_unique = "0123456789ab" };
	struct run r;

	run_gsasl("SCRAM-SHA-1-PLUS", "SCRAM-SHA-1-PLUS", &p, &cfg, &r);
	assert_success(&r);
	ck_assert_msg(!strncmp(r.client_first, "p=tls-unique,,n=user,r=", 23), "%s",
		      r.client_first);
	cfg.cb_unique = "0123456789aX";
	run_gsasl("SCRAM-SHA-1-PLUS", "SCRAM-SHA-1-PLUS", &p, &cfg, &r);
	ck_assert_int_eq(r.stage, 3);
	ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
}
END_TEST

START_TEST(test_gsasl_no_binding)
{
	/* plain SCRAM never binds, even with the data at hand: "n" */
	struct sasl_params p = { .user = "user", .password = "pencil", .cb_type = "tls-exporter",
				 .cb_data = CB32, .cb_len = 32 };
	struct server_cfg cfg = { .user = "user", .password = "pencil" };
	struct run r;

	run_gsasl("SCRAM-SHA-256", "SCRAM-SHA-256", &p, &cfg, &r);
	assert_success(&r);
	ck_assert_msg(!strncmp(r.client_first, "n,,n=user,r=", 12), "%s", r.client_first);
	cfg.cb_exporter = CB32;
	run_gsasl("SCRAM-SHA-1", "SCRAM-SHA-1", &p, &cfg, &r);
	assert_success(&r);
	ck_assert_msg(!strncmp(r.client_first, "n,,n=user,r=", 12), "%s", r.client_first);

	/* a -PLUS server refuses a client that does not bind */
	run_gsasl("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", &p, &cfg, &r);
	ck_assert_int_eq(r.stage, 1);
	ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
	ck_assert(!r.verified);
}
END_TEST

/*
 * RFC 5802 sec. 6: a client that could bind but sees no -PLUS sends the
 * gs2 flag "y", and the client-final c= is the base64 of that header
 * ("eSws" for "y,,"), which the proof covers.  GNU SASL's server checks
 * both: its success means it saw "y" and a proof over it.
 */
START_TEST(test_gsasl_flag_y)
{
	static const struct {
		const char *mech;
		const char *authzid;
		const char *first;  /* client-first starts so */
		const char *final;  /* client-final starts so */
	} cases[] = {
		{ "SCRAM-SHA-256", NULL, "y,,n=user,r=", "c=eSws,r=" },
		{ "SCRAM-SHA-1", NULL, "y,,n=user,r=", "c=eSws,r=" },
		{ "SCRAM-SHA-256", "admin", "y,a=admin,n=user,r=", "c=eSxhPWFkbWluLA==,r=" },
		{ "SCRAM-SHA-1", "admin", "y,a=admin,n=user,r=", "c=eSxhPWFkbWluLA==,r=" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sasl_params p = { .user = "user", .password = "pencil",
					 .authzid = cases[i].authzid, .cb_possible = true };
		struct server_cfg cfg = { .user = "user", .password = "pencil" };
		struct run r;

		run_gsasl(cases[i].mech, cases[i].mech, &p, &cfg, &r);
		assert_success(&r);
		ck_assert_msg(!strncmp(r.client_first, cases[i].first, strlen(cases[i].first)),
			      "case %zu: %s", i, r.client_first);
		ck_assert_msg(!strncmp(r.client_final, cases[i].final, strlen(cases[i].final)),
			      "case %zu: %s", i, r.client_final);
		ck_assert_str_eq(r.authzid, cases[i].authzid ? cases[i].authzid : "");

		/* the server checks c= against the "y" it saw */
		cfg.force_c = "biws";
		run_gsasl(cases[i].mech, cases[i].mech, &p, &cfg, &r);
		ck_assert_int_eq(r.stage, 3);
		ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);

		/* our own signature check is the only one in a "y" exchange */
		cfg.force_c = NULL;
		cfg.tamper = true;
		run_gsasl(cases[i].mech, cases[i].mech, &p, &cfg, &r);
		ck_assert_int_eq(r.stage, 4);
		ck_assert_int_eq(r.client_rc, -1);
		ck_assert_str_eq(r.msg, MISMATCH);
		ck_assert(!r.verified);

		/* a wrong password is still one */
		cfg.tamper = false;
		cfg.password = "crayon";
		run_gsasl(cases[i].mech, cases[i].mech, &p, &cfg, &r);
		ck_assert_int_eq(r.stage, 3);
		ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
	}
}
END_TEST

/* "y" is for plain SCRAM only: -PLUS binds ("p=") whatever cb_possible says. */
START_TEST(test_gsasl_flag_y_plus)
{
	struct sasl_params p = { .user = "user", .password = "pencil", .cb_type = "tls-exporter",
				 .cb_data = CB32, .cb_len = 32, .cb_possible = true };
	struct server_cfg cfg = { .user = "user", .password = "pencil", .cb_exporter = CB32 };
	struct run r;

	run_gsasl("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256-PLUS", &p, &cfg, &r);
	assert_success(&r);
	ck_assert_msg(!strncmp(r.client_first, "p=tls-exporter,,n=user,r=", 25), "%s",
		      r.client_first);

	/* a server that binds (it offers -PLUS) refuses a "y" client: the
	 * downgrade is seen */
	run_gsasl("SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", &p, &cfg, &r);
	ck_assert_msg(!strncmp(r.client_first, "y,,", 3), "%s", r.client_first);
	ck_assert_int_eq(r.stage, 1);
	ck_assert_int_eq(r.server_rc, GSASL_AUTHENTICATION_ERROR);
}
END_TEST

/* ---- hostile SCRAM servers -------------------------------------------------- */

/* A SCRAM-SHA-1 client after its first message; *cnonce_r its nonce. */
static struct sasl_client *scram_started(struct buf *cnonce)
{
	struct sasl_params p = { .user = "user", .password = "pencil" };
	struct imap_err err = IMAP_ERR_INIT;
	struct buf out = BUF_INIT;
	struct sasl_client *c = new_client("SCRAM-SHA-1", &p);

	ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
	ck_assert_msg(!strncmp(out.buf, "n,,n=user,r=", 12), "%s", out.buf);
	buf_adds(cnonce, out.buf + 12);
	buf_release(&out);
	return c;
}

/*
 * The client's answer to a server-first message ("r=" our nonce, then rest;
 * or rest alone) must be -1 with msg, or with the "malformed" message
 * quoting it when msg is NULL.
 */
static void hostile_first(bool nonce, const char *rest, const char *msg)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf cnonce = BUF_INIT, sf = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
	struct sasl_client *c = scram_started(&cnonce);

	if (nonce)
		buf_addf(&sf, "r=%s", cnonce.buf);
	buf_adds(&sf, rest);
	ck_assert_int_eq(sasl_client_step(c, sf.buf, sf.len, &out, &err), -1);
	ck_assert_uint_eq(out.len, 0);
	if (msg)
		buf_adds(&want, msg);
	else
		buf_addf(&want, "SCRAM-SHA-1: malformed server-first message: \"%s\"", sf.buf);
	ck_assert_str_eq(err.msg, want.buf);
	ck_assert(!sasl_client_server_verified(c));
	sasl_client_free(c);
	buf_release(&cnonce);
	buf_release(&sf);
	buf_release(&out);
	buf_release(&want);
}

START_TEST(test_scram_hostile_first)
{
	/* billions of iterations would hang us: refused before any work */
	hostile_first(true, "xyz,s=QSXCR+Q6sek8bf92,i=4294967296",
		      "SCRAM-SHA-1: the server asks for 4294967296 iterations (4096 to 10000000 "
		      "allowed); refusing");
	hostile_first(true, "xyz,s=QSXCR+Q6sek8bf92,i=99999999999999999999999999999999",
		      "SCRAM-SHA-1: the server asks for 999999999999999999999999 iterations "
		      "(4096 to 10000000 allowed); refusing");
	hostile_first(true, "xyz,s=QSXCR+Q6sek8bf92,i=0",
		      "SCRAM-SHA-1: the server asks for only 0 iterations, fewer than the 4096 "
		      "that RFC 5802 section 5.1 and RFC 7677 section 4 call for (a weak password "
		      "hash); refusing");
	hostile_first(true, "xyz,s=QSXCR+Q6sek8bf92,i=-1", NULL);
	hostile_first(true, "xyz,s=QSXCR+Q6sek8bf92", NULL);
	hostile_first(true, "xyz,i=4096", NULL); /* no salt: GNU SASL's parser says so */
	/* the server's nonce must extend ours (a replayed exchange) */
	hostile_first(false, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
		      "SCRAM-SHA-1: the server's nonce does not extend ours: "
		      "\"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096\"");
	hostile_first(false, "e=unknown-user",
		      "SCRAM-SHA-1: the server refused the exchange: \"e=unknown-user\"");
}
END_TEST

/*
 * The iteration count: at least 4096 (RFC 5802 sec. 5.1, RFC 7677 sec. 4:
 * fewer make a stolen exchange cheap to brute-force), at most ten million.
 */
START_TEST(test_scram_iteration_limits)
{
	static const struct {
		const char *mech;
		const char *i;
		bool ok;
	} cases[] = {
		{ "SCRAM-SHA-1", "1", false },
		{ "SCRAM-SHA-1", "4095", false },
		{ "SCRAM-SHA-1", "04095", false },
		{ "SCRAM-SHA-1", "4096", true },
		{ "SCRAM-SHA-1", "4097", true },
		{ "SCRAM-SHA-256", "1", false },
		{ "SCRAM-SHA-256", "4095", false },
		{ "SCRAM-SHA-256", "4096", true },
		{ "SCRAM-SHA-256", "10000001", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sasl_params p = { .user = "user", .password = "pencil" };
		struct imap_err err = IMAP_ERR_INIT;
		struct buf out = BUF_INIT, sf = BUF_INIT, want = BUF_INIT;
		struct sasl_client *c = new_client(cases[i].mech, &p);
		int rc;

		ck_assert_int_eq(sasl_client_initial(c, &out, &err), 0);
		buf_addf(&sf, "r=%sxyz,s=QSXCR+Q6sek8bf92,i=%s", out.buf + 12, cases[i].i);
		buf_reset(&out);
		rc = sasl_client_step(c, sf.buf, sf.len, &out, &err);
		if (cases[i].ok) {
			ck_assert_msg(rc == 0, "case %zu: %s", i, err.msg);
			ck_assert_msg(!strncmp(out.buf, "c=biws,r=", 9), "case %zu: %s", i, out.buf);
		} else {
			ck_assert_msg(rc == -1, "case %zu: accepted", i);
			ck_assert_uint_eq(out.len, 0);
			if (strlen(cases[i].i) < 6)
				buf_addf(&want, "%s: the server asks for only %s iterations, fewer "
					 "than the 4096 that RFC 5802 section 5.1 and RFC 7677 section "
					 "4 call for (a weak password hash); refusing", cases[i].mech,
					 cases[i].i);
			else
				buf_addf(&want, "%s: the server asks for %s iterations (4096 to "
					 "10000000 allowed); refusing", cases[i].mech, cases[i].i);
			ck_assert_str_eq(err.msg, want.buf);
		}
		sasl_client_free(c);
		buf_release(&out);
		buf_release(&sf);
		buf_release(&want);
	}
}
END_TEST

/* After a correct server-first, the client must refuse this server-final. */
static void hostile_final(const char *sfinal, const char *msg)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf cnonce = BUF_INIT, sf = BUF_INIT, out = BUF_INIT;
	struct sasl_client *c = scram_started(&cnonce);

	buf_addf(&sf, "r=%sxyz,s=QSXCR+Q6sek8bf92,i=4096", cnonce.buf);
	ck_assert_int_eq(sasl_client_step(c, sf.buf, sf.len, &out, &err), 0);
	ck_assert_msg(!strncmp(out.buf, "c=biws,r=", 9), "%s", out.buf);
	buf_reset(&out);
	ck_assert_int_eq(sasl_client_step(c, sfinal, strlen(sfinal), &out, &err), -1);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_str_eq(err.msg, msg);
	ck_assert(!sasl_client_server_verified(c));
	sasl_client_free(c);
	buf_release(&cnonce);
	buf_release(&sf);
	buf_release(&out);
}

START_TEST(test_scram_hostile_final)
{
	hostile_final("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", MISMATCH);
	hostile_final("v=", MISMATCH);
	hostile_final("", MISMATCH);
	hostile_final("garbage", MISMATCH);
	hostile_final("e=invalid-proof",
		      "SCRAM-SHA-1: the server refused the exchange: \"e=invalid-proof\"");
}
END_TEST

/* ---- auth.c over TLS: which channel binding, which gs2 flag --------------------- */

/*
 * The IMAP server: one connection on fd, TLS with priority, greeting with
 * caps, then one AUTHENTICATE run by GNU SASL's server (user "user",
 * password "pencil"; when it binds, channel binding data from its own TLS
 * session).  The tagged result says what it saw: "OK ... done gs2=<the
 * client's gs2 header>" or "NO failed gs2=...".  Then OK to anything.
 */
struct imap_srv {
	const char *priority;
	const char *caps;
	bool binds;     /* it does channel binding (GNU SASL then refuses "y") */
	gnutls_session_t tls;
};

static int srv_callback(Gsasl *ctx, Gsasl_session *sctx, Gsasl_property prop)
{
	const struct imap_srv *cfg = gsasl_session_hook_get(sctx);
	gnutls_session_t tls = cfg->tls;
	const char *authid = gsasl_property_fast(sctx, GSASL_AUTHID);
	gnutls_datum_t cb = { NULL, 0 };
	struct buf b64 = BUF_INIT;
	int rc;

	(void)ctx;
	switch (prop) {
	case GSASL_PASSWORD:
		if (!authid || strcmp(authid, "user"))
			return GSASL_NO_CALLBACK;
		return gsasl_property_set(sctx, GSASL_PASSWORD, "pencil");
	case GSASL_CB_TLS_EXPORTER:
	case GSASL_CB_TLS_UNIQUE:
		if (!cfg->binds ||
		    gnutls_session_channel_binding(tls, prop == GSASL_CB_TLS_UNIQUE
							? GNUTLS_CB_TLS_UNIQUE
							: GNUTLS_CB_TLS_EXPORTER, &cb) < 0)
			return GSASL_NO_CALLBACK;
		base64_encode(cb.data, cb.size, &b64);
		gnutls_free(cb.data);
		rc = gsasl_property_set(sctx, prop, b64.buf);
		buf_release(&b64);
		return rc;
	default:
		return GSASL_NO_CALLBACK;
	}
}

/* Sends the pieces and CRLF as one line. */
static int srv_send(gnutls_session_t s, const char *a, const char *b, const char *c)
{
	struct buf line = BUF_INIT;
	ssize_t n;

	buf_adds(&line, a);
	buf_adds(&line, b);
	buf_adds(&line, c);
	buf_adds(&line, "\r\n");
	n = gnutls_record_send(s, line.buf, line.len);
	buf_release(&line);
	return n > 0 ? 0 : -1;
}

/* One line without its CRLF; -1 at EOF or on error. */
static int srv_line(gnutls_session_t s, struct buf *line)
{
	char ch;

	buf_reset(line);
	for (;;) {
		ssize_t n = gnutls_record_recv(s, &ch, 1);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			return -1;
		if (ch == '\n')
			break;
		if (ch != '\r')
			buf_addch(line, ch);
	}
	return 0;
}

/* A self-signed certificate for localhost (the client is insecure: what
 * matters here is the session, not who it is with). */
static void srv_cred(gnutls_certificate_credentials_t cred)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	unsigned char serial = 1;
	time_t now = time(NULL);

	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, &serial, 1) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 3600) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + 3600) < 0 ||
	    gnutls_x509_crt_set_dn(crt, "CN=localhost", NULL) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ||
	    gnutls_certificate_set_x509_key(cred, &crt, 1, key) < 0)
		_exit(3);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
}

static int imap_serve(int fd, struct imap_srv *cfg)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	Gsasl *ctx;
	Gsasl_session *ss = NULL;
	struct buf line = BUF_INIT, in = BUF_INIT, out64 = BUF_INIT, tag = BUF_INIT;
	char gs2[128] = "-", *sout = NULL, *sp;
	size_t slen = 0;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return 3;
	srv_cred(cred);
	if (gnutls_init(&s, GNUTLS_SERVER) < 0 ||
	    gnutls_priority_set_direct(s, cfg->priority, NULL) < 0 ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) < 0)
		return 3;
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, 5000);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0)
		return 2;
	if (srv_send(s, "* OK [CAPABILITY IMAP4rev1 SASL-IR ", cfg->caps, "] ready") < 0 ||
	    srv_line(s, &line) < 0)
		return 5;
	/* "TAG AUTHENTICATE MECH [IR]" */
	sp = strchr(line.buf, ' ');
	if (!sp || strncasecmp(sp + 1, "AUTHENTICATE ", 13))
		return 6;
	buf_add(&tag, line.buf, (size_t)(sp - line.buf));
	sp += 14;
	if (gsasl_init(&ctx) != GSASL_OK)
		return 3;
	gsasl_callback_set(ctx, srv_callback);
	{
		char mech[64];
		size_t n = strcspn(sp, " ");
		snprintf(mech, sizeof(mech), "%.*s", (int)n, sp);
		if (gsasl_server_start(ctx, mech, &ss) != GSASL_OK)
			return 3;
		sp += n;
	}
	cfg->tls = s;
	gsasl_session_hook_set(ss, cfg);
	if (*sp == ' ' && strcmp(sp + 1, "=") != 0) {
		if (base64_decode(sp + 1, strlen(sp + 1), &in) < 0)
			return 6;
	} else if (*sp != ' ') {
		if (srv_send(s, "+ ", "", "") < 0 || srv_line(s, &line) < 0 ||
		    base64_decode(line.buf, line.len, &in) < 0)
			return 5;
	}
	/* the gs2 header: up to the second comma of client-first */
	{
		const char *c1 = memchr(in.buf, ',', in.len);
		const char *c2 = c1 ? memchr(c1 + 1, ',', in.len - (size_t)(c1 + 1 - in.buf)) : NULL;
		if (c2)
			snprintf(gs2, sizeof(gs2), "%.*s", (int)(c2 + 1 - in.buf), in.buf);
	}
	for (;;) {
		rc = gsasl_step(ss, in.buf, in.len, &sout, &slen);
		buf_reset(&in);
		if (rc != GSASL_OK && rc != GSASL_NEEDS_MORE)
			break;
		if (rc == GSASL_OK && slen == 0)
			break;
		buf_reset(&out64);
		base64_encode(sout, slen, &out64);
		gsasl_free(sout);
		sout = NULL;
		if (srv_send(s, "+ ", out64.buf, "") < 0 || srv_line(s, &line) < 0)
			return 5;
		if (!strcmp(line.buf, "*")) {
			rc = GSASL_AUTHENTICATION_ERROR;
			break;
		}
		if (base64_decode(line.buf, line.len, &in) < 0)
			return 6;
		if (rc == GSASL_OK)
			break;
	}
	gsasl_free(sout);
	if (rc == GSASL_OK)
		srv_send(s, tag.buf, " OK [CAPABILITY IMAP4rev1] done gs2=", gs2);
	else
		srv_send(s, tag.buf, " NO failed gs2=", gs2);
	/* whatever comes next (a CAPABILITY, say): OK */
	while (srv_line(s, &line) == 0) {
		sp = strchr(line.buf, ' ');
		if (sp)
			*sp = '\0';
		if (sp && !strncasecmp(sp + 1, "CAPABILITY", 10))
			srv_send(s, "* CAPABILITY IMAP4rev1", "", "");
		srv_send(s, line.buf, " OK done", "");
	}
	gsasl_finish(ss);
	gsasl_done(ctx);
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	buf_release(&line);
	buf_release(&in);
	buf_release(&out64);
	buf_release(&tag);
	return 0;
}

/* Forks the server on a fresh port of 127.0.0.1; its pid, the port in port. */
static pid_t imap_srv_start(struct imap_srv *cfg, char *port, size_t portlen)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(port, portlen, "%u", ntohs(sa.sin_port));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd;
		alarm(10);
		fd = accept(lfd, NULL, NULL);
		_exit(fd < 0 ? 4 : imap_serve(fd, cfg));
	}
	close(lfd);
	return pid;
}

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define NO_EMS ":%NO_SESSION_HASH"
#define BOTH "AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-256-PLUS"
#define PLAIN_ONLY "AUTH=SCRAM-SHA-256"

START_TEST(test_auth_channel_binding)
{
	static const struct {
		const char *priority; /* the server's */
		const char *caps;
		bool binds;           /* the server does channel binding */
		const char *mech;     /* NULL: auth_choose's pick, which must be... */
		const char *chosen;
		const char *result;   /* the tagged result's text ("done": OK, "failed":
				       * NO), or auth_run's error */
	} cases[] = {
		/* TLS 1.3: tls-exporter */
		{ "NORMAL", BOTH, true, NULL, "SCRAM-SHA-256-PLUS", "done gs2=p=tls-exporter,," },
		/* we could bind, the server shows no -PLUS: "y" */
		{ "NORMAL", PLAIN_ONLY, false, NULL, "SCRAM-SHA-256", "done gs2=y,," },
		/* ... and when someone stripped -PLUS from a server that binds,
		 * "y" lets it see that (RFC 5802 sec. 6) */
		{ "NORMAL", PLAIN_ONLY, true, NULL, "SCRAM-SHA-256", "failed gs2=y,," },
		/* plain SCRAM asked for by name from a -PLUS server: "n" */
		{ "NORMAL", BOTH, true, "SCRAM-SHA-256", NULL, "done gs2=n,," },
		/* TLS 1.2 with the extended master secret: tls-unique */
		{ TLS12, BOTH, true, NULL, "SCRAM-SHA-256-PLUS", "done gs2=p=tls-unique,," },
		{ TLS12, PLAIN_ONLY, false, NULL, "SCRAM-SHA-256", "done gs2=y,," },
		/* TLS 1.2 without it: no binding, so no -PLUS, and "n" */
		{ TLS12 NO_EMS, BOTH, true, NULL, "SCRAM-SHA-256", "done gs2=n,," },
		{ TLS12 NO_EMS, PLAIN_ONLY, false, NULL, "SCRAM-SHA-256", "done gs2=n,," },
		{ TLS12 NO_EMS, BOTH, true, "SCRAM-SHA-256-PLUS", NULL,
		  "SCRAM-SHA-256-PLUS: channel binding tls-unique is unsafe on this connection: the "
		  "server did not negotiate the extended master secret (RFC 7627), so a man in the "
		  "middle could share it" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imap_srv cfg = { cases[i].priority, cases[i].caps, cases[i].binds, NULL };
		struct net_tls_opts o;
		struct session_hooks h;
		struct sasl_params p = { .user = "user", .password = "pencil" };
		struct imap_err err = IMAP_ERR_INIT;
		struct imap_response *t = NULL;
		struct net_conn *c;
		struct session *s;
		const char *mech = cases[i].mech;
		char port[16];
		int status, want_status = 0;
		pid_t pid = imap_srv_start(&cfg, port, sizeof(port));

		memset(&o, 0, sizeof(o));
		o.host = "localhost";
		o.insecure = true;
		o.timeout_ms = 5000;
		memset(&h, 0, sizeof(h));
		c = net_tcp_connect("127.0.0.1", port, 2000, &err);
		ck_assert_msg(c != NULL, "case %zu: %s", i, err.msg);
		c = net_tls_wrap(c, &o, &err);
		ck_assert_msg(c != NULL, "case %zu: %s", i, err.msg);
		s = session_new(c, &h);
		ck_assert_msg(session_greet(s, &err) == 0, "case %zu: %s", i, err.msg);
		if (!mech) {
			mech = auth_choose(s, SASL_NEEDS_PASSWORD);
			ck_assert_msg(mech && !strcmp(mech, cases[i].chosen), "case %zu: chose %s", i,
				      mech ? mech : "(none)");
		}
		if (auth_run(s, mech, &p, &t, &err) == 0) {
			ck_assert_msg(t->status == (strncmp(cases[i].result, "done", 4)
						    ? IMAP_STATUS_NO : IMAP_STATUS_OK),
				      "case %zu: %s", i, t->text);
			ck_assert_str_eq(t->text, cases[i].result);
			imap_response_free(t);
		} else {
			ck_assert_msg(err.kind == IMAP_ERR_ERROR, "case %zu: %s", i, err.msg);
			ck_assert_str_eq(err.msg, cases[i].result);
			want_status = 5; /* the server saw no AUTHENTICATE */
		}
		session_free(s, NULL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == want_status,
			      "case %zu: server %d", i, status);
	}
}
END_TEST

Suite *sasl_suite(void)
{
	Suite *s = suite_create("sasl");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_choose);
	tcase_add_test(tc, test_new_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("simple");
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_login);
	tcase_add_test(tc, test_cram_md5);
	tcase_add_test(tc, test_xoauth2);
	tcase_add_test(tc, test_oauthbearer);
	tcase_add_test(tc, test_external_anonymous);
	suite_add_tcase(s, tc);

	tc = tcase_create("scram");
	tcase_set_timeout(tc, 30); /* PBKDF2 under sanitizers */
	tcase_add_test(tc, test_scram_rfc_vectors);
	tcase_add_test(tc, test_scram_sha1_rfc5802_exchange);
	tcase_add_test(tc, test_scram_sha256_rfc7677_exchange);
	tcase_add_test(tc, test_scram_server_without_password);
	tcase_add_test(tc, test_gsasl_scram_sha1);
	tcase_add_test(tc, test_gsasl_scram_sha256);
	tcase_add_test(tc, test_gsasl_wrong_password);
	tcase_add_test(tc, test_gsasl_tampered_final);
	tcase_add_test(tc, test_gsasl_saslprep);
	tcase_add_test(tc, test_gsasl_plus_exporter);
	tcase_add_test(tc, test_gsasl_plus_unique);
	tcase_add_test(tc, test_gsasl_no_binding);
	tcase_add_test(tc, test_gsasl_flag_y);
	tcase_add_test(tc, test_gsasl_flag_y_plus);
	tcase_add_test(tc, test_scram_hostile_first);
	tcase_add_test(tc, test_scram_iteration_limits);
	tcase_add_test(tc, test_scram_hostile_final);
	suite_add_tcase(s, tc);

	tc = tcase_create("auth");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_auth_channel_binding);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sasl_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
