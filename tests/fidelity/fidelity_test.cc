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

// --clean --if-exists over a restored copy, twice: every drop finds its object or is skipped
// (no error at all: pg_restore has harmless ones there, nrestore must not), and the copy ends as
// the source (no object left behind, no row loaded twice).
TEST_P(Fidelity, CleanTwiceOverCopyIsIdentical) {
  const std::string src = NewLoadedDatabase(GetParam(), "fidclean");
  ScopedTempDir dir;
  const std::string archive = dir.File("fixture.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  const std::string copy = Cluster().CreateDatabase("fidcleancopy");
  ASSERT_TRUE(RestoreFrom(copy, archive, {"-j", "2"}));
  for (int pass = 1; pass <= 2; ++pass) {
    // DROP SUBSCRIPTION drops the slot on the publisher, which the fixtures' subscriptions
    // (connect = false) do not have: detach them from their slots first, as one would by hand.
    ASSERT_TRUE(Cluster().Psql(
        copy,
        "DO $$DECLARE s text; BEGIN FOR s IN SELECT subname FROM pg_subscription s JOIN "
        "pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database() LOOP "
        "EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', s); END LOOP; END$$;"));
    CommandResult r =
        Nrestore({"-c", "--if-exists", "-j", "2", "-d", Cluster().ConnInfo(copy), archive});
    EXPECT_EQ(r.exit_code, 0) << "pass " << pass << "\n" << r.Describe();
    EXPECT_EQ(r.err, "") << "pass " << pass;
  }
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

// fidelity_wild (what databases written by others held) against pg_dump's own round trip:
// pg_dump -Fc + pg_restore --exit-on-error restores it whole, and ndump + nrestore (directly and
// through a script) give the same database. The other fixtures hold things pg_dump itself loses
// (an inheritance child's own column order), so only this one is held to pg_restore's copy.
TEST(FidelityWild, SameAsPgRestore) {
  ASSERT_TRUE(InstallTestExtensions(NDUMP_SQL_DIR "/extension"));
  const std::string src = NewLoadedDatabase("fidelity_wild.sql", "wild");
  ScopedTempDir dir;
  const std::string theirs_archive = dir.File("theirs.pgc");
  CommandResult r = RunCommand(
      {Cluster().Bin("pg_dump"), "-Fc", "-f", theirs_archive, "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string theirs = Cluster().CreateDatabase("wildtheirs");
  r = RunCommand({Cluster().Bin("pg_restore"), "--exit-on-error", "-d", Cluster().ConnInfo(theirs),
                  theirs_archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_SAME_DATABASE(src, theirs);

  const std::string archive = dir.File("ours.ndump");
  ASSERT_TRUE(DumpTo(src, archive, {"-j", "2"}));
  for (const std::string jobs : {"1", "2"}) {
    const std::string ours = Cluster().CreateDatabase("wildours");
    ASSERT_TRUE(RestoreFrom(ours, archive, {"-j", jobs}));
    EXPECT_SAME_DATABASE(theirs, ours) << "nrestore -j " << jobs;
  }
  const std::string script = dir.File("ours.sql");
  r = Nrestore({"-f", script, archive});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  const std::string ours_script = Cluster().CreateDatabase("wildscript");
  ASSERT_TRUE(Cluster().PsqlFile(ours_script, script));
  EXPECT_SAME_DATABASE(theirs, ours_script);
}

}  // namespace
}  // namespace ndump_test
