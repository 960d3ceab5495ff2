// Serializes Observer callbacks from many threads and keeps running progress totals.
#ifndef LIBDUMP_SRC_COMMON_EVENTS_H_
#define LIBDUMP_SRC_COMMON_EVENTS_H_

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "libdump/observer.h"

namespace libdump {

class Events {
 public:
  explicit Events(Observer* observer) : observer_(observer) {}

  void Message(EventLevel level, const std::string& text) {
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    observer_->OnMessage(level, text);
  }
  void Info(const std::string& text) { Message(EventLevel::kInfo, text); }
  void Verbose(const std::string& text) { Message(EventLevel::kVerbose, text); }
  void Warning(const std::string& text) { Message(EventLevel::kWarning, text); }

  void SetTotals(uint64_t entries, uint64_t raw_bytes_estimate) {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.entries_total = entries;
    progress_.raw_bytes_estimate = raw_bytes_estimate;
  }
  // Adds to the running totals and reports them.
  void AddProgress(uint64_t rows, uint64_t raw_bytes, uint64_t stored_bytes, bool entry_done) {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.rows_done += rows;
    progress_.raw_bytes_done += raw_bytes;
    progress_.stored_bytes_done += stored_bytes;
    if (entry_done) ++progress_.entries_done;
    if (observer_) observer_->OnProgress(progress_);
    if (entry_done) FinishEntryLocked();
  }
  // The calling worker thread starts copying the data entry `label` (OnWorkerActivity). Its
  // AddProgress(..., entry_done = true) on the same thread reports it finished. Workers are
  // numbered by thread in the order they first start an entry, so no call site passes an index.
  void StartEntry(std::string label) {
    if (!observer_) return;
    std::lock_guard<std::mutex> lock(mu_);
    const std::thread::id self = std::this_thread::get_id();
    size_t w = 0;
    while (w < workers_.size() && workers_[w].first != self) ++w;
    if (w == workers_.size()) workers_.emplace_back(self, false);
    workers_[w].second = true;
    WorkerActivity activity;
    activity.worker = static_cast<int>(w);
    activity.entry = std::move(label);
    observer_->OnWorkerActivity(activity);
  }
  // Raises stored_bytes_done to `total` (a running total several threads report).
  void SetStoredTotal(uint64_t total) {
    std::lock_guard<std::mutex> lock(mu_);
    progress_.stored_bytes_done = std::max(progress_.stored_bytes_done, total);
  }
  Progress progress() const {
    std::lock_guard<std::mutex> lock(mu_);
    return progress_;
  }

 private:
  void FinishEntryLocked() {
    if (!observer_) return;
    const std::thread::id self = std::this_thread::get_id();
    for (size_t w = 0; w < workers_.size(); ++w) {
      if (workers_[w].first != self || !workers_[w].second) continue;
      workers_[w].second = false;
      WorkerActivity activity;
      activity.worker = static_cast<int>(w);
      observer_->OnWorkerActivity(activity);
    }
  }

  Observer* observer_;
  mutable std::mutex mu_;
  Progress progress_;
  // Guarded by mu_: one per worker thread seen by StartEntry, and whether it has an entry open.
  std::vector<std::pair<std::thread::id, bool>> workers_;
};

}  // namespace libdump

#endif  // LIBDUMP_SRC_COMMON_EVENTS_H_
