// CsvReader: RFC 4180 records read one at a time from text in memory,
// every cell with its line and column, for files people export from
// spreadsheets and CRMs (partners.csv, `leadroute import FILE.csv`).
#ifndef LEADROUTE_JSON_CSV_H_
#define LEADROUTE_JSON_CSV_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace leadroute::json {

// A CSV record's bytes, and its cells, are at most this long (as a JSON
// Lines record): a longer one is refused without being kept.
inline constexpr std::size_t kMaxCsvRecord = 1 << 20;

// Control characters of text echoed in an error, written as \xNN so each
// error stays one line.
std::string Printable(std::string_view s);

// One cell of a CSV record: its text (quotes taken off), whether it was
// quoted, and where it begins.
struct CsvCell {
  std::string text;
  bool quoted = false;
  std::uint32_t line = 0;
  std::uint32_t col = 0;
};

// `s` without leading and trailing spaces and tabs.
std::string_view TrimCell(std::string_view s);

// Whether a record read whole (`count` cells, all kept in `cells`) holds
// nothing: a blank line, or a spreadsheet's empty row (",,,").
bool IsBlankRecord(const std::vector<CsvCell>& cells, std::size_t count);

// A cell's value: its text trimmed, unless quoted (spaces inside quotes
// are the cell's own).
inline std::string_view CellValue(const CsvCell& cell) {
  return cell.quoted ? std::string_view(cell.text) : TrimCell(cell.text);
}

// Reads RFC 4180 records from `text` one at a time. An Excel byte order
// mark is skipped; lines end in LF or CRLF.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text);

  bool done() const { return pos_ >= text_.size(); }

  // The next record: its first `max_cells` cells into *cells (*count says
  // how many it has). A malformed record (an unclosed quote, text after a
  // closing quote, a quote inside an unquoted cell, a carriage return not
  // before a line feed, a NUL byte, over kMaxCsvRecord bytes) is read to its
  // end: false, and *error_at and *error say where and why.
  bool Next(std::size_t max_cells, std::vector<CsvCell>* cells, std::size_t* count,
            CsvCell* error_at, std::string* error);

 private:
  bool AtRecordEnd() const;
  // Appends text_[pos_, end) to *out (when not null; up to `limit` bytes
  // in all), counting the line breaks it holds.
  void Take(std::size_t end, std::string* out, std::size_t limit);

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

}  // namespace leadroute::json

#endif  // LEADROUTE_JSON_CSV_H_
