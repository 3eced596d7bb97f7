#include "gen/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace leadroute::gen {

namespace {

struct Country {
  const char* code;
  const char* tld;
  std::array<const char*, 3> forms;         // legal forms as written
  std::array<const char*, 3> form_variants;  // other spellings of forms[i]
  const char* phone_format;                  // '#' = a digit
  const char* city;
  const char* postal_format;
};

constexpr Country kCountries[] = {
    {"DE", "de", {"GmbH", "AG", "GmbH & Co. KG"}, {"G.m.b.H.", "Aktiengesellschaft", "GmbH & Co KG"},
     "089 #######", "München", "80###"},
    {"US", "com", {"Inc.", "LLC", "Corp."}, {"Incorporated", "L.L.C.", "Corporation"},
     "(312) 7##-####", "Chicago", "606##"},
    {"GB", "co.uk", {"Ltd", "PLC", "LLP"}, {"Limited", "P.L.C.", "L.L.P."},
     "020 7### ####", "London", "EC1A 1BB"},
    {"FR", "fr", {"SAS", "S.A.", "SARL"}, {"S.A.S.", "SA", "S.A.R.L."},
     "01 4# ## ## ##", "Paris", "750##"},
    {"NL", "nl", {"B.V.", "N.V.", "B.V."}, {"BV", "NV", "Besloten Vennootschap"},
     "020 ### ####", "Amsterdam", "10## AB"},
    {"SE", "se", {"AB", "AB (publ)", "AB"}, {"Aktiebolag", "AB", "Aktiebolag"},
     "08-### ### ##", "Stockholm", "11# ##"},
    {"IT", "it", {"S.p.A.", "S.r.l.", "S.r.l."}, {"SpA", "Srl", "S.R.L."},
     "06 #### ####", "Roma", "001##"},
    {"ES", "es", {"S.L.", "S.A.", "S.L.U."}, {"SL", "Sociedad Anónima", "SLU"},
     "91 ### ## ##", "Madrid", "280##"},
    {"AU", "com.au", {"Pty Ltd", "Pty. Ltd.", "Limited"}, {"Pty. Ltd.", "Proprietary Limited", "Ltd"},
     "(02) 9### ####", "Sydney", "2000"},
    {"PL", "pl", {"Sp. z o.o.", "S.A.", "Sp. z o.o."}, {"sp. z o. o.", "SA", "Spółka z o.o."},
     "22 ### ## ##", "Warszawa", "00-###"},
    {"CH", "ch", {"AG", "GmbH", "SA"}, {"A.G.", "G.m.b.H.", "S.A."},
     "044 ### ## ##", "Zürich", "80##"},
    {"JP", "co.jp", {"K.K.", "Kabushiki Kaisha", "G.K."}, {"KK", "K.K.", "Godo Kaisha"},
     "03-####-####", "Tokyo", "100-####"},
};

constexpr const char* kSyllables[] = {
    "al", "ber", "cor", "dan", "el", "fa", "gen", "hal", "in", "jo", "ka",
    "lum", "mar", "nor", "om", "pra", "qui", "ro", "sol", "tek", "ul", "ver",
    "wen", "xi", "yor", "zan", "tri", "vex", "nova", "lin", "tra", "max",
    "sys", "gra", "plex", "on", "ix", "ar", "eco", "bio", "net", "data"};
constexpr const char* kSecondWords[] = {
    "Systems", "Solutions", "Logistics", "Software", "Bau", "Consulting",
    "Partners", "Technologies", "Data", "Energy", "Medical", "Foods",
    "Robotics", "Networks", "Analytics", "Industries", "Werke", "Group"};
constexpr const char* kFirstNames[] = {
    "Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans", "Ida",
    "Jonas", "Karin", "Lukas", "Maria", "Noah", "Olivia", "Paul", "Robert",
    "Sofia", "Thomas", "William", "Margaret", "Elizabeth", "James", "Jean"};
constexpr const char* kLastNames[] = {
    "Müller", "Schmidt", "Smith", "Johnson", "Martin", "Bernard", "Rossi",
    "García", "Jansen", "Andersson", "Kowalski", "Tanaka", "Brown", "Dubois",
    "Weber", "Novak", "Silva", "Nielsen", "O'Brien", "van der Berg"};
// Per country (kCountries order): ISO 3166-2 subdivisions, a language.
struct Region {
  std::array<const char*, 3> subdivisions;
  const char* language;
};
constexpr Region kRegions[] = {
    {{"DE-BY", "DE-BE", "DE-NW"}, "de"}, {{"US-CA", "US-NY", "US-IL"}, "en"},
    {{"GB-LND", "GB-MAN", "GB-EDH"}, "en"}, {{"FR-IDF", "FR-ARA", "FR-PAC"}, "fr"},
    {{"NL-NH", "NL-ZH", "NL-UT"}, "nl"}, {{"SE-AB", "SE-O", "SE-M"}, "sv"},
    {{"IT-RM", "IT-MI", "IT-62"}, "it"}, {{"ES-M", "ES-B", "ES-MD"}, "es"},
    {{"AU-NSW", "AU-VIC", "AU-QLD"}, "en"}, {{"PL-14", "PL-14", "PL-14"}, "pl"},
    {{"CH-ZH", "CH-GE", "CH-BE"}, "de"}, {{"JP-13", "JP-27", "JP-14"}, "ja"},
};
constexpr const char* kProducts[] = {"firewall", "endpoint", "siem", "backup",
                                     "cloud", "network", "email-security"};
// The certification each product's leads need (see rules/demo/policy.toml).
constexpr const char* kCertifications[] = {"fw-pro", "ep-pro", "siem-expert", "",
                                           "cloud-architect", "", ""};
constexpr const char* kIndustries[] = {"manufacturing", "finance", "healthcare", "retail",
                                       "public", "education", "technology", "energy"};
constexpr const char* kTiers[] = {"registered", "silver", "gold", "platinum"};

constexpr const char* kFreemail[] = {"gmail.com", "web.de", "outlook.com",
                                     "yahoo.co.uk", "gmx.de", "hotmail.fr"};

std::string Fill(const char* pattern, std::mt19937_64& rng) {
  std::string out;
  for (const char* p = pattern; *p; ++p) {
    out.push_back(*p == '#' ? static_cast<char>('0' + rng() % 10) : *p);
  }
  return out;
}

std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c + 32));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

}  // namespace

Generator::Generator(GeneratorOptions options) : options_(options) {}

std::string Generator::Word(std::mt19937_64& rng) const {
  std::string w;
  const int parts = 2 + static_cast<int>(rng() % 2);
  for (int i = 0; i < parts; ++i) {
    w += kSyllables[rng() % std::size(kSyllables)];
  }
  w[0] = static_cast<char>(w[0] - 32);
  return w;
}

Generator::Customer Generator::CustomerFor(std::uint64_t n) const {
  std::mt19937_64 rng(options_.seed * 0x9E3779B97F4A7C15ULL + n);
  const Country& c = kCountries[rng() % std::size(kCountries)];
  Customer out;
  // A unique core: a made-up word plus the customer number in base 36 keeps
  // a million names distinct while reading like names.
  std::string core = Word(rng);
  std::uint64_t id = n;
  std::string tag;
  do {
    tag.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[id % 36]);
    id /= 36;
  } while (id > 0);
  core += tag;
  out.name = core + " " + kSecondWords[rng() % std::size(kSecondWords)];
  out.legal_form = c.forms[rng() % 3];
  out.country = c.code;
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  out.domain = u < options_.shared_domain_share
                   ? "globalgroup" + std::to_string(n % 50) + "." + c.tld
                   : Slug(core) + "." + c.tld;
  const double v = std::uniform_real_distribution<double>(0, 1)(rng);
  if (v < options_.phone_share) {
    std::mt19937_64 phone_rng(
        v < options_.switchboard_share ? n % 97 : options_.seed + n * 7919);
    out.phone = Fill(c.phone_format, phone_rng);
  }
  return out;
}

Opportunity Generator::OpportunityFor(std::uint64_t n) {
  const Customer c = CustomerFor(n);
  std::mt19937_64 rng(options_.seed ^ (n * 0xD1B54A32D192ED03ULL));
  Opportunity o;
  o.id = "opp-" + std::to_string(n);
  o.owner.kind = rng() % 5 == 0 ? OwnerKind::kDirect : OwnerKind::kPartner;
  o.owner.id = (o.owner.kind == OwnerKind::kDirect ? "rep-" : "partner-") +
               std::to_string(rng() % options_.partners);
  o.party.company = c.name + " " + c.legal_form;
  o.party.domain = c.domain;
  const std::string first = kFirstNames[rng() % std::size(kFirstNames)];
  const std::string last = kLastNames[rng() % std::size(kLastNames)];
  o.party.first_name = first;
  o.party.last_name = last;
  const bool freemail =
      std::uniform_real_distribution<double>(0, 1)(rng) < options_.freemail_share;
  o.party.email = Lower(Slug(first) + "." + Slug(last)) + "@" +
                  (freemail ? kFreemail[rng() % std::size(kFreemail)] : c.domain);
  o.party.phone = c.phone;
  o.party.country = c.country;
  o.products = {rng() % 2 ? "cloud" : "network"};
  o.amount = static_cast<double>(1000 + rng() % 100000);
  return o;
}

Opportunity Generator::VariantOf(std::uint64_t n) {
  const Customer c = CustomerFor(n);
  std::mt19937_64 rng((options_.seed + n * 31337) ^ 0xA5A5A5A5DEADBEEFULL);
  Opportunity o;
  o.id = "deal-" + std::to_string(n) + "-" + std::to_string(rng() % 1000);
  o.owner = {OwnerKind::kPartner, "partner-" + std::to_string(rng() % options_.partners)};
  const Country* country = nullptr;
  for (const auto& k : kCountries) {
    if (c.country == k.code) country = &k;
  }
  std::string form = c.legal_form;
  for (int i = 0; i < 3; ++i) {
    if (form == country->forms[i] && rng() % 2) form = country->form_variants[i];
  }
  std::string name = c.name + " " + form;
  switch (rng() % 4) {
    case 0: name = Lower(name); break;
    case 1: name = "The " + name; break;
    default: break;
  }
  o.party.company = name;
  switch (rng() % 3) {
    case 0: o.party.domain = "https://www." + c.domain + "/en/contact"; break;
    case 1: o.party.email = "sales+" + std::to_string(rng() % 100) + "@" + c.domain; break;
    default: break;  // the name (and phone) alone
  }
  if (!c.phone.empty() && rng() % 2) o.party.phone = c.phone;
  o.party.country = c.country;
  o.products = {"cloud"};
  return o;
}

Partner Generator::PartnerFor(std::uint64_t n) const {
  std::mt19937_64 rng(options_.seed * 0xA24BAED4963EE407ULL + n * 0x9FB21C651E98DF25ULL);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  const std::size_t ci = rng() % std::size(kCountries);
  const Country& c = kCountries[ci];
  const Region& region = kRegions[ci];
  Partner p;
  p.id = "partner-" + std::to_string(n);
  std::string name = Word(rng);
  p.name = name + " " + kSecondWords[rng() % std::size(kSecondWords)] + " " + c.forms[0];
  const double t = uniform(0, 1);
  p.tier = kTiers[t < 0.5 ? 0 : t < 0.8 ? 1 : t < 0.95 ? 2 : 3];
  p.active = uniform(0, 1) >= 0.05;
  const double shape = uniform(0, 1);
  if (shape < 0.6) {
    p.territories.push_back(c.code);
  } else if (shape < 0.85) {
    p.territories.push_back(region.subdivisions[rng() % 3]);
    if (rng() % 2) p.territories.push_back(region.subdivisions[rng() % 3]);
  } else {
    // Postal prefixes: the country's format with its first one or two
    // digits, as a regional reseller covers its area.
    const std::string postal = Fill(c.postal_format, rng);
    std::string prefix;
    const std::size_t want = 1 + rng() % 2;
    for (char ch : postal) {
      const bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z');
      if (alnum && prefix.size() < want) prefix.push_back(ch);
    }
    if (prefix.empty()) prefix = "1";
    p.territories.push_back(std::string(c.code) + ":" + prefix);
  }
  if (uniform(0, 1) < 0.02) {
    // A few named accounts: customers this partner owns anywhere.
    for (int i = 0; i < 3; ++i) p.accounts.push_back(CustomerFor(rng() % 1000000).domain);
  }
  const int products = 2 + static_cast<int>(rng() % 3);
  for (int i = 0; i < products; ++i) {
    const std::size_t k = rng() % std::size(kProducts);
    if (std::find(p.products.begin(), p.products.end(), kProducts[k]) != p.products.end()) continue;
    p.products.push_back(kProducts[k]);
    if (*kCertifications[k] != '\0' && uniform(0, 1) < 0.7) {
      p.certifications.push_back(kCertifications[k]);
    }
  }
  const int industries = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < industries; ++i) {
    const char* industry = kIndustries[rng() % std::size(kIndustries)];
    if (std::find(p.industries.begin(), p.industries.end(), industry) == p.industries.end()) {
      p.industries.push_back(industry);
    }
  }
  p.languages.push_back(region.language);
  if (std::string_view(region.language) != "en" && rng() % 2) p.languages.push_back("en");
  if (uniform(0, 1) >= 0.1) p.capacity = static_cast<std::uint32_t>(10 + rng() % 190);
  p.performance = {{"win_rate", std::round(uniform(0.05, 0.5) * 100) / 100},
                   {"accept_rate", std::round(uniform(0.5, 0.98) * 100) / 100},
                   {"avg_response_hours", std::round(uniform(1, 72))}};
  return p;
}

Lead Generator::LeadFor(std::uint64_t n) const {
  const Customer c = CustomerFor(n);
  std::mt19937_64 rng(options_.seed ^ (n * 0xC2B2AE3D27D4EB4FULL) ^ 0x5851F42D4C957F2DULL);
  std::size_t ci = 0;
  for (std::size_t i = 0; i < std::size(kCountries); ++i) {
    if (c.country == kCountries[i].code) ci = i;
  }
  Lead lead;
  lead.id = "lead-" + std::to_string(n);
  lead.party.company = c.name + " " + c.legal_form;
  lead.party.domain = c.domain;
  const std::string first = kFirstNames[rng() % std::size(kFirstNames)];
  const std::string last = kLastNames[rng() % std::size(kLastNames)];
  lead.party.first_name = first;
  lead.party.last_name = last;
  lead.party.email = Lower(Slug(first) + "." + Slug(last)) + "@" + c.domain;
  lead.party.country = c.country;
  lead.party.region = kRegions[ci].subdivisions[rng() % 3];
  lead.party.postal_code = Fill(kCountries[ci].postal_format, rng);
  lead.party.city = kCountries[ci].city;
  lead.industry = kIndustries[rng() % std::size(kIndustries)];
  // Company sizes are heavy-tailed: log-uniform from 5 to 50,000.
  lead.employees = std::round(std::exp(std::uniform_real_distribution<double>(
      std::log(5.0), std::log(50000.0))(rng)));
  lead.products.push_back(kProducts[rng() % std::size(kProducts)]);
  if (rng() % 4 == 0) lead.products.push_back(kProducts[rng() % std::size(kProducts)]);
  if (lead.products.size() == 2 && lead.products[0] == lead.products[1]) lead.products.pop_back();
  lead.language = kRegions[ci].language;
  lead.source = rng() % 2 ? "webinar" : "website";
  return lead;
}

}  // namespace leadroute::gen
