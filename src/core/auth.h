/*
 * auth.h - AUTHENTICATE over a session with the SASL mechanisms of
 * sasl.h (RFC 9051 sec. 6.2.2): SASL-IR when the server offers it
 * (RFC 4959), base64 on the wire, every client response marked secret
 * (traces show <redacted>), "*" to cancel when a mechanism fails (e.g. a
 * SCRAM server signature that does not verify).
 */
#ifndef IMAPSH_CORE_AUTH_H
#define IMAPSH_CORE_AUTH_H

#include <stdbool.h>

#include "core/sasl.h"
#include "core/session.h"
#include "util/err.h"

/* True for the mechanisms built in (sasl.h), any case. */
bool auth_is_builtin(const char *mech);

/*
 * The mechanism -u uses without -a: the strongest built-in one that the
 * server offers (AUTH=...) and whose needs (have: enum sasl_need) are met;
 * NULL if none (then LOGIN is used).  SASL_NEEDS_CHANNEL_BINDING is added
 * when the connection has safe channel binding data (tls-exporter on TLS
 * 1.3, tls-unique on TLS 1.2 with the extended master secret), not merely
 * because it is TLS.
 */
const char *auth_choose(struct session *s, unsigned have);

/*
 * Runs AUTHENTICATE mech with p over s.  Channel binding for the -PLUS
 * mechanisms is taken from the session's TLS connection (an ERROR when it
 * has none that is safe).  Plain SCRAM gets p->cb_possible decided here:
 * the gs2 flag "y" when we could bind but the server does not offer the
 * -PLUS form, else "n" (RFC 5802 sec. 6).  Returns 0 with *tagged_r
 * (OK/NO/BAD) or -1 with err, as session_command; after an OK, a SCRAM
 * server that never proved it knows the password is an ABORT.
 */
int auth_run(struct session *s, const char *mech, const struct sasl_params *p,
	     struct imap_response **tagged_r, struct imap_err *err);

#endif
