/*
 * check_tls.c - the TLS transport (src/net/tls.c) against a real GnuTLS
 * server on loopback (a forked child), and over the child transport (this
 * binary run again with --serve).  The certificates are made at start-up
 * in a temporary directory with GnuTLS's X.509 API and removed at the end.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "net/tls.h"
#include "net/transport.h"
#include "util/base64.h"

/* ------------------------------------------------------------ fixtures */

#define PATH_LEN 160

/* The files made by make_certs(), all in one temporary directory. */
static struct {
	char dir[64];
	char ca[PATH_LEN];         /* the test CA */
	char server_key[PATH_LEN]; /* the key of every server certificate */
	char good[PATH_LEN];       /* localhost + 127.0.0.1, by the CA */
	char wrong[PATH_LEN];      /* mail.example.org, by the CA */
	char expired[PATH_LEN];    /* localhost, 2001-2002, by the CA */
	char future[PATH_LEN];     /* localhost, 2045-2049, by the CA */
	char self[PATH_LEN];       /* localhost + 127.0.0.1, self-signed */
	char client_pem[PATH_LEN]; /* client certificate and key in one file */
	char client_crt[PATH_LEN];
	char client_key[PATH_LEN];
	char empty[PATH_LEN];      /* a PEM-less "CA file" */
	char pub_pem[PATH_LEN];    /* the servers' public key, PEM */
	char pub_der[PATH_LEN];    /* the same, DER */
	char other_pub[PATH_LEN];  /* the client's public key, PEM: not the server's */
	char sysconf[PATH_LEN];    /* a GnuTLS system configuration file */
	char nosysconf[PATH_LEN];  /* a path where there is none */
} P;

/* SHA-256 of the good certificate's DER, "AA:BB:..", and raw. */
static char good_fpr[3 * 32 + 1];
static unsigned char good_sha256[32];
/* "sha256//" + base64 of the SHA-256 of the DER SubjectPublicKeyInfo: of
 * the servers' key (all server certificates share it), of the client's */
static char good_pin[64], other_pin[64];
/* This program, to run it as a server behind the child transport. */
static char self_exe[4096];

#define GEN(call)                                                                   \
	do {                                                                        \
		int rc_ = (call);                                                   \
		if (rc_ < 0) {                                                      \
			fprintf(stderr, "check_tls: %s: %s\n", #call, gnutls_strerror(rc_)); \
			exit(EXIT_FAILURE);                                         \
		}                                                                   \
	} while (0)

enum cert_kind { CERT_CA, CERT_SERVER, CERT_CLIENT };

static time_t utc(int y, int mo, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	return timegm(&tm);
}

static gnutls_x509_privkey_t new_key(void)
{
	gnutls_x509_privkey_t k;

	GEN(gnutls_x509_privkey_init(&k));
	GEN(gnutls_x509_privkey_generate(k, GNUTLS_PK_ECDSA,
					 GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	return k;
}

/* A certificate for key; issuer NULL makes it self-signed. */
static gnutls_x509_crt_t make_cert(enum cert_kind kind, const char *dn, const char *dns,
				   const char *ip4, time_t from, time_t until, unsigned char serial,
				   gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
				   gnutls_x509_privkey_t issuer_key)
{
	gnutls_x509_crt_t crt;
	const char *errpos = NULL;
	unsigned char id[64];
	size_t idlen = sizeof(id);

	GEN(gnutls_x509_crt_init(&crt));
	GEN(gnutls_x509_crt_set_version(crt, 3));
	GEN(gnutls_x509_crt_set_serial(crt, &serial, 1));
	GEN(gnutls_x509_crt_set_activation_time(crt, from));
	GEN(gnutls_x509_crt_set_expiration_time(crt, until));
	GEN(gnutls_x509_crt_set_dn(crt, dn, &errpos));
	GEN(gnutls_x509_crt_set_key(crt, key));
	GEN(gnutls_x509_crt_set_basic_constraints(crt, kind == CERT_CA, -1));
	GEN(gnutls_x509_crt_set_key_usage(crt, kind == CERT_CA
						       ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
						       : GNUTLS_KEY_DIGITAL_SIGNATURE));
	if (kind == CERT_SERVER)
		GEN(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
	if (kind == CERT_CLIENT)
		GEN(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
	if (dns)
		GEN(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, dns,
							 (unsigned)strlen(dns), GNUTLS_FSAN_APPEND));
	if (ip4) {
		unsigned char a[4];
		if (inet_pton(AF_INET, ip4, a) != 1)
			exit(EXIT_FAILURE);
		GEN(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, a, 4,
							 GNUTLS_FSAN_APPEND));
	}
	GEN(gnutls_x509_crt_get_key_id(crt, 0, id, &idlen));
	GEN(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
	if (issuer) {
		idlen = sizeof(id);
		GEN(gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, NULL));
		GEN(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));
	}
	GEN(gnutls_x509_crt_sign2(crt, issuer ? issuer : crt, issuer ? issuer_key : key,
				  GNUTLS_DIG_SHA256, 0));
	return crt;
}

static void write_datum(const char *path, const gnutls_datum_t *d, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (!f || fwrite(d->data, 1, d->size, f) != d->size || fclose(f) != 0) {
		perror(path);
		exit(EXIT_FAILURE);
	}
}

static void write_cert(const char *path, gnutls_x509_crt_t crt, const char *mode)
{
	gnutls_datum_t d;

	GEN(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d));
	write_datum(path, &d, mode);
	gnutls_free(d.data);
}

static void write_key(const char *path, gnutls_x509_privkey_t key, const char *mode)
{
	gnutls_datum_t d;

	GEN(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
					      &d));
	write_datum(path, &d, mode);
	gnutls_free(d.data);
}

static void set_path(char *out, const char *name)
{
	snprintf(out, PATH_LEN, "%s/%s", P.dir, name);
}

/* Writes crt's public key to pem_path (and der_path) and its pin to pin. */
static void write_pubkey(gnutls_x509_crt_t crt, const char *pem_path, const char *der_path,
			 char *pin, size_t pinlen)
{
	gnutls_pubkey_t key;
	gnutls_datum_t d;
	unsigned char md[32];
	struct buf b = BUF_INIT;

	GEN(gnutls_pubkey_init(&key));
	GEN(gnutls_pubkey_import_x509(key, crt, 0));
	GEN(gnutls_pubkey_export2(key, GNUTLS_X509_FMT_PEM, &d));
	write_datum(pem_path, &d, "w");
	gnutls_free(d.data);
	GEN(gnutls_pubkey_export2(key, GNUTLS_X509_FMT_DER, &d));
	if (der_path)
		write_datum(der_path, &d, "w");
	GEN(gnutls_hash_fast(GNUTLS_DIG_SHA256, d.data, d.size, md));
	gnutls_free(d.data);
	gnutls_pubkey_deinit(key);
	base64_encode(md, sizeof(md), &b);
	snprintf(pin, pinlen, "sha256//%s", b.buf);
	buf_release(&b);
}

static void make_certs(void)
{
	gnutls_x509_privkey_t ca_key, srv_key, cli_key;
	gnutls_x509_crt_t ca, crt;
	gnutls_datum_t der;
	time_t from = utc(2020, 1, 1), until = utc(2049, 12, 31) + 86399;
	size_t i;

	snprintf(P.dir, sizeof(P.dir), "/tmp/check_tls.XXXXXX");
	if (!mkdtemp(P.dir)) {
		perror("mkdtemp");
		exit(EXIT_FAILURE);
	}
	set_path(P.ca, "ca.pem");
	set_path(P.server_key, "server.key");
	set_path(P.good, "good.pem");
	set_path(P.wrong, "wrong.pem");
	set_path(P.expired, "expired.pem");
	set_path(P.future, "future.pem");
	set_path(P.self, "self.pem");
	set_path(P.client_pem, "client.pem");
	set_path(P.client_crt, "client.crt");
	set_path(P.client_key, "client.key");
	set_path(P.empty, "empty.pem");
	set_path(P.pub_pem, "pub.pem");
	set_path(P.pub_der, "pub.der");
	set_path(P.other_pub, "other-pub.pem");
	set_path(P.sysconf, "gnutls.config");
	set_path(P.nosysconf, "no-such-gnutls.config");

	ca_key = new_key();
	srv_key = new_key();
	cli_key = new_key();
	ca = make_cert(CERT_CA, "CN=imapsh test CA,O=imapsh tests", NULL, NULL, from, until, 1,
		       ca_key, NULL, NULL);
	write_cert(P.ca, ca, "w");
	write_key(P.server_key, srv_key, "w");

	crt = make_cert(CERT_SERVER, "CN=localhost,O=imapsh tests", "localhost", "127.0.0.1",
			from, until, 2, srv_key, ca, ca_key);
	write_cert(P.good, crt, "w");
	GEN(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
	GEN(gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, good_sha256));
	good_fpr[0] = '\0';
	for (i = 0; i < sizeof(good_sha256); i++) {
		char hex[4];
		snprintf(hex, sizeof(hex), "%s%02X", i ? ":" : "", good_sha256[i]);
		strcat(good_fpr, hex);
	}
	gnutls_free(der.data);
	write_pubkey(crt, P.pub_pem, P.pub_der, good_pin, sizeof(good_pin));
	gnutls_x509_crt_deinit(crt);

	crt = make_cert(CERT_SERVER, "CN=mail.example.org", "mail.example.org", NULL, from,
			until, 3, srv_key, ca, ca_key);
	write_cert(P.wrong, crt, "w");
	gnutls_x509_crt_deinit(crt);

	crt = make_cert(CERT_SERVER, "CN=localhost", "localhost", "127.0.0.1", utc(2001, 1, 1),
			utc(2002, 1, 1), 4, srv_key, ca, ca_key);
	write_cert(P.expired, crt, "w");
	gnutls_x509_crt_deinit(crt);

	crt = make_cert(CERT_SERVER, "CN=localhost", "localhost", "127.0.0.1", utc(2045, 1, 1),
			utc(2049, 1, 1), 5, srv_key, ca, ca_key);
	write_cert(P.future, crt, "w");
	gnutls_x509_crt_deinit(crt);

	crt = make_cert(CERT_SERVER, "CN=localhost", "localhost", "127.0.0.1", from, until, 6,
			srv_key, NULL, NULL);
	write_cert(P.self, crt, "w");
	gnutls_x509_crt_deinit(crt);

	crt = make_cert(CERT_CLIENT, "CN=imapsh test client", NULL, NULL, from, until, 7, cli_key,
			ca, ca_key);
	write_cert(P.client_crt, crt, "w");
	write_key(P.client_key, cli_key, "w");
	write_cert(P.client_pem, crt, "w");
	write_key(P.client_pem, cli_key, "a");
	write_pubkey(crt, P.other_pub, NULL, other_pin, sizeof(other_pin));
	gnutls_x509_crt_deinit(crt);

	{
		gnutls_datum_t d = { (unsigned char *)"not a certificate\n", 18 };
		write_datum(P.empty, &d, "w");
	}
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_privkey_deinit(ca_key);
	gnutls_x509_privkey_deinit(srv_key);
	gnutls_x509_privkey_deinit(cli_key);
}

static void remove_certs(void)
{
	const char *files[] = { P.ca, P.server_key, P.good, P.wrong, P.expired, P.future,
				P.self, P.client_pem, P.client_crt, P.client_key, P.empty,
				P.pub_pem, P.pub_der, P.other_pub, P.sysconf };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(P.dir);
}

/* ------------------------------------------------------------ the server */

enum srv_mode {
	SRV_ECHO,    /* greeting, then echo until close_notify, then bye */
	SRV_SILENT,  /* greeting, then nothing until the client goes */
	SRV_NO_BYE,  /* greeting, then TCP FIN without close_notify */
	SRV_BYE,     /* greeting, then close_notify */
	SRV_PLAIN,   /* no TLS: a plain IMAP greeting */
	SRV_RENEGOTIATE, /* greeting, TLS 1.2 renegotiation, "* OK again", bye */
	SRV_HANGUP,  /* no TLS: reads the ClientHello and closes */
};

struct srv_opts {
	const char *crt;
	const char *priority; /* NULL: NORMAL */
	bool require_client;
	enum srv_mode mode;
	const char *alpn;     /* the one ALPN protocol it knows; NULL: no ALPN */
};

static void hex(char *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* The hex of b's bytes, into out. */
static const char *hex_of(const struct buf *b, char *out, size_t n)
{
	ck_assert_uint_lt(2 * b->len, n);
	hex(out, (const unsigned char *)b->buf, b->len);
	return out;
}

static int send_all(gnutls_session_t s, const char *p, size_t n)
{
	while (n) {
		ssize_t k = gnutls_record_send(s, p, n);
		if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
			continue;
		if (k < 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads the raw socket until the peer closes it. */
static void drain(int fd)
{
	char tmp[4096];

	while (read(fd, tmp, sizeof(tmp)) > 0)
		;
}

/*
 * One TLS session on in/out.  The greeting is one record:
 * "* OK|sni=..|client=<DN or ->|vstatus=N|proto=..|cipher=..|suite=..|cb=<hex>
 *  |alpn=<protocol or ->|ems=<0 or 1>\r\n"
 * (cb: tls-exporter under TLS 1.3, tls-unique under 1.2; ems: the extended
 * master secret, RFC 7627).
 * Exit codes: 0 fine, 2 handshake failed, 3 setup failed, 5 I/O error.
 */
/* Plain read()/write() for the server's record layer: GnuTLS's own
 * functions use send()/recv(), which a pipe (the child transport's
 * stdin and stdout) refuses. */
static ssize_t fd_pull(gnutls_transport_ptr_t p, void *buf, size_t n)
{
	return read((int)(intptr_t)p, buf, n);
}

static ssize_t fd_push(gnutls_transport_ptr_t p, const void *buf, size_t n)
{
	return write((int)(intptr_t)p, buf, n);
}

static int fd_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct pollfd pfd = { .fd = (int)(intptr_t)p, .events = POLLIN };

	return poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

static int fd_errno(gnutls_transport_ptr_t p)
{
	(void)p;
	return errno;
}

static int serve(int in, int out, const struct srv_opts *so)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	char greet[1024], sni[256] = "-", client[256] = "-", cbhex[200] = "", alpn[64] = "-";
	static char data[65536];
	unsigned vstatus = 0;
	int rc, code = 0;

	signal(SIGPIPE, SIG_IGN);
	if (so->mode == SRV_PLAIN) {
		static const char g[] = "* OK IMAP4rev1 ready\r\n";
		if (write(out, g, sizeof(g) - 1) < 0)
			return 5;
		drain(in);
		return 0;
	}
	if (so->mode == SRV_HANGUP) {
		usleep(100 * 1000); /* all of the ClientHello, so close() sends no RST */
		if (read(in, data, sizeof(data)) <= 0)
			return 5;
		return 0;
	}
	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return 3;
	if (gnutls_certificate_set_x509_key_file2(cred, so->crt, P.server_key,
						  GNUTLS_X509_FMT_PEM, NULL, 0) < 0 ||
	    (so->require_client &&
	     gnutls_certificate_set_x509_trust_file(cred, P.ca, GNUTLS_X509_FMT_PEM) <= 0) ||
	    gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NO_SIGNAL) < 0) {
		code = 3;
		goto done;
	}
	if (gnutls_priority_set_direct(s, so->priority ? so->priority : "NORMAL", NULL) < 0 ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred) < 0) {
		code = 3;
		goto done;
	}
	if (so->require_client)
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	if (so->alpn) {
		gnutls_datum_t proto = { (unsigned char *)so->alpn, (unsigned)strlen(so->alpn) };
		if (gnutls_alpn_set_protocols(s, &proto, 1, 0) < 0) {
			code = 3;
			goto done;
		}
	}
	gnutls_transport_set_ptr2(s, (gnutls_transport_ptr_t)(intptr_t)in,
				  (gnutls_transport_ptr_t)(intptr_t)out);
	gnutls_transport_set_pull_function(s, fd_pull);
	gnutls_transport_set_push_function(s, fd_push);
	gnutls_transport_set_pull_timeout_function(s, fd_pull_timeout);
	gnutls_transport_set_errno_function(s, fd_errno);
	gnutls_handshake_set_timeout(s, 5000);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		gnutls_alert_send_appropriate(s, rc); /* tell the client why */
		code = 2;
		goto done;
	}

	{
		size_t n = sizeof(sni) - 1;
		unsigned type;
		if (gnutls_server_name_get(s, sni, &n, &type, 0) < 0)
			strcpy(sni, "-");
	}
	{
		unsigned n = 0;
		const gnutls_datum_t *list = gnutls_certificate_get_peers(s, &n);
		if (list && n) {
			gnutls_x509_crt_t crt;
			gnutls_datum_t dn = { NULL, 0 };
			gnutls_x509_crt_init(&crt);
			if (gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) == 0 &&
			    gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0)
				snprintf(client, sizeof(client), "%s", (char *)dn.data);
			gnutls_free(dn.data);
			gnutls_x509_crt_deinit(crt);
			if (gnutls_certificate_verify_peers2(s, &vstatus) < 0)
				vstatus = 0xffff;
		}
	}
	{
		gnutls_datum_t cb = { NULL, 0 };
		bool v13 = gnutls_protocol_get_version(s) == GNUTLS_TLS1_3;
		if (gnutls_session_channel_binding(s, v13 ? GNUTLS_CB_TLS_EXPORTER
							 : GNUTLS_CB_TLS_UNIQUE, &cb) == 0 &&
		    cb.size <= 64)
			hex(cbhex, cb.data, cb.size);
		gnutls_free(cb.data);
	}
	{
		gnutls_datum_t proto = { NULL, 0 };
		if (gnutls_alpn_get_selected_protocol(s, &proto) == 0 && proto.size < 64)
			snprintf(alpn, sizeof(alpn), "%.*s", (int)proto.size, (char *)proto.data);
	}
	snprintf(greet, sizeof(greet),
		 "* OK|sni=%s|client=%s|vstatus=%u|proto=%s|cipher=%s|suite=%s|cb=%s|alpn=%s"
		 "|ems=%u\r\n", sni, client, vstatus,
		 gnutls_protocol_get_name(gnutls_protocol_get_version(s)),
		 gnutls_cipher_get_name(gnutls_cipher_get(s)), gnutls_ciphersuite_get(s), cbhex,
		 alpn, gnutls_session_ext_master_secret_status(s));
	if (send_all(s, greet, strlen(greet)) < 0) {
		code = 5;
		goto done;
	}

	switch (so->mode) {
	case SRV_ECHO:
		for (;;) {
			ssize_t n = gnutls_record_recv(s, data, sizeof(data));
			if (n == 0) {
				gnutls_bye(s, GNUTLS_SHUT_WR);
				break;
			}
			if (n < 0) {
				if (!gnutls_error_is_fatal((int)n))
					continue;
				code = 5;
				break;
			}
			if (send_all(s, data, (size_t)n) < 0) {
				code = 5;
				break;
			}
		}
		break;
	case SRV_SILENT:
		for (;;) {
			ssize_t n = gnutls_record_recv(s, data, sizeof(data));
			if (n == 0 || (n < 0 && gnutls_error_is_fatal((int)n)))
				break;
		}
		break;
	case SRV_NO_BYE:
		shutdown(out, SHUT_WR);
		drain(in);
		break;
	case SRV_BYE:
		gnutls_bye(s, GNUTLS_SHUT_WR);
		drain(in);
		break;
	case SRV_RENEGOTIATE:
		if (gnutls_rehandshake(s) < 0) {
			code = 5;
			break;
		}
		do
			rc = gnutls_handshake(s);
		while (rc < 0 && !gnutls_error_is_fatal(rc));
		if (rc < 0 || send_all(s, "* OK again\r\n", 12) < 0) {
			code = 5;
			break;
		}
		gnutls_bye(s, GNUTLS_SHUT_WR);
		drain(in);
		break;
	case SRV_PLAIN:
	case SRV_HANGUP:
		break;
	}
done:
	if (s)
		gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	return code;
}

struct srv {
	pid_t pid;
	char port[16];
};

/* A listening socket on 127.0.0.1, port 0; its port goes to port. */
static int listener(char *port, size_t portlen)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(port, portlen, "%u", ntohs(sa.sin_port));
	return fd;
}

/* Forks a server for one connection on a fresh port. */
static void srv_start(struct srv *sv, const struct srv_opts *so)
{
	int lfd = listener(sv->port, sizeof(sv->port));

	sv->pid = fork();
	ck_assert_int_ge(sv->pid, 0);
	if (sv->pid == 0) {
		int fd;
		alarm(10);
		fd = accept(lfd, NULL, NULL);
		close(lfd);
		_exit(fd < 0 ? 4 : serve(fd, fd, so));
	}
	close(lfd);
}

/* The server's exit status (it is killed after 3 s): 0..255, or -signal. */
static int srv_wait(struct srv *sv)
{
	int status, waited;

	for (waited = 0; waited < 3000; waited += 10) {
		if (waitpid(sv->pid, &status, WNOHANG) == sv->pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
		usleep(10000);
	}
	kill(sv->pid, SIGKILL);
	waitpid(sv->pid, &status, 0);
	return -SIGKILL;
}

/* ------------------------------------------------------------ client helpers */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct net_tls_opts default_opts(void)
{
	struct net_tls_opts o;

	memset(&o, 0, sizeof(o));
	o.host = "localhost";
	o.cafile = P.ca;
	o.timeout_ms = 3000;
	return o;
}

static struct net_conn *tls_to(const char *port, const struct net_tls_opts *o,
			       struct imap_err *err)
{
	struct net_conn *tcp = net_tcp_connect("127.0.0.1", port, 2000, err);

	ck_assert_msg(tcp != NULL, "connect: %s", err->msg);
	return net_tls_wrap(tcp, o, err);
}

/* Reads until want bytes, EOF or error; returns the count. */
static size_t read_all(struct net_conn *c, char *buf, size_t want, struct imap_err *err)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = net_read(c, buf + got, want - got, err);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Reads one CRLF line (the greeting) into b. */
static void read_line(struct net_conn *c, struct buf *b)
{
	struct imap_err err = IMAP_ERR_INIT;
	char ch;

	while (b->len < 2 || memcmp(b->buf + b->len - 2, "\r\n", 2) != 0) {
		ssize_t n = net_read(c, &ch, 1, &err);
		ck_assert_msg(n == 1, "read: %zd %s", n, err.msg);
		buf_addch(b, ch);
	}
}

/* The value of "|key=" in a greeting. */
static const char *field(const char *greet, const char *key, char *out, size_t n)
{
	char pat[32];
	const char *p;
	size_t len;

	snprintf(pat, sizeof(pat), "|%s=", key);
	p = strstr(greet, pat);
	ck_assert_msg(p != NULL, "no %s in %s", key, greet);
	p += strlen(pat);
	len = strcspn(p, "|\r");
	snprintf(out, n, "%.*s", (int)len, p);
	return out;
}

/* Checks the greeting's fields: want is "key=value|key=value..." (a value
 * may hold "="), "" for none. */
static void check_fields(const char *greet, const char *want)
{
	while (*want) {
		size_t len = strcspn(want, "|"), klen = strcspn(want, "=");
		char key[32], value[256], v[256];

		ck_assert_msg(klen < len, "bad field list %s", want);
		snprintf(key, sizeof(key), "%.*s", (int)klen, want);
		snprintf(value, sizeof(value), "%.*s", (int)(len - klen - 1), want + klen + 1);
		ck_assert_str_eq(field(greet, key, v, sizeof(v)), value);
		want += len + (want[len] == '|');
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A TCP connection to a listener that never says a word (the kernel
 * accepts for it); the listener goes to *lfd, to close after. */
static struct net_conn *silent_tcp(int *lfd)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct net_conn *tcp;
	char port[16];

	*lfd = listener(port, sizeof(port));
	tcp = net_tcp_connect("127.0.0.1", port, 2000, &err);
	ck_assert_msg(tcp != NULL, "connect: %s", err.msg);
	return tcp;
}

/* One connection to a server forked for it. */
struct conn {
	struct srv sv;
	struct net_conn *c;  /* NULL: the wrap failed with err */
	struct imap_err err;
	struct buf g;        /* the greeting, once read */
};

/* Starts a server with so and wraps a connection to it with o. */
static struct net_conn *conn_try(struct conn *k, const struct srv_opts *so,
				 const struct net_tls_opts *o)
{
	k->err = (struct imap_err)IMAP_ERR_INIT;
	k->g = (struct buf)BUF_INIT;
	srv_start(&k->sv, so);
	k->c = tls_to(k->sv.port, o, &k->err);
	return k->c;
}

/* The same, where the connection must work; name says which case. */
static struct net_conn *conn_open(struct conn *k, const struct srv_opts *so,
				  const struct net_tls_opts *o, const char *name)
{
	ck_assert_msg(conn_try(k, so, o) != NULL, "%s: wrap: %s", name, k->err.msg);
	return k->c;
}

/* Reads the server's greeting into k->g. */
static const char *greeting(struct conn *k)
{
	read_line(k->c, &k->g);
	return k->g.buf;
}

/* Closes the connection (if any); the server's exit status (srv_wait). */
static int conn_close(struct conn *k)
{
	if (k->c)
		net_close(k->c, NULL);
	k->c = NULL;
	buf_release(&k->g);
	return srv_wait(&k->sv);
}

/* ------------------------------------------------------------ the tables' strings */

/*
 * The tables below name the paths and pins made at start-up as {name} in
 * their strings (expand() fills them in): {ca}, {empty}, {client_crt},
 * {client_key}, {server_key}, {good_pin}, {other_pin}; {x256} is 256
 * "x"s and {key_mismatch} GnuTLS's text for a key that does not belong
 * to its certificate.  NONE, a whole string, is no value (NULL).
 */
#define NONE "{none}"

static const char *token(const char *name, size_t len)
{
	static const struct {
		const char *name, *value;
	} t[] = {
		{ "ca", P.ca },
		{ "empty", P.empty },
		{ "client_crt", P.client_crt },
		{ "client_key", P.client_key },
		{ "server_key", P.server_key },
		{ "good_pin", good_pin },
		{ "other_pin", other_pin },
	};
	static char x256[257];
	size_t i;

	for (i = 0; i < N(t); i++)
		if (strlen(t[i].name) == len && !memcmp(t[i].name, name, len))
			return t[i].value;
	if (len == 4 && !memcmp(name, "x256", 4)) {
		memset(x256, 'x', 256);
		return x256;
	}
	if (len == 12 && !memcmp(name, "key_mismatch", 12))
		return gnutls_strerror(GNUTLS_E_CERTIFICATE_KEY_MISMATCH);
	ck_abort_msg("no string {%.*s}", (int)len, name);
	return NULL;
}

/* Room for the strings one case expands. */
struct expanded {
	char s[8][512];
	size_t n;
};

/* tmpl with its {name}s filled in, in e; NULL for NONE. */
static const char *x(struct expanded *e, const char *tmpl)
{
	char *out;
	size_t len = 0;

	if (!strcmp(tmpl, NONE))
		return NULL;
	ck_assert_uint_lt(e->n, N(e->s));
	out = e->s[e->n++];
	while (*tmpl) {
		const char *v = tmpl, *end = *tmpl == '{' ? strchr(tmpl, '}') : NULL;
		size_t k = 1;

		if (end) {
			v = token(tmpl + 1, (size_t)(end - tmpl - 1));
			k = strlen(v);
			tmpl = end + 1;
		} else {
			tmpl++;
		}
		ck_assert_uint_lt(len + k, sizeof(e->s[0]));
		memcpy(out + len, v, k);
		len += k;
	}
	out[len] = '\0';
	return out;
}

/* What a case changes in default_opts(): NULL keeps its value (a host of
 * localhost, our CA, no client certificate, ...), NONE takes it away. */
struct client {
	const char *host, *cafile, *certfile, *keyfile, *priority, *alpn, *pin;
	bool insecure;
};

static struct net_tls_opts client_opts(const struct client *cl, struct expanded *e)
{
	struct net_tls_opts o = default_opts();
	const struct {
		const char *const *from;
		const char **to;
	} f[] = {
		{ &cl->host, &o.host }, { &cl->cafile, &o.cafile },
		{ &cl->certfile, &o.certfile }, { &cl->keyfile, &o.keyfile },
		{ &cl->priority, &o.priority }, { &cl->alpn, &o.alpn },
		{ &cl->pin, &o.pinned_pubkey },
	};
	size_t i;

	e->n = 0;
	for (i = 0; i < N(f); i++)
		if (*f[i].from)
			*f[i].to = x(e, *f[i].from);
	o.insecure = cl->insecure;
	return o;
}

/* A case's client that changes nothing. */
#define AS_IS { .host = NULL }

/* A server's exit status a case does not check. */
#define ANY_STATUS (-1000)

/* ------------------------------------------------------------ verified connections */

START_TEST(test_good_echo)
{
	struct srv_opts so = { .crt = P.good, .mode = SRV_ECHO };
	struct net_tls_opts o = default_opts();
	static char big[40000], back[40000];
	struct net_conn *c;
	struct conn k;
	char got[64];
	size_t i;

	c = conn_open(&k, &so, &o, "good_echo");
	ck_assert(net_is_tls(c));
	ck_assert_str_eq(c->ops->name, "tls");
	ck_assert_int_eq(c->timeout_ms, 3000);

	/* server -> client */
	check_fields(greeting(&k), "sni=localhost|client=-|proto=TLS1.3");

	/* client -> server -> client, small and over several records */
	ck_assert_int_eq(net_write(c, "a1 NOOP\r\n", 9, &k.err), 0);
	ck_assert_uint_eq(read_all(c, got, 9, &k.err), 9);
	ck_assert_int_eq(memcmp(got, "a1 NOOP\r\n", 9), 0);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	ck_assert_int_eq(net_write(c, big, sizeof(big), &k.err), 0);
	ck_assert_uint_eq(read_all(c, back, sizeof(back), &k.err), sizeof(back));
	ck_assert_int_eq(memcmp(big, back, sizeof(big)), 0);

	/* our close_notify, then the server's: a clean end */
	ck_assert_int_eq(c->ops->shutdown_write(c, &k.err), 0);
	ck_assert_int_eq(net_read(c, got, sizeof(got), &k.err), 0);
	ck_assert_int_eq(k.err.kind, IMAP_ERR_NONE);
	ck_assert_int_eq(conn_close(&k), 0);
}
END_TEST

START_TEST(test_info_describe_pending)
{
	struct srv_opts so = { .crt = P.good, .mode = SRV_ECHO };
	struct net_tls_opts o = default_opts();
	struct buf info = BUF_INIT, want = BUF_INIT, desc = BUF_INIT;
	char cipher[64], suite[64], prefix[256], rest[1024];
	struct net_conn *c;
	struct conn k;
	size_t pend;
	ssize_t n;

	c = conn_open(&k, &so, &o, "info_describe_pending");

	/* the greeting is one record: after 4 bytes the rest is buffered */
	ck_assert_uint_eq(c->ops->pending(c), 0);
	ck_assert_uint_eq(read_all(c, rest, 4, &k.err), 4);
	ck_assert_int_eq(memcmp(rest, "* OK", 4), 0);
	pend = c->ops->pending(c);
	ck_assert_uint_gt(pend, 20);
	n = net_read(c, rest, sizeof(rest) - 1, &k.err);
	ck_assert_int_eq(n, (ssize_t)pend);
	ck_assert_uint_eq(c->ops->pending(c), 0);
	rest[n] = '\0';
	ck_assert_str_eq(rest + n - 2, "\r\n");
	buf_adds(&k.g, "* OK");
	buf_adds(&k.g, rest);
	field(k.g.buf, "cipher", cipher, sizeof(cipher));
	field(k.g.buf, "suite", suite, sizeof(suite));

	net_describe(c, &desc);
	snprintf(prefix, sizeof(prefix), "tls (TLS1.3, %s) over tcp 127.0.0.1:%s (local 127.0.0.1:",
		 cipher, k.sv.port);
	ck_assert_msg(strncmp(desc.buf, prefix, strlen(prefix)) == 0, "describe: %s", desc.buf);
	ck_assert_int_ge(c->ops->pollfd(c), 0);

	ck_assert_int_eq(net_tls_info(c, &info), 0);
	buf_addf(&want,
		 "protocol: TLS1.3\n"
		 "cipher: %s (%s)\n"
		 "subject: CN=localhost,O=imapsh tests\n"
		 "issuer: CN=imapsh test CA,O=imapsh tests\n"
		 "not before: 2020-01-01T00:00:00Z\n"
		 "not after: 2049-12-31T23:59:59Z\n"
		 "sha256 fingerprint: %s\n"
		 "public key: %s\n"
		 "verified: yes",
		 cipher, suite, good_fpr, good_pin);
	ck_assert_str_eq(info.buf, want.buf);

	ck_assert_int_eq(conn_close(&k), 0);
	buf_release(&info);
	buf_release(&want);
	buf_release(&desc);
}
END_TEST

/*
 * Connections that work, and what the server and net_tls_info see of
 * them.  The server's greeting (see serve) is read only where a case
 * checks its fields ("" reads it, checking none).
 */
static const struct conn_case {
	const char *name;      /* the test it comes from */
	struct srv_opts srv;
	struct client cl;
	const char *fields;    /* the greeting's, as check_fields; NULL: not read */
	const char *echo;      /* sent, and expected back; NULL: none */
	const char *info_has;  /* net_tls_info holds it; NULL: no check */
	const char *info_lacks; /* ... does not hold it */
	const char *info_tail; /* ... ends with it */
	int srv_status;        /* the server's exit status, or ANY_STATUS */
} conn_cases[] = {
	/* verified against the IP SAN; no SNI for an address */
	{ "ip_address_host", { .crt = P.good, .mode = SRV_BYE }, { .host = "127.0.0.1" },
	  "sni=-", NULL, "\nverified: yes", NULL, NULL, 0 },
	{ "insecure", { .crt = P.self, .mode = SRV_ECHO }, { .insecure = true },
	  "", "x\r\n", "\nissuer: CN=localhost\n", NULL,
	  "\nverified: no (--insecure)\n"
	  "verification: would have failed: the certificate is self-signed", 0 },
	{ "insecure_would_pass", { .crt = P.good, .mode = SRV_BYE }, { .insecure = true },
	  NULL, NULL, NULL, NULL, "\nverified: no (--insecure)\nverification: would have passed", 0 },

	/* client certificates: one file with both, or the key apart */
	{ "client_cert_one_file", { .crt = P.good, .require_client = true, .mode = SRV_BYE },
	  { .certfile = P.client_pem }, "client=CN=imapsh test client|vstatus=0",
	  NULL, NULL, NULL, NULL, 0 },
	{ "client_cert_key_file", { .crt = P.good, .require_client = true, .mode = SRV_BYE },
	  { .certfile = P.client_crt, .keyfile = P.client_key },
	  "client=CN=imapsh test client|vstatus=0", NULL, NULL, NULL, NULL, 0 },

	/* ALPN: we offer the caller's protocol, "imap" for imapsh (RFC
	 * 7301; tls.c knows nothing of IMAP); a server without ALPN, or
	 * with other protocols only, is fine */
	{ "alpn", { .crt = P.good, .mode = SRV_BYE, .alpn = "imap" }, { .alpn = "imap" },
	  "alpn=imap", NULL, "\nalpn: imap\n", NULL, NULL, 0 },
	{ "alpn/server without", { .crt = P.good, .mode = SRV_BYE }, { .alpn = "imap" },
	  "alpn=-", NULL, NULL, "\nalpn: imap\n", NULL, 0 },
	{ "alpn/server h2", { .crt = P.good, .mode = SRV_BYE, .alpn = "h2" }, { .alpn = "imap" },
	  "alpn=-", NULL, NULL, "\nalpn: imap\n", NULL, 0 },
	{ "alpn/client without", { .crt = P.good, .mode = SRV_BYE, .alpn = "imap" }, { .alpn = NULL },
	  "alpn=-", NULL, NULL, "\nalpn: imap\n", NULL, 0 },

	/* public key pinning */
	{ "pinned_pubkey", { .crt = P.good, .mode = SRV_BYE }, { .pin = "{good_pin}" },
	  NULL, NULL, NULL, NULL, "\npinned public key: matched ({good_pin})", 0 },
	/* one of several */
	{ "pinned_pubkey/several", { .crt = P.good, .mode = SRV_BYE },
	  { .pin = "{other_pin};{good_pin}" },
	  NULL, NULL, NULL, NULL, "\npinned public key: matched ({good_pin})", 0 },
	/* a PEM public key file */
	{ "pinned_pubkey/pem", { .crt = P.good, .mode = SRV_BYE }, { .pin = P.pub_pem },
	  NULL, NULL, NULL, NULL, "\npinned public key: matched ({good_pin})", 0 },
	/* a DER one */
	{ "pinned_pubkey/der", { .crt = P.good, .mode = SRV_BYE }, { .pin = P.pub_der },
	  NULL, NULL, NULL, NULL, "\npinned public key: matched ({good_pin})", 0 },
	/* with insecure the pin is still checked: a self-signed server is
	 * fine when its key is the pinned one */
	{ "pinned_pubkey/insecure", { .crt = P.self, .mode = SRV_BYE },
	  { .pin = "{good_pin}", .insecure = true },
	  NULL, NULL, NULL, NULL, "\npinned public key: matched ({good_pin})", 0 },

	/* priority strings that allow TLS 1.0 or 1.1 (the floor cases in
	 * fail_cases) against a modern server: fine */
	{ "priority_string_keeps_floor/1.1 vs NORMAL", { .crt = P.good, .priority = "NORMAL",
	  .mode = SRV_SILENT }, { .priority = "NORMAL:+VERS-TLS1.1" },
	  NULL, NULL, NULL, NULL, NULL, ANY_STATUS },
	{ "priority_string_keeps_floor/1.0 vs 1.2", { .crt = P.good,
	  .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2", .mode = SRV_SILENT },
	  { .priority = "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1" },
	  NULL, NULL, NULL, NULL, NULL, ANY_STATUS },
};

START_TEST(test_connection)
{
	const struct conn_case *t = &conn_cases[_i];
	struct expanded e;
	struct net_tls_opts o = client_opts(&t->cl, &e);
	struct buf info = BUF_INIT;
	struct conn k;
	int status;

	conn_open(&k, &t->srv, &o, t->name);
	if (t->fields)
		check_fields(greeting(&k), t->fields);
	if (t->echo) {
		size_t n = strlen(t->echo);
		char got[16];

		ck_assert_uint_lt(n, sizeof(got));
		ck_assert_int_eq(net_write(k.c, t->echo, n, &k.err), 0);
		ck_assert_uint_eq(read_all(k.c, got, n, &k.err), n);
		ck_assert_int_eq(memcmp(got, t->echo, n), 0);
	}
	if (t->info_has || t->info_lacks || t->info_tail) {
		ck_assert_int_eq(net_tls_info(k.c, &info), 0);
		if (t->info_has)
			ck_assert_msg(strstr(info.buf, x(&e, t->info_has)) != NULL,
				      "%s: no \"%s\" in %s", t->name, t->info_has, info.buf);
		if (t->info_lacks)
			ck_assert_msg(strstr(info.buf, x(&e, t->info_lacks)) == NULL,
				      "%s: \"%s\" in %s", t->name, t->info_lacks, info.buf);
		if (t->info_tail) {
			const char *tail = x(&e, t->info_tail);
			ck_assert_uint_ge(info.len, strlen(tail));
			ck_assert_str_eq(info.buf + info.len - strlen(tail), tail);
		}
	}
	status = conn_close(&k);
	if (t->srv_status != ANY_STATUS)
		ck_assert_int_eq(status, t->srv_status);
	buf_release(&info);
}
END_TEST

/* ------------------------------------------------------------ handshake failures */

#define VERIFY_FAILED "certificate verification failed for localhost: "
#define UNDER_FLOOR(v) "TLS handshake with localhost failed: the server chose " v "; imapsh " \
	"needs TLS 1.2 or newer (RFC 8996), whatever the priority string allows"
#define PIN_MISMATCH "public key pinning failed for localhost: the server's public key is " \
	"{good_pin}, expected {other_pin}"

/* Connections that the handshake ends: no connection, and this error. */
static const struct fail_case {
	const char *name;      /* the test it comes from */
	struct srv_opts srv;
	struct client cl;
	const char *msg;
	int srv_status;        /* the server's exit status, or ANY_STATUS */
} fail_cases[] = {
	/* the system store does not know our CA */
	{ "unknown_ca", { .crt = P.good, .mode = SRV_ECHO }, { .cafile = NONE },
	  VERIFY_FAILED "the certificate issuer is unknown", 2 },
	{ "self_signed", { .crt = P.self, .mode = SRV_ECHO }, AS_IS,
	  VERIFY_FAILED "the certificate is self-signed", 2 },
	{ "wrong_name", { .crt = P.wrong, .mode = SRV_ECHO }, AS_IS,
	  VERIFY_FAILED "the certificate does not match the host name localhost", 2 },
	{ "wrong_name/ip", { .crt = P.wrong, .mode = SRV_ECHO }, { .host = "127.0.0.1" },
	  "certificate verification failed for 127.0.0.1: "
	  "the certificate does not match the host name 127.0.0.1", 2 },
	{ "expired", { .crt = P.expired, .mode = SRV_ECHO }, AS_IS,
	  VERIFY_FAILED "the certificate has expired (on 2002-01-01T00:00:00Z)", 2 },
	{ "not_yet_valid", { .crt = P.future, .mode = SRV_ECHO }, AS_IS,
	  VERIFY_FAILED "the certificate is not yet valid (valid from 2045-01-01T00:00:00Z)", 2 },

	/* TLS 1.1 is below our default minimum */
	{ "old_server_refused", { .crt = P.good, .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.1",
	  .mode = SRV_ECHO }, AS_IS,
	  "TLS handshake with localhost failed: no common TLS version "
	  "(imapsh needs TLS 1.2 or newer)", 2 },
	/* a priority string may allow TLS 1.0 or 1.1 to GnuTLS; we still
	 * refuse the session once the handshake settles on it */
	{ "priority_string_keeps_floor/1.1", { .crt = P.good,
	  .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.1", .mode = SRV_SILENT },
	  { .priority = "NORMAL:+VERS-TLS1.1" }, UNDER_FLOOR("TLS1.1"), ANY_STATUS },
	{ "priority_string_keeps_floor/1.0", { .crt = P.good,
	  .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.0", .mode = SRV_SILENT },
	  { .priority = "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1" }, UNDER_FLOOR("TLS1.0"), ANY_STATUS },
	/* a priority string without TLS 1.2 or 1.3 at all */
	{ "priority_string_keeps_floor/none", { .crt = P.good,
	  .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", .mode = SRV_SILENT },
	  { .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.1" },
	  "TLS handshake with localhost failed: no common TLS version (imapsh needs TLS 1.2 "
	  "or newer, and what the priority string allows)", ANY_STATUS },

	/* servers that do not do TLS */
	{ "plaintext_server", { .crt = NULL, .mode = SRV_PLAIN }, AS_IS,
	  "TLS handshake with localhost failed: the server does not speak TLS "
	  "here, it sent \"* OK IMAP4rev1 ready\" (plain IMAP needs STARTTLS)", 0 },
	{ "hangup_in_handshake", { .crt = NULL, .mode = SRV_HANGUP }, AS_IS,
	  "TLS handshake with localhost failed: the server closed the connection", 0 },

	/* public key pinning */
	{ "pinned_pubkey/other", { .crt = P.good, .mode = SRV_BYE }, { .pin = "{other_pin}" },
	  PIN_MISMATCH, 2 },
	/* the file's key, as a pin */
	{ "pinned_pubkey/other file", { .crt = P.good, .mode = SRV_BYE }, { .pin = P.other_pub },
	  PIN_MISMATCH, 2 },
	/* with insecure the pin is still checked */
	{ "pinned_pubkey/insecure other", { .crt = P.self, .mode = SRV_BYE },
	  { .pin = "{other_pin}", .insecure = true }, PIN_MISMATCH, 2 },
	/* ... and without insecure, verification still applies */
	{ "pinned_pubkey/self", { .crt = P.self, .mode = SRV_BYE }, { .pin = "{good_pin}" },
	  VERIFY_FAILED "the certificate is self-signed", 2 },
};

#undef VERIFY_FAILED
#undef UNDER_FLOOR
#undef PIN_MISMATCH

START_TEST(test_handshake_failure)
{
	const struct fail_case *t = &fail_cases[_i];
	struct expanded e;
	struct net_tls_opts o = client_opts(&t->cl, &e);
	struct conn k;
	int status;

	ck_assert_msg(conn_try(&k, &t->srv, &o) == NULL, "%s: connected", t->name);
	ck_assert_int_eq(k.err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(k.err.msg, x(&e, t->msg));
	status = conn_close(&k);
	if (t->srv_status != ANY_STATUS)
		ck_assert_int_eq(status, t->srv_status);
}
END_TEST

/* ------------------------------------------------------------ set-up errors */

#define NO_SHA256(pin) "invalid pinned public key \"" pin "\": not sha256// followed by the " \
	"base64 of a SHA-256 hash (44 characters)"

/* Options net_tls_wrap refuses before the handshake (over a TCP
 * connection to a listener that never answers): this error. */
static const struct setup_case {
	const char *name;      /* the test it comes from */
	struct client cl;
	const char *msg;
} setup_cases[] = {
	{ "no_host_name", { .host = NONE },
	  "cannot verify the server's certificate without a host name" },

	{ "file_errors/ca", { .cafile = "/nonexistent/ca.pem" },
	  "cannot read the CA file /nonexistent/ca.pem: No such file or directory" },
	{ "file_errors/ca empty", { .cafile = P.empty },
	  "the CA file {empty} holds no PEM certificate" },
	{ "file_errors/cert", { .certfile = "/nonexistent/client.pem" },
	  "cannot read the client certificate /nonexistent/client.pem: No such file or directory" },
	{ "file_errors/key", { .certfile = P.client_crt, .keyfile = "/nonexistent/client.key" },
	  "cannot read the client key /nonexistent/client.key: No such file or directory" },
	/* a certificate without its key, a key without its certificate */
	{ "file_errors/no key", { .certfile = P.client_crt },
	  "the client certificate file {client_crt} holds no PEM private key" },
	{ "file_errors/no cert", { .certfile = P.client_key },
	  "the client certificate {client_key} holds no PEM certificate" },
	/* a key that does not belong to the certificate */
	{ "file_errors/mismatch", { .certfile = P.client_crt, .keyfile = P.server_key },
	  "cannot load the client certificate {client_crt} with key {server_key}: "
	  "{key_mismatch}" },

	{ "bad_priority", { .priority = "NORMAL:+VERS-TLS1.3:+BOGUS" },
	  "invalid TLS priority string \"NORMAL:+VERS-TLS1.3:+BOGUS\": "
	  "error at \"+BOGUS\" (offset 20)" },

	/* RFC 7301: a protocol name is 1 to 255 bytes */
	{ "alpn/empty", { .alpn = "" }, "invalid ALPN protocol \"\" (1 to 255 bytes)" },
	{ "alpn/256", { .alpn = "{x256}" },
	  "invalid ALPN protocol \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxx\" (1 to 255 bytes)" },

	/* a pin we cannot use fails before the handshake */
	{ "pinned_pubkey_malformed/empty", { .pin = "" },
	  "invalid pinned public key \"\": give sha256// and the base64 of the SHA-256 "
	  "of the server's public key, or the path of a public key file" },
	{ "pinned_pubkey_malformed/bare", { .pin = "sha256//" }, NO_SHA256("sha256//") },
	{ "pinned_pubkey_malformed/short", { .pin = "sha256//abc" }, NO_SHA256("sha256//abc") },
	/* base64 of 20 bytes: a SHA-1 */
	{ "pinned_pubkey_malformed/sha1", { .pin = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAA=" },
	  NO_SHA256("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAA=") },
	{ "pinned_pubkey_malformed/trailing", { .pin = "{good_pin};" }, NO_SHA256("") },
	{ "pinned_pubkey_malformed/md5", { .pin = "{good_pin};md5//AAAA" },
	  NO_SHA256("md5//AAAA") },
	{ "pinned_pubkey_malformed/file", { .pin = "/nonexistent/key.pem" },
	  "cannot read the pinned public key file /nonexistent/key.pem: "
	  "No such file or directory" },
	{ "pinned_pubkey_malformed/empty file", { .pin = P.empty },
	  "the pinned public key file {empty} holds no PEM or DER public key" },
};

#undef NO_SHA256

START_TEST(test_setup_error)
{
	const struct setup_case *t = &setup_cases[_i];
	struct expanded e;
	struct net_tls_opts o = client_opts(&t->cl, &e);
	struct imap_err err = IMAP_ERR_INIT;
	int lfd;
	struct net_conn *tcp = silent_tcp(&lfd);

	/* and tcp is closed */
	ck_assert_msg(net_tls_wrap(tcp, &o, &err) == NULL, "%s: wrapped", t->name);
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, x(&e, t->msg));
	close(lfd);
}
END_TEST

/* ------------------------------------------------------------ priority strings */

START_TEST(test_priority_override_tls12)
{
	struct srv_opts so = { .crt = P.good, .mode = SRV_BYE };
	struct net_tls_opts o = default_opts();
	struct buf cb = BUF_INIT, info = BUF_INIT, desc = BUF_INIT;
	char v[200], cbhex[200];
	struct net_conn *c;
	struct conn k;

	o.priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
	c = conn_open(&k, &so, &o, "priority_override_tls12");
	check_fields(greeting(&k), "proto=TLS1.2");
	ck_assert_int_eq(net_tls_info(c, &info), 0);
	ck_assert_int_eq(strncmp(info.buf, "protocol: TLS1.2\n", 17), 0);
	net_describe(c, &desc);
	ck_assert_int_eq(strncmp(desc.buf, "tls (TLS1.2, ", 13), 0);

	/* tls-unique: the first Finished message, 12 bytes, as the server sees it */
	ck_assert_int_eq(net_tls_channel_binding(c, "tls-unique", &cb, &k.err), 0);
	ck_assert_uint_eq(cb.len, 12);
	hex(cbhex, (const unsigned char *)cb.buf, cb.len);
	ck_assert_str_eq(cbhex, field(k.g.buf, "cb", v, sizeof(v)));
	buf_reset(&cb);
	ck_assert_int_eq(net_tls_channel_binding(c, "tls-exporter", &cb, &k.err), -1);
	ck_assert_str_eq(k.err.msg, "channel binding tls-exporter needs TLS 1.3 (this connection "
				    "uses TLS1.2; tls-unique would work)");
	ck_assert_uint_eq(cb.len, 0);

	ck_assert_int_eq(conn_close(&k), 0);
	buf_release(&cb);
	buf_release(&info);
	buf_release(&desc);
}
END_TEST

/*
 * Runs this program again (a fresh GnuTLS reads GNUTLS_SYSTEM_PRIORITY_FILE
 * when it loads) to connect to port with the default options (cafile, host
 * localhost) and priority (NULL: none), with the system configuration
 * file conf (its text; NULL: no such file).  What it printed goes to out:
 * "protocol: TLS1.3" or "error: ...".
 */
static void run_probe(const char *conf, const char *port, const char *priority, char *out,
		      size_t outlen)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (conf) {
		gnutls_datum_t d = { (unsigned char *)conf, (unsigned)strlen(conf) };
		write_datum(P.sysconf, &d, "w");
	}
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		setenv("GNUTLS_SYSTEM_PRIORITY_FILE", conf ? P.sysconf : P.nosysconf, 1);
		unsetenv("GNUTLS_SYSTEM_PRIORITY_FAIL_ON_INVALID");
		execl(self_exe, self_exe, "--probe", port, P.ca, priority, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (got + 1 < outlen && (n = read(fds[0], out + got, outlen - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "probe: status %d", status);
}

/*
 * Without a priority string the system's default applies, as a
 * distribution's crypto policy sets it in GnuTLS's configuration file
 * (Debian's GnuTLS reads it: /etc/gnutls/config, or the file
 * GNUTLS_SYSTEM_PRIORITY_FILE names); with one, the system default does
 * not matter.  TLS 1.2 stays the floor either way.
 */
#define POLICY_NO_TLS13 "[priorities]\nSYSTEM = NORMAL:-VERS-TLS1.3\n" \
	"[overrides]\ndefault-priority-string = @SYSTEM\n"
static const struct {
	const char *conf;     /* the configuration file; NULL: none */
	const char *server;   /* the server's priority string */
	const char *ours;     /* our priority string; NULL: none */
	const char *want;     /* what the probe prints */
} sys_cases[] = {
	{ NULL, "NORMAL", NULL, "protocol: TLS1.3\n" },
	/* a crypto policy (@SYSTEM) without TLS 1.3 */
	{ POLICY_NO_TLS13, "NORMAL", NULL, "protocol: TLS1.2\n" },
	{ "[overrides]\ndefault-priority-string = NORMAL:-VERS-TLS1.3\n", "NORMAL", NULL,
	  "protocol: TLS1.2\n" },
	/* a priority string of our own replaces the system default */
	{ POLICY_NO_TLS13, "NORMAL", "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2",
	  "protocol: TLS1.3\n" },
	/* a system default that allows TLS 1.1 does not lower our floor */
	{ "[overrides]\ndefault-priority-string = NORMAL:+VERS-TLS1.1:+VERS-TLS1.0\n",
	  "NORMAL:-VERS-ALL:+VERS-TLS1.1", NULL,
	  "error: TLS handshake with localhost failed: no common TLS version (imapsh needs "
	  "TLS 1.2 or newer)\n" },
};
#undef POLICY_NO_TLS13

START_TEST(test_system_priority)
{
	struct srv_opts so = { .crt = P.good, .priority = sys_cases[_i].server, .mode = SRV_BYE };
	struct srv sv;
	char out[1024];

	srv_start(&sv, &so);
	run_probe(sys_cases[_i].conf, sv.port, sys_cases[_i].ours, out, sizeof(out));
	ck_assert_msg(!strcmp(out, sys_cases[_i].want), "case %d: got \"%s\", want \"%s\"", _i,
		      out, sys_cases[_i].want);
	srv_wait(&sv);
}
END_TEST

/* --probe PORT CAFILE [PRIORITY]: see run_probe. */
static int probe(const char *port, const char *cafile, const char *priority)
{
	struct net_tls_opts o;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf info = BUF_INIT;
	struct net_conn *c;

	memset(&o, 0, sizeof(o));
	o.host = "localhost";
	o.cafile = cafile;
	o.priority = priority;
	o.timeout_ms = 3000;
	c = net_tcp_connect("127.0.0.1", port, 2000, &err);
	if (c)
		c = net_tls_wrap(c, &o, &err);
	if (!c) {
		printf("error: %s\n", err.msg);
		return 0;
	}
	net_tls_info(c, &info);
	printf("%.*s\n", (int)strcspn(info.buf, "\n"), info.buf);
	net_close(c, NULL);
	buf_release(&info);
	return 0;
}

/* ------------------------------------------------------------ timeouts, ends */

START_TEST(test_handshake_timeout)
{
	struct net_tls_opts o = default_opts();
	struct imap_err err = IMAP_ERR_INIT;
	struct net_conn *tcp;
	long long t0, dt;
	int lfd;

	/* the kernel accepts for the listener, which never says a word */
	o.timeout_ms = 200;
	tcp = silent_tcp(&lfd);
	t0 = now_ms();
	ck_assert_ptr_null(net_tls_wrap(tcp, &o, &err));
	dt = now_ms() - t0;
	ck_assert_int_eq(err.kind, IMAP_ERR_ABORT);
	ck_assert_str_eq(err.msg, "TLS handshake with localhost failed: "
				  "timed out after 0.2 s waiting for the server");
	ck_assert_int_ge(dt, 180);
	/* it fired rather than waiting on: not a speed test (valgrind on a
	 * loaded CI machine took 1.7 s to get here) */
	ck_assert_int_lt(dt, 10000);
	close(lfd);
}
END_TEST

/* A read on a connection that works (after its greeting, and another
 * line, where a case says so): what it returns, the error (kind and
 * message), and the server's exit status after. */
static const struct end_case {
	const char *name;      /* the test it comes from */
	struct srv_opts srv;
	bool greeting;         /* read the greeting first */
	const char *line;      /* then this line; NULL: none */
	int timeout_ms;        /* then this timeout; 0: the default */
	ssize_t rc;
	enum imap_err_kind kind;
	const char *msg;
	int srv_status;
} end_cases[] = {
	/* TLS 1.3: our side of the handshake ends before the server
	 * looks at (the lack of) our certificate; its alert comes next */
	{ "client_cert_required", { .crt = P.good, .require_client = true, .mode = SRV_ECHO },
	  false, NULL, 0, -1, IMAP_ERR_ABORT,
	  "TLS error: localhost sent the alert \"Certificate is required\"", 2 },
	{ "read_timeout", { .crt = P.good, .mode = SRV_SILENT }, true, NULL, 200,
	  -1, IMAP_ERR_ABORT, "timed out after 0.2 s waiting for the server", 0 },
	/* end of stream, but not called clean */
	{ "close_without_close_notify", { .crt = P.good, .mode = SRV_NO_BYE }, true, NULL, 0,
	  0, IMAP_ERR_ABORT, "localhost closed the connection without a TLS close_notify", 0 },
	{ "clean_close", { .crt = P.good, .mode = SRV_BYE }, true, NULL, 0,
	  0, IMAP_ERR_NONE, "", 0 },
	/* the server asks for a new handshake (TLS 1.2): read() does it */
	{ "renegotiation", { .crt = P.good, .priority = "NORMAL:-VERS-ALL:+VERS-TLS1.2",
	  .mode = SRV_RENEGOTIATE }, true, "* OK again\r\n", 0, 0, IMAP_ERR_NONE, "", 0 },
};

START_TEST(test_end)
{
	const struct end_case *t = &end_cases[_i];
	struct net_tls_opts o = default_opts();
	struct conn k;
	char got[8];

	conn_open(&k, &t->srv, &o, t->name);
	if (t->greeting)
		greeting(&k);
	if (t->line) {
		struct buf b = BUF_INIT;

		read_line(k.c, &b);
		ck_assert_str_eq(b.buf, t->line);
		buf_release(&b);
	}
	if (t->timeout_ms)
		k.c->timeout_ms = t->timeout_ms;
	ck_assert_int_eq(net_read(k.c, got, sizeof(got), &k.err), t->rc);
	ck_assert_int_eq(k.err.kind, t->kind);
	ck_assert_str_eq(k.err.msg, t->msg);
	ck_assert_int_eq(conn_close(&k), t->srv_status);
}
END_TEST

/* ------------------------------------------------------------ channel binding */

START_TEST(test_channel_binding_tls13)
{
	struct srv_opts so = { .crt = P.good, .mode = SRV_BYE };
	struct net_tls_opts o = default_opts();
	struct buf cb = BUF_INIT;
	char v[200], cbhex[200];
	struct net_conn *c;
	struct conn k;

	c = conn_open(&k, &so, &o, "channel_binding_tls13");
	greeting(&k);

	ck_assert_int_eq(net_tls_channel_binding(c, "tls-exporter", &cb, &k.err), 0);
	ck_assert_uint_eq(cb.len, 32);
	hex(cbhex, (const unsigned char *)cb.buf, cb.len);
	ck_assert_str_eq(cbhex, field(k.g.buf, "cb", v, sizeof(v)));

	/* RFC 5929: the hash of the server's certificate (SHA-256 here) */
	buf_reset(&cb);
	ck_assert_int_eq(net_tls_channel_binding(c, "tls-server-end-point", &cb, &k.err), 0);
	ck_assert_uint_eq(cb.len, 32);
	ck_assert_int_eq(memcmp(cb.buf, good_sha256, 32), 0);

	/* the one SCRAM-*-PLUS would use */
	{
		const char *type = NULL;
		char again[200];
		buf_reset(&cb);
		ck_assert_int_eq(net_tls_channel_binding_any(c, &cb, &type, &k.err), 0);
		ck_assert_str_eq(type, "tls-exporter");
		hex(again, (const unsigned char *)cb.buf, cb.len);
		ck_assert_str_eq(again, cbhex);
	}

	buf_reset(&cb);
	ck_assert_int_eq(net_tls_channel_binding(c, "tls-unique", &cb, &k.err), -1);
	ck_assert_str_eq(k.err.msg, "channel binding tls-unique is not defined for TLS 1.3 "
				    "(use tls-exporter)");
	ck_assert_int_eq(net_tls_channel_binding(c, "tls-bogus", &cb, &k.err), -1);
	ck_assert_str_eq(k.err.msg, "unknown channel binding type \"tls-bogus\" (known: "
				    "tls-exporter, tls-unique, tls-server-end-point)");
	ck_assert_uint_eq(cb.len, 0);

	ck_assert_int_eq(conn_close(&k), 0);
	buf_release(&cb);
}
END_TEST

/*
 * TLS 1.2 without the extended master secret (RFC 7627): tls-unique is not
 * safe (the triple handshake), so none; tls-exporter needs TLS 1.3;
 * tls-server-end-point does not depend on the session.
 */
#define UNSAFE_UNIQUE "channel binding tls-unique is unsafe on this connection: the server " \
	"did not negotiate the extended master secret (RFC 7627), so a man in the middle could " \
	"share it"
#define NO_EMS "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH"

static const struct {
	const char *server;  /* the server's priority string */
	const char *ems;     /* what the server says of the EMS */
	const char *type;
	size_t len;          /* 0: refused with msg */
	const char *msg;
} ems_cases[] = {
	{ NO_EMS, "0", "tls-unique", 0, UNSAFE_UNIQUE },
	{ NO_EMS, "0", "tls-exporter", 0,
	  "channel binding tls-exporter needs TLS 1.3 (this connection uses TLS1.2)" },
	{ NO_EMS, "0", "tls-server-end-point", 32, NULL },
	{ "NORMAL:-VERS-ALL:+VERS-TLS1.2", "1", "tls-unique", 12, NULL },
	{ "NORMAL:-VERS-ALL:+VERS-TLS1.2", "1", "tls-exporter", 0,
	  "channel binding tls-exporter needs TLS 1.3 (this connection uses TLS1.2; "
	  "tls-unique would work)" },
};
#undef NO_EMS

START_TEST(test_channel_binding_tls12)
{
	struct srv_opts so = { .crt = P.good, .priority = ems_cases[_i].server, .mode = SRV_BYE };
	struct net_tls_opts o = default_opts();
	struct buf cb = BUF_INIT;
	const char *type = NULL;
	char v[200], cbhex[200];
	struct net_conn *c;
	struct conn k;

	c = conn_open(&k, &so, &o, ems_cases[_i].type);
	greeting(&k);
	ck_assert_str_eq(field(k.g.buf, "proto", v, sizeof(v)), "TLS1.2");
	ck_assert_str_eq(field(k.g.buf, "ems", v, sizeof(v)), ems_cases[_i].ems);
	if (ems_cases[_i].len) {
		ck_assert_msg(net_tls_channel_binding(c, ems_cases[_i].type, &cb, &k.err) == 0,
			      "case %d: %s", _i, k.err.msg);
		ck_assert_uint_eq(cb.len, ems_cases[_i].len);
	} else {
		ck_assert_int_eq(net_tls_channel_binding(c, ems_cases[_i].type, &cb, &k.err), -1);
		ck_assert_int_eq(k.err.kind, IMAP_ERR_ERROR);
		ck_assert_str_eq(k.err.msg, ems_cases[_i].msg);
		ck_assert_uint_eq(cb.len, 0);
	}
	/* the one SCRAM-*-PLUS would use: tls-unique with the EMS only */
	buf_reset(&cb);
	if (!strcmp(ems_cases[_i].ems, "1")) {
		ck_assert_int_eq(net_tls_channel_binding_any(c, &cb, &type, &k.err), 0);
		ck_assert_str_eq(type, "tls-unique");
		ck_assert_uint_eq(cb.len, 12);
		ck_assert_str_eq(hex_of(&cb, v, sizeof(v)), field(k.g.buf, "cb", cbhex, sizeof(cbhex)));
	} else {
		ck_assert_int_eq(net_tls_channel_binding_any(c, &cb, &type, &k.err), -1);
		ck_assert_ptr_null(type);
		ck_assert_str_eq(k.err.msg, UNSAFE_UNIQUE);
		ck_assert_uint_eq(cb.len, 0);
	}
	ck_assert_int_eq(conn_close(&k), 0);
	buf_release(&cb);
}
END_TEST

#undef UNSAFE_UNIQUE

START_TEST(test_not_tls)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf b = BUF_INIT;
	int lfd;
	struct net_conn *tcp = silent_tcp(&lfd);

	ck_assert(!net_is_tls(tcp));
	ck_assert(!net_is_tls(NULL));
	ck_assert_int_eq(net_tls_info(tcp, &b), -1);
	ck_assert_int_eq(net_tls_channel_binding(tcp, "tls-exporter", &b, &err), -1);
	ck_assert_str_eq(err.msg, "channel binding (tls-exporter) needs a TLS connection");
	ck_assert_uint_eq(b.len, 0);
	net_close(tcp, NULL);
	close(lfd);
}
END_TEST

/* ------------------------------------------------------------ over the child transport */

START_TEST(test_over_child)
{
	struct net_tls_opts o = default_opts();
	struct imap_err err = IMAP_ERR_INIT;
	struct buf g = BUF_INIT, desc = BUF_INIT, report = BUF_INIT;
	char cmd[8192], got[16];
	struct net_conn *inner, *c;

	snprintf(cmd, sizeof(cmd), "exec '%s' --serve '%s' '%s'", self_exe, P.good, P.server_key);
	inner = net_child_spawn(cmd, 3000, &err);
	ck_assert_msg(inner != NULL, "spawn: %s", err.msg);
	c = net_tls_wrap(inner, &o, &err);
	ck_assert_msg(c != NULL, "wrap: %s", err.msg);
	read_line(c, &g);
	check_fields(g.buf, "sni=localhost|proto=TLS1.3");

	net_describe(c, &desc);
	ck_assert_msg(strncmp(desc.buf, "tls (TLS1.3, ", 13) == 0 &&
		      strstr(desc.buf, ") over child pid ") && strstr(desc.buf, cmd),
		      "describe: %s", desc.buf);

	ck_assert_int_eq(net_write(c, "a1 LOGOUT\r\n", 11, &err), 0);
	ck_assert_uint_eq(read_all(c, got, 11, &err), 11);
	ck_assert_int_eq(memcmp(got, "a1 LOGOUT\r\n", 11), 0);
	ck_assert_int_eq(c->ops->shutdown_write(c, &err), 0);
	ck_assert_int_eq(net_read(c, got, sizeof(got), &err), 0);
	net_close(c, &report);
	ck_assert_str_eq(report.buf, "child exited with status 0");
	buf_release(&g);
	buf_release(&desc);
	buf_release(&report);
}
END_TEST

static Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tv = tcase_create("verify");
	TCase *tf = tcase_create("setup");
	TCase *te = tcase_create("ends");
	TCase *tb = tcase_create("binding");

	tcase_add_test(tv, test_good_echo);
	tcase_add_test(tv, test_info_describe_pending);
	tcase_add_loop_test(tv, test_connection, 0, (int)N(conn_cases));
	tcase_add_loop_test(tv, test_handshake_failure, 0, (int)N(fail_cases));
	suite_add_tcase(s, tv);

	tcase_add_loop_test(tf, test_setup_error, 0, (int)N(setup_cases));
	tcase_add_test(tf, test_priority_override_tls12);
	tcase_add_loop_test(tf, test_system_priority, 0, (int)N(sys_cases));
	suite_add_tcase(s, tf);

	tcase_add_test(te, test_handshake_timeout);
	tcase_add_loop_test(te, test_end, 0, (int)N(end_cases));
	tcase_add_test(te, test_over_child);
	suite_add_tcase(s, te);

	tcase_add_test(tb, test_channel_binding_tls13);
	tcase_add_loop_test(tb, test_channel_binding_tls12, 0, (int)N(ems_cases));
	tcase_add_test(tb, test_not_tls);
	suite_add_tcase(s, tb);
	return s;
}

int main(int argc, char **argv)
{
	SRunner *sr;
	ssize_t n;
	int nfailed;

	/* --serve CERT KEY: a TLS echo server on stdin/stdout (the child
	 * transport's socket) */
	if (argc == 4 && !strcmp(argv[1], "--serve")) {
		struct srv_opts so = { .crt = argv[2], .mode = SRV_ECHO };
		snprintf(P.server_key, sizeof(P.server_key), "%s", argv[3]);
		return serve(0, 1, &so);
	}
	/* --probe PORT CAFILE [PRIORITY]: one connection, in a fresh process */
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "--probe"))
		return probe(argv[2], argv[3], argc == 5 ? argv[4] : NULL);

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0) {
		perror("/proc/self/exe");
		return EXIT_FAILURE;
	}
	self_exe[n] = '\0';
	make_certs();

	sr = srunner_create(tls_suite());
	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	remove_certs();
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
