// Store: a data directory that makes an Engine durable. It restores the
// engine at startup (newest snapshot + journal tail), then is the engine's
// ChangeLog: each change is journaled before it applies, and answers wait
// for the sync policy. A timer runs the interval sync, the expiry of
// protection periods, periodic snapshots, and the recovery after an I/O
// error.
//
// The directory holds LOCK (one process at a time), snapshot-*.lrs (the
// newest is used), journal-*.lrj segments and HISTORY (store/history.h). After a write or sync error
// the journal refuses writes (reads go on); each tick then tries to start
// a new segment and write a snapshot of the state in memory, and writes
// resume once that is on disk.
#ifndef LEADROUTE_STORE_STORE_H_
#define LEADROUTE_STORE_STORE_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "leadroute/change_log.h"
#include "leadroute/engine.h"
#include "protocol/change_feed.h"
#include "store/env.h"
#include "store/history.h"
#include "store/journal.h"
#include "util/ticker.h"

namespace leadroute::store {

struct StoreOptions {
  SyncPolicy sync = SyncPolicy::kAlways;
  // A snapshot once this long has passed since the last one, or once the
  // journal has grown this much, whichever comes first (if anything changed).
  std::int64_t snapshot_seconds = 3600;
  std::uint64_t snapshot_bytes = 256u << 20;
  // Journal segments a snapshot covers are kept this long after the next
  // one began, for subscribers resuming from a position.
  std::int64_t journal_keep_seconds = 86400;
  // Opportunities the expiry timer looks at per tick (0: no expiry timer;
  // expired ones still never match).
  std::size_t expiry_scan = 1u << 17;
  // Ticks come from a thread once a second; tests call Tick() themselves.
  bool timer = true;
  Env* env = nullptr;  // Env::Default()
  // Events worth a log line after startup: (level, message, detail).
  std::function<void(std::string_view, std::string_view, std::string_view)> on_event;
};

// What startup found and did.
struct RecoveryReport {
  std::string snapshot;                 // the file restored, or empty
  std::uint64_t snapshot_opportunities_position = 0;
  std::uint64_t segments = 0;           // journal segments read
  std::uint64_t replayed = 0;           // changes applied from the journal
  std::uint64_t failed = 0;             // changes that no longer applied
  std::uint64_t position = 0;           // where the journal goes on
  std::vector<std::string> warnings;    // torn tails cut, failed changes
};

class Store final : public ChangeLog, public protocol::ChangeFeed {
 public:
  // Opens (creating) `dir`, restores `engine` from it and attaches itself
  // as its change log. The engine should hold its rule set already (partner
  // changes replay on top of it) and no opportunities. Errors: the
  // directory is locked or unreadable, a snapshot or the journal is
  // corrupt (the message says what and how to repair).
  static Result<std::unique_ptr<Store>> Open(const std::string& dir, Engine* engine,
                                             StoreOptions options, RecoveryReport* report);
  ~Store() override;

  // Stops the timer, writes a last snapshot and detaches from the engine.
  Status Close();
  // Rotates the journal and writes a snapshot now; older snapshots and
  // segments it covers are deleted.
  Status Snapshot();
  // One timer step (see the file comment).
  void Tick();

  // ChangeLog.
  Status Append(const Change& change) override;
  std::string Encode(const Change& change) const override;
  Status AppendEncoded(std::span<const std::string> changes) override;
  Status Sync() override;
  std::uint64_t Position() const override { return journal_.position(); }

  // ChangeFeed: catching up reads the journal's segments from disk.
  Result<std::shared_ptr<protocol::ChangeStream>> Subscribe(std::optional<std::uint64_t> from,
                                                            std::function<void()> wake,
                                                            std::uint64_t* from_out,
                                                            std::uint64_t* next_out) override;

  std::string HistoryId() const override { return history_.current(); }
  std::optional<std::uint64_t> SharedUntil(std::string_view id) const override {
    return history_.SharedUntil(id);
  }

  // The data directory's figures in Prometheus text format (for GET
  // /metrics): journal position, health, syncs, snapshots, subscribers.
  void RenderMetrics(std::string* out) const;

  // Ok, or the I/O error that has writes refused.
  Status health() const { return journal_.failure(); }

 private:
  Store(std::string dir, Engine* engine, StoreOptions options, std::unique_ptr<FileLock> lock);
  Status Recover(RecoveryReport* report);
  // REQUIRES: snapshot_mu_ held.
  Status SnapshotLocked();
  // Whether the newest snapshot misses changes, or is in an earlier
  // format, or there is none. REQUIRES: snapshot_mu_ held.
  bool SnapshotStale() const;
  void Event(std::string_view level, std::string_view msg, std::string_view detail) const;
  // After a refused write: the journal's failure is logged, once until it
  // recovers (the disk's trouble shows in the log, not only in answers).
  void NoteRefusal();
  class Stream;
  void Unsubscribe(const Stream* stream);
  // Appends the notification lines of positions [from, to) read from the
  // segments on disk to *out.
  Status ReadChanges(std::uint64_t from, std::uint64_t to, std::string* out);

  const std::string dir_;
  Engine* const engine_;
  const StoreOptions options_;
  Env* const env_;
  std::unique_ptr<FileLock> lock_;
  Journal journal_;
  // Set by Open(), unchanged after: only `repair` begins a new history.
  History history_;

  std::atomic<std::uint64_t> snapshots_{0};
  std::atomic<double> last_snapshot_seconds_{0};
  std::mutex snapshot_mu_;
  std::int64_t last_snapshot_at_ = 0;        // guarded by snapshot_mu_
  std::uint64_t last_snapshot_position_ = 0;  // guarded by snapshot_mu_
  bool have_snapshot_ = false;               // guarded by snapshot_mu_
  // The snapshot restored was of an earlier build's format: the next tick
  // writes one in this build's, so that the next start needs no upgrade.
  bool snapshot_outdated_ = false;           // guarded by snapshot_mu_
  std::uint64_t newest_from_ = 0;  // the newest snapshot's position; by snapshot_mu_
  std::int64_t retry_snapshot_at_ = 0;  // after a failed one; by snapshot_mu_

  // When each segment began (first position -> seconds), for
  // journal_keep_seconds. Guarded by snapshot_mu_.
  std::map<std::uint64_t, std::int64_t> segment_started_;

  std::mutex subscribers_mu_;  // after the journal's lock
  std::vector<std::shared_ptr<Stream>> subscribers_;
  // Under --sync always, subscribers hear of a change once it is on disk:
  // the changes written but not yet synced, oldest first.
  std::vector<std::pair<std::uint64_t, std::string>> undurable_;  // by subscribers_mu_
  std::atomic<std::size_t> subscriber_count_{0};

  std::unique_ptr<Ticker> timer_;  // Tick() once a second (options_.timer)
  bool closed_ = false;
  std::atomic<bool> failure_logged_{false};  // NoteRefusal
};

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_STORE_H_
