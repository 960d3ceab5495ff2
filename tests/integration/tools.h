// Helpers for driving the ndump and nrestore executables from integration tests.
//
// The paths of the executables under test come from the build (NDUMP_BIN, NRESTORE_BIN), the
// fixtures directory from NDUMP_SQL_DIR. The exit codes are the tools' documented contract.
#ifndef NDUMP_TESTS_INTEGRATION_TOOLS_H_
#define NDUMP_TESTS_INTEGRATION_TOOLS_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/cluster.h"
#include "ndump_test/compare.h"
#include "ndump_test/process.h"

namespace ndump_test {

// Documented exit codes of both tools.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;        // server error, I/O error
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitConnection = 3;   // cannot connect
inline constexpr int kExitBadArchive = 4;   // archive damaged, truncated, or not an archive
inline constexpr int kExitInterrupted = 5;  // SIGINT / SIGTERM

inline TestCluster& Cluster() { return TestCluster::Get(); }

// Absolute path of a file in tests/sql.
std::string SqlPath(const std::string& file);

CommandResult Ndump(const std::vector<std::string>& args, const RunOptions& options = {});
CommandResult Nrestore(const std::vector<std::string>& args, const RunOptions& options = {});

// A new database loaded with tests/sql/<file> (default: the foundation fixture).
std::string NewLoadedDatabase(const std::string& file = "foundation.sql",
                              const std::string& hint = "src");

// ndump -d <conninfo of db> -f archive <extra...>; success when it exits 0 and the archive
// exists and is not empty.
::testing::AssertionResult DumpTo(const std::string& db, const std::string& archive,
                                  const std::vector<std::string>& extra = {});
// nrestore -d <conninfo of db> <extra...> archive; success when it exits 0.
::testing::AssertionResult RestoreFrom(const std::string& db, const std::string& archive,
                                       const std::vector<std::string>& extra = {});

// The error contract of both tools: exit code `code`, exactly one line on stderr, starting with
// "<tool>: error: ", and (when keywords is not empty) mentioning at least one of the keywords,
// compared case-insensitively.
::testing::AssertionResult IsToolError(const CommandResult& r, const std::string& tool, int code,
                                       const std::vector<std::string>& keywords = {});

// Number of relations, types and schemas a restore could have created in db (0 for a database
// that nothing was restored into).
int UserObjectCount(const std::string& db);

// Text split at '\n', without a trailing empty line.
std::vector<std::string> Lines(const std::string& text);

}  // namespace ndump_test

#endif  // NDUMP_TESTS_INTEGRATION_TOOLS_H_
