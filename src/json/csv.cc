#include "json/csv.h"

#include <algorithm>

namespace leadroute::json {

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

std::string_view TrimCell(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool IsBlankRecord(const std::vector<CsvCell>& cells, std::size_t count) {
  return count == cells.size() && std::all_of(cells.begin(), cells.end(), [](const CsvCell& c) {
           return TrimCell(c.text).empty();
         });
}

CsvReader::CsvReader(std::string_view text) : text_(text) {
  if (text_.starts_with("\xEF\xBB\xBF")) {  // a byte order mark
    pos_ = 3;
    line_start_ = 3;
  }
}

bool CsvReader::Next(std::size_t max_cells, std::vector<CsvCell>* cells,
                     std::size_t* count, CsvCell* error_at, std::string* error) {
  cells->clear();
  *count = 0;
  bool ok = true;
  const std::size_t start = pos_;
  CsvCell scratch;
  auto fail = [&](const CsvCell& at, std::string_view why) {
    if (!ok) return;
    ok = false;
    error_at->line = at.line;
    error_at->col = at.col;
    *error = why;
  };
  for (;;) {
    CsvCell& cell = cells->size() < max_cells ? cells->emplace_back() : scratch;
    cell = CsvCell{};
    ++*count;
    cell.line = line_;
    cell.col = static_cast<std::uint32_t>(pos_ - line_start_ + 1);
    const bool keep = &cell != &scratch && pos_ - start <= kMaxCsvRecord;
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
        Take(quote, keep ? &cell.text : nullptr, kMaxCsvRecord);
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
      if (keep) cell.text.assign(raw.substr(0, kMaxCsvRecord));
      pos_ = end;
    }
    if (cell.text.find('\0') != std::string::npos) fail(cell, "NUL byte");
    if (pos_ - start > kMaxCsvRecord) {
      CsvCell first;
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

bool CsvReader::AtRecordEnd() const {
  return text_[pos_] == '\n' ||
         (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
}

void CsvReader::Take(std::size_t end, std::string* out, std::size_t limit) {
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

}  // namespace leadroute::json
