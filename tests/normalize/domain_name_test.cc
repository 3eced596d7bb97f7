#include <gtest/gtest.h>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::ReadTable;
using testing::TestNormalizer;

// cases/domain.tsv: URL/host/email, registrable domain ("-" for none).
TEST(DomainNameTest, Table) {
  auto rows = ReadTable("domain.tsv", 2);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("domain.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    auto key = TestNormalizer().Domain(row.cols[0]);
    testing::ExpectKey(key, row.cols[1]);
  }
}

// Each thread remembers its last few hosts' answers: the table read in
// every order (forwards, backwards, each row twice in a row) gives the same
// keys as it does once, for hosts with a key and without.
TEST(DomainNameTest, RememberedHostsAnswerAsTheFirstTime) {
  auto rows = ReadTable("domain.tsv", 2);
  ASSERT_GT(rows.size(), 100u);
  auto expect = [](const testing::Row& row) {
    SCOPED_TRACE("domain.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    testing::ExpectKey(TestNormalizer().Domain(row.cols[0]), row.cols[1]);
  };
  for (const auto& row : rows) {
    expect(row);
    expect(row);
  }
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) expect(*it);
  // A host seen as a domain, then in an email address, and the reverse.
  EXPECT_EQ(TestNormalizer().Domain("shop.acme.co.uk").value_or("-"), "acme.co.uk");
  auto email = TestNormalizer().Email("j.doe@shop.acme.co.uk");
  ASSERT_TRUE(email.has_value());
  EXPECT_EQ(email->domain.value_or("-"), "acme.co.uk");
  EXPECT_FALSE(TestNormalizer().Email("j.doe@example.invalidtld").has_value());
  EXPECT_FALSE(TestNormalizer().Domain("example.invalidtld").has_value());
  EXPECT_FALSE(TestNormalizer().Domain("co.uk").has_value());
  EXPECT_FALSE(TestNormalizer().Domain("co.uk").has_value());
}

}  // namespace
}  // namespace leadroute
