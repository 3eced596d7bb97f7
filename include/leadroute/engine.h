// Engine: everything leadroute knows and decides, with no network attached.
//
// The protocol layer decodes requests into calls on an Engine; `leadroute
// pipe` and `leadroute serve` both drive the same Engine through the same
// dispatcher. Later subsystems (the opportunity index, rule sets, the router)
// hang off it.
//
// Thread safety: const methods may run concurrently.
#ifndef LEADROUTE_ENGINE_H_
#define LEADROUTE_ENGINE_H_

#include <memory>
#include <string_view>

#include "leadroute/normalizer.h"
#include "leadroute/status.h"

namespace leadroute {

// The version answered by `ping` and `--version`.
std::string_view Version();

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create();

  const Normalizer& normalizer() const { return *normalizer_; }

 private:
  explicit Engine(std::unique_ptr<Normalizer> normalizer)
      : normalizer_(std::move(normalizer)) {}

  std::unique_ptr<Normalizer> normalizer_;
};

}  // namespace leadroute

#endif  // LEADROUTE_ENGINE_H_
