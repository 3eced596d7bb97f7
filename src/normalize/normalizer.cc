#include "leadroute/normalizer.h"

#include <algorithm>

#include "normalize/company_name.h"
#include "normalize/domain_name.h"
#include "normalize/email_address.h"
#include "normalize/person_name.h"
#include "normalize/phone_number.h"
#include "normalize/postal_address.h"
#include "normalize/text_fold.h"
#include "normalize/word_list.h"

namespace leadroute {

struct Normalizer::Impl {
  explicit Impl(std::unique_ptr<normalize::DomainName> d)
      : domains(std::move(d)),
        company(data::kLegalForms, data::kCompanyStopwords, data::kCompanyAbbreviations),
        email(domains.get(), data::kFreemailDomains),
        person(data::kNicknames),
        address(data::kStreetTypes, data::kUnitDesignators, data::kCityNames) {
    normalize::ForEachDataLine(data::kSharedHosts, [&](const std::vector<std::string_view>& cols) {
      if (cols.size() > 1 && cols[1] == "profile") profile_hosts.emplace(cols[0]);
    });
  }

  std::unique_ptr<normalize::DomainName> domains;
  normalize::CompanyName company;
  normalize::EmailAddress email;
  normalize::PersonName person;
  normalize::PostalAddress address;
  mutable normalize::PhoneKeyCache phones;
  // shared_hosts.txt's "profile" hosts: a page under one is a customer's.
  normalize::StringSet profile_hosts;
};

namespace {

// shared_hosts.txt's "tenant" names, one a line, for the suffix list.
std::string TenantSuffixes() {
  std::string out;
  normalize::ForEachDataLine(data::kSharedHosts, [&](const std::vector<std::string_view>& cols) {
    if (cols.size() > 1 && cols[1] == "tenant") {
      out.append(cols[0]);
      out.push_back('\n');
    }
  });
  return out;
}

// Whether `url` has a '/' past its scheme's "://".
bool HasPath(std::string_view url) {
  const std::size_t scheme = url.find("://");
  return url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3) !=
         std::string_view::npos;
}

// The part of `url`'s path that names a page's owner, lower-cased: its
// first segment, two where the first only says what follows
// ("company/contoso", "site/contoso"), a profile's id ("profile.php?id=4");
// empty where the path names no one's page ("watch", "search", a kind with
// nothing after it): the review of this rule found two profiles keyed
// alike as "facebook.com/profile.php".
std::string ProfilePath(std::string_view url) {
  url = normalize::TrimAscii(url);
  if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
  }
  const std::size_t slash = url.find('/');
  if (slash == std::string_view::npos) return {};
  std::string_view path = url.substr(slash + 1);
  const std::size_t query_at = path.find('?');
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view() : path.substr(query_at + 1);
  path = path.substr(0, path.find_first_of("?#"));
  // A segment as a key: lower-cased, of a URL's unreserved characters
  // and '%' only, at most 128 (anything else, a control character or a
  // space, names no page: the bare host keys then).
  bool clean = true;
  auto lower = [&clean](std::string_view in) {
    std::string out;
    clean = clean && in.size() <= 128;
    for (char c : in) {
      clean = clean && (normalize::IsAsciiAlnum(normalize::AsciiLower(c)) || c == '.' ||
                        c == '_' || c == '-' || c == '~' || c == '%' || c == '@' || c == '+');
      out.push_back(normalize::AsciiLower(c));
    }
    return out;
  };
  std::vector<std::string_view> segments;
  for (std::string_view rest = path; !rest.empty() && segments.size() < 3;) {
    const std::size_t end = rest.find('/');
    if (const std::string_view segment = rest.substr(0, end); !segment.empty()) {
      segments.push_back(segment);
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  if (segments.empty()) return {};
  const std::string first = lower(segments[0]);
  if (first == "profile.php") {
    // ?id=N among the query's fields.
    for (std::string_view rest = query; !rest.empty();) {
      const std::size_t amp = rest.find('&');
      const std::string_view field = rest.substr(0, amp);
      if (field.starts_with("id=") && field.size() > 3) {
        const std::string id = lower(field.substr(3));
        return clean ? "profile.php?id=" + id : std::string();
      }
      rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    return {};
  }
  static constexpr std::string_view kNoOnes[] = {
      "watch", "search", "results", "share", "sharer", "sharer.php", "hashtag", "explore",
      "home", "login", "intent", "feed", "help", "settings", "events", "marketplace", "jobs"};
  if (std::find(std::begin(kNoOnes), std::end(kNoOnes), first) != std::end(kNoOnes)) return {};
  static constexpr std::string_view kKinds[] = {"company", "in", "pages", "groups", "school",
                                                "showcase", "channel", "c", "user", "profile",
                                                "people", "pub", "view", "org", "orgs", "s",
                                                "site", "a", "p"};
  if (!clean) return {};
  if (std::find(std::begin(kKinds), std::end(kKinds), first) == std::end(kKinds)) return first;
  if (segments.size() < 2) return {};  // a kind with nothing after it
  const std::string second = lower(segments[1]);
  if (!clean || second == "category") return {};  // "pages/category/...": a directory
  return first + "/" + second;
}

}  // namespace

Result<std::unique_ptr<Normalizer>> Normalizer::Create() {
  auto domains = normalize::DomainName::Create(TenantSuffixes());
  if (!domains.ok()) return domains.status();
  std::unique_ptr<Normalizer> n(new Normalizer(std::make_unique<Impl>(std::move(*domains))));
  // Pay the libraries' one-time setup now (libphonenumber's metadata and
  // regular expressions, the phone fast path's tables, ICU's transliterators:
  // ~0.1 s), not inside the first requests.
  Party warm;
  warm.company = "Müller Straße GmbH 東京 Ελλάδα";
  warm.email = "j.doe@müller.de";
  warm.phone = "+49 89 1234567 ext. 5";
  warm.first_name = "José";
  warm.last_name = "Ивanov";
  warm.street = "Leopoldstr. 1";
  warm.postal_code = "80331";
  warm.city = "München";
  warm.country = "DE";
  (void)n->Keys(warm);
  (void)Country("Germany");  // the table of country names
  (void)normalize::PhoneKey("089 1234567", "DE");
  return n;
}

Normalizer::Normalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Normalizer::~Normalizer() = default;

std::optional<std::string> Normalizer::Company(std::string_view name,
                                               std::string_view country) const {
  return impl_->company.Key(name, country);
}

std::vector<std::string> Normalizer::CompanyTokens(std::string_view name,
                                                   std::string_view country) const {
  std::string key;
  std::vector<std::string> tokens;
  impl_->company.KeyAndSignificant(name, country, &key, &tokens);
  return tokens;
}

std::optional<std::string> Normalizer::Domain(std::string_view input) const {
  return impl_->domains->Key(input);
}

std::optional<EmailKey> Normalizer::Email(std::string_view address) const {
  return impl_->email.Key(address);
}

std::optional<std::string> Normalizer::Phone(std::string_view number,
                                             std::string_view country) const {
  return impl_->phones.Get(number, country);
}

std::optional<PersonKey> Normalizer::Person(std::string_view first_name,
                                            std::string_view last_name) const {
  return impl_->person.Key(first_name, last_name);
}

std::optional<std::string> Normalizer::GivenName(std::string_view first) const {
  return impl_->person.Given(first);
}

std::optional<std::string> Normalizer::Surname(std::string_view last) const {
  return normalize::PersonName::Surname(last);
}

std::optional<std::string> Normalizer::PostalCode(
    std::string_view postal_code, std::string_view country) const {
  return normalize::PostalAddress::PostalCode(postal_code, Country(country).value_or(""));
}

std::optional<std::string> Normalizer::Address(std::string_view street,
                                               std::string_view postal_code,
                                               std::string_view city,
                                               std::string_view country) const {
  return impl_->address.Key(street, postal_code, city, Country(country).value_or(""));
}

namespace {

// A country's name by its letters and digits, lower-case ASCII, without a
// "the" before or after it: "The Netherlands", "Gambia, The" and
// "netherlands", "gambia" alike. Empty when nothing is left.
std::string CountryKey(std::string_view name) {
  std::string folded, key;
  if (!normalize::FoldToAscii(name, &folded)) return key;
  const std::string_view trimmed = normalize::TrimAscii(folded);
  for (char c : trimmed) {
    if (normalize::IsAsciiAlnum(c)) key.push_back(c);
  }
  if (key.size() > 3 && trimmed.starts_with("the ")) {
    key.erase(0, 3);
  } else if (key.size() > 3 && trimmed.ends_with(", the")) {
    key.resize(key.size() - 3);
  }
  return key;
}

// ISO 3166-1's alpha-3 codes ("DEU") and the name keys of its names and
// the aliases, to alpha-2 codes; and the name keys that ISO 3166-2 also
// gives another country's subdivision ("georgia", US-GA; "luxembourg",
// BE-WLX; "niger", NG-NI), which a one-line address does not read as a
// country.
struct CountryNames {
  normalize::StringMap<std::string> codes, names;
  normalize::StringMap<bool> also_a_subdivision;
  normalize::StringMap<bool> subdivisions;  // ISO 3166-2's codes: "US-GA"
};

const CountryNames& CountryTable() {
  static const auto* table = [] {
    auto* t = new CountryNames();
    auto add_name = [&](std::string_view name, std::string_view code) {
      std::string key = CountryKey(name);
      if (!key.empty()) t->names.emplace(std::move(key), std::string(code));
    };
    normalize::ForEachDataLine(data::kIso3166Names, [&](const std::vector<std::string_view>& c) {
      if (c.size() < 2) return;
      const std::string_view code = c[0], name = c[1];
      const bool alpha3 = name.size() == 3 && std::all_of(name.begin(), name.end(), [](char ch) {
                            return ch >= 'A' && ch <= 'Z';
                          });
      if (alpha3) {
        t->codes.emplace(std::string(name), std::string(code));
      } else {
        add_name(name, code);
      }
    });
    normalize::ForEachDataLine(data::kCountryAliases, [&](const std::vector<std::string_view>& c) {
      if (c.size() >= 2) add_name(c[0], c[1]);
    });
    // A country's name that is also another country's subdivision's: the
    // name of two places ("Georgia", US-GA), unless that subdivision is the
    // country itself, listed under its sovereign by its own code ("Puerto
    // Rico", US-PR; "Guadeloupe", FR-GP and FR-971).
    normalize::StringMap<bool> dependencies;
    normalize::ForEachDataLine(
        data::kIso3166SubdivisionNames, [&](const std::vector<std::string_view>& c) {
          if (c.size() < 2 || c[0].size() < 4) return;
          t->subdivisions.emplace(std::string(c[0]), true);
          std::string key = CountryKey(c[1]);
          auto it = t->names.find(key);
          if (it == t->names.end() || it->second == c[0].substr(0, 2)) return;
          if (c[0].substr(3) == it->second) {
            dependencies.emplace(key, true);
          }
          t->also_a_subdivision.emplace(std::move(key), true);
        });
    for (const auto& [key, unused] : dependencies) t->also_a_subdivision.erase(key);
    return t;
  }();
  return *table;
}

// The country of an ISO 3166-2 code ("US-GA", "de-by"), upper-case, or
// empty: what ISO 3166-2 does not list ("NA-EAST", a sales region's name;
// "UK-ENG") names none.
std::string RegionCountry(std::string_view region) {
  region = normalize::TrimAscii(region);
  if (region.size() < 4 || region.size() > 6 || region[2] != '-') return {};
  std::string code(region);
  for (char& c : code) c = normalize::AsciiUpper(c);
  if (!CountryTable().subdivisions.contains(code)) return {};
  code.resize(2);
  return code;
}

}  // namespace

std::optional<std::string> Normalizer::Country(std::string_view country) {
  country = normalize::TrimAscii(country);
  if (country.size() == 2 && normalize::IsAsciiAlpha(country[0]) &&
      normalize::IsAsciiAlpha(country[1])) [[likely]] {
    const char a = normalize::AsciiUpper(country[0]), b = normalize::AsciiUpper(country[1]);
    // The United Kingdom's everyday code, which ISO 3166 reserves for GB.
    if (a == 'U' && b == 'K') return std::optional<std::string>(std::in_place, "GB");
    return std::optional<std::string>(std::in_place, {a, b});
  }
  return CountryNamed(country);
}

std::optional<std::string> Normalizer::CountryNamed(std::string_view country) {
  // Names are short: a long field is none (and is not folded).
  if (country.size() < 3 || country.size() > 80) return std::nullopt;
  const CountryNames& table = CountryTable();
  // An alpha-3 code as codes are written, in capitals: "CAN", not "can"
  // (nor "Nam", a sales region's name).
  if (auto it = table.codes.find(country); it != table.codes.end()) {
    return it->second;
  }
  const std::string key = CountryKey(country);
  if (key.empty()) return std::nullopt;
  if (auto it = table.names.find(key); it != table.names.end()) return it->second;
  return std::nullopt;
}

void Normalizer::RegionOverrules(std::string_view country, std::string_view region,
                                 std::string* code) {
  // A name read as one country where the region's code names another:
  // "Georgia" in "US-GA". The code is the surer. Two letters are a code,
  // which no region overrules.
  if (normalize::TrimAscii(country).size() <= 2) return;
  std::string of_region = RegionCountry(region);
  if (!of_region.empty()) *code = std::move(of_region);
}

std::optional<std::string> Normalizer::CountryOfPlace(std::string_view region,
                                                      std::string_view street) {
  if (std::string of_region = RegionCountry(region); !of_region.empty()) return of_region;
  const std::size_t comma = street.rfind(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const std::string_view last = normalize::TrimAscii(street.substr(comma + 1));
  // A name, not a code (two letters after a comma are a state's more
  // often): the names' table, whose only codes are everyday ones ("UK",
  // "U.S.").
  if (last.empty() || last.size() > 80) return std::nullopt;
  const std::string key = CountryKey(last);
  if (key.empty()) return std::nullopt;
  const CountryNames& table = CountryTable();
  // "Atlanta, Georgia": a state's name as likely as a country's.
  if (table.also_a_subdivision.contains(key)) return std::nullopt;
  if (auto it = table.names.find(key); it != table.names.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string> Normalizer::Identifier(std::string_view value) {
  std::string folded, out;
  if (!normalize::FoldToAscii(value, &folded)) return std::nullopt;
  bool digit = false, varied = false;
  for (char c : folded) {
    if (!normalize::IsAsciiAlnum(c)) continue;
    const char u = normalize::AsciiUpper(c);
    digit |= normalize::IsAsciiDigit(u);
    varied |= !out.empty() && u != out.front();
    out.push_back(u);
  }
  // Placeholders ("N/A", "none", "0", "000000000") name no one.
  if (out.size() < kMinIdentifier || !digit || !varied) return std::nullopt;
  return out;
}

MatchKeys Normalizer::Keys(const Party& party, KeysObserver* observer) const {
  MatchKeys keys;
  if (!party.ids.empty()) [[unlikely]] {
    for (const PartyId& id : party.ids) {
      if (auto value = Identifier(id.value)) keys.ids.emplace_back(id.type, std::move(*value));
    }
    std::sort(keys.ids.begin(), keys.ids.end());
    // One per type (a decoded party has no type twice; a built one may).
    keys.ids.erase(std::unique(keys.ids.begin(), keys.ids.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   keys.ids.end());
  }
  keys.country = CountryOf(party.country, party.region, party.street);
  const std::string_view cc = keys.country ? *keys.country : std::string_view();
  if (!party.company.empty()) {
    std::string key;
    if (impl_->company.KeyAndSignificant(party.company, cc, &key, &keys.company_tokens)) {
      keys.company = std::move(key);
      if (observer != nullptr) observer->CompanyMade(keys);
    }
  }
  // The domain's host, kept for an email address on the same host.
  // A free-mail provider's host in the domain field stays a key: the list
  // holds companies' own domains too (zoho.com, telia.com, sky.com), whose
  // deals and named accounts need it.
  std::optional<std::string> domain_host;
  if (!party.domain.empty()) {
    domain_host = impl_->domains->Host(party.domain);
    if (domain_host) keys.domain = impl_->domains->Registrable(*domain_host);
    // A page on a social network or code host names the customer, not the
    // host: "facebook.com/contoso" (a review found two companies in
    // conflict on "facebook.com").
    // (Asked only of a URL with a path: most domain fields are a host.)
    if (keys.domain && !impl_->profile_hosts.empty() && HasPath(party.domain)) {
      std::string_view host = *domain_host;
      if (host.starts_with("www.") || host.starts_with("m.")) host.remove_prefix(host.find('.') + 1);
      if (impl_->profile_hosts.contains(host)) {
        if (std::string path = ProfilePath(party.domain); !path.empty()) {
          keys.domain = std::string(host) + "/" + path;
        }
      }
    }
  }
  if (!party.email.empty()) {
    const normalize::EmailAddress::KnownHost known{party.domain, &domain_host, &keys.domain};
    if (auto email = impl_->email.Key(party.email, party.domain.empty() ? nullptr : &known)) {
      keys.email = std::move(email->mailbox);
      keys.email_freemail = email->freemail;
      if (!keys.domain) keys.domain = std::move(email->domain);
    }
  }
  if (!party.phone.empty()) keys.phone = Phone(party.phone, cc);
  if (observer != nullptr) observer->ContactsMade(keys);
  if (!party.first_name.empty() && !party.last_name.empty()) {
    keys.person = Person(party.first_name, party.last_name);
  }
  normalize::ParsedAddress address =
      impl_->address.Parse(party.street, party.postal_code, party.city, cc);
  if (address.street) {
    keys.street = std::move(address.street->street);
    if (!address.street->number.empty()) keys.house_number = std::move(address.street->number);
  }
  keys.postal_code = std::move(address.postal_code);
  if (!address.city.empty()) keys.city = std::move(address.city);
  keys.address = std::move(address.key);
  return keys;
}

}  // namespace leadroute
