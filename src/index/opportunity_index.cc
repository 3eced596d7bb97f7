#include "index/opportunity_index.h"

#include <algorithm>

namespace leadroute::index {

namespace {

// Rebuilds the features a packed record was stored with, to find its keys.
Features FeaturesOf(const RecordView& r) {
  Features f;
  const auto v = r.features();
  f.company = v.company;
  f.company_acronym = v.acronym;
  f.company_tokens = v.tokens;
  f.domain = v.domain;
  f.email = v.email;
  f.phone = v.phone;
  f.given = v.given;
  f.surname = v.surname;
  f.person_swapped = v.swapped;
  f.street = v.street;
  f.number = v.number;
  f.postal = v.postal;
  f.city = v.city;
  f.country = v.country;
  return f;
}

std::vector<std::string> SplitProducts(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const auto sep = joined.find('\x1f');
    out.emplace_back(joined.substr(0, sep));
    if (sep == std::string_view::npos) break;
    joined.remove_prefix(sep + 1);
  }
  return out;
}

}  // namespace

OpportunityIndex::OpportunityIndex(IndexLimits limits) : limits_(limits) {
  // Most keys are unique: dense tables save more memory than the slightly
  // longer probes cost (robin hood hashing keeps them short).
  postings_.max_load_factor(0.85f);
  ids_.max_load_factor(0.85f);
}

std::uint32_t OpportunityIndex::InternOwner(const Owner& owner) {
  std::string key(OwnerKindName(owner.kind));
  key.push_back(':');
  key += owner.id;
  auto [it, inserted] =
      owner_ids_.emplace(std::move(key), static_cast<std::uint32_t>(owners_.size()));
  if (inserted) owners_.push_back(owner);
  return it->second;
}

Status OpportunityIndex::Upsert(const Opportunity& opp, const Features& f,
                                bool* created) {
  auto packed = Pack(opp, f);
  if (!packed) return Status::TooLarge("opportunity too large to store");
  std::uint32_t slot;
  auto it = ids_.find(opp.id);
  *created = it == ids_.end();
  if (*created) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = it->second;
    RemovePostings(slot);
    ids_.erase(it);
  }
  Slot& s = slots_[slot];
  s.packed = std::move(packed);
  s.registered_at = opp.registered_at;
  s.expires_at = opp.expires_at;
  s.amount = opp.amount.value_or(std::nan(""));
  s.owner = InternOwner(opp.owner);
  s.status = opp.status;
  ids_.emplace(RecordView(s.packed.get()).Get(kId), slot);
  std::vector<LookupKey> keys;
  StoredKeys(f, &keys);
  AddPostings(slot, keys);
  return Status::Ok();
}

bool OpportunityIndex::SetStatus(std::string_view id, OpportunityStatus status) {
  auto it = ids_.find(id);
  if (it == ids_.end()) return false;
  slots_[it->second].status = status;
  return true;
}

std::optional<Opportunity> OpportunityIndex::Get(std::string_view id) const {
  auto it = ids_.find(id);
  if (it == ids_.end()) return std::nullopt;
  const Slot& s = slots_[it->second];
  const RecordView r(s.packed.get());
  Opportunity o;
  o.id = r.Get(kId);
  o.owner = owners_[s.owner];
  o.party.company = r.Get(kCompany);
  o.party.domain = r.Get(kDomain);
  o.party.email = r.Get(kEmail);
  o.party.first_name = r.Get(kFirstName);
  o.party.last_name = r.Get(kLastName);
  o.party.phone = r.Get(kPhone);
  o.party.street = r.Get(kStreet);
  o.party.city = r.Get(kCity);
  o.party.postal_code = r.Get(kPostalCode);
  o.party.region = r.Get(kRegion);
  o.party.country = r.Get(kCountry);
  o.products = SplitProducts(r.Get(kProducts));
  if (!std::isnan(s.amount)) o.amount = s.amount;
  o.status = s.status;
  o.registered_at = s.registered_at;
  o.expires_at = s.expires_at;
  return o;
}

bool OpportunityIndex::ActiveAt(std::uint32_t slot, std::int64_t now) const {
  const Slot& s = slots_[slot];
  return (s.status == OpportunityStatus::kOpen ||
          s.status == OpportunityStatus::kPending) &&
         (s.expires_at == 0 || s.expires_at > now);
}

std::size_t OpportunityIndex::CountActive(std::int64_t now) const {
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].packed && ActiveAt(i, now)) ++n;
  }
  return n;
}

void OpportunityIndex::AddPostings(std::uint32_t slot,
                                   const std::vector<LookupKey>& keys) {
  for (const LookupKey& k : keys) {
    auto [it, inserted] = postings_.try_emplace(k.hash, Posting{slot, 0});
    if (inserted) continue;
    Posting& p = it.value();
    if (p.first == slot) continue;
    if (p.more == 0) {
      std::uint32_t index;
      if (!free_overflow_.empty()) {
        index = free_overflow_.back();
        free_overflow_.pop_back();
      } else {
        index = static_cast<std::uint32_t>(overflow_.size());
        overflow_.emplace_back();
      }
      p.more = index + 1;
    }
    auto& list = overflow_[p.more - 1];
    if (list.empty() || list.back() != slot) list.push_back(slot);
  }
}

void OpportunityIndex::RemovePostings(std::uint32_t slot) {
  std::vector<LookupKey> keys;
  StoredKeys(FeaturesOf(RecordView(slots_[slot].packed.get())), &keys);
  for (const LookupKey& k : keys) RemovePosting(k.hash, slot);
}

void OpportunityIndex::RemovePosting(std::uint64_t hash, std::uint32_t slot) {
  auto it = postings_.find(hash);
  if (it == postings_.end()) return;
  Posting& p = it.value();
  if (p.more == 0) {
    if (p.first == slot) postings_.erase(it);
    return;
  }
  auto& list = overflow_[p.more - 1];
  if (p.first == slot) {
    p.first = list.front();
    list.erase(list.begin());
  } else {
    std::erase(list, slot);
  }
  if (list.empty()) {
    free_overflow_.push_back(p.more - 1);
    list.shrink_to_fit();
    p.more = 0;
  }
}

void OpportunityIndex::Candidates(const std::vector<LookupKey>& keys,
                                  std::vector<std::uint32_t>* out) const {
  auto add = [&](std::uint32_t slot) {
    if (out->size() >= limits_.max_candidates) return;
    if (std::find(out->begin(), out->end(), slot) == out->end()) {
      out->push_back(slot);
    }
  };
  for (const LookupKey& k : keys) {
    auto it = postings_.find(k.hash);
    if (it == postings_.end()) continue;
    const Posting& p = it->second;
    if (p.more == 0) {
      add(p.first);
      continue;
    }
    const auto& list = overflow_[p.more - 1];
    const std::size_t total = list.size() + 1;
    if (!IsStrongKind(k.kind)) {
      if (total > limits_.max_weak_postings) continue;
      add(p.first);
      for (std::uint32_t s : list) add(s);
      continue;
    }
    // Strong keys: the newest entries.
    const std::size_t take = std::min(total, limits_.max_strong_postings);
    for (std::size_t i = 0; i < take; ++i) {
      const std::size_t from_end = total - 1 - i;  // index in [first, list...]
      add(from_end == 0 ? p.first : list[from_end - 1]);
    }
  }
}

}  // namespace leadroute::index
