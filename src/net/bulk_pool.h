// BulkPool: threads, below the I/O threads' priority, for requests whose
// work is proportional to their size (upsert_opportunities, route_batch,
// JSON-RPC batch arrays): an import running on an I/O thread would hold it
// for the whole batch (~75 ms per 5,000 opportunities), and every other
// connection on that thread would wait. The engine spreads a bulk request
// over oneTBB's worker threads, which run nothing but bulk work: they get
// the same lower priority when they first join an arena. (A bulk upsert
// still leaves one core out: on 2 cores, a build that spread it over both,
// niced, imported 10-25% faster but nearly tripled checks' p90 during the
// import, by bench/import_bench.sh; SCHED_IDLE instead of nice was slower.)
#ifndef LEADROUTE_NET_BULK_POOL_H_
#define LEADROUTE_NET_BULK_POOL_H_

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <optional>
#include <thread>
#include <vector>

namespace leadroute::net {

class BulkPool {
 public:
  // `threads` threads at `nice` (Linux: per thread; 0 leaves it as is).
  BulkPool(std::size_t threads, int nice);
  // Stop().
  ~BulkPool();

  BulkPool(const BulkPool&) = delete;
  BulkPool& operator=(const BulkPool&) = delete;

  boost::asio::io_context::executor_type executor() { return io_.get_executor(); }

  // Finishes the work posted so far, then joins the threads. Idempotent.
  void Stop();

 private:
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_BULK_POOL_H_
