#include "normalize/person_name.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::normalize {

namespace {

// Titles and suffixes, anywhere among a name's words; "Dipl.", "Lic.",
// "Sra.", "Rev." and "CPA" too (a review found "Ing. Juan Pérez" keyed as
// "ing perez").
constexpr std::array<std::string_view, 30> kTitlesAndSuffixes = {
    "mr",  "mrs", "ms",  "miss", "dr",  "prof", "sir", "herr",
    "frau", "mme", "mlle", "jr",  "sr",  "ii",   "iii", "iv",
    "phd", "md",  "esq", "dds",  "jnr", "snr", "junior", "senior",
    "dipl", "lic", "sra", "srta", "rev", "cpa"};

// Titles that are names as well, dropped only as an abbreviation, a dot
// after them ("Ing. Juan", "Dr. med.", "Mag. Eva", "Dott. Marco", "Hon.
// John"): "Ing-Marie" and "Kaniela Ing", "Med Ali", "Chinedu Mba" keep
// theirs (a review found the first two lost with "ing" among the others).
constexpr std::array<std::string_view, 5> kDottedTitles = {"ing", "med", "mag", "dott", "hon"};

// A word of at most eight bytes as one integer, its first byte lowest.
constexpr std::uint64_t PackWord(std::string_view w) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(w[i])) << (8 * i);
  }
  return v;
}

static_assert(std::all_of(kTitlesAndSuffixes.begin(), kTitlesAndSuffixes.end(),
                          [](std::string_view t) { return !t.empty() && t.size() <= 8; }));

// kTitlesAndSuffixes packed, in an open-addressed table of 64 (0 =
// empty): a word is looked up with a multiply and a compare or two (a
// binary search over them cost ~90 instructions a word, an entry compared
// in turn ~200).
constexpr std::size_t kTitleSlots = 64;
constexpr std::size_t TitleSlot(std::uint64_t packed) {
  return static_cast<std::size_t>((packed * 0x9E3779B97F4A7C15ULL) >> 58);
}
constexpr auto kTitleTable = [] {
  std::array<std::uint64_t, kTitleSlots> table{};
  for (std::string_view t : kTitlesAndSuffixes) {
    const std::uint64_t packed = PackWord(t);
    std::size_t i = TitleSlot(packed);
    while (table[i] != 0 && table[i] != packed) i = (i + 1) % kTitleSlots;
    table[i] = packed;
  }
  return table;
}();

// `w` holds letters only (no NUL), so equal packed words are equal words.
// `dotted`: a '.' follows it in the text.
bool IsTitleOrSuffix(std::string_view w, bool dotted) {
  if (w.empty() || w.size() > 8) return false;
  const std::uint64_t packed = PackWord(w);
  for (std::size_t i = TitleSlot(packed); kTitleTable[i] != 0; i = (i + 1) % kTitleSlots) {
    if (kTitleTable[i] == packed) return true;
  }
  return dotted && std::find(kDottedTitles.begin(), kDottedTitles.end(), w) != kDottedTitles.end();
}

// The letter-only words of a folded name, titles and suffixes removed: the
// first, and all of them joined. False when there are none.
bool NameWords(std::string_view raw, std::string* first, std::string* joined) {
  first->clear();
  // Text that folds to itself is read as it is, lower-cased here.
  std::string folded;
  std::string_view text = raw;
  if (!FoldsToItself(raw)) {
    if (!FoldToAscii(raw, &folded)) return false;
    text = folded;
  }
  // Written in place: at most one byte a byte of the text.
  joined->resize(text.size());
  char* out = joined->data();
  std::size_t n = 0;
  std::size_t word = 0;  // where the current word starts in out
  auto end_word = [&](char after) {
    const std::string_view w(out + word, n - word);
    if (!w.empty() && IsTitleOrSuffix(w, after == '.')) {
      n = word;
    } else if (!w.empty() && first->empty()) {
      first->assign(w);
    }
    word = n;
  };
  for (char c : text) {
    if (IsAsciiAlpha(c)) {
      out[n++] = AsciiLower(c);
    } else if (c == '\'') {
      // "O'Brien" -> "obrien"
    } else {
      end_word(c);
    }
  }
  end_word('\0');
  joined->resize(n);
  return n != 0;
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
  std::string word, joined;
  if (!NameWords(first, &word, &joined)) return std::nullopt;
  return std::string(Canonical(word));
}

std::optional<std::string> PersonName::Surname(std::string_view last) {
  std::string word, joined;
  if (!NameWords(last, &word, &joined)) return std::nullopt;
  return joined;
}

std::string_view PersonName::Canonical(std::string_view folded) const {
  auto it = canonical_.find(folded);
  return it == canonical_.end() ? folded : std::string_view(it->second);
}

std::optional<PersonKey> PersonName::Key(std::string_view first,
                                         std::string_view last) const {
  std::string given_name, forenames, family_first, surname;
  if (!NameWords(first, &given_name, &forenames) ||
      !NameWords(last, &family_first, &surname)) {
    return std::nullopt;
  }
  const std::string_view canonical = Canonical(given_name);

  PersonKey key;
  key.full.reserve(canonical.size() + 1 + surname.size());
  key.full.append(canonical).append(" ").append(surname);
  key.surname_at = canonical.size() + 1;
  key.given_initial = given_name.front();
  // The same person with first and last name entered the other way round.
  const std::string_view family_canonical = Canonical(family_first);
  key.swapped.reserve(family_canonical.size() + 1 + forenames.size());
  key.swapped.append(family_canonical).append(" ").append(forenames);
  return key;
}

}  // namespace leadroute::normalize

namespace leadroute {

std::vector<std::string> PersonKey::Initials() const {
  std::vector<std::string> out;
  // (A key not made by PersonName::Key() has none.)
  if (given_initial == 0 || full.empty() || surname_at == 0 || surname_at > full.size()) {
    return out;
  }
  const std::string_view surname = std::string_view(full).substr(surname_at);
  auto initial = [&](char c) {
    std::string& one = out.emplace_back();
    one.reserve(surname.size() + 2);
    one.append(surname).push_back(' ');
    one.push_back(c);
  };
  initial(given_initial);
  if (full.front() != given_initial) initial(full.front());
  return out;
}

}  // namespace leadroute
