/*
 * check_render.c - the PRETTY, RAW and JSON renderers.
 *
 * Response trees are built by hand from static arrays (no parser): each
 * test gives the wire bytes (r.raw), and golden output for every format.
 */
#include "shell/render.h"
#include "shell/json.h"
#include "util/buf.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ATOM(s) { .type = IMAP_VALUE_ATOM, .str = (s), .len = sizeof(s) - 1 }
#define NUM(n) { .type = IMAP_VALUE_NUMBER, .str = #n, .len = sizeof(#n) - 1, .num = (n) }
#define QUOTED(s) { .type = IMAP_VALUE_QUOTED, .str = (s), .len = sizeof(s) - 1 }
#define LITERAL(s) { .type = IMAP_VALUE_LITERAL, .str = (s), .len = sizeof(s) - 1, \
		     .literal_size = sizeof(s) - 1 }
#define LITERAL8(s) { .type = IMAP_VALUE_LITERAL, .str = (s), .len = sizeof(s) - 1, \
		      .literal_size = sizeof(s) - 1, .literal8 = true }
#define SUNK(n) { .type = IMAP_VALUE_LITERAL, .literal_size = (n), .sunk = true }
#define NIL { .type = IMAP_VALUE_NIL }
#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
#define LIST(a) { .type = IMAP_VALUE_LIST, .items = (a), .count = NITEMS(a) }
#define EMPTY_LIST { .type = IMAP_VALUE_LIST }
#define RAW(s) .raw = (s), .raw_len = sizeof(s) - 1
#define TEXT(s) .text = (s), .text_len = sizeof(s) - 1

/* Something already in the buffer, ending in a newline: renderers append,
 * and a literal's line logic must not look at bytes that are not theirs. */
#define PREFIX "earlier output\n"

static void show_diff(const char *what, const struct buf *got, const char *want, size_t want_len)
{
	struct buf g = BUF_INIT, w = BUF_INIT;

	buf_add_escaped(&g, got->buf, got->len);
	buf_add_escaped(&w, want, want_len);
	ck_assert_msg(got->len == want_len && memcmp(got->buf, want, want_len) == 0,
		      "%s:\n got  [%s]\n want [%s]", what, g.buf, w.buf);
	buf_release(&g);
	buf_release(&w);
}

static void expect_resp(const struct imap_response *r, enum render_format f, bool tty,
			const char *want, size_t want_len)
{
	struct buf b = BUF_INIT, got = BUF_INIT;
	struct render_opts o = { .format = f, .tty = tty };

	buf_adds(&b, PREFIX);
	render_response(&b, r, &o);
	ck_assert_mem_eq(b.buf, PREFIX, sizeof(PREFIX) - 1);
	buf_add(&got, b.buf + sizeof(PREFIX) - 1, b.len - (sizeof(PREFIX) - 1));
	show_diff(f == RENDER_PRETTY ? "pretty" : f == RENDER_RAW ? "raw" : "json", &got,
		  want, want_len);
	ck_assert_int_eq(b.buf[b.len], '\0');
	buf_release(&b);
	buf_release(&got);
}

#define PRETTY(r, lit) expect_resp((r), RENDER_PRETTY, false, (lit), sizeof(lit) - 1)
#define PRETTY_TTY(r, lit) expect_resp((r), RENDER_PRETTY, true, (lit), sizeof(lit) - 1)
#define JSON(r, lit) do { \
		expect_resp((r), RENDER_JSON, false, (lit), sizeof(lit) - 1); \
		expect_resp((r), RENDER_JSON, true, (lit), sizeof(lit) - 1); \
	} while (0)

/*
 * RAW is r->raw exactly; without raw bytes it is the wire syntax rebuilt
 * from the tree, which for these canonical responses is the same bytes.
 */
static void expect_raw(const struct imap_response *r)
{
	struct imap_response copy = *r;

	expect_resp(r, RENDER_RAW, false, r->raw, r->raw_len);
	expect_resp(r, RENDER_RAW, true, r->raw, r->raw_len);
	copy.raw = NULL;
	copy.raw_len = 0;
	expect_resp(&copy, RENDER_RAW, false, r->raw, r->raw_len);
}

/* --- FETCH with ENVELOPE and a text literal ---------------------------- */

#define MSG "Subject: hi\r\nFrom: Terry Gray <gray@cac.washington.edu>\r\n\r\n" \
	"Hello \"world\" \\o/ caf\xc3\xa9\r\n"
#define ADDR_W "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\"))"
#define ADDR_J "[[\"Terry Gray\",null,\"gray\",\"cac.washington.edu\"]]"

static struct imap_value gray[] = {
	QUOTED("Terry Gray"), NIL, QUOTED("gray"), QUOTED("cac.washington.edu"),
};
static struct imap_value gray_list[] = { LIST(gray) };
static struct imap_value imap_addr[] = {
	NIL, NIL, QUOTED("imap"), QUOTED("cac.washington.edu"),
};
static struct imap_value imap_list[] = { LIST(imap_addr) };
static struct imap_value envelope[] = {
	QUOTED("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"),
	QUOTED("IMAP4rev1 WG mtg summary and minutes"),
	LIST(gray_list), LIST(gray_list), LIST(gray_list), LIST(imap_list),
	NIL, NIL, NIL, QUOTED("<B27397-0100000@cac.washington.edu>"),
};
static struct imap_value seen[] = { ATOM("\\Seen") };
static struct imap_value fetch12_items[] = {
	ATOM("UID"), NUM(4827), ATOM("FLAGS"), LIST(seen),
	ATOM("ENVELOPE"), LIST(envelope), ATOM("BODY[]"), LITERAL(MSG),
};
static struct imap_value fetch12_data[] = { LIST(fetch12_items) };

static const struct imap_response fetch12 = {
	.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 12, .name = "FETCH",
	.data = LIST(fetch12_data), TEXT(""),
	RAW("* 12 FETCH (UID 4827 FLAGS (\\Seen) ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
	    "\"IMAP4rev1 WG mtg summary and minutes\" " ADDR_W " " ADDR_W " " ADDR_W " "
	    "((NIL NIL \"imap\" \"cac.washington.edu\")) NIL NIL NIL "
	    "\"<B27397-0100000@cac.washington.edu>\") BODY[] {84}\r\n" MSG ")\r\n"),
};

START_TEST(test_fetch_envelope_text_literal)
{
	static const char pretty[] =
		"* 12 FETCH (UID 4827 FLAGS (\\Seen) ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" "
		"\"IMAP4rev1 WG mtg summary and minutes\" " ADDR_W " " ADDR_W " " ADDR_W " "
		"((NIL NIL \"imap\" \"cac.washington.edu\")) NIL NIL NIL "
		"\"<B27397-0100000@cac.washington.edu>\") BODY[] {84}\n"
		"Subject: hi\nFrom: Terry Gray <gray@cac.washington.edu>\n\n"
		"Hello \"world\" \\o/ caf\xc3\xa9\n"
		")\n";

	ck_assert_uint_eq(sizeof(MSG) - 1, 84);
	PRETTY(&fetch12, pretty);
	PRETTY_TTY(&fetch12, pretty); /* text is text on a tty too */
	expect_raw(&fetch12);
	JSON(&fetch12,
	     "{\"version\":1,\"type\":\"data\",\"name\":\"FETCH\",\"number\":12,\"data\":[[\"UID\",4827,"
	     "\"FLAGS\",[\"\\\\Seen\"],\"ENVELOPE\",[\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\","
	     "\"IMAP4rev1 WG mtg summary and minutes\"," ADDR_J "," ADDR_J "," ADDR_J ","
	     "[[null,null,\"imap\",\"cac.washington.edu\"]],null,null,null,"
	     "\"<B27397-0100000@cac.washington.edu>\"],\"BODY[]\","
	     "\"Subject: hi\\r\\nFrom: Terry Gray <gray@cac.washington.edu>\\r\\n\\r\\n"
	     "Hello \\\"world\\\" \\\\o/ caf\xc3\xa9\\r\\n\"]]}\n");
}
END_TEST

/* --- a text literal not ending in a newline, then more items ----------- */

static struct imap_value fetch2_items[] = {
	ATOM("BODY[TEXT]"), LITERAL("hello\r\nworld"), ATOM("FLAGS"), LIST(seen),
	ATOM("BODY[1]"), LITERAL(""),
};
static struct imap_value fetch2_data[] = { LIST(fetch2_items) };
static const struct imap_response fetch2 = {
	.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 2, .name = "FETCH",
	.data = LIST(fetch2_data), TEXT(""),
	RAW("* 2 FETCH (BODY[TEXT] {12}\r\nhello\r\nworld FLAGS (\\Seen) BODY[1] {0}\r\n)\r\n"),
};

START_TEST(test_text_literal_mid_line)
{
	PRETTY(&fetch2, "* 2 FETCH (BODY[TEXT] {12}\nhello\nworld\nFLAGS (\\Seen) BODY[1] {0})\n");
	expect_raw(&fetch2);
	JSON(&fetch2, "{\"version\":1,\"type\":\"data\",\"name\":\"FETCH\",\"number\":2,\"data\":"
		      "[[\"BODY[TEXT]\",\"hello\\r\\nworld\",\"FLAGS\",[\"\\\\Seen\"],\"BODY[1]\",\"\"]]}\n");
}
END_TEST

/* --- binary literal8, tty on and off ----------------------------------- */

#define BIN "\x00\x01\xff\\A\r\n"
static struct imap_value fetch3_items[] = {
	ATOM("UID"), NUM(9), ATOM("BINARY[2]"), LITERAL8(BIN),
};
static struct imap_value fetch3_data[] = { LIST(fetch3_items) };
static const struct imap_response fetch3 = {
	.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 3, .name = "FETCH",
	.data = LIST(fetch3_data), TEXT(""),
	RAW("* 3 FETCH (UID 9 BINARY[2] ~{7}\r\n" BIN ")\r\n"),
};

START_TEST(test_binary_literal)
{
	ck_assert_int_eq(render_is_text(BIN, sizeof(BIN) - 1), 0);
	PRETTY_TTY(&fetch3, "* 3 FETCH (UID 9 BINARY[2] ~{7} <binary data, 7 bytes>)\n");
	/* not a tty: the bytes, escaped; backslash doubled so \x is unambiguous */
	PRETTY(&fetch3, "* 3 FETCH (UID 9 BINARY[2] ~{7}\n\\x00\\x01\\xff\\\\A\\x0d\n)\n");
	expect_raw(&fetch3);
	JSON(&fetch3, "{\"version\":1,\"type\":\"data\",\"name\":\"FETCH\",\"number\":3,\"data\":"
		      "[[\"UID\",9,\"BINARY[2]\",{\"base64\":\"AAH/XEENCg==\"}]]}\n");
}
END_TEST

/* --- sunk literal ------------------------------------------------------ */

static struct imap_value fetch9_items[] = { ATOM("BODY[]"), SUNK(1048576) };
static struct imap_value fetch9_data[] = { LIST(fetch9_items) };
static const struct imap_response fetch9 = {
	.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 9, .name = "FETCH",
	.data = LIST(fetch9_data), TEXT(""),
	RAW("* 9 FETCH (BODY[] {1048576})\r\n"),
};

START_TEST(test_sunk_literal)
{
	PRETTY(&fetch9, "* 9 FETCH (BODY[] {1048576} <1048576 bytes saved>)\n");
	PRETTY_TTY(&fetch9, "* 9 FETCH (BODY[] {1048576} <1048576 bytes saved>)\n");
	expect_raw(&fetch9);
	JSON(&fetch9, "{\"version\":1,\"type\":\"data\",\"name\":\"FETCH\",\"number\":9,\"data\":"
		      "[[\"BODY[]\",{\"sunk\":true,\"size\":1048576}]]}\n");
}
END_TEST

/* --- LIST -------------------------------------------------------------- */

static struct imap_value list_flags[] = { ATOM("\\HasNoChildren"), ATOM("\\Marked") };
static struct imap_value list1_data[] = {
	LIST(list_flags), QUOTED("/"), QUOTED("INBOX/Sent \"Items\" \\o/"),
};
static const struct imap_response list1 = {
	.kind = IMAP_RESP_UNTAGGED, .name = "LIST", .data = LIST(list1_data), TEXT(""),
	RAW("* LIST (\\HasNoChildren \\Marked) \"/\" \"INBOX/Sent \\\"Items\\\" \\\\o/\"\r\n"),
};
static struct imap_value noselect[] = { ATOM("\\Noselect") };
static struct imap_value list2_data[] = { LIST(noselect), NIL, QUOTED("") };
static const struct imap_response list2 = {
	.kind = IMAP_RESP_UNTAGGED, .name = "LIST", .data = LIST(list2_data), TEXT(""),
	RAW("* LIST (\\Noselect) NIL \"\"\r\n"),
};

START_TEST(test_list)
{
	PRETTY(&list1, "* LIST (\\HasNoChildren \\Marked) \"/\" \"INBOX/Sent \\\"Items\\\" \\\\o/\"\n");
	expect_raw(&list1);
	JSON(&list1, "{\"version\":1,\"type\":\"data\",\"name\":\"LIST\",\"data\":[[\"\\\\HasNoChildren\","
		     "\"\\\\Marked\"],\"/\",\"INBOX/Sent \\\"Items\\\" \\\\o/\"]}\n");
	PRETTY(&list2, "* LIST (\\Noselect) NIL \"\"\n");
	expect_raw(&list2);
	JSON(&list2, "{\"version\":1,\"type\":\"data\",\"name\":\"LIST\",\"data\":[[\"\\\\Noselect\"],null,\"\"]}\n");
}
END_TEST

/* --- STATUS, CAPABILITY, EXISTS ---------------------------------------- */

static struct imap_value status_att[] = {
	ATOM("MESSAGES"), NUM(2), ATOM("UIDNEXT"), NUM(44), ATOM("UNSEEN"), NUM(0),
};
static struct imap_value status_data[] = { ATOM("Drafts"), LIST(status_att) };
static const struct imap_response status = {
	.kind = IMAP_RESP_UNTAGGED, .name = "STATUS", .data = LIST(status_data), TEXT(""),
	RAW("* STATUS Drafts (MESSAGES 2 UIDNEXT 44 UNSEEN 0)\r\n"),
};
static struct imap_value caps[] = {
	ATOM("IMAP4rev1"), ATOM("LITERAL+"), ATOM("SASL-IR"), ATOM("AUTH=PLAIN"), ATOM("IDLE"),
};
static const struct imap_response capability = {
	.kind = IMAP_RESP_UNTAGGED, .name = "CAPABILITY", .data = LIST(caps), TEXT(""),
	RAW("* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN IDLE\r\n"),
};
static const struct imap_response exists = {
	.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 23, .name = "EXISTS",
	.data = EMPTY_LIST, TEXT(""), RAW("* 23 EXISTS\r\n"),
};

START_TEST(test_status_capability_exists)
{
	PRETTY(&status, "* STATUS Drafts (MESSAGES 2 UIDNEXT 44 UNSEEN 0)\n");
	expect_raw(&status);
	JSON(&status, "{\"version\":1,\"type\":\"data\",\"name\":\"STATUS\",\"data\":[\"Drafts\","
		      "[\"MESSAGES\",2,\"UIDNEXT\",44,\"UNSEEN\",0]]}\n");

	PRETTY(&capability, "* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN IDLE\n");
	expect_raw(&capability);
	JSON(&capability, "{\"version\":1,\"type\":\"data\",\"name\":\"CAPABILITY\",\"data\":"
			  "[\"IMAP4rev1\",\"LITERAL+\",\"SASL-IR\",\"AUTH=PLAIN\",\"IDLE\"]}\n");

	PRETTY(&exists, "* 23 EXISTS\n");
	expect_raw(&exists);
	JSON(&exists, "{\"version\":1,\"type\":\"data\",\"name\":\"EXISTS\",\"number\":23,\"data\":[]}\n");
}
END_TEST

/* --- untagged status responses with codes ------------------------------ */

static struct imap_value uidvalidity_args[] = { NUM(3857529045) };
static const struct imap_response ok_uidvalidity = {
	.kind = IMAP_RESP_UNTAGGED, .status = IMAP_STATUS_OK, .name = "OK",
	.code_name = "UIDVALIDITY", .code_args = LIST(uidvalidity_args),
	.code_raw = "UIDVALIDITY 3857529045", .data = EMPTY_LIST, TEXT("UIDs valid"),
	RAW("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"),
};
static struct imap_value permflags[] = { ATOM("\\Deleted"), ATOM("\\Seen"), ATOM("\\*") };
static struct imap_value permflags_args[] = { LIST(permflags) };
static const struct imap_response ok_permflags = {
	.kind = IMAP_RESP_UNTAGGED, .status = IMAP_STATUS_OK, .name = "OK",
	.code_name = "PERMANENTFLAGS", .code_args = LIST(permflags_args),
	.data = EMPTY_LIST, TEXT("Limited"),
	RAW("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"),
};
static struct imap_value preauth_caps[] = { ATOM("IMAP4rev1"), ATOM("IDLE") };
static const struct imap_response preauth = {
	.kind = IMAP_RESP_UNTAGGED, .status = IMAP_STATUS_PREAUTH, .name = "PREAUTH",
	.code_name = "CAPABILITY", .code_args = LIST(preauth_caps),
	.data = EMPTY_LIST, TEXT("Logged in as joe"),
	RAW("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] Logged in as joe\r\n"),
};
static const struct imap_response bye = {
	.kind = IMAP_RESP_UNTAGGED, .status = IMAP_STATUS_BYE, .name = "BYE",
	TEXT("Logging out"), RAW("* BYE Logging out\r\n"),
};

START_TEST(test_untagged_status)
{
	PRETTY(&ok_uidvalidity, "* OK [UIDVALIDITY 3857529045] UIDs valid\n");
	expect_raw(&ok_uidvalidity);
	JSON(&ok_uidvalidity, "{\"version\":1,\"type\":\"untagged\",\"status\":\"OK\","
			      "\"code\":{\"name\":\"UIDVALIDITY\",\"args\":[3857529045]},"
			      "\"text\":\"UIDs valid\"}\n");

	PRETTY(&ok_permflags, "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\n");
	expect_raw(&ok_permflags);
	JSON(&ok_permflags, "{\"version\":1,\"type\":\"untagged\",\"status\":\"OK\","
			    "\"code\":{\"name\":\"PERMANENTFLAGS\",\"args\":"
			    "[[\"\\\\Deleted\",\"\\\\Seen\",\"\\\\*\"]]},\"text\":\"Limited\"}\n");

	PRETTY(&preauth, "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] Logged in as joe\n");
	expect_raw(&preauth);
	JSON(&preauth, "{\"version\":1,\"type\":\"untagged\",\"status\":\"PREAUTH\","
		       "\"code\":{\"name\":\"CAPABILITY\",\"args\":[\"IMAP4rev1\",\"IDLE\"]},"
		       "\"text\":\"Logged in as joe\"}\n");

	/* BYE: no code; data left zeroed as a parser might */
	PRETTY(&bye, "* BYE Logging out\n");
	expect_raw(&bye);
	JSON(&bye, "{\"version\":1,\"type\":\"untagged\",\"status\":\"BYE\","
		   "\"text\":\"Logging out\"}\n");
}
END_TEST

/* --- tagged ------------------------------------------------------------ */

static const struct imap_response tagged_rw = {
	.kind = IMAP_RESP_TAGGED, .tag = "A3", .status = IMAP_STATUS_OK, .name = "OK",
	.code_name = "READ-WRITE", .code_args = EMPTY_LIST, .code_raw = "READ-WRITE",
	.data = EMPTY_LIST, TEXT("Select completed"),
	RAW("A3 OK [READ-WRITE] Select completed\r\n"),
};
static const struct imap_response tagged_no = {
	.kind = IMAP_RESP_TAGGED, .tag = "A7", .status = IMAP_STATUS_NO, .name = "NO",
	.code_name = "TRYCREATE", .code_args = EMPTY_LIST,
	.data = EMPTY_LIST, TEXT("Mailbox doesn't exist: Foo"),
	RAW("A7 NO [TRYCREATE] Mailbox doesn't exist: Foo\r\n"),
};
static const struct imap_response tagged_bad = {
	.kind = IMAP_RESP_TAGGED, .tag = "A9", .status = IMAP_STATUS_BAD, .name = "BAD",
	.data = EMPTY_LIST, TEXT("Error in IMAP command: Unknown command."),
	RAW("A9 BAD Error in IMAP command: Unknown command.\r\n"),
};

START_TEST(test_tagged)
{
	PRETTY(&tagged_rw, "OK [READ-WRITE] Select completed\n");
	expect_raw(&tagged_rw);
	JSON(&tagged_rw, "{\"version\":1,\"type\":\"tagged\",\"tag\":\"A3\",\"status\":\"OK\",\"code\":"
			 "{\"name\":\"READ-WRITE\",\"args\":[]},\"text\":\"Select completed\"}\n");

	PRETTY(&tagged_no, "NO [TRYCREATE] Mailbox doesn't exist: Foo\n");
	expect_raw(&tagged_no);
	JSON(&tagged_no, "{\"version\":1,\"type\":\"tagged\",\"tag\":\"A7\",\"status\":\"NO\",\"code\":"
			 "{\"name\":\"TRYCREATE\",\"args\":[]},\"text\":\"Mailbox doesn't exist: Foo\"}\n");

	PRETTY(&tagged_bad, "BAD Error in IMAP command: Unknown command.\n");
	expect_raw(&tagged_bad);
	JSON(&tagged_bad, "{\"version\":1,\"type\":\"tagged\",\"tag\":\"A9\",\"status\":\"BAD\","
			  "\"text\":\"Error in IMAP command: Unknown command.\"}\n");

	/* the command and script line, in JSON only */
	{
		struct render_opts o = { .format = RENDER_JSON, .command = "UID FETCH", .line = 42 };
		struct buf b = BUF_INIT;
		render_response(&b, &tagged_no, &o);
		ck_assert_str_eq(b.buf, "{\"version\":1,\"type\":\"tagged\",\"tag\":\"A7\",\"status\":\"NO\","
					"\"code\":{\"name\":\"TRYCREATE\",\"args\":[]},"
					"\"text\":\"Mailbox doesn't exist: Foo\","
					"\"command\":\"UID FETCH\",\"line\":42}\n");
		buf_reset(&b);
		o.format = RENDER_PRETTY;
		render_response(&b, &tagged_no, &o);
		ck_assert_str_eq(b.buf, "NO [TRYCREATE] Mailbox doesn't exist: Foo\n");
		buf_release(&b);
	}
}
END_TEST

/* --- continuation ------------------------------------------------------ */

static const struct imap_response cont_text = {
	.kind = IMAP_RESP_CONTINUATION, .name = "+", TEXT("Ready for literal data"),
	RAW("+ Ready for literal data\r\n"),
};
static const struct imap_response cont_empty = {
	.kind = IMAP_RESP_CONTINUATION, .name = "+", TEXT(""), RAW("+ \r\n"),
};
static const struct imap_response cont_b64 = {
	.kind = IMAP_RESP_CONTINUATION, .name = "+", TEXT("dGVzdA=="), RAW("+ dGVzdA==\r\n"),
};

START_TEST(test_continuation)
{
	PRETTY(&cont_text, "+ Ready for literal data\n");
	expect_raw(&cont_text);
	JSON(&cont_text, "{\"version\":1,\"type\":\"continuation\",\"text\":\"Ready for literal data\"}\n");
	PRETTY(&cont_empty, "+ \n"); /* as sent: "+ " */
	expect_raw(&cont_empty);
	JSON(&cont_empty, "{\"version\":1,\"type\":\"continuation\",\"text\":\"\"}\n");
	PRETTY(&cont_b64, "+ dGVzdA==\n");
	JSON(&cont_b64, "{\"version\":1,\"type\":\"continuation\",\"text\":\"dGVzdA==\"}\n");
}
END_TEST

/* A response without literals is shown with the server's own spacing. */
static struct imap_value thr1[] = { NUM(1) };
static struct imap_value thr23[] = { NUM(2), NUM(3) };
static struct imap_value thread_data[] = { LIST(thr1), LIST(thr23) };
static const struct imap_response thread_resp = {
	.kind = IMAP_RESP_UNTAGGED, .name = "THREAD", .data = LIST(thread_data), TEXT(""),
	RAW("* THREAD (1)(2 3)\r\n"),
};

START_TEST(test_spacing_as_sent)
{
	PRETTY(&thread_resp, "* THREAD (1)(2 3)\n");
	expect_resp(&thread_resp, RENDER_RAW, false, thread_resp.raw, thread_resp.raw_len);
}
END_TEST

/* --- hostile bytes ----------------------------------------------------- */

/* ESC sequences (clear screen, set title), BEL, NUL, a C1 CSI (U+009B), an
 * invalid byte: none may reach a terminal as is. */
#define EVIL "\x1b[2J\x1b]0;pwned\x07 a\0b \xc2\x9b" "31m \xff caf\xc3\xa9"
static struct imap_value evil_flags[] = { ATOM("\\Fl\x1b" "ag"), ATOM("\\Seen") };
static struct imap_value fetch5_items[] = {
	ATOM("FLAGS"), LIST(evil_flags),
	ATOM("BODY[HEADER.FIELDS (SUBJECT)]"), QUOTED(EVIL),
};
static struct imap_value fetch5_data[] = { LIST(fetch5_items) };
static const struct imap_response fetch5 = {
	.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 5, .name = "FETCH",
	.data = LIST(fetch5_data), TEXT(""),
	RAW("* 5 FETCH (FLAGS (\\Fl\x1b" "ag \\Seen) BODY[HEADER.FIELDS (SUBJECT)] \"" EVIL "\")\r\n"),
};
static const struct imap_response ok_evil = {
	.kind = IMAP_RESP_UNTAGGED, .status = IMAP_STATUS_OK, .name = "OK",
	.code_name = "ALERT", .code_args = EMPTY_LIST,
	TEXT("\x1b[31mrm -rf\r\x1b[0m\n caf\xc3\xa9 \xe2\x80"),
	RAW("* OK [ALERT] \x1b[31mrm -rf\r\x1b[0m\n caf\xc3\xa9 \xe2\x80\r\n"),
};
static const struct imap_response tagged_evil = {
	.kind = IMAP_RESP_TAGGED, .tag = "A1\x1b", .status = IMAP_STATUS_NO, .name = "NO",
	TEXT("\x7f\x9b"), RAW("A1\x1b NO \x7f\x9b\r\n"),
};

START_TEST(test_hostile_bytes)
{
	PRETTY(&fetch5, "* 5 FETCH (FLAGS (\\Fl\\x1bag \\Seen) BODY[HEADER.FIELDS (SUBJECT)] "
			"\"\\x1b[2J\\x1b]0;pwned\\x07 a\\x00b \\xc2\\x9b31m \\xff caf\xc3\xa9\")\n");
	PRETTY_TTY(&fetch5, "* 5 FETCH (FLAGS (\\Fl\\x1bag \\Seen) BODY[HEADER.FIELDS (SUBJECT)] "
			    "\"\\x1b[2J\\x1b]0;pwned\\x07 a\\x00b \\xc2\\x9b31m \\xff caf\xc3\xa9\")\n");
	expect_raw(&fetch5);
	JSON(&fetch5, "{\"version\":1,\"type\":\"data\",\"name\":\"FETCH\",\"number\":5,\"data\":[["
		      "\"FLAGS\",[\"\\\\Fl\\u001bag\",\"\\\\Seen\"],\"BODY[HEADER.FIELDS (SUBJECT)]\","
		      /* a byte that is not UTF-8 (\xff): all of it base64 */
		      "{\"base64\":\"G1syShtdMDtwd25lZAcgYQBiIMKbMzFtIP8gY2Fmw6k=\"}]]}\n");

	PRETTY(&ok_evil, "* OK [ALERT] \\x1b[31mrm -rf\\x0d\\x1b[0m\\x0a caf\xc3\xa9 \\xe2\\x80\n");
	expect_raw(&ok_evil);
	JSON(&ok_evil, "{\"version\":1,\"type\":\"untagged\",\"status\":\"OK\",\"code\":"
		       "{\"name\":\"ALERT\",\"args\":[]},\"text\":"
		       "{\"base64\":\"G1szMW1ybSAtcmYNG1swbQogY2Fmw6kg4oA=\"}}\n");

	PRETTY(&tagged_evil, "NO \\x7f\\x9b\n");
	expect_raw(&tagged_evil);
	JSON(&tagged_evil, "{\"version\":1,\"type\":\"tagged\",\"tag\":\"A1\\u001b\",\"status\":\"NO\","
			   "\"text\":{\"base64\":\"f5s=\"}}\n");
}
END_TEST

START_TEST(test_hostile_text_literal)
{
	/* text with one ESC per 100 bytes is still text, but the ESC is escaped */
	static char body[201];
	static struct imap_value items[2] = { ATOM("BODY[]") };
	static struct imap_value data[1];
	struct imap_response r = {
		.kind = IMAP_RESP_UNTAGGED, .has_number = true, .number = 1, .name = "FETCH",
		TEXT(""),
	};
	struct buf want = BUF_INIT, b = BUF_INIT;
	struct render_opts o = { .format = RENDER_PRETTY, .tty = true };

	memset(body, 'x', 200);
	body[0] = '\x1b';
	body[99] = '\x1b';
	body[150] = '\r';
	body[151] = '\n';
	body[199] = '\n';
	ck_assert_int_eq(render_is_text(body, 200), 1);
	items[1] = (struct imap_value){ .type = IMAP_VALUE_LITERAL, .str = body, .len = 200,
					.literal_size = 200 };
	data[0] = (struct imap_value){ .type = IMAP_VALUE_LIST, .items = items, .count = 2 };
	r.data = (struct imap_value){ .type = IMAP_VALUE_LIST, .items = data, .count = 1 };

	render_response(&b, &r, &o);
	buf_adds(&want, "* 1 FETCH (BODY[] {200}\n\\x1b");
	buf_addf(&want, "%.98s\\x1b%.50s\n%.47s\n)\n", body + 1, body + 100, body + 152);
	show_diff("pretty", &b, want.buf, want.len);
	buf_release(&want);
	buf_release(&b);
}
END_TEST

/* --- render_value ------------------------------------------------------ */

static void expect_value(const struct imap_value *v, enum render_format f, bool tty,
			 const char *want, size_t want_len)
{
	struct buf b = BUF_INIT;
	struct render_opts o = { .format = f, .tty = tty };

	render_value(&b, v, &o);
	show_diff("value", &b, want, want_len);
	buf_release(&b);
}

#define VALUE(v, f, tty, lit) expect_value((v), (f), (tty), (lit), sizeof(lit) - 1)

START_TEST(test_render_value)
{
	static struct imap_value inner[] = { NUM(18446744073709551615u), NIL, QUOTED("a\"b") };
	static struct imap_value outer[] = { ATOM("X"), LIST(inner), EMPTY_LIST, LITERAL("hi\r\n") };
	static const struct imap_value list = LIST(outer);
	static const struct imap_value bin = LITERAL8("\x01\x02");
	static const struct imap_value sunk8 = { .type = IMAP_VALUE_LITERAL, .literal_size = 5,
						 .sunk = true, .literal8 = true };

	VALUE(&list, RENDER_PRETTY, false, "(X (18446744073709551615 NIL \"a\\\"b\") () {4}\nhi\n)");
	VALUE(&list, RENDER_RAW, false, "(X (18446744073709551615 NIL \"a\\\"b\") () {4}\r\nhi\r\n)");
	VALUE(&list, RENDER_JSON, false, "[\"X\",[18446744073709551615,null,\"a\\\"b\"],[],\"hi\\r\\n\"]");
	VALUE(&bin, RENDER_PRETTY, true, "~{2} <binary data, 2 bytes>");
	VALUE(&bin, RENDER_PRETTY, false, "~{2}\n\\x01\\x02\n");
	VALUE(&bin, RENDER_RAW, true, "~{2}\r\n\x01\x02");
	VALUE(&sunk8, RENDER_PRETTY, false, "~{5} <5 bytes saved>");
	VALUE(&sunk8, RENDER_RAW, false, "~{5}");
	VALUE(&sunk8, RENDER_JSON, false, "{\"sunk\":true,\"size\":5}");
	VALUE(&inner[1], RENDER_JSON, false, "null");
	VALUE(&inner[1], RENDER_RAW, false, "NIL");
	/* NULL options: pretty, not a tty */
	{
		struct buf b = BUF_INIT;
		render_value(&b, &bin, NULL);
		show_diff("null opts", &b, "~{2}\n\\x01\\x02\n", 14);
		buf_release(&b);
	}
}
END_TEST

/* --- json_str (json.h) and render_is_text ----------------------------- */

static void expect_json(const char *s, size_t len, const char *want, size_t want_len)
{
	struct buf b = BUF_INIT;
	struct json j = JSON_INIT(&b);

	buf_adds(&b, "x");
	json_str(&j, s, len);
	ck_assert_int_eq(b.buf[0], 'x');
	buf_consume(&b, 1);
	show_diff("json string", &b, want, want_len);
	buf_release(&b);
}

#define JSTR(in, lit) expect_json((in), sizeof(in) - 1, (lit), sizeof(lit) - 1)

START_TEST(test_json_string)
{
	JSTR("", "\"\"");
	JSTR("plain / text", "\"plain / text\"");
	JSTR("q\"b\\n\nr\rt\t", "\"q\\\"b\\\\n\\nr\\rt\\t\"");
	JSTR("\x00\x01\x08\x0c\x1f\x7f", "\"\\u0000\\u0001\\u0008\\u000c\\u001f\\u007f\"");
	/* valid UTF-8 as is: 2, 3, 4 bytes; C1 controls escaped as code points */
	JSTR("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	JSTR("\xc2\x80\xc2\x9f\xc2\xa0", "\"\\u0080\\u009f\xc2\xa0\"");
	/* not valid UTF-8: the bytes as base64, never look-alikes: stray continuation, overlong,
	 * surrogate, above U+10FFFF, truncated sequence, 0xfe/0xff */
	JSTR("\x80", "{\"base64\":\"gA==\"}");
	JSTR("\xc0\xaf", "{\"base64\":\"wK8=\"}");
	JSTR("\xe0\x80\xaf", "{\"base64\":\"4ICv\"}");
	JSTR("\xed\xa0\x80", "{\"base64\":\"7aCA\"}");
	JSTR("\xf4\x90\x80\x80", "{\"base64\":\"9JCAgA==\"}");
	JSTR("a\xe2\x82", "{\"base64\":\"YeKC\"}");
	JSTR("\xfe\xff", "{\"base64\":\"/v8=\"}");
	/* edge of the valid range */
	JSTR("\xf4\x8f\xbf\xbf\xef\xbf\xbf", "\"\xf4\x8f\xbf\xbf\xef\xbf\xbf\"");
}
END_TEST

START_TEST(test_is_text)
{
	static char buf100[100], buf99[99];

	ck_assert_int_eq(render_is_text("", 0), 1);
	ck_assert_int_eq(render_is_text("Hello\r\n\tWorld\f\n", 15), 1);
	ck_assert_int_eq(render_is_text("caf\xc3\xa9 \xf0\x9f\x98\x80", 10), 1);
	ck_assert_int_eq(render_is_text("a\0b", 3), 0);
	/* Latin-1 and stray controls are text, escaped when shown; binary
	 * is a NUL or over 30% of bytes neither printable nor UTF-8 */
	ck_assert_int_eq(render_is_text("caf\xe9", 4), 1);        /* Latin-1: 1 in 4 */
	ck_assert_int_eq(render_is_text("Gr\xfc\xdf" "e aus M\xfc" "nchen", 17), 1);
	ck_assert_int_eq(render_is_text("\xc0\xaf", 2), 0);       /* overlong */
	ck_assert_int_eq(render_is_text("\xed\xa0\x80", 3), 0);   /* surrogate */
	ck_assert_int_eq(render_is_text("ab\xe2\x82", 4), 0);     /* truncated: 2 in 4 */
	ck_assert_int_eq(render_is_text("\x1b[0m", 4), 1);        /* 1 control in 4 */
	ck_assert_int_eq(render_is_text("\x1b\x1b[0m", 5), 0);    /* 2 in 5 */
	memset(buf100, 'a', sizeof(buf100));
	memset(buf100, '\x1b', 30);
	ck_assert_int_eq(render_is_text(buf100, sizeof(buf100)), 1);
	buf100[30] = '\xff';
	ck_assert_int_eq(render_is_text(buf100, sizeof(buf100)), 0);
	memset(buf99, 'a', sizeof(buf99));
	buf99[50] = '\0';
	ck_assert_int_eq(render_is_text(buf99, sizeof(buf99)), 0);
}
END_TEST

START_TEST(test_appends_and_null_opts)
{
	/* responses go one after another into one buffer */
	struct buf b = BUF_INIT;
	struct render_opts o = { .format = RENDER_PRETTY, .tty = false };
	static const char want[] = "* 23 EXISTS\n* 2 FETCH (BODY[TEXT] {12}\nhello\nworld\n"
				   "FLAGS (\\Seen) BODY[1] {0})\nOK [READ-WRITE] Select completed\n";

	render_response(&b, &exists, &o);
	render_response(&b, &fetch2, &o);
	render_response(&b, &tagged_rw, NULL);
	show_diff("sequence", &b, want, sizeof(want) - 1);
	buf_release(&b);
}
END_TEST

Suite *render_suite(void);

Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *tc = tcase_create("responses");

	tcase_add_test(tc, test_fetch_envelope_text_literal);
	tcase_add_test(tc, test_text_literal_mid_line);
	tcase_add_test(tc, test_binary_literal);
	tcase_add_test(tc, test_sunk_literal);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_status_capability_exists);
	tcase_add_test(tc, test_untagged_status);
	tcase_add_test(tc, test_tagged);
	tcase_add_test(tc, test_continuation);
	tcase_add_test(tc, test_spacing_as_sent);
	tcase_add_test(tc, test_hostile_bytes);
	tcase_add_test(tc, test_hostile_text_literal);
	tcase_add_test(tc, test_appends_and_null_opts);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, test_render_value);
	tcase_add_test(tc, test_json_string);
	tcase_add_test(tc, test_is_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(render_suite());
	int nfailed;

	srunner_run_all(sr, CK_NORMAL);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed ? EXIT_FAILURE : EXIT_SUCCESS;
}
