#!/bin/bash
# tests/integration/append.sh -- append @FILE against Dovecot over the pipe
# transport: files that end in LF, CRLF, a lone CR or no line break at all
# (a 1-byte file too, and big ones) arrive byte for byte as imaplib's
# MapCRLF makes them (every CR, LF and CRLF a CRLF), and the session goes
# on; a message with a NUL byte goes as a literal8 (RFC 3516; Dovecot
# offers BINARY) and FETCH BINARY.PEEK[] gives the same bytes back.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test
F=$T_TMP/files
mkdir "$F"

# --- line ends: NAME, the file (printf format), what the server must store
cases=(
	"one-byte|x|x"
	"no-line-break|Subject: a\n\nno end|Subject: a\r\n\r\nno end"
	"lf|Subject: a\n\nbody\n|Subject: a\r\n\r\nbody\r\n"
	"crlf|Subject: a\r\n\r\nbody\r\n|Subject: a\r\n\r\nbody\r\n"
	"lone-cr|Subject: a\r\rbody\r|Subject: a\r\n\r\nbody\r\n"
	"mixed|Subject: a\r\n\nb\rc\n\rd|Subject: a\r\n\r\nb\r\nc\r\n\r\nd"
	"cr-then-crlf|Subject: a\r\r\n\r\nz\r|Subject: a\r\n\r\n\r\nz\r\n"
)
names=()
for c in "${cases[@]}"; do
	IFS='|' read -r name file want <<<"$c"
	# shellcheck disable=SC2059 # the formats are the test data
	printf "$file" >"$F/$name"
	# shellcheck disable=SC2059
	printf "$want" >"$F/$name.want"
	names+=("$name")
done
# big ones, past the 32 KiB read and 64 KiB send chunks: LF lines without a
# final line break, and CRLF lines (sent as they are)
awk 'BEGIN { printf "Subject: big\n\n"; for (i = 0; i < 9000; i++) printf "line %d of a big message\n", i; printf "no end" }' >"$F/big-lf"
awk 'BEGIN { printf "Subject: big\r\n\r\n"; for (i = 0; i < 9000; i++) printf "line %d of a big message\r\n", i; printf "no end" }' >"$F/big-lf.want"
cp "$F/big-lf.want" "$F/big-crlf"
cp "$F/big-lf.want" "$F/big-crlf.want"
names+=(big-lf big-crlf)

# one run per file, each into a mailbox of its own, so one failure does not
# hide the others
for name in "${names[@]}"; do
	run_imapsh --stream "$stream" -c "create A.$name" -c "append A.$name @$F/$name" \
		-c "select A.$name" -c "fetch 1 BODY.PEEK[] > $F/$name.got"
	expect_exit "append $name" 0
	expect_eq "append $name: nothing on stderr" "" "$err"
	expect_match "append $name: stored" "$out" '^OK \[APPENDUID [0-9]+ 1\] Append completed'
	if cmp -s "$F/$name.want" "$F/$name.got"; then
		ok "append $name: byte for byte"
	else
		not_ok "append $name: byte for byte" \
			"want: $(od -c "$F/$name.want" | head -n 5)" \
			"got:  $(od -c "$F/$name.got" 2>&1 | head -n 5)"
	fi
done

# --- a NUL byte: literal8 (Dovecot offers BINARY), the bytes come back
printf 'Subject: nul\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\nab\0cd\0\r\n' >"$F/nul.eml"
size=$(wc -c <"$F/nul.eml")
run_imapsh -d 4 --stream "$stream" -c "create Nul" -c "append Nul @$F/nul.eml" -c "select Nul" \
	-c "fetch 1 BINARY.PEEK[] > $F/nul.got" -c "fetch 1 BODY.PEEK[] > $F/nul.body"
expect_exit "append a message with NUL bytes" 0
expect_contains "sent as a literal8" "$out$err" "APPEND Nul ~{$size+}"
expect_match "stored" "$out" '^OK \[APPENDUID [0-9]+ [0-9]+\] Append completed'
if cmp -s "$F/nul.eml" "$F/nul.got"; then
	ok "NUL message: BINARY.PEEK[] gives the bytes back"
else
	not_ok "NUL message: BINARY.PEEK[] gives the bytes back" \
		"want: $(od -c "$F/nul.eml" | tail -n 4)" "got:  $(od -c "$F/nul.got" 2>&1 | tail -n 4)"
fi
# Dovecot shows a NUL that came in a plain {n} literal as 0x80 in BODY[];
# after a literal8 it knows the part is binary and re-encodes it instead
if LC_ALL=C grep -q $'\x80' "$F/nul.body"; then
	not_ok "NUL message: BODY.PEEK[] has no 0x80 for the NUL" "$(od -c "$F/nul.body" | tail -n 4)"
else
	ok "NUL message: BODY.PEEK[] has no 0x80 for the NUL"
fi

# --- @-: the message from standard input (the commands given with -c),
# once a run, next to a quoted one in a MULTIAPPEND; refused when the
# commands themselves come from standard input
printf 'Subject: piped\n\nfrom a pipe\n' >"$F/piped"
printf 'Subject: piped\r\n\r\nfrom a pipe\r\n' >"$F/piped.want"
RUN_STDIN=$F/piped run_imapsh --stream "$stream" -c "create Std" -c 'append Std @- (\Seen) "Subject: two"' \
	-c "select Std" -c "fetch 1 BODY.PEEK[] > $F/piped.got" -c "fetch 2 FLAGS"
expect_exit "append @- with -c" 0
if cmp -s "$F/piped.want" "$F/piped.got"; then
	ok "@-: the bytes of standard input, line ends made CRLF"
else
	not_ok "@-: the bytes of standard input, line ends made CRLF" "$(od -c "$F/piped.got" 2>&1 | head -n 4)"
fi
expect_match "... and the second message with its flag" "$out" '^\* 2 FETCH +\\Seen'
RUN_STDIN=$F/piped run_imapsh --stream "$stream" -c 'append Std @-' -c 'append Std @-'
expect_exit "a second @- in the same run" 1
expect_contains "... is refused" "$err" "standard input was read already: one @- a run"
printf 'append Std @-\n' >"$F/cmds"
RUN_STDIN=$F/cmds run_imapsh --stream "$stream"
expect_exit "@- while the commands come from standard input" 1
expect_contains "... is refused, saying why" "$err" "@- reads the message from standard input, which carries the commands here"

test_done
