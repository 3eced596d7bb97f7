#include <gtest/gtest.h>

#include "normalize/company_name.h"
#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::ReadTable;
using testing::TestNormalizer;

// cases/company.tsv: name, key ("-" for none).
TEST(CompanyNameTest, Table) {
  auto rows = ReadTable("company.tsv", 2);
  ASSERT_GT(rows.size(), 200u);
  for (const auto& row : rows) {
    SCOPED_TRACE("company.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Company(row.cols[0]);
    testing::ExpectKey(key, row.cols[1]);
  }
}

// cases/company_pairs.tsv: name a, name b, "same" or "different".
TEST(CompanyNameTest, Pairs) {
  auto rows = ReadTable("company_pairs.tsv", 3);
  ASSERT_GT(rows.size(), 30u);
  for (const auto& row : rows) {
    SCOPED_TRACE("company_pairs.tsv:" + std::to_string(row.line));
    auto a = TestNormalizer().Company(row.cols[0]);
    auto b = TestNormalizer().Company(row.cols[1]);
    ASSERT_TRUE(a && b);
    if (row.cols[2] == "same") {
      EXPECT_EQ(*a, *b);
    } else {
      EXPECT_NE(*a, *b);
    }
  }
}

TEST(CompanyNameTest, TokenizerJoinsInitialismsAndDropsConnectives) {
  std::vector<std::string> t;
  normalize::TokenizeName("i.b.m. & co", &t);
  EXPECT_EQ(t, (std::vector<std::string>{"ibm", "co"}));
  normalize::TokenizeName("the mcdonald's company", &t);
  EXPECT_EQ(t, (std::vector<std::string>{"mcdonalds", "company"}));
  normalize::TokenizeName("the", &t);
  EXPECT_EQ(t, (std::vector<std::string>{"the"}));
}

TEST(CompanyNameTest, TokensDropGenericWords) {
  EXPECT_EQ(TestNormalizer().CompanyTokens("ACME Deutschland Holding GmbH"),
            (std::vector<std::string>{"acme"}));
  EXPECT_TRUE(TestNormalizer().CompanyTokens("").empty());
}

}  // namespace
}  // namespace leadroute
