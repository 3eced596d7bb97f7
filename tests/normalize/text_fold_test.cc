#include "normalize/text_fold.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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


// ASCII text folds byte by byte: letters to lower case, controls to a
// space, the rest as it is; one byte outside ASCII anywhere (the check reads
// eight bytes at a time) sends the text the Unicode way.
TEST(TextFoldTest, AsciiBytesAtEveryPosition) {
  for (int c = 1; c < 128; ++c) {
    const char ch = static_cast<char>(c);
    const char want = (c < 0x20 || c == 0x7F) ? ' ' : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : ch;
    for (std::size_t len = 1; len <= 20; ++len) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string in(len, 'Q');
        in[at] = ch;
        std::string out;
        ASSERT_TRUE(FoldToAscii(in, &out));
        std::string expected(len, 'q');
        expected[at] = want;
        ASSERT_EQ(out, expected) << c << " at " << at << " of " << len;
        // An accented letter in place of the byte: folded, not copied.
        in[at] = '\xC3';
        in.insert(at + 1, 1, '\xA9');  // é
        ASSERT_TRUE(FoldToAscii(in, &out));
        expected[at] = 'e';
        ASSERT_EQ(out, expected) << "é at " << at << " of " << len;
      }
    }
  }
}

// FoldsToItself() says yes exactly where FoldToAscii() would only
// lower-case and space controls: a byte at 0x80 or above, or a NUL, at any
// position (it reads eight bytes at a time) says no, and so does an input
// FoldToAscii() rejects for its length.
TEST(TextFoldTest, FoldsToItselfExactlyWhereFoldingOnlyLowerCases) {
  EXPECT_TRUE(FoldsToItself(""));
  EXPECT_TRUE(FoldsToItself(std::string(kMaxFoldInput, 'A')));
  EXPECT_FALSE(FoldsToItself(std::string(kMaxFoldInput + 1, 'a')));
  for (int c = 0; c < 256; ++c) {
    for (std::size_t len = 1; len <= 20; ++len) {
      for (std::size_t at = 0; at < len; ++at) {
        std::string in(len, 'Q');
        in[at] = static_cast<char>(c);
        std::string out;
        const bool folds = FoldToAscii(in, &out);
        std::string lowered = in;
        for (char& ch : lowered) {
          const auto u = static_cast<unsigned char>(ch);
          ch = (u < 0x20 || u == 0x7F) ? ' ' : AsciiLower(ch);
        }
        const bool itself = folds && out == lowered;
        ASSERT_EQ(FoldsToItself(in), itself && c < 0x80) << c << " at " << at << " of " << len;
      }
    }
  }
}

// The Latin shortcut folds letter by letter what the general path folds
// whole: every pair of two-byte code points (U+0080 to U+07FF: those the
// shortcut takes and those it leaves to the general path) between and
// beside ASCII letters, spaces and punctuation, and cut or bad sequences.
TEST(TextFoldTest, LatinLettersFoldAsTheGeneralPathFoldsThem) {
  auto utf8 = [](char32_t cp) {
    return std::string{static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
  };
  auto expect_same = [](const std::string& in) {
    std::string fast, general;
    const bool a = FoldToAscii(in, &fast);
    const bool b = FoldToAsciiGenerally(in, &general);
    ASSERT_EQ(a, b) << in;
    if (a) {
      ASSERT_EQ(fast, general) << in;
    }
  };
  std::vector<std::string> letters;
  for (char32_t cp = 0x80; cp < 0x800; ++cp) letters.push_back(utf8(cp));
  for (const std::string& x : letters) {
    for (const char* around : {"", "A", "e", " ", ".", "1"}) {
      ASSERT_NO_FATAL_FAILURE(expect_same(around + x + around));
      ASSERT_NO_FATAL_FAILURE(expect_same(x + "Mu" + x + "ller" + x));
    }
    ASSERT_NO_FATAL_FAILURE(expect_same(x.substr(0, 1)));        // cut short
    ASSERT_NO_FATAL_FAILURE(expect_same(x.substr(0, 1) + "a"));  // no continuation
    ASSERT_NO_FATAL_FAILURE(expect_same(x + "\xCC\x81"));        // a combining mark after
  }
  for (std::size_t i = 0; i < 0x250 - 0x80; ++i) {
    for (std::size_t j = 0; j < 0x250 - 0x80; ++j) {
      ASSERT_NO_FATAL_FAILURE(expect_same(letters[i] + letters[j]));
    }
  }
  std::string out;
  ASSERT_TRUE(FoldToAscii("Müller Straße Łódź Æsir ĳssel", &out));
  EXPECT_EQ(out, "muller strasse lodz aesir ijssel");
}

}  // namespace
}  // namespace leadroute::normalize
