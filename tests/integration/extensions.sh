#!/bin/bash
# tests/integration/extensions.sh -- the extensions Dovecot 2.3 offers, as
# commands with their parameters, against a real server over the pipe
# transport: CONDSTORE and QRESYNC (select/examine parameters, CHANGEDSINCE,
# UNCHANGEDSINCE and MODIFIED, VANISHED also during IDLE, HIGHESTMODSEQ in
# show), LIST-EXTENDED / LIST-STATUS / SPECIAL-USE, METADATA, LISTRIGHTS,
# ESEARCH and SEARCHRES, PREVIEW / SAVEDATE / STATUS=SIZE; and the
# capability check: what the server does not announce is refused before
# anything is sent, unless --no-capability-check.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test

# run [-o json] LINE...: one imapsh session, each argument a command line
run() {
	local a=()
	if [ "$1" = -o ]; then
		a=(-o "$2")
		shift 2
	fi
	for l in "$@"; do a+=(-c "$l"); done
	run_imapsh --stream "$stream" "${a[@]}"
}

# --- CONDSTORE (RFC 7162 sec. 3.1)
run 'select INBOX (CONDSTORE)' 'show'
expect_exit "select (CONDSTORE)" 0
expect_match "SELECT answers HIGHESTMODSEQ" "$out" '^\* OK \[HIGHESTMODSEQ [0-9]+\]'
hms=$(printf '%s\n' "$out" | sed -n 's/^\* OK \[HIGHESTMODSEQ \([0-9]*\)\].*/\1/p' | head -n 1)
expect_line "show gives the mailbox's HIGHESTMODSEQ" "$out" "highestmodseq $hms"

run 'examine INBOX (CONDSTORE)' "fetch 1:* (FLAGS) (CHANGEDSINCE $hms)"
expect_exit "fetch (CHANGEDSINCE HIGHESTMODSEQ)" 0
expect_not_contains "nothing changed since HIGHESTMODSEQ" "$out" " FETCH "

run 'select INBOX' 'store 1 +FLAGS (\Flagged)' "fetch 1:* (FLAGS) (CHANGEDSINCE $hms)" \
	'store 1 (UNCHANGEDSINCE 1) +FLAGS (\Answered)'
expect_exit "store (UNCHANGEDSINCE 1) on a changed message: NO-less OK with MODIFIED" 0
expect_count "CHANGEDSINCE gives only the changed message" 1 "$out" '^\* [0-9]+ FETCH .*MODSEQ'
expect_line_prefix "the store that failed its test answers MODIFIED" "$out" "OK [MODIFIED 1]"
run -o json 'select INBOX' 'store 1 (UNCHANGEDSINCE 1) -FLAGS (\Flagged)'
expect_contains "-o json: the tagged code MODIFIED, typed" "$out" '"name":"MODIFIED"'

# --- QRESYNC (RFC 7162 sec. 3.2): enable first, then the select parameter
run 'select INBOX (QRESYNC (1700000000 1))'
expect_exit "QRESYNC before enable QRESYNC is refused" 1
expect_contains "... saying what to do" "$err" "needs QRESYNC enabled first: enable QRESYNC"
expect_not_contains "... before anything is sent" "$out" "Select completed"
run 'enable QRESYNC' 'select INBOX (QRESYNC (1700000000 1))' 'show' \
	'store 2 +FLAGS.SILENT (\Deleted)' 'expunge' \
	'uid fetch 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)'
expect_exit "enable QRESYNC, select (QRESYNC ...), expunge, uid fetch (... VANISHED)" 0
expect_line "show says QRESYNC is on" "$out" "QRESYNC enabled (VANISHED instead of EXPUNGE)"
# (the demo mailbox's message 10 is \Deleted already)
expect_match "expunge answers VANISHED, not EXPUNGE" "$out" '^\* VANISHED  2 UIDs expunged: 2 10$'
expect_no_match "... no EXPUNGE" "$out" '^\* [0-9]+ EXPUNGE'
expect_match "uid fetch (CHANGEDSINCE 1 VANISHED) reports it EARLIER" "$out" '^\* VANISHED  2 UIDs expunged earlier: 2 10$'
run -o json 'enable QRESYNC' 'select INBOX (QRESYNC (1700000000 1 1:20))'
expect_exit "-o json select (QRESYNC (uidvalidity modseq known-uids))" 0
expect_contains "-o json: VANISHED (EARLIER) typed" "$out" '"type":"vanished"'
run 'select INBOX' 'uid fetch 1:* FLAGS (CHANGEDSINCE 1 VANISHED)'
expect_exit "VANISHED without QRESYNC enabled is refused" 1
expect_contains "... naming what to do" "$err" "VANISHED needs QRESYNC enabled first"

# VANISHED during IDLE: a second session expunges while this one idles
run_imapsh --stream "$stream" -c 'create Idle' -c 'append Idle "Subject: a\n\nx"' \
	-c 'append Idle "Subject: b\n\ny"'
(
	sleep 1.5
	"$IMAPSH" --stream "$stream" -c 'select Idle' -c 'store 1 +FLAGS.SILENT (\Deleted)' \
		-c 'expunge' >/dev/null 2>&1
) &
run 'enable QRESYNC' 'select Idle' 'idle 4'
wait
expect_exit "idle with QRESYNC while another session expunges" 0
expect_match "VANISHED arrives during IDLE" "$out" '^\* VANISHED  1 UID expunged: 1$'

# --- NOTIFY (RFC 5465): events during IDLE, and at the prompt (a pty),
# sent by another session once this one has set NOTIFY
run_imapsh --stream "$stream" -c 'create Note'
(
	sleep 1.5
	"$IMAPSH" --stream "$stream" -c 'append Note "Subject: n1"' -c 'append INBOX "Subject: n2"' \
		>/dev/null 2>&1
) &
run 'select Note' 'notify set status (selected (MessageNew (UID) MessageExpunge)) (personal (MessageNew MessageExpunge))' \
	'idle 4'
wait
expect_exit "notify set, then idle while another session appends" 0
expect_match "the new message in the selected mailbox, with its UID" "$out" '^\* 1 FETCH +UID 1$'
expect_match "the STATUS of INBOX (personal MessageNew)" "$out" '^\* STATUS +INBOX +[0-9]+ messages.*\(unsolicited\)$'
(
	for _ in $(seq 100); do [ -e "$T_TMP/notify-set" ] && break; sleep 0.1; done
	# Dovecot 2.3 watches the mailbox a moment after NOTIFY is answered
	sleep 1
	"$IMAPSH" --stream "$stream" -c 'append Note "Subject: n3"' >/dev/null 2>&1
) &
rc=0
printf '%s\n' 'expect \]> ' 'send select Note\r' 'expect Select completed' \
	'send notify set (selected (MessageNew (UID) MessageExpunge))\r' 'expect NOTIFY completed' \
	"touch $T_TMP/notify-set" 'expect UID 2' 'send quit\r' |
	"$PYTHON3" "$SRCDIR/tests/lib/ptyrun.py" "$T_TMP/notify.out" 30 "$IMAPSH" --stream "$stream" || rc=$?
wait
expect_exit "at the prompt: an event from another session" 0 "$rc"
expect_match "... printed as it arrives, before anything is typed" "$(tr -d '\r' <"$T_TMP/notify.out")" '^\* 2 FETCH +UID 2'
run 'notify none'
expect_exit "notify none" 0

# --- LIST-EXTENDED, LIST-STATUS, SPECIAL-USE (RFC 5258, 5819, 6154)
run 'list "" * RETURN (SPECIAL-USE STATUS (MESSAGES))'
expect_exit "list RETURN (SPECIAL-USE STATUS (MESSAGES))" 0
expect_match "special use returned" "$out" '^\* LIST +Sent +\. +.*\\Sent'
expect_match "status returned with the list" "$out" '^\* STATUS +Sent +2 messages'
run 'list (SPECIAL-USE) "" *'
expect_match "(SPECIAL-USE) selects \\Drafts" "$out" '^\* LIST +Drafts'
expect_not_contains "(SPECIAL-USE) leaves INBOX out" "$out" "INBOX"
run 'list "" INBOX Sent Trash'
expect_count "several patterns: three mailboxes" 3 "$out" '^\* LIST '
run 'list (SUBSCRIBED RECURSIVEMATCH) "" %' 'list (RECURSIVEMATCH) "" *'
expect_exit "RECURSIVEMATCH alone is refused" 1
expect_contains "... saying why" "$err" "RECURSIVEMATCH goes only with another selection option"
run -o json 'list "" * RETURN (CHILDREN STATUS (MESSAGES UNSEEN))'
expect_exit "-o json list RETURN (CHILDREN STATUS ...)" 0
expect_contains "-o json: status items with the list" "$out" '"type":"status"'

# --- METADATA (RFC 5464)
run 'setmetadata INBOX /private/comment "hello world" /shared/comment "for all"' \
	'getmetadata INBOX /private/comment /shared/comment' \
	'setmetadata INBOX /private/comment NIL' 'getmetadata INBOX /private/comment' \
	'getmetadata (DEPTH infinity) INBOX /shared'
expect_exit "setmetadata, getmetadata, NIL removes" 0
expect_line "entries shown as a table: the mailbox" "$out" '* METADATA  INBOX'
expect_line "... the first entry and its value" "$out" '  /private/comment   hello world'
expect_line "... the second" "$out" '  /shared/comment    for all'
expect_line "NIL removed it" "$out" '  /private/comment   (not set)'
expect_count "DEPTH infinity finds the shared one again" 2 "$out" '^  /shared/comment +for all$'
run 'getmetadata INBOX comment'
expect_exit "an entry name without /private or /shared" 1
expect_contains "... is refused" "$err" "is not an entry name"
run -o json 'getmetadata INBOX /shared/comment'
expect_contains "-o json metadata" "$out" '"type":"metadata"'

# --- ACL (RFC 4314), ESEARCH / SEARCHRES (RFC 4731, 5182)
run 'listrights INBOX anyone'
expect_exit "listrights" 0
expect_match "LISTRIGHTS shown" "$out" '^\* LISTRIGHTS  INBOX  anyone  always: none  may be given: l r w'
run 'select INBOX' 'search RETURN (MIN MAX COUNT) ALL' 'search RETURN (SAVE) FLAGGED' 'fetch $ (FLAGS)'
expect_exit "search RETURN (MIN MAX COUNT), RETURN (SAVE), fetch \$" 0
expect_match "ESEARCH answer" "$out" '^\* ESEARCH +[0-9]+ matches +min 1'
expect_match "the saved result fetched" "$out" '^\* [0-9]+ FETCH +\\Flagged'

# --- MULTIAPPEND (RFC 3502): two files in one APPEND, each with its flags
printf 'Subject: one\n\nfirst\n' >"$T_TMP/m1"
printf 'Subject: two\n\nsecond\n' >"$T_TMP/m2"
run -o json 'create Multi' "append Multi @$T_TMP/m1 (\Seen) @$T_TMP/m2" 'select Multi' \
	'fetch 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])'
expect_exit "append MAILBOX @FILE FLAGS @FILE" 0
expect_match "one APPENDUID for both" "$out" '"name":"APPENDUID".*"uids":"1:2"|APPENDUID [0-9]+ 1:2'
expect_match "the first without \\Seen" "$out" '"seq":1,"flags":\["\\\\Recent"\]'
expect_match "the second with it" "$out" '"seq":2,"flags":\["\\\\Seen",'
expect_contains "both messages there" "$out" "Subject: two"

# --- CATENATE (RFC 4469): a message put together from a part of one the
# server has (URL) and a file (TEXT)
printf 'A new body.\r\n' >"$T_TMP/body"
run 'create Cat' \
	'append Cat (\Seen) CATENATE URL "/INBOX;UIDVALIDITY=1700000000/;UID=1/;SECTION=HEADER" TEXT @'"$T_TMP/body" \
	'select Cat' 'fetch 1 (FLAGS BODY.PEEK[])'
expect_exit "append CATENATE URL ... TEXT @FILE" 0
expect_line "the header came from INBOX's first message" "$out" "Subject: Welcome to imapsh"
expect_line "the body from the file" "$out" "A new body."
expect_match "the flags given" "$out" '^\* 1 FETCH +\\Seen'

# --- PREVIEW, SAVEDATE, STATUS=SIZE
run 'select INBOX' 'fetch 1 (PREVIEW SAVEDATE)' 'status Sent (SIZE MESSAGES)'
expect_exit "fetch PREVIEW SAVEDATE, status SIZE" 0
expect_match "PREVIEW shown" "$out" '^ +Preview +Hello Alice'
expect_match "SAVEDATE shown" "$out" 'saved [0-9]{4}-'
expect_match "STATUS SIZE shown" "$out" '^\* STATUS +Sent +2 messages, [0-9.]+ (bytes|[KMG]B)$'

# --- the capability check, and --no-capability-check
run 'unauthenticate'
expect_exit "a command the server does not announce" 1
expect_contains "... is refused naming the capability" "$err" \
	"unauthenticate needs the server capability UNAUTHENTICATE, which this server does not announce"
run 'create Arch (USE (\Archive))'
expect_exit "a parameter the server does not announce" 1
expect_contains "... is refused naming it" "$err" "(USE ...) needs the server capability CREATE-SPECIAL-USE"
run 'select INBOX' 'fetch 1 (EMAILID)' 'thread FOO ALL'
expect_contains "a fetch item of an extension not announced" "$err" "the fetch item EMAILID needs the server capability OBJECTID"
expect_contains "a threading algorithm not announced" "$err" "capability THREAD=FOO"
run_imapsh --no-capability-check -d 4 --stream "$stream" -c 'unauthenticate'
expect_exit "--no-capability-check sends it; Dovecot 2.3 answers BAD" 1
expect_match "... it went out" "$err" 'UNAUTHENTICATE'
expect_match "... the server judged it" "$out$err" 'BAD'

# --- help knows the server
run 'help select' 'help unauthenticate'
expect_contains "help shows the parameter forms" "$out" "select MAILBOX (QRESYNC (UIDVALIDITY MODSEQ"
expect_contains "... the RFC" "$out" "defined in: RFC 9051 6.3.2; 7162 CONDSTORE/QRESYNC"
expect_contains "... an example" "$out" "example: select INBOX (CONDSTORE)"
expect_contains "... whether this server has it" "$out" "this server: does not offer UNAUTHENTICATE"
run -o json 'help getmetadata'
expect_contains "-o json help: rfc, forms, example" "$out" '"rfc":"RFC 5464'

test_done
