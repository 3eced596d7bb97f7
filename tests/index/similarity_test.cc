#include "index/similarity.h"

#include <gtest/gtest.h>

namespace leadroute::index {
namespace {

TEST(SimilarityTest, JaroWinklerKnownValues) {
  EXPECT_DOUBLE_EQ(JaroWinkler("martha", "martha"), 1.0);
  EXPECT_NEAR(JaroWinkler("martha", "marhta"), 0.961, 0.001);
  EXPECT_NEAR(JaroWinkler("dwayne", "duane"), 0.84, 0.001);
  EXPECT_NEAR(JaroWinkler("dixon", "dicksonx"), 0.813, 0.001);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("a", ""), 0.0);
  EXPECT_LE(JaroWinkler(std::string(500, 'a'), std::string(500, 'a') + "b"), 1.0);
}

TEST(SimilarityTest, TokenSimilarityIgnoresOrder) {
  EXPECT_DOUBLE_EQ(TokenSimilarity("acme data", "data acme"), 1.0);
  EXPECT_GT(TokenSimilarity("acme deutschland", "acme deutchland"), 0.95);
  EXPECT_LT(TokenSimilarity("acme", "globex"), 0.6);
  EXPECT_EQ(TokenSimilarity("", "acme"), 0.0);
}

TEST(SimilarityTest, Acronyms) {
  EXPECT_TRUE(IsAcronymOf("ibm", "international business machines"));
  EXPECT_FALSE(IsAcronymOf("ibm", "international business"));
  EXPECT_FALSE(IsAcronymOf("i", "international"));
  EXPECT_FALSE(IsAcronymOf("hp inc", "hewlett packard"));
}

TEST(SimilarityTest, Soundex) {
  EXPECT_EQ(Soundex("robert"), "r163");
  EXPECT_EQ(Soundex("rupert"), "r163");
  EXPECT_EQ(Soundex("ashcraft"), "a261");
  EXPECT_EQ(Soundex("tymczak"), "t522");
  EXPECT_EQ(Soundex("pfister"), "p236");
  EXPECT_EQ(Soundex("lee"), "l000");
  EXPECT_EQ(Soundex("123"), "");
}

}  // namespace
}  // namespace leadroute::index

#include "index/features.h"

namespace leadroute::index {
namespace {

// Regression: the kind and the first character were XORed into one byte, so
// (kCompany, "js") and (kAcronym, "ks") had the same hash and every fresh
// two-word name drew dozens of unrelated candidates.
TEST(FeatureKeysTest, KindsDoNotCollideWithNeighbouringValues) {
  Features a;
  a.company_acronym = "js";
  Features b;
  b.company = "ks";
  std::vector<LookupKey> stored, query;
  StoredKeys(a, &stored);   // kAcronym "js"
  QueryKeys(b, &query);     // kCompany "ks", kAcronym "ks"
  for (const auto& s : stored) {
    for (const auto& q : query) EXPECT_NE(s.hash, q.hash);
  }
}

}  // namespace
}  // namespace leadroute::index
