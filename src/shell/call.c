#include "shell/call.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "core/auth.h"
#include "core/commands.h"
#include "util/utf7.h"
#include "shell/interrupt.h"
#include "shell/lexer.h"
#include "shell/login.h"
#include "shell/msgfile.h"
#include "util/xalloc.h"

/* Literals at least this big are not kept in memory: they go to the
 * redirect target, or straight to the output. */
#define STREAM_THRESHOLD (1024 * 1024)

/* ---- messages ---------------------------------------------------------- */

void shell_error(struct shell *sh, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	fflush(sh->out);
	buf_adds(&b, "imapsh: ");
	if (sh->lineno && !sh->interactive) {
		if (sh->source)
			buf_addf(&b, "%s:", sh->source);
		buf_addf(&b, "line %lu: ", sh->lineno);
	}
	{
		/* one line, terminal-safe: the message may quote what the user
		 * typed or what the server sent */
		struct buf msg = BUF_INIT;
		va_start(ap, fmt);
		buf_vaddf(&msg, fmt, ap);
		va_end(ap);
		render_safe(&b, msg.buf, msg.len);
		buf_release(&msg);
	}
	buf_addch(&b, '\n');
	fwrite(b.buf, 1, b.len, stderr);
	fflush(stderr);
	buf_release(&b);
}

int shell_note(struct shell *sh, int st)
{
	if (st > sh->status)
		sh->status = st;
	return st;
}

int shell_report(struct shell *sh, const struct imap_err *e)
{
	if (e->kind == IMAP_ERR_ABORT && net_interrupted()) { /* Ctrl-C */
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

void shell_report_result(struct shell *sh, const char *what, const struct imap_response *t)
{
	static const struct render_opts one_line = { .format = RENDER_PRETTY, .tty = false };
	struct buf b = BUF_INIT;
	render_response(&b, t, &one_line);
	while (b.len && b.buf[b.len - 1] == '\n')
		buf_setlen(&b, b.len - 1);
	if (b.len > 400)
		buf_setlen(&b, 400);
	shell_error(sh, "%s failed: %s", what, b.buf);
	buf_release(&b);
}

void shell_print(struct shell *sh, const struct buf *b)
{
	fwrite(b->buf, 1, b->len, sh->out);
	if (sh->interactive)
		fflush(sh->out);
}

/* ---- literal sink: redirects and streaming ------------------------------ */

struct redirect {
	char *path;
	bool dir;       /* one file per literal */
	bool append;
	int fd;         /* single-file target, opened at the first literal */
	unsigned count; /* literals written */
	int err_no;
};

struct sink_handle {
	int fd;
	bool close_fd;
	bool to_out;
};

static void key_to_name(const char *key, struct buf *out)
{
	const char *p;
	if (!*key || !strcasecmp(key, "BODY[]") || !strcasecmp(key, "RFC822") ||
	    !strcasecmp(key, "BINARY[]")) {
		buf_adds(out, "eml");
		return;
	}
	for (p = key; *p; p++) {
		unsigned char c = (unsigned char)*p;
		buf_addch(out, (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
				       (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '_');
	}
}

static void *sink_begin(void *ctx, const struct imap_literal_info *info)
{
	struct shell *sh = ctx;
	struct redirect *r = sh->redir;
	struct sink_handle *h;

	if (!r) {
		if (info->size < sh->stream_threshold)
			return NULL;
		/* too big to keep: straight to the output, a header first */
		struct buf b = BUF_INIT;
		fflush(sh->out);
		if (sh->render.format != RENDER_RAW) {
			buf_addf(&b, "* %" PRIu64 " %s %s {%" PRIu64 "} (streamed, not kept)\n",
				 info->number, info->resp_name, info->key, info->size);
			fwrite(b.buf, 1, b.len, sh->out);
		}
		buf_release(&b);
		h = xcalloc(1, sizeof(*h));
		h->to_out = true;
		return h;
	}
	h = xcalloc(1, sizeof(*h));
	if (r->dir) {
		struct buf p = BUF_INIT;
		buf_addf(&p, "%s/%" PRIu64 ".", r->path, info->number);
		key_to_name(info->key, &p);
		h->fd = open(p.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (h->fd < 0 && !r->err_no)
			r->err_no = errno;
		h->close_fd = true;
		buf_release(&p);
	} else {
		if (r->fd < 0 && !r->err_no) {
			r->fd = open(r->path, O_WRONLY | O_CREAT | O_CLOEXEC |
					      (r->append ? O_APPEND : O_TRUNC), 0666);
			if (r->fd < 0)
				r->err_no = errno;
		}
		h->fd = r->fd;
	}
	r->count++;
	return h;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sink_data(void *ctx, void *handle, const char *data, size_t len, struct imap_err *err)
{
	struct shell *sh = ctx;
	struct sink_handle *h = handle;
	if (h->to_out) {
		if (fwrite(data, 1, len, sh->out) != len)
			return err_set_errno(err, IMAP_ERR_ERROR, errno, "cannot write the output");
		return 0;
	}
	if (h->fd < 0)
		return 0; /* the open error is reported once, after the command */
	if (write_all(h->fd, data, len) < 0) {
		if (sh->redir && !sh->redir->err_no)
			sh->redir->err_no = errno;
		if (h->close_fd)
			close(h->fd);
		h->fd = -1;
	}
	return 0;
}

static int sink_end(void *ctx, void *handle, struct imap_err *err)
{
	struct shell *sh = ctx;
	struct sink_handle *h = handle;
	if (h->to_out && sh->render.format != RENDER_RAW)
		fputc('\n', sh->out);
	if (h->close_fd && h->fd >= 0)
		close(h->fd);
	free(h);
	return 0;
}

static void sink_abort(void *ctx, void *handle)
{
	struct sink_handle *h = handle;
	(void)ctx;
	if (h->close_fd && h->fd >= 0)
		close(h->fd);
	free(h);
}

static void redirect_free(struct redirect *r)
{
	if (!r)
		return;
	if (!r->dir && r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r);
}

/* ---- hooks --------------------------------------------------------------- */

static void on_untagged(void *ctx, const struct imap_response *r)
{
	struct shell *sh = ctx;
	struct buf *b = &sh->scratch;

	if (sh->render.format == RENDER_RAW && r->raw) {
		/* as received: no copy */
		fwrite(r->raw, 1, r->raw_len, sh->out);
		if (sh->interactive)
			fflush(sh->out);
		return;
	}
	buf_reset(b);
	/* --starttls: what came before TLS may be forged; never shown as the
	 * server's word (an [ALERT] in clear text proves nothing) */
	if (sh->target.starttls && sh->session && !session_is_tls(sh->session) &&
	    sh->render.format == RENDER_PRETTY)
		buf_adds(b, "(before TLS, not trusted) ");
	render_response(b, r, &sh->render);
	shell_print(sh, b);
	/* reused for the next response, unless a big literal made it huge */
	if (b->alloc > (1 << 20))
		buf_release(b);
}

/* The trace hook gets the shell as ctx; route it to the trace settings. */
static void shell_trace(void *ctx, int level, enum trace_kind kind, const char *text, size_t len)
{
	struct shell *sh = ctx;
	trace_hook(&sh->trace, level, kind, text, len);
}


/* The TLS options for this connection, with the host name filled in. */
static struct net_tls_opts tls_opts(struct shell *sh)
{
	struct net_tls_opts o = sh->target.tls;
	if (!o.host)
		o.host = sh->target.host ? sh->target.host : "localhost";
	o.timeout_ms = sh->target.timeout_ms;
	return o;
}

/* --starttls: TLS before anything else, or no session at all. */
static int require_starttls(struct shell *sh, struct imap_err *err)
{
	struct net_tls_opts o = tls_opts(sh);
	if (session_is_tls(sh->session))
		return 0;
	if (session_state(sh->session) != IMAP_STATE_NONAUTH)
		return err_set(err, IMAP_ERR_ABORT,
			       "--starttls: the server greeted with PREAUTH on a clear-text connection, "
			       "so TLS can no longer be started (RFC 9051 6.2.1); giving up");
	if (!session_has_cap(sh->session, "STARTTLS"))
		return err_set(err, IMAP_ERR_ABORT,
			       "--starttls: the server does not offer STARTTLS; refusing to go on in "
			       "clear text");
	if (session_starttls(sh->session, &o, err) < 0) {
		err->kind = IMAP_ERR_ABORT; /* required: a NO or BAD ends it too */
		session_abandon(sh->session);
		return -1;
	}
	return 0;
}

int shell_connect(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct net_conn *c, *child = NULL;
	struct session_hooks hooks;
	const char *port = sh->target.port ? sh->target.port : sh->target.ssl ? "993" : "143";
	int greeted;

	if (sh->session) {
		session_free(sh->session, NULL);
		sh->session = NULL;
	}
	if (sh->target.tls.insecure && (sh->target.ssl || sh->target.starttls))
		shell_error(sh, "warning: --insecure: the server's certificate is not verified");
	if (sh->target.stream_cmd)
		c = child = net_child_spawn(sh->target.stream_cmd, sh->target.timeout_ms, &err);
	else
		c = net_tcp_connect(sh->target.host, port, sh->target.timeout_ms, &err);
	if (c && sh->target.ssl) {
		struct net_tls_opts o = tls_opts(sh);
		c = net_tls_wrap(c, &o, &err);
	}
	if (!c) {
		shell_report(sh, &err);
		return -1;
	}
	memset(&hooks, 0, sizeof(hooks));
	sh->sink.begin = sink_begin;
	sh->sink.data = sink_data;
	sh->sink.end = sink_end;
	sh->sink.abort = sink_abort;
	sh->sink.ctx = sh;
	sh->sink.threshold = 0; /* every literal asks; begin() decides */
	hooks.untagged = on_untagged;
	hooks.trace = shell_trace;
	hooks.trace_level = &sh->trace.level;
	hooks.sink = &sh->sink;
	hooks.ctx = sh;
	sh->session = session_new(c, &hooks);
	if (sh->trace.level >= 1) {
		struct buf d = BUF_INIT;
		net_describe(c, &d);
		trace_hook(&sh->trace, 1, TRACE_EVENT, d.buf, d.len);
		buf_release(&d);
	}
	greeted = session_greet(sh->session, &err);
	/* lent while connecting: "ssh host imapd" may have asked for a password */
	if (child) /* the session owns it (and it is open) until session_free */
		net_child_take_terminal(child);
	switch (greeted) {
	case 1:
		shell_error(sh, "warning: %s", err.msg);
		err_clear(&err);
		break;
	case -1:
		shell_report(sh, &err);
		sh->quit = true;
		return -1;
	}
	if (sh->target.starttls && require_starttls(sh, &err) < 0) {
		shell_report(sh, &err);
		sh->quit = true;
		return -1;
	}
	fflush(sh->out);
	return 0;
}

/* ---- meta commands ----------------------------------------------------- */

const char *const shell_meta_names[] = {
	"debug", "exit", "format", "help", "open", "quit", "raw", "read", "readline",
	"response", "send", "show", "shutdown", "socket", "tls", NULL,
};

static const char *const meta_help[][2] = {
	{ "debug [LEVEL]", "show or set the trace level 0-5 (4: every line sent and received)" },
	{ "exit", "same as quit" },
	{ "format [pretty|raw|json]", "show or set the output format" },
	{ "help [COMMAND]", "list commands, or show one" },
	{ "open [HOST [PORT]] | open --stream COMMAND", "connect (again)" },
	{ "quit", "leave the shell (sends LOGOUT if still connected)" },
	{ "raw LINE", "send LINE as a tagged command, exactly as typed" },
	{ "read N", "read up to N bytes from the server and show them escaped" },
	{ "readline", "read one response from the server and show it" },
	{ "response NAME", "show and forget kept untagged responses (imaplib's response(); the last 100 per name)" },
	{ "send STRING", "send bytes (C escapes: \\r \\n \\xHH), no tag, nothing added" },
	{ "show", "show PROTOCOL_VERSION, capabilities, state, mailbox, debug level" },
	{ "shutdown", "close the connection" },
	{ "socket", "describe the connection (transport, peer, local address)" },
	{ "tls", "show the TLS session: protocol, cipher, certificate subject, issuer, validity, fingerprint" },
};

static int need_session(struct shell *sh)
{
	if (sh->session && session_alive(sh->session))
		return 0;
	shell_error(sh, "not connected (use open)");
	return -1;
}

static int meta_help_cmd(struct shell *sh, struct shell_line *l)
{
	struct buf b = BUF_INIT;
	size_t i;
	if (l->count > 1) {
		const struct cmd_spec *spec = cmd_lookup(l->tok[1].value);
		if (spec) {
			cmd_usage(spec, &b);
			buf_addf(&b, "\n    %s\n", spec->help);
			buf_adds(&b, "    states:");
			for (unsigned bit = 1; bit <= IMAP_STATE_LOGOUT; bit <<= 1)
				if (spec->states & bit)
					buf_addf(&b, " %s", imap_state_name(bit));
			if (spec->capability)
				buf_addf(&b, "; capability %s", spec->capability);
			buf_addch(&b, '\n');
			shell_print(sh, &b);
			buf_release(&b);
			return SHELL_OK;
		}
		for (i = 0; i < sizeof(meta_help) / sizeof(meta_help[0]); i++) {
			size_t n = strlen(l->tok[1].value);
			if (!strncasecmp(meta_help[i][0], l->tok[1].value, n) &&
			    (meta_help[i][0][n] == ' ' || meta_help[i][0][n] == '\0')) {
				buf_addf(&b, "%s\n    %s\n", meta_help[i][0], meta_help[i][1]);
				shell_print(sh, &b);
				buf_release(&b);
				return SHELL_OK;
			}
		}
		shell_error(sh, "help: no command \"%s\"", l->tok[1].value);
		return shell_note(sh, SHELL_FAILED);
	}
	buf_adds(&b, "IMAP commands (imaplib's methods):\n");
	for (i = 0; i < cmd_table_size; i++) {
		struct buf u = BUF_INIT;
		cmd_usage(&cmd_table[i], &u);
		buf_addf(&b, "  %-44s %s\n", u.buf, cmd_table[i].help);
		buf_release(&u);
	}
	buf_adds(&b, "Shell commands:\n");
	for (i = 0; i < sizeof(meta_help) / sizeof(meta_help[0]); i++)
		buf_addf(&b, "  %-44s %s\n", meta_help[i][0], meta_help[i][1]);
	buf_adds(&b, "Any command may end with > FILE, >> FILE or > DIR/ to save literals (message data).\n");
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int meta_show(struct shell *sh)
{
	struct buf b = BUF_INIT;
	if (sh->session) {
		const char *const *caps;
		size_t n = session_caps(sh->session, &caps), i;
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
		}
		buf_addf(&b, "next tag %s\n", session_next_tag(sh->session));
	} else {
		buf_adds(&b, "not connected\n");
	}
	buf_addf(&b, "debug %d\n", sh->trace.level);
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

static int meta_response(struct shell *sh, struct shell_line *l)
{
	struct imap_response **list;
	size_t n, i;
	if (l->count != 2) {
		shell_error(sh, "usage: response NAME");
		return shell_note(sh, SHELL_FAILED);
	}
	if (!sh->session) {
		shell_error(sh, "not connected (use open)");
		return shell_note(sh, SHELL_FAILED);
	}
	n = session_take_untagged(sh->session, l->tok[1].value, &list);
	for (i = 0; i < n; i++) {
		on_untagged(sh, list[i]);
		imap_response_free(list[i]);
	}
	free(list);
	if (!n) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s: none\n", l->tok[1].value);
		shell_print(sh, &b);
		buf_release(&b);
	}
	return SHELL_OK;
}

static int meta_open(struct shell *sh, struct shell_line *l)
{
	size_t i;
	for (i = 0; i < 3; i++) {
		free(sh->target_store[i]);
		sh->target_store[i] = NULL;
	}
	if (l->count >= 3 && !strcmp(l->tok[1].value, "--stream")) {
		sh->target_store[0] = xstrdup(l->tok[2].value);
		sh->target.stream_cmd = sh->target_store[0];
		sh->target.host = NULL;
	} else if (l->count >= 2) {
		sh->target_store[1] = xstrdup(l->tok[1].value);
		sh->target.host = sh->target_store[1];
		sh->target.stream_cmd = NULL;
		sh->target.port = "143";
		if (l->count >= 3) {
			sh->target_store[2] = xstrdup(l->tok[2].value);
			sh->target.port = sh->target_store[2];
		}
	}
	if (!sh->target.host && !sh->target.stream_cmd) {
		shell_error(sh, "usage: open HOST [PORT] | open --stream COMMAND");
		return shell_note(sh, SHELL_FAILED);
	}
	if (shell_connect(sh) < 0)
		return SHELL_BROKEN;
	return SHELL_OK;
}

static int meta_send(struct shell *sh, struct shell_line *l)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf bytes = BUF_INIT;
	size_t i;
	int st = SHELL_OK;
	if (need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	for (i = 1; i < l->count; i++) {
		if (i > 1)
			buf_addch(&bytes, ' ');
		/* escapes are read once, from the text as typed (quotes only group) */
		const char *r = l->tok[i].raw;
		size_t rl = l->tok[i].raw_len;
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
	buf_release(&bytes);
	return st;
}

static int meta_read(struct shell *sh, struct shell_line *l, bool line)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct buf b = BUF_INIT;
	if (need_session(sh))
		return shell_note(sh, SHELL_FAILED);
	if (line) {
		struct imap_response *r;
		if (session_read_response(sh->session, &r, &err) < 0)
			return shell_report(sh, &err);
		buf_add_escaped(&b, r->raw, r->raw_len);
		buf_addch(&b, '\n');
		imap_response_free(r);
	} else {
		char *data;
		long n, want = l->count > 1 ? strtol(l->tok[1].value, NULL, 10) : 4096;
		if (want <= 0 || want > 16 * 1024 * 1024) {
			shell_error(sh, "read: N must be between 1 and 16777216");
			return shell_note(sh, SHELL_FAILED);
		}
		data = xmalloc((size_t)want);
		n = session_read_bytes(sh->session, data, (size_t)want, &err);
		if (n < 0) {
			free(data);
			return shell_report(sh, &err);
		}
		buf_add_escaped(&b, data, (size_t)n);
		buf_addf(&b, "\n(%ld bytes%s)\n", n, n == 0 ? ", end of stream" : "");
		free(data);
	}
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
}

/* ---- IMAP commands ------------------------------------------------------- */

/* The starttls command: TLS with the command line's --cafile etc. */
static int run_starttls(struct shell *sh)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct net_tls_opts o = sh->target.tls;
	struct buf b = BUF_INIT;
	if (!o.host)
		o.host = sh->target.host ? sh->target.host : "localhost";
	if (o.insecure)
		shell_error(sh, "warning: --insecure: the server's certificate is not verified");
	if (session_starttls(sh->session, &o, &err) < 0)
		return shell_report(sh, &err);
	if (sh->trace.level >= 1) {
		net_describe(session_conn(sh->session), &b);
		trace_hook(&sh->trace, 1, TRACE_EVENT, b.buf, b.len);
	}
	buf_release(&b);
	buf_adds(&b, "OK TLS is on\n");
	shell_print(sh, &b);
	buf_release(&b);
	return SHELL_OK;
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
		fputs(ic->ms < 0 ? "(idling; press Enter or Ctrl-C to stop)\n"
				 : "(idling; Enter or Ctrl-C stops early)\n", sh->out);
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
		char ch;
		while (read(fd, &ch, 1) == 1 && ch != '\n')
			;
	}
	if (session_send_raw(sh->session, "DONE\r\n", 6, err) < 0)
		return -1;
	return 2;
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

/* The core's view of tokens; @FILE (when files is allowed) opens the
 * file as a streamed message.  files[] must be closed by the caller. */
static int tokens_to_words(struct shell_line *l, size_t first, size_t nwords, bool allow_files,
			   struct cmd_word *words, struct msgfile **files, struct imap_err *err)
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
			/* streamed while sending, never read into memory */
			files[i] = msgfile_open(t->value, err);
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

static int run_imap(struct shell *sh, const struct cmd_spec *spec, struct shell_line *l,
		    size_t first, size_t nwords, const char *raw_verb)
{
	struct imap_err err = IMAP_ERR_INIT;
	struct cmd_word words[64];
	struct msgfile *files[64];
	struct cmd_call call;
	struct imap_response *tagged = NULL;
	struct idle_ctx idle;
	size_t i;
	int st = SHELL_OK;

	memset(files, 0, sizeof(files));
	if (nwords > 64) {
		shell_error(sh, "%s: too many arguments (at most 64)", spec ? spec->name : "raw");
		return shell_note(sh, SHELL_FAILED);
	}
	if (need_session(sh))
		return shell_note(sh, sh->session ? SHELL_BROKEN : SHELL_FAILED);
	cmd_call_init(&call);
	if (tokens_to_words(l, first, nwords, spec != NULL, words, files, &err) < 0) {
		st = shell_report(sh, &err);
		goto out;
	}
	if (spec) {
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
			call.args[0].flags = IMAP_ARG_VERBATIM; /* the user's own line */
			call.args[0].data = words[0].raw;
			call.args[0].len = words[0].raw_len;
			call.cmd.args = call.args;
			call.cmd.nargs = 1;
		}
	}
	if (spec && !strcmp(spec->name, "idle")) {
		idle.sh = sh;
		/* RFC 2177: re-issue at least every 29 minutes */
		idle.ms = call.idle_ms >= 0 ? call.idle_ms : sh->interactive ? -1 : 29 * 60 * 1000;
		call.cmd.cont = idle_cont;
		call.cmd.cont_ctx = &idle;
	}
	if (spec && (!strcmp(spec->name, "authenticate") || !strcmp(spec->name, "login_cram_md5"))) {
		char mech[64];
		bool cram = !strcmp(spec->name, "login_cram_md5");
		snprintf(mech, sizeof(mech), "%.*s", cram ? 8 : (int)words[0].len, cram ? "CRAM-MD5" : words[0].s);
		if (shell_authenticate(sh, mech, words + (cram ? 0 : 1), nwords - (cram ? 0 : 1), &call,
				       &tagged, &err) < 0) {
			st = shell_report(sh, &err);
			goto out;
		}
	} else if (spec && !strcmp(spec->name, "starttls")) {
		st = run_starttls(sh);
		goto out;
	} else if (spec && !strcmp(spec->name, "login") &&
		   shell_guard_secret(sh, "a password", &err) < 0) {
		st = shell_report(sh, &err);
		goto out;
	} else if (session_command(sh->session, &call.cmd, &tagged, &err) < 0) {
		st = shell_report(sh, &err);
		goto out;
	}
	{
		struct buf b = BUF_INIT;
		struct render_opts o = sh->render;
		o.command = call.cmd.verb;
		o.line = sh->interactive ? 0 : sh->lineno;
		render_response(&b, tagged, &o);
		shell_print(sh, &b);
		buf_release(&b);
	}
	if (tagged->status != IMAP_STATUS_OK) {
		if (!sh->interactive)
			shell_report_result(sh, call.cmd.verb, tagged);
		st = shell_note(sh, SHELL_FAILED);
	}
	if (sh->redir && sh->redir->err_no) {
		shell_error(sh, "cannot write %s: %s", sh->redir->path, strerror(sh->redir->err_no));
		st = shell_note(sh, SHELL_FAILED);
	}
	if (!session_alive(sh->session) && session_state(sh->session) != IMAP_STATE_LOGOUT)
		st = session_over(sh);
out:
	imap_response_free(tagged);
	cmd_call_release(&call);
	for (i = 0; i < nwords; i++)
		msgfile_close(files[i]);
	return st;
}

/* Takes "> FILE", ">> FILE", ">FILE" off the end of the line. */
static int take_redirect(struct shell *sh, struct shell_line *l)
{
	size_t n = l->count;
	const char *path = NULL;
	bool append = false;
	struct redirect *r;
	struct stat st;

	if (n >= 3 && !l->tok[n - 2].quoted &&
	    (!strcmp(l->tok[n - 2].raw, ">") || !strcmp(l->tok[n - 2].raw, ">>"))) {
		append = l->tok[n - 2].raw[1] == '>';
		path = l->tok[n - 1].value;
		l->count -= 2;
	} else if (n >= 2 && !l->tok[n - 1].quoted && l->tok[n - 1].raw[0] == '>' &&
		   l->tok[n - 1].raw_len > 1) {
		const char *p = l->tok[n - 1].raw + 1;
		if (*p == '>') {
			append = true;
			p++;
		}
		if (!*p)
			return 0;
		path = p;
		l->count -= 1;
	}
	if (!path)
		return 0;
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->append = append;
	r->fd = -1;
	if (r->path[0] && r->path[strlen(r->path) - 1] == '/') {
		r->path[strlen(r->path) - 1] = '\0';
		if (mkdir(r->path, 0777) < 0 && errno != EEXIST) {
			shell_error(sh, "cannot create directory %s: %s", r->path, strerror(errno));
			redirect_free(r);
			return -1;
		}
		r->dir = true;
	} else if (stat(r->path, &st) == 0 && S_ISDIR(st.st_mode)) {
		r->dir = true;
	} else {
		/* made (or emptied) now, even if no literal comes */
		r->fd = open(r->path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
		if (r->fd < 0) {
			shell_error(sh, "cannot write %s: %s", r->path, strerror(errno));
			redirect_free(r);
			return -1;
		}
	}
	sh->redir = r;
	return 0;
}

/* ---- one line ---------------------------------------------------------- */

static int exec_tokens(struct shell *sh, struct shell_line *l, const char *line, size_t len)
{
	const char *name = l->tok[0].value;
	const struct cmd_spec *spec;

	if (!strcasecmp(name, "quit") || !strcasecmp(name, "exit")) {
		sh->quit = true;
		return SHELL_OK;
	}
	if (!strcasecmp(name, "help") || !strcmp(name, "?"))
		return meta_help_cmd(sh, l);
	if (!strcasecmp(name, "debug")) {
		if (l->count > 1) {
			char *end;
			long v = strtol(l->tok[1].value, &end, 10);
			if (*end || v < 0 || v > 5) {
				shell_error(sh, "debug: the level must be 0 to 5");
				return shell_note(sh, SHELL_FAILED);
			}
			sh->trace.level = (int)v;
		} else {
			fprintf(sh->out, "debug %d\n", sh->trace.level);
		}
		return SHELL_OK;
	}
	if (!strcasecmp(name, "format")) {
		static const char *const names[] = { "pretty", "raw", "json" };
		if (l->count > 1) {
			int i;
			for (i = 0; i < 3; i++)
				if (!strcasecmp(l->tok[1].value, names[i]))
					break;
			if (i == 3) {
				shell_error(sh, "format: pretty, raw or json");
				return shell_note(sh, SHELL_FAILED);
			}
			sh->render.format = (enum render_format)i;
		} else {
			fprintf(sh->out, "format %s\n", names[sh->render.format]);
		}
		return SHELL_OK;
	}
	if (!strcasecmp(name, "show"))
		return meta_show(sh);
	if (!strcasecmp(name, "response"))
		return meta_response(sh, l);
	if (!strcasecmp(name, "open"))
		return meta_open(sh, l);
	if (!strcasecmp(name, "send"))
		return meta_send(sh, l);
	if (!strcasecmp(name, "read"))
		return meta_read(sh, l, false);
	if (!strcasecmp(name, "readline"))
		return meta_read(sh, l, true);
	if (!strcasecmp(name, "tls")) {
		struct buf b = BUF_INIT;
		if (need_session(sh))
			return shell_note(sh, SHELL_FAILED);
		if (net_tls_info(session_conn(sh->session), &b) < 0) {
			shell_error(sh, "tls: this connection is not encrypted (use --ssl, --starttls or starttls)");
			buf_release(&b);
			return shell_note(sh, SHELL_FAILED);
		}
		if (b.len && b.buf[b.len - 1] != '\n')
			buf_addch(&b, '\n');
		shell_print(sh, &b);
		buf_release(&b);
		return SHELL_OK;
	}
	if (!strcasecmp(name, "socket")) {
		struct buf b = BUF_INIT;
		if (need_session(sh))
			return shell_note(sh, SHELL_FAILED);
		net_describe(session_conn(sh->session), &b);
		buf_addch(&b, '\n');
		shell_print(sh, &b);
		buf_release(&b);
		return SHELL_OK;
	}
	if (!strcasecmp(name, "shutdown")) {
		struct buf b = BUF_INIT;
		if (!sh->session) {
			shell_error(sh, "not connected");
			return shell_note(sh, SHELL_FAILED);
		}
		session_free(sh->session, &b);
		sh->session = NULL;
		if (b.len) {
			buf_addch(&b, '\n');
			shell_print(sh, &b);
		}
		buf_release(&b);
		return SHELL_OK;
	}
	if (!strcasecmp(name, "raw")) {
		/* everything after "raw " exactly as typed */
		const char *p = line, *end = line + len;
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
			shell_error(sh, "raw: the line holds a line break (CR or LF) or a NUL byte, which is not allowed: one command is one line "
					"(use send for bytes of your own)");
			return shell_note(sh, SHELL_FAILED);
		}
		verb_end = p;
		while (verb_end < end && *verb_end != ' ')
			verb_end++;
		if (verb_end == p || (size_t)(verb_end - p) >= sizeof(verb)) {
			shell_error(sh, "usage: raw COMMAND [ARGS...]");
			return shell_note(sh, SHELL_FAILED);
		}
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
		st = run_imap(sh, NULL, &rest, 0, p < end ? 1 : 0, verb);
		free(tok.raw);
		return st;
	}
	spec = cmd_lookup(name);
	if (!spec) {
		shell_error(sh, "unknown command \"%s\" (try help)", name);
		return shell_note(sh, SHELL_FAILED);
	}
	return run_imap(sh, spec, l, 1, l->count - 1, NULL);
}

int shell_exec(struct shell *sh, const char *line, size_t len)
{
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	int st;

	if (shell_lex(line, len, &l, &err) < 0)
		goto failed;
	if (!l.count) {
		shell_line_release(&l);
		return SHELL_OK;
	}
	if (take_redirect(sh, &l) < 0) {
		shell_line_release(&l);
		return shell_note(sh, SHELL_FAILED);
	}
	if (!l.count) {
		err_set(&err, IMAP_ERR_ERROR, "nothing to run before the redirection");
		goto failed;
	}
	st = exec_tokens(sh, &l, line, len);
	redirect_free(sh->redir);
	sh->redir = NULL;
	shell_line_release(&l);
	fflush(sh->out);
	if (st != SHELL_OK && sh->stop_on_error)
		sh->quit = true;
	return st;
failed:
	shell_error(sh, "%s", err.msg);
	shell_line_release(&l);
	if (sh->stop_on_error)
		sh->quit = true;
	return shell_note(sh, SHELL_FAILED);
}

/* ---- pipelined script lines (RFC 9051 5.5) -------------------------------- */

int shell_prepare(struct shell *sh, const char *line, size_t len, struct shell_pending *p)
{
	struct imap_err err = IMAP_ERR_INIT;
	const struct cmd_spec *spec;
	struct cmd_word words[64];
	struct msgfile *files[64];
	size_t i;
	enum imap_state st;

	memset(p, 0, sizeof(*p));
	cmd_call_init(&p->call);
	if (shell_lex(line, len, &p->line, &err) < 0)
		return 0; /* shell_exec reports it */
	if (!p->line.count)
		return 2;
	if (!sh->session || !session_alive(sh->session) || sh->redir || p->line.count - 1 > 64)
		return 0;
	st = session_state(sh->session);
	if (st != IMAP_STATE_AUTH && st != IMAP_STATE_SELECTED)
		return 0;
	for (i = 0; i < p->line.count; i++)
		if (p->line.tok[i].at_file || (!p->line.tok[i].quoted && p->line.tok[i].raw[0] == '>'))
			return 0;
	spec = cmd_lookup(p->line.tok[0].value);
	if (!spec || !spec->verb || spec->shape == CS_XATOM)
		return 0;
	if (tokens_to_words(&p->line, 1, p->line.count - 1, false, words, files, &err) < 0 ||
	    cmd_build(spec, words, p->line.count - 1, sh->session, &p->call, &err) < 0)
		return 0;
	p->flags = cmd_pipe_flags(&p->call);
	/* a line the encoder refuses runs alone, so its error names it */
	if (p->flags && !session_can_pipeline(sh->session, &p->call.cmd))
		p->flags = 0;
	return p->flags ? 1 : 0;
}

void shell_pending_release(struct shell_pending *p)
{
	shell_line_release(&p->line);
	cmd_call_release(&p->call);
}

struct batch_ctx {
	struct shell *sh;
	struct shell_pending *batch;
	struct imap_response **results; /* arrived, not yet printed */
	size_t printed;                 /* results are printed in command order */
};

static void print_result(struct shell *sh, struct shell_pending *p, struct imap_response *t)
{
	struct buf b = BUF_INIT;
	struct render_opts o = sh->render;
	sh->lineno = p->lineno;
	o.command = p->call.cmd.verb;
	o.line = p->lineno;
	render_response(&b, t, &o);
	shell_print(sh, &b);
	buf_release(&b);
	if (t->status != IMAP_STATUS_OK) {
		shell_report_result(sh, p->call.cmd.verb, t);
		shell_note(sh, SHELL_FAILED);
	}
	imap_response_free(t);
}

/* A result came (servers may answer pipelined commands out of order, as
 * Dovecot does): print it and the ones after it that wait, in order. */
static void batch_done(void *ctx, size_t i, struct imap_response *t)
{
	struct batch_ctx *bc = ctx;
	bc->results[i] = t;
	while (bc->results[bc->printed]) {
		print_result(bc->sh, &bc->batch[bc->printed], bc->results[bc->printed]);
		bc->results[bc->printed] = NULL;
		bc->printed++;
	}
}

void shell_run_batch(struct shell *sh, struct shell_pending *batch, size_t n)
{
	struct session_cmd *cmds;
	struct imap_err err = IMAP_ERR_INIT;
	struct batch_ctx bc = { sh, batch, NULL, 0 };
	size_t i;

	if (!n)
		return;
	cmds = xcalloc(n, sizeof(*cmds));
	bc.results = xcalloc(n + 1, sizeof(*bc.results));
	for (i = 0; i < n; i++)
		cmds[i] = batch[i].call.cmd;
	if (session_pipeline(sh->session, cmds, n, batch_done, &bc, &err) < 0) {
		sh->lineno = batch[bc.printed < n ? bc.printed : 0].lineno;
		shell_report(sh, &err);
		for (i = 0; i < n; i++)
			imap_response_free(bc.results[i]);
	}
	fflush(sh->out);
	free(bc.results);
	free(cmds);
}

void shell_init(struct shell *sh)
{
	memset(sh, 0, sizeof(*sh));
	buf_init(&sh->scratch, 0);
	sh->out = stdout;
	sh->trace.fp = stderr;
	sh->render.format = RENDER_PRETTY;
	sh->stream_threshold = STREAM_THRESHOLD;
}

/* How long the LOGOUT sent at exit waits for its answer at most. */
#define LOGOUT_WAIT_MS 5000

void shell_finish(struct shell *sh)
{
	if (sh->session && session_alive(sh->session)) {
		struct session_cmd c = { "LOGOUT", NULL, 0, "BYE", NULL, NULL };
		struct imap_response *t = NULL;
		struct imap_err err = IMAP_ERR_INIT;
		struct render_opts saved = sh->render;
		FILE *out = sh->out;
		struct net_conn *conn = session_conn(sh->session);
		int saved_timeout = conn->timeout_ms;
		/* quietly: the user did not type it; and not forever: a server
		 * that does not answer LOGOUT must not hold the exit */
		if (saved_timeout <= 0 || saved_timeout > LOGOUT_WAIT_MS)
			conn->timeout_ms = LOGOUT_WAIT_MS;
		sh->out = fopen("/dev/null", "w");
		if (sh->out) {
			session_command(sh->session, &c, &t, &err);
			fclose(sh->out);
		}
		conn->timeout_ms = saved_timeout;
		sh->out = out;
		sh->render = saved;
		imap_response_free(t);
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
	redirect_free(sh->redir);
	buf_release(&sh->scratch);
}
