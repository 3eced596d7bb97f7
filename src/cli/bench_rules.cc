#include "cli/bench_rules.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <unordered_set>

#include "protocol/json_writer.h"

namespace leadroute::cli {

namespace {

std::string Micros(double ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", ns / 1000);
  return buf;
}

std::string Share(std::size_t part, std::size_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f%%",
                whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

// Why a lead went unassigned: its first reason but a note that its
// customer's owner, an inactive partner, was passed over (a review found
// one such line per opportunity counted as reasons).
std::string UnassignedReason(const RouteResult& r) {
  for (const std::string& reason : r.reasons) {
    if (!reason.starts_with("customer owned by ")) return reason;
  }
  return r.reasons.empty() ? "" : r.reasons.front();
}

std::string Describe(const RouteResult& r) {
  if (r.lead_id.empty()) return "error";
  switch (r.decision) {
    case RouteDecision::kOwner: return "owner " + r.assignee.id;
    case RouteDecision::kPartner: return "partner " + r.assignee.id;
    case RouteDecision::kUnassigned: return "unassigned";
  }
  return "?";
}

}  // namespace

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  // The nearest rank, ceil(p * n): p50 of two is the first, p99 of 100 the
  // 99th (a review found floor(p * n) + 1 taken: one rank too high, the
  // maximum for p99 of 100 values).
  const double rank = std::ceil(p * static_cast<double>(sorted.size()));
  const std::size_t i = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(sorted.size() - 1, i)];
}

double Gini(std::vector<std::size_t> counts) {
  if (counts.empty()) return 0;
  std::sort(counts.begin(), counts.end());
  const double total = static_cast<double>(std::accumulate(counts.begin(), counts.end(), std::size_t{0}));
  if (total == 0) return 0;
  double weighted = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    weighted += static_cast<double>(i + 1) * static_cast<double>(counts[i]);
  }
  const double n = static_cast<double>(counts.size());
  return 2 * weighted / (n * total) - (n + 1) / n;
}

std::string ReasonKind(const std::string& reason) {
  if (!reason.starts_with("no eligible partner")) return reason;
  std::vector<std::string> filters;
  std::size_t at = 0;
  while ((at = reason.find("excluded by ", at)) != std::string::npos) {
    at += 12;
    const std::size_t end = reason.find(';', at);
    filters.push_back(reason.substr(at, end == std::string::npos ? std::string::npos : end - at));
  }
  std::string out = "no eligible partner (";
  for (std::size_t i = 0; i < filters.size(); ++i) {
    if (i > 0) out += ", ";
    out += filters[i];
  }
  return out + ")";
}

ReplayReport Replay(Engine& engine, const std::vector<Lead>& leads) {
  ReplayReport report;
  const EngineStats stats = engine.Stats();
  report.rules_version = stats.rules_version;
  report.partners = stats.partners;
  report.leads = leads.size();
  report.latency_ns.reserve(leads.size());
  report.results.reserve(leads.size());
  double slowest = -1;
  // Leads with an open partner assignment from earlier in the file: the
  // engine answers a repeat of one as before (marketing retries), so it is
  // no new lead for anyone.
  std::unordered_set<std::string> assigned;
  const auto start = std::chrono::steady_clock::now();
  for (const Lead& lead : leads) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = engine.Route(lead, {});
    const double ns =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    if (ns > slowest) {
      slowest = ns;
      report.slowest_lead = lead.id;
    }
    report.latency_ns.push_back(ns);
    if (!r.ok()) {
      ++report.errors;
      report.results.emplace_back();
      continue;
    }
    if (assigned.contains(lead.id)) {
      ++report.repeats;
      report.results.push_back(std::move(*r));
      continue;
    }
    if (r->decision != RouteDecision::kUnassigned && r->assignee.kind == OwnerKind::kPartner) {
      assigned.insert(lead.id);
    }
    switch (r->decision) {
      case RouteDecision::kOwner:
        ++report.to_owner;
        break;
      case RouteDecision::kPartner:
        ++report.to_partner;
        ++report.per_partner[r->assignee.id];
        break;
      case RouteDecision::kUnassigned:
        ++report.unassigned;
        ++report.unassigned_reasons[ReasonKind(UnassignedReason(*r))];
        break;
    }
    report.results.push_back(std::move(*r));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(report.latency_ns.begin(), report.latency_ns.end());
  // Fairness over every partner of the rule set, idle ones included.
  std::vector<std::size_t> counts;
  for (const auto& [id, n] : report.per_partner) counts.push_back(n);
  if (report.partners > counts.size()) counts.resize(report.partners, 0);
  report.gini = Gini(std::move(counts));
  return report;
}

std::string FormatDetails(const ReplayReport& a, const ReplayReport* b) {
  std::string out;
  for (const ReplayReport* r : {&a, b}) {
    if (r == nullptr) continue;
    for (const auto& [id, n] : r->per_partner) {
      protocol::JsonWriter w(&out);
      w.BeginObject();
      w.Field("kind", "partner");
      w.Field("rules", r->rules_dir);
      w.Field("partner_id", id);
      w.Field("leads", static_cast<std::uint64_t>(n));
      w.Key("share");
      w.Double(r->to_partner == 0 ? 0.0
                                  : static_cast<double>(n) / static_cast<double>(r->to_partner));
      w.EndObject();
      out.push_back('\n');
    }
    for (const auto& [why, n] : r->unassigned_reasons) {
      protocol::JsonWriter w(&out);
      w.BeginObject();
      w.Field("kind", "unassigned");
      w.Field("rules", r->rules_dir);
      w.Field("reason", why);
      w.Field("leads", static_cast<std::uint64_t>(n));
      w.EndObject();
      out.push_back('\n');
    }
  }
  if (b != nullptr) {
    const std::size_t n = std::min(a.results.size(), b->results.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string x = Describe(a.results[i]), y = Describe(b->results[i]);
      if (x == y) continue;
      protocol::JsonWriter w(&out);
      w.BeginObject();
      w.Field("kind", "difference");
      w.Field("lead_id", a.results[i].lead_id.empty() ? b->results[i].lead_id
                                                      : a.results[i].lead_id);
      w.Field("a", x);
      w.Field("b", y);
      w.EndObject();
      out.push_back('\n');
    }
  }
  return out;
}

std::string FormatReport(const ReplayReport& a, const ReplayReport* b) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  for (const ReplayReport* r : {&a, b}) {
    if (r == nullptr) continue;
    line("== " + r->rules_dir + " (version " + r->rules_version + ", " +
         std::to_string(r->partners) + " partners)");
    char buf[256];
    std::snprintf(buf, sizeof(buf), "leads %zu in %.3f s: %.0f leads/s", r->leads, r->seconds,
                  r->seconds > 0 ? static_cast<double>(r->leads) / r->seconds : 0.0);
    line(buf);
    if (r->repeats > 0) {
      line("repeated ids: " + std::to_string(r->repeats) +
           " (answered with their open assignment, not counted below)");
    }
    const std::size_t decided = r->leads - r->repeats;
    line("latency us: p50 " + Micros(Percentile(r->latency_ns, 0.5)) + "  p90 " +
         Micros(Percentile(r->latency_ns, 0.9)) + "  p99 " +
         Micros(Percentile(r->latency_ns, 0.99)) + "  p99.9 " +
         Micros(Percentile(r->latency_ns, 0.999)) + "  max " +
         Micros(r->latency_ns.empty() ? 0 : r->latency_ns.back()) + " (" + r->slowest_lead + ")");
    line("decisions: owner " + std::to_string(r->to_owner) + " (" + Share(r->to_owner, decided) +
         "), partner " + std::to_string(r->to_partner) + " (" + Share(r->to_partner, decided) +
         "), unassigned " + std::to_string(r->unassigned) + " (" +
         Share(r->unassigned, decided) + "), errors " + std::to_string(r->errors));
    std::snprintf(buf, sizeof(buf), "fairness: Gini %.3f over %zu partners; %zu received leads",
                  r->gini, r->partners, r->per_partner.size());
    line(buf);
    std::vector<std::pair<std::size_t, std::string>> top;
    for (const auto& [id, n] : r->per_partner) top.emplace_back(n, id);
    std::sort(top.begin(), top.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    line("top partners:");
    for (std::size_t i = 0; i < top.size() && i < 10; ++i) {
      line("  " + top[i].second + "  " + std::to_string(top[i].first) + " (" +
           Share(top[i].first, r->to_partner) + " of partner leads)");
    }
    if (!r->unassigned_reasons.empty()) {
      line("unassigned, by reason:");
      std::vector<std::pair<std::size_t, std::string>> reasons;
      for (const auto& [why, n] : r->unassigned_reasons) reasons.emplace_back(n, why);
      std::sort(reasons.rbegin(), reasons.rend());
      for (std::size_t i = 0; i < reasons.size() && i < 10; ++i) {
        line("  " + std::to_string(reasons[i].first) + "  " + reasons[i].second);
      }
    }
  }
  if (b != nullptr) {
    std::size_t differ = 0;
    std::vector<std::string> examples;
    const std::size_t n = std::min(a.results.size(), b->results.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string x = Describe(a.results[i]), y = Describe(b->results[i]);
      if (x == y) continue;
      ++differ;
      if (examples.size() < 20) {
        const std::string& id =
            a.results[i].lead_id.empty() ? b->results[i].lead_id : a.results[i].lead_id;
        examples.push_back("  " + id + ": " + x + " -> " + y);
      }
    }
    line("== differences: " + std::to_string(differ) + " of " + std::to_string(n) + " leads (" +
         Share(differ, n) + ")");
    for (const auto& e : examples) line(e);
  }
  return out;
}

}  // namespace leadroute::cli
