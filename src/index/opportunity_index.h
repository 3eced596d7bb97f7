// OpportunityIndex: every stored opportunity, packed, and the postings that
// find them by match key.
//
// Slots are a flat array; an id maps to its slot through a robin_map keyed
// by a view into the packed record; each lookup key (a 64-bit hash of kind
// and value) maps to the slots stored under it. Posting lists keep insertion
// order; long lists of weak kinds are not followed (they say little), long
// lists of strong kinds are followed for their newest entries only.
//
// Not thread-safe: the Engine serializes writers against readers.
#ifndef LEADROUTE_INDEX_OPPORTUNITY_INDEX_H_
#define LEADROUTE_INDEX_OPPORTUNITY_INDEX_H_

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tsl/robin_map.h>

#include "index/features.h"
#include "index/record.h"
#include "leadroute/opportunity.h"
#include "leadroute/status.h"

namespace leadroute::index {

struct IndexLimits {
  // Candidates taken from one posting list of a strong kind (the newest): a
  // domain shared by a whole group of companies is established by a few.
  std::size_t max_strong_postings = 32;
  // Weak lists longer than this are skipped as not selective.
  std::size_t max_weak_postings = 32;
  // Candidates scored per query, all keys together.
  std::size_t max_candidates = 256;
};

class OpportunityIndex {
 public:
  explicit OpportunityIndex(IndexLimits limits = {});

  // Inserts, or replaces the opportunity with the same id. Sets *created.
  // Fails (nothing changed) when the record is too large to pack.
  Status Upsert(const Opportunity& opp, const Features& features,
                bool* created);

  // Sets the status of a stored opportunity; false if there is none.
  bool SetStatus(std::string_view id, OpportunityStatus status);

  std::optional<Opportunity> Get(std::string_view id) const;

  // The slots stored under any of `keys`, each once, at most
  // limits.max_candidates; appended to *out in key order.
  void Candidates(const std::vector<LookupKey>& keys,
                  std::vector<std::uint32_t>* out) const;

  // Slot accessors for scoring. REQUIRES: slot came from Candidates().
  RecordView View(std::uint32_t slot) const {
    return RecordView(slots_[slot].packed.get());
  }
  const Owner& OwnerOf(std::uint32_t slot) const {
    return owners_[slots_[slot].owner];
  }
  bool ActiveAt(std::uint32_t slot, std::int64_t now) const;
  std::string_view IdOf(std::uint32_t slot) const { return View(slot).Get(kId); }

  std::size_t size() const { return ids_.size(); }
  // Opportunities active at `now`: a scan, O(size()).
  std::size_t CountActive(std::int64_t now) const;

 private:
  // Records are never removed (closed ones stay for get_opportunity).
  struct Slot {
    std::unique_ptr<char[]> packed;
    std::int64_t registered_at = 0;
    std::int64_t expires_at = 0;
    double amount = std::nan("");
    std::uint32_t owner = 0;
    OpportunityStatus status = OpportunityStatus::kOpen;
  };
  // Slots under one key: the first inline, the rest in overflow_[more - 1].
  struct Posting {
    std::uint32_t first;
    std::uint32_t more = 0;  // 0: none
  };

  std::uint32_t InternOwner(const Owner& owner);
  void AddPostings(std::uint32_t slot, const std::vector<LookupKey>& keys);
  void RemovePostings(std::uint32_t slot);
  void RemovePosting(std::uint64_t hash, std::uint32_t slot);

  IndexLimits limits_;
  std::vector<Slot> slots_;
  tsl::robin_map<std::string_view, std::uint32_t> ids_;  // views into packed
  tsl::robin_map<std::uint64_t, Posting> postings_;
  std::vector<std::vector<std::uint32_t>> overflow_;
  std::vector<std::uint32_t> free_overflow_;
  std::vector<Owner> owners_;
  tsl::robin_map<std::string, std::uint32_t> owner_ids_;
};

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_OPPORTUNITY_INDEX_H_
