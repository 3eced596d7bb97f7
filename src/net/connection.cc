#include "net/connection.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace leadroute::net {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Engine* engine,
                       std::size_t max_line, std::atomic<std::size_t>* live,
                       protocol::Metrics* metrics)
    : socket_(std::move(socket)),
      in_(max_line),
      dispatcher_(engine, {}, metrics),
      live_(live),
      metrics_(metrics) {
  live_->fetch_add(1);
  metrics_->Opened(protocol::Transport::kTcp);
  boost::system::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

Connection::~Connection() {
  metrics_->Closed(protocol::Transport::kTcp);
  live_->fetch_sub(1);
}

void Connection::Start() { Read(); }

void Connection::Refuse(asio::ip::tcp::socket socket, std::string_view message) {
  std::string line;
  protocol::Dispatcher::WriteError(protocol::kTooLarge, message, &line);
  boost::system::error_code ec;
  asio::write(socket, asio::buffer(line), ec);
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void Connection::Read() {
  auto space = in_.Writable(kReadChunk);
  socket_.async_read_some(
      asio::buffer(space.data(), space.size()),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        if (ec) return;  // closed or reset: drop the connection
        self->in_.Commit(n);
        self->Answer();
      });
}

void Connection::Answer() {
  if (dispatcher_.HandleLines(&in_, &out_, /*stop_at_overlong=*/true)) {
    close_after_write_ = true;
  }
  if (out_.empty()) {
    Read();
  } else {
    Write();
  }
}

void Connection::Write() {
  asio::async_write(
      socket_, asio::buffer(out_),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
        if (ec) return;
        self->out_.clear();
        if (self->close_after_write_) {
          boost::system::error_code ignored;
          self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
          return;
        }
        self->Read();
      });
}

}  // namespace leadroute::net
