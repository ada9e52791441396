#!/bin/bash
# tests/hostile/run.sh [SCENARIO.scn...] -- imapsh against hostile servers.
#
# Runs every scenario in tests/hostile/scenarios (or the ones named) against
# $IMAPSH with tests/hostile/fakeserver.py as the server, in these ways:
#   whole    the fake server writes each response in one piece (--stream)
#   chunk1   one byte at a time (--stream, --chunk 1)
#   random   random pieces (--stream, --random-chunks $HOSTILE_SEED)
#   tcp      over TCP on 127.0.0.1 (fakeserver --tcp), whole writes
#   tcp-chunk1, tcp-random   over TCP, in pieces as above (only for the
#            scenarios that name them in "# modes:")
#   remote   over TCP to 192.0.2.1, an address that is not loopback, in a
#            network namespace of its own (unshare -n, or -rn when not
#            root) where both ends run: imapsh sees a remote server and no
#            packet leaves the namespace (only for scenarios that name it;
#            skipped where namespaces cannot be made)
# and checks the scenario's header lines:
#   # args: WORDS        imapsh arguments (shell words, e.g. -c "select INBOX";
#                        $HOSTILE_CA is the CA file of the fake server's TLS
#                        certificates, e.g. --starttls --cafile "$HOSTILE_CA")
#   # env: NAME=VALUE    environment of imapsh (shell words, repeatable)
#   # stdin: LINE        a line of imapsh's stdin (repeatable; default empty)
#   # exit: N [N...]     allowed exit statuses
#   # stderr: REGEX      must match imapsh's stderr (Python re.search, multi-
#   # stdout: REGEX      line text; repeatable, all must match)
#   # no-stderr: REGEX / # no-stdout: REGEX   must not match
#   # sent: REGEX / # not-sent: REGEX   must (not) match what imapsh sent
#   # server: pass|any   the fake server must finish its script (default pass)
#   # modes: whole chunk1 random tcp ...   (default: the first three)
#   # server-cert: NAME  the fake server's TLS certificate from
#                        tests/lib/certs.sh (default server: localhost and
#                        127.0.0.1, signed by $HOSTILE_CA); a scenario with
#                        a TLS step or this header is skipped without certtool
#   # max-time: SEC      imapsh must end within SEC seconds (wall clock;
#                        times HOSTILE_TIME_SCALE: 1, a sanitizer build 2)
#   # min-time: SEC      ... and not before (e.g. a --timeout really waited)
#   # max-rss: MB        peak resident set at most MB (default 64; see below)
#   # make-file: NAME BYTES   create $HOSTILE_DIR/NAME first: a message of
#                        about BYTES bytes (CRLF lines of 76 "x"); args can
#                        name it as "$HOSTILE_DIR/NAME"
# plus: imapsh ends within $HOSTILE_TIMEOUT (20) s, every line of its
# stderr starts with "imapsh: " (each message one line, no sanitizer
# report), and its peak RSS is at most HOSTILE_MAX_RSS MB (64;
# four times that for a sanitizer build).  The peak is wait4()'s
# ru_maxrss: with --stream it is the larger of imapsh and the fake server
# it ran (about 20 MB, which streams what it sends), an upper bound.
# Each result line ends with "(wall seconds, peak RSS)".
# The cases run HOSTILE_JOBS at a time (default: the number of CPUs plus
# one), their results reported in order.
# Env: HOSTILE_MODES, HOSTILE_SEED, HOSTILE_MAX_RSS, HOSTILE_JOBS,
# HOSTILE_SAMPLE (N: every Nth scenario only), KEEP_TMP.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"

skip_unless_python
need_imapsh
test_tmpdir

FAKE=$SRCDIR/tests/hostile/fakeserver.py
SEED=${HOSTILE_SEED:-$((RANDOM % 10000 + 1))}
MODES=${HOSTILE_MODES:-whole chunk1 random tcp tcp-chunk1 tcp-random remote}
DEFAULT_MODES="whole chunk1 random"
LIMIT=${HOSTILE_TIMEOUT:-20}
echo "# imapsh: $IMAPSH"
echo "# random-chunks seed $SEED (set HOSTILE_SEED=$SEED to repeat)"

# TLS certificates for the scenarios that start TLS
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/certs.sh
. "$SRCDIR/tests/lib/certs.sh"
CERTS=$T_TMP/certs
HOSTILE_CA=
if certs_available && certs_make "$CERTS"; then
	HOSTILE_CA=$CERTS/ca.pem
else
	echo "# certtool not found: scenarios with TLS are skipped"
fi

# q STRING: quote for /bin/sh
q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# checks.py: each argument triple KIND FILE REGEX; prints failures
CHECKS=$T_TMP/checks.py
cat >"$CHECKS" <<'EOF'
import re, sys
a = sys.argv[1:]
bad = 0
for i in range(0, len(a), 3):
    kind, path, rx = a[i:i + 3]
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    found = re.search(rx, text, re.M) is not None
    want = not kind.startswith("no-") and not kind.startswith("not-")
    if found != want:
        print("%s: %s %s" % (kind, "no match for" if want else "unexpected match of", rx))
        bad = 1
sys.exit(bad)
EOF

# measure.py OUT CMD...: run CMD, write "PEAK_RSS_KB WALL_SECONDS" to OUT,
# exit with CMD's status (128+N for signal N)
MEASURE=$T_TMP/measure.py
cat >"$MEASURE" <<'EOF'
import os, signal, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
def fwd(signum, frame):
    os.kill(pid, signum)
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, fwd)
_, status, ru = os.wait4(pid, 0)
with open(out, "w") as fh:
    fh.write("%d %.2f\n" % (ru.ru_maxrss, time.monotonic() - t0))
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
EOF

# remote mode: both ends in a network namespace with 192.0.2.1 on lo
REMOTE=$T_TMP/remote.sh
cat >"$REMOTE" <<'EOF'
# remote.sh DIR FAKESERVER-COMMAND... -- IMAPSH-COMMAND...
set -u
ip link set lo up && ip addr add 192.0.2.1/32 dev lo || exit 125
t=$1
shift
fake=()
while [ "$1" != "--" ]; do
	fake+=("$1")
	shift
done
shift
"${fake[@]}" --host 192.0.2.1 --tcp "$t/port" 2>"$t/server.err" &
spid=$!
for _ in $(seq 1 100); do
	[ -s "$t/port" ] && break
	sleep 0.05
done
rc=0
"$@" -p "$(cat "$t/port" 2>/dev/null || echo 1)" 192.0.2.1 <"$t/stdin" >"$t/out" 2>"$t/err" || rc=$?
for _ in $(seq 1 100); do
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.05
done
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
exit "$rc"
EOF
NETNS=()
if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		NETNS=(unshare -n)
	else
		NETNS=(unshare -rn)
	fi
	"${NETNS[@]}" sh -c 'ip link set lo up && ip addr add 192.0.2.1/32 dev lo' 2>/dev/null || NETNS=()
fi
[ ${#NETNS[@]} -gt 0 ] || echo "# no network namespace (unshare -n): remote scenarios are skipped"

MAX_RSS=${HOSTILE_MAX_RSS:-64}
# max-time limits are multiplied by TIME_SCALE: they prove that imapsh
# gives up (a timeout, a limit) rather than hangs, not how fast it is
TIME_SCALE=${HOSTILE_TIME_SCALE:-1}
if [ -z "${HOSTILE_MAX_RSS:-}" ] && grep -qa -e __asan_init -e __ubsan_handle "$IMAPSH"; then
	MAX_RSS=$((MAX_RSS * 4))
	# an instrumented binary on a busy CI machine (make -j2 check runs
	# other suites beside this one) starts and runs slower
	TIME_SCALE=${HOSTILE_TIME_SCALE:-2}
	# ASan keeps freed memory in a 256 MB quarantine: a flood of big
	# responses would measure that, not imapsh
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
	echo "# sanitizer build: RSS limit ${MAX_RSS} MB, ASan quarantine 16 MB, max-time x${TIME_SCALE}"
fi

# header FILE KEY: the values of "# KEY: value" lines, one per line
header() {
	sed -n "s/^# $2: \{0,1\}//p" "$1"
}

# make_file DIR NAME BYTES: a message of about BYTES bytes in DIR/NAME
make_file() {
	"$PYTHON3" - "$1/$2" "$3" <<'EOF'
import sys
path, size = sys.argv[1], int(sys.argv[2])
head = b"From: hostile@example.org\r\nSubject: big\r\n\r\n"
line = b"x" * 76 + b"\r\n"
with open(path, "wb") as fh:
    fh.write(head)
    fh.write(line * max(0, (size - len(head)) // len(line)))
EOF
}

run_case() {
	local scn=$1 mode=$2 name t args=() envs=() exits server fakeopts=() rc=0
	local port spid cmd why=() checks=() kind rx cert
	local maxtime mintime maxrss rss=0 wall=0 mf res
	name=$(basename "$scn" .scn)
	t=$T_TMP/$name.$mode
	mkdir -p "$t"
	# used by the "# args:" lines (eval below)
	# shellcheck disable=SC2034
	HOSTILE_DIR=$t
	while read -r mf; do
		[ -n "$mf" ] || continue
		# shellcheck disable=SC2086
		make_file "$t" $mf
	done < <(header "$scn" make-file)
	cert=$(header "$scn" server-cert)
	if [ -n "$cert" ] || grep -q '^TLS' "$scn"; then
		if [ -z "$HOSTILE_CA" ]; then
			ok "$name [$mode] # SKIP certtool not found"
			return 0
		fi
		cert=${cert:-server}
		fakeopts+=(--tls-cert "$CERTS/$cert.pem" --tls-key "$CERTS/$cert.key")
	fi
	eval "args=($(header "$scn" args | tr '\n' ' '))"
	eval "envs=($(header "$scn" env | tr '\n' ' '))"
	exits=$(header "$scn" exit)
	exits=${exits:-0}
	server=$(header "$scn" server)
	header "$scn" stdin >"$t/stdin"
	: >"$t/client.log"
	case $mode in
	chunk1 | tcp-chunk1) fakeopts+=(--chunk 1) ;;
	random | tcp-random) fakeopts+=(--random-chunks "$SEED") ;;
	esac

	case $mode in
	remote)
		if [ ${#NETNS[@]} -eq 0 ]; then
			if [ "${IMAPSH_NO_SKIP:-0}" = 1 ]; then
				not_ok "$name [$mode]" "no network namespace (unshare -n), but IMAPSH_NO_SKIP=1"
			else
				ok "$name [$mode] # SKIP no network namespace (unshare -n)"
			fi
			return 0
		fi
		env ${envs[@]+"${envs[@]}"} timeout -k 5 "$LIMIT" "${NETNS[@]}" bash "$REMOTE" "$t" \
			"$PYTHON3" "$FAKE" ${fakeopts[@]+"${fakeopts[@]}"} --result "$t/result" \
			--log "$t/client.log" "$scn" -- \
			"$PYTHON3" "$MEASURE" "$t/measure" "$IMAPSH" ${args[@]+"${args[@]}"} || rc=$?
		;;
	tcp*)
		"$PYTHON3" "$FAKE" "${fakeopts[@]}" --tcp "$t/port" --result "$t/result" \
			--log "$t/client.log" "$scn" 2>"$t/server.err" &
		spid=$!
		for _ in $(seq 1 100); do
			[ -s "$t/port" ] && break
			sleep 0.05
		done
		port=$(cat "$t/port" 2>/dev/null || echo 1)
		env ${envs[@]+"${envs[@]}"} timeout -k 5 "$LIMIT" \
			"$PYTHON3" "$MEASURE" "$t/measure" "$IMAPSH" -p "$port" \
			${args[@]+"${args[@]}"} 127.0.0.1 <"$t/stdin" >"$t/out" 2>"$t/err" || rc=$?
		for _ in $(seq 1 100); do
			kill -0 "$spid" 2>/dev/null || break
			sleep 0.05
		done
		kill "$spid" 2>/dev/null || true
		wait "$spid" 2>/dev/null || true
		;;
	*)
		cmd="exec $(q "$PYTHON3") $(q "$FAKE")"
		for rx in ${fakeopts[@]+"${fakeopts[@]}"}; do
			cmd="$cmd $(q "$rx")"
		done
		cmd="$cmd --result $(q "$t/result")"
		cmd="$cmd --log $(q "$t/client.log") $(q "$scn") 2>>$(q "$t/server.err")"
		env ${envs[@]+"${envs[@]}"} timeout -k 5 "$LIMIT" \
			"$PYTHON3" "$MEASURE" "$t/measure" "$IMAPSH" --stream "$cmd" \
			${args[@]+"${args[@]}"} <"$t/stdin" >"$t/out" 2>"$t/err" || rc=$?
		# the fake server may still be draining its side for a moment
		for _ in $(seq 1 60); do
			[ -s "$t/result" ] && break
			sleep 0.05
		done
		;;
	esac

	case " $(echo "$exits" | tr '\n' ' ') " in
	*" $rc "*) ;;
	*) why+=("exit status $rc, want $exits") ;;
	esac
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why+=("imapsh did not finish within ${LIMIT}s")
	fi
	if grep -qE 'Sanitizer|runtime error:' "$t/err"; then
		why+=("sanitizer report in stderr")
	fi
	if grep -qv '^imapsh: ' "$t/err"; then
		why+=("a stderr line without the \"imapsh: \" prefix (messages are one line each)")
	fi
	if [ -s "$t/measure" ]; then
		read -r rss wall <"$t/measure"
	fi
	maxrss=$(header "$scn" max-rss)
	maxrss=$(( ${maxrss:-64} * MAX_RSS / 64 ))
	if [ "$rss" -gt $((maxrss * 1024)) ]; then
		why+=("peak RSS $((rss / 1024)) MB, limit $maxrss MB")
	fi
	maxtime=$(header "$scn" max-time)
	[ -z "$maxtime" ] || maxtime=$(awk "BEGIN { print $maxtime * $TIME_SCALE }")
	mintime=$(header "$scn" min-time)
	if [ -n "$maxtime" ] && awk "BEGIN { exit !($wall > $maxtime) }"; then
		why+=("took $wall s, limit $maxtime s")
	fi
	if [ -n "$mintime" ] && awk "BEGIN { exit !($wall < $mintime) }"; then
		why+=("ended after $wall s, expected at least $mintime s")
	fi
	for kind in stderr no-stderr stdout no-stdout sent not-sent; do
		while IFS= read -r rx; do
			[ -n "$rx" ] || continue
			case $kind in
			*stderr) checks+=("$kind" "$t/err" "$rx") ;;
			*stdout) checks+=("$kind" "$t/out" "$rx") ;;
			*sent) checks+=("$kind" "$t/client.log" "$rx") ;;
			esac
		done < <(header "$scn" "$kind")
	done
	if [ ${#checks[@]} -gt 0 ]; then
		res=$("$PYTHON3" "$CHECKS" "${checks[@]}") || why+=("$res")
	fi
	# -o json: every line of stdout valid against the schema
	case " ${args[*]+${args[*]}} " in
	*" -o json "* | *" --output=json "* | *" --output json "*)
		res=$("$PYTHON3" "$SRCDIR/tests/lib/jsoncheck.py" \
			"$SRCDIR/man/imapsh-json.schema.json" "$t/out" 2>&1) ||
			why+=("-o json output not valid against the schema: $res") ;;
	esac
	if [ "$server" != any ]; then
		if ! grep -q '^PASS' "$t/result" 2>/dev/null; then
			why+=("fake server: $(cat "$t/result" 2>/dev/null || echo 'no result (did not finish)')")
		fi
	fi

	if [ ${#why[@]} -eq 0 ]; then
		ok "$name [$mode] ($wall s, $((rss / 1024)) MB)"
	else
		not_ok "$name [$mode] ($wall s, $((rss / 1024)) MB)" "${why[@]}" \
			"command: ${envs[*]+${envs[*]} }imapsh ${args[*]+${args[*]}} ($mode)" \
			"--- stdout:" "$(tail -n 15 "$t/out")" \
			"--- stderr:" "$(tail -n 10 "$t/err")" \
			"--- client sent:" "$(tail -c 600 "$t/client.log")" \
			"--- server stderr:" "$(tail -n 5 "$t/server.err" 2>/dev/null)"
	fi
}

if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=("$SRCDIR"/tests/hostile/scenarios/*.scn)
	# HOSTILE_SAMPLE=N: every Nth scenario only (make distcheck: the
	# tarball has them all; the suite ran whole before)
	if [ "${HOSTILE_SAMPLE:-1}" -gt 1 ]; then
		all=("${scenarios[@]}")
		scenarios=()
		for i in "${!all[@]}"; do
			[ $((i % HOSTILE_SAMPLE)) = 0 ] && scenarios+=("${all[$i]}")
		done
	fi
fi
case_mode=()
case_scn=()
for scn in "${scenarios[@]}"; do
	[ -f "$scn" ] || hard_error "no such scenario: $scn"
	smodes=$(header "$scn" modes)
	for mode in $MODES; do
		case " ${smodes:-$DEFAULT_MODES} " in
		*" $mode "*)
			case_mode+=("$mode")
			case_scn+=("$scn")
			;;
		esac
	done
done

# The cases run $JOBS at a time (most of a case's time is waiting: for a
# timeout, a slow server, a process to start); each writes its result to
# $T_TMP/result.N, and the results are reported in order as they come in.
# run_bg N MODE SCENARIO
# (in a subshell of its own: ok and not_ok write the result file)
run_bg() {
	RESULT_FILE=$T_TMP/result.$1
	ok() {
		printf 'ok\n%s\n' "$1" >"$RESULT_FILE.tmp"
	}
	not_ok() {
		local d
		printf 'not ok\n%s\n' "$1" >"$RESULT_FILE.tmp"
		shift
		for d in "$@"; do
			printf '%s\n' "$d" | head -n 40 | sed 's/^/#   /'
		done >>"$RESULT_FILE.tmp"
	}
	run_case "$3" "$2" || not_ok "$(basename "$3" .scn) [$2]" "run.sh: the case failed to run"
	mv "$RESULT_FILE.tmp" "$RESULT_FILE"
}

# report: print the results that are in, in order, from case $reported on
reported=0
report() {
	local res status name
	while [ "$reported" -lt "${#case_scn[@]}" ]; do
		res=$T_TMP/result.$reported
		[ -f "$res" ] || break
		{ read -r status; IFS= read -r name; } <"$res"
		if [ "$status" = ok ]; then
			ok "$name"
		else
			not_ok "$name"
			tail -n +3 "$res"
		fi
		reported=$((reported + 1))
	done
}

JOBS=${HOSTILE_JOBS:-$(( $(nproc 2>/dev/null || echo 1) + 1 ))}
for i in "${!case_scn[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
		wait -n || true
		report
	done
	run_bg "$i" "${case_mode[$i]}" "${case_scn[$i]}" &
done
wait
report
[ "$reported" = "${#case_scn[@]}" ] || hard_error "$(( ${#case_scn[@]} - reported )) case(s) left no result"
test_done
