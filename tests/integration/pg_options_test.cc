// pg_dump's and pg_restore's options that ndump and nrestore take (docs/ndump.md,
// docs/nrestore.md): each changes what it changes in pg_dump, shown against the same run without
// it; the options ndump cannot honour are errors naming them.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

bool Contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// ndump -F p of `db` with `extra` options; the script on success, "" (and a failure) otherwise.
std::string PlainScript(const std::string& db, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"-F", "p", "-d", Cluster().ConnInfo(db)};
  args.insert(args.end(), extra.begin(), extra.end());
  const CommandResult r = Ndump(args);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return r.exit_code == 0 ? r.out : "";
}

// nrestore -f - of `archive` with `extra` options: the script.
std::string RestoreScript(const std::string& archive, const std::vector<std::string>& extra) {
  std::vector<std::string> args = extra;
  args.push_back(archive);
  const CommandResult r = Nrestore(args);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return r.exit_code == 0 ? r.out : "";
}

// A tablespace the server's user owns the directory of (the server makes it), once per cluster.
void EnsureTablespace() {
  ASSERT_TRUE(Cluster().Psql(
      "postgres",
      "SELECT NOT EXISTS (SELECT 1 FROM pg_tablespace WHERE spcname = 'opt_ts') AS ts_needed "
      "\\gset\n"
      "\\if :ts_needed\n"
      "SELECT current_setting('data_directory') || '/../opt_ts' AS ts_dir \\gset\n"
      "SELECT 'mkdir -p ' || :'ts_dir' || ' && cat >/dev/null' AS ts_mkdir \\gset\n"
      "COPY (SELECT 1) TO PROGRAM :'ts_mkdir';\n"
      "CREATE TABLESPACE opt_ts LOCATION :'ts_dir';\n"
      "\\endif\n"));
}

// What the content options act on: a table in a tablespace, with another access method, a
// column with its own compression, a policy, comments, a publication, an unlogged table, a
// sequence and floats.
std::string ContentDatabase() {
  EnsureTablespace();
  const std::string db = Cluster().CreateDatabase("pgopts");
  EXPECT_TRUE(Cluster().Psql(
      db,
      "CREATE ACCESS METHOD heap_alt TYPE TABLE HANDLER heap_tableam_handler;\n"
      "CREATE TABLE placed (id integer PRIMARY KEY USING INDEX TABLESPACE opt_ts, v text "
      "COMPRESSION pglz) USING heap_alt TABLESPACE opt_ts;\n"
      "INSERT INTO placed VALUES (1, 'one'), (2, 'two');\n"
      "CREATE INDEX placed_v ON placed (v) TABLESPACE opt_ts;\n"
      "ALTER TABLE placed ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY placed_odd ON placed USING (id % 2 = 1);\n"
      "COMMENT ON TABLE placed IS 'a commented table';\n"
      "CREATE PUBLICATION opt_pub FOR TABLE placed;\n"
      "COMMENT ON PUBLICATION opt_pub IS 'a commented publication';\n"
      "CREATE UNLOGGED TABLE scratch (n integer);\n"
      "INSERT INTO scratch VALUES (41), (42);\n"
      "CREATE SEQUENCE counter;\n"
      "SELECT setval('counter', 77);\n"
      "CREATE TABLE floats (f float8);\n"
      "INSERT INTO floats VALUES (1.2345678901234567);\n"));
  return db;
}

// Each ndump content option, against the same dump without it: what the plain script (the
// archive's SQL, as nrestore -f would write it) no longer holds.
TEST(PgDumpOptions, ContentOptionsLeaveOutWhatPgDumpLeavesOut) {
  const std::string db = ContentDatabase();
  const std::string full = PlainScript(db, {});
  struct Case {
    std::string flag;
    std::string gone;  // in the script without the flag, not with it
  };
  const std::vector<Case> cases = {
      {"--no-tablespaces", "SET default_tablespace = opt_ts;"},
      {"--no-table-access-method", "SET default_table_access_method = heap_alt;"},
      {"--no-toast-compression", "SET COMPRESSION pglz;"},
      {"--no-policies", "CREATE POLICY placed_odd"},
      {"--no-policies", "ENABLE ROW LEVEL SECURITY"},
      {"--no-unlogged-table-data", "COPY public.scratch (n) FROM stdin;\n41\n42\n\\.\n"},
      {"--no-comments", "COMMENT ON TABLE public.placed"},
      {"--no-publications", "CREATE PUBLICATION opt_pub"},
      {"--no-publications", "COMMENT ON PUBLICATION opt_pub"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag + ": " + c.gone);
    EXPECT_TRUE(Contains(full, c.gone));
    const std::string without = PlainScript(db, {c.flag});
    EXPECT_FALSE(Contains(without, c.gone));
    EXPECT_TRUE(Contains(without, "CREATE TABLE public.placed"));
  }
  // --quote-all-identifiers: the server's deparsed definitions quote every name too.
  EXPECT_TRUE(Contains(full, " USING btree (v)"));
  const std::string quoted = PlainScript(db, {"--quote-all-identifiers"});
  EXPECT_FALSE(Contains(quoted, " USING btree (v)"));
  EXPECT_TRUE(Contains(
      quoted, "CREATE INDEX \"placed_v\" ON \"public\".\"placed\" USING \"btree\" (\"v\")"))
      << quoted;
  // ndump's own statements quote every name too; without the option only what needs it.
  EXPECT_TRUE(Contains(quoted, "CREATE TABLE \"public\".\"placed\"")) << quoted;
  EXPECT_TRUE(Contains(full, "CREATE TABLE public.placed")) << full;
  // The unlogged table itself stays; only its rows go.
  EXPECT_TRUE(Contains(PlainScript(db, {"--no-unlogged-table-data"}), "CREATE UNLOGGED TABLE"));
}

// Those options restore as pg_dump's: the copy's table is in the default tablespace, with the
// default access method and compression, and no policy (the access method itself is dumped and
// restored either way, as pg_dump's is).
TEST(PgDumpOptions, ContentOptionsRestoreTheTargetDefaults) {
  const std::string db = ContentDatabase();
  ScopedTempDir dir;
  const std::string query =
      "SELECT c.reltablespace <> 0, am.amname, "
      "(SELECT attcompression FROM pg_attribute WHERE attrelid = c.oid AND attname = 'v'), "
      "(SELECT count(*) FROM pg_policy WHERE polrelid = c.oid) "
      "FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'placed'";
  EXPECT_EQ(Cluster().Query(db, query), "t|heap_alt|p|1");
  for (const bool with_flags : {false, true}) {
    std::vector<std::string> flags;
    if (with_flags) {
      flags = {"--no-tablespaces", "--no-table-access-method", "--no-toast-compression",
               "--no-policies"};
    }
    const std::string script = dir.File("opts.sql");
    ASSERT_TRUE(WriteFile(script, PlainScript(db, flags)));
    const std::string copy = Cluster().CreateDatabase("pgoptscopy");
    ASSERT_TRUE(Cluster().PsqlFile(copy, script));
    EXPECT_EQ(Cluster().Query(copy, query), with_flags ? "f|heap||0" : "t|heap_alt|p|1");
  }
}

// nrestore's content options, from one archive: what the script (and so a restore) leaves out.
TEST(PgRestoreOptions, ContentOptionsLeaveOutWhatPgRestoreLeavesOut) {
  const std::string db = ContentDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("opts.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string full = RestoreScript(archive, {});
  struct Case {
    std::string flag;
    std::string gone;
  };
  const std::vector<Case> cases = {
      {"--no-tablespaces", "SET default_tablespace = opt_ts;"},
      {"--no-table-access-method", "SET default_table_access_method = heap_alt;"},
      {"--no-policies", "CREATE POLICY placed_odd"},
      {"--no-comments", "COMMENT ON TABLE public.placed"},
      {"--no-publications", "CREATE PUBLICATION opt_pub"},
      {"--no-publications", "COMMENT ON PUBLICATION opt_pub"},
      {"--no-publications", "ALTER PUBLICATION opt_pub ADD TABLE"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag + ": " + c.gone);
    EXPECT_TRUE(Contains(full, c.gone));
    const std::string without = RestoreScript(archive, {c.flag});
    EXPECT_FALSE(Contains(without, c.gone));
    EXPECT_TRUE(Contains(without, "CREATE TABLE public.placed"));
  }
  // --no-table-access-method: the session leaves the target's default alone, too.
  EXPECT_TRUE(Contains(full, "SET default_table_access_method = heap;"));
  EXPECT_FALSE(Contains(RestoreScript(archive, {"--no-table-access-method"}),
                        "SET default_table_access_method = heap;"));
  // --no-tablespaces through a restore: the table lands in the default tablespace.
  const std::string copy = Cluster().CreateDatabase("pgrestoreopts");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"--no-tablespaces", "--no-publications"}));
  EXPECT_EQ(Cluster().Query(copy,
                            "SELECT count(*) FROM pg_class WHERE reltablespace <> 0 AND "
                            "relname IN ('placed', 'placed_pkey', 'placed_v')"),
            "0");
  EXPECT_EQ(Cluster().Query(db,
                            "SELECT count(*) FROM pg_class WHERE reltablespace <> 0 AND "
                            "relname IN ('placed', 'placed_pkey', 'placed_v')"),
            "3");
}

// --no-subscriptions and --no-security-labels leave out their kinds (a subscription that does
// not connect; a label needs a provider, so only the option's parsing and the kind's absence).
TEST(PgRestoreOptions, NoSubscriptionsLeavesThemOut) {
  const std::string db = Cluster().CreateDatabase("pgsubs");
  ASSERT_TRUE(
      Cluster().Psql(db,
                     "CREATE SUBSCRIPTION opt_sub CONNECTION 'dbname=nowhere' PUBLICATION p "
                     "WITH (connect = false, slot_name = NONE);"));
  ScopedTempDir dir;
  const std::string archive = dir.File("subs.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  EXPECT_TRUE(Contains(RestoreScript(archive, {}), "CREATE SUBSCRIPTION opt_sub"));
  EXPECT_FALSE(Contains(RestoreScript(archive, {"--no-subscriptions"}), "CREATE SUBSCRIPTION"));
  EXPECT_TRUE(
      Contains(RestoreScript(archive, {"--no-security-labels"}), "CREATE SUBSCRIPTION opt_sub"));
  EXPECT_FALSE(Contains(PlainScript(db, {"--no-subscriptions"}), "CREATE SUBSCRIPTION"));
}

// --sequence-data: a schema-only dump with the sequences' values; --no-data and --no-schema are
// -s and -a.
TEST(PgDumpOptions, SequenceDataNoDataNoSchema) {
  const std::string db = ContentDatabase();
  const std::string setval = "SELECT pg_catalog.setval('public.counter', 77, true);";
  EXPECT_TRUE(Contains(PlainScript(db, {}), setval));
  EXPECT_FALSE(Contains(PlainScript(db, {"-s"}), setval));
  const std::string with = PlainScript(db, {"-s", "--sequence-data"});
  EXPECT_TRUE(Contains(with, setval));
  EXPECT_FALSE(Contains(with, "COPY public.placed"));
  EXPECT_EQ(PlainScript(db, {"--no-data", "--restrict-key", "k"}),
            PlainScript(db, {"-s", "--restrict-key", "k"}));
  EXPECT_EQ(PlainScript(db, {"--no-schema", "--restrict-key", "k"}),
            PlainScript(db, {"-a", "--restrict-key", "k"}));
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  EXPECT_EQ(RestoreScript(archive, {"--no-data", "--restrict-key", "k"}),
            RestoreScript(archive, {"-s", "--restrict-key", "k"}));
  EXPECT_EQ(RestoreScript(archive, {"--no-schema", "--restrict-key", "k"}),
            RestoreScript(archive, {"-a", "--restrict-key", "k"}));
}

// -E: the archive's text in another encoding (the header says which, and a restore converts).
// --extra-float-digits: floats written with fewer digits, as the server prints them then.
TEST(PgDumpOptions, EncodingAndExtraFloatDigits) {
  const std::string db = ContentDatabase();
  ASSERT_TRUE(Cluster().Psql(db, "CREATE TABLE latin (t text); INSERT INTO latin VALUES ('Ä é');"));
  const std::string utf8 = PlainScript(db, {"-t", "latin"});
  EXPECT_TRUE(Contains(utf8, "SET client_encoding = 'UTF8';"));
  EXPECT_TRUE(Contains(utf8, "\nÄ é\n"));
  const std::string latin1 = PlainScript(db, {"-t", "latin", "-E", "latin1"});
  EXPECT_TRUE(Contains(latin1, "SET client_encoding = 'LATIN1';"));
  EXPECT_TRUE(Contains(latin1, "\n\xC4 \xE9\n"));
  ScopedTempDir dir;
  const std::string script = dir.File("latin1.sql");
  ASSERT_TRUE(WriteFile(script, latin1));
  const std::string copy = Cluster().CreateDatabase("latincopy");
  ASSERT_TRUE(Cluster().PsqlFile(copy, script));
  EXPECT_EQ(Cluster().Query(copy, "SELECT t FROM latin"), "Ä é");
  EXPECT_TRUE(
      IsToolError(Ndump({"-F", "p", "-E", "no_such_encoding", "-d", Cluster().ConnInfo(db)}),
                  "ndump", kExitError, {"no_such_encoding"}));

  EXPECT_TRUE(Contains(PlainScript(db, {"-t", "floats"}), "\n1.2345678901234567\n"));
  EXPECT_TRUE(
      Contains(PlainScript(db, {"-t", "floats", "--extra-float-digits", "-10"}), "\n1.2346\n"));
}

// --role: the dump runs as that role (here one that may not read the table, so it fails);
// --enable-row-security: a role subject to a policy dumps the rows the policy shows it, where
// without the option the dump fails, as pg_dump's.
TEST(PgDumpOptions, RoleAndEnableRowSecurity) {
  const std::string db = ContentDatabase();
  ASSERT_TRUE(Cluster().Psql(
      db,
      "DO $$ BEGIN CREATE ROLE opt_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; "
      "END $$;\n"
      "DO $$ BEGIN CREATE ROLE opt_nobody; EXCEPTION WHEN duplicate_object THEN NULL; END $$;\n"
      "GRANT SELECT ON ALL TABLES IN SCHEMA public TO opt_reader;\n"
      "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO opt_reader;\n"));
  EXPECT_NE(PlainScript(db, {"-t", "placed"}), "");
  const CommandResult as_nobody =
      Ndump({"-F", "p", "-t", "placed", "--role", "opt_nobody", "-d", Cluster().ConnInfo(db)});
  EXPECT_TRUE(IsToolError(as_nobody, "ndump", kExitError, {"permission denied"}));

  // A conninfo's last user= is the one libpq takes.
  std::vector<std::string> reader = {"-F",     "p",  "-t",
                                     "placed", "-d", Cluster().ConnInfo(db) + " user=opt_reader"};
  const CommandResult off = Ndump(reader);
  EXPECT_TRUE(IsToolError(off, "ndump", kExitError, {"row-level security"}));
  reader.push_back("--enable-row-security");
  const CommandResult on = Ndump(reader);
  ASSERT_EQ(on.exit_code, 0) << on.Describe();
  EXPECT_TRUE(Contains(on.out, "\n1\tone\n\\.\n")) << on.out;  // the odd row only
}

// nrestore -S with --disable-triggers: SET SESSION AUTHORIZATION before the triggers are
// disabled and enabled; --strict-names: a name that selects nothing is an error.
TEST(PgRestoreOptions, SuperuserAndStrictNames) {
  const std::string db = ContentDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  const std::string plain = RestoreScript(archive, {"-a", "--disable-triggers"});
  EXPECT_FALSE(Contains(plain, "SET SESSION AUTHORIZATION"));
  const std::string su = RestoreScript(archive, {"-a", "--disable-triggers", "-S", "Su Per"});
  EXPECT_TRUE(Contains(su,
                       "SET SESSION AUTHORIZATION \"Su Per\";\nALTER TABLE public.placed "
                       "DISABLE TRIGGER ALL;\n"));
  EXPECT_TRUE(Contains(su,
                       "SET SESSION AUTHORIZATION \"Su Per\";\nALTER TABLE public.placed "
                       "ENABLE TRIGGER ALL;\n"));
  // ndump -F p passes -S to its script the same way.
  EXPECT_TRUE(Contains(PlainScript(db, {"-a", "--disable-triggers", "-S", "Su Per"}),
                       "SET SESSION AUTHORIZATION \"Su Per\";\nALTER TABLE public.placed "
                       "DISABLE TRIGGER ALL;\n"));

  EXPECT_EQ(Nrestore({"-t", "nosuch", "-f", dir.File("s.sql"), archive}).exit_code, kExitOk);
  for (const auto& [flag, what] :
       {std::pair{"-t", "table"}, std::pair{"-n", "schema"}, std::pair{"-I", "index"},
        std::pair{"-P", "function"}, std::pair{"-T", "trigger"}}) {
    const CommandResult r =
        Nrestore({"--strict-names", flag, "nosuch", "-f", dir.File("s.sql"), archive});
    EXPECT_TRUE(
        IsToolError(r, "nrestore", kExitError, {std::string(what) + " \"nosuch\" not found"}));
  }
  EXPECT_EQ(Nrestore({"--strict-names", "-t", "placed", "-n", "public", "-I", "placed_v", "-f",
                      dir.File("s.sql"), archive})
                .exit_code,
            kExitOk);
}

// --restrict-key: the script's \restrict key, letters and digits only; ndump takes it with -F p
// only, nrestore without -d only.
TEST(PgDumpOptions, RestrictKey) {
  const std::string db = Cluster().CreateDatabase("restrictkey");
  EXPECT_NE(PlainScript(db, {"--restrict-key", "Abc123"}).find("\n\\restrict Abc123\n"),
            std::string::npos);
  const std::string conn = Cluster().ConnInfo(db);
  EXPECT_TRUE(IsToolError(Ndump({"-F", "p", "--restrict-key", "a-b", "-d", conn}), "ndump",
                          kExitUsage, {"invalid restrict key"}));
  EXPECT_TRUE(IsToolError(Ndump({"--restrict-key", "abc", "-d", conn}), "ndump", kExitUsage,
                          {"option --restrict-key can only be used with --format=plain"}));
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(db, archive));
  EXPECT_NE(RestoreScript(archive, {"--restrict-key", "Xyz9"}).find("\n\\restrict Xyz9\n"),
            std::string::npos);
  EXPECT_TRUE(IsToolError(Nrestore({"--restrict-key", "Xyz9", "-d", conn, archive}), "nrestore",
                          kExitUsage,
                          {"options -d/--dbname and --restrict-key cannot be used together"}));
}

// The formats: c/custom (the default) writes the archive, p/plain a script; d/directory and
// t/tar are refused, pointing to the single-file archive; the INSERT options need -F p.
TEST(PgDumpOptions, Formats) {
  const std::string db = Cluster().CreateDatabase("formats");
  ASSERT_TRUE(Cluster().Psql(db, "CREATE TABLE t (i integer); INSERT INTO t VALUES (1);"));
  const std::string conn = Cluster().ConnInfo(db);
  ScopedTempDir dir;
  for (const std::string f : {"c", "custom", "C", "Custom"}) {
    const std::string archive = dir.File("f.ndump");
    ASSERT_TRUE(DumpTo(db, archive, {"-F", f}));
    EXPECT_EQ(Nrestore({"-l", archive}).exit_code, kExitOk) << f;
  }
  for (const std::string f : {"p", "plain", "P"}) {
    const CommandResult r = Ndump({"-F", f, "-d", conn});
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_TRUE(Contains(r.out, "COPY public.t (i) FROM stdin;\n1\n\\.\n")) << f;
  }
  for (const std::string f : {"d", "directory", "t", "tar"}) {
    EXPECT_TRUE(IsToolError(Ndump({"-F", f, "-f", dir.File("x"), "-d", conn}), "ndump", kExitUsage,
                            {"single-file archive"}))
        << f;
  }
  EXPECT_TRUE(IsToolError(Ndump({"--inserts", "-f", dir.File("x"), "-d", conn}), "ndump",
                          kExitUsage, {"--inserts only applies to a plain script"}));
  EXPECT_TRUE(IsToolError(Ndump({"-F", "p", "--copy-format", "binary", "-d", conn}), "ndump",
                          kExitUsage, {"--copy-format binary cannot be used with -F p"}));
  EXPECT_EQ(dir.List(), std::vector<std::string>{"f.ndump"});  // the archive of the -F c runs
}

// The pg_dump options ndump does not implement, and the pg_restore ones nrestore does not: an
// error naming the option, before anything is done.
TEST(PgDumpOptions, UnsupportedOptionsAreErrorsNamingThem) {
  const std::string conn = Cluster().ConnInfo("postgres");
  ScopedTempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--include-foreign-data", "srv"},
        {"--load-via-partition-root"},
        {"--use-set-session-authorization"},
        {"--binary-upgrade"},
        {"--disable-dollar-quoting"}}) {
    std::vector<std::string> full = {"-f", dir.File("x.ndump"), "-d", conn};
    full.insert(full.end(), args.begin(), args.end());
    EXPECT_TRUE(IsToolError(Ndump(full), "ndump", kExitUsage,
                            {"option " + args.front() + " is not supported by ndump"}));
  }
  const std::string archive = dir.File("x.ndump");
  ASSERT_TRUE(WriteFile(archive, "not read"));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--no-data-for-failed-tables"},
        {"--transaction-size", "10"},
        {"--use-set-session-authorization"}}) {
    std::vector<std::string> full = {"-d", conn, archive};
    full.insert(full.end(), args.begin(), args.end());
    EXPECT_TRUE(IsToolError(Nrestore(full), "nrestore", kExitUsage,
                            {"option " + args.front() + " is not supported by nrestore"}));
  }
  EXPECT_EQ(dir.List(), std::vector<std::string>{"x.ndump"});
}

}  // namespace
}  // namespace ndump_test
