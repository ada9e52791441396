/*
 * batch.c - script lines pipelined (RFC 9051 sec. 5.5): which lines may
 * go out without waiting, and their results shown in script order
 * (call.h: shell_prepare, shell_run_batch).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "shell/call.h"

#include <stdlib.h>
#include <string.h>

#include "shell/hold.h"
#include "shell/msgfile.h"
#include "shell/vars.h"
#include "util/xalloc.h"

int shell_prepare(struct shell *sh, const char *line, size_t len, struct shell_pending *p)
{
	struct imap_err err = IMAP_ERR_INIT;
	const struct cmd_spec *spec;
	struct cmd_word words[SESSION_MAX_ARGS];
	struct msgfile *files[SESSION_MAX_ARGS];
	size_t i;
	enum imap_state st;

	memset(p, 0, sizeof(*p));
	cmd_call_init(&p->call);
	{
		/* $NAME expanded as shell_exec() would (the tokens are copies) */
		struct buf exp = BUF_INIT;
		char *msg = NULL;
		int rc = vars_expand(sh->vars, line, len, &exp, &msg);
		free(msg);
		if (rc == 0)
			rc = shell_lex(exp.buf ? exp.buf : "", exp.len, &p->line, &err);
		buf_release_secret(&exp);
		if (rc < 0)
			return 0; /* shell_exec reports it */
	}
	if (!p->line.count)
		return 2;
	if (!sh->session || !session_alive(sh->session) || sh->redir ||
	    p->line.count - 1 > SESSION_MAX_ARGS)
		return 0;
	st = session_state(sh->session);
	if (st != IMAP_STATE_AUTH && st != IMAP_STATE_SELECTED)
		return 0;
	for (i = 0; i < p->line.count; i++)
		if (p->line.tok[i].at_file || (!p->line.tok[i].quoted && p->line.tok[i].raw[0] == '>'))
			return 0;
	spec = cmd_lookup(p->line.tok[0].value);
	/* recent is run by the shell itself (it may not even send NOOP) */
	if (!spec || !spec->verb || spec->shape == CS_XATOM || !strcmp(spec->name, "recent"))
		return 0;
	if (shell_words(&p->line, 1, p->line.count - 1, false, false, words, files, &err) < 0 ||
	    cmd_build(spec, words, p->line.count - 1, sh->session, &p->call, &err) < 0)
		return 0;
	p->flags = cmd_pipe_flags(&p->call);
	attrib_cmd_init(&p->attrib, p->call.cmd.verb, p->call.cmd.args, p->call.cmd.nargs);
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
	sh->lineno = p->lineno;
	shell_show(sh, t, p->call.cmd.verb, p->lineno);
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
	hold_complete(bc->sh, i);
	while (bc->results[bc->printed]) {
		print_result(bc->sh, &bc->batch[bc->printed], bc->results[bc->printed]);
		bc->results[bc->printed] = NULL;
		bc->printed++;
		hold_advance(bc->sh, bc->printed);
	}
}

bool shell_batch_can_take(const struct shell_pending *batch, size_t n, const struct shell_pending *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!attrib_can_share(&batch[i].attrib, &p->attrib))
			return false;
	return true;
}

void shell_run_batch(struct shell *sh, struct shell_pending *batch, size_t n)
{
	struct session_cmd *cmds;
	struct imap_err err = IMAP_ERR_INIT;
	struct batch_ctx bc = { sh, batch, NULL, 0 };
	struct hold_cmd *hc;
	size_t i;

	if (!n)
		return;
	cmds = xcalloc(n, sizeof(*cmds));
	hc = xcalloc(n, sizeof(*hc));
	bc.results = xcalloc(n + 1, sizeof(*bc.results));
	for (i = 0; i < n; i++) {
		cmds[i] = batch[i].call.cmd;
		hc[i].verb = batch[i].call.cmd.verb;
		hc[i].line = batch[i].lineno;
		hc[i].attrib = &batch[i].attrib;
	}
	hold_begin(sh, hc, n);
	if (session_pipeline(sh->session, cmds, n, batch_done, &bc, &err) < 0) {
		hold_end(sh);
		sh->lineno = batch[bc.printed < n ? bc.printed : 0].lineno;
		shell_report(sh, &err);
		for (i = 0; i < n; i++)
			imap_response_free(bc.results[i]);
	}
	hold_end(sh);
	fflush(sh->out);
	free(bc.results);
	free(hc);
	free(cmds);
}
