// Reading the compiled-in data files of src/normalize/data: one record a
// line, tab-separated columns, `#` comments and blank lines skipped.
#ifndef LEADROUTE_NORMALIZE_WORD_LIST_H_
#define LEADROUTE_NORMALIZE_WORD_LIST_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>
#include <tsl/robin_set.h>

namespace leadroute::normalize {

// Hash and equality for std::string keys that a string_view looks up as
// well, without building a std::string for each lookup.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
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
