// Deals: the opportunity index behind a reader/writer lock, and the check
// and register decisions made on it.
#ifndef LEADROUTE_ENGINE_DEALS_H_
#define LEADROUTE_ENGINE_DEALS_H_

#include <shared_mutex>
#include <string_view>
#include <vector>

#include "index/features.h"
#include "index/opportunity_index.h"
#include "leadroute/engine.h"

namespace leadroute {

class Engine::Deals {
 public:
  Deals(const Normalizer* normalizer, EngineOptions options);

  ConflictPolicy policy() const;
  // Replaces the conflict policy (a rule set's [conflict]); checks already
  // running finish under the old one.
  void SetPolicy(const ConflictPolicy& policy);

  Status Upsert(const Opportunity& opp, bool* created);
  std::vector<Status> UpsertMany(const std::vector<Opportunity>& opps,
                                 std::size_t* created);
  Status Close(std::string_view id, OpportunityStatus status);
  std::optional<Opportunity> Get(std::string_view id) const;
  CheckResult Check(const Opportunity& deal) const;
  // Check() with the deal's features already extracted (Features()).
  CheckResult Check(const Opportunity& deal, const index::Features& features) const;
  // The features Check() extracts from a party.
  index::Features Features(const Party& party) const;
  Result<RegisterResult> Register(Opportunity deal);
  void Count(std::size_t* stored, std::size_t* active) const;

 private:
  // Matches of the deal at or above the review threshold, best first;
  // *possible (when not null) receives those below the conflict threshold.
  // REQUIRES: mu_ held (shared or exclusive).
  CheckResult CheckLocked(const Opportunity& deal, const index::Features& f,
                          std::int64_t now, std::vector<Match>* possible) const;

  const Normalizer* normalizer_;
  EngineOptions options_;  // options_.conflict guarded by mu_
  mutable std::shared_mutex mu_;
  index::OpportunityIndex index_;  // guarded by mu_
};

// InvalidArgument when a stored record lacks what CONTRACT §3 requires.
Status ValidateOpportunity(const Opportunity& opp, std::string_view prefix);

}  // namespace leadroute

#endif  // LEADROUTE_ENGINE_DEALS_H_
