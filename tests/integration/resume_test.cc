// Resumable restore (docs/manual.md, "Resuming a restore"): a restore stopped at a random moment
// (nrestore killed, one of its backends terminated, the server crashed) and resumed with
// `nrestore --resume` ends as the source: same schema (pg_dump --schema-only, so no journal
// left), same rows, same sequence values. And --resume refuses what it must refuse.
//
// NDUMP_RESUME_KILLS (default 20) is the number of interruptions, split over the three kinds;
// NDUMP_RESUME_SEED fixes the random moments (the seed used is printed).
#include <signal.h>
#include <sys/types.h>

#include <dirent.h>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools.h"

namespace ndump_test {
namespace {

// Small, but with every phase: 8 small tables with a key, an index, a comment and char(n)
// data; a bigger table (about 9 MB of COPY text, over the COPY FREEZE and key-split thresholds)
// with two indexes and a foreign key; a sequence, a view and a materialized view.
constexpr const char* kFixture = R"sql(
CREATE SCHEMA app;
CREATE SEQUENCE app.s;
SELECT setval('app.s', 42);
DO $$ BEGIN
  FOR i IN 1..8 LOOP
    EXECUTE format('CREATE TABLE app.t%s (id int PRIMARY KEY, v text, c char(8))', i);
    EXECUTE format('INSERT INTO app.t%s SELECT g, md5(g::text), ''x'' FROM generate_series(1, 300) g', i);
    EXECUTE format('CREATE INDEX ON app.t%s (v)', i);
    EXECUTE format('COMMENT ON TABLE app.t%s IS %L', i, 'table ' || i);
  END LOOP;
END $$;
CREATE TABLE app.big (id int PRIMARY KEY, ref int REFERENCES app.t1 (id), payload text);
INSERT INTO app.big SELECT g, 1 + g % 300, repeat(md5(g::text), 4) FROM generate_series(1, 64000) g;
CREATE INDEX big_ref ON app.big (ref);
CREATE VIEW app.v AS SELECT count(*) AS n FROM app.big;
CREATE MATERIALIZED VIEW app.mv AS SELECT id, v FROM app.t1;
)sql";

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// The pid of the running nrestore whose -d argument is `conninfo` (it names the cluster's socket
// directory and the database, so another test binary's nrestore, on another cluster, never
// matches); 0 when there is none.
pid_t NrestorePid(const std::string& conninfo) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  // Arguments are NUL-terminated in /proc/PID/cmdline.
  const std::string arg = std::string(1, '\0') + conninfo + std::string(1, '\0');
  while (dirent* d = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(d->d_name));
    if (pid <= 0) continue;
    auto cmdline = ReadFile("/proc/" + std::string(d->d_name) + "/cmdline");
    if (!cmdline || cmdline->find("nrestore") == std::string::npos) continue;
    if (cmdline->find(arg) == std::string::npos) continue;
    found = pid;
  }
  closedir(proc);
  return found;
}

bool HasJournal(const std::string& db) {
  return Cluster().Query(db,
                         "SELECT count(*) FROM pg_namespace WHERE nspname = "
                         "'_nrestore_journal'") == "1";
}

// Waits (up to 30 s) until a restore into `db` has made its journal.
void WaitForJournal(const std::string& db) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!HasJournal(db) && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

struct Source {
  std::string db;
  std::string schema;  // pg_dump --schema-only
  std::string data;    // DataReport
  std::string split_archive;
  std::string whole_archive;
};

class ResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    src_.db = Cluster().CreateDatabase("resume_src");
    ASSERT_TRUE(Cluster().Psql(src_.db, kFixture));
    src_.schema = SchemaDump(src_.db);
    src_.data = DataReport(src_.db);
    // The same database twice: big split in chunks (loaded side by side, no FREEZE) and whole
    // (COPY FREEZE after a TRUNCATE in the load's transaction).
    src_.split_archive = dir_.File("split.ndump");
    src_.whole_archive = dir_.File("whole.ndump");
    ASSERT_TRUE(DumpTo(src_.db, src_.split_archive, {"--split-size", "3"}));
    ASSERT_TRUE(DumpTo(src_.db, src_.whole_archive, {"--split-size", "0"}));
  }

  ::testing::AssertionResult SameAsSource(const std::string& copy) {
    const std::string schema = SchemaDump(copy);
    const std::string data = DataReport(copy);
    if (schema == src_.schema && data == src_.data) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << UnifiedDiff(src_.schema, schema, "source", copy)
           << UnifiedDiff(src_.data, data, "source data", copy + " data");
  }

  ScopedTempDir dir_{"ndt-resume"};
  Source src_;
};

enum class Kill { kSigkill, kTerminate, kCrash };

const char* Name(Kill k) {
  return k == Kill::kSigkill     ? "SIGKILL of nrestore"
         : k == Kill::kTerminate ? "pg_terminate_backend of one of its backends"
                                 : "immediate server stop";
}

TEST_F(ResumeTest, KilledAtRandomMomentsResumesToTheSource) {
  const int kills = EnvInt("NDUMP_RESUME_KILLS", 20);
  const unsigned seed = static_cast<unsigned>(
      EnvInt("NDUMP_RESUME_SEED", static_cast<int>(std::random_device{}() & 0x7fffffff)));
  std::cerr << "[resume] " << kills << " interruptions, seed " << seed
            << " (NDUMP_RESUME_SEED=" << seed << " repeats them)\n";
  std::mt19937 rng(seed);

  // How long an uninterrupted restore runs once its journal exists: the window to stop it in.
  auto timed_restore = [&](const std::string& archive) {
    const std::string db = Cluster().CreateDatabase("resume_base");
    CommandResult r;
    std::thread restore([&] { r = Nrestore({"-j", "2", "-d", Cluster().ConnInfo(db), archive}); });
    WaitForJournal(db);
    const auto t0 = std::chrono::steady_clock::now();
    restore.join();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_TRUE(SameAsSource(db));
    EXPECT_FALSE(HasJournal(db));
    return ms;
  };
  // Moments up to 90% of the way: most stops find work left.
  const double window_ms =
      0.45 * (timed_restore(src_.split_archive) + timed_restore(src_.whole_archive));
  std::cerr << "[resume] an uninterrupted restore takes " << static_cast<int>(window_ms) << " ms\n";

  int resumed_with_work_done = 0;
  for (int i = 0; i < kills; ++i) {
    const Kill kind = static_cast<Kill>(i % 3);
    const auto t_start = std::chrono::steady_clock::now();
    auto elapsed = [&] {
      return std::to_string(static_cast<int>(std::chrono::duration<double, std::milli>(
                                                 std::chrono::steady_clock::now() - t_start)
                                                 .count())) +
             " ms";
    };
    const std::string& archive = i % 2 == 0 ? src_.split_archive : src_.whole_archive;
    const std::string db = Cluster().CreateDatabase("resume_" + std::to_string(i));
    const int delay_ms = std::uniform_int_distribution<int>(0, static_cast<int>(window_ms))(rng);

    CommandResult first;
    std::thread restore([&] {
      first = Nrestore({"-j", "2", "-d", Cluster().ConnInfo(db), archive});
    });
    // Wait for the journal (the restore's first step in the target), then for the moment.
    WaitForJournal(db);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    bool signalled = true;
    switch (kind) {
      case Kill::kSigkill:
        if (pid_t pid = NrestorePid(Cluster().ConnInfo(db)); pid > 0) {
          kill(pid, SIGKILL);
        } else {
          signalled = false;  // it had ended
        }
        break;
      case Kill::kTerminate:
        Cluster().Query("postgres",
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                            db + "' AND pid <> pg_backend_pid() ORDER BY random() LIMIT 1");
        break;
      case Kill::kCrash:
        EXPECT_TRUE(Cluster().Crash());
        break;
    }
    restore.join();
    const bool finished = first.exit_code == kExitOk;
    std::string done = "0";
    if (!finished) {
      done = Cluster().Query(db, "SELECT count(*) FROM _nrestore_journal.done");
      if (done != "0") ++resumed_with_work_done;
    }
    std::cerr << "[resume] #" << i << ": " << Name(kind) << " after " << delay_ms << " ms: "
              << (finished ? std::string("the restore had finished")
                           : "stopped with " + done + " units done (exit " +
                                 std::to_string(first.exit_code) + ")")
              << " [" << elapsed() << "]\n";
    if (kind == Kill::kSigkill && signalled) {
      EXPECT_EQ(first.exit_code, 128 + SIGKILL) << first.Describe();
    }
    // Some resume with one connection: keys the first run split are then attached whole, or
    // their build is done and only the attach is left.
    const std::string jobs = i % 4 == 3 ? "1" : "2";
    CommandResult again = Nrestore({"--resume", "-j", jobs, "-d", Cluster().ConnInfo(db), archive});
    if (finished) {
      // Nothing to resume: refused, and the copy is as the restore left it.
      EXPECT_TRUE(IsToolError(again, "nrestore", kExitUsage, {"nothing to resume"}))
          << again.Describe();
    } else {
      EXPECT_EQ(again.exit_code, kExitOk) << again.Describe();
    }
    std::cerr << "[resume] #" << i << ": resumed [" << elapsed() << "]\n";
    EXPECT_TRUE(SameAsSource(db)) << "interruption #" << i << " (" << Name(kind) << ", seed "
                                  << seed << ")";
    std::cerr << "[resume] #" << i << ": compared [" << elapsed() << "]\n";
  }
  // The moments spread over the restore: most stops found work to keep.
  if (kills >= 6) {
    EXPECT_GE(resumed_with_work_done, kills / 3);
  }
}

TEST_F(ResumeTest, RefusesAnotherArchiveOtherOptionsAndAFinishedRestore) {
  // A restore that stops on an error (-e) leaves its journal: app.t5 is in the way.
  const std::string db = Cluster().CreateDatabase("resume_refuse");
  ASSERT_TRUE(Cluster().Psql(db, "CREATE SCHEMA app; CREATE TABLE app.t5 (x int);"));
  CommandResult r = Nrestore({"-e", "-d", Cluster().ConnInfo(db), src_.whole_archive});
  ASSERT_NE(r.exit_code, kExitOk) << r.Describe();
  ASSERT_TRUE(HasJournal(db));

  // Another archive of another database.
  const std::string other = Cluster().CreateDatabase("resume_other");
  ASSERT_TRUE(Cluster().Psql(other, "CREATE TABLE o (x int);"));
  const std::string other_archive = dir_.File("other.ndump");
  ASSERT_TRUE(DumpTo(other, other_archive));
  r = Nrestore({"--resume", "-d", Cluster().ConnInfo(db), other_archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"another archive"})) << r.Describe();
  // The same archive with other options.
  r = Nrestore({"--resume", "-O", "-d", Cluster().ConnInfo(db), src_.whole_archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"other selection"})) << r.Describe();
  // A restore without --resume does not start over a journal.
  r = Nrestore({"-d", Cluster().ConnInfo(db), src_.whole_archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"--resume"})) << r.Describe();

  // Out of the way, the restore resumes from where it stopped and ends as the source.
  ASSERT_TRUE(Cluster().Psql(db, "DROP TABLE app.t5; DROP SCHEMA app;"));
  // (the schema app was the target's own, so the archive's CREATE SCHEMA failed and is redone)
  r = Nrestore({"--resume", "-d", Cluster().ConnInfo(db), src_.whole_archive});
  EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_TRUE(SameAsSource(db));
  EXPECT_FALSE(HasJournal(db));

  // Finished: nothing to resume.
  r = Nrestore({"--resume", "-d", Cluster().ConnInfo(db), src_.whole_archive});
  EXPECT_TRUE(IsToolError(r, "nrestore", kExitUsage, {"nothing to resume"})) << r.Describe();
}

}  // namespace
}  // namespace ndump_test
