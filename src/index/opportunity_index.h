// OpportunityIndex: every stored opportunity, packed, and the postings that
// find them by match key.
//
// Records are packed end to end in an arena; slots are a flat array of 24
// bytes each (record, expiry, owner, status). One PostingTable maps every
// lookup key (a 64-bit hash of kind and value) to the slots stored under it,
// ids included (verified against the record's own id). Posting lists keep
// insertion order; long lists of weak kinds are not followed (they say
// little), long lists of strong kinds are followed for their newest entries
// only.
//
// Not thread-safe: the Engine serializes writers against readers.
#ifndef LEADROUTE_INDEX_OPPORTUNITY_INDEX_H_
#define LEADROUTE_INDEX_OPPORTUNITY_INDEX_H_

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "index/features.h"
#include "index/posting_table.h"
#include "index/record.h"
#include "index/record_arena.h"
#include "normalize/word_list.h"
#include "util/huge_pages.h"
#include "leadroute/opportunity.h"
#include "leadroute/status.h"

namespace leadroute::index {

struct IndexLimits {
  // Candidates taken from one posting list of a strong kind (the newest): a
  // domain shared by a whole group of companies is established by a few.
  // Each is scored, cold in memory: 32 made a check on a group's domain
  // the slowest 0.7% of checks at 1M (~8 us); the group's companies are
  // found by their names' keys, however many share the domain
  // (DealsTest.VeryCommonKeysAreCappedNotScannedWhole).
  std::size_t max_strong_postings = 8;
  // Weak lists longer than this are skipped as not selective.
  std::size_t max_weak_postings = 32;
  // Of a phone's list not that long, the newest this many: a number a few
  // companies share (a switchboard, an office centre) is established by a
  // few of them, as a shared domain is, and each is scored cold (phones
  // shared by 9 to 32 were most of the slowest 1% of checks left at 1M).
  std::size_t max_phone_postings = 8;
  // Candidates scored per query, all keys together.
  std::size_t max_candidates = 256;
  // A list longer than its cap is read past the slots that do not count
  // (closed, expired: Counted), at most this many entries of a strong list
  // and of a weak one: a customer's 32 newest deals, all closed, must not
  // hide an older open registration. Reading costs a cache miss or so an
  // entry; a weak list (a company word, a phone) that long is skipped.
  std::size_t max_scanned_postings = 1024;
  std::size_t max_scanned_weak_postings = 128;
  // Replaced records' bytes are reclaimed (the live ones copied to a fresh
  // arena) once they exceed the live bytes and this much.
  std::size_t compact_after_bytes = 16 << 20;
  // Whether Upsert reclaims them itself; an owner that excludes readers
  // while it writes compacts in two phases instead (PrepareCompaction).
  bool compact_in_upsert = true;
};

class OpportunityIndex {
 public:
  explicit OpportunityIndex(IndexLimits limits = {});

  // What an upsert stores, made without the index (so outside the
  // Engine's locks, and in parallel for a batch): the packed record and the
  // hashes of its id and match keys.
  struct Prepared {
    std::string packed;
    std::uint64_t id_key = 0;
    std::vector<LookupKey> keys;
  };
  // Fills *out for `opp` with `features`; false when the record is too
  // large to pack (kMaxRecordBytes), which Upsert would refuse.
  static bool Prepare(const Opportunity& opp, const Features& features, Prepared* out);
  // The same, with the keys a lookup of it used (QueryKeys() of
  // `features`), from which the stored ones are derived.
  static bool Prepare(const Opportunity& opp, const Features& features,
                      const std::vector<LookupKey>& query, Prepared* out);
  // Starts loading the posting buckets an Upsert of `r` touches, so a
  // writer can take them into the cache before it excludes readers.
  void Prefetch(const Prepared& r) const;
  // Starts loading the posting buckets a lookup of `hash` reads; safe
  // without the lock (PostingTable::PrefetchUnlocked()).
  void PrefetchUnlocked(std::uint64_t hash) const { postings_.PrefetchUnlocked(hash); }

  // Inserts, or replaces the opportunity with the same id (a registration,
  // one with registered_at, keeps its registered_at and expires_at where
  // `opp` has none, and its status unless `opp` closes it). Sets *created.
  // Fails (nothing changed) when the record is too large to pack. Its
  // history notes the event at `at` (created or updated; for a
  // registration, approved or review by its status), by its owner.
  Status Upsert(const Opportunity& opp, const Features& features,
                bool* created, std::int64_t at = 0, bool registered = false);
  // Whether Upsert(opp, r) would store `opp` otherwise than given (an
  // update of a registration that leaves out its times, or that would open
  // it), and then what, in *stored: what a journal records and its
  // subscribers are sent.
  bool StoredOtherwise(const Opportunity& opp, const Prepared& r, Opportunity* stored) const;
  // The same, for a record Prepare()d from `opp`; its status and expiry
  // are taken from `opp`, which may have changed since (they are not
  // packed).
  void Upsert(const Opportunity& opp, const Prepared& r, bool* created,
              std::int64_t at = 0, bool registered = false);

  // Sets the status of a stored opportunity (noting `event` at `at` by
  // `actor` in its history); false if there is none.
  bool SetStatus(std::string_view id, OpportunityStatus status, std::int64_t at = 0,
                 HistoryEvent event = HistoryEvent::kClosed, std::string_view actor = {});
  // The history of an opportunity, oldest first; nullopt if there is none.
  std::optional<std::vector<HistoryEntry>> History(std::string_view id) const;
  // Whether the slot's opportunity protected its customer at `t`: open or
  // pending and unexpired then, by its history.
  bool HeldAt(std::uint32_t slot, std::int64_t t) const;
  // Who owned the slot's opportunity at `t`: the owner its newest upsert
  // at or before `t` named (an owner change is an upsert); its owner now
  // when its history says nothing of then.
  Owner OwnerAt(std::uint32_t slot, std::int64_t t) const;

  // The status of `id`'s record, none when there is no such record.
  std::optional<OpportunityStatus> StatusOf(std::string_view id) const {
    const std::int64_t slot = Find(id);
    if (slot < 0) return std::nullopt;
    return slots_[static_cast<std::size_t>(slot)].status;
  }
  std::optional<Opportunity> Get(std::string_view id) const;
  bool Contains(std::string_view id) const { return Find(id) >= 0; }

  // Which slots count toward a posting list's caps: those active at `at`
  // (a check), or those that held protection then (HeldAt: a dispute).
  struct Counted {
    bool held = false;
    std::int64_t at = 0;
    // The query's company key (Features::company), or empty: a long list
    // under a name's skeleton gives the slots of this very name first
    // (among its newest max_scanned_weak_postings that count), so that
    // names of a like skeleton cannot crowd it out.
    std::string_view company = {};
  };
  // The slots stored under any of `keys`, each once, at most
  // limits.max_candidates; appended to *out in key order. With `counted`,
  // a list longer than its cap is filtered to the slots that count before
  // the cap applies (at most limits.max_scanned_postings entries read, or
  // max_scanned_weak_postings of a weak kind: a longer weak list is
  // skipped), so slots that no longer count cannot crowd out one that
  // does; shorter lists are taken whole (a phone's, its newest
  // limits.max_phone_postings), for the caller to filter.
  // Without, every slot counts.
  void Candidates(const std::vector<LookupKey>& keys, std::vector<std::uint32_t>* out,
                  const Counted* counted = nullptr) const;

  // Starts loading what scoring `slots` (as Candidates() gave them) reads,
  // each slot's record, so the cache misses of all candidates overlap.
  void Prefetch(const std::vector<std::uint32_t>& slots) const;

  // Slot accessors for scoring. REQUIRES: slot came from Candidates().
  RecordView View(std::uint32_t slot) const { return RecordView(slots_[slot].packed); }
  const Owner& OwnerOf(std::uint32_t slot) const {
    return owners_[slots_[slot].owner];
  }
  bool ActiveAt(std::uint32_t slot, std::int64_t now) const;
  std::string_view IdOf(std::uint32_t slot) const { return View(slot).Get(kId); }

  std::size_t size() const { return slots_.size(); }
  // Whether the slot is open or pending with an expiry at or before `now`.
  bool DueAt(std::uint32_t slot, std::int64_t now) const;
  // Appends to *out the due slots among `max_scan` slots from `from`
  // (wrapping at the end); returns where the next scan starts.
  std::uint32_t DueFrom(std::uint32_t from, std::size_t max_scan, std::int64_t now,
                        std::vector<std::uint32_t>* out) const;
  void SetStatusOf(std::uint32_t slot, OpportunityStatus status, std::int64_t at,
                   HistoryEvent event, std::string_view actor);
  // Every record, its expiry, owner and status, as bytes for Restore().
  void Save(std::string* out) const;
  // Save() in two steps, for a caller that keeps writers out during the
  // first only: SaveTables() appends everything but the records' packed
  // bytes, whose addresses it puts in *records; SaveRecords() appends those
  // bytes. Records are never changed in place (a replaced one is left
  // behind, dead), so between the two they only have to stay where they
  // are: no InstallCompaction(), Restore() or destruction.
  void SaveTables(std::string* out, std::vector<const char*>* records) const;
  static void SaveRecords(const std::vector<const char*>& records, std::string* out);
  // At least the bytes Save() appends, computed without copying: a writer
  // sizes (and faults in) the buffer before it takes the lock Save() needs.
  std::size_t SaveSizeBound() const;
  // Features of a party as this build derives them (ExtractFeatures).
  using Featurer = std::function<Features(const Party&)>;
  // Replaces everything with what Save() wrote. InvalidArgument when the
  // bytes are malformed, Internal when memory runs out upgrading them (the
  // index is then empty). A snapshot of this
  // format restores as saved: nothing is normalized or hashed. One written
  // before LROI0009 holds its postings under keys an earlier hash function
  // made: they are rebuilt from the records. One written before LROI0014
  // holds its records' features as an earlier build's normalizer derived
  // them: with `featurer`, every record's features are derived again from
  // its fields first (so an improved normalizer reaches stored data, e.g.
  // one-line addresses); without, they are kept.
  Status Restore(std::string_view bytes, const Featurer& featurer = nullptr);
  // Whether the last Restore() read a format before this build's.
  bool restored_from_earlier_format() const { return restored_from_earlier_format_; }
  // Growing without making readers wait (see Growth below):
  // PrepareGrowth() copies into larger arrays whatever `records` more
  // records of `bytes` packed bytes and `events` more history events would
  // otherwise grow in place, and readies a fresh arena chunk if they need
  // one, reading only; InstallGrowth() swaps them in. REQUIRES: no writer
  // between the two.
  struct Growth;
  Growth PrepareGrowth(std::size_t records, std::size_t bytes, std::size_t events) const;
  // *growth then holds the old arrays (free them after unlocking).
  void InstallGrowth(Growth* growth);

  // Reclaiming replaced records' bytes without making readers wait: when
  // NeedsCompaction(), PrepareCompaction() copies the live records into a
  // fresh arena, reading only; InstallCompaction() points the slots at the
  // copies and takes the fresh arena (*compaction then holds the old one:
  // free it after unlocking). REQUIRES: no writer between the two.
  struct Compaction {
    RecordArena arena;
    std::vector<const char*> packed;  // per slot
  };
  bool NeedsCompaction() const;
  Compaction PrepareCompaction() const;
  void InstallCompaction(Compaction* compaction);

  // Opportunities active at `now`: a scan, O(size()).
  std::size_t CountActive(std::int64_t now) const { return CountActive(now, 0, size()); }
  // Of the slots [from, to) (to at most size()).
  std::size_t CountActive(std::int64_t now, std::size_t from, std::size_t to) const;
  // Bytes held by records (live and dead), slots and postings.
  std::size_t bytes() const;
  // Where those bytes go, as allocated (capacity, not size).
  struct Footprint {
    std::size_t records = 0;        // arena chunks, live and dead records
    std::size_t records_live = 0;   // the live records' packed bytes
    std::size_t slots = 0;          // the slot array
    std::size_t histories = 0;      // events and each slot's newest
    std::size_t posting_buckets = 0;
    std::size_t posting_lists = 0;  // keys under more than one slot
    std::size_t keys = 0;           // key tags posted, ids included
  };
  Footprint footprint() const;

 private:
  // Records are never removed (closed ones stay for get_opportunity).
  struct Slot {
    const char* packed = nullptr;  // in arena_
    std::int64_t expires_at = 0;
    std::uint32_t owner = 0;
    OpportunityStatus status = OpportunityStatus::kOpen;
  };
  static_assert(sizeof(Slot) == 24);

  // The slot of `id`, or -1; `id_key` is IdKey(id) when the caller has it.
  std::int64_t Find(std::string_view id) const { return Find(id, IdKey(id)); }
  std::int64_t Find(std::string_view id, std::uint64_t id_key) const;
  std::uint32_t InternOwner(const Owner& owner);
  void AddPostings(std::uint32_t slot, const std::vector<LookupKey>& keys);
  void RemovePostings(std::uint32_t slot);
  // Restoring a snapshot of a format before LROI0006 (another posting
  // table; before LROI0005, no address postings for records that name a
  // company), or one whose features are derived again: every posting,
  // from the records' features.
  void RebuildPostings();
  // The same: every record packed again, in the current layout, with its
  // features from `featurer` when given, else as stored.
  void RepackRecords(const Featurer& featurer);
  Opportunity OpportunityOf(std::uint32_t slot) const;
  // Copies the live records into a fresh arena once dead ones dominate.
  void MaybeCompact();

  // One history event: 20 bytes. `at` as unsigned 32-bit seconds since
  // the epoch (good until 2106: it is the engine's clock); the expiry in 40
  // bits, its upper 8 in what was padding, for the times a request may
  // give, up to 9999 (a review found 9999-12-31 kept as 2106-02-07, and
  // protection_at after it naming no holder).
  struct Event {
    std::uint32_t at;
    std::uint32_t expires_at;  // the lower 32 bits; 0 (all 40): never
    std::uint32_t prev;        // the slot's previous event, or kNoEvent
    std::uint32_t actor;       // in actors_
    HistoryEvent event;
    OpportunityStatus status;
    std::uint16_t expires_hi = 0;
    std::int64_t Expires() const {
      return static_cast<std::int64_t>(expires_hi) << 32 | expires_at;
    }
  };
  static_assert(sizeof(Event) == 20);
  static constexpr std::uint32_t kNoEvent = 0xFFFFFFFFu;
  static constexpr std::uint32_t kNoActor = 0xFFFFFFFFu;
  void Note(std::uint32_t slot, std::int64_t at, HistoryEvent event, std::string_view actor) {
    Note(slot, at, event, InternActor(actor));
  }
  void Note(std::uint32_t slot, std::int64_t at, HistoryEvent event, std::uint32_t actor);
  std::uint32_t InternActor(std::string_view actor);
  // The actor id of owners_[owner], interned on first use.
  std::uint32_t OwnerActorOf(std::uint32_t owner);

  IndexLimits limits_;
  std::vector<Slot, HugePageAllocator<Slot>> slots_;
  // Histories: each slot's newest event, events linked back to older ones.
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> last_event_;
  std::vector<Event, HugePageAllocator<Event>> events_;
  std::vector<std::string> actors_;
  normalize::StringMap<std::uint32_t> actor_ids_;
  bool restored_from_earlier_format_ = false;

 public:
  // Larger arrays built by PrepareGrowth(); empty ones are not swapped.
  struct Growth {
    PostingTable::Buckets buckets;
    std::vector<Slot, HugePageAllocator<Slot>> slots;
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> last_event;
    std::vector<Event, HugePageAllocator<Event>> events;
    RecordArena::Chunk chunk;
    bool empty() const {
      return buckets.capacity() == 0 && slots.capacity() == 0 &&
             last_event.capacity() == 0 && events.capacity() == 0 && chunk.size == 0;
    }
  };
  RecordArena arena_;
  PostingTable postings_;  // match keys and ids
  Prepared prepared_;  // Upsert(opp, features)'s, reused
  std::string repacked_;  // Upsert()'s, for a record that keeps registered_at
  std::vector<Owner> owners_;
  normalize::StringMap<std::uint32_t> owner_ids_;  // by OwnerActor()
  // Each owner's actor id ("partner:p-1"), once an upsert has named it;
  // kNoActor before.
  std::vector<std::uint32_t> owner_actors_;
  std::string owner_key_;  // InternOwner()'s, reused
};

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_OPPORTUNITY_INDEX_H_
