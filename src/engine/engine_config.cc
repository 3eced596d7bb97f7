#include "engine/engine_config.h"

#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

namespace leadroute {

namespace {

constexpr std::size_t kMaxConfigBytes = 1 << 20;

struct Errors {
  std::string_view file;
  std::vector<std::string> lines;

  void Add(const toml::source_region& where, std::string_view message) {
    lines.push_back(std::string(file) + ":" + std::to_string(where.begin.line) +
                    ":" + std::to_string(where.begin.column) + ": " +
                    std::string(message));
  }
};

// A number (integers accepted) in [lo, hi].
void ReadNumber(const toml::node& node, std::string_view key, double lo,
                double hi, double* out, Errors* errors) {
  std::optional<double> v = node.value<double>();
  if (!node.is_number() || !v) {
    errors->Add(node.source(), std::string(key) + " must be a number");
    return;
  }
  if (*v < lo || *v > hi) {
    errors->Add(node.source(), std::string(key) + " must be between " +
                                   std::to_string(lo) + " and " + std::to_string(hi));
    return;
  }
  *out = *v;
}

void ReadWeights(const toml::table& table, MatchWeights* w, Errors* errors) {
  struct Entry {
    std::string_view name;
    double* value;
  };
  const Entry entries[] = {
      {"domain", &w->domain}, {"domain_mismatch", &w->domain_mismatch},
      {"email", &w->email}, {"phone", &w->phone}, {"company", &w->company},
      {"company_fuzzy", &w->company_fuzzy},
      {"company_acronym", &w->company_acronym},
      {"company_mismatch", &w->company_mismatch}, {"given", &w->given},
      {"surname", &w->surname}, {"name_close", &w->name_close},
      {"name_near", &w->name_near}, {"given_mismatch", &w->given_mismatch},
      {"surname_mismatch", &w->surname_mismatch},
      {"person_cap", &w->person_cap}, {"shared_mailbox", &w->shared_mailbox},
      {"number", &w->number}, {"number_mismatch", &w->number_mismatch},
      {"street", &w->street}, {"street_mismatch", &w->street_mismatch},
      {"postal", &w->postal}, {"postal_near", &w->postal_near},
      {"postal_mismatch", &w->postal_mismatch}, {"city", &w->city},
      {"city_mismatch", &w->city_mismatch}, {"address_cap", &w->address_cap},
      {"country", &w->country}, {"country_mismatch", &w->country_mismatch},
      {"midpoint", &w->midpoint}, {"slope", &w->slope}};
  for (const auto& [key, node] : table) {
    const Entry* entry = nullptr;
    for (const Entry& e : entries) {
      if (e.name == key.str()) entry = &e;
    }
    if (entry == nullptr) {
      errors->Add(key.source(), "unknown key conflict.weights." + std::string(key.str()));
      continue;
    }
    ReadNumber(node, key.str(), -100, 100, entry->value, errors);
  }
}

void ReadConflict(const toml::table& table, EngineOptions* options,
                  Errors* errors) {
  ConflictPolicy& p = options->conflict;
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    if (k == "conflict_threshold") {
      ReadNumber(node, k, 0, 1, &p.conflict_threshold, errors);
    } else if (k == "review_threshold") {
      ReadNumber(node, k, 0, 1, &p.review_threshold, errors);
    } else if (k == "protection_days" || k == "max_matches") {
      std::optional<std::int64_t> v = node.value_exact<std::int64_t>();
      if (!v || *v < 1 || *v > 36500) {
        errors->Add(node.source(), std::string(k) + " must be an integer from 1 to 36500");
      } else if (k == "protection_days") {
        p.protection_days = static_cast<int>(*v);
      } else {
        p.max_matches = static_cast<std::size_t>(*v);
      }
    } else if (k == "default_country") {
      std::optional<std::string> v = node.value_exact<std::string>();
      std::optional<std::string> code = v ? Normalizer::Country(*v) : std::nullopt;
      if (!code) {
        errors->Add(node.source(), "default_country must be an ISO 3166-1 alpha-2 code");
      } else {
        options->default_country = *code;
      }
    } else if (k == "weights") {
      if (const toml::table* weights = node.as_table()) {
        ReadWeights(*weights, &p.weights, errors);
      } else {
        errors->Add(node.source(), "weights must be a table");
      }
    } else {
      errors->Add(key.source(), "unknown key conflict." + std::string(k));
    }
  }
  if (p.review_threshold > p.conflict_threshold) {
    errors->Add(table.source(),
                "review_threshold must not exceed conflict_threshold");
  }
}

}  // namespace

Status ParseEngineConfig(std::string_view text, std::string_view name,
                         EngineOptions* options) {
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument(std::string(name) + ":1:1: file too large");
  }
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(
        std::string(name) + ":" + std::to_string(e.source().begin.line) + ":" +
        std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  EngineOptions updated = *options;
  Errors errors{name, {}};
  if (const toml::node* conflict = root.get("conflict")) {
    if (const toml::table* table = conflict->as_table()) {
      ReadConflict(*table, &updated, &errors);
    } else {
      errors.Add(conflict->source(), "conflict must be a table");
    }
  }
  // Other top-level tables belong to other parts of the configuration.
  if (!errors.lines.empty()) {
    std::string all;
    for (const auto& line : errors.lines) all += (all.empty() ? "" : "\n") + line;
    return Status::InvalidArgument(all);
  }
  *options = std::move(updated);
  return Status::Ok();
}

Status LoadEngineConfig(const std::string& path, EngineOptions* options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseEngineConfig(text.str(), path, options);
}

}  // namespace leadroute
