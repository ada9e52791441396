/*
 * check_json_view.c - the -o json objects of untagged data and response
 * codes (json_view(), json_code()): each case is wire bytes through the
 * real parser, written the way render.c writes an object ({"version":1,
 * then the function's fields, then "}"), against golden JSON, byte for
 * byte.  want NULL: json_view() returns false and writes nothing.
 */
#include "proto/parser.h"
#include "shell/json.h"
#include "shell/json_view.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

struct jcase {
	const char *wire;
	size_t len;
	unsigned opts; /* UTF8, CODE, SINK */
	const char *want;
};

#define UTF8 1u  /* mailbox names are UTF-8 (render_opts.utf8_names) */
#define CODE 2u  /* json_code() instead of json_view() */
#define SINK 4u  /* literals of 8 bytes and more go to a sink */
#define W(s) s, sizeof(s) - 1

static const struct jcase cases[] = {
	/* LIST: a decoded name keeps its wire form; an INBOX of any case is INBOX */
	{ W("* LIST (\\HasNoChildren \\Drafts) \"/\" Entw&APw-rfe\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"Entwürfe\","
	  "\"name_wire\":\"Entw&APw-rfe\",\"delimiter\":\"/\","
	  "\"attributes\":[\"\\\\HasNoChildren\",\"\\\\Drafts\"]}" },
	{ W("* XLIST (\\HasNoChildren \\Inbox) \".\" inbox\r\n"), 0,
	  "{\"version\":1,\"type\":\"xlist\",\"name\":\"INBOX\",\"name_wire\":\"inbox\","
	  "\"delimiter\":\".\",\"attributes\":[\"\\\\HasNoChildren\",\"\\\\Inbox\"]}" },
	{ W("* LSUB () \".\" \"Archive.2024\"\r\n"), 0,
	  "{\"version\":1,\"type\":\"lsub\",\"name\":\"Archive.2024\",\"delimiter\":\".\","
	  "\"attributes\":[]}" },
	/* NIL delimiter, empty name; an unquoted name with a space */
	{ W("* LIST (\\Noselect) NIL \"\"\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"\",\"delimiter\":null,"
	  "\"attributes\":[\"\\\\Noselect\"]}" },
	{ W("* LIST () \"/\" My files\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"My files\",\"name_joined\":true,"
	  "\"delimiter\":\"/\",\"attributes\":[]}" },
	/* names that do not decode: the wire text (base64 when not UTF-8), marked */
	{ W("* LIST () \"/\" \"café\"\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"café\",\"name_invalid\":true,"
	  "\"delimiter\":\"/\",\"attributes\":[]}" },
	{ W("* LIST () \"/\" \"café\"\r\n"), UTF8,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"café\",\"delimiter\":\"/\","
	  "\"attributes\":[]}" },
	{ W("* LIST () \"/\" \"a\377\"\r\n"), UTF8,
	  "{\"version\":1,\"type\":\"list\",\"name\":{\"base64\":\"Yf8=\"},"
	  "\"name_invalid\":true,\"delimiter\":\"/\",\"attributes\":[]}" },
	{ W("* LIST () \"/\" \"Entw&APw-rfe\"\r\n"), UTF8,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"Entw&APw-rfe\",\"delimiter\":\"/\","
	  "\"attributes\":[]}" },
	{ W("* LIST () \"/\" {3}\r\na\000b\r\n"), UTF8,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"a\\u0000b\",\"name_invalid\":true,"
	  "\"delimiter\":\"/\",\"attributes\":[]}" },
	{ W("* LIST () \"/\" \"a\\\"b\\\\c\"\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"a\\\"b\\\\c\",\"delimiter\":\"/\","
	  "\"attributes\":[]}" },
	/* extended data: CHILDINFO, OLDNAME typed; the others in items, rest kept */
	{ W("* LIST (\\Subscribed) \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\") "
	     "\"OLDNAME\" (\"Entw&APw-rfe\") \"X-FOO\" (1 2) \"X-BAR\")\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"Foo\",\"delimiter\":\"/\","
	  "\"attributes\":[\"\\\\Subscribed\"],\"childinfo\":[\"SUBSCRIBED\"],"
	  "\"oldname\":\"Entwürfe\",\"oldname_wire\":\"Entw&APw-rfe\","
	  "\"items\":[{\"key\":\"X-FOO\",\"value\":[1,2]},{\"key\":\"X-BAR\"}]}" },
	{ W("* LIST () \"/\" \"New\" (\"CHILDINFO\" NIL \"OLDNAME\" (a b) (x) "
	     "y)\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"New\",\"delimiter\":\"/\","
	  "\"attributes\":[],\"items\":[{\"key\":\"CHILDINFO\",\"value\":null},"
	  "{\"key\":\"OLDNAME\",\"value\":[\"a\",\"b\"]}],"
	  "\"rest\":[[\"x\"],\"y\"]}" },
	{ W("* LSUB () \".\" foo (a b) c\r\n"), 0,
	  "{\"version\":1,\"type\":\"lsub\",\"name\":\"foo\",\"delimiter\":\".\","
	  "\"attributes\":[],\"items\":[{\"key\":\"a\",\"value\":\"b\"}],\"rest\":[\"c\"]}" },
	/* not LIST-shaped: what there is, truncated or as sent */
	{ W("* LIST (\\HasNoChildren)\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":null,\"delimiter\":null,"
	  "\"attributes\":[\"\\\\HasNoChildren\"],\"truncated\":true}" },
	{ W("* LIST\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":null,\"delimiter\":null,"
	  "\"attributes\":[],\"truncated\":true}" },
	{ W("* LIST \\Foo \".\" (x)\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":null,\"name_raw\":[\"x\"],"
	  "\"delimiter\":\".\",\"attributes\":[\"\\\\Foo\"],\"attributes_raw\":\"\\\\Foo\"}" },
	{ W("* LIST (\\A NIL (x)) \"ab\" x\r\n"), 0,
	  "{\"version\":1,\"type\":\"list\",\"name\":\"x\",\"delimiter\":\"ab\","
	  "\"attributes\":[\"\\\\A\"],\"attributes_raw\":[\"\\\\A\",null,[\"x\"]]}" },
	/* STATUS: known items typed, unknown ones in items */
	{ W("* STATUS INBOX (MESSAGES 30 UNSEEN 8 RECENT 0 SIZE 2348 UIDNEXT 31 "
	     "UIDVALIDITY 7 X-NEW (1 2))\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"INBOX\",\"messages\":30,"
	  "\"recent\":0,\"unseen\":8,\"uidnext\":31,\"uidvalidity\":7,\"size\":2348,"
	  "\"items\":[{\"key\":\"X-NEW\",\"value\":[1,2]}]}" },
	{ W("* STATUS Entw&APw-rfe (HIGHESTMODSEQ 9 APPENDLIMIT NIL DELETED 1 "
	     "DELETED-STORAGE 5 MAILBOXID (F2212ea87))\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"Entwürfe\","
	  "\"name_wire\":\"Entw&APw-rfe\",\"deleted\":1,\"highestmodseq\":9,\"appendlimit\":null,"
	  "\"deleted_storage\":5,\"mailboxid\":\"F2212ea87\"}" },
	{ W("* STATUS \"Entwürfe\" (APPENDLIMIT 1048576)\r\n"), UTF8,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"Entwürfe\","
	  "\"appendlimit\":1048576}" },
	{ W("* STATUS foo (MESSAGES x (y) 3 UNSEEN)\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"foo\","
	  "\"items\":[{\"key\":\"MESSAGES\",\"value\":\"x\"},{\"key\":\"UNSEEN\"}],"
	  "\"rest\":[[\"y\"],3]}" },
	{ W("* STATUS foo (MESSAGES 1) extra\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"foo\",\"messages\":1,"
	  "\"rest\":[\"extra\"]}" },
	{ W("* STATUS foo\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"foo\"}" },
	/* item names are text values: escaped, base64 when not UTF-8; a name
	 * sent twice is there twice, in order */
	{ W("* STATUS foo (\"X\\\"Y\" 1 X-\377\001 2)\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"foo\",\"items\":[{\"key\":\"X\\\"Y\","
	  "\"value\":1},{\"key\":{\"base64\":\"WC3/AQ==\"},\"value\":2}]}" },
	{ W("* STATUS foo (X-A 1 MESSAGES 4 X-A (2) X-B)\r\n"), 0,
	  "{\"version\":1,\"type\":\"status\",\"name\":\"foo\",\"messages\":4,"
	  "\"items\":[{\"key\":\"X-A\",\"value\":1},{\"key\":\"X-A\",\"value\":[2]},"
	  "{\"key\":\"X-B\"}]}" },
	/* SEARCH, SORT */
	{ W("* SEARCH 4 10 12 13 18\r\n"), 0,
	  "{\"version\":1,\"type\":\"search\",\"ids\":[4,10,12,13,18]}" },
	{ W("* SEARCH\r\n"), 0,
	  "{\"version\":1,\"type\":\"search\",\"ids\":[]}" },
	{ W("* SEARCH 2 5 (MODSEQ 917162500)\r\n"), 0,
	  "{\"version\":1,\"type\":\"search\",\"ids\":[2,5],\"modseq\":917162500}" },
	{ W("* SORT 10 9 8 3 x 0\r\n"), 0,
	  "{\"version\":1,\"type\":\"sort\",\"ids\":[10,9,8,3],\"rest\":[\"x\",0]}" },
	/* ESEARCH */
	{ W("* ESEARCH (TAG \"A283\") UID ALL 2,10:11 COUNT 3 MIN 2 MAX 11 MODSEQ "
	     "5\r\n"), 0,
	  "{\"version\":1,\"type\":\"esearch\",\"tag\":\"A283\",\"uid\":true,\"min\":2,"
	  "\"max\":11,\"count\":3,\"all\":\"2,10:11\",\"modseq\":5}" },
	{ W("* ESEARCH (TAG \"C01\") UID ADDTO (1 2733 1 2731:2732) REMOVEFROM (0 4)\r\n"), 0,
	  "{\"version\":1,\"type\":\"esearch\",\"tag\":\"C01\",\"uid\":true,\"updates\":["
	  "{\"op\":\"add\",\"position\":1,\"set\":\"2733\"},"
	  "{\"op\":\"add\",\"position\":1,\"set\":\"2731:2732\"},"
	  "{\"op\":\"remove\",\"position\":0,\"set\":\"4\"}]}" },
	{ W("* ESEARCH (TAG \"A285\") UID PARTIAL (-1:-100 NIL)\r\n"), 0,
	  "{\"version\":1,\"type\":\"esearch\",\"tag\":\"A285\",\"uid\":true,"
	  "\"partial\":{\"first\":-1,\"last\":-100,\"results\":null}}" },
	{ W("* ESEARCH (TAG \"A286\") PARTIAL (1:100 200:250,252:300) X-FOO (1 2) "
	     "MIN 0 COUNT\r\n"), 0,
	  "{\"version\":1,\"type\":\"esearch\",\"tag\":\"A286\",\"uid\":false,"
	  "\"partial\":{\"first\":1,\"last\":100,\"results\":\"200:250,252:300\"},"
	  "\"items\":[{\"key\":\"X-FOO\",\"value\":[1,2]},{\"key\":\"MIN\",\"value\":0},"
	  "{\"key\":\"COUNT\"}]}" },
	{ W("* ESEARCH\r\n"), 0,
	  "{\"version\":1,\"type\":\"esearch\",\"uid\":false}" },
	{ W("* ESEARCH (TAG \"a\" MAILBOX \"INBOX\" UIDVALIDITY 5) \"q\" 1\r\n"), 0,
	  "{\"version\":1,\"type\":\"esearch\",\"tag\":\"a\",\"correlator\":[\"TAG\",\"a\","
	  "\"MAILBOX\",\"INBOX\",\"UIDVALIDITY\",5],\"uid\":false,\"rest\":[\"q\",1]}" },
	/* THREAD: flat, one array a thread, parent indexes */
	{ W("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"), 0,
	  "{\"version\":1,\"type\":\"thread\",\"threads\":[[{\"id\":2,\"parent\":null,"
	  "\"depth\":0}],[{\"id\":3,\"parent\":null,\"depth\":0},{\"id\":6,\"parent\":0,"
	  "\"depth\":1},{\"id\":4,\"parent\":1,\"depth\":2},{\"id\":23,\"parent\":2,\"depth\":3},"
	  "{\"id\":44,\"parent\":1,\"depth\":2},{\"id\":7,\"parent\":4,\"depth\":3},{\"id\":96,"
	  "\"parent\":5,\"depth\":4}]]}" },
	{ W("* THREAD ((3)(5))\r\n"), 0,
	  "{\"version\":1,\"type\":\"thread\",\"threads\":[[{\"id\":null,\"parent\":null,"
	  "\"depth\":0},{\"id\":3,\"parent\":0,\"depth\":1},{\"id\":5,\"parent\":0,"
	  "\"depth\":1}]]}" },
	/* a chain deeper than JSON_MAX_DEPTH stays flat */
	{ W("* THREAD (1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 "
	     "24 25 26 27 28 29 30 31 32 33 34 35)\r\n"), 0,
	  "{\"version\":1,\"type\":\"thread\",\"threads\":[[{\"id\":1,\"parent\":null,"
	  "\"depth\":0},{\"id\":2,\"parent\":0,\"depth\":1},{\"id\":3,\"parent\":1,\"depth\":2},"
	  "{\"id\":4,\"parent\":2,\"depth\":3},{\"id\":5,\"parent\":3,\"depth\":4},{\"id\":6,"
	  "\"parent\":4,\"depth\":5},{\"id\":7,\"parent\":5,\"depth\":6},{\"id\":8,\"parent\":6,"
	  "\"depth\":7},{\"id\":9,\"parent\":7,\"depth\":8},{\"id\":10,\"parent\":8,\"depth\":9},"
	  "{\"id\":11,\"parent\":9,\"depth\":10},{\"id\":12,\"parent\":10,\"depth\":11},"
	  "{\"id\":13,\"parent\":11,\"depth\":12},{\"id\":14,\"parent\":12,\"depth\":13},"
	  "{\"id\":15,\"parent\":13,\"depth\":14},{\"id\":16,\"parent\":14,\"depth\":15},"
	  "{\"id\":17,\"parent\":15,\"depth\":16},{\"id\":18,\"parent\":16,\"depth\":17},"
	  "{\"id\":19,\"parent\":17,\"depth\":18},{\"id\":20,\"parent\":18,\"depth\":19},"
	  "{\"id\":21,\"parent\":19,\"depth\":20},{\"id\":22,\"parent\":20,\"depth\":21},"
	  "{\"id\":23,\"parent\":21,\"depth\":22},{\"id\":24,\"parent\":22,\"depth\":23},"
	  "{\"id\":25,\"parent\":23,\"depth\":24},{\"id\":26,\"parent\":24,\"depth\":25},"
	  "{\"id\":27,\"parent\":25,\"depth\":26},{\"id\":28,\"parent\":26,\"depth\":27},"
	  "{\"id\":29,\"parent\":27,\"depth\":28},{\"id\":30,\"parent\":28,\"depth\":29},"
	  "{\"id\":31,\"parent\":29,\"depth\":30},{\"id\":32,\"parent\":30,\"depth\":31},"
	  "{\"id\":33,\"parent\":31,\"depth\":32},{\"id\":34,\"parent\":32,\"depth\":33},"
	  "{\"id\":35,\"parent\":33,\"depth\":34}]]}" },
	{ W("* THREAD\r\n"), 0,
	  "{\"version\":1,\"type\":\"thread\",\"threads\":[]}" },
	{ W("* THREAD (1 x) 5 ()\r\n"), 0,
	  "{\"version\":1,\"type\":\"thread\",\"threads\":[[{\"id\":1,\"parent\":null,"
	  "\"depth\":0}]],\"rest\":[\"x\",5,[]]}" },
	/* NAMESPACE */
	{ W("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" "
	     "\"/\")(\"#public/\" \"/\"))\r\n"), 0,
	  "{\"version\":1,\"type\":\"namespace\",\"personal\":[{\"prefix\":\"\","
	  "\"delimiter\":\"/\"}],\"other\":[{\"prefix\":\"~\",\"delimiter\":\"/\"}],"
	  "\"shared\":[{\"prefix\":\"#shared/\",\"delimiter\":\"/\"},{\"prefix\":\"#public/\","
	  "\"delimiter\":\"/\"}]}" },
	{ W("* NAMESPACE ((\"\" \".\")) NIL NIL\r\n"), 0,
	  "{\"version\":1,\"type\":\"namespace\",\"personal\":[{\"prefix\":\"\","
	  "\"delimiter\":\".\"}],\"other\":null,\"shared\":null}" },
	{ W("* NAMESPACE ((\"\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) "
	     "((\"Other Users/\" \"/\" \"TRANSLATION\" (\"Andere Ben&AOQ-tzer/\"))) FOO extra\r\n"), 0,
	  "{\"version\":1,\"type\":\"namespace\",\"personal\":[{\"prefix\":\"\","
	  "\"delimiter\":\"/\",\"extensions\":{\"X-PARAM\":[\"FLAG1\",\"FLAG2\"]}}],"
	  "\"other\":[{\"prefix\":\"Other Users/\",\"delimiter\":\"/\","
	  "\"extensions\":{\"TRANSLATION\":[\"Andere Ben&AOQ-tzer/\"]}}],\"shared\":null,"
	  "\"shared_raw\":\"FOO\",\"rest\":[\"extra\"]}" },
	{ W("* NAMESPACE (\"bare\" (\"Entw&APw-rfe/\" NIL))\r\n"), 0,
	  "{\"version\":1,\"type\":\"namespace\",\"personal\":[{\"prefix\":\"bare\","
	  "\"delimiter\":null,\"bare\":true},{\"prefix\":\"Entwürfe/\","
	  "\"prefix_wire\":\"Entw&APw-rfe/\",\"delimiter\":null}],\"other\":null,\"shared\":null}" },
	/* QUOTA, QUOTAROOT */
	{ W("* QUOTA \"\" (STORAGE 10 512)\r\n"), 0,
	  "{\"version\":1,\"type\":\"quota\",\"root\":\"\","
	  "\"resources\":[{\"name\":\"STORAGE\",\"usage\":10,\"limit\":512}]}" },
	{ W("* QUOTA \"User quota\" (STORAGE 10 1048576 MESSAGE x 10000 LEFT 1)\r\n"), 0,
	  "{\"version\":1,\"type\":\"quota\",\"root\":\"User quota\","
	  "\"resources\":[{\"name\":\"STORAGE\",\"usage\":10,\"limit\":1048576},"
	  "{\"name\":\"MESSAGE\",\"usage\":null,\"usage_raw\":\"x\",\"limit\":10000},"
	  "{\"name\":\"LEFT\",\"usage\":1,\"limit\":null}]}" },
	{ W("* QUOTA root\r\n"), 0,
	  "{\"version\":1,\"type\":\"quota\",\"root\":\"root\",\"resources\":[]}" },
	{ W("* QUOTAROOT INBOX \"\" \"x\"\r\n"), 0,
	  "{\"version\":1,\"type\":\"quotaroot\",\"name\":\"INBOX\",\"roots\":[\"\",\"x\"]}" },
	{ W("* QUOTAROOT comp.mail.mime\r\n"), 0,
	  "{\"version\":1,\"type\":\"quotaroot\",\"name\":\"comp.mail.mime\",\"roots\":[]}" },
	{ W("* QUOTAROOT Entw&APw-rfe NIL\r\n"), 0,
	  "{\"version\":1,\"type\":\"quotaroot\",\"name\":\"Entwürfe\","
	  "\"name_wire\":\"Entw&APw-rfe\",\"roots\":[],\"roots_raw\":[null]}" },
	/* ACL, MYRIGHTS, LISTRIGHTS */
	{ W("* ACL INBOX fred lrswi -bob lr joe\r\n"), 0,
	  "{\"version\":1,\"type\":\"acl\",\"name\":\"INBOX\","
	  "\"rights\":[{\"identifier\":\"fred\",\"rights\":\"lrswi\"},{\"identifier\":\"-bob\","
	  "\"rights\":\"lr\",\"negative\":true},{\"identifier\":\"joe\",\"rights\":null}]}" },
	{ W("* MYRIGHTS Entw&APw-rfe lrswi x\r\n"), 0,
	  "{\"version\":1,\"type\":\"myrights\",\"name\":\"Entwürfe\","
	  "\"name_wire\":\"Entw&APw-rfe\",\"rights\":\"lrswi\",\"rest\":[\"x\"]}" },
	{ W("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n"), 0,
	  "{\"version\":1,\"type\":\"listrights\",\"name\":\"~/Mail/saved\","
	  "\"identifier\":\"smith\",\"required\":\"la\",\"optional\":[\"r\",\"swicdkxte\"]}" },
	{ W("* LISTRIGHTS INBOX joe \"\"\r\n"), 0,
	  "{\"version\":1,\"type\":\"listrights\",\"name\":\"INBOX\","
	  "\"identifier\":\"joe\",\"required\":\"\",\"optional\":[]}" },
	/* METADATA: values (binary as base64), or the names of changed entries */
	{ W("* METADATA \"\" (/shared/comment \"Shared comment\")\r\n"), 0,
	  "{\"version\":1,\"type\":\"metadata\",\"name\":\"\","
	  "\"entries\":[{\"entry\":\"/shared/comment\",\"value\":\"Shared comment\"}]}" },
	{ W("* METADATA \"INBOX\" (/private/comment NIL /shared/x {3}\r\na\377b "
	     "/private/y)\r\n"), 0,
	  "{\"version\":1,\"type\":\"metadata\",\"name\":\"INBOX\","
	  "\"entries\":[{\"entry\":\"/private/comment\",\"value\":null},{\"entry\":\"/shared/x\","
	  "\"value\":{\"base64\":\"Yf9i\"}},{\"entry\":\"/private/y\"}]}" },
	{ W("* METADATA \"INBOX\" /shared/comment /private/x\r\n"), 0,
	  "{\"version\":1,\"type\":\"metadata\",\"name\":\"INBOX\","
	  "\"changed\":[\"/shared/comment\",\"/private/x\"]}" },
	{ W("* METADATA INBOX\r\n"), 0,
	  "{\"version\":1,\"type\":\"metadata\",\"name\":\"INBOX\",\"entries\":[]}" },
	/* ID */
	{ W("* ID (\"name\" \"Dovecot\" \"version\" NIL \"x\\\"y\" \"z\")\r\n"), 0,
	  "{\"version\":1,\"type\":\"id\",\"fields\":{\"name\":\"Dovecot\","
	  "\"version\":null,\"x\\\"y\":\"z\"}}" },
	/* field names are keys: escaped, bytes that are not UTF-8 as \u00XX,
	 * a name sent twice written twice */
	{ W("* ID (\"a\\\"b\" \"1\" a\377 \"v\" a\377 \"w\")\r\n"), 0,
	  "{\"version\":1,\"type\":\"id\",\"fields\":{\"a\\\"b\":\"1\",\"a\\u00ff\":\"v\","
	  "\"a\\u00ff\":\"w\"}}" },
	{ W("* ID NIL\r\n"), 0,
	  "{\"version\":1,\"type\":\"id\",\"fields\":null}" },
	{ W("* ID (\"name\" (\"a\") NIL \"b\" \"odd\")\r\n"), 0,
	  "{\"version\":1,\"type\":\"id\",\"fields\":{\"odd\":null},\"rest\":[\"name\","
	  "[\"a\"],null,\"b\"]}" },
	{ W("* ID foo bar\r\n"), 0,
	  "{\"version\":1,\"type\":\"id\",\"fields\":null,\"rest\":[\"foo\",\"bar\"]}" },
	/* CAPABILITY, ENABLED, FLAGS */
	{ W("* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN\r\n"), 0,
	  "{\"version\":1,\"type\":\"capability\",\"capabilities\":[\"IMAP4rev1\","
	  "\"IMAP4rev2\",\"AUTH=PLAIN\"]}" },
	{ W("* CAPABILITY IMAP4rev1 (x)\r\n"), 0,
	  "{\"version\":1,\"type\":\"capability\",\"capabilities\":[\"IMAP4rev1\"],"
	  "\"capabilities_raw\":[\"IMAP4rev1\",[\"x\"]]}" },
	{ W("* ENABLED\r\n"), 0,
	  "{\"version\":1,\"type\":\"enabled\",\"capabilities\":[]}" },
	{ W("* ENABLED CONDSTORE UTF8=ACCEPT\r\n"), 0,
	  "{\"version\":1,\"type\":\"enabled\",\"capabilities\":[\"CONDSTORE\","
	  "\"UTF8=ACCEPT\"]}" },
	{ W("* FLAGS (\\Answered \\Flagged $Forwarded)\r\n"), 0,
	  "{\"version\":1,\"type\":\"flags\",\"flags\":[\"\\\\Answered\",\"\\\\Flagged\","
	  "\"$Forwarded\"]}" },
	{ W("* FLAGS \\Seen \\Draft\r\n"), 0,
	  "{\"version\":1,\"type\":\"flags\",\"flags\":[\"\\\\Seen\",\"\\\\Draft\"],"
	  "\"bare\":true}" },
	{ W("* FLAGS ()\r\n"), 0,
	  "{\"version\":1,\"type\":\"flags\",\"flags\":[]}" },
	/* EXISTS, RECENT, EXPUNGE, VANISHED */
	{ W("* 23 EXISTS\r\n"), 0,
	  "{\"version\":1,\"type\":\"exists\",\"count\":23}" },
	{ W("* 5 RECENT\r\n"), 0,
	  "{\"version\":1,\"type\":\"recent\",\"count\":5}" },
	{ W("* 3 EXPUNGE\r\n"), 0,
	  "{\"version\":1,\"type\":\"expunge\",\"seq\":3}" },
	{ W("* 0 EXPUNGE\r\n"), 0,
	  "{\"version\":1,\"type\":\"expunge\",\"seq\":0,\"malformed\":true}" },
	{ W("* 99999999999 EXISTS x\r\n"), 0,
	  "{\"version\":1,\"type\":\"exists\",\"count\":99999999999,\"malformed\":true,"
	  "\"rest\":[\"x\"]}" },
	{ W("* EXISTS\r\n"), 0,
	  "{\"version\":1,\"type\":\"exists\",\"count\":null,\"malformed\":true}" },
	{ W("* VANISHED (EARLIER) 300:310,405,411\r\n"), 0,
	  "{\"version\":1,\"type\":\"vanished\",\"earlier\":true,\"uids\":\"300:310,405,"
	  "411\"}" },
	{ W("* VANISHED 1:*\r\n"), 0,
	  "{\"version\":1,\"type\":\"vanished\",\"earlier\":false,\"uids\":\"1:*\"}" },
	{ W("* VANISHED (FOO) 1,x\r\n"), 0,
	  "{\"version\":1,\"type\":\"vanished\",\"earlier\":false,\"uids\":null,"
	  "\"malformed\":true,\"data\":[[\"FOO\"],\"1,x\"]}" },
	{ W("* VANISHED\r\n"), 0,
	  "{\"version\":1,\"type\":\"vanished\",\"earlier\":false,\"uids\":null,"
	  "\"malformed\":true,\"data\":[]}" },
	/* literals that went to the sink (8 bytes and more here): {"sunk":true,"size":N} */
	{ W("* LIST () \"/\" {8}\r\nabcdefgh\r\n"), SINK,
	  "{\"version\":1,\"type\":\"list\",\"name\":{\"sunk\":true,\"size\":8},"
	  "\"delimiter\":\"/\",\"attributes\":[]}" },
	{ W("* METADATA INBOX (/shared/x {9}\r\n123456789)\r\n"), SINK,
	  "{\"version\":1,\"type\":\"metadata\",\"name\":\"INBOX\","
	  "\"entries\":[{\"entry\":\"/shared/x\",\"value\":{\"sunk\":true,\"size\":9}}]}" },
	{ W("* CAPABILITY IMAP4rev2 {10}\r\n0123456789\r\n"), SINK,
	  "{\"version\":1,\"type\":\"capability\",\"capabilities\":[\"IMAP4rev2\","
	  "{\"sunk\":true,\"size\":10}]}" },
	/* not ours: false, nothing written */
	{ W("* 1 FETCH (UID 1)\r\n"), 0,
	  NULL },
	{ W("* OK [UIDNEXT 4] x\r\n"), 0,
	  NULL },
	{ W("* BYE\r\n"), 0,
	  NULL },
	{ W("A1 OK done\r\n"), 0,
	  NULL },
	{ W("+ go\r\n"), 0,
	  NULL },
	{ W("* XYZ 1 2\r\n"), 0,
	  NULL },
	/* response codes (json_code) */
	{ W("A1 OK [APPENDUID 38505 3955] done\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"APPENDUID\",\"uidvalidity\":38505,"
	  "\"uids\":\"3955\"}}" },
	{ W("A1 OK [COPYUID 38505 304,319:320 3956:3958] done\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"COPYUID\",\"uidvalidity\":38505,"
	  "\"source\":\"304,319:320\",\"dest\":\"3956:3958\"}}" },
	{ W("* OK [UIDVALIDITY 3857529045] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"UIDVALIDITY\",\"value\":3857529045}}" },
	{ W("* OK [UIDNEXT 4392] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"UIDNEXT\",\"value\":4392}}" },
	{ W("* OK [UNSEEN 12] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"UNSEEN\",\"value\":12}}" },
	{ W("* OK [HIGHESTMODSEQ 715194045007] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"HIGHESTMODSEQ\",\"value\":715194045007}}" },
	{ W("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"PERMANENTFLAGS\",\"flags\":[\"\\\\Deleted\","
	  "\"\\\\Seen\",\"\\\\*\"],\"new_keywords\":true}}" },
	{ W("* OK [PERMANENTFLAGS ()] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"PERMANENTFLAGS\",\"flags\":[],"
	  "\"new_keywords\":false}}" },
	{ W("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"CAPABILITY\","
	  "\"capabilities\":[\"IMAP4rev1\",\"AUTH=PLAIN\"]}}" },
	{ W("A1 NO [BADCHARSET (US-ASCII UTF-8)] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"BADCHARSET\",\"charsets\":[\"US-ASCII\","
	  "\"UTF-8\"]}}" },
	{ W("A1 NO [BADCHARSET] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"BADCHARSET\",\"charsets\":[]}}" },
	{ W("A1 OK [MODIFIED 7,9] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"MODIFIED\",\"set\":\"7,9\"}}" },
	{ W("A1 OK [MAILBOXID (F2212ea87)] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"MAILBOXID\",\"id\":\"F2212ea87\"}}" },
	{ W("* OK [URLMECH INTERNAL XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"URLMECH\",\"mechanisms\":[\"INTERNAL\","
	  "\"XSAMPLE=P34OKhO7VEkCbsiYY8rGEg==\"]}}" },
	{ W("* OK [READ-ONLY] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"READ-ONLY\"}}" },
	{ W("* NO [OVERQUOTA] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"OVERQUOTA\"}}" },
	/* a code without arguments that got some; malformed; unknown */
	{ W("* OK [ALERT extra words] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"ALERT\",\"args\":[\"extra\",\"words\"],"
	  "\"raw\":\"ALERT extra words\"}}" },
	{ W("* OK [UIDNEXT 0] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"UIDNEXT\",\"malformed\":true,\"args\":[0],"
	  "\"raw\":\"UIDNEXT 0\"}}" },
	{ W("* OK [APPENDUID 1 x] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"APPENDUID\",\"malformed\":true,\"args\":[1,"
	  "\"x\"],\"raw\":\"APPENDUID 1 x\"}}" },
	{ W("* OK [X-FOO 1 (a b) \"q\"] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":\"X-FOO\",\"args\":[1,[\"a\",\"b\"],\"q\"],"
	  "\"raw\":\"X-FOO 1 (a b) \\\"q\\\"\"}}" },
	{ W("* OK [X-\377] x\r\n"), CODE,
	  "{\"version\":1,\"code\":{\"name\":{\"base64\":\"WC3/\"},\"args\":[],"
	  "\"raw\":{\"base64\":\"WC3/\"}}}" },
	/* no code: nothing */
	{ W("A1 OK done\r\n"), CODE,
	  "{\"version\":1}" },
	{ W("* 1 EXISTS\r\n"), CODE,
	  "{\"version\":1}" },
};

static int sink_handle;

static void *sink_begin(void *ctx, const struct imap_literal_info *info)
{
	(void)ctx;
	(void)info;
	return &sink_handle;
}

static int sink_data(void *ctx, void *h, const char *data, size_t len, struct imap_err *err)
{
	(void)ctx;
	(void)h;
	(void)data;
	(void)len;
	(void)err;
	return 0;
}

static int sink_end(void *ctx, void *h, struct imap_err *err)
{
	(void)ctx;
	(void)h;
	(void)err;
	return 0;
}

static void sink_abort(void *ctx, void *h)
{
	(void)ctx;
	(void)h;
}

static const struct imap_literal_sink sink = {
	sink_begin, sink_data, sink_end, sink_abort, NULL, 8,
};

static struct imap_response *parse(const struct jcase *c)
{
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;

	if (c->opts & SINK)
		imap_parser_set_sink(p, &sink);
	imap_parser_feed(p, c->wire, c->len);
	ck_assert_msg(imap_parser_next(p, &r, &err) == 1, "no response from %s: %s", c->wire,
		      err.msg);
	imap_parser_free(p);
	return r;
}

START_TEST(test_json_cases)
{
	const struct jcase *c = &cases[_i];
	struct imap_response *r = parse(c);
	struct render_opts o = { .format = RENDER_JSON };
	struct buf b = BUF_INIT, esc = BUF_INIT;
	struct json j = JSON_INIT(&b);
	const char *want = c->want ? c->want : "{\"version\":1}";
	bool ok = true;

	o.utf8_names = (c->opts & UTF8) != 0;
	json_obj_open(&j);
	json_key(&j, "version");
	json_u64(&j, 1);
	if (c->opts & CODE)
		json_code(&j, r);
	else
		ok = json_view(&j, r, &o);
	json_obj_close(&j);
	buf_add_escaped(&esc, b.buf, b.len);
	ck_assert_msg(ok == (c->want != NULL || (c->opts & CODE)), "case %d: returned %d", _i, ok);
	ck_assert_msg(j.depth == 0, "case %d: depth %u", _i, j.depth);
	ck_assert_msg(b.len == strlen(want) && !memcmp(b.buf, want, b.len), "case %d: got [%s]",
		      _i, esc.buf);
	buf_release(&b);
	buf_release(&esc);
	imap_response_free(r);
}
END_TEST

/* A response built by hand (no arena): no view, json_view() writes
 * nothing; json_code() writes the code as sent. */
START_TEST(test_no_arena)
{
	struct imap_value args[] = {
		{ .type = IMAP_VALUE_NUMBER, .str = "4", .len = 1, .num = 4 },
	};
	struct imap_response r = {
		.kind = IMAP_RESP_UNTAGGED, .tag = "*", .name = "SEARCH", .text = "",
		.data = { .type = IMAP_VALUE_LIST, .items = args, .count = 1 },
	};
	struct buf b = BUF_INIT;
	struct json j = JSON_INIT(&b);

	json_obj_open(&j);
	ck_assert(!json_view(&j, &r, NULL));
	r.status = IMAP_STATUS_OK;
	r.name = "OK";
	r.code_name = "UIDNEXT";
	r.code_raw = "UIDNEXT 4";
	r.code_args = r.data;
	json_code(&j, &r);
	json_obj_close(&j);
	ck_assert_str_eq(b.buf, "{\"code\":{\"name\":\"UIDNEXT\",\"args\":[4],\"raw\":\"UIDNEXT 4\"}}");
	buf_release(&b);
}
END_TEST

/* Nesting past JSON_MAX_DEPTH: a generic value 40 lists deep (in a
 * STATUS item), a word before and after the inner list at every level,
 * so commas are due right after closes past the limit. */
#define DEEP 40

START_TEST(test_deep_value)
{
	struct buf wire = BUF_INIT, want = BUF_INIT, b = BUF_INIT, esc = BUF_INIT;
	struct jcase c;
	struct imap_response *r;
	struct json j = JSON_INIT(&b);
	struct render_opts o = { .format = RENDER_JSON };
	int i;

	buf_adds(&wire, "* STATUS foo (X-DEEP ");
	buf_adds(&want, "{\"version\":1,\"type\":\"status\",\"name\":\"foo\","
		 "\"items\":[{\"key\":\"X-DEEP\",\"value\":");
	for (i = 0; i < DEEP; i++) {
		buf_adds(&wire, "(a ");
		buf_adds(&want, "[\"a\",");
	}
	buf_adds(&wire, "1 2");
	buf_adds(&want, "1,2");
	for (i = 0; i < DEEP; i++) {
		buf_adds(&wire, " b)");
		buf_adds(&want, ",\"b\"]");
	}
	buf_adds(&wire, " X-NEXT 3)\r\n");
	buf_adds(&want, "},{\"key\":\"X-NEXT\",\"value\":3}]}");
	c.wire = wire.buf;
	c.len = wire.len;
	c.opts = 0;
	c.want = want.buf;
	r = parse(&c);
	json_obj_open(&j);
	json_key(&j, "version");
	json_u64(&j, 1);
	ck_assert(json_view(&j, r, &o));
	/* back in the top object: no drift from the levels past the limit */
	ck_assert_msg(j.depth == 1 && j.over == 0, "depth %u over %u", j.depth, j.over);
	json_obj_close(&j);
	buf_add_escaped(&esc, b.buf, b.len);
	ck_assert_msg(j.depth == 0 && j.over == 0, "depth %u over %u", j.depth, j.over);
	ck_assert_msg(b.len == want.len && !memcmp(b.buf, want.buf, b.len), "got [%s]", esc.buf);
	imap_response_free(r);
	buf_release(&wire);
	buf_release(&want);
	buf_release(&b);
	buf_release(&esc);
}
END_TEST

/* The writer alone past JSON_MAX_DEPTH: objects with keys before and
 * after the inner one, then arrays, and back to depth 0. */
START_TEST(test_deep_writer)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	struct json j = JSON_INIT(&b);
	int i;

	json_arr_open(&j);
	for (i = 0; i < DEEP; i++) {
		json_obj_open(&j);
		json_ku64(&j, "a", (uint64_t)i);
		json_key(&j, "k");
		buf_adds(&want, i ? "{\"a\":" : "[{\"a\":");
		buf_addf(&want, "%d,\"k\":", i);
	}
	json_arr_open(&j);
	json_arr_open(&j);
	json_arr_close(&j);
	json_arr_open(&j);
	json_arr_close(&j);
	json_arr_close(&j);
	buf_adds(&want, "[[],[]]");
	ck_assert_msg(j.depth == JSON_MAX_DEPTH && j.over == DEEP + 1 - JSON_MAX_DEPTH,
		      "depth %u over %u", j.depth, j.over);
	for (i = 0; i < DEEP; i++) {
		json_kbool(&j, "z", true);
		json_obj_close(&j);
		buf_adds(&want, ",\"z\":true}");
	}
	ck_assert_msg(j.depth == 1 && j.over == 0, "depth %u over %u", j.depth, j.over);
	json_null(&j);
	json_arr_close(&j);
	buf_adds(&want, ",null]");
	ck_assert_msg(j.depth == 0 && j.over == 0, "depth %u over %u", j.depth, j.over);
	ck_assert_msg(b.len == want.len && !memcmp(b.buf, want.buf, b.len), "got [%s] want [%s]",
		      b.buf, want.buf);
	buf_release(&b);
	buf_release(&want);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("json_view");
	TCase *tc = tcase_create("objects");

	tcase_add_loop_test(tc, test_json_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_no_arena);
	tcase_add_test(tc, test_deep_value);
	tcase_add_test(tc, test_deep_writer);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
