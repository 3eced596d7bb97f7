#include "util/log.h"

#include <gtest/gtest.h>

namespace leadroute {
namespace {

TEST(LogTest, OneEscapedJsonObjectPerLine) {
  EXPECT_EQ(LogLine("error", "reload \"failed\"\nline 2", {{"file", "a\\b"}, {"n", "3"}}),
            "{\"level\":\"error\",\"msg\":\"reload \\\"failed\\\"\\u000aline 2\","
            "\"file\":\"a\\\\b\",\"n\":\"3\"}\n");
}

}  // namespace
}  // namespace leadroute
