#include "util/sharded_mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace leadroute {
namespace {

// Readers on more threads than there are shards (two share a shard) never
// see a writer's change half made, and a writer never runs beside a reader
// (ThreadSanitizer also checks the accesses). The readers rest between
// reads, as a server's do (a tight loop of readers on more threads than
// cores starves writers of any reader-preferring lock, this one's and
// std::shared_mutex's alike).
TEST(ShardedSharedMutexTest, WritersExcludeEveryReader) {
  ShardedSharedMutex mu;
  long a = 0, b = 0;  // a writer keeps them equal
  std::atomic<int> inside{0};  // readers holding the lock now
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0}, torn{0}, beside{0};
  std::atomic<std::size_t> reading{0};  // readers that have read once
  constexpr std::size_t kReaders = ShardedSharedMutex::kShards + 3;
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kReaders; ++t) {
    threads.emplace_back([&] {
      bool counted = false;
      while (!stop) {
        std::shared_lock lock(mu);
        inside.fetch_add(1);
        if (a != b) torn.fetch_add(1);
        inside.fetch_sub(1);
        reads.fetch_add(1);
        lock.unlock();
        if (!counted) reading.fetch_add(1);
        counted = true;
        std::this_thread::yield();
      }
    });
  }
  // Regression: the writes began before any reader ran, and under ASan on
  // a busy machine all 500 were done (in 7 ms) before one had read, so the
  // readers never met a writer. Every reader reads first, and the writes
  // go on until readers have read beside them.
  while (reading.load() < kReaders) std::this_thread::yield();
  const long before = reads.load();
  long writes = 0;
  for (; writes < 500 || (reads.load() - before < 100 && writes < 1'000'000); ++writes) {
    std::unique_lock lock(mu);
    if (inside.load() != 0) beside.fetch_add(1);
    ++a;
    std::this_thread::yield();
    ++b;
  }
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(beside.load(), 0);
  EXPECT_GE(reads.load() - before, 100);
  EXPECT_EQ(a, writes);
}

// try_lock fails while any thread reads, and leaves no shard locked.
TEST(ShardedSharedMutexTest, TryLockBacksOut) {
  ShardedSharedMutex mu;
  std::atomic<bool> reading{false}, done{false};
  std::thread reader([&] {
    std::shared_lock lock(mu);
    reading = true;
    while (!done) std::this_thread::yield();
  });
  while (!reading) std::this_thread::yield();
  EXPECT_FALSE(mu.try_lock());
  EXPECT_TRUE(mu.try_lock_shared());  // the shards it took are free again
  mu.unlock_shared();
  done = true;
  reader.join();
  EXPECT_TRUE(mu.try_lock());
  mu.unlock();
}

}  // namespace
}  // namespace leadroute
