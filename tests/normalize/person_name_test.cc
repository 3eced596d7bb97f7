#include <gtest/gtest.h>

#include "normalize/table.h"

namespace leadroute {
namespace {

using testing::IsNone;
using testing::ReadTable;
using testing::TestNormalizer;

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// cases/person.tsv: first name, last name, full key ("-" for none),
// initials keys joined by ",".
TEST(PersonNameTest, Table) {
  auto rows = ReadTable("person.tsv", 4);
  ASSERT_GT(rows.size(), 100u);
  for (const auto& row : rows) {
    SCOPED_TRACE("person.tsv:" + std::to_string(row.line) + " " + row.cols[0] +
                 " " + row.cols[1]);
    auto key = TestNormalizer().Person(row.cols[0], row.cols[1]);
    if (IsNone(row.cols[2])) {
      EXPECT_FALSE(key.has_value()) << key->full;
      continue;
    }
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->full, row.cols[2]);
    if (!row.cols[3].empty()) EXPECT_EQ(Join(key->initials), row.cols[3]);
  }
}

TEST(PersonNameTest, SwappedNamesAgree) {
  auto a = TestNormalizer().Person("Bob", "Smith");
  auto b = TestNormalizer().Person("Smith", "Robert");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->full, b->full);
}

}  // namespace
}  // namespace leadroute
