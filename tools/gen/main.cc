// leadroute-gen: synthetic requests for benchmarks and load tests.
//
//   leadroute-gen [--count N] [--seed S] [--start K]
//                 [--kind opportunities|variants|fresh|partners|partners-csv|leads]
//                 [--method upsert_opportunity|check|register|route]
//
// opportunities: customers K..K+N-1 as stored opportunities (upsert);
// variants: deals for those customers as other partners spell them (hits);
// fresh: customers from far beyond K (misses against a load of K..K+N-1).
// One JSON-RPC request per line on stdout.
// partners: partners K..K+N-1, one partner object per line (a rule set's
// partners.jsonl); partners-csv: the same partners as a partners.csv;
// leads: leads for customers K..K+N-1, one lead object per line, or `route`
// requests with --method route.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

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

// A CSV cell: quoted where it holds a comma, a quote, a line break or
// spaces at its ends.
std::string CsvCell(const std::string& s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                     (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// The shortest text that reads back as d.
std::string Number(double d) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, ec == std::errc() ? end : buf);
}

std::string CsvList(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) {
    if (!joined.empty()) joined.push_back(';');
    joined += item;
  }
  return CsvCell(joined);
}

// Partners start..start+count-1 as a partners.csv: a header, then a row each.
void WritePartnersCsv(leadroute::gen::Generator& gen, std::uint64_t start, std::uint64_t count) {
  std::vector<leadroute::Partner> partners;
  std::vector<std::string> metrics;
  for (std::uint64_t i = 0; i < count; ++i) {
    partners.push_back(gen.PartnerFor(start + i));
    for (const auto& [name, value] : partners.back().performance) {
      bool known = false;
      for (const auto& m : metrics) known |= m == name;
      if (!known) metrics.push_back(name);
    }
  }
  std::string out = "id,name,tier,active,capacity,weight,territories,accounts,products,"
                    "certifications,industries,languages";
  for (const auto& m : metrics) out += ",performance." + m;
  out += "\n";
  for (const leadroute::Partner& p : partners) {
    out += CsvCell(p.id) + "," + CsvCell(p.name) + "," + CsvCell(p.tier) + "," +
           (p.active ? "true" : "false") + "," +
           (p.capacity ? std::to_string(*p.capacity) : std::string()) + "," +
           (p.weight != 0 ? Number(p.weight) : std::string()) + "," +
           CsvList(p.territories) + "," + CsvList(p.accounts) + "," + CsvList(p.products) +
           "," + CsvList(p.certifications) + "," + CsvList(p.industries) + "," +
           CsvList(p.languages);
    for (const auto& m : metrics) {
      out.push_back(',');
      if (const double* d = p.Performance(m)) out += Number(*d);
    }
    out.push_back('\n');
    if (out.size() > (1 << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
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
                         "[--kind opportunities|variants|fresh|partners|partners-csv|leads] "
                         "[--method M|none]\n");
    return 2;
  }
  if (method.empty()) method = kind == "opportunities" ? "upsert_opportunity" : "check";
  leadroute::gen::GeneratorOptions options;
  options.seed = seed;
  leadroute::gen::Generator gen(options);
  std::string line;
  if (kind == "partners-csv") {
    WritePartnersCsv(gen, start, count);
    return 0;
  }
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
