// The TOML configuration file: the engine's [conflict] reader and the
// settings' [server] reader. Any bytes give a clean Status.
#include <cstdint>
#include <string_view>

#include "cli/settings.h"
#include "engine/engine_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  leadroute::EngineOptions options;
  (void)leadroute::ParseEngineConfig(text, "fuzz.toml", &options);
  using leadroute::cli::FlagSpec;
  static const std::vector<FlagSpec> kOwn = {
      {"threads", true, ""}, {"max-line", true, ""}, {"default-country", true, ""},
      {"config", true, ""}, {"help", false, ""}};
  static const std::vector<FlagSpec> kShared = {
      {"listen", true, ""}, {"data", true, ""}, {"idle-seconds", true, ""}};
  auto flags = leadroute::cli::Flags::Parse({}, kOwn);
  if (!flags.ok()) return 0;
  (void)leadroute::cli::ApplySettingsFile(text, "fuzz.toml", kOwn, &*flags, kShared);
  return 0;
}
