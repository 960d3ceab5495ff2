// nrestore's selection and content options, each checked against pg_restore 15 doing the same
// with the same options on a pg_dump -Fc of the same database: the two targets must end up with
// the same objects (pg_dump --schema-only) and the same rows.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

// pg_dump --create --schema-only of `db`: the database's own definition with its schema.
std::string CreateDump(const std::string& db) { return SchemaDump(db, {"--create"}); }

// Two schemas, tables with data, indexes, a foreign key, a trigger and its function, a view, a
// sequence, comments and a grant; a table named dropme for the -L test.
constexpr char kFixture[] = R"SQL(
CREATE SCHEMA app;
CREATE SCHEMA other;
CREATE TABLE app.t1 (id integer PRIMARY KEY, v text);
CREATE TABLE app.t2 (id integer PRIMARY KEY, t1 integer REFERENCES app.t1, n numeric);
CREATE INDEX t2_n_idx ON app.t2 (n);
CREATE TABLE app.dropme (x integer);
CREATE INDEX dropme_idx ON app.dropme (x);
CREATE SEQUENCE app.counter START 5;
SELECT setval('app.counter', 42);
CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.v := NEW.v || '!'; RETURN NEW; END$$;
CREATE FUNCTION app.twice(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1 * 2';
CREATE TRIGGER t1_touch BEFORE INSERT ON app.t1 FOR EACH ROW EXECUTE FUNCTION app.touch();
CREATE VIEW app.v AS SELECT id, v FROM app.t1;
CREATE TABLE other.o (a text);
COMMENT ON TABLE app.t1 IS 'first table';
COMMENT ON INDEX app.t2_n_idx IS 'an index';
GRANT SELECT ON app.t1 TO PUBLIC;
INSERT INTO app.t1 SELECT g, 'row ' || g FROM generate_series(1, 50) g;
INSERT INTO app.t2 SELECT g, g, g * 1.5 FROM generate_series(1, 30) g;
INSERT INTO app.dropme SELECT generate_series(1, 10);
INSERT INTO other.o VALUES ('a'), ('b');
)SQL";

struct Archives {
  ScopedTempDir dir;
  std::string ours;    // ndump
  std::string theirs;  // pg_dump -Fc
};

std::string LoadFixture(const std::string& extra_sql = "") {
  const std::string db = Cluster().CreateDatabase("src");
  EXPECT_TRUE(Cluster().Psql(db, std::string(kFixture) + extra_sql));
  return db;
}

void DumpBoth(const std::string& src, Archives* a) {
  a->ours = a->dir.File("db.ndump");
  a->theirs = a->dir.File("db.pgdump");
  ASSERT_TRUE(DumpTo(src, a->ours));
  CommandResult r =
      RunCommand({Cluster().Bin("pg_dump"), "-Fc", "-d", Cluster().ConnInfo(src), "-f", a->theirs});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
}

CommandResult PgRestore(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Cluster().Bin("pg_restore")};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

CommandResult NrestoreInto(const std::string& db, std::vector<std::string> args,
                           const std::string& archive) {
  args.insert(args.begin(), {"-d", Cluster().ConnInfo(db)});
  args.push_back(archive);
  return Nrestore(args);
}

CommandResult PgRestoreInto(const std::string& db, std::vector<std::string> args,
                            const std::string& archive) {
  args.insert(args.begin(), {"-d", Cluster().ConnInfo(db)});
  args.push_back(archive);
  return PgRestore(args);
}

// Restores both archives with `options` into two new databases (after `prepare` SQL, if any)
// and checks that nrestore and pg_restore agree on the exit status and the result.
// Returns the database nrestore restored into.
std::string ExpectSameAsPgRestore(const Archives& a, const std::vector<std::string>& options,
                                  const std::string& prepare = "") {
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  if (!prepare.empty()) {
    EXPECT_TRUE(Cluster().Psql(ours, prepare));
    EXPECT_TRUE(Cluster().Psql(theirs, prepare));
  }
  CommandResult n = NrestoreInto(ours, options, a.ours);
  CommandResult p = PgRestoreInto(theirs, options, a.theirs);
  EXPECT_EQ(n.exit_code == 0, p.exit_code == 0) << n.Describe() << p.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  return ours;
}

std::string Count(const std::string& db, const std::string& sql) {
  return Cluster().Query(db, "SELECT count(*) FROM " + sql);
}

TEST(RestoreSelect, OnlyOneSchema) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  // pg_restore -n restores what is in the schema, not the schema itself.
  ExpectSameAsPgRestore(a, {"-n", "app"}, "CREATE SCHEMA app;");
  ExpectSameAsPgRestore(a, {"-N", "app"});
  ExpectSameAsPgRestore(a, {"-j", "3", "-N", "other"});
}

TEST(RestoreSelect, Role) {
  ASSERT_TRUE(Cluster().Psql(
      "postgres",
      "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'restsel_role') THEN "
      "CREATE ROLE restsel_role; END IF; END$$;"));
  Archives a;
  DumpBoth(LoadFixture(), &a);
  const std::string db =
      ExpectSameAsPgRestore(a, {"--role", "restsel_role", "-O", "-x", "-n", "app", "-n", "other"},
                            "CREATE SCHEMA app AUTHORIZATION restsel_role; "
                            "CREATE SCHEMA other AUTHORIZATION restsel_role;");
  EXPECT_EQ(Cluster().Query(db, "SELECT tableowner FROM pg_tables WHERE tablename = 't2'"),
            "restsel_role");
  EXPECT_EQ(Count(db, "app.t2"), "30");
  // A role that does not exist: every connection fails the same way.
  const std::string empty = Cluster().CreateDatabase("empty");
  CommandResult r = NrestoreInto(empty, {"--role", "no_such_role_restsel"}, a.ours);
  EXPECT_NE(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("no_such_role_restsel"), std::string::npos) << r.Describe();
  EXPECT_EQ(UserObjectCount(empty), 0);
}

TEST(RestoreSelect, SomeTablesAndObjects) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  std::string db = ExpectSameAsPgRestore(a, {"-t", "t1", "-t", "counter"},
                                         "CREATE SCHEMA app; CREATE SCHEMA other;");
  // The table, its data and comment, the sequence; not the index of its primary key.
  EXPECT_EQ(Count(db, "app.t1"), "50");
  EXPECT_EQ(Cluster().Query(db, "SELECT obj_description('app.t1'::regclass)"), "first table");
  EXPECT_EQ(Cluster().Query(db, "SELECT last_value FROM app.counter"), "42");
  EXPECT_EQ(Count(db, "pg_class WHERE relnamespace = 'app'::regnamespace"), "2");
  db = ExpectSameAsPgRestore(a, {"-t", "t1", "-T", "t1 t1_touch", "-P", "touch()"},
                             "CREATE SCHEMA app; CREATE SCHEMA other;");
  EXPECT_EQ(Count(db, "pg_trigger WHERE tgname = 't1_touch'"), "1");
  EXPECT_EQ(Count(db, "pg_proc WHERE proname IN ('touch', 'twice')"), "1");
  db = ExpectSameAsPgRestore(a, {"-t", "t2", "-I", "t2_n_idx"}, "CREATE SCHEMA app;");
  EXPECT_EQ(Count(db, "pg_class WHERE relname = 't2_n_idx'"), "1");
}

TEST(RestoreSelect, OnlyTheData) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  // Schema first (-s), then only the data of two tables (-a -t), with triggers disabled.
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  ASSERT_EQ(NrestoreInto(ours, {"-s"}, a.ours).exit_code, 0);
  ASSERT_EQ(PgRestoreInto(theirs, {"-s"}, a.theirs).exit_code, 0);
  EXPECT_SAME_DATABASE(theirs, ours);
  CommandResult n =
      NrestoreInto(ours, {"-a", "-t", "t1", "-t", "other", "--disable-triggers"}, a.ours);
  CommandResult p =
      PgRestoreInto(theirs, {"-a", "-t", "t1", "-t", "other", "--disable-triggers"}, a.theirs);
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  // The trigger appends '!' on insert (the source's rows have one): disabled, no second one.
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t1 WHERE v LIKE '%!!'"), "0");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t1 WHERE v LIKE '%!'"), "50");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t2"), "0");
  // The same from a pipe (the streaming loader), with two connections.
  const std::string piped = Cluster().CreateDatabase("piped");
  ASSERT_EQ(NrestoreInto(piped, {"-s"}, a.ours).exit_code, 0);
  auto archive = ReadFile(a.ours);
  ASSERT_TRUE(archive.has_value());
  RunOptions feed;
  feed.stdin_data = *archive;
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo(piped), "-j", "2", "-a", "-t", "t1", "-t",
                              "other", "--disable-triggers", "-"},
                             feed);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(ours, piped);
}

TEST(RestoreSelect, SectionBySection) {
  Archives a;
  const std::string src = LoadFixture();
  DumpBoth(src, &a);
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  for (const char* section : {"pre-data", "data", "post-data"}) {
    SCOPED_TRACE(section);
    ASSERT_EQ(NrestoreInto(ours, {"--section", section}, a.ours).exit_code, 0);
    ASSERT_EQ(PgRestoreInto(theirs, {"--section", section}, a.theirs).exit_code, 0);
    EXPECT_SAME_DATABASE(theirs, ours);
  }
  EXPECT_SAME_DATABASE(src, ours);
}

// `-l` output with every line naming dropme commented out, and the TABLE DATA lines in reverse
// order.
std::string EditList(const std::string& list) {
  std::vector<std::string> lines = Lines(list);
  std::vector<size_t> data_pos;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("dropme") != std::string::npos) lines[i] = ";" + lines[i];
    if (lines[i][0] != ';' && lines[i].find("TABLE DATA") != std::string::npos) {
      data_pos.push_back(i);
    }
  }
  for (size_t i = 0, j = data_pos.size(); i + 1 < j; ++i, --j) {
    std::swap(lines[data_pos[i]], lines[data_pos[j - 1]]);
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(RestoreSelect, EditedUseList) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  CommandResult ours_list = Nrestore({"-l", a.ours});
  ASSERT_EQ(ours_list.exit_code, 0) << ours_list.Describe();
  CommandResult theirs_list = PgRestore({"-l", a.theirs});
  ASSERT_EQ(theirs_list.exit_code, 0) << theirs_list.Describe();
  const std::string ours_file = a.dir.File("ours.list");
  const std::string theirs_file = a.dir.File("theirs.list");
  ASSERT_TRUE(WriteFile(ours_file, EditList(ours_list.out)));
  ASSERT_TRUE(WriteFile(theirs_file, EditList(theirs_list.out)));
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  CommandResult n = NrestoreInto(ours, {"-L", ours_file}, a.ours);
  CommandResult p = PgRestoreInto(theirs, {"-L", theirs_file}, a.theirs);
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM pg_class WHERE relname LIKE 'dropme%'"),
            "0");
  // An id the archive does not have is an error, before anything is restored.
  ASSERT_TRUE(WriteFile(ours_file, "99999; TABLE app nothing postgres\n"));
  const std::string empty = Cluster().CreateDatabase("empty");
  EXPECT_TRUE(IsToolError(NrestoreInto(empty, {"-L", ours_file}, a.ours), "nrestore", kExitUsage,
                          {"99999"}));
  EXPECT_EQ(UserObjectCount(empty), 0);
}

// -L keeps the list's order for table data too (pg_restore does on one connection): with the
// data of a small table moved before a big one's, the small one is loaded first; without a list,
// the biggest table goes first. The order shows in the transaction ids that loaded the rows.
TEST(RestoreSelect, UseListOrderDecidesTheDataOrder) {
  const std::string src = Cluster().CreateDatabase("src");
  ASSERT_TRUE(Cluster().Psql(src, R"sql(
      CREATE TABLE public.big (i int);
      INSERT INTO public.big SELECT g FROM generate_series(1, 20000) g;
      CREATE TABLE public.small (i int);
      INSERT INTO public.small SELECT g FROM generate_series(1, 10) g;
  )sql"));
  ScopedTempDir dir;
  const std::string archive = dir.File("db.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  CommandResult listed = Nrestore({"-l", archive});
  ASSERT_EQ(listed.exit_code, 0) << listed.Describe();
  std::string big_data, small_data, rest;
  for (const std::string& line : Lines(listed.out)) {
    if (line.find("TABLE DATA public big ") != std::string::npos) {
      big_data = line;
    } else if (line.find("TABLE DATA public small ") != std::string::npos) {
      small_data = line;
    } else {
      rest += line + "\n";
    }
  }
  ASSERT_FALSE(big_data.empty()) << listed.out;
  ASSERT_FALSE(small_data.empty()) << listed.out;
  const std::string list_file = dir.File("db.list");
  ASSERT_TRUE(WriteFile(list_file, rest + small_data + "\n" + big_data + "\n"));

  const char* kOrder =
      "SELECT (SELECT max(xmin::text::bigint) FROM public.small) < "
      "(SELECT min(xmin::text::bigint) FROM public.big)";
  const std::string listed_copy = Cluster().CreateDatabase("listed");
  CommandResult n = NrestoreInto(listed_copy, {"-j", "1", "-L", list_file}, archive);
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  EXPECT_EQ(Cluster().Query(listed_copy, kOrder), "t") << "-L order not kept for the data";
  const std::string plain_copy = Cluster().CreateDatabase("plain");
  CommandResult m = NrestoreInto(plain_copy, {"-j", "1"}, archive);
  ASSERT_EQ(m.exit_code, 0) << m.Describe();
  EXPECT_EQ(Cluster().Query(plain_copy, kOrder), "f") << "without -L the biggest table goes first";
}

TEST(RestoreSelect, CleanIfExistsOverAnExistingCopy) {
  Archives a;
  const std::string src = LoadFixture();
  DumpBoth(src, &a);
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  ASSERT_EQ(NrestoreInto(ours, {}, a.ours).exit_code, 0);
  ASSERT_EQ(PgRestoreInto(theirs, {}, a.theirs).exit_code, 0);
  const std::string change =
      "INSERT INTO app.t1 VALUES (1000, 'new'); DROP VIEW app.v; CREATE TABLE public.extra (e "
      "int);";
  ASSERT_TRUE(Cluster().Psql(ours, change));
  ASSERT_TRUE(Cluster().Psql(theirs, change));
  CommandResult n = NrestoreInto(ours, {"-c", "--if-exists"}, a.ours);
  CommandResult p = PgRestoreInto(theirs, {"-c", "--if-exists"}, a.theirs);
  EXPECT_EQ(n.exit_code, 0) << n.Describe();
  EXPECT_EQ(p.exit_code, 0) << p.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t1"), "50");
}

// --clean --if-exists over a full copy of each fixture: every kind's drop statement works, in an
// order the server accepts, and the result is the source again.
TEST(RestoreSelect, CleanEveryFixtureOverItself) {
  for (const char* fixture :
       {"foundation.sql", "fidelity_tables.sql", "fidelity_code.sql", "fidelity_misc.sql"}) {
    SCOPED_TRACE(fixture);
    const std::string src = NewLoadedDatabase(fixture);
    ScopedTempDir dir;
    const std::string archive = dir.File("db.ndump");
    ASSERT_TRUE(DumpTo(src, archive));
    const std::string copy = Cluster().CreateDatabase("copy");
    ASSERT_TRUE(RestoreFrom(copy, archive));
    // DROP SUBSCRIPTION drops the slot on the publisher, which the fixture's subscriptions
    // (connect = false) do not have: detach them from their slots first, as one would by hand.
    ASSERT_TRUE(Cluster().Psql(
        copy,
        "DO $$DECLARE s text; BEGIN FOR s IN SELECT subname FROM pg_subscription s JOIN "
        "pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database() LOOP "
        "EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', s); END LOOP; END$$;"));
    CommandResult r = NrestoreInto(copy, {"-c", "--if-exists"}, archive);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_SAME_DATABASE(src, copy);
  }
}

// --clean --if-exists into an empty database: every drop is skipped without an error (pg_restore
// has errors there: ALTER DOMAIN has no IF EXISTS), and the restore is whole.
TEST(RestoreSelect, CleanIfExistsIntoAnEmptyDatabase) {
  const std::string src = NewLoadedDatabase("fidelity_wild.sql");
  ScopedTempDir dir;
  const std::string archive = dir.File("db.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  const std::string copy = Cluster().CreateDatabase("copy");
  CommandResult r = NrestoreInto(copy, {"-c", "--if-exists"}, archive);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.err, "");
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(RestoreSelect, NoOwnerAndNoPrivileges) {
  ASSERT_TRUE(Cluster().Psql(
      "postgres",
      "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'restsel_owner') THEN "
      "CREATE ROLE restsel_owner; END IF; END$$;"));
  Archives a;
  DumpBoth(LoadFixture("ALTER TABLE app.t2 OWNER TO restsel_owner; "
                       "ALTER FUNCTION app.twice(integer) OWNER TO restsel_owner;"),
           &a);
  ExpectSameAsPgRestore(a, {"-O"});
  ExpectSameAsPgRestore(a, {"-x"});
  ExpectSameAsPgRestore(a, {"-O", "-x"});
}

TEST(RestoreSelect, ContinueOnErrorByDefaultAndExitOnError) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  const std::string prepare = "CREATE SCHEMA other; CREATE TABLE other.o (a text, b int);";
  // Default: the failed entries are reported, the rest is restored, exit 1 at the end.
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  ASSERT_TRUE(Cluster().Psql(ours, prepare));
  ASSERT_TRUE(Cluster().Psql(theirs, prepare));
  CommandResult n = NrestoreInto(ours, {}, a.ours);
  CommandResult p = PgRestoreInto(theirs, {}, a.theirs);
  EXPECT_EQ(n.exit_code, kExitError) << n.Describe();
  EXPECT_EQ(p.exit_code, 1) << p.Describe();
  EXPECT_NE(n.err.find("42P06"), std::string::npos) << n.err;  // schema exists
  EXPECT_NE(n.err.find("errors ignored on restore"), std::string::npos) << n.err;
  EXPECT_SAME_DATABASE(theirs, ours);
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t1"), "50");
  // -e: stops at the first failure.
  const std::string stopped = Cluster().CreateDatabase("stopped");
  ASSERT_TRUE(Cluster().Psql(stopped, prepare));
  CommandResult e = NrestoreInto(stopped, {"-e"}, a.ours);
  EXPECT_TRUE(IsToolError(e, "nrestore", kExitError, {"already exists"}));
  EXPECT_EQ(Cluster().Query(stopped, "SELECT count(*) FROM pg_class WHERE relname = 't1'"), "0");
}

TEST(RestoreSelect, SingleTransaction) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  ExpectSameAsPgRestore(a, {"-1"});
  // A failure rolls everything back.
  const std::string ours = Cluster().CreateDatabase("ours");
  ASSERT_TRUE(Cluster().Psql(ours, "CREATE TABLE keep (k int);"));
  ASSERT_TRUE(Cluster().Psql(ours, "CREATE SCHEMA other;"));
  CommandResult n = NrestoreInto(ours, {"-1"}, a.ours);
  EXPECT_TRUE(IsToolError(n, "nrestore", kExitError, {"other"}));
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'"), "0");
}

// Drops the database `name` if it exists (with its connections).
void DropDatabase(const std::string& name) {
  EXPECT_TRUE(Cluster().Psql("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE);"));
}

TEST(RestoreSelect, CreateDatabase) {
  const std::string src = LoadFixture();
  ASSERT_TRUE(
      Cluster().Psql(src, "COMMENT ON DATABASE \"" + src + "\" IS 'the source'; ALTER DATABASE \"" +
                              src + "\" SET work_mem = '7MB'; ALTER DATABASE \"" + src +
                              "\" SET search_path = app, public; ALTER DATABASE \"" + src +
                              "\" CONNECTION LIMIT 17; REVOKE TEMPORARY ON DATABASE \"" + src +
                              "\" FROM PUBLIC; ALTER ROLE CURRENT_USER IN DATABASE \"" + src +
                              "\" SET statement_timeout = '5min';"));
  Archives a;
  DumpBoth(src, &a);
  const std::string kept = src + "_kept";
  ASSERT_TRUE(
      Cluster().Psql("postgres", "ALTER DATABASE \"" + src + "\" RENAME TO \"" + kept + "\";"));
  // Ours: nrestore -C creates `src` again; compare it with the original (renamed back in text).
  CommandResult n = Nrestore({"-C", "-d", Cluster().ConnInfo("postgres"), a.ours});
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  const std::string ours_text = CreateDump(src);
  EXPECT_NE(ours_text.find("CONNECTION LIMIT = 17"), std::string::npos);
  EXPECT_NE(ours_text.find("the source"), std::string::npos);
  // Again with -c: the database is dropped and created anew.
  ASSERT_TRUE(Cluster().Psql(src, "CREATE TABLE app.leftover (l int);"));
  n = Nrestore({"-C", "-c", "--if-exists", "-d", Cluster().ConnInfo("postgres"), a.ours});
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  EXPECT_EQ(CreateDump(src), ours_text);
  const std::string ours_db = src + "_ours";
  ASSERT_TRUE(
      Cluster().Psql("postgres", "ALTER DATABASE \"" + src + "\" RENAME TO \"" + ours_db + "\";"));
  CommandResult p = PgRestore({"-C", "-d", Cluster().ConnInfo("postgres"), a.theirs});
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  EXPECT_EQ(ours_text, CreateDump(src));
  EXPECT_SAME_DATABASE(src, ours_db);
  // The script path: CREATE DATABASE, then \connect to it.
  DropDatabase(src);
  const std::string script = a.dir.File("create.sql");
  CommandResult w = Nrestore({"-C", "-f", script, a.ours});
  ASSERT_EQ(w.exit_code, 0) << w.Describe();
  ASSERT_TRUE(Cluster().PsqlFile("postgres", script));
  EXPECT_EQ(CreateDump(src), ours_text);
  EXPECT_SAME_DATABASE(src, ours_db);
  // Without -C the database entries are skipped.
  const std::string plain = Cluster().CreateDatabase("plain");
  ASSERT_TRUE(RestoreFrom(plain, a.ours));
  EXPECT_EQ(Cluster().Query(
                plain, "SELECT datconnlimit FROM pg_database WHERE datname = current_database()"),
            "-1");
  DropDatabase(src);
  DropDatabase(ours_db);
}

// CREATE DATABASE keeps the locale provider, the ICU locale, LC_COLLATE/LC_CTYPE, and the
// template flag: pg_dump --create --schema-only of the source and of the recreated database agree.
TEST(RestoreSelect, CreateKeepsLocaleAndTemplateFlag) {
  const std::string name = Cluster().CreateDatabase("icu") + "_x";
  ASSERT_TRUE(Cluster().Psql(
      "postgres", "CREATE DATABASE \"" + name +
                      "\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu "
                      "ICU_LOCALE 'en-US' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8' IS_TEMPLATE true;"));
  ASSERT_TRUE(Cluster().Psql(name,
                             "CREATE TABLE t (a text COLLATE \"C\"); "
                             "INSERT INTO t VALUES ('x'), ('y');"));
  const std::string before = CreateDump(name);
  EXPECT_NE(before.find("ICU_LOCALE = 'en-US'"), std::string::npos) << before;
  ScopedTempDir dir;
  const std::string archive = dir.File("db.ndump");
  ASSERT_TRUE(DumpTo(name, archive));
  // -C -c: the template flag is lifted before DROP DATABASE (which refuses templates).
  CommandResult n = Nrestore({"-C", "-c", "-d", Cluster().ConnInfo("postgres"), archive});
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  EXPECT_EQ(CreateDump(name), before);
  EXPECT_EQ(Cluster().Query(name, "SELECT string_agg(a, ',' ORDER BY a) FROM t"), "x,y");
  ASSERT_TRUE(Cluster().Psql("postgres", "ALTER DATABASE \"" + name +
                                             "\" IS_TEMPLATE false; DROP DATABASE \"" + name +
                                             "\" WITH (FORCE);"));
}

// nrestore <opts> -f out.sql, then psql -f out.sql, gives what nrestore <opts> -d gives.
TEST(RestoreSelect, ScriptMatchesDirectRestore) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  const std::vector<std::vector<std::string>> option_sets = {{"-n", "app", "-O"},
                                                             {"-t", "t1", "-t", "t2", "-x"},
                                                             {"-s"},
                                                             {"-1", "--section", "pre-data"},
                                                             {"-c", "--if-exists", "-x"}};
  for (const auto& opts : option_sets) {
    std::string label;
    for (const auto& o : opts) label += o + " ";
    SCOPED_TRACE(label);
    const std::string direct = Cluster().CreateDatabase("direct");
    const std::string scripted = Cluster().CreateDatabase("scripted");
    const std::string prepare = "CREATE SCHEMA IF NOT EXISTS app;";
    const bool needs_schema = opts[0] == "-n" || opts[0] == "-t";
    if (needs_schema) {
      ASSERT_TRUE(Cluster().Psql(direct, prepare));
      ASSERT_TRUE(Cluster().Psql(scripted, prepare));
    }
    ASSERT_EQ(NrestoreInto(direct, opts, a.ours).exit_code, 0);
    const std::string script = a.dir.File("out.sql");
    std::vector<std::string> args = opts;
    args.insert(args.end(), {"-f", script, a.ours});
    CommandResult w = Nrestore(args);
    ASSERT_EQ(w.exit_code, 0) << w.Describe();
    ASSERT_TRUE(Cluster().PsqlFile(scripted, script));
    EXPECT_SAME_DATABASE(direct, scripted);
  }
}

TEST(RestoreSelectCli, UsageErrorsNameTheOption) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  const std::string db = Cluster().CreateDatabase("target");
  EXPECT_TRUE(
      IsToolError(NrestoreInto(db, {"-a", "-s"}, a.ours), "nrestore", kExitUsage, {"--data-only"}));
  EXPECT_TRUE(
      IsToolError(NrestoreInto(db, {"--if-exists"}, a.ours), "nrestore", kExitUsage, {"--clean"}));
  EXPECT_TRUE(IsToolError(NrestoreInto(db, {"-1", "-j", "2"}, a.ours), "nrestore", kExitUsage,
                          {"--single-transaction"}));
  EXPECT_TRUE(
      IsToolError(NrestoreInto(db, {"-a", "-c"}, a.ours), "nrestore", kExitUsage, {"--clean"}));
  EXPECT_TRUE(
      IsToolError(NrestoreInto(db, {"-C", "-1"}, a.ours), "nrestore", kExitUsage, {"--create"}));
  EXPECT_TRUE(
      IsToolError(NrestoreInto(db, {"-f", "x.sql"}, a.ours), "nrestore", kExitUsage, {"--file"}));
  CommandResult bad_section = NrestoreInto(db, {"--section", "everything"}, a.ours);
  EXPECT_EQ(bad_section.exit_code, kExitUsage) << bad_section.Describe();
  EXPECT_NE(bad_section.err.find("--section"), std::string::npos) << bad_section.err;
  EXPECT_EQ(UserObjectCount(db), 0);
}

// The golden archives were written before ndump stored drop statements and DATABASE entries.
TEST(RestoreSelectCli, OldArchivesSayWhyTheyCannotBeCleanedOrCreated) {
  const std::string old_archive = SqlPath("../golden/v1.1-small.ndump");
  const std::string db = Cluster().CreateDatabase("target");
  EXPECT_TRUE(IsToolError(NrestoreInto(db, {"-c"}, old_archive), "nrestore", kExitUsage,
                          {"no drop statements"}));
  EXPECT_TRUE(IsToolError(Nrestore({"-C", "-d", Cluster().ConnInfo(db), old_archive}), "nrestore",
                          kExitUsage, {"no DATABASE entry"}));
  EXPECT_EQ(UserObjectCount(db), 0);
  // Everything else works as before.
  EXPECT_TRUE(RestoreFrom(db, old_archive, {"-O", "-x"}));
  EXPECT_NE(UserObjectCount(db), 0);
}

// --- data only, into a copy that has the schema (issue 14) ---------------------------------------

// Tables whose names and sizes put a referencing table before the one it references, in
// alphabetical and in largest-first order: a foreign key to a plain table, one on a partitioned
// table to a partitioned one, and a chain of three.
constexpr char kForeignKeys[] = R"SQL(
CREATE TABLE public.z_parent (id integer PRIMARY KEY);
CREATE TABLE public.a_child (id integer PRIMARY KEY, parent integer REFERENCES public.z_parent);
CREATE TABLE public.m_grandchild (id integer, child integer REFERENCES public.a_child);
CREATE TABLE public.y_target (id integer PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE public.y_target_1 PARTITION OF public.y_target FOR VALUES FROM (0) TO (1000);
CREATE TABLE public.b_parted (t integer REFERENCES public.y_target) PARTITION BY RANGE (t);
CREATE TABLE public.b_parted_1 PARTITION OF public.b_parted FOR VALUES FROM (0) TO (1000);
INSERT INTO public.z_parent VALUES (1);
INSERT INTO public.a_child SELECT g, 1 FROM generate_series(1, 500) g;
INSERT INTO public.m_grandchild SELECT g, g % 500 + 1 FROM generate_series(1, 800) g;
INSERT INTO public.y_target VALUES (1);
INSERT INTO public.b_parted SELECT 1 FROM generate_series(1, 500);
)SQL";

// A data-only restore replayed into a copy that has the schema, foreign keys included: tables
// load after those they reference (nrestore -a -f and -d, from a whole archive), as pg_dump -a's
// script loads them.
TEST(RestoreSelect, DataOnlyLoadsReferencedTablesFirst) {
  const std::string src = Cluster().CreateDatabase("fksrc");
  ASSERT_TRUE(Cluster().Psql(src, kForeignKeys));
  ScopedTempDir dir;
  const std::string archive = dir.File("fk.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  auto schema_copy = [&](const std::string& hint) {
    const std::string db = Cluster().CreateDatabase(hint);
    EXPECT_EQ(NrestoreInto(db, {"-s"}, archive).exit_code, 0);
    return db;
  };
  // pg_dump's own: pg_dump -a into a schema-only copy, with triggers disabled (pg_dump orders
  // plain tables by their foreign keys, but not partitions: b_parted_1 comes before y_target_1).
  const std::string theirs = schema_copy("fktheirs");
  CommandResult pg = RunCommand(
      {Cluster().Bin("pg_dump"), "-a", "--disable-triggers", "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(pg.exit_code, 0) << pg.Describe();
  ASSERT_TRUE(WriteFile(dir.File("theirs.sql"), pg.out));
  ASSERT_TRUE(Cluster().PsqlFile(theirs, dir.File("theirs.sql")));
  EXPECT_SAME_DATABASE(src, theirs);

  const std::string script_copy = schema_copy("fkscript");
  CommandResult r = Nrestore({"-a", "-f", dir.File("ours.sql"), archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_TRUE(Cluster().PsqlFile(script_copy, dir.File("ours.sql")));
  EXPECT_SAME_DATABASE(theirs, script_copy);
  for (const char* jobs : {"1", "2"}) {
    const std::string direct = schema_copy("fkdirect");
    r = NrestoreInto(direct, {"-a", "-j", jobs}, archive);
    EXPECT_EQ(r.exit_code, 0) << "-j " << jobs << "\n" << r.Describe();
    EXPECT_EQ(r.err, "") << "-j " << jobs;
    EXPECT_SAME_DATABASE(theirs, direct) << "-j " << jobs;
  }
  // An archive of data only (ndump -a) has no foreign keys to order by: its data entries carry
  // the order, as pg_dump -a's do. Restored without -a (implied), directly and by a script.
  const std::string data_archive = dir.File("fk-data.ndump");
  ASSERT_TRUE(DumpTo(src, data_archive, {"-a"}));
  r = Nrestore({"-f", dir.File("data.sql"), data_archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string data_script = schema_copy("fkdatascript");
  EXPECT_TRUE(Cluster().PsqlFile(data_script, dir.File("data.sql")));
  EXPECT_SAME_DATABASE(theirs, data_script);
  for (const char* jobs : {"1", "2"}) {
    const std::string direct = schema_copy("fkdatadirect");
    r = NrestoreInto(direct, {"-j", jobs}, data_archive);
    EXPECT_EQ(r.exit_code, 0) << "-j " << jobs << "\n" << r.Describe();
    EXPECT_SAME_DATABASE(theirs, direct) << "-j " << jobs;
  }
}

// A cycle of foreign keys has no order: nrestore says so, as pg_dump does.
TEST(RestoreSelect, DataOnlyWarnsOfForeignKeyCycles) {
  const std::string src = Cluster().CreateDatabase("cyclesrc");
  ASSERT_TRUE(Cluster().Psql(
      src,
      "CREATE TABLE public.ping (id integer PRIMARY KEY, pong integer);"
      "CREATE TABLE public.pong (id integer PRIMARY KEY, ping integer REFERENCES public.ping);"
      "ALTER TABLE public.ping ADD FOREIGN KEY (pong) REFERENCES public.pong;"
      "INSERT INTO public.ping VALUES (1, NULL); INSERT INTO public.pong VALUES (1, 1);"));
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("c.ndump")));
  const std::string copy = Cluster().CreateDatabase("cyclecopy");
  ASSERT_EQ(NrestoreInto(copy, {"-s"}, dir.File("c.ndump")).exit_code, 0);
  CommandResult r = NrestoreInto(copy, {"-a", "--disable-triggers"}, dir.File("c.ndump"));
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.err.find("circular foreign-key constraints"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("public.ping"), std::string::npos) << r.err;
  EXPECT_SAME_DATABASE(src, copy);
}

// --disable-triggers on an archive of data only (ndump -a) needs no -a from nrestore: the
// archive implies it, as pg_restore infers it.
TEST(RestoreSelect, DisableTriggersOnADataOnlyArchive) {
  const std::string src = LoadFixture();
  ScopedTempDir dir;
  const std::string all = dir.File("all.ndump");
  const std::string data = dir.File("data.ndump");
  const std::string theirs_data = dir.File("data.pgdump");
  ASSERT_TRUE(DumpTo(src, all));
  ASSERT_TRUE(DumpTo(src, data, {"-a"}));
  CommandResult pg = RunCommand(
      {Cluster().Bin("pg_dump"), "-Fc", "-a", "-d", Cluster().ConnInfo(src), "-f", theirs_data});
  ASSERT_EQ(pg.exit_code, 0) << pg.Describe();
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  ASSERT_EQ(NrestoreInto(ours, {"-s"}, all).exit_code, 0);
  ASSERT_EQ(NrestoreInto(theirs, {"-s"}, all).exit_code, 0);
  CommandResult n = NrestoreInto(ours, {"--disable-triggers"}, data);
  CommandResult p = PgRestoreInto(theirs, {"--disable-triggers"}, theirs_data);
  ASSERT_EQ(n.exit_code, 0) << n.Describe();
  ASSERT_EQ(p.exit_code, 0) << p.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  // The trigger appends '!' on insert (the source's rows have one): disabled, no second one.
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t1 WHERE v LIKE '%!!'"), "0");
  // The script too.
  const std::string script_copy = Cluster().CreateDatabase("script");
  ASSERT_EQ(NrestoreInto(script_copy, {"-s"}, all).exit_code, 0);
  CommandResult r = Nrestore({"--disable-triggers", "-f", dir.File("data.sql"), data});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_TRUE(Cluster().PsqlFile(script_copy, dir.File("data.sql")));
  EXPECT_SAME_DATABASE(theirs, script_copy);
}

// A database name with a newline: a -C script could not \connect to it (pg_dump refuses it
// too), and -l prints it, as every name, on one line (pg_restore -l puts spaces for newlines),
// so that an edited list read back by -L has the lines it had.
TEST(RestoreSelectCli, NewlinesInNamesStayOutOfScriptsAndLists) {
  const std::string name = "fid\nline\rname";
  ASSERT_TRUE(Cluster().CreateDatabaseNamed(name));
  ASSERT_TRUE(Cluster().Psql(name,
                             "CREATE TABLE public.\"t\n1; 999; TABLE x\" (a integer); "
                             "INSERT INTO public.\"t\n1; 999; TABLE x\" VALUES (1);"));
  ScopedTempDir dir;
  const std::string archive = dir.File("nl.ndump");
  ASSERT_TRUE(DumpTo(name, archive));
  CommandResult r = Nrestore({"-C", "-f", dir.File("nl.sql"), archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"newline"})) << r.Describe();
  CommandResult theirs =
      RunCommand({Cluster().Bin("pg_dump"), "-C", "-d", Cluster().ConnInfo(name)});
  EXPECT_NE(theirs.exit_code, 0);
  // Without -C there is no \connect: the script is written.
  r = Nrestore({"-f", dir.File("plain.sql"), archive});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();

  CommandResult l = Nrestore({"-l", archive});
  ASSERT_EQ(l.exit_code, 0) << l.Describe();
  for (const auto& line : Lines(l.out)) {
    // A raw newline in the table's name would start a line "1; 999; TABLE x ...", which -L
    // reads as entry 1.
    EXPECT_NE(line.rfind("1; 999", 0), 0u) << l.out;
    EXPECT_EQ(line.find('\r'), std::string::npos) << l.out;
  }
  EXPECT_NE(l.out.find("; TABLE public t 1; 999; TABLE x postgres"), std::string::npos) << l.out;
  EXPECT_NE(l.out.find(";     dbname: fid line name\n"), std::string::npos) << l.out;
  // The list read back selects that one table and nothing else.
  ASSERT_TRUE(WriteFile(dir.File("nl.list"), l.out));
  const std::string copy = Cluster().CreateDatabase("nlcopy");
  r = NrestoreInto(copy, {"-L", dir.File("nl.list")}, archive);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM public.\"t\n1; 999; TABLE x\""), "1");
}

TEST(RestoreSelectCli, ListIsWhatUseListReads) {
  Archives a;
  DumpBoth(LoadFixture(), &a);
  CommandResult l = Nrestore({"-l", a.ours});
  ASSERT_EQ(l.exit_code, 0) << l.Describe();
  EXPECT_TRUE(l.err.empty()) << l.err;
  // Every line is a `;` comment or starts with "<id>; ", and the database's own entries are
  // listed, as pg_restore -l lists them.
  bool database = false;
  for (const auto& line : Lines(l.out)) {
    if (line.empty() || line[0] == ';') continue;
    const size_t semi = line.find("; ");
    ASSERT_NE(semi, std::string::npos) << line;
    EXPECT_TRUE(std::all_of(line.begin(), line.begin() + static_cast<long>(semi), [](char c) {
      return c >= '0' && c <= '9';
    })) << line;
    if (line.find("; DATABASE - ") != std::string::npos) database = true;
  }
  EXPECT_TRUE(database) << l.out;
  // The unedited list restores everything, from standard input too.
  const std::string list = a.dir.File("all.list");
  ASSERT_TRUE(WriteFile(list, l.out));
  const std::string db = Cluster().CreateDatabase("target");
  auto archive = ReadFile(a.ours);
  ASSERT_TRUE(archive.has_value());
  RunOptions feed;
  feed.stdin_data = *archive;
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo(db), "-L", list, "-"}, feed);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string full = Cluster().CreateDatabase("full");
  ASSERT_TRUE(RestoreFrom(full, a.ours));
  EXPECT_SAME_DATABASE(full, db);
}

}  // namespace
}  // namespace ndump_test
