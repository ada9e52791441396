/*
 * call.c - the shell object, messages, the session's hooks, and one typed
 * line run: meta commands go to meta.c, IMAP commands are built from the
 * command table and sent here (call.h).
 */
#include "shell/call.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/commands.h"
#include "core/policy.h"
#include "shell/hold.h"
#include "shell/json.h"
#include "shell/interrupt.h"
#include "shell/lexer.h"
#include "shell/login.h"
#include "shell/reconnect.h"
#include "shell/pager.h"
#include "shell/progress.h"
#include "shell/target.h"
#include "shell/vars.h"
#include "shell/msgfile.h"
#include "shell/sink.h"
#include "util/distance.h"
#include "util/xalloc.h"

/* Literals at least this big are not kept in memory: they go to the
 * redirect target, or to the spool until their response is shown. */
#define STREAM_THRESHOLD (1024 * 1024)

/* The longest line typed during IDLE that is kept to run after it. */
#define AFTER_IDLE_MAX 65536

/* ---- messages ---------------------------------------------------------- */

/* "imapsh: [FILE:]line N: message" on stderr; with -o json also an
 * object on stdout, so that a script's stream says what failed where. */
static void say(struct shell *sh, const char *type, bool json, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT, msg = BUF_INIT;

	fflush(sh->out);
	pager_sync(sh->pager); /* what the command printed before, first */
	buf_vaddf(&msg, fmt, ap);
	buf_adds(&b, "imapsh: ");
	if (sh->lineno && !sh->interactive) {
		/* FILE:N: as compilers say it, which editors jump to */
		if (sh->source)
			buf_addf(&b, "%s:%lu: ", sh->source, sh->lineno);
		else
			buf_addf(&b, "line %lu: ", sh->lineno);
	}
	if (strcmp(type, "error"))
		buf_addf(&b, "%s: ", type);
	/* one line, terminal-safe: the message may quote what the user typed
	 * or what the server sent */
	render_safe(&b, msg.buf, msg.len);
	buf_addch(&b, '\n');
	progress_clear(sh->progress);
	fwrite(b.buf, 1, b.len, stderr);
	fflush(stderr);
	if (json && sh->render.format == RENDER_JSON) {
		struct json j;

		buf_reset(&b);
		shell_json_open(sh, &j, &b, type);
		json_kstr(&j, "message", msg.buf, msg.len);
		if (sh->lineno && !sh->interactive && sh->source)
			json_kcstr(&j, "source", sh->source);
		shell_json_close(sh, &j);
	}
	buf_release(&msg);
	buf_release(&b);
}

void shell_error(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(sh, "error", true, fmt, ap);
	va_end(ap);
}

void shell_warn(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(sh, "warning", true, fmt, ap);
	va_end(ap);
}

void shell_json_open(struct shell *sh, struct json *j, struct buf *b, const char *type)
{
	(void)sh;
	j->out = b;
	j->depth = 0;
	j->more[0] = false;
	j->after_key = false;
	j->big = NULL;
	j->big_ctx = NULL;
	j->over = 0;
	json_obj_open(j);
	json_ku64(j, "version", JSON_VERSION);
	json_kcstr(j, "type", type);
}

void shell_json_close(struct shell *sh, struct json *j)
{
	if (sh->lineno && !sh->interactive)
		json_ku64(j, "line", sh->lineno);
	json_obj_close(j);
	buf_addch(j->out, '\n');
	shell_print(sh, j->out);
}

int shell_note(struct shell *sh, int st)
{
	if (st > sh->status)
		sh->status = st;
	return st;
}

int shell_report(struct shell *sh, const struct imap_err *e)
{
	if (e->kind == IMAP_ERR_ABORT && conn_interrupted()) { /* Ctrl-C */
		fputc('\n', stderr); /* after the terminal's "^C" */
		shell_error(sh, "%s: the reply was cut off, so the connection is closed "
			    "(open reconnects)", e->msg);
	} else
		shell_error(sh, "%s", e->msg);
	if (e->kind == IMAP_ERR_ABORT) {
		if (!sh->interactive)
			sh->quit = true;
		return shell_note(sh, SHELL_BROKEN);
	}
	return shell_note(sh, SHELL_FAILED);
}

/* stderr only: with -o json the tagged object says it already */
static void error_text(struct shell *sh, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(sh, "error", false, fmt, ap);
	va_end(ap);
}

void shell_report_result(struct shell *sh, const char *what, const struct imap_response *t)
{
	static const struct render_opts one_line = { .format = RENDER_PRETTY, .tty = false };
	struct buf b = BUF_INIT;
	render_response(&b, t, &one_line);
	while (b.len && b.buf[b.len - 1] == '\n')
		buf_setlen(&b, b.len - 1);
	if (b.len > 400)
		buf_setlen(&b, 400);
	error_text(sh, "%s failed: %s", what, b.buf);
	buf_release(&b);
}

void shell_print(struct shell *sh, const struct buf *b)
{
	fwrite(b->buf, 1, b->len, sh->out);
	if (sh->interactive)
		fflush(sh->out);
}

int shell_need_session(struct shell *sh)
{
	if (sh->session && session_alive(sh->session))
		return 0;
	if (reconnect_offer(sh) == 0)
		return 0;
	shell_error(sh, sh->session ? "not connected (the connection is closed: use reconnect)"
				    : "not connected (use open)");
	return -1;
}

/* ---- showing responses --------------------------------------------------- */

/* Clear text before a required TLS, which an attacker could have sent. */
static bool unprotected(struct shell *sh)
{
	return sh->pre_tls || (sh->target.starttls && sh->session && !session_is_tls(sh->session));
}

unsigned shell_terminal_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	long v;

	if (c && (v = strtol(c, NULL, 10)) >= 20 && v <= 1000)
		return (unsigned)v;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* PRETTY: "  (unsolicited)" at the end of the first line rendered since
 * from (data no command asked for: another client's EXISTS, a flag
 * change seen during a FETCH). */
static void mark_unsolicited(struct buf *b, size_t from, bool color)
{
	struct buf mark = BUF_INIT;
	const char *nl = memchr(b->buf + from, '\n', b->len - from);
	size_t at = nl ? (size_t)(nl - b->buf) : b->len, tail = b->len - at;

	buf_adds(&mark, "  ");
	if (color)
		buf_adds(&mark, render_sgr(RENDER_SGR_DIM));
	buf_adds(&mark, "(unsolicited)");
	if (color)
		buf_adds(&mark, render_sgr(RENDER_SGR_RESET));
	buf_grow(b, mark.len);
	memmove(b->buf + at + mark.len, b->buf + at, tail);
	memcpy(b->buf + at, mark.buf, mark.len);
	buf_setlen(b, b->len + mark.len);
	buf_release(&mark);
}

void shell_show(struct shell *sh, const struct imap_response *r, const char *command,
		unsigned long line)
{
	shell_show_as(sh, r, command, line, false, NULL);
}

void shell_show_as(struct shell *sh, const struct imap_response *r, const char *command,
		   unsigned long line, bool unsolicited, struct buf *into)
{
	struct buf *b = into ? into : &sh->scratch;
	struct render_opts o = sh->render;
	size_t from;

	if (o.format == RENDER_RAW && o.tty && !sh->raw_warned) {
		sh->raw_warned = true;
		shell_warn(sh, "-o raw writes what the server sends to this terminal "
			   "unchanged, escape sequences included");
	}
	if (unprotected(sh)) {
		/* --starttls: what came before TLS is never shown as the
		 * server's word (an [ALERT] in clear text proves nothing); JSON
		 * keeps the greeting, marked */
		if (o.format != RENDER_JSON) {
			sink_spool_clear(sh);
			return;
		}
		o.unprotected = true;
	}
	if (sh->greeting_pending && r->kind == IMAP_RESP_UNTAGGED && r->status != IMAP_STATUS_NONE) {
		sh->greeting_pending = false;
		o.greeting = true;
	}
	o.command = command;
	o.line = line;
	o.unsolicited = unsolicited;
	o.spool = sink_spool(sh);
	o.utf8_names = sh->session && session_utf8_names(sh->session);
	o.show_wire = sh->trace.level >= 1;
	o.width = o.tty ? shell_terminal_width() : 0;
	if (!into)
		buf_reset(b);
	from = b->len;
	if (o.format == RENDER_RAW && r->raw && !o.spool) {
		/* as received: no copy */
		if (into)
			buf_add(into, r->raw, r->raw_len);
		else
			fwrite(r->raw, 1, r->raw_len, sh->out);
	} else {
		render_response(b, r, &o);
		if (unsolicited && o.format == RENDER_PRETTY && b->len > from)
			mark_unsolicited(b, from, o.color);
		if (!into)
			shell_print(sh, b);
	}
	if (sh->interactive && !into)
		fflush(sh->out);
	sink_spool_clear(sh);
	/* reused for the next response, unless a big literal made it huge */
	if (!into && b->alloc > (1 << 20))
		buf_release(b);
}

/* "connecting to HOST:PORT..." on a terminal's stderr while a TCP
 * connection is made; whatever is shown next (the greeting, a trace
 * line, a warning, the error) replaces it. */
static void connecting_show(struct shell *sh)
{
	if (!sh->interactive || sh->target.stream_cmd || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "connecting to %s:%s...", sh->target.host, conn_port(&sh->target));
	fflush(stderr);
	sh->connecting_shown = true;
}

static void connecting_clear(struct shell *sh)
{
	if (sh->connecting_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		sh->connecting_shown = false;
	}
}

static void on_untagged(void *ctx, const struct imap_response *r)
{
	connecting_clear(ctx);
	hold_untagged(ctx, r);
}

/* The trace hook gets the shell as ctx; route it to the trace settings. */
static void on_trace(void *ctx, int level, enum trace_kind kind, const char *text, size_t len)
{
	struct shell *sh = ctx;
	if (level <= sh->trace.level) {
		connecting_clear(sh);
		progress_clear(sh->progress);
	}
	trace_hook(&sh->trace, level, kind, text, len);
}

static void on_warn(void *ctx, const char *msg)
{
	connecting_clear(ctx);
	if (!strncmp(msg, "warning: ", 9))
		msg += 9;
	shell_warn(ctx, "%s", msg);
}

int shell_connect(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct session_hooks hooks;

	if (sh->session) {
		session_free(sh->session, NULL);
		sh->session = NULL;
	}
	sink_init(sh);
	memset(&hooks, 0, sizeof(hooks));
	hooks.untagged = on_untagged;
	hooks.trace = on_trace;
	hooks.trace_level = &sh->trace.level;
	hooks.sink = &sh->sink;
	hooks.warn = on_warn;
	hooks.ctx = sh;
	sh->pre_tls = sh->target.starttls && !sh->target.ssl;
	sh->greeting_pending = true;
	connecting_show(sh);
	sh->session = conn_open(&sh->target, &hooks, &err);
	connecting_clear(sh);
	if (sh->session)
		progress_attach(sh->progress, sh->session);
	sh->greeting_pending = false;
	sh->pre_tls = false;
	if (!sh->session) {
		shell_report(sh, &err); /* a script ends here */
		return -1;
	}
	fflush(sh->out);
	return 0;
}

/* ---- IMAP commands ------------------------------------------------------- */

/* The starttls command: TLS with the command line's --cafile etc. */
static int run_starttls(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf b = BUF_INIT;
	if (conn_starttls(sh->session, &sh->target, &err) < 0)
		return shell_report(sh, &err);
	if (sh->trace.level >= 1) {
		conn_describe(sh->session, &b);
		trace_hook(&sh->trace, 1, TRACE_EVENT, b.buf, b.len);
	}
	buf_release(&b);
	buf_adds(&b, "OK TLS is on\n");
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

/* The compress command, and raw COMPRESS DEFLATE: COMPRESS=DEFLATE (RFC
 * 4978); the server's answer is shown as any command's. */
static int run_compress(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *t = NULL;
	int st = SHELL_OK;

	if (session_compress(sh->session, &t, &err) < 0)
		return shell_report(sh, &err);
	hold_end(sh);
	shell_show(sh, t, "COMPRESS", sh->interactive ? 0 : sh->lineno);
	if (t->status != IMAP_STATUS_OK) {
		if (!sh->interactive)
			shell_report_result(sh, "COMPRESS", t);
		st = shell_note(sh, SHELL_FAILED);
	} else if (sh->trace.level >= 1) {
		struct buf b = BUF_INIT;
		conn_describe(sh->session, &b);
		trace_hook(&sh->trace, 1, TRACE_EVENT, b.buf, b.len);
		buf_release(&b);
	}
	imap_response_free(t);
	return st;
}

void shell_compress_auto(struct shell *sh)
{
	enum imap_state st;

	if (!sh->target.compress || !sh->session || !session_alive(sh->session) ||
	    session_is_compressed(sh->session))
		return;
	st = session_state(sh->session);
	if (st != IMAP_STATE_AUTH && st != IMAP_STATE_SELECTED)
		return;
	if (!session_has_cap(sh->session, "COMPRESS=DEFLATE")) {
		/* a note, not a failure: the session works without */
		struct buf b = BUF_INIT;
		fflush(sh->out);
		buf_adds(&b, "imapsh: the server does not offer COMPRESS=DEFLATE; going on "
			 "uncompressed\n");
		fwrite(b.buf, 1, b.len, stderr);
		buf_release(&b);
		return;
	}
	run_compress(sh);
}

struct idle_ctx {
	struct shell *sh;
	int ms; /* < 0: until Enter */
};

/* IDLE's "+": show it, wait for updates, then send DONE (RFC 2177). */
static int idle_cont(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
		     struct imap_err *err)
{
	struct idle_ctx *ic = ctx;
	struct shell *sh = ic->sh;
	int fd = sh->interactive ? STDIN_FILENO : -1;
	int rc;
	(void)reply;
	(void)secret;
	on_untagged(sh, r);
	if (sh->interactive) {
		fputs(ic->ms < 0 ? "(idling; type a command, or press Enter or Ctrl-C, to stop)\n"
				 : "(idling; a command typed, Enter or Ctrl-C stops early)\n", sh->out);
		fflush(sh->out);
	}
	rc = session_idle_wait(sh->session, ic->ms, fd, err);
	if (rc < 0)
		return -1;
	if (rc == 2) { /* Ctrl-C: a clean DONE, and the reply is read as usual */
		interrupt_take();
		fputc('\n', sh->out); /* after the terminal's "^C" */
	}
	if (rc == 1) {
		/* the line typed ends IDLE, and runs after it (repl.c) */
		struct buf line = BUF_INIT;
		char ch;
		while (read(fd, &ch, 1) == 1 && ch != '\n')
			if (line.len < AFTER_IDLE_MAX)
				buf_addch(&line, ch);
		free(sh->after_idle);
		sh->after_idle = line.len ? buf_detach(&line, NULL) : NULL;
		buf_release(&line);
	}
	if (session_send_done(sh->session, err) < 0)
		return -1;
	return 2;
}

/* A "+" for an AUTHENTICATE typed with raw or xatom in a script: nobody
 * can answer it, so the exchange is cancelled (the session lives on). */
static int cancel_cont(void *ctx, const struct imap_response *r, struct buf *reply, bool *secret,
		       struct imap_err *err)
{
	bool *cancelled = ctx;
	(void)r;
	(void)reply;
	(void)secret;
	(void)err;
	*cancelled = true;
	return 1;
}

/* The server ended the session without an error on our side (BYE). */
static int session_over(struct shell *sh)
{
	const char *bye = session_bye_text(sh->session);
	shell_error(sh, "the session is over: the server said BYE%s%s", bye ? ": " : "", bye ? bye : "");
	if (!sh->interactive)
		sh->quit = true;
	return shell_note(sh, SHELL_BROKEN);
}

int shell_recent(struct shell *sh, struct cmd_call *call)
{
	struct imap_response **list = NULL, *t = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	size_t n = session_take_untagged(sh->session, "RECENT", &list), i;
	int st = SHELL_OK;

	if (n) {
		/* kept from earlier responses (SELECT's, say): show them again */
		for (i = 0; i < n; i++)
			shell_show(sh, list[i], "recent", sh->interactive ? 0 : sh->lineno);
	} else {
		/* none kept: as imaplib, NOOP lets the server say; what it says
		 * shows as it arrives, and is kept so that we know it came */
		call->cmd.data_name = NULL;
		if (session_command(sh->session, &call->cmd, &t, &err) < 0)
			return shell_report(sh, &err);
		shell_show(sh, t, call->cmd.verb, sh->interactive ? 0 : sh->lineno);
		if (t->status != IMAP_STATUS_OK) {
			if (!sh->interactive)
				shell_report_result(sh, call->cmd.verb, t);
			st = shell_note(sh, SHELL_FAILED);
		}
		imap_response_free(t);
		n = session_take_untagged(sh->session, "RECENT", &list);
		if (!n && st == SHELL_OK && sh->render.format == RENDER_PRETTY) {
			struct buf b = BUF_INIT;
			buf_adds(&b, "RECENT: none (the server has not said; IMAP4rev2 servers never do)\n");
			shell_print(sh, &b);
			buf_release(&b);
		}
	}
	for (i = 0; i < n; i++)
		imap_response_free(list[i]);
	free(list);
	return st;
}

bool shell_stdin_free(const struct shell *sh)
{
	return !sh->interactive && sh->source && strcmp(sh->source, "-");
}

/* The core's view of tokens; @FILE (when files is allowed) opens the
 * file as a streamed message.  files[] must be closed by the caller. */
int shell_words(struct shell_line *l, size_t first, size_t nwords, bool allow_files,
		bool stdin_free, struct cmd_word *words, struct msgfile **files, struct imap_err *err)
{
	size_t i;
	memset(files, 0, nwords * sizeof(*files));
	for (i = 0; i < nwords; i++) {
		struct shell_token *t = &l->tok[first + i];
		memset(&words[i], 0, sizeof(words[i]));
		words[i].s = t->value;
		words[i].len = t->value_len;
		words[i].raw = t->raw;
		words[i].raw_len = t->raw_len;
		words[i].quoted = t->quoted;
		if (t->at_file && allow_files) {
			/* streamed while sending, never read into memory; @- is
			 * standard input, unless the commands come from there */
			if (!strcmp(t->value, "-") && !stdin_free)
				return err_set(err, IMAP_ERR_ERROR,
					       "@- reads the message from standard input, which carries "
					       "the commands here (give them with -c or -f FILE)");
			files[i] = !strcmp(t->value, "-") ? msgfile_open_stdin(err) : msgfile_open(t->value, err);
			if (!files[i])
				return -1;
			words[i].source = msgfile_source(files[i]);
			words[i].nul_at = msgfile_nul_offset(files[i]);
			words[i].s = "";
			words[i].len = 0;
		}
	}
	return 0;
}

/*
 * Commands typed with raw or xatom that change what the connection is:
 * the ones imapsh has a command for run as that command; the others are
 * refused, since the session could not read what follows.  0: send it as
 * typed (cont may be set); 1: ran natively (*st set); -1: refused.
 */
static int route_verbatim(struct shell *sh, struct cmd_call *call, struct idle_ctx *idle,
			  bool *cancelled, int *st)
{
	const char *v = call->cmd.verb;

	if (!strcasecmp(v, "STARTTLS")) {
		*st = run_starttls(sh);
		return 1;
	}
	if (!strcasecmp(v, "COMPRESS")) {
		/* as the compress command: the transport is wrapped on OK */
		const struct imap_arg *a = call->cmd.nargs ? &call->cmd.args[0] : NULL;
		if (a && a->len == 7 && !strncasecmp(a->data, "DEFLATE", 7)) {
			*st = run_compress(sh);
			return 1;
		}
		shell_error(sh, "%s%s%.*s: not sent: imapsh can read only COMPRESS DEFLATE (RFC "
			    "4978); after any other the session would be lost", v, a ? " " : "",
			    a ? (int)(a->len > 40 ? 40 : a->len) : 0, a ? a->data : "");
		return -1;
	}
	if (!strcasecmp(v, "IDLE")) {
		/* as the idle command: the shell ends it with DONE */
		idle->sh = sh;
		idle->ms = sh->interactive ? -1 : 29 * 60 * 1000;
		call->cmd.cont = idle_cont;
		call->cmd.cont_ctx = idle;
		return 0;
	}
	if (!strcasecmp(v, "AUTHENTICATE")) {
		/* its challenges are answered by hand on a terminal; a script
		 * cannot, so it cancels them (the authenticate command can) */
		if (sh->interactive) {
			call->cmd.cont = shell_sasl_by_hand;
			call->cmd.cont_ctx = sh;
		} else {
			call->cmd.cont = cancel_cont;
			call->cmd.cont_ctx = cancelled;
		}
		return 0;
	}
	return 0;
}

int shell_run_imap(struct shell *sh, const struct cmd_spec *spec, struct shell_line *l,
		   size_t first, size_t nwords, const char *raw_verb)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct cmd_word words[SESSION_MAX_ARGS];
	struct msgfile *files[SESSION_MAX_ARGS];
	struct cmd_call call;
	struct imap_response *tagged = NULL;
	struct idle_ctx idle;
	struct attrib_cmd attrib;
	struct hold_cmd hc;
	bool cancelled = false, prompted = false;
	size_t i;
	int st = SHELL_OK;

	memset(files, 0, sizeof(files));
	if (nwords > SESSION_MAX_ARGS) {
		shell_error(sh, "%s: too many arguments (at most %d)", spec ? spec->name : "raw",
			    SESSION_MAX_ARGS);
		return shell_note(sh, SHELL_FAILED);
	}
	if (shell_need_session(sh))
		return shell_note(sh, sh->session ? SHELL_BROKEN : SHELL_FAILED);
	cmd_call_init(&call);
	if (shell_words(l, first, nwords, spec != NULL, shell_stdin_free(sh), words, files, &err) < 0) {
		st = shell_report(sh, &err);
		goto out;
	}
	if (spec && (!strcmp(spec->name, "login") || (nwords == 1 && !strcmp(spec->name, "login_cram_md5")))) {
		/* login USER [PASSWORD] (noted for reconnecting), login_cram_md5
		 * USER: a missing password is asked */
		if (cmd_check_allowed(spec, sh->session, &err) < 0) {
			st = shell_report(sh, &err);
			goto out;
		}
		prompted = true;
		snprintf(call.verb, sizeof(call.verb), "%s", spec->verb);
		call.cmd.verb = call.verb;
	} else if (spec) {
		if (cmd_build(spec, words, nwords, sh->session, &call, &err) < 0) {
			st = shell_report(sh, &err);
			goto out;
		}
	} else {
		/* raw: the verb and the rest of the line exactly as typed */
		snprintf(call.verb, sizeof(call.verb), "%s", raw_verb);
		call.cmd.verb = call.verb;
		if (nwords) {
			call.args[0].kind = IMAP_ARG_RAW;
			call.args[0].flags = IMAP_ARG_VERBATIM;
			call.args[0].data = words[0].raw;
			call.args[0].len = words[0].raw_len;
			call.cmd.args = call.args;
			call.cmd.nargs = 1;
		}
	}
	if (!spec || spec->shape == CS_XATOM) {
		int r = route_verbatim(sh, &call, &idle, &cancelled, &st);
		if (r < 0)
			st = shell_note(sh, SHELL_FAILED);
		if (r)
			goto out;
	}
	if (spec && spec->shape == CS_IDLE) {
		idle.sh = sh;
		/* RFC 2177: re-issue at least every 29 minutes */
		idle.ms = call.idle_ms >= 0 ? call.idle_ms : sh->interactive ? -1 : 29 * 60 * 1000;
		call.cmd.cont = idle_cont;
		call.cmd.cont_ctx = &idle;
	}
	/* untagged data is shown as this command's (or as unsolicited) */
	attrib_cmd_init(&attrib, call.cmd.verb, call.cmd.args, call.cmd.nargs);
	hc.verb = call.cmd.verb;
	hc.line = sh->interactive ? 0 : sh->lineno;
	hc.attrib = &attrib;
	hold_begin(sh, &hc, 1);
	if (spec && (!strcmp(spec->name, "authenticate") || !strcmp(spec->name, "login_cram_md5"))) {
		char mech[64];
		bool cram = !strcmp(spec->name, "login_cram_md5");
		snprintf(mech, sizeof(mech), "%.*s", cram ? 8 : (int)words[0].len, cram ? "CRAM-MD5" : words[0].s);
		if (shell_authenticate(sh, mech, words + (cram ? 0 : 1), nwords - (cram ? 0 : 1), &call,
				       &tagged, &err) < 0) {
			st = shell_report(sh, &err);
			goto out;
		}
	} else if (prompted) {
		if (shell_login_user(sh, words[0].s, nwords > 1 ? words[1].s : NULL, &tagged, &err) < 0) {
			st = shell_report(sh, &err);
			goto out;
		}
	} else if (spec && !strcmp(spec->name, "starttls")) {
		st = run_starttls(sh);
		goto out;
	} else if (spec && !strcmp(spec->name, "compress")) {
		st = run_compress(sh);
		goto out;
	} else if (spec && !strcmp(spec->name, "recent")) {
		st = shell_recent(sh, &call);
		goto out;
	} else if (session_command(sh->session, &call.cmd, &tagged, &err) < 0) {
		st = shell_report(sh, &err);
		goto out;
	}
	hold_end(sh);
	shell_show(sh, tagged, call.cmd.verb, sh->interactive ? 0 : sh->lineno);
	if (tagged->status == IMAP_STATUS_OK && spec && !strcmp(spec->name, "unauthenticate"))
		reconnect_forget(sh); /* no login to repeat, no user in the prompt */
	if (tagged->status == IMAP_STATUS_OK && (prompted || (spec && (!strcmp(spec->name, "login") ||
	    !strcmp(spec->name, "authenticate") || !strcmp(spec->name, "login_cram_md5")))))
		shell_compress_auto(sh); /* --compress: after a login */
	if (tagged->status == IMAP_STATUS_OK && spec && sh->interactive) {
		/* create, delete, rename: the names completion offers */
		const char *args[2] = { NULL, NULL };
		for (i = 0; i < nwords && i < 2; i++)
			args[i] = words[i].s;
		known_note_command(&sh->known, spec->name, args, nwords < 2 ? nwords : 2);
	}
	if (tagged->status != IMAP_STATUS_OK) {
		if (!sh->interactive)
			shell_report_result(sh, call.cmd.verb, tagged);
		st = shell_note(sh, SHELL_FAILED);
	}
	if (cancelled) {
		shell_error(sh, "%s: the server asked for more (+), which a script cannot answer: "
			    "cancelled (use the authenticate command)", call.cmd.verb);
		st = shell_note(sh, SHELL_FAILED);
	}
	if (!session_alive(sh->session) && session_state(sh->session) != IMAP_STATE_LOGOUT)
		st = session_over(sh);
out:
	hold_end(sh);
	imap_response_free(tagged);
	cmd_call_release(&call);
	for (i = 0; i < nwords; i++)
		msgfile_close(files[i]);
	return st;
}

/* ---- one line ---------------------------------------------------------- */

/* The command (IMAP or the shell's) nearest to a mistyped name: within an
 * edit distance of 2 (1 for names of up to 4 letters), the closest, the
 * first in the tables on a tie; NULL if none. */
static const char *nearest_command(const char *name)
{
	size_t max = strlen(name) <= 4 ? 1 : 2, best = max + 1, i, d;
	const char *found = NULL;

	for (i = 0; i < cmd_table_size; i++)
		if ((d = edit_distance(name, cmd_table[i].name, max)) < best) {
			best = d;
			found = cmd_table[i].name;
		}
	for (i = 0; i < shell_meta_table_size; i++)
		if ((d = edit_distance(name, shell_meta_table[i].name, max)) < best) {
			best = d;
			found = shell_meta_table[i].name;
		}
	return found;
}

static int exec_tokens(struct shell *sh, struct shell_line *l, const char *line, size_t len)
{
	const char *name = l->tok[0].value;
	const struct meta_spec *meta = shell_meta_lookup(name);
	const struct cmd_spec *spec;

	if (meta) {
		struct meta_args a = { l, line, len };
		return meta->run(sh, &a);
	}
	spec = cmd_lookup(name);
	if (!spec) {
		const char *near = nearest_command(name);
		if (near)
			shell_error(sh, "unknown command \"%s\": did you mean %s? (help lists them)", name,
				    near);
		else
			shell_error(sh, "unknown command \"%s\" (try help)", name);
		return shell_note(sh, SHELL_FAILED);
	}
	return shell_run_imap(sh, spec, l, 1, l->count - 1, NULL);
}

int shell_exec(struct shell *sh, const char *line, size_t len)
{
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf exp = BUF_INIT;
	char *msg = NULL;
	int st, rst;

	sink_spool_clear(sh);
	/* $NAME and ${NAME} (vars.h); the rest of the line sees the result */
	if (vars_expand(sh->vars, line, len, &exp, &msg) < 0) {
		err_set(&err, IMAP_ERR_ERROR, "%s", msg);
		free(msg);
		goto failed;
	}
	line = exp.buf ? exp.buf : "";
	len = exp.len;
	if (shell_lex(line, len, &l, &err) < 0)
		goto failed;
	if (!l.count) {
		shell_line_release(&l);
		buf_release_secret(&exp);
		return SHELL_OK;
	}
	if (sink_take_redirect(sh, &l) < 0) {
		shell_line_release(&l);
		buf_release_secret(&exp);
		return shell_note(sh, SHELL_FAILED);
	}
	if (!l.count) {
		sink_end_redirect(sh);
		err_set(&err, IMAP_ERR_ERROR, "nothing to run before the redirection");
		goto failed;
	}
	st = exec_tokens(sh, &l, line, len);
	rst = sink_end_redirect(sh);
	if (rst > st)
		st = rst;
	shell_line_release(&l);
	buf_release_secret(&exp);
	fflush(sh->out);
	if (st != SHELL_OK && sh->stop_on_error)
		sh->quit = true;
	return st;
failed:
	shell_error(sh, "%s", err.msg);
	shell_line_release(&l);
	buf_release_secret(&exp);
	if (sh->stop_on_error)
		sh->quit = true;
	return shell_note(sh, SHELL_FAILED);
}

void shell_init(struct shell *sh)
{
	memset(sh, 0, sizeof(*sh));
	buf_init(&sh->scratch, 0);
	sh->out = stdout;
	sh->trace.fp = stderr;
	sh->render.format = RENDER_PRETTY;
	sh->stream_threshold = STREAM_THRESHOLD;
	sh->vars = vars_new();
	sh->pager_mode = PAGER_AUTO;
	sh->hints = true;
}

/* How long the LOGOUT sent at exit waits for its answer at most. */
#define LOGOUT_WAIT_MS 5000

void shell_finish(struct shell *sh)
{
	if (sh->session && session_alive(sh->session)) {
		struct session_cmd c = { "LOGOUT", NULL, 0, "BYE", NULL, NULL, false };
		struct imap_response *t = NULL;
		struct imap_err err = IMAP_ERR_INIT;
		FILE *out = sh->out;
		/* quietly: the user did not type it; and not forever: a server
		 * that does not answer LOGOUT must not hold the exit */
		session_limit_timeout(sh->session, LOGOUT_WAIT_MS);
		sh->out = fopen("/dev/null", "w");
		if (sh->out) {
			session_command(sh->session, &c, &t, &err);
			fclose(sh->out);
		}
		sh->out = out;
		imap_response_free(t);
	}
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void shell_release(struct shell *sh)
{
	size_t i;
	if (sh->session) {
		struct buf report = BUF_INIT;
		session_free(sh->session, &report);
		if (report.len && sh->trace.level >= 1)
			trace_hook(&sh->trace, 1, TRACE_EVENT, report.buf, report.len);
		buf_release(&report);
		sh->session = NULL;
	}
	for (i = 0; i < 3; i++)
		free(sh->target_store[i]);
	sink_release(sh);
	known_release(&sh->known);
	buf_release(&sh->scratch);
	reconnect_forget(sh);
	vars_free(sh->vars);
	sh->vars = NULL;
	target_release(sh);
	progress_free(sh->progress);
	sh->progress = NULL;
	if (sh->after_idle) {
		explicit_bzero(sh->after_idle, strlen(sh->after_idle));
		free(sh->after_idle);
		sh->after_idle = NULL;
	}
	wipe_free(sh->auth.env_password);
	wipe_free(sh->auth.env_token);
	sh->auth.env_password = sh->auth.env_token = NULL;
}
