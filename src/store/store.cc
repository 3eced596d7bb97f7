#include "store/store.h"

#include <algorithm>
#include <chrono>

#include <simdjson.h>

#include "protocol/metrics.h"
#include "store/change_codec.h"
#include "store/snapshot.h"
#include "util/time.h"

namespace leadroute::store {

namespace {

constexpr char kLockName[] = "LOCK";
// Connections following the journal at once: each costs a queue and, while
// catching up, a read of the segments.
constexpr std::size_t kMaxSubscribers = 64;

// Where the rule set, not the data, refuses what was accepted under an
// earlier one (a tier dropped that an API partner has).
std::string RulesOut() {
  return "; start with the rule set they were accepted under, and change or remove those "
         "partners through the API (upsert_partner, remove_partner) before the rule set "
         "changes (the data directory is sound: `leadroute repair` does not apply)";
}

std::string Repair(const std::string& dir) {
  return "; `leadroute repair --data " + dir +
         "` cuts the journal there (the changes after it are lost; the cut bytes are kept "
         "under " + dir + "/lost)";
}

}  // namespace

// A subscriber's queue. Lines come from the journal's observer (under the
// journal's lock) and from catching up (before it is visible); Take() hands
// them to the connection.
class Store::Stream final : public protocol::ChangeStream {
 public:
  // More than this queued for a subscriber that does not read ends it.
  static constexpr std::size_t kMaxQueued = 64u << 20;

  Stream(Store* store, std::function<void()> wake) : store_(store), wake_(std::move(wake)) {}

  bool Take(std::string* out, std::string* reason) override {
    std::lock_guard lock(mu_);
    out->append(queue_);
    queue_.clear();
    woken_ = false;
    if (ended_) *reason = reason_;
    return !ended_;
  }

  void Cancel() override {
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return;
      cancelled_ = true;
    }
    store_->Unsubscribe(this);
  }

  // The first position Push() takes; earlier ones come from the disk.
  void ExpectFrom(std::uint64_t position) {
    std::lock_guard lock(mu_);
    expect_ = position;
  }

  // A journaled change. Positions before the expected one were caught up
  // from the disk (or precede the subscription) and are dropped.
  void Push(std::uint64_t position, std::string_view payload) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      if (ended_ || cancelled_ || position < expect_) return;
      expect_ = position + 1;
      if (queue_.size() > kMaxQueued) {
        End("more than 64 MB of changes waiting for this subscriber; subscribe again from "
            "the last position received");
      } else {
        AppendLine(position, payload, &queue_);
      }
      wake = !woken_;
      woken_ = true;
    }
    if (wake) wake_();
  }

  // The stream is over (the server stops, the subscriber fell behind).
  void End(std::string reason) {
    if (ended_) return;
    ended_ = true;
    reason_ = std::move(reason);
  }
  void EndAndWake(std::string reason) {
    {
      std::lock_guard lock(mu_);
      End(std::move(reason));
    }
    wake_();
  }

  static void AppendLine(std::uint64_t position, std::string_view payload, std::string* out) {
    out->append(R"({"jsonrpc":"2.0","method":"change","params":{"position":)");
    out->append(std::to_string(position));
    out->append(R"(,"change":)");
    out->append(payload);
    out->append("}}\n");
  }

  std::mutex mu_;
  std::string queue_;  // guarded by mu_

 private:
  Store* const store_;
  const std::function<void()> wake_;
  bool woken_ = false, ended_ = false, cancelled_ = false;  // guarded by mu_
  std::uint64_t expect_ = 0;                                // guarded by mu_
  std::string reason_;
};

Store::Store(std::string dir, Engine* engine, StoreOptions options,
             std::unique_ptr<FileLock> lock)
    : dir_(std::move(dir)),
      engine_(engine),
      options_(std::move(options)),
      env_(options_.env ? options_.env : Env::Default()),
      lock_(std::move(lock)),
      journal_(env_, dir_, options_.sync) {
  // Subscribers hear only of changes as durable as the policy makes them:
  // under --sync always, once synced; under interval, once the tick has
  // synced them (a change a power cut could still take must never reach a
  // CRM: its position would name another change after the restart; a
  // review found interval's sent at once, as the README said they were
  // not). Under never, at once: the OS decides.
  const bool wait_for_sync = options_.sync != SyncPolicy::kNever;
  journal_.SetObservers(
      [this, wait_for_sync](std::uint64_t first, std::span<const std::string> payloads) {
        if (!wait_for_sync && subscriber_count_.load(std::memory_order_relaxed) == 0) return;
        std::lock_guard lock(subscribers_mu_);
        for (std::size_t i = 0; i < payloads.size(); ++i) {
          if (wait_for_sync) {
            undurable_.emplace_back(first + i, payloads[i]);
          } else {
            for (const auto& stream : subscribers_) stream->Push(first + i, payloads[i]);
          }
        }
      },
      [this](std::uint64_t durable) {
        std::lock_guard lock(subscribers_mu_);
        std::size_t n = 0;
        while (n < undurable_.size() && undurable_[n].first < durable) {
          for (const auto& stream : subscribers_) {
            stream->Push(undurable_[n].first, undurable_[n].second);
          }
          ++n;
        }
        undurable_.erase(undurable_.begin(), undurable_.begin() + static_cast<std::ptrdiff_t>(n));
      });
}

void Store::Unsubscribe(const Stream* stream) {
  std::lock_guard lock(subscribers_mu_);
  std::erase_if(subscribers_, [stream](const auto& s) { return s.get() == stream; });
  subscriber_count_ = subscribers_.size();
}

Result<std::shared_ptr<protocol::ChangeStream>> Store::Subscribe(
    std::optional<std::uint64_t> from, std::function<void()> wake, std::uint64_t* from_out,
    std::uint64_t* next_out) {
  {
    std::lock_guard lock(subscribers_mu_);
    if (subscribers_.size() >= kMaxSubscribers) {
      return Status::TooLarge("too many subscribers (" + std::to_string(kMaxSubscribers) + ")");
    }
  }
  auto stream = std::make_shared<Stream>(this, std::move(wake));
  std::uint64_t next = 0, durable = 0;
  // Joined between two records: those before `durable` come from the
  // disk, the others from the observers.
  std::uint64_t first = 0;
  journal_.AtPosition([&](std::uint64_t position, std::uint64_t synced) {
    next = position;
    durable = synced;
    first = from.value_or(next);
    stream->ExpectFrom(std::max(first, durable));
    std::lock_guard lock(subscribers_mu_);
    subscribers_.push_back(stream);
    subscriber_count_ = subscribers_.size();
  });
  Status s;
  if (first > next) {
    s = Status::NotFound("position " + std::to_string(first) + " is beyond the journal's end (" +
                         std::to_string(next) + " comes next)");
  } else if (first < durable) {
    std::string backlog;
    s = ReadChanges(first, durable, &backlog);
    if (s.ok()) {
      std::lock_guard lock(stream->mu_);
      stream->queue_.insert(0, backlog);
    }
  }
  if (!s.ok()) {
    Unsubscribe(stream.get());
    return s;
  }
  *from_out = first;
  *next_out = next;
  return std::shared_ptr<protocol::ChangeStream>(std::move(stream));
}

Status Store::ReadChanges(std::uint64_t from, std::uint64_t to, std::string* out) {
  auto files = ListDataFiles(env_, dir_);
  if (!files.ok()) return files.status();
  const std::vector<std::uint64_t>& segments = files->segments;
  auto gone = [&] {
    return Status::NotFound("position " + std::to_string(from) +
                            " is no longer in the journal" +
                            (segments.empty() ? std::string()
                                              : " (it starts at " +
                                                    std::to_string(segments.front()) + ")") +
                            ": read the state anew, then subscribe from a later position");
  };
  std::size_t i = 0;
  while (i + 1 < segments.size() && segments[i + 1] <= from) ++i;
  if (segments.empty() || segments[i] > from) return gone();
  std::uint64_t expect = from;
  for (; i < segments.size() && expect < to; ++i) {
    const std::uint64_t limit = i + 1 < segments.size() ? segments[i + 1] : ~0ull;
    auto bytes = env_->ReadFile(dir_ + "/" + SegmentName(segments[i]));
    if (!bytes.ok()) return gone();  // deleted meanwhile by a snapshot
    const std::size_t size = bytes->size();
    bytes->append(simdjson::SIMDJSON_PADDING, '\0');
    SegmentScan scan;
    Status s = ScanSegment(*bytes, size, segments[i],
                           [&](std::uint64_t position, std::string_view payload) -> Status {
                             if (position < expect || position >= to || position >= limit) {
                               return Status::Ok();
                             }
                             if (out->size() > Stream::kMaxQueued) {
                               return Status::TooLarge(
                                   "more than 64 MB of changes to catch up from position " +
                                   std::to_string(from) + "; subscribe from a later one");
                             }
                             Stream::AppendLine(position, payload, out);
                             ++expect;
                             return Status::Ok();
                           },
                           &scan);
    if (!s.ok()) return s;
  }
  if (expect != to) return gone();
  return Status::Ok();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Engine* engine,
                                           StoreOptions options, RecoveryReport* report) {
  Env* env = options.env ? options.env : Env::Default();
  if (Status s = env->CreateDir(dir); !s.ok()) return s;
  auto lock = env->Lock(dir + "/" + kLockName);
  if (!lock.ok()) return lock.status();
  std::unique_ptr<Store> store(new Store(dir, engine, std::move(options), std::move(*lock)));
  *report = RecoveryReport{};
  auto history = History::Read(env, dir);
  if (!history.ok() && history.status().code() == Status::Code::kIoError) {
    store->closed_ = true;
    return history.status();
  }
  if (Status s = store->Recover(report); !s.ok()) {
    // Leave the directory exactly as found: no closing snapshot over it.
    store->closed_ = true;
    return s;
  }
  if (history.ok()) {
    store->history_ = std::move(*history);
  } else {
    // None yet (a new directory, or one an earlier build wrote): positions
    // have named the same changes since 0. A malformed file: which history
    // subscribers were on is unknown, so a new one begins here, and a
    // subscriber resuming with an id from before is told to read anew.
    const bool none = history.status().code() == Status::Code::kNotFound;
    store->history_ = History::Begin();
    if (!none) {
      report->warnings.push_back(std::string(history.status().message()) +
                                 ": a new history begins (" + store->history_.current() +
                                 "); subscribers resuming from before must read anew");
    }
    if (Status s = store->history_.Write(env, dir); !s.ok()) {
      store->closed_ = true;
      return s;
    }
  }
  engine->SetChangeLog(store.get());
  if (store->options_.timer) {
    store->timer_ =
        std::make_unique<Ticker>(std::chrono::seconds(1), [s = store.get()] { s->Tick(); });
  }
  return store;
}

Store::~Store() { (void)Close(); }

void Store::Event(std::string_view level, std::string_view msg, std::string_view detail) const {
  if (options_.on_event) options_.on_event(level, msg, detail);
}

Status Store::Recover(RecoveryReport* report) {
  auto files = ListDataFiles(env_, dir_);
  if (!files.ok()) return files.status();
  const std::vector<std::uint64_t>& snapshots = files->snapshots;
  const std::vector<std::uint64_t>& segments = files->segments;
  // What startup tidies (unfinished snapshots, torn tails) is done only
  // once everything checked out: a store that refuses to open leaves the
  // directory as it found it.
  std::vector<std::pair<std::string, std::uint64_t>> cuts;

  std::uint64_t opportunities_from = 0, routing_from = 0;
  if (!snapshots.empty()) {
    const std::string path = dir_ + "/" + SnapshotName(snapshots.back());
    SnapshotImage image;
    Status s = ReadSnapshot(env_, path, &image);
    if (s.ok()) s = engine_->RestoreOpportunities(image.opportunities);
    RoutingState routing;
    if (s.ok()) s = DecodeRoutingState(image.routing, &routing);
    if (s.ok()) s = engine_->RestoreRouting(routing);
    if (s.code() == Status::Code::kInvalidRules) {
      return Status::InvalidRules("cannot restore " + path + ": " + std::string(s.message()) +
                                  RulesOut());
    }
    if (!s.ok()) {
      return Status::IoError(
          "cannot restore " + path + ": " + std::string(s.message()) +
          "; `leadroute repair --data " + dir_ + "` sets it aside (under " + dir_ +
          "/lost) for the snapshot before it, whose journal is kept");
    }
    newest_from_ = image.position();
    opportunities_from = image.opportunities_position;
    routing_from = image.routing_position;
    report->snapshot = path;
    report->snapshot_opportunities_position = opportunities_from;
    have_snapshot_ = true;
    last_snapshot_position_ = std::max(opportunities_from, routing_from);
    snapshot_outdated_ = engine_->OpportunitiesRestoredFromEarlierFormat();
    if (snapshot_outdated_) {
      Event("info", "snapshot of an earlier format upgraded; one in this format follows", path);
    }
  }
  const std::uint64_t from = std::min(opportunities_from, routing_from);

  // The segments that may hold records from `from` on.
  std::size_t first = 0;
  while (first + 1 < segments.size() && segments[first + 1] <= from) ++first;
  std::uint64_t expect = from;
  if (first < segments.size() && segments[first] > from) {
    return Status::IoError("the journal in " + dir_ + " starts at position " +
                           std::to_string(segments[first]) + " but the state needs it from " +
                           std::to_string(from) +
                           (have_snapshot_ ? " (after the snapshot)" : " (there is no snapshot)") +
                           ": changes are missing");
  }
  if (first < segments.size()) expect = segments[first];
  DecodedChange decoded;
  for (std::size_t i = first; i < segments.size(); ++i) {
    const std::string path = dir_ + "/" + SegmentName(segments[i]);
    if (segments[i] != expect) {
      return Status::IoError(path + ": starts at position " + std::to_string(segments[i]) +
                             " where " + std::to_string(expect) + " was expected" +
                             Repair(dir_));
    }
    auto bytes = env_->ReadFile(path);
    if (!bytes.ok()) return bytes.status();
    const std::size_t size = bytes->size();
    bytes->append(simdjson::SIMDJSON_PADDING, '\0');
    // Records past the next segment's start are changes a failed write
    // left behind, refused: not replayed.
    const std::uint64_t limit = i + 1 < segments.size() ? segments[i + 1] : ~0ull;
    SegmentScan scan;
    Status s = ScanSegment(
        *bytes, size, segments[i],
        [&](std::uint64_t position, std::string_view payload) -> Status {
          if (position >= limit) return Status::Ok();
          if (Status d = DecodeChange(payload, &decoded); !d.ok()) {
            return Status::IoError(path + ": the change at position " + std::to_string(position) +
                                   " does not decode (" + std::string(d.field()) + ": " +
                                   std::string(d.message()) + ")" + Repair(dir_));
          }
          const bool routing = IsRoutingChange(decoded.change.kind);
          if (position < (routing ? routing_from : opportunities_from)) return Status::Ok();
          if (Status a = engine_->Apply(decoded.change); !a.ok()) {
            if (a.code() == Status::Code::kInvalidRules) {
              return Status::InvalidRules(path + ": the change at position " +
                                          std::to_string(position) + ": " +
                                          std::string(a.message()) + RulesOut());
            }
            ++report->failed;
            if (report->warnings.size() < 100) {
              report->warnings.push_back("change " + std::to_string(position) + " (" +
                                         std::string(ChangeKindName(decoded.change.kind)) +
                                         ") no longer applies: " + a.ToString());
            }
          } else {
            ++report->replayed;
          }
          return Status::Ok();
        },
        &scan);
    if (!s.ok()) return s;
    ++report->segments;
    expect = scan.records > 0 ? std::min(scan.last_position + 1, limit) : segments[i];
    if (scan.end == SegmentScan::End::kCorrupt) {
      return Status::IoError(path + ": " + scan.problem + Repair(dir_));
    }
    if (scan.end == SegmentScan::End::kTorn) {
      const bool last = i + 1 == segments.size();
      if (!last && segments[i + 1] != expect) {
        return Status::IoError(path + ": " + scan.problem + " and the next segment does not "
                               "go on from there" + Repair(dir_));
      }
      cuts.emplace_back(path, scan.valid_bytes);
      report->warnings.push_back(path + ": cut a torn tail (" + scan.problem +
                                 "): a write the crash interrupted, never acknowledged");
    }
  }
  for (const auto& [path, size] : cuts) {
    if (Status t = env_->Truncate(path, size); !t.ok()) return t;
  }
  // What the replay read may be in the page cache only (written, and the
  // process killed before its group commit's flush): from StartSegment on
  // it counts as durable (a retried registration is answered, subscribers
  // are sent it), so it is flushed first, with the cuts (a review found
  // startup flushed nothing it replayed).
  for (std::size_t i = first; i < segments.size(); ++i) {
    auto segment = env_->OpenWritable(dir_ + "/" + SegmentName(segments[i]), /*truncate=*/false);
    if (!segment.ok()) return segment.status();
    if (Status s = (*segment)->Sync(); !s.ok()) return s;
  }
  for (const std::string& name : files->unfinished) (void)env_->Remove(dir_ + "/" + name);
  const std::uint64_t next = std::max({expect, opportunities_from, routing_from});
  if (Status s = journal_.StartSegment(next); !s.ok()) return s;
  report->position = next;
  last_snapshot_at_ = NowSeconds();
  for (std::uint64_t segment : segments) segment_started_[segment] = last_snapshot_at_;
  segment_started_[next] = last_snapshot_at_;
  return Status::Ok();
}

void Store::NoteRefusal() {
  const Status failed = journal_.failure();
  if (!failed.ok() && !failure_logged_.exchange(true)) {
    Event("error", "journal failed; writes refused until it recovers", failed.message());
  }
}

Status Store::Append(const Change& change) {
  thread_local std::string payload;
  payload.clear();
  EncodeChange(change, &payload);
  auto position = journal_.Append(payload);
  if (!position.ok()) NoteRefusal();
  return position.ok() ? Status::Ok() : position.status();
}

std::string Store::Encode(const Change& change) const {
  std::string payload;
  // Room for an opportunity's change at once (~300-600 bytes), not grown
  // by doubling from empty: five reallocations and copies a record, a
  // third of encoding's instructions during an import.
  payload.reserve(1024);
  EncodeChange(change, &payload);
  return payload;
}

Status Store::AppendEncoded(std::span<const std::string> changes) {
  if (changes.empty()) return Status::Ok();
  auto last = journal_.AppendMany(changes);
  if (!last.ok()) NoteRefusal();
  return last.ok() ? Status::Ok() : last.status();
}

Status Store::Sync() {
  // Everything appended so far, the caller's own changes among them, or
  // what a repeated answer (a retried registration) stands on. Group
  // commit: one fdatasync covers every caller waiting.
  const std::uint64_t next = journal_.position();
  Status s = next == 0 ? journal_.failure() : journal_.SyncTo(next - 1);
  if (!s.ok()) NoteRefusal();
  return s;
}

Status Store::Snapshot() {
  std::lock_guard lock(snapshot_mu_);
  return SnapshotLocked();
}

void Store::RenderMetrics(std::string* out) const {
  using protocol::Metrics;
  auto line = [out](std::string_view name, auto value) {
    out->append(name).append(" ").append(std::to_string(value)).append("\n");
  };
  Metrics::Header(out, "leadroute_journal_position", "gauge",
                  "The position the next journaled change gets.");
  line("leadroute_journal_position", journal_.position());
  Metrics::Header(out, "leadroute_journal_healthy", "gauge",
                  "1 while the journal accepts writes; 0 after an I/O error, until it recovers.");
  line("leadroute_journal_healthy", journal_.failure().ok() ? 1 : 0);
  Metrics::Header(out, "leadroute_journal_syncs_total", "counter",
                  "fdatasync calls on the journal (one covers every writer waiting).");
  line("leadroute_journal_syncs_total", journal_.syncs());
  Metrics::Header(out, "leadroute_snapshots_total", "counter", "Snapshots written.");
  line("leadroute_snapshots_total", snapshots_.load());
  Metrics::Header(out, "leadroute_snapshot_last_duration_seconds", "gauge",
                  "How long the last snapshot took.");
  line("leadroute_snapshot_last_duration_seconds", last_snapshot_seconds_.load());
  Metrics::Header(out, "leadroute_subscribers", "gauge", "Connections following the journal.");
  line("leadroute_subscribers", subscriber_count_.load());
}

Status Store::SnapshotLocked() {
  const auto started = std::chrono::steady_clock::now();
  auto rotated = journal_.Rotate();
  if (!rotated.ok()) return rotated.status();
  segment_started_[*rotated] = NowSeconds();
  SnapshotImage image;
  image.created_at = NowSeconds();
  std::string opportunities, routing;
  engine_->SaveOpportunities(&opportunities, &image.opportunities_position);
  EncodeRoutingState(engine_->SaveRouting(&image.routing_position), &routing);
  image.opportunities = opportunities;
  image.routing = routing;
  if (Status s = WriteSnapshot(env_, dir_, image); !s.ok()) return s;
  ++snapshots_;
  last_snapshot_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  last_snapshot_at_ = image.created_at;
  last_snapshot_position_ = std::max(image.opportunities_position, image.routing_position);
  snapshot_outdated_ = false;
  // Two snapshots stay, the new one and the one before it, with the journal
  // from the older one on: should the new one turn out unreadable, `repair`
  // falls back to the older one and loses nothing. Segments before that go
  // once the one after them is journal_keep_seconds old (subscribers may
  // still resume from them).
  const std::uint64_t keep_from = have_snapshot_ ? newest_from_ : image.position();
  const std::string keep = SnapshotName(image.position());
  const std::string keep_older = SnapshotName(keep_from);
  have_snapshot_ = true;
  newest_from_ = image.position();
  auto names = env_->ListDir(dir_);
  if (!names.ok()) return Status::Ok();  // tidied next time
  const std::int64_t now = NowSeconds();
  auto expired = [&](std::uint64_t segment) {
    if (segment >= *rotated) return false;
    auto next = segment_started_.upper_bound(segment);
    return next != segment_started_.end() && next->first <= keep_from &&
           next->second <= now - options_.journal_keep_seconds;
  };
  for (const std::string& name : *names) {
    std::uint64_t position = 0;
    if ((ParseSnapshotName(name, &position) && name != keep && name != keep_older) ||
        (ParseSegmentName(name, &position) && expired(position))) {
      (void)env_->Remove(dir_ + "/" + name);
      if (name.starts_with("journal-")) segment_started_.erase(position);
    }
  }
  return Status::Ok();
}

bool Store::SnapshotStale() const {
  return !have_snapshot_ || snapshot_outdated_ ||
         journal_.position() != last_snapshot_position_;
}

void Store::Tick() {
  if (Status failed = journal_.failure(); !failed.ok()) {
    // Writes are refused, so the state holds still: a snapshot of it on a
    // fresh segment covers whatever the failed writes left in doubt.
    std::lock_guard lock(snapshot_mu_);
    if (Status s = SnapshotLocked(); s.ok()) {
      journal_.ClearFailure();
      failure_logged_ = false;
      Event("info", "journal recovered; writes accepted again", failed.message());
    }
    return;
  }
  if (journal_.policy() == SyncPolicy::kInterval) {
    if (Status s = journal_.SyncAll(); !s.ok()) {
      if (!failure_logged_.exchange(true)) {
        Event("error", "journal sync failed; writes refused until it recovers", s.message());
      }
      return;
    }
  }
  if (options_.expiry_scan > 0) engine_->ExpireDue(options_.expiry_scan);
  std::lock_guard lock(snapshot_mu_);
  const bool changed = SnapshotStale();
  const bool due = snapshot_outdated_ ||
                   NowSeconds() - last_snapshot_at_ >= options_.snapshot_seconds ||
                   journal_.segment_bytes() >= options_.snapshot_bytes;
  if (changed && due && NowSeconds() >= retry_snapshot_at_) {
    if (Status s = SnapshotLocked(); !s.ok()) {
      Event("error", "snapshot failed; trying again in a minute", s.message());
      retry_snapshot_at_ = NowSeconds() + 60;
    }
  }
}

Status Store::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  {
    std::lock_guard lock(subscribers_mu_);
    for (const auto& stream : subscribers_) stream->EndAndWake("the server is stopping");
  }
  if (timer_) timer_->Stop();
  Status s;
  {
    std::lock_guard lock(snapshot_mu_);
    const bool failed = !journal_.failure().ok();
    if (SnapshotStale() || failed) s = SnapshotLocked();
    // A snapshot after a failure covers whatever the failure left in doubt.
    if (s.ok() && failed) journal_.ClearFailure();
    // The journal is flushed whether or not the snapshot was written (under
    // --sync interval or never, the last second's changes are in it only).
    const Status synced = journal_.SyncAll();
    if (s.ok()) s = synced;
  }
  engine_->SetChangeLog(nullptr);
  return s;
}

}  // namespace leadroute::store
