// Records written as CONTRACT §3 JSON: what get_partner answers, and what
// the generator writes into partners.jsonl and leads files.
#ifndef LEADROUTE_PROTOCOL_RECORD_WRITER_H_
#define LEADROUTE_PROTOCOL_RECORD_WRITER_H_

#include "leadroute/partner.h"
#include "protocol/json_writer.h"

namespace leadroute::protocol {

// The party's non-empty fields, into the object being written.
void WritePartyFields(const Party& p, JsonWriter& out);
void WritePartner(const Partner& p, JsonWriter& out);
void WriteLead(const Lead& lead, JsonWriter& out);

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_RECORD_WRITER_H_
