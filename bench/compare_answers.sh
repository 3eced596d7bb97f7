#!/usr/bin/env bash
# bench/compare_answers.sh: whether two builds answer the same requests
# byte for byte, for a change meant to leave answers alone (a faster
# normalizer or router).
#
#   bench/compare_answers.sh OTHER_BIN [BIN]
#
# OTHER_BIN and BIN (default build/bin) are bin directories of two builds
# (`git worktree add /tmp/base REV && tools/build /tmp/base/build` gives
# one). Through `leadroute pipe` of each:
#   normalize: 430,659 requests: 60,000 generated opportunities, 60,000
#     check variants and 30,000 leads as parties, each with an email also
#     with its host as the domain, as written and upper-cased; the email,
#     phone and person test tables; 60,000 random numbers with
#     international and national prefixes in 30 countries;
#   routing: 70,006 requests, the demo policy over 20,000 generated
#     partners: 20,000 upserts, 30,000 explained dry routes, 20,000
#     routes, six dry route_batch requests of 1,000 leads.
# Prints the counts and exits 1 at the first difference.
set -euo pipefail
cd "$(dirname "$0")/.."
other="${1:?usage: bench/compare_answers.sh OTHER_BIN [BIN]}"
bin="${2:-build/bin}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gen="$bin/leadroute-gen"

"$gen" --kind opportunities --count 60000 > "$work/opps.jsonl"
"$gen" --kind variants --method check --count 60000 --start 0 > "$work/variants.jsonl"
"$gen" --kind leads --method route --count 30000 --start 100 > "$work/leads.jsonl"
python3 - "$work" tests/normalize/cases <<'EOF'
import json, random, sys
work, cases = sys.argv[1], sys.argv[2]
party_keys = {"company", "domain", "email", "phone", "first_name", "last_name", "street",
              "city", "postal_code", "region", "country", "ids"}
out = open(f"{work}/normalize.jsonl", "w")
n = 0
def emit(party):
    global n
    n += 1
    out.write(json.dumps({"jsonrpc": "2.0", "id": n, "method": "normalize",
                          "params": {"party": party}}, ensure_ascii=False) + "\n")
def rows(name):
    for line in open(f"{cases}/{name}", encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")
for name, key in (("opps", "opportunity"), ("variants", "deal"), ("leads", "lead")):
    for line in open(f"{work}/{name}.jsonl"):
        record = json.loads(line)["params"][key]
        party = {k: v for k, v in record.items() if k in party_keys}
        emit(party)
        if "@" in party.get("email", ""):
            host = party["email"].rsplit("@", 1)[1]
            emit(dict(party, domain=host.rstrip(">").strip()))
            emit(dict(party, domain=host.upper()))
for cols in rows("email.tsv"):
    emit({"email": cols[0]})
    if "@" in cols[0]:
        emit({"email": cols[0], "domain": cols[0].rsplit("@", 1)[1].rstrip(">").strip()})
for cols in rows("phone.tsv"):
    if len(cols) >= 2:
        emit({"phone": cols[0], "country": cols[1]})
for cols in rows("person.tsv"):
    if len(cols) >= 2:
        emit({"first_name": cols[0], "last_name": cols[1]})
        emit({"first_name": cols[1], "last_name": cols[0]})
random.seed(5)
countries = ["DE", "US", "GB", "FR", "IT", "ES", "PL", "AT", "CH", "NL", "BE", "JP", "AU", "IN",
             "BR", "AR", "MX", "RU", "CN", "SE", "NO", "DK", "FI", "IE", "PT", "GR", "TR", "ZA",
             "NZ", "SG"]
prefixes = ["", "0", "00", "011", "+", "+1", "0049", "00 44", "(0)", "1", "010", "0011"]
for _ in range(60000):
    country = random.choice(countries)
    digits = "".join(random.choice("0123456789") for _ in range(random.randint(4, 13)))
    emit({"phone": random.choice(prefixes) + digits, "country": country})
# Dry route_batch requests of the leads above, 1,000 each.
with open(f"{work}/batches.jsonl", "w") as f:
    leads = [json.loads(line)["params"]["lead"] for line in open(f"{work}/leads.jsonl")]
    for k in range(0, 6000, 1000):
        f.write(json.dumps({"jsonrpc": "2.0", "id": 900000 + k, "method": "route_batch",
                            "params": {"dry_run": True, "leads": leads[k:k + 1000]}}) + "\n")
EOF
# Routing: 20,000 upserts, explained dry routes, routes, the dry batches.
{
  head -n 20000 "$work/opps.jsonl"
  "$gen" --kind leads --method route --count 30000 --start 0 \
    | sed 's/"params":{"lead":/"params":{"dry_run":true,"explain":true,"lead":/'
  "$gen" --kind leads --method route --count 20000 --start 5000
  cat "$work/batches.jsonl"
} > "$work/routing.jsonl"
mkdir -p "$work/rules"
cp rules/demo/policy.toml "$work/rules/"
"$gen" --kind partners --count 20000 > "$work/rules/partners.jsonl"
echo '{"id":"house-distribution","name":"House desk","territories":[]}' >> "$work/rules/partners.jsonl"

compare() {  # name requests [pipe flags...]
  local name=$1 requests=$2
  shift 2
  "$other/leadroute" pipe "$@" < "$requests" > "$work/$name.other" 2>/dev/null
  "$bin/leadroute" pipe "$@" < "$requests" > "$work/$name.this" 2>/dev/null
  if ! cmp -s "$work/$name.other" "$work/$name.this"; then
    echo "$name: answers differ, first at line $(cmp "$work/$name.other" "$work/$name.this" | sed 's/.*line //')"
    exit 1
  fi
  echo "$name: $(wc -l < "$work/$name.this") answers, byte for byte the same"
}
compare normalize "$work/normalize.jsonl"
compare routing "$work/routing.jsonl" --rules "$work/rules"
