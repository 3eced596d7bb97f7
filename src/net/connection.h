// Connection: one TCP client. Reads, frames lines, answers them in order
// through its Dispatcher, writes the answers, reads again. Only one
// asynchronous operation is outstanding at a time, and every handler runs on
// the one thread that runs the connection's io_context, so its state is
// touched by one thread at a time;
// a client that does not read its answers stops being read (back-pressure:
// at most max_output bytes of answers are gathered before they are
// written) and is cut off when a write makes no progress (kWriteProgress
// bytes) for the write timeout.
#ifndef LEADROUTE_NET_CONNECTION_H_
#define LEADROUTE_NET_CONNECTION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "leadroute/engine.h"
#include "net/bulk_pool.h"
#include "net/drain.h"
#include "protocol/dispatcher.h"
#include "protocol/line_buffer.h"
#include "protocol/metrics.h"

namespace leadroute::net {

struct ConnectionContext {
  Engine* engine;
  protocol::Metrics* metrics;
  DrainRegistry* registry;
  std::atomic<std::size_t>* live;  // open TCP connections
  std::size_t max_line;
  protocol::DispatcherLimits limits;
  std::chrono::seconds idle_timeout;  // between requests
  std::chrono::seconds line_timeout;  // to finish a started line (slowloris)
  std::chrono::seconds write_timeout;  // to take kWriteProgress bytes of an answer
  // Answers gathered before they are written (Dispatcher::SetOutputLimit):
  // lines read beyond it wait until these are sent.
  std::size_t max_output = 1 << 20;
  std::string token;  // empty: none required
  protocol::ChangeFeed* feed = nullptr;  // enables subscribe (null: none)
  // Lines of bulk_line bytes or more are answered on `bulk` (null: on the
  // I/O thread, like the others).
  BulkPool* bulk = nullptr;
  std::size_t bulk_line = SIZE_MAX;
};

class Connection : public Drainable, public std::enable_shared_from_this<Connection> {
 public:
  // A socket and timers bound to an io_context's own executor: that
  // io_context is run by one thread (TcpServer), so its handlers never run
  // at once and need no strand. (A strand, beast's tcp_stream and the
  // type-erased executor cost ~12% of the server's cycles with 50 clients.)
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                  boost::asio::io_context::executor_type>;
  using Timer = boost::asio::basic_waitable_timer<
      std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>,
      boost::asio::io_context::executor_type>;

  // `socket`'s io_context must be run by one thread only.
  Connection(Socket socket, const ConnectionContext& context);
  ~Connection() override;

  void Start();
  void Drain() override;

  // Writes one JSON-RPC error line to `socket` and closes it.
  static void Refuse(Socket socket, std::string_view message);

 private:
  void Read();
  void Answer();
  // Answers `line` on the bulk pool, then Answer()s the rest on the
  // connection's thread.
  // Meanwhile no other handler of this connection touches in_, out_ or
  // dispatcher_: nothing else is outstanding but a Drain(), which reads
  // none of them.
  void AnswerOnBulkPool(std::string_view line);
  void Write();
  // Write()'s parts: sends out_ from written_ on, waiting for room.
  void WriteSome();
  // All of out_ sent (`at_once`: by Write() itself, not a waiting write):
  // reads again, or whatever else comes next.
  void Wrote(bool at_once);
  // Bytes the client has acknowledged, of all sent_ (SIOCOUTQ).
  std::uint64_t Acked();
  // While a write waits: moves its deadline on once the client has
  // acknowledged kWriteProgress more bytes (the watchdog's tick).
  void NoteAcked(std::chrono::steady_clock::time_point now);
  // A subscriber reads nothing more, but must see its client leave: a read
  // stays pending that drops what comes and closes the connection at its
  // end (a subscriber gone held its slot until the next heartbeat).
  void WatchHangup();
  // Whether the client of a subscription that shut its sending side is
  // gone altogether: a reset came back (to a heartbeat, or a change).
  bool PeerGone();
  // Sends the answers in *out now, without waiting (the Dispatcher's flush
  // during a long pipelined run): what the socket takes leaves *out.
  // Nothing is sent while a write among the lines read awaits its sync.
  void SendEarly(std::string* out);
  void Close();
  // Closes without losing answers still in the socket's send buffer: with
  // input unread, a close makes Linux send a reset that throws them away.
  // Shuts the sending side (a FIN after the answers), then reads and
  // discards until the client closes, or write_timeout passes.
  // `only_if_waiting` (a drain): closes at once when no input is waiting,
  // so that a client between requests is not waited for.
  void LingerClose(bool only_if_waiting);
  // LingerClose()'s reads, until an error or the end.
  void Discard();
  // A subscribed connection: writes what its stream has queued, else waits
  // for a wake (or sends a heartbeat after the idle timeout, which finds
  // a client that went away). It reads nothing more.
  void Stream();
  // Closes the connection once a read or a write has waited past its
  // deadline (read_deadline_, write_deadline_). One timer per connection
  // wakes every tick_ and compares, rather than a timer armed for every
  // read and write: arming one costs timerfd and epoll calls (~18 us a
  // request on this VM, measured when all I/O threads shared one
  // io_context). A timeout fires at most a tick late.
  void Watch();
  // A read or write past its deadline: says why (an error line to a
  // reader, a log line for a started line or a slow reader), and closes.
  void TimedOut(bool writing);
  // A read or write failed with timed_out: the kernel gave up on answers
  // left unread or unacknowledged (TCP_USER_TIMEOUT, the write timeout).
  // Logs it and closes.
  void GaveUp();
  // "address:port", or "unknown".
  std::string Peer() const;

  Socket socket_;
  ConnectionContext context_;
  boost::asio::ip::tcp::endpoint peer_;
  protocol::LineBuffer in_;
  protocol::Dispatcher dispatcher_;
  std::string out_;
  // While Answer() runs: its deferred sync (whether a write awaits it).
  const Engine::DeferSync* defer_ = nullptr;
  std::shared_ptr<protocol::ChangeStream> changes_;  // once subscribed
  Timer heartbeat_;
  Timer watchdog_;
  std::chrono::steady_clock::duration tick_;
  std::chrono::steady_clock::time_point read_deadline_, write_deadline_;
  // When the line now pending began: its bytes' first read. A read that
  // brings more of it does not move the line's deadline (slowloris: a byte
  // now and then kept a line open for ever).
  std::chrono::steady_clock::time_point last_read_at_, line_since_;
  std::uint64_t lines_seen_ = 0;  // in_.lines() at the last Read()
  bool closed_ = false;  // Close() ran
  bool nonblocking_ = false;  // the socket's sends return rather than block
  bool writing_ = false;
  bool close_after_write_ = false;
  bool reading_ = false;
  bool draining_ = false;
  bool lingering_ = false;  // LingerClose() began
  bool watching_hangup_ = false;  // WatchHangup()'s read is pending
  bool peer_shut_ = false;  // a subscriber's client shut its sending side
  int peer_probes_ = 0;     // quick watchdog ticks left to look for its reset
  std::chrono::steady_clock::time_point write_done_at_;  // the last write's end
  std::size_t written_ = 0;               // of out_, by the write under way
  std::uint64_t sent_ = 0;                // bytes the socket took, all along
  std::uint64_t acked_at_deadline_ = 0;   // Acked() when the write deadline last moved
};

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_CONNECTION_H_
