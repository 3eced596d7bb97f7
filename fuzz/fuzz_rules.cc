// A rule set from outside: policy TOML and partners JSON Lines, split at the
// first "\n---\n". Parsing, validation and compilation must never crash,
// hang or grow without bound; a rule set that compiles must route.
#include <string_view>

#include "fuzz_util.h"
#include "leadroute/partner.h"
#include "rules/partners_file.h"
#include "rules/policy.h"
#include "rules/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = in.find("\n---\n");
  const std::string_view policy_text = in.substr(0, cut);
  const std::string_view partners_text =
      cut == std::string_view::npos ? std::string_view() : in.substr(cut + 5);
  using namespace leadroute;
  auto policy = rules::ParsePolicy(policy_text, "policy.toml");
  std::vector<Partner> partners;
  std::vector<rules::PartnerSource> sources;
  const Status parsed =
      rules::ParsePartnersJsonl(partners_text, "partners.jsonl", &partners, &sources);
  if (!policy.ok() || !parsed.ok()) return 0;
  const auto& normalizer = fuzz::SharedNormalizer();
  auto rs = rules::RuleSet::Compile(std::move(*policy), std::move(partners), sources, normalizer);
  if (!rs.ok()) {
    if (rs.status().message().empty()) std::abort();  // errors say what is wrong
    return 0;
  }
  fuzz::CheckCovering(**rs, normalizer);
  return 0;
}
