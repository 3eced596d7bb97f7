// The hash behind StringSet and StringMap: equal text, equal hash wherever
// it lies; distinct words spread over the low bits a power-of-two table
// uses.
#include "normalize/word_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace leadroute::normalize {
namespace {

TEST(HashStringTest, DependsOnTheTextOnly) {
  const std::string text = "hardenbergstrasse kusel gmbh & co kg";
  std::string shifted = "x" + text;
  for (std::size_t len = 0; len <= text.size(); ++len) {
    EXPECT_EQ(HashString(std::string_view(text).substr(0, len)),
              HashString(std::string_view(shifted).substr(1, len)))
        << len;
  }
  // Trailing zero bytes and the length are part of the text.
  EXPECT_NE(HashString(std::string_view("a\0", 2)), HashString("a"));
  EXPECT_NE(HashString(""), HashString(std::string_view("\0", 1)));
}

TEST(HashStringTest, SpreadsShortWordsOverTheLowBits) {
  // Short, similar words: what the legal-form, stopword and TLD tables hold.
  std::vector<std::string> words;
  for (char a = 'a'; a <= 'z'; ++a) {
    for (char b = 'a'; b <= 'z'; ++b) {
      for (char c = 'a'; c <= 'z'; ++c) {
        words.push_back(std::string{a, b, c});
        words.push_back(std::string{a, b} + "." + c + "gmbh");
      }
    }
  }
  std::set<std::uint64_t> seen;
  constexpr std::size_t kBuckets = 4096;
  std::vector<std::size_t> count(kBuckets);
  for (const std::string& w : words) {
    const std::uint64_t h = HashString(w);
    EXPECT_TRUE(seen.insert(h).second) << w;
    ++count[h % kBuckets];
  }
  const double mean = static_cast<double>(words.size()) / kBuckets;  // ~8.6
  const std::size_t fullest = *std::max_element(count.begin(), count.end());
  const std::size_t empty = static_cast<std::size_t>(std::count(count.begin(), count.end(), 0u));
  EXPECT_LT(static_cast<double>(fullest), 4 * mean);
  // Poisson(8.6) leaves ~0.02% of the buckets empty; a hash that ignores
  // bytes leaves many.
  EXPECT_LT(empty, kBuckets / 100);
}

}  // namespace
}  // namespace leadroute::normalize
