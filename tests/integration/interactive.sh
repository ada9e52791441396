#!/bin/bash
# tests/integration/interactive.sh -- imapsh on a terminal (a pseudo-
# terminal driven by tests/lib/ptyrun.py): a SASL mechanism imapsh does
# not know, answered by hand (challenges shown decoded, answers sent
# base64-encoded and redacted, "*" cancels), against a scripted server.
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

test_done
