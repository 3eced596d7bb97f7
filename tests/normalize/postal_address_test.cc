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

}  // namespace
}  // namespace leadroute
