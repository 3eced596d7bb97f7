#include "net/client.h"

#include <boost/asio.hpp>
#include <functional>
#include <memory>

namespace leadroute::net {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<std::string> CallOnce(const std::string& host, std::uint16_t port,
                             const std::string& request, std::chrono::milliseconds timeout,
                             std::size_t answers, std::vector<std::string>* earlier) {
  asio::io_context io;
  tcp::socket socket(io);
  std::string response;
  boost::system::error_code result = asio::error::timed_out;
  tcp::resolver resolver(io);
  auto fail = [&](const boost::system::error_code& ec) { result = ec; };
  // Reads lines until the last wanted one. Everything here lives until
  // run_for() returns, so handlers refer to it by reference.
  std::function<void()> read = [&] {
    asio::async_read_until(socket, asio::dynamic_buffer(response), '\n',
                           [&](auto ec, std::size_t n) {
                             if (ec) return fail(ec);
                             if (--answers > 0) {
                               if (earlier != nullptr) earlier->emplace_back(response, 0, n - 1);
                               response.erase(0, n);
                               return read();
                             }
                             response.resize(n - 1);
                             result = {};
                           });
  };
  resolver.async_resolve(host, std::to_string(port), [&](auto ec, auto endpoints) {
    if (ec) return fail(ec);
    asio::async_connect(socket, endpoints, [&](auto ec, const tcp::endpoint&) {
      if (ec) return fail(ec);
      auto line = std::make_shared<std::string>(request + "\n");
      asio::async_write(socket, asio::buffer(*line), [&, line](auto ec, std::size_t) {
        if (ec) return fail(ec);
        read();
      });
    });
  });
  io.run_for(timeout);
  if (result) {
    return Status::IoError("leadroute at " + host + ":" + std::to_string(port) + ": " +
                           result.message());
  }
  return response;
}

struct LineClient::Impl {
  asio::io_context io;
  tcp::socket socket{io};
  std::string buffer;
  std::string where;
};

LineClient::LineClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LineClient::~LineClient() = default;
LineClient::LineClient(LineClient&&) noexcept = default;

Result<LineClient> LineClient::Connect(const std::string& host, std::uint16_t port,
                                       std::chrono::seconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->where = "leadroute at " + host + ":" + std::to_string(port);
  boost::system::error_code ec;
  tcp::resolver resolver(impl->io);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (!ec) asio::connect(impl->socket, endpoints, ec);
  if (ec) return Status::IoError(impl->where + ": " + ec.message());
  impl->socket.set_option(tcp::no_delay(true), ec);
  // Blocking reads and writes give up after the timeout.
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(impl->socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(impl->socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  return LineClient(std::move(impl));
}

Status LineClient::Send(std::string_view lines) {
  boost::system::error_code ec;
  asio::write(impl_->socket, asio::buffer(lines.data(), lines.size()), ec);
  if (ec) return Status::IoError(impl_->where + ": " + ec.message());
  return Status::Ok();
}

Result<std::string> LineClient::ReadLine() {
  boost::system::error_code ec;
  const std::size_t n = asio::read_until(impl_->socket, asio::dynamic_buffer(impl_->buffer),
                                         '\n', ec);
  if (ec) return Status::IoError(impl_->where + ": " + ec.message());
  std::string line = impl_->buffer.substr(0, n - 1);
  impl_->buffer.erase(0, n);
  return line;
}

}  // namespace leadroute::net
