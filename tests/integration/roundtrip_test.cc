// Round trips: load a fixture, ndump it, nrestore the archive into an empty database, and check
// with the oracle (pg_dump --schema-only + row hashes + sequence states) that nothing changed.
#include <string>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

// Dumps `src` with `dump_jobs` workers to a file, restores with `restore_jobs`, compares.
void FileRoundTrip(const std::string& src, int dump_jobs, int restore_jobs) {
  const std::string copy = Cluster().CreateDatabase("copy");
  ScopedTempDir dir;
  const std::string archive = dir.File("db.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", std::to_string(dump_jobs)}));
  // Only the archive: no temporary or partial files left next to it.
  EXPECT_EQ(dir.List(), std::vector<std::string>{"db.ndump"});
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", std::to_string(restore_jobs)}));
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(RoundTrip, FoundationWithOneJob) {
  const std::string src = NewLoadedDatabase();
  const std::string before = SchemaDump(src) + DataReport(src);
  FileRoundTrip(src, 1, 1);
  // Dumping does not change the source (sequences included).
  EXPECT_EQ(SchemaDump(src) + DataReport(src), before);
}

TEST(RoundTrip, FoundationWithFourJobs) { FileRoundTrip(NewLoadedDatabase(), 4, 4); }

TEST(RoundTrip, ParallelDumpRestoredSerially) { FileRoundTrip(NewLoadedDatabase(), 4, 1); }

TEST(RoundTrip, EmptyDatabase) { FileRoundTrip(Cluster().CreateDatabase("empty"), 2, 2); }

TEST(RoundTrip, ThroughAPipe) {
  const std::string src = NewLoadedDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  // A real pipe between the two processes; pipefail so that either side's failure shows.
  CommandResult r =
      RunCommand({"bash", "-c", "set -o pipefail; \"$0\" -d \"$1\" -f - | \"$2\" -d \"$3\" -",
                  NDUMP_BIN, Cluster().ConnInfo(src), NRESTORE_BIN, Cluster().ConnInfo(copy)});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(RoundTrip, StdoutWithoutDashFIntoStdin) {
  const std::string src = NewLoadedDatabase();
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult dump = Ndump({"-j", "2", "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  ASSERT_FALSE(dump.out.empty());
  RunOptions feed;
  feed.stdin_data = dump.out;
  CommandResult restore = Nrestore({"-d", Cluster().ConnInfo(copy), "-"}, feed);
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(RoundTrip, SampleDatabaseWithTwoJobs) { FileRoundTrip(NewLoadedDatabase("sample.sql"), 2, 2); }

}  // namespace
}  // namespace ndump_test
