#!/usr/bin/env python3
"""What idle connections hold after a long request: the server's resident
memory before, after 40 HTTP keep-alive sessions that each posted a
~0.9 MB batch and stay open, and after 40 TCP connections that each sent a
~0.9 MB line and stay open.

    bench/idle_memory.py [LEADROUTE_BIN]     (default build/bin/leadroute)

Uses ports 7641 and 7642 on 127.0.0.1.
"""
import json, os, socket, subprocess, sys, time
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binp = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "bin", "leadroute")
def rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS"): return int(l.split()[1]) // 1024
proc = subprocess.Popen([binp, "serve", "--listen", "127.0.0.1:7641", "--http", "127.0.0.1:7642",
                         "--data", "none", "--rules", os.path.join(root, "rules", "demo"), "--max-line", "4194304"],
                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
proc.stdout.readline()
time.sleep(0.5)
base = rss(proc.pid)
party = {"company": "Idle GmbH", "email": "a.b@idle.de"}
batch = "[" + ",".join(json.dumps({"jsonrpc":"2.0","id":i,"method":"normalize","params":{"party":party}}) + " " * 1500 for i in range(500)) + "]"
req = f"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: {len(batch)}\r\n\r\n{batch}".encode()
def http_exchange(s):
    s.sendall(req); buf = b""
    while True:
        buf += s.recv(1 << 20)
        h = buf.find(b"\r\n\r\n")
        if h >= 0:
            cl = int(buf[buf.find(b"Content-Length: ")+16:].split(b"\r\n")[0])
            if len(buf) >= h + 4 + cl: return
held = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", 7642)); http_exchange(s); held.append(s)
time.sleep(0.5)
http_rss = rss(proc.pid)
line = (json.dumps({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"company":"Idle GmbH","note":"z"*900000}}}) + "\n").encode()
for i in range(40):
    s = socket.create_connection(("127.0.0.1", 7641)); s.sendall(line)
    buf = b""
    while not buf.endswith(b"\n"): buf += s.recv(65536)
    held.append(s)
time.sleep(0.5)
tcp_rss = rss(proc.pid)
print(f"base {base} MB, after 40 idle HTTP sessions (0.9 MB request each) {http_rss} MB (+{http_rss-base}), after 40 idle TCP connections (0.9 MB line each) {tcp_rss} MB (+{tcp_rss-http_rss})")
proc.terminate(); proc.wait()
