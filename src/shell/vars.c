/*
 * vars.c - shell variables and their expansion (rules in vars.h).
 *
 * The table is an array kept sorted by name (strcmp order), so a look-up
 * is a binary search and listing is a walk.  Expansion is one pass over
 * the line; plain bytes are copied in runs.
 */
#include "shell/vars.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct var {
	char *name;
	char *value;  /* NUL-terminated */
	size_t value_len;
};

struct vars {
	struct var *v;
	size_t count;
	size_t alloc;
};

/* Names in messages are cut here (a name is never a secret, but may be long). */
#define NAME_SHOWN 64

static int fail(char **errmsg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(char **errmsg, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (!errmsg)
		return -1;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	*errmsg = buf_detach(&b, NULL);
	return -1;
}

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool vars_name_ok(const char *name, size_t len)
{
	size_t i;

	if (!len || !is_name_start(name[0]))
		return false;
	for (i = 1; i < len; i++)
		if (!is_name_char(name[i]))
			return false;
	return true;
}

struct vars *vars_new(void)
{
	return xcalloc(1, sizeof(struct vars));
}

static void var_clear(struct var *e)
{
	explicit_bzero(e->value, e->value_len);
	free(e->value);
	free(e->name);
}

void vars_free(struct vars *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->count; i++)
		var_clear(&v->v[i]);
	free(v->v);
	free(v);
}

/* Compares the stored name with name[0..len) (no NUL in either). */
static int name_cmp(const char *stored, const char *name, size_t len)
{
	int c = strncmp(stored, name, len);

	if (c)
		return c;
	return stored[len] ? 1 : 0;
}

/* Index of name[0..len), or where it would go (*found false). */
static size_t find(const struct vars *v, const char *name, size_t len, bool *found)
{
	size_t lo = 0, hi = v ? v->count : 0;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(v->v[mid].name, name, len);
		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct var *lookup(const struct vars *v, const char *name, size_t len)
{
	bool found;
	size_t i = find(v, name, len, &found);

	return found ? &v->v[i] : NULL;
}

/* Checks name[0..len) and a value; the message names the variable. */
static int check(const char *name, size_t len, const char *value, size_t value_len,
		 char **errmsg)
{
	if (!vars_name_ok(name, len))
		return fail(errmsg,
			    "bad variable name \"%.*s\": use letters, digits and _, not a digit first",
			    (int)(len < NAME_SHOWN ? len : NAME_SHOWN), name);
	if (value_len > VARS_VALUE_MAX)
		return fail(errmsg, "the value of %.*s is longer than %d KiB",
			    (int)(len < NAME_SHOWN ? len : NAME_SHOWN), name, VARS_VALUE_MAX / 1024);
	if (memchr(value, '\r', value_len) || memchr(value, '\n', value_len) ||
	    memchr(value, '\0', value_len))
		return fail(errmsg, "the value of %.*s holds a line break (CR or LF) or a NUL byte",
			    (int)(len < NAME_SHOWN ? len : NAME_SHOWN), name);
	return 0;
}

/* vars_set() with a name given by length. */
static int set_n(struct vars *v, const char *name, size_t len, const char *value,
		 size_t value_len, char **errmsg)
{
	bool found;
	size_t i;
	struct var *e;

	if (check(name, len, value, value_len, errmsg) < 0)
		return -1;
	i = find(v, name, len, &found);
	if (found) {
		e = &v->v[i];
		explicit_bzero(e->value, e->value_len);
		free(e->value);
	} else {
		xgrow((void **)&v->v, &v->alloc, v->count + 1, sizeof(*v->v));
		memmove(v->v + i + 1, v->v + i, (v->count - i) * sizeof(*v->v));
		v->count++;
		e = &v->v[i];
		e->name = xmemdup(name, len);
	}
	e->value = xmemdup(value, value_len);
	e->value_len = value_len;
	return 0;
}

int vars_set(struct vars *v, const char *name, const char *value, size_t value_len,
	     char **errmsg)
{
	return set_n(v, name, strlen(name), value, value_len, errmsg);
}

const char *vars_get(const struct vars *v, const char *name, size_t *len_r)
{
	const struct var *e = lookup(v, name, strlen(name));

	if (!e)
		return NULL;
	if (len_r)
		*len_r = e->value_len;
	return e->value;
}

static bool unset_n(struct vars *v, const char *name, size_t len)
{
	bool found;
	size_t i = find(v, name, len, &found);

	if (!found)
		return false;
	var_clear(&v->v[i]);
	memmove(v->v + i, v->v + i + 1, (v->count - i - 1) * sizeof(*v->v));
	v->count--;
	return true;
}

bool vars_unset(struct vars *v, const char *name)
{
	return unset_n(v, name, strlen(name));
}

size_t vars_count(const struct vars *v)
{
	return v ? v->count : 0;
}

const char *vars_nth(const struct vars *v, size_t i, const char **value_r,
		     size_t *value_len_r)
{
	if (!v || i >= v->count)
		return NULL;
	if (value_r)
		*value_r = v->v[i].value;
	if (value_len_r)
		*value_len_r = v->v[i].value_len;
	return v->v[i].name;
}

static void add_one(const struct var *e, struct buf *out)
{
	buf_adds(out, e->name);
	buf_addch(out, '=');
	buf_add(out, e->value, e->value_len);
	buf_addch(out, '\n');
}

void vars_list(const struct vars *v, struct buf *out)
{
	size_t i;

	for (i = 0; i < vars_count(v); i++)
		add_one(&v->v[i], out);
}

int vars_split_assign(const char *arg, size_t *name_len_r, char **errmsg)
{
	const char *eq = strchr(arg, '=');
	size_t len;

	if (!eq)
		return fail(errmsg, "-v wants NAME=VALUE, not \"%.*s\"", NAME_SHOWN, arg);
	len = (size_t)(eq - arg);
	if (check(arg, len, eq + 1, strlen(eq + 1), errmsg) < 0)
		return -1;
	*name_len_r = len;
	return 0;
}

int vars_assign(struct vars *v, const char *arg, char **errmsg)
{
	size_t len;

	if (vars_split_assign(arg, &len, errmsg) < 0)
		return -1;
	return set_n(v, arg, len, arg + len + 1, strlen(arg + len + 1), errmsg);
}

/* ---- set / unset ------------------------------------------------------- */

/* The next blank-separated word of s[*i..len): its start, *wlen; *i after it. */
static const char *next_word(const char *s, size_t len, size_t *i, size_t *wlen)
{
	size_t start;

	while (*i < len && is_blank(s[*i]))
		(*i)++;
	start = *i;
	while (*i < len && !is_blank(s[*i]))
		(*i)++;
	*wlen = *i - start;
	return *wlen ? s + start : NULL;
}

static int cmd_set(struct vars *v, const char *s, size_t len, size_t i, struct buf *out,
		   char **errmsg)
{
	size_t nlen;
	const char *name = next_word(s, len, &i, &nlen);
	const struct var *e;

	if (!name) {
		vars_list(v, out);
		return 0;
	}
	if (!vars_name_ok(name, nlen))
		return check(name, nlen, "", 0, errmsg);
	while (i < len && is_blank(s[i]))
		i++;
	if (i < len)
		return set_n(v, name, nlen, s + i, len - i, errmsg);
	e = lookup(v, name, nlen);
	if (!e)
		return fail(errmsg, "undefined variable %.*s", (int)nlen, name);
	add_one(e, out);
	return 0;
}

static int cmd_unset(struct vars *v, const char *s, size_t len, size_t i, char **errmsg)
{
	size_t nlen, j = i, n = 0;
	const char *name;

	/* every name checked first: a bad one changes nothing */
	while ((name = next_word(s, len, &j, &nlen))) {
		if (!vars_name_ok(name, nlen))
			return check(name, nlen, "", 0, errmsg);
		n++;
	}
	if (!n)
		return fail(errmsg, "usage: unset NAME...");
	while ((name = next_word(s, len, &i, &nlen)))
		unset_n(v, name, nlen);
	return 0;
}

int vars_command(struct vars *v, const char *line, size_t len, struct buf *out,
		 char **errmsg)
{
	size_t i = 0, wlen;
	const char *verb;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || is_blank(line[len - 1])))
		len--;
	verb = next_word(line, len, &i, &wlen);
	if (verb && wlen == 3 && !strncasecmp(verb, "set", 3))
		return cmd_set(v, line, len, i, out, errmsg);
	if (verb && wlen == 5 && !strncasecmp(verb, "unset", 5))
		return cmd_unset(v, line, len, i, errmsg);
	return fail(errmsg, "not a set or unset command");
}

/* ---- expansion --------------------------------------------------------- */

/* End of the "..." part opening at s[i]: after the closing quote, or len. */
static size_t dquote_end(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\' && i + 1 < len)
			i++;
	}
	return len;
}

struct expand {
	const struct vars *v;
	const char *s;
	size_t len;
	struct buf *out;
	size_t orig;      /* out->len before the call */
	bool pasted;      /* some variable was expanded */
	char **errmsg;
};

/* Pastes a value; -1 if the line grows too long. */
static int paste(struct expand *x, const struct var *e)
{
	x->pasted = true;
	if (x->out->len - x->orig + e->value_len > VARS_LINE_MAX)
		return fail(x->errmsg, "the line is longer than %d MiB once variables are expanded",
			    VARS_LINE_MAX / (1024 * 1024));
	buf_add_secret(x->out, e->value, e->value_len);
	return 0;
}

/*
 * A '$' at s[i]: expands it, or copies it as typed; *i goes past what was
 * read.
 */
static int dollar(struct expand *x, size_t *i)
{
	const char *s = x->s;
	size_t len = x->len, j = *i + 1, k;
	const struct var *e;

	if (j < len && s[j] == '{') {
		for (k = j + 1; k < len && is_name_char(s[k]); k++)
			;
		if (k == j + 1 || k >= len || s[k] != '}' || !is_name_start(s[j + 1]))
			return fail(x->errmsg,
				    "bad ${ at column %zu: write ${NAME}, NAME of letters, digits and _",
				    *i + 1);
		e = lookup(x->v, s + j + 1, k - j - 1);
		if (!e)
			return fail(x->errmsg, "undefined variable %.*s",
				    (int)(k - j - 1 < NAME_SHOWN ? k - j - 1 : NAME_SHOWN), s + j + 1);
		*i = k + 1;
		return paste(x, e);
	}
	if (j < len && is_name_start(s[j])) {
		for (k = j + 1; k < len && is_name_char(s[k]); k++)
			;
		e = lookup(x->v, s + j, k - j);
		*i = k;
		if (e)
			return paste(x, e);
		buf_add_secret(x->out, s + j - 1, k - j + 1); /* a keyword: as typed */
		return 0;
	}
	buf_add_secret(x->out, "$", 1);
	*i = j;
	return 0;
}

static int expand(struct expand *x)
{
	const char *s = x->s;
	size_t len = x->len, i = 0, run = 0, depth = 0;

	/* a comment line is copied whole */
	while (i < len && is_blank(s[i]))
		i++;
	if (i < len && s[i] == '#')
		i = len;
	while (i < len) {
		char c = s[i];
		size_t end;

		switch (c) {
		case '"':
			i = dquote_end(s, len, i);
			continue;
		case '\'':
			if (depth) {
				i++;
				continue;
			}
			{
				const char *q = memchr(s + i + 1, '\'', len - i - 1);
				i = q ? (size_t)(q - s) + 1 : len;
			}
			continue;
		case '(':
		case '[':
			depth++;
			i++;
			continue;
		case ')':
		case ']':
			if (depth)
				depth--;
			i++;
			continue;
		case '\\':
			if (i + 1 < len && s[i + 1] == '$') {
				buf_add_secret(x->out, s + run, i - run);
				buf_add_secret(x->out, "$", 1);
				i += 2;
				run = i;
			} else {
				i++;
			}
			continue;
		case '$':
			buf_add_secret(x->out, s + run, i - run);
			if (dollar(x, &i) < 0)
				return -1;
			run = i;
			continue;
		default:
			/* a run of bytes that mean nothing here */
			end = i + 1;
			while (end < len && !strchr("\"'()[]\\$", s[end]))
				end++;
			i = end;
		}
	}
	buf_add_secret(x->out, s + run, len - run);
	if (x->pasted && x->out->len - x->orig > VARS_LINE_MAX)
		return fail(x->errmsg, "the line is longer than %d MiB once variables are expanded",
			    VARS_LINE_MAX / (1024 * 1024));
	return 0;
}

int vars_expand(const struct vars *v, const char *line, size_t len, struct buf *out,
		char **errmsg)
{
	struct expand x = { v, line, len, out, out->len, false, errmsg };

	if (expand(&x) < 0) {
		explicit_bzero(out->buf + x.orig, out->len - x.orig);
		buf_setlen(out, x.orig);
		return -1;
	}
	return 0;
}
