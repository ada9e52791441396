#!/bin/bash
# tests/integration/stream.sh -- imapsh --stream against Dovecot's imap
# binary (pre-authenticated, the demo mailbox): every command Dovecot
# supports, literals, -c/-f/stdin, failures and tracing.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test

# --- the full session, from a script file
n=$(dovecot_full_script "$T_TMP")
run_imapsh --stream "$stream" -f "$T_TMP/full.imapsh"
expect_exit "full session" 0
expect_eq "full session: nothing on stderr" "" "$err"
expect_match "greeting is the first line" "$(printf '%s\n' "$out" | head -n 1)" \
	'^\* PREAUTH \[CAPABILITY IMAP4rev1 .*\] Logged in as alice$'
expect_count "each of the $n IMAP commands answered OK" "$n" "$out" '^OK '
dovecot_full_check "$out"

# --- a fresh mailbox for the rest
dovecot_setup "$T_TMP/dc2" || hard_error "dovecot_setup failed"
stream=$(dovecot_stream_cmd "$T_TMP/dc2")

# -c, several literals in one response
run_imapsh --stream "$stream" -c "select INBOX" -c "fetch 1:* BODY.PEEK[]"
expect_exit "fetch 1:* BODY.PEEK[] (-c)" 0
expect_count "12 messages fetched" 12 "$out" '^  BODY\[\]  [0-9]+ bytes$'
expect_line "8-bit UTF-8 body shown" "$out" "Guten Appetit! ☕"
expect_line "last line of message 11" "$out" "That's all."
expect_line "base64 attachment text" "$out" "MjMtMDksMTM1MCw0MQo="

# commands on stdin
printf 'select INBOX\nsearch UNSEEN\nuid fetch 8 (FLAGS)\n' >"$T_TMP/stdin"
RUN_STDIN=$T_TMP/stdin run_imapsh --stream "$stream"
expect_exit "script on stdin" 0
expect_line "stdin: search" "$out" "* SEARCH  4 matches: 4 7:8 12"
expect_line "stdin: uid fetch" "$out" "* 8 FETCH  UID 8  \\Flagged"
expect_no_match "stdin: no prompt or banner before the greeting" \
	"$(printf '%s\n' "$out" | head -n 1)" '^[^*]'

# a NO is a failed command (exit 1), the session goes on
run_imapsh --stream "$stream" -c "select Nope" -c "examine INBOX"
expect_exit "select of a missing mailbox" 1
expect_match "NO reported on stderr" "$err" \
	"^imapsh: .*SELECT failed: NO Mailbox doesn't exist: Nope"
expect_line_prefix "next command still runs" "$out" "OK [READ-ONLY] Examine completed"
expect_not_contains "NO result not on stdout as OK" "$out" "Select completed"

# quoting: a quoted mailbox name and a quoted search string
run_imapsh --stream "$stream" -c 'status "Archive.2024" (MESSAGES)' \
	-c 'examine "INBOX"' -c 'search SUBJECT "Re: Lunch"'
expect_exit "quoted arguments" 0
expect_line "quoted status" "$out" "* STATUS  Archive.2024  1 message"
expect_line "quoted search" "$out" "* SEARCH  2 matches: 6:7"

# protocol trace at level 4
run_imapsh -d 4 --stream "$stream" -c noop
expect_exit "trace level 4" 0
expect_match "trace shows what was sent" "$err" 'C: [^ ]+ NOOP'
expect_match "trace shows what was received" "$err" 'S: [^ ]+ OK NOOP completed'
expect_line_prefix "trace is not on stdout" "$out" "OK NOOP completed"

# a server command that dies at once: the session fails
run_imapsh --stream "exit 3" -c noop
expect_exit "stream command that exits" 2
expect_match "error on stderr" "$err" '^imapsh: '

# --- IMAPSH_PASSWORD and IMAPSH_TOKEN are taken out of the environment:
# the --stream server does not inherit them
server="printf '* PREAUTH [CAPABILITY IMAP4rev1] password=%s token=%s\\r\\n' \"\${IMAPSH_PASSWORD-unset}\" \"\${IMAPSH_TOKEN-unset}\"; read -r tag rest; printf '%s OK done\\r\\n' \"\$tag\""
IMAPSH_PASSWORD=hunter2xyz IMAPSH_TOKEN=tok3nxyz run_imapsh --stream "$server" -c noop
expect_line "the --stream server sees no IMAPSH_PASSWORD, no IMAPSH_TOKEN" "$out" \
	"* PREAUTH [CAPABILITY IMAP4rev1] password=unset token=unset"

test_done
