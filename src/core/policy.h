/*
 * policy.h - the security rules of a session, in one place: what may be
 * sent over which link, and what a trace must not show.  The session
 * applies them to every command it sends (typed, built, raw or "send");
 * the shell asks them early (before prompting for a password) and keeps
 * its history by them.
 *
 * A link is protected when it is TLS, or local (the pipe transport, a Unix
 * socket, loopback).  Over an unprotected link nothing that holds or is
 * derived from a password or token goes out (LOGIN, AUTHENTICATE PLAIN,
 * LOGIN, CRAM-MD5, SCRAM-*, XOAUTH2, OAUTHBEARER, and any mechanism that
 * is not built in), unless the user said --allow-plaintext; EXTERNAL and
 * ANONYMOUS carry no secret and may.
 */
#ifndef IMAPSH_CORE_POLICY_H
#define IMAPSH_CORE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/session.h"
#include "util/buf.h"
#include "util/err.h"

/* True when mech (any case) sends no secret at all (EXTERNAL, ANONYMOUS). */
bool policy_mech_is_harmless(const char *mech);

/* True when the session's link is TLS or local. */
bool policy_link_protected(const struct session *s);

/* 0 when AUTHENTICATE mech may be used now; -1 (ERROR) naming the way out. */
int policy_check_mech(const struct session *s, const char *mech, struct imap_err *err);
/* The same for the LOGIN command. */
int policy_check_login(const struct session *s, struct imap_err *err);

/*
 * What a command line carries, read from its verb and arguments as they
 * would be sent (also raw text: "LOGIN alice pw", "AUTHENTICATE PLAIN
 * AGFs...").  words: the command's words after the tag.
 */
enum policy_secret {
	POLICY_NO_SECRET = 0,
	POLICY_LOGIN,        /* LOGIN: everything after the verb is secret */
	POLICY_AUTHENTICATE, /* AUTHENTICATE: everything after the mechanism */
};
/* Classifies "VERB rest" (the verb is the first word of line[0..len)).
 * *secret_from_r gets the offset where the secret part starts (len when
 * there is none) and mech/mech_len the mechanism of an AUTHENTICATE. */
enum policy_secret policy_classify_line(const char *line, size_t len, size_t *secret_from_r,
					 const char **mech_r, size_t *mech_len_r);

/*
 * For text kept where others may read it (the history file): the length
 * of text's prefix that holds no secret.  Any word LOGIN or AUTHENTICATE
 * (any case, a quote before it allowed) starts one: what follows LOGIN,
 * and what follows AUTHENTICATE's mechanism, is cut.  len when none.
 */
size_t policy_public_prefix(const char *text, size_t len);

/*
 * A command about to be sent: refuses (-1, ERROR) a LOGIN or a secret
 * AUTHENTICATE over an unprotected link, and returns the arguments to
 * encode with every secret byte marked IMAP_ARG_SECRET (raw and xatom
 * lines are split for that into copy, which has room for `room` args).
 */
int policy_prepare_command(const struct session *s, const struct session_cmd *cmd,
			   struct imap_arg *copy, size_t room, const struct imap_arg **args_r,
			   size_t *nargs_r, struct imap_err *err);

/*
 * Bytes the shell's "send" writes (any number of lines, CRLF or not):
 * refuses (-1) what policy_prepare_command would refuse, and appends to
 * shown (if not NULL) the bytes as a trace may show them, each secret
 * part as <redacted>.  *auth_r is set when a line starts an AUTHENTICATE
 * (later sends answer its challenges: secret too).
 */
int policy_check_send(const struct session *s, const char *data, size_t len, struct buf *shown,
		      bool *auth_r, struct imap_err *err);

#endif
