// A blocking JSON-RPC client over TCP, for `leadroute call` and tests.
#ifndef LEADROUTE_NET_CLIENT_H_
#define LEADROUTE_NET_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "leadroute/status.h"

namespace leadroute::net {

// Sends `request` (one or more lines; a '\n' is added) to host:port, reads
// `answers` response lines and returns the last, without its '\n'. Errors:
// IoError (cannot connect, closed before answering, no answer within
// `timeout`).
Result<std::string> CallOnce(const std::string& host, std::uint16_t port,
                             const std::string& request,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30),
                             std::size_t answers = 1);

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_CLIENT_H_
