// route, route_batch, lead_feedback, upsert_partner, remove_partner,
// get_partner, partner_stats, reload_rules.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "json/records.h"
#include "protocol/decode.h"
#include "protocol/method_table.h"
#include "protocol/record_writer.h"

namespace leadroute::protocol {

namespace {

// Most leads in one route_batch.
constexpr std::size_t kMaxBatchLeads = 10000;

Status ReadOptions(std::string_view key, od::value& value, RouteOptions* options) {
  if (key == "dry_run") return ReadBool(value, "dry_run", &options->dry_run);
  if (key == "explain") return ReadBool(value, "explain", &options->explain);
  return Status::Ok();
}

}  // namespace

Status HandleRoute(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "lead");
  Lead lead;
  bool has_lead = false;
  RouteOptions options;
  Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
    if (key == "lead") {
      has_lead = true;
      return json::DecodeLead(value, "lead", &lead);
    }
    return ReadOptions(key, value, &options);
  });
  if (!s.ok()) return s;
  if (!has_lead) return Status::InvalidArgument("missing", "lead");
  auto result = engine.Route(std::move(lead), options);
  if (!result.ok()) return result.status();
  WriteRoute(*result, options.explain, out);
  return Status::Ok();
}

Status HandleRouteBatch(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "leads");
  std::vector<Lead> leads;
  // A lead that does not decode gets its error in its place, as one the
  // engine refuses does, and the others are routed: (position, error).
  std::vector<std::pair<std::size_t, Status>> refused;
  std::size_t given = 0;
  bool has_leads = false;
  RouteOptions options;
  Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
    if (key != "leads") return ReadOptions(key, value, &options);
    has_leads = true;
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return Status::InvalidArgument("must be an array of leads", "leads");
    }
    for (auto item : array) {
      od::value element;
      if (std::move(item).get(element) != simdjson::SUCCESS) {
        return Status::InvalidArgument("malformed lead", "leads");
      }
      if (given == kMaxBatchLeads) {
        return Status::TooLarge("at most " + std::to_string(kMaxBatchLeads) +
                                " leads per route_batch");
      }
      const std::string path = "leads[" + std::to_string(given) + "]";
      if (Status d = json::DecodeLead(element, path, &leads.emplace_back()); !d.ok()) {
        leads.pop_back();
        refused.emplace_back(given, std::move(d));
      }
      ++given;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!has_leads) return Status::InvalidArgument("missing", "leads");
  const auto results = engine.RouteBatch(std::move(leads), options);
  out.BeginObject();
  out.Key("results");
  out.BeginArray();
  auto next_refused = refused.begin();
  auto next_result = results.begin();
  for (std::size_t i = 0; i < given; ++i) {
    if (next_refused != refused.end() && next_refused->first == i) {
      WriteBatchError((next_refused++)->second, out);
    } else if (const auto& r = *next_result++; r.ok()) {
      WriteRoute(*r, options.explain, out);
    } else {
      WriteBatchError(InBatch(r.status(), "lead", "leads[" + std::to_string(i) + "]"), out);
    }
  }
  out.EndArray();
  out.EndObject();
  return Status::Ok();
}

Status HandleLeadFeedback(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "lead_id");
  std::string lead_id, partner_id, outcome_name;
  Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
    if (key == "lead_id") return ReadString(value, "lead_id", &lead_id, kMaxStoredField);
    if (key == "partner_id") return ReadString(value, "partner_id", &partner_id, kMaxStoredField);
    if (key == "outcome") return ReadString(value, "outcome", &outcome_name, 32);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (lead_id.empty()) return Status::InvalidArgument("missing", "lead_id");
  if (partner_id.empty()) return Status::InvalidArgument("missing", "partner_id");
  auto outcome = ParseLeadOutcome(outcome_name);
  if (!outcome) {
    return Status::InvalidArgument("must be accepted, declined or closed", "outcome");
  }
  std::optional<RouteResult> rerouted;
  if (Status f = engine.LeadFeedback(lead_id, partner_id, *outcome, &rerouted); !f.ok()) {
    return f;
  }
  out.BeginObject();
  out.Field("lead_id", lead_id);
  out.Field("partner_id", partner_id);
  out.Field("outcome", outcome_name);
  if (rerouted) {
    out.Key("route");
    WriteRoute(*rerouted, false, out);
  }
  out.EndObject();
  return Status::Ok();
}

Status HandleUpsertPartner(Engine& engine, od::value* params, JsonWriter& out) {
  Partner partner;
  // On the wire unknown fields are ignored (CONTRACT §3).
  auto decode = [](od::value& v, std::string_view path, Partner* out) {
    return json::DecodePartner(v, path, out);
  };
  if (Status s = DecodeParam(params, "partner", &partner, decode); !s.ok()) {
    return s;
  }
  auto created = engine.UpsertPartner(partner);
  if (!created.ok()) return created.status();
  out.BeginObject();
  out.Field("id", partner.id);
  out.Field("created", *created);
  out.EndObject();
  return Status::Ok();
}

Status HandleRemovePartner(Engine& engine, od::value* params, JsonWriter& out) {
  std::string id;
  if (Status s = DecodeId(params, &id); !s.ok()) return s;
  if (Status s = engine.RemovePartner(id); !s.ok()) return s;
  out.BeginObject();
  out.Field("id", id);
  out.Field("removed", true);
  out.EndObject();
  return Status::Ok();
}

Status HandleGetPartner(Engine& engine, od::value* params, JsonWriter& out) {
  std::string id;
  if (Status s = DecodeId(params, &id); !s.ok()) return s;
  auto partner = engine.GetPartner(id);
  if (!partner) return Status::NotFound("no such partner");
  WritePartner(*partner, out);
  return Status::Ok();
}

namespace {

void WritePartnerStats(const PartnerStats& stats, JsonWriter& out) {
  out.BeginObject();
  out.Field("id", stats.partner_id);
  out.Field("received", stats.received);
  out.Field("open", stats.open);
  out.Field("accepted", stats.accepted);
  out.Field("declined", stats.declined);
  out.Field("closed", stats.closed);
  out.Key("capacity");
  if (stats.capacity) {
    out.Uint(*stats.capacity);
  } else {
    out.Null();
  }
  out.Key("load");
  if (stats.capacity && *stats.capacity > 0) {
    out.Double(Rounded(static_cast<double>(stats.open) / *stats.capacity));
  } else {
    out.Null();
  }
  out.EndObject();
}

// Most partners in one page of partner_stats without an id.
constexpr std::size_t kMaxStatsPage = 10000;

}  // namespace

Status HandlePartnerStats(Engine& engine, od::value* params, JsonWriter& out) {
  std::string id;
  bool has_id = false;  // an empty id is no id, not a request for all
  std::string after;
  std::optional<double> limit;
  if (params != nullptr) {
    Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
      if (key == "id") {
        od::json_type type;
        has_id = value.type().get(type) == simdjson::SUCCESS && type != od::json_type::null;
        return ReadString(value, "id", &id, kMaxStoredField);
      }
      if (key == "after") return ReadString(value, "after", &after, kMaxStoredField);
      if (key == "limit") return json::ReadDouble(value, "limit", &limit);
      return Status::Ok();
    });
    if (!s.ok()) return s;
  }
  if (has_id) {
    if (id.empty()) return Status::InvalidArgument("must not be empty", "id");
    auto stats = engine.GetPartnerStats(id);
    if (!stats.ok()) return stats.status();
    WritePartnerStats(*stats, out);
    return Status::Ok();
  }
  // Every partner, a page at a time.
  if (limit && !(*limit >= 1 && *limit <= kMaxStatsPage && std::floor(*limit) == *limit)) {
    return Status::InvalidArgument("must be a whole number from 1 to 10000", "limit");
  }
  bool more = false;
  const std::vector<PartnerStats> page = engine.GetPartnerStatsPage(
      after, limit ? static_cast<std::size_t>(*limit) : 1000, &more);
  out.BeginObject();
  out.Key("partners");
  out.BeginArray();
  for (const PartnerStats& s : page) WritePartnerStats(s, out);
  out.EndArray();
  out.Key("next");
  if (more && !page.empty()) {
    out.String(page.back().partner_id);
  } else {
    out.Null();
  }
  out.EndObject();
  return Status::Ok();
}

Status HandleReloadRules(Engine& engine, od::value* /*params*/, JsonWriter& out) {
  auto info = engine.ReloadRules();
  if (!info.ok()) {
    if (info.status().code() == Status::Code::kNotFound) {
      return Status::InvalidRules(info.status().message());
    }
    return info.status();
  }
  out.BeginObject();
  out.Field("rules_version", info->version);
  out.Field("partners", static_cast<std::uint64_t>(info->partners));
  if (!info->warnings.empty()) {
    out.Key("warnings");
    out.BeginArray();
    for (const std::string& w : info->warnings) out.String(w);
    out.EndArray();
  }
  out.EndObject();
  return Status::Ok();
}

}  // namespace leadroute::protocol
