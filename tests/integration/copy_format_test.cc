// ndump --copy-format binary: which tables get COPY's binary format, and that they come back
// exactly, whole or in chunks, while a psql script refuses them.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "archive_toc.h"
#include "tools.h"

namespace ndump_test {
namespace {

// Tables of every kind the format choice must tell apart, with hostile names.
constexpr const char* kTablesSql = R"sql(
CREATE SCHEMA "Bin ""Schema""";
CREATE TYPE "Bin ""Schema""".mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN "Bin ""Schema""".posint AS integer CHECK (VALUE > 0);
CREATE TYPE "Bin ""Schema""".pair AS (a integer, b text);
CREATE TABLE "Bin ""Schema"""."Safe Types" (
  id bigint PRIMARY KEY, i2 smallint, i4 integer, n numeric(12, 3), f4 real, f8 double precision,
  t text, vc varchar(20), c char(5), b boolean, ts timestamp, tz timestamptz, d date,
  tm time, ttz timetz, iv interval, by bytea, u uuid, j json, jb jsonb, ia integer[],
  ta text[], r int4range, tr tstzrange, p point, bx box, ip inet, cd cidr, m money,
  bits bit(4), vb varbit, tsv tsvector, lsn pg_lsn, gen integer GENERATED ALWAYS AS (i4 * 2) STORED);
INSERT INTO "Bin ""Schema"""."Safe Types" (id, i2, i4, n, f4, f8, t, vc, c, b, ts, tz, d, tm, ttz,
  iv, by, u, j, jb, ia, ta, r, tr, p, bx, ip, cd, m, bits, vb, tsv, lsn)
SELECT g, g % 100, g * 7, g / 3.0, g / 7.0, 'NaN'::float8 * (g % 2) + g, 'row ' || g || E'\t"tab"\\',
  'v' || g, 'c', g % 2 = 0, '2024-01-01'::timestamp + g * interval '1 minute',
  '2024-01-01 00:00+05'::timestamptz + g * interval '1 hour', '2024-01-01'::date + g,
  '12:34:56', '12:34:56+02', g * interval '1 day 3 seconds', decode(md5(g::text), 'hex'),
  md5(g::text)::uuid, '{"a": [1, 2, "x"]}', jsonb_build_object('k', g, 'u', 'ünï'),
  ARRAY[g, NULL, -g], ARRAY['a', NULL, 'b c'], int4range(g, g + 10), NULL, point(g, -g),
  box(point(0, 0), point(g, g)), '10.0.0.1', '192.168.0.0/16', g * 1.25, B'1010', B'10',
  to_tsvector('simple', 'row ' || g), ('0/' || to_hex(g))::pg_lsn
FROM generate_series(1, 3000) AS g;
INSERT INTO "Bin ""Schema"""."Safe Types" (id) VALUES (0);
CREATE TABLE "Bin ""Schema""".empty (a integer, b text);
CREATE TABLE "Bin ""Schema""".enums (id integer, m "Bin ""Schema""".mood);
INSERT INTO "Bin ""Schema""".enums VALUES (1, 'happy'), (2, NULL);
CREATE TABLE "Bin ""Schema""".domains (id integer, v "Bin ""Schema""".posint);
INSERT INTO "Bin ""Schema""".domains VALUES (1, 5);
CREATE TABLE "Bin ""Schema""".composites (id integer, p "Bin ""Schema""".pair);
INSERT INTO "Bin ""Schema""".composites VALUES (1, ROW(1, 'x'));
CREATE TABLE "Bin ""Schema""".oids (id integer, c regclass, t regtype[]);
INSERT INTO "Bin ""Schema""".oids VALUES (1, 'pg_class', ARRAY['int4'::regtype]);
CREATE TABLE "Bin ""Schema""".xmls (id integer, x xml);
INSERT INTO "Bin ""Schema""".xmls VALUES (1, '<a>ü</a>');
)sql";

// Each TABLE DATA entry's table name -> whether its COPY reads the binary format (a split table
// counts once, and all its chunks must agree).
std::map<std::string, bool> BinaryTables(const std::string& archive) {
  std::map<std::string, bool> out;
  for (const auto& e : ArchiveToc(archive)) {
    if (e.kind != "TABLE DATA") continue;
    const bool binary = e.copy_sql.ends_with(" WITH (FORMAT binary);");
    auto [it, inserted] = out.emplace(e.name, binary);
    EXPECT_TRUE(inserted || it->second == binary) << e.name << ": chunks in different formats";
  }
  return out;
}

std::string LoadedDatabase() {
  const std::string db = Cluster().CreateDatabase("copyfmt");
  EXPECT_TRUE(Cluster().Psql(db, kTablesSql));
  return db;
}

TEST(CopyFormat, BinaryOnlyWhereEveryColumnHasASafeBuiltInType) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("bin.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--copy-format", "binary"}));
  const std::map<std::string, bool> expected = {
      {"Safe Types", true},  {"empty", true}, {"enums", false}, {"domains", false},
      {"composites", false}, {"oids", false}, {"xmls", false}};
  EXPECT_EQ(BinaryTables(archive), expected);
  // The default stays text.
  const std::string text = dir.File("text.ndump");
  ASSERT_TRUE(DumpTo(src, text, {}));
  for (const auto& [name, binary] : BinaryTables(text)) EXPECT_FALSE(binary) << name;
}

TEST(CopyFormat, BinaryRoundTripWholeAndSplitIsIdentical) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  // A split size of a few pages cuts "Safe Types" into chunks, each its own binary COPY.
  for (const std::string split : {"64", "0.05"}) {
    SCOPED_TRACE("split size " + split);
    const std::string archive = dir.File("bin" + split + ".ndump");
    ASSERT_TRUE(
        DumpTo(src, archive, {"--copy-format", "binary", "-j", "2", "--split-size", split}));
    const std::string copy = Cluster().CreateDatabase("copyfmtcopy");
    ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
    EXPECT_SAME_DATABASE(src, copy);
  }
}

TEST(CopyFormat, BinaryRowsAreCountedWithoutHeaderOrTrailer) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  // 3,001 rows in "Safe Types" and none in "empty": the trailer message of each COPY, and the
  // header that shares the trailer's message when a table is empty, are not rows.
  CommandResult r =
      Ndump({"--copy-format", "binary", "-v", "--progress=never", "-t",
             "\"Bin \"\"Schema\"\"\".\"Safe Types\"", "-t", "\"Bin \"\"Schema\"\"\".empty", "-f",
             dir.File("rows.ndump"), "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find(" 2 tables, 3,001 rows"), std::string::npos) << r.err;
}

TEST(CopyFormat, ScriptRefusesBinaryDataAndNamesTheTable) {
  const std::string src = LoadedDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("bin.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--copy-format", "binary"}));
  const std::string script = dir.File("out.sql");
  CommandResult r = Nrestore({"-f", script, archive});
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  EXPECT_NE(r.err.find("TABLE DATA Bin \"Schema\".Safe Types"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("binary"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(script));
  // Tables kept in text still go through a script, and so does the schema alone.
  r = Nrestore({"-f", "-", "-t", "enums", archive});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("COPY \"Bin \"\"Schema\"\"\".enums"), std::string::npos) << r.out;
  r = Nrestore({"-f", "-", "-s", archive});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
}

}  // namespace
}  // namespace ndump_test
