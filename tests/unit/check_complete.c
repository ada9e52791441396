/*
 * check_complete.c - Tab completion (shell/complete.h), table-driven:
 * each case is a state, a line whose last word is being completed, the
 * candidates expected (space-separated, in order; NULL: none) and
 * whether file-name completion is asked for instead.
 *
 * `start` is where the caller's word begins; AUTO puts it after the
 * last blank or '(', as readline does with rl_completer_word_break_characters
 * " \t(" (so `select "My f` completes "f" and the candidate is `files"`).
 */
#include "core/session.h"
#include "shell/complete.h"
#include "util/buf.h"

#include <check.h>
#include "unit.h"
#include <stdlib.h>
#include <string.h>

#define NA IMAP_STATE_NONAUTH
#define AU IMAP_STATE_AUTH
#define SE IMAP_STATE_SELECTED
#define AUTO -1

struct ccase {
	int state;
	const char *line;
	const char *want;
	bool files;
	int start;
};

static const struct ccase cases[] = {
	/* open PROFILE, pager MODE */
	{ -1, "open ", "demo home-imap work", false, AUTO },
	{ -1, "open h", "home-imap", false, AUTO },
	{ AU, "pager o", "off on", false, AUTO },
	/* the first word: commands allowed in the state and meta commands */
	{ SE, "fe", "fetch", false, AUTO },
	{ SE, "s", "search select send set show shutdown socket status store subscribe", false, AUTO },
	{ SE, "  ST", "status store", false, AUTO },
	{ NA, "s", "send set show shutdown socket", false, AUTO }, /* no STARTTLS listed */
	{ -1, "so", "socket sort", false, AUTO },
	{ NA, "m", "move myrights", false, AUTO }, /* nothing allowed: all that match */
	{ SE, "deb", "debug", false, AUTO },
	{ SE, "frob", NULL, false, AUTO },
	/* uid: subcommands, then the subcommand's arguments */
	{ SE, "uid ", "copy expunge fetch move replace search sort store thread", false, AUTO },
	{ SE, "UID F", "fetch", false, AUTO },
	{ SE, "uid fetch 1:* (UID FL", "FLAGS", false, AUTO },
	{ SE, "uid copy 1 Ar", "Archive Archive.2024", false, AUTO },
	{ SE, "uid store 1 +FLAGS \\D", "\\Deleted \\Draft", false, AUTO },
	{ SE, "uid search unkeyword $", "$Label1", false, AUTO },
	{ SE, "uid expunge ", NULL, false, AUTO },
	{ SE, "uid frob ", NULL, false, AUTO },
	/* help */
	{ SE, "help sel", "select", false, AUTO },
	{ SE, "help d", "debug delete deleteacl", false, AUTO },
	{ SE, "? th", "thread", false, AUTO },
	{ SE, "help fetch ", NULL, false, AUTO },
	/* mailboxes: INBOX always, quoted when the lexer would split them */
	{ AU, "select ", "\"My files\" Archive Archive.2024 Entwürfe INBOX", false, AUTO },
	{ AU, "select my", "\"My files\"", false, AUTO },
	{ AU, "select \"My f", "files\"", false, AUTO },
	{ AU, "select \"My f", "\"My files\"", false, 7 },
	{ AU, "select \"Arch", "\"Archive\" \"Archive.2024\"", false, 7 },
	{ AU, "select e", "Entwürfe", false, AUTO },
	{ AU, "select INBOX r", "readonly", false, AUTO },
	{ AU, "select INBOX readonly ", NULL, false, AUTO },
	{ AU, "status in", "INBOX", false, AUTO },
	{ AU, "rename Archive ar", "Archive Archive.2024", false, AUTO },
	{ AU, "list \"\" A", "Archive Archive.2024", false, AUTO },
	{ AU, "append INBOX (\\S", "\\Seen", false, AUTO },
	/* fetch items: bare, inside a list, capability-bound */
	{ SE, "fetch 1 b", "BINARY.PEEK[ BINARY.SIZE[ BINARY[ BODY BODY.PEEK[ BODY[ BODYSTRUCTURE", false, AUTO },
	{ SE, "fetch 1 f", "FAST FLAGS FULL", false, AUTO },
	{ SE, "fetch 1 (FLAGS f", "FLAGS", false, AUTO },
	{ SE, "fetch 1:5 (FLAGS EN", "ENVELOPE", false, AUTO },
	{ SE, "fetch 1 (en", "ENVELOPE", false, AUTO },
	{ SE, "fetch 1 (en", "(ENVELOPE", false, 8 },
	{ SE, "fetch 1 m", "MODSEQ", false, AUTO },
	{ SE, "fetch 1 x-gm", NULL, false, AUTO },
	{ SE, "fetch 1 BODY[HEA", NULL, false, AUTO },
	{ SE, "fetch 1 (BODY.PEEK[HEADER.FIELDS (FR", NULL, false, AUTO },
	{ SE, "fetch 1 FLAGS ", NULL, false, AUTO },
	{ SE, "fetch ", NULL, false, AUTO },
	/* store: the operation, then flags (bare or in a list) */
	{ SE, "store 1 +", "+FLAGS +FLAGS.SILENT", false, AUTO },
	{ SE, "store 1 f", "FLAGS FLAGS.SILENT", false, AUTO },
	{ SE, "store 1:3 +FLAGS (\\Seen \\D", "\\Deleted \\Draft", false, AUTO },
	{ SE, "store 1 +FLAGS (", "$Label1 \\Answered \\Deleted \\Draft \\Flagged \\Seen", false, AUTO },
	{ SE, "store 1 -FLAGS $La", "Label1", false, 16 }, /* readline broke at '$' */
	/* search keys, their values, RETURN options, CHARSET */
	{ SE, "search UN", "UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD UNSEEN", false, AUTO },
	{ SE, "search o", "OLD ON OR", false, AUTO },
	{ SE, "search m", "MODSEQ", false, AUTO },
	{ SE, "search FROM ", NULL, false, AUTO },
	{ SE, "search FROM ann s", "SEEN SENTBEFORE SENTON SENTSINCE SINCE SMALLER SUBJECT", false, AUTO },
	{ SE, "search FROM \"a b\" uns", "UNSEEN", false, AUTO },
	{ SE, "search HEADER X-Spam ", NULL, false, AUTO },
	{ SE, "search KEYWORD ", "$Label1", false, AUTO },
	{ SE, "search OR (FROM a) (UNS", "UNSEEN", false, AUTO },
	{ SE, "search RETURN (M", "MAX MIN", false, AUTO },
	{ SE, "search CHARSET u", "US-ASCII UTF-8", false, AUTO },
	{ SE, "search SUBJECT \"fl", NULL, false, AUTO },
	/* sort criteria, then search keys; thread algorithms */
	{ SE, "sort (REVERSE D", "DATE", false, AUTO },
	{ SE, "sort r", "RETURN REVERSE", false, AUTO },
	{ SE, "sort (SUBJECT) se", "SEEN SENTBEFORE SENTON SENTSINCE", false, AUTO },
	{ SE, "uid sort RETURN (COUNT) (ARRIVAL) UTF-8 fl", "FLAGGED", false, AUTO },
	{ SE, "thread ", "ORDEREDSUBJECT REFERENCES", false, AUTO },
	{ SE, "thread REFERENCES UTF-8 fl", "FLAGGED", false, AUTO },
	/* status items */
	{ AU, "status INBOX (MESSAGES U", "UIDNEXT UIDVALIDITY UNSEEN", false, AUTO },
	{ AU, "status INBOX (m", "MESSAGES", false, AUTO },
	{ AU, "status INBOX h", "HIGHESTMODSEQ", false, AUTO },
	/* enable: what the server lists, else all */
	{ AU, "enable ", "CONDSTORE", false, AUTO },
	{ AU, "enable q", "QRESYNC", false, AUTO },
	{ AU, "enable CONDSTORE ut", "UTF8=ACCEPT", false, AUTO },
	/* others */
	{ -1, "format j", "json", false, AUTO },
	{ NA, "authenticate ", "PLAIN", false, AUTO },
	{ NA, "login ", NULL, false, AUTO },
	{ SE, "noop ", NULL, false, AUTO },
	{ SE, "frobnicate ", NULL, false, AUTO },
	/* file names */
	{ SE, "append INBOX @", NULL, true, AUTO },
	{ SE, "append INBOX @ms", NULL, true, AUTO },
	{ SE, "fetch 1 BODY[] > ", NULL, true, AUTO },
	{ SE, "fetch 1 BODY[] >> ou", NULL, true, AUTO },
	{ SE, "fetch 1 BODY[] >ou", NULL, true, AUTO },
	{ SE, "fetch 1 BODY[] >>", NULL, true, AUTO },
};

static const char *const mailboxes[] = { "INBOX", "Archive", "Archive.2024", "Entwürfe", "My files" };
static const char *const flags[] = { "$Label1", "\\Seen" };
static const char *const caps[] = { "IMAP4rev1", "CONDSTORE", "ENABLE" };
static const char *const profiles[] = { "work", "demo", "home-imap" };

START_TEST(test_complete_cases)
{
	const struct ccase *t = &cases[_i];
	struct complete_ctx c = {
		.state = t->state,
		.mailboxes = mailboxes, .nmailboxes = sizeof(mailboxes) / sizeof(mailboxes[0]),
		.flags = flags, .nflags = sizeof(flags) / sizeof(flags[0]),
		.caps = caps, .ncaps = sizeof(caps) / sizeof(caps[0]),
		.profiles = profiles, .nprofiles = sizeof(profiles) / sizeof(profiles[0]),
	};
	size_t end = strlen(t->line), start = end;
	bool files = !t->files;
	char **got;
	struct buf b = BUF_INIT;
	size_t i;

	if (t->start == AUTO) {
		while (start > 0 && !strchr(" \t(", t->line[start - 1]))
			start--;
	} else {
		start = (size_t)t->start;
	}
	got = complete_words(&c, t->line, start, end, &files);
	for (i = 0; got && got[i]; i++) {
		if (i)
			buf_addch(&b, ' ');
		buf_adds(&b, got[i]);
	}
	if (!t->want)
		ck_assert_msg(!got, "[%s]: expected no candidates, got [%s]", t->line, b.buf ? b.buf : "");
	else
		ck_assert_msg(got && !strcmp(b.buf, t->want), "[%s]: expected [%s], got [%s]", t->line,
			      t->want, got ? b.buf : "(none)");
	ck_assert_msg(files == t->files, "[%s]: files_r is %d", t->line, (int)files);
	complete_free(got);
	buf_release(&b);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("complete");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_complete_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
