// Helpers for the API contract tests: the library linked into a test process exactly as an
// application links it (the shared libdump when it is built), driven through the public headers
// only, against the throwaway cluster of ndump_test_support.
#ifndef NDUMP_TESTS_API_API_UTIL_H_
#define NDUMP_TESTS_API_API_UTIL_H_

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "libdump/connection.h"
#include "libdump/dump.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/restore.h"
#include "libdump/status.h"
#include "ndump_test/cluster.h"
#include "ndump_test/compare.h"
#include "ndump_test/process.h"

namespace ndump_api_test {

using Clock = std::chrono::steady_clock;

inline ndump_test::TestCluster& Cluster() { return ndump_test::TestCluster::Get(); }

// Absolute path of a file in tests/sql.
std::string SqlPath(const std::string& file);

// A new database loaded with tests/sql/<file>.
std::string NewLoadedDatabase(const std::string& file, const std::string& hint);

// Options that reach `db` in the test cluster; the library's sessions carry `application_name`,
// so that pg_stat_activity can tell them apart from the test's own.
libdump::ConnectionOptions Conn(const std::string& db,
                                const std::string& application_name = "ndump_api_test");

// "<code name>: <Status::ToString()>", for failure messages.
std::string Describe(const libdump::Status& status);

// Threads of this process right now (entries of /proc/self/task).
int ThreadCount();

// Sessions in pg_stat_activity connected to `db` under `application_name`, other than the one
// asking.
int BackendCount(const std::string& db, const std::string& application_name);

// Waits up to `timeout` for BackendCount to reach 0 (a closed libpq connection leaves the server
// a moment later); returns the last count seen.
int WaitForNoBackends(const std::string& db, const std::string& application_name,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Opens an archive held in memory as an application would (ArchiveReader::Open, LoadIndex,
// Verify) and succeeds when every check passes. `report`, when not null, receives Verify's report.
::testing::AssertionResult ArchiveIsValid(const std::string& bytes,
                                          libdump::format::VerifyReport* report = nullptr);

// Sum of count(*) over every user table of `db`.
uint64_t TotalRows(const std::string& db);

// A ByteSink that keeps what it receives in memory and checks the sink contract of dump.h: no two
// calls at once, nothing after Commit, Commit at most once. With `fail_after` set, the Write that
// would take the total past that many bytes fails with kIoError and kFailMessage (and every later
// Write too), as a full disk would.
class CheckingSink final : public libdump::ByteSink {
 public:
  static constexpr const char* kFailMessage = "test sink: the storage is full";

  explicit CheckingSink(std::optional<uint64_t> fail_after = std::nullopt)
      : fail_after_(fail_after) {}

  libdump::Status Write(const void* data, size_t n) override;
  libdump::Status Commit() override;
  std::string Describe() const override { return "checking sink"; }

  const std::string& data() const { return data_; }
  int commits() const { return commits_; }
  int writes_after_failure() const { return writes_after_failure_; }
  bool failed() const { return failed_; }
  // Set when two calls overlapped or a call came after Commit.
  bool misuse() const { return misuse_.load(); }

 private:
  // Marks a call in progress; records misuse when another one already is.
  class Scope;

  std::optional<uint64_t> fail_after_;
  std::string data_;
  int commits_ = 0;
  int writes_after_failure_ = 0;
  bool failed_ = false;
  std::atomic<bool> busy_{false};
  std::atomic<bool> misuse_{false};
};

// A one-shot event that one thread sets and another waits for.
class Signal {
 public:
  void Set();
  // True when set within `timeout`.
  bool WaitFor(std::chrono::milliseconds timeout);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Saves the state of fds 1 and 2, points both at a temporary file, and puts them back on Stop()
// (or destruction). What the process wrote meanwhile is returned by Stop(). Nothing that prints
// (gtest assertions included) may run in between.
class CapturedStdio {
 public:
  CapturedStdio();
  ~CapturedStdio();
  CapturedStdio(const CapturedStdio&) = delete;
  CapturedStdio& operator=(const CapturedStdio&) = delete;

  // Restores fds 1 and 2 and returns everything written to them while captured.
  std::string Stop();

 private:
  ndump_test::ScopedTempDir dir_;
  int file_fd_ = -1;
  int saved_out_ = -1;
  int saved_err_ = -1;
};

}  // namespace ndump_api_test

#endif  // NDUMP_TESTS_API_API_UTIL_H_
