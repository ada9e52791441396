#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "core/commands.h"
#include "core/cmd_ext.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/xalloc.h"

#define NA IMAP_STATE_NONAUTH
#define AU IMAP_STATE_AUTH
#define SE IMAP_STATE_SELECTED
#define ANY IMAP_STATE_ANY

/* Sorted by name (a unit test checks it). States follow imaplib's Commands. */
const struct cmd_spec cmd_table[] = {
	{ "append", "APPEND", 2, CMD_MANY, { CA_MAILBOX }, CS_APPEND, AU | SE, NULL, NULL,
	  "MAILBOX [FLAGS] [DATE] MESSAGE...",
	  "append messages (@FILE or \"text\") to MAILBOX; several: MULTIAPPEND (RFC 3502)" },
	{ "authenticate", "AUTHENTICATE", 1, 3, { CA_ASTRING, CA_ASTRING, CA_SECRET }, CS_PLAIN, NA, NULL, NULL,
	  "MECHANISM [USER [PASSWORD]]", "authenticate with a SASL mechanism (PLAIN, or any mechanism interactively)" },
	{ "cancelupdate", "CANCELUPDATE", 0, CMD_MANY, { CA_ASTRING }, CS_CANCELUPDATE, SE, "CONTEXT=", NULL,
	  "[TAG...]",
	  "stop the updates of searches and sorts left open with RETURN (UPDATE); alone: all (RFC 5267)" },
	{ "capability", "CAPABILITY", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, "CAPABILITY",
	  "", "ask the server what it supports" },
	{ "check", "CHECK", 0, 0, { CA_NONE }, CS_PLAIN, SE, NULL, NULL,
	  "", "checkpoint the selected mailbox" },
	{ "close", "CLOSE", 0, 0, { CA_NONE }, CS_PLAIN, SE, NULL, NULL,
	  "", "close the mailbox, expunging \\Deleted messages" },
	{ "compress", "COMPRESS", 0, 0, { CA_NONE }, CS_PLAIN, AU | SE, "COMPRESS=DEFLATE", NULL,
	  "", "compress the connection with DEFLATE from now on (RFC 4978)" },
	{ "copy", "COPY", 2, 2, { CA_SEQSET, CA_MAILBOX }, CS_PLAIN, SE, NULL, NULL,
	  "SET MAILBOX", "copy messages to MAILBOX" },
	{ "create", "CREATE", 1, 2, { CA_MAILBOX, CA_RAW }, CS_CREATE, AU | SE, NULL, NULL,
	  "MAILBOX [(USE (\\Archive))]", "create a mailbox; USE gives its special use (RFC 6154)" },
	{ "delete", "DELETE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, NULL,
	  "MAILBOX", "delete a mailbox" },
	{ "deleteacl", "DELETEACL", 2, 2, { CA_MAILBOX, CA_ASTRING }, CS_PLAIN, AU | SE, "ACL", NULL,
	  "MAILBOX WHO", "remove WHO's rights on MAILBOX (RFC 4314)" },
	{ "enable", "ENABLE", 1, CMD_MANY, { CA_ASTRING }, CS_PLAIN, AU, "ENABLE", "ENABLED",
	  "CAPABILITY...", "enable server extensions (RFC 5161)" },
	{ "examine", "EXAMINE", 0, 2, { CA_MAILBOX, CA_RAW }, CS_SELECT, AU | SE, NULL, "EXISTS",
	  "[MAILBOX [(PARAMS)]]", "select a mailbox read-only; (CONDSTORE) or (QRESYNC (...)) as select" },
	{ "expunge", "EXPUNGE", 0, 0, { CA_NONE }, CS_PLAIN, SE, NULL, "EXPUNGE",
	  "", "remove \\Deleted messages" },
	{ "fetch", "FETCH", 2, 3, { CA_SEQSET, CA_RAW, CA_RAW }, CS_FETCH, SE, NULL, "FETCH",
	  "SET PARTS [(MODIFIERS)]",
	  "fetch message data, e.g. fetch 1:5 (FLAGS ENVELOPE); (CHANGEDSINCE n) with CONDSTORE" },
	{ "genurlauth", "GENURLAUTH", 2, CMD_MANY, { CA_ASTRING }, CS_PLAIN, AU | SE, "URLAUTH", "GENURLAUTH",
	  "URL MECHANISM [URL MECHANISM]...",
	  "make URLs another party may fetch, e.g. genurlauth \"imap://...;urlauth=submit+alice\" INTERNAL (RFC 4467)" },
	{ "getacl", "GETACL", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, "ACL", "ACL",
	  "MAILBOX", "show the access control list of MAILBOX" },
	{ "getannotation", "GETANNOTATION", 3, 3, { CA_MAILBOX, CA_RAW, CA_RAW }, CS_PLAIN, AU | SE, "ANNOTATEMORE", "ANNOTATION",
	  "MAILBOX ENTRY ATTRIBUTE", "read annotations (draft ANNOTATEMORE)" },
	{ "getmetadata", "GETMETADATA", 2, CMD_MANY, { CA_MAILBOX, CA_ASTRING }, CS_GETMETADATA, AU | SE, "METADATA-SERVER", "METADATA",
	  "MAILBOX [(DEPTH 0|1|infinity MAXSIZE N)] ENTRY...",
	  "read annotations, e.g. getmetadata INBOX /private/comment; \"\" for the server's (RFC 5464)" },
	{ "getquota", "GETQUOTA", 1, 1, { CA_ASTRING }, CS_PLAIN, AU | SE, "QUOTA", "QUOTA",
	  "ROOT", "show usage and limits of a quota root (RFC 9208)" },
	{ "getquotaroot", "GETQUOTAROOT", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, "QUOTA", "QUOTAROOT",
	  "MAILBOX", "show the quota roots of MAILBOX and their quotas" },
	{ "id", "ID", 0, CMD_MANY, { CA_ASTRING }, CS_ID, NA | AU | SE, "ID", "ID",
	  "[FIELD VALUE]...", "exchange identification (RFC 2971); alone: imapsh's name and version, NIL: none" },
	{ "idle", "IDLE", 0, 1, { CA_SECONDS }, CS_IDLE, AU | SE, "IDLE", NULL,
	  "[SECONDS]", "wait for server updates (RFC 2177) for SECONDS, or until Enter on a terminal" },
	{ "list", "LIST", 0, CMD_MANY, { CA_MAILBOX, CA_PATTERN }, CS_LIST, AU | SE, NULL, "LIST",
	  "[(OPTS)] [REFERENCE [PATTERN...]] [RETURN (OPTS)]",
	  "list mailboxes (defaults: \"\" and *), e.g. list \"\" * RETURN (SPECIAL-USE) (RFC 5258)" },
	{ "listrights", "LISTRIGHTS", 2, 2, { CA_MAILBOX, CA_ASTRING }, CS_PLAIN, AU | SE, "ACL", "LISTRIGHTS",
	  "MAILBOX WHO", "show the rights WHO may be given on MAILBOX (RFC 4314)" },
	{ "login", "LOGIN", 1, 2, { CA_ASTRING, CA_SECRET }, CS_PLAIN, NA, NULL, NULL,
	  "USER [PASSWORD]", "log in with a plain-text password (asked without echo if not given)" },
	{ "login_cram_md5", "AUTHENTICATE", 1, 2, { CA_ASTRING, CA_SECRET }, CS_PLAIN, NA, "AUTH=CRAM-MD5", NULL,
	  "USER [PASSWORD]", "log in with AUTHENTICATE CRAM-MD5 (RFC 2195)" },
	{ "logout", "LOGOUT", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, "BYE",
	  "", "end the session" },
	{ "lsub", "LSUB", 0, 2, { CA_MAILBOX, CA_PATTERN }, CS_LIST, AU | SE, NULL, "LSUB",
	  "[REFERENCE [PATTERN]]", "list subscribed mailboxes" },
	{ "move", "MOVE", 2, 2, { CA_SEQSET, CA_MAILBOX }, CS_PLAIN, SE, "MOVE", NULL,
	  "SET MAILBOX", "move messages to MAILBOX (RFC 6851)" },
	{ "myrights", "MYRIGHTS", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, "ACL", "MYRIGHTS",
	  "MAILBOX", "show your rights on MAILBOX" },
	{ "namespace", "NAMESPACE", 0, 0, { CA_NONE }, CS_PLAIN, AU | SE, "NAMESPACE", "NAMESPACE",
	  "", "show the personal, other users' and shared namespaces" },
	{ "noop", "NOOP", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, NULL,
	  "", "do nothing; lets the server send updates" },
	{ "notify", "NOTIFY", 1, CMD_MANY, { CA_RAW }, CS_NOTIFY, AU | SE, "NOTIFY", NULL,
	  "set [STATUS] (FILTER (EVENTS))... | none",
	  "have the server report events as they happen, even at the prompt (RFC 5465)" },
	{ "partial", "PARTIAL", 4, 4, { CA_NZNUMBER, CA_RAW, CA_NUMBER, CA_NZNUMBER }, CS_PLAIN, SE, NULL, "FETCH",
	  "NUM PART START LENGTH", "fetch part of a message (obsolete IMAP2bis)" },
	{ "proxyauth", "PROXYAUTH", 1, 1, { CA_ASTRING }, CS_PLAIN, AU, NULL, NULL,
	  "USER", "act as USER (administrators)" },
	{ "recent", "NOOP", 0, 0, { CA_NONE }, CS_PLAIN, ANY, NULL, "RECENT",
	  "", "show the RECENT count (sends NOOP)" },
	{ "rename", "RENAME", 2, 2, { CA_MAILBOX, CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, NULL,
	  "OLD NEW", "rename a mailbox" },
	{ "replace", "REPLACE", 3, CMD_MANY, { CA_SEQSET, CA_MAILBOX }, CS_REPLACE, SE, "REPLACE", NULL,
	  "NUM MAILBOX [FLAGS] [DATE] MESSAGE",
	  "replace a message: append the new one to MAILBOX, expunge the old (RFC 8508)" },
	{ "resetkey", "RESETKEY", 0, CMD_MANY, { CA_MAILBOX, CA_ASTRING }, CS_PLAIN, AU | SE, "URLAUTH", NULL,
	  "[MAILBOX [MECHANISM]...]", "revoke the URLs made so far (all, or MAILBOX's) (RFC 4467)" },
	{ "search", "SEARCH", 1, CMD_MANY, { CA_CRITERIA }, CS_SEARCH, SE, NULL, "SEARCH",
	  "[RETURN (OPTIONS)] [CHARSET] CRITERIA...", "search the selected mailbox, e.g. search UNSEEN FROM \"Ann\"" },
	{ "select", "SELECT", 0, 3, { CA_MAILBOX, CA_RAW }, CS_SELECT, AU | SE, NULL, "EXISTS",
	  "[MAILBOX [readonly] [(PARAMS)]]",
	  "select a mailbox (default INBOX); readonly sends EXAMINE; (CONDSTORE) or (QRESYNC (...)) (RFC 7162)" },
	{ "setacl", "SETACL", 3, 3, { CA_MAILBOX, CA_ASTRING, CA_ASTRING }, CS_PLAIN, AU | SE, "ACL", NULL,
	  "MAILBOX WHO RIGHTS", "set WHO's rights on MAILBOX" },
	{ "setannotation", "SETANNOTATION", 1, CMD_MANY, { CA_RAW }, CS_PLAIN, AU | SE, "ANNOTATEMORE", "ANNOTATION",
	  "ARGS...", "set annotations (draft ANNOTATEMORE)" },
	{ "setmetadata", "SETMETADATA", 2, CMD_MANY, { CA_MAILBOX, CA_ASTRING }, CS_SETMETADATA, AU | SE, "METADATA-SERVER", "METADATA",
	  "MAILBOX ENTRY VALUE [ENTRY VALUE]...",
	  "set annotations; VALUE NIL removes one (RFC 5464)" },
	{ "setquota", "SETQUOTA", 2, 2, { CA_ASTRING, CA_RAW }, CS_PLAIN, AU | SE, "QUOTA", "QUOTA",
	  "ROOT LIMITS", "set limits, e.g. setquota \"\" (STORAGE 512)" },
	{ "sort", "SORT", 1, CMD_MANY, { CA_RAW }, CS_SORT, SE, "SORT", "SORT",
	  "[RETURN (OPTIONS)] CRITERIA [CHARSET] SEARCH...", "sorted search, e.g. sort (REVERSE DATE) UTF-8 ALL (RFC 5256)" },
	{ "starttls", "STARTTLS", 0, 0, { CA_NONE }, CS_PLAIN, NA, "STARTTLS", NULL,
	  "", "start TLS on this connection (RFC 9051 6.2.1); capabilities are asked again" },
	{ "status", "STATUS", 2, 2, { CA_MAILBOX, CA_RAW }, CS_PLAIN, AU | SE, NULL, "STATUS",
	  "MAILBOX ITEMS", "mailbox status, e.g. status INBOX (MESSAGES UNSEEN)" },
	{ "store", "STORE", 3, 4, { CA_SEQSET, CA_RAW, CA_FLAGS }, CS_STORE, SE, NULL, "FETCH",
	  "SET COMMAND FLAGS", "change flags, e.g. store 1:3 +FLAGS (\\Seen); (UNCHANGEDSINCE n) first with CONDSTORE" },
	{ "subscribe", "SUBSCRIBE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, NULL,
	  "MAILBOX", "subscribe to a mailbox" },
	{ "thread", "THREAD", 1, CMD_MANY, { CA_ASTRING }, CS_THREAD, SE, "THREAD=", "THREAD",
	  "ALGORITHM [CHARSET] SEARCH...", "threaded search, e.g. thread REFERENCES UTF-8 ALL (RFC 5256)" },
	{ "uid", "UID", 2, CMD_MANY, { CA_RAW }, CS_UID, SE, NULL, NULL,
	  "COMMAND ARGS...", "copy, expunge, fetch, move, replace, search, sort, store or thread by UID" },
	{ "unauthenticate", "UNAUTHENTICATE", 0, 0, { CA_NONE }, CS_PLAIN, AU | SE, "UNAUTHENTICATE", NULL,
	  "", "end the login: back to the not-authenticated state, to log in again (RFC 8437)" },
	{ "unselect", "UNSELECT", 0, 0, { CA_NONE }, CS_PLAIN, SE, "UNSELECT", NULL,
	  "", "leave the mailbox without expunging (RFC 3691)" },
	{ "unsubscribe", "UNSUBSCRIBE", 1, 1, { CA_MAILBOX }, CS_PLAIN, AU | SE, NULL, NULL,
	  "MAILBOX", "unsubscribe from a mailbox" },
	{ "urlfetch", "URLFETCH", 1, CMD_MANY, { CA_ASTRING }, CS_PLAIN, AU | SE, "URLAUTH", "URLFETCH",
	  "URL...", "fetch what authorized URLs point to (RFC 4467)" },
	{ "xatom", NULL, 1, CMD_MANY, { CA_RAW }, CS_XATOM, ANY, NULL, NULL,
	  "NAME [ARGS...]", "send a command the shell does not know, arguments as typed" },
};

const size_t cmd_table_size = sizeof(cmd_table) / sizeof(cmd_table[0]);

/* UID EXPUNGE is RFC 4315's (UIDPLUS), UID REPLACE RFC 8508's. */
const char *const cmd_uid_subcommands[] = {
	"copy", "expunge", "fetch", "move", "replace", "search", "sort", "store", "thread", NULL,
};

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

enum cmd_avail cmd_availability(const struct cmd_spec *spec, const struct session *s)
{
	if (spec->capability && !session_offers(s, spec->capability))
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
	if (spec->capability && session_cap_check(s) && !session_offers(s, spec->capability))
		return cmd_refuse_cap(err, spec->name, spec->capability);
	return 0;
}

/* May words[i] be a message (@FILE)?  After append's mailbox, replace's
 * number and mailbox, uid replace's too. */
static bool message_position(const struct cmd_spec *spec, const struct cmd_word *words, size_t i)
{
	if (spec->shape == CS_APPEND)
		return i > 0;
	if (spec->shape == CS_REPLACE)
		return i > 1;
	return spec->shape == CS_UID && i > 2 && words[0].len == 7 && !words[0].quoted &&
	       !strncasecmp(words[0].s, "replace", 7);
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
		if (words[i].source && !message_position(spec, words, i))
			return err_set(err, IMAP_ERR_ERROR,
				       "%s: @FILE stands only for a message of append or replace", spec->name);
	if (spec->verb)
		cmd_copy_verb(out->verb, sizeof(out->verb), "", spec->verb);
	out->cmd.data_name = spec->data_name;
	if (cmd_build_args(&b, spec, words, nwords))
		return -1;
	for (i = 0; i < b.n; i++)
		if (out->offsets[i] != SIZE_MAX)
			out->args[i].data = out->store.buf + out->offsets[i];
	out->cmd.verb = out->verb;
	out->cmd.args = out->args;
	out->cmd.nargs = b.n;
	return 0;
}
