// Every normalizer on hostile input: the answer is "no key", never a crash or
// a hang. (The fuzz targets in fuzz/ explore further.)
#include <gtest/gtest.h>

#include <random>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::TestNormalizer;

const std::vector<std::string>& Junk() {
  static const std::vector<std::string> junk = {
      "",
      " ",
      "\t\r\n",
      std::string(1 << 20, 'a'),                   // 1 MiB
      std::string(1 << 20, '.'),
      std::string("acme\0gmbh", 9),                // NUL byte
      std::string("\0", 1),
      "\xC3\x28",                                  // invalid UTF-8
      "\xFF\xFE\xFD",
      "acme\xE2\x82",                              // truncated sequence
      "\xED\xA0\x80",                              // surrogate
      "\xF4\x90\x80\x80",                          // beyond U+10FFFF
      "\xC0\xAF",                                  // overlong '/'
      "...,;;--//()",                              // only punctuation
      "@",
      "@@@",
      "+",
      "\xF0\x9F\x98\x80\xF0\x9F\x9A\x80",          // emoji only
      "\xE2\x80\x8F\xE2\x80\xAE",                  // RLM + RLO controls
      "\xD8\xB4\xD8\xB1\xD9\x83\xD8\xA9",          // Arabic "sharika"
      "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",          // Hebrew
      std::string(5000, '\xE2') ,                  // a lead byte, repeated
  };
  return junk;
}

// Junk of these kinds must never produce a key.
bool MustBeNone(const std::string& s) {
  return s.find('\0') != std::string::npos || s.size() > 4096 ||
         s == "\xC3\x28" || s == "\xFF\xFE\xFD" || s == "acme\xE2\x82" ||
         s == "\xED\xA0\x80" || s == "\xF4\x90\x80\x80" || s == "\xC0\xAF" ||
         s.empty() || s == " " || s == "\t\r\n" || s == "...,;;--//()" ||
         s == "@" || s == "@@@" || s == "+";
}

TEST(BadInputTest, NoNormalizerAcceptsJunk) {
  const Normalizer& n = TestNormalizer();
  for (const auto& s : Junk()) {
    SCOPED_TRACE(::testing::PrintToString(s.substr(0, 32)));
    auto company = n.Company(s);
    auto domain = n.Domain(s);
    auto email = n.Email(s);
    auto phone = n.Phone(s, "DE");
    auto person = n.Person(s, s);
    auto address = n.Address(s, s, s, "DE");
    auto postal = n.PostalCode(s, "");
    if (MustBeNone(s)) {
      EXPECT_FALSE(company);
      EXPECT_FALSE(domain);
      EXPECT_FALSE(email);
      EXPECT_FALSE(phone);
      EXPECT_FALSE(person);
      EXPECT_FALSE(address);
      EXPECT_FALSE(postal);
    }
  }
}

TEST(BadInputTest, KeysAreAsciiAndBounded) {
  // Seeded random byte strings and mutations of real values: whatever comes
  // out is printable ASCII of bounded length.
  const Normalizer& n = TestNormalizer();
  std::mt19937 rng(20261128);
  const std::vector<std::string> seeds = {
      "ACME Deutschland GmbH", "https://www.acme.co.uk/x", "J.Doe+x@acme.de",
      "+49 89 1234567", "Leopoldstr. 1", "Société Générale S.A.",
      "株式会社東芝", "ООО Ромашка"};
  auto check = [](const std::optional<std::string>& key) {
    if (!key) return;
    EXPECT_LE(key->size(), 4096u);
    for (char c : *key) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7F) << ::testing::PrintToString(*key);
    }
  };
  for (int i = 0; i < 3000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const std::size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0: s[pos] = static_cast<char>(rng() & 0xFF); break;
        case 1: s.insert(pos, 1, static_cast<char>(rng() & 0xFF)); break;
        default: s.erase(pos, 1); break;
      }
    }
    check(n.Company(s));
    check(n.Domain(s));
    if (auto e = n.Email(s)) check(e->mailbox);
    check(n.Phone(s, "US"));
    if (auto p = n.Person(s, s)) check(p->full);
    check(n.Address(s, s, s, "GB"));
  }
}

}  // namespace
}  // namespace leadroute

namespace leadroute {
namespace {

// Found by fuzz_email: a tag cut leaving a trailing dot gave a mailbox that
// did not normalize to itself.
TEST(BadInputRegressionTest, EmailTagCutLeavingTrailingDot) {
  EXPECT_FALSE(TestNormalizer().Email("e/<J$$$$*$D.+inato@1.cool>"));
  EXPECT_FALSE(TestNormalizer().Email("j.+x@acme.de"));
  // A combining mark that folds away, exposing a leading dot.
  EXPECT_FALSE(TestNormalizer().Email("\xDB\xAB.de@e.de"));
  // "±" folds to "+/-": the tag is cut after folding, leaving nothing.
  EXPECT_FALSE(TestNormalizer().Email("\xC2\xB1@e.de"));
  auto ok = TestNormalizer().Email("j.d+x@acme.de");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->mailbox, "j.d@acme.de");
}

// Found by fuzz_address: a country of two non-letter bytes leaked into the
// key unvalidated.
TEST(BadInputRegressionTest, AddressCountryMustBeTwoLetters) {
  auto key = TestNormalizer().Address("Leopoldstr. 1", "80331", "München",
                                      "\xC0" "E");
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, "|80331|leopoldstrasse|1");
  EXPECT_EQ(*TestNormalizer().Address("Leopoldstr. 1", "80331", "", "de"),
            "de|80331|leopoldstrasse|1");
}

}  // namespace
}  // namespace leadroute
