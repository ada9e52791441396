#!/bin/bash
# tests/integration/soak.sh -- a long script against Dovecot (pipe
# transport, the demo mailbox): 100,000 generated commands (select, fetch,
# uid fetch, store, uid store, search, uid search, status, list, noop,
# check, examine ...) through stdin must finish with exit 0, every command
# answered OK, and a flat resident set: VmRSS of the imapsh process is
# sampled every 50 ms; the maximum of the last 10% of the samples may
# exceed the median of the first 10% by less than 1 MB (after a warm-up
# that fills imapsh's bounded store of untagged responses; see below).
#
# The stores toggle a keyword ($Soak) on and off, so the mailbox ends as it
# began (checked).  The run is repeated with --no-pipeline when
# SOAK_NO_PIPELINE=1 or when the pipelined run took under 20 s.
# A sanitizer build runs the same checks but the RSS one (see below).
# Env: SOAK_COMMANDS (100000), SOAK_SEED, SOAK_MAX_GROWTH_KB (1024),
# SOAK_NO_PIPELINE (auto|0|1).
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_quick_off
skip_unless_dovecot
skip_unless_python
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
test_tmpdir
on_failure soak_diag

N=${SOAK_COMMANDS:-100000}
SEED=${SOAK_SEED:-$((RANDOM % 10000 + 1))}
MAX_GROWTH=${SOAK_MAX_GROWTH_KB:-1024}
echo "# imapsh: $IMAPSH"
# ASan's quarantine holds freed memory (up to 256 MB) and its allocator
# keeps what it got: a sanitizer build's RSS says nothing about leaks
# (LeakSanitizer checks those at exit), so its growth is shown, not checked.
SANITIZED=
if grep -qa -e __asan_init -e __ubsan_handle "$IMAPSH"; then
	SANITIZED=1
	echo "# sanitizer build: RSS growth is shown but not checked"
fi
echo "# $N commands, seed $SEED (set SOAK_SEED=$SEED to repeat)"

dovecot_setup "$T_TMP/dc" || hard_error "dovecot_setup failed"
stream=$(dovecot_stream_cmd "$T_TMP/dc")

# shellcheck disable=SC2317 # called by test_done
soak_diag() {
	dovecot_log "$T_TMP/dc"
	[ -f "$T_TMP/err" ] && tail -n 20 "$T_TMP/err" | sed 's/^/# stderr: /'
	return 0
}

# ---- the script ----------------------------------------------------------
"$PYTHON3" - "$T_TMP/script" "$N" "$SEED" <<'EOF'
import random, sys
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
MSGS = 12  # the demo INBOX: sequence numbers = UIDs 1..12
tagged = set()  # messages that carry $Soak now
# Warm-up: imapsh keeps the last 100 untagged responses of each name (as
# imaplib's untagged_responses, bounded).  Fill those rings with the
# largest responses first, so that their filling up over a random mix is
# not taken for growth; a leak of 10 bytes a command still shows as 1 MB.
out = ["select INBOX"]
out += ["fetch 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE "
        "BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)] BODY.PEEK[TEXT]<0.100>)"] * 10
out += ["search ALL", "uid search ALL", "status Archive (MESSAGES UIDNEXT)",
        'list "" "Arch*"', "capability", "namespace", "examine Archive",
        "select INBOX"] * 100

def store():
    m = rng.randint(1, MSGS)
    sign = "-" if m in tagged else "+"
    tagged.symmetric_difference_update({m})
    if rng.random() < 0.5:
        return "store %d %sFLAGS ($Soak)" % (m, sign)
    return "uid store %d %sFLAGS.SILENT ($Soak)" % (m, sign)

simple = [
    (20, lambda: "noop"),
    (12, lambda: "fetch %d (FLAGS UID)" % rng.randint(1, MSGS)),
    (4, lambda: "fetch 1:* (UID FLAGS RFC822.SIZE)"),
    (6, lambda: "uid fetch %d (FLAGS INTERNALDATE)" % rng.randint(1, MSGS)),
    (4, lambda: "fetch %d ENVELOPE" % rng.randint(1, MSGS)),
    (4, lambda: "fetch %d BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]" % rng.randint(1, MSGS)),
    (3, lambda: "fetch %d BODY.PEEK[TEXT]<0.100>" % rng.randint(1, MSGS)),
    (8, store),
    (3, lambda: "search ALL"),
    (3, lambda: "search UNSEEN"),
    (2, lambda: "search FLAGGED"),
    (2, lambda: "search FROM carol"),
    (2, lambda: "search SUBJECT lunch"),
    (3, lambda: "uid search ALL"),
    (4, lambda: "status Archive (MESSAGES UIDNEXT)"),
    (2, lambda: 'list "" "Arch*"'),
    (1, lambda: "check"),
    (1, lambda: "capability"),
    (1, lambda: "namespace"),
]
weights = [w for w, _ in simple]
makers = [f for _, f in simple]
# the end: clear what is left tagged, check the end state (2 commands)
while len(out) + 3 + 2 + len(tagged) < n:
    r = rng.random()
    if r < 0.0005:
        out += ["examine Archive", "fetch 1:* (FLAGS)", "select INBOX"]
    elif r < 0.001:
        out.append("select INBOX")
    else:
        out.append(rng.choices(makers, weights)[0]())
while len(out) + 2 + len(tagged) < n:
    out.append("noop")
for m in sorted(tagged):
    out.append("store %d -FLAGS.SILENT ($Soak)" % m)
out.append("search KEYWORD $Soak")
out.append("status INBOX (MESSAGES UIDNEXT)")
with open(path, "w") as fh:
    fh.write("\n".join(out) + "\n")
print("# script: %d commands" % len(out))
EOF
ncmd=$(grep -c . "$T_TMP/script")

# ---- the sampler ---------------------------------------------------------
# soak.py OUT ERR STDIN ARGV...: run imapsh, sample VmRSS every 50 ms;
# prints "rc SECONDS SAMPLES FIRST_MEDIAN_KB LAST_MAX_KB PEAK_KB"
cat >"$T_TMP/soak.py" <<'EOF'
import statistics, subprocess, sys, time
out, err, stdin, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
t0 = time.monotonic()
with open(stdin, "rb") as i, open(out, "wb") as o, open(err, "wb") as e:
    p = subprocess.Popen(argv, stdin=i, stdout=o, stderr=e)
samples = []
path = "/proc/%d/status" % p.pid
while p.poll() is None:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    samples.append(int(line.split()[1]))
                    break
    except OSError:
        pass
    time.sleep(0.05)
rc = p.wait()
secs = time.monotonic() - t0
k = max(1, len(samples) // 10)
first = statistics.median(samples[:k]) if samples else 0
last = max(samples[-k:]) if samples else 0
peak = max(samples) if samples else 0
print("%d %.2f %d %d %d %d" % (rc, secs, len(samples), first, last, peak))
EOF

# soak NAME ARGS...: one run, checked
soak() {
	local name=$1 res rc secs nsamp first last peak okn
	shift
	res=$("$PYTHON3" "$T_TMP/soak.py" "$T_TMP/out" "$T_TMP/err" "$T_TMP/script" \
		"$IMAPSH" --stream "$stream" "$@")
	read -r rc secs nsamp first last peak <<<"$res"
	echo "# $name: $ncmd commands in $secs s; VmRSS: first 10% median $first kB, last 10% max $last kB, growth $((last - first)) kB, peak $peak kB ($nsamp samples)"
	SOAK_SECS=${secs%.*}
	expect_exit "$name" 0 "$rc"
	if grep -qE 'Sanitizer|runtime error:' "$T_TMP/err"; then
		not_ok "$name: no sanitizer report" "$(grep -E -A8 'Sanitizer|runtime error:' "$T_TMP/err" | head -n 20)"
	fi
	okn=$(grep -c '^OK ' "$T_TMP/out" || true)
	expect_eq "$name: every command answered OK" "$ncmd" "$okn"
	expect_eq "$name: no NO or BAD result" 0 "$(grep -cE '^(NO|BAD) ' "$T_TMP/out" || true)"
	expect_eq "$name: nothing on stderr" "" "$(head -c 2000 "$T_TMP/err")"
	expect_eq "$name: \$Soak cleared at the end" "* SEARCH  no matches" \
		"$(grep -E '^\* SEARCH' "$T_TMP/out" | tail -n 1)"
	expect_line "$name: INBOX as it was" "$(tail -n 3 "$T_TMP/out")" \
		"* STATUS  INBOX  12 messages, UIDNEXT 13"
	if [ -n "$SANITIZED" ]; then
		ok "$name: flat RSS # SKIP sanitizer build (grew $((last - first)) kB)"
	elif [ "$nsamp" -lt 20 ]; then
		not_ok "$name: enough RSS samples ($nsamp, want 20 or more)"
	elif [ $((last - first)) -lt "$MAX_GROWTH" ]; then
		ok "$name: flat RSS (growth $((last - first)) kB < $MAX_GROWTH kB)"
	else
		not_ok "$name: flat RSS" "first 10% median $first kB, last 10% max $last kB: grew $((last - first)) kB (limit $MAX_GROWTH kB)"
	fi
}

soak "pipelined"
case ${SOAK_NO_PIPELINE:-auto} in
1) soak "--no-pipeline" --no-pipeline ;;
auto)
	if [ "${SOAK_SECS:-99}" -lt 20 ]; then
		soak "--no-pipeline" --no-pipeline
	else
		echo "# --no-pipeline run skipped: the pipelined one took ${SOAK_SECS} s (SOAK_NO_PIPELINE=1 forces it)"
	fi
	;;
esac

test_done
