#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  if (auto key = n.Company(in)) {
    leadroute::fuzz::CheckKey(*key);
    // A key is a fixed point: normalizing it again gives itself or less.
    if (auto again = n.Company(*key)) leadroute::fuzz::CheckKey(*again);
  }
  for (const auto& t : n.CompanyTokens(in)) leadroute::fuzz::CheckKey(t);
  return 0;
}
