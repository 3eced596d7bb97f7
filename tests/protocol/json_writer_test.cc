#include "protocol/json_writer.h"

#include <gtest/gtest.h>

#include <limits>

namespace leadroute::protocol {
namespace {

TEST(JsonWriterTest, NestedObjectsAndArraysGetCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("a", std::int64_t{1});
  w.Key("b");
  w.BeginArray();
  w.String("x");
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Field("c", true);
  w.EndObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",null,{}],"c":true})");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControls) {
  std::string out;
  JsonWriter w(&out);
  w.String(std::string("a\"b\\c\n\x01\x1f", 8));
  EXPECT_EQ(out, R"("a\"b\\c\n\u0001\u001f")");
}

// Escaping looks at eight bytes at a time: every byte value, at every
// position of strings of every length up to 70 (past the short strings
// copied through a buffer), as values and as keys, against a byte-by-byte
// reference.
TEST(JsonWriterTest, EscapesEveryByteAtEveryPosition) {
  auto reference = [](std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\b') {
        out += "\\b";
      } else if (c == '\f') {
        out += "\\f";
      } else if (c < 0x20) {
        const char* hex = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
    return out + "\"";
  };
  for (std::size_t len = 1; len <= 70; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string s(len, 'x');
        s[at] = static_cast<char>(byte);
        if (at + 9 < len) s[at + 9] = static_cast<char>(0xC3);  // UTF-8 lead byte
        std::string out;
        JsonWriter(&out).String(s);
        ASSERT_EQ(out, reference(s)) << "length " << len << ", byte " << byte << " at " << at;
        out.clear();
        JsonWriter w(&out);
        w.BeginObject();
        w.Key(s);
        w.Null();
        w.EndObject();
        std::string want = reference(s);
        want.insert(0, 1, '{');
        want.append(":null}");
        ASSERT_EQ(out, want) << "key of length " << len;
      }
    }
  }
  std::string out;
  JsonWriter(&out).String("");
  EXPECT_EQ(out, "\"\"");
}

TEST(JsonWriterTest, NumbersRoundTripAndNonFiniteIsNull) {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  w.Double(0.1);
  w.Double(std::numeric_limits<double>::infinity());
  w.Int(std::numeric_limits<std::int64_t>::min());
  w.Uint(std::numeric_limits<std::uint64_t>::max());
  w.EndArray();
  EXPECT_EQ(out, "[0.1,null,-9223372036854775808,18446744073709551615]");
}

TEST(JsonWriterTest, OptionalFieldIsNullWhenAbsent) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Field("k", std::optional<std::string>());
  w.Field("v", std::optional<std::string>("x"));
  w.EndObject();
  EXPECT_EQ(out, R"({"k":null,"v":"x"})");
}

}  // namespace
}  // namespace leadroute::protocol
