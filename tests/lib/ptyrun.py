# ptyrun.py TRANSCRIPT TIMEOUT CMD...: run CMD on a pseudo-terminal (its
# stderr to $PTYRUN_STDERR if set); stdin has steps "expect REGEX" and
# "send TEXT" (\n \r escapes), and "touch FILE" (creates FILE: a signal to
# a helper process of the test); exit status is CMD's (124 on timeout, 3
# when an expect fails)
import codecs, os, pty, re, select, signal, sys, time
out, limit, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
steps = [l.rstrip("\n").split(" ", 1) for l in sys.stdin if l.strip()]
pid, fd = pty.fork()
if pid == 0:
    if os.environ.get("PTYRUN_STDERR"):
        e = os.open(os.environ["PTYRUN_STDERR"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(e, 2)
    os.execvp(cmd[0], cmd)
buf = b""
pos = 0  # expect looks after the previous match
end = time.monotonic() + limit
def pump(t):
    global buf
    r, _, _ = select.select([fd], [], [], max(t, 0))
    if not r:
        return True
    try:
        d = os.read(fd, 4096)
    except OSError:
        d = b""
    buf += d
    return bool(d)
status = 0
for op, arg in steps:
    if op == "expect":
        rx = re.compile(arg.encode())
        while not rx.search(buf, pos) and time.monotonic() < end:
            if not pump(end - time.monotonic()):
                break
        m = rx.search(buf, pos)
        if not m:
            sys.stderr.write("ptyrun.py: no match for %r\n" % arg)
            status = 3
            break
        pos = m.end()
    elif op == "send":
        os.write(fd, codecs.escape_decode(arg.encode())[0])
    elif op == "touch":
        open(arg, "a").close()
st = None
while time.monotonic() < end:
    if not pump(end - time.monotonic()):
        break
    done, wst = os.waitpid(pid, os.WNOHANG)
    if done:
        st = wst
        pump(0.2)
        break
else:
    status = status or 124
    os.kill(pid, signal.SIGKILL)
while st is None:
    done, wst = os.waitpid(pid, os.WNOHANG)
    if done:
        st = wst
    elif time.monotonic() < end:
        time.sleep(0.05)
    else:
        status = status or 124
        os.kill(pid, signal.SIGKILL)
        st = os.waitpid(pid, 0)[1]
code = os.waitstatus_to_exitcode(st)
open(out, "wb").write(buf)
sys.exit(status or code)
