// Phone numbers to E.164 through libphonenumber.
#ifndef LEADROUTE_NORMALIZE_PHONE_NUMBER_H_
#define LEADROUTE_NORMALIZE_PHONE_NUMBER_H_

#include <optional>
#include <string>
#include <string_view>

namespace leadroute::normalize {

inline constexpr std::size_t kMaxPhoneInput = 64;

// "+49 (0)89 1234-567", "089 1234567" with country "DE", "(773) 534-6361 x12"
// with "US": the number in E.164 ("+49891234567", "+17735346361"), extension
// dropped. `country` is an ISO 3166-1 alpha-2 region hint; without one only
// international formats ("+..") parse. Numbers that libphonenumber's metadata
// does not hold valid (too short, unassigned ranges) yield no key.
// Thread-safe.
std::optional<std::string> PhoneKey(std::string_view number,
                                    std::string_view country);

}  // namespace leadroute::normalize

#endif  // LEADROUTE_NORMALIZE_PHONE_NUMBER_H_
