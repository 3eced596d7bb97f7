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
  // (environment, configuration file) fill in after parsing. `origin` names
  // where the value came from, for messages about it ("LEADROUTE_MAX_LINE",
  // "serve.toml:3:12: server.max_line").
  void SetDefault(const std::string& name, std::string value, std::string origin = {}) {
    if (values_.try_emplace(name, std::move(value)).second && !origin.empty()) {
      origins_.emplace(name, std::move(origin));
    }
  }
  std::optional<std::string> Get(const std::string& name) const;
  // A message that `name`'s value is bad: "leadroute: --name <what>", or,
  // for a value from the environment or a configuration file, its origin
  // first ("serve.toml:3:12: server.max_line <what>").
  std::string Complaint(const std::string& name, const std::string& what) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> origins_;
  std::vector<std::string> positional_;
};

// "  --name VALUE   help" lines for --help.
std::string FlagHelp(const std::vector<FlagSpec>& specs);

}  // namespace leadroute::cli

#endif  // LEADROUTE_CLI_FLAGS_H_
