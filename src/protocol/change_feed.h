// ChangeFeed: the journal as a stream of notifications, for `subscribe`
// (a CRM connector following what the engine decided). The store
// implements it; a TCP connection that subscribes becomes a stream.
#ifndef LEADROUTE_PROTOCOL_CHANGE_FEED_H_
#define LEADROUTE_PROTOCOL_CHANGE_FEED_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "leadroute/status.h"

namespace leadroute::protocol {

// Notification lines, each
//   {"jsonrpc":"2.0","method":"change","params":{"position":N,"change":{...}}}
// in journal order, without gaps or repeats.
class ChangeStream {
 public:
  virtual ~ChangeStream() = default;
  // Appends the lines queued so far to *out. False once the stream has
  // ended (the subscriber fell too far behind); *reason says why.
  virtual bool Take(std::string* out, std::string* reason) = 0;
  // Ends the stream (the connection closed).
  virtual void Cancel() = 0;
};

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // The changes from position `from` on (absent: from the next one), then
  // each new one as it is journaled; `wake` is called, from any thread,
  // when lines are queued. *from_out: the first position the stream sends;
  // *next_out: the next position to be journaled now. Errors: NotFound
  // (`from` is no longer in the journal, or beyond its end), TooLarge
  // (too much to catch up at once).
  virtual Result<std::shared_ptr<ChangeStream>> Subscribe(std::optional<std::uint64_t> from,
                                                          std::function<void()> wake,
                                                          std::uint64_t* from_out,
                                                          std::uint64_t* next_out) = 0;
  // The id of the journal's history: positions name the same changes for
  // as long as it stays (a `repair` that cuts the journal begins another;
  // see store/history.h).
  virtual std::string HistoryId() const = 0;
  // Up to where (exclusive) the positions of history `id` name the same
  // changes as this one's; std::nullopt when `id` is not one of this
  // journal's histories.
  virtual std::optional<std::uint64_t> SharedUntil(std::string_view id) const = 0;
};

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_CHANGE_FEED_H_
