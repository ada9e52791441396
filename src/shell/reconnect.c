#include "shell/reconnect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/commands.h"
#include "core/connect.h"
#include "shell/call.h"
#include "shell/login.h"
#include "util/xalloc.h"

/* How long the prompt's watch reads once the server's fd is readable. */
#define WATCH_READ_MS 50

void reconnect_forget(struct shell *sh)
{
	free(sh->relogin.user);
	free(sh->relogin.mech);
	sh->relogin.user = sh->relogin.mech = NULL;
	sh->relogin.valid = false;
}

void reconnect_note_login(struct shell *sh, const char *mech, const char *user)
{
	/* copies first: a relogin passes the strings kept here */
	char *u = user ? xstrdup(user) : NULL, *m = mech ? xstrdup(mech) : NULL;
	reconnect_forget(sh);
	sh->relogin.user = u;
	sh->relogin.mech = m;
	sh->relogin.valid = true;
}

/* select or examine name again, the result shown. */
static int reselect(struct shell *sh, const char *name, bool readonly)
{
	const struct cmd_spec *spec = cmd_lookup(readonly ? "examine" : "select");
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *t = NULL;
	struct cmd_word w;
	struct cmd_call call;
	int st = SHELL_OK;

	memset(&w, 0, sizeof(w));
	w.s = w.raw = name;
	w.len = w.raw_len = strlen(name);
	w.quoted = true;
	cmd_call_init(&call);
	if (cmd_build(spec, &w, 1, sh->session, &call, &err) < 0 ||
	    session_command(sh->session, &call.cmd, &t, &err) < 0) {
		st = shell_report(sh, &err);
	} else {
		shell_show(sh, t, call.cmd.verb, 0);
		if (t->status != IMAP_STATUS_OK)
			st = shell_note(sh, SHELL_FAILED);
	}
	imap_response_free(t);
	cmd_call_release(&call);
	return st;
}

int shell_reconnect(struct shell *sh)
{
	char *mailbox = NULL;
	bool readonly = false;
	int st;

	if (!sh->target.host && !sh->target.stream_cmd) {
		shell_error(sh, "reconnect: not connected before (use open HOST or open --stream COMMAND)");
		return shell_note(sh, SHELL_FAILED);
	}
	if (sh->session && session_mailbox(sh->session)) {
		mailbox = xstrdup(session_mailbox(sh->session));
		readonly = session_readonly(sh->session);
	}
	if (shell_connect(sh) < 0) {
		free(mailbox);
		return SHELL_BROKEN;
	}
	st = SHELL_OK;
	if (session_state(sh->session) == IMAP_STATE_NONAUTH && sh->relogin.valid) {
		struct imap_err err = IMAP_ERR_INIT;
		struct imap_response *t = NULL;
		if (!sh->relogin.user) {
			shell_warn(sh, "log in again by hand: authenticate %s",
				   sh->relogin.mech ? sh->relogin.mech : "");
		} else if (shell_login_again(sh, sh->relogin.mech, sh->relogin.user, &t, &err) < 0) {
			st = shell_report(sh, &err);
		} else {
			shell_show(sh, t, sh->relogin.mech ? "AUTHENTICATE" : "LOGIN", 0);
			if (t->status != IMAP_STATUS_OK)
				st = shell_note(sh, SHELL_FAILED);
		}
		imap_response_free(t);
	} else if (session_state(sh->session) == IMAP_STATE_NONAUTH && sh->auth.user) {
		if (shell_login(sh) < 0)
			st = SHELL_FAILED;
	}
	if (st == SHELL_OK)
		shell_compress_auto(sh); /* --compress, before the select */
	if (mailbox && st == SHELL_OK && session_alive(sh->session) &&
	    session_state(sh->session) == IMAP_STATE_AUTH)
		st = reselect(sh, mailbox, readonly);
	free(mailbox);
	return st;
}

int reconnect_offer(struct shell *sh)
{
	char *answer;
	bool yes;

	if (!sh->interactive || !sh->session || !sh->relogin.valid)
		return -1;
	answer = shell_ask("The connection is closed.  Reconnect (log in again, select again)? [Y/n] ",
			   true);
	if (!answer)
		return -1;
	yes = !*answer || !strcasecmp(answer, "y") || !strcasecmp(answer, "yes");
	free(answer);
	if (!yes)
		return -1;
	shell_reconnect(sh);
	return sh->session && session_alive(sh->session) ? 0 : -1;
}

int reconnect_watch_fd(struct shell *sh)
{
	if (!sh->session || !session_alive(sh->session))
		return -1;
	return conn_poll_fd(sh->session);
}

bool reconnect_watch_read(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	const char *bye;

	if (!sh->session || !session_alive(sh->session))
		return false;
	/* what came is shown through the hooks as data no command asked for
	 * (the short wait reads what poll() saw, and the rest of a response
	 * on its way) */
	if (session_idle_wait(sh->session, WATCH_READ_MS, -1, &err) >= 0) {
		fflush(sh->out);
		return true;
	}
	fflush(sh->out);
	bye = session_bye_text(sh->session);
	if (bye)
		shell_error(sh, "the server ended the session: BYE %s (reconnect to go on)", bye);
	else
		shell_error(sh, "%s (reconnect to go on)", err.msg);
	shell_note(sh, SHELL_BROKEN);
	return true;
}
