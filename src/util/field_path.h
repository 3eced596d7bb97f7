// Paths of fields inside request params, as errors name them
// ("deal.owner.id").
#ifndef LEADROUTE_UTIL_FIELD_PATH_H_
#define LEADROUTE_UTIL_FIELD_PATH_H_

#include <string>
#include <string_view>

namespace leadroute {

// "prefix.name", or "name" when prefix is empty.
inline std::string FieldPath(std::string_view prefix, std::string_view name) {
  std::string path;
  path.reserve(prefix.size() + 1 + name.size());
  if (!prefix.empty()) {
    path.append(prefix);
    path.push_back('.');
  }
  path.append(name);
  return path;
}

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_FIELD_PATH_H_
