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
  EXPECT_EQ(Code("Gambia, The"), "GM");
  // Alpha-3 codes in capitals, as codes are written ("USA" in any case).
  EXPECT_EQ(Code("CAN"), "CA");
  EXPECT_EQ(Code("can"), "-");
  EXPECT_EQ(Code("Nam"), "-");  // a sales region, not Namibia
  EXPECT_EQ(Code("usa"), "US");
}

// A name that reads as one country where the region's code names another
// ("Georgia" in "US-GA"): the code is the surer. Two letters stay theirs.
TEST(CountryTest, ARegionOverrulesANameThatDisagrees) {
  auto of = [](std::string_view country, std::string_view region) {
    return Normalizer::CountryOf(country, region).value_or("-");
  };
  EXPECT_EQ(of("Georgia", "US-GA"), "US");
  EXPECT_EQ(of("Georgia", ""), "GE");
  EXPECT_EQ(of("Georgia", "GE-TB"), "GE");
  EXPECT_EQ(of("Germany", "de-by"), "DE");
  EXPECT_EQ(of("GE", "US-GA"), "GE");
}

// Without a country field: the region's country, else a country's name
// after the last comma of a one-line address; a code there is a state's.
TEST(CountryTest, WithoutACountryTheRegionOrTheAddressNamesIt) {
  auto of = [](std::string_view country, std::string_view region, std::string_view street) {
    return Normalizer::CountryOf(country, region, street).value_or("-");
  };
  EXPECT_EQ(of("", "US-GA", ""), "US");
  EXPECT_EQ(of("", "de-by", ""), "DE");
  EXPECT_EQ(of("", "", "Mullanpara Road, Vythiri, 673576, India"), "IN");
  EXPECT_EQ(of("", "", "Hughes Plaza, Las Vegas, NV 89111, USA"), "US");
  EXPECT_EQ(of("", "", "12 Church Rd, Bristol, the United Kingdom "), "GB");
  EXPECT_EQ(of("", "", "12 Church Rd, Bristol, UK"), "GB");
  EXPECT_EQ(of("", "", "6781 Metaxa Forest, Athens, GA"), "-");
  // A name ISO 3166-2 also gives another country's subdivision.
  EXPECT_EQ(of("", "", "100 Peachtree St, Atlanta, Georgia"), "-");
  EXPECT_EQ(of("", "", "12 Rue des Martyrs, Arlon, Luxembourg"), "-");
  EXPECT_EQ(of("", "US-GA", "100 Peachtree St, Atlanta, Georgia"), "US");
  // A dependency ISO 3166-2 also lists under its sovereign is one place.
  EXPECT_EQ(of("", "", "Calle Fortaleza 1, San Juan, Puerto Rico"), "PR");
  EXPECT_EQ(of("", "", "Rue Schoelcher, Pointe-a-Pitre, Guadeloupe"), "GP");
  EXPECT_EQ(of("", "", "Rustaveli Ave 12, Tbilisi, Sakartvelo"), "-");
  EXPECT_EQ(of("", "", "1 Main St, Toronto, ON, CA"), "-");
  EXPECT_EQ(of("", "", "1 Rue de Rivoli, Paris, FRA"), "-");
  EXPECT_EQ(of("", "", "No 321, Street 128 Phnom Penh Cambodia"), "-");
  EXPECT_EQ(of("", "", "Hauptstr. 5"), "-");
  EXPECT_EQ(of("", "", "Hauptstr. 5,"), "-");
  // A field is the surer: the country's, then the region's.
  EXPECT_EQ(of("DE", "", "Mullanpara Road, India"), "DE");
  EXPECT_EQ(of("", "FR-75", "Mullanpara Road, India"), "FR");
  EXPECT_EQ(of("", "x", "Mullanpara Road, India"), "IN");
  // A country field that reads as none is none.
  EXPECT_EQ(of("Europe", "", "Mullanpara Road, India"), "IN");
  // A region ISO 3166-2 does not list names no country ("NA-EAST", a
  // sales region, is no Namibia).
  EXPECT_EQ(of("", "NA-EAST", ""), "-");
  EXPECT_EQ(of("", "UK-ENG", ""), "-");
  EXPECT_EQ(of("", "GB-ENG", ""), "GB");
  EXPECT_EQ(of("", " us-ga ", ""), "US");
  EXPECT_EQ(of("Georgia", "US-XX", ""), "GE");
}

// Keys read national phone numbers and addresses in the named country.
TEST(CountryTest, KeysReadTheNamedCountry) {
  auto n = Normalizer::Create();
  ASSERT_TRUE(n.ok());
  Party p;
  p.phone = "0117 496 0000";
  p.street = "12 Church Rd";
  p.postal_code = "BS1 5TR";
  p.country = "United Kingdom";
  const MatchKeys named = (*n)->Keys(p);
  p.country = "GB";
  const MatchKeys coded = (*n)->Keys(p);
  ASSERT_TRUE(coded.phone.has_value());
  EXPECT_EQ(named.phone, coded.phone);
  EXPECT_EQ(named.address, coded.address);
  EXPECT_EQ(named.country, std::optional<std::string>("GB"));
}

TEST(CountryTest, WhatNamesNoCountryIsNone) {
  for (const char* text : {"", "x", "Bavaria", "Lichtenstein", "Thenetherlands x", "123",
                           "Germany GmbH", "\xff\xfe\xfd\xfc", "the", "Europe", "The", "a.b.c"}) {
    EXPECT_EQ(Code(text), "-") << text;
  }
  EXPECT_EQ(Code(std::string(100, 'a')), "-");
}

}  // namespace
}  // namespace leadroute
