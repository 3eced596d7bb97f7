// A blocking JSON-RPC client over TCP, for `leadroute call` and tests.
#ifndef LEADROUTE_NET_CLIENT_H_
#define LEADROUTE_NET_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/status.h"

namespace leadroute::net {

// Sends `request` (one or more lines; a '\n' is added) to host:port, reads
// `answers` response lines and returns the last, without its '\n'; the
// lines before it go to *earlier when given. Errors: IoError (cannot
// connect, closed before answering, no answer within `timeout`).
Result<std::string> CallOnce(const std::string& host, std::uint16_t port,
                             const std::string& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30),
                             std::size_t answers = 1,
                             std::vector<std::string>* earlier = nullptr);

// A blocking line client that may pipeline: send request lines, read the
// answer lines in order. For `leadroute import`.
class LineClient {
 public:
  ~LineClient();
  LineClient(LineClient&&) noexcept;
  LineClient& operator=(LineClient&&) = delete;

  // Errors: IoError (cannot connect).
  static Result<LineClient> Connect(const std::string& host, std::uint16_t port,
                                    std::chrono::seconds timeout);
  // Writes all of `lines` (each ending in '\n').
  Status Send(std::string_view lines);
  // The next answer line, without its '\n'. IoError when the connection
  // closed or nothing came within the timeout.
  Result<std::string> ReadLine();

 private:
  struct Impl;
  explicit LineClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_CLIENT_H_
