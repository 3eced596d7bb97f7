// Names of the data directory's files that carry a journal position:
// PREFIX + 20 digits + SUFFIX ("journal-00000000000000000042.lrj").
#ifndef LEADROUTE_STORE_FILE_NAMES_H_
#define LEADROUTE_STORE_FILE_NAMES_H_

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace leadroute::store {

inline std::string PositionedName(std::string_view prefix, std::uint64_t position,
                                  std::string_view suffix) {
  char digits[24];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(position));
  std::string name(prefix);
  name.append(digits).append(suffix);
  return name;
}

inline bool ParsePositionedName(std::string_view name, std::string_view prefix,
                                std::string_view suffix, std::uint64_t* position) {
  if (name.size() != prefix.size() + 20 + suffix.size() || !name.starts_with(prefix) ||
      !name.ends_with(suffix)) {
    return false;
  }
  const char* begin = name.data() + prefix.size();
  auto r = std::from_chars(begin, begin + 20, *position);
  return r.ec == std::errc() && r.ptr == begin + 20;
}

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_FILE_NAMES_H_
