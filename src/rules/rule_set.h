// RuleSet: a policy and its partners compiled into the immutable, indexed
// form routing reads. Territories map to partner lists, capabilities to
// bitsets, each conditional rule to the set of partners it names, and the
// parts of a partner's score that do not depend on the lead or on load are
// summed once. Routing a lead touches only the partners listed under its
// country, subdivision, postal prefixes and domain.
//
// A RuleSet never changes after Compile(); reloads build a new one and swap
// it in whole. Thread-safe for concurrent readers.
#ifndef LEADROUTE_RULES_RULE_SET_H_
#define LEADROUTE_RULES_RULE_SET_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/normalizer.h"
#include "leadroute/partner.h"
#include "leadroute/status.h"
#include "normalize/word_list.h"
#include "rules/partners_file.h"
#include "rules/policy.h"

namespace leadroute::rules {

// A partner as routing reads it: lists folded (see predicate.h) and
// capabilities as bitsets over the rule set's dictionaries.
struct CompiledPartner {
  Partner partner;
  int tier_rank = 0;
  double static_score = 0;  // tier, manual weight, performance but accept_rate
  double file_accept_rate = 0;  // the file's accept_rate, 0 if none
  // static_score plus the file's accept rate, weighted: the score before
  // anything about the lead or the load. Territory lists are sorted by it.
  double base_score = 0;
  std::vector<std::uint64_t> products;        // bit per product id
  std::vector<std::uint64_t> certifications;  // bit per certification id
  std::vector<std::uint64_t> industries;      // bit per industry id
  std::vector<std::uint64_t> languages;       // bit per language id
};

// What the candidate walk reads of a partner, in one cache line: the first
// word of each capability bitset (ids 0-63; the rest stay in
// CompiledPartner) and the score's static parts.
struct alignas(64) PackedPartner {
  double static_score = 0;
  double file_accept_rate = 0;
  std::uint64_t products = 0, certifications = 0, industries = 0, languages = 0;
  std::uint32_t capacity = 0;  // when has_capacity
  std::int32_t tier_rank = 0;
  bool active = true;
  bool has_capacity = false;
};

// Where a partner's territory covers a lead, and how specific that is.
struct TerritoryHit {
  std::uint32_t partner;
  float specificity;
};

// The partners under one territory key ("DE", "US-CA", "US:941",
// "@acme.de"), best base_score first, and how specific the key is.
struct TerritoryList {
  // The list's partners carrying one product, in the list's order:
  // product_partners[begin, end) and their base scores.
  struct ProductList {
    std::uint32_t product;
    std::uint32_t begin, end;
  };

  float specificity = 0;
  // What a route to one of its partners gives as its reason, in
  // RuleSet::Reason() (one per specificity, made once).
  std::uint32_t reason = 0;
  std::vector<std::uint32_t> partners;
  std::vector<double> base_scores;  // partners[i]'s base_score, read in order
  std::vector<ProductList> by_product;  // by product id
  // Every product's sublist, end to end (few allocations per list).
  std::vector<std::uint32_t> product_partners;
  std::vector<double> product_base_scores;

  // The partners carrying `product`, or null if none does.
  const ProductList* WithProduct(std::uint32_t product) const;
};

// The lead facts routing and predicates read, folded once per lead. City,
// company and source are read by rules only, and left empty when no rule
// of the rule set reads them.
struct LeadFacts {
  std::string country, region, postal, city, company, domain, industry,
      language, source;
  // The language partners are matched on: `language` where a partner lists
  // it, else its primary subtag ("de-de" -> "de"); rules read `language`.
  std::string partner_language;
  std::optional<double> employees, annual_revenue;
  std::vector<std::string> products;
};

// Reads a partner's values as a compiled rule set does (tier and lists
// folded, territories upper-cased, accounts as registrable domains), in
// place, and calls error(field, message) for each that the policy or the
// ISO 3166 codes do not allow: "tier", or "territories[K]" / "accounts[K]"
// for the list's K-th entry. The messages do not name the partner.
// `policy` null: the tier is not checked (a policy that does not parse
// names no tiers).
void CheckPartner(const Policy* policy, const Normalizer& normalizer, Partner* p,
                  const std::function<void(std::string_view field, std::string_view message)>& error);

class RuleSet {
 public:
  // Compiles a policy and its partners. `sources[i]` says where partners[i]
  // came from, for messages; may be shorter (partners added through the
  // API). Every problem (unknown tier, bad territory code, duplicate id,
  // unknown fallback partner) is reported, one `FILE:LINE:COL: message` per
  // line. Errors: InvalidRules.
  static Result<std::shared_ptr<const RuleSet>> Compile(
      Policy policy, std::vector<Partner> partners,
      const std::vector<PartnerSource>& sources, const Normalizer& normalizer);

  // Loads DIR/policy.toml and the partners of DIR/partners.jsonl and/or
  // DIR/partners.csv (JSON Lines first), and compiles them. With
  // `warnings`, what loads but is likely a mistake is appended there
  // (ParsePartnersJsonl's unknown keys), whether or not the set loads.
  static Result<std::shared_ptr<const RuleSet>> Load(
      const std::string& dir, const Normalizer& normalizer,
      std::vector<std::string>* warnings = nullptr);

  const Policy& policy() const { return policy_; }
  // The weight of the accept_rate performance metric (0 if unweighted).
  double accept_weight() const { return accept_weight_; }
  const std::vector<CompiledPartner>& partners() const { return partners_; }
  // partners()[i] packed; see PackedPartner.
  const PackedPartner& packed(std::uint32_t i) const { return packed_[i]; }
  // The partner's index, or -1.
  int Find(std::string_view id) const;

  // `domain`: the lead's registrable domain (from its domain, else a
  // corporate email), as the normalizer derives it; empty if none.
  // `postal`: its postal code as the normalizer reads it ("D-80331" is
  // "80331"), empty when that reads none (its letters and digits are
  // compared then).
  LeadFacts Facts(const Lead& lead, std::string_view domain,
                  std::string_view postal = {}) const;
  // The same, into *out, whose strings are assigned in place (a route
  // moved ten of them into its plan, ~400 instructions). `domain` and
  // `postal` must not lie in *out.
  void Facts(const Lead& lead, std::string_view domain, std::string_view postal,
             LeadFacts* out) const;
  // The same, deriving the domain.
  LeadFacts Facts(const Lead& lead, const Normalizer& normalizer) const;

  // The territory lists covering the lead, most specific first, into *out
  // (cleared first). A partner may be on several.
  void CoveringLists(const LeadFacts& lead, std::vector<const TerritoryList*>* out) const;
  // A route to a partner of `list` gives this reason: "territory covers
  // the lead (specificity 0.85)".
  const std::string& Reason(const TerritoryList& list) const { return reasons_[list.reason]; }
  // Partners whose territory covers the lead, each once with its most
  // specific hit, into *out (cleared first), by partner index.
  void Covering(const LeadFacts& lead, std::vector<TerritoryHit>* out) const;

  // Lead products as bits over the product dictionary, and as ids in the
  // lead's order; false if the lead names a product no partner carries
  // (left out of both).
  bool ProductBits(const LeadFacts& lead, std::vector<std::uint64_t>* bits,
                   std::vector<std::uint32_t>* ids) const;
  // Certifications the products (ids from ProductBits) require, as bits.
  void RequiredCertifications(const std::vector<std::uint32_t>& product_ids,
                              std::vector<std::uint64_t>* bits) const;

  // Whether rule `r` names partner `p` (every partner predicate holds).
  bool RuleNames(std::size_t r, std::uint32_t p) const {
    return (rule_partners_[r][p / 64] >> (p % 64)) & 1u;
  }

  // The lowest tier rank a lead of this size may go to.
  int MinTierRank(const LeadFacts& lead) const;

  // The id of an industry or language (folded) some partner names, or -1.
  std::int32_t IndustryId(const std::string& industry) const;
  std::int32_t LanguageId(const std::string& language) const;

 private:
  RuleSet() = default;

  Policy policy_;
  double accept_weight_ = 0;
  std::vector<CompiledPartner> partners_;
  std::vector<PackedPartner> packed_;
  normalize::StringMap<std::uint32_t> ids_;
  normalize::StringMap<std::uint32_t> product_ids_;
  normalize::StringMap<std::uint32_t> certification_ids_;
  normalize::StringMap<std::uint32_t> industry_ids_;
  normalize::StringMap<std::uint32_t> language_ids_;
  // Territory key -> partners: "DE", "US-CA", "US:941", "@acme.de".
  normalize::StringMap<TerritoryList> territories_;
  // TerritoryList::reason's texts, one per specificity met.
  std::vector<std::string> reasons_;
  std::vector<float> reason_specificities_;
  // Bit n: some rule's `when` reads lead field n (rules::LeadField).
  std::uint32_t lead_fields_read_ = 0;
  // Bit n: some key holds a postal prefix of n characters (bit 63: 63 or
  // more). A lead's prefixes of other lengths are not looked up.
  std::uint64_t postal_lengths_ = 0;
  std::vector<std::vector<std::uint64_t>> rule_partners_;  // per rule, a bitset
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>>
      certs_per_product_;  // product id -> certification ids
};

// `leadroute lint DIR`: every problem in the rule set, `FILE:LINE:COL:
// message` per line; empty when it is valid. With `warnings`, what loads
// but is likely a mistake is appended there (a partner key that is no
// partner field), `FILE:LINE:COL: warning: ...`.
std::vector<std::string> Lint(const std::string& dir, const Normalizer& normalizer,
                              std::vector<std::string>* warnings = nullptr);

}  // namespace leadroute::rules

#endif  // LEADROUTE_RULES_RULE_SET_H_
