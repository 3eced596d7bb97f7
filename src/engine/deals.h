// Deals: the opportunity index behind a reader/writer lock, and the check
// and register decisions made on it.
#ifndef LEADROUTE_ENGINE_DEALS_H_
#define LEADROUTE_ENGINE_DEALS_H_

#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "index/features.h"
#include "index/match_scorer.h"
#include "index/opportunity_index.h"
#include "leadroute/change_log.h"
#include "leadroute/engine.h"
#include "util/sharded_mutex.h"

namespace leadroute {

class Engine::Deals {
 public:
  Deals(const Normalizer* normalizer, EngineOptions options);
  // Engine::Keys().
  MatchKeys Keys(const Party& party) const;

  ConflictPolicy policy() const;
  // Replaces the conflict policy (a rule set's [conflict]); checks already
  // running finish under the old one.
  void SetPolicy(const ConflictPolicy& policy);

  Status Upsert(const Opportunity& opp, bool* created);
  // OK unless `opp` says "pending" and its record is not a registration
  // awaiting review (-32602 `field`.status). REQUIRES: write_mu_ held.
  Status PendingOnlyAsItIs(const Opportunity& opp, std::string_view field) const;
  std::vector<Status> UpsertMany(const std::vector<Opportunity>& opps,
                                 std::size_t* created, std::vector<bool>* created_each);
  Status Close(std::string_view id, OpportunityStatus status, std::string_view actor);
  // A channel manager's decision on a pending registration: approved, it
  // is open (protected until its expires_at, as before); rejected, it is
  // withdrawn. *after is the opportunity then.
  Status Review(std::string_view id, bool approve, std::string_view actor, Opportunity* after);
  std::optional<Opportunity> Get(std::string_view id) const;
  CheckResult Check(const Opportunity& deal) const;
  // What a check reads of the deal besides its party: its id (it does not
  // match itself), its owner (conflict or duplicate) and its products (for
  // a policy where product lines do not conflict).
  struct Asking {
    std::string_view id;
    const Owner& owner;
    const std::vector<std::string>& products;
  };
  // Check() of `party` for the deal; its features, where `features` is
  // not null, go to *features (the router reads them further).
  CheckResult Check(const Asking& deal, const Party& party,
                    index::Features* features = nullptr) const;
  // The features Check() extracts from a party.
  index::Features Features(const Party& party) const;
  Result<RegisterResult> Register(Opportunity deal);
  // Opportunities stored and active, and the index's memory.
  void Count(EngineStats* stats) const;

  // Every later change goes to `log` first (null: none). REQUIRES: no
  // writer running.
  void SetLog(ChangeLog* log) { log_ = log; }
  // Marks expired the active opportunities past their expiry among the next
  // `max_scan` slots (from where the last call stopped, wrapping). Logged.
  std::size_t ExpireDue(std::size_t max_scan);
  // A logged opportunity change replayed (at its time, not logged again).
  Status Replay(const Change& change);
  std::optional<std::vector<HistoryEntry>> History(std::string_view id) const;
  // The opportunities that protected the customer at `t`, matched as check
  // matches (at or above the review threshold), best first.
  std::vector<Match> HeldAt(const Opportunity& customer, std::int64_t t) const;
  // The index as opaque bytes, and the log position of the cut.
  void Save(std::string* out, std::uint64_t* position) const;
  // Replaces the index with saved bytes. InvalidArgument when malformed.
  Status Restore(std::string_view bytes);
  bool RestoredFromEarlierFormat() const;

 private:
  // Matches of the deal at or above the review threshold, best first;
  // *possible (when not null) receives those below the conflict threshold.
  // `keys` are index::QueryKeys(f).
  // REQUIRES: mu_ held (shared or exclusive).
  CheckResult CheckLocked(const Asking& deal, const index::Features& f,
                          const std::vector<index::LookupKey>& keys, std::int64_t now,
                          std::vector<Match>* possible) const;
  // Features(party), and in *keys the keys a check looks up
  // (index::ExtractQuery()): their posting buckets start loading as the
  // normalizer makes them.
  index::Features Query(const Party& party, std::vector<index::LookupKey>* keys) const;

  // Grows the index's arrays for `records` more records of `bytes` packed
  // bytes and `events` more history events ahead of a write: the copying
  // (and faulting in a fresh arena chunk) happens under the shared lock
  // (checks go on), only the swap under the exclusive one.
  // REQUIRES: write_mu_ held.
  void MakeRoom(std::size_t records, std::size_t bytes, std::size_t events);

  // Reclaims replaced records' bytes once they dominate: the copy is made
  // under the shared lock (checks go on), only the repointing under the
  // exclusive one. Waits for a later call while a Save() copies records.
  // REQUIRES: write_mu_ held, mu_ not.
  void Compact();

  // check_floor_ and review_floor_ of options_.conflict. REQUIRES: mu_
  // held exclusively (or no other thread yet).
  void SetFloors();

  // Logs a change before it applies. REQUIRES: mu_ held exclusively.
  Status Log(const Change& change) { return log_ ? log_->Append(change) : Status::Ok(); }

  const Normalizer* normalizer_;
  EngineOptions options_;  // options_.conflict guarded by mu_
  ChangeLog* log_ = nullptr;
  // Writers take write_mu_ first, then mu_: one writer at a time, and
  // MakeRoom's two phases see no other writer in between.
  std::mutex write_mu_;
  // Held by Save() while it copies records outside mu_, which keeps them
  // where they are: Compact() and Restore() take it between write_mu_ and
  // mu_.
  mutable std::mutex records_pinned_;
  mutable ShardedSharedMutex mu_;
  index::OpportunityIndex index_;  // guarded by mu_
  std::uint32_t expiry_cursor_ = 0;  // guarded by mu_ (exclusive)
  // The least scores CheckLocked() keeps, of options_.conflict (SetFloors()):
  // a check's (a conflict) and a registration's (a review). Guarded by mu_.
  index::ScoreFloor check_floor_, review_floor_;
};

// InvalidArgument when a stored record lacks what CONTRACT §3 requires.
Status ValidateOpportunity(const Opportunity& opp, std::string_view prefix);

}  // namespace leadroute

#endif  // LEADROUTE_ENGINE_DEALS_H_
