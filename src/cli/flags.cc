#include "cli/flags.h"

namespace leadroute::cli {

Result<Flags> Flags::Parse(const std::vector<std::string>& args,
                           const std::vector<FlagSpec>& specs) {
  Flags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      flags.positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return Status::InvalidArgument("unknown flag --" + name, name);
    }
    if (spec->takes_value && !value) {
      if (i + 1 >= args.size()) {
        return Status::InvalidArgument("--" + name + " needs a value", name);
      }
      value = args[++i];
    }
    if (!spec->takes_value && value) {
      return Status::InvalidArgument("--" + name + " takes no value", name);
    }
    flags.values_[name] = value.value_or("");
  }
  return flags;
}

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Flags::Complaint(const std::string& name, const std::string& what) const {
  auto it = origins_.find(name);
  if (it == origins_.end()) return "leadroute: --" + name + " " + what;
  // A file's origin begins with FILE:LINE:COL, as every error in it does.
  if (it->second.find(": ") != std::string::npos) return it->second + " " + what;
  return "leadroute: " + it->second + " " + what;
}

std::string FlagHelp(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  --" + s.name + (s.takes_value ? " VALUE" : "");
    if (left.size() < 24) left.resize(24, ' ');
    out += left + " " + s.help + "\n";
  }
  return out;
}

}  // namespace leadroute::cli
