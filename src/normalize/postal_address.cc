#include "normalize/postal_address.h"

#include <vector>

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

constexpr std::size_t kMaxPostalInput = 32;

// Patterns of canonical postal codes: 'D' a digit, 'A' a letter, 'X' either.
struct PostalPattern {
  std::string_view country;
  std::string_view patterns;  // alternatives separated by '|'
};
constexpr PostalPattern kPostalPatterns[] = {
    {"US", "DDDDD"}, {"DE", "DDDDD"}, {"FR", "DDDDD"}, {"IT", "DDDDD"},
    {"ES", "DDDDD"}, {"FI", "DDDDD"}, {"SE", "DDDDD"}, {"MX", "DDDDD"},
    {"MY", "DDDDD"}, {"TH", "DDDDD"}, {"TR", "DDDDD"}, {"UA", "DDDDD"},
    {"HR", "DDDDD"}, {"EE", "DDDDD"}, {"LT", "DDDDD"}, {"ID", "DDDDD"},
    {"AU", "DDDD"},  {"AT", "DDDD"},  {"CH", "DDDD"},  {"BE", "DDDD"},
    {"DK", "DDDD"},  {"NO", "DDDD"},  {"NZ", "DDDD"},  {"ZA", "DDDD"},
    {"HU", "DDDD"},  {"LU", "DDDD"},  {"PH", "DDDD"},  {"BG", "DDDD"},
    {"SI", "DDDD"},  {"CY", "DDDD"},  {"IN", "DDDDDD"}, {"CN", "DDDDDD"},
    {"RU", "DDDDDD"}, {"SG", "DDDDDD"}, {"RO", "DDDDDD"}, {"KZ", "DDDDDD"},
    {"PL", "DDDDD"}, {"CZ", "DDDDD"}, {"SK", "DDDDD"}, {"GR", "DDDDD"},
    {"PT", "DDDDDDD|DDDD"}, {"JP", "DDDDDDD"}, {"BR", "DDDDDDDD"},
    {"IL", "DDDDDDD"}, {"KR", "DDDDD"}, {"TW", "DDDDD|DDD"},
    {"NL", "DDDDAA"}, {"CA", "ADADAD"}, {"IE", "AXXXXXX"},
    {"GB", "AXDAA|AXXDAA|AXXXDAA"}, {"AR", "ADDDDAAA|DDDD"},
};

bool MatchesPattern(std::string_view code, std::string_view pattern) {
  if (code.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    switch (pattern[i]) {
      case 'D': if (!IsAsciiDigit(c)) return false; break;
      case 'A': if (!IsAsciiAlpha(c)) return false; break;
      default: if (!IsAsciiAlnum(c)) return false; break;
    }
  }
  return true;
}

}  // namespace

PostalAddress::PostalAddress(std::string_view street_types,
                             std::string_view unit_designators) {
  std::string folded;
  ForEachDataLine(street_types, [&](const std::vector<std::string_view>& cols) {
    if (cols.size() < 2) return;
    std::string canonical;
    if (!FoldToAscii(cols[1], &canonical)) return;
    if (!FoldToAscii(cols[0], &folded)) return;
    std::string variant;
    for (char c : folded) {
      if (IsAsciiAlnum(c)) variant.push_back(c);
    }
    if (!variant.empty()) street_types_.emplace(variant, canonical);
  });
  ForEachDataLine(unit_designators,
                  [&](const std::vector<std::string_view>& cols) {
                    if (FoldToAscii(cols[0], &folded)) units_.insert(folded);
                  });
}

std::optional<std::string> PostalAddress::PostalCode(std::string_view code,
                                                     std::string_view country) {
  if (code.size() > kMaxPostalInput) return std::nullopt;
  std::string out;
  for (char c : code) {
    if (IsAsciiAlnum(c)) {
      out.push_back(AsciiUpper(c));
    } else if (c != ' ' && c != '-' && c != '.') {
      return std::nullopt;
    }
  }
  if (out.size() < 3 || out.size() > 10) return std::nullopt;
  std::string cc;
  if (country.size() == 2) cc = {AsciiUpper(country[0]), AsciiUpper(country[1])};
  if (cc == "US" && out.size() == 9) out.resize(5);  // ZIP+4
  for (const auto& p : kPostalPatterns) {
    if (p.country != cc) continue;
    for (std::string_view alt : Split(p.patterns, '|')) {
      if (MatchesPattern(out, alt)) return out;
    }
    return std::nullopt;
  }
  return out;
}

std::optional<StreetParts> PostalAddress::Street(std::string_view street) const {
  std::string folded;
  if (!FoldToAscii(street, &folded)) return std::nullopt;
  std::vector<std::string> words;
  std::string cur;
  for (char c : folded) {
    if (IsAsciiAlnum(c)) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      words.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) words.push_back(std::move(cur));

  StreetParts parts;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    // "Suite 900", "Apt 4b", "Unit C": a designator followed by its number
    // or letter is dropped together with it.
    if (units_.contains(w) && i + 1 < words.size() &&
        (IsAsciiDigit(words[i + 1].front()) || words[i + 1].size() == 1)) {
      ++i;
      continue;
    }
    if (IsAsciiDigit(w.front())) {
      if (parts.number.empty()) parts.number = w;
      continue;
    }
    if (auto it = street_types_.find(w); it != street_types_.end()) {
      parts.street += it->second;
    } else if (w.size() > 3 && w.ends_with("str")) {
      // German compounds: "leopoldstr" -> "leopoldstrasse".
      parts.street += w;
      parts.street += "asse";
    } else {
      parts.street += w;
    }
  }
  if (parts.number.empty() || parts.street.empty()) return std::nullopt;
  return parts;
}

std::optional<std::string> PostalAddress::Key(std::string_view street,
                                              std::string_view postal_code,
                                              std::string_view city,
                                              std::string_view country) const {
  auto parts = Street(street);
  if (!parts) return std::nullopt;
  std::string place;
  if (auto postal = PostalCode(postal_code, country)) {
    place = *postal;
  } else {
    std::string folded;
    if (!FoldToAscii(city, &folded)) return std::nullopt;
    for (char c : folded) {
      if (IsAsciiAlnum(c)) place.push_back(c);
    }
  }
  if (place.empty()) return std::nullopt;
  std::string key;
  if (country.size() == 2) {
    key += AsciiLower(country[0]);
    key += AsciiLower(country[1]);
  }
  key += '|';
  key += place;
  key += '|';
  key += parts->street;
  key += '|';
  key += parts->number;
  return key;
}

}  // namespace leadroute::normalize
