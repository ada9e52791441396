/*
 * auth.c - AUTHENTICATE with the built-in mechanisms (see auth.h).
 *
 * Channel binding: SCRAM-*-PLUS uses tls-exporter on TLS 1.3, tls-unique
 * on TLS 1.2 only with the extended master secret (net/tls.c refuses it
 * without); where neither is safe, -PLUS is not chosen and plain SCRAM
 * says "n".  Plain SCRAM says "y" when we could bind but the server
 * offers no -PLUS (RFC 5802 sec. 6).  Every buffer that held a response,
 * the channel binding data or a password is wiped (explicit_bzero: a
 * memset before free() may be optimised away) before it is freed.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/tls.h"
#include "util/base64.h"
#include "util/xalloc.h"

bool auth_is_builtin(const char *mech)
{
	return sasl_find(mech) != NULL;
}

static void wipe_release(struct buf *b)
{
	explicit_bzero(b->buf, b->len);
	buf_release(b);
}

/* Channel binding data for -PLUS on s's connection, with its type; -1
 * with err (kind ERROR) when the connection has none that is safe. */
static int binding_data(struct session *s, struct buf *cb, const char **type_r,
			struct imap_err *err)
{
	struct net_conn *c = session_conn(s);

	if (!c || !session_is_tls(s))
		return err_set(err, IMAP_ERR_ERROR,
			       "no TLS channel binding (connect with --ssl or --starttls)");
	return net_tls_channel_binding_any(c, cb, type_r, err);
}

/* Whether -PLUS could bind on s now. */
static bool can_bind(struct session *s)
{
	struct imap_err ignored = IMAP_ERR_INIT;
	struct buf cb = BUF_INIT;
	const char *type;
	bool ok = binding_data(s, &cb, &type, &ignored) == 0;

	wipe_release(&cb);
	return ok;
}

/* Whether the server offers mech's -PLUS form (AUTH=mech-PLUS). */
static bool offers_plus(struct session *s, const char *mech)
{
	char cap[80];

	snprintf(cap, sizeof(cap), "AUTH=%s-PLUS", mech);
	return session_has_cap(s, cap);
}

const char *auth_choose(struct session *s, unsigned have)
{
	const char *const *caps;
	size_t n = session_caps(s, &caps), i, k = 0;
	const char **offered = xcalloc(n ? n : 1, sizeof(*offered));
	const struct sasl_mech_info *m;

	for (i = 0; i < n; i++)
		if (!strncasecmp(caps[i], "AUTH=", 5))
			offered[k++] = caps[i] + 5;
	/* only when the data can be had: TLS alone is not enough (TLS 1.2
	 * without the extended master secret has no safe binding) */
	if (can_bind(s))
		have |= SASL_NEEDS_CHANNEL_BINDING;
	m = sasl_choose(offered, k, have);
	free(offered);
	return m ? m->name : NULL;
}

struct exchange {
	struct sasl_client *client;
	struct imap_err failure; /* why we cancelled, if we did */
	bool cancelled;
	/* an initial response too long for the command line: it answers the
	 * server's first (empty) "+" instead (RFC 4959 allows either) */
	const struct buf *first;
};

/* An initial response longer than this goes after the "+": a command line
 * stays within 8,192 bytes (RFC 7162 sec. 4) with room for the rest. */
#define IR_MAX_INLINE 4096

/* Each "+": decode, step, encode; a failing step cancels with "*". */
static int step(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
		struct imap_err *err)
{
	struct exchange *x = ctx;
	struct buf challenge = BUF_INIT, raw = BUF_INIT;
	int rc;

	(void)err;
	if (x->first) {
		buf_add(reply, x->first->buf, x->first->len);
		*secret = true;
		x->first = NULL;
		return 0;
	}
	if (base64_decode(r->text, r->text_len, &challenge) < 0) {
		err_set(&x->failure, IMAP_ERR_ERROR,
			"the server's SASL challenge is not base64: \"%.60s\"", r->text);
		x->cancelled = true;
		buf_release(&challenge);
		return 1;
	}
	rc = sasl_client_step(x->client, challenge.buf, challenge.len, &raw, &x->failure);
	buf_release(&challenge);
	if (rc < 0) {
		x->cancelled = true;
		wipe_release(&raw);
		return 1;
	}
	base64_encode(raw.buf, raw.len, reply);
	*secret = true; /* the session wipes reply */
	wipe_release(&raw);
	return 0;
}

int auth_run(struct session *s, const char *mech, const struct sasl_params *p,
	     struct imap_response **tagged_r, struct imap_err *err)
{
	struct sasl_params params = *p;
	struct exchange x;
	struct buf cb = BUF_INIT, ir = BUF_INIT, ir64 = BUF_INIT;
	struct imap_arg args[2];
	struct session_cmd cmd;
	const struct sasl_mech_info *info = sasl_find(mech);
	int rc = -1;

	memset(&x, 0, sizeof(x));
	*tagged_r = NULL;
	if (!info)
		return err_set(err, IMAP_ERR_ERROR, "SASL mechanism %s is not built in", mech);
	if ((info->needs & SASL_NEEDS_CHANNEL_BINDING) && !params.cb_data) {
		const char *type = NULL;
		if (!session_is_tls(s))
			return err_set(err, IMAP_ERR_ERROR,
				       "%s needs TLS channel binding (connect with --ssl or --starttls)", mech);
		if (binding_data(s, &cb, &type, err) < 0) {
			wipe_release(&cb);
			err->kind = IMAP_ERR_ERROR;
			err_prefix(err, "%s", info->name);
			return -1;
		}
		params.cb_type = type;
		params.cb_data = cb.buf;
		params.cb_len = cb.len;
	} else if (!(info->needs & SASL_NEEDS_CHANNEL_BINDING) &&
		   !strncasecmp(info->name, "SCRAM-", 6)) {
		/* RFC 5802 sec. 6: "y" when we could bind and the server shows
		 * no -PLUS (stripped?); "n" when we cannot bind, or when the
		 * server offers -PLUS and plain SCRAM was asked for by name */
		params.cb_possible = !offers_plus(s, info->name) && can_bind(s);
	}
	x.client = sasl_client_new(info->name, &params, err);
	if (!x.client) {
		wipe_release(&cb);
		return -1;
	}
	memset(&cmd, 0, sizeof(cmd));
	memset(args, 0, sizeof(args));
	args[0].kind = IMAP_ARG_RAW;
	args[0].data = info->name;
	args[0].len = strlen(info->name);
	cmd.verb = "AUTHENTICATE";
	cmd.args = args;
	cmd.nargs = 1;
	cmd.cont = step;
	cmd.cont_ctx = &x;
	if (session_has_cap(s, "SASL-IR")) {
		int has = sasl_client_initial(x.client, &ir, err);
		if (has < 0)
			goto out;
		if (has == 0) {
			/* RFC 4959: an empty initial response is sent as "=" */
			if (ir.len)
				base64_encode(ir.buf, ir.len, &ir64);
			else
				buf_addch(&ir64, '=');
			if (ir64.len > IR_MAX_INLINE) {
				x.first = &ir64;
			} else {
				args[1].kind = IMAP_ARG_RAW;
				args[1].flags = IMAP_ARG_SECRET;
				args[1].data = ir64.buf;
				args[1].len = ir64.len;
				cmd.nargs = 2;
			}
		}
	}
	rc = session_command(s, &cmd, tagged_r, err);
	if (rc == 0 && x.cancelled && (*tagged_r)->status != IMAP_STATUS_OK) {
		/* say why we cancelled rather than the server's "cancelled" */
		struct imap_err why = x.failure;
		err_prefix(&why, "authentication cancelled");
		*err = why;
		err->kind = IMAP_ERR_ERROR;
		imap_response_free(*tagged_r);
		*tagged_r = NULL;
		rc = -1;
	} else if (rc == 0 && (*tagged_r)->status == IMAP_STATUS_OK &&
		   !strncasecmp(info->name, "SCRAM-", 6) && !sasl_client_server_verified(x.client)) {
		err_set(err, IMAP_ERR_ABORT,
			"%s: the server accepted the login without proving that it knows the password "
			"(no valid server signature); ending the session", info->name);
		imap_response_free(*tagged_r);
		*tagged_r = NULL;
		session_abandon(s);
		rc = -1;
	}
out:
	wipe_release(&ir);
	wipe_release(&ir64);
	wipe_release(&cb);
	sasl_client_free(x.client);
	return rc;
}
