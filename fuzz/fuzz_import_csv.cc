// Opportunities from a CSV export (`leadroute import FILE.csv`): the reader
// and the conversion must never crash, hang or grow without bound, and
// every record converted must be one JSON object that simdjson reads and
// the opportunity decoder takes or refuses with a field named.
#include <simdjson.h>

#include <cstdlib>
#include <string_view>

#include "cli/import_csv.h"
#include "json/records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace leadroute;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  json::CsvReader reader(text);
  std::vector<json::CsvCell> cells;
  json::CsvCell error_at;
  std::string error;
  std::size_t count = 0;
  if (reader.done() || !reader.Next(1024, &cells, &count, &error_at, &error)) return 0;
  std::vector<std::string> ignored;
  auto csv = cli::OpportunityCsv::FromHeader(cells, &ignored);
  if (!csv.ok()) return 0;
  simdjson::ondemand::parser parser;
  std::string out, id;
  while (!reader.done()) {
    if (!reader.Next(csv->columns(), &cells, &count, &error_at, &error)) {
      if (error.empty() || error_at.line == 0) std::abort();
      continue;
    }
    if (count != csv->columns()) continue;
    std::size_t column = 0;
    const Status s = csv->ToJson(cells, &out, &id, &column);
    if (!s.ok()) {
      if (s.field().empty() || column >= cells.size()) std::abort();
      continue;
    }
    simdjson::padded_string padded(out);
    simdjson::ondemand::document doc;
    simdjson::ondemand::value value;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
        doc.get_value().get(value) != simdjson::SUCCESS) {
      std::abort();
    }
    Opportunity opp;
    const Status decoded = json::DecodeOpportunity(value, "opportunity", &opp);
    if (!decoded.ok() && decoded.field().empty()) std::abort();
    if (decoded.ok() && opp.id != id) std::abort();
  }
  return 0;
}
