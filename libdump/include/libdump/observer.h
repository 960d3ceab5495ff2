// Observer: how libdump tells a host program what it is doing. The library never prints; the
// tools render these events (verbose lines, a progress display).
//
// Threading: callbacks come from the leader and from worker threads, but never concurrently: the
// library serializes them under one lock, so an implementation needs no locking of its own. A
// callback must return quickly and must not call back into the operation that invoked it.
#ifndef LIBDUMP_OBSERVER_H_
#define LIBDUMP_OBSERVER_H_

#include <cstdint>
#include <string>

namespace libdump {

enum class EventLevel { kInfo, kVerbose, kWarning };

struct Progress {
  uint64_t entries_done = 0;   // data entries finished
  uint64_t entries_total = 0;  // data entries in the operation
  uint64_t rows_done = 0;
  uint64_t raw_bytes_done = 0;      // uncompressed COPY bytes moved so far
  uint64_t raw_bytes_estimate = 0;  // catalog estimate (dump) or archive statistics (restore)
  uint64_t stored_bytes_done = 0;   // compressed bytes written (dump) or read (restore)
};

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void OnMessage(EventLevel level, const std::string& text) {
    (void)level;
    (void)text;
  }
  // Called after each data block, with running totals.
  virtual void OnProgress(const Progress& progress) { (void)progress; }
};

}  // namespace libdump

#endif  // LIBDUMP_OBSERVER_H_
