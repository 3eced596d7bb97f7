// Snapshot: the whole engine state in one file, "snapshot-<position, 20
// digits>.lrs", written to a temporary file, synced, renamed and the
// directory synced, so a snapshot is either whole or absent.
//
// Format, little-endian: "LRSNAP01"; u64 opportunities position; u64
// routing position; i64 created at; u64 length of each of the two parts;
// the opportunities (Engine::SaveOpportunities); the routing state
// (EncodeRoutingState); u32 CRC32C of every byte before it. The file name's
// position is the smaller of the two: replay starts there.
#ifndef LEADROUTE_STORE_SNAPSHOT_H_
#define LEADROUTE_STORE_SNAPSHOT_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/status.h"
#include "store/env.h"

namespace leadroute::store {

struct SnapshotImage {
  std::uint64_t opportunities_position = 0;  // changes before it are in it
  std::uint64_t routing_position = 0;
  std::int64_t created_at = 0;
  // The two parts: the writer's own strings, or views into `file` when
  // read (mapped, not copied: a snapshot may be gigabytes).
  std::string_view opportunities;
  std::string_view routing;
  std::unique_ptr<MappedFile> file;
  std::uint64_t position() const {
    return std::min(opportunities_position, routing_position);
  }
};

std::string SnapshotName(std::uint64_t position);
bool ParseSnapshotName(std::string_view name, std::uint64_t* position);

// The data directory's positioned files, each list sorted: snapshots and
// journal segments by position, and unfinished snapshots (*.tmp) by name.
struct DataFiles {
  std::vector<std::uint64_t> snapshots, segments;
  std::vector<std::string> unfinished;
};
Result<DataFiles> ListDataFiles(Env* env, const std::string& dir);

// Writes `image` durably as dir/SnapshotName(image.position()).
Status WriteSnapshot(Env* env, const std::string& dir, const SnapshotImage& image);
// Reads and verifies a snapshot file. IoError when unreadable,
// InvalidArgument when corrupt (with what is wrong).
Status ReadSnapshot(Env* env, const std::string& path, SnapshotImage* image);
// The same from the file's bytes; `path` names it in errors.
Status ParseSnapshot(std::string_view bytes, const std::string& path, SnapshotImage* image);

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_SNAPSHOT_H_
