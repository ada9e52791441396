/*
 * hint.c - hints as you type (rules in hint.h).
 *
 * A usage string is read in place: a sequence of its words is a span of
 * it, and how far each group entered has got is a frame on a small
 * stack, the usage itself at the bottom.  The typed arguments are taken
 * one by one, greedily, without going back.
 */
#include "shell/hint.h"

#include <string.h>
#include <strings.h>

#include "core/commands.h"
#include "shell/call.h"
#include "shell/scan.h"

#define MAX_FRAMES 8

/* One top-level word of a usage sequence: [a, b). */
struct item {
	const char *a, *b;
	bool opt;  /* "[...]": may be skipped */
	bool many; /* "...": takes one or more */
};

/* What is left of a sequence: [p, e). */
struct frame {
	const char *p, *e;
	const char *rep; /* the "..." word of it that took an argument, or NULL */
};

struct matcher {
	struct frame f[MAX_FRAMES];
	size_t n;
};

/* One typed argument: [s, s + len); partial: still being typed. */
struct word {
	const char *s;
	size_t len;
	bool partial;
};


/* The first word of [p, e) in *it; false if none. */
static bool next_item(const char *p, const char *e, struct item *it)
{
	int depth = 0;

	while (p < e && *p == ' ')
		p++;
	if (p == e)
		return false;
	it->a = p;
	for (; p < e && (depth || *p != ' '); p++) {
		if (*p == '[' || *p == '(')
			depth++;
		else if ((*p == ']' || *p == ')') && depth)
			depth--;
	}
	it->b = p;
	it->opt = *it->a == '[';
	it->many = p - it->a >= 3 && !strncmp(p - 3, "...", 3);
	return true;
}

/* The end of the group that opens at p (its closing bracket), or e. */
static const char *group_end(const char *p, const char *e)
{
	int depth = 0;

	for (; p < e; p++) {
		if (*p == '[' || *p == '(')
			depth++;
		else if ((*p == ']' || *p == ')') && --depth == 0)
			return p;
	}
	return e;
}

/* The next alternative of a group's inside, from *p up to '|' or e (blanks
 * trimmed) in [*a, *b); false when there is none left. */
static bool next_alt(const char **p, const char *e, const char **a, const char **b)
{
	const char *q = *p;
	int depth = 0;

	if (q > e)
		return false;
	for (; q < e && (depth || *q != '|'); q++) {
		if (*q == '[' || *q == '(')
			depth++;
		else if ((*q == ']' || *q == ')') && depth)
			depth--;
	}
	*a = *p;
	*b = q;
	*p = q + 1;
	while (*a < *b && **a == ' ')
		(*a)++;
	while (*b > *a && (*b)[-1] == ' ')
		(*b)--;
	return true;
}

static bool text_is(const char *a, const char *b, const char *s)
{
	return (size_t)(b - a) == strlen(s) && !strncmp(a, s, (size_t)(b - a));
}

/* A word written as is (select's readonly, pager's on, open's --stream),
 * not a placeholder. */
static bool is_keyword(const char *a, const char *b)
{
	const char *p;

	if (text_is(a, b, "RETURN"))
		return true;
	if (a == b || *a == '(' || *a == '[')
		return false;
	for (p = a; p < b; p++)
		if (*p >= 'A' && *p <= 'Z')
			return false;
	return true;
}

/* A charset name or None (core/commands.c, word_is_charset). */
static bool is_charset(const struct word *w)
{
	static const char *const names[] = {
		"UTF-8", "US-ASCII", "ISO-8859-", "WINDOWS-12", "ISO-2022-", "KOI8-",
		"SHIFT_JIS", "EUC-JP", "EUC-KR", "GB2312", "GBK", "GB18030", "BIG5", "UTF-7",
		"None", "NIL",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (w->len >= n && !strncasecmp(w->s, names[i], n) &&
		    (names[i][n - 1] == '-' || names[i][n - 1] == '2' || w->len == n))
			return true;
	}
	return false;
}

/* Does the typed word fit the usage word [a, b), the first of an
 * optional group's alternative? */
static bool fits(const char *a, const char *b, const struct word *w)
{
	size_t n = (size_t)(b - a);
	char c = w->len ? w->s[0] : '\0';

	if (*a == '[')
		return true;
	if (n >= 3 && !strncmp(b - 3, "...", 3))
		n -= 3;
	if (is_keyword(a, a + n))
		return (w->len == n && !strncasecmp(w->s, a, n)) ||
		       (w->partial && w->len && w->len < n && !strncasecmp(w->s, a, w->len));
	if (*a == '(')
		return c == '(';
	if (text_is(a, a + n, "FLAGS"))
		return c == '(' || c == '\\' || c == '$';
	if (text_is(a, a + n, "DATE"))
		return c != '@';
	if (text_is(a, a + n, "CHARSET"))
		return is_charset(w);
	return true;
}

/* The alternative of the optional group it that w enters, in [*a, *b):
 * one whose first word is a keyword that fits, else the first that fits. */
static bool choose(const struct item *it, const struct word *w, const char **a, const char **b)
{
	const char *e = group_end(it->a, it->b);
	int pass;

	for (pass = 0; pass < 2; pass++) {
		const char *p = it->a + 1;
		while (next_alt(&p, e, a, b)) {
			struct item first;
			if (!next_item(*a, *b, &first) || is_keyword(first.a, first.b) != (pass == 0))
				continue;
			if (fits(first.a, first.b, w))
				return true;
		}
	}
	return false;
}

/* Takes w at the matcher's position; false when the usage has no room. */
static bool take(struct matcher *m, const struct word *w)
{
	for (;;) {
		struct frame *f = &m->f[m->n - 1];
		struct item it;
		const char *a, *b;

		if (!next_item(f->p, f->e, &it)) {
			if (--m->n == 0)
				return false;
			continue;
		}
		if (it.opt && !choose(&it, w, &a, &b)) {
			f->p = it.b; /* skipped */
			continue;
		}
		if (it.many)
			f->rep = it.a;
		else
			f->p = it.b;
		if (!it.opt)
			return true;
		if (m->n == MAX_FRAMES)
			return false;
		m->f[m->n].p = a;
		m->f[m->n].e = b;
		m->f[m->n].rep = NULL;
		m->n++;
	}
}

/* What is left, innermost group first; stops at a "..." that took one. */
static void rest(const struct matcher *m, struct buf *out, bool lead)
{
	size_t k = m->n;

	while (k--) {
		const struct frame *f = &m->f[k];
		const char *p = f->p;
		struct item it;

		while (next_item(p, f->e, &it)) {
			if (it.a == f->rep)
				return;
			if (lead)
				buf_addch(out, ' ');
			lead = true;
			buf_add(out, it.a, (size_t)(it.b - it.a));
			p = it.b;
		}
	}
}

static bool span_is(const char *line, struct scan_span sp, const char *s)
{
	return sp.b - sp.a == strlen(s) && !strncasecmp(line + sp.a, s, sp.b - sp.a);
}

/* The usage of the command named line[sp.a, sp.b), or NULL; *as_typed
 * for raw and send, whose arguments the lexer does not split. */
static const char *usage_of(const char *line, struct scan_span sp, const struct cmd_spec **spec_r,
			    bool *as_typed)
{
	const struct meta_spec *meta;
	char name[32];

	*spec_r = NULL;
	*as_typed = false;
	if (sp.b - sp.a >= sizeof(name))
		return NULL;
	memcpy(name, line + sp.a, sp.b - sp.a);
	name[sp.b - sp.a] = '\0';
	/* meta commands first, as shell_exec runs them */
	if ((meta = shell_meta_lookup(name))) {
		*as_typed = !strcmp(meta->name, "raw") || !strcmp(meta->name, "send");
		return meta->usage;
	}
	if ((*spec_r = cmd_lookup(name)))
		return (*spec_r)->usage;
	return NULL;
}

static bool hint_scanned(const struct scan *s, size_t len, struct buf *out)
{
	const char *line = s->line, *usage;
	const struct cmd_spec *spec;
	struct scan_span sp;
	struct matcher m;
	bool partial = s->astart < len, as_typed;
	size_t n = s->nargs + partial, first = 1, i;

	if (!n || s->quote)
		return false;
	sp = s->nargs ? s->arg[0] : (struct scan_span){ s->astart, len };
	if (!(usage = usage_of(line, sp, &spec, &as_typed)) || (as_typed && n > 1) || s->depth)
		return false;
	if (spec && spec->shape == CS_UID && n > 1) {
		sp = s->nargs > 1 ? s->arg[1] : (struct scan_span){ s->astart, len };
		for (i = 0; cmd_uid_subcommands[i]; i++)
			if (span_is(line, sp, cmd_uid_subcommands[i]))
				break;
		if (!cmd_uid_subcommands[i])
			return false;
		/* UID EXPUNGE takes a UID set (RFC 4315), EXPUNGE nothing */
		usage = strcmp(cmd_uid_subcommands[i], "expunge") ? cmd_lookup(cmd_uid_subcommands[i])->usage
								   : "SET";
		first = 2;
	}
	m.f[0].p = usage;
	m.f[0].e = usage + strlen(usage);
	m.f[0].rep = NULL;
	m.n = 1;
	for (i = first; i < n; i++) {
		struct word w;
		sp = i < s->nargs ? s->arg[i] : (struct scan_span){ s->astart, len };
		w.s = line + sp.a;
		w.len = sp.b - sp.a;
		w.partial = i >= s->nargs;
		if (w.s[0] == '>' || !take(&m, &w))
			return false; /* a redirection, or more than the usage holds */
	}
	rest(&m, out, partial);
	return out->len > (size_t)partial;
}

bool hint_for(const char *line, size_t len, struct buf *out)
{
	struct scan s;
	bool ok = false;

	buf_reset(out);
	if (!line)
		return false;
	if (scan_line(&s, line, len))
		ok = hint_scanned(&s, len, out);
	scan_release(&s);
	if (!ok)
		buf_reset(out);
	return ok;
}
