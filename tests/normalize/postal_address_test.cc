#include <gtest/gtest.h>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::ReadTable;
using testing::TestNormalizer;

// cases/address.tsv: street, postal code, city, country, key ("-" for none).
TEST(PostalAddressTest, Table) {
  auto rows = ReadTable("address.tsv", 5);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("address.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Address(row.cols[0], row.cols[1], row.cols[2],
                                        row.cols[3]);
    testing::ExpectKey(key, row.cols[4]);
  }
}

// cases/postal.tsv: postal code, country, canonical ("-" for none).
TEST(PostalAddressTest, PostalCodeTable) {
  auto rows = ReadTable("postal.tsv", 3);
  ASSERT_GT(rows.size(), 50u);
  for (const auto& row : rows) {
    SCOPED_TRACE("postal.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().PostalCode(row.cols[0], row.cols[1]);
    testing::ExpectKey(key, row.cols[2]);
  }
}

// The postal code and city a street line carries become the party's where
// their fields are empty; the street's parts are kept without any place.
TEST(PostalAddressTest, OneLineAddressesFillTheEmptyFields) {
  struct Case {
    const char* street;
    const char* postal_code;  // the fields given
    const char* city;
    const char* country;
    const char* want_postal;  // "-": none
    const char* want_city;
  };
  const Case cases[] = {
      {"6371 E Foothill Dr, Orroville, CA 95915", "", "", "", "95915", "orroville"},
      {"18 Danver Place, Loughborough, Leicestershire, LE11 1UU, United Kingdom", "", "", "",
       "LE111UU", "loughborough"},
      // Words of one or two letters after the code are part of the city.
      {"Rosenbergstrasse 12, 9000 St. Gallen", "", "", "CH", "9000", "stgallen"},
      {"12 Rue de la Paix, 76600 Le Havre", "", "", "FR", "76600", "lehavre"},
      {"Leopoldstr. 1, D-80331 München", "", "", "", "80331", "munchen"},
      // Fields win.
      {"6371 E Foothill Dr, Orroville, CA 95915", "95916", "Oroville", "", "95916", "oroville"},
      // No place at all.
      {"445 Overpass Rd", "", "", "", "-", "-"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.street);
    Party p;
    p.street = c.street;
    p.postal_code = c.postal_code;
    p.city = c.city;
    p.country = c.country;
    const MatchKeys keys = TestNormalizer().Keys(p);
    EXPECT_EQ(keys.postal_code.value_or("-"), c.want_postal);
    EXPECT_EQ(keys.city.value_or("-"), c.want_city);
  }
  // The street's parts, with a place and without (then no address key).
  Party p;
  p.street = "6371 E Foothill Dr, Orroville, CA 95915";
  MatchKeys keys = TestNormalizer().Keys(p);
  EXPECT_EQ(keys.street.value_or("-"), "eastfoothilldrive");
  EXPECT_EQ(keys.house_number.value_or("-"), "6371");
  p.street = "445 Overpass Rd";
  keys = TestNormalizer().Keys(p);
  EXPECT_FALSE(keys.address.has_value());
  EXPECT_EQ(keys.street.value_or("-"), "overpassroad");
  EXPECT_EQ(keys.house_number.value_or("-"), "445");
}

// A street without a house number still names its street where its last
// word is a street type (febrl: "robertson street" against "robertson
// street", 287 of 5,000 duplicates without their number); no address key,
// which names a house. A part with a number is the street before one
// without ("Hughes Plaza, 100 Howard Hughes Way").
TEST(PostalAddressTest, AStreetWithoutANumberIsAStreet) {
  struct Case {
    const char* street;
    const char* want_street;  // "-": none
    const char* want_number;
  };
  const Case cases[] = {
      {"robertson street", "robertsonstreet", "-"},
      {"May Maxwell Cres", "maymaxwellcrescent", "-"},
      {"Robertson Street, Helensburgh", "robertsonstreet", "-"},
      {"Hughes Plaza, 100 Howard Hughes Way, Las Vegas, NV 89111", "howardhughesway", "100"},
      {"Chinatown Point, 133 New Bridge Road", "newbridgeroad", "133"},
      // A later part's number is a postal code's where that part names no
      // street type: the street without a number is the street.
      {"Main Street, Springfield, IL 62701", "mainstreet", "-"},
      {"Robertson Street, Helensburgh NSW 2508", "robertsonstreet", "-"},
      {"c/o Meier, Hauptstrasse 5", "hauptstrasse", "5"},
      // No thoroughfare's type last, or only the type: no street.
      {"thompson polace", "-", "-"},
      {"Palm Beach", "-", "-"},
      {"Sydney North", "-", "-"},
      {"World Trade Center", "-", "-"},
      {"Street", "-", "-"},
      {"Phnom Penh Cambodia", "-", "-"},
      {"Suite 900", "-", "-"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.street);
    Party p;
    p.street = c.street;
    p.postal_code = "2515";
    p.city = "Helensburgh";
    p.country = "AU";
    const MatchKeys keys = TestNormalizer().Keys(p);
    EXPECT_EQ(keys.street.value_or("-"), c.want_street);
    EXPECT_EQ(keys.house_number.value_or("-"), c.want_number);
    EXPECT_EQ(keys.address.has_value(), std::string_view(c.want_number) != "-");
  }
  // The place after a street without a number is read from the line.
  Party p;
  p.street = "Main Street, Springfield, IL 62701";
  p.country = "US";
  const MatchKeys keys = TestNormalizer().Keys(p);
  EXPECT_EQ(keys.postal_code.value_or("-"), "62701");
  EXPECT_EQ(keys.city.value_or("-"), "springfield");
}

}  // namespace
}  // namespace leadroute
