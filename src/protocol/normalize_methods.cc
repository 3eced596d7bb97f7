// ping and normalize.
#include "protocol/decode.h"
#include "protocol/method_table.h"

namespace leadroute::protocol {

Status HandlePing(Engine& engine, od::value* params, JsonWriter& out) {
  out.BeginObject();
  out.Field("version", Version());
  out.EndObject();
  return Status::Ok();
}

namespace {

void WriteKeys(const MatchKeys& keys, JsonWriter& out) {
  out.BeginObject();
  out.Field("company", keys.company);
  out.Field("domain", keys.domain);
  out.Field("email", keys.email);
  out.Field("phone", keys.phone);
  out.Key("company_tokens");
  out.BeginArray();
  for (const auto& t : keys.company_tokens) out.String(t);
  out.EndArray();
  out.Field("email_freemail", keys.email_freemail);
  out.Key("person");
  if (keys.person) {
    out.BeginObject();
    out.Field("full", keys.person->full);
    out.Field("swapped", keys.person->swapped);
    out.Key("initials");
    out.BeginArray();
    for (const auto& i : keys.person->initials) out.String(i);
    out.EndArray();
    out.EndObject();
  } else {
    out.Null();
  }
  out.Field("address", keys.address);
  out.Field("postal_code", keys.postal_code);
  out.Field("country", keys.country);
  out.EndObject();
}

}  // namespace

Status HandleNormalize(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "party");
  od::object obj;
  if (params->get_object().get(obj) != simdjson::SUCCESS) {
    return Status::InvalidArgument("params must be an object", "params");
  }
  Party party;
  bool seen = false;
  for (auto item : obj) {
    od::field field;
    std::string_view key;
    if (std::move(item).get(field) != simdjson::SUCCESS ||
        field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return Status::InvalidArgument("malformed params", "params");
    }
    if (key == "party") {
      Status s = DecodeParty(field.value(), "party", &party);
      if (!s.ok()) return s;
      seen = true;
    }
  }
  if (!seen) return Status::InvalidArgument("missing", "party");
  WriteKeys(engine.normalizer().Keys(party), out);
  return Status::Ok();
}

}  // namespace leadroute::protocol
