// leadroute-load: a load generator for line protocols (leadroute's
// JSON-RPC, an echo server) and for Redis (RESP), so that the three are
// measured the same way on the same machine.
//
//   leadroute-load --target HOST:PORT --requests FILE [--protocol lines|redis]
//                  [--connections N] [--depth D] [--seconds S] [--rate R]
//
// Each connection keeps D requests in flight (closed loop); requests are the
// lines of FILE in turn (for redis, each line is sent as an inline command,
// e.g. "GET k"). With --rate R (requests per second, all connections
// together) the requests are sent on a fixed schedule instead (open loop)
// and latency runs from when each request should have been sent, so a
// stalled server is not hidden by requests that were never sent
// (coordinated omission). Prints throughput and latency percentiles.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange unincluded

#include <boost/asio.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "7411";
  std::string requests;
  bool redis = false;
  int connections = 1;
  int depth = 1;
  double seconds = 10;
  double warmup = 1;
  double rate = 0;  // 0: closed loop
};

struct Shared {
  Options options;
  std::vector<std::string> lines;  // each ends with "\n" or "\r\n"
  Clock::time_point start, measure_from, stop;
  std::vector<double> latency_ns;
  std::size_t completed = 0;
  std::size_t errors = 0;
};

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(asio::io_context& io, Shared* shared, int index)
      : socket_(io), timer_(io), shared_(shared), next_(static_cast<std::size_t>(index)) {}

  void Start(const tcp::resolver::results_type& endpoints) {
    asio::async_connect(socket_, endpoints, [self = shared_from_this()](auto ec, auto) {
      if (ec) {
        std::fprintf(stderr, "leadroute-load: connect: %s\n", ec.message().c_str());
        std::exit(2);
      }
      self->socket_.set_option(tcp::no_delay(true));
      self->Read();
      if (self->shared_->options.rate > 0) {
        self->intended_ = self->shared_->start;
        self->Schedule();
      } else {
        for (int i = 0; i < self->shared_->options.depth; ++i) self->Queue(Clock::now());
        self->Flush();
      }
    });
  }

 private:
  void Queue(Clock::time_point intended) {
    const std::string& line = shared_->lines[next_++ % shared_->lines.size()];
    pending_out_ += line;
    sent_.push_back(intended);
  }
  void Flush() {
    if (writing_ || pending_out_.empty()) return;
    writing_ = true;
    out_.swap(pending_out_);
    pending_out_.clear();
    asio::async_write(socket_, asio::buffer(out_), [self = shared_from_this()](auto ec, auto) {
      self->writing_ = false;
      if (ec) return;
      self->out_.clear();
      self->Flush();
    });
  }
  // Open loop: this connection's share of the rate, on schedule.
  void Schedule() {
    const double per_conn = shared_->options.rate / shared_->options.connections;
    intended_ += std::chrono::nanoseconds(static_cast<long long>(1e9 / per_conn));
    if (intended_ >= shared_->stop) return;
    timer_.expires_at(intended_);
    timer_.async_wait([self = shared_from_this()](auto ec) {
      if (ec) return;
      self->Queue(self->intended_);
      self->Flush();
      self->Schedule();
    });
  }
  void Read() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](auto ec, std::size_t n) {
      if (ec) return;
      self->in_.append(self->buf_.data(), n);
      self->Parse();
      if (Clock::now() < self->shared_->stop) self->Read();
    });
  }
  // Completes every whole response in in_.
  void Parse() {
    std::size_t pos = 0;
    while (true) {
      std::size_t end;
      if (!shared_->options.redis) {
        end = in_.find('\n', pos);
        if (end == std::string::npos) break;
        // An error answer: {"jsonrpc":"2.0","id":..,"error":...}; looked
        // for in this line only.
        if (std::string_view(in_).substr(pos, end - pos).find(R"(,"error":{)") !=
            std::string_view::npos) {
          ++shared_->errors;
        }
        end += 1;
      } else {
        // RESP: "$<n>\r\n<data>\r\n", "$-1\r\n", "+..\r\n", "-..\r\n", ":..\r\n".
        const std::size_t crlf = in_.find("\r\n", pos);
        if (crlf == std::string::npos) break;
        if (in_[pos] == '$') {
          const long n = std::strtol(in_.c_str() + pos + 1, nullptr, 10);
          end = n < 0 ? crlf + 2 : crlf + 2 + static_cast<std::size_t>(n) + 2;
          if (end > in_.size()) break;
        } else {
          if (in_[pos] == '-') ++shared_->errors;
          end = crlf + 2;
        }
      }
      pos = end;
      Complete();
    }
    in_.erase(0, pos);
    if (shared_->options.rate <= 0) Flush();
  }
  void Complete() {
    const auto now = Clock::now();
    const Clock::time_point sent = sent_.front();
    sent_.pop_front();
    if (sent >= shared_->measure_from && now < shared_->stop) {
      shared_->latency_ns.push_back(std::chrono::duration<double, std::nano>(now - sent).count());
      ++shared_->completed;
    }
    // Closed loop: one out, one in.
    if (shared_->options.rate <= 0 && now < shared_->stop) Queue(now);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Shared* shared_;
  std::size_t next_;
  std::array<char, 65536> buf_;
  std::string in_, out_, pending_out_;
  std::deque<Clock::time_point> sent_;
  Clock::time_point intended_;
  bool writing_ = false;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  Shared shared;
  Options& o = shared.options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--target") {
      const auto colon = value.rfind(':');
      o.host = value.substr(0, colon);
      o.port = value.substr(colon + 1);
    } else if (flag == "--requests") {
      o.requests = value;
    } else if (flag == "--protocol") {
      o.redis = value == "redis";
    } else if (flag == "--connections") {
      o.connections = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--depth") {
      o.depth = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--seconds") {
      o.seconds = std::atof(value.c_str());
    } else if (flag == "--warmup") {
      o.warmup = std::atof(value.c_str());
    } else if (flag == "--rate") {
      o.rate = std::atof(value.c_str());
    } else {
      std::fprintf(stderr, "leadroute-load: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.requests.empty() || argc % 2 == 0) {
    std::fprintf(stderr,
                 "usage: leadroute-load --target HOST:PORT --requests FILE "
                 "[--protocol lines|redis] [--connections N] [--depth D] [--seconds S] "
                 "[--warmup S] [--rate R]\n");
    return 2;
  }
  std::ifstream in(o.requests);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    shared.lines.push_back(line + (o.redis ? "\r\n" : "\n"));
  }
  if (shared.lines.empty()) {
    std::fprintf(stderr, "leadroute-load: no requests in %s\n", o.requests.c_str());
    return 2;
  }
  asio::io_context io;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(o.host, o.port);
  shared.start = Clock::now();
  shared.measure_from = shared.start + std::chrono::milliseconds(static_cast<long>(o.warmup * 1000));
  shared.stop = shared.measure_from + std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
  shared.latency_ns.reserve(1 << 22);
  for (int i = 0; i < o.connections; ++i) {
    std::make_shared<Conn>(io, &shared, i)->Start(endpoints);
  }
  io.run_until(shared.stop + std::chrono::milliseconds(200));
  std::sort(shared.latency_ns.begin(), shared.latency_ns.end());
  const double rps = static_cast<double>(shared.completed) / o.seconds;
  std::printf(
      "{\"requests_per_s\":%.0f,\"p50_us\":%.2f,\"p90_us\":%.2f,\"p99_us\":%.2f,"
      "\"p999_us\":%.2f,\"completed\":%zu,\"errors\":%zu,\"connections\":%d,\"depth\":%d,"
      "\"open_loop_rate\":%.0f}\n",
      rps, Percentile(shared.latency_ns, 0.5) / 1000, Percentile(shared.latency_ns, 0.9) / 1000,
      Percentile(shared.latency_ns, 0.99) / 1000, Percentile(shared.latency_ns, 0.999) / 1000,
      shared.completed, shared.errors, o.connections, o.depth, o.rate);
  return 0;
}
