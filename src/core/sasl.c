#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/sasl.h"
#include "util/base64.h"
#include "util/xalloc.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gsasl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * A SCRAM server picks the PBKDF2 iteration count; a hostile one could ask
 * for billions and hang us for hours.  Ten million takes seconds.  Fewer
 * than 4096 make a captured exchange cheap to brute-force: RFC 5802 sec.
 * 5.1 and RFC 7677 sec. 4 say at least 4096.
 */
#define SCRAM_MIN_ITERATIONS 4096UL
#define SCRAM_MAX_ITERATIONS 10000000UL

#define SCRAM_MISMATCH "the server's SCRAM signature does not match: it does not know " \
	"your password (possible man in the middle)"

enum mech_kind {
	MECH_SCRAM_SHA256_PLUS,
	MECH_SCRAM_SHA1_PLUS,
	MECH_SCRAM_SHA256,
	MECH_SCRAM_SHA1,
	MECH_CRAM_MD5,
	MECH_OAUTHBEARER,
	MECH_XOAUTH2,
	MECH_EXTERNAL,
	MECH_PLAIN,
	MECH_LOGIN,
	MECH_ANONYMOUS,
};

/* Indexed by enum mech_kind; strongest first.  ANONYMOUS has strength 0,
 * which sasl_choose never picks: it must be asked for by name. */
static const struct sasl_mech_info mechs[] = {
	[MECH_SCRAM_SHA256_PLUS] = { "SCRAM-SHA-256-PLUS", 100,
				     SASL_NEEDS_PASSWORD | SASL_NEEDS_CHANNEL_BINDING, true },
	[MECH_SCRAM_SHA1_PLUS] = { "SCRAM-SHA-1-PLUS", 90,
				   SASL_NEEDS_PASSWORD | SASL_NEEDS_CHANNEL_BINDING, true },
	[MECH_SCRAM_SHA256] = { "SCRAM-SHA-256", 80, SASL_NEEDS_PASSWORD, true },
	[MECH_SCRAM_SHA1] = { "SCRAM-SHA-1", 70, SASL_NEEDS_PASSWORD, true },
	[MECH_CRAM_MD5] = { "CRAM-MD5", 50, SASL_NEEDS_PASSWORD, false },
	[MECH_OAUTHBEARER] = { "OAUTHBEARER", 45, SASL_NEEDS_TOKEN, true },
	[MECH_XOAUTH2] = { "XOAUTH2", 44, SASL_NEEDS_TOKEN, true },
	[MECH_EXTERNAL] = { "EXTERNAL", 40, SASL_NEEDS_CLIENT_CERT, true },
	[MECH_PLAIN] = { "PLAIN", 30, SASL_NEEDS_PASSWORD, true },
	[MECH_LOGIN] = { "LOGIN", 20, SASL_NEEDS_PASSWORD, false },
	[MECH_ANONYMOUS] = { "ANONYMOUS", 0, 0, true },
};

#define N_MECHS (sizeof(mechs) / sizeof(mechs[0]))

struct sasl_client {
	const struct sasl_mech_info *info;
	enum mech_kind kind;
	struct sasl_params p;   /* strings borrowed from the caller */
	int sent;               /* responses produced so far */
	bool done;              /* no further challenge expected */
	bool failed;            /* a step returned -1: the exchange is over */
	bool verified;          /* SCRAM: server-final checked */
	/* SCRAM only */
	Gsasl_session *gs;
	gnutls_mac_algorithm_t mac;
	gnutls_digest_algorithm_t dig;
	size_t mac_len;
	bool flag_y;              /* gs2 flag "y": our client-final, see sasl.h */
	struct buf gs2_header;    /* "y,," or "y,a=...,", when flag_y */
	struct buf cfirst_bare;   /* client-first-message-bare */
	struct buf sfirst;        /* server-first-message */
	struct buf cfinal_bare;   /* client-final-message-without-proof */
};

/* ---- helpers ------------------------------------------------------------ */

static void wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

static void buf_wipe_release(struct buf *b)
{
	wipe(b->buf, b->len);
	buf_release(b);
}

/* Same contents, in time independent of where they differ. */
static bool same_bytes(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

static bool is_scram(enum mech_kind k)
{
	return k == MECH_SCRAM_SHA1 || k == MECH_SCRAM_SHA256 ||
	       k == MECH_SCRAM_SHA1_PLUS || k == MECH_SCRAM_SHA256_PLUS;
}

static bool is_plus(enum mech_kind k)
{
	return k == MECH_SCRAM_SHA1_PLUS || k == MECH_SCRAM_SHA256_PLUS;
}

static bool has(const char *s)
{
	return s && *s;
}

/* Appends up to 80 bytes of server data, escaped, for an error message. */
static void add_excerpt(struct buf *b, const char *data, size_t len)
{
	buf_add_escaped(b, data, len > 80 ? 80 : len);
	if (len > 80)
		buf_adds(b, "...");
}

/* The one GNU SASL library context, made on first use and kept. */
static Gsasl *gsasl_ctx(struct imap_err *err)
{
	static Gsasl *ctx;
	int rc;

	if (ctx)
		return ctx;
	rc = gsasl_init(&ctx);
	if (rc != GSASL_OK) {
		ctx = NULL;
		err_set(err, IMAP_ERR_ERROR, "GNU SASL failed to start: %s", gsasl_strerror(rc));
		return NULL;
	}
	return ctx;
}

/* ---- the mechanism table -------------------------------------------------- */

const struct sasl_mech_info *sasl_mechanisms(size_t *n_r)
{
	if (n_r)
		*n_r = N_MECHS;
	return mechs;
}

const struct sasl_mech_info *sasl_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < N_MECHS; i++)
		if (!strcasecmp(mechs[i].name, name))
			return &mechs[i];
	return NULL;
}

/* Whether this build of GNU SASL has the mechanism (only SCRAM uses it). */
static bool backend_has(enum mech_kind k)
{
	struct imap_err ignored = IMAP_ERR_INIT;
	Gsasl *ctx;

	if (!is_scram(k))
		return true;
	ctx = gsasl_ctx(&ignored);
	return ctx && gsasl_client_support_p(ctx, mechs[k].name);
}

const struct sasl_mech_info *sasl_choose(const char *const *offered, size_t n, unsigned have)
{
	for (size_t i = 0; i < N_MECHS; i++) {
		if (mechs[i].strength <= 0 || (mechs[i].needs & ~have))
			continue;
		for (size_t j = 0; j < n; j++) {
			if (offered[j] && !strcasecmp(offered[j], mechs[i].name)) {
				if (backend_has((enum mech_kind)i))
					return &mechs[i];
				break;
			}
		}
	}
	return NULL;
}

/* ---- client setup -------------------------------------------------------- */

static int scram_start(struct sasl_client *c, struct imap_err *err)
{
	const struct sasl_params *p = &c->p;
	const char *name = c->info->name;
	Gsasl *ctx = gsasl_ctx(err);
	int rc;

	if (!ctx)
		return -1;
	if (!gsasl_client_support_p(ctx, name))
		return err_set(err, IMAP_ERR_ERROR,
			       "SASL mechanism %s is not available: this GNU SASL library lacks it",
			       name);
	rc = gsasl_client_start(ctx, name, &c->gs);
	if (rc != GSASL_OK) {
		c->gs = NULL;
		return err_set(err, IMAP_ERR_ERROR, "%s: GNU SASL cannot start it: %s", name,
			       gsasl_strerror(rc));
	}
	if (c->kind == MECH_SCRAM_SHA256 || c->kind == MECH_SCRAM_SHA256_PLUS) {
		c->mac = GNUTLS_MAC_SHA256;
		c->dig = GNUTLS_DIG_SHA256;
		c->mac_len = 32;
	} else {
		c->mac = GNUTLS_MAC_SHA1;
		c->dig = GNUTLS_DIG_SHA1;
		c->mac_len = 20;
	}
	/* GNU SASL SASLpreps the user name and the password itself. */
	if (gsasl_property_set(c->gs, GSASL_AUTHID, p->user) != GSASL_OK ||
	    gsasl_property_set(c->gs, GSASL_PASSWORD, p->password) != GSASL_OK ||
	    (has(p->authzid) && gsasl_property_set(c->gs, GSASL_AUTHZID, p->authzid) != GSASL_OK))
		return err_set(err, IMAP_ERR_ERROR, "%s: GNU SASL refused a property", name);
	/*
	 * Channel binding data, base64 as GNU SASL wants it, for -PLUS only
	 * ("p=tls-exporter" or "p=tls-unique").  Plain SCRAM never gives GNU
	 * SASL the data: its 2.2 client fails when it has the data but no
	 * -PLUS (it cannot send "y").  So GNU SASL makes an "n" exchange,
	 * and for "y" (p->cb_possible) scram_step changes the flag and makes
	 * the client-final message itself.
	 */
	c->flag_y = !is_plus(c->kind) && p->cb_possible;
	if (is_plus(c->kind)) {
		struct buf b64 = BUF_INIT;
		Gsasl_property prop;
		const char *type = p->cb_type ? p->cb_type : "tls-exporter";

		/* GSASL_CB_TLS_EXPORTER: GNU SASL 2.1 or later */
		prop = strcmp(type, "tls-unique") ? GSASL_CB_TLS_EXPORTER : GSASL_CB_TLS_UNIQUE;
		base64_encode(p->cb_data, p->cb_len, &b64);
		rc = gsasl_property_set(c->gs, prop, b64.buf);
		buf_wipe_release(&b64);
		if (rc != GSASL_OK)
			return err_set(err, IMAP_ERR_ERROR, "%s: GNU SASL refused a property", name);
	}
	return 0;
}

static bool has_byte(const char *s, int ch)
{
	return s && strchr(s, ch);
}

struct sasl_client *sasl_client_new(const char *mech, const struct sasl_params *p,
				    struct imap_err *err)
{
	static const struct sasl_params none;
	const struct sasl_mech_info *info = sasl_find(mech);
	struct sasl_client *c;
	enum mech_kind k;

	if (!p)
		p = &none;
	if (!info) {
		err_set(err, IMAP_ERR_ERROR, "SASL mechanism %s is not built in", mech ? mech : "(none)");
		return NULL;
	}
	k = (enum mech_kind)(info - mechs);
	switch (k) {
	case MECH_SCRAM_SHA256_PLUS:
	case MECH_SCRAM_SHA1_PLUS:
	case MECH_SCRAM_SHA256:
	case MECH_SCRAM_SHA1:
	case MECH_CRAM_MD5:
	case MECH_PLAIN:
	case MECH_LOGIN:
		if (!has(p->user)) {
			err_set(err, IMAP_ERR_ERROR, "%s needs a user name", info->name);
			return NULL;
		}
		if (!p->password) {
			err_set(err, IMAP_ERR_ERROR, "%s needs a password", info->name);
			return NULL;
		}
		break;
	case MECH_XOAUTH2:
	case MECH_OAUTHBEARER:
		if (k == MECH_XOAUTH2 && !has(p->user)) {
			err_set(err, IMAP_ERR_ERROR, "%s needs a user name", info->name);
			return NULL;
		}
		if (!has(p->token)) {
			err_set(err, IMAP_ERR_ERROR, "%s needs an OAuth token (IMAPSH_TOKEN)",
				info->name);
			return NULL;
		}
		/* ^A separates the fields: it cannot be inside one */
		if (has_byte(p->user, '\x01') || has_byte(p->token, '\x01') ||
		    has_byte(p->host, '\x01') || has_byte(p->authzid, '\x01')) {
			err_set(err, IMAP_ERR_ERROR, "%s: the user name, host or token contains a "
				"control character (^A)", info->name);
			return NULL;
		}
		break;
	case MECH_EXTERNAL:
	case MECH_ANONYMOUS:
		break;
	}
	if (is_plus(k) && (!p->cb_data || !p->cb_len)) {
		err_set(err, IMAP_ERR_ERROR,
			"%s needs TLS channel binding (connect with --ssl or --starttls)", info->name);
		return NULL;
	}
	if (is_scram(k) && p->cb_data && p->cb_len && p->cb_type &&
	    strcmp(p->cb_type, "tls-exporter") && strcmp(p->cb_type, "tls-unique")) {
		err_set(err, IMAP_ERR_ERROR, "%s: unknown channel binding type \"%s\" "
			"(tls-exporter or tls-unique)", info->name, p->cb_type);
		return NULL;
	}

	c = xcalloc(1, sizeof(*c));
	c->info = info;
	c->kind = k;
	c->p = *p;
	buf_init(&c->gs2_header, 0);
	buf_init(&c->cfirst_bare, 0);
	buf_init(&c->sfirst, 0);
	buf_init(&c->cfinal_bare, 0);
	if (is_scram(k) && scram_start(c, err) < 0) {
		sasl_client_free(c);
		return NULL;
	}
	return c;
}

/* ---- the simple mechanisms ------------------------------------------------ */

static void plain_response(const struct sasl_client *c, struct buf *out)
{
	if (c->p.authzid)
		buf_adds(out, c->p.authzid);
	buf_addch(out, '\0');
	buf_adds(out, c->p.user);
	buf_addch(out, '\0');
	buf_adds(out, c->p.password);
}

static void xoauth2_response(const struct sasl_client *c, struct buf *out)
{
	buf_adds(out, "user=");
	buf_adds(out, c->p.user);
	buf_adds(out, "\x01" "auth=Bearer ");
	buf_adds(out, c->p.token);
	buf_adds(out, "\x01\x01");
}

/* RFC 5801 saslname: "," and "=" escaped as =2C and =3D. */
static void add_saslname(struct buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == ',')
			buf_adds(out, "=2C");
		else if (*s == '=')
			buf_adds(out, "=3D");
		else
			buf_addch(out, *s);
	}
}

static void oauthbearer_response(const struct sasl_client *c, struct buf *out)
{
	const char *who = has(c->p.authzid) ? c->p.authzid : c->p.user;

	buf_adds(out, "n,");
	if (has(who)) {
		buf_adds(out, "a=");
		add_saslname(out, who);
	}
	buf_addch(out, ',');
	if (has(c->p.host))
		buf_addf(out, "\x01" "host=%s", c->p.host);
	if (c->p.port > 0)
		buf_addf(out, "\x01" "port=%d", c->p.port);
	buf_adds(out, "\x01" "auth=Bearer ");
	buf_adds(out, c->p.token);
	buf_adds(out, "\x01\x01");
}

static int cram_md5_response(const struct sasl_client *c, const char *chal, size_t len,
			     struct buf *out, struct imap_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[16];
	char text[2 * sizeof(digest)];
	int rc;

	if (len == 0)
		return err_set(err, IMAP_ERR_ERROR, "the server's CRAM-MD5 challenge is empty");
	rc = gnutls_hmac_fast(GNUTLS_MAC_MD5, c->p.password, strlen(c->p.password), chal, len,
			      digest);
	if (rc < 0)
		return err_set(err, IMAP_ERR_ERROR, "CRAM-MD5: HMAC-MD5 failed: %s",
			       gnutls_strerror(rc));
	for (size_t i = 0; i < sizeof(digest); i++) {
		text[2 * i] = hex[digest[i] >> 4];
		text[2 * i + 1] = hex[digest[i] & 15];
	}
	buf_adds(out, c->p.user);
	buf_addch(out, ' ');
	buf_add(out, text, sizeof(text));
	wipe(digest, sizeof(digest));
	wipe(text, sizeof(text));
	return 0;
}

/* ---- SCRAM via GNU SASL --------------------------------------------------- */

/* The value of attribute "X=" in a SCRAM message: *val_r, *len_r; false if absent. */
static bool scram_attr(const char *msg, size_t len, char name, const char **val_r, size_t *len_r)
{
	size_t i = 0;

	while (i < len) {
		size_t end = i;
		while (end < len && msg[end] != ',')
			end++;
		if (end - i >= 2 && msg[i] == name && msg[i + 1] == '=') {
			*val_r = msg + i + 2;
			*len_r = end - i - 2;
			return true;
		}
		i = end + 1;
	}
	return false;
}

static int hex_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * SaltedPassword (RFC 5802 sec. 3), which GNU SASL leaves in a property
 * (hex) after the server-first message: 0, or -1 if it is not there.
 */
static int scram_salted_password(struct sasl_client *c, unsigned char salted[64])
{
	const char *hexsp = gsasl_property_fast(c->gs, GSASL_SCRAM_SALTED_PASSWORD);

	if (!hexsp || strlen(hexsp) != 2 * c->mac_len)
		return -1;
	for (size_t i = 0; i < c->mac_len; i++) {
		int hi = hex_value((unsigned char)hexsp[2 * i]);
		int lo = hex_value((unsigned char)hexsp[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			wipe(salted, 64);
			return -1;
		}
		salted[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* AuthMessage: client-first-bare "," server-first "," client-final-without-proof. */
static void scram_auth_message(const struct sasl_client *c, struct buf *auth)
{
	buf_add(auth, c->cfirst_bare.buf, c->cfirst_bare.len);
	buf_addch(auth, ',');
	buf_add(auth, c->sfirst.buf, c->sfirst.len);
	buf_addch(auth, ',');
	buf_add(auth, c->cfinal_bare.buf, c->cfinal_bare.len);
}

/*
 * Our own check of the server's signature, beside GNU SASL's:
 * ServerSignature = HMAC(HMAC(SaltedPassword, "Server Key"), AuthMessage)
 * (RFC 5802 sec. 3).  1 if it matches, 0 if not, -1 if GNU SASL did not
 * leave the salted password where we can read it.
 */
static int scram_check_signature(struct sasl_client *c, const char *v, size_t vlen)
{
	unsigned char salted[64], server_key[64], sig[64];
	struct buf auth = BUF_INIT, want = BUF_INIT;
	int ok = 0;

	if (scram_salted_password(c, salted) < 0)
		return -1;
	scram_auth_message(c, &auth);
	if (gnutls_hmac_fast(c->mac, salted, c->mac_len, "Server Key", 10, server_key) == 0 &&
	    gnutls_hmac_fast(c->mac, server_key, c->mac_len, auth.buf, auth.len, sig) == 0) {
		base64_encode(sig, c->mac_len, &want);
		ok = want.len == vlen && same_bytes(want.buf, v, vlen);
	}
	wipe(salted, sizeof(salted));
	wipe(server_key, sizeof(server_key));
	wipe(sig, sizeof(sig));
	buf_wipe_release(&want);
	buf_wipe_release(&auth);
	return ok;
}

/*
 * The client-final message for the gs2 flag "y", which GNU SASL cannot
 * make: gsasl_out is its "c=<base64 of n,...>,r=<nonce>,p=<proof>" for
 * the "n" header.  We put c= the base64 of our "y" header, and since the
 * proof covers it (through AuthMessage), compute the proof again (RFC
 * 5802 sec. 3):
 *   ClientKey := HMAC(SaltedPassword, "Client Key"), StoredKey := H(ClientKey)
 *   ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage)
 * Appends the message to out and keeps its bare part; -1 on failure.
 */
static int scram_final_y(struct sasl_client *c, const char *gsasl_out, size_t len,
			 struct buf *out)
{
	unsigned char salted[64], client_key[64], stored_key[64], csig[64];
	struct buf auth = BUF_INIT;
	const char *rest, *proof = NULL;
	int rc = -1;

	/* ",r=<nonce>" and whatever GNU SASL put before ",p=" */
	rest = memchr(gsasl_out, ',', len);
	for (size_t i = 0; i + 3 <= len; i++)
		if (!memcmp(gsasl_out + i, ",p=", 3))
			proof = gsasl_out + i;
	if (len < 2 || memcmp(gsasl_out, "c=", 2) || !rest || !proof || proof < rest ||
	    scram_salted_password(c, salted) < 0)
		return -1;
	buf_reset(&c->cfinal_bare);
	buf_adds(&c->cfinal_bare, "c=");
	base64_encode(c->gs2_header.buf, c->gs2_header.len, &c->cfinal_bare);
	buf_add(&c->cfinal_bare, rest, (size_t)(proof - rest));
	scram_auth_message(c, &auth);
	if (gnutls_hmac_fast(c->mac, salted, c->mac_len, "Client Key", 10, client_key) == 0 &&
	    gnutls_hash_fast(c->dig, client_key, c->mac_len, stored_key) == 0 &&
	    gnutls_hmac_fast(c->mac, stored_key, c->mac_len, auth.buf, auth.len, csig) == 0) {
		for (size_t i = 0; i < c->mac_len; i++)
			client_key[i] ^= csig[i];
		buf_add(out, c->cfinal_bare.buf, c->cfinal_bare.len);
		buf_adds(out, ",p=");
		base64_encode(client_key, c->mac_len, out);
		rc = 0;
	}
	wipe(salted, sizeof(salted));
	wipe(client_key, sizeof(client_key));
	wipe(stored_key, sizeof(stored_key));
	wipe(csig, sizeof(csig));
	buf_wipe_release(&auth);
	return rc;
}

static int scram_error(struct sasl_client *c, struct imap_err *err, const char *what,
		       const char *data, size_t len)
{
	struct buf b = BUF_INIT;

	add_excerpt(&b, data, len);
	err_set(err, IMAP_ERR_ERROR, "%s: %s: \"%s\"", c->info->name, what, b.buf);
	buf_release(&b);
	return -1;
}

/* Runs gsasl_step; output appended to out.  The GNU SASL code or GSASL_OK. */
static int scram_gsasl_step(struct sasl_client *c, const char *in, size_t len, struct buf *out)
{
	char *o = NULL;
	size_t olen = 0;
	int rc = gsasl_step(c->gs, in, len, &o, &olen);

	if (o) {
		if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE)
			buf_add(out, o, olen);
		wipe(o, olen);
		gsasl_free(o);
	}
	return rc;
}

static int scram_step(struct sasl_client *c, const char *chal, size_t len, struct buf *out,
		      struct imap_err *err)
{
	const char *name = c->info->name;
	size_t start = out->len;
	const char *v;
	size_t vlen;
	int rc;

	switch (c->sent) {
	case 0: { /* client-first-message */
		const char *msg, *bare;

		rc = scram_gsasl_step(c, NULL, 0, out);
		if (rc != GSASL_NEEDS_MORE) {
			buf_setlen(out, start);
			return err_set(err, IMAP_ERR_ERROR, "%s: cannot make the first message: %s",
				       name, gsasl_strerror(rc));
		}
		/* gs2-header "n,a=...," then client-first-message-bare */
		msg = out->buf + start;
		bare = memchr(msg, ',', out->len - start);
		if (bare)
			bare = memchr(bare + 1, ',', out->len - start - (size_t)(bare + 1 - msg));
		if (!bare) {
			buf_setlen(out, start);
			return err_set(err, IMAP_ERR_ERROR, "%s: GNU SASL made a malformed first "
				       "message", name);
		}
		bare++;
		buf_add(&c->cfirst_bare, bare, out->len - (size_t)(bare - out->buf));
		if (c->flag_y) {
			/* GNU SASL said "n,": we can bind, so "y," (RFC 5802 sec. 6) */
			if (msg[0] != 'n' || msg[1] != ',') {
				buf_setlen(out, start);
				return err_set(err, IMAP_ERR_ERROR, "%s: GNU SASL made an unexpected "
					       "first message", name);
			}
			out->buf[start] = 'y';
			buf_add(&c->gs2_header, out->buf + start, (size_t)(bare - out->buf) - start);
		}
		return 0;
	}
	case 1: { /* server-first-message in, client-final-message out */
		const char *it, *proof;
		size_t itlen;
		unsigned long iter = 0;

		if (scram_attr(chal, len, 'e', &v, &vlen))
			return scram_error(c, err, "the server refused the exchange", chal, len);
		if (!scram_attr(chal, len, 'i', &it, &itlen) || itlen == 0)
			return scram_error(c, err, "malformed server-first message", chal, len);
		for (size_t i = 0; i < itlen; i++) {
			if (it[i] < '0' || it[i] > '9')
				return scram_error(c, err, "malformed server-first message", chal,
						   len);
			if (iter <= SCRAM_MAX_ITERATIONS) /* saturates above the limit */
				iter = iter * 10 + (unsigned long)(it[i] - '0');
		}
		if (iter < SCRAM_MIN_ITERATIONS)
			return err_set(err, IMAP_ERR_ERROR, "%s: the server asks for only %.*s "
				       "iterations, fewer than the %lu that RFC 5802 section 5.1 and "
				       "RFC 7677 section 4 call for (a weak password hash); refusing",
				       name, (int)(itlen > 24 ? 24 : itlen), it, SCRAM_MIN_ITERATIONS);
		if (iter > SCRAM_MAX_ITERATIONS)
			return err_set(err, IMAP_ERR_ERROR, "%s: the server asks for %.*s "
				       "iterations (%lu to %lu allowed); refusing", name,
				       (int)(itlen > 24 ? 24 : itlen), it, SCRAM_MIN_ITERATIONS,
				       SCRAM_MAX_ITERATIONS);
		rc = scram_gsasl_step(c, chal, len, out);
		if (rc != GSASL_NEEDS_MORE) {
			buf_setlen(out, start);
			if (rc == GSASL_AUTHENTICATION_ERROR)
				return scram_error(c, err, "the server's nonce does not extend ours",
						   chal, len);
			if (rc == GSASL_MECHANISM_PARSE_ERROR)
				return scram_error(c, err, "malformed server-first message", chal,
						   len);
			return err_set(err, IMAP_ERR_ERROR, "%s: %s", name, gsasl_strerror(rc));
		}
		buf_add(&c->sfirst, chal, len);
		if (c->flag_y) {
			/* replace GNU SASL's "n" message by our "y" one */
			struct buf mine = BUF_INIT;
			rc = scram_final_y(c, out->buf + start, out->len - start, &mine);
			wipe(out->buf + start, out->len - start);
			buf_setlen(out, start);
			if (rc < 0) {
				buf_wipe_release(&mine);
				return err_set(err, IMAP_ERR_ERROR, "%s: cannot make the final "
					       "message with the channel binding flag \"y\"", name);
			}
			buf_add(out, mine.buf, mine.len);
			buf_wipe_release(&mine);
			return 0;
		}
		/* client-final-message-without-proof: all before ",p=" */
		proof = NULL;
		for (size_t i = start; i + 3 <= out->len; i++)
			if (!memcmp(out->buf + i, ",p=", 3))
				proof = out->buf + i;
		if (!proof) {
			wipe(out->buf + start, out->len - start);
			buf_setlen(out, start);
			return err_set(err, IMAP_ERR_ERROR, "%s: GNU SASL made a malformed final "
				       "message", name);
		}
		buf_add(&c->cfinal_bare, out->buf + start, (size_t)(proof - (out->buf + start)));
		return 0;
	}
	case 2: /* server-final-message: "v=signature" or "e=error" */
		if (scram_attr(chal, len, 'e', &v, &vlen))
			return scram_error(c, err, "the server refused the exchange", chal, len);
		if (c->flag_y) {
			/* GNU SASL signed the "n" exchange, not ours: our check only */
			if (!scram_attr(chal, len, 'v', &v, &vlen) ||
			    scram_check_signature(c, v, vlen) != 1)
				return err_set(err, IMAP_ERR_ERROR, "%s", SCRAM_MISMATCH);
			c->verified = true;
			c->done = true;
			return 0;
		}
		rc = scram_gsasl_step(c, chal, len, out);
		wipe(out->buf + start, out->len - start);
		buf_setlen(out, start); /* nothing to send but an empty response */
		if (rc != GSASL_OK || !scram_attr(chal, len, 'v', &v, &vlen) ||
		    scram_check_signature(c, v, vlen) == 0)
			return err_set(err, IMAP_ERR_ERROR, "%s", SCRAM_MISMATCH);
		c->verified = true;
		c->done = true;
		return 0;
	}
	return 1;
}

/* ---- the state machine ------------------------------------------------------ */

/* The client's response number c->sent to challenge chal. */
static int respond(struct sasl_client *c, const char *chal, size_t len, struct buf *out,
		   struct imap_err *err)
{
	int rc = 0;

	if (is_scram(c->kind))
		rc = scram_step(c, chal, len, out, err);
	else switch (c->kind) {
	case MECH_PLAIN:
		plain_response(c, out);
		c->done = true;
		break;
	case MECH_LOGIN:
		/* "Username:" then "Password:", whatever the prompts say */
		if (c->sent == 0) {
			buf_adds(out, c->p.user);
		} else {
			buf_adds(out, c->p.password);
			c->done = true;
		}
		break;
	case MECH_CRAM_MD5:
		rc = cram_md5_response(c, chal, len, out, err);
		c->done = true;
		break;
	case MECH_XOAUTH2:
		/* second round: the error JSON; an empty response makes the server say NO */
		if (c->sent == 0) {
			xoauth2_response(c, out);
		} else {
			c->done = true;
		}
		break;
	case MECH_OAUTHBEARER:
		/* second round: the error JSON; RFC 7628 sec. 3.2.3 says answer ^A */
		if (c->sent == 0) {
			oauthbearer_response(c, out);
		} else {
			buf_addch(out, '\x01');
			c->done = true;
		}
		break;
	case MECH_EXTERNAL:
		if (c->p.authzid)
			buf_adds(out, c->p.authzid);
		c->done = true;
		break;
	case MECH_ANONYMOUS:
		buf_adds(out, c->p.anonymous_trace ? c->p.anonymous_trace : "imapsh");
		c->done = true;
		break;
	default:
		break;
	}
	if (rc == 0)
		c->sent++;
	else
		c->failed = true;
	return rc;
}

int sasl_client_initial(struct sasl_client *c, struct buf *out, struct imap_err *err)
{
	if (!c->info->client_first)
		return 1;
	if (c->sent || c->failed)
		return err_set(err, IMAP_ERR_ERROR, "%s: the initial response was already made",
			       c->info->name);
	return respond(c, NULL, 0, out, err);
}

int sasl_client_step(struct sasl_client *c, const char *challenge, size_t len,
		     struct buf *out, struct imap_err *err)
{
	if (c->failed)
		return err_set(err, IMAP_ERR_ERROR, "%s: the exchange has already failed",
			       c->info->name);
	if (c->done)
		return 1;
	/*
	 * A client-first mechanism without SASL-IR: the server's first "+"
	 * (normally empty) asks for the initial response.
	 */
	return respond(c, challenge ? challenge : "", challenge ? len : 0, out, err);
}

bool sasl_client_server_verified(const struct sasl_client *c)
{
	return c && c->verified;
}

void sasl_client_free(struct sasl_client *c)
{
	if (!c)
		return;
	if (c->gs) {
		/* GNU SASL frees its copies without wiping them */
		static const Gsasl_property secret[] = {
			GSASL_PASSWORD, GSASL_SCRAM_SALTED_PASSWORD,
			GSASL_SCRAM_SERVERKEY, GSASL_SCRAM_STOREDKEY,
			GSASL_CB_TLS_EXPORTER, GSASL_CB_TLS_UNIQUE,
		};
		for (size_t i = 0; i < sizeof(secret) / sizeof(secret[0]); i++) {
			char *s = (char *)gsasl_property_fast(c->gs, secret[i]);
			if (s)
				wipe(s, strlen(s));
		}
		gsasl_finish(c->gs);
	}
	buf_wipe_release(&c->gs2_header);
	buf_wipe_release(&c->cfirst_bare);
	buf_wipe_release(&c->sfirst);
	buf_wipe_release(&c->cfinal_bare);
	wipe(c, sizeof(*c));
	free(c);
}
