// ndumpall and nrestore with cluster archives (archive_format.md §14): a source cluster with
// roles (hostile names, passwords, memberships both ways, 16+ grant options, grantors), a
// tablespace and databases with settings, ACLs, comments and hostile names -> ndumpall -> a
// second throwaway cluster -> pg_dumpall --globals-only of both identical (the tablespace's
// location is the one thing moved on purpose), every database's pg_dump --create --schema-only
// identical and its rows the same.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ndump_test/cluster.h"
#include "ndump_test/compare.h"
#include "ndump_test/process.h"

namespace ndump_test {
namespace {

std::string Tool(const char* name) { return std::string(NDUMP_TOOLS_DIR) + "/" + name; }

std::vector<std::string> ConnArgs(const TestCluster& c) {
  return {"-h", c.socket_dir(), "-p", std::to_string(c.port()), "-U", "postgres"};
}

CommandResult RunOn(std::vector<std::string> argv, const TestCluster& c,
                    const RunOptions& options = {}) {
  const std::vector<std::string> conn = ConnArgs(c);
  argv.insert(argv.begin() + 1, conn.begin(), conn.end());
  return RunCommand(argv, options);
}

// Output of a PostgreSQL program without pg_dump 15.14+'s random \restrict key lines.
std::string WithoutRestrict(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("\\restrict ", 0) == 0 || line.rfind("\\unrestrict ", 0) == 0) continue;
    out += line + "\n";
  }
  return out;
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string Globals(const TestCluster& c) {
  const CommandResult r = RunOn({c.Bin("pg_dumpall"), "--globals-only"}, c);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return WithoutRestrict(r.out);
}

std::string Schema(const TestCluster& c, const std::string& db) {
  const CommandResult r = RunOn({c.Bin("pg_dump"), "--create", "--schema-only", "-d", db}, c);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return WithoutRestrict(r.out);
}

// Every user table's rows, as one sorted text per table.
std::string Rows(const TestCluster& c, const std::string& db) {
  return c.Query(db,
                 "SELECT string_agg(format('%I.%I', n.nspname, t.relname) || ': ' || "
                 "(xpath('/row/h/text()', query_to_xml(format('SELECT md5(coalesce(string_agg("
                 "x::text, '','' ORDER BY x::text), '''')) AS h FROM %I.%I x', n.nspname, "
                 "t.relname), false, true, '')))[1]::text, E'\\n' ORDER BY 1) "
                 "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                 "WHERE t.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', "
                 "'information_schema') AND n.nspname !~ '^pg_toast'");
}

// A directory the server (running as postgres) may use as a tablespace location.
std::string ServerDir(const std::string& parent, const std::string& name) {
  const std::string dir = parent + "/" + name;
  EXPECT_EQ(::mkdir(dir.c_str(), 0700), 0) << dir;
  if (::geteuid() == 0) {
    EXPECT_EQ(RunCommand({"chown", "postgres", dir}).exit_code, 0);
  }
  return dir;
}

int ServerVersion(const TestCluster& c) {
  return std::stoi(c.Query("postgres", "SHOW server_version_num"));
}

// The source cluster's global objects and databases (the test binary's own cluster).
void MakeSourceCluster(const TestCluster& c, const std::string& tablespace_dir) {
  ASSERT_TRUE(c.Psql("postgres", R"SQL(
CREATE ROLE "we""ird role" LOGIN PASSWORD 'secret' CONNECTION LIMIT 3 VALID UNTIL '2030-01-01';
CREATE ROLE "grp; DROP ROLE x" NOLOGIN CREATEDB;
CREATE ROLE adm SUPERUSER REPLICATION BYPASSRLS CREATEROLE NOINHERIT;
CREATE ROLE "Ünï code" LOGIN;
GRANT "grp; DROP ROLE x" TO "we""ird role" WITH ADMIN OPTION;
GRANT "we""ird role" TO adm;
ALTER ROLE "grp; DROP ROLE x" SET work_mem = '8MB';
ALTER ROLE "grp; DROP ROLE x" SET search_path = a, "B c";
COMMENT ON ROLE "grp; DROP ROLE x" IS 'the group''s comment';
GRANT SET ON PARAMETER work_mem TO "grp; DROP ROLE x";
GRANT ALTER SYSTEM ON PARAMETER log_min_duration_statement TO adm WITH GRANT OPTION;
)SQL"));
  if (ServerVersion(c) >= 160000) {
    // 16+: grant options, and a grant whose grantor is not the bootstrap superuser, which a
    // restore can make only after that grantor got ADMIN.
    ASSERT_TRUE(c.Psql("postgres", R"SQL(
GRANT "grp; DROP ROLE x" TO "Ünï code" WITH INHERIT FALSE, SET FALSE;
SET ROLE "we""ird role";
GRANT "grp; DROP ROLE x" TO adm WITH INHERIT FALSE;
RESET ROLE;
)SQL"));
  }
  ASSERT_TRUE(c.Psql("postgres", "CREATE TABLESPACE \"t s\" OWNER \"grp; DROP ROLE x\" LOCATION '" +
                                     tablespace_dir +
                                     "' WITH (seq_page_cost = 2);\n"
                                     "GRANT CREATE ON TABLESPACE \"t s\" TO \"we\"\"ird role\";\n"
                                     "COMMENT ON TABLESPACE \"t s\" IS 'ts comment';"));
  ASSERT_TRUE(c.Psql("postgres", R"SQL(
CREATE DATABASE all_a TABLESPACE "t s" OWNER "grp; DROP ROLE x";
CREATE DATABASE "all b ""x"" ;";
ALTER DATABASE all_a SET search_path = public, x;
ALTER DATABASE all_a CONNECTION LIMIT 7;
ALTER ROLE "we""ird role" IN DATABASE all_a SET work_mem = '16MB';
COMMENT ON DATABASE all_a IS 'database a';
GRANT CONNECT ON DATABASE all_a TO adm;
REVOKE CONNECT ON DATABASE "all b ""x"" ;" FROM PUBLIC;
COMMENT ON DATABASE postgres IS 'the maintenance database';
CREATE TABLE public.in_postgres (a int);
INSERT INTO in_postgres SELECT generate_series(1, 50);
)SQL"));
  ASSERT_TRUE(c.Psql("all_a", R"SQL(
CREATE TABLE t (a int PRIMARY KEY, b text);
INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 2000) g;
ALTER TABLE t OWNER TO "we""ird role";
GRANT SELECT ON t TO "Ünï code";
)SQL"));
  ASSERT_TRUE(c.Psql("all b \"x\" ;", R"SQL(
CREATE SCHEMA "s ""q""";
CREATE TABLE "s ""q"""."t t" (a text);
INSERT INTO "s ""q"""."t t" VALUES ('x'), (NULL), ('tab	and \ backslash');
)SQL"));
}

const std::vector<std::string> kDatabases = {"postgres", "all_a", "all b \"x\" ;"};

TEST(ClusterArchive, RebuildsAClusterWithInitdbAndOneRestore) {
  TestCluster& src = TestCluster::Get();
  ScopedTempDir dir("ndt-all");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const std::string ts_src = ServerDir(dir.path(), "ts_src");
  const std::string ts_dst = ServerDir(dir.path(), "ts_dst");
  ASSERT_NO_FATAL_FAILURE(MakeSourceCluster(src, ts_src));
  const std::string archive = dir.path() + "/cluster.ndump";
  const CommandResult dump = RunOn({Tool("ndumpall/ndumpall"), "-j2", "-f", archive}, src);
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();

  TestCluster dst;
  ASSERT_TRUE(dst.Start());
  const CommandResult restore = RunOn({Tool("nrestore/nrestore"), "-d", "postgres", "-j2",
                                       "--tablespace-mapping=" + ts_src + "=" + ts_dst, archive},
                                      dst);
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();

  // The location is the one thing the restore moved, on purpose.
  const std::string want = Globals(src);
  const std::string got = ReplaceAll(Globals(dst), ts_dst, ts_src);
  EXPECT_NE(want.find("CREATE ROLE \"we\"\"ird role\""), std::string::npos);
  EXPECT_NE(want.find("PASSWORD 'SCRAM-SHA-256"), std::string::npos);
  EXPECT_EQ(want, got) << UnifiedDiff(want, got, "source", "restored");
  for (const std::string& db : kDatabases) {
    const std::string a = Schema(src, db), b = Schema(dst, db);
    EXPECT_EQ(a, b) << db << ":\n" << UnifiedDiff(a, b, "source", "restored");
    EXPECT_EQ(Rows(src, db), Rows(dst, db)) << db;
  }
  EXPECT_EQ(dst.Query("all_a", "SELECT count(*) FROM t"), "2000");
}

// nrestore -f: the same cluster through a psql script, run with psql (which goes on past the
// CREATE ROLE of roles the target has, as with a pg_dumpall script).
TEST(ClusterArchive, ScriptRebuildsTheSameCluster) {
  TestCluster& src = TestCluster::Get();
  ScopedTempDir dir("ndt-all");
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const std::string ts_src = ServerDir(dir.path(), "ts_src");
  const std::string ts_dst = ServerDir(dir.path(), "ts_dst");
  ASSERT_NO_FATAL_FAILURE(MakeSourceCluster(src, ts_src));
  const std::string archive = dir.path() + "/cluster.ndump";
  const std::string script = dir.path() + "/cluster.sql";
  const CommandResult dump = RunOn({Tool("ndumpall/ndumpall"), "-f", archive}, src);
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  const CommandResult write =
      RunCommand({Tool("nrestore/nrestore"), "-f", script,
                  "--tablespace-mapping=" + ts_src + "=" + ts_dst, archive});
  ASSERT_EQ(write.exit_code, 0) << write.Describe();
  ASSERT_EQ(::chmod(script.c_str(), 0644), 0);

  TestCluster dst;
  ASSERT_TRUE(dst.Start());
  const CommandResult psql =
      RunOn({dst.Bin("psql"), "-X", "-q", "-d", "postgres", "-f", script}, dst);
  ASSERT_EQ(psql.exit_code, 0) << psql.Describe();
  const std::string want = Globals(src);
  const std::string got = ReplaceAll(Globals(dst), ts_dst, ts_src);
  EXPECT_EQ(want, got) << UnifiedDiff(want, got, "source", "restored");
  for (const std::string& db : kDatabases) {
    const std::string a = Schema(src, db), b = Schema(dst, db);
    EXPECT_EQ(a, b) << db << ":\n" << UnifiedDiff(a, b, "source", "restored");
    EXPECT_EQ(Rows(src, db), Rows(dst, db)) << db;
  }
}

TEST(ClusterArchive, OneDatabaseFromAPipeWithoutGlobals) {
  TestCluster& src = TestCluster::Get();
  ScopedTempDir dir("ndt-all");
  ASSERT_TRUE(src.Psql("postgres", "CREATE ROLE only_in_source; CREATE DATABASE piped;"));
  ASSERT_TRUE(src.Psql("piped", "CREATE TABLE p (a int); INSERT INTO p VALUES (1), (2), (3);"));
  ASSERT_TRUE(src.Psql("postgres", "CREATE DATABASE other;"));
  const CommandResult dump = RunOn({Tool("ndumpall/ndumpall"), "-Z", "1"}, src);
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();

  TestCluster dst;
  ASSERT_TRUE(dst.Start());
  RunOptions pipe;
  pipe.stdin_data = dump.out;
  const CommandResult restore = RunOn(
      {Tool("nrestore/nrestore"), "-d", "postgres", "--database", "piped", "--no-globals", "-"},
      dst, pipe);
  ASSERT_EQ(restore.exit_code, 0) << restore.Describe();
  EXPECT_EQ(Schema(src, "piped"), Schema(dst, "piped"));
  EXPECT_EQ(Rows(src, "piped"), Rows(dst, "piped"));
  EXPECT_EQ(dst.Query("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'only_in_source'"),
            "0");
  EXPECT_EQ(dst.Query("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'other'"), "0");
}

TEST(ClusterArchive, ListVerifyAndDamage) {
  TestCluster& src = TestCluster::Get();
  ScopedTempDir dir("ndt-all");
  ASSERT_TRUE(src.Psql("postgres", "CREATE DATABASE listed;"));
  ASSERT_TRUE(src.Psql("listed", "CREATE TABLE l AS SELECT g FROM generate_series(1, 500) g;"));
  const std::string archive = dir.path() + "/c.ndump";
  const CommandResult dump = RunOn({Tool("ndumpall/ndumpall"), "-f", archive}, src);
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  const CommandResult list = RunCommand({Tool("nrestore/nrestore"), "--list", archive});
  ASSERT_EQ(list.exit_code, 0) << list.Describe();
  EXPECT_NE(list.out.find("; Database \"listed\" (part "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("; ROLE - postgres"), std::string::npos) << list.out;
  // --exclude-database takes pg_dumpall's patterns: case folded outside quotes, `*` and `?`.
  const std::string fewer = dir.path() + "/fewer.ndump";
  const CommandResult excluded = RunOn({Tool("ndumpall/ndumpall"), "--exclude-database", "LIST?D",
                                        "--exclude-database", "\"templ\"*", "-f", fewer},
                                       src);
  ASSERT_EQ(excluded.exit_code, 0) << excluded.Describe();
  const CommandResult fewer_list = RunCommand({Tool("nrestore/nrestore"), "--list", fewer});
  EXPECT_EQ(fewer_list.out.find("\"listed\""), std::string::npos) << fewer_list.out;
  EXPECT_EQ(fewer_list.out.find("\"template1\""), std::string::npos) << fewer_list.out;
  EXPECT_NE(fewer_list.out.find("; Database \"postgres\""), std::string::npos) << fewer_list.out;

  const CommandResult ok = RunCommand({Tool("nrestore/nrestore"), "--verify", archive});
  EXPECT_EQ(ok.exit_code, 0) << ok.Describe();
  EXPECT_NE(ok.out.find("kind: cluster"), std::string::npos);

  // One byte changed in the middle of the archive: --verify names the damage, exit 4.
  std::string bytes;
  {
    std::ifstream in(archive, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  const std::string damaged = dir.path() + "/damaged.ndump";
  std::ofstream(damaged, std::ios::binary) << bytes;
  const CommandResult bad = RunCommand({Tool("nrestore/nrestore"), "--verify", damaged});
  EXPECT_EQ(bad.exit_code, 4) << bad.Describe();
  EXPECT_NE(bad.err.find("mismatch"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace ndump_test
