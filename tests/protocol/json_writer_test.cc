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
