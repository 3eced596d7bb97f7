// Flags: the tiny command-line parser of the leadroute binary.
// Accepts `--name value`, `--name=value` and bare `--switch`.
#ifndef LEADROUTE_CLI_FLAGS_H_
#define LEADROUTE_CLI_FLAGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "leadroute/status.h"

namespace leadroute::cli {

struct FlagSpec {
  std::string name;   // without dashes
  bool takes_value;
  std::string help;
};

class Flags {
 public:
  // Parses args against specs; unknown flags and missing values are errors.
  static Result<Flags> Parse(const std::vector<std::string>& args,
                             const std::vector<FlagSpec>& specs);

  bool Has(const std::string& name) const { return values_.contains(name); }
  // Sets `name` unless the command line did: lower-priority sources
  // (environment, configuration file) fill in after parsing.
  void SetDefault(const std::string& name, std::string value) {
    values_.try_emplace(name, std::move(value));
  }
  std::optional<std::string> Get(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

// "  --name VALUE   help" lines for --help.
std::string FlagHelp(const std::vector<FlagSpec>& specs);

}  // namespace leadroute::cli

#endif  // LEADROUTE_CLI_FLAGS_H_
