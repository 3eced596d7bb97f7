// Routing at scale: P partners (LEADROUTE_BENCH_PARTNERS, default 20,000)
// and N open opportunities (LEADROUTE_BENCH_N, default 1,000,000) of
// generated data, with the demo policy.
//
// Latency benchmarks time every call and report p50/p99 (ns). Baseline in
// the same run: BM_Baseline_ScanEveryPartner, a router that walks all
// partners for each lead (territory strings, products, the same score
// terms) after the same owner check.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <tbb/global_control.h>

#include "gen/synthetic.h"
#include "timed.h"
#include "leadroute/engine.h"
#include "protocol/json_writer.h"
#include "protocol/record_writer.h"

#ifndef LEADROUTE_SOURCE_DIR
#error "LEADROUTE_SOURCE_DIR must name the repository root"
#endif

namespace leadroute {
namespace {

std::size_t EnvSize(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct Fixture {
  std::size_t n = EnvSize("LEADROUTE_BENCH_N", 1000000);
  std::size_t partners = EnvSize("LEADROUTE_BENCH_PARTNERS", 20000);
  std::filesystem::path dir;
  std::unique_ptr<Engine> engine;
  std::vector<Partner> partner_list;
  std::vector<Lead> leads;
  double load_rules_ms = 0;

  Fixture() {
    dir = std::filesystem::temp_directory_path() /
          ("leadroute-bench-rules-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(
        std::filesystem::path(LEADROUTE_SOURCE_DIR) / "rules/demo/policy.toml",
        dir / "policy.toml", std::filesystem::copy_options::overwrite_existing);
    gen::Generator gen;
    std::ofstream out(dir / "partners.jsonl");
    std::string line;
    for (std::size_t i = 0; i < partners; ++i) {
      partner_list.push_back(gen.PartnerFor(i));
      line.clear();
      protocol::JsonWriter w(&line);
      protocol::WritePartner(partner_list.back(), w);
      out << line << "\n";
    }
    out << R"({"id":"house-distribution","name":"House desk","territories":[]})" << "\n";
    out.close();
    auto e = Engine::Create();
    if (!e.ok()) std::abort();
    engine = std::move(*e);
    const auto t0 = std::chrono::steady_clock::now();
    if (!engine->LoadRules(dir.string()).ok()) std::abort();
    load_rules_ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0).count();
    std::vector<Opportunity> batch;
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(gen.OpportunityFor(i));
      if (batch.size() == 10000 || i + 1 == n) {
        std::size_t created;
        engine->UpsertOpportunities(batch, &created);
        batch.clear();
      }
    }
    // Leads for customers beyond the stored ones: they go to partners.
    for (std::size_t i = 0; i < 20000; ++i) leads.push_back(gen.LeadFor(n + 5000000 + i));
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_LoadRules(benchmark::State& state) {
  Fixture& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(f.engine.get());
  state.counters["partners"] = static_cast<double>(f.partners);
  state.counters["opportunities"] = static_cast<double>(f.n);
  state.counters["load_ms"] = f.load_rules_ms;
}
BENCHMARK(BM_LoadRules)->Iterations(1);

// A dry run decides everything a real route decides and records nothing,
// so capacity never runs out over many iterations.
void BM_RouteDryRun(benchmark::State& state) {
  Fixture& f = F();
  std::size_t partner = 0;
  TimedCalls(state, [&](std::size_t i) {
    auto r = f.engine->Route(f.leads[i % f.leads.size()], {.dry_run = true});
    partner += r.ok() && r->decision == RouteDecision::kPartner;
  });
  state.counters["to_partner_share"] = static_cast<double>(partner) / state.iterations();
}
BENCHMARK(BM_RouteDryRun)->Iterations(100000);

// Without the owner check (no opportunity matches these leads anyway):
// what partner selection alone costs, for comparison with the baseline.
void BM_Baseline_ScanEveryPartner(benchmark::State& state) {
  Fixture& f = F();
  const Normalizer& norm = f.engine->normalizer();
  std::size_t found = 0;
  TimedCalls(state, [&](std::size_t i) {
    const Lead& lead = f.leads[i % f.leads.size()];
    Opportunity probe;
    probe.party = lead.party;
    benchmark::DoNotOptimize(f.engine->Check(probe));
    const std::string country = Normalizer::Country(lead.party.country).value_or("");
    const std::string domain = norm.Domain(lead.party.domain).value_or("");
    const Partner* best = nullptr;
    double best_score = -1e300;
    for (const Partner& p : f.partner_list) {
      if (!p.active) continue;
      bool covered = false;
      for (const std::string& t : p.territories) {
        covered |= t == country || t == lead.party.region ||
                   (t.size() > 3 && t[2] == ':' && t.compare(0, 2, country) == 0 &&
                    lead.party.postal_code.starts_with(t.substr(3)));
      }
      for (const std::string& a : p.accounts) covered |= a == domain;
      if (!covered) continue;
      bool carries = true;
      for (const std::string& product : lead.products) {
        carries &= std::find(p.products.begin(), p.products.end(), product) != p.products.end();
      }
      if (!carries) continue;
      double score = 0;
      if (const double* w = p.Performance("win_rate")) score += *w;
      if (const double* a = p.Performance("accept_rate")) score += 0.5 * *a;
      if (score > best_score) {
        best_score = score;
        best = &p;
      }
    }
    found += best != nullptr;
  });
  state.counters["to_partner_share"] = static_cast<double>(found) / state.iterations();
}
BENCHMARK(BM_Baseline_ScanEveryPartner)->Iterations(20000);

// Real routes, recording assignments (partners fill up as it runs).
void BM_Route(benchmark::State& state) {
  Fixture& f = F();
  gen::Generator gen({.seed = 7});
  std::vector<Lead> fresh;
  for (std::size_t i = 0; i < 50000; ++i) fresh.push_back(gen.LeadFor(f.n + 9000000 + i));
  // As the server routes: the lead decoded from its request just before
  // (here copied, untimed) and handed over, so its assignment takes it.
  Lead lead;
  TimedCalls(
      state,
      [&](std::size_t) { benchmark::DoNotOptimize(f.engine->Route(std::move(lead), {})); },
      [&](std::size_t i) { lead = fresh[i % fresh.size()]; });
}
BENCHMARK(BM_Route)->Iterations(50000);

// route_batch of 10,000 leads: leads per second, on one thread (the
// argument 1) and on every core (0).
void BM_RouteBatch(benchmark::State& state) {
  Fixture& f = F();
  std::optional<tbb::global_control> threads;
  if (state.range(0) > 0) {
    threads.emplace(tbb::global_control::max_allowed_parallelism,
                    static_cast<std::size_t>(state.range(0)));
  }
  gen::Generator gen({.seed = 11});
  std::vector<Lead> batch;
  for (std::size_t i = 0; i < 10000; ++i) batch.push_back(gen.LeadFor(f.n + 20000000 + i));
  std::size_t leads = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.engine->RouteBatch(batch, {.dry_run = true}));
    leads += batch.size();
  }
  state.counters["leads_per_s"] =
      benchmark::Counter(static_cast<double>(leads), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RouteBatch)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);

// Reloading the whole rule set while another thread keeps routing.
void BM_ReloadUnderLoad(benchmark::State& state) {
  Fixture& f = F();
  std::atomic<bool> stop{false};
  std::vector<double> during;
  std::thread reader([&] {
    std::size_t i = 0;
    while (!stop.load()) {
      const auto t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(f.engine->Route(f.leads[i++ % f.leads.size()], {.dry_run = true}));
      during.push_back(std::chrono::duration<double, std::nano>(
                           std::chrono::steady_clock::now() - t0).count());
    }
  });
  std::vector<double> reload_ms;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!f.engine->ReloadRules().ok()) std::abort();
    reload_ms.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - t0).count());
  }
  stop = true;
  reader.join();
  std::sort(reload_ms.begin(), reload_ms.end());
  std::sort(during.begin(), during.end());
  state.counters["reload_ms_p50"] = reload_ms[reload_ms.size() / 2];
  state.counters["route_during_p50_ns"] = during.empty() ? 0 : during[during.size() / 2];
  state.counters["route_during_p99_ns"] = during.empty() ? 0 : during[during.size() * 99 / 100];
  state.counters["routes_during"] = static_cast<double>(during.size());
}
BENCHMARK(BM_ReloadUnderLoad)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace
}  // namespace leadroute

BENCHMARK_MAIN();
