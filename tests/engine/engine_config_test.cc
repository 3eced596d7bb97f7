#include "engine/engine_config.h"

#include "leadroute/engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

// A rule set's [conflict] replaces the keys it sets, not the whole of
// --config's (regression: the config's max_matches and weights were
// dropped for a rule set that set only its threshold), and its thresholds
// are judged over the config's (regression: a review_threshold above the
// default conflict_threshold was refused though the config's was higher).
TEST(EngineConfigTest, ARuleSetsConflictKeysLieOverTheConfigsOneByOne) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("leadroute-conflict-over-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "partners.jsonl") << R"({"id":"p","territories":["DE"]})" "\n";
  std::ofstream(dir / "policy.toml") << "[conflict]\nreview_threshold = 0.85\n";
  EngineOptions o;
  ASSERT_TRUE(ParseEngineConfig("[conflict]\nmax_matches = 1\nconflict_threshold = 0.9\n"
                                "[conflict.weights]\nphone = 4.5\n",
                                "c.toml", &o)
                  .ok());
  auto engine = Engine::Create(o);
  ASSERT_TRUE(engine.ok());
  auto loaded = (*engine)->LoadRules(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const ConflictPolicy c = (*engine)->conflict_policy();
  EXPECT_EQ(c.max_matches, 1u);                    // the config's
  EXPECT_DOUBLE_EQ(c.weights.phone, 4.5);          // the config's
  EXPECT_DOUBLE_EQ(c.conflict_threshold, 0.9);     // the config's
  EXPECT_DOUBLE_EQ(c.review_threshold, 0.85);      // the rule set's
  for (int i = 0; i < 3; ++i) {
    Opportunity opp;
    opp.id = "o" + std::to_string(i);
    opp.owner = {OwnerKind::kPartner, "p" + std::to_string(i)};
    opp.party.company = "Acme GmbH";
    opp.party.domain = "acme.de";
    bool created = false;
    ASSERT_TRUE((*engine)->UpsertOpportunity(opp, &created).ok());
  }
  Opportunity deal;
  deal.party.domain = "acme.de";
  EXPECT_EQ((*engine)->Check(deal).matches.size(), 1u);

  // Each fits alone over the defaults, not over the config: the rule set
  // is refused, and the old one stays.
  std::ofstream(dir / "policy.toml", std::ios::trunc)
      << "[conflict]\nconflict_threshold = 0.8\nreview_threshold = 0.85\n";
  auto reloaded = (*engine)->ReloadRules();
  ASSERT_FALSE(reloaded.ok());
  EXPECT_EQ(reloaded.status().code(), Status::Code::kInvalidRules);
  EXPECT_NE(reloaded.status().message().find("policy.toml:1:1: review_threshold 0.85 exceeds "
                                              "conflict_threshold 0.8"),
            std::string_view::npos)
      << reloaded.status().message();
  EXPECT_DOUBLE_EQ((*engine)->conflict_policy().conflict_threshold, 0.9);
  EXPECT_DOUBLE_EQ((*engine)->conflict_policy().review_threshold, 0.85);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace leadroute
