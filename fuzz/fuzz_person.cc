#include "fuzz_util.h"
#include "index/features.h"
#include "index/similarity.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view first, last;
  leadroute::fuzz::SplitTwo(
      std::string_view(reinterpret_cast<const char*>(data), size), &first,
      &last);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  // The generational suffix, of raw names (a stored record's bytes).
  const char g = leadroute::index::GenerationOf(first, last);
  if (g != 0 && g != 'j' && g != 's' && g != '3' && g != '4') std::abort();
  // Metaphone: lower-case letters and '0' (th) only.
  for (char c : leadroute::index::Metaphone(first)) {
    if (!((c >= 'a' && c <= 'z') || c == '0')) std::abort();
  }
  auto key = n.Person(first, last);
  if (key) {
    leadroute::fuzz::CheckKey(key->full);
    leadroute::fuzz::CheckKey(key->swapped);
    const auto initials = key->Initials();
    if (initials.empty() || initials.size() > 2) std::abort();
    for (const auto& i : initials) leadroute::fuzz::CheckKey(i);
  }
  return 0;
}
