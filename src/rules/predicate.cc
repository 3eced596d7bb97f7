#include "rules/predicate.h"

#include <utf8proc.h>

#include <algorithm>

namespace leadroute::rules {

namespace {

enum class Fold : std::uint8_t {
  kLower,   // compared case-insensitively
  kUpper,   // codes: "de" -> "DE"
  kPostal,  // upper-case letters and digits only: "sw1a 1aa" -> "SW1A1AA"
  kExact,   // ids and names, as written
};

struct FieldSpec {
  std::string_view name;
  std::uint8_t id;
  FieldType type;
  Fold fold;
};

constexpr FieldSpec kLeadFields[] = {
    {"country", kLeadCountry, FieldType::kString, Fold::kUpper},
    {"region", kLeadRegion, FieldType::kString, Fold::kUpper},
    {"postal_code", kLeadPostalCode, FieldType::kString, Fold::kPostal},
    {"city", kLeadCity, FieldType::kString, Fold::kLower},
    {"company", kLeadCompany, FieldType::kString, Fold::kLower},
    {"domain", kLeadDomain, FieldType::kString, Fold::kLower},
    {"industry", kLeadIndustry, FieldType::kString, Fold::kLower},
    {"language", kLeadLanguage, FieldType::kString, Fold::kLower},
    {"source", kLeadSource, FieldType::kString, Fold::kLower},
    {"employees", kLeadEmployees, FieldType::kNumber, Fold::kLower},
    {"annual_revenue", kLeadAnnualRevenue, FieldType::kNumber, Fold::kLower},
    {"products", kLeadProducts, FieldType::kList, Fold::kLower},
};

constexpr FieldSpec kPartnerFields[] = {
    {"id", kPartnerId, FieldType::kString, Fold::kExact},
    {"name", kPartnerName, FieldType::kString, Fold::kExact},
    {"tier", kPartnerTier, FieldType::kString, Fold::kLower},
    {"capacity", kPartnerCapacity, FieldType::kNumber, Fold::kLower},
    {"weight", kPartnerWeight, FieldType::kNumber, Fold::kLower},
    {"performance", kPartnerPerformance, FieldType::kNumber, Fold::kLower},
    {"products", kPartnerProducts, FieldType::kList, Fold::kLower},
    {"certifications", kPartnerCertifications, FieldType::kList, Fold::kLower},
    {"industries", kPartnerIndustries, FieldType::kList, Fold::kLower},
    {"languages", kPartnerLanguages, FieldType::kList, Fold::kLower},
    {"territories", kPartnerTerritories, FieldType::kList, Fold::kUpper},
    {"accounts", kPartnerAccounts, FieldType::kList, Fold::kLower},
};

std::string_view OpName(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEq: return "eq";
    case PredicateOp::kIn: return "in";
    case PredicateOp::kRange: return "range";
    case PredicateOp::kPrefix: return "prefix";
    case PredicateOp::kHasAny: return "has_any";
    case PredicateOp::kHasAll: return "has_all";
  }
  return "?";
}

bool OpFits(PredicateOp op, FieldType type) {
  switch (type) {
    case FieldType::kString:
      return op == PredicateOp::kEq || op == PredicateOp::kIn || op == PredicateOp::kPrefix;
    case FieldType::kNumber:
      return op == PredicateOp::kEq || op == PredicateOp::kRange;
    case FieldType::kList:
      return op == PredicateOp::kHasAny || op == PredicateOp::kHasAll;
  }
  return false;
}

bool Contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

void FoldLowerTo(std::string_view s, std::string* out) {
  out->assign(s);
  bool ascii = true;
  for (char& c : *out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    ascii &= static_cast<unsigned char>(c) < 0x80;
  }
  if (ascii) return;
  // Beyond ASCII, each code point lower-cased (Unicode's simple mapping,
  // utf8proc_tolower): "MÜNCHEN" is "münchen". Not case folding, which
  // would spell "Straße" as "strasse" where get_partner reads lists back.
  std::string lowered;
  lowered.reserve(s.size());
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data());
  auto left = static_cast<utf8proc_ssize_t>(s.size());
  while (left > 0) {
    utf8proc_int32_t c = 0;
    const utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
    if (n <= 0) return;  // not UTF-8: its ASCII letters lower-cased only
    utf8proc_uint8_t buf[4];
    const utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(c), buf);
    lowered.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(m));
    p += n;
    left -= n;
  }
  out->swap(lowered);
}

void FoldUpperTo(std::string_view s, std::string* out) {
  out->assign(s);
  for (char& c : *out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  }
}

void PostalKeyTo(std::string_view postal, std::string* out) {
  out->resize(postal.size());
  std::size_t n = 0;
  for (char c : postal) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    (*out)[n] = c;
    n += (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  out->resize(n);
}

std::string FoldLower(std::string_view s) {
  std::string out;
  FoldLowerTo(s, &out);
  return out;
}

std::string FoldUpper(std::string_view s) {
  std::string out;
  FoldUpperTo(s, &out);
  return out;
}

std::string PostalKey(std::string_view postal) {
  std::string out;
  PostalKeyTo(postal, &out);
  return out;
}

std::string CompilePredicate(Subject subject, Predicate* p) {
  std::string_view field = p->field;
  if (subject == Subject::kPartner && field.starts_with("performance.")) {
    p->metric = std::string(field.substr(12));
    if (p->metric.empty()) return "performance. needs a metric name";
    field = "performance";
  } else if (field == "performance") {
    return "performance needs a metric: performance.win_rate";
  }
  const FieldSpec* spec = nullptr;
  if (subject == Subject::kLead) {
    for (const FieldSpec& f : kLeadFields) {
      if (f.name == field) spec = &f;
    }
  } else {
    for (const FieldSpec& f : kPartnerFields) {
      if (f.name == field) spec = &f;
    }
  }
  const char* whose = subject == Subject::kLead ? "lead" : "partner";
  if (spec == nullptr) return "unknown " + std::string(whose) + " field \"" + p->field + "\"";
  if (!OpFits(p->op, spec->type)) {
    return "operator " + std::string(OpName(p->op)) + " does not apply to " +
           std::string(whose) + " field " + p->field;
  }
  p->field_id = spec->id;
  switch (p->op) {
    case PredicateOp::kEq:
      if (spec->type == FieldType::kNumber) {
        if (!p->number) return "eq on " + p->field + " needs a number value";
      } else if (p->values.size() != 1) {
        return "eq needs one string value";
      }
      break;
    case PredicateOp::kIn:
    case PredicateOp::kPrefix:
    case PredicateOp::kHasAny:
    case PredicateOp::kHasAll:
      if (p->values.empty()) return std::string(OpName(p->op)) + " needs values";
      break;
    case PredicateOp::kRange:
      if (!p->min && !p->max) return "range needs min, max or both";
      if (p->min && p->max && *p->min > *p->max) return "impossible range: min > max";
      break;
  }
  for (std::string& v : p->values) {
    switch (spec->fold) {
      case Fold::kLower: v = FoldLower(v); break;
      case Fold::kUpper: v = FoldUpper(v); break;
      case Fold::kPostal: v = PostalKey(v); break;
      case Fold::kExact: break;
    }
  }
  return {};
}

bool Evaluate(const Predicate& p, const FieldValue& value) {
  switch (p.op) {
    case PredicateOp::kEq:
      if (value.type == FieldType::kNumber) {
        return value.number && p.number && *value.number == *p.number;
      }
      return !p.values.empty() && value.text == p.values.front();
    case PredicateOp::kIn:
      return Contains(p.values, value.text);
    case PredicateOp::kPrefix:
      for (const std::string& prefix : p.values) {
        if (value.text.starts_with(prefix)) return true;
      }
      return false;
    case PredicateOp::kRange:
      if (!value.number) return false;
      return (!p.min || *value.number >= *p.min) && (!p.max || *value.number <= *p.max);
    case PredicateOp::kHasAny:
      if (value.list == nullptr) return false;
      for (const std::string& v : p.values) {
        if (Contains(*value.list, v)) return true;
      }
      return false;
    case PredicateOp::kHasAll:
      if (value.list == nullptr) return false;
      for (const std::string& v : p.values) {
        if (!Contains(*value.list, v)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace leadroute::rules
