#include "store/journal.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "store/crc32c.h"
#include "store/file_names.h"
#include "util/fixed.h"

namespace leadroute::store {

namespace {

constexpr char kSegmentPrefix[] = "journal-";
constexpr char kSegmentSuffix[] = ".lrj";

std::uint32_t LoadU32(const char* p) { return LoadFixed<std::uint32_t>(p); }
std::uint64_t LoadU64(const char* p) { return LoadFixed<std::uint64_t>(p); }

// Whether a valid record of a position from `min` on starts at `at`.
bool ValidRecordAt(std::string_view file, std::size_t at, std::uint64_t min) {
  if (file.size() - at < kRecordHeader) return false;
  const std::uint32_t length = LoadU32(file.data() + at + 4);
  const std::uint64_t position = LoadU64(file.data() + at + 8);
  if (length > file.size() - at - kRecordHeader) return false;
  if (position < min || position - min > file.size()) return false;
  return Crc32c(file.substr(at + 4, kRecordHeader - 4 + length)) == LoadU32(file.data() + at);
}

}  // namespace

std::string_view SyncPolicyName(SyncPolicy policy) {
  switch (policy) {
    case SyncPolicy::kAlways: return "always";
    case SyncPolicy::kInterval: return "interval";
    case SyncPolicy::kNever: return "never";
  }
  return "always";
}

std::optional<SyncPolicy> ParseSyncPolicy(std::string_view name) {
  for (SyncPolicy p : {SyncPolicy::kAlways, SyncPolicy::kInterval, SyncPolicy::kNever}) {
    if (SyncPolicyName(p) == name) return p;
  }
  return std::nullopt;
}

std::string SegmentName(std::uint64_t position) {
  return PositionedName(kSegmentPrefix, position, kSegmentSuffix);
}

bool ParseSegmentName(std::string_view name, std::uint64_t* position) {
  return ParsePositionedName(name, kSegmentPrefix, kSegmentSuffix, position);
}

void EncodeRecord(std::uint64_t position, std::string_view payload, std::string* out) {
  const std::size_t start = out->size();
  out->resize(start + kRecordHeader);
  char* h = out->data() + start;
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::memcpy(h + 4, &length, 4);
  std::memcpy(h + 8, &position, 8);
  out->append(payload);
  const std::uint32_t crc =
      Crc32c(std::string_view(out->data() + start + 4, kRecordHeader - 4 + payload.size()));
  std::memcpy(out->data() + start, &crc, 4);
}

Status ScanSegment(std::string_view bytes, std::size_t size, std::uint64_t first,
                   const std::function<Status(std::uint64_t, std::string_view)>& fn,
                   SegmentScan* scan) {
  *scan = SegmentScan{};
  const std::string_view file = bytes.substr(0, size);
  if (file.size() < sizeof(kJournalMagic) ||
      std::memcmp(file.data(), kJournalMagic, sizeof(kJournalMagic)) != 0) {
    // A segment created but never written past its magic is torn; anything
    // else is not a journal.
    const bool prefix = file.size() < sizeof(kJournalMagic) &&
                        std::memcmp(file.data(), kJournalMagic, file.size()) == 0;
    scan->end = prefix ? SegmentScan::End::kTorn : SegmentScan::End::kCorrupt;
    scan->problem = prefix ? "the segment ends inside its magic" : "not a leadroute journal";
    return Status::Ok();
  }
  std::size_t at = sizeof(kJournalMagic);
  scan->valid_bytes = at;
  std::uint64_t expect = first;
  while (at < file.size()) {
    std::string why;
    const std::size_t left = file.size() - at;
    if (left < kRecordHeader) {
      why = "a record header cut short";
    } else {
      const std::uint32_t length = LoadU32(file.data() + at + 4);
      const std::uint64_t position = LoadU64(file.data() + at + 8);
      if (length > kMaxPayload || length > left - kRecordHeader) {
        why = "a record longer than the rest of the file";
      } else if (Crc32c(file.substr(at + 4, kRecordHeader - 4 + length)) !=
                 LoadU32(file.data() + at)) {
        why = "a checksum mismatch";
      } else if (position != expect) {
        scan->end = SegmentScan::End::kCorrupt;
        scan->problem = "record at byte " + std::to_string(at) + " has position " +
                        std::to_string(position) + ", expected " + std::to_string(expect);
        return Status::Ok();
      } else {
        if (Status s = fn(position, file.substr(at + kRecordHeader, length)); !s.ok()) return s;
        at += kRecordHeader + length;
        scan->valid_bytes = at;
        scan->last_position = position;
        ++scan->records;
        ++expect;
        continue;
      }
    }
    // A bad record: torn if nothing valid follows it, else corruption.
    bool later = false;
    for (std::size_t p = at + 1; p + kRecordHeader <= file.size() && !later; ++p) {
      later = ValidRecordAt(file, p, expect);
    }
    scan->end = later ? SegmentScan::End::kCorrupt : SegmentScan::End::kTorn;
    scan->problem = why + " at byte " + std::to_string(at) + " (position " +
                    std::to_string(expect) + ")";
    return Status::Ok();
  }
  return Status::Ok();
}

Journal::Journal(Env* env, std::string dir, SyncPolicy policy)
    : env_(env), dir_(std::move(dir)), policy_(policy) {}

Status Journal::StartSegment(std::uint64_t position) {
  std::unique_lock lock(mu_);
  return StartSegmentLocked(lock, position);
}

Result<std::uint64_t> Journal::Rotate() {
  std::unique_lock lock(mu_);
  // Appends may come in while the old segment syncs; they go to it.
  while (file_ && failed_.ok() && synced_ < next_) {
    if (Status s = SyncLocked(lock, next_); !s.ok()) return s;
  }
  const std::uint64_t at = next_;
  if (Status s = StartSegmentLocked(lock, at); !s.ok()) return s;
  return at;
}

Status Journal::StartSegmentLocked(std::unique_lock<std::mutex>& lock, std::uint64_t position) {
  while (file_ && failed_.ok() && synced_ < next_) {
    if (Status s = SyncLocked(lock, next_); !s.ok()) return s;
  }
  const std::string path = dir_ + "/" + SegmentName(position);
  auto file = env_->OpenWritable(path, /*truncate=*/true);
  if (!file.ok()) return file.status();
  std::shared_ptr<WritableFile> f = std::move(*file);
  // A segment begun but not made whole is removed, and the journal fails:
  // were appends to go on into the old segment, a restart would find this
  // one (its removal may not reach the disk either) starting at `position`
  // and take the old one's records from there for a failed write's
  // leftovers, acknowledged as they were (a review lost five approved
  // registrations so on a full disk). The store's next tick starts a
  // segment again, with a snapshot, and clears the failure.
  auto unmade = [&](Status s) {
    (void)env_->Remove(path);
    if (failed_.ok()) failed_ = s;
    return s;
  };
  if (Status s = f->Append(std::string_view(kJournalMagic, sizeof(kJournalMagic))); !s.ok()) {
    return unmade(s);
  }
  if (Status s = f->Sync(); !s.ok()) return unmade(s);
  if (Status s = env_->SyncDir(dir_); !s.ok()) return unmade(s);
  file_ = std::move(f);
  next_ = position;
  if (failed_.ok()) {
    SetSynced(position);
  } else {
    // The old segment's tail is in doubt until a snapshot covers it
    // (ClearFailure): nothing counts as durable meanwhile.
    synced_ = position;
  }
  return Status::Ok();
}

Result<std::uint64_t> Journal::Append(std::string_view payload) {
  const std::string one(payload);
  return AppendMany(std::span<const std::string>(&one, 1));
}

Result<std::uint64_t> Journal::AppendMany(std::span<const std::string> payloads) {
  std::lock_guard lock(mu_);
  if (!failed_.ok()) {
    return Status::IoError("not stored: the journal refuses writes since " +
                           std::string(failed_.message()));
  }
  if (!file_) return Status::Internal("the journal has no segment");
  if (payloads.empty()) return Status::Internal("nothing to append");
  frame_.clear();
  std::uint64_t position = next_;
  for (const std::string& payload : payloads) {
    if (payload.size() > kMaxPayload) return Status::TooLarge("change too large to journal");
    EncodeRecord(position++, payload, &frame_);
  }
  const std::uint64_t before = file_->size();
  if (Status s = file_->Append(frame_); !s.ok()) {
    // Part of the frame may be in the file: whole records of changes that
    // were refused. Cut them off (if this fails too, recovery's snapshot
    // supersedes the segment, and readers stop at the next segment).
    (void)file_->Truncate(before);
    failed_ = s;
    return Status::IoError("not stored: " + std::string(s.message()));
  }
  if (observer_) observer_(next_, payloads);
  next_ = position;
  return position - 1;
}

void Journal::SetObservers(Observer appended, SyncObserver synced) {
  std::lock_guard lock(mu_);
  observer_ = std::move(appended);
  synced_observer_ = std::move(synced);
}

void Journal::SetSynced(std::uint64_t durable) {
  synced_ = durable;
  durable_ = durable;
  if (synced_observer_) synced_observer_(durable);
}

void Journal::AtPosition(const std::function<void(std::uint64_t, std::uint64_t)>& fn) {
  std::lock_guard lock(mu_);
  fn(next_, policy_ != SyncPolicy::kNever ? durable_ : next_);
}

Status Journal::SyncLocked(std::unique_lock<std::mutex>& lock, std::uint64_t upto) {
  while (true) {
    if (!failed_.ok()) {
      return Status::IoError("not durable: " + std::string(failed_.message()));
    }
    if (synced_ >= upto) return Status::Ok();
    if (syncing_) {
      synced_cv_.wait(lock);
      continue;
    }
    // Lead a sync for everything appended so far; later writers wait for it
    // and then for the next.
    syncing_ = true;
    const std::uint64_t covers = next_;
    std::shared_ptr<WritableFile> file = file_;
    lock.unlock();
    Status s = file->Sync();
    syncs_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    syncing_ = false;
    if (s.ok()) {
      if (file == file_ && covers > synced_) SetSynced(covers);
    } else {
      failed_ = s;
    }
    synced_cv_.notify_all();
  }
}

Status Journal::SyncTo(std::uint64_t position) {
  std::unique_lock lock(mu_);
  if (policy_ != SyncPolicy::kAlways) {
    return failed_.ok() ? Status::Ok()
                        : Status::IoError("not durable: " + std::string(failed_.message()));
  }
  return SyncLocked(lock, position + 1);
}

Status Journal::SyncAll() {
  std::unique_lock lock(mu_);
  if (!file_) return Status::Ok();
  return SyncLocked(lock, next_);
}

std::uint64_t Journal::position() const {
  std::lock_guard lock(mu_);
  return next_;
}

std::uint64_t Journal::segment_bytes() const {
  std::lock_guard lock(mu_);
  return file_ ? file_->size() : 0;
}

Status Journal::failure() const {
  std::lock_guard lock(mu_);
  return failed_;
}

void Journal::ClearFailure() {
  std::lock_guard lock(mu_);
  failed_ = Status::Ok();
  SetSynced(next_);
}

}  // namespace leadroute::store
