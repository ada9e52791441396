#!/bin/bash
# tests/integration/auth.sh -- authentication against Dovecot daemons on
# 127.0.0.1 (over STARTTLS unless said otherwise): -u USER -a MECH for every
# mechanism Dovecot offers (PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256,
# OAUTHBEARER and XOAUTH2 with local JWTs), the password sources
# (--password-file, IMAPSH_PASSWORD, ~/.netrc and its mode check, the
# terminal prompt), wrong passwords, carol's awkward password, the default
# mechanism choice, login_cram_md5, and LOGINDISABLED.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot_daemon
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
certs_available || skip "certtool not found (install gnutls-bin)"
dovecot_daemon_test
dovecot_start_tcp "$dc" --tls || hard_error "could not start dovecot with TLS"
port=$DOVECOT_PORT
ca=$DOVECOT_CA
CAROL='p@ss w"rd\ü'
# the commands sent, from a -d 4 trace on stderr: "TAG VERB ARGS..."
sent() {
	printf '%s\n' "$1" | sed -nE 's/^[0-9:.]+ C: //p'
}
# stls ARGS...: run imapsh over STARTTLS to the main daemon (-d 4)
stls() {
	run_imapsh -d 4 --starttls -p "$port" --cafile "$ca" "$@" localhost
}
AUTH_FAILED='^imapsh: .*(AUTHENTICATIONFAILED|Authentication failed)'

# --- each mechanism: IMAPSH_PASSWORD, --password-file, wrong password
printf 'wonderland\nsecond line is not part of it\n' >"$T_TMP/alice.pw"
printf 'not-the-password\n' >"$T_TMP/wrong.pw"
chmod 600 "$T_TMP/alice.pw" "$T_TMP/wrong.pw" # a password file others can read is refused
for mech in PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256; do
	IMAPSH_PASSWORD=wonderland stls -u alice -a "$mech" -c "examine INBOX"
	expect_exit "-a $mech with IMAPSH_PASSWORD" 0
	expect_line "-a $mech: alice's INBOX" "$out" "* 12 EXISTS"
	expect_match "-a $mech: AUTHENTICATE $mech sent" "$(sent "$err")" "^[^ ]+ AUTHENTICATE $mech( |$)"
	expect_count "-a $mech: no LOGIN command" 0 "$(sent "$err")" '^[^ ]+ LOGIN '

	stls -u alice -a "$mech" --password-file "$T_TMP/alice.pw" -c "examine INBOX"
	expect_exit "-a $mech with --password-file (first line)" 0
	expect_line "-a $mech --password-file: alice's INBOX" "$out" "* 12 EXISTS"

	IMAPSH_PASSWORD=wrong-password stls -u alice -a "$mech" -c noop
	expect_exit "-a $mech with a wrong password" 1
	expect_imatch "-a $mech wrong password: the server's text" "$err" "$AUTH_FAILED"
	expect_no_match "-a $mech wrong password: no NOOP after the failed login" "$(sent "$err")" '^[^ ]+ NOOP'

	# carol: space, quote, backslash and UTF-8 (SASLprep for SCRAM)
	IMAPSH_PASSWORD=$CAROL stls -u carol -a "$mech" -c list
	expect_exit "-a $mech as carol" 0
	expect_line "-a $mech as carol: her INBOX" "$out" '* LIST  INBOX                     .  \HasNoChildren'
done

# --- password sources in order: --password-file, IMAPSH_PASSWORD, ~/.netrc
IMAPSH_PASSWORD=wrong-password stls -u alice -a PLAIN --password-file "$T_TMP/alice.pw" -c noop
expect_exit "--password-file wins over IMAPSH_PASSWORD" 0
IMAPSH_PASSWORD=wonderland stls -u alice -a PLAIN --password-file "$T_TMP/wrong.pw" -c noop
expect_exit "--password-file wins over IMAPSH_PASSWORD (wrong file)" 1
stls -u alice --password-file "$T_TMP/no-such-file" -c noop
expect_match "--password-file that does not exist fails (exit $rc)" "$rc" '^(1|2|64)$'
expect_match "--password-file that does not exist: named in the error" "$err" '^imapsh: .*no-such-file'

printf 'machine localhost\n  login alice\n  password wonderland\n' >"$HOME/.netrc"
chmod 600 "$HOME/.netrc"
stls -u alice -a SCRAM-SHA-256 -c "examine INBOX"
expect_exit ".netrc (mode 600)" 0
expect_line ".netrc: alice's INBOX" "$out" "* 12 EXISTS"
expect_not_contains ".netrc: no warning" "$err" "warning"
printf 'machine localhost login alice password wrong-password\n' >"$HOME/.netrc"
IMAPSH_PASSWORD=wonderland stls -u alice -a PLAIN -c noop
expect_exit "IMAPSH_PASSWORD wins over ~/.netrc" 0
# another machine's entry is not used
printf 'machine imap.example.org login alice password wonderland\n' >"$HOME/.netrc"
stls -u alice -a PLAIN -c noop
expect_exit ".netrc entry for another machine: no password" 1
expect_match "no password: says where one comes from" "$err" '^imapsh: .*password'
# readable by others: ignored with a warning (and no terminal to ask on)
printf 'machine localhost login alice password wonderland\n' >"$HOME/.netrc"
chmod 644 "$HOME/.netrc"
stls -u alice -a PLAIN -c noop
expect_exit ".netrc with mode 644 is refused" 1
expect_imatch ".netrc mode 644: warning" "$err" '^imapsh: warning: .*\.netrc.*(others|group|mode|permission)'
expect_count ".netrc mode 644: nothing authenticated" 0 "$(sent "$err")" '^[^ ]+ (AUTHENTICATE|LOGIN) '
rm -f "$HOME/.netrc"

# --- the terminal prompt: no echo, the password works
# a pseudo-terminal driver: tests/lib/ptyrun.py
if [ -n "${PYTHON3:-}" ]; then
	rc=0
	printf '%s\n' 'expect (?i)password' 'send wonderland\r' |
		"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/prompt.out" 20 "$IMAPSH" --starttls -p "$port" \
			--cafile "$ca" -u alice -c "examine INBOX" localhost || rc=$?
	prompt=$(tr -d "\r" <"$T_TMP/prompt.out" 2>/dev/null || true)
	expect_exit "password asked on the terminal" 0 "$rc"
	expect_imatch "terminal: a prompt names the password" "$prompt" 'password'
	expect_line "terminal: alice's INBOX" "$prompt" "* 12 EXISTS"
	expect_not_contains "terminal: the password is not echoed" "$prompt" "wonderland"
else
	echo "# python3 not found: terminal prompt not tested"
fi

# --- carol's password typed in commands: quoted (escapes), single quotes
stls -c "login carol \"p@ss w\\\"rd\\\\ü\"" -c list
expect_exit "login carol with a quoted password" 0
expect_line "login carol: her INBOX" "$out" '* LIST  INBOX                     .  \HasNoChildren'
expect_match "login carol: the password went as a literal" "$(sent "$err")" '^[^ ]+ LOGIN "?carol"? \{12\+?\}$'
stls -c "login carol 'p@ss w\"rd\\ü'" -c list
expect_exit "login carol with a single-quoted password" 0
stls -c "authenticate PLAIN carol 'p@ss w\"rd\\ü'" -c list
expect_exit "authenticate PLAIN carol" 0
expect_match "authenticate PLAIN carol: sent" "$(sent "$err")" '^[^ ]+ AUTHENTICATE PLAIN'
stls -c "authenticate SCRAM-SHA-256 carol 'p@ss w\"rd\\ü'" -c list
expect_exit "authenticate SCRAM-SHA-256 carol" 0
stls -c "login carol 'p@ss w\"rd\\u'" -c noop
expect_exit "login carol, password without the umlaut" 1
expect_imatch "login carol wrong: the server's text" "$err" '^imapsh: .*LOGIN.*(AUTHENTICATIONFAILED|Authentication failed)'
expect_line_prefix "login carol wrong: the session goes on" "$out" "OK NOOP completed"

# --- login_cram_md5 command
stls -c "login_cram_md5 alice wonderland" -c "examine INBOX"
expect_exit "login_cram_md5" 0
expect_line "login_cram_md5: alice's INBOX" "$out" "* 12 EXISTS"
expect_match "login_cram_md5: AUTHENTICATE CRAM-MD5 sent" "$(sent "$err")" '^[^ ]+ AUTHENTICATE CRAM-MD5$'
stls -c "login_cram_md5 alice wrong" -c noop
expect_exit "login_cram_md5 with a wrong password" 1
expect_imatch "login_cram_md5 wrong: the server's text" "$err" "$AUTH_FAILED"

# --- the default mechanism: the strongest both sides support
IMAPSH_PASSWORD=wonderland stls -u alice -c "examine INBOX"
expect_exit "-u without -a over STARTTLS" 0
expect_match "-u without -a: AUTHENTICATE SCRAM-SHA-256" "$(sent "$err")" '^[^ ]+ AUTHENTICATE SCRAM-SHA-256( |$)'
expect_count "-u without -a: one AUTHENTICATE, no LOGIN" 1 "$(sent "$err")" '^[^ ]+ (AUTHENTICATE|LOGIN) '
IMAPSH_PASSWORD=wonderland run_imapsh -d 4 --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" -u alice \
	-c noop localhost
expect_exit "-u without -a over implicit TLS" 0
expect_match "-u without -a (--ssl): AUTHENTICATE SCRAM-SHA-256" "$(sent "$err")" '^[^ ]+ AUTHENTICATE SCRAM-SHA-256( |$)'
# a mechanism the server does not offer
IMAPSH_PASSWORD=wonderland stls -u alice -a DIGEST-MD5 -c noop
expect_match "-a with an unknown mechanism fails (exit $rc)" "$rc" '^(1|2|64)$'
expect_match "-a DIGEST-MD5: named in the error" "$err" '^imapsh: .*DIGEST-MD5'
expect_count "-a DIGEST-MD5: nothing authenticated" 0 "$(sent "$err")" '^[^ ]+ (AUTHENTICATE|LOGIN) '

# a server offering PLAIN only
dovecot_start_tcp "$dc" --name plainonly --tls --mechs plain >/dev/null ||
	hard_error "could not start dovecot with PLAIN only"
IMAPSH_PASSWORD=wonderland run_imapsh -d 4 --starttls -p "$DOVECOT_PORT" --cafile "$ca" -u alice \
	-c noop localhost
expect_exit "-u without -a, server offers PLAIN only" 0
expect_match "PLAIN only: AUTHENTICATE PLAIN" "$(sent "$err")" '^[^ ]+ AUTHENTICATE PLAIN( |$)'

# --- OAUTHBEARER and XOAUTH2 (tokens checked locally by Dovecot)
if [ -n "${PYTHON3:-}" ]; then
	dovecot_start_tcp "$dc" --name oauth --tls --oauth >/dev/null ||
		hard_error "could not start dovecot with OAuth"
	token=$(dovecot_oauth_token "$dc" alice 3600)
	old=$(dovecot_oauth_token "$dc" alice -600)
	for mech in OAUTHBEARER XOAUTH2; do
		IMAPSH_TOKEN=$token run_imapsh -d 4 --starttls -p "$DOVECOT_PORT" --cafile "$ca" \
			-u alice -a "$mech" -c "examine INBOX" localhost
		expect_exit "-a $mech with IMAPSH_TOKEN" 0
		expect_line "-a $mech: alice's INBOX" "$out" "* 12 EXISTS"
		expect_not_contains "-a $mech: the token is not shown" "$out$err" "$token"
		printf '%s\n' "$token" >"$T_TMP/token"
		chmod 600 "$T_TMP/token"
		run_imapsh --starttls -p "$DOVECOT_PORT" --cafile "$ca" -u alice -a "$mech" \
			--password-file "$T_TMP/token" -c noop localhost
		expect_exit "-a $mech with the token in --password-file" 0
		IMAPSH_TOKEN=$old run_imapsh --starttls -p "$DOVECOT_PORT" --cafile "$ca" \
			-u alice -a "$mech" -c noop localhost
		expect_exit "-a $mech with an expired token" 1
		expect_imatch "-a $mech expired: the server's text" "$err" "$AUTH_FAILED"
	done
else
	echo "# python3 not found: OAuth not tested"
fi

# --- LOGINDISABLED (disable_plaintext_auth = yes, clear text on 127.0.0.2)
dovecot_start_tcp "$dc" --name nopl --tls --no-plaintext >/dev/null ||
	hard_error "could not start dovecot with disable_plaintext_auth"
nhost=$DOVECOT_HOST nport=$DOVECOT_PORT
run_imapsh -d 4 -p "$nport" -c "login alice wonderland" -c noop "$nhost"
expect_exit "login with LOGINDISABLED is refused locally" 1
expect_match "LOGINDISABLED: greeting advertises it" "$out" '^\* OK \[CAPABILITY .*LOGINDISABLED'
expect_match "LOGINDISABLED: the error says so" "$err" '^imapsh: .*LOGINDISABLED'
expect_count "LOGINDISABLED: LOGIN not sent" 0 "$(sent "$err")" '^[^ ]+ LOGIN'
expect_line_prefix "LOGINDISABLED: the session goes on" "$out" "OK NOOP completed"
run_imapsh -d 4 -p "$nport" -c "login carol 'p@ss w\"rd\\ü'" "$nhost"
expect_exit "login (literal password) with LOGINDISABLED is refused" 1
expect_count "LOGINDISABLED: no literal sent" 0 "$(sent "$err")" '^[^ ]+ LOGIN'
# after STARTTLS the server allows it
run_imapsh -d 4 --starttls -p "$nport" --cafile "$ca" -c "login alice wonderland" \
	-c "examine INBOX" "$nhost"
expect_exit "login after STARTTLS on the LOGINDISABLED port" 0
expect_line "after STARTTLS: alice's INBOX" "$out" "* 12 EXISTS"
# -u without TLS: a mechanism that hides the password (SCRAM) is fine
IMAPSH_PASSWORD=wonderland run_imapsh -d 4 -p "$nport" -u alice -c noop "$nhost"
expect_exit "-u without -a on the LOGINDISABLED port (clear text)" 0
expect_match "LOGINDISABLED, -u: AUTHENTICATE SCRAM-SHA-256" "$(sent "$err")" '^[^ ]+ AUTHENTICATE SCRAM-SHA-256( |$)'

test_done
