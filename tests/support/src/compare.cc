#include "ndump_test/compare.h"

#include <sstream>
#include <vector>

#include "ndump_test/cluster.h"
#include "ndump_test/process.h"

namespace ndump_test {
namespace {

// Every relation of `relkinds` in a user schema, as format('%I.%I'), sorted bytewise.
std::vector<std::string> UserRelations(const std::string& db, const std::string& relkinds) {
  std::vector<std::string> names;
  const Rows rows = TestCluster::Get().QueryRows(
      db,
      "SELECT format('%I.%I', n.nspname, c.relname) COLLATE \"C\" AS name"
      "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind = ANY ('{" +
          relkinds +
          "}'::\"char\"[])"
          "   AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
          "   AND n.nspname !~ '^pg_(toast|temp_)'"
          " ORDER BY 1");
  for (const auto& row : rows) names.push_back(row.at(0).value_or(""));
  return names;
}

}  // namespace

std::string SchemaDump(const std::string& db, const std::vector<std::string>& extra_args) {
  const TestCluster& cluster = TestCluster::Get();
  std::vector<std::string> argv = {cluster.Bin("pg_dump"), "--schema-only"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  argv.insert(argv.end(), {"-d", cluster.ConnInfo(db)});
  CommandResult r = RunCommand(argv);
  if (r.exit_code != 0) {
    ADD_FAILURE() << "pg_dump --schema-only of " << db << " failed\n" << r.Describe();
    return "";
  }
  // pg_dump >= 15.14 brackets its output with \restrict KEY / \unrestrict KEY, where KEY is
  // random on every run; they are no part of the schema.
  std::string out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("\\restrict", 0) == 0 || line.rfind("\\unrestrict", 0) == 0) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::map<std::string, TableFingerprint> TableFingerprints(const std::string& db) {
  std::map<std::string, TableFingerprint> result;
  const TestCluster& cluster = TestCluster::Get();
  for (const std::string& table : UserRelations(db, "r,p")) {
    // ONLY: each table's own rows, so that a child table's rows are not counted twice. The row
    // hashes are sorted so that the physical order of the rows does not matter.
    const Rows rows = cluster.QueryRows(
        db,
        "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE \"C\"), ''))"
        "  FROM (SELECT md5(t::text) AS h FROM ONLY " +
            table + " t) s");
    if (rows.size() != 1) continue;
    TableFingerprint fp;
    fp.rows = std::stoll(rows[0].at(0).value_or("0"));
    fp.hash = rows[0].at(1).value_or("");
    result[table] = fp;
  }
  return result;
}

std::map<std::string, std::string> SequenceStates(const std::string& db) {
  std::map<std::string, std::string> result;
  const TestCluster& cluster = TestCluster::Get();
  for (const std::string& seq : UserRelations(db, "S")) {
    const Rows rows = cluster.QueryRows(db, "SELECT last_value, is_called FROM " + seq);
    if (rows.size() != 1) continue;
    result[seq] =
        "last_value=" + rows[0].at(0).value_or("NULL") + " is_called=" + rows[0].at(1).value_or("");
  }
  return result;
}

std::string DataReport(const std::string& db) {
  std::ostringstream os;
  for (const auto& [name, fp] : TableFingerprints(db)) {
    os << "table " << name << ": rows=" << fp.rows << " md5=" << fp.hash << "\n";
  }
  for (const auto& [name, state] : SequenceStates(db)) {
    os << "sequence " << name << ": " << state << "\n";
  }
  // pg_dump --schema-only writes every materialized view WITH NO DATA: whether a restore
  // refreshed it, and with which rows, shows only here.
  const TestCluster& cluster = TestCluster::Get();
  for (const std::string& mv : UserRelations(db, "m")) {
    std::string literal;  // the name as a string literal
    for (char c : mv) literal += c == '\'' ? std::string("''") : std::string(1, c);
    const Rows populated =
        cluster.QueryRows(db, "SELECT relispopulated FROM pg_catalog.pg_class WHERE oid = '" +
                                  literal + "'::pg_catalog.regclass");
    if (populated.size() != 1) continue;
    os << "materialized view " << mv << ": ";
    if (populated[0].at(0).value_or("") != "t") {
      os << "not populated\n";
      continue;
    }
    const Rows rows = cluster.QueryRows(
        db,
        "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE \"C\"), ''))"
        "  FROM (SELECT md5(t::text) AS h FROM " +
            mv + " t) s");
    if (rows.size() != 1) continue;
    os << "rows=" << rows[0].at(0).value_or("0") << " md5=" << rows[0].at(1).value_or("") << "\n";
  }
  return os.str();
}

std::string UnifiedDiff(const std::string& a, const std::string& b, const std::string& label_a,
                        const std::string& label_b, int max_lines) {
  if (a == b) return "";
  ScopedTempDir dir("ndt-diff");
  const std::string fa = dir.File("a");
  const std::string fb = dir.File("b");
  if (!WriteFile(fa, a) || !WriteFile(fb, b)) return "(cannot write temp files for diff)";
  CommandResult r = RunCommand({"diff", "-u", "--label", label_a, "--label", label_b, fa, fb});
  if (r.exit_code != 1) return "(diff failed)\n" + r.Describe();
  std::istringstream in(r.out);
  std::string line;
  std::string out;
  int n = 0;
  while (std::getline(in, line)) {
    if (++n > max_lines) {
      out += "... (diff cut after " + std::to_string(max_lines) + " lines)\n";
      break;
    }
    out += line;
    out += '\n';
  }
  return out;
}

::testing::AssertionResult DatabasesMatch(const std::string& src, const std::string& copy) {
  const std::string schema_src = SchemaDump(src);
  const std::string schema_copy = SchemaDump(copy);
  if (schema_src.empty() || schema_copy.empty()) {
    return ::testing::AssertionFailure() << "cannot compare: pg_dump failed (see above)";
  }
  const std::string data_src = DataReport(src);
  const std::string data_copy = DataReport(copy);
  const std::string schema_diff =
      UnifiedDiff(schema_src, schema_copy, src + " (schema)", copy + " (schema)");
  const std::string data_diff = UnifiedDiff(data_src, data_copy, src + " (data)", copy + " (data)");
  if (schema_diff.empty() && data_diff.empty()) {
    return ::testing::AssertionSuccess()
           << "databases " << src << " and " << copy << " have the same schema and data";
  }
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << "databases " << src << " and " << copy << " differ\n";
  if (!schema_diff.empty())
    failure << "--- schema diff (pg_dump --schema-only) ---\n" << schema_diff;
  if (!data_diff.empty())
    failure << "--- data diff (row counts, row hashes, sequences) ---\n" << data_diff;
  return failure;
}

void ExpectSameDatabase(const std::string& src, const std::string& copy) {
  EXPECT_TRUE(DatabasesMatch(src, copy));
}

}  // namespace ndump_test
