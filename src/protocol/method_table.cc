#include "protocol/method_table.h"

#include <array>
#include <utility>

namespace leadroute::protocol {

namespace {
constexpr std::array<std::pair<std::string_view, MethodHandler>, 20> kMethods = {{
    {"ping", &HandlePing},
    {"normalize", &HandleNormalize},
    {"check", &HandleCheck},
    {"register", &HandleRegister},
    {"upsert_opportunity", &HandleUpsertOpportunity},
    {"upsert_opportunities", &HandleUpsertOpportunities},
    {"close_opportunity", &HandleCloseOpportunity},
    {"review_registration", &HandleReviewRegistration},
    {"get_opportunity", &HandleGetOpportunity},
    {"opportunity_history", &HandleOpportunityHistory},
    {"protection_at", &HandleProtectionAt},
    {"stats", &HandleStats},
    {"route", &HandleRoute},
    {"route_batch", &HandleRouteBatch},
    {"lead_feedback", &HandleLeadFeedback},
    {"upsert_partner", &HandleUpsertPartner},
    {"remove_partner", &HandleRemovePartner},
    {"get_partner", &HandleGetPartner},
    {"partner_stats", &HandlePartnerStats},
    {"reload_rules", &HandleReloadRules},
}};
}  // namespace

MethodHandler FindMethod(std::string_view method) {
  const int i = MethodIndex(method);
  return i < 0 ? nullptr : kMethods[static_cast<std::size_t>(i)].second;
}

int MethodIndex(std::string_view method) {
  for (std::size_t i = 0; i < kMethods.size(); ++i) {
    if (kMethods[i].first == method) return static_cast<int>(i);
  }
  return -1;
}

int MethodCount() { return static_cast<int>(kMethods.size()); }

std::string_view MethodName(int index) { return kMethods[static_cast<std::size_t>(index)].first; }

MethodHandler MethodAt(int index) { return kMethods[static_cast<std::size_t>(index)].second; }

}  // namespace leadroute::protocol
