/*
 * tls_pin.c - public key pinning (curl's --pinnedpubkey): "sha256//B64"
 * values or a PEM/DER public key file, checked against the SHA-256 of
 * the server certificate's SubjectPublicKeyInfo (tls_int.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "net/tls_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "util/base64.h"
#include "util/xalloc.h"

/* The SHA-256 of key's DER SubjectPublicKeyInfo: 0, or a GnuTLS error. */
static int spki_sha256(gnutls_pubkey_t key, unsigned char md[PIN_LEN])
{
	gnutls_datum_t der = { NULL, 0 };
	int rc = gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &der);

	if (rc < 0)
		return rc;
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, md);
	gnutls_free(der.data);
	return rc;
}

/* The same for the public key of a certificate. */
int tls_crt_spki_sha256(gnutls_x509_crt_t crt, unsigned char md[PIN_LEN])
{
	gnutls_pubkey_t key;
	int rc = gnutls_pubkey_init(&key);

	if (rc < 0)
		return rc;
	rc = gnutls_pubkey_import_x509(key, crt, 0);
	if (rc >= 0)
		rc = spki_sha256(key, md);
	gnutls_pubkey_deinit(key);
	return rc;
}

/* "sha256//BASE64", curl's way to write a pin. */
void tls_add_pin(struct buf *out, const unsigned char md[PIN_LEN])
{
	buf_adds(out, PIN_PREFIX);
	base64_encode(md, PIN_LEN, out);
}

/* Reads all of path into out (at most max bytes); -1 with errno set. */
int tls_read_file(const char *path, size_t max, struct buf *out)
{
	char tmp[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		buf_add(out, tmp, n);
		if (out->len > max) {
			fclose(f);
			explicit_bzero(tmp, sizeof(tmp));
			errno = EFBIG;
			return -1;
		}
	}
	explicit_bzero(tmp, sizeof(tmp));
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		errno = e ? e : EIO;
		return -1;
	}
	fclose(f);
	return 0;
}

/* The pin of the public key in a PEM or DER file (curl's file form). */
static int load_pin_file(struct tls_conn *t, const char *path, struct imap_err *err)
{
	struct buf b = BUF_INIT, pin = BUF_INIT;
	gnutls_pubkey_t key = NULL;
	gnutls_datum_t d;
	int rc;

	if (tls_read_file(path, PIN_FILE_MAX, &b) < 0) {
		int e = errno;
		buf_release(&b);
		return err_set_errno(err, IMAP_ERR_ABORT, e,
				     "cannot read the pinned public key file %s", path);
	}
	d.data = (unsigned char *)b.buf;
	d.size = (unsigned)b.len;
	rc = gnutls_pubkey_init(&key);
	if (rc >= 0)
		rc = gnutls_pubkey_import(key, &d, memmem(b.buf, b.len, "-----BEGIN ", 11)
						   ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER);
	if (rc < 0) {
		if (key)
			gnutls_pubkey_deinit(key);
		buf_release(&b);
		return err_set(err, IMAP_ERR_ABORT,
			       "the pinned public key file %s holds no PEM or DER public key", path);
	}
	t->pins = xcalloc(1, sizeof(*t->pins));
	rc = spki_sha256(key, t->pins[0]);
	gnutls_pubkey_deinit(key);
	buf_release(&b);
	if (rc < 0)
		return err_set(err, IMAP_ERR_ABORT, "cannot use the pinned public key file %s: %s",
			       path, gnutls_strerror(rc));
	t->npins = 1;
	tls_add_pin(&pin, t->pins[0]);
	t->pin_expected = buf_detach(&pin, NULL);
	return 0;
}

/*
 * Reads o->pinned_pubkey into t: "sha256//B64[;sha256//B64...]", or the
 * path of a public key file.  Before any byte goes out, so a typo costs
 * no connection.
 */
int tls_parse_pins(struct tls_conn *t, const char *pin, struct imap_err *err)
{
	const char *p = pin;

	if (!*pin)
		return err_set(err, IMAP_ERR_ABORT,
			       "invalid pinned public key \"\": give sha256// and the base64 of the "
			       "SHA-256 of the server's public key, or the path of a public key file");
	if (strncmp(pin, PIN_PREFIX, strlen(PIN_PREFIX)) != 0)
		return load_pin_file(t, pin, err);
	for (;;) {
		size_t n = strcspn(p, ";");
		size_t pre = strlen(PIN_PREFIX);
		struct buf md = BUF_INIT;

		if (n < pre || strncmp(p, PIN_PREFIX, pre) != 0 ||
		    base64_decode(p + pre, n - pre, &md) < 0 || md.len != PIN_LEN) {
			buf_release(&md);
			return err_set(err, IMAP_ERR_ABORT,
				       "invalid pinned public key \"%.*s\": not sha256// followed by "
				       "the base64 of a SHA-256 hash (44 characters)",
				       (int)(n > 120 ? 120 : n), p);
		}
		t->pins = xrealloc(t->pins, (t->npins + 1) * sizeof(*t->pins));
		memcpy(t->pins[t->npins++], md.buf, PIN_LEN);
		buf_release(&md);
		if (!p[n])
			break;
		p += n + 1;
	}
	t->pin_expected = xstrdup(pin);
	return 0;
}

/* Compares the server's public key with the pins; the verdict goes to t. */
void tls_check_pin(struct tls_conn *t)
{
	gnutls_x509_crt_t crt = tls_peer_certificate(t->session);
	unsigned char md[PIN_LEN];
	struct buf b = BUF_INIT;

	t->pin_ran = true;
	t->pin_ok = false;
	if (!crt || tls_crt_spki_sha256(crt, md) < 0) {
		snprintf(t->pin_actual, sizeof(t->pin_actual), "unknown (no X.509 certificate)");
	} else {
		tls_add_pin(&b, md);
		snprintf(t->pin_actual, sizeof(t->pin_actual), "%s", b.buf);
		for (size_t i = 0; i < t->npins; i++)
			if (!memcmp(t->pins[i], md, PIN_LEN))
				t->pin_ok = true;
	}
	if (crt)
		gnutls_x509_crt_deinit(crt);
	buf_release(&b);
}

int tls_pin_error(struct tls_conn *t, struct imap_err *err)
{
	return err_set(err, IMAP_ERR_ABORT,
		       "public key pinning failed for %s: the server's public key is %s, "
		       "expected %s", tls_who(t), t->pin_actual, t->pin_expected);
}

/* GnuTLS calls this once it has the server's certificate. */
