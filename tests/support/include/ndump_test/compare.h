// The oracle: is a restored database the same as its source?
//
// Two databases are "the same" when
//   - their schemas are: `pg_dump --schema-only` of both (with the random `\restrict` and
//     `\unrestrict` key lines that pg_dump 15.14+ prints removed) are identical text, and
//   - their data is: every user table (relkind r or p outside pg_catalog, information_schema and
//     the toast/temp schemas) has the same row count and the same order-independent hash of its
//     rows (md5 over the sorted md5s of each row's text form), and every sequence has the same
//     last_value and is_called (pg_dump --schema-only does not show them), and every
//     materialized view is populated or not alike, with the same rows.
//
// All functions use the cluster from TestCluster::Get() and report query failures as non-fatal
// test failures.
#ifndef NDUMP_TEST_COMPARE_H_
#define NDUMP_TEST_COMPARE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ndump_test {

struct TableFingerprint {
  int64_t rows = 0;
  std::string hash;  // 32 hex digits
  bool operator==(const TableFingerprint&) const = default;
};

// pg_dump --schema-only text of `db`, without \restrict / \unrestrict lines. `extra_args` go to
// pg_dump too, e.g. {"--create"} for the database's own definition.
std::string SchemaDump(const std::string& db, const std::vector<std::string>& extra_args = {});

// Schema-qualified, quoted table name (format('%I.%I')) -> fingerprint, for every user table.
std::map<std::string, TableFingerprint> TableFingerprints(const std::string& db);

// Schema-qualified, quoted sequence name -> "last_value=N is_called=t|f".
std::map<std::string, std::string> SequenceStates(const std::string& db);

// TableFingerprints and SequenceStates as text, one line per object, sorted by name.
std::string DataReport(const std::string& db);

// `diff -u` of two texts with the given labels; empty when they are equal. Long diffs are cut
// after max_lines lines.
std::string UnifiedDiff(const std::string& a, const std::string& b, const std::string& label_a,
                        const std::string& label_b, int max_lines = 300);

// Success when `src` and `copy` are the same (see the file comment); otherwise a failure whose
// message holds the unified diffs of the schemas and/or of the data reports.
::testing::AssertionResult DatabasesMatch(const std::string& src, const std::string& copy);

// EXPECT_TRUE(DatabasesMatch(src, copy)), reported at the caller's line.
#define EXPECT_SAME_DATABASE(src, copy) EXPECT_TRUE(::ndump_test::DatabasesMatch((src), (copy)))

// The function form: a non-fatal failure with the diffs when the databases differ.
void ExpectSameDatabase(const std::string& src, const std::string& copy);

}  // namespace ndump_test

#endif  // NDUMP_TEST_COMPARE_H_
