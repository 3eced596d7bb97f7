#!/usr/bin/env bash
# bench/callgrind_counts.sh: instructions per operation, counted by
# callgrind (stable where this VM's wall time drifts), for comparing two
# builds.
#
#   bench/callgrind_counts.sh [BIN]
#
# BIN (default build/bin) is a bin directory with normalize_count,
# check_benchmark, load_profile and route_benchmark (`git worktree add
# /tmp/base REV && tools/build /tmp/base/build` gives another to compare
# with). Prints, per operation:
#   keys     all keys of a generated party (normalize_count, 20,000 parties)
#   hit      a check at 200,000 opportunities that finds its customer
#   miss     a check at 200,000 that finds none (100,000 checks each)
#   bulk     an opportunity of a 1M bulk load in batches (load_profile bulk)
#   route    a dry route at 100,000 opportunities and 20,000 partners
# Takes ~10 minutes.
set -euo pipefail
bin="${1:-build/bin}"
bin="$(cd "$bin" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
count() {  # name per toggle command...
  local name="$1" per="$2" toggle="$3"
  shift 3
  valgrind --tool=callgrind --callgrind-out-file="$out/$name" --toggle-collect="$toggle" \
    "$@" >/dev/null 2>"$out/$name.err"
  grep -h 'Collected' "$out/$name.err" | awk -v n="$name" -v per="$per" '{printf "%-6s %10.0f\n", n, $NF / per}'
}
count keys 20000 '*KeysOfAll*' "$bin/normalize_count" 20000
LEADROUTE_BENCH_N=200000 count hit 100000 'leadroute::Engine::Check*' \
  "$bin/check_benchmark" --benchmark_filter='BM_CheckHit/'
LEADROUTE_BENCH_N=200000 count miss 100000 'leadroute::Engine::Check*' \
  "$bin/check_benchmark" --benchmark_filter='BM_CheckMiss/'
count bulk 1000000 'leadroute::Engine::UpsertOpportunities*' "$bin/load_profile" bulk
LEADROUTE_BENCH_N=100000 count route 100000 'leadroute::Engine::Route(*' \
  "$bin/route_benchmark" --benchmark_filter=BM_RouteDryRun
