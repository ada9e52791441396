/*
 * tls.c - TLS with GnuTLS over any transport (see tls.h).
 *
 * GnuTLS pulls and pushes its records through the inner connection's ops,
 * so the same code runs over TCP, a child process, or whatever comes
 * next; the inner timeout (kept equal to ours) bounds every wait.
 *
 * The certificate is checked by a callback in the middle of the handshake:
 * a bad certificate stops it before we send anything more (a client
 * certificate, a password), and the status bits give a precise reason.
 * With insecure the callback records the verdict (for net_tls_info) and
 * lets the handshake go on.  A pinned public key is checked there too,
 * after the certificate (and with insecure as well).
 *
 * Priorities: the system's default (gnutls_set_default_priority_append,
 * so a distribution's crypto policy applies) with a TLS 1.2 floor
 * appended; a user's priority string replaces the default, and the floor
 * is then checked on the version the handshake settled on.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "net/tls_int.h"
#include "net/deflate.h"
#include "util/base64.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static const struct net_ops tls_ops;

static void tls_global_init(void)
{
	static bool done;

	/* Implicit in GnuTLS 3.x; calling it once is harmless and explicit. */
	if (!done) {
		gnutls_global_init();
		done = true;
	}
}

const char *tls_who(const struct tls_conn *t)
{
	return t->host ? t->host : "the server";
}

/* "0.2", "30": a timeout in seconds, as net_fd_read says it. */
static void fmt_secs(char *out, size_t n, int ms)
{
	snprintf(out, n, "%g", ms / 1000.0);
}

/* "2049-12-31T23:59:59Z"; "?" for an invalid time. */
void tls_add_utc(struct buf *out, time_t when)
{
	struct tm tm;
	char s[32];

	if (when == (time_t)-1 || !gmtime_r(&when, &tm) ||
	    !strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf_adds(out, "?");
	else
		buf_adds(out, s);
}

static bool is_ip_address(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* Forgets what the inner transport said during the previous GnuTLS call. */
static void clear_io(struct tls_conn *t)
{
	t->io_failed = false;
	err_clear(&t->ioerr);
}

/* ---- GnuTLS transport callbacks: the inner connection's ops */

static ssize_t tls_pull(gnutls_transport_ptr_t p, void *data, size_t len)
{
	struct tls_conn *t = p;
	struct imap_err e = IMAP_ERR_INIT;
	ssize_t n;

	t->inner->timeout_ms = t->base.timeout_ms;
	n = net_read(t->inner, data, len, &e);
	if (n < 0) {
		t->io_failed = true;
		t->ioerr = e;
		if (!t->ioerr.msg[0])
			err_set(&t->ioerr, IMAP_ERR_ABORT, "cannot read from the server");
		gnutls_transport_set_errno(t->session, EIO);
		errno = EIO;
		return -1;
	}
	if (n == 0) {
		t->inner_eof = true;
		if (e.kind != IMAP_ERR_NONE)
			t->eof_note = e;
		return 0;
	}
	if (!t->handshaken && t->nfirst < FIRST_BYTES) {
		size_t k = FIRST_BYTES - t->nfirst;
		if (k > (size_t)n)
			k = (size_t)n;
		memcpy(t->first + t->nfirst, data, k);
		t->nfirst += k;
	}
	return n;
}

static ssize_t tls_push(gnutls_transport_ptr_t p, const void *data, size_t len)
{
	struct tls_conn *t = p;
	struct imap_err e = IMAP_ERR_INIT;

	t->inner->timeout_ms = t->base.timeout_ms;
	if (net_write(t->inner, data, len, &e) < 0) {
		t->io_failed = true;
		t->ioerr = e;
		if (!t->ioerr.msg[0])
			err_set(&t->ioerr, IMAP_ERR_ABORT, "cannot write to the server");
		gnutls_transport_set_errno(t->session, EIO);
		errno = EIO;
		return -1;
	}
	return (ssize_t)len;
}

/*
 * Waits up to ms for the inner connection to become readable: 1 ready,
 * 0 timed out, -1 error.  GnuTLS uses it for the handshake timeout.
 */
static int tls_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct tls_conn *t = p;
	struct pollfd pfd;
	struct timespec start, now;
	int fd, left, rc;

	if (t->inner->ops->pending && t->inner->ops->pending(t->inner) > 0)
		return 1;
	fd = t->inner->ops->pollfd ? t->inner->ops->pollfd(t->inner) : -1;
	if (fd < 0)
		return 1; /* cannot tell: let the read (and its timeout) decide */
	left = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : ms > 0x7fffffffU ? 0x7fffffff : (int)ms;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left);
		if (rc >= 0)
			return rc > 0;
		if (errno != EINTR) {
			gnutls_transport_set_errno(t->session, errno);
			return -1;
		}
		if (net_interrupted()) {
			t->io_failed = true;
			err_set(&t->ioerr, IMAP_ERR_ABORT, NET_INTERRUPTED_MSG);
			gnutls_transport_set_errno(t->session, EIO);
			return -1;
		}
		if (left > 0) {
			long long spent;
			clock_gettime(CLOCK_MONOTONIC, &now);
			spent = (now.tv_sec - start.tv_sec) * 1000LL +
				(now.tv_nsec - start.tv_nsec) / 1000000;
			if (spent >= left)
				return 0;
			left -= (int)spent;
			start = now;
		}
	}
}

/* ---- certificate verification */

gnutls_x509_crt_t tls_peer_certificate(gnutls_session_t s)
{
	const gnutls_datum_t *list;
	unsigned int n = 0;
	gnutls_x509_crt_t crt;

	if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509)
		return NULL;
	list = gnutls_certificate_get_peers(s, &n);
	if (!list || n == 0)
		return NULL;
	if (gnutls_x509_crt_init(&crt) < 0)
		return NULL;
	if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return NULL;
	}
	return crt;
}

static void add_reason(struct buf *b, const char *reason)
{
	if (b->len)
		buf_adds(b, "; ");
	buf_adds(b, reason);
}

/* The status bits of gnutls_certificate_verify_peers3, as sentences. */
static void describe_status(struct tls_conn *t, unsigned status, struct buf *b)
{
	gnutls_x509_crt_t crt = tls_peer_certificate(t->session);

	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		/* A leaf that is its own issuer: nobody vouches for it. */
		if (crt && gnutls_x509_crt_check_issuer(crt, crt))
			add_reason(b, "the certificate is self-signed");
		else
			add_reason(b, "the certificate issuer is unknown");
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		add_reason(b, "the certificate's issuer is not a certificate authority");
	if (status & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE)
		add_reason(b, "the certificate's issuer may not issue it (constraints)");
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		add_reason(b, "the certificate's signature is invalid");
	if (status & GNUTLS_CERT_REVOKED)
		add_reason(b, "the certificate has been revoked");
	if (status & GNUTLS_CERT_EXPIRED) {
		add_reason(b, "the certificate has expired");
		if (crt) {
			buf_adds(b, " (on ");
			tls_add_utc(b, gnutls_x509_crt_get_expiration_time(crt));
			buf_addch(b, ')');
		}
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED) {
		add_reason(b, "the certificate is not yet valid");
		if (crt) {
			buf_adds(b, " (valid from ");
			tls_add_utc(b, gnutls_x509_crt_get_activation_time(crt));
			buf_addch(b, ')');
		}
	}
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
		add_reason(b, "the certificate does not match the host name ");
		buf_adds(b, t->check_name ? t->check_name : "?");
	}
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		add_reason(b, "the certificate uses an insecure algorithm");
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		add_reason(b, "the certificate is not meant for a TLS server");
	if (status & GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS)
		add_reason(b, "the certificate has an unknown critical extension");
	if (status & GNUTLS_CERT_MISSING_OCSP_STATUS)
		add_reason(b, "the server sent no OCSP status though the certificate requires one");
	if (status & (GNUTLS_CERT_INVALID_OCSP_STATUS | GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
		      GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE))
		add_reason(b, "the certificate's revocation (OCSP) data is invalid or stale");
	if (!b->len) {
		/* a bit not named above: let GnuTLS say it */
		gnutls_datum_t d = { NULL, 0 };
		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509,
								 &d, 0) == 0 && d.data) {
			buf_adds(b, (const char *)d.data);
			gnutls_free(d.data);
		} else {
			buf_addf(b, "the certificate is not valid (status 0x%x)", status);
		}
	}
	if (crt)
		gnutls_x509_crt_deinit(crt);
}

/* Checks the peer's certificate and records the verdict in t. */
static void verify_peer(struct tls_conn *t)
{
	struct buf why = BUF_INIT;
	unsigned status = 0;
	int rc;

	t->verify_ran = true;
	t->verify_ok = false;
	rc = gnutls_certificate_verify_peers3(t->session, t->check_name, &status);
	if (rc == GNUTLS_E_NO_CERTIFICATE_FOUND)
		buf_adds(&why, "the server sent no certificate");
	else if (rc < 0)
		buf_addf(&why, "cannot check the certificate: %s", gnutls_strerror(rc));
	else if (status)
		describe_status(t, status, &why);
	else if (!t->check_name)
		buf_adds(&why, "no host name was given to check the certificate against");
	else
		t->verify_ok = true;
	snprintf(t->verify_reason, sizeof(t->verify_reason), "%s", why.buf);
	buf_release(&why);
}

static int verify_callback(gnutls_session_t s)
{
	struct tls_conn *t = gnutls_session_get_ptr(s);

	verify_peer(t);
	if (!t->verify_ok && !t->insecure)
		return -1;
	/* pinning: in addition to verification, and even when insecure */
	if (t->npins) {
		tls_check_pin(t);
		if (!t->pin_ok)
			return -1;
	}
	return 0;
}

/* ---- errors */

/* True if the server's first bytes cannot start a TLS record. */
static bool looks_plain(const struct tls_conn *t)
{
	/* record types: change_cipher_spec 20 .. heartbeat 24 */
	return t->nfirst > 0 && (t->first[0] < 20 || t->first[0] > 24);
}

/* Fills err for a failed handshake (or renegotiation) and returns -1. */
static int handshake_error(struct tls_conn *t, int rc, const char *what, struct imap_err *err)
{
	char secs[32];

	t->broken = true;
	if (t->verify_ran && !t->verify_ok && !t->insecure)
		return err_set(err, IMAP_ERR_ABORT, "certificate verification failed for %s: %s",
			       tls_who(t), t->verify_reason);
	if (t->pin_ran && !t->pin_ok)
		return tls_pin_error(t, err);
	if (t->io_failed)
		return err_set(err, IMAP_ERR_ABORT, "%s with %s failed: %s", what, tls_who(t),
			       t->ioerr.msg);
	if (rc == GNUTLS_E_TIMEDOUT) {
		fmt_secs(secs, sizeof(secs), t->base.timeout_ms);
		return err_set(err, IMAP_ERR_ABORT,
			       "%s with %s failed: timed out after %s s waiting for the server",
			       what, tls_who(t), secs);
	}
	if (looks_plain(t)) {
		struct buf b = BUF_INIT;
		size_t n = 0;
		/* GnuTLS stopped at a 5-byte record header: fetch a little
		 * more of what is most likely an IMAP greeting, to show it. */
		if (t->nfirst < FIRST_BYTES && !t->inner_eof) {
			struct imap_err ignored = IMAP_ERR_INIT;
			ssize_t k;
			t->inner->timeout_ms = 100;
			k = net_read(t->inner, t->first + t->nfirst, FIRST_BYTES - t->nfirst,
				     &ignored);
			if (k > 0)
				t->nfirst += (size_t)k;
		}
		while (n < t->nfirst && t->first[n] != '\r' && t->first[n] != '\n')
			n++;
		buf_add_escaped(&b, t->first, n);
		err_set(err, IMAP_ERR_ABORT,
			"%s with %s failed: the server does not speak TLS here, it sent \"%s\" "
			"(plain IMAP needs STARTTLS)", what, tls_who(t), b.buf);
		buf_release(&b);
		return -1;
	}
	if (t->inner_eof)
		return err_set(err, IMAP_ERR_ABORT,
			       "%s with %s failed: the server closed the connection%s%s%s", what,
			       tls_who(t), t->eof_note.msg[0] ? " (" : "", t->eof_note.msg,
			       t->eof_note.msg[0] ? ")" : "");
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED &&
	    gnutls_alert_get(t->session) != GNUTLS_A_PROTOCOL_VERSION)
		return err_set(err, IMAP_ERR_ABORT,
			       "%s with %s failed: the server sent the alert \"%s\"", what, tls_who(t),
			       gnutls_alert_get_name(gnutls_alert_get(t->session)));
	/* we offered nothing the server takes, or it offered nothing we take */
	if (rc == GNUTLS_E_UNSUPPORTED_VERSION_PACKET || rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		return err_set(err, IMAP_ERR_ABORT,
			       "%s with %s failed: no common TLS version (imapsh needs TLS 1.2 "
			       "or newer%s)", what, tls_who(t),
			       t->own_priority ? ", and what the priority string allows" : "");
	return err_set(err, IMAP_ERR_ABORT, "%s with %s failed: %s", what, tls_who(t),
		       gnutls_strerror(rc));
}

/* Fills err for a failed record read or write and returns -1. */
static int io_error(struct tls_conn *t, int rc, const char *verb, struct imap_err *err)
{
	t->broken = true;
	if (t->io_failed)
		return err_set(err, IMAP_ERR_ABORT, "%s", t->ioerr.msg);
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED)
		return err_set(err, IMAP_ERR_ABORT, "TLS error: %s sent the alert \"%s\"", tls_who(t),
			       gnutls_alert_get_name(gnutls_alert_get(t->session)));
	return err_set(err, IMAP_ERR_ABORT, "cannot %s %s over TLS: %s", verb, tls_who(t),
		       gnutls_strerror(rc));
}

/* ---- handshake */

static int run_handshake(struct tls_conn *t)
{
	int rc;

	for (;;) {
		clear_io(t);
		rc = gnutls_handshake(t->session);
		/* A warning alert (e.g. unrecognized_name for our SNI) is
		 * not fatal; neither are AGAIN/INTERRUPTED. */
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED ||
		    rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
			continue;
		return rc;
	}
}

/* Best effort: tells the server why we give up (e.g. bad_certificate). */
static void send_alert(struct tls_conn *t, int rc)
{
	if (t->io_failed || t->inner_eof || rc == GNUTLS_E_TIMEDOUT)
		return;
	if (t->base.timeout_ms <= 0 || t->base.timeout_ms > BYE_TIMEOUT_MS)
		t->base.timeout_ms = BYE_TIMEOUT_MS;
	clear_io(t);
	gnutls_alert_send_appropriate(t->session, rc);
}

/* ---- ops */

static ssize_t tls_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct tls_conn *t = (struct tls_conn *)c;

	for (;;) {
		ssize_t n;

		clear_io(t);
		n = gnutls_record_recv(t->session, buf, len);
		if (n >= 0)
			return n; /* 0: the server's close_notify, a clean end */
		switch (n) {
		case GNUTLS_E_AGAIN:
		case GNUTLS_E_INTERRUPTED:
		case GNUTLS_E_WARNING_ALERT_RECEIVED:
			continue;
		case GNUTLS_E_REHANDSHAKE: {
			/* TLS 1.2 renegotiation asked by the server; the
			 * certificate is checked again by the callback. */
			int rc = run_handshake(t);
			if (rc < 0)
				return handshake_error(t, rc, "TLS renegotiation", err);
			continue;
		}
		case GNUTLS_E_PREMATURE_TERMINATION:
		case GNUTLS_E_SESSION_EOF:
		case GNUTLS_E_UNEXPECTED_PACKET_LENGTH:
			if (n == GNUTLS_E_UNEXPECTED_PACKET_LENGTH && !t->inner_eof)
				break;
			/* End of stream without close_notify: many IMAP
			 * servers just close.  An end, but not a clean one. */
			t->broken = true;
			if (err) {
				if (t->eof_note.kind != IMAP_ERR_NONE)
					*err = t->eof_note;
				else
					err_set(err, IMAP_ERR_ABORT,
						"%s closed the connection without a TLS close_notify",
						t->host ? t->host : "the server");
			}
			return 0;
		default:
			break;
		}
		return io_error(t, (int)n, "read from", err);
	}
}

static int tls_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct tls_conn *t = (struct tls_conn *)c;
	const char *p = buf;

	while (len) {
		ssize_t n;

		clear_io(t);
		n = gnutls_record_send(t->session, p, len);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n < 0)
			return io_error(t, (int)n, "write to", err);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void tls_describe(struct net_conn *c, struct buf *out)
{
	struct tls_conn *t = (struct tls_conn *)c;
	const char *proto = gnutls_protocol_get_name(gnutls_protocol_get_version(t->session));
	const char *cipher = gnutls_cipher_get_name(gnutls_cipher_get(t->session));

	buf_addf(out, "tls (%s, %s) over ", proto ? proto : "?", cipher ? cipher : "?");
	net_describe(t->inner, out);
}

static int tls_pollfd(struct net_conn *c)
{
	struct net_conn *in = ((struct tls_conn *)c)->inner;

	return in->ops->pollfd ? in->ops->pollfd(in) : -1;
}

static bool tls_is_local(struct net_conn *c)
{
	return net_peer_is_local(((struct tls_conn *)c)->inner);
}

static size_t tls_pending(struct net_conn *c)
{
	struct tls_conn *t = (struct tls_conn *)c;
	size_t n = gnutls_record_check_pending(t->session);

	/* Bytes the inner layer holds count too: a poll on the fd would
	 * not see them. */
	if (t->inner->ops->pending)
		n += t->inner->ops->pending(t->inner);
	return n;
}

static int tls_shutdown_write(struct net_conn *c, struct imap_err *err)
{
	struct tls_conn *t = (struct tls_conn *)c;

	if (!t->bye_sent && !t->broken) {
		int rc;
		clear_io(t);
		do
			rc = gnutls_bye(t->session, GNUTLS_SHUT_WR);
		while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
		if (rc < 0)
			return io_error(t, rc, "close the TLS session with", err);
		t->bye_sent = true;
	}
	if (t->inner->ops->shutdown_write)
		return t->inner->ops->shutdown_write(t->inner, err);
	return 0;
}

static void tls_free(struct tls_conn *t, struct buf *report)
{
	if (t->session)
		gnutls_deinit(t->session);
	if (t->cred)
		gnutls_certificate_free_credentials(t->cred);
	net_close(t->inner, report);
	free(t->host);
	free(t->check_name);
	free(t->pins);
	free(t->pin_expected);
	free(t);
}

static void tls_close(struct net_conn *c, struct buf *report)
{
	struct tls_conn *t = (struct tls_conn *)c;

	if (t->handshaken && !t->broken && !t->bye_sent) {
		/* close_notify, best effort and quickly: the server may be gone */
		if (t->base.timeout_ms <= 0 || t->base.timeout_ms > BYE_TIMEOUT_MS)
			t->base.timeout_ms = BYE_TIMEOUT_MS;
		clear_io(t);
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
	}
	tls_free(t, report);
}

static const struct net_ops tls_ops = {
	.name = "tls",
	.read = tls_read,
	.write = tls_write,
	.describe = tls_describe,
	.pollfd = tls_pollfd,
	.is_local = tls_is_local,
	.pending = tls_pending,
	.shutdown_write = tls_shutdown_write,
	.close = tls_close,
};

/* ---- setup */

/*
 * err for a file we cannot read or that lacks the PEM block marker (e.g.
 * "-----BEGIN CERTIFICATE"), naming it; 0 if it looks right.
 */
static int check_pem(const char *what, const char *path, const char *marker,
		     const char *missing, struct imap_err *err)
{
	struct buf b = BUF_INIT;
	bool found;

	if (tls_read_file(path, SIZE_MAX - 1, &b) < 0) {
		int e = errno;
		explicit_bzero(b.buf, b.len);
		buf_release(&b);
		return err_set_errno(err, IMAP_ERR_ABORT, e, "cannot read %s %s", what, path);
	}
	found = memmem(b.buf, b.len, marker, strlen(marker)) != NULL;
	/* it may be a private key */
	explicit_bzero(b.buf, b.len);
	buf_release(&b);
	if (!found)
		return err_set(err, IMAP_ERR_ABORT, "%s %s holds no PEM %s", what, path, missing);
	return 0;
}

static int load_files(struct tls_conn *t, const struct net_tls_opts *o, struct imap_err *err)
{
	int rc;

	/* No system store (or none configured) is not an error by itself:
	 * the cafile may hold what we need, and verification says if not. */
	gnutls_certificate_set_x509_system_trust(t->cred);

	if (o->cafile) {
		if (check_pem("the CA file", o->cafile, "-----BEGIN ", "certificate", err) < 0)
			return -1;
		rc = gnutls_certificate_set_x509_trust_file(t->cred, o->cafile, GNUTLS_X509_FMT_PEM);
		if (rc < 0)
			return err_set(err, IMAP_ERR_ABORT, "cannot load the CA file %s: %s",
				       o->cafile, gnutls_strerror(rc));
		if (rc == 0)
			return err_set(err, IMAP_ERR_ABORT,
				       "the CA file %s holds no PEM certificate", o->cafile);
	}
	if (o->certfile) {
		const char *key = o->keyfile ? o->keyfile : o->certfile;
		if (check_pem("the client certificate", o->certfile, "-----BEGIN CERTIFICATE",
			      "certificate", err) < 0 ||
		    check_pem(o->keyfile ? "the client key" : "the client certificate file", key,
			      "PRIVATE KEY-----", "private key", err) < 0)
			return -1;
		rc = gnutls_certificate_set_x509_key_file2(t->cred, o->certfile, key,
							   GNUTLS_X509_FMT_PEM, NULL, 0);
		if (rc < 0) {
			if (o->keyfile)
				return err_set(err, IMAP_ERR_ABORT,
					       "cannot load the client certificate %s with key %s: %s",
					       o->certfile, o->keyfile, gnutls_strerror(rc));
			return err_set(err, IMAP_ERR_ABORT,
				       "cannot load the client certificate and key from %s: %s",
				       o->certfile, gnutls_strerror(rc));
		}
	}
	return 0;
}

/*
 * The priorities: the user's string as it is, or else the system's
 * default (gnutls's own, or the one /etc/gnutls/config names, e.g. a
 * crypto policy's @SYSTEM) with our floor appended.
 */
static int set_priority(struct tls_conn *t, const char *prio, struct imap_err *err)
{
	const char *errpos = NULL;
	int rc;

	if (!prio) {
		rc = gnutls_set_default_priority_append(t->session, PRIORITY_FLOOR, &errpos, 0);
		if (rc < 0)
			return err_set(err, IMAP_ERR_ABORT,
				       "cannot use the system's TLS priorities (see %s): %s",
				       gnutls_get_system_config_file(), gnutls_strerror(rc));
		return 0;
	}
	t->own_priority = true;
	rc = gnutls_priority_set_direct(t->session, prio, &errpos);
	if (rc == GNUTLS_E_INVALID_REQUEST && errpos)
		return err_set(err, IMAP_ERR_ABORT,
			       "invalid TLS priority string \"%s\": error at \"%s\" (offset %ld)",
			       prio, errpos, (long)(errpos - prio));
	if (rc < 0)
		return err_set(err, IMAP_ERR_ABORT, "invalid TLS priority string \"%s\": %s", prio,
			       gnutls_strerror(rc));
	return 0;
}

static int setup_session(struct tls_conn *t, const struct net_tls_opts *o, struct imap_err *err)
{
	int rc;

	rc = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL);
	if (rc < 0) {
		t->session = NULL;
		return err_set(err, IMAP_ERR_ABORT, "cannot start TLS: %s", gnutls_strerror(rc));
	}
	gnutls_session_set_ptr(t->session, t);
	if (set_priority(t, o->priority, err) < 0)
		return -1;
	rc = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred);
	if (rc < 0)
		return err_set(err, IMAP_ERR_ABORT, "cannot start TLS: %s", gnutls_strerror(rc));
	/* RFC 7301: offered, not required (flags 0): a server without ALPN
	 * just ignores it. */
	if (o->alpn) {
		size_t n = strlen(o->alpn);
		gnutls_datum_t proto = { (unsigned char *)o->alpn, (unsigned)n };
		if (n == 0 || n > 255)
			return err_set(err, IMAP_ERR_ABORT, "invalid ALPN protocol \"%.64s\" (1 to "
				       "255 bytes)", o->alpn);
		rc = gnutls_alpn_set_protocols(t->session, &proto, 1, 0);
		if (rc < 0)
			return err_set(err, IMAP_ERR_ABORT, "cannot offer the ALPN protocol %s: %s",
				       o->alpn, gnutls_strerror(rc));
	}
	/* SNI for names only (RFC 6066 section 3: no IP literals). */
	if (t->check_name && !is_ip_address(t->check_name)) {
		rc = gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, t->check_name,
					    strlen(t->check_name));
		if (rc < 0)
			return err_set(err, IMAP_ERR_ABORT, "cannot use the host name %s for TLS: %s",
				       t->check_name, gnutls_strerror(rc));
	}
	gnutls_transport_set_ptr(t->session, t);
	gnutls_transport_set_pull_function(t->session, tls_pull);
	gnutls_transport_set_push_function(t->session, tls_push);
	gnutls_transport_set_pull_timeout_function(t->session, tls_pull_timeout);
	gnutls_handshake_set_timeout(t->session, o->timeout_ms > 0 ? (unsigned)o->timeout_ms
							       : GNUTLS_INDEFINITE_TIMEOUT);
	return 0;
}

/*
 * TLS 1.2 is the floor whatever a priority string allowed (RFC 8996):
 * refuses an older version the handshake settled on, with an alert.
 */
static int check_version(struct tls_conn *t, struct imap_err *err)
{
	gnutls_protocol_t v = gnutls_protocol_get_version(t->session);
	const char *name;

	/* TLS 1.2, 1.3 and whatever comes next; DTLS numbers start at 200 */
	if (v >= GNUTLS_TLS1_2 && v < GNUTLS_DTLS0_9)
		return 0;
	name = gnutls_protocol_get_name(v);
	if (t->base.timeout_ms <= 0 || t->base.timeout_ms > BYE_TIMEOUT_MS)
		t->base.timeout_ms = BYE_TIMEOUT_MS;
	clear_io(t);
	gnutls_alert_send(t->session, GNUTLS_AL_FATAL, GNUTLS_A_PROTOCOL_VERSION);
	t->broken = true;
	return err_set(err, IMAP_ERR_ABORT,
		       "TLS handshake with %s failed: the server chose %s; imapsh needs TLS 1.2 or "
		       "newer (RFC 8996), whatever the priority string allows", tls_who(t),
		       name ? name : "an unknown protocol version");
}

struct net_conn *net_tls_wrap(struct net_conn *inner, const struct net_tls_opts *o,
			      struct imap_err *err)
{
	struct tls_conn *t;
	int rc;

	static const struct net_tls_opts defaults;

	if (!inner) {
		err_set(err, IMAP_ERR_ABORT, "no connection to start TLS on");
		return NULL;
	}
	if (!o)
		o = &defaults;
	tls_global_init();
	t = xcalloc(1, sizeof(*t));
	t->base.ops = &tls_ops;
	t->base.timeout_ms = o->timeout_ms;
	t->inner = inner;
	t->insecure = o->insecure;
	if (o->host && *o->host) {
		size_t n = strlen(o->host);
		t->host = xstrdup(o->host);
		if (n > 2 && o->host[0] == '[' && o->host[n - 1] == ']')
			t->check_name = xmemdup(o->host + 1, n - 2);
		else
			t->check_name = xstrdup(o->host);
	}
	if (!t->check_name && !o->insecure) {
		err_set(err, IMAP_ERR_ABORT,
			"cannot verify the server's certificate without a host name");
		goto fail;
	}

	rc = gnutls_certificate_allocate_credentials(&t->cred);
	if (rc < 0) {
		t->cred = NULL;
		err_set(err, IMAP_ERR_ABORT, "cannot start TLS: %s", gnutls_strerror(rc));
		goto fail;
	}
	gnutls_certificate_set_verify_function(t->cred, verify_callback);
	if ((o->pinned_pubkey && tls_parse_pins(t, o->pinned_pubkey, err) < 0) ||
	    load_files(t, o, err) < 0 || setup_session(t, o, err) < 0)
		goto fail;

	rc = run_handshake(t);
	if (rc < 0) {
		handshake_error(t, rc, "TLS handshake", err);
		send_alert(t, rc);
		goto fail;
	}
	/* The callback runs in every full handshake; make sure anyway. */
	if (!t->verify_ran)
		verify_peer(t);
	if (!t->verify_ok && !t->insecure) {
		err_set(err, IMAP_ERR_ABORT, "certificate verification failed for %s: %s",
			tls_who(t), t->verify_reason);
		goto fail;
	}
	if (t->npins && !t->pin_ran)
		tls_check_pin(t);
	if (t->npins && !t->pin_ok) {
		tls_pin_error(t, err);
		goto fail;
	}
	if (check_version(t, err) < 0)
		goto fail;
	t->handshaken = true;
	return &t->base;

fail:
	tls_free(t, NULL);
	return NULL;
}

struct tls_conn *tls_conn_of(struct net_conn *c)
{
	c = net_deflate_inner(c); /* COMPRESS goes above TLS */
	return c && c->ops == &tls_ops ? (struct tls_conn *)c : NULL;
}

bool net_is_tls(struct net_conn *c)
{
	return tls_conn_of(c) != NULL;
}

