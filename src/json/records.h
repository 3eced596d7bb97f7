// Decoders of the partner and lead records (CONTRACT §3), shared by the
// protocol (upsert_partner, route) and the rule set loader (partners.jsonl).
#ifndef LEADROUTE_JSON_RECORDS_H_
#define LEADROUTE_JSON_RECORDS_H_

#include <string_view>

#include "json/decode.h"
#include "leadroute/partner.h"

namespace leadroute::json {

// Most entries in one of a partner's lists (territories, products, ...).
inline constexpr std::size_t kMaxPartnerList = 4096;

// A partner object at `path`. Errors name the field ("partner.capacity").
// A missing id is an error.
Status DecodePartner(od::value& v, std::string_view path, Partner* out);

// A lead object at `path`: party fields plus id (required), industry,
// employees, annual_revenue, products, language, source, received_at.
Status DecodeLead(od::value& v, std::string_view path, Lead* out);

}  // namespace leadroute::json

#endif  // LEADROUTE_JSON_RECORDS_H_
