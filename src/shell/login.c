#include "shell/login.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>

#include "core/auth.h"
#include "core/policy.h"
#include "shell/netrc.h"
#include "shell/reconnect.h"
#include "util/base64.h"
#include "util/xalloc.h"

/* Passwords asked on the terminal: tries before a login gives up. */
#define LOGIN_TRIES 3

char *shell_ask(const char *prompt, bool echo)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	struct imap_err err = IMAP_ERR_INIT;
	bool restore = false;
	char *line = NULL;
	int rc;

	if (!tty)
		return NULL;
	/* echo off before the prompt shows: an answer typed (or sent) as soon
	 * as the prompt appears must be neither echoed nor flushed away */
	if (!echo && tcgetattr(fileno(tty), &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fileno(tty), TCSAFLUSH, &quiet) == 0;
	}
	fputs(prompt, tty);
	fflush(tty);
	/* read(2), not stdio: no FILE buffer keeps a copy of the answer, and
	 * no getline() growth leaves its beginning in freed memory */
	rc = netrc_read_line(fileno(tty), NETRC_LINE_MAX, &line, &err);
	if (rc < 0)
		tcflush(fileno(tty), TCIFLUSH); /* the rest of a long answer is no command */
	if (restore) {
		tcsetattr(fileno(tty), TCSANOW, &old); /* keep what was typed ahead */
		fputc('\n', tty);
	}
	if (rc < 0)
		fprintf(tty, "imapsh: no answer taken: %s\n", err.msg);
	fclose(tty);
	return rc > 0 ? line : NULL;
}

/* An unknown SASL mechanism, by hand: each challenge shown decoded, the
 * user's answer sent base64-encoded (and redacted); "*" cancels. */
int shell_sasl_by_hand(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
			struct imap_err *err)
{
	struct shell *sh = ctx;
	struct buf dec = BUF_INIT, shown = BUF_INIT;
	char *line;
	size_t len;

	if (base64_decode(r->text, r->text_len, &dec) < 0) {
		buf_add(&dec, r->text, r->text_len);
		buf_adds(&shown, "challenge (not base64): ");
	} else {
		buf_adds(&shown, "challenge: ");
	}
	buf_add_escaped(&shown, dec.buf, dec.len);
	buf_adds(&shown, "\n");
	shell_print(sh, &shown);
	fflush(sh->out);
	buf_release(&shown);
	buf_release(&dec);
	line = shell_ask("response (* cancels): ", true);
	if (!line)
		return err_set(err, IMAP_ERR_ABORT, "authenticate: no answer (end of input)"), -1;
	if (!strcmp(line, "*")) {
		free(line);
		return 1;
	}
	len = strlen(line);
	/* room first, wiping what moves: base64_encode() growing reply with
	 * realloc() would leave part of the encoded answer in freed memory */
	buf_grow_secret(reply, (len + 2) / 3 * 4);
	base64_encode(line, len, reply);
	*secret = true;
	explicit_bzero(line, len); /* memset() before free() is optimised away */
	free(line);
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s)); /* memset() here would be optimised away */
		free(s);
	}
}

char *shell_password(struct shell *sh, const char *user, bool *asked, struct imap_err *err)
{
	/* IMAPSH_PASSWORD: main.c takes it out of the environment at start */
	const char *env = sh->auth.env_password; /* IMAPSH_PASSWORD, taken at start */
	const char *home = getenv("HOME");
	struct buf prompt = BUF_INIT;
	char *pw;

	if (sh->auth.password_file) {
		/* its first line, from a private regular file or a pipe, read
		 * without stdio or getline(), whose buffers would keep copies */
		if (netrc_read_password_file(sh->auth.password_file, &pw, err) < 0)
			return NULL;
		return pw;
	}
	if (env)
		return xstrdup(env);
	if (home && *home && sh->target.host) {
		struct buf path = BUF_INIT;
		struct imap_err warn = IMAP_ERR_INIT;
		char *login = NULL, *pass = NULL;
		int rc;
		buf_addf(&path, "%s/.netrc", home);
		rc = netrc_lookup(path.buf, sh->target.host, user, &login, &pass, &warn);
		buf_release(&path);
		free(login);
		if (rc < 0)
			shell_warn(sh, "%s", warn.msg);
		if (rc > 0 && pass)
			return pass;
		wipe_free(pass);
	}
	buf_addf(&prompt, "Password for %s: ", user);
	pw = shell_ask(prompt.buf, false);
	if (pw && asked)
		*asked = true;
	buf_release(&prompt);
	if (!pw)
		err_set(err, IMAP_ERR_ERROR,
			"no password for %s: use --password-file, IMAPSH_PASSWORD, ~/.netrc, or a terminal",
			user);
	return pw;
}

static int run_builtin(struct shell *sh, const char *mech, const char *user, const char *given,
		       bool *asked, struct imap_response **tagged, struct imap_err *err)
{
	const struct sasl_mech_info *info = sasl_find(mech);
	struct sasl_params p;
	char *secret = NULL;
	int rc;

	memset(&p, 0, sizeof(p));
	p.user = user;
	p.host = sh->target.host;
	p.port = sh->target.port ? atoi(sh->target.port) : 0;
	/* before a password is asked for: may it go out at all? */
	if (policy_check_mech(sh->session, mech, err) < 0)
		return -1;
	if (info->needs & (SASL_NEEDS_PASSWORD | SASL_NEEDS_TOKEN)) {
		if (given)
			secret = xstrdup(given);
		else if ((info->needs & SASL_NEEDS_TOKEN) && sh->auth.env_token)
			secret = xstrdup(sh->auth.env_token);
		else if (!(secret = shell_password(sh, user ? user : "", asked, err)))
			return -1;
		if (info->needs & SASL_NEEDS_TOKEN)
			p.token = secret;
		else
			p.password = secret;
	}
	rc = auth_run(sh->session, info->name, &p, tagged, err);
	wipe_free(secret);
	return rc;
}

/* The LOGIN command with user's password (given, or from shell_password). */
static int login_command(struct shell *sh, const char *user, const char *given, bool *asked,
			 struct imap_response **tagged, struct imap_err *err)
{
	const struct cmd_spec *spec = cmd_lookup("login");
	struct cmd_word w[2];
	struct cmd_call call;
	char *pw;
	int rc;

	/* before a password is asked for: may it go out at all? */
	if (policy_check_login(sh->session, err) < 0)
		return -1;
	if (!(pw = given ? xstrdup(given) : shell_password(sh, user, asked, err)))
		return -1;
	memset(w, 0, sizeof(w));
	w[0].s = w[0].raw = user;
	w[0].len = w[0].raw_len = strlen(user);
	w[1].s = w[1].raw = pw;
	w[1].len = w[1].raw_len = strlen(pw);
	cmd_call_init(&call);
	rc = cmd_build(spec, w, 2, sh->session, &call, err);
	if (rc == 0)
		rc = session_command(sh->session, &call.cmd, tagged, err);
	cmd_call_release(&call);
	wipe_free(pw);
	return rc;
}

/*
 * Logs in with mech (NULL: the LOGIN command).  A password asked on the
 * terminal may have been mistyped: after a NO it is asked again, three
 * tries in all, each failure reported.  A password that came from a file,
 * the environment or ~/.netrc would fail the same way again: one try.
 */
static int login_tries(struct shell *sh, const char *mech, const char *user, const char *given,
		       struct imap_response **tagged, struct imap_err *err)
{
	int try, rc;

	for (try = 1;; try++) {
		bool asked = false;
		rc = mech ? run_builtin(sh, mech, user, given, &asked, tagged, err)
			  : login_command(sh, user, given, &asked, tagged, err);
		if (rc == 0 && (*tagged)->status == IMAP_STATUS_OK)
			reconnect_note_login(sh, mech, user);
		if (rc < 0 || !asked || (*tagged)->status != IMAP_STATUS_NO || try == LOGIN_TRIES ||
		    !session_alive(sh->session) || session_state(sh->session) != IMAP_STATE_NONAUTH)
			return rc;
		shell_report_result(sh, mech ? "authenticate" : "login", *tagged);
		imap_response_free(*tagged);
		*tagged = NULL;
		fprintf(stderr, "imapsh: try again (%d of %d)\n", try + 1, LOGIN_TRIES);
	}
}

int shell_login_user(struct shell *sh, const char *user, const char *given,
		     struct imap_response **tagged, struct imap_err *err)
{
	return login_tries(sh, NULL, user, given, tagged, err);
}

int shell_login_again(struct shell *sh, const char *mech, const char *user,
		      struct imap_response **tagged, struct imap_err *err)
{
	return login_tries(sh, mech, user, NULL, tagged, err);
}

int shell_authenticate(struct shell *sh, const char *mech, const struct cmd_word *w, size_t n,
		       struct cmd_call *call, struct imap_response **tagged, struct imap_err *err)
{
	char name[64], *user = NULL, *pass = NULL;
	int rc;

	snprintf(name, sizeof(name), "%s", mech);
	if (auth_is_builtin(name)) {
		const struct sasl_mech_info *info = sasl_find(name);
		if (n < 1 && (info->needs & (SASL_NEEDS_PASSWORD | SASL_NEEDS_TOKEN)))
			return err_set(err, IMAP_ERR_ERROR, "usage: authenticate %s USER [PASSWORD]", name);
		if (n >= 1)
			user = xmemdup(w[0].s, w[0].len);
		if (n >= 2)
			pass = xmemdup(w[1].s, w[1].len);
		rc = login_tries(sh, name, user, pass, tagged, err);
		free(user);
		wipe_free(pass);
		return rc;
	}
	if (!sh->interactive)
		return err_set(err, IMAP_ERR_ERROR,
			       "authenticate %s: this mechanism is not built in; it can be answered by "
			       "hand on a terminal, not from a script", name);
	call->cmd.nargs = 1; /* the mechanism alone; the rest is typed at each challenge */
	call->cmd.cont = shell_sasl_by_hand;
	call->cmd.cont_ctx = sh;
	rc = session_command(sh->session, &call->cmd, tagged, err);
	if (rc == 0 && (*tagged)->status == IMAP_STATUS_OK)
		reconnect_note_login(sh, name, NULL); /* to be named, not answered again */
	return rc;
}

int shell_login(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *t = NULL;
	const char *mech = sh->auth.mech;
	int rc;

	if (!mech) {
		unsigned have = SASL_NEEDS_PASSWORD;
		if (sh->auth.env_token)
			have |= SASL_NEEDS_TOKEN;
		if (sh->target.certfile)
			have |= SASL_NEEDS_CLIENT_CERT;
		mech = auth_choose(sh->session, have);
	}
	if (mech && !auth_is_builtin(mech)) {
		shell_error(sh, "-a %s: not a built-in mechanism", mech);
		shell_note(sh, SHELL_USAGE);
		return -1;
	}
	/* no AUTH= mechanism in common (mech NULL): the LOGIN command */
	rc = login_tries(sh, mech, sh->auth.user, NULL, &t, &err);
	if (rc < 0) {
		shell_report(sh, &err);
		return -1;
	}
	if (t->status != IMAP_STATUS_OK) {
		shell_report_result(sh, "login", t);
		shell_note(sh, SHELL_FAILED);
		imap_response_free(t);
		return -1;
	}
	imap_response_free(t);
	return 0;
}
