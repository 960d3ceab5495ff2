// Rows of extension configuration tables against pg_dump's own rules: the fixture
// fidelity_extconfig.sql (ndump's test extension ndump_cfgtest) restored by pg_dump -Fc +
// pg_restore and by ndump + nrestore must give the same database, configuration rows included.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/extension.h"
#include "tools.h"

namespace ndump_test {
namespace {

const char kSchema[] = "\"Cfg Ext.Ü select\"";

class ExtensionConfig : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InstallTestExtensions(NDUMP_SQL_DIR "/extension")); }

  // pg_dump -Fc of src restored by pg_restore into a new database.
  std::string PgRestored(const std::string& src, const ScopedTempDir& dir,
                         const std::vector<std::string>& dump_args = {}) {
    const std::string archive = dir.File("theirs.pgc");
    auto bin = [&](const std::string& program) {
      return oracle_bindir_.empty() ? Cluster().Bin(program) : oracle_bindir_ + "/" + program;
    };
    std::vector<std::string> argv = {bin("pg_dump"), "-Fc", "-f",
                                     archive,        "-d",  Cluster().ConnInfo(src)};
    argv.insert(argv.end(), dump_args.begin(), dump_args.end());
    CommandResult r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    const std::string db = Cluster().CreateDatabase("theirs");
    if (!prepare_.empty()) {
      EXPECT_TRUE(Cluster().Psql(db, prepare_));
    }
    argv = {bin("pg_restore"), "--exit-on-error", "-d", Cluster().ConnInfo(db)};
    argv.insert(argv.end(), restore_args_.begin(), restore_args_.end());
    argv.push_back(archive);
    r = RunCommand(argv);
    EXPECT_EQ(r.exit_code, 0) << r.Describe();
    return db;
  }

  // ndump of src restored by nrestore (directly, or through a script and psql).
  std::string NRestored(const std::string& src, const ScopedTempDir& dir, bool script,
                        std::vector<std::string> dump_args = {}) {
    const std::string archive = dir.File(script ? "ours_script.ndump" : "ours.ndump");
    dump_args.insert(dump_args.end(), {"-j", "2"});
    EXPECT_TRUE(DumpTo(src, archive, dump_args));
    const std::string db = Cluster().CreateDatabase("ours");
    if (!prepare_.empty()) {
      EXPECT_TRUE(Cluster().Psql(db, prepare_));
    }
    if (script) {
      const std::string sql = dir.File("ours.sql");
      CommandResult r = Nrestore({"-f", sql, archive});
      EXPECT_EQ(r.exit_code, 0) << r.Describe();
      EXPECT_TRUE(Cluster().PsqlFile(db, sql));
    } else {
      std::vector<std::string> args = {"-j", "2"};
      args.insert(args.end(), restore_args_.begin(), restore_args_.end());
      EXPECT_TRUE(RestoreFrom(db, archive, args));
    }
    return db;
  }

  // SQL run in each restore target before the restore, and options of both restore tools.
  std::string prepare_;
  std::vector<std::string> restore_args_;
  // Where the oracle's pg_dump and pg_restore are; empty: the test server's own.
  std::string oracle_bindir_;

  std::string Settings(const std::string& db) {
    return Cluster().Query(db,
                           "SELECT string_agg(format('%s|%s|%s|%s', id, name, value, builtin), "
                           "E'\\n' ORDER BY id) FROM " +
                               std::string(kSchema) + ".\"Setting \"\"s\"\"\"");
  }
};

TEST_F(ExtensionConfig, RestoredRowsAreThoseOfPgRestore) {
  const std::string src = NewLoadedDatabase("fidelity_extconfig.sql", "extcfg");
  ScopedTempDir dir;
  const std::string theirs = PgRestored(src, dir);
  const std::string ours = NRestored(src, dir, false);
  const std::string ours_script = NRestored(src, dir, true);
  EXPECT_SAME_DATABASE(theirs, ours);
  EXPECT_SAME_DATABASE(theirs, ours_script);
  // Not only equal to pg_restore's, but what the fixture made: the extension's three builtin rows
  // once (from CREATE EXTENSION), the user's rows once (from the dump), the values of both
  // configuration sequences, and every row of the unfiltered table, duplicates included.
  EXPECT_EQ(Settings(ours), Settings(src));
  EXPECT_EQ(Cluster().Query(ours,
                            "SELECT count(*) FILTER (WHERE builtin), "
                            "count(*) FILTER (WHERE NOT builtin) FROM " +
                                std::string(kSchema) + ".\"Setting \"\"s\"\"\""),
            "3|3");
  EXPECT_EQ(Cluster().Query(ours, "SELECT count(*), count(*) FILTER (WHERE rule = 'dup') FROM " +
                                      std::string(kSchema) + ".rules"),
            "42|2");
  EXPECT_EQ(Cluster().Query(ours, "SELECT last_value, is_called FROM " + std::string(kSchema) +
                                      ".\"ticket No\""),
            "115|t");
}

// pg_dump's rule, not a copy of the source: rows the filter excludes are not dumped, so a change
// to a builtin row is lost and the row comes back as the extension's script made it.
TEST_F(ExtensionConfig, FilteredOutRowsAreNotDumped) {
  const std::string src = NewLoadedDatabase("fidelity_extconfig.sql", "extcfgflt");
  ASSERT_TRUE(Cluster().Psql(src, "UPDATE " + std::string(kSchema) +
                                      ".\"Setting \"\"s\"\"\" SET value = 'slow' "
                                      "WHERE name = 'mode';"));
  ScopedTempDir dir;
  const std::string theirs = PgRestored(src, dir);
  const std::string ours = NRestored(src, dir, false);
  EXPECT_SAME_DATABASE(theirs, ours);
  const std::string mode =
      "SELECT value FROM " + std::string(kSchema) + ".\"Setting \"\"s\"\"\" WHERE name = 'mode'";
  EXPECT_EQ(Cluster().Query(src, mode), "slow");
  EXPECT_EQ(Cluster().Query(ours, mode), "fast");
  // And the archive's script carries the user's rows only.
  const std::string archive = dir.File("ours.ndump");
  CommandResult r = Nrestore({"-f", "-", archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_NE(r.out.find("user two"), std::string::npos);
  EXPECT_EQ(r.out.find("slow"), std::string::npos);
}

// The exclusion switches apply to configuration tables and sequences as pg_dump applies them: -T
// and --exclude-table-data leave out their rows or value (the extension is still created).
// (-N of the extension's schema makes a dump that pg_restore cannot restore either: CREATE
// EXTENSION ... SCHEMA needs the schema.)
class ExtensionConfigExcluded : public ExtensionConfig,
                                public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(ExtensionConfigExcluded, SameAsPgRestore) {
  const std::string src = NewLoadedDatabase("fidelity_extconfig.sql", "extcfgx");
  ScopedTempDir dir;
  const std::string theirs = PgRestored(src, dir, GetParam());
  const std::string ours = NRestored(src, dir, false, GetParam());
  EXPECT_SAME_DATABASE(theirs, ours);
}

INSTANTIATE_TEST_SUITE_P(
    Switches, ExtensionConfigExcluded,
    ::testing::Values(
        std::vector<std::string>{"-T", "\"Cfg Ext.Ü select\".rules"},
        std::vector<std::string>{"--exclude-table-data", "*.rules"},
        // Without the table whose foreign key needs the user's rows.
        std::vector<std::string>{"-T", "*.\"Setting \"\"s\"\"\"", "-T", "public.uses_settings"},
        std::vector<std::string>{"-T", "\"Cfg Ext.Ü select\".\"ticket No\""},
        std::vector<std::string>{"--exclude-table-data", "*.\"Setting \"\"s\"\"_id_seq\""},
        std::vector<std::string>{"-T", "public.uses_settings"},
        // -e naming the extension: the same as everything.
        std::vector<std::string>{"-e", "ndump_cfgtest"}));

// -n of the extension's schema or -t of a configuration table: the extension is not dumped, but
// pg_dump still takes the selected configuration rows, restored into a database that has the
// extension already; -e and --exclude-extension choose whose rows.
class ExtensionConfigSelected : public ExtensionConfig,
                                public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(ExtensionConfigSelected, SameAsPgRestore) {
  const std::string src = NewLoadedDatabase("fidelity_extconfig.sql", "extcfgs");
  prepare_ =
      "CREATE SCHEMA \"Cfg Ext.Ü select\"; "
      "CREATE EXTENSION ndump_cfgtest SCHEMA \"Cfg Ext.Ü select\";";
  restore_args_ = {"--data-only"};  // -n dumps the schema too, which the target has already
  ScopedTempDir dir;
  const std::string theirs = PgRestored(src, dir, GetParam());
  const std::string ours = NRestored(src, dir, false, GetParam());
  EXPECT_SAME_DATABASE(theirs, ours);
}

INSTANTIATE_TEST_SUITE_P(
    Switches, ExtensionConfigSelected,
    ::testing::Values(std::vector<std::string>{"-t", "*.rules"},
                      std::vector<std::string>{"-t", "\"Cfg Ext.Ü select\".\"ticket No\""},
                      std::vector<std::string>{"-n", "\"Cfg Ext.Ü select\"", "-T", "*.rules"},
                      // -e with -n: the extension comes along, and its rows.
                      std::vector<std::string>{"-n", "\"Cfg Ext.Ü select\"", "-e", "ndump_*"},
                      // -e of another extension: none of this one's rows (plpgsql has none).
                      std::vector<std::string>{"-t", "*.rules", "-e", "plpgsql"}));

// --exclude-extension: none of the extension's configuration rows, even those -t selects.
// pg_dump has the option since 17: the oracle is PostgreSQL 18's pg_dump (its plain script, which
// a server older than 17 can run too), on either server.
TEST_F(ExtensionConfig, ExcludeExtensionSameAsPgDump) {
  const std::string pg18 = NDUMP_PG18_BINDIR;
  ASSERT_FALSE(pg18.empty()) << "NDUMP_PG18_BINDIR was not set at configure time";
  const std::string src = NewLoadedDatabase("fidelity_extconfig.sql", "extcfgxx");
  prepare_ =
      "CREATE SCHEMA \"Cfg Ext.Ü select\"; "
      "CREATE EXTENSION ndump_cfgtest SCHEMA \"Cfg Ext.Ü select\";";
  restore_args_ = {"--data-only"};
  ScopedTempDir dir;
  const std::vector<std::string> selected = {"-t", "*.rules", "-t",
                                             "\"Cfg Ext.Ü select\".\"ticket No\""};
  std::vector<std::string> args = selected;
  args.insert(args.end(), {"--exclude-extension", "ndump_cfgtest"});
  const std::string script = dir.File("theirs.sql");
  std::vector<std::string> argv = {pg18 + "/pg_dump", "-f", script, "-d", Cluster().ConnInfo(src)};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = RunCommand(argv);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  // pg_dump 18's script sets transaction_timeout, which a server before 17 does not know: that
  // one line is left out (it changes nothing here).
  std::optional<std::string> text = ReadFile(script);
  ASSERT_TRUE(text.has_value());
  const std::string kTimeout = "SET transaction_timeout = 0;\n";
  if (const size_t at = text->find(kTimeout); at != std::string::npos) {
    text->erase(at, kTimeout.size());
  }
  const std::string theirs = Cluster().CreateDatabase("theirs");
  ASSERT_TRUE(Cluster().Psql(theirs, prepare_ + "\n" + *text));
  const std::string ours = NRestored(src, dir, false, args);
  EXPECT_SAME_DATABASE(theirs, ours);
  // Without the option, the rows come: the case tells the two apart.
  const std::string with_rows = NRestored(src, dir, false, selected);
  EXPECT_FALSE(DatabasesMatch(theirs, with_rows));
}

}  // namespace
}  // namespace ndump_test
