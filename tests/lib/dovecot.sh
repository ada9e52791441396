# shellcheck shell=bash
# tests/lib/dovecot.sh -- run a throwaway Dovecot 2.3 for imapsh's tests and
# demo.  Source it (bash); it defines functions only.
#
#   dovecot_setup DIR        make DIR (mode 755) with the demo Maildir in
#                            DIR/mail and DIR/stream.conf for the imap binary
#   dovecot_stream_cmd DIR   print a /bin/sh command line that runs the
#                            pre-authenticated imap binary (user alice) on
#                            stdin/stdout: imapsh --stream "$(dovecot_stream_cmd DIR)"
#   dovecot_start_tcp DIR    start a daemon on 127.0.0.1 (free port), set
#                            and export DOVECOT_PORT, print "# dovecot ... PORT"
#   dovecot_stop DIR         stop that daemon (only the pid it started)
#   dovecot_log DIR          print the Dovecot log files (for diagnostics)
#
# Users of the daemon (passwd-file, {PLAIN} scheme):
#   alice / wonderland       mail = DIR/mail (the demo mailbox)
#   bob   / builder          empty Maildir
#   carol / p@ss w"rd\ü      empty Maildir (space, quote, backslash, UTF-8)
# Plaintext LOGIN/AUTHENTICATE PLAIN allowed, ssl = no, quota (count) and acl
# (vfile) plugins with imap_quota and imap_acl, shared namespace
# "shared.USER." (after alice's SETACL Sent bob lr, bob sees shared.alice.Sent).
#
# Dovecot refuses to serve mail as root.  When we are root, what Dovecot
# writes (DIR/mail, DIR/run, DIR/home, DIR/daemon) is chown'ed to
# nobody:nogroup and every Dovecot process runs as nobody (setpriv); DIR's
# parent directories must then be searchable by nobody (checked).  Otherwise
# everything runs as the current user.
#
# Environment: DOVECOT_IMAP (default /usr/lib/dovecot/imap), SRCDIR (the
# source tree; default: two levels above this file).
# Note: Dovecot's imap binary panics when its stdin is a regular file or
# /dev/null; imapsh gives it a socket, a shell pipe works too.

: "${DOVECOT_IMAP:=/usr/lib/dovecot/imap}"
if [ -z "${SRCDIR:-}" ]; then
	SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi

DOVECOT_RUN_USER=nobody
DOVECOT_RUN_GROUP=nogroup

# _dc_q STRING: STRING quoted for /bin/sh
_dc_q() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

_dc_die() {
	printf 'dovecot.sh: %s\n' "$*" >&2
	return 1
}

# _dc_is_root: true when running as uid 0 (Dovecot must then drop to nobody)
_dc_is_root() {
	[ "$(id -u)" = 0 ]
}

# _dc_as_user CMD...: run CMD as the user that serves mail
_dc_as_user() {
	if _dc_is_root; then
		setpriv --reuid="$DOVECOT_RUN_USER" --regid="$DOVECOT_RUN_GROUP" \
			--clear-groups "$@"
	else
		"$@"
	fi
}

# _dc_common_conf: settings shared by the stream and the daemon config
_dc_common_conf() {
	cat <<'EOF'
protocols = imap
first_valid_uid = 1
first_valid_gid = 1
mail_plugins = quota acl
protocol imap {
  mail_plugins = $mail_plugins imap_quota imap_acl
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=1G
  quota_rule2 = *:messages=10000
  acl = vfile
}
namespace inbox {
  inbox = yes
  separator = .
  prefix =
  mailbox Sent {
    special_use = \Sent
  }
  mailbox Drafts {
    special_use = \Drafts
  }
  mailbox Trash {
    special_use = \Trash
  }
  mailbox Archive {
    special_use = \Archive
  }
}
EOF
}

# dovecot_setup DIR: create the tree (DIR may exist, but not DIR/mail)
dovecot_setup() {
	local dir=$1
	mkdir -p "$dir" || return 1
	dir=$(cd "$dir" && pwd -P) || return 1
	case $dir in
	*[:\"\'%\ ]* | *$'\n'*) _dc_die "$dir: path must not contain : \" ' % space or newline" || return 1 ;;
	esac
	[ -x "$DOVECOT_IMAP" ] || { _dc_die "$DOVECOT_IMAP not found (install dovecot-imapd)"; return 1; }
	chmod 755 "$dir"
	"$SRCDIR/tests/lib/make-demo-mailbox.sh" "$dir/mail" || return 1
	mkdir -p "$dir/run" "$dir/home/alice"
	{
		printf '# imapsh tests: imap binary on stdin/stdout (pre-authenticated alice)\n'
		printf 'base_dir = %s/run\n' "$dir"
		printf 'instance_name = imapsh-stream\n'
		printf 'ssl = no\n'
		printf 'mail_location = maildir:%s/mail\n' "$dir"
		_dc_common_conf
	} >"$dir/stream.conf"
	: >"$dir/imap.log"
	if _dc_is_root; then
		# DIR itself, stream.conf and imap.log (opened by the caller's
		# shell, as root) stay root's; what Dovecot writes goes to nobody
		chown -R "$DOVECOT_RUN_USER:$DOVECOT_RUN_GROUP" "$dir/mail" "$dir/run" "$dir/home"
		if ! _dc_as_user test -w "$dir/mail/cur"; then
			_dc_die "$DOVECOT_RUN_USER cannot write $dir/mail (are all parent directories world-searchable? set TMPDIR=/tmp)"
			return 1
		fi
	fi
}

# dovecot_stream_cmd DIR: print the shell command running imap on stdin/stdout
dovecot_stream_cmd() {
	local dir prefix=
	dir=$(cd "$1" && pwd -P) || return 1
	if _dc_is_root; then
		prefix="setpriv --reuid=$DOVECOT_RUN_USER --regid=$DOVECOT_RUN_GROUP --clear-groups "
	fi
	printf 'exec %senv -i USER=alice HOME=%s TZ=UTC PATH=/usr/bin:/bin %s -c %s 2>>%s\n' \
		"$prefix" "$(_dc_q "$dir/home/alice")" "$(_dc_q "$DOVECOT_IMAP")" \
		"$(_dc_q "$dir/stream.conf")" "$(_dc_q "$dir/imap.log")"
}

# _dc_port_free PORT: true when nothing listens on 127.0.0.1:PORT
_dc_port_free() {
	# shellcheck disable=SC2016 # $0 expands in the child bash
	! timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# _dc_daemon_conf DIR PORT: the daemon's dovecot.conf on stdout
_dc_daemon_conf() {
	local dir=$1 port=$2 d=$1/daemon user group
	if _dc_is_root; then
		user=$DOVECOT_RUN_USER group=$DOVECOT_RUN_GROUP
	else
		user=$(id -un) group=$(id -gn)
	fi
	cat <<EOF
# imapsh tests: Dovecot daemon on 127.0.0.1:$port, every process as $user
instance_name = imapsh-$port
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
listen = 127.0.0.1
$(_dc_common_conf)
default_internal_user = $user
default_internal_group = $group
default_login_user = $user
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_greeting = imapsh test server ready.
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/users
}
namespace shared {
  type = shared
  separator = .
  prefix = shared.%%u.
  location = maildir:%%h/Maildir:INDEXPVT=~/shared-pvt/%%u
  subscriptions = no
  list = children
}
plugin {
  acl_shared_dict = file:$d/state/shared-mailboxes.db
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
  # a non-root auth process cannot use the penalty socket anyway; without
  # it a failed login does not slow down the following ones
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth-worker {
  user = $user
}
service stats {
  chroot =
}
EOF
}

# _dc_master_pid DIR: pid of this DIR's running master, or nothing
_dc_master_pid() {
	local pidfile=$1/daemon/run/master.pid pid
	[ -r "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	[ -r "/proc/$pid/cmdline" ] || return 0
	if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$1/daemon/dovecot.conf"; then
		echo "$pid"
	fi
}

# _dc_greets PORT: true when 127.0.0.1:PORT sends an IMAP greeting
_dc_greets() {
	# shellcheck disable=SC2016 # $0 expands in the child bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"; head -c 4 <&3' "$1" \
		2>/dev/null | grep -q '^\* OK'
}

# dovecot_start_tcp DIR: start the daemon (after dovecot_setup DIR)
dovecot_start_tcp() {
	local dir d port uid gid try i u bin
	dir=$(cd "$1" && pwd -P) || return 1
	d=$dir/daemon
	# /usr/sbin is often not in a normal user's PATH
	bin=$(PATH=$PATH:/usr/sbin:/sbin command -v dovecot) ||
		{ _dc_die "dovecot binary not found (install dovecot-core)"; return 1; }
	[ -d "$dir/mail/cur" ] || { _dc_die "$dir: run dovecot_setup first"; return 1; }
	if _dc_is_root; then
		uid=$(id -u "$DOVECOT_RUN_USER") gid=$(id -g "$DOVECOT_RUN_USER")
	else
		uid=$(id -u) gid=$(id -g)
	fi
	mkdir -p "$d/run" "$d/state" "$d/home/alice"
	for u in bob carol; do
		mkdir -p "$d/home/$u/Maildir/cur" "$d/home/$u/Maildir/new" "$d/home/$u/Maildir/tmp"
	done
	ln -sfn "$dir/mail" "$d/home/alice/Maildir"
	cat >"$d/users" <<EOF
alice:{PLAIN}wonderland:$uid:$gid::$d/home/alice::
bob:{PLAIN}builder:$uid:$gid::$d/home/bob::
carol:{PLAIN}p@ss w"rd\\ü:$uid:$gid::$d/home/carol::
EOF
	: >>"$d/dovecot.log"
	for try in 1 2 3 4 5; do
		# a port in 20000-39999 that looks free; retried when bind fails
		port=$((20000 + (RANDOM * 32768 + RANDOM + $$ * 7 + try * 1009) % 20000))
		_dc_port_free "$port" || continue
		_dc_daemon_conf "$dir" "$port" >"$d/dovecot.conf"
		if _dc_is_root; then
			chown -R "$DOVECOT_RUN_USER:$DOVECOT_RUN_GROUP" "$d"
		fi
		_dc_as_user env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC \
			"$bin" -c "$d/dovecot.conf" || {
			tail -n 20 "$d/dovecot.log" >&2
			_dc_die "dovecot failed to start (config $d/dovecot.conf)"
			return 1
		}
		for i in $(seq 1 50); do
			if _dc_greets "$port"; then
				DOVECOT_PORT=$port
				export DOVECOT_PORT
				echo "$port" >"$d/port"
				echo "# dovecot listening on 127.0.0.1:$port (log $d/dovecot.log)"
				return 0
			fi
			if [ -z "$(_dc_master_pid "$dir")" ] && [ "$i" -gt 5 ]; then
				break
			fi
			sleep 0.1
		done
		dovecot_stop "$dir" >/dev/null 2>&1 || true
		grep -q 'Address already in use' "$d/dovecot.log" || break
	done
	tail -n 20 "$d/dovecot.log" >&2
	_dc_die "dovecot did not come up (log $d/dovecot.log)"
	return 1
}

# dovecot_stop DIR: stop the daemon started by dovecot_start_tcp DIR
dovecot_stop() {
	local dir pid i
	dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0
	pid=$(_dc_master_pid "$dir")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 50); do
		[ -e "/proc/$pid" ] || return 0
		sleep 0.1
	done
	echo "dovecot.sh: master $pid still alive after 5 s, sending KILL" >&2
	kill -KILL "$pid" 2>/dev/null || true
}

# dovecot_log DIR: print the logs (for a failing test's diagnostics)
dovecot_log() {
	local f
	for f in "$1/imap.log" "$1/daemon/dovecot.log"; do
		[ -s "$f" ] || continue
		echo "# --- $f"
		sed 's/^/# /' "$f"
	done
}

# ---------------------------------------------------------------------------
# The "full session" shared by tests/integration/stream.sh and tcp.sh: an
# imapsh script that uses every command Dovecot supports on the demo
# mailbox, and the lines Dovecot answers with (checked with testlib.sh).

# dovecot_full_script DIR: write DIR/full.imapsh and DIR/append.eml; print
# the number of IMAP commands in the script (= tagged OK lines expected)
dovecot_full_script() {
	local dir=$1
	printf '%s\r\n' "From: imapsh test <test@example.org>" \
		"To: alice@example.org" "Subject: appended by the integration test" \
		"Date: Mon, 01 Jan 2024 10:00:00 +0000" \
		"Message-ID: <append-1@example.org>" "" "Appended from a file." \
		>"$dir/append.eml"
	cat >"$dir/full.imapsh" <<EOF
# every command Dovecot supports, in an order that keeps the numbers known
capability
noop
namespace
raw ID NIL
list
list "" *
list "" Entw*
lsub
lsub "" Archive*
status INBOX (MESSAGES UNSEEN UIDNEXT UIDVALIDITY)
examine INBOX
select INBOX
response FLAGS
fetch 1 (FLAGS INTERNALDATE RFC822.SIZE)
fetch 1:3 (UID FLAGS)
fetch 1 BODY[]
fetch 3 BODYSTRUCTURE
fetch 4 (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])
fetch 11 BODY.PEEK[TEXT]<0.31>
fetch 5 ENVELOPE
search ALL
search UNSEEN
search FROM carol
search SUBJECT "Lunch on Friday"
search SINCE 10-Nov-2023 NOT DELETED
uid fetch 10:12 (FLAGS)
uid search FLAGGED
uid store 4 +FLAGS (\\Seen)
store 12 +FLAGS (\\Flagged \$Label1)
store 12 -FLAGS.SILENT (\\Flagged)
sort (DATE) UTF-8 ALL
sort (REVERSE SUBJECT) UTF-8 UNSEEN
thread REFERENCES UTF-8 ALL
thread ORDEREDSUBJECT UTF-8 ALL
copy 1:2 Archive
uid copy 3 Archive
move 9 Trash
uid move 11 Archive
check
expunge
create Projects
create Projects.Alpha
rename Projects.Alpha Projects.Beta
subscribe Projects.Beta
lsub "" Projects*
unsubscribe Projects.Beta
delete Projects.Beta
delete Projects
append INBOX (\\Seen \$Label1) "01-Jan-2024 10:00:00 +0000" @$dir/append.eml
uid fetch 13 (FLAGS INTERNALDATE)
status Archive (MESSAGES UIDNEXT)
getquotaroot INBOX
getquota "User quota"
getacl INBOX
setacl Archive bob lr
getacl Archive
myrights Archive
deleteacl Archive bob
getacl Archive
unselect
enable CONDSTORE
examine Archive
close
select INBOX
close
logout
EOF
	grep -cvE '^[[:space:]]*(#|$|response |help)' "$dir/full.imapsh"
}

# dovecot_full_check OUT: check imapsh's stdout for the full session
dovecot_full_check() {
	local l
	while IFS= read -r l; do
		case $l in
		'= '*) expect_line "line: ${l#= }" "$1" "${l#= }" ;;
		'^ '*) expect_line_prefix "line starts: ${l#^ }" "$1" "${l#^ }" ;;
		'~ '*) expect_match "line matches: ${l#~ }" "$1" "${l#~ }" ;;
		esac
	done <<'EOF'
^ * CAPABILITY IMAP4rev1 
~ ^\* NAMESPACE \(\("" "\."\)\) (NIL|\(\("shared\." "\."\)\)) NIL$
= * ID ("name" "Dovecot")
= * LIST (\HasNoChildren \Sent) "." Sent
= * LIST (\HasChildren \Archive) "." Archive
= * LIST (\HasNoChildren) "." Archive.2024
= * LIST (\HasNoChildren) "." Empty
= * LIST (\HasNoChildren) "." INBOX
~ ^\* LIST \(\\HasNoChildren\) "\." "?(Entw&APw-rfe|Entwürfe)"?$
= * LSUB () "." INBOX
= * LSUB (\Archive) "." Archive
= * LSUB () "." Archive.2024
= * STATUS INBOX (MESSAGES 12 UIDNEXT 13 UIDVALIDITY 1700000000 UNSEEN 4)
^ OK [READ-ONLY] Examine completed
= * 12 EXISTS
= * OK [UNSEEN 4] First unseen.
= * OK [UIDVALIDITY 1700000000] UIDs valid
= * OK [UIDNEXT 13] Predicted next UID
^ OK [READ-WRITE] Select completed
= * 1 FETCH (FLAGS (\Seen) INTERNALDATE "06-Nov-2023 09:00:00 +0000" RFC822.SIZE 484)
= * 2 FETCH (UID 2 FLAGS (\Seen))
= * 3 FETCH (UID 3 FLAGS (\Seen $Label1))
^ * 1 FETCH (BODY[] {484}
= this mailbox is generated by make-demo-mailbox.sh for trying imapsh.
^ * 3 FETCH (BODYSTRUCTURE (("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 49 1 NIL NIL NIL NIL)("text" "csv" ("name" "report.csv" "charset" "us-ascii") NIL NIL "base64" 100 2 NIL ("attachment" ("filename" "report.csv")) NIL NIL) "mixed" ("boundary" "mix-q3-0001")
^ * 4 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM)] {112}
= Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=
^ * 11 FETCH (BODY[TEXT]<0> {31}
^ Meeting notes, 15 November 2023
= * 5 FETCH (ENVELOPE ("Thu, 09 Nov 2023 11:00:00 +0000" "Lunch on Friday?" (("Carol Crane" NIL "carol" "example.com")) (("Carol Crane" NIL "carol" "example.com")) (("Carol Crane" NIL "carol" "example.com")) (("Alice Liddell" NIL "alice" "example.org")) (("Bob Builder" NIL "bob" "example.net")) NIL NIL "<lunch-1@example.com>"))
= * SEARCH 1 2 3 4 5 6 7 8 9 10 11 12
= * SEARCH 4 7 8 12
= * SEARCH 5 7
= * SEARCH 5 6 7
= * SEARCH 8 9 11 12
= * 10 FETCH (UID 10 FLAGS (\Deleted \Seen))
= * 12 FETCH (UID 12 FLAGS ())
= * SEARCH 8
= * 4 FETCH (UID 4 FLAGS (\Seen))
= * 12 FETCH (FLAGS (\Flagged $Label1))
^ OK Store completed
= * SORT 1 2 3 4 5 6 7 8 9 10 11 12
= * SORT 12 8 7
= * THREAD (1)(2)(3)(4)(5 6 7)(8)(9)(10)(11)(12)
= * THREAD (1)(2)(3)(4)(5 (6)(7))(8)(9)(10)(11)(12)
^ OK [COPYUID 1700000004 1:2 3:4] Copy completed
^ OK [COPYUID 1700000004 3 5] Copy completed
= * OK [COPYUID 1700000003 9 2] Moved UIDs.
= * 9 EXPUNGE
= * OK [COPYUID 1700000004 11 6] Moved UIDs.
= * 10 EXPUNGE
^ OK Move completed
^ OK Check completed
^ OK Expunge completed
^ OK Create completed
^ OK Rename completed
^ OK Subscribe completed
= * LSUB () "." Projects.Beta
^ OK Unsubscribe completed
^ OK Delete completed
= * 10 EXISTS
^ OK [APPENDUID 1700000000 13] Append completed
= * 10 FETCH (UID 13 FLAGS (\Seen \Recent $Label1) INTERNALDATE "01-Jan-2024 10:00:00 +0000")
= * STATUS Archive (MESSAGES 6 UIDNEXT 7)
= * QUOTAROOT INBOX "User quota"
~ ^\* QUOTA "User quota" \(STORAGE [0-9]+ 1048576 MESSAGE 23 10000\)$
^ OK Getquota completed
= * ACL INBOX alice lrwstipekxacd
^ OK Setacl complete
= * ACL Archive bob lr alice lrwstipekxacd
= * MYRIGHTS Archive lrwstipekxacd
^ OK Deleteacl complete
= * ACL Archive alice lrwstipekxacd
= * ENABLED CONDSTORE
^ OK Unselect completed
= * 6 EXISTS
= * OK [UIDVALIDITY 1700000004] UIDs valid
^ OK Close completed
= * OK [UIDNEXT 14] Predicted next UID
= * BYE Logging out
^ OK Logout completed
EOF
	expect_count "two CREATEs answered OK" 2 "$1" '^OK Create completed'
	expect_count "two CLOSEs answered OK" 2 "$1" '^OK Close completed'
	expect_count "no NO or BAD result on stdout" 0 "$1" '^(NO|BAD) '
	expect_no_match "no escape codes on stdout" "$1" $'\033'
}
