#include "tools.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>

namespace ndump_test {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::string SqlPath(const std::string& file) { return std::string(NDUMP_SQL_DIR) + "/" + file; }

CommandResult Ndump(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv = {NDUMP_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, options);
}

CommandResult Nrestore(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv = {NRESTORE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, options);
}

std::string NewLoadedDatabase(const std::string& file, const std::string& hint) {
  const std::string db = Cluster().CreateDatabase(hint);
  EXPECT_TRUE(Cluster().PsqlFile(db, SqlPath(file)));
  return db;
}

::testing::AssertionResult DumpTo(const std::string& db, const std::string& archive,
                                  const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"-d", Cluster().ConnInfo(db), "-f", archive};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = Ndump(args);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << "ndump failed\n" << r.Describe();
  struct stat st;
  if (stat(archive.c_str(), &st) != 0 || st.st_size == 0) {
    return ::testing::AssertionFailure() << "ndump exited 0 but left no archive at " << archive;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult RestoreFrom(const std::string& db, const std::string& archive,
                                       const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"-d", Cluster().ConnInfo(db)};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(archive);
  CommandResult r = Nrestore(args);
  if (r.exit_code != 0) return ::testing::AssertionFailure() << "nrestore failed\n" << r.Describe();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsToolError(const CommandResult& r, const std::string& tool, int code,
                                       const std::vector<std::string>& keywords) {
  if (r.exit_code != code) {
    return ::testing::AssertionFailure() << "expected exit code " << code << "\n" << r.Describe();
  }
  const std::vector<std::string> lines = Lines(r.err);
  if (lines.size() != 1) {
    return ::testing::AssertionFailure()
           << "expected exactly one line on stderr, got " << lines.size() << "\n"
           << r.Describe();
  }
  const std::string prefix = tool + ": error: ";
  if (lines[0].rfind(prefix, 0) != 0) {
    return ::testing::AssertionFailure() << "stderr does not start with \"" << prefix << "\"\n"
                                         << r.Describe();
  }
  if (lines[0].size() <= prefix.size() + 3) {
    return ::testing::AssertionFailure() << "the error message is empty\n" << r.Describe();
  }
  if (!keywords.empty()) {
    const std::string text = Lower(lines[0]);
    bool found = false;
    for (const std::string& k : keywords) found = found || text.find(Lower(k)) != std::string::npos;
    if (!found) {
      ::testing::AssertionResult failure = ::testing::AssertionFailure();
      failure << "the error message names none of:";
      for (const std::string& k : keywords) failure << " [" << k << "]";
      return failure << "\n" << r.Describe();
    }
  }
  return ::testing::AssertionSuccess();
}

int UserObjectCount(const std::string& db) {
  const std::string n = Cluster().Query(
      db,
      "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      "         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
      "           AND n.nspname !~ '^pg_')"
      "     + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
      "         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
      "           AND n.nspname !~ '^pg_')"
      "     + (SELECT count(*) FROM pg_namespace"
      "         WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')"
      "           AND nspname !~ '^pg_')");
  return n.empty() ? -1 : std::stoi(n);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace ndump_test
