#!/usr/bin/env python3
"""bench/imaplib_w.py -- the benchmark workloads done with Python's imaplib.

usage: imaplib_w.py (--stream COMMAND | --tcp HOST PORT) WORKLOAD [ARG]

  w1            select INBOX; fetch 1:* (UID FLAGS RFC822.SIZE ENVELOPE)
  w2null        select INBOX; fetch 1:* BODY.PEEK[], the data to /dev/null
  w2dir DIR     the same, each message to DIR/N.eml
  w3 FILE       select Big; fetch 1 BODY.PEEK[] to FILE
  w4 N          select INBOX, then N small commands in turn: noop,
                fetch K (FLAGS), search UID K, status INBOX (MESSAGES)

Over TCP it logs in as alice with the password in IMAPSH_PASSWORD.  What
imaplib returns is written out (to /dev/null unless a file is named), as a
script would.  Exit status 0 when every command was answered OK.
"""

import imaplib
import os
import sys


def check(res):
    typ, data = res
    if typ != "OK":
        sys.exit("imaplib_w: %s %r" % (typ, data))
    return data


def dump(out, data):
    """Write what imaplib returned: bytes and (head, literal) tuples."""
    for item in data:
        if isinstance(item, tuple):
            for part in item:
                out.write(part)
        elif item is not None:
            out.write(item)


def w4_commands(n, nmsg):
    for i in range(n):
        k = i // 4 % nmsg + 1
        yield i % 4, k


def main():
    a = sys.argv[1:]
    if len(a) >= 2 and a[0] == "--stream":
        m = imaplib.IMAP4_stream(a[1])
        a = a[2:]
    elif len(a) >= 3 and a[0] == "--tcp":
        m = imaplib.IMAP4(a[1], int(a[2]))
        a = a[3:]
        check(m.login("alice", os.environ["IMAPSH_PASSWORD"]))
    else:
        sys.exit(__doc__)
    if not a:
        sys.exit(__doc__)
    work = a[0]
    if work == "w1":
        check(m.select("INBOX"))
        data = check(m.fetch("1:*", "(UID FLAGS RFC822.SIZE ENVELOPE)"))
        with open(os.devnull, "wb") as out:
            dump(out, data)
    elif work == "w2null":
        check(m.select("INBOX"))
        data = check(m.fetch("1:*", "(BODY.PEEK[])"))
        with open(os.devnull, "wb") as out:
            dump(out, data)
    elif work == "w2dir":
        check(m.select("INBOX"))
        data = check(m.fetch("1:*", "(BODY.PEEK[])"))
        n = 0
        for item in data:
            if isinstance(item, tuple):
                n += 1
                with open(os.path.join(a[1], "%d.eml" % n), "wb") as f:
                    f.write(item[1])
    elif work == "w3":
        check(m.select("Big"))
        data = check(m.fetch("1", "(BODY.PEEK[])"))
        with open(a[1], "wb") as f:
            for item in data:
                if isinstance(item, tuple):
                    f.write(item[1])
    elif work == "w4":
        nmsg = int(check(m.select("INBOX"))[0])
        for op, k in w4_commands(int(a[1]), nmsg):
            if op == 0:
                check(m.noop())
            elif op == 1:
                check(m.fetch(str(k), "(FLAGS)"))
            elif op == 2:
                check(m.search(None, "UID", str(k)))
            else:
                check(m.status("INBOX", "(MESSAGES)"))
    else:
        sys.exit("imaplib_w: unknown workload %s" % work)
    m.logout()


if __name__ == "__main__":
    main()
