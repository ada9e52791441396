#!/bin/bash
# tests/integration/reconnect.sh -- imapsh on a terminal (a pseudo-terminal
# driven by tests/lib/ptyrun.py) against scripted servers: "login USER"
# asks for the password without echo, and a mistyped one gets three tries
# (also for -u); a server's BYE shows at the prompt at once; "reconnect"
# connects again, logs in as before (the password asked again) and
# selects the mailbox again; a command on a closed connection offers to
# reconnect; a script's "login USER" takes IMAPSH_PASSWORD, once.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_python
need_imapsh
test_tmpdir
export IMAPSH_HISTFILE=$T_TMP/history
FAKE="$PYTHON3 $SRCDIR/tests/hostile/fakeserver.py"

# pty NAME SCENARIO [IMAPSH ARGS...] (steps on stdin): $screen, $errs, $rc
pty() {
	local name=$1 scn=$2
	shift 2
	rc=0
	PTYRUN_STDERR=$T_TMP/$name.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/$name.out" 20 \
		"$IMAPSH" --color=never "$@" --stream "$FAKE --result $T_TMP/$name.res $T_TMP/$scn" || rc=$?
	screen=$(tr -d '\r' <"$T_TMP/$name.out" | sed 's/\x1b\[?2004[hl]//g')
	errs=$(cat "$T_TMP/$name.err" 2>/dev/null || true)
}

# --- login USER: asked without echo; a NO asks again
cat >"$T_TMP/login.scn" <<'SCN'
S: * OK [CAPABILITY IMAP4rev1] fake server ready
C: (?P<tag>\S+) LOGIN "?alice"? "?wrong1"?
S: $tag NO [AUTHENTICATIONFAILED] Authentication failed.
C: (?P<t2>\S+) LOGIN "?alice"? "?right"?
S: $t2 OK [CAPABILITY IMAP4rev1] Logged in
C: (?P<t3>\S+) NOOP
S: $t3 OK noop done
FINISH
SCN
pty login login.scn < <(printf '%s\n' 'expect \]> ' 'send login alice\r' 'expect Password for alice: ' 'send wrong1\r' \
	'expect Password for alice: ' 'send right\r' 'expect \[AUTH\]> ' 'send noop\r' 'expect noop done' \
	'send quit\r')
expect_exit "login USER: the second try logs in" 0 "$rc"
expect_eq "login USER: the server saw both tries" "PASS" "$(cut -c1-4 "$T_TMP/login.res" 2>/dev/null)"
expect_not_contains "login USER: no password on the screen" "$screen" "wrong1"
expect_not_contains "login USER: nor the right one" "$screen" "right"
expect_contains "login USER: the failure said" "$errs" "imapsh: login failed: NO [AUTHENTICATIONFAILED]"
expect_contains "login USER: try again (2 of 3)" "$errs" "try again (2 of 3)"
expect_not_contains "login USER: no password in the history" "$(cat "$IMAPSH_HISTFILE")" "right"

# --- three wrong passwords: the last NO stands
cat >"$T_TMP/three.scn" <<'SCN'
S: * OK [CAPABILITY IMAP4rev1] fake server ready
C: (?P<tag>\S+) LOGIN "?alice"? "?w1"?
S: $tag NO [AUTHENTICATIONFAILED] Authentication failed.
C: (?P<t2>\S+) LOGIN "?alice"? "?w2"?
S: $t2 NO [AUTHENTICATIONFAILED] Authentication failed.
C: (?P<t3>\S+) LOGIN "?alice"? "?w3"?
S: $t3 NO [AUTHENTICATIONFAILED] Authentication failed for good.
FINISH
SCN
pty three three.scn < <(printf '%s\n' 'expect \]> ' 'send login alice\r' 'expect Password for alice: ' 'send w1\r' \
	'expect Password for alice: ' 'send w2\r' 'expect Password for alice: ' 'send w3\r' \
	'expect for good' 'expect NONAUTH\]> ' 'send quit\r')
expect_exit "three wrong passwords: a command failed" 1 "$rc"
expect_eq "three wrong passwords: three tries, no fourth" "PASS" "$(cut -c1-4 "$T_TMP/three.res" 2>/dev/null)"
expect_contains "three wrong passwords: the last answer shown" "$screen" "NO [AUTHENTICATIONFAILED] Authentication failed for good."
expect_count "three wrong passwords: two retries offered" 2 "$errs" "try again"

# --- -u USER: the same three tries before the prompt
pty dashu login.scn -u alice < <(printf '%s\n' 'expect Password for alice: ' 'send wrong1\r' 'expect Password for alice: ' 'send right\r' \
	'expect \[AUTH\]> ' 'send noop\r' 'expect noop done' 'send quit\r')
expect_exit "-u: the second try logs in" 0 "$rc"
expect_eq "-u: the server saw both tries" "PASS" "$(cut -c1-4 "$T_TMP/dashu.res" 2>/dev/null)"

# --- BYE at the prompt, reconnect, the offer to reconnect
cat >"$T_TMP/bye.scn" <<'SCN'
S: * OK [CAPABILITY IMAP4rev1] fake server ready
C: (?P<tag>\S+) LOGIN "?alice"? "?right"?
S: $tag OK [CAPABILITY IMAP4rev1] Logged in
C: (?P<t2>\S+) EXAMINE "?Entw&APw-rfe"?
S: * 3 EXISTS
S: $t2 OK [READ-ONLY] examined
SLEEP 1
S: * BYE going down for maintenance
CLOSE
SCN
pty bye bye.scn < <(printf '%s\n' 'expect \]> ' 'send login alice right\r' 'expect \[AUTH\]> ' 'send examine Entwürfe\r' \
	'expect SELECTED Entwürfe, read-only\]> ' 'expect maintenance' 'expect closed\]> ' \
	'send reconnect\r' 'expect Password for alice: ' 'send right\r' 'expect examined' \
	'expect maintenance' 'expect closed\]> ' 'send noop\r' 'expect Reconnect' 'send n\r' \
	'expect closed\]> ' 'send quit\r')
expect_contains "BYE at the prompt: shown at once" "$screen" "* BYE going down for maintenance"
expect_contains "BYE at the prompt: the prompt says who, read-only and closed" "$screen" \
	"imapsh alice [SELECTED Entwürfe, read-only, closed]> "
expect_contains "BYE at the prompt: reported" "$errs" "imapsh: the server ended the session: BYE going down for maintenance (reconnect to go on)"
expect_contains "reconnect: logged in again" "$screen" "Logged in"
expect_count "reconnect: the mailbox examined again" 2 "$screen" "OK \\[READ-ONLY\\] examined"
expect_contains "a command on a closed connection: reconnecting offered" "$screen" "Reconnect (log in again, select again)? [Y/n]"
expect_contains "declined: not connected" "$errs" "not connected (the connection is closed: use reconnect)"
expect_exit "BYE: exit 2 (the session failed)" 2 "$rc"

# --- a line typed during IDLE ends it (DONE), then runs
cat >"$T_TMP/idle.scn" <<'SCN'
S: * PREAUTH [CAPABILITY IMAP4rev1 IDLE] fake server ready
C: (?P<tag>\S+) IDLE
S: + idling
S: * 4 EXISTS
C: DONE
S: $tag OK idle done
C: (?P<t2>\S+) NOOP
S: $t2 OK noop done
FINISH
SCN
rm -f "$IMAPSH_HISTFILE"
pty idle idle.scn < <(printf '%s\n' 'expect \]> ' 'send idle\r' 'expect 4 EXISTS' 'send noop\r' \
	'expect noop done' 'expect \]> ' 'send noop\r' 'expect \]> ' 'send quit\r')
expect_eq "IDLE: DONE, then the typed line ran" "PASS" "$(cut -c1-4 "$T_TMP/idle.res" 2>/dev/null)"
expect_contains "IDLE: how to stop it said" "$screen" "(idling; type a command, or press Enter or Ctrl-C, to stop)"
expect_contains "IDLE: its result" "$screen" "OK idle done"
expect_count "history: the same line twice is kept once" 1 "$(cat "$IMAPSH_HISTFILE")" '^noop$'

# --- connecting on a terminal: "connecting to HOST:PORT..." until the
# greeting (or the error), the hint for a TLS port, and a shell to go on in
printf 'SLEEP 10\nCLOSE\n' >"$T_TMP/silent.scn"
rm -f "$T_TMP/port"
$FAKE --tcp "$T_TMP/port" "$T_TMP/silent.scn" >/dev/null 2>&1 &
fake_pid=$!
for _ in $(seq 50); do [ -s "$T_TMP/port" ] && break; sleep 0.1; done
port=$(cat "$T_TMP/port" 2>/dev/null || echo 1)
rc=0
printf '%s\n' 'expect not connected\]> ' 'send quit\r' |
	"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/conn.out" 20 "$IMAPSH" --color=never --timeout 1 \
		-p "$port" 127.0.0.1 || rc=$?
screen=$(tr -d '\r' <"$T_TMP/conn.out" | sed 's/\x1b\[?2004[hl]//g')
kill "$fake_pid" 2>/dev/null || true
wait "$fake_pid" 2>/dev/null || true
expect_contains "connecting: said on the terminal" "$screen" "connecting to 127.0.0.1:$port..."
expect_contains "connecting: then replaced (erased)" "$screen" "connecting to 127.0.0.1:$port..."$'\e[K'
expect_contains "connecting: the TLS port hint" "$screen" "(if port $port is a TLS port, try --ssl)"
expect_contains "connecting failed on a terminal: the shell opens anyway" "$screen" "imapsh [not connected]> "
# Ctrl-C while the greeting is awaited: back to a prompt, not out
rm -f "$T_TMP/port"
$FAKE --tcp "$T_TMP/port" "$T_TMP/silent.scn" >/dev/null 2>&1 &
fake_pid=$!
for _ in $(seq 50); do [ -s "$T_TMP/port" ] && break; sleep 0.1; done
port=$(cat "$T_TMP/port" 2>/dev/null || echo 1)
rc=0
printf '%s\n' 'expect connecting to' 'send \x03' 'expect not connected\]> ' 'send quit\r' |
	"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/conn2.out" 20 "$IMAPSH" --color=never \
		-p "$port" 127.0.0.1 || rc=$?
kill "$fake_pid" 2>/dev/null || true
wait "$fake_pid" 2>/dev/null || true
expect_contains "Ctrl-C while connecting: the shell, not an exit" "$(tr -d '\r' <"$T_TMP/conn2.out")" \
	"imapsh [not connected]> "
expect_contains "Ctrl-C while connecting: said so" "$(tr -d '\r' <"$T_TMP/conn2.out")" "interrupted"

# --- a script's login USER: the password from IMAPSH_PASSWORD, one try
cat >"$T_TMP/script.scn" <<'SCN'
S: * OK [CAPABILITY IMAP4rev1] fake server ready
C: (?P<tag>\S+) LOGIN "?bob"? "?wrong"?
S: $tag NO [AUTHENTICATIONFAILED] Authentication failed.
FINISH
SCN
IMAPSH_PASSWORD=wrong run_imapsh -c "login bob" --stream "$FAKE --result $T_TMP/script.res $T_TMP/script.scn"
expect_exit "script login USER: failed" 1
expect_eq "script login USER: one try with IMAPSH_PASSWORD" "PASS" "$(cut -c1-4 "$T_TMP/script.res" 2>/dev/null)"
expect_not_contains "script login USER: no retry" "$err" "try again"
RUN_STDIN=/dev/null run_imapsh -c "login bob" --stream "$FAKE $T_TMP/script.scn"
expect_exit "script login USER, no password anywhere: failed" 1
expect_contains "script login USER, no password: says where one comes from" "$err" "no password for bob"

test_done
