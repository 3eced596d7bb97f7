#include "index/features.h"

#include <string_view>

#include "index/similarity.h"
#include "normalize/text_fold.h"

namespace leadroute::index {

namespace {

constexpr std::size_t kMaxTokenKeys = 3;

// FNV-1a over the kind and the text, then a final mix.
std::uint64_t HashKey(KeyKind kind, std::string_view a, std::string_view b = {}) {
  // The kind is a step of its own: XORed into the same byte as the first
  // character, kind k + "j" and kind k+1 + "k" would collide.
  std::uint64_t h = (1469598103934665603ULL ^ static_cast<std::uint8_t>(kind)) *
                    1099511628211ULL;
  auto mix = [&](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
  };
  mix(a);
  if (!b.empty()) {
    h ^= 0x1f;
    h *= 1099511628211ULL;
    mix(b);
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
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

void CommonKeys(const Features& f, std::vector<LookupKey>* keys) {
  if (!f.domain.empty()) Add(keys, KeyKind::kDomain, f.domain);
  if (!f.email.empty()) Add(keys, KeyKind::kEmail, f.email);
  if (!f.phone.empty()) Add(keys, KeyKind::kPhone, f.phone);
  if (!f.company.empty()) Add(keys, KeyKind::kCompany, f.company);
  std::size_t tokens = 0;
  std::string_view rest = f.company_tokens;
  while (!rest.empty() && tokens < kMaxTokenKeys) {
    const std::string_view word = FirstWord(rest);
    if (word.size() > 1) {
      Add(keys, KeyKind::kCompanyToken, word);
      ++tokens;
    }
    rest.remove_prefix(std::min(rest.size(), word.size() + 1));
  }
  if (f.has_person()) Add(keys, KeyKind::kPerson, f.given + " " + f.surname);
  // The same street address: for a company, it finds the spellings of its
  // name that share no word ("Mullenkrants" for "Müllenkranz"); the scorer
  // tells them from another company in the same building.
  if (!f.street.empty() && !f.number.empty()) {
    const std::string_view place = f.postal.empty() ? f.city : f.postal;
    if (!place.empty()) {
      Add(keys, KeyKind::kAddress, f.street + "|" + f.number, place);
    }
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
  if (!f.number.empty()) {
    if (!f.postal.empty()) Add(keys, KeyKind::kPostalNumber, f.postal, f.number);
    if (!f.city.empty()) Add(keys, KeyKind::kCityNumber, f.city, f.number);
  }
  if (!f.street.empty() && !f.city.empty()) {
    Add(keys, KeyKind::kCityStreet, f.city, f.street);
  }
}

}  // namespace

bool IsStrongKind(KeyKind kind) {
  switch (kind) {
    case KeyKind::kDomain:
    case KeyKind::kEmail:
    case KeyKind::kCompany:
    case KeyKind::kAddress:
      return true;
    default:
      return false;
  }
}

Features ExtractFeatures(const Normalizer& n, const Party& party,
                         std::string_view default_country) {
  Features f;
  MatchKeys keys = n.Keys(party);  // its strings move into f
  if (keys.company) {
    f.company = std::move(*keys.company);
    for (const auto& t : keys.company_tokens) {
      if (!f.company_tokens.empty()) f.company_tokens.push_back(' ');
      f.company_tokens += t;
    }
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
  if (keys.phone) {
    f.phone = std::move(*keys.phone);
  } else if (!party.phone.empty() && !keys.country && !default_country.empty()) {
    if (auto phone = n.Phone(party.phone, default_country)) f.phone = *phone;
  }
  if (keys.person) {
    const std::string& full = keys.person->full;
    const auto space = full.find(' ');
    f.given = full.substr(0, space);
    f.surname = full.substr(space + 1);
    f.person_swapped = std::move(keys.person->swapped);
  } else {
    // One name part is still evidence, weaker.
    if (auto given = n.GivenName(party.first_name)) f.given = *given;
    if (auto surname = n.Surname(party.last_name)) f.surname = *surname;
  }
  // A street without a place still counts against another's street.
  if (keys.street) {
    f.street = std::move(*keys.street);
    f.number = std::move(*keys.house_number);
  }
  if (keys.postal_code) f.postal = std::move(*keys.postal_code);
  if (keys.city) f.city = std::move(*keys.city);
  if (keys.country) f.country = std::move(*keys.country);
  return f;
}

void StoredKeys(const Features& f, std::vector<LookupKey>* keys) {
  keys->clear();
  CommonKeys(f, keys);
  if (!f.company_acronym.empty()) {
    Add(keys, KeyKind::kAcronym, f.company_acronym);
  }
}

void QueryKeys(const Features& f, std::vector<LookupKey>* keys) {
  keys->clear();
  CommonKeys(f, keys);
  // "IBM" finds "International Business Machines" and the other way round.
  if (!f.company.empty() && f.company.find(' ') == std::string::npos) {
    Add(keys, KeyKind::kAcronym, f.company);
  }
  if (!f.company_acronym.empty()) {
    Add(keys, KeyKind::kCompany, f.company_acronym);
  }
  // First and last name entered the other way round.
  if (f.has_person() && !f.person_swapped.empty()) {
    Add(keys, KeyKind::kPerson, f.person_swapped);
  }
}

}  // namespace leadroute::index
