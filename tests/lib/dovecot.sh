# shellcheck shell=bash
# tests/lib/dovecot.sh -- run a throwaway Dovecot 2.3 for imapsh's tests and
# demo.  Source it (bash); it defines functions only.
#
#   dovecot_setup DIR        make DIR (mode 755) with the demo Maildir in
#                            DIR/mail and DIR/stream.conf for the imap binary
#   dovecot_stream_cmd DIR   print a /bin/sh command line that runs the
#                            pre-authenticated imap binary (user alice) on
#                            stdin/stdout: imapsh --stream "$(dovecot_stream_cmd DIR)"
#   dovecot_start_tcp DIR [OPTION...]
#                            start a daemon on 127.0.0.1 (free port), set
#                            and export DOVECOT_PORT (plain IMAP),
#                            DOVECOT_TLS_PORT (imaps, with --tls; else empty)
#                            and DOVECOT_HOST (the address it listens on),
#                            print "# dovecot ... PORT".  Options:
#       --name NAME          instance NAME (default "daemon"): its files are
#                            in DIR/NAME; several instances can run at once
#                            (they share the users and DIR/mail)
#       --tls [CERT]         ssl = yes: STARTTLS on the plain port and an
#                            imaps listener; the server certificate is CERT
#                            from tests/lib/certs.sh (server, the default;
#                            expired, wrongname, selfsigned), made in
#                            DIR/certs (DOVECOT_CA is its CA file)
#       --mechs "LIST"       auth_mechanisms (default "plain login"; with
#                            --tls "plain login cram-md5 scram-sha-1
#                            scram-sha-256")
#       --no-plaintext       disable_plaintext_auth = yes: the plain port
#                            advertises LOGINDISABLED (and only the AUTH=
#                            mechanisms that hide the password) until
#                            STARTTLS.  Dovecot trusts a connection whose
#                            source and destination IP are equal, so this
#                            instance listens on 127.0.0.2 (the client's
#                            source is 127.0.0.1): connect to DOVECOT_HOST
#       --external           EXTERNAL with TLS client certificates (needs
#                            --tls): the certificate's CN is the user name
#                            (certs.sh's alice.pem logs in as alice)
#       --oauth              XOAUTH2 and OAUTHBEARER with locally validated
#                            JWTs (HS256, no network); tokens from
#                            dovecot_oauth_token
#       --imap-capability "LIST"
#                            Dovecot's imap_capability: replaces the
#                            capabilities before and after login (AUTH=,
#                            STARTTLS and LOGINDISABLED are still added
#                            before login), e.g. to leave out SASL-IR
#   dovecot_oauth_token DIR USER [SECONDS]
#                            print a JWT for USER valid for SECONDS (default
#                            3600; negative: expired that long ago), signed
#                            with the key of DIR's --oauth instances
#   dovecot_stop DIR [NAME]  stop that daemon (only the pid it started)
#   dovecot_stop_all DIR     stop every instance under DIR (for at_exit)
#   dovecot_log DIR          print the Dovecot log files (for diagnostics)
#
# Users of the daemon (passwd-file, {PLAIN} scheme):
#   alice / wonderland       mail = DIR/mail (the demo mailbox)
#   bob   / builder          empty Maildir
#   carol / p@ss w"rd\ü      empty Maildir (space, quote, backslash, UTF-8)
#   dave  / Sw0rd fish"42    empty Maildir (space and quote, ASCII: a quoted
#                            string)
# Without options: plaintext LOGIN/AUTHENTICATE PLAIN allowed, ssl = no.
# Always: quota (count) and acl (vfile) plugins with imap_quota and imap_acl,
# shared namespace "shared.USER." (after alice's SETACL Sent bob lr, bob sees
# shared.alice.Sent), auth_failure_delay = 0.
#
# Dovecot refuses to serve mail as root.  When we are root, what Dovecot
# writes (DIR/mail, DIR/run, DIR/home, DIR/NAME) is chown'ed to
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

# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/certs.sh
. "$SRCDIR/tests/lib/certs.sh"

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
mail_plugins = quota acl zlib
mail_attribute_dict = file:%h/dovecot-attributes
protocol imap {
  mail_plugins = $mail_plugins imap_quota imap_acl imap_zlib
  imap_metadata = yes
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

# dovecot_stream_test: how a test on the pipe transport starts, once this
# file is sourced: a temporary directory ($T_TMP, testlib's test_tmpdir),
# the Dovecot tree in $T_TMP/dc, whose log is shown when a check fails, and
# $stream, the --stream command that runs Dovecot on it.
dovecot_stream_test() {
	test_tmpdir
	on_failure _dc_show_test_log
	dovecot_setup "$T_TMP/dc" || hard_error "dovecot_setup failed"
	# shellcheck disable=SC2034 # for the test script
	stream=$(dovecot_stream_cmd "$T_TMP/dc")
}

# dovecot_daemon_test: how a test of Dovecot daemons starts, once this file
# is sourced: a temporary directory ($T_TMP, testlib's test_tmpdir), the
# Dovecot tree in $dc ($T_TMP/dc), whose logs are shown when a check fails
# and whose daemons are all stopped at exit.  The test then starts them:
# dovecot_start_tcp "$dc" [OPTION...].
dovecot_daemon_test() {
	test_tmpdir
	# shellcheck disable=SC2034 # for the test script
	dc=$T_TMP/dc
	on_failure _dc_show_test_log
	at_exit _dc_stop_test_daemons
	dovecot_setup "$T_TMP/dc" || hard_error "dovecot_setup failed"
}

_dc_show_test_log() {
	dovecot_log "$T_TMP/dc"
}

_dc_stop_test_daemons() {
	dovecot_stop_all "$T_TMP/dc"
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

# _dc_port_free PORT [HOST]: true when nothing listens on HOST:PORT
# (default 127.0.0.1)
_dc_port_free() {
	# shellcheck disable=SC2016 # $0 and $1 expand in the child bash
	! timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$0"' "$1" "${2:-127.0.0.1}" 2>/dev/null
}

# _dc_daemon_conf DIR NAME PORT TLS_PORT HOST: the daemon's dovecot.conf on
# stdout; TLS_PORT empty: no TLS.  Reads the option variables of
# dovecot_start_tcp (_dc_cert _dc_mechs _dc_noplain _dc_external _dc_oauth
# _dc_caps).
_dc_daemon_conf() {
	local dir=$1 name=$2 port=$3 tls_port=$4 host=$5 d=$1/$2 user group
	local certs=$1/certs
	if _dc_is_root; then
		user=$DOVECOT_RUN_USER group=$DOVECOT_RUN_GROUP
	else
		user=$(id -un) group=$(id -gn)
	fi
	cat <<EOF
# imapsh tests: Dovecot daemon on $host:$port${tls_port:+ (imaps $tls_port)}, every process as $user
instance_name = imapsh-$port
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
listen = $host
$(_dc_common_conf)
default_internal_user = $user
default_internal_group = $group
default_login_user = $user
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
disable_plaintext_auth = $([ -n "$_dc_noplain" ] && echo yes || echo no)
auth_mechanisms = $_dc_mechs
auth_failure_delay = 0
auth_verbose = yes
login_greeting = imapsh test server ready.
EOF
	if [ -n "$tls_port" ]; then
		cat <<EOF
ssl = yes
ssl_cert = <$certs/$_dc_cert.pem
ssl_key = <$certs/$_dc_cert.key
ssl_dh = <$certs/dh.pem
ssl_min_protocol = TLSv1.2
EOF
	else
		echo "ssl = no"
	fi
	if [ -n "$_dc_caps" ]; then
		printf 'protocol imap {\n  imap_capability = %s\n}\n' "$_dc_caps"
	fi
	if [ -n "$_dc_external" ]; then
		# the CN of a client certificate signed by the test CA is the
		# user name; EXTERNAL needs no password (static nopassword
		# passdb, only for that mechanism); userdb checks the user exists
		cat <<EOF
ssl_ca = <$certs/ca.pem
ssl_verify_client_cert = yes
ssl_require_crl = no
auth_ssl_username_from_cert = yes
ssl_cert_username_field = commonName
passdb {
  driver = static
  args = nopassword=y
  mechanisms = external
}
EOF
	fi
	if [ -n "$_dc_oauth" ]; then
		cat <<EOF
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $d/oauth2.conf.ext
}
EOF
	fi
	cat <<EOF
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
    address = $host
    port = $port
  }
  inet_listener imaps {
    address = $host
    port = ${tls_port:-0}
    ssl = $([ -n "$tls_port" ] && echo yes || echo no)
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

# _dc_master_pid DIR [NAME]: pid of this instance's running master, or nothing
_dc_master_pid() {
	local d=$1/${2:-daemon} pidfile pid
	pidfile=$d/run/master.pid
	[ -r "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	[ -r "/proc/$pid/cmdline" ] || return 0
	if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qxF -- "$d/dovecot.conf"; then
		echo "$pid"
	fi
}

# _dc_greets PORT [HOST]: true when HOST:PORT sends an IMAP greeting
_dc_greets() {
	# shellcheck disable=SC2016 # $0 and $1 expand in the child bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$0"; head -c 4 <&3' "$1" "${2:-127.0.0.1}" \
		2>/dev/null | grep -q '^\* OK'
}

# _dc_oauth_secret DIR: the HS256 key (base64) of DIR's --oauth instances
_dc_oauth_secret() {
	if [ ! -s "$1/oauth.secret" ]; then
		head -c 32 /dev/urandom | base64 >"$1/oauth.secret" || return 1
	fi
	cat "$1/oauth.secret"
}

# dovecot_oauth_token DIR USER [SECONDS]: a JWT (HS256) for USER
dovecot_oauth_token() {
	local dir secret
	dir=$(cd "$1" && pwd -P) || return 1
	secret=$(_dc_oauth_secret "$dir") || return 1
	"${PYTHON3:-python3}" - "$secret" "$2" "${3:-3600}" <<'PYEOF'
import base64, hashlib, hmac, json, sys, time
key = base64.b64decode(sys.argv[1])
now = int(time.time())
life = int(sys.argv[3])
def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
head = b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
iat = now if life > 0 else now + life - 60
body = b64(json.dumps({"sub": sys.argv[2], "iat": iat, "nbf": iat,
                       "exp": now + life}).encode())
sig = hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest()
print(head + "." + body + "." + b64(sig))
PYEOF
}

# dovecot_start_tcp DIR [OPTION...]: start a daemon (after dovecot_setup
# DIR); options above
dovecot_start_tcp() {
	local dir d name=daemon tls='' port tls_port uid gid try i u bin host=127.0.0.1
	local _dc_cert=server _dc_mechs='' _dc_noplain='' _dc_external='' _dc_oauth=''
	local _dc_caps=''
	dir=$(cd "$1" && pwd -P) || return 1
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--name) name=$2; shift 2 ;;
		--tls)
			tls=1
			shift
			case ${1:-} in
			server | expired | wrongname | selfsigned) _dc_cert=$1; shift ;;
			esac
			;;
		--mechs) _dc_mechs=$2; shift 2 ;;
		--no-plaintext) _dc_noplain=1 host=127.0.0.2; shift ;;
		--external) _dc_external=1; shift ;;
		--oauth) _dc_oauth=1; shift ;;
		--imap-capability) _dc_caps=$2; shift 2 ;;
		*) _dc_die "dovecot_start_tcp: unknown option $1"; return 1 ;;
		esac
	done
	case $name in
	'' | */* | .* | mail | run | home | certs) _dc_die "dovecot_start_tcp: bad instance name '$name'"; return 1 ;;
	esac
	if [ -n "$_dc_external" ] && [ -z "$tls" ]; then
		_dc_die "dovecot_start_tcp: --external needs --tls"
		return 1
	fi
	if [ -z "$_dc_mechs" ]; then
		_dc_mechs="plain login"
		[ -z "$tls" ] || _dc_mechs="plain login cram-md5 scram-sha-1 scram-sha-256"
	fi
	[ -z "$_dc_external" ] || _dc_mechs="$_dc_mechs external"
	[ -z "$_dc_oauth" ] || _dc_mechs="$_dc_mechs oauthbearer xoauth2"
	d=$dir/$name
	# /usr/sbin is often not in a normal user's PATH
	bin=$(PATH=$PATH:/usr/sbin:/sbin command -v dovecot) ||
		{ _dc_die "dovecot binary not found (install dovecot-core)"; return 1; }
	[ -d "$dir/mail/cur" ] || { _dc_die "$dir: run dovecot_setup first"; return 1; }
	if [ -n "$tls" ]; then
		certs_make "$dir/certs" || return 1
		DOVECOT_CA=$dir/certs/ca.pem
		export DOVECOT_CA
	fi
	if _dc_is_root; then
		uid=$(id -u "$DOVECOT_RUN_USER") gid=$(id -g "$DOVECOT_RUN_USER")
	else
		uid=$(id -u) gid=$(id -g)
	fi
	mkdir -p "$d/run" "$d/state" "$d/home/alice"
	for u in bob carol dave; do
		mkdir -p "$d/home/$u/Maildir/cur" "$d/home/$u/Maildir/new" "$d/home/$u/Maildir/tmp"
	done
	ln -sfn "$dir/mail" "$d/home/alice/Maildir"
	cat >"$d/users" <<EOF
alice:{PLAIN}wonderland:$uid:$gid::$d/home/alice::
bob:{PLAIN}builder:$uid:$gid::$d/home/bob::
carol:{PLAIN}p@ss w"rd\\ü:$uid:$gid::$d/home/carol::
dave:{PLAIN}Sw0rd fish"42:$uid:$gid::$d/home/dave::
EOF
	if [ -n "$_dc_oauth" ]; then
		# Dovecot looks the key up as shared/<azp>/<alg>/<kid>; the fs
		# dict drops "shared/"
		mkdir -p "$d/keys/default/HS256"
		printf '%s' "$(_dc_oauth_secret "$dir")" >"$d/keys/default/HS256/default" || return 1
		printf '%s\n' "introspection_mode = local" \
			"local_validation_key_dict = fs:posix:prefix=$d/keys/" \
			"username_attribute = sub" >"$d/oauth2.conf.ext"
	fi
	: >>"$d/dovecot.log"
	for try in 1 2 3 4 5; do
		# ports in 20000-39999 that look free; retried when bind fails
		# (the greeting is awaited up to ~15 s: a loaded machine is slow)
		port=$((20000 + (RANDOM * 32768 + RANDOM + $$ * 7 + try * 1009) % 20000))
		tls_port=
		_dc_port_free "$port" "$host" || continue
		if [ -n "$tls" ]; then
			tls_port=$((port + 1))
			_dc_port_free "$tls_port" "$host" || continue
		fi
		_dc_daemon_conf "$dir" "$name" "$port" "$tls_port" "$host" >"$d/dovecot.conf"
		if _dc_is_root; then
			chown -R "$DOVECOT_RUN_USER:$DOVECOT_RUN_GROUP" "$d"
		fi
		if ! _dc_as_user env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=UTC \
			"$bin" -c "$d/dovecot.conf" 2>"$d/start.err"; then
			# another test may have taken the port since we looked
			cat "$d/start.err" >>"$d/dovecot.log"
			grep -q 'Address already in use' "$d/start.err" && continue
			tail -n 20 "$d/dovecot.log" >&2
			_dc_die "dovecot failed to start (config $d/dovecot.conf)"
			return 1
		fi
		for i in $(seq 1 150); do
			if _dc_greets "$port" "$host"; then
				DOVECOT_PORT=$port DOVECOT_TLS_PORT=$tls_port DOVECOT_HOST=$host
				export DOVECOT_PORT DOVECOT_TLS_PORT DOVECOT_HOST
				echo "$port" >"$d/port"
				echo "# dovecot $name listening on $host:$port${tls_port:+ and imaps $tls_port} (log $d/dovecot.log)"
				return 0
			fi
			if [ -z "$(_dc_master_pid "$dir" "$name")" ] && [ "$i" -gt 5 ]; then
				break
			fi
			sleep 0.1
		done
		dovecot_stop "$dir" "$name" >/dev/null 2>&1 || true
		grep -q 'Address already in use' "$d/dovecot.log" || break
	done
	tail -n 20 "$d/dovecot.log" >&2
	_dc_die "dovecot did not come up (log $d/dovecot.log)"
	return 1
}

# dovecot_stop DIR [NAME]: stop the daemon started by dovecot_start_tcp DIR
dovecot_stop() {
	local dir pid
	dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0
	pid=$(_dc_master_pid "$dir" "${2:-daemon}")
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	_dc_wait_gone "$pid"
}

# _dc_wait_gone PID...: wait up to 5 s for the PIDs to end, then KILL them
_dc_wait_gone() {
	local i pid left
	for i in $(seq 1 50); do
		left=
		for pid in "$@"; do
			[ -e "/proc/$pid" ] && left="$left $pid"
		done
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	for pid in $left; do
		echo "dovecot.sh: master $pid still alive after 5 s, sending KILL" >&2
		kill -KILL "$pid" 2>/dev/null || true
	done
	: "$i"
}

# dovecot_stop_all DIR: stop every instance started under DIR (all at once)
dovecot_stop_all() {
	local dir f pid pids=()
	dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0
	for f in "$dir"/*/dovecot.conf; do
		[ -f "$f" ] || continue
		f=${f%/dovecot.conf}
		pid=$(_dc_master_pid "$dir" "${f##*/}")
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
	done
	[ ${#pids[@]} -eq 0 ] || _dc_wait_gone "${pids[@]}"
}

# dovecot_log DIR: print the logs (for a failing test's diagnostics)
dovecot_log() {
	local f
	for f in "$1/imap.log" "$1"/*/dovecot.log; do
		[ -s "$f" ] || continue
		echo "# --- $f"
		tail -n 60 "$f" | sed 's/^/# /'
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
~ ^\* NAMESPACE  personal "" "\."  other users (none|"shared\." "\.")  shared none$
= * ID ("name" "Dovecot")
= * LIST  Sent                      .  \HasNoChildren \Sent
= * LIST  Archive                   .  \HasChildren \Archive
= * LIST  Archive.2024              .  \HasNoChildren
= * LIST  Empty                     .  \HasNoChildren
= * LIST  INBOX                     .  \HasNoChildren
= * LIST  Entwürfe                  .  \HasNoChildren
= * LSUB  INBOX                     .
= * LSUB  Archive                   .  \Archive
= * LSUB  Archive.2024              .
= * STATUS  INBOX  12 messages, 4 unseen, UIDNEXT 13, UIDVALIDITY 1700000000
^ OK [READ-ONLY] Examine completed
= * 12 EXISTS
= * OK [UNSEEN 4] First unseen.
= * OK [UIDVALIDITY 1700000000] UIDs valid
= * OK [UIDNEXT 13] Predicted next UID
^ OK [READ-WRITE] Select completed
= * 1 FETCH  \Seen  484 bytes  received 2023-11-06 09:00:00 +00:00
= * 2 FETCH  UID 2  \Seen
= * 3 FETCH  UID 3  \Seen $Label1
=   BODY[]  484 bytes
= this mailbox is generated by make-demo-mailbox.sh for trying imapsh.
= * 3 FETCH
=   Parts          multipart/mixed
=               1    text/plain; charset=us-ascii  7bit     49 bytes   1 line
=               2    text/csv; charset=us-ascii    base64  100 bytes  2 lines  attachment "report.csv"
=   BODY[HEADER.FIELDS (SUBJECT FROM)]  112 bytes
= Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?=
=   BODY[TEXT]<0>  "Meeting notes, 15 November 2023"
= * 5 FETCH
=   Date        Thu, 09 Nov 2023 11:00:00 +0000
=   From        Carol Crane <carol@example.com>
=   To          Alice Liddell <alice@example.org>
=   Cc          Bob Builder <bob@example.net>
=   Subject     Lunch on Friday?
=   Message-ID  <lunch-1@example.com>
= * SEARCH  12 matches: 1:12
= * SEARCH  4 matches: 4 7:8 12
= * SEARCH  2 matches: 5 7
= * SEARCH  3 matches: 5:7
= * SEARCH  4 matches: 8:9 11:12
= * 10 FETCH  UID 10  \Deleted \Seen
= * 12 FETCH  UID 12  no flags
= * SEARCH  1 match: 8
= * 4 FETCH  UID 4  \Seen
= * 12 FETCH  \Flagged $Label1
^ OK Store completed
= * SORT  12 messages in order: 1:12
= * SORT  3 messages in order: 12 8 7
= * THREAD  10 threads
=       7
=     7
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
= * LSUB  Projects.Beta             .
^ OK Unsubscribe completed
^ OK Delete completed
= * 10 EXISTS
^ OK [APPENDUID 1700000000 13] Append completed
= * 10 FETCH  UID 13  \Seen \Recent $Label1  received 2024-01-01 10:00:00 +00:00
= * STATUS  Archive  6 messages, UIDNEXT 7
= * QUOTAROOT  INBOX  roots: User quota
~ ^\* QUOTA  User quota  STORAGE [0-9.]+ KB of 1\.0 GB \([0-9]+%\), MESSAGE 23 of 10000 \(0%\)$
^ OK Getquota completed
= * ACL  INBOX
=   alice              lrwstipekxacd
^ OK Setacl complete
= * ACL  Archive
=   bob                lr
= * MYRIGHTS  Archive  lrwstipekxacd
^ OK Deleteacl complete
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
