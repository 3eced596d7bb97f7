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

}  // namespace
}  // namespace leadroute::cli
