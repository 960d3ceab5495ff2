// Tests of the test harness itself: the throwaway cluster, RunCommand, the fixtures, and above
// all the oracle. An oracle that cannot fail proves nothing, so next to "pg_dump -Fc | pg_restore
// gives the same database" there are tests that a changed row, comment or sequence value IS
// reported as a difference. None of these tests needs ndump or nrestore.
#include <signal.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "ndump_test/cluster.h"
#include "ndump_test/compare.h"
#include "ndump_test/process.h"

namespace ndump_test {
namespace {

const std::string kSqlDir = NDUMP_SQL_DIR;

TestCluster& Cluster() { return TestCluster::Get(); }

TEST(HarnessCluster, AnswersOnItsPrivateSocketOnly) {
  const std::string db = Cluster().CreateDatabase();
  EXPECT_EQ(Cluster().Query(db, "SELECT 1"), "1");
  EXPECT_EQ(Cluster().Query(db, "SHOW listen_addresses"), "");
  EXPECT_EQ(Cluster().Query(db, "SHOW unix_socket_directories"), Cluster().socket_dir());
  EXPECT_EQ(Cluster().Query(db, "SHOW fsync"), "off");
  EXPECT_EQ(Cluster().Query(db, "SELECT current_user"), "postgres");
  EXPECT_EQ(Cluster().Query(db,
                            "SELECT pg_encoding_to_char(encoding) FROM pg_database"
                            " WHERE datname = current_database()"),
            "UTF8");
  EXPECT_GE(std::stoi(Cluster().Query(db, "SHOW server_version_num")), 150000);
  EXPECT_EQ(Cluster().socket_dir().rfind("/tmp/ndt.", 0), 0u);
}

TEST(HarnessCluster, CreateDatabaseGivesFreshEmptyDatabases) {
  const std::string a = Cluster().CreateDatabase();
  const std::string b = Cluster().CreateDatabase();
  EXPECT_NE(a, b);
  for (const std::string& db : {a, b}) {
    EXPECT_EQ(Cluster().Query(db, "SELECT current_database()"), db);
    EXPECT_EQ(Cluster().Query(db,
                              "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                              " ON n.oid = c.relnamespace WHERE n.nspname = 'public'"),
              "0");
  }
  const std::string odd = "Odd \"name\" 'with' spaces\\ Ünï";
  ASSERT_TRUE(Cluster().CreateDatabaseNamed(odd));
  EXPECT_EQ(Cluster().Query(odd, "SELECT current_database()"), odd);
  CommandResult r = RunCommand({Cluster().Bin("psql"), "-X", "-At", "-d", Cluster().Uri(odd), "-c",
                                "SELECT current_database()"});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, odd + "\n");
}

TEST(HarnessCluster, PsqlStopsOnErrorAndQueryKeepsNulls) {
  const std::string db = Cluster().CreateDatabase();
  EXPECT_TRUE(
      Cluster().Psql(db, "CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, NULL);"));
  EXPECT_FALSE(Cluster().Psql(db, "SELECT no_such_column FROM t; CREATE TABLE after_error ();"));
  EXPECT_EQ(Cluster().Query(db, "SELECT count(*) FROM pg_class WHERE relname = 'after_error'"),
            "0");
  EXPECT_EQ(Cluster().Query(db, "SELECT a, b FROM t"), "1|");
  Rows rows = Cluster().QueryRows(db, "SELECT a, b FROM t");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0], "1");
  EXPECT_EQ(rows[0][1], std::nullopt);
}

TEST(HarnessProcess, CapturesBothStreamsAndTheExitCode) {
  CommandResult r = RunCommand({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(HarnessProcess, DrainsLargeOutputOnBothPipes) {
  // 2 MB to stderr first: a runner that read stdout to EOF before stderr would deadlock here.
  CommandResult r = RunCommand(
      {"sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' e >&2; head -c 3000000 /dev/zero"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.size(), 2000000u);
  EXPECT_EQ(r.out, std::string(3000000, '\0'));
}

TEST(HarnessProcess, FeedsBinaryStdin) {
  std::string input;
  for (int i = 0; i < 3000000; ++i) input += static_cast<char>(i % 251);
  CommandResult r = RunCommand({"cat"}, input);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out == input) << "stdin was not passed through unchanged";
  // A child that does not read its stdin must not hang or kill the runner (EPIPE, not SIGPIPE).
  r = RunCommand({"true"}, input);
  EXPECT_EQ(r.exit_code, 0);
}

TEST(HarnessProcess, AppliesEnvironmentChanges) {
  setenv("NDT_SHOULD_VANISH", "still here", 1);
  RunOptions options;
  options.env = {{"NDT_FOO", "a b"}, {"NDT_SHOULD_VANISH", std::nullopt}};
  options.cwd = "/";
  CommandResult r =
      RunCommand({"sh", "-c", "echo \"$NDT_FOO|${NDT_SHOULD_VANISH-unset}|$(pwd)\""}, options);
  EXPECT_EQ(r.out, "a b|unset|/\n");
  unsetenv("NDT_SHOULD_VANISH");
}

TEST(HarnessProcess, ReportsSignalsTimeoutsAndMissingPrograms) {
  EXPECT_EQ(RunCommand({"sh", "-c", "kill -TERM $$"}).exit_code, 128 + SIGTERM);

  RunOptions interrupt;
  interrupt.signal = SIGINT;
  interrupt.signal_after_ms = 100;
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = RunCommand({"sleep", "30"}, interrupt);
  EXPECT_EQ(r.exit_code, 128 + SIGINT);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  RunOptions short_timeout;
  short_timeout.timeout_seconds = 1;
  r = RunCommand({"sh", "-c", "sleep 30 | cat"}, short_timeout);
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));

  r = RunCommand({"/nonexistent/program"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("/nonexistent/program"), std::string::npos);
}

TEST(HarnessFixtures, FoundationLoadsCleanlyAndHasEveryKind) {
  const std::string db = Cluster().CreateDatabase();
  ASSERT_TRUE(Cluster().PsqlFile(db, kSqlDir + "/foundation.sql"));
  auto count = [&](const std::string& sql) { return std::stoi(Cluster().Query(db, sql)); };
  const std::string user_ns =
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'";
  EXPECT_GE(count("SELECT count(*) FROM pg_namespace n WHERE " + user_ns), 6);
  EXPECT_GE(count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                  " WHERE c.relkind = 'r' AND " +
                  user_ns),
            8);
  for (const char* kind : {"S", "v", "i"}) {
    EXPECT_GE(count(std::string("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid ="
                                " c.relnamespace WHERE c.relkind = '") +
                    kind + "' AND " + user_ns),
              3)
        << "relkind " << kind;
  }
  for (const char* contype : {"p", "u", "c", "f"}) {
    EXPECT_GE(count(std::string("SELECT count(*) FROM pg_constraint WHERE contype = '") + contype +
                    "' AND connamespace <> 'pg_catalog'::regnamespace"),
              2)
        << "contype " << contype;
  }
  for (const char* typtype : {"e", "d", "c"}) {
    EXPECT_GE(count(std::string("SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid ="
                                " t.typnamespace LEFT JOIN pg_class c ON c.oid = t.typrelid WHERE"
                                " t.typtype = '") +
                    typtype + "' AND (c.oid IS NULL OR c.relkind = 'c') AND " + user_ns),
              2)
        << "typtype " << typtype;
  }
  EXPECT_EQ(count("SELECT count(*) FROM \"Ünïcødé 表\".\"Grand table\""), 2000);
  EXPECT_EQ(count("SELECT count(*) FROM \"Mixed Case\".\"No Columns\""), 3);
  EXPECT_EQ(count("SELECT count(*) FROM public.\"empty table\""), 0);
  EXPECT_EQ(count("SELECT count(*) FROM pg_attribute WHERE attidentity IN ('a', 'd')"), 3);
  EXPECT_GE(count("SELECT count(*) FROM pg_description d JOIN pg_class c ON c.oid = d.objoid"
                  " WHERE d.classoid = 'pg_class'::regclass"),
            15);
  EXPECT_EQ(Cluster().Query(db, "SELECT t FROM public.hostile_values WHERE id = 3"), "\\N");
  EXPECT_EQ(Cluster().Query(db, "SELECT length(b) FROM public.hostile_values WHERE id = 6"),
            "10000");
  EXPECT_EQ(Cluster().Query(db,
                            "SELECT last_value || ' ' || is_called FROM"
                            " \"Mixed Case\".\"Down \"\"Seq\"\"\""),
            "42 true");
}

TEST(HarnessFixtures, SampleLoadsWithAbout100kRows) {
  const std::string db = Cluster().CreateDatabase();
  ASSERT_TRUE(Cluster().PsqlFile(db, kSqlDir + "/sample.sql"));
  int64_t total = 0;
  for (const auto& [name, fp] : TableFingerprints(db)) total += fp.rows;
  EXPECT_GE(total, 90000);
  EXPECT_LE(total, 130000);
  EXPECT_EQ(TableFingerprints(db).size(), 7u);
}

// Loads the foundation into a new database and copies it with pg_dump -Fc / pg_restore, the
// reference implementation. Returns {source, copy}.
std::pair<std::string, std::string> FoundationAndPgRestoreCopy() {
  const std::string src = Cluster().CreateDatabase("src");
  const std::string copy = Cluster().CreateDatabase("copy");
  EXPECT_TRUE(Cluster().PsqlFile(src, kSqlDir + "/foundation.sql"));
  ScopedTempDir dir;
  const std::string archive = dir.File("ref.dump");
  CommandResult r =
      RunCommand({Cluster().Bin("pg_dump"), "-Fc", "-f", archive, "-d", Cluster().ConnInfo(src)});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  r = RunCommand({Cluster().Bin("pg_restore"), "--exit-on-error", "-j", "2", "-d",
                  Cluster().ConnInfo(copy), archive});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return {src, copy};
}

TEST(HarnessOracle, PgDumpRoundTripOfFoundationMatches) {
  auto [src, copy] = FoundationAndPgRestoreCopy();
  EXPECT_SAME_DATABASE(src, copy);
  // The comparison covers what it should.
  const auto fps = TableFingerprints(src);
  EXPECT_EQ(fps.at("\"Ünïcødé 表\".\"Grand table\"").rows, 2000);
  EXPECT_EQ(fps.at("\"Mixed Case\".\"No Columns\"").rows, 3);
  EXPECT_EQ(fps.at("\"we\"\"ird.sch\\ema $1\".\"Tab \"\"le\"\".with.dots\"").rows, 4);
  EXPECT_EQ(SequenceStates(src).at("public.never_called"), "last_value=1 is_called=f");
  EXPECT_EQ(SchemaDump(src).find("\\restrict"), std::string::npos);
}

TEST(HarnessOracle, EmptyDatabasesMatch) {
  EXPECT_SAME_DATABASE(Cluster().CreateDatabase(), Cluster().CreateDatabase());
}

TEST(HarnessOracle, DetectsAChangedValue) {
  auto [src, copy] = FoundationAndPgRestoreCopy();
  // Same row count, one byte different in a TOASTed value.
  ASSERT_TRUE(Cluster().Psql(copy, "UPDATE public.hostile_values SET t = t || 'x' WHERE id = 6"));
  ::testing::AssertionResult match = DatabasesMatch(src, copy);
  EXPECT_FALSE(match);
  EXPECT_NE(std::string(match.message()).find("public.hostile_values"), std::string::npos)
      << match.message();
}

TEST(HarnessOracle, DetectsSwappedValuesBetweenRows) {
  const std::string a = Cluster().CreateDatabase();
  const std::string b = Cluster().CreateDatabase();
  const std::string ddl = "CREATE TABLE t (k int, v text);";
  ASSERT_TRUE(Cluster().Psql(a, ddl + "INSERT INTO t VALUES (1, 'x'), (2, 'y');"));
  ASSERT_TRUE(Cluster().Psql(b, ddl + "INSERT INTO t VALUES (1, 'y'), (2, 'x');"));
  EXPECT_FALSE(DatabasesMatch(a, b));
}

TEST(HarnessOracle, IgnoresPhysicalRowOrder) {
  const std::string a = Cluster().CreateDatabase();
  const std::string b = Cluster().CreateDatabase();
  const std::string ddl = "CREATE TABLE t (k int, v text);";
  ASSERT_TRUE(
      Cluster().Psql(a, ddl + "INSERT INTO t SELECT g, g::text FROM generate_series(1, 500) g;"));
  ASSERT_TRUE(Cluster().Psql(
      b, ddl + "INSERT INTO t SELECT g, g::text FROM generate_series(500, 1, -1) g;"));
  EXPECT_SAME_DATABASE(a, b);
}

TEST(HarnessOracle, DetectsAMissingRowAndAnExtraTable) {
  auto [src, copy] = FoundationAndPgRestoreCopy();
  ASSERT_TRUE(Cluster().Psql(copy,
                             "DELETE FROM \"Mixed Case\".\"No Columns\" WHERE ctid = "
                             "(SELECT min(ctid) FROM \"Mixed Case\".\"No Columns\")"));
  EXPECT_FALSE(DatabasesMatch(src, copy));
  ASSERT_TRUE(Cluster().Psql(copy, "INSERT INTO \"Mixed Case\".\"No Columns\" DEFAULT VALUES"));
  EXPECT_SAME_DATABASE(src, copy);
  ASSERT_TRUE(Cluster().Psql(copy, "CREATE TABLE public.extra ()"));
  EXPECT_FALSE(DatabasesMatch(src, copy));
}

TEST(HarnessOracle, DetectsSchemaDifferences) {
  auto [src, copy] = FoundationAndPgRestoreCopy();
  ASSERT_TRUE(Cluster().Psql(copy,
                             "COMMENT ON INDEX \"Ünïcødé 表\".grand_partial_unique IS"
                             " 'changed'"));
  ::testing::AssertionResult match = DatabasesMatch(src, copy);
  EXPECT_FALSE(match);
  EXPECT_NE(std::string(match.message()).find("changed"), std::string::npos) << match.message();
  EXPECT_NE(std::string(match.message()).find("schema diff"), std::string::npos);
}

TEST(HarnessOracle, DetectsASequenceDifference) {
  auto [src, copy] = FoundationAndPgRestoreCopy();
  ASSERT_TRUE(Cluster().Psql(copy, "SELECT nextval('public.never_called')"));
  ::testing::AssertionResult match = DatabasesMatch(src, copy);
  EXPECT_FALSE(match);
  EXPECT_NE(std::string(match.message()).find("public.never_called"), std::string::npos)
      << match.message();
}

}  // namespace
}  // namespace ndump_test
