#!/bin/bash
# tests/integration/tcp.sh -- imapsh over TCP against a Dovecot daemon on
# 127.0.0.1: LOGIN (wrong and right password, -u with IMAPSH_PASSWORD, a
# password that needs a literal), the full session, shared folders,
# a refused connection.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot_daemon
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_daemon_test
dovecot_start_tcp "$dc" || hard_error "could not start dovecot"
port=$DOVECOT_PORT

# --- wrong password: the LOGIN fails (exit 1), the session goes on
run_imapsh -p "$port" -c "login alice wrong" -c noop 127.0.0.1
expect_exit "login with a wrong password" 1
expect_imatch "failure on stderr" "$err" '^imapsh: .*LOGIN failed: NO .*Authentication failed'
expect_match "greeting first" "$(printf '%s\n' "$out" | head -n 1)" \
	'^\* OK \[CAPABILITY IMAP4rev1 .*AUTH=PLAIN.*\] imapsh test server ready\.$'
expect_line_prefix "session goes on after the failed login" "$out" "OK NOOP completed"

# --- right password
run_imapsh -p "$port" -c "login alice wonderland" -c "select INBOX" -c logout 127.0.0.1
expect_exit "login alice wonderland" 0
expect_line_prefix "logged in" "$out" "OK [CAPABILITY IMAP4rev1 "
expect_line "alice's INBOX" "$out" "* 12 EXISTS"
expect_line_prefix "logout" "$out" "OK Logout completed"

# --- -u USER, password from IMAPSH_PASSWORD
IMAPSH_PASSWORD=wonderland run_imapsh -u alice -p "$port" -c "examine INBOX" 127.0.0.1
expect_exit "-u alice with IMAPSH_PASSWORD" 0
expect_line "-u alice: INBOX" "$out" "* 12 EXISTS"
expect_not_contains "password not echoed" "$out$err" "wonderland"

# a password with a space, a double quote, a backslash and UTF-8
IMAPSH_PASSWORD='p@ss w"rd\ü' run_imapsh -u carol -p "$port" -c list 127.0.0.1
expect_exit "-u carol (password needs quoting or a literal)" 0
expect_line "carol's INBOX" "$out" '* LIST  INBOX                     .  \HasNoChildren'

IMAPSH_PASSWORD=nope run_imapsh -u bob -p "$port" -c noop 127.0.0.1
expect_match "-u bob with a wrong password fails (exit $rc)" "$rc" '^[12]$'
expect_imatch "-u bob: failure on stderr" "$err" '^imapsh: .*(AUTHENTICATIONFAILED|Authentication failed)'

# --- the full session after LOGIN
n=$(dovecot_full_script "$T_TMP")
{ echo "login alice wonderland"; cat "$T_TMP/full.imapsh"; } >"$T_TMP/tcp.imapsh"
run_imapsh -p "$port" -f "$T_TMP/tcp.imapsh" 127.0.0.1
expect_exit "full session over TCP" 0
expect_eq "full session: nothing on stderr" "" "$err"
expect_count "LOGIN + each of the $n IMAP commands answered OK" "$((n + 1))" "$out" '^OK '
dovecot_full_check "$out"

# --- ACLs across users: bob sees the folder alice shares
run_imapsh -p "$port" -c "login alice wonderland" -c "setacl Sent bob lr" 127.0.0.1
expect_exit "alice shares Sent with bob" 0
IMAPSH_PASSWORD=builder run_imapsh -u bob -p "$port" -c 'list "" shared*' \
	-c "examine shared.alice.Sent" 127.0.0.1
expect_exit "bob opens shared.alice.Sent" 0
expect_match "bob lists alice's shared folder" "$out" '^\* LIST  shared\.alice\.Sent +\.  .*$'
expect_line "bob sees the 2 messages" "$out" "* 2 EXISTS"

# --- nothing listens: the session fails (exit 2)
closed=$((port + 1))
_dc_port_free "$closed" || closed=1
run_imapsh -p "$closed" --timeout 5 -c noop 127.0.0.1
expect_exit "connection refused" 2
expect_imatch "refusal on stderr" "$err" '^imapsh: .*(refused|connect)'

test_done
