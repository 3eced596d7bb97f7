// Env: the file system as the store uses it, behind an interface tests
// replace to inject failures (as LevelDB's Env). PosixEnv is the real one.
#ifndef LEADROUTE_STORE_ENV_H_
#define LEADROUTE_STORE_ENV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "leadroute/status.h"

namespace leadroute::store {

// A file written from its end. Not thread-safe, except that Sync may run
// while another thread appends (the store's group commit does).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all of `data` (the OS's page cache; Sync makes it durable).
  // On error some of it may have been written.
  virtual Status Append(std::string_view data) = 0;
  // fdatasync: what was appended is on disk.
  virtual Status Sync() = 0;
  // Cuts the file back to `size` bytes (what a failed Append left).
  virtual Status Truncate(std::uint64_t size) = 0;
  // Bytes appended so far (the file's size when opened, plus appends).
  virtual std::uint64_t size() const = 0;
};

// A file's bytes mapped into memory, read-only, until destroyed.
class MappedFile {
 public:
  virtual ~MappedFile() = default;
  virtual std::string_view data() const = 0;
};

// A lock on a directory, held until destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;
  // The process's file system.
  static Env* Default();

  // Opens `path` for appending, creating it (and truncating when `truncate`).
  virtual Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                             bool truncate) = 0;
  // The whole file.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // The whole file, mapped (no copy: snapshots may be gigabytes).
  virtual Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) = 0;
  // The names in `dir` (not "." and "..").
  virtual Result<std::vector<std::string>> ListDir(const std::string& dir) = 0;
  virtual Status CreateDir(const std::string& dir) = 0;  // ok if it exists
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Truncate(const std::string& path, std::uint64_t size) = 0;
  // fsync of the directory itself: renames and creations in it are durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  // An exclusive lock (flock) on `path`, created if missing. Error when
  // another process holds it.
  virtual Result<std::unique_ptr<FileLock>> Lock(const std::string& path) = 0;
};

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_ENV_H_
