// Contract (d): progress callbacks. They never overlap (within one operation), their counters
// only grow, and the last one seen carries the final totals of the returned summary.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "api_util.h"
#include "libdump/dump.h"
#include "libdump/observer.h"
#include "libdump/restore.h"

namespace ndump_api_test {
namespace {

// Records every callback. Detects overlap with an atomic flag that each callback raises for a
// short while: two callbacks at once would find it already raised.
class RecordingObserver : public libdump::Observer {
 public:
  void OnMessage(libdump::EventLevel, const std::string& text) override {
    Enter();
    if (text.empty() || text.find('\n') != std::string::npos) bad_message_ = true;
    ++messages_;
    Leave();
  }

  void OnProgress(const libdump::Progress& p) override {
    Enter();
    if (calls_ > 0) {
      const libdump::Progress& q = last_;
      if (p.entries_done < q.entries_done || p.rows_done < q.rows_done ||
          p.raw_bytes_done < q.raw_bytes_done || p.stored_bytes_done < q.stored_bytes_done ||
          p.entries_total != q.entries_total || p.raw_bytes_estimate != q.raw_bytes_estimate) {
        not_monotonic_ = true;
      }
    }
    if (p.entries_done > p.entries_total) not_monotonic_ = true;
    last_ = p;
    ++calls_;
    {
      std::lock_guard<std::mutex> lock(threads_mu_);
      threads_.insert(std::this_thread::get_id());
    }
    Leave();
  }

  bool overlapped() const { return overlapped_.load(); }
  bool not_monotonic() const { return not_monotonic_; }
  bool bad_message() const { return bad_message_; }
  int calls() const { return calls_; }
  int messages() const { return messages_; }
  size_t threads() const { return threads_.size(); }
  const libdump::Progress& last() const { return last_; }

 private:
  void Enter() {
    if (inside_.exchange(true)) overlapped_ = true;
    // Stay inside long enough for an overlapping call to notice.
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  void Leave() { inside_ = false; }

  std::atomic<bool> inside_{false};
  std::atomic<bool> overlapped_{false};
  bool not_monotonic_ = false;
  bool bad_message_ = false;
  int calls_ = 0;
  int messages_ = 0;
  libdump::Progress last_;
  std::mutex threads_mu_;
  std::set<std::thread::id> threads_;
};

TEST(ApiProgress, LastProgressEqualsTheSummaryAndCallbacksNeverOverlap) {
  const std::string src = NewLoadedDatabase("sample.sql", "progress_src");
  const std::string copy = Cluster().CreateDatabase("progress_copy");

  RecordingObserver dump_observer;
  CheckingSink sink;
  libdump::DumpOptions dump_options;
  dump_options.connection = Conn(src);
  dump_options.jobs = 4;
  dump_options.block_size = 4096;  // hundreds of callbacks
  auto dumped = libdump::Dump(dump_options, &sink, &dump_observer);
  ASSERT_TRUE(dumped.ok()) << Describe(dumped.status());
  const libdump::DumpSummary& ds = *dumped;
  {
    SCOPED_TRACE("dump");
    const libdump::Progress& last = dump_observer.last();
    EXPECT_FALSE(dump_observer.overlapped());
    EXPECT_FALSE(dump_observer.not_monotonic());
    EXPECT_FALSE(dump_observer.bad_message());
    EXPECT_GT(dump_observer.calls(), 100);
    EXPECT_GE(dump_observer.threads(), 2u) << "callbacks came from one thread only";
    EXPECT_EQ(ds.rows, TotalRows(src));
    EXPECT_EQ(last.rows_done, ds.rows);
    EXPECT_EQ(last.raw_bytes_done, ds.raw_bytes);
    EXPECT_EQ(last.entries_done, last.entries_total);
    EXPECT_EQ(last.entries_total, ds.tables);
    EXPECT_GT(last.raw_bytes_estimate, 0u);
    EXPECT_GT(last.stored_bytes_done, 0u);
  }

  libdump::format::VerifyReport report;
  ASSERT_TRUE(ArchiveIsValid(sink.data(), &report));

  RecordingObserver restore_observer;
  libdump::MemorySource source(sink.data());
  libdump::RestoreOptions restore_options;
  restore_options.connection = Conn(copy);
  restore_options.jobs = 4;
  auto restored = libdump::Restore(restore_options, &source, &restore_observer);
  ASSERT_TRUE(restored.ok()) << Describe(restored.status());
  const libdump::RestoreSummary& rs = *restored;
  {
    SCOPED_TRACE("restore");
    const libdump::Progress& last = restore_observer.last();
    EXPECT_FALSE(restore_observer.overlapped());
    EXPECT_FALSE(restore_observer.not_monotonic());
    EXPECT_FALSE(restore_observer.bad_message());
    EXPECT_GT(restore_observer.calls(), 100);
    EXPECT_GE(restore_observer.threads(), 2u) << "callbacks came from one thread only";
    EXPECT_EQ(last.rows_done, rs.rows);
    EXPECT_EQ(last.raw_bytes_done, rs.raw_bytes);
    EXPECT_EQ(last.entries_done, last.entries_total);
    EXPECT_EQ(last.entries_total, rs.tables);
    // The restore's estimate is exact (archive statistics), and it read every stored byte.
    EXPECT_EQ(last.raw_bytes_estimate, rs.raw_bytes);
    EXPECT_EQ(last.stored_bytes_done, report.stored_bytes);
    // And it moved exactly what the dump wrote.
    EXPECT_EQ(rs.rows, ds.rows);
    EXPECT_EQ(rs.raw_bytes, ds.raw_bytes);
    EXPECT_EQ(rs.tables, ds.tables);
  }
  EXPECT_SAME_DATABASE(src, copy);
}

// With several workers, stored_bytes_done follows the archive's own running total: it once
// over-counted, each worker adding the archive's growth including the other workers' blocks.
TEST(ApiProgress, DumpStoredBytesStayWithinTheArchiveWithParallelWorkers) {
  const std::string src = NewLoadedDatabase("sample.sql", "stored_src");
  RecordingObserver observer;
  CheckingSink sink;
  libdump::DumpOptions options;
  options.connection = Conn(src);
  options.jobs = 4;
  options.block_size = 4096;
  auto dumped = libdump::Dump(options, &sink, &observer);
  ASSERT_TRUE(dumped.ok()) << Describe(dumped.status());
  EXPECT_GT(observer.last().stored_bytes_done, 0u);
  EXPECT_LE(observer.last().stored_bytes_done, dumped->archive_bytes);
}

}  // namespace
}  // namespace ndump_api_test
