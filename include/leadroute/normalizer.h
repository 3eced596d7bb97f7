// Normalizer: turns messy customer data into match keys.
//
// Two parties whose keys of one kind are equal are, to the engine, the same
// customer on that evidence. Each key is absent (std::nullopt / empty) when
// the input carries no usable evidence: junk, placeholders ("n/a"), invalid
// UTF-8, NUL bytes, or text longer than the field's limit.
//
// Thread safety: a Normalizer is immutable after Create(); every method is
// const and may be called from any number of threads at once.
#ifndef LEADROUTE_NORMALIZER_H_
#define LEADROUTE_NORMALIZER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadroute/party.h"
#include "leadroute/status.h"

namespace leadroute {

// A canonical mailbox and what it says about the company behind it.
struct EmailKey {
  std::string mailbox;                // "jdoe@gmail.com", "j.doe@acme.de"
  std::optional<std::string> domain;  // registrable domain, unless free-mail
  bool freemail = false;              // gmail.com, web.de, qq.com, ...
};

// Keys for a person's name. Nicknames map to one given name, so "Bob Smith"
// and "Robert Smith" share `full`; `swapped` is the `full` key the same
// person gets when first and last name were entered the other way round.
struct PersonKey {
  std::string full;                   // "robert smith"
  std::string swapped;                // "smith bob" (for a record "Smith Bob")
  // The surname with each initial the given name may have: "smith b",
  // "smith r" for "Bob Smith" (as written, then as `full` has it). Made
  // when asked: only the `normalize` method shows them. None for a key
  // not made by the normalizer.
  std::vector<std::string> Initials() const;

  // Where `full`'s surname begins, and the given name's first letter as
  // written (Initials()).
  std::size_t surname_at = 0;
  char given_initial = 0;
};

// Every key the engine derives from one party.
struct MatchKeys {
  std::optional<std::string> company;       // "acme deutschland"
  std::vector<std::string> company_tokens;  // significant words, for fuzzy
  std::optional<std::string> domain;        // from `domain`, else the email's
  std::optional<std::string> email;         // canonical mailbox
  bool email_freemail = false;
  std::optional<std::string> phone;         // E.164, "+49891234567"
  std::optional<PersonKey> person;
  std::optional<std::string> address;       // "de|80331|leopoldstrasse|1"
  // "leopoldstrasse", even without a place, or without a number where it
  // ends in a street type ("Robertson Street"; then no `address`).
  std::optional<std::string> street;
  std::optional<std::string> house_number;  // "1", with `street`
  // From their fields, else from the street line ("Hauptstr. 5, 80331
  // München").
  std::optional<std::string> postal_code;   // "80331", "SW1A1AA"
  std::optional<std::string> city;          // "munchen": letters and digits
  std::optional<std::string> country;       // "DE"
  // Identifiers (PartyId) as (type, value): the value as Identifier()
  // gives it; sorted by type, one per type, placeholders left out.
  std::vector<std::pair<std::string, std::string>> ids;
};

class Normalizer {
 public:
  // Loads the public suffix list (the system's, else libpsl's built-in one)
  // and the compiled-in word lists. Fails only if those cannot be loaded.
  static Result<std::unique_ptr<Normalizer>> Create();
  ~Normalizer();
  Normalizer(const Normalizer&) = delete;
  Normalizer& operator=(const Normalizer&) = delete;

  // Company name without case, accents, punctuation, leading "The" or legal
  // form: "ACME Deutschland G.m.b.H." -> "acme deutschland". A form
  // written first ("OOO", "PT") only where it is one: `country` is the
  // party's ISO 3166-1 alpha-2 code, empty when unknown (see
  // normalize::CompanyName::Key).
  std::optional<std::string> Company(std::string_view name,
                                     std::string_view country = {}) const;
  // The key's words minus generic ones ("group", "deutschland").
  std::vector<std::string> CompanyTokens(std::string_view name,
                                         std::string_view country = {}) const;
  // Registrable domain of a URL, host or email: "https://www.shop.acme.co.uk/x"
  // -> "acme.co.uk"; internationalized names in punycode.
  std::optional<std::string> Domain(std::string_view url_host_or_email) const;
  std::optional<EmailKey> Email(std::string_view address) const;
  // E.164; `country` (ISO 3166-1 alpha-2, may be empty) is the region hint
  // for national formats. Extensions are dropped.
  std::optional<std::string> Phone(std::string_view number,
                                   std::string_view country) const;
  std::optional<PersonKey> Person(std::string_view first_name,
                                  std::string_view last_name) const;
  // One name part alone, as Person() folds it: the canonical first given
  // name ("Bob" -> "robert"), the joined surname ("van der Berg" ->
  // "vanderberg").
  std::optional<std::string> GivenName(std::string_view first_name) const;
  std::optional<std::string> Surname(std::string_view last_name) const;
  std::optional<std::string> PostalCode(std::string_view postal_code,
                                        std::string_view country) const;
  // House number + normalized street + (postal code, else city) + country;
  // an empty postal code or city field is read from the street line
  // ("Hauptstr. 5, 80331 München").
  std::optional<std::string> Address(std::string_view street,
                                     std::string_view postal_code,
                                     std::string_view city,
                                     std::string_view country) const;
  // ISO 3166-1 alpha-2 in upper case: two letters as they are ("de" ->
  // "DE"; "UK", which ISO 3166 reserves for it, is "GB"); else an alpha-3 code or an English name, as ISO 3166-1 lists
  // them (name, common and official name: "Germany", "DEU", "Federal
  // Republic of Germany", "Viet Nam", "Vietnam") or in everyday use ("UK",
  // "Russia", "Holland"), compared by their letters and digits folded to
  // ASCII ("U.S.A.", "Côte d'Ivoire", "the Netherlands"; an alpha-3 code
  // in capitals only: "CAN", not "can"). nullopt otherwise.
  static std::optional<std::string> Country(std::string_view country);
  // A party's country as keys and routing read it: Country(country), but
  // where that reads a name as one country and `region` (a code ISO
  // 3166-2 lists, "US-GA") names another, the region's ("Georgia" with
  // "US-GA" is US). Where the country field reads as none (empty,
  // "Europe"), the region's country; else the country a one-line address
  // in `street` names after its last comma ("Mullanpara Road, Vythiri,
  // 673576, India"): a name, or an everyday code such as "UK", "USA",
  // "U.S.", but no ISO code ("..., Athens, GA" is no Gabon) and no name
  // ISO 3166-2 also gives another country's subdivision ("..., Atlanta,
  // Georgia"; Luxembourg, Niger). (Inline: Keys() reads it for every
  // party, and two letters, the common case, need nothing beyond
  // Country().)
  static std::optional<std::string> CountryOf(std::string_view country,
                                              std::string_view region,
                                              std::string_view street = {}) {
    std::optional<std::string> code = Country(country);
    if (code && country.size() > 2 && region.size() >= 4) [[unlikely]] {
      RegionOverrules(country, region, &*code);
    }
    if (!code && (!region.empty() || !street.empty())) [[unlikely]] {
      code = CountryOfPlace(region, street);
    }
    return code;
  }
  // An identifier's value: its letters and digits, folded to ASCII, in
  // upper case ("de 129.273.398" -> "DE129273398"); nullopt for what is
  // no identifier: fewer than kMinIdentifier letters and digits, no digit,
  // or one character repeated ("N/A", "none", "000-00-0000"), or not
  // valid UTF-8.
  static constexpr std::size_t kMinIdentifier = 4;
  static std::optional<std::string> Identifier(std::string_view value);

  // Told of a party's keys as Keys() makes them, so that a caller that
  // looks them up can start loading what they lead to while the rest are
  // made.
  class KeysObserver {
   public:
    virtual ~KeysObserver() = default;
    // keys.company and keys.company_tokens are made (only when there is a
    // company key).
    virtual void CompanyMade(const MatchKeys& keys) = 0;
    // keys.domain, keys.email and keys.phone are made (any may be none).
    virtual void ContactsMade(const MatchKeys& keys) = 0;
  };
  // The party's keys, telling `observer` (if not null) as they are made.
  MatchKeys Keys(const Party& party, KeysObserver* observer = nullptr) const;

 private:
  // Country() of what is not two letters: an alpha-3 code, a name.
  static std::optional<std::string> CountryNamed(std::string_view country);
  // CountryOf() without a country field: the region's, or the one the
  // street line ends with.
  static std::optional<std::string> CountryOfPlace(std::string_view region,
                                                   std::string_view street);
  // CountryOf()'s second step, on Country(country)'s *code.
  static void RegionOverrules(std::string_view country, std::string_view region,
                              std::string* code);

  struct Impl;
  explicit Normalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadroute

#endif  // LEADROUTE_NORMALIZER_H_
