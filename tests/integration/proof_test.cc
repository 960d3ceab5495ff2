// Proving a restore whole (docs/nrestore.md, "Proving a restore"): nrestore --check compares
// every restored table with the row fingerprints ndump recorded (archive_format.md §7.6) and
// names the tables that differ; nrestore --test-restore restores into a throwaway database,
// checks it, drops it and prints a JSON report.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/process.h"
#include "tools.h"

namespace ndump_test {
namespace {

constexpr int kExitUnproven = 6;

// Six small tables of values whose text form depends on the session (timestamptz, floats,
// intervals), with NULLs, escaped newlines and bytea; on 18 one has a virtual generated column,
// which COPY leaves out.
std::string SourceDatabase() {
  const std::string db = Cluster().CreateDatabase("proofsrc");
  std::string sql =
      "CREATE TABLE t_changed (id int PRIMARY KEY, ts timestamptz, f float8, s text);"
      "INSERT INTO t_changed SELECT g, '2024-03-01 12:00+00'::timestamptz + g * interval '1h', "
      "  g / 3.0, CASE WHEN g % 2 = 0 THEN NULL ELSE E'line\\nbreak ' || g END "
      "  FROM generate_series(1, 50) g;"
      "CREATE TABLE t_deleted (id int, b bytea);"
      "INSERT INTO t_deleted SELECT g, decode(md5(g::text), 'hex') FROM generate_series(1, 40) g;"
      "CREATE TABLE t_extra (id int, i interval);"
      "INSERT INTO t_extra SELECT g, g * interval '1 day 3 sec' FROM generate_series(1, 30) g;"
      "CREATE TABLE t_gone (id int); INSERT INTO t_gone SELECT generate_series(1, 20);"
      "CREATE TABLE t_same (id int, n numeric); "
      "INSERT INTO t_same SELECT g, g * 1.5 FROM generate_series(1, 25) g;"
      "CREATE TABLE t_column (id int, c text); "
      "INSERT INTO t_column SELECT g, 'c' FROM generate_series(1, 10) g;";
  if (std::stoi(Cluster().Query(db, "SHOW server_version_num")) >= 180000) {
    sql +=
        "CREATE TABLE t_virtual (a int, v int GENERATED ALWAYS AS (a * 2) VIRTUAL);"
        "INSERT INTO t_virtual (a) SELECT generate_series(1, 10);";
  }
  EXPECT_TRUE(Cluster().Psql(db, sql));
  return db;
}

std::string Copy(const std::string& archive, const std::vector<std::string>& extra = {}) {
  const std::string copy = Cluster().CreateDatabase("proofcopy");
  EXPECT_TRUE(RestoreFrom(copy, archive, extra));
  return copy;
}

CommandResult Check(const std::string& db, const std::string& archive,
                    const std::vector<std::string>& extra = {}, const RunOptions& run = {}) {
  std::vector<std::string> args = {"--check", "-d", Cluster().ConnInfo(db)};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(archive);
  return Nrestore(args, run);
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RestoreProof, ACleanRestoreIsProvenWhateverTheTimeZone) {
  const std::string src = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  // Dumped in one time zone, checked in another: the archive records the dump's.
  RunOptions tokyo;
  tokyo.env = {{"PGTZ", "Asia/Tokyo"}};
  ASSERT_EQ(Ndump({"-d", Cluster().ConnInfo(src), "-f", archive}, tokyo).exit_code, 0);
  const std::string copy = Copy(archive);
  RunOptions lima;
  lima.env = {{"PGTZ", "America/Lima"}};
  const CommandResult r = Check(copy, archive, {"-j", "2"}, lima);
  EXPECT_EQ(r.exit_code, 0) << r.Describe() << r.out;
  EXPECT_TRUE(Has(r.out, "all the same")) << r.out;
  EXPECT_FALSE(Has(r.out, "differs")) << r.out;
}

TEST(RestoreProof, EachDifferenceIsNamed) {
  const std::string src = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  const std::string copy = Copy(archive);
  ASSERT_TRUE(Cluster().Psql(copy,
                             "UPDATE t_changed SET f = f + 1e-9 WHERE id = 7;"
                             "DELETE FROM t_deleted WHERE id = 3;"
                             "INSERT INTO t_extra VALUES (31, '1 day');"
                             "DROP TABLE t_gone;"
                             "ALTER TABLE t_column DROP COLUMN c;"));
  const CommandResult r = Check(copy, archive);
  EXPECT_EQ(r.exit_code, 1) << r.Describe() << r.out;
  EXPECT_TRUE(Has(r.out, "differs: public.t_changed: 50 rows in the archive, 50 in the database"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "differs: public.t_deleted: 40 rows in the archive, 39 in the database"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "differs: public.t_extra: 30 rows in the archive, 31 in the database"))
      << r.out;
  EXPECT_TRUE(Has(r.out, "missing: public.t_gone (20 rows in the archive)")) << r.out;
  // A dumped column the copy lacks: the table is there, and differs.
  EXPECT_TRUE(Has(r.out, "differs: public.t_column (10 rows in the archive): column \"c\""))
      << r.out;
  EXPECT_FALSE(Has(r.out, "t_same")) << r.out;
  EXPECT_TRUE(Has(r.out, "5 not the same")) << r.out;
}

TEST(RestoreProof, SplitAndBinaryTablesAreProvenAndTheirDifferencesNamed) {
  const std::string src = Cluster().CreateDatabase("proofsplit");
  ASSERT_TRUE(Cluster().Psql(src,
                             "CREATE TABLE big (id int, s text, t timestamptz);"
                             "INSERT INTO big SELECT g, repeat('y', 200), now() "
                             "  FROM generate_series(1, 20000) g;"));
  ScopedTempDir dir;
  for (const std::string format : {"text", "binary"}) {
    const std::string archive = dir.File(format + ".ndump");
    ASSERT_TRUE(DumpTo(src, archive, {"-j", "2", "--split-size", "1", "--copy-format", format}));
    const CommandResult list = Nrestore({"--list", archive});
    int chunks = 0;
    for (const std::string& line : Lines(list.out)) chunks += Has(line, "TABLE DATA public big");
    ASSERT_GT(chunks, 2) << list.out;
    const std::string copy = Copy(archive, {"-j", "2"});
    const CommandResult same = Check(copy, archive, {"-j", "2"});
    EXPECT_EQ(same.exit_code, 0) << format << same.Describe() << same.out;
    ASSERT_TRUE(Cluster().Psql(copy, "UPDATE big SET s = 'z' WHERE id = 12345"));
    const CommandResult changed = Check(copy, archive, {"-j", "2"});
    EXPECT_EQ(changed.exit_code, 1) << format << changed.Describe();
    EXPECT_TRUE(Has(changed.out, "differs: public.big: 20000 rows in the archive, 20000"))
        << format << changed.out;
  }
}

TEST(RestoreProof, ASelectionIsCheckedAsRestored) {
  const std::string src = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  const std::string copy = Copy(archive, {"-t", "t_same", "-t", "t_extra"});
  const CommandResult selected = Check(copy, archive, {"-t", "t_same", "-t", "t_extra"});
  EXPECT_EQ(selected.exit_code, 0) << selected.Describe() << selected.out;
  EXPECT_TRUE(Has(selected.out, "checked 2 tables")) << selected.out;
  // Without the selection, the tables left out are missing.
  const CommandResult all = Check(copy, archive);
  EXPECT_EQ(all.exit_code, 1) << all.Describe();
  EXPECT_TRUE(Has(all.out, "missing: public.t_gone")) << all.out;
  EXPECT_FALSE(Has(all.out, "public.t_same")) << all.out;
}

TEST(RestoreProof, WorksFromAPipe) {
  const std::string src = SourceDatabase();
  const CommandResult dump = Ndump({"-d", Cluster().ConnInfo(src)});  // to standard output
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  const std::string copy = Cluster().CreateDatabase("proofpipe");
  RunOptions pipe;
  pipe.stdin_data = dump.out;
  ASSERT_EQ(Nrestore({"-d", Cluster().ConnInfo(copy), "-"}, pipe).exit_code, 0);
  ASSERT_TRUE(Cluster().Psql(copy, "DELETE FROM t_deleted WHERE id = 40"));
  const CommandResult r = Check(copy, "-", {}, pipe);
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_TRUE(Has(r.out, "differs: public.t_deleted: 40 rows in the archive, 39")) << r.out;
  EXPECT_FALSE(Has(r.out, "t_same")) << r.out;
}

TEST(RestoreProof, AnArchiveWithoutFingerprintsProvesNothing) {
  const std::string src = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--no-row-fingerprints"}));
  const std::string copy = Copy(archive);
  const CommandResult r = Check(copy, archive);
  EXPECT_EQ(r.exit_code, kExitUnproven) << r.Describe();
  EXPECT_TRUE(Has(r.err, "no row fingerprints")) << r.err;
  RunOptions env;
  env.env = Cluster().PgEnv();
  const CommandResult t = Nrestore({"--test-restore", archive}, env);
  EXPECT_EQ(t.exit_code, kExitUnproven) << t.Describe();
  EXPECT_TRUE(Has(t.out, "\"result\": \"unproven\"")) << t.out;
}

int ThrowawayDatabases() {
  return std::stoi(Cluster().Query(
      "postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE 'ndump\\_test\\_%'"));
}

TEST(RestoreProof, TestRestorePassesFromAFileAndAPipeAndDropsItsDatabase) {
  const std::string src = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  RunOptions env;
  env.env = Cluster().PgEnv();
  const CommandResult file = Nrestore({"--test-restore", "-j", "2", archive}, env);
  EXPECT_EQ(file.exit_code, 0) << file.Describe() << file.out;
  EXPECT_TRUE(Has(file.out, "\"result\": \"pass\"")) << file.out;
  EXPECT_TRUE(Has(file.out, "\"dropped\": true")) << file.out;
  EXPECT_TRUE(Has(file.out, "\"tables\": 6") || Has(file.out, "\"tables\": 7")) << file.out;
  EXPECT_TRUE(Has(file.out, "\"objects_missing\": []")) << file.out;
  // The source's relations (its primary key is a constraint entry, not counted).
  const std::string relations =
      Cluster().Query(src,
                      "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                      "AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')");
  EXPECT_TRUE(Has(file.out, "\"objects_expected\": " + relations + ",")) << file.out;
  EXPECT_TRUE(Has(file.out, "\"objects_found\": " + relations + ",")) << file.out;
  EXPECT_EQ(ThrowawayDatabases(), 0);

  std::string bytes;
  {
    const CommandResult cat = RunCommand({"cat", archive});
    ASSERT_EQ(cat.exit_code, 0);
    bytes = cat.out;
  }
  RunOptions pipe = env;
  pipe.stdin_data = bytes;
  const CommandResult piped = Nrestore({"--test-restore", "-"}, pipe);
  EXPECT_EQ(piped.exit_code, 0) << piped.Describe() << piped.out;
  EXPECT_TRUE(Has(piped.out, "\"archive\": \"stdin\"")) << piped.out;
  EXPECT_TRUE(Has(piped.out, "\"result\": \"pass\"")) << piped.out;

  // A damaged stream fails, and the database is dropped all the same.
  pipe.stdin_data = bytes.substr(0, bytes.size() - 100);
  const CommandResult cut = Nrestore({"--test-restore", "-"}, pipe);
  EXPECT_EQ(cut.exit_code, 1) << cut.Describe() << cut.out;
  EXPECT_TRUE(Has(cut.out, "\"result\": \"fail\"")) << cut.out;
  EXPECT_TRUE(Has(cut.out, "\"dropped\": true")) << cut.out;
  EXPECT_EQ(ThrowawayDatabases(), 0);
}

TEST(RestoreProof, TestRestoreIntoAGivenDatabaseOnlyWhenEmpty) {
  const std::string src = SourceDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  const std::string empty = Cluster().CreateDatabase("proofempty");
  const CommandResult ok = Nrestore({"--test-restore", "-d", Cluster().ConnInfo(empty), archive});
  EXPECT_EQ(ok.exit_code, 0) << ok.Describe() << ok.out;
  EXPECT_TRUE(Has(ok.out, "\"throwaway\": false")) << ok.out;
  // Now it holds the restore: a second run refuses it.
  const CommandResult full = Nrestore({"--test-restore", "-d", Cluster().ConnInfo(empty), archive});
  EXPECT_TRUE(IsToolError(full, "nrestore", kExitUsage, {"not empty"}));
}

}  // namespace
}  // namespace ndump_test
