#!/bin/bash
# tests/integration/literals.sh -- a literal just under and just over the
# streaming threshold (1 MiB: kept in memory below, spooled at and above)
# comes out the same way in every output format: escaped in pretty (no
# control byte reaches the terminal), one JSON string inside its object in
# json, byte-exact and in wire order in raw.  The message is text full of
# terminal escape sequences (window title, clear screen, OSC 52 clipboard).
set -eu

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source-path=SCRIPTDIR/../.. source=tests/lib/testlib.sh
. "$SRCDIR/tests/lib/testlib.sh"

skip_unless_python
need_imapsh
test_tmpdir

FAKE=$SRCDIR/tests/hostile/fakeserver.py
THRESHOLD=1048576

# scenario FILE SIZE KIND: a FETCH whose BODY[] literal is SIZE bytes of
# text (a stray escape sequence per line: still shown as text), escaped
# text (many of them, and a byte that is not UTF-8: text still, those
# bytes escaped) or binary (NUL bytes), and the exact bytes the server
# sends for it in FILE.wire
scenario() {
	"$PYTHON3" - "$1" "$2" "$3" <<'EOF'
import sys
path, size, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
head = b"Subject: \x1b]0;pwned\x07 hello\r\n\r\n"
if kind == "text":
    unit = b"caf\xc3\xa9 \xe2\x82\xac " + b"plain words " * 14 + b"\x1b[2J\r\n"
elif kind == "escaped":
    unit = b"bin \x1b[2J\x1b]52;c;cGFzc3dvcmQ=\x07 caf\xe9 \xe2\x82\xac more \\ ...\r\n"
else:
    unit = b"bin \x00\x01\x1b[2J\x1b]52;c;cGFzc3dvcmQ=\x07 caf\xe9 \xe2\x82\xac more \\ ...\r\n"
body = head + unit * ((size - len(head)) // len(unit))
body += b"x" * (size - len(body))
assert len(body) == size
resp = b"* 1 FETCH (UID 7 BODY[] {%d}\r\n" % size + body + b" FLAGS (\\Seen))\r\n"
def esc(b):
    return "".join(chr(c) if 32 <= c < 127 and c != 92 else "\\x%02x" % c for c in b)
with open(path, "w") as f:
    f.write("S: * PREAUTH [CAPABILITY IMAP4rev1] fake\n")
    f.write("C: (?i)(?P<tag>\\S+) SELECT \"?INBOX\"?\n")
    f.write("S: * 1 EXISTS\nS: $tag OK [READ-WRITE] done\n")
    f.write("C: (?i)(?P<tag>\\S+) FETCH 1 .*\n")
    # the response in pieces: the literal data goes out in 4 KiB lines
    for i in range(0, len(resp), 4096):
        f.write("S! " + esc(resp[i:i + 4096]) + "\n")
    f.write("S: $tag OK done\nFINISH\n")
with open(path + ".wire", "wb") as f:
    f.write(resp)
EOF
}

# run FORMAT SIZE KIND: imapsh -o FORMAT against the scenario; sets $dir
run() {
	local fmt=$1 size=$2 kind=$3
	dir=$T_TMP/$fmt.$size.$kind
	scn=$T_TMP/s.$size.$kind.scn
	mkdir -p "$dir"
	[ -f "$scn" ] || scenario "$scn" "$size" "$kind"
	rc=0
	"$IMAPSH" -o "$fmt" --stream "exec $PYTHON3 $FAKE $scn" \
		-c "select INBOX" -c "fetch 1 (UID BODY.PEEK[] FLAGS)" \
		>"$dir/out" 2>"$dir/err" || rc=$?
	expect_exit "-o $fmt, $size-byte $kind literal: exit status" 0
	expect_eq "-o $fmt, $size-byte $kind literal: nothing on stderr" "" "$(cat "$dir/err")"
}

for kind in text escaped binary; do
for size in $((THRESHOLD - 1)) $THRESHOLD $((THRESHOLD + 1)); do
	# pretty: no byte a terminal acts on, the same shape either side
	run pretty "$size" "$kind"
	if "$PYTHON3" - "$dir/out" "$size" "$kind" <<'EOF'
import re, sys
out = open(sys.argv[1], "rb").read()
size, kind = int(sys.argv[2]), sys.argv[3]
bad = [c for c in out if (c < 32 and c not in (9, 10)) or c == 127]
assert not bad, "control bytes in pretty output: %r" % bytes(bad[:10])
text = out.decode("utf-8")
lines = text.split("\n")
assert lines[-1] == ""
assert lines[-2] == "OK done", lines[-2]
# through the FETCH view, kept in memory or spooled alike: its flags on
# the first line, the section's key and size, then its text
assert "* 1 FETCH  UID 7  \\Seen\n  BODY[]  %d bytes\n" % size in text, text[:200]
assert text.count("\\x1b]0;pwned\\x07") == 1
if kind == "text":
    # CRLF shown as a line end; the text as it reads
    assert "\\x0d" not in text
    assert "caf\u00e9 \u20ac plain words" in text
elif kind == "escaped":
    # still text: CRLF a line end; Latin-1 as \xe9 and so \ doubled
    assert "\\x0d" not in text
    assert "caf\\xe9 \u20ac more \\\\ ..." in text
else:
    # binary: every byte shown, CR escaped, \ doubled
    assert "\\x0d" in text and "\\x00" in text and "caf\\xe9" in text
    assert "more \\\\ ..." in text
assert text.index("* 1 FETCH") < text.index("BODY[]") < text.index("OK done")
EOF
	then ok "-o pretty, $size-byte $kind literal: escaped, in place"
	else not_ok "-o pretty, $size-byte $kind literal: escaped, in place" "$(head -c 300 "$dir/out")"
	fi
	cp "$dir/out" "$T_TMP/pretty-$size-$kind.txt"

	# json: every line is JSON; the body is one string (or base64) holding the bytes
	run json "$size" "$kind"
	if "$PYTHON3" - "$dir/out" "$scn.wire" <<'EOF'
import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
objs = [json.loads(l) for l in lines]
wire = open(sys.argv[2], "rb").read()
fetch = [o for o in objs if o.get("type") == "fetch"]
assert len(fetch) == 1, lines[:3]
f = fetch[0]
assert f["seq"] == 1 and f["uid"] == 7, f.get("uid")
sec = f["sections"]
assert len(sec) == 1 and sec[0]["section"] == "", [x.get("section") for x in sec]
body = sec[0]["data"]
start = wire.index(b"}\r\n") + 3
data = wire[start:wire.rindex(b" FLAGS (\\Seen))")]
# text that is valid UTF-8 is a string; other bytes go as base64, exactly
try:
    want = data.decode("utf-8")
    assert body == want, "body differs"
except UnicodeDecodeError:
    import base64
    assert isinstance(body, dict) and base64.b64decode(body["base64"]) == data, "base64 differs"
assert f["flags"] == ["\\Seen"], f["flags"]
assert objs[-1]["type"] == "tagged" and objs[-1]["status"] == "OK"
assert objs.index(f) < len(objs) - 1
EOF
	then ok "-o json, $size-byte $kind literal: one JSON string inside its object"
	else not_ok "-o json, $size-byte $kind literal: one JSON string inside its object" "$(head -c 300 "$dir/out")"
	fi

	# raw: exactly the server's bytes, in wire order
	run raw "$size" "$kind"
	if "$PYTHON3" - "$dir/out" "$scn.wire" <<'EOF'
import sys
out = open(sys.argv[1], "rb").read()
wire = open(sys.argv[2], "rb").read()
i = out.index(b"* 1 FETCH")
assert out[i:i + len(wire)] == wire, "raw differs from the wire"
assert out[i + len(wire):].startswith(b"A") or out[i + len(wire):].split(b" ", 2)[1] == b"OK"
EOF
	then ok "-o raw, $size-byte $kind literal: byte-exact, in wire order"
	else not_ok "-o raw, $size-byte $kind literal: byte-exact, in wire order" "$(head -c 300 "$dir/out" | cat -v)"
	fi
done
done

# just under and just over the threshold look the same, but for the size
# and the one byte more
for kind in text escaped binary; do
	under=$(sed "s/  $((THRESHOLD - 1)) bytes\$/  N bytes/" "$T_TMP/pretty-$((THRESHOLD - 1))-$kind.txt" | md5sum)
	over=$(sed "s/  $THRESHOLD bytes\$/  N bytes/; s/^x//" "$T_TMP/pretty-$THRESHOLD-$kind.txt" | md5sum)
	expect_eq "pretty, $kind: kept and spooled literals look the same" "$under" "$over"
done

test_done
