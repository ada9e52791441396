#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/commands.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/imapdate.h"
#include "util/utf7.h"
#include "util/xalloc.h"

#define NA IMAP_STATE_NONAUTH
#define AU IMAP_STATE_AUTH
#define SE IMAP_STATE_SELECTED
#define ANY IMAP_STATE_ANY

/* Sorted by name (a unit test checks it). States follow imaplib's Commands. */
const struct cmd_spec cmd_table[] = {
	{ "append", "APPEND", 2, 4, { CA_MAILBOX }, CS_APPEND, AU | SE, NULL, false, NULL,
	  "MAILBOX [FLAGS] [DATE] MESSAGE", "append a message (@FILE or \"text\") to MAILBOX" },
	{ "authenticate", "AUTHENTICATE", 1, 3, { CA_ASTRING, CA_ASTRING, CA_SECRET }, CS_PLAIN, NA, NULL, false, NULL,
	  "MECHANISM [USER [PASSWORD]]", "authenticate with a SASL mechanism (PLAIN, or any mechanism interactively)" },
	{ "capability", "CAPABILITY", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, false, "CAPABILITY",
	  "", "ask the server what it supports" },
	{ "check", "CHECK", 0, 0, { CA_NONE }, CS_PLAIN, SE, NULL, false, NULL,
	  "", "checkpoint the selected mailbox" },
	{ "close", "CLOSE", 0, 0, { CA_NONE }, CS_PLAIN, SE, NULL, false, NULL,
	  "", "close the mailbox, expunging \\Deleted messages" },
	{ "copy", "COPY", 2, 2, { CA_SEQSET, CA_MAILBOX }, CS_PLAIN, SE, NULL, false, NULL,
	  "SET MAILBOX", "copy messages to MAILBOX" },
	{ "create", "CREATE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, false, NULL,
	  "MAILBOX", "create a mailbox" },
	{ "delete", "DELETE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, false, NULL,
	  "MAILBOX", "delete a mailbox" },
	{ "deleteacl", "DELETEACL", 2, 2, { CA_MAILBOX, CA_ASTRING }, CS_PLAIN, AU | SE, "ACL", false, NULL,
	  "MAILBOX WHO", "remove WHO's rights on MAILBOX (RFC 4314)" },
	{ "enable", "ENABLE", 1, CMD_MANY, { CA_ASTRING }, CS_PLAIN, AU, "ENABLE", true, "ENABLED",
	  "CAPABILITY...", "enable server extensions (RFC 5161)" },
	{ "examine", "EXAMINE", 0, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, false, "EXISTS",
	  "[MAILBOX]", "select a mailbox read-only" },
	{ "expunge", "EXPUNGE", 0, 0, { CA_NONE }, CS_PLAIN, SE, NULL, false, "EXPUNGE",
	  "", "remove \\Deleted messages" },
	{ "fetch", "FETCH", 2, 2, { CA_SEQSET, CA_RAW }, CS_PLAIN, SE, NULL, false, "FETCH",
	  "SET PARTS", "fetch message data, e.g. fetch 1:5 (FLAGS ENVELOPE)" },
	{ "getacl", "GETACL", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, "ACL", false, "ACL",
	  "MAILBOX", "show the access control list of MAILBOX" },
	{ "getannotation", "GETANNOTATION", 3, 3, { CA_MAILBOX, CA_RAW, CA_RAW }, CS_PLAIN, AU | SE, "ANNOTATEMORE", false, "ANNOTATION",
	  "MAILBOX ENTRY ATTRIBUTE", "read annotations (draft ANNOTATEMORE)" },
	{ "getquota", "GETQUOTA", 1, 1, { CA_ASTRING }, CS_PLAIN, AU | SE, "QUOTA", false, "QUOTA",
	  "ROOT", "show usage and limits of a quota root (RFC 9208)" },
	{ "getquotaroot", "GETQUOTAROOT", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, "QUOTA", false, "QUOTAROOT",
	  "MAILBOX", "show the quota roots of MAILBOX and their quotas" },
	{ "id", "ID", 0, CMD_MANY, { CA_ASTRING }, CS_ID, NA | AU | SE, "ID", false, "ID",
	  "[FIELD VALUE]...", "exchange identification (RFC 2971); alone: imapsh's name and version, NIL: none" },
	{ "idle", "IDLE", 0, 1, { CA_SECONDS }, CS_IDLE, AU | SE, "IDLE", true, NULL,
	  "[SECONDS]", "wait for server updates (RFC 2177) for SECONDS, or until Enter on a terminal" },
	{ "list", "LIST", 0, 2, { CA_MAILBOX, CA_PATTERN }, CS_LIST, AU | SE, NULL, false, "LIST",
	  "[REFERENCE [PATTERN]]", "list mailboxes (defaults: \"\" and *)" },
	{ "login", "LOGIN", 1, 2, { CA_ASTRING, CA_SECRET }, CS_PLAIN, NA, NULL, false, NULL,
	  "USER [PASSWORD]", "log in with a plain-text password (asked without echo if not given)" },
	{ "login_cram_md5", "AUTHENTICATE", 1, 2, { CA_ASTRING, CA_SECRET }, CS_PLAIN, NA, "AUTH=CRAM-MD5", false, NULL,
	  "USER [PASSWORD]", "log in with AUTHENTICATE CRAM-MD5 (RFC 2195)" },
	{ "logout", "LOGOUT", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, false, "BYE",
	  "", "end the session" },
	{ "lsub", "LSUB", 0, 2, { CA_MAILBOX, CA_PATTERN }, CS_LIST, AU | SE, NULL, false, "LSUB",
	  "[REFERENCE [PATTERN]]", "list subscribed mailboxes" },
	{ "move", "MOVE", 2, 2, { CA_SEQSET, CA_MAILBOX }, CS_PLAIN, SE, "MOVE", false, NULL,
	  "SET MAILBOX", "move messages to MAILBOX (RFC 6851)" },
	{ "myrights", "MYRIGHTS", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, "ACL", false, "MYRIGHTS",
	  "MAILBOX", "show your rights on MAILBOX" },
	{ "namespace", "NAMESPACE", 0, 0, { CA_NONE }, CS_PLAIN, AU | SE, "NAMESPACE", false, "NAMESPACE",
	  "", "show the personal, other users' and shared namespaces" },
	{ "noop", "NOOP", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, false, NULL,
	  "", "do nothing; lets the server send updates" },
	{ "partial", "PARTIAL", 4, 4, { CA_NZNUMBER, CA_RAW, CA_NUMBER, CA_NZNUMBER }, CS_PLAIN, SE, NULL, false, "FETCH",
	  "NUM PART START LENGTH", "fetch part of a message (obsolete IMAP2bis)" },
	{ "proxyauth", "PROXYAUTH", 1, 1, { CA_ASTRING }, CS_PLAIN, AU, NULL, false, NULL,
	  "USER", "act as USER (administrators)" },
	{ "recent", "NOOP", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, false, "RECENT",
	  "", "show the RECENT count (sends NOOP)" },
	{ "rename", "RENAME", 2, 2, { CA_MAILBOX, CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, false, NULL,
	  "OLD NEW", "rename a mailbox" },
	{ "search", "SEARCH", 1, CMD_MANY, { CA_CRITERIA }, CS_SEARCH, SE, NULL, false, "SEARCH",
	  "[RETURN (OPTIONS)] [CHARSET] CRITERIA...", "search the selected mailbox, e.g. search UNSEEN FROM \"Ann\"" },
	{ "select", "SELECT", 0, 2, { CA_MAILBOX }, CS_SELECT, AU | SE, NULL, false, "EXISTS",
	  "[MAILBOX [readonly]]", "select a mailbox (default INBOX); readonly sends EXAMINE" },
	{ "setacl", "SETACL", 3, 3, { CA_MAILBOX, CA_ASTRING, CA_ASTRING }, CS_PLAIN, AU | SE, "ACL", false, NULL,
	  "MAILBOX WHO RIGHTS", "set WHO's rights on MAILBOX" },
	{ "setannotation", "SETANNOTATION", 1, CMD_MANY, { CA_RAW }, CS_PLAIN, AU | SE, "ANNOTATEMORE", false, "ANNOTATION",
	  "ARGS...", "set annotations (draft ANNOTATEMORE)" },
	{ "setquota", "SETQUOTA", 2, 2, { CA_ASTRING, CA_RAW }, CS_PLAIN, AU | SE, "QUOTA", false, "QUOTA",
	  "ROOT LIMITS", "set limits, e.g. setquota \"\" (STORAGE 512)" },
	{ "sort", "SORT", 1, CMD_MANY, { CA_RAW }, CS_SORT, SE, "SORT", false, "SORT",
	  "[RETURN (OPTIONS)] CRITERIA [CHARSET] SEARCH...", "sorted search, e.g. sort (REVERSE DATE) UTF-8 ALL (RFC 5256)" },
	{ "starttls", "STARTTLS", 0, 0, { CA_NONE }, CS_PLAIN, NA, "STARTTLS", false, NULL,
	  "", "start TLS on this connection (RFC 9051 6.2.1); capabilities are asked again" },
	{ "status", "STATUS", 2, 2, { CA_MAILBOX, CA_RAW }, CS_PLAIN, AU | SE, NULL, false, "STATUS",
	  "MAILBOX ITEMS", "mailbox status, e.g. status INBOX (MESSAGES UNSEEN)" },
	{ "store", "STORE", 3, 3, { CA_SEQSET, CA_RAW, CA_FLAGS }, CS_PLAIN, SE, NULL, false, "FETCH",
	  "SET COMMAND FLAGS", "change flags, e.g. store 1:3 +FLAGS (\\Seen)" },
	{ "subscribe", "SUBSCRIBE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, false, NULL,
	  "MAILBOX", "subscribe to a mailbox" },
	{ "thread", "THREAD", 1, CMD_MANY, { CA_ASTRING }, CS_THREAD, SE, "THREAD", false, "THREAD",
	  "ALGORITHM [CHARSET] SEARCH...", "threaded search, e.g. thread REFERENCES UTF-8 ALL (RFC 5256)" },
	{ "uid", "UID", 2, CMD_MANY, { CA_RAW }, CS_UID, SE, NULL, false, NULL,
	  "COMMAND ARGS...", "copy, fetch, move, search, sort, store, thread or expunge by UID" },
	{ "unauthenticate", "UNAUTHENTICATE", 0, 0, { CA_NONE }, CS_PLAIN, AU | SE, "UNAUTHENTICATE", true, NULL,
	  "", "end the login: back to the not-authenticated state, to log in again (RFC 8437)" },
	{ "unselect", "UNSELECT", 0, 0, { CA_NONE }, CS_PLAIN, SE, "UNSELECT", false, NULL,
	  "", "leave the mailbox without expunging (RFC 3691)" },
	{ "unsubscribe", "UNSUBSCRIBE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, false, NULL,
	  "MAILBOX", "unsubscribe from a mailbox" },
	{ "xatom", NULL, 1, CMD_MANY, { CA_RAW }, CS_XATOM, ANY, NULL, false, NULL,
	  "NAME [ARGS...]", "send a command the shell does not know, arguments as typed" },
};

const size_t cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);

/* out = a + b, cut to size (snprintf is slow for this, once per command) */
static void copy_verb(char *out, size_t size, const char *a, const char *b)
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

const struct cmd_spec *cmd_lookup(const char *name)
{
	size_t lo = 0, hi = cmd_table_size;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcasecmp(name, cmd_table[mid].name);
		if (c == 0)
			return &cmd_table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

unsigned cmd_pipe_flags(const struct cmd_call *c)
{
	static const struct {
		const char *verb;
		unsigned flags;
	} table[] = {
		{ "FETCH", CP_PIPELINE | CP_EXPUNGE_SAFE | CP_USES_MSN },
		{ "SEARCH", CP_PIPELINE | CP_EXPUNGE_SAFE | CP_USES_MSN },
		{ "UID FETCH", CP_PIPELINE | CP_EXPUNGE_SAFE },
		{ "UID SEARCH", CP_PIPELINE | CP_EXPUNGE_SAFE },
		{ "SORT", CP_PIPELINE | CP_USES_MSN },
		{ "THREAD", CP_PIPELINE | CP_USES_MSN },
		{ "UID SORT", CP_PIPELINE },
		{ "UID THREAD", CP_PIPELINE },
		{ "NOOP", CP_PIPELINE },
		{ "CHECK", CP_PIPELINE },
		{ "STATUS", CP_PIPELINE },
		{ "LIST", CP_PIPELINE },
		{ "LSUB", CP_PIPELINE },
		{ "CAPABILITY", CP_PIPELINE },
		{ "NAMESPACE", CP_PIPELINE },
		{ "GETQUOTA", CP_PIPELINE },
		{ "GETQUOTAROOT", CP_PIPELINE },
		{ "GETACL", CP_PIPELINE },
		{ "MYRIGHTS", CP_PIPELINE },
	};
	size_t i;
	if (!c->cmd.verb || c->cmd.cont)
		return 0;
	for (i = 0; i < c->cmd.nargs; i++)
		if (c->args[i].source)
			return 0;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcasecmp(c->cmd.verb, table[i].verb))
			return table[i].flags;
	return 0;
}

bool cmd_pipe_can_join(unsigned f, unsigned inflight_all, size_t n_inflight)
{
	if (!(f & CP_PIPELINE))
		return false;
	if (!n_inflight)
		return true;
	return !(f & CP_USES_MSN) || (inflight_all & CP_EXPUNGE_SAFE);
}

void cmd_usage(const struct cmd_spec *spec, struct buf *out)
{
	buf_adds(out, spec->name);
	if (spec->usage[0]) {
		buf_addch(out, ' ');
		buf_adds(out, spec->usage);
	}
}

void cmd_call_init(struct cmd_call *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->store, 0);
	c->idle_ms = -1;
}

void cmd_call_release(struct cmd_call *c)
{
	buf_release(&c->store);
	cmd_call_init(c);
}

/* ---- building ------------------------------------------------------- */

struct builder {
	struct cmd_call *c;
	size_t n;
	const struct session *s;
	struct imap_err *err;
	const char *cmdname;
};

static int add_arg(struct builder *b, enum imap_arg_kind kind, unsigned flags,
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
static int add_stored(struct builder *b, enum imap_arg_kind kind, unsigned flags,
		      const char *data, size_t len)
{
	size_t off = b->c->store.len;
	buf_add(&b->c->store, data, len);
	buf_addch(&b->c->store, '\0');
	if (add_arg(b, kind, flags, NULL, len))
		return -1;
	b->c->offsets[b->n - 1] = off;
	return 0;
}

static bool is_seqset(const char *s, size_t len)
{
	size_t i;
	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]) && !strchr(":*,$", s[i]))
			return false;
	return true;
}

static int add_mailbox(struct builder *b, const struct cmd_word *w)
{
	struct buf enc = BUF_INIT;
	int rc;

	if (!utf8_valid(w->s, w->len))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: mailbox name is not valid UTF-8", b->cmdname);
	if (memchr(w->s, '\0', w->len) || memchr(w->s, '\r', w->len) || memchr(w->s, '\n', w->len))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: a mailbox name cannot contain a line break or NUL", b->cmdname);
	/* A name that is already valid modified UTF-7 ("Entw&APw-rfe") is
	 * sent as typed; anything else is encoded ("Tom & Jerry" ->
	 * "Tom &- Jerry", "Entwürfe" -> "Entw&APw-rfe"). */
	if (utf7_is_plain(w->s, w->len) ||
	    (memchr(w->s, '&', w->len) && utf7_decode(w->s, w->len, &enc) == 0)) {
		buf_release(&enc);
		return add_arg(b, IMAP_ARG_ASTRING, 0, w->s, w->len);
	}
	buf_reset(&enc);
	if (utf7_encode(w->s, w->len, &enc) < 0) {
		buf_release(&enc);
		return err_set(b->err, IMAP_ERR_ERROR, "%s: cannot encode mailbox name", b->cmdname);
	}
	rc = add_stored(b, IMAP_ARG_ASTRING, 0, enc.buf, enc.len);
	buf_release(&enc);
	return rc;
}

/* A word sent as the user typed it; a quoted word is sent as a string
 * (quoted or literal, as its bytes need). */
static int add_raw(struct builder *b, const struct cmd_word *w)
{
	if (w->quoted || w->from_file)
		return add_arg(b, IMAP_ARG_STRING, 0, w->s, w->len);
	return add_arg(b, IMAP_ARG_RAW, 0, w->raw, w->raw_len);
}

/*
 * RFC 9051 CHAR8 excludes NUL from every string, literals included: a
 * message with NUL can only go as a literal8 (RFC 3516 BINARY; Dovecot
 * takes a NUL in a plain {n} but gives it back as 0x80 in BODY[]).  Sets
 * *flags for the message argument, or refuses when the server does not
 * offer BINARY (with no session: no capability check).
 */
static int message_flags(struct builder *b, long long nul_at, unsigned *flags)
{
	*flags = 0;
	if (nul_at < 0)
		return 0;
	if (b->s && !session_has_cap(b->s, "BINARY"))
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: the message has a NUL byte at offset %lld; IMAP allows NUL only "
			       "in a BINARY literal (RFC 3516) and this server does not offer BINARY",
			       b->cmdname, nul_at);
	*flags = IMAP_ARG_BINARY;
	return 0;
}

static int add_message(struct builder *b, const struct cmd_word *w)
{
	struct buf m = BUF_INIT;
	const char *nul;
	unsigned flags;
	size_t i;
	int rc;

	if (w->source) {
		if (message_flags(b, w->nul_at, &flags) ||
		    add_arg(b, IMAP_ARG_LITERAL, flags, NULL, 0))
			return -1;
		b->c->args[b->n - 1].source = w->source;
		return 0;
	}
	if (!w->quoted && !w->from_file)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: the message must be @FILE or a quoted string", b->cmdname);
	/* As imaplib: every CR, LF and CRLF becomes CRLF. */
	buf_grow(&m, w->len + w->len / 32);
	for (i = 0; i < w->len; i++) {
		char ch = w->s[i];
		if (ch == '\r') {
			buf_add(&m, "\r\n", 2);
			if (i + 1 < w->len && w->s[i + 1] == '\n')
				i++;
		} else if (ch == '\n') {
			buf_add(&m, "\r\n", 2);
		} else {
			buf_addch(&m, ch);
		}
	}
	/* the offset as sent, after the conversion (as msgfile counts it) */
	nul = m.len ? memchr(m.buf, '\0', m.len) : NULL;
	if (message_flags(b, nul ? (long long)(nul - m.buf) : -1, &flags)) {
		buf_release(&m);
		return -1;
	}
	rc = add_stored(b, IMAP_ARG_LITERAL, flags, m.buf, m.len);
	buf_release(&m);
	return rc;
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
	return add_stored(b, IMAP_ARG_RAW, 0, digits, (size_t)n);
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

static int add_word(struct builder *b, enum cmd_arg kind, const struct cmd_word *w)
{
	switch (kind) {
	case CA_SEQSET:
		if (!is_seqset(w->s, w->len))
			return err_set(b->err, IMAP_ERR_ERROR,
				       "%s: \"%.*s\" is not a message set (e.g. 1:5,7 or 1:* or $)",
				       b->cmdname, (int)(w->len > 60 ? 60 : w->len), w->s);
		return add_arg(b, IMAP_ARG_RAW, 0, w->s, w->len);
	case CA_MAILBOX:
	case CA_PATTERN:
		return add_mailbox(b, w);
	case CA_ASTRING:
		return add_arg(b, IMAP_ARG_ASTRING, 0, w->s, w->len);
	case CA_SECRET:
		return add_arg(b, IMAP_ARG_ASTRING, IMAP_ARG_SECRET, w->s, w->len);
	case CA_RAW:
	case CA_CRITERIA:
		return add_raw(b, w);
	case CA_FLAGS:
		if (w->quoted || (w->raw_len && w->raw[0] == '('))
			return add_raw(b, w);
		{
			struct buf f = BUF_INIT;
			int rc;
			buf_addch(&f, '(');
			buf_add(&f, w->raw, w->raw_len);
			buf_addch(&f, ')');
			rc = add_stored(b, IMAP_ARG_RAW, 0, f.buf, f.len);
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
		rc = add_stored(b, IMAP_ARG_STRING, 0, d.buf, d.len);
		buf_release(&d);
		return rc;
	}
	case CA_MESSAGE:
		return add_message(b, w);
	case CA_NUMBER:
	case CA_NZNUMBER:
		return add_number(b, w, kind == CA_NZNUMBER);
	case CA_SECONDS:
	case CA_NONE:
		break;
	}
	return err_set(b->err, IMAP_ERR_ERROR, "%s: too many arguments", b->cmdname);
}

static bool word_is(const struct cmd_word *w, const char *s)
{
	return !w->quoted && w->len == strlen(s) && strncasecmp(w->s, s, w->len) == 0;
}

static bool word_is_none(const struct cmd_word *w)
{
	return word_is(w, "None") || word_is(w, "NIL");
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
		return add_arg(b, IMAP_ARG_RAW, 0, "ALL", 3);
	if (n == 0)
		return err_set(b->err, IMAP_ERR_ERROR, "%s: search criteria missing (e.g. ALL)", b->cmdname);
	for (i = 0; i < n; i++) {
		/* 8-bit text is no atom: a bare word goes as a string (the
		 * encoder makes it a literal); a list (...) stays as typed */
		if (!w[i].quoted && !w[i].from_file && w[i].raw_len && w[i].raw[0] != '(' &&
		    has_8bit(w[i].raw, w[i].raw_len)) {
			if (add_arg(b, IMAP_ARG_STRING, 0, w[i].s, w[i].len))
				return -1;
		} else if (add_raw(b, &w[i])) {
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
	if (!*n || !word_is(&(*w)[0], "RETURN"))
		return 0;
	if (p->ret)
		return err_set(b->err, IMAP_ERR_ERROR, "%s: RETURN is given twice", b->cmdname);
	opts = *n >= 2 ? &(*w)[1] : NULL;
	if (!opts || opts->quoted || opts->raw_len < 2 || opts->raw[0] != '(' ||
	    opts->raw[opts->raw_len - 1] != ')')
		return err_set(b->err, IMAP_ERR_ERROR,
			       "%s: RETURN needs a list of options in parentheses, e.g. RETURN (MIN MAX COUNT)",
			       b->cmdname);
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
		if (word_is_none(&(*w)[0]))
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
	if (add_arg(b, IMAP_ARG_RAW, 0, "RETURN", 6))
		return -1;
	return add_arg(b, IMAP_ARG_RAW, 0, p->ret->raw, p->ret->raw_len);
}

/* sort/thread: the charset is required by RFC 5256 and defaults to UTF-8
 * when left out (or given as None); then the keys, ALL by default. */
static int add_charset_and_criteria(struct builder *b, const struct search_prefix *p,
				    const struct cmd_word *w, size_t n)
{
	int rc = p->charset ? add_arg(b, IMAP_ARG_ASTRING, 0, p->charset->s, p->charset->len)
			    : add_arg(b, IMAP_ARG_RAW, 0, "UTF-8", 5);
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
		if (add_word(b, k, &w[i]))
			return -1;
	}
	return 0;
}

static int build_args(struct builder *b, const struct cmd_spec *spec,
		      const struct cmd_word *w, size_t n);

static int build_uid(struct builder *b, const struct cmd_word *w, size_t n)
{
	static const char *const subs[] = {
		"copy", "expunge", "fetch", "move", "search", "sort", "store", "thread",
	};
	const struct cmd_spec *sub = NULL;
	char name[16];
	size_t i;

	if (w[0].len < sizeof(name) && !w[0].quoted) {
		memcpy(name, w[0].s, w[0].len);
		name[w[0].len] = '\0';
		for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
			if (strcasecmp(name, subs[i]) == 0)
				sub = cmd_lookup(subs[i]);
	}
	if (!sub)
		return err_set(b->err, IMAP_ERR_ERROR,
			       "uid: \"%.*s\" is not a UID command (copy, expunge, fetch, move, search, sort, store, thread)",
			       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
	copy_verb(b->c->verb, sizeof(b->c->verb), "UID ", sub->verb);
	b->c->cmd.data_name = sub->data_name;
	b->cmdname = sub->name;
	if (sub->shape == CS_PLAIN && strcmp(sub->name, "expunge") == 0) {
		/* UID EXPUNGE takes a UID set (RFC 4315). */
		if (n != 2)
			return err_set(b->err, IMAP_ERR_ERROR, "usage: uid expunge SET");
		return add_word(b, CA_SEQSET, &w[1]);
	}
	if (n - 1 < sub->min_args || (sub->max_args != CMD_MANY && n - 1 > sub->max_args)) {
		struct buf u = BUF_INIT;
		cmd_usage(sub, &u);
		err_set(b->err, IMAP_ERR_ERROR, "usage: uid %s", u.buf);
		buf_release(&u);
		return -1;
	}
	return build_args(b, sub, w + 1, n - 1);
}

static int build_args(struct builder *b, const struct cmd_spec *spec,
		      const struct cmd_word *w, size_t n)
{
	size_t i;

	switch (spec->shape) {
	case CS_PLAIN:
		return build_plain(b, spec, w, n);
	case CS_SELECT: {
		static const struct cmd_word inbox = { .s = "INBOX", .len = 5, .raw = "INBOX", .raw_len = 5 };
		if (n == 2) {
			if (word_is(&w[1], "readonly") || word_is(&w[1], "true") || word_is(&w[1], "1"))
				snprintf(b->c->verb, sizeof(b->c->verb), "EXAMINE");
			else if (!(word_is(&w[1], "false") || word_is(&w[1], "0")))
				return err_set(b->err, IMAP_ERR_ERROR,
					       "select: the second argument must be \"readonly\" (got \"%.*s\")",
					       (int)(w[1].len > 40 ? 40 : w[1].len), w[1].s);
		}
		return add_mailbox(b, n ? &w[0] : &inbox);
	}
	case CS_SEARCH: {
		/* SEARCH [RETURN (...)] [CHARSET x] keys (RFC 4731 sec. 3.1) */
		struct search_prefix p = { NULL, NULL, false };
		if (take_prefix(b, &w, &n, 1, &p) || add_return(b, &p))
			return -1;
		if (p.charset && (add_arg(b, IMAP_ARG_RAW, 0, "CHARSET", 7) ||
				  add_arg(b, IMAP_ARG_ASTRING, 0, p.charset->s, p.charset->len)))
			return -1;
		/* 8-bit keys and no charset named: they are UTF-8, so say so
		 * (RFC 9051 6.4.4: a server may refuse 8-bit without CHARSET) */
		if (!p.charset && !p.none && criteria_8bit(w, n) &&
		    add_arg(b, IMAP_ARG_RAW, 0, "CHARSET UTF-8", 13))
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
			if (add_arg(b, IMAP_ARG_RAW, 0, crit->raw, crit->raw_len))
				return -1;
		} else {
			struct buf f = BUF_INIT;
			int rc;
			buf_addch(&f, '(');
			buf_add(&f, crit->s, crit->len);
			buf_addch(&f, ')');
			rc = add_stored(b, IMAP_ARG_RAW, 0, f.buf, f.len);
			buf_release(&f);
			if (rc)
				return -1;
		}
		return add_charset_and_criteria(b, &p, w, n);
	}
	case CS_THREAD: {
		struct search_prefix p = { NULL, NULL, false };
		if (add_arg(b, IMAP_ARG_ASTRING, 0, w[0].s, w[0].len))
			return -1;
		w++;
		n--;
		if (n && word_is_none(&w[0])) {
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
		if (add_mailbox(b, &w[0]))
			return -1;
		for (i = 1; i + 1 < n; i++) {
			bool flags = !w[i].quoted && w[i].len &&
				     (w[i].s[0] == '(' || w[i].s[0] == '\\' || w[i].s[0] == '$');
			if (word_is_none(&w[i]))
				continue;
			if (add_word(b, flags ? CA_FLAGS : CA_DATE, &w[i]))
				return -1;
		}
		return add_message(b, &w[n - 1]);
	case CS_UID:
		return build_uid(b, w, n);
	case CS_XATOM:
		if (w[0].quoted || !imap_is_atom(w[0].s, w[0].len))
			return err_set(b->err, IMAP_ERR_ERROR, "xatom: \"%.*s\" is not a command name",
				       (int)(w[0].len > 40 ? 40 : w[0].len), w[0].s);
		snprintf(b->c->verb, sizeof(b->c->verb), "%.*s", (int)w[0].len, w[0].s);
		for (i = 1; i < n; i++)
			if (add_raw(b, &w[i]))
				return -1;
		return 0;
	case CS_ID: {
		struct buf l = BUF_INIT;
		int rc;
		/* no fields: who we are, as RFC 2971 asks a client to say;
		 * "id NIL" says nothing */
		if (n == 0) {
			static const char self[] = "(\"name\" \"imapsh\" \"version\" \"" PACKAGE_VERSION "\")";
			return add_arg(b, IMAP_ARG_RAW, 0, self, sizeof(self) - 1);
		}
		if (n == 1 && word_is(&w[0], "NIL"))
			return add_arg(b, IMAP_ARG_RAW, 0, "NIL", 3);
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
		rc = add_stored(b, IMAP_ARG_RAW, 0, l.buf, l.len);
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
	case CS_LIST: {
		static const struct cmd_word star = { .s = "*", .len = 1, .raw = "*", .raw_len = 1 };
		if (n >= 1 && w[0].len) {
			if (add_mailbox(b, &w[0]))
				return -1;
		} else if (add_arg(b, IMAP_ARG_ASTRING, 0, "", 0)) {
			return -1;
		}
		return add_mailbox(b, n >= 2 ? &w[1] : &star);
	}
	}
	return err_set(b->err, IMAP_ERR_ERROR, "internal error: unknown command shape");
}

enum cmd_avail cmd_availability(const struct cmd_spec *spec, const struct session *s)
{
	if (spec->capability && !session_has_cap(s, spec->capability))
		return CMD_AVAIL_CAPABILITY;
	if (!(spec->states & session_state(s)))
		return CMD_AVAIL_STATE;
	return CMD_AVAIL_NOW;
}

int cmd_check_allowed(const struct cmd_spec *spec, const struct session *s, struct imap_err *err)
{
	enum imap_state st = session_state(s);
	if (!(spec->states & st)) {
		struct buf allowed = BUF_INIT;
		unsigned bit;
		for (bit = 1; bit <= IMAP_STATE_LOGOUT; bit <<= 1) {
			if (!(spec->states & bit))
				continue;
			if (allowed.len)
				buf_adds(&allowed, ", ");
			buf_adds(&allowed, imap_state_name(bit));
		}
		err_set(err, IMAP_ERR_ERROR, "%s is not allowed in state %s (only in %s)",
			spec->verb ? spec->verb : spec->name, imap_state_name(st), allowed.buf);
		buf_release(&allowed);
		return -1;
	}
	if (!strcmp(spec->name, "login") && session_has_cap(s, "LOGINDISABLED"))
		return err_set(err, IMAP_ERR_ERROR,
			       "LOGIN is disabled by the server (LOGINDISABLED): use starttls "
			       "first, or authenticate");
	if (spec->cap_required && spec->capability && !session_has_cap(s, spec->capability))
		return err_set(err, IMAP_ERR_ERROR,
			       "%s needs the server capability %s, which this server does not offer",
			       spec->name, spec->capability);
	return 0;
}

int cmd_build(const struct cmd_spec *spec, const struct cmd_word *words, size_t nwords,
	      const struct session *s, struct cmd_call *out, struct imap_err *err)
{
	struct builder b = { out, 0, s, err, spec->name };
	size_t i;

	cmd_call_release(out);
	out->spec = spec;
	if (nwords < spec->min_args || (spec->max_args != CMD_MANY && nwords > spec->max_args)) {
		struct buf u = BUF_INIT;
		cmd_usage(spec, &u);
		err_set(err, IMAP_ERR_ERROR, "usage: %s", u.buf);
		buf_release(&u);
		return -1;
	}
	if (s && cmd_check_allowed(spec, s, err) < 0)
		return -1;
	if (spec->kinds[0] == CA_ASTRING && spec->kinds[1] == CA_SECRET && nwords < 2)
		return err_set(err, IMAP_ERR_ERROR, "%s: no password given (the shell asks for it)",
			       spec->name);
	for (i = 0; i < nwords; i++)
		if (words[i].source && !(spec->shape == CS_APPEND && i + 1 == nwords))
			return err_set(err, IMAP_ERR_ERROR,
				       "%s: @FILE stands only for the message of append (its last argument)",
				       spec->name);
	if (spec->verb)
		copy_verb(out->verb, sizeof(out->verb), "", spec->verb);
	out->cmd.data_name = spec->data_name;
	if (build_args(&b, spec, words, nwords))
		return -1;
	for (i = 0; i < b.n; i++)
		if (out->offsets[i] != SIZE_MAX)
			out->args[i].data = out->store.buf + out->offsets[i];
	out->cmd.verb = out->verb;
	out->cmd.args = out->args;
	out->cmd.nargs = b.n;
	return 0;
}
