#!/bin/bash
# tests/integration/complete.sh -- Tab completion on a terminal (a
# pseudo-terminal driven by tests/lib/ptyrun.py) against Dovecot's demo
# mailbox: command names, mailbox names the shell has seen (LIST, and its
# own create), FETCH items inside a list, STORE's forms and flags, SEARCH
# keys, uid subcommands and help topics.  What completion typed is checked
# in the commands the server got (the -d 4 trace), not on the screen.
# Hints as you type are checked on the screen: shown dimmed, erased.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
skip_unless_python
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test
export IMAPSH_HISTFILE=$T_TMP/history

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

# Hints as you type (TERM set: none on a dumb terminal): the rest of the
# command's synopsis, dimmed after the cursor, the cursor moved back; gone
# once the arguments are typed, and erased by Enter.
rc=0
printf '%s\n' 'expect \]> ' \
	'send select INBOX' 'expect readonly' 'send \r' 'expect Select completed' \
	'send copy ' 'expect SET MAILBOX' 'send 1 ' 'expect MAILBOX' \
	'send Archive\r' 'expect Copy completed' \
	'send quit\r' |
	env -u NO_COLOR TERM=xterm "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/hint.out" 30 \
		"$IMAPSH" --stream "$stream" || rc=$?
hout=$(cat "$T_TMP/hint.out")
expect_exit "a session with hints" 0 "$rc"
expect_contains "a hint after \"copy \", dimmed, the cursor back" "$hout" \
	$'\033[2mSET MAILBOX\033[m\033[11D'
dim_parts=$'\033[2mMAILBOX\033[m'
tail=${hout##*"$dim_parts"}
tail=${tail%%Copy completed*}
expect_contains "the hint follows the arguments typed" "$hout" "$dim_parts"
expect_not_contains "no hint once the arguments are typed" "$tail" $'\033[2m'
expect_contains "the hint erased then" "$tail" $'\033[K'
expect_contains "Enter erases the hint" "$hout" $'\033[2m [readonly] [(PARAMS)]\033[m\033[22D\033[K\r'

rc=0
printf '%s\n' 'expect \]> ' 'send fetch ' 'expect fetch ' 'send 1 ' 'expect 1 ' 'send \x15quit\r' |
	TERM=xterm "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/nohint.out" 30 \
		"$IMAPSH" --no-hints || rc=$?
expect_exit "a session with --no-hints" 0 "$rc"
expect_not_contains "no hint with --no-hints" "$(cat "$T_TMP/nohint.out")" $'\033[2m'

# NO_COLOR (testlib sets it): no hint either, and no escape that styles text
rc=0
printf '%s\n' 'expect \]> ' 'send fetch ' 'expect fetch ' 'send 1 ' 'expect 1 ' 'send \x15quit\r' |
	TERM=xterm "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/nocolor.out" 30 \
		"$IMAPSH" || rc=$?
expect_exit "a session with NO_COLOR" 0 "$rc"
expect_no_match "NO_COLOR: no styling escape at all (hints are dimmed text)" \
	"$(cat "$T_TMP/nocolor.out")" $'\033\\[[0-9;]*m'

test_done
