/*
 * check_pretty.c - PRETTY through the typed views (render_pretty_view):
 * each case is wire bytes through the real parser, rendered with the
 * given options, against golden text.  A response whose view kept what
 * it did not understand must come out as the generic line.
 */
#include "proto/parser.h"
#include "shell/render.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

struct pcase {
	const char *wire;
	unsigned opts; /* UTF8, WIRE */
	const char *want;
};

#define UTF8 1u
#define WIRE 2u
#define TTY 4u
#define COLOR 8u
#define WIDTH40 16u

static const struct pcase cases[] = {
	/* LIST: decoded, padded, attributes; the wire form only when asked */
	{ "* LIST (\\HasNoChildren) \".\" INBOX\r\n", 0,
	  "* LIST  INBOX                     .  \\HasNoChildren\n" },
	{ "* LIST (\\HasNoChildren \\Drafts) \".\" Entw&APw-rfe\r\n", 0,
	  "* LIST  Entwürfe                  .  \\HasNoChildren \\Drafts\n" },
	{ "* LIST (\\HasNoChildren \\Drafts) \".\" Entw&APw-rfe\r\n", WIRE,
	  "* LIST  Entwürfe                  .  \\HasNoChildren \\Drafts  (wire: Entw&APw-rfe)\n" },
	/* wide characters take two columns each */
	{ "* LIST () \"/\" &ZeVnLIqe-\r\n", 0,
	  "* LIST  日本語                    /\n" },
	{ "* LIST () \"/\" \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"\r\n", UTF8,
	  "* LIST  日本語                    /\n" },
	/* 8-bit bytes are not modified UTF-7: shown escaped, marked */
	{ "* LIST () \"/\" \"caf\xc3\xa9\"\r\n", 0,
	  "* LIST  caf\xc3\xa9                      /  (not valid modified UTF-7)\n" },
	{ "* LIST () \"/\" \"a\xff\"\r\n", UTF8,
	  "* LIST  a\\xff                     /  (not valid UTF-8)\n" },
	{ "* LIST (\\Noselect) NIL \"\"\r\n", 0,
	  "* LIST                            NIL  \\Noselect\n" },
	{ "* LSUB () \".\" \"Archive.2024\"\r\n", 0,
	  "* LSUB  Archive.2024              .\n" },
	{ "* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", 0,
	  "* LIST  Foo                       /  \\Subscribed  CHILDINFO (\"SUBSCRIBED\")\n" },
	{ "* LIST () \"/\" \"New\" (\"OLDNAME\" (\"Old\"))\r\n", 0,
	  "* LIST  New                       /  (was Old)\n" },
	/* the unquoted name with a space real servers send */
	{ "* LIST () \"/\" My files\r\n", 0,
	  "* LIST  My files                  /\n" },
	/* a name longer than the column pushes the rest on */
	{ "* LIST () \"/\" \"a-very-long-mailbox-name-indeed\"\r\n", 0,
	  "* LIST  a-very-long-mailbox-name-indeed  /\n" },
	/* not understood: the generic line */
	{ "* LIST (\\HasNoChildren)\r\n", 0, "* LIST (\\HasNoChildren)\n" },

	/* STATUS */
	{ "* STATUS INBOX (MESSAGES 12 UIDNEXT 13)\r\n", 0,
	  "* STATUS  INBOX  12 messages, UIDNEXT 13\n" },
	{ "* STATUS \"Archive.2024\" (MESSAGES 1)\r\n", 0,
	  "* STATUS  Archive.2024  1 message\n" },
	{ "* STATUS INBOX (MESSAGES 30 UNSEEN 8 RECENT 0 SIZE 2348 UIDNEXT 31 UIDVALIDITY 7 X-NEW (1 2))\r\n",
	  0, "* STATUS  INBOX  30 messages, 0 recent, 8 unseen, 2.3 KB, UIDNEXT 31, UIDVALIDITY 7, "
	     "X-NEW (1 2)\n" },
	{ "* STATUS My files (MESSAGES 2)\r\n", 0, "* STATUS  My files  2 messages\n" },
	{ "* STATUS Entw&APw-rfe (SIZE 512)\r\n", WIRE,
	  "* STATUS  Entwürfe  512 bytes  (wire: Entw&APw-rfe)\n" },

	/* SEARCH, SORT, ESEARCH */
	{ "* SEARCH 4 10 12 13 18\r\n", 0, "* SEARCH  5 matches: 4 10 12:13 18\n" },
	{ "* SEARCH 7\r\n", 0, "* SEARCH  1 match: 7\n" },
	{ "* SEARCH\r\n", 0, "* SEARCH  no matches\n" },
	{ "* SEARCH 2 5 (MODSEQ 917162500)\r\n", 0,
	  "* SEARCH  2 matches: 2 5  (MODSEQ 917162500)\n" },
	{ "* SORT 10 9 8 3\r\n", 0, "* SORT  4 messages in order: 10 9 8 3\n" },
	{ "* SORT 5 1 2 3 4 9 10\r\n", 0, "* SORT  7 messages in order: 5 1:4 9 10\n" },
	{ "* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n", 0, "* ESEARCH  3 matches  min 2\n" },
	{ "* ESEARCH (TAG \"A283\") UID ALL 2,10:11 COUNT 3\r\n", WIRE,
	  "* ESEARCH  UIDs  3 matches  all 2 10:11  (tag A283)\n" },
	{ "* ESEARCH (TAG \"A284\")\r\n", 0, "* ESEARCH  no matches\n" },
	{ "* ESEARCH (TAG \"A285\") UID PARTIAL (-1:-100 NIL)\r\n", 0,
	  "* ESEARCH  UIDs  partial -1:-100 none\n" },
	/* CONTEXT (RFC 5267): what changed, and in which open search */
	{ "* ESEARCH (TAG \"B01\") UID ADDTO (0 32768:32769)\r\n", 0,
	  "* ESEARCH  UIDs  added 32768:32769  (update to B01)\n" },
	{ "* ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2731:2732) REMOVEFROM (0 4,6)\r\n", 0,
	  "* ESEARCH  UIDs  added 2733 at 1  added 2731:2732 at 1  removed 4 6  (update to C01)\n" },
	{ "* ESEARCH (TAG \"C02\") REMOVEFROM (3 9)\r\n", WIRE,
	  "* ESEARCH  removed 9 at 3  (tag C02)\n" },
	{ "* SEARCH 1 x\r\n", 0, "* SEARCH 1 x\n" },

	/* VANISHED (RFC 7162): how many UIDs and which; EARLIER (the answer
	 * to a QRESYNC select or a fetch (VANISHED)) said apart from news */
	{ "* VANISHED 405,407,410:425\r\n", 0, "* VANISHED  18 UIDs expunged: 405 407 410:425\n" },
	{ "* VANISHED (EARLIER) 300:310,405,411\r\n", 0,
	  "* VANISHED  13 UIDs expunged earlier: 300:310 405 411\n" },
	{ "* VANISHED 405\r\n", 0, "* VANISHED  1 UID expunged: 405\n" },
	{ "* VANISHED (EARLIER) 7\r\n", 0, "* VANISHED  1 UID expunged earlier: 7\n" },
	{ "* VANISHED 1\r\n", COLOR, "* \033[1mVANISHED\033[m  1 UID expunged: 1\n" },
	/* not understood (no set, another word, more values, a "*" that
	 * cannot be counted): the generic line */
	{ "* VANISHED (EARLIER)\r\n", 0, "* VANISHED (EARLIER)\n" },
	{ "* VANISHED\r\n", 0, "* VANISHED\n" },
	{ "* VANISHED (LATER) 1:3\r\n", 0, "* VANISHED (LATER) 1:3\n" },
	{ "* VANISHED 1:3 4\r\n", 0, "* VANISHED 1:3 4\n" },
	{ "* VANISHED 1:5,\r\n", 0, "* VANISHED 1:5,\n" },
	{ "* VANISHED 3:*\r\n", 0, "* VANISHED 3:*\n" },

	/* THREAD: a tree, a missing parent named */
	{ "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n", 0,
	  "* THREAD  2 threads\n  2\n  3\n    6\n      4\n        23\n      44\n        7\n"
	  "          96\n" },
	{ "* THREAD ((3)(5))\r\n", 0, "* THREAD  1 thread\n  (not there)\n    3\n    5\n" },

	/* QUOTA, QUOTAROOT, NAMESPACE */
	{ "* QUOTA \"\" (STORAGE 10 512)\r\n", 0, "* QUOTA  \"\"  STORAGE 10.0 KB of 512.0 KB (2%)\n" },
	{ "* QUOTA \"User quota\" (STORAGE 10 1048576 MESSAGE 20 10000)\r\n", 0,
	  "* QUOTA  User quota  STORAGE 10.0 KB of 1.0 GB (0%), MESSAGE 20 of 10000 (0%)\n" },
	{ "* QUOTAROOT INBOX \"\"\r\n", 0, "* QUOTAROOT  INBOX  roots: \"\"\n" },
	{ "* QUOTAROOT comp.mail.mime\r\n", 0, "* QUOTAROOT  comp.mail.mime  no quota root\n" },
	{ "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\"))\r\n", 0,
	  "* NAMESPACE  personal \"\" \"/\"  other users \"~\" \"/\"  shared \"#shared/\" \"/\", "
	  "\"#public/\" \"/\"\n" },
	{ "* NAMESPACE ((\"\" \".\")) NIL NIL\r\n", 0,
	  "* NAMESPACE  personal \"\" \".\"  other users none  shared none\n" },
	/* ACL, MYRIGHTS, LISTRIGHTS (RFC 4314), METADATA (RFC 5464) */
	{ "* ACL INBOX Fred rwipslxetad -bob r\r\n", 0,
	  "* ACL  INBOX\n"
	  "  Fred               rwipslxetad\n"
	  "  -bob               r  (denied)\n" },
	{ "* ACL Entw&APw-rfe\r\n", 0, "* ACL  Entwürfe  no entries\n" },
	{ "* MYRIGHTS INBOX rwiptsldaex\r\n", 0, "* MYRIGHTS  INBOX  rwiptsldaex\n" },
	{ "* MYRIGHTS Shared \"\"\r\n", 0, "* MYRIGHTS  Shared  no rights\n" },
	{ "* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n", 0,
	  "* LISTRIGHTS  ~/Mail/saved  smith  always: la  may be given: r swicdkxte\n" },
	{ "* LISTRIGHTS INBOX anyone \"\" l r w\r\n", 0,
	  "* LISTRIGHTS  INBOX  anyone  always: none  may be given: l r w\n" },
	{ "* METADATA INBOX (/private/comment \"My own\" /shared/comment NIL)\r\n", 0,
	  "* METADATA  INBOX\n"
	  "  /private/comment   My own\n"
	  "  /shared/comment    (not set)\n" },
	{ "* METADATA \"\" (/shared/admin {14}\r\nmailto:a@b.org)\r\n", 0,
	  "* METADATA  (server)\n"
	  "  /shared/admin      mailto:a@b.org\n" },
	{ "* METADATA INBOX /shared/comment /private/comment\r\n", 0,
	  "* METADATA  INBOX  changed: /shared/comment /private/comment\n" },
	/* a list cut short: the generic line */
	{ "* METADATA INBOX (/private/comment)\r\n", 0, "* METADATA INBOX (/private/comment)\n" },

	/* FETCH: items on one line, ENVELOPE decoded, BODYSTRUCTURE a table */
	{ "* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n", 0, "* 2 FETCH  UID 2  \\Seen\n" },
	{ "* 1 FETCH (FLAGS ())\r\n", 0, "* 1 FETCH  no flags\n" },
	{ "* 1 FETCH (UID 7 RFC822.SIZE 2348 INTERNALDATE \"01-Jan-2023 01:51:42 +0100\" MODSEQ (12))\r\n",
	  0, "* 1 FETCH  UID 7  2.3 KB  received 2023-01-01 01:51:42 +01:00  MODSEQ 12\n" },
	{ "* 3 FETCH (ENVELOPE (\"Sat, 31 Dec 2022 16:51:42 -0800\" \"=?utf-8?B?R3LDvMOfZQ==?=\" "
	  "((\"=?ISO-8859-1?Q?=D8rjan_=C5sli?=\" NIL \"orjan\" \"example.no\")) "
	  "((\"=?ISO-8859-1?Q?=D8rjan_=C5sli?=\" NIL \"orjan\" \"example.no\")) "
	  "((NIL NIL \"list\" \"example.org\")) "
	  "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
	  "((NIL NIL \"team\" NIL)(\"Bob\" NIL \"bob\" \"example.net\")(NIL NIL \"carol\" \"example.com\")(NIL NIL NIL NIL)) "
	  "NIL \"<a@b>\" \"<c@d>\"))\r\n", 0,
	  "* 3 FETCH\n"
	  "  Date        Sat, 31 Dec 2022 16:51:42 -0800\n"
	  "  From        Ørjan Åsli <orjan@example.no>\n"
	  "  Reply-To    list@example.org\n"
	  "  To          undisclosed-recipients:;\n"
	  "  Cc          team: Bob <bob@example.net>, carol@example.com;\n"
	  "  Subject     Grüße\n"
	  "  Message-ID  <c@d>\n"
	  "  In-Reply-To <a@b>\n" },
	/* a display name with a comma is quoted, so that the list reads right */
	{ "* 8 FETCH (ENVELOPE (NIL NIL ((\"Smith, Walter\" NIL \"ws\" \"x.org\")) NIL NIL "
	  "((\"A \\\"b\\\" C\" NIL \"a\" \"x.org\")(\"=?utf-8?Q?Dent=2C_=C3=85sa?=\" NIL \"d\" \"x.org\")) "
	  "NIL NIL NIL NIL))\r\n", 0,
	  "* 8 FETCH\n"
	  "  From        \"Smith, Walter\" <ws@x.org>\n"
	  "  To          A \"b\" C <a@x.org>, \"Dent, \xc3\x85sa\" <d@x.org>\n" },
	/* an unknown charset keeps its word; an escape sequence is escaped */
	{ "* 4 FETCH (ENVELOPE (NIL \"=?x-nope?Q?abc?= \x1b[1m\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", 0,
	  "* 4 FETCH\n  Subject     =?x-nope?Q?abc?= \\x1b[1m\n" },
	{ "* 5 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 3300 59 NIL NIL NIL NIL)"
	  "(\"APPLICATION\" \"PDF\" (\"NAME\" \"x.pdf\") NIL NIL \"BASE64\" 120000 NIL "
	  "(\"ATTACHMENT\" (\"FILENAME*\" \"utf-8''r%C3%A9sum%C3%A9.pdf\")) NIL NIL)"
	  "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 500 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
	  "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 20 1 NIL NIL NIL NIL) 12 NIL NIL NIL NIL) \"MIXED\" NIL NIL NIL NIL))\r\n",
	  0,
	  "* 5 FETCH\n"
	  "  Parts            multipart/mixed\n"
	  "              1      text/plain; charset=UTF-8  7bit       3.2 KB  59 lines\n"
	  "              2      application/pdf            base64   117.2 KB            "
	  "attachment \"résumé.pdf\"\n"
	  "              3      message/rfc822             7bit    500 bytes  12 lines\n"
	  "              3.1      text/plain               7bit     20 bytes    1 line\n" },
	/* body sections: the key and size, then the text */
	{ "* 6 FETCH (UID 6 BODY[HEADER.FIELDS (SUBJECT)] {11}\r\nSubject: x\n)\r\n", 0,
	  "* 6 FETCH  UID 6\n  BODY[HEADER.FIELDS (SUBJECT)]  11 bytes\nSubject: x\n" },
	{ "* 6 FETCH (BODY[1] NIL BODY[2] \"\")\r\n", 0, "* 6 FETCH\n  BODY[1]  NIL\n  BODY[2]  \"\"\n" },
	/* with BODYSTRUCTURE in the same FETCH, a text part is decoded:
	 * quoted-printable and ISO-8859-1, base64 and UTF-8; an unknown
	 * charset is said, the bytes shown as sent; a partial fetch is not
	 * decoded (it may cut an encoded unit) */
	{ "* 12 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"ISO-8859-1\") NIL NIL "
	  "\"QUOTED-PRINTABLE\" 26 2 NIL NIL NIL NIL) BODY[1] {26}\r\nGr=FC=DFe aus M=FCn=\r\nchen)\r\n",
	  0, "* 12 FETCH\n"
	     "  Parts       1  text/plain; charset=ISO-8859-1  quoted-printable  26 bytes  2 lines\n"
	     "  BODY[1]  26 bytes  decoded: quoted-printable, ISO-8859-1\n"
	     "Grüße aus München\n" },
	{ "* 13 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL "
	  "\"BASE64\" 20 1 NIL NIL NIL NIL) BODY[TEXT] {20}\r\nSGVsbG8sIFfDtnJsZCEK)\r\n",
	  0, "* 13 FETCH\n"
	     "  Parts       1  text/plain; charset=UTF-8  base64  20 bytes  1 line\n"
	     "  BODY[TEXT]  20 bytes  decoded: base64\n"
	     "Hello, Wörld!\n" },
	{ "* 14 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"X-NONE\") NIL NIL "
	  "\"8BIT\" 4 1 NIL NIL NIL NIL) BODY[1] {4}\r\ncaf\xe9)\r\n",
	  0, "* 14 FETCH\n"
	     "  Parts       1  text/plain; charset=X-NONE  8bit  4 bytes  1 line\n"
	     "  BODY[1]  4 bytes  decoded: charset X-NONE unknown: as sent\n"
	     "caf\\xe9\n" },
	{ "* 15 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"ISO-8859-1\") NIL NIL "
	  "\"QUOTED-PRINTABLE\" 26 2 NIL NIL NIL NIL) BODY[1]<0> {6}\r\nGr=FC=)\r\n",
	  0, "* 15 FETCH\n"
	     "  Parts       1  text/plain; charset=ISO-8859-1  quoted-printable  26 bytes  2 lines\n"
	     "  BODY[1]<0>  \"Gr=FC=\"\n" },
	/* PREVIEW (RFC 8970) and SNIPPET (draft-ietf-extra-imap-fetch-snippet):
	 * a line of text each, control characters escaped; SNIPPET's
	 * algorithm after its text, its text quoted or a literal (Dovecot) */
	{ "* 16 FETCH (UID 16 PREVIEW \"Hi \x01there\" SNIPPET (FUZZY \"Hello Alice, "
	  "the meeting moved to 3 pm.\"))\r\n", 0,
	  "* 16 FETCH  UID 16\n"
	  "  Preview     Hi \\x01there\n"
	  "  Snippet     Hello Alice, the meeting moved to 3 pm.  (FUZZY)\n" },
	{ "* 17 FETCH (SNIPPET (FUZZY {26}\r\nGr\xc3\xbc\xc3\x9f" "e\r\n\x1b[31mrot\tund \"so\") "
	  "UID 17)\r\n", 0,
	  "* 17 FETCH  UID 17\n"
	  "  Snippet     Gr\xc3\xbc\xc3\x9f" "e\\x0d\\x0a\\x1b[31mrot\tund \"so\"  (FUZZY)\n" },
	{ "* 18 FETCH (SNIPPET (FUZZY \"say \\\"hi\\\"\"))\r\n", 0,
	  "* 18 FETCH\n  Snippet     say \"hi\"  (FUZZY)\n" },
	/* PREVIEW NIL (LAZY: none yet) and "" (nothing to preview) are said */
	{ "* 20 FETCH (UID 20 PREVIEW NIL)\r\n", 0,
	  "* 20 FETCH  UID 20\n  Preview     (not available)\n" },
	{ "* 21 FETCH (PREVIEW \"\")\r\n", 0, "* 21 FETCH\n  Preview     (empty)\n" },
	/* no text, or not that shape: the item as sent */
	{ "* 19 FETCH (UID 19 SNIPPET (FUZZY NIL))\r\n", 0, "* 19 FETCH  UID 19  SNIPPET (FUZZY NIL)\n" },
	{ "* 19 FETCH (UID 19 SNIPPET (FUZZY \"\"))\r\n", 0,
	  "* 19 FETCH  UID 19  SNIPPET (FUZZY \"\")\n" },
	{ "* 19 FETCH (UID 19 SNIPPET \"text\")\r\n", 0, "* 19 FETCH  UID 19  SNIPPET \"text\"\n" },
	/* what the view does not know is kept, in order */
	{ "* 7 FETCH (UID 7 X-THING (a b) FLAGS (\\Seen))\r\n", 0,
	  "* 7 FETCH  UID 7  \\Seen  X-THING (a b)\n" },

	/* section literals: a short one stays in its line; Latin-1 is text,
	 * escaped (and then a backslash of its own too), not "binary" */
	{ "* 9 FETCH (BODY[1] {5}\r\nhello UID 9)\r\n", 0, "* 9 FETCH  UID 9\n  BODY[1]  \"hello\"\n" },
	{ "* 9 FETCH (BODY[1] {7}\r\na \"b\" \\ UID 9)\r\n", 0,
	  "* 9 FETCH  UID 9\n  BODY[1]  \"a \\\"b\\\" \\\\\"\n" },
	{ "* 10 FETCH (BODY[1] {13}\r\nGr\xfc\xdf" "e\r\nM\xfc\\n\r\n)\r\n", TTY,
	  "* 10 FETCH\n  BODY[1]  13 bytes\nGr\\xfc\\xdf" "e\nM\\xfc\\\\n\n" },
	{ "* 11 FETCH (BODY[1] {6}\r\n\x01\x02\x03\xff\xfeZ)\r\n", TTY,
	  "* 11 FETCH\n  BODY[1]  6 bytes\n<binary data, 6 bytes: save it with > FILE>\n" },

	/* responses without a view here keep the generic line */
	{ "* 3 EXISTS\r\n", 0, "* 3 EXISTS\n" },
	{ "* OK [UIDNEXT 13] Predicted next UID\r\n", 0, "* OK [UIDNEXT 13] Predicted next UID\n" },

	/* colour: status words, codes (ALERT and its text stand out), data
	 * names, flags; what the server sent stays escaped */
	{ "A1 OK [READ-WRITE] Select completed\r\n", COLOR,
	  "\033[32mOK\033[m \033[36m[READ-WRITE]\033[m Select completed\n" },
	{ "A2 NO [TRYCREATE] No such mailbox\r\n", COLOR,
	  "\033[33mNO\033[m \033[36m[TRYCREATE]\033[m No such mailbox\n" },
	{ "A3 BAD Unknown command\r\n", COLOR, "\033[1;31mBAD\033[m Unknown command\n" },
	{ "* BYE shutting down\r\n", COLOR, "* \033[1;31mBYE\033[m shutting down\n" },
	{ "* OK [ALERT] Disk \x1b[31mfull\r\n", COLOR,
	  "* \033[32mOK\033[m \033[1;31m[ALERT]\033[m \033[1mDisk \\x1b[31mfull\033[m\n" },
	{ "* OK Still here\r\n", COLOR, "* \033[32mOK\033[m Still here\n" },
	{ "* 3 EXISTS\r\n", COLOR, "* 3 \033[1mEXISTS\033[m\n" },
	{ "* LIST (\\HasNoChildren) \".\" INBOX\r\n", COLOR,
	  "* \033[1mLIST\033[m  INBOX                     .  \\HasNoChildren\n" },
	{ "* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))\r\n", COLOR,
	  "* 1 \033[1mFETCH\033[m  UID 1  \033[35m\\Seen\033[m \033[35m\\Flagged\033[m\n" },
	{ "+ Ready\r\n", COLOR, "+ Ready\n" },

	/* CAPABILITY wrapped to a terminal's width (here 40), as sent in a
	 * script; the greeting's [CAPABILITY] too */
	{ "* CAPABILITY IMAP4rev2 AUTH=PLAIN AUTH=SCRAM-SHA-256 IDLE NAMESPACE UIDPLUS MOVE\r\n",
	  WIDTH40, "* CAPABILITY  IMAP4rev2 AUTH=PLAIN\n"
		   "              AUTH=SCRAM-SHA-256 IDLE\n"
		   "              NAMESPACE UIDPLUS MOVE\n" },
	{ "* CAPABILITY IMAP4rev2 AUTH=PLAIN AUTH=SCRAM-SHA-256 IDLE NAMESPACE UIDPLUS MOVE\r\n", 0,
	  "* CAPABILITY IMAP4rev2 AUTH=PLAIN AUTH=SCRAM-SHA-256 IDLE NAMESPACE UIDPLUS MOVE\n" },
	{ "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE] Dovecot ready.\r\n",
	  WIDTH40, "* OK [CAPABILITY IMAP4rev1 SASL-IR\n"
		   "                 LOGIN-REFERRALS ID\n"
		   "                 ENABLE IDLE]\n"
		   "                 Dovecot ready.\n" },
	{ "A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n", WIDTH40,
	  "OK [CAPABILITY IMAP4rev1 IDLE] Logged in\n" },
	{ "* ENABLED CONDSTORE QRESYNC\r\n", WIDTH40, "* ENABLED  CONDSTORE QRESYNC\n" },
};

static struct imap_response *parse(const char *wire)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;

	imap_parser_feed(p, wire, strlen(wire));
	ck_assert_msg(imap_parser_next(p, &r, &err) == 1, "no response from %s: %s", wire, err.msg);
	imap_parser_free(p);
	return r;
}

START_TEST(test_pretty_cases)
{
	const struct pcase *c = &cases[_i];
	struct imap_response *r = parse(c->wire);
	struct render_opts o = { .format = RENDER_PRETTY };
	struct buf b = BUF_INIT, esc = BUF_INIT;

	o.utf8_names = (c->opts & UTF8) != 0;
	o.show_wire = (c->opts & WIRE) != 0;
	o.tty = (c->opts & TTY) != 0;
	o.color = (c->opts & COLOR) != 0;
	o.width = (c->opts & WIDTH40) ? 40 : 0;
	buf_adds(&b, "before\n");
	render_response(&b, r, &o);
	buf_add_escaped(&esc, b.buf, b.len);
	ck_assert_msg(b.len == 7 + strlen(c->want) && !memcmp(b.buf + 7, c->want, b.len - 7),
		      "case %d: got [%s]", _i, esc.buf);
	buf_release(&b);
	buf_release(&esc);
	imap_response_free(r);
}
END_TEST

/* A response built by hand (no arena) is shown the generic way. */
START_TEST(test_no_arena)
{
	struct imap_value items[] = {
		{ .type = IMAP_VALUE_NUMBER, .str = "4", .len = 1, .num = 4 },
	};
	struct imap_response r = {
		.kind = IMAP_RESP_UNTAGGED, .tag = "*", .name = "SEARCH", .text = "",
		.data = { .type = IMAP_VALUE_LIST, .items = items, .count = 1 },
	};
	struct buf b = BUF_INIT;

	render_response(&b, &r, NULL);
	ck_assert_str_eq(b.buf, "* SEARCH 4\n");
	buf_release(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pretty");
	TCase *tc = tcase_create("views");

	tcase_add_loop_test(tc, test_pretty_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_no_arena);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
