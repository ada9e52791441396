/*
 * meta.c - the shell's own commands (help, debug, format, show, response,
 * open, raw, send, read, readline, tls, socket, shutdown, quit), as a table
 * that dispatch, help and completion all read (call.h: shell_meta_table).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/call.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cmd_docs.h"
#include "core/commands.h"
#include "shell/json.h"
#include "shell/login.h"
#include "shell/pager.h"
#include "shell/reconnect.h"
#include "shell/target.h"
#include "shell/vars.h"
#include "util/utf7.h"
#include "util/xalloc.h"

static int usage(struct shell *sh, const char *name)
{
	const struct meta_spec *m = shell_meta_lookup(name);
	shell_error(sh, "usage: %s%s%s", name, m && m->usage[0] ? " " : "", m ? m->usage : "");
	return shell_note(sh, SHELL_FAILED);
}

/* A whole number from lo to hi, or -1 after saying what is wrong. */
static int number_arg(struct shell *sh, const char *what, const char *s, long lo, long hi,
		      long *out)
{
	char *end;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi) {
		shell_error(sh, "%s must be a whole number from %ld to %ld", what, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static bool json_out(const struct shell *sh)
{
	return sh->render.format == RENDER_JSON;
}

/* {"type":TYPE,KEY:text} */
static void json_one(struct shell *sh, const char *type, const char *key, const struct buf *text)
{
	struct buf o = BUF_INIT;
	struct json j;

	shell_json_open(sh, &j, &o, type);
	json_kstr(&j, key, text->buf, text->len);
	shell_json_close(sh, &j);
	buf_release(&o);
}

/* {"type":"setting","name":NAME,"value":..} for debug and format. */
static void json_setting(struct shell *sh, const char *name, const char *str, long num)
{
	struct buf b = BUF_INIT;
	struct json j;

	shell_json_open(sh, &j, &b, "setting");
	json_kcstr(&j, "name", name);
	json_key(&j, "value");
	if (str)
		json_cstr(&j, str);
	else
		json_i64(&j, num);
	shell_json_close(sh, &j);
	buf_release(&b);
}

static void json_states(struct json *j, unsigned states)
{
	unsigned bit;

	json_key(j, "states");
	json_arr_open(j);
	for (bit = 1; bit <= IMAP_STATE_LOGOUT; bit <<= 1)
		if (states & bit)
			json_cstr(j, imap_state_name(bit));
	json_arr_close(j);
}

/* What help says of spec on this connection; NULL when not connected. */
static const char *avail_name(const struct shell *sh, const struct cmd_spec *spec)
{
	static const char *const names[] = { "now", "state", "capability" };
	if (!sh->session || !session_alive(sh->session))
		return NULL;
	return names[cmd_availability(spec, sh->session)];
}

static void json_help_imap(const struct shell *sh, struct json *j, const struct cmd_spec *spec)
{
	struct buf u = BUF_INIT;
	const char *avail = avail_name(sh, spec);
	const struct cmd_doc *doc = cmd_doc_lookup(spec->name);

	cmd_usage(spec, &u);
	json_obj_open(j);
	json_kcstr(j, "name", spec->name);
	json_kcstr(j, "kind", "imap");
	json_kstr(j, "usage", u.buf, u.len);
	json_kcstr(j, "help", spec->help);
	json_states(j, spec->states);
	if (spec->capability)
		json_kcstr(j, "capability", spec->capability);
	if (avail)
		json_kcstr(j, "available", avail);
	if (doc) {
		json_kcstr(j, "rfc", doc->rfc);
		if (doc->forms) {
			const char *p = doc->forms, *e;
			json_key(j, "forms");
			json_arr_open(j);
			for (; *p; p = *e ? e + 1 : e) {
				e = strchr(p, '\n');
				if (!e)
					e = p + strlen(p);
				json_str(j, p, (size_t)(e - p));
			}
			json_arr_close(j);
		}
		json_kcstr(j, "example", doc->example);
	}
	json_obj_close(j);
	buf_release(&u);
}

static void json_help_meta(struct json *j, const struct meta_spec *m)
{
	struct buf u = BUF_INIT;

	buf_addf(&u, "%s%s%s", m->name, m->usage[0] ? " " : "", m->usage);
	json_obj_open(j);
	json_kcstr(j, "name", m->name);
	json_kcstr(j, "kind", "shell");
	json_kstr(j, "usage", u.buf, u.len);
	json_kcstr(j, "help", m->help);
	json_obj_close(j);
	buf_release(&u);
}

/* help as {"type":"help","commands":[..]}: one, or all. */
static int json_help(struct shell *sh, const struct cmd_spec *spec, const struct meta_spec *m)
{
	struct buf b = BUF_INIT;
	struct json j;
	size_t i;

	shell_json_open(sh, &j, &b, "help");
	json_key(&j, "commands");
	json_arr_open(&j);
	if (spec)
		json_help_imap(sh, &j, spec);
	else if (m)
		json_help_meta(&j, m);
	else {
		for (i = 0; i < cmd_table_size; i++)
			json_help_imap(sh, &j, &cmd_table[i]);
		for (i = 0; i < shell_meta_table_size; i++)
			json_help_meta(&j, &shell_meta_table[i]);
	}
	json_arr_close(&j);
	shell_json_close(sh, &j);
	buf_release(&b);
	return SHELL_OK;
}

static int m_quit(struct shell *sh, const struct meta_args *a)
{
	(void)a;
	sh->quit = true;
	return SHELL_OK;
}

static void help_states(struct buf *b, unsigned states)
{
	unsigned bit;
	buf_adds(b, "    states:");
	for (bit = 1; bit <= IMAP_STATE_LOGOUT; bit <<= 1)
		if (states & bit)
			buf_addf(b, " %s", imap_state_name(bit));
}

/* Help's column of descriptions. */
#define HELP_COL 47

/* One row of help: "  USAGE   description", the description wrapped
 * at word boundaries to width (0: no wrapping) under its own column; a
 * usage too long for its column puts the description on the next line. */
static void help_row(struct buf *b, char mark, const char *usage, const char *help, unsigned width)
{
	size_t col = 2 + render_text_columns(usage, strlen(usage));
	const char *p = help;

	buf_addf(b, "%c %s", mark, usage);
	if (col + 1 > HELP_COL) {
		buf_addch(b, '\n');
		col = 0;
	}
	while (col < HELP_COL) {
		buf_addch(b, ' ');
		col++;
	}
	while (*p) {
		const char *w = p, *e;
		size_t wl;
		while (*w == ' ')
			w++;
		e = w;
		while (*e && *e != ' ')
			e++;
		wl = render_text_columns(w, (size_t)(e - w));
		if (col > HELP_COL && width && col + 1 + wl > width) {
			buf_addch(b, '\n');
			for (col = 0; col < HELP_COL; col++)
				buf_addch(b, ' ');
		} else if (col > HELP_COL) {
			buf_addch(b, ' ');
			col++;
		}
		buf_add(b, w, (size_t)(e - w));
		col += wl;
		p = e;
		while (*p == ' ')
			p++;
	}
	buf_addch(b, '\n');
}

/* The forms, the RFC and an example, indented under the synopsis. */
static void help_doc(struct buf *b, const struct cmd_doc *doc)
{
	const char *p, *e;

	if (!doc)
		return;
	if (doc->forms) {
		buf_adds(b, "    forms:\n");
		for (p = doc->forms; *p; p = *e ? e + 1 : e) {
			e = strchr(p, '\n');
			if (!e)
				e = p + strlen(p);
			buf_addf(b, "      %.*s\n", (int)(e - p), p);
		}
	}
	buf_addf(b, "    defined in: %s\n", doc->rfc);
	buf_addf(b, "    example: %s\n", doc->example);
}

static int m_help(struct shell *sh, const struct meta_args *a)
{
	unsigned width = sh->render.tty ? shell_terminal_width() : 0;
	struct buf b = BUF_INIT;
	size_t i;
	if (a->l->count > 1) {
		const struct cmd_spec *spec = cmd_lookup(a->l->tok[1].value);
		const struct meta_spec *m = shell_meta_lookup(a->l->tok[1].value);
		if ((spec || m) && json_out(sh))
			return json_help(sh, spec, spec ? NULL : m);
		if (spec) {
			const char *avail = avail_name(sh, spec);
			cmd_usage(spec, &b);
			buf_addf(&b, "\n    %s\n", spec->help);
			help_states(&b, spec->states);
			if (spec->capability)
				buf_addf(&b, "; capability %s", spec->capability);
			buf_addch(&b, '\n');
			help_doc(&b, cmd_doc_lookup(spec->name));
			if (avail && !strcmp(avail, "now"))
				buf_adds(&b, "    this server: available now\n");
			else if (avail && !strcmp(avail, "capability"))
				buf_addf(&b, "    this server: does not offer %s\n", spec->capability);
			else if (avail)
				buf_addf(&b, "    this server: not in state %s\n",
					 imap_state_name(session_state(sh->session)));
		} else if (m) {
			buf_addf(&b, "%s%s%s\n    %s\n", m->name, m->usage[0] ? " " : "", m->usage, m->help);
		} else {
			shell_error(sh, "help: no command \"%s\"", a->l->tok[1].value);
			return shell_note(sh, SHELL_FAILED);
		}
		shell_print(sh, &b);
		buf_release(&b);
		return SHELL_OK;
	}
	if (json_out(sh))
		return json_help(sh, NULL, NULL);
	buf_adds(&b, "IMAP commands (imaplib's methods)");
	if (sh->session && session_alive(sh->session))
		buf_addf(&b, "; - only in another state than %s, ! a capability this server lacks",
			 imap_state_name(session_state(sh->session)));
	buf_adds(&b, ":\n");
	for (i = 0; i < cmd_table_size; i++) {
		static const char marks[] = { ' ', '-', '!' };
		const char *avail = avail_name(sh, &cmd_table[i]);
		struct buf u = BUF_INIT;
		cmd_usage(&cmd_table[i], &u);
		help_row(&b, avail ? marks[cmd_availability(&cmd_table[i], sh->session)] : ' ', u.buf,
			 cmd_table[i].help, width);
		buf_release(&u);
	}
	buf_adds(&b, "Shell commands:\n");
	for (i = 0; i < shell_meta_table_size; i++) {
		const struct meta_spec *m = &shell_meta_table[i];
		struct buf u = BUF_INIT;
		buf_addf(&u, "%s%s%s", m->name, m->usage[0] ? " " : "", m->usage);
		help_row(&b, ' ', u.buf, m->help, width);
		buf_release(&u);
	}
	buf_adds(&b, "Any command may end with > FILE, >> FILE or > DIR/ to save literals (message data).\n"
		     "A line that starts with # (after blanks) is a comment.\n");
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int m_debug(struct shell *sh, const struct meta_args *a)
{
	if (a->l->count > 1) {
		long v;
		if (number_arg(sh, "debug: the level", a->l->tok[1].value, 0, 5, &v) < 0)
			return shell_note(sh, SHELL_FAILED);
		sh->trace.level = (int)v;
	} else if (json_out(sh)) {
		json_setting(sh, "debug", NULL, sh->trace.level);
	} else {
		fprintf(sh->out, "debug %d\n", sh->trace.level);
	}
	return SHELL_OK;
}

static int m_format(struct shell *sh, const struct meta_args *a)
{
	static const char *const names[] = { "pretty", "raw", "json" };
	if (a->l->count > 1) {
		int i;
		for (i = 0; i < 3; i++)
			if (!strcasecmp(a->l->tok[1].value, names[i]))
				break;
		if (i == 3) {
			shell_error(sh, "format: pretty, raw or json");
			return shell_note(sh, SHELL_FAILED);
		}
		sh->render.format = (enum render_format)i;
	} else if (json_out(sh)) {
		json_setting(sh, "format", names[sh->render.format], 0);
	} else {
		fprintf(sh->out, "format %s\n", names[sh->render.format]);
	}
	return SHELL_OK;
}

/* show as {"type":"show","connected":true,"alive":true,"state":"SELECTED",..}. */
static int json_show(struct shell *sh)
{
	struct buf b = BUF_INIT;
	struct json j;

	shell_json_open(sh, &j, &b, "show");
	json_kbool(&j, "connected", sh->session != NULL);
	if (sh->session) {
		const char *const *caps;
		size_t n = session_caps(sh->session, &caps), i;
		const char *mb = session_mailbox(sh->session);
		bool nomodseq = false;

		json_kbool(&j, "alive", session_alive(sh->session));
		json_kcstr(&j, "protocol_version", session_protocol_version(sh->session));
		json_key(&j, "capabilities");
		json_arr_open(&j);
		for (i = 0; i < n; i++)
			json_cstr(&j, caps[i]);
		json_arr_close(&j);
		json_kcstr(&j, "state", imap_state_name(session_state(sh->session)));
		if (mb) {
			struct buf dec = BUF_INIT;
			if (!session_utf8_names(sh->session) && utf7_decode(mb, strlen(mb), &dec) == 0 &&
			    (dec.len != strlen(mb) || memcmp(dec.buf, mb, dec.len))) {
				json_kstr(&j, "mailbox", dec.buf, dec.len);
				json_kcstr(&j, "mailbox_wire", mb);
			} else
				json_kcstr(&j, "mailbox", mb);
			buf_release(&dec);
			json_kbool(&j, "readonly", session_readonly(sh->session));
			if (session_highestmodseq(sh->session, &nomodseq))
				json_ku64(&j, "highestmodseq", session_highestmodseq(sh->session, NULL));
			if (nomodseq)
				json_kbool(&j, "nomodseq", true);
			if (session_update_count(sh->session)) {
				json_key(&j, "updates");
				json_arr_open(&j);
				for (i = 0; i < session_update_count(sh->session); i++)
					json_cstr(&j, session_update_tag(sh->session, i));
				json_arr_close(&j);
			}
		}
		if (session_qresync(sh->session))
			json_kbool(&j, "qresync", true);
		json_kcstr(&j, "next_tag", session_next_tag(sh->session));
	}
	json_key(&j, "debug");
	json_i64(&j, sh->trace.level);
	shell_json_close(sh, &j);
	buf_release(&b);
	return SHELL_OK;
}

static int m_show(struct shell *sh, const struct meta_args *a)
{
	struct buf b = BUF_INIT;
	(void)a;
	if (json_out(sh))
		return json_show(sh);
	if (sh->session) {
		const char *const *caps;
		size_t n = session_caps(sh->session, &caps), i;
		bool nomodseq = false;
		buf_addf(&b, "PROTOCOL_VERSION %s\n", session_protocol_version(sh->session));
		buf_adds(&b, "capabilities");
		for (i = 0; i < n; i++)
			buf_addf(&b, " %s", caps[i]);
		buf_addf(&b, "\nstate %s%s\n", imap_state_name(session_state(sh->session)),
			 session_alive(sh->session) ? "" : " (connection closed)");
		if (session_mailbox(sh->session)) {
			const char *mb = session_mailbox(sh->session);
			struct buf dec = BUF_INIT;
			buf_adds(&b, "mailbox ");
			render_safe(&b, mb, strlen(mb));
			if (strchr(mb, '&') && utf7_decode(mb, strlen(mb), &dec) == 0) {
				buf_adds(&b, " (");
				render_safe(&b, dec.buf, dec.len);
				buf_addch(&b, ')');
			}
			buf_release(&dec);
			buf_addf(&b, "%s\n", session_readonly(sh->session) ? " (read-only)" : "");
			if (session_highestmodseq(sh->session, &nomodseq))
				buf_addf(&b, "highestmodseq %" PRIu64 "\n", session_highestmodseq(sh->session, NULL));
			if (nomodseq)
				buf_adds(&b, "nomodseq (the mailbox keeps no mod-sequences)\n");
			if (session_update_count(sh->session)) {
				/* searches left open with RETURN (UPDATE) */
				buf_adds(&b, "updates from");
				for (i = 0; i < session_update_count(sh->session); i++)
					buf_addf(&b, " %s", session_update_tag(sh->session, i));
				buf_adds(&b, " (cancelupdate stops them)\n");
			}
		}
		if (session_qresync(sh->session))
			buf_adds(&b, "QRESYNC enabled (VANISHED instead of EXPUNGE)\n");
		buf_addf(&b, "next tag %s\n", session_next_tag(sh->session));
	} else {
		buf_adds(&b, "not connected\n");
	}
	buf_addf(&b, "debug %d\n", sh->trace.level);
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int m_response(struct shell *sh, const struct meta_args *a)
{
	struct imap_response **list;
	size_t n, i;
	if (a->l->count != 2)
		return usage(sh, "response");
	if (!sh->session) {
		shell_error(sh, "not connected (use open)");
		return shell_note(sh, SHELL_FAILED);
	}
	n = session_take_untagged(sh->session, a->l->tok[1].value, &list);
	for (i = 0; i < n; i++) {
		shell_show(sh, list[i], "response", sh->interactive ? 0 : sh->lineno);
		imap_response_free(list[i]);
	}
	free(list);
	if (!n && json_out(sh)) {
		struct buf b = BUF_INIT;
		struct json j;
		shell_json_open(sh, &j, &b, "kept");
		json_kcstr(&j, "name", a->l->tok[1].value);
		json_ku64(&j, "count", 0);
		shell_json_close(sh, &j);
		buf_release(&b);
	} else if (!n) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s: none\n", a->l->tok[1].value);
		shell_print(sh, &b);
		buf_release(&b);
	}
	return SHELL_OK;
}

static int m_open(struct shell *sh, const struct meta_args *a)
{
	size_t i;
	int prof;
	if (a->l->count >= 3 && !strcmp(a->l->tok[1].value, "--stream")) {
		for (i = 0; i < 3; i++) {
			free(sh->target_store[i]);
			sh->target_store[i] = NULL;
		}
		sh->target_store[0] = xstrdup(a->l->tok[2].value);
		sh->target.stream_cmd = sh->target_store[0];
		sh->target.host = NULL;
		sh->target.port = NULL;
	} else if (a->l->count == 2 && (prof = target_open_profile(sh, a->l->tok[1].value)) != 0) {
		/* open PROFILE: its settings replace the target's */
		if (prof < 0)
			return shell_note(sh, SHELL_FAILED);
		reconnect_forget(sh);
		if (shell_connect(sh) < 0)
			return SHELL_BROKEN;
		if (sh->auth.user && session_state(sh->session) == IMAP_STATE_NONAUTH && shell_login(sh) < 0)
			return SHELL_FAILED;
		shell_compress_auto(sh); /* --compress: logged in, or PREAUTH */
		return SHELL_OK;
	} else if (a->l->count >= 2 && a->l->count <= 3) {
		for (i = 0; i < 3; i++) {
			free(sh->target_store[i]);
			sh->target_store[i] = NULL;
		}
		sh->target_store[1] = xstrdup(a->l->tok[1].value);
		sh->target.host = sh->target_store[1];
		sh->target.stream_cmd = NULL;
		/* no port: the transport's own (993 with --ssl, else 143) */
		sh->target.port = NULL;
		if (a->l->count == 3) {
			sh->target_store[2] = xstrdup(a->l->tok[2].value);
			sh->target.port = sh->target_store[2];
		}
	} else if (a->l->count != 1) {
		return usage(sh, "open");
	}
	if (!sh->target.host && !sh->target.stream_cmd)
		return usage(sh, "open");
	if (a->l->count == 1) /* the same server again: log in and select again */
		return shell_reconnect(sh);
	reconnect_forget(sh); /* another server: another login */
	if (shell_connect(sh) < 0)
		return SHELL_BROKEN;
	if (sh->auth.user && session_state(sh->session) == IMAP_STATE_NONAUTH && shell_login(sh) < 0)
		return SHELL_FAILED;
	shell_compress_auto(sh); /* --compress: logged in, or PREAUTH */
	return SHELL_OK;
}

/* set [NAME [VALUE]], unset NAME...: the variables of vars.h */
static int m_set(struct shell *sh, const struct meta_args *a)
{
	struct buf b = BUF_INIT;
	char *msg = NULL;
	if (sh->redir) {
		shell_error(sh, "%s: no redirection (a > in a value: quote it)", a->l->tok[0].value);
		return shell_note(sh, SHELL_FAILED);
	}
	if (vars_command(sh->vars, a->line, a->len, &b, &msg) < 0) {
		shell_error(sh, "%s", msg);
		free(msg);
		return shell_note(sh, SHELL_FAILED);
	}
	if (b.len && sh->render.format == RENDER_JSON) {
		/* {"type":"variables","variables":{"NAME":"VALUE",...}} */
		struct json j;
		struct buf o = BUF_INIT;
		const char *value;
		size_t i, n = vars_count(sh->vars), vlen;
		shell_json_open(sh, &j, &o, "variables");
		json_key(&j, "variables");
		json_obj_open(&j);
		for (i = 0; i < n; i++) {
			const char *name = vars_nth(sh->vars, i, &value, &vlen);
			if (a->l->count == 2 && strcmp(name, a->l->tok[1].value))
				continue;
			json_key(&j, name);
			json_str(&j, value, vlen);
		}
		json_obj_close(&j);
		shell_json_close(sh, &j);
		buf_release(&o);
	} else if (b.len) {
		shell_print(sh, &b);
	}
	buf_release_secret(&b);
	return SHELL_OK;
}

/* pager [on|off|auto] */
static int m_pager(struct shell *sh, const struct meta_args *a)
{
	enum pager_mode m;
	if (a->l->count > 2 || (a->l->count == 2 && pager_mode_parse(a->l->tok[1].value, &m) < 0))
		return usage(sh, "pager");
	if (a->l->count == 2)
		sh->pager_mode = (int)m;
	if (sh->render.format == RENDER_JSON) {
		json_setting(sh, "pager", pager_mode_name((enum pager_mode)sh->pager_mode), 0);
	} else {
		struct buf b = BUF_INIT;
		const char *cmd = pager_command();
		buf_addf(&b, "pager %s (%s)\n", pager_mode_name((enum pager_mode)sh->pager_mode),
			 cmd ? cmd : "no pager command: PAGER is empty or cat");
		shell_print(sh, &b);
		buf_release(&b);
	}
	return SHELL_OK;
}

static int m_reconnect(struct shell *sh, const struct meta_args *a)
{
	if (a->l->count != 1)
		return usage(sh, "reconnect");
	return shell_reconnect(sh);
}

static int m_send(struct shell *sh, const struct meta_args *a)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf bytes = BUF_INIT;
	size_t i;
	int st = SHELL_OK;
	if (shell_need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	for (i = 1; i < a->l->count; i++) {
		/* escapes are read once, from the text as typed (quotes only group) */
		const char *r = a->l->tok[i].raw;
		size_t rl = a->l->tok[i].raw_len;
		if (i > 1)
			buf_addch(&bytes, ' ');
		if (rl >= 2 && r[0] == '"' && r[rl - 1] == '"') {
			r++;
			rl -= 2;
		}
		if (shell_unescape(r, rl, &bytes, &err) < 0) {
			buf_release(&bytes);
			return shell_report(sh, &err);
		}
	}
	if (session_send_raw(sh->session, bytes.buf, bytes.len, &err) < 0)
		st = shell_report(sh, &err);
	explicit_bzero(bytes.buf, bytes.len); /* it may have held a password */
	buf_release(&bytes);
	return st;
}

static int m_read(struct shell *sh, const struct meta_args *a)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf b = BUF_INIT;
	char *data;
	long n, want = 4096;
	if (shell_need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	if (a->l->count > 1 && number_arg(sh, "read: N", a->l->tok[1].value, 1, 16 * 1024 * 1024, &want) < 0)
		return shell_note(sh, SHELL_FAILED);
	data = xmalloc((size_t)want);
	n = session_read_bytes(sh->session, data, (size_t)want, &err);
	if (n < 0) {
		free(data);
		return shell_report(sh, &err);
	}
	if (json_out(sh)) {
		struct json j;
		shell_json_open(sh, &j, &b, "bytes");
		json_kstr(&j, "data", data, (size_t)n);
		json_ku64(&j, "size", (uint64_t)n);
		json_kbool(&j, "eof", n == 0);
		free(data);
		shell_json_close(sh, &j);
		buf_release(&b);
		return SHELL_OK;
	}
	buf_add_escaped(&b, data, (size_t)n);
	buf_addf(&b, "\n(%ld bytes%s)\n", n, n == 0 ? ", end of stream" : "");
	free(data);
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int m_readline(struct shell *sh, const struct meta_args *a)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *r;
	struct buf b = BUF_INIT;
	(void)a;
	if (shell_need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	if (session_read_response(sh->session, &r, &err) < 0)
		return shell_report(sh, &err);
	if (json_out(sh)) {
		shell_show(sh, r, NULL, 0);
		imap_response_free(r);
		return SHELL_OK;
	}
	buf_add_escaped(&b, r->raw, r->raw_len);
	buf_addch(&b, '\n');
	imap_response_free(r);
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

/* "key: value" lines as {"type":TYPE,"key":"value",..} (keys lower
 * case, spaces and dashes as "_"); other lines under "notes".  Frees b. */
static int json_lines(struct shell *sh, const char *type, struct buf *b)
{
	struct buf o = BUF_INIT, key = BUF_INIT;
	struct json j;
	size_t pos = 0, nnotes = 0, pass;

	shell_json_open(sh, &j, &o, type);
	for (pass = 0; pass < 2; pass++) {
		pos = 0;
		if (pass == 1 && nnotes) {
			json_key(&j, "notes");
			json_arr_open(&j);
		}
		while (pos < b->len) {
			const char *line = b->buf + pos, *nl = memchr(line, '\n', b->len - pos);
			size_t len = nl ? (size_t)(nl - line) : b->len - pos, k;
			const char *colon = memchr(line, ':', len);
			bool kv = colon && colon > line && (size_t)(colon - line) < 40 &&
				  colon + 1 < line + len && colon[1] == ' ';

			pos += len + (nl ? 1 : 0);
			for (k = 0; kv && line + k < colon; k++)
				if (!(line[k] == ' ' || line[k] == '-' || (line[k] >= 'a' && line[k] <= 'z') ||
				      (line[k] >= 'A' && line[k] <= 'Z') || (line[k] >= '0' && line[k] <= '9')))
					kv = false;
			if (!len)
				continue;
			if (!kv) {
				if (pass == 0)
					nnotes++;
				else
					json_str(&j, line, len);
				continue;
			}
			if (pass == 1)
				continue;
			buf_reset(&key);
			for (k = 0; line + k < colon; k++) {
				char c = line[k];
				buf_addch(&key, c == ' ' || c == '-' ? '_' : c >= 'A' && c <= 'Z' ? c + 32 : c);
			}
			json_kstr(&j, key.buf, colon + 2, (size_t)(line + len - colon - 2));
		}
	}
	if (nnotes)
		json_arr_close(&j);
	shell_json_close(sh, &j);
	buf_release(&o);
	buf_release(&key);
	buf_release(b);
	return SHELL_OK;
}

static int m_tls(struct shell *sh, const struct meta_args *a)
{
	struct buf b = BUF_INIT;
	(void)a;
	if (shell_need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	if (conn_tls_info(sh->session, &b) < 0) {
		shell_error(sh, "tls: this connection is not encrypted (use --ssl, --starttls or starttls)");
		buf_release(&b);
		return shell_note(sh, SHELL_FAILED);
	}
	if (json_out(sh))
		return json_lines(sh, "tls", &b);
	if (b.len && b.buf[b.len - 1] != '\n')
		buf_addch(&b, '\n');
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int m_socket(struct shell *sh, const struct meta_args *a)
{
	struct buf b = BUF_INIT;
	(void)a;
	if (shell_need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	conn_describe(sh->session, &b);
	if (json_out(sh)) {
		json_one(sh, "socket", "description", &b);
		buf_release(&b);
		return SHELL_OK;
	}
	{
		/* COMPRESS: its byte counts and ratios on a line of their own */
		char *z = strstr(b.buf, "; deflate: ");
		if (z) {
			z[0] = '\n';
			memmove(z + 1, z + 2, strlen(z + 2) + 1);
			buf_setlen(&b, b.len - 1);
		}
	}
	buf_addch(&b, '\n');
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int m_shutdown(struct shell *sh, const struct meta_args *a)
{
	struct buf b = BUF_INIT;
	(void)a;
	if (!sh->session) {
		shell_error(sh, "not connected");
		return shell_note(sh, SHELL_FAILED);
	}
	session_free(sh->session, &b);
	sh->session = NULL;
	if (json_out(sh)) {
		json_one(sh, "closed", "report", &b);
	} else if (b.len) {
		buf_addch(&b, '\n');
		shell_print(sh, &b);
	}
	buf_release(&b);
	return SHELL_OK;
}

static int m_raw(struct shell *sh, const struct meta_args *a)
{
	/* everything after "raw " exactly as typed */
	const char *p = a->line, *end = a->line + a->len;
	const char *verb_end;
	char verb[64];
	struct shell_line rest = SHELL_LINE_INIT;
	struct shell_token tok;
	int st;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	p += 3;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (memchr(p, '\0', (size_t)(end - p)) || memchr(p, '\r', (size_t)(end - p)) ||
	    memchr(p, '\n', (size_t)(end - p))) {
		shell_error(sh, "raw: the line holds a line break (CR or LF) or a NUL byte, which is "
			    "not allowed: one command is one line (use send for bytes of your own)");
		return shell_note(sh, SHELL_FAILED);
	}
	verb_end = p;
	while (verb_end < end && *verb_end != ' ')
		verb_end++;
	if (verb_end == p || (size_t)(verb_end - p) >= sizeof(verb))
		return usage(sh, "raw");
	memcpy(verb, p, (size_t)(verb_end - p));
	verb[verb_end - p] = '\0';
	p = verb_end;
	while (p < end && *p == ' ')
		p++;
	memset(&tok, 0, sizeof(tok));
	tok.raw = xmemdup(p, (size_t)(end - p));
	tok.raw_len = (size_t)(end - p);
	tok.value = tok.raw;
	tok.value_len = tok.raw_len;
	rest.tok = &tok;
	rest.count = 1;
	st = shell_run_imap(sh, NULL, &rest, 0, p < end ? 1 : 0, verb);
	explicit_bzero(tok.raw, tok.raw_len); /* it may have held a password */
	free(tok.raw);
	return st;
}

/* Sorted by name (help lists them in this order). */
const struct meta_spec shell_meta_table[] = {
	{ "debug", "[LEVEL]", "show or set the trace level 0-5 (4: every line sent and received)", m_debug },
	{ "exit", "", "same as quit", m_quit },
	{ "format", "[pretty|raw|json]", "show or set the output format", m_format },
	{ "help", "[COMMAND]", "list commands, or show one", m_help },
	{ "open", "[HOST [PORT] | PROFILE | --stream COMMAND]", "connect; no PORT: 143, or 993 with --ssl; alone: reconnect", m_open },
	{ "pager", "[on|off|auto]", "page output longer than the screen: auto (default), on, off", m_pager },
	{ "quit", "", "leave the shell (sends LOGOUT if still connected)", m_quit },
	{ "raw", "LINE", "send LINE as a tagged command, exactly as typed", m_raw },
	{ "read", "[N]", "read up to N bytes from the server and show them escaped", m_read },
	{ "readline", "", "read one response from the server and show it", m_readline },
	{ "reconnect", "", "connect again with the same options, log in and select as before", m_reconnect },
	{ "response", "NAME", "show and forget kept untagged responses (imaplib's response())", m_response },
	{ "send", "STRING", "send bytes (C escapes: \\r \\n \\xHH), no tag, nothing added", m_send },
	{ "show", "", "show PROTOCOL_VERSION, capabilities, state, mailbox, debug level", m_show },
	{ "set", "[NAME [VALUE]]", "show or set variables, used as $NAME or ${NAME}", m_set },
	{ "shutdown", "", "close the connection", m_shutdown },
	{ "socket", "", "describe the connection (transport, peer, local address)", m_socket },
	{ "tls", "", "show the TLS session: protocol, cipher, certificate, fingerprint", m_tls },
	{ "unset", "NAME...", "remove variables", m_set },
};

const size_t shell_meta_table_size = sizeof(shell_meta_table) / sizeof(shell_meta_table[0]);

const struct meta_spec *shell_meta_lookup(const char *name)
{
	size_t i;
	if (!strcmp(name, "?"))
		name = "help";
	for (i = 0; i < shell_meta_table_size; i++)
		if (!strcasecmp(name, shell_meta_table[i].name))
			return &shell_meta_table[i];
	return NULL;
}
