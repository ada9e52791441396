#!/usr/bin/env python3
"""fakeserver.py [OPTIONS] SCENARIO -- a scripted fake IMAP server.

Speaks on stdin/stdout (imapsh --stream "python3 fakeserver.py FILE"), or
with --tcp PORTFILE listens on 127.0.0.1 or --host ADDR (port chosen by the kernel, written
to PORTFILE), serves one connection and exits.

Scenario file: one directive per line, executed in order.
  # text           comment (also the run.sh headers "# args:", "# exit:" ...)
  S: text          send text + CRLF ($name / ${name} are replaced by values
                   captured from client lines, e.g. $tag; ${name+N} is the
                   value with its trailing number raised by N, e.g. the tag
                   the client will use next; other $ stay)
  S! bytes         send bytes given with Python escapes (\\r \\n \\t \\\\ \\x00),
                   no CRLF added
  FILL N [C]       send N filler bytes (character C, default "x"), no CRLF;
                   written in 64 KiB pieces, so the server stays small
  REPEAT N bytes   send bytes (Python escapes, as S!) N times over, in
                   64 KiB pieces ("REPEAT 100000 {1}\\r\\na\\x20")
  DRIP SEC bytes   send bytes (Python escapes, as S!) one byte at a time,
                   SEC seconds apart, whatever --chunk says; ends the
                   scenario early if the client hangs up meanwhile
  C: regex         read one client line (CRLF stripped) that must match regex
                   completely (re.fullmatch); named groups are captured, so
                   "C: (?P<tag>\\S+) SELECT .*" lets later lines use $tag.
                   If the line does not match but is "TAG CAPABILITY", it is
                   answered (see CAPS) and the next line is tried (unless
                   --strict): clients may ask for capabilities on their own.
  C-LITERAL [re]   read the literal announced by the previous client line
                   ("{N}" or "{N+}" at its end): exactly N bytes, which must
                   match re (DOTALL) if given.  Send "S: + ..." before it for
                   a synchronizing literal.  The rest of the command line is
                   read by the next C: directive.
  CAPS text        capability list for automatic CAPABILITY answers
                   (default "IMAP4rev1")
  SLEEP seconds    pause (input arriving meanwhile is kept for later C:
                   lines); ends the scenario early if the client hangs up
  QUIET seconds    pause; the client must send nothing meanwhile (e.g. no
                   literal data before the real "+"), nor hang up
  STALL seconds    pause without reading anything (the client's writes
                   back up once the pipe or socket buffers are full)
  AUTO regex => text [|| text...]
                   from now on, a client line matching regex completely
                   that a C: line does not match (or any line during
                   FINISH) is answered with the text lines (S: syntax;
                   groups of regex and earlier captures are available as
                   $name).  Checked before the automatic CAPABILITY
                   answer, so "AUTO (?P<t>\\S+) CAPABILITY => $t BAD no"
                   refuses every CAPABILITY
  EXIT [N]         exit at once with status N (default 0), without
                   closing the connection gracefully first (a child
                   process that dies in mid-response); "EXIT KILL"
                   kills the server with SIGKILL instead (the result
                   file says PASS first)
  CLOSE            close the connection (after a graceful half-close that
                   lets the client read everything) and exit: pass
  EXPECT-EOF       the client must now close the connection without sending
                   anything more
  FINISH           serve politely until the client closes: LOGOUT gets
                   "* BYE" + "tag OK", CAPABILITY and NOOP get OK, anything
                   else "tag BAD"; passes when the client hangs up
  TLS              start TLS as the server now (after "S: $tag OK Begin
                   TLS"), with --tls-cert/--tls-key; from then on S:, C:
                   and the rest go through TLS.  Bytes the client sent
                   before are taken as the start of its handshake.  A
                   failed handshake (e.g. the client rejects the
                   certificate) counts as the client hanging up.
  DEFLATE          COMPRESS=DEFLATE (RFC 4978) from now on (after "S: $tag
                   OK Begin compression", or unasked): what the server
                   sends is raw deflate, each S:/S!/FILL/REPEAT piece
                   flushed (Z_SYNC_FLUSH) before --chunk cuts it up, and
                   what it reads is inflated (above TLS, if on)
  DEFLATE-CUT bytes  (after DEFLATE) deflate bytes (Python escapes, as S!)
                   and send only the first half of the result: the stream
                   then stops in the middle of a deflate block
At the end of the file the server behaves as for CLOSE.  When the client
hangs up (or kills the server) at a point where no later C:, C-LITERAL or
EXPECT-EOF step waits for it, the scenario passes: a client may abort while
a bad response is still arriving.

Options:
  --chunk N            write each S/S!/FILL in N-byte pieces, flushing and
                       sleeping --chunk-delay between them
  --random-chunks SEED same with pseudo-random piece sizes (1..64 bytes)
  --chunk-delay SEC    pause between pieces (default 0.001)
  --log FILE           append every byte the client sent to FILE, as it
                       crossed the wire (encrypted after TLS)
  --result FILE        write "PASS" or "FAIL: why" (or "CLIENT-CLOSED ...",
                       "TERMINATED ...") to FILE when done
  --read-timeout SEC   how long C:, EXPECT-EOF and FINISH wait (default 15)
  --strict             no automatic CAPABILITY answers
  --tcp PORTFILE       TCP mode (see above); waits --read-timeout for a client
  --tls-cert FILE      certificate (PEM) for the TLS step; --tls-key FILE
                       its key (default: in the certificate file)
Exit status: 0 pass, 2 usage or scenario syntax error, 3 mismatch or
timeout, 4 the client closed the connection too early, 5 terminated by a
signal.  Diagnostics go to stderr.
"""

import argparse
import codecs
import os
import random
import re
import select
import signal
import socket
import sys
import time
import zlib

VAR_RE = re.compile(r"\$\{(\w+)(?:\+(\d+))?\}|\$(\w+)")
NUM_END_RE = re.compile(r"(\d+)$")
LITERAL_RE = re.compile(rb"\{(\d+)\+?\}$")
DIRECTIVE_RE = re.compile(r"^(S:|S!|C:|C-LITERAL|FILL|REPEAT|DRIP|CAPS|"
                          r"SLEEP|QUIET|STALL|AUTO|EXIT|CLOSE|EXPECT-EOF|FINISH|"
                          r"TLS|DEFLATE|DEFLATE-CUT)(?:\s(.*))?$")
AUTO_RE = re.compile(r"^(.*?) => (.*)$")
PIECE = 65536


ssl = None  # imported by the TLS step only (it takes a while to load)


class Fail(Exception):
    """The client did something the scenario did not allow (exit 3)."""
    code = 3
    word = "FAIL"


class ClientClosed(Fail):
    """The client hung up earlier than the scenario expected (exit 4)."""
    code = 4
    word = "CLIENT-CLOSED"


class Done(Exception):
    """The scenario ended successfully."""


def parse_scenario(path):
    """Return a list of (lineno, directive, argument)."""
    steps = []
    with open(path, "rb") as fh:
        data = fh.read().decode("utf-8", "surrogateescape")
    for n, line in enumerate(data.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = DIRECTIVE_RE.match(line)
        if not m:
            raise SystemExit("%s:%d: unknown directive: %r" % (path, n, line))
        op, arg = m.group(1), m.group(2)
        if arg is None:
            arg = ""
        if op == "C:" or (op == "C-LITERAL" and arg):
            try:
                re.compile(arg)
            except re.error as e:
                raise SystemExit("%s:%d: bad regex: %s" % (path, n, e))
        if op in ("SLEEP", "QUIET", "STALL"):
            try:
                float(arg)
            except ValueError:
                raise SystemExit("%s:%d: %s needs seconds" % (path, n, op))
        if op == "REPEAT" and not re.fullmatch(r"\d+ .+", arg):
            raise SystemExit("%s:%d: REPEAT N BYTES" % (path, n))
        if op == "DRIP" and not re.fullmatch(r"\d+(\.\d*)? .+", arg):
            raise SystemExit("%s:%d: DRIP SECONDS BYTES" % (path, n))
        if op == "EXIT" and not re.fullmatch(r"(\d+|KILL)?", arg):
            raise SystemExit("%s:%d: EXIT [N|KILL]" % (path, n))
        if op == "AUTO":
            m2 = AUTO_RE.match(arg)
            if not m2:
                raise SystemExit("%s:%d: AUTO REGEX => TEXT" % (path, n))
            try:
                re.compile(m2.group(1))
            except re.error as e:
                raise SystemExit("%s:%d: bad regex: %s" % (path, n, e))
        if op == "FILL" and not re.fullmatch(r"\d+( \S)?", arg):
            raise SystemExit("%s:%d: FILL N [CHAR]" % (path, n))
        steps.append((n, op, arg))
    return steps


class Server:
    def __init__(self, args, rfd, wfd, sock=None):
        self.args = args
        self.rfd = rfd
        self.wfd = wfd
        self.sock = sock
        self.buf = b""
        self.eof = False
        self.vars = {}
        self.caps = "IMAP4rev1"
        self.last_line = b""
        self.step = (0, "START", "")
        self.steps = []
        self.index = 0
        self.rng = None
        if args.random_chunks is not None:
            self.rng = random.Random(args.random_chunks)
        self.log = open(args.log, "ab") if args.log else None
        self.autos = []  # (compiled regex, [text, ...]) from AUTO
        self.tls = None  # ssl.SSLObject once TLS has started
        self.tls_in = self.tls_out = None
        self.zin = self.zout = None  # zlib objects once DEFLATE started

    # ------------------------------------------------------ raw and TLS I/O
    def raw_write(self, data):
        try:
            while data:
                w = os.write(self.wfd, data)
                data = data[w:]
        except (BrokenPipeError, ConnectionResetError):
            raise ClientClosed("the client closed the connection while "
                               "the server was sending")

    def raw_read(self, timeout):
        """Bytes from the wire (logged): None on timeout, b"" at EOF."""
        r, _, _ = select.select([self.rfd], [], [], max(timeout, 0))
        if not r:
            return None
        try:
            data = os.read(self.rfd, 65536)
        except ConnectionResetError:
            data = b""
        if data and self.log:
            self.log.write(data)
            self.log.flush()
        return data

    def tls_flush(self):
        data = self.tls_out.read()
        if data:
            self.raw_write(data)

    def read_some(self, timeout):
        """Application bytes (decrypted under TLS, inflated under
        DEFLATE): None on timeout, b"" at EOF."""
        if self.zin is None:
            return self.read_wire(timeout)
        deadline = time.monotonic() + timeout
        while True:
            data = self.read_wire(max(deadline - time.monotonic(), 0))
            if not data:
                return data
            try:
                data = self.zin.decompress(data)
            except zlib.error as e:
                raise Fail("the client's compressed stream is corrupt: %s" % e)
            if data:
                return data

    def read_wire(self, timeout):
        """Bytes from the wire, decrypted under TLS (see read_some)."""
        if self.tls is None:
            return self.raw_read(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                data = self.tls.read(65536)
                self.tls_flush()
                return data  # b"": the client's close_notify
            except ssl.SSLWantReadError:
                self.tls_flush()
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""
            except ssl.SSLError as e:
                raise Fail("TLS error: %s" % e)
            raw = self.raw_read(deadline - time.monotonic())
            if raw is None:
                return None
            if raw:
                self.tls_in.write(raw)
            else:
                self.tls_in.write_eof()

    def start_tls(self):
        global ssl
        import ssl
        if not self.args.tls_cert:
            raise Fail("TLS needs --tls-cert (and --tls-key)")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.args.tls_cert, self.args.tls_key)
        self.tls_in, self.tls_out = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(self.tls_in, self.tls_out, server_side=True)
        if self.buf:
            # whatever the client sent after our OK is its handshake
            self.tls_in.write(self.buf)
            self.buf = b""
        deadline = time.monotonic() + self.args.read_timeout
        while True:
            try:
                obj.do_handshake()
                break
            except ssl.SSLWantReadError:
                self.tls_flush()
            except ssl.SSLError as e:
                try:
                    self.tls_flush()  # the alert, if any
                except ClientClosed:
                    pass
                raise ClientClosed("TLS handshake failed: %s" % e)
            raw = self.raw_read(deadline - time.monotonic())
            if raw is None:
                raise Fail("timed out in the TLS handshake")
            if not raw:
                self.eof = True
                raise ClientClosed("the client closed the connection in "
                                   "the TLS handshake")
            self.tls_in.write(raw)
        self.tls_flush()
        self.tls = obj

    # ---------------------------------------------------------------- output
    def subst(self, text):
        def rep(m):
            name = m.group(1) or m.group(3)
            if name not in self.vars:
                return m.group(0)
            value = self.vars[name]
            if m.group(2):
                n = NUM_END_RE.search(value)
                if not n:
                    raise Fail("${%s+%s}: %r does not end in a number"
                               % (name, m.group(2), value))
                num = str(int(n.group(1)) + int(m.group(2)))
                value = value[:n.start()] + num.zfill(len(n.group(1)))
            return value
        return VAR_RE.sub(rep, text)

    def deflate(self, data):
        """data compressed and flushed (DEFLATE), or as it is."""
        if self.zout is None:
            return data
        return self.zout.compress(data) + self.zout.flush(zlib.Z_SYNC_FLUSH)

    def start_deflate(self):
        self.zout = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.zin = zlib.decompressobj(-15)
        if self.buf:
            # what the client sent after our OK is compressed already
            try:
                self.buf = self.zin.decompress(self.buf)
            except zlib.error as e:
                raise Fail("the client's compressed stream is corrupt: %s" % e)

    def send(self, data):
        self.send_wire(self.deflate(data))

    def send_wire(self, data):
        """Send bytes as they are (compressed already under DEFLATE)."""
        pieces = [data]
        if self.args.chunk:
            n = self.args.chunk
            pieces = [data[i:i + n] for i in range(0, len(data), n)]
        elif self.rng is not None:
            pieces = []
            i = 0
            while i < len(data):
                n = self.rng.choice((1, 1, 2, 3, 5, 8, 13, 64))
                pieces.append(data[i:i + n])
                i += n
        for k, piece in enumerate(pieces):
            if k and (self.args.chunk or self.rng is not None):
                time.sleep(self.args.chunk_delay)
            self.write_piece(piece)

    def write_piece(self, piece):
        if self.tls is not None:
            self.tls.write(piece)
            self.tls_flush()
        else:
            self.raw_write(piece)

    def sendline(self, text):
        self.send(text.encode("utf-8", "surrogateescape") + b"\r\n")

    # ----------------------------------------------------------------- input
    def fill(self, timeout):
        """Read more input; False on EOF.  Raises Fail on timeout."""
        if self.eof:
            return False
        data = self.read_some(timeout)
        if data is None:
            raise Fail("timed out after %gs waiting for the client" % timeout)
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def readline(self, what):
        deadline = time.monotonic() + self.args.read_timeout
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not self.fill(max(left, 0)):
                if self.eof:
                    raise ClientClosed("the client closed the connection; "
                                       "expected %s (unread: %r)"
                                       % (what, self.buf))
                raise Fail("timed out waiting for %s" % what)
        line, self.buf = self.buf.split(b"\n", 1)
        if not line.endswith(b"\r"):
            raise Fail("client line not terminated by CRLF: %r" % line)
        self.last_line = line[:-1]
        return line[:-1]

    def readbytes(self, n):
        deadline = time.monotonic() + self.args.read_timeout
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not self.fill(max(left, 0)):
                if self.eof:
                    raise ClientClosed("the client closed the connection in a "
                                       "literal (%d of %d bytes)"
                                       % (len(self.buf), n))
                raise Fail("timed out in a literal (%d of %d bytes)"
                           % (len(self.buf), n))
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    # ------------------------------------------------------------ directives
    def expect_line(self, regex):
        pat = re.compile(regex)
        while True:
            raw = self.readline("a line matching %r" % regex)
            line = raw.decode("utf-8", "surrogateescape")
            m = pat.fullmatch(line)
            if m:
                for k, v in m.groupdict().items():
                    if v is not None:
                        self.vars[k] = v
                return
            if self.auto_answer(line):
                continue
            cap = re.fullmatch(r"(\S+) (?i:CAPABILITY)", line)
            if cap and not self.args.strict:
                self.sendline("* CAPABILITY " + self.caps)
                self.sendline(cap.group(1) + " OK CAPABILITY completed")
                continue
            raise Fail("client sent %r, expected a match for %r"
                       % (line, regex))

    def auto_answer(self, line):
        """Answer line by the first matching AUTO rule: True if one did."""
        for pat, texts in self.autos:
            m = pat.fullmatch(line)
            if m:
                for k, v in m.groupdict().items():
                    if v is not None:
                        self.vars[k] = v
                for text in texts:
                    self.sendline(self.subst(text))
                return True
        return False

    def send_repeated(self, data, count):
        """Send data count times, in pieces of about PIECE bytes."""
        per = max(1, PIECE // max(len(data), 1))
        last = None  # DEFLATE: (piece, what it compressed to)
        while count > 0:
            k = min(per, count)
            piece = data * k
            if self.zout is not None and last and last[0] == piece and last[2] == last[1]:
                # the same piece over a window of the same bytes compresses
                # to the same bytes again: no need to ask zlib (a bomb of
                # a GB costs the server nothing)
                self.send_wire(last[1])
            else:
                out = self.deflate(piece)
                last = (piece, out, last[1] if last and last[0] == piece else None)
                self.send_wire(out)
            count -= k

    def drip(self, delay, data):
        data = self.deflate(data)
        for i in range(len(data)):
            if i:
                # like SLEEP: keep what the client sends, stop if it hangs up
                self.sleep(delay)
            self.write_piece(data[i:i + 1])

    def expect_literal(self, regex):
        m = LITERAL_RE.search(self.last_line)
        if not m:
            raise Fail("C-LITERAL, but the last client line %r announces "
                       "no literal" % self.last_line)
        data = self.readbytes(int(m.group(1)))
        if regex:
            text = data.decode("utf-8", "surrogateescape")
            if not re.fullmatch(regex, text, re.S):
                raise Fail("literal %r does not match %r" % (text, regex))
        self.last_line = b""

    def sleep(self, secs):
        end = time.monotonic() + secs
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            # keep the data for later C: lines, stop at EOF
            data = self.read_some(left)
            if data is None:
                continue
            if not data:
                self.eof = True
                raise ClientClosed("the client hung up during SLEEP")
            self.buf += data

    def expect_eof(self):
        deadline = time.monotonic() + self.args.read_timeout
        while True:
            if self.buf:
                raise Fail("expected the client to hang up, but it sent %r"
                           % self.buf)
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail("the client did not hang up within %gs"
                           % self.args.read_timeout)
            if not self.fill(left):
                raise Done()

    def finish(self):
        while True:
            try:
                raw = self.readline("a command")
            except ClientClosed:
                raise Done()
            line = raw.decode("utf-8", "surrogateescape")
            parts = line.split(" ", 2)
            tag = parts[0]
            verb = parts[1].upper() if len(parts) > 1 else ""
            if self.auto_answer(line):
                continue
            if verb == "LOGOUT":
                self.sendline("* BYE fake server logging out")
                self.sendline(tag + " OK LOGOUT completed")
            elif verb == "CAPABILITY":
                self.sendline("* CAPABILITY " + self.caps)
                self.sendline(tag + " OK CAPABILITY completed")
            elif verb == "NOOP":
                self.sendline(tag + " OK NOOP completed")
            else:
                self.sendline(tag + " BAD fake server is finishing")

    def close(self):
        """Half-close, drain briefly so nothing is lost to a TCP RST, exit."""
        if self.tls is not None:
            try:
                self.tls.unwrap()
            except (ssl.SSLError, ValueError):
                pass  # no close_notify from the client yet: fine
            try:
                self.tls_flush()
            except ClientClosed:
                pass
        fd = os.dup(self.wfd)
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            os.close(fd)  # a pipe: closing it below is the EOF
        else:
            with sock:  # closes the duplicate (it would hold a pipe open)
                try:
                    sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        if self.wfd != self.rfd:
            try:
                os.close(self.wfd)
            except OSError:
                pass
        end = time.monotonic() + 2
        while not self.eof and time.monotonic() < end:
            try:
                self.fill(max(end - time.monotonic(), 0))
            except Fail:
                break
        raise Done()

    def exit_now(self, arg):
        """EXIT: die without a graceful close (see the module docstring)."""
        if self.args.result:
            with open(self.args.result, "w") as fh:
                fh.write("PASS\n")
        if self.log:
            self.log.flush()
        if arg == "KILL":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(int(arg or 0))

    def expects_more(self):
        """True when the current or a later step expects client input."""
        return any(op in ("C:", "C-LITERAL", "EXPECT-EOF")
                   for _, op, _ in self.steps[self.index:])

    def run(self, steps):
        self.steps = steps
        for self.index, step in enumerate(steps):
            self.step = step
            try:
                self.do(step)
            except ClientClosed:
                # Hanging up is fine once the scenario expects nothing more
                # from the client (e.g. it aborts while a bad line arrives).
                if self.expects_more():
                    raise
                raise Done()
        self.step = None
        self.close()

    def do(self, step):
        n, op, arg = step
        if op == "S:":
            self.sendline(self.subst(arg))
        elif op == "S!":
            raw = self.subst(arg).encode("utf-8", "surrogateescape")
            self.send(codecs.escape_decode(raw)[0])
        elif op == "FILL":
            parts = arg.split()
            ch = parts[1] if len(parts) > 1 else "x"
            self.send_repeated(ch.encode(), int(parts[0]))
        elif op == "REPEAT":
            count, text = arg.split(" ", 1)
            raw = self.subst(text).encode("utf-8", "surrogateescape")
            self.send_repeated(codecs.escape_decode(raw)[0], int(count))
        elif op == "DRIP":
            delay, text = arg.split(" ", 1)
            raw = self.subst(text).encode("utf-8", "surrogateescape")
            self.drip(float(delay), codecs.escape_decode(raw)[0])
        elif op == "QUIET":
            self.sleep(float(arg))
            if self.buf:
                raise Fail("the client sent %r while it should wait"
                           % self.buf[:200])
        elif op == "STALL":
            time.sleep(float(arg))
        elif op == "AUTO":
            m = AUTO_RE.match(arg)
            self.autos.append((re.compile(m.group(1)),
                               m.group(2).split(" || ")))
        elif op == "EXIT":
            self.exit_now(arg)
        elif op == "C:":
            self.expect_line(arg)
        elif op == "C-LITERAL":
            self.expect_literal(arg)
        elif op == "CAPS":
            self.caps = arg
        elif op == "SLEEP":
            self.sleep(float(arg))
        elif op == "CLOSE":
            self.close()
        elif op == "EXPECT-EOF":
            self.expect_eof()
        elif op == "FINISH":
            self.finish()
        elif op == "TLS":
            self.start_tls()
        elif op == "DEFLATE":
            self.start_deflate()
        elif op == "DEFLATE-CUT":
            if self.zout is None:
                raise Fail("DEFLATE-CUT before DEFLATE")
            raw = self.subst(arg).encode("utf-8", "surrogateescape")
            data = self.deflate(codecs.escape_decode(raw)[0])
            self.write_piece(data[:len(data) // 2])


def main():
    ap = argparse.ArgumentParser(
        description="scripted fake IMAP server (see the module docstring)")
    ap.add_argument("scenario")
    ap.add_argument("--tcp", metavar="PORTFILE")
    ap.add_argument("--host", default="127.0.0.1",
                    help="address to listen on with --tcp (default 127.0.0.1)")
    ap.add_argument("--chunk", type=int, default=0)
    ap.add_argument("--random-chunks", type=int, metavar="SEED")
    ap.add_argument("--chunk-delay", type=float, default=0.001)
    ap.add_argument("--log")
    ap.add_argument("--result")
    ap.add_argument("--read-timeout", type=float, default=15.0)
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    args = ap.parse_args()
    if args.chunk < 0:
        ap.error("--chunk must be positive")

    try:
        steps = parse_scenario(args.scenario)
    except OSError as e:
        sys.stderr.write("fakeserver: %s\n" % e)
        return 2
    except SystemExit as e:
        sys.stderr.write("fakeserver: %s\n" % e)
        return 2

    def result(word, why=""):
        if args.result:
            with open(args.result, "w") as fh:
                fh.write(word + (": " + why if why else "") + "\n")

    srv = None

    def on_signal(signum, frame):
        step = srv.step if srv else (0, "START", "")
        if step is None or (step[0] and not srv.expects_more()):
            # the client ended us when we expected nothing more from it
            result("PASS", "terminated by signal %d" % signum)
            os._exit(0)
        result("TERMINATED", "signal %d at line %d (%s)"
               % (signum, step[0], step[1]))
        sys.stderr.write("fakeserver: terminated by signal %d at %s:%d\n"
                         % (signum, args.scenario, step[0]))
        os._exit(5)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.tcp:
        lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lsock.bind((args.host, 0))
        lsock.listen(1)
        tmp = args.tcp + ".tmp"
        with open(tmp, "w") as fh:
            fh.write("%d\n" % lsock.getsockname()[1])
        os.rename(tmp, args.tcp)
        lsock.settimeout(args.read_timeout)
        try:
            conn, _ = lsock.accept()
        except socket.timeout:
            result("FAIL", "no client connected within %gs" % args.read_timeout)
            sys.stderr.write("fakeserver: no client connected\n")
            return 3
        lsock.close()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        srv = Server(args, conn.fileno(), conn.fileno(), conn)
    else:
        srv = Server(args, 0, 1)

    try:
        srv.run(steps)
    except Done:
        result("PASS")
        return 0
    except Fail as e:
        where = ""
        if srv.step:
            where = " at %s:%d (%s %s)" % (args.scenario, srv.step[0],
                                           srv.step[1], srv.step[2])
        result(e.word, str(e) + where)
        sys.stderr.write("fakeserver: %s%s\n" % (e, where))
        return e.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
