// ISO 3166 codes a rule set may name, from Debian's iso-codes package
// (compiled in at build time).
#ifndef LEADROUTE_RULES_ISO_CODES_H_
#define LEADROUTE_RULES_ISO_CODES_H_

#include <string_view>

namespace leadroute::rules {

// "DE", "US": an assigned ISO 3166-1 alpha-2 code (upper case).
bool IsCountryCode(std::string_view code);
// "DE-BY", "US-CA": an ISO 3166-2 subdivision code (upper case).
bool IsSubdivisionCode(std::string_view code);

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_ISO_CODES_H_
