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
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)"; exit 1; }
source bench/loaded_server.sh
StartLoadedServer "$n" 2000 valgrind --tool=callgrind --instr-atstart=no \
  --callgrind-out-file="$work/cg.out"
RunLoad "$connections" "$depth" 2 > /dev/null
callgrind_control -i on "$spid" > /dev/null 2>&1
result=$(RunLoad "$connections" "$depth" 8)
callgrind_control -i off "$spid" > /dev/null 2>&1
kill -INT "$spid"
wait "$spid" || true
spid=
requests=$(echo "$result" | grep -o '"completed":[0-9]*' | cut -d: -f2)
total=$(grep -h '^totals:' "$work"/cg.out* | awk '{s += $2} END {print s}')
# (awk reads to the end: a reader that stops early would fail the pipe.)
handle=$(callgrind_annotate --inclusive=yes "$work"/cg.out* 2>/dev/null |
  awk '!done && /leadroute::protocol::Dispatcher::Handle\(std::basic_string_view/ {
         gsub(",", "", $1); print $1; done = 1 }')
echo "connections=$connections depth=$depth opportunities=$n requests=$requests"
echo "instructions per request: $((total / requests)) (answering $((handle / requests)), around it $(((total - handle) / requests)))"
