#include "ndump_test/cluster.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

extern char** environ;

namespace ndump_test {
namespace {

namespace fs = std::filesystem;

TestCluster* g_cluster = nullptr;

bool HasServerBinaries(const std::string& dir) {
  return access((dir + "/initdb").c_str(), X_OK) == 0 &&
         access((dir + "/pg_ctl").c_str(), X_OK) == 0 &&
         access((dir + "/postgres").c_str(), X_OK) == 0;
}

// The tests must reach exactly the cluster they started, whatever the caller's environment says.
// PG_BINDIR is ours, not libpq's, and is kept.
void ClearLibpqEnvironment() {
  std::vector<std::string> names;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    if (name.rfind("PG", 0) == 0 && name != "PG_BINDIR") names.push_back(name);
  }
  for (const std::string& name : names) unsetenv(name.c_str());
}

std::string ConnValue(const std::string& v) {
  if (!v.empty() && v.find_first_of(" '\\\t\n\r") == std::string::npos) return v;
  std::string q = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') q += '\\';
    q += c;
  }
  return q + "'";
}

std::string PercentEncode(const std::string& s, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string ErrorText(PGconn* conn) {
  std::string msg = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

}  // namespace

std::string FindPgBinDir() {
  if (const char* env = getenv("PG_BINDIR"); env != nullptr && *env != '\0') return env;
  const std::string preferred = "/usr/lib/postgresql/15/bin";
  if (HasServerBinaries(preferred)) return preferred;
  int best_version = -1;
  std::string best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int version = std::stoi(name);
    const std::string dir = entry.path().string() + "/bin";
    if (version > best_version && HasServerBinaries(dir)) {
      best_version = version;
      best = dir;
    }
  }
  if (!best.empty()) return best;
  if (const char* path = getenv("PATH"); path != nullptr) {
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
      if (!dir.empty() && HasServerBinaries(dir)) return dir;
    }
  }
  return "";
}

TestCluster::~TestCluster() { Stop(); }

std::vector<std::string> TestCluster::AsPostgres(std::vector<std::string> argv) const {
  if (!as_root_) return argv;
  std::vector<std::string> wrapped = {"runuser", "-u", "postgres", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

// The watchdog is a detached grandchild (setsid, parent exited) running a tiny shell script that
// blocks reading a pipe whose only writer is this process. The write end is close-on-exec, so
// neither the tools under test nor the server inherit it: EOF means this process is gone. A ctest
// timeout kills this process and its children, but not a process that was reparented to init.
void TestCluster::StartWatchdog() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  // If this process died while pg_ctl start was still running, the orphaned pg_ctl may recreate
  // files or start the server after the first sweep, hence the loop.
  const std::string script =
      "cat >/dev/null\n"
      "for i in 1 2 3 4 5 6 7 8 9 10; do\n"
      "  if [ -f \"$1/data/postmaster.pid\" ]; then\n"
      "    if [ \"$3\" = root ]; then runuser -u postgres -- \"$2\" -D \"$1/data\" -m immediate"
      " -w stop\n"
      "    else \"$2\" -D \"$1/data\" -m immediate -w stop; fi\n"
      "  fi\n"
      "  rm -rf \"$1\"\n"
      "  sleep 1\n"
      "  [ -e \"$1\" ] || break\n"
      "done\n";
  std::vector<std::string> args = {
      "/bin/sh", "-c", script, "ndt-watchdog", dir_, Bin("pg_ctl"), as_root_ ? "root" : "user"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  if (child == 0) {
    setsid();
    if (fork() != 0) _exit(0);
    dup2(fds[0], STDIN_FILENO);
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    execv("/bin/sh", argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  watchdog_fd_ = fds[1];
}

// The template cache: a pristine initdb result, copied (cp -a keeps the owner) instead of running
// initdb again. Each test of a ctest run is its own process with its own cluster, and initdb is
// most of a cluster's start-up time. The cache lives in the build tree and is keyed by the server
// binary (path, size, mtime), so a new PostgreSQL gets a new template.
std::string TestCluster::TemplateDir() const {
#ifdef NDT_TEMPLATE_CACHE
  std::error_code ec;
  const std::string postgres = bin_dir_ + "/postgres";
  const auto size = fs::file_size(postgres, ec);
  const auto mtime = fs::last_write_time(postgres, ec).time_since_epoch().count();
  // Bump the first field when the initdb options in Start() change.
  const std::string key = "initdb-v1|" + bin_dir_ + "|" + std::to_string(size) + "|" +
                          std::to_string(mtime) + "|" + std::to_string(geteuid());
  char hex[32];
  std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(key));
  return std::string(NDT_TEMPLATE_CACHE) + "/" + hex;
#else
  return "";
#endif
}

bool TestCluster::CopyTemplate(const std::string& data) const {
  const std::string cached = TemplateDir();
  if (cached.empty() || !fs::exists(cached + "/complete")) return false;
  RunOptions options;
  options.timeout_seconds = 120;
  if (RunCommand({"cp", "-a", cached + "/data", data}, options).exit_code == 0) return true;
  std::error_code ec;
  fs::remove_all(data, ec);
  return false;
}

void TestCluster::SaveTemplate(const std::string& data) const {
  const std::string cached = TemplateDir();
  if (cached.empty() || fs::exists(cached)) return;
  std::error_code ec;
  fs::create_directories(fs::path(cached).parent_path(), ec);
  // Built under a private name and renamed into place, so that parallel test processes never see
  // a half-copied template; the loser of a race just removes its copy.
  const std::string building = cached + ".building." + std::to_string(getpid());
  fs::create_directories(building, ec);
  RunOptions options;
  options.timeout_seconds = 120;
  const bool copied = !ec &&
                      RunCommand({"cp", "-a", data, building + "/data"}, options).exit_code == 0 &&
                      WriteFile(building + "/complete", "");
  if (!copied || rename(building.c_str(), cached.c_str()) != 0) fs::remove_all(building, ec);
}

::testing::AssertionResult TestCluster::Start() {
  if (running_) return ::testing::AssertionSuccess();
  ClearLibpqEnvironment();
  bin_dir_ = FindPgBinDir();
  if (bin_dir_.empty() || !HasServerBinaries(bin_dir_)) {
    return ::testing::AssertionFailure()
           << "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found"
           << (bin_dir_.empty() ? std::string() : " in PG_BINDIR=" + bin_dir_)
           << "; install postgresql-15 or set PG_BINDIR";
  }
  as_root_ = geteuid() == 0;
  uid_t pg_uid = 0;
  gid_t pg_gid = 0;
  if (as_root_) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      return ::testing::AssertionFailure()
             << "running as root, but there is no `postgres` user to run the server as";
    }
    pg_uid = pw->pw_uid;
    pg_gid = pw->pw_gid;
  }

  std::string templ = "/tmp/ndt.XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return ::testing::AssertionFailure() << "mkdtemp(/tmp/ndt.XXXXXX) failed: " << strerror(errno);
  }
  dir_ = templ;
  if (as_root_ && chown(dir_.c_str(), pg_uid, pg_gid) != 0) {
    std::string why = strerror(errno);
    fs::remove_all(dir_);
    return ::testing::AssertionFailure() << "chown " << dir_ << " to postgres failed: " << why;
  }
  StartWatchdog();
  auto fail = [this](const std::string& what, const CommandResult& r) {
    std::string log = LogTail();
    Stop();
    return ::testing::AssertionFailure() << "cannot start the test cluster: " << what << "\n"
                                         << r.Describe() << "\n--- server log (tail) ---\n"
                                         << log;
  };

  const std::string data = dir_ + "/data";
  RunOptions in_dir;
  in_dir.cwd = dir_;  // runuser keeps the cwd, which must be readable by postgres
  in_dir.timeout_seconds = 120;
  CommandResult r;
  if (!CopyTemplate(data)) {
    for (const char* locale : {"C.UTF-8", "C"}) {
      fs::remove_all(data);
      r = RunCommand(AsPostgres({Bin("initdb"), "-D", data, "--auth=trust", "-U", user_, "-E",
                                 "UTF8", std::string("--locale=") + locale, "--no-sync"}),
                     in_dir);
      if (r.exit_code == 0) break;
    }
    if (r.exit_code != 0) return fail("initdb failed", r);
    SaveTemplate(data);
  }

  // The socket lives in our private directory, so the port only names the socket file; deriving
  // it from the pid keeps the numbers of parallel test binaries apart in logs and ps output.
  port_ = 20000 + static_cast<int>(getpid() % 30000);
  {
    std::ofstream conf(data + "/postgresql.conf", std::ios::app);
    conf << "\n# ndump test cluster\n"
         << "listen_addresses = ''\n"
         << "port = " << port_ << "\n"
         << "unix_socket_directories = '" << dir_ << "'\n"
         << "fsync = off\n"
         << "full_page_writes = off\n"
         << "synchronous_commit = off\n"
         << "max_connections = 60\n"
         << "shared_buffers = 64MB\n"
         << "max_wal_size = 1GB\n"
         << "log_min_messages = warning\n"
         << "log_min_error_statement = error\n";
    std::ofstream hba(data + "/pg_hba.conf", std::ios::trunc);
    hba << "local all +ndt_password scram-sha-256\n"
        << "local all all trust\n";
    if (!conf || !hba) {
      CommandResult none;
      none.err = "writing postgresql.conf / pg_hba.conf failed";
      return fail("configuration", none);
    }
  }
  r = RunCommand(AsPostgres({Bin("pg_ctl"), "-D", data, "-l", dir_ + "/server.log", "-w", "-t",
                             "60", "start"}),
                 in_dir);
  if (r.exit_code != 0) return fail("pg_ctl start failed", r);
  running_ = true;

  PgConnPtr conn(PQconnectdb(ConnInfo("postgres").c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    r.err = "connecting to the new cluster failed: " + ErrorText(conn.get());
    return fail("connect", r);
  }
  PGresult* res = PQexec(conn.get(), "CREATE ROLE ndt_password NOLOGIN");
  const bool role_ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  if (!role_ok) {
    r.err = "CREATE ROLE ndt_password failed: " + ErrorText(conn.get());
    return fail("setup", r);
  }
  std::cerr << "[ndump_test] PostgreSQL " << PQserverVersion(conn.get()) << " cluster at " << dir_
            << " port " << port_ << " (binaries " << bin_dir_ << ")\n";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestCluster::Crash() {
  RunOptions in_dir;
  in_dir.cwd = dir_;
  in_dir.timeout_seconds = 60;
  CommandResult r = RunCommand(
      AsPostgres({Bin("pg_ctl"), "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}), in_dir);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << "pg_ctl stop: " << r.Describe();
  r = RunCommand(AsPostgres({Bin("pg_ctl"), "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w",
                             "-t", "60", "start"}),
                 in_dir);
  if (r.exit_code != 0) {
    running_ = false;
    return ::testing::AssertionFailure() << "pg_ctl start: " << r.Describe() << "\n" << LogTail();
  }
  return ::testing::AssertionSuccess();
}

void TestCluster::Stop() {
  if (dir_.empty()) return;
  if (running_) {
    RunOptions in_dir;
    in_dir.cwd = dir_;
    in_dir.timeout_seconds = 60;
    CommandResult r = RunCommand(
        AsPostgres({Bin("pg_ctl"), "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}), in_dir);
    if (r.exit_code != 0) std::cerr << "[ndump_test] pg_ctl stop failed\n" << r.Describe() << "\n";
    running_ = false;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
  dir_.clear();
  if (watchdog_fd_ >= 0) {
    close(watchdog_fd_);
    watchdog_fd_ = -1;
  }
}

TestCluster& TestCluster::Get() {
  if (g_cluster == nullptr || !g_cluster->running()) {
    // Only reachable when a test binary was linked without ndump_test_main (whose main() registers
    // ClusterEnvironment): a build mistake, not a test outcome.
    std::cerr << "[ndump_test] no test cluster: link the test with ndump_test_main\n";
    std::abort();
  }
  return *g_cluster;
}

std::string TestCluster::CreateDatabase(const std::string& hint) {
  std::string base = hint;
  if (base.empty()) {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    base = info != nullptr ? std::string(info->test_suite_name()) + "_" + info->name() : "db";
  }
  std::string name;
  for (char c : base) {
    const unsigned char u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (name.size() > 40) name.resize(40);
  name += "_" + std::to_string(++db_counter_);
  EXPECT_TRUE(CreateDatabaseNamed(name));
  return name;
}

::testing::AssertionResult TestCluster::CreateDatabaseNamed(const std::string& name) const {
  PgConnPtr conn(PQconnectdb(ConnInfo("postgres").c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return ::testing::AssertionFailure() << "connect: " << ErrorText(conn.get());
  }
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += "\"";
  PGresult* res = PQexec(conn.get(), ("CREATE DATABASE " + quoted + " TEMPLATE template0").c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  if (!ok) {
    return ::testing::AssertionFailure()
           << "CREATE DATABASE " << quoted << " failed: " << ErrorText(conn.get());
  }
  return ::testing::AssertionSuccess();
}

std::string TestCluster::ConnInfo(const std::string& db) const {
  return "host=" + ConnValue(dir_) + " port=" + std::to_string(port_) +
         " user=" + ConnValue(user_) + " dbname=" + ConnValue(db);
}

std::string TestCluster::Uri(const std::string& db) const {
  return "postgresql:///" + PercentEncode(db, false) + "?host=" + PercentEncode(dir_, true) +
         "&port=" + std::to_string(port_) + "&user=" + PercentEncode(user_, false);
}

std::vector<std::pair<std::string, std::optional<std::string>>> TestCluster::PgEnv() const {
  return {{"PGHOST", dir_}, {"PGPORT", std::to_string(port_)}, {"PGUSER", user_}};
}

::testing::AssertionResult TestCluster::Psql(const std::string& db, const std::string& sql) const {
  RunOptions options;
  options.stdin_data = sql;
  options.env = {{"PGOPTIONS", "-c client_min_messages=warning"}};
  CommandResult r = RunCommand(
      {Bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", ConnInfo(db), "-f", "-"}, options);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << "psql failed\n" << r.Describe();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TestCluster::PsqlFile(const std::string& db,
                                                 const std::string& path) const {
  RunOptions options;
  options.env = {{"PGOPTIONS", "-c client_min_messages=warning"}};
  CommandResult r = RunCommand(
      {Bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", ConnInfo(db), "-f", path}, options);
  if (r.exit_code != 0) {
    return ::testing::AssertionFailure() << "psql -f " << path << " failed\n" << r.Describe();
  }
  return ::testing::AssertionSuccess();
}

PgConnPtr TestCluster::Connect(const std::string& db) const {
  PgConnPtr conn(PQconnectdb(ConnInfo(db).c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << ConnInfo(db) << ": " << ErrorText(conn.get());
    return nullptr;
  }
  return conn;
}

PgConnPtr TestCluster::LockTable(const std::string& db, const std::string& table) const {
  PgConnPtr conn = Connect(db);
  if (!conn) return nullptr;
  const std::string sql = "BEGIN; LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE";
  PGresult* res = PQexec(conn.get(), sql.c_str());
  const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  PQclear(res);
  if (!ok) {
    ADD_FAILURE() << sql << " failed in database " << db << ": " << ErrorText(conn.get());
    return nullptr;
  }
  return conn;
}

Rows TestCluster::QueryRows(const std::string& db, const std::string& sql) const {
  Rows rows;
  PgConnPtr conn = Connect(db);
  if (!conn) return rows;
  PGresult* res = PQexec(conn.get(), sql.c_str());
  const ExecStatusType status = PQresultStatus(res);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    ADD_FAILURE() << "query failed in database " << db << ": " << ErrorText(conn.get())
                  << "\nquery: " << sql;
    PQclear(res);
    return rows;
  }
  for (int i = 0; i < PQntuples(res); ++i) {
    std::vector<std::optional<std::string>> row;
    for (int j = 0; j < PQnfields(res); ++j) {
      if (PQgetisnull(res, i, j)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(res, i, j), PQgetlength(res, i, j)));
      }
    }
    rows.push_back(std::move(row));
  }
  PQclear(res);
  return rows;
}

std::string TestCluster::Query(const std::string& db, const std::string& sql) const {
  std::string out;
  for (const auto& row : QueryRows(db, sql)) {
    if (!out.empty()) out += '\n';
    for (size_t j = 0; j < row.size(); ++j) {
      if (j > 0) out += '|';
      if (row[j]) out += *row[j];
    }
  }
  return out;
}

std::string TestCluster::ReadLog() const { return ReadFile(dir_ + "/server.log").value_or(""); }

std::string TestCluster::LogTail(int lines) const {
  std::optional<std::string> log = ReadFile(dir_ + "/server.log");
  if (!log) return "(no server log)";
  size_t pos = log->size();
  for (int n = 0; n <= lines && pos > 0; ++n) {
    size_t nl = log->rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      pos = 0;
      break;
    }
    pos = nl;
  }
  return log->substr(pos);
}

void ClusterEnvironment::SetUp() {
  static TestCluster cluster;
  g_cluster = &cluster;
  ::testing::AssertionResult started = cluster.Start();
  if (!started) {
    // Not ASSERT/FAIL: GoogleTest reports every test as SKIPPED after a fatal failure in a global
    // environment, and gtest_discover_tests turns SKIPPED into a ctest skip, so a missing server
    // would pass CI silently. Exiting makes each test a plain failure, with the reason above it.
    std::cerr << "[ndump_test] FATAL: " << started.message() << std::endl;
    std::cout << std::flush;
    std::_Exit(1);
  }
}

void ClusterEnvironment::TearDown() {
  if (g_cluster != nullptr) g_cluster->Stop();
}

}  // namespace ndump_test
