#include "protocol/method_table.h"

#include <array>
#include <utility>

namespace leadroute::protocol {

namespace {
constexpr std::array<std::pair<std::string_view, MethodHandler>, 8> kMethods = {{
    {"ping", &HandlePing},
    {"normalize", &HandleNormalize},
    {"check", &HandleCheck},
    {"register", &HandleRegister},
    {"upsert_opportunity", &HandleUpsertOpportunity},
    {"close_opportunity", &HandleCloseOpportunity},
    {"get_opportunity", &HandleGetOpportunity},
    {"stats", &HandleStats},
}};
}  // namespace

MethodHandler FindMethod(std::string_view method) {
  for (const auto& [name, handler] : kMethods) {
    if (name == method) return handler;
  }
  return nullptr;
}

}  // namespace leadroute::protocol
