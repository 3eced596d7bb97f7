#include "normalize/word_list.h"

#include "normalize/text_fold.h"

namespace leadroute::normalize {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

void ForEachDataLine(
    std::string_view text,
    const std::function<void(const std::vector<std::string_view>&)>& fn) {
  std::vector<std::string_view> columns;
  for (std::string_view line : Split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (TrimAscii(line).empty() || line.front() == '#') continue;
    columns = Split(line, '\t');
    for (auto& c : columns) c = TrimAscii(c);
    fn(columns);
  }
}

}  // namespace leadroute::normalize
