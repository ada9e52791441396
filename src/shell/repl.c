#include "shell/repl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/commands.h"
#include "core/policy.h"
#include "shell/complete.h"
#include "shell/hint.h"
#include "shell/interrupt.h"
#include "shell/lexer.h"
#include "shell/pager.h"
#include "shell/profile.h"
#include "shell/prompt.h"
#include "shell/reconnect.h"
#include "util/buf.h"
#include "util/utf7.h"
#include "util/xalloc.h"

/* Lines at most in one pipelined batch (the session keeps its own,
 * smaller window on the wire). */
#define BATCH_MAX 512

struct batch {
	struct shell_pending items[BATCH_MAX];
	size_t n;
	unsigned all_flags; /* and of the items' flags */
};

static void batch_flush(struct shell *sh, struct batch *b)
{
	size_t i;
	shell_run_batch(sh, b->items, b->n);
	for (i = 0; i < b->n; i++)
		shell_pending_release(&b->items[i]);
	b->n = 0;
	b->all_flags = ~0u;
}

void repl_script(struct shell *sh, FILE *in, const char *name)
{
	struct batch *b = sh->pipeline ? xcalloc(1, sizeof(*b)) : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;

	sh->source = name;
	sh->lineno = 0;
	if (b)
		b->all_flags = ~0u;
	while (!sh->quit && (n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (b) {
			struct shell_pending *p = &b->items[b->n];
			int rc = shell_prepare(sh, line, (size_t)n, p);
			if (rc == 2) {
				shell_pending_release(p);
				explicit_bzero(line, (size_t)n);
				continue;
			}
			if (rc == 1 && cmd_pipe_can_join(p->flags, b->all_flags, b->n) &&
			    shell_batch_can_take(b->items, b->n, p)) {
				p->lineno = lineno;
				b->all_flags &= p->flags;
				if (++b->n == BATCH_MAX)
					batch_flush(sh, b);
				explicit_bzero(line, (size_t)n);
				continue;
			}
			/* it cannot join: what waits goes first, then this line */
			shell_pending_release(p);
			batch_flush(sh, b);
			if (sh->quit)
				break;
			if (rc == 1) {
				p = &b->items[0];
				shell_prepare(sh, line, (size_t)n, p);
				p->lineno = lineno;
				b->all_flags = p->flags;
				b->n = 1;
				explicit_bzero(line, (size_t)n);
				continue;
			}
		}
		sh->lineno = lineno;
		shell_exec(sh, line, (size_t)n);
		explicit_bzero(line, (size_t)n); /* it may have held a password */
	}
	if (b) {
		if (!sh->quit)
			batch_flush(sh, b);
		else
			while (b->n)
				shell_pending_release(&b->items[--b->n]);
		free(b);
	}
	if (line)
		explicit_bzero(line, cap);
	free(line);
	sh->lineno = 0;
}

/* The first word of line: [*w, return value). */
static const char *first_word(const char *line, const char **w)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	*w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static bool is_word(const char *w, const char *we, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(we - w) == n && !strncasecmp(w, s, n);
}

/* line[0..n) without trailing blanks, as a new string. */
static char *prefix(const char *line, size_t n)
{
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	return xmemdup(line, n);
}

char *repl_history_line(const char *line)
{
	static const struct {
		const char *name;
		size_t keep; /* leading words that hold no secret */
	} secret_cmds[] = {
		{ "login", 2 }, { "login_cram_md5", 2 }, { "authenticate", 3 }, { "proxyauth", 2 },
	};
	struct shell_line l = SHELL_LINE_INIT;
	struct imap_err err = IMAP_ERR_INIT;
	struct buf b = BUF_INIT;
	const char *w, *we = first_word(line, &w);
	size_t keep = 0, i;

	/* lines sent as typed: cut where a LOGIN or AUTHENTICATE begins */
	if (is_word(w, we, "raw") || is_word(w, we, "xatom") || is_word(w, we, "send")) {
		size_t cut = policy_public_prefix(we, strlen(we));
		return prefix(line, (size_t)(we - line) + cut);
	}
	for (i = 0; i < sizeof(secret_cmds) / sizeof(secret_cmds[0]); i++)
		if (is_word(w, we, secret_cmds[i].name))
			keep = secret_cmds[i].keep;
	if (!keep)
		return xstrdup(line);
	/* fail closed: a line that does not lex keeps its command word only */
	if (shell_lex(line, strlen(line), &l, &err) < 0 || !l.count) {
		shell_line_release(&l);
		return prefix(line, (size_t)(we - line));
	}
	for (i = 0; i < keep && i < l.count; i++) {
		if (i)
			buf_addch(&b, ' ');
		buf_add(&b, l.tok[i].raw, l.tok[i].raw_len);
	}
	shell_line_release(&l);
	return buf_detach(&b, NULL);
}

/* ---- completion -------------------------------------------------------- */

/* The shell completion reads from (readline's callbacks take no context). */
static struct shell *completing;

/* The candidates of complete_words(), handed out one by one. */
static char **cands;

static char *next_candidate(const char *text, int state)
{
	static size_t idx;

	(void)text;
	if (!state)
		idx = 0;
	if (!cands || !cands[idx])
		return NULL;
	return xstrdup(cands[idx++]);
}

/* Tab: candidates from the command table, the session and what the shell
 * has seen (complete.h); file names after @, > and >>. */
static char **complete(const char *text, int start, int end)
{
	struct shell *sh = completing;
	struct complete_ctx ctx;
	const char *const *caps = NULL;
	char **matches, **profiles, *path;
	bool files = false;
	size_t n;

	memset(&ctx, 0, sizeof(ctx));
	ctx.state = sh && sh->session ? (int)session_state(sh->session) : -1;
	if (sh) {
		ctx.mailboxes = (const char *const *)sh->known.mailboxes.names;
		ctx.nmailboxes = sh->known.mailboxes.n;
		ctx.flags = (const char *const *)sh->known.flags.names;
		ctx.nflags = sh->known.flags.n;
		if (sh->session) {
			ctx.ncaps = session_caps(sh->session, &caps);
			ctx.caps = caps;
		}
	}
	/* open PROFILE: the names in the config file, read as Tab is pressed */
	path = profile_path();
	profiles = profile_names(path);
	free(path);
	for (n = 0; profiles && profiles[n]; n++)
		;
	ctx.profiles = (const char *const *)profiles;
	ctx.nprofiles = n;
	complete_free(cands);
	cands = complete_words(&ctx, rl_line_buffer, (size_t)start, (size_t)end, &files);
	profile_names_free(profiles);
	if (files) {
		rl_attempted_completion_over = 0; /* readline's file names */
		return NULL;
	}
	rl_attempted_completion_over = 1;
	if (!cands)
		return NULL;
	/* no blank after "BODY[", nor inside a parenthesised list, where
	 * "ENVELOPE )" would be a syntax error once the ")" is typed */
	for (n = 0; cands[n]; n++)
		;
	if (n == 1) {
		size_t l = strlen(cands[0]);
		int depth = 0, i;
		for (i = 0; i < start && rl_line_buffer[i]; i++)
			depth += rl_line_buffer[i] == '(' ? 1 : rl_line_buffer[i] == ')' ? -1 : 0;
		if ((l && (cands[0][l - 1] == '[' || cands[0][l - 1] == '(')) || depth > 0)
			rl_completion_suppress_append = 1;
	}
	matches = rl_completion_matches(text, next_candidate);
	return matches;
}

/* ---- hints as you type ------------------------------------------------- */

/* Columns the hint on the screen takes after the typed line (0: none). */
static int hint_cols;
/* Enter was pressed: the hint goes before readline moves on. */
static bool hint_off;

/* Display width of s[0..n): UTF-8 code points, without the prompt's
 * invisible parts; -1 for a control character (readline shows ^X). */
static int hint_width(const char *s, size_t n, bool prompt)
{
	bool hidden = false;
	int w = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (prompt && c == RL_PROMPT_START_IGNORE)
			hidden = true;
		else if (prompt && c == RL_PROMPT_END_IGNORE)
			hidden = false;
		else if (hidden)
			continue;
		else if (c < 0x20 || c == 0x7f)
			return -1;
		else if ((c & 0xc0) != 0x80)
			w++;
	}
	return w;
}

/* Readline's redisplay, then the hint (hint.h) dimmed after the line when
 * the cursor is at its end and it fits on the terminal line; the cursor
 * goes back, so readline never sees it.  A hint shown before is erased. */
static void hint_redisplay(void)
{
	FILE *out = rl_outstream ? rl_outstream : stdout;
	const char *prompt = rl_display_prompt ? rl_display_prompt : "", *nl;
	struct buf h = BUF_INIT;
	int rows = 0, cols = 0, pw, lw, hw = 0, tail;

	rl_redisplay();
	if ((nl = strrchr(prompt, '\n')))
		prompt = nl + 1;
	pw = hint_width(prompt, strlen(prompt), true);
	lw = hint_width(rl_line_buffer, (size_t)rl_end, false);
	rl_get_screen_size(&rows, &cols);
	/* not while readline shows a message of its own (searching, an argument) */
	if (!hint_off && rl_point == rl_end && rl_display_prompt == rl_prompt &&
	    !RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH | RL_STATE_NUMERICARG) && pw >= 0 &&
	    lw >= 0 && hint_for(rl_line_buffer, (size_t)rl_end, &h)) {
		hw = hint_width(h.buf, h.len, false);
		if (hw < 0 || pw + lw + hw >= cols)
			hw = 0;
	}
	if (rl_point == rl_end && (hint_cols || hw)) {
		fputs("\033[K", out);
		if (hw)
			fprintf(out, "\033[2m%s\033[m\033[%dD", h.buf, hw);
	} else if (hint_cols && pw >= 0 && lw >= 0 && pw + lw < cols &&
		   (tail = hint_width(rl_line_buffer + rl_point, (size_t)(rl_end - rl_point), false)) > 0) {
		/* the cursor moved back into the line: erase after its end */
		fprintf(out, "\033[%dC\033[K\033[%dD", tail, tail);
	}
	hint_cols = hw;
	fflush(out);
	buf_release(&h);
}

/* Enter: the hint is erased before the line is accepted. */
static int hint_accept(int count, int key)
{
	hint_off = true;
	(*rl_redisplay_function)();
	hint_off = false;
	return rl_newline(count, key);
}

/* Readline turns bracketed paste off once the redisplay function is not
 * its own (the hints'): switch it on and off around each line ourselves,
 * so that a pasted block is still one edit, not several commands run. */
static void paste_prep(int meta)
{
	FILE *out = rl_outstream ? rl_outstream : stdout;
	rl_prep_terminal(meta);
	fputs("\033[?2004h", out);
	fflush(out);
}

static void paste_deprep(void)
{
	FILE *out = rl_outstream ? rl_outstream : stdout;
	fputs("\033[?2004l", out);
	fflush(out);
	rl_deprep_terminal();
}

/* Hints on a terminal that takes escapes (not TERM=dumb). */
static void hint_install(void)
{
	const char *term = getenv("TERM");
	Keymap maps[] = { emacs_standard_keymap, vi_insertion_keymap, vi_movement_keymap };
	size_t i;

	if (!term || !*term || !strcmp(term, "dumb"))
		return;
	rl_redisplay_function = hint_redisplay;
	rl_prep_term_function = paste_prep;
	rl_deprep_term_function = paste_deprep;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		rl_bind_key_in_map('\r', hint_accept, maps[i]);
		rl_bind_key_in_map('\n', hint_accept, maps[i]);
	}
}

/* IMAPSH_HISTFILE, else $XDG_STATE_HOME/imapsh/history (~/.local/state);
 * an ~/.imapsh_history of older versions is moved there once (and used
 * where it is if it cannot be moved). */
/* mkdir -p with mode 0700 for the last part (history is private). */
static void mkdir_private(const char *path)
{
	char *p = xstrdup(path), *s;
	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0700);
	free(p);
}

static char *history_path(void)
{
	const char *home = getenv("HOME"), *state = getenv("XDG_STATE_HOME");
	struct buf b = BUF_INIT, old = BUF_INIT;
	if (getenv("IMAPSH_HISTFILE"))
		return xstrdup(getenv("IMAPSH_HISTFILE"));
	if (!home || !*home)
		return NULL;
	if (state && *state == '/')
		buf_addf(&b, "%s/imapsh", state);
	else
		buf_addf(&b, "%s/.local/state/imapsh", home);
	buf_addf(&old, "%s/.imapsh_history", home);
	mkdir_private(b.buf);
	buf_adds(&b, "/history");
	if (access(old.buf, F_OK) == 0 && access(b.buf, F_OK) != 0 && rename(old.buf, b.buf) != 0) {
		buf_release(&b);
		return buf_detach(&old, NULL);
	}
	buf_release(&old);
	return buf_detach(&b, NULL);
}

static void make_prompt(struct shell *sh, struct buf *p)
{
	struct prompt_info pi;
	struct buf dec = BUF_INIT;

	memset(&pi, 0, sizeof(pi));
	if (sh->session) {
		const char *mb = session_mailbox(sh->session);
		pi.connected = true;
		pi.alive = session_alive(sh->session);
		pi.user = sh->relogin.user; /* once a login told the user */
		pi.host = sh->target.host;
		pi.state = imap_state_name(session_state(sh->session));
		/* as the user would type it: Entw&APw-rfe is shown as Entwürfe */
		if (mb && strchr(mb, '&') && utf7_decode(mb, strlen(mb), &dec) == 0)
			mb = dec.buf;
		pi.mailbox = mb;
		pi.readonly = mb && session_readonly(sh->session);
	}
	prompt_format(p, sh->prompt, &pi, sh->render.color);
	buf_release(&dec);
}

/* ---- reading a line ------------------------------------------------------ */

static char *typed;
static bool typed_done;

static void on_line(char *line)
{
	typed = line;
	typed_done = true;
	rl_callback_handler_remove(); /* no new prompt while the command runs */
}

/*
 * readline() through its callback interface, so that we see Ctrl-C: poll()
 * returns EINTR, and the line being typed is dropped for a fresh prompt (as
 * in bash) instead of readline's default of killing the program.  NULL at
 * end of input.
 */
static char *read_line(struct shell *sh, struct buf *prompt)
{
	typed = NULL;
	typed_done = false;
	rl_callback_handler_install(prompt->buf, on_line);
	while (!typed_done) {
		struct pollfd p[3] = {
			{ .fd = fileno(rl_instream ? rl_instream : stdin), .events = POLLIN },
			{ .fd = interrupt_fd(), .events = POLLIN },
			{ .fd = reconnect_watch_fd(sh), .events = POLLIN },
		};
		int rc = poll(p, 3, -1);
		if (rc < 0 && errno != EINTR) { /* cannot wait for input: as at its end */
			rl_callback_handler_remove();
			return NULL;
		}
		if ((rc < 0 && errno == EINTR) || (rc > 0 && p[1].revents)) {
			if (interrupt_take()) {
				/* the typed text goes, the prompt stays where it is */
				rl_free_line_state();
				rl_callback_sigcleanup();
				rl_callback_handler_remove();
				fputs("\r\033[K", rl_outstream ? rl_outstream : stdout);
				rl_callback_handler_install(prompt->buf, on_line);
			}
			continue;
		}
		if (rc > 0 && p[2].revents) {
			/* the server spoke while the user types: its words above the
			 * prompt, then the prompt (its state may have changed) and
			 * the typed line again */
			char *saved = rl_copy_text(0, rl_end);
			int point = rl_point;
			rl_set_prompt("");
			rl_replace_line("", 0);
			(*rl_redisplay_function)();
			fputc('\r', rl_outstream ? rl_outstream : stdout);
			fflush(rl_outstream ? rl_outstream : stdout);
			reconnect_watch_read(sh);
			make_prompt(sh, prompt);
			rl_set_prompt(prompt->buf);
			rl_replace_line(saved, 0);
			rl_point = point;
			(*rl_redisplay_function)();
			free(saved);
			continue;
		}
		if (rc > 0)
			rl_callback_read_char();
	}
	return typed;
}

/* Commands whose output must show as it comes, or that ask on the
 * terminal or hand it to a child: never paged. */
static bool live_command(const char *line)
{
	static const char *const live[] = {
		"idle", "open", "reconnect", "login", "login_cram_md5", "authenticate", "starttls",
		"pager", "quit", "exit", "logout", "readline", "read",
	};
	const char *w, *we = first_word(line, &w);
	size_t i;
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (is_word(w, we, live[i]))
			return true;
	/* raw IDLE and raw AUTHENTICATE run as those commands do */
	if (is_word(w, we, "raw")) {
		const char *v, *ve = first_word(we, &v);
		return is_word(v, ve, "idle") || is_word(v, ve, "authenticate");
	}
	return false;
}

/* Runs a typed line with its output through the pager (pager.h) when it
 * does not fit on the screen: on a terminal, pager on or auto, no trace
 * on stderr to garble it. */
static void paged_exec(struct shell *sh, const char *line)
{
	FILE *saved = sh->out;
	struct pager *pg;
	int rows = 0, cols = 0;
	enum pager_mode mode = (enum pager_mode)sh->pager_mode;

	if (!isatty(fileno(saved)) || sh->trace.level > 0 || sh->render.format == RENDER_JSON)
		mode = PAGER_OFF;
	rl_get_screen_size(&rows, &cols);
	pg = pager_begin(mode, live_command(line) ? PAGER_LIVE : 0, saved, rows, cols, NULL);
	sh->out = pager_stream(pg);
	sh->pager = pg;
	shell_exec(sh, line, strlen(line));
	sh->out = saved;
	sh->pager = NULL;
	pager_end(pg);
}

void repl_interactive(struct shell *sh)
{
	struct buf prompt = BUF_INIT;
	char *hist = history_path();
	char *line;

	rl_readline_name = "imapsh";
	rl_catch_signals = 0; /* SIGINT is ours (shell/interrupt.c) */
	rl_attempted_completion_function = complete;
	/* complete.c finds the word itself; these only tell readline where
	 * file names start; quotes are complete.c's (no second one added) */
	rl_completer_word_break_characters = " \t(@>";
	rl_variable_bind("completion-ignore-case", "on");
	completing = sh;
	/* hints are dimmed text: not without colour (NO_COLOR, --color=never) */
	if (sh->hints && sh->render.color && isatty(STDOUT_FILENO))
		hint_install();
	using_history();
	stifle_history(1000);
	if (hist) {
		/* append_history() does not create the file; make it private */
		int fd = open(hist, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
		read_history(hist);
	}
	sh->source = NULL;
	while (!sh->quit) {
		make_prompt(sh, &prompt);
		line = read_line(sh, &prompt);
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		for (;;) {
			if (*line) {
				char *h = repl_history_line(line);
				HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
				if (!last || strcmp(last->line, h)) { /* ↑ shows a line once */
					add_history(h);
					if (hist)
						append_history(1, hist);
				}
				free(h);
			}
			sh->lineno = 1;
			paged_exec(sh, line);
			interrupt_take(); /* one that came too late to cancel anything */
			sh->lineno = 0;
			explicit_bzero(line, strlen(line)); /* it may have held a password */
			free(line);
			/* a line typed during IDLE ended it: now it runs */
			if (!(line = sh->after_idle) || sh->quit)
				break;
			sh->after_idle = NULL;
		}
	}
	if (hist)
		history_truncate_file(hist, 1000);
	free(hist);
	buf_release(&prompt);
}
