// Partners from a CSV file (a PRM's or a spreadsheet's export): parsing,
// validation and compilation under a default policy must never crash, hang
// or grow without bound; every error names its line and column; a rule set
// that compiles must route.
#include <cstdlib>
#include <string_view>

#include "fuzz_util.h"
#include "leadroute/partner.h"
#include "rules/partners_file.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace leadroute;
  std::vector<Partner> partners;
  std::vector<rules::PartnerSource> sources;
  const Status parsed = rules::ParsePartnersCsv(text, "partners.csv", &partners, &sources);
  if (!parsed.ok()) {
    if (!std::string_view(parsed.message()).starts_with("partners.csv:")) std::abort();
    return 0;
  }
  if (partners.size() != sources.size()) std::abort();
  for (const auto& p : partners) {
    if (p.id.empty()) std::abort();
  }
  auto policy = rules::ParsePolicy("", "policy.toml");
  if (!policy.ok()) std::abort();
  const auto& normalizer = fuzz::SharedNormalizer();
  auto rs = rules::RuleSet::Compile(std::move(*policy), std::move(partners), sources, normalizer);
  if (!rs.ok()) {
    if (!std::string_view(rs.status().message()).starts_with("partners.csv:")) std::abort();
    return 0;
  }
  fuzz::CheckCovering(**rs, normalizer);
  return 0;
}
