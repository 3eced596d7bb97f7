#!/usr/bin/env bash
# bench/server_syscalls.sh: system calls the server makes per request
# (all its threads), counted by the kernel's syscall tracepoints through
# `perf stat` (which needs no hardware counters), beside the server's CPU
# time per request (user and system, /proc/PID/stat) over the same run.
#
#   bench/server_syscalls.sh [CONNECTIONS] [DEPTH] [SECONDS]
#   SERVER_SYSCALLS_N=200000 LEADROUTE_BIN=/other/build/bin bench/server_syscalls.sh 50 1 3
#
# The server (the demo rules) is loaded with SERVER_SYSCALLS_N generated
# opportunities (default 200,000), takes checks of their variants for 1 s,
# and is counted over the next SECONDS (default 3) of the same load. Needs a Release build
# (tools/build build) and perf (apt-get install linux-perf); LEADROUTE_BIN
# names another build's bin directory for the server (the load generator
# and the data generator stay this build's).
set -euo pipefail
cd "$(dirname "$0")/.."
connections="${1:-50}"
depth="${2:-1}"
seconds="${3:-3}"
n="${SERVER_SYSCALLS_N:-200000}"
command -v perf >/dev/null || { echo "needs perf (apt-get install linux-perf)"; exit 1; }
source bench/loaded_server.sh
StartLoadedServer "$n" 20000

# Every call (raw_syscalls), and those a request's path makes by name.
calls=(recvfrom sendto recvmsg sendmsg read write ioctl epoll_wait epoll_ctl futex)
events=raw_syscalls:sys_enter,$(printf 'syscalls:sys_enter_%s,' "${calls[@]}")
# Started a second before the counted run, ended a second after it: the
# counts cover it whole (and idle time, which makes no calls).
RunLoad "$connections" "$depth" 1 > /dev/null
perf stat -x, -e "${events%,}" -p "$spid" -o "$work/perf.txt" -- sleep $((seconds + 2)) &
ppid=$!
sleep 1
read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$spid/stat")
result=$(RunLoad "$connections" "$depth" "$seconds")
read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$spid/stat")
wait "$ppid"
requests=$(echo "$result" | grep -o '"completed":[0-9]*' | cut -d: -f2)
rate=$(echo "$result" | grep -o '"requests_per_s":[0-9]*' | cut -d: -f2)
tck=$(getconf CLK_TCK)
echo "connections=$connections depth=$depth opportunities=$n requests=$requests ($rate/s)"
awk -F, -v r="$requests" '
  $3 ~ /syscalls:sys_enter_/ && $1 + 0 > 0 {
    sub(/.*sys_enter_/, "", $3); printf "  %-10s %6.2f a request\n", $3, $1 / r }
  $3 == "raw_syscalls:sys_enter" { all = $1 }
  END { printf "  %-10s %6.2f a request\n", "all calls", all / r }' "$work/perf.txt"
awk -v u="$((u1 - u0))" -v s="$((s1 - s0))" -v t="$tck" -v r="$requests" 'BEGIN {
  printf "server CPU a request: user %.2f us, system %.2f us\n", u / t * 1e6 / r, s / t * 1e6 / r }'
