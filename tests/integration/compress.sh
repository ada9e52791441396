#!/bin/bash
# tests/integration/compress.sh -- COMPRESS=DEFLATE (RFC 4978) against
# Dovecot (imap_zlib): the compress command, then select, fetch, search and
# an append of a 2 MB message fetched back byte for byte; raw COMPRESS
# DEFLATE; --compress (at PREAUTH, after -u's login, after reconnect, from
# a profile); a second COMPRESS refused before it is sent; -d 4 still shows
# the clear text, -d 5 the bytes before and after compression; socket shows
# the ratios; -o json objects valid; compression above TLS (--ssl and
# STARTTLS), the tls command still answering under it.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_daemon_test
stream=$(dovecot_stream_cmd "$dc")
F=$T_TMP/files
mkdir "$F"

# the socket line: the byte counts, both ratios
# (the ratio is "-" while nothing moved)
R='\(ratio ([0-9]+\.[0-9]|-)\)'
RATIO="^deflate: received [0-9]+ bytes compressed, [0-9]+ clear $R; sent [0-9]+ clear, [0-9]+ compressed $R\$"

# --- the compress command, then a session's worth of commands
# a 2 MB message (CRLF lines, as the server stores them)
awk 'BEGIN { printf "Subject: big compressed\r\nFrom: a@example.org\r\n\r\n";
	for (i = 0; i < 52000; i++) printf "line %d of a big message, %08x\r\n", i, i * 2654435761 % 4294967296 }' >"$F/big"
size=$(wc -c <"$F/big")
[ "$size" -gt 2000000 ] || hard_error "the message is only $size bytes"
run_imapsh --stream "$stream" -c compress -c "select INBOX" -c "fetch 1:3 (FLAGS ENVELOPE)" \
	-c "search FROM demo" -c "create Zip" -c "append Zip @$F/big" -c "select Zip" \
	-c "fetch 1 BODY.PEEK[] > $F/big.got" -c "search SUBJECT compressed" -c socket
expect_exit "compress, then select, fetch, search, append 2 MB, fetch it back" 0
expect_line_prefix "compress: the server's OK shown" "$out" "OK Begin compression"
expect_line "compress: then select works" "$out" "* 12 EXISTS"
expect_contains "compress: fetch of envelopes" "$out" "Welcome to imapsh"
expect_match "compress: search" "$out" '^\* SEARCH .*[0-9]+ match'
expect_line_prefix "compress: append of 2 MB" "$out" "OK [APPENDUID"
if cmp -s "$F/big" "$F/big.got"; then
	ok "compress: the 2 MB message comes back byte for byte"
else
	not_ok "compress: the 2 MB message comes back byte for byte" \
		"$(wc -c <"$F/big.got" 2>&1) bytes back of $size"
fi
expect_line "compress: search in the new mailbox" "$out" "* SEARCH  1 match: 1"
expect_match "compress: socket shows the ratios" "$out" "$RATIO"
# the fetch was compressed: received clear >> compressed
recv=$(printf '%s\n' "$out" | sed -n 's/^deflate: received \([0-9]*\) bytes compressed, \([0-9]*\) clear.*/\1 \2/p')
read -r rc_comp rc_clear <<<"${recv:-0 0}"
if [ "$rc_clear" -gt 2000000 ] && [ "$rc_comp" -lt $((rc_clear / 2)) ]; then
	ok "compress: the 2 MB came compressed ($rc_comp bytes for $rc_clear)"
else
	not_ok "compress: the 2 MB came compressed" "received: $recv"
fi
expect_eq "compress: nothing on stderr" "" "$err"

# --- raw COMPRESS DEFLATE: wraps the transport too; a second COMPRESS
# (raw, xatom or the command) is refused before anything is sent
run_imapsh -d 4 --stream "$stream" -c "raw COMPRESS DEFLATE" -c "select INBOX" -c compress \
	-c "raw compress deflate" -c "xatom COMPRESS DEFLATE" -c noop -c socket
expect_exit "raw COMPRESS DEFLATE, then three refused" 1
expect_line_prefix "raw COMPRESS: OK" "$out" "OK Begin compression"
expect_line "raw COMPRESS: select afterwards" "$out" "* 12 EXISTS"
expect_count "raw COMPRESS: one COMPRESS sent" 1 "$err" 'C: [A-Z0-9]+ COMPRESS DEFLATE'
expect_count "a second COMPRESS refused three times" 3 "$err" \
	'^imapsh: -c:[345]: COMPRESS is already active on this connection$'
expect_line_prefix "the session goes on" "$out" "OK NOOP completed"
# -d 4 is above the transport: the clear text, both ways
expect_match "-d 4: what was sent, in clear" "$err" 'C: [A-Z0-9]+ NOOP$'
expect_match "-d 4: what came, in clear" "$err" 'S: [A-Z0-9]+ OK NOOP completed'
expect_no_match "-d 4: no byte counts (those are -d 5)" "$err" '-- deflate: (sent|received) [0-9]+ (bytes|compressed)'
expect_match "raw COMPRESS: socket shows the ratios" "$out" "$RATIO"

# raw COMPRESS with anything but DEFLATE: not sent
run_imapsh -d 4 --stream "$stream" -c "raw COMPRESS FOO" -c noop
expect_exit "raw COMPRESS FOO: refused" 1
expect_contains "raw COMPRESS FOO: why" "$err" \
	"imapsh: -c:1: COMPRESS FOO: not sent: imapsh can read only COMPRESS DEFLATE"
expect_no_match "raw COMPRESS FOO: nothing sent" "$err" 'C: [A-Z0-9]+ COMPRESS'
expect_line_prefix "raw COMPRESS FOO: the session goes on" "$out" "OK NOOP completed"

# --- -d 5: every read and write with its size before and after
run_imapsh -d 5 --stream "$stream" -c compress -c "select INBOX" -c "fetch 1 BODY.PEEK[]"
expect_exit "-d 5" 0
expect_match "-d 5: writes, clear and compressed" "$err" \
	'-- deflate: sent [0-9]+ bytes as [0-9]+ compressed$'
expect_match "-d 5: reads, compressed and clear" "$err" \
	'-- deflate: received [0-9]+ compressed bytes as [0-9]+$'
expect_match "-d 5: the session's read sizes too" "$err" '-- read [0-9]+ bytes$'
expect_match "-d 5: the clear text still shows" "$err" 'S: \* 1 FETCH \(BODY\[\] \{[0-9]+\}'
expect_match "-d 1: compression is on" "$err" '-- compression \(DEFLATE\) is on'

# --- --compress: at PREAUTH (the stream is pre-authenticated)
run_imapsh --compress --stream "$stream" -c "select INBOX" -c socket
expect_exit "--compress at PREAUTH" 0
expect_line_prefix "--compress: the server's OK" "$out" "OK Begin compression"
expect_line "--compress: select" "$out" "* 12 EXISTS"
expect_match "--compress: socket shows the ratios" "$out" "$RATIO"

# ... then the compress command is refused (it is on already)
run_imapsh --compress --stream "$stream" -c compress
expect_exit "--compress, then compress" 1
expect_contains "--compress, then compress: refused" "$err" \
	"imapsh: -c:1: COMPRESS is already active on this connection"

# ... and again after reconnect
run_imapsh --compress --stream "$stream" -c "select INBOX" -c reconnect -c socket
expect_exit "--compress, reconnect" 0
expect_count "--compress: compressed again after reconnect" 2 "$out" '^OK Begin compression'
expect_count "--compress: selected again after reconnect" 2 "$out" '^\* 12 EXISTS$'
expect_match "--compress, reconnect: socket" "$out" "$RATIO"

# ... from a profile (compress = yes), and compress = no leaves it off
mkdir -p "$HOME/.config/imapsh"
printf '#!/bin/sh\n%s\n' "$stream" >"$T_TMP/server"
chmod +x "$T_TMP/server"
cat >"$HOME/.config/imapsh/config" <<EOF
[zip]
stream = $T_TMP/server
compress = yes
[nozip]
stream = $T_TMP/server
compress = no
EOF
run_imapsh -c socket zip
expect_exit "profile compress = yes" 0
expect_match "profile compress = yes: compressed" "$out" "$RATIO"
run_imapsh -c socket nozip
expect_exit "profile compress = no" 0
expect_no_match "profile compress = no: not compressed" "$out" 'deflate:'
run_imapsh --compress -c socket nozip
expect_exit "--compress over a profile's compress = no" 0
expect_match "the command line wins" "$out" "$RATIO"

# --- -o json: the result and socket are objects (checked against the
# schema by run_imapsh), a refusal too
run_imapsh -o json --stream "$stream" -c compress -c noop -c compress -c socket
expect_exit "-o json" 1
expect_match "-o json: compress's tagged result" "$out" \
	'^\{"version":1,"type":"tagged","tag":"[A-Z0-9]+","status":"OK","text":"Begin compression[^"]*","command":"COMPRESS","line":1\}$'
expect_match "-o json: the refusal" "$out" \
	'^\{"version":1,"type":"error","message":"COMPRESS is already active on this connection","source":"-c","line":3\}$'
expect_match "-o json: socket" "$out" '"type":"socket","description":"[^"]*; deflate: received [0-9]+ bytes compressed'

# --- above TLS, over TCP: --ssl and STARTTLS, with -u's login
have_daemon=yes
PATH=$PATH:/usr/sbin:/sbin command -v dovecot >/dev/null 2>&1 || have_daemon=no
if ! certs_available || [ "$have_daemon" = no ]; then
	echo "# no certtool or no dovecot daemon: the TLS cases are skipped"
else
	dovecot_start_tcp "$dc" --tls || hard_error "could not start dovecot with TLS"
	IMAPSH_PASSWORD=wonderland run_imapsh -d 1 --ssl -p "$DOVECOT_TLS_PORT" --cafile "$DOVECOT_CA" \
		-u alice --compress -c "select INBOX" -c "fetch 1 BODY.PEEK[]" -c tls -c socket localhost
	expect_exit "--ssl -u alice --compress" 0
	expect_line_prefix "--ssl --compress: compressed after the login" "$out" "OK Begin compression"
	expect_line "--ssl --compress: select" "$out" "* 12 EXISTS"
	expect_match "--ssl --compress: the tls command sees TLS under COMPRESS" "$out" '^protocol: TLS1\.[23]$'
	expect_match "--ssl --compress: socket: TLS below, deflate above" "$out" '^tls \(TLS1\.[23], [^)]*\) over tcp'
	expect_match "--ssl --compress: socket: the ratios" "$out" "$RATIO"
	expect_match "--ssl --compress: the login came first" "$err" 'state AUTH'

	run_imapsh --starttls -p "$DOVECOT_PORT" --cafile "$DOVECOT_CA" -c "login alice wonderland" \
		-c compress -c "examine INBOX" -c tls -c socket localhost
	expect_exit "--starttls, login, compress" 0
	expect_line_prefix "--starttls: compress" "$out" "OK Begin compression"
	expect_line "--starttls: examine" "$out" "* 12 EXISTS"
	expect_match "--starttls: tls still answers" "$out" '^protocol: TLS1\.[23]$'
	expect_match "--starttls: socket" "$out" "$RATIO"

	# plain TCP on loopback, a typed login then --compress
	run_imapsh --compress -p "$DOVECOT_PORT" -c "login alice wonderland" -c "select INBOX" -c socket \
		localhost
	expect_exit "TCP: login, --compress" 0
	expect_line_prefix "TCP: compressed after the typed login" "$out" "OK Begin compression"
	expect_match "TCP: socket" "$out" "$RATIO"

	# not offered before login: --compress waits for it; the compress
	# command in NONAUTH is refused locally
	run_imapsh -d 4 -p "$DOVECOT_PORT" -c compress localhost
	expect_exit "TCP: compress before login" 1
	expect_match "compress before login: refused" "$err" '^imapsh: -c:1: .*COMPRESS.*'
	expect_no_match "compress before login: nothing sent" "$err" 'C: [A-Z0-9]+ COMPRESS'
fi

test_done
