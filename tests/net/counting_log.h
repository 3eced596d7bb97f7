// A ChangeLog that keeps nothing and counts: appends, syncs; its syncs can
// be made to fail. For tests of who waits for the log, and how often.
#ifndef LEADROUTE_TESTS_NET_COUNTING_LOG_H_
#define LEADROUTE_TESTS_NET_COUNTING_LOG_H_

#include <atomic>

#include "leadroute/change_log.h"

namespace leadroute {

class CountingLog : public ChangeLog {
 public:
  Status Append(const Change&) override {
    ++appends;
    ++position;
    return Status::Ok();
  }
  std::string Encode(const Change&) const override { return "{}"; }
  Status AppendEncoded(std::span<const std::string> changes) override {
    appends += changes.size();
    position += changes.size();
    return Status::Ok();
  }
  Status Sync() override {
    ++syncs;
    return fail_syncs ? Status::Internal("not durable: injected") : Status::Ok();
  }
  std::uint64_t Position() const override { return position; }

  std::atomic<std::size_t> appends{0}, syncs{0};
  std::atomic<std::uint64_t> position{0};
  std::atomic<bool> fail_syncs{false};
};

}  // namespace leadroute

#endif  // LEADROUTE_TESTS_NET_COUNTING_LOG_H_
