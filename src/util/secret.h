// Comparing a presented secret with the configured one.
#ifndef LEADROUTE_UTIL_SECRET_H_
#define LEADROUTE_UTIL_SECRET_H_

#include <cstddef>
#include <string_view>

namespace leadroute {

// Whether `presented` equals `secret`, in time that depends only on the
// secret's length (no early exit on the first wrong byte).
inline bool SecretEquals(std::string_view presented, std::string_view secret) {
  unsigned char diff = presented.size() == secret.size() ? 0 : 1;
  for (std::size_t i = 0; i < secret.size(); ++i) {
    diff |= static_cast<unsigned char>(secret[i] ^ (i < presented.size() ? presented[i] : 0));
  }
  return diff == 0;
}

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_SECRET_H_
