#include "cli_common.h"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

namespace ndump_cli {

namespace {
libdump::CancelToken* g_token = nullptr;

extern "C" void OnSignal(int) {
  if (g_token) g_token->Cancel();
}
}  // namespace

void AddConnectionOptions(CLI::App& app, ConnectionFlags* f) {
  auto* g = app.add_option_group("Connection options");
  g->add_option("-d,--dbname", f->dbname, "database name, conninfo string or URI to connect to");
  g->add_option("-h,--host", f->host, "database server host or socket directory");
  g->add_option("-p,--port", f->port, "database server port number");
  g->add_option("-U,--username", f->user, "connect as the specified database user");
  g->add_flag("-w,--no-password", f->no_password, "never prompt for a password");
  g->add_flag("-W,--password", f->password, "prompt for a password before connecting");
}

libdump::ConnectionOptions ToConnectionOptions(const ConnectionFlags& f,
                                               const std::string& application_name) {
  libdump::ConnectionOptions o;
  o.dbname = f.dbname;
  o.host = f.host;
  o.port = f.port;
  o.user = f.user;
  o.application_name = application_name;
  if (f.no_password) {
    o.password_policy = libdump::PasswordPolicy::kNever;
  } else if (f.password) {
    o.password_policy = libdump::PasswordPolicy::kAlways;
  }
  o.password_prompt = PromptPassword;
  return o;
}

std::string PromptPassword() {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) return "";
  std::fputs("Password: ", tty);
  std::fflush(tty);
  termios old_attr{};
  const int fd = fileno(tty);
  const bool have_attr = tcgetattr(fd, &old_attr) == 0;
  if (have_attr) {
    termios quiet = old_attr;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string password;
  int c;
  while ((c = std::fgetc(tty)) != EOF && c != '\n') password.push_back(static_cast<char>(c));
  if (have_attr) tcsetattr(fd, TCSAFLUSH, &old_attr);
  std::fputs("\n", tty);
  std::fclose(tty);
  return password;
}

void InstallSignalHandlers(libdump::CancelToken* token) {
  g_token = token;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A closed pipe reader must surface as a write error, not kill us before cleanup.
  signal(SIGPIPE, SIG_IGN);
}

bool ParseIntOption(const std::string& text, const std::string& name, int min, int max, int* value,
                    std::string* error) {
  errno = 0;
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  while (end != nullptr && *end != '\0' && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (text.empty() || end == text.c_str() || *end != '\0' || errno == ERANGE) {
    *error = "invalid value \"" + text + "\" for option " + name;
    return false;
  }
  if (v < min || v > max) {
    *error = name + " must be in range " + std::to_string(min) + ".." + std::to_string(max);
    return false;
  }
  *value = static_cast<int>(v);
  return true;
}

int ParseCommandLine(CLI::App& app, const char* prog, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string what = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      // An argument no option takes: as pg_dump words it when it is a positional one.
      for (const std::string& arg : app.remaining()) {
        if (arg.empty() || arg[0] != '-') {
          what = "too many command-line arguments (first is \"" + arg + "\")";
        }
        break;
      }
    }
    std::cerr << prog << ": error: " << what << "\nTry \"" << prog
              << " --help\" for more information.\n";
    return kExitUsage;
  }
}

int ReportError(const char* prog, const libdump::Status& status) {
  std::cerr << prog << ": error: " << status.ToString() << std::endl;
  return ExitCodeFor(status);
}

int ExitCodeFor(const libdump::Status& status) {
  switch (status.code()) {
    case libdump::StatusCode::kOk:
      return kExitOk;
    case libdump::StatusCode::kInvalidArgument:
      return kExitUsage;
    case libdump::StatusCode::kConnectionFailed:
      return kExitConnection;
    case libdump::StatusCode::kCorruption:
    case libdump::StatusCode::kUnsupported:
      return kExitDamaged;
    case libdump::StatusCode::kCancelled:
      return kExitInterrupted;
    default:
      return kExitError;
  }
}

void StderrObserver::OnMessage(libdump::EventLevel level, const std::string& text) {
  if (level == libdump::EventLevel::kWarning) {
    std::cerr << prog_ << ": warning: " << text << "\n";
  } else if (verbose_) {
    std::cerr << prog_ << ": " << text << "\n";
  }
}

}  // namespace ndump_cli
