/*
 * sasl.h - SASL client mechanisms for AUTHENTICATE (RFC 4422, RFC 9051
 * sec. 6.2.2), as pure state machines: each step takes the server's
 * decoded challenge and produces the client's response (raw bytes; the
 * caller base64-encodes it and sends it marked secret).  No I/O here.
 *
 * Mechanisms: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195, HMAC via
 * GnuTLS), SCRAM-SHA-1, SCRAM-SHA-256 and their -PLUS forms (RFC 5802,
 * RFC 7677, via GNU SASL), XOAUTH2 (Google's), OAUTHBEARER (RFC 7628),
 * EXTERNAL (RFC 4422 app. A), ANONYMOUS (RFC 4505).
 */
#ifndef IMAPSH_CORE_SASL_H
#define IMAPSH_CORE_SASL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct sasl_params {
	const char *user;       /* authentication identity */
	const char *password;   /* PLAIN, LOGIN, CRAM-MD5, SCRAM */
	const char *authzid;    /* authorization identity, or NULL */
	const char *token;      /* XOAUTH2 / OAUTHBEARER access token */
	const char *host;       /* OAUTHBEARER host, or NULL */
	int port;               /* OAUTHBEARER port, or 0 */
	/* Channel binding for -PLUS: type ("tls-exporter"/"tls-unique") and data. */
	const char *cb_type;
	const char *cb_data;
	size_t cb_len;
	/*
	 * Plain SCRAM only: true when we could bind (TLS with channel binding
	 * data at hand) but the server does not offer the -PLUS form.  The
	 * gs2 header then says "y" (RFC 5802 sec. 6: "I support channel
	 * binding, I think you do not"), so a server that does bind fails
	 * the exchange when someone stripped -PLUS from its capabilities.
	 * false: "n" (we cannot bind).  GNU SASL 2.2 cannot send "y", so we
	 * compute that client-final message (its proof) ourselves.
	 */
	bool cb_possible;
	const char *anonymous_trace; /* ANONYMOUS trace info, or NULL */
};

enum sasl_need {
	SASL_NEEDS_PASSWORD = 1 << 0,
	SASL_NEEDS_TOKEN = 1 << 1,
	SASL_NEEDS_CHANNEL_BINDING = 1 << 2,
	SASL_NEEDS_CLIENT_CERT = 1 << 3,
};

struct sasl_mech_info {
	const char *name;   /* "SCRAM-SHA-256-PLUS" */
	int strength;       /* higher is preferred when choosing */
	unsigned needs;     /* enum sasl_need */
	bool client_first;  /* has an initial response (SASL-IR) */
};

/* All built-in mechanisms, strongest first; *n_r gets the count. */
const struct sasl_mech_info *sasl_mechanisms(size_t *n_r);
/* By name, any case; NULL if not built in. */
const struct sasl_mech_info *sasl_find(const char *name);

/*
 * Picks the strongest built-in mechanism that the server offers (offered:
 * its AUTH=... capabilities without the prefix, upper case) and whose
 * needs are met (have: enum sasl_need bits we can satisfy).  NULL if none.
 */
const struct sasl_mech_info *sasl_choose(const char *const *offered, size_t n, unsigned have);

struct sasl_client;

/* NULL with err if the mechanism is unknown or a needed parameter is
 * missing.  The params strings must live until sasl_client_free. */
struct sasl_client *sasl_client_new(const char *mech, const struct sasl_params *p,
				    struct imap_err *err);
/* The initial response for SASL-IR (appended to out; may be empty, which
 * is sent as "="); 0 if the mechanism has one, 1 if it has none, -1 err. */
int sasl_client_initial(struct sasl_client *c, struct buf *out, struct imap_err *err);
/* One step: challenge (decoded) in, response (raw) appended to out.
 * 0: send out; 1: the mechanism is done and expects no more challenges
 * (a further "+" gets an empty response or a cancel, see below); -1 with
 * err: cancel the exchange (the caller sends "*"), e.g. the server's
 * SCRAM signature did not verify, or it asks for fewer than 4096 PBKDF2
 * iterations (RFC 5802 sec. 5.1, RFC 7677 sec. 4) or more than ten
 * million.  out holds secrets (a password, a proof): the caller wipes
 * it (explicit_bzero) before freeing it. */
int sasl_client_step(struct sasl_client *c, const char *challenge, size_t len,
		     struct buf *out, struct imap_err *err);
/* After a tagged OK: for SCRAM, was the server's final message verified?
 * (false means the server did not prove it knows the password). */
bool sasl_client_server_verified(const struct sasl_client *c);
/* Wipes secrets and frees. */
void sasl_client_free(struct sasl_client *c);

#endif
