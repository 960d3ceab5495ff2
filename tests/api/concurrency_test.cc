// Contract (a): two dumps of two databases run at the same time in one process, on two threads,
// and both archives are valid and restore (also two at once) to identical copies. The library
// keeps no global mutable state that two operations could share.
#include <array>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "api_util.h"
#include "libdump/dump.h"
#include "libdump/observer.h"
#include "libdump/restore.h"

namespace ndump_api_test {
namespace {

// Both operations must be inside their data phase at the same moment: each one's first progress
// callback waits (bounded) until the other has reached its own, or has returned.
class Meeting {
 public:
  // Marks one party as arrived and waits for the other; false when it did not come in time.
  bool ArriveAndWait(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    ++arrived_;
    cv_.notify_all();
    return cv_.wait_for(lock, timeout, [this] { return arrived_ >= 2; });
  }
  // A party that returned without ever reaching the meeting point releases the other.
  void Leave() {
    std::lock_guard<std::mutex> lock(mu_);
    arrived_ = 2;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
};

class MeetingObserver : public libdump::Observer {
 public:
  explicit MeetingObserver(Meeting* meeting) : meeting_(meeting) {}
  void OnProgress(const libdump::Progress&) override {
    if (waited_) return;
    waited_ = true;
    met_ = meeting_->ArriveAndWait(std::chrono::seconds(60));
  }
  bool met() const { return met_; }

 private:
  Meeting* meeting_;
  bool waited_ = false;
  bool met_ = false;
};

TEST(ApiConcurrency, TwoDumpsAndTwoRestoresOfTwoDatabasesAtOnce) {
  const std::array<std::string, 2> src = {NewLoadedDatabase("foundation.sql", "src_a"),
                                          NewLoadedDatabase("sample.sql", "src_b")};
  const std::array<std::string, 2> copy = {Cluster().CreateDatabase("copy_a"),
                                           Cluster().CreateDatabase("copy_b")};

  Meeting dump_meeting;
  std::array<CheckingSink, 2> sinks;
  std::array<std::optional<libdump::Result<libdump::DumpSummary>>, 2> dumped;
  std::array<std::unique_ptr<MeetingObserver>, 2> observers;
  std::array<std::thread, 2> threads;
  for (size_t i = 0; i < 2; ++i) {
    observers[i] = std::make_unique<MeetingObserver>(&dump_meeting);
    threads[i] = std::thread([&, i] {
      libdump::DumpOptions options;
      options.connection = Conn(src[i]);
      options.jobs = 2;
      options.block_size = 16 * 1024;  // many blocks, so both are mid-data for a while
      dumped[i] = libdump::Dump(options, &sinks[i], observers[i].get());
      dump_meeting.Leave();
    });
  }
  for (auto& t : threads) t.join();

  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("dump of " + src[i]);
    ASSERT_TRUE(dumped[i]->ok()) << Describe(dumped[i]->status());
    EXPECT_TRUE(observers[i]->met()) << "the two dumps never were in their data phase together";
    EXPECT_EQ(sinks[i].commits(), 1);
    EXPECT_FALSE(sinks[i].misuse());
    EXPECT_EQ((*dumped[i])->archive_bytes, sinks[i].data().size());
    libdump::format::VerifyReport report;
    ASSERT_TRUE(ArchiveIsValid(sinks[i].data(), &report));
    EXPECT_EQ(report.raw_bytes, (*dumped[i])->raw_bytes);
    // Each archive holds its own database, not the other one's.
    libdump::MemorySource source(sinks[i].data());
    libdump::format::ArchiveHeader header;
    ASSERT_TRUE(libdump::ListArchive(&source, &header).ok());
    EXPECT_EQ(header.database, src[i]);
    EXPECT_EQ((*dumped[i])->rows, TotalRows(src[i]));
  }

  Meeting restore_meeting;
  std::array<std::optional<libdump::Result<libdump::RestoreSummary>>, 2> restored;
  for (size_t i = 0; i < 2; ++i) {
    observers[i] = std::make_unique<MeetingObserver>(&restore_meeting);
    threads[i] = std::thread([&, i] {
      libdump::MemorySource source(sinks[i].data());
      libdump::RestoreOptions options;
      options.connection = Conn(copy[i]);
      options.jobs = 2;
      restored[i] = libdump::Restore(options, &source, observers[i].get());
      restore_meeting.Leave();
    });
  }
  for (auto& t : threads) t.join();

  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE("restore into " + copy[i]);
    ASSERT_TRUE(restored[i]->ok()) << Describe(restored[i]->status());
    EXPECT_TRUE(observers[i]->met()) << "the two restores never were in their data phase together";
    EXPECT_EQ((*restored[i])->rows, (*dumped[i])->rows);
    EXPECT_SAME_DATABASE(src[i], copy[i]);
  }
}

}  // namespace
}  // namespace ndump_api_test
