#include "cli/settings.h"

#include <cstdlib>

#include "rules/toml_reader.h"
#include "util/read_file.h"

namespace leadroute::cli {

namespace {

std::string EnvName(const std::string& flag) {
  std::string out = "LEADROUTE_";
  for (char c : flag) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

const FlagSpec* FindSpec(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const FlagSpec& s : specs) {
    if (s.name == name && s.takes_value) return &s;
  }
  return nullptr;
}

}  // namespace

Status ApplySettings(const std::vector<FlagSpec>& specs, Flags* flags) {
  for (const FlagSpec& s : specs) {
    if (!s.takes_value) continue;
    const std::string env = EnvName(s.name);
    if (const char* v = std::getenv(env.c_str())) flags->SetDefault(s.name, v, env);
  }
  const std::optional<std::string> path = flags->Get("config");
  if (!path) return Status::Ok();
  auto text = ReadWholeFile(*path);
  if (!text.ok()) return text.status();
  rules::TomlErrors errors(*path);
  std::optional<toml::table> root = rules::ParseToml(*text, *path, &errors);
  if (!root) return errors.ToStatus();
  for (const auto& [key, node] : *root) {
    if (key.str() == "conflict") continue;  // the engine's (engine_config.h)
    if (key.str() != "server") {
      errors.Add(key.source(), "unknown section [" + std::string(key.str()) + "]");
      continue;
    }
    const toml::table* server = rules::AsTable(node, "server", &errors);
    if (server == nullptr) continue;
    for (const auto& [k, v] : *server) {
      std::string name(k.str());
      for (char& c : name) c = c == '_' ? '-' : c;
      if (name == "config" || FindSpec(specs, name) == nullptr) {
        errors.Add(k.source(), "unknown key server." + std::string(k.str()));
        continue;
      }
      std::string origin = errors.Where(v.source()) + ": server." + std::string(k.str());
      if (auto s = v.value_exact<std::string>()) {
        flags->SetDefault(name, *s, std::move(origin));
      } else if (auto i = v.value_exact<std::int64_t>()) {
        flags->SetDefault(name, std::to_string(*i), std::move(origin));
      } else {
        errors.Add(v.source(), "server." + std::string(k.str()) + " must be a string or an integer");
      }
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  return Status::Ok();
}

}  // namespace leadroute::cli
