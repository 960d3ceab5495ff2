// A parallel dump sees one snapshot. A writer commits transactions that each insert the same new
// id into tables a and b while `ndump -j 4` runs. If the workers did not share the leader's
// exported snapshot, a table dumped later would hold ids that a table dumped earlier lacks.
#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

TEST(Consistency, ParallelDumpSeesOneSnapshot) {
  const std::string src = Cluster().CreateDatabase("src");
  // a and b start with the same 100k ids (a wide, b narrow, so their COPYs take different
  // times); three 300k-row tables keep the four workers busy for a while.
  ASSERT_TRUE(Cluster().Psql(src, R"sql(
      CREATE TABLE a (id bigint PRIMARY KEY, pad text NOT NULL);
      CREATE TABLE b (id bigint PRIMARY KEY);
      INSERT INTO a SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 100000) g;
      INSERT INTO b SELECT g FROM generate_series(1, 100000) g;
      CREATE TABLE big1 AS SELECT g AS id, repeat(md5(g::text), 3) AS pad
                           FROM generate_series(1, 300000) g;
      CREATE TABLE big2 AS SELECT * FROM big1;
      CREATE TABLE big3 AS SELECT * FROM big1;
      ANALYZE;
  )sql"));

  PgConnPtr writer_conn = Cluster().Connect(src);
  ASSERT_TRUE(writer_conn);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> last_committed{100000};
  std::string writer_error;
  std::thread writer([&] {
    for (int64_t id = 100001; !stop.load(); ++id) {
      const std::string sql = "BEGIN; INSERT INTO a VALUES (" + std::to_string(id) +
                              ", 'w'); INSERT INTO b VALUES (" + std::to_string(id) + "); COMMIT;";
      PGresult* res = PQexec(writer_conn.get(), sql.c_str());
      const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
      PQclear(res);
      if (!ok) {
        writer_error = PQerrorMessage(writer_conn.get());
        return;
      }
      last_committed.store(id);
    }
  });
  // Let the writer get going before the dump starts.
  while (last_committed.load() < 100050 && writer_error.empty()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  ScopedTempDir dir;
  const std::string archive = dir.File("consistency.ndump");
  const int64_t committed_before_dump = last_committed.load();
  const auto started = std::chrono::steady_clock::now();
  CommandResult dump = Ndump({"-j", "4", "-d", Cluster().ConnInfo(src), "-f", archive});
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int64_t committed_after_dump = last_committed.load();
  stop.store(true);
  writer.join();
  std::cout << "[ndump_test] ndump -j 4 took " << seconds << " s; the writer committed "
            << committed_after_dump - committed_before_dump << " transactions meanwhile\n";
  ASSERT_TRUE(writer_error.empty()) << writer_error;
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  // The writer really was busy while the dump ran.
  EXPECT_GT(committed_after_dump - committed_before_dump, 10)
      << "the writer committed too little during the dump (" << seconds << " s)";

  const std::string copy = Cluster().CreateDatabase("copy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "4"}));

  EXPECT_EQ(Cluster().Query(copy,
                            "SELECT count(*) FROM a FULL JOIN b USING (id)"
                            " WHERE a.id IS NULL OR b.id IS NULL"),
            "0")
      << "a and b were dumped from different snapshots";
  const int64_t restored = std::stoll(Cluster().Query(copy, "SELECT count(*) FROM a"));
  const int64_t restored_max = std::stoll(Cluster().Query(copy, "SELECT max(id) FROM a"));
  EXPECT_EQ(restored, restored_max) << "ids are committed in order, so the snapshot is a prefix";
  // Everything committed before ndump started is in the snapshot; nothing committed after it
  // finished can be.
  EXPECT_GE(restored, committed_before_dump);
  EXPECT_LE(restored, committed_after_dump);
  EXPECT_LT(restored, std::stoll(Cluster().Query(src, "SELECT count(*) FROM a")));
  for (const char* table : {"big1", "big2", "big3"}) {
    EXPECT_EQ(Cluster().Query(copy, std::string("SELECT count(*) FROM ") + table), "300000");
  }
}

}  // namespace
}  // namespace ndump_test
