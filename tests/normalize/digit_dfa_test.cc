// DigitDfa against RE2::FullMatch: hand-written cases, random patterns of
// the subset, and every number pattern in libphonenumber's metadata.
#include "normalize/digit_dfa.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonemetadata.pb.h>
#include <re2/re2.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "normalize/phone_metadata.h"

namespace leadroute::normalize {
namespace {

bool Re2Full(const RE2& re, const std::string& text) { return RE2::FullMatch(text, re); }

// RE2 matching a prefix, as libphonenumber's Consume() does: whether one
// matches and (leftmost-first) how long.
bool Re2Prefix(const RE2& re, const std::string& text, std::size_t* length) {
  re2::StringPiece match;
  if (!re.Match(text, 0, text.size(), RE2::ANCHOR_START, &match, 1)) return false;
  *length = match.size();
  return true;
}

// MatchPrefix() against RE2: the same answer always, the same length
// where the pattern is prefix-free.
void ExpectPrefixAgrees(const DigitDfa& dfa, const RE2& re, const std::string& pattern,
                        const std::vector<std::string>& texts) {
  const bool prefix_free = dfa.PrefixFree();
  for (const std::string& t : texts) {
    std::size_t want_length = 0, length = 0;
    const bool want = Re2Prefix(re, t, &want_length);
    ASSERT_EQ(dfa.MatchPrefix(t, &length), want) << "pattern " << pattern << " text '" << t << "'";
    if (want && prefix_free) {
      ASSERT_EQ(length, want_length) << "pattern " << pattern << " text '" << t << "'";
    }
  }
}

// Compiles `pattern` both ways and compares them on `texts`.
void ExpectAgrees(const std::string& pattern, const std::vector<std::string>& texts,
                  std::size_t max_states = DigitDfa::kDefaultMaxStates) {
  auto dfa = DigitDfa::Compile(pattern, max_states);
  ASSERT_TRUE(dfa.has_value()) << pattern;
  RE2 re(pattern);
  ASSERT_TRUE(re.ok()) << pattern;
  for (const std::string& t : texts) {
    ASSERT_EQ(dfa->FullMatch(t), Re2Full(re, t)) << "pattern " << pattern << " text '" << t << "'";
  }
}

TEST(DigitDfaTest, MatchesWholeTextsOnly) {
  auto dfa = DigitDfa::Compile(R"((?:[2-9]\d{2}|30)\d{6})");
  ASSERT_TRUE(dfa.has_value());
  EXPECT_TRUE(dfa->FullMatch("212555123"));
  EXPECT_TRUE(dfa->FullMatch("30123456"));
  EXPECT_FALSE(dfa->FullMatch("31123456"));    // 3 then 1: neither branch
  EXPECT_FALSE(dfa->FullMatch("2125551234"));  // one digit too many
  EXPECT_FALSE(dfa->FullMatch("21255512"));    // one too few
  EXPECT_FALSE(dfa->FullMatch("21255512a"));   // not a digit
  EXPECT_FALSE(dfa->FullMatch(""));
}

TEST(DigitDfaTest, Quantifiers) {
  ExpectAgrees(R"(1?2*3+4{2}5{1,}6{0,2})",
               {"3445", "123445", "22233344556", "344556666", "34455666", "", "12344", "3445566"});
  ExpectAgrees(R"((?:12|3){2,3})", {"1212", "123", "33", "3", "121212", "3333", "12312"});
  ExpectAgrees(R"([0-25-7]\d?)", {"0", "2", "3", "5", "7", "8", "09", "59", "599"});
  ExpectAgrees(R"((1|)2)", {"12", "2", "1", ""});
  ExpectAgrees(R"(()1)", {"1", ""});
}

TEST(DigitDfaTest, RefusesWhatIsNotInTheSubset) {
  for (const char* p : {"a", "1a", "(?=1)2", "(?i)1", "[^1]", R"((1)\1)", "1{2}?", "1+?",
                        "(1", "1)", "[12", "[]", "[2-1]", "{3}", "1{2", "1{3,2}", "1{65}", ".",
                        "^1", "1$", R"(\s)", "[a-z]", "1**x", "1**", "1?*", "1*{2}",
                        "1{2}{3}", "(?:1){2}?"}) {
    EXPECT_FALSE(DigitDfa::Compile(p).has_value()) << p;
    // RE2 refuses them too, or reads them as more than digits: either way
    // they stay with RE2.
  }
  // A long stack of quantifiers is refused at the second, not recursed into.
  EXPECT_FALSE(DigitDfa::Compile("1" + std::string(70000, '*')).has_value());
}

TEST(DigitDfaTest, BoundsTheWorkOfNestedCounts) {
  // Empty groups add no state, so only the work bound stops these.
  std::string nested = "1";
  for (int i = 0; i < 6; ++i) nested = "(?:" + nested + "(?:)){64}";
  EXPECT_FALSE(DigitDfa::Compile(nested).has_value());
  std::string empty = "(?:)";
  for (int i = 0; i < 6; ++i) empty = "(?:" + empty + "){64}";
  EXPECT_FALSE(DigitDfa::Compile(empty).has_value());
}

TEST(DigitDfaTest, RefusesAutomataPastTheLimit) {
  // (0|1)*1(0|1){n}: the classic pattern whose DFA needs 2^(n+1) states.
  EXPECT_TRUE(DigitDfa::Compile("[01]*1[01]{6}", 1024).has_value());
  EXPECT_FALSE(DigitDfa::Compile("[01]*1[01]{12}", 1024).has_value());
  // Deep nesting is refused, not recursed into without bound.
  EXPECT_FALSE(DigitDfa::Compile(std::string(200, '(') + "1" + std::string(200, ')')).has_value());
}

// A random pattern of the subset over the digits 0-2, up to `depth` deep.
std::string RandomPattern(std::mt19937& rng, int depth) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  std::string p;
  const int atoms = 1 + pick(3);
  for (int a = 0; a < atoms; ++a) {
    switch (depth > 0 ? pick(4) : pick(2)) {
      case 0:
        p += static_cast<char>('0' + pick(3));
        break;
      case 1:
        p += pick(2) ? R"(\d)" : (pick(2) ? "[01]" : "[0-2]");
        break;
      case 2:
        p += "(?:" + RandomPattern(rng, depth - 1) + ")";
        break;
      default:
        p += "(?:" + RandomPattern(rng, depth - 1) + "|" + RandomPattern(rng, depth - 1) + ")";
        break;
    }
    switch (pick(7)) {
      case 0: p += "?"; break;
      case 1: p += "*"; break;
      case 2: p += "+"; break;
      case 3: p += "{" + std::to_string(pick(3)) + "}"; break;
      case 4: p += "{" + std::to_string(pick(2)) + "," + std::to_string(2 + pick(2)) + "}"; break;
      case 5: p += "{" + std::to_string(pick(3)) + ",}"; break;
      default: break;
    }
  }
  return p;
}

TEST(DigitDfaTest, PrefixMatches) {
  auto idd = DigitDfa::Compile("00");
  ASSERT_TRUE(idd.has_value());
  EXPECT_TRUE(idd->PrefixFree());
  std::size_t length = 9;
  EXPECT_TRUE(idd->MatchPrefix("0049891234", &length));
  EXPECT_EQ(length, 2u);
  EXPECT_FALSE(idd->MatchPrefix("0", &length));
  EXPECT_FALSE(idd->MatchPrefix("0149", &length));
  // One match a prefix of another: not prefix-free, so RE2 says how long.
  EXPECT_FALSE(DigitDfa::Compile("0|01")->PrefixFree());
  EXPECT_FALSE(DigitDfa::Compile("1?")->PrefixFree());
  EXPECT_FALSE(DigitDfa::Compile("(?:0|1)\\d*")->PrefixFree());
  EXPECT_TRUE(DigitDfa::Compile("0(?:11|2)")->PrefixFree());
  // The empty prefix matches too.
  auto maybe = DigitDfa::Compile("1?");
  EXPECT_TRUE(maybe->MatchPrefix("23", &length));
  EXPECT_EQ(length, 0u);
}

TEST(DigitDfaTest, AgreesWithRe2OnRandomPatterns) {
  std::mt19937 rng(2026);
  std::vector<std::string> texts;
  for (int len = 0; len <= 7; ++len) {
    for (int i = 0; i < 40; ++i) {
      std::string t;
      for (int k = 0; k < len; ++k) t += static_cast<char>('0' + rng() % 3);
      texts.push_back(t);
    }
  }
  // Nested repetitions can need more states than phone patterns ever do;
  // the limit is raised so that the comparison covers them too.
  std::size_t prefix_free = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string pattern = RandomPattern(rng, 2);
    ExpectAgrees(pattern, texts, 0xffff);
    auto dfa = DigitDfa::Compile(pattern, 0xffff);
    ASSERT_TRUE(dfa.has_value()) << pattern;
    RE2 re(pattern);
    ExpectPrefixAgrees(*dfa, re, pattern, texts);
    prefix_free += dfa->PrefixFree();
  }
  EXPECT_GT(prefix_free, 50u);  // the lengths were compared too
}

// Every national number pattern libphonenumber validates with compiles, and
// agrees with RE2 on the example numbers, on them changed one digit at a
// time, cut and extended, and on random digits.
TEST(DigitDfaTest, AgreesWithRe2OnEveryPhoneMetadataPattern) {
  i18n::phonenumbers::PhoneMetadataCollection collection;
  ASSERT_TRUE(collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                        i18n::phonenumbers::metadata_size()));
  std::mt19937 rng(7);
  std::size_t patterns = 0, compiled = 0, matched = 0;
  for (const auto& m : collection.metadata()) {
    std::vector<std::string> examples;
    for (const auto* d : {&m.fixed_line(), &m.mobile(), &m.toll_free(), &m.premium_rate(),
                          &m.shared_cost(), &m.voip(), &m.personal_number(), &m.pager(),
                          &m.uan(), &m.voicemail()}) {
      if (d->has_example_number()) examples.push_back(d->example_number());
    }
    for (const auto* d : {&m.general_desc(), &m.fixed_line(), &m.mobile(), &m.toll_free(),
                          &m.premium_rate(), &m.shared_cost(), &m.voip(),
                          &m.personal_number(), &m.pager(), &m.uan(), &m.voicemail()}) {
      if (!d->has_national_number_pattern() || d->national_number_pattern().empty()) continue;
      ++patterns;
      const std::string& pattern = d->national_number_pattern();
      auto dfa = DigitDfa::Compile(pattern);
      if (!dfa) continue;
      ++compiled;
      RE2 re(pattern);
      ASSERT_TRUE(re.ok()) << pattern;
      std::vector<std::string> texts;
      for (const std::string& e : examples) {
        texts.push_back(e);
        texts.push_back(e.substr(0, e.size() - 1));
        texts.push_back(e + "1");
        for (std::size_t i = 0; i < e.size(); ++i) {
          std::string t = e;
          t[i] = static_cast<char>('0' + (t[i] - '0' + 1 + rng() % 9) % 10);
          texts.push_back(t);
        }
      }
      for (int i = 0; i < 50; ++i) {
        std::string t;
        const int len = 2 + static_cast<int>(rng() % 16);
        for (int k = 0; k < len; ++k) t += static_cast<char>('0' + rng() % 10);
        texts.push_back(t);
      }
      for (const std::string& t : texts) {
        const bool want = Re2Full(re, t);
        ASSERT_EQ(dfa->FullMatch(t), want) << m.id() << " pattern " << pattern << " text " << t;
        matched += want;
      }
    }
  }
  std::printf("%zu of %zu patterns compiled\n", compiled, patterns);
  // All of them are in the subset today; a few may leave it one day, and
  // RE2 keeps those, but most must not.
  EXPECT_GT(patterns, 1000u);
  EXPECT_GE(compiled * 100, patterns * 99) << compiled << " of " << patterns;
  EXPECT_GT(matched, 1000u);  // the comparison saw both answers
}

// The prefixes the phone fast path matches at the start of a number
// (international_prefix, national_prefix_for_parsing, leading_digits):
// MatchPrefix() agrees with RE2 on whether one matches, and on its length
// for the prefix-free ones.
TEST(DigitDfaTest, AgreesWithRe2OnEveryPhonePrefixPattern) {
  i18n::phonenumbers::PhoneMetadataCollection collection;
  ASSERT_TRUE(collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                                        i18n::phonenumbers::metadata_size()));
  std::mt19937 rng(11);
  std::size_t patterns = 0, compiled = 0, prefix_free = 0;
  for (const auto& m : collection.metadata()) {
    for (const std::string* p : {&m.international_prefix(), &m.national_prefix_for_parsing(),
                                 &m.leading_digits()}) {
      if (p->empty()) continue;
      ++patterns;
      auto dfa = DigitDfa::Compile(*p);
      if (!dfa) continue;
      ++compiled;
      prefix_free += dfa->PrefixFree();
      RE2 re(*p);
      ASSERT_TRUE(re.ok()) << *p;
      std::vector<std::string> texts;
      for (int i = 0; i < 300; ++i) {
        std::string t;
        // Half of them start with 0 or 1, as prefixes do.
        if (rng() % 2) t += static_cast<char>('0' + rng() % 2);
        const int len = static_cast<int>(rng() % 14);
        for (int k = 0; k < len; ++k) t += static_cast<char>('0' + rng() % 10);
        texts.push_back(t);
      }
      ExpectPrefixAgrees(*dfa, re, *p, texts);
    }
  }
  std::printf("%zu of %zu prefix patterns compiled, %zu prefix-free\n", compiled, patterns,
              prefix_free);
  EXPECT_GT(patterns, 300u);
  EXPECT_GE(compiled * 100, patterns * 90) << compiled << " of " << patterns;
  EXPECT_GT(prefix_free, 100u);
}

}  // namespace
}  // namespace leadroute::normalize
