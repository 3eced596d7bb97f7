// Partners and leads (CONTRACT §3, "Records").
#ifndef LEADROUTE_PARTNER_H_
#define LEADROUTE_PARTNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "leadroute/party.h"

namespace leadroute {

// A reseller, MSP or VAR that leads can be routed to.
struct Partner {
  std::string id;
  std::string name;
  std::string tier;  // one of the rule set's tiers; empty: the lowest
  bool active = true;
  // "DE" a country, "US-CA" a subdivision, "US:941" postal codes of that
  // country starting with that prefix.
  std::vector<std::string> territories;
  // Named accounts (leadroute's own): customer domains that belong to this
  // partner wherever they are, e.g. "acme.de".
  std::vector<std::string> accounts;
  std::vector<std::string> products;
  std::vector<std::string> certifications;
  std::vector<std::string> industries;
  std::vector<std::string> languages;
  std::optional<std::uint32_t> capacity;  // most open leads; none: unlimited
  // win_rate, accept_rate, avg_response_hours, ...; in file order.
  std::vector<std::pair<std::string, double>> performance;
  // A channel manager's manual weight (leadroute's own), scored by the rule
  // set's `scoring.manual`.
  double weight = 0;

  const double* Performance(std::string_view name) const {
    for (const auto& [key, value] : performance) {
      if (key == name) return &value;
    }
    return nullptr;
  }
};

// A lead from marketing: a party plus what it wants.
struct Lead {
  std::string id;
  Party party;
  std::string industry;
  std::optional<double> employees;
  std::optional<double> annual_revenue;
  std::vector<std::string> products;
  std::string language;
  std::string source;
  std::int64_t received_at = 0;  // seconds since the epoch; 0: unknown
};

}  // namespace leadroute

#endif  // LEADROUTE_PARTNER_H_
