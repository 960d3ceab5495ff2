// char(n) padding on restore: the archive holds the server's COPY text and names the char(n)
// columns of each table (format 1.3, char_columns); a restore leaves their trailing spaces out of
// what it sends into the tables it created (char(n) input pads them back), and sends the data as
// stored into tables that existed. Counted by RestoreSummary::char_padding_bytes, which must be
// exactly the padding of those columns, and the copy must be the same database either way.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "archive_toc.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "libdump/restore.h"
#include "tools.h"

namespace ndump_test {
namespace {

constexpr const char* kTablesSql = R"sql(
CREATE SCHEMA "Pad ""S""";
CREATE DOMAIN "Pad ""S""".code AS char(6);
CREATE TABLE "Pad ""S"""."Fixed Width" (
  id integer PRIMARY KEY, gone text, one char, "Wide ""c""" char(20), free bpchar,
  vc varchar(20), arr char(3)[], code "Pad ""S""".code, "Ünï" character(7));
ALTER TABLE "Pad ""S"""."Fixed Width" DROP COLUMN gone;
INSERT INTO "Pad ""S"""."Fixed Width"
SELECT g, chr(97 + g % 26), 'v' || g || E'\t', 'f' || g || '  ', 'w' || g || ' ', ARRAY['a', 'b '],
       'k' || g % 10, CASE g % 3 WHEN 0 THEN 'é' WHEN 1 THEN ' ü ' ELSE 'x\y' END
FROM generate_series(1, 5000) AS g;
INSERT INTO "Pad ""S"""."Fixed Width" VALUES (0, NULL, '', '   ', '', NULL, '', '       ');
CREATE TABLE "Pad ""S""".plain (id integer, t text);
INSERT INTO "Pad ""S""".plain SELECT g, 't' || g FROM generate_series(1, 100) AS g;
)sql";

const std::string kTable = "\"Pad \"\"S\"\"\".\"Fixed Width\"";

std::string LoadedDatabase() {
  const std::string db = Cluster().CreateDatabase("charpad");
  EXPECT_TRUE(Cluster().Psql(db, kTablesSql));
  return db;
}

// The trailing spaces of the table's char(n) values in `db`: what a restore leaves out.
uint64_t PaddingBytes(const std::string& db) {
  const std::string sum = Cluster().Query(
      db,
      "SELECT sum(COALESCE(octet_length(one) - octet_length(one::text), 0) + "
      "COALESCE(octet_length(\"Wide \"\"c\"\"\") - octet_length(\"Wide \"\"c\"\"\"::text), 0) + "
      "COALESCE(octet_length(\"Ünï\") - octet_length(\"Ünï\"::text), 0)) FROM " +
          kTable);
  return sum.empty() ? 0 : std::stoull(sum);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// libdump::Restore of `archive` into `db`; from a pipe when `seekable` is false.
libdump::RestoreSummary RestoreWith(const std::string& db, const std::string& archive,
                                    bool seekable, bool trim, int jobs = 2,
                                    libdump::RestoreContent content = {}) {
  libdump::MemorySource source(ReadFile(archive));
  source.set_seekable(seekable);
  libdump::RestoreOptions options;
  options.connection.dbname = Cluster().ConnInfo(db);
  options.jobs = jobs;
  options.content = content;
  options.trim_char_padding = trim;
  auto summary = libdump::Restore(options, &source);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  return summary.ok() ? *summary : libdump::RestoreSummary{};
}

// The char_columns of each data entry of table `name` (one per chunk).
std::vector<std::vector<uint32_t>> CharColumns(const std::string& archive,
                                               const std::string& name) {
  std::vector<std::vector<uint32_t>> out;
  for (const auto& e : ArchiveToc(archive)) {
    if (e.kind == "TABLE DATA" && e.name == name) out.push_back(e.char_columns);
  }
  return out;
}

// In the COPY list (id, one, "Wide c", free, vc, arr, code, Ünï): one, "Wide c", Ünï. Not plain
// bpchar (its spaces are data), varchar, an array of char(n) or a domain over char(n).
const std::vector<uint32_t> kPositions = {1, 2, 7};

TEST(CharPadding, TheArchiveHoldsTheServersTextAndNamesTheCharNColumns) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  libdump::format::ArchiveHeader header;
  (void)ArchiveToc(archive, &header);
  EXPECT_EQ(header.format_minor, 5);  // char_columns (1.3) and row fingerprints (1.5)
  EXPECT_EQ(CharColumns(archive, "Fixed Width"), std::vector<std::vector<uint32_t>>{kPositions});
  EXPECT_EQ(CharColumns(archive, "plain"), std::vector<std::vector<uint32_t>>{{}});
  // The script carries pg_dump's padded values.
  const CommandResult script = Nrestore({"-f", "-", "-a", "-t", "Fixed Width", archive});
  ASSERT_EQ(script.exit_code, kExitOk) << script.Describe();
  EXPECT_NE(script.out.find("\n1\tb\tv1\\t" + std::string(17, ' ') + "\tf1  \tw1 \t"),
            std::string::npos)
      << script.out.substr(0, 600);
}

TEST(CharPadding, IntoTheTablesItCreatesARestoreSendsNoPadding) {
  const std::string src = LoadedDatabase();
  const uint64_t padding = PaddingBytes(src);
  ASSERT_GT(padding, 5000u * 10);
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  for (const bool seekable : {true, false}) {
    for (const int jobs : {1, 2}) {
      SCOPED_TRACE(std::string(seekable ? "file" : "pipe") + ", jobs " + std::to_string(jobs));
      const std::string copy = Cluster().CreateDatabase("charpad_copy");
      const auto summary = RestoreWith(copy, archive, seekable, /*trim=*/true, jobs);
      EXPECT_EQ(summary.char_padding_bytes, padding);
      EXPECT_SAME_DATABASE(src, copy);
    }
  }
  // Turned off: everything as stored, the same database.
  const std::string kept = Cluster().CreateDatabase("charpad_kept");
  EXPECT_EQ(RestoreWith(kept, archive, true, /*trim=*/false).char_padding_bytes, 0u);
  EXPECT_SAME_DATABASE(src, kept);
  // One transaction (-1): the table is created in it, and trimmed.
  libdump::RestoreContent single;
  single.single_transaction = true;
  const std::string one = Cluster().CreateDatabase("charpad_one");
  EXPECT_EQ(RestoreWith(one, archive, true, true, 1, single).char_padding_bytes, padding);
  EXPECT_SAME_DATABASE(src, one);
}

TEST(CharPadding, EveryChunkOfASplitTableIsTrimmed) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  // 0.05 MB chunks: the table's few hundred kB come in several.
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2", "--split-size", "0.05"}));
  const auto chunks = CharColumns(archive, "Fixed Width");
  ASSERT_GT(chunks.size(), 2u);
  for (const auto& c : chunks) EXPECT_EQ(c, kPositions);
  const std::string copy = Cluster().CreateDatabase("charpad_split");
  EXPECT_EQ(RestoreWith(copy, archive, true, true).char_padding_bytes, PaddingBytes(src));
  EXPECT_SAME_DATABASE(src, copy);
}

// A table the restore did not create may have other column types than the archive's: its data
// goes as stored, so that a value lands as pg_restore lands it (here: with its spaces, in a
// column changed to text). Both when only data is restored, and when the archive's CREATE TABLE
// ran and failed because the table was there.
TEST(CharPadding, IntoTablesThatExistedTheDataGoesAsStored) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  const std::string pg_archive = dir.File("a.pgdump");
  const CommandResult d = RunCommand({Cluster().Bin("pg_dump"), "-Fc", "--data-only", "-f",
                                      pg_archive, "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  const std::string alter = "ALTER TABLE " + kTable + " ALTER COLUMN \"Wide \"\"c\"\"\" TYPE text";
  auto existing = [&](const std::string& hint) {
    const std::string db = Cluster().CreateDatabase(hint);
    EXPECT_TRUE(RestoreFrom(db, archive, {"--schema-only"}));
    EXPECT_TRUE(Cluster().Psql(db, alter));
    return db;
  };
  const std::string oracle = existing("charpad_oracle");
  const CommandResult p = RunCommand(
      {Cluster().Bin("pg_restore"), "--data-only", "-d", Cluster().ConnInfo(oracle), pg_archive});
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  ASSERT_EQ(Cluster().Query(oracle, "SELECT \"Wide \"\"c\"\"\" FROM " + kTable + " WHERE id = 1"),
            "v1\t" + std::string(17, ' '));

  libdump::RestoreContent data_only;
  data_only.data_only = true;
  const std::string target = existing("charpad_data_only");
  EXPECT_EQ(RestoreWith(target, archive, true, true, 2, data_only).char_padding_bytes, 0u);
  EXPECT_SAME_DATABASE(oracle, target);

  // Not data-only: the archive's CREATE TABLE fails (the error passed over, as pg_restore does),
  // the data loads into the table that was there.
  const std::string again = existing("charpad_again");
  libdump::MemorySource source(ReadFile(archive));
  libdump::RestoreOptions options;
  options.connection.dbname = Cluster().ConnInfo(again);
  options.jobs = 2;
  auto summary = libdump::Restore(options, &source);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_GT(summary->errors, 0u);
  EXPECT_EQ(summary->char_padding_bytes, 0u);
  EXPECT_EQ(Cluster().Query(again, "SELECT count(*), max(octet_length(\"Wide \"\"c\"\"\")) FROM " +
                                       kTable + " WHERE id = 1"),
            "1|20");
}

// Columns whose type a target database may already decide: an inheritance child's inherited
// columns (CREATE TABLE ... INHERITS takes them from the parent there) and a typed table's (its
// type there). The archive does not name them, so they go as stored, as pg_restore sends them,
// while the child's own char(n) column is trimmed.
TEST(CharPadding, InheritedAndTypedColumnsAreNotTrimmed) {
  const std::string src = Cluster().CreateDatabase("charpad_inh");
  ASSERT_TRUE(Cluster().Psql(src, R"sql(
    CREATE SCHEMA "Pad ""S""";
    CREATE TABLE "Pad ""S""".p (c char(5));
    CREATE TABLE "Pad ""S""".ch (d char(4)) INHERITS ("Pad ""S""".p);
    INSERT INTO "Pad ""S""".ch VALUES ('ab', 'x');
    CREATE TYPE "Pad ""S""".ct AS (c char(5));
    CREATE TABLE "Pad ""S""".typed OF "Pad ""S""".ct;
    INSERT INTO "Pad ""S""".typed VALUES ('ab');
  )sql"));
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(
      DumpTo(src, archive, {"-t", "\"Pad \"\"S\"\"\".ch", "-t", "\"Pad \"\"S\"\"\".typed"}));
  EXPECT_EQ(CharColumns(archive, "ch"), std::vector<std::vector<uint32_t>>{{1}});  // (c, d)
  EXPECT_EQ(CharColumns(archive, "typed"), std::vector<std::vector<uint32_t>>{{}});
  // The target already has the parent and the type, with text where the source had char(5).
  const std::string target = Cluster().CreateDatabase("charpad_inh_target");
  ASSERT_TRUE(Cluster().Psql(target, R"sql(
    CREATE SCHEMA "Pad ""S""";
    CREATE TABLE "Pad ""S""".p (c text);
    CREATE TYPE "Pad ""S""".ct AS (c text);
  )sql"));
  const auto summary = RestoreWith(target, archive, true, true);
  EXPECT_EQ(summary.char_padding_bytes, 3u);  // d's 'x   '
  // c is text there and keeps its spaces; d is char(4) and was padded back (|| would trim it).
  EXPECT_EQ(
      Cluster().Query(target, "SELECT c || '|' || octet_length(d) FROM ONLY \"Pad \"\"S\"\"\".ch"),
      "ab   |4");
  EXPECT_EQ(Cluster().Query(target, "SELECT c || '|' FROM \"Pad \"\"S\"\"\".typed"), "ab   |");
}

}  // namespace
}  // namespace ndump_test
