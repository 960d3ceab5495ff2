#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include "cli_common.h"

namespace ndump_cli {

namespace {

constexpr double kRateWindowSeconds = 5.0;
constexpr size_t kMaxWorkerLines = 16;
// Plain lines and json objects repeat an unchanged state (index builds after the data, a long
// wait for a lock) only this often.
constexpr double kQuietSeconds = 5.0;

std::string Bytes(uint64_t n) {
  const double v = static_cast<double>(n);
  char buf[32];
  if (v < 1e3) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 " B", n);
  } else if (v < 1e6) {
    std::snprintf(buf, sizeof buf, "%.1f kB", v / 1e3);
  } else if (v < 1e9) {
    std::snprintf(buf, sizeof buf, "%.1f MB", v / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f GB", v / 1e9);
  }
  return buf;
}

// 1234567 -> "1,234,567"
std::string Count(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Clock(double seconds) {
  const auto s = static_cast<uint64_t>(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60,
                  s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64 ":%02" PRIu64, s / 60, s % 60);
  }
  return buf;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(ch);  // UTF-8 passes through: JSON text is UTF-8
        }
    }
  }
  return out + "\"";
}

std::string JsonNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

std::string U(uint64_t v) { return std::to_string(v); }

const char* LevelName(libdump::EventLevel level) {
  switch (level) {
    case libdump::EventLevel::kInfo:
      return "info";
    case libdump::EventLevel::kVerbose:
      return "verbose";
    case libdump::EventLevel::kWarning:
      return "warning";
  }
  return "info";
}

size_t TerminalWidth() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

void WriteErr(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

CLI::Option* AddProgressOption(CLI::App& app, std::string* mode) {
  return app
      .add_option("--progress", *mode,
                  "progress display on stderr: auto (on a terminal), always, never, or json "
                  "(one JSON object per line)")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never", "json"}))
      ->capture_default_str();
}

ProgressMode ParseProgressMode(const std::string& text) {
  if (text == "always") return ProgressMode::kAlways;
  if (text == "never") return ProgressMode::kNever;
  if (text == "json") return ProgressMode::kJson;
  return ProgressMode::kAuto;
}

namespace {

// The fields a dump's and a restore's summaries share; `stored_bytes` is what each counts as
// stored (the archive written, or the data blocks read).
template <typename Summary>
RunSummary CommonSummary(const Summary& s, uint64_t stored_bytes) {
  RunSummary r;
  r.objects = s.entries;
  r.tables = s.tables;
  r.rows = s.rows;
  r.raw_bytes = s.raw_bytes;
  r.stored_bytes = stored_bytes;
  r.seconds = s.seconds;
  return r;
}

}  // namespace

RunSummary SummaryOf(const libdump::DumpSummary& s) { return CommonSummary(s, s.archive_bytes); }

RunSummary SummaryOf(const libdump::RestoreSummary& s) { return CommonSummary(s, s.stored_bytes); }

ProgressReporter::ProgressReporter(const char* prog, bool verbose, ProgressMode mode)
    : prog_(prog),
      verbose_(verbose),
      tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {
  switch (mode) {
    case ProgressMode::kAuto:
      display_ = tty_ ? Display::kTerminal : Display::kNone;
      break;
    case ProgressMode::kAlways:
      display_ = tty_ ? Display::kTerminal : Display::kLines;
      break;
    case ProgressMode::kNever:
      display_ = Display::kNone;
      break;
    case ProgressMode::kJson:
      display_ = Display::kJson;
      break;
  }
  if (display_ != Display::kNone) thread_ = std::thread([this] { RenderLoop(); });
}

ProgressReporter::~ProgressReporter() { StopThread(); }

void ProgressReporter::StopThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressReporter::OnMessage(libdump::EventLevel level, const std::string& text) {
  if (level != libdump::EventLevel::kWarning && !verbose_) return;
  std::lock_guard<std::mutex> out(out_mu_);
  if (display_ == Display::kJson) {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    WriteErr("{\"event\":\"message\",\"tool\":" + JsonString(prog_) +
             ",\"elapsed\":" + JsonNumber(elapsed) + ",\"level\":\"" + LevelName(level) +
             "\",\"text\":" + JsonString(text) + "}\n");
    return;
  }
  ClearLocked();  // the next redraw puts the display back under the message
  const char* tag = level == libdump::EventLevel::kWarning ? ": warning: " : ": ";
  WriteErr(std::string(prog_) + tag + text + "\n");
}

void ProgressReporter::OnProgress(const libdump::Progress& progress) {
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_.any = true;
  snapshot_.progress = progress;
}

void ProgressReporter::OnWorkerActivity(const libdump::WorkerActivity& activity) {
  if (activity.worker < 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_.any = true;
  const auto w = static_cast<size_t>(activity.worker);
  if (snapshot_.workers.size() <= w) snapshot_.workers.resize(w + 1);
  snapshot_.workers[w] = activity.entry;
}

void ProgressReporter::RenderLoop() {
  const auto period = display_ == Display::kTerminal ? std::chrono::milliseconds(200)
                      : display_ == Display::kJson   ? std::chrono::milliseconds(500)
                                                     : std::chrono::milliseconds(1000);
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
    lock.unlock();
    {
      std::lock_guard<std::mutex> out(out_mu_);
      RenderLocked(false);
    }
    lock.lock();
  }
}

double ProgressReporter::Rate(const Snapshot& s, double elapsed) {
  const libdump::Progress& p = s.progress;
  const uint64_t done = p.raw_bytes_done;
  if (!first_sample_ && done > 0) first_sample_.emplace(elapsed, done);
  if (p.entries_total > 0 && p.entries_done == p.entries_total) {
    // The data is done: from now on the data phase's average, not a rate falling to zero while
    // a restore builds its indexes.
    if (!done_rate_) {
      const auto [t0, b0] = first_sample_.value_or(std::make_pair(0.0, uint64_t{0}));
      const double span = elapsed - t0;
      done_rate_ = span > 0 ? static_cast<double>(done - b0) / span : 0.0;
    }
    return *done_rate_;
  }
  samples_.emplace_back(elapsed, done);
  while (samples_.size() > 2 && elapsed - samples_.front().first > kRateWindowSeconds) {
    samples_.erase(samples_.begin());
  }
  const auto& first = samples_.front();
  const double span = elapsed - first.first;
  if (span > 0.5) return static_cast<double>(done - first.second) / span;
  return elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
}

std::string ProgressReporter::JsonProgress(const Snapshot& s, double elapsed, double rate) const {
  const libdump::Progress& p = s.progress;
  std::string eta = "null";
  if (p.entries_total > 0 && p.entries_done == p.entries_total) {
    eta = "0";
  } else if (rate > 0 && p.raw_bytes_estimate > p.raw_bytes_done) {
    eta = JsonNumber(static_cast<double>(p.raw_bytes_estimate - p.raw_bytes_done) / rate);
  }
  std::string j = "{\"event\":\"progress\",\"tool\":" + JsonString(prog_) +
                  ",\"elapsed\":" + JsonNumber(elapsed) + ",\"bytes_done\":" + U(p.raw_bytes_done) +
                  ",\"bytes_total\":" + U(p.raw_bytes_estimate) +
                  ",\"stored_bytes_done\":" + U(p.stored_bytes_done) +
                  ",\"rows_done\":" + U(p.rows_done) + ",\"tables_done\":" + U(p.entries_done) +
                  ",\"tables_total\":" + U(p.entries_total) + ",\"rate\":" + JsonNumber(rate) +
                  ",\"eta\":" + eta + ",\"workers\":[";
  for (size_t w = 0; w < s.workers.size(); ++w) {
    if (w > 0) j += ",";
    j += "{\"worker\":" + std::to_string(w) +
         ",\"entry\":" + (s.workers[w].empty() ? std::string("null") : JsonString(s.workers[w])) +
         "}";
  }
  return j + "]}";
}

bool ProgressReporter::Unchanged(const Snapshot& s, double elapsed) {
  const libdump::Progress& p = s.progress;
  const bool same = p.raw_bytes_done == last_.progress.raw_bytes_done &&
                    p.entries_done == last_.progress.entries_done && s.workers == last_.workers &&
                    elapsed - last_time_ < kQuietSeconds;
  if (!same) {
    last_ = s;
    last_time_ = elapsed;
  }
  return same;
}

void ProgressReporter::ClearLocked() {
  if (drawn_lines_ == 0) return;
  // Up to the first line of the display, then erase to the end of the screen.
  WriteErr("\x1b[" + std::to_string(drawn_lines_) + "A\x1b[J");
  drawn_lines_ = 0;
}

void ProgressReporter::RenderLocked(bool final) {
  if (finished_) return;
  Snapshot s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = snapshot_;
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (display_ == Display::kJson) {
    // Progress objects once data moves; the final one whatever happened, so a reader always
    // gets the totals the summary repeats.
    if (!s.any && !final) return;
    if (!final && Unchanged(s, elapsed)) return;
    WriteErr(JsonProgress(s, elapsed, Rate(s, elapsed)) + "\n");
    return;
  }
  if (!s.any) return;
  if (display_ == Display::kLines && !final && Unchanged(s, elapsed)) return;
  const libdump::Progress& p = s.progress;
  const double rate = Rate(s, elapsed);
  const bool data_done = p.entries_total > 0 && p.entries_done == p.entries_total;
  std::string line = std::string(prog_) + ": ";
  if (data_done) {
    line += "100%";
  } else if (p.raw_bytes_estimate > 0) {
    const double f = std::min(
        0.99, static_cast<double>(p.raw_bytes_done) / static_cast<double>(p.raw_bytes_estimate));
    line += std::to_string(static_cast<int>(f * 100)) + "%";
  } else {
    line += "--%";
  }
  // Most telling first: a narrow terminal cuts the end of the line.
  line += " " + Bytes(p.raw_bytes_done) + "/" + Bytes(p.raw_bytes_estimate) + ", " +
          Bytes(static_cast<uint64_t>(rate)) + "/s";
  if (data_done) {
    if (!final) line += ", data done, finishing";
  } else if (rate > 0 && p.raw_bytes_estimate > p.raw_bytes_done) {
    line += ", ETA " + Clock(static_cast<double>(p.raw_bytes_estimate - p.raw_bytes_done) / rate);
  }
  line += ", " + Count(p.rows_done) + " rows, " + Count(p.entries_done) + "/" +
          Count(p.entries_total) + " tables, " + Clock(elapsed) + " elapsed";
  if (display_ == Display::kLines) {
    WriteErr(line + "\n");
    return;
  }
  // Terminal: the display is the status line and one line per worker, redrawn in place. Lines
  // are cut to the terminal's width, since a wrapped line would break the cursor arithmetic.
  std::vector<std::string> lines{line};
  if (!final) {
    for (size_t w = 0; w < s.workers.size() && w < kMaxWorkerLines; ++w) {
      lines.push_back("  worker " + std::to_string(w) + ": " +
                      (s.workers[w].empty() ? std::string("idle") : s.workers[w]));
    }
    if (s.workers.size() > kMaxWorkerLines) {
      lines.push_back("  ... and " + std::to_string(s.workers.size() - kMaxWorkerLines) +
                      " more workers");
    }
  }
  const size_t width = TerminalWidth();
  std::string out;
  if (drawn_lines_ > 0) out += "\x1b[" + std::to_string(drawn_lines_) + "A";
  for (auto& l : lines) {
    if (l.size() >= width) l.resize(width - 1);
    out += "\r\x1b[2K" + l + "\n";
  }
  out += "\x1b[J";
  WriteErr(out);
  drawn_lines_ = static_cast<int>(lines.size());
}

void ProgressReporter::Finish(const RunSummary& summary) {
  StopThread();
  std::lock_guard<std::mutex> out(out_mu_);
  if (display_ == Display::kTerminal) {
    ClearLocked();
    RenderLocked(true);  // the final status line stays on screen, without the workers
  } else if (display_ != Display::kNone) {
    RenderLocked(true);
  }
  finished_ = true;
  const double ratio = summary.stored_bytes > 0 ? static_cast<double>(summary.raw_bytes) /
                                                      static_cast<double>(summary.stored_bytes)
                                                : 0.0;
  if (display_ == Display::kJson) {
    WriteErr("{\"event\":\"summary\",\"tool\":" + JsonString(prog_) +
             ",\"objects\":" + U(summary.objects) + ",\"tables\":" + U(summary.tables) +
             ",\"rows\":" + U(summary.rows) + ",\"raw_bytes\":" + U(summary.raw_bytes) +
             ",\"stored_bytes\":" + U(summary.stored_bytes) + ",\"ratio\":" + JsonNumber(ratio) +
             ",\"seconds\":" + JsonNumber(summary.seconds) + "}\n");
    return;
  }
  if (!verbose_ && !tty_) return;
  char ratio_text[32];
  std::snprintf(ratio_text, sizeof ratio_text, "%.2f", ratio);
  char seconds_text[32];
  std::snprintf(seconds_text, sizeof seconds_text, "%.2f", summary.seconds);
  WriteErr(std::string(prog_) + ": done: " + Count(summary.objects) + " objects, " +
           Count(summary.tables) + " tables, " + Count(summary.rows) + " rows, " +
           Bytes(summary.raw_bytes) + " of data, " + Bytes(summary.stored_bytes) +
           " stored (ratio " + ratio_text + "), " + seconds_text + " s\n");
}

int ProgressReporter::Fail(const libdump::Status& status) {
  StopThread();
  std::lock_guard<std::mutex> out(out_mu_);
  ClearLocked();
  finished_ = true;
  if (display_ == Display::kJson) {
    const int code = ExitCodeFor(status);
    WriteErr("{\"event\":\"error\",\"tool\":" + JsonString(prog_) + ",\"exit_code\":" +
             std::to_string(code) + ",\"message\":" + JsonString(status.ToString()) + "}\n");
    return code;
  }
  return ReportError(prog_, status);
}

}  // namespace ndump_cli
