// LineBuffer: newline framing over a byte stream, with the padding simdjson
// needs behind every line, so that requests are parsed where they were read.
#ifndef LEADROUTE_PROTOCOL_LINE_BUFFER_H_
#define LEADROUTE_PROTOCOL_LINE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace leadroute::protocol {

// Bytes readable after the end of every line LineBuffer hands out
// (SIMDJSON_PADDING).
inline constexpr std::size_t kLinePadding = 64;

// Not thread-safe: one per connection or input stream.
class LineBuffer {
 public:
  // Lines longer than `max_line` bytes (excluding "\n" or "\r\n") are reported
  // as kTooLong and their bytes discarded up to the next newline.
  explicit LineBuffer(std::size_t max_line);

  // Space for at least `want` more bytes; fill it, then Commit() what was
  // written. Grows the buffer at most to max_line + one read; an empty
  // buffer grown past kKeptCapacity (by a long line, or many pipelined
  // ones) starts small again.
  std::span<char> Writable(std::size_t want);
  void Commit(std::size_t n);

  enum class Next { kNeedMore, kLine, kTooLong };
  // The next complete line, without "\n" or "\r\n". *line stays valid, with
  // kLinePadding readable bytes after it, until the next Writable() call.
  Next NextLine(std::string_view* line);

  // (Four reads of a connection's 64 KiB: a read that ends mid-line grows
  // the buffer to two, which a drain should not free each time.)
  static constexpr std::size_t kKeptCapacity = 256 * 1024;
  // Usable bytes allocated now.
  std::size_t capacity() const { return capacity_; }

  // Bytes received but not yet returned as a line.
  std::size_t pending() const { return end_ - begin_; }
  // Lines returned so far (kLine and kTooLong): when it moves, the bytes
  // still pending belong to a line that began after the last one ended.
  std::uint64_t lines() const { return lines_; }

 private:
  std::size_t max_line_;
  std::unique_ptr<char[]> buf_;
  std::size_t capacity_ = 0;  // usable bytes; kLinePadding more are allocated
  std::size_t begin_ = 0;     // first byte not yet returned
  std::size_t end_ = 0;       // one past the last byte received
  std::size_t scanned_ = 0;   // bytes of [begin_, end_) known to hold no '\n'
  bool discarding_ = false;   // inside an over-long line
  std::uint64_t lines_ = 0;
};

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_LINE_BUFFER_H_
