#!/bin/bash
# tests/integration/profiles.sh -- what a user sets up once: profiles in
# the config file (imapsh PROFILE, open PROFILE, options over the
# profile, errors naming FILE:LINE), variables (-v, set, unset, $NAME and
# ${NAME}, keywords left alone), script errors as FILE:N:, the empty
# shell (a usage error in a script, a prompt on a terminal), and the pager
# on a terminal (output longer than the screen only).  Against Dovecot's
# imap binary over --stream.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
need_imapsh
skip_unless_python
skip_unless_dovecot
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test
export IMAPSH_CONFIG=$T_TMP/config IMAPSH_HISTFILE=$T_TMP/history

# --- the empty shell: a usage error in a script
run_imapsh -c noop
expect_exit "no server in a script: usage error" 64

# --- profiles
# (a stream command this long does not fit in a config line: a script)
printf '#!/bin/sh\n%s\n' "$stream" >"$T_TMP/demo-server"
chmod +x "$T_TMP/demo-server"
cat >"$IMAPSH_CONFIG" <<EOF
# imapsh profiles
[demo]
stream = $T_TMP/demo-server
output = json

[other]
host = 127.0.0.1
port = 1

[prompted]
stream = $T_TMP/demo-server
prompt = %s:%m>
EOF
run_imapsh -c noop demo
expect_exit "imapsh PROFILE: connects as the profile says" 0
expect_contains "imapsh PROFILE: its output format" "$out" '"type":"greeting"'
run_imapsh -o pretty -c noop demo
expect_exit "an option over the profile" 0
expect_not_contains "an option over the profile: -o wins" "$out" '"type"'
expect_contains "an option over the profile: pretty" "$out" "OK NOOP completed"
run_imapsh -o pretty --stream "$stream" -c "logout" -c "open demo" -c "select INBOX"
expect_exit "open PROFILE" 0
expect_contains "open PROFILE: connected and selected" "$out" "OK [READ-WRITE]"
printf '[demo]\nhots = x\n' >"$T_TMP/bad"
IMAPSH_CONFIG=$T_TMP/bad run_imapsh -c noop demo
expect_exit "a config error: usage error" 64
expect_contains "a config error names FILE:LINE" "$err" "$T_TMP/bad:2: unknown key \"hots\""
printf '[demo]\npassword = x\n' >"$T_TMP/pw"
IMAPSH_CONFIG=$T_TMP/pw run_imapsh -c noop demo
expect_exit "a password in the config: refused" 64
expect_contains "a password in the config: says where passwords go" "$err" "passwords never live in the config file"
expect_not_contains "a password in the config: its value not shown" "$err" "= x"

# --- variables
run_imapsh -o pretty -v MB=INBOX -v 'ITEMS=(FLAGS UID)' --stream "$stream" \
	-c 'select $MB' -c 'set N 2' -c 'fetch ${N} $ITEMS' -c 'search KEYWORD $Label1' -c 'set'
expect_exit "variables: -v, set, \$NAME, \${NAME}" 0
expect_contains "variables: select \$MB" "$out" "OK [READ-WRITE]"
expect_contains "variables: fetch \${N} \$ITEMS" "$out" "* 2 FETCH  UID 2"
expect_contains "variables: set lists them" "$out" "ITEMS=(FLAGS UID)"
expect_line "variables: set lists in name order" "$(printf '%s\n' "$out" | grep '^[A-Z]*=' | tr '\n' ' ')" \
	"ITEMS=(FLAGS UID) MB=INBOX N=2 "
run_imapsh -o json --stream "$stream" -v A=1 -c 'set'
expect_contains "variables: -o json" "$out" '"type":"variables","variables":{"A":"1"}'
printf 'noop\nselect ${NOPE}\nnoop\n' >"$T_TMP/undef.imapsh"
run_imapsh --stream "$stream" -f "$T_TMP/undef.imapsh"
expect_exit "an undefined \${NAME}: the command fails" 1
expect_line "an undefined \${NAME}: error at FILE:N:" "$err" "imapsh: $T_TMP/undef.imapsh:2: undefined variable NOPE"
run_imapsh -v 1X=2 --stream true
expect_exit "-v with a bad name: usage error" 64

# --- the prompt's format: a profile's, IMAPSH_PROMPT over it
rc=0
printf '%s\n' 'expect AUTH:> ' 'send select INBOX\r' 'expect SELECTED:INBOX> ' 'send quit\r' |
	"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/prompt.out" 20 "$IMAPSH" prompted || rc=$?
expect_exit "a profile's prompt" 0 "$rc"
rc=0
printf '%s\n' 'expect <AUTH> ' 'send quit\r' |
	IMAPSH_PROMPT='<%s>' "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/prompt2.out" 20 \
		"$IMAPSH" prompted || rc=$?
expect_exit "IMAPSH_PROMPT over a profile's prompt" 0 "$rc"

# --- help knows the server: each IMAP command marked for this connection
run_imapsh --stream "$stream" -c help -c "help getannotation" -c "help getquota" -c "help check"
expect_exit "help on a connection" 0
expect_contains "help: the marks explained" "$out" "- only in another state than AUTH, ! a capability this server lacks"
expect_line_prefix "help: ! for a capability Dovecot lacks" "$out" "! getannotation MAILBOX"
expect_line_prefix "help: - for another state" "$out" "- check "
expect_line_prefix "help: nothing for what runs now" "$out" "  getquota ROOT"
expect_contains "help CMD: a capability not offered" "$out" "this server: does not offer ANNOTATEMORE"
expect_contains "help CMD: available" "$out" "this server: available now"
expect_contains "help CMD: another state" "$out" "this server: not in state AUTH"
run_imapsh -o json --stream "$stream" -c "help getannotation"
expect_contains "help -o json: available" "$out" '"available":"capability"'

# --- -d 3: which command each untagged response was taken for
printf 'select INBOX\nfetch 1 (FLAGS)\nnoop\n' >"$T_TMP/d3.imapsh"
run_imapsh -d 3 --stream "$stream" -f "$T_TMP/d3.imapsh"
expect_exit "-d 3" 0
expect_contains "-d 3: the greeting, with no command in flight" "$err" "untagged PREAUTH: shown (no command in flight)"
expect_contains "-d 3: SELECT's data" "$err" "untagged 12 EXISTS: data of SELECT (line 1)"
expect_contains "-d 3: FETCH's data" "$err" "untagged 1 FETCH: data of FETCH (line 2)"

# --- on a terminal: the empty shell, the banner; the pager
rc=0
printf '%s\n' 'expect not connected\]> ' "send open demo\r" 'expect \[AUTH\]> ' 'send quit\r' |
	PTYRUN_STDERR=$T_TMP/empty.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/empty.out" 20 \
		"$IMAPSH" -o pretty --color=never || rc=$?
screen=$(tr -d '\r' <"$T_TMP/empty.out")
expect_exit "empty shell on a terminal: open PROFILE from there" 0 "$rc"
expect_contains "empty shell: the banner says how to start" "$(cat "$T_TMP/empty.err")" "Not connected: open HOST [PORT]"
expect_contains "empty shell: open PROFILE connected" "$screen" "Logged in"

rc=0
printf '%s\n' 'expect \]> ' 'send select INBOX\r' 'expect \]> ' 'send fetch 1:* (UID ENVELOPE)\r' 'expect \]> ' \
	'send noop\r' 'expect \]> ' 'send pager off\r' 'expect \]> ' 'send fetch 1:* (UID)\r' 'expect \]> ' 'send quit\r' |
	PAGER="cat >>$T_TMP/paged" "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pager.out" 20 \
		"$IMAPSH" -o pretty --color=never demo || rc=$?
screen=$(tr -d '\r' <"$T_TMP/pager.out" | sed 's/\x1b\[?2004[hl]//g')
paged=$(cat "$T_TMP/paged" 2>/dev/null || true)
expect_exit "pager: the session" 0 "$rc"
expect_count "pager: a long fetch went through \$PAGER" 12 "$paged" '^\* [0-9]+ FETCH +UID'
expect_not_contains "pager: short output did not" "$paged" "NOOP completed"
expect_contains "pager: short output on the terminal" "$screen" "OK NOOP completed"
expect_count "pager off: the second fetch on the terminal" 12 "$screen" '^\* [0-9]+ FETCH +UID'

test_done
