#!/usr/bin/env bash
# bench/pipeline_sync_bench.sh [N]: N upsert_opportunity lines (default
# 3000), pipelined through one connection (nc), into `leadroute serve` with a
# fresh data directory, once with --sync always and once with --sync never.
# Prints the wall time of each: with always, a pipeline's writes share one
# fdatasync per read of the connection rather than one each. Needs a
# Release build (tools/build build); LEADROUTE_BIN names another build's
# bin directory.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-3000}"
bin="${LEADROUTE_BIN:-build/bin}"
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
"$bin/leadroute-gen" --kind opportunities --count "$n" > "$work/requests.jsonl"
for sync in always never; do
  rm -rf "$work/data"
  "$bin/leadroute" serve --listen 127.0.0.1:7621 --http off --rules rules/demo \
    --data "$work/data" --sync "$sync" > "$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
  start=$(date +%s.%N)
  nc -N 127.0.0.1 7621 < "$work/requests.jsonl" > "$work/answers.jsonl"
  end=$(date +%s.%N)
  answers=$(grep -c '"result"' "$work/answers.jsonl" || true)
  awk -v s="$start" -v e="$end" -v n="$n" -v a="$answers" -v sync="$sync" \
    'BEGIN { printf "--sync %-6s %d pipelined upserts in %.3f s (%d answered)\n", sync, n, e - s, a }'
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
done
