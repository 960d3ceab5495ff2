// Running child processes from tests, and scratch directories that clean up after themselves.
//
// RunCommand is the only way tests start programs (the tools under test, psql, pg_dump, diff).
// It never throws and never aborts the test: everything that happened is in the returned
// CommandResult, so a test can assert on the exit code and on both output streams.
//
// Thread safety: RunCommand may be called from several threads at once. It builds everything the
// child needs before fork() and only calls async-signal-safe functions between fork() and exec().
#ifndef NDUMP_TEST_PROCESS_H_
#define NDUMP_TEST_PROCESS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ndump_test {

struct CommandResult {
  // The child's exit status; 128 + N when it was killed by signal N; 127 when it could not be
  // started (the reason is in err); -1 when RunCommand itself failed (see err).
  int exit_code = -1;
  std::string out;  // everything the child wrote to stdout, byte for byte
  std::string err;  // everything the child wrote to stderr
  bool timed_out = false;

  // A one-paragraph description for failure messages: command, exit code, and the tail of stderr.
  std::string Describe() const;
  std::string command;  // the argv joined with spaces, for Describe()
};

struct RunOptions {
  // Bytes written to the child's stdin, then stdin is closed. nullopt: stdin is /dev/null.
  std::optional<std::string> stdin_data;
  // Environment changes applied on top of this process's environment: a value sets the variable,
  // nullopt removes it.
  std::vector<std::pair<std::string, std::optional<std::string>>> env;
  // Working directory of the child; empty: inherit.
  std::string cwd;
  // The child is killed (SIGKILL) after this long and timed_out is set. 0: no limit.
  int timeout_seconds = 900;
  // When non-zero, this signal is sent to the child once, signal_after_ms after it started
  // (used to interrupt a running dump).
  int signal = 0;
  int signal_after_ms = 0;
};

// Runs argv[0] (looked up in PATH when it has no slash) with the given arguments, feeding stdin
// and draining stdout and stderr concurrently so that neither pipe can fill up and stall the
// child. Returns when the child has exited and both pipes are closed.
CommandResult RunCommand(const std::vector<std::string>& argv, const RunOptions& options = {});

// Convenience overload: stdin fed from a string.
CommandResult RunCommand(const std::vector<std::string>& argv, std::string stdin_data);

// A fresh directory under /tmp (mkdtemp), removed with its whole content when destroyed.
class ScopedTempDir {
 public:
  // prefix is the first part of the directory name, e.g. "ndt-work" -> /tmp/ndt-work.XXXXXX.
  // Aborts the process when no directory can be created (tests cannot run without one).
  explicit ScopedTempDir(const std::string& prefix = "ndt-work");
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(const std::string& name) const;
  // Names of all entries in the directory (not recursive), sorted.
  std::vector<std::string> List() const;

 private:
  std::string path_;
};

// Writes a whole file; returns false on any error.
bool WriteFile(const std::string& path, const std::string& content);
// Reads a whole file; nullopt on any error.
std::optional<std::string> ReadFile(const std::string& path);

// Quotes a string for display in a shell-like command line (for messages only).
std::string ShellQuote(const std::string& s);

}  // namespace ndump_test

#endif  // NDUMP_TEST_PROCESS_H_
