// upsert_opportunity, close_opportunity, get_opportunity, check, register,
// stats.
#include <cmath>
#include <cstring>

#include "json/records.h"
#include "protocol/decode.h"
#include "protocol/method_table.h"
#include "protocol/record_writer.h"
#include "util/time.h"

namespace leadroute::protocol {

namespace {

// Most opportunities in one upsert_opportunities.
constexpr std::size_t kMaxBatchOpportunities = 10000;

// One match as the writer's calls below write it, laid out in one buffer
// and written with one append, where its ids need no escaping and it fits
// (nearly always): through the writer, a match took ~20 calls and ~2,000
// instructions. False: nothing written.
bool WriteMatchAtOnce(const Match& m, JsonWriter& out) {
  constexpr std::size_t kMax = 512;
  const std::string_view kind = OwnerKindName(m.owner.kind);
  // The ids and the fixed text, then the number and the evidence.
  std::size_t size = m.opportunity_id.size() + m.owner.id.size() + kind.size() + 96 +
                     JsonWriter::kMaxNumber;
  for (Evidence e : m.matched_on) size += EvidenceName(e).size() + 3;
  if (size > kMax || !JsonWriter::Plain(m.opportunity_id) || !JsonWriter::Plain(m.owner.id)) {
    return false;
  }
  char buf[kMax];
  char* p = buf;
  const auto put = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  put(R"({"opportunity_id":")");
  put(m.opportunity_id);
  put(R"(","owner":{"kind":")");
  put(kind);
  put(R"(","id":")");
  put(m.owner.id);
  put(R"("},"score":)");
  p = JsonWriter::FormatDouble(std::round(m.score * 1000) / 1000, p);
  put(R"(,"matched_on":[)");
  for (std::size_t i = 0; i < m.matched_on.size(); ++i) {
    if (i > 0) *p++ = ',';
    *p++ = '"';
    put(EvidenceName(m.matched_on[i]));  // plain words
    *p++ = '"';
  }
  put("]}");
  out.Raw(std::string_view(buf, static_cast<std::size_t>(p - buf)));
  return true;
}

void WriteMatches(std::string_view key, const std::vector<Match>& matches,
                  JsonWriter& out) {
  out.Key(key);
  out.BeginArray();
  for (const Match& m : matches) {
    if (WriteMatchAtOnce(m, out)) continue;
    out.BeginObject();
    out.Field("opportunity_id", m.opportunity_id);
    out.Key("owner");
    WriteOwner(m.owner, out);
    out.Field("score", std::round(m.score * 1000) / 1000);
    out.Key("matched_on");
    out.BeginArray();
    for (Evidence e : m.matched_on) out.String(EvidenceName(e));
    out.EndArray();
    out.EndObject();
  }
  out.EndArray();
}

}  // namespace

Status HandleUpsertOpportunity(Engine& engine, od::value* params,
                               JsonWriter& out) {
  Opportunity opp;
  if (Status s = DecodeParam(params, "opportunity", &opp, json::DecodeOpportunity);
      !s.ok()) {
    return s;
  }
  bool created = false;
  if (Status s = engine.UpsertOpportunity(opp, &created); !s.ok()) return s;
  out.BeginObject();
  out.Field("id", opp.id);
  out.Field("created", created);
  out.EndObject();
  return Status::Ok();
}

Status HandleCloseOpportunity(Engine& engine, od::value* params,
                              JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "id");
  std::string id;
  std::string status_name;
  std::string actor;
  Status s = ForEachField(*params, "", [&](std::string_view key,
                                                 od::value& value) {
    if (key == "id") return ReadString(value, "id", &id, kMaxStoredField);
    if (key == "status") return ReadString(value, "status", &status_name, 32);
    if (key == "actor") return ReadString(value, "actor", &actor, kMaxStoredField);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (id.empty()) return Status::InvalidArgument("missing", "id");
  auto status = ParseStatus(status_name);
  if (!status || *status == OpportunityStatus::kOpen ||
      *status == OpportunityStatus::kPending) {
    return Status::InvalidArgument("must be won, lost, expired or withdrawn",
                                   "status");
  }
  if (Status c = engine.CloseOpportunity(id, *status, actor); !c.ok()) return c;
  out.BeginObject();
  out.Field("id", id);
  out.Field("status", StatusName(*status));
  out.EndObject();
  return Status::Ok();
}

Status HandleReviewRegistration(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "id");
  std::string id;
  std::string decision;
  std::string actor;
  Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
    if (key == "id") return ReadString(value, "id", &id, kMaxStoredField);
    if (key == "decision") return ReadString(value, "decision", &decision, 32);
    if (key == "actor") return ReadString(value, "actor", &actor, kMaxStoredField);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (id.empty()) return Status::InvalidArgument("missing", "id");
  if (decision != "approve" && decision != "reject") {
    return Status::InvalidArgument("must be approve or reject", "decision");
  }
  Opportunity after;
  if (Status r = engine.ReviewRegistration(id, decision == "approve", actor, &after); !r.ok()) {
    return r;
  }
  out.BeginObject();
  out.Field("id", id);
  out.Field("status", StatusName(after.status));
  WriteTime("expires_at", after.expires_at, out);
  out.EndObject();
  return Status::Ok();
}

Status HandleUpsertOpportunities(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "opportunities");
  // Each record decodes on its own, so one bad record of a CRM export
  // refuses only itself: a decoder that stops at a wrong field leaves the
  // rest of its record for the array's iteration to skip (the dispatcher
  // validated the whole line before, so skipping meets only good JSON).
  // Parsing each record's text again apart cost an import ~1,200
  // instructions a record.
  std::vector<Opportunity> opps;
  std::vector<Status> decoded;  // per record
  bool has = false;
  Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
    if (key != "opportunities") return Status::Ok();
    has = true;
    od::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return Status::InvalidArgument("must be an array of opportunities", "opportunities");
    }
    std::string path = "opportunities[";
    const std::size_t path_prefix = path.size();
    for (auto item : array) {
      if (decoded.size() == kMaxBatchOpportunities) {
        return Status::TooLarge("at most " + std::to_string(kMaxBatchOpportunities) +
                                " opportunities per upsert_opportunities");
      }
      path.resize(path_prefix);  // "opportunities[N]", one buffer for all
      path += std::to_string(decoded.size());
      path.push_back(']');
      od::value element;
      od::json_type type;
      if (std::move(item).get(element) != simdjson::SUCCESS ||
          element.type().get(type) != simdjson::SUCCESS) {
        return Status::InvalidArgument("malformed opportunity", path);
      }
      Opportunity& opp = opps.emplace_back();
      if (type != od::json_type::object) {
        decoded.push_back(Status::InvalidArgument("must be an object", path));
        continue;
      }
      decoded.push_back(json::DecodeOpportunity(element, path, &opp));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!has) return Status::InvalidArgument("missing", "opportunities");
  std::vector<Opportunity> good;
  good.reserve(opps.size());
  for (std::size_t i = 0; i < opps.size(); ++i) {
    if (decoded[i].ok()) good.push_back(std::move(opps[i]));
  }
  std::size_t created = 0;
  std::vector<bool> created_each;
  const std::vector<Status> statuses = engine.UpsertOpportunities(good, &created, &created_each);
  std::size_t failed = 0, next = 0;
  out.BeginObject();
  out.Key("results");
  out.BeginArray();
  for (std::size_t i = 0; i < decoded.size(); ++i) {
    if (!decoded[i].ok()) {
      ++failed;
      WriteBatchError(decoded[i], out);
      continue;
    }
    const std::size_t j = next++;
    if (statuses[j].ok()) {
      out.BeginObject();
      out.Field("id", good[j].id);
      out.Field("created", static_cast<bool>(created_each[j]));
      out.EndObject();
    } else {
      ++failed;
      WriteBatchError(
          InBatch(statuses[j], "opportunity", "opportunities[" + std::to_string(i) + "]"), out);
    }
  }
  out.EndArray();
  out.Field("created", static_cast<std::uint64_t>(created));
  out.Field("failed", static_cast<std::uint64_t>(failed));
  out.EndObject();
  return Status::Ok();
}

Status HandleOpportunityHistory(Engine& engine, od::value* params, JsonWriter& out) {
  std::string id;
  if (Status s = DecodeId(params, &id); !s.ok()) return s;
  auto history = engine.OpportunityHistory(id);
  if (!history) return Status::NotFound("no such opportunity");
  out.BeginObject();
  out.Field("id", id);
  out.Key("events");
  out.BeginArray();
  for (const HistoryEntry& e : *history) {
    out.BeginObject();
    WriteTime("at", e.at, out);
    out.Field("event", HistoryEventName(e.event));
    out.Field("status", StatusName(e.status));
    WriteTime("expires_at", e.expires_at, out);
    out.Field("actor", e.actor);
    out.EndObject();
  }
  out.EndArray();
  out.EndObject();
  return Status::Ok();
}

Status HandleProtectionAt(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "customer");
  Opportunity customer;
  std::int64_t at = 0;
  bool has_customer = false;
  Status s = ForEachField(*params, "", [&](std::string_view key, od::value& value) {
    if (key == "customer") {
      has_customer = true;
      return DecodeParty(value, "customer", &customer.party, kMaxStoredField);
    }
    if (key == "at") return ReadTime(value, "at", &at);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!has_customer || !customer.party.HasIdentity()) {
    return Status::InvalidArgument(
        std::string(kNeedsIdentity),
        "customer");
  }
  if (at == 0) return Status::InvalidArgument("missing", "at");
  const std::vector<Match> holders = engine.ProtectionAt(customer, at);
  out.BeginObject();
  WriteTime("at", at, out);
  WriteMatches("holders", holders, out);
  out.EndObject();
  return Status::Ok();
}

Status HandleGetOpportunity(Engine& engine, od::value* params, JsonWriter& out) {
  std::string id;
  if (Status s = DecodeId(params, &id); !s.ok()) return s;
  auto opp = engine.GetOpportunity(id);
  if (!opp) return Status::NotFound("no such opportunity");
  WriteOpportunity(*opp, out);
  return Status::Ok();
}

Status HandleCheck(Engine& engine, od::value* params, JsonWriter& out) {
  Opportunity deal;
  if (Status s = DecodeParam(params, "deal", &deal, json::DecodeOpportunity); !s.ok()) {
    return s;
  }
  if (!deal.party.HasIdentity()) {
    return Status::InvalidArgument(
        std::string(kNeedsIdentity),
        "deal");
  }
  const CheckResult result = engine.Check(deal);
  out.BeginObject();
  out.Field("status", CheckStatusName(result.status));
  WriteMatches("matches", result.matches, out);
  out.EndObject();
  return Status::Ok();
}

Status HandleRegister(Engine& engine, od::value* params, JsonWriter& out) {
  Opportunity deal;
  if (Status s = DecodeParam(params, "deal", &deal, json::DecodeOpportunity); !s.ok()) {
    return s;
  }
  auto result = engine.Register(std::move(deal));
  if (!result.ok()) return result.status();
  out.BeginObject();
  out.Field("status", RegisterStatusName(result->status));
  out.Field("opportunity_id", result->opportunity_id);
  WriteTime("expires_at", result->expires_at, out);
  WriteMatches("matches", result->matches, out);
  out.EndObject();
  return Status::Ok();
}

Status HandleStats(Engine& engine, od::value* params, JsonWriter& out) {
  const EngineStats stats = engine.Stats();
  out.BeginObject();
  out.Field("opportunities", static_cast<std::uint64_t>(stats.opportunities));
  out.Field("active_opportunities", static_cast<std::uint64_t>(stats.active));
  out.Field("partners", static_cast<std::uint64_t>(stats.partners));
  out.Key("rules_version");
  if (stats.rules_version.empty()) {
    out.Null();
  } else {
    out.String(stats.rules_version);
  }
  out.Field("leads_routed", stats.leads_routed);
  out.Field("leads_unassigned", stats.leads_unassigned);
  out.Field("leads_open", stats.leads_open);
  out.Field("leads_accepted", stats.leads_accepted);
  out.Field("leads_declined", stats.leads_declined);
  out.Field("leads_closed", stats.leads_closed);
  out.Key("index_bytes");
  out.BeginObject();
  out.Field("records", static_cast<std::uint64_t>(stats.record_bytes));
  out.Field("slots", static_cast<std::uint64_t>(stats.slot_bytes));
  out.Field("histories", static_cast<std::uint64_t>(stats.history_bytes));
  out.Field("posting_buckets", static_cast<std::uint64_t>(stats.posting_bytes));
  out.Field("posting_lists", static_cast<std::uint64_t>(stats.posting_list_bytes));
  out.EndObject();
  out.Field("index_keys", static_cast<std::uint64_t>(stats.posted_keys));
  out.EndObject();
  return Status::Ok();
}

}  // namespace leadroute::protocol
