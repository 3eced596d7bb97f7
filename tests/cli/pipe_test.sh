#!/usr/bin/env bash
# leadroute pipe: answers in order, one line each, and skips blank lines.
set -euo pipefail
bin="$1"
out=$(printf '%s\n' \
  '{"jsonrpc":"2.0","id":1,"method":"ping"}' \
  '' \
  '{"jsonrpc":"2.0","id":2,"method":"normalize","params":{"party":{"company":"The ACME Deutschland GmbH","email":"J.Doe+x@Acme.de"}}}' \
  'not json' | "$bin" pipe)
lines=$(printf '%s\n' "$out" | wc -l)
[ "$lines" -eq 3 ] || { echo "expected 3 lines, got $lines: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 1p | grep -q '"id":1,"result":{"version":' || { echo "bad ping: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 2p | grep -q '"company":"acme deutschland","domain":"acme.de","email":"j.doe@acme.de"' || { echo "bad normalize: $out"; exit 1; }
printf '%s\n' "$out" | sed -n 3p | grep -q '"code":-32700' || { echo "bad parse error: $out"; exit 1; }
# A last line without a newline is still answered.
printf '{"jsonrpc":"2.0","id":"x","method":"ping"}' | "$bin" pipe | grep -q '"id":"x"' || { echo "unterminated line unanswered"; exit 1; }
"$bin" --help | grep -q pipe
"$bin" pipe --help | grep -q stdin
if "$bin" pipe --bogus </dev/null 2>/dev/null; then echo "unknown flag accepted"; exit 1; fi
# Regression: "--threads -1" asked for 2^64 threads.
if "$bin" serve --threads -1 --listen 127.0.0.1:0 </dev/null 2>/dev/null; then echo "bad --threads accepted"; exit 1; fi
echo "pipe_test: 1 passed, 0 failed"
