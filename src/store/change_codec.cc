#include "store/change_codec.h"

#include <functional>

#include "json/records.h"
#include "protocol/json_writer.h"
#include "protocol/record_writer.h"
#include "util/time.h"

namespace leadroute::store {

namespace {

namespace od = simdjson::ondemand;
using protocol::JsonWriter;

void WriteStrings(std::string_view key, const std::vector<std::string>& list, JsonWriter& w) {
  w.Key(key);
  w.BeginArray();
  for (const std::string& s : list) w.String(s);
  w.EndArray();
}

// The journal's opportunity: DecodeOpportunity refuses "pending" from
// clients, so a pending record is written open with "pending": true beside.
void WriteStoredOpportunity(const Opportunity& o, JsonWriter& w) {
  if (o.status != OpportunityStatus::kPending) {
    w.Key("opportunity");
    protocol::WriteOpportunity(o, w);
    return;
  }
  Opportunity open = o;
  open.status = OpportunityStatus::kOpen;
  w.Key("opportunity");
  protocol::WriteOpportunity(open, w);
  w.Field("pending", true);
}

Status ReadUint(od::value& v, std::string_view path, std::uint64_t* out) {
  if (v.get_uint64().get(*out) != simdjson::SUCCESS) {
    return Status::InvalidArgument("must be a whole number", path);
  }
  return Status::Ok();
}

template <typename Enum, typename Parse>
Status ReadEnum(od::value& v, std::string_view path, Parse parse, Enum* out) {
  std::string name;
  if (Status s = json::ReadString(v, path, &name, 64); !s.ok()) return s;
  auto parsed = parse(name);
  if (!parsed) return Status::InvalidArgument("unknown value '" + name + "'", path);
  *out = *parsed;
  return Status::Ok();
}

// A route result as WriteRoute (without explain) writes it.
Status DecodeRouteResult(od::value& v, std::string_view path, RouteResult* out) {
  return json::ForEachField(v, path, [&](std::string_view key, od::value& value) -> Status {
    const std::string field = FieldPath(path, key);
    if (key == "lead_id") return json::ReadString(value, field, &out->lead_id);
    if (key == "decision") return ReadEnum(value, field, ParseRouteDecision, &out->decision);
    if (key == "assignee") {
      // Through get(): a simdjson_result read as a bool throws on an error
      // (found by fuzz_journal: malformed bytes there ended the process).
      bool null = false;
      if (value.is_null().get(null) != simdjson::SUCCESS) {
        return Status::InvalidArgument("not valid JSON", field);
      }
      if (null) return Status::Ok();
      return json::DecodeOwner(value, field, &out->assignee);
    }
    if (key == "opportunity_id") return json::ReadString(value, field, &out->opportunity_id);
    if (key == "score") {
      std::optional<double> d;
      if (Status s = json::ReadDouble(value, field, &d); !s.ok()) return s;
      out->score = d.value_or(0);
      return Status::Ok();
    }
    // Whatever the router wrote: reasons quote ids and the lead's fields.
    if (key == "reasons") {
      return json::ReadStringArray(value, field, &out->reasons, 1u << 20, /*max_len=*/0);
    }
    return Status::Ok();
  });
}

}  // namespace

void EncodeChange(const Change& c, std::string* out) {
  JsonWriter w(out);
  w.BeginObject();
  w.Field("op", ChangeKindName(c.kind));
  protocol::WriteTime("at", c.at, w);
  switch (c.kind) {
    case ChangeKind::kUpsertOpportunity:
      WriteStoredOpportunity(*c.opportunity, w);
      if (c.registered) w.Field("registered", true);
      break;
    case ChangeKind::kCloseOpportunity:
    case ChangeKind::kReviewRegistration:
      w.Field("id", c.id);
      w.Field("status", StatusName(c.status));
      if (!c.actor.empty()) w.Field("actor", c.actor);
      break;
    case ChangeKind::kExpireOpportunity:
      w.Field("id", c.id);
      break;
    case ChangeKind::kRoute:
      w.Key("lead");
      protocol::WriteLead(*c.lead, w);
      w.Key("result");
      protocol::WriteRoute(*c.result, /*explain=*/false, w);
      WriteStrings("declined", *c.declined, w);
      w.Field("round_robin", c.round_robin);
      break;
    case ChangeKind::kFeedback:
      w.Field("id", c.id);
      w.Field("partner_id", c.partner_id);
      w.Field("outcome", LeadOutcomeName(c.outcome));
      break;
    case ChangeKind::kUpsertPartner:
      w.Key("partner");
      protocol::WritePartner(*c.partner, w);
      break;
    case ChangeKind::kRemovePartner:
      w.Field("id", c.id);
      break;
  }
  w.EndObject();
}

Status DecodeChange(std::string_view text, DecodedChange* out) {
  thread_local od::parser parser;
  od::document doc;
  od::value root;
  if (parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING)
              .get(doc) != simdjson::SUCCESS ||
      doc.get_value().get(root) != simdjson::SUCCESS) {
    return Status::InvalidArgument("not valid JSON");
  }
  bool has_op = false, pending = false, has_opportunity = false, has_lead = false,
       has_result = false, has_partner = false;
  // The records decode into what a previous change left: start afresh.
  out->opportunity = Opportunity{};
  out->id.clear();
  out->actor.clear();
  out->lead = Lead{};
  out->result = RouteResult{};
  out->declined.clear();
  out->partner_id.clear();
  out->partner = Partner{};
  Change& c = out->change;
  c = Change{};
  Status s = json::ForEachField(root, "", [&](std::string_view key, od::value& v) -> Status {
    if (key == "op") {
      has_op = true;
      return ReadEnum(v, "op", ParseChangeKind, &c.kind);
    }
    if (key == "at") return json::ReadTime(v, "at", &c.at);
    if (key == "opportunity") {
      has_opportunity = true;
      return json::DecodeOpportunity(v, "opportunity", &out->opportunity);
    }
    if (key == "registered") return json::ReadBool(v, "registered", &c.registered);
    if (key == "pending") return json::ReadBool(v, "pending", &pending);
    if (key == "id") return json::ReadString(v, "id", &out->id);
    if (key == "actor") return json::ReadString(v, "actor", &out->actor, json::kMaxStoredField);
    if (key == "status") {
      return ReadEnum(v, "status", ParseStatus, &c.status);
    }
    if (key == "lead") {
      has_lead = true;
      return json::DecodeLead(v, "lead", &out->lead);
    }
    if (key == "result") {
      has_result = true;
      return DecodeRouteResult(v, "result", &out->result);
    }
    if (key == "declined") {
      return json::ReadStringArray(v, "declined", &out->declined, 1 << 20, /*max_len=*/0);
    }
    if (key == "round_robin") return ReadUint(v, "round_robin", &c.round_robin);
    if (key == "partner_id") return json::ReadString(v, "partner_id", &out->partner_id);
    if (key == "outcome") return ReadEnum(v, "outcome", ParseLeadOutcome, &c.outcome);
    if (key == "partner") {
      has_partner = true;
      return json::DecodePartner(v, "partner", &out->partner);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!has_op) return Status::InvalidArgument("missing", "op");
  if (pending) out->opportunity.status = OpportunityStatus::kPending;
  c.opportunity = &out->opportunity;
  c.id = out->id;
  c.actor = out->actor;
  c.lead = &out->lead;
  c.result = &out->result;
  c.declined = &out->declined;
  c.partner_id = out->partner_id;
  c.partner = &out->partner;
  switch (c.kind) {
    case ChangeKind::kUpsertOpportunity:
      if (!has_opportunity) return Status::InvalidArgument("missing", "opportunity");
      break;
    case ChangeKind::kRoute:
      if (!has_lead || !has_result) return Status::InvalidArgument("missing", "lead");
      break;
    case ChangeKind::kUpsertPartner:
      if (!has_partner) return Status::InvalidArgument("missing", "partner");
      break;
    case ChangeKind::kFeedback:
      if (out->partner_id.empty()) return Status::InvalidArgument("missing", "partner_id");
      [[fallthrough]];
    default:
      if (out->id.empty() && c.kind != ChangeKind::kRoute) {
        return Status::InvalidArgument("missing", "id");
      }
  }
  return Status::Ok();
}

void EncodeRoutingState(const RoutingState& state, std::string* out) {
  {
    JsonWriter w(out);
    w.BeginObject();
    w.Field("round_robin", state.round_robin);
    w.Field("routed", state.routed);
    w.Field("unassigned", state.unassigned);
    w.Field("open", state.open);
    w.EndObject();
  }
  out->push_back('\n');
  for (const RoutingState::PartnerChange& c : state.overlay) {
    JsonWriter w(out);
    w.BeginObject();
    if (c.removed) {
      w.Field("removed", c.partner.id);
    } else {
      w.Key("partner");
      protocol::WritePartner(c.partner, w);
    }
    w.EndObject();
    out->push_back('\n');
  }
  for (const RoutingState::Counters& c : state.partners) {
    JsonWriter w(out);
    w.BeginObject();
    w.Field("counters", c.partner_id);
    w.Field("received", c.received);
    w.Field("open", c.open);
    w.Field("accepted", c.accepted);
    w.Field("declined", c.declined);
    w.Field("closed", c.closed);
    w.Field("last_routed", c.last_routed);
    w.EndObject();
    out->push_back('\n');
  }
  for (const RoutingState::Assignment& a : state.assignments) {
    JsonWriter w(out);
    w.BeginObject();
    w.Key("assignment");
    protocol::WriteLead(a.lead, w);
    w.Field("partner_id", a.partner_id);
    w.Field("open", a.open);
    w.Field("accepted", a.accepted);
    WriteStrings("declined", a.declined, w);
    w.Key("result");
    protocol::WriteRoute(a.result, /*explain=*/false, w);
    w.EndObject();
    out->push_back('\n');
  }
}

namespace {

// Calls fn(object) for each line of `text`; no limit on a line's length
// (what the encoder wrote, it reads back).
Status ForEachLine(std::string_view text, const std::function<Status(od::value&)>& fn) {
  od::parser parser;
  simdjson::padded_string padded;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty()) continue;
    padded = simdjson::padded_string(line);
    od::document doc;
    od::value value;
    Status s;
    if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
        doc.get_value().get(value) != simdjson::SUCCESS) {
      s = Status::InvalidArgument("not valid JSON");
    } else {
      s = fn(value);
    }
    if (!s.ok()) {
      return Status::InvalidArgument("routing state line " + std::to_string(line_no) + ": " +
                                     (s.field().empty() ? "" : std::string(s.field()) + ": ") +
                                     std::string(s.message()));
    }
  }
  return Status::Ok();
}

}  // namespace

Status DecodeRoutingState(std::string_view text, RoutingState* out) {
  *out = RoutingState{};
  bool header = false;
  return ForEachLine(
      text, [&](od::value& v) -> Status {
        if (!header) {
          header = true;
          return json::ForEachField(v, "", [&](std::string_view key, od::value& f) -> Status {
            if (key == "round_robin") return ReadUint(f, key, &out->round_robin);
            if (key == "routed") return ReadUint(f, key, &out->routed);
            if (key == "unassigned") return ReadUint(f, key, &out->unassigned);
            if (key == "open") return ReadUint(f, key, &out->open);
            return Status::Ok();
          });
        }
        enum { kNone, kOverlay, kCounters, kAssignment } kind = kNone;
        RoutingState::PartnerChange change;
        RoutingState::Counters counters;
        RoutingState::Assignment assignment;
        Status s = json::ForEachField(v, "", [&](std::string_view key, od::value& f) -> Status {
          if (key == "removed") {
            kind = kOverlay;
            change.removed = true;
            return json::ReadString(f, key, &change.partner.id);
          }
          if (key == "partner") {
            kind = kOverlay;
            return json::DecodePartner(f, key, &change.partner);
          }
          if (key == "counters") {
            kind = kCounters;
            return json::ReadString(f, key, &counters.partner_id);
          }
          if (key == "assignment") {
            kind = kAssignment;
            return json::DecodeLead(f, key, &assignment.lead);
          }
          if (key == "received") return ReadUint(f, key, &counters.received);
          if (key == "open") {
            if (kind == kAssignment) return json::ReadBool(f, key, &assignment.open);
            return ReadUint(f, key, &counters.open);
          }
          if (key == "accepted") {
            if (kind == kAssignment) return json::ReadBool(f, key, &assignment.accepted);
            return ReadUint(f, key, &counters.accepted);
          }
          if (key == "declined") {
            if (kind == kAssignment) {
              return json::ReadStringArray(f, key, &assignment.declined, 1 << 20, 0);
            }
            return ReadUint(f, key, &counters.declined);
          }
          if (key == "closed") return ReadUint(f, key, &counters.closed);
          if (key == "last_routed") return ReadUint(f, key, &counters.last_routed);
          if (key == "partner_id") return json::ReadString(f, key, &assignment.partner_id);
          if (key == "result") return DecodeRouteResult(f, key, &assignment.result);
          return Status::Ok();
        });
        if (!s.ok()) return s;
        switch (kind) {
          case kOverlay: out->overlay.push_back(std::move(change)); break;
          case kCounters: out->partners.push_back(std::move(counters)); break;
          case kAssignment: out->assignments.push_back(std::move(assignment)); break;
          case kNone: return Status::InvalidArgument("an unknown line");
        }
        return Status::Ok();
      });
}

}  // namespace leadroute::store
