#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view first, last;
  leadroute::fuzz::SplitTwo(
      std::string_view(reinterpret_cast<const char*>(data), size), &first,
      &last);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  auto key = n.Person(first, last);
  if (key) {
    leadroute::fuzz::CheckKey(key->full);
    for (const auto& i : key->initials) leadroute::fuzz::CheckKey(i);
  }
  return 0;
}
