#include "libdump/format/byte_io.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>

namespace libdump {
namespace {

Status ErrnoStatus(int err, const std::string& what) {
  if (err == ENOENT) return Status::NotFound(what + ": " + ErrnoText(err));
  return Status::IoError(what + ": " + ErrnoText(err));
}

// Writes all of `n` bytes, retrying short writes and EINTR.
Status WriteAll(int fd, const void* data, size_t n, const std::string& name) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      const int err = errno;
      if (err == EINTR) continue;
      return Status::IoError("write to " + name + " failed: " + ErrnoText(err));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

// fsync, except that descriptors which cannot be synced (pipes, terminals) count as synced.
Status SyncFd(int fd, const std::string& name) {
  if (::fsync(fd) == 0) return Status::Ok();
  const int err = errno;
  if (err == EINVAL || err == EROFS || err == ENOTSUP) return Status::Ok();
  return Status::IoError("fsync of " + name + " failed: " + ErrnoText(err));
}

// A suffix that makes the temporary name unlikely to exist already; O_EXCL settles the rest.
std::string RandomSuffix() {
  uint64_t v = 0;
  if (::getrandom(&v, sizeof v, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof v)) {
    static std::atomic<uint64_t> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    v = static_cast<uint64_t>(now) ^ (static_cast<uint64_t>(::getpid()) << 32) ^
        (++counter * 0x9E3779B97F4A7C15ull);
  }
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 12; ++i, v >>= 4) s.push_back(kDigits[v & 0xF]);
  return s;
}

class FdSinkImpl final : public ByteSink {
 public:
  FdSinkImpl(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  Status Write(const void* data, size_t n) override { return WriteAll(fd_, data, n, name_); }
  Status Flush() override { return SyncFd(fd_, name_); }
  std::string Describe() const override { return name_; }

 private:
  int fd_;
  std::string name_;
};

// Writes to `<target>.partial.<random>` and renames it to `target` on Commit, so that a reader
// never sees a half-written archive under the final name. `path` is the name the caller gave
// (for messages): `target` itself, or a symbolic link to it, which the rename leaves in place.
class AtomicFileSink final : public ByteSink {
 public:
  AtomicFileSink(std::string path, std::string target, std::string temp, int fd, bool sync)
      : path_(std::move(path)),
        target_(std::move(target)),
        temp_(std::move(temp)),
        fd_(fd),
        sync_(sync) {}
  ~AtomicFileSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_.c_str());
  }
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;

  Status Write(const void* data, size_t n) override {
    if (fd_ < 0) return Status::IoError("write to " + path_ + " failed: the file is closed");
    return WriteAll(fd_, data, n, path_);
  }

  Status Flush() override {
    if (fd_ < 0) return Status::Ok();
    return SyncFd(fd_, path_);
  }

  Status Commit() override {
    if (committed_) return Status::Ok();
    if (fd_ < 0) return Status::IoError("cannot commit " + path_ + ": an earlier commit failed");
    if (sync_) RETURN_IF_ERROR(SyncFd(fd_, path_));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      const int err = errno;
      return ErrnoStatus(err, "closing " + temp_ + " failed");
    }
    if (::rename(temp_.c_str(), target_.c_str()) != 0) {
      const int err = errno;
      return ErrnoStatus(err, "renaming " + temp_ + " to " + target_ + " failed");
    }
    committed_ = true;
    if (!sync_) return Status::Ok();
    // Best effort: make the rename itself durable. The archive is complete either way.
    const size_t slash = target_.rfind('/');
    const std::string dir =
        slash == std::string::npos ? std::string(".") : target_.substr(0, slash == 0 ? 1 : slash);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      (void)::fsync(dfd);
      ::close(dfd);
    }
    return Status::Ok();
  }

  std::string Describe() const override { return path_; }

 private:
  std::string path_;
  std::string target_;
  std::string temp_;
  int fd_;
  bool sync_;
  bool committed_ = false;
};

class FdSourceImpl final : public ByteSource {
 public:
  FdSourceImpl(int fd, std::string name, bool owned)
      : fd_(fd), name_(std::move(name)), owned_(owned) {
    struct stat st;
    seekable_ = ::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
  }
  ~FdSourceImpl() override {
    if (owned_) ::close(fd_);
  }
  FdSourceImpl(const FdSourceImpl&) = delete;
  FdSourceImpl& operator=(const FdSourceImpl&) = delete;

  Result<size_t> Read(void* buf, size_t n) override {
    for (;;) {
      const ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      const int err = errno;
      if (err != EINTR) return Status::IoError("read from " + name_ + " failed: " + ErrnoText(err));
    }
  }

  bool Seekable() const override { return seekable_; }

  Result<uint64_t> Size() const override {
    if (!seekable_) return ByteSource::Size();
    struct stat st;
    if (::fstat(fd_, &st) != 0) {
      const int err = errno;
      return Status::IoError("fstat of " + name_ + " failed: " + ErrnoText(err));
    }
    return static_cast<uint64_t>(st.st_size);
  }

  Result<size_t> ReadAt(uint64_t offset, void* buf, size_t n) const override {
    if (!seekable_) return ByteSource::ReadAt(offset, buf, n);
    if (offset > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) return size_t{0};
    for (;;) {
      const ssize_t r = ::pread(fd_, buf, n, static_cast<off_t>(offset));
      if (r >= 0) return static_cast<size_t>(r);
      const int err = errno;
      if (err != EINTR) {
        return Status::IoError("read from " + name_ + " at offset " + std::to_string(offset) +
                               " failed: " + ErrnoText(err));
      }
    }
  }

  std::string Describe() const override { return name_; }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  bool seekable_ = false;
};

// Writes straight into something that is not a regular file (a device, a FIFO): no temporary,
// no rename, and nothing to remove when the output is abandoned. Commit() only syncs, which
// such files may not support (SyncFd).
class DirectSink final : public ByteSink {
 public:
  DirectSink(std::string name, int fd, bool sync) : name_(std::move(name)), fd_(fd), sync_(sync) {}
  ~DirectSink() override { ::close(fd_); }
  DirectSink(const DirectSink&) = delete;
  DirectSink& operator=(const DirectSink&) = delete;

  Status Write(const void* data, size_t n) override { return WriteAll(fd_, data, n, name_); }
  Status Flush() override { return SyncFd(fd_, name_); }
  Status Commit() override { return sync_ ? SyncFd(fd_, name_) : Status::Ok(); }
  std::string Describe() const override { return name_; }

 private:
  std::string name_;
  int fd_;
  bool sync_;
};

// The path `path` finally names once every symbolic link in its last component is followed, as
// open() would follow them; `path` itself when it is not a link. A link whose target does not
// exist gives that target (open() with O_CREAT creates it). Links in the directories along the
// way need no resolving: rename() and open() follow those.
Result<std::string> FollowLinks(const std::string& path) {
  std::string p = path;
  // Linux's own limit on links followed in one lookup (MAXSYMLINKS); more is ELOOP there too.
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return p;
    std::string link(static_cast<size_t>(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
    const ssize_t n = ::readlink(p.c_str(), link.data(), link.size());
    if (n < 0) {
      const int err = errno;
      return ErrnoStatus(err, "cannot read the symbolic link " + p);
    }
    if (static_cast<size_t>(n) >= link.size()) {
      return Status::IoError("cannot read the symbolic link " + p + ": it changed while read");
    }
    link.resize(static_cast<size_t>(n));
    if (link.empty()) return Status::IoError("the symbolic link " + p + " is empty");
    if (link[0] == '/') {
      p = std::move(link);
    } else {
      const size_t slash = p.rfind('/');
      p = slash == std::string::npos ? link : p.substr(0, slash + 1) + link;
    }
  }
  return ErrnoStatus(ELOOP, "cannot write " + path);
}

// `target` is a regular file or nothing yet: write `<target>.partial.<random>` beside it and
// rename it over `target` on Commit, so that `target` is never a half-written archive.
// `path` (what the caller named, maybe a link to `target`) is the name in messages.
Result<std::unique_ptr<ByteSink>> OpenAtomic(const std::string& path, const std::string& target,
                                             bool sync) {
  // A clash with a leftover temporary file is possible but unlikely; a few fresh names settle it.
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string temp = target + ".partial." + RandomSuffix();
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      return std::unique_ptr<ByteSink>(new AtomicFileSink(path, target, std::move(temp), fd, sync));
    }
    const int err = errno;
    if (err != EEXIST) return ErrnoStatus(err, "cannot create " + temp);
  }
  return Status::IoError("cannot create a temporary file next to " + target +
                         ": every name tried exists");
}

}  // namespace

Status ReadFully(ByteSource* src, void* buf, size_t n, std::string_view what) {
  char* p = static_cast<char*>(buf);
  size_t got = 0;
  while (got < n) {
    ASSIGN_OR_RETURN(const size_t r, src->Read(p + got, n - got));
    if (r == 0) {
      return Status::Corruption("truncated " + std::string(what) + " (got " + std::to_string(got) +
                                " of " + std::to_string(n) + " bytes)");
    }
    got += r;
  }
  return Status::Ok();
}

Status ReadFullyAt(const ByteSource* src, uint64_t offset, void* buf, size_t n,
                   std::string_view what) {
  char* p = static_cast<char*>(buf);
  size_t got = 0;
  while (got < n) {
    ASSIGN_OR_RETURN(const size_t r, src->ReadAt(offset + got, p + got, n - got));
    if (r == 0) {
      return Status::Corruption("truncated " + std::string(what) + " (got " + std::to_string(got) +
                                " of " + std::to_string(n) + " bytes)");
    }
    got += r;
  }
  return Status::Ok();
}

Result<std::unique_ptr<ByteSink>> OpenFileSink(const std::string& path, bool sync) {
  if (path == "-") return FdSink(STDOUT_FILENO, "stdout");
  if (path.empty()) return Status::InvalidArgument("empty output file name");
  // What the path finally names decides, every link followed by the kernel: that also follows
  // /proc's fd links (/dev/stdout, /dev/fd/N), whose text is no path ("pipe:[1234]").
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::IoError("cannot write " + path + ": it is a directory");
    if (!S_ISREG(st.st_mode)) {
      // A device, a FIFO or a socket: what is there must stay. Renaming over it would put a
      // regular file in its place (a /dev/null that is a file breaks every program on the
      // machine; a FIFO's reader would wait for bytes that go elsewhere), so the bytes go in.
      const int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
      if (fd < 0) {
        const int err = errno;
        if (err == EINTR) {
          // A FIFO blocks open() until it has a reader; a signal is the only way out of that.
          return Status::Cancelled("interrupted while opening " + path + " (waiting for a reader)");
        }
        return ErrnoStatus(err, "cannot open " + path);
      }
      if (::fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
        return std::unique_ptr<ByteSink>(new DirectSink(path, fd, sync));
      }
      // Replaced by a regular file since the stat: that one gets the temporary and the rename.
      ::close(fd);
    }
  } else {
    const int err = errno;
    if (err != ENOENT) return ErrnoStatus(err, "cannot write " + path);
  }
  // A regular file, or nothing yet (a dangling link: its target is created). The temporary goes
  // beside the file the links lead to, and the rename replaces that file, not the links.
  ASSIGN_OR_RETURN(const std::string target, FollowLinks(path));
  return OpenAtomic(path, target, sync);
}

std::unique_ptr<ByteSink> FdSink(int fd, std::string name) {
  return std::make_unique<FdSinkImpl>(fd, std::move(name));
}

Result<std::unique_ptr<ByteSource>> OpenFileSource(const std::string& path) {
  if (path == "-") return FdSource(STDIN_FILENO, "stdin");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    return ErrnoStatus(err, "cannot open " + path);
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IoError("cannot read " + path + ": it is a directory");
  }
  return std::unique_ptr<ByteSource>(new FdSourceImpl(fd, path, /*owned=*/true));
}

std::unique_ptr<ByteSource> FdSource(int fd, std::string name) {
  return std::make_unique<FdSourceImpl>(fd, std::move(name), /*owned=*/false);
}

Status MemorySink::Write(const void* data, size_t n) {
  data_.append(static_cast<const char*>(data), n);
  return Status::Ok();
}

Result<size_t> MemorySource::Read(void* buf, size_t n) {
  const size_t k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

Result<uint64_t> MemorySource::Size() const {
  if (!seekable_) return ByteSource::Size();
  return static_cast<uint64_t>(data_.size());
}

Result<size_t> MemorySource::ReadAt(uint64_t offset, void* buf, size_t n) const {
  if (!seekable_) return ByteSource::ReadAt(offset, buf, n);
  if (offset >= data_.size()) return size_t{0};
  const size_t k = std::min(n, data_.size() - static_cast<size_t>(offset));
  std::memcpy(buf, data_.data() + offset, k);
  return k;
}

}  // namespace libdump
