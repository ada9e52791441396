#!/bin/bash
# tests/integration/pipeline.sh -- scripts pipeline what RFC 9051 5.5
# allows: against Dovecot over the pipe transport, the pipelined run
# gives the same responses and exit status as --no-pipeline, results
# in command order, and the trace shows commands sent before answers.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test

# read-only commands, so both runs see the same mailbox
{
	echo "select INBOX"
	for i in $(seq 1 12); do
		echo "fetch $i (UID FLAGS RFC822.SIZE)"
		echo "uid search UID $i"
		echo "status INBOX (MESSAGES UNSEEN)"
		echo "noop"
	done
	echo "fetch 99 (FLAGS)"
	echo "list \"\" *"
	echo "uid fetch 1:* (FLAGS)"
	echo "logout"
} >"$T_TMP/script"
# result lines without Dovecot's timings, and without the wire form of a
# decoded name that -d adds
strip() { sed -e 's/ ([0-9.+ ]* secs)//' -e 's/(0.000 + 0.000 secs)//' -e 's/  (wire: [^)]*)$//'; }

run_imapsh -d 4 --stream "$stream" -f "$T_TMP/script"
expect_exit "pipelined script (one BAD)" 1
piped_out=$(printf '%s\n' "$out" | strip)
piped_err=$err
run_imapsh --no-pipeline --stream "$stream" -f "$T_TMP/script"
expect_exit "the same with --no-pipeline" 1
plain_out=$(printf '%s\n' "$out" | strip)

# lock-step output: each command's data just before its result, as if
# nothing were pipelined
expect_eq "same output, line for line, as --no-pipeline" "$plain_out" "$piped_out"
expect_eq "same results, in command order" \
	"$(printf '%s\n' "$plain_out" | grep -v '^\*')" \
	"$(printf '%s\n' "$piped_out" | grep -v '^\*')"
expect_match "the failure names its line" "$piped_err" \
	'imapsh: .*:50: FETCH failed: BAD .*Invalid messageset'

# -o json: each result names its command and script line, in line order
run_imapsh -o json --stream "$stream" -f "$T_TMP/script"
expect_exit "pipelined script, -o json" 1
got=$(printf '%s\n' "$out" | grep '^{"version":1,"type":"tagged"' |
	sed -E 's/.*"command":"([A-Z ]+)","line":([0-9]+)\}$/\2 \1/')
want=$({
	echo "1 SELECT"
	for i in $(seq 1 12); do
		n=$((2 + (i - 1) * 4))
		printf '%d FETCH\n%d UID SEARCH\n%d STATUS\n%d NOOP\n' $n $((n + 1)) $((n + 2)) $((n + 3))
	done
	printf '50 FETCH\n51 LIST\n52 UID FETCH\n53 LOGOUT\n'
})
expect_eq "-o json: results carry command and line, in order" "$want" "$got"
# ... and so does the data, in script order: fetch N's FETCH on fetch N's
# line, STATUS on status's
res=$(printf '%s\n' "$out" | "$PYTHON3" -c '
import json, sys
objs = [json.loads(l) for l in sys.stdin if l.strip()]
last = 0
for o in objs:
    if o["type"] == "greeting":
        continue
    assert "line" in o, o
    assert o["line"] >= last, ("out of order", o)
    last = o["line"]
    if o["type"] == "fetch" and o["command"] == "FETCH":
        assert o["line"] == 2 + (o["seq"] - 1) * 4, o
    if o["type"] == "status":
        assert o["command"] == "STATUS" and (o["line"] - 4) % 4 == 0, o
    if o["type"] == "search":
        assert o["command"] == "UID SEARCH" and o["ids"] == [(o["line"] - 3) // 4 + 1], o
print("ok")' 2>&1) || true
expect_eq "-o json: data names its command and line, in script order" "ok" "$res"
# pipelined: after SELECT, the first fetch and the next commands all go
# out before the first answer comes back
first_c=$(printf '%s\n' "$piped_err" | grep -n 'C: [A-P]* *[A-P]*[0-9]* FETCH 1 (UID' | head -n 1 | cut -d: -f1)
next_s=$(printf '%s\n' "$piped_err" | awk -v from="$first_c" 'NR > from && /S: /{print NR; exit}')
sent_between=$(printf '%s\n' "$piped_err" | sed -n "${first_c},${next_s}p" | grep -c ' C: ' || true)
if [ "${sent_between:-0}" -ge 4 ]; then
	ok "commands were pipelined ($sent_between sent before the first answer)"
else
	not_ok "commands were pipelined (only ${sent_between:-0} sent before the first answer)"
fi

# --no-pipeline: strictly one at a time
run_imapsh -d 4 --no-pipeline --stream "$stream" -f "$T_TMP/script"
lockstep=$(printf '%s\n' "$err" | grep -E ' (C|S): ' | awk '
	/ C: / { if (pending) bad = 1; pending = 1 }
	/ S: [A-P]+[0-9]+ / { pending = 0 }
	END { print bad ? "interleaved" : "lock-step" }')
expect_eq "--no-pipeline waits for each result" "lock-step" "$lockstep"

# --stop-on-error does not pipeline: nothing after the failure is sent
printf 'select INBOX\nfetch 99 (FLAGS)\nfetch 1 (FLAGS)\n' >"$T_TMP/stop"
run_imapsh -d 4 --stop-on-error --stream "$stream" -f "$T_TMP/stop"
expect_exit "--stop-on-error" 1
expect_not_contains "--stop-on-error: nothing sent after the failure" "$err" "FETCH 1 (FLAGS)"

test_done
