#include "net/tcp_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <charconv>
#include <cstdio>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include <dirent.h>
#include <sys/resource.h>

#include "net/connection.h"
#include "net/http_session.h"
#include "util/log.h"

namespace leadroute::net {

namespace asio = boost::asio;
using asio::ip::tcp;

struct TcpServer::Impl {
  Impl(Engine* e, ServerOptions o)
      : engine(e),
        options(std::move(o)),
        ios(MakeContexts(ThreadCount(options))),
        io(*ios.front()),
        acceptor(asio::make_strand(io)),
        http_acceptor(asio::make_strand(io)),
        retry(acceptor.get_executor()),
        signals(acceptor.get_executor(), SIGINT, SIGTERM),
        hangup(acceptor.get_executor(), SIGHUP) {
    if (options.extra_metrics) metrics.AddSource(options.extra_metrics);
    if (options.bulk_line > 0) {
      bulk = std::make_unique<BulkPool>(OrCores(options.bulk_threads), options.bulk_nice);
    }
  }

  // `n`, or one per core when 0.
  static std::size_t OrCores(std::size_t n) {
    return n > 0 ? n : std::max(1u, std::thread::hardware_concurrency());
  }
  static std::size_t ThreadCount(const ServerOptions& o) { return OrCores(o.threads); }
  // One io_context per thread, each run by that thread alone: a
  // connection's reads, answers and writes stay on the thread whose epoll
  // saw its bytes, with no hand-over to another thread (a wakeup costs
  // ~5 us at depth 1 on this VM).
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(std::size_t n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }
  // The context of the next connection, round robin.
  asio::io_context& NextContext() { return *ios[next_context++ % ios.size()]; }
  void StopAll() {
    for (auto& c : ios) c->stop();
  }

  void Accept() {
    // Each connection on the executor of one context, which one thread
    // runs: its handlers and a drain request never run at once.
    acceptor.async_accept(NextContext(), [this](boost::system::error_code ec,
                                                Connection::Socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of file descriptors (EMFILE) and the like: accepting again at
        // once would spin; wait a little for connections to close.
        AcceptFailed(ec);
        retry.expires_after(std::chrono::milliseconds(50));
        retry.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec && acceptor.is_open()) Accept();
        });
        return;
      }
      if (draining.load()) {
        // Accepted just before the acceptor closed: not served.
        boost::system::error_code ignored;
        s.close(ignored);
        return;
      }
      accept_failing = false;
      if (Open() >= max_connections) {
        Connection::Refuse(std::move(s), "too many connections");
      } else {
        const ConnectionContext context{engine,
                                        &metrics,
                                        &registry,
                                        &connections,
                                        options.max_line,
                                        options.limits,
                                        std::chrono::seconds(options.idle_seconds),
                                        std::chrono::seconds(options.line_seconds),
                                        std::chrono::seconds(options.write_seconds),
                                        options.max_output,
                                        options.token,
                                        options.feed,
                                        bulk.get(),
                                        options.bulk_line};
        std::make_shared<Connection>(std::move(s), context)->Start();
      }
      if (acceptor.is_open()) Accept();
    });
  }

  void AcceptHttp() {
    http_acceptor.async_accept(asio::make_strand(NextContext()),
                               [this](boost::system::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // As for TCP: let connections close before accepting again.
        AcceptFailed(ec);
        auto wait = std::make_shared<asio::steady_timer>(http_acceptor.get_executor());
        wait->expires_after(std::chrono::milliseconds(50));
        wait->async_wait([this, wait](boost::system::error_code wait_ec) {
          if (!wait_ec && http_acceptor.is_open()) AcceptHttp();
        });
        return;
      }
      if (draining.load()) {
        boost::system::error_code ignored;
        s.close(ignored);
        return;
      }
      accept_failing = false;
      if (Open() >= max_connections) {
        // Past the limit the TCP port keeps: an answer, and a close (an
        // HTTP port without one held clients until the file descriptors
        // ran out, and the TCP port's clients then waited unanswered).
        static constexpr std::string_view kRefusal =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            "Content-Length: 21\r\nConnection: close\r\n\r\ntoo many connections\n";
        boost::system::error_code ignored;
        asio::write(s, asio::buffer(kRefusal), ignored);
        s.shutdown(tcp::socket::shutdown_both, ignored);
        s.close(ignored);
        if (http_acceptor.is_open()) AcceptHttp();
        return;
      }
      const HttpContext context{engine,         &metrics,
                                &registry,      &http_connections, options.max_line,
                                options.limits, std::chrono::seconds(options.http_idle_seconds),
                                &draining,      options.token,
                                bulk.get(),     options.bulk_line};
      std::make_shared<HttpSession>(std::move(s), context)->Start();
      if (http_acceptor.is_open()) AcceptHttp();
    });
  }

  // Open connections, TCP and HTTP, which max_connections bounds together.
  std::size_t Open() const { return connections.load() + http_connections.load(); }
  // A failed accept (out of file descriptors, mostly) is logged once until
  // one succeeds again: clients then wait unanswered, which should show.
  void AcceptFailed(const boost::system::error_code& ec) {
    if (accept_failing.exchange(true)) return;
    Log("error", "accepting connections fails; trying again every 50 ms",
        {{"error", ec.message()}, {"open", std::to_string(Open())}});
  }

  Engine* engine;
  ServerOptions options;
  // options.max_connections, or fewer where the process may not open that
  // many files (Listen()).
  std::size_t max_connections = 0;
  std::atomic<bool> accept_failing{false};
  // Before ios: connections still queued in them when they are destroyed count
  // themselves down in their destructors.
  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> http_connections{0};
  protocol::Metrics metrics;
  DrainRegistry registry;
  std::atomic<bool> draining{false};
  std::vector<std::unique_ptr<asio::io_context>> ios;
  asio::io_context& io;  // ios[0]: acceptors, signals, the drain watch
  std::size_t next_context = 0;  // on ios[0]'s one thread (both acceptors)
  // After ios: stopped (its work done) before they go, since that work ends
  // by posting to connections' strands.
  std::unique_ptr<BulkPool> bulk;
  tcp::acceptor acceptor;
  tcp::acceptor http_acceptor;
  asio::steady_timer retry;  // on the acceptor's strand
  asio::signal_set signals;
  asio::signal_set hangup;  // SIGHUP: reload the rule set
  std::optional<asio::steady_timer> drain_timer;  // on the acceptor's strand
  std::chrono::steady_clock::time_point drain_deadline;

  // Waits for the drained connections to close; cuts them at the deadline.
  void WatchDrain() {
    drain_timer->expires_after(std::chrono::milliseconds(20));
    drain_timer->async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      if (registry.size() == 0) {  // all closed
        StopAll();
        return;
      }
      if (std::chrono::steady_clock::now() >= drain_deadline) {
        StopAll();
        return;
      }
      WatchDrain();
    });
  }

  // SIGHUP: reload the rule set. The signal sets are only touched on the
  // acceptor's strand (as Stop() does); the reload itself runs elsewhere so
  // accepting goes on meanwhile, and is not re-armed once draining.
  void WaitForHangup() {
    hangup.async_wait([this](boost::system::error_code ec, int) {
      if (ec || draining.load()) return;
      // Off the I/O threads when there are bulk threads: each I/O thread
      // serves its own connections, which a reload would hold up.
      auto on = bulk ? bulk->executor() : io.get_executor();
      asio::post(on, [this] {
        // Compiled off to the side; queries keep flowing on the old rules.
        auto info = engine->ReloadRules();
        if (info.ok()) {
          Log("info", "rules reloaded",
              {{"rules_version", info->version}, {"partners", std::to_string(info->partners)}});
          for (const std::string& w : info->warnings) Log("warn", "rules", {{"warning", w}});
        } else {
          Log("error", "rules reload failed; the old rules stay",
              {{"error", info.status().message()}});
        }
        asio::post(acceptor.get_executor(), [this] {
          if (!draining.load()) WaitForHangup();
        });
      });
    });
  }
};

TcpServer::TcpServer(Engine* engine, ServerOptions options)
    : impl_(std::make_unique<Impl>(engine, std::move(options))) {}

TcpServer::~TcpServer() = default;

namespace {

Status Bind(tcp::acceptor& a, const std::string& host, std::uint16_t port,
            std::string_view flag) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::InvalidArgument("bad listen address", flag);
  const tcp::endpoint endpoint(address, port);
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                           ec.message());
  }
  return Status::Ok();
}

std::uint16_t BoundPort(const tcp::acceptor& a) {
  boost::system::error_code ec;
  auto ep = a.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

}  // namespace

bool IsLoopback(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

namespace {

// The process's file descriptor limit, raised to its hard limit (a shell's
// soft 1,024 is below the default 10,000 connections), and what it allows
// of `wanted` connections: files beyond them stay for the data directory,
// the rule set and the log.
std::size_t ConnectionsTheFileLimitAllows(std::size_t wanted) {
  // What is open now (the I/O threads' epoll, event and timer descriptors,
  // the data directory, the log), and room for what opens later (journal
  // segments, snapshots, a subscriber's catch-up reads).
  std::size_t open_now = 0;
  if (DIR* fds = ::opendir("/proc/self/fd")) {
    while (::readdir(fds) != nullptr) ++open_now;
    ::closedir(fds);
  }
  const rlim_t kSpare = static_cast<rlim_t>(open_now) + 64;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted + kSpare) return wanted;
  const std::size_t allowed =
      limit.rlim_cur > 2 * kSpare ? static_cast<std::size_t>(limit.rlim_cur - kSpare) : 1;
  Log("warn", "fewer connections than --max-connections: the file descriptor limit allows no more",
      {{"max_connections", std::to_string(wanted)},
       {"allowed", std::to_string(allowed)},
       {"nofile", std::to_string(limit.rlim_cur)}});
  return allowed;
}

}  // namespace

Status TcpServer::Listen() {
  const ServerOptions& o = impl_->options;
  impl_->max_connections = ConnectionsTheFileLimitAllows(o.max_connections);
  if (ExposedWithoutToken(o) != nullptr) {
    return Status::Unauthorized(
        "listening beyond loopback needs a token (--token or LEADROUTE_TOKEN)");
  }
  if (Status s = Bind(impl_->acceptor, o.host, o.port, "listen"); !s.ok()) return s;
  if (o.http) return Bind(impl_->http_acceptor, o.http_host, o.http_port, "http");
  return Status::Ok();
}

std::uint16_t TcpServer::port() const { return BoundPort(impl_->acceptor); }

std::size_t TcpServer::connections() const { return impl_->connections.load(); }

std::uint16_t TcpServer::http_port() const {
  return impl_->options.http ? BoundPort(impl_->http_acceptor) : 0;
}

void TcpServer::Run() {
  impl_->signals.async_wait(
      [this](boost::system::error_code ec, int) { if (!ec) Stop(); });
  impl_->WaitForHangup();
  impl_->Accept();
  if (impl_->options.http) impl_->AcceptHttp();
  // Each context runs until Stop()'s drain stops them all, connections or
  // not.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> busy;
  for (auto& c : impl_->ios) busy.push_back(asio::make_work_guard(*c));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->ios.size(); ++i) {
    threads.emplace_back([this, i] { impl_->ios[i]->run(); });
  }
  impl_->io.run();
  for (auto& t : threads) t.join();
  // A drain cut at its deadline may leave bulk work running: it finishes
  // (its changes logged and applied) before the server returns.
  if (impl_->bulk) impl_->bulk->Stop();
}

void TcpServer::Stop() {
  // On the acceptor's strand: its completion handler reads its state.
  asio::post(impl_->acceptor.get_executor(), [this] {
    if (impl_->draining.exchange(true)) return;  // already stopping
    boost::system::error_code ec;
    impl_->retry.cancel();
    impl_->acceptor.close(ec);
    asio::post(impl_->http_acceptor.get_executor(), [this] {
      boost::system::error_code ignored;
      impl_->http_acceptor.close(ignored);
    });
    // A second SIGINT or SIGTERM (Ctrl-C twice) cuts the drain short, as
    // its deadline would: what was read is still finished, and the data
    // directory's last snapshot written.
    impl_->signals.async_wait([this](boost::system::error_code wait_ec, int) {
      if (!wait_ec) impl_->StopAll();
    });
    impl_->hangup.cancel(ec);
    // Every open connection answers what it has read, then closes; Run()
    // returns when none is left, or at the deadline.
    impl_->registry.DrainAll();
    impl_->drain_deadline = std::chrono::steady_clock::now() +
                            std::chrono::seconds(impl_->options.drain_seconds);
    impl_->drain_timer.emplace(impl_->acceptor.get_executor());
    impl_->WatchDrain();
  });
}

bool ParseHostPort(const std::string& text, std::string* host,
                   std::uint16_t* port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string h = text.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    h = h.substr(1, h.size() - 2);
  }
  unsigned value = 0;
  const char* b = text.data() + colon + 1;
  const char* e = text.data() + text.size();
  auto r = std::from_chars(b, e, value);
  if (r.ec != std::errc() || r.ptr != e || value > 65535 || b == e) return false;
  *host = std::move(h);
  *port = static_cast<std::uint16_t>(value);
  return true;
}

const char* ExposedWithoutToken(const ServerOptions& options) {
  if (!options.token.empty()) return nullptr;
  if (!IsLoopback(options.host)) return "listen";
  if (options.http && !IsLoopback(options.http_host)) return "http";
  return nullptr;
}

bool ParseListenAddress(const std::string& text, std::string* host, std::uint16_t* port) {
  std::string h;
  if (!ParseHostPort(text, &h, port)) return false;
  if (h == "localhost") h = "127.0.0.1";
  boost::system::error_code ec;
  asio::ip::make_address(h, ec);
  if (ec) return false;
  *host = std::move(h);
  return true;
}

}  // namespace leadroute::net
