// Serializes Observer callbacks from many threads and keeps running progress totals.
#ifndef LIBDUMP_SRC_COMMON_EVENTS_H_
#define LIBDUMP_SRC_COMMON_EVENTS_H_

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <string>

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
  Observer* observer_;
  mutable std::mutex mu_;
  Progress progress_;
};

}  // namespace libdump

#endif  // LIBDUMP_SRC_COMMON_EVENTS_H_
