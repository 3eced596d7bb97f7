// Engine: everything leadroute knows and decides, with no network attached.
//
// The protocol layer decodes requests into calls on an Engine; `leadroute
// pipe` and `leadroute serve` both drive the same Engine through the same
// dispatcher.
//
// Thread safety: every method may be called from any thread. Reads (check,
// get) run concurrently; writes (upsert, close, register) are serialized, and
// register's check-then-insert is one atomic step.
#ifndef LEADROUTE_ENGINE_H_
#define LEADROUTE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/change_log.h"
#include "leadroute/conflict_policy.h"
#include "leadroute/normalizer.h"
#include "leadroute/opportunity.h"
#include "leadroute/partner.h"
#include "leadroute/routing.h"
#include "leadroute/status.h"

namespace leadroute {

// The version answered by `ping` and `--version`.
std::string_view Version();

struct EngineOptions {
  ConflictPolicy conflict;
  // Region hint for national phone numbers of parties without a country
  // (ISO 3166-1 alpha-2; empty: none, only "+..." numbers match).
  std::string default_country;
  // The clock, in seconds since the epoch; tests replace it.
  std::function<std::int64_t()> now;
};

struct EngineStats {
  std::size_t opportunities = 0;  // stored, any status
  std::size_t active = 0;         // open or pending, unexpired
  std::size_t partners = 0;
  std::string rules_version;      // empty: no rule set loaded
  std::uint64_t leads_routed = 0;    // routed to a partner or an owner, ever
  std::uint64_t leads_unassigned = 0;
  std::uint64_t leads_open = 0;      // assigned to a partner, not closed or declined
  // Outcomes partners reported (lead_feedback), summed over partners.
  std::uint64_t leads_accepted = 0;
  std::uint64_t leads_declined = 0;
  std::uint64_t leads_closed = 0;
  // The opportunity index's memory, as allocated: packed records (live and
  // replaced ones not yet reclaimed), the slot array, histories, and the
  // postings: buckets, and the lists of keys under several opportunities.
  std::size_t record_bytes = 0;
  std::size_t record_live_bytes = 0;  // of those, the current records'
  std::size_t slot_bytes = 0;
  std::size_t history_bytes = 0;
  std::size_t posting_bytes = 0;       // buckets
  std::size_t posting_list_bytes = 0;  // lists
  std::size_t posted_keys = 0;  // distinct keys posted (keys sharing a tag count once)
};

// What a (re)loaded rule set holds.
struct RulesInfo {
  std::string version;
  std::size_t partners = 0;
  // What loaded but is likely a mistake (`FILE:LINE:COL: warning: ...`, as
  // `leadroute lint` prints it): a partner key no field reads, for one.
  std::vector<std::string> warnings;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(EngineOptions options = {});
  ~Engine();

  const Normalizer& normalizer() const { return *normalizer_; }
  // The match keys check derives from a party: the normalizer's, with the
  // default country (EngineOptions) as the region hint of a phone whose
  // party names no country.
  MatchKeys Keys(const Party& party) const;
  ConflictPolicy conflict_policy() const;

  // Stores an opportunity or replaces the one with its id.
  // Errors: InvalidArgument (no id, no identity, no owner id), TooLarge.
  Status UpsertOpportunity(const Opportunity& opp, bool* created);
  // Stores many at once: normalization runs in parallel (oneTBB), the
  // inserts under the writer lock a few hundred at a time (checks wait
  // for one such group at most). statuses[i] is the outcome of opps[i];
  // *created counts the new ones and (*created_each)[i] says which (none
  // when the journal fails: nothing is acknowledged).
  std::vector<Status> UpsertOpportunities(const std::vector<Opportunity>& opps,
                                          std::size_t* created,
                                          std::vector<bool>* created_each = nullptr);
  // Sets a closing status (won, lost, expired, withdrawn). NotFound if the
  // id is unknown; InvalidArgument for open or pending.
  // `actor` (optional: "api") is who closed it, for its history.
  Status CloseOpportunity(std::string_view id, OpportunityStatus status,
                          std::string_view actor = {});
  // A channel manager's decision on a registration stored pending (register
  // answered `review`): approved, it is open and protected until its
  // expires_at; rejected, it is withdrawn and matches nothing. NotFound for
  // an unknown id; InvalidArgument unless it is pending and unexpired.
  // `actor` (optional: "api") is who decided, for its history; *after is
  // the opportunity after the decision.
  Status ReviewRegistration(std::string_view id, bool approve, std::string_view actor,
                            Opportunity* after);
  std::optional<Opportunity> GetOpportunity(std::string_view id) const;
  // What happened to an opportunity, oldest first: created, updated,
  // approved, review, closed, expired, with times and actors. Nullopt if
  // there is no such opportunity.
  std::optional<std::vector<HistoryEntry>> OpportunityHistory(std::string_view id) const;
  // For disputes: the opportunities that protected this customer (matched
  // as check matches them) at time `t`, best first, whatever they are now.
  std::vector<Match> ProtectionAt(const Opportunity& customer, std::int64_t t) const;

  // Matches a deal (party + owner) against active opportunities.
  CheckResult Check(const Opportunity& deal) const;
  // Check and store as one atomic step (see RegisterStatus).
  Result<RegisterResult> Register(Opportunity deal);

  EngineStats Stats() const;

  // --- Rule sets and routing -------------------------------------------------
  // Loads the rule set in `dir` (policy.toml, partners.jsonl) and makes it
  // the one routing reads; later ReloadRules() calls read `dir` again. A
  // rule set with a [conflict] section also sets the conflict policy.
  // Errors: InvalidRules (every problem, `FILE:LINE:COL: message` per line);
  // the running rule set stays.
  Result<RulesInfo> LoadRules(const std::string& dir);
  // Whether a rule set is in force (readiness).
  bool RulesLoaded() const;
  // Reads the last loaded directory again; partners changed through
  // UpsertPartner/RemovePartner since are applied on top. Errors:
  // InvalidRules (the old rules stay), NotFound (none loaded yet).
  Result<RulesInfo> ReloadRules();

  // Routes one lead: its customer's owner if an open opportunity matches,
  // else the best eligible partner, else unassigned with the reason.
  // Errors: InvalidArgument (no id, no identity), InvalidRules (none loaded).
  Result<RouteResult> Route(const Lead& lead, const RouteOptions& options);
  // The same, for a lead the caller is done with: where the decision is
  // recorded, the lead is moved into it, not copied (left valid but
  // unspecified).
  Result<RouteResult> Route(Lead&& lead, const RouteOptions& options);
  // Routes leads in parallel (oneTBB); the results are exactly what routing
  // them one by one, in order, would give.
  std::vector<Result<RouteResult>> RouteBatch(const std::vector<Lead>& leads,
                                              const RouteOptions& options);
  // The same, moving each recorded lead as Route(Lead&&) does.
  std::vector<Result<RouteResult>> RouteBatch(std::vector<Lead>&& leads,
                                              const RouteOptions& options);
  // A partner's answer about a routed lead. Declined: the lead is routed
  // again without that partner and *rerouted holds the new result.
  // Errors: NotFound (the lead is not assigned to that partner).
  Status LeadFeedback(std::string_view lead_id, std::string_view partner_id,
                      LeadOutcome outcome, std::optional<RouteResult>* rerouted);

  Result<bool> UpsertPartner(const Partner& partner);  // true: created
  Status RemovePartner(std::string_view id);           // NotFound
  std::optional<Partner> GetPartner(std::string_view id) const;
  Result<PartnerStats> GetPartnerStats(std::string_view id) const;
  // Up to `limit` partners' figures with ids after `after`, in id order
  // (the rule set's partners and any other with leads); *more when others
  // remain.
  std::vector<PartnerStats> GetPartnerStatsPage(std::string_view after, std::size_t limit,
                                                bool* more) const;

  // --- Durability (see leadroute/change_log.h) ---------------------------------
  // Every later state change goes to `log` before it applies, and write
  // methods answer only once ChangeLog::Sync says it is durable (null: no
  // log). REQUIRES: no write running (set it before serving).
  void SetChangeLog(ChangeLog* log);
  // While a DeferSync lives on a thread, the write methods called on that
  // thread do not wait for ChangeLog::Sync; its owner calls SyncDeferred()
  // before it sends any of their answers. A connection answering a pipeline
  // of writes so waits for one sync instead of one each.
  class DeferSync {
   public:
    DeferSync();
    ~DeferSync();
    DeferSync(const DeferSync&) = delete;
    DeferSync& operator=(const DeferSync&) = delete;
    // Whether a write ran that has not been synced.
    bool pending() const { return pending_; }

   private:
    friend class Engine;
    DeferSync* outer_;
    bool pending_ = false;
  };
  // Waits until every change logged so far is durable, as a write method
  // would have. Errors as theirs: the changes may not be durable.
  Status SyncDeferred() const;
  // Applies a logged change without logging it: replay. Errors: the
  // change no longer applies (e.g. feedback for a lead not open); replay
  // reports them and goes on.
  Status Apply(const Change& change);
  // The expiry timer's step: marks expired (and logs) the open or pending
  // opportunities whose expires_at has passed, among the next `max_scan`
  // stored ones. Returns how many it expired.
  std::size_t ExpireDue(std::size_t max_scan);
  // The opportunities as opaque bytes, and the log position of the cut:
  // every change before it is in them, none after.
  void SaveOpportunities(std::string* out, std::uint64_t* position) const;
  // Replaces every opportunity. InvalidArgument when the bytes are
  // malformed (nothing is then stored).
  Status RestoreOpportunities(std::string_view bytes);
  // Whether the last RestoreOpportunities() read an earlier build's format
  // (upgraded as it was read): saving again spares the next start the
  // upgrade.
  bool OpportunitiesRestoredFromEarlierFormat() const;
  // The routing state, and the log position of its cut.
  RoutingState SaveRouting(std::uint64_t* position) const;
  // Replaces the routing state. Partner changes in it are applied on top
  // of the rule set loaded; errors are those of compiling them.
  Status RestoreRouting(const RoutingState& state);

 private:
  class Deals;
  class Router;
  Engine(std::unique_ptr<Normalizer> normalizer, EngineOptions options);

  // After a write: ChangeLog::Sync, if there is a log (deferred while a
  // DeferSync lives on this thread). An error says the change may not be
  // durable.
  Status Durable() const;
  // Route()'s and RouteBatch()'s answers once made durable (a decision
  // whose sync failed is refused).
  Result<RouteResult> Routed(Result<RouteResult> r, const RouteOptions& options);
  std::vector<Result<RouteResult>> RoutedBatch(std::vector<Result<RouteResult>> results,
                                               const RouteOptions& options);

  std::unique_ptr<Normalizer> normalizer_;
  ChangeLog* log_ = nullptr;
  std::unique_ptr<Deals> deals_;
  std::unique_ptr<Router> router_;
};

}  // namespace leadroute

#endif  // LEADROUTE_ENGINE_H_
