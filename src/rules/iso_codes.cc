#include "rules/iso_codes.h"

#include <string>
#include <unordered_set>

namespace leadroute::data {
extern const std::string_view kIso3166Countries;
extern const std::string_view kIso3166Subdivisions;
}  // namespace leadroute::data

namespace leadroute::rules {

namespace {

std::unordered_set<std::string_view> Lines(std::string_view text) {
  std::unordered_set<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty()) out.insert(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

bool IsCountryCode(std::string_view code) {
  static const auto* codes = new std::unordered_set<std::string_view>(
      Lines(data::kIso3166Countries));
  return codes->contains(code);
}

bool IsSubdivisionCode(std::string_view code) {
  static const auto* codes = new std::unordered_set<std::string_view>(
      Lines(data::kIso3166Subdivisions));
  return codes->contains(code);
}

}  // namespace leadroute::rules
