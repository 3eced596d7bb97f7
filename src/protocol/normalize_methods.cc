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

void WriteKeys(const MatchKeys& keys, const Party& party, JsonWriter& out) {
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
    for (const auto& i : keys.person->Initials()) out.String(i);
    out.EndArray();
    out.EndObject();
  } else {
    out.Null();
  }
  out.Field("address", keys.address);
  out.Field("postal_code", keys.postal_code);
  out.Field("country", keys.country);
  if (!keys.ids.empty()) {
    out.Key("ids");
    out.BeginObject();
    for (const auto& [type, value] : keys.ids) out.Field(type, value);
    out.EndObject();
  }
  // As the decoder read it (it is its own key).
  if (!party.birth_date.empty()) out.Field("birth_date", party.birth_date);
  out.EndObject();
}

}  // namespace

Status HandleNormalize(Engine& engine, od::value* params, JsonWriter& out) {
  if (params == nullptr) return Status::InvalidArgument("missing", "party");
  Party party;
  bool seen = false;
  Status s = ForEachField(*params, "", [&](std::string_view key,
                                                od::value& value) {
    if (key != "party") return Status::Ok();
    seen = true;
    return DecodeParty(value, "party", &party);
  });
  if (!s.ok()) return s;
  if (!seen) return Status::InvalidArgument("missing", "party");
  WriteKeys(engine.Keys(party), party, out);
  return Status::Ok();
}

}  // namespace leadroute::protocol
