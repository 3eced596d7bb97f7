// Decoders of the partner and lead records (CONTRACT §3), shared by the
// protocol (upsert_partner, route) and the rule set loader (partners.jsonl).
#ifndef LEADROUTE_JSON_RECORDS_H_
#define LEADROUTE_JSON_RECORDS_H_

#include <functional>
#include <string_view>

#include "json/decode.h"
#include "leadroute/opportunity.h"
#include "leadroute/partner.h"

namespace leadroute::json {

// Most entries in one of a partner's lists (territories, products, ...).
inline constexpr std::size_t kMaxPartnerList = 4096;

// An owner {"kind": "partner"|"direct", "id"} at `path`; both required.
Status DecodeOwner(od::value& v, std::string_view path, Owner* out);

// An opportunity (or a deal: the same fields) at `path`. The engine checks
// what a stored record needs (id, owner, identity).
Status DecodeOpportunity(od::value& v, std::string_view path, Opportunity* out);

// A partner object at `path`. Errors name the field ("partner.capacity").
// A missing id is an error. A key that is no partner field is ignored, as
// on the wire; `unknown`, when given, is told its path ("partner.territory",
// a misspelling that would route the partner nothing: lint warns of it).
Status DecodePartner(od::value& v, std::string_view path, Partner* out,
                     const std::function<void(std::string_view field)>* unknown = nullptr);

// A lead object at `path`: party fields plus id (required), industry,
// employees, annual_revenue, products, language, source, received_at.
Status DecodeLead(od::value& v, std::string_view path, Lead* out);

}  // namespace leadroute::json

#endif  // LEADROUTE_JSON_RECORDS_H_
