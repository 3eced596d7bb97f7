// Policy parsing and rule set validation: every problem reported with its
// FILE:LINE:COL.
#include "rules/policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "rules/predicate.h"
#include "rules/rule_set.h"

namespace leadroute::rules {
namespace {

std::string ErrorsOf(std::string_view toml) {
  auto p = ParsePolicy(toml, "policy.toml");
  return p.ok() ? "" : std::string(p.status().message());
}

TEST(PolicyTest, DefaultsWithoutAnySection) {
  auto p = ParsePolicy("", "policy.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->tiers.size(), 4u);
  EXPECT_EQ(p->TierRank("gold"), 2);
  EXPECT_EQ(p->TierRank(""), 0);
  EXPECT_EQ(p->TierRank("diamond"), -1);
  EXPECT_FALSE(p->conflict_over);
}

// Regressions from a review: a key at the top read "foo must be a table";
// a rule's value of nan (equal to nothing) passed; a bound read
// "0.000000" or 309 digits.
TEST(PolicyTest, TopKeysNonFiniteValuesAndBoundsAreToldPlainly) {
  EXPECT_EQ(ErrorsOf("foo = 1\n"), "policy.toml:1:1: unknown key foo");
  EXPECT_EQ(ErrorsOf("[bar]\nx = 1\n"), "policy.toml:1:2: unknown section [bar]");
  EXPECT_EQ(ErrorsOf("[[bar]]\nx = 1\n"), "policy.toml:1:3: unknown section [[bar]]");
  for (const char* v : {"nan", "inf", "-inf"}) {
    const std::string errors = ErrorsOf(
        std::string("[[rules]]\nwhen = { field = \"employees\", op = \"eq\", value = ") + v +
        " }\nthen = \"exclude\"\npartner = { field = \"id\", op = \"eq\", value = \"a\" }\n");
    EXPECT_NE(errors.find("value must be a finite number"), std::string::npos) << v << errors;
  }
  EXPECT_NE(ErrorsOf("[[tiers.size_bands]]\nmin_employees = -1\ntier = \"gold\"\n")
                .find("min_employees must be between 0 and 1e+12"),
            std::string::npos)
      << ErrorsOf("[[tiers.size_bands]]\nmin_employees = -1\ntier = \"gold\"\n");
}

TEST(PolicyTest, ReadsEverySection) {
  auto p = ParsePolicy(R"(
[ruleset]
version = "v7"
[tiers]
order = ["Bronze", "Gold"]
scores = { gold = 2.0 }
[[tiers.size_bands]]
min_employees = 500
min_tier = "gold"
[territory]
country = 0.1
[capability]
products = "any"
industry = "require"
[capability.certifications]
Firewall = ["NSE4"]
[[rules]]
name = "big DE"
when = [{ field = "country", op = "eq", value = "de" }, { field = "employees", op = "range", min = 100 }]
then = "boost"
partner = { field = "tier", op = "in", values = ["gold"] }
boost = 0.5
[scoring]
load = -2
[scoring.performance]
win_rate = 3
[selection]
mode = "weighted_random"
top_k = 5
seed = 9
[conflict]
protection_days = 30
direct_precedence = false
)",
                       "policy.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->version, "v7");
  EXPECT_EQ(p->tiers, (std::vector<std::string>{"bronze", "gold"}));
  EXPECT_DOUBLE_EQ(p->tier_scores[1], 2.0);
  ASSERT_EQ(p->size_bands.size(), 1u);
  EXPECT_EQ(p->size_bands[0].min_tier, "gold");
  EXPECT_DOUBLE_EQ(p->territory_country, 0.1);
  EXPECT_EQ(p->products, ProductMatch::kAny);
  EXPECT_EQ(p->industry, Preference::kRequire);
  ASSERT_EQ(p->certifications.size(), 1u);
  EXPECT_EQ(p->certifications[0].first, "firewall");
  EXPECT_EQ(p->certifications[0].second, std::vector<std::string>{"nse4"});
  ASSERT_EQ(p->rules.size(), 1u);
  EXPECT_EQ(p->rules[0].when.size(), 2u);
  EXPECT_EQ(p->rules[0].when[0].values[0], "DE");  // codes fold to upper case
  EXPECT_EQ(p->rules[0].action, RuleAction::kBoost);
  EXPECT_DOUBLE_EQ(p->weight_load, -2);
  ASSERT_EQ(p->performance_weights.size(), 1u);
  EXPECT_EQ(p->mode, SelectionMode::kWeightedRandom);
  EXPECT_EQ(p->top_k, 5u);
  ASSERT_TRUE(p->conflict_over);
  std::string problem;
  const ConflictPolicy c = p->ConflictOver(ConflictPolicy{}, &problem);
  EXPECT_EQ(problem, "");
  EXPECT_EQ(c.protection_days, 30);
  EXPECT_FALSE(c.direct_precedence);
}

TEST(PolicyTest, ReportsEveryErrorWithItsPosition) {
  const std::string errors = ErrorsOf(
      "[territory]\n"
      "contry = 1.0\n"                       // 2:1 unknown key
      "[selection]\n"
      "mode = \"fastest\"\n"                 // 4:8 not a choice
      "top_k = \"three\"\n"                  // 5:9 wrong type
      "[[tiers.size_bands]]\n"
      "min_employees = 10\n"
      "min_tier = \"diamond\"\n"             // 8:12 unknown tier
      "[[rules]]\n"
      "when = { field = \"employees\", op = \"range\", min = 10, max = 1 }\n"  // 10:8 impossible
      "then = \"require\"\n"
      "partner = { field = \"colour\", op = \"eq\", value = \"red\" }\n"       // 12:11 unknown field
      "[bogus]\n");                          // 13:2 unknown section (its name)
  // In file order.
  EXPECT_EQ(errors.rfind("policy.toml:2:1: unknown key territory.contry", 0), 0u) << errors;
  EXPECT_NE(errors.find("policy.toml:4:8: selection.mode must be one of"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("policy.toml:5:9: top_k must be an integer"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("policy.toml:8:12: unknown tier \"diamond\""), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("policy.toml:10:8: impossible range"), std::string::npos) << errors;
  EXPECT_NE(errors.find("policy.toml:12:11: unknown partner field \"colour\""),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("policy.toml:13:2: unknown section [bogus]"), std::string::npos)
      << errors;
}

TEST(PolicyTest, SyntaxErrorHasAPosition) {
  const std::string errors = ErrorsOf("[selection]\nmode = \n");
  EXPECT_EQ(errors.rfind("policy.toml:2:", 0), 0u) << errors;
}

TEST(PolicyTest, OperatorMustFitTheField) {
  EXPECT_NE(ErrorsOf("[[rules]]\nwhen = { field = \"products\", op = \"eq\", value = \"x\" }\n"
                     "then = \"exclude\"\npartner = { field = \"id\", op = \"eq\", value = \"p\" }\n")
                .find("operator eq does not apply to lead field products"),
            std::string::npos);
  EXPECT_NE(ErrorsOf("[[rules]]\nwhen = { field = \"country\", op = \"eq\", value = \"DE\" }\n"
                     "then = \"boost\"\npartner = { field = \"id\", op = \"eq\", value = \"p\" }\n")
                .find("then = \"boost\" needs boost"),
            std::string::npos);
}

// Values and fields compare case-insensitively beyond ASCII too.
TEST(PolicyTest, FoldLowerFoldsUnicodeCase) {
  EXPECT_EQ(FoldLower("ACME Corp"), "acme corp");
  EXPECT_EQ(FoldLower("MÜNCHEN"), FoldLower("münchen"));
  EXPECT_EQ(FoldLower("MÜNCHEN"), "münchen");
  EXPECT_EQ(FoldLower("ΑΘΉΝΑ"), "αθήνα");
  EXPECT_EQ(FoldLower("ŁÓDŹ"), "łódź");
  // Lower-cased, not case-folded: a partner's lists read back as written.
  EXPECT_EQ(FoldLower("Straße"), "straße");
  // Not UTF-8: its ASCII letters lower-cased, the other bytes kept.
  EXPECT_EQ(FoldLower("AB\xff\xfe" "C"), "ab\xff\xfe" "c");
}

TEST(PolicyTest, RuleValuesNameKnownCodesAndTiers) {
  const std::string all = ErrorsOf(
      "[tiers]\norder = [\"silver\", \"gold\"]\n"
      "[[rules]]\nwhen = { field = \"country\", op = \"eq\", value = \"XX\" }\n"
      "then = \"exclude\"\npartner = { field = \"tier\", op = \"in\", values = [\"gold\", \"Diamond\"] }\n"
      "[[rules]]\nwhen = { field = \"region\", op = \"in\", values = [\"us-ca\", \"US-ZZ\"] }\n"
      "then = \"require\"\npartner = { field = \"tier\", op = \"eq\", value = \"Gold\" }\n");
  EXPECT_NE(all.find("policy.toml:4:8: unknown ISO 3166-1 code \"XX\""), std::string::npos) << all;
  EXPECT_NE(all.find("policy.toml:6:11: unknown tier \"diamond\""), std::string::npos) << all;
  EXPECT_NE(all.find("policy.toml:8:8: unknown ISO 3166-2 code \"US-ZZ\""), std::string::npos)
      << all;
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 2) << all;  // "Gold" and "us-ca" are fine
  // Prefixes and other fields are not names to look up.
  EXPECT_EQ(ErrorsOf("[[rules]]\nwhen = { field = \"region\", op = \"prefix\", values = [\"US-\"] }\n"
                     "then = \"exclude\"\npartner = { field = \"id\", op = \"eq\", value = \"x\" }\n"),
            "");
}

// Regressions from a review of lint: only the first unknown code of a
// list was told; a misspelt then or op brought a second, wrong error from
// the default it left; [ruleset] description took any type.
TEST(PolicyTest, EveryUnknownNameOnceAndNoErrorAfterAMisspeltChoice) {
  std::string all = ErrorsOf(
      "[[rules]]\nwhen = { field = \"country\", op = \"in\", values = [\"DE\", \"UK\", \"XX\"] }\n"
      "then = \"exclude\"\npartner = { field = \"id\", op = \"eq\", value = \"x\" }\n");
  EXPECT_NE(all.find("policy.toml:2:8: unknown ISO 3166-1 code \"UK\""), std::string::npos) << all;
  EXPECT_NE(all.find("policy.toml:2:8: unknown ISO 3166-1 code \"XX\""), std::string::npos) << all;
  all = ErrorsOf("[[rules]]\nthen = \"Boost\"\nboost = 0.5\n"
                 "partner = { field = \"id\", op = \"eq\", value = \"x\" }\n");
  EXPECT_EQ(all, "policy.toml:2:8: then must be one of: require, exclude, boost") << all;
  all = ErrorsOf("[[rules]]\nthen = \"require\"\n"
                 "partner = { field = \"performance.avg_response_hours\", op = \"Range\", "
                 "min = 0, max = 4 }\n");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 0) << all;
  EXPECT_NE(all.find("op must be one of"), std::string::npos) << all;
  all = ErrorsOf("[ruleset]\ndescription = 5\nname = \"demo\"\n");
  EXPECT_EQ(all, "policy.toml:2:15: ruleset.description must be a string") << all;
}

class RuleSetDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("leadroute-rules-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok());
    normalizer_ = std::move(*n);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::vector<std::string> Lint() { return rules::Lint(dir_.string(), *normalizer_); }

  std::filesystem::path dir_;
  std::unique_ptr<Normalizer> normalizer_;
};

TEST_F(RuleSetDirTest, ValidSetLintsClean) {
  Write("policy.toml", "[ruleset]\nversion = \"1\"\n");
  Write("partners.jsonl",
        "{\"id\":\"a\",\"tier\":\"gold\",\"territories\":[\"DE\",\"US-CA\",\"GB:SW1\"]}\n\n"
        "{\"id\":\"b\",\"accounts\":[\"https://www.acme.de/x\"]}\n");
  EXPECT_TRUE(Lint().empty());
  auto rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(rs.ok());
  EXPECT_EQ((*rs)->partners().size(), 2u);
  EXPECT_EQ((*rs)->partners()[1].partner.accounts[0], "acme.de");
  EXPECT_EQ((*rs)->policy().version, "1");
}

// Thresholds that fit only over a configured base load (serve judges them
// with its --config) and are a warning to lint, over the defaults.
TEST_F(RuleSetDirTest, ThresholdsThatFitOnlyAConfiguredBaseAreAWarning) {
  Write("policy.toml", "[ruleset]\nversion = \"1\"\n[conflict]\nreview_threshold = 0.85\n");
  Write("partners.jsonl", "{\"id\":\"a\",\"territories\":[\"DE\"]}\n");
  std::vector<std::string> warnings;
  EXPECT_TRUE(rules::Lint(dir_.string(), *normalizer_, &warnings).empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("policy.toml:3:1: warning: review_threshold 0.85 exceeds "
                             "conflict_threshold 0.75 over the defaults"),
            std::string::npos)
      << warnings[0];
}

// Both thresholds set by the rule set, the wrong way round, fit no base: an
// error to lint as to serve (lint said "valid", exit 0, of a set that never
// loaded; found in review).
TEST_F(RuleSetDirTest, ThresholdsThatFitNoBaseAreAnError) {
  Write("policy.toml",
        "[ruleset]\nversion = \"1\"\n[conflict]\nreview_threshold = 0.9\n"
        "conflict_threshold = 0.8\n");
  Write("partners.jsonl", "{\"id\":\"a\",\"territories\":[\"DE\"]}\n");
  std::vector<std::string> warnings;
  const std::vector<std::string> errors = rules::Lint(dir_.string(), *normalizer_, &warnings);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("policy.toml:3:1: review_threshold 0.9 exceeds conflict_threshold 0.8"),
            std::string::npos)
      << errors[0];
  EXPECT_FALSE(RuleSet::Load(dir_.string(), *normalizer_).ok());
  // A threshold refused is not compared as its default.
  Write("policy.toml",
        "[ruleset]\nversion = \"1\"\n[conflict]\nconflict_threshold = 1.5\n"
        "review_threshold = 0.8\n");
  const std::vector<std::string> one = rules::Lint(dir_.string(), *normalizer_, &warnings);
  ASSERT_EQ(one.size(), 1u) << one[0] << "\n" << one.back();
  EXPECT_NE(one[0].find("conflict_threshold"), std::string::npos) << one[0];
}

// A policy that names no version gets one from its files' bytes: stats,
// reload_rules and /metrics said "" (or null), as if no rule set were in
// force, and could not tell two such sets apart.
TEST_F(RuleSetDirTest, AnUnversionedSetIsVersionedByItsFiles) {
  Write("policy.toml", "");
  Write("partners.jsonl", "{\"id\":\"a\"}\n");
  auto first = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(first.ok());
  const std::string version = (*first)->policy().version;
  EXPECT_TRUE(version.starts_with("unversioned-")) << version;
  EXPECT_EQ((*RuleSet::Load(dir_.string(), *normalizer_))->policy().version, version);
  Write("partners.jsonl", "{\"id\":\"b\"}\n");
  const std::string changed = (*RuleSet::Load(dir_.string(), *normalizer_))->policy().version;
  EXPECT_TRUE(changed.starts_with("unversioned-")) << changed;
  EXPECT_NE(changed, version);
}

// Regression: a partners file's lines that do not parse were listed up to a
// hundred, but its partners' own errors without end (a review's 150
// unknown country codes, all listed).
TEST_F(RuleSetDirTest, AHundredErrorsOfAFileAreListedAndTheRestCounted) {
  Write("policy.toml", "");
  std::string partners;
  for (int i = 0; i < 150; ++i) {
    partners += "{\"id\":\"p" + std::to_string(i) + "\",\"territories\":[\"XX\"]}\n";
  }
  for (int i = 0; i < 150; ++i) partners += "not json\n";
  Write("partners.jsonl", partners);
  const std::vector<std::string> errors = Lint();
  ASSERT_EQ(errors.size(), 101u);
  // The first hundred by line: the partners' codes (lines 1 to 100), not
  // the lines that do not parse (151 on).
  EXPECT_NE(errors[0].find("partners.jsonl:1:"), std::string::npos) << errors[0];
  EXPECT_NE(errors[99].find("partners.jsonl:100:"), std::string::npos) << errors[99];
  EXPECT_TRUE(errors.back().ends_with("partners.jsonl: 200 more errors")) << errors.back();
  // A directory whose name holds ':' is still one file's.
  const std::filesystem::path odd = dir_ / "x:y";
  std::filesystem::create_directory(odd);
  std::filesystem::copy(dir_ / "policy.toml", odd / "policy.toml");
  std::filesystem::copy(dir_ / "partners.jsonl", odd / "partners.jsonl");
  const std::vector<std::string> in_odd = rules::Lint(odd.string(), *normalizer_);
  ASSERT_EQ(in_odd.size(), 101u);
  EXPECT_TRUE(in_odd.back().ends_with("x:y/partners.jsonl: 200 more errors")) << in_odd.back();
  // As loading says.
  auto rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_FALSE(rs.ok());
  const std::string_view all = rs.status().message();
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 100);
}

TEST_F(RuleSetDirTest, PartnerErrorsPointAtTheirField) {
  Write("policy.toml", "[selection]\nfallback_partner = \"nobody\"\n");
  Write("partners.jsonl",
        "{\"id\":\"a\",\"tier\":\"diamond\"}\n"
        "{\"id\":\"b\",\"territories\":[\"XX\",\"US-ZZ\",\"DE:\"]}\n"
        "{\"id\":\"a\"}\n"
        "{\"id\":\"c\",\"capacity\":-1}\n"
        "{\"id\":\"d\",\"active\":\"yes\"}\n"
        "not json\n"
        "[1,2]\n"
        "{\"name\":\"no id\"}\n");
  const auto errors = Lint();
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  const std::string file = (dir_ / "partners.jsonl").string();
  // Each line that does not decode is named ...
  EXPECT_NE(all.find(file + ":4:11: partner.capacity: must be a whole number"), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":5:11: partner.active: must be true or false"), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":6:1: not valid JSON"), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":7:1: not a JSON object"), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":8:1: partner.id: missing"), std::string::npos) << all;
  // ... and so is every problem of the lines that do (CONTRACT: lint lists
  // every error; these waited until every line decoded).
  EXPECT_NE(all.find(file + ":1:11: partner a: unknown tier \"diamond\""), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":2:11: partner b: unknown ISO 3166-1 code \"XX\""), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":3:2: duplicate partner id \"a\""), std::string::npos) << all;
  // Whether the fallback partner exists waits: it might be on a bad line.
  EXPECT_EQ(all.find("fallback_partner"), std::string::npos) << all;

  // With those fixed, compile errors: tier, territory codes, duplicates, fallback.
  Write("partners.jsonl",
        "{\"id\":\"a\",\"tier\":\"diamond\"}\n"
        "{\"id\":\"b\",\"territories\":[\"XX\",\"US-ZZ\",\"DE:\"]}\n"
        "{\"id\":\"a\"}\n");
  all.clear();
  for (const auto& e : Lint()) all += e + "\n";
  EXPECT_NE(all.find(file + ":1:11: partner a: unknown tier \"diamond\""), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":2:11: partner b: unknown ISO 3166-1 code \"XX\""), std::string::npos) << all;
  EXPECT_NE(all.find("unknown ISO 3166-2 code \"US-ZZ\""), std::string::npos) << all;
  EXPECT_NE(all.find("bad postal prefix in \"DE:\""), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":3:2: duplicate partner id \"a\""), std::string::npos) << all;
  EXPECT_NE(all.find("policy.toml:2:20: selection.fallback_partner \"nobody\" is not a partner"),
            std::string::npos)
      << all;
}

// A policy that does not parse does not hide the partners' problems:
// those that need no policy (codes, duplicates) are listed with its own,
// and tiers too where its [tiers] reads cleanly (an error elsewhere in the
// policy hid them: found in an audit).
TEST_F(RuleSetDirTest, APolicyErrorDoesNotHideThePartnersErrors) {
  Write("policy.toml", "[selection]\nspeed = \"fast\"\n");
  Write("partners.jsonl",
        "{\"id\":\"a\",\"tier\":\"diamond\",\"territories\":[\"XX\"]}\n"
        "{\"id\":\"a\"}\n");
  std::string all;
  for (const auto& e : Lint()) all += e + "\n";
  const std::string file = (dir_ / "partners.jsonl").string();
  EXPECT_NE(all.find("policy.toml:2:1: unknown key selection.speed"), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":1:28: partner a: unknown ISO 3166-1 code \"XX\""), std::string::npos)
      << all;
  EXPECT_NE(all.find(file + ":2:2: duplicate partner id \"a\""), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":1:11: partner a: unknown tier \"diamond\""), std::string::npos)
      << all;
  // Where [tiers] itself has errors its tiers are unknown: no tier is
  // called unknown.
  Write("policy.toml", "[tiers]\norder = []\n[selection]\nspeed = \"fast\"\n");
  all.clear();
  for (const auto& e : Lint()) all += e + "\n";
  EXPECT_NE(all.find("tiers.order must name a tier"), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":2:2: duplicate partner id \"a\""), std::string::npos) << all;
  EXPECT_EQ(all.find("unknown tier"), std::string::npos) << all;
}

// A partner changed through the API has no file place: its errors name it
// once (regression: "partner api-1: partner api-1: unknown tier").
TEST_F(RuleSetDirTest, AnApiPartnersErrorNamesItOnce) {
  auto policy = ParsePolicy("", "policy.toml");
  ASSERT_TRUE(policy.ok());
  Partner p;
  p.id = "api-1";
  p.tier = "platinum-plus";
  p.territories = {"DE"};
  auto compiled = RuleSet::Compile(*policy, {p}, {}, *normalizer_);
  ASSERT_FALSE(compiled.ok());
  const std::string m(compiled.status().message());
  EXPECT_EQ(m.rfind("partner api-1: ", 0), 0u) << m;
  EXPECT_EQ(m.find("partner api-1: partner api-1"), std::string::npos) << m;
}

TEST_F(RuleSetDirTest, MissingFilesAreErrors) {
  const auto errors = Lint();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("policy.toml:1:1: cannot read"), std::string::npos);
  EXPECT_NE(errors[1].find("partners.jsonl:1:1: cannot read (a rule set needs partners.jsonl "
                           "or partners.csv)"),
            std::string::npos)
      << errors[1];
}

TEST_F(RuleSetDirTest, PartnersFilesThatCannotBeReadAreErrors) {
  Write("policy.toml", "");
  Write("partners.jsonl", "{\"id\":\"a\"}\n");
  // A directory, and a link to nothing, where partners.csv belongs: both
  // named, never taken for an empty file or no file.
  std::filesystem::create_directory(dir_ / "partners.csv");
  auto errors = Lint();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("partners.csv:1:1: cannot read"), std::string::npos) << errors[0];
  std::filesystem::remove(dir_ / "partners.csv");
  std::filesystem::create_symlink(dir_ / "nowhere.csv", dir_ / "partners.csv");
  errors = Lint();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("partners.csv:1:1: cannot read"), std::string::npos) << errors[0];
  std::filesystem::remove(dir_ / "partners.csv");
  std::filesystem::remove(dir_ / "partners.jsonl");
  std::filesystem::create_directory(dir_ / "partners.jsonl");
  errors = Lint();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("partners.jsonl:1:1: cannot read"), std::string::npos) << errors[0];
}

TEST_F(RuleSetDirTest, PartnersFromCsvAndJsonLines) {
  Write("policy.toml", "");
  Write("partners.csv",
        "id,tier,territories,accounts\n"
        "c1,Gold,DE-BY,https://www.acme.de/x\n"
        "c2,,US:941;GB,\n");
  // partners.csv alone.
  auto rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(rs.ok()) << rs.status().message();
  ASSERT_EQ((*rs)->partners().size(), 2u);
  EXPECT_EQ((*rs)->partners()[0].partner.tier, "gold");
  EXPECT_EQ((*rs)->partners()[0].partner.accounts[0], "acme.de");
  // Both files: JSON Lines first, then the CSV rows.
  Write("partners.jsonl", "{\"id\":\"j1\",\"territories\":[\"AT\"]}\n");
  rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(rs.ok()) << rs.status().message();
  ASSERT_EQ((*rs)->partners().size(), 3u);
  EXPECT_EQ((*rs)->partners()[0].partner.id, "j1");
  EXPECT_EQ((*rs)->partners()[2].partner.id, "c2");
  Lead lead;
  lead.party.country = "US";
  lead.party.postal_code = "94107";
  std::vector<TerritoryHit> hits;
  (*rs)->Covering((*rs)->Facts(lead, *normalizer_), &hits);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ((*rs)->partners()[hits[0].partner].partner.id, "c2");
}

TEST_F(RuleSetDirTest, CsvPartnerErrorsPointAtTheirCell) {
  Write("policy.toml", "");
  Write("partners.jsonl", "{\"id\":\"a\"}\n");
  Write("partners.csv",
        "id,name,tier,territories,accounts\n"
        "a,dup,,,\n"
        "b,\"Bee\nGmbH\",diamond,DE;XX,\n"
        "c,,,,not a domain\n");
  std::string all;
  for (const auto& e : Lint()) all += e + "\n";
  const std::string file = (dir_ / "partners.csv").string();
  EXPECT_NE(all.find(file + ":2:1: duplicate partner id \"a\""), std::string::npos) << all;
  EXPECT_NE(all.find(file + ":4:7: partner b: unknown tier \"diamond\""), std::string::npos)
      << all;
  EXPECT_NE(all.find(file + ":4:15: partner b: unknown ISO 3166-1 code \"XX\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find(file + ":5:6: partner c: \"not a domain\" is not a domain"),
            std::string::npos)
      << all;
  // A CSV that does not parse is reported; nothing compiles.
  Write("partners.csv", "id,nmae\na,b\n");
  all.clear();
  for (const auto& e : Lint()) all += e + "\n";
  EXPECT_NE(all.find(file + ":1:4: unknown column \"nmae\""), std::string::npos) << all;
}

TEST_F(RuleSetDirTest, FactsMadeIntoUsedFactsEqualFreshOnes) {
  // A rule reads the city: it is folded, and cleared for a lead without.
  Write("policy.toml",
        "[[rules]]\nname = \"munich\"\nwhen = [{ field = \"city\", op = \"eq\", value = "
        "\"münchen\" }]\nthen = \"boost\"\npartner = [{ field = \"tier\", op = \"in\", "
        "values = [\"gold\"] }]\nboost = 0.1\n");
  Write("partners.jsonl", "{\"id\":\"a\",\"territories\":[\"DE\"],\"languages\":[\"de\"]}\n");
  auto rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(rs.ok()) << rs.status().message();
  Lead full;
  full.party.country = "de";
  full.party.region = "BY";
  full.party.postal_code = "d-80331";
  full.party.city = "MÜNCHEN";
  full.industry = "Public";
  full.language = "de_AT";
  full.products = {"Firewall", "SIEM"};
  full.employees = 1200;
  Lead bare;
  bare.party.country = "US";
  bare.products = {"cloud"};
  auto same = [](const LeadFacts& a, const LeadFacts& b) {
    return a.country == b.country && a.region == b.region && a.postal == b.postal &&
           a.city == b.city && a.company == b.company && a.domain == b.domain &&
           a.industry == b.industry && a.language == b.language && a.source == b.source &&
           a.partner_language == b.partner_language && a.employees == b.employees &&
           a.annual_revenue == b.annual_revenue && a.products == b.products;
  };
  LeadFacts used;
  for (const Lead* lead : {&full, &bare, &full}) {
    const std::string_view domain = lead == &full ? "acme.de" : "";
    const std::string_view postal = lead == &full ? "80331" : "";
    (*rs)->Facts(*lead, domain, postal, &used);
    EXPECT_TRUE(same(used, (*rs)->Facts(*lead, domain, postal)));
  }
  (*rs)->Facts(full, "acme.de", "80331", &used);
  EXPECT_EQ(used.region, "DE-BY");
  EXPECT_EQ(used.postal, "80331");
  EXPECT_EQ(used.city, "münchen");
  EXPECT_EQ(used.language, "de-at");
  EXPECT_EQ(used.partner_language, "de");
  EXPECT_EQ(used.products, (std::vector<std::string>{"firewall", "siem"}));
  (*rs)->Facts(bare, "", "", &used);
  EXPECT_TRUE(used.region.empty() && used.postal.empty() && used.city.empty() &&
              used.industry.empty() && !used.employees);
  EXPECT_EQ(used.products, (std::vector<std::string>{"cloud"}));
}

TEST_F(RuleSetDirTest, CoveringListsComeMostSpecificFirstAndTakenOrderAmongEquals) {
  // Account and country weigh alike: the account's list, taken first,
  // stays first among them; the postal prefixes, longer first.
  Write("policy.toml",
        "[territory]\ncountry = 0.5\nsubdivision = 0.6\npostal = 0.7\naccount = 0.5\n");
  Write("partners.jsonl",
        "{\"id\":\"de\",\"territories\":[\"DE\"]}\n"
        "{\"id\":\"by\",\"territories\":[\"DE-BY\"]}\n"
        "{\"id\":\"p8\",\"territories\":[\"DE:8\"]}\n"
        "{\"id\":\"p80\",\"territories\":[\"DE:80\"]}\n"
        "{\"id\":\"acme\",\"accounts\":[\"acme.de\"]}\n");
  auto rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(rs.ok()) << rs.status().message();
  Lead lead;
  lead.party.country = "DE";
  lead.party.region = "DE-BY";
  lead.party.postal_code = "80331";
  lead.party.domain = "acme.de";
  std::vector<const TerritoryList*> lists;
  (*rs)->CoveringLists((*rs)->Facts(lead, *normalizer_), &lists);
  std::vector<std::string> ids, reasons;
  for (const TerritoryList* list : lists) {
    ASSERT_EQ(list->partners.size(), 1u);
    ids.push_back((*rs)->partners()[list->partners[0]].partner.id);
    reasons.push_back((*rs)->Reason(*list));
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"p80", "p8", "by", "acme", "de"}));
  EXPECT_EQ(reasons, (std::vector<std::string>{
                         "territory covers the lead (specificity 0.72)",
                         "territory covers the lead (specificity 0.71)",
                         "territory covers the lead (specificity 0.60)",
                         "territory covers the lead (specificity 0.50)",
                         "territory covers the lead (specificity 0.50)"}));
}

TEST_F(RuleSetDirTest, TerritoriesCoverOnlyTheirLeads) {
  Write("policy.toml", "");
  Write("partners.jsonl",
        "{\"id\":\"de\",\"territories\":[\"DE\"]}\n"
        "{\"id\":\"by\",\"territories\":[\"DE-BY\"]}\n"
        "{\"id\":\"munich\",\"territories\":[\"DE:80\"]}\n"
        "{\"id\":\"us\",\"territories\":[\"US\"]}\n"
        "{\"id\":\"acme\",\"accounts\":[\"acme.de\"]}\n");
  auto rs = RuleSet::Load(dir_.string(), *normalizer_);
  ASSERT_TRUE(rs.ok()) << rs.status().message();
  auto covering = [&](Lead lead) {
    std::vector<TerritoryHit> hits;
    (*rs)->Covering((*rs)->Facts(lead, *normalizer_), &hits);
    std::vector<std::string> ids;
    for (const auto& h : hits) ids.push_back((*rs)->partners()[h.partner].partner.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  Lead munich;
  munich.party.country = "de";
  munich.party.region = "DE-BY";
  munich.party.postal_code = "80331";
  EXPECT_EQ(covering(munich), (std::vector<std::string>{"by", "de", "munich"}));
  Lead berlin;
  berlin.party.region = "DE-BE";  // the country from the region
  berlin.party.postal_code = "10115";
  EXPECT_EQ(covering(berlin), (std::vector<std::string>{"de"}));
  Lead acme;
  acme.party.email = "j.doe@acme.de";
  acme.party.country = "FR";
  EXPECT_EQ(covering(acme), (std::vector<std::string>{"acme"}));
  Lead nowhere;
  nowhere.party.company = "No Place Ltd";
  EXPECT_TRUE(covering(nowhere).empty());
}

}  // namespace
}  // namespace leadroute::rules
