#!/usr/bin/env python3
"""Integration test: SIGHUP and SIGTERM that come while serve is starting.

    signal_test.py LEADROUTE_BIN REPO_ROOT

serve loads its rules and data before it listens (seconds, for a large
data directory). A SIGHUP then must reload once it runs, a SIGTERM stop it
cleanly (exit 0, "stopped"); their default actions killed it (regression:
rc 129 and 143). The signal is sent as soon as /proc shows serve holding it.
A second SIGTERM cuts a drain short.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

bin_path, root = sys.argv[1], sys.argv[2]
HELD = (1 << (signal.SIGHUP - 1)) | (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))


def start(data):
    server = subprocess.Popen(
        [bin_path, "serve", "--listen", "127.0.0.1:0", "--http", "off",
         "--rules", os.path.join(root, "rules", "demo"), "--data", data,
         "--drain-seconds", "60"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{server.pid}/status") as f:
                for line in f:
                    if line.startswith("SigBlk:") and int(line.split()[1], 16) & HELD == HELD:
                        return server
        except FileNotFoundError:
            break
        time.sleep(0.001)
    server.kill()
    raise SystemExit("serve never held its signals: " + server.stderr.read())


with tempfile.TemporaryDirectory() as work:
    # SIGHUP while starting: it runs, and reloads once it can.
    server = start(os.path.join(work, "a"))
    server.send_signal(signal.SIGHUP)
    log = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("rules reloaded" in l for l in log):
        line = server.stdout.readline()
        if not line:
            break
        log.append(line)
    assert server.poll() is None, ("SIGHUP while starting ended serve", server.returncode, log,
                                   server.stderr.read())
    assert any('"listening"' in l for l in log), log
    assert any("rules reloaded" in l for l in log), log
    # A subscriber is told the server stops (regression: a bare close, as a
    # crash looks).
    port = int(next(l for l in log if '"listening"' in l).split('"tcp":"127.0.0.1:')[1]
               .split('"')[0])
    follower = socket.create_connection(("127.0.0.1", port), timeout=10)
    follower.sendall(b'{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{}}\n')
    stream = follower.makefile("r")
    assert '"result"' in stream.readline()
    server.send_signal(signal.SIGTERM)
    told = [line for line in stream if "stream_ended" in line]
    assert len(told) == 1 and "stopping" in told[0], told
    # The follower keeps its socket open (a connector backing off): the
    # server does not wait for it (regression: --drain-seconds, 60 here).
    stopping = time.monotonic()
    out, err = server.communicate(timeout=30)
    assert server.returncode == 0, (server.returncode, out, err)
    assert time.monotonic() - stopping < 5, time.monotonic() - stopping
    stream.close()
    follower.close()

    # SIGTERM while starting: a clean stop, exit 0, its final snapshot.
    server = start(os.path.join(work, "b"))
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=30)
    assert server.returncode == 0, ("SIGTERM while starting", server.returncode, out, err)
    assert '"stopped"' in out, out
    assert any(n.startswith("snapshot-") for n in os.listdir(os.path.join(work, "b"))), \
        os.listdir(os.path.join(work, "b"))
    # A second SIGTERM cuts a drain short (Ctrl-C twice): a client that
    # never reads its answers holds the drain until --drain-seconds.
    server = start(os.path.join(work, "c"))
    port = None
    while port is None:
        line = server.stdout.readline()
        assert line, server.stderr.read()
        if '"listening"' in line:
            port = int(line.split('"tcp":"127.0.0.1:')[1].split('"')[0])
    stuck = socket.create_connection(("127.0.0.1", port))
    stuck.setblocking(False)
    request = b'{"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"company":"Acme GmbH"}}}\n'
    sent = 0
    try:
        while sent < 64 << 20:
            sent += stuck.send(request * 256)
    except BlockingIOError:
        pass  # both sides' buffers full: the server holds unsent answers
    server.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    assert server.poll() is None, "the drain did not wait for the client"
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=10)
    assert server.returncode == 0, (server.returncode, out, err)
    assert '"stopped"' in out, out
    stuck.close()
print("signal_test: passed")
