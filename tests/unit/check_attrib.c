/*
 * check_attrib.c - core/attrib: which command in flight an untagged
 * response belongs to, and which commands may be in flight together.
 * Commands are written "VERB|ARG1|ARG2" (the first argument is what
 * attrib reads: the set or the mailbox); responses are wire bytes
 * through the real parser.
 */
#include "core/attrib.h"
#include "proto/parser.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#define MAXC 4

/* cmds in flight (oldest first), a response, the index it belongs to
 * (-1: unsolicited) */
struct fcase {
	const char *cmds[MAXC];
	const char *wire;
	long want;
};

static const struct fcase find_cases[] = {
	/* FETCH data by message number, or by UID for UID FETCH */
	{ { "FETCH|1:3", "FETCH|4,6" }, "* 4 FETCH (FLAGS ())\r\n", 1 },
	{ { "FETCH|1:3", "FETCH|4,6" }, "* 2 FETCH (FLAGS ())\r\n", 0 },
	{ { "FETCH|1:3", "FETCH|4,6" }, "* 5 FETCH (FLAGS ())\r\n", -1 },
	{ { "UID FETCH|10:12", "UID FETCH|20" }, "* 7 FETCH (UID 20 FLAGS ())\r\n", 1 },
	{ { "UID FETCH|10:12" }, "* 7 FETCH (FLAGS ())\r\n", -1 },
	{ { "FETCH|5:*" }, "* 9 FETCH (FLAGS ())\r\n", 0 },
	{ { "FETCH|$" }, "* 9 FETCH (FLAGS ())\r\n", 0 },
	/* a FETCH of a set claims its messages; a poll gets the rest */
	{ { "NOOP", "FETCH|2" }, "* 2 FETCH (FLAGS (\\Seen))\r\n", 1 },
	{ { "NOOP", "FETCH|2" }, "* 3 FETCH (FLAGS (\\Seen))\r\n", 0 },
	{ { "FETCH|2" }, "* 3 EXISTS\r\n", -1 },
	{ { "FETCH|2", "NOOP" }, "* 3 EXISTS\r\n", 1 },
	{ { "STORE|1:2|+FLAGS" }, "* 1 FETCH (FLAGS (\\Seen))\r\n", 0 },
	/* by kind */
	{ { "STATUS|INBOX", "LIST|\"\"|*" }, "* LIST () \"/\" INBOX\r\n", 1 },
	{ { "LIST|\"\"|*", "UID SEARCH|ALL" }, "* SEARCH 1 2\r\n", 1 },
	{ { "SEARCH|ALL", "SORT|(DATE)" }, "* SORT 2 1\r\n", 1 },
	{ { "GETQUOTAROOT|INBOX" }, "* QUOTA \"\" (STORAGE 1 10)\r\n", 0 },
	{ { "CAPABILITY", "NAMESPACE" }, "* NAMESPACE NIL NIL NIL\r\n", 1 },
	{ { "CAPABILITY" }, "* ESEARCH (TAG \"A1\") ALL 1\r\n", -1 },
	/* STATUS, MYRIGHTS by the mailbox they name */
	{ { "STATUS|INBOX", "STATUS|Archive" }, "* STATUS Archive (MESSAGES 1)\r\n", 1 },
	{ { "STATUS|INBOX", "STATUS|Archive" }, "* STATUS inbox (MESSAGES 1)\r\n", 0 },
	{ { "MYRIGHTS|A", "MYRIGHTS|B" }, "* MYRIGHTS B lr\r\n", 1 },
	/* a quirky name with one candidate still goes to it */
	{ { "STATUS|My files" }, "* STATUS My files (MESSAGES 1)\r\n", 0 },
	/* status responses and unknown data: the oldest command */
	{ { "FETCH|1", "NOOP" }, "* OK [ALERT] Disk almost full\r\n", 0 },
	{ { "FETCH|1", "X-THING" }, "* XFOO 1\r\n", 1 },
	{ { "FETCH|1", "NOOP" }, "* XFOO 1\r\n", 0 },
	/* SELECT can produce anything */
	{ { "SELECT|INBOX" }, "* 3 EXISTS\r\n", 0 },
	{ { "SELECT|INBOX" }, "* FLAGS (\\Seen)\r\n", 0 },
	{ { "UNSELECT" }, "* 3 EXISTS\r\n", -1 },
	/* VANISHED only with the QRESYNC modifier */
	{ { "UID FETCH|1:*|(FLAGS)|(CHANGEDSINCE 5 VANISHED)" }, "* VANISHED (EARLIER) 1:3\r\n", 0 },
	{ { "UID FETCH|1:*|(FLAGS)" }, "* VANISHED (EARLIER) 1:3\r\n", -1 },
	/* nothing in flight */
	{ { NULL }, "* 3 EXISTS\r\n", -1 },
};

/* two commands: may they be in flight together? */
struct scase {
	const char *a, *b;
	bool want;
};

static const struct scase share_cases[] = {
	{ "FETCH|1:3", "FETCH|4:6", true },
	{ "FETCH|1:3", "FETCH|3", false },
	{ "FETCH|1:3", "FETCH|5:*", false },
	{ "FETCH|$", "FETCH|9", false },
	{ "FETCH|1", "UID FETCH|9", false },
	{ "UID FETCH|1", "UID FETCH|9", true },
	{ "FETCH|1", "NOOP", true },
	{ "NOOP", "CHECK", false },
	{ "FETCH|1", "SEARCH|ALL", true },
	{ "SEARCH|ALL", "UID SEARCH|UNSEEN", false },
	{ "SEARCH|ALL", "SORT|(DATE)", false }, /* ESEARCH from both */
	{ "STATUS|INBOX", "STATUS|Archive", true },
	{ "STATUS|INBOX", "STATUS|inbox", false },
	{ "STATUS|Archive", "LIST|\"\"|*", false }, /* LIST-STATUS */
	{ "LIST|\"\"|*", "LSUB|\"\"|*", true },
	{ "LIST|\"\"|*", "LIST|\"\"|A*", false },
	{ "GETQUOTAROOT|A", "GETQUOTAROOT|B", false }, /* their QUOTA data */
	{ "MYRIGHTS|A", "MYRIGHTS|B", true },
	{ "CAPABILITY", "NAMESPACE", true },
	{ "X-THING", "NAMESPACE", false },
};

/* "VERB|ARG|ARG" into c (args point into store). */
static void make_cmd(struct attrib_cmd *c, const char *spec, char *store, size_t size)
{
	struct imap_arg args[8];
	size_t n = 0;
	char *p, *verb;

	strncpy(store, spec, size - 1);
	store[size - 1] = '\0';
	verb = store;
	p = strchr(store, '|');
	memset(args, 0, sizeof(args));
	while (p && n < 8) {
		char *next;
		*p++ = '\0';
		next = strchr(p, '|');
		args[n].kind = IMAP_ARG_RAW;
		args[n].data = p;
		args[n].len = next ? (size_t)(next - p) : strlen(p);
		n++;
		p = next;
	}
	attrib_cmd_init(c, verb, args, n);
}

START_TEST(test_find)
{
	const struct fcase *fc = &find_cases[_i];
	struct attrib_cmd cmds[MAXC];
	const struct attrib_cmd *ptrs[MAXC];
	char store[MAXC][128];
	struct imap_parser *p = imap_parser_new(NULL);
	struct imap_response *r = NULL;
	struct imap_err err = IMAP_ERR_INIT;
	size_t n = 0;
	long got;

	while (n < MAXC && fc->cmds[n]) {
		make_cmd(&cmds[n], fc->cmds[n], store[n], sizeof(store[n]));
		ptrs[n] = &cmds[n];
		n++;
	}
	imap_parser_feed(p, fc->wire, strlen(fc->wire));
	ck_assert_msg(imap_parser_next(p, &r, &err) == 1, "case %d: %s", _i, err.msg);
	got = attrib_find(r, ptrs, n);
	ck_assert_msg(got == fc->want, "case %d (%s): got %ld, want %ld", _i, fc->wire, got,
		      fc->want);
	imap_response_free(r);
	imap_parser_free(p);
}
END_TEST

START_TEST(test_share)
{
	const struct scase *sc = &share_cases[_i];
	struct attrib_cmd a, b;
	char sa[128], sb[128];

	make_cmd(&a, sc->a, sa, sizeof(sa));
	make_cmd(&b, sc->b, sb, sizeof(sb));
	ck_assert_msg(attrib_can_share(&a, &b) == sc->want, "case %d: %s beside %s: want %d", _i,
		      sc->a, sc->b, sc->want);
	ck_assert_msg(attrib_can_share(&b, &a) == sc->want, "case %d reversed", _i);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("attrib");
	TCase *tc = tcase_create("attrib");

	tcase_add_loop_test(tc, test_find, 0, (int)(sizeof(find_cases) / sizeof(find_cases[0])));
	tcase_add_loop_test(tc, test_share, 0, (int)(sizeof(share_cases) / sizeof(share_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
