// The partners half of a rule set: `partners.jsonl`, one CONTRACT partner
// object per line (blank lines skipped), and `partners.csv`, one partner per
// row under a header row (a PRM's or a spreadsheet's export).
#ifndef LEADROUTE_RULES_PARTNERS_FILE_H_
#define LEADROUTE_RULES_PARTNERS_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadroute/partner.h"
#include "leadroute/status.h"

namespace leadroute::rules {

// Where a partner came from, so later checks (compiling the rule set) can
// point at its fields.
struct PartnerSource {
  std::string file;
  std::size_t line_no = 0;  // where the record begins
  // JSON Lines: the record's line (a view into the text it was parsed from).
  std::string_view json_line;
  // CSV: the header's column names, and where each of this row's cells
  // begins (line, column), one per column.
  std::shared_ptr<const std::vector<std::string>> columns;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cells;

  // "FILE:LINE:COL" of `field` ("territories", "tier", ...): where its name
  // starts on a JSON line, where its cell starts in a CSV row (a
  // "performance.NAME" column for "performance"); column 1 of the record's
  // line when it has no such field.
  std::string At(std::string_view field) const;
};

// Appends each partner of `text` to *partners and its source to *sources.
// Every malformed line is reported, `NAME:LINE:COL: message` per line (COL:
// where the offending field's name starts, else 1); the good lines'
// partners are appended all the same, so that a linter can check them
// further. The sources view `text`: keep it alive while using them. A key
// that is no partner field is ignored; with `warnings`, each is appended
// there, `NAME:LINE:COL: warning: partner.KEY: unknown key, ignored`.
Status ParsePartnersJsonl(std::string_view text, std::string_view name,
                          std::vector<Partner>* partners,
                          std::vector<PartnerSource>* sources,
                          std::vector<std::string>* warnings = nullptr);

// The same for CSV (RFC 4180: fields separated by commas, quoted with '"'
// where they hold a comma, a quote (doubled) or a line break; LF or CRLF
// line ends; UTF-8, a byte order mark allowed). The first row names the
// columns, in any order: `id` (required), `name`, `tier`, `active` (true,
// false, yes, no, 1, 0), `capacity`, `weight`, the lists `territories`,
// `accounts`, `products`, `certifications`, `industries`, `languages`
// (items separated by ';'), and `performance.NAME` for each metric. Names
// are matched without regard to case; cells are trimmed of spaces and
// tabs; an empty cell leaves its field out. Rows without a non-empty cell
// are skipped. Every bad cell is reported, `NAME:LINE:COL: message` where
// the cell begins; the good rows are appended all the same. A bad header
// appends nothing.
Status ParsePartnersCsv(std::string_view text, std::string_view name,
                        std::vector<Partner>* partners,
                        std::vector<PartnerSource>* sources);

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_PARTNERS_FILE_H_
