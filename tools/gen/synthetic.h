// Synthetic channel-sales data: companies with legal forms of many
// countries, spelling variants, shared domains, free-mail contacts and
// phones in national formats. Deterministic for a seed. Used by the
// benchmarks and by `leadroute-gen`.
#ifndef LEADROUTE_TOOLS_GEN_SYNTHETIC_H_
#define LEADROUTE_TOOLS_GEN_SYNTHETIC_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "leadroute/opportunity.h"
#include "leadroute/partner.h"

namespace leadroute::gen {

struct GeneratorOptions {
  std::uint64_t seed = 42;
  double freemail_share = 0.10;    // contacts with a gmail/web.de/... address
  double shared_domain_share = 0.01;  // subsidiaries under a group's domain
  double switchboard_share = 0.01;    // companies sharing one phone
  double phone_share = 0.6;           // records with a phone at all
  std::size_t partners = 2000;
};

class Generator {
 public:
  explicit Generator(GeneratorOptions options = {});

  // The n-th customer's opportunity (the same n gives the same record).
  Opportunity OpportunityFor(std::uint64_t n);
  // A deal for customer n as another partner would spell it: another legal
  // form spelling, case, "The", URL instead of domain, +tags, other contact.
  Opportunity VariantOf(std::uint64_t n);

  // The n-th partner of a channel program spread over the generator's
  // twelve countries: territories by country, subdivision or postal prefix
  // (a few named accounts), tiers, products, certifications, industries,
  // languages, capacity and performance. Ids are "partner-<n>".
  Partner PartnerFor(std::uint64_t n) const;
  // A lead from marketing for customer n: its company, domain and contact,
  // a subdivision and postal code, industry, size, products and language.
  Lead LeadFor(std::uint64_t n) const;

 private:
  struct Customer {
    std::string name;        // without legal form
    std::string legal_form;  // as written
    std::string country;
    std::string domain;
    std::string phone;       // national format, may be empty
  };
  Customer CustomerFor(std::uint64_t n) const;
  std::string Word(std::mt19937_64& rng) const;

  GeneratorOptions options_;
};

}  // namespace leadroute::gen

#endif  // LEADROUTE_TOOLS_GEN_SYNTHETIC_H_
