// ndump's selection, content and behaviour options (docs/ndump.md), checked two ways: CLI
// contracts (exit code, stdout, stderr) and round trips against the oracle, pg_dump 15 -Fc with
// the same options: both archives are restored into fresh databases, which must come out the
// same (schema and rows).
#include <libpq-fe.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

std::string SelectionDatabase() { return NewLoadedDatabase("selection.sql", "sel"); }

// Runs pg_dump `prep_opts` on src and feeds the script to psql on `target` (prepares what the
// selected objects need but the selection leaves out, the same for both targets).
void Prepare(const std::string& src, const std::string& target,
             const std::vector<std::string>& prep_opts) {
  std::vector<std::string> argv = {Cluster().Bin("pg_dump"), "-d", Cluster().ConnInfo(src)};
  argv.insert(argv.end(), prep_opts.begin(), prep_opts.end());
  CommandResult dump = RunCommand(argv);
  ASSERT_EQ(dump.exit_code, 0) << dump.Describe();
  CommandResult load = RunCommand({Cluster().Bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                                   Cluster().ConnInfo(target)},
                                  dump.out);
  ASSERT_EQ(load.exit_code, 0) << load.Describe();
}

// ndump <ours_opts> and pg_dump -Fc <theirs_opts> of src, each restored into a fresh database
// prepared with `prep_sql` and/or `prep_dump` (pg_dump options, see Prepare); the two must match.
// Returns the ndump target for further checks.
std::string CompareDifferentOptions(const std::string& src,
                                    const std::vector<std::string>& ours_opts,
                                    const std::vector<std::string>& theirs_opts,
                                    const std::vector<std::string>& prep_dump = {},
                                    const std::string& prep_sql = "") {
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  for (const auto& db : {ours, theirs}) {
    if (!prep_dump.empty()) Prepare(src, db, prep_dump);
    if (!prep_sql.empty()) {
      EXPECT_TRUE(Cluster().Psql(db, prep_sql));
    }
  }
  ScopedTempDir dir;
  const std::string archive = dir.File("sel.ndump");
  EXPECT_TRUE(DumpTo(src, archive, ours_opts));
  EXPECT_TRUE(RestoreFrom(ours, archive));

  std::vector<std::string> argv = {Cluster().Bin("pg_dump"), "-Fc", "-d",
                                   Cluster().ConnInfo(src),  "-f",  dir.File("sel.pgdump")};
  argv.insert(argv.end(), theirs_opts.begin(), theirs_opts.end());
  CommandResult pg = RunCommand(argv);
  EXPECT_EQ(pg.exit_code, 0) << pg.Describe();
  CommandResult pr = RunCommand(
      {Cluster().Bin("pg_restore"), "-d", Cluster().ConnInfo(theirs), dir.File("sel.pgdump")});
  EXPECT_EQ(pr.exit_code, 0) << pr.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  return ours;
}

// The same options for both tools.
std::string CompareWithPgDump(const std::string& src, const std::vector<std::string>& opts,
                              const std::string& prep_sql = "",
                              const std::vector<std::string>& prep_dump = {}) {
  return CompareDifferentOptions(src, opts, opts, prep_dump, prep_sql);
}

// What a restore of `db` holds, in a few words: "schema.table" names of its user tables.
std::string Tables(const std::string& db) {
  return Cluster().Query(db,
                         "SELECT string_agg(format('%I.%I', n.nspname, c.relname), ' ' "
                         "ORDER BY format('%I.%I', n.nspname, c.relname) COLLATE \"C\") "
                         "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', "
                         "'information_schema', 'pg_toast')");
}

// nrestore -l of an archive, without its comment header (which has the creation time).
std::string Listing(const std::string& archive) {
  CommandResult r = Nrestore({"-l", archive});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  std::string out;
  for (const auto& line : Lines(r.out)) {
    if (!line.empty() && line[0] != ';') out += line + "\n";
  }
  return out;
}

bool Lists(const std::string& listing, const std::string& what) {
  return listing.find(what) != std::string::npos;
}

constexpr const char* kUtil =
    "CREATE SCHEMA util;"
    "CREATE FUNCTION util.touch() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN NEW.changed := now(); RETURN NEW; END $$;"
    "CREATE FUNCTION util.next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'C' || 1 $$;";

// --- selective round trips against pg_dump ------------------------------------------------------

TEST(DumpOptions, SchemaSelectionMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-n", "app"}, kUtil);
  EXPECT_EQ(Tables(ours), "app.customers app.log app.orders app.t1 app.t10 app.t2");
}

TEST(DumpOptions, SchemaPatternsWithQuotesAndWildcards) {
  const std::string src = SelectionDatabase();
  // "Audit" only as quoted; `a*` folds to lower case and so matches app, not Audit.
  const std::string ours = CompareWithPgDump(src, {"-n", "\"Audit\"", "-n", "U?IL"});
  EXPECT_EQ(Tables(ours), "\"Audit\".\"Events\" \"Audit\".events");
}

TEST(DumpOptions, ExcludeSchemaMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-N", "A*"});
  EXPECT_EQ(Tables(ours), "\"Audit\".\"Events\" \"Audit\".events public.\"Plain\" public.plain");
}

TEST(DumpOptions, TableBringsWhatItOwnsButNotItsSchema) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(
      src, {"-t", "app.customers"},
      std::string(kUtil) +
          "CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');");
  EXPECT_EQ(Tables(ours), "app.customers");
  // Its index, trigger, policy, comment, privileges, owned sequence and rows came along.
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.customers"), "3");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'app'"), "3");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), "1");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM pg_policy"), "1");
  EXPECT_EQ(Cluster().Query(ours, "SELECT obj_description('app.customers'::regclass)"), "who buys");
  EXPECT_EQ(Cluster().Query(ours, "SELECT last_value FROM app.customers_id_seq"), "3");
}

TEST(DumpOptions, TablePatternsQuotingMixedCaseAndRegexClasses) {
  const std::string src = SelectionDatabase();
  const std::string ours =
      CompareWithPgDump(src, {"-t", "\"Audit\".\"Events\"", "-t", "app.t[0-9]", "-t", "PLAIN"},
                        "CREATE SCHEMA app; CREATE SCHEMA \"Audit\";");
  // [0-9] is one digit: t1 and t2, not t10; PLAIN folds to plain, not "Plain"; unqualified
  // names match what the search_path shows (public).
  EXPECT_EQ(Tables(ours), "\"Audit\".\"Events\" app.t1 app.t2 public.plain");
}

TEST(DumpOptions, TableOptionSelectsSequencesAndOverridesSchemaOptions) {
  const std::string src = SelectionDatabase();
  // -t takes any relation kind (here a sequence, with its value); -n and -N do nothing with -t.
  const std::string ours = CompareWithPgDump(
      src, {"-t", "app.free_seq", "-t", "public.plain", "-n", "util", "-N", "public"},
      "CREATE SCHEMA app;");
  EXPECT_EQ(Tables(ours), "public.plain");
  EXPECT_EQ(Cluster().Query(ours, "SELECT last_value FROM app.free_seq"), "50");
  EXPECT_EQ(Cluster().Query(ours,
                            "SELECT count(*) FROM pg_proc p JOIN pg_namespace n "
                            "ON n.oid = p.pronamespace WHERE n.nspname = 'util'"),
            "0");
}

TEST(DumpOptions, DatabaseQualifiedTablePattern) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-t", src + ".public.\"Plain\""});
  EXPECT_EQ(Tables(ours), "public.\"Plain\"");
}

TEST(DumpOptions, ExcludeTableMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-T", "app.t*", "-T", "\"Audit\".events"});
  EXPECT_EQ(Tables(ours),
            "\"Audit\".\"Events\" app.customers app.log app.orders public.\"Plain\" public.plain");
}

TEST(DumpOptions, ExcludeTableDataMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours =
      CompareWithPgDump(src, {"--exclude-table-data", "app.log", "--exclude-table-data", "app.t?"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.log"), "0");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t10"), "1");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.t2"), "0");
}

TEST(DumpOptions, DataOnlyMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-a"}, "", {"--section=pre-data", "-B"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.orders"), "4");
}

TEST(DumpOptions, SchemaOnlyMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-s"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.orders"), "0");
}

TEST(DumpOptions, SectionsMatchPgDump) {
  const std::string src = SelectionDatabase();
  CompareWithPgDump(src, {"--section", "pre-data", "--section", "post-data"});
  CompareWithPgDump(src, {"--section=data"}, "", {"--section=pre-data"});
  const std::string ours = CompareWithPgDump(src, {"--section=pre-data"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'app'"), "0");
}

TEST(DumpOptions, FilterFileMatchesTheSameOptionsOfPgDump) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::string filter = dir.File("rules.filter");
  std::ofstream(filter) << "# what to leave out\n"
                           "exclude schema \"Audit\"\n"
                           "EXCLUDE TABLE app.t1   # a comment\n"
                           "exclude table_data app.log\n";
  // pg_dump 15 has no --filter: the oracle gets the equivalent options.
  const std::string ours = Cluster().CreateDatabase("ours");
  const std::string theirs = Cluster().CreateDatabase("theirs");
  const std::string archive = dir.File("f.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--filter", filter}));
  ASSERT_TRUE(RestoreFrom(ours, archive));
  CommandResult pg =
      RunCommand({Cluster().Bin("pg_dump"), "-Fc", "-d", Cluster().ConnInfo(src), "-N", "\"Audit\"",
                  "-T", "app.t1", "--exclude-table-data", "app.log", "-f", dir.File("f.pgdump")});
  ASSERT_EQ(pg.exit_code, 0) << pg.Describe();
  CommandResult pr = RunCommand(
      {Cluster().Bin("pg_restore"), "-d", Cluster().ConnInfo(theirs), dir.File("f.pgdump")});
  ASSERT_EQ(pr.exit_code, 0) << pr.Describe();
  EXPECT_SAME_DATABASE(theirs, ours);
  EXPECT_EQ(Tables(ours),
            "app.customers app.log app.orders app.t10 app.t2 public.\"Plain\" public.plain");
}

// A partitioned table with a sub-partitioned partition, an inheritance tree, and a bystander.
// pg_dump 15 has no --table-and-children (16 does), so the oracle gets the tables spelt out.
std::string ChildrenDatabase() {
  const std::string db = Cluster().CreateDatabase("kids");
  EXPECT_TRUE(Cluster().Psql(db, R"sql(
      CREATE SCHEMA app;
      CREATE TABLE app.m (id int, at date, v text) PARTITION BY RANGE (at);
      CREATE TABLE app.m_2024 PARTITION OF app.m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE app.m_2025 PARTITION OF app.m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')
          PARTITION BY LIST (id);
      CREATE TABLE app.m_2025_a PARTITION OF app.m_2025 FOR VALUES IN (1, 2);
      CREATE TABLE app.m_2025_b PARTITION OF app.m_2025 DEFAULT;
      INSERT INTO app.m VALUES (1, '2024-05-01', 'a'), (2, '2025-05-01', 'b'), (7, '2025-06-01', 'c');
      CREATE TABLE app."Base" (k int PRIMARY KEY);
      CREATE TABLE app."Kid" (x text) INHERITS (app."Base");
      CREATE TABLE app.grandkid (y text) INHERITS (app."Kid");
      INSERT INTO app."Base" VALUES (1);
      INSERT INTO app."Kid" VALUES (2, 'x');
      INSERT INTO app.grandkid VALUES (3, 'x', 'y');
      CREATE TABLE app.other (o int);
      INSERT INTO app.other VALUES (1), (2);
  )sql"));
  return db;
}

// What a -t restore needs and does not bring: the schema (pg_dump options for Prepare).
const std::vector<std::string> kAppSchemaOnly = {"-s", "-n", "app", "-T", "app.*"};

TEST(DumpOptions, TableAndChildrenTakesEveryLevelOfPartitionsAndChildren) {
  const std::string src = ChildrenDatabase();
  const std::string ours = CompareDifferentOptions(
      src, {"--table-and-children", "app.m", "--table-and-children", "app.\"Base\""},
      {"-t", "app.m", "-t", "app.m_2024", "-t", "app.m_2025", "-t", "app.m_2025_a", "-t",
       "app.m_2025_b", "-t", "app.\"Base\"", "-t", "app.\"Kid\"", "-t", "app.grandkid"},
      kAppSchemaOnly);
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.m"), "3");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.\"Base\""), "3");
  EXPECT_EQ(Tables(ours),
            "app.\"Base\" app.\"Kid\" app.grandkid app.m_2024 app.m_2025_a app.m_2025_b");
  // -t alone takes the parent only, as pg_dump.
  const std::string parent_only = Cluster().CreateDatabase("parent");
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("p.ndump"), {"-t", "app.m"}));
  EXPECT_EQ(Listing(dir.File("p.ndump")).find("m_2024"), std::string::npos);
}

// -t on an inheritance child or a partition whose parent is not selected: the child still names
// its parent (INHERITS, ATTACH PARTITION), as pg_dump's does, for a target that has the parent.
TEST(DumpOptions, SelectedChildNamesItsParentThatIsNotDumped) {
  const std::string src = ChildrenDatabase();
  const std::vector<std::string> opts = {"-t", "app.\"Kid\"", "-t", "app.m_2024"};
  const std::string ours = CompareDifferentOptions(
      src, opts, opts,
      {"-s", "-n", "app", "-T", "app.\"Kid\"", "-T", "app.grandkid", "-T", "app.m_2024"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.\"Base\""), "1");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.m"), "1");
}

TEST(DumpOptions, ExcludeTableAndDataAndChildren) {
  const std::string src = ChildrenDatabase();
  CompareDifferentOptions(src, {"--exclude-table-and-children", "app.m_2025"},
                          {"-T", "app.m_2025", "-T", "app.m_2025_a", "-T", "app.m_2025_b"});
  const std::string ours =
      CompareDifferentOptions(src, {"--exclude-table-data-and-children", "app.\"Base\""},
                              {"--exclude-table-data", "app.\"Base\"", "--exclude-table-data",
                               "app.\"Kid\"", "--exclude-table-data", "app.grandkid"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.\"Base\""), "0");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.other"), "2");
}

TEST(DumpOptions, FilterFileChildrenRules) {
  const std::string src = ChildrenDatabase();
  ScopedTempDir dir;
  const std::string filter = dir.File("kids.filter");
  std::ofstream(filter) << "include table_and_children app.m\n"
                           "exclude table_and_children app.m_2025\n"
                           "include table app.other\n"
                           "exclude table_data_and_children app.m_2024\n";
  const std::string ours = CompareDifferentOptions(
      src, {"--filter", filter},
      {"-t", "app.m", "-t", "app.m_2024", "-t", "app.other", "--exclude-table-data", "app.m_2024"},
      kAppSchemaOnly);
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*) FROM app.other"), "2");
  const std::string bad = dir.File("bad.filter");
  std::ofstream(bad) << "include table_data_and_children app.m\n";
  EXPECT_TRUE(IsToolError(
      Ndump({"-d", Cluster().ConnInfo(src), "-f", dir.File("x.ndump"), "--filter", bad}), "ndump",
      kExitUsage, {"on line 1: include filter for \"table data and children\""}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", Cluster().ConnInfo(src), "-f", dir.File("y.ndump"),
                                 "--strict-names", "--table-and-children", "app.nothing*"}),
                          "ndump", kExitError, {"app.nothing*"}));
}

TEST(DumpOptions, NoPrivilegesMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"-x"});
  EXPECT_EQ(Cluster().Query(ours,
                            "SELECT relacl IS NULL FROM pg_class "
                            "WHERE oid = 'app.customers'::regclass"),
            "t");
}

TEST(DumpOptions, NoCommentsMatchesPgDump) {
  const std::string src = SelectionDatabase();
  const std::string ours = CompareWithPgDump(src, {"--no-comments"});
  EXPECT_EQ(Cluster().Query(ours, "SELECT obj_description('app.customers'::regclass)"), "");
}

TEST(DumpOptions, FoundationWithHostileNamesByPattern) {
  const std::string src = NewLoadedDatabase();
  // Quoted parts are literal: `"No *"` names no table (so "No Columns" stays); `""` is a quote,
  // `\`, `$` and `.` inside quotes are plain characters; non-ASCII names match as typed.
  const std::string ours = CompareWithPgDump(
      src, {"--exclude-table-data", "\"we\"\"ird.sch\\ema $1\".\"Tab \"\"le\"\".with.dots\"", "-T",
            "\"Mixed Case\".\"No *\"", "-T", "\"Ünïcødé 表\".\"séquence\""});
  EXPECT_EQ(
      Cluster().Query(
          ours, "SELECT count(*) FROM \"we\"\"ird.sch\\ema $1\".\"Tab \"\"le\"\".with.dots\""),
      "0");
  EXPECT_EQ(Cluster().Query(ours,
                            "SELECT count(*) FROM pg_class WHERE relname IN "
                            "('No Columns', 'séquence')"),
            "1");
}

// --- large objects, publications ----------------------------------------------------------------

TEST(DumpOptions, LargeObjectsFollowPgDumpDefaults) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("all.ndump")));
  EXPECT_TRUE(Lists(Listing(dir.File("all.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("noblobs.ndump"), {"-B"}));
  EXPECT_FALSE(Lists(Listing(dir.File("noblobs.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("nobl.ndump"), {"--no-large-objects"}));
  EXPECT_FALSE(Lists(Listing(dir.File("nobl.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("schema.ndump"), {"-n", "app"}));
  EXPECT_FALSE(Lists(Listing(dir.File("schema.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("schema_b.ndump"), {"-n", "app", "-b"}));
  EXPECT_TRUE(Lists(Listing(dir.File("schema_b.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("blobs.ndump"), {"-t", "plain", "--blobs"}));
  EXPECT_TRUE(Lists(Listing(dir.File("blobs.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("lo.ndump"), {"-t", "plain", "--large-objects"}));
  EXPECT_TRUE(Lists(Listing(dir.File("lo.ndump")), "BLOB"));
  ASSERT_TRUE(DumpTo(src, dir.File("s.ndump"), {"-s"}));
  EXPECT_FALSE(Lists(Listing(dir.File("s.ndump")), "BLOB"));
}

TEST(DumpOptions, NoPublicationsNoSubscriptionsNoSecurityLabels) {
  const std::string src = SelectionDatabase();
  ASSERT_TRUE(Cluster().Psql(src, "CREATE PUBLICATION pub FOR TABLE public.plain;"));
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("all.ndump")));
  EXPECT_TRUE(Lists(Listing(dir.File("all.ndump")), "PUBLICATION"));
  ASSERT_TRUE(DumpTo(src, dir.File("nopub.ndump"),
                     {"--no-publications", "--no-subscriptions", "--no-security-labels"}));
  const std::string listing = Listing(dir.File("nopub.ndump"));
  EXPECT_FALSE(Lists(listing, "PUBLICATION"));
  EXPECT_TRUE(Lists(listing, "TABLE public plain"));
}

TEST(DumpOptions, NoOwnerAndCreateDoNotChangeTheArchive) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("plain.ndump")));
  ASSERT_TRUE(DumpTo(src, dir.File("oc.ndump"), {"-O", "-C"}));
  ASSERT_TRUE(DumpTo(src, dir.File("long.ndump"), {"--no-owner", "--create"}));
  EXPECT_EQ(Listing(dir.File("oc.ndump")), Listing(dir.File("plain.ndump")));
  EXPECT_EQ(Listing(dir.File("long.ndump")), Listing(dir.File("plain.ndump")));
}

// --- errors -------------------------------------------------------------------------------------

TEST(DumpOptions, NoMatchingTablesOrSchemas) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::string out = dir.File("x.ndump");
  const std::string conn = Cluster().ConnInfo(src);
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-t", "nothing*"}), "ndump", kExitError,
                          {"no matching tables were found"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-n", "nothing"}), "ndump", kExitError,
                          {"no matching schemas were found"}));
  // Without --strict-names one matching pattern is enough; with it, each must match.
  EXPECT_EQ(Ndump({"-d", conn, "-f", out, "-t", "plain", "-t", "nothing"}).exit_code, kExitOk);
  CommandResult strict =
      Ndump({"-d", conn, "-f", out, "-t", "plain", "-t", "nothing", "--strict-names"});
  EXPECT_TRUE(IsToolError(strict, "ndump", kExitError,
                          {"no matching tables were found for pattern \"nothing\""}));
  CommandResult strict_n =
      Ndump({"-d", conn, "-f", out, "-n", "app", "-n", "Nope", "--strict-names"});
  EXPECT_TRUE(IsToolError(strict_n, "ndump", kExitError,
                          {"no matching schemas were found for pattern \"Nope\""}));
  // Exclude patterns never need to match.
  EXPECT_EQ(
      Ndump({"-d", conn, "-f", out, "-T", "nothing", "-N", "none", "--strict-names"}).exit_code,
      kExitOk);
}

TEST(DumpOptions, BadQualifiedNames) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::string out = dir.File("x.ndump");
  const std::string conn = Cluster().ConnInfo(src);
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-t", "a.b.c.d"}), "ndump", kExitUsage,
                          {"improper relation name (too many dotted names): a.b.c.d"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-n", "a.b.c"}), "ndump", kExitUsage,
                          {"improper qualified name (too many dotted names): a.b.c"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-t", "otherdb.public.plain"}), "ndump",
                          kExitUsage,
                          {"cross-database references are not implemented: otherdb.public.plain"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-T", "otherdb.public.plain"}), "ndump",
                          kExitUsage, {"cross-database references are not implemented"}));
  EXPECT_TRUE(dir.List().empty());
}

TEST(DumpOptions, UsageErrorsNameTheOption) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::string out = dir.File("x.ndump");
  const std::string conn = Cluster().ConnInfo(src);
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-a", "-s"}), "ndump", kExitUsage,
                          {"-s/--schema-only and -a/--data-only cannot be used together"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "--section", "middle"}), "ndump",
                          kExitUsage, {"--section: unrecognized section name: \"middle\""}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-Z", "gzip"}), "ndump", kExitUsage,
                          {"-Z/--compress: compression method \"gzip\" is not supported"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-Z", "lz4:3"}), "ndump", kExitUsage,
                          {"\"lz4\" is not supported"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-Z", "zstd:99"}), "ndump", kExitUsage,
                          {"-Z/--compress", "out of range"}));
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "-Z", "fast"}), "ndump", kExitUsage,
                          {"-Z/--compress"}));
  EXPECT_TRUE(dir.List().empty());
}

TEST(DumpOptions, FilterFileErrors) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::string out = dir.File("x.ndump");
  const std::string conn = Cluster().ConnInfo(src);
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "--filter", dir.File("missing")}), "ndump",
                          kExitError, {"could not open filter file"}));
  const std::string bad = dir.File("bad.filter");
  std::ofstream(bad) << "include table plain\n\ninclude extension plpgsql\n";
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "--filter", bad}), "ndump", kExitUsage,
                          {"bad.filter\" on line 3: include filter for \"extension\""}));
  const std::string syntax = dir.File("syntax.filter");
  std::ofstream(syntax) << "include tabel plain\n";
  EXPECT_TRUE(IsToolError(Ndump({"-d", conn, "-f", out, "--filter", syntax}), "ndump", kExitUsage,
                          {"on line 1: unsupported filter object type: \"tabel\""}));
}

// --- behaviour --------------------------------------------------------------------------------

TEST(DumpOptions, CompressSpellings) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"-Z", "zstd"}, "zstd:3"},
      {{"-Z", "zstd:7"}, "zstd:7"},
      {{"--compress=zstd:level=5"}, "zstd:5"},
      {{"-Z", "none"}, "none"},
      {{"-Z", "0"}, "none"},
      {{"-Z", "9"}, "zstd:9"},
      {{"--compress-level", "4"}, "zstd:4"},
  };
  int n = 0;
  for (const auto& [args, expected] : cases) {
    std::string name = std::to_string(n++);
    name.append(".ndump");
    const std::string archive = dir.File(name);
    ASSERT_TRUE(DumpTo(src, archive, args));
    CommandResult list = Nrestore({"-l", archive});
    ASSERT_EQ(list.exit_code, 0) << list.Describe();
    EXPECT_NE(list.out.find("Compression: " + expected + "\n"), std::string::npos)
        << args[0] << "\n"
        << list.out.substr(0, 400);
    const std::string copy = Cluster().CreateDatabase("c");
    ASSERT_TRUE(RestoreFrom(copy, archive));
    EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM app.log"), "50");
  }
}

TEST(DumpOptions, SnapshotOfAnotherSession) {
  const std::string src = SelectionDatabase();
  PgConnPtr holder = Cluster().Connect(src);
  ASSERT_TRUE(holder);
  PGresult* r =
      PQexec(holder.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot()");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQerrorMessage(holder.get());
  const std::string snapshot = PQgetvalue(r, 0, 0);
  PQclear(r);
  // Rows added after the snapshot are not in a dump taken with it.
  ASSERT_TRUE(
      Cluster().Psql(src, "INSERT INTO app.log SELECT g, 'late' FROM generate_series(51, 60) g;"));
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("snap.ndump"), {"--snapshot", snapshot, "-j", "2"}));
  const std::string copy = Cluster().CreateDatabase("snap");
  ASSERT_TRUE(RestoreFrom(copy, dir.File("snap.ndump")));
  EXPECT_EQ(Cluster().Query(copy, "SELECT count(*) FROM app.log"), "50");
  PQclear(PQexec(holder.get(), "COMMIT"));

  CommandResult bad = Ndump({"-d", Cluster().ConnInfo(src), "-f", dir.File("bad.ndump"),
                             "--snapshot", "00000003-0000001B-1"});
  EXPECT_TRUE(IsToolError(bad, "ndump", kExitError, {"snapshot"}));
  EXPECT_FALSE(std::ifstream(dir.File("bad.ndump")).good());
}

TEST(DumpOptions, LockWaitTimeoutNamesTheTable) {
  const std::string src = SelectionDatabase();
  PgConnPtr holder = Cluster().LockTable(src, "app.log");
  ASSERT_TRUE(holder);
  ScopedTempDir dir;
  CommandResult res = Ndump(
      {"-d", Cluster().ConnInfo(src), "-f", dir.File("x.ndump"), "--lock-wait-timeout=300ms"});
  EXPECT_TRUE(IsToolError(res, "ndump", kExitError, {"app.log"}));
  EXPECT_NE(res.err.find("lock"), std::string::npos) << res.err;
  EXPECT_TRUE(dir.List().empty());
  // Leaving the table out does not take its lock, but reading the catalog still needs a weak one
  // (its size): with a timeout, that fails in time instead of waiting.
  CommandResult excluded = Ndump({"-d", Cluster().ConnInfo(src), "-f", dir.File("y.ndump"),
                                  "--lock-wait-timeout", "300ms", "-T", "app.log"});
  EXPECT_TRUE(IsToolError(excluded, "ndump", kExitError, {"lock timeout"}));
  PQclear(PQexec(holder.get(), "COMMIT"));
  EXPECT_TRUE(DumpTo(src, dir.File("z.ndump"), {"--lock-wait-timeout", "1s"}));
}

// With -j 2 the first worker's connection reads part of the catalog (the columns, whose
// generated expressions are deparsed with their table opened): --lock-wait-timeout bounds its
// waits too, so that a table locked by another session and left out fails the dump in time
// instead of hanging it.
TEST(DumpOptions, LockWaitTimeoutBoundsTheCatalogHelper) {
  const std::string src = Cluster().CreateDatabase("lwhelper");
  ASSERT_TRUE(Cluster().Psql(src,
                             "CREATE TABLE kept (id int PRIMARY KEY); "
                             "CREATE TABLE busy (a int, b int GENERATED ALWAYS AS (a * 2) STORED); "
                             "INSERT INTO busy (a) VALUES (1); VACUUM busy;"));
  PgConnPtr holder = Cluster().LockTable(src, "busy");
  ASSERT_TRUE(holder);
  ScopedTempDir dir;
  RunOptions limit;
  limit.timeout_seconds = 60;
  CommandResult res = Ndump({"-d", Cluster().ConnInfo(src), "-f", dir.File("x.ndump"), "-j", "2",
                             "--lock-wait-timeout", "300ms", "-T", "busy"},
                            limit);
  EXPECT_FALSE(res.timed_out);
  EXPECT_TRUE(IsToolError(res, "ndump", kExitError, {"lock timeout"}));
  EXPECT_TRUE(dir.List().empty());
  PQclear(PQexec(holder.get(), "COMMIT"));
  EXPECT_TRUE(DumpTo(src, dir.File("y.ndump"), {"-j", "2", "--lock-wait-timeout", "1s"}));
}

TEST(DumpOptions, SerializableDeferrableAndNoSyncRoundTrip) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  const std::string archive = dir.File("sd.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--serializable-deferrable", "--no-sync", "-j", "2"}));
  EXPECT_EQ(dir.List(), std::vector<std::string>{"sd.ndump"});
  const std::string copy = Cluster().CreateDatabase("sd");
  ASSERT_TRUE(RestoreFrom(copy, archive));
  EXPECT_SAME_DATABASE(src, copy);
}

TEST(DumpOptions, FilterFromStandardInput) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  RunOptions feed;
  feed.stdin_data = "include table public.plain\ninclude table \"Audit\".\"Events\"\n";
  CommandResult r =
      Ndump({"-d", Cluster().ConnInfo(src), "-f", dir.File("in.ndump"), "--filter", "-"}, feed);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.err, "");
  const std::string listing = Listing(dir.File("in.ndump"));
  EXPECT_TRUE(Lists(listing, "TABLE public plain"));
  EXPECT_TRUE(Lists(listing, "TABLE Audit Events"));
  EXPECT_FALSE(Lists(listing, "TABLE Audit events"));
  EXPECT_FALSE(Lists(listing, "app"));
}

TEST(DumpOptions, RepeatedPatternOptionsLeaveThePositionalDatabaseAlone) {
  const std::string src = SelectionDatabase();
  ScopedTempDir dir;
  RunOptions env;
  env.env = Cluster().PgEnv();
  CommandResult r = Ndump({"-n", "app", "-n", "util", "-f", dir.File("p.ndump"), src}, env);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string listing = Listing(dir.File("p.ndump"));
  EXPECT_TRUE(Lists(listing, "TABLE app customers"));
  EXPECT_TRUE(Lists(listing, "FUNCTION util"));
  EXPECT_FALSE(Lists(listing, "Audit"));
}

// --- what a selection leaves out along with its objects (issue 14) -------------------------------

// Objects whose fate follows a selected or excluded object: an extended statistics object its
// table, a language the schema of its handler, a materialized view's refresh the data, a
// partition's index attach the partition.
constexpr const char* kLanguage =
    "CREATE SCHEMA lang;"
    "CREATE FUNCTION lang.handler() RETURNS language_handler LANGUAGE c AS '$libdir/plpgsql', "
    "'plpgsql_call_handler';"
    "CREATE LANGUAGE \"My Lang\" HANDLER lang.handler;";
constexpr const char* kFollowers =
    "CREATE TABLE public.with_stats (a integer, b integer);"
    "INSERT INTO public.with_stats VALUES (1, 2);"
    "CREATE STATISTICS public.\"with stats ab\" ON a, b FROM public.with_stats;"
    "CREATE TABLE public.kept (a integer PRIMARY KEY);"
    "INSERT INTO public.kept VALUES (1), (2);"
    "CREATE MATERIALIZED VIEW public.kept_mv AS SELECT a FROM public.kept;"
    "CREATE TABLE public.parted (a integer, b integer) PARTITION BY RANGE (a);"
    "CREATE INDEX parted_b ON public.parted (b);"
    "CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (10);"
    "INSERT INTO public.parted VALUES (1, 1);";

std::string FollowersDatabase(bool language = false) {
  const std::string db = Cluster().CreateDatabase("followers");
  EXPECT_TRUE(Cluster().Psql(db, std::string(kFollowers) + (language ? kLanguage : "")));
  return db;
}

// The script nrestore -f writes for an ndump archive of `db` made with `opts`.
std::string NdumpScript(const std::string& db, const std::vector<std::string>& opts) {
  ScopedTempDir dir;
  EXPECT_TRUE(DumpTo(db, dir.File("a.ndump"), opts));
  CommandResult r = Nrestore({"-f", "-", dir.File("a.ndump")});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return r.out;
}

// pg_dump's plain script of `db` with `opts`.
std::string PgDumpScript(const std::string& db, std::vector<std::string> opts) {
  opts.insert(opts.begin(), Cluster().Bin("pg_dump"));
  opts.insert(opts.end(), {"-d", Cluster().ConnInfo(db)});
  CommandResult r = RunCommand(opts);
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  return r.out;
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

TEST(DumpOptions, ExcludedTableTakesItsStatistics) {
  const std::string src = FollowersDatabase();
  CompareWithPgDump(src, {"-T", "public.with_stats"});
  // Nor does -t of another table bring them, as with pg_dump.
  const std::string ours = NdumpScript(src, {"-t", "public.kept"});
  EXPECT_FALSE(Has(ours, "CREATE STATISTICS"));
  EXPECT_FALSE(Has(PgDumpScript(src, {"-t", "public.kept"}), "CREATE STATISTICS"));
}

TEST(DumpOptions, SchemaOnlyDoesNotRefreshMaterializedViews) {
  const std::string src = FollowersDatabase();
  // The oracle compares whether materialized views are populated: pg_dump -s leaves them empty.
  CompareWithPgDump(src, {"-s"});
  ScopedTempDir dir;
  ASSERT_TRUE(DumpTo(src, dir.File("s.ndump"), {"-s"}));
  EXPECT_FALSE(Lists(Listing(dir.File("s.ndump")), "MATERIALIZED VIEW DATA"));
  // A whole archive restored with -s refreshes them, as pg_restore -s does.
  ASSERT_TRUE(DumpTo(src, dir.File("all.ndump")));
  EXPECT_TRUE(Lists(Listing(dir.File("all.ndump")), "MATERIALIZED VIEW DATA"));
}

TEST(DumpOptions, LanguageWithoutItsExcludedHandlerIsWrittenAsPgDumpWritesIt) {
  const std::string src = FollowersDatabase(/*language=*/true);
  const std::string theirs = PgDumpScript(src, {"-s", "-N", "lang"});
  const std::string ours = NdumpScript(src, {"-s", "-N", "lang"});
  const std::string create = "CREATE OR REPLACE PROCEDURAL LANGUAGE \"My Lang\";";
  ASSERT_TRUE(Has(theirs, create)) << theirs;
  EXPECT_TRUE(Has(ours, create)) << ours;
  EXPECT_FALSE(Has(ours, "HANDLER lang.handler"));
  // With the schema, the handler is named.
  EXPECT_TRUE(Has(NdumpScript(src, {"-s"}), "HANDLER lang.handler"));
}

TEST(DumpOptions, SelectedPartitionKeepsItsIndexAttach) {
  const std::string src = FollowersDatabase();
  // The same statement (ndump quotes every name).
  ASSERT_TRUE(Has(PgDumpScript(src, {"-s", "-t", "public.parted_1"}),
                  "ALTER INDEX public.parted_b ATTACH PARTITION public.parted_1_b_idx;"));
  EXPECT_TRUE(Has(NdumpScript(src, {"-s", "-t", "public.parted_1"}),
                  "ALTER INDEX public.parted_b ATTACH PARTITION public.parted_1_b_idx;"));
}

}  // namespace
}  // namespace ndump_test
