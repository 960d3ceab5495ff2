// The progress display and closing summary both tools share (docs/manual.md, "Progress and
// summary"): --progress=auto|always|never|json, an in-place display on a terminal, one JSON object
// per line for programs, and the summary printed when the operation ends.
#ifndef NDUMP_TOOLS_COMMON_PROGRESS_H_
#define NDUMP_TOOLS_COMMON_PROGRESS_H_

#include <CLI/CLI.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "libdump/dump.h"
#include "libdump/observer.h"
#include "libdump/restore.h"
#include "libdump/status.h"

namespace ndump_cli {

enum class ProgressMode {
  kAuto,    // the display when stderr is a terminal, nothing otherwise
  kAlways,  // the display on a terminal; one plain line a second otherwise
  kNever,   // no display
  kJson,    // one JSON object per line on stderr (schema in docs/manual.md)
};

// Adds --progress=auto|always|never|json; a value outside the set is a usage error naming the
// option. `mode` keeps the text ("auto" unless given).
CLI::Option* AddProgressOption(CLI::App& app, std::string* mode);
ProgressMode ParseProgressMode(const std::string& text);  // an unknown text is kAuto

// The closing summary of either operation.
struct RunSummary {
  uint64_t objects = 0;       // TOC entries written or executed
  uint64_t tables = 0;        // data entries (a split table counts once per chunk)
  uint64_t rows = 0;          // COPY rows
  uint64_t raw_bytes = 0;     // uncompressed COPY bytes
  uint64_t stored_bytes = 0;  // a dump: the whole archive written; a restore: data blocks read
  double seconds = 0;
};
RunSummary SummaryOf(const libdump::DumpSummary& s);
RunSummary SummaryOf(const libdump::RestoreSummary& s);

// The tools' observer: verbose lines and warnings (as StderrObserver), plus the progress display
// of the chosen mode. Library callbacks only copy state under a lock; a thread of its own redraws
// the display (5 Hz on a terminal, 2 Hz in json mode, 1 Hz for plain lines), so the library's
// workers never wait for the terminal. All output goes to stderr.
class ProgressReporter : public libdump::Observer {
 public:
  ProgressReporter(const char* prog, bool verbose, ProgressMode mode);
  ~ProgressReporter() override;  // stops the display thread (Finish/Fail do it first)
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void OnMessage(libdump::EventLevel level, const std::string& text) override;
  void OnProgress(const libdump::Progress& progress) override;
  void OnWorkerActivity(const libdump::WorkerActivity& activity) override;

  // The operation succeeded: stops the display and prints the summary, on stderr, when -v was
  // given or stderr is a terminal (json mode: always, as the last object, after a final
  // progress object).
  void Finish(const RunSummary& summary);
  // The operation failed: stops the display and reports `status` (json mode: an "error" object,
  // otherwise the usual "<prog>: error: ..." line). Returns the exit code.
  int Fail(const libdump::Status& status);

 private:
  enum class Display { kNone, kTerminal, kLines, kJson };
  struct Snapshot {
    bool any = false;  // a progress or worker event has arrived
    libdump::Progress progress;
    std::vector<std::string> workers;  // per worker: its entry, "" when idle
  };

  void RenderLoop();
  void StopThread();
  // Renders the current state (`final`: the last time). Caller holds out_mu_.
  void RenderLocked(bool final);
  void ClearLocked();
  std::string JsonProgress(const Snapshot& s, double elapsed, double rate) const;
  double Rate(const Snapshot& s, double elapsed);
  // Whether the state is what the last line showed, shown less than a few seconds ago (then
  // plain lines and json skip it); records it as shown otherwise. Caller holds out_mu_.
  bool Unchanged(const Snapshot& s, double elapsed);

  const char* prog_;
  const bool verbose_;
  const bool tty_;
  Display display_ = Display::kNone;
  const std::chrono::steady_clock::time_point start_;

  std::mutex mu_;  // guards snapshot_, stop_
  Snapshot snapshot_;
  bool stop_ = false;
  std::condition_variable cv_;
  std::thread thread_;

  std::mutex out_mu_;    // serializes writes to stderr; guards what follows
  int drawn_lines_ = 0;  // lines of the terminal display now on screen
  bool finished_ = false;
  std::vector<std::pair<double, uint64_t>> samples_;         // (elapsed, raw bytes) for the rate
  std::optional<std::pair<double, uint64_t>> first_sample_;  // the first with data moved
  std::optional<double> done_rate_;  // the data phase's average, once the data is done
  Snapshot last_;  // the state last written as a plain line or json object, and when
  double last_time_ = 0;
};

}  // namespace ndump_cli

#endif  // NDUMP_TOOLS_COMMON_PROGRESS_H_
