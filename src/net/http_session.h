// HttpSession: one HTTP/1.1 client on the HTTP port (Boost.Beast).
//
//   POST /rpc      a JSON-RPC request or batch in the body, answered as the
//                  TCP port would answer its line (204 for notifications)
//   GET /metrics   Prometheus text format (protocol/metrics.h)
//   GET /livez     200 while the process serves
//   GET /readyz    200 once a rule set is loaded, 503 before or while draining
//
// Keep-alive; one request at a time per connection (HTTP/1.1 pipelining is
// answered in order by reading the next request only after the answer is
// written). A body past the line limit is 413 and the connection closes; a
// client idle past the timeout is closed.
#ifndef LEADROUTE_NET_HTTP_SESSION_H_
#define LEADROUTE_NET_HTTP_SESSION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "leadroute/engine.h"
#include "net/bulk_pool.h"
#include "net/drain.h"
#include "protocol/dispatcher.h"
#include "protocol/metrics.h"

namespace leadroute::net {

struct HttpContext {
  Engine* engine;
  protocol::Metrics* metrics;
  DrainRegistry* registry;
  std::atomic<std::size_t>* live;  // open HTTP connections
  std::size_t max_body;
  protocol::DispatcherLimits limits;
  std::chrono::seconds idle_timeout;
  const std::atomic<bool>* draining;  // readiness off
  std::string token;                  // empty: none required
  // POST /rpc bodies of bulk_line bytes or more are answered on `bulk`
  // (null: on the I/O thread).
  BulkPool* bulk = nullptr;
  std::size_t bulk_line = SIZE_MAX;
};

class HttpSession : public Drainable, public std::enable_shared_from_this<HttpSession> {
 public:
  // `socket` should run on a strand of its own.
  HttpSession(boost::asio::ip::tcp::socket socket, const HttpContext& context);
  ~HttpSession() override;

  void Start();
  void Drain() override;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void Read();
  // Read()'s second part, once the header passed UnreadableFraming().
  // Whether the request waits for "100 Continue" before its body, and
  // sending it (then the body is read).
  bool WantsContinue() const;
  void Continue();
  void ReadBody();
  // Why the request's framing cannot be trusted to give its body's length
  // (a Transfer-Encoding other than "chunked", beside a Content-Length, or
  // in HTTP/1.0: RFC 9112 6.1, 6.3), or nullptr.
  const char* UnreadableFraming() const;
  // A read's error: a 400 and a close for what is not HTTP.
  void ReadFailed(boost::beast::error_code ec);
  void Answer();
  // The response to POST /rpc, from what the dispatcher wrote to out_.
  void RpcAnswered();
  // Sends response_ (headers only for HEAD), then reads the next request
  // unless it closes.
  void Reply();
  void Write(bool close);
  // Frees the last exchange's request and response (up to the body limit
  // each, plus the padded copy), which an idle keep-alive connection
  // otherwise held until its next request or its timeout; small buffers
  // stay for reuse.
  void ReleaseExchange();
  Response Make(boost::beast::http::status status, std::string_view content_type,
                std::string body) const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Response response_;
  HttpContext context_;
  protocol::Dispatcher dispatcher_;
  std::string padded_;  // the body with simdjson's padding
  std::string out_;
  bool reading_ = false;
  bool draining_ = false;
};

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_HTTP_SESSION_H_
