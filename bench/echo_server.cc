// leadroute-echo: the floor for network benchmarks. A bare Boost.Asio TCP
// server that writes back whatever it reads, with leadroute's threading
// (a thread per core, each running an io_context of its own; connections
// dealt out round robin) and no parsing at all.
//
//   leadroute-echo [--listen HOST:PORT]
#include <utility>  // before Asio: Boost 1.74 uses std::exchange unincluded

#include <boost/asio.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : socket_(std::move(socket)) {
    socket_.set_option(tcp::no_delay(true));
  }
  void Read() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](auto ec, std::size_t n) {
      if (ec) return;
      asio::async_write(self->socket_, asio::buffer(self->buf_.data(), n),
                        [self](auto ec, std::size_t) {
                          if (!ec) self->Read();
                        });
    });
  }

 private:
  tcp::socket socket_;
  std::array<char, 65536> buf_;
};

using Contexts = std::vector<std::unique_ptr<asio::io_context>>;

void Accept(tcp::acceptor& acceptor, Contexts& ios, std::size_t next) {
  acceptor.async_accept(*ios[next % ios.size()], [&, next](auto ec, tcp::socket s) {
    if (!ec) std::make_shared<Session>(std::move(s))->Read();
    Accept(acceptor, ios, next + 1);
  });
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1", port = "7419";
  if (argc == 3 && std::string(argv[1]) == "--listen") {
    const std::string v = argv[2];
    host = v.substr(0, v.rfind(':'));
    port = v.substr(v.rfind(':') + 1);
  }
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  Contexts ios;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> busy;
  for (unsigned i = 0; i < threads; ++i) {
    ios.push_back(std::make_unique<asio::io_context>(1));
    busy.push_back(asio::make_work_guard(*ios.back()));
  }
  tcp::acceptor acceptor(*ios[0], tcp::endpoint(asio::ip::make_address(host),
                                                static_cast<unsigned short>(std::stoi(port))));
  Accept(acceptor, ios, 0);
  std::printf("{\"msg\":\"echo listening\",\"port\":%u}\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&, i] { ios[i]->run(); });
  ios[0]->run();
  for (auto& t : pool) t.join();
}
