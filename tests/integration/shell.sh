#!/bin/bash
# tests/integration/shell.sh -- imapsh's script mode: comments and blank
# lines, CRLF scripts, line-numbered errors, exit statuses, --stop-on-error,
# unknown commands, local argument checks and usage errors (exit 64).
# The usage checks need no server; the rest runs against Dovecot's imap
# binary over --stream and is left out when Dovecot is not installed.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
need_imapsh
test_tmpdir

# --- usage (no server involved)
run_imapsh --help
expect_exit "--help" 0
expect_contains "--help lists --stream" "$out" "--stream"
run_imapsh -V
expect_exit "-V" 0
expect_match "-V prints the version" "$out" '^imapsh .*[0-9]+\.[0-9]+'
run_imapsh --no-such-option
expect_exit "unknown option" 64
expect_match "unknown option: message on stderr" "$err" '^imapsh: '
expect_eq "unknown option: nothing on stdout" "" "$out"
run_imapsh -p
expect_exit "-p without its argument" 64
run_imapsh -o nosuchformat --stream true
expect_exit "-o with an unknown format" 64
run_imapsh -d 9 --stream true
expect_exit "-d above 5" 64

if [ -z "${DOVECOT_IMAP:-}" ] || [ ! -x "$DOVECOT_IMAP" ]; then
	echo "# Dovecot not installed (DOVECOT_IMAP='${DOVECOT_IMAP:-}'): script checks left out"
	test_done
fi
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
# shellcheck disable=SC2317 # called by test_done
show_logs() {
	dovecot_log "$T_TMP/dc"
}
on_failure show_logs
dovecot_setup "$T_TMP/dc" || hard_error "dovecot_setup failed"
stream=$(dovecot_stream_cmd "$T_TMP/dc")
# start of an error line for script line N: "imapsh: line N: " (cli.md);
# "imapsh: FILE:N: " and "imapsh: -c:N: " (as compilers say it) too
L='^imapsh: ([^ ]*:|line )'

# --- comments, blank lines, indentation: a clean script exits 0
cat >"$T_TMP/clean.imapsh" <<'EOF'
# a comment

   # an indented comment
select INBOX
	fetch 2 (UID FLAGS)

search FROM bob
EOF
run_imapsh --stream "$stream" -f "$T_TMP/clean.imapsh"
expect_exit "script with comments and blank lines" 0
expect_eq "clean script: nothing on stderr" "" "$err"
expect_line "clean script: fetch ran" "$out" '* 2 FETCH  UID 2  \Seen'
expect_line "clean script: search ran" "$out" "* SEARCH  2 matches: 3 6"
expect_count "clean script: three tagged results" 3 "$out" '^OK '
expect_not_contains "comments are not sent" "$out$err" "a comment"

# --- the same script with CRLF line ends
sed 's/$/\r/' "$T_TMP/clean.imapsh" >"$T_TMP/crlf.imapsh"
run_imapsh --stream "$stream" -f "$T_TMP/crlf.imapsh"
expect_exit "CRLF script (-f)" 0
expect_line "CRLF script: fetch ran" "$out" '* 2 FETCH  UID 2  \Seen'
expect_line "CRLF script: search ran" "$out" "* SEARCH  2 matches: 3 6"

# --- a command in the wrong state: line-numbered error, the script goes on
cat >"$T_TMP/state.imapsh" <<'EOF'
# line 1: FETCH before SELECT is refused locally (state AUTH)

noop
fetch 1 (FLAGS)
select INBOX
fetch 1 (FLAGS)
EOF
run_imapsh --stream "$stream" -f "$T_TMP/state.imapsh"
expect_exit "FETCH in state AUTH" 1
expect_imatch "error names line 4 and the state" "$err" "${L}4: .*fetch.*(state|AUTH|select)"
expect_count "exactly one error line" 1 "$err" '^imapsh: '
expect_line_prefix "later commands ran" "$out" "OK [READ-WRITE] Select completed"
expect_line "FETCH after SELECT ran" "$out" '* 1 FETCH  \Seen'

# CRLF and stdin give the same line numbers
sed 's/$/\r/' "$T_TMP/state.imapsh" >"$T_TMP/state-crlf"
RUN_STDIN=$T_TMP/state-crlf run_imapsh --stream "$stream"
expect_exit "FETCH in state AUTH (CRLF on stdin)" 1
expect_match "stdin error names line 4" "$err" "${L}4: "
expect_no_match "no CR in the error message" "$err" $'\r'

# --- --stop-on-error: nothing after the failing line runs
run_imapsh --stop-on-error --stream "$stream" -f "$T_TMP/state.imapsh"
expect_exit "--stop-on-error" 1
expect_match "--stop-on-error: error for line 4" "$err" "${L}4: "
expect_not_contains "--stop-on-error: SELECT not run" "$out" "Select completed"
expect_not_contains "--stop-on-error: FETCH not run" "$out" "FETCH  "

# --- a NO from the server (cli.md's example) and a BAD
printf 'select Nope\nraw XYZZY\nexamine INBOX\n' >"$T_TMP/no.imapsh"
run_imapsh --stream "$stream" -f "$T_TMP/no.imapsh"
expect_exit "NO and BAD results" 1
expect_match "NO: line-numbered error" "$err" \
	"${L}1: SELECT failed: NO Mailbox doesn't exist: Nope"
expect_match "BAD: line-numbered error" "$err" "${L}2: .*BAD.*[Uu]nknown command"
expect_line_prefix "NO/BAD: the session goes on" "$out" "OK [READ-ONLY] Examine completed"

# --- unknown command and bad arguments are refused locally
printf 'frobnicate INBOX\nselect INBOX\nfetch\nfetch 1 (UID)\n' >"$T_TMP/local.imapsh"
run_imapsh --stream "$stream" -f "$T_TMP/local.imapsh"
expect_exit "unknown command and missing arguments" 1
expect_imatch "unknown command on line 1" "$err" "${L}1: .*(unknown|frobnicate)"
expect_imatch "missing FETCH arguments on line 3" "$err" "${L}3: .*fetch"
expect_line "valid commands still ran" "$out" "* 1 FETCH  UID 1"
expect_count "nothing unknown reached the server" 0 "$out$err" 'FROBNICATE.*(BAD|Unknown command)'
# a mistyped command: the nearest one suggested (edit distance 2, a swap
# counts 1), nothing sent; no suggestion when nothing is near
run_imapsh --stream "$stream" -c "select INBOX" -c "fecth 1 (UID)" -c "lsit" -c "xyzzy"
expect_exit "mistyped commands" 1
expect_contains "fecth: did you mean fetch" "$err" 'unknown command "fecth": did you mean fetch?'
expect_contains "lsit: did you mean list" "$err" 'unknown command "lsit": did you mean list?'
expect_contains "xyzzy: no suggestion" "$err" 'unknown command "xyzzy" (try help)'

# --- -c runs its lines and does not read stdin
printf 'select INBOX\n' >"$T_TMP/ignored"
RUN_STDIN=$T_TMP/ignored run_imapsh --stream "$stream" -c "examine Archive" -c "search ALL"
expect_exit "-c lines" 0
expect_line "-c: search in Archive" "$out" "* SEARCH  2 matches: 1:2"
expect_not_contains "-c: stdin not read" "$out" "READ-WRITE"

# --- recent shows the RECENT count, as imaplib's recent() (kept from
# SELECT's answer, or asked for with NOOP)
run_imapsh --stream "$stream" -c "recent" -c "select INBOX" -c "recent"
expect_exit "recent" 0
expect_line "recent before a SELECT: none to show" "$out" "RECENT: none (the server has not said; IMAP4rev2 servers never do)"
expect_count "recent after SELECT: the count SELECT gave, shown again" 2 "$out" '^\* 0 RECENT$'
run_imapsh --stream "$stream" -o json -c "select INBOX" -c "recent"
expect_count "recent -o json: the RECENT response twice, as JSON" 2 "$out" '^\{"version":1,"type":"recent","count":0,"command":"[A-Za-z]+","line":[12]\}$'

# --- raw SELECT with parameters: the mailbox is parsed out of the line
run_imapsh --stream "$stream" -c "raw SELECT Archive (CONDSTORE)" -c show
expect_exit "raw SELECT (CONDSTORE)" 0
expect_line "raw SELECT (CONDSTORE): show names the mailbox alone" "$out" "mailbox Archive"

test_done
