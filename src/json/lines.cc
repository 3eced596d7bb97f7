#include "json/lines.h"

#include <string>
#include <vector>

namespace leadroute::json {

namespace {

// "partner.capacity" -> "capacity"; "lead.performance.x" -> "performance".
std::string_view TopField(std::string_view path) {
  if (const std::size_t dot = path.find('.'); dot != std::string_view::npos) {
    path.remove_prefix(dot + 1);
  }
  return path.substr(0, path.find_first_of(".["));
}

}  // namespace

void FileErrors::Add(std::size_t line, std::size_t col, std::string_view message) {
  if (kept_.size() >= kMaxKept) {
    ++dropped_;
    return;
  }
  kept_.push_back(name_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " +
                  std::string(message));
}

Status FileErrors::status() const {
  std::string all;
  for (const auto& e : kept_) {
    if (!all.empty()) all.push_back('\n');
    all += e;
  }
  if (dropped_ > 0) {
    all.append("\n").append(name_).append(": ").append(std::to_string(dropped_));
    all.append(" more errors");
  }
  return Status::InvalidArgument(all);
}

namespace {

// Where the key `key` of the object that begins at line[open] ('{') lies:
// the offset of its opening quote, or npos. Keys of nested objects, and
// the same text inside a value, are not it.
std::size_t KeyOffset(std::string_view line, std::size_t open, std::string_view key) {
  int depth = 0;
  for (std::size_t i = open; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      const std::size_t start = i;
      for (++i; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\') ++i;
      }
      if (depth != 1) continue;
      std::size_t after = i + 1;
      while (after < line.size() && (line[after] == ' ' || line[after] == '\t')) ++after;
      const bool is_key = after < line.size() && line[after] == ':';
      if (is_key && line.substr(start + 1, i - start - 1) == key) return start;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) break;
    }
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t FieldColumn(std::string_view line, std::string_view field) {
  const std::size_t open = line.find('{');
  if (field.empty() || open == std::string_view::npos) return 1;
  // "performance.win_rate": the key win_rate in the value of performance;
  // "territories[1]": the key territories.
  std::size_t found = std::string_view::npos, object = open;
  while (!field.empty()) {
    const std::size_t end = field.find_first_of(".[");
    const std::string_view key = field.substr(0, end);
    const std::size_t at = KeyOffset(line, object, key);
    if (at == std::string_view::npos) break;
    found = at;
    if (end == std::string_view::npos || field[end] != '.') break;
    field.remove_prefix(end + 1);
    // Past the key's quotes and its colon: the value, an object to look in.
    object = line.find_first_not_of(" \t", line.find(':', at + key.size() + 2) + 1);
    if (object == std::string_view::npos || line[object] != '{') break;
  }
  return found == std::string_view::npos ? 1 : found + 1;
}

Status ForEachJsonLine(std::string_view text, std::string_view name,
                       const std::function<Status(od::value& object, std::string_view line,
                                                  std::size_t line_no)>& fn) {
  // A byte order mark, as some Windows tools begin UTF-8 files with (CSV
  // files are read past one too).
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  simdjson::ondemand::parser parser;
  simdjson::dom::parser validator;
  FileErrors errors(name);
  std::size_t line_no = 0;
  auto error = [&](std::size_t col, std::string_view message) {
    errors.Add(line_no, col, message);
  };
  simdjson::padded_string padded;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.size() > kMaxJsonLine) {
      error(1, "line too long");
      continue;
    }
    padded = simdjson::padded_string(line);
    // The whole line first: on-demand parsing skips what it does not read.
    simdjson::dom::element root;
    if (validator.parse(padded).get(root) != simdjson::SUCCESS) {
      error(1, "not valid JSON");
      continue;
    }
    if (!root.is_object()) {
      error(1, "not a JSON object");
      continue;
    }
    simdjson::ondemand::document doc;
    simdjson::ondemand::value value;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
        doc.get_value().get(value) != simdjson::SUCCESS) {
      error(1, "not valid JSON");
      continue;
    }
    if (Status s = fn(value, line, line_no); !s.ok()) {
      std::string message(s.message());
      if (!s.field().empty()) message = std::string(s.field()) + ": " + message;
      error(FieldColumn(line, TopField(s.field())), message);
    }
  }
  return errors.empty() ? Status::Ok() : errors.status();
}

}  // namespace leadroute::json
