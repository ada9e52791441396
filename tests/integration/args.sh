#!/bin/bash
# tests/integration/args.sh -- what the user types reaches Dovecot as
# meant: '#' inside a line is data (RFC 2342 namespaces such as #news.),
# search and sort with RETURN (RFC 4731 ESEARCH, RFC 5267 ESORT) put
# RETURN before CHARSET, idle takes only plain decimal seconds (idle nan
# once hung), and numbers are bounded as the grammar bounds them.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test

# --- '#' starts a comment only as the first non-blank of a line
cat >"$T_TMP/hash.imapsh" <<'EOF'
# a comment
  # an indented comment
list "" #news.*
subscribe #news.comp.mail.mime
EOF
run_imapsh -d 4 --stream "$stream" -f "$T_TMP/hash.imapsh"
expect_match "list: the #news.* pattern is sent" "$out$err" 'C: [^ ]+ LIST "" "?#news\.\*"?$'
expect_count "list: no mailbox matches #news.*" 0 "$out" '^\* LIST'
expect_contains "subscribe: the #news. name is sent" "$out$err" 'SUBSCRIBE #news.comp.mail.mime'
expect_not_contains "subscribe: no usage error" "$err" "usage:"
expect_not_contains "comments are not sent" "$out$err" "a comment"

# --- search and sort with RETURN: RETURN first, then CHARSET (Dovecot
# answers BAD to CHARSET before RETURN)
run_imapsh -d 4 --stream "$stream" -c "select INBOX" \
	-c "search UTF-8 RETURN (MIN MAX) UNSEEN" \
	-c "search RETURN (COUNT) US-ASCII ALL" \
	-c "sort (DATE) UTF-8 RETURN (COUNT) ALL" \
	-c "uid search UTF-8 RETURN (MIN) ALL" \
	-c "uid sort RETURN (MAX) (ARRIVAL) UTF-8 ALL"
expect_exit "search and sort with RETURN" 0
expect_contains "search: RETURN before CHARSET on the wire" "$out$err" 'SEARCH RETURN (MIN MAX) CHARSET UTF-8 UNSEEN'
expect_match "search: ESEARCH MIN MAX" "$out" '^\* ESEARCH  min [0-9]+  max [0-9]+(  \(tag [^)]+\))?$'
expect_match "search: ESEARCH COUNT" "$out" '^\* ESEARCH  12 matches(  \(tag [^)]+\))?$'
expect_contains "sort: RETURN before the criteria" "$out$err" 'SORT RETURN (COUNT) (DATE) UTF-8 ALL'
expect_count "sort and search: two COUNT 12 answers" 2 "$out" '^\* ESEARCH  12 matches(  \(tag [^)]+\))?$'
expect_match "uid search: ESEARCH UID MIN" "$out" '^\* ESEARCH  UIDs  min 1(  \(tag [^)]+\))?$'
expect_match "uid sort: ESEARCH UID MAX" "$out" '^\* ESEARCH  UIDs  max 12(  \(tag [^)]+\))?$'
expect_count "no BAD" 0 "$out$err" 'BAD'

# --- idle SECONDS: strict decimal; nan, inf, hex and exponents refused
# at once (idle nan once waited forever)
for secs in nan inf -1 0 0x10 1e3 86401; do
	RUN_TIMEOUT=10 run_imapsh --stream "$stream" -c "idle $secs"
	expect_exit "idle $secs refused" 1
	expect_contains "idle $secs: the error says why" "$err" \
		"idle: SECONDS must be a decimal number above 0 and at most 86400"
done
run_imapsh -d 4 --stream "$stream" -c "idle 0.3"
expect_exit "idle 0.3" 0
expect_line_prefix "idle 0.3: idled and ended" "$out" "OK Idle completed"

# --- numbers: RFC 9051 number is at most 4294967295 (32 bits)
run_imapsh -d 4 --stream "$stream" -c "select INBOX" -c "partial 1 BODY[] 0 99999999999"
expect_exit "partial with a 35-bit length" 1
expect_contains "partial: refused locally" "$err" \
	'partial: "99999999999" is not a number from 1 to 4294967295'
expect_not_contains "partial: nothing sent" "$out$err" "PARTIAL 1"

# --color: a bad WHEN is a usage error; in a pipe, colour only when asked
run_imapsh --color=sometimes --stream "$stream" -c noop
expect_exit "--color=sometimes" 64
expect_contains "--color=sometimes: says what is allowed" "$err" "--color is auto, always or never"
run_imapsh --stream "$stream" -c noop
expect_not_contains "no colour in a pipe by default" "$out" $'\033['
run_imapsh --color=always --stream "$stream" -c noop
expect_contains "--color=always: colour in a pipe" "$out" $'\033[32mOK\033[m'
run_imapsh --color=always -o json --stream "$stream" -c noop
expect_not_contains "--color=always: never in JSON" "$out" $'\033['

test_done
