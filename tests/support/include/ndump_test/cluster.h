// A throwaway PostgreSQL cluster for integration tests.
//
// One cluster per test binary process: ClusterEnvironment (a GoogleTest Environment, registered
// by the ndump_test_main library's main()) starts it before the first test and stops it after the
// last. Every test then asks for its own fresh database with CreateDatabase().
//
// The cluster lives in a short mkdtemp directory (/tmp/ndt.XXXXXX): the data directory is
// DIR/data, the server log DIR/server.log, and the server listens only on a Unix socket in DIR
// (no TCP). Durability is switched off (fsync, full_page_writes, synchronous_commit) because the
// data is thrown away. When the test binary runs as root, initdb/pg_ctl run as the `postgres`
// user through runuser, and DIR is chowned to it.
//
// Authentication is trust for everybody, except members of the role `ndt_password` (created at
// start) who must give a password (scram-sha-256); tests of password handling create a login role
// IN ROLE ndt_password.
//
// If the process dies without running the environment's TearDown (crash, ctest timeout), a
// detached watchdog notices that its pipe from this process closed, stops the server and removes
// DIR, so no server outlives the test.
//
// A fresh cluster is a copy of a template data directory kept in the build tree (made by the first
// initdb); see TestCluster::TemplateDir().
//
// PostgreSQL binaries: $PG_BINDIR if set, else /usr/lib/postgresql/15/bin, else the newest
// /usr/lib/postgresql/*/bin, else the directory of `initdb` in PATH.
//
// Thread safety: after Start(), every const member and CreateDatabase() may be called from any
// thread.
#ifndef NDUMP_TEST_CLUSTER_H_
#define NDUMP_TEST_CLUSTER_H_

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ndump_test/process.h"

namespace ndump_test {

struct PgConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

// Rows of a query result; a NULL field is nullopt.
using Rows = std::vector<std::vector<std::optional<std::string>>>;

// Where the PostgreSQL server binaries live (see the file comment); empty if nowhere.
std::string FindPgBinDir();

class TestCluster {
 public:
  TestCluster() = default;
  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  // initdb + pg_ctl start. On failure the message carries the failing command's output and the
  // tail of the server log; the cluster is left stopped and its directory removed.
  ::testing::AssertionResult Start();
  // pg_ctl stop -m immediate, then removes the directory. Safe to call twice.
  void Stop();
  // A server crash: pg_ctl stop -m immediate (every backend killed, no checkpoint), then pg_ctl
  // start, which runs crash recovery; the directory, the port and the databases stay. For tests
  // of what survives a crash. Fails the current test (non-fatally) when either step fails.
  ::testing::AssertionResult Crash();
  bool running() const { return running_; }

  // The cluster of this test binary, started by ClusterEnvironment. Fails the current test
  // (fatally) if there is none, so tests may use it unconditionally.
  static TestCluster& Get();

  const std::string& bin_dir() const { return bin_dir_; }
  const std::string& socket_dir() const { return dir_; }
  int port() const { return port_; }
  const std::string& user() const { return user_; }
  std::string Bin(const std::string& program) const { return bin_dir_ + "/" + program; }

  // Creates a new empty database (from template0) whose name is unique within the cluster:
  // lowercase letters, digits and '_', derived from `hint` (default: the running test's name).
  // Fails the current test (non-fatally) and returns the name anyway if CREATE DATABASE failed.
  std::string CreateDatabase(const std::string& hint = "");
  // Creates a database with exactly this name (may contain any characters).
  ::testing::AssertionResult CreateDatabaseNamed(const std::string& name) const;

  // "host=DIR port=N user=postgres dbname='db'" (values quoted as libpq requires).
  std::string ConnInfo(const std::string& db) const;
  // "postgresql:///db?host=DIR&port=N&user=postgres" (db percent-encoded).
  std::string Uri(const std::string& db) const;
  // Environment settings PGHOST/PGPORT/PGUSER for this cluster, for RunOptions::env.
  std::vector<std::pair<std::string, std::optional<std::string>>> PgEnv() const;

  // psql -X -q -v ON_ERROR_STOP=1 with `sql` on stdin / the file at `path`. NOTICEs are muted.
  ::testing::AssertionResult Psql(const std::string& db, const std::string& sql) const;
  ::testing::AssertionResult PsqlFile(const std::string& db, const std::string& path) const;

  // Runs one query through libpq and returns the result like `psql -At`: rows separated by '\n',
  // fields by '|', NULL as the empty string, no trailing newline. On error: fails the current
  // test (non-fatally) and returns "".
  std::string Query(const std::string& db, const std::string& sql) const;
  // The same, as rows of fields. On error: fails the current test and returns no rows.
  Rows QueryRows(const std::string& db, const std::string& sql) const;
  // A new libpq connection; nullptr (and a test failure) if it cannot connect.
  PgConnPtr Connect(const std::string& db) const;
  // A new connection holding an ACCESS EXCLUSIVE lock on `table` (SQL, e.g. "app.log") in an
  // open transaction, until it commits or closes; nullptr (and a test failure) on error.
  PgConnPtr LockTable(const std::string& db, const std::string& table) const;

  // The last `lines` lines of the server log.
  std::string LogTail(int lines = 40) const;
  // The whole server log (DIR/server.log) as it is now; "" if it cannot be read. Tests that count
  // logged statements remember its size before acting and look only at what follows.
  std::string ReadLog() const;

 private:
  std::vector<std::string> AsPostgres(std::vector<std::string> argv) const;
  void StartWatchdog();
  std::string TemplateDir() const;
  bool CopyTemplate(const std::string& data) const;
  void SaveTemplate(const std::string& data) const;

  std::string bin_dir_;
  std::string dir_;
  std::string user_ = "postgres";
  int port_ = 0;
  bool running_ = false;
  bool as_root_ = false;
  int watchdog_fd_ = -1;
  mutable std::atomic<int> db_counter_{0};
};

// Starts the cluster in SetUp and stops it in TearDown. If the cluster cannot start, SetUp prints
// why (with the server log tail) and exits the process with status 1, so every test of the binary
// fails; it never lets them be skipped.
class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

}  // namespace ndump_test

#endif  // NDUMP_TEST_CLUSTER_H_
