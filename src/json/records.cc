#include "json/records.h"

#include <cmath>

namespace leadroute::json {

namespace {

Status ReadPerformance(od::value& v, std::string_view path,
                       std::vector<std::pair<std::string, double>>* out) {
  out->clear();
  return ForEachField(v, path, [&](std::string_view key, od::value& value) {
    std::optional<double> d;
    const std::string field = FieldPath(path, key);
    if (Status s = ReadDouble(value, field, &d); !s.ok()) return s;
    if (!d) return Status::Ok();
    if (!std::isfinite(*d)) return Status::InvalidArgument("must be finite", field);
    if (key.size() > 64 || out->size() >= 64) {
      return Status::InvalidArgument("too many or too long metric names", path);
    }
    for (auto& [name, existing] : *out) {
      if (name == key) {
        existing = *d;
        return Status::Ok();
      }
    }
    out->emplace_back(std::string(key), *d);
    return Status::Ok();
  });
}

}  // namespace

Status DecodeOwner(od::value& v, std::string_view path, Owner* out) {
  bool has_kind = false;
  std::uint64_t seen = 0;
  Status s = ForEachFieldUnchecked(v, path, [&](std::string_view key, od::value& value) {
    if (key == "id") {
      if (Status once = Once(&seen, 0, path, key); !once.ok()) return once;
      return AtField(ReadString(value, {}, &out->id, kMaxStoredField), path, "id");
    }
    if (key == "kind") {
      if (Status once = Once(&seen, 1, path, key); !once.ok()) return once;
      std::string kind;
      if (Status k = ReadString(value, {}, &kind); !k.ok()) return AtField(k, path, "kind");
      auto parsed = ParseOwnerKind(kind);
      if (!parsed) {
        return Status::InvalidArgument("must be \"partner\" or \"direct\"",
                                       FieldPath(path, "kind"));
      }
      out->kind = *parsed;
      has_kind = true;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!has_kind) return Status::InvalidArgument("missing", FieldPath(path, "kind"));
  if (out->id.empty()) return Status::InvalidArgument("missing", FieldPath(path, "id"));
  return Status::Ok();
}

Status DecodeOpportunity(od::value& v, std::string_view path, Opportunity* out) {
  std::uint64_t seen = 0;  // bits 0-11 party fields, 16- the opportunity's own
  return ForEachFieldUnchecked(v, path, [&](std::string_view key, od::value& value) {
    bool handled = false;
    Status s = DecodePartyField(key, value, path, &out->party, &handled, &seen,
                                kMaxStoredField);
    if (!s.ok() || handled) return s;
    if (key == "id") {
      if (Status once = Once(&seen, 16, path, key); !once.ok()) return once;
      return AtField(ReadString(value, {}, &out->id, kMaxStoredField), path, key);
    }
    static constexpr std::string_view kOwn[] = {"owner", "products", "amount",
                                                "registered_at", "expires_at", "status"};
    unsigned own = 0;
    while (own < std::size(kOwn) && key != kOwn[own]) ++own;
    if (own == std::size(kOwn)) return Status::Ok();  // unknown: ignored
    if (Status once = Once(&seen, 17 + own, path, key); !once.ok()) return once;
    const std::string field = FieldPath(path, key);
    switch (own) {
      case 0: return DecodeOwner(value, field, &out->owner);
      case 1: return ReadStringArray(value, field, &out->products);
      case 2: return ReadDouble(value, field, &out->amount);
      // A record's time 0 is none: the epoch itself, given, is refused
      // (it was read as none: an expiry "already past" gave 90 days).
      case 3: return ReadTime(value, field, &out->registered_at, false);
      case 4: return ReadTime(value, field, &out->expires_at, false);
      default: break;
    }
    // status
    std::string status;
    if (Status r = ReadString(value, field, &status); !r.ok()) return r;
    if (status.empty()) return Status::Ok();
    // "pending" is read (what get_opportunity answers, written back by a
    // CRM's sync); the engine takes it only for a registration pending.
    auto parsed = ParseStatus(status);
    if (!parsed) {
      return Status::InvalidArgument("must be open, pending, won, lost, expired or withdrawn",
                                     field);
    }
    out->status = *parsed;
    return Status::Ok();
  });
}

Status DecodePartner(od::value& v, std::string_view path, Partner* out,
                     const std::function<void(std::string_view field)>* unknown) {
  Status s = ForEachField(v, path, [&](std::string_view key, od::value& value) {
    const std::string field = FieldPath(path, key);
    // Every field read returns; what falls out of the switch is no field.
    switch (key.size() ? key[0] : '\0') {
      case 'a':
        if (key == "active") return ReadBool(value, field, &out->active);
        if (key == "accounts") {
          return ReadStringArray(value, field, &out->accounts, kMaxPartnerList);
        }
        break;
      case 'c':
        if (key == "certifications") {
          return ReadStringArray(value, field, &out->certifications, kMaxPartnerList);
        }
        if (key == "capacity") {
          std::optional<double> d;
          if (Status r = ReadDouble(value, field, &d); !r.ok()) return r;
          if (!d) {
            out->capacity.reset();
            return Status::Ok();
          }
          if (!(*d >= 0 && *d <= 4294967295.0) || std::floor(*d) != *d) {
            return Status::InvalidArgument("must be a whole number from 0 to 4294967295",
                                           field);
          }
          out->capacity = static_cast<std::uint32_t>(*d);
          return Status::Ok();
        }
        break;
      case 'i':
        if (key == "id") return ReadString(value, field, &out->id, kMaxStoredField);
        if (key == "industries") {
          return ReadStringArray(value, field, &out->industries, kMaxPartnerList);
        }
        break;
      case 'l':
        if (key == "languages") {
          return ReadStringArray(value, field, &out->languages, kMaxPartnerList);
        }
        break;
      case 'n':
        if (key == "name") return ReadString(value, field, &out->name, kMaxStoredField);
        break;
      case 'p':
        if (key == "products") {
          return ReadStringArray(value, field, &out->products, kMaxPartnerList);
        }
        if (key == "performance") return ReadPerformance(value, field, &out->performance);
        break;
      case 't':
        if (key == "tier") return ReadString(value, field, &out->tier, kMaxStoredField);
        if (key == "territories") {
          return ReadStringArray(value, field, &out->territories, kMaxPartnerList);
        }
        break;
      case 'w':
        if (key == "weight") {
          std::optional<double> d;
          if (Status r = ReadDouble(value, field, &d); !r.ok()) return r;
          if (d && !std::isfinite(*d)) return Status::InvalidArgument("must be finite", field);
          out->weight = d.value_or(0);
          return Status::Ok();
        }
        break;
      default:
        break;
    }
    if (unknown != nullptr) (*unknown)(field);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out->id.empty()) return Status::InvalidArgument("missing", FieldPath(path, "id"));
  return Status::Ok();
}

Status DecodeLead(od::value& v, std::string_view path, Lead* out) {
  std::uint64_t seen = 0;  // bits 0-11 party fields, 16- the lead's own
  Status s = ForEachFieldUnchecked(v, path, [&](std::string_view key, od::value& value) {
    bool handled = false;
    Status r = DecodePartyField(key, value, path, &out->party, &handled, &seen, kMaxStoredField);
    if (!r.ok() || handled) return r;
    static constexpr std::string_view kOwn[] = {"id",       "industry",  "language",
                                                "source",   "products",  "employees",
                                                "annual_revenue", "received_at"};
    unsigned own = 0;
    while (own < std::size(kOwn) && key != kOwn[own]) ++own;
    if (own == std::size(kOwn)) return Status::Ok();  // unknown: ignored
    if (Status once = Once(&seen, 16 + own, path, key); !once.ok()) return once;
    const std::string field = FieldPath(path, key);
    switch (own) {
      case 0: return ReadString(value, field, &out->id, kMaxStoredField);
      case 1: return ReadString(value, field, &out->industry, kMaxStoredField);
      case 2: return ReadString(value, field, &out->language, kMaxStoredField);
      case 3: return ReadString(value, field, &out->source, kMaxStoredField);
      case 4: return ReadStringArray(value, field, &out->products);
      case 5: return ReadDouble(value, field, &out->employees);
      case 6: return ReadDouble(value, field, &out->annual_revenue);
      default: return ReadTime(value, field, &out->received_at, false);
    }
  });
  if (!s.ok()) return s;
  if (out->id.empty()) return Status::InvalidArgument("missing", FieldPath(path, "id"));
  return Status::Ok();
}

}  // namespace leadroute::json
