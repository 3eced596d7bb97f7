// The partners half of a rule set: `partners.jsonl`, one CONTRACT partner
// object per line (blank lines skipped).
#ifndef LEADROUTE_RULES_PARTNERS_FILE_H_
#define LEADROUTE_RULES_PARTNERS_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "leadroute/partner.h"
#include "leadroute/status.h"

namespace leadroute::rules {

// Where a partner came from: "NAME:LINE" and the line itself (a view into
// the text it was parsed from), so later checks can point at its fields.
struct PartnerSource {
  std::string where;
  std::string_view line;
};

// Appends each partner of `text` to *partners and its source to *sources.
// Every malformed line is reported, `NAME:LINE:COL: message` per line (COL:
// where the offending field's name starts, else 1); nothing is appended
// then. The sources view `text`: keep it alive while using them.
Status ParsePartnersJsonl(std::string_view text, std::string_view name,
                          std::vector<Partner>* partners,
                          std::vector<PartnerSource>* sources);

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_PARTNERS_FILE_H_
