// Instructions per party of Normalizer::Keys(), for comparing two builds
// where timings are too noisy (callgrind's counts are stable):
//
//   valgrind --tool=callgrind --toggle-collect='*KeysOfAll*' build/bin/normalize_count [N]
//
// Collected Ir divided by N (default 20,000 generated customers, all
// distinct) is the cost per party. The parties are normalized once before
// the counted pass, so one-time setup (libphonenumber's metadata, ICU's
// transliterators, thread-local memos' first allocation) is not counted.
// Without valgrind it prints the wall time per party.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "gen/synthetic.h"
#include "leadroute/normalizer.h"

namespace leadroute {

[[gnu::noinline]] std::size_t KeysOfAll(const Normalizer& n, const std::vector<Party>& parties) {
  std::size_t keys = 0;
  for (const Party& p : parties) {
    const MatchKeys k = n.Keys(p);
    keys += k.company.has_value() + k.domain.has_value() + k.email.has_value() +
            k.phone.has_value() + k.person.has_value() + k.address.has_value();
  }
  return keys;
}

}  // namespace leadroute

int main(int argc, char** argv) {
  using namespace leadroute;
  const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20000;
  auto n = Normalizer::Create();
  if (!n.ok()) return 1;
  gen::Generator gen;
  std::vector<Party> parties;
  parties.reserve(count);
  for (std::size_t i = 0; i < count; ++i) parties.push_back(gen.OpportunityFor(i).party);
  // Warm: the second pass is what a steady state costs, memos included.
  std::vector<Party> warm(parties.begin(), parties.begin() + std::min<std::size_t>(count, 100));
  KeysOfAll(**n, warm);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t keys = KeysOfAll(**n, parties);
  const double ns = std::chrono::duration<double, std::nano>(
                        std::chrono::steady_clock::now() - t0).count();
  std::printf("%zu parties, %zu keys, %.0f ns per party\n", count, keys,
              ns / static_cast<double>(count));
}
