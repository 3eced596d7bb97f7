#include "protocol/json_writer.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <random>
#include <string>

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

// Escaping looks at eight bytes at a time (shorter strings as one word of
// two overlapping loads): every byte value, at every position of strings of
// every length up to 70 (past the short strings copied through a buffer),
// as values, as keys and in a key-and-value Field() (which writes both in
// one append when neither needs escaping), against a byte-by-byte
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
        for (const bool as_key : {false, true}) {
          out.clear();
          JsonWriter f(&out);
          f.BeginObject();
          f.Field(as_key ? std::string_view(s) : "k", as_key ? std::string_view("v") : s);
          f.EndObject();
          const std::string key_json = as_key ? reference(s) : std::string("\"k\"");
          const std::string value_json = as_key ? std::string("\"v\"") : reference(s);
          ASSERT_EQ(out, "{" + key_json + ":" + value_json + "}") << "field of length " << len << (as_key ? ", as key" : "");
        }
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

// Numbers of up to four decimals from 0.001 to 10,000 are written from
// their integer of ten-thousandths, not by std::to_chars: the same text as
// std::to_chars, for every such number with its sign, for those rounded to
// three decimals, at and beyond the range's ends, and for random doubles.
TEST(JsonWriterTest, DoubleIsWhatToCharsWrites) {
  auto expect_same = [](double v) {
    std::string out;
    JsonWriter(&out).Double(v);
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v);
    ASSERT_EQ(out, std::string(buf, r.ptr)) << std::hexfloat << v;
  };
  for (std::int64_t k = -20000; k <= 100000000; k += (k < 2000000 ? 1 : 97)) {
    expect_same(static_cast<double>(k) / 10000);
    expect_same(std::round(static_cast<double>(k) / 10) / 1000);
  }
  for (double v : {0.0, -0.0, 1e-3, 9.9999e-4, 1e-4, 5e-4, 1e4, 9999.9999, 1e5, -1e-3,
                   0.1, 0.2, 0.3, 1.0 / 3, 2.5e-3, 123.4567, 1e300, 5e-324,
                   std::numeric_limits<double>::max(), std::nextafter(1e4, 0.0),
                   std::nextafter(1e-3, 0.0), std::nextafter(0.5, 1.0)}) {
    expect_same(v);
    expect_same(-v);
  }
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(-2e4, 2e4);
  for (int i = 0; i < 300000; ++i) {
    const double v = uniform(random);
    expect_same(v);
    expect_same(std::round(v * 1000) / 1000);
    expect_same(std::round(v * 10000) / 10000 + 0.0);
  }
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
