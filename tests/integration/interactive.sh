#!/bin/bash
# tests/integration/interactive.sh -- imapsh on a terminal (a pseudo-
# terminal driven by tests/lib/ptyrun.py): a SASL mechanism imapsh does
# not know, answered by hand (challenges shown decoded, answers sent
# base64-encoded and redacted, "*" cancels), against a scripted server;
# the history file never keeps a secret, even from a line that does not
# parse; raw IDLE and raw AUTHENTICATE run as their commands would; -o raw
# warns once that it writes the server's bytes to the terminal.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_python
need_imapsh
test_tmpdir
export IMAPSH_HISTFILE=$T_TMP/history

b64() { printf '%s' "$1" | base64 -w0; }

# the server: X-DEMO asks two questions; the answers must come base64-encoded
cat >"$T_TMP/byhand.scn" <<SCN
S: * OK [CAPABILITY IMAP4rev1 AUTH=X-DEMO] fake server ready
C: (?P<tag>\\S+) AUTHENTICATE X-DEMO
S: + $(b64 "Who goes there?")
C: $(b64 "a friend")
S: + $(b64 "Password, friend?")
C: $(b64 "mellon")
S: \$tag OK [CAPABILITY IMAP4rev1] welcome
C: (?P<t2>\\S+) NOOP
S: \$t2 OK noop done
FINISH
SCN
rc=0
printf '%s\n' 'expect \]> ' 'send authenticate X-DEMO\r' \
	'expect response \(\* cancels\): ' 'send a friend\r' \
	'expect response \(\* cancels\): ' 'send mellon\r' \
	'expect \[AUTH\]> ' 'send noop\r' 'expect noop done' 'send quit\r' |
	PTYRUN_STDERR=$T_TMP/pty.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pty.out" 20 \
		"$IMAPSH" -d 4 --stream \
		"$PYTHON3 $SRCDIR/tests/hostile/fakeserver.py --log $T_TMP/wire $T_TMP/byhand.scn" || rc=$?
screen=$(tr -d '\r' <"$T_TMP/pty.out")
trace=$(cat "$T_TMP/pty.err" 2>/dev/null || true)
expect_exit "by-hand SASL on a terminal" 0 "$rc"
expect_contains "the first challenge shown decoded" "$screen" "challenge: Who goes there?"
expect_contains "the second challenge shown decoded" "$screen" "challenge: Password, friend?"
expect_contains "authenticated" "$screen" "OK [CAPABILITY IMAP4rev1] welcome"
expect_contains "the prompt shows the new state" "$screen" "imapsh [AUTH]> "
expect_contains "the answer went base64-encoded" "$(cat "$T_TMP/wire" 2>/dev/null)" "$(b64 mellon)"
expect_not_contains "the trace shows no answer" "$screen$trace" "$(b64 mellon)"
expect_contains "the trace redacts the answers" "$screen$trace" "C: <redacted>"
expect_not_contains "the history keeps no answer" "$(cat "$IMAPSH_HISTFILE" 2>/dev/null)" "mellon"

# "*" cancels
cat >"$T_TMP/cancel.scn" <<SCN
S: * OK [CAPABILITY IMAP4rev1 AUTH=X-DEMO] fake server ready
C: (?P<tag>\\S+) AUTHENTICATE X-DEMO
S: + $(b64 "Who goes there?")
C: \\*
S: \$tag BAD authentication cancelled
FINISH
SCN
rc=0
printf '%s\n' 'expect \]> ' 'send authenticate X-DEMO\r' \
	'expect response \(\* cancels\): ' 'send *\r' 'expect cancelled' 'send quit\r' |
	"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pty2.out" 20 "$IMAPSH" \
		--stream "$PYTHON3 $SRCDIR/tests/hostile/fakeserver.py $T_TMP/cancel.scn" || rc=$?
screen=$(tr -d '\r' <"$T_TMP/pty2.out")
expect_match "cancelled: exit 1 (a command failed)" "$rc" '^1$'
expect_contains "cancelled: the server's answer shown" "$screen" "BAD authentication cancelled"

# --- the history fails closed: lines that do not lex keep no secret
rm -f "$IMAPSH_HISTFILE"
cat >"$T_TMP/hist.scn" <<SCN
S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake server ready
FINISH
SCN
rc=0
printf '%s\n' 'expect \]> ' 'send login alice pa(zz1zz\r' 'expect \]> ' \
	'send login alice "unzz2zz\r' 'expect \]> ' \
	'send authenticate PLAIN alice pa)zz3zz\r' 'expect \]> ' \
	'send raw LOGIN alice zz4zz\r' 'expect \]> ' \
	'send xatom login alice zz5zz\r' 'expect \]> ' \
	'send send "a1 LOGIN alice zz6zz\\r\\n"\r' 'expect \]> ' \
	'send raw AUTHENTICATE PLAIN c2VjcmV0Nw==\r' 'expect \]> ' \
	'send proxyauth bob (zz8zz\r' 'expect \]> ' 'send quit\r' |
	"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pty3.out" 20 "$IMAPSH" \
		--stream "$PYTHON3 $SRCDIR/tests/hostile/fakeserver.py $T_TMP/hist.scn" || rc=$?
hist=$(cat "$IMAPSH_HISTFILE" 2>/dev/null || true)
for n in 1 2 3 4 5 6 8; do
	expect_not_contains "history: the secret of line $n is not kept" "$hist" "zz${n}zz"
done
expect_not_contains "history: raw AUTHENTICATE's initial response is not kept" "$hist" "c2VjcmV0Nw"
expect_line "history: login kept as its command word" "$hist" "login"
expect_line "history: authenticate kept as its command word" "$hist" "authenticate"
expect_line "history: raw LOGIN kept up to the verb" "$hist" "raw LOGIN"
expect_line "history: xatom login kept up to the verb" "$hist" "xatom login"
expect_line "history: send kept up to LOGIN" "$hist" 'send "a1 LOGIN'
expect_line "history: raw AUTHENTICATE kept up to the mechanism" "$hist" "raw AUTHENTICATE PLAIN"

# --- raw IDLE runs as idle (Enter ends it); raw AUTHENTICATE is answered
# by hand; -o raw warns once
cat >"$T_TMP/rawidle.scn" <<SCN
S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE AUTH=X-DEMO] fake server ready
C: (?P<tag>\\S+) IDLE
S: + idling
S: * 3 EXISTS
C: DONE
S: \$tag OK idle done
C: (?P<t2>\\S+) AUTHENTICATE X-DEMO
S: + $(b64 "Who goes there?")
C: \\*
S: \$t2 BAD cancelled
C: (?P<t3>\\S+) NOOP
S: \$t3 OK noop done
FINISH
SCN
rc=0
printf '%s\n' 'expect \]> ' 'send raw IDLE\r' 'expect 3 EXISTS' 'send \r' 'expect idle done' \
	'send raw AUTHENTICATE X-DEMO\r' 'expect response \(\* cancels\): ' 'send *\r' \
	'expect cancelled' 'send format raw\r' 'send noop\r' 'expect noop done' 'send noop\r' \
	'expect NOOP completed' 'send quit\r' |
	PTYRUN_STDERR=$T_TMP/pty4.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pty4.out" 20 \
		"$IMAPSH" --stream "$PYTHON3 $SRCDIR/tests/hostile/fakeserver.py --result $T_TMP/rawidle.res $T_TMP/rawidle.scn" || rc=$?
screen=$(tr -d '\r' <"$T_TMP/pty4.out")
expect_contains "raw IDLE: the server's updates shown" "$screen" "* 3 EXISTS"
expect_contains "raw IDLE: ended with DONE, the result shown" "$screen" "OK idle done"
expect_contains "raw AUTHENTICATE: the challenge shown decoded" "$screen" "challenge: Who goes there?"
expect_eq "raw IDLE, raw AUTHENTICATE: the server saw what it expects" "PASS" "$(cut -c1-4 "$T_TMP/rawidle.res" 2>/dev/null)"
expect_count "-o raw on a terminal: warned once" 1 "$(cat "$T_TMP/pty4.err" 2>/dev/null)" 'raw writes what the server sends to this terminal unchanged'

# --- colour on a terminal: status words, codes, the ALERT; never the
# server's own escape sequences; off with NO_COLOR or --color=never
cat >"$T_TMP/color.scn" <<SCN
S: * PREAUTH [CAPABILITY IMAP4rev1] fake server ready
C: (?P<tag>\\S+) NOOP
S: * OK [ALERT] disk \x1b[31mfull
S: * 3 EXISTS
S: \$tag OK [READ-WRITE] noop done
FINISH
SCN
color_run() {
	local out=$1
	shift
	rc=0
	printf '%s\n' 'expect \]> ' 'send noop\r' 'expect noop done' 'send quit\r' |
		"$@" "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/$out" 20 "$IMAPSH" $COLOR_ARGS \
			--stream "$PYTHON3 $SRCDIR/tests/hostile/fakeserver.py $T_TMP/color.scn" || rc=$?
	screen=$(tr -d '\r' <"$T_TMP/$out")
}
esc=$'\033'
COLOR_ARGS='' color_run color1.out env -u NO_COLOR
expect_contains "colour: OK in green" "$screen" "${esc}[32mOK${esc}[m ${esc}[36m[READ-WRITE]${esc}[m noop done"
expect_contains "colour: the ALERT bold red, its text bold, the server's ESC escaped" "$screen" \
	"${esc}[1;31m[ALERT]${esc}[m ${esc}[1mdisk \\x1b[31mfull${esc}[m"
expect_contains "colour: data names bold" "$screen" "* 3 ${esc}[1mEXISTS${esc}[m"
COLOR_ARGS='' color_run color2.out env NO_COLOR=1
expect_not_contains "NO_COLOR: no colour" "$screen" "${esc}[32m"
expect_contains "NO_COLOR: the same text" "$screen" "OK [READ-WRITE] noop done"
COLOR_ARGS='--color=never' color_run color3.out env -u NO_COLOR
expect_not_contains "--color=never: no colour on a terminal" "$screen" "${esc}[32m"
COLOR_ARGS='--color' color_run color4.out env NO_COLOR=1
expect_contains "--color: colour even with NO_COLOR" "$screen" "${esc}[32mOK"

test_done
