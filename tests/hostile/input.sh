#!/bin/bash
# tests/hostile/input.sh -- abusive user input against Dovecot (pipe
# transport): CR, LF and NUL inside arguments (typed in script lines, with
# a real NUL byte, and given with -c $'...'), a 1 MB typed line, deeply
# nested groups, invalid UTF-8 in mailbox names.
#
# The rule checked everywhere: one typed line is at most one IMAP command.
# A line break inside an argument is sent inside a literal or the line is
# refused with a clear local error, a NUL always refused; neither ever ends
# the command early so that the rest becomes a second command.  Each case checks
#   - the bytes imapsh really sent (a relay between imapsh and Dovecot logs
#     them; commands are counted the way a server reads them, literals
#     skipped), and the -d 4 trace (one "C: TAG VERB" line per command);
#   - that the injected "DELETE Trash" did not happen (Trash still exists);
#   - the exit status (0, or 1 for a refused line), a one-line error, and
#     that the lines after a refused one still run.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
skip_unless_python
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
test_tmpdir
on_failure input_diag

dovecot_setup "$T_TMP/dc" || hard_error "dovecot_setup failed"
stream=$(dovecot_stream_cmd "$T_TMP/dc")
WIRE=$T_TMP/wire.log

# shellcheck disable=SC2317 # called by test_done
input_diag() {
	dovecot_log "$T_TMP/dc"
}

# relay.py LOG COMMAND: run COMMAND (sh -c) on pipes, copy bytes both ways,
# append what the client sent to LOG
cat >"$T_TMP/relay.py" <<'EOF'
import os, select, subprocess, sys
log = open(sys.argv[1], "ab")
child = subprocess.Popen(["/bin/sh", "-c", sys.argv[2]], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, bufsize=0)
cin, cout = child.stdin.fileno(), child.stdout.fileno()
reading = True
while True:
    r, _, _ = select.select([cout] + ([0] if reading else []), [], [])
    if 0 in r:
        d = os.read(0, 65536)
        if d:
            log.write(d)
            log.flush()
            try:
                os.write(cin, d)
            except BrokenPipeError:
                reading = False
        else:
            reading = False
            child.stdin.close()
    if cout in r:
        d = os.read(cout, 65536)
        if not d:
            break
        os.write(1, d)
sys.exit(child.wait())
EOF

# verbs.py LOG: the commands in LOG as a server reads them (a line ending
# in {N} or {N+} continues after N bytes of literal): "VERB VERB ..."
cat >"$T_TMP/verbs.py" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
verbs, pos, cmd = [], 0, b""
while pos < len(data):
    end = data.find(b"\n", pos)
    if end < 0:
        cmd += data[pos:]
        verbs.append("PARTIAL")
        break
    line = data[pos:end + 1]
    pos = end + 1
    m = re.search(rb"\{(\d+)\+?\}\r?\n$", line)
    cmd += line
    if m:
        cmd += data[pos:pos + int(m.group(1))]
        pos += int(m.group(1))
        continue
    words = cmd.split(None, 3)
    verb = words[1].upper() if len(words) > 1 else b"?"
    if verb == b"UID" and len(words) > 2:
        verb += b"-" + words[2].upper()
    verbs.append(verb.decode("ascii", "backslashreplace"))
    cmd = b""
print(" ".join(verbs))
EOF
relay="exec $(printf %q "$PYTHON3") $(printf %q "$T_TMP/relay.py") $(printf %q "$WIRE") $(printf %q "$stream")"

# sent WHAT WANT: the verbs of the commands sent since the last run
sent() {
	expect_eq "$1: commands on the wire" "$2" "$("$PYTHON3" "$T_TMP/verbs.py" "$WIRE")"
}

# traced WHAT N: the -d 4 trace (in $err) shows N command lines
traced() {
	expect_count "$1: $2 command lines in the -d 4 trace" "$2" "$err" ' C: [A-P]+[0-9]+ '
}

# trash_intact WHAT: the injected DELETE Trash did not happen
trash_intact() {
	local o=$out e=$err r=$rc
	run_imapsh --stream "$stream" -c "status Trash (MESSAGES)"
	expect_exit "$1: Trash still exists" 0
	out=$o err=$e rc=$r
}

# one WHAT ARGS...: run imapsh with -d 4 over the relay (stdin: $RUN_STDIN)
one() {
	local what=$1
	shift
	: >"$WIRE"
	local t0=$SECONDS
	run_imapsh -d 4 --stream "$relay" "$@"
	T_ELAPSED=$((SECONDS - t0))
	: "$what"
}

INJ='X1 DELETE Trash'

# ---- -c with CR / LF inside a quoted argument: sent as a literal --------
for sep in $'\r\n' $'\n' $'\r'; do
	name="-c quoted $(printf %q "$sep")"
	one "$name" -c "select INBOX" -c "search SUBJECT \"x${sep}${INJ}\"" -c noop
	expect_exit "$name" 0
	sent "$name" "SELECT SEARCH NOOP LOGOUT"
	traced "$name" 4
	expect_match "$name: the argument went as a literal" "$err" ' C: [A-P]+[0-9]+ SEARCH SUBJECT \{[0-9]+\+?\}$'
	trash_intact "$name"
done

# ---- -c with CR / LF inside an atom: refused, the next -c still runs -----
for sep in $'\r\n' $'\n' $'\r'; do
	name="-c atom $(printf %q "$sep")"
	one "$name" -c "select INBOX" -c "search SUBJECT x${sep}${INJ}" -c noop
	expect_exit "$name" 1
	expect_match "$name: one-line error" "$err" '^imapsh: -c:2: .*(line break|not allowed|usage)'
	sent "$name" "SELECT NOOP LOGOUT"
	traced "$name" 3
	trash_intact "$name"
done

# ---- raw with CR / LF: refused ------------------------------------------
for sep in $'\r\n' $'\n'; do
	name="-c raw $(printf %q "$sep")"
	one "$name" -c "raw NOOP${sep}${INJ}" -c noop
	expect_exit "$name" 1
	expect_match "$name: one-line error" "$err" '^imapsh: -c:1: .*(not allowed|line break)'
	sent "$name" "NOOP LOGOUT"
	traced "$name" 2
	trash_intact "$name"
done

# ---- -c with a line break between two commands: not two commands --------
name='-c "noop\r\ndelete Trash"'
one "$name" -c $'noop\r\ndelete Trash'
expect_exit "$name" 1
sent "$name" "LOGOUT"
trash_intact "$name"

# ---- script lines with a real NUL byte (stdin, pipelined) ----------------
# a quoted string with NUL: refused (no IMAP string, quoted or literal, may
# carry NUL: CHAR8 is %x01-ff), never cut at the NUL; the lines after it run
printf 'select INBOX\nsearch SUBJECT "ab\0%s"\nnoop\n' "$INJ" >"$T_TMP/nul-quoted"
name="script: NUL in a quoted string"
RUN_STDIN=$T_TMP/nul-quoted one "$name"
expect_exit "$name" 1
expect_line "$name: one-line error" "$err" \
	'imapsh: line 2: argument 2 contains a NUL byte, which no IMAP string can carry (quoted or literal)'
sent "$name" "SELECT NOOP LOGOUT"
trash_intact "$name"

# an atom with NUL: refused; the lines after it still run
printf 'select INBOX\nsearch SUBJECT ab\0cd\nnoop\nnoop\n' >"$T_TMP/nul-atom"
name="script: NUL in an atom"
RUN_STDIN=$T_TMP/nul-atom one "$name"
expect_exit "$name" 1
expect_match "$name: one-line error" "$err" '^imapsh: line 2: .*NUL'
sent "$name" "SELECT NOOP NOOP LOGOUT"
expect_count "$name: both NOOPs answered" 2 "$out" '^OK NOOP completed'

# the same with -f FILE and --no-pipeline
name="script -f --no-pipeline: NUL in an atom"
one "$name" --no-pipeline -f "$T_TMP/nul-atom"
expect_exit "$name" 1
expect_match "$name: one-line error" "$err" "^imapsh: $T_TMP/nul-atom:2: .*NUL"
sent "$name" "SELECT NOOP NOOP LOGOUT"

# raw with NUL: refused (or sent whole, as typed, which IMAP cannot carry);
# never cut at the NUL
printf 'raw NOOP\0%s\nnoop\n' "$INJ" >"$T_TMP/nul-raw"
name="script: NUL in a raw line"
RUN_STDIN=$T_TMP/nul-raw one "$name"
expect_exit "$name" 1
expect_match "$name: one-line error" "$err" '^imapsh: line 1: .*(NUL|not allowed)'
sent "$name" "NOOP LOGOUT"
expect_no_match "$name: nothing of the line sent" "$err" ' C: [A-P]+[0-9]+ NOOP .*DELETE'
trash_intact "$name"

# a mailbox name with NUL, CR (a script line keeps a lone CR)
printf 'select "Tr\0ash"\nselect "Tr\rash"\nstatus "IN\0BOX" (MESSAGES)\nnoop\n' >"$T_TMP/nul-mailbox"
name="script: NUL and CR in mailbox names"
RUN_STDIN=$T_TMP/nul-mailbox one "$name"
expect_exit "$name" 1
expect_count "$name: one error per line" 3 "$err" '^imapsh: line [123]: (select|status): a mailbox name cannot contain a line break or NUL$'
sent "$name" "NOOP LOGOUT"

# CR inside script lines: a quoted CR goes as a literal, an unquoted one
# is refused, "noop<CR>delete Trash" is not two commands
printf 'select INBOX\nsearch SUBJECT "a\r%s"\nsearch SUBJECT a\r%s\nnoop\rdelete Trash\nnoop\n' "$INJ" "$INJ" >"$T_TMP/cr"
name="script: CR inside lines"
RUN_STDIN=$T_TMP/cr one "$name"
expect_exit "$name" 1
sent "$name" "SELECT SEARCH NOOP LOGOUT"
expect_count "$name: two lines refused" 2 "$err" '^imapsh: line [34]: '
trash_intact "$name"

# ---- a 1 MB typed line ---------------------------------------------------
"$PYTHON3" - "$T_TMP" <<'EOF'
import sys
d, x = sys.argv[1], "y" * 1048576
def w(name, text):
    with open("%s/%s" % (d, name), "w") as fh:
        fh.write(text)
w("big-quoted", 'select INBOX\nsearch SUBJECT "%s"\nnoop\n' % x)
w("big-atom", "select INBOX\nsearch SUBJECT %s\nnoop\n" % x)
w("big-unclosed", 'select INBOX\nsearch SUBJECT "%s\nnoop\n' % x)
w("big-raw", "raw NOOP %s\nnoop\n" % x)
w("big-args", "noop %s\nnoop\n" % " ".join(["a"] * 500000))
w("big-nested", "select INBOX\nfetch 1 %s%s\nnoop\n" % ("(" * 500000, ")" * 500000))
w("big-unbalanced", "select INBOX\nfetch 1 %s\nnoop\n" % ("(" * 500000))
w("big-mailbox", "select %s\nnoop\n" % ("\u00fc" * 524288))
EOF
for f in big-quoted big-atom big-unclosed big-raw big-args big-nested big-unbalanced big-mailbox; do
	name="1 MB line: $f"
	RUN_STDIN=$T_TMP/$f one "$name"
	case $rc in
	0 | 1) ok "$name: exit $rc" ;;
	*) not_ok "$name: exit $rc, want 0 or 1" "$(_t_ctx)" ;;
	esac
	if [ "$T_ELAPSED" -le 10 ]; then
		ok "$name: finished in ${T_ELAPSED}s"
	else
		not_ok "$name: took ${T_ELAPSED}s (limit 10)"
	fi
	expect_match "$name: the line after it ran" "$(printf '%s\n' "$out" | tail -n 1)" '^OK NOOP completed'
	expect_no_match "$name: no multi-line error" "$(printf '%s\n' "$err" | grep -v ' [-CS][-:] ')" '^[^i]'
	got=$("$PYTHON3" "$T_TMP/verbs.py" "$WIRE")
	case " $got " in
	*" PARTIAL "* | *" ? "*) not_ok "$name: a broken command on the wire: $got" ;;
	*) ok "$name: whole commands on the wire ($got)" ;;
	esac
done

# ---- invalid UTF-8 in mailbox names: refused locally ---------------------
printf '%s\n' 'select "Inb\xffox"' 'examine Caf\xe9' 'status Caf\xe9 (MESSAGES)' \
	'create Bad\xc3Name' 'rename Archive Ar\xed\xa0\x80' 'list "" "\xff*"' \
	'subscribe Tr\xc0\xafsh' 'delete \xf8\x88\x80\x80\x80' 'append Sent\xfe "x"' >"$T_TMP/utf8.fmt"
while IFS= read -r l; do
	# shellcheck disable=SC2059
	printf "$l\nnoop\n" >"$T_TMP/utf8"
	name="invalid UTF-8 mailbox: $l"
	RUN_STDIN=$T_TMP/utf8 one "$name"
	expect_exit "$name" 1
	expect_match "$name: clear error" "$err" '^imapsh: line 1: [a-z]+: mailbox name is not valid UTF-8$'
	sent "$name" "NOOP LOGOUT"
done <"$T_TMP/utf8.fmt"
# valid UTF-8 goes out as modified UTF-7
printf 'select Entw\xc3\xbcrfe\n' >"$T_TMP/utf8ok"
name="valid UTF-8 mailbox"
RUN_STDIN=$T_TMP/utf8ok one "$name"
expect_exit "$name" 0
expect_match "$name: sent as modified UTF-7" "$err" ' C: [A-P]+[0-9]+ SELECT "?Entw&APw-rfe"?$'

test_done
