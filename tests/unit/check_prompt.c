/*
 * check_prompt.c - the prompt's format (shell/prompt.h), table-driven:
 * a format, what the session is, and the prompt expected.
 */
#include "shell/prompt.h"

#include <check.h>
#include "unit.h"
#include <string.h>

struct pcase {
	const char *fmt;
	struct prompt_info pi;
	bool color;
	const char *want;
};

#define NONE { false, false, NULL, NULL, NULL, NULL, false }
#define AUTH(u, h) { true, true, u, h, "AUTH", NULL, false }
#define SEL(u, h, mb, ro, alive) { true, alive, u, h, "SELECTED", mb, ro }

static const struct pcase cases[] = {
	{ NULL, NONE, false, "imapsh [not connected]> " },
	{ NULL, AUTH(NULL, NULL), false, "imapsh [AUTH]> " },
	{ NULL, AUTH("alice", NULL), false, "imapsh alice [AUTH]> " },
	{ NULL, AUTH(NULL, "imap.example.org"), false, "imapsh imap.example.org [AUTH]> " },
	{ NULL, AUTH("alice", "imap.example.org"), false, "imapsh alice@imap.example.org [AUTH]> " },
	{ NULL, SEL("alice", "h", "INBOX", false, true), false, "imapsh alice@h [SELECTED INBOX]> " },
	{ NULL, SEL("alice", "h", "Entwürfe", true, true), false,
	  "imapsh alice@h [SELECTED Entwürfe, read-only]> " },
	{ NULL, SEL(NULL, NULL, "INBOX", true, false), false, "imapsh [SELECTED INBOX, read-only, closed]> " },
	{ NULL, { true, false, NULL, NULL, "AUTH", NULL, false }, false, "imapsh [AUTH, closed]> " },
	/* colour: only who@where, its escapes hidden from readline */
	{ NULL, AUTH("alice", "h"), true, "imapsh \001\033[1;32m\002alice@h\001\033[m\002 [AUTH]> " },
	{ NULL, AUTH(NULL, NULL), true, "imapsh [AUTH]> " },
	/* formats */
	{ "%w %s%m> ", SEL("bob", "mx", "INBOX", false, true), false, "bob@mx SELECTEDINBOX> " },
	{ "%u@%h:%m$ ", SEL("bob", "mx", "Sent", false, true), false, "bob@mx:Sent$ " },
	{ "%s> ", NONE, false, "not connected> " },
	{ "%S", AUTH(NULL, NULL), false, "[AUTH] " },       /* a blank added */
	{ "100%% %q %", AUTH(NULL, NULL), false, "100% %q % " }, /* unknown and lone % kept */
	{ "", AUTH(NULL, NULL), false, " " },
	{ "%m> ", AUTH(NULL, NULL), false, "> " },          /* no mailbox: empty */
	{ "%W> ", AUTH(NULL, NULL), false, "> " },          /* nobody: no blank either */
	/* names cannot drive the terminal */
	{ NULL, SEL("al\033ice", NULL, "a\nb", false, true), false, "imapsh al\\x1Bice [SELECTED a\\x0Ab]> " },
};

START_TEST(test_prompt_cases)
{
	const struct pcase *t = &cases[_i];
	struct buf b = BUF_INIT;
	prompt_format(&b, t->fmt, &t->pi, t->color);
	ck_assert_msg(b.buf && !strcmp(b.buf, t->want), "case %d [%s]: got [%s], want [%s]", _i,
		      t->fmt ? t->fmt : "(default)", b.buf ? b.buf : "", t->want);
	buf_release(&b);
}
END_TEST

static Suite *prompt_suite(void)
{
	Suite *s = suite_create("prompt");
	TCase *tc = tcase_create("format");
	tcase_add_loop_test(tc, test_prompt_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(prompt_suite)
