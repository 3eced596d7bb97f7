#include "protocol/line_buffer.h"

#include <algorithm>
#include <cstring>

namespace leadroute::protocol {

LineBuffer::LineBuffer(std::size_t max_line) : max_line_(max_line) {}

std::span<char> LineBuffer::Writable(std::size_t want) {
  if (begin_ == end_) {
    begin_ = end_ = scanned_ = 0;
    if (capacity_ > kKeptCapacity && want <= kKeptCapacity) {
      buf_.reset();
      capacity_ = 0;
    }
  }
  if (capacity_ - end_ < want) {
    const std::size_t live = end_ - begin_;
    if (begin_ > 0 && capacity_ - live >= want) {
      std::memmove(buf_.get(), buf_.get() + begin_, live);
    } else {
      const std::size_t cap = std::max(capacity_ * 2, live + want);
      auto grown = std::make_unique<char[]>(cap + kLinePadding);
      if (live > 0) std::memcpy(grown.get(), buf_.get() + begin_, live);
      buf_ = std::move(grown);
      capacity_ = cap;
    }
    begin_ = 0;
    end_ = live;
  }
  return {buf_.get() + end_, capacity_ - end_};
}

void LineBuffer::Commit(std::size_t n) { end_ += n; }

LineBuffer::Next LineBuffer::NextLine(std::string_view* line) {
  while (true) {
    const char* start = buf_.get() + begin_;
    const std::size_t have = end_ - begin_;
    const void* nl = have > scanned_
                         ? std::memchr(start + scanned_, '\n', have - scanned_)
                         : nullptr;
    if (nl == nullptr) {
      scanned_ = have;
      // (One byte more may be the '\r' of a "\r\n" ending.)
      if (!discarding_ && have > max_line_ + 1) {
        discarding_ = true;
        begin_ = end_;
        scanned_ = 0;
        ++lines_;
        return Next::kTooLong;
      }
      if (discarding_) {
        begin_ = end_;
        scanned_ = 0;
      }
      return Next::kNeedMore;
    }
    std::size_t len = static_cast<const char*>(nl) - start;
    begin_ += len + 1;
    scanned_ = 0;
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    ++lines_;
    if (len > 0 && start[len - 1] == '\r') --len;
    if (len > max_line_) return Next::kTooLong;
    *line = std::string_view(start, len);
    return Next::kLine;
  }
}

}  // namespace leadroute::protocol
