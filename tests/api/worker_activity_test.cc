// Observer::OnWorkerActivity: which worker copies which data entry. Every data entry is started
// exactly once, by a worker numbered below the job count, always from that worker's own thread;
// each start is closed (entry empty) by the same worker before it starts another, and every
// worker is idle at the end.
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_util.h"
#include "libdump/dump.h"
#include "libdump/observer.h"
#include "libdump/restore.h"

namespace ndump_api_test {
namespace {

class ActivityObserver : public libdump::Observer {
 public:
  void OnWorkerActivity(const libdump::WorkerActivity& a) override {
    if (a.worker < 0) {
      errors_.push_back("negative worker number");
      return;
    }
    const std::thread::id self = std::this_thread::get_id();
    auto [it, fresh] = thread_of_.emplace(a.worker, self);
    if (!fresh && it->second != self) {
      errors_.push_back("worker " + std::to_string(a.worker) + " reported from two threads");
    }
    std::string& current = current_[a.worker];
    if (!a.entry.empty()) {
      if (!current.empty()) {
        errors_.push_back("worker " + std::to_string(a.worker) + " started " + a.entry +
                          " while still on " + current);
      }
      ++started_[a.entry];
      current = a.entry;
      ++starts_;
    } else {
      if (current.empty()) {
        errors_.push_back("worker " + std::to_string(a.worker) + " finished without an entry");
      }
      current.clear();
      ++finishes_;
    }
    max_worker_ = std::max(max_worker_, a.worker);
  }

  // Entries still open at the end.
  std::vector<std::string> Open() const {
    std::vector<std::string> open;
    for (const auto& [w, entry] : current_) {
      if (!entry.empty()) open.push_back(entry);
    }
    return open;
  }

  std::vector<std::string> errors_;
  std::map<int, std::thread::id> thread_of_;
  std::map<int, std::string> current_;
  std::map<std::string, int> started_;
  int starts_ = 0;
  int finishes_ = 0;
  int max_worker_ = -1;
};

void ExpectWellFormed(const ActivityObserver& o, uint64_t tables, int jobs) {
  EXPECT_TRUE(o.errors_.empty()) << o.errors_.front();
  EXPECT_EQ(static_cast<uint64_t>(o.starts_), tables);
  EXPECT_EQ(o.finishes_, o.starts_);
  EXPECT_EQ(o.started_.size(), tables) << "an entry was started twice";
  EXPECT_TRUE(o.Open().empty()) << "still open at the end: " << o.Open().front();
  EXPECT_LT(o.max_worker_, jobs);
  EXPECT_GE(o.thread_of_.size(), 2u) << "expected several workers to take entries";
  for (const auto& [entry, n] : o.started_) {
    EXPECT_EQ(entry.rfind("TABLE DATA ", 0), 0u) << entry;
  }
}

TEST(ApiWorkerActivity, EveryDataEntryStartsAndEndsOnOneWorker) {
  const std::string src = NewLoadedDatabase("sample.sql", "activity_src");
  constexpr int kJobs = 3;

  ActivityObserver dump_observer;
  CheckingSink sink;
  libdump::DumpOptions dump_options;
  dump_options.connection = Conn(src);
  dump_options.jobs = kJobs;
  auto dumped = libdump::Dump(dump_options, &sink, &dump_observer);
  ASSERT_TRUE(dumped.ok()) << Describe(dumped.status());
  {
    SCOPED_TRACE("dump");
    ExpectWellFormed(dump_observer, dumped->tables, kJobs);
  }

  // Entries without a block are counted as loaded by a restore but never go to a worker.
  uint64_t with_blocks = 0;
  libdump::format::VerifyReport report;
  {
    libdump::MemorySource source(sink.data());
    auto reader = libdump::format::ArchiveReader::Open(&source);
    ASSERT_TRUE(reader.ok()) << Describe(reader.status());
    ASSERT_TRUE((*reader)->LoadIndex().ok());
    for (const auto& s : (*reader)->stats()) with_blocks += s.blocks > 0 ? 1 : 0;
    ASSERT_TRUE(ArchiveIsValid(sink.data(), &report));
  }

  for (const bool seekable : {true, false}) {
    SCOPED_TRACE(seekable ? "restore from a file" : "restore from a pipe");
    const std::string copy = Cluster().CreateDatabase("activity_copy");
    ActivityObserver restore_observer;
    libdump::MemorySource source(sink.data());
    source.set_seekable(seekable);
    libdump::RestoreOptions restore_options;
    restore_options.connection = Conn(copy);
    restore_options.jobs = kJobs;
    auto restored = libdump::Restore(restore_options, &source, &restore_observer);
    ASSERT_TRUE(restored.ok()) << Describe(restored.status());
    ExpectWellFormed(restore_observer, with_blocks, kJobs);
    // The restore's summary counts the stored bytes it read: the archive's data blocks.
    EXPECT_EQ(restored->stored_bytes, report.stored_bytes);
  }
}

}  // namespace
}  // namespace ndump_api_test
