#include "net/client.h"

#include <boost/asio.hpp>
#include <functional>
#include <memory>

namespace leadroute::net {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<std::string> CallOnce(const std::string& host, std::uint16_t port,
                             const std::string& request, std::chrono::milliseconds timeout,
                             std::size_t answers) {
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

}  // namespace leadroute::net
