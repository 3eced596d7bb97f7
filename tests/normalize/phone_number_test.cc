#include <gtest/gtest.h>

#include "normalize/phone_number.h"
#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::ReadTable;
using testing::TestNormalizer;

// cases/phone.tsv: number, country hint (may be empty), E.164 ("-" for none).
TEST(PhoneNumberTest, Table) {
  auto rows = ReadTable("phone.tsv", 3);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("phone.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Phone(row.cols[0], row.cols[1]);
    testing::ExpectKey(key, row.cols[2]);
    // A key reads back as itself, and libphonenumber gives the same.
    if (key) {
      EXPECT_EQ(TestNormalizer().Phone(*key, ""), key);
    }
    EXPECT_EQ(normalize::PhoneKeyLibphonenumber(row.cols[0], row.cols[1]), key);
  }
}

}  // namespace
}  // namespace leadroute

#include "normalize/phone_number.h"

namespace leadroute::normalize {
namespace {

TEST(PhoneKeyCacheTest, AnswersAsPhoneKeyDoesAndStaysBounded) {
  PhoneKeyCache cache(32);
  auto rows = testing::ReadTable("phone.tsv", 3);
  for (int pass = 0; pass < 2; ++pass) {  // misses, then (some) hits
    for (const auto& row : rows) {
      SCOPED_TRACE(row.cols[0]);
      EXPECT_EQ(cache.Get(row.cols[0], row.cols[1]),
                PhoneKey(row.cols[0], row.cols[1]));
    }
  }
  // The same number with another region hint is another entry.
  EXPECT_EQ(cache.Get("089 1234567", "DE"), "+49891234567");
  EXPECT_EQ(cache.Get("089 1234567", ""), std::nullopt);
}

}  // namespace
}  // namespace leadroute::normalize
