#!/usr/bin/env python3
"""bench/relay.py -- a TCP relay that limits bandwidth, for bench/compress.

usage: relay.py [--mbit N] [--log FILE] PORTFILE HOST PORT

Listens on 127.0.0.1 (a port the kernel picks, written to PORTFILE) and
relays every connection to HOST:PORT, each direction at most N Mbit/s
(default 100) with a token bucket of 64 KiB, as a link of that speed
would.  When a connection ends it appends one line to FILE (if given):
"DOWN_BYTES UP_BYTES SECONDS" (server to client, client to server).  Runs
until killed.
"""

import argparse
import os
import socket
import threading
import time

CHUNK = 16384
BURST = 65536


class Bucket:
    """Token bucket: take(n) waits until n bytes may pass."""

    def __init__(self, rate):
        self.rate = rate  # bytes per second
        self.tokens = BURST
        self.last = time.monotonic()

    def take(self, n):
        while True:
            now = time.monotonic()
            self.tokens = min(BURST, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= n:
                self.tokens -= n
                return
            time.sleep((n - self.tokens) / self.rate)


def pump(src, dst, bucket, count, idx):
    try:
        while True:
            data = src.recv(CHUNK)
            if not data:
                break
            bucket.take(len(data))
            dst.sendall(data)
            count[idx] += len(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(client, host, port, rate, log):
    t0 = time.monotonic()
    server = socket.create_connection((host, port))
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    count = [0, 0]
    down = threading.Thread(target=pump, args=(server, client, Bucket(rate), count, 0))
    up = threading.Thread(target=pump, args=(client, server, Bucket(rate), count, 1))
    down.start()
    up.start()
    down.join()
    up.join()
    client.close()
    server.close()
    if log:
        with open(log, "a") as fh:
            fh.write("%d %d %.3f\n" % (count[0], count[1], time.monotonic() - t0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mbit", type=float, default=100.0)
    ap.add_argument("--log")
    ap.add_argument("portfile")
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    a = ap.parse_args()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    tmp = a.portfile + ".tmp"
    with open(tmp, "w") as fh:
        fh.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, a.portfile)
    rate = a.mbit * 1e6 / 8
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, a.host, a.port, rate, a.log),
                         daemon=True).start()


if __name__ == "__main__":
    main()
