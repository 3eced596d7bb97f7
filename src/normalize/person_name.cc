#include "normalize/person_name.h"

#include <algorithm>
#include <array>
#include <vector>

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

constexpr std::array<std::string_view, 24> kTitlesAndSuffixes = {
    "mr",  "mrs", "ms",  "miss", "dr",  "prof", "sir", "herr",
    "frau", "mme", "mlle", "jr",  "sr",  "ii",   "iii", "iv",
    "phd", "md",  "esq", "dds",  "jnr", "snr", "junior", "senior"};

bool IsTitleOrSuffix(std::string_view w) {
  return std::find(kTitlesAndSuffixes.begin(), kTitlesAndSuffixes.end(), w) !=
         kTitlesAndSuffixes.end();
}

// Letter-only words of a folded name, titles and suffixes removed.
std::vector<std::string> NameWords(std::string_view raw) {
  std::vector<std::string> words;
  std::string folded;
  if (!FoldToAscii(raw, &folded)) return words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && !IsTitleOrSuffix(cur)) words.push_back(cur);
    cur.clear();
  };
  for (char c : folded) {
    if (IsAsciiAlpha(c)) {
      cur.push_back(c);
    } else if (c == '\'') {
      // "O'Brien" -> "obrien"
    } else {
      flush();
    }
  }
  flush();
  return words;
}

}  // namespace

PersonName::PersonName(std::string_view nicknames) {
  ForEachDataLine(nicknames, [&](const std::vector<std::string_view>& cols) {
    if (cols.size() < 2) return;
    const std::string canonical(cols[0]);
    for (std::string_view variant : Split(cols[1], ',')) {
      variant = TrimAscii(variant);
      if (!variant.empty() && variant != canonical) {
        canonical_.emplace(std::string(variant), canonical);
      }
    }
  });
}

std::optional<std::string> PersonName::Given(std::string_view first) const {
  const std::vector<std::string> words = NameWords(first);
  if (words.empty()) return std::nullopt;
  return std::string(Canonical(words.front()));
}

std::optional<std::string> PersonName::Surname(std::string_view last) {
  const std::vector<std::string> words = NameWords(last);
  if (words.empty()) return std::nullopt;
  std::string joined;
  for (const auto& w : words) joined += w;
  return joined;
}

std::string_view PersonName::Canonical(std::string_view folded) const {
  auto it = canonical_.find(std::string(folded));
  return it == canonical_.end() ? folded : std::string_view(it->second);
}

std::optional<PersonKey> PersonName::Key(std::string_view first,
                                         std::string_view last) const {
  const std::vector<std::string> given = NameWords(first);
  const std::vector<std::string> family = NameWords(last);
  if (given.empty() || family.empty()) return std::nullopt;
  std::string surname;
  for (const auto& w : family) surname += w;
  std::string forenames;
  for (const auto& w : given) forenames += w;
  const std::string& given_name = given.front();
  const std::string_view canonical = Canonical(given_name);

  PersonKey key;
  key.full.reserve(canonical.size() + 1 + surname.size());
  key.full.append(canonical).append(" ").append(surname);
  // The same person with first and last name entered the other way round.
  key.swapped.append(Canonical(family.front())).append(" ").append(forenames);
  key.initials.push_back(surname + " " + given_name.front());
  if (canonical.front() != given_name.front()) {
    key.initials.push_back(surname + " " + canonical.front());
  }
  return key;
}

}  // namespace leadroute::normalize
