#include "store/snapshot.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "store/crc32c.h"
#include "store/file_names.h"
#include "store/journal.h"
#include "util/fixed.h"

namespace leadroute::store {

namespace {

constexpr char kMagic[8] = {'L', 'R', 'S', 'N', 'A', 'P', '0', '1'};
constexpr std::size_t kHeader = 8 + 5 * 8;
constexpr char kPrefix[] = "snapshot-";
constexpr char kSuffix[] = ".lrs";

}  // namespace

std::string SnapshotName(std::uint64_t position) {
  return PositionedName(kPrefix, position, kSuffix);
}

bool ParseSnapshotName(std::string_view name, std::uint64_t* position) {
  return ParsePositionedName(name, kPrefix, kSuffix, position);
}

Result<DataFiles> ListDataFiles(Env* env, const std::string& dir) {
  auto names = env->ListDir(dir);
  if (!names.ok()) return names.status();
  DataFiles files;
  for (const std::string& name : *names) {
    std::uint64_t position = 0;
    if (ParseSnapshotName(name, &position)) {
      files.snapshots.push_back(position);
    } else if (ParseSegmentName(name, &position)) {
      files.segments.push_back(position);
    } else if (name.ends_with(".tmp")) {
      files.unfinished.push_back(name);
    }
  }
  std::sort(files.snapshots.begin(), files.snapshots.end());
  std::sort(files.segments.begin(), files.segments.end());
  std::sort(files.unfinished.begin(), files.unfinished.end());
  return files;
}

Status WriteSnapshot(Env* env, const std::string& dir, const SnapshotImage& image) {
  std::string head;
  head.append(kMagic, sizeof(kMagic));
  PutFixed<std::uint64_t>(&head, image.opportunities_position);
  PutFixed<std::uint64_t>(&head, image.routing_position);
  PutFixed<std::int64_t>(&head, image.created_at);
  PutFixed<std::uint64_t>(&head, image.opportunities.size());
  PutFixed<std::uint64_t>(&head, image.routing.size());
  std::uint32_t crc = Crc32c(head);
  crc = Crc32c(image.opportunities, crc);
  crc = Crc32c(image.routing, crc);
  std::string tail;
  PutFixed<std::uint32_t>(&tail, crc);

  const std::string name = SnapshotName(image.position());
  const std::string tmp = dir + "/" + name + ".tmp";
  auto file = env->OpenWritable(tmp, /*truncate=*/true);
  if (!file.ok()) return file.status();
  Status s = (*file)->Append(head);
  if (s.ok()) s = (*file)->Append(image.opportunities);
  if (s.ok()) s = (*file)->Append(image.routing);
  if (s.ok()) s = (*file)->Append(tail);
  if (s.ok()) s = (*file)->Sync();
  file->reset();
  if (s.ok()) s = env->Rename(tmp, dir + "/" + name);
  if (s.ok()) s = env->SyncDir(dir);
  if (!s.ok()) (void)env->Remove(tmp);
  return s;
}

Status ReadSnapshot(Env* env, const std::string& path, SnapshotImage* image) {
  auto mapped = env->MapFile(path);
  if (!mapped.ok()) return mapped.status();
  image->file = std::move(*mapped);
  return ParseSnapshot(image->file->data(), path, image);
}

Status ParseSnapshot(std::string_view b, const std::string& path, SnapshotImage* image) {
  auto corrupt = [&](std::string_view why) {
    return Status::InvalidArgument(path + ": corrupt snapshot: " + std::string(why));
  };
  if (b.size() < kHeader + 4 || std::memcmp(b.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("not a leadroute snapshot of this version");
  }
  const std::uint64_t opp_len = LoadFixed<std::uint64_t>(b.data() + 32);
  const std::uint64_t routing_len = LoadFixed<std::uint64_t>(b.data() + 40);
  if (opp_len > b.size() || routing_len > b.size() ||
      kHeader + opp_len + routing_len + 4 != b.size()) {
    return corrupt("its lengths do not add up to its size");
  }
  const std::size_t body = b.size() - 4;
  if (Crc32c(std::string_view(b.data(), body)) != LoadFixed<std::uint32_t>(b.data() + body)) {
    return corrupt("checksum mismatch");
  }
  image->opportunities_position = LoadFixed<std::uint64_t>(b.data() + 8);
  image->routing_position = LoadFixed<std::uint64_t>(b.data() + 16);
  image->created_at = LoadFixed<std::int64_t>(b.data() + 24);
  image->opportunities = b.substr(kHeader, opp_len);
  image->routing = b.substr(kHeader + opp_len, routing_len);
  return Status::Ok();
}

}  // namespace leadroute::store
