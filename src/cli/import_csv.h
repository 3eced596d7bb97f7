// Opportunities from a CSV file (a CRM's export), as the JSON records
// upsert_opportunities takes, for `leadroute import FILE.csv`.
//
// The header names the columns, in any order and case: `id`, `owner.kind`,
// `owner.id`, the party fields (`company`, `domain`, `email`,
// `first_name`, `last_name`, `phone`, `street`, `city`, `postal_code`,
// `region`, `country`), `products` (split at ';'), `amount`, `status`,
// `registered_at`, `expires_at`, and `ids.TYPE` for each identifier type.
// An empty cell is an absent field. Other columns are ignored, as unknown
// fields of a JSON record are; the server checks the rest as it checks JSON.
#ifndef LEADROUTE_CLI_IMPORT_CSV_H_
#define LEADROUTE_CLI_IMPORT_CSV_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "json/csv.h"
#include "leadroute/status.h"

namespace leadroute::cli {

class OpportunityCsv {
 public:
  // From the header record. Errors: no `id` column, a column named twice,
  // an `ids.` column whose type is no identifier type; message only (the
  // caller knows the position). The names of the columns ignored go to
  // *ignored.
  static Result<OpportunityCsv> FromHeader(const std::vector<json::CsvCell>& header,
                                           std::vector<std::string>* ignored);

  std::size_t columns() const { return columns_.size(); }

  // One record, with as many cells as the header has columns, as a JSON
  // object into *out, and its id cell into *id. An error (a cell not
  // valid UTF-8, an amount that is no number) names the column in its
  // field and sets *column to the cell's index.
  Status ToJson(const std::vector<json::CsvCell>& cells, std::string* out, std::string* id,
                std::size_t* column) const;

 private:
  enum class Kind : std::uint8_t { kIgnored, kText, kOwnerKind, kOwnerId, kProducts, kAmount, kId };
  struct Column {
    Kind kind;
    std::string name;  // the JSON key: "company", the identifier's type
  };
  std::vector<Column> columns_;
};

}  // namespace leadroute::cli

#endif  // LEADROUTE_CLI_IMPORT_CSV_H_
