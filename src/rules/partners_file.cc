#include "rules/partners_file.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "json/decode.h"
#include "json/lines.h"
#include "json/records.h"

namespace leadroute::rules {

namespace {

// Most performance metrics of one partner, and longest metric name: as for
// JSON partners.
constexpr std::size_t kMaxMetrics = 64;
constexpr std::size_t kMaxMetricName = 64;

std::string_view Trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool EqualsFolded(std::string_view s, std::string_view lower) {
  return s.size() == lower.size() &&
         std::equal(s.begin(), s.end(), lower.begin(),
                    [](char a, char b) { return AsciiLower(a) == b; });
}

// A CSV record's bytes, and its cells, are at most this long (as a JSON
// Lines record): a longer one is refused without being kept.
constexpr std::size_t kMaxRecord = 1 << 20;

// Control characters of text echoed in an error, written as \xNN so each
// error stays one line.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[(c >> 4) & 0xf]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// One cell of a CSV record: its text (quotes taken off), whether it was
// quoted, and where it begins.
struct Cell {
  std::string text;
  bool quoted = false;
  std::uint32_t line = 0;
  std::uint32_t col = 0;
};

// Reads RFC 4180 records from `text` one at a time.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) {  // a byte order mark
      pos_ = 3;
      line_start_ = 3;
    }
  }

  bool done() const { return pos_ >= text_.size(); }

  // The next record: its first `max_cells` cells into *cells (*count says
  // how many it has). A malformed record (an unclosed quote, text after a
  // closing quote, a quote inside an unquoted cell, a carriage return not
  // before a line feed, a NUL byte, over kMaxRecord bytes) is read to its
  // end: false, and *error_at and *error say where and why.
  bool Next(std::size_t max_cells, std::vector<Cell>* cells, std::size_t* count,
            Cell* error_at, std::string* error) {
    cells->clear();
    *count = 0;
    bool ok = true;
    const std::size_t start = pos_;
    Cell scratch;
    auto fail = [&](const Cell& at, std::string_view why) {
      if (!ok) return;
      ok = false;
      error_at->line = at.line;
      error_at->col = at.col;
      *error = why;
    };
    for (;;) {
      Cell& cell = cells->size() < max_cells ? cells->emplace_back() : scratch;
      cell = Cell{};
      ++*count;
      cell.line = line_;
      cell.col = static_cast<std::uint32_t>(pos_ - line_start_ + 1);
      const bool keep = &cell != &scratch && pos_ - start <= kMaxRecord;
      // Spaces before a quoted cell's quote (`a, "b, c"`) are not its text.
      std::size_t quote_at = pos_;
      while (quote_at < text_.size() && (text_[quote_at] == ' ' || text_[quote_at] == '\t')) {
        ++quote_at;
      }
      if (quote_at < text_.size() && text_[quote_at] == '"') {
        cell.quoted = true;
        pos_ = quote_at + 1;
        for (;;) {
          const std::size_t quote = text_.find('"', pos_);
          if (quote == std::string_view::npos) {
            Take(text_.size(), nullptr, 0);
            fail(cell, "unclosed quote");
            return false;
          }
          Take(quote, keep ? &cell.text : nullptr, kMaxRecord);
          pos_ = quote + 1;
          if (pos_ < text_.size() && text_[pos_] == '"') {
            if (keep) cell.text.push_back('"');
            ++pos_;
            continue;
          }
          break;
        }
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
        if (pos_ < text_.size() && !AtRecordEnd() && text_[pos_] != ',') {
          fail(cell, "text after a closing quote");
          const std::size_t stop = text_.find_first_of(",\n", pos_);
          pos_ = stop == std::string_view::npos ? text_.size() : stop;
        }
      } else {
        std::size_t stop = text_.find_first_of(",\n", pos_);
        if (stop == std::string_view::npos) stop = text_.size();
        std::size_t end = stop;
        if (end > pos_ && text_[end - 1] == '\r' && (end == text_.size() || text_[end] == '\n')) {
          --end;
        }
        const std::string_view raw = text_.substr(pos_, end - pos_);
        if (raw.find('"') != std::string_view::npos) {
          fail(cell, "a quote inside an unquoted field (quote the field and double its quotes)");
        } else if (raw.find('\r') != std::string_view::npos) {
          fail(cell, "a carriage return without a line feed (line ends must be LF or CRLF)");
        }
        if (keep) cell.text.assign(raw.substr(0, kMaxRecord));
        pos_ = end;
      }
      if (cell.text.find('\0') != std::string::npos) fail(cell, "NUL byte");
      if (pos_ - start > kMaxRecord) {
        Cell first;
        first.line = cells->empty() ? cell.line : (*cells)[0].line;
        first.col = 1;
        fail(first, "record too long (over 1 MiB)");
      }
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      // The record's end: a line end or the text's.
      if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      }
      return ok;
    }
  }

 private:
  bool AtRecordEnd() const {
    return text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
  }

  // Appends text_[pos_, end) to *out (when not null; up to `limit` bytes
  // in all), counting the line breaks it holds.
  void Take(std::size_t end, std::string* out, std::size_t limit) {
    auto append = [&](std::size_t to) {
      if (out && out->size() < limit) {
        out->append(text_.substr(pos_, std::min(to - pos_, limit - out->size())));
      }
    };
    for (std::size_t nl; (nl = text_.find('\n', pos_)) < end;) {
      ++line_;
      line_start_ = nl + 1;
      append(nl + 1);
      pos_ = nl + 1;
    }
    append(end);
    pos_ = end;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

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
    const std::string_view item = Trim(cell.substr(0, semi));
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
                          std::vector<PartnerSource>* sources) {
  std::vector<Partner> out;
  std::vector<PartnerSource> out_sources;
  Status s = json::ForEachJsonLine(
      text, name, [&](json::od::value& object, std::string_view line, std::size_t line_no) {
        Partner p;
        if (Status d = json::DecodePartner(object, "partner", &p); !d.ok()) return d;
        out.push_back(std::move(p));
        PartnerSource& source = out_sources.emplace_back();
        source.file = name;
        source.line_no = line_no;
        source.json_line = line;
        return Status::Ok();
      });
  if (!s.ok()) return s;
  for (auto& p : out) partners->push_back(std::move(p));
  for (auto& w : out_sources) sources->push_back(std::move(w));
  return Status::Ok();
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
  CsvReader reader(text);
  std::vector<Cell> cells;
  std::size_t count = 0;
  Cell error_at;
  std::string error;
  auto blank = [&] {
    return std::all_of(cells.begin(), cells.end(),
                       [](const Cell& c) { return Trim(c.text).empty(); });
  };
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
    if (!blank()) {
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
               "one column named \"" + Printable(Trim(cells[0].text)) +
                   "\": fields are separated by commas, not semicolons");
    return errors.status();
  }
  auto names = std::make_shared<std::vector<std::string>>();
  std::vector<std::optional<Column>> kinds;  // none: an unnamed column
  std::optional<std::size_t> id_column;
  std::size_t metrics = 0;
  bool unknown = false;
  for (const Cell& cell : cells) {
    const std::string_view written = Trim(cell.text);
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
      errors.Add(cell.line, cell.col, "unknown column \"" + Printable(written) + "\"");
      unknown = true;
    } else if (std::find(names->begin(), names->end(), column) != names->end()) {
      errors.Add(cell.line, cell.col, "column \"" + Printable(column) + "\" named twice");
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
    if (count == cells.size() && blank()) continue;
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
      const Cell& cell = cells[c];
      source.cells.emplace_back(cell.line, cell.col);
      // Spaces inside quotes are the cell's own.
      const std::string_view value = cell.quoted ? std::string_view(cell.text) : Trim(cell.text);
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
      const Cell& cell = cells[*id_column];
      errors.Add(cell.line, cell.col, "partner.id: missing");
      ok = false;
    }
    if (!ok) continue;
    out.push_back(std::move(p));
    out_sources.push_back(std::move(source));
  }
  if (!errors.empty()) return errors.status();
  for (auto& p : out) partners->push_back(std::move(p));
  for (auto& s : out_sources) sources->push_back(std::move(s));
  return Status::Ok();
}

}  // namespace leadroute::rules
