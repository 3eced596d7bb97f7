#include "rules/partners_file.h"

#include "json/records.h"

namespace leadroute::rules {

namespace {

constexpr std::size_t kMaxLine = 1 << 20;

// "partner.capacity" -> "capacity"; "partner.performance.x" -> "performance".
std::string_view TopField(std::string_view path) {
  if (path.starts_with("partner.")) path.remove_prefix(8);
  return path.substr(0, path.find_first_of(".["));
}

}  // namespace

std::size_t FieldColumn(std::string_view line, std::string_view field) {
  if (field.empty()) return 1;
  std::string quoted;
  quoted.reserve(field.size() + 2);
  quoted.push_back('"');
  quoted.append(field);
  quoted.push_back('"');
  const std::size_t at = line.find(quoted);
  return at == std::string_view::npos ? 1 : at + 1;
}

Status ParsePartnersJsonl(std::string_view text, std::string_view name,
                          std::vector<Partner>* partners,
                          std::vector<PartnerSource>* sources) {
  simdjson::ondemand::parser parser;
  simdjson::dom::parser validator;
  std::vector<std::string> errors;
  std::vector<Partner> out;
  std::vector<PartnerSource> out_sources;
  std::size_t line_no = 0;
  auto error = [&](std::size_t col, std::string_view message) {
    errors.push_back(std::string(name) + ":" + std::to_string(line_no) + ":" +
                     std::to_string(col) + ": " + std::string(message));
  };
  simdjson::padded_string padded;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.size() > kMaxLine) {
      error(1, "line too long");
      continue;
    }
    padded = simdjson::padded_string(line);
    // The whole line first: on-demand parsing skips what it does not read.
    simdjson::dom::element root;
    if (validator.parse(padded).get(root) != simdjson::SUCCESS) {
      error(1, "not valid JSON");
      continue;
    }
    if (!root.is_object()) {
      error(1, "a partner must be a JSON object");
      continue;
    }
    simdjson::ondemand::document doc;
    simdjson::ondemand::value value;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
        doc.get_value().get(value) != simdjson::SUCCESS) {
      error(1, "not a JSON object");
      continue;
    }
    Partner p;
    Status s = json::DecodePartner(value, "partner", &p);
    if (!s.ok()) {
      const std::string_view field = TopField(s.field());
      std::string message(s.message());
      if (!s.field().empty()) message = std::string(s.field()) + ": " + message;
      error(FieldColumn(line, field), message);
      continue;
    }
    out.push_back(std::move(p));
    out_sources.push_back({std::string(name) + ":" + std::to_string(line_no), line});
  }
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) {
      if (!all.empty()) all.push_back('\n');
      all += e;
    }
    return Status::InvalidArgument(all);
  }
  for (auto& p : out) partners->push_back(std::move(p));
  for (auto& w : out_sources) sources->push_back(std::move(w));
  return Status::Ok();
}

}  // namespace leadroute::rules
