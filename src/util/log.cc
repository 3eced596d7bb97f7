#include "util/log.h"

#include <cstdio>

#include "util/time.h"

namespace leadroute {

namespace {

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", u);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

std::string Line(std::string_view ts, std::string_view level, std::string_view msg,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out = "{";
  if (!ts.empty()) {
    out += "\"ts\":";
    AppendQuoted(&out, ts);
    out += ",";
  }
  out += "\"level\":";
  AppendQuoted(&out, level);
  out += ",\"msg\":";
  AppendQuoted(&out, msg);
  for (const auto& [key, value] : fields) {
    out.push_back(',');
    AppendQuoted(&out, key);
    out.push_back(':');
    AppendQuoted(&out, value);
  }
  out += "}\n";
  return out;
}

}  // namespace

std::string LogLine(std::string_view level, std::string_view msg,
                    std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  return Line({}, level, msg, fields);
}

void Log(std::string_view level, std::string_view msg,
         std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  const std::string line = Line(FormatRfc3339(NowSeconds()), level, msg, fields);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

}  // namespace leadroute
