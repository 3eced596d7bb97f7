#include "index/record_arena.h"

#include <algorithm>
#include <cstring>

#include "util/huge_pages.h"

namespace leadroute::index {

RecordArena::Chunk RecordArena::NewChunk(std::size_t bytes) {
  Chunk c;
  c.size = std::max(kChunk, bytes);
  // Faulted in, not zeroed.
  c.bytes = std::unique_ptr<char[], Free>(static_cast<char*>(AllocateHuge(c.size)), Free{c.size});
  return c;
}

const char* RecordArena::Store(std::string_view bytes) {
  if (bytes.size() > left_) {
    // A record larger than a chunk gets a chunk of its own; the rest of the
    // current chunk is left as it is (records are at most 60 KB).
    Chunk c = bytes.size() <= spare_.size ? std::move(spare_) : NewChunk(bytes.size());
    spare_ = Chunk{};
    chunks_.push_back(std::move(c.bytes));
    next_ = chunks_.back().get();
    left_ = c.size;
    reserved_ += c.size;
  }
  char* at = next_;
  std::memcpy(at, bytes.data(), bytes.size());
  next_ += bytes.size();
  left_ -= bytes.size();
  used_ += bytes.size();
  return at;
}

}  // namespace leadroute::index
