#!/usr/bin/env python3
"""Requests per second through `leadroute pipe`, side by side with the floor.

Generates distinct, realistic request files and times `leadroute pipe` over
each, N runs, printing the median. The floor is `ping` (framing, JSON-RPC
envelope, response writing, no normalizing). Start-up (loading the public
suffix list and word lists) is timed on empty input and subtracted.

    bench/pipe_throughput.py [--bin build/bin/leadroute] [--count 100000] [--runs 5]
"""
import argparse
import random
import statistics
import subprocess
import tempfile
import time
import json

LEGAL = ["GmbH", "AG", "Ltd", "Inc.", "LLC", "S.A.", "SARL", "B.V.", "Oy", "AB",
         "S.p.A.", "Pty Ltd", "K.K.", "Sp. z o.o.", "GmbH & Co. KG", "Corp."]
WORDS = ["Acme", "Nordic", "Müller", "Globex", "Initech", "Umbrella", "Société",
         "Générale", "Zürcher", "Tiefbau", "Logistics", "Systems", "Data",
         "Software", "Holding", "Partners", "Consulting", "Öko", "Bau"]
TLDS = ["de", "com", "co.uk", "fr", "nl", "com.au", "it", "se", "io", "ch"]
PHONES = [("+49 89 {:07d}", "DE"), ("(773) 534-{:04d}", "US"),
          ("020 7946 {:04d}", "GB"), ("+33 1 42 {:02d} 53 00", "FR")]


def party(rng, i, with_phone):
    name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i} {rng.choice(LEGAL)}"
    host = f"{rng.choice(WORDS).lower().replace('ü','u').replace('é','e')}{i}.{rng.choice(TLDS)}"
    p = {"company": name, "domain": f"https://www.{host}/en",
         "email": f"J.Doe+webinar{i % 7}@{host}", "country": "DE"}
    if with_phone:
        fmt, cc = rng.choice(PHONES)
        p["phone"] = fmt.format(i % (10 ** fmt.count("0") if "07d" not in fmt else 10 ** 7))
        p["country"] = cc
    return p


def write(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def time_pipe(binary, path, runs):
    seconds = []
    for _ in range(runs):
        with open(path) as stdin:
            t0 = time.perf_counter()
            subprocess.run([binary, "pipe"], stdin=stdin, stdout=subprocess.DEVNULL,
                           check=True)
            seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/bin/leadroute")
    ap.add_argument("--count", type=int, default=100000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as d:
        files = {
            "ping (floor)": [json.dumps({"jsonrpc": "2.0", "id": i, "method": "ping",
                                         "params": {}}, separators=(",", ":"))
                             for i in range(args.count)],
            "normalize, no phone": [json.dumps(
                {"jsonrpc": "2.0", "id": i, "method": "normalize",
                 "params": {"party": party(rng, i, False)}},
                separators=(",", ":"), ensure_ascii=False) for i in range(args.count)],
            "normalize, distinct phones": [json.dumps(
                {"jsonrpc": "2.0", "id": i, "method": "normalize",
                 "params": {"party": party(rng, i, True)}},
                separators=(",", ":"), ensure_ascii=False) for i in range(args.count)],
        }
        empty = f"{d}/empty.jsonl"
        write(empty, [])
        startup = time_pipe(args.bin, empty, args.runs)
        print(f"start-up (empty input, subtracted below): {startup * 1000:.0f} ms")
        floor = None
        print(f"{'requests':32} {'req/s (median of %d)' % args.runs:>22} {'vs floor':>9}")
        for name, lines in files.items():
            path = f"{d}/{len(name)}.jsonl"
            write(path, lines)
            rate = args.count / max(1e-9, time_pipe(args.bin, path, args.runs) - startup)
            floor = floor or rate
            print(f"{name:32} {rate:22,.0f} {rate / floor:9.3f}")


if __name__ == "__main__":
    main()
