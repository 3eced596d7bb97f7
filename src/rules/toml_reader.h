// Helpers for reading TOML files that report every problem as
// `FILE:LINE:COL: message` (the policy, the engine configuration).
#ifndef LEADROUTE_RULES_TOML_READER_H_
#define LEADROUTE_RULES_TOML_READER_H_

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/conflict_policy.h"
#include "leadroute/status.h"

namespace leadroute::rules {

class TomlErrors {
 public:
  explicit TomlErrors(std::string_view file) : file_(file) {}

  void Add(const toml::source_region& where, std::string_view message);
  std::string Where(const toml::source_region& where) const;
  bool empty() const { return lines_.empty(); }
  std::size_t size() const { return lines_.size(); }
  // All problems in file order, one per line, as an InvalidArgument status.
  Status ToStatus() const;

 private:
  struct Line {
    std::uint32_t line, column;
    std::string text;
  };
  std::string file_;
  std::vector<Line> lines_;
};

// Parses `text`; on a syntax error returns nullopt and adds it to *errors.
std::optional<toml::table> ParseToml(std::string_view text, std::string_view name,
                                     TomlErrors* errors);

// A number (integers accepted) in [lo, hi] into *out; else an error.
void ReadNumber(const toml::node& node, std::string_view key, double lo,
                double hi, double* out, TomlErrors* errors);
// An integer in [lo, hi].
void ReadInteger(const toml::node& node, std::string_view key, std::int64_t lo,
                 std::int64_t hi, std::int64_t* out, TomlErrors* errors);
void ReadBool(const toml::node& node, std::string_view key, bool* out,
              TomlErrors* errors);
void ReadString(const toml::node& node, std::string_view key, std::string* out,
                TomlErrors* errors);
// An array of strings.
void ReadStrings(const toml::node& node, std::string_view key,
                 std::vector<std::string>* out, TomlErrors* errors);
// `node` as a table, or an error naming `key`.
const toml::table* AsTable(const toml::node& node, std::string_view key,
                           TomlErrors* errors);

// The [conflict] table (thresholds, protection_days, max_matches, weights).
// `default_country`, when not null, also accepts that key (the engine
// configuration has it; a rule set does not). `section` prefixes key names
// in messages.
// With check_thresholds, a review threshold above the conflict threshold
// (of *policy as read) is an error; a rule set's table, laid over another
// base later, is checked then instead.
void ReadConflictTable(const toml::table& table, std::string_view section,
                       ConflictPolicy* policy, std::string* default_country,
                       TomlErrors* errors, bool check_thresholds = true);

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_TOML_READER_H_
