#!/usr/bin/env bash
# bench/import_bench.sh: loading into a running server, and what checks
# see meanwhile.
#
#   bench/import_bench.sh [N] [RATE]
#   IMPORT_SYNC=never IMPORT_DATA=none IMPORT_CONNECTIONS=2 bench/import_bench.sh 300000 2000
#
# Starts `leadroute serve` (data directory in a temporary directory unless
# IMPORT_DATA=none; --sync IMPORT_SYNC, default always), then measures
# checks at RATE per second, open loop, on one connection, by
# build/bin/leadroute-load: 5 s with the server idle (the baseline), then
# while `leadroute import` loads N generated opportunities (over
# IMPORT_CONNECTIONS connections, default 1). Prints both
# latency lines, the import's wall time and rate, and the server's own
# check latency histogram (from /metrics) for the whole run. Needs a
# Release build (tools/build build); LEADROUTE_BIN names another build's
# bin directory (to compare two builds on the same machine).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-300000}"
rate="${2:-2000}"
bin="${LEADROUTE_BIN:-build/bin}"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # The servers finish their shutdown (a snapshot) before the directory goes.
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

data="${IMPORT_DATA:-$work/data}"
"$bin/leadroute-gen" --kind opportunities --method none --count "$n" --start 5000000 > "$work/opps.jsonl"
"$bin/leadroute-gen" --kind variants --method check --count 20000 --start 5000000 > "$work/checks.txt"
"$bin/leadroute" serve --listen 127.0.0.1:7611 --http 127.0.0.1:7612 --rules rules/demo \
  --data "$data" --sync "${IMPORT_SYNC:-always}" > "$work/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done

load() {
  "$bin/leadroute-load" --target 127.0.0.1:7611 --requests "$work/checks.txt" \
    --rate "$rate" --seconds "$1" --warmup 1
}
echo "checks, idle:        $(load 5 | tail -1)"
# The import times itself: it may end before the checks do.
(
  start=$(date +%s.%N)
  "$bin/leadroute" import "$work/opps.jsonl" --connect 127.0.0.1:7611 \
    --connections "${IMPORT_CONNECTIONS:-1}" > "$work/import.log" 2>&1
  end=$(date +%s.%N)
  echo "$start $end" > "$work/import.time"
) &
import=$!
echo "checks, importing:   $(load 3 | tail -1)"
wait "$import"
read -r start end < "$work/import.time"
awk -v n="$n" -v s="$start" -v e="$end" \
  'BEGIN { printf "import: %d opportunities in %.2f s, %.0f per second\n", n, e - s, n / (e - s) }'
echo "server-side check latency (cumulative buckets, seconds):"
curl -s http://127.0.0.1:7612/metrics |
  grep -E 'request_duration_seconds_bucket\{method="check"' | sed 's/^/  /'
