// Names of routing enums on the wire (CONTRACT §3).
#include "leadroute/routing.h"

namespace leadroute {

std::string_view RouteDecisionName(RouteDecision d) {
  switch (d) {
    case RouteDecision::kOwner: return "owner";
    case RouteDecision::kPartner: return "partner";
    case RouteDecision::kUnassigned: return "unassigned";
  }
  return "unassigned";
}

std::optional<LeadOutcome> ParseLeadOutcome(std::string_view name) {
  if (name == "accepted") return LeadOutcome::kAccepted;
  if (name == "declined") return LeadOutcome::kDeclined;
  if (name == "closed") return LeadOutcome::kClosed;
  return std::nullopt;
}

}  // namespace leadroute
