#include "ndump_test/extension.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>
#include <vector>

#include "ndump_test/cluster.h"
#include "ndump_test/process.h"

namespace ndump_test {
namespace {

namespace fs = std::filesystem;

// pg_config of the server's own installation: its share directory is where CREATE EXTENSION
// looks for control files.
::testing::AssertionResult ExtensionDir(std::string* dir) {
  const std::string pg_config = TestCluster::Get().Bin("pg_config");
  CommandResult r = RunCommand({pg_config, "--sharedir"});
  if (r.exit_code != 0) {
    return ::testing::AssertionFailure()
           << "cannot find the server's extension directory: " << r.Describe();
  }
  std::string share = r.out;
  while (!share.empty() && (share.back() == '\n' || share.back() == '\r')) share.pop_back();
  if (share.empty()) {
    return ::testing::AssertionFailure() << pg_config << " --sharedir printed nothing";
  }
  *dir = share + "/extension";
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
           << "cannot write " << temp << " (the test extension is installed into the server's "
           << "extension directory, which needs root: run the tests as root)";
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
  if (auto found = ExtensionDir(&dir); !found) return found;
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

}  // namespace ndump_test
