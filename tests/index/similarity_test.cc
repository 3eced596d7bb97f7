#include "index/similarity.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

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

// Every length up to 40 and beyond (the hash reads up to 16 bytes in
// overlapping loads, longer texts 16 a step): distinct texts give distinct
// keys, a byte changed anywhere changes the key, and the upper 32 bits (the
// posting table's tag) collide about as often as chance has it. A key of
// two fields is not the key of their concatenation.
TEST(FeatureKeysTest, KeysSpreadOverEveryLengthAndTag) {
  std::unordered_set<std::uint64_t> keys, tags;
  std::size_t count = 0;
  for (std::size_t len = 0; len <= 70; ++len) {
    for (int i = 0; i < 3000; ++i) {
      std::string id(len, 'x');
      for (std::size_t at = 0; at < len; ++at) {
        id[at] = static_cast<char>('a' + (i * 7 + at * 13 + (i >> 3) * at) % 26);
      }
      // The number spelled at the end, so every text of a length differs.
      const std::string n = std::to_string(i);
      if (len >= n.size()) id.replace(len - n.size(), n.size(), n);
      else if (i > 0) continue;
      ++count;
      const std::uint64_t k = IdKey(id);
      ASSERT_TRUE(keys.insert(k).second) << id;
      tags.insert(k >> 32);
      for (std::size_t at = 0; at < len; at += 5) {
        std::string changed = id;
        changed[at] ^= 0x20;
        ASSERT_NE(IdKey(changed), k) << id << " at " << at;
      }
    }
  }
  // ~200k keys over 2^32 tags: ~5 collisions by chance.
  EXPECT_LT(count - tags.size(), 40u) << count;
  // (postal "8033", number "15") and ("80331", "5") spell one text joined.
  Features a;
  a.postal = "8033";
  a.number = "15";
  Features b;
  b.postal = "80331";
  b.number = "5";
  std::vector<LookupKey> ka, kb;
  StoredKeys(a, &ka);
  StoredKeys(b, &kb);
  ASSERT_FALSE(ka.empty());
  ASSERT_EQ(ka.size(), kb.size());
  for (std::size_t i = 0; i < ka.size(); ++i) EXPECT_NE(ka[i].hash, kb[i].hash);
}

}  // namespace
}  // namespace leadroute::index
