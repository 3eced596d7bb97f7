#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  if (auto key = n.Domain(in)) {
    leadroute::fuzz::CheckKey(*key);
    // A registrable domain is its own registrable domain.
    auto again = n.Domain(*key);
    if (!again || *again != *key) std::abort();
  }
  return 0;
}
