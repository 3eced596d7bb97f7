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
  Party p;
  p.street = "6371 E Foothill Dr, Orroville, CA 95915";
  MatchKeys keys = TestNormalizer().Keys(p);
  EXPECT_EQ(keys.postal_code.value_or("-"), "95915");
  EXPECT_EQ(keys.city.value_or("-"), "orroville");
  EXPECT_EQ(keys.street.value_or("-"), "eastfoothilldrive");
  EXPECT_EQ(keys.house_number.value_or("-"), "6371");

  p.street = "18 Danver Place, Loughborough, Leicestershire, LE11 1UU, United Kingdom";
  keys = TestNormalizer().Keys(p);
  EXPECT_EQ(keys.postal_code.value_or("-"), "LE111UU");
  EXPECT_EQ(keys.city.value_or("-"), "loughborough");

  // Words of one or two letters after the code are part of the city.
  Party ch;
  ch.street = "Rosenbergstrasse 12, 9000 St. Gallen";
  ch.country = "CH";
  keys = TestNormalizer().Keys(ch);
  EXPECT_EQ(keys.postal_code.value_or("-"), "9000");
  EXPECT_EQ(keys.city.value_or("-"), "stgallen");
  ch.street = "12 Rue de la Paix, 76600 Le Havre";
  ch.country = "FR";
  keys = TestNormalizer().Keys(ch);
  EXPECT_EQ(keys.postal_code.value_or("-"), "76600");
  EXPECT_EQ(keys.city.value_or("-"), "lehavre");
  ch.street = "Leopoldstr. 1, D-80331 München";
  ch.country.clear();
  keys = TestNormalizer().Keys(ch);
  EXPECT_EQ(keys.postal_code.value_or("-"), "80331");
  EXPECT_EQ(keys.city.value_or("-"), "munchen");

  // Fields win.
  p.street = "6371 E Foothill Dr, Orroville, CA 95915";
  p.postal_code = "95916";
  p.city = "Oroville";
  keys = TestNormalizer().Keys(p);
  EXPECT_EQ(keys.postal_code.value_or("-"), "95916");
  EXPECT_EQ(keys.city.value_or("-"), "oroville");

  // No place: the street without an address key.
  Party q;
  q.street = "445 Overpass Rd";
  keys = TestNormalizer().Keys(q);
  EXPECT_FALSE(keys.address.has_value());
  EXPECT_FALSE(keys.postal_code.has_value());
  EXPECT_FALSE(keys.city.has_value());
  EXPECT_EQ(keys.street.value_or("-"), "overpassroad");
  EXPECT_EQ(keys.house_number.value_or("-"), "445");
}

}  // namespace
}  // namespace leadroute
