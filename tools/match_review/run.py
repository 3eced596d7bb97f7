#!/usr/bin/env python3
"""Decides record pairs a match-quality review wrote, and counts those decided as expected.

Each case is two parties and an expectation: "same" (the second, checked by another
partner, must conflict with the first: score >= 0.75) or "diff" (it must not); a case
with a "key" field instead expects the two parties' normalize key for that field equal
("same") or not ("diff"). One `leadroute pipe` per case: upsert the first, check the
second, normalize both. Thresholds are set near 0 so that every score shows; the
verdict uses the defaults (conflict 0.75, review 0.5). Dependency-free.

  tools/match_review/run.py [--bin build/bin/leadroute] [--list] [--jobs 2]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases_a  # noqa: E402
import cases_b  # noqa: E402


def run_case(binary, config, cwd, a, b):
    stored = dict(a, id="o1", owner={"kind": "partner", "id": "p1"})
    deal = dict(b, owner={"kind": "partner", "id": "p2"})
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "upsert_opportunity",
         "params": {"opportunity": stored}},
        {"jsonrpc": "2.0", "id": 2, "method": "check", "params": {"deal": deal}},
        {"jsonrpc": "2.0", "id": 3, "method": "normalize", "params": {"party": a}},
        {"jsonrpc": "2.0", "id": 4, "method": "normalize", "params": {"party": b}},
    ]
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in requests)
    # In a directory without rules/: the configuration's thresholds apply.
    p = subprocess.run([binary, "pipe", "--config", config], input=lines.encode(),
                       capture_output=True, timeout=60, cwd=cwd)
    answers = {}
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        answers[o["id"]] = o.get("result", o.get("error"))
    matches = (answers.get(2) or {}).get("matches") or []
    return (matches[0]["score"] if matches else None,
            matches[0]["matched_on"] if matches else [],
            answers.get(3) or {}, answers.get(4) or {})


def verdict(score):
    if score is None:
        return "clear(no-cand)"
    return "conflict" if score >= 0.75 else "review" if score >= 0.5 else "clear"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/bin/leadroute")
    ap.add_argument("--list", action="store_true", help="print every case")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    cases = cases_a.C + cases_b.C
    with tempfile.TemporaryDirectory() as cwd:
        config = os.path.join(cwd, "low.toml")
        with open(config, "w") as f:
            f.write("[conflict]\nconflict_threshold = 0.02\nreview_threshold = 0.01\n")
        with ThreadPoolExecutor(args.jobs) as ex:
            results = list(ex.map(lambda c: run_case(binary, config, cwd, c["a"], c["b"]), cases))
    failed = 0
    by_category = {}
    for c, (score, on, ka, kb) in zip(cases, results):
        v = verdict(score)
        if c["key"]:
            equal = ka.get(c["key"]) is not None and ka.get(c["key"]) == kb.get(c["key"])
            fail = not equal if c["expect"] == "same" else equal
        else:
            fail = v != "conflict" if c["expect"] == "same" else v == "conflict"
        failed += fail
        if fail:
            by_category[c["cat"]] = by_category.get(c["cat"], 0) + 1
        if args.list or fail:
            print(("FAIL " if fail else "ok   ") + f'{c["cat"]:30} {v:15} {score} {on} | {c["name"]}')
    for cat, n in sorted(by_category.items(), key=lambda x: -x[1]):
        print(f"{n:4} {cat}")
    print(f"{len(cases) - failed} of {len(cases)} decided as expected")


if __name__ == "__main__":
    main()
