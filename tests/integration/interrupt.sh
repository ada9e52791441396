#!/bin/bash
# tests/integration/interrupt.sh -- Ctrl-C on a terminal (a pseudo-terminal
# driven by tests/lib/ptyrun.py), and line editing through readline's
# callback interface (completion, history): at the prompt it drops the line and the
# --stream server lives on; in IDLE it sends DONE; while a command waits on
# the server it cuts the connection with a clear message, and `open`
# reconnects; a server that asks for a password on /dev/tty while it
# connects (as ssh does) gets the terminal.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_python
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test
export IMAPSH_HISTFILE=$T_TMP/history

# pty STEPS-FILE OUT IMAPSH-ARGS...: imapsh on a terminal; sets rc, screen
pty() {
	local steps=$1 outf=$2
	shift 2
	rc=0
	PTYRUN_STDERR=$outf.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$outf" 20 \
		"$IMAPSH" "$@" <"$steps" || rc=$?
	screen=$(tr -d '\r' <"$outf"; cat "$outf.err" 2>/dev/null || true)
}

# --- at the prompt, and in IDLE, against Dovecot
printf '%s\n' 'expect \]> ' 'send select INBO\x03' 'expect \x1b\[K' 'expect \]> ' \
	'send select INBOX\r' 'expect INBOX\]> ' 'send idle\r' 'expect Ctrl-C, to stop' \
	'send \x03' 'expect Idle completed' 'expect INBOX\]> ' \
	'send noop\r' 'expect NOOP completed' 'send quit\r' >"$T_TMP/s1"
pty "$T_TMP/s1" "$T_TMP/o1" --stream "$stream"
expect_exit "Ctrl-C at the prompt and in IDLE" 0 "$rc"
expect_count "Ctrl-C at the prompt: the line was dropped, not run" 1 "$screen" \
	'OK \[READ-WRITE\] Select completed'
expect_contains "IDLE ended by Ctrl-C with DONE" "$screen" "OK Idle completed"
expect_contains "the server lived on after both" "$screen" "OK NOOP completed"
expect_not_contains "no error" "$screen" "imapsh:"

# --- readline through its callback interface still completes and recalls
printf '%s\n' 'expect \]> ' 'send sel\t' 'expect select ' 'send INBOX\r' 'expect INBOX\]> ' \
	'send \x1b[A' 'expect select INBOX' 'send \x15quit\r' >"$T_TMP/s4"
# (no hints: their escapes would split the echoed line)
pty "$T_TMP/s4" "$T_TMP/o4" --no-hints --stream "$stream"
expect_exit "completion and history" 0 "$rc"
expect_count "Tab completed \"sel\", Up recalled the line" 2 "$screen" 'select INBOX'

# --- while a command waits on the server
cat >"$T_TMP/stall.sh" <<'EOF'
#!/bin/sh
# answers everything but NOOP, which it sits on
printf '* PREAUTH [CAPABILITY IMAP4rev1] stall ready\r\n'
while read -r tag cmd rest; do
	case $cmd in
	NOOP*) sleep 20 ;;
	LOGOUT*) printf '* BYE bye\r\n%s OK LOGOUT done\r\n' "$tag"; exit 0 ;;
	*) printf '%s BAD not here\r\n' "$tag" ;;
	esac
done
EOF
chmod +x "$T_TMP/stall.sh"
printf '%s\n' 'expect \]> ' 'send noop\r' 'expect 2004l' 'send \x03' \
	'expect closed\]> ' 'send open\r' 'expect \[AUTH\]> ' 'send capability\r' 'expect not here' \
	'send quit\r' >"$T_TMP/s2"
start=$(date +%s)
pty "$T_TMP/s2" "$T_TMP/o2" --stream "$T_TMP/stall.sh"
took=$(($(date +%s) - start))
expect_exit "Ctrl-C while waiting: exit 2 (a connection broke)" 2 "$rc"
expect_line "the reason, and what became of the connection" "$screen" \
	"imapsh: interrupted: the reply was cut off, so the connection is closed (open reconnects)"
expect_count "open reconnected" 2 "$screen" 'stall ready'
expect_contains "the new connection works" "$screen" "BAD not here"
expect_match "the stalled server was stopped, not waited for (${took} s)" "$took" '^[0-9]$'
sleep 0.2
expect_eq "no server process left behind" "" \
	"$(pgrep -f "$T_TMP/stall.sh" || true)"

# --- a server that asks for a password on the terminal while connecting
cat >"$T_TMP/askpass.sh" <<'EOF'
#!/bin/sh
printf 'password: ' >/dev/tty
read -r pw </dev/tty
printf '* PREAUTH [CAPABILITY IMAP4rev1] hello %s\r\n' "$pw"
while read -r tag cmd rest; do
	case $cmd in
	LOGOUT*) printf '* BYE bye\r\n%s OK LOGOUT done\r\n' "$tag"; exit 0 ;;
	NOOP*) printf '%s OK NOOP done\r\n' "$tag" ;;
	*) printf '%s BAD not here\r\n' "$tag" ;;
	esac
done
EOF
chmod +x "$T_TMP/askpass.sh"
printf '%s\n' 'expect password: ' 'send hunter2\r' 'expect \]> ' 'send x\x03' \
	'expect \]> ' 'send noop\r' 'expect NOOP done' 'send quit\r' >"$T_TMP/s3"
pty "$T_TMP/s3" "$T_TMP/o3" --stream "$T_TMP/askpass.sh"
expect_exit "a password asked on /dev/tty by the server" 0 "$rc"
expect_contains "the server read it from the terminal" "$screen" "hello hunter2"
expect_contains "the terminal came back to imapsh, and Ctrl-C spared the server" \
	"$screen" "OK NOOP done"

test_done
