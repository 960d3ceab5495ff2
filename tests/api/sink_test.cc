// Contract (c): an application's ByteSink that fails. Dump returns the sink's own error (its code
// and message, with the object being dumped added), stops writing to the sink, never commits it,
// and leaves no thread or connection behind.
#include <string>

#include "api_util.h"
#include "libdump/dump.h"

namespace ndump_api_test {
namespace {

class ApiSink : public ::testing::Test {
 protected:
  // ~10 MiB of COPY text in four tables, stored uncompressed so that sizes are predictable.
  static void SetUpTestSuite() {
    db_ = Cluster().CreateDatabase("sinkdata");
    ASSERT_TRUE(Cluster().Psql(db_, R"sql(
      CREATE TABLE t1 AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 60000) AS g;
      CREATE TABLE t2 AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 60000) AS g;
      CREATE TABLE t3 AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 60000) AS g;
      CREATE TABLE t4 AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 60000) AS g;)sql"));
  }

  // Dumps db_ into `sink` with `jobs` workers, checking what must hold whatever the outcome.
  static libdump::Result<libdump::DumpSummary> DumpInto(CheckingSink* sink, int jobs) {
    const std::string app = "ndump_api_sink";
    const int threads_before = ThreadCount();
    libdump::DumpOptions options;
    options.connection = Conn(db_, app);
    options.jobs = jobs;
    options.compression_level = 0;
    options.block_size = 64 * 1024;
    auto result = libdump::Dump(options, sink);
    EXPECT_EQ(ThreadCount(), threads_before);
    EXPECT_EQ(WaitForNoBackends(db_, app), 0);
    EXPECT_FALSE(sink->misuse()) << "sink calls overlapped, or came after Commit";
    return result;
  }

  static std::string db_;
};

std::string ApiSink::db_;

TEST_F(ApiSink, FailureWhileWritingTheHeader) {
  CheckingSink sink(16);
  auto result = DumpInto(&sink, 2);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), libdump::StatusCode::kIoError) << Describe(result.status());
  EXPECT_EQ(result.status().message(), CheckingSink::kFailMessage);
  EXPECT_EQ(sink.commits(), 0);
  EXPECT_EQ(sink.writes_after_failure(), 0);
}

TEST_F(ApiSink, FailureInTheMiddleOfTheDataWithParallelWorkers) {
  CheckingSink sink(1 << 20);
  auto result = DumpInto(&sink, 4);
  ASSERT_FALSE(result.ok());
  ASSERT_TRUE(sink.failed());
  // The sink's error, not the cancellation it caused in the other workers.
  EXPECT_EQ(result.status().code(), libdump::StatusCode::kIoError) << Describe(result.status());
  EXPECT_EQ(result.status().message(), CheckingSink::kFailMessage);
  EXPECT_EQ(result.status().object().rfind("TABLE DATA ", 0), 0u)
      << "object: " << result.status().object();
  EXPECT_EQ(sink.commits(), 0);
  EXPECT_EQ(sink.writes_after_failure(), 0);
  EXPECT_LE(sink.data().size(), size_t{1} << 20);
}

TEST_F(ApiSink, FailureOfTheLastWriteBeforeCommit) {
  // A first, successful dump tells how long the archive is; the second fails on its last byte.
  CheckingSink whole;
  auto complete = DumpInto(&whole, 1);
  ASSERT_TRUE(complete.ok()) << Describe(complete.status());
  ASSERT_EQ(whole.commits(), 1);

  CheckingSink sink(whole.data().size() - 1);
  auto result = DumpInto(&sink, 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), libdump::StatusCode::kIoError) << Describe(result.status());
  EXPECT_EQ(result.status().message(), CheckingSink::kFailMessage);
  EXPECT_EQ(sink.commits(), 0);
}

// A sink whose Commit fails: the dump fails with that error.
class FailingCommitSink final : public libdump::ByteSink {
 public:
  libdump::Status Write(const void*, size_t n) override {
    bytes_ += n;
    return libdump::Status::Ok();
  }
  libdump::Status Commit() override {
    ++commit_calls_;
    return libdump::Status::IoError("test sink: rename failed");
  }
  std::string Describe() const override { return "failing-commit sink"; }
  int commit_calls() const { return commit_calls_; }

 private:
  uint64_t bytes_ = 0;
  int commit_calls_ = 0;
};

TEST_F(ApiSink, FailedCommitIsTheResult) {
  FailingCommitSink sink;
  libdump::DumpOptions options;
  options.connection = Conn(db_);
  auto result = libdump::Dump(options, &sink);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), libdump::StatusCode::kIoError) << Describe(result.status());
  EXPECT_EQ(result.status().message(), "test sink: rename failed");
  EXPECT_EQ(sink.commit_calls(), 1);
}

}  // namespace
}  // namespace ndump_api_test
