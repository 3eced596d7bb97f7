#include "store/repair.h"

#include <algorithm>
#include <optional>
#include <set>

#include <simdjson.h>

#include "store/change_codec.h"
#include "store/history.h"
#include "store/journal.h"
#include "store/snapshot.h"

namespace leadroute::store {

namespace {

// Writes `bytes` durably to `path`.
Status WriteWhole(Env* env, const std::string& path, std::string_view bytes) {
  auto file = env->OpenWritable(path, /*truncate=*/true);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(bytes);
  if (s.ok()) s = (*file)->Sync();
  return s;
}

}  // namespace

Status RepairDataDir(Env* env, const std::string& dir, std::vector<std::string>* actions) {
  auto lock = env->Lock(dir + "/LOCK");
  if (!lock.ok()) return lock.status();
  const std::string lost = dir + "/lost";
  auto files = ListDataFiles(env, dir);
  if (!files.ok()) return files.status();
  std::vector<std::uint64_t>& snapshots = files->snapshots;
  const std::vector<std::uint64_t>& segments = files->segments;
  // A name in lost/ that holds nothing yet ("x", else "x.1", "x.2", ...):
  // an earlier repair's keepings stay. lost/ is listed once, then each
  // name given is noted.
  std::optional<std::set<std::string>> taken;
  auto free_name = [&](const std::string& name) -> Result<std::string> {
    if (!taken) {
      if (Status s = env->CreateDir(lost); !s.ok()) return s;
      auto names = env->ListDir(lost);
      if (!names.ok()) return names.status();
      taken.emplace(names->begin(), names->end());
    }
    std::string candidate = name;
    for (int n = 1; taken->contains(candidate); ++n) candidate = name + "." + std::to_string(n);
    taken->insert(candidate);
    return lost + "/" + candidate;
  };
  auto move_to_lost = [&](const std::string& name, std::string_view why) -> Status {
    auto to = free_name(name);
    if (!to.ok()) return to.status();
    if (Status s = env->Rename(dir + "/" + name, *to); !s.ok()) return s;
    actions->push_back("moved " + name + " to " + *to + ": " + std::string(why));
    return Status::Ok();
  };

  // The newest snapshot that reads back whole; the newer ones go, but only
  // once it is certain that what remains can start.
  std::uint64_t from = 0, snapshot_end = 0;
  std::vector<std::pair<std::string, std::string>> unreadable;  // name, why
  bool found = false;
  while (!snapshots.empty() && !found) {
    SnapshotImage image;
    const std::string name = SnapshotName(snapshots.back());
    Status s = ReadSnapshot(env, dir + "/" + name, &image);
    if (s.ok()) {
      RoutingState routing;
      s = DecodeRoutingState(image.routing, &routing);
    }
    if (s.ok()) {
      from = image.position();
      snapshot_end = std::max(image.opportunities_position, image.routing_position);
      found = true;
    } else {
      unreadable.emplace_back(name, std::string(s.message()));
      snapshots.pop_back();
    }
  }
  if (!found && !segments.empty() && segments.front() > 0) {
    return Status::IoError(
        "no snapshot reads back and the journal starts at position " +
        std::to_string(segments.front()) +
        ": what came before is in no file that can be read; nothing was changed. "
        "Restore the directory from a backup");
  }
  for (const auto& [name, why] : unreadable) {
    if (Status m = move_to_lost(name, why); !m.ok()) return m;
  }

  // The journal from there, up to its first bad record: walked once to
  // find where it is cut, changing nothing; the new history is written;
  // then walked again to cut. A repair that fails or dies after cutting
  // must not leave the cut without its history (a review found a second
  // run finding nothing to cut, and never branching).
  std::size_t first = 0;
  while (first + 1 < segments.size() && segments[first + 1] <= from) ++first;
  bool cut = false;
  std::uint64_t cut_at = 0;  // where the journal goes on after the cut
  DecodedChange decoded;
  auto walk = [&](bool apply) -> Status {
    std::uint64_t expect = first < segments.size() ? std::min(segments[first], from) : from;
    cut = false;
    for (std::size_t i = first; i < segments.size(); ++i) {
      const std::string name = SegmentName(segments[i]);
      if (cut) {
        if (!apply) break;
        if (Status m = move_to_lost(name, "after the cut"); !m.ok()) return m;
        continue;
      }
      if (segments[i] != expect) {
        cut = true;
        cut_at = expect;
        if (!apply) break;
        if (Status m =
                move_to_lost(name, "does not go on from position " + std::to_string(expect));
            !m.ok()) {
          return m;
        }
        continue;
      }
      const std::string path = dir + "/" + name;
      auto bytes = env->ReadFile(path);
      if (!bytes.ok()) return bytes.status();
      const std::size_t size = bytes->size();
      bytes->append(simdjson::SIMDJSON_PADDING, '\0');
      SegmentScan scan;
      Status bad = ScanSegment(
          *bytes, size, segments[i],
          [&](std::uint64_t, std::string_view payload) { return DecodeChange(payload, &decoded); },
          &scan);
      // Records past the next segment's start are a failed write's
      // leftovers, which startup skips: the next segment goes on from its
      // start (a review found them taken for a gap, and every later
      // segment moved to lost/ from a directory that started as it was).
      const std::uint64_t limit = i + 1 < segments.size() ? segments[i + 1] : ~0ull;
      expect = scan.records > 0 ? std::min(scan.last_position + 1, limit) : segments[i];
      if (bad.ok() && scan.end == SegmentScan::End::kClean) continue;
      const std::string why = bad.ok() ? scan.problem : "a change that does not decode";
      if (apply && scan.valid_bytes < size) {
        auto free = free_name(name + ".cut");
        if (!free.ok()) return free.status();
        const std::string kept = *free;
        if (Status s = WriteWhole(env, kept, std::string_view(*bytes).substr(
                                                 scan.valid_bytes, size - scan.valid_bytes));
            !s.ok()) {
          return s;
        }
        if (Status s = env->Truncate(path, scan.valid_bytes); !s.ok()) return s;
        actions->push_back("cut " + name + " at byte " + std::to_string(scan.valid_bytes) +
                           " (" + why + "); " + std::to_string(size - scan.valid_bytes) +
                           " bytes kept in " + kept);
      }
      // A torn tail is what a crash leaves; anything else ends the journal.
      if (!bad.ok() || scan.end == SegmentScan::End::kCorrupt) {
        cut = true;
        cut_at = expect;
      }
    }
    return Status::Ok();
  };
  if (Status s = walk(/*apply=*/false); !s.ok()) return s;
  // The changes cut had positions that the next ones will take again: a
  // new history begins where the journal goes on, so that a subscriber
  // who was sent some of them learns it when it resumes (a torn tail needs
  // none: nobody was sent a change never written whole). The snapshot's
  // changes keep their positions, cut from the journal or not: the next
  // change comes after them (as startup goes on).
  if (cut) {
    const std::uint64_t resumes = std::max(cut_at, snapshot_end);
    auto history = History::Read(env, dir);
    if (!history.ok() && history.status().code() == Status::Code::kIoError) {
      return history.status();
    }
    History h = history.ok() ? std::move(*history) : History::Begin();
    const std::string before = h.current();
    h.Branch(resumes);
    if (Status s = h.Write(env, dir); !s.ok()) return s;
    actions->push_back("began history " + h.current() + " at position " +
                       std::to_string(resumes) + ": a subscriber that was sent changes from " +
                       std::to_string(resumes) + " on under history " + before +
                       " is told, when it resumes, to read anew from there");
  }
  if (Status s = walk(/*apply=*/true); !s.ok()) return s;
  if (Status s = env->SyncDir(dir); !s.ok()) return s;
  if (actions->empty()) actions->push_back("nothing to repair");
  return Status::Ok();
}

}  // namespace leadroute::store
