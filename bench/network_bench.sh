#!/usr/bin/env bash
# bench/network_bench.sh: leadroute over loopback, side by side in one run
# with a bare echo server (the floor) and redis-server GET of a 300-byte
# value, measured by the same load generator.
#
#   bench/network_bench.sh [SECONDS]
#   NETBENCH_N=1000000 NETBENCH_PARTNERS=20000 bench/network_bench.sh 5
#
# leadroute is loaded with NETBENCH_N opportunities and NETBENCH_PARTNERS
# partners first. The echo server gets the same request bytes as leadroute's
# check. Needs a Release build (tools/build build) and redis-server;
# LEADROUTE_BIN names another build's bin directory (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-5}"
n="${NETBENCH_N:-1000000}"
partners="${NETBENCH_PARTNERS:-20000}"
bin="${LEADROUTE_BIN:-build/bin}"
command -v redis-server >/dev/null || { echo "needs redis-server (apt-get install redis-server)"; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # The servers finish their shutdown (a snapshot) before the directory goes.
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The rule set: the demo policy over generated partners.
mkdir -p "$work/rules"
cp rules/demo/policy.toml "$work/rules/"
"$bin/leadroute-gen" --kind partners --count "$partners" > "$work/rules/partners.jsonl"
echo '{"id":"house-distribution","name":"House desk","territories":[]}' >> "$work/rules/partners.jsonl"

"$bin/leadroute" serve --listen 127.0.0.1:7511 --http off --rules "$work/rules" --data "$work/data" > "$work/serve.log" &
pids+=($!)
"$bin/leadroute-echo" --listen 127.0.0.1:7519 > /dev/null &
pids+=($!)
redis-server --port 7529 --save '' --appendonly no --daemonize no > "$work/redis.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q listening "$work/serve.log" 2>/dev/null && redis-cli -p 7529 ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p 7529 set k "$(head -c 300 /dev/zero | tr '\0' 'x')" > /dev/null

echo "loading $n opportunities..." >&2
start=$(date +%s.%N)
"$bin/leadroute-gen" --kind opportunities --count "$n" | nc -N 127.0.0.1 7511 > /dev/null
echo "loaded in $(echo "$(date +%s.%N) - $start" | bc) s" >&2

# Requests: checks of stored customers' variants, dry-run routes of fresh
# leads, the same check bytes for the echo server, GET k for redis.
"$bin/leadroute-gen" --kind variants --method check --count 20000 --start 0 > "$work/check.txt"
"$bin/leadroute-gen" --kind leads --method route --count 20000 --start $((n + 1000000)) \
  | sed 's/"params":{"lead":/"params":{"dry_run":true,"lead":/' > "$work/route.txt"
echo "GET k" > "$work/redis.txt"

run() {  # target port file protocol connections depth
  "$bin/leadroute-load" --target "127.0.0.1:$2" --requests "$3" --protocol "$4" \
    --connections "$5" --depth "$6" --seconds "$seconds" --warmup 1
}
printf '%-8s %-14s %s\n' target mode result
for mode in "1 1" "50 1" "1 64"; do
  set -- $mode
  for t in echo redis check route; do
    case $t in
      echo) r=$(run echo 7519 "$work/check.txt" lines "$1" "$2") ;;
      redis) r=$(run redis 7529 "$work/redis.txt" redis "$1" "$2") ;;
      check) r=$(run check 7511 "$work/check.txt" lines "$1" "$2") ;;
      route) r=$(run route 7511 "$work/route.txt" lines "$1" "$2") ;;
    esac
    printf '%-8s %-14s %s\n' "$t" "conn=$1,depth=$2" "$r"
  done
done
