#include "cli/settings.h"

#include <cstdlib>
#include <map>

#include "leadroute/conflict_policy.h"
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

Status ApplySettings(const std::vector<FlagSpec>& specs, Flags* flags,
                     const std::vector<FlagSpec>& shared) {
  for (const FlagSpec& s : specs) {
    if (!s.takes_value) continue;
    const std::string env = EnvName(s.name);
    // An empty variable is no setting (a review found LEADROUTE_DATA=
    // serving without a data directory, LEADROUTE_RULES= reading
    // /policy.toml).
    if (const char* v = std::getenv(env.c_str()); v != nullptr && *v != '\0') {
      flags->SetDefault(s.name, v, env);
    }
  }
  const std::optional<std::string> path = flags->Get("config");
  if (!path) return Status::Ok();
  auto text = ReadWholeFile(*path);
  if (!text.ok()) return text.status();
  return ApplySettingsFile(*text, *path, specs, flags, shared);
}

Status ApplySettingsFile(std::string_view text, std::string_view path,
                         const std::vector<FlagSpec>& specs, Flags* flags,
                         const std::vector<FlagSpec>& shared) {
  rules::TomlErrors errors(path);
  std::optional<toml::table> root = rules::ParseToml(text, path, &errors);
  if (!root) return errors.ToStatus();
  // Where each setting was given: a second spelling of one (max_batch and
  // max-batch) is refused, not decided by the table's order.
  std::map<std::string, std::pair<toml::source_region, std::string>> given;  // and its key
  const toml::node* server_country = nullptr;
  const toml::node* conflict_country = nullptr;
  for (const auto& [key, node] : *root) {
    if (key.str() == "conflict") {
      // The engine's (engine_config.h), read there; its errors are this
      // file's, reported with the others (a review found them only after
      // the rest was fixed).
      if (const toml::table* conflict = rules::AsTable(node, "conflict", &errors)) {
        ConflictPolicy unused;
        std::string country;
        rules::ReadConflictTable(*conflict, "conflict", &unused, &country, &errors);
        conflict_country = conflict->get("default_country");
      }
      continue;
    }
    if (key.str() != "server") {
      errors.Add(key.source(), "unknown section [" + std::string(key.str()) + "]");
      continue;
    }
    const toml::table* server = rules::AsTable(node, "server", &errors);
    if (server == nullptr) continue;
    for (const auto& [k, v] : *server) {
      std::string name(k.str());
      for (char& c : name) c = c == '_' ? '-' : c;
      // Another command's setting (a file serve and bench-rules share) is
      // left to it; one no command has is unknown.
      const bool ours = FindSpec(specs, name) != nullptr;
      if (name == "config" || (!ours && FindSpec(shared, name) == nullptr)) {
        errors.Add(k.source(), "unknown key server." + std::string(k.str()));
        continue;
      }
      if (auto [at, fresh] = given.try_emplace(name, k.source(), std::string(k.str())); !fresh) {
        // Reported where it comes the second time in the file (the table
        // holds the two spellings in key order).
        const auto& [first, first_key] = at->second;
        const bool later = k.source().begin.line > first.begin.line;
        errors.Add(later ? k.source() : first,
                   "server." + (later ? std::string(k.str()) : first_key) +
                       " is given twice (also at " + errors.Where(later ? first : k.source()) +
                       ")");
        continue;
      }
      if (name == "default-country") server_country = &v;
      const bool text = v.is_string();
      if (!text && !v.is_integer()) {
        errors.Add(v.source(), "server." + std::string(k.str()) + " must be a string or an integer");
        continue;
      }
      if (!ours) continue;
      std::string origin = errors.Where(v.source()) + ": server." + std::string(k.str());
      flags->SetDefault(name,
                        text ? *v.value_exact<std::string>()
                             : std::to_string(*v.value_exact<std::int64_t>()),
                        std::move(origin));
    }
  }
  if (server_country != nullptr && conflict_country != nullptr) {
    errors.Add(conflict_country->source(),
               "default_country is set in [server] and in [conflict]: give it once");
  }
  if (!errors.empty()) return errors.ToStatus();
  return Status::Ok();
}

}  // namespace leadroute::cli
