/*
 * tls_info.c - what a TLS connection is (net_tls_info: protocol, cipher,
 * certificate, pin, ALPN) and its channel binding data for SCRAM -PLUS.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "net/tls_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "util/xalloc.h"

static void add_fingerprint(struct buf *out, gnutls_x509_crt_t crt)
{
	unsigned char md[64];
	size_t n = sizeof(md), i;

	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &n) < 0) {
		buf_adds(out, "?");
		return;
	}
	for (i = 0; i < n; i++)
		buf_addf(out, "%s%02X", i ? ":" : "", md[i]);
}

static void add_dn(struct buf *out, gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
			: gnutls_x509_crt_get_dn3(crt, &d, 0);

	if (rc < 0 || !d.data) {
		buf_adds(out, "?");
	} else {
		/* RFC 4514 text (already escaped) and UTF-8 as they are, but
		 * no control characters from a hostile certificate reach the
		 * terminal. */
		unsigned i;
		for (i = 0; i < d.size; i++) {
			unsigned char ch = d.data[i];
			if (ch < 0x20 || ch == 0x7f)
				buf_addf(out, "\\x%02X", ch);
			else
				buf_addch(out, ch);
		}
	}
	gnutls_free(d.data);
}

int net_tls_info(struct net_conn *c, struct buf *out)
{
	struct tls_conn *t = tls_conn_of(c); /* under COMPRESS too */
	gnutls_x509_crt_t crt;
	const char *s;

	if (!net_is_tls(c))
		return -1;
	s = gnutls_protocol_get_name(gnutls_protocol_get_version(t->session));
	buf_addf(out, "protocol: %s\n", s ? s : "?");
	s = gnutls_cipher_get_name(gnutls_cipher_get(t->session));
	buf_addf(out, "cipher: %s", s ? s : "?");
#if GNUTLS_VERSION_NUMBER >= 0x030703
	s = gnutls_ciphersuite_get(t->session);
	if (s)
		buf_addf(out, " (%s)", s);
#endif
	buf_addch(out, '\n');
	{
		gnutls_datum_t alpn = { NULL, 0 };
		if (gnutls_alpn_get_selected_protocol(t->session, &alpn) == 0 && alpn.size) {
			buf_adds(out, "alpn: ");
			buf_add_escaped(out, alpn.data, alpn.size);
			buf_addch(out, '\n');
		}
	}

	crt = tls_peer_certificate(t->session);
	if (crt) {
		unsigned char md[PIN_LEN];

		buf_adds(out, "subject: ");
		add_dn(out, crt, false);
		buf_adds(out, "\nissuer: ");
		add_dn(out, crt, true);
		buf_adds(out, "\nnot before: ");
		tls_add_utc(out, gnutls_x509_crt_get_activation_time(crt));
		buf_adds(out, "\nnot after: ");
		tls_add_utc(out, gnutls_x509_crt_get_expiration_time(crt));
		buf_adds(out, "\nsha256 fingerprint: ");
		add_fingerprint(out, crt);
		buf_adds(out, "\npublic key: ");
		if (tls_crt_spki_sha256(crt, md) == 0)
			tls_add_pin(out, md);
		else
			buf_adds(out, "?");
		buf_addch(out, '\n');
		gnutls_x509_crt_deinit(crt);
	} else {
		buf_adds(out, "subject: (no certificate)\n");
	}
	if (!t->insecure)
		buf_adds(out, "verified: yes");
	else if (t->verify_ok)
		buf_adds(out, "verified: no (--insecure)\nverification: would have passed");
	else
		buf_addf(out, "verified: no (--insecure)\nverification: would have failed: %s",
			 t->verify_reason);
	if (t->npins)
		buf_addf(out, "\npinned public key: matched (%s)", t->pin_actual);
	return 0;
}

int net_tls_channel_binding(struct net_conn *c, const char *type, struct buf *out,
			    struct imap_err *err)
{
	struct tls_conn *t = tls_conn_of(c);
	gnutls_channel_binding_t cbtype;
	gnutls_protocol_t version;
	gnutls_datum_t cb = { NULL, 0 };
	bool ems;
	int rc;

	/* ERROR, not ABORT: the connection itself is fine */
	if (!net_is_tls(c))
		return err_set(err, IMAP_ERR_ERROR,
			       "channel binding (%s) needs a TLS connection", type ? type : "?");
	version = gnutls_protocol_get_version(t->session);
	ems = gnutls_session_ext_master_secret_status(t->session) != 0;
	if (type && !strcmp(type, "tls-exporter")) {
		/* RFC 9266: TLS 1.3 (GnuTLS 3.7 offers it there only) */
		if (version != GNUTLS_TLS1_3)
			return err_set(err, IMAP_ERR_ERROR,
				       "channel binding tls-exporter needs TLS 1.3 (this connection "
				       "uses %s%s)", gnutls_protocol_get_name(version),
				       ems ? "; tls-unique would work" : "");
		cbtype = GNUTLS_CB_TLS_EXPORTER;
	} else if (type && !strcmp(type, "tls-unique")) {
		/* RFC 8446 section C.5: not defined for TLS 1.3 */
		if (version == GNUTLS_TLS1_3)
			return err_set(err, IMAP_ERR_ERROR,
				       "channel binding tls-unique is not defined for TLS 1.3 "
				       "(use tls-exporter)");
		/* RFC 7627 (and RFC 9266 section 1): without the extended
		 * master secret, a man in the middle can run two sessions
		 * with the same tls-unique (the triple handshake attack). */
		if (!ems)
			return err_set(err, IMAP_ERR_ERROR,
				       "channel binding tls-unique is unsafe on this connection: the "
				       "server did not negotiate the extended master secret (RFC 7627), "
				       "so a man in the middle could share it");
		cbtype = GNUTLS_CB_TLS_UNIQUE;
	} else if (type && !strcmp(type, "tls-server-end-point")) {
		cbtype = GNUTLS_CB_TLS_SERVER_END_POINT;
	} else {
		return err_set(err, IMAP_ERR_ERROR,
			       "unknown channel binding type \"%s\" (known: tls-exporter, "
			       "tls-unique, tls-server-end-point)", type ? type : "");
	}
	rc = gnutls_session_channel_binding(t->session, cbtype, &cb);
	if (rc < 0)
		return err_set(err, IMAP_ERR_ERROR, "channel binding %s is not available: %s", type,
			       gnutls_strerror(rc));
	buf_add(out, cb.data, cb.size);
	explicit_bzero(cb.data, cb.size);
	gnutls_free(cb.data);
	return 0;
}

int net_tls_channel_binding_any(struct net_conn *c, struct buf *out, const char **type_r,
				struct imap_err *err)
{
	const char *type = "tls-unique";

	if (net_is_tls(c) &&
	    gnutls_protocol_get_version(tls_conn_of(c)->session) == GNUTLS_TLS1_3)
		type = "tls-exporter";
	if (net_tls_channel_binding(c, type, out, err) < 0)
		return -1;
	*type_r = type;
	return 0;
}
