// Primary keys and unique constraints whose index a restore builds on its own (archive format
// 1.2, TOC fields index_sql and attach_sql): which constraints ndump gives that form and its
// exact statements, that a restore with one or two connections gives the source database back,
// and that an index build that fails is one error, with no attempt to attach the index.
#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "archive_toc.h"
#include "catalog/reader.h"
#include "libdump/format/archive.h"
#include "pg/pg.h"
#include "tools.h"

namespace ndump_test {
namespace {

// One table per case: what the server accepts as CREATE UNIQUE INDEX + ADD CONSTRAINT ... USING
// INDEX, and what it refuses or would build differently (deferrable, INCLUDE, NULLS NOT
// DISTINCT, partitioned tables and their partitions, exclusion constraints).
constexpr const char* kTablesSql =
    "CREATE SCHEMA \"we ird\";"
    "CREATE TABLE \"we ird\".\"Tab le\" (\"i d\" int, \"sel\"\"ect\" text NOT NULL, \"é\" date NOT "
    "NULL,"
    "  CONSTRAINT \"P k\" PRIMARY KEY (\"i d\"),"
    "  CONSTRAINT \"ü nique\" UNIQUE (\"sel\"\"ect\", \"é\") WITH (fillfactor = 70));"
    // About 13 MB of COPY text: enough for a restore to build its keys apart.
    "INSERT INTO \"we ird\".\"Tab le\" SELECT g, 'v' || g || repeat('x', 200), "
    "  DATE '2000-01-01' + g FROM generate_series(1, 60000) g;"
    "CREATE INDEX \"Tab le_é\" ON \"we ird\".\"Tab le\" (\"é\");"
    "CREATE TABLE deferred (a int, CONSTRAINT deferred_a UNIQUE (a) WITH (fillfactor = 80) "
    "DEFERRABLE INITIALLY DEFERRED);"
    "CREATE TABLE included (a int, b int, CONSTRAINT included_pk PRIMARY KEY (a) INCLUDE (b));"
    "CREATE TABLE nnd (a int, CONSTRAINT nnd_a UNIQUE NULLS NOT DISTINCT (a));"
    "CREATE TABLE parted (a int, CONSTRAINT parted_pk PRIMARY KEY (a)) PARTITION BY RANGE (a);"
    "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);"
    "ALTER TABLE parted_1 ADD CONSTRAINT parted_1_u UNIQUE (a);"
    "INSERT INTO parted SELECT g FROM generate_series(0, 99) g;"
    "CREATE TABLE excl (r int4range, EXCLUDE USING gist (r WITH &&));"
    "CREATE TABLE child (id int PRIMARY KEY,"
    "  t int REFERENCES \"we ird\".\"Tab le\" (\"i d\"));"
    "COMMENT ON INDEX \"we ird\".\"P k\" IS 'the key';"
    "ALTER TABLE \"we ird\".\"Tab le\" CLUSTER ON \"P k\";"
    "ALTER TABLE \"we ird\".\"Tab le\" REPLICA IDENTITY USING INDEX \"ü nique\";";

// The CONSTRAINT entries of an archive by name ("table constraint"), and its header.
std::map<std::string, libdump::format::TocEntry> Constraints(const std::string& archive,
                                                             libdump::format::ArchiveHeader* h) {
  std::map<std::string, libdump::format::TocEntry> out;
  for (auto& e : ArchiveToc(archive, h)) {
    if (e.kind == "CONSTRAINT") out[e.name] = std::move(e);
  }
  return out;
}

TEST(ConstraintIndex, CatalogSaysWhichKeysTheServerCanAttach) {
  const std::string db = Cluster().CreateDatabase("conidxcat");
  ASSERT_TRUE(Cluster().Psql(db, kTablesSql));
  libdump::ConnectionOptions options;
  options.dbname = Cluster().ConnInfo(db);
  auto conn = libdump::pg::PgConn::Connect(options, "");
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE((*conn)
                  ->Command("BEGIN ISOLATION LEVEL REPEATABLE READ; "
                            "SELECT pg_catalog.set_config('search_path', '', false);")
                  .ok());
  auto cat = libdump::catalog::ReadCatalog(**conn);
  ASSERT_TRUE(cat.ok()) << cat.status().ToString();
  std::map<std::string, bool> attachable;  // "table constraint" -> attachable
  for (const auto& t : cat->tables) {
    for (const auto& c : t.constraints) {
      if (c.type == 'p' || c.type == 'u' || c.type == 'x') {
        attachable[t.name + " " + c.name] = c.attachable;
      }
    }
  }
  EXPECT_EQ(attachable, (std::map<std::string, bool>{{"Tab le P k", true},
                                                     {"Tab le ü nique", true},
                                                     {"child child_pkey", true},
                                                     {"deferred deferred_a", false},
                                                     {"excl excl_r_excl", false},
                                                     {"included included_pk", false},
                                                     {"nnd nnd_a", false},
                                                     {"parted parted_pk", false},
                                                     {"parted_1 parted_1_pkey", false},
                                                     {"parted_1 parted_1_u", false}}));
}

TEST(ConstraintIndex, OnlyConstraintsTheServerCanAttachHaveTheTwoStatements) {
  const std::string src = Cluster().CreateDatabase("conidx");
  ASSERT_TRUE(Cluster().Psql(src, kTablesSql));
  ScopedTempDir dir;
  const std::string archive = dir.File("conidx.ndump");
  // Without row fingerprints (1.5), the archive claims the version its TOC needs (§12).
  ASSERT_TRUE(DumpTo(src, archive, {"--no-row-fingerprints"}));
  libdump::format::ArchiveHeader h;
  const auto cons = Constraints(archive, &h);
  EXPECT_EQ(h.format_minor, 2);

  ASSERT_EQ(cons.count("Tab le P k"), 1u);
  const auto& pk = cons.at("Tab le P k");
  EXPECT_EQ(pk.index_sql,
            "CREATE UNIQUE INDEX \"P k\" ON \"we ird\".\"Tab le\" USING btree (\"i d\");\n");
  EXPECT_EQ(pk.attach_sql,
            "ALTER TABLE ONLY \"we ird\".\"Tab le\"\n"
            "    ADD CONSTRAINT \"P k\" PRIMARY KEY USING INDEX \"P k\";\n");
  // create_sql stays what pg_dump writes (and what a script gets).
  EXPECT_EQ(pk.create_sql,
            "ALTER TABLE ONLY \"we ird\".\"Tab le\"\n"
            "    ADD CONSTRAINT \"P k\" PRIMARY KEY (\"i d\");\n");

  ASSERT_EQ(cons.count("Tab le ü nique"), 1u);
  const auto& uq = cons.at("Tab le ü nique");
  EXPECT_EQ(uq.index_sql,
            "CREATE UNIQUE INDEX \"ü nique\" ON \"we ird\".\"Tab le\" USING btree "
            "(\"sel\"\"ect\", \"é\") WITH (fillfactor='70');\n");
  EXPECT_EQ(uq.attach_sql,
            "ALTER TABLE ONLY \"we ird\".\"Tab le\"\n"
            "    ADD CONSTRAINT \"ü nique\" UNIQUE USING INDEX \"ü nique\";\n");
  // Not on a small table (a restore would not use them), nor where the server refuses the form.
  for (const char* name :
       {"child child_pkey", "deferred deferred_a", "included included_pk", "nnd nnd_a",
        "parted parted_pk", "parted_1 parted_1_u", "parted_1 parted_1_pkey"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(cons.count(name), 1u);
    EXPECT_EQ(cons.at(name).index_sql, "");
    EXPECT_EQ(cons.at(name).attach_sql, "");
  }
  for (const auto& [name, e] : cons) {
    if (name.starts_with("excl ")) {
      EXPECT_EQ(e.index_sql, "") << name;
    }
  }

  // An archive without such a constraint stays a 1.1 archive.
  const std::string plain = Cluster().CreateDatabase("conidxplain");
  ASSERT_TRUE(Cluster().Psql(plain, "CREATE TABLE t (a int UNIQUE DEFERRABLE)"));
  const std::string plain_archive = dir.File("plain.ndump");
  ASSERT_TRUE(DumpTo(plain, plain_archive, {"--no-row-fingerprints"}));
  libdump::format::ArchiveHeader ph;
  EXPECT_EQ(Constraints(plain_archive, &ph).size(), 1u);
  EXPECT_EQ(ph.format_minor, 1);
}

// Records the DDL a restore runs in the target (tag and object), through an event trigger.
constexpr const char* kAuditSql =
    "CREATE SCHEMA audit; CREATE TABLE audit.log (tag text, ident text);"
    "CREATE FUNCTION audit.f() RETURNS event_trigger LANGUAGE plpgsql AS $$"
    "DECLARE r record; BEGIN FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP "
    "INSERT INTO audit.log VALUES (r.command_tag, r.object_identity); END LOOP; END$$;"
    "CREATE EVENT TRIGGER audit_ddl ON ddl_command_end EXECUTE FUNCTION audit.f();";
constexpr const char* kUnauditSql = "DROP EVENT TRIGGER audit_ddl; DROP SCHEMA audit CASCADE;";

// Which of the key indexes the restore built with CREATE INDEX (the two-statement form).
std::string KeysBuiltApart(const std::string& db) {
  return Cluster().Query(db,
                         "SELECT coalesce(string_agg(ident, ',' ORDER BY ident), '') "
                         "FROM audit.log WHERE tag = 'CREATE INDEX' AND ident IN "
                         "('\"we ird\".\"P k\"', '\"we ird\".\"ü nique\"', 'public.child_pkey')");
}

TEST(ConstraintIndex, RestoreGivesTheSourceBackOnOneOrTwoConnections) {
  const std::string src = Cluster().CreateDatabase("conidxrt");
  ASSERT_TRUE(Cluster().Psql(src, kTablesSql));
  ScopedTempDir dir;
  const std::string archive = dir.File("conidxrt.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    const std::string copy = Cluster().CreateDatabase(std::string("conidxrt") + jobs);
    ASSERT_TRUE(RestoreFrom(copy, archive, {"--section", "pre-data"}));
    ASSERT_TRUE(Cluster().Psql(copy, kAuditSql));
    ASSERT_TRUE(
        RestoreFrom(copy, archive, {"--section", "data", "--section", "post-data", "-j", jobs}));
    // With two connections the keys of the big table are built apart, then attached; the small
    // table's key (and everything on one connection) is added as pg_dump writes it.
    EXPECT_EQ(KeysBuiltApart(copy),
              std::string(jobs) == "2" ? "\"we ird\".\"P k\",\"we ird\".\"ü nique\"" : "");
    ASSERT_TRUE(Cluster().Psql(copy, kUnauditSql));
    EXPECT_SAME_DATABASE(src, copy);
    // The key's index is the constraint's.
    EXPECT_EQ(Cluster().Query(copy,
                              "SELECT i.indisprimary::text || ' ' || c.conname "
                              "FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid "
                              "WHERE c.conname = 'P k'"),
              "true P k");
  }
}

TEST(ConstraintIndex, AFailedIndexBuildIsOneErrorAndIsNotAttached) {
  const std::string src = Cluster().CreateDatabase("conidxfail");
  ASSERT_TRUE(Cluster().Psql(src,
                             "CREATE TABLE t (id int PRIMARY KEY, v text);"
                             "CREATE INDEX t_v ON t (v);"
                             // Over 8 MB, and a second index: with two connections the key
                             // is built apart (as RestoreGivesTheSourceBack... shows).
                             "INSERT INTO t SELECT g, 'v' || g || repeat('y', 100) "
                             "  FROM generate_series(1, 80000) g;"));
  ScopedTempDir dir;
  const std::string archive = dir.File("conidxfail.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  std::map<std::string, std::string> errors;
  for (const char* jobs : {"1", "2"}) {
    SCOPED_TRACE(jobs);
    // The table without its key, holding a row the data repeats: the key's build fails.
    const std::string copy = Cluster().CreateDatabase(std::string("conidxfail") + jobs);
    ASSERT_EQ(
        Nrestore({"--section", "pre-data", "-d", Cluster().ConnInfo(copy), archive}).exit_code,
        kExitOk);
    ASSERT_TRUE(Cluster().Psql(copy, "INSERT INTO t VALUES (7, 'again')"));
    const CommandResult r = Nrestore({"--section", "data", "--section", "post-data", "-j", jobs,
                                      "-d", Cluster().ConnInfo(copy), archive});
    EXPECT_EQ(r.exit_code, kExitError) << r.Describe();
    EXPECT_NE(r.err.find("CONSTRAINT public.t t_pkey"), std::string::npos) << r.Describe();
    EXPECT_NE(r.err.find("could not create unique index \"t_pkey\""), std::string::npos)
        << r.Describe();
    EXPECT_NE(r.err.find("errors ignored on restore: 1\n"), std::string::npos) << r.Describe();
    EXPECT_EQ(r.err.find("does not exist"), std::string::npos) << r.Describe();
    // Everything else is there: the rows and the other index; no key and no index of its name.
    EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM t"), "80001");
    EXPECT_EQ(Cluster().Query(copy,
                              "SELECT string_agg(indexrelid::regclass::text, ',') "
                              "FROM pg_index WHERE indrelid = 't'::regclass"),
              "t_v");
  }
}

}  // namespace
}  // namespace ndump_test
