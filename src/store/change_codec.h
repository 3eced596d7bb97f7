// The JSON forms of changes (journal payloads, change notifications) and of
// the routing state (in snapshots).
//
// A change is one object: {"op": ChangeKindName, "at": RFC 3339, ...} with
// the change's fields under CONTRACT §3 names: "opportunity" (and
// "registered", and "pending" for a registration stored for review),
// "id", "status", "lead", "result" (as route answers it), "declined",
// "round_robin", "partner_id", "outcome", "partner".
#ifndef LEADROUTE_STORE_CHANGE_CODEC_H_
#define LEADROUTE_STORE_CHANGE_CODEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "leadroute/change_log.h"

namespace leadroute::store {

// Appends the change's JSON object to *out.
void EncodeChange(const Change& change, std::string* out);

// A decoded change and the records its pointers refer to. Not copyable:
// `change` points into it.
struct DecodedChange {
  DecodedChange() = default;
  DecodedChange(const DecodedChange&) = delete;
  DecodedChange& operator=(const DecodedChange&) = delete;

  Change change;
  Opportunity opportunity;
  std::string id;
  std::string actor;
  Lead lead;
  RouteResult result;
  std::vector<std::string> declined;
  std::string partner_id;
  Partner partner;
};

// Decodes one change. `json` must be followed by at least 64 readable bytes
// (simdjson's padding). InvalidArgument (naming the field) when malformed.
Status DecodeChange(std::string_view json, DecodedChange* out);

// The routing state as JSON lines: a header line, then one line per
// partner change, partner's counters and assignment.
void EncodeRoutingState(const RoutingState& state, std::string* out);
Status DecodeRoutingState(std::string_view text, RoutingState* out);

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_CHANGE_CODEC_H_
