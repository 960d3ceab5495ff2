// What ndump and nrestore share: connection options as pg_dump spells them, password prompting,
// signal handling, and the mapping from a library Status to a message and an exit code.
#ifndef NDUMP_TOOLS_COMMON_CLI_COMMON_H_
#define NDUMP_TOOLS_COMMON_CLI_COMMON_H_

#include <CLI/CLI.hpp>

#include <string>

#include "libdump/cancel.h"
#include "libdump/connection.h"
#include "libdump/observer.h"
#include "libdump/status.h"

namespace ndump_cli {

// Exit codes, documented in docs/manual.md and stable.
enum ExitCode {
  kExitOk = 0,
  kExitError = 1,        // server error, I/O error, anything else
  kExitUsage = 2,        // bad command line
  kExitConnection = 3,   // could not connect, or lost the connection
  kExitDamaged = 4,      // the archive is damaged, incomplete, or not an archive
  kExitInterrupted = 5,  // SIGINT / SIGTERM
  kExitUnproven = 6,     // nrestore --check/--test-restore: the archive has no row fingerprints
};

struct ConnectionFlags {
  std::string dbname, host, port, user;
  bool no_password = false;
  bool password = false;
};

// Adds -d/--dbname, -h/--host, -p/--port, -U/--username, -w/--no-password, -W/--password.
void AddConnectionOptions(CLI::App& app, ConnectionFlags* flags);
libdump::ConnectionOptions ToConnectionOptions(const ConnectionFlags& flags,
                                               const std::string& application_name);

// Reads a password from the terminal with echo off ("" if there is no terminal).
std::string PromptPassword();

// SIGINT and SIGTERM cancel `token` (once installed, for the life of the process).
void InstallSignalHandlers(libdump::CancelToken* token);

// pg_dump's integer options (its option_parse_int): `text` is an integer, white space after it
// allowed, within [min, max]. Otherwise false, with `error` set to pg_dump's message naming the
// option `name` ("-j/--jobs must be in range 1..256", "invalid value "x" for option -j/--jobs").
bool ParseIntOption(const std::string& text, const std::string& name, int min, int max, int* value,
                    std::string* error);

// The parse of `app`, with pg_dump's messages for what CLI11 words otherwise: a second
// positional argument is "too many command-line arguments (first is "X")". Returns -1 when the
// program should go on, else the exit code (0 for --help and --version, after printing them).
int ParseCommandLine(CLI::App& app, const char* prog, int argc, char** argv);

// Prints "<prog>: error: <what>" on one line and returns the exit code for the status.
int ReportError(const char* prog, const libdump::Status& status);
// The exit code for a status, without printing anything.
int ExitCodeFor(const libdump::Status& status);

// Prints verbose messages and warnings on stderr.
class StderrObserver : public libdump::Observer {
 public:
  StderrObserver(const char* prog, bool verbose) : prog_(prog), verbose_(verbose) {}
  void OnMessage(libdump::EventLevel level, const std::string& text) override;

 private:
  const char* prog_;
  bool verbose_;
};

}  // namespace ndump_cli

#endif  // NDUMP_TOOLS_COMMON_CLI_COMMON_H_
