#include "normalize/postal_address.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <utility>
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

// kPostalPatterns' entry of each country, by its two letters ("AA" 0,
// "AB" 1, ...), or -1: a postal code is read for every address a party
// gives, and a scan of the list took ~800 instructions.
constexpr std::array<std::int8_t, 26 * 26> kPatternIndex = [] {
  static_assert(std::size(kPostalPatterns) < 128);
  std::array<std::int8_t, 26 * 26> index{};
  index.fill(-1);
  for (std::size_t i = 0; i < std::size(kPostalPatterns); ++i) {
    const std::string_view c = kPostalPatterns[i].country;
    index[static_cast<std::size_t>((c[0] - 'A') * 26 + (c[1] - 'A'))] = static_cast<std::int8_t>(i);
  }
  return index;
}();

// The postal code patterns of `country` (ISO 3166-1 alpha-2, any case), or
// nullptr when kPostalPatterns has none.
const PostalPattern* PatternOf(std::string_view country) {
  const std::string cc = CountryCode(country);
  if (cc.empty()) return nullptr;
  const int i = kPatternIndex[static_cast<std::size_t>((cc[0] - 'A') * 26 + (cc[1] - 'A'))];
  return i < 0 ? nullptr : &kPostalPatterns[i];
}

// Whether `country` (any case) is one of kPostalPatterns'.
bool HasPostalPattern(std::string_view country) { return PatternOf(country) != nullptr; }

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

// Words of a folded text: runs of ASCII letters and digits.
std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && IsAsciiAlnum(text[i])) continue;
    if (i > start) words.push_back(text.substr(start, i - start));
    start = i + 1;
  }
  return words;
}

// Words of a post office box designator starting at words[i] ("po box",
// "p o box", "pobox", "post office box"), or 0.
std::size_t PoBoxLength(const std::vector<std::string_view>& words, std::size_t i) {
  auto at = [&](std::size_t k, std::string_view w) {
    return i + k < words.size() && words[i + k] == w;
  };
  if (at(0, "pobox")) return 1;
  if (at(0, "po") && at(1, "box")) return 2;
  if (at(0, "p") && at(1, "o") && at(2, "box")) return 3;
  if (at(0, "post") && at(1, "office") && at(2, "box")) return 3;
  return 0;
}

// "5th", "21st", "32nd", "3rd": the name of a numbered street, not a number.
bool IsOrdinal(std::string_view w) {
  if (w.size() < 3) return false;
  const std::string_view suffix = w.substr(w.size() - 2);
  if (suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") return false;
  return std::all_of(w.begin(), w.end() - 2, IsAsciiDigit);
}

// A number of the street line: a house number, a range's end, a floor.
bool IsNumber(std::string_view w) { return IsAsciiDigit(w.front()) && !IsOrdinal(w); }

// Ordinals spelled out, as numbered streets are written in digits.
constexpr std::pair<std::string_view, std::string_view> kSpelledOrdinals[] = {
    {"first", "1st"},   {"second", "2nd"},  {"third", "3rd"},     {"fourth", "4th"},
    {"fifth", "5th"},   {"sixth", "6th"},   {"seventh", "7th"},   {"eighth", "8th"},
    {"ninth", "9th"},   {"tenth", "10th"},  {"eleventh", "11th"}, {"twelfth", "12th"},
    {"thirteenth", "13th"}, {"fourteenth", "14th"}, {"fifteenth", "15th"},
    {"sixteenth", "16th"},  {"seventeenth", "17th"}, {"eighteenth", "18th"},
    {"nineteenth", "19th"}, {"twentieth", "20th"},
};

// Canonical street types that name a thoroughfare, not a place (a beach,
// a park, a centre, a village) nor a direction: what a street without its
// house number may end with.
bool IsThoroughfare(std::string_view type) {
  static constexpr std::string_view kTypes[] = {
      "alley",   "avenue",  "boulevard", "circuit", "close",   "court",    "crescent",
      "drive",   "esplanade", "grove",   "highway", "lane",    "mews",     "parade",
      "parkway", "place",   "promenade", "quay",    "rise",    "road",     "row",
      "square",  "street",  "terrace",   "trail",   "walk",    "way",      "wynd",
      "strasse", "weg",     "gasse",     "platz",   "allee",   "damm",     "ufer",
      "rue",     "chaussee", "via",      "viale",   "corso",   "calle",    "camino",
      "straat",  "laan"};
  return std::find(std::begin(kTypes), std::end(kTypes), type) != std::end(kTypes);
}

// Street types after which a number names the street ("Street 128",
// "Calle 5", "Route 66", "Carrera 7", "Diagonal 40"), where the house has
// another.
bool NamesNumberedStreet(std::string_view type) {
  return IsThoroughfare(type) || type == "route" || type == "carrera" || type == "diagonal";
}

// "No. 5", "Nr. 5": words that only announce the house number.
bool IsNumberMarker(std::string_view w) {
  return w == "no" || w == "nr" || w == "nro" || w == "num";
}

// `text` folded to ASCII (FoldToAscii, into *folded), its letters and
// digits only, into *out; false when none is left.
bool FoldedAlnum(std::string_view text, std::string* folded, std::string* out) {
  out->clear();
  if (!FoldToAscii(text, folded)) return false;
  for (char c : *folded) {
    if (IsAsciiAlnum(c)) out->push_back(c);
  }
  return !out->empty();
}

// What `map` holds under "CC:word" (`country`: upper-case alpha-2), or
// null; words past 32 bytes are in none.
const std::string* FindLocal(const StringMap<std::string>& map, std::string_view country,
                             std::string_view word) {
  if (map.empty() || country.size() != 2 || word.empty() || word.size() > 32) return nullptr;
  char key[35] = {country[0], country[1], ':'};
  std::copy(word.begin(), word.end(), key + 3);
  const auto it = map.find(std::string_view(key, word.size() + 3));
  return it == map.end() ? nullptr : &it->second;
}

// Whether `w` is a number's "bis", "ter" or "quater", as France, Belgium,
// Italy, Monaco and Luxembourg write a second, third or fourth house at
// one number (elsewhere "bis" may be German "to").
bool IsBisTer(std::string_view w, std::string_view country) {
  if (w != "bis" && w != "ter" && w != "quater") return false;
  return country == "FR" || country == "BE" || country == "IT" || country == "MC" ||
         country == "LU";
}

}  // namespace

PostalAddress::PostalAddress(std::string_view street_types,
                             std::string_view unit_designators,
                             std::string_view city_names) {
  std::string folded;
  ForEachDataLine(city_names, [&](const std::vector<std::string_view>& cols) {
    std::string name, own;
    if (cols.size() < 3 || !FoldedAlnum(cols[0], &folded, &name) ||
        !FoldedAlnum(cols[1], &folded, &own)) {
      return;
    }
    const std::string cc = CountryCode(cols[2]);
    if (name != own && !cc.empty()) city_names_.emplace(cc + ":" + name, std::move(own));
  });
  ForEachDataLine(street_types, [&](const std::vector<std::string_view>& cols) {
    if (cols.size() < 2) return;
    std::string canonical, variant;
    if (!FoldToAscii(cols[1], &canonical)) return;
    if (canonical == "-") canonical.clear();
    if (!FoldedAlnum(cols[0], &folded, &variant)) return;
    const bool end_of_word = cols.size() > 2 && cols[0].starts_with('-');
    if (cols.size() < 3) {
      street_types_.emplace(variant, canonical);
      return;
    }
    for (std::string_view code : Split(cols[2], ',')) {
      const std::string cc = CountryCode(code);
      if (cc.empty()) continue;
      if (end_of_word) {
        local_suffixes_.push_back({cc, variant, canonical});
      } else {
        local_street_types_.emplace(cc + ":" + variant, canonical);
      }
    }
  });
  ForEachDataLine(unit_designators,
                  [&](const std::vector<std::string_view>& cols) {
                    if (FoldToAscii(cols[0], &folded)) units_.insert(folded);
                  });
}

std::optional<std::string> PostalAddress::PostalCode(std::string_view code,
                                                     std::string_view country) {
  if (code.size() > kMaxPostalInput) return std::nullopt;
  // A country's letters and a dash before the code, as letters across a
  // border were addressed ("D-80331", "CH-8001", "SE-111 43", "LV-1050"):
  // the code without them, where they fit its country's pattern, or where
  // they are its country's own code (a review found "D-80331" read as no
  // code, and "LV-1050" apart from "1050").
  std::size_t letters = 0;
  while (letters < code.size() && letters < 4 && IsAsciiAlpha(code[letters])) ++letters;
  if (letters >= 1 && letters <= 3 && letters + 1 < code.size() && code[letters] == '-' &&
      PatternOf(country) != nullptr) {
    if (auto bare = PostalCode(code.substr(letters + 1), country)) return bare;
  }
  std::string out;
  for (char c : code) {
    if (IsAsciiAlnum(c)) {
      out.push_back(AsciiUpper(c));
    } else if (c != ' ' && c != '-' && c != '.') {
      return std::nullopt;
    }
  }
  const PostalPattern* p = PatternOf(country);
  // Without a pattern: the country's own letters before the digits, with
  // a dash, a space or nothing between ("MD-2001", "MD 2001", "MD2001"),
  // are dropped alike (a review found the dash form apart from the others).
  if (p == nullptr && out.size() > 2 && IsAsciiDigit(out[2])) {
    const std::string own = CountryCode(country);
    if (!own.empty() && out.compare(0, 2, own) == 0) out.erase(0, 2);
  }
  if (out.size() < 3 || out.size() > 10) return std::nullopt;
  if (p == nullptr) return out;
  if (p->country == "US" && out.size() == 9) out.resize(5);  // ZIP+4
  for (std::string_view alternatives = p->patterns;;) {
    const std::size_t bar = alternatives.find('|');
    if (MatchesPattern(out, alternatives.substr(0, bar))) return out;
    if (bar == std::string_view::npos) return std::nullopt;
    alternatives.remove_prefix(bar + 1);
  }
}

namespace {

// A part that is only a floor and unit: '#' and two numbers joined by a
// dash ("#12-34"; "#321" alone is a marked house number, "12-14" a range of
// them), or numbers the first of which begins with a zero, which a house
// number never does ("01-11").
bool IsFloorAndUnit(std::string_view part) {
  part = TrimAscii(part);
  if (part.empty() || std::any_of(part.begin(), part.end(), IsAsciiAlpha)) return false;
  const auto digit = std::find_if(part.begin(), part.end(), IsAsciiDigit);
  if (digit == part.end()) return false;
  if (*digit == '0') return true;
  if (part.front() != '#') return false;
  std::string_view rest = part.substr(1);
  auto digits = [&] {
    std::size_t n = 0;
    while (n < rest.size() && IsAsciiDigit(rest[n])) ++n;
    rest.remove_prefix(n);
    return n > 0;
  };
  rest = TrimAscii(rest);
  if (!digits()) return false;
  if (rest.empty() || rest.front() != '-') return false;
  rest.remove_prefix(1);
  return digits() && TrimAscii(rest).empty();
}

// Whether `part` is a house number with its "bis" or "ter" where those
// are written (IsBisTer): "12 bis", "10/bis", "12bis".
bool IsNumberWithBis(std::string_view part, std::string_view country) {
  part = TrimAscii(part);
  std::size_t n = 0;
  while (n < part.size() && IsAsciiDigit(part[n])) ++n;
  if (n == 0 || n > 5) return false;
  std::string_view rest = part.substr(n);
  if (!rest.empty() && (rest.front() == '/' || rest.front() == ' ')) rest.remove_prefix(1);
  return IsBisTer(TrimAscii(rest), country);
}

// A part that is a house number alone: digits, with a letter ("5b",
// "5 b"), a range's end ("12-14") or, in `country`, a "bis" after them,
// perhaps marked ("nº 5", "Nr. 5").
bool IsBareHouseNumber(std::string_view part, std::string_view country) {
  if (IsNumberWithBis(part, country)) return true;
  part = TrimAscii(part);
  std::size_t word = 0;
  while (word < part.size() && IsAsciiAlpha(part[word])) ++word;
  if (word > 0) {
    if (!IsNumberMarker(part.substr(0, word))) return false;
    part.remove_prefix(word);
    if (!part.empty() && part.front() == '.') part.remove_prefix(1);
    part = TrimAscii(part);
  }
  std::size_t n = 0;
  while (n < part.size() && IsAsciiDigit(part[n])) ++n;
  if (n == 0 || n > 5) return false;
  std::string_view rest = TrimAscii(part.substr(n));
  if (rest.empty()) return true;
  if (rest.size() == 1) return IsAsciiAlpha(rest[0]);
  if (rest.front() == '-' || rest.front() == '/') {
    // A range's end: greater than its start, without a leading zero
    // ("10-12", "10/12"; "1100-053" is a postal code).
    rest = TrimAscii(rest.substr(1));
    if (rest.empty() || rest.size() > 5 || rest.front() == '0' ||
        !std::all_of(rest.begin(), rest.end(), IsAsciiDigit)) {
      return false;
    }
    return std::stoul(std::string(rest)) > std::stoul(std::string(part.substr(0, n)));
  }
  return false;
}

}  // namespace

std::optional<StreetParts> PostalAddress::Street(std::string_view street) const {
  std::string folded;
  if (!FoldToAscii(street, &folded)) return std::nullopt;
  std::size_t part_index = 0;
  return FoldedStreet(folded, {}, &part_index);
}

std::optional<StreetParts> PostalAddress::FoldedStreet(
    std::string_view folded, std::string_view country, std::size_t* part_index) const {
  // Floors and units often follow a comma ("Bahnhofstr. 10, 3. OG"): the
  // street is the first comma-separated part that names one with a number,
  // where that part is the line's first or names a street type ("Chinatown
  // Point, 133 New Bridge Road": the road); else the first that names one
  // without a number ("Main Street, Springfield, IL 62701": the street, not
  // "IL 62701"); else, as a last resort, the first with a number.
  // A part with no letter in it ("12, Rue de la Paix") goes with the next,
  // but a bare house number after a street that names none is its number,
  // as Spain, Italy and Portugal write them ("Calle Mayor, 5", "Via Roma,
  // 10": a review found no address key for either).
  const std::vector<std::string_view> parts = Split(folded, ',');
  const std::string cc = CountryCode(country);
  enum Pass { kNumberedTyped, kNumberless, kNumbered };
  std::string carried;
  for (const Pass pass : {kNumberedTyped, kNumberless, kNumbered}) {
    carried.clear();
    std::size_t index = 0;
    bool first = true;  // no part with a letter seen yet
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::string_view part = parts[p];
      // A floor and unit alone ("#01-11", "#12-34", as Singapore writes
      // them) is not a house number: it goes, not with the next part.
      if (IsFloorAndUnit(part)) {
        ++index;
        continue;
      }
      carried.append(part);
      // A number alone ("12, Rue de la Paix"; "12 bis, ..." where that is
      // written) goes with the next part.
      if (std::none_of(carried.begin(), carried.end(), IsAsciiAlpha) ||
          IsNumberWithBis(carried, cc)) {
        carried.push_back(' ');
        ++index;
        continue;
      }
      const bool eligible = pass != kNumberedTyped || first || NamesStreetType(carried);
      first = false;
      if (eligible) {
        if (auto street = StreetPart(carried, pass == kNumberless, cc)) {
          *part_index = index;
          return street;
        }
        // (Not a postal code: "Main Street, 10001", "Rua Augusta,
        // 1100-053" (the review of this rule found them read as house
        // numbers); where the country has no pattern, four digits or more
        // may be one.)
        const std::string_view next = p + 1 < parts.size() ? parts[p + 1] : std::string_view();
        const bool postal_code = HasPostalPattern(country)
                                     ? PostalCode(TrimAscii(next), country).has_value()
                                     : std::count_if(next.begin(), next.end(), IsAsciiDigit) >= 4;
        if (pass != kNumberless && !next.empty() && IsBareHouseNumber(next, cc) && !postal_code &&
            std::none_of(carried.begin(), carried.end(), IsAsciiDigit)) {
          carried.push_back(' ');
          carried.append(parts[p + 1]);
          if (auto street = StreetPart(carried, false, cc)) {
            *part_index = index + 1;
            return street;
          }
        }
      }
      carried.clear();
      ++index;
    }
  }
  return std::nullopt;
}

bool PostalAddress::NamesStreetType(std::string_view part) const {
  // German and Dutch streets are compounds: "Hauptstrasse", "Dorpsstraat".
  static constexpr std::string_view kCompounds[] = {
      "strasse", "str", "weg", "gasse", "platz", "allee", "damm", "ring", "ufer",
      "straat", "laan", "plein", "gracht", "kade", "singel", "dijk"};
  for (std::string_view w : Words(part)) {
    if (street_types_.contains(w)) return true;
    for (std::string_view suffix : kCompounds) {
      if (w.size() >= suffix.size() + 3 && w.ends_with(suffix)) return true;
    }
  }
  return false;
}

namespace {

bool AllDigits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), IsAsciiDigit);
}
bool AllLetters(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), IsAsciiAlpha);
}

// A British postcode's outward half ("le11", "sw1a", "m1") and inward half
// ("1uu").
bool IsOutwardCode(std::string_view w) {
  return w.size() >= 2 && w.size() <= 4 && IsAsciiAlpha(w[0]) &&
         std::any_of(w.begin(), w.end(), IsAsciiDigit);
}
bool IsInwardCode(std::string_view w) {
  return w.size() == 3 && IsAsciiDigit(w[0]) && IsAsciiAlpha(w[1]) &&
         IsAsciiAlpha(w[2]);
}

}  // namespace

ParsedAddress PostalAddress::Parse(std::string_view street,
                                   std::string_view postal_code,
                                   std::string_view city,
                                   std::string_view country) const {
  ParsedAddress out;
  if (!postal_code.empty()) out.postal_code = PostalCode(postal_code, country);
  std::string folded;
  if (!city.empty() && FoldedAlnum(city, &folded, &out.city)) OwnCityName(country, &out.city);
  if (street.empty() || !FoldToAscii(street, &folded)) return out;
  std::size_t street_part = 0;
  out.street = FoldedStreet(folded, country, &street_part);
  if (!out.street) {
    // A line that is a house number alone ("6", "12a"; its street left
    // out): the number still counts, with the place (no address key, which
    // names a street). Not a "0", which fills a required field.
    if (IsBareHouseNumber(folded, CountryCode(country))) {
      for (const std::string_view w : Words(folded)) {
        if (!IsNumber(w) || w.front() == '0') continue;
        out.street = StreetParts{};
        out.street->number.assign(w);
        break;
      }
    }
    return out;
  }

  if (postal_code.empty() || city.empty()) {
    // The words after the street: the rest of its part after the number it
    // leads with ("80 Delaware Ave SE Washington DC 40040"; a range, "12-14
    // Main St", is all number), then the parts after it, each word with the
    // part it is in. Words are views into `folded`.
    const std::vector<std::string_view> parts = Split(folded, ',');
    struct Word {
      std::string_view text;
      std::size_t part;
    };
    std::vector<Word> words;
    for (std::size_t p = street_part; p < parts.size(); ++p) {
      const std::vector<std::string_view> in_part = Words(parts[p]);
      std::size_t from = 0;
      if (p == street_part) {
        while (from < in_part.size() && IsAsciiDigit(in_part[from].front())) ++from;
        if (from == 0) continue;
      }
      for (std::size_t i = from; i < in_part.size(); ++i) words.push_back({in_part[i], p});
    }
    auto char_before = [&](const Word& w) {
      return w.text.data() > folded.data() ? w.text.data()[-1] : '\0';
    };
    // Words i-1 and i written as one with a dash between ("95915-1234").
    auto dashed = [&](std::size_t i) {
      return i > 0 && words[i - 1].part == words[i].part && char_before(words[i]) == '-' &&
             words[i - 1].text.data() + words[i - 1].text.size() + 1 == words[i].text.data();
    };
    // A number that is not a postal code: a unit's ("Suite 1200", "#5000";
    // "fl" before a number is a state's code more often than a floor), a
    // marked one ("No 1200"), a post office box's.
    auto other_number = [&](std::size_t first) {
      if (char_before(words[first]) == '#') return true;
      if (first == 0 || words[first - 1].part != words[first].part) return false;
      const std::string_view before = words[first - 1].text;
      return (before.size() > 2 && units_.contains(before)) || IsNumberMarker(before) ||
             before == "box" || before == "pobox";
    };
    // Where the country has no pattern, a code is 4 to 6 digits or a ZIP+4.
    const bool patterned = HasPostalPattern(country);
    auto plausible = [&](std::size_t digits) {
      return patterned || (digits >= 4 && digits <= 6) || digits == 9;
    };
    // The postal code: the last word (or British pair, or dashed pair) of
    // its shape.
    std::size_t postal_at = words.size(), postal_words = 0;
    std::string found;
    auto take = [&](std::string_view candidate, std::size_t at, std::size_t count) {
      if (auto code = PostalCode(candidate, country)) {
        found = std::move(*code);
        postal_at = at;
        postal_words = count;
      }
    };
    for (std::size_t i = words.size(); i-- > 0 && postal_words == 0;) {
      const std::string_view w = words[i].text;
      if (i > 0 && IsInwardCode(w) && IsOutwardCode(words[i - 1].text) &&
          words[i - 1].part == words[i].part) {
        std::string pair{words[i - 1].text};
        pair += w;
        take(pair, i - 1, 2);
      } else if (AllDigits(w) && dashed(i) && AllDigits(words[i - 1].text)) {
        std::string joined{words[i - 1].text};
        joined += w;
        if (plausible(joined.size()) && !other_number(i - 1)) take(joined, i - 1, 2);
        if (postal_words == 0) --i;  // the pair is one number, not a code
      } else if (AllDigits(w) && plausible(w.size()) && !other_number(i)) {
        take(w, i, 1);
      }
    }
    if (postal_code.empty() && postal_words > 0) out.postal_code = std::move(found);
    // The city: the first part after the street with letters only, once
    // set aside: the postal code; a word of one or two letters just before
    // it ("FL-2198 Triesen", "CA 95915", "D-80331") or ending the part (a
    // state: "Orroville CA"); a unit with its number or letter ("Apt B").
    if (city.empty()) {
      auto aside = [&](std::size_t i) {
        if (i >= postal_at && i < postal_at + postal_words) return true;
        const std::string_view w = words[i].text;
        const bool ends_part = i + 1 == words.size() || words[i + 1].part != words[i].part;
        if (w.size() <= 2 && AllLetters(w)) {
          const bool before = postal_words > 0 && i + 1 == postal_at &&
                              words[postal_at].part == words[i].part;
          if (before || (w.size() == 2 && ends_part)) return true;
        }
        return false;
      };
      auto unit_at = [&](std::size_t i) {
        return units_.contains(words[i].text) && i + 1 < words.size() &&
               words[i + 1].part == words[i].part &&
               (IsAsciiDigit(words[i + 1].text.front()) || words[i + 1].text.size() == 1);
      };
      std::size_t i = 0;
      while (i < words.size() && words[i].part == street_part) ++i;
      while (i < words.size() && out.city.empty()) {
        const std::size_t part = words[i].part;
        std::string name;
        bool letters_only = true;
        for (; i < words.size() && words[i].part == part; ++i) {
          if (unit_at(i)) {
            ++i;
            continue;
          }
          if (aside(i)) continue;
          if (!AllLetters(words[i].text)) letters_only = false;
          name += words[i].text;
        }
        if (letters_only && name.size() >= 3) {
          out.city = std::move(name);
          OwnCityName(country, &out.city);
        }
      }
    }
  }

  const std::string_view place =
      out.postal_code ? std::string_view(*out.postal_code) : std::string_view(out.city);
  if (!place.empty() && !out.street->number.empty() && !out.street->street.empty()) {
    std::string key = CountryCode(country);
    for (char& c : key) c = AsciiLower(c);
    key += '|';
    key += place;
    key += '|';
    key += out.street->street;
    key += '|';
    key += out.street->number;
    out.key = std::move(key);
  }
  return out;
}

std::optional<StreetParts> PostalAddress::StreetPart(std::string_view part,
                                                     bool numberless,
                                                     std::string_view country) const {
  const std::vector<std::string_view> raw = Words(part);

  // Units ("Suite 900", "Apt 4b", "Unit C": a designator with its number or
  // letter) and number markers ("No. 5") go; a PO box becomes one word.
  std::vector<std::string_view> words;  // views into `part`, or literals
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const std::string_view w = raw[i];
    if (units_.contains(w) && i + 1 < raw.size() &&
        (IsAsciiDigit(raw[i + 1].front()) || raw[i + 1].size() == 1)) {
      ++i;
    } else if (std::size_t len = PoBoxLength(raw, i); len > 0) {
      words.emplace_back("pobox");
      i += len - 1;
    } else if (!IsNumberMarker(w)) {
      words.emplace_back(w);
    }
  }
  if (words.empty()) return std::nullopt;

  // The house number leads ("123 Main St", "12 rue de Rivoli") or, where it
  // does not, it is the last number ("Straße des 17. Juni 135"), with a
  // letter written apart joining it ("Hauptstr. 5 a" == "Hauptstr. 5a").
  // An ordinal names a numbered street ("350 5th Ave"): never the number.
  StreetParts parts;
  // Whether words[at] is a number after a street type that names a street
  // by it, first in the line ("Calle 5 ...").
  auto names_street = [&](std::size_t at) {
    if (at == 0 || at >= words.size() || !IsNumber(words[at])) return false;
    const auto type = street_types_.find(words[at - 1]);
    return type != street_types_.end() && NamesNumberedStreet(type->second);
  };
  std::size_t number_at = words.size();
  if (IsNumber(words.front())) {
    number_at = 0;
  } else {
    for (std::size_t i = words.size(); i-- > 0;) {
      if (IsNumber(words[i])) {
        number_at = i;
        break;
      }
    }
    // A range ("12-14") is known by its first number; a street's own
    // number is not part of one: "Calle 5 # 23-45" (Colombia), "Calle 5
    // 23-45" are house 23 on Calle 5.
    while (number_at > 0 && number_at < words.size() && IsNumber(words[number_at - 1]) &&
           !(number_at == 2 && names_street(1))) {
      --number_at;
    }
  }
  // Without a number, a street still names one where its last word is a
  // thoroughfare's type after a name ("Robertson Street", "May Maxwell
  // Crescent"; not "Palm Beach", "Sydney North", "World Trade Center"): a
  // house it does not name (no address key), but a street it does.
  if (number_at == words.size()) {
    if (!numberless || words.size() < 2) return std::nullopt;
    const auto type = street_types_.find(words.back());
    if (type == street_types_.end() || !IsThoroughfare(type->second)) return std::nullopt;
  }
  if (number_at < words.size()) parts.number.assign(words[number_at]);
  // Japan numbers a house by its block's numbers (chōme, banchi, gō) joined
  // by hyphens: "1-9-2 Marunouchi" is not "1-1-1 Marunouchi" (a review
  // found two people there in conflict on "1").
  // Google's form "2 Chome-3-1" is "2-3-1" ("chome" is dropped from the
  // street: street_types.tsv).
  if (country == "JP" && number_at < words.size()) {
    std::size_t j = number_at;
    if (j + 2 < words.size() && words[j + 1] == "chome" && IsNumber(words[j + 2])) {
      parts.number += '-';
      parts.number += words[j + 2];
      j += 2;
    }
    for (; j + 1 < words.size() && IsNumber(words[j + 1]); ++j) {
      const char* after = words[j].data() + words[j].size();
      if (words[j + 1].data() != after + 1 || *after != '-') break;
      parts.number += '-';
      parts.number += words[j + 1];
    }
  }
  std::size_t letter_at = words.size();
  if (number_at > 0 && number_at + 1 < words.size() &&
      words[number_at + 1].size() == 1 && IsAsciiAlpha(words[number_at + 1][0])) {
    letter_at = number_at + 1;
    parts.number += words[letter_at];
  } else if (number_at + 1 < words.size() && IsBisTer(words[number_at + 1], country) &&
             !(number_at + 2 < words.size() && IsNumber(words[number_at + 2]))) {
    // "12 bis rue de la Paix" is "12bis" (not a range: "12 bis 14").
    letter_at = number_at + 1;
    parts.number += words[letter_at];
  }
  // A street named by its type and a number ("Street 128", "Calle 5",
  // "Route 66") keeps its number where the house has another: "#321,
  // Street 128" is not "#321, Street 129".
  std::size_t named_number = words.size();
  if (number_at < words.size()) {
    const std::size_t at = number_at == 0 ? 2 : 1;  // after the street's first word
    if (at != number_at && names_street(at)) named_number = at;
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string_view w = words[i];
    if (i == named_number) {
      parts.street += w;
      continue;
    }
    if (i == number_at || i == letter_at || IsNumber(w)) continue;
    // An abbreviation with its dot inside ("P.za", "V.le", "C.so") is two
    // words here: one where it names a street's type.
    if (w.size() == 1 && i + 1 < words.size() && i + 1 != number_at && i + 1 != letter_at &&
        words[i + 1].size() <= 3 && words[i + 1].data() == w.data() + 2 && w.data()[1] == '.') {
      char joined[4] = {w[0]};
      std::copy(words[i + 1].begin(), words[i + 1].end(), joined + 1);
      if (AppendStreetType(std::string_view(joined, words[i + 1].size() + 1), country,
                           &parts.street)) {
        ++i;
        continue;
      }
    }
    AppendStreetWord(w, country, &parts.street);
  }
  if (parts.street.empty()) return std::nullopt;
  return parts;
}

void PostalAddress::OwnCityName(std::string_view country, std::string* city) const {
  if (const std::string* own = FindLocal(city_names_, CountryCode(country), *city)) *city = *own;
}

bool PostalAddress::AppendStreetType(std::string_view w, std::string_view country,
                                     std::string* street) const {
  const std::string* type = FindLocal(local_street_types_, country, w);
  if (type == nullptr) {
    const auto it = street_types_.find(w);
    if (it != street_types_.end()) type = &it->second;
  }
  if (type == nullptr) return false;
  *street += *type;
  return true;
}

void PostalAddress::AppendStreetWord(std::string_view w, std::string_view country,
                                     std::string* street) const {
  const auto spelled = std::find_if(std::begin(kSpelledOrdinals), std::end(kSpelledOrdinals),
                                    [&](const auto& o) { return o.first == w; });
  if (spelled != std::end(kSpelledOrdinals)) {
    *street += spelled->second;  // "fifth" -> "5th"
    return;
  }
  if (AppendStreetType(w, country, street)) return;
  for (const LocalSuffix& s : local_suffixes_) {
    // A compound: more than the end before it ("keizersgr" -> "keizersgracht").
    if (s.country == country && w.size() > s.end.size() + 2 && w.ends_with(s.end)) {
      street->append(w.substr(0, w.size() - s.end.size()));
      *street += s.word;
      return;
    }
  }
  *street += w;
  if (w.size() > 3 && w.ends_with("str")) {
    // German compounds: "leopoldstr" -> "leopoldstrasse".
    *street += "asse";
  }
}

std::optional<std::string> PostalAddress::Key(std::string_view street,
                                              std::string_view postal_code,
                                              std::string_view city,
                                              std::string_view country) const {
  return Parse(street, postal_code, city, country).key;
}

}  // namespace leadroute::normalize
