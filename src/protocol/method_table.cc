#include "protocol/method_table.h"

#include <array>
#include <utility>

namespace leadroute::protocol {

namespace {
constexpr std::array<std::pair<std::string_view, MethodHandler>, 2> kMethods = {{
    {"ping", &HandlePing},
    {"normalize", &HandleNormalize},
}};
}  // namespace

MethodHandler FindMethod(std::string_view method) {
  for (const auto& [name, handler] : kMethods) {
    if (name == method) return handler;
  }
  return nullptr;
}

}  // namespace leadroute::protocol
