/*
 * policy.c - the security rules of a session (policy.h).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/policy.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/session_int.h"
#include "net/tls.h"

bool policy_mech_is_harmless(const char *mech)
{
	return mech && (!strcasecmp(mech, "EXTERNAL") || !strcasecmp(mech, "ANONYMOUS"));
}

bool policy_link_protected(const struct session *s)
{
	return s->conn && (net_is_tls(s->conn) || net_peer_is_local(s->conn));
}

static int refuse(const char *what, struct imap_err *err)
{
	return err_set(err, IMAP_ERR_ERROR,
		       "refusing to send %s over this connection: it is neither TLS nor local, so "
		       "anyone on the path could read it (or crack it offline); use --ssl or "
		       "--starttls, or --allow-plaintext to accept that", what);
}

int policy_check_mech(const struct session *s, const char *mech, struct imap_err *err)
{
	char what[128];
	if (policy_mech_is_harmless(mech) || s->allow_plaintext || policy_link_protected(s))
		return 0;
	snprintf(what, sizeof(what), "AUTHENTICATE %.40s (it is derived from your password or token)",
		 mech);
	return refuse(what, err);
}

int policy_check_login(const struct session *s, struct imap_err *err)
{
	if (s->allow_plaintext || policy_link_protected(s))
		return 0;
	return refuse("a password (LOGIN)", err);
}

/* [p, end): skips blanks, returns the next word's end. */
static const char *word(const char **p, const char *end)
{
	const char *q;
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	q = *p;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
		q++;
	return q;
}

static bool word_is(const char *w, const char *end, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(end - w) == n && !strncasecmp(w, s, n);
}

enum policy_secret policy_classify_line(const char *line, size_t len, size_t *secret_from_r,
					 const char **mech_r, size_t *mech_len_r)
{
	const char *p = line, *end = line + len, *w, *we;

	*secret_from_r = len;
	*mech_r = NULL;
	*mech_len_r = 0;
	w = p;
	we = word(&w, end);
	p = we;
	if (word_is(w, we, "LOGIN")) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		*secret_from_r = (size_t)(p - line);
		return POLICY_LOGIN;
	}
	if (word_is(w, we, "AUTHENTICATE")) {
		w = p;
		we = word(&w, end);
		*mech_r = w;
		*mech_len_r = (size_t)(we - w);
		p = we;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		*secret_from_r = (size_t)(p - line);
		return POLICY_AUTHENTICATE;
	}
	return POLICY_NO_SECRET;
}

size_t policy_public_prefix(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *w = p, *we = word(&w, end);
		const char *bare = w;
		while (bare < we && (*bare == '"' || *bare == '\''))
			bare++;
		p = we;
		if (we == w) {
			while (p < end && (*p == '\r' || *p == '\n'))
				p++;
			continue;
		}
		if (word_is(bare, we, "LOGIN"))
			return (size_t)(we - text);
		if (word_is(bare, we, "AUTHENTICATE")) {
			const char *m = we;
			return (size_t)(word(&m, end) - text);
		}
	}
	return len;
}

/* The refusal, if any, for a classified line. */
static int check_class(const struct session *s, enum policy_secret c, const char *mech,
		       size_t mech_len, struct imap_err *err)
{
	char m[64];
	if (c == POLICY_LOGIN)
		return policy_check_login(s, err);
	if (c != POLICY_AUTHENTICATE)
		return 0;
	snprintf(m, sizeof(m), "%.*s", (int)(mech_len > 60 ? 60 : mech_len), mech ? mech : "");
	return policy_check_mech(s, m, err);
}

int policy_prepare_command(const struct session *s, const struct session_cmd *cmd,
			   struct imap_arg *copy, size_t room, const struct imap_arg **args_r,
			   size_t *nargs_r, struct imap_err *err)
{
	struct buf line = BUF_INIT;
	enum policy_secret c;
	const char *mech;
	size_t from, mech_len, i, n = 0;

	*args_r = cmd->args;
	*nargs_r = cmd->nargs;
	/* the verb and the first argument say what it is */
	buf_adds(&line, cmd->verb ? cmd->verb : "");
	if (cmd->nargs) {
		buf_addch(&line, ' ');
		buf_add(&line, cmd->args[0].data ? cmd->args[0].data : "",
			cmd->args[0].data ? cmd->args[0].len : 0);
	}
	c = policy_classify_line(line.buf, line.len, &from, &mech, &mech_len);
	if (check_class(s, c, mech, mech_len, err) < 0) {
		buf_release(&line);
		return -1;
	}
	buf_release(&line);
	if (c == POLICY_NO_SECRET || !cmd->nargs)
		return 0;
	for (i = 0; i < cmd->nargs; i++)
		if (cmd->args[i].flags & IMAP_ARG_SECRET)
			return 0; /* built by the command table: marked already */
	if (cmd->nargs + 1 > room)
		return err_set(err, IMAP_ERR_ERROR, "%s: too many arguments", cmd->verb);
	for (i = 0; i < cmd->nargs; i++) {
		struct imap_arg a = cmd->args[i];
		if (c == POLICY_AUTHENTICATE && i == 0) {
			/* "PLAIN AGFs..." typed as one raw argument: split it */
			const char *d = a.data ? a.data : "";
			const char *sp = a.kind == IMAP_ARG_RAW ? memchr(d, ' ', a.len) : NULL;
			if (sp) {
				const char *rest = sp;
				while (rest < d + a.len && *rest == ' ')
					rest++;
				copy[n] = a;
				copy[n].len = (size_t)(sp - d);
				n++;
				if (rest < d + a.len) {
					copy[n] = a;
					copy[n].data = rest;
					copy[n].len = (size_t)(d + a.len - rest);
					copy[n].flags |= IMAP_ARG_SECRET;
					n++;
				}
				continue;
			}
			copy[n++] = a;
			continue;
		}
		/* LOGIN USER PASSWORD as words (xatom): the user may show; as
		 * one raw argument it cannot be told apart safely */
		if (!(c == POLICY_LOGIN && i == 0 && cmd->nargs > 1))
			a.flags |= IMAP_ARG_SECRET;
		copy[n++] = a;
	}
	*args_r = copy;
	*nargs_r = n;
	return 0;
}

int policy_check_send(const struct session *s, const char *data, size_t len, struct buf *shown,
		      bool *auth_r, struct imap_err *err)
{
	const char *p = data, *end = data + len;

	*auth_r = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl + 1 : end;
		const char *w = p, *we = word(&w, le), *rest = we;
		enum policy_secret c;
		const char *mech;
		size_t from, mech_len, off;

		/* "TAG VERB ..." normally; a line that starts with the verb is
		 * read as one too (the server would take it as a tag, but the
		 * secret is on the wire all the same) */
		c = policy_classify_line(p, (size_t)(le - p), &from, &mech, &mech_len);
		off = 0;
		if (c == POLICY_NO_SECRET && we < le) {
			c = policy_classify_line(rest, (size_t)(le - rest), &from, &mech, &mech_len);
			off = (size_t)(rest - p);
		}
		if (check_class(s, c, mech, mech_len, err) < 0)
			return -1;
		if (c == POLICY_AUTHENTICATE)
			*auth_r = true;
		if (shown) {
			if (c == POLICY_NO_SECRET) {
				buf_add(shown, p, (size_t)(le - p));
			} else {
				const char *cut = p + off + from, *eol = le;
				while (eol > cut && (eol[-1] == '\n' || eol[-1] == '\r'))
					eol--;
				buf_add(shown, p, (size_t)(cut - p));
				if (eol > cut)
					buf_adds(shown, "<redacted>");
				buf_add(shown, eol, (size_t)(le - eol));
			}
		}
		p = le;
	}
	return 0;
}
