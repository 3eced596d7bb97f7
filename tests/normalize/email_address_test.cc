#include <gtest/gtest.h>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::IsNone;
using testing::ReadTable;
using testing::TestNormalizer;

// cases/email.tsv: address, mailbox ("-" for none), company domain ("-" for
// none), "freemail" or "corporate".
TEST(EmailAddressTest, Table) {
  auto rows = ReadTable("email.tsv", 4);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("email.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Email(row.cols[0]);
    if (IsNone(row.cols[1])) {
      EXPECT_FALSE(key.has_value()) << key->mailbox;
      continue;
    }
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->mailbox, row.cols[1]);
    if (IsNone(row.cols[2])) {
      EXPECT_FALSE(key->domain.has_value()) << *key->domain;
    } else {
      ASSERT_TRUE(key->domain.has_value());
      EXPECT_EQ(*key->domain, row.cols[2]);
    }
    EXPECT_EQ(key->freemail, row.cols[3] == "freemail");
  }
}

}  // namespace
}  // namespace leadroute
