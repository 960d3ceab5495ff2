// ndump -F p: a psql script, as pg_dump's default plain format. Held to pg_dump's own plain output
// (what `pg_dump db | psql newdb` gives, by the oracle), to nrestore -f of an archive of the same
// database (the same text), and, with --inserts and its siblings, to the source's rows.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ndump_test/extension.h"
#include "tools.h"

namespace ndump_test {
namespace {

// Occurrences of `needle` in `text`.
size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The database pg_dump's plain script of `src` makes, through psql.
std::string PgDumpPlainCopy(const std::string& src, const ScopedTempDir& dir) {
  const std::string script = dir.File("theirs.sql");
  CommandResult r =
      RunCommand({Cluster().Bin("pg_dump"), "-f", script, "-d", Cluster().ConnInfo(src)});
  EXPECT_EQ(r.exit_code, 0) << r.Describe();
  const std::string theirs = Cluster().CreateDatabase("plaintheirs");
  EXPECT_TRUE(Cluster().PsqlFile(theirs, script));
  return theirs;
}

class PlainFormat : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_TRUE(InstallTestExtensions(NDUMP_SQL_DIR "/extension")); }
};

// `ndump -F p db | psql newdb` gives what `pg_dump db | psql newdb` gives: the script on standard
// output, and with -f and -j 2.
TEST_P(PlainFormat, PipedIntoPsqlGivesWhatPgDumpGives) {
  const std::string src = NewLoadedDatabase(GetParam(), "plain");
  ScopedTempDir dir;
  const std::string theirs = PgDumpPlainCopy(src, dir);

  CommandResult r = Ndump({"-F", "p", "-d", Cluster().ConnInfo(src)});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  ASSERT_EQ(r.out.rfind("--\n-- ndump archive of database ", 0), 0u) << r.out.substr(0, 200);
  const std::string piped = dir.File("piped.sql");
  ASSERT_TRUE(WriteFile(piped, r.out));
  const std::string ours = Cluster().CreateDatabase("plainours");
  ASSERT_TRUE(Cluster().PsqlFile(ours, piped));
  EXPECT_SAME_DATABASE(theirs, ours);

  // The temporary archive goes to $TMPDIR, here the test's directory, and is gone after.
  const std::string file = dir.File("file.sql");
  RunOptions tmpdir;
  tmpdir.env = {{"TMPDIR", dir.path()}};
  r = Ndump({"--format=plain", "-j", "2", "-f", file, "-d", Cluster().ConnInfo(src)}, tmpdir);
  ASSERT_EQ(r.exit_code, 0) << r.Describe();
  EXPECT_EQ(r.out, "");
  const std::string ours_file = Cluster().CreateDatabase("plainfile");
  ASSERT_TRUE(Cluster().PsqlFile(ours_file, file));
  EXPECT_SAME_DATABASE(theirs, ours_file);
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"file.sql", "piped.sql", "theirs.sql"}));
}

std::string FixtureName(const ::testing::TestParamInfo<std::string>& param) {
  return param.param == "foundation.sql" ? "foundation" : "wild";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PlainFormat,
                         ::testing::Values("foundation.sql", "fidelity_wild.sql"), FixtureName);

// The plain script is the text nrestore -f writes from an archive of the same database (with
// the same \restrict key, the one part chosen at random), with the script options too.
TEST(PlainFormatText, IsWhatNrestoreWritesFromAnArchive) {
  const std::string src = NewLoadedDatabase("foundation.sql", "plaintext");
  ScopedTempDir dir;
  const std::string archive = dir.File("a.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  for (const std::vector<std::string>& opts :
       {std::vector<std::string>{}, {"-c", "--if-exists"}, {"-O", "-C"}, {"-s"}}) {
    std::string shown;
    for (const auto& o : opts) shown += o + " ";
    SCOPED_TRACE("options: " + shown);
    std::vector<std::string> args = {"-F",  "p",  "--restrict-key",
                                     "K3y", "-d", Cluster().ConnInfo(src)};
    args.insert(args.end(), opts.begin(), opts.end());
    const CommandResult plain = Ndump(args);
    ASSERT_EQ(plain.exit_code, 0) << plain.Describe();
    const std::string script = dir.File("n.sql");
    args = {"--restrict-key", "K3y", "-f", script};
    args.insert(args.end(), opts.begin(), opts.end());
    args.push_back(archive);
    const CommandResult n = Nrestore(args);
    ASSERT_EQ(n.exit_code, 0) << n.Describe();
    const auto text = ReadFile(script);
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(plain.out, *text);
    const bool create = opts.size() == 2 && opts[1] == "-C";
    EXPECT_EQ(Count(plain.out, "\\restrict K3y\n"), create ? 2u : 1u);  // again after \connect
  }
}

// --inserts, --column-inserts, --rows-per-insert and --on-conflict-do-nothing: the data goes as
// INSERT statements (no COPY), and the rows that arrive are the source's, hostile values (tabs,
// new lines, backslashes, the text \N, NULLs, bytea) included.
TEST(PlainFormatInserts, LoadTheSourceRows) {
  const std::string src = NewLoadedDatabase("foundation.sql", "inserts");
  ScopedTempDir dir;
  struct Case {
    std::vector<std::string> flags;
    std::string must_hold;  // a piece of text each case's script has, and plain COPY's has not
  };
  const std::vector<Case> cases = {
      {{"--inserts"}, ") OVERRIDING SYSTEM VALUE VALUES ("},
      {{"--column-inserts"}, ") OVERRIDING SYSTEM VALUE VALUES ("},
      {{"--rows-per-insert", "3"}, ") OVERRIDING SYSTEM VALUE VALUES\n\t("},
      {{"--inserts", "--on-conflict-do-nothing"}, ") ON CONFLICT DO NOTHING;\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flags.front() + (c.flags.size() > 1 ? " " + c.flags[1] : ""));
    std::vector<std::string> args = {"-F", "p", "-d", Cluster().ConnInfo(src)};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    const CommandResult r = Ndump(args);
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(Count(r.out, " FROM stdin;\n"), 0u);
    EXPECT_NE(Count(r.out, "INSERT INTO "), 0u);
    EXPECT_NE(Count(r.out, c.must_hold), 0u);
    const std::string script = dir.File("inserts.sql");
    ASSERT_TRUE(WriteFile(script, r.out));
    const std::string copy = Cluster().CreateDatabase("insertscopy");
    ASSERT_TRUE(Cluster().PsqlFile(copy, script));
    EXPECT_SAME_DATABASE(src, copy);
  }
}

// --rows-per-insert N: ceil(rows / N) statements per table, each of N rows but the last.
TEST(PlainFormatInserts, RowsPerInsertGroupsRows) {
  const std::string src = Cluster().CreateDatabase("rows7");
  ASSERT_TRUE(Cluster().Psql(src,
                             "CREATE TABLE r7 (i integer, t text); "
                             "INSERT INTO r7 SELECT g, 'row ' || g FROM generate_series(1, 7) g;"));
  for (const auto& [n, statements] : {std::pair{"3", 3u}, std::pair{"7", 1u}, std::pair{"1", 7u}}) {
    const CommandResult r =
        Ndump({"-F", "p", "-a", "--rows-per-insert", n, "-d", Cluster().ConnInfo(src)});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    EXPECT_EQ(Count(r.out, "INSERT INTO public.r7 (i, t) OVERRIDING SYSTEM VALUE VALUES"),
              statements)
        << n << "\n"
        << r.out;
    EXPECT_EQ(Count(r.out, "'row "), 7u);
  }
}

}  // namespace
}  // namespace ndump_test
