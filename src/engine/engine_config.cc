#include "engine/engine_config.h"

#include <vector>

#include "rules/toml_reader.h"
#include "util/read_file.h"

namespace leadroute {

namespace {

constexpr std::size_t kMaxConfigBytes = 1 << 20;

}  // namespace

Status ParseEngineConfig(std::string_view text, std::string_view name,
                         EngineOptions* options) {
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument(std::string(name) + ":1:1: file too large");
  }
  rules::TomlErrors errors(name);
  std::optional<toml::table> root = rules::ParseToml(text, name, &errors);
  if (!root) return errors.ToStatus();
  EngineOptions updated = *options;
  if (const toml::node* conflict = root->get("conflict")) {
    if (const toml::table* table = rules::AsTable(*conflict, "conflict", &errors)) {
      rules::ReadConflictTable(*table, "conflict", &updated.conflict,
                               &updated.default_country, &errors);
    }
  }
  // Other top-level tables belong to other parts of the configuration.
  if (!errors.empty()) return errors.ToStatus();
  *options = std::move(updated);
  return Status::Ok();
}

Status LoadEngineConfig(const std::string& path, EngineOptions* options) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseEngineConfig(*text, path, options);
}

}  // namespace leadroute
