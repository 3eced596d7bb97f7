// Journal: the write-ahead log of a data directory, as segments of
// checksummed records, written with group commit.
//
// A segment is a file "journal-<first position, 20 digits>.lrj": the magic
// "LRJOURN1", then records. A record is
//
//   u32 crc     CRC32C of everything after it in the record
//   u32 length  of the payload
//   u64 position
//   payload     (a change, as JSON)
//
// all little-endian. Positions count records from 0 across segments,
// without gaps.
#ifndef LEADROUTE_STORE_JOURNAL_H_
#define LEADROUTE_STORE_JOURNAL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "leadroute/status.h"
#include "store/env.h"

namespace leadroute::store {

// When an appended record reaches the disk (as Redis's appendfsync).
enum class SyncPolicy : std::uint8_t {
  kAlways,    // before its answer: one fdatasync covers every waiting writer
  kInterval,  // about once a second (Journal::SyncAll from a timer)
  kNever,     // when the OS writes it (and at rotation and shutdown)
};
std::string_view SyncPolicyName(SyncPolicy policy);
std::optional<SyncPolicy> ParseSyncPolicy(std::string_view name);

inline constexpr char kJournalMagic[8] = {'L', 'R', 'J', 'O', 'U', 'R', 'N', '1'};
inline constexpr std::size_t kRecordHeader = 16;
// The largest payload a record may hold; a larger length is corruption.
inline constexpr std::uint32_t kMaxPayload = 64u << 20;

// The file name of the segment starting at `position`.
std::string SegmentName(std::uint64_t position);
// The position in a segment file name, or false.
bool ParseSegmentName(std::string_view name, std::uint64_t* position);

// The bytes of one record.
void EncodeRecord(std::uint64_t position, std::string_view payload, std::string* out);

// What reading a segment found.
struct SegmentScan {
  enum class End : std::uint8_t {
    kClean,    // every byte belongs to a valid record
    kTorn,     // a record cut short (or garbage) at the end: a crash mid-write
    kCorrupt,  // a bad record with valid ones after it, or out of order
  };
  End end = End::kClean;
  std::uint64_t valid_bytes = 0;  // through the last valid record
  std::uint64_t records = 0;
  std::uint64_t last_position = 0;  // of the last valid record (records > 0)
  std::string problem;              // kTorn, kCorrupt: what and where
};

// Reads the records of a segment, in order, from `bytes` (the whole file
// plus at least 64 bytes of padding after `size`, for the JSON parser).
// `first` is the position the file name promises; `fn(position, payload)`
// gets each valid record and may stop the scan by returning an error.
Status ScanSegment(std::string_view bytes, std::size_t size, std::uint64_t first,
                   const std::function<Status(std::uint64_t, std::string_view)>& fn,
                   SegmentScan* scan);

// The writer. Thread-safe.
class Journal {
 public:
  Journal(Env* env, std::string dir, SyncPolicy policy);

  // Makes a new segment starting at `position` the one appended to. The
  // current one is synced first unless the journal has failed (its
  // contents are then in doubt and a snapshot must cover them). The
  // failure, if any, stays until ClearFailure(). A segment it cannot make
  // whole (its header written and synced, the directory synced) is removed
  // and fails the journal: no more appends go to the current one.
  Status StartSegment(std::uint64_t position);
  // StartSegment at the next position, returned: every record before it
  // is in the older segments.
  Result<std::uint64_t> Rotate();

  // Writes a record with the next position, returned. An error (and every
  // Append after a failure) refuses it: nothing was assigned.
  Result<std::uint64_t> Append(std::string_view payload);
  // Appends records for every payload, in order, with one write; returns
  // the last one's position. All or none, as Append.
  Result<std::uint64_t> AppendMany(std::span<const std::string> payloads);

  // Waits until the record at `position` is as durable as the policy says:
  // under kAlways on disk, sharing one fdatasync with every writer waiting
  // meanwhile. An error once the journal has failed.
  Status SyncTo(std::uint64_t position);
  // fdatasync of everything appended (the interval timer, shutdown).
  Status SyncAll();

  std::uint64_t position() const;  // the next record's
  std::uint64_t syncs() const { return syncs_.load(std::memory_order_relaxed); }
  std::uint64_t segment_bytes() const;  // of the current segment
  // The error that stopped writes, or ok.
  Status failure() const;
  // Writes resume (after a snapshot covered everything in doubt).
  void ClearFailure();
  SyncPolicy policy() const { return policy_; }

  // Called with each successful write's records (the first one's position
  // and the payloads), under the journal's lock: keep it short.
  using Observer = std::function<void(std::uint64_t first, std::span<const std::string>)>;
  // And with the position below which every record is on disk, whenever
  // that advances (under the lock, too).
  using SyncObserver = std::function<void(std::uint64_t durable)>;
  void SetObservers(Observer appended, SyncObserver synced);
  // Runs fn(next position, durable position) under the journal's lock: no
  // record is appended or synced meanwhile (a subscriber joins between two).
  void AtPosition(const std::function<void(std::uint64_t, std::uint64_t)>& fn);

 private:
  // REQUIRES: mu_ held (released during syncs).
  Status StartSegmentLocked(std::unique_lock<std::mutex>& lock, std::uint64_t position);
  // REQUIRES: mu_ held; the lock is released during the sync.
  Status SyncLocked(std::unique_lock<std::mutex>& lock, std::uint64_t upto);

  Env* const env_;
  const std::string dir_;
  const SyncPolicy policy_;
  mutable std::mutex mu_;
  std::condition_variable synced_cv_;
  std::shared_ptr<WritableFile> file_;  // guarded by mu_
  std::uint64_t next_ = 0;              // guarded by mu_
  std::uint64_t synced_ = 0;   // every record below is synced (group commit)
  std::uint64_t durable_ = 0;  // and durable: not after a failure, until cleared
  bool syncing_ = false;
  Status failed_;
  std::string frame_;  // reused
  Observer observer_;
  std::atomic<std::uint64_t> syncs_{0};
  SyncObserver synced_observer_;
  // Sets synced_ and tells the observer. REQUIRES: mu_ held.
  void SetSynced(std::uint64_t durable);
};

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_JOURNAL_H_
