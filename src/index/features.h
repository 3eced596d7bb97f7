// Features: the normalized form of a party that matching works on. Derived
// once when an opportunity is stored and once per checked deal.
#ifndef LEADROUTE_INDEX_FEATURES_H_
#define LEADROUTE_INDEX_FEATURES_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/normalizer.h"
#include "leadroute/party.h"

namespace leadroute::index {

// Empty string = absent.
struct Features {
  std::string company;          // "acme deutschland"
  std::string company_acronym;  // initials of a multi-word company: "ad"
  std::string company_tokens;   // significant words, space-separated
  std::string domain;           // registrable
  std::string email;            // canonical mailbox
  bool email_freemail = false;
  std::string phone;            // E.164
  std::string given;            // canonical given name: "robert"
  std::string surname;          // "smith", "vanderberg"
  std::string person_swapped;   // PersonKey::swapped
  std::string street;           // "leopoldstrasse"
  std::string number;           // "1", "12a"
  std::string postal;           // "80331"
  std::string city;             // folded, letters and digits only
  std::string country;          // "DE"
  // Identifiers: "type\x1eVALUE" (MatchKeys::ids), joined by '\x1f',
  // sorted by type: "duns\x1e150483782\x1fvat\x1eDE129273398".
  std::string ids;
  std::string birth_date;       // "1970-03-01" (Party::birth_date)
  // The generational suffix the names end with (GenerationOf), where no
  // company names the customer: scored, not stored (a stored record's is
  // read from its raw names).
  char generation = 0;

  bool has_person() const { return !given.empty() && !surname.empty(); }
};

// The generational suffix a person's name ends with, where the name keys
// drop it: 'j' for "Jr", "Jnr", "Junior" and "II" (the second of a name),
// 's' for "Sr", "Snr", "Senior" and "I" (an initial as likely, which
// differs from no suffix: "I" only counts against another generation),
// '3' for "III", '4' for "IV"; 0 for none.
// The last word of `last_name`, else of `first_name` ("Morris II"), in any
// case, with or without a dot; a word alone is no suffix (it must follow
// another character in its field: a stored record holds a raw name that
// its feature spells as only the rest, " Jr").
char GenerationOf(std::string_view first_name, std::string_view last_name);

// The normalizer's keys of `party`, with `default_country` (ISO 3166-1
// alpha-2 or empty) standing in for a missing party country as the region
// hint of a national phone number: the keys matching works on.
MatchKeys KeysOf(const Normalizer& normalizer, const Party& party,
                 std::string_view default_country,
                 Normalizer::KeysObserver* observer = nullptr);

// The features of KeysOf(normalizer, party, default_country, observer).
Features ExtractFeatures(const Normalizer& normalizer, const Party& party,
                         std::string_view default_country = {},
                         Normalizer::KeysObserver* observer = nullptr);

// The lookup keys of one kind of evidence, hashed with their kind.
enum class KeyKind : std::uint8_t {
  kDomain = 1,
  kEmail,
  kPhone,
  kCompany,
  kAcronym,        // stored: initials of multi-word names
  kCompanyToken,   // stored: each significant word's skeleton
  kPerson,         // canonical given + surname
  kPostalNumber,   // postal code + house number
  kPostalSurname,  // postal code + Soundex of the surname
  kPersonSound,    // Soundex of given name + Soundex of surname
  kAddress,        // street + number + place
  kCitySurname,    // city + Soundex of the surname
  kCityNumber,     // city + house number
  kCityStreet,     // city + street
  kId,             // the opportunity's id (OpportunityIndex's id lookup)
  kIdentifier,     // an identifier's type + value (Party::ids)
  // A name of several words by its skeleton (CompanySkeleton), in place
  // of kCompany: hashed as a kCompanyToken, looked up as a strong key.
  kCompanySkeleton,
};

// The value without a leading two-letter prefix ("DE129273398" ->
// "129273398": a VAT number with or without its country), or empty when
// it has none: two letters, then a digit, then at least three more.
inline std::string_view WithoutIdPrefix(std::string_view value) {
  auto letter = [](char c) { return c >= 'A' && c <= 'Z'; };
  if (value.size() >= 6 && letter(value[0]) && letter(value[1]) && value[2] >= '0' &&
      value[2] <= '9') {
    return value.substr(2);
  }
  return {};
}

// Appends one identifier to a joined list (Features::ids, the packed
// record's raw kIds): '\x1f' before all but the first, then
// "type\x1evalue".
inline void AppendId(std::string* joined, std::string_view type, std::string_view value) {
  if (!joined->empty()) joined->push_back('\x1f');
  joined->append(type).push_back('\x1e');
  joined->append(value);
}

// Calls fn(type, value) for each identifier of Features::ids, in order.
template <typename Fn>
void ForEachId(std::string_view ids, Fn&& fn) {
  while (!ids.empty()) {
    const std::size_t end = std::min(ids.find('\x1f'), ids.size());
    const std::string_view id = ids.substr(0, end);
    const std::size_t sep = std::min(id.find('\x1e'), id.size());
    fn(id.substr(0, sep), id.substr(std::min(sep + 1, id.size())));
    ids.remove_prefix(std::min(end + 1, ids.size()));
  }
}

// True for kinds whose postings name the customer on their own; lists of
// other kinds are only followed while short (see OpportunityIndex): a phone
// shared by many is a switchboard, a name shared by many is a common name.
bool IsStrongKind(KeyKind kind);

struct LookupKey {
  KeyKind kind;
  std::uint64_t hash;
};

// The hash of an opportunity id under KeyKind::kId.
std::uint64_t IdKey(std::string_view id);

// The keys under which an opportunity with these features is stored.
void StoredKeys(const Features& f, std::vector<LookupKey>* keys);
// The same, from `query`, the keys QueryKeys() or ExtractQuery() made of
// f: without computing the keys both share again (a registration looks
// its customer up, as it normalizes, before it stores it).
void StoredKeys(const Features& f, const std::vector<LookupKey>& query,
                std::vector<LookupKey>* keys);
// The keys a deal with these features looks up: the stored ones plus the
// cross lookups (a single-word name against acronyms, a person with first
// and last name the other way round).
void QueryKeys(const Features& f, std::vector<LookupKey>* keys);
// The same, from `stored`, StoredKeys(f): without computing the keys both
// share again (a registration has them to store).
void QueryKeys(const Features& f, const std::vector<LookupKey>& stored,
               std::vector<LookupKey>* keys);

// Where looked-up keys lead: told of each as soon as it is known.
class KeyLoader {
 public:
  virtual ~KeyLoader() = default;
  // Starts loading what a lookup of `hash` reads. A hint: it may do
  // nothing. Called in the middle of ExtractQuery(), whose scratch is the
  // thread's: it must not extract features or keys itself.
  virtual void Load(std::uint64_t hash) const = 0;
};

// ExtractFeatures(normalizer, party, default_country) and QueryKeys() of
// it, in *keys, made together: the company's keys and the contacts'
// (domain, email, phone) go to `loader` as soon as the normalizer has
// made them, so that at 1M opportunities the posting buckets they lead to
// load from memory while the rest is normalized, not after. The company's
// keys (their skeletons) are derived once.
Features ExtractQuery(const Normalizer& normalizer, const Party& party,
                      std::string_view default_country, const KeyLoader& loader,
                      std::vector<LookupKey>* keys);

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_FEATURES_H_
