#include "rules/partners_file.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "json/csv.h"
#include "json/decode.h"
#include "json/lines.h"
#include "json/records.h"

namespace leadroute::rules {

namespace {

// Most performance metrics of one partner, and longest metric name: as for
// JSON partners.
constexpr std::size_t kMaxMetrics = 64;
constexpr std::size_t kMaxMetricName = 64;

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool EqualsFolded(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() &&
         std::equal(s.begin(), s.end(), lower.begin(),
                    [](char a, char b) { return AsciiLower(a) == b; });
}

enum class Column : std::uint8_t {
  kId, kName, kTier, kActive, kCapacity, kWeight, kTerritories, kAccounts, kProducts,
  kCertifications, kIndustries, kLanguages, kPerformance,
};

struct NamedColumn {
  std::string_view name;
  Column column;
};

constexpr NamedColumn kColumns[] = {
    {"id", Column::kId},
    {"name", Column::kName},
    {"tier", Column::kTier},
    {"active", Column::kActive},
    {"capacity", Column::kCapacity},
    {"weight", Column::kWeight},
    {"territories", Column::kTerritories},
    {"accounts", Column::kAccounts},
    {"products", Column::kProducts},
    {"certifications", Column::kCertifications},
    {"industries", Column::kIndustries},
    {"languages", Column::kLanguages},
};

std::optional<double> ParseNumber(std::string_view s) {
  double d = 0;
  const char* end = s.data() + s.size();
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(s.data(), end, d);
  if (ec != std::errc() || ptr != end || s.empty() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// A list cell: items separated by ';', each trimmed; empty items skipped.
Status SplitList(std::string_view cell, std::vector<std::string>* out) {
  out->clear();
  while (!cell.empty()) {
    const std::size_t semi = cell.find(';');
    const std::string_view item = json::TrimCell(cell.substr(0, semi));
    cell.remove_prefix(semi == std::string_view::npos ? cell.size() : semi + 1);
    if (item.empty()) continue;
    if (item.size() > json::kMaxStoredField || out->size() >= json::kMaxPartnerList) {
      return Status::InvalidArgument("too many or too long entries");
    }
    out->emplace_back(item);
  }
  return Status::Ok();
}

// Stores one cell's value in *p.
Status SetField(Column column, std::string_view metric, std::string_view value, Partner* p) {
  auto text = [&](std::string* dest) {
    if (value.size() > json::kMaxStoredField) {
      return Status::InvalidArgument("too long (at most " +
                                     std::to_string(json::kMaxStoredField) + " bytes)");
    }
    dest->assign(value);
    return Status::Ok();
  };
  switch (column) {
    case Column::kId: return text(&p->id);
    case Column::kName: return text(&p->name);
    case Column::kTier: return text(&p->tier);
    case Column::kActive:
      for (std::string_view yes : {"true", "yes", "1"}) {
        if (EqualsFolded(value, yes)) {
          p->active = true;
          return Status::Ok();
        }
      }
      for (std::string_view no : {"false", "no", "0"}) {
        if (EqualsFolded(value, no)) {
          p->active = false;
          return Status::Ok();
        }
      }
      return Status::InvalidArgument("must be true or false (or yes, no, 1, 0)");
    case Column::kCapacity: {
      // As in JSON: any number that is whole (12, 12.0, 1e3).
      const auto d = ParseNumber(value);
      if (!d || !(*d >= 0 && *d <= 4294967295.0) || std::floor(*d) != *d) {
        return Status::InvalidArgument("must be a whole number from 0 to 4294967295");
      }
      p->capacity = static_cast<std::uint32_t>(*d);
      return Status::Ok();
    }
    case Column::kWeight: {
      const auto d = ParseNumber(value);
      if (!d) return Status::InvalidArgument("must be a finite number");
      p->weight = *d;
      return Status::Ok();
    }
    case Column::kTerritories: return SplitList(value, &p->territories);
    case Column::kAccounts: return SplitList(value, &p->accounts);
    case Column::kProducts: return SplitList(value, &p->products);
    case Column::kCertifications: return SplitList(value, &p->certifications);
    case Column::kIndustries: return SplitList(value, &p->industries);
    case Column::kLanguages: return SplitList(value, &p->languages);
    case Column::kPerformance: {
      const auto d = ParseNumber(value);
      if (!d) return Status::InvalidArgument("must be a finite number");
      p->performance.emplace_back(metric, *d);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

std::string PartnerSource::At(std::string_view field) const {
  std::size_t col = 1;
  std::size_t line = line_no;
  if (columns) {
    std::optional<std::size_t> found;
    for (std::size_t c = 0; c < columns->size() && c < cells.size(); ++c) {
      const std::string_view name = (*columns)[c];
      if (name == field) {
        found = c;
        break;
      }
      if (!found && name.size() > field.size() && name.starts_with(field) &&
          name[field.size()] == '.') {
        found = c;
      }
    }
    if (found) {
      line = cells[*found].first;
      col = cells[*found].second;
    }
  } else {
    col = json::FieldColumn(json_line, field);
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Status ParsePartnersJsonl(std::string_view text, std::string_view name,
                          std::vector<Partner>* partners,
                          std::vector<PartnerSource>* sources,
                          std::vector<std::string>* warnings) {
  std::vector<Partner> out;
  std::vector<PartnerSource> out_sources;
  std::size_t warned = 0;  // unknown keys; the first kMaxKept are told
  Status s = json::ForEachJsonLine(
      text, name, [&](json::od::value& object, std::string_view line, std::size_t line_no) {
        Partner p;
        const std::function<void(std::string_view)> unknown = [&](std::string_view field) {
          if (++warned > json::FileErrors::kMaxKept) return;
          constexpr std::string_view kPath = "partner.";
          const std::string_view key = field.substr(std::min(field.size(), kPath.size()));
          warnings->push_back(std::string(name) + ":" + std::to_string(line_no) + ":" +
                              std::to_string(json::FieldColumn(line, key)) + ": warning: " +
                              json::Printable(field) + ": unknown key, ignored");
        };
        if (Status d = json::DecodePartner(object, "partner", &p,
                                           warnings != nullptr ? &unknown : nullptr);
            !d.ok()) {
          return d;
        }
        out.push_back(std::move(p));
        PartnerSource& source = out_sources.emplace_back();
        source.file = name;
        source.line_no = line_no;
        source.json_line = line;
        return Status::Ok();
      });
  if (warned > json::FileErrors::kMaxKept) {
    warnings->push_back(std::string(name) + ": warning: " +
                        std::to_string(warned - json::FileErrors::kMaxKept) +
                        " more unknown keys");
  }
  for (auto& p : out) partners->push_back(std::move(p));
  for (auto& w : out_sources) sources->push_back(std::move(w));
  return s;
}

Status ParsePartnersCsv(std::string_view text, std::string_view name,
                        std::vector<Partner>* partners,
                        std::vector<PartnerSource>* sources) {
  json::FileErrors errors(name);
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    std::uint32_t line = 1;
    for (std::string_view rest = text; !rest.empty(); ++line) {
      const std::string_view l = rest.substr(0, rest.find('\n'));
      if (!simdjson::validate_utf8(l.data(), l.size())) break;
      rest.remove_prefix(std::min(rest.size(), l.size() + 1));
    }
    errors.Add(line, 1, "not valid UTF-8");
    return errors.status();
  }
  json::CsvReader reader(text);
  std::vector<json::CsvCell> cells;
  std::size_t count = 0;
  json::CsvCell error_at;
  std::string error;
  // A valid header has at most every known column and 64 metrics; one
  // more is kept to say so.
  constexpr std::size_t kMaxColumns = std::size(kColumns) + kMaxMetrics;
  // The header: the first row with a name in it.
  bool have_header = false;
  while (!reader.done()) {
    if (!reader.Next(kMaxColumns + 1, &cells, &count, &error_at, &error)) {
      errors.Add(error_at.line, error_at.col, error);
      return errors.status();  // without a header, nothing else can be read
    }
    if (!json::IsBlankRecord(cells, cells.size())) {
      have_header = true;
      break;
    }
  }
  if (!have_header) {
    errors.Add(1, 1, "no header row");
    return errors.status();
  }
  const std::uint32_t header_line = cells.front().line;
  if (count > kMaxColumns) {
    errors.Add(header_line, 1, std::to_string(count) + " columns (at most " +
                                   std::to_string(kMaxColumns) + ")");
    return errors.status();
  }
  if (cells.size() == 1 && cells[0].text.find(';') != std::string::npos) {
    errors.Add(header_line, 1,
               "one column named \"" + json::Printable(json::TrimCell(cells[0].text)) +
                   "\": fields are separated by commas, not semicolons");
    return errors.status();
  }
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<std::optional<Column>> kinds;  // none: an unnamed column
  std::optional<std::size_t> id_column;
  std::size_t metrics = 0;
  bool unknown = false;
  for (const json::CsvCell& cell : cells) {
    const std::string_view written = json::TrimCell(cell.text);
    // Known columns are matched without regard to case; a metric keeps its
    // name as written, as the policy names it.
    std::string folded(written);
    std::transform(folded.begin(), folded.end(), folded.begin(), AsciiLower);
    std::optional<Column> kind;
    std::string column = folded;
    for (const NamedColumn& c : kColumns) {
      if (folded == c.name) kind = c.column;
    }
    const bool metric = folded.starts_with("performance.") && folded.size() > 12;
    if (metric) {
      kind = Column::kPerformance;
      column = "performance." + std::string(written.substr(12));
      ++metrics;
    }
    if (metric && written.size() - 12 > kMaxMetricName) {
      errors.Add(cell.line, cell.col, "metric name too long (at most " +
                                          std::to_string(kMaxMetricName) + " bytes)");
    } else if (written.empty()) {
      // An unnamed column (a spreadsheet's trailing comma): its cells must
      // stay empty.
    } else if (!kind) {
      errors.Add(cell.line, cell.col, "unknown column \"" + json::Printable(written) + "\"");
      unknown = true;
    } else if (std::find(names->begin(), names->end(), column) != names->end()) {
      errors.Add(cell.line, cell.col, "column \"" + json::Printable(column) + "\" named twice");
    }
    if (kind == Column::kId) id_column = names->size();
    names->push_back(written.empty() ? std::string() : std::move(column));
    kinds.push_back(written.empty() ? std::nullopt : kind);
  }
  if (unknown) {
    errors.Add(header_line, 1,
               "the columns are id, name, tier, active, capacity, weight, territories, "
               "accounts, products, certifications, industries, languages and "
               "performance.NAME");
  }
  if (!id_column) errors.Add(header_line, 1, "no id column");
  if (metrics > kMaxMetrics) {
    errors.Add(header_line, 1,
               "more than " + std::to_string(kMaxMetrics) + " performance columns");
  }
  if (!errors.empty()) return errors.status();

  std::vector<Partner> out;
  std::vector<PartnerSource> out_sources;
  while (!reader.done()) {
    if (!reader.Next(names->size(), &cells, &count, &error_at, &error)) {
      errors.Add(error_at.line, error_at.col, error);
      continue;
    }
    if (json::IsBlankRecord(cells, count)) continue;
    const std::uint32_t line = cells.front().line;
    if (count != names->size()) {
      errors.Add(line, 1, std::to_string(count) + " fields, the header has " +
                              std::to_string(names->size()));
      continue;
    }
    Partner p;
    PartnerSource source;
    source.file = name;
    source.line_no = line;
    source.columns = names;
    bool ok = true;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const json::CsvCell& cell = cells[c];
      source.cells.emplace_back(cell.line, cell.col);
      // Spaces inside quotes are the cell's own.
      const std::string_view value = json::CellValue(cell);
      if (value.empty()) continue;
      if (!kinds[c]) {
        errors.Add(cell.line, cell.col, "a value in a column without a name");
        ok = false;
        continue;
      }
      std::string_view metric;
      if (kinds[c] == Column::kPerformance) metric = std::string_view((*names)[c]).substr(12);
      if (Status s = SetField(*kinds[c], metric, value, &p); !s.ok()) {
        errors.Add(cell.line, cell.col, "partner." + (*names)[c] + ": " + std::string(s.message()));
        ok = false;
      }
    }
    if (p.id.empty()) {
      const json::CsvCell& cell = cells[*id_column];
      errors.Add(cell.line, cell.col, "partner.id: missing");
      ok = false;
    }
    if (!ok) continue;
    out.push_back(std::move(p));
    out_sources.push_back(std::move(source));
  }
  for (auto& p : out) partners->push_back(std::move(p));
  for (auto& s : out_sources) sources->push_back(std::move(s));
  return errors.empty() ? Status::Ok() : errors.status();
}

}  // namespace leadroute::rules
