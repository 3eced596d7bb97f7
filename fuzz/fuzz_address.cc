#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // street \t postal code \t city \t country
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view street, rest, postal, rest2, city, country;
  leadroute::fuzz::SplitTwo(in, &street, &rest);
  leadroute::fuzz::SplitTwo(rest, &postal, &rest2);
  leadroute::fuzz::SplitTwo(rest2, &city, &country);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  if (auto key = n.Address(street, postal, city, country)) {
    leadroute::fuzz::CheckKey(*key);
  }
  if (auto code = n.PostalCode(postal, country)) {
    leadroute::fuzz::CheckKey(*code);
  }
  // The party's country, the postal field standing in for a region.
  if (auto code = leadroute::Normalizer::CountryOf(country, postal, street)) {
    if (code->size() != 2 || (*code)[0] < 'A' || (*code)[0] > 'Z' || (*code)[1] < 'A' ||
        (*code)[1] > 'Z') {
      std::abort();
    }
  }
  return 0;
}
