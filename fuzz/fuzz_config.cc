// The TOML configuration reader: any bytes give a clean Status.
#include <cstdint>
#include <string_view>

#include "engine/engine_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  leadroute::EngineOptions options;
  (void)leadroute::ParseEngineConfig(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml",
      &options);
  return 0;
}
