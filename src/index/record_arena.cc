#include "index/record_arena.h"

#include <algorithm>
#include <cstring>

#include "util/huge_pages.h"

namespace leadroute::index {

const char* RecordArena::Store(std::string_view bytes) {
  if (bytes.size() > left_) {
    // A record larger than a chunk gets a chunk of its own; the rest of the
    // current chunk is left as it is (records are at most 60 KB).
    const std::size_t size = std::max(kChunk, bytes.size());
    chunks_.emplace_back(static_cast<char*>(AllocateHuge(size)));  // not zeroed
    next_ = chunks_.back().get();
    left_ = size;
    reserved_ += size;
  }
  char* at = next_;
  std::memcpy(at, bytes.data(), bytes.size());
  next_ += bytes.size();
  left_ -= bytes.size();
  used_ += bytes.size();
  return at;
}

}  // namespace leadroute::index
