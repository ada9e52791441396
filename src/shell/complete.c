/*
 * complete.c - Tab completion for a typed line (rules in complete.h).
 *
 * The line is scanned once up to the cursor: the complete top-level
 * arguments (a group counts as one), the last two complete words at any
 * depth (for "KEYWORD <Tab>") and the word being typed.  The command's
 * row in cmd_table then says what the argument position takes.
 */
#include "shell/complete.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/commands.h"
#include "shell/call.h"
#include "shell/scan.h"
#include "util/xalloc.h"

#define NONE SCAN_NONE

/* ---- word lists ------------------------------------------------------- */

enum {
	W_BARE = 1, /* fetch macro: not inside a list */
	W_ARG = 2,  /* search key followed by a value */
	W_ARG2 = 4, /* search key followed by two values (HEADER) */
};

struct word {
	const char *s;
	const char *cap; /* offered only when the server lists it (or lists nothing) */
	unsigned flags;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define W(s) { s, NULL, 0 }
#define A(s) { s, NULL, W_ARG }

static const struct word fetch_items[] = {
	{ "ALL", NULL, W_BARE }, { "FAST", NULL, W_BARE }, { "FULL", NULL, W_BARE }, W("ENVELOPE"),
	W("FLAGS"), W("INTERNALDATE"), W("RFC822"), W("RFC822.HEADER"), W("RFC822.SIZE"),
	W("RFC822.TEXT"), W("UID"), W("BODYSTRUCTURE"), W("BODY"), W("BODY["), W("BODY.PEEK["),
	W("BINARY["), W("BINARY.PEEK["), W("BINARY.SIZE["), { "MODSEQ", "CONDSTORE", 0 },
	{ "PREVIEW", "PREVIEW", 0 }, { "SAVEDATE", "SAVEDATE", 0 }, { "EMAILID", "OBJECTID", 0 },
	{ "THREADID", "OBJECTID", 0 }, { "X-GM-MSGID", "X-GM-EXT-1", 0 },
	{ "X-GM-THRID", "X-GM-EXT-1", 0 }, { "X-GM-LABELS", "X-GM-EXT-1", 0 },
};
static const struct word store_ops[] = {
	W("+FLAGS"), W("-FLAGS"), W("FLAGS"), W("+FLAGS.SILENT"), W("-FLAGS.SILENT"), W("FLAGS.SILENT"),
};
static const struct word system_flags[] = {
	W("\\Seen"), W("\\Answered"), W("\\Flagged"), W("\\Deleted"), W("\\Draft"),
};
/* RFC 9051 sec. 6.4.4, RFC 3501's NEW OLD RECENT, and extensions */
static const struct word search_keys[] = {
	W("ALL"), W("ANSWERED"), A("BCC"), A("BEFORE"), A("BODY"), A("CC"), A("CHARSET"),
	W("DELETED"), W("DRAFT"), W("FLAGGED"), A("FROM"), { "HEADER", NULL, W_ARG | W_ARG2 },
	A("KEYWORD"), A("LARGER"), W("NEW"), W("NOT"), W("OLD"), A("ON"), W("OR"), W("RECENT"),
	A("RETURN"), W("SEEN"), A("SENTBEFORE"), A("SENTON"), A("SENTSINCE"), A("SINCE"),
	A("SMALLER"), A("SUBJECT"), A("TEXT"), A("TO"), A("UID"), W("UNANSWERED"), W("UNDELETED"),
	W("UNDRAFT"), W("UNFLAGGED"), A("UNKEYWORD"), W("UNSEEN"), { "MODSEQ", "CONDSTORE", W_ARG },
	{ "OLDER", "WITHIN", W_ARG }, { "YOUNGER", "WITHIN", W_ARG }, { "EMAILID", "OBJECTID", W_ARG },
	{ "THREADID", "OBJECTID", W_ARG }, { "X-GM-RAW", "X-GM-EXT-1", W_ARG },
};
/* RETURN (...) of search (RFC 4731, RFC 5182) and sort (RFC 5267) */
static const struct word return_opts[] = { W("MIN"), W("MAX"), W("ALL"), W("COUNT"), W("SAVE") };
static const struct word charsets[] = { W("UTF-8"), W("US-ASCII") };
static const struct word sort_keys[] = {
	W("ARRIVAL"), W("CC"), W("DATE"), W("FROM"), W("REVERSE"), W("SIZE"), W("SUBJECT"), W("TO"),
	{ "DISPLAYFROM", "SORT=DISPLAY", 0 }, { "DISPLAYTO", "SORT=DISPLAY", 0 },
};
static const struct word status_items[] = {
	W("MESSAGES"), W("RECENT"), W("UIDNEXT"), W("UIDVALIDITY"), W("UNSEEN"), W("DELETED"),
	W("SIZE"), { "HIGHESTMODSEQ", "CONDSTORE", 0 }, { "APPENDLIMIT", "APPENDLIMIT", 0 },
	{ "MAILBOXID", "OBJECTID", 0 },
};
/* extensions that may be named in ENABLE */
static const struct word enable_caps[] = {
	{ "CONDSTORE", "CONDSTORE", 0 }, { "QRESYNC", "QRESYNC", 0 },
	{ "UTF8=ACCEPT", "UTF8=ACCEPT", 0 }, { "IMAP4rev2", "IMAP4rev2", 0 },
	{ "METADATA", "METADATA", 0 }, { "METADATA-SERVER", "METADATA-SERVER", 0 },
	{ "UIDONLY", "UIDONLY", 0 },
};
static const struct word formats[] = { W("pretty"), W("raw"), W("json") };
static const struct word pager_modes[] = { W("auto"), W("on"), W("off") };


/* ---- the partial line (scan.h) ------------------------------------------ */

static bool in_brackets(const struct scan *s)
{
	return memchr(s->stack, '[', s->depth) != NULL;
}

static bool span_is(const struct scan *s, struct scan_span sp, const char *w)
{
	return sp.a != NONE && sp.b - sp.a == strlen(w) && !strncasecmp(s->line + sp.a, w, sp.b - sp.a);
}

/* The word's value: quotes taken off as the lexer does (outside groups). */
static char *word_value(const char *p, size_t len, bool unquote)
{
	char *v = xmalloc(len + 1), q = 0;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (unquote && q == '"' && p[i] == '\\' && i + 1 < len && (p[i + 1] == '"' || p[i + 1] == '\\'))
			v[n++] = p[++i];
		else if (unquote && q && p[i] == q)
			q = 0;
		else if (unquote && !q && (p[i] == '"' || p[i] == '\''))
			q = p[i];
		else
			v[n++] = p[i];
	}
	v[n] = '\0';
	return v;
}

/* ---- candidates --------------------------------------------------------- */

struct out {
	const struct complete_ctx *c;
	char **v;
	size_t n, alloc;
	const char *word;  /* the typed value */
	size_t wlen;
	bool quoted;
	const char *cut;   /* line[word..start): taken off each candidate */
	size_t ncut;
	const char *pre;   /* line[start..word): put in front */
	size_t npre;
};

/* Offers shown if name starts with the typed word. */
static void offer_as(struct out *o, const char *name, const char *shown)
{
	size_t n = strlen(shown);
	char *s;

	if (strncasecmp(name, o->word, o->wlen) != 0)
		return;
	if (o->ncut && (n < o->ncut || strncasecmp(shown, o->cut, o->ncut) != 0))
		return;
	s = xmalloc(o->npre + n - o->ncut + 1);
	if (o->npre)
		memcpy(s, o->pre, o->npre);
	memcpy(s + o->npre, shown + o->ncut, n - o->ncut + 1);
	xgrow((void **)&o->v, &o->alloc, o->n + 2, sizeof(*o->v));
	o->v[o->n++] = s;
}

/* A keyword-like candidate: never for a word typed with quotes. */
static void offer(struct out *o, const char *name)
{
	if (!o->quoted)
		offer_as(o, name, name);
}

static bool has_cap(const struct complete_ctx *c, const char *cap)
{
	size_t i, n;

	if (!cap || !c->ncaps)
		return true;
	n = strlen(cap);
	for (i = 0; i < c->ncaps; i++)
		if (c->caps[i] && !strncasecmp(c->caps[i], cap, n) &&
		    (c->caps[i][n] == '\0' || c->caps[i][n] == '=' || cap[n - 1] == '='))
			return true;
	return false;
}

static void offer_list(struct out *o, const struct word *w, size_t n, unsigned skip)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!(w[i].flags & skip) && has_cap(o->c, w[i].cap))
			offer(o, w[i].s);
}

/* Would the lexer split or change the name typed bare? */
static bool needs_quotes(const char *name)
{
	return !*name || name[0] == '@' || name[0] == '>' || strpbrk(name, " \t\"\\(){}[]%*'") != NULL;
}

static void offer_mailbox(struct out *o, const char *name)
{
	char *q, *p;
	const char *s;

	if (!o->quoted && !needs_quotes(name)) {
		offer_as(o, name, name);
		return;
	}
	q = p = xmalloc(2 * strlen(name) + 3);
	*p++ = '"';
	for (s = name; *s; s++) {
		if (*s == '"' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	offer_as(o, name, q);
	free(q);
}

static void offer_mailboxes(struct out *o)
{
	size_t i;
	offer_mailbox(o, "INBOX");
	for (i = 0; i < o->c->nmailboxes; i++)
		if (o->c->mailboxes[i])
			offer_mailbox(o, o->c->mailboxes[i]);
}

/* System flags (with_system) and the flags seen; without: keywords only. */
static void offer_flags(struct out *o, bool with_system)
{
	size_t i;
	if (with_system)
		offer_list(o, system_flags, N(system_flags), 0);
	for (i = 0; i < o->c->nflags; i++) {
		const char *f = o->c->flags[i];
		if (!f || !*f || !strcmp(f, "\\*") || !strcasecmp(f, "\\Recent") ||
		    (!with_system && f[0] == '\\'))
			continue;
		offer(o, f);
	}
}

/* THREAD=X and AUTH=X of the server (fallback when it lists none) */
static void offer_cap_values(struct out *o, const char *prefix, const char *const *fallback)
{
	size_t i, n = strlen(prefix), found = 0;
	for (i = 0; i < o->c->ncaps; i++)
		if (o->c->caps[i] && !strncasecmp(o->c->caps[i], prefix, n) && o->c->caps[i][n]) {
			offer(o, o->c->caps[i] + n);
			found++;
		}
	for (i = 0; !found && fallback[i]; i++)
		offer(o, fallback[i]);
}

static int cmp_cand(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int r = strcasecmp(x, y);
	return r ? r : strcmp(x, y);
}

/* ---- what a position takes ---------------------------------------------- */

/* Search keys; `from` is where the criteria begin in the line. */
static void complete_search(struct out *o, const struct scan *s, size_t from)
{
	const struct scan_span *last = s->nargs ? &s->arg[s->nargs - 1] : NULL;
	size_t i;

	if (s->depth && last && last->a >= from && span_is(s, *last, "RETURN")) {
		offer_list(o, return_opts, N(return_opts), 0);
		return;
	}
	/* (span_is is false for NONE, which is >= from) */
	if (s->prev.a >= from && (span_is(s, s->prev, "KEYWORD") || span_is(s, s->prev, "UNKEYWORD"))) {
		offer_flags(o, false);
		return;
	}
	if (s->prev.a >= from && span_is(s, s->prev, "CHARSET")) {
		offer_list(o, charsets, N(charsets), 0);
		return;
	}
	for (i = 0; i < N(search_keys); i++)
		if ((s->prev.a >= from && span_is(s, s->prev, search_keys[i].s) &&
		     (search_keys[i].flags & W_ARG)) ||
		    (s->prev2.a >= from && span_is(s, s->prev2, search_keys[i].s) &&
		     (search_keys[i].flags & W_ARG2)))
			return; /* a value */
	offer_list(o, search_keys, N(search_keys), 0);
}

/* Where argument i (of the command's, 0 first) begins in the line. */
static size_t arg_start(const struct scan *s, size_t i)
{
	return i < s->nargs ? s->arg[i].a : s->astart;
}

/* Position pos of spec's arguments, which begin at s->arg[base]. */
static void complete_args(struct out *o, const struct scan *s, const struct cmd_spec *spec,
			  size_t base, size_t pos)
{
	static const char *const algorithms[] = { "ORDEREDSUBJECT", "REFERENCES", NULL };
	static const char *const mechs[] = { "PLAIN", NULL };
	bool inlist = s->depth > 0 && s->line[s->astart] == '(';
	enum cmd_arg k = CA_NONE;
	size_t nk = 0, crit;

	if (s->depth > 1 || (s->depth && !inlist))
		return;
	while (nk < N(spec->kinds) && spec->kinds[nk] != CA_NONE)
		nk++;
	if (nk && (spec->max_args == CMD_MANY || pos < spec->max_args))
		k = spec->kinds[pos < nk ? pos : nk - 1];

	switch (spec->shape) {
	case CS_SELECT:
		if (pos == 0 && !inlist)
			offer_mailboxes(o);
		if (pos == 1 && !inlist)
			offer(o, "readonly");
		return;
	case CS_APPEND:
		if (pos == 0 && !inlist)
			offer_mailboxes(o);
		else if (pos > 0 && (inlist || o->word[0] == '\\' || o->word[0] == '$'))
			offer_flags(o, true);
		return;
	case CS_SEARCH:
		complete_search(o, s, arg_start(s, base));
		return;
	case CS_SORT:
		crit = base;
		if (s->nargs > base && span_is(s, s->arg[base], "RETURN"))
			crit = base + 2;
		if (s->nargs < crit) {
			if (inlist)
				offer_list(o, return_opts, N(return_opts), 0);
		} else if (s->nargs == crit) {
			offer_list(o, sort_keys, N(sort_keys), 0);
			if (crit == base && !inlist)
				offer(o, "RETURN");
		} else {
			complete_search(o, s, arg_start(s, crit + 1));
		}
		return;
	case CS_THREAD:
		if (pos == 0 && !inlist)
			offer_cap_values(o, "THREAD=", algorithms);
		else if (pos > 0)
			complete_search(o, s, arg_start(s, base + 1));
		return;
	case CS_PLAIN:
	case CS_LIST:
	case CS_FETCH:
	case CS_STORE:
	case CS_CREATE:
	case CS_GETMETADATA:
	case CS_SETMETADATA:
	case CS_NOTIFY:
	case CS_REPLACE:
		break;
	default:
		return;
	}

	if ((k == CA_MAILBOX || k == CA_PATTERN) && !inlist)
		offer_mailboxes(o);
	else if (k == CA_FLAGS)
		offer_flags(o, true);
	else if (k == CA_RAW && pos == 1 && !strcmp(spec->name, "fetch"))
		offer_list(o, fetch_items, N(fetch_items), inlist ? W_BARE : 0);
	else if (k == CA_RAW && pos == 1 && !inlist && !strcmp(spec->name, "store"))
		offer_list(o, store_ops, N(store_ops), 0);
	else if (k == CA_RAW && pos == 1 && !strcmp(spec->name, "status"))
		offer_list(o, status_items, N(status_items), 0);
	else if (!inlist && !strcmp(spec->name, "enable")) {
		offer_list(o, enable_caps, N(enable_caps), 0);
		if (!o->n && o->c->ncaps) {
			/* none the server lists matches: all of them */
			size_t i;
			for (i = 0; i < N(enable_caps); i++)
				offer(o, enable_caps[i].s);
		}
	} else if (!inlist && pos == 0 && !strcmp(spec->name, "authenticate"))
		offer_cap_values(o, "AUTH=", mechs);
}

/* The first word: commands allowed in the state whose capability the
 * server lists, and the meta commands; every command if none matches. */
static void complete_first(struct out *o)
{
	const struct complete_ctx *c = o->c;
	size_t i;
	int pass;

	for (pass = 0; pass < 2 && !o->n; pass++) {
		for (i = 0; i < cmd_table_size; i++) {
			const struct cmd_spec *sp = &cmd_table[i];
			if (pass == 0 && c->state >= 0 &&
			    (!(sp->states & (unsigned)c->state) || !has_cap(c, sp->capability)))
				continue;
			offer(o, sp->name);
		}
		for (i = 0; i < shell_meta_table_size; i++)
			offer(o, shell_meta_table[i].name);
	}
}

static void complete_line(struct out *o, const struct scan *s)
{
	const struct cmd_spec *spec;
	char name[32];
	size_t i, base = 1, pos;
	struct scan_span cmd;

	if (s->nargs == 0) {
		if (!s->depth)
			complete_first(o);
		return;
	}
	cmd = s->arg[0];
	if (cmd.b - cmd.a >= sizeof(name))
		return;
	memcpy(name, s->line + cmd.a, cmd.b - cmd.a);
	name[cmd.b - cmd.a] = '\0';
	if (s->nargs == 1 && !s->depth && (!strcasecmp(name, "help") || !strcmp(name, "?"))) {
		for (i = 0; i < cmd_table_size; i++)
			offer(o, cmd_table[i].name);
		for (i = 0; i < shell_meta_table_size; i++)
			offer(o, shell_meta_table[i].name);
	}
	if (s->nargs == 1 && !s->depth && !strcasecmp(name, "format"))
		offer_list(o, formats, N(formats), 0);
	if (s->nargs == 1 && !s->depth && !strcasecmp(name, "pager"))
		offer_list(o, pager_modes, N(pager_modes), 0);
	if (s->nargs == 1 && !s->depth && !strcasecmp(name, "open"))
		for (i = 0; i < o->c->nprofiles; i++)
			offer(o, o->c->profiles[i]);
	/* (meta commands are not in cmd_table: no more for them) */
	spec = cmd_lookup(name);
	if (!spec)
		return;
	pos = s->nargs - 1;
	if (spec->shape == CS_UID) {
		if (pos == 0) {
			if (!s->depth)
				for (i = 0; cmd_uid_subcommands[i]; i++)
					offer(o, cmd_uid_subcommands[i]);
			return;
		}
		spec = NULL;
		for (i = 0; cmd_uid_subcommands[i]; i++)
			if (span_is(s, s->arg[1], cmd_uid_subcommands[i]))
				spec = cmd_lookup(cmd_uid_subcommands[i]);
		if (!spec || !strcmp(spec->name, "expunge"))
			return;
		base = 2;
		pos--;
	}
	complete_args(o, s, spec, base, pos);
}

char **complete_words(const struct complete_ctx *c, const char *line, size_t start, size_t end,
		      bool *files_r)
{
	struct scan s;
	struct out o;
	const struct scan_span *last;
	char *word = NULL;
	size_t i, n;

	if (files_r)
		*files_r = false;
	if (!c || !line)
		return NULL;
	if (start > end)
		start = end;
	memset(&o, 0, sizeof(o));
	if (!scan_line(&s, line, end) || in_brackets(&s))
		goto done;
	last = s.nargs ? &s.arg[s.nargs - 1] : NULL;
	if (!s.depth && ((s.astart < end && (line[s.astart] == '@' || line[s.astart] == '>')) ||
			 (last && (span_is(&s, *last, ">") || span_is(&s, *last, ">>"))))) {
		if (files_r)
			*files_r = true;
		goto done;
	}
	word = word_value(line + s.wstart, end - s.wstart, !s.depth);
	o.c = c;
	o.word = word;
	o.wlen = strlen(word);
	o.quoted = s.quoted;
	if (start >= s.wstart) {
		o.cut = line + s.wstart;
		o.ncut = start - s.wstart;
	} else {
		o.pre = line + start;
		o.npre = s.wstart - start;
	}
	complete_line(&o, &s);
done:
	free(word);
	scan_release(&s);
	if (!o.n) {
		free(o.v);
		return NULL;
	}
	qsort(o.v, o.n, sizeof(*o.v), cmp_cand);
	for (i = n = 0; i < o.n; i++) {
		if (n && !strcmp(o.v[n - 1], o.v[i]))
			free(o.v[i]);
		else
			o.v[n++] = o.v[i];
	}
	o.v[n] = NULL;
	return o.v;
}

void complete_free(char **list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; list[i]; i++)
		free(list[i]);
	free(list);
}
