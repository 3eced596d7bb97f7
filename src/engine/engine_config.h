// The engine's part of the TOML configuration file (`--config FILE`).
//
//   [conflict]
//   conflict_threshold = 0.75   # a match at or above: conflict / duplicate
//   review_threshold = 0.5      # a weaker match from another owner: review
//   protection_days = 90        # registrations without expires_at
//   max_matches = 10
//   default_country = "US"      # region hint for national phone numbers
//
//   [conflict.weights]          # points per kind of evidence (MatchWeights)
//   domain = 6.0
//   ...
#ifndef LEADROUTE_ENGINE_ENGINE_CONFIG_H_
#define LEADROUTE_ENGINE_ENGINE_CONFIG_H_

#include <string>
#include <string_view>

#include "leadroute/engine.h"
#include "leadroute/status.h"

namespace leadroute {

// Reads `path` and applies what it sets to *options; keys it does not set
// keep their values. Every error reads `FILE:LINE:COL: message` (unknown key,
// wrong type, value out of range); on error *options is unchanged.
Status LoadEngineConfig(const std::string& path, EngineOptions* options);

// The same from TOML text; `name` stands for the file in messages.
Status ParseEngineConfig(std::string_view text, std::string_view name,
                         EngineOptions* options);

}  // namespace leadroute

#endif  // LEADROUTE_ENGINE_ENGINE_CONFIG_H_
