/*
 * cmd_args.c - the words a user typed, turned into the arguments of one
 * IMAP command: mailbox names encoded, numbers and sets checked, search
 * keys with their RETURN and CHARSET, messages as literals (literal8 when
 * they hold NUL).  One function per command shape; the extensions'
 * parameter forms (CONDSTORE, LIST-EXTENDED, METADATA...) are in
 * cmd_ext.c.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cmd_ext.h"
#include "util/imapdate.h"
#include "util/utf7.h"
#include "util/xalloc.h"

/* out = a + b, cut to size (snprintf is slow for this, once per command) */
void cmd_copy_verb(char *out, size_t size, const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);

	if (na > size - 1)
		na = size - 1;
	if (nb > size - 1 - na)
		nb = size - 1 - na;
	memcpy(out, a, na);
	memcpy(out + na, b, nb);
	out[na + nb] = '\0';
}

/* ---- building ------------------------------------------------------- */

int bld_arg(struct builder *b, enum imap_arg_kind kind, unsigned flags,
		   const char *data, size_t len)
{
	if (b->n >= sizeof(b->c->args) / sizeof(b->c->args[0]))
		return err_set(b->err, IMAP_ERR_ERROR, "%s: too many arguments (at most %zu)",
			       b->cmdname, sizeof(b->c->args) / sizeof(b->c->args[0]));
	b->c->args[b->n].kind = kind;
	b->c->args[b->n].flags = flags;
	b->c->args[b->n].data = data;
	b->c->args[b->n].len = len;
	b->c->args[b->n].source = NULL;
	b->c->offsets[b->n] = SIZE_MAX;
	b->n++;
	return 0;
}

/* An argument whose bytes live in c->store (fixed up at the end). */
int bld_stored(struct builder *b, enum imap_arg_kind kind, unsigned flags,
		      const char *data, size_t len)
{
	size_t off = b->c->store.len;
	buf_add(&b->c->store, data, len);
	buf_addch(&b->c->store, '\0');
	if (bld_arg(b, kind, flags, NULL, len))
		return -1;
	b->c->offsets[b->n - 1] = off;
	return 0;
}

bool bld_is_seqset(const char *s, size_t len)
{
	size_t i;
	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !strchr(":*,$", s[i]))
			return false;
	return true;
}

int bld_mailbox(struct builder *b, const struct cmd_word *w)
{
	return bld_mailbox_flags(b, w, 0);
}

int bld_mailbox_flags(struct builder *b, const struct cmd_word *w, unsigned flags)
{
	struct buf enc = BUF_INIT;
	int rc;

	if (!utf8_valid(w->s, w->len))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: mailbox name is not valid UTF-8", b->cmdname);
	if (memchr(w->s, '\0', w->len) || memchr(w->s, '\r', w->len) || memchr(w->s, '\n', w->len))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: a mailbox name cannot contain a line break or NUL", b->cmdname);
	/* After ENABLE UTF8=ACCEPT (or IMAP4rev2) names are UTF-8, sent as
	 * typed, 8-bit in a quoted string (RFC 9755 sec. 3); "&" is just "&". */
	if (b->s && session_utf8_names(b->s))
		return bld_arg(b, IMAP_ARG_ASTRING, flags | IMAP_ARG_UTF8, w->s, w->len);
	/* A name that is already valid modified UTF-7 ("Entw&APw-rfe") is
	 * sent as typed; anything else is encoded ("Tom & Jerry" ->
	 * "Tom &- Jerry", "Entwürfe" -> "Entw&APw-rfe"). */
	if (utf7_is_plain(w->s, w->len) ||
	    (memchr(w->s, '&', w->len) && utf7_decode(w->s, w->len, &enc) == 0)) {
		buf_release(&enc);
		return bld_arg(b, IMAP_ARG_ASTRING, flags, w->s, w->len);
	}
	buf_reset(&enc);
	if (utf7_encode(w->s, w->len, &enc) < 0) {
		buf_release(&enc);
		return err_set(b->err, IMAP_ERR_ERROR, "%s: cannot encode mailbox name", b->cmdname);
	}
	rc = bld_stored(b, IMAP_ARG_ASTRING, flags, enc.buf, enc.len);
	buf_release(&enc);
	return rc;
}

/* A word sent as the user typed it; a quoted word is sent as a string
 * (quoted or literal, as its bytes need). */
int bld_raw(struct builder *b, const struct cmd_word *w)
{
	if (w->quoted || w->from_file)
		return bld_arg(b, IMAP_ARG_STRING, 0, w->s, w->len);
	return bld_arg(b, IMAP_ARG_RAW, 0, w->raw, w->raw_len);
}

/*
 * A number as the grammar gives it (RFC 9051 sec. 9): number is 0 to
 * 4294967295 ("unsigned 32-bit integer"), nz-number 1 to 4294967295.
 * Decimal digits only (leading zeros are fine); no sign, no spaces.
 */
static int parse_number(const char *s, size_t len, bool nonzero, uint32_t *v_r)
{
	uint64_t v = 0;
	size_t i;
	if (!len)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	if (nonzero && !v)
		return -1;
	*v_r = (uint32_t)v;
	return 0;
}

static int add_number(struct builder *b, const struct cmd_word *w, bool nonzero)
{
	char digits[16];
	uint32_t v;
	int n;
	if (parse_number(w->s, w->len, nonzero, &v) < 0)
		return err_set(b->err, IMAP_ERR_ERROR, "%s: \"%.*s\" is not a number from %d to 4294967295",
			       b->cmdname, (int)(w->len > 60 ? 60 : w->len), w->s, nonzero ? 1 : 0);
	n = snprintf(digits, sizeof(digits), "%" PRIu32, v);
	return bld_stored(b, IMAP_ARG_RAW, 0, digits, (size_t)n);
}

/*
 * IDLE seconds as typed: decimal digits with an optional fraction ("30",
 * "2.5", ".5"), above 0 and at most 86400.  No sign, exponent, hex, inf
 * or nan, all of which strtod takes (and NaN passes every comparison).
 * Gives milliseconds, a fraction of one rounded up, so 0.0001 is 1, not 0.
 */
static int parse_idle_seconds(const char *s, size_t len, int *ms_r)
{
	unsigned long whole = 0, ms = 0;
	bool digits = false, below_ms = false;
	size_t i = 0, k;

	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		digits = true;
		if (whole <= 86400) /* past that it stays past: no overflow */
			whole = whole * 10 + (unsigned long)(s[i] - '0');
	}
	if (i < len && s[i] == '.') {
		for (i++, k = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++, k++) {
			digits = true;
			if (k < 3)
				ms = ms * 10 + (unsigned long)(s[i] - '0');
			else if (s[i] != '0')
				below_ms = true;
		}
		for (; k < 3; k++)
			ms *= 10;
	}
	if (i != len || !digits || whole > 86400 || (whole == 86400 && (ms || below_ms)))
		return -1;
	ms += whole * 1000 + (below_ms ? 1 : 0);
	if (!ms)
		return -1;
	*ms_r = (int)ms;
	return 0;
}

int bld_word(struct builder *b, enum cmd_arg kind, const struct cmd_word *w)
{
	switch (kind) {
	case CA_SEQSET:
		if (!bld_is_seqset(w->s, w->len))
			return err_set(b->err, IMAP_ERR_ERROR,
				       "%s: \"%.*s\" is not a message set (e.g. 1:5,7 or 1:* or $)",
				       b->cmdname, (int)(w->len > 60 ? 60 : w->len), w->s);
		if (ext_seqset(b, w))
			return -1;
		return bld_arg(b, IMAP_ARG_RAW, 0, w->s, w->len);
	case CA_MAILBOX:
	case CA_PATTERN:
		return bld_mailbox(b, w);
	case CA_ASTRING:
		return bld_arg(b, IMAP_ARG_ASTRING, 0, w->s, w->len);
	case CA_SECRET:
		return bld_arg(b, IMAP_ARG_ASTRING, IMAP_ARG_SECRET, w->s, w->len);
	case CA_RAW:
	case CA_CRITERIA:
		return bld_raw(b, w);
	case CA_FLAGS:
		if (w->quoted || (w->raw_len && w->raw[0] == '('))
			return bld_raw(b, w);
		{
			struct buf f = BUF_INIT;
			int rc;
			buf_addch(&f, '(');
			buf_add(&f, w->raw, w->raw_len);
			buf_addch(&f, ')');
			rc = bld_stored(b, IMAP_ARG_RAW, 0, f.buf, f.len);
			buf_release(&f);
			return rc;
		}
	case CA_DATE: {
		struct buf d = BUF_INIT;
		int rc;
		if (imapdate_from_user(w->s, &d, b->err) < 0) {
			err_prefix(b->err, "%s", b->cmdname);
			buf_release(&d);
			return -1;
		}
		rc = bld_stored(b, IMAP_ARG_STRING, 0, d.buf, d.len);
		buf_release(&d);
		return rc;
	}
	case CA_MESSAGE:
		return bld_message(b, w);
	case CA_NUMBER:
	case CA_NZNUMBER:
		return add_number(b, w, kind == CA_NZNUMBER);
	case CA_SECONDS:
	case CA_NONE:
		break;
	}
	return err_set(b->err, IMAP_ERR_ERROR, "%s: too many arguments", b->cmdname);
}

bool bld_word_is(const struct cmd_word *w, const char *s)
{
	return !w->quoted && w->len == strlen(s) && strncasecmp(w->s, s, w->len) == 0;
}

bool bld_word_is_none(const struct cmd_word *w)
{
	return bld_word_is(w, "None") || bld_word_is(w, "NIL");
}

/* Does the word name a charset (the optional first argument of imaplib's
 * search, and the charset of sort and thread)? */
static bool word_is_charset(const struct cmd_word *w)
{
	static const char *const names[] = {
		"UTF-8", "US-ASCII", "ISO-8859-", "WINDOWS-12", "ISO-2022-", "KOI8-",
		"SHIFT_JIS", "EUC-JP", "EUC-KR", "GB2312", "GBK", "GB18030", "BIG5", "UTF-7",
	};
	size_t i;
	if (w->quoted)
		return false;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		if (w->len >= n && strncasecmp(w->s, names[i], n) == 0 &&
		    (names[i][n - 1] == '-' || names[i][n - 1] == '2' || w->len == n))
			return true;
	}
	return false;
}

static bool has_8bit(const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Does any search key carry 8-bit text (search SUBJECT 中文)? */
static bool criteria_8bit(const struct cmd_word *w, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (has_8bit(w[i].s, w[i].len))
			return true;
	return false;
}

static int add_criteria(struct builder *b, const struct cmd_word *w, size_t n, bool default_all)
{
	size_t i;
	if (n == 0 && default_all)
		return bld_arg(b, IMAP_ARG_RAW, 0, "ALL", 3);
	if (n == 0)
		return err_set(b->err, IMAP_ERR_ERROR, "%s: search criteria missing (e.g. ALL)", b->cmdname);
	for (i = 0; i < n; i++) {
		/* 8-bit text is no atom: a bare word goes as a string (the
		 * encoder makes it a literal); a list (...) stays as typed */
		if (!w[i].quoted && !w[i].from_file && w[i].raw_len && w[i].raw[0] != '(' &&
		    has_8bit(w[i].raw, w[i].raw_len)) {
			if (bld_arg(b, IMAP_ARG_STRING, 0, w[i].s, w[i].len))
				return -1;
		} else if (bld_raw(b, &w[i])) {
			return -1;
		}
	}
	return 0;
}

/* What may come before the search keys of search and sort, typed in any
 * order: RETURN (OPTIONS) (RFC 4731 ESEARCH, RFC 5267 ESORT) and a charset
 * (or None: no charset for search, UTF-8 for sort). */
struct search_prefix {
	const struct cmd_word *ret;     /* the (OPTIONS) word */
	const struct cmd_word *charset;
	bool none;
};

/* Takes "RETURN (OPTIONS)" off the front of w: 1 if taken, 0 if w does
 * not start with RETURN, -1 with err. */
static int take_return(struct builder *b, const struct cmd_word **w, size_t *n,
		       struct search_prefix *p)
{
	const struct cmd_word *opts;
	if (!*n || !bld_word_is(&(*w)[0], "RETURN"))
		return 0;
	if (p->ret)
		return err_set(b->err, IMAP_ERR_ERROR, "%s: RETURN is given twice", b->cmdname);
	opts = *n >= 2 ? &(*w)[1] : NULL;
	if (!opts || opts->quoted || opts->raw_len < 2 || opts->raw[0] != '(' ||
	    opts->raw[opts->raw_len - 1] != ')')
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: RETURN needs a list of options in parentheses, e.g. RETURN (MIN MAX COUNT)",
			       b->cmdname);
	if (ext_search_return(b, opts, !strcmp(b->cmdname, "sort")))
		return -1;
	p->ret = opts;
	*w += 2;
	*n -= 2;
	return 1;
}

/* Takes RETURN (OPTIONS) and a charset off the front of w, in either
 * order.  A charset is taken only when at least min_after words follow. */
static int take_prefix(struct builder *b, const struct cmd_word **w, size_t *n,
		       size_t min_after, struct search_prefix *p)
{
	for (;;) {
		int rc = take_return(b, w, n, p);
		if (rc < 0)
			return -1;
		if (rc)
			continue;
		if (p->charset || p->none || *n < 1 + min_after)
			return 0;
		if (bld_word_is_none(&(*w)[0]))
			p->none = true;
		else if (word_is_charset(&(*w)[0]))
			p->charset = &(*w)[0];
		else
			return 0;
		(*w)++;
		(*n)--;
	}
}

static int add_return(struct builder *b, const struct search_prefix *p)
{
	if (!p->ret)
		return 0;
	if (bld_arg(b, IMAP_ARG_RAW, 0, "RETURN", 6))
		return -1;
	return bld_arg(b, IMAP_ARG_RAW, 0, p->ret->raw, p->ret->raw_len);
}

/* sort/thread: the charset is required by RFC 5256 and defaults to UTF-8
 * when left out (or given as None); then the keys, ALL by default. */
static int add_charset_and_criteria(struct builder *b, const struct search_prefix *p,
				    const struct cmd_word *w, size_t n)
{
	int rc = p->charset ? bld_arg(b, IMAP_ARG_ASTRING, 0, p->charset->s, p->charset->len)
			    : bld_arg(b, IMAP_ARG_RAW, 0, "UTF-8", 5);
	if (rc)
		return -1;
	return add_criteria(b, w, n, true);
}

static int build_plain(struct builder *b, const struct cmd_spec *spec,
		       const struct cmd_word *w, size_t n)
{
	size_t i, nk = 0;
	while (nk < sizeof(spec->kinds) / sizeof(spec->kinds[0]) && spec->kinds[nk] != CA_NONE)
		nk++;
	for (i = 0; i < n; i++) {
		enum cmd_arg k = nk ? spec->kinds[i < nk ? i : nk - 1] : CA_NONE;
		if (bld_word(b, k, &w[i]))
			return -1;
	}
	return 0;
}

static int build_uid(struct builder *b, const struct cmd_word *w, size_t n)
{
	const struct cmd_spec *sub = NULL;
	char name[16];
	size_t i;

	if (w[0].len < sizeof(name) && !w[0].quoted) {
		memcpy(name, w[0].s, w[0].len);
		name[w[0].len] = '\0';
		for (i = 0; cmd_uid_subcommands[i]; i++)
			if (strcasecmp(name, cmd_uid_subcommands[i]) == 0)
				sub = cmd_lookup(cmd_uid_subcommands[i]);
	}
	if (!sub)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "uid: \"%.*s\" is not a UID command (copy, expunge, fetch, move, replace, "
			       "search, sort, store, thread)",
			       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
	cmd_copy_verb(b->c->verb, sizeof(b->c->verb), "UID ", sub->verb);
	b->c->cmd.data_name = sub->data_name;
	b->cmdname = sub->name;
	/* the subcommand's own extension: UID MOVE needs MOVE, ... */
	if (sub->capability && ext_need(b, sub->capability, "this command"))
		return -1;
	if (sub->shape == CS_PLAIN && strcmp(sub->name, "expunge") == 0) {
		/* UID EXPUNGE takes a UID set (RFC 4315, UIDPLUS). */
		if (n != 2)
			return err_set(b->err, IMAP_ERR_ERROR, "usage: uid expunge SET");
		if (ext_need(b, "UIDPLUS", "uid expunge"))
			return -1;
		return bld_word(b, CA_SEQSET, &w[1]);
	}
	if (n - 1 < sub->min_args || (sub->max_args != CMD_MANY && n - 1 > sub->max_args)) {
		struct buf u = BUF_INIT;
		cmd_usage(sub, &u);
		err_set(b->err, IMAP_ERR_ERROR, "usage: uid %s", u.buf);
		buf_release(&u);
		return -1;
	}
	return cmd_build_args(b, sub, w + 1, n - 1);
}

int cmd_build_args(struct builder *b, const struct cmd_spec *spec,
		      const struct cmd_word *w, size_t n)
{
	size_t i;

	switch (spec->shape) {
	case CS_PLAIN:
		return build_plain(b, spec, w, n);
	case CS_SELECT:
		return ext_select(b, spec, w, n);
	case CS_FETCH:
		return ext_fetch(b, w, n, !strcmp(b->c->verb, "UID FETCH"));
	case CS_STORE:
		return ext_store(b, w, n);
	case CS_CREATE:
		return ext_create(b, w, n);
	case CS_GETMETADATA:
		return ext_getmetadata(b, w, n);
	case CS_SETMETADATA:
		return ext_setmetadata(b, w, n);
	case CS_NOTIFY:
		return ext_notify(b, w, n);
	case CS_CANCELUPDATE:
		return ext_cancelupdate(b, w, n);
	case CS_REPLACE:
		return cmd_build_replace(b, w, n);
	case CS_SEARCH: {
		/* SEARCH [RETURN (...)] [CHARSET x] keys (RFC 4731 sec. 3.1) */
		struct search_prefix p = { NULL, NULL, false };
		if (take_prefix(b, &w, &n, 1, &p) || add_return(b, &p))
			return -1;
		if (p.charset && (bld_arg(b, IMAP_ARG_RAW, 0, "CHARSET", 7) ||
				  bld_arg(b, IMAP_ARG_ASTRING, 0, p.charset->s, p.charset->len)))
			return -1;
		/* 8-bit keys and no charset named: they are UTF-8, so say so
		 * (RFC 9051 6.4.4: a server may refuse 8-bit without CHARSET) */
		if (!p.charset && !p.none && criteria_8bit(w, n) &&
		    bld_arg(b, IMAP_ARG_RAW, 0, "CHARSET UTF-8", 13))
			return -1;
		return add_criteria(b, w, n, false);
	}
	case CS_SORT: {
		/* SORT [RETURN (...)] (criteria) charset keys (RFC 5267 sec. 3.2) */
		struct search_prefix p = { NULL, NULL, false };
		const struct cmd_word *crit;
		if (take_return(b, &w, &n, &p) < 0)
			return -1;
		if (!n)
			return err_set(b->err, IMAP_ERR_ERROR,
				       "%s: sort criteria missing (e.g. (REVERSE DATE))", b->cmdname);
		crit = &w[0];
		w++;
		n--;
		if (take_prefix(b, &w, &n, 0, &p) || add_return(b, &p))
			return -1;
		if (crit->raw_len && crit->raw[0] == '(') {
			if (bld_arg(b, IMAP_ARG_RAW, 0, crit->raw, crit->raw_len))
				return -1;
		} else {
			struct buf f = BUF_INIT;
			int rc;
			buf_addch(&f, '(');
			buf_add(&f, crit->s, crit->len);
			buf_addch(&f, ')');
			rc = bld_stored(b, IMAP_ARG_RAW, 0, f.buf, f.len);
			buf_release(&f);
			if (rc)
				return -1;
		}
		return add_charset_and_criteria(b, &p, w, n);
	}
	case CS_THREAD: {
		struct search_prefix p = { NULL, NULL, false };
		if (ext_thread_algorithm(b, &w[0]) || bld_arg(b, IMAP_ARG_ASTRING, 0, w[0].s, w[0].len))
			return -1;
		w++;
		n--;
		if (n && bld_word_is_none(&w[0])) {
			w++;
			n--;
		} else if (n && word_is_charset(&w[0])) {
			p.charset = &w[0];
			w++;
			n--;
		}
		return add_charset_and_criteria(b, &p, w, n);
	}
	case CS_APPEND:
		return cmd_build_append(b, w, n);
	case CS_UID:
		return build_uid(b, w, n);
	case CS_XATOM:
		if (w[0].quoted || !imap_is_atom(w[0].s, w[0].len))
			return err_set(b->err, IMAP_ERR_ERROR, "xatom: \"%.*s\" is not a command name",
				       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
		snprintf(b->c->verb, sizeof(b->c->verb), "%.*s", (int)w[0].len, w[0].s);
		for (i = 1; i < n; i++)
			if (bld_raw(b, &w[i]))
				return -1;
		return 0;
	case CS_ID: {
		struct buf l = BUF_INIT;
		int rc;
		/* no fields: who we are, as RFC 2971 asks a client to say;
		 * "id NIL" says nothing */
		if (n == 0) {
			static const char self[] = "(\"name\" \"imapsh\" \"version\" \"" PACKAGE_VERSION "\")";
			return bld_arg(b, IMAP_ARG_RAW, 0, self, sizeof(self) - 1);
		}
		if (n == 1 && bld_word_is(&w[0], "NIL"))
			return bld_arg(b, IMAP_ARG_RAW, 0, "NIL", 3);
		if (n % 2)
			return err_set(b->err, IMAP_ERR_ERROR, "id: give FIELD VALUE pairs (e.g. id name imapsh version 1)");
		/* a parenthesised list of strings, each quoted as it needs */
		buf_addch(&l, '(');
		for (i = 0; i < n; i++) {
			size_t j;
			if (i)
				buf_addch(&l, ' ');
			for (j = 0; j < w[i].len; j++)
				if (w[i].s[j] == '\r' || w[i].s[j] == '\n' || w[i].s[j] == '\0' ||
				    (unsigned char)w[i].s[j] >= 0x80)
					break;
			if (j < w[i].len || w[i].len > 1024) {
				buf_release(&l);
				return err_set(b->err, IMAP_ERR_ERROR,
					       "id: fields and values must be printable ASCII up to 1024 bytes");
			}
			buf_addch(&l, '"');
			for (j = 0; j < w[i].len; j++) {
				if (w[i].s[j] == '"' || w[i].s[j] == '\\')
					buf_addch(&l, '\\');
				buf_addch(&l, w[i].s[j]);
			}
			buf_addch(&l, '"');
		}
		buf_addch(&l, ')');
		rc = bld_stored(b, IMAP_ARG_RAW, 0, l.buf, l.len);
		buf_release(&l);
		return rc;
	}
	case CS_IDLE:
		if (n == 1 && parse_idle_seconds(w[0].s, w[0].len, &b->c->idle_ms) < 0)
			return err_set(b->err, IMAP_ERR_ERROR,
				       "idle: SECONDS must be a decimal number above 0 and at most 86400 "
				       "(e.g. idle 30 or idle 2.5), not \"%.*s\"",
				       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
		return 0;
	case CS_LIST:
		return ext_list(b, spec, w, n);
	}
	return err_set(b->err, IMAP_ERR_ERROR, "internal error: unknown command shape");
}
