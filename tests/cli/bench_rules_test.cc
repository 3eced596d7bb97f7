#include "cli/bench_rules.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

TEST(BenchRulesTest, PercentilesAreNearestRank) {
  EXPECT_EQ(Percentile({}, 0.5), 0);
  EXPECT_EQ(Percentile({7}, 0.99), 7);
  // Regression: one rank too high (p50 of two was the larger, p99 of 100
  // the maximum).
  EXPECT_EQ(Percentile({1, 2}, 0.5), 1);
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(Percentile(hundred, 0.5), 50);
  EXPECT_EQ(Percentile(hundred, 0.9), 90);
  EXPECT_EQ(Percentile(hundred, 0.99), 99);
  EXPECT_EQ(Percentile(hundred, 0.999), 100);
  EXPECT_EQ(Percentile(hundred, 1.0), 100);
  std::vector<double> ten(hundred.begin(), hundred.begin() + 10);
  EXPECT_EQ(Percentile(ten, 0.9), 9);
}

// A replay on a rule set of its own, written to a temporary directory.
class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("leadroute-replay-") + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Engine> Load(const std::string& partners) {
    std::ofstream(dir_ / "policy.toml") << "";
    std::ofstream(dir_ / "partners.jsonl") << partners;
    auto e = Engine::Create();
    EXPECT_TRUE(e.ok());
    auto info = (*e)->LoadRules(dir_.string());
    EXPECT_TRUE(info.ok()) << info.status().message();
    return std::move(*e);
  }
  static Lead L(std::string id, std::string country) {
    Lead l;
    l.id = std::move(id);
    l.party.company = "Customer " + l.id;
    l.party.country = std::move(country);
    return l;
  }
  std::filesystem::path dir_;
};

TEST_F(ReplayTest, ARepeatedLeadIsNoNewLead) {
  auto engine = Load(R"({"id":"pa","territories":["DE"],"products":["any"]})" "\n"
                     R"({"id":"pb","territories":["DE"],"products":["any"]})" "\n");
  // Marketing sends x three times: the engine answers the repeats with x's
  // assignment, so pa (or pb) received one lead, not three.
  const ReplayReport r = Replay(*engine, {L("x", "DE"), L("x", "DE"), L("y", "DE"),
                                          L("x", "DE")});
  EXPECT_EQ(r.leads, 4u);
  EXPECT_EQ(r.repeats, 2u);
  EXPECT_EQ(r.to_partner, 2u);
  std::size_t received = 0;
  for (const auto& [id, n] : r.per_partner) {
    EXPECT_EQ(n, 1u) << id;
    received += n;
  }
  EXPECT_EQ(received, 2u);
  EXPECT_EQ(engine->Stats().leads_routed, 2u);
  EXPECT_NEAR(r.gini, 0, 1e-12);
  ASSERT_EQ(r.results.size(), 4u);
  EXPECT_EQ(r.results[3].assignee.id, r.results[0].assignee.id);
  EXPECT_NE(FormatReport(r, nullptr).find("repeated ids: 2"), std::string::npos);
}

TEST_F(ReplayTest, AnUnassignedLeadCountsItsOwnReasonNotAPassedOverOwner) {
  auto engine = Load(R"({"id":"pa","territories":["DE"],"products":["any"],"active":false})"
                     "\n");
  Opportunity o;
  o.id = "o1";
  o.owner = {OwnerKind::kPartner, "pa"};
  o.party.company = "Customer u1";
  o.party.country = "ES";
  bool created = false;
  ASSERT_TRUE(engine->UpsertOpportunity(o, &created).ok());
  const ReplayReport r = Replay(*engine, {L("u1", "ES"), L("u2", "ES")});
  EXPECT_EQ(r.unassigned, 2u);
  ASSERT_EQ(r.results[0].reasons.size(), 2u) << "u1 is owned by the inactive pa";
  // Regression: u1's "customer owned by partner pa, which is inactive"
  // was counted as its reason.
  const std::map<std::string, std::size_t> want = {{"no partner's territory covers ES", 2}};
  EXPECT_EQ(r.unassigned_reasons, want);
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
