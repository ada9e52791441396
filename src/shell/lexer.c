/*
 * lexer.c - one typed line to tokens (rules in lexer.h).
 *
 * One pass over the bytes, so a 1 MB line costs linear time.  Columns in
 * messages are 1-based byte offsets into the line as given.  Choices the
 * header leaves open:
 *  - a trailing LF, CRLF or CR is dropped (a script reader may hand us the
 *    line with its terminator); any other CR or LF is an ordinary byte, and
 *    so is NUL;
 *  - inside a parenthesised/bracketed group only "..." quotes count (with
 *    backslash escaping the next byte): the group goes to the server as
 *    typed, and IMAP gives apostrophes no meaning ("(FROM o'brien)");
 *  - @PATH: the '@' must be unquoted and the first byte of the token; the
 *    rest may be quoted (@"my file.eml"); a lone "@" and a group starting
 *    with '@' are ordinary tokens;
 *  - `quoted` is set for quote parts outside groups only.
 * On error all tokens are released (out->count is 0).  A caller may lower
 * out->count to drop trailing tokens; release still frees them.
 */
#include "shell/lexer.h"
#include "util/buf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Open '(' / '[' positions of the group being scanned. */
struct group_stack {
	size_t *pos;
	size_t count;
	size_t alloc;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Frees every slot ever filled, not only the first count: callers may
 * drop trailing tokens by lowering count (a "> file" redirect) and still
 * rely on shell_line_release().  Slots are zeroed when the array grows.
 */
static void tokens_clear(struct shell_line *l)
{
	size_t i;

	for (i = 0; i < l->alloc_; i++) {
		/* a token may be a password: wipe before freeing */
		if (l->tok[i].value)
			explicit_bzero(l->tok[i].value, l->tok[i].value_len);
		if (l->tok[i].raw)
			explicit_bzero(l->tok[i].raw, l->tok[i].raw_len);
		free(l->tok[i].value);
		free(l->tok[i].raw);
		l->tok[i].value = NULL;
		l->tok[i].raw = NULL;
	}
	l->count = 0;
}

void shell_line_release(struct shell_line *l)
{
	tokens_clear(l);
	free(l->tok);
	l->tok = NULL;
	l->alloc_ = 0;
}

/*
 * Skips a "..." part starting at s[*i] == '"'.  With value non-NULL the
 * content is appended with \" and \\ unescaped (other backslashes kept);
 * otherwise a backslash simply protects the next byte (group syntax).
 */
static int skip_dquoted(const char *s, size_t len, size_t *i, struct buf *value,
			struct imap_err *err)
{
	size_t open = *i, j = *i + 1;

	while (j < len) {
		char c = s[j];
		if (c == '"') {
			*i = j + 1;
			return 0;
		}
		if (c == '\\' && j + 1 < len) {
			char n = s[j + 1];
			if (!value) {
				j += 2;
				continue;
			}
			if (n == '"' || n == '\\') {
				buf_addch(value, n);
				j += 2;
				continue;
			}
		}
		if (value)
			buf_addch(value, c);
		j++;
	}
	return err_set(err, IMAP_ERR_ERROR,
		       "unclosed quote starting at column %zu", open + 1);
}

static int skip_squoted(const char *s, size_t len, size_t *i, struct buf *value,
			struct imap_err *err)
{
	const char *end = memchr(s + *i + 1, '\'', len - *i - 1);

	if (!end)
		return err_set(err, IMAP_ERR_ERROR,
			       "unclosed quote starting at column %zu", *i + 1);
	buf_add(value, s + *i + 1, (size_t)(end - (s + *i + 1)));
	*i = (size_t)(end - s) + 1;
	return 0;
}

static int closes(char open, char close)
{
	return (open == '(' && close == ')') || (open == '[' && close == ']');
}

/*
 * Scans the rest of a group whose opener is at s[*i]; stops after the byte
 * that closes it (stack empty again).
 */
static int scan_group(const char *s, size_t len, size_t *i, struct group_stack *st,
		      struct imap_err *err)
{
	size_t j = *i;

	st->count = 0;
	while (j < len) {
		char c = s[j];
		if (c == '"') {
			if (skip_dquoted(s, len, &j, NULL, err) < 0)
				return -1;
			continue;
		}
		if (c == '(' || c == '[') {
			xgrow((void **)&st->pos, &st->alloc, st->count + 1, sizeof(*st->pos));
			st->pos[st->count++] = j;
		} else if (c == ')' || c == ']') {
			size_t top = st->pos[st->count - 1];
			if (!closes(s[top], c))
				return err_set(err, IMAP_ERR_ERROR,
					       "'%c' at column %zu does not close '%c' at column %zu",
					       c, j + 1, s[top], top + 1);
			if (--st->count == 0) {
				*i = j + 1;
				return 0;
			}
		}
		j++;
	}
	{
		size_t top = st->pos[st->count - 1];
		return err_set(err, IMAP_ERR_ERROR, "'%c' at column %zu is never closed",
			       s[top], top + 1);
	}
}

static struct shell_token *token_new(struct shell_line *out)
{
	struct shell_token *t;
	size_t old = out->alloc_;

	xgrow((void **)&out->tok, &out->alloc_, out->count + 1, sizeof(*out->tok));
	if (out->alloc_ > old)
		memset(out->tok + old, 0, (out->alloc_ - old) * sizeof(*out->tok));
	t = &out->tok[out->count++];
	memset(t, 0, sizeof(*t));
	return t;
}

/* Lexes one token starting at the non-blank s[*i]. */
static int lex_token(const char *s, size_t len, size_t *i, struct shell_line *out,
		     struct buf *value, struct group_stack *st, struct imap_err *err)
{
	size_t start = *i, j = *i;
	bool quoted = false, group = false;
	struct shell_token *t;

	buf_reset(value);
	while (j < len && !is_blank(s[j])) {
		char c = s[j];
		switch (c) {
		case '"':
			if (skip_dquoted(s, len, &j, value, err) < 0)
				return -1;
			quoted = true;
			break;
		case '\'':
			if (skip_squoted(s, len, &j, value, err) < 0)
				return -1;
			quoted = true;
			break;
		case '(':
		case '[':
			if (scan_group(s, len, &j, st, err) < 0)
				return -1;
			group = true;
			break;
		case ')':
		case ']':
			return err_set(err, IMAP_ERR_ERROR, "unbalanced '%c' at column %zu",
				       c, j + 1);
		default: {
			/* a run of plain bytes in one go */
			size_t k = j + 1;
			while (k < len && !is_blank(s[k]) && s[k] != '"' && s[k] != '\'' &&
			       s[k] != '(' && s[k] != '[' && s[k] != ')' && s[k] != ']')
				k++;
			buf_add(value, s + j, k - j);
			j = k;
		}
		}
	}
	*i = j;

	t = token_new(out);
	t->raw_len = j - start;
	t->raw = xmemdup(s + start, t->raw_len);
	t->quoted = quoted;
	t->group = group;
	if (group) {
		t->value_len = t->raw_len;
		t->value = xmemdup(t->raw, t->raw_len);
	} else if (s[start] == '@' && t->raw_len > 1) {
		t->at_file = true;
		t->value_len = value->len - 1;
		t->value = xmemdup(value->buf + 1, t->value_len);
	} else {
		t->value_len = value->len;
		t->value = xmemdup(value->buf, value->len);
	}
	return 0;
}

int shell_lex(const char *line, size_t len, struct shell_line *out, struct imap_err *err)
{
	struct buf value = BUF_INIT;
	struct group_stack st = { NULL, 0, 0 };
	size_t i = 0;
	int ret = 0;

	tokens_clear(out);
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;

	/* a comment is a whole line: '#' later on is data (#news.comp) */
	while (i < len && is_blank(line[i]))
		i++;
	if (i < len && line[i] == '#')
		len = i;
	for (;;) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len)
			break;
		if (lex_token(line, len, &i, out, &value, &st, err) < 0) {
			tokens_clear(out);
			ret = -1;
			break;
		}
	}
	buf_release(&value);
	free(st.pos);
	return ret;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int shell_unescape(const char *s, size_t len, struct buf *out, struct imap_err *err)
{
	size_t orig = out->len, i = 0;

	while (i < len) {
		const char *bs = memchr(s + i, '\\', len - i);
		size_t at;

		if (!bs) {
			buf_add(out, s + i, len - i);
			break;
		}
		at = (size_t)(bs - s);
		buf_add(out, s + i, at - i);
		if (at + 1 >= len) {
			buf_setlen(out, orig);
			return err_set(err, IMAP_ERR_ERROR,
				       "lone backslash at the end (column %zu); write \\\\ for a backslash",
				       at + 1);
		}
		i = at + 2;
		switch (s[at + 1]) {
		case 'r': buf_addch(out, '\r'); break;
		case 'n': buf_addch(out, '\n'); break;
		case 't': buf_addch(out, '\t'); break;
		case '\\': buf_addch(out, '\\'); break;
		case '"': buf_addch(out, '"'); break;
		case 'x': {
			int hi = i < len ? hexval(s[i]) : -1;
			int lo = i + 1 < len ? hexval(s[i + 1]) : -1;
			if (hi < 0 || lo < 0) {
				buf_setlen(out, orig);
				return err_set(err, IMAP_ERR_ERROR,
					       "bad escape at column %zu: \\x needs two hex digits",
					       at + 1);
			}
			buf_addch(out, hi * 16 + lo);
			i += 2;
			break;
		}
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7': {
			unsigned v = 0;
			size_t n;
			i = at + 1;
			for (n = 0; n < 3 && i < len && s[i] >= '0' && s[i] <= '7'; n++, i++)
				v = v * 8 + (unsigned)(s[i] - '0');
			if (v > 0377) {
				buf_setlen(out, orig);
				return err_set(err, IMAP_ERR_ERROR,
					       "bad escape at column %zu: octal \\%.3s is above \\377",
					       at + 1, s + at + 1);
			}
			buf_addch(out, (int)v);
			break;
		}
		default: {
			unsigned char c = (unsigned char)s[at + 1];
			buf_setlen(out, orig);
			if (c > 0x20 && c < 0x7f)
				return err_set(err, IMAP_ERR_ERROR,
					       "unknown escape \\%c at column %zu (known: \\r \\n \\t \\0 \\\\ \\\" \\xHH \\NNN)",
					       c, at + 1);
			return err_set(err, IMAP_ERR_ERROR,
				       "unknown escape: backslash followed by byte 0x%02x at column %zu",
				       c, at + 1);
		}
		}
	}
	return 0;
}
