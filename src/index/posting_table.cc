#include "index/posting_table.h"

#include <algorithm>

namespace leadroute::index {

namespace {
constexpr std::size_t kInitialBuckets = 1024;
// Grow by half past 4/5 full: linear probing stays short, and a table that
// has just grown is 8/15 full.
constexpr std::size_t kLoadNum = 4, kLoadDen = 5;
}  // namespace

PostingTable::PostingTable() : buckets_(kInitialBuckets, Bucket{0, 0, kEmpty}) {}

std::size_t PostingTable::Probe(std::uint64_t hash) const {
  std::size_t i = Home(hash);
  while (buckets_[i].value != kEmpty && buckets_[i].hash() != hash) i = Next(i);
  return i;
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
  const std::size_t i = Probe(hash);
  Bucket& b = buckets_[i];
  if (b.value == kEmpty) {
    b = Bucket{static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(hash >> 32), slot};
    ++size_;
    return;
  }
  if ((b.value & kOverflow) == 0) {
    if (b.value == slot) return;
    const std::uint32_t list = NewList();
    lists_[list] = {b.value, slot};
    b.value = kOverflow | list;
    return;
  }
  auto& list = lists_[b.value & ~kOverflow];
  if (list.back() != slot) list.push_back(slot);
}

void PostingTable::Remove(std::uint64_t hash, std::uint32_t slot) {
  const std::size_t i = Probe(hash);
  Bucket& b = buckets_[i];
  if (b.value == kEmpty) return;
  if ((b.value & kOverflow) == 0) {
    if (b.value == slot) Erase(i);
    return;
  }
  const std::uint32_t index = b.value & ~kOverflow;
  auto& list = lists_[index];
  list.erase(std::remove(list.begin(), list.end(), slot), list.end());
  if (list.empty()) {
    std::vector<std::uint32_t>().swap(list);
    free_lists_.push_back(index);
    Erase(i);
  } else if (list.size() == 1) {
    // Back inline; the list's memory goes too.
    b.value = list.front();
    std::vector<std::uint32_t>().swap(list);
    free_lists_.push_back(index);
  }
}

std::span<const std::uint32_t> PostingTable::Find(std::uint64_t hash) const {
  const Bucket& b = buckets_[Probe(hash)];
  if (b.value == kEmpty) return {};
  if ((b.value & kOverflow) == 0) return {&b.value, 1};
  const auto& list = lists_[b.value & ~kOverflow];
  return {list.data(), list.size()};
}

void PostingTable::Erase(std::size_t i) {
  // Backward shift: pull later entries of the run into the hole when their
  // home is at or before it, so every entry stays reachable from its home.
  std::size_t hole = i;
  std::size_t j = i;
  while (true) {
    j = Next(j);
    if (buckets_[j].value == kEmpty) break;
    const std::size_t home = Home(buckets_[j].hash());
    // Is home cyclically outside (hole, j]? Then the entry may move back.
    const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
    if (movable) {
      buckets_[hole] = buckets_[j];
      hole = j;
    }
  }
  buckets_[hole] = Bucket{0, 0, kEmpty};
  --size_;
}

void PostingTable::Grow() {
  std::vector<Bucket> old(buckets_.size() + buckets_.size() / 2, Bucket{0, 0, kEmpty});
  old.swap(buckets_);
  for (const Bucket& b : old) {
    if (b.value == kEmpty) continue;
    std::size_t i = Home(b.hash());
    while (buckets_[i].value != kEmpty) i = Next(i);
    buckets_[i] = b;
  }
}

std::size_t PostingTable::bytes() const {
  std::size_t total = buckets_.capacity() * sizeof(Bucket);
  for (const auto& list : lists_) total += list.capacity() * sizeof(std::uint32_t);
  return total + lists_.capacity() * sizeof(lists_[0]);
}

}  // namespace leadroute::index
