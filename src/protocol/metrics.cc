#include "protocol/metrics.h"

#include <cstdio>
#include <utility>

#include "protocol/method_table.h"
#include "util/resident.h"
#include "util/sharded_mutex.h"

namespace leadroute::protocol {

namespace {

// A label value, escaped per the text format.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

}  // namespace

void Metrics::Header(std::string* out, std::string_view name, std::string_view type,
                     std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

Metrics::Metrics()
    : methods_(std::make_unique<PerMethod[]>(kShards * static_cast<std::size_t>(MethodCount()))) {}

void Metrics::Observe(int index, double seconds, int code) {
  if (index >= 0 && index < MethodCount()) {
    const std::size_t shard = ThreadSlot() % kShards;
    PerMethod& m = methods_[shard * static_cast<std::size_t>(MethodCount()) +
                            static_cast<std::size_t>(index)];
    m.count.fetch_add(1, kRelaxed);
    m.sum_ns.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), kRelaxed);
    std::size_t b = 0;
    while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
    m.buckets[b].fetch_add(1, kRelaxed);
  }
  if (code != 0) Error(code);
}

void Metrics::Error(int code) {
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i] == code) errors_[i].fetch_add(1, kRelaxed);
  }
}

std::string Metrics::Render(const Engine& engine) const {
  std::string out;
  out.reserve(16384);
  Header(&out, "leadroute_requests_total", "counter", "JSON-RPC requests answered, by method.");
  const std::size_t method_count = static_cast<std::size_t>(MethodCount());
  // Method i's figures, summed over the shards.
  struct Sum {
    std::uint64_t count = 0, sum_ns = 0;
    std::array<std::uint64_t, kBuckets.size() + 1> buckets{};
  };
  std::vector<Sum> sums(method_count);
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    for (std::size_t i = 0; i < method_count; ++i) {
      const PerMethod& m = methods_[shard * method_count + i];
      sums[i].count += m.count.load(kRelaxed);
      sums[i].sum_ns += m.sum_ns.load(kRelaxed);
      for (std::size_t b = 0; b < sums[i].buckets.size(); ++b) {
        sums[i].buckets[b] += m.buckets[b].load(kRelaxed);
      }
    }
  }
  for (std::size_t i = 0; i < method_count; ++i) {
    out += "leadroute_requests_total{method=\"" + Label(MethodName(static_cast<int>(i))) +
           "\"} " + std::to_string(sums[i].count) + "\n";
  }
  Header(&out, "leadroute_request_duration_seconds", "histogram",
         "Time from a request's decoded envelope to its answer, by method.");
  for (std::size_t i = 0; i < method_count; ++i) {
    const Sum& m = sums[i];
    const std::string method = "method=\"" + Label(MethodName(static_cast<int>(i))) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += m.buckets[b];
      out += "leadroute_request_duration_seconds_bucket{" + method + ",le=\"" +
             (b < kBuckets.size() ? Number(kBuckets[b]) : std::string("+Inf")) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "leadroute_request_duration_seconds_sum{" + method + "} " +
           Number(static_cast<double>(m.sum_ns) / 1e9) + "\n";
    out += "leadroute_request_duration_seconds_count{" + method + "} " +
           std::to_string(cumulative) + "\n";
  }
  Header(&out, "leadroute_errors_total", "counter", "JSON-RPC error answers, by code.");
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    out += "leadroute_errors_total{code=\"" + std::to_string(kCodes[i]) + "\"} " +
           std::to_string(errors_[i].load(kRelaxed)) + "\n";
  }
  Header(&out, "leadroute_connections", "gauge", "Open client connections, by transport.");
  out += "leadroute_connections{transport=\"tcp\"} " +
         std::to_string(connections_[0].load(kRelaxed)) + "\n";
  out += "leadroute_connections{transport=\"http\"} " +
         std::to_string(connections_[1].load(kRelaxed)) + "\n";
  const EngineStats stats = engine.Stats();
  const struct {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t value;
  } engine_figures[] = {
      {"leadroute_opportunities", "gauge", "Opportunities stored, any status.",
       stats.opportunities},
      {"leadroute_opportunities_active", "gauge", "Opportunities open or pending and unexpired.",
       stats.active},
      {"leadroute_partners", "gauge", "Partners in the rule set in force.", stats.partners},
      {"leadroute_leads_routed_total", "counter", "Leads routed to a partner or an owner.",
       stats.leads_routed},
      {"leadroute_leads_unassigned_total", "counter", "Leads no partner could take.",
       stats.leads_unassigned},
      {"leadroute_leads_open", "gauge",
       "Leads assigned to a partner and neither closed nor declined.", stats.leads_open},
  };
  for (const auto& f : engine_figures) {
    Header(&out, f.name, f.type, f.help);
    out.append(f.name).append(" ").append(std::to_string(f.value)).append("\n");
  }
  Header(&out, "leadroute_index_bytes", "gauge",
         "Memory the opportunity index holds, by part (as allocated).");
  const std::pair<const char*, std::size_t> parts[] = {
      {"records", stats.record_bytes},
      {"slots", stats.slot_bytes},
      {"histories", stats.history_bytes},
      {"posting_buckets", stats.posting_bytes},
      {"posting_lists", stats.posting_list_bytes},
  };
  for (const auto& [part, value] : parts) {
    out.append("leadroute_index_bytes{part=\"").append(part).append("\"} ")
        .append(std::to_string(value)).append("\n");
  }
  Header(&out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out.append("process_resident_memory_bytes ").append(std::to_string(ResidentBytes())).append("\n");
  Header(&out, "leadroute_index_keys", "gauge", "Match keys and ids posted (keys that share a 32-bit tag count once).");
  out.append("leadroute_index_keys ").append(std::to_string(stats.posted_keys)).append("\n");
  Header(&out, "leadroute_rules_info", "gauge", "The rule set in force (1), by version.");
  out += "leadroute_rules_info{version=\"" + Label(stats.rules_version) + "\"} " +
         (stats.rules_version.empty() ? "0" : "1") + "\n";
  Header(&out, "leadroute_build_info", "gauge", "The build (always 1), by version.");
  out += "leadroute_build_info{version=\"" + Label(Version()) + "\"} 1\n";
  for (const auto& source : sources_) source(&out);
  return out;
}

}  // namespace leadroute::protocol
