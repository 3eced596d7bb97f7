// `leadroute bench-rules`: replays a leads file through one rule set, or two
// side by side, and reports what a team looks at before shipping a rule
// change: throughput, latency percentiles, each partner's share, fairness
// (Gini), the unassigned rate with its reasons, and the decisions that
// differ between the two.
#ifndef LEADROUTE_CLI_BENCH_RULES_H_
#define LEADROUTE_CLI_BENCH_RULES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "leadroute/engine.h"

namespace leadroute::cli {

struct ReplayReport {
  std::string rules_dir;
  std::string rules_version;
  std::size_t partners = 0;
  std::size_t leads = 0;
  std::size_t errors = 0;  // leads the engine refused (bad records)
  // Leads whose id had an open partner assignment from an earlier line: the
  // engine answers them with it. Not counted in the decisions or shares.
  std::size_t repeats = 0;
  double seconds = 0;
  std::vector<double> latency_ns;  // sorted
  std::string slowest_lead;        // the lead that took latency_ns.back()
  std::size_t to_owner = 0, to_partner = 0, unassigned = 0;
  std::map<std::string, std::size_t> per_partner;  // leads each partner got
  std::map<std::string, std::size_t> unassigned_reasons;
  double gini = 0;  // leads per partner over every partner of the rule set
  std::vector<RouteResult> results;  // in lead order (errors: empty lead_id)
};

// Routes `leads` in order through `engine` (recording, as live traffic
// would) and measures it.
ReplayReport Replay(Engine& engine, const std::vector<Lead>& leads);

// The value of nearest rank ceil(p * n) of `sorted` (0 when empty).
double Percentile(const std::vector<double>& sorted, double p);

// Gini coefficient of `counts` (0: all equal; towards 1: one takes all).
double Gini(std::vector<std::size_t> counts);

// The reason an unassigned lead gives, without its counts: "no eligible
// partner (capacity, products)", "no partner's territory covers FR".
std::string ReasonKind(const std::string& reason);

// Human-readable report; with `other`, the comparison too. It lists the
// ten busiest partners, the ten commonest reasons and twenty differences.
std::string FormatReport(const ReplayReport& a, const ReplayReport* b);

// All of it, one JSON object per line, for a script or a spreadsheet:
// {"kind":"partner","rules","partner_id","leads","share"} for every partner
// that received leads (share: of the leads sent to partners),
// {"kind":"unassigned","rules","reason","leads"} for every reason, and with
// `b`, {"kind":"difference","lead_id","a","b"} for every lead decided
// otherwise ("partner p-17", "owner p-3", "unassigned", "error").
std::string FormatDetails(const ReplayReport& a, const ReplayReport* b);

}  // namespace leadroute::cli

#endif  // LEADROUTE_CLI_BENCH_RULES_H_
