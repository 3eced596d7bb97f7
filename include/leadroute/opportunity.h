// Opportunities (open deals: a direct rep's CRM opportunity or a partner's
// deal registration), deals to check, and what a check finds (CONTRACT §3).
#ifndef LEADROUTE_OPPORTUNITY_H_
#define LEADROUTE_OPPORTUNITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/party.h"

namespace leadroute {

enum class OwnerKind : std::uint8_t { kPartner, kDirect };

struct Owner {
  OwnerKind kind = OwnerKind::kPartner;
  std::string id;
  bool operator==(const Owner&) const = default;
};

// `pending` is leadroute's own: a registration awaiting a channel manager's
// review. It still protects the customer while pending.
enum class OpportunityStatus : std::uint8_t {
  kOpen,
  kWon,
  kLost,
  kExpired,
  kWithdrawn,
  kPending,
};

std::string_view OwnerKindName(OwnerKind kind);
std::optional<OwnerKind> ParseOwnerKind(std::string_view name);
std::string_view StatusName(OpportunityStatus status);
std::optional<OpportunityStatus> ParseStatus(std::string_view name);

struct Opportunity {
  std::string id;
  Owner owner;
  Party party;
  std::vector<std::string> products;
  std::optional<double> amount;
  OpportunityStatus status = OpportunityStatus::kOpen;
  std::int64_t registered_at = 0;  // seconds since the epoch; 0: unknown
  std::int64_t expires_at = 0;     // 0: never

  // Open or pending, and not past expires_at at `now`.
  bool ActiveAt(std::int64_t now) const {
    return (status == OpportunityStatus::kOpen ||
            status == OpportunityStatus::kPending) &&
           (expires_at == 0 || expires_at > now);
  }
};

// Evidence kinds named in `matched_on`.
enum class Evidence : std::uint8_t {
  kDomain,
  kEmail,
  kPhone,
  kCompany,
  kContact,
  kAddress,
  kIdentifier,
  kBirthDate,
};
std::string_view EvidenceName(Evidence e);

struct Match {
  std::string opportunity_id;
  Owner owner;
  double score = 0;                  // [0, 1]
  std::vector<Evidence> matched_on;  // strongest first
};

enum class CheckStatus : std::uint8_t { kClear, kConflict, kDuplicate };
std::string_view CheckStatusName(CheckStatus s);

struct CheckResult {
  CheckStatus status = CheckStatus::kClear;
  std::vector<Match> matches;  // best first, score >= the conflict threshold
};

enum class RegisterStatus : std::uint8_t {
  kApproved,
  kConflict,
  kDuplicate,
  kReview,
};
std::string_view RegisterStatusName(RegisterStatus s);

struct RegisterResult {
  RegisterStatus status = RegisterStatus::kApproved;
  std::string opportunity_id;
  std::int64_t expires_at = 0;
  std::vector<Match> matches;
};

// What happened to an opportunity, in its history.
enum class HistoryEvent : std::uint8_t {
  kCreated,   // upsert_opportunity, new
  kUpdated,   // upsert_opportunity, replaced
  kApproved,  // register: approved
  kReview,    // register: stored pending, for review
  kClosed,    // close_opportunity
  kExpired,   // its protection ran out (the expiry timer)
  kReviewed,  // review_registration: a pending registration approved (open)
              // or rejected (withdrawn) by a channel manager
};
std::string_view HistoryEventName(HistoryEvent e);

struct HistoryEntry {
  std::int64_t at = 0;  // seconds since the epoch
  HistoryEvent event = HistoryEvent::kCreated;
  OpportunityStatus status = OpportunityStatus::kOpen;  // after the event
  std::int64_t expires_at = 0;                          // after the event
  std::string actor;  // "partner:ID", "direct:ID", "system", or close's actor
};

}  // namespace leadroute

#endif  // LEADROUTE_OPPORTUNITY_H_
