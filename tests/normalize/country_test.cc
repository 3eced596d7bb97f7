// Normalizer::Country: codes and the names CRM and marketing-automation
// country fields hold.
#include <gtest/gtest.h>

#include "leadroute/normalizer.h"

namespace leadroute {
namespace {

std::string Code(std::string_view text) { return Normalizer::Country(text).value_or("-"); }

TEST(CountryTest, CodesAndNames) {
  EXPECT_EQ(Code("de"), "DE");
  EXPECT_EQ(Code(" DE "), "DE");
  EXPECT_EQ(Code("UK"), "GB");  // ISO 3166 reserves it for GB
  // ISO 3166-1's alpha-3 codes, names, common and official names.
  EXPECT_EQ(Code("DEU"), "DE");
  EXPECT_EQ(Code("Germany"), "DE");
  EXPECT_EQ(Code("Federal Republic of Germany"), "DE");
  EXPECT_EQ(Code("Viet Nam"), "VN");
  EXPECT_EQ(Code("Vietnam"), "VN");
  EXPECT_EQ(Code("Korea, Republic of"), "KR");
  EXPECT_EQ(Code("usa"), "US");
  EXPECT_EQ(Code("United States"), "US");
  // Folded to ASCII letters and digits, without a leading "the".
  EXPECT_EQ(Code("U.S.A."), "US");
  EXPECT_EQ(Code("UNITED  KINGDOM"), "GB");
  EXPECT_EQ(Code("Côte d'Ivoire"), "CI");
  EXPECT_EQ(Code("cote divoire"), "CI");
  EXPECT_EQ(Code("The Netherlands"), "NL");
  EXPECT_EQ(Code("Türkiye"), "TR");
  // Everyday names ISO 3166-1 does not list (country_aliases.tsv).
  EXPECT_EQ(Code("Russia"), "RU");
  EXPECT_EQ(Code("Great Britain"), "GB");
  EXPECT_EQ(Code("Holland"), "NL");
  EXPECT_EQ(Code("Turkey"), "TR");
}

TEST(CountryTest, WhatNamesNoCountryIsNone) {
  for (const char* text : {"", "x", "Bavaria", "Lichtenstein", "Thenetherlands x", "123",
                           "Germany GmbH", "\xff\xfe", "the", "Europe"}) {
    EXPECT_EQ(Code(text), "-") << text;
  }
  EXPECT_EQ(Code(std::string(100, 'a')), "-");
}

}  // namespace
}  // namespace leadroute
