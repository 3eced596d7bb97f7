#include "engine/deals.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <thread>

#include "index/match_scorer.h"
#include "util/field_path.h"

namespace leadroute {

namespace {

constexpr std::int64_t kDay = 86400;

// A match found, with what ranks it among matches of equal score.
struct Ranked {
  Match match;
  // Its record's RecordView::FieldBits; where its score ties another's,
  // then its index::OneSided count.
  std::uint32_t fields;
};

// Best first: the highest score, then the fewest fields only one side
// gives (index::OneSided: `f`'s bits, taken where scores tie), then the
// opportunity id (so the order never depends on slots).
void SortBestFirst(const index::Features& f, std::vector<Ranked>* found) {
  const std::size_t n = found->size();
  if (n < 2) return;
  // The count of one-sided fields decides only between equal scores, and
  // is the same whichever it is compared with: it is taken for all. The
  // matches are ordered through their indices and moved once (sorting the
  // matches themselves moved their strings at every step: perf of checks
  // on a group's shared domain found the sort at ~10% of them).
  const std::uint32_t deal = index::FeatureBits(f);
  for (Ranked& r : *found) r.fields = static_cast<std::uint32_t>(index::OneSided(deal, r.fields));
  thread_local std::vector<std::uint32_t> order;
  order.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  const std::vector<Ranked>& v = *found;
  std::sort(order.begin(), order.end(), [&v](std::uint32_t i, std::uint32_t j) {
    const Ranked& a = v[i];
    const Ranked& b = v[j];
    if (a.match.score != b.match.score) return a.match.score > b.match.score;
    if (a.fields != b.fields) return a.fields < b.fields;
    return a.match.opportunity_id < b.match.opportunity_id;
  });
  std::vector<Ranked> sorted;
  sorted.reserve(n);
  for (std::uint32_t i : order) sorted.push_back(std::move((*found)[i]));
  found->swap(sorted);
}

// Whether two product lists share a product (ASCII case-insensitively);
// `stored` is joined by '\x1f'. True when either names none.
bool ShareProduct(const std::vector<std::string>& deal, std::string_view stored) {
  if (deal.empty() || stored.empty()) return true;
  auto equal = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char x = a[i], y = b[i];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
      if (x != y) return false;
    }
    return true;
  };
  while (true) {
    const std::size_t sep = stored.find('\x1f');
    const std::string_view one = stored.substr(0, sep);
    for (const std::string& d : deal) {
      if (equal(d, one)) return true;
    }
    if (sep == std::string_view::npos) return false;
    stored.remove_prefix(sep + 1);
  }
}

// Packs `opp` with its features into *record, for an upsert or a
// registration (`field`: "opportunity", "deal"). Refused: a record too
// large to pack; one that gives no match key and would be stored open or
// pending, so protecting a customer no check could find (one that closes
// is taken as it is: refusing it kept open a record the update closed).
// `query`, unless null: the keys a lookup of it used (QueryKeys() of
// `features`), from which the stored ones are derived.
Status PrepareStored(const Opportunity& opp, const index::Features& features,
                     std::string_view field, index::OpportunityIndex::Prepared* record,
                     const std::vector<index::LookupKey>* query = nullptr) {
  const bool packed = query != nullptr
                          ? index::OpportunityIndex::Prepare(opp, features, *query, record)
                          : index::OpportunityIndex::Prepare(opp, features, record);
  if (!packed) return Status::TooLarge("opportunity too large to store");
  const bool protects =
      opp.status == OpportunityStatus::kOpen || opp.status == OpportunityStatus::kPending;
  if (record->keys.empty() && protects) return Status::InvalidArgument(kNoMatchKey, field);
  return Status::Ok();
}

}  // namespace

Status ValidateOpportunity(const Opportunity& opp, std::string_view prefix) {
  if (opp.id.empty()) return Status::InvalidArgument("missing", FieldPath(prefix, "id"));
  if (opp.owner.id.empty()) {
    return Status::InvalidArgument("missing", FieldPath(prefix, "owner.id"));
  }
  if (Status s = ValidatePartyIds(opp.party.ids, prefix); !s.ok()) return s;
  if (!opp.party.birth_date.empty() && !IsIsoDate(opp.party.birth_date)) {
    return Status::InvalidArgument("must be YYYY-MM-DD", FieldPath(prefix, "birth_date"));
  }
  if (!opp.party.HasIdentity()) {
    return Status::InvalidArgument(
        std::string(kNeedsIdentity),
        prefix);
  }
  return Status::Ok();
}

Engine::Deals::Deals(const Normalizer* normalizer, EngineOptions options)
    : normalizer_(normalizer),
      options_(std::move(options)),
      index_(index::IndexLimits{.compact_in_upsert = false}) {
  SetFloors();
}

void Engine::Deals::SetFloors() {
  const ConflictPolicy& p = options_.conflict;
  check_floor_ = index::ScoreFloor(
      std::max(p.review_threshold, p.conflict_threshold), p.weights);
  review_floor_ = index::ScoreFloor(p.review_threshold, p.weights);
}

ConflictPolicy Engine::Deals::policy() const {
  std::shared_lock lock(mu_);
  return options_.conflict;
}

void Engine::Deals::SetPolicy(const ConflictPolicy& policy) {
  std::unique_lock lock(mu_);
  options_.conflict = policy;
  SetFloors();
}

Status Engine::Deals::PendingOnlyAsItIs(const Opportunity& opp, std::string_view field) const {
  if (opp.status != OpportunityStatus::kPending) return Status::Ok();
  // "pending" as get_opportunity answers it, written back by a CRM's
  // sync (it was refused): an update of a registration awaiting review,
  // which stays so. A record is not made pending by an update: only
  // register decides that, and review_registration ends it.
  if (index_.StatusOf(opp.id) == OpportunityStatus::kPending) return Status::Ok();
  return Status::InvalidArgument(
      "pending only for a registration awaiting review (register decides it)",
      FieldPath(field, "status"));
}

Status Engine::Deals::Upsert(const Opportunity& opp, bool* created) {
  if (Status s = ValidateOpportunity(opp, "opportunity"); !s.ok()) return s;
  index::OpportunityIndex::Prepared record;
  if (Status s = PrepareStored(opp, Features(opp.party), "opportunity", &record); !s.ok()) {
    return s;
  }
  std::lock_guard write(write_mu_);
  if (Status s = PendingOnlyAsItIs(opp, "opportunity"); !s.ok()) return s;
  MakeRoom(1, record.packed.size(), 1);
  index_.Prefetch(record);  // writers are excluded; readers only read
  std::unique_lock lock(mu_);
  // The record as stored, not the update as sent: a subscriber is sent
  // what the engine keeps (a review found a rejected registration's
  // update sent as open, without its times).
  Opportunity stored;
  const Opportunity* logged = index_.StoredOtherwise(opp, record, &stored) ? &stored : &opp;
  Change change{.kind = ChangeKind::kUpsertOpportunity, .at = options_.now(), .opportunity = logged};
  if (Status s = Log(change); !s.ok()) return s;
  index_.Upsert(opp, record, created, change.at);
  lock.unlock();
  Compact();
  return Status::Ok();
}

void Engine::Deals::Compact() {
  std::unique_lock pinned(records_pinned_, std::try_to_lock);
  if (!pinned.owns_lock()) return;  // a snapshot is copying the records
  index::OpportunityIndex::Compaction compaction;
  {
    std::shared_lock lock(mu_);
    if (!index_.NeedsCompaction()) return;
    compaction = index_.PrepareCompaction();
  }
  std::unique_lock lock(mu_);
  index_.InstallCompaction(&compaction);
}  // the old arena goes here, outside the lock

void Engine::Deals::MakeRoom(std::size_t records, std::size_t bytes, std::size_t events) {
  index::OpportunityIndex::Growth growth;
  {
    std::shared_lock lock(mu_);
    growth = index_.PrepareGrowth(records, bytes, events);
  }
  if (growth.empty()) return;
  std::unique_lock lock(mu_);
  index_.InstallGrowth(&growth);
}  // the old arrays go here, outside the lock

Status Engine::Deals::Replay(const Change& c) {
  switch (c.kind) {
    case ChangeKind::kUpsertOpportunity: {
      if (Status s = ValidateOpportunity(*c.opportunity, "opportunity"); !s.ok()) return s;
      const index::Features f = Features(c.opportunity->party);
      std::lock_guard write(write_mu_);
      std::unique_lock lock(mu_);
      bool created = false;
      if (Status s = index_.Upsert(*c.opportunity, f, &created, c.at, c.registered); !s.ok()) {
        return s;
      }
      lock.unlock();
      Compact();
      return Status::Ok();
    }
    case ChangeKind::kCloseOpportunity:
    case ChangeKind::kExpireOpportunity: {
      const bool expire = c.kind == ChangeKind::kExpireOpportunity;
      std::lock_guard write(write_mu_);
      std::unique_lock lock(mu_);
      if (!index_.SetStatus(c.id, expire ? OpportunityStatus::kExpired : c.status, c.at,
                            expire ? HistoryEvent::kExpired : HistoryEvent::kClosed,
                            expire ? "system" : c.actor.empty() ? "api" : c.actor)) {
        return Status::NotFound("no such opportunity");
      }
      return Status::Ok();
    }
    case ChangeKind::kReviewRegistration: {
      if (c.status != OpportunityStatus::kOpen && c.status != OpportunityStatus::kWithdrawn) {
        return Status::InvalidArgument("a review leaves a registration open or withdrawn");
      }
      std::lock_guard write(write_mu_);
      std::unique_lock lock(mu_);
      if (!index_.SetStatus(c.id, c.status, c.at, HistoryEvent::kReviewed,
                            c.actor.empty() ? "api" : c.actor)) {
        return Status::NotFound("no such opportunity");
      }
      return Status::Ok();
    }
    default:
      return Status::Internal("not an opportunity change");
  }
}

std::optional<std::vector<HistoryEntry>> Engine::Deals::History(std::string_view id) const {
  std::shared_lock lock(mu_);
  return index_.History(id);
}

std::vector<Match> Engine::Deals::HeldAt(const Opportunity& customer, std::int64_t t) const {
  const index::Features f = Features(customer.party);
  std::vector<index::LookupKey> keys;
  index::QueryKeys(f, &keys);
  std::vector<Ranked> found;
  std::shared_lock lock(mu_);
  const ConflictPolicy& policy = options_.conflict;
  std::vector<std::uint32_t> candidates;
  const index::OpportunityIndex::Counted held{.held = true, .at = t, .company = f.company};
  index_.Candidates(keys, &candidates, &held);
  for (std::uint32_t slot : candidates) {
    if (!index_.HeldAt(slot, t)) continue;
    const index::RecordView view = index_.View(slot);
    index::Scored scored =
        index::ScoreMatch(f, view.features(), policy.weights, review_floor_);
    if (scored.score < policy.review_threshold) continue;
    found.push_back(Ranked{Match{std::string(index_.IdOf(slot)), index_.OwnerAt(slot, t),
                                 scored.score, std::move(scored.evidence)},
                           view.FieldBits()});
  }
  SortBestFirst(f, &found);
  if (found.size() > policy.max_matches) found.resize(policy.max_matches);
  std::vector<Match> out;
  out.reserve(found.size());
  for (Ranked& r : found) out.push_back(std::move(r.match));
  return out;
}

std::vector<Status> Engine::Deals::UpsertMany(
    const std::vector<Opportunity>& opps, std::size_t* created,
    std::vector<bool>* created_each) {
  std::vector<Status> statuses(opps.size());
  std::vector<index::OpportunityIndex::Prepared> records(opps.size());
  std::vector<std::string> encoded(log_ ? opps.size() : 0);
  const std::int64_t now = options_.now();
  // Normalizing and encoding for the log run in parallel, outside the lock,
  // on all cores but one: a bulk load leaves a core to the checks.
  static tbb::task_arena bulk(
      static_cast<int>(std::max(1u, std::thread::hardware_concurrency()) > 1
                           ? std::thread::hardware_concurrency() - 1
                           : 1));
  bulk.execute([&] {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, opps.size(), 256),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) {
                        statuses[i] = ValidateOpportunity(opps[i], "opportunity");
                        if (!statuses[i].ok()) continue;
                        statuses[i] = PrepareStored(opps[i], Features(opps[i].party),
                                                    "opportunity", &records[i]);
                        if (!statuses[i].ok()) continue;
                        if (log_) {
                          encoded[i] = log_->Encode(Change{.kind = ChangeKind::kUpsertOpportunity,
                                                           .at = now,
                                                           .opportunity = &opps[i]});
                        }
                      }
                    });
  });
  *created = 0;
  if (created_each) created_each->assign(opps.size(), false);
  // Groups of inserts, each logged with one write and applied in one hold
  // of the exclusive lock with its posting buckets already in the cache: a
  // bulk load keeps checks waiting for about a tenth of a millisecond at a
  // time.
  constexpr std::size_t kGroup = 64;
  std::vector<std::string> group;
  for (std::size_t from = 0; from < opps.size(); from += kGroup) {
    const std::size_t to = std::min(opps.size(), from + kGroup);
    std::lock_guard write(write_mu_);
    group.clear();
    std::size_t bytes = 0;
    for (std::size_t i = from; i < to; ++i) {
      if (statuses[i].ok()) statuses[i] = PendingOnlyAsItIs(opps[i], "opportunity");
      if (!statuses[i].ok()) continue;
      bytes += records[i].packed.size();
      if (log_) group.push_back(std::move(encoded[i]));
    }
    MakeRoom(to - from, bytes, to - from);
    for (std::size_t i = from; i < to; ++i) {
      if (statuses[i].ok()) index_.Prefetch(records[i]);
    }
    if (log_) {
      // An update stored otherwise than sent is logged as stored (see
      // Upsert()). Decided before the exclusive lock: write_mu_ keeps the
      // index as it is, and readers only read. An id's first record in
      // the group is judged against the index; a later one is logged as
      // sent, as the group is applied after it is logged, and replaying
      // it after the first decides the same (judged against the index
      // before the group, it was logged with the first's predecessor's
      // times: found in review).
      std::vector<std::string_view> seen;
      for (std::size_t i = from, k = 0; i < to; ++i) {
        if (!statuses[i].ok()) continue;
        const std::string_view id = opps[i].id;
        const bool again = std::find(seen.begin(), seen.end(), id) != seen.end();
        seen.push_back(id);
        Opportunity stored;
        if (!again && index_.StoredOtherwise(opps[i], records[i], &stored)) {
          group[k] = log_->Encode(Change{.kind = ChangeKind::kUpsertOpportunity,
                                         .at = now,
                                         .opportunity = &stored});
        }
        ++k;
      }
    }
    std::unique_lock lock(mu_);
    if (log_) {
      if (Status s = log_->AppendEncoded(group); !s.ok()) {
        for (std::size_t i = from; i < to; ++i) {
          if (statuses[i].ok()) statuses[i] = s;
        }
        continue;
      }
    }
    for (std::size_t i = from; i < to; ++i) {
      if (!statuses[i].ok()) continue;
      bool is_new = false;
      index_.Upsert(opps[i], records[i], &is_new, now);
      *created += is_new ? 1 : 0;
      if (created_each) (*created_each)[i] = is_new;
    }
    lock.unlock();
    Compact();
  }
  return statuses;
}

Status Engine::Deals::Close(std::string_view id, OpportunityStatus status,
                           std::string_view actor) {
  if (status == OpportunityStatus::kOpen || status == OpportunityStatus::kPending) {
    return Status::InvalidArgument("must be won, lost, expired or withdrawn",
                                   "status");
  }
  std::lock_guard write(write_mu_);
  // Refused before anything grows: a bad request leaves even the index's
  // capacity as it was (write_mu_ holds other writers off meanwhile).
  {
    std::shared_lock look(mu_);
    if (!index_.Contains(id)) return Status::NotFound("no such opportunity");
  }
  MakeRoom(0, 0, 1);
  std::unique_lock lock(mu_);
  if (!index_.Contains(id)) return Status::NotFound("no such opportunity");
  Change change{.kind = ChangeKind::kCloseOpportunity, .at = options_.now(), .id = id,
                .status = status, .actor = actor};
  if (Status s = Log(change); !s.ok()) return s;
  index_.SetStatus(id, status, change.at, HistoryEvent::kClosed, actor.empty() ? "api" : actor);
  return Status::Ok();
}

Status Engine::Deals::Review(std::string_view id, bool approve, std::string_view actor,
                            Opportunity* after) {
  std::lock_guard write(write_mu_);
  {
    std::shared_lock look(mu_);  // refused before anything grows, as Close()
    if (!index_.Contains(id)) return Status::NotFound("no such opportunity");
  }
  MakeRoom(0, 0, 1);
  std::unique_lock lock(mu_);
  std::optional<Opportunity> opp = index_.Get(id);
  if (!opp) return Status::NotFound("no such opportunity");
  const std::int64_t now = options_.now();
  if (opp->status != OpportunityStatus::kPending) {
    return Status::InvalidArgument("not pending review (status " +
                                       std::string(StatusName(opp->status)) + ")",
                                   "id");
  }
  if (!opp->ActiveAt(now)) {
    return Status::InvalidArgument("its protection has run out (expires_at passed)", "id");
  }
  const OpportunityStatus status =
      approve ? OpportunityStatus::kOpen : OpportunityStatus::kWithdrawn;
  Change change{.kind = ChangeKind::kReviewRegistration, .at = now, .id = id,
                .status = status, .actor = actor};
  if (Status s = Log(change); !s.ok()) return s;
  index_.SetStatus(id, status, now, HistoryEvent::kReviewed, actor.empty() ? "api" : actor);
  opp->status = status;
  *after = std::move(*opp);
  return Status::Ok();
}

std::size_t Engine::Deals::ExpireDue(std::size_t max_scan) {
  const std::int64_t now = options_.now();
  std::vector<std::uint32_t> due;
  std::uint32_t next;
  std::lock_guard write(write_mu_);
  {
    // The scan shares the lock with checks; only the expiries exclude them.
    std::shared_lock lock(mu_);
    next = index_.DueFrom(expiry_cursor_, max_scan, now, &due);
  }
  MakeRoom(0, 0, due.size());
  std::unique_lock lock(mu_);
  expiry_cursor_ = next;
  std::size_t expired = 0;
  for (std::uint32_t slot : due) {
    // Still due: no upsert or close came in between.
    if (!index_.DueAt(slot, now)) continue;
    Change change{.kind = ChangeKind::kExpireOpportunity, .at = now, .id = index_.IdOf(slot)};
    if (!Log(change).ok()) {
      // The log refuses writes: the next scan starts here, not a whole
      // wrap of the slots later.
      expiry_cursor_ = slot;
      break;
    }
    index_.SetStatusOf(slot, OpportunityStatus::kExpired, now, HistoryEvent::kExpired, "system");
    ++expired;
  }
  return expired;
}

void Engine::Deals::Save(std::string* out, std::uint64_t* position) const {
  // The tables are copied under the shared lock, which holds writers off.
  // The buffer is sized and faulted in before, without the lock: grown
  // inside (reallocating, faulting in fresh pages), 1M records held writers
  // off for ~5 s; copied into ready memory, for a fraction of a second.
  std::size_t bound, slots;
  {
    std::shared_lock lock(mu_);
    bound = index_.SaveSizeBound();
    slots = index_.size();
  }
  // Room for what writers add meanwhile; more is grown as before.
  const std::size_t room = bound + bound / 32 + (1u << 20);
  out->clear();
  out->resize(room);  // zeroing faults every page in
  out->clear();       // the capacity stays
  std::vector<const char*> records;
  records.reserve(slots + slots / 32 + 1024);
  // Only the tables are copied under the lock; the records' bytes (two
  // thirds of a snapshot) after it, pinned where they are.
  std::lock_guard pinned(records_pinned_);
  {
    std::shared_lock lock(mu_);
    *position = log_ ? log_->Position() : 0;
    index_.SaveTables(out, &records);
  }
  index::OpportunityIndex::SaveRecords(records, out);
}

Status Engine::Deals::Restore(std::string_view bytes) {
  std::lock_guard write(write_mu_);
  std::lock_guard pinned(records_pinned_);
  std::unique_lock lock(mu_);
  expiry_cursor_ = 0;
  // A snapshot of an earlier format gets its records' features from this
  // build's normalizer.
  return index_.Restore(bytes, [this](const Party& party) { return Features(party); });
}

bool Engine::Deals::RestoredFromEarlierFormat() const {
  std::shared_lock lock(mu_);
  return index_.restored_from_earlier_format();
}

std::optional<Opportunity> Engine::Deals::Get(std::string_view id) const {
  std::shared_lock lock(mu_);
  return index_.Get(id);
}

CheckResult Engine::Deals::CheckLocked(const Asking& deal,
                                       const index::Features& f,
                                       const std::vector<index::LookupKey>& keys,
                                       std::int64_t now,
                                       std::vector<Match>* possible) const {
  const ConflictPolicy& policy = options_.conflict;
  // Scratch each thread reuses: a check allocates no candidate list.
  thread_local std::vector<std::uint32_t> candidates;
  candidates.clear();
  const index::OpportunityIndex::Counted active{.held = false, .at = now, .company = f.company};
  index_.Candidates(keys, &candidates, &active);
  index_.Prefetch(candidates);

  // A check answers conflicts only: a possible match is not built (most of
  // a group's shared domain's holders are possible matches), nor is a
  // score below what is kept made exact (ScoreMatch()'s floor).
  const index::ScoreFloor& keep_from =
      possible == nullptr ? check_floor_ : review_floor_;
  std::vector<Ranked> found;
  for (std::uint32_t slot : candidates) {
    if (!index_.ActiveAt(slot, now)) continue;
    const std::string_view id = index_.IdOf(slot);
    if (!deal.id.empty() && id == deal.id) continue;  // itself
    if (!policy.product_lines_conflict &&
        !ShareProduct(deal.products, index_.View(slot).Get(index::kProducts))) {
      continue;  // another product line: not this deal's business
    }
    const index::RecordView view = index_.View(slot);
    index::Scored scored =
        index::ScoreMatch(f, view.features(), policy.weights, keep_from);
    if (scored.score < policy.review_threshold) continue;
    if (possible == nullptr && scored.score < policy.conflict_threshold) continue;
    found.push_back(Ranked{Match{std::string(id), index_.OwnerOf(slot), scored.score,
                                 std::move(scored.evidence)},
                           view.FieldBits()});
  }
  SortBestFirst(f, &found);

  CheckResult result;
  for (Ranked& r : found) {
    Match& m = r.match;
    if (m.score >= policy.conflict_threshold) {
      if (result.matches.size() < policy.max_matches) {
        result.matches.push_back(std::move(m));
      }
    } else if (possible != nullptr && possible->size() < policy.max_matches) {
      possible->push_back(std::move(m));
    }
  }
  if (result.matches.empty()) {
    result.status = CheckStatus::kClear;
  } else {
    const bool foreign = std::any_of(
        result.matches.begin(), result.matches.end(), [&](const Match& m) {
          return deal.owner.id.empty() || !(m.owner == deal.owner);
        });
    result.status = foreign ? CheckStatus::kConflict : CheckStatus::kDuplicate;
  }
  return result;
}

CheckResult Engine::Deals::Check(const Opportunity& deal) const {
  return Check(Asking{deal.id, deal.owner, deal.products}, deal.party);
}

CheckResult Engine::Deals::Check(const Asking& deal, const Party& party,
                                 index::Features* features) const {
  // Scratch each thread reuses: a check allocates no key list.
  thread_local std::vector<index::LookupKey> keys;
  index::Features f = Query(party, &keys);
  const std::int64_t now = options_.now();
  std::shared_lock lock(mu_);
  CheckResult result = CheckLocked(deal, f, keys, now, /*possible=*/nullptr);
  lock.unlock();
  if (features != nullptr) *features = std::move(f);
  return result;
}

MatchKeys Engine::Deals::Keys(const Party& party) const {
  return index::KeysOf(*normalizer_, party, options_.default_country);
}

index::Features Engine::Deals::Features(const Party& party) const {
  return index::ExtractFeatures(*normalizer_, party, options_.default_country);
}

namespace {

// Query()'s loader: a key's posting buckets, without the lock (a check
// takes it after normalizing).
class BucketLoader final : public index::KeyLoader {
 public:
  explicit BucketLoader(const index::OpportunityIndex& index) : index_(index) {}
  void Load(std::uint64_t hash) const override { index_.PrefetchUnlocked(hash); }

 private:
  const index::OpportunityIndex& index_;
};

}  // namespace

index::Features Engine::Deals::Query(const Party& party,
                                     std::vector<index::LookupKey>* keys) const {
  return index::ExtractQuery(*normalizer_, party, options_.default_country,
                             BucketLoader(index_), keys);
}

namespace {

// Whether `a` and `b` are the same customer as sent: every field equal.
bool SameParty(const Party& a, const Party& b) {
  if (a.ids.size() != b.ids.size()) return false;
  for (std::size_t i = 0; i < a.ids.size(); ++i) {
    if (a.ids[i].type != b.ids[i].type || a.ids[i].value != b.ids[i].value) return false;
  }
  return a.company == b.company && a.domain == b.domain && a.email == b.email &&
         a.first_name == b.first_name && a.last_name == b.last_name && a.phone == b.phone &&
         a.street == b.street && a.city == b.city && a.postal_code == b.postal_code &&
         a.region == b.region && a.country == b.country && a.birth_date == b.birth_date;
}

}  // namespace

Result<RegisterResult> Engine::Deals::Register(Opportunity deal) {
  if (Status s = ValidateOpportunity(deal, "deal"); !s.ok()) return s;
  const std::int64_t now = options_.now();
  // A registration asks for protection from now on: the engine decides its
  // status (approved, review), and a protection that ended already is none.
  if (deal.status != OpportunityStatus::kOpen) {
    return Status::InvalidArgument("a registration is open: leave status out", "deal.status");
  }
  if (deal.expires_at != 0 && deal.expires_at <= now) {
    return Status::InvalidArgument("already past", "deal.expires_at");
  }
  // What it looks up, made as a check makes them: their posting buckets
  // start loading as the party is normalized, before any lock.
  thread_local std::vector<index::LookupKey> keys;
  const index::Features f = Query(deal.party, &keys);
  if (deal.registered_at == 0) deal.registered_at = now;
  // The record is packed before the lock: what the decision below sets
  // (status, expiry) is kept beside it, not in it. Its keys are derived
  // from those looked up (without computing those both share again).
  // (Open, so refused without a match key: approved, it would protect
  // nothing.)
  index::OpportunityIndex::Prepared record;
  if (Status s = PrepareStored(deal, f, "deal", &record, &keys); !s.ok()) return s;
  std::lock_guard write(write_mu_);
  MakeRoom(1, record.packed.size(), 1);
  index_.Prefetch(record);  // its id's bucket, and any that moved since
  std::unique_lock lock(mu_);
  if (deal.expires_at == 0) {
    deal.expires_at = now + options_.conflict.protection_days * kDay;
  }
  RegisterResult out;
  out.opportunity_id = deal.id;
  if (auto existing = index_.Get(deal.id)) {
    // A retried registration (sent again as it was: the same owner and
    // customer) gets its answer again. Another record under the id is
    // refused: a review found a CRM opportunity of the same owner, or a
    // registration of another customer, answered "approved" while
    // nothing was registered or protected.
    if (existing->owner == deal.owner && existing->ActiveAt(now) &&
        existing->registered_at != 0 && SameParty(existing->party, deal.party)) {
      out.status = existing->status == OpportunityStatus::kPending
                       ? RegisterStatus::kReview
                       : RegisterStatus::kApproved;
      out.expires_at = existing->expires_at;
      return out;
    }
    return Status::InvalidArgument("an opportunity with this id exists",
                                   "deal.id");
  }
  std::vector<Match> possible;
  CheckResult check =
      CheckLocked(Asking{deal.id, deal.owner, deal.products}, f, keys, now, &possible);
  out.matches = std::move(check.matches);
  const bool only_direct =
      check.status == CheckStatus::kConflict && deal.owner.kind == OwnerKind::kPartner &&
      std::all_of(out.matches.begin(), out.matches.end(), [&](const Match& m) {
        return m.owner == deal.owner || m.owner.kind == OwnerKind::kDirect;
      });
  if (check.status == CheckStatus::kConflict &&
      !(only_direct && !options_.conflict.direct_precedence)) {
    out.status = RegisterStatus::kConflict;
    return out;
  }
  if (check.status == CheckStatus::kDuplicate) {
    out.status = RegisterStatus::kDuplicate;
    return out;
  }
  // Without direct precedence, a collision with direct sales alone is for
  // a channel manager to decide.
  const bool doubtful =
      check.status == CheckStatus::kConflict ||
      std::any_of(possible.begin(), possible.end(),
                  [&](const Match& m) { return !(m.owner == deal.owner); });
  if (doubtful) {
    out.status = RegisterStatus::kReview;
    if (check.status != CheckStatus::kConflict) out.matches = std::move(possible);
    deal.status = OpportunityStatus::kPending;
  } else {
    out.status = RegisterStatus::kApproved;
    deal.status = OpportunityStatus::kOpen;
  }
  Change change{.kind = ChangeKind::kUpsertOpportunity, .at = now, .opportunity = &deal,
                .registered = true};
  if (Status s = Log(change); !s.ok()) return s;
  bool created = false;
  index_.Upsert(deal, record, &created, now, /*registered=*/true);
  out.expires_at = deal.expires_at;
  return out;
}

void Engine::Deals::Count(EngineStats* stats) const {
  const std::int64_t now = options_.now();
  std::shared_lock lock(mu_);
  stats->opportunities = index_.size();
  const index::OpportunityIndex::Footprint f = index_.footprint();  // the same moment
  // Active ones by a scan, a slice per hold of the lock: a stats call or a
  // metrics scrape at 10M would otherwise hold writers off for the whole
  // scan, ~7 ms (0.67 ms at 1M, BM_Stats). The figures are of one moment
  // but for `active`, whose slices may see writes between them.
  constexpr std::size_t kSlice = 1 << 16;
  stats->active = 0;
  for (std::size_t from = 0; from < stats->opportunities; from += kSlice) {
    if (from > 0) {
      lock.unlock();
      lock.lock();
    }
    const std::size_t to = std::min({stats->opportunities, from + kSlice, index_.size()});
    if (to <= from) break;
    stats->active += index_.CountActive(now, from, to);
  }
  stats->record_bytes = f.records;
  stats->record_live_bytes = f.records_live;
  stats->slot_bytes = f.slots;
  stats->history_bytes = f.histories;
  stats->posting_bytes = f.posting_buckets;
  stats->posting_list_bytes = f.posting_lists;
  stats->posted_keys = f.keys;
}

}  // namespace leadroute
