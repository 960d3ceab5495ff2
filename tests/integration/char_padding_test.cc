// char(n) values are dumped without their trailing spaces (DumpOptions::trim_char_padding, the
// default) and char(n) input pads them back: what the archive holds, that the copy is the same
// whole and in chunks, --keep-char-padding, and data-only restores into existing tables, which
// nrestore refuses where a column is no longer char(n) and pg_restore would have loaded the
// padding.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "archive_toc.h"
#include "libdump/format/archive.h"
#include "libdump/format/byte_io.h"
#include "tools.h"

namespace ndump_test {
namespace {

constexpr const char* kTablesSql = R"sql(
CREATE SCHEMA "Pad ""S""";
CREATE DOMAIN "Pad ""S""".code AS char(6);
CREATE TABLE "Pad ""S"""."Fixed Width" (
  id integer PRIMARY KEY, one char, "Wide ""c""" char(20), free bpchar, vc varchar(20),
  arr char(3)[], code "Pad ""S""".code);
INSERT INTO "Pad ""S"""."Fixed Width"
SELECT g, chr(97 + g % 26), 'v' || g, 'f' || g || '  ', 'w' || g || ' ', ARRAY['a', 'b '],
       'k' || g % 10
FROM generate_series(1, 5000) AS g;
INSERT INTO "Pad ""S"""."Fixed Width" VALUES (0, NULL, '', '   ', '', NULL, '');
CREATE TABLE "Pad ""S""".plain (id integer, t text);
INSERT INTO "Pad ""S""".plain SELECT g, 't' || g FROM generate_series(1, 100) AS g;
)sql";

std::string LoadedDatabase() {
  const std::string db = Cluster().CreateDatabase("charpad");
  EXPECT_TRUE(Cluster().Psql(db, kTablesSql));
  return db;
}

// The COPY text of every data entry of table `name`, in dump id order.
std::string EntryData(const std::string& archive, const std::string& name) {
  auto source = libdump::OpenFileSource(archive);
  EXPECT_TRUE(source.ok()) << source.status().ToString();
  if (!source.ok()) return "";
  auto reader = libdump::format::ArchiveReader::Open(source->get());
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return "";
  EXPECT_TRUE((*reader)->LoadIndex().ok());
  std::string all, block;
  for (const auto& e : (*reader)->toc()) {
    if (e.kind != "TABLE DATA" || e.name != name) continue;
    for (const auto& b : (*reader)->BlocksOf(e.dump_id)) {
      EXPECT_TRUE((*reader)->ReadBlock(b, &block).ok());
      all += block;
    }
  }
  return all;
}

// The trimmed_columns of each data entry of `name` (one per chunk).
std::vector<std::vector<std::string>> TrimmedColumns(const std::string& archive,
                                                     const std::string& name) {
  std::vector<std::vector<std::string>> out;
  for (const auto& e : ArchiveToc(archive)) {
    if (e.kind == "TABLE DATA" && e.name == name) out.push_back(e.trimmed_columns);
  }
  return out;
}

const std::vector<std::string> kFixed = {"one", "Wide \"c\""};

TEST(CharPadding, CharNValuesAreStoredWithoutTrailingSpacesAndComeBackPadded) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  libdump::format::ArchiveHeader header;
  (void)ArchiveToc(archive, &header);
  EXPECT_EQ(header.format_minor, 3);
  EXPECT_EQ(TrimmedColumns(archive, "Fixed Width"), std::vector<std::vector<std::string>>{kFixed});
  EXPECT_EQ(TrimmedColumns(archive, "plain"), std::vector<std::vector<std::string>>{{}});
  // Row 1: char and char(20) without their padding; bpchar without a length, varchar, arrays
  // and the domain over char(6) as the server prints them.
  const std::string data = EntryData(archive, "Fixed Width");
  EXPECT_NE(data.find("1\tb\tv1\tf1  \tw1 \t{\"a  \",\"b  \"}\tk1    \n"), std::string::npos)
      << data.substr(0, 300);
  EXPECT_NE(data.find("0\t\\N\t\t   \t\t\\N\t      \n"), std::string::npos);
  EXPECT_EQ(data.find("v1                  "), std::string::npos);
  const std::string copy = Cluster().CreateDatabase("charpad_copy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
  EXPECT_EQ(Cluster().Query(copy,
                            "SELECT octet_length(\"Wide \"\"c\"\"\"::bytea) FROM \"Pad "
                            "\"\"S\"\"\".\"Fixed Width\" WHERE id = 1"),
            "20");
}

TEST(CharPadding, KeepCharPaddingStoresWhatTheServerPrints) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--keep-char-padding"}));
  libdump::format::ArchiveHeader header;
  (void)ArchiveToc(archive, &header);
  EXPECT_LT(header.format_minor, 3);
  EXPECT_EQ(TrimmedColumns(archive, "Fixed Width"), std::vector<std::vector<std::string>>{{}});
  const std::string data = EntryData(archive, "Fixed Width");
  EXPECT_NE(data.find("1\tb\tv1                  \tf1  \t"), std::string::npos)
      << data.substr(0, 300);
  const std::string copy = Cluster().CreateDatabase("charpad_keep");
  ASSERT_TRUE(RestoreFrom(copy, archive));
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(CharPadding, EveryChunkOfASplitTableIsTrimmed) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  // 0.05 MB chunks: the table's few hundred kB come in several.
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2", "--split-size", "0.05"}));
  const auto chunks = TrimmedColumns(archive, "Fixed Width");
  ASSERT_GT(chunks.size(), 2u);
  for (const auto& c : chunks) EXPECT_EQ(c, kFixed);
  EXPECT_EQ(EntryData(archive, "Fixed Width").find("v1                  "), std::string::npos);
  const std::string copy = Cluster().CreateDatabase("charpad_split");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
}

// Data-only restores load into tables the restore does not create. Where a trimmed column is
// no longer char(n) there, the values would load without their spaces: refused before any data
// loads, naming the column. Into char(m) (any m) or a domain over char(n), the result is the one
// pg_restore gives from pg_dump's padded values.
TEST(CharPadding, DataOnlyRestoreChecksTheTargetColumns) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  const std::string target = Cluster().CreateDatabase("charpad_target");
  ASSERT_TRUE(RestoreFrom(target, archive, {"--schema-only"}));
  const std::string table = "\"Pad \"\"S\"\"\".\"Fixed Width\"";
  ASSERT_TRUE(Cluster().Psql(
      target, "ALTER TABLE " + table + " ALTER COLUMN \"Wide \"\"c\"\"\" TYPE text"));
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo(target), "--data-only", archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"--keep-char-padding"})) << r.Describe();
  EXPECT_NE(r.err.find("column \"Wide \"\"c\"\"\" of table \"Pad \"\"S\"\"\".\"Fixed Width\" is "
                       "text"),
            std::string::npos)
      << r.err;
  // Nothing loaded, not even the table that has no char(n) column.
  EXPECT_EQ(Cluster().Query(target, "SELECT count(*) FROM " + table), "0");
  EXPECT_EQ(Cluster().Query(target, "SELECT count(*) FROM \"Pad \"\"S\"\"\".plain"), "0");

  // char(24) and a domain over char(1): loaded, as pg_restore -a loads pg_dump's padded data.
  ASSERT_TRUE(Cluster().Psql(target, "ALTER TABLE " + table +
                                         " ALTER COLUMN \"Wide \"\"c\"\"\" TYPE char(24); " +
                                         "CREATE DOMAIN public.c1 AS char(1); ALTER TABLE " +
                                         table + " ALTER COLUMN one TYPE public.c1"));
  const std::string oracle = Cluster().CreateDatabase("charpad_oracle");
  ASSERT_TRUE(RestoreFrom(oracle, archive, {"--schema-only"}));
  ASSERT_TRUE(Cluster().Psql(oracle, "ALTER TABLE " + table +
                                         " ALTER COLUMN \"Wide \"\"c\"\"\" TYPE char(24); " +
                                         "CREATE DOMAIN public.c1 AS char(1); ALTER TABLE " +
                                         table + " ALTER COLUMN one TYPE public.c1"));
  const std::string pg_archive = dir.File("a.pgdump");
  CommandResult d = RunCommand({Cluster().Bin("pg_dump"), "-Fc", "--data-only", "-f", pg_archive,
                                "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  CommandResult p = RunCommand(
      {Cluster().Bin("pg_restore"), "--data-only", "-d", Cluster().ConnInfo(oracle), pg_archive});
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  r = Nrestore({"-d", Cluster().ConnInfo(target), "--data-only", archive});
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_SAME_DATABASE(oracle, target);
  EXPECT_EQ(Cluster().Query(target, "SELECT octet_length(\"Wide \"\"c\"\"\"::bytea) FROM " + table +
                                        " WHERE id = 1"),
            "24");
}

}  // namespace
}  // namespace ndump_test
