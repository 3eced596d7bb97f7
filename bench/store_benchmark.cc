// Durability at scale: N opportunities of generated data
// (LEADROUTE_BENCH_N, default 1,000,000) in a data directory under
// LEADROUTE_BENCH_DIR (default /var/tmp: a real disk, not tmpfs).
//
// Figures, side by side in one run:
//   BM_Restore/snapshot: startup from a snapshot (packed records; keys
//     rebuilt without normalizing): restore_per_s;
//   BM_Restore/journal: startup from the journal alone, the same changes
//     (decoded and normalized again): the baseline a snapshot beats;
//   BM_BulkUpsert/{memory,journal}: UpsertOpportunities in batches of
//     10,000 without a data directory and with one (--sync always: one
//     fdatasync per batch);
//   BM_Register/{memory,never,always}: one register, single thread, with no
//     directory, journaled without syncs, journaled and synced before the
//     answer (the default; one fdatasync each, nobody to share it with);
//   BM_Snapshot: writing the snapshot of all N (rotate, save, write,
//     fdatasync, rename); write_max_ms: the longest upsert (synced) a writer
//     thread saw while a second snapshot was taken.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "gen/synthetic.h"
#include "leadroute/engine.h"
#include "store/store.h"
#include "timed.h"

namespace leadroute {
namespace {

namespace fs = std::filesystem;

std::size_t BenchN() {
  const char* env = std::getenv("LEADROUTE_BENCH_N");
  return env ? std::strtoull(env, nullptr, 10) : 1000000;
}

std::string BenchDir(const std::string& name) {
  const char* env = std::getenv("LEADROUTE_BENCH_DIR");
  const fs::path dir = fs::path(env ? env : "/var/tmp") /
                       ("leadroute-store-bench-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir.string();
}

std::unique_ptr<Engine> NewEngine() {
  auto e = Engine::Create();
  if (!e.ok()) std::abort();
  return std::move(*e);
}

std::unique_ptr<store::Store> OpenStore(const std::string& dir, Engine* engine,
                                        store::SyncPolicy sync, store::RecoveryReport* report) {
  store::StoreOptions options;
  options.timer = false;
  options.sync = sync;
  options.journal_keep_seconds = 0;  // a snapshot replaces the journal before it
  auto s = store::Store::Open(dir, engine, options, report);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
    std::abort();
  }
  return std::move(*s);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// Upserts every opportunity in batches of 10,000; seconds taken.
double Load(Engine& engine, const std::vector<Opportunity>& opps) {
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < opps.size(); i += 10000) {
    std::vector<Opportunity> batch(opps.begin() + i,
                                   opps.begin() + std::min(opps.size(), i + 10000));
    std::size_t created;
    for (const Status& s : engine.UpsertOpportunities(batch, &created)) {
      if (!s.ok()) std::abort();
    }
  }
  return Seconds(t0);
}

struct Fixture {
  std::size_t n = BenchN();
  std::vector<Opportunity> opps;
  std::string journal_dir = BenchDir("journal");    // the journal alone
  std::string snapshot_dir = BenchDir("snapshot");  // a snapshot alone
  double memory_load_seconds = 0, journal_load_seconds = 0, snapshot_seconds = 0;
  double snapshot_write_max_seconds = 0;
  std::uintmax_t snapshot_bytes = 0, journal_bytes = 0;

  Fixture() {
    gen::Generator gen;
    opps.reserve(n);
    for (std::size_t i = 0; i < n; ++i) opps.push_back(gen.OpportunityFor(i));
    {
      auto engine = NewEngine();
      memory_load_seconds = Load(*engine, opps);
    }
    {
      auto engine = NewEngine();
      store::RecoveryReport report;
      auto store = OpenStore(journal_dir, engine.get(), store::SyncPolicy::kAlways, &report);
      journal_load_seconds = Load(*engine, opps);
      // Keep the journal as a crash would: copy it before Close snapshots.
      fs::copy(journal_dir, journal_dir + "-crash");
      for (const auto& e : fs::directory_iterator(journal_dir + "-crash")) {
        journal_bytes += fs::file_size(e.path());
      }
      const auto t0 = std::chrono::steady_clock::now();
      if (!store->Snapshot().ok()) std::abort();
      snapshot_seconds = Seconds(t0);
      // A second snapshot with a writer updating stored opportunities
      // meanwhile (the count stays N): the longest write is the time the
      // copy of the index held writers off, plus a sync.
      std::atomic<bool> done{false};
      std::thread writer([&] {
        for (std::size_t i = 0; !done.load(); ++i) {
          const auto w0 = std::chrono::steady_clock::now();
          bool created;
          if (!engine->UpsertOpportunity(opps[i % opps.size()], &created).ok()) std::abort();
          snapshot_write_max_seconds = std::max(snapshot_write_max_seconds, Seconds(w0));
        }
      });
      if (!store->Snapshot().ok()) std::abort();
      done = true;
      writer.join();
      store.reset();
      fs::rename(journal_dir, snapshot_dir + "-tmp");
      fs::remove_all(snapshot_dir);
      fs::rename(snapshot_dir + "-tmp", snapshot_dir);
      fs::rename(journal_dir + "-crash", journal_dir);
      // The newest snapshot (the older one stays beside it).
      for (const auto& e : fs::directory_iterator(snapshot_dir)) {
        if (e.path().extension() == ".lrs") {
          snapshot_bytes = std::max<std::uintmax_t>(snapshot_bytes, fs::file_size(e.path()));
        }
      }
    }
  }
  ~Fixture() { fs::remove_all(fs::path(journal_dir).parent_path()); }
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_Restore(benchmark::State& state, bool from_snapshot) {
  Fixture& f = F();
  double seconds = 0;
  for (auto _ : state) {
    auto engine = NewEngine();
    store::RecoveryReport report;
    const auto t0 = std::chrono::steady_clock::now();
    auto store = OpenStore(from_snapshot ? f.snapshot_dir : f.journal_dir, engine.get(),
                           store::SyncPolicy::kAlways, &report);
    seconds = Seconds(t0);
    if (engine->Stats().opportunities != f.n) std::abort();
    state.PauseTiming();
    store.reset();  // a snapshot at close only if the journal had one
    state.ResumeTiming();
  }
  state.counters["opportunities"] = static_cast<double>(f.n);
  state.counters["seconds"] = seconds;
  state.counters["restore_per_s"] = static_cast<double>(f.n) / seconds;
  state.counters["file_bytes"] =
      static_cast<double>(from_snapshot ? f.snapshot_bytes : f.journal_bytes);
}
BENCHMARK_CAPTURE(BM_Restore, snapshot, true)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Restore, journal, false)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_BulkUpsert(benchmark::State& state, bool journal) {
  Fixture& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(f.n);
  state.counters["upserts_per_s"] =
      static_cast<double>(f.n) / (journal ? f.journal_load_seconds : f.memory_load_seconds);
}
BENCHMARK_CAPTURE(BM_BulkUpsert, memory, false)->Iterations(1);
BENCHMARK_CAPTURE(BM_BulkUpsert, journal, true)->Iterations(1);

void BM_Snapshot(benchmark::State& state) {
  Fixture& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(f.n);
  state.counters["seconds"] = f.snapshot_seconds;
  state.counters["write_max_ms"] = f.snapshot_write_max_seconds * 1000;
  state.counters["bytes"] = static_cast<double>(f.snapshot_bytes);
  state.counters["bytes_per_opp"] = static_cast<double>(f.snapshot_bytes) / f.n;
}
BENCHMARK(BM_Snapshot)->Iterations(1);

// Registers unique deals on an engine holding 100,000 opportunities.
void BM_Register(benchmark::State& state, int mode) {
  Fixture& f = F();
  auto engine = NewEngine();
  const std::vector<Opportunity> some(f.opps.begin(),
                                      f.opps.begin() + std::min<std::size_t>(f.n, 100000));
  Load(*engine, some);
  std::unique_ptr<store::Store> store;
  const std::string dir = BenchDir("register-" + std::to_string(mode));
  if (mode > 0) {
    store::RecoveryReport report;
    store = OpenStore(dir, engine.get(),
                      mode == 1 ? store::SyncPolicy::kNever : store::SyncPolicy::kAlways, &report);
  }
  gen::Generator gen({.seed = 5});
  std::vector<Opportunity> deals;
  for (std::uint64_t i = 0; i < 4096; ++i) deals.push_back(gen.OpportunityFor((1ULL << 40) + i));
  TimedCalls(state, [&](std::size_t i) {
    auto r = engine->Register(deals[i % deals.size()]);
    if (!r.ok()) std::abort();
  });
  store.reset();
  fs::remove_all(dir);
}
BENCHMARK_CAPTURE(BM_Register, memory, 0)->Iterations(2000);
BENCHMARK_CAPTURE(BM_Register, never, 1)->Iterations(2000);
BENCHMARK_CAPTURE(BM_Register, always, 2)->Iterations(2000);

}  // namespace
}  // namespace leadroute

BENCHMARK_MAIN();
