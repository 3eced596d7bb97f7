#include <gtest/gtest.h>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::IsNone;
using testing::ReadTable;
using testing::TestNormalizer;

// cases/phone.tsv: number, country hint (may be empty), E.164 ("-" for none).
TEST(PhoneNumberTest, Table) {
  auto rows = ReadTable("phone.tsv", 3);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("phone.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Phone(row.cols[0], row.cols[1]);
    if (IsNone(row.cols[2])) {
      EXPECT_FALSE(key.has_value()) << *key;
    } else {
      ASSERT_TRUE(key.has_value());
      EXPECT_EQ(*key, row.cols[2]);
    }
  }
}

}  // namespace
}  // namespace leadroute
