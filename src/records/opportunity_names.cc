#include "leadroute/opportunity.h"

namespace leadroute {

std::string_view OwnerKindName(OwnerKind kind) {
  return kind == OwnerKind::kDirect ? "direct" : "partner";
}

std::optional<OwnerKind> ParseOwnerKind(std::string_view name) {
  if (name == "partner") return OwnerKind::kPartner;
  if (name == "direct") return OwnerKind::kDirect;
  return std::nullopt;
}

std::string_view StatusName(OpportunityStatus status) {
  switch (status) {
    case OpportunityStatus::kOpen: return "open";
    case OpportunityStatus::kWon: return "won";
    case OpportunityStatus::kLost: return "lost";
    case OpportunityStatus::kExpired: return "expired";
    case OpportunityStatus::kWithdrawn: return "withdrawn";
    case OpportunityStatus::kPending: return "pending";
  }
  return "open";
}

std::optional<OpportunityStatus> ParseStatus(std::string_view name) {
  for (auto s : {OpportunityStatus::kOpen, OpportunityStatus::kWon,
                 OpportunityStatus::kLost, OpportunityStatus::kExpired,
                 OpportunityStatus::kWithdrawn, OpportunityStatus::kPending}) {
    if (StatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view EvidenceName(Evidence e) {
  switch (e) {
    case Evidence::kDomain: return "domain";
    case Evidence::kEmail: return "email";
    case Evidence::kPhone: return "phone";
    case Evidence::kCompany: return "company";
    case Evidence::kContact: return "contact";
    case Evidence::kAddress: return "address";
    case Evidence::kIdentifier: return "identifier";
    case Evidence::kBirthDate: return "birth_date";
  }
  return "company";
}

std::string_view CheckStatusName(CheckStatus s) {
  switch (s) {
    case CheckStatus::kClear: return "clear";
    case CheckStatus::kConflict: return "conflict";
    case CheckStatus::kDuplicate: return "duplicate";
  }
  return "clear";
}

std::string_view HistoryEventName(HistoryEvent e) {
  switch (e) {
    case HistoryEvent::kCreated: return "created";
    case HistoryEvent::kUpdated: return "updated";
    case HistoryEvent::kApproved: return "approved";
    case HistoryEvent::kReview: return "review";
    case HistoryEvent::kClosed: return "closed";
    case HistoryEvent::kExpired: return "expired";
    case HistoryEvent::kReviewed: return "reviewed";
  }
  return "updated";
}

std::string_view RegisterStatusName(RegisterStatus s) {
  switch (s) {
    case RegisterStatus::kApproved: return "approved";
    case RegisterStatus::kConflict: return "conflict";
    case RegisterStatus::kDuplicate: return "duplicate";
    case RegisterStatus::kReview: return "review";
  }
  return "approved";
}

}  // namespace leadroute
