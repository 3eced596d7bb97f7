// Change and ChangeLog: every state change an Engine makes, handed to a log
// (the journal of a data directory) before it is applied.
//
// The engine calls ChangeLog::Append under the lock that orders the change,
// so the log sees changes in the order they apply; an Append error refuses
// the change (nothing applied, the caller gets the error). After releasing
// its locks, a write method calls ChangeLog::Sync and only then answers:
// with a durable log an answer means the change is on disk.
//
// Replaying a log is Engine::Apply of each change in order: the changes
// carry outcomes (the stored record, the routing decision), never requests
// to decide again, so a replay reproduces the state whatever the rule files
// say today.
#ifndef LEADROUTE_CHANGE_LOG_H_
#define LEADROUTE_CHANGE_LOG_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/opportunity.h"
#include "leadroute/partner.h"
#include "leadroute/routing.h"
#include "leadroute/status.h"

namespace leadroute {

enum class ChangeKind : std::uint8_t {
  kUpsertOpportunity = 1,  // opportunity (stored by upsert or by register)
  kCloseOpportunity,       // id, status
  kExpireOpportunity,      // id: its protection ran out (the expiry timer)
  kRoute,                  // lead, result, declined, round_robin
  kFeedback,               // id (the lead), partner_id, outcome
  kUpsertPartner,          // partner
  kRemovePartner,          // id
  kReviewRegistration,     // id, status (open: approved; withdrawn: rejected), actor
};
std::string_view ChangeKindName(ChangeKind kind);
std::optional<ChangeKind> ParseChangeKind(std::string_view name);

// Whether the change belongs to the routing state (else the opportunities).
inline bool IsRoutingChange(ChangeKind kind) {
  return kind == ChangeKind::kRoute || kind == ChangeKind::kFeedback ||
         kind == ChangeKind::kUpsertPartner || kind == ChangeKind::kRemovePartner;
}

// One change. Pointers and views refer to the caller's objects and are valid
// only during the call the change is passed to.
struct Change {
  ChangeKind kind = ChangeKind::kUpsertOpportunity;
  std::int64_t at = 0;  // the engine's clock when it happened
  // kUpsertOpportunity: the record as stored; `registered` when register
  // stored it (approved: open; review: pending).
  const Opportunity* opportunity = nullptr;
  bool registered = false;
  std::string_view id{};
  // kCloseOpportunity, kReviewRegistration: the status after, and who
  // closed or reviewed it (empty: "api").
  OpportunityStatus status = OpportunityStatus::kOpen;
  std::string_view actor{};
  // kRoute: the lead, the decision, the partners that had declined it, and
  // the round-robin position after the decision.
  const Lead* lead = nullptr;
  const RouteResult* result = nullptr;
  const std::vector<std::string>* declined = nullptr;
  std::uint64_t round_robin = 0;
  std::string_view partner_id{};               // kFeedback
  LeadOutcome outcome = LeadOutcome::kAccepted;  // kFeedback
  const Partner* partner = nullptr;            // kUpsertPartner
};

class ChangeLog {
 public:
  virtual ~ChangeLog() = default;
  // Records `change`, which is about to be applied. Called under the lock
  // that orders it. An error refuses the change.
  virtual Status Append(const Change& change) = 0;
  // For bulk writes: encodes a change ahead of time (outside any lock, in
  // parallel), for AppendEncoded.
  virtual std::string Encode(const Change& change) const = 0;
  // Records changes Encode() made, in order, as one write: all or none.
  // Called under the lock that orders them, like Append.
  virtual Status AppendEncoded(std::span<const std::string> changes) = 0;
  // Waits until every change appended before the call (the caller's among
  // them) is as durable as the log promises. An error: they may not be
  // (the changes are applied in memory; the answer must not claim them).
  virtual Status Sync() = 0;
  // The position the next Append gets. Read under the lock that orders
  // appends, it marks a consistent cut (see Engine::SaveOpportunities).
  virtual std::uint64_t Position() const = 0;
};

// The routing state, as a snapshot holds it.
struct RoutingState {
  struct Counters {
    std::string partner_id;
    std::uint64_t received = 0, open = 0, accepted = 0, declined = 0, closed = 0;
    std::uint64_t last_routed = 0;  // `routed` when it last received a lead
  };
  struct Assignment {
    Lead lead;
    std::string partner_id;
    bool open = true;
    bool accepted = false;
    std::vector<std::string> declined;  // partners that declined it
    RouteResult result;                 // what route answered
  };
  // Partners changed through the API, in order: a partner, or its removal
  // (partner.id set, `removed`).
  struct PartnerChange {
    Partner partner;
    bool removed = false;
  };
  std::vector<PartnerChange> overlay;
  std::vector<Counters> partners;
  std::vector<Assignment> assignments;
  std::uint64_t round_robin = 0, routed = 0, unassigned = 0, open = 0;
};

}  // namespace leadroute

#endif  // LEADROUTE_CHANGE_LOG_H_
