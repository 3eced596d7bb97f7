#include "normalize/postal_address.h"

#include <algorithm>
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

// ISO 3166-1 alpha-2 in upper case, or empty when `country` is not two
// ASCII letters.
std::string CountryCode(std::string_view country) {
  if (country.size() != 2 || !IsAsciiAlpha(country[0]) ||
      !IsAsciiAlpha(country[1])) {
    return {};
  }
  return {AsciiUpper(country[0]), AsciiUpper(country[1])};
}

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

// Words of a post office box designator starting at words[i] ("po box",
// "p o box", "pobox", "post office box"), or 0.
std::size_t PoBoxLength(const std::vector<std::string>& words, std::size_t i) {
  auto at = [&](std::size_t k, std::string_view w) {
    return i + k < words.size() && words[i + k] == w;
  };
  if (at(0, "pobox")) return 1;
  if (at(0, "po") && at(1, "box")) return 2;
  if (at(0, "p") && at(1, "o") && at(2, "box")) return 3;
  if (at(0, "post") && at(1, "office") && at(2, "box")) return 3;
  return 0;
}

// "No. 5", "Nr. 5": words that only announce the house number.
bool IsNumberMarker(std::string_view w) {
  return w == "no" || w == "nr" || w == "nro" || w == "num";
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
  const std::string cc = CountryCode(country);
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
  // Floors and units often follow a comma ("Bahnhofstr. 10, 3. OG"): the
  // street is the first comma-separated part that names one.
  // A part with no letter in it ("12, Rue de la Paix") goes with the next.
  std::string carried;
  for (std::string_view part : Split(folded, ',')) {
    carried.append(part);
    if (std::none_of(carried.begin(), carried.end(), IsAsciiAlpha)) {
      carried.push_back(' ');
      continue;
    }
    if (auto parts = StreetPart(carried)) return parts;
    carried.clear();
  }
  return std::nullopt;
}

std::optional<StreetParts> PostalAddress::StreetPart(std::string_view part) const {
  std::vector<std::string> raw;
  std::string cur;
  for (char c : part) {
    if (IsAsciiAlnum(c)) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      raw.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) raw.push_back(std::move(cur));

  // Units ("Suite 900", "Apt 4b", "Unit C": a designator with its number or
  // letter) and number markers ("No. 5") go; a PO box becomes one word.
  std::vector<std::string> words;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::string& w = raw[i];
    if (units_.contains(w) && i + 1 < raw.size() &&
        (IsAsciiDigit(raw[i + 1].front()) || raw[i + 1].size() == 1)) {
      ++i;
    } else if (std::size_t len = PoBoxLength(raw, i); len > 0) {
      words.emplace_back("pobox");
      i += len - 1;
    } else if (!IsNumberMarker(w)) {
      words.push_back(w);
    }
  }
  if (words.empty()) return std::nullopt;

  // The house number leads ("123 Main St", "12 rue de Rivoli") or, where it
  // does not, it is the last number ("Straße des 17. Juni 135"), with a
  // letter written apart joining it ("Hauptstr. 5 a" == "Hauptstr. 5a").
  StreetParts parts;
  std::size_t number_at = words.size();
  if (IsAsciiDigit(words.front().front())) {
    number_at = 0;
  } else {
    for (std::size_t i = words.size(); i-- > 0;) {
      if (IsAsciiDigit(words[i].front())) {
        number_at = i;
        break;
      }
    }
    // A range ("12-14") is known by its first number.
    while (number_at > 0 && number_at < words.size() &&
           IsAsciiDigit(words[number_at - 1].front())) {
      --number_at;
    }
  }
  if (number_at == words.size()) return std::nullopt;
  parts.number = words[number_at];
  std::size_t letter_at = words.size();
  if (number_at > 0 && number_at + 1 < words.size() &&
      words[number_at + 1].size() == 1 && IsAsciiAlpha(words[number_at + 1][0])) {
    letter_at = number_at + 1;
    parts.number += words[letter_at];
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (i == letter_at || IsAsciiDigit(w.front())) continue;
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
  if (parts.street.empty()) return std::nullopt;
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
  std::string key = CountryCode(country);
  for (char& c : key) c = AsciiLower(c);
  key += '|';
  key += place;
  key += '|';
  key += parts->street;
  key += '|';
  key += parts->number;
  return key;
}

}  // namespace leadroute::normalize
