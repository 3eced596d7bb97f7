#include "leadroute/engine.h"

namespace leadroute {

std::string_view Version() { return LEADROUTE_VERSION; }

Result<std::unique_ptr<Engine>> Engine::Create() {
  auto normalizer = Normalizer::Create();
  if (!normalizer.ok()) return normalizer.status();
  return std::unique_ptr<Engine>(new Engine(std::move(*normalizer)));
}

}  // namespace leadroute
