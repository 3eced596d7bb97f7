#include "index/features.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>
#include <string_view>

#include "index/similarity.h"
#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute::index {

namespace {

constexpr std::size_t kMaxTokenKeys = 3;
constexpr std::size_t kMinSkeleton = 3;

// The posting keys' hash: part of the snapshot format (a change needs a
// new one, whose restore rebuilds the postings), read by
// normalize::HashText().
constexpr std::uint64_t kP0 = 0xA0761D6478BD642FULL, kP1 = 0xE7037ED1A0B428DBULL;
using normalize::HashText;

// The kind, the text and (when there is one) a second text: the first
// seeded with the kind, so no text of one kind spells a key of another;
// the second hashed on its own and mixed in, so "a" + "b" is not "ab" + "".
// Every seed a text meets is a constant no valid UTF-8 spells: a text
// whose last eight bytes equal its seed would hash to one value whatever
// its other bytes, and one seeded with the first text's hash could be
// sought offline.
std::uint64_t HashKey(KeyKind kind, std::string_view a, std::string_view b = {}) {
  std::uint64_t h = HashText(a, (static_cast<std::uint64_t>(kind) + 1) * kP0);
  if (!b.empty()) h = normalize::MixHash(h ^ kP0, HashText(b, kP1) ^ kP1);
  return h;
}

}  // namespace

std::uint64_t IdKey(std::string_view id) { return HashKey(KeyKind::kId, id); }

namespace {

void Add(std::vector<LookupKey>* keys, KeyKind kind, std::string_view a,
         std::string_view b = {}) {
  keys->push_back({kind, HashKey(kind, a, b)});
}

std::string_view FirstWord(std::string_view s) {
  return s.substr(0, s.find(' '));
}

// InitialsWithoutConnectives() of f's company, or empty: a name of fewer
// than four words (most) has none of three letters, and is not read.
std::string_view ShortInitials(const Features& f, std::string* buffer) {
  if (f.company_acronym.size() < 4) return {};
  return InitialsWithoutConnectives(f.company, buffer);
}

std::string_view FirstBlock(std::string_view number) {
  return number.substr(0, number.find('-'));
}

// A company name's text by its skeleton (CompanySkeleton), in *buffer, or
// as it is where the skeleton has fewer than kMinSkeleton characters: that
// would name too many words.
std::string_view SkeletonOr(std::string_view text, std::string* buffer) {
  const std::string_view skeleton = CompanySkeleton(text, buffer);
  return skeleton.size() >= kMinSkeleton ? skeleton : text;
}

enum class Side { kStored, kQuery };

// A company name's keys. A name of one word is posted under its key and,
// where significant, its skeleton (CompanySkeleton) as a word; a name of
// several words under its skeleton as a whole, and its significant words
// each under theirs (at most kMaxTokenKeys). Skeletons are shared by a
// name's spellings with a typing error ("Schnieder Electric", "Volkswagon
// AG") and by names written together or apart ("MicroSystems", "Micro
// Systems"): the scorer compares the names. A whole name's skeleton and a
// word's are one kind of key, so that a query of either form meets a
// stored name of the other with the keys a build without skeletons
// looked up; a whole name of several words is looked up as a company
// (strong: its list is read to the newest that count), a word as a word.
// The significant words are read from `words`, texts of space-separated
// words: Features::company_tokens as one text, or MatchKeys::company_tokens,
// whose join it is.
template <typename Texts>
void CompanyKeys(std::string_view company, const Texts& words, Side side,
                 std::vector<LookupKey>* keys) {
  if (company.empty()) return;
  thread_local std::string buffer;
  if (company.find(' ') == std::string_view::npos) {
    Add(keys, KeyKind::kCompany, company);
    // A word of no significance is no posted word, but meets a name of
    // several words written apart.
    if (side == Side::kQuery &&
        std::all_of(std::begin(words), std::end(words), [](const auto& w) { return w.empty(); })) {
      Add(keys, KeyKind::kCompanyToken, SkeletonOr(company, &buffer));
    }
  } else {
    keys->push_back({KeyKind::kCompanySkeleton,
                     HashKey(KeyKind::kCompanyToken, SkeletonOr(company, &buffer))});
  }
  std::size_t tokens = 0;
  for (std::string_view rest : words) {
    while (!rest.empty() && tokens < kMaxTokenKeys) {
      const std::string_view word = FirstWord(rest);
      if (word.size() > 1) {
        Add(keys, KeyKind::kCompanyToken, SkeletonOr(word, &buffer));
        ++tokens;
      }
      rest.remove_prefix(std::min(rest.size(), word.size() + 1));
    }
  }
}

// The company's keys are CompanyKeys() of f, or `company` where given
// (ExtractQuery() made them as the normalizer went).
void CommonKeys(const Features& f, Side side, std::vector<LookupKey>* keys,
                const std::vector<LookupKey>* company = nullptr) {
  ForEachId(f.ids, [&](std::string_view type, std::string_view value) {
    Add(keys, KeyKind::kIdentifier, type, value);
    // Stored and looked up without a country prefix too, so that
    // "DE129273398" and "129273398" meet (the scorer decides).
    if (const std::string_view bare = WithoutIdPrefix(value); !bare.empty()) {
      Add(keys, KeyKind::kIdentifier, type, bare);
    }
  });
  if (!f.domain.empty()) Add(keys, KeyKind::kDomain, f.domain);
  if (!f.email.empty()) Add(keys, KeyKind::kEmail, f.email);
  if (!f.phone.empty()) Add(keys, KeyKind::kPhone, f.phone);
  if (company != nullptr) {
    keys->insert(keys->end(), company->begin(), company->end());
  } else {
    CompanyKeys(f.company, std::array<std::string_view, 1>{f.company_tokens}, side, keys);
  }
  // Keys of two fields joined: in a buffer each thread reuses.
  thread_local std::string joined;
  if (f.has_person()) {
    joined.assign(f.given).append(" ").append(f.surname);
    Add(keys, KeyKind::kPerson, joined);
  }
  // The same street address: for a company, it finds the spellings of its
  // name that share no word ("Mullenkrants" for "Müllenkranz"); the scorer
  // tells them from another company in the same building.
  if (!f.street.empty() && !f.number.empty()) {
    const std::string_view place = f.postal.empty() ? f.city : f.postal;
    if (!place.empty()) {
      joined.assign(f.street).append("|").append(f.number);
      Add(keys, KeyKind::kAddress, joined, place);
    }
  }
  // The same house number in the same postal code: for a company, it finds
  // a spelling of its name and of its street that share no word with
  // another ("Univrsl Export", "100 Howard Hughs Plaza").
  if (!f.number.empty() && !f.postal.empty()) {
    // By its first block: a Japanese "2-3-1" meets "2-3" (the scorer
    // compares the rest).
    Add(keys, KeyKind::kPostalNumber, f.postal, FirstBlock(f.number));
  }
  // Where a company names the customer, its keys find it; the fuzzy blocks
  // below are for customers who are people. Each pairs two fields, so that
  // one typo does not lose the candidate.
  if (!f.company.empty()) return;
  if (f.has_person()) {
    Add(keys, KeyKind::kPersonSound, Soundex(f.given), Soundex(f.surname));
  }
  if (!f.surname.empty()) {
    const std::string sound = Soundex(f.surname);
    if (!f.postal.empty()) Add(keys, KeyKind::kPostalSurname, f.postal, sound);
    if (!f.city.empty()) Add(keys, KeyKind::kCitySurname, f.city, sound);
  }
  if (!f.number.empty() && !f.city.empty()) {
    Add(keys, KeyKind::kCityNumber, f.city, FirstBlock(f.number));
  }
  if (!f.street.empty() && !f.city.empty()) {
    Add(keys, KeyKind::kCityStreet, f.city, f.street);
  }
}

// GenerationOf() of one field.
char GenerationOfField(std::string_view name) {
  std::size_t end = name.size();
  while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '.' || name[end - 1] == ',')) --end;
  std::size_t begin = end;
  while (begin > 0 && normalize::IsAsciiAlpha(name[begin - 1])) --begin;
  if (begin == 0 || end - begin > 6 || begin == end) return 0;
  // Preceded by a separator, not by another letter or a mark ("Müller" is
  // no "ller").
  const char before = name[begin - 1];
  if (before != ' ' && before != ',') return 0;
  char word[6];
  for (std::size_t i = begin; i < end; ++i) word[i - begin] = normalize::AsciiLower(name[i]);
  const std::string_view w(word, end - begin);
  if (w == "jr" || w == "jnr" || w == "junior" || w == "ii") return 'j';
  // "I", the first of a name, is the senior; alone it may as well be a
  // middle initial, which only matters against a younger generation: an
  // initial "I" and a "II" or "Jr" in one name are rarer than a father and
  // a son ("Morris I" and "Morris II").
  if (w == "sr" || w == "snr" || w == "senior" || w == "i") return 's';
  if (w == "iii") return '3';
  if (w == "iv") return '4';
  return 0;
}

}  // namespace

char GenerationOf(std::string_view first_name, std::string_view last_name) {
  const char g = GenerationOfField(last_name);
  return g != 0 ? g : GenerationOfField(first_name);
}

bool IsStrongKind(KeyKind kind) {
  switch (kind) {
    case KeyKind::kDomain:
    case KeyKind::kEmail:
    case KeyKind::kCompany:
    case KeyKind::kCompanySkeleton:
    case KeyKind::kAddress:
    case KeyKind::kIdentifier:
      return true;
    default:
      return false;
  }
}

MatchKeys KeysOf(const Normalizer& n, const Party& party, std::string_view default_country,
                 Normalizer::KeysObserver* observer) {
  MatchKeys keys = n.Keys(party, observer);
  if (!keys.phone && !party.phone.empty() && !keys.country && !default_country.empty()) {
    keys.phone = n.Phone(party.phone, default_country);
  }
  return keys;
}

namespace {

// Features::company_tokens of MatchKeys::company_tokens.
void JoinTokens(const std::vector<std::string>& tokens, std::string* joined) {
  joined->clear();
  for (const auto& t : tokens) {
    if (!joined->empty()) joined->push_back(' ');
    joined->append(t);
  }
}

}  // namespace

Features ExtractFeatures(const Normalizer& n, const Party& party,
                         std::string_view default_country,
                         Normalizer::KeysObserver* observer) {
  Features f;
  // Its strings move into f.
  MatchKeys keys = KeysOf(n, party, default_country, observer);
  if (keys.company) {
    f.company = std::move(*keys.company);
    JoinTokens(keys.company_tokens, &f.company_tokens);
    std::size_t words = 0;
    std::string initials;
    std::string_view rest = f.company;
    while (!rest.empty()) {
      const std::string_view word = FirstWord(rest);
      if (!word.empty()) {
        initials.push_back(word.front());
        ++words;
      }
      rest.remove_prefix(std::min(rest.size(), word.size() + 1));
    }
    if (words >= 2) f.company_acronym = std::move(initials);
  }
  if (keys.domain) f.domain = std::move(*keys.domain);
  if (keys.email) f.email = std::move(*keys.email);
  f.email_freemail = keys.email_freemail;
  if (keys.phone) f.phone = std::move(*keys.phone);
  if (keys.person) {
    const std::string& full = keys.person->full;
    const auto space = full.find(' ');
    f.given = full.substr(0, space);
    f.surname = full.substr(space + 1);
    f.person_swapped = std::move(keys.person->swapped);
  } else {
    // One name part is still evidence, weaker.
    // (Most parties give neither: asked only of a field given.)
    if (!party.first_name.empty()) {
      if (auto given = n.GivenName(party.first_name)) f.given = std::move(*given);
    }
    if (!party.last_name.empty()) {
      if (auto surname = n.Surname(party.last_name)) f.surname = std::move(*surname);
    }
  }
  // A street without a place still counts against another's street.
  if (keys.street) {
    f.street = std::move(*keys.street);
    if (keys.house_number) f.number = std::move(*keys.house_number);
  }
  if (keys.postal_code) f.postal = std::move(*keys.postal_code);
  if (keys.city) f.city = std::move(*keys.city);
  if (keys.country) f.country = std::move(*keys.country);
  for (const auto& [type, value] : keys.ids) AppendId(&f.ids, type, value);
  if (!party.birth_date.empty() && IsIsoDate(party.birth_date)) [[unlikely]] {
    f.birth_date = party.birth_date;
  }
  // Read where the person is the customer, the only place it counts.
  if (f.company.empty() && f.has_person()) {
    f.generation = GenerationOf(party.first_name, party.last_name);
  }
  return f;
}

void StoredKeys(const Features& f, std::vector<LookupKey>* keys) {
  keys->clear();
  CommonKeys(f, Side::kStored, keys);
  if (!f.company_acronym.empty()) {
    Add(keys, KeyKind::kAcronym, f.company_acronym);
    // And without its connectives: "Royal Bank of Canada" is "RBC".
    thread_local std::string initials;
    if (!ShortInitials(f, &initials).empty()) {
      Add(keys, KeyKind::kAcronym, initials);
    }
  }
}

namespace {

// QueryKeys()'s keys past CommonKeys().
void QueryOnlyKeys(const Features& f, std::vector<LookupKey>* keys) {
  // "IBM" finds "International Business Machines" and the other way round.
  if (!f.company.empty() && f.company.find(' ') == std::string::npos) {
    Add(keys, KeyKind::kAcronym, f.company);
  }
  if (!f.company_acronym.empty()) {
    Add(keys, KeyKind::kCompany, f.company_acronym);
    thread_local std::string initials;
    if (!ShortInitials(f, &initials).empty()) {
      Add(keys, KeyKind::kCompany, initials);
    }
  }
  // First and last name entered the other way round.
  if (f.has_person() && !f.person_swapped.empty()) {
    Add(keys, KeyKind::kPerson, f.person_swapped);
  }
}

}  // namespace

void QueryKeys(const Features& f, std::vector<LookupKey>* keys) {
  keys->clear();
  CommonKeys(f, Side::kQuery, keys);
  QueryOnlyKeys(f, keys);
}

namespace {

// ExtractQuery()'s observer: the company's query keys, made once, and the
// contacts' keys, each handed to the loader as the normalizer makes it.
class QueryKeysObserver final : public Normalizer::KeysObserver {
 public:
  QueryKeysObserver(const KeyLoader& loader, std::vector<LookupKey>* company)
      : loader_(loader), company_(company) {}

  void CompanyMade(const MatchKeys& keys) override {
    CompanyKeys(*keys.company, keys.company_tokens, Side::kQuery, company_);
    for (const LookupKey& k : *company_) loader_.Load(k.hash);
  }

  void ContactsMade(const MatchKeys& keys) override {
    // Hashed again in CommonKeys(): a few dozen instructions each. (A
    // phone KeysOf() reads with the default country, after this, loads
    // only then.)
    if (keys.domain) loader_.Load(HashKey(KeyKind::kDomain, *keys.domain));
    if (keys.email) loader_.Load(HashKey(KeyKind::kEmail, *keys.email));
    if (keys.phone) loader_.Load(HashKey(KeyKind::kPhone, *keys.phone));
  }

 private:
  const KeyLoader& loader_;
  std::vector<LookupKey>* company_;
};

}  // namespace

Features ExtractQuery(const Normalizer& n, const Party& party,
                      std::string_view default_country, const KeyLoader& loader,
                      std::vector<LookupKey>* keys) {
  thread_local std::vector<LookupKey> company;
  company.clear();
  QueryKeysObserver observer(loader, &company);
  Features f = ExtractFeatures(n, party, default_country, &observer);
  keys->clear();
  CommonKeys(f, Side::kQuery, keys, &company);
  QueryOnlyKeys(f, keys);
  return f;
}

void StoredKeys(const Features& f, const std::vector<LookupKey>& query,
                std::vector<LookupKey>* keys) {
  keys->clear();
  // QueryKeys(): CommonKeys() of the query side, then QueryOnlyKeys(),
  // whose keys are counted here as it makes them.
  thread_local std::string initials;
  const std::string_view short_initials = ShortInitials(f, &initials);
  const bool one_word = !f.company.empty() && f.company.find(' ') == std::string::npos;
  KeyKind tail[4];
  std::size_t query_only = 0;
  if (one_word) tail[query_only++] = KeyKind::kAcronym;
  if (!f.company_acronym.empty()) {
    tail[query_only++] = KeyKind::kCompany;
    if (!short_initials.empty()) tail[query_only++] = KeyKind::kCompany;
  }
  if (f.has_person() && !f.person_swapped.empty()) tail[query_only++] = KeyKind::kPerson;
  // Keys of another shape than QueryKeys() gives are not read: the stored
  // ones are then made apart.
  bool shaped = query.size() >= query_only;
  for (std::size_t i = 0; shaped && i < query_only; ++i) {
    shaped = query[query.size() - query_only + i].kind == tail[i];
  }
  if (!shaped) {
    StoredKeys(f, keys);
    return;
  }
  const std::size_t common = query.size() - query_only;
  // The stored side's CommonKeys() lack one: a one-word name without
  // significant words is looked up as a word too, right after its key.
  const bool word_too = one_word && f.company_tokens.empty();
  for (std::size_t i = 0; i < common; ++i) {
    keys->push_back(query[i]);
    if (word_too && query[i].kind == KeyKind::kCompany && i + 1 < common &&
        query[i + 1].kind == KeyKind::kCompanyToken) {
      ++i;
    }
  }
  // StoredKeys(): a name's initials, with and without its connectives.
  if (!f.company_acronym.empty()) {
    Add(keys, KeyKind::kAcronym, f.company_acronym);
    if (!short_initials.empty()) Add(keys, KeyKind::kAcronym, short_initials);
  }
}

void QueryKeys(const Features& f, const std::vector<LookupKey>& stored,
               std::vector<LookupKey>* keys) {
  keys->clear();
  // StoredKeys(): CommonKeys() of the stored side (no kAcronym among
  // them), then a name's initials (with and without its connectives).
  std::size_t common = stored.size();
  while (common > 0 && stored[common - 1].kind == KeyKind::kAcronym) --common;
  // The query side's CommonKeys() differ by one key: a one-word name
  // without significant words is looked up as a word too, right after its
  // key (CompanyKeys()), the only kCompany key CommonKeys() gives.
  const bool word_too = !f.company.empty() && f.company_tokens.empty() &&
                        f.company.find(' ') == std::string::npos;
  for (std::size_t i = 0; i < common; ++i) {
    keys->push_back(stored[i]);
    if (word_too && stored[i].kind == KeyKind::kCompany) {
      thread_local std::string buffer;
      Add(keys, KeyKind::kCompanyToken, SkeletonOr(f.company, &buffer));
    }
  }
  QueryOnlyKeys(f, keys);
}

}  // namespace leadroute::index
