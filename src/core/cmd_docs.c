/*
 * cmd_docs.c - what help says of each IMAP command beyond its one line:
 * the RFC it comes from, the longer forms its parameters take, and an
 * example.  One row per row of cmd_table, in the same order (a unit test
 * checks that each command has its row and that the man page names it).
 */
#include "core/cmd_docs.h"

#include <stddef.h>
#include <strings.h>

static const struct cmd_doc docs[] = {
	{ "append", "RFC 9051 6.3.12; 3502 MULTIAPPEND; 4469 CATENATE; 3516 BINARY; 7889 APPENDLIMIT",
	  "append MAILBOX [(FLAGS)] [DATE] MESSAGE [(FLAGS)] [DATE] MESSAGE...   (MULTIAPPEND)\n"
	  "append MAILBOX [(FLAGS)] [DATE] CATENATE URL \"/MAILBOX;UIDVALIDITY=N/;UID=N/;SECTION=PART\" TEXT @FILE ...",
	  "append Drafts (\\Draft) @note.eml" },
	{ "authenticate", "RFC 9051 6.2.2; 4959 SASL-IR", NULL, "authenticate SCRAM-SHA-256 alice" },
	{ "cancelupdate", "RFC 5267 4.3 (CONTEXT=SEARCH, CONTEXT=SORT)",
	  "cancelupdate            (every search and sort this session left open)\n"
	  "cancelupdate TAG...     (the ones pretty output shows as \"update to TAG\")",
	  "cancelupdate KPAB3" },
	{ "capability", "RFC 9051 6.1.1", NULL, "capability" },
	{ "check", "RFC 3501 6.4.1 (not in IMAP4rev2)", NULL, "check" },
	{ "close", "RFC 9051 6.4.1", NULL, "close" },
	{ "compress", "RFC 4978 (COMPRESS=DEFLATE)", NULL, "compress" },
	{ "copy", "RFC 9051 6.4.7; 4315 COPYUID", NULL, "copy 1:5 Archive" },
	{ "create", "RFC 9051 6.3.4; 6154 CREATE-SPECIAL-USE",
	  "create MAILBOX (USE (\\All|\\Archive|\\Drafts|\\Flagged|\\Important|\\Junk|\\Sent|\\Trash))",
	  "create Archive (USE (\\Archive))" },
	{ "delete", "RFC 9051 6.3.5", NULL, "delete Old" },
	{ "deleteacl", "RFC 4314 3.2 (ACL)", NULL, "deleteacl Shared bob" },
	{ "enable", "RFC 5161 (ENABLE)", "enable QRESYNC | CONDSTORE | UTF8=ACCEPT | IMAP4rev2",
	  "enable QRESYNC" },
	{ "examine", "RFC 9051 6.3.3; 7162 CONDSTORE/QRESYNC",
	  "examine MAILBOX (CONDSTORE)\n"
	  "examine MAILBOX (QRESYNC (UIDVALIDITY MODSEQ [KNOWN-UIDS [(SEQS UIDS)]]))",
	  "examine Sent (CONDSTORE)" },
	{ "expunge", "RFC 9051 6.4.3", NULL, "expunge" },
	{ "fetch", "RFC 9051 6.4.5; 7162 CONDSTORE/QRESYNC; 3516 BINARY; 8970 PREVIEW; 8514 SAVEDATE; 8474 OBJECTID",
	  "fetch SET ITEMS (CHANGEDSINCE MODSEQ)\n"
	  "uid fetch SET ITEMS (CHANGEDSINCE MODSEQ VANISHED)   (after enable QRESYNC)\n"
	  "items of extensions: MODSEQ, BINARY[PART], BINARY.SIZE[PART], PREVIEW, SAVEDATE, EMAILID, THREADID",
	  "fetch 1:* (FLAGS) (CHANGEDSINCE 41)" },
	{ "genurlauth", "RFC 4467 (URLAUTH)", NULL,
	  "genurlauth \"imap://alice@example.org/INBOX;UIDVALIDITY=7/;UID=20;urlauth=submit+alice\" INTERNAL" },
	{ "getacl", "RFC 4314 3.3 (ACL)", NULL, "getacl INBOX" },
	{ "getannotation", "draft-daboo-imap-annotatemore (ANNOTATEMORE)", NULL,
	  "getannotation INBOX /comment value.priv" },
	{ "getmetadata", "RFC 5464 4.2 (METADATA, METADATA-SERVER)",
	  "getmetadata (DEPTH 0|1|infinity MAXSIZE N) MAILBOX ENTRY...\n"
	  "getmetadata \"\" ENTRY...   (the server's entries)",
	  "getmetadata INBOX (DEPTH infinity) /private" },
	{ "getquota", "RFC 9208 4.2 (QUOTA)", NULL, "getquota \"User quota\"" },
	{ "getquotaroot", "RFC 9208 4.3 (QUOTA)", NULL, "getquotaroot INBOX" },
	{ "id", "RFC 2971 (ID)", "id NIL", "id name mutt version 2.2" },
	{ "idle", "RFC 2177 (IDLE); RFC 9051 6.3.13", NULL, "idle 60" },
	{ "list", "RFC 9051 6.3.9; 5258 LIST-EXTENDED; 5819 LIST-STATUS; 6154 SPECIAL-USE",
	  "list (SUBSCRIBED|REMOTE|RECURSIVEMATCH|SPECIAL-USE ...) REFERENCE PATTERN...\n"
	  "list REFERENCE PATTERN... RETURN (SUBSCRIBED CHILDREN SPECIAL-USE STATUS (ITEMS) MYRIGHTS)",
	  "list \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))" },
	{ "listrights", "RFC 4314 3.4 (ACL)", NULL, "listrights INBOX anyone" },
	{ "login", "RFC 9051 6.2.3", "login USER   (the password is asked without echo)", "login alice secret" },
	{ "login_cram_md5", "RFC 2195 (AUTH=CRAM-MD5)", NULL, "login_cram_md5 alice secret" },
	{ "logout", "RFC 9051 6.1.3", NULL, "logout" },
	{ "lsub", "RFC 3501 6.3.9 (not in IMAP4rev2: list (SUBSCRIBED))", NULL, "lsub \"\" *" },
	{ "move", "RFC 6851 (MOVE)", NULL, "move 3 Trash" },
	{ "myrights", "RFC 4314 3.5 (ACL)", NULL, "myrights INBOX" },
	{ "namespace", "RFC 2342 (NAMESPACE)", NULL, "namespace" },
	{ "noop", "RFC 9051 6.1.2", NULL, "noop" },
	{ "notify", "RFC 5465 (NOTIFY)",
	  "notify set STATUS (selected (MessageNew (UID FLAGS) MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge))\n"
	  "filters: selected selected-delayed inboxes personal subscribed subtree MAILBOXES mailboxes MAILBOXES\n"
	  "events: MessageNew MessageExpunge FlagChange AnnotationChange MailboxName SubscriptionChange\n"
	  "        MailboxMetadataChange ServerMetadataChange, or NONE",
	  "notify set (selected (MessageNew MessageExpunge FlagChange)) (personal (MessageNew MessageExpunge))" },
	{ "partial", "RFC 1730 (IMAP2bis; obsolete)", NULL, "partial 1 BODY[TEXT] 0 1024" },
	{ "proxyauth", "Cyrus (PROXYAUTH)", NULL, "proxyauth bob" },
	{ "recent", "imaplib's recent()", NULL, "recent" },
	{ "rename", "RFC 9051 6.3.6", NULL, "rename Old New" },
	{ "replace", "RFC 8508 (REPLACE)", "uid replace UID MAILBOX [FLAGS] [DATE] MESSAGE",
	  "replace 3 Drafts (\\Draft) @draft-v2.eml" },
	{ "resetkey", "RFC 4467 (URLAUTH)", NULL, "resetkey INBOX" },
	{ "search", "RFC 9051 6.4.4; 4731 ESEARCH; 5182 SEARCHRES; 9394 PARTIAL; 5267 CONTEXT",
	  "search RETURN (MIN MAX COUNT ALL SAVE PARTIAL RANGE) CRITERIA...\n"
	  "fetch $ ...   (after RETURN (SAVE): the saved result as a set)",
	  "search RETURN (COUNT) UNSEEN" },
	{ "select", "RFC 9051 6.3.2; 7162 CONDSTORE/QRESYNC",
	  "select MAILBOX (CONDSTORE)\n"
	  "select MAILBOX (QRESYNC (UIDVALIDITY MODSEQ [KNOWN-UIDS [(SEQS UIDS)]]))   (after enable QRESYNC)",
	  "select INBOX (CONDSTORE)" },
	{ "setacl", "RFC 4314 3.1 (ACL)", NULL, "setacl Shared bob lrs" },
	{ "setannotation", "draft-daboo-imap-annotatemore (ANNOTATEMORE)", NULL,
	  "setannotation INBOX /comment (value.priv \"mine\")" },
	{ "setmetadata", "RFC 5464 4.3 (METADATA, METADATA-SERVER)",
	  "setmetadata MAILBOX (ENTRY VALUE ...)\nsetmetadata MAILBOX ENTRY NIL   (removes the entry)",
	  "setmetadata INBOX /private/comment \"my inbox\"" },
	{ "setquota", "RFC 9208 4.1 (QUOTA)", NULL, "setquota \"User quota\" (STORAGE 512000)" },
	{ "sort", "RFC 5256 (SORT); 5267 ESORT; 5957 SORT=DISPLAY",
	  "sort RETURN (MIN MAX COUNT ALL) (CRITERIA) CHARSET SEARCH...", "sort (REVERSE ARRIVAL) UTF-8 UNSEEN" },
	{ "starttls", "RFC 9051 6.2.1", NULL, "starttls" },
	{ "status", "RFC 9051 6.3.11; 7162 HIGHESTMODSEQ; 8438 SIZE; 9051 DELETED",
	  "status MAILBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE HIGHESTMODSEQ)",
	  "status INBOX (MESSAGES UNSEEN)" },
	{ "store", "RFC 9051 6.4.6; 7162 CONDSTORE",
	  "store SET (UNCHANGEDSINCE MODSEQ) +FLAGS|-FLAGS|FLAGS[.SILENT] FLAGS   (the answer's MODIFIED names what failed)",
	  "store 1:3 +FLAGS (\\Seen)" },
	{ "subscribe", "RFC 9051 6.3.7", NULL, "subscribe Lists" },
	{ "thread", "RFC 5256 (THREAD=REFERENCES, THREAD=ORDEREDSUBJECT, ...)", NULL,
	  "thread REFERENCES UTF-8 ALL" },
	{ "uid", "RFC 9051 6.4.9; 4315 UIDPLUS (uid expunge)", NULL, "uid fetch 100:* (FLAGS)" },
	{ "unauthenticate", "RFC 8437 (UNAUTHENTICATE)", NULL, "unauthenticate" },
	{ "unselect", "RFC 3691 (UNSELECT)", NULL, "unselect" },
	{ "unsubscribe", "RFC 9051 6.3.8", NULL, "unsubscribe Lists" },
	{ "urlfetch", "RFC 4467 (URLAUTH)", NULL,
	  "urlfetch \"imap://alice@example.org/INBOX;UIDVALIDITY=7/;UID=20;urlauth=submit+alice:internal:91354a473744909de610943775f92038\"" },
	{ "xatom", "RFC 9051 6.5 (X commands)", NULL, "xatom XLIST \"\" *" },
};

const struct cmd_doc *cmd_doc_lookup(const char *name)
{
	size_t lo = 0, hi = sizeof(docs) / sizeof(docs[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcasecmp(name, docs[mid].name);
		if (c == 0)
			return &docs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
