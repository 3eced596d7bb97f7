#include "protocol/record_writer.h"

#include <cmath>

#include "leadroute/status.h"
#include "util/time.h"

namespace leadroute::protocol {

void WritePartyFields(const Party& p, JsonWriter& out) {
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"company", &p.company},         {"domain", &p.domain},
      {"email", &p.email},             {"first_name", &p.first_name},
      {"last_name", &p.last_name},     {"phone", &p.phone},
      {"street", &p.street},           {"city", &p.city},
      {"postal_code", &p.postal_code}, {"region", &p.region},
      {"country", &p.country},         {"birth_date", &p.birth_date}};
  for (const auto& [name, value] : fields) {
    if (!value->empty()) out.Field(name, *value);
  }
  if (!p.ids.empty()) {
    out.Key("ids");
    out.BeginObject();
    for (const PartyId& id : p.ids) out.Field(id.type, id.value);
    out.EndObject();
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
  if (lead.received_at != 0) WriteTime("received_at", lead.received_at, out);
  out.EndObject();
}

void WriteOwner(const Owner& owner, JsonWriter& out) {
  out.BeginObject();
  out.Field("kind", OwnerKindName(owner.kind));
  out.Field("id", owner.id);
  out.EndObject();
}

void WriteTime(std::string_view key, std::int64_t t, JsonWriter& out) {
  out.Key(key);
  if (t == 0) {
    out.Null();
  } else {
    char buf[kRfc3339Max];
    out.String(std::string_view(buf, FormatRfc3339(t, buf)));
  }
}

void WriteOpportunity(const Opportunity& o, JsonWriter& out) {
  out.BeginObject();
  out.Field("id", o.id);
  out.Key("owner");
  WriteOwner(o.owner, out);
  WritePartyFields(o.party, out);
  out.Key("products");
  out.BeginArray();
  for (const auto& product : o.products) out.String(product);
  out.EndArray();
  if (o.amount) out.Field("amount", *o.amount);
  out.Field("status", StatusName(o.status));
  WriteTime("registered_at", o.registered_at, out);
  WriteTime("expires_at", o.expires_at, out);
  out.EndObject();
}

void WriteRoute(const RouteResult& r, bool explain, JsonWriter& out) {
  out.BeginObject();
  out.Field("lead_id", r.lead_id);
  out.Field("decision", RouteDecisionName(r.decision));
  out.Key("assignee");
  if (r.decision == RouteDecision::kUnassigned) {
    out.Null();
  } else {
    out.BeginObject();
    out.Field("kind", OwnerKindName(r.assignee.kind));
    out.Field("id", r.assignee.id);
    out.EndObject();
  }
  if (r.decision == RouteDecision::kOwner) out.Field("opportunity_id", r.opportunity_id);
  out.Field("score", Rounded(r.score));
  out.Key("reasons");
  out.BeginArray();
  for (const auto& reason : r.reasons) out.String(reason);
  out.EndArray();
  if (explain) {
    out.Key("candidates");
    out.BeginArray();
    for (const RouteCandidate& c : r.candidates) {
      out.BeginObject();
      out.Field("partner_id", c.partner_id);
      out.Field("score", Rounded(c.score));
      out.Key("factors");
      out.BeginObject();
      for (const auto& [name, value] : c.factors) out.Field(name, Rounded(value));
      out.EndObject();
      out.EndObject();
    }
    out.EndArray();
    out.Key("excluded");
    out.BeginObject();
    for (const auto& [name, count] : r.excluded) {
      out.Field(name, static_cast<std::uint64_t>(count));
    }
    out.EndObject();
  }
  out.EndObject();
}

// An error inside a batch answer: the JSON-RPC error object's shape.
void WriteBatchError(const Status& s, JsonWriter& out) {
  out.BeginObject();
  out.Key("error");
  out.BeginObject();
  out.Field("message", s.message());
  if (!s.field().empty()) out.Field("field", s.field());
  out.EndObject();
  out.EndObject();
}

Status InBatch(const Status& s, std::string_view record, std::string_view place) {
  const std::string_view field = s.field();
  if (s.code() != Status::Code::kInvalidArgument || !field.starts_with(record) ||
      (field.size() > record.size() && field[record.size()] != '.')) {
    return s;
  }
  return Status::InvalidArgument(s.message(),
                                 std::string(place) + std::string(field.substr(record.size())));
}

}  // namespace leadroute::protocol
