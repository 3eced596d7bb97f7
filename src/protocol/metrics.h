// Metrics: what `GET /metrics` reports, in the Prometheus text format.
//
// Requests and their latency per method (a histogram), errors by JSON-RPC
// code, open connections per transport; at render time, the engine's own
// figures (opportunities, partners, leads, the rule set's version) and the
// build. Thread-safe: counters are relaxed atomics, written from every
// connection's thread (request counts into a shard per thread).
#ifndef LEADROUTE_PROTOCOL_METRICS_H_
#define LEADROUTE_PROTOCOL_METRICS_H_

#include <array>
#include <functional>
#include <string_view>
#include <vector>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "leadroute/engine.h"

namespace leadroute::protocol {

enum class Transport : std::uint8_t { kTcp, kHttp };

class Metrics {
 public:
  Metrics();

  // One request of method `index` (MethodIndex()) that took `seconds` and
  // answered `code` (0: a result, else the JSON-RPC error code).
  void Observe(int index, double seconds, int code);
  // An error answered before any method ran (parse error, bad envelope).
  void Error(int code);
  void Opened(Transport t) { connections_[static_cast<int>(t)].fetch_add(1, kRelaxed); }
  void Closed(Transport t) { connections_[static_cast<int>(t)].fetch_sub(1, kRelaxed); }

  // Every metric, with HELP and TYPE lines.
  std::string Render(const Engine& engine) const;
  // A source of more metrics (the data directory's), appended by Render.
  // Set before serving.
  void AddSource(std::function<void(std::string*)> source) { sources_.push_back(std::move(source)); }
  // A metric's HELP and TYPE lines.
  static void Header(std::string* out, std::string_view name, std::string_view type,
                     std::string_view help);

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  // Upper bounds (seconds) of the latency buckets; +Inf is implied.
  static constexpr std::array<double, 14> kBuckets = {
      1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 1e-2, 0.1, 1, 10};
  // Each thread counts into a shard of its own (ThreadSlot() % kShards):
  // two threads that count the same method do not pass
  // one cache line back and forth (three atomic adds a request). Render
  // sums the shards.
  static constexpr std::size_t kShards = 8;
  struct alignas(64) PerMethod {
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
  };
  // The JSON-RPC error codes, in CONTRACT §3 order.
  static constexpr std::array<int, 9> kCodes = {-32700, -32600, -32601, -32602, -32603,
                                                -32001, -32002, -32003, -32004};

  std::unique_ptr<PerMethod[]> methods_;  // kShards × MethodCount(), shard-major
  std::array<std::atomic<std::uint64_t>, kCodes.size()> errors_{};
  std::array<std::atomic<std::int64_t>, 2> connections_{};
  std::vector<std::function<void(std::string*)>> sources_;
};

}  // namespace leadroute::protocol

#endif  // LEADROUTE_PROTOCOL_METRICS_H_
