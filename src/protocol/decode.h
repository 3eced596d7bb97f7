// The protocol layer's names for the shared JSON decoders (json/decode.h).
#ifndef LEADROUTE_PROTOCOL_DECODE_H_
#define LEADROUTE_PROTOCOL_DECODE_H_

#include "json/decode.h"

namespace leadroute::protocol {

namespace od = simdjson::ondemand;

using json::DecodeParty;
using json::DecodePartyField;
using json::ForEachField;
using json::kMaxProducts;
using json::kMaxStoredField;
using json::ReadDouble;
using json::ReadString;
using json::ReadStringArray;
using json::ReadBool;
using json::ReadTime;
using leadroute::FieldPath;

// Decodes the one object param `name` of params with `decode`.
template <typename T, typename Decode>
Status DecodeParam(od::value* params, std::string_view name, T* out,
                   Decode decode) {
  if (params == nullptr) return Status::InvalidArgument("missing", name);
  bool seen = false;
  // The one param read is refused given twice; others are ignored.
  Status s = json::ForEachFieldUnchecked(*params, "",
                                         [&](std::string_view key, od::value& value) {
                                           if (key != name) return Status::Ok();
                                           if (seen) return json::GivenTwice("", key);
                                           seen = true;
                                           return decode(value, name, out);
                                         });
  if (!s.ok()) return s;
  if (!seen) return Status::InvalidArgument("missing", name);
  return Status::Ok();
}

// The required, non-empty string param "id" (get_*, remove_*, *_stats).
inline Status DecodeId(od::value* params, std::string* id) {
  return DecodeParam(params, "id", id, [](od::value& v, std::string_view path, std::string* out) {
    Status s = ReadString(v, path, out, kMaxStoredField);
    if (s.ok() && out->empty()) return Status::InvalidArgument("missing", path);
    return s;
  });
}

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_DECODE_H_
