#include "net/http_session.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cctype>
#include <string>

#include "protocol/line_buffer.h"
#include "util/secret.h"

namespace leadroute::net {

namespace beast = boost::beast;
namespace http = beast::http;

HttpSession::HttpSession(boost::asio::ip::tcp::socket socket, const HttpContext& context)
    : stream_(std::move(socket)),
      context_(context),
      dispatcher_(context.engine, context.limits, context.metrics) {
  context_.live->fetch_add(1);
  context_.metrics->Opened(protocol::Transport::kHttp);
  if (!context_.token.empty()) dispatcher_.RequireToken(context_.token);
  boost::system::error_code ec;
  stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
}

HttpSession::~HttpSession() {
  context_.registry->Remove(this);
  context_.metrics->Closed(protocol::Transport::kHttp);
  context_.live->fetch_sub(1);
}

void HttpSession::Start() {
  context_.registry->Add(shared_from_this());
  Read();
}

void HttpSession::Drain() {
  boost::asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    if (self->reading_) self->stream_.cancel();
  });
}

void HttpSession::Read() {
  if (draining_) {
    beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    return;
  }
  reading_ = true;
  parser_.emplace();
  parser_->body_limit(context_.max_body);
  parser_->header_limit(16 * 1024);
  stream_.expires_after(context_.idle_timeout);
  // The header first: a body framed in a way this server does not read
  // whole is refused before any of it is read (Beast, left alone, took
  // "Transfer-Encoding: gzip" for no body and the body for the next
  // request: one request smuggled inside another).
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->ReadFailed(ec);
                            if (const char* why = self->UnreadableFraming()) {
                              self->reading_ = false;
                              self->response_ = self->Make(http::status::bad_request,
                                                           "text/plain", why);
                              self->Write(/*close=*/true);
                              return;
                            }
                            if (self->WantsContinue()) return self->Continue();
                            self->ReadBody();
                          });
}

bool HttpSession::WantsContinue() const {
  // RFC 9110 10.1.1: a client that sent "Expect: 100-continue" waits for
  // the interim answer before its body (curl, and PHP through libcurl, for
  // a body past 1 KiB: a review found each such POST waiting 1 s, curl's
  // timeout for it, before it sent the body anyway).
  const auto& req = parser_->get();
  // Bytes past the header are the body on its way: no need to ask.
  if (req.version() < 11 || parser_->is_done() || buffer_.size() > 0) return false;
  const auto expect = req.find(http::field::expect);
  if (expect == req.end()) return false;
  std::string value(expect->value().data(), expect->value().size());
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value.find("100-continue") != std::string::npos;
}

void HttpSession::Continue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  boost::asio::async_write(stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) {
                               self->reading_ = false;
                               return;
                             }
                             self->ReadBody();
                           });
}

const char* HttpSession::UnreadableFraming() const {
  const auto& req = parser_->get();
  const auto te = req.find(http::field::transfer_encoding);
  if (te == req.end()) return nullptr;
  std::string coding(te->value().data(), te->value().size());
  for (char& c : coding) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.pop_back();
  while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.erase(0, 1);
  // Chunked alone, in HTTP/1.1, without a Content-Length (RFC 9112 6.1,
  // 6.3): anything else is no length this server can trust.
  if (req.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request\n";
  if (req.find(http::field::content_length) != req.end()) {
    return "both Transfer-Encoding and Content-Length\n";
  }
  if (coding != "chunked") return "unsupported Transfer-Encoding (only chunked is read)\n";
  // A second Transfer-Encoding field ("gzip" then "chunked") joins the first.
  if (req.count(http::field::transfer_encoding) > 1) {
    return "unsupported Transfer-Encoding (only chunked is read)\n";
  }
  return nullptr;
}

void HttpSession::ReadFailed(beast::error_code ec) {
  reading_ = false;
  if (ec == http::error::body_limit) {  // (a Content-Length says so with the header)
    // A JSON-RPC error a client reads as it reads TCP's over-long line.
    std::string body;
    protocol::Dispatcher::WriteError(protocol::kTooLarge, "request body too large", &body);
    context_.metrics->Error(protocol::kTooLarge);
    response_ = Make(http::status::payload_too_large, "application/json", std::move(body));
    Write(/*close=*/true);
    return;
  }
  // Closed, timed out, or not HTTP: a 400 for the last, then close.
  const auto& http_errors = http::make_error_code(http::error::end_of_stream).category();
  if (ec.category() == http_errors && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    response_ = Make(http::status::bad_request, "text/plain", "malformed HTTP request\n");
    Write(/*close=*/true);
  }
}

void HttpSession::ReadBody() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     if (ec) return self->ReadFailed(ec);
                     self->reading_ = false;
                     self->Answer();
                   });
}

HttpSession::Response HttpSession::Make(http::status status, std::string_view content_type,
                                        std::string body) const {
  Response r{status, 11};
  r.set(http::field::server, "leadroute");
  r.set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

void HttpSession::Answer() {
  const Request& req = parser_->get();
  std::string_view target(req.target().data(), req.target().size());
  // The absolute form ("http://host:port/rpc"), which RFC 9112 3.2.2 says
  // a server must accept: its path (a review found it answered 404).
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() > scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), target.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      const std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  const std::string_view path = target.substr(0, target.find('?'));
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  auto method_not_allowed = [&](const char* allow) {
    response_ = Make(http::status::method_not_allowed, "text/plain", "method not allowed\n");
    response_.set(http::field::allow, allow);
  };
  // The shared secret guards everything but the probes.
  const bool guarded = path == "/rpc" || path == "/metrics";
  bool authorized = context_.token.empty();
  if (!authorized) {
    const auto header = req[http::field::authorization];
    const std::string_view got(header.data(), header.size());
    const std::string want = "Bearer " + context_.token;
    authorized = SecretEquals(got, want);
    if (authorized) dispatcher_.Authorize();
  }
  // A browser sends Origin with a page's request to another site; a
  // backend, curl or a script does not. A web page must not make this
  // server act (the port is on loopback, but the browser is too), so such
  // calls are refused whatever their Content-Type.
  const bool from_a_page = path == "/rpc" && req.find(http::field::origin) != req.end();
  // A refusal a JSON-RPC client reads as it reads -32003 over TCP.
  auto refuse = [&](http::status status, std::string_view message) {
    std::string body;
    if (path == "/rpc") {  // with the request's id, as TCP answers it
      protocol::Dispatcher::WriteErrorFor(std::string_view(req.body()), protocol::kUnauthorized,
                                          message, &body);
    } else {
      protocol::Dispatcher::WriteError(protocol::kUnauthorized, message, &body);
    }
    // Counted as the TCP port counts its -32003 answers (they were not).
    context_.metrics->Error(protocol::kUnauthorized);
    response_ = Make(status, "application/json", body);
  };
  if (from_a_page) {
    refuse(http::status::forbidden, "requests from web pages (with an Origin header) are refused");
  } else if (guarded && !authorized) {
    refuse(http::status::unauthorized, "unauthorized: send Authorization: Bearer <token>");
    response_.set(http::field::www_authenticate, "Bearer");
  } else if (path == "/rpc") {
    if (req.method() != http::verb::post) {
      method_not_allowed("POST");
    } else if (req.body().find_first_not_of(" \t\r\n") == std::string::npos) {
      // Over TCP a blank line keeps a connection alive; a POST without a
      // request is no request (it was answered 204, as if a notification).
      out_.clear();
      protocol::Dispatcher::WriteError(protocol::kParseError, "Parse error: an empty body", &out_);
      context_.metrics->Error(protocol::kParseError);  // as the dispatcher counts its own
      RpcAnswered();
    } else {
      const std::string_view body = req.body();
      padded_.assign(body);
      padded_.append(protocol::kLinePadding, '\0');
      out_.clear();
      const std::string_view line(padded_.data(), body.size());
      if (context_.bulk != nullptr && body.size() >= context_.bulk_line) {
        // Nothing else of this session runs meanwhile but a Drain(), which
        // reads none of what Handle() touches.
        boost::asio::post(context_.bulk->executor(), [self = shared_from_this(), line] {
          self->dispatcher_.Handle(line, &self->out_);
          boost::asio::post(self->stream_.get_executor(), [self] {
            self->RpcAnswered();
            self->Reply();
          });
        });
        return;
      }
      bool unsynced;
      {
        // A batch's writes wait for one sync, before the response.
        Engine::DeferSync defer;
        dispatcher_.Handle(line, &out_);
        unsynced = defer.pending();
      }
      if (unsynced && !context_.engine->SyncDeferred().ok()) {
        out_.clear();
        response_ = Make(http::status::service_unavailable, "text/plain",
                         "not durable: the journal could not be synced; retry\n");
      } else {
        RpcAnswered();
      }
    }
  } else if (path == "/metrics") {
    if (!get) {
      method_not_allowed("GET");
    } else {
      response_ = Make(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                       context_.metrics->Render(*context_.engine));
    }
  } else if (path == "/livez") {
    if (!get) {
      method_not_allowed("GET");
    } else {
      response_ = Make(http::status::ok, "text/plain", "ok\n");
    }
  } else if (path == "/readyz") {
    if (!get) {
      method_not_allowed("GET");
    } else if (context_.draining->load()) {
      response_ = Make(http::status::service_unavailable, "text/plain", "draining\n");
    } else if (!context_.engine->RulesLoaded()) {
      response_ = Make(http::status::service_unavailable, "text/plain", "no rule set loaded\n");
    } else {
      response_ = Make(http::status::ok, "text/plain", "ready\n");
    }
  } else {
    response_ = Make(http::status::not_found, "text/plain", "not found\n");
  }
  Reply();
}

void HttpSession::RpcAnswered() {
  if (out_.empty()) {
    // No body, and no Content-Length or Content-Type for one (RFC 9110
    // 8.6: a 204 carries no Content-Length).
    response_ = Response{http::status::no_content, 11};
    response_.set(http::field::server, "leadroute");
  } else {
    if (out_.back() == '\n') out_.pop_back();
    response_ = Make(http::status::ok, "application/json", std::move(out_));
    out_ = std::string();
  }
}

void HttpSession::Reply() {
  const Request& req = parser_->get();
  // HEAD: the GET's headers, Content-Length included, without the body.
  if (req.method() == http::verb::head) response_.body().clear();
  const bool keep_alive = req.keep_alive() && !draining_;
  response_.keep_alive(keep_alive);
  Write(!keep_alive);
}

void HttpSession::Write(bool close) {
  if (close) response_.keep_alive(false);
  stream_.expires_after(context_.idle_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
                      if (ec) return;
                      if (close) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(
                            boost::asio::ip::tcp::socket::shutdown_send, ignored);
                        return;
                      }
                      self->ReleaseExchange();
                      self->Read();
                    });
}

void HttpSession::ReleaseExchange() {
  constexpr std::size_t kKeep = 64 * 1024;
  response_ = Response();
  parser_.reset();
  if (padded_.capacity() > kKeep) std::string().swap(padded_);
  if (out_.capacity() > kKeep) std::string().swap(out_);
  if (buffer_.capacity() > kKeep && buffer_.size() == 0) buffer_.shrink_to_fit();
  dispatcher_.Trim();
}

}  // namespace leadroute::net
