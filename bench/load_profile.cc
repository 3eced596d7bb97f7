// A bulk load or a run of dry routes, alone, for profilers: the data is
// generated first, then the program prints "ready PID" on stderr and waits
// two seconds, so `perf record -p PID` can attach for the measured part
// only; callgrind counts it with --toggle-collect.
//
//   load_profile [bulk|route]     N=opportunities (default 1,000,000),
//                                 ITERS=routes (route; default 1,000,000)
//
//   N=50000 valgrind --tool=callgrind
//       --toggle-collect='leadroute::Engine::UpsertOpportunities*' build/bin/load_profile
//
// bulk: N generated opportunities through UpsertOpportunities, in batches
// of 10,000. route: the demo policy over 20,000 generated partners and N
// opportunities, then ITERS dry routes of 20,000 fresh leads, round and
// round. Prints the wall time of the measured part.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "gen/synthetic.h"
#include "leadroute/engine.h"
#include "protocol/json_writer.h"
#include "protocol/record_writer.h"

#ifndef LEADROUTE_SOURCE_DIR
#error "LEADROUTE_SOURCE_DIR must name the repository root"
#endif

namespace {

std::size_t EnvSize(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoull(v, nullptr, 10) : fallback;
}

void Ready() {
  std::fprintf(stderr, "ready %d\n", static_cast<int>(::getpid()));
  std::this_thread::sleep_for(std::chrono::seconds(2));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace leadroute;
  const std::string mode = argc > 1 ? argv[1] : "bulk";
  if (mode != "bulk" && mode != "route") {
    std::fprintf(stderr, "usage: load_profile [bulk|route]\n");
    return 2;
  }
  const std::size_t n = EnvSize("N", 1000000);
  auto created = Engine::Create();
  if (!created.ok()) return 1;
  std::unique_ptr<Engine> engine = std::move(*created);
  gen::Generator gen;
  std::vector<std::vector<Opportunity>> batches;
  for (std::size_t i = 0; i < n; i += 10000) {
    std::vector<Opportunity> batch;
    for (std::size_t j = i; j < std::min(n, i + 10000); ++j) batch.push_back(gen.OpportunityFor(j));
    batches.push_back(std::move(batch));
  }
  auto load = [&] {
    for (const auto& batch : batches) {
      std::size_t stored;
      for (const Status& s : engine->UpsertOpportunities(batch, &stored)) {
        if (!s.ok()) std::abort();
      }
    }
  };
  using Clock = std::chrono::steady_clock;
  if (mode == "bulk") {
    Ready();
    const auto t0 = Clock::now();
    load();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::fprintf(stderr, "%zu opportunities in %.3f s, %.0f/s\n", n, s, static_cast<double>(n) / s);
    return 0;
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("leadroute-load-profile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(std::filesystem::path(LEADROUTE_SOURCE_DIR) / "rules/demo/policy.toml",
                             dir / "policy.toml");
  {
    std::ofstream out(dir / "partners.jsonl");
    std::string line;
    for (std::size_t i = 0; i < 20000; ++i) {
      line.clear();
      protocol::JsonWriter w(&line);
      protocol::WritePartner(gen.PartnerFor(i), w);
      out << line << "\n";
    }
    out << R"({"id":"house-distribution","name":"House desk","territories":[]})" << "\n";
  }
  const bool loaded = engine->LoadRules(dir.string()).ok();
  std::filesystem::remove_all(dir);
  if (!loaded) return 1;
  load();
  std::vector<Lead> leads;
  for (std::size_t i = 0; i < 20000; ++i) leads.push_back(gen.LeadFor(n + 5000000 + i));
  const std::size_t iters = EnvSize("ITERS", 1000000);
  Ready();
  const auto t0 = Clock::now();
  std::size_t routed = 0;
  for (std::size_t i = 0; i < iters; ++i) {
    routed += engine->Route(leads[i % leads.size()], {.dry_run = true}).ok();
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(stderr, "%zu dry routes (%zu answered) in %.3f s, %.3f us each\n", iters, routed, s,
               s * 1e6 / static_cast<double>(iters));
  return 0;
}
