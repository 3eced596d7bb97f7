// Connection: one TCP client. Reads, frames lines, answers them in order
// through its Dispatcher, writes the answers, reads again. Only one
// asynchronous operation is outstanding at a time, so a connection's state is
// touched by one thread at a time and a client that does not read its answers
// stops being read (back-pressure).
#ifndef LEADROUTE_NET_CONNECTION_H_
#define LEADROUTE_NET_CONNECTION_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "leadroute/engine.h"
#include "protocol/dispatcher.h"
#include "protocol/line_buffer.h"

namespace leadroute::net {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `live` counts open connections; it is incremented now and decremented
  // when the connection is destroyed.
  Connection(boost::asio::ip::tcp::socket socket, Engine* engine,
             std::size_t max_line, std::atomic<std::size_t>* live,
             protocol::Metrics* metrics);
  ~Connection();

  void Start();

  // Writes one JSON-RPC error line to `socket` and closes it.
  static void Refuse(boost::asio::ip::tcp::socket socket,
                     std::string_view message);

 private:
  void Read();
  void Answer();
  void Write();

  boost::asio::ip::tcp::socket socket_;
  protocol::LineBuffer in_;
  protocol::Dispatcher dispatcher_;
  std::string out_;
  bool close_after_write_ = false;
  std::atomic<std::size_t>* live_;
  protocol::Metrics* metrics_;
};

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_CONNECTION_H_
