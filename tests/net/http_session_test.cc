// The HTTP port: /rpc answers as the TCP port does, /metrics counts what
// happened, /livez and /readyz, and bad HTTP gets a status, not a hang.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "net/counting_log.h"
#include "net/server_fixture.h"
#include "util/resident.h"

namespace leadroute::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class HttpTest : public ServerFixture {
 protected:
  // Sends raw bytes on a new connection; returns everything read until the
  // server closes (requests here end with Connection: close).
  std::string Exchange(const std::string& request) {
    tcp::socket s = Connect(server_->http_port());
    asio::write(s, asio::buffer(request));
    std::string got;
    char buf[4096];
    boost::system::error_code ec;
    while (true) {
      const std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
    }
    return got;
  }
  static std::string Post(const std::string& body, const std::string& headers = "") {
    return "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + headers +
           "Connection: close\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }
  static std::string Get(const std::string& path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  }
  static std::string Body(const std::string& response) {
    const auto at = response.find("\r\n\r\n");
    return at == std::string::npos ? "" : response.substr(at + 4);
  }
};

TEST_F(HttpTest, RpcAnswersLikeTheTcpPort) {
  const std::string r = Exchange(Post(R"({"jsonrpc":"2.0","id":7,"method":"ping"})"));
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: application/json"), std::string::npos);
  EXPECT_EQ(Body(r).rfind(R"({"jsonrpc":"2.0","id":7,"result":{"version":)", 0), 0u) << r;
  // A batch, as webhooks push them.
  const std::string batch = Exchange(Post(
      R"([{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"nope"}])"));
  EXPECT_EQ(Body(batch).front(), '[');
  EXPECT_NE(Body(batch).find("-32601"), std::string::npos);
  // A notification: nothing to answer.
  const std::string none = Exchange(Post(R"({"jsonrpc":"2.0","method":"ping"})"));
  EXPECT_EQ(none.rfind("HTTP/1.1 204", 0), 0u);
  // Regression: it carried "Content-Length: 0", which RFC 9110 forbids on
  // a 204, and a Content-Type for no content.
  EXPECT_EQ(none.find("Content-Length"), std::string::npos) << none;
  EXPECT_EQ(none.find("Content-Type"), std::string::npos) << none;
  // Bad JSON: a JSON-RPC parse error, still HTTP 200.
  EXPECT_NE(Body(Exchange(Post("{nope"))).find("-32700"), std::string::npos);
}

TEST_F(HttpTest, BulkBodiesAnswerOnTheBulkPool) {
  ServerOptions options;
  options.bulk_line = 64;
  Restart(options);
  const std::string body =
      R"({"jsonrpc":"2.0","id":3,"method":"upsert_opportunities","params":{"opportunities":[)"
      R"({"id":"o-1","owner":{"kind":"direct","id":"r-1"},"company":"Bulk GmbH","country":"DE"}]}})";
  const std::string r = Exchange(Post(body));
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_EQ(Body(r).rfind(R"({"jsonrpc":"2.0","id":3,"result":)", 0), 0u) << r;
  EXPECT_EQ(engine_->Stats().opportunities, 1u);
  // A small request still answers on the I/O thread.
  EXPECT_EQ(Exchange(Post(R"({"jsonrpc":"2.0","id":4,"method":"ping"})")).rfind("HTTP/1.1 200", 0),
            0u);
}

// A batch of writes waits for one sync; when it fails, the response is a
// 503, not the batch's answers.
TEST_F(HttpTest, ABatchOfWritesSharesOneSync) {
  CountingLog log;
  change_log_ = &log;
  Restart({});
  std::string batch = "[";
  for (int i = 0; i < 5; ++i) {
    const std::string n = std::to_string(i);
    if (i > 0) batch += ",";
    batch += R"({"jsonrpc":"2.0","id":)" + n +
             R"(,"method":"upsert_opportunity","params":{"opportunity":{"id":"h-)" + n +
             R"(","owner":{"kind":"direct","id":"r-1"},"company":"Batch )" + n +
             R"( GmbH","country":"DE"}}})";
  }
  batch += "]";
  const std::string ok = Exchange(Post(batch));
  EXPECT_EQ(ok.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << ok;
  EXPECT_EQ(log.appends.load(), 5u);
  EXPECT_EQ(log.syncs.load(), 1u);
  log.fail_syncs = true;
  const std::string failed = Exchange(Post(batch));
  EXPECT_EQ(failed.rfind("HTTP/1.1 503", 0), 0u) << failed;
  EXPECT_NE(failed.find("not durable"), std::string::npos) << failed;
  EXPECT_EQ(failed.find("\"result\""), std::string::npos) << failed;
  TearDown();
  engine_->SetChangeLog(nullptr);
  change_log_ = nullptr;
}

TEST_F(HttpTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  tcp::socket s = Connect(server_->http_port());
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  std::string two = "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body;
  two += two;
  asio::write(s, asio::buffer(two));
  std::string got;
  char buf[4096];
  while (got.find("HTTP/1.1 200", got.find("HTTP/1.1 200") + 1) == std::string::npos) {
    boost::system::error_code ec;
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    ASSERT_FALSE(ec) << got;
    got.append(buf, n);
  }
}

// curl (and PHP through libcurl) asks with "Expect: 100-continue" before a
// body past 1 KiB and waits for the interim answer (regression: none came,
// and each such POST waited 1 s, curl's timeout, before sending its body).
TEST_F(HttpTest, ABodyWaitingForContinueIsAskedFor) {
  tcp::socket s = Connect(server_->http_port());
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  asio::write(s, asio::buffer("POST /rpc HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\n"
                              "Connection: close\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n"));
  std::string got;
  char buf[4096];
  boost::system::error_code ec;
  while (got.find("\r\n\r\n") == std::string::npos) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    ASSERT_FALSE(ec) << got;
    got.append(buf, n);
  }
  EXPECT_EQ(got, "HTTP/1.1 100 Continue\r\n\r\n");
  asio::write(s, asio::buffer(body));
  got.clear();
  while (true) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    got.append(buf, n);
  }
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_NE(Body(got).find(R"("result")"), std::string::npos) << got;
  // A body sent at once with the header needs no interim answer.
  const std::string r = Exchange(Post(body, "Expect: 100-continue\r\n"));
  EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
}

TEST_F(HttpTest, HealthAndReadiness) {
  EXPECT_EQ(Exchange(Get("/livez")).rfind("HTTP/1.1 200", 0), 0u);
  // The absolute form, which a server must take (RFC 9112 3.2.2;
  // regression: 404).
  EXPECT_EQ(Exchange(Get("http://127.0.0.1:1/livez")).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(Exchange(Get("HTTP://x/livez?probe=1")).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(Exchange(Get("http://x")).rfind("HTTP/1.1 404", 0), 0u);
  // No rule set loaded: not ready.
  EXPECT_EQ(Exchange(Get("/readyz")).rfind("HTTP/1.1 503", 0), 0u);
  EXPECT_EQ(Exchange(Get("/nowhere")).rfind("HTTP/1.1 404", 0), 0u);
  const std::string wrong = Exchange(Get("/rpc"));
  EXPECT_EQ(wrong.rfind("HTTP/1.1 405", 0), 0u);
  EXPECT_NE(wrong.find("Allow: POST"), std::string::npos);
}

TEST_F(HttpTest, MetricsCountRequestsAndErrors) {
  Exchange(Post(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"));
  Exchange(Post(R"({"jsonrpc":"2.0","id":2,"method":"get_opportunity","params":{"id":"x"}})"));
  Exchange(Post("{bad"));
  const std::string m = Body(Exchange(Get("/metrics")));
  EXPECT_NE(m.find("# TYPE leadroute_requests_total counter"), std::string::npos) << m;
  EXPECT_NE(m.find("leadroute_requests_total{method=\"ping\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("leadroute_request_duration_seconds_count{method=\"ping\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.find("leadroute_request_duration_seconds_bucket{method=\"ping\",le=\"+Inf\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.find("leadroute_errors_total{code=\"-32001\"} 1\n"), std::string::npos) << m;
  EXPECT_NE(m.find("leadroute_errors_total{code=\"-32700\"} 1\n"), std::string::npos) << m;
  // This request's own connection, at least (earlier ones close concurrently).
  EXPECT_EQ(m.find("leadroute_connections{transport=\"http\"} 0\n"), std::string::npos) << m;
  EXPECT_NE(m.find("leadroute_build_info{version=\""), std::string::npos);
  EXPECT_NE(m.find("# TYPE leadroute_index_bytes gauge\nleadroute_index_bytes{part=\"records\"} "),
            std::string::npos) << m;
  EXPECT_NE(m.find("leadroute_index_bytes{part=\"posting_lists\"} "), std::string::npos);
  EXPECT_NE(m.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_EQ(m.find("\nprocess_resident_memory_bytes 0\n"), std::string::npos);
  // Every sample line belongs to a family with HELP and TYPE.
  std::size_t samples = 0;
  for (std::size_t at = 0; at < m.size();) {
    const std::size_t nl = m.find('\n', at);
    const std::string line = m.substr(at, nl - at);
    at = nl + 1;
    if (line.empty() || line[0] == '#') continue;
    ++samples;
    std::string family = line.substr(0, line.find_first_of("{ "));
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      if (family.ends_with(suffix) && m.find("# TYPE " + family + " ") == std::string::npos) {
        family.resize(family.size() - std::string_view(suffix).size());
      }
    }
    EXPECT_NE(m.find("# HELP " + family + " "), std::string::npos) << line;
    EXPECT_NE(m.find("# TYPE " + family + " "), std::string::npos) << line;
  }
  EXPECT_GT(samples, 100u);
}

TEST_F(HttpTest, BadHttpGetsAStatusAndAClose) {
  // A body past the line limit.
  const std::string big(8192, 'x');
  const std::string too_large = Exchange(Post(big));
  EXPECT_EQ(too_large.rfind("HTTP/1.1 413", 0), 0u);
  // Its body a JSON-RPC error, as TCP answers an over-long line (it was
  // text).
  EXPECT_EQ(Body(too_large).rfind(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32002,)", 0), 0u)
      << too_large;
  EXPECT_NE(too_large.find("Content-Type: application/json"), std::string::npos) << too_large;
  // Not HTTP at all: a TLS ClientHello's first bytes.
  const std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15);
  const std::string r = Exchange(hello);
  EXPECT_TRUE(r.empty() || r.rfind("HTTP/1.1 400", 0) == 0) << r;
  // The server still serves.
  EXPECT_EQ(Exchange(Get("/livez")).rfind("HTTP/1.1 200", 0), 0u);
}

// Regression: a keep-alive connection held its last request (the body and
// its padded copy) and its answer until its next request or its idle
// timeout: up to three times the body limit for each idle client.
TEST_F(HttpTest, IdleConnectionsHoldNoRequestOrAnswer) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizers' allocators keep freed memory resident";
#endif
  ServerOptions options;
  options.max_line = 4 << 20;
  Restart(options);
  // ~0.9 MB of request (a batch of normalize calls, spaces between them)
  // and ~0.2 MB of answer.
  std::string batch = "[";
  for (int i = 0; i < 500; ++i) {
    if (i > 0) batch += ",";
    batch += R"({"jsonrpc":"2.0","id":)" + std::to_string(i) +
             R"(,"method":"normalize","params":{"party":{"company":"Idle )" + std::to_string(i) +
             R"( GmbH","email":"a.b@idle.de"}}})" + std::string(1500, ' ');
  }
  batch += "]";
  const std::string request = "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                              std::to_string(batch.size()) + "\r\n\r\n" + batch;
  // Sends the request and reads its whole answer, leaving the connection open.
  auto exchange = [&](tcp::socket& s) {
    asio::write(s, asio::buffer(request));
    std::string got;
    char buf[65536];
    std::size_t want = std::string::npos;
    while (want == std::string::npos || got.size() < want) {
      boost::system::error_code ec;
      const std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      got.append(buf, n);
      const auto head = got.find("\r\n\r\n");
      const auto length = got.find("Content-Length: ");
      if (want == std::string::npos && head != std::string::npos && length < head) {
        want = head + 4 + std::stoul(got.substr(length + 16));
      }
    }
    return got;
  };
  {
    tcp::socket warm = Connect(server_->http_port());
    ASSERT_EQ(exchange(warm).rfind("HTTP/1.1 200", 0), 0u);
  }
  const std::size_t before = ResidentBytes();
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 40; ++i) {
    idle.push_back(Connect(server_->http_port()));
    const std::string got = exchange(idle.back());
    ASSERT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got.substr(0, 200);
    ASSERT_NE(got.find(R"("id":499)"), std::string::npos);
  }
  // Held, the 40 exchanges would be ~80 MB; released, each reuses the last's.
  EXPECT_LT(ResidentBytes(), before + (24u << 20));

  // The TCP port likewise: 40 connections that each sent a 0.9 MB line
  // (its parsers, ~20 bytes a byte of line, and its buffers) and wait.
  const std::size_t before_tcp = ResidentBytes();
  const std::string line =
      R"({"jsonrpc":"2.0","id":1,"method":"normalize","params":{"party":{"company":"Idle AG",)"
      R"("note":")" + std::string(900000, 'z') + "\"}}}\n";
  for (int i = 0; i < 40; ++i) {
    idle.push_back(Connect(server_->port()));
    asio::write(idle.back(), asio::buffer(line));
    std::string got;
    char buf[4096];
    while (got.empty() || got.back() != '\n') {
      boost::system::error_code ec;
      const std::size_t n = idle.back().read_some(asio::buffer(buf), ec);
      ASSERT_FALSE(ec) << got;
      got.append(buf, n);
    }
    ASSERT_NE(got.find(R"("company":"idle")"), std::string::npos) << got;
  }
  // Held, ~50 MB (the validator's document alone, ~0.9 MB each).
  EXPECT_LT(ResidentBytes(), before_tcp + (16u << 20));
}

// A body whose length the framing does not give plainly is refused before
// any of it is read: a Transfer-Encoding but "chunked", or beside a
// Content-Length, or in HTTP/1.0 (RFC 9112 6.1, 6.3). A review smuggled
// a second request inside the first's body ("Transfer-Encoding: gzip" was
// taken for no body, the body for the next request).
TEST_F(HttpTest, AmbiguousBodyFramingIsRefused) {
  const std::string inner =
      "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\nConnection: close\r\n\r\n"
      R"({"jsonrpc":"2.0","id":"SMUGGLED","method":"ping"})";
  for (const std::string& framing :
       {std::string("Transfer-Encoding: gzip\r\n"),
        std::string("Transfer-Encoding: chunked, identity\r\n"),
        std::string("Transfer-Encoding: gzip, chunked\r\n"),
        std::string("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"),
        std::string("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")}) {
    const std::string r = Exchange("POST /rpc HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n" + inner);
    EXPECT_EQ(r.rfind("HTTP/1.1 400", 0), 0u) << framing << r;
    EXPECT_EQ(r.find("SMUGGLED"), std::string::npos) << framing << r;
  }
  const std::string chunk = R"({"jsonrpc":"2.0","id":3,"method":"ping"})";
  std::ostringstream size;
  size << std::hex << chunk.size();
  const std::string chunked = size.str() + "\r\n" + chunk + "\r\n0\r\n\r\n";
  EXPECT_EQ(Exchange("POST /rpc HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunked)
                .rfind("HTTP/1.1 400", 0),
            0u);
  // Chunked alone, in HTTP/1.1, is read.
  const std::string ok = Exchange(
      "POST /rpc HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
      chunked);
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(ok.find(R"("id":3)"), std::string::npos) << ok;
}

// --max-connections bounds the HTTP port's connections too, counted with
// the TCP port's: a review held 150 HTTP connections open past it, until
// the file descriptors ran out and TCP clients waited unanswered.
TEST_F(HttpTest, ConnectionsPastTheLimitAreRefusedOnBothPorts) {
  ServerOptions options;
  options.max_connections = 3;
  Restart(options);
  const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  const std::string keep_alive = "POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                 std::to_string(ping.size()) + "\r\n\r\n" + ping;
  std::vector<tcp::socket> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Connect(server_->http_port()));
    asio::write(held.back(), asio::buffer(keep_alive));
    char buf[1024];
    const std::size_t n = held.back().read_some(asio::buffer(buf));
    ASSERT_EQ(std::string(buf, n).rfind("HTTP/1.1 200", 0), 0u);
  }
  EXPECT_EQ(Exchange(Post(ping)).rfind("HTTP/1.1 503", 0), 0u);
  {
    tcp::socket s = Connect(server_->port());
    asio::write(s, asio::buffer(ping + "\n"));
    char buf[1024];
    boost::system::error_code ec;
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    EXPECT_NE(std::string(buf, n).find("too many connections"), std::string::npos);
  }
  held.pop_back();  // closed: a place again
  const auto t0 = std::chrono::steady_clock::now();
  std::string r;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5)) {
    r = Exchange(Post(ping));
    if (r.rfind("HTTP/1.1 200", 0) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
}

// A POST without a request in its body is a parse error, not a
// notification's 204.
TEST_F(HttpTest, AnEmptyBodyIsAParseError) {
  for (const std::string& body : {std::string(), std::string("   "), std::string("\r\n")}) {
    const std::string r = Exchange(Post(body));
    EXPECT_EQ(r.rfind("HTTP/1.1 200", 0), 0u) << r;
    EXPECT_NE(Body(r).find("-32700"), std::string::npos) << r;
  }
  // Counted, as every other -32700 (regression: these three were not).
  const std::string m = Body(Exchange(Get("/metrics")));
  EXPECT_NE(m.find("leadroute_errors_total{code=\"-32700\"} 3\n"), std::string::npos) << m;
}

// A call from a web page (a browser adds Origin) could make a server on
// loopback act on behalf of any site: refused, whatever the Content-Type.
TEST_F(HttpTest, CallsFromWebPagesAreRefused) {
  const std::string remove =
      R"({"jsonrpc":"2.0","id":1,"method":"upsert_opportunity","params":{"opportunity":{"id":"csrf","owner":{"kind":"partner","id":"p"},"company":"Evil"}}})";
  const std::string denied = Exchange(Post(remove, "Origin: http://evil.example\r\n"));
  EXPECT_EQ(denied.rfind("HTTP/1.1 403", 0), 0u) << denied;
  EXPECT_NE(Body(denied).find(R"("code":-32003)"), std::string::npos) << denied;
  EXPECT_FALSE(engine_->GetOpportunity("csrf"));
  // Counted among the errors, as a -32003 over TCP is (regression: not).
  const std::string metrics = Body(Exchange(Get("/metrics")));
  EXPECT_NE(metrics.find(R"(leadroute_errors_total{code="-32003"} 1)"), std::string::npos)
      << metrics.substr(0, 2000);
  // Without Origin (curl, a backend), as before.
  EXPECT_EQ(Exchange(Post(remove)).rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_TRUE(engine_->GetOpportunity("csrf"));
}

TEST_F(HttpTest, BearerTokenGuardsRpcAndMetricsButNotProbes) {
  ServerOptions options;
  options.token = "s3cret";
  Restart(options);
  const std::string ping = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";
  const std::string denied = Exchange(Post(ping));
  EXPECT_EQ(denied.rfind("HTTP/1.1 401", 0), 0u) << denied;
  EXPECT_NE(denied.find("WWW-Authenticate: Bearer"), std::string::npos);
  // The body is a JSON-RPC error with the request's id, as over TCP
  // (regression: its id was null); null where no id can be read.
  EXPECT_EQ(Body(denied).rfind(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32003,)", 0), 0u)
      << denied;
  EXPECT_EQ(Body(Exchange(Post(R"({"jsonrpc":"2.0","id":"a\"b","method":"ping"})")))
                .rfind(R"({"jsonrpc":"2.0","id":"a\"b","error":{"code":-32003,)", 0),
            0u);
  for (const std::string body : {R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])",
                                 R"({"jsonrpc":"2.0","id":[1],"method":"ping"})", "not json"}) {
    EXPECT_EQ(Body(Exchange(Post(body))).rfind(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32003,)", 0),
              0u)
        << body;
  }
  EXPECT_EQ(Exchange(Post(ping, "Authorization: Bearer wrong\r\n")).rfind("HTTP/1.1 401", 0), 0u);
  const std::string ok = Exchange(Post(ping, "Authorization: Bearer s3cret\r\n"));
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(Body(ok).find(R"("result":{"version")"), std::string::npos) << ok;
  EXPECT_EQ(Exchange(Get("/metrics")).rfind("HTTP/1.1 401", 0), 0u);
  EXPECT_EQ(Exchange(Get("/livez")).rfind("HTTP/1.1 200", 0), 0u);
}

}  // namespace
}  // namespace leadroute::net
