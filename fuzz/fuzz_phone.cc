#include <cstdio>

#include "fuzz_util.h"
#include "normalize/phone_number.h"

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
  // The fast path answers exactly what libphonenumber answers.
  const auto fast = leadroute::normalize::PhoneKey(number, country);
  const auto slow = leadroute::normalize::PhoneKeyLibphonenumber(number, country);
  if (fast != slow) {
    std::fprintf(stderr, "fast %s, libphonenumber %s\n",
                 fast.value_or("(none)").c_str(), slow.value_or("(none)").c_str());
    std::abort();
  }
  return 0;
}
