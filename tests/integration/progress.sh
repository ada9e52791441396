#!/bin/bash
# tests/integration/progress.sh -- the progress line of big literals
# (shell/progress.h) against Dovecot over the pipe transport.  With
# --progress and stderr to a file: a 3 MB append, and the message fetched
# back (spooled, and to a file with > FILE), each draw a progress line
# ("\r...ESC[K") and erase it ("\rESC[K"), and nothing else is on stderr;
# stdout is as without it.  Without --progress a script draws nothing, and
# a small literal never does.  A connection lost in the middle of a
# literal erases the line before the error is printed.
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

CR=$'\r'
ERASE=$'\r\033[K'
# line TEXT: the bytes that draw TEXT as the progress line
line() {
	printf '\r%s\033[K' "$1"
}
# strip_progress TEXT: TEXT without the progress lines and their erasures
strip_progress() {
	printf '%s' "$1" | sed $'s/\r[^\r\033]*\033\\[K//g'
}
# expect_progress WHAT LABEL: $err has LABEL's first line, ends erased, and
# has nothing else
expect_progress() {
	expect_contains "$1: the line is drawn" "$err" "$(line "$2: 0 bytes / 3.0 MB  0%")"
	case $err in
	*"$ERASE") ok "$1: the line is erased at the end" ;;
	*) not_ok "$1: the line is erased at the end" "$(printf '%s' "$err" | tail -c 200 | od -c)" ;;
	esac
	expect_eq "$1: nothing else on stderr" "" "$(strip_progress "$err")"
	expect_not_contains "$1: nothing on stdout" "$out" "$CR"
}

# exactly 3 MiB (the file's line ends are CRLF already: sent as it is)
awk 'BEGIN { printf "Subject: big\r\n\r\n"; for (i = 0; i < 49152; i++) printf "%062d\r\n", i }' |
	head -c 3145728 >"$F/big.eml"
printf 'Subject: small\r\n\r\nsmall\r\n' >"$F/small.eml"

# --- append
run_imapsh --progress --stream "$stream" -c "create P" -c "append P @$F/big.eml"
expect_exit "append 3 MB" 0
expect_match "append 3 MB: stored" "$out" '^OK \[APPENDUID [0-9]+ 1\] Append completed'
expect_progress "append 3 MB" "append"

# --- fetch: spooled, then to a file
run_imapsh --progress --stream "$stream" -c "select P" -c "fetch 1 BODY.PEEK[]"
expect_exit "fetch 3 MB" 0
expect_contains "fetch 3 MB: the message on stdout" "$out" "Subject: big"
expect_progress "fetch 3 MB" "fetch 1 BODY[]"
spooled_fetch=$(printf '%s\n' "$out" | sed -n '/^\* 1 FETCH/,/^OK /p' | sed '$d')

run_imapsh --progress --stream "$stream" -c "select P" -c "fetch 1 BODY.PEEK[] > $F/got"
expect_exit "fetch 3 MB > FILE" 0
expect_progress "fetch 3 MB > FILE" "fetch 1 BODY[]"
if cmp -s "$F/big.eml" "$F/got"; then
	ok "fetch 3 MB > FILE: byte for byte"
else
	not_ok "fetch 3 MB > FILE: byte for byte" "$(cmp "$F/big.eml" "$F/got" 2>&1)"
fi

# --- without --progress a script shows nothing; stdout is the same (but
# for the timings in the OK)
run_imapsh --stream "$stream" -c "select P" -c "fetch 1 BODY.PEEK[]"
expect_exit "no --progress: fetch" 0
expect_eq "no --progress: fetch: nothing on stderr" "" "$err"
expect_eq "no --progress: the same fetch output" "$spooled_fetch" \
	"$(printf '%s\n' "$out" | sed -n '/^\* 1 FETCH/,/^OK /p' | sed '$d')"
run_imapsh --stream "$stream" -c "append P @$F/big.eml"
expect_exit "no --progress: append" 0
expect_eq "no --progress: append: nothing on stderr" "" "$err"

# --- a small literal shows nothing
run_imapsh --progress --stream "$stream" -c "append P @$F/small.eml" -c "select P" \
	-c "fetch 3 BODY.PEEK[]"
expect_exit "small literals" 0
expect_contains "small literals: fetched" "$out" "small"
expect_eq "small literals: nothing on stderr" "" "$err"

# --- the connection lost in the middle of a literal: the line is erased,
# then the error is printed on a line of its own
if [ -n "$PYTHON3" ]; then
	cat >"$T_TMP/cut.py" <<'EOF'
import sys
r, w = sys.stdin.buffer, sys.stdout.buffer
w.write(b"* PREAUTH [CAPABILITY IMAP4rev1] cut\r\n")
w.flush()
for line in r:
    tag = line.split(b" ", 1)[0]
    if b" FETCH " in line.upper():
        w.write(b"* 1 FETCH (BODY[] {3145728}\r\n" + b"a" * 1048576)
        w.flush()
        sys.exit(0)
    w.write(tag + b" OK done\r\n")
    w.flush()
EOF
	run_imapsh --progress --stream "$PYTHON3 $T_TMP/cut.py" -c "select INBOX" -c "fetch 1 BODY[]"
	expect_exit "cut off" 2
	expect_contains "cut off: the line is drawn" "$err" "$(line "fetch 1 BODY[]: 0 bytes / 3.0 MB  0%")"
	case $err in
	*"$ERASE"imapsh:*) ok "cut off: erased before the error" ;;
	*) not_ok "cut off: erased before the error" "$(printf '%s' "$err" | od -c | tail -n 8)" ;;
	esac
	expect_match "cut off: the error alone" "$(strip_progress "$err")" \
		'^imapsh: (-c:2|line 2): connection lost'
	expect_count "cut off: one line on stderr" 1 "$(strip_progress "$err")" '.'
fi

test_done
