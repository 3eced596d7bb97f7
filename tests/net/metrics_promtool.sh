#!/usr/bin/env bash
# `leadroute call` against a running server, and GET /metrics passes `promtool check metrics` (the
# Prometheus project's own linter), after some traffic of each kind.
set -euo pipefail
bin="$1"
root="$2"
log=$(mktemp)
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$log" "$data"' EXIT
"$bin" serve --listen 127.0.0.1:0 --http 127.0.0.1:0 --rules "$root/rules/demo" --data "$data" >"$log" &
pid=$!
for _ in $(seq 100); do
  grep -q '"http":"127.0.0.1:' "$log" && break
  sleep 0.1
done
port=$(grep -o '"http":"127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$')
[ -n "$port" ] || { echo "server did not start: $(cat "$log")"; exit 1; }
url="http://127.0.0.1:$port"
tcp=$(grep -o '"tcp":"127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$')
# leadroute call: a result exits 0, an error answer 1.
"$bin" call ping --connect "127.0.0.1:$tcp" | grep -q '"result":{"version"' || { echo "call ping"; exit 1; }
set +e
"$bin" call get_opportunity '{"id":"nope"}' --connect "127.0.0.1:$tcp" >/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "call of an error answer exited $rc"; exit 1; }
# Pretty-printed params (regression: each of their lines went as a request
# line of its own, each a parse error).
"$bin" call check $'{\n  "deal": {"company": "ACME GmbH",\r\n "country": "DE"}\n}' \
  --connect "127.0.0.1:$tcp" | grep -q '"result":{"status":"clear"' || { echo "call of multi-line params"; exit 1; }
# A line break inside a string is no JSON: refused, not sent as a space.
out=$("$bin" call check $'{"deal": {"company": "ACME\nGmbH"}}' --connect "127.0.0.1:$tcp" || true)
printf '%s\n' "$out" | grep -q '"code":-32700' || { echo "call sent a line break inside a string as a space: $out"; exit 1; }
curl -sf -X POST -H 'Content-Type: application/json' \
  -d '{"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{"id":"l","company":"Acme GmbH","country":"DE","products":["cloud"],"language":"de"}}}' \
  "$url/rpc" >/dev/null
curl -sf -X POST -d '{nope' "$url/rpc" >/dev/null
curl -sf "$url/readyz" >/dev/null || { echo "not ready with the demo rules"; exit 1; }
metrics=$(curl -sf "$url/metrics")
printf '%s\n' "$metrics" | grep -q 'leadroute_requests_total{method="route"} 1' || { echo "route not counted"; exit 1; }
printf '%s\n' "$metrics" | promtool check metrics
echo "metrics_promtool: passed"
