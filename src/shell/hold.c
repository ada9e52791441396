/*
 * hold.c - output of commands in flight, in script order (hold.h).
 */
#include "shell/hold.h"

#include <stdlib.h>
#include <string.h>

#include "shell/sink.h"
#include "util/xalloc.h"

/* A piece of rendered output held for command cmd, in arrival order. */
struct held {
	size_t cmd;
	size_t off, len; /* in struct hold's buf; len 0 once printed */
};

struct hold {
	struct hold_cmd *cmds;
	bool *done;
	size_t n, head;
	const struct attrib_cmd **live; /* scratch for attrib_find */
	size_t *live_idx;
	struct buf buf;
	struct held *held;
	size_t nheld, alloc, unprinted;
	bool overflow;
};

void hold_begin(struct shell *sh, const struct hold_cmd *cmds, size_t n)
{
	struct hold *h = xcalloc(1, sizeof(*h));

	h->cmds = xcalloc(n ? n : 1, sizeof(*h->cmds));
	memcpy(h->cmds, cmds, n * sizeof(*cmds));
	h->done = xcalloc(n ? n : 1, sizeof(*h->done));
	h->live = xcalloc(n ? n : 1, sizeof(*h->live));
	h->live_idx = xcalloc(n ? n : 1, sizeof(*h->live_idx));
	h->n = n;
	buf_init(&h->buf, 0);
	hold_end(sh);
	sh->hold = h;
}

void hold_complete(struct shell *sh, size_t i)
{
	if (sh->hold && i < sh->hold->n)
		sh->hold->done[i] = true;
}

static void print_held(struct shell *sh, struct held *e)
{
	struct hold *h = sh->hold;
	struct buf piece;

	piece.buf = h->buf.buf + e->off;
	piece.len = e->len;
	piece.alloc = 0;
	shell_print(sh, &piece);
	e->len = 0;
	h->unprinted--;
	if (!h->unprinted) {
		buf_reset(&h->buf);
		h->nheld = 0;
	}
}

void hold_advance(struct shell *sh, size_t i)
{
	struct hold *h = sh->hold;
	size_t k;

	if (!h)
		return;
	h->head = i;
	for (k = 0; k < h->nheld && h->unprinted; k++)
		if (h->held[k].len && h->held[k].cmd == i)
			print_held(sh, &h->held[k]);
}

/* Everything held comes out in arrival order; from now on output shows
 * as it arrives. */
static void spill(struct shell *sh, const char *why)
{
	struct hold *h = sh->hold;
	size_t k;

	if (!h->overflow)
		shell_warn(sh, "%s: the output of pipelined commands from here on shows as "
			    "it arrives, not command by command", why);
	h->overflow = true;
	for (k = 0; k < h->nheld && h->unprinted; k++)
		if (h->held[k].len)
			print_held(sh, &h->held[k]);
}

void hold_end(struct shell *sh)
{
	struct hold *h = sh->hold;
	size_t k;

	if (!h)
		return;
	for (k = 0; k < h->nheld && h->unprinted; k++)
		if (h->held[k].len)
			print_held(sh, &h->held[k]);
	buf_release(&h->buf);
	free(h->held);
	free(h->cmds);
	free(h->done);
	free(h->live);
	free(h->live_idx);
	free(h);
	sh->hold = NULL;
}

/* -d 3: which command an untagged response was taken to belong to (the
 * attribution of core/attrib.h), and whether it waits to be shown. */
static void trace_match(struct shell *sh, const struct imap_response *r, const char *verb,
			unsigned long line, const char *how)
{
	struct buf t = BUF_INIT;
	if (sh->trace.level < 3)
		return;
	buf_adds(&t, "untagged ");
	if (r->has_number)
		buf_addf(&t, "%llu ", (unsigned long long)r->number);
	buf_adds(&t, r->name ? r->name : "?");
	if (verb) {
		buf_addf(&t, ": data of %s", verb);
		if (line)
			buf_addf(&t, " (line %lu)", line);
	}
	buf_addf(&t, "%s%s", verb ? ", " : ": ", how);
	trace_hook(&sh->trace, 3, TRACE_EVENT, t.buf, t.len);
	buf_release(&t);
}

void hold_untagged(struct shell *sh, const struct imap_response *r)
{
	struct hold *h = sh->hold;
	size_t nlive = 0, i, start;
	long found;
	const struct hold_cmd *c;

	/* names and flags for completion (views only add to r's arena) */
	if (sh->interactive)
		known_note_response(&sh->known, (struct imap_response *)r,
				    sh->session && session_utf8_names(sh->session));

	if (!h) {
		trace_match(sh, r, NULL, 0, "shown (no command in flight)");
		shell_show_as(sh, r, NULL, 0, false, NULL);
		return;
	}
	for (i = 0; i < h->n; i++) {
		if (h->done[i])
			continue;
		h->live[nlive] = h->cmds[i].attrib;
		h->live_idx[nlive++] = i;
	}
	found = attrib_find(r, h->live, nlive);
	if (found < 0 && sh->session && session_is_update(sh->session, (struct imap_response *)r)) {
		/* asked for by a search left open (RETURN (UPDATE)) */
		trace_match(sh, r, NULL, 0, "shown (an update to a search left open)");
		shell_show_as(sh, r, NULL, 0, false, NULL);
		return;
	}
	if (found < 0) {
		trace_match(sh, r, NULL, 0, "unsolicited (no command asked for it)");
		shell_show_as(sh, r, NULL, 0, true, NULL);
		return;
	}
	i = h->live_idx[found];
	c = &h->cmds[i];
	if (i == h->head || h->overflow) {
		trace_match(sh, r, c->verb, c->line, "shown");
		shell_show_as(sh, r, c->verb, c->line, false, NULL);
		return;
	}
	trace_match(sh, r, c->verb, c->line, "held until the results before it");
	if (sink_spool(sh)) {
		/* a literal too big to keep in memory is shown as it is read */
		sh->lineno = c->line;
		spill(sh, "a big literal");
		shell_show_as(sh, r, c->verb, c->line, false, NULL);
		return;
	}
	start = h->buf.len;
	shell_show_as(sh, r, c->verb, c->line, false, &h->buf);
	if (h->buf.len == start)
		return;
	if (h->nheld == h->alloc) {
		h->alloc = h->alloc ? 2 * h->alloc : 64;
		h->held = xrealloc(h->held, h->alloc * sizeof(*h->held));
	}
	h->held[h->nheld].cmd = i;
	h->held[h->nheld].off = start;
	h->held[h->nheld].len = h->buf.len - start;
	h->nheld++;
	h->unprinted++;
	if (h->buf.len > HOLD_MAX) {
		sh->lineno = c->line; /* the warning names the line it is about */
		spill(sh, "more than 4 MB of output held");
	}
}
