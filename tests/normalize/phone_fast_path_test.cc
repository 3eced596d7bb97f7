// The fast path against libphonenumber itself, on every region's example
// numbers in every format, mutated, with every kind of region hint. Any
// answer the fast path gives must be libphonenumber's answer.
#include "normalize/phone_fast_path.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumberutil.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "normalize/phone_number.h"

namespace leadroute::normalize {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

struct Corpus {
  std::vector<std::string> numbers;
  std::vector<std::string> regions;
};

// Every region's example number of every type, formatted four ways, and
// mutated: a digit dropped, added, changed; "00" and "0" prefixes; the
// country code without '+'; "(0)" after the code.
Corpus MakeCorpus() {
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util->GetSupportedRegions(&regions);
  Corpus corpus;
  corpus.regions.assign(regions.begin(), regions.end());
  std::mt19937 rng(42);
  std::set<std::string> seen;
  auto add = [&](std::string s) {
    if (seen.insert(s).second) corpus.numbers.push_back(std::move(s));
  };
  std::set<PhoneNumberUtil::PhoneNumberType> types;
  for (const std::string& region : regions) {
    util->GetSupportedTypesForRegion(region, &types);
    for (auto type : types) {
      PhoneNumber example;
      if (!util->GetExampleNumberForType(region, type, &example)) continue;
      std::string e164, intl, national, nsn;
      util->Format(example, PhoneNumberUtil::E164, &e164);
      util->Format(example, PhoneNumberUtil::INTERNATIONAL, &intl);
      util->Format(example, PhoneNumberUtil::NATIONAL, &national);
      util->GetNationalSignificantNumber(example, &nsn);
      const std::string code = std::to_string(example.country_code());
      for (const std::string& s :
           {e164, intl, national, nsn, "00" + e164.substr(1), code + nsn,
            "+" + code + " (0)" + nsn, "0" + nsn, "011 " + e164.substr(1)}) {
        add(s);
        std::string digits_only;
        for (char c : s) {
          if (c >= '0' && c <= '9') digits_only.push_back(c);
        }
        for (int i = 0; i < 3; ++i) {
          std::string m = s;
          std::size_t pos = rng() % m.size();
          switch (rng() % 4) {
            case 0: m.erase(pos, 1); break;
            case 1: m.insert(pos, 1, static_cast<char>('0' + rng() % 10)); break;
            case 2:
              if (m[pos] >= '0' && m[pos] <= '9') m[pos] = static_cast<char>('0' + rng() % 10);
              break;
            case 3: m.insert(pos, 1, " -.()/"[rng() % 6]); break;
          }
          add(m);
        }
        add(digits_only);
      }
    }
  }
  // Random digit strings of every plausible length, with and without '+'.
  for (int i = 0; i < 20000; ++i) {
    std::string s = (i % 2) ? "+" : "";
    const int len = 4 + static_cast<int>(rng() % 16);
    for (int j = 0; j < len; ++j) s.push_back(static_cast<char>('0' + rng() % 10));
    add(s);
  }
  return corpus;
}

TEST(PhoneFastPathTest, AgreesWithLibphonenumber) {
  const Corpus corpus = MakeCorpus();
  ASSERT_GT(corpus.numbers.size(), 10000u);
  std::mt19937 rng(7);
  std::size_t asked = 0, answered = 0, mismatches = 0;
  for (const std::string& number : corpus.numbers) {
    // The number's own region is not known here; try a few hints.
    std::vector<std::string> hints = {"", "US", "DE",
                                      corpus.regions[rng() % corpus.regions.size()],
                                      corpus.regions[rng() % corpus.regions.size()]};
    for (const std::string& hint : hints) {
      ++asked;
      const auto slow = PhoneKeyLibphonenumber(number, hint);
      const auto fast = PhoneKey(number, hint);
      std::string region = hint.empty() ? "ZZ" : hint, key;
      if (PhoneFastPath::Get().Key(number, region, &key) !=
          PhoneFastPath::Answer::kUnsure) {
        ++answered;
      }
      if (slow != fast && ++mismatches <= 20) {
        ADD_FAILURE() << "\"" << number << "\" hint \"" << hint << "\": libphonenumber "
                      << slow.value_or("(none)") << ", fast path "
                      << fast.value_or("(none)");
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  // The point of the fast path: most numbers never reach the slow one.
  EXPECT_GT(answered, asked * 7 / 10) << answered << " of " << asked;
  std::printf("fast path answered %zu of %zu (%.1f%%)\n", answered, asked,
              100.0 * static_cast<double>(answered) / static_cast<double>(asked));
}

TEST(PhoneFastPathTest, LeavesUnusualShapesToLibphonenumber) {
  std::string key;
  const auto& fast = PhoneFastPath::Get();
  for (const char* s : {"(773) 534-6361 x12", "+49 89 1234567 ext. 5", "tel:+4989123456",
                        "+49 89 1234567#", "０８９ １２３４５６７", "1-800-FLOWERS",
                        "+49 89+1234567"}) {
    EXPECT_EQ(fast.Key(s, "DE", &key), PhoneFastPath::Answer::kUnsure) << s;
  }
  EXPECT_EQ(fast.Key("+49 89 1234567", "ZZ", &key), PhoneFastPath::Answer::kKey);
  EXPECT_EQ(key, "+49891234567");
  EXPECT_EQ(fast.Key("089 1234567", "DE", &key), PhoneFastPath::Answer::kKey);
  EXPECT_EQ(key, "+49891234567");
  EXPECT_EQ(fast.Key("089 1234567", "ZZ", &key), PhoneFastPath::Answer::kNoKey);
}

}  // namespace
}  // namespace leadroute::normalize
