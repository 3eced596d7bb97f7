#include "protocol/method_table.h"

#include <array>
#include <utility>

namespace leadroute::protocol {

namespace {
constexpr std::array<std::pair<std::string_view, MethodHandler>, 16> kMethods = {{
    {"ping", &HandlePing},
    {"normalize", &HandleNormalize},
    {"check", &HandleCheck},
    {"register", &HandleRegister},
    {"upsert_opportunity", &HandleUpsertOpportunity},
    {"close_opportunity", &HandleCloseOpportunity},
    {"get_opportunity", &HandleGetOpportunity},
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
  for (const auto& [name, handler] : kMethods) {
    if (name == method) return handler;
  }
  return nullptr;
}

}  // namespace leadroute::protocol
