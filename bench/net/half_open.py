#!/usr/bin/env python3
"""Holds N half-open connections (a request line and one header, never the blank line) to
HOST:PORT, spread over source addresses 127.0.0.2, 127.0.0.3, ... (PER_SOURCE each, under the
server's per-client cap), then waits for a line on stdin and reports how many the server
still holds open, as JSON on stdout.

usage: half_open.py PORT N PER_SOURCE
"""
import json
import resource
import select
import socket
import sys

port, count, per_source = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
socks = []
for i in range(count):
    s = socket.socket()
    s.bind((f"127.0.0.{2 + i // per_source}", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    socks.append(s)
print(json.dumps({"opened": len(socks)}), flush=True)


def still_open():
    """Sockets the server has not closed (no EOF or reset pending on them)."""
    poller = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    closed = 0
    for fd, _ in poller.poll(0):
        try:
            by_fd[fd].setblocking(False)
            closed += 0 if by_fd[fd].recv(65536) else 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return len(socks) - closed


while sys.stdin.readline():
    print(json.dumps({"open": still_open()}), flush=True)
