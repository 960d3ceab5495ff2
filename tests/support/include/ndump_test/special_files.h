// Special files for the tests of outputs that are not regular files (a device, a FIFO): made
// inside a test's own temporary directory, never at a system path. Header-only, so the unit
// tests, which link no server support, share it with the integration tests.
#ifndef NDUMP_TEST_SPECIAL_FILES_H_
#define NDUMP_TEST_SPECIAL_FILES_H_

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace ndump_test {

// Reads a FIFO from a thread until its writer closes it. Opened without blocking, so that a
// writer that never comes (one that renamed a file over the FIFO) makes the read time out
// instead of hanging the test.
class FifoReader {
 public:
  explicit FifoReader(const std::string& path,
                      std::chrono::seconds time_limit = std::chrono::seconds(60))
      : time_limit_(time_limit) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ >= 0) thread_ = std::thread([this] { Run(); });
  }
  ~FifoReader() { Join(); }
  FifoReader(const FifoReader&) = delete;
  FifoReader& operator=(const FifoReader&) = delete;

  bool opened() const { return fd_ >= 0; }
  // True when a writer came and closed the FIFO within the time limit.
  bool Join() {
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return complete_;
  }
  // What arrived; call after Join().
  const std::string& bytes() const { return bytes_; }

 private:
  void Run() {
    // Linux reports POLLHUP on a FIFO only after a writer has come and gone, so the poll waits
    // for the first writer instead of ending at once.
    const auto deadline = std::chrono::steady_clock::now() + time_limit_;
    char buf[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n > 0) {
        bytes_.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        complete_ = true;
        return;
      } else if (errno != EAGAIN && errno != EINTR) {
        return;
      }
    }
  }

  const std::chrono::seconds time_limit_;
  int fd_ = -1;
  std::thread thread_;
  std::string bytes_;
  bool complete_ = false;
};

// Makes a null device node (character device, major 1, minor 3: writes succeed and vanish) at
// `path`, which must be inside the test's own directory: never the machine's /dev/null. The
// tests run as root, which mknod needs.
inline ::testing::AssertionResult MakeNullDevice(const std::string& path) {
  if (::mknod(path.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "mknod " << path << " failed (the tests run as root): " << std::strerror(errno);
}

// Whether `path` itself (not a link's target) is the null device node MakeNullDevice makes.
inline bool IsNullDevice(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == ::makedev(1, 3);
}

// Whether `path` itself (not a link's target) is a FIFO.
inline bool IsFifo(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

}  // namespace ndump_test

#endif  // NDUMP_TEST_SPECIAL_FILES_H_
