#!/usr/bin/env python3
"""Integration test: the server's life as an operator sees it.

    lifecycle_test.py LEADROUTE_BIN REPO_ROOT

- SIGHUP reloads the rule set from its directory; a rule set that does not
  validate leaves the old one running (and says so in the log).
- `pipe` answers byte for byte what `serve` answers, for the same requests.
- SIGTERM: every request read is answered, whole and in order; exit 0.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

bin_path, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "clients", "python"))
from leadroute_client import Client  # noqa: E402


class Server:
    """`leadroute serve` on kernel-chosen ports; its log lines collected."""

    def __init__(self, rules, *extra):
        self.proc = subprocess.Popen(
            [bin_path, "serve", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0",
             "--rules", rules, "--data", "none", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        line = self.proc.stdout.readline()
        found = re.search(r'"tcp":"127\.0\.0\.1:(\d+)","http":"127\.0\.0\.1:(\d+)"', line)
        if not found:
            raise SystemExit("server did not start: " + line + self.proc.stderr.read())
        self.port, self.http = int(found.group(1)), int(found.group(2))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_log(self, text, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if any(text in line for line in self.lines):
                return
            time.sleep(0.05)
        raise AssertionError(f"no log line with {text!r}: {self.lines}")

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http}/readyz", timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code


def rules_version(port):
    with Client("127.0.0.1", port) as c:
        return c.call("stats")["rules_version"]


work = tempfile.mkdtemp()
try:
    # SIGHUP: reload, then a bad rule set that leaves the old one running.
    rules = os.path.join(work, "rules")
    shutil.copytree(os.path.join(root, "rules", "demo"), rules)
    policy = os.path.join(rules, "policy.toml")
    text = open(policy).read()
    server = Server(rules)
    try:
        before = rules_version(server.port)
        assert server.ready() == 200
        open(policy, "w").write(re.sub(r'version = "[^"]*"', 'version = "v-reloaded"', text, 1))
        server.proc.send_signal(signal.SIGHUP)
        server.wait_log('"msg":"rules reloaded"')
        assert rules_version(server.port) == "v-reloaded", rules_version(server.port)
        # A partner key no field reads: reloaded, with lint's warning logged.
        with open(os.path.join(rules, "partners.jsonl"), "a") as f:
            f.write('{"id":"misspelt","territory":["DE"]}\n')
        server.proc.send_signal(signal.SIGHUP)
        server.wait_log('"level":"warn","msg":"rules"')
        server.wait_log('partner.territory: unknown key, ignored')
        with open(os.path.join(rules, "partners.jsonl"), "a") as f:
            f.write('{"id":"broken","territories":["XX"]}\n')
        open(policy, "w").write(re.sub(r'version = "[^"]*"', 'version = "v-bad"', text, 1))
        server.proc.send_signal(signal.SIGHUP)
        server.wait_log('"msg":"rules reload failed; the old rules stay"')
        assert rules_version(server.port) == "v-reloaded"
        assert server.ready() == 200
        assert before != "v-reloaded"
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=10)

    # pipe answers what serve answers.
    requests = [
        {"method": "ping"},
        {"method": "normalize", "params": {"party": {
            "company": "ACME Deutschland GmbH", "domain": "https://www.acme.de/en",
            "email": "J.Doe+webinar@acme.de", "phone": "+49 89 1234567", "country": "DE"}}},
        {"method": "upsert_opportunity", "params": {"opportunity": {
            "id": "o-1", "owner": {"kind": "direct", "id": "rep-1"},
            "company": "ACME Deutschland GmbH", "domain": "acme.de", "country": "DE",
            "registered_at": "2026-01-01T00:00:00Z", "expires_at": "2030-01-01T00:00:00Z"}}},
        {"method": "check", "params": {"deal": {
            "company": "Acme Deutschland", "email": "j.doe@acme.de", "country": "DE",
            "owner": {"kind": "partner", "id": "p-9"}}}},
        {"method": "register", "params": {"deal": {
            "id": "d-1", "company": "Initech GmbH", "domain": "initech.de", "country": "DE",
            "owner": {"kind": "partner", "id": "p-9"}, "expires_at": "2030-01-01T00:00:00Z"}}},
        {"method": "get_opportunity", "params": {"id": "o-1"}},  # d-1: registered now
        {"method": "route", "params": {"dry_run": True, "explain": True, "lead": {
            "id": "l-1", "company": "Globex GmbH", "country": "DE", "postal_code": "80331",
            "products": ["firewall"], "language": "de", "employees": 250}}},
        {"method": "route", "params": {"dry_run": True, "lead": {
            "id": "l-2", "company": "ACME Deutschland GmbH", "domain": "acme.de",
            "country": "DE"}}},
        {"method": "close_opportunity", "params": {"id": "o-1", "status": "won"}},
        {"method": "get_partner", "params": {"id": "house-distribution"}},
        {"method": "nope"},
        {"method": "check", "params": {"deal": {"company": "X", "company": "Y"}}},
    ]
    lines = [json.dumps(dict(jsonrpc="2.0", id=i, **r), separators=(",", ":"))
             for i, r in enumerate(requests)]
    lines.append('{"jsonrpc":"2.0","id":99,"method":"check","params":{"deal":'
                 '{"company":"X","company":"Y"}}}')  # a key twice, as sent
    lines.append("not json")
    body = "\n".join(lines) + "\n"
    demo = os.path.join(root, "rules", "demo")
    piped = subprocess.run([bin_path, "pipe", "--rules", demo], input=body.encode(),
                           capture_output=True, check=True).stdout
    server = Server(demo)
    try:
        s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s.sendall(body.encode())
        served = b""
        while served.count(b"\n") < len(lines):
            chunk = s.recv(65536)
            assert chunk, "the server closed early"
            served += chunk
        s.close()
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=10)
    assert served == piped, "\n".join(
        f"serve: {a}\npipe:  {b}" for a, b in zip(served.decode().splitlines(),
                                                   piped.decode().splitlines()) if a != b)

    # SIGTERM: what was read is answered; exit 0.
    server = Server(demo)
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    burst = "".join(
        json.dumps({"jsonrpc": "2.0", "id": i, "method": "check", "params": {"deal": {
            "company": f"Customer {i} GmbH", "country": "DE"}}}) + "\n" for i in range(2000))
    s.sendall(burst.encode())
    time.sleep(0.2)  # read by now
    server.proc.send_signal(signal.SIGTERM)
    got = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    # Lines still in the kernel's buffer were never read: those are not
    # answered. Those read are, whole and in order.
    answers = got.decode().splitlines()
    assert got.endswith(b"\n") and len(answers) >= 1, got[-200:]
    assert all(json.loads(a)["id"] == i and "result" in json.loads(a)
               for i, a in enumerate(answers))
    assert server.proc.wait(timeout=15) == 0, server.proc.returncode
    server.wait_log('"msg":"stopped"')
    print("lifecycle_test: passed")
finally:
    shutil.rmtree(work, ignore_errors=True)
