// A server on free ports, run on its own thread, for the network tests.
#ifndef LEADROUTE_TESTS_NET_SERVER_FIXTURE_H_
#define LEADROUTE_TESTS_NET_SERVER_FIXTURE_H_

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <memory>
#include <thread>

#include "net/tcp_server.h"

namespace leadroute::net {

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }
  // Starts a server with `options` on free TCP and HTTP ports.
  void Start(ServerOptions options) {
    auto e = Engine::Create();
    ASSERT_TRUE(e.ok());
    engine_ = std::move(*e);
    if (change_log_ != nullptr) engine_->SetChangeLog(change_log_);  // before any thread
    options.port = 0;
    options.http_port = 0;
    options.threads = 2;
    if (options.max_line == ServerOptions{}.max_line) options.max_line = 4096;
    server_ = std::make_unique<TcpServer>(engine_.get(), options);
    ASSERT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      server_->Stop();
      thread_.join();
    }
  }
  void Restart(ServerOptions options) {
    TearDown();
    Start(std::move(options));
  }
  boost::asio::ip::tcp::socket Connect(std::uint16_t port) {
    boost::asio::ip::tcp::socket s(io_);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    return s;
  }

  boost::asio::io_context io_;
  ChangeLog* change_log_ = nullptr;  // set on the engine of the next Start()
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<TcpServer> server_;
  std::thread thread_;
};

}  // namespace leadroute::net

#endif  // LEADROUTE_TESTS_NET_SERVER_FIXTURE_H_
