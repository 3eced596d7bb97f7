#include "protocol/record_writer.h"

#include "util/time.h"

namespace leadroute::protocol {

void WritePartyFields(const Party& p, JsonWriter& out) {
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"company", &p.company},         {"domain", &p.domain},
      {"email", &p.email},             {"first_name", &p.first_name},
      {"last_name", &p.last_name},     {"phone", &p.phone},
      {"street", &p.street},           {"city", &p.city},
      {"postal_code", &p.postal_code}, {"region", &p.region},
      {"country", &p.country}};
  for (const auto& [name, value] : fields) {
    if (!value->empty()) out.Field(name, *value);
  }
}

void WritePartner(const Partner& p, JsonWriter& out) {
  out.BeginObject();
  out.Field("id", p.id);
  if (!p.name.empty()) out.Field("name", p.name);
  if (!p.tier.empty()) out.Field("tier", p.tier);
  out.Field("active", p.active);
  const std::pair<std::string_view, const std::vector<std::string>*> lists[] = {
      {"territories", &p.territories}, {"accounts", &p.accounts},
      {"products", &p.products},       {"certifications", &p.certifications},
      {"industries", &p.industries},   {"languages", &p.languages}};
  for (const auto& [name, list] : lists) {
    out.Key(name);
    out.BeginArray();
    for (const auto& v : *list) out.String(v);
    out.EndArray();
  }
  out.Key("capacity");
  if (p.capacity) {
    out.Uint(*p.capacity);
  } else {
    out.Null();
  }
  out.Key("performance");
  out.BeginObject();
  for (const auto& [name, value] : p.performance) out.Field(name, value);
  out.EndObject();
  if (p.weight != 0) out.Field("weight", p.weight);
  out.EndObject();
}

void WriteLead(const Lead& lead, JsonWriter& out) {
  out.BeginObject();
  out.Field("id", lead.id);
  WritePartyFields(lead.party, out);
  if (!lead.industry.empty()) out.Field("industry", lead.industry);
  if (lead.employees) out.Field("employees", *lead.employees);
  if (lead.annual_revenue) out.Field("annual_revenue", *lead.annual_revenue);
  out.Key("products");
  out.BeginArray();
  for (const auto& p : lead.products) out.String(p);
  out.EndArray();
  if (!lead.language.empty()) out.Field("language", lead.language);
  if (!lead.source.empty()) out.Field("source", lead.source);
  if (lead.received_at != 0) out.Field("received_at", FormatRfc3339(lead.received_at));
  out.EndObject();
}

}  // namespace leadroute::protocol
