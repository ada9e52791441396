# shellcheck shell=bash
# tests/lib/testlib.sh -- tiny assertion helpers for imapsh's script tests.
# Source it from a bash test script (after set -eu).
#
# Output is TAP-ish: "ok N - what" / "not ok N - what" (+ "# " detail lines),
# and test_done prints "N passed, N failed" and exits 0 (all passed) or 1.
# Exit 77 means skipped, 99 a hard error (automake's conventions).
#
#   run_imapsh ARGS...          run "$IMAPSH ARGS..." (stdin from $RUN_STDIN or
#                               /dev/null, timeout $RUN_TIMEOUT s, default 30);
#                               sets $out, $err (text) and $rc; stderr is also
#                               checked for sanitizer reports (a failure)
#   ok WHAT / not_ok WHAT [DETAIL...]
#   expect_exit WHAT WANT [GOT]             GOT defaults to $rc
#   expect_eq WHAT WANT GOT
#   expect_contains WHAT TEXT NEEDLE        fixed string
#   expect_line WHAT TEXT LINE              a whole line equals LINE (or LINE
#                                           plus CR: literal text may keep CRLF)
#   expect_line_prefix WHAT TEXT PREFIX     a line starts with PREFIX
#   expect_not_contains WHAT TEXT NEEDLE
#   expect_match WHAT TEXT ERE              grep -E, any line matches
#   expect_imatch WHAT TEXT ERE             same, case-insensitive
#   expect_no_match WHAT TEXT ERE
#   expect_count WHAT N TEXT ERE            exactly N lines match ERE
#   skip REASON                             exit 77
#   skip_unless_dovecot / skip_unless_python / need_imapsh
#   test_tmpdir                             $T_TMP, removed at exit
#   at_exit FUNCTION / on_failure FUNCTION  cleanup / diagnostics hooks
#   test_done                               summary line and exit status

if [ -z "${SRCDIR:-}" ]; then
	SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
export SRCDIR
: "${IMAPSH:=$SRCDIR/src/imapsh}"
: "${PYTHON3=$(command -v python3 || true)}"
: "${DOVECOT_IMAP=/usr/lib/dovecot/imap}"
: "${RUN_TIMEOUT:=30}"
export IMAPSH PYTHON3 DOVECOT_IMAP
# Tests must not depend on the caller's terminal, locale or config (and
# output on a pty is without colour unless a test asks for it).
export LC_ALL=C.UTF-8 TZ=UTC NO_COLOR=1
unset IMAPSH_PASSWORD

T_NAME=${0##*/}
T_PASSED=0
T_FAILED=0
T_FAILED_NAMES=
T_NUM=0

ok() {
	T_NUM=$((T_NUM + 1))
	T_PASSED=$((T_PASSED + 1))
	printf 'ok %d - %s\n' "$T_NUM" "$1"
}

# not_ok WHAT [DETAIL...]: a failure; DETAIL lines are printed as comments
not_ok() {
	T_NUM=$((T_NUM + 1))
	T_FAILED=$((T_FAILED + 1))
	T_FAILED_NAMES="$T_FAILED_NAMES
  $T_NUM - $1"
	printf 'not ok %d - %s\n' "$T_NUM" "$1"
	shift
	local d
	for d in "$@"; do
		printf '%s\n' "$d" | head -n 40 | sed 's/^/#   /'
	done
}

# _t_ctx: the last run_imapsh's output, as detail for a failure
_t_ctx() {
	if [ -n "${T_LAST_CMD:-}" ]; then
		printf 'command: %s\nexit: %s\n--- stdout:\n%s\n--- stderr:\n%s' \
			"$T_LAST_CMD" "${rc:-}" "$(printf '%s\n' "${out:-}" | tail -n 25)" \
			"$(printf '%s\n' "${err:-}" | tail -n 15)"
	fi
}

expect_exit() {
	local got=${3-${rc:-}}
	if [ "$got" = "$2" ]; then
		ok "$1 (exit $2)"
	else
		not_ok "$1 (exit $got, want $2)" "$(_t_ctx)"
	fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "want: $2" "got:  $3"
	fi
}

expect_contains() {
	if printf '%s\n' "$2" | grep -qF -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "missing: $3" "$(_t_ctx)"
	fi
}

expect_line() {
	# a literal's text may keep its CRLF line ends: allow a trailing CR
	if printf '%s\n' "$2" | grep -qxF -e "$3" -e "$3"$'\r'; then
		ok "$1"
	else
		not_ok "$1" "no line equal to: $3" "$(_t_ctx)"
	fi
}

expect_line_prefix() {
	# ENVIRON, not awk -v: -v would interpret the backslashes in \Seen
	if printf '%s\n' "$2" | T_P=$3 awk 'index($0, ENVIRON["T_P"]) == 1 { f = 1 } END { exit !f }'; then
		ok "$1"
	else
		not_ok "$1" "no line starting with: $3" "$(_t_ctx)"
	fi
}

expect_not_contains() {
	if printf '%s\n' "$2" | grep -qF -- "$3"; then
		not_ok "$1" "unexpected: $3" "$(_t_ctx)"
	else
		ok "$1"
	fi
}

expect_match() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "no line matches: $3" "$(_t_ctx)"
	fi
}

expect_imatch() {
	if printf '%s\n' "$2" | grep -qiE -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "no line matches (ignoring case): $3" "$(_t_ctx)"
	fi
}

expect_no_match() {
	if printf '%s\n' "$2" | grep -qE -- "$3"; then
		not_ok "$1" "a line matches: $3" "$(_t_ctx)"
	else
		ok "$1"
	fi
}

expect_count() {
	local n
	n=$(printf '%s\n' "$3" | grep -cE -- "$4" || true)
	if [ "$n" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1" "$n lines match $4, want $2" "$(_t_ctx)"
	fi
}

# check_sanitizer TEXT: a failure when TEXT holds an ASan/UBSan/LSan report
check_sanitizer() {
	if printf '%s\n' "$1" | grep -qE 'Sanitizer|runtime error:'; then
		not_ok "no sanitizer report (${T_LAST_CMD:-})" \
			"$(printf '%s\n' "$1" | grep -E -A8 'Sanitizer|runtime error:')"
	fi
}

# run_imapsh ARGS...: run imapsh, capture stdout/stderr/exit status
run_imapsh() {
	local tmp
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/imapsh-run.XXXXXX")
	T_LAST_CMD="imapsh $*"
	rc=0
	timeout -k 5 "$RUN_TIMEOUT" "$IMAPSH" "$@" <"${RUN_STDIN:-/dev/null}" \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	# -o json: every line valid against the schema (man/imapsh-json.5)
	case " $* " in
	*" -o json "* | *" --output=json "* | *" --output json "* | *" -ojson "*)
		check_json_schema "$tmp/out" ;;
	esac
	rm -rf "$tmp"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		not_ok "imapsh finished within ${RUN_TIMEOUT}s" "$(_t_ctx)"
	fi
	check_sanitizer "$err"
	return 0
}

# check_json_schema FILE: FILE is imapsh -o json output, each line an
# object valid against man/imapsh-json.schema.json (not_ok if not).
check_json_schema() {
	local why
	if ! why=$("$PYTHON3" "$SRCDIR/tests/lib/jsoncheck.py" \
		"$SRCDIR/man/imapsh-json.schema.json" "$1" 2>&1); then
		not_ok "-o json output valid against the schema" "$why
$(_t_ctx)"
	fi
}

skip() {
	echo "1..0 # SKIP $T_NAME: $*"
	exit 77
}

# hard_error MESSAGE: the test itself cannot run (exit 99)
hard_error() {
	echo "Bail out! $T_NAME: $*"
	exit 99
}

skip_unless_dovecot() {
	if [ -z "${DOVECOT_IMAP:-}" ] || [ ! -x "$DOVECOT_IMAP" ]; then
		skip "Dovecot's imap binary not found (DOVECOT_IMAP='${DOVECOT_IMAP:-}'); see tools/install-deps"
	fi
}

# skip_unless_quick_off: the test is a long one, left out when
# IMAPSH_TESTS_QUICK is set (make distcheck in .ci/run: the same tests ran
# twice before it; what it proves is that the tarball holds every file)
skip_unless_quick_off() {
	if [ -n "${IMAPSH_TESTS_QUICK:-}" ]; then
		skip "IMAPSH_TESTS_QUICK is set: a long test, left out"
	fi
}

# skip_unless_dovecot_daemon: also needs the dovecot master binary (and,
# as the slowest tests are these, IMAPSH_TESTS_QUICK unset)
skip_unless_dovecot_daemon() {
	skip_unless_quick_off
	skip_unless_dovecot
	PATH=$PATH:/usr/sbin:/sbin command -v dovecot >/dev/null 2>&1 ||
		skip "dovecot binary not found (install dovecot-core)"
}

skip_unless_python() {
	if [ -z "${PYTHON3:-}" ] || ! "$PYTHON3" -c 'import sys; sys.exit(sys.version_info < (3, 6))' 2>/dev/null; then
		skip "python3 not found (PYTHON3='${PYTHON3:-}')"
	fi
}

need_imapsh() {
	[ -x "$IMAPSH" ] || hard_error "IMAPSH=$IMAPSH is not an executable (build src/imapsh first)"
}

# test_tmpdir: a fresh temp dir $T_TMP (mode 755 so that nobody can reach
# it; HOME points into it), removed at exit after the at_exit functions ran
T_CLEANUP=
test_tmpdir() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/imapsh-test.XXXXXX")
	chmod 755 "$T_TMP"
	# no history, rc or config file of the person running the tests
	mkdir "$T_TMP/home"
	export HOME=$T_TMP/home
	unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME
	trap '_t_cleanup' EXIT
	trap 'exit 130' INT TERM HUP
}

# at_exit FUNCTION: call FUNCTION at exit, before T_TMP is removed (the last
# registered runs first)
at_exit() {
	T_CLEANUP="$1; $T_CLEANUP"
	trap '_t_cleanup' EXIT
}

_t_cleanup() {
	local st=$?
	eval "$T_CLEANUP" || true
	if [ -n "${T_TMP:-}" ] && [ -z "${KEEP_TMP:-}" ]; then
		rm -rf "$T_TMP"
	fi
	exit "$st"
}

# on_failure FUNCTION: test_done calls FUNCTION (e.g. to print server logs)
# before its summary when something failed
T_ON_FAILURE=
on_failure() {
	T_ON_FAILURE="$T_ON_FAILURE $1"
}

test_done() {
	local f
	if [ "$T_FAILED" != 0 ]; then
		for f in $T_ON_FAILURE; do
			"$f" || true
		done
	fi
	echo "1..$T_NUM"
	echo "$T_NAME: $T_PASSED passed, $T_FAILED failed"
	if [ "$T_FAILED" != 0 ]; then
		echo "$T_NAME: failed:$T_FAILED_NAMES"
		exit 1
	fi
	exit 0
}
