// RFC 3339 timestamps <-> seconds since the Unix epoch (UTC).
#ifndef LEADROUTE_UTIL_TIME_H_
#define LEADROUTE_UTIL_TIME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace leadroute {

// 9999-12-31T23:59:59Z, the last time a four-digit year writes.
inline constexpr std::int64_t kMaxRfc3339Seconds = 253402300799;

// "2026-11-28T06:20:49Z", "2026-11-28T07:20:49.123+01:00", and the date
// alone ("2026-11-28", midnight UTC). Fractions are truncated. Nullopt when
// malformed or out of range (1970-01-01T00:00:00Z to kMaxRfc3339Seconds,
// after the offset is applied).
std::optional<std::int64_t> ParseRfc3339(std::string_view text);

// "2026-11-28T06:20:49Z".
std::string FormatRfc3339(std::int64_t seconds);
// The same into `buf`, without allocating; returns its length.
inline constexpr std::size_t kRfc3339Max = 48;
std::size_t FormatRfc3339(std::int64_t seconds, char (&buf)[kRfc3339Max]);

// Seconds since the epoch now, from the system clock.
std::int64_t NowSeconds();

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_TIME_H_
