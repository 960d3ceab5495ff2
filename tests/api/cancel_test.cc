// Contract (b): cancellation through a CancelToken set from another thread. The operation returns
// kCancelled within a few seconds, after every thread it started has ended and every connection
// it opened has been closed, and a cancelled dump never commits its sink.
#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "api_util.h"
#include "libdump/cancel.h"
#include "libdump/dump.h"
#include "libdump/observer.h"
#include "libdump/restore.h"

namespace ndump_api_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// "Promptly": the watcher polls the token every 50 ms and cancels running statements; a few
// seconds leaves room for a loaded machine.
constexpr auto kPromptly = seconds(5);

// Freezes the operation inside its first progress callback until the canceller has looked at the
// process and the server and set the token, so the cancellation lands mid-data for certain.
class FreezeAtFirstProgress : public libdump::Observer {
 public:
  void OnProgress(const libdump::Progress&) override {
    if (reached_) return;
    reached_ = true;
    first_.Set();
    released_.WaitFor(seconds(60));
  }
  Signal& first() { return first_; }
  Signal& released() { return released_; }

 private:
  bool reached_ = false;
  Signal first_;
  Signal released_;
};

// What a cancelled run looked like from the outside.
struct CancelledRun {
  bool reached_progress = false;
  int threads_before = 0;
  int threads_during = 0;  // while frozen: the library's workers and watcher, plus the canceller
  int threads_after = 0;
  int backends_during = 0;
  Clock::time_point cancelled_at;
  Clock::time_point returned_at;
};

// Runs `operation` on this thread while another thread waits for its first progress callback,
// counts threads and server sessions, and cancels it.
CancelledRun RunAndCancelMidData(
    const std::string& db, const std::string& app,
    const std::function<void(libdump::Observer*, const libdump::CancelToken*)>& operation) {
  CancelledRun run;
  libdump::CancelToken token;
  FreezeAtFirstProgress observer;
  run.threads_before = ThreadCount();
  std::thread canceller([&] {
    run.reached_progress = observer.first().WaitFor(seconds(60));
    run.threads_during = ThreadCount();
    run.backends_during = BackendCount(db, app);
    run.cancelled_at = Clock::now();
    token.Cancel();
    observer.released().Set();
  });
  operation(&observer, &token);
  run.returned_at = Clock::now();
  observer.released().Set();
  canceller.join();
  run.threads_after = ThreadCount();
  return run;
}

class ApiCancel : public ::testing::Test {
 protected:
  // Two tables of ~20 MiB of COPY text each: seconds of work at 16 KiB per block.
  static void SetUpTestSuite() {
    big_db_ = Cluster().CreateDatabase("big");
    ASSERT_TRUE(Cluster().Psql(big_db_, R"sql(
      CREATE TABLE big_a AS SELECT g AS id, repeat(md5(g::text), 3) AS pad
        FROM generate_series(1, 200000) AS g;
      CREATE TABLE big_b AS SELECT g AS id, repeat(md5((-g)::text), 3) AS pad
        FROM generate_series(1, 200000) AS g;)sql"));
  }

  static libdump::DumpOptions BigDumpOptions(const std::string& app) {
    libdump::DumpOptions options;
    options.connection = Conn(big_db_, app);
    options.jobs = 2;
    options.block_size = 16 * 1024;
    return options;
  }

  static std::string big_db_;
};

std::string ApiCancel::big_db_;

TEST_F(ApiCancel, MidDumpReturnsPromptlyAndLeavesNothingBehind) {
  const std::string app = "ndump_api_cancel_dump";
  CheckingSink sink;
  std::optional<libdump::Result<libdump::DumpSummary>> result;
  const CancelledRun run = RunAndCancelMidData(
      big_db_, app, [&](libdump::Observer* observer, const libdump::CancelToken* token) {
        result = libdump::Dump(BigDumpOptions(app), &sink, observer, token);
      });

  ASSERT_TRUE(run.reached_progress) << "no progress callback within 60 s";
  ASSERT_FALSE(result->ok()) << "the dump finished although it was cancelled mid-data";
  EXPECT_EQ(result->status().code(), libdump::StatusCode::kCancelled) << Describe(result->status());
  EXPECT_LT(run.returned_at - run.cancelled_at, kPromptly);
  // While it ran: the leader and two workers on the server; two workers and the cancel watcher
  // in this process besides the canceller.
  EXPECT_EQ(run.backends_during, 3);
  EXPECT_GE(run.threads_during, run.threads_before + 4);
  // Afterwards: nothing.
  EXPECT_EQ(run.threads_after, run.threads_before);
  EXPECT_EQ(WaitForNoBackends(big_db_, app), 0);
  EXPECT_EQ(sink.commits(), 0);
  EXPECT_FALSE(sink.misuse());
}

TEST_F(ApiCancel, MidRestoreReturnsPromptlyAndLeavesNothingBehind) {
  CheckingSink sink;
  auto dumped = libdump::Dump(BigDumpOptions("ndump_api_test"), &sink);
  ASSERT_TRUE(dumped.ok()) << Describe(dumped.status());

  const std::string target = Cluster().CreateDatabase("big_copy");
  const std::string app = "ndump_api_cancel_restore";
  std::optional<libdump::Result<libdump::RestoreSummary>> result;
  const CancelledRun run = RunAndCancelMidData(
      target, app, [&](libdump::Observer* observer, const libdump::CancelToken* token) {
        libdump::MemorySource source(sink.data());
        libdump::RestoreOptions options;
        options.connection = Conn(target, app);
        options.jobs = 2;
        result = libdump::Restore(options, &source, observer, token);
      });

  ASSERT_TRUE(run.reached_progress) << "no progress callback within 60 s";
  ASSERT_FALSE(result->ok()) << "the restore finished although it was cancelled mid-data";
  EXPECT_EQ(result->status().code(), libdump::StatusCode::kCancelled) << Describe(result->status());
  EXPECT_LT(run.returned_at - run.cancelled_at, kPromptly);
  EXPECT_EQ(run.backends_during, 2);
  EXPECT_GE(run.threads_during, run.threads_before + 4);
  EXPECT_EQ(run.threads_after, run.threads_before);
  EXPECT_EQ(WaitForNoBackends(target, app), 0);
}

// A statement that waits for a lock is cancelled on the server (PQcancel), not just abandoned.
TEST(ApiCancelLock, DumpWaitingForALockStopsPromptly) {
  const std::string db = Cluster().CreateDatabase("locked");
  ASSERT_TRUE(Cluster().Psql(db, "CREATE TABLE t (a int); INSERT INTO t VALUES (1);"));
  ndump_test::PgConnPtr holder = Cluster().LockTable(db, "t");
  ASSERT_TRUE(holder);

  const std::string app = "ndump_api_cancel_lock";
  libdump::CancelToken token;
  const int threads_before = ThreadCount();
  bool was_waiting = false;
  Clock::time_point cancelled_at;
  std::thread canceller([&] {
    const auto deadline = Clock::now() + seconds(30);
    while (!was_waiting && Clock::now() < deadline) {
      was_waiting =
          Cluster().Query("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" +
                                          db + "' AND application_name = '" + app +
                                          "' AND wait_event_type = 'Lock'") == "1";
      if (!was_waiting) std::this_thread::sleep_for(milliseconds(50));
    }
    cancelled_at = Clock::now();
    token.Cancel();
  });
  CheckingSink sink;
  libdump::DumpOptions options;
  options.connection = Conn(db, app);
  auto result = libdump::Dump(options, &sink, nullptr, &token);
  const Clock::time_point returned_at = Clock::now();
  canceller.join();

  EXPECT_TRUE(was_waiting) << "the dump never waited for the lock";
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), libdump::StatusCode::kCancelled) << Describe(result.status());
  EXPECT_LT(returned_at - cancelled_at, kPromptly);
  EXPECT_EQ(ThreadCount(), threads_before);
  EXPECT_EQ(WaitForNoBackends(db, app), 0);
  EXPECT_EQ(sink.commits(), 0);
}

TEST(ApiCancelLock, TokenCancelledBeforeTheCall) {
  const std::string db = NewLoadedDatabase("foundation.sql", "precancelled");
  const std::string app = "ndump_api_cancel_early";
  libdump::CancelToken token;
  token.Cancel();
  const int threads_before = ThreadCount();
  CheckingSink sink;
  libdump::DumpOptions options;
  options.connection = Conn(db, app);
  options.jobs = 2;
  auto result = libdump::Dump(options, &sink, nullptr, &token);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), libdump::StatusCode::kCancelled) << Describe(result.status());
  EXPECT_EQ(ThreadCount(), threads_before);
  EXPECT_EQ(WaitForNoBackends(db, app), 0);
  EXPECT_EQ(sink.commits(), 0);
}

}  // namespace
}  // namespace ndump_api_test
