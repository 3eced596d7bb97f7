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

std::optional<RouteDecision> ParseRouteDecision(std::string_view name) {
  for (RouteDecision d : {RouteDecision::kOwner, RouteDecision::kPartner,
                          RouteDecision::kUnassigned}) {
    if (RouteDecisionName(d) == name) return d;
  }
  return std::nullopt;
}

std::string_view LeadOutcomeName(LeadOutcome o) {
  switch (o) {
    case LeadOutcome::kAccepted: return "accepted";
    case LeadOutcome::kDeclined: return "declined";
    case LeadOutcome::kClosed: return "closed";
  }
  return "accepted";
}

std::optional<LeadOutcome> ParseLeadOutcome(std::string_view name) {
  if (name == "accepted") return LeadOutcome::kAccepted;
  if (name == "declined") return LeadOutcome::kDeclined;
  if (name == "closed") return LeadOutcome::kClosed;
  return std::nullopt;
}

}  // namespace leadroute
