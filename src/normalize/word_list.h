// Reading the compiled-in data files of src/normalize/data: one record a
// line, tab-separated columns, `#` comments and blank lines skipped.
#ifndef LEADROUTE_NORMALIZE_WORD_LIST_H_
#define LEADROUTE_NORMALIZE_WORD_LIST_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

namespace leadroute::normalize {

// Hash and equality for std::string keys that a string_view looks up as
// well, without building a std::string for each lookup.
//
// The hash reads eight bytes a step and mixes with one 64x64->128-bit
// multiply (as wyhash does), inline: the words and names looked up here are
// short, and std::hash's out-of-line MurmurHash cost more than the probe.
// Not seeded, like std::hash: no table here grows from outside input past
// a fixed bound.
inline std::uint64_t MixHash(std::uint64_t a, std::uint64_t b) {
  __extension__ using U128 = unsigned __int128;  // GCC and Clang
  const U128 r = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}
inline std::uint64_t HashString(std::string_view s) {
  constexpr std::uint64_t kA = 0x9E3779B97F4A7C15ULL, kB = 0xD6E8FEB86659FD93ULL;
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = kA ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = MixHash(h ^ w, kB);
  }
  if (n > 0) {
    std::uint64_t w = 0;
    for (std::size_t i = 0; i < n; ++i) {
      w |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    h = MixHash(h ^ w, kB ^ n);
  }
  return MixHash(h, kA);
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return HashString(s); }
};
struct StringEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
using StringSet = tsl::robin_set<std::string, StringHash, StringEqual>;
template <typename V>
using StringMap = tsl::robin_map<std::string, V, StringHash, StringEqual>;

// Calls fn with the columns of every data line of `text`.
void ForEachDataLine(
    std::string_view text,
    const std::function<void(const std::vector<std::string_view>&)>& fn);

// Splits `s` at every `sep`; empty pieces are kept.
std::vector<std::string_view> Split(std::string_view s, char sep);

}  // namespace leadroute::normalize

namespace leadroute::data {
// The files of src/normalize/data, embedded at build time (cmake/embed.cmake).
extern const std::string_view kLegalForms;
extern const std::string_view kFreemailDomains;
extern const std::string_view kNicknames;
extern const std::string_view kStreetTypes;
extern const std::string_view kUnitDesignators;
extern const std::string_view kCompanyStopwords;
}  // namespace leadroute::data

#endif  // LEADROUTE_NORMALIZE_WORD_LIST_H_
