#!/bin/bash
# tests/integration/redaction.sh -- secrets never leave imapsh except to the
# server: for every trace level -d 0..5 and for -o pretty and -o json, LOGIN
# (quoted and literal passwords), AUTHENTICATE PLAIN with and without SASL-IR,
# LOGIN, CRAM-MD5 and SCRAM-SHA-256, -u with IMAPSH_PASSWORD, a failed
# LOGIN and OAUTHBEARER's token must not show the password, its base64
# forms, the SASL responses or the token on stdout or stderr; and the history
# file of an interactive session (on a pseudo-terminal) must not hold them.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot_daemon
skip_unless_python
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_daemon_test
# clear-text TCP on 127.0.0.1 (loopback: passwords may be sent) shows the
# most in traces; one server with SASL-IR, one without
dovecot_start_tcp "$dc" --mechs "plain login cram-md5 scram-sha-256" --oauth ||
	hard_error "could not start dovecot"
port=$DOVECOT_PORT
dovecot_start_tcp "$dc" --name nosaslir --mechs "plain login scram-sha-256" \
	--imap-capability "IMAP4rev1 LITERAL+ ID ENABLE IDLE" >/dev/null ||
	hard_error "could not start dovecot without SASL-IR"
nosaslir_port=$DOVECOT_PORT
token=$(dovecot_oauth_token "$dc" alice 3600)

ALICE=wonderland
CAROL='p@ss w"rd\ü'
DAVE='Sw0rd fish"42'
WRONG='Wr0ng-pass phrase'
b64() {
	printf '%s' "$1" | base64 -w0
}
# What must never be shown: the passwords (dave's also as IMAP quoted
# string), the PLAIN messages with and without authzid, the LOGIN
# mechanism's password, the start of SCRAM's client messages ("n,,n=USER,r="
# and "c=biws,r=" encode to these prefixes whatever the nonce), the OAuth
# token and the start of the OAUTHBEARER and XOAUTH2 messages
SECRETS=(
	"$ALICE" "$CAROL" "$DAVE" 'Sw0rd fish\"42' "$WRONG"
	"$(printf '\0alice\0%s' "$ALICE" | base64 -w0)"
	"$(printf 'alice\0alice\0%s' "$ALICE" | base64 -w0)"
	"$(printf '\0carol\0%s' "$CAROL" | base64 -w0)"
	"$(printf 'carol\0carol\0%s' "$CAROL" | base64 -w0)"
	"$(b64 "$ALICE")" "$(b64 "$CAROL")" "$(b64 "$DAVE")" "$(b64 "$WRONG")"
	"$(b64 "n,,n=alice,r=" | cut -c1-16)" "$(b64 "n,,n=carol,r=" | cut -c1-16)"
	"$(b64 "c=biws,r=" | cut -c1-12)"
	"$(printf 'user=alice\001auth=Bearer ' | base64 -w0 | cut -c1-28)"
	"$token" "$(printf 'n,a=alice,\001auth=Bearer %s\001\001' "$token" | base64 -w0 | cut -c1-40)"
	"$(printf 'n,,\001auth=Bearer %s\001\001' "$token" | base64 -w0 | cut -c1-40)"
)

# check_secrets WHAT TEXT: one test: TEXT holds none of SECRETS
check_secrets() {
	local s found=()
	for s in "${SECRETS[@]}"; do
		if printf '%s\n' "$2" | grep -qF -- "$s"; then
			found+=("leaked: $s" "$(printf '%s\n' "$2" | grep -F -- "$s" | head -n 3)")
		fi
	done
	if [ ${#found[@]} -eq 0 ]; then
		ok "$1"
	else
		not_ok "$1" "${found[@]}" "$(_t_ctx)"
	fi
}

# session NAME WANT_EXIT ARGS...: for -d 0..5 (-o pretty) and -d 0 and 4
# (-o json: only stdout differs), run imapsh with ARGS on 127.0.0.1 and
# check its output for secrets.  REDACTION_LEVELS chooses fewer (the
# sanitizer stage of .ci/run: levels are cumulative, so -d 4 and 5 run
# the code of 1 to 3 too).
session() {
	local name=$1 want=$2 level fmt
	shift 2
	for level in ${REDACTION_LEVELS:-0 1 2 3 4 5 0j 4j}; do
		fmt=pretty
		case $level in *j) level=${level%j} fmt=json ;; esac
		run_imapsh -d "$level" -o "$fmt" "$@" 127.0.0.1
		expect_exit "$name -d $level -o $fmt" "$want"
		check_secrets "$name -d $level -o $fmt: no secret on stdout or stderr" "$out
$err"
		if [ "$level" -ge 4 ]; then
			expect_contains "$name -d $level -o $fmt: the trace says <redacted>" "$err" "<redacted>"
		fi
		if [ "$fmt" = json ] && [ "$want" = 0 ]; then
			expect_match "$name -d $level -o json: JSON on stdout" "$out" '^\{'
		fi
	done
}

session "login dave (quoted password)" 0 -p "$port" -c "login dave \"Sw0rd fish\\\"42\"" -c noop
expect_match "login dave: the password went quoted, redacted" "$err" '^[0-9:.]+ C: [^ ]+ LOGIN "?dave"? <redacted>$'
session "login carol (literal password)" 0 -p "$port" -c "login carol 'p@ss w\"rd\\ü'" -c noop
expect_match "login carol: the literal is announced" "$err" '^[0-9:.]+ C: [^ ]+ LOGIN "?carol"? \{12\+?\}'
expect_no_match "login carol: the literal's line is <redacted>" \
	"$(printf '%s\n' "$err" | grep -E '^[0-9:.]+ C: ' | grep -vE ' C: ([^ ]+ (LOGIN|NOOP|LOGOUT)|<redacted>)')" .
session "login alice, wrong password" 1 -p "$port" -c "login alice '$WRONG'"
expect_imatch "wrong password: the server's text" "$err" '^imapsh: .*(AUTHENTICATIONFAILED|Authentication failed)'
session "authenticate PLAIN (SASL-IR)" 0 -p "$port" -c "authenticate PLAIN alice $ALICE" -c noop
expect_match "SASL-IR: the initial response is <redacted>" "$err" '^[0-9:.]+ C: [^ ]+ AUTHENTICATE PLAIN <redacted>$'
session "authenticate PLAIN carol (SASL-IR)" 0 -p "$port" -c "authenticate PLAIN carol '$CAROL'"
session "authenticate PLAIN (no SASL-IR)" 0 -p "$nosaslir_port" -c "authenticate PLAIN alice $ALICE" -c noop
expect_match "no SASL-IR: the response line is <redacted>" "$err" '^[0-9:.]+ C: <redacted>$'
session "authenticate LOGIN" 0 -p "$port" -c "authenticate LOGIN alice $ALICE"
session "authenticate CRAM-MD5" 0 -p "$port" -c "authenticate CRAM-MD5 alice $ALICE"
session "authenticate SCRAM-SHA-256" 0 -p "$port" -c "authenticate SCRAM-SHA-256 alice $ALICE"
session "authenticate SCRAM-SHA-256 carol (no SASL-IR)" 0 -p "$nosaslir_port" \
	-c "authenticate SCRAM-SHA-256 carol '$CAROL'"
IMAPSH_PASSWORD=$CAROL session "-u carol -a PLAIN" 0 -p "$port" -u carol -a PLAIN -c noop
IMAPSH_PASSWORD=$ALICE session "-u alice (default mechanism)" 0 -p "$port" -u alice -c noop
IMAPSH_PASSWORD=$WRONG session "-u alice -a PLAIN, wrong password" 1 -p "$port" -u alice -a PLAIN
IMAPSH_TOKEN=$token session "-u alice -a OAUTHBEARER" 0 -p "$port" -u alice -a OAUTHBEARER -c noop
IMAPSH_TOKEN=$token session "-u alice -a XOAUTH2" 0 -p "$port" -u alice -a XOAUTH2 -c noop

# a script file: errors name the line, not the password
printf '%s\n' "login alice '$WRONG'" "login carol '$CAROL'" "login dave 'x'" >"$T_TMP/script"
run_imapsh -d 5 -p "$port" -f "$T_TMP/script" 127.0.0.1
expect_exit "script with logins" 1
check_secrets "script with logins: no secret on stdout or stderr" "$out
$err"

# --- the interactive shell on a pseudo-terminal: history file and trace
# a pseudo-terminal driver: tests/lib/ptyrun.py
export IMAPSH_HISTFILE=$T_TMP/history
# interactive NAME LINE...: type each LINE after a prompt, then "logout"
# and end of input (^D)
interactive() {
	local name=$1 l rc=0
	shift
	T_LAST_CMD="imapsh -d 5 -p $port 127.0.0.1 (on a terminal: $*)"
	{
		for l in "$@" logout; do
			# the prompt ends with "> "; wait for the answer of the last line
			echo 'expect > $'
			printf 'send %s\\r\n' "$(printf '%s' "$l" | sed 's/\\/\\\\/g')"
		done
		echo 'expect > $'
		printf '%s\n' 'send \x04'
	} | PTYRUN_STDERR=$T_TMP/pty.err "$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/pty.out" 20 \
		"$IMAPSH" -d 5 -p "$port" 127.0.0.1 || rc=$?
	out=$(tr -d '\r' <"$T_TMP/pty.out" 2>/dev/null || true)
	err=$(cat "$T_TMP/pty.err")
	expect_exit "interactive: $name" 0
	check_sanitizer "$err"
	check_secrets "interactive: $name: no secret in the trace" "$err"
	# the terminal shows what was typed (readline's echo) after the
	# prompt; the rest must hold no secret
	check_secrets "interactive: $name: no secret in the answers on the terminal" \
		"$(printf '%s\n' "$out" | grep -v 'imapsh [^[]*\[[^]]*\]> ')"
	: >"$T_TMP/pty.err"
}
interactive "login dave" "login dave \"Sw0rd fish\\\"42\"" "select INBOX"
if [ -f "$IMAPSH_HISTFILE" ]; then
	ok "the first interactive session created the history file"
else
	not_ok "the first interactive session created the history file" \
		"no $IMAPSH_HISTFILE (readline's append_history does not create it)"
	: >"$IMAPSH_HISTFILE"
fi
interactive "login carol" "login carol '$CAROL'" "noop"
interactive "authenticate PLAIN" "authenticate PLAIN alice $ALICE" "examine INBOX"
interactive "authenticate SCRAM-SHA-256" "authenticate SCRAM-SHA-256 carol '$CAROL'" "noop"
hist=$(cat "$IMAPSH_HISTFILE" 2>/dev/null || true)
T_LAST_CMD=
expect_line "history: kept the commands without secrets" "$hist" "examine INBOX"
expect_line "history: kept logout" "$hist" "logout"
check_secrets "history: no secret" "$hist"

test_done
