#!/usr/bin/env python3
"""What idle connections hold after a long request: the server's resident
memory before, after 40 HTTP keep-alive sessions that each posted a
~0.9 MB batch and stay open, and after 40 TCP connections that each sent a
~0.9 MB line and stay open.

    bench/idle_memory.py [LEADROUTE_BIN]     (default build/bin/leadroute)

Uses ports 7641 (TCP) and 7642 (HTTP) on 127.0.0.1.
"""
import json
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "bin", "leadroute")
TCP, HTTP = 7641, 7642
CONNECTIONS = 40


def resident_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def receive(sock, done):
    """Reads until done(buffer); raises if the server closes first."""
    buf = b""
    while not done(buf):
        chunk = sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buf += chunk
    return buf


def http_answered(buf):
    head = buf.find(b"\r\n\r\n")
    if head < 0:
        return False
    length = int(buf[buf.find(b"Content-Length: ") + 16:].split(b"\r\n")[0])
    return len(buf) >= head + 4 + length


def main():
    server = subprocess.Popen(
        [BIN, "serve", "--listen", f"127.0.0.1:{TCP}", "--http", f"127.0.0.1:{HTTP}",
         "--data", "none", "--rules", os.path.join(ROOT, "rules", "demo"),
         "--max-line", "4194304"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server.stdout.readline()  # listening
        time.sleep(0.5)
        base = resident_mb(server.pid)
        party = {"company": "Idle GmbH", "email": "a.b@idle.de"}
        calls = (json.dumps({"jsonrpc": "2.0", "id": i, "method": "normalize",
                             "params": {"party": party}}) + " " * 1500 for i in range(500))
        batch = "[" + ",".join(calls) + "]"
        post = (f"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: {len(batch)}\r\n\r\n"
                f"{batch}").encode()
        held = []
        for _ in range(CONNECTIONS):
            s = socket.create_connection(("127.0.0.1", HTTP))
            s.sendall(post)
            receive(s, http_answered)
            held.append(s)
        time.sleep(0.5)
        after_http = resident_mb(server.pid)
        line = (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "normalize",
                            "params": {"party": {"company": "Idle GmbH",
                                                 "note": "z" * 900000}}}) + "\n").encode()
        for _ in range(CONNECTIONS):
            s = socket.create_connection(("127.0.0.1", TCP))
            s.sendall(line)
            receive(s, lambda buf: buf.endswith(b"\n"))
            held.append(s)
        time.sleep(0.5)
        after_tcp = resident_mb(server.pid)
        print(f"base {base} MB; after {CONNECTIONS} idle HTTP sessions (0.9 MB request each) "
              f"{after_http} MB (+{after_http - base}); after {CONNECTIONS} idle TCP "
              f"connections (0.9 MB line each) {after_tcp} MB (+{after_tcp - after_http})")
        for s in held:
            s.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
