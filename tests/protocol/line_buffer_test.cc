#include "protocol/line_buffer.h"

#include <gtest/gtest.h>

#include <cstring>

namespace leadroute::protocol {
namespace {

void Feed(LineBuffer* b, std::string_view bytes) {
  auto span = b->Writable(bytes.size());
  ASSERT_GE(span.size(), bytes.size());
  std::memcpy(span.data(), bytes.data(), bytes.size());
  b->Commit(bytes.size());
}

TEST(LineBufferTest, SplitsLinesAndStripsCarriageReturn) {
  LineBuffer b(100);
  Feed(&b, "one\r\ntwo\nthr");
  std::string_view line;
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "one");
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "two");
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kNeedMore);
  Feed(&b, "ee\n\n");
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "three");
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "");
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kNeedMore);
  EXPECT_EQ(b.pending(), 0u);
}

TEST(LineBufferTest, OverlongLineIsReportedOnceAndSkipped) {
  LineBuffer b(8);
  Feed(&b, "0123456789");
  std::string_view line;
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kTooLong);
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kNeedMore);
  Feed(&b, std::string(1000, 'x'));  // the same line goes on: discarded
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kNeedMore);
  EXPECT_LT(b.pending(), 100u);
  Feed(&b, "tail\nok\n");
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "ok");
}

TEST(LineBufferTest, OverlongCompleteLineIsTooLong) {
  LineBuffer b(4);
  Feed(&b, "12345\nok\n");
  std::string_view line;
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kTooLong);
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "ok");
}

// "\r\n" is tolerated: its '\r' does not count against the limit (a line
// of exactly max_line bytes was too long with "\r\n" and fine with "\n").
TEST(LineBufferTest, TheCarriageReturnOfCrLfDoesNotCountAgainstTheLimit) {
  LineBuffer b(4);
  std::string_view line;
  Feed(&b, "1234\r");  // the line so far, its '\r' included: not too long yet
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kNeedMore);
  Feed(&b, "\n12345\r\n");
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "1234");
  EXPECT_EQ(b.NextLine(&line), LineBuffer::Next::kTooLong);
  EXPECT_EQ(b.lines(), 2u);  // both counted, the one too long too
}

TEST(LineBufferTest, ManySmallReadsKeepMemoryBounded) {
  LineBuffer b(64);
  std::string_view line;
  for (int i = 0; i < 100000; ++i) {
    Feed(&b, "abc\n");
    ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
    ASSERT_EQ(line, "abc");
  }
  EXPECT_EQ(b.pending(), 0u);
}

// Regression: a buffer kept the room of the longest line it ever held, so
// an idle connection that once sent a bulk load held up to max_line bytes.
TEST(LineBufferTest, AnEmptyBufferGivesBackWhatALongLineGrewIt) {
  LineBuffer b(1 << 20);
  const std::string long_line(300000, 'x');
  Feed(&b, long_line + "\n");
  std::string_view line;
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line.size(), long_line.size());
  EXPECT_GE(b.capacity(), long_line.size());
  Feed(&b, "short\n");
  EXPECT_LE(b.capacity(), LineBuffer::kKeptCapacity);
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, "short");
  // Not while a line is still being received: its bytes stay.
  Feed(&b, long_line);
  Feed(&b, "y\n");
  ASSERT_EQ(b.NextLine(&line), LineBuffer::Next::kLine);
  EXPECT_EQ(line, long_line + "y");
}

}  // namespace
}  // namespace leadroute::protocol
