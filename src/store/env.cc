#include "store/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace leadroute::store {

namespace {

Status Errno(std::string_view what, const std::string& path, int err) {
  return Status::IoError(std::string(what) + " " + path + ": " + std::strerror(err));
}

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::string path, std::uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  ~PosixFile() override { ::close(fd_); }

  Status Append(std::string_view data) override {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_, errno);
      }
      data.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return Errno("fdatasync", path_, errno);
    return Status::Ok();
  }

  Status Truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) return Errno("ftruncate", path_, errno);
    size_ = size;
    return Status::Ok();
  }

  std::uint64_t size() const override { return size_; }

 private:
  const int fd_;
  const std::string path_;
  std::uint64_t size_;
};

class PosixLock final : public FileLock {
 public:
  explicit PosixLock(int fd) : fd_(fd) {}
  ~PosixLock() override { ::close(fd_); }  // releases the flock

 private:
  const int fd_;
};

class PosixMapped final : public MappedFile {
 public:
  PosixMapped(void* base, std::size_t size) : base_(base), size_(size) {}
  ~PosixMapped() override {
    if (size_ > 0) ::munmap(base_, size_);
  }
  std::string_view data() const override {
    return size_ > 0 ? std::string_view(static_cast<const char*>(base_), size_)
                     : std::string_view();
  }

 private:
  void* const base_;
  const std::size_t size_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<MappedFile>> MapFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return Errno("stat", path, err);
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    void* base = nullptr;
    if (size > 0) {
      base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (base == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        return Errno("mmap", path, err);
      }
      ::madvise(base, size, MADV_SEQUENTIAL);
    }
    ::close(fd);
    return std::unique_ptr<MappedFile>(new PosixMapped(base, size));
  }

  Result<std::unique_ptr<WritableFile>> OpenWritable(const std::string& path,
                                                     bool truncate) override {
    const int fd = ::open(path.c_str(),
                          O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0),
                          0644);
    if (fd < 0) return Errno("open", path, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return Errno("stat", path, err);
    }
    return std::unique_ptr<WritableFile>(
        new PosixFile(fd, path, static_cast<std::uint64_t>(st.st_size)));
  }

  Result<std::string> ReadFile(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("open", path, errno);
    // Straight into the string: sized by fstat, grown if the file grew.
    std::string out;
    struct stat st;
    std::size_t want = 1 << 16;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) want = static_cast<std::size_t>(st.st_size) + 1;
    std::size_t have = 0;
    while (true) {
      if (out.size() < have + 1) out.resize(std::max(want, out.size() * 2));
      const ssize_t n = ::read(fd, out.data() + have, out.size() - have);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return Errno("read", path, err);
      }
      if (n == 0) break;
      have += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.resize(have);
    return out;
  }

  Result<std::vector<std::string>> ListDir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return Errno("opendir", dir, errno);
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(d);
    return names;
  }

  Status CreateDir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return Errno("mkdir", dir, errno);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Errno("rename", from, errno);
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("unlink", path, errno);
    return Status::Ok();
  }

  Status Truncate(const std::string& path, std::uint64_t size) override {
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
      return Errno("truncate", path, errno);
    }
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Errno("open", dir, errno);
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return Errno("fsync", dir, err);
    return Status::Ok();
  }

  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Errno("open", path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return Status::IoError(path + ": the data directory is in use by another leadroute");
      }
      return Errno("flock", path, err);
    }
    return std::unique_ptr<FileLock>(new PosixLock(fd));
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv env;
  return &env;
}

}  // namespace leadroute::store
