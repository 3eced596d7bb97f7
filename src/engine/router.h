// Router: the rule set in force, the routing state (each partner's load and
// counters, each routed lead's assignment, the round-robin position), and
// the route decision made on them.
//
// Routing a lead is two steps. Prepare() reads only the immutable rule set
// and the opportunity index: owner match, territory candidates, the static
// filters and the lead-dependent part of each score. Decide() then takes the
// state lock and applies what depends on state (declines, capacity, load,
// observed accept rates, round robin), selects, and records. route_batch
// runs Prepare() in parallel and Decide() in order, so it answers exactly
// what routing one by one would; the calling thread decides each chunk of
// leads as soon as it is prepared, while other threads prepare the next.
#ifndef LEADROUTE_ENGINE_ROUTER_H_
#define LEADROUTE_ENGINE_ROUTER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <tsl/robin_map.h>

#include "engine/deals.h"
#include "leadroute/change_log.h"
#include "leadroute/engine.h"
#include "rules/rule_set.h"

namespace leadroute {

class Engine::Router {
 public:
  Router(const Normalizer* normalizer, Deals* deals, ConflictPolicy base_conflict,
         std::function<std::int64_t()> now);

  Result<RulesInfo> Load(const std::string& dir);
  // The rule set in force, or null.
  std::shared_ptr<const rules::RuleSet> Current() const;
  Result<RulesInfo> Reload();

  // A lead given as an rvalue is moved into its recorded decision.
  Result<RouteResult> Route(const Lead& lead, const RouteOptions& options) {
    return RouteOne(lead, options, nullptr);
  }
  Result<RouteResult> Route(Lead&& lead, const RouteOptions& options) {
    return RouteOne(lead, options, &lead);
  }
  std::vector<Result<RouteResult>> RouteBatch(const std::vector<Lead>& leads,
                                              const RouteOptions& options) {
    return RouteMany(leads, options, nullptr);
  }
  std::vector<Result<RouteResult>> RouteBatch(std::vector<Lead>&& leads,
                                              const RouteOptions& options) {
    return RouteMany(leads, options, &leads);
  }
  Status Feedback(std::string_view lead_id, std::string_view partner_id,
                  LeadOutcome outcome, std::optional<RouteResult>* rerouted);

  Result<bool> UpsertPartner(const Partner& partner);
  Status RemovePartner(std::string_view id);
  std::optional<Partner> GetPartner(std::string_view id) const;
  Result<PartnerStats> Stats(std::string_view id) const;
  // The figures of up to `limit` partners with ids after `after`, in id
  // order: the rule set's partners and any other with leads routed to it.
  // *more says whether partners remain past the last.
  std::vector<PartnerStats> StatsPage(std::string_view after, std::size_t limit,
                                      bool* more) const;
  void Totals(EngineStats* stats) const;
  // One partner's figures. REQUIRES: state_mu_ held (shared).
  PartnerStats StatsOf(const rules::RuleSet* rs, std::string_view id) const;

  // Every later change goes to `log` first (null: none). REQUIRES: no
  // writer running.
  void SetLog(ChangeLog* log) { log_ = log; }
  // Applies a logged routing change (not logged again).
  Status Replay(const Change& change);
  // The routing state, and the log position of the cut.
  RoutingState Save(std::uint64_t* position) const;
  // Replaces the routing state; partner changes in it apply on top of the
  // rule set loaded. Errors: those of compiling the partners.
  Status Restore(const RoutingState& state);

 private:
  struct PartnerState {
    std::uint64_t received = 0, open = 0, accepted = 0, declined = 0, closed = 0;
    // routed_ when it last received a lead (0: never): tied partners take
    // turns, the one that waited longest first.
    std::uint64_t last_routed = 0;
  };
  static bool HadLeads(const PartnerState& s) { return s.received > 0 || s.open > 0; }
  // Whether a partner holds as many open leads as its capacity allows,
  // where the policy enforces capacities.
  static bool AtCapacity(const rules::Policy& policy, const rules::PackedPartner& pp,
                         const PartnerState& state) {
    return policy.enforce_capacity && pp.has_capacity && state.open >= pp.capacity;
  }
  // Its open leads over its capacity (0 without one): what the score's
  // load term weighs.
  static double Load(const rules::PackedPartner& pp, const PartnerState& state) {
    return pp.has_capacity && pp.capacity > 0 ? static_cast<double>(state.open) / pp.capacity
                                              : 0;
  }
  // A routed lead: as snapshots hold it (leadroute/change_log.h).
  using Assignment = RoutingState::Assignment;
  // A rule set with the state of each of its partners, by index.
  struct Active {
    std::shared_ptr<const rules::RuleSet> rules;
    std::vector<PartnerState*> states;
  };
  // A partner that passed every filter, with its score.
  struct Scored {
    std::uint32_t partner;
    const rules::TerritoryList* list;  // where it was found
    double lead_terms;  // from CapabilityFilter()
    double score;
  };
  // What Prepare() found; see the file comment.
  struct Plan {
    Status status;
    std::shared_ptr<const rules::RuleSet> rules;
    rules::LeadFacts facts;
    std::optional<Match> owner;
    std::vector<const rules::TerritoryList*> lists;  // most specific first
    std::vector<std::uint64_t> product_bits, cert_bits;
    // With products = "any": per product of the lead that needs
    // certifications, those; a partner needs them only for the products it
    // carries (cert_bits is then empty).
    std::vector<std::pair<std::uint32_t, std::vector<std::uint64_t>>> certs_per_product;
    // The lead's industry and language ids (-1: none, or no partner's).
    std::int32_t industry = -1, language = -1;
    bool products_known = true;
    // With products = "all": the lead's product ids, whose partner lists
    // Decide() walks instead of whole territory lists; else empty.
    std::vector<std::uint32_t> walk_products;
    int min_rank = 0;
    std::vector<std::size_t> applying;  // the conditional rules that apply
    // The most the lead's industry, language and boost rules can add.
    double lead_bound = 0;
    std::string no_candidates;  // why nobody was a candidate at all
    // An owner passed over (an inactive partner), said first in the reasons.
    std::string owner_passed;
  };
  enum Filter : std::uint8_t {
    kPass, kInactive, kTier, kProducts, kCertifications, kIndustry, kLanguage,
    kRules, kDeclined, kCapacity, kFilterCount
  };

  // `rules`: the rule set in force (Current()), or null.
  Plan Prepare(const Lead& lead, const std::vector<std::string>& declined,
               std::shared_ptr<const rules::RuleSet> rules) const;
  // Changes nothing; *round_robin receives the round-robin position after
  // this decision. Threads may decide at once. REQUIRES: state_mu_ held,
  // shared or exclusive.
  RouteResult Decide(const Lead& lead, Plan& plan, const RouteOptions& options,
                     const std::vector<std::string>& declined,
                     std::uint64_t* round_robin) const;
  // Route() and RouteBatch(). `take`: null, or the very lead(s) given,
  // which a recorded decision may then move from (each after its last
  // use).
  Result<RouteResult> RouteOne(const Lead& lead, const RouteOptions& options, Lead* take);
  std::vector<Result<RouteResult>> RouteMany(const std::vector<Lead>& leads,
                                             const RouteOptions& options,
                                             std::vector<Lead>* take);
  // Logs a decision, then applies it (ApplyRoute). REQUIRES: state_mu_ held.
  Status Record(const Lead& lead, const RouteResult& result,
                const std::vector<std::string>& declined, std::uint64_t round_robin,
                std::int64_t now, Lead* take = nullptr);
  // What a decision changes: counters, the assignment, the round-robin
  // position. `take`: null, or `lead` itself, moved into the assignment
  // (instead of copied: ~2,000 instructions a route); `lead` is not read
  // after. REQUIRES: state_mu_ held.
  void ApplyRoute(const Lead& lead, const RouteResult& result,
                  const std::vector<std::string>& declined, std::uint64_t round_robin,
                  Lead* take = nullptr);
  // What a partner's answer changes. REQUIRES: state_mu_ held.
  void ApplyFeedback(Assignment& a, LeadOutcome outcome);
  // A repeated route of an open lead: its first answer.
  static RouteResult Repeat(const Assignment& a, const RouteOptions& options);
  // With `lock` (on state_mu_) held: brings *plan up to the lead's declines,
  // which another caller may have changed since it was prepared (routed the
  // lead, and its partner declined it), preparing again without the lock.
  // *open: the lead's assignment if another caller routed it meanwhile
  // (its answer stands), else null. A Prepare() error returns with the
  // lock released.
  template <typename Lock>
  Status Settle(const Lead& lead, std::vector<std::string>* declined, Plan* plan, Lock& lock,
                const Assignment** open);
  // The filters that do not depend on state, in their order: kPass, or the
  // one that failed. BasicFilter() reads the packed record (active, tier,
  // products); CapabilityFilter() the rest (certifications, industry,
  // language, rules) and sets *lead_terms to what the lead's industry,
  // language and boost rules add to this partner's score.
  // (Inlined into the walk, which calls them per partner: as calls of
  // their own they cost a dry route ~2% more instructions, a recording
  // one ~4%.)
  [[gnu::always_inline]] static inline Filter BasicFilter(const rules::RuleSet& rs,
                                                          const Plan& plan,
                                                          std::uint32_t partner);
  [[gnu::always_inline]] static inline Filter CapabilityFilter(const rules::RuleSet& rs,
                                                               const Plan& plan,
                                                               std::uint32_t partner,
                                                               double* lead_terms);
  // The partner's score for this lead with state, and its factors when
  // `factors` is not null. REQUIRES: state_mu_ held.
  double Score(const rules::RuleSet& rs, const Plan& plan, std::uint32_t partner,
               float specificity, double lead_terms, const PartnerState& state,
               std::vector<std::pair<std::string, double>>* factors) const;
  // The accept rate scored for a partner: observed once there are enough
  // outcomes, else the file's.
  static double AcceptRate(const rules::RuleSet& rs, const rules::PackedPartner& pp,
                           const PartnerState& state);
  // Raises accept_uplift_ for the partner's current rate. REQUIRES: state_mu_.
  void NoteAcceptRate(std::string_view partner_id);
  // Swaps in a compiled rule set. REQUIRES: rules_mu_ held.
  RulesInfo Install(std::shared_ptr<const rules::RuleSet> rs);
  // The conflict policy with `rs`: base_conflict_ with the keys of its
  // [conflict] laid over. InvalidRules when the two together make a review
  // threshold above the conflict threshold.
  Result<ConflictPolicy> ConflictWith(const rules::RuleSet& rs) const;
  // Applies overlay_ to `partners`. REQUIRES: rules_mu_ held.
  void ApplyOverlay(std::vector<Partner>* partners) const;
  // REQUIRES: state_mu_ held exclusively.
  PartnerState& StateOf(std::string_view partner_id);
  // The partner's state, or a fresh one's (nothing kept) if it has none.
  // REQUIRES: state_mu_ held.
  const PartnerState& PeekState(std::string_view partner_id) const;
  // The lead's assignment, created empty if none. REQUIRES: state_mu_ held.
  Assignment& AssignmentOf(const std::string& lead_id);

  const Normalizer* normalizer_;
  Deals* deals_;
  const ConflictPolicy base_conflict_;  // without a rule set's [conflict]
  const std::function<std::int64_t()> now_;
  ChangeLog* log_ = nullptr;

  // Writers of the rule set (load, reload, partner changes) take rules_mu_;
  // readers copy the shared_ptr under state_mu_ (active_).
  mutable std::mutex rules_mu_;
  std::string dir_;
  std::vector<std::pair<std::string, std::optional<Partner>>> overlay_;  // by rules_mu_
  // Adds a partner's change (nullopt: its removal) to overlay_.
  // REQUIRES: rules_mu_ held.
  void NoteOverlay(std::string_view id, std::optional<Partner> change);

  // Dry runs decide under a shared hold, so that concurrent dry routes
  // (pipelined reads on two threads, several connections) run at once;
  // everything that changes state holds it exclusively.
  mutable std::shared_mutex state_mu_;
  Active active_;  // guarded by state_mu_
  tsl::robin_map<std::string, std::unique_ptr<PartnerState>> states_;
  // By pointer: growing the table moves pointers, not assignments.
  tsl::robin_map<std::string, std::unique_ptr<Assignment>> assignments_;
  std::uint64_t round_robin_ = 0;
  // How far any partner's scored accept rate has risen above its file rate,
  // weighted (never less than 0): the slack pruning allows for it.
  double accept_uplift_ = 0;
  std::uint64_t routed_ = 0, unassigned_ = 0, open_ = 0;
};

}  // namespace leadroute

#endif  // LEADROUTE_ENGINE_ROUTER_H_
