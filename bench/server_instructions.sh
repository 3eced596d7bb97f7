#!/usr/bin/env bash
# bench/server_instructions.sh: instructions the server spends per request,
# counted by callgrind over all its threads (stable where this VM's
# timings are not), split into answering (Dispatcher::Handle and below)
# and everything around it (Asio, reading, writing, framing).
#
#   bench/server_instructions.sh [CONNECTIONS] [DEPTH]
#   SERVER_INSTR_N=20000 LEADROUTE_BIN=/other/build/bin bench/server_instructions.sh 50 1
#
# The server runs under valgrind with instrumentation off, is loaded with
# SERVER_INSTR_N generated opportunities (default 20,000), takes checks of
# their variants for 2 s, and is counted over the next 8 s of the same
# load. Needs a Release build (tools/build build) and valgrind;
# LEADROUTE_BIN names another build's bin directory for the server (the
# load generator and the data generator stay this build's).
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-50}"
depth="${2:-1}"
n="${SERVER_INSTR_N:-20000}"
bin="${LEADROUTE_BIN:-build/bin}"
load=build/bin/leadroute-load  # the tools always from this build
gen=build/bin/leadroute-gen
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
work=$(mktemp -d)
vpid=
cleanup() {
  if [ -n "$vpid" ]; then kill -INT "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/cg.out" \
  "$bin/leadroute" serve --listen "127.0.0.1:$port" --http off --rules rules/demo --data none \
  > "$work/serve.log" 2>&1 &
vpid=$!
for _ in $(seq 300); do
  grep -q listening "$work/serve.log" 2>/dev/null && break
  sleep 0.2
done
grep -q listening "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
"$gen" --kind opportunities --count "$n" | nc -N 127.0.0.1 "$port" > /dev/null
"$gen" --kind variants --method check --count 2000 --start 0 > "$work/check.txt"

run() {
  "$load" --target "127.0.0.1:$port" --requests "$work/check.txt" \
    --connections "$connections" --depth "$depth" --seconds "$1" --warmup 0 | tail -1
}
run 2 > /dev/null
callgrind_control -i on "$vpid" > /dev/null 2>&1
result=$(run 8)
callgrind_control -i off "$vpid" > /dev/null 2>&1
kill -INT "$vpid"
wait "$vpid" || true
vpid=
requests=$(echo "$result" | grep -o '"completed":[0-9]*' | cut -d: -f2)
total=$(grep -h '^totals:' "$work"/cg.out* | awk '{s += $2} END {print s}')
# (awk reads to the end: a reader that stops early would fail the pipe.)
handle=$(callgrind_annotate --inclusive=yes "$work"/cg.out* 2>/dev/null |
  awk '!done && /leadroute::protocol::Dispatcher::Handle\(std::basic_string_view/ {
         gsub(",", "", $1); print $1; done = 1 }')
echo "connections=$connections depth=$depth opportunities=$n requests=$requests"
echo "instructions per request: $((total / requests)) (answering $((handle / requests)), around it $(((total - handle) / requests)))"
