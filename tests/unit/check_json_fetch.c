/*
 * check_json_fetch.c - the -o json object of a FETCH (json_fetch(),
 * src/shell/json_fetch.c): each case is one response as exact wire bytes
 * through the real parser, written inside an object the way render_json.c
 * does ({"version":1, then json_fetch()'s fields}), against the JSON text
 * expected, byte for byte.  A case whose want is NOTYOURS is a response
 * json_fetch() must leave alone: false, nothing written.
 *
 * JSON_FETCH_DUMP=FILE appends each case's output to FILE, one line each
 * (for checking them as JSON and against the schema outside).
 */
#include "proto/parser.h"
#include "shell/json.h"
#include "shell/json_view.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jcase {
	const char *wire;
	size_t len;       /* 0: strlen(wire) */
	unsigned opts;    /* UTF8, SINK, BIG */
	const char *want; /* the whole object */
};

#define UTF8 1u /* mailbox names are UTF-8 (o->utf8_names) */
#define SINK 2u /* literals of 8 bytes and more go to a sink */
#define BIG 4u  /* ... and the writer's big callback reads them back */

#define BIN(s) s, sizeof(s) - 1
#define NOTYOURS "{\"version\":1}"

#define TERRY "(\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")"

/* A tree of 13 multiparts one inside the other (BODY, no extension data). */
#define LEAF "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)"
#define D(x) "(" x " \"MIXED\")"
#define DEEP_WIRE D(D(D(D(D(D(D(D(D(D(D(D(D(LEAF)))))))))))))

static const struct jcase cases[] = {
	/* ---- items: RFC 9051 sec. 7.5.2 and 8, RFC 3501 sec. 6.4.8 */
	{ "* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":23,\"flags\":[\"\\\\Seen\"],\"size\":44827}" },
	{ "* 25 FETCH (FLAGS (\\Seen \\Answered $Forwarded) UID 4828442)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":25,\"uid\":4828442,\"flags\":[\"\\\\Seen\","
	  "\"\\\\Answered\",\"$Forwarded\"]}" },
	{ "* 1 FETCH (FLAGS ())\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":1,\"flags\":[]}" },
	{ "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
	  "RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
	  "\"IMAP4rev2 WG mtg summary and minutes\" (" TERRY ") (" TERRY ") (" TERRY ") "
	  "((NIL NIL \"imap\" \"cac.washington.edu\")) "
	  "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) "
	  "NIL NIL \"<B27397-0100000@cac.washington.edu>\") "
	  "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":12,\"flags\":[\"\\\\Seen\"],\"size\":4286,"
	  "\"internaldate\":\"1996-07-17T02:44:25-07:00\",\"envelope\":{\"date\":\"Wed, 17 Jul 1996 02:"
	  "23:25 -0700 (PDT)\",\"subject\":\"IMAP4rev2 WG mtg summary and minutes\",\"from\":[{"
	  "\"name\":\"Terry Gray\",\"mailbox\":\"gray\",\"host\":\"cac.washington.edu\",\"address\":"
	  "\"gray@cac.washington.edu\"}],\"sender\":[{\"name\":\"Terry Gray\",\"mailbox\":\"gray\","
	  "\"host\":\"cac.washington.edu\",\"address\":\"gray@cac.washington.edu\"}],\"reply_to\":"
	  "[{\"name\":\"Terry Gray\",\"mailbox\":\"gray\",\"host\":\"cac.washington.edu\",\"address\":"
	  "\"gray@cac.washington.edu\"}],\"to\":[{\"name\":null,\"mailbox\":\"imap\",\"host\":\"cac.washington.ed"
	  "u\",\"address\":\"imap@cac.washington.edu\"}],\"cc\":[{\"name\":null,\"mailbox\":\"minutes\","
	  "\"host\":\"CNRI.Reston.VA.US\",\"address\":\"minutes@CNRI.Reston.VA.US\"},{\"name\":"
	  "\"John Klensin\",\"mailbox\":\"KLENSIN\",\"host\":\"MIT.EDU\",\"address\":\"KLENSIN@MIT.EDU\"}],"
	  "\"bcc\":null,\"in_reply_to\":null,\"message_id\":\"<B27397-0100000@cac.washington.edu>\"},"
	  "\"body\":{\"part\":\"1\",\"section\":\"1\",\"extended\":false,\"type\":\"text\",\"subtype\":"
	  "\"plain\",\"params\":{\"charset\":\"US-ASCII\"},\"id\":null,\"description\":null,\"encoding\":"
	  "\"7bit\",\"size\":3028,\"lines\":92}}" },
	/* RFC 7162, RFC 8474, RFC 8970, RFC 8514 */
	{ "* 7 FETCH (MODSEQ (12121231000) UID 4)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":7,\"uid\":4,\"modseq\":12121231000}" },
	{ "* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) UID 1)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":1,\"uid\":1,\"emailid\":\"M6d99ac3275bb4e\","
	  "\"threadid\":\"T64b478a75b7ea9\"}" },
	{ "* 4 FETCH (EMAILID (M5fdc09b49ea703) THREADID NIL PREVIEW NIL)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":4,\"preview\":null,\"emailid\":\"M5fdc09b49ea703\","
	  "\"threadid\":null}" },
	{ "* 1 FETCH (PREVIEW \"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\")\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":1,\"preview\":\"Lorem ipsum dolor sit amet,"
	  " consectetur adipiscing elit.\"}" },
	{ "* 1 FETCH (UID 1 SAVEDATE \"29-Apr-2018 12:07:54 +0200\" INTERNALDATE \" 1-Jan-2023 01:51:42 +0100\")\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":1,\"uid\":1,\"internaldate\":\"2023-01-01T01:"
	  "51:42+01:00\",\"savedate\":\"2018-04-29T12:07:54+02:00\"}" },
	{ "* 2 FETCH (SAVEDATE NIL INTERNALDATE \"yesterday\")\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"internaldate_raw\":\"yesterday\",\"savedate\":"
	  "null}" },
	{ BIN("* 4 FETCH (INTERNALDATE {27}\r\n17-Jul-1996 02:44:25 -0700\0)\r\n"), 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":4,\"internaldate_raw\":\"17-Jul-1996 02:44:"
	  "25 -0700\\u0000\"}" },
	/* Gmail: labels are mailbox names (modified UTF-7, or UTF-8) */
	{ "* 1 FETCH (X-GM-THRID 1278455344230334865 X-GM-MSGID 1278455344230334866 "
	  "X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\") UID 25)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":1,\"uid\":25,\"gm_msgid\":1278455344230334866,"
	  "\"gm_thrid\":1278455344230334865,\"gm_labels\":[\"\\\\Inbox\",\"\\\\Sent\",\"Important\","
	  "\"Muy Importante\"]}" },
	{ "* 2 FETCH (X-GM-LABELS (\"&AMk-tiquette\" inbox \"a&Jjo\" NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"gm_labels\":[\"Étiquette\",\"INBOX\",\"a&Jjo\","
	  "null],\"gm_labels_wire\":[\"&AMk-tiquette\",\"inbox\",\"a&Jjo\",null],\"gm_labels_invalid\":"
	  "[2]}" },
	{ "* 2 FETCH (X-GM-LABELS (\"\xc3\x89tiquette\" \"a&Jjo\" \"\xff\"))\r\n", 0, UTF8,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"gm_labels\":[\"Étiquette\",\"a&Jjo\",{"
	  "\"base64\":\"/w==\"}],\"gm_labels_invalid\":[2]}" },
	{ "* 2 FETCH (X-GM-LABELS ())\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"gm_labels\":[]}" },
	/* ---- what the view does not know: kept in order */
	{ "* 6 FETCH (X-FOO (1 \"2\") UID abc MODSEQ 5 FLAGS NIL UID 9 X-BAR NIL)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":6,\"uid\":9,\"items\":[{\"key\":\"X-FOO\","
	  "\"value\":[1,\"2\"]},{\"key\":\"UID\",\"value\":\"abc\"},{\"key\":\"MODSEQ\",\"value\":"
	  "5},{\"key\":\"FLAGS\",\"value\":null},{\"key\":\"X-BAR\",\"value\":null}]}" },
	{ "* 7 FETCH (UID 5 FLAGS)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":7,\"uid\":5,\"items\":[{\"key\":\"FLAGS\"}]}" },
	{ "* 8 FETCH (\"UID\" 5 (x) y UID 6)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":8,\"uid\":6,\"items\":[{\"key\":\"UID\",\"value\":"
	  "5},{\"key\":[\"x\"],\"value\":\"y\"}]}" },
	{ "* 9 FETCH (UID 1) junk (2)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":9,\"uid\":1,\"extra\":[\"junk\",[2]]}" },
	{ "* 9 FETCH ()\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":9}" },
	{ "* 10 FETCH (X-\xc3\xa9 1 UID 2)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":10,\"uid\":2,\"items\":[{\"key\":\"X-é\",\"value\":"
	  "1}]}" },
	/* ---- not a FETCH (or not one with a view): nothing written */
	{ "* 9 FETCH UID 1\r\n", 0, 0, NOTYOURS },
	{ "* 9 FETCH\r\n", 0, 0, NOTYOURS },
	{ "* 3 EXISTS\r\n", 0, 0, NOTYOURS },
	{ "* SEARCH 2 3\r\n", 0, 0, NOTYOURS },
	{ "* OK [UIDVALIDITY 3] FETCH\r\n", 0, 0, NOTYOURS },
	{ "A1 OK FETCH done\r\n", 0, 0, NOTYOURS },
	{ "+ FETCH\r\n", 0, 0, NOTYOURS },

	/* ---- ENVELOPE: RFC 2047 (the demo mailbox), groups */
	{ "* 4 FETCH (UID 4 ENVELOPE (\"Tue, 07 Nov 2023 08:15:00 +0100\" "
	  "\"=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=\" "
	  "((\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\" NIL \"joerg\" \"example.de\")) "
	  "((\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\" NIL \"joerg\" \"example.de\")) "
	  "((\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\" NIL \"joerg\" \"example.de\")) "
	  "((NIL NIL \"alice\" \"example.org\")) NIL NIL NIL \"<gruesse-1@example.de>\"))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":4,\"uid\":4,\"envelope\":{\"date\":\"Tue, 07 Nov 2023 08:"
	  "15:00 +0100\",\"subject\":\"Grüße aus München\",\"subject_raw\":\"=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW"
	  "4=?=\",\"from\":[{\"name\":\"Jörg Müller\",\"name_raw\":\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\","
	  "\"mailbox\":\"joerg\",\"host\":\"example.de\",\"address\":\"joerg@example.de\"}],\"sender\":"
	  "[{\"name\":\"Jörg Müller\",\"name_raw\":\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\",\"mailbox\":"
	  "\"joerg\",\"host\":\"example.de\",\"address\":\"joerg@example.de\"}],\"reply_to\":[{"
	  "\"name\":\"Jörg Müller\",\"name_raw\":\"=?ISO-8859-1?Q?J=F6rg_M=FCller?=\",\"mailbox\":"
	  "\"joerg\",\"host\":\"example.de\",\"address\":\"joerg@example.de\"}],\"to\":[{\"name\":"
	  "null,\"mailbox\":\"alice\",\"host\":\"example.org\",\"address\":\"alice@example.org\"}],"
	  "\"cc\":null,\"bcc\":null,\"in_reply_to\":null,\"message_id\":\"<gruesse-1@example.de>\"}}" },
	{ "* 11 FETCH (ENVELOPE (\"Sat, 11 Nov 2023 10:00:00 +0000\" \"You have won!!!\" "
	  "((\"Prize Office\" NIL \"winner\" \"win.example\")) NIL NIL "
	  "((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) "
	  "((NIL NIL \"=?utf-8?Q?=C3=89quipe?=\" NIL)(\"Ann\" NIL \"ann\" \"example.com\")"
	  "(\"Smith, Bob\" NIL \"bob\" \"example.com\")(NIL NIL NIL NIL)(\"Carl\" NIL \"carl\" \"example.org\")) "
	  "NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":11,\"envelope\":{\"date\":\"Sat, 11 Nov 2023 10:"
	  "00:00 +0000\",\"subject\":\"You have won!!!\",\"from\":[{\"name\":\"Prize Office\",\"mailbox\":"
	  "\"winner\",\"host\":\"win.example\",\"address\":\"winner@win.example\"}],\"sender\":"
	  "null,\"reply_to\":null,\"to\":[{\"group\":\"undisclosed-recipients\",\"members\":[]}],"
	  "\"cc\":[{\"group\":\"Équipe\",\"group_raw\":\"=?utf-8?Q?=C3=89quipe?=\",\"members\":"
	  "[{\"name\":\"Ann\",\"mailbox\":\"ann\",\"host\":\"example.com\",\"address\":\"ann@example.com\"},"
	  "{\"name\":\"Smith, Bob\",\"mailbox\":\"bob\",\"host\":\"example.com\",\"address\":\"bob@example.com\"}"
	  "]},{\"name\":\"Carl\",\"mailbox\":\"carl\",\"host\":\"example.org\",\"address\":\"carl@example.org\"}]"
	  ",\"bcc\":null,\"in_reply_to\":null,\"message_id\":null}}" },
	/* NIL everywhere; a short envelope; a source route; a literal subject */
	{ "* 3 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":3,\"envelope\":{\"date\":null,\"subject\":"
	  "null,\"from\":null,\"sender\":null,\"reply_to\":null,\"to\":null,\"cc\":null,\"bcc\":"
	  "null,\"in_reply_to\":null,\"message_id\":null}}" },
	{ "* 4 FETCH (ENVELOPE (\"d\" \"s\"))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":4,\"envelope\":{\"date\":\"d\",\"subject\":"
	  "\"s\"}}" },
	{ "* 2 FETCH (ENVELOPE (NIL {19}\r\nline one\r\n line two "
	  "((\"Al\" \"@relay.example\" \"al\" \"example.net\")) nil NIL NIL NIL NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"envelope\":{\"date\":null,\"subject\":"
	  "\"line one line two\",\"subject_raw\":\"line one\\r\\n line two\",\"from\":[{\"name\":"
	  "\"Al\",\"adl\":\"@relay.example\",\"mailbox\":\"al\",\"host\":\"example.net\",\"address\":"
	  "\"al@example.net\"}],\"sender\":null,\"reply_to\":null,\"to\":null,\"cc\":null,\"bcc\":"
	  "null,\"in_reply_to\":null,\"message_id\":null}}" },
	/* the demo's lunch thread: a reply, with Cc */
	{ "* 6 FETCH (UID 6 ENVELOPE (\"Thu, 09 Nov 2023 12:05:00 +0100\" \"Re: Lunch on Friday?\" "
	  "((\"Bob Builder\" NIL \"bob\" \"example.net\")) ((\"Bob Builder\" NIL \"bob\" \"example.net\")) "
	  "((\"Bob Builder\" NIL \"bob\" \"example.net\")) ((\"Carol Crane\" NIL \"carol\" \"example.com\")) "
	  "((\"Alice Liddell\" NIL \"alice\" \"example.org\")) NIL \"<lunch-1@example.com>\" "
	  "\"<lunch-2@example.net>\"))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":6,\"uid\":6,\"envelope\":{\"date\":\"Thu, 09 Nov 2023 12:"
	  "05:00 +0100\",\"subject\":\"Re: Lunch on Friday?\",\"from\":[{\"name\":\"Bob Builder\","
	  "\"mailbox\":\"bob\",\"host\":\"example.net\",\"address\":\"bob@example.net\"}],\"sender\":"
	  "[{\"name\":\"Bob Builder\",\"mailbox\":\"bob\",\"host\":\"example.net\",\"address\":"
	  "\"bob@example.net\"}],\"reply_to\":[{\"name\":\"Bob Builder\",\"mailbox\":\"bob\",\"host\":"
	  "\"example.net\",\"address\":\"bob@example.net\"}],\"to\":[{\"name\":\"Carol Crane\","
	  "\"mailbox\":\"carol\",\"host\":\"example.com\",\"address\":\"carol@example.com\"}],\"cc\":"
	  "[{\"name\":\"Alice Liddell\",\"mailbox\":\"alice\",\"host\":\"example.org\",\"address\":"
	  "\"alice@example.org\"}],\"bcc\":null,\"in_reply_to\":\"<lunch-1@example.com>\",\"message_id\":"
	  "\"<lunch-2@example.net>\"}}" },
	/* not addresses, a value not a list, extra values, a group never
	 * closed, an end without a start, marker with a name */
	{ "* 5 FETCH (ENVELOPE (NIL NIL (x (\"a\" NIL \"b\") (NIL NIL \"m\" \"h\" extra)) "
	  "\"notalist\" NIL ((NIL NIL NIL NIL)(\"A\" NIL \"a\" \"h\")(NIL NIL \"g\" NIL)(\"B\" NIL \"b\" \"h\")) "
	  "((\"odd\" NIL \"g2\" NIL)(NIL NIL NIL NIL x)) NIL NIL NIL 42 (z)))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":5,\"envelope\":{\"date\":null,\"subject\":"
	  "null,\"from\":[{\"raw\":\"x\"},{\"raw\":[\"a\",null,\"b\"]},{\"name\":null,\"mailbox\":"
	  "\"m\",\"host\":\"h\",\"address\":\"m@h\",\"raw\":[null,null,\"m\",\"h\",\"extra\"]}],"
	  "\"sender\":null,\"sender_raw\":\"notalist\",\"reply_to\":null,\"to\":[{\"raw\":[null,"
	  "null,null,null]},{\"name\":\"A\",\"mailbox\":\"a\",\"host\":\"h\",\"address\":\"a@h\"},"
	  "{\"group\":\"g\",\"members\":[{\"name\":\"B\",\"mailbox\":\"b\",\"host\":\"h\",\"address\":"
	  "\"b@h\"}]}],\"cc\":[{\"group\":\"g2\",\"raw\":[\"odd\",null,\"g2\",null],\"members\":"
	  "[],\"end_raw\":[null,null,null,null,\"x\"]}],\"bcc\":null,\"in_reply_to\":null,\"message_id\":"
	  "null,\"extra\":[42,[\"z\"]]}}" },
	/* decoding problems are said: an unknown charset, bytes not valid in
	 * theirs, 8-bit text outside words (Latin-1 sent raw) */
	{ "* 6 FETCH (ENVELOPE (NIL \"=?x-nope?Q?abc?= \x1b[1m\" "
	  "((\"=?utf-8?B?/w==?=\" NIL \"x\" \"y\")) NIL NIL "
	  "((\"M\xfcller\" NIL \"m\" \"h\")) NIL NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":6,\"envelope\":{\"date\":null,\"subject\":"
	  "\"=?x-nope?Q?abc?= \\u001b[1m\",\"subject_flags\":[\"unknown-charset\"],\"from\":[{\"name\":"
	  "\"�\",\"name_raw\":\"=?utf-8?B?/w==?=\",\"name_flags\":[\"invalid-bytes\"],\"mailbox\":"
	  "\"x\",\"host\":\"y\",\"address\":\"x@y\"}],\"sender\":null,\"reply_to\":null,\"to\":"
	  "[{\"name\":{\"base64\":\"TfxsbGVy\"},\"name_flags\":[\"raw-8bit\"],\"mailbox\":\"m\","
	  "\"host\":\"h\",\"address\":\"m@h\"}],\"cc\":null,\"bcc\":null,\"in_reply_to\":null,\"message_id\":"
	  "null}}" },
	{ "* 8 FETCH (ENVELOPE NIL)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":8,\"items\":[{\"key\":\"ENVELOPE\",\"value\":"
	  "null}]}" },

	/* ---- BODY / BODYSTRUCTURE */
	/* RFC 3501 sec. 7.4.2 (no extension data) */
	{ "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)"
	  "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") "
	  "\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\"))\r\n",
	  0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":true,\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":"
	  "\"1\",\"section\":\"1\",\"type\":\"text\",\"subtype\":\"plain\",\"params\":{\"charset\":"
	  "\"US-ASCII\"},\"id\":null,\"description\":null,\"encoding\":\"7bit\",\"size\":1152,\"lines\":"
	  "23},{\"part\":\"2\",\"section\":\"2\",\"type\":\"text\",\"subtype\":\"plain\",\"params\":"
	  "{\"charset\":\"US-ASCII\",\"name\":\"cc.diff\"},\"id\":\"<960723163407.20117h@cac.washington.edu>\","
	  "\"description\":\"Compiler diff\",\"encoding\":\"base64\",\"size\":4554,\"lines\":73}]}}" },
	/* the demo's Q3 report: text and a CSV attachment, Dovecot style */
	{ "* 3 FETCH (UID 3 BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 120 4 NIL NIL NIL NIL)"
	  "(\"text\" \"csv\" (\"name\" \"report.csv\") NIL NIL \"7bit\" 64 3 NIL "
	  "(\"attachment\" (\"filename\" \"report.csv\")) NIL NIL) \"mixed\" (\"boundary\" \"mix-q3-0001\") NIL NIL NIL))\r\n",
	  0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":3,\"uid\":3,\"body\":{\"part\":\"\",\"section\":"
	  "\"TEXT\",\"extended\":true,\"type\":\"multipart\",\"subtype\":\"mixed\",\"params\":{"
	  "\"boundary\":\"mix-q3-0001\"},\"disposition\":null,\"language\":null,\"location\":null,"
	  "\"parts\":[{\"part\":\"1\",\"section\":\"1\",\"type\":\"text\",\"subtype\":\"plain\","
	  "\"params\":{\"charset\":\"us-ascii\"},\"id\":null,\"description\":null,\"encoding\":"
	  "\"7bit\",\"size\":120,\"lines\":4,\"md5\":null,\"disposition\":null,\"language\":null,"
	  "\"location\":null},{\"part\":\"2\",\"section\":\"2\",\"type\":\"text\",\"subtype\":\"csv\","
	  "\"params\":{\"name\":\"report.csv\"},\"id\":null,\"description\":null,\"encoding\":\"7bit\","
	  "\"size\":64,\"lines\":3,\"md5\":null,\"disposition\":{\"type\":\"attachment\",\"params\":"
	  "{\"filename\":\"report.csv\"}},\"language\":null,\"location\":null}]}}" },
	/* RFC 2231: an encoded name, continuations (with charset, and plain),
	 * an RFC 2047 name (Outlook), md5, languages, location, extensions */
	{ "* 4 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\" \"format\" \"flowed\") "
	  "NIL NIL \"8bit\" 120 4 NIL (\"inline\" NIL) \"de\" NIL)"
	  "(\"application\" \"pdf\" (\"name*\" \"utf-8''R%C3%A9sum%C3%A9.pdf\") NIL \"=?utf-8?Q?Lebenslauf_J=C3=B6rg?=\" \"base64\" 73412 "
	  "\"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"ATTACHMENT\" (\"FILENAME*0*\" \"utf-8''R%C3%A9sum\" \"FILENAME*1*\" \"%C3%A9.pdf\" "
	  "\"size\" \"53648\")) (\"en\" \"fr\") \"https://example.com/cv.pdf\" 42 (\"a\" NIL))"
	  "(\"image\" \"png\" (\"name\" \"=?utf-8?B?w6lsw6k=?=.png\" \"x*0\" \"a\" \"x*1\" \"b\") \"<img1@x>\" NIL \"base64\" 4000 NIL "
	  "(\"inline\" (\"filename\" \"a.png\")) NIL NIL) "
	  "\"mixed\" (\"boundary\" \"=-abc\") NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":4,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":true,\"type\":\"multipart\",\"subtype\":\"mixed\",\"params\":{\"boundary\":"
	  "\"=-abc\"},\"disposition\":null,\"language\":null,\"location\":null,\"parts\":[{\"part\":"
	  "\"1\",\"section\":\"1\",\"type\":\"text\",\"subtype\":\"plain\",\"params\":{\"charset\":"
	  "\"utf-8\",\"format\":\"flowed\"},\"id\":null,\"description\":null,\"encoding\":\"8bit\","
	  "\"size\":120,\"lines\":4,\"md5\":null,\"disposition\":{\"type\":\"inline\",\"params\":"
	  "null},\"language\":[\"de\"],\"location\":null},{\"part\":\"2\",\"section\":\"2\",\"type\":"
	  "\"application\",\"subtype\":\"pdf\",\"params\":{\"name\":\"Résumé.pdf\"},\"params_raw\":"
	  "[\"name*\",\"utf-8''R%C3%A9sum%C3%A9.pdf\"],\"id\":null,\"description\":\"Lebenslauf Jörg\","
	  "\"description_raw\":\"=?utf-8?Q?Lebenslauf_J=C3=B6rg?=\",\"encoding\":\"base64\",\"size\":"
	  "73412,\"md5\":\"Q2hlY2sgSW50ZWdyaXR5IQ==\",\"disposition\":{\"type\":\"attachment\","
	  "\"params\":{\"filename\":\"Résumé.pdf\",\"size\":\"53648\"},\"params_raw\":[\"FILENAME*0*\","
	  "\"utf-8''R%C3%A9sum\",\"FILENAME*1*\",\"%C3%A9.pdf\",\"size\",\"53648\"]},\"language\":"
	  "[\"en\",\"fr\"],\"location\":\"https://example.com/cv.pdf\",\"extensions\":[42,[\"a\","
	  "null]]},{\"part\":\"3\",\"section\":\"3\",\"type\":\"image\",\"subtype\":\"png\",\"params\":"
	  "{\"name\":\"élé.png\",\"x\":\"ab\"},\"params_raw\":[\"name\",\"=?utf-8?B?w6lsw6k=?=.png\","
	  "\"x*0\",\"a\",\"x*1\",\"b\"],\"id\":\"<img1@x>\",\"description\":null,\"encoding\":\"base64\","
	  "\"size\":4000,\"md5\":null,\"disposition\":{\"type\":\"inline\",\"params\":{\"filename\":"
	  "\"a.png\"}},\"language\":null,\"location\":null}]}}" },
	/* nested multiparts: related(alternative(plain, html), image) */
	{ "* 5 FETCH (BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
	  "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 800 11 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)"
	  "(\"image\" \"png\" NIL \"<img1@x>\" NIL \"base64\" 4000 NIL "
	  "\"inline\" NIL NIL) \"related\" (\"boundary\" \"b1\" \"type\" \"multipart/alternative\") NIL NIL NIL))\r\n",
	  0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":5,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":true,\"type\":\"multipart\",\"subtype\":\"related\",\"params\":{\"boundary\":"
	  "\"b1\",\"type\":\"multipart/alternative\"},\"disposition\":null,\"language\":null,\"location\":"
	  "null,\"parts\":[{\"part\":\"1\",\"section\":\"1\",\"type\":\"multipart\",\"subtype\":"
	  "\"alternative\",\"params\":{\"boundary\":\"b2\"},\"disposition\":null,\"language\":null,"
	  "\"location\":null,\"parts\":[{\"part\":\"1.1\",\"section\":\"1.1\",\"type\":\"text\","
	  "\"subtype\":\"plain\",\"params\":{\"charset\":\"us-ascii\"},\"id\":null,\"description\":"
	  "null,\"encoding\":\"7bit\",\"size\":12,\"lines\":1,\"md5\":null,\"disposition\":null,"
	  "\"language\":null,\"location\":null},{\"part\":\"1.2\",\"section\":\"1.2\",\"type\":"
	  "\"text\",\"subtype\":\"html\",\"params\":{\"charset\":\"utf-8\"},\"id\":null,\"description\":"
	  "null,\"encoding\":\"base64\",\"size\":800,\"lines\":11,\"md5\":null,\"disposition\":"
	  "null,\"language\":null,\"location\":null}]},{\"part\":\"2\",\"section\":\"2\",\"type\":"
	  "\"image\",\"subtype\":\"png\",\"params\":null,\"id\":\"<img1@x>\",\"description\":null,"
	  "\"encoding\":\"base64\",\"size\":4000,\"md5\":null,\"disposition\":{\"type\":\"inline\"},"
	  "\"language\":null,\"location\":null}]}}" },
	/* message/rfc822 inside multipart: its envelope, and its body (a
	 * multipart numbered under it: 2.TEXT, 2.1, 2.2) */
	{ "* 6 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
	  "(\"message\" \"rfc822\" NIL NIL \"fwd\" \"7bit\" 2000 "
	  "(\"Tue, 2 Jan 2024 10:00:00 +0000\" \"Inner\" ((NIL NIL \"x\" \"y\")) NIL NIL NIL NIL NIL NIL NIL) "
	  "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 12 1 NIL NIL NIL NIL)"
	  "(\"application\" \"octet-stream\" NIL NIL NIL \"base64\" 100 NIL (\"attachment\" NIL) NIL NIL)"
	  " \"mixed\" (\"boundary\" \"b4\") NIL NIL NIL) 40 NIL (\"attachment\" NIL) NIL NIL)"
	  " \"mixed\" (\"boundary\" \"b0\") NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":6,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":true,\"type\":\"multipart\",\"subtype\":\"mixed\",\"params\":{\"boundary\":"
	  "\"b0\"},\"disposition\":null,\"language\":null,\"location\":null,\"parts\":[{\"part\":"
	  "\"1\",\"section\":\"1\",\"type\":\"text\",\"subtype\":\"plain\",\"params\":null,\"id\":"
	  "null,\"description\":null,\"encoding\":\"7bit\",\"size\":12,\"lines\":1,\"md5\":null,"
	  "\"disposition\":null,\"language\":null,\"location\":null},{\"part\":\"2\",\"section\":"
	  "\"2\",\"type\":\"message\",\"subtype\":\"rfc822\",\"params\":null,\"id\":null,\"description\":"
	  "\"fwd\",\"encoding\":\"7bit\",\"size\":2000,\"lines\":40,\"md5\":null,\"disposition\":"
	  "{\"type\":\"attachment\",\"params\":null},\"language\":null,\"location\":null,\"envelope\":"
	  "{\"date\":\"Tue, 2 Jan 2024 10:00:00 +0000\",\"subject\":\"Inner\",\"from\":[{\"name\":"
	  "null,\"mailbox\":\"x\",\"host\":\"y\",\"address\":\"x@y\"}],\"sender\":null,\"reply_to\":"
	  "null,\"to\":null,\"cc\":null,\"bcc\":null,\"in_reply_to\":null,\"message_id\":null},"
	  "\"body\":{\"part\":\"\",\"section\":\"2.TEXT\",\"type\":\"multipart\",\"subtype\":\"mixed\","
	  "\"params\":{\"boundary\":\"b4\"},\"disposition\":null,\"language\":null,\"location\":"
	  "null,\"parts\":[{\"part\":\"2.1\",\"section\":\"2.1\",\"type\":\"text\",\"subtype\":"
	  "\"plain\",\"params\":null,\"id\":null,\"description\":null,\"encoding\":\"7bit\",\"size\":"
	  "12,\"lines\":1,\"md5\":null,\"disposition\":null,\"language\":null,\"location\":null},"
	  "{\"part\":\"2.2\",\"section\":\"2.2\",\"type\":\"application\",\"subtype\":\"octet-stream\","
	  "\"params\":null,\"id\":null,\"description\":null,\"encoding\":\"base64\",\"size\":100,"
	  "\"md5\":null,\"disposition\":{\"type\":\"attachment\",\"params\":null},\"language\":"
	  "null,\"location\":null}]}}]}}" },
	/* a message that is one message/rfc822 (1, 1.1); message/global */
	{ "* 8 FETCH (BODY (\"MESSAGE\" \"GLOBAL\" NIL NIL NIL \"8BIT\" 50 "
	  "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) (\"IMAGE\" \"GIF\" NIL NIL NIL \"BASE64\" 30) 3))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":8,\"body\":{\"part\":\"1\",\"section\":\"1\","
	  "\"extended\":false,\"type\":\"message\",\"subtype\":\"global\",\"params\":null,\"id\":"
	  "null,\"description\":null,\"encoding\":\"8bit\",\"size\":50,\"lines\":3,\"envelope\":"
	  "{\"date\":null,\"subject\":null,\"from\":null,\"sender\":null,\"reply_to\":null,\"to\":"
	  "null,\"cc\":null,\"bcc\":null,\"in_reply_to\":null,\"message_id\":null},\"body\":{\"part\":"
	  "\"1.1\",\"section\":\"1.1\",\"type\":\"image\",\"subtype\":\"gif\",\"params\":null,\"id\":"
	  "null,\"description\":null,\"encoding\":\"base64\",\"size\":30}}}" },
	/* RFC 2231 trouble: an unknown charset, a bad escape, a missing
	 * section, a name that is not text, a duplicate, an odd list */
	{ "* 9 FETCH (BODYSTRUCTURE (\"application\" \"x\" (\"name*\" \"x-nope''%41b\" \"a*\" \"''100%\" "
	  "\"b*1\" \"z\" NIL \"v\" \"c\" \"1\" \"C\" \"2\" \"d\") NIL NIL \"base64\" 4 NIL NIL NIL NIL))\r\n",
	  0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":9,\"body\":{\"part\":\"1\",\"section\":\"1\","
	  "\"extended\":true,\"type\":\"application\",\"subtype\":\"x\",\"params\":{\"name\":\"x-nope''%41b\","
	  "\"a\":\"100%\",\"b\":\"\",\"c\":\"1\",\"d\":null},\"params_raw\":[\"name*\",\"x-nope''%41b\","
	  "\"a*\",\"''100%\",\"b*1\",\"z\",null,\"v\",\"c\",\"1\",\"C\",\"2\",\"d\"],\"params_flags\":"
	  "{\"name\":[\"unknown-charset\"],\"a\":[\"invalid-bytes\"],\"b\":[\"incomplete\"]},\"id\":"
	  "null,\"description\":null,\"encoding\":\"base64\",\"size\":4,\"md5\":null,\"disposition\":"
	  "null,\"language\":null,\"location\":null}}" },
	/* wrong shapes: params not a list, size NIL or a word, a bare
	 * disposition, lines as a string, invalid parts */
	{ "* 12 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"X\" \"junk\" NIL NIL \"BASE64\" NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":12,\"body\":{\"part\":\"1\",\"section\":\"1\","
	  "\"extended\":true,\"type\":\"application\",\"subtype\":\"x\",\"params\":null,\"params_raw\":"
	  "\"junk\",\"id\":null,\"description\":null,\"encoding\":\"base64\",\"size\":null}}" },
	{ "* 12 FETCH (BODYSTRUCTURE (text plain NIL (a) NIL 7bit big \"3\" NIL inline NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":12,\"body\":{\"part\":\"1\",\"section\":\"1\","
	  "\"extended\":true,\"type\":\"text\",\"subtype\":\"plain\",\"params\":null,\"id\":null,"
	  "\"id_raw\":[\"a\"],\"description\":null,\"encoding\":\"7bit\",\"size\":null,\"size_raw\":"
	  "\"big\",\"lines\":3,\"md5\":null,\"disposition\":{\"type\":\"inline\"},\"language\":"
	  "null,\"location\":null}}" },
	{ "* 15 FETCH (BODYSTRUCTURE ((NIL) (\"TEXT\" 5) \"MIXED\"))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":15,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":true,\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":"
	  "\"1\",\"section\":\"1\",\"raw\":[null]},{\"part\":\"2\",\"section\":\"2\",\"type\":\"text\","
	  "\"subtype\":\"5\"}]}}" },
	{ "* 14 FETCH (BODYSTRUCTURE (\"ALTERNATIVE\"))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":14,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":true,\"type\":\"multipart\",\"subtype\":\"alternative\",\"parts\":[]}}" },
	/* both BODY and BODYSTRUCTURE: the structure wins, BODY is kept */
	{ "* 16 FETCH (BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) "
	  "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1 NIL NIL NIL NIL))\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":16,\"body\":{\"part\":\"1\",\"section\":\"1\","
	  "\"extended\":true,\"type\":\"text\",\"subtype\":\"plain\",\"params\":null,\"id\":null,"
	  "\"description\":null,\"encoding\":\"7bit\",\"size\":1,\"lines\":1,\"md5\":null,\"disposition\":"
	  "null,\"language\":null,\"location\":null},\"items\":[{\"key\":\"BODY\",\"value\":[\"TEXT\","
	  "\"PLAIN\",null,null,null,\"7BIT\",1,1]}]}" },
	/* nested past what JSON nests here: the deepest part as IMAP text */
	{ "* 17 FETCH (BODY " DEEP_WIRE ")\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":17,\"body\":{\"part\":\"\",\"section\":\"TEXT\","
	  "\"extended\":false,\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":"
	  "\"1\",\"section\":\"1\",\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":"
	  "\"1.1\",\"section\":\"1.1\",\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":["
	  "{\"part\":\"1.1.1\",\"section\":\"1.1.1\",\"type\":\"multipart\",\"subtype\":\"mixed\","
	  "\"parts\":[{\"part\":\"1.1.1.1\",\"section\":\"1.1.1.1\",\"type\":\"multipart\",\"subtype\":"
	  "\"mixed\",\"parts\":[{\"part\":\"1.1.1.1.1\",\"section\":\"1.1.1.1.1\",\"type\":\"multipart\","
	  "\"subtype\":\"mixed\",\"parts\":[{\"part\":\"1.1.1.1.1.1\",\"section\":\"1.1.1.1.1.1\","
	  "\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":\"1.1.1.1.1.1.1\","
	  "\"section\":\"1.1.1.1.1.1.1\",\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":"
	  "[{\"part\":\"1.1.1.1.1.1.1.1\",\"section\":\"1.1.1.1.1.1.1.1\",\"type\":\"multipart\","
	  "\"subtype\":\"mixed\",\"parts\":[{\"part\":\"1.1.1.1.1.1.1.1.1\",\"section\":\"1.1.1.1.1.1.1.1.1\","
	  "\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":\"1.1.1.1.1.1.1.1.1.1\","
	  "\"section\":\"1.1.1.1.1.1.1.1.1.1\",\"type\":\"multipart\",\"subtype\":\"mixed\",\"parts\":"
	  "[{\"part\":\"1.1.1.1.1.1.1.1.1.1.1\",\"section\":\"1.1.1.1.1.1.1.1.1.1.1\",\"type\":"
	  "\"multipart\",\"subtype\":\"mixed\",\"parts\":[{\"part\":\"1.1.1.1.1.1.1.1.1.1.1.1\","
	  "\"section\":\"1.1.1.1.1.1.1.1.1.1.1.1\",\"imap\":\"((\\\"TEXT\\\" \\\"PLAIN\\\" NIL NIL NIL \\\"7BIT\\"
	  "\" 1 1) \\\"MIXED\\\")\"}]}]}]}]}]}]}]}]}]}]}]}]}}" },

	/* ---- body sections */
	/* RFC 9051 sec. 8 */
	{ "* 12 FETCH (BODY[HEADER] {94}\r\nDate: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
	  "Subject: IMAP4rev2 WG mtg summary and minutes\r\n\r\n)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":12,\"sections\":[{\"section\":\"HEADER\",\"part\":"
	  "\"\",\"spec\":\"HEADER\",\"binary\":false,\"data\":\"Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\\r\\n"
	  "Subject: IMAP4rev2 WG mtg summary and minutes\\r\\n\\r\\n\"}]}" },
	{ "* 2 FETCH (UID 7 BODY[HEADER.FIELDS (SUBJECT FROM)] {34}\r\nSubject: Hi\r\nFrom: a@b.example\r\n\r\n"
	  " BODY[1.2.MIME] \"Content-Type: text/plain\" BODY[]<0> {13}\r\nHello world\r\n"
	  " body[text]<1024> NIL)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":2,\"uid\":7,\"sections\":[{\"section\":\"HEADER.FIELDS (SUBJ"
	  "ECT FROM)\",\"part\":\"\",\"spec\":\"HEADER.FIELDS (SUBJECT FROM)\",\"binary\":false,"
	  "\"data\":\"Subject: Hi\\r\\nFrom: a@b.example\\r\\n\\r\\n\"},{\"section\":\"1.2.MIME\","
	  "\"part\":\"1.2\",\"spec\":\"MIME\",\"binary\":false,\"data\":\"Content-Type: text/plain\"},"
	  "{\"section\":\"\",\"part\":\"\",\"spec\":\"\",\"origin\":0,\"binary\":false,\"data\":"
	  "\"Hello world\\r\\n\"},{\"section\":\"text\",\"part\":\"\",\"spec\":\"text\",\"origin\":"
	  "1024,\"binary\":false,\"data\":null}]}" },
	/* RFC 3516: BINARY (literal8, bytes not UTF-8: base64), BINARY.SIZE */
	{ BIN("* 3 FETCH (BINARY[1] ~{3}\r\n\x00\x01\xff BINARY.SIZE[1] 3 BINARY[2]<5> NIL "
	      "BINARY.SIZE[2.1] 2412)\r\n"), 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":3,\"sections\":[{\"section\":\"1\",\"part\":"
	  "\"1\",\"spec\":\"\",\"binary\":true,\"data\":{\"base64\":\"AAH/\"}},{\"section\":\"2\","
	  "\"part\":\"2\",\"spec\":\"\",\"origin\":5,\"binary\":true,\"data\":null}],\"binary_sizes\":"
	  "[{\"section\":\"1\",\"size\":3},{\"section\":\"2.1\",\"size\":2412}]}" },
	/* a Latin-1 body: not UTF-8, so base64 */
	{ "* 10 FETCH (BODY[1] {13}\r\nGr\xfc\xdf" "e\r\nM\xfc\\n\r\n)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":10,\"sections\":[{\"section\":\"1\",\"part\":"
	  "\"1\",\"spec\":\"\",\"binary\":false,\"data\":{\"base64\":\"R3L832UNCk38XG4NCg==\"}}]}" },
	/* RFC822, RFC822.HEADER, RFC822.TEXT (RFC 3501) */
	{ "* 4 FETCH (rfc822.header {14}\r\nSubject: x\r\n\r\n RFC822.TEXT {10}\r\nthe text\r\n"
	  " RFC822 {19}\r\nFrom: a@b\r\n\r\nbody\r\n)\r\n", 0, 0,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":4,\"sections\":[{\"section\":\"HEADER\",\"part\":"
	  "\"\",\"spec\":\"HEADER\",\"binary\":false,\"item\":\"RFC822.HEADER\",\"data\":\"Subject:"
	  " x\\r\\n\\r\\n\"},{\"section\":\"TEXT\",\"part\":\"\",\"spec\":\"TEXT\",\"binary\":false,"
	  "\"item\":\"RFC822.TEXT\",\"data\":\"the text\\r\\n\"},{\"section\":\"\",\"part\":\"\","
	  "\"spec\":\"\",\"binary\":false,\"item\":\"RFC822\",\"data\":\"From: a@b\\r\\n\\r\\nbody\\r\\n\"}]}" },
	/* literals that went to the sink: saved to a file, or spooled */
	{ "* 5 FETCH (BODY[] {13}\r\nHello world\r\n BODY[1] {2}\r\nhi)\r\n", 0, SINK,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":5,\"sections\":[{\"section\":\"\",\"part\":"
	  "\"\",\"spec\":\"\",\"binary\":false,\"data\":{\"sunk\":true,\"size\":13}},{\"section\":"
	  "\"1\",\"part\":\"1\",\"spec\":\"\",\"binary\":false,\"data\":\"hi\"}]}" },
	{ "* 5 FETCH (BODY[] {13}\r\nHello world\r\n BODY[1] {2}\r\nhi)\r\n", 0, BIG,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":5,\"sections\":[{\"section\":\"\",\"part\":"
	  "\"\",\"spec\":\"\",\"binary\":false,\"data\":\"spooled literal 1, 13 bytes\"},{\"section\":"
	  "\"1\",\"part\":\"1\",\"spec\":\"\",\"binary\":false,\"data\":\"hi\"}]}" },
	{ "* 7 FETCH (ENVELOPE (NIL {13}\r\nHello world\r\n NIL NIL NIL NIL NIL NIL NIL NIL))\r\n", 0, SINK,
	  "{\"version\":1,\"type\":\"fetch\",\"seq\":7,\"envelope\":{\"date\":null,\"subject\":"
	  "{\"sunk\":true,\"size\":13},\"from\":null,\"sender\":null,\"reply_to\":null,\"to\":null,"
	  "\"cc\":null,\"bcc\":null,\"in_reply_to\":null,\"message_id\":null}}" },
};

/* ------------------------------------------------------------------ */

/* A sink that drops the data (the handle: anything but NULL). */
static void *sink_begin(void *c, const struct imap_literal_info *i) { (void)c; return (void *)i; }
static int sink_data(void *c, void *h, const char *d, size_t n, struct imap_err *e)
{ (void)c, (void)h, (void)d, (void)n, (void)e; return 0; }
static int sink_end(void *c, void *h, struct imap_err *e) { (void)c, (void)h, (void)e; return 0; }
static void sink_abort(void *c, void *h) { (void)c, (void)h; }

static struct imap_response *parse(const char *wire, size_t len, bool sink_on)
{
	struct imap_literal_sink sink = { sink_begin, sink_data, sink_end, sink_abort, NULL, 8 };
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;

	imap_parser_set_sink(p, sink_on ? &sink : NULL);
	imap_parser_feed(p, wire, len);
	ck_assert_msg(imap_parser_next(p, &r, &err) == 1, "no response from %s: %s", wire, err.msg);
	ck_assert_uint_eq(imap_parser_pending(p), 0);
	imap_parser_free(p);
	return r;
}

/* The shell's spool stand-in: a sunk literal comes back as a string
 * naming its sink serial. */
static bool big(struct json *j, const struct imap_value *v, void *ctx)
{
	char s[64];

	(void)ctx;
	snprintf(s, sizeof(s), "spooled literal %" PRIu64 ", %" PRIu64 " bytes", v->num,
		 v->literal_size);
	json_cstr(j, s);
	return true;
}

START_TEST(test_json_fetch_cases)
{
	const struct jcase *c = &cases[_i];
	size_t len = c->len ? c->len : strlen(c->wire);
	struct imap_response *r = parse(c->wire, len, (c->opts & (SINK | BIG)) != 0);
	struct render_opts o = { .format = RENDER_JSON };
	struct buf b = BUF_INIT, esc = BUF_INIT;
	struct json j = JSON_INIT(&b);
	const char *dump = getenv("JSON_FETCH_DUMP");
	bool mine;

	o.utf8_names = (c->opts & UTF8) != 0;
	if (c->opts & BIG)
		j.big = big;
	json_obj_open(&j);
	json_key(&j, "version");
	json_u64(&j, 1);
	mine = json_fetch(&j, r, &o);
	json_obj_close(&j);
	ck_assert_uint_eq(j.depth, 0);
	if (dump) {
		FILE *fp = fopen(dump, "a");
		ck_assert_ptr_nonnull(fp);
		fprintf(fp, "%s\n", b.buf);
		fclose(fp);
	}
	buf_add_escaped(&esc, b.buf, b.len);
	ck_assert_msg(mine == (strcmp(c->want, NOTYOURS) != 0), "case %d: returned %d", _i, mine);
	ck_assert_msg(b.len == strlen(c->want) && !memcmp(b.buf, c->want, b.len),
		      "case %d: got\n%s\nwant\n%s", _i, esc.buf, c->want);
	buf_release(&b);
	buf_release(&esc);
	imap_response_free(r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("json_fetch");
	TCase *tc = tcase_create("cases");

	tcase_add_loop_test(tc, test_json_fetch_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
