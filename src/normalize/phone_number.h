// Phone numbers to E.164 through libphonenumber.
#ifndef LEADROUTE_NORMALIZE_PHONE_NUMBER_H_
#define LEADROUTE_NORMALIZE_PHONE_NUMBER_H_

#include <array>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <tsl/robin_map.h>

namespace leadroute::normalize {

inline constexpr std::size_t kMaxPhoneInput = 64;

// "+49 (0)89 1234-567", "089 1234567" with country "DE", "(773) 534-6361 x12"
// with "US": the number in E.164 ("+49891234567", "+17735346361"), extension
// dropped. `country` is an ISO 3166-1 alpha-2 region hint; without one only
// international formats ("+..") parse. A number libphonenumber's metadata
// does not hold valid yields a key only when it has its country's shape
// (PhoneFastPath::Shaped: "(728) 234-5678", an area code opened after the
// metadata); too short, too long, misshapen ("123-456-7890") or one digit
// repeated, none.
// Thread-safe. Common shapes go through PhoneFastPath (~0.3 µs); the rest
// through libphonenumber itself (~10-20 µs, its ICU regular expressions).
std::optional<std::string> PhoneKey(std::string_view number,
                                    std::string_view country);

// PhoneKey() always through libphonenumber: the reference the fast path is
// tested and fuzzed against.
std::optional<std::string> PhoneKeyLibphonenumber(std::string_view number,
                                                  std::string_view country);

// PhoneKey() behind a bounded cache: the same number arrives again and again
// (a deal is checked, then registered; a lead is routed, then re-routed), and
// a hit costs a hash lookup instead of libphonenumber's parse. Numbers the
// fast path answers alone are not kept: it costs about what a lookup does.
// Thread-safe: sharded, one mutex per shard.
class PhoneKeyCache {
 public:
  // At most `capacity` entries are kept; the oldest go first.
  explicit PhoneKeyCache(std::size_t capacity = 1 << 16);

  std::optional<std::string> Get(std::string_view number,
                                 std::string_view country);

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    tsl::robin_map<std::string, std::optional<std::string>> map;
    std::deque<std::string> order;  // insertion order, for eviction
  };
  std::size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_PHONE_NUMBER_H_
