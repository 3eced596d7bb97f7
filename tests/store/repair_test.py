#!/usr/bin/env python3
"""Integration test: a damaged journal, refused at startup, then repaired.

    repair_test.py LEADROUTE_BIN REPO_ROOT

Opportunities are stored one by one (each synced), the server is killed, a
byte in the middle of the journal is flipped. `serve` must refuse to start
and say what to do; `leadroute repair --data DIR` cuts the journal at the
bad record, keeps what it cut under DIR/lost/; `serve` then starts with
every opportunity before the bad record, exactly as stored. A subscriber
that was sent the changes the repair cut is refused when it resumes past
the cut under its history, and told where to read anew.
"""
import glob
import os
import re
import signal
import subprocess
import sys
import tempfile

bin_path, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "clients", "python"))
sys.path.insert(0, os.path.join(root, "tests"))
from leadroute_client import Client, RpcError  # noqa: E402
from serve_process import start_server  # noqa: E402

work = tempfile.TemporaryDirectory()
data = os.path.join(work.name, "data")
os.mkdir(data)

server, port = start_server(bin_path, root, data)
stored = {}
# A connector follows the stream from the start: it is sent every change.
follower = Client("127.0.0.1", port)
stream = follower.subscribe(from_position=0)
with Client("127.0.0.1", port) as c:
    for i in range(60):
        rec = {"id": f"opp-{i:02d}", "owner": {"kind": "partner", "id": f"p-{i % 5}"},
               "company": f"Kunde {i} GmbH", "domain": f"kunde{i}.de", "country": "DE"}
        c.call("upsert_opportunity", opportunity=rec)
        stored[rec["id"]] = rec
seen = {}
for position, change in stream:
    seen[position] = change["opportunity"]["id"]
    if len(seen) == 60:
        break
old_history = follower.history
assert old_history and len(old_history) == 16, old_history
follower.close()
# Killed: no snapshot at shutdown, everything is in the journal.
server.send_signal(signal.SIGKILL)
server.wait(timeout=10)

segments = sorted(glob.glob(os.path.join(data, "journal-*.lrj")))
assert segments, os.listdir(data)
journal = segments[-1]
raw = bytearray(open(journal, "rb").read())
# A byte inside opp-40's record: a bad record with good ones after it.
at = raw.find(b'"opp-40"')
assert at > 0
raw[at + 3] ^= 0x20
open(journal, "wb").write(bytes(raw))

refused = subprocess.run([bin_path, "serve", "--listen", "127.0.0.1:0", "--http", "off",
                          "--rules", os.path.join(root, "rules", "demo"), "--data", data],
                         capture_output=True, text=True, timeout=30)
assert refused.returncode != 0, refused
said = refused.stdout + refused.stderr
assert "repair" in said, said
if os.environ.get("VERBOSE"):
    print(said)

repaired = subprocess.run([bin_path, "repair", "--data", data], capture_output=True, text=True,
                          timeout=30)
assert repaired.returncode == 0, repaired
if os.environ.get("VERBOSE"):
    print(repaired.stdout, repaired.stderr)
assert os.listdir(os.path.join(data, "lost")), "nothing kept under lost/"
# Nothing left to repair: a second run changes nothing and says so.
again = subprocess.run([bin_path, "repair", "--data", data], capture_output=True, text=True,
                       timeout=30)
assert again.returncode == 0, again

server, port = start_server(bin_path, root, data)
try:
    with Client("127.0.0.1", port) as c:
        for i in range(60):
            oid = f"opp-{i:02d}"
            try:
                got = c.call("get_opportunity", id=oid)
            except RpcError as e:
                assert i >= 40 and e.code == -32001, (oid, e)
                continue
            assert i < 40, f"{oid} survived past the bad record"
            for k in ("company", "domain", "country"):
                assert got[k] == stored[oid][k], (oid, k, got)
        assert c.call("stats")["opportunities"] == 40
        # Writable again.
        c.call("upsert_opportunity", opportunity=stored["opp-45"])
        assert c.call("get_opportunity", id="opp-45")["company"] == "Kunde 45 GmbH"
        # Past the position the connector below resumes from.
        for i in range(60, 90):
            c.call("upsert_opportunity", opportunity=dict(stored["opp-45"], id=f"opp-{i}"))
    # The connector resumes after the last change it was sent (59), under
    # the history it was sent it: the repair cut that history at opp-40's
    # position, and opp-45's upsert took it. It is told where to read anew.
    cut_at = next(p for p, oid in seen.items() if oid == "opp-40")
    with Client("127.0.0.1", port) as c:
        try:
            next(c.subscribe(from_position=60, history=old_history))
            raise AssertionError("resumed past the cut")
        except RpcError as e:
            assert e.code == -32001, e
            assert e.data["from"] == cut_at, e.data
            assert e.data["history"] != old_history, e.data
            new_history = e.data["history"]
    # From where the histories part, the stream goes on under the new one.
    with Client("127.0.0.1", port) as c:
        position, change = next(c.subscribe(from_position=cut_at, history=old_history))
        assert c.history == new_history, (c.history, new_history)
        assert (position, change["opportunity"]["id"]) == (cut_at, "opp-45"), (position, change)
    # An id this directory never had is refused too; none at all resumes
    # as before.
    with Client("127.0.0.1", port) as c:
        try:
            next(c.subscribe(from_position=0, history="00000000000000ff"))
            raise AssertionError("resumed under an unknown history")
        except RpcError as e:
            assert e.code == -32001 and "from" not in e.data, e
    with Client("127.0.0.1", port) as c:
        try:
            c.call("subscribe", {"from": 0, "history": 5})
            raise AssertionError("a history that is not a string")
        except RpcError as e:
            assert e.code == -32602 and e.data == {"field": "history"}, e
        position, _ = next(c.subscribe(from_position=cut_at))
        assert position == cut_at
    print("repair_test: passed")
finally:
    server.terminate()
    server.wait(timeout=10)
