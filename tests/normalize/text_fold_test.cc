#include "normalize/text_fold.h"

#include <gtest/gtest.h>

#include "normalize/table.h"

namespace leadroute::normalize {
namespace {

using testing::IsNone;
using testing::ReadTable;

// cases/fold.tsv: input, folded text ("-" when rejected).
TEST(TextFoldTest, Table) {
  auto rows = ReadTable("fold.tsv", 2);
  ASSERT_GT(rows.size(), 50u);
  for (const auto& row : rows) {
    SCOPED_TRACE("fold.tsv:" + std::to_string(row.line) + " " + row.cols[0]);
    std::string out;
    const bool ok = FoldToAscii(row.cols[0], &out);
    if (IsNone(row.cols[1])) {
      EXPECT_FALSE(ok);
    } else {
      ASSERT_TRUE(ok);
      EXPECT_EQ(out, row.cols[1]);
    }
  }
}

TEST(TextFoldTest, RejectsNulInvalidUtf8AndOverlongInput) {
  std::string out;
  EXPECT_FALSE(FoldToAscii(std::string_view("ab\0c", 4), &out));
  EXPECT_FALSE(FoldToAscii("\xC3\x28", &out));
  EXPECT_FALSE(FoldToAscii("\xED\xA0\x80", &out));  // a UTF-16 surrogate
  EXPECT_FALSE(FoldToAscii(std::string(kMaxFoldInput + 1, 'a'), &out));
  EXPECT_TRUE(FoldToAscii(std::string(kMaxFoldInput, 'a'), &out));
}

TEST(TextFoldTest, TrimAscii) {
  EXPECT_EQ(TrimAscii("  a b \t\r\n"), "a b");
  EXPECT_EQ(TrimAscii(" \t "), "");
  EXPECT_EQ(TrimAscii(""), "");
}

}  // namespace
}  // namespace leadroute::normalize
