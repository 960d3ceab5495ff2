// Observer: how libdump tells a host program what it is doing. The library never prints; the
// tools render these events (verbose lines, a progress display), and an application may log them,
// drive a progress bar, or ignore them.
//
// Ownership and lifetime: the host owns the observer and passes a pointer to Dump() or Restore()
// (null means no events). It must stay alive until that call returns; no callback happens after
// the call has returned.
//
// Threading: callbacks come from the thread that called Dump()/Restore() and from the worker
// threads the operation starts, but never concurrently within one operation: the operation
// serializes them under one lock, and each callback happens-before the next, so an implementation
// used by one operation needs no locking of its own. The serialization is per operation: an
// observer shared by two operations running at the same time receives concurrent calls and must
// protect its own state. While a callback runs, every worker that wants to report waits, so a
// callback must return quickly (hand slow work to another thread). A callback must not throw
// (an exception escaping a worker thread terminates the process) and must not call Dump() or
// Restore(); it may call CancelToken::Cancel() to stop the operation.
#ifndef LIBDUMP_OBSERVER_H_
#define LIBDUMP_OBSERVER_H_

#include <cstdint>
#include <string>

namespace libdump {

enum class EventLevel {
  kInfo,     // worth showing by default
  kVerbose,  // one line per step or object (connected, catalog read, table dumped, entry restored)
  kWarning,  // something the host should see although the operation goes on
};

// Running totals of the data phase: the table data a dump copies out of the server, or a restore
// copies into it. All counters only grow. Schema work (a restore's pre-data and post-data passes,
// index builds included) is not counted: no OnProgress calls happen while it runs.
struct Progress {
  uint64_t entries_done = 0;    // data entries (tables, or chunks of a split table) complete
  uint64_t entries_total = 0;   // data entries in the operation; fixed before the first call
  uint64_t rows_done = 0;       // COPY rows moved so far
  uint64_t raw_bytes_done = 0;  // uncompressed COPY bytes moved so far
  // The expected final raw_bytes_done. A dump: the server's size of the tables (pg_table_size,
  // heap + TOAST), a rough guide that can be far off either way. A restore: exact, from the
  // archive's statistics.
  uint64_t raw_bytes_estimate = 0;
  uint64_t stored_bytes_done = 0;  // compressed bytes written (dump) or read (restore)
};

// What one worker of the data phase is doing (Observer::OnWorkerActivity).
struct WorkerActivity {
  // Which worker: 0, 1, ... in the order the workers first start an entry, at most one number per
  // worker thread (and its connection), stable for the whole operation and below the job count.
  int worker = 0;
  // The data entry it has started to copy, e.g. `TABLE DATA public.orders`; empty when it has
  // finished its entry and waits for the next. The wording is for people; do not parse it.
  std::string entry;
};

class Observer {
 public:
  virtual ~Observer() = default;
  // A human-readable event: one line of text, without a trailing newline. The wording is for
  // people and may change between versions; do not parse it.
  virtual void OnMessage(EventLevel level, const std::string& text) {
    (void)level;
    (void)text;
  }
  // Called with the running totals after each data block (a dump: appended to the archive; a
  // restore: sent to the server), and once more when a data entry is complete (entries_done
  // goes up, the other counters do not). When an operation succeeds, the last call carries the
  // final totals: entries_done == entries_total, and rows_done / raw_bytes_done equal the rows /
  // raw_bytes of the returned DumpSummary or RestoreSummary. A dump or restore with no table data
  // makes no call at all. `progress` is valid only during the call; copy what you keep.
  virtual void OnProgress(const Progress& progress) { (void)progress; }
  // Called when a worker starts copying a data entry (entry set), and when it has finished it
  // (entry empty; made just after the OnProgress call that counts the entry complete). Only the
  // data phase reports it, like OnProgress. Serialized with the other callbacks as described at
  // the top; it comes from the worker's own thread. A worker that fails or is cancelled gets no
  // closing call. An observer that does not override it sees nothing new.
  // `activity` is valid only during the call.
  virtual void OnWorkerActivity(const WorkerActivity& activity) { (void)activity; }
};

}  // namespace libdump

#endif  // LIBDUMP_OBSERVER_H_
