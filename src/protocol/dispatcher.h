// Dispatcher: one JSON-RPC 2.0 request line in, one response line out.
//
// Parses with simdjson on-demand straight from the caller's buffer, finds the
// method, lets its handler decode params and act on the Engine, and appends
// the response (or error) and a '\n' to the caller's output string. The
// network server and `leadroute pipe` both use it, so they answer alike.
//
// Not thread-safe (it owns a simdjson parser): one per connection or thread.
// The Engine is shared.
#ifndef LEADROUTE_PROTOCOL_DISPATCHER_H_
#define LEADROUTE_PROTOCOL_DISPATCHER_H_

#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/engine.h"
#include "leadroute/status.h"
#include "protocol/change_feed.h"
#include "protocol/line_buffer.h"
#include "protocol/metrics.h"

namespace leadroute::protocol {

struct DispatcherLimits {
  std::size_t max_batch = 1000;             // requests in one JSON array
  std::size_t max_depth = 64;               // JSON nesting
  std::size_t max_batch_output = 8 << 20;   // bytes of one batch's answer
};

// JSON-RPC error codes (CONTRACT §3).
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kNotFound = -32001,
  kTooLarge = -32002,
  kUnauthorized = -32003,
  kInvalidRuleSet = -32004,
};

int ErrorCodeFor(const Status& status);

class Dispatcher {
 public:
  // `metrics` (may be null; shared, must outlive the dispatcher) counts every
  // request and error.
  explicit Dispatcher(Engine* engine, DispatcherLimits limits = {},
                      Metrics* metrics = nullptr);

  // Handles one request line (a JSON object, or a batch array). Appends the
  // response line to *out; appends nothing for an empty line or a
  // notification (a request without "id").
  // REQUIRES: kLinePadding readable bytes after line.data() + line.size().
  void Handle(std::string_view line, std::string* out);

  // Gives back what long lines grew the parsers by (~20 bytes a byte of
  // the longest line), for a connection gone idle: without it, one that
  // once sent a bulk load held that for its life. Not after each long line:
  // a bulk load's next line would grow them again.
  // REQUIRES: no Handle() or HandleLines() of this dispatcher under way (on
  // any thread: the bulk pool's, the parallel reads' helper).
  void Trim();
  // The parsers' room at first, in bytes of line, and the most Trim()
  // leaves them (it takes them back to the first).
  static constexpr std::size_t kInitialCapacity = 4096;
  static constexpr std::size_t kKeptCapacity = 16 * 1024;
  // The largest document the parsers now have room for (the validator's
  // document too, a member simdjson documents as its own).
  std::size_t ParserCapacityForTesting() const {
    return std::max({validator_.capacity(), validator_.doc.capacity(), parser_.capacity(),
                     classifier_.capacity()});
  }

  // Answers every complete line buffered in `in`, appending to *out. An
  // over-long line is answered with a -32002 error; with `stop_at_overlong`
  // nothing after it is read (the server then closes the connection),
  // otherwise it is skipped. Returns whether an over-long line was seen.
  bool HandleLines(LineBuffer* in, std::string* out, bool stop_at_overlong);

  // As HandleLines(), but stops before a line of `defer_at` bytes or more
  // and returns it in *deferred (empty if none) instead of answering it: the
  // caller answers it through Handle() elsewhere (a server runs bulk
  // requests off its I/O threads), then calls this again for the rest.
  // *deferred stays valid until `in` is written to again.
  bool HandleLines(LineBuffer* in, std::string* out, bool stop_at_overlong,
                   std::size_t defer_at, std::string_view* deferred);

  // From now on HandleLines() answers a run of pipelined requests that only
  // read (OnlyReads(), lines up to 16 KiB) on two threads, each taking the
  // next unanswered line, the answers in request order as ever: a client
  // that pipelines checks uses both cores. A write ends the run; it runs
  // after every read before it and before any after it, as one by one.
  // What the reads of one run see of other clients' writes (and of expiry)
  // is not ordered among them: a later read may see the state before a
  // concurrent write that an earlier one saw after it.
  void EnableParallelReads();
  // With parallel reads, a long run's answers go out in parts: once the
  // first lines' answers are all written (in order) while later lines are
  // still unanswered, `flush` is called on this thread with *out, which
  // then ends with them; it sends what it may and erases that from the
  // front of *out (or leaves *out as it is). A pipelining client then
  // sends its next requests while the rest of the run is answered, and
  // both cores keep working between runs.
  void SetFlush(std::function<void(std::string*)> flush) { flush_ = std::move(flush); }
  // From now on HandleLines() stops reading lines once *out holds `bytes`
  // or more (a run of reads gathered for both threads is answered first,
  // at most kMaxRun lines): the caller sends them, then calls it again for
  // the rest, so a pipelining client that does not read cannot pile up
  // answers without bound (a line of 62 bytes may answer 21 KB). Whether
  // the last call stopped so is stopped_at_output().
  void SetOutputLimit(std::size_t bytes) { output_limit_ = bytes; }
  bool stopped_at_output() const { return stopped_at_output_; }
  // Whether the line is one request (an object, not a batch) to a method
  // that changes nothing and gains from a second thread: ping, normalize,
  // check, get_opportunity, get_partner, opportunity_history,
  // protection_at, and route with "dry_run": true in its params (once).
  // Decided from the bytes alone where they suffice (the usual line names
  // its method once and holds no backslash), so it is also true of such a
  // line that is refused whole (not JSON, a params given twice), which
  // changes nothing either. Else false when in doubt (a key twice, a line
  // that is not JSON): such a line runs alone, in order.
  // REQUIRES: kLinePadding readable bytes after line.data() + line.size().
  bool OnlyReads(std::string_view line);
  // From now on every method but `hello` answers -32003 until a `hello`
  // with this token (or Authorize()); the server sets it when binding
  // beyond loopback.
  void RequireToken(std::string token) { token_ = std::move(token); }
  // The caller proved the token another way (an HTTP bearer header).
  void Authorize() { authorized_ = true; }

  // Enables `subscribe` (a TCP connection to a server with a data
  // directory): `wake` is called when a subscription has lines queued.
  void EnableSubscribe(ChangeFeed* feed, std::function<void()> wake) {
    feed_ = feed;
    wake_ = std::move(wake);
  }
  // The stream a `subscribe` just started, once (null if none). After a
  // subscribe, HandleLines answers nothing more: the connection streams.
  std::shared_ptr<ChangeStream> TakeStream() { return std::move(stream_); }
  bool subscribed() const { return subscribed_; }

  // Appends an error response with id null, for failures found before a
  // request could be parsed (an over-long line).
  static void WriteError(int code, std::string_view message, std::string* out);
  // As WriteError(), for a request refused before it is run (an HTTP call
  // without its bearer token): with the request's own id where `request`
  // is one JSON-RPC object with a valid id, else with id null.
  static void WriteErrorFor(std::string_view request, int code, std::string_view message,
                            std::string* out);

 private:
  // Handles one request object; returns false if it wrote nothing.
  // `envelope` is the same request in the line's validated document
  // (validator_'s): its members are read there, a tape walk that skips
  // params at once; params are then found and decoded on demand.
  bool HandleRequest(simdjson::ondemand::value request, simdjson::dom::element envelope,
                     std::string* out);
  // The `hello` method: checks params.token against token_. `members`:
  // the request's, in the validated document.
  bool Hello(simdjson::dom::object members, bool has_id, const std::string& id_json,
             std::string* out);
  // The `subscribe` method: {"from": position} (optional). `members` as
  // Hello()'s.
  bool Subscribe(simdjson::dom::object members, bool has_id, const std::string& id_json,
                 std::string* out);
  // WriteError(), counted.
  void FailLine(int code, std::string_view message, std::string* out);
  // Writes an error response for a request no method ran for, and counts it.
  void Fail(std::string_view id_json, int code, std::string_view message,
            std::string_view field, std::string* out);

  // Answers the gathered reads_ in order, on two threads when there are
  // enough, and clears them.
  void HandleReads(std::string* out);

  Engine* engine_;
  DispatcherLimits limits_;
  Metrics* metrics_;
  std::string token_;  // empty: none required
  bool authorized_ = false;
  ChangeFeed* feed_ = nullptr;
  std::function<void()> wake_;
  std::shared_ptr<ChangeStream> stream_;
  bool subscribed_ = false;
  simdjson::dom::parser validator_;  // checks the whole line first
  simdjson::ondemand::parser parser_;
  // With parallel reads: the second thread's dispatcher, each thread's
  // answers and where each line's answer lies, and a parser for
  // OnlyReads().
  // A run's lines are answered in parts of kFlushPart lines, each thread's
  // answers to a part in a buffer of its own (part_out_[2 * part + 1] for
  // the helper's): a part's buffers are complete, and stay untouched, once
  // its last line is answered, while later parts are still being written.
  // 32: at depth 64 one flush a run, half-way (+3-8% checks/s, 200,000
  // opportunities; parts of 16, or a flush at half of every run, lost
  // 10%: more sends, and shorter runs read).
  struct Span {
    std::size_t begin, end;  // in part_out_[2 * part + by_helper]
    bool by_helper;
  };
  static constexpr std::size_t kFlushPart = 32;
  std::unique_ptr<Dispatcher> helper_;
  std::function<void(std::string*)> flush_;
  std::vector<std::string> part_out_;
  // Lines of each part answered by the helper, and by this thread (both
  // own_done_.size() long).
  std::unique_ptr<std::atomic<std::uint32_t>[]> helper_done_;
  std::vector<std::uint32_t> own_done_;
  std::vector<Span> spans_;
  simdjson::ondemand::parser classifier_;
  std::vector<std::string_view> reads_;
  std::size_t output_limit_ = SIZE_MAX;
  bool stopped_at_output_ = false;
  // The most reads gathered for both threads before they are answered
  // (with an output limit, the most lines answered past it).
  static constexpr std::size_t kMaxRun = 256;
};

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_DISPATCHER_H_
