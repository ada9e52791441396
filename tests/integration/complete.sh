#!/bin/bash
# tests/integration/complete.sh -- Tab completion on a terminal (a
# pseudo-terminal driven by tests/lib/ptyrun.py) against Dovecot's demo
# mailbox: command names, mailbox names the shell has seen (LIST, and its
# own create), FETCH items inside a list, STORE's forms and flags, SEARCH
# keys, uid subcommands and help topics.  What completion typed is checked
# in the commands the server got (the -d 4 trace), not on the screen.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
skip_unless_python
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
test_tmpdir
export IMAPSH_HISTFILE=$T_TMP/history

dovecot_setup "$T_TMP/dc" || hard_error "dovecot_setup failed"
stream=$(dovecot_stream_cmd "$T_TMP/dc")

rc=0
printf '%s\n' 'expect \]> ' \
	'send lis\t\r' 'expect List completed' \
	'send sel\tEntw\t\r' 'expect Select completed' \
	'send fetch 1 (FLAGS ENV\t)\r' 'expect Fetch completed' \
	'send store 1 +FLAGS.S\t(\\Fla\t)\r' 'expect Store completed' \
	'send search UNSE\t\r' 'expect Search completed' \
	'send uid fe\t1 (UI\t)\r' 'expect Fetch completed' \
	'send create Projects\r' 'expect Create completed' \
	'send status Proj\t(MESS\t)\r' 'expect Status completed' \
	'send help fet\t\r' 'expect fetch SET PARTS' \
	'send quit\r' |
	PTYRUN_STDERR=$T_TMP/pty.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pty.out" 30 \
		"$IMAPSH" -d 4 --stream "$stream" || rc=$?
trace=$(cat "$T_TMP/pty.err" 2>/dev/null || true)
expect_exit "a session typed with Tab" 0 "$rc"
expect_match "a command name" "$trace" 'C: [A-Z]+[0-9]+ LIST "" "\*"'
expect_match "a mailbox name from LIST, decoded (sent as modified UTF-7)" "$trace" \
	'C: [A-Z]+[0-9]+ SELECT Entw&APw-rfe'
expect_match "a FETCH item inside a list, no blank before the )" "$trace" \
	'C: [A-Z]+[0-9]+ FETCH 1 \(FLAGS ENVELOPE\)'
expect_match "STORE's form and a flag" "$trace" \
	'C: [A-Z]+[0-9]+ STORE 1 \+FLAGS\.SILENT \(\\+Flagged\)'
expect_match "a SEARCH key" "$trace" 'C: [A-Z]+[0-9]+ SEARCH UNSEEN'
expect_match "a uid subcommand and its items" "$trace" 'C: [A-Z]+[0-9]+ UID FETCH 1 \(UID\)'
expect_match "a mailbox the shell created, a STATUS item" "$trace" \
	'C: [A-Z]+[0-9]+ STATUS Projects \(MESSAGES\)'
expect_contains "a help topic" "$(tr -d '\r' <"$T_TMP/pty.out")" "fetch SET PARTS"

test_done
