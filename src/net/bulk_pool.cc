#include "net/bulk_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace leadroute::net {

BulkPool::BulkPool(std::size_t threads, int nice) {
  work_.emplace(io_.get_executor());
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this, nice] {
      // Linux applies a nice value to the calling thread alone when given
      // its thread id. Best effort: raising it is always permitted.
      if (nice != 0) {
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), nice);
      }
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
