// Reading the catalog takes a number of statements that does not grow with the number of tables:
// one query per object kind, never one per object. Checked from the server's side: the
// databases log every statement (log_statement = all), the log line prefix names the session's
// application and process, and the statements of ndump's leader connection (the one that exports
// the snapshot) are counted for a database of 200 tables and one of 2,000.
#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

struct LeaderStatements {
  int total = 0;
  int locks = 0;  // LOCK TABLE statements
};

// Statements of ndump's leader connection to `db` in `log` (the part of the server log written
// during one dump). Every logged line starts with the prefix the test set: "[pid] app=... db=...".
LeaderStatements CountLeaderStatements(const std::string& log, const std::string& db) {
  std::map<std::string, LeaderStatements> by_pid;
  std::string leader;
  std::istringstream in(log);
  std::string line;
  const std::string tag = " app=ndump db=" + db + " ";
  while (std::getline(in, line)) {
    if (line.find(tag) == std::string::npos) continue;
    const size_t statement = line.find("LOG:  statement: ");
    if (statement == std::string::npos) continue;
    const size_t open = line.find('['), close = line.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    const std::string pid = line.substr(open + 1, close - open - 1);
    const std::string text = line.substr(statement + 17);
    LeaderStatements& s = by_pid[pid];
    ++s.total;
    if (text.rfind("LOCK TABLE ", 0) == 0) ++s.locks;
    if (text.find("pg_export_snapshot()") != std::string::npos) leader = pid;
  }
  EXPECT_FALSE(leader.empty()) << "no ndump leader connection to " << db << " in the server log";
  return by_pid[leader];
}

LeaderStatements DumpAndCount(const std::string& db) {
  const size_t before = Cluster().ReadLog().size();
  ScopedTempDir dir;
  EXPECT_TRUE(DumpTo(db, dir.File("many.ndump"), {"-j", "1"}));
  const std::string log = Cluster().ReadLog();
  return CountLeaderStatements(log.size() > before ? log.substr(before) : "", db);
}

// A database with `n` tables, each with a primary key, a comment and a row, and every tenth with
// an extra index, a view and a sequence-backed column.
std::string ManyTables(int n) {
  const std::string db = Cluster().CreateDatabase("bounded" + std::to_string(n));
  const std::string sql =
      "SELECT format('CREATE TABLE public.%I (id integer PRIMARY KEY, v text); "
      "COMMENT ON TABLE public.%I IS %L; INSERT INTO public.%I VALUES (1, %L)', "
      "'t' || i, 't' || i, 'table ' || i, 't' || i, 'row ' || i) "
      "FROM generate_series(1, " +
      std::to_string(n) +
      ") i \\gexec\n"
      "SELECT format('CREATE INDEX ON public.%I (v); CREATE VIEW public.%I AS SELECT * FROM "
      "public.%I; CREATE TABLE public.%I (n serial)', 't' || i, 'v' || i, 't' || i, 's' || i) "
      "FROM generate_series(10, " +
      std::to_string(n) + ", 10) i \\gexec\n";
  EXPECT_TRUE(Cluster().Psql(db, sql));
  EXPECT_TRUE(Cluster().Psql(db, "ALTER DATABASE " + db + " SET log_statement = 'all'"));
  return db;
}

TEST(BoundedQueries, CatalogStatementsDoNotGrowWithTables) {
  // The log line prefix is a server-wide setting: name the application and database in it.
  ASSERT_TRUE(Cluster().Psql("postgres",
                             "ALTER SYSTEM SET log_line_prefix = '%m [%p] app=%a db=%d '; "
                             "SELECT pg_catalog.pg_reload_conf()"));
  const std::string small = ManyTables(200);
  const std::string big = ManyTables(2000);
  const LeaderStatements s = DumpAndCount(small);
  const LeaderStatements b = DumpAndCount(big);
  std::printf(
      "[ bounded  ] leader statements: %d for 200 tables (%d LOCK TABLE), "
      "%d for 2000 tables (%d LOCK TABLE)\n",
      s.total, s.locks, b.total, b.locks);
  Cluster().Psql("postgres", "ALTER SYSTEM RESET log_line_prefix; SELECT pg_reload_conf()");
  ASSERT_GT(s.total, 10);  // the log really holds the dump's statements
  EXPECT_EQ(s.total, b.total);
  // The table locks too: one statement for all (catalog::LockUserTables).
  EXPECT_EQ(s.locks, 1);
  EXPECT_EQ(b.locks, 1);
}

}  // namespace
}  // namespace ndump_test
