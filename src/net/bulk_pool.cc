#include "net/bulk_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>

#include <oneapi/tbb/task_scheduler_observer.h>

namespace leadroute::net {

namespace {

// Linux applies a nice value to the calling thread alone when given its
// thread id. Best effort: raising it is always permitted.
void NiceThisThread(int nice) {
  if (nice != 0) {
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), nice);
  }
}

// Every oneTBB worker thread, on its first entry into any arena. Lowering
// a nice value again needs a privilege, so it stays: the workers run only
// bulk work (bulk upserts, route_batch) in this process. One for the
// process, never destroyed: oneTBB keeps (and LeakSanitizer reports) the
// record of an observer that stopped observing.
class NiceWorkers : public tbb::task_scheduler_observer {
 public:
  explicit NiceWorkers(int nice) : nice_(nice) { observe(true); }

  void on_scheduler_entry(bool worker) override {
    thread_local bool done = false;
    if (worker && !done) {
      NiceThisThread(nice_);
      done = true;
    }
  }

 private:
  int nice_;
};

// Volatile: a pointer only stored would be optimized away, and the observer
// would look leaked.
NiceWorkers* volatile nice_workers = nullptr;
std::once_flag nice_workers_once;

}  // namespace

BulkPool::BulkPool(std::size_t threads, int nice) {
  if (nice != 0) {
    // The first nice value holds.
    std::call_once(nice_workers_once, [nice] { nice_workers = new NiceWorkers(nice); });
  }
  work_.emplace(io_.get_executor());
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice] {
      NiceThisThread(nice);
      io_.run();
    });
  }
}

BulkPool::~BulkPool() { Stop(); }

void BulkPool::Stop() {
  work_.reset();  // run() returns once the posted work is done
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace leadroute::net
