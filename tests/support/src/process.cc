#include "ndump_test/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

extern char** environ;

namespace ndump_test {
namespace {

using Clock = std::chrono::steady_clock;

// Writing into a pipe whose reader has exited must give EPIPE, not kill the test binary. The
// disposition is restored to the default in every child, because an ignored SIGPIPE survives
// exec() and would change how the tools under test behave.
void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

std::vector<std::string> BuildEnvironment(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& changes) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& [name, value] : changes) {
    const std::string prefix = name + "=";
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }),
              env.end());
    if (value) env.push_back(prefix + *value);
  }
  return env;
}

// Only async-signal-safe calls are allowed in the forked child of a threaded program, so the
// error text is assembled by hand.
void ChildFail(const char* what, const char* arg) {
  int saved = errno;
  char num[16];
  int n = 0;
  char digits[16];
  do {
    digits[n++] = static_cast<char>('0' + saved % 10);
    saved /= 10;
  } while (saved > 0 && n < 15);
  for (int i = 0; i < n; ++i) num[i] = digits[n - 1 - i];
  num[n] = '\0';
  auto put = [](const char* s) {
    ssize_t ignored = write(STDERR_FILENO, s, strlen(s));
    (void)ignored;
  };
  put("RunCommand: ");
  put(what);
  put(" ");
  put(arg);
  put(" failed, errno ");
  put(num);
  put("\n");
  _exit(127);
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

}  // namespace

std::string CommandResult::Describe() const {
  std::ostringstream os;
  os << "command: " << command << "\nexit code: " << exit_code
     << (timed_out ? " (killed after timeout)" : "") << "\nstderr:\n"
     << Tail(err, 3000);
  if (!out.empty() && out.size() < 2000) os << "\nstdout:\n" << out;
  return os.str();
}

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-+=/.,:@%") == std::string::npos) {
    return s;
  }
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

CommandResult RunCommand(const std::vector<std::string>& argv, std::string stdin_data) {
  RunOptions options;
  options.stdin_data = std::move(stdin_data);
  return RunCommand(argv, options);
}

CommandResult RunCommand(const std::vector<std::string>& argv, const RunOptions& options) {
  IgnoreSigpipeOnce();
  CommandResult result;
  for (const std::string& a : argv) {
    if (!result.command.empty()) result.command += ' ';
    result.command += ShellQuote(a);
  }
  if (argv.empty()) {
    result.err = "RunCommand: empty argv";
    return result;
  }

  // Everything the child touches is prepared before fork().
  std::vector<std::string> env_strings = BuildEnvironment(options.env);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  std::vector<char*> argvp;
  for (std::string& s : argv_copy) argvp.push_back(s.data());
  argvp.push_back(nullptr);
  const char* cwd = options.cwd.empty() ? nullptr : options.cwd.c_str();

  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int dev_null = -1;
  auto close_all = [&] {
    for (int fd :
         {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], dev_null}) {
      if (fd >= 0) close(fd);
    }
  };
  bool ok = pipe2(out_pipe, O_CLOEXEC) == 0 && pipe2(err_pipe, O_CLOEXEC) == 0;
  if (ok && options.stdin_data) {
    ok = pipe2(in_pipe, O_CLOEXEC) == 0;
  } else if (ok) {
    dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    ok = dev_null >= 0;
  }
  if (!ok) {
    result.err = std::string("RunCommand: cannot create pipes: ") + strerror(errno);
    close_all();
    return result;
  }

  const pid_t pid = fork();
  if (pid < 0) {
    result.err = std::string("RunCommand: fork failed: ") + strerror(errno);
    close_all();
    return result;
  }
  if (pid == 0) {
    // Child. Own process group, so that a timeout can kill a whole pipeline (bash -c 'a | b').
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(options.stdin_data ? in_pipe[0] : dev_null, STDIN_FILENO) < 0) _exit(127);
    if (dup2(out_pipe[1], STDOUT_FILENO) < 0) _exit(127);
    if (dup2(err_pipe[1], STDERR_FILENO) < 0) _exit(127);
    if (cwd != nullptr && chdir(cwd) != 0) ChildFail("chdir", cwd);
    execvpe(argvp[0], argvp.data(), envp.data());
    ChildFail("exec", argvp[0]);
  }

  // Parent.
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (in_pipe[0] >= 0) close(in_pipe[0]);
  if (dev_null >= 0) close(dev_null);
  int in_fd = in_pipe[1];
  int out_fd = out_pipe[0];
  int err_fd = err_pipe[0];
  size_t in_offset = 0;
  const std::string empty;
  const std::string& input = options.stdin_data ? *options.stdin_data : empty;
  if (in_fd >= 0) {
    SetNonBlocking(in_fd);
    if (input.empty()) {
      close(in_fd);
      in_fd = -1;
    }
  }

  const Clock::time_point start = Clock::now();
  const bool has_deadline = options.timeout_seconds > 0;
  const Clock::time_point deadline = start + std::chrono::seconds(options.timeout_seconds);
  bool signal_pending = options.signal != 0;
  const Clock::time_point signal_at = start + std::chrono::milliseconds(options.signal_after_ms);
  std::optional<Clock::time_point> give_up_at;  // after a timeout kill, stop waiting for EOF

  auto check_timers = [&] {
    const Clock::time_point now = Clock::now();
    if (signal_pending && now >= signal_at) {
      kill(pid, options.signal);
      signal_pending = false;
    }
    if (has_deadline && !result.timed_out && now >= deadline) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      result.timed_out = true;
      give_up_at = now + std::chrono::seconds(5);
    }
  };
  auto poll_timeout_ms = [&]() -> int {
    Clock::time_point next = Clock::now() + std::chrono::seconds(1);
    if (signal_pending) next = std::min(next, signal_at);
    if (has_deadline && !result.timed_out) next = std::min(next, deadline);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    return static_cast<int>(std::max<long long>(ms, 0));
  };

  char buffer[65536];
  while (out_fd >= 0 || err_fd >= 0 || in_fd >= 0) {
    if (give_up_at && Clock::now() >= *give_up_at) break;
    pollfd fds[3];
    int n = 0;
    int out_idx = -1, err_idx = -1, in_idx = -1;
    if (out_fd >= 0) {
      out_idx = n;
      fds[n++] = {out_fd, POLLIN, 0};
    }
    if (err_fd >= 0) {
      err_idx = n;
      fds[n++] = {err_fd, POLLIN, 0};
    }
    if (in_fd >= 0) {
      in_idx = n;
      fds[n++] = {in_fd, POLLOUT, 0};
    }
    int rc = poll(fds, static_cast<nfds_t>(n), poll_timeout_ms());
    if (rc < 0 && errno != EINTR) break;
    check_timers();
    if (rc <= 0) continue;
    auto drain = [&](int idx, int& fd, std::string& sink) {
      if (idx < 0 || fds[idx].revents == 0) return;
      ssize_t got = read(fd, buffer, sizeof buffer);
      if (got > 0) {
        sink.append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(fd);
        fd = -1;
      }
    };
    drain(out_idx, out_fd, result.out);
    drain(err_idx, err_fd, result.err);
    if (in_idx >= 0 && fds[in_idx].revents != 0) {
      ssize_t put = write(in_fd, input.data() + in_offset,
                          std::min<size_t>(input.size() - in_offset, sizeof buffer));
      if (put > 0) in_offset += static_cast<size_t>(put);
      if ((put < 0 && errno != EAGAIN && errno != EINTR) || in_offset == input.size()) {
        // Done, or the child stopped reading (EPIPE): either way its stdin is finished.
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) close(fd);
  }

  int status = 0;
  while (true) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {
      result.err += "\nRunCommand: waitpid failed";
      return result;
    }
    check_timers();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

ScopedTempDir::ScopedTempDir(const std::string& prefix) {
  std::string templ = "/tmp/" + prefix + ".XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = templ;
}

ScopedTempDir::~ScopedTempDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  // A test may have made a subdirectory read-only; give the owner access back so that removal
  // does not stop half-way.
  for (auto it = fs::recursive_directory_iterator(path_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

std::string ScopedTempDir::File(const std::string& name) const { return path_ + "/" + name; }

std::vector<std::string> ScopedTempDir::List() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool WriteFile(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return false;
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  f.close();
  return static_cast<bool>(f);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream os;
  os << f.rdbuf();
  if (f.bad()) return std::nullopt;
  return os.str();
}

}  // namespace ndump_test
