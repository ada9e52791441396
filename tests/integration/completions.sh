#!/bin/bash
# tests/integration/completions.sh -- the shell completions in completions/
# (bash: imapsh, zsh: _imapsh, fish: imapsh.fish) parse, name every long
# option of imapsh --help and nothing else, and every command of the
# shell's help (IMAP and shell commands); and completing really works: in
# bash through COMP_WORDS and the completion function, in fish through
# complete -C (no terminal needed).  zsh is only parsed (zsh -n).  Profile
# names come from the config file (IMAPSH_CONFIG, XDG_CONFIG_HOME).  No
# server: the command list comes from a greeting printed by --stream.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
need_imapsh
test_tmpdir

BASH_FILE=$SRCDIR/completions/imapsh
ZSH_FILE=$SRCDIR/completions/_imapsh
FISH_FILE=$SRCDIR/completions/imapsh.fish

# --- each file parses
for f in "$BASH_FILE" "$ZSH_FILE" "$FISH_FILE"; do
	[ -r "$f" ] || hard_error "$f is missing"
done
if why=$(bash -n "$BASH_FILE" 2>&1); then ok "bash -n completions/imapsh"; else
	not_ok "bash -n completions/imapsh" "$why"; fi
if command -v zsh >/dev/null 2>&1; then
	if why=$(zsh -n "$ZSH_FILE" 2>&1); then ok "zsh -n completions/_imapsh"; else
		not_ok "zsh -n completions/_imapsh" "$why"; fi
else
	ok "zsh -n completions/_imapsh # SKIP zsh not installed (tools/install-deps)"
fi
have_fish=
if command -v fish >/dev/null 2>&1; then
	have_fish=1
	if why=$(fish --no-config -n "$FISH_FILE" 2>&1); then ok "fish -n completions/imapsh.fish"; else
		not_ok "fish -n completions/imapsh.fish" "$why"; fi
else
	ok "fish -n completions/imapsh.fish # SKIP fish not installed (tools/install-deps)"
fi

# --- every long option of --help is in each file, and each file offers no
# option imapsh does not have (--colour: an alias of --color not in --help)
run_imapsh --help
expect_exit "imapsh --help" 0
help_opts=$(printf '%s\n' "$out" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
printf '%s\n' "$help_opts" --colour >"$T_TMP/known-options"
[ "$(printf '%s\n' "$help_opts" | wc -l)" -ge 20 ] || hard_error "imapsh --help lists too few options"
# long options named in FILE (fish: also the -l NAME of its complete lines)
named_opts() {
	{
		grep -oE -- '--[a-z][a-z0-9-]*' "$1" || true
		grep -E '^complete ' "$1" | grep -oE -- '-l [a-z][a-z0-9-]*' | sed 's/^-l /--/' || true
	} | sort -u
}
for f in "$BASH_FILE" "$ZSH_FILE" "$FISH_FILE"; do
	name=completions/${f##*/}
	missing=
	for o in $help_opts; do
		case $f in
		*.fish) pat="-l ${o#--}([^a-z0-9-]|\$)" ;;
		*) pat="(^|[^a-z0-9-])$o([^a-z0-9-]|\$)" ;;
		esac
		grep -qE -- "$pat" "$f" || missing="$missing $o"
	done
	expect_eq "$name names every long option of --help" "" "${missing# }"
	extra=$(named_opts "$f" | grep -vxF -f "$T_TMP/known-options" | tr '\n' ' ')
	expect_eq "$name names no option imapsh lacks" "" "${extra% }"
done

# --- every command of the shell's help (IMAP and shell commands) is in
# each file, as a whole word
run_imapsh --stream 'printf "* OK [CAPABILITY IMAP4rev1] hi\r\n"; cat >/dev/null' -c help
expect_exit "help without a server" 0
commands=$(printf '%s\n' "$out" | sed -n 's/^[ !-] \([a-z][a-z0-9_]*\)\( .*\)\{0,1\}$/\1/p' | sort -u)
for want in select fetch uid debug format help quit; do
	expect_line "help lists $want" "$commands" "$want"
done
for f in "$BASH_FILE" "$ZSH_FILE" "$FISH_FILE"; do
	missing=
	for c in $commands; do
		grep -qE -- "(^|[^a-z0-9_-])$c([^a-z0-9_-]|\$)" "$f" || missing="$missing $c"
	done
	expect_eq "completions/${f##*/} names every command of help" "" "${missing# }"
done

# --- bash: COMP_WORDS as bash makes them (= is a word of its own), then
# the completion function; prints COMPREPLY one a line, sorted
comp_bash() {
	bash -c '
		f=$1; shift
		. "$f"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_imapsh imapsh "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"' comp_bash "$BASH_FILE" "$@" | sort | sed '/^$/d'
}

# A config file with profiles, found by IMAPSH_CONFIG and by XDG_CONFIG_HOME
mkdir -p "$T_TMP/xdg/imapsh" "$T_TMP/files"
cat >"$T_TMP/xdg/imapsh/config" <<'EOF'
# profiles
[ixwork]
host = imap.example.com
  [ixwonder]   ; a comment
[ix with blank]
[ixdemo]
stream = dovecot --exec-mail imap
EOF
printf '[ixother]\n' >"$T_TMP/other.conf"
# bash reads host names from HOSTFILE, fish from /etc/hosts and ~/.ssh: the
# profile names start with ix, which no host name does
printf '127.0.0.1 localhost\n192.0.2.1 ixwombat.example\n' >"$T_TMP/hosts"
export HOSTFILE=$T_TMP/hosts
touch "$T_TMP/files/cmds.imapsh" "$T_TMP/files/ca.pem"
export XDG_CONFIG_HOME=$T_TMP/xdg
unset IMAPSH_CONFIG

nl='
'
# table: the words (the last one being completed) | the expected COMPREPLY,
# sorted, joined by spaces (an empty field: nothing)
while IFS='|' read -r words want; do
	[ -n "$words" ] || continue
	set -f
	# shellcheck disable=SC2086 # the words are split on purpose
	set -- $words
	set +f
	# a blank at the end: complete an empty word
	case $words in *" ") set -- "$@" "" ;; esac
	got=$(comp_bash "$@" | tr '\n' ' ')
	expect_eq "bash: imapsh ${words#imapsh }<Tab>" "$want" "${got% }"
done <<EOF
imapsh --out|--output
imapsh --no-p|--no-pager --no-pipeline
imapsh --no-h|--no-hints
imapsh --prog|--progress
imapsh --va|--var
imapsh -o|-o
imapsh -o j|json
imapsh --output =|json pretty raw
imapsh --output = r|raw
imapsh -or|-oraw
imapsh --col|--color=
imapsh --color = al|always
imapsh --colour = n|never
imapsh --color ixwo|ixwombat.example ixwonder ixwork
imapsh -d 4|4
imapsh -a SCRAM-SHA-256|SCRAM-SHA-256 SCRAM-SHA-256-PLUS
imapsh --auth = EXT|EXTERNAL
imapsh -p 9|993
imapsh -c sel|select
imapsh -c un|unauthenticate unselect unset unsubscribe
imapsh -c rec|recent reconnect
imapsh -c pa|pager partial
imapsh --command = log|login login_cram_md5 logout
imapsh -c "form|format
imapsh -v |
imapsh -u w|
imapsh ixwo|ixwombat.example ixwonder ixwork
imapsh ixd|ixdemo
imapsh ix|ixdemo ixwombat.example ixwonder ixwork
imapsh -o json ixwo|ixwombat.example ixwonder ixwork
imapsh --output = json ixwo|ixwombat.example ixwonder ixwork
imapsh --stream x ix|
imapsh ixwork ix|
imapsh localh|localhost
imapsh -f $T_TMP/files/c|$T_TMP/files/ca.pem $T_TMP/files/cmds.imapsh
imapsh --cafile $T_TMP/files/ca|$T_TMP/files/ca.pem
imapsh --password-file = $T_TMP/files/cm|$T_TMP/files/cmds.imapsh
EOF

# -c with a line of several words (readline gives the whole quoted word)
expect_eq "bash: -c \"format j<Tab>" "format json" "$(comp_bash imapsh -c '"format j')"
expect_eq "bash: -c \"uid fe<Tab>" "uid fetch" "$(comp_bash imapsh -c '"uid fe')"
expect_eq "bash: -c \"pager o<Tab>" "pager off${nl}pager on" "$(comp_bash imapsh -c '"pager o')"
expect_eq "bash: -c \"open ixwor<Tab>" "open ixwork" "$(comp_bash imapsh -c '"open ixwor')"
expect_eq "bash: -c \"select IN<Tab>: nothing" "" "$(comp_bash imapsh -c '"select IN')"
expect_contains "bash: --stream ba<Tab> completes commands" "$(comp_bash imapsh --stream ba)" bash
expect_eq "bash: IMAPSH_CONFIG names the config file" "ixother" \
	"$(IMAPSH_CONFIG=$T_TMP/other.conf comp_bash imapsh ixo)"
expect_eq "bash: no config file, no profile" "" \
	"$(IMAPSH_CONFIG=$T_TMP/none comp_bash imapsh ixwon)"
mkdir -p "$HOME/.config"
cp -r "$T_TMP/xdg/imapsh" "$HOME/.config/"
expect_eq "bash: \$HOME/.config without XDG_CONFIG_HOME" "ixdemo" \
	"$(unset XDG_CONFIG_HOME; comp_bash imapsh ixd)"

# --- fish: complete -C (candidates as "VALUE<Tab>DESCRIPTION"; only the
# values are compared, sorted)
comp_fish() {
	# shellcheck disable=SC2016 # fish expands $argv
	fish --no-config -c 'source $argv[1]; complete -C"$argv[2]"' "$FISH_FILE" "$1" |
		cut -f1 | sort | tr '\n' ' ' | sed 's/ $//'
}
if [ -n "$have_fish" ]; then
	while IFS='|' read -r line want; do
		[ -n "$line" ] || continue
		expect_eq "fish: $line<Tab>" "$want" "$(comp_fish "$line")"
	done <<EOF
imapsh --out|--output
imapsh --no-p|--no-pager --no-pipeline
imapsh --no-h|--no-hints
imapsh --prog|--progress
imapsh --va|--var
imapsh -o |json pretty raw
imapsh --output=j|--output=json
imapsh --color=a|--color=always --color=auto
imapsh -a SCRAM-SHA-256|SCRAM-SHA-256 SCRAM-SHA-256-PLUS
imapsh -c sel|select
imapsh -c un|unauthenticate unselect unset unsubscribe
imapsh -c rec|recent reconnect
imapsh -c "format j|format json
imapsh -c "uid fe|uid fetch
imapsh -c 'open ixwor|open ixwork
imapsh ixwo|ixwonder ixwork
imapsh -o json ixwo|ixwonder ixwork
imapsh --stream x ix|
imapsh ixwork ix|
imapsh -f $T_TMP/files/c|$T_TMP/files/ca.pem $T_TMP/files/cmds.imapsh
EOF
	# shellcheck disable=SC2016 # fish expands $argv
	expect_contains "fish: -o lists descriptions" \
		"$(fish --no-config -c 'source $argv[1]; complete -C"imapsh -o "' "$FISH_FILE")" \
		"json	One JSON object per line"
	expect_eq "fish: IMAPSH_CONFIG names the config file" "ixother" \
		"$(IMAPSH_CONFIG=$T_TMP/other.conf comp_fish "imapsh ixo")"
	expect_eq "fish: \$HOME/.config without XDG_CONFIG_HOME" "ixdemo" \
		"$(unset XDG_CONFIG_HOME; comp_fish "imapsh ixd")"
fi

test_done
