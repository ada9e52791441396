#include "core/auth.h"

#include <string.h>
#include <strings.h>

#include "util/base64.h"

bool auth_is_builtin(const char *mech)
{
	return strcasecmp(mech, "PLAIN") == 0;
}

int auth_plain_response(const char *authzid, const char *user, const char *pass,
			struct buf *out, struct imap_err *err)
{
	struct buf raw = BUF_INIT;
	if (!authzid)
		authzid = "";
	buf_adds(&raw, authzid);
	buf_addch(&raw, '\0');
	buf_adds(&raw, user);
	buf_addch(&raw, '\0');
	buf_adds(&raw, pass);
	base64_encode(raw.buf, raw.len, out);
	memset(raw.buf, 0, raw.len);
	buf_release(&raw);
	(void)err;
	return 0;
}

struct plain_state {
	const char *response;
	int sent;
};

/* The server's "+": the response once; anything more is cancelled. */
static int plain_cont(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
		      struct imap_err *err)
{
	struct plain_state *st = ctx;
	(void)r;
	(void)err;
	if (st->sent++)
		return 1;
	buf_adds(reply, st->response);
	*secret = true;
	return 0;
}

int auth_run(struct session *s, const char *mech, const char *user, const char *pass,
	     struct imap_response **tagged_r, struct imap_err *err)
{
	struct buf resp = BUF_INIT;
	struct imap_arg args[2];
	struct plain_state st = { NULL, 0 };
	struct session_cmd cmd;
	int rc;

	if (!auth_is_builtin(mech))
		return err_set(err, IMAP_ERR_ERROR, "authenticate: %s is not a built-in mechanism", mech);
	if (auth_plain_response(NULL, user, pass, &resp, err) < 0)
		return -1;
	memset(&cmd, 0, sizeof(cmd));
	args[0].kind = IMAP_ARG_RAW;
	args[0].flags = 0;
	args[0].data = "PLAIN";
	args[0].len = 5;
	cmd.verb = "AUTHENTICATE";
	cmd.args = args;
	cmd.nargs = 1;
	st.response = resp.buf;
	if (session_has_cap(s, "SASL-IR")) {
		/* RFC 4959: the initial response with the command */
		args[1].kind = IMAP_ARG_RAW;
		args[1].flags = IMAP_ARG_SECRET;
		args[1].data = resp.len ? resp.buf : "=";
		args[1].len = resp.len ? resp.len : 1;
		cmd.nargs = 2;
		st.sent = 1;
	}
	cmd.cont = plain_cont;
	cmd.cont_ctx = &st;
	rc = session_command(s, &cmd, tagged_r, err);
	memset(resp.buf, 0, resp.len);
	buf_release(&resp);
	return rc;
}
