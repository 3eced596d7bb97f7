#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto& n = leadroute::fuzz::SharedNormalizer();
  if (auto key = n.Email(in)) {
    leadroute::fuzz::CheckKey(key->mailbox);
    if (key->domain) leadroute::fuzz::CheckKey(*key->domain);
    if (key->freemail && key->domain) std::abort();
    // A canonical mailbox is its own canonical mailbox.
    auto again = n.Email(key->mailbox);
    if (!again || again->mailbox != key->mailbox) std::abort();
  }
  return 0;
}
