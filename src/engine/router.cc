#include "engine/router.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>

#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include "rules/predicate.h"

namespace leadroute {

namespace {

using rules::FieldType;
using rules::FieldValue;
using rules::LeadFacts;
using rules::Policy;
using rules::Preference;
using rules::ProductMatch;
using rules::RuleAction;
using rules::RuleSet;

constexpr double kTie = 1e-9;
constexpr std::size_t kExplainCandidates = 5;

FieldValue LeadField(const LeadFacts& f, const rules::Predicate& p) {
  FieldValue v;
  switch (p.field_id) {
    case rules::kLeadCountry: v.text = f.country; break;
    case rules::kLeadRegion: v.text = f.region; break;
    case rules::kLeadPostalCode: v.text = f.postal; break;
    case rules::kLeadCity: v.text = f.city; break;
    case rules::kLeadCompany: v.text = f.company; break;
    case rules::kLeadDomain: v.text = f.domain; break;
    case rules::kLeadIndustry: v.text = f.industry; break;
    case rules::kLeadLanguage: v.text = f.language; break;
    case rules::kLeadSource: v.text = f.source; break;
    case rules::kLeadEmployees:
      v.type = FieldType::kNumber;
      v.number = f.employees;
      break;
    case rules::kLeadAnnualRevenue:
      v.type = FieldType::kNumber;
      v.number = f.annual_revenue;
      break;
    case rules::kLeadProducts:
      v.type = FieldType::kList;
      v.list = &f.products;
      break;
    default: break;
  }
  return v;
}

bool Contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// A partner's bitset: `first` is word 0 (from PackedPartner), `all` the
// whole set, read only past word 0.
struct Bits {
  std::uint64_t first;
  const std::vector<std::uint64_t>& all;

  std::uint64_t Word(std::size_t i) const {
    return i == 0 ? first : i < all.size() ? all[i] : 0;
  }
  bool Has(std::int32_t id) const {
    return id >= 0 && (Word(static_cast<std::size_t>(id) / 64) >> (id % 64)) & 1u;
  }
  // Whether every bit of `need` is set.
  bool Covers(const std::vector<std::uint64_t>& need) const {
    for (std::size_t i = 0; i < need.size(); ++i) {
      if ((need[i] & ~Word(i)) != 0) return false;
    }
    return true;
  }
  bool Intersects(const std::vector<std::uint64_t>& other) const {
    for (std::size_t i = 0; i < other.size(); ++i) {
      if ((other[i] & Word(i)) != 0) return true;
    }
    return false;
  }
};

// Holds a shared mutex shared (a dry run, which changes nothing) or
// exclusively, as a std::unique_lock would.
class StateHold {
 public:
  StateHold(std::shared_mutex& mu, bool shared) : mu_(mu), shared_(shared) { lock(); }
  ~StateHold() {
    if (held_) unlock();
  }
  StateHold(const StateHold&) = delete;
  StateHold& operator=(const StateHold&) = delete;

  void lock() {
    if (shared_) {
      mu_.lock_shared();
    } else {
      mu_.lock();
    }
    held_ = true;
  }
  void unlock() {
    held_ = false;
    if (shared_) {
      mu_.unlock_shared();
    } else {
      mu_.unlock();
    }
  }

 private:
  std::shared_mutex& mu_;
  const bool shared_;
  bool held_ = false;
};

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string EvidenceList(const std::vector<Evidence>& evidence) {
  std::string out;
  for (Evidence e : evidence) {
    if (!out.empty()) out += ", ";
    out += EvidenceName(e);
  }
  return out;
}

}  // namespace

Engine::Router::Router(const Normalizer* normalizer, Deals* deals,
                       ConflictPolicy base_conflict, std::function<std::int64_t()> now)
    : normalizer_(normalizer),
      deals_(deals),
      base_conflict_(std::move(base_conflict)),
      now_(std::move(now)) {}

// --- Rule sets ----------------------------------------------------------------

Result<ConflictPolicy> Engine::Router::ConflictWith(const RuleSet& rs) const {
  // Key by key (a review found the whole of --config's [conflict] dropped
  // for a rule set that set one key of its own).
  std::string problem;
  ConflictPolicy c = rs.policy().ConflictOver(base_conflict_, &problem);
  if (!problem.empty()) {
    return Status::InvalidRules(rs.policy().conflict_where + ": " + problem +
                                " with this [conflict] over --config's (or the defaults)");
  }
  return c;
}

RulesInfo Engine::Router::Install(std::shared_ptr<const RuleSet> rs) {
  // Checked by Load() and Reload() before: the policy is the same here.
  auto conflict = ConflictWith(*rs);
  deals_->SetPolicy(conflict.ok() ? *conflict : base_conflict_);
  RulesInfo info{rs->policy().version, rs->partners().size(), {}};
  std::lock_guard lock(state_mu_);
  Active next;
  next.states.reserve(rs->partners().size());
  for (const auto& cp : rs->partners()) next.states.push_back(&StateOf(cp.partner.id));
  next.rules = std::move(rs);
  active_ = std::move(next);
  // The pruning slack for observed accept rates, under the new weights.
  accept_uplift_ = 0;
  for (const auto& cp : active_.rules->partners()) NoteAcceptRate(cp.partner.id);
  return info;
}

void Engine::Router::ApplyOverlay(std::vector<Partner>* partners) const {
  for (const auto& entry : overlay_) {
    const std::string& id = entry.first;
    const std::optional<Partner>& change = entry.second;
    auto it = std::find_if(partners->begin(), partners->end(),
                           [&](const Partner& p) { return p.id == id; });
    if (change) {
      if (it != partners->end()) {
        *it = *change;
      } else {
        partners->push_back(*change);
      }
    } else if (it != partners->end()) {
      partners->erase(it);
    }
  }
}

void Engine::Router::NoteOverlay(std::string_view id, std::optional<Partner> change) {
  // Only what ApplyOverlay() needs to give the same partners in the same
  // order: a partner changed again is changed where it stands (its last
  // entry, when that one keeps it); a removal makes every earlier entry of
  // its id moot. (Every change was kept: a review's 3,000 upserts of one
  // partner made a 570 KB snapshot.)
  auto last = std::find_if(overlay_.rbegin(), overlay_.rend(),
                           [&](const auto& entry) { return entry.first == id; });
  if (change && last != overlay_.rend() && last->second) {
    last->second = std::move(change);
    return;
  }
  if (!change) {
    std::erase_if(overlay_, [&](const auto& entry) { return entry.first == id; });
  }
  overlay_.emplace_back(std::string(id), std::move(change));
}

Result<RulesInfo> Engine::Router::Load(const std::string& dir) {
  std::lock_guard lock(rules_mu_);
  std::vector<std::string> warnings;
  auto loaded = RuleSet::Load(dir, *normalizer_, &warnings);
  if (!loaded.ok()) return loaded.status();
  if (auto conflict = ConflictWith(**loaded); !conflict.ok()) return conflict.status();
  dir_ = dir;
  overlay_.clear();
  RulesInfo info = Install(std::move(*loaded));
  info.warnings = std::move(warnings);
  return info;
}

Result<RulesInfo> Engine::Router::Reload() {
  std::lock_guard lock(rules_mu_);
  if (dir_.empty()) return Status::NotFound("no rule set loaded");
  std::vector<std::string> warnings;
  auto loaded = RuleSet::Load(dir_, *normalizer_, &warnings);
  if (!loaded.ok()) return loaded.status();
  if (auto conflict = ConflictWith(**loaded); !conflict.ok()) return conflict.status();
  std::shared_ptr<const RuleSet> next = std::move(*loaded);
  if (!overlay_.empty()) {
    // Partners changed through the API since: on top of the files.
    std::vector<Partner> partners;
    for (const auto& cp : next->partners()) partners.push_back(cp.partner);
    ApplyOverlay(&partners);
    auto compiled = RuleSet::Compile(next->policy(), std::move(partners), {}, *normalizer_);
    if (!compiled.ok()) return compiled.status();
    next = std::move(*compiled);
  }
  RulesInfo info = Install(std::move(next));
  info.warnings = std::move(warnings);
  return info;
}

std::shared_ptr<const RuleSet> Engine::Router::Current() const {
  std::shared_lock lock(state_mu_);
  return active_.rules;
}

Result<bool> Engine::Router::UpsertPartner(const Partner& partner) {
  std::lock_guard lock(rules_mu_);
  std::shared_ptr<const RuleSet> current = Current();
  if (!current) return Status::InvalidRules("no rule set loaded");
  // The partner's own values first, so that a refusal names its field
  // ("partner.tier"); what only the whole set shows (the fallback partner
  // gone inactive) is reported after compiling.
  {
    Partner checked = partner;
    Status first;
    rules::CheckPartner(&current->policy(), *normalizer_, &checked,
                 [&](std::string_view field, std::string_view message) {
                   if (first.ok()) {
                     first = Status::InvalidArgument(message, "partner." + std::string(field));
                   }
                 });
    if (!first.ok()) return first;
  }
  std::vector<Partner> partners;
  partners.reserve(current->partners().size() + 1);
  bool created = true;
  for (const auto& cp : current->partners()) {
    if (cp.partner.id == partner.id) {
      partners.push_back(partner);
      created = false;
    } else {
      partners.push_back(cp.partner);
    }
  }
  if (created) partners.push_back(partner);
  auto compiled = RuleSet::Compile(current->policy(), std::move(partners), {}, *normalizer_);
  if (!compiled.ok()) {
    return Status::InvalidArgument(compiled.status().message(), "partner");
  }
  if (log_) {
    Change change{.kind = ChangeKind::kUpsertPartner, .at = now_(), .partner = &partner};
    if (Status s = log_->Append(change); !s.ok()) return s;
  }
  NoteOverlay(partner.id, partner);
  Install(std::move(*compiled));
  return created;
}

Status Engine::Router::RemovePartner(std::string_view id) {
  std::lock_guard lock(rules_mu_);
  std::shared_ptr<const RuleSet> current = Current();
  if (!current || current->Find(id) < 0) return Status::NotFound("no such partner");
  std::vector<Partner> partners;
  for (const auto& cp : current->partners()) {
    if (cp.partner.id != id) partners.push_back(cp.partner);
  }
  auto compiled = RuleSet::Compile(current->policy(), std::move(partners), {}, *normalizer_);
  if (!compiled.ok()) {
    // The fallback partner cannot go while the policy names it.
    return Status::InvalidArgument(compiled.status().message(), "id");
  }
  if (log_) {
    Change change{.kind = ChangeKind::kRemovePartner, .at = now_(), .id = id};
    if (Status s = log_->Append(change); !s.ok()) return s;
  }
  NoteOverlay(id, std::nullopt);
  Install(std::move(*compiled));
  return Status::Ok();
}

std::optional<Partner> Engine::Router::GetPartner(std::string_view id) const {
  std::shared_ptr<const RuleSet> rs = Current();
  if (!rs) return std::nullopt;
  const int i = rs->Find(id);
  if (i < 0) return std::nullopt;
  return rs->partners()[static_cast<std::size_t>(i)].partner;
}

Engine::Router::PartnerState& Engine::Router::StateOf(std::string_view partner_id) {
  auto it = states_.find(std::string(partner_id));
  if (it == states_.end()) {
    it = states_.emplace(std::string(partner_id), std::make_unique<PartnerState>()).first;
  }
  return *it->second;
}

const Engine::Router::PartnerState& Engine::Router::PeekState(std::string_view partner_id) const {
  static const PartnerState kNone{};
  auto it = states_.find(std::string(partner_id));
  return it == states_.end() ? kNone : *it->second;
}

Engine::Router::Assignment& Engine::Router::AssignmentOf(const std::string& lead_id) {
  std::unique_ptr<Assignment>& a = assignments_[lead_id];
  if (!a) a = std::make_unique<Assignment>();
  return *a;
}

Result<PartnerStats> Engine::Router::Stats(std::string_view id) const {
  std::shared_ptr<const RuleSet> rs = Current();
  const int i = rs ? rs->Find(id) : -1;
  std::shared_lock lock(state_mu_);
  // The rule set's partners, and any other that has had leads (a partner
  // removed with none is gone: a review found it still listed).
  if (i < 0) {
    auto it = states_.find(std::string(id));
    if (it == states_.end() || !HadLeads(*it->second)) return Status::NotFound("no such partner");
  }
  return StatsOf(rs.get(), id);
}

PartnerStats Engine::Router::StatsOf(const RuleSet* rs, std::string_view id) const {
  PartnerStats out;
  out.partner_id = std::string(id);
  if (auto it = states_.find(out.partner_id); it != states_.end()) {
    const PartnerState& s = *it->second;
    out.received = s.received;
    out.open = s.open;
    out.accepted = s.accepted;
    out.declined = s.declined;
    out.closed = s.closed;
  }
  if (const int i = rs ? rs->Find(id) : -1; i >= 0) {
    out.capacity = rs->partners()[static_cast<std::size_t>(i)].partner.capacity;
  }
  return out;
}

std::vector<PartnerStats> Engine::Router::StatsPage(std::string_view after, std::size_t limit,
                                                   bool* more) const {
  std::shared_ptr<const RuleSet> rs = Current();
  std::vector<std::string_view> ids;
  std::shared_lock lock(state_mu_);
  if (rs) {
    for (const auto& cp : rs->partners()) {
      if (cp.partner.id > after) ids.push_back(cp.partner.id);
    }
  }
  for (const auto& [id, state] : states_) {
    if (id > after && (!rs || rs->Find(id) < 0) && HadLeads(*state)) ids.push_back(id);
  }
  // The page's ids only: a partial sort, not of every partner.
  const std::size_t n = std::min(limit, ids.size());
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end());
  *more = ids.size() > n;
  std::vector<PartnerStats> out;
  out.reserve(n);
  for (std::size_t k = 0; k < n; ++k) out.push_back(StatsOf(rs.get(), ids[k]));
  return out;
}

void Engine::Router::Totals(EngineStats* stats) const {
  std::shared_lock lock(state_mu_);
  if (active_.rules) {
    stats->partners = active_.rules->partners().size();
    stats->rules_version = active_.rules->policy().version;
  }
  stats->leads_routed = routed_;
  stats->leads_unassigned = unassigned_;
  stats->leads_open = open_;
  for (const auto& [id, state] : states_) {
    stats->leads_accepted += state->accepted;
    stats->leads_declined += state->declined;
    stats->leads_closed += state->closed;
  }
}

// --- Routing --------------------------------------------------------------------

Engine::Router::Plan Engine::Router::Prepare(const Lead& lead,
                                             const std::vector<std::string>& declined,
                                             std::shared_ptr<const RuleSet> rules) const {
  Plan plan;
  plan.rules = std::move(rules);
  if (!plan.rules) {
    plan.status = Status::InvalidRules("no rule set loaded");
    return plan;
  }
  if (!lead.party.HasIdentity()) {
    plan.status = Status::InvalidArgument(
        std::string(kNeedsIdentity),
        "lead");
    return plan;
  }
  // (The decoder's form, for leads built in code: a routed lead is journaled.)
  if (!lead.party.birth_date.empty() && !IsIsoDate(lead.party.birth_date)) {
    plan.status = Status::InvalidArgument("must be YYYY-MM-DD", "lead.birth_date");
    return plan;
  }
  const RuleSet& rs = *plan.rules;
  const Policy& pol = rs.policy();

  // The customer's owner comes first: a check of a deal that is no one's,
  // on the lead's products.
  // Normalized once: for the owner check and for the lead's domain.
  index::Features features;
  static const Owner kNoOne;
  CheckResult owned =
      deals_->Check(Deals::Asking{{}, kNoOne, lead.products}, lead.party, &features);
  for (Match& m : owned.matches) {
    if (m.owner.kind == OwnerKind::kPartner) {
      if (Contains(declined, m.owner.id)) continue;
      // An inactive partner is never routed to, its customers' leads
      // included (a review found them sent to it); a partner the rule set
      // does not list may be the PRM's, and keeps them.
      if (const int i = rs.Find(m.owner.id);
          i >= 0 && !rs.packed(static_cast<std::uint32_t>(i)).active) {
        if (plan.owner_passed.empty()) {
          plan.owner_passed = "customer owned by partner " + m.owner.id +
                              ", which is inactive, through opportunity " + m.opportunity_id;
        }
        continue;
      }
    }
    plan.owner = std::move(m);
    return plan;
  }

  rs.Facts(lead, features.domain,
           lead.party.postal_code.empty() ? std::string_view() : features.postal, &plan.facts);
  const LeadFacts& f = plan.facts;
  rs.CoveringLists(f, &plan.lists);
  if (plan.lists.empty()) {
    plan.no_candidates = f.country.empty() && f.domain.empty()
                             ? "the lead has no country and no domain: no territory covers it"
                             : "no partner's territory covers " +
                                   (f.country.empty() ? "the lead" : f.country +
                                    (f.region.empty() ? "" : " / " + f.region) +
                                    (f.postal.empty() ? "" : " / " + f.postal));
    return plan;
  }
  std::vector<std::uint32_t> product_ids;
  plan.products_known = rs.ProductBits(f, &plan.product_bits, &product_ids);
  if (pol.products == ProductMatch::kAny && !f.products.empty()) {
    // A partner sells the lead those of its products it carries: it needs
    // their certifications, not those of the others (a cloud-only partner
    // was excluded for lacking a firewall certification).
    for (std::uint32_t id : product_ids) {
      std::vector<std::uint64_t> certs;
      rs.RequiredCertifications({id}, &certs);
      if (!certs.empty()) plan.certs_per_product.emplace_back(id, std::move(certs));
    }
  } else {
    rs.RequiredCertifications(product_ids, &plan.cert_bits);
  }
  if (pol.products == ProductMatch::kAll && plan.products_known && !f.products.empty()) {
    plan.walk_products = std::move(product_ids);
  }
  plan.min_rank = rs.MinTierRank(f);
  if (!f.industry.empty()) plan.industry = rs.IndustryId(f.industry);
  if (!f.language.empty()) plan.language = rs.LanguageId(f.partner_language);
  for (std::size_t r = 0; r < pol.rules.size(); ++r) {
    bool all = true;
    for (const auto& pred : pol.rules[r].when) all = all && rules::Evaluate(pred, LeadField(f, pred));
    if (!all) continue;
    plan.applying.push_back(r);
    if (pol.rules[r].action == RuleAction::kBoost) {
      plan.lead_bound += std::max(0.0, pol.rules[r].boost);
    }
  }
  if (pol.industry == Preference::kPrefer && !f.industry.empty()) {
    plan.lead_bound += std::max(0.0, pol.weight_industry);
  }
  if (pol.language == Preference::kPrefer && !f.language.empty()) {
    plan.lead_bound += std::max(0.0, pol.weight_language);
  }
  return plan;
}

inline Engine::Router::Filter Engine::Router::BasicFilter(const RuleSet& rs, const Plan& plan,
                                                          std::uint32_t partner) {
  const Policy& pol = rs.policy();
  const rules::PackedPartner& pp = rs.packed(partner);
  if (!pp.active) return kInactive;
  if (pp.tier_rank < plan.min_rank) return kTier;
  if (!plan.facts.products.empty() && pol.products != ProductMatch::kIgnore) {
    // CompiledPartner is read only for ids past 63.
    const Bits products{pp.products, rs.partners()[partner].products};
    const bool ok = pol.products == ProductMatch::kAll
                        ? plan.products_known && products.Covers(plan.product_bits)
                        : products.Intersects(plan.product_bits);
    if (!ok) return kProducts;
  }
  return kPass;
}

inline Engine::Router::Filter Engine::Router::CapabilityFilter(const RuleSet& rs,
                                                               const Plan& plan,
                                                               std::uint32_t partner,
                                                               double* lead_terms) {
  const Policy& pol = rs.policy();
  const rules::PackedPartner& pp = rs.packed(partner);
  const LeadFacts& f = plan.facts;
  const rules::CompiledPartner& cp = rs.partners()[partner];
  const Bits certifications{pp.certifications, cp.certifications};
  if (!certifications.Covers(plan.cert_bits)) return kCertifications;
  for (const auto& [product, certs] : plan.certs_per_product) {
    if (Bits{pp.products, cp.products}.Has(static_cast<std::int32_t>(product)) &&
        !certifications.Covers(certs)) {
      return kCertifications;
    }
  }
  double terms = 0;
  if (!f.industry.empty() && pol.industry != Preference::kIgnore) {
    const bool match = Bits{pp.industries, cp.industries}.Has(plan.industry);
    if (pol.industry == Preference::kRequire && !match) return kIndustry;
    if (pol.industry == Preference::kPrefer && match) terms += pol.weight_industry;
  }
  if (!f.language.empty() && pol.language != Preference::kIgnore) {
    const bool match = Bits{pp.languages, cp.languages}.Has(plan.language);
    if (pol.language == Preference::kRequire && !match) return kLanguage;
    if (pol.language == Preference::kPrefer && match) terms += pol.weight_language;
  }
  for (std::size_t r : plan.applying) {
    const bool named = rs.RuleNames(r, partner);
    switch (pol.rules[r].action) {
      case RuleAction::kRequire:
        if (!named) return kRules;
        break;
      case RuleAction::kExclude:
        if (named) return kRules;
        break;
      case RuleAction::kBoost:
        if (named) terms += pol.rules[r].boost;
        break;
    }
  }
  *lead_terms = terms;
  return kPass;
}

double Engine::Router::AcceptRate(const RuleSet& rs, const rules::PackedPartner& pp,
                                  const PartnerState& state) {
  const std::uint32_t after = rs.policy().observed_accept_after;
  const std::uint64_t outcomes = state.accepted + state.declined;
  return after > 0 && outcomes >= after
             ? static_cast<double>(state.accepted) / static_cast<double>(outcomes)
             : pp.file_accept_rate;
}

void Engine::Router::NoteAcceptRate(std::string_view partner_id) {
  if (!active_.rules) return;
  const RuleSet& rs = *active_.rules;
  const int i = rs.Find(partner_id);
  if (i < 0) return;
  const rules::PackedPartner& pp = rs.packed(static_cast<std::uint32_t>(i));
  const double rise =
      rs.accept_weight() * (AcceptRate(rs, pp, *active_.states[static_cast<std::size_t>(i)]) -
                            pp.file_accept_rate);
  accept_uplift_ = std::max(accept_uplift_, rise);
}

double Engine::Router::Score(const RuleSet& rs, const Plan& plan, std::uint32_t partner,
                             float specificity, double lead_terms, const PartnerState& state,
                             std::vector<std::pair<std::string, double>>* factors) const {
  const Policy& pol = rs.policy();
  const rules::PackedPartner& pp = rs.packed(partner);
  const double accept_rate = AcceptRate(rs, pp, state);
  const double load = Load(pp, state);
  const double score = pp.static_score + pol.weight_territory * specificity + lead_terms +
                       rs.accept_weight() * accept_rate + pol.weight_load * load;
  if (factors != nullptr) {
    // The same sum, term by term.
    const rules::CompiledPartner& cp = rs.partners()[partner];
    const Partner& p = cp.partner;
    const LeadFacts& f = plan.facts;
    factors->clear();
    factors->emplace_back("tier", pol.weight_tier * pol.tier_scores[static_cast<std::size_t>(cp.tier_rank)]);
    if (p.weight != 0) factors->emplace_back("manual", pol.weight_manual * p.weight);
    for (const auto& [metric, w] : pol.performance_weights) {
      if (metric == "accept_rate") continue;
      if (const double* v = p.Performance(metric)) factors->emplace_back(metric, w * *v);
    }
    factors->emplace_back("territory", pol.weight_territory * specificity);
    double rest = lead_terms;
    if (pol.industry == Preference::kPrefer && !f.industry.empty() &&
        Contains(p.industries, f.industry)) {
      factors->emplace_back("industry", pol.weight_industry);
      rest -= pol.weight_industry;
    }
    if (pol.language == Preference::kPrefer && !f.language.empty() &&
        Contains(p.languages, f.partner_language)) {
      factors->emplace_back("language", pol.weight_language);
      rest -= pol.weight_language;
    }
    if (std::abs(rest) > kTie) factors->emplace_back("rules", rest);
    factors->emplace_back("accept_rate", rs.accept_weight() * accept_rate);
    factors->emplace_back("load", pol.weight_load * load);
  }
  return score;
}

RouteResult Engine::Router::Decide(const Lead& lead, Plan& plan, const RouteOptions& options,
                                   const std::vector<std::string>& declined,
                                   std::uint64_t* round_robin) const {
  RouteResult out;
  out.lead_id = lead.id;
  *round_robin = round_robin_;
  const RuleSet& rs = *plan.rules;
  const Policy& pol = rs.policy();

  if (plan.owner) {
    const Match& m = *plan.owner;
    out.decision = RouteDecision::kOwner;
    out.assignee = m.owner;
    out.opportunity_id = m.opportunity_id;
    out.score = m.score;
    out.reasons.push_back("customer owned by " + std::string(OwnerKindName(m.owner.kind)) +
                          " " + m.owner.id + " through opportunity " + m.opportunity_id +
                          " (matched on " + EvidenceList(m.matched_on) + ")");
    return out;
  }
  if (!plan.owner_passed.empty()) out.reasons.push_back(plan.owner_passed);

  // Walk the covering lists, most specific first, each best base score
  // first. Selection by best score or among the top k needs only the
  // partners that could still reach the threshold: a list is left once its
  // next partner's base score plus the most the lead and the state could
  // add falls below it. Explain and round robin look at every partner.
  const bool same_rules = active_.rules == plan.rules;
  auto state_of = [&](std::uint32_t i) -> const PartnerState& {
    return same_rules ? *active_.states[i] : PeekState(rs.partners()[i].partner.id);
  };
  // The bound assumes a more specific list never scores lower and load
  // never adds: true for the usual signs of those weights, else no pruning.
  const bool prune = !options.explain && pol.mode != rules::SelectionMode::kRoundRobin &&
                     pol.weight_load <= 0 && pol.weight_territory >= 0;
  const std::size_t k = pol.mode == rules::SelectionMode::kWeightedRandom ? pol.top_k : 1;
  // Per thread, kept between leads so that their capacity is (each lead
  // allocated both as it grew, ~6 times).
  thread_local std::vector<double> top_by_thread;
  thread_local std::vector<Scored> scored_by_thread;
  std::vector<double>& top = top_by_thread;  // min-heap of the k best scores so far
  top.clear();
  auto threshold = [&] {
    if (top.size() < k) return -std::numeric_limits<double>::infinity();
    return k == 1 ? top.front() - kTie : top.front();
  };
  // Partners seen while routing this lead: seen[i] == epoch. Each thread
  // keeps its own, so threads decide at once.
  struct Seen {
    std::vector<std::uint32_t> marks;
    std::uint32_t epoch = 0;
  };
  thread_local Seen seen_by_thread;
  std::vector<std::uint32_t>& seen = seen_by_thread.marks;
  std::uint32_t& epoch = seen_by_thread.epoch;
  if (seen.size() != rs.partners().size()) {
    seen.assign(rs.partners().size(), 0);
    epoch = 0;
  }
  auto next_epoch = [&] {
    if (++epoch == 0) {
      std::fill(seen.begin(), seen.end(), 0);
      epoch = 1;
    }
  };
  std::uint32_t excluded[kFilterCount] = {};
  std::uint32_t considered = 0;
  std::vector<Scored>& scored = scored_by_thread;
  scored.clear();
  // Where the walk prunes, nobody's exclusions are reported unless nobody
  // passes (a walk that ends so is made again, counting them in filter
  // order). A partner's state then decides after the basic filters: one
  // at capacity, or so loaded that it cannot reach the scores found, needs
  // no other. (A recording route's walk read ~42 partners against a dry
  // route's ~14: partners fill up, and loaded ones score below their base.)
  bool by_state = prune && same_rules;
  auto visit = [&](const rules::TerritoryList& list, const std::uint32_t* partners,
                   const double* base_scores, std::size_t n) {
    const double slack =
        pol.weight_territory * list.specificity + plan.lead_bound + accept_uplift_;
    for (std::size_t j = 0; j < n; ++j) {
      if (prune && base_scores[j] + slack < threshold()) break;
      const std::uint32_t i = partners[j];
      if (seen[i] == epoch) continue;
      seen[i] = epoch;
      ++considered;
      const PartnerState& state = state_of(i);
      const rules::PackedPartner& pp = rs.packed(i);
      Filter filter = BasicFilter(rs, plan, i);
      if (filter == kPass && by_state) {
        if (AtCapacity(pol, pp, state)) {
          ++excluded[kCapacity];
          continue;
        }
        // At most its base, the list's slack and its load's (negative)
        // term: below the k-th best found, it cannot be selected. (A
        // threshold exists only once someone passed: never all skipped.)
        if (state.open > 0 &&
            base_scores[j] + slack + pol.weight_load * Load(pp, state) + kTie < threshold()) {
          continue;
        }
      }
      double lead_terms = 0;
      if (filter == kPass) filter = CapabilityFilter(rs, plan, i, &lead_terms);
      if (filter == kPass && !declined.empty() &&
          Contains(declined, rs.partners()[i].partner.id)) {
        filter = kDeclined;
      }
      if (filter == kPass && !by_state && AtCapacity(pol, pp, state)) filter = kCapacity;
      if (filter != kPass) {
        ++excluded[filter];
        continue;
      }
      const double score = Score(rs, plan, i, list.specificity, lead_terms, state, nullptr);
      scored.push_back({i, &list, lead_terms, score});
      if (top.size() < k) {
        top.push_back(score);
        std::push_heap(top.begin(), top.end(), std::greater<>());
      } else if (score > top.front()) {
        std::pop_heap(top.begin(), top.end(), std::greater<>());
        top.back() = score;
        std::push_heap(top.begin(), top.end(), std::greater<>());
      }
    }
  };
  // When every product of the lead is required, only a list's partners
  // carrying one of them can pass: walk the shortest such sublist. It
  // holds every partner that passes, in the list's order, so the walk
  // scores the same partners and stops at the same bound.
  const bool by_product = !options.explain && !plan.walk_products.empty();
  next_epoch();
  for (const rules::TerritoryList* list : plan.lists) {
    if (!by_product) {
      visit(*list, list->partners.data(), list->base_scores.data(), list->partners.size());
      continue;
    }
    const rules::TerritoryList::ProductList* shortest = nullptr;
    for (std::uint32_t product : plan.walk_products) {
      const rules::TerritoryList::ProductList* with = list->WithProduct(product);
      if (with == nullptr) {  // nobody on this list carries it
        shortest = nullptr;
        break;
      }
      if (shortest == nullptr || with->end - with->begin < shortest->end - shortest->begin) {
        shortest = with;
      }
    }
    if (shortest != nullptr) {
      visit(*list, list->product_partners.data() + shortest->begin,
            list->product_base_scores.data() + shortest->begin, shortest->end - shortest->begin);
    }
  }
  if ((by_product || (by_state && excluded[kCapacity] > 0)) && scored.empty()) {
    // Nobody passed. Walk every partner, so the reason counts each filter
    // in order (a walk by state counted those at capacity first: nobody
    // else was passed over, since no threshold was ever reached).
    by_state = false;
    next_epoch();
    considered = 0;
    std::fill(std::begin(excluded), std::end(excluded), 0);
    for (const rules::TerritoryList* list : plan.lists) {
      visit(*list, list->partners.data(), list->base_scores.data(), list->partners.size());
    }
  }
  // Best first, as far as the selection reads: every candidate for
  // explain and round robin, the top k for weighted random, the best and
  // those tied with it for best (a full sort of the dozens a walk scores
  // was ~4% of a recorded route).
  auto better = [](const Scored& a, const Scored& b) {
    return a.score != b.score ? a.score > b.score : a.partner < b.partner;
  };
  if (options.explain || pol.mode == rules::SelectionMode::kRoundRobin) {
    std::sort(scored.begin(), scored.end(), better);
  } else if (pol.mode == rules::SelectionMode::kWeightedRandom) {
    const auto top_n =
        static_cast<std::ptrdiff_t>(std::min<std::size_t>(pol.top_k, scored.size()));
    std::partial_sort(scored.begin(), scored.begin() + top_n, scored.end(), better);
  } else if (!scored.empty()) {
    double best = scored[0].score;
    for (const Scored& c : scored) best = std::max(best, c.score);
    const auto tied = std::partition(scored.begin(), scored.end(),
                                     [&](const Scored& c) { return best - c.score <= kTie; });
    std::sort(scored.begin(), tied, better);
  }
  static constexpr const char* kNames[kFilterCount] = {
      "", "inactive", "tier", "products", "certifications", "industry", "language",
      "rules", "declined", "capacity"};
  if (options.explain) {
    for (int i = kInactive; i < kFilterCount; ++i) out.excluded.emplace_back(kNames[i], excluded[i]);
    for (std::size_t i = 0; i < scored.size() && i < kExplainCandidates; ++i) {
      RouteCandidate c;
      c.partner_id = rs.partners()[scored[i].partner].partner.id;
      c.score = Score(rs, plan, scored[i].partner, scored[i].list->specificity, scored[i].lead_terms,
                      state_of(scored[i].partner), &c.factors);
      out.candidates.push_back(std::move(c));
    }
  }

  if (scored.empty()) {
    // Nothing passed, so every covering partner was looked at.
    std::string why = plan.no_candidates;
    if (why.empty()) {
      why = "no eligible partner among " + std::to_string(considered) + " in territory";
      for (int i = kInactive; i < kFilterCount; ++i) {
        if (excluded[i] > 0) {
          why += "; " + std::to_string(excluded[i]) + " excluded by " + kNames[i];
        }
      }
    }
    // The fallback takes what nobody fits, as any partner: active, and
    // under its capacity where capacity is enforced (a review found an
    // inactive, full one given every such lead).
    const int fallback = pol.fallback_partner.empty() ? -1 : rs.Find(pol.fallback_partner);
    const char* fallback_out = nullptr;
    if (fallback >= 0) {
      const auto f = static_cast<std::uint32_t>(fallback);
      const rules::PackedPartner& pp = rs.packed(f);
      fallback_out = !pp.active                                 ? "is inactive"
                     : Contains(declined, pol.fallback_partner) ? "declined the lead"
                     : AtCapacity(pol, pp, state_of(f))         ? "is at capacity"
                                                                : nullptr;
      if (fallback_out == nullptr) {
        out.decision = RouteDecision::kPartner;
        out.assignee = Owner{OwnerKind::kPartner, pol.fallback_partner};
        out.reasons.push_back(why);
        out.reasons.push_back("fallback partner " + pol.fallback_partner);
        return out;
      }
    }
    out.decision = RouteDecision::kUnassigned;
    out.reasons.push_back(why);
    if (fallback_out != nullptr) {
      out.reasons.push_back("fallback partner " + pol.fallback_partner + " " + fallback_out);
    }
    return out;
  }

  // Selection. Partners that tie, or all the eligible in round robin mode,
  // take turns: the one that has waited longest since its last lead (or
  // never had one) first, the first in order among equals. Among partners
  // that get leads only through the tie this is plain rotation; leads that
  // a member gets elsewhere (another territory's) put it at the back, and
  // skip no one. (One turn counter for every lead gave a country's leads
  // always to the same partner when two countries' leads alternated; a turn
  // from the leads the group had received starved a member that also
  // covered another country.) round_robin_ still counts such choices.
  auto turn = [&](std::size_t n) {
    std::size_t pick = 0;
    std::uint64_t oldest = state_of(scored[0].partner).last_routed;
    for (std::size_t i = 1; i < n; ++i) {
      const std::uint64_t last = state_of(scored[i].partner).last_routed;
      if (last < oldest) {
        oldest = last;
        pick = i;
      }
    }
    return pick;
  };
  std::size_t pick = 0;
  switch (pol.mode) {
    case rules::SelectionMode::kBest: {
      std::size_t ties = 1;
      while (ties < scored.size() && scored[0].score - scored[ties].score <= kTie) ++ties;
      pick = ties > 1 ? turn(ties) : 0;
      if (ties > 1) ++*round_robin;
      out.reasons.push_back(ties > 1 ? "best score, tied with " + std::to_string(ties - 1) +
                                           " (round robin)"
                                     : "best score");
      break;
    }
    case rules::SelectionMode::kWeightedRandom: {
      const std::size_t n = std::min<std::size_t>(pol.top_k, scored.size());
      // Softmax over the top k, drawn from a generator seeded by the rule
      // set's seed, the lead and its declines: replayable, order-free.
      std::vector<double> weights(n);
      double total = 0;
      for (std::size_t i = 0; i < n; ++i) {
        weights[i] = std::exp(scored[i].score - scored[0].score);
        total += weights[i];
      }
      const std::uint64_t r =
          SplitMix64(pol.seed ^ Fnv1a(lead.id) ^ (declined.size() * 0x9e3779b97f4a7c15ULL));
      double x = static_cast<double>(r >> 11) / 9007199254740992.0 * total;
      pick = n - 1;
      for (std::size_t i = 0; i < n; ++i) {
        if (x < weights[i]) {
          pick = i;
          break;
        }
        x -= weights[i];
      }
      out.reasons.push_back("weighted random among the top " + std::to_string(n));
      break;
    }
    case rules::SelectionMode::kRoundRobin: {
      // Best score first among those that waited as long (a review found
      // them re-sorted into file order, which the rule set's README does
      // not say).
      pick = turn(scored.size());
      ++*round_robin;
      out.reasons.push_back("round robin among " + std::to_string(scored.size()) + " eligible");
      break;
    }
  }
  const Scored& chosen = scored[pick];
  const Partner& p = rs.partners()[chosen.partner].partner;
  out.decision = RouteDecision::kPartner;
  out.assignee = Owner{OwnerKind::kPartner, p.id};
  out.score = chosen.score;
  out.reasons.push_back(rs.Reason(*chosen.list));
  return out;
}

Status Engine::Router::Record(const Lead& lead, const RouteResult& result,
                              const std::vector<std::string>& declined,
                              std::uint64_t round_robin, std::int64_t now, Lead* take) {
  if (log_) {
    Change change{.kind = ChangeKind::kRoute, .at = now, .lead = &lead, .result = &result,
                  .declined = &declined, .round_robin = round_robin};
    if (Status s = log_->Append(change); !s.ok()) return s;
  }
  ApplyRoute(lead, result, declined, round_robin, take);
  return Status::Ok();
}

void Engine::Router::ApplyRoute(const Lead& lead, const RouteResult& result,
                                const std::vector<std::string>& declined,
                                std::uint64_t round_robin, Lead* take) {
  round_robin_ = round_robin;
  if (result.decision == RouteDecision::kUnassigned) {
    ++unassigned_;
    // Keep what it learnt for a later route of the same lead.
    if (!declined.empty()) AssignmentOf(lead.id).declined = declined;
    return;
  }
  ++routed_;
  if (result.assignee.kind != OwnerKind::kPartner) return;  // a direct owner
  PartnerState& s = StateOf(result.assignee.id);
  ++s.received;
  s.last_routed = routed_;
  ++s.open;
  ++open_;
  Assignment& a = AssignmentOf(lead.id);
  a.partner_id = result.assignee.id;
  a.open = true;
  a.accepted = false;
  a.declined = declined;
  a.result = result;
  if (take != nullptr) {
    a.lead = std::move(*take);  // `lead` itself: not read after this
  } else {
    a.lead = lead;
  }
}

template <typename Lock>
Status Engine::Router::Settle(const Lead& lead, std::vector<std::string>* declined, Plan* plan,
                              Lock& lock, const Assignment** open) {
  *open = nullptr;
  while (true) {
    auto it = assignments_.find(lead.id);
    if (it == assignments_.end()) return Status::Ok();
    if (it->second->open) {
      *open = it->second.get();
      return Status::Ok();
    }
    if (it->second->declined == *declined) return Status::Ok();
    // Routed and declined meanwhile: prepared again without the partners
    // that declined it, as RouteBatch does.
    *declined = it->second->declined;
    lock.unlock();
    *plan = Prepare(lead, *declined, Current());
    if (!plan->status.ok()) return plan->status;
    lock.lock();
  }
}

Result<RouteResult> Engine::Router::RouteOne(const Lead& lead, const RouteOptions& options,
                                             Lead* take) {
  std::vector<std::string> declined;
  {
    // A lead already routed keeps its answer: marketing retries. One that
    // was declined remembers by whom.
    std::shared_lock lock(state_mu_);
    auto it = assignments_.find(lead.id);
    if (it != assignments_.end()) {
      if (it->second->open) return Repeat(*it->second, options);
      declined = it->second->declined;
    }
  }
  Plan plan = Prepare(lead, declined, Current());
  if (!plan.status.ok()) return plan.status;
  // A dry run decides beside other dry runs; a real one alone.
  StateHold lock(state_mu_, options.dry_run);
  const Assignment* open = nullptr;
  if (Status s = Settle(lead, &declined, &plan, lock, &open); !s.ok()) return s;
  if (open != nullptr) return Repeat(*open, options);
  std::uint64_t round_robin;
  RouteResult out = Decide(lead, plan, options, declined, &round_robin);
  if (!options.dry_run) {
    if (Status s = Record(lead, out, declined, round_robin, now_(), take); !s.ok()) return s;
  }
  return out;
}

RouteResult Engine::Router::Repeat(const Assignment& a, const RouteOptions& options) {
  RouteResult again = a.result;
  if (!options.explain) {
    again.candidates.clear();
    again.excluded.clear();
  }
  return again;
}

std::vector<Result<RouteResult>> Engine::Router::RouteMany(const std::vector<Lead>& leads,
                                                           const RouteOptions& options,
                                                           std::vector<Lead>* take) {
  // Declines known before the batch; nothing in a batch declines.
  std::vector<std::vector<std::string>> declined(leads.size());
  {
    std::shared_lock lock(state_mu_);
    for (std::size_t i = 0; i < leads.size(); ++i) {
      if (auto it = assignments_.find(leads[i].id); it != assignments_.end()) {
        declined[i] = it->second->declined;
      }
    }
  }
  // Chunks of leads are prepared in parallel, each by whichever thread
  // claims it first. This thread claims them in order and decides each
  // chunk once it is prepared (preparing later ones while another thread
  // finishes it), so deciding overlaps preparing the rest.
  // Dry runs too: a dry-run batch changes no state, but decided on both
  // cores (each preparing and deciding the chunks it took) it routed ~20%
  // fewer leads a second (BM_RouteBatch/0, 20,000 partners), perhaps as
  // each core's cache then holds both halves of the work.
  const std::shared_ptr<const RuleSet> rules = Current();
  std::vector<Plan> plans(leads.size());
  constexpr std::size_t kChunk = 32;
  const std::size_t chunks = (leads.size() + kChunk - 1) / kChunk;
  enum : std::uint8_t { kFree, kTaken, kPrepared };
  std::unique_ptr<std::atomic<std::uint8_t>[]> chunk_state(
      new std::atomic<std::uint8_t>[chunks]);
  for (std::size_t c = 0; c < chunks; ++c) chunk_state[c].store(kFree, std::memory_order_relaxed);
  auto claim = [&](std::size_t c) {
    std::uint8_t free = kFree;
    return chunk_state[c].compare_exchange_strong(free, kTaken, std::memory_order_acq_rel);
  };
  auto prepare_lead = [&](std::size_t i) {
    try {
      plans[i] = Prepare(leads[i], declined[i], rules);
    } catch (const std::exception& e) {
      // That lead gets an error; a chunk must never stay unprepared.
      plans[i] = Plan{};
      plans[i].status = Status::Internal(std::string("preparing the lead failed: ") + e.what());
    }
  };
  auto prepare = [&](std::size_t c) {
    for (std::size_t i = c * kChunk; i < std::min(leads.size(), (c + 1) * kChunk); ++i) {
      prepare_lead(i);
    }
    chunk_state[c].store(kPrepared, std::memory_order_release);
    chunk_state[c].notify_one();
  };
  std::atomic<std::size_t> next_chunk{0};
  tbb::task_group helpers;
  const int helper_count = chunks > 1 ? tbb::this_task_arena::max_concurrency() - 1 : 0;
  for (int h = 0; h < helper_count; ++h) {
    helpers.run([&] {
      for (std::size_t c; (c = next_chunk.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
        if (claim(c)) prepare(c);
      }
    });
  }
  std::vector<Result<RouteResult>> out;
  out.reserve(leads.size());
  const std::int64_t now = now_();
  for (std::size_t c = 0; c < chunks; ++c) {
    if (claim(c)) prepare(c);
    while (chunk_state[c].load(std::memory_order_acquire) != kPrepared) {
      // Another thread is preparing it: prepare a later chunk meanwhile.
      const std::size_t later = next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (later >= chunks) {
        chunk_state[c].wait(kTaken, std::memory_order_acquire);
      } else if (claim(later)) {
        prepare(later);
      }
    }
    const std::size_t end = std::min(leads.size(), (c + 1) * kChunk);
    StateHold lock(state_mu_, options.dry_run);
    // A lead declined since the batch began (feedback between two chunks)
    // is prepared again with its declines, as routing it now would be.
    for (std::vector<std::size_t> stale;;) {
      stale.clear();
      for (std::size_t i = c * kChunk; i < end; ++i) {
        auto it = assignments_.find(leads[i].id);
        if (it != assignments_.end() && !it->second->open && it->second->declined != declined[i]) {
          declined[i] = it->second->declined;
          stale.push_back(i);
        }
      }
      if (stale.empty()) break;
      lock.unlock();
      for (std::size_t i : stale) prepare_lead(i);
      lock.lock();
    }
    for (std::size_t i = c * kChunk; i < end; ++i) {
      if (auto it = assignments_.find(leads[i].id);
          it != assignments_.end() && it->second->open) {
        out.emplace_back(Repeat(*it->second, options));
        continue;
      }
      if (!plans[i].status.ok()) {
        out.emplace_back(plans[i].status);
        continue;
      }
      std::uint64_t round_robin;
      RouteResult result = Decide(leads[i], plans[i], options, declined[i], &round_robin);
      if (!options.dry_run) {
        // (A lead is read only in its own chunk, after it was prepared.)
        if (Status s = Record(leads[i], result, declined[i], round_robin, now,
                              take != nullptr ? &(*take)[i] : nullptr);
            !s.ok()) {
          out.emplace_back(std::move(s));
          continue;
        }
      }
      out.emplace_back(std::move(result));
    }
  }
  helpers.wait();
  return out;
}

Status Engine::Router::Feedback(std::string_view lead_id, std::string_view partner_id,
                                LeadOutcome outcome, std::optional<RouteResult>* rerouted) {
  rerouted->reset();
  Lead lead;
  std::vector<std::string> declined;
  const std::int64_t now = now_();
  {
    std::lock_guard lock(state_mu_);
    auto it = assignments_.find(std::string(lead_id));
    if (it == assignments_.end() || !it->second->open || it->second->partner_id != partner_id) {
      return Status::NotFound("lead " + std::string(lead_id) + " is not open with partner " +
                              std::string(partner_id));
    }
    if (log_) {
      Change change{.kind = ChangeKind::kFeedback, .at = now, .id = lead_id,
                    .partner_id = partner_id, .outcome = outcome};
      if (Status s = log_->Append(change); !s.ok()) return s;
    }
    ApplyFeedback(*it->second, outcome);
    if (outcome != LeadOutcome::kDeclined) return Status::Ok();
    lead = it->second->lead;
    declined = it->second->declined;
  }
  // Routed again without the partners that declined it.
  Plan plan = Prepare(lead, declined, Current());
  if (!plan.status.ok()) return plan.status;
  std::unique_lock lock(state_mu_);
  const Assignment* open = nullptr;
  if (Status s = Settle(lead, &declined, &plan, lock, &open); !s.ok()) return s;
  // Routed again meanwhile (a retry from marketing): that answer stands.
  if (open != nullptr) {
    *rerouted = Repeat(*open, RouteOptions{});
    return Status::Ok();
  }
  std::uint64_t round_robin;
  RouteResult again = Decide(lead, plan, RouteOptions{}, declined, &round_robin);
  if (Status s = Record(lead, again, declined, round_robin, now); !s.ok()) return s;
  *rerouted = std::move(again);
  return Status::Ok();
}

void Engine::Router::ApplyFeedback(Assignment& a, LeadOutcome outcome) {
  PartnerState& s = StateOf(a.partner_id);
  switch (outcome) {
    case LeadOutcome::kAccepted:
      if (!a.accepted) ++s.accepted;
      a.accepted = true;
      NoteAcceptRate(a.partner_id);
      return;
    case LeadOutcome::kClosed:
      ++s.closed;
      --s.open;
      --open_;
      a.open = false;
      return;
    case LeadOutcome::kDeclined:
      ++s.declined;
      --s.open;
      --open_;
      a.open = false;
      a.declined.push_back(a.partner_id);
      NoteAcceptRate(a.partner_id);
      return;
  }
}

Status Engine::Router::Replay(const Change& change) {
  switch (change.kind) {
    case ChangeKind::kRoute: {
      std::lock_guard lock(state_mu_);
      ApplyRoute(*change.lead, *change.result, *change.declined, change.round_robin);
      return Status::Ok();
    }
    case ChangeKind::kFeedback: {
      std::lock_guard lock(state_mu_);
      auto it = assignments_.find(std::string(change.id));
      if (it == assignments_.end() || !it->second->open ||
          it->second->partner_id != change.partner_id) {
        return Status::NotFound("feedback for lead " + std::string(change.id) +
                                " not open with partner " + std::string(change.partner_id));
      }
      ApplyFeedback(*it->second, change.outcome);
      return Status::Ok();
    }
    case ChangeKind::kUpsertPartner: {
      // Accepted once, under the rule set of its day: a rule set that now
      // refuses it (a tier it dropped) would lose it here, and the next
      // snapshot for good. The store stops instead.
      const Status s = UpsertPartner(*change.partner).status();
      if (s.ok()) return s;
      if (!Current()) {
        return Status::InvalidRules("no rule set is loaded to take partner " +
                                    change.partner->id + ", changed through the API");
      }
      return Status::InvalidRules("the rule set refuses partner " + change.partner->id +
                                  ", changed through the API: " +
                                  (s.field().empty() ? "" : std::string(s.field()) + ": ") +
                                  std::string(s.message()));
    }
    case ChangeKind::kRemovePartner:
      return RemovePartner(change.id);
    default:
      return Status::Internal("not a routing change");
  }
}

RoutingState Engine::Router::Save(std::uint64_t* position) const {
  std::lock_guard rules_lock(rules_mu_);
  std::shared_lock lock(state_mu_);
  *position = log_ ? log_->Position() : 0;
  RoutingState out;
  for (const auto& [id, change] : overlay_) {
    RoutingState::PartnerChange& c = out.overlay.emplace_back();
    if (change) {
      c.partner = *change;
    } else {
      c.partner.id = id;
      c.removed = true;
    }
  }
  for (const auto& [id, state] : states_) {
    out.partners.push_back({id, state->received, state->open, state->accepted,
                            state->declined, state->closed, state->last_routed});
  }
  for (const auto& [id, a] : assignments_) {
    out.assignments.push_back(*a);
    // An assignment made empty by AssignmentOf() for declines has no lead.
    if (out.assignments.back().lead.id.empty()) out.assignments.back().lead.id = id;
  }
  out.round_robin = round_robin_;
  out.routed = routed_;
  out.unassigned = unassigned_;
  out.open = open_;
  return out;
}

Status Engine::Router::Restore(const RoutingState& state) {
  std::lock_guard rules_lock(rules_mu_);
  {
    std::lock_guard lock(state_mu_);
    states_.clear();
    assignments_.clear();
    for (const RoutingState::Counters& c : state.partners) {
      PartnerState& s = StateOf(c.partner_id);
      s = PartnerState{c.received, c.open, c.accepted, c.declined, c.closed, c.last_routed};
    }
    for (const Assignment& in : state.assignments) AssignmentOf(in.lead.id) = in;
    round_robin_ = state.round_robin;
    routed_ = state.routed;
    unassigned_ = state.unassigned;
    open_ = state.open;
    // The rule set's partners point at the new states.
    if (active_.rules) {
      for (std::size_t i = 0; i < active_.rules->partners().size(); ++i) {
        active_.states[i] = &StateOf(active_.rules->partners()[i].partner.id);
      }
    }
  }
  overlay_.clear();
  for (const RoutingState::PartnerChange& c : state.overlay) {
    NoteOverlay(c.partner.id, c.removed ? std::nullopt : std::optional<Partner>(c.partner));
  }
  std::shared_ptr<const RuleSet> current = Current();
  if (!current) return Status::Ok();
  std::vector<Partner> partners;
  for (const auto& cp : current->partners()) partners.push_back(cp.partner);
  ApplyOverlay(&partners);
  auto compiled = RuleSet::Compile(current->policy(), std::move(partners), {}, *normalizer_);
  if (!compiled.ok()) {
    return Status::InvalidRules("the rule set refuses the partners changed through the API: " +
                                std::string(compiled.status().message()));
  }
  Install(std::move(*compiled));
  return Status::Ok();
}

}  // namespace leadroute
