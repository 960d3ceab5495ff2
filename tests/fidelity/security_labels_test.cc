// Security labels, dump side. No label provider can be loaded here (dummy_seclabel is not in
// Debian's postgresql-15, sepgsql needs SELinux), so SECURITY LABEL cannot run on a restore and
// there is no round trip. What can be checked is what ndump writes: labels are put straight into
// pg_seclabel (as a superuser may), and the SECURITY LABEL statements of `nrestore -f` must name
// the same objects with the same labels as those of `pg_dump --schema-only`, the oracle.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ndump_test
