// TcpServer: newline-delimited JSON-RPC over TCP (Boost.Asio), and HTTP on a
// second port (Boost.Beast: POST /rpc, GET /metrics, /livez, /readyz).
//
// The server owns the io_context, the acceptors, the metrics and the
// threads; each TCP connection reads into its own LineBuffer, answers every
// complete line through its own Dispatcher, in order, and writes all answers
// that are ready in one write. The Engine is shared and must outlive the
// server.
#ifndef LEADROUTE_NET_TCP_SERVER_H_
#define LEADROUTE_NET_TCP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "leadroute/engine.h"
#include "leadroute/status.h"
#include "protocol/change_feed.h"
#include "protocol/dispatcher.h"

namespace leadroute::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 7411;
  std::size_t threads = 0;            // 0: one per core
  // Requests of bulk_line bytes or more (bulk loads, batches) run on
  // bulk_threads threads of lower priority (nice bulk_nice), not on the I/O
  // threads, which keep answering other connections meanwhile. bulk_line 0:
  // every request on the I/O threads.
  std::size_t bulk_line = 64 * 1024;
  std::size_t bulk_threads = 0;  // 0: one per core
  int bulk_nice = 10;
  std::size_t max_line = 1 << 20;     // bytes; longer: error, then close
  protocol::DispatcherLimits limits;  // batch size, JSON depth
  std::size_t max_connections = 10000;  // TCP and HTTP together
  // The HTTP port; http_port 0 picks a free one. Off when http is false.
  bool http = true;
  std::string http_host = "127.0.0.1";
  std::uint16_t http_port = 7412;
  std::size_t http_idle_seconds = 60;
  // TCP: a silent client is closed after idle_seconds; a started line must
  // be finished within line_seconds (slowloris); a client must take 64 KiB
  // of its answers (or the rest of one) within write_seconds; at most
  // max_output bytes of answers are gathered before they are sent (the
  // lines read after wait).
  std::size_t idle_seconds = 300;
  std::size_t line_seconds = 30;
  std::size_t write_seconds = 30;
  std::size_t max_output = 1 << 20;
  // On Stop() (SIGTERM, SIGINT): readiness off, no new connections, every
  // open one answers what it has read and closes; after drain_seconds the
  // rest are cut.
  std::size_t drain_seconds = 10;
  // A shared secret: TCP clients call `hello {"token"}` first, HTTP clients
  // send `Authorization: Bearer <token>` (probes excepted). Required when
  // either address is beyond loopback (see Listen()).
  std::string token;
  // The journal's change stream for `subscribe` (null: not offered).
  protocol::ChangeFeed* feed = nullptr;
  // More lines for GET /metrics (the data directory's figures).
  std::function<void(std::string*)> extra_metrics;
};

class TcpServer {
 public:
  TcpServer(Engine* engine, ServerOptions options);
  ~TcpServer();

  // Binds and listens; the bound ports are port() and http_port() (useful
  // with port 0). Refuses (Unauthorized) an address beyond loopback without
  // a token.
  Status Listen();
  std::uint16_t port() const;
  std::uint16_t http_port() const;
  // TCP connections open now (accepted, not yet destroyed).
  std::size_t connections() const;

  // Serves until Stop() or SIGINT/SIGTERM; returns once the open
  // connections have drained (or drain_seconds passed) and every thread has
  // joined.
  void Run();
  // Thread-safe; may be called from any thread.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host);

// The listener ("listen", "http") that `options` would open beyond
// loopback without a token, which Listen() refuses; nullptr when none.
const char* ExposedWithoutToken(const ServerOptions& options);

// "host:port" -> host, port. False when malformed.
bool ParseHostPort(const std::string& text, std::string* host,
                   std::uint16_t* port);

// As ParseHostPort(), for an address to listen on: the host an IP address,
// or "localhost" (127.0.0.1); a name is refused (a listener does not
// resolve one, and "localhost:7411" was refused only once binding).
bool ParseListenAddress(const std::string& text, std::string* host, std::uint16_t* port);

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_TCP_SERVER_H_
