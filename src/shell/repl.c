#include "shell/repl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/commands.h"
#include "core/policy.h"
#include "shell/complete.h"
#include "shell/interrupt.h"
#include "shell/lexer.h"
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
	char **matches;
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
	complete_free(cands);
	cands = complete_words(&ctx, rl_line_buffer, (size_t)start, (size_t)end, &files);
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

static char *history_path(void)
{
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;
	if (getenv("IMAPSH_HISTFILE"))
		return xstrdup(getenv("IMAPSH_HISTFILE"));
	if (!home || !*home)
		return NULL;
	buf_addf(&b, "%s/.imapsh_history", home);
	return buf_detach(&b, NULL);
}

static void make_prompt(struct shell *sh, struct buf *p)
{
	buf_reset(p);
	if (!sh->session) {
		buf_adds(p, "imapsh [not connected]> ");
		return;
	}
	buf_addf(p, "imapsh [%s", imap_state_name(session_state(sh->session)));
	if (session_mailbox(sh->session)) {
		/* as the user would type it: Entw&APw-rfe is shown as Entwürfe */
		const char *mb = session_mailbox(sh->session);
		struct buf dec = BUF_INIT;
		if (strchr(mb, '&') && utf7_decode(mb, strlen(mb), &dec) == 0)
			buf_addf(p, " %s", dec.buf);
		else
			buf_addf(p, " %s", mb);
		buf_release(&dec);
	}
	if (!session_alive(sh->session))
		buf_adds(p, ", closed");
	buf_adds(p, "]> ");
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
static char *read_line(const char *prompt)
{
	typed = NULL;
	typed_done = false;
	rl_callback_handler_install(prompt, on_line);
	while (!typed_done) {
		struct pollfd p[2] = {
			{ .fd = fileno(rl_instream ? rl_instream : stdin), .events = POLLIN },
			{ .fd = interrupt_fd(), .events = POLLIN },
		};
		int rc = poll(p, p[1].fd >= 0 ? 2 : 1, -1);
		if (rc < 0 && errno != EINTR) { /* cannot wait for input: as at its end */
			rl_callback_handler_remove();
			return NULL;
		}
		if ((rc < 0 && errno == EINTR) || (rc > 0 && p[1].revents)) {
			if (interrupt_take()) {
				rl_free_line_state();
				rl_callback_sigcleanup();
				rl_callback_handler_remove();
				fputs("^C\n", rl_outstream ? rl_outstream : stdout);
				rl_callback_handler_install(prompt, on_line);
			}
			continue;
		}
		if (rc > 0)
			rl_callback_read_char();
	}
	return typed;
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
		line = read_line(prompt.buf);
		if (!line) {
			fputc('\n', stdout);
			break;
		}
		if (*line) {
			char *h = repl_history_line(line);
			add_history(h);
			if (hist)
				append_history(1, hist);
			free(h);
		}
		sh->lineno = 1;
		shell_exec(sh, line, strlen(line));
		interrupt_take(); /* one that came too late to cancel anything */
		sh->lineno = 0;
		explicit_bzero(line, strlen(line)); /* it may have held a password */
		free(line);
	}
	if (hist)
		history_truncate_file(hist, 1000);
	free(hist);
	buf_release(&prompt);
}
