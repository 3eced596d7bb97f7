// Timing every call of a latency benchmark: p50 and p99 as counters beside
// Google Benchmark's mean.
#ifndef LEADROUTE_BENCH_TIMED_H_
#define LEADROUTE_BENCH_TIMED_H_

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace leadroute {

// Calls fn(i) for i = 0, 1, ... once per iteration, timing each call;
// before(i) runs first, untimed.
template <typename Fn, typename Before = void (*)(std::size_t)>
void TimedCalls(benchmark::State& state, Fn fn, Before before = [](std::size_t) {}) {
  std::vector<double> ns;
  ns.reserve(1 << 20);
  std::size_t i = 0;
  for (auto _ : state) {
    before(i);
    const auto t0 = std::chrono::steady_clock::now();
    fn(i++);
    ns.push_back(std::chrono::duration<double, std::nano>(
                     std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ns.begin(), ns.end());
  if (ns.empty()) return;
  state.counters["p50_ns"] = ns[ns.size() / 2];
  state.counters["p99_ns"] = ns[ns.size() * 99 / 100];
}

}  // namespace leadroute

#endif  // LEADROUTE_BENCH_TIMED_H_
