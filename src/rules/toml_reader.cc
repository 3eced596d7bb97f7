#include "rules/toml_reader.h"

#include <algorithm>
#include <charconv>

#include "leadroute/normalizer.h"
#include "rules/iso_codes.h"

namespace leadroute::rules {

void TomlErrors::Add(const toml::source_region& where, std::string_view message) {
  lines_.push_back({where.begin.line, where.begin.column,
                    Where(where) + ": " + std::string(message)});
}

std::string TomlErrors::Where(const toml::source_region& where) const {
  return file_ + ":" + std::to_string(where.begin.line) + ":" +
         std::to_string(where.begin.column);
}

Status TomlErrors::ToStatus() const {
  std::vector<Line> sorted = lines_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Line& a, const Line& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::string all;
  for (const auto& line : sorted) {
    if (!all.empty()) all.push_back('\n');
    all += line.text;
  }
  return Status::InvalidArgument(all);
}

std::optional<toml::table> ParseToml(std::string_view text, std::string_view name,
                                     TomlErrors* errors) {
  try {
    return toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    errors->Add(e.source(), e.description());
    return std::nullopt;
  }
}

namespace {

// A bound as to_chars writes it, shortest: "0", "0.5", "1e+12",
// "1.7976931348623157e+308" (std::to_string gave "0.000000" and 309
// digits for the largest double).
std::string Bound(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

void ReadNumber(const toml::node& node, std::string_view key, double lo,
                double hi, double* out, TomlErrors* errors) {
  std::optional<double> v = node.value<double>();
  if (!node.is_number() || !v) {
    errors->Add(node.source(), std::string(key) + " must be a number");
    return;
  }
  if (!(*v >= lo && *v <= hi)) {
    errors->Add(node.source(), std::string(key) + " must be between " + Bound(lo) + " and " +
                                   Bound(hi));
    return;
  }
  *out = *v;
}

void ReadInteger(const toml::node& node, std::string_view key, std::int64_t lo,
                 std::int64_t hi, std::int64_t* out, TomlErrors* errors) {
  std::optional<std::int64_t> v = node.value_exact<std::int64_t>();
  if (!v || *v < lo || *v > hi) {
    errors->Add(node.source(), std::string(key) + " must be an integer from " +
                                   std::to_string(lo) + " to " + std::to_string(hi));
    return;
  }
  *out = *v;
}

void ReadBool(const toml::node& node, std::string_view key, bool* out,
              TomlErrors* errors) {
  std::optional<bool> v = node.value_exact<bool>();
  if (!v) {
    errors->Add(node.source(), std::string(key) + " must be true or false");
    return;
  }
  *out = *v;
}

void ReadString(const toml::node& node, std::string_view key, std::string* out,
                TomlErrors* errors) {
  std::optional<std::string> v = node.value_exact<std::string>();
  if (!v) {
    errors->Add(node.source(), std::string(key) + " must be a string");
    return;
  }
  *out = std::move(*v);
}

void ReadStrings(const toml::node& node, std::string_view key,
                 std::vector<std::string>* out, TomlErrors* errors) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    errors->Add(node.source(), std::string(key) + " must be an array of strings");
    return;
  }
  std::vector<std::string> values;
  for (const toml::node& element : *array) {
    std::optional<std::string> v = element.value_exact<std::string>();
    if (!v) {
      errors->Add(element.source(), std::string(key) + " must be an array of strings");
      return;
    }
    values.push_back(std::move(*v));
  }
  *out = std::move(values);
}

const toml::table* AsTable(const toml::node& node, std::string_view key,
                           TomlErrors* errors) {
  const toml::table* table = node.as_table();
  if (table == nullptr) errors->Add(node.source(), std::string(key) + " must be a table");
  return table;
}

namespace {

void ReadWeights(const toml::table& table, std::string_view section,
                 MatchWeights* w, TomlErrors* errors) {
  struct Entry {
    std::string_view name;
    double* value;
  };
  const Entry entries[] = {
      {"identifier", &w->identifier},
      {"identifier_mismatch", &w->identifier_mismatch},
      {"domain", &w->domain}, {"domain_mismatch", &w->domain_mismatch},
      {"email", &w->email}, {"phone", &w->phone}, {"company", &w->company},
      {"company_fuzzy", &w->company_fuzzy},
      {"company_acronym", &w->company_acronym},
      {"company_mismatch", &w->company_mismatch}, {"given", &w->given},
      {"surname", &w->surname}, {"name_close", &w->name_close},
      {"name_near", &w->name_near}, {"given_mismatch", &w->given_mismatch},
      {"surname_mismatch", &w->surname_mismatch},
      {"person_cap", &w->person_cap}, {"shared_mailbox", &w->shared_mailbox},
      {"other_person_cap", &w->other_person_cap},
      {"birth_date", &w->birth_date}, {"birth_date_near", &w->birth_date_near},
      {"birth_date_mismatch", &w->birth_date_mismatch},
      {"number", &w->number}, {"number_mismatch", &w->number_mismatch},
      {"street", &w->street}, {"street_mismatch", &w->street_mismatch},
      {"postal", &w->postal}, {"postal_near", &w->postal_near},
      {"postal_mismatch", &w->postal_mismatch}, {"city", &w->city},
      {"city_mismatch", &w->city_mismatch}, {"address_cap", &w->address_cap},
      {"unplaced_address_cap", &w->unplaced_address_cap},
      {"city_alone_cap", &w->city_alone_cap}, {"fuzzy_name_cap", &w->fuzzy_name_cap},
      {"country", &w->country}, {"country_mismatch", &w->country_mismatch},
      {"midpoint", &w->midpoint}, {"slope", &w->slope}};
  for (const auto& [key, node] : table) {
    const Entry* entry = nullptr;
    for (const Entry& e : entries) {
      if (e.name == key.str()) entry = &e;
    }
    if (entry == nullptr) {
      errors->Add(key.source(), "unknown key " + std::string(section) +
                                    ".weights." + std::string(key.str()));
      continue;
    }
    ReadNumber(node, key.str(), -100, 100, entry->value, errors);
  }
}

}  // namespace

void ReadConflictTable(const toml::table& table, std::string_view section,
                       ConflictPolicy* p, std::string* default_country,
                       TomlErrors* errors, bool check_thresholds) {
  for (const auto& [key, node] : table) {
    const std::string_view k = key.str();
    std::int64_t integer = 0;
    if (k == "conflict_threshold") {
      ReadNumber(node, k, 0, 1, &p->conflict_threshold, errors);
    } else if (k == "review_threshold") {
      ReadNumber(node, k, 0, 1, &p->review_threshold, errors);
    } else if (k == "protection_days") {
      ReadInteger(node, k, 1, 36500, &integer, errors);
      if (integer != 0) p->protection_days = static_cast<int>(integer);
    } else if (k == "max_matches") {
      ReadInteger(node, k, 1, 1000, &integer, errors);
      if (integer != 0) p->max_matches = static_cast<std::size_t>(integer);
    } else if (k == "product_lines_conflict") {
      ReadBool(node, k, &p->product_lines_conflict, errors);
    } else if (k == "direct_precedence") {
      ReadBool(node, k, &p->direct_precedence, errors);
    } else if (k == "default_country" && default_country != nullptr) {
      std::optional<std::string> v = node.value_exact<std::string>();
      std::optional<std::string> code = v ? Normalizer::Country(*v) : std::nullopt;
      if (!code || !IsCountryCode(*code)) {  // ("XX" reads as a code, and is none)
        errors->Add(node.source(), "default_country must name a country (ISO 3166-1 alpha-2, alpha-3 or its name)");
      } else {
        *default_country = *code;
      }
    } else if (k == "weights") {
      if (const toml::table* weights = AsTable(node, "weights", errors)) {
        ReadWeights(*weights, section, &p->weights, errors);
      }
    } else {
      errors->Add(key.source(), "unknown key " + std::string(section) + "." + std::string(k));
    }
  }
  if (check_thresholds && p->review_threshold > p->conflict_threshold) {
    errors->Add(table.source(), "review_threshold must not exceed conflict_threshold");
  }
}

}  // namespace leadroute::rules
