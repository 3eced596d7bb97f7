// leadroute-gen: synthetic requests for benchmarks and load tests.
//
//   leadroute-gen [--count N] [--seed S] [--start K]
//                 [--kind opportunities|variants|fresh|partners|leads]
//                 [--method upsert_opportunity|check|register|route]
//
// opportunities: customers K..K+N-1 as stored opportunities (upsert);
// variants: deals for those customers as other partners spell them (hits);
// fresh: customers from far beyond K (misses against a load of K..K+N-1).
// One JSON-RPC request per line on stdout.
// partners: partners K..K+N-1, one partner object per line (a rule set's
// partners.jsonl); leads: leads for customers K..K+N-1, one lead object per
// line, or `route` requests with --method route.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "gen/synthetic.h"
#include "protocol/json_writer.h"
#include "protocol/record_writer.h"

namespace {

void WriteParty(const leadroute::Party& p, leadroute::protocol::JsonWriter& w) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"company", &p.company}, {"domain", &p.domain}, {"email", &p.email},
      {"first_name", &p.first_name}, {"last_name", &p.last_name},
      {"phone", &p.phone}, {"country", &p.country}};
  for (const auto& [name, value] : fields) {
    if (!value->empty()) w.Field(name, *value);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t count = 1000, seed = 42, start = 0;
  std::string kind = "opportunities", method;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--count") count = std::strtoull(value, nullptr, 10);
    else if (flag == "--seed") seed = std::strtoull(value, nullptr, 10);
    else if (flag == "--start") start = std::strtoull(value, nullptr, 10);
    else if (flag == "--kind") kind = value;
    else if (flag == "--method") method = value;
    else {
      std::fprintf(stderr, "leadroute-gen: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "usage: leadroute-gen [--count N] [--seed S] [--start K] "
                         "[--kind opportunities|variants|fresh|partners|leads] [--method M|none]\n");
    return 2;
  }
  if (method.empty()) method = kind == "opportunities" ? "upsert_opportunity" : "check";
  leadroute::gen::GeneratorOptions options;
  options.seed = seed;
  leadroute::gen::Generator gen(options);
  std::string line;
  if (kind == "partners" || kind == "leads") {
    for (std::uint64_t i = 0; i < count; ++i) {
      line.clear();
      leadroute::protocol::JsonWriter w(&line);
      if (kind == "partners") {
        leadroute::protocol::WritePartner(gen.PartnerFor(start + i), w);
      } else if (method == "route") {
        w.BeginObject();
        w.Field("jsonrpc", "2.0");
        w.Field("id", static_cast<std::int64_t>(i));
        w.Field("method", "route");
        w.Key("params");
        w.BeginObject();
        w.Key("lead");
        leadroute::protocol::WriteLead(gen.LeadFor(start + i), w);
        w.EndObject();
        w.EndObject();
      } else {
        leadroute::protocol::WriteLead(gen.LeadFor(start + i), w);
      }
      line.push_back('\n');
      std::fwrite(line.data(), 1, line.size(), stdout);
    }
    return 0;
  }
  for (std::uint64_t i = 0; i < count; ++i) {
    leadroute::Opportunity o =
        kind == "variants" ? gen.VariantOf(start + i)
        : kind == "fresh"  ? gen.VariantOf(start + count + 1000000000ULL + i)
                           : gen.OpportunityFor(start + i);
    line.clear();
    leadroute::protocol::JsonWriter w(&line);
    // --method none: the records alone, as a CRM export (leadroute import).
    const bool bare = method == "none";
    if (!bare) {
      w.BeginObject();
      w.Field("jsonrpc", "2.0");
      w.Field("id", static_cast<std::int64_t>(i));
      w.Field("method", method);
      w.Key("params");
      w.BeginObject();
      w.Key(method == "upsert_opportunity" ? "opportunity" : "deal");
    }
    w.BeginObject();
    w.Field("id", o.id);
    w.Key("owner");
    w.BeginObject();
    w.Field("kind", leadroute::OwnerKindName(o.owner.kind));
    w.Field("id", o.owner.id);
    w.EndObject();
    WriteParty(o.party, w);
    w.Key("products");
    w.BeginArray();
    for (const auto& p : o.products) w.String(p);
    w.EndArray();
    w.EndObject();
    if (!bare) {
      w.EndObject();
      w.EndObject();
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return 0;
}
