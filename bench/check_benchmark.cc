// check and register at scale: N open opportunities of generated data
// (LEADROUTE_BENCH_N, default 1,000,000), single thread.
//
// Each latency benchmark times every call and reports p50/p99 (ns) as
// counters beside Google Benchmark's mean. Baselines in the same run, on the
// same stored data and the same deals:
//   BM_Baseline_ExactKeyMap: std::unordered_map from exact normalized
//     company name and domain to opportunities (what assignment rules do);
//   BM_Baseline_LinearScan: comparing the deal's company key with every
//     stored one.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gen/synthetic.h"
#include "timed.h"
#include "leadroute/engine.h"
#include "util/resident.h"

namespace leadroute {
namespace {

constexpr std::size_t kDeals = 100000;

struct Fixture {
  std::size_t n = 1000000;
  std::unique_ptr<Engine> engine;
  double load_seconds = 0;   // the first half, one by one
  double batch_seconds = 0;  // the second half, in batches
  double bytes_per_opportunity = 0;
  std::vector<Opportunity> hits, misses;
  // Baseline data: exact company keys and domains, and all company keys.
  std::unordered_map<std::string, std::vector<std::uint32_t>> exact;
  std::vector<std::string> company_keys;

  Fixture() {
    if (const char* env = std::getenv("LEADROUTE_BENCH_N")) n = std::strtoull(env, nullptr, 10);
    auto e = Engine::Create();
    if (!e.ok()) std::abort();
    engine = std::move(*e);
    gen::Generator gen;
    std::vector<Opportunity> opps;
    opps.reserve(n);
    for (std::size_t i = 0; i < n; ++i) opps.push_back(gen.OpportunityFor(i));
    // The first half one by one, the second as batches of 10,000.
    const std::size_t half = n / 2;
    const std::size_t rss_before = ResidentBytes();
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < half; ++i) {
      bool created;
      if (!engine->UpsertOpportunity(opps[i], &created).ok()) std::abort();
    }
    const auto t1 = std::chrono::steady_clock::now();
    for (std::size_t i = half; i < n; i += 10000) {
      std::vector<Opportunity> batch(opps.begin() + i,
                                     opps.begin() + std::min(n, i + 10000));
      std::size_t created;
      for (const Status& s : engine->UpsertOpportunities(batch, &created)) {
        if (!s.ok()) std::abort();
      }
    }
    const auto t2 = std::chrono::steady_clock::now();
    load_seconds = std::chrono::duration<double>(t1 - t0).count();
    batch_seconds = std::chrono::duration<double>(t2 - t1).count();
    bytes_per_opportunity =
        static_cast<double>(ResidentBytes() - rss_before) / static_cast<double>(n);
    const Normalizer& norm = engine->normalizer();
    company_keys.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      auto key = norm.Company(opps[i].party.company);
      company_keys.push_back(key.value_or(""));
      if (key) exact[*key].push_back(i);
      if (auto d = norm.Domain(opps[i].party.domain)) exact[*d].push_back(i);
    }
    // As many distinct deals as a benchmark makes calls: no deal is checked
    // twice, so no cache (phones, hosts) answers from an earlier call.
    std::mt19937_64 rng(7);
    for (std::size_t i = 0; i < kDeals; ++i) {
      hits.push_back(gen.VariantOf(rng() % n));
      misses.push_back(gen.VariantOf(n + 1000000000ULL + i));
    }
  }
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

// Runs fn(deal) over `deals` once per iteration, timing each call.
template <typename Fn>
void Timed(benchmark::State& state, const std::vector<Opportunity>& deals, Fn fn) {
  TimedCalls(state, [&](std::size_t i) { fn(deals[i % deals.size()]); });
}

std::vector<Opportunity> WithoutPhones(std::vector<Opportunity> deals) {
  for (auto& d : deals) d.party.phone.clear();
  return deals;
}

void BM_BulkUpsert(benchmark::State& state) {
  Fixture& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(f.engine.get());
  state.counters["opportunities"] = static_cast<double>(f.n);
  state.counters["upserts_per_s"] = static_cast<double>(f.n / 2) / f.load_seconds;
  state.counters["batch_upserts_per_s"] =
      static_cast<double>(f.n - f.n / 2) / f.batch_seconds;
  state.counters["rss_bytes_per_opp"] = f.bytes_per_opportunity;
  // Where the index's bytes go, per opportunity, as allocated.
  const EngineStats stats = f.engine->Stats();
  const double n = static_cast<double>(f.n);
  state.counters["records_B"] = static_cast<double>(stats.record_bytes) / n;
  state.counters["live_records_B"] = static_cast<double>(stats.record_live_bytes) / n;
  state.counters["slots_B"] = static_cast<double>(stats.slot_bytes) / n;
  state.counters["histories_B"] = static_cast<double>(stats.history_bytes) / n;
  state.counters["buckets_B"] = static_cast<double>(stats.posting_bytes) / n;
  state.counters["lists_B"] = static_cast<double>(stats.posting_list_bytes) / n;
  state.counters["keys_per_opp"] = static_cast<double>(stats.posted_keys) / n;
}
BENCHMARK(BM_BulkUpsert)->Iterations(1);

// A stats call (what a /metrics scrape asks): the active opportunities are
// counted by a scan, a slice of 65,536 slots per hold of the lock.
void BM_Stats(benchmark::State& state) {
  Fixture& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(f.engine->Stats());
}
BENCHMARK(BM_Stats)->Iterations(20)->Unit(benchmark::kMillisecond);

void BM_CheckHit(benchmark::State& state) {
  Fixture& f = F();
  std::size_t conflicts = 0;
  Timed(state, f.hits, [&](const Opportunity& d) {
    conflicts += f.engine->Check(d).status != CheckStatus::kClear;
  });
  state.counters["found_share"] = static_cast<double>(conflicts) / state.iterations();
}
BENCHMARK(BM_CheckHit)->Iterations(100000);

// As a server checks: the deal decoded from its request just before, so
// its bytes are in the cache (here copied, untimed, before the call). The
// deals of BM_CheckHit and BM_CheckMiss are read cold from a 100,000-deal
// array.
void CheckDecoded(benchmark::State& state, const std::vector<Opportunity>& deals) {
  Fixture& f = F();
  std::size_t found = 0;
  Opportunity deal;
  TimedCalls(
      state,
      [&](std::size_t) { found += f.engine->Check(deal).status != CheckStatus::kClear; },
      [&](std::size_t i) { deal = deals[i % deals.size()]; });
  state.counters["found_share"] = static_cast<double>(found) / state.iterations();
}

void BM_CheckHitDecoded(benchmark::State& state) { CheckDecoded(state, F().hits); }
BENCHMARK(BM_CheckHitDecoded)->Iterations(100000);

// The same deals checked twice, the second call timed: what a check costs
// when the lines it reads are in the cache (at 1M, the first call's
// difference is mostly waiting for memory).
void BM_CheckHitAgain(benchmark::State& state) {
  Fixture& f = F();
  std::size_t conflicts = 0;
  auto check = [&](std::size_t i) {
    conflicts += f.engine->Check(f.hits[i % f.hits.size()]).status != CheckStatus::kClear;
  };
  TimedCalls(state, check, check);
  state.counters["found_share"] = static_cast<double>(conflicts) / (2.0 * state.iterations());
}
BENCHMARK(BM_CheckHitAgain)->Iterations(100000);

void BM_CheckMiss(benchmark::State& state) {
  Fixture& f = F();
  std::size_t found = 0;
  Timed(state, f.misses, [&](const Opportunity& d) {
    found += f.engine->Check(d).status != CheckStatus::kClear;
  });
  state.counters["found_share"] = static_cast<double>(found) / state.iterations();
}
BENCHMARK(BM_CheckMiss)->Iterations(100000);

void BM_CheckMissDecoded(benchmark::State& state) { CheckDecoded(state, F().misses); }
BENCHMARK(BM_CheckMissDecoded)->Iterations(100000);

// What timing a call costs (two reads of the clock, the vector's push):
// part of every p50 here.
void BM_TimedNothing(benchmark::State& state) {
  TimedCalls(state, [](std::size_t i) { benchmark::DoNotOptimize(i); });
}
BENCHMARK(BM_TimedNothing)->Iterations(100000);

// The normalization share of a check: the same deals' match keys alone.
void BM_KeysHit(benchmark::State& state) {
  Fixture& f = F();
  const Normalizer& norm = f.engine->normalizer();
  Timed(state, f.hits, [&](const Opportunity& d) {
    benchmark::DoNotOptimize(norm.Keys(d.party));
  });
}
BENCHMARK(BM_KeysHit)->Iterations(100000);

void BM_CheckHitNoPhone(benchmark::State& state) {
  static const auto deals = WithoutPhones(F().hits);
  Timed(state, deals, [&](const Opportunity& d) {
    benchmark::DoNotOptimize(F().engine->Check(d));
  });
}
BENCHMARK(BM_CheckHitNoPhone)->Iterations(100000);

void BM_CheckMissNoPhone(benchmark::State& state) {
  static const auto deals = WithoutPhones(F().misses);
  Timed(state, deals, [&](const Opportunity& d) {
    benchmark::DoNotOptimize(F().engine->Check(d));
  });
}
BENCHMARK(BM_CheckMissNoPhone)->Iterations(100000);

// Whether a deal names a domain more than 8 stored opportunities share: a
// group's, under which the generator puts subsidiaries (~20 at 1M), every
// one of them a candidate to score (up to max_strong_postings, 32).
bool OnSharedDomain(const Fixture& f, const Opportunity& d) {
  const std::string& named = d.party.domain.empty() ? d.party.email : d.party.domain;
  const auto domain = f.engine->normalizer().Domain(named);
  if (!domain) return false;
  const auto it = f.exact.find(*domain);
  return it != f.exact.end() && it->second.size() > 8;
}

// The hits on such a domain only: what they cost.
void BM_CheckHitSharedDomain(benchmark::State& state) {
  Fixture& f = F();
  std::vector<Opportunity> shared;
  for (const Opportunity& d : f.hits) {
    if (OnSharedDomain(f, d)) shared.push_back(d);
  }
  if (shared.empty()) return state.SkipWithError("no deal on a shared domain");
  Timed(state, shared, [&](const Opportunity& d) { benchmark::DoNotOptimize(f.engine->Check(d)); });
  state.counters["deals"] = static_cast<double>(shared.size());
}
BENCHMARK(BM_CheckHitSharedDomain)->Iterations(100000);

// What the slowest 1% of hits are: each of the 100,000 checked once, timed;
// of the slowest 1000, how many are on a shared domain and how many give a
// phone, against the same counts over all of them.
void BM_CheckHitTail(benchmark::State& state) {
  Fixture& f = F();
  for (auto _ : state) {
    std::vector<std::pair<double, std::size_t>> ns;
    ns.reserve(f.hits.size());
    for (std::size_t i = 0; i < f.hits.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(f.engine->Check(f.hits[i]));
      ns.emplace_back(std::chrono::duration<double, std::nano>(
                          std::chrono::steady_clock::now() - t0).count(), i);
    }
    std::sort(ns.rbegin(), ns.rend());
    const std::size_t tail = ns.size() / 100;
    auto count = [&](std::size_t from, std::size_t to, auto pred) {
      double n = 0;
      for (std::size_t k = from; k < to; ++k) n += pred(f.hits[ns[k].second]) ? 1 : 0;
      return n;
    };
    auto shared = [&](const Opportunity& d) { return OnSharedDomain(f, d); };
    auto phone = [](const Opportunity& d) { return !d.party.phone.empty(); };
    state.counters["p99_ns"] = ns[tail].first;
    state.counters["tail"] = static_cast<double>(tail);
    state.counters["tail_shared_domain"] = count(0, tail, shared);
    state.counters["tail_phone"] = count(0, tail, phone);
    state.counters["all_shared_domain"] = count(0, ns.size(), shared);
    state.counters["all_phone"] = count(0, ns.size(), phone);
  }
}
BENCHMARK(BM_CheckHitTail)->Iterations(1);

void BM_RegisterFresh(benchmark::State& state) {
  Fixture& f = F();
  gen::Generator gen({.seed = 99});
  std::vector<Opportunity> fresh;
  for (std::size_t i = 0; i < 20000; ++i) {
    Opportunity o = gen.VariantOf(f.n + 2000000000ULL + i);
    o.party.phone.clear();
    fresh.push_back(std::move(o));
  }
  std::size_t approved = 0;
  Timed(state, fresh, [&](const Opportunity& d) {
    auto r = f.engine->Register(d);
    approved += r.ok() && r->status == RegisterStatus::kApproved;
  });
  state.counters["approved_share"] = static_cast<double>(approved) / state.iterations();
}
BENCHMARK(BM_RegisterFresh)->Iterations(20000);

// Checks while a writer thread upserts all N again (a CRM's nightly
// re-sync: every record replaced, so the arena compacts once on the way),
// in batches of 10,000. Every check is timed; p99.9 and the longest show
// whether writes (and the compaction) hold checks off.
void BM_CheckDuringResync(benchmark::State& state) {
  Fixture& f = F();
  std::atomic<bool> done{false};
  double resync_seconds = 0;
  std::vector<double> ns;
  ns.reserve(1 << 24);
  for (auto _ : state) {
    std::thread writer([&] {
      gen::Generator gen;
      const auto t0 = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < f.n; i += 10000) {
        std::vector<Opportunity> batch;
        for (std::size_t j = i; j < std::min(f.n, i + 10000); ++j) {
          Opportunity o = gen.OpportunityFor(j);
          o.amount = 1000.0 + static_cast<double>(j);
          batch.push_back(std::move(o));
        }
        std::size_t created;
        for (const Status& s : f.engine->UpsertOpportunities(batch, &created)) {
          if (!s.ok()) std::abort();
        }
      }
      resync_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      done = true;
    });
    for (std::size_t i = 0; !done.load(); ++i) {
      const Opportunity& d = f.hits[i % f.hits.size()];
      const auto t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(f.engine->Check(d));
      ns.push_back(std::chrono::duration<double, std::nano>(
                       std::chrono::steady_clock::now() - t0).count());
    }
    writer.join();
  }
  std::sort(ns.begin(), ns.end());
  if (ns.empty()) return;
  state.counters["checks"] = static_cast<double>(ns.size());
  state.counters["p50_ns"] = ns[ns.size() / 2];
  state.counters["p99_ns"] = ns[ns.size() * 99 / 100];
  state.counters["p999_ns"] = ns[ns.size() * 999 / 1000];
  state.counters["max_ns"] = ns.back();
  state.counters["resync_per_s"] = static_cast<double>(f.n) / resync_seconds;
}
BENCHMARK(BM_CheckDuringResync)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_Baseline_ExactKeyMap(benchmark::State& state) {
  Fixture& f = F();
  static const auto deals = WithoutPhones(f.hits);
  const Normalizer& norm = f.engine->normalizer();
  std::size_t found = 0;
  Timed(state, deals, [&](const Opportunity& d) {
    bool hit = false;
    if (auto key = norm.Company(d.party.company)) hit |= f.exact.contains(*key);
    if (auto dom = norm.Domain(d.party.domain)) hit |= f.exact.contains(*dom);
    found += hit;
  });
  state.counters["found_share"] = static_cast<double>(found) / state.iterations();
}
BENCHMARK(BM_Baseline_ExactKeyMap)->Iterations(100000);

void BM_Baseline_LinearScan(benchmark::State& state) {
  Fixture& f = F();
  const Normalizer& norm = f.engine->normalizer();
  Timed(state, f.misses, [&](const Opportunity& d) {
    const std::string key = norm.Company(d.party.company).value_or("");
    benchmark::DoNotOptimize(
        std::count(f.company_keys.begin(), f.company_keys.end(), key));
  });
}
BENCHMARK(BM_Baseline_LinearScan)->Iterations(200);

}  // namespace
}  // namespace leadroute

BENCHMARK_MAIN();
