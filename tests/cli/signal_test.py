#!/usr/bin/env python3
"""Integration test: SIGHUP and SIGTERM that come while serve is starting.

    signal_test.py LEADROUTE_BIN REPO_ROOT

serve loads its rules and data before it listens (seconds, for a large
data directory). A SIGHUP then must reload once it runs, a SIGTERM stop it
cleanly (exit 0, "stopped"); their default actions killed it (regression:
rc 129 and 143). The signal is sent as soon as /proc shows serve holding it.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

bin_path, root = sys.argv[1], sys.argv[2]
HELD = (1 << (signal.SIGHUP - 1)) | (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))


def start(data):
    server = subprocess.Popen(
        [bin_path, "serve", "--listen", "127.0.0.1:0", "--http", "off",
         "--rules", os.path.join(root, "rules", "demo"), "--data", data],
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
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=30)
    assert server.returncode == 0, (server.returncode, out, err)

    # SIGTERM while starting: a clean stop, exit 0, its final snapshot.
    server = start(os.path.join(work, "b"))
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=30)
    assert server.returncode == 0, ("SIGTERM while starting", server.returncode, out, err)
    assert '"stopped"' in out, out
    assert any(n.startswith("snapshot-") for n in os.listdir(os.path.join(work, "b"))), \
        os.listdir(os.path.join(work, "b"))
print("signal_test: passed")
