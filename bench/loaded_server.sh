# bench/loaded_server.sh: sourced by the scripts that measure a running
# server (server_instructions.sh, server_syscalls.sh). After
# `source bench/loaded_server.sh` (from the repository's root):
#   $work      a temporary directory, removed at exit with the server stopped
#   $load $gen this build's load generator and data generator
#   $bin       the server's bin directory (LEADROUTE_BIN, default build/bin)
#   StartLoadedServer N CHECKS [WRAPPER...]
#              starts `$bin/leadroute serve` (the demo rules, no data
#              directory) under WRAPPER (e.g. valgrind and its flags),
#              loads N generated opportunities and writes CHECKS checks of
#              their variants to $work/check.txt; sets $port and $spid
#   RunLoad CONNECTIONS DEPTH SECONDS
#              leadroute-load's result line for that run of the checks
bin="${LEADROUTE_BIN:-build/bin}"
load=build/bin/leadroute-load  # the tools always from this build
gen=build/bin/leadroute-gen
work=$(mktemp -d)
spid=
port=
cleanup() {
  if [ -n "$spid" ]; then kill -INT "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

StartLoadedServer() {
  local n="$1" checks="$2"
  shift 2
  port=$((20000 + RANDOM % 20000))
  "$@" "$bin/leadroute" serve --listen "127.0.0.1:$port" --http off --rules rules/demo \
    --data none > "$work/serve.log" 2>&1 &
  spid=$!
  for _ in $(seq 300); do
    grep -q listening "$work/serve.log" 2>/dev/null && break
    sleep 0.2
  done
  grep -q listening "$work/serve.log" || { cat "$work/serve.log"; exit 1; }
  "$gen" --kind opportunities --count "$n" | nc -N 127.0.0.1 "$port" > /dev/null
  "$gen" --kind variants --method check --count "$checks" --start 0 > "$work/check.txt"
}

RunLoad() {
  "$load" --target "127.0.0.1:$port" --requests "$work/check.txt" \
    --connections "$1" --depth "$2" --seconds "$3" --warmup 0 | tail -1
}
