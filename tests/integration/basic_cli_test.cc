// The command-line errors PostgreSQL's src/bin/pg_dump/t/001_basic.pl checks for pg_dump and
// pg_restore, those that apply to ndump and nrestore: the same arguments make both tools fail
// with pg_dump's message (its tool name replaced). Each case is also run through PostgreSQL 18's
// own pg_dump or pg_restore, which must fail with that message, so the table says what pg_dump
// says. The exit code is ndump's documented one for a bad command line (2; pg_dump exits 1).
//
// Cases of 001_basic.pl left out, and why (docs/ndump.md, "pg_dump's options"):
//   pg_dump -j3                   pg_dump needs the directory format for -j; ndump's single-file
//                                 archive takes -j in every format
//   pg_dump -Z 15, -Z gzip:...,   gzip levels and the tar format: ndump compresses with zstd
//   --format tar ...              (levels 0..22) and refuses -F t with its own message
//   pg_restore (no argument)      pg_restore 18 requires -d or -f; nrestore writes the script to
//                                 standard output, as pg_restore 15 does
//   --statistics*, pg_dumpall     not ndump's
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

struct Case {
  std::string tool;  // "pg_dump" or "pg_restore"
  std::vector<std::string> args;
  std::string message;  // after "<tool>: error: ", as 001_basic.pl's pattern has it
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"pg_dump", {"qqq", "abc"}, "too many command-line arguments (first is \"abc\")"},
      {"pg_restore", {"qqq", "abc"}, "too many command-line arguments (first is \"abc\")"},
      {"pg_dump",
       {"-s", "-a"},
       "options -s/--schema-only and -a/--data-only cannot be used together"},
      {"pg_dump",
       {"-s", "--include-foreign-data=xxx"},
       "options -s/--schema-only and --include-foreign-data cannot be used together"},
      {"pg_dump",
       {"-j2", "--include-foreign-data=xxx"},
       "option --include-foreign-data is not supported with parallel backup"},
      {"pg_restore",
       {"-s", "-a", "-f -"},
       "options -s/--schema-only and -a/--data-only cannot be used together"},
      {"pg_restore",
       {"-d", "xxx", "-f", "xxx"},
       "options -d/--dbname and -f/--file cannot be used together"},
      {"pg_dump", {"-c", "-a"}, "options -c/--clean and -a/--data-only cannot be used together"},
      {"pg_restore",
       {"-c", "-a", "-f -"},
       "options -c/--clean and -a/--data-only cannot be used together"},
      {"pg_dump", {"--if-exists"}, "option --if-exists requires option -c/--clean"},
      {"pg_dump", {"-j", "-1 "}, "-j/--jobs must be in range"},
      {"pg_dump", {"-F", "garbage"}, "invalid output format"},
      {"pg_restore", {"-j", "-1", "-f -"}, "-j/--jobs must be in range"},
      {"pg_restore",
       {"--single-transaction", "-j3", "-f -"},
       "cannot specify both --single-transaction and multiple jobs"},
      {"pg_dump", {"--compress", "garbage"}, "unrecognized compression algorithm"},
      {"pg_dump",
       {"--compress", "none:1"},
       "invalid compression specification: compression algorithm \"none\" does not accept a "
       "compression level"},
      {"pg_dump", {"--extra-float-digits", "-16"}, "--extra-float-digits must be in range"},
      {"pg_dump", {"--rows-per-insert", "0"}, "--rows-per-insert must be in range"},
      {"pg_restore", {"--if-exists", "-f -"}, "option --if-exists requires option -c/--clean"},
      {"pg_restore", {"-f -", "-F", "garbage"}, "unrecognized archive format \"garbage\";"},
      {"pg_dump",
       {"--on-conflict-do-nothing"},
       "option --on-conflict-do-nothing requires option --inserts, --rows-per-insert, or "
       "--column-inserts"},
      {"pg_restore",
       {"-C", "-1", "-f -"},
       "options -C/--create and -1/--single-transaction cannot be used together"},
  };
  return cases;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

TEST(PgDumpBasic, CommandLineErrorsAreWordedAsPgDumps) {
  const std::string pg18 = NDUMP_PG18_BINDIR;
  ASSERT_FALSE(pg18.empty()) << "NDUMP_PG18_BINDIR was not set when the build was configured: "
                                "no pg_dump 18 to hold the cases to";
  ScopedTempDir dir;  // the working directory: "-f xxx" and "-f -" name files there
  RunOptions in_dir;
  in_dir.cwd = dir.path();
  for (const Case& c : Cases()) {
    std::string shown = c.tool;
    for (const auto& a : c.args) shown += " '" + a + "'";
    SCOPED_TRACE(shown);
    std::vector<std::string> argv = {pg18 + "/" + c.tool};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const CommandResult theirs = RunCommand(argv, in_dir);
    EXPECT_NE(theirs.exit_code, 0) << theirs.Describe();
    EXPECT_NE(FirstLine(theirs.err).find(c.tool + ": error: " + c.message), std::string::npos)
        << theirs.err;

    const std::string ours_tool = c.tool == "pg_dump" ? "ndump" : "nrestore";
    argv = {ours_tool == "ndump" ? NDUMP_BIN : NRESTORE_BIN};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const CommandResult ours = RunCommand(argv, in_dir);
    EXPECT_EQ(ours.exit_code, kExitUsage) << ours.Describe();
    EXPECT_EQ(FirstLine(ours.err).rfind(ours_tool + ": error: " + c.message, 0), 0u) << ours.err;
  }
  EXPECT_EQ(dir.List(), std::vector<std::string>{});
}

}  // namespace
}  // namespace ndump_test
