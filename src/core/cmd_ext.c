/*
 * cmd_ext.c - the parameter forms the extensions add to commands, each
 * checked against its grammar and against what the server offers before
 * anything is sent:
 *   select|examine MAILBOX (CONDSTORE) | (QRESYNC (uidvalidity modseq
 *       [known-uids [(seq-match uid-match)]]))            RFC 7162
 *   fetch SET ITEMS (CHANGEDSINCE n [VANISHED])            RFC 7162
 *   store SET (UNCHANGEDSINCE n) COMMAND FLAGS             RFC 7162
 *   list [(SELECT-OPTS)] REF PATTERN... [RETURN (OPTS)]    RFC 5258, 5819, 6154
 *   create MAILBOX (USE (\Archive ...))                    RFC 6154
 *   getmetadata [(OPTS)] MAILBOX ENTRY..., setmetadata     RFC 5464
 *   search/sort RETURN options, "$", thread algorithms     RFC 4731, 5267, 5182, 9394, 5256
 * A capability the server did not announce refuses the command, naming
 * it (session_offers(); --no-capability-check lets it through).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/cmd_ext.h"

#define MODSEQ_MAX ((uint64_t)INT64_MAX)

/* ---- checks ---------------------------------------------------------- */

int cmd_refuse_cap(struct imap_err *err, const char *what, const char *cap)
{
	size_t n = strlen(cap);
	/* "THREAD=" is a family: name it as such */
	return err_set(err, IMAP_ERR_ERROR,
		       "%s needs the server capability %s%s, which this server does not announce "
		       "(--no-capability-check sends it anyway)",
		       what, cap, n && cap[n - 1] == '=' ? "..." : "");
}

int ext_need(struct builder *b, const char *cap, const char *what)
{
	char full[160];

	if (!b->s || !session_cap_check(b->s) || session_offers(b->s, cap))
		return 0;
	snprintf(full, sizeof(full), "%s: %s", b->cmdname, what);
	return cmd_refuse_cap(b->err, full, cap);
}

/* An unknown option or item: refused, unless the capability check is off
 * (a server may know more than we do). */
static int unknown(struct builder *b, const char *what, const char *s, size_t len,
		   const char *known)
{
	if (b->s && !session_cap_check(b->s))
		return 0;
	return err_set(b->err, IMAP_ERR_ERROR, "%s: unknown %s \"%.*s\" (known: %s)", b->cmdname,
		       what, (int)(len > 40 ? 40 : len), s, known);
}

static bool tok_is(const struct ptok *t, const char *s)
{
	return t->type == PT_WORD && t->len == strlen(s) && strncasecmp(t->s, s, t->len) == 0;
}

/* 0..max in decimal, into *v. */
static bool tok_number(const struct ptok *t, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (t->type != PT_WORD || !t->len || t->len > 20)
		return false;
	for (i = 0; i < t->len; i++) {
		unsigned d = (unsigned)(t->s[i] - '0');
		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	if (x > max)
		return false;
	*v = x;
	return true;
}

static int bad_form(struct builder *b, const char *what, const char *example)
{
	return err_set(b->err, IMAP_ERR_ERROR, "%s: %s (e.g. %s)", b->cmdname, what, example);
}

/* ---- a typed parenthesised list --------------------------------------- */

void plist_init(struct plist *l, const char *s, size_t len)
{
	l->p = s;
	l->end = s + len;
}

/*
 * The next token: "(", ")", a quoted string (quotes kept), or a word up to
 * a space or parenthesis; a word keeps its [...] whole, so that
 * BODY[HEADER.FIELDS (FROM)] is one.  PT_BAD: an unterminated quote or
 * bracket.
 */
void plist_next(struct plist *l, struct ptok *t)
{
	const char *p = l->p;

	while (p < l->end && (*p == ' ' || *p == '\t'))
		p++;
	t->s = p;
	t->len = 0;
	if (p >= l->end) {
		t->type = PT_END;
	} else if (*p == '(' || *p == ')') {
		t->type = *p == '(' ? PT_OPEN : PT_CLOSE;
		p++;
	} else if (*p == '"') {
		t->type = PT_BAD;
		for (p++; p < l->end; p++) {
			if (*p == '\\' && p + 1 < l->end) {
				p++;
			} else if (*p == '"') {
				p++;
				t->type = PT_WORD;
				break;
			}
		}
	} else {
		t->type = PT_WORD;
		while (p < l->end && *p != ' ' && *p != '\t' && *p != '(' && *p != ')') {
			if (*p == '[') {
				const char *q = memchr(p, ']', (size_t)(l->end - p));
				if (!q) {
					t->type = PT_BAD;
					p = l->end;
					break;
				}
				p = q;
			}
			p++;
		}
	}
	t->len = (size_t)(p - t->s);
	l->p = p;
}

/* Is w a parenthesised list as typed: "(...)", not quoted? */
bool ext_is_list(const struct cmd_word *w)
{
	return !w->quoted && !w->from_file && w->raw_len >= 2 && w->raw[0] == '(' &&
	       w->raw[w->raw_len - 1] == ')';
}

/* Opens w's list: the scanner past its "(". */
static void open_list(const struct cmd_word *w, struct plist *l)
{
	plist_init(l, w->raw + 1, w->raw_len - 2);
}

/* Skips a nested list whose "(" was just read; false if unbalanced. */
static bool skip_list(struct plist *l)
{
	struct ptok t;
	int depth = 1;

	while (depth) {
		plist_next(l, &t);
		if (t.type == PT_END || t.type == PT_BAD)
			return false;
		depth += t.type == PT_OPEN ? 1 : t.type == PT_CLOSE ? -1 : 0;
	}
	return true;
}

/* ---- select / examine --------------------------------------------------- */

/* (QRESYNC (uidvalidity modseq [known-uids [(seq-match uid-match)]])):
 * the list after QRESYNC, its "(" not yet read. */
static int qresync_params(struct builder *b, struct plist *l)
{
	static const char ex[] = "select INBOX (QRESYNC (67890007 20050715194045000 41,43:211))";
	struct ptok t;
	uint64_t v;
	int field;

	plist_next(l, &t);
	if (t.type != PT_OPEN)
		return bad_form(b, "QRESYNC takes a list: (UIDVALIDITY MODSEQ [KNOWN-UIDS [(SEQS UIDS)]])", ex);
	for (field = 0;; field++) {
		plist_next(l, &t);
		if (t.type == PT_CLOSE)
			break;
		if (field == 0 && !(tok_number(&t, UINT32_MAX, &v) && v))
			return bad_form(b, "QRESYNC's UIDVALIDITY must be a number from 1 to 4294967295", ex);
		if (field == 1 && !(tok_number(&t, MODSEQ_MAX, &v) && v))
			return bad_form(b, "QRESYNC's MODSEQ must be a number from 1 to 9223372036854775807", ex);
		if (field == 2 && !(t.type == PT_WORD && bld_is_seqset(t.s, t.len) &&
				    !memchr(t.s, '$', t.len)))
			return bad_form(b, "QRESYNC's known UIDs must be a UID set", ex);
		if (field == 3) {
			struct ptok a, c, e;
			if (t.type != PT_OPEN)
				return bad_form(b, "QRESYNC's last field is a list: (SEQUENCE-SET UID-SET)", ex);
			plist_next(l, &a);
			plist_next(l, &c);
			plist_next(l, &e);
			if (a.type != PT_WORD || c.type != PT_WORD || e.type != PT_CLOSE ||
			    !bld_is_seqset(a.s, a.len) || !bld_is_seqset(c.s, c.len))
				return bad_form(b, "QRESYNC's last field is a list: (SEQUENCE-SET UID-SET)", ex);
		}
		if (field > 3 || t.type == PT_END || t.type == PT_BAD)
			return bad_form(b, "QRESYNC's list is (UIDVALIDITY MODSEQ [KNOWN-UIDS [(SEQS UIDS)]])", ex);
	}
	if (field < 2)
		return bad_form(b, "QRESYNC needs at least UIDVALIDITY and MODSEQ", ex);
	if (ext_need(b, "QRESYNC", "(QRESYNC ...)"))
		return -1;
	if (b->s && session_cap_check(b->s) && !session_qresync(b->s))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: (QRESYNC ...) needs QRESYNC enabled first: enable QRESYNC "
			       "(RFC 7162 sec. 3.2.3)", b->cmdname);
	return 0;
}

/* select-params: (CONDSTORE) or (QRESYNC (...)), RFC 4466 sec. 2.5. */
static int select_params(struct builder *b, const struct cmd_word *w)
{
	struct plist l;
	struct ptok t;

	open_list(w, &l);
	for (;;) {
		plist_next(&l, &t);
		if (t.type == PT_END)
			break;
		if (tok_is(&t, "CONDSTORE")) {
			if (ext_need(b, "CONDSTORE", "(CONDSTORE)"))
				return -1;
		} else if (tok_is(&t, "QRESYNC")) {
			if (qresync_params(b, &l))
				return -1;
		} else if (t.type == PT_WORD) {
			if (unknown(b, "select parameter", t.s, t.len, "CONDSTORE, QRESYNC"))
				return -1;
			/* an unknown parameter may take a list */
			struct plist save = l;
			plist_next(&l, &t);
			if (t.type == PT_OPEN) {
				if (!skip_list(&l))
					return bad_form(b, "unbalanced parentheses", "(CONDSTORE)");
			} else {
				l = save;
			}
		} else {
			return bad_form(b, "select parameters are a list of names", "(CONDSTORE)");
		}
	}
	return bld_arg(b, IMAP_ARG_RAW, 0, w->raw, w->raw_len);
}

int ext_select(struct builder *b, const struct cmd_spec *spec, const struct cmd_word *w, size_t n)
{
	static const struct cmd_word inbox = { .s = "INBOX", .len = 5, .raw = "INBOX", .raw_len = 5 };
	const struct cmd_word *params = NULL;
	bool examine = !strcmp(spec->name, "examine");

	if (n && ext_is_list(&w[n - 1])) {
		params = &w[n - 1];
		n--;
	}
	if (n > (examine ? 1u : 2u))
		return err_set(b->err, IMAP_ERR_ERROR, "usage: %s %s", spec->name, spec->usage);
	if (n == 2) {
		if (bld_word_is(&w[1], "readonly") || bld_word_is(&w[1], "true") || bld_word_is(&w[1], "1"))
			snprintf(b->c->verb, sizeof(b->c->verb), "EXAMINE");
		else if (!(bld_word_is(&w[1], "false") || bld_word_is(&w[1], "0")))
			return err_set(b->err, IMAP_ERR_ERROR,
				       "select: the second argument must be \"readonly\" or a list of "
				       "parameters such as (CONDSTORE) (got \"%.*s\")",
				       (int)(w[1].len > 40 ? 40 : w[1].len), w[1].s);
	}
	if (bld_mailbox(b, n ? &w[0] : &inbox))
		return -1;
	return params ? select_params(b, params) : 0;
}

/* ---- fetch and store ---------------------------------------------------- */

/* Fetch items that belong to an extension. */
static const struct {
	const char *item; /* the name, or its start before "[" / "." */
	const char *cap;
} fetch_caps[] = {
	{ "BINARY", "BINARY" },       /* BINARY[...], BINARY.PEEK[...], BINARY.SIZE[...] */
	{ "EMAILID", "OBJECTID" },
	{ "MODSEQ", "CONDSTORE" },
	{ "PREVIEW", "PREVIEW" },
	{ "SAVEDATE", "SAVEDATE" },
	{ "SNIPPET", "SNIPPET=" },
	{ "THREADID", "OBJECTID" },
};

static int fetch_items(struct builder *b, const struct cmd_word *w)
{
	struct plist l;
	struct ptok t;
	size_t i, k;

	if (ext_is_list(w))
		open_list(w, &l);
	else
		plist_init(&l, w->raw, w->raw_len);
	for (;;) {
		plist_next(&l, &t);
		if (t.type == PT_END || t.type == PT_BAD)
			return 0; /* the server judges the form */
		if (t.type != PT_WORD)
			continue;
		for (i = 0; i < sizeof(fetch_caps) / sizeof(fetch_caps[0]); i++) {
			k = strlen(fetch_caps[i].item);
			if (t.len >= k && strncasecmp(t.s, fetch_caps[i].item, k) == 0 &&
			    (t.len == k || t.s[k] == '[' || t.s[k] == '.')) {
				char what[64];
				snprintf(what, sizeof(what), "the fetch item %.*s", (int)k, t.s);
				if (ext_need(b, fetch_caps[i].cap, what))
					return -1;
			}
		}
	}
}

/* (CHANGEDSINCE n [VANISHED]) and RFC 9394's (PARTIAL range). */
static int fetch_modifiers(struct builder *b, const struct cmd_word *w, bool uid)
{
	static const char ex[] = "fetch 1:* (FLAGS) (CHANGEDSINCE 12345)";
	bool changedsince = false, vanished = false;
	struct plist l;
	struct ptok t;
	uint64_t v;

	open_list(w, &l);
	for (;;) {
		plist_next(&l, &t);
		if (t.type == PT_END)
			break;
		if (tok_is(&t, "CHANGEDSINCE")) {
			plist_next(&l, &t);
			if (!tok_number(&t, MODSEQ_MAX, &v))
				return bad_form(b, "CHANGEDSINCE takes a mod-sequence (0 to 9223372036854775807)", ex);
			changedsince = true;
			if (ext_need(b, "CONDSTORE", "CHANGEDSINCE"))
				return -1;
		} else if (tok_is(&t, "VANISHED")) {
			vanished = true;
		} else if (tok_is(&t, "PARTIAL")) {
			plist_next(&l, &t);
			if (t.type != PT_WORD)
				return bad_form(b, "PARTIAL takes a range", "uid fetch 1:* (FLAGS) (PARTIAL -1:-50)");
			if (ext_need(b, "PARTIAL", "PARTIAL"))
				return -1;
		} else if (t.type == PT_WORD) {
			if (unknown(b, "fetch modifier", t.s, t.len, "CHANGEDSINCE, VANISHED, PARTIAL"))
				return -1;
		} else {
			return bad_form(b, "fetch modifiers are a list", ex);
		}
	}
	if (vanished) {
		/* RFC 7162 sec. 3.2.6: only with UID FETCH, CHANGEDSINCE, and QRESYNC on */
		if (!uid || !changedsince)
			return bad_form(b, "VANISHED goes only with uid fetch and CHANGEDSINCE",
					"uid fetch 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
		if (ext_need(b, "QRESYNC", "VANISHED"))
			return -1;
		if (b->s && session_cap_check(b->s) && !session_qresync(b->s))
			return err_set(b->err, IMAP_ERR_ERROR,
				       "%s: VANISHED needs QRESYNC enabled first: enable QRESYNC", b->cmdname);
	}
	return bld_arg(b, IMAP_ARG_RAW, 0, w->raw, w->raw_len);
}

int ext_fetch(struct builder *b, const struct cmd_word *w, size_t n, bool uid)
{
	if (n < 2 || n > 3)
		return err_set(b->err, IMAP_ERR_ERROR, "usage: %sfetch SET ITEMS [(MODIFIERS)]",
			       uid ? "uid " : "");
	if (bld_word(b, CA_SEQSET, &w[0]) || fetch_items(b, &w[1]) || bld_raw(b, &w[1]))
		return -1;
	if (n == 3) {
		if (!ext_is_list(&w[2]))
			return bad_form(b, "the third argument is a list of fetch modifiers",
					"fetch 1:* (FLAGS) (CHANGEDSINCE 12345)");
		return fetch_modifiers(b, &w[2], uid);
	}
	return 0;
}

int ext_store(struct builder *b, const struct cmd_word *w, size_t n)
{
	static const char ex[] = "store 2 (UNCHANGEDSINCE 12345) +FLAGS (\\Seen)";

	if (n < 3 || n > 4)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "usage: store SET [(UNCHANGEDSINCE MODSEQ)] COMMAND FLAGS");
	if (bld_word(b, CA_SEQSET, &w[0]))
		return -1;
	if (n == 4) {
		struct plist l;
		struct ptok t, num, end;
		uint64_t v;

		if (!ext_is_list(&w[1]))
			return bad_form(b, "the second of four arguments is the list of store modifiers", ex);
		open_list(&w[1], &l);
		plist_next(&l, &t);
		plist_next(&l, &num);
		plist_next(&l, &end);
		if (t.type == PT_WORD && !tok_is(&t, "UNCHANGEDSINCE")) {
			if (unknown(b, "store modifier", t.s, t.len, "UNCHANGEDSINCE"))
				return -1;
		} else if (!tok_is(&t, "UNCHANGEDSINCE") || !tok_number(&num, MODSEQ_MAX, &v) ||
			   end.type != PT_END) {
			return bad_form(b, "the store modifier is (UNCHANGEDSINCE MODSEQ), "
					   "MODSEQ from 0 to 9223372036854775807", ex);
		} else if (ext_need(b, "CONDSTORE", "UNCHANGEDSINCE")) {
			return -1;
		}
		if (bld_raw(b, &w[1]))
			return -1;
		w++;
	}
	if (bld_raw(b, &w[1]))
		return -1;
	return bld_word(b, CA_FLAGS, &w[2]);
}

/* ---- list and create ---------------------------------------------------- */

/* Checks the names of a list against a table: the capability each needs.
 * what: "selection option"; *found ORs the bits of known[i].bit. */
struct opt {
	const char *name;
	const char *cap;  /* NULL: the command's own */
	unsigned bit;
	bool arg;         /* takes a value: PARTIAL 1:100 */
};

static int check_opts(struct builder *b, const struct cmd_word *w, const struct opt *known,
		      size_t nknown, const char *what, const char *names, unsigned *found)
{
	struct plist l;
	struct ptok t;
	size_t i;

	open_list(w, &l);
	for (;;) {
		plist_next(&l, &t);
		if (t.type == PT_END)
			return 0;
		if (t.type == PT_OPEN) {
			/* STATUS (...): the items of the option before */
			if (!skip_list(&l))
				return bad_form(b, "unbalanced parentheses", "RETURN (STATUS (MESSAGES))");
			continue;
		}
		if (t.type != PT_WORD)
			return bad_form(b, "unbalanced parentheses", "RETURN (STATUS (MESSAGES))");
		for (i = 0; i < nknown; i++)
			if (tok_is(&t, known[i].name))
				break;
		if (i == nknown) {
			if (unknown(b, what, t.s, t.len, names))
				return -1;
			continue;
		}
		*found |= known[i].bit;
		if (known[i].arg) {
			plist_next(&l, &t);
			if (t.type != PT_WORD)
				return err_set(b->err, IMAP_ERR_ERROR, "%s: %s takes a value",
					       b->cmdname, known[i].name);
		}
		if (known[i].cap) {
			char msg[64];
			snprintf(msg, sizeof(msg), "the %s %s", what, known[i].name);
			if (ext_need(b, known[i].cap, msg))
				return -1;
		}
	}
}

enum { L_RECURSIVEMATCH = 1, L_OTHER = 2 };

static const struct opt list_select[] = {
	{ "SUBSCRIBED", NULL, L_OTHER, false },
	{ "REMOTE", NULL, L_OTHER, false },
	{ "RECURSIVEMATCH", NULL, L_RECURSIVEMATCH, false },
	{ "SPECIAL-USE", "SPECIAL-USE", L_OTHER, false },
};

static const struct opt list_return[] = {
	{ "SUBSCRIBED", NULL, 0, false },
	{ "CHILDREN", NULL, 0, false },
	{ "SPECIAL-USE", "SPECIAL-USE", 0, false },
	{ "STATUS", "LIST-STATUS", 0, false },
	{ "MYRIGHTS", "LIST-MYRIGHTS", 0, false },
};

/* list [(SELECT-OPTS)] [REFERENCE [PATTERN...]] [RETURN (RETURN-OPTS)];
 * lsub takes only REFERENCE and one PATTERN. */
int ext_list(struct builder *b, const struct cmd_spec *spec, const struct cmd_word *w, size_t n)
{
	static const struct cmd_word star = { .s = "*", .len = 1, .raw = "*", .raw_len = 1 };
	const struct cmd_word *sel = NULL, *ret = NULL, *pat;
	bool lsub = !strcmp(spec->name, "lsub");
	unsigned found = 0;
	size_t i, npat;

	if (n && ext_is_list(&w[0])) {
		sel = &w[0];
		w++;
		n--;
	}
	if (n >= 2 && bld_word_is(&w[n - 2], "RETURN")) {
		ret = &w[n - 1];
		if (!ext_is_list(ret))
			return bad_form(b, "RETURN needs a list of options",
					"list \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))");
		n -= 2;
	}
	npat = n > 1 ? n - 1 : 0;
	pat = n > 1 ? &w[1] : NULL;
	/* one pattern typed as a list: (INBOX Sent*) */
	if (npat == 1 && ext_is_list(pat))
		npat = CMD_MANY;
	if (lsub && (sel || ret || npat > 1))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "lsub: takes REFERENCE and one PATTERN (use list (SUBSCRIBED) ... for more)");
	if ((sel || ret || npat > 1) && ext_need(b, "LIST-EXTENDED", "selection options, RETURN and several patterns"))
		return -1;
	if (sel && check_opts(b, sel, list_select, sizeof(list_select) / sizeof(list_select[0]),
			      "selection option", "SUBSCRIBED, REMOTE, RECURSIVEMATCH, SPECIAL-USE", &found))
		return -1;
	if (found == L_RECURSIVEMATCH)
		return bad_form(b, "RECURSIVEMATCH goes only with another selection option (RFC 5258 sec. 3)",
				"list (SUBSCRIBED RECURSIVEMATCH) \"\" *");
	if (ret && check_opts(b, ret, list_return, sizeof(list_return) / sizeof(list_return[0]),
			      "return option", "SUBSCRIBED, CHILDREN, SPECIAL-USE, STATUS, MYRIGHTS", &found))
		return -1;
	if (sel && bld_arg(b, IMAP_ARG_RAW, 0, sel->raw, sel->raw_len))
		return -1;
	if (n >= 1 && w[0].len) {
		if (bld_mailbox(b, &w[0]))
			return -1;
	} else if (bld_arg(b, IMAP_ARG_ASTRING, 0, "", 0)) {
		return -1;
	}
	if (npat == CMD_MANY) {
		/* sent as typed: the names in it are the user's to encode */
		if (bld_arg(b, IMAP_ARG_RAW, 0, pat->raw, pat->raw_len))
			return -1;
	} else if (npat <= 1) {
		if (bld_mailbox(b, npat ? pat : &star))
			return -1;
	} else {
		for (i = 0; i < npat; i++)
			if (bld_mailbox_flags(b, &pat[i], i == 0 ? IMAP_ARG_OPEN
						   : i + 1 == npat ? IMAP_ARG_CLOSE : 0))
				return -1;
	}
	if (ret && (bld_arg(b, IMAP_ARG_RAW, 0, "RETURN", 6) ||
		    bld_arg(b, IMAP_ARG_RAW, 0, ret->raw, ret->raw_len)))
		return -1;
	return 0;
}

/* create MAILBOX [(USE (\Archive ...))] (RFC 6154 sec. 3) */
int ext_create(struct builder *b, const struct cmd_word *w, size_t n)
{
	static const char *const uses[] = {
		"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Important", "\\Junk", "\\Sent", "\\Trash",
	};
	static const char ex[] = "create Archive (USE (\\Archive))";
	struct plist l;
	struct ptok t;
	size_t i;

	if (bld_mailbox(b, &w[0]))
		return -1;
	if (n == 1)
		return 0;
	if (!ext_is_list(&w[1]))
		return bad_form(b, "the second argument is a list of create parameters", ex);
	open_list(&w[1], &l);
	plist_next(&l, &t);
	if (!tok_is(&t, "USE")) {
		if (t.type == PT_WORD && !unknown(b, "create parameter", t.s, t.len, "USE"))
			return bld_raw(b, &w[1]);
		return t.type == PT_WORD ? -1 : bad_form(b, "create parameters start with a name", ex);
	}
	plist_next(&l, &t);
	if (t.type != PT_OPEN)
		return bad_form(b, "USE takes a list of special-use flags", ex);
	for (;;) {
		plist_next(&l, &t);
		if (t.type == PT_CLOSE)
			break;
		if (t.type != PT_WORD)
			return bad_form(b, "USE takes a list of special-use flags", ex);
		for (i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
			if (tok_is(&t, uses[i]))
				break;
		if (i == sizeof(uses) / sizeof(uses[0]) &&
		    unknown(b, "special-use flag", t.s, t.len,
			    "\\All \\Archive \\Drafts \\Flagged \\Important \\Junk \\Sent \\Trash"))
			return -1;
	}
	if (ext_need(b, "CREATE-SPECIAL-USE", "(USE ...)"))
		return -1;
	return bld_raw(b, &w[1]);
}

/* ---- METADATA (RFC 5464) ------------------------------------------------ */

/* An entry name: /private/... or /shared/... (sec. 3.2). */
static int check_entry(struct builder *b, const char *s, size_t len)
{
	if ((len >= 8 && !strncasecmp(s, "/private", 8) && (len == 8 || s[8] == '/')) ||
	    (len >= 7 && !strncasecmp(s, "/shared", 7) && (len == 7 || s[7] == '/'))) {
		if (len > 1 && s[len - 1] == '/')
			return bad_form(b, "an entry name does not end in \"/\"", "/private/comment");
		return 0;
	}
	return err_set(b->err, IMAP_ERR_ERROR,
		       "%s: \"%.*s\" is not an entry name: it starts with /private or /shared "
		       "(e.g. /private/comment)", b->cmdname, (int)(len > 40 ? 40 : len), s);
}

static int metadata_cap(struct builder *b, const struct cmd_word *mbox)
{
	/* "" is the server's own entries: METADATA-SERVER (which METADATA
	 * includes, session_offers), a mailbox's need METADATA */
	return ext_need(b, mbox->len ? "METADATA" : "METADATA-SERVER",
			mbox->len ? "a mailbox's entries" : "the server's entries");
}

static int metadata_options(struct builder *b, const struct cmd_word *w)
{
	static const char ex[] = "getmetadata (DEPTH 1 MAXSIZE 1024) INBOX /private";
	struct plist l;
	struct ptok t, v;
	uint64_t x;

	open_list(w, &l);
	for (;;) {
		plist_next(&l, &t);
		if (t.type == PT_END)
			break;
		plist_next(&l, &v);
		if (tok_is(&t, "MAXSIZE")) {
			if (!tok_number(&v, UINT32_MAX, &x))
				return bad_form(b, "MAXSIZE takes a number", ex);
		} else if (tok_is(&t, "DEPTH")) {
			if (!(tok_is(&v, "0") || tok_is(&v, "1") || tok_is(&v, "infinity")))
				return bad_form(b, "DEPTH is 0, 1 or infinity", ex);
		} else {
			return bad_form(b, "options are MAXSIZE n and DEPTH 0|1|infinity", ex);
		}
	}
	return bld_arg(b, IMAP_ARG_RAW, 0, w->raw, w->raw_len);
}

/* getmetadata [(OPTIONS)] MAILBOX [(OPTIONS)] ENTRY... : options are
 * sent before the mailbox, as the RFC orders them. */
int ext_getmetadata(struct builder *b, const struct cmd_word *w, size_t n)
{
	const struct cmd_word *opts = NULL, *mbox, *entries;
	struct plist l;
	struct ptok t;
	size_t i, ne;

	if (n && ext_is_list(&w[0])) {
		opts = &w[0];
		w++;
		n--;
	}
	if (n >= 2 && ext_is_list(&w[1]) && !opts) {
		opts = &w[1];
		mbox = &w[0];
		entries = &w[2];
		ne = n - 2;
	} else {
		mbox = n ? &w[0] : NULL;
		entries = &w[1];
		ne = n ? n - 1 : 0;
	}
	if (!mbox || !ne)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "usage: getmetadata MAILBOX [(DEPTH n MAXSIZE n)] ENTRY... "
			       "(MAILBOX \"\" for the server's entries)");
	if (metadata_cap(b, mbox))
		return -1;
	if (opts && metadata_options(b, opts))
		return -1;
	if (mbox->len ? bld_mailbox(b, mbox) : bld_arg(b, IMAP_ARG_ASTRING, 0, "", 0))
		return -1;
	if (ne == 1 && ext_is_list(&entries[0])) {
		open_list(&entries[0], &l);
		for (plist_next(&l, &t); t.type == PT_WORD; plist_next(&l, &t))
			if (check_entry(b, t.s[0] == '"' ? t.s + 1 : t.s, t.s[0] == '"' ? t.len - 2 : t.len))
				return -1;
		if (t.type != PT_END)
			return bad_form(b, "the entries are a list of names", "(/private/comment /shared/comment)");
		return bld_arg(b, IMAP_ARG_RAW, 0, entries[0].raw, entries[0].raw_len);
	}
	for (i = 0; i < ne; i++) {
		unsigned f = ne == 1 ? 0 : i == 0 ? IMAP_ARG_OPEN : i + 1 == ne ? IMAP_ARG_CLOSE : 0;
		if (check_entry(b, entries[i].s, entries[i].len) ||
		    bld_arg(b, IMAP_ARG_ASTRING, f, entries[i].s, entries[i].len))
			return -1;
	}
	return 0;
}

/* setmetadata MAILBOX ENTRY VALUE [ENTRY VALUE]... or MAILBOX (ENTRY VALUE ...);
 * a value NIL (unquoted) removes the entry. */
int ext_setmetadata(struct builder *b, const struct cmd_word *w, size_t n)
{
	static const char ex[] = "setmetadata INBOX /private/comment \"my inbox\"";
	size_t i;

	if (n < 2)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "usage: setmetadata MAILBOX ENTRY VALUE [ENTRY VALUE]... (VALUE NIL removes)");
	if (metadata_cap(b, &w[0]))
		return -1;
	if (w[0].len ? bld_mailbox(b, &w[0]) : bld_arg(b, IMAP_ARG_ASTRING, 0, "", 0))
		return -1;
	if (n == 2) {
		struct plist l;
		struct ptok e, v;
		if (!ext_is_list(&w[1]))
			return bad_form(b, "give ENTRY VALUE pairs, or one list of them", ex);
		open_list(&w[1], &l);
		for (;;) {
			plist_next(&l, &e);
			if (e.type == PT_END)
				break;
			plist_next(&l, &v);
			if (e.type != PT_WORD || v.type != PT_WORD)
				return bad_form(b, "the list holds ENTRY VALUE pairs", ex);
			if (check_entry(b, e.s[0] == '"' ? e.s + 1 : e.s, e.s[0] == '"' ? e.len - 2 : e.len))
				return -1;
		}
		return bld_arg(b, IMAP_ARG_RAW, 0, w[1].raw, w[1].raw_len);
	}
	if ((n - 1) % 2)
		return bad_form(b, "give ENTRY VALUE pairs", ex);
	for (i = 1; i < n; i += 2) {
		const struct cmd_word *v = &w[i + 1];
		unsigned fe = i == 1 ? IMAP_ARG_OPEN : 0, fv = i + 2 == n ? IMAP_ARG_CLOSE : 0;
		if (check_entry(b, w[i].s, w[i].len) ||
		    bld_arg(b, IMAP_ARG_ASTRING, fe, w[i].s, w[i].len))
			return -1;
		if (!v->quoted && !v->from_file && v->len == 3 && !strncasecmp(v->s, "NIL", 3)) {
			if (bld_arg(b, IMAP_ARG_RAW, fv, "NIL", 3))
				return -1;
		} else if (bld_arg(b, IMAP_ARG_STRING, fv, v->s, v->len)) {
			return -1;
		}
	}
	return 0;
}

/* ---- search, sort, thread ----------------------------------------------- */

enum { R_UPDATE = 1 };

static const struct opt search_return[] = {
	{ "MIN", NULL, 0, false },
	{ "MAX", NULL, 0, false },
	{ "ALL", NULL, 0, false },
	{ "COUNT", NULL, 0, false },
	{ "SAVE", "SEARCHRES", 0, false },
	{ "PARTIAL", "PARTIAL", 0, true },
	{ "CONTEXT", "CONTEXT=SEARCH", 0, false },
	{ "UPDATE", "CONTEXT=SEARCH", R_UPDATE, false },
	{ "RELEVANCY", "SEARCH=FUZZY", 0, false },
};

int ext_search_return(struct builder *b, const struct cmd_word *opts, bool sort)
{
	unsigned found = 0;

	if (ext_need(b, sort ? "ESORT" : "ESEARCH", "RETURN (...)"))
		return -1;
	if (check_opts(b, opts, search_return, sizeof(search_return) / sizeof(search_return[0]),
		       "return option", "MIN, MAX, ALL, COUNT, SAVE, PARTIAL, CONTEXT, UPDATE, RELEVANCY",
		       &found))
		return -1;
	/* left open: the session keeps its tag for cancelupdate */
	b->c->cmd.context_update = (found & R_UPDATE) != 0;
	return 0;
}

/*
 * cancelupdate [TAG...] (RFC 5267 sec. 4.3): each tag a quoted string;
 * none given: every search the session left open (session_update_tag).
 */
int ext_cancelupdate(struct builder *b, const struct cmd_word *w, size_t n)
{
	size_t i, k = n ? n : b->s ? session_update_count(b->s) : 0;

	if (!k)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: no search or sort is sending updates (search RETURN (UPDATE) ... "
			       "starts one; or name its tag)", b->cmdname);
	for (i = 0; i < k; i++) {
		const char *tag = n ? w[i].s : session_update_tag(b->s, i);
		size_t len = n ? w[i].len : strlen(tag);

		if (!len || memchr(tag, '"', len) || memchr(tag, '\\', len))
			return err_set(b->err, IMAP_ERR_ERROR, "%s: \"%.*s\" is not a tag",
				       b->cmdname, (int)(len > 40 ? 40 : len), tag);
		if (bld_stored(b, IMAP_ARG_STRING, 0, tag, len))
			return -1;
	}
	return 0;
}

int ext_seqset(struct builder *b, const struct cmd_word *w)
{
	if (memchr(w->s, '$', w->len))
		return ext_need(b, "SEARCHRES", "\"$\" (the saved search result)");
	return 0;
}

int ext_thread_algorithm(struct builder *b, const struct cmd_word *w)
{
	char cap[80];

	if (w->len > 60)
		return bad_form(b, "that is not a threading algorithm", "thread REFERENCES ALL");
	snprintf(cap, sizeof(cap), "THREAD=%.*s", (int)w->len, w->s);
	return ext_need(b, cap, "this algorithm");
}

/* ---- NOTIFY (RFC 5465) -------------------------------------------------- */

/*
 * notify none | notify set [STATUS] (FILTER [(EVENT...)|NONE])...: the
 * filters and events are checked by name, the list sent as typed.
 */
static bool notify_fetch_att(const struct ptok *t)
{
	static const char *const atts[] = {
		"UID", "FLAGS", "ENVELOPE", "INTERNALDATE", "RFC822.SIZE", "MODSEQ", "BODYSTRUCTURE",
		"PREVIEW", "EMAILID", "THREADID",
	};
	size_t i;
	for (i = 0; i < sizeof(atts) / sizeof(atts[0]); i++)
		if (tok_is(t, atts[i]))
			return true;
	return false;
}

int ext_notify(struct builder *b, const struct cmd_word *w, size_t n)
{
	static const char *const filters[] = {
		"selected", "selected-delayed", "inboxes", "personal", "subscribed", "subtree", "mailboxes",
	};
	static const char *const events[] = {
		"MessageNew", "MessageExpunge", "FlagChange", "AnnotationChange", "MailboxName",
		"SubscriptionChange", "MailboxMetadataChange", "ServerMetadataChange",
	};
	static const char ex[] = "notify set (selected (MessageNew MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge))";
	size_t i, k;

	if (n == 1 && bld_word_is(&w[0], "none"))
		return bld_arg(b, IMAP_ARG_RAW, 0, "NONE", 4);
	if (!bld_word_is(&w[0], "set") || n < 2)
		return bad_form(b, "notify none, or notify set [STATUS] (FILTER (EVENTS))...", ex);
	if (bld_arg(b, IMAP_ARG_RAW, 0, "SET", 3))
		return -1;
	for (i = 1; i < n; i++) {
		struct plist l;
		struct ptok t;
		unsigned seen = 0; /* 1 MessageNew, 2 MessageExpunge, 4 FlagChange/AnnotationChange */
		if (i == 1 && bld_word_is(&w[i], "STATUS")) {
			if (bld_arg(b, IMAP_ARG_RAW, 0, "STATUS", 6))
				return -1;
			continue;
		}
		if (!ext_is_list(&w[i]))
			return bad_form(b, "each event group is a list: (FILTER (EVENTS))", ex);
		open_list(&w[i], &l);
		plist_next(&l, &t);
		for (k = 0; k < sizeof(filters) / sizeof(filters[0]); k++)
			if (tok_is(&t, filters[k]))
				break;
		if (k == sizeof(filters) / sizeof(filters[0]) &&
		    unknown(b, "filter", t.s, t.len,
			    "selected, selected-delayed, inboxes, personal, subscribed, subtree, mailboxes"))
			return -1;
		if (k < sizeof(filters) / sizeof(filters[0]) && k >= 5) {
			/* subtree and mailboxes name mailboxes: one, or a list */
			plist_next(&l, &t);
			if (t.type == PT_OPEN && !skip_list(&l))
				return bad_form(b, "unbalanced parentheses", ex);
		}
		for (plist_next(&l, &t); t.type != PT_END; plist_next(&l, &t)) {
			if (t.type == PT_OPEN || t.type == PT_CLOSE || tok_is(&t, "NONE"))
				continue;
			if (t.type != PT_WORD)
				return bad_form(b, "unbalanced parentheses", ex);
			for (k = 0; k < sizeof(events) / sizeof(events[0]); k++)
				if (tok_is(&t, events[k]))
					break;
			seen |= k == 0 ? 1u : k == 1 ? 2u : k == 2 || k == 3 ? 4u : 0u;
			/* MessageNew may carry fetch attributes: (UID FLAGS) */
			if (k == sizeof(events) / sizeof(events[0]) && !notify_fetch_att(&t) &&
			    unknown(b, "event", t.s, t.len,
				    "MessageNew, MessageExpunge, FlagChange, AnnotationChange, MailboxName, "
				    "SubscriptionChange, MailboxMetadataChange, ServerMetadataChange"))
				return -1;
		}
		/* RFC 5465 sec. 5: MessageNew and MessageExpunge come together,
		 * and FlagChange and AnnotationChange only with them */
		if ((seen & 3) == 1 || (seen & 3) == 2 || ((seen & 4) && (seen & 3) != 3))
			return bad_form(b, "MessageNew and MessageExpunge go together, and FlagChange or "
					   "AnnotationChange only with both (RFC 5465 sec. 5)",
					"notify set (selected (MessageNew MessageExpunge FlagChange))");
		if (bld_raw(b, &w[i]))
			return -1;
	}
	return 0;
}
