// Shared setup of the fuzz targets: one Normalizer for the process.
#ifndef LEADROUTE_FUZZ_FUZZ_UTIL_H_
#define LEADROUTE_FUZZ_FUZZ_UTIL_H_

#include <cstdlib>
#include <string_view>

#include "leadroute/normalizer.h"
#include "leadroute/partner.h"
#include "rules/rule_set.h"

namespace leadroute::fuzz {

inline const Normalizer& SharedNormalizer() {
  static const Normalizer* n = [] {
    auto made = Normalizer::Create();
    if (!made.ok()) std::abort();
    return made->release();
  }();
  return *n;
}

// Splits fuzz input at the first '\t' into two fields (e.g. value, country).
inline void SplitTwo(std::string_view in, std::string_view* a,
                     std::string_view* b) {
  const auto tab = in.find('\t');
  *a = in.substr(0, tab);
  *b = tab == std::string_view::npos ? std::string_view() : in.substr(tab + 1);
}

// A key must be printable ASCII: it goes into JSON and into hash indexes.
inline void CheckKey(std::string_view key) {
  if (key.empty() || key.size() > 4096) std::abort();
  for (char c : key) {
    if (c < 0x20 || c >= 0x7F) std::abort();
  }
}

// A compiled rule set must route: a lead in DE-BY, 80331, at acme.de,
// wanting cloud, finds only partners of the rule set.
inline void CheckCovering(const rules::RuleSet& rs, const Normalizer& normalizer) {
  Lead lead;
  lead.id = "l";
  lead.party.country = "DE";
  lead.party.region = "DE-BY";
  lead.party.postal_code = "80331";
  lead.party.domain = "acme.de";
  lead.products = {"cloud"};
  lead.employees = 5000;
  const rules::LeadFacts facts = rs.Facts(lead, normalizer);
  std::vector<rules::TerritoryHit> hits;
  rs.Covering(facts, &hits);
  for (const auto& h : hits) {
    if (h.partner >= rs.partners().size()) std::abort();
  }
}

}  // namespace leadroute::fuzz

#endif  // LEADROUTE_FUZZ_FUZZ_UTIL_H_
