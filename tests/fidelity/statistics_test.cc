// Optimizer statistics (ndump --statistics, pg_dump 18's STATISTICS DATA entries) against the
// source and against pg_dump 18: the fixture tests/sql/statistics.sql (analyzed tables of many
// column types, partitioned, inheritance, expression index, materialized views, hostile names).
// On PostgreSQL 18 the copy must hold the source's pg_class counts and pg_stats rows, as the copy
// that pg_dump 18 --statistics + pg_restore 18 makes; into 15 (which has no
// pg_restore_*_stats functions) the statistics are skipped with one warning and the rest is
// restored whole. The statements themselves are pg_dump 18's, from either source version.
//
// Autovacuum is off while these run: an automatic ANALYZE of the copy would replace what was
// restored (and CREATE INDEX would rewrite a table's counts, with it on, in pg_restore's copy).
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

const char kSchema[] = "Stat \"Q\" ü";  // the fixture's schema, as pg_namespace spells it

int ServerVersion() { return std::stoi(Cluster().Query("postgres", "SHOW server_version_num")); }

std::string Pg18(const std::string& program) {
  return std::string(NDUMP_PG18_BINDIR) + "/" + program;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The relations of the fixture's schema with their pg_class counts, and their pg_stats rows
// (the columns every supported version has, and the range ones from 17), as text.
std::string StatsOf(const std::string& db) {
  const int v = ServerVersion();
  const char* schema = "'Stat \"Q\" ü'";
  return Cluster().Query(
             db, std::string("SELECT string_agg(concat_ws('|', c.relname, c.relkind, c.relpages, "
                             "c.reltuples, c.relallvisible") +
                     (v >= 180000 ? ", c.relallfrozen" : "") +
                     "), E'\\n' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON "
                     "n.oid = c.relnamespace WHERE n.nspname = " +
                     schema + " AND c.relkind IN ('r', 'p', 'm', 'f', 'i', 'I')") +
         "\n" +
         Cluster().Query(
             db,
             std::string("SELECT string_agg(concat_ws('|', tablename, attname, inherited, "
                         "null_frac, avg_width, n_distinct, most_common_vals, "
                         "most_common_freqs, histogram_bounds, correlation, "
                         "most_common_elems, most_common_elem_freqs, elem_count_histogram") +
                 (v >= 170000 ? ", range_length_histogram, range_empty_frac, range_bounds_histogram"
                              : "") +
                 "), E'\\n' ORDER BY tablename, attname, inherited) FROM pg_stats WHERE "
                 "schemaname = " +
                 schema);
}

// The extended statistics' data (pg_stats_ext) of the fixture's schema.
std::string ExtStatsOf(const std::string& db) {
  return Cluster().Query(db,
                         "SELECT string_agg(concat_ws('|', statistics_name, n_distinct, "
                         "dependencies, most_common_vals), E'\\n' ORDER BY statistics_name) "
                         "FROM pg_stats_ext WHERE schemaname = 'Stat \"Q\" ü'");
}

// Relations of the fixture's schema that have statistics (and so a STATISTICS DATA entry).
int RelationsWithStatistics(const std::string& db) {
  return std::stoi(Cluster().Query(
      db,
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
      "n.nspname = 'Stat \"Q\" ü' AND c.relkind IN ('r', 'p', 'm', 'f', 'i', 'I')"));
}

// The lines of nrestore -l that are STATISTICS DATA entries.
std::vector<std::string> StatisticsEntries(const std::string& archive) {
  CommandResult l = Nrestore({"-l", archive});
  EXPECT_EQ(l.exit_code, 0) << l.Describe();
  std::vector<std::string> out;
  for (const std::string& line : Lines(l.out)) {
    if (line.find("; STATISTICS DATA ") != std::string::npos) out.push_back(line);
  }
  return out;
}

// The pg_restore_*_stats() calls of a psql script, sorted.
std::vector<std::string> StatsStatements(const std::string& script) {
  std::vector<std::string> out;
  std::string current;
  bool in = false;
  std::istringstream s(script);
  for (std::string line; std::getline(s, line);) {
    if (line.rfind("SELECT * FROM pg_catalog.pg_restore_", 0) == 0) {
      in = true;
      current.clear();
    }
    if (!in) continue;
    current += line + "\n";
    if (line == ");") {
      out.push_back(current);
      in = false;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class Statistics : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Cluster().Psql(
        "postgres", "ALTER SYSTEM SET autovacuum = off; SELECT pg_catalog.pg_reload_conf()"));
  }
  void TearDown() override {
    Cluster().Psql("postgres", "ALTER SYSTEM RESET autovacuum; SELECT pg_catalog.pg_reload_conf()");
  }

  // The fixture, with its main table vacuumed apart (all-visible and all-frozen pages).
  std::string Source() {
    const std::string src = NewLoadedDatabase("statistics.sql", "stat");
    EXPECT_TRUE(Cluster().Psql(src, "VACUUM (FREEZE, ANALYZE) \"Stat \"\"Q\"\" ü\".\"Types Tab\""));
    return src;
  }
};

TEST_F(Statistics, RoundTripKeepsThem) {
  const std::string src = Source();
  ScopedTempDir dir;
  const std::string archive = dir.File("stats.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--statistics", "-j", "2"}));
  const int relations = RelationsWithStatistics(src);
  ASSERT_GT(relations, 20);
  EXPECT_EQ(StatisticsEntries(archive).size(), static_cast<size_t>(relations));
  const std::string copy = Cluster().CreateDatabase("statcopy");
  CommandResult r = Nrestore({"-j", "2", "-d", Cluster().ConnInfo(copy), archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, copy);
  if (ServerVersion() < 180000) {
    // No pg_restore_relation_stats(): every entry skipped, one warning that counts them.
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find("nrestore: warning: skipped " + std::to_string(relations) +
                         " STATISTICS DATA entries"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(
        Cluster().Query(copy, "SELECT count(*) FROM pg_stats WHERE schemaname = 'Stat \"Q\" ü'"),
        "0");
    return;
  }
  EXPECT_EQ(r.err, "");
  const std::string ours = StatsOf(copy);
  ASSERT_NE(Cluster().Query(src, "SELECT relallvisible FROM pg_class WHERE relname = 'Types Tab'"),
            "0");
  EXPECT_EQ(StatsOf(src), ours);
  // pg_dump 18 --statistics + pg_restore 18 make the same copy; neither carries the extended
  // statistics' data, which the source has.
  const std::string pg_archive = dir.File("stats.pgc");
  CommandResult d = RunCommand(
      {Pg18("pg_dump"), "--statistics", "-Fc", "-f", pg_archive, "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  const std::string theirs = Cluster().CreateDatabase("statpg");
  d = RunCommand({Pg18("pg_restore"), "-d", Cluster().ConnInfo(theirs), pg_archive});
  ASSERT_EQ(d.exit_code, 0) << d.Describe();
  EXPECT_EQ(StatsOf(theirs), ours);
  EXPECT_NE(ExtStatsOf(src), ExtStatsOf(copy));
  EXPECT_EQ(ExtStatsOf(theirs), ExtStatsOf(copy));
}

// The statements are pg_dump 18's, byte for byte, from a 15 source as from an 18 one; on 18 the
// script restores them.
TEST_F(Statistics, ScriptHasPgDumpStatements) {
  const std::string src = Source();
  ScopedTempDir dir;
  const std::string archive = dir.File("stats.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--statistics"}));
  const std::string script = dir.File("ours.sql");
  CommandResult r = Nrestore({"-f", script, archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string pg_script = dir.File("theirs.sql");
  r = RunCommand({Pg18("pg_dump"), "--statistics", "-f", pg_script, "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::vector<std::string> ours = StatsStatements(ReadFile(script));
  EXPECT_GT(ours.size(), static_cast<size_t>(RelationsWithStatistics(src)));
  EXPECT_EQ(ours, StatsStatements(ReadFile(pg_script)));
  if (ServerVersion() >= 180000) {
    const std::string copy = Cluster().CreateDatabase("statscript");
    ASSERT_TRUE(Cluster().PsqlFile(copy, script));
    EXPECT_EQ(StatsOf(src), StatsOf(copy));
  }
}

// Without --statistics the archive is what it was: no STATISTICS DATA entry, every other entry
// the same. --statistics-only holds nothing else; -s and -a refuse --statistics, as pg_dump 18.
TEST_F(Statistics, DumpOptions) {
  const std::string src = Source();
  ScopedTempDir dir;
  const std::string plain = dir.File("plain.ndump"), with = dir.File("with.ndump"),
                    only = dir.File("only.ndump"), data = dir.File("data.ndump");
  ASSERT_TRUE(DumpTo(src, plain));
  ASSERT_TRUE(DumpTo(src, with, {"--statistics"}));
  ASSERT_TRUE(DumpTo(src, only, {"--statistics-only"}));
  ASSERT_TRUE(DumpTo(src, data, {"--statistics", "--section", "data"}));
  EXPECT_TRUE(StatisticsEntries(plain).empty());
  auto entries = [](const std::string& archive, bool statistics) {
    CommandResult l = Nrestore({"-l", archive});
    std::vector<std::string> out;
    for (const std::string& line : Lines(l.out)) {
      if (line.empty() || line[0] == ';') continue;
      if ((line.find("; STATISTICS DATA ") != std::string::npos) == statistics) {
        out.push_back(line);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(entries(plain, false), entries(with, false));
  const size_t all = StatisticsEntries(with).size();
  EXPECT_EQ(StatisticsEntries(only).size(), all);
  for (const std::string& line : entries(only, false)) {
    EXPECT_NE(line.find("; DATABASE"), std::string::npos) << line;
  }
  // --section data: the tables' statistics, not the indexes' nor the materialized view's.
  const std::vector<std::string> tables = StatisticsEntries(data);
  EXPECT_LT(tables.size(), all);
  auto has = [&](const std::string& name) {
    return std::any_of(tables.begin(), tables.end(), [&](const std::string& l) {
      return l.find(std::string(kSchema) + " " + name + " -") != std::string::npos;
    });
  };
  EXPECT_TRUE(has("Types Tab"));
  EXPECT_TRUE(has("Part"));
  EXPECT_FALSE(has("Expr Idx"));
  EXPECT_FALSE(has("Mat View"));
  // pg_dump 18's --no-data --statistics and --no-schema --statistics: the definitions or the data,
  // each with every statistics entry; -s and -a refuse --statistics.
  const std::string schema_stats = dir.File("schema_stats.ndump"),
                    data_stats = dir.File("data_stats.ndump"), schema = dir.File("schema.ndump"),
                    data_only = dir.File("data_only.ndump");
  ASSERT_TRUE(DumpTo(src, schema_stats, {"--no-data", "--statistics"}));
  ASSERT_TRUE(DumpTo(src, data_stats, {"--no-schema", "--statistics"}));
  ASSERT_TRUE(DumpTo(src, schema, {"-s"}));
  ASSERT_TRUE(DumpTo(src, data_only, {"-a"}));
  EXPECT_EQ(StatisticsEntries(schema_stats).size(), all);
  EXPECT_EQ(StatisticsEntries(data_stats).size(), all);
  EXPECT_EQ(entries(schema_stats, false), entries(schema, false));
  EXPECT_EQ(entries(data_stats, false), entries(data_only, false));
  EXPECT_TRUE(IsToolError(
      Ndump({"-s", "--statistics", "-d", Cluster().ConnInfo(src), "-f", dir.File("x.ndump")}),
      "ndump", kExitUsage, {"--statistics"}));
  EXPECT_TRUE(IsToolError(
      Ndump({"-a", "--statistics-only", "-d", Cluster().ConnInfo(src), "-f", dir.File("y.ndump")}),
      "ndump", kExitUsage, {"--statistics-only"}));
}

// nrestore --no-statistics, -s and -a leave the statistics out; --statistics-only restores them
// alone, into a copy made without them.
TEST_F(Statistics, RestoreOptions) {
  if (ServerVersion() < 180000) GTEST_SKIP() << "restoring statistics needs PostgreSQL 18";
  const std::string src = Source();
  ScopedTempDir dir;
  const std::string archive = dir.File("stats.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"--statistics"}));
  auto stats_rows = [](const std::string& db) {
    return Cluster().Query(db, "SELECT count(*) FROM pg_stats WHERE schemaname = 'Stat \"Q\" ü'");
  };
  const std::string without = Cluster().CreateDatabase("nostat");
  ASSERT_TRUE(RestoreFrom(without, archive, {"--no-statistics"}));
  EXPECT_EQ(stats_rows(without), "0");
  const std::string schema = Cluster().CreateDatabase("schemaonly");
  ASSERT_TRUE(RestoreFrom(schema, archive, {"-s"}));
  EXPECT_EQ(stats_rows(schema), "0");
  ASSERT_TRUE(RestoreFrom(schema, archive, {"-a"}));
  EXPECT_EQ(stats_rows(schema), "0");
  // -t: the table's statistics only, not its indexes' (as pg_restore 18 selects them).
  const std::string one = Cluster().CreateDatabase("onetable");
  ASSERT_TRUE(RestoreFrom(one, archive, {"--no-statistics"}));
  ASSERT_TRUE(RestoreFrom(one, archive, {"--statistics-only", "-t", "Types Tab"}));
  EXPECT_EQ(Cluster().Query(one,
                            "SELECT string_agg(DISTINCT tablename, ',') FROM pg_stats "
                            "WHERE schemaname = 'Stat \"Q\" ü'"),
            "Types Tab");
  ASSERT_TRUE(RestoreFrom(without, archive, {"--statistics-only"}));
  EXPECT_EQ(StatsOf(src), StatsOf(without));
  EXPECT_TRUE(
      IsToolError(Nrestore({"-s", "--statistics", "-d", Cluster().ConnInfo(schema), archive}),
                  "nrestore", kExitUsage, {"--statistics"}));
  EXPECT_TRUE(IsToolError(
      Nrestore({"--statistics-only", "--no-statistics", "-d", Cluster().ConnInfo(schema), archive}),
      "nrestore", kExitUsage, {"--statistics"}));
}

}  // namespace
}  // namespace ndump_test
