#!/usr/bin/env python3
"""bench/harness.py -- time imapsh, imaplib, the minimal client and the raw
lower bound on each workload and transport (run by bench/run, which builds
the programs and the mailbox and starts Dovecot; see bench/README).

Each measured program runs under bench/rusage (a small C launcher: ru_maxrss
of a child starts from its parent's RSS, so Python must not be the parent),
which reports wall time (fork to wait4), user + system CPU time and peak RSS.
On the pipe transport the client's child is the Dovecot imap process, itself
started under bench/rusage by the stream command: its CPU time is subtracted
from the client's (which wait4 charged with it), and when the client's
ru_maxrss is no larger than the server's, the client's own VmHWM (sampled
every 10 ms) is used instead.  So every number is the client's alone.
"""

import argparse
import datetime
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time

W1_ITEMS = "(UID FLAGS RFC822.SIZE ENVELOPE)"

# workload -> (title, clients)
CLIENTS = ["imapsh", "imaplib", "min-lock", "min-pipe", "raw"]
WORKLOADS = [
    ("W1", "fetch 1:* %s to /dev/null" % W1_ITEMS, CLIENTS),
    ("W1-raw-file", "W1, imapsh -o raw to a file", ["imapsh"]),
    ("W1-pretty-file", "W1, imapsh -o pretty (default) to a file",
     ["imapsh"]),
    ("W2-null", "fetch 1:* BODY.PEEK[] to /dev/null", CLIENTS),
    ("W2-dir", "fetch 1:* BODY.PEEK[] > DIR/ (one file per message)",
     CLIENTS),
    ("W3", "fetch 1 BODY.PEEK[] > FILE (one 100 MB message)", CLIENTS),
    ("W4", "N small commands (noop / uid fetch K (FLAGS) / uid search UID K"
     " / status INBOX (MESSAGES))", CLIENTS + ["imapsh-lock"]),
]
TRANSPORTS = ["pipe", "tcp"]


def w4_lines(n, nmsg):
    """The W4 commands as (imapsh line, IMAP command).  UID FETCH and UID
    SEARCH, not FETCH/SEARCH: RFC 9051 5.5 lets a client pipeline them
    behind NOOP and STATUS (no sequence number can be renumbered under
    them), so an RFC-abiding client may pipeline the whole script."""
    out = []
    for i in range(n):
        k = i // 4 % nmsg + 1
        op = i % 4
        if op == 0:
            out.append(("noop", "NOOP"))
        elif op == 1:
            out.append(("uid fetch %d (FLAGS)" % k, "UID FETCH %d (FLAGS)" % k))
        elif op == 2:
            out.append(("uid search UID %d" % k, "UID SEARCH UID %d" % k))
        else:
            out.append(("status INBOX (MESSAGES)",
                        "STATUS INBOX (MESSAGES)"))
    return out


class Bench:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        os.makedirs(self.work, exist_ok=True)
        self.out = os.path.join(self.work, "out")
        self.env = dict(os.environ, IMAPSH_PASSWORD="wonderland",
                        LC_ALL="C.UTF-8")
        self.samples = {}
        self.srvfile = os.path.join(self.work, "server.rusage")
        cmd = a.stream.strip()
        if not cmd.startswith("exec "):
            sys.exit("harness: the stream command should start with exec")
        self.stream = "exec %s %s %s" % (shlex.quote(a.rusage),
                                         shlex.quote(self.srvfile), cmd[5:])
        self.write_commands()

    # -- command files ----------------------------------------------------
    def write_commands(self):
        a = self.a
        imap = {
            "W1": ["SELECT INBOX", "FETCH 1:* " + W1_ITEMS],
            "W2": ["SELECT INBOX", "FETCH 1:* BODY.PEEK[]"],
            "W3": ["SELECT Big", "FETCH 1 BODY.PEEK[]"],
            "W4": ["SELECT INBOX"] + [c for _, c in w4_lines(a.w4, a.nmsg)],
        }
        self.cmdfile = {}
        self.rawfile = {}
        for w, cmds in imap.items():
            for t in TRANSPORTS:
                pre = ["LOGIN alice wonderland"] if t == "tcp" else []
                lines = pre + cmds + ["LOGOUT"]
                p = os.path.join(self.work, "%s-%s.cmd" % (w, t))
                with open(p, "w") as f:
                    f.write("".join(s + "\n" for s in lines))
                self.cmdfile[w, t] = p
                p = os.path.join(self.work, "%s-%s.raw" % (w, t))
                with open(p, "wb") as f:
                    f.write(b"".join(b"r%d %s\r\n" % (i + 1, s.encode())
                                     for i, s in enumerate(lines)))
                self.rawfile[w, t] = p
        self.w4script = os.path.join(self.work, "W4.imapsh")
        with open(self.w4script, "w") as f:
            f.write("select INBOX\n")
            f.writelines(s + "\n" for s, _ in w4_lines(a.w4, a.nmsg))

    # -- what to run ------------------------------------------------------
    def argv(self, w, t, client):
        """(argv, stdout path, check) for one measurement."""
        a = self.a
        base = w.split("-")[0]
        outdir = os.path.join(self.out, "dir") + "/"
        bigfile = os.path.join(self.out, "big.eml")
        textfile = os.path.join(self.out, "w1.txt")
        stdout = os.devnull
        if client in ("imapsh", "imapsh-lock"):
            conn = (["--stream", self.stream] if t == "pipe" else
                    [a.host, "-p", str(a.port), "-u", "alice"])
            fmt = [] if w == "W1-pretty-file" else ["-o", "raw"]
            cmds = {
                "W1": ["-c", "select INBOX", "-c", "fetch 1:* " + W1_ITEMS],
                "W2": ["-c", "select INBOX", "-c", "fetch 1:* BODY.PEEK[]"],
                "W3": ["-c", "select Big", "-c",
                       "fetch 1 BODY.PEEK[] > " + bigfile],
                "W4": ["-f", self.w4script],
            }[base]
            if w == "W2-dir":
                cmds = ["-c", "select INBOX", "-c",
                        "fetch 1:* BODY.PEEK[] > " + outdir]
            if w.endswith("-file"):
                stdout = textfile
            if client == "imapsh-lock":
                fmt = fmt + ["--no-pipeline"]
            return [a.imapsh] + conn + fmt + cmds, stdout
        if client == "imaplib":
            conn = (["--stream", self.stream] if t == "pipe" else
                    ["--tcp", a.host, str(a.port)])
            work = {"W1": ["w1"], "W2-null": ["w2null"],
                    "W2-dir": ["w2dir", outdir], "W3": ["w3", bigfile],
                    "W4": ["w4", str(a.w4)]}[w]
            return [sys.executable, a.imaplib] + conn + work, stdout
        if client.startswith("min-"):
            mode = "-l" if client == "min-lock" else "-p"
            conn = (["-s", self.stream] if t == "pipe" else
                    ["-t", a.host, str(a.port)])
            extra = []
            if w == "W2-dir":
                extra = ["-D", outdir]
            elif w == "W3":
                extra = ["-L", bigfile]
            return ([a.minclient, mode] + extra + conn +
                    [self.cmdfile[base, t]], stdout)
        if client == "raw":
            if t == "pipe":
                return (["/bin/sh", "-c", 'cat "$1" | /bin/sh -c "$0" '
                         '>/dev/null', self.stream, self.rawfile[base, t]],
                        stdout)
            return ([a.minclient, "-r", "-t", a.host, str(a.port),
                     self.cmdfile[base, t]], stdout)
        raise ValueError(client)

    def prepare(self):
        shutil.rmtree(self.out, ignore_errors=True)
        os.makedirs(os.path.join(self.out, "dir"))
        try:
            os.unlink(self.srvfile)
        except FileNotFoundError:
            pass

    # -- one measurement --------------------------------------------------
    def measure(self, argv, stdout, t):
        """(wall s, client cpu s, server cpu s or None, client peak RSS kB)"""
        self.prepare()
        errpath = os.path.join(self.work, "stderr")
        rufile = os.path.join(self.work, "client.rusage")
        fa = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
              (os.POSIX_SPAWN_OPEN, 1, stdout,
               os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
              (os.POSIX_SPAWN_OPEN, 2, errpath,
               os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
        full = [self.a.rusage, "-p", rufile] + argv
        pid = os.posix_spawn(full[0], full, self.env, file_actions=fa)
        _, status = os.waitpid(pid, 0)
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            with open(errpath, errors="replace") as f:
                err = f.read()[-2000:]
            sys.exit("harness: %s exited with %d:\n%s" % (
                " ".join(shlex.quote(x) for x in argv)[:300], rc, err))
        with open(rufile) as f:
            wall, u, s, rss, hwm, _ = f.read().split()
        wall = float(wall)
        cpu = float(u) + float(s)
        rss = int(rss)
        srvcpu = None
        if t == "pipe":
            try:
                with open(self.srvfile) as f:
                    _, u, s, srss, _, _ = f.read().split()
            except (OSError, ValueError):
                sys.exit("harness: no server rusage for the pipe transport")
            srvcpu = float(u) + float(s)
            cpu -= srvcpu
            if rss <= int(srss):
                # ru_maxrss is the server's: take the client's own VmHWM
                rss = int(hwm) or rss
        return wall, max(cpu, 0.0), srvcpu, rss

    def run_one(self, w, t, client, rnd):
        argv, stdout = self.argv(w, t, client)
        r = self.measure(argv, stdout, t)
        self.check(w, client)
        self.samples.setdefault((w, t, client), []).append(r)
        with open(self.a.results, "a") as f:
            f.write("sample\t%s\t%s\t%s\t%d\t%.4f\t%.4f\t%s\t%d\n" % (
                w, t, client, rnd, r[0], r[1],
                "%.4f" % r[2] if r[2] is not None else "-", r[3]))
        return r

    def check(self, w, client):
        """Cheap checks that the work was really done."""
        if w == "W2-dir" and client != "raw":
            n = len(os.listdir(os.path.join(self.out, "dir")))
            if n != self.a.nmsg:
                sys.exit("harness: %s W2-dir wrote %d files, not %d" %
                         (client, n, self.a.nmsg))
        if w == "W3" and client != "raw":
            n = os.path.getsize(os.path.join(self.out, "big.eml"))
            if self.bigsize is None:
                self.bigsize = n
            elif n != self.bigsize:
                sys.exit("harness: %s W3 wrote %d bytes, not %d" %
                         (client, n, self.bigsize))
    bigsize = None

    # -- verification: imapsh writes what the minimal client writes -------
    def verify(self, t):
        tmp = os.path.join(self.work, "verify")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        for client in ("min-lock", "imapsh"):
            argv, stdout = self.argv("W2-dir", t, client)
            self.measure(argv, stdout, t)
            os.rename(os.path.join(self.out, "dir"),
                      os.path.join(tmp, client))
        r = subprocess.run(["diff", "-rq", os.path.join(tmp, "min-lock"),
                            os.path.join(tmp, "imapsh")],
                           capture_output=True, text=True)
        shutil.rmtree(tmp, ignore_errors=True)
        if r.returncode != 0:
            sys.exit("harness: imapsh and minclient wrote different files "
                     "(%s):\n%s" % (t, r.stdout[:2000]))

    # -- the whole benchmark ----------------------------------------------
    def run(self):
        a = self.a
        self.load0 = loadavg()
        todo = [(w, t, c) for w, _, clients in WORKLOADS
                if not a.only or w in a.only
                for t in TRANSPORTS for c in clients]
        log("verifying that imapsh and the minimal client fetch the same "
            "bytes (W2-dir) ...")
        for t in TRANSPORTS:
            self.verify(t)
        log("warming up (Dovecot's caches and the page cache) ...")
        for w, t, c in todo:
            if c in ("min-lock", "imapsh"):
                self.measure(*self.argv(w, t, c), t)
        for rnd in range(1, a.runs + 1):
            t0 = time.time()
            for w, t, c in self.rotated(todo, rnd):
                self.run_one(w, t, c, rnd)
            log("run %d of %d: %.0f s" % (rnd, a.runs, time.time() - t0))
        shutil.rmtree(self.out, ignore_errors=True)
        self.report()

    @staticmethod
    def rotated(todo, rnd):
        """todo with each (workload, transport) group's clients rotated by
        the round number.  The first client after a change of workload or
        transport runs while the previous group's server is still winding
        down (index writes, process exit, freed page cache); without the
        rotation that cost always fell on the same client (imapsh, listed
        first) and showed as a 1.1-1.4x wall ratio that no other run order
        reproduced."""
        out, group = [], []
        for item in todo + [None]:
            if group and (item is None or item[:2] != group[0][:2]):
                k = (rnd - 1) % len(group)
                out += group[k:] + group[:k]
                group = []
            if item is not None:
                group.append(item)
        return out

    # -- the report -------------------------------------------------------
    def med(self, w, t, c):
        s = self.samples.get((w, t, c))
        if not s:
            return None
        srv = [x[2] for x in s if x[2] is not None]
        return (statistics.median(x[0] for x in s),
                statistics.median(x[1] for x in s),
                statistics.median(srv) if srv else None,
                statistics.median(x[3] for x in s),
                min(x[0] for x in s))

    def report(self):
        a = self.a
        res = open(a.results, "a")
        lines = []
        p = lines.append
        p("")
        p("imapsh benchmark: %d messages, W4 %d commands, median of %d "
          "run%s, %s" % (a.nmsg, a.w4, a.runs, "s" if a.runs > 1 else "",
                         datetime.datetime.now().strftime("%Y-%m-%d %H:%M")))
        p("load average before / after: %s / %s (2 cores shared: mind the "
          "noise)" % (self.load0, loadavg()))
        p("wall = elapsed s (median; best = fastest run); cpu = client "
          "user+sys s; srv = Dovecot imap cpu s (pipe only); rss = client "
          "peak RSS MB")
        p("min-lock / min-pipe = bench/minclient lock-step / pipelined; "
          "raw = commands written at once, replies to /dev/null")
        self.verdicts = []
        for w, title, clients in WORKLOADS:
            if a.only and w not in a.only:
                continue
            for t in TRANSPORTS:
                p("")
                p("%s [%s] %s" % (w, t, title.replace("N small",
                                                      "%d small" % a.w4)))
                p("  %-10s %8s %8s %8s %8s %8s" % (
                    "client", "wall", "best", "cpu", "srv", "rss"))
                for c in clients:
                    m = self.med(w, t, c)
                    if not m:
                        continue
                    p("  %-10s %8.3f %8.3f %8.3f %8s %8.1f" % (
                        c, m[0], m[4], m[1], "%.3f" % m[2] if m[2] is not None
                        else "-", m[3] / 1024))
                    res.write("median\t%s\t%s\t%s\t-\t%.4f\t%.4f\t%s\t%d"
                              "\t%.4f\n" % (
                                  w, t, c, m[0], m[1], "%.4f" % m[2]
                                  if m[2] is not None else "-", m[3], m[4]))
                for text in self.ratios(w, t):
                    p("  " + text)
        for w, t, name, val, op, target, ok in self.verdicts:
            res.write("ratio\t%s\t%s\t%s\t%.3f\t%s%s\t%s\n" % (
                w, t, name, val, op, target, ok))
        npass = sum(1 for v in self.verdicts if v[-1] == "PASS")
        p("")
        p("targets met: %d of %d" % (npass, len(self.verdicts)))
        for v in self.verdicts:
            if v[-1] != "PASS":
                p("  MISS %s [%s] %s = %.2f (target %s %s)" % (
                    v[0], v[1], v[2], v[3], v[4], v[5]))
        res.close()
        print("\n".join(lines))

    def ratios(self, w, t):
        out = []
        ish = self.med(w, t, "imapsh")
        if not ish:
            return out

        def ratio(name, num, den, op=None, target=None, best=None):
            """num/den; with op and target a PASS/MISS verdict; best: the
            same ratio of the fastest runs (shown, not judged)"""
            if num is None or den is None or den == 0:
                return
            v = num / den
            extra = ""
            if best and best[0] is not None and best[1]:
                extra = "   (best runs: %.2f)" % (best[0] / best[1])
            if op is None:
                out.append("%-30s %6.2f%s" % (name, v, extra))
                return
            ok = "PASS" if (v <= target if op == "<=" else v < target) \
                else "MISS"
            self.verdicts.append((w, t, name, v, op, target, ok))
            out.append("%-30s %6.2f   target %s %-4s %s%s" % (
                name, v, op, target, ok, extra))

        def m(c, i):
            x = self.med(w, t, c)
            return x[i] if x else None

        def wall(name, c, op=None, target=None, num=ish):
            ratio(name, num[0], m(c, 0), op, target, (num[4], m(c, 4)))

        if w == "W1-pretty-file":
            raw = self.med("W1-raw-file", t, "imapsh")
            if raw:
                ratio("wall pretty/raw (to file)", ish[0], raw[0], "<=", 1.5,
                      (ish[4], raw[4]))
                ratio("cpu pretty/raw (to file)", ish[1], raw[1])
            return out
        if w == "W1-raw-file":
            return out
        if w in ("W1", "W2-null", "W2-dir"):
            wall("wall imapsh/min-lock", "min-lock", "<=", 1.1)
            ratio("cpu imapsh/imaplib", ish[1], m("imaplib", 1), "<=", 0.5)
        elif w == "W4":
            lock = self.med(w, t, "imapsh-lock")
            if lock:
                ratio("wall imapsh --no-pipeline/min-lock", lock[0], m("min-lock", 0),
                      "<=", 1.1, (lock[4], m("min-lock", 4)))
            wall("wall imapsh (pipelined)/min-pipe", "min-pipe", "<=", 1.2)
        else:
            wall("wall imapsh/min-lock", "min-lock")
        if w in ("W2-null", "W2-dir", "W3"):
            ratio("rss imapsh (MB) / 16 MB", ish[3] / 1024, 16, "<", 1)
        wall("wall imapsh/imaplib", "imaplib")
        if w not in ("W1", "W2-null", "W2-dir"):
            ratio("cpu imapsh/imaplib", ish[1], m("imaplib", 1))
        wall("wall imapsh/raw", "raw")
        return out


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--imapsh", required=True)
    ap.add_argument("--minclient", required=True)
    ap.add_argument("--rusage", required=True)
    ap.add_argument("--imaplib", required=True)
    ap.add_argument("--stream", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--nmsg", type=int, required=True)
    ap.add_argument("--w4", type=int, default=10000)
    ap.add_argument("--results", required=True)
    ap.add_argument("--only", nargs="*", help="workloads to run")
    ap.add_argument("--header", default="")
    a = ap.parse_args()
    with open(a.results, "w") as f:
        f.write("# imapsh bench results %s\n" % datetime.datetime.now()
                .isoformat(timespec="seconds"))
        f.write("# host %s, %d cpus; %s\n" % (platform.node(),
                                              os.cpu_count(), a.header))
        f.write("# messages %d, w4 commands %d, runs %d\n" % (
            a.nmsg, a.w4, a.runs))
        f.write("# sample|median WORKLOAD TRANSPORT CLIENT RUN(- for median) "
                "WALL_S CPU_S SERVER_CPU_S PEAK_RSS_KB [BEST_WALL_S]\n"
                "# ratio WORKLOAD TRANSPORT NAME VALUE TARGET PASS|MISS\n"
                "# (tab-separated; CPU is the client's alone, server CPU only "
                "for the pipe transport)\n")
    Bench(a).run()


if __name__ == "__main__":
    main()
