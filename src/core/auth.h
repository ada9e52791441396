/*
 * auth.h - SASL for AUTHENTICATE (RFC 9051 sec. 6.2.2, RFC 4422).
 *
 * The mechanisms imapsh runs itself.  Each builds the client's responses;
 * the session sends them marked secret, so traces show <redacted>.
 * A mechanism imapsh does not know runs interactively in the shell.
 */
#ifndef IMAPSH_CORE_AUTH_H
#define IMAPSH_CORE_AUTH_H

#include <stdbool.h>

#include "core/session.h"
#include "util/buf.h"
#include "util/err.h"

/* True for the mechanisms built in ("PLAIN"), any case. */
bool auth_is_builtin(const char *mech);

/*
 * PLAIN (RFC 4616): appends base64("authzid NUL user NUL password") to
 * out.  authzid may be NULL or "".  -1 with err when a part holds a NUL.
 */
int auth_plain_response(const char *authzid, const char *user, const char *pass,
			struct buf *out, struct imap_err *err);

/*
 * Runs AUTHENTICATE mech for user/pass over s: with SASL-IR (RFC 4959)
 * the first response goes with the command, else after the server's "+".
 * Returns 0 with *tagged_r (OK/NO/BAD) or -1 with err, as session_command.
 */
int auth_run(struct session *s, const char *mech, const char *user, const char *pass,
	     struct imap_response **tagged_r, struct imap_err *err);

#endif
