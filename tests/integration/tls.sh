#!/bin/bash
# tests/integration/tls.sh -- imapsh over TLS against Dovecot daemons on
# 127.0.0.1 with certificates from tests/lib/certs.sh: implicit TLS
# (--ssl) and STARTTLS (--starttls), an IP address as host name, the `tls`
# command, each certificate failure (unknown CA, self-signed, wrong name,
# expired: exit 2 and the reason), --insecure, --tls-priority, a client
# certificate with AUTHENTICATE EXTERNAL, --tls-name (also over --stream),
# --pinnedpubkey.  (Dovecot 2.3 picks no ALPN protocol: check_tls tests
# that imapsh offers "imap".)
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
port=$DOVECOT_PORT tls_port=$DOVECOT_TLS_PORT
ca=$DOVECOT_CA
certs=$dc/certs
# the first line of the message for a certificate that does not verify
CERTFAIL='^imapsh: certificate verification failed for'
INSECURE_WARNING="imapsh: warning: --insecure: the server's certificate is not verified"

# --- implicit TLS: login, select, logout
run_imapsh --ssl -p "$tls_port" --cafile "$ca" -c "login alice wonderland" \
	-c "select INBOX" -c logout localhost
expect_exit "--ssl --cafile: login, select, logout" 0
expect_line "--ssl: alice's INBOX" "$out" "* 12 EXISTS"
expect_line_prefix "--ssl: logged out" "$out" "OK Logout completed"
expect_match "--ssl: greeting over TLS has no STARTTLS" "$(printf '%s\n' "$out" | head -n 1)" \
	'^\* OK \[CAPABILITY IMAP4rev1 [^]]*AUTH=PLAIN'
expect_eq "--ssl: nothing on stderr" "" "$err"

# -u with IMAPSH_PASSWORD over implicit TLS
IMAPSH_PASSWORD=wonderland run_imapsh --ssl -p "$tls_port" --cafile "$ca" -u alice \
	-c "examine INBOX" localhost
expect_exit "--ssl -u alice" 0
expect_line "--ssl -u alice: INBOX" "$out" "* 12 EXISTS"

# --- STARTTLS: the same, and the order on the wire (-d 4 trace)
run_imapsh -d 4 --starttls -p "$port" --cafile "$ca" -c "login alice wonderland" \
	-c "select INBOX" -c logout localhost
expect_exit "--starttls --cafile: login, select, logout" 0
expect_line "--starttls: alice's INBOX" "$out" "* 12 EXISTS"
expect_line_prefix "--starttls: logged out" "$out" "OK Logout completed"
trace=$(printf '%s\n' "$err" | grep -E '^[0-9:.]+ C: ' | sed -E 's/^[0-9:.]+ C: [^ ]+ //')
expect_eq "--starttls: STARTTLS, CAPABILITY again, then LOGIN" \
	"STARTTLS CAPABILITY LOGIN" "$(printf '%s\n' "$trace" | head -n 3 | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"
expect_match "--starttls: STARTTLS answered OK" "$err" '^[0-9:.]+ S: [^ ]+ OK .*TLS'
expect_no_match "--starttls: capabilities after TLS have no STARTTLS" \
	"$(printf '%s\n' "$err" | grep -E '^[0-9:.]+ S: \* CAPABILITY ')" 'STARTTLS'

# STARTTLS with -u (SASL over the upgraded connection)
IMAPSH_PASSWORD=wonderland run_imapsh --starttls -p "$port" --cafile "$ca" -u alice \
	-c "examine INBOX" localhost
expect_exit "--starttls -u alice" 0
expect_line "--starttls -u alice: INBOX" "$out" "* 12 EXISTS"

# --- an IP address as host name (IP SAN 127.0.0.1)
run_imapsh --ssl -p "$tls_port" --cafile "$ca" -c "login alice wonderland" -c logout 127.0.0.1
expect_exit "--ssl to 127.0.0.1 (IP SAN)" 0
run_imapsh --starttls -p "$port" --cafile "$ca" -c "login alice wonderland" -c logout 127.0.0.1
expect_exit "--starttls to 127.0.0.1 (IP SAN)" 0

# --- the tls command: protocol, cipher, subject, issuer, validity, SHA-256
fp=$(certtool --fingerprint --hash=sha256 --infile "$certs/server.pem" 2>/dev/null | tr 'a-f' 'A-F')
run_imapsh --ssl -p "$tls_port" --cafile "$ca" -c tls localhost
expect_exit "tls command" 0
expect_imatch "tls: protocol" "$out" '^ *protocol: *TLS ?1\.[23]'
expect_imatch "tls: cipher" "$out" '^ *cipher: *[A-Z0-9]'
expect_imatch "tls: subject" "$out" '^ *subject: .*CN=localhost'
expect_imatch "tls: issuer" "$out" '^ *issuer: .*CN=imapsh test CA'
expect_imatch "tls: validity" "$out" '(not after|valid|expires).*20[0-9][0-9]'
got_fp=$(printf '%s\n' "$out" | grep -iE 'sha-?256' | grep -oiE '([0-9a-f]{2}:?){32}' | head -n 1 |
	tr -d ':' | tr 'a-f' 'A-F')
expect_eq "tls: SHA-256 fingerprint of the server certificate" "$fp" "$got_fp"

run_imapsh --starttls -p "$port" --cafile "$ca" -c tls localhost
expect_exit "tls command after STARTTLS" 0
expect_imatch "tls after STARTTLS: protocol" "$out" '^ *protocol: *TLS ?1\.[23]'

# --- --tls-priority: a valid string is used, a bad one is a clear error
run_imapsh --ssl -p "$tls_port" --cafile "$ca" --tls-priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" \
	-c tls localhost
expect_exit "--tls-priority limited to TLS 1.2" 0
expect_imatch "--tls-priority: TLS 1.2 negotiated" "$out" '^ *protocol: *TLS ?1\.2'
run_imapsh --ssl -p "$tls_port" --cafile "$ca" --tls-priority "NORMAL:+NO-SUCH-THING" \
	-c noop localhost
expect_match "bad --tls-priority fails (exit $rc)" "$rc" '^(2|64)$'
expect_imatch "bad --tls-priority: the error names the priority" "$err" '^imapsh: .*priority'
expect_eq "bad --tls-priority: nothing on stdout" "" "$out"

# --- certificate failures; each: exit 2, the reason, no command sent
# unknown CA: no --cafile (the test CA is not in the system store)
run_imapsh -d 4 --ssl -p "$tls_port" -c "login alice wonderland" localhost
expect_exit "unknown CA (--ssl, no --cafile)" 2
expect_match "unknown CA: message" "$err" "$CERTFAIL localhost: .*(issuer is unknown|unknown issuer)"
expect_no_match "unknown CA: LOGIN not sent" "$err" '^[0-9:.]+ C: .*LOGIN'
run_imapsh -d 4 --starttls -p "$port" -c "login alice wonderland" localhost
expect_exit "unknown CA (--starttls, no --cafile)" 2
expect_match "unknown CA after STARTTLS: message" "$err" "$CERTFAIL localhost: .*(issuer is unknown|unknown issuer)"
expect_no_match "unknown CA after STARTTLS: LOGIN not sent" "$err" '^[0-9:.]+ C: .*LOGIN'

# one daemon per bad certificate (stopped at exit), each checked with the
# test CA trusted
for bad in selfsigned wrongname expired; do
	dovecot_start_tcp "$dc" --name "$bad" --tls "$bad" >/dev/null ||
		hard_error "could not start dovecot with the $bad certificate"
	case $bad in
	selfsigned) reason='self-signed' ;;
	wrongname) reason='does not match' ;;
	expired) reason='expired' ;;
	esac
	run_imapsh -d 4 --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" \
		-c "login alice wonderland" localhost
	expect_exit "$bad certificate (--ssl --cafile)" 2
	expect_match "$bad certificate: message" "$err" "$CERTFAIL localhost: .*$reason"
	expect_no_match "$bad certificate: LOGIN not sent" "$err" '^[0-9:.]+ C: .*LOGIN'
	expect_no_match "$bad certificate: no greeting shown" "$out" '^\* OK'
	if [ "$bad" = wrongname ]; then
		run_imapsh --starttls -p "$DOVECOT_PORT" --cafile "$ca" -c noop localhost
		expect_exit "wrong name after STARTTLS" 2
		expect_match "wrong name after STARTTLS: message" "$err" "$CERTFAIL localhost: .*$reason"
		run_imapsh --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" -c noop 127.0.0.1
		expect_exit "wrong name, host 127.0.0.1" 2
		expect_match "wrong name, host 127.0.0.1: message" "$err" "$CERTFAIL 127\.0\.0\.1: .*$reason"
	fi
	# --insecure connects anyway and warns on stderr
	run_imapsh --ssl --insecure -p "$DOVECOT_TLS_PORT" -c "login alice wonderland" \
		-c tls -c logout localhost
	expect_exit "$bad certificate with --insecure" 0
	expect_line "$bad certificate with --insecure: the warning" "$err" "$INSECURE_WARNING"
	expect_line_prefix "$bad certificate with --insecure: logged in" "$out" "OK [CAPABILITY"
	expect_imatch "$bad certificate with --insecure: tls says not verified" "$out" \
		'verif[a-z]*: *(no|false|not)'
done

# --insecure on a good certificate: still the warning (every connection)
run_imapsh --starttls --insecure -p "$port" -c noop localhost
expect_exit "--starttls --insecure on a good certificate" 0
expect_line "--insecure warns even when the certificate is fine" "$err" "$INSECURE_WARNING"
# the good certificate verifies: no warning, and tls says so
run_imapsh --ssl -p "$tls_port" --cafile "$ca" -c tls localhost
expect_not_contains "no --insecure: no warning" "$err" "warning"
expect_imatch "tls: verified" "$out" 'verif[a-z]*: *(yes|true|ok)'

# --- a missing --cafile is an error, not a silent fallback
run_imapsh --ssl -p "$tls_port" --cafile "$T_TMP/no-such-ca.pem" -c noop localhost
expect_match "--cafile that does not exist fails (exit $rc)" "$rc" '^(2|64)$'
expect_match "--cafile that does not exist: the error names it" "$err" '^imapsh: .*no-such-ca\.pem'

# --- client certificate + AUTHENTICATE EXTERNAL
dovecot_start_tcp "$dc" --name external --tls --external >/dev/null ||
	hard_error "could not start dovecot with client certificates"
run_imapsh --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" --certfile "$certs/alice.pem" \
	--keyfile "$certs/alice.key" -u alice -a EXTERNAL -c "examine INBOX" localhost
expect_exit "client certificate + -a EXTERNAL (--ssl)" 0
expect_line "EXTERNAL: alice's INBOX" "$out" "* 12 EXISTS"
run_imapsh --starttls -p "$DOVECOT_PORT" --cafile "$ca" --certfile "$certs/alice-combined.pem" \
	-u alice -a EXTERNAL -c "examine INBOX" localhost
expect_exit "client certificate (cert+key in one file) + EXTERNAL after STARTTLS" 0
expect_line "EXTERNAL after STARTTLS: alice's INBOX" "$out" "* 12 EXISTS"
run_imapsh --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" --certfile "$certs/alice.pem" \
	--keyfile "$certs/alice.key" -c "authenticate EXTERNAL" -c "examine INBOX" localhost
expect_exit "authenticate EXTERNAL command" 0
expect_line "authenticate EXTERNAL: alice's INBOX" "$out" "* 12 EXISTS"
# no certificate: the server refuses EXTERNAL
run_imapsh --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" -c "authenticate EXTERNAL" localhost
expect_exit "authenticate EXTERNAL without a client certificate" 1
expect_imatch "EXTERNAL without a certificate: the server's NO" "$err" \
	'^imapsh: .*AUTHENTICATE.*NO.*(AUTHENTICATIONFAILED|Authentication failed)'
run_imapsh --ssl -p "$DOVECOT_TLS_PORT" --cafile "$ca" --certfile "$T_TMP/no-such.pem" -c noop localhost
expect_match "--certfile that does not exist fails (exit $rc)" "$rc" '^(2|64)$'
expect_match "--certfile that does not exist: the error names it" "$err" '^imapsh: .*no-such\.pem'

# --- --tls-name: the name the certificate must carry, whatever the host
run_imapsh --ssl -p "$tls_port" --cafile "$ca" --tls-name localhost -c noop 127.0.0.1
expect_exit "--tls-name localhost to 127.0.0.1" 0
run_imapsh --ssl -p "$tls_port" --cafile "$ca" --tls-name imap.wrong.example -c noop localhost
expect_exit "--tls-name that the certificate does not carry" 2
expect_match "--tls-name: the failure names that name" "$err" "$CERTFAIL imap\.wrong\.example"
# over --stream (a relay to the TLS port): localhost was the only name before
cat >"$T_TMP/relay.py" <<'EOF'
import socket, sys, threading
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def up():
    while True:
        d = sys.stdin.buffer.read1(65536)
        if not d:
            break
        s.sendall(d)
    s.shutdown(socket.SHUT_WR)
threading.Thread(target=up, daemon=True).start()
while True:
    d = s.recv(65536)
    if not d:
        break
    sys.stdout.buffer.write(d)
    sys.stdout.buffer.flush()
EOF
relay="exec $PYTHON3 $T_TMP/relay.py $tls_port"
run_imapsh --stream "$relay" --ssl --cafile "$ca" --tls-name imap.wrong.example -c noop
expect_exit "--stream --ssl --tls-name: the name is checked" 2
expect_match "--stream --ssl --tls-name: the failure names it" "$err" "$CERTFAIL imap\.wrong\.example"
run_imapsh --stream "$relay" --ssl --cafile "$ca" --tls-name localhost -c noop
expect_exit "--stream --ssl --tls-name localhost" 0

# --- --pinnedpubkey: tls shows the value; the right one passes, a wrong
# one fails (exit 2), also with --insecure
run_imapsh --ssl -p "$tls_port" --cafile "$ca" -c tls localhost
pin=$(printf '%s\n' "$out" | sed -n 's/^public key: *//p' | head -n 1)
expect_match "tls shows the server's public key to pin" "$pin" '^sha256//[A-Za-z0-9+/]{43}=$'
run_imapsh --ssl -p "$tls_port" --cafile "$ca" --pinnedpubkey "$pin" -c noop localhost
expect_exit "--pinnedpubkey with the server's key" 0
run_imapsh --ssl -p "$tls_port" --cafile "$ca" \
	--pinnedpubkey "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" -c noop localhost
expect_exit "--pinnedpubkey with another key" 2
expect_match "--pinnedpubkey: the failure says pinning failed" "$err" "^imapsh: .*pinning failed"
expect_contains "--pinnedpubkey: the failure names the server's key" "$err" "$pin"
run_imapsh --ssl --insecure -p "$tls_port" \
	--pinnedpubkey "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" -c noop localhost
expect_exit "--pinnedpubkey holds with --insecure too" 2

test_done
