#include "protocol/dispatcher.h"

#include <gtest/gtest.h>

#include <memory>

namespace leadroute::protocol {
namespace {

class DispatcherTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto e = Engine::Create();
    ASSERT_TRUE(e.ok());
    engine_ = std::move(*e).release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }
  // One request line in, the response out (without its newline).
  std::string Call(std::string_view line) {
    std::string padded(line);
    padded.append(kLinePadding, ' ');
    std::string out;
    dispatcher_.Handle(std::string_view(padded.data(), line.size()), &out);
    if (!out.empty()) {
      EXPECT_EQ(out.back(), '\n');
      out.pop_back();
    }
    return out;
  }
  static Engine* engine_;
  Dispatcher dispatcher_{engine_};
};
Engine* DispatcherTest::engine_ = nullptr;

TEST_F(DispatcherTest, Ping) {
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{}})"),
            R"({"jsonrpc":"2.0","id":1,"result":{"version":"0.1.0"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":"a\"b","method":"ping"})"),
            R"({"jsonrpc":"2.0","id":"a\"b","result":{"version":"0.1.0"}})");
}

// Regression: the parsers kept room for the longest line they had read
// (~20 bytes a byte of line), for as long as the connection lived.
TEST_F(DispatcherTest, ParsersGiveBackWhatALongLineGrewThem) {
  const std::string filler(500000, 'z');
  const std::string answer = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"company":"Long AG",)"
      R"("note":")" + filler + R"("}}})");
  EXPECT_NE(answer.find(R"("company":"long")"), std::string::npos) << answer.substr(0, 200);
  // Kept while lines may follow (a bulk load's), given back once idle.
  EXPECT_GT(dispatcher_.ParserCapacityForTesting(), filler.size());
  dispatcher_.Trim();
  EXPECT_LE(dispatcher_.ParserCapacityForTesting(), Dispatcher::kKeptCapacity);
  // And they still read long lines, and short ones.
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":")" + filler + R"("}})")
                .find(R"("result")"),
            std::string::npos);
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":3,"method":"ping"})"),
            R"({"jsonrpc":"2.0","id":3,"result":{"version":"0.1.0"}})");
}

// Every whole number a 64-bit integer holds is an id, signed or not (a
// review found 2^64 - 1 refused as "id must be a string, integer or null").
TEST_F(DispatcherTest, IdsAreAnyWholeNumberOf64Bits) {
  for (const char* id : {"18446744073709551615", "9223372036854775808", "-9223372036854775808",
                         "0"}) {
    EXPECT_EQ(Call(std::string(R"({"jsonrpc":"2.0","id":)") + id + R"(,"method":"ping"})"),
              std::string(R"({"jsonrpc":"2.0","id":)") + id +
                  R"(,"result":{"version":"0.1.0"}})");
  }
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})").find("-32600"),
            std::string::npos);
}

TEST_F(DispatcherTest, ParamsBeforeMethodAndIdLast) {
  EXPECT_EQ(Call(R"({"params":{},"method":"ping","jsonrpc":"2.0","id":9})"),
            R"({"jsonrpc":"2.0","id":9,"result":{"version":"0.1.0"}})");
}

TEST_F(DispatcherTest, Normalize) {
  const std::string out = Call(
      R"({"jsonrpc":"2.0","id":2,"method":"normalize","params":{"party":{)"
      R"("company":"ACME Deutschland G.m.b.H.","domain":"https://www.acme.de/en",)"
      R"("email":"J.Doe+webinar@ACME.de","phone":"+49 (0)89 1234567","country":"DE",)"
      R"("unknown":{"deep":[1,2,3]}}}})");
  EXPECT_NE(out.find(R"("company":"acme germany")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("domain":"acme.de")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("email":"j.doe@acme.de")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("phone":"+49891234567")"), std::string::npos) << out;
}

TEST_F(DispatcherTest, NormalizeJunkGivesNulls) {
  const std::string out = Call(
      R"({"jsonrpc":"2.0","id":3,"method":"normalize","params":{"party":{)"
      R"("company":"---","domain":"n/a","email":"none","phone":"12"}}})");
  EXPECT_NE(out.find(R"("company":null,"domain":null,"email":null,"phone":null)"),
            std::string::npos)
      << out;
}

TEST_F(DispatcherTest, ErrorsCarryCodesAndFields) {
  EXPECT_EQ(Call("{not json"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":1,"method":"nope"})"),
            R"({"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}})");
  EXPECT_NE(Call(R"({"jsonrpc":"1.0","id":1,"method":"ping"})").find("-32600"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":[1],"method":"ping"})").find("-32600"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1,"method":7})").find("-32600"),
            std::string::npos);
  EXPECT_NE(Call(R"([1,2])").find("-32600"), std::string::npos);
  EXPECT_NE(Call(R"("ping")").find("-32600"), std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1,"method":"ping"} x)").find("-32700"),
            std::string::npos);
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":4,"method":"normalize","params":{"party":{"email":5}}})"),
      R"({"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"must be a string","data":{"field":"party.email"}}})");
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":5,"method":"normalize","params":[1]})")
                .find(R"("field":"params")"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":6,"method":"normalize","params":{}})")
                .find(R"("field":"party")"),
            std::string::npos);
}

TEST_F(DispatcherTest, HugeNumbersAndDeepNestingAreErrorsNotCrashes) {
  // Beyond 64 bits: simdjson refuses the number, so the line is a parse error.
  // Beyond 64 bits: simdjson refuses the number, so the line is a parse
  // error that says why.
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"})")
                .find(R"("code":-32700,"message":"Parse error: a malformed number, or one beyond)"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":1e400}})")
                .find("a malformed number, or one beyond"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1.5e300,"method":"ping"})").find("-32600"),
            std::string::npos);
  std::string nested;
  for (int i = 0; i < 5000; ++i) nested += "[";
  for (int i = 0; i < 5000; ++i) nested += "]";
  // Deep nesting where a field is read: a clear error.
  std::string out = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"company":)" +
      nested + "}}}");
  EXPECT_NE(out.find("nested too deeply"), std::string::npos) << out.substr(0, 200);
  // Nesting within the limit where a string belongs: the field is named.
  out = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"company":[[[]]]}}})");
  EXPECT_NE(out.find(R"("field":"party.company")"), std::string::npos) << out;
  // Deep nesting anywhere, read or not, is refused before anything runs.
  out = Call(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":)" +
             nested + "}}");
  EXPECT_NE(out.find("nested too deeply"), std::string::npos) << out.substr(0, 200);
  // Unbalanced: a parse error.
  out = Call(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":[[[}})");
  EXPECT_NE(out.find("-32700"), std::string::npos) << out;
}

TEST_F(DispatcherTest, ScalarsAreInvalidRequestsAndJunkIsAParseError) {
  EXPECT_NE(Call("null").find("-32600"), std::string::npos);
  EXPECT_NE(Call("42").find("-32600"), std::string::npos);
  EXPECT_NE(Call("not json").find("-32700"), std::string::npos);
  EXPECT_NE(Call("nul").find("-32700"), std::string::npos);
  EXPECT_NE(Call("\"open").find("-32700"), std::string::npos);
  EXPECT_NE(Call("tru").find("-32700"), std::string::npos);
}

TEST_F(DispatcherTest, BlankLinesAndNotificationsGetNoAnswer) {
  EXPECT_EQ(Call(""), "");
  EXPECT_EQ(Call("   \r"), "");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","method":"ping"})"), "");
  // Params these methods do not take (an array) in a notification: still
  // no answer (it got a -32602 with id null).
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","method":"ping","params":[]})"), "");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","method":"normalize","params":[1]})"), "");
  // Params that are neither object nor array make the request invalid,
  // answered as an invalid request is (JSON-RPC 2.0).
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","method":"ping","params":5})"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: params must be an object"}})");
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":3,"method":"ping","params":"x"})")
                .find(R"("id":3,"error":{"code":-32600)"),
            std::string::npos);
}

TEST_F(DispatcherTest, BatchAnswerSizeIsBounded) {
  DispatcherLimits limits;
  limits.max_batch_output = 200;
  Dispatcher small(engine_, limits);
  std::string batch = "[";
  for (int i = 0; i < 50; ++i) {
    batch += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","id":)" +
             std::to_string(i) + R"(,"method":"ping"})";
  }
  batch += R"(,{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","id":"last","method":"ping"})"
           R"(,{"jsonrpc":"2.0","\u0069d":"escaped","method":"ping"}])";
  std::string padded = batch + std::string(kLinePadding, ' ');
  std::string out;
  small.Handle(std::string_view(padded.data(), batch.size()), &out);
  EXPECT_LT(out.size(), 200u + 50u * 100u);
  EXPECT_NE(out.find(R"("id":0,"result")"), std::string::npos);
  EXPECT_NE(out.find("batch answer too large"), std::string::npos);
  EXPECT_EQ(out.find(R"("id":49,"result")"), std::string::npos);
  // Each refused request is answered under its own id (they all said
  // null); the notification among them, not at all.
  EXPECT_NE(out.find(R"({"jsonrpc":"2.0","id":49,"error":{"code":-32002,"message":"batch answer too large"}})"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("id":"last","error")"), std::string::npos) << out;
  // (Regression: an id named with an escape was looked up as written, and
  // missed.)
  EXPECT_NE(out.find(R"("id":"escaped","error")"), std::string::npos) << out;
  EXPECT_EQ(out.find(R"("id":null)"), std::string::npos) << out;
}

TEST_F(DispatcherTest, BatchAnswersInOrder) {
  EXPECT_EQ(
      Call(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","id":2,"method":"x"}])"),
      R"([{"jsonrpc":"2.0","id":1,"result":{"version":"0.1.0"}},{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}])");
  EXPECT_NE(Call("[]").find("-32600"), std::string::npos);
}

// The envelope (jsonrpc, id, method, params) is read from the validated
// document, each batch item from its own: members in any order and with
// escapes in their names, every kind of id, items that are not requests
// among those that are.
TEST_F(DispatcherTest, EnvelopesAreReadInAnyOrderAndSpelling) {
  EXPECT_EQ(Call(R"({"params":{"a":[1,{"b":2}]},"m\u0065thod":"ping","\u0069d":"x","jsonrpc":"\u0032.0"})"),
            R"({"jsonrpc":"2.0","id":"x","result":{"version":"0.1.0"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":-0,"method":"ping"})"),
            R"({"jsonrpc":"2.0","id":0,"result":{"version":"0.1.0"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"})"),
            R"({"jsonrpc":"2.0","id":18446744073709551615,"result":{"version":"0.1.0"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":-9223372036854775808,"method":"ping"})"),
            R"({"jsonrpc":"2.0","id":-9223372036854775808,"result":{"version":"0.1.0"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":"\u00e9\n","method":"ping"})"),
            R"({"jsonrpc":"2.0","id":"é\n","result":{"version":"0.1.0"}})");
  for (const char* id : {"1.0", "1e2", "true", "[1]", R"({"a":1})"}) {
    EXPECT_EQ(Call(std::string(R"({"jsonrpc":"2.0","id":)") + id + R"(,"method":"ping"})"),
              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: id must be a string, integer or null"}})")
        << id;
  }
  // Regression: "p\u0061rams" is "params"; it was looked up as written,
  // missed, and answered as a parse error.
  const std::string plain = Call(
      R"({"jsonrpc":"2.0","id":8,"method":"normalize","params":{"party":{"company":"Acme GmbH"}}})");
  EXPECT_NE(plain.find(R"("company":"acme")"), std::string::npos) << plain;
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":8,"method":"normalize","p\u0061rams":{"party":{"company":"Acme GmbH"}}})"),
      plain);
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","method":"normalize","p\u0061rams":{"party":{"company":"Acme GmbH"}}})"),
            "");  // a notification: acted on, not answered
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":7,"method":""})"),
            R"({"jsonrpc":"2.0","id":7,"error":{"code":-32600,"message":"Invalid Request: method must be a string"}})");
  EXPECT_EQ(
      Call(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},5,{"jsonrpc":"2.0","id":2,"method":"ping","params":"x"},)"
           R"({"id":3,"method":"ping","jsonrpc":"2.0","params":null},{"jsonrpc":"1.0","id":4,"method":"ping"}])"),
      R"([{"jsonrpc":"2.0","id":1,"result":{"version":"0.1.0"}},)"
      R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: expected an object"}},)"
      R"({"jsonrpc":"2.0","id":2,"error":{"code":-32600,"message":"Invalid Request: params must be an object"}},)"
      R"({"jsonrpc":"2.0","id":3,"result":{"version":"0.1.0"}},)"
      R"({"jsonrpc":"2.0","id":4,"error":{"code":-32600,"message":"Invalid Request: jsonrpc must be \"2.0\""}}])");
}

// A key given twice is refused, never resolved by guessing which counts
// (a proxy in front may take the other), and changes nothing.
TEST_F(DispatcherTest, KeysGivenTwiceAreRefused) {
  const std::string before = Call(R"({"jsonrpc":"2.0","id":0,"method":"stats"})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":1,"method":"ping","method":"stats"})"),
            R"({"jsonrpc":"2.0","id":1,"error":{"code":-32600,"message":"Invalid Request: method given twice"}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":1,"id":2,"method":"ping"})"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request: id given twice"}})");
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"ping"})").find("jsonrpc given twice"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"deal":{"company":"X"}},"params":{}})")
                .find("params given twice"),
            std::string::npos);
  auto field = [&](std::string_view request) {
    const std::string out = Call(request);
    EXPECT_NE(out.find(R"("code":-32602,"message":"given twice")"), std::string::npos) << out;
    const auto at = out.find(R"("field":")");
    return at == std::string::npos ? out : out.substr(at + 9, out.find('"', at + 9) - at - 9);
  };
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"a","owner":{"kind":"partner","id":"p"},"company":"X","id":"b"}}})"),
            "opportunity.id");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"a","owner":{"kind":"partner","id":"p","kind":"direct"},"company":"X"}}})"),
            "opportunity.owner.kind");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"a","owner":{"kind":"partner","id":"p"},"company":"X","expires_at":null,"expires_at":"2030-01-01T00:00:00Z"}}})"),
            "opportunity.expires_at");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"a","owner":{"kind":"partner","id":"p"},"company":"X"},"opportunity":{"id":"b","owner":{"kind":"partner","id":"p"},"company":"Y"}}})"),
            "opportunity");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"deal":{"company":"X","email":"a@x.de","company":"Y"}}})"),
            "deal.company");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{"id":"l","country":"DE","company":"X","products":[],"products":["cloud"]},"dry_run":true}})"),
            "lead.products");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{"id":"l","country":"DE","company":"X"},"dry_run":true,"dry_run":false}})"),
            "dry_run");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_partner","params":{"partner":{"id":"z","performance":{"win_rate":0.1,"win_rate":0.9}}}})"),
            "partner.performance.win_rate");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"phone":"1","phone":"2"}}})"),
            "party.phone");
  // Unknown keys are ignored, given twice or not; the known ones still count.
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"deal":{"x":1,"company":"X","x":2}}})")
                .find(R"("result":{"status":"clear")"),
            std::string::npos);
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":0,"method":"stats"})"), before);
}

TEST_F(DispatcherTest, InvalidUtf8AndNulInJsonAreParseErrors) {
  EXPECT_NE(Call("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pi\xC3\x28ng\"}").find("-32"),
            std::string::npos);
  const std::string with_nul("{\"jsonrpc\":\"2.0\",\"id\":1,\0\"method\":\"ping\"}", 41);
  EXPECT_NE(Call(with_nul).find("-32700"), std::string::npos);
}

}  // namespace
}  // namespace leadroute::protocol

namespace leadroute::protocol {
namespace {

class DealMethodsTest : public DispatcherTest {};

// A match is laid out in one buffer where its ids need no escaping and it
// fits, else written through the writer's calls: the same bytes either way
// (ids with escapes, and ids too long for the buffer). An engine of its own.
class MatchWriterTest : public DispatcherTest {};

TEST_F(MatchWriterTest, MatchesAreWrittenAlikeWhateverTheirIds) {
  const std::string long_id(600, 'x');
  struct Case {
    std::string id, owner;  // as sent, JSON-escaped
    std::string id_out, owner_out;  // as answered
  };
  const Case cases[] = {
      {"m-plain", "rep-1", "m-plain", "rep-1"},
      {R"(m-\"q\")", R"(r\\1)", R"(m-\"q\")", R"(r\\1)"},
      {R"(m-\u0001\t)", R"(r\/2)", R"(m-\u0001\t)", "r/2"},
      {R"(m-\u00fc)", R"(\u00fcber)", "m-\xc3\xbc", "\xc3\xbc" "ber"},
      {long_id, "rep-1", long_id, "rep-1"},
      {"m-long-owner", long_id, "m-long-owner", long_id},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string company = "Writer Check " + std::string(1, static_cast<char>('A' + n++)) + " GmbH";
    const std::string stored = Call(
        R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":")" +
        c.id + R"(","owner":{"kind":"partner","id":")" + c.owner + R"("},"company":")" + company +
        R"(","country":"DE"}}})");
    ASSERT_NE(stored.find(R"("created":true)"), std::string::npos) << stored;
    EXPECT_EQ(
        Call(R"({"jsonrpc":"2.0","id":2,"method":"check","params":{"deal":{"company":")" + company +
             R"(","country":"DE","owner":{"kind":"direct","id":"rep-9"}}}})"),
        R"({"jsonrpc":"2.0","id":2,"result":{"status":"conflict","matches":[{"opportunity_id":")" +
            c.id_out + R"(","owner":{"kind":"partner","id":")" + c.owner_out +
            R"("},"score":0.858,"matched_on":["company"]}]}})")
        << c.id;
  }
}

TEST_F(DealMethodsTest, UpsertCheckRegisterGetClose) {
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-1","owner":{"kind":"direct","id":"rep-1"},"company":"Tyrell Corp","country":"US","products":["a","b"],"amount":12.5,"unknown":[1]}}})"),
      R"({"jsonrpc":"2.0","id":1,"result":{"id":"o-1","created":true}})");
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":2,"method":"check","params":{"deal":{"company":"Tyrell Corporation","country":"US","owner":{"kind":"partner","id":"p-9"}}}})"),
      R"({"jsonrpc":"2.0","id":2,"result":{"status":"conflict","matches":[{"opportunity_id":"o-1","owner":{"kind":"direct","id":"rep-1"},"score":0.858,"matched_on":["company"]}]}})");
  const std::string got = Call(R"({"jsonrpc":"2.0","id":3,"method":"get_opportunity","params":{"id":"o-1"}})");
  EXPECT_NE(got.find(R"("products":["a","b"],"amount":12.5,"status":"open")"),
            std::string::npos)
      << got;
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":4,"method":"close_opportunity","params":{"id":"o-1","status":"won"}})"),
            R"({"jsonrpc":"2.0","id":4,"result":{"id":"o-1","status":"won"}})");
  const std::string reg = Call(
      R"({"jsonrpc":"2.0","id":5,"method":"register","params":{"deal":{"id":"d-1","company":"Tyrell Corporation","country":"US","owner":{"kind":"partner","id":"p-9"},"expires_at":"2030-01-01T00:00:00Z"}}})");
  EXPECT_NE(reg.find(R"("status":"approved","opportunity_id":"d-1","expires_at":"2030-01-01T00:00:00Z","matches":[])"),
            std::string::npos)
      << reg;
  const std::string stats = Call(R"({"jsonrpc":"2.0","id":6,"method":"stats"})");
  EXPECT_NE(stats.find(R"("opportunities":2)"), std::string::npos);
  // Where the index's memory goes; the ids and match keys of both records
  // are posted.
  EXPECT_NE(stats.find(R"("index_bytes":{"records":)"), std::string::npos) << stats;
  EXPECT_EQ(stats.find(R"("records":0,)"), std::string::npos) << stats;
  EXPECT_NE(stats.find(R"("posting_buckets":)"), std::string::npos) << stats;
  EXPECT_NE(stats.find(R"("index_keys":)"), std::string::npos) << stats;
  EXPECT_EQ(stats.find(R"("index_keys":0)"), std::string::npos) << stats;
}

// A date of birth: read in the spellings forms use, stored and answered as
// YYYY-MM-DD (journaled so, as the decoder read it), refused naming the
// field when it is none, changing nothing then.
TEST_F(DealMethodsTest, DatesOfBirthAreReadStoredAndChecked) {
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-b-1","owner":{"kind":"direct","id":"rep-1"},"first_name":"Mohamed","last_name":"Antoun","birth_date":"1/7/80"}}})"),
      R"({"jsonrpc":"2.0","id":1,"result":{"id":"o-b-1","created":true}})");
  const std::string got = Call(R"({"jsonrpc":"2.0","id":2,"method":"get_opportunity","params":{"id":"o-b-1"}})");
  EXPECT_NE(got.find(R"("last_name":"Antoun","birth_date":"1980-01-07","products")"),
            std::string::npos)
      << got;
  // The name alone is no conflict; with the date, one.
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":3,"method":"check","params":{"deal":{"first_name":"Muhammed","last_name":"Antoun","owner":{"kind":"partner","id":"p-9"}}}})")
                .find(R"("status":"clear")"),
            std::string::npos);
  const std::string hit = Call(R"({"jsonrpc":"2.0","id":4,"method":"check","params":{"deal":{"first_name":"Muhammed","last_name":"Antoun","birth_date":"Jan 7 1980","owner":{"kind":"partner","id":"p-9"}}}})");
  EXPECT_NE(hit.find(R"("status":"conflict")"), std::string::npos) << hit;
  EXPECT_NE(hit.find(R"("matched_on":["contact","birth_date"])"), std::string::npos) << hit;
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":5,"method":"normalize","params":{"party":{"birth_date":"7.1.1980"}}})")
                .find(R"("country":null,"birth_date":"1980-01-07"})"),
            std::string::npos);
  const std::string before = Call(R"({"jsonrpc":"2.0","id":0,"method":"stats"})");
  auto refused = [&](std::string_view date, std::string_view message) {
    const std::string out = Call(
        R"({"jsonrpc":"2.0","id":6,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-b-2","owner":{"kind":"direct","id":"rep-1"},"company":"X","birth_date":)" +
        std::string(date) + "}}}");
    EXPECT_NE(out.find(R"("code":-32602,"message":")" + std::string(message)), std::string::npos)
        << date << " " << out;
    EXPECT_NE(out.find(R"("field":"opportunity.birth_date")"), std::string::npos)
        << date << " " << out;
  };
  refused(R"("yesterday")", "not a date of birth");
  refused(R"("2/30/1980")", "not a date of birth");
  refused(R"("0999-01-01")", "not a date of birth");
  refused("19800107", "must be a string");
  refused(R"("1980-01-07","birth_date":"1980-01-07")", "given twice");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":0,"method":"stats"})"), before);
}

// Party identifiers: an object of type to value, stored as given, each
// bad one refused naming it, and none of them changing anything.
TEST_F(DealMethodsTest, IdentifiersAreDecodedStoredAndChecked) {
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-ids-1","owner":{"kind":"direct","id":"rep-1"},"company":"Tyrell Corp","ids":{"ein":"13-7654321","lei":"5493001KJTIIGC8Y1R12","duns":null}}}})"),
      R"({"jsonrpc":"2.0","id":1,"result":{"id":"o-ids-1","created":true}})");
  const std::string got = Call(R"({"jsonrpc":"2.0","id":2,"method":"get_opportunity","params":{"id":"o-ids-1"}})");
  EXPECT_NE(got.find(R"("company":"Tyrell Corp","ids":{"ein":"13-7654321","lei":"5493001KJTIIGC8Y1R12"},"products")"),
            std::string::npos)
      << got;
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":3,"method":"check","params":{"deal":{"company":"Wallace Inc","ids":{"ein":"137654321"},"owner":{"kind":"partner","id":"p-9"}}}})"),
      R"({"jsonrpc":"2.0","id":3,"result":{"status":"conflict","matches":[{"opportunity_id":"o-ids-1","owner":{"kind":"direct","id":"rep-1"},"score":0.794,"matched_on":["identifier"]}]}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":4,"method":"normalize","params":{"party":{"ids":{"vat":"de 129.273.398","x":" - "}}}})"),
            R"({"jsonrpc":"2.0","id":4,"result":{"company":null,"domain":null,"email":null,"phone":null,"company_tokens":[],"email_freemail":false,"person":null,"address":null,"postal_code":null,"country":null,"ids":{"vat":"DE129273398"}}})");
  const std::string before = Call(R"({"jsonrpc":"2.0","id":0,"method":"stats"})");
  auto refused = [&](std::string_view ids, std::string_view message, std::string_view field) {
    const std::string out = Call(
        R"({"jsonrpc":"2.0","id":5,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-2","owner":{"kind":"direct","id":"rep-1"},"company":"X","ids":)" +
        std::string(ids) + "}}}");
    EXPECT_NE(out.find(R"("code":-32602,"message":")" + std::string(message)), std::string::npos)
        << ids << " " << out;
    EXPECT_NE(out.find(R"("field":")" + std::string(field) + "\""), std::string::npos)
        << ids << " " << out;
  };
  refused(R"(["vat"])", "must be an object", "opportunity.ids");
  refused(R"({"VAT":"1"})", "an identifier's type is", "opportunity.ids.VAT");
  refused(R"({"":"1"})", "an identifier's type is", "opportunity.ids.");
  refused(R"({"a_type_name_longer_than_32_bytes_":"1"})", "an identifier's type is",
          "opportunity.ids.a_type_name_longer_than_32_bytes_");
  refused(R"({"vat":1})", "must be a string", "opportunity.ids.vat");
  refused(R"({"vat":"1","vat":"2"})", "given twice", "opportunity.ids.vat");
  refused(R"({"vat":"a\u001fb"})", "holds a control character", "opportunity.ids.vat");
  std::string many = "{";
  for (int i = 0; i <= 16; ++i) {
    many.append(i ? ",\"t" : "\"t").append(std::to_string(i)).append("\":\"1\"");
  }
  refused(many + "}", "too many identifiers (at most 16)", "opportunity.ids");
  // Null and empty values count too: the cap bounds the work on a line.
  std::string nulls = "{";
  for (int i = 0; i <= 16; ++i) {
    nulls.append(i ? ",\"n" : "\"n").append(std::to_string(i)).append(i % 2 ? "\":null" : "\":\"\"");
  }
  refused(nulls + "}", "too many identifiers (at most 16)", "opportunity.ids");
  refused(R"({"vat":"1"},"ids":{})", "given twice", "opportunity.ids");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":0,"method":"stats"})"), before);
}

TEST_F(DealMethodsTest, ReviewRegistrationDecidesAPendingOne) {
  Call(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-ibm","owner":{"kind":"direct","id":"rep-1"},"company":"International Business Machines Corporation","country":"US"}}})");
  const std::string reg = Call(
      R"({"jsonrpc":"2.0","id":2,"method":"register","params":{"deal":{"id":"d-ibm","company":"I.B.M.","country":"US","owner":{"kind":"partner","id":"p-9"},"expires_at":"2030-01-01T00:00:00Z"}}})");
  ASSERT_NE(reg.find(R"("status":"review")"), std::string::npos) << reg;
  EXPECT_EQ(
      Call(R"({"jsonrpc":"2.0","id":3,"method":"review_registration","params":{"id":"d-ibm","decision":"approve","actor":"manager:anna"}})"),
      R"({"jsonrpc":"2.0","id":3,"result":{"id":"d-ibm","status":"open","expires_at":"2030-01-01T00:00:00Z"}})");
  const std::string history =
      Call(R"({"jsonrpc":"2.0","id":4,"method":"opportunity_history","params":{"id":"d-ibm"}})");
  EXPECT_NE(history.find(R"("event":"reviewed","status":"open","expires_at":"2030-01-01T00:00:00Z","actor":"manager:anna")"),
            std::string::npos)
      << history;
  // Decided already; a decision that is neither; no id; an unknown id.
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":5,"method":"review_registration","params":{"id":"d-ibm","decision":"reject"}})")
                .find(R"x("code":-32602,"message":"not pending review (status open)")x"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":6,"method":"review_registration","params":{"id":"d-ibm","decision":"maybe"}})")
                .find(R"("field":"decision")"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":7,"method":"review_registration","params":{"decision":"approve"}})")
                .find(R"("field":"id")"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":8,"method":"review_registration","params":{"id":"nope","decision":"approve"}})")
                .find("-32001"),
            std::string::npos);
}

TEST_F(DealMethodsTest, PartnerStatsWithoutAnIdPagesThroughPartners) {
  // No rule set here: an empty page. (Pages of partners: RouterTest.)
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":1,"method":"partner_stats","params":{}})"),
            R"({"jsonrpc":"2.0","id":1,"result":{"partners":[],"next":null}})");
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":2,"method":"partner_stats"})"),
            R"({"jsonrpc":"2.0","id":2,"result":{"partners":[],"next":null}})");
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":3,"method":"partner_stats","params":{"limit":10001}})")
                .find(R"("field":"limit")"),
            std::string::npos);
  // An empty id is refused, not read as a request for every partner.
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":4,"method":"partner_stats","params":{"id":""}})")
                .find(R"("code":-32602)"),
            std::string::npos);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":4,"method":"partner_stats","params":{"id":"nobody"}})")
                .find("-32001"),
            std::string::npos);
  const std::string stats = Call(R"({"jsonrpc":"2.0","id":5,"method":"stats"})");
  EXPECT_NE(stats.find(R"("leads_accepted":0,"leads_declined":0,"leads_closed":0)"),
            std::string::npos)
      << stats;
}

// normalize shows the keys check matches on: a national phone of a party
// without a country is read in the default country, as check reads it.
TEST(NormalizeDefaultCountryTest, APhoneWithoutCountryIsReadInTheDefaultOne) {
  EngineOptions options;
  options.default_country = "US";
  auto e = Engine::Create(std::move(options));
  ASSERT_TRUE(e.ok());
  Dispatcher d(e->get());
  std::string line = R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"phone":"(773) 534-6361"}}})";
  const std::size_t size = line.size();
  line.append(kLinePadding, ' ');
  std::string out;
  d.Handle(std::string_view(line.data(), size), &out);
  EXPECT_NE(out.find(R"("phone":"+17735346361")"), std::string::npos) << out;
}

// hello's token: of the wrong type, invalid params as for every method;
// wrong, unauthorized; both name the field as other methods do.
TEST_F(DealMethodsTest, HelloNamesItsTokenAsOtherMethodsNameFields) {
  Dispatcher guarded(engine_);
  guarded.RequireToken("s3cret");
  auto call = [&](std::string_view request) {
    std::string line(request);
    line.append(kLinePadding, ' ');
    std::string out;
    guarded.Handle(std::string_view(line.data(), request.size()), &out);
    return out;
  };
  const std::string typed = call(R"({"jsonrpc":"2.0","id":1,"method":"hello","params":{"token":5}})");
  EXPECT_NE(typed.find(R"("code":-32602)"), std::string::npos) << typed;
  EXPECT_NE(typed.find(R"("field":"token")"), std::string::npos) << typed;
  const std::string wrong = call(R"({"jsonrpc":"2.0","id":2,"method":"hello","params":{"token":"no"}})");
  EXPECT_NE(wrong.find(R"("code":-32003)"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find(R"("field":"token")"), std::string::npos) << wrong;
  // Regression: a token (or params) named with an escape was looked up as
  // written, missed, and the hello refused as without a token.
  Dispatcher escaped(engine_);
  escaped.RequireToken("s3cret");
  const std::string line =
      R"({"jsonrpc":"2.0","id":4,"method":"hello","p\u0061rams":{"t\u006fken":"s3cret"}})";
  std::string padded = line + std::string(kLinePadding, ' ');
  std::string out;
  escaped.Handle(std::string_view(padded.data(), line.size()), &out);
  EXPECT_NE(out.find(R"("authenticated":true)"), std::string::npos) << out;
  EXPECT_NE(call(R"({"jsonrpc":"2.0","id":3,"method":"hello","params":{"token":"s3cret"}})")
                .find(R"("authenticated":true)"),
            std::string::npos);
}

TEST_F(DealMethodsTest, BadParamsNameTheField) {
  const std::string before = Call(R"({"jsonrpc":"2.0","id":6,"method":"stats"})");
  auto field = [&](std::string_view request) {
    const std::string out = Call(request);
    const auto at = out.find(R"("field":")");
    if (at == std::string::npos || out.find("-32602") == std::string::npos) return out;
    return out.substr(at + 9, out.find('"', at + 9) - at - 9);
  };
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","company":"A"}}})"),
            "opportunity.owner.id");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"reseller","id":"p"},"company":"A"}}})"),
            "opportunity.owner.kind");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"partner","id":"p"},"company":"A","expires_at":"soon"}}})"),
            "opportunity.expires_at");
  // The epoch itself is no "none" (it was: an expiry then gave 90 days, or none).
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"partner","id":"p"},"company":"A","expires_at":"1970-01-01T00:00:00Z"}}})"),
            "opportunity.expires_at");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"register","params":{"deal":{"id":"x","owner":{"kind":"partner","id":"p"},"company":"A","expires_at":"1970-01-01T00:00:00Z"}}})"),
            "deal.expires_at");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"partner","id":"p"},"company":"A","products":[1]}}})"),
            "opportunity.products");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"partner","id":"p"},"company":"A","status":"pending"}}})"),
            "opportunity.status");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"deal":{"country":"DE"}}})"),
            "deal");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"close_opportunity","params":{"id":"x","status":"open"}})"),
            "status");
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":1,"method":"get_opportunity","params":{"id":"missing"}})")
                .find("-32001"),
            std::string::npos);
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":7,"owner":{"kind":"partner","id":"p"},"company":"A"}}})"),
            "opportunity.id");
  EXPECT_EQ(field(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"partner","id":"p"},"company":["A"]}}})"),
            "opportunity.company");
  // Nothing was stored by any of the bad requests.
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":6,"method":"stats"})"), before);
}

// A batch names each refused record's field with the record's place; the
// good ones are stored.
TEST_F(DealMethodsTest, BatchErrorsNameTheRecordAndField) {
  const std::string out = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunities","params":{"opportunities":[)"
      R"({"id":"ok1","owner":{"kind":"partner","id":"p"},"company":"A"},)"
      R"({"id":"bad1","owner":{"kind":"partner","id":"p"},"company":"B","email":5},)"
      R"({"id":"bad2","owner":{"kind":"partner","id":7},"company":"C"},)"
      R"({"id":"bad3","owner":{"kind":"reseller","id":"p"},"company":"D"},)"
      R"({"id":["bad4"],"owner":{"kind":"partner","id":"p"},"company":"E"},)"
      // Refused at its first field: the rest, nested objects and arrays
      // with keys of a record among them, is skipped, not read as records.
      R"({"company":5,"owner":{"kind":"partner","id":"p","x":{"id":"no1"}},"products":["a",[{"id":"no2"}]],"id":"bad5"},)"
      R"("not an object",)"
      // Decoded, then refused by the engine: named by its place too (it
      // was "opportunity", "opportunity.owner.id" beside the others).
      R"({"id":"bad7","owner":{"kind":"partner","id":"p"}},)"
      R"({"id":"bad8","owner":{"kind":"partner","id":""},"company":"G"},)"
      R"({"id":"ok2","owner":{"kind":"partner","id":"p"},"company":"F"}]}})");
  for (const char* field : {"opportunities[1].email", "opportunities[2].owner.id",
                            "opportunities[3].owner.kind", "opportunities[4].id",
                            "opportunities[5].company", "opportunities[6]",
                            "opportunities[7]", "opportunities[8].owner.id"}) {
    EXPECT_NE(out.find(std::string(R"("field":")") + field + "\""), std::string::npos)
        << field << " in " << out;
  }
  EXPECT_EQ(out.find(R"("field":"opportunity)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("created":2,"failed":8)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"({"id":"ok2","created":true})"), std::string::npos) << out;
}

// Regression: on-demand parsing skips unknown fields without validating
// them, so a line that is not JSON was acted on.
TEST_F(DealMethodsTest, InvalidJsonAnywhereChangesNothing) {
  const std::string before = Call(R"({"jsonrpc":"2.0","id":6,"method":"stats"})");
  EXPECT_NE(
      Call(R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"bad1","owner":{"kind":"partner","id":"p"},"company":"A","industry":nope}}})")
          .find("-32700"),
      std::string::npos);
  // A batch whose last element is malformed runs none of the others.
  EXPECT_NE(
      Call(R"([{"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"bad2","owner":{"kind":"partner","id":"p"},"company":"B"}}},{"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":tru}}])")
          .find("-32700"),
      std::string::npos);
  EXPECT_EQ(Call(R"({"jsonrpc":"2.0","id":6,"method":"stats"})"), before);
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":7,"method":"get_opportunity","params":{"id":"bad2"}})")
                .find("-32001"),
            std::string::npos);
}

TEST_F(DealMethodsTest, OverlongFieldsAreRefused) {
  const std::string big(2000, 'a');
  const std::string out = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"x","owner":{"kind":"partner","id":"p"},"company":")" +
      big + R"("}}})");
  EXPECT_NE(out.find(R"("field":"opportunity.company")"), std::string::npos) << out;
}

}  // namespace
}  // namespace leadroute::protocol

namespace leadroute::protocol {
namespace {

// The routing methods' refusals, with the demo rule set loaded.
class RoutingMethodsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto e = Engine::Create();
    ASSERT_TRUE(e.ok());
    engine_ = std::move(*e);
    ASSERT_TRUE(engine_->LoadRules(std::string(LEADROUTE_TEST_DATA) + "/../rules/demo").ok());
    dispatcher_ = std::make_unique<Dispatcher>(engine_.get());
  }
  std::string Call(std::string_view request) {
    std::string line(request);
    line.append(kLinePadding, ' ');
    std::string out;
    dispatcher_->Handle(std::string_view(line.data(), request.size()), &out);
    return out;
  }
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

// A lead that does not decode refuses only itself: its error stands in its
// place and the others are routed (it once failed the whole request).
TEST_F(RoutingMethodsTest, RouteBatchRefusesOnlyTheLeadThatDoesNotDecode) {
  const std::string out = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"route_batch","params":{"dry_run":true,"leads":[)"
      R"({"id":"b-1","company":"Acme GmbH","country":"DE","products":["cloud"]},)"
      R"({"id":"b-2","company":"Beta AG","employees":"many"},)"
      R"({"company":"No Id SAS","country":"FR"},)"
      R"(7,)"
      R"({"id":"b-5","company":"Gamma GmbH","country":"DE","products":["cloud"]},)"
      R"({"id":"b-6","country":"DE"}]}})");
  ASSERT_NE(out.find(R"("result":{"results":[)"), std::string::npos) << out;
  const std::size_t first = out.find(R"("lead_id":"b-1")");
  const std::size_t bad2 = out.find(R"("field":"leads[1].employees")");
  const std::size_t bad3 = out.find(R"("field":"leads[2].id")");
  const std::size_t bad4 = out.find(R"("field":"leads[3]")");
  const std::size_t last = out.find(R"("lead_id":"b-5")");
  // One the engine refuses (no party field) is named by its place too, not
  // as "lead" (found in an audit).
  const std::size_t bad6 = out.find(R"("field":"leads[5]")");
  EXPECT_NE(first, std::string::npos) << out;
  EXPECT_NE(last, std::string::npos) << out;
  EXPECT_NE(bad2, std::string::npos) << out;
  EXPECT_NE(bad3, std::string::npos) << out;
  EXPECT_NE(bad4, std::string::npos) << out;
  EXPECT_NE(bad6, std::string::npos) << out;
  EXPECT_TRUE(first < bad2 && bad2 < bad3 && bad3 < bad4 && bad4 < last && last < bad6) << out;
}

// upsert_partner names the partner's field it refuses, once.
TEST_F(RoutingMethodsTest, UpsertPartnerNamesTheFieldItRefuses) {
  const std::string tier = Call(
      R"({"jsonrpc":"2.0","id":1,"method":"upsert_partner","params":{"partner":{"id":"p-bad","tier":"diamond"}}})");
  EXPECT_NE(tier.find(R"("code":-32602,"message":"unknown tier \"diamond\"","data":{"field":"partner.tier"})"),
            std::string::npos)
      << tier;
  const std::string territory = Call(
      R"({"jsonrpc":"2.0","id":2,"method":"upsert_partner","params":{"partner":{"id":"p-bad","territories":["DE","US-ZZ"]}}})");
  EXPECT_NE(territory.find(R"("field":"partner.territories[1]")"), std::string::npos) << territory;
  EXPECT_NE(Call(R"({"jsonrpc":"2.0","id":3,"method":"get_partner","params":{"id":"p-bad"}})")
                .find("-32001"),
            std::string::npos);
}

}  // namespace
}  // namespace leadroute::protocol
