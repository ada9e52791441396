#!/bin/bash
# tests/integration/docs.sh -- the man pages render without a warning
# (groff -ww, and mandoc -T lint where mandoc is installed), and name every
# option of --help and every shell command of help.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
need_imapsh

pages="$SRCDIR/man/imapsh.1 $SRCDIR/man/imapsh-json.5"
if command -v groff >/dev/null 2>&1; then
	# shellcheck disable=SC2086 # two file names
	warn=$(groff -man -Tutf8 -ww -z $pages 2>&1 || true)
	expect_eq "groff -ww: no warning" "" "$warn"
else
	echo "# groff not installed: left out"
fi
if command -v mandoc >/dev/null 2>&1; then
	# shellcheck disable=SC2086
	warn=$(mandoc -T lint $pages 2>&1 || true)
	expect_eq "mandoc -T lint: clean" "" "$warn"
else
	echo "# mandoc not installed: left out"
fi

man=$(cat "$SRCDIR/man/imapsh.1")
run_imapsh --help
for opt in $(printf '%s\n' "$out" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	esc=$(printf '%s' "$opt" | sed 's/-/\\-/g')
	expect_contains "the man page documents $opt" "$man" "$esc"
done
run_imapsh -c help --stream "printf '* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n'; exec sleep 5"
for cmd in $(printf '%s\n' "$out" | sed -n '/^Shell commands:/,/^Any command/s/^  \([a-z_]*\).*/\1/p'); do
	if grep -qE "^\.BR? (.*[ \"])?$cmd( |\"|\$)" "$SRCDIR/man/imapsh.1"; then
		ok "the man page documents the shell command $cmd"
	else
		not_ok "the man page documents the shell command $cmd" "no .B or .BR line names it"
	fi
done
test_done
