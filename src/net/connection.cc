#include "net/connection.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "protocol/json_writer.h"
#include "util/log.h"

namespace leadroute::net {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
// A client taking this much of an answer within the write timeout keeps
// its connection, however long the whole answer takes (a 10 MB batch
// answer read at 800 KB/s was cut off half-way by a deadline on the whole
// write).
constexpr std::size_t kWriteProgress = 64 * 1024;
}  // namespace

Connection::Connection(Socket socket, const ConnectionContext& context)
    : socket_(std::move(socket)),
      context_(context),
      in_(context.max_line),
      dispatcher_(context.engine, context.limits, context.metrics),
      heartbeat_(socket_.get_executor()),
      watchdog_(socket_.get_executor()),
      tick_(std::clamp<std::chrono::steady_clock::duration>(
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::min(
              {context.idle_timeout, context.line_timeout, context.write_timeout})) / 8,
          std::chrono::milliseconds(10), std::chrono::seconds(5))) {
  context_.live->fetch_add(1);
  context_.metrics->Opened(protocol::Transport::kTcp);
  if (!context_.token.empty()) dispatcher_.RequireToken(context_.token);
  dispatcher_.SetOutputLimit(context_.max_output);
  // A pipeline of checks is answered on both cores (each I/O thread alone
  // would leave the other idle with one client).
  dispatcher_.EnableParallelReads();
  boost::system::error_code ec;
  // Kept for the log: a connection the kernel gave up on has no peer left.
  peer_ = socket_.remote_endpoint(ec);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // Answers the client leaves unread past write_timeout end the connection
  // even while it reads more requests (the write deadline runs only while a
  // write waits, and the kernel's send buffer can take a few megabytes
  // first): the kernel gives up on data a zero window has held back that
  // long, and the next read or write fails with timed_out (GaveUp()). So
  // does data sent and not acknowledged that long: a peer gone, or a
  // network stalled past the write timeout (30 s by default), where Linux
  // would retry for about 15 minutes.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(context_.write_timeout);
  const auto user_timeout = static_cast<unsigned int>(std::clamp<std::int64_t>(
      ms.count(), 1, std::numeric_limits<unsigned int>::max()));
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout,
               sizeof(user_timeout));
  // SendEarly()'s and Write()'s sends return rather than block when the
  // socket is full (the asynchronous reads and writes do not depend on
  // this mode).
  socket_.non_blocking(true, ec);
  nonblocking_ = !ec;
  if (nonblocking_) dispatcher_.SetFlush([this](std::string* out) { SendEarly(out); });
}

Connection::~Connection() {
  context_.registry->Remove(this);
  context_.metrics->Closed(protocol::Transport::kTcp);
  context_.live->fetch_sub(1);
}

void Connection::Start() {
  context_.registry->Add(shared_from_this());
  if (context_.feed != nullptr) {
    std::weak_ptr<Connection> weak = shared_from_this();
    auto executor = socket_.get_executor();
    dispatcher_.EnableSubscribe(context_.feed, [weak, executor] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) {
          self->heartbeat_.cancel();
          self->Stream();
        }
      });
    });
  }
  // On the connection's own thread from here on (Start() runs on the
  // acceptor's thread), so the watchdog never sees a half-started read.
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    self->Watch();
    self->Read();
  });
}

void Connection::Watch() {
  // Just after a subscriber's client shut its side: looked at often for a
  // while, so that one gone altogether frees its place at once.
  std::chrono::steady_clock::duration next = tick_;
  if (peer_probes_ > 0) {
    --peer_probes_;
    next = std::min<std::chrono::steady_clock::duration>(tick_, std::chrono::milliseconds(20));
  }
  watchdog_.expires_after(next);
  watchdog_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    // A cancel cannot recall a wait already completed and queued: closed_
    // stops one that runs after Close(), or it would re-arm for ever.
    if (ec || self->closed_) return;
    const auto now = std::chrono::steady_clock::now();
    if (self->peer_shut_ && self->PeerGone()) return self->Close();
    if (self->writing_) self->NoteAcked(now);
    // The read or write then fails, and ends.
    if (self->reading_ && now >= self->read_deadline_) return self->TimedOut(/*writing=*/false);
    if (self->writing_ && now >= self->write_deadline_) return self->TimedOut(/*writing=*/true);
    self->Watch();
  });
}

std::uint64_t Connection::Acked() {
  int unacked = 0;  // of what the socket took, what the client has not acknowledged
  if (::ioctl(socket_.native_handle(), SIOCOUTQ, &unacked) != 0 || unacked < 0) unacked = 0;
  return sent_ - std::min<std::uint64_t>(sent_, static_cast<std::uint64_t>(unacked));
}

void Connection::NoteAcked(std::chrono::steady_clock::time_point now) {
  // The client's acknowledgements, not the socket taking more (which a
  // send buffer of megabytes does only once a third of it is free), show
  // it reading.
  const std::uint64_t acked = Acked();
  if (acked > acked_at_deadline_ && acked - acked_at_deadline_ >= kWriteProgress) {
    acked_at_deadline_ = acked;
    write_deadline_ = now + context_.write_timeout;
  }
}

std::string Connection::Peer() const {
  return peer_.port() == 0 ? std::string("unknown")
                           : peer_.address().to_string() + ":" + std::to_string(peer_.port());
}

void Connection::GaveUp() {
  // (A timed_out already queued when the watchdog closed for the same
  // reason: said once.)
  if (closed_) return;
  const std::string who = Peer();
  Close();
  Log("warn", "connection closed: its answers went unread or unacknowledged",
      {{"peer", who}, {"seconds", std::to_string(context_.write_timeout.count())}});
}

void Connection::TimedOut(bool writing) {
  if (closed_) return;
  if (lingering_) return Close();  // the client did not close in time
  boost::system::error_code ec;
  const std::string who = Peer();
  const bool started = !writing && in_.pending() > 0;
  const std::string seconds = std::to_string(
      (writing ? context_.write_timeout : started ? context_.line_timeout : context_.idle_timeout)
          .count());
  if (!writing) {
    // A word, without waiting, on why it closes. (A writer's answers are
    // not read: nothing more can reach it.)
    std::string line;
    protocol::Dispatcher::WriteError(protocol::kTooLarge,
                                     started ? "line not finished within " + seconds + " s; closing"
                                             : "idle for " + seconds + " s; closing",
                                     &line);
    socket_.send(asio::buffer(line), 0, ec);
  }
  // Closed before anything is logged: a slow log never keeps it open.
  Close();
  // A client that does not read, or a started line never finished
  // (slowloris), is worth a look; an idle client going quiet is not.
  if (writing) {
    Log("warn", "connection closed: the client did not read its answers",
        {{"peer", who}, {"seconds", seconds}});
  } else if (started) {
    Log("warn", "connection closed: a line was not finished in time",
        {{"peer", who}, {"seconds", seconds}});
  }
}

void Connection::Drain() {
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    // Closing already, without losing what it sent: let it finish (its
    // deadline, and the drain's, bound it).
    if (self->lingering_) return;
    // Waiting for a request: there is none in flight; stop waiting.
    if (self->reading_) {
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);
    }
    // A subscriber waiting for changes: told, then closed (Stream()).
    if (self->changes_ && !self->writing_) self->Stream();
  });
}

void Connection::Refuse(Socket socket, std::string_view message) {
  std::string line;
  protocol::Dispatcher::WriteError(protocol::kTooLarge, message, &line);
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(line), ec);
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void Connection::Read() {
  if (closed_) return;
  if (draining_) return LingerClose(/*only_if_waiting=*/true);
  // Bytes pending after a line ended began a new line with the read that
  // brought them.
  if (in_.lines() != lines_seen_) {
    lines_seen_ = in_.lines();
    line_since_ = last_read_at_;
  }
  // Nothing read ahead: idle, until the client speaks again.
  if (in_.pending() == 0) dispatcher_.Trim();
  auto space = in_.Writable(kReadChunk);
  reading_ = true;
  // A started line must be finished sooner than an idle client must speak,
  // counted from its first byte.
  // (The time the server spent writing answers, when it read nothing,
  // does not count against the line.)
  read_deadline_ = in_.pending() > 0
                       ? std::max(line_since_, write_done_at_) + context_.line_timeout
                       : std::chrono::steady_clock::now() + context_.idle_timeout;
  socket_.async_read_some(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        self->reading_ = false;
        if (ec == asio::error::operation_aborted && self->draining_ && !self->closed_) {
          return self->LingerClose(/*only_if_waiting=*/true);  // Drain() stopped the wait
        }
        if (ec == asio::error::eof && self->in_.pending() > 0) {
          // The client's last line came without its newline before it
          // shut its side: answered all the same (as pipe answers the end
          // of its input), then the connection closes.
          auto end = self->in_.Writable(1);
          end[0] = '\n';
          self->in_.Commit(1);
          self->close_after_write_ = true;
          return self->Answer();
        }
        if (ec == asio::error::timed_out) return self->GaveUp();
        if (ec) return self->Close();  // closed, reset or timed out
        self->last_read_at_ = std::chrono::steady_clock::now();
        if (self->in_.pending() == 0) self->line_since_ = self->last_read_at_;
        self->in_.Commit(n);
        self->Answer();
      });
}

void Connection::Answer() {
  std::string_view bulk;
  bool unsynced;
  {
    // Every write among the lines read waits for one sync, here, before
    // any answer goes out (group commit within a pipeline).
    Engine::DeferSync defer;
    defer_ = &defer;
    struct Unset {
      const Engine::DeferSync** p;
      ~Unset() { *p = nullptr; }
    } unset{&defer_};
    if (dispatcher_.HandleLines(&in_, &out_, /*stop_at_overlong=*/true,
                                context_.bulk != nullptr ? context_.bulk_line : SIZE_MAX,
                                &bulk)) {
      close_after_write_ = true;
    }
    unsynced = defer.pending();
  }
  if (unsynced && !context_.engine->SyncDeferred().ok()) {
    // The writes may not be on disk, and an answer would say they are:
    // none is sent. The client sees the connection close, as after a
    // crash, and retries (a retried registration is recognised).
    out_.clear();
    return Close();
  }
  if (!bulk.empty()) return AnswerOnBulkPool(bulk);
  if (dispatcher_.subscribed() && !changes_) {
    changes_ = dispatcher_.TakeStream();
    WatchHangup();
    if (out_.empty()) return Stream();  // subscribed by a notification
  }
  if (out_.empty()) {
    Read();
  } else {
    Write();
  }
}

void Connection::AnswerOnBulkPool(std::string_view line) {
  asio::post(context_.bulk->executor(), [self = shared_from_this(), line] {
    self->dispatcher_.Handle(line, &self->out_);
    asio::post(self->socket_.get_executor(), [self] { self->Answer(); });
  });
}

void Connection::SendEarly(std::string* out) {
  if (closed_ || out->empty() || (defer_ != nullptr && defer_->pending())) return;
  boost::system::error_code ec;
  const std::size_t sent = socket_.send(asio::buffer(*out), 0, ec);
  sent_ += sent;
  // would_block: the rest goes with the next write; another error: that
  // write fails too, and closes.
  out->erase(0, sent);
}

void Connection::Write() {
  if (closed_) return;
  writing_ = true;
  written_ = 0;
  write_deadline_ = std::chrono::steady_clock::now() + context_.write_timeout;
  // Most answers fit in the socket's send buffer at once: sent here, they
  // complete without an asynchronous write (its operation, its completion
  // queued and run) and without the SIOCOUTQ call that the watchdog's
  // measure of a waiting write starts from: one system call a request
  // fewer. A subscriber's stream goes the asynchronous way (its next
  // changes may be ready as each write ends: no recursion).
  if (nonblocking_ && !changes_) {
    boost::system::error_code ec;
    const std::size_t n = socket_.send(asio::buffer(out_), 0, ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
      writing_ = false;
      if (ec == asio::error::timed_out) return GaveUp();
      return Close();  // a reader gone
    }
    written_ = n;
    sent_ += n;
    if (written_ == out_.size()) return Wrote(/*at_once=*/true);
  }
  acked_at_deadline_ = Acked();
  WriteSome();
}

void Connection::WriteSome() {
  socket_.async_write_some(
      asio::buffer(out_.data() + written_, out_.size() - written_),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        if (ec) {
          self->writing_ = false;
          if (ec == asio::error::timed_out) return self->GaveUp();
          return self->Close();  // a reader too slow, or gone
        }
        self->written_ += n;
        self->sent_ += n;
        if (self->written_ < self->out_.size()) return self->WriteSome();
        self->Wrote(/*at_once=*/false);
      });
}

void Connection::Wrote(bool at_once) {
  writing_ = false;
  out_.clear();
  // A long answer's room goes back (an idle connection holds none).
  if (out_.capacity() > protocol::LineBuffer::kKeptCapacity) {
    std::string().swap(out_);
  }
  if (closed_) return;  // (a timeout closed it as this completed)
  // A subscriber's client that shut its side, and closed: its reset
  // to what was just sent is mostly here already (else the next tick).
  if (peer_shut_ && PeerGone()) return Close();
  write_done_at_ = std::chrono::steady_clock::now();
  // Lines read already wait past the output limit: answered first (from
  // a write that completed at once, after a post: Answer() called Write(),
  // and a long run of such rounds would nest without end).
  if (!changes_ && dispatcher_.stopped_at_output()) {
    if (!at_once) return Answer();
    return asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Answer(); });
  }
  // A stream ended by a stopping server closes at once: its client
  // sends nothing to lose, and waiting for its close held the stop
  // (a review found 10 s, the drain's deadline, for a connector that
  // backed off before closing).
  if (close_after_write_ && changes_ && draining_) return Close();
  if (close_after_write_) return LingerClose(/*only_if_waiting=*/false);
  if (changes_) return Stream();
  Read();
}

void Connection::WatchHangup() {
  watching_hangup_ = true;
  auto space = in_.Writable(kReadChunk);  // read over, never committed
  socket_.async_read_some(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (self->closed_) return;
        if (self->lingering_) {  // LingerClose() timed this read: it ends the linger
          self->reading_ = false;
          if (ec) return self->Close();
          return self->Discard();
        }
        if (ec == asio::error::eof) {
          // Its sending side only, perhaps (a piped `socat` that sent its
          // subscribe): it may still read. No more reads; a heartbeat now,
          // which a client gone altogether answers with a reset that the
          // watchdog's next tick finds (PeerGone()).
          self->watching_hangup_ = false;
          self->peer_shut_ = true;
          if (!self->writing_ && self->out_.empty()) {
            self->heartbeat_.cancel();
            self->out_ = "{\"jsonrpc\":\"2.0\",\"method\":\"heartbeat\"}\n";
            self->Write();
          }
          self->peer_probes_ = 25;  // every 20 ms for half a second
          self->Watch();            // (its wait now replaces the one pending)
          return;
        }
        if (ec) return self->Close();  // reset: gone
        self->WatchHangup();
      });
}

bool Connection::PeerGone() {
  // After the client's FIN a read says "end" whatever came since; the
  // state says closed once its reset came (a read cannot tell).
  tcp_info info{};
  socklen_t length = sizeof(info);
  if (::getsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &length) != 0) {
    return errno != EINTR;
  }
  return info.tcpi_state == TCP_CLOSE;
}

void Connection::Stream() {
  if (closed_ || writing_ || !changes_) return;
  std::string reason;
  // A server stopping ends the stream with a word, not a bare close (a
  // review found a connector could not tell it from a crash); the write's
  // completion then closes it.
  if (draining_ || !changes_->Take(&out_, &reason)) {
    if (draining_) {
      reason = "the server is stopping: subscribe again from the last position received + 1";
    }
    protocol::JsonWriter w(&out_);
    w.BeginObject();
    w.Field("jsonrpc", "2.0");
    w.Field("method", "stream_ended");
    w.Key("params");
    w.BeginObject();
    w.Field("reason", reason);
    w.EndObject();
    w.EndObject();
    out_.push_back('\n');
    close_after_write_ = true;
  }
  if (!out_.empty()) return Write();
  heartbeat_.expires_after(context_.idle_timeout);
  heartbeat_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->writing_ || !self->out_.empty()) return;  // woken instead
    self->out_ = "{\"jsonrpc\":\"2.0\",\"method\":\"heartbeat\"}\n";
    self->Write();
  });
}

void Connection::LingerClose(bool only_if_waiting) {
  if (closed_ || lingering_) return;
  lingering_ = true;
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  // A drain: nothing unread now means a client between requests, which
  // need not be waited for (a close sends no reset without input unread).
  if (only_if_waiting && (socket_.available(ec) == 0 || ec)) return Close();
  // However much the client goes on sending, it has this long.
  read_deadline_ = std::chrono::steady_clock::now() + context_.write_timeout;
  if (watching_hangup_) {
    reading_ = true;  // that read discards already, and closes at the end
    return;
  }
  Discard();
}

void Connection::Discard() {
  reading_ = true;
  auto space = in_.Writable(kReadChunk);  // read over, never committed
  socket_.async_read_some(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        self->reading_ = false;
        // The client closed (or the wait was cut): done.
        if (ec || self->closed_) return self->Close();
        self->Discard();
      });
}

void Connection::Close() {
  closed_ = true;
  if (changes_) changes_->Cancel();
  heartbeat_.cancel();
  watchdog_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace leadroute::net
