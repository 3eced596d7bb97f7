// JSON Lines: one JSON object per line (blank lines skipped), as rule set
// partner files, leads files and opportunity exports are written.
#ifndef LEADROUTE_JSON_LINES_H_
#define LEADROUTE_JSON_LINES_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "json/decode.h"

namespace leadroute::json {

// Longest line read.
inline constexpr std::size_t kMaxJsonLine = 1 << 20;

// The errors of one file, `NAME:LINE:COL: message` each: the first 100 are
// kept, the rest counted, so a file of junk never makes a message larger
// than itself.
class FileErrors {
 public:
  explicit FileErrors(std::string_view name) : name_(name) {}
  void Add(std::size_t line, std::size_t col, std::string_view message);
  bool empty() const { return kept_.empty(); }
  // All of them as one InvalidArgument, a line each, then "NAME: N more
  // errors" for those not kept.
  Status status() const;
  static constexpr std::size_t kMaxKept = 100;

 private:
  std::string name_;
  std::vector<std::string> kept_;
  std::size_t dropped_ = 0;
};

// Calls fn(object, line, line number) for each line of `text` that is a valid JSON
// object. Every problem is collected, `NAME:LINE:COL: message` per line:
// lines that are not JSON objects, and the errors fn returns (COL: where the
// field the error names starts on the line, else 1). Returns them all as
// one InvalidArgument status; fn has then been called for the good lines.
Status ForEachJsonLine(std::string_view text, std::string_view name,
                       const std::function<Status(od::value& object, std::string_view line,
                                                  std::size_t line_no)>& fn);

// The column (1-based) of `"field"` in `line`, else 1.
std::size_t FieldColumn(std::string_view line, std::string_view field);

}  // namespace leadroute::json

#endif  // LEADROUTE_JSON_LINES_H_
