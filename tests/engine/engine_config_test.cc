#include "engine/engine_config.h"

#include <gtest/gtest.h>

namespace leadroute {
namespace {

TEST(EngineConfigTest, AppliesWhatItSets) {
  EngineOptions o;
  ASSERT_TRUE(ParseEngineConfig(R"(
[conflict]
conflict_threshold = 0.8
review_threshold = 0.4
protection_days = 30
default_country = "us"

[conflict.weights]
phone = 4
country_mismatch = -6.5
identifier_mismatch = -9
birth_date_near = 0.25

[server]   # someone else's
listen = "127.0.0.1:7411"
)",
                                "x.toml", &o)
                  .ok());
  EXPECT_DOUBLE_EQ(o.conflict.conflict_threshold, 0.8);
  EXPECT_DOUBLE_EQ(o.conflict.review_threshold, 0.4);
  EXPECT_EQ(o.conflict.protection_days, 30);
  EXPECT_EQ(o.default_country, "US");
  EXPECT_DOUBLE_EQ(o.conflict.weights.phone, 4.0);
  EXPECT_DOUBLE_EQ(o.conflict.weights.country_mismatch, -6.5);
  EXPECT_DOUBLE_EQ(o.conflict.weights.identifier_mismatch, -9.0);
  EXPECT_DOUBLE_EQ(o.conflict.weights.birth_date_near, 0.25);
  EXPECT_DOUBLE_EQ(o.conflict.weights.domain, MatchWeights{}.domain);
}

TEST(EngineConfigTest, ReportsEveryErrorWithPositionAndChangesNothing) {
  EngineOptions o;
  const Status s = ParseEngineConfig(R"([conflict]
conflict_threshold = 1.5
protection_days = "long"
colour = 1

[conflict.weights]
domian = 3
)",
                                     "bad.toml", &o);
  ASSERT_FALSE(s.ok());
  const std::string m(s.message());
  EXPECT_NE(m.find("bad.toml:2:22: conflict_threshold must be between"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.toml:3:"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.toml:4:1: unknown key conflict.colour"), std::string::npos) << m;
  EXPECT_NE(m.find("bad.toml:7:1: unknown key conflict.weights.domian"), std::string::npos) << m;
  EXPECT_DOUBLE_EQ(o.conflict.conflict_threshold, ConflictPolicy{}.conflict_threshold);
}

TEST(EngineConfigTest, SyntaxErrorsAndInconsistentThresholds) {
  EngineOptions o;
  Status s = ParseEngineConfig("[conflict\nx=1", "s.toml", &o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(std::string(s.message()).rfind("s.toml:1:", 0), 0u) << s.message();
  s = ParseEngineConfig("[conflict]\nconflict_threshold = 0.5\nreview_threshold = 0.6\n",
                        "t.toml", &o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("review_threshold must not exceed"),
            std::string::npos);
  EXPECT_EQ(LoadEngineConfig("/nonexistent/leadroute.toml", &o).code(),
            Status::Code::kIoError);
}

}  // namespace
}  // namespace leadroute
