// Policy: the TOML half of a rule set (`rules/<name>/policy.toml`), as
// written by an engineer and reviewed in git. See rules/README.md for every
// key; rules/demo/policy.toml is a worked example.
#ifndef LEADROUTE_RULES_POLICY_H_
#define LEADROUTE_RULES_POLICY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadroute/conflict_policy.h"
#include "leadroute/status.h"

namespace leadroute::rules {

enum class PredicateOp : std::uint8_t { kEq, kIn, kRange, kPrefix, kHasAny, kHasAll };

// A test of one lead or partner field. Which fields exist, and which
// operators each takes, is in predicate.h.
struct Predicate {
  std::string field;  // "country", "employees", "tier", "performance.win_rate"
  PredicateOp op = PredicateOp::kEq;
  std::vector<std::string> values;  // eq (one), in, prefix, has_any, has_all
  std::optional<double> number;     // eq on a number field
  std::optional<double> min, max;   // range, inclusive
  // Set by validation (predicate.h): which field of the subject it reads.
  std::uint8_t field_id = 0;
  std::string metric;  // "performance.win_rate" -> "win_rate"
};

enum class RuleAction : std::uint8_t { kRequire, kExclude, kBoost };

// When the lead matches every `when` predicate: require (or exclude) the
// partners matching every `partner` predicate, or add `boost` to their score.
struct ConditionalRule {
  std::string name;
  std::vector<Predicate> when;     // over the lead
  RuleAction action = RuleAction::kRequire;
  std::vector<Predicate> partner;  // over the partner
  double boost = 0;
};

struct SizeBand {
  double min_employees = 0;
  std::string min_tier;  // leads this size go to this tier and up only
};

enum class ProductMatch : std::uint8_t { kAll, kAny, kIgnore };
enum class Preference : std::uint8_t { kRequire, kPrefer, kIgnore };
enum class SelectionMode : std::uint8_t { kBest, kWeightedRandom, kRoundRobin };

struct Policy {
  std::string version;  // [ruleset] version; reported by reload_rules

  // Tiers, lowest first, and each one's score (default: evenly 0..1).
  std::vector<std::string> tiers = {"registered", "silver", "gold", "platinum"};
  std::vector<double> tier_scores;  // parallel to tiers
  std::vector<SizeBand> size_bands;

  // Territory specificity: what each kind of covering territory scores.
  double territory_country = 0.25;
  double territory_subdivision = 0.5;
  double territory_postal = 0.75;  // plus 0.05 per prefix digit, up to 1
  double territory_account = 1.0;

  // Capability.
  ProductMatch products = ProductMatch::kAll;
  std::vector<std::pair<std::string, std::vector<std::string>>> certifications;
  Preference industry = Preference::kPrefer;
  Preference language = Preference::kPrefer;

  std::vector<ConditionalRule> rules;

  // Scoring: weights of the factors a partner's score is the sum of.
  std::vector<std::pair<std::string, double>> performance_weights = {
      {"win_rate", 1.0}, {"accept_rate", 0.5}, {"avg_response_hours", -0.01}};
  double weight_load = -1.0;  // x open leads / capacity
  double weight_tier = 0.5;
  double weight_territory = 0.5;
  double weight_manual = 1.0;
  double weight_industry = 0.2;
  double weight_language = 0.2;
  // Observed accept rate (accepted / (accepted + declined)) replaces the
  // file's once a partner has this many outcomes; 0: never.
  std::uint32_t observed_accept_after = 20;

  // Selection.
  SelectionMode mode = SelectionMode::kBest;
  std::uint32_t top_k = 3;
  std::uint64_t seed = 1;
  bool enforce_capacity = true;
  std::string fallback_partner;  // takes what nobody fits; empty: unassigned
  std::string fallback_where;    // "FILE:LINE:COL" of fallback_partner

  // Deal conflicts: the keys the policy's [conflict] sets, laid over a base
  // (the engine's, from --config's [conflict]; see ConflictOver): those it
  // leaves out keep the base's values. Null without [conflict].
  std::function<void(ConflictPolicy*)> conflict_over;
  std::string conflict_where;  // "FILE:LINE:COL" of [conflict]

  // `base` with this policy's [conflict] laid over, key by key; *problem
  // says how their thresholds do not fit together ("review_threshold 0.85
  // exceeds conflict_threshold 0.75"), empty when they do.
  ConflictPolicy ConflictOver(ConflictPolicy base, std::string* problem) const;

  // The tier's index in `tiers`; -1 if unknown. Empty means the lowest.
  int TierRank(std::string_view tier) const;
};

// Parses policy TOML. `name` stands for the file in messages. On error the
// status message holds every problem found, one `FILE:LINE:COL: message` per
// line: syntax, unknown keys, wrong types, unknown ISO 3166 codes, unknown
// tiers, impossible ranges. With `tiers`, a policy whose [tiers] section
// reads cleanly puts its tiers there even when other sections have errors,
// so that partners can still be checked against them.
Result<Policy> ParsePolicy(std::string_view text, std::string_view name,
                           std::optional<std::vector<std::string>>* tiers = nullptr);

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_POLICY_H_
