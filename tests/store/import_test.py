#!/usr/bin/env python3
"""Integration test: `leadroute import` into a running server.

    import_test.py LEADROUTE_BIN REPO_ROOT

A file with good records, an id that comes back later in the file, a line
that is not JSON and records the server refuses, loaded over three
connections in batches of two: every good record is stored, the later
version of the repeated id wins, each bad line is reported as FILE:LINE,
and the exit code says some were refused. Records too long or nested too
deep for a request are refused alone; a request the server refuses as a
whole (no token) ends the import with exit 2.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

bin_path, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "clients", "python"))
sys.path.insert(0, os.path.join(root, "tests"))
from leadroute_client import Client  # noqa: E402
from serve_process import start_server  # noqa: E402

work = tempfile.TemporaryDirectory()
path = os.path.join(work.name, "export.jsonl")
good = {}
lines = []
for i in range(200):
    rec = {"id": f"opp-{i}", "owner": {"kind": "partner", "id": f"p-{i % 7}"},
           "company": f"Customer {i} GmbH", "country": "DE", "amount": i}
    good[rec["id"]] = rec
    lines.append(json.dumps(rec))
    if i == 50:
        lines.append("{not json")                       # line 52
    if i == 80:
        lines.append(json.dumps({"company": "no id"}))  # line 83: refused
    if i == 120:
        lines.append("")                                # blank: skipped
# opp-3 again, later: this version must win whichever connection it takes.
again = dict(good["opp-3"], company="Customer 3 Renamed GmbH", amount=3000)
good["opp-3"] = again
lines.append(json.dumps(again))
lines.append(json.dumps({"id": "opp-bad", "owner": {"kind": "nobody", "id": "x"},
                         "company": "Bad Owner AG"}))   # last line: refused
# Begun with a byte order mark, as some Windows tools write UTF-8
# (regression: its first record was refused, "not a JSON object").
with open(path, "w", encoding="utf-8") as f:
    f.write("\ufeff" + "\n".join(lines) + "\n")
bad_lines = {52, 83, len(lines)}

server, port = start_server(bin_path, root)
try:
    run = subprocess.run(
        [bin_path, "import", path, "--connect", f"127.0.0.1:{port}",
         "--connections", "3", "--batch", "2"],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    reported = {int(m.group(1)) for m in re.finditer(re.escape(path) + r":(\d+): ", run.stderr)}
    assert reported == bad_lines, (reported, run.stderr)
    assert "200 new" in run.stdout and "1 updated" in run.stdout and "3 refused" in run.stdout, \
        run.stdout
    with Client("127.0.0.1", port) as c:
        for rec_id, rec in good.items():
            got = c.call("get_opportunity", id=rec_id)
            assert got["company"] == rec["company"], (rec_id, got)
            assert got["amount"] == rec["amount"], (rec_id, got)
        assert c.call("stats")["opportunities"] == 200
    # The same kind of export as CSV: a header in any case and order, a
    # column the importer does not know, quoted cells, lists, identifiers,
    # a record over two lines, and bad records reported by their line.
    csv_path = os.path.join(work.name, "export.csv")
    with open(csv_path, "w", newline="") as f:
        f.write("Id,Owner.Kind,Owner.Id,Company,Country,Products,Amount,IDS.VAT,Stage\r\n"
                "csv-1,direct,rep-7,\"ACME, Deutschland GmbH\",DE,cloud; backup,12500.5,"
                "DE 129 273 398,Prospecting\r\n"                 # line 2
                "csv-2,partner,p-9,\"Two\nLines AG\",DE,,,,\r\n"    # lines 3-4
                "\r\n"                                            # blank
                ",,,,,,,,\r\n"                                    # a spreadsheet's empty row
                "csv-3,partner,p-9,Globex,US,,12x,,\r\n"          # line 7: amount
                "csv-4,partner,,Umbrella,US,,,,\r\n"              # line 8: owner.id
                "csv-5,partner,p-9,Short\r\n")                   # line 9: cells
    run = subprocess.run(
        [bin_path, "import", csv_path, "--connect", f"127.0.0.1:{port}", "--batch", "2"],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "2 stored (2 new, 0 updated), 3 refused" in run.stdout, run.stdout
    for expected in (f"{csv_path}:1: column \"Stage\" is no opportunity field: ignored",
                     f"{csv_path}:7: opportunity.amount: not a number",
                     f"{csv_path}:8: opportunity.owner.id: missing",
                     f"{csv_path}:9: 4 fields, the header has 9"):
        assert expected in run.stderr, (expected, run.stderr)
    with Client("127.0.0.1", port) as c:
        got = c.call("get_opportunity", id="csv-1")
        assert got["company"] == "ACME, Deutschland GmbH" and got["owner"]["kind"] == "direct", got
        assert got["products"] == ["cloud", "backup"] and got["amount"] == 12500.5, got
        assert got["ids"] == {"vat": "DE 129 273 398"}, got
        assert c.call("get_opportunity", id="csv-2")["company"] == "Two\nLines AG"
        hit = c.call("check", deal={"company": "Other", "ids": {"vat": "129273398"},
                                    "owner": {"kind": "partner", "id": "p-1"}})
        assert hit["matches"][0]["opportunity_id"] == "csv-1", hit
    # A CSV file without an id column is refused whole: exit 2.
    headless = os.path.join(work.name, "headless.csv")
    with open(headless, "w") as f:
        f.write("opp-1,partner,p-1,Acme\n")
    run = subprocess.run([bin_path, "import", headless, "--connect", f"127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and f"{headless}:1:1: no id column" in run.stderr, run.stderr

    # Records no request could carry are refused alone, by their line;
    # the others of their batch are stored (regression: a record nested
    # too deep had its whole batch refused, one just under 1 MiB ended the
    # import), and every refusal is listed (regression: the first 50 were).
    limits = os.path.join(work.name, "limits.jsonl")
    with open(limits, "w") as f:
        def rec(i, **more):
            return json.dumps(dict({"id": f"lim-{i}", "owner": {"kind": "partner", "id": "p-1"},
                                    "company": f"Limit {i} AG", "country": "DE"}, **more))
        f.write(rec(0) + "\n")                                              # line 1
        deep = []
        for _ in range(69):
            deep = [deep]                                               # 70 levels
        f.write(rec(1, deep=deep) + "\n")                                 # line 2
        f.write(rec(2, junk="x" * 1048500) + "\n")                        # line 3
        f.write(rec(3) + "\n")                                             # line 4
        for i in range(4, 64):                                           # lines 5-64
            f.write(json.dumps({"id": f"lim-{i}", "owner": {"kind": "partner", "id": ""},
                                "company": "No Owner"}) + "\n")
        f.write(rec(64, junk="y" * 3000000))                              # 65, no newline
    run = subprocess.run(
        [bin_path, "import", limits, "--connect", f"127.0.0.1:{port}", "--batch", "100"],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    reported = [int(m.group(1)) for m in re.finditer(re.escape(limits) + r":(\d+): ", run.stderr)]
    assert sorted(reported) == [2, 3] + list(range(5, 66)), (reported, run.stderr[:2000])
    assert "2 stored (2 new, 0 updated), 63 refused" in run.stdout, run.stdout
    assert f"{limits}:2: nested too deep" in run.stderr, run.stderr[:2000]
    with Client("127.0.0.1", port) as c:
        assert c.call("get_opportunity", id="lim-3")["company"] == "Limit 3 AG"
    # A server that is not there: exit 2.
    gone = subprocess.run([bin_path, "import", path, "--connect", "127.0.0.1:1"],
                          capture_output=True, text=True, timeout=60)
    assert gone.returncode == 2, (gone.returncode, gone.stderr)
finally:
    server.terminate()
    server.wait(timeout=10)

# A server that takes nothing without its token refuses every request as a
# whole: the import stops there, exit 2 (it refused every record one by one,
# exit 1, as if the records were at fault).
# Its line limit is 1024 bytes too: an import told so keeps every request
# under it (regression test of its own: the server kept 1 MiB, so requests
# over 1024 bytes would have passed).
server, port = start_server(bin_path, root, extra=("--token", "s3cret", "--max-line", "1024"))
try:
    run = subprocess.run([bin_path, "import", path, "--connect", f"127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    assert "the server refused a request" in run.stderr, run.stderr
    small = os.path.join(work.name, "small.jsonl")
    with open(small, "w") as f:
        for i in range(40):
            f.write(json.dumps({"id": f"sm-{i}", "owner": {"kind": "partner", "id": "p-1"},
                                "company": f"Small {i} " + "z" * 100}) + "\n")
    told = [bin_path, "import", small, "--connect", f"127.0.0.1:{port}", "--token", "s3cret"]
    run = subprocess.run(told + ["--max-line", "1024"], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0 and "40 stored" in run.stdout, (run.stdout, run.stderr)
    # Not told: its first request, past 1024 bytes, ends the import.
    run = subprocess.run(told, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, (run.returncode, run.stdout, run.stderr)
    # Told by serve's configuration file, as the README says one file
    # serves every command (import took no --config: a review found it).
    config = os.path.join(work.name, "serve.toml")
    with open(config, "w") as f:
        f.write('[server]\ntoken = "s3cret"\nmax_line = 1024\nlisten = "127.0.0.1:1"\n')
    run = subprocess.run([bin_path, "import", small, "--connect", f"127.0.0.1:{port}",
                          "--config", config], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "40 stored" in run.stdout, (run.stdout, run.stderr)
    print("import_test: passed")
finally:
    server.terminate()
    server.wait(timeout=10)
