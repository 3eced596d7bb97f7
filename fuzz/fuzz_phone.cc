#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view number, country;
  leadroute::fuzz::SplitTwo(
      std::string_view(reinterpret_cast<const char*>(data), size), &number,
      &country);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  if (auto key = n.Phone(number, country)) {
    leadroute::fuzz::CheckKey(*key);
    if ((*key)[0] != '+') std::abort();
    // E.164 is its own normal form, with or without a region hint.
    auto again = n.Phone(*key, "");
    if (!again || *again != *key) std::abort();
  }
  return 0;
}
