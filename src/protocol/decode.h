// Decoding of request params (simdjson on-demand values) into engine
// records. Only the protocol layer sees simdjson types.
//
// Every decoder reports a wrong type as Status::InvalidArgument naming the
// field by its path in params ("party.email"). Unknown fields are ignored; a
// JSON null counts as absent.
#ifndef LEADROUTE_PROTOCOL_DECODE_H_
#define LEADROUTE_PROTOCOL_DECODE_H_

#include <simdjson.h>

#include <string>
#include <string_view>

#include "leadroute/party.h"
#include "leadroute/status.h"

namespace leadroute::protocol {

namespace od = simdjson::ondemand;

// "prefix.name", or "name" when prefix is empty.
std::string FieldPath(std::string_view prefix, std::string_view name);

// A string (or null, leaving *out empty) at `path`.
Status ReadString(od::value& v, std::string_view path, std::string* out);

// If `key` is a party field, decodes `v` into it and sets *handled.
Status DecodePartyField(std::string_view key, od::value& v,
                        std::string_view prefix, Party* out, bool* handled);

// An object of party fields at `path`.
Status DecodeParty(od::value& v, std::string_view path, Party* out);

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_DECODE_H_
