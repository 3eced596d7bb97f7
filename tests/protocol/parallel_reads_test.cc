// Pipelined requests that only read, answered on two threads: the same
// bytes, in the same order, and the same state as answered one by one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
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
      {R"({"jsonrpc":"2.0","id":1,"method":"check","params":{},"params":{}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"register","params":{"deal":{}}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"hello","params":{"token":"t"}})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"check","method":"register"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"register","method":"check"})", false},
      {R"({"jsonrpc":"2.0","id":1,"method":["check"]})", false},
      {R"([{"jsonrpc":"2.0","id":1,"method":"check"}])", false},
      {R"({"jsonrpc":"2.0","id":1,"method":"check")", false},
      {R"(not json)", false},
      {R"()", false},
  };
  for (const Case& c : cases) {
    const std::string padded = Padded(c.line);
    EXPECT_EQ(d.OnlyReads(std::string_view(padded.data(), std::strlen(c.line))), c.reads)
        << c.line;
  }
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
