// Names of change kinds in journal records and change notifications.
#include "leadroute/change_log.h"

namespace leadroute {

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kUpsertOpportunity: return "upsert_opportunity";
    case ChangeKind::kCloseOpportunity: return "close_opportunity";
    case ChangeKind::kExpireOpportunity: return "expire_opportunity";
    case ChangeKind::kRoute: return "route";
    case ChangeKind::kFeedback: return "lead_feedback";
    case ChangeKind::kUpsertPartner: return "upsert_partner";
    case ChangeKind::kRemovePartner: return "remove_partner";
    case ChangeKind::kReviewRegistration: return "review_registration";
  }
  return "unknown";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (int k = static_cast<int>(ChangeKind::kUpsertOpportunity);
       k <= static_cast<int>(ChangeKind::kReviewRegistration); ++k) {
    if (ChangeKindName(static_cast<ChangeKind>(k)) == name) return static_cast<ChangeKind>(k);
  }
  return std::nullopt;
}

}  // namespace leadroute
