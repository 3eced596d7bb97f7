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
// initials keys joined by ",", swapped key.
TEST(PersonNameTest, Table) {
  auto rows = ReadTable("person.tsv", 5);
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
    if (!row.cols[3].empty()) {
      EXPECT_EQ(Join(key->Initials()), row.cols[3]);
    }
    if (!row.cols[4].empty()) {
      EXPECT_EQ(key->swapped, row.cols[4]);
    }
  }
}

TEST(PersonNameTest, SwappedNamesAgree) {
  auto a = TestNormalizer().Person("Bob", "Smith");
  auto b = TestNormalizer().Person("Smith", "Robert");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->full, "robert smith");
  EXPECT_EQ(b->swapped, "robert smith");
  EXPECT_EQ(a->swapped, "smith bob");
  // Surnames are never taken for nicknames: Frank stays Frank.
  EXPECT_EQ(TestNormalizer().Person("Anne", "Frank")->full.substr(0, 1), "a");
  EXPECT_NE(TestNormalizer().Person("Anne", "Frank")->full.find("frank"),
            std::string::npos);
}

}  // namespace
}  // namespace leadroute
