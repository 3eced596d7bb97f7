// The fields conditional rules may test, and testing them.
//
// Lead fields: country, region, postal_code, city, company, domain (the
// registrable domain of the lead's domain or email), industry, language,
// source (strings); employees, annual_revenue (numbers); products (a list).
// Partner fields: id, name, tier (strings); capacity, weight,
// performance.<metric> (numbers); products, certifications, industries,
// languages, territories, accounts (lists).
//
// Strings compare case-insensitively: values are folded when the rule set is
// compiled (country and region codes to upper case, postal codes to upper-
// case letters and digits, the rest to lower case), and the facts a
// predicate reads are folded the same way. Partner ids and names compare
// exactly, as written.
#ifndef LEADROUTE_RULES_PREDICATE_H_
#define LEADROUTE_RULES_PREDICATE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/policy.h"

namespace leadroute::rules {

enum class Subject : std::uint8_t { kLead, kPartner };
enum class FieldType : std::uint8_t { kString, kNumber, kList };

// One field's value as a predicate sees it.
struct FieldValue {
  FieldType type = FieldType::kString;
  std::string_view text;
  std::optional<double> number;
  const std::vector<std::string>* list = nullptr;
};

// Validates `p` against `subject`'s fields (the field exists, takes the
// operator, has the values the operator needs, a range is possible), sets
// p->field_id and p->metric, and folds its values. Returns the problem, or
// an empty string.
std::string CompilePredicate(Subject subject, Predicate* p);

// Whether `value` passes `p`. REQUIRES: p was compiled for value's subject.
bool Evaluate(const Predicate& p, const FieldValue& value);

// Lower-cases letters: ASCII ones, and, in UTF-8, every code point
// (utf8proc_tolower). Text that is not UTF-8 gets its ASCII letters only.
std::string FoldLower(std::string_view s);
// Upper-cases ASCII letters.
std::string FoldUpper(std::string_view s);
// A postal code or prefix as compared: its letters (upper case) and digits
// only, "sw1a 1aa" -> "SW1A1AA".
std::string PostalKey(std::string_view postal);
// The same, into *out (its bytes reused). `s` must not lie in *out.
void FoldLowerTo(std::string_view s, std::string* out);
void FoldUpperTo(std::string_view s, std::string* out);
void PostalKeyTo(std::string_view postal, std::string* out);

// Lead field ids (Predicate::field_id for Subject::kLead).
enum LeadField : std::uint8_t {
  kLeadCountry,
  kLeadRegion,
  kLeadPostalCode,
  kLeadCity,
  kLeadCompany,
  kLeadDomain,
  kLeadIndustry,
  kLeadLanguage,
  kLeadSource,
  kLeadEmployees,
  kLeadAnnualRevenue,
  kLeadProducts,
};

// Partner field ids (Predicate::field_id for Subject::kPartner).
enum PartnerField : std::uint8_t {
  kPartnerId,
  kPartnerName,
  kPartnerTier,
  kPartnerCapacity,
  kPartnerWeight,
  kPartnerPerformance,
  kPartnerProducts,
  kPartnerCertifications,
  kPartnerIndustries,
  kPartnerLanguages,
  kPartnerTerritories,
  kPartnerAccounts,
};

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_PREDICATE_H_
