// What routing a lead decides, and why (CONTRACT §3, `route`).
#ifndef LEADROUTE_ROUTING_H_
#define LEADROUTE_ROUTING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadroute/opportunity.h"

namespace leadroute {

struct RouteOptions {
  bool dry_run = false;  // decide, change nothing
  bool explain = false;  // fill candidates and excluded
};

enum class RouteDecision : std::uint8_t { kOwner, kPartner, kUnassigned };
std::string_view RouteDecisionName(RouteDecision d);
std::optional<RouteDecision> ParseRouteDecision(std::string_view name);

// One scored partner: its score and the factors it is the sum of.
struct RouteCandidate {
  std::string partner_id;
  double score = 0;
  std::vector<std::pair<std::string, double>> factors;  // name, contribution
};

struct RouteResult {
  std::string lead_id;
  RouteDecision decision = RouteDecision::kUnassigned;
  Owner assignee;              // kOwner, kPartner
  std::string opportunity_id;  // kOwner: the opportunity that owns the customer
  double score = 0;            // kOwner: the match score; kPartner: the partner's
  std::vector<std::string> reasons;
  // With RouteOptions::explain: the best candidates, best first, and how
  // many partners each filter excluded (filter name, count), in filter order.
  std::vector<RouteCandidate> candidates;
  std::vector<std::pair<std::string, std::uint32_t>> excluded;
};

enum class LeadOutcome : std::uint8_t { kAccepted, kDeclined, kClosed };
std::optional<LeadOutcome> ParseLeadOutcome(std::string_view name);
std::string_view LeadOutcomeName(LeadOutcome outcome);

// What a channel manager asks of one partner.
struct PartnerStats {
  std::string partner_id;
  std::uint64_t received = 0;  // leads routed to it, ever
  std::uint64_t open = 0;      // routed and neither closed nor declined
  std::uint64_t accepted = 0;
  std::uint64_t declined = 0;
  std::uint64_t closed = 0;
  std::optional<std::uint32_t> capacity;
};

}  // namespace leadroute

#endif  // LEADROUTE_ROUTING_H_
