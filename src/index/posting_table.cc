#include "index/posting_table.h"

#include <algorithm>
#include <cstring>

#include "util/fixed.h"

namespace leadroute::index {

namespace {
constexpr std::size_t kInitialBuckets = 1024;
// Grow by half past 4/5 full: linear probing stays short, and a table that
// has just grown is 8/15 full.
constexpr std::size_t kLoadNum = 4, kLoadDen = 5;
}  // namespace

PostingTable::PostingTable() : buckets_(kInitialBuckets, Bucket{0, kEmpty}) { Publish(); }

std::size_t PostingTable::Probe(std::uint64_t hash, Stop* stop) const {
  const std::uint32_t tag = Tag(hash);
  const std::size_t n = buckets_.size();
  std::size_t i = HomeOf(tag, n);
  // A run holds its keys by home (InsertAt()): past a key whose home lies
  // after this one's, this one is not (an absent key reads ~2 buckets, not
  // the rest of the run: ~7 at the table's usual load).
  for (std::size_t distance = 0;; ++distance, i = Next(i)) {
    const Bucket& b = buckets_[i];
    if (b.value != kEmpty) {
      if (b.tag == tag) return i;
      if (Distance(i, HomeOf(b.tag, n), n) >= distance) continue;
    }
    if (stop != nullptr) *stop = Stop{i, distance};
    return kNone;
  }
}

void PostingTable::InsertInto(Buckets* buckets, Bucket entry) {
  const std::size_t n = buckets->size();
  InsertAt(buckets, entry, Stop{HomeOf(entry.tag, n), 0});
}

void PostingTable::InsertAt(Buckets* buckets, Bucket entry, Stop from) {
  // Robin Hood: an entry takes the place of one nearer its home and moves
  // that one on, so that each run holds its keys by home.
  Buckets& t = *buckets;
  const std::size_t n = t.size();
  std::size_t i = from.at;
  for (std::size_t distance = from.distance;; ++distance, i = i + 1 == n ? 0 : i + 1) {
    Bucket& b = t[i];
    if (b.value == kEmpty) {
      b = entry;
      return;
    }
    const std::size_t theirs = Distance(i, HomeOf(b.tag, n), n);
    if (theirs < distance) {
      std::swap(b, entry);
      distance = theirs;
    }
  }
}

std::uint32_t PostingTable::NewList() {
  if (!free_lists_.empty()) {
    const std::uint32_t index = free_lists_.back();
    free_lists_.pop_back();
    return index;
  }
  lists_.emplace_back();
  return static_cast<std::uint32_t>(lists_.size() - 1);
}

void PostingTable::Add(std::uint64_t hash, std::uint32_t slot) {
  if ((size_ + 1) * kLoadDen > buckets_.size() * kLoadNum) Grow();
  Stop stop;
  const std::size_t i = Probe(hash, &stop);
  if (i == kNone) {
    // Where the lookup stopped is where the key goes.
    InsertAt(&buckets_, Bucket{Tag(hash), slot}, stop);
    ++size_;
    return;
  }
  Bucket& b = buckets_[i];
  if ((b.value & kOverflow) == 0) {
    const std::uint32_t list = NewList();
    lists_[list] = {b.value, slot};
    list_bytes_ += lists_[list].capacity() * sizeof(std::uint32_t);
    b.value = kOverflow | list;
    return;
  }
  auto& list = lists_[b.value & ~kOverflow];
  const std::size_t before = list.capacity();
  list.push_back(slot);
  list_bytes_ += (list.capacity() - before) * sizeof(std::uint32_t);
}

void PostingTable::FreeList(std::uint32_t index) {
  list_bytes_ -= lists_[index].capacity() * sizeof(std::uint32_t);
  std::vector<std::uint32_t>().swap(lists_[index]);
  free_lists_.push_back(index);
}

void PostingTable::Remove(std::uint64_t hash, std::uint32_t slot) {
  const std::size_t i = Probe(hash);
  if (i == kNone) return;
  Bucket& b = buckets_[i];
  if ((b.value & kOverflow) == 0) {
    if (b.value == slot) Erase(i);
    return;
  }
  const std::uint32_t index = b.value & ~kOverflow;
  auto& list = lists_[index];
  // One occurrence, the newest: a slot is in a list once per Add.
  const auto it = std::find(list.rbegin(), list.rend(), slot);
  if (it == list.rend()) return;
  list.erase(std::next(it).base());
  if (list.empty()) {
    FreeList(index);
    Erase(i);
  } else if (list.size() == 1) {
    // Back inline; the list's memory goes too.
    b.value = list.front();
    FreeList(index);
  }
}

std::span<const std::uint32_t> PostingTable::Find(std::uint64_t hash) const {
  const std::size_t i = Probe(hash);
  if (i == kNone) return {};
  const Bucket& b = buckets_[i];
  if ((b.value & kOverflow) == 0) return {&b.value, 1};
  const auto& list = lists_[b.value & ~kOverflow];
  return {list.data(), list.size()};
}

void PostingTable::Erase(std::size_t i) {
  // Backward shift: the rest of the run, up to an empty bucket or a key at
  // its home, moves one back, so that every key stays reachable from its
  // home and the run stays in order of homes.
  const std::size_t n = buckets_.size();
  std::size_t hole = i;
  for (std::size_t j = Next(hole);; hole = j, j = Next(j)) {
    const Bucket& b = buckets_[j];
    if (b.value == kEmpty || Distance(j, HomeOf(b.tag, n), n) == 0) break;
    buckets_[hole] = b;
  }
  buckets_[hole] = Bucket{0, kEmpty};
  --size_;
}

PostingTable::Buckets PostingTable::Rehashed(std::size_t n) const {
  Buckets fresh(n, Bucket{0, kEmpty});
  for (const Bucket& b : buckets_) {
    if (b.value != kEmpty) InsertInto(&fresh, b);
  }
  return fresh;
}

void PostingTable::Grow() {
  // (By one at least: a restored table may be as small as one bucket.)
  Buckets fresh = Rehashed(buckets_.size() + std::max<std::size_t>(1, buckets_.size() / 2));
  buckets_.swap(fresh);
  Publish();
}

PostingTable::Buckets PostingTable::GrownFor(std::size_t more_keys) const {
  const std::size_t keys = size_ + more_keys;
  if (keys * kLoadDen <= buckets_.size() * kLoadNum) return {};
  return Rehashed(std::max(buckets_.size() + buckets_.size() / 2, keys * kLoadDen / kLoadNum + 1));
}

// Save() format, little-endian: u64 buckets, then each as u32 tag, value;
// u64 lists, each as u32 length and its slots. The former layout had u32
// hash_lo, hash_hi, value per bucket.
void PostingTable::Save(std::string* out) const {
  auto put64 = [out](std::uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); };
  auto put32 = [out](std::uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); };
  static_assert(sizeof(Bucket) == 8);
  put64(buckets_.size());
  out->append(reinterpret_cast<const char*>(buckets_.data()), buckets_.size() * sizeof(Bucket));
  put64(lists_.size());
  for (std::size_t i = 0; i < lists_.size(); ++i) {
    const auto& list = lists_[i];
    put32(static_cast<std::uint32_t>(list.size()));
    out->append(reinterpret_cast<const char*>(list.data()), list.size() * 4);
  }
}

bool PostingTable::Restore(std::string_view* in, std::uint32_t slot_limit, bool by_home) {
  auto fail = [this] {
    *this = PostingTable();
    return false;
  };
  auto take = [in](void* to, std::size_t n) {
    if (in->size() < n) return false;
    if (n == 0) return true;  // `to` may be null (an empty list's data())
    std::memcpy(to, in->data(), n);
    in->remove_prefix(n);
    return true;
  };
  std::uint64_t count = 0;
  if (!take(&count, 8) || count == 0 || count > in->size() / sizeof(Bucket)) return fail();
  buckets_.resize(count);
  Publish();
  if (!take(buckets_.data(), count * sizeof(Bucket))) return fail();
  std::uint64_t lists = 0;
  if (!take(&lists, 8) || lists > in->size() / 4 || lists >= kOverflow) return fail();
  lists_.Reset(lists);
  free_lists_.clear();
  list_bytes_ = 0;
  for (std::uint64_t i = 0; i < lists; ++i) {
    std::uint32_t length = 0;
    if (!take(&length, 4) || length > in->size() / 4) return fail();
    auto& list = lists_[i];
    list.resize(length);
    if (!take(list.data(), std::size_t{length} * 4)) return fail();
    for (std::uint32_t slot : list) {
      if (slot >= slot_limit) return fail();
    }
    if (list.empty()) free_lists_.push_back(static_cast<std::uint32_t>(i));
    list_bytes_ += list.capacity() * sizeof(std::uint32_t);
  }
  size_ = 0;
  std::vector<bool> referenced(lists, false);  // each list by one key only
  for (const Bucket& b : buckets_) {
    if (b.value == kEmpty) continue;
    ++size_;
    if ((b.value & kOverflow) == 0) {
      if (b.value >= slot_limit) return fail();
      continue;
    }
    const std::uint32_t list = b.value & ~kOverflow;
    if (list >= lists || lists_[list].empty() || referenced[list]) return fail();
    referenced[list] = true;
  }
  if (size_ >= buckets_.size()) return fail();  // probing needs an empty bucket
  if (!by_home) {
    // An earlier build's order: put in this one's (its owner rebuilds the
    // postings anyway; lookups must not miss keys meanwhile).
    Buckets ordered = Rehashed(buckets_.size());
    buckets_.swap(ordered);
    Publish();
    return true;
  }
  // Each run in order of homes, as Probe() reads it: a key after an empty
  // bucket at its home, or at most one further from it than the key
  // before (else a key would be past where a lookup stops).
  const std::size_t n = buckets_.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Bucket& b = buckets_[i];
    if (b.value == kEmpty) continue;
    const Bucket& before = buckets_[i == 0 ? n - 1 : i - 1];
    const std::size_t distance = Distance(i, HomeOf(b.tag, n), n);
    const std::size_t limit =
        before.value == kEmpty ? 0 : Distance(i == 0 ? n - 1 : i - 1, HomeOf(before.tag, n), n) + 1;
    if (distance > limit) return fail();
  }
  return true;
}

bool PostingTable::SkipFormer(std::string_view* in) {
  constexpr std::size_t kFormerBucket = 12;
  auto skip = [in](std::uint64_t n, std::uint64_t size) {
    if (n > in->size() / size) return false;
    in->remove_prefix(n * size);
    return true;
  };
  std::uint64_t count = 0, lists = 0;
  if (!TakeFixed(in, &count) || count == 0 || !skip(count, kFormerBucket) ||
      !TakeFixed(in, &lists)) {
    return false;
  }
  for (std::uint64_t i = 0; i < lists; ++i) {
    std::uint32_t length = 0;
    if (!TakeFixed(in, &length) || !skip(length, 4)) return false;
  }
  return true;
}

std::size_t PostingTable::SaveSize() const {
  std::size_t total = 8 + buckets_.size() * sizeof(Bucket) + 8;
  for (std::size_t i = 0; i < lists_.size(); ++i) {
    total += 4 + lists_[i].size() * sizeof(std::uint32_t);
  }
  return total;
}

std::size_t PostingTable::list_bytes() const {
  return list_bytes_ + lists_.capacity() * sizeof(lists_[0]);
}

}  // namespace leadroute::index
