/*
 * Unit tests for the extensions' parameter forms (src/core/cmd_ext.c) and
 * the capability check (src/core/offers.c): one table of cases, each a
 * command line built against a server with the given capabilities (or
 * none: no session, no checks) and either its wire bytes or a part of its
 * error.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/commands.h"
#include "net/transport.h"
#include "proto/encode.h"
#include "proto/response.h"
#include "util/xalloc.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NO_SESSION NULL

/* ---- a server that answers every command OK --------------------------- */

/* The greeting, then for each command line written "TAG OK done", and
 * for ENABLE "* ENABLED <its arguments>" first. */
struct yes_server {
	struct net_conn base;
	struct buf out;
	size_t pos;
};

static ssize_t yes_read(struct net_conn *c, void *buf, size_t len, struct imap_err *err)
{
	struct yes_server *y = (struct yes_server *)c;
	size_t n = y->out.len - y->pos;
	if (!n)
		return err_set(err, IMAP_ERR_ABORT, "yes_server: nothing to read");
	if (n > len)
		n = len;
	memcpy(buf, y->out.buf + y->pos, n);
	y->pos += n;
	return (ssize_t)n;
}

static int yes_write(struct net_conn *c, const void *buf, size_t len, struct imap_err *err)
{
	struct yes_server *y = (struct yes_server *)c;
	const char *line = buf, *sp = memchr(line, ' ', len);
	(void)err;
	ck_assert_ptr_nonnull(sp);
	if (len > (size_t)(sp - line) + 8 && !strncmp(sp + 1, "ENABLE ", 7))
		buf_addf(&y->out, "* ENABLED %.*s\r\n", (int)(len - (size_t)(sp - line) - 10), sp + 8);
	buf_addf(&y->out, "%.*s OK done\r\n", (int)(sp - line), line);
	return 0;
}

static void yes_describe(struct net_conn *c, struct buf *out) { (void)c; buf_adds(out, "yes"); }
static int yes_pollfd(struct net_conn *c) { (void)c; return -1; }
static size_t yes_pending(struct net_conn *c)
{
	struct yes_server *y = (struct yes_server *)c;
	return y->out.len - y->pos;
}
static void yes_close(struct net_conn *c, struct buf *report)
{
	(void)report;
	buf_release(&((struct yes_server *)c)->out);
	free(c);
}

static const struct net_ops yes_ops = {
	.name = "yes",
	.read = yes_read,
	.write = yes_write,
	.describe = yes_describe,
	.pollfd = yes_pollfd,
	.pending = yes_pending,
	.close = yes_close,
};

static void run(struct session *s, const char *verb, const char *arg)
{
	struct imap_arg a = { IMAP_ARG_RAW, 0, arg, strlen(arg), NULL };
	struct session_cmd c = { verb, &a, 1, NULL, NULL, NULL, false };
	struct imap_response *t = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	ck_assert_msg(session_command(s, &c, &t, &err) == 0, "%s: %s", verb, err.msg);
	imap_response_free(t);
}

/* PREAUTH with caps ("-" first: --no-capability-check); then ENABLE what
 * enable names (if any) and SELECT INBOX when selected. */
static struct session *server(const char *caps, const char *enable, bool selected)
{
	struct yes_server *y = xcalloc(1, sizeof(*y));
	struct session_hooks h;
	struct imap_err err = IMAP_ERR_INIT;
	struct session *s;
	bool nocheck = caps[0] == '-';

	buf_init(&y->out, 0);
	buf_addf(&y->out, "* PREAUTH [CAPABILITY %s] hi\r\n", nocheck ? caps + 1 : caps);
	y->base.ops = &yes_ops;
	memset(&h, 0, sizeof(h));
	s = session_new(&y->base, &h);
	ck_assert_int_eq(session_greet(s, &err), 0);
	session_set_cap_check(s, !nocheck);
	if (enable)
		run(s, "ENABLE", enable);
	if (selected)
		run(s, "SELECT", "INBOX");
	return s;
}

/* ---- building --------------------------------------------------------- */

struct ext_case {
	const char *caps;   /* NO_SESSION, or the server's ("-..." : no check) */
	const char *enable; /* ENABLE these first (NULL: none) */
	bool selected;
	const char *name;
	const char *line;
	const char *wire;   /* expected bytes, or NULL: ... */
	const char *error;  /* ... a part of the error */
};

#define SEL true
#define AUTH false

static const struct ext_case cases[] = {
	/* CONDSTORE / QRESYNC: select and examine (RFC 7162 sec. 3.1.8, 3.2.5) */
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (CONDSTORE)", "A1 SELECT INBOX (CONDSTORE)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX readonly (CONDSTORE)", "A1 EXAMINE INBOX (CONDSTORE)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "examine", "INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))",
	  "A1 EXAMINE INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (QRESYNC (67890007 90060115194045000 41:211 (1:6,8:10 1:7,9:11)))",
	  "A1 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211 (1:6,8:10 1:7,9:11)))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (QRESYNC (0 1))", NULL, "UIDVALIDITY must be a number from 1" },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (QRESYNC (5 9223372036854775808))", NULL, "MODSEQ must be" },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (QRESYNC (1))", NULL, "at least UIDVALIDITY and MODSEQ" },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (QRESYNC (1 2 x))", NULL, "known UIDs must be a UID set" },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (QRESYNC (1 2 3 (4)))", NULL, "(SEQUENCE-SET UID-SET)" },
	{ NO_SESSION, NULL, AUTH, "select", "INBOX (FROB)", NULL, "unknown select parameter \"FROB\"" },
	{ NO_SESSION, NULL, AUTH, "examine", "INBOX Sent", NULL, "usage: examine" },
	{ "IMAP4rev1", NULL, AUTH, "select", "INBOX (CONDSTORE)", NULL, "(CONDSTORE) needs the server capability CONDSTORE" },
	{ "IMAP4rev1 CONDSTORE", NULL, AUTH, "select", "INBOX (CONDSTORE)", "A1 SELECT INBOX (CONDSTORE)\r\n", NULL },
	{ "IMAP4rev1 ENABLE CONDSTORE QRESYNC", NULL, AUTH, "select", "INBOX (QRESYNC (1 2))", NULL, "enable QRESYNC" },
	{ "IMAP4rev1 ENABLE CONDSTORE QRESYNC", "QRESYNC", AUTH, "select", "INBOX (QRESYNC (1 2))",
	  "A1 SELECT INBOX (QRESYNC (1 2))\r\n", NULL },
	/* fetch and store modifiers (sec. 3.1.3, 3.1.4, 3.2.6) */
	{ NO_SESSION, NULL, SEL, "fetch", "1:* (FLAGS) (CHANGEDSINCE 12345)", "A1 FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)\r\n", NULL },
	{ NO_SESSION, NULL, SEL, "fetch", "1 FLAGS (CHANGEDSINCE x)", NULL, "CHANGEDSINCE takes a mod-sequence" },
	{ NO_SESSION, NULL, SEL, "fetch", "1 FLAGS (CHANGEDSINCE 1 VANISHED)", NULL, "VANISHED goes only with uid fetch" },
	{ NO_SESSION, NULL, SEL, "uid", "fetch 1:* FLAGS (VANISHED)", NULL, "VANISHED goes only with uid fetch and CHANGEDSINCE" },
	{ NO_SESSION, NULL, SEL, "uid", "fetch 1:* FLAGS (CHANGEDSINCE 1 VANISHED)",
	  "A1 UID FETCH 1:* FLAGS (CHANGEDSINCE 1 VANISHED)\r\n", NULL },
	{ NO_SESSION, NULL, SEL, "fetch", "1 FLAGS CHANGEDSINCE", NULL, "list of fetch modifiers" },
	{ NO_SESSION, NULL, SEL, "fetch", "1 FLAGS (SOONER 3)", NULL, "unknown fetch modifier" },
	{ NO_SESSION, NULL, SEL, "store", "2 (UNCHANGEDSINCE 7) +FLAGS (\\Seen)", "A1 STORE 2 (UNCHANGEDSINCE 7) +FLAGS (\\Seen)\r\n", NULL },
	{ NO_SESSION, NULL, SEL, "uid", "store 4,6 (UNCHANGEDSINCE 0) +FLAGS.SILENT \\Deleted",
	  "A1 UID STORE 4,6 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Deleted)\r\n", NULL },
	{ NO_SESSION, NULL, SEL, "store", "2 (UNCHANGEDSINCE -1) +FLAGS \\Seen", NULL, "(UNCHANGEDSINCE MODSEQ)" },
	{ NO_SESSION, NULL, SEL, "store", "2 UNCHANGEDSINCE +FLAGS \\Seen", NULL, "list of store modifiers" },
	{ "IMAP4rev1", NULL, SEL, "fetch", "1 FLAGS (CHANGEDSINCE 1)", NULL, "CHANGEDSINCE needs the server capability CONDSTORE" },
	{ "IMAP4rev1", NULL, SEL, "store", "1 (UNCHANGEDSINCE 1) FLAGS \\Seen", NULL, "UNCHANGEDSINCE needs the server capability CONDSTORE" },
	{ "IMAP4rev1 CONDSTORE QRESYNC ENABLE", NULL, SEL, "uid", "fetch 1 FLAGS (CHANGEDSINCE 1 VANISHED)", NULL, "enable QRESYNC" },
	{ "IMAP4rev1 CONDSTORE QRESYNC ENABLE", "QRESYNC", SEL, "uid", "fetch 1 FLAGS (CHANGEDSINCE 1 VANISHED)",
	  "A1 UID FETCH 1 FLAGS (CHANGEDSINCE 1 VANISHED)\r\n", NULL },
	/* fetch items of extensions */
	{ "IMAP4rev1", NULL, SEL, "fetch", "1 (FLAGS MODSEQ)", NULL, "the fetch item MODSEQ needs the server capability CONDSTORE" },
	{ "IMAP4rev1", NULL, SEL, "fetch", "1 BINARY.PEEK[1]", NULL, "BINARY needs the server capability BINARY" },
	{ "IMAP4rev1", NULL, SEL, "fetch", "1 (PREVIEW)", NULL, "capability PREVIEW" },
	{ "IMAP4rev1", NULL, SEL, "fetch", "1 (EMAILID THREADID)", NULL, "capability OBJECTID" },
	{ "IMAP4rev1", NULL, SEL, "fetch", "1 (SAVEDATE)", NULL, "capability SAVEDATE" },
	{ "IMAP4rev1 PREVIEW SAVEDATE OBJECTID", NULL, SEL, "fetch", "1 (PREVIEW SAVEDATE EMAILID BODY[HEADER.FIELDS (FROM)])",
	  "A1 FETCH 1 (PREVIEW SAVEDATE EMAILID BODY[HEADER.FIELDS (FROM)])\r\n", NULL },
	{ "IMAP4rev2", NULL, SEL, "fetch", "1 BINARY.SIZE[1]", "A1 FETCH 1 BINARY.SIZE[1]\r\n", NULL },
	/* LIST-EXTENDED, LIST-STATUS, SPECIAL-USE (RFC 5258, 5819, 6154) */
	{ NO_SESSION, NULL, AUTH, "list", "\"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))",
	  "A1 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "list", "(SUBSCRIBED RECURSIVEMATCH) \"\" %", "A1 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"%\"\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "list", "\"\" INBOX Entwürfe", "A1 LIST \"\" (INBOX Entw&APw-rfe)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "list", "\"\" INBOX \"My Mail\" Sent", "A1 LIST \"\" (INBOX \"My Mail\" Sent)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "list", "\"\" (INBOX Sent*)", "A1 LIST \"\" (INBOX Sent*)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "list", "", "A1 LIST \"\" \"*\"\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "list", "(RECURSIVEMATCH) \"\" *", NULL, "RECURSIVEMATCH goes only with another" },
	{ NO_SESSION, NULL, AUTH, "list", "(BOGUS) \"\" *", NULL, "unknown selection option \"BOGUS\"" },
	{ NO_SESSION, NULL, AUTH, "list", "\"\" * RETURN CHILDREN", NULL, "RETURN needs a list" },
	{ NO_SESSION, NULL, AUTH, "list", "\"\" * RETURN (FLAVOUR)", NULL, "unknown return option" },
	{ NO_SESSION, NULL, AUTH, "lsub", "(SUBSCRIBED) \"\" *", NULL, "usage: lsub" },
	{ "IMAP4rev1", NULL, AUTH, "list", "\"\" * RETURN (CHILDREN)", NULL, "needs the server capability LIST-EXTENDED" },
	{ "IMAP4rev1", NULL, AUTH, "list", "\"\" INBOX Sent", NULL, "LIST-EXTENDED" },
	{ "IMAP4rev1 LIST-EXTENDED", NULL, AUTH, "list", "\"\" * RETURN (STATUS (MESSAGES))", NULL,
	  "the return option STATUS needs the server capability LIST-STATUS" },
	{ "IMAP4rev1 LIST-EXTENDED", NULL, AUTH, "list", "(SPECIAL-USE) \"\" *", NULL, "capability SPECIAL-USE" },
	{ "IMAP4rev2", NULL, AUTH, "list", "(SPECIAL-USE) \"\" * RETURN (STATUS (SIZE))",
	  "A1 LIST (SPECIAL-USE) \"\" \"*\" RETURN (STATUS (SIZE))\r\n", NULL },
	{ "IMAP4rev1", NULL, AUTH, "list", "\"\" %", "A1 LIST \"\" \"%\"\r\n", NULL },
	/* CREATE-SPECIAL-USE */
	{ NO_SESSION, NULL, AUTH, "create", "Archive (USE (\\Archive))", "A1 CREATE Archive (USE (\\Archive))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "create", "X (USE (\\Bogus))", NULL, "unknown special-use flag" },
	{ NO_SESSION, NULL, AUTH, "create", "X USE", NULL, "list of create parameters" },
	{ "IMAP4rev1 SPECIAL-USE", NULL, AUTH, "create", "A (USE (\\Junk))", NULL, "capability CREATE-SPECIAL-USE" },
	/* METADATA (RFC 5464) */
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX /private/comment", "A1 GETMETADATA INBOX /private/comment\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX /private/comment /shared/comment",
	  "A1 GETMETADATA INBOX (/private/comment /shared/comment)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX (DEPTH infinity MAXSIZE 100) /private",
	  "A1 GETMETADATA (DEPTH infinity MAXSIZE 100) INBOX /private\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "(DEPTH 1) \"\" /shared", "A1 GETMETADATA (DEPTH 1) \"\" /shared\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX comment", NULL, "\"comment\" is not an entry name" },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX /private/", NULL, "does not end in" },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX (DEPTH 2) /private", NULL, "DEPTH is 0, 1 or infinity" },
	{ NO_SESSION, NULL, AUTH, "getmetadata", "INBOX", NULL, "usage: getmetadata" },
	{ NO_SESSION, NULL, AUTH, "setmetadata", "INBOX /private/comment \"my inbox\" /shared/x NIL",
	  "A1 SETMETADATA INBOX (/private/comment \"my inbox\" /shared/x NIL)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "setmetadata", "INBOX /private/comment \"NIL\"",
	  "A1 SETMETADATA INBOX (/private/comment \"NIL\")\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "setmetadata", "INBOX (/private/comment \"x\")",
	  "A1 SETMETADATA INBOX (/private/comment \"x\")\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "setmetadata", "INBOX /private/comment", NULL, "ENTRY VALUE pairs" },
	{ NO_SESSION, NULL, AUTH, "setmetadata", "INBOX /private/a x /shared/b", NULL, "ENTRY VALUE pairs" },
	{ "IMAP4rev1 METADATA-SERVER", NULL, AUTH, "getmetadata", "\"\" /shared/comment", "A1 GETMETADATA \"\" /shared/comment\r\n", NULL },
	{ "IMAP4rev1 METADATA-SERVER", NULL, AUTH, "getmetadata", "INBOX /shared/comment", NULL, "capability METADATA" },
	{ "IMAP4rev1 METADATA", NULL, AUTH, "getmetadata", "\"\" /shared/comment", "A1 GETMETADATA \"\" /shared/comment\r\n", NULL },
	/* MULTIAPPEND (RFC 3502), flags before the date, APPENDLIMIT (RFC 7889) */
	{ NO_SESSION, NULL, AUTH, "append", "INBOX (\\Seen) \"a\" \"b\"",
	  "A1 APPEND INBOX (\\Seen) {1+}\r\na {1+}\r\nb\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "append", "INBOX \"1-Jan-2024 10:00:00 +0000\" \\Seen \"x\"",
	  "A1 APPEND INBOX (\\Seen) \"01-Jan-2024 10:00:00 +0000\" {1+}\r\nx\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "append", "INBOX \"a\" \\Draft \"2024-03-05T14:07:00Z\" \"b\"",
	  "A1 APPEND INBOX {1+}\r\na (\\Draft) \"05-Mar-2024 14:07:00 +0000\" {1+}\r\nb\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "append", "INBOX \\Seen \\Draft \"x\"", NULL, "two flag lists for one message" },
	{ NO_SESSION, NULL, AUTH, "append", "INBOX \"x\" \\Seen", NULL, "the message must be @FILE or a quoted string" },
	{ "IMAP4rev1", NULL, AUTH, "append", "INBOX \"a\" \"b\"", NULL, "several messages needs the server capability MULTIAPPEND" },
	{ "IMAP4rev1 MULTIAPPEND", NULL, AUTH, "append", "INBOX \"a\" \"b\"", "A1 APPEND INBOX {1+}\r\na {1+}\r\nb\r\n", NULL },
	{ "IMAP4rev1 APPENDLIMIT=3", NULL, AUTH, "append", "INBOX \"abcd\"", NULL,
	  "the message is 4 bytes; the server takes at most 3 (APPENDLIMIT)" },
	{ "IMAP4rev1 APPENDLIMIT=4", NULL, AUTH, "append", "INBOX \"abcd\"", "A1 APPEND INBOX {4+}\r\nabcd\r\n", NULL },
	/* NOTIFY (RFC 5465) */
	{ NO_SESSION, NULL, AUTH, "notify", "none", "A1 NOTIFY NONE\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "notify", "set status (selected (MessageNew (UID FLAGS) MessageExpunge)) (personal (MessageNew MessageExpunge))",
	  "A1 NOTIFY SET STATUS (selected (MessageNew (UID FLAGS) MessageExpunge)) (personal (MessageNew MessageExpunge))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "notify", "set (mailboxes (INBOX Lists) (MessageNew MessageExpunge))",
	  "A1 NOTIFY SET (mailboxes (INBOX Lists) (MessageNew MessageExpunge))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "notify", "set (selected (MessageNew (UID)))", NULL, "MessageNew and MessageExpunge go together" },
	{ NO_SESSION, NULL, AUTH, "notify", "set (personal (FlagChange))", NULL, "FlagChange or AnnotationChange only with both" },
	{ NO_SESSION, NULL, AUTH, "notify", "set (personal (MailboxName SubscriptionChange))",
	  "A1 NOTIFY SET (personal (MailboxName SubscriptionChange))\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "notify", "set (inboxes NONE)", "A1 NOTIFY SET (inboxes NONE)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "notify", "set (elsewhere (MailboxName))", NULL, "unknown filter \"elsewhere\"" },
	{ NO_SESSION, NULL, AUTH, "notify", "set (selected (MessageOld))", NULL, "unknown event \"MessageOld\"" },
	{ NO_SESSION, NULL, AUTH, "notify", "set selected", NULL, "each event group is a list" },
	{ NO_SESSION, NULL, AUTH, "notify", "maybe", NULL, "notify none, or notify set" },
	{ "IMAP4rev1", NULL, AUTH, "notify", "none", NULL, "notify needs the server capability NOTIFY" },
	/* CATENATE (RFC 4469) */
	{ NO_SESSION, NULL, AUTH, "append", "Drafts \\Draft CATENATE URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT \"\r\nbody\"",
	  "A1 APPEND Drafts (\\Draft) CATENATE (URL \"/Drafts;UIDVALIDITY=385759045/;UID=20/;section=HEADER\" TEXT {6+}\r\n\r\nbody)\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "append", "Drafts CATENATE TEXT \"a\" \"b\"", "A1 APPEND Drafts CATENATE (TEXT {1+}\r\na) {1+}\r\nb\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "append", "Drafts CATENATE", NULL, "CATENATE takes parts" },
	{ "IMAP4rev1", NULL, AUTH, "append", "Drafts CATENATE TEXT \"a\"", NULL, "CATENATE needs the server capability CATENATE" },
	{ "IMAP4rev1 MULTIAPPEND CATENATE", NULL, AUTH, "append", "Drafts CATENATE TEXT \"a\" \"b\"",
	  "A1 APPEND Drafts CATENATE (TEXT {1+}\r\na) {1+}\r\nb\r\n", NULL },
	/* REPLACE (RFC 8508), UID REPLACE; uid's subcommands' capabilities */
	{ NO_SESSION, NULL, SEL, "replace", "3 Drafts (\\Draft) \"new\"", "A1 REPLACE 3 Drafts (\\Draft) {3+}\r\nnew\r\n", NULL },
	{ NO_SESSION, NULL, SEL, "uid", "replace 25 INBOX \"x\"", "A1 UID REPLACE 25 INBOX {1+}\r\nx\r\n", NULL },
	{ NO_SESSION, NULL, SEL, "replace", "1:3 INBOX \"x\"", NULL, "is not one message number" },
	{ NO_SESSION, NULL, SEL, "replace", "1 INBOX \"x\" \"y\"", NULL, "replaces with one message" },
	{ "IMAP4rev1", NULL, SEL, "replace", "1 INBOX \"x\"", NULL, "replace needs the server capability REPLACE" },
	{ "IMAP4rev1", NULL, SEL, "uid", "replace 1 INBOX \"x\"", NULL, "replace: this command needs the server capability REPLACE" },
	{ "IMAP4rev1", NULL, SEL, "uid", "move 1 Trash", NULL, "move: this command needs the server capability MOVE" },
	{ "IMAP4rev1", NULL, SEL, "uid", "expunge 1", NULL, "uid expunge needs the server capability UIDPLUS" },
	{ "IMAP4rev1 UIDPLUS", NULL, SEL, "uid", "expunge 1:5", "A1 UID EXPUNGE 1:5\r\n", NULL },
	/* URLAUTH (RFC 4467) */
	{ NO_SESSION, NULL, AUTH, "genurlauth", "\"imap://a@h/INBOX;UIDVALIDITY=7/;UID=20;urlauth=submit+a\" INTERNAL",
	  "A1 GENURLAUTH imap://a@h/INBOX;UIDVALIDITY=7/;UID=20;urlauth=submit+a INTERNAL\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "resetkey", "", "A1 RESETKEY\r\n", NULL },
	{ NO_SESSION, NULL, AUTH, "resetkey", "INBOX INTERNAL", "A1 RESETKEY INBOX INTERNAL\r\n", NULL },
	{ "IMAP4rev1", NULL, AUTH, "urlfetch", "\"imap://x\"", NULL, "urlfetch needs the server capability URLAUTH" },
	/* ACL */
	{ NO_SESSION, NULL, AUTH, "listrights", "INBOX anyone", "A1 LISTRIGHTS INBOX anyone\r\n", NULL },
	{ "IMAP4rev1", NULL, AUTH, "listrights", "INBOX anyone", NULL, "listrights needs the server capability ACL" },
	/* ESEARCH, ESORT, SEARCHRES, PARTIAL, CONTEXT */
	{ NO_SESSION, NULL, SEL, "search", "RETURN (BOGUS) ALL", NULL, "unknown return option \"BOGUS\"" },
	{ "IMAP4rev1", NULL, SEL, "search", "RETURN (MIN) ALL", NULL, "RETURN (...) needs the server capability ESEARCH" },
	{ "IMAP4rev1 ESEARCH", NULL, SEL, "search", "RETURN (SAVE) ALL", NULL, "the return option SAVE needs the server capability SEARCHRES" },
	{ "IMAP4rev1 ESEARCH", NULL, SEL, "search", "RETURN (PARTIAL 1:10) ALL", NULL, "capability PARTIAL" },
	{ "IMAP4rev1 ESEARCH PARTIAL", NULL, SEL, "search", "RETURN (PARTIAL -1:-10) ALL",
	  "A1 SEARCH RETURN (PARTIAL -1:-10) ALL\r\n", NULL },
	{ "IMAP4rev1 ESEARCH", NULL, SEL, "search", "RETURN (MIN MAX COUNT) UNSEEN", "A1 SEARCH RETURN (MIN MAX COUNT) UNSEEN\r\n", NULL },
	{ "IMAP4rev1 SORT", NULL, SEL, "sort", "RETURN (MIN) DATE ALL", NULL, "capability ESORT" },
	{ "IMAP4rev1", NULL, SEL, "fetch", "$ FLAGS", NULL, "\"$\" (the saved search result) needs the server capability SEARCHRES" },
	{ "IMAP4rev1 SEARCHRES", NULL, SEL, "fetch", "$ FLAGS", "A1 FETCH $ FLAGS\r\n", NULL },
	{ "IMAP4rev2", NULL, SEL, "search", "RETURN (SAVE) ALL", "A1 SEARCH RETURN (SAVE) ALL\r\n", NULL },
	{ "IMAP4rev1 ESEARCH", NULL, SEL, "search", "RETURN (UPDATE) ALL", NULL, "the return option UPDATE needs the server capability CONTEXT=SEARCH" },
	{ "IMAP4rev1 ESEARCH CONTEXT=SEARCH", NULL, SEL, "search", "RETURN (UPDATE COUNT) FROM a",
	  "A1 SEARCH RETURN (UPDATE COUNT) FROM a\r\n", NULL },
	/* CANCELUPDATE: tags as quoted strings; CONTEXT=SEARCH or =SORT */
	{ NO_SESSION, NULL, SEL, "cancelupdate", "KPAB3 KPAB5", "A1 CANCELUPDATE \"KPAB3\" \"KPAB5\"\r\n", NULL },
	{ "IMAP4rev1 CONTEXT=SORT", NULL, SEL, "cancelupdate", "B01", "A1 CANCELUPDATE \"B01\"\r\n", NULL },
	{ "IMAP4rev1 ESEARCH", NULL, SEL, "cancelupdate", "B01", NULL, "cancelupdate needs the server capability CONTEXT=..." },
	{ "IMAP4rev1 CONTEXT=SEARCH", NULL, AUTH, "cancelupdate", "B01", NULL, "not allowed in state AUTH" },
	{ "IMAP4rev1 CONTEXT=SEARCH", NULL, SEL, "cancelupdate", "", NULL, "no search or sort is sending updates" },
	{ NO_SESSION, NULL, SEL, "cancelupdate", "", NULL, "no search or sort is sending updates" },
	/* THREAD algorithms */
	{ "IMAP4rev1 THREAD=REFERENCES", NULL, SEL, "thread", "REFERENCES ALL", "A1 THREAD REFERENCES UTF-8 ALL\r\n", NULL },
	{ "IMAP4rev1 THREAD=REFERENCES", NULL, SEL, "thread", "ORDEREDSUBJECT ALL", NULL, "capability THREAD=ORDEREDSUBJECT" },
	{ "IMAP4rev1", NULL, SEL, "thread", "REFERENCES ALL", NULL, "thread needs the server capability THREAD=..." },
	/* every command's own capability, IMAP4rev2's built-ins, the switch */
	{ "IMAP4rev1", NULL, SEL, "move", "1 Trash", NULL, "move needs the server capability MOVE, which this server does not announce" },
	{ "IMAP4rev1", NULL, SEL, "unselect", "", NULL, "capability UNSELECT" },
	{ "IMAP4rev1", NULL, AUTH, "namespace", "", NULL, "capability NAMESPACE" },
	{ "IMAP4rev1", NULL, AUTH, "getquota", "\"\"", NULL, "capability QUOTA" },
	{ "IMAP4rev1", NULL, AUTH, "compress", "", NULL, "capability COMPRESS=DEFLATE" },
	{ "IMAP4rev1", NULL, AUTH, "getmetadata", "INBOX /private/x", NULL, "capability METADATA" },
	{ "IMAP4rev2", NULL, SEL, "move", "1 Trash", "A1 MOVE 1 Trash\r\n", NULL },
	{ "IMAP4rev2", NULL, AUTH, "namespace", "", "A1 NAMESPACE\r\n", NULL },
	{ "-IMAP4rev1", NULL, SEL, "move", "1 Trash", "A1 MOVE 1 Trash\r\n", NULL },
	{ "-IMAP4rev1", NULL, SEL, "fetch", "1 FLAGS (CHANGEDSINCE 1 FROB)", "A1 FETCH 1 FLAGS (CHANGEDSINCE 1 FROB)\r\n", NULL },
	{ "-IMAP4rev1", NULL, AUTH, "select", "INBOX (QRESYNC (1 2))", "A1 SELECT INBOX (QRESYNC (1 2))\r\n", NULL },
	/* UTF8=ACCEPT: names as UTF-8 in quoted strings (RFC 9755 sec. 3) */
	{ "IMAP4rev1 ENABLE UTF8=ACCEPT", "UTF8=ACCEPT", AUTH, "create", "Entwürfe", "A1 CREATE \"Entwürfe\"\r\n", NULL },
	{ "IMAP4rev1 ENABLE UTF8=ACCEPT", "UTF8=ACCEPT", AUTH, "create", "Tom&Jerry", "A1 CREATE Tom&Jerry\r\n", NULL },
	{ "IMAP4rev1 ENABLE UTF8=ACCEPT", NULL, AUTH, "create", "Entwürfe", "A1 CREATE Entw&APw-rfe\r\n", NULL },
};

START_TEST(test_ext_cases)
{
	const struct ext_case *c = &cases[_i];
	struct cmd_word w[16];
	size_t n = unit_split_words(c->line, w, N(w));
	struct session *s = c->caps ? server(c->caps, c->enable, c->selected) : NULL;
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_wire wire;
	int rc;

	cmd_call_init(&call);
	imap_wire_init(&wire);
	rc = cmd_build(cmd_lookup(c->name), w, n, s, &call, &err);
	if (rc == 0)
		rc = imap_encode(&wire, "A1", call.cmd.verb, call.cmd.args, call.cmd.nargs,
				 IMAP_LITERAL_PLUS, &err);
	if (c->wire) {
		ck_assert_msg(rc == 0, "[%s %s]: %s", c->name, c->line, err.msg);
		ck_assert_msg(wire.bytes.len == strlen(c->wire) && !memcmp(wire.bytes.buf, c->wire, wire.bytes.len),
			      "[%s %s]: sent [%.*s], expected [%s]", c->name, c->line,
			      (int)wire.bytes.len, wire.bytes.buf, c->wire);
	} else {
		ck_assert_msg(rc < 0, "[%s %s]: should fail, sent [%.*s]", c->name, c->line,
			      (int)wire.bytes.len, wire.bytes.buf);
		ck_assert_msg(strstr(err.msg, c->error) != NULL, "[%s %s]: error \"%s\" lacks \"%s\"",
			      c->name, c->line, err.msg, c->error);
	}
	unit_free_words(w, n);
	imap_wire_release(&wire);
	cmd_call_release(&call);
	if (s)
		session_free(s, NULL);
}
END_TEST

/* Builds line for name on s and runs it; the tag it went with. */
static void send_line(struct session *s, const char *name, const char *line, char *tag)
{
	struct cmd_word w[16];
	size_t n = unit_split_words(line, w, N(w));
	struct cmd_call call;
	struct imap_err err = IMAP_ERR_INIT;
	struct imap_response *t = NULL;

	cmd_call_init(&call);
	ck_assert_msg(cmd_build(cmd_lookup(name), w, n, s, &call, &err) == 0, "%s", err.msg);
	snprintf(tag, 32, "%s", session_next_tag(s));
	ck_assert_msg(session_command(s, &call.cmd, &t, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(t->status, IMAP_STATUS_OK);
	imap_response_free(t);
	unit_free_words(w, n);
	cmd_call_release(&call);
}

/* The searches left open (RETURN (UPDATE)) the session keeps for a bare
 * cancelupdate: from when they are sent until cancelled or the mailbox
 * is left. */
START_TEST(test_update_tags)
{
	struct session *s = server("IMAP4rev1 ESEARCH SORT ESORT CONTEXT=SEARCH CONTEXT=SORT", NULL, true);
	char t1[32], t2[32], t3[32], other[32];

	send_line(s, "search", "RETURN (COUNT) ALL", other);
	ck_assert_uint_eq(session_update_count(s), 0);
	send_line(s, "search", "RETURN (UPDATE) ALL", t1);
	send_line(s, "sort", "RETURN (UPDATE ALL) (DATE) UTF-8 ALL", t2);
	send_line(s, "uid", "search RETURN (COUNT UPDATE) UNSEEN", t3);
	ck_assert_uint_eq(session_update_count(s), 3);
	ck_assert_str_eq(session_update_tag(s, 0), t1);
	ck_assert_str_eq(session_update_tag(s, 2), t3);
	ck_assert_ptr_null(session_update_tag(s, 3));
	/* one by name: the others stay */
	send_line(s, "cancelupdate", t2, other);
	ck_assert_uint_eq(session_update_count(s), 2);
	ck_assert_str_eq(session_update_tag(s, 1), t3);
	/* all: none left */
	send_line(s, "cancelupdate", "", other);
	ck_assert_uint_eq(session_update_count(s), 0);
	/* leaving the mailbox ends them too */
	send_line(s, "search", "RETURN (UPDATE) ALL", t1);
	ck_assert_uint_eq(session_update_count(s), 1);
	send_line(s, "select", "Archive", other);
	ck_assert_uint_eq(session_update_count(s), 0);
	session_free(s, NULL);
}
END_TEST

/* Help's marks: a family ("THREAD=") and IMAP4rev2's built-ins count. */
START_TEST(test_availability)
{
	struct session *s = server("IMAP4rev1 THREAD=REFS", NULL, true);
	ck_assert_int_eq(cmd_availability(cmd_lookup("thread"), s), CMD_AVAIL_NOW);
	ck_assert_int_eq(cmd_availability(cmd_lookup("move"), s), CMD_AVAIL_CAPABILITY);
	ck_assert_int_eq(cmd_availability(cmd_lookup("enable"), s), CMD_AVAIL_CAPABILITY);
	session_free(s, NULL);
	s = server("IMAP4rev2", NULL, false);
	ck_assert_int_eq(cmd_availability(cmd_lookup("enable"), s), CMD_AVAIL_NOW);
	ck_assert_int_eq(cmd_availability(cmd_lookup("move"), s), CMD_AVAIL_STATE);
	ck_assert_int_eq(cmd_availability(cmd_lookup("getquota"), s), CMD_AVAIL_CAPABILITY);
	ck_assert(session_offers(s, "ESEARCH"));
	ck_assert(!session_offers(s, "CONDSTORE"));
	session_free(s, NULL);
}
END_TEST

static Suite *cmd_ext_suite(void)
{
	Suite *suite = suite_create("cmd_ext");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_ext_cases, 0, (int)N(cases));
	tcase_add_test(tc, test_availability);
	tcase_add_test(tc, test_update_tags);
	suite_add_tcase(suite, tc);
	return suite;
}

UNIT_MAIN(cmd_ext_suite)
