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

OpportunityIndex::OpportunityIndex(IndexLimits limits) : limits_(limits) {}

std::uint32_t OpportunityIndex::InternOwner(const Owner& owner) {
  std::string key(OwnerKindName(owner.kind));
  key.push_back(':');
  key += owner.id;
  auto [it, inserted] =
      owner_ids_.emplace(std::move(key), static_cast<std::uint32_t>(owners_.size()));
  if (inserted) owners_.push_back(owner);
  return it->second;
}

std::int64_t OpportunityIndex::Find(std::string_view id) const {
  for (std::uint32_t slot : postings_.Find(IdKey(id))) {
    if (IdOf(slot) == id) return slot;
  }
  return -1;
}

Status OpportunityIndex::Upsert(const Opportunity& opp, const Features& f,
                                bool* created) {
  if (!Pack(opp, f, &pack_buffer_)) return Status::TooLarge("opportunity too large to store");
  const std::int64_t found = Find(opp.id);
  *created = found < 0;
  std::uint32_t slot;
  if (*created) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = static_cast<std::uint32_t>(found);
    RemovePostings(slot);
    arena_.Release(View(slot).size());
  }
  Slot& s = slots_[slot];
  s.packed = arena_.Store(pack_buffer_);
  s.expires_at = opp.expires_at;
  s.owner = InternOwner(opp.owner);
  s.status = opp.status;
  if (*created) postings_.Add(IdKey(opp.id), slot);
  std::vector<LookupKey> keys;
  StoredKeys(f, &keys);
  AddPostings(slot, keys);
  MaybeCompact();
  return Status::Ok();
}

void OpportunityIndex::MaybeCompact() {
  if (arena_.dead() < limits_.compact_after_bytes || arena_.dead() < arena_.live()) return;
  RecordArena fresh;
  for (Slot& s : slots_) {
    if (s.packed != nullptr) s.packed = fresh.Store({s.packed, RecordView(s.packed).size()});
  }
  arena_ = std::move(fresh);
}

bool OpportunityIndex::SetStatus(std::string_view id, OpportunityStatus status) {
  const std::int64_t slot = Find(id);
  if (slot < 0) return false;
  slots_[static_cast<std::size_t>(slot)].status = status;
  return true;
}

std::optional<Opportunity> OpportunityIndex::Get(std::string_view id) const {
  const std::int64_t slot = Find(id);
  if (slot < 0) return std::nullopt;
  const Slot& s = slots_[static_cast<std::size_t>(slot)];
  const RecordView r(s.packed);
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
  o.amount = r.amount();
  o.status = s.status;
  o.registered_at = r.registered_at();
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

std::size_t OpportunityIndex::bytes() const {
  return arena_.reserved() + slots_.capacity() * sizeof(Slot) + postings_.bytes();
}

void OpportunityIndex::AddPostings(std::uint32_t slot,
                                   const std::vector<LookupKey>& keys) {
  for (const LookupKey& k : keys) postings_.Add(k.hash, slot);
}

void OpportunityIndex::RemovePostings(std::uint32_t slot) {
  std::vector<LookupKey> keys;
  StoredKeys(FeaturesOf(View(slot)), &keys);
  for (const LookupKey& k : keys) postings_.Remove(k.hash, slot);
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
    const std::span<const std::uint32_t> list = postings_.Find(k.hash);
    if (list.empty()) continue;
    if (!IsStrongKind(k.kind)) {
      if (list.size() > limits_.max_weak_postings) continue;
      for (std::uint32_t s : list) add(s);
      continue;
    }
    // Strong keys: the newest entries.
    const std::size_t take = std::min(list.size(), limits_.max_strong_postings);
    for (std::size_t i = 0; i < take; ++i) add(list[list.size() - 1 - i]);
  }
}

}  // namespace leadroute::index
