// Draining: on SIGTERM the server asks every open connection to finish the
// requests it has read, answer them, and close; then it exits.
#ifndef LEADROUTE_NET_DRAIN_H_
#define LEADROUTE_NET_DRAIN_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace leadroute::net {

class Drainable {
 public:
  virtual ~Drainable() = default;
  // Finish what was read, answer it, close. Thread-safe (posts to the
  // connection's own strand).
  virtual void Drain() = 0;
};

// The open connections. Thread-safe.
class DrainRegistry {
 public:
  void Add(const std::shared_ptr<Drainable>& d) {
    std::lock_guard lock(mu_);
    live_[d.get()] = d;
  }
  void Remove(Drainable* d) {
    std::lock_guard lock(mu_);
    live_.erase(d);
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return live_.size();
  }
  void DrainAll() {
    std::vector<std::shared_ptr<Drainable>> all;
    {
      std::lock_guard lock(mu_);
      for (auto& [ptr, weak] : live_) {
        if (auto d = weak.lock()) all.push_back(std::move(d));
      }
    }
    for (auto& d : all) d->Drain();
  }

 private:
  mutable std::mutex mu_;
  std::unordered_map<Drainable*, std::weak_ptr<Drainable>> live_;
};

}  // namespace leadroute::net

#endif  // LEADROUTE_NET_DRAIN_H_
