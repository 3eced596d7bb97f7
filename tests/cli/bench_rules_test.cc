#include "cli/bench_rules.h"

#include <gtest/gtest.h>

namespace leadroute::cli {
namespace {

TEST(BenchRulesTest, Gini) {
  EXPECT_DOUBLE_EQ(Gini({}), 0);
  EXPECT_DOUBLE_EQ(Gini({0, 0, 0}), 0);
  EXPECT_NEAR(Gini({5, 5, 5, 5}), 0, 1e-12);
  // One of four takes everything: (n - 1) / n.
  EXPECT_NEAR(Gini({0, 0, 0, 8}), 0.75, 1e-12);
  EXPECT_NEAR(Gini({1, 2, 3, 4}), 0.25, 1e-12);
}

TEST(BenchRulesTest, ReasonKindDropsTheCounts) {
  EXPECT_EQ(ReasonKind("no eligible partner among 12 in territory; 3 excluded by products; "
                       "9 excluded by capacity"),
            "no eligible partner (products, capacity)");
  EXPECT_EQ(ReasonKind("no partner's territory covers FR"), "no partner's territory covers FR");
}

TEST(BenchRulesTest, DetailsListEveryShareReasonAndDifference) {
  ReplayReport a, b;
  a.rules_dir = "rules/a";
  b.rules_dir = "rules/b";
  a.to_partner = 4;
  a.per_partner = {{"p-1", 3}, {"p-2", 1}};
  a.unassigned_reasons = {{"no partner's territory covers FR", 1}};
  b.to_partner = 5;
  b.per_partner = {{"p-1", 5}};
  auto result = [](std::string lead, RouteDecision d, std::string who) {
    RouteResult r;
    r.lead_id = std::move(lead);
    r.decision = d;
    r.assignee.id = std::move(who);
    return r;
  };
  a.results = {result("l1", RouteDecision::kPartner, "p-1"),
               result("l2", RouteDecision::kPartner, "p-2"),
               result("l3", RouteDecision::kUnassigned, ""), RouteResult{}};
  b.results = {result("l1", RouteDecision::kPartner, "p-1"),
               result("l2", RouteDecision::kPartner, "p-1"),
               result("l3", RouteDecision::kOwner, "p-9"), RouteResult{}};
  EXPECT_EQ(FormatDetails(a, &b),
            R"({"kind":"partner","rules":"rules/a","partner_id":"p-1","leads":3,"share":0.75})" "\n"
            R"({"kind":"partner","rules":"rules/a","partner_id":"p-2","leads":1,"share":0.25})" "\n"
            R"({"kind":"unassigned","rules":"rules/a","reason":"no partner's territory covers FR","leads":1})" "\n"
            R"({"kind":"partner","rules":"rules/b","partner_id":"p-1","leads":5,"share":1})" "\n"
            R"({"kind":"difference","lead_id":"l2","a":"partner p-2","b":"partner p-1"})" "\n"
            R"({"kind":"difference","lead_id":"l3","a":"unassigned","b":"owner p-9"})" "\n");
  // One rule set: no differences.
  EXPECT_EQ(FormatDetails(b, nullptr),
            R"({"kind":"partner","rules":"rules/b","partner_id":"p-1","leads":5,"share":1})" "\n");
}

}  // namespace
}  // namespace leadroute::cli
