// Clear errors. For each failure: the documented exit code, exactly one line on stderr starting
// with "<tool>: error: " that names the problem, no file at the -f path and nothing else left in
// its directory, and for nrestore an untouched target when the archive is bad.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tools.h"

namespace ndump_test {
namespace {

namespace fs = std::filesystem;

// A small database worth dumping.
std::string SmallDatabase() {
  const std::string db = Cluster().CreateDatabase("small");
  EXPECT_TRUE(Cluster().Psql(db,
                             "CREATE TABLE t (id int PRIMARY KEY, v text);"
                             "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 100) g;"));
  return db;
}

// A valid archive of the foundation fixture, made once per test that needs one.
std::string FoundationArchive(const ScopedTempDir& dir) {
  const std::string archive = dir.File("good.ndump");
  EXPECT_TRUE(DumpTo(NewLoadedDatabase(), archive));
  return archive;
}

// --- ndump: connection problems -------------------------------------------------------------

TEST(Errors, DumpWithUnreachableHost) {
  ScopedTempDir dir;
  CommandResult r =
      Ndump({"-d", "host=/nonexistent port=1 user=postgres dbname=x", "-f", dir.File("out.ndump")});
  EXPECT_TRUE(IsToolError(r, "ndump", kExitConnection, {"/nonexistent", "connect"}));
  EXPECT_TRUE(dir.List().empty());
}

TEST(Errors, DumpWithUnparsableConninfo) {
  ScopedTempDir dir;
  CommandResult r = Ndump({"-d", "foo=bar", "-f", dir.File("out.ndump")});
  // Rejected by libpq's conninfo parser: a usage error (2) or a connection failure (3) are both
  // defensible; 0 and every other code are not.
  EXPECT_TRUE(r.exit_code == kExitUsage || r.exit_code == kExitConnection) << r.Describe();
  EXPECT_TRUE(IsToolError(r, "ndump", r.exit_code, {"foo"}));
  EXPECT_TRUE(dir.List().empty());
}

TEST(Errors, DumpOfADatabaseThatDoesNotExist) {
  ScopedTempDir dir;
  CommandResult r =
      Ndump({"-d", Cluster().ConnInfo("no_such_database_here"), "-f", dir.File("out.ndump")});
  EXPECT_TRUE(IsToolError(r, "ndump", kExitConnection, {"no_such_database_here"}));
  EXPECT_TRUE(dir.List().empty());
}

// --- ndump: privileges ------------------------------------------------------------------------

// Reading a sequence's value needs SELECT on it, as for pg_dump. pg_sequence_last_value, which
// reads the values of the sequences already called in one query, accepts USAGE alone: it is
// asked only where SELECT is granted, and the dump still fails here.
TEST(Errors, DumpOfASequenceWithUsageOnly) {
  const std::string db = SmallDatabase();
  const std::string role = "usage_" + db;
  ASSERT_TRUE(Cluster().Psql(db, "CREATE ROLE \"" + role +
                                     "\" LOGIN; CREATE SEQUENCE counter; "
                                     "SELECT nextval('counter'); GRANT SELECT ON t TO \"" +
                                     role + "\"; GRANT USAGE ON SEQUENCE counter TO \"" + role +
                                     "\""));
  for (const char* jobs : {"1", "2"}) {
    ScopedTempDir dir;
    CommandResult r = Ndump(
        {"-d", Cluster().ConnInfo(db) + " user=" + role, "-j", jobs, "-f", dir.File("out.ndump")});
    EXPECT_TRUE(IsToolError(r, "ndump", kExitError, {"permission denied"})) << "-j " << jobs;
    EXPECT_TRUE(dir.List().empty());
  }
  EXPECT_TRUE(Cluster().Psql(db, "DROP OWNED BY \"" + role + "\"; DROP ROLE \"" + role + "\""));
}

// --- ndump: output problems -------------------------------------------------------------------

TEST(Errors, DumpIntoADirectoryThatDoesNotExist) {
  const std::string db = SmallDatabase();
  ScopedTempDir dir;
  const std::string out = dir.File("missing/out.ndump");
  CommandResult r = Ndump({"-d", Cluster().ConnInfo(db), "-f", out});
  EXPECT_TRUE(IsToolError(r, "ndump", kExitError, {out, "missing"}));
  EXPECT_TRUE(dir.List().empty()) << "ndump created something in " << dir.path();
}

TEST(Errors, DumpUnderProc) {
  const std::string db = SmallDatabase();
  const std::string out = "/proc/ndump-test-output.ndump";
  CommandResult r = Ndump({"-d", Cluster().ConnInfo(db), "-f", out});
  EXPECT_TRUE(IsToolError(r, "ndump", kExitError, {out}));
  EXPECT_FALSE(fs::exists(out));
}

TEST(Errors, DumpOntoADirectory) {
  const std::string db = SmallDatabase();
  ScopedTempDir dir;
  const std::string out = dir.File("a directory");
  ASSERT_TRUE(fs::create_directory(out));
  CommandResult r = Ndump({"-d", Cluster().ConnInfo(db), "-f", out});
  EXPECT_TRUE(IsToolError(r, "ndump", kExitError, {out, "directory"}));
  EXPECT_TRUE(fs::is_directory(out));
  EXPECT_TRUE(fs::is_empty(out));
  EXPECT_EQ(dir.List(), std::vector<std::string>{"a directory"});
}

TEST(Errors, DumpIntoAReadOnlyDirectory) {
  const std::string db = SmallDatabase();
  ScopedTempDir dir;
  const std::string ro = dir.File("ro");
  ASSERT_TRUE(fs::create_directory(ro));
  const auto read_exec = fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                         fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec;
  fs::permissions(dir.path(), read_exec | fs::perms::owner_write);
  fs::permissions(ro, read_exec);
  const std::vector<std::string> args = {"-d", Cluster().ConnInfo(db), "-f", ro + "/out.ndump"};
  CommandResult r;
  if (geteuid() == 0) {
    // Permissions do not stop root: run ndump as the unprivileged postgres user instead.
    std::vector<std::string> argv = {"runuser", "-u", "postgres", "--", NDUMP_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.cwd = "/";
    if (RunCommand({"runuser", "-u", "postgres", "--", "test", "-x", NDUMP_BIN}, options)
            .exit_code != 0) {
      GTEST_SKIP() << "the postgres user cannot execute " << NDUMP_BIN;
    }
    r = RunCommand(argv, options);
  } else {
    r = Ndump(args);
  }
  EXPECT_TRUE(IsToolError(r, "ndump", kExitError, {ro}));
  EXPECT_TRUE(fs::is_empty(ro));
}

// --- ndump: interrupted ---------------------------------------------------------------------

TEST(Errors, InterruptedDumpLeavesNothingBehind) {
  const std::string db = SmallDatabase();
  // Another session holds an ACCESS EXCLUSIVE lock on the only table, so the dump is certain to
  // be waiting (for its lock or its COPY) when SIGINT arrives.
  PgConnPtr locker = Cluster().LockTable(db, "t");
  ASSERT_TRUE(locker);
  const int locker_pid = PQbackendPID(locker.get());

  ScopedTempDir dir;
  RunOptions interrupt;
  interrupt.signal = SIGINT;
  interrupt.signal_after_ms = 1500;
  interrupt.timeout_seconds = 30;
  const auto started = std::chrono::steady_clock::now();
  CommandResult r =
      Ndump({"-j", "2", "-d", Cluster().ConnInfo(db), "-f", dir.File("out.ndump")}, interrupt);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(r.timed_out) << "ndump did not react to SIGINT";
  EXPECT_LT(elapsed, std::chrono::seconds(15));
  EXPECT_TRUE(IsToolError(r, "ndump", kExitInterrupted));
  EXPECT_TRUE(dir.List().empty());

  // Its sessions end with it: nothing but the lock holder (and this query) stays connected.
  std::string others;
  for (int i = 0; i < 100; ++i) {
    others = Cluster().Query(db,
                             "SELECT count(*) FROM pg_stat_activity WHERE datname ="
                             " current_database() AND pid <> pg_backend_pid() AND pid <> " +
                                 std::to_string(locker_pid));
    if (others == "0") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(others, "0") << "ndump's sessions outlived it";
  PQclear(PQexec(locker.get(), "ROLLBACK"));
}

// --- ndump / nrestore: usage ------------------------------------------------------------------

TEST(Errors, UnknownOptionsAndBadValuesAreUsageErrors) {
  ScopedTempDir dir;
  const std::string file = dir.File("whatever.ndump");
  ASSERT_TRUE(WriteFile(file, "x"));
  const std::string db = Cluster().ConnInfo("postgres");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--no-such-option", "-d", db, "-f", dir.File("out.ndump")},
           {"-j", "many", "-d", db, "-f", dir.File("out.ndump")},
           {"-j", "-3", "-d", db, "-f", dir.File("out.ndump")},
           {"-d", db, "-f", dir.File("out.ndump"), "extra positional", "argument"}}) {
    CommandResult r = Ndump(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
    EXPECT_EQ(r.err.rfind("ndump: error: ", 0), 0u) << r.Describe();
  }
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--no-such-option", "-d", db, file},
                                             {"-j", "many", "-d", db, file},
                                             {"-d", db, file, "second file"}}) {
    CommandResult r = Nrestore(args);
    EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
    EXPECT_EQ(r.err.rfind("nrestore: error: ", 0), 0u) << r.Describe();
  }
  EXPECT_EQ(dir.List(), std::vector<std::string>{"whatever.ndump"});
}

// The synopsis makes DBNAME (ndump) and -d and FILE (nrestore) mandatory; FILE is "-" to read
// stdin. Leaving them out is a usage error rather than a fallback to a default database or stdin.
// Like pg_dump and pg_restore: no database name means libpq's default (PGDATABASE), and no FILE
// means standard input; nrestore with neither a target nor --list writes a script, as pg_restore
// does (which needs the archive as a file).
TEST(Errors, MissingArgumentsFollowPgDumpDefaults) {
  ScopedTempDir dir;
  const std::string file = dir.File("whatever.ndump");
  ASSERT_TRUE(WriteFile(file, "x"));
  // Neither -d nor --list: a script, as pg_restore writes; this FILE is no archive.
  CommandResult r = Nrestore({file});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, {"not an ndump archive"}));
  r = Nrestore({});  // a script from standard input is not supported
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();

  r = Nrestore({"-d", Cluster().ConnInfo("postgres")});  // no FILE: reads the (empty) stdin
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive, {"empty"}));

  const std::string db = Cluster().CreateDatabase("pgdatabase");
  RunOptions options;
  options.env = Cluster().PgEnv();
  options.env.emplace_back("PGDATABASE", db);
  const std::string out = dir.File("out.ndump");
  r = Ndump({"-f", out}, options);  // no database given: PGDATABASE names it
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_EQ(dir.List(), (std::vector<std::string>{"out.ndump", "whatever.ndump"}));
}

// --- nrestore: bad input ----------------------------------------------------------------------

TEST(Errors, RestoreOfAFileThatIsNotAnArchive) {
  ScopedTempDir dir;
  const std::string target = Cluster().CreateDatabase("target");
  const std::string text = dir.File("notes.txt");
  ASSERT_TRUE(WriteFile(text, "this is not an archive\n\\. \\N\n"));
  const std::string empty = dir.File("empty.ndump");
  ASSERT_TRUE(WriteFile(empty, ""));
  // A real archive of another program: pg_dump's custom format.
  const std::string pgdump = dir.File("pg.dump");
  CommandResult r = RunCommand(
      {Cluster().Bin("pg_dump"), "-Fc", "-f", pgdump, "-d", Cluster().ConnInfo(SmallDatabase())});
  ASSERT_EQ(r.exit_code, 0) << r.Describe();

  for (const std::string& file : {text, empty, pgdump}) {
    SCOPED_TRACE(file);
    r = Nrestore({"-d", Cluster().ConnInfo(target), file});
    EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive,
                            {"archive", "magic", "format", "empty", "truncated", file}));
    r = Nrestore({"--list", file});
    EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive,
                            {"archive", "magic", "format", "empty", "truncated", file}));
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  RunOptions feed;
  feed.stdin_data = "not an archive either";
  r = Nrestore({"-d", Cluster().ConnInfo(target), "-"}, feed);
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive));
  EXPECT_EQ(UserObjectCount(target), 0);
}

TEST(Errors, RestoreOfATruncatedArchiveTouchesNothing) {
  ScopedTempDir dir;
  const std::string archive = FoundationArchive(dir);
  const std::string bytes = ReadFile(archive).value_or("");
  ASSERT_GT(bytes.size(), 100u);
  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, bytes.size() / 10, size_t{16}}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(bytes.size()) + " bytes");
    const std::string target = Cluster().CreateDatabase("target");
    const std::string cut = dir.File("cut.ndump");
    ASSERT_TRUE(WriteFile(cut, bytes.substr(0, keep)));
    CommandResult r = Nrestore({"-d", Cluster().ConnInfo(target), "-j", "2", cut});
    EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive));
    EXPECT_EQ(UserObjectCount(target), 0) << "nrestore changed the target before failing";
  }
}

TEST(Errors, RestoreOfACorruptedArchive) {
  ScopedTempDir dir;
  const std::string archive = FoundationArchive(dir);
  std::string bytes = ReadFile(archive).value_or("");
  ASSERT_GT(bytes.size(), 100u);
  // One flipped bit in the middle of the file: somewhere inside the data, which is checksummed.
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);
  const std::string bad = dir.File("bad.ndump");
  ASSERT_TRUE(WriteFile(bad, bytes));
  const std::string target = Cluster().CreateDatabase("target");
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo(target), bad});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitBadArchive));
}

TEST(Errors, RestoreOfAMissingFile) {
  const std::string target = Cluster().CreateDatabase("target");
  const std::string missing = "/nonexistent/archive.ndump";
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo(target), missing});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitError, {missing}));
  r = Nrestore({"--list", missing});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitError, {missing}));
}

// --- nrestore: target problems ------------------------------------------------------------------

TEST(Errors, RestoreIntoADatabaseThatDoesNotExist) {
  ScopedTempDir dir;
  const std::string archive = dir.File("small.ndump");
  ASSERT_TRUE(DumpTo(SmallDatabase(), archive));
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo("no_such_target_db"), archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitConnection, {"no_such_target_db"}));
  r = Nrestore({"-d", "host=/nonexistent port=1 dbname=x", archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitConnection, {"/nonexistent", "connect"}));
}

TEST(Errors, RestoreIntoADatabaseThatAlreadyHasTheObjects) {
  ScopedTempDir dir;
  const std::string src = SmallDatabase();
  const std::string archive = dir.File("small.ndump");
  ASSERT_TRUE(DumpTo(src, archive));
  // The server rejects the second CREATE TABLE t: a server error. By default (as pg_restore)
  // each failed entry is a warning, the restore goes on, and the exit status says that errors
  // were ignored.
  CommandResult r = Nrestore({"-d", Cluster().ConnInfo(src), archive});
  EXPECT_EQ(r.exit_code, kExitError) << r.Describe();
  EXPECT_EQ(r.err.rfind("nrestore: warning: ", 0), 0u) << r.Describe();
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.Describe();
  EXPECT_NE(r.err.find("errors ignored on restore"), std::string::npos) << r.Describe();
  // With -e it stops the restore (which leaves its journal, for --resume: last here).
  r = Nrestore({"-e", "-d", Cluster().ConnInfo(src), archive});
  EXPECT_EQ(r.exit_code, kExitError) << r.Describe();
  EXPECT_EQ(r.err.rfind("nrestore: error: ", 0), 0u) << r.Describe();
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.Describe();
}

}  // namespace
}  // namespace ndump_test
