// Security labels.
//
// SecurityLabels.DumpedAsPgDumpDumpsThem: the dump side, for providers that cannot be loaded
// here. Labels are put straight into pg_seclabel (as a superuser may), and the SECURITY LABEL
// statements of `nrestore -f` must name the same objects with the same labels as those of
// `pg_dump --schema-only`, the oracle.
//
// SecurityLabelRoundTrip.*: real round trips. The project's own provider "ndump_test"
// (tests/seclabel/ndump_seclabel.c, built by CMake into NDUMP_SECLABEL_MODULE) is installed into
// the server's library directory and preloaded by every new session of this binary's cluster
// (fixture load, nrestore's connections, psql running a script). The fixture tests/sql/seclabel.sql
// labels every kind that takes a label; source and copy must be the same for the oracle (pg_dump
// --schema-only, which shows the labels, and the rows) and have the same labels in pg_seclabels
// (which also shows those on large objects, data that --schema-only leaves out). The database's
// own label (pg_shseclabel) is restored with nrestore -C only, checked against
// `pg_dump --create --schema-only`.
#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/extension.h"
#include "tools.h"

namespace ndump_test {
namespace {

// The SECURITY LABEL statements of a script, without double quotes (pg_dump quotes only where
// needed, ndump always; the names in this test need no quotes), sorted.
std::vector<std::string> LabelStatements(const std::string& script) {
  std::vector<std::string> out;
  std::istringstream in(script);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("SECURITY LABEL FOR ", 0) != 0) continue;
    line.erase(std::remove(line.begin(), line.end(), '"'), line.end());
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(SecurityLabels, DumpedAsPgDumpDumpsThem) {
  const std::string db = Cluster().CreateDatabase("labels");
  ASSERT_TRUE(Cluster().Psql(db, R"sql(
CREATE SCHEMA lab;
CREATE TABLE lab.t (id integer, note text);
CREATE VIEW lab.v AS SELECT id FROM lab.t;
CREATE MATERIALIZED VIEW lab.mv AS SELECT id FROM lab.t;
CREATE SEQUENCE lab.s;
CREATE TYPE lab.e AS ENUM ('a');
CREATE DOMAIN lab.d AS integer;
CREATE FUNCTION lab.f(integer, text) RETURNS integer LANGUAGE sql RETURN $1;
CREATE PROCEDURE lab.p() LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE AGGREGATE lab.agg(integer) (sfunc = int4pl, stype = integer);
CREATE FOREIGN DATA WRAPPER lab_fdw;
CREATE SERVER lab_srv FOREIGN DATA WRAPPER lab_fdw;
CREATE FOREIGN TABLE lab.ft (a integer) SERVER lab_srv;
CREATE PUBLICATION lab_pub;
CREATE FUNCTION lab.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
CREATE EVENT TRIGGER lab_evt ON ddl_command_end EXECUTE FUNCTION lab.on_ddl();
INSERT INTO pg_catalog.pg_seclabel (objoid, classoid, objsubid, provider, label) VALUES
  ('lab.t'::regclass, 'pg_class'::regclass, 0, 'dummy', 'table label'),
  ('lab.t'::regclass, 'pg_class'::regclass, 2, 'dummy', 'it''s a column'),
  ('lab.t'::regclass, 'pg_class'::regclass, 0, 'other', 'second provider'),
  ('lab.v'::regclass, 'pg_class'::regclass, 0, 'dummy', 'view'),
  ('lab.mv'::regclass, 'pg_class'::regclass, 0, 'dummy', 'matview'),
  ('lab.s'::regclass, 'pg_class'::regclass, 0, 'dummy', 'sequence'),
  ('lab.ft'::regclass, 'pg_class'::regclass, 0, 'dummy', 'foreign table'),
  ('lab.e'::regtype, 'pg_type'::regclass, 0, 'dummy', 'enum'),
  ('lab.d'::regtype, 'pg_type'::regclass, 0, 'dummy', 'domain'),
  ('lab.f(integer, text)'::regprocedure, 'pg_proc'::regclass, 0, 'dummy', 'function'),
  ('lab.p()'::regprocedure, 'pg_proc'::regclass, 0, 'dummy', 'procedure'),
  ('lab.agg(integer)'::regprocedure, 'pg_proc'::regclass, 0, 'dummy', 'aggregate'),
  ('lab'::regnamespace, 'pg_namespace'::regclass, 0, 'dummy', 'schema'),
  ((SELECT oid FROM pg_publication WHERE pubname = 'lab_pub'), 'pg_publication'::regclass, 0,
   'dummy', 'publication'),
  ((SELECT oid FROM pg_event_trigger WHERE evtname = 'lab_evt'), 'pg_event_trigger'::regclass,
   0, 'dummy', 'event trigger');
)sql"));
  ScopedTempDir dir;
  const std::string archive = dir.File("labels.ndump");
  ASSERT_TRUE(DumpTo(db, archive, {}));
  CommandResult script = Nrestore({"-f", "-", archive});
  ASSERT_EQ(script.exit_code, 0) << script.Describe();
  CommandResult oracle =
      RunCommand({Cluster().Bin("pg_dump"), "--schema-only", "-d", Cluster().ConnInfo(db)});
  ASSERT_EQ(oracle.exit_code, 0) << oracle.Describe();
  const std::vector<std::string> ours = LabelStatements(script.out);
  const std::vector<std::string> theirs = LabelStatements(oracle.out);
  EXPECT_EQ(theirs.size(), 15u);  // the oracle sees every label
  EXPECT_EQ(ours, theirs);
}

// "name" quoted as an SQL identifier.
std::string Ident(const std::string& name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

// Rows of pg_seclabels on objects of the current database: not on databases, roles, tablespaces,
// nor on subscriptions of other databases (their labels are in the shared pg_shseclabel too).
constexpr const char* kInDatabase =
    "objtype NOT IN ('database', 'role', 'tablespace') AND (objtype <> 'subscription' OR objoid IN "
    "(SELECT s.oid FROM pg_catalog.pg_subscription s JOIN pg_catalog.pg_database d ON "
    "d.oid = s.subdbid WHERE d.datname = pg_catalog.current_database()))";

// The module built for the server under test: the pg18 pass runs with PG_BINDIR set to
// NDUMP_PG18_BINDIR, whose module was built with that server's headers.
const char* SeclabelModule() {
  const char* bindir = getenv("PG_BINDIR");
  if (bindir != nullptr && *NDUMP_PG18_BINDIR != '\0' &&
      std::string(bindir) == NDUMP_PG18_BINDIR) {
    return NDUMP_SECLABEL_MODULE_PG18;
  }
  return NDUMP_SECLABEL_MODULE;
}

class SecurityLabelRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_STRNE(SeclabelModule(), "")
        << "the label provider tests/seclabel/ndump_seclabel.c was not built: it needs the "
           "PostgreSQL server headers (install postgresql-server-dev-15, e.g. with "
           "scripts/setup.sh, then configure the build again)";
    ASSERT_TRUE(InstallServerModule(SeclabelModule()));
    ASSERT_TRUE(PreloadInNewSessions("ndump_seclabel"));
  }

  // The labels of `db` on objects inside it (kInDatabase), as text: one row per label.
  static std::string Labels(const std::string& db) {
    return Cluster().Query(db,
                           "SELECT objtype, objname, provider, label FROM pg_catalog.pg_seclabels "
                           "WHERE " +
                               std::string(kInDatabase) + " ORDER BY objtype, objname, provider");
  }

  // The labels on the database `db` itself.
  static std::string DatabaseLabels(const std::string& db) {
    return Cluster().Query(
        "postgres",
        "SELECT l.provider, l.label FROM pg_catalog.pg_shseclabel l "
        "JOIN pg_catalog.pg_database d ON d.oid = l.objoid "
        "WHERE l.classoid = 'pg_catalog.pg_database'::pg_catalog.regclass AND d.datname = " +
            Literal(db) + " ORDER BY l.provider");
  }

  static std::string Literal(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
      if (c == '\'') q += '\'';
      q += c;
    }
    return q + "'";
  }

  // Drops the database `db`, first its subscription (of the fixture), which DROP DATABASE refuses
  // to drop with it.
  static ::testing::AssertionResult DropDatabase(const std::string& db) {
    if (auto r = Cluster().Psql(db, "DROP SUBSCRIPTION IF EXISTS \"Lab \"\"sub\"\"\";"); !r)
      return r;
    return Cluster().Psql("postgres", "DROP DATABASE " + Ident(db) + " WITH (FORCE);");
  }

  // pg_dump --create --schema-only of `db`, without the random \restrict / \unrestrict lines.
  static std::string CreateDump(const std::string& db) { return SchemaDump(db, {"--create"}); }
};

TEST_F(SecurityLabelRoundTrip, DirectAndThroughScript) {
  const std::string src = NewLoadedDatabase("seclabel.sql", "labsrc");
  const std::string labels = Labels(src);
  // The fixture really labelled its objects: 23 labels, every kind.
  EXPECT_EQ(Cluster().Query(src, "SELECT count(*) FROM pg_catalog.pg_seclabels WHERE " +
                                     std::string(kInDatabase)),
            "23")
      << labels;
  for (const char* kind :
       {"schema", "table", "column", "view", "materialized view", "sequence", "foreign table",
        "type", "domain", "function", "procedure", "aggregate", "language", "event trigger",
        "publication", "subscription", "large object"}) {
    EXPECT_NE(labels.find(std::string(kind) + "|"), std::string::npos) << kind;
  }
  ScopedTempDir dir;
  const std::string archive = dir.File("labels.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));

  const std::string copy = Cluster().CreateDatabase("labcopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
  EXPECT_EQ(Labels(copy), labels);

  const std::string script = dir.File("restore.sql");
  CommandResult r = Nrestore({"-f", script, archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string scripted = Cluster().CreateDatabase("labscript");
  ASSERT_TRUE(Cluster().PsqlFile(scripted, script));
  EXPECT_SAME_DATABASE(src, scripted);
  EXPECT_EQ(Labels(scripted), labels);

  // --no-security-labels leaves them all out, and nothing else.
  const std::string bare_archive = dir.File("bare.ndump");
  ASSERT_TRUE(DumpTo(src, bare_archive, {"--no-security-labels"}));
  const std::string bare = Cluster().CreateDatabase("labbare");
  ASSERT_TRUE(RestoreFrom(bare, bare_archive));
  EXPECT_EQ(Labels(bare), "");
  EXPECT_EQ(DataReport(bare), DataReport(src));
}

// The database's own label (pg_shseclabel) goes with the database: restored by nrestore -C,
// directly and through a script, as pg_dump --create shows it; never into another database.
TEST_F(SecurityLabelRoundTrip, DatabaseLabelWithCreate) {
  const std::string name = Cluster().CreateDatabase("labdb") + " \"Lab\" db'\xc3\xbc";
  ASSERT_TRUE(Cluster().CreateDatabaseNamed(name));
  ASSERT_TRUE(Cluster().PsqlFile(name, SqlPath("seclabel.sql")));
  ASSERT_TRUE(Cluster().Psql(name, "SECURITY LABEL FOR ndump_test ON DATABASE " + Ident(name) +
                                       " IS 'it''s \"need to know\"; eyes only';\n"
                                       "COMMENT ON DATABASE " +
                                       Ident(name) + " IS 'labelled';"));
  const std::string before = CreateDump(name);
  ASSERT_NE(before.find("SECURITY LABEL FOR ndump_test ON DATABASE"), std::string::npos) << before;
  const std::string db_labels = DatabaseLabels(name);
  ASSERT_EQ(db_labels, "ndump_test|it's \"need to know\"; eyes only");
  const std::string labels = Labels(name);
  ScopedTempDir dir;
  const std::string archive = dir.File("db.ndump");
  ASSERT_TRUE(DumpTo(name, archive));

  // Without -C the database entries, its label with them, are not restored.
  const std::string plain = Cluster().CreateDatabase("labplain");
  ASSERT_TRUE(RestoreFrom(plain, archive));
  EXPECT_EQ(DatabaseLabels(plain), "");
  EXPECT_EQ(Labels(plain), labels);

  // nrestore -C: the database made again under its name, label and all.
  const std::string kept = name + " kept";
  ASSERT_TRUE(Cluster().Psql("postgres",
                             "ALTER DATABASE " + Ident(name) + " RENAME TO " + Ident(kept) + ";"));
  CommandResult n = Nrestore({"-C", "-d", Cluster().ConnInfo("postgres"), archive});
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  EXPECT_EQ(CreateDump(name), before);
  EXPECT_EQ(DatabaseLabels(name), db_labels);
  EXPECT_EQ(Labels(name), labels);
  EXPECT_SAME_DATABASE(kept, name);

  // The same through a script: CREATE DATABASE, \connect, the rest.
  ASSERT_TRUE(DropDatabase(name));
  const std::string script = dir.File("create.sql");
  CommandResult w = Nrestore({"-C", "-f", script, archive});
  ASSERT_EQ(w.exit_code, 0) << w.Describe();
  ASSERT_TRUE(Cluster().PsqlFile("postgres", script));
  EXPECT_EQ(CreateDump(name), before);
  EXPECT_EQ(DatabaseLabels(name), db_labels);
  EXPECT_SAME_DATABASE(kept, name);

  EXPECT_TRUE(DropDatabase(name));
  EXPECT_TRUE(DropDatabase(kept));
}

}  // namespace
}  // namespace ndump_test
