#!/bin/bash
# tests/integration/json.sh -- -o json against Dovecot (the demo mailbox,
# pipe transport): every line of a session that runs every command is an
# object valid against man/imapsh-json.schema.json (run_imapsh checks
# that), the typed objects carry what the model decoded (mailbox names,
# RFC 2047 words, body structure, sections; bytes that are not UTF-8 as
# base64), every object names its command and script line or says it was
# unsolicited, and shell commands and errors are objects too.
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"
skip_unless_dovecot
skip_unless_python
need_imapsh
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/dovecot.sh
. "$SRCDIR/tests/lib/dovecot.sh"
dovecot_stream_test

# jq-like checks: python reads $T_TMP/out.json and runs the assertion
# given; prints "ok" or what failed
jcheck() {
	local name=$1 code=$2 res
	res=$("$PYTHON3" - "$T_TMP/out.json" "$code" <<'EOF'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
def of(t, **kw):
    return [o for o in objs if o.get("type") == t and all(o.get(k) == v for k, v in kw.items())]
env = {"objs": objs, "of": of}
try:
    exec(sys.argv[2], env)
    print("ok")
except AssertionError as e:
    print("assertion failed: %s" % e)
except Exception as e:
    print("error: %r" % e)
EOF
) || true
	if [ "$res" = ok ]; then ok "$name"; else not_ok "$name" "$res"; fi
}

# 1. every command Dovecot supports (the full session of dovecot.sh)
n=$(dovecot_full_script "$T_TMP")
run_imapsh -o json --stream "$stream" -f "$T_TMP/full.imapsh"
expect_exit "full session, -o json" 0
printf '%s\n' "$out" >"$T_TMP/out.json"
jcheck "every line is version 1" 'assert all(o["version"] == 1 for o in objs), "version"'
jcheck "one tagged result per command, in line order" "
t = of('tagged')
assert len(t) == $n, len(t)
lines = [o['line'] for o in t]
assert lines == sorted(lines), lines
assert all(o['status'] == 'OK' for o in t), [o for o in t if o['status'] != 'OK']"
jcheck "the greeting is typed, with no command" "
g = objs[0]
assert g['type'] == 'greeting' and g['status'] in ('OK', 'PREAUTH'), g
assert 'command' not in g and 'line' not in g, g"
jcheck "untagged objects name their command and line, or say unsolicited" "
for o in objs[1:]:
    if o['type'] in ('tagged', 'greeting', 'error', 'warning'):
        continue
    assert ('command' in o and 'line' in o) or o.get('unsolicited') is True, o"
jcheck "data goes with the command that asked for it" "
want = {'fetch': ('FETCH', 'UID FETCH', 'STORE', 'UID STORE', 'SELECT', 'EXAMINE', 'NOOP'),
        'list': ('LIST',), 'lsub': ('LSUB',), 'status': ('STATUS', 'LIST'),
        'search': ('SEARCH', 'UID SEARCH'), 'sort': ('SORT',), 'thread': ('THREAD',),
        'namespace': ('NAMESPACE',), 'quota': ('GETQUOTAROOT', 'GETQUOTA'),
        'quotaroot': ('GETQUOTAROOT',), 'acl': ('GETACL',), 'myrights': ('MYRIGHTS',)}
for o in objs:
    if o['type'] in want and 'command' in o:
        assert o['command'] in want[o['type']], o"
jcheck "list: the name decoded, the wire form beside it" "
e = [o for o in of('list') if o['name'] == 'Entwürfe']
assert e and e[0]['name_wire'] == 'Entw&APw-rfe' and e[0]['delimiter'] == '.', e
i = [o for o in of('list') if o['name'] == 'INBOX']
assert i and 'name_wire' not in i[0], i"
jcheck "status: numbers by name" "
s = of('status', name='INBOX')
assert s and s[0]['messages'] == 12 and s[0]['uidnext'] == 13 and s[0]['uidvalidity'] == 1700000000, s"
jcheck "fetch: flags, size, INTERNALDATE in ISO 8601" "
f = [o for o in of('fetch', seq=1) if 'internaldate' in o]
assert f and f[0]['flags'] == ['\\\\Seen'] and isinstance(f[0]['size'], int), f
assert f[0]['internaldate'].startswith('2023-11-06T'), f"
jcheck "fetch: the envelope decoded (RFC 2047, ISO-8859-1)" "
f = [o for o in of('fetch', seq=5) if 'envelope' in o]
assert f, 'no envelope of message 5'
e = f[0]['envelope']
assert e['subject'] == 'Lunch on Friday?' or e['subject'], e
g = [o for o in of('fetch') if 'envelope' in o and o['envelope'].get('message_id') == '<gruesse-7@example.de>']
assert not g or g[0]['envelope']['subject'] == 'Grüße aus München', g"
jcheck "fetch: body structure as a tree with part numbers" "
f = [o for o in of('fetch', seq=3) if 'body' in o]
assert f, 'no body of message 3'
b = f[0]['body']
assert b['type'] == 'multipart' and b['part'] == '' and len(b['parts']) >= 2, b
assert b['parts'][1]['part'] == '2' and b['parts'][1]['disposition']['type'] == 'attachment', b"
jcheck "fetch: sections with their data" "
s = [x for o in of('fetch', seq=4) for x in o.get('sections', [])]
assert s and s[0]['spec'].startswith('HEADER.FIELDS') and 'Subject:' in s[0]['data'], s
p = [x for o in of('fetch', seq=11) for x in o.get('sections', [])]
assert p and p[0]['origin'] == 0 and len(p[0]['data']) == 31, p"
jcheck "search and sort: numbers; thread: a tree" "
assert of('search')[0]['ids'] == list(range(1, 13)), of('search')[0]
assert len(of('sort')[0]['ids']) == 12
assert of('thread') and isinstance(of('thread')[0]['threads'], list)"
jcheck "codes typed: APPENDUID, COPYUID, UIDVALIDITY" "
codes = [o['code'] for o in objs if 'code' in o]
names = {c['name'] for c in codes}
assert {'APPENDUID', 'COPYUID', 'UIDVALIDITY', 'PERMANENTFLAGS'} <= names, names
a = [c for c in codes if c['name'] == 'APPENDUID'][0]
assert a['uidvalidity'] == 1700000000 and a['uids'] == '13', a
c = [c for c in codes if c['name'] == 'COPYUID'][0]
assert isinstance(c['source'], str) and isinstance(c['dest'], str), c"

# 2. shell commands and errors are objects; bytes that are not UTF-8 are
# base64, never look-alike characters
printf 'Subject: latin\r\n\r\ncaf\xe9 cr\xe8me\r\n' >"$T_TMP/latin1.eml"
cat >"$T_TMP/shell.imapsh" <<EOF
show
debug
format
help fetch
socket
create Latin
append Latin @$T_TMP/latin1.eml
select Latin
fetch 1 (BODY.PEEK[TEXT] BODY.PEEK[HEADER])
fetch
response NOSUCH
nosuchcommand
response FLAGS
logout
EOF
run_imapsh -o json --stream "$stream" -f "$T_TMP/shell.imapsh"
expect_exit "shell commands and errors, -o json" 1
printf '%s\n' "$out" >"$T_TMP/out.json"
jcheck "show, setting, help, socket, kept: objects" "
s = of('show')[0]
assert s['connected'] and s['state'] in ('AUTH', 'AUTHENTICATED', 'auth') or s['state'], s
assert s['line'] == 1 and isinstance(s['capabilities'], list), s
assert of('setting', name='debug')[0]['value'] == 0
assert of('setting', name='format')[0]['value'] == 'json'
h = of('help')[0]['commands']
assert len(h) == 1 and h[0]['name'] == 'fetch' and h[0]['kind'] == 'imap', h
assert of('socket')[0]['description']
assert of('kept', name='NOSUCH')[0]['count'] == 0"
jcheck "a section that is not UTF-8 is base64 of its bytes" "
import base64
s = [x for o in of('fetch', seq=1) for x in o.get('sections', []) if x['spec'] == 'TEXT']
assert s, 'no TEXT section'
assert base64.b64decode(s[0]['data']['base64']) == b'caf\xe9 cr\xe8me\r\n', s
h = [x for o in of('fetch', seq=1) for x in o.get('sections', []) if x['spec'] == 'HEADER']
assert h and h[0]['data'] == 'Subject: latin\r\n\r\n', h"
jcheck "errors are objects with their line" "
e = of('error')
assert [o['line'] for o in e] == [10, 12], e
assert all(o['source'] and o['message'] for o in e), e"
expect_match "errors also on stderr" "$err" ':10: .*fetch'
jcheck "kept responses shown again name the response command" "
f = of('flags', command='response')
assert f and f[0]['line'] == 13, of('flags')"

test_done
