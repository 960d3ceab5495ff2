// One round trip per fidelity fixture (tests/sql/fidelity_*.sql): the restored copy must be
// indistinguishable from its source by the oracle.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/extension.h"
#include "tools.h"

namespace ndump_test {
namespace {

std::vector<std::string> Fixtures() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(NDUMP_SQL_DIR)) {
    const std::string name = entry.path().filename().string();
    if ((name.rfind("fidelity_", 0) == 0 || name == "foundation.sql") &&
        entry.path().extension() == ".sql") {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Fidelity : public ::testing::TestWithParam<std::string> {
 protected:
  // Fixtures may create ndump's own test extensions (tests/sql/extension): installed first, and
  // a test fails when they cannot be.
  void SetUp() override { ASSERT_TRUE(InstallTestExtensions(NDUMP_SQL_DIR "/extension")); }
};

TEST_P(Fidelity, RoundTripIsIdentical) {
  const std::string src = NewLoadedDatabase(GetParam(), "fid");
  ScopedTempDir dir;
  const std::string archive = dir.File("fixture.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  const std::string copy = Cluster().CreateDatabase("fidcopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
}

// The same with table data in COPY's binary format wherever ndump allows it (tables whose
// columns all have safe built-in types; the others stay text).
TEST_P(Fidelity, BinaryCopyRoundTripIsIdentical) {
  const std::string src = NewLoadedDatabase(GetParam(), "fidbin");
  ScopedTempDir dir;
  const std::string archive = dir.File("fixture.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2", "--copy-format", "binary"}));
  const std::string copy = Cluster().CreateDatabase("fidbincopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  EXPECT_SAME_DATABASE(src, copy);
}

// The same through a script: nrestore -f out.sql, then psql -f out.sql.
TEST_P(Fidelity, ScriptRoundTripIsIdentical) {
  const std::string src = NewLoadedDatabase(GetParam(), "fidscript");
  ScopedTempDir dir;
  const std::string archive = dir.File("fixture.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  const std::string script = dir.File("restore.sql");
  CommandResult r = Nrestore({"-f", script, archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string copy = Cluster().CreateDatabase("fidscriptcopy");
  ASSERT_TRUE(Cluster().PsqlFile(copy, script));
  EXPECT_SAME_DATABASE(src, copy);
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 4);  // without ".sql"
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Fidelity, ::testing::ValuesIn(Fixtures()), TestName);

}  // namespace
}  // namespace ndump_test
