#include "rules/rule_set.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_set>

#include "json/lines.h"
#include "rules/iso_codes.h"
#include "rules/partners_file.h"
#include "rules/predicate.h"
#include "util/read_file.h"

namespace leadroute::rules {

namespace {

constexpr std::size_t kMaxFileBytes = 256 << 20;

void SetBit(std::vector<std::uint64_t>* bits, std::uint32_t i) {
  if (bits->size() <= i / 64) bits->resize(i / 64 + 1, 0);
  (*bits)[i / 64] |= std::uint64_t{1} << (i % 64);
}

// A bit in *bits for each name, by its id in *ids (a new name gets the
// next id).
void AddBits(const std::vector<std::string>& names,
             normalize::StringMap<std::uint32_t>* ids, std::vector<std::uint64_t>* bits) {
  for (const std::string& name : names) {
    auto [it, inserted] = ids->emplace(name, static_cast<std::uint32_t>(ids->size()));
    SetBit(bits, it->second);
  }
}

// The id of `name` in a dictionary, or -1.
std::int32_t IdOf(const normalize::StringMap<std::uint32_t>& ids, std::string_view name) {
  auto it = ids.find(name);
  return it == ids.end() ? -1 : static_cast<std::int32_t>(it->second);
}

FieldValue PartnerFieldValue(const CompiledPartner& cp, const Policy& pol,
                             const Predicate& p) {
  const Partner& partner = cp.partner;
  FieldValue v;
  switch (p.field_id) {
    case kPartnerId: v.text = partner.id; break;
    case kPartnerName: v.text = partner.name; break;
    // A partner without a tier is of the lowest, for rules as for scores
    // and size bands (a review found rules on the tier passing it over).
    case kPartnerTier:
      v.text = partner.tier.empty() && !pol.tiers.empty()
                   ? pol.tiers[static_cast<std::size_t>(cp.tier_rank)]
                   : partner.tier;
      break;
    case kPartnerCapacity:
      v.type = FieldType::kNumber;
      if (partner.capacity) v.number = *partner.capacity;
      break;
    case kPartnerWeight:
      v.type = FieldType::kNumber;
      v.number = partner.weight;
      break;
    case kPartnerPerformance:
      v.type = FieldType::kNumber;
      if (const double* d = partner.Performance(p.metric)) v.number = *d;
      break;
    case kPartnerProducts: v.type = FieldType::kList; v.list = &partner.products; break;
    case kPartnerCertifications:
      v.type = FieldType::kList;
      v.list = &partner.certifications;
      break;
    case kPartnerIndustries: v.type = FieldType::kList; v.list = &partner.industries; break;
    case kPartnerLanguages: v.type = FieldType::kList; v.list = &partner.languages; break;
    case kPartnerTerritories: v.type = FieldType::kList; v.list = &partner.territories; break;
    case kPartnerAccounts: v.type = FieldType::kList; v.list = &partner.accounts; break;
    default: break;
  }
  return v;
}

Result<std::string> ReadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return Status::InvalidRules(path + ":1:1: cannot read");
  if (text->size() > kMaxFileBytes) {
    return Status::InvalidRules(path + ":1:1: file too large");
  }
  return text;
}

}  // namespace

const TerritoryList::ProductList* TerritoryList::WithProduct(std::uint32_t product) const {
  auto at = std::lower_bound(by_product.begin(), by_product.end(), product,
                             [](const ProductList& l, std::uint32_t v) { return l.product < v; });
  return at != by_product.end() && at->product == product ? &*at : nullptr;
}

int RuleSet::Find(std::string_view id) const {
  auto it = ids_.find(std::string(id));
  return it == ids_.end() ? -1 : static_cast<int>(it->second);
}

void CheckPartner(const Policy* policy, const Normalizer& normalizer, Partner* p,
                  const std::function<void(std::string_view field, std::string_view message)>& error) {
  p->tier = FoldLower(p->tier);
  if (policy != nullptr && policy->TierRank(p->tier) < 0) {
    error("tier", "unknown tier \"" + p->tier + "\"");
  }
  for (auto* list : {&p->products, &p->certifications, &p->industries, &p->languages}) {
    for (std::string& s : *list) s = FoldLower(s);
  }
  // Language tags as a lead's are read: "de_AT" is "de-at".
  for (std::string& s : p->languages) std::replace(s.begin(), s.end(), '_', '-');
  auto at = [](std::string_view list, std::size_t k) {
    return std::string(list) + "[" + std::to_string(k) + "]";
  };
  // Territories: "DE", "US-CA", "US:941".
  for (std::size_t k = 0; k < p->territories.size(); ++k) {
    std::string& t = p->territories[k];
    t = FoldUpper(t);
    const std::size_t colon = t.find(':');
    if (colon != std::string::npos) {
      const std::string country = t.substr(0, colon);
      const std::string prefix = PostalKey(t.substr(colon + 1));
      if (!IsCountryCode(country)) {
        error(at("territories", k),
              "unknown ISO 3166-1 code \"" + country + "\" in \"" + t + "\"");
      } else if (prefix.empty() || !std::all_of(t.begin() + static_cast<std::ptrdiff_t>(colon) + 1,
                                                t.end(), [](char c) {
                                                  return c == ' ' ||
                                                         std::isalnum(static_cast<unsigned char>(c));
                                                })) {
        error(at("territories", k), "bad postal prefix in \"" + t + "\"");
      } else {
        t = country + ":" + prefix;  // spaces ignored: "GB:SW1A 1" is "GB:SW1A1"
      }
    } else if (t.find('-') != std::string::npos) {
      if (!IsSubdivisionCode(t)) {
        error(at("territories", k), "unknown ISO 3166-2 code \"" + t + "\"");
      }
    } else if (!IsCountryCode(t)) {
      error(at("territories", k), "unknown ISO 3166-1 code \"" + t + "\"");
    }
  }
  // Numbers a score is made of stay within what it can write: a review
  // found a weight of 1e308 answered with "score": null.
  constexpr double kMaxPartnerNumber = 1e12;
  auto bounded = [&](double v) { return std::isfinite(v) && std::abs(v) <= kMaxPartnerNumber; };
  if (!bounded(p->weight)) error("weight", "must be between -1e12 and 1e12");
  for (const auto& [metric, value] : p->performance) {
    if (!bounded(value)) error("performance." + metric, "must be between -1e12 and 1e12");
  }
  for (std::size_t k = 0; k < p->accounts.size(); ++k) {
    std::string& a = p->accounts[k];
    if (auto d = normalizer.Domain(a)) {
      a = *d;
    } else {
      error(at("accounts", k), "\"" + a + "\" is not a domain");
    }
  }
}

namespace {

// "FILE:LINE:COL: message" of partners[i]'s `field` (where its name starts
// on its JSON line, where its CSV cell starts), or "partner ID: message"
// for a partner with no source (added through the API).
std::string PartnerError(const std::vector<Partner>& partners,
                         const std::vector<PartnerSource>& sources, std::size_t i,
                         std::string_view field, std::string_view message) {
  // A partner changed through the API has no place in a file; the message
  // names it already where it is about the partner (a review found "partner
  // api-1: partner api-1: unknown tier").
  if (i >= sources.size()) {
    const std::string name = "partner " + partners[i].id + ": ";
    return message.starts_with(name) ? std::string(message) : name + std::string(message);
  }
  return sources[i].At(field) + ": " + std::string(message);
}

// What Compile() says of each partner on its own (CheckPartner) and of
// their ids, for a rule set that does not compile for other reasons (a
// line that does not parse, a policy error), so that lint lists these
// too. Appends to *errors.
void PartnerErrors(const Policy* policy, std::vector<Partner> partners,
                   const std::vector<PartnerSource>& sources, const Normalizer& normalizer,
                   std::vector<std::string>* errors) {
  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < partners.size(); ++i) {
    Partner& p = partners[i];
    CheckPartner(policy, normalizer, &p, [&](std::string_view field, std::string_view message) {
      errors->push_back(PartnerError(partners, sources, i, field.substr(0, field.find('[')),
                                     "partner " + p.id + ": " + std::string(message)));
    });
    if (!ids.insert(p.id).second) {
      errors->push_back(
          PartnerError(partners, sources, i, "id", "duplicate partner id \"" + p.id + "\""));
    }
  }
}

// Where an error line says it is: "FILE:LINE:COL: message" (a FILE may
// hold ':' itself). False for one that names no place.
bool Located(std::string_view line, std::string_view* file, std::size_t* line_no,
             std::size_t* col) {
  for (std::size_t at = line.find(':'); at != std::string_view::npos;
       at = line.find(':', at + 1)) {
    const char* p = line.data() + at + 1;
    const char* end = line.data() + line.size();
    auto r = std::from_chars(p, end, *line_no);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') continue;
    r = std::from_chars(r.ptr + 1, end, *col);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') continue;
    *file = line.substr(0, at);
    return true;
  }
  return false;
}

// The errors, one a line: of each file ("FILE:LINE:COL: ..."), its first
// FileErrors::kMaxKept by place, the rest counted ("FILE: N more errors",
// as FileErrors counts a file's lines that do not parse); lines that name
// no place as they come. A review found a file's partners' own errors
// listed without end (150 unknown codes), after its lines that did not
// parse, whatever their lines.
std::string JoinErrors(const std::vector<std::string>& errors) {
  struct Error {
    std::size_t line, col;
    std::string_view text;
  };
  struct File {
    std::string_view name;
    std::vector<Error> errors;
    std::size_t more = 0;  // counted already, not kept
  };
  std::vector<File> files;
  // In order: an unplaced line's text, or a file's errors (by index).
  std::vector<std::pair<std::string_view, std::size_t>> items;
  constexpr std::size_t kNoFile = SIZE_MAX;
  auto file_of = [&](std::string_view name) -> File& {
    for (File& f : files) {
      if (f.name == name) return f;
    }
    items.emplace_back(std::string_view(), files.size());
    return files.emplace_back(File{name, {}, 0});
  };
  for (const std::string& message : errors) {
    std::string_view rest = message;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      std::string_view file;
      std::size_t line_no = 0, col = 0;
      if (Located(line, &file, &line_no, &col)) {
        file_of(file).errors.push_back(Error{line_no, col, line});
        continue;
      }
      // "FILE: N more errors"
      constexpr std::string_view kMore = " more errors";
      if (const std::size_t at = line.rfind(": ");
          at != std::string_view::npos && line.ends_with(kMore)) {
        const std::string_view n = line.substr(at + 2, line.size() - at - 2 - kMore.size());
        std::size_t more = 0;
        if (std::from_chars(n.data(), n.data() + n.size(), more).ptr == n.data() + n.size() &&
            more > 0) {
          file_of(line.substr(0, at)).more += more;
          continue;
        }
      }
      items.emplace_back(line, kNoFile);
    }
  }
  std::string all;
  auto add = [&all](std::string_view line) {
    if (!all.empty()) all.push_back('\n');
    all += line;
  };
  for (const auto& [text, index] : items) {
    if (index == kNoFile) {
      add(text);
      continue;
    }
    File& f = files[index];
    std::stable_sort(f.errors.begin(), f.errors.end(), [](const Error& a, const Error& b) {
      return a.line != b.line ? a.line < b.line : a.col < b.col;
    });
    const std::size_t kept = std::min(f.errors.size(), json::FileErrors::kMaxKept);
    for (std::size_t k = 0; k < kept; ++k) add(f.errors[k].text);
    const std::size_t more = f.more + (f.errors.size() - kept);
    if (more > 0) {
      add(std::string(f.name) + ": " + std::to_string(more) + " more errors");
    }
  }
  return all;
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> RuleSet::Compile(
    Policy policy, std::vector<Partner> partners,
    const std::vector<PartnerSource>& sources, const Normalizer& normalizer) {
  std::shared_ptr<RuleSet> rs(new RuleSet());
  std::vector<std::string> errors;
  // "FILE:LINE:COL: message": where the field's name starts on its JSON
  // line, or where its CSV cell starts.
  auto error = [&](std::size_t i, std::string_view field, std::string_view message) {
    errors.push_back(PartnerError(partners, sources, i, field, message));
  };
  const Policy& pol = policy;
  rs->partners_.reserve(partners.size());
  for (std::size_t i = 0; i < partners.size(); ++i) {
    Partner& p = partners[i];
    CompiledPartner cp;
    CheckPartner(&pol, normalizer, &p, [&](std::string_view field, std::string_view message) {
      // The source names the list's column or key, not its entry.
      error(i, field.substr(0, field.find('[')), "partner " + p.id + ": " + std::string(message));
    });
    cp.tier_rank = std::max(0, pol.TierRank(p.tier));
    if (!rs->ids_.emplace(p.id, static_cast<std::uint32_t>(i)).second) {
      error(i, "id", "duplicate partner id \"" + p.id + "\"");
    }
    // What does not depend on the lead or on load.
    cp.static_score = pol.weight_tier * pol.tier_scores[static_cast<std::size_t>(cp.tier_rank)] +
                      pol.weight_manual * p.weight;
    for (const auto& [metric, weight] : pol.performance_weights) {
      const double* v = p.Performance(metric);
      if (metric == "accept_rate") {
        cp.file_accept_rate = v ? *v : 0;
        continue;  // scored per lead: the observed rate may replace it
      }
      if (v) cp.static_score += weight * *v;
    }
    AddBits(p.products, &rs->product_ids_, &cp.products);
    AddBits(p.certifications, &rs->certification_ids_, &cp.certifications);
    AddBits(p.industries, &rs->industry_ids_, &cp.industries);
    AddBits(p.languages, &rs->language_ids_, &cp.languages);
    cp.partner = std::move(p);
    rs->partners_.push_back(std::move(cp));
  }
  // The accept rate's weight: part of the base score, at the file's rate.
  double accept_weight = 0;
  for (const auto& [metric, weight] : pol.performance_weights) {
    if (metric == "accept_rate") accept_weight = weight;
  }
  for (CompiledPartner& cp : rs->partners_) {
    cp.base_score = cp.static_score + accept_weight * cp.file_accept_rate;
  }
  // Certifications per product, over the dictionaries.
  for (const auto& [product, certs] : pol.certifications) {
    auto [it, inserted] = rs->product_ids_.emplace(
        product, static_cast<std::uint32_t>(rs->product_ids_.size()));
    std::vector<std::uint32_t> ids;
    for (const std::string& c : certs) {
      auto [cit, cinserted] = rs->certification_ids_.emplace(
          c, static_cast<std::uint32_t>(rs->certification_ids_.size()));
      ids.push_back(cit->second);
    }
    rs->certs_per_product_.emplace_back(it->second, std::move(ids));
  }
  rs->packed_.reserve(rs->partners_.size());
  for (const CompiledPartner& cp : rs->partners_) {
    auto first = [](const std::vector<std::uint64_t>& bits) {
      return bits.empty() ? std::uint64_t{0} : bits[0];
    };
    PackedPartner& pp = rs->packed_.emplace_back();
    pp.static_score = cp.static_score;
    pp.file_accept_rate = cp.file_accept_rate;
    pp.products = first(cp.products);
    pp.certifications = first(cp.certifications);
    pp.industries = first(cp.industries);
    pp.languages = first(cp.languages);
    pp.has_capacity = cp.partner.capacity.has_value();
    pp.capacity = cp.partner.capacity.value_or(0);
    pp.tier_rank = cp.tier_rank;
    pp.active = cp.partner.active;
  }
  rs->accept_weight_ = accept_weight;
  for (const ConditionalRule& rule : pol.rules) {
    for (const Predicate& pred : rule.when) rs->lead_fields_read_ |= 1u << pred.field_id;
  }
  // Territory lists: each partner under each key once.
  for (std::uint32_t i = 0; i < rs->partners_.size(); ++i) {
    const Partner& p = rs->partners_[i].partner;
    auto add = [&](std::string key, double specificity) {
      TerritoryList& list = rs->territories_[std::move(key)];
      list.specificity = static_cast<float>(specificity);
      if (list.partners.empty() || list.partners.back() != i) list.partners.push_back(i);
    };
    for (const std::string& t : p.territories) {
      const std::size_t colon = t.find(':');
      if (colon != std::string::npos) {
        const std::string prefix = PostalKey(t.substr(colon + 1));
        rs->postal_lengths_ |= std::uint64_t{1} << std::min<std::size_t>(prefix.size(), 63);
        add(t.substr(0, colon) + ":" + prefix,
            pol.territory_postal + 0.01 * static_cast<double>(prefix.size()));
      } else if (t.find('-') != std::string::npos) {
        add(t, pol.territory_subdivision);
      } else {
        add(t, pol.territory_country);
      }
    }
    for (const std::string& a : p.accounts) add("@" + a, pol.territory_account);
  }
  for (auto it = rs->territories_.begin(); it != rs->territories_.end(); ++it) {
    auto& partners = it.value().partners;
    std::sort(partners.begin(), partners.end(), [&](std::uint32_t a, std::uint32_t b) {
      const double x = rs->partners_[a].base_score, y = rs->partners_[b].base_score;
      return x != y ? x > y : a < b;
    });
    partners.erase(std::unique(partners.begin(), partners.end()), partners.end());
    auto& base_scores = it.value().base_scores;
    base_scores.reserve(partners.size());
    for (std::uint32_t p : partners) base_scores.push_back(rs->partners_[p].base_score);
    // Sublists per product: (product, partner) in list order, then grouped
    // by product keeping that order.
    TerritoryList& list = it.value();
    // The reason, made once for each specificity (a few: one per kind of
    // territory and postal prefix length).
    auto& known = rs->reason_specificities_;
    const auto at = std::find(known.begin(), known.end(), list.specificity);
    if (at != known.end()) {
      list.reason = static_cast<std::uint32_t>(at - known.begin());
    } else {
      // As std::to_string() ("%f") writes it, cut to four characters.
      char specificity[64];
      const auto written = std::to_chars(specificity, specificity + sizeof specificity,
                                         list.specificity, std::chars_format::fixed, 6);
      list.reason = static_cast<std::uint32_t>(known.size());
      known.push_back(list.specificity);
      rs->reasons_.push_back(
          std::string("territory covers the lead (specificity ")
              .append(specificity, std::min<std::size_t>(4, written.ptr - specificity))
              .append(")"));
    }
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (std::uint32_t p : partners) {
      const std::vector<std::uint64_t>& products = rs->partners_[p].products;
      for (std::uint32_t word = 0; word < products.size(); ++word) {
        for (std::uint64_t bits = products[word]; bits != 0; bits &= bits - 1) {
          pairs.emplace_back(word * 64 + static_cast<std::uint32_t>(std::countr_zero(bits)), p);
        }
      }
    }
    std::stable_sort(pairs.begin(), pairs.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    list.product_partners.reserve(pairs.size());
    list.product_base_scores.reserve(pairs.size());
    for (const auto& [product, p] : pairs) {
      if (list.by_product.empty() || list.by_product.back().product != product) {
        const auto at = static_cast<std::uint32_t>(list.product_partners.size());
        list.by_product.push_back({product, at, at});
      }
      list.product_partners.push_back(p);
      list.product_base_scores.push_back(rs->partners_[p].base_score);
      ++list.by_product.back().end;
    }
  }
  // Each rule's partners, evaluated once.
  for (const ConditionalRule& rule : pol.rules) {
    std::vector<std::uint64_t> bits((rs->partners_.size() + 63) / 64, 0);
    for (std::uint32_t i = 0; i < rs->partners_.size(); ++i) {
      bool all = true;
      for (const Predicate& pred : rule.partner) {
        all = all && Evaluate(pred, PartnerFieldValue(rs->partners_[i], pol, pred));
      }
      if (all) bits[i / 64] |= std::uint64_t{1} << (i % 64);
    }
    rs->rule_partners_.push_back(std::move(bits));
  }
  if (!pol.fallback_partner.empty() && !rs->ids_.contains(pol.fallback_partner)) {
    errors.push_back(pol.fallback_where + ": selection.fallback_partner \"" +
                     pol.fallback_partner + "\" is not a partner");
  }
  if (!errors.empty()) return Status::InvalidRules(JoinErrors(errors));
  rs->policy_ = std::move(policy);
  return std::shared_ptr<const RuleSet>(std::move(rs));
}

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::string& dir,
                                                     const Normalizer& normalizer,
                                                     std::vector<std::string>* warnings) {
  const std::string policy_path = dir + "/policy.toml";
  const std::string partners_path = dir + "/partners.jsonl";
  const std::string csv_path = dir + "/partners.csv";
  std::vector<std::string> errors;
  std::optional<Policy> policy;
  // The tiers of a policy with errors elsewhere, to check partners against.
  std::optional<std::vector<std::string>> tiers_read;
  // The files' bytes, hashed (FNV-1a): the version of a policy that names
  // none, so that stats, reload_rules and /metrics tell two sets apart.
  std::uint64_t digest = 0xcbf29ce484222325ULL;
  auto hash = [&digest](std::string_view bytes) {
    for (unsigned char c : bytes) digest = (digest ^ c) * 0x100000001b3ULL;
  };
  if (auto text = ReadFile(policy_path); !text.ok()) {
    errors.emplace_back(text.status().message());
  } else if (auto parsed = ParsePolicy(*text, policy_path, &tiers_read); !parsed.ok()) {
    errors.emplace_back(parsed.status().message());
  } else {
    hash(*text);
    policy = std::move(*parsed);
  }
  // partners.jsonl, partners.csv or both (a partner in both is a
  // duplicate id); without either, one error names both.
  std::vector<Partner> partners;
  std::vector<PartnerSource> sources;
  std::string jsonl_text;  // the JSON sources view it
  // Present unless surely absent: a dangling link or an unreadable
  // directory entry is read, and reported.
  auto present = [](const std::string& path) {
    std::error_code ec;
    return std::filesystem::symlink_status(path, ec).type() !=
           std::filesystem::file_type::not_found;
  };
  const bool has_csv = present(csv_path);
  const bool has_jsonl = present(partners_path);
  if (!has_csv && !has_jsonl) {
    errors.push_back(partners_path +
                     ":1:1: cannot read (a rule set needs partners.jsonl or partners.csv)");
  }
  if (has_jsonl) {
    if (auto text = ReadFile(partners_path); !text.ok()) {
      errors.emplace_back(text.status().message());
    } else {
      jsonl_text = std::move(*text);
      hash(jsonl_text);
      if (Status s = ParsePartnersJsonl(jsonl_text, partners_path, &partners, &sources,
                                        warnings);
          !s.ok()) {
        errors.emplace_back(s.message());
      }
    }
  }
  if (has_csv) {
    if (auto text = ReadFile(csv_path); !text.ok()) {
      errors.emplace_back(text.status().message());
    } else {
      hash(*text);
      if (Status s = ParsePartnersCsv(*text, csv_path, &partners, &sources); !s.ok()) {
        errors.emplace_back(s.message());
      }
    }
  }
  if (!errors.empty() || !policy) {
    // The partners that parsed are checked all the same, so that every
    // problem is listed at once; of a policy with errors only the tiers
    // count, and only when its [tiers] read cleanly. (Whether the fallback
    // partner exists waits: it may be on a line that did not parse.)
    std::optional<Policy> tiers_only;
    if (!policy && tiers_read) {
      tiers_only.emplace();
      tiers_only->tiers = std::move(*tiers_read);
    }
    PartnerErrors(policy ? &*policy : tiers_only ? &*tiers_only : nullptr, std::move(partners),
                  sources, normalizer, &errors);
    return Status::InvalidRules(JoinErrors(errors));
  }
  if (policy->version.empty()) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
    policy->version = std::string("unversioned-") + hex;
  }
  return Compile(std::move(*policy), std::move(partners), sources, normalizer);
}

LeadFacts RuleSet::Facts(const Lead& lead, const Normalizer& normalizer) const {
  std::string domain;
  if (!lead.party.domain.empty()) domain = normalizer.Domain(lead.party.domain).value_or("");
  if (domain.empty() && !lead.party.email.empty()) {
    if (auto e = normalizer.Email(lead.party.email); e && !e->freemail && e->domain) {
      domain = *e->domain;
    }
  }
  std::string postal;
  if (!lead.party.postal_code.empty()) {
    const std::string country =
        Normalizer::CountryOf(lead.party.country, lead.party.region, lead.party.street)
            .value_or("");
    postal = normalizer.PostalCode(lead.party.postal_code, country).value_or("");
  }
  return Facts(lead, domain, postal);
}

LeadFacts RuleSet::Facts(const Lead& lead, std::string_view domain,
                         std::string_view postal) const {
  LeadFacts f;
  Facts(lead, domain, postal, &f);
  return f;
}

void RuleSet::Facts(const Lead& lead, std::string_view domain, std::string_view postal,
                    LeadFacts* out) const {
  LeadFacts& f = *out;
  const Party& party = lead.party;
  FoldUpperTo(party.region, &f.region);
  if (std::optional<std::string> country =
          Normalizer::CountryOf(party.country, party.region, party.street)) {
    f.country.swap(*country);
  } else {
    f.country.clear();
  }
  // The region as an ISO 3166-2 code, for rules as for territories: "BY"
  // with country DE is "DE-BY" (rules compared "BY" with "DE-BY").
  if (!f.region.empty() && !f.country.empty() && f.region.find('-') == std::string::npos) {
    std::string code = f.country + "-" + f.region;
    if (IsSubdivisionCode(code)) f.region = std::move(code);
  }
  // As the match keys read it where it fits the country ("D-80331" is
  // 80331: a review found such a lead outside "DE:80"), else its letters
  // and digits.
  // Where the code as written is longer ("94105-1234", a ZIP+4), it is
  // kept: a territory "US:9410512" names more of it (the review of this
  // change found it cut to 94105).
  f.postal.clear();
  if (!party.postal_code.empty()) {
    PostalKeyTo(party.postal_code, &f.postal);
    if (!postal.empty() && !f.postal.starts_with(postal)) f.postal.assign(postal);
  }
  // Read by rules only: left empty when none does.
  auto read = [&](rules::LeadField field) { return (lead_fields_read_ >> field) & 1u; };
  auto fold_if_read = [&](rules::LeadField field, std::string_view text, std::string* to) {
    if (read(field)) {
      FoldLowerTo(text, to);
    } else {
      to->clear();
    }
  };
  fold_if_read(kLeadCity, party.city, &f.city);
  fold_if_read(kLeadCompany, party.company, &f.company);
  fold_if_read(kLeadSource, lead.source, &f.source);
  f.domain.assign(domain);
  FoldLowerTo(lead.industry, &f.industry);
  FoldLowerTo(lead.language, &f.language);
  // A language tag with a region ("de-DE", "de_AT") is its language where
  // no partner lists the tag itself: a partner speaking "de" speaks to a
  // "de-DE" lead (a review found such leads failing language = "require").
  // Rules read the tag as given ("de-at" whether written "de_AT" or not).
  std::replace(f.language.begin(), f.language.end(), '_', '-');
  f.partner_language.assign(f.language);
  if (const std::size_t dash = f.partner_language.find('-');
      dash != std::string::npos && dash > 0 && IdOf(language_ids_, f.partner_language) < 0) {
    f.partner_language.resize(dash);
  }
  f.employees = lead.employees;
  f.annual_revenue = lead.annual_revenue;
  f.products.resize(lead.products.size());
  for (std::size_t i = 0; i < lead.products.size(); ++i) {
    FoldLowerTo(lead.products[i], &f.products[i]);
  }
}

void RuleSet::CoveringLists(const LeadFacts& lead,
                            std::vector<const TerritoryList*>* out) const {
  out->clear();
  out->reserve(8);  // a domain, a few postal prefixes, a region, a country
  auto take = [&](std::string_view key) {
    auto it = territories_.find(key);
    if (it != territories_.end()) out->push_back(&it->second);
  };
  // Keys are built in one buffer and looked up as views.
  std::string key;
  if (!lead.domain.empty()) {
    key.append("@").append(lead.domain);
    take(key);
  }
  if (!lead.country.empty()) {
    key.assign(lead.country).push_back(':');
    for (char c : lead.postal) {
      key.push_back(c);
      const std::size_t length = key.size() - lead.country.size() - 1;
      if ((postal_lengths_ >> std::min<std::size_t>(length, 63)) & 1) take(key);
    }
    // The region as an ISO 3166-2 code of the lead's country: "DE-BY", or
    // "BY" with country DE. Never on its own: "CA" alone is Canada.
    if (!lead.region.empty()) {
      key.assign(lead.country).push_back('-');
      if (lead.region.starts_with(key)) {
        take(lead.region);
      } else if (lead.region.find('-') == std::string::npos) {
        key.append(lead.region);
        if (IsSubdivisionCode(key)) take(key);
      }
    }
    take(lead.country);
  }
  // Most specific first, in the order taken among equals: an insertion
  // sort, as there are a few (std::stable_sort took a buffer from the heap
  // for them, each lead).
  for (std::size_t i = 1; i < out->size(); ++i) {
    const TerritoryList* list = (*out)[i];
    std::size_t j = i;
    for (; j > 0 && (*out)[j - 1]->specificity < list->specificity; --j) (*out)[j] = (*out)[j - 1];
    (*out)[j] = list;
  }
}

void RuleSet::Covering(const LeadFacts& lead, std::vector<TerritoryHit>* out) const {
  out->clear();
  std::vector<const TerritoryList*> lists;
  CoveringLists(lead, &lists);
  for (const TerritoryList* list : lists) {
    for (std::uint32_t p : list->partners) out->push_back({p, list->specificity});
  }
  // Each partner once, at its most specific.
  std::sort(out->begin(), out->end(), [](const TerritoryHit& a, const TerritoryHit& b) {
    return a.partner != b.partner ? a.partner < b.partner : a.specificity > b.specificity;
  });
  out->erase(std::unique(out->begin(), out->end(),
                         [](const TerritoryHit& a, const TerritoryHit& b) {
                           return a.partner == b.partner;
                         }),
             out->end());
}

bool RuleSet::ProductBits(const LeadFacts& lead, std::vector<std::uint64_t>* bits,
                          std::vector<std::uint32_t>* ids) const {
  bits->clear();
  ids->clear();
  bool all_known = true;
  for (const std::string& p : lead.products) {
    auto it = product_ids_.find(p);
    if (it == product_ids_.end()) {
      all_known = false;
      continue;
    }
    SetBit(bits, it->second);
    ids->push_back(it->second);
  }
  return all_known;
}

void RuleSet::RequiredCertifications(const std::vector<std::uint32_t>& product_ids,
                                     std::vector<std::uint64_t>* bits) const {
  bits->clear();
  for (std::uint32_t id : product_ids) {
    for (const auto& [product, certs] : certs_per_product_) {
      if (product != id) continue;
      for (std::uint32_t c : certs) SetBit(bits, c);
    }
  }
}

int RuleSet::MinTierRank(const LeadFacts& lead) const {
  int rank = 0;
  if (!lead.employees) return rank;
  for (const SizeBand& band : policy_.size_bands) {
    if (*lead.employees >= band.min_employees) {
      rank = std::max(rank, policy_.TierRank(band.min_tier));
    }
  }
  return rank;
}

std::int32_t RuleSet::IndustryId(const std::string& industry) const {
  return IdOf(industry_ids_, industry);
}

std::int32_t RuleSet::LanguageId(const std::string& language) const {
  return IdOf(language_ids_, language);
}

std::vector<std::string> Lint(const std::string& dir, const Normalizer& normalizer,
                              std::vector<std::string>* warnings) {
  auto loaded = RuleSet::Load(dir, normalizer, warnings);
  if (loaded.ok()) {
    // Over the defaults (no --config): thresholds that fit only with a
    // configured base are worth a word; serve refuses them without one.
    const Policy& policy = (*loaded)->policy();
    std::string problem;
    policy.ConflictOver(ConflictPolicy{}, &problem);
    if (!problem.empty() && warnings != nullptr) {
      warnings->push_back(policy.conflict_where + ": warning: " + problem +
                          " over the defaults: the rule set loads only with a --config "
                          "[conflict] that fits");
    }
    return {};
  }
  std::vector<std::string> out;
  std::string_view messages = loaded.status().message();
  while (!messages.empty()) {
    const std::size_t nl = messages.find('\n');
    out.emplace_back(messages.substr(0, nl));
    messages.remove_prefix(nl == std::string_view::npos ? messages.size() : nl + 1);
  }
  return out;
}

}  // namespace leadroute::rules
