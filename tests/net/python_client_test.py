#!/usr/bin/env python3
"""Integration test: the Python client against a real server.

    python_client_test.py LEADROUTE_BIN REPO_ROOT
"""
import json
import os
import sys
import tempfile

bin_path, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "clients", "python"))
sys.path.insert(0, os.path.join(root, "tests"))
from leadroute_client import Client, RpcError  # noqa: E402
from serve_process import start_server  # noqa: E402

data = tempfile.TemporaryDirectory()
server, port = start_server(bin_path, root, data.name)
try:
    with Client("127.0.0.1", port) as c:
        assert c.call("ping")["version"]
        created = c.call("upsert_opportunity", opportunity={
            "id": "opp-1", "owner": {"kind": "partner", "id": "p-1"},
            "company": "ACME Deutschland GmbH", "domain": "acme.de", "country": "DE"})
        assert created == {"id": "opp-1", "created": True}, created
        check = c.call("check", deal={"company": "Acme Deutschland G.m.b.H.", "country": "DE",
                                      "owner": {"kind": "partner", "id": "p-2"}})
        assert check["status"] == "conflict", check
        try:
            c.call("get_opportunity", id="nope")
            raise AssertionError("no error for a missing opportunity")
        except RpcError as e:
            assert e.code == -32001, e
        # Pipelining: 500 routes in one write, answers in order.
        leads = [{"id": f"l-{i}", "company": f"Customer {i} GmbH", "country": "DE",
                  "products": ["cloud"], "language": "de"} for i in range(500)]
        results = c.pipeline([("route", {"lead": lead, "dry_run": True}) for lead in leads])
        assert [r["lead_id"] for r in results] == [l["id"] for l in leads]
        mixed = c.pipeline([("ping", None), ("nope", None), ("ping", None)], raise_errors=False)
        assert isinstance(mixed[1], RpcError) and mixed[1].code == -32601, mixed
        assert mixed[2]["version"]
        # An error raised from a pipeline leaves no answer unread: the next
        # call gets its own (it once got the pipeline's third).
        try:
            c.pipeline([("ping", None), ("nope", None), ("ping", None), ("ping", None)])
            raise AssertionError("no error raised from the pipeline")
        except RpcError as e:
            assert e.code == -32601, e
        assert c.call("ping")["version"]
finally:
    server.terminate()
    server.wait(timeout=10)

# The change stream, with a data directory: what one connection writes,
# another sees, from any position on.
data = tempfile.TemporaryDirectory()
server, port = start_server(bin_path, root, data.name)
try:
    with Client("127.0.0.1", port) as w:
        for i in range(3):
            w.call("upsert_opportunity", opportunity={
                "id": f"s-{i}", "owner": {"kind": "partner", "id": "p-1"},
                "company": f"Stream {i} GmbH", "country": "DE"})
    with Client("127.0.0.1", port) as sub, Client("127.0.0.1", port) as w:
        stream = sub.subscribe(from_position=0)
        seen = [next(stream) for _ in range(3)]
        assert [p for p, _ in seen] == sorted(p for p, _ in seen), seen
        assert [c["opportunity"]["id"] for _, c in seen] == ["s-0", "s-1", "s-2"], seen
        w.call("close_opportunity", id="s-1", status="won")
        position, change = next(stream)
        assert position == seen[-1][0] + 1, (position, seen)
        assert change["op"] == "close_opportunity" and change["id"] == "s-1", change
    # Resuming from the last position + 1 gives exactly what came after.
    with Client("127.0.0.1", port) as sub:
        position, change = next(sub.subscribe(from_position=seen[-1][0] + 1))
        assert change["op"] == "close_opportunity", change
    # Subscribers that leave free their places at once: more of them one
    # after another than a server takes at a time (64), then one more. (A
    # subscriber read nothing, so a client gone held its place until a
    # heartbeat found it, after the idle timeout: a connector reconnecting
    # was refused by its own dead subscriptions.)
    import socket  # noqa: E402
    import time  # noqa: E402
    for i in range(70):
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"from":0}}\n')
            answer = s.makefile("rb").readline()
            assert b'"result"' in answer, (i, answer)
        time.sleep(0.01)
    time.sleep(0.2)
    with Client("127.0.0.1", port) as sub:
        position, change = next(sub.subscribe(from_position=0))
        assert change["opportunity"]["id"] == "s-0", change
    # A subscriber that shuts only its sending side (a piped `socat`) still
    # gets its stream (a review found it cut off by the hangup watch).
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"from":0}}\n')
        s.shutdown(socket.SHUT_WR)
        s.settimeout(10)
        lines = s.makefile("rb")
        assert b'"result"' in lines.readline()
        got = [json.loads(lines.readline()) for _ in range(4)]
        ids = [g["params"]["change"].get("opportunity", {}).get("id") for g in got
               if g.get("method") == "change"]
        assert ids[:3] == ["s-0", "s-1", "s-2"], got
        with Client("127.0.0.1", port) as w:
            w.call("upsert_opportunity", opportunity={
                "id": "s-9", "owner": {"kind": "partner", "id": "p-1"},
                "company": "Stream 9 GmbH", "country": "DE"})
        while True:
            g = json.loads(lines.readline())
            if g.get("method") == "change":
                assert g["params"]["change"]["opportunity"]["id"] == "s-9", g
                break
finally:
    server.terminate()
    server.wait(timeout=10)

# Regression: a pipeline longer than the server reads ahead while its
# answers go unread (its --max-output) was all sent before any answer was
# read: both sides waited until the server gave up on the client (30 s,
# then a reset). 80,000 normalize calls: ~25 MB each way, more than loopback's
# buffers hold.
server, port = start_server(bin_path, root, extra=("--write-seconds", "3"))
try:
    with Client("127.0.0.1", port, timeout=60) as c:
        party = {"company": "ACME Deutschland GmbH", "email": "j.doe@acme.de",
                 "phone": "+49 89 1234567", "first_name": "John", "last_name": "Doe",
                 "street": "Hauptstr. 5", "city": "Munich", "postal_code": "80331",
                 "country": "DE"}
        answers = c.pipeline([("normalize", {"party": party})] * 80000)
        assert len(answers) == 80000 and all(a["domain"] == "acme.de" for a in answers)
        assert c.call("ping")["version"]
    # A request past the server's line limit: its last word is raised.
    with Client("127.0.0.1", port, timeout=60) as c:
        try:
            c.call("ping", pad="x" * 20_000_000)
            raise AssertionError("a 20 MB request was answered")
        except RpcError as e:
            assert e.code == -32002 and "too long" in e.message, e
finally:
    server.terminate()
    server.wait(timeout=10)

# A server that answers and closes while the client is still sending, and
# reads slowly meanwhile (as a server past its line limit discards): its
# last line is raised as RpcError, not a bare ConnectionError (a review of
# the reading-while-sending found it lost).
import socket  # noqa: E402
import threading  # noqa: E402
listener = socket.create_server(("127.0.0.1", 0))


def slow_server():
    conn, _ = listener.accept()
    conn.recv(65536)
    conn.sendall(b'{"jsonrpc":"2.0","id":null,"error":{"code":-32002,'
                 b'"message":"request line too long"}}\n')
    conn.shutdown(socket.SHUT_WR)
    try:
        while conn.recv(65536):
            time.sleep(0.01)
    except OSError:
        pass
    conn.close()


import time  # noqa: E402
thread = threading.Thread(target=slow_server)
thread.start()
with Client("127.0.0.1", listener.getsockname()[1], timeout=30) as c:
    try:
        c.call("ping", pad="x" * 20_000_000)
        raise AssertionError("no error from a server that closed")
    except RpcError as e:
        assert e.code == -32002, e
thread.join(timeout=30)
listener.close()

# A server with a token and a short idle timeout.
server, port = start_server(bin_path, root, extra=("--token", "s3cret", "--idle-seconds", "1"))
try:
    with Client("127.0.0.1", port, token="s3cret") as c:
        assert c.call("ping")["version"]
    with Client("127.0.0.1", port) as c:
        try:
            c.call("ping")
            raise AssertionError("ping answered without the token")
        except RpcError as e:
            assert e.code == -32003, e
    try:
        Client("127.0.0.1", port, token="wrong")
        raise AssertionError("a wrong token was accepted")
    except RpcError as e:
        assert e.code == -32003, e
    # leadroute call with a wrong token prints hello's answer, which says
    # why (regression: it printed the call's "call hello with the token
    # first").
    import subprocess  # noqa: E402
    run = subprocess.run([bin_path, "call", "ping", "--connect", f"127.0.0.1:{port}",
                          "--token", "wrong"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 1 and "wrong token" in run.stdout, (run.returncode, run.stdout)
    # Idle past the timeout: the server's last line says why it closed.
    with Client("127.0.0.1", port, token="s3cret") as c:
        time.sleep(1.6)
        try:
            c.call("ping")
            raise AssertionError("an idle connection stayed open")
        except RpcError as e:
            assert e.code == -32002 and "idle" in e.message, e
        except ConnectionError:
            pass  # the close overtook the last line
    print("python_client_test: passed")
finally:
    server.terminate()
    server.wait(timeout=10)
