// FaultEnv: the real file system, with failures injected on demand (a full
// disk on writes, EIO on syncs) and syncs counted.
#ifndef LEADROUTE_TESTS_STORE_FAULT_ENV_H_
#define LEADROUTE_TESTS_STORE_FAULT_ENV_H_

#include <atomic>

#include "store/env.h"

namespace leadroute::store {

class FaultEnv final : public Env {
 public:
  std::atomic<bool> fail_writes{false};  // Append: "No space left on device"
  std::atomic<bool> fail_syncs{false};   // Sync: "Input/output error"
  std::atomic<bool> fail_truncates{false};  // Truncate (a path): "Input/output error"
  std::atomic<int> syncs{0};
  // When >= 0: appends left before writes fail (fail_writes is then set).
  std::atomic<int> appends_left{-1};

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                     bool truncate) override {
    if (fail_writes) return Status::IoError("open " + path + ": No space left on device");
    auto f = base_->OpenWritable(path, truncate);
    if (!f.ok()) return f.status();
    return std::unique_ptr<WritableFile>(new File(this, std::move(*f)));
  }
  Result<std::string> ReadFile(const std::string& path) override { return base_->ReadFile(path); }
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) override {
    return base_->MapFile(path);
  }
  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    return base_->ListDir(dir);
  }
  Status CreateDir(const std::string& dir) override { return base_->CreateDir(dir); }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }
  Status Remove(const std::string& path) override { return base_->Remove(path); }
  Status Truncate(const std::string& path, std::uint64_t size) override {
    if (fail_truncates) return Status::IoError("truncate " + path + ": Input/output error");
    return base_->Truncate(path, size);
  }
  Status SyncDir(const std::string& dir) override {
    if (fail_syncs) return Status::IoError("fsync " + dir + ": Input/output error");
    return base_->SyncDir(dir);
  }
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    return base_->Lock(path);
  }

 private:
  class File final : public WritableFile {
   public:
    File(FaultEnv* env, std::unique_ptr<WritableFile> base) : env_(env), base_(std::move(base)) {}
    Status Append(std::string_view data) override {
      if (const int left = env_->appends_left.load(); left >= 0) {
        if (left == 0) {
          env_->fail_writes = true;
          env_->appends_left = -1;
        } else {
          env_->appends_left = left - 1;
        }
      }
      if (env_->fail_writes) {
        // A full disk takes part of a write.
        (void)base_->Append(data.substr(0, data.size() / 2));
        return Status::IoError("write: No space left on device");
      }
      return base_->Append(data);
    }
    Status Sync() override {
      ++env_->syncs;
      if (env_->fail_syncs) return Status::IoError("fdatasync: Input/output error");
      return base_->Sync();
    }
    Status Truncate(std::uint64_t size) override { return base_->Truncate(size); }
    std::uint64_t size() const override { return base_->size(); }

   private:
    FaultEnv* env_;
    std::unique_ptr<WritableFile> base_;
  };

  Env* base_ = Env::Default();
};

}  // namespace leadroute::store

#endif  // LEADROUTE_TESTS_STORE_FAULT_ENV_H_
