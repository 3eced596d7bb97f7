// Records written as CONTRACT §3 JSON: what get_partner answers, and what
// the generator writes into partners.jsonl and leads files.
#ifndef LEADROUTE_PROTOCOL_RECORD_WRITER_H_
#define LEADROUTE_PROTOCOL_RECORD_WRITER_H_

#include <cmath>
#include <cstdint>
#include <string_view>

#include "leadroute/opportunity.h"
#include "leadroute/partner.h"
#include "leadroute/routing.h"
#include "leadroute/status.h"
#include "protocol/json_writer.h"

namespace leadroute::protocol {

// Four decimals, as scores are answered; never "-0".
inline double Rounded(double v) { return std::round(v * 10000) / 10000 + 0.0; }

// The party's non-empty fields, into the object being written.
void WritePartyFields(const Party& p, JsonWriter& out);
void WritePartner(const Partner& p, JsonWriter& out);
void WriteLead(const Lead& lead, JsonWriter& out);
void WriteOwner(const Owner& owner, JsonWriter& out);
// `key`: an RFC 3339 string, or null for 0 (unknown, never).
void WriteTime(std::string_view key, std::int64_t t, JsonWriter& out);
void WriteOpportunity(const Opportunity& o, JsonWriter& out);
// What route answers; the candidates and exclusions with `explain`.
void WriteRoute(const RouteResult& r, bool explain, JsonWriter& out);
// An error inside a batch answer: {"error":{"message","field"?}}.
void WriteBatchError(const Status& s, JsonWriter& out);
// An engine's refusal of one record of a batch, its field named from the
// record's place as the decoder names it: "opportunity.owner.id" of the
// third record as "opportunities[2].owner.id" (record "opportunity", place
// "opportunities[2]"). Other statuses as they are.
Status InBatch(const Status& s, std::string_view record, std::string_view place);

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_RECORD_WRITER_H_
