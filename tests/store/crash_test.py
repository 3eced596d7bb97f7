#!/usr/bin/env python3
"""Crash test: clients register unique deals while the server is killed with
SIGKILL at random moments. After each restart every acknowledged
registration is there, none twice, nothing unacknowledged invented, and a
second restart (no writes between) restores the same state.

    crash_test.py LEADROUTE_BIN REPO_ROOT [CYCLES] [SYNC]

CYCLES defaults to $LEADROUTE_CRASH_CYCLES, else 3 (the long mode: 50).
SYNC is the server's --sync (default always). A SIGKILL leaves the page
cache to the kernel, so with interval and never too nothing answered may
be lost; what those modes risk, a machine's crash, no process test shows.
They run here for what differs in them: answers before the sync, and
subscribers told of a change only once a tick has synced it.
"""
import os
import random
import signal
import string
import sys
import tempfile
import threading
import time

bin_path, root = sys.argv[1], sys.argv[2]
cycles = int(sys.argv[3] if len(sys.argv) > 3 else os.environ.get("LEADROUTE_CRASH_CYCLES", "3"))
sync = sys.argv[4] if len(sys.argv) > 4 else "always"
sys.path.insert(0, os.path.join(root, "clients", "python"))
sys.path.insert(0, os.path.join(root, "tests"))
from leadroute_client import Client, RpcError  # noqa: E402
from serve_process import start_server  # noqa: E402

rng = random.Random(int(os.environ.get("LEADROUTE_CRASH_SEED", "20261128")))
data = tempfile.TemporaryDirectory()


def start():
    return start_server(bin_path, root, data.name, extra=("--sync", sync))


def kill(server):
    server.send_signal(signal.SIGKILL)
    server.wait(timeout=10)


def word():
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(14))


seen = set()       # ids of stored opportunities the subscriber was told of
last_seen = [-1]   # the last journal position the subscriber received
acked = set()      # ids whose registration was answered approved or review
attempted = set()  # every id sent
lock = threading.Lock()


def writer(port, prefix, names):
    try:
        with Client("127.0.0.1", port, timeout=10) as c:
            i = 0
            while True:
                batch = []
                for _ in range(8):
                    deal_id = f"{prefix}-{i}"
                    i += 1
                    name = names.pop()
                    with lock:
                        attempted.add(deal_id)
                    batch.append(("register", {"deal": {
                        "id": deal_id, "owner": {"kind": "partner", "id": "partner-" + prefix},
                        "company": name.title() + " GmbH", "domain": name + ".de",
                        "country": "DE"}}))
                answers = c.pipeline(batch, raise_errors=False)
                for (_, params), answer in zip(batch, answers):
                    if isinstance(answer, RpcError):
                        continue
                    if answer["status"] in ("approved", "review"):
                        with lock:
                            acked.add(params["deal"]["id"])
    except (ConnectionError, OSError, ValueError):
        pass  # the server was killed


def follow(port, until=None):
    """Subscribes from the position after the last one seen; records every
    change until the connection ends (or position `until` is reached).
    Positions must follow on without gaps or repeats across reconnects."""
    import json
    import socket
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": "subscribe",
                               "params": {"from": last_seen[0] + 1}}) + "\n").encode())
        f = s.makefile("r", encoding="utf-8")
        answer = json.loads(f.readline())
        assert "result" in answer, answer
        if until is None:
            s.settimeout(None)
        while until is None or last_seen[0] + 1 < until:
            line = f.readline()
            if not line:
                return
            note = json.loads(line)
            if note.get("method") != "change":
                continue
            position = note["params"]["position"]
            assert position == last_seen[0] + 1, f"position {position} after {last_seen[0]}"
            last_seen[0] = position
            change = note["params"]["change"]
            if change["op"] == "upsert_opportunity":
                seen.add(change["opportunity"]["id"])
    except (ConnectionError, OSError, ValueError):
        return  # the server was killed


def state(port):
    """What the server holds of the attempted ids, and its totals."""
    ids = sorted(attempted)
    found = []
    with Client("127.0.0.1", port, timeout=30) as c:
        for start_at in range(0, len(ids), 500):
            chunk = ids[start_at:start_at + 500]
            answers = c.pipeline([("get_opportunity", {"id": i}) for i in chunk],
                                 raise_errors=False)
            for deal_id, answer in zip(chunk, answers):
                if not isinstance(answer, RpcError):
                    assert answer["id"] == deal_id
                    found.append((deal_id, answer["status"]))
        stats = c.call("stats")
    return found, stats["opportunities"]


for cycle in range(cycles):
    server, port = start()
    found, total = state(port)
    ids = {i for i, _ in found}
    missing = acked - ids
    assert not missing, f"cycle {cycle}: acknowledged registrations lost: {sorted(missing)[:5]}"
    assert total == len(found), f"cycle {cycle}: {total} stored, {len(found)} of ours"
    # Killed again before any write: the same state comes back.
    kill(server)
    server, port = start()
    again, total_again = state(port)
    assert (again, total_again) == (found, total), f"cycle {cycle}: a second restart differs"

    subscriber = threading.Thread(target=follow, args=(port,))
    subscriber.start()
    names = [word() for _ in range(200000)]
    threads = [threading.Thread(target=writer, args=(port, f"c{cycle}t{t}", names))
               for t in range(4)]
    for t in threads:
        t.start()
    time.sleep(rng.uniform(0.2, 1.2))
    kill(server)
    for t in threads:
        t.join(timeout=30)
    subscriber.join(timeout=30)
    print(f"cycle {cycle}: {len(acked)} acknowledged, {len(attempted)} sent, "
          f"{last_seen[0] + 1} changes followed", flush=True)

server, port = start()
found, total = state(port)
assert not (acked - {i for i, _ in found})
assert total == len(found)
# The subscriber catches up to the end: it was told of every stored one.
with Client("127.0.0.1", port) as c:
    pass
import json, socket  # noqa: E401
probe = socket.create_connection(("127.0.0.1", port), timeout=30)
probe.sendall(b'{"jsonrpc":"2.0","id":1,"method":"subscribe"}\n')
end = json.loads(probe.makefile().readline())["result"]["next"]
probe.close()
follow(port, until=end)
assert last_seen[0] + 1 == end, f"followed to {last_seen[0] + 1}, journal at {end}"
missing = {i for i, _ in found} - seen
assert not missing, f"stored but never streamed: {sorted(missing)[:5]}"
server.terminate()
server.wait(timeout=30)
print(f"ok (--sync {sync}): {cycles} crashes, {len(acked)} acknowledged registrations all restored, "
      f"{end} changes streamed to a subscriber that reconnected after each crash")
