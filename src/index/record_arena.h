// RecordArena: packed records laid end to end in large chunks, with no
// per-record allocation or header. Replaced records leave dead bytes behind;
// the owner compacts when they pile up (see OpportunityIndex).
#ifndef LEADROUTE_INDEX_RECORD_ARENA_H_
#define LEADROUTE_INDEX_RECORD_ARENA_H_

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "util/huge_pages.h"

namespace leadroute::index {

class RecordArena {
 public:
  // A copy of `bytes`, valid until the arena is destroyed (or moved from).
  const char* Store(std::string_view bytes);
  // Counts `bytes` of a stored record as dead.
  void Release(std::size_t bytes) { dead_ += bytes; }

  // A chunk made ready away from the owner's lock: allocated, its pages
  // faulted in (AllocateHuge), which Store() would otherwise pay while the
  // index excludes readers.
  struct Free {
    Free() : size(0) {}  // not a default member initializer: see unique_ptr
    explicit Free(std::size_t bytes) : size(bytes) {}
    void operator()(char* p) const { FreeHuge(p, size); }
    std::size_t size;
  };
  struct Chunk {
    std::unique_ptr<char[], Free> bytes;
    std::size_t size = 0;
  };
  // Whether Store()ing `bytes` more would allocate: they do not fit in the
  // current chunk nor in a spare one.
  bool NeedsChunk(std::size_t bytes) const {
    return bytes > left_ && bytes > spare_.size;
  }
  // A ready chunk for at least `bytes`.
  static Chunk NewChunk(std::size_t bytes);
  // The chunk Store() moves to when the current one is full.
  void AddSpare(Chunk chunk) { spare_ = std::move(chunk); }

  std::size_t live() const { return used_ - dead_; }
  std::size_t dead() const { return dead_; }
  std::size_t reserved() const { return reserved_ + spare_.size; }

 private:
  // One huge page each (util/huge_pages.h).
  static constexpr std::size_t kChunk = 2 << 20;
  std::vector<std::unique_ptr<char[], Free>> chunks_;
  Chunk spare_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
  std::size_t used_ = 0, dead_ = 0, reserved_ = 0;
};

}  // namespace leadroute::index

#endif  // LEADROUTE_INDEX_RECORD_ARENA_H_
