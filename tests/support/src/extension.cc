#include "ndump_test/extension.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>
#include <vector>

#include "ndump_test/cluster.h"
#include "ndump_test/process.h"

namespace ndump_test {
namespace {

namespace fs = std::filesystem;

// One directory of the server's own installation (`pg_config --sharedir`, `--pkglibdir`): where
// CREATE EXTENSION looks for control files, where LOAD looks for modules.
::testing::AssertionResult PgConfigDir(const std::string& flag, std::string* dir) {
  const std::string pg_config = TestCluster::Get().Bin("pg_config");
  CommandResult r = RunCommand({pg_config, flag});
  if (r.exit_code != 0) {
    return ::testing::AssertionFailure()
           << "cannot ask the server's installation for " << flag << ": " << r.Describe();
  }
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (out.empty())
    return ::testing::AssertionFailure() << pg_config << " " << flag << " printed nothing";
  *dir = out;
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult InstallOne(const fs::path& from, const std::string& dir) {
  const std::optional<std::string> content = ReadFile(from.string());
  if (!content) return ::testing::AssertionFailure() << "cannot read " << from.string();
  const std::string target = dir + "/" + from.filename().string();
  if (ReadFile(target) == content) return ::testing::AssertionSuccess();
  // Same directory, so the rename is atomic; the pid keeps concurrent installers apart.
  const std::string temp = target + ".ndt-" + std::to_string(getpid());
  if (!WriteFile(temp, *content)) {
    return ::testing::AssertionFailure()
           << "cannot write " << temp << " (test extensions and modules are installed into the "
           << "server's own directories, which needs root: run the tests as root)";
  }
  std::error_code ec;
  fs::permissions(temp,
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                      fs::perms::others_read,
                  ec);
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    return ::testing::AssertionFailure() << "cannot install " << target << ": " << ec.message();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult InstallTestExtensions(const std::string& source_dir) {
  std::string dir;
  if (auto found = PgConfigDir("--sharedir", &dir); !found) return found;
  dir += "/extension";
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(source_dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".control" || ext == ".sql")) {
      files.push_back(entry.path());
    }
  }
  if (ec || files.empty()) {
    return ::testing::AssertionFailure()
           << "no extension files in " << source_dir << (ec ? ": " + ec.message() : std::string());
  }
  for (const fs::path& file : files) {
    if (auto installed = InstallOne(file, dir); !installed) return installed;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult InstallServerModule(const std::string& module_path) {
  std::string dir;
  if (auto found = PgConfigDir("--pkglibdir", &dir); !found) return found;
  return InstallOne(fs::path(module_path), dir);
}

::testing::AssertionResult PreloadInNewSessions(const std::string& library) {
  if (library.empty() ||
      library.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return ::testing::AssertionFailure() << "not a plain library name: " << library;
  }
  const TestCluster& cluster = TestCluster::Get();
  auto error_text = [](PGconn* conn) {
    std::string msg = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg;
  };
  auto exec = [&](PGconn* conn, const std::string& sql) -> ::testing::AssertionResult {
    PGresult* res = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(res);
    PQclear(res);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << sql << ": " << error_text(conn);
  };
  // This session was started before the change, so it can undo it when new sessions cannot start
  // (a library the server cannot load makes every new connection fail).
  PgConnPtr admin(PQconnectdb(cluster.ConnInfo("postgres").c_str()));
  if (PQstatus(admin.get()) != CONNECTION_OK) {
    return ::testing::AssertionFailure() << "cannot connect: " << error_text(admin.get());
  }
  if (auto r = exec(admin.get(), "ALTER SYSTEM SET session_preload_libraries = '" + library + "'");
      !r) {
    return r;
  }
  if (auto r = exec(admin.get(), "SELECT pg_catalog.pg_reload_conf()"); !r) return r;
  // The postmaster rereads its configuration when it gets to the signal, and only sessions forked
  // after that have the new setting: wait for one that shows it.
  std::string last;
  for (int attempt = 0; attempt < 100; ++attempt) {
    PgConnPtr conn(PQconnectdb(cluster.ConnInfo("postgres").c_str()));
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      last = "a new session cannot start: " + error_text(conn.get());
      break;
    }
    PGresult* res = PQexec(conn.get(), "SHOW session_preload_libraries");
    const bool shown = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
                       std::string(PQgetvalue(res, 0, 0)) == library;
    last = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
               ? std::string("session_preload_libraries is '") + PQgetvalue(res, 0, 0) + "'"
               : error_text(conn.get());
    PQclear(res);
    if (shown) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const bool undone = exec(admin.get(), "ALTER SYSTEM RESET session_preload_libraries") &&
                      exec(admin.get(), "SELECT pg_catalog.pg_reload_conf()");
  return ::testing::AssertionFailure()
         << "new sessions do not preload " << library << " (" << last << ")"
         << (undone ? "" : "; resetting session_preload_libraries failed too") << "\n"
         << cluster.LogTail();
}

}  // namespace ndump_test
