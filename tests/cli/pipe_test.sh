#!/usr/bin/env bash
# leadroute pipe: answers in order, one line each, and skips blank lines.
set -euo pipefail
bin="$1"
root="${2:-$(dirname "$0")/../..}"
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"ping"}' \
  '' \
  '{"jsonrpc":"2.0","id":2,"method":"normalize","params":{"party":{"company":"The ACME Deutschland GmbH","email":"J.Doe+x@Acme.de"}}}' \
  'not json' | "$bin" pipe)
lines=$(printf '%s\n' "$out" | wc -l)
[ "$lines" -eq 3 ] || { echo "expected 3 lines, got $lines: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 1p | grep -q '"id":1,"result":{"version":' || { echo "bad ping: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 2p | grep -q '"company":"acme germany","domain":"acme.de","email":"j.doe@acme.de"' || { echo "bad normalize: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 3p | grep -q '"code":-32700' || { echo "bad parse error: $out"; exit 1; }
# A last line without a newline is still answered.
printf '{"jsonrpc":"2.0","id":"x","method":"ping"}' | "$bin" pipe | grep -q '"id":"x"' || { echo "unterminated line unanswered"; exit 1; }
"$bin" --help | grep -q pipe
"$bin" pipe --help | grep -q stdin
# --help on every command (regression: version printed the version).
"$bin" version --help | grep -q '^usage: leadroute version' || { echo "version --help"; exit 1; }
if "$bin" pipe --bogus </dev/null 2>/dev/null; then echo "unknown flag accepted"; exit 1; fi
# Regression: durability settings were checked only with a data directory.
if "$bin" pipe --sync bogus </dev/null 2>/dev/null; then echo "bad --sync accepted"; exit 1; fi
rc=0
timeout 10 "$bin" serve --data none --snapshot-seconds abc --listen 127.0.0.1:0 --http off </dev/null &>/dev/null || rc=$?
if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then echo "bad --snapshot-seconds accepted"; exit 1; fi
# A setting refused, from a flag or the configuration file, exits 2 (as the
# README says); a rule set or data directory that does not load, 1.
# Regression: sync, snapshot_seconds, default_country and [conflict] exited
# 1, and "--default-country XX" was taken for a country.
cfg=$(mktemp)
for setting in '[server]\nsync = "bogus"' '[server]\nsnapshot_seconds = 0' \
               '[conflict]\ndefault_country = "XX"' '[conflict]\nconflict_threshold = "high"'; do
  printf "$setting\n" > "$cfg"
  rc=0
  "$bin" pipe --config "$cfg" </dev/null 2>/dev/null || rc=$?
  [ "$rc" -eq 2 ] || { echo "pipe with '$setting' exited $rc, not 2"; exit 1; }
done
rm -f "$cfg"
for flag in "--sync bogus" "--default-country XX" "--snapshot-seconds 0"; do
  rc=0
  "$bin" pipe $flag </dev/null 2>/dev/null || rc=$?
  [ "$rc" -eq 2 ] || { echo "pipe $flag exited $rc, not 2"; exit 1; }
done
# A listener's address: an IP address or localhost (regression: a name
# was refused only once binding, exit 1, with no flag named).
rc=0
"$bin" serve --listen example.com:7411 --http off --data none </dev/null 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || { echo "serve --listen example.com exited $rc, not 2"; exit 1; }
# Beyond loopback without a token: refused at once, exit 2 (regression: 1,
# once the rule set and data directory had loaded).
rc=0
"$bin" serve --listen 0.0.0.0:0 --http off --data none </dev/null 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || { echo "serve --listen 0.0.0.0 without a token exited $rc, not 2"; exit 1; }
listening=$(timeout 3 "$bin" serve --listen localhost:0 --http off --data none 2>/dev/null \
              | head -n 1 || true)
printf '%s\n' "$listening" | grep -q '"tcp":"127.0.0.1:' || { echo "localhost not served: $listening"; exit 1; }
# Regression: "--threads -1" asked for 2^64 threads.
if "$bin" serve --threads -1 --listen 127.0.0.1:0 </dev/null 2>/dev/null; then echo "bad --threads accepted"; exit 1; fi
# Rule sets: lint, routing through pipe, reload.
"$bin" lint "$root/rules/demo" || { echo "demo rules do not lint"; exit 1; }
bad=$(mktemp -d)
trap 'rm -rf "$bad"' EXIT
printf '[selection]\nmode = "fastest"\n' > "$bad/policy.toml"
printf '{"id":"a","territories":["XX"]}\n' > "$bad/partners.jsonl"
if lint_out=$("$bin" lint "$bad"); then echo "bad rules lint clean"; exit 1; fi
printf '%s\n' "$lint_out" | grep -q "policy.toml:2:8: selection.mode must be one of" || { echo "bad lint: $lint_out"; exit 1; }
if "$bin" pipe --rules "$bad" </dev/null 2>/dev/null; then echo "pipe started on bad rules"; exit 1; fi
# A refused setting is told before the rule set loads (exit 2, not 1).
rc=0
"$bin" pipe --rules "$bad" --sync bogus </dev/null 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || { echo "bad --sync beside bad rules exited $rc, not 2"; exit 1; }
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{"id":"l1","company":"Acme GmbH","country":"DE","products":["cloud"],"language":"de"},"explain":true}}' \
  '{"jsonrpc":"2.0","id":2,"method":"reload_rules"}' \
  '{"jsonrpc":"2.0","id":3,"method":"route","params":{"lead":{"company":"no id"}}}' \
  '{"jsonrpc":"2.0","id":4,"method":"get_partner","params":{"id":"house-distribution"}}' \
  | "$bin" pipe --rules "$root/rules/demo")
printf '%s\n' "$out" | sed -n 1p | grep -q '"decision":"partner".*"candidates":\[{"partner_id"' || { echo "bad route: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 2p | grep -q '"rules_version":"demo-' || { echo "bad reload: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 3p | grep -q '"code":-32602.*"field":"lead.id"' || { echo "bad lead error: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 4p | grep -q '"id":"house-distribution"' || { echo "bad get_partner: $out"; exit 1; }
# A partner key no field reads loads, with lint's warning: on stderr at
# start, and in reload_rules' answer.
warn="$bad/warn"
mkdir -p "$warn"
cp "$root/rules/demo/policy.toml" "$warn/"
printf '%s\n' '{"id":"house-distribution","territories":[]}' '{"id":"w1","territory":["DE"]}' > "$warn/partners.jsonl"
out=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"reload_rules"}' \
  | "$bin" pipe --rules "$warn" 2> "$bad/warn.err") || { echo "pipe refused a set with warnings"; exit 1; }
grep -q 'partners.jsonl:2:12: warning: partner.territory: unknown key, ignored' "$bad/warn.err" \
  || { echo "no warning at start: $(cat "$bad/warn.err")"; exit 1; }
printf '%s\n' "$out" | grep -q '"partners":2,"warnings":\[".*partners.jsonl:2:12: warning: partner.territory: unknown key, ignored"\]' \
  || { echo "no warning from reload_rules: $out"; exit 1; }
# Without a rule set, routing says so.
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{"id":"l","company":"x"}}}' \
  | (cd "$bad" && "$bin" pipe) | grep -q '"code":-32004' || { echo "route without rules"; exit 1; }
# An argument a command takes none of is refused (regression: `repair DIR`
# repaired ./var, `pipe -h` served).
status=0; (cd "$bad" && "$bin" repair "$bad/elsewhere" > /dev/null 2>&1) || status=$?
[ "$status" = 2 ] || { echo "repair DIR: exit $status, not 2"; exit 1; }
status=0; "$bin" pipe -h < /dev/null > /dev/null 2>&1 || status=$?
[ "$status" = 2 ] || { echo "pipe -h: exit $status, not 2"; exit 1; }
# --help whatever the configuration holds (regression: a bad file stopped it).
printf '[server]\nnope = 1\n' > "$bad/broken.toml"
LEADROUTE_CONFIG="$bad/broken.toml" "$bin" serve --help | grep -q "usage: leadroute serve" \
  || { echo "serve --help read the configuration"; exit 1; }
# bench-rules replays a leads file through two rule sets and compares them.
printf '%s\n' '{"id":"l1","company":"Acme GmbH","country":"DE","products":["cloud"],"language":"de"}' \
  '{"id":"l2","company":"Beta SAS","country":"FR","products":["backup"],"language":"fr"}' > "$bad/leads.jsonl"
report=$("$bin" bench-rules --rules "$root/rules/demo" --compare "$root/rules/demo" --leads "$bad/leads.jsonl")
printf '%s\n' "$report" | grep -q "^leads 2 in" || { echo "bad bench-rules: $report"; exit 1; }
printf '%s\n' "$report" | grep -q "Gini" || { echo "bench-rules without fairness: $report"; exit 1; }
printf '%s\n' "$report" | grep -q "^== differences: 0 of 2 leads" || { echo "bench-rules compare: $report"; exit 1; }
# An opportunity the engine refuses is named by its file's line (regression:
# its number among the records, 2 here, behind a blank line).
printf '%s\n' '{"id":"o1","owner":{"kind":"partner","id":"p"},"company":"X GmbH"}' '' \
  '{"id":"o2","owner":{"kind":"partner","id":"p"},"company":"-"}' > "$bad/opps.jsonl"
if out=$("$bin" bench-rules --rules "$root/rules/demo" --leads "$bad/leads.jsonl" \
           --opportunities "$bad/opps.jsonl" 2>&1); then
  echo "bench-rules took an opportunity nothing could match"; exit 1
fi
printf '%s\n' "$out" | grep -q "^$bad/opps.jsonl:3: " || { echo "bench-rules refusal not by line: $out"; exit 1; }
# pipe takes serve's options (CONTRACT: all but the listeners'), from the
# command line and from one configuration file; those of the network have
# no effect, the limits apply.
printf '[server]\nmax_line = 2048\nmax_batch = 2\nidle_seconds = 5\nlisten = "127.0.0.1:1"\n' > "$bad/server.toml"
out=$(printf '%s\n' '[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"ping"}]' \
  '{"jsonrpc":"2.0","id":5,"method":"ping"}' \
  | "$bin" pipe --config "$bad/server.toml" --max-depth 10 --threads 4 --journal-keep-seconds 5 \
      --drain-seconds 1 --token t --write-seconds 1) || { echo "pipe refused serve's options"; exit 1; }
printf '%s\n' "$out" | sed -n 1p | grep -q 'batch too large' || { echo "max_batch not applied: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 2p | grep -q '"id":5,"result"' || { echo "no answer after a batch too large: $out"; exit 1; }
# A line past max_line is answered and ends the input, as it ends a serve
# connection: byte for byte what serve answers (regression: pipe went on
# and answered the lines after it).
rc=0
out=$(printf '%s\n' "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"pad\":\"$(head -c 3000 /dev/zero | tr '\0' x)\"}" \
  '{"jsonrpc":"2.0","id":5,"method":"ping"}' | "$bin" pipe --config "$bad/server.toml" 2>/dev/null) || rc=$?
[ "$rc" -eq 1 ] || { echo "pipe exited $rc after a long line"; exit 1; }
printf '%s\n' "$out" | grep -q 'too long' || { echo "max_line not applied: $out"; exit 1; }
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || { echo "pipe went on after a long line: $out"; exit 1; }
# Without a data directory, a protection still expires on time: the
# timer's first tick, a second on, expires it. Asked every half second
# for up to 30 s (a fixed 2.5 s wait failed under ASan on a loaded
# machine).
coproc PIPE { "$bin" pipe; }
to_pipe=${PIPE[1]} from_pipe=${PIPE[0]}
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"o","owner":{"kind":"partner","id":"p"},"company":"Acme","expires_at":"2020-01-01T00:00:00Z"}}}' >&"$to_pipe"
read -r -t 30 line <&"$from_pipe" || { echo "pipe did not answer the upsert"; exit 1; }
expired=0
for i in $(seq 2 61); do
  sleep 0.5
  printf '{"jsonrpc":"2.0","id":%d,"method":"opportunity_history","params":{"id":"o"}}\n' "$i" >&"$to_pipe"
  read -r -t 30 line <&"$from_pipe" || { echo "pipe did not answer history $i"; exit 1; }
  if printf '%s\n' "$line" | grep -q '"event":"expired"'; then expired=1; break; fi
done
eval "exec $to_pipe>&-"
wait "$PIPE_PID" || { echo "pipe failed after the expiry"; exit 1; }
[ "$expired" -eq 1 ] || { echo "pipe did not expire in 30 s: $line"; exit 1; }
echo "pipe_test: 1 passed, 0 failed"
