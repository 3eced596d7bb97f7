// PostingTable: 64-bit key hashes to the slots stored under them, in 8
// bytes per key.
//
// Open addressing with linear probing over a flat array of {tag, value}
// buckets (no node per entry, no per-entry allocation) and backward-shift
// deletion, so no tombstones pile up. The array is sized to the keys (grown
// by half when 4/5 full; a key's home is its tag scaled to the size), not
// to a power of two, so it is never more than half empty. Each run of
// buckets holds its keys in order of their homes (Robin Hood insertion), so
// a lookup of an absent key, most of a check's, stops at the first key
// whose home lies after its own: ~2 buckets read instead of the rest of
// the run, ~7 at the usual load, which spilled into a second cache line
// and, in long runs, a third. Most keys name one slot, held inline; a key with more has
// its slots, in insertion order, in an overflow list.
//
// A key is its hash's upper 32 bits, the tag: keys whose hashes share a tag
// share one list (at 1M opportunities, ~5.5M keys, a few thousand pairs).
// Callers verify what a key stands for against the record's own fields (an
// id against the record's id; a candidate is scored on its features), so
// mostly a shared list costs a candidate scored in vain. Rarely it hides
// one: a key that shares its tag with a long weak list is skipped with it,
// and a strong key's newest entries are taken from both keys' entries. A
// list holds a slot once per Add, so a record's own keys that share a tag
// are removed one by one. Half the bytes of a bucket holding the whole
// hash: 31 bytes less an opportunity at 1M.
//
// Not thread-safe; the owner serializes writers against readers, but for
// PrefetchUnlocked().
#ifndef LEADROUTE_INDEX_POSTING_TABLE_H_
#define LEADROUTE_INDEX_POSTING_TABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/huge_pages.h"

namespace leadroute::index {

class PostingTable {
 public:
  PostingTable();
  // Moved, never copied (a copy of the lists would take seconds at 1M).
  PostingTable(const PostingTable&) = delete;
  PostingTable& operator=(const PostingTable&) = delete;
  PostingTable(PostingTable&&) = default;
  PostingTable& operator=(PostingTable&&) = default;

  // Adds `slot` under `hash` (again, if it is there: a list holds a slot
  // once per Add, so that keys of one tag added for the same slot are each
  // removed on their own). All of these take a key's whole hash; only its
  // tag is kept.
  void Add(std::uint64_t hash, std::uint32_t slot);
  // Removes one occurrence of `slot` from under `hash`, the newest; the key
  // goes when its last slot does.
  void Remove(std::uint64_t hash, std::uint32_t slot);
  // The slots under `hash` (and any other key of its tag), oldest first;
  // empty if none. Valid until the next Add or Remove.
  std::span<const std::uint32_t> Find(std::uint64_t hash) const;
  // Starts loading the bucket where a Find(hash) begins: a caller with
  // several keys prefetches them all first, so their cache misses overlap.
  // Both lines a probe from the bucket may read: a probe reads ~2
  // buckets, the second in the next line when the home ends its line
  // (and runs longer where the run is long).
  void Prefetch(std::uint64_t hash) const {
    const std::uintptr_t at = HomeAddress(hash);
    __builtin_prefetch(reinterpret_cast<const void*>(at));
    __builtin_prefetch(reinterpret_cast<const void*>(at + 64));
  }

  // Prefetch() for a reader that holds no lock while a writer may grow the
  // table: where the buckets lie is read from a copy in atomics, which a
  // writer updates as it moves them. A stale copy prefetches a line in
  // vain; nothing is read.
  void PrefetchUnlocked(std::uint64_t hash) const {
    const std::uintptr_t at = HomeAddressUnlocked(hash);
    __builtin_prefetch(reinterpret_cast<const void*>(at));
    __builtin_prefetch(reinterpret_cast<const void*>(at + 64));
  }
  // Where Prefetch(hash) and PrefetchUnlocked(hash) begin: the address of
  // `hash`'s home bucket. Both are the same while no writer runs (public
  // for the test that holds them so).
  std::uintptr_t HomeAddress(std::uint64_t hash) const {
    return reinterpret_cast<std::uintptr_t>(buckets_.data() + Home(hash));
  }
  std::uintptr_t HomeAddressUnlocked(std::uint64_t hash) const {
    const std::uintptr_t base = where_.base.load(std::memory_order_relaxed);
    const std::size_t count = where_.count.load(std::memory_order_relaxed);
    return base + HomeOf(Tag(hash), count) * sizeof(Bucket);
  }

  std::size_t keys() const { return size_; }

  // Growing without making readers wait: GrownFor() builds a larger
  // bucket array holding every key (a const pass: readers may run), and
  // Install() swaps it in. Empty when `more_keys` fit without growing.
  // REQUIRES: no Add or Remove between the two.
  struct Bucket;
  using Buckets = std::vector<Bucket, HugePageAllocator<Bucket>>;
  Buckets GrownFor(std::size_t more_keys) const;
  // Swaps `buckets` in; *buckets then holds the old array.
  void Install(Buckets* buckets) {
    buckets_.swap(*buckets);
    Publish();
  }

  // The table as bytes, appended to *out, for Restore().
  void Save(std::string* out) const;
  // Replaces the table with what Save() wrote, from the front of *in
  // (advanced past it). False when malformed (a slot not below
  // `slot_limit`, a list that does not exist, no empty bucket; with
  // `by_home`, a run not in order of its keys' homes, as this build saves
  // them); the table is then empty. Without `by_home` (an earlier build's
  // table) the runs are put in order.
  bool Restore(std::string_view* in, std::uint32_t slot_limit, bool by_home = true);
  // Bytes held: the bucket array and the overflow lists.
  std::size_t bytes() const { return bucket_bytes() + list_bytes(); }
  std::size_t bucket_bytes() const { return buckets_.capacity() * sizeof(Bucket); }
  std::size_t list_bytes() const;
  // Bytes Save() appends.
  std::size_t SaveSize() const;

  struct Bucket {
    std::uint32_t tag;    // Tag(hash)
    std::uint32_t value;  // kEmpty, a slot, or kOverflow | list index
  };
  static std::uint32_t Tag(std::uint64_t hash) { return static_cast<std::uint32_t>(hash >> 32); }

  // Skips, at the front of *in, a table of the former layout (LROI0005 and
  // before: 12-byte buckets holding the whole hash), checking its lengths;
  // false when malformed. Its owner rebuilds the postings instead.
  static bool SkipFormer(std::string_view* in);

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr std::uint32_t kOverflow = 0x80000000u;

  // Where a lookup of an absent key stopped: the bucket, and how far past
  // its home.
  struct Stop {
    std::size_t at = 0;
    std::size_t distance = 0;
  };
  // The bucket holding `hash`'s tag, or kNone (then *stop, if given, is
  // where the key would go).
  static constexpr std::size_t kNone = ~std::size_t{0};
  std::size_t Probe(std::uint64_t hash, Stop* stop = nullptr) const;
  // How far bucket i lies past `home`, around the end of n buckets.
  static std::size_t Distance(std::size_t i, std::size_t home, std::size_t n) {
    return i >= home ? i - home : i + n - home;
  }
  // Places an entry whose tag is not in *buckets (Robin Hood: each run
  // holds its keys in order of their homes), from its home or from where
  // a lookup of it stopped.
  static void InsertInto(Buckets* buckets, Bucket entry);
  static void InsertAt(Buckets* buckets, Bucket entry, Stop from);
  std::size_t Home(std::uint64_t hash) const { return HomeOf(Tag(hash), buckets_.size()); }
  static std::size_t HomeOf(std::uint32_t tag, std::size_t buckets) {
    return static_cast<std::size_t>((std::uint64_t{tag} * buckets) >> 32);
  }
  std::size_t Next(std::size_t i) const { return i + 1 == buckets_.size() ? 0 : i + 1; }
  void Grow();
  // The buckets rehashed into an array of `n`.
  Buckets Rehashed(std::size_t n) const;
  void Erase(std::size_t i);
  std::uint32_t NewList();
  void FreeList(std::uint32_t index);

  // Copies buckets_'s place into where_: after anything that moves it.
  void Publish() {
    where_.base.store(reinterpret_cast<std::uintptr_t>(buckets_.data()),
                      std::memory_order_relaxed);
    where_.count.store(buckets_.size(), std::memory_order_relaxed);
  }

  Buckets buckets_;
  std::size_t size_ = 0;
  // PrefetchUnlocked()'s copy of where buckets_ lies. Moved with the
  // table, as its array is (a moved-from table keeps the place it gave
  // away: it is only destroyed or assigned to).
  struct Where {
    std::atomic<std::uintptr_t> base{0};
    std::atomic<std::size_t> count{0};
    Where() = default;
    Where(const Where& o) { *this = o; }
    Where& operator=(const Where& o) {
      base.store(o.base.load(std::memory_order_relaxed), std::memory_order_relaxed);
      count.store(o.count.load(std::memory_order_relaxed), std::memory_order_relaxed);
      return *this;
    }
  };
  Where where_;
  // Growing it never moves the lists (a vector of millions of them would
  // move them all at once, for milliseconds, inside a write). In chunks
  // of 4,096 lists: the chunk table stays in the cache, where a std::deque's
  // table of 512-byte blocks was a cache miss of its own in every list a
  // check found.
  class Lists {
   public:
    using List = std::vector<std::uint32_t>;
    List& operator[](std::size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
    const List& operator[](std::size_t i) const {
      return chunks_[i >> kShift][i & (kChunk - 1)];
    }
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return chunks_.size() * kChunk; }
    // A new empty list at the end.
    void emplace_back() {
      if (size_ == capacity()) chunks_.push_back(std::make_unique<List[]>(kChunk));
      ++size_;
    }
    // `n` empty lists.
    void Reset(std::size_t n) {
      chunks_.clear();
      size_ = 0;
      chunks_.reserve((n + kChunk - 1) / kChunk);
      for (std::size_t i = 0; i < n; ++i) emplace_back();
    }

   private:
    static constexpr std::size_t kShift = 12, kChunk = std::size_t{1} << kShift;
    std::vector<std::unique_ptr<List[]>> chunks_;
    std::size_t size_ = 0;
  };
  Lists lists_;
  std::vector<std::uint32_t> free_lists_;
  std::size_t list_bytes_ = 0;  // the lists' capacities, kept as they change
};

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_POSTING_TABLE_H_
