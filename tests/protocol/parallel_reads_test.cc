// Pipelined requests that only read, answered on two threads: the same
// bytes, in the same order, and the same state as answered one by one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "protocol/dispatcher.h"
#include "protocol/line_buffer.h"

namespace leadroute::protocol {
namespace {

// With the demo rule set, so that routes choose among partners.
std::unique_ptr<Engine> NewEngine() {
  EngineOptions options;
  options.now = [] { return std::int64_t{1'790'000'000}; };
  auto e = Engine::Create(std::move(options));
  if (!e.ok() || !(*e)->LoadRules(std::string(LEADROUTE_TEST_DATA) + "/../rules/demo").ok()) {
    return nullptr;
  }
  return std::move(*e);
}

std::string Padded(std::string_view line) {
  std::string s(line);
  s.append(kLinePadding, ' ');
  return s;
}

TEST(ParallelReadsTest, OnlyReadsIsSureOrSaysNo) {
  auto engine = NewEngine();
  ASSERT_NE(engine, nullptr);
  Dispatcher d(engine.get());
  struct Case {
    const char* line;
    bool reads;
  };
  const Case cases[] = {
      {R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"deal":{"company":"Acme"}}})", true},
      {R"({"params":{"deal":{}},"method":"check","jsonrpc":"2.0","id":1})", true},
      {R"({"jsonrpc":"2.0","method":"ping"})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{}}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"get_opportunity","params":{"id":"x"}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"get_partner","params":{"id":"x"}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"opportunity_history","params":{"id":"x"}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"protection_at","params":{}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"meth\u006fd_x"})", false},
      {R"({"jsonrpc":"2.0","id":1,"m\u0065thod":"check"})", true},  // an escaped key is the key
      // A dry route changes nothing; any other route may.
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry_run":true,"lead":{}}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{},"dry_run":true}})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry\u005frun":true}})", true},
      {R"({"params":{"dry_run":true},"jsonrpc":"2.0","id":1,"method":"route"})", true},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{}}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry_run":false}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry_run":"true"}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry_run":null}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry_run":true,"dry_run":false}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"dry_run":true,"dry_run":true}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":{"lead":{"dry_run":true}}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route","params":[{"dry_run":true}]})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"route_batch","params":{"dry_run":true}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"lead_feedback","params":{"dry_run":true}})", false},
      // Refused whole, so changing nothing: told from the bytes alone.
      {R"({"jsonrpc":"2.0","id":1,"method":"check","params":{},"params":{}})", true},
      {R"({"jsonrpc":"2.0","id":1,"params":{"deal":{"method":"check"}}})", true},
      // ... but not where an escape may spell a key.
      {R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"a":"\u0041"},"params":{}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"register","params":{"deal":{}}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"hello","params":{"token":"t"}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"check","method":"register"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"register","method":"check"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":["check"]})", false},
      {R"([{"jsonrpc":"2.0","id":1,"method":"check"}])", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"check")", true},  // a parse error
      {R"({"jsonrpc":"2.0","id":1,"method":"check\")", false},
      // A method key inside params is not the request's.
      {R"({"jsonrpc":"2.0","id":1,"method" :"register","params":{"deal":{"method":"check"}}})",
       false},
      {R"({"jsonrpc":"2.0","id":1,"method":"register","params":{"x":{"method":"check"}}})", false},
      {R"({"jsonrpc":"2.0","id":1,"m\u0065thod":"register","params":{"x":{"method":"check"}}})",
       false},
      {R"({"jsonrpc":"2.0","id":1,"params":{"x":{"method":"check"}},"m\u0065thod":"register"})",
       false},
      {R"({"jsonrpc":"2.0","id":1,"method":"check","params":{"deal":{"company":"\"method\":\"register\""}}})",
       true},
      {R"({"jsonrpc":"2.0","id":1,"method":"register","params":{"deal":{"company":"method"}}})",
       false},
      {R"({"jsonrpc":"2.0","id":1,"method":"checks"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"")", false},
      {R"({"jsonrpc":"2.0","id":1,"method")", false},
      {R"(  {"jsonrpc":"2.0","id":1,"method":"check"})", true},
      {R"(not json)", false},
      {R"()", false},
  };
  for (const Case& c : cases) {
    const std::string padded = Padded(c.line);
    EXPECT_EQ(d.OnlyReads(std::string_view(padded.data(), std::strlen(c.line))), c.reads)
        << c.line;
  }
}

// The bytes' fast path reads 16 places at a time, and past the line's end
// into its padding: the method key at every place of a block, a second one
// at every place after it, and a key in the padding (any answer that a
// misread padding could give is the slow path's, so this checks only that
// the answer stays right).
TEST(ParallelReadsTest, OnlyReadsFindsTheMethodKeyAnywhere) {
  auto engine = NewEngine();
  ASSERT_NE(engine, nullptr);
  Dispatcher d(engine.get());
  const auto reads = [&](const std::string& line) {
    const std::string padded = Padded(line);
    return d.OnlyReads(std::string_view(padded.data(), line.size()));
  };
  for (std::size_t k = 0; k < 40; ++k) {
    const std::string head = R"({"jsonrpc":"2.0","id":")" + std::string(k, 'x') + "\",";
    const std::string read = head + R"("method":"check"})";
    std::string padded = read + R"("method":"register")";
    padded.resize(read.size() + kLinePadding, ' ');
    EXPECT_TRUE(d.OnlyReads(std::string_view(padded.data(), read.size()))) << read;
    for (std::size_t j = 0; j < 40; ++j) {
      const std::string write =
          head + R"("method":"register","p":{)" + std::string(j, ' ') + R"("method":"check"}})";
      EXPECT_FALSE(reads(write)) << write;
      const std::string last =
          head + R"("p":{"method":"check"},)" + std::string(j, ' ') + R"("method":"register"})";
      EXPECT_FALSE(reads(last)) << last;
      const std::string escaped =
          read.substr(0, read.size() - 1) + ",\"" + std::string(j, 'y') + "\":\"\\u0041\"}";
      EXPECT_TRUE(reads(escaped)) << escaped;
    }
  }
}

// What OnlyReads() says of random envelopes against what the request does:
// true only of a line that reads or is refused whole (not JSON, no method
// of its own or two).
TEST(ParallelReadsTest, OnlyReadsNeverTakesAWriteForARead) {
  auto engine = NewEngine();
  ASSERT_NE(engine, nullptr);
  Dispatcher d(engine.get());
  std::mt19937 rng(20261202);
  const char* const methods[] = {"check", "register", "route", "ping", "upsert_opportunity",
                                 "get_partner", "close_opportunity", "hello"};
  const char* const keys[] = {R"("method")", R"("m\u0065thod")", R"("params")", R"("id")",
                              R"("jsonrpc")", R"("dry_run")", R"("x")"};
  simdjson::dom::parser oracle;
  std::size_t reads = 0, refused = 0;
  for (int n = 0; n < 20000; ++n) {
    // An object of random members, some of them nested objects of random
    // members, with random spaces around the colons.
    std::function<std::string(int)> object = [&](int depth) {
      std::string o = "{";
      const int members = static_cast<int>(rng() % 5);
      for (int i = 0; i < members; ++i) {
        if (i > 0) o += ',';
        o += keys[rng() % std::size(keys)];
        o += rng() % 4 == 0 ? " : " : ":";
        switch (rng() % 5) {
          case 0:
            o += depth < 2 ? object(depth + 1) : "{}";
            break;
          case 1:
            o += "true";
            break;
          case 2:
            o += R"("\u0041")";
            break;
          default:
            o += std::string("\"") + methods[rng() % std::size(methods)] + "\"";
        }
      }
      return o + "}";
    };
    std::string line = object(0);
    if (rng() % 10 == 0) line.pop_back();  // not JSON
    const std::string padded = Padded(line);
    const bool says = d.OnlyReads(std::string_view(padded.data(), line.size()));
    // The oracle: the request's own method keys, by their unescaped names.
    simdjson::dom::object obj;
    if (oracle.parse(line).get(obj) != simdjson::SUCCESS) {
      refused += says;
      continue;
    }
    int method_keys = 0;
    std::string_view method;
    bool dry_run = false;
    for (auto [key, value] : obj) {
      if (key == "method") {
        ++method_keys;
        if (value.get_string().get(method) != simdjson::SUCCESS) method = "";
      }
      if (key == "params") {
        bool b = false;
        simdjson::dom::object p;
        dry_run = value.get_object().get(p) == simdjson::SUCCESS &&
                  p["dry_run"].get_bool().get(b) == simdjson::SUCCESS && b;
      }
    }
    if (method_keys != 1) {
      refused += says;
      continue;
    }
    const bool read = method == "check" || method == "ping" || method == "get_partner" ||
                      (method == "route" && dry_run);
    EXPECT_TRUE(!says || read) << line;
    reads += says;
  }
  // Both kinds were met.
  EXPECT_GT(reads, 100u);
  EXPECT_GT(refused, 20u);
}

// A client's pipeline: checks of stored and fresh customers, registrations
// of some of them (a check after one must see it), routes and dry routes of
// a few leads (a dry route after a route must see its assignment), reads
// and junk of every kind, fed in pieces of random size as a socket
// delivers them.
TEST(ParallelReadsTest, AnswersAsOneByOne) {
  auto one = NewEngine(), two = NewEngine();
  ASSERT_TRUE(one && two);
  Dispatcher serial(one.get()), parallel(two.get());
  parallel.EnableParallelReads();
  std::mt19937 rng(20261129);
  std::vector<std::string> lines;
  auto company = [&](int i) { return "Pipeline Customer " + std::to_string(i) + " GmbH"; };
  for (int i = 0; i < 60; ++i) {
    lines.push_back(R"({"jsonrpc":"2.0","id":)" + std::to_string(lines.size()) +
                    R"(,"method":"upsert_opportunity","params":{"opportunity":{"id":"o-)" +
                    std::to_string(i) + R"(","owner":{"kind":"direct","id":"rep"},"company":")" +
                    company(i) + R"(","country":"DE"}}})");
  }
  for (int n = 0; n < 3000; ++n) {
    const std::string id = std::to_string(lines.size());
    const int i = static_cast<int>(rng() % 120);  // half of them stored
    switch (rng() % 12) {
      case 0:
        lines.push_back(R"({"jsonrpc":"2.0","id":)" + id +
                        R"(,"method":"register","params":{"deal":{"id":"d-)" + id +
                        R"(","owner":{"kind":"partner","id":"p-)" + std::to_string(rng() % 3) +
                        R"("},"company":")" + company(i) + R"(","country":"DE"}}})");
        break;
      case 1:
        lines.push_back(R"({"jsonrpc":"2.0","id":)" + id +
                        R"(,"method":"get_opportunity","params":{"id":"d-)" +
                        std::to_string(rng() % lines.size()) + R"("}})");
        break;
      case 2:
        lines.push_back(R"({"jsonrpc":"2.0","id":)" + id +
                        R"(,"method":"normalize","params":{"party":{"company":")" + company(i) +
                        R"(","email":"a@b)" + std::to_string(i) + R"(.de"}}})");
        break;
      case 3:
        lines.push_back(R"({"jsonrpc":"2.0","method":"ping"})");  // a notification
        break;
      case 4:
        lines.push_back(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"check")");  // cut
        break;
      case 5:
      case 8: {
        // Forty leads, each routed for real now and then: a dry route of
        // one already routed answers its assignment.
        const int lead = static_cast<int>(rng() % 40);
        const bool dry = rng() % 5 != 0;
        lines.push_back(R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"route","params":{)" +
                        (dry ? R"("dry_run":true,)" : "") + R"("lead":{"id":"l-)" +
                        std::to_string(lead) + R"(","company":"Lead )" + std::to_string(lead) +
                        R"( AG","country":")" + (lead % 2 ? "DE" : "CH") +
                        R"(","products":["siem"]}}})");
        break;
      }
      case 6:
        lines.push_back(R"([{"jsonrpc":"2.0","id":)" + id +
                        R"(,"method":"check","params":{"deal":{"company":")" + company(i) +
                        R"("}}},{"jsonrpc":"2.0","id":"b","method":"stats"}])");
        break;
      case 7:
        lines.push_back("");
        break;
      default:
        lines.push_back(R"({"jsonrpc":"2.0","id":)" + id +
                        R"(,"method":"check","params":{"deal":{"owner":{"kind":"partner","id":"p-1"},"company":")" +
                        company(i) + R"(","country":"DE"}}})");
    }
  }
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  LineBuffer in_one(1 << 20), in_two(1 << 20);
  std::string out_one, out_two;
  for (std::size_t at = 0; at < all.size();) {
    const std::size_t n = std::min<std::size_t>(all.size() - at, 1 + rng() % 8192);
    for (auto [in, d, out] : {std::tuple{&in_one, &serial, &out_one},
                              std::tuple{&in_two, &parallel, &out_two}}) {
      auto space = in->Writable(n);
      std::memcpy(space.data(), all.data() + at, n);
      in->Commit(n);
      d->HandleLines(in, out, /*stop_at_overlong=*/false);
    }
    at += n;
  }
  ASSERT_GT(out_one.size(), 100000u);
  EXPECT_EQ(out_two, out_one);
  EXPECT_NE(out_one.find(R"("status":"conflict")"), std::string::npos);
  EXPECT_NE(out_one.find(R"("status":"approved")"), std::string::npos);
  EXPECT_NE(out_one.find(R"("decision":"partner")"), std::string::npos);
  EXPECT_EQ(one->Stats().opportunities, two->Stats().opportunities);
  EXPECT_EQ(one->Stats().leads_routed, two->Stats().leads_routed);
}

// A long run of pipelined reads goes out in parts (SetFlush) while its
// later lines are still answered: what was flushed and what is left, put
// together, are the one-by-one answers, whatever part of *out the flush
// takes (all, a prefix, nothing: a socket that is full).
TEST(ParallelReadsTest, EarlyFlushesKeepTheOrder) {
  auto one = NewEngine(), two = NewEngine();
  ASSERT_TRUE(one && two);
  Dispatcher serial(one.get()), parallel(two.get());
  parallel.EnableParallelReads();
  std::string stored, lines;
  auto company = [](int i) { return "Flush Customer " + std::to_string(i) + " GmbH"; };
  for (int i = 0; i < 50; ++i) {
    stored += R"({"jsonrpc":"2.0","id":"u)" + std::to_string(i) +
             R"(","method":"upsert_opportunity","params":{"opportunity":{"id":"o-)" +
             std::to_string(i) + R"(","owner":{"kind":"direct","id":"rep"},"company":")" +
             company(i) + R"(","country":"DE"}}})" "\n";
  }
  for (int i = 0; i < 400; ++i) {
    // Stored and fresh customers, a notification and a broken line now
    // and then: answers of different lengths, some lines with none.
    if (i % 37 == 5) {
      lines += R"({"jsonrpc":"2.0","method":"ping"})" "\n";
    } else if (i % 41 == 7) {
      lines += R"({"jsonrpc":"2.0","id":)" + std::to_string(i) + R"(,"method":"check")" "\n";
    } else {
      lines += R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
               R"(,"method":"check","params":{"deal":{"owner":{"kind":"partner","id":"p-1"},"company":")" +
               company(i % 100) + R"(","country":"DE"}}})" "\n";
    }
  }
  auto answer = [](Dispatcher* d, const std::string& text) {
    LineBuffer in(1 << 20);
    auto space = in.Writable(text.size());
    std::memcpy(space.data(), text.data(), text.size());
    in.Commit(text.size());
    std::string out;
    d->HandleLines(&in, &out, /*stop_at_overlong=*/false);
    return out;
  };
  // Stored first: the run itself changes nothing, so it can be run again.
  ASSERT_EQ(answer(&serial, stored), answer(&parallel, stored));
  const std::string want = answer(&serial, lines);
  ASSERT_NE(want.find(R"("status":"conflict")"), std::string::npos);
  ASSERT_GT(std::count(want.begin(), want.end(), '\n'), 350);
  for (int takes : {0, 1, 2}) {  // all of *out, half of it, none
    SCOPED_TRACE(takes);
    int flushes = 0;
    std::string sent;
    parallel.SetFlush([&](std::string* out) {
      // Lines go out whole or not at all here; a socket may cut one, which
      // only the bytes' order matters for.
      const std::size_t n = takes == 0 ? out->size() : takes == 1 ? out->size() / 2 : 0;
      sent.append(*out, 0, n);
      out->erase(0, n);
      ++flushes;
    });
    // The second thread may be late to join a run, or this one may reach a
    // part's end only after every line was taken: then nothing is flushed
    // early, which is allowed. Twenty tries make that all but impossible.
    for (int round = 0; round < 20 && flushes == 0; ++round) {
      sent.clear();
      const std::string rest = answer(&parallel, lines);
      EXPECT_EQ(sent + rest, want);
    }
    EXPECT_GT(flushes, 0) << "no run was flushed early";
  }
}

}  // namespace
}  // namespace leadroute::protocol
