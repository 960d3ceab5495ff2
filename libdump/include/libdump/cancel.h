// CancelToken: how a host program stops a running dump or restore.
//
// Ownership and lifetime: the host owns the token. Dump() and Restore() take a `const
// CancelToken*` they only read; it must stay alive until the call returns. One token may be given
// to several operations at once (Cancel() then stops all of them). A token cannot be reset: once
// cancelled it stays cancelled, so use a fresh token for the next operation.
//
// Thread safety: Cancel() may be called from any thread at any time, including from a signal
// handler: it is a single store to a lock-free atomic, and so async-signal-safe. cancelled() may
// also be called from anywhere.
//
// What cancelling does: while the operation has a server connection, a watcher thread notices the
// token within about 50 ms and sends a cancel request (PQcancel) to every connection that is
// running a statement, and keeps doing so until the operation ends, so a COPY or a statement
// waiting for a lock stops within a fraction of a second. Workers also check the token between
// rows (dump) and between blocks (restore) and stop taking new work. The operation then returns a
// kCancelled Status, only after every thread it started has been joined and every connection it
// opened has been closed. Not interrupted: libpq's connection attempt (bounded by connect_timeout
// in the conninfo), and a call into the application's own ByteSource or ByteSink that blocks (a
// pipe with no data, say); the token is checked again as soon as they return.
//
// What is left behind: a cancelled Dump() never commits its sink (an atomic file sink leaves no
// file). A cancelled Restore() leaves the target database as far as it got: entries executed
// before the cancellation stay, and the COPY of each table being loaded at that moment is rolled
// back (the table itself, created earlier, stays, empty).
#ifndef LIBDUMP_CANCEL_H_
#define LIBDUMP_CANCEL_H_

#include <atomic>

namespace libdump {

class CancelToken {
 public:
  // Requests cancellation of every operation using this token. Idempotent; async-signal-safe.
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  // True once Cancel() has been called.
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
  static_assert(std::atomic<bool>::is_always_lock_free, "Cancel() must be async-signal-safe");
};

}  // namespace libdump

#endif  // LIBDUMP_CANCEL_H_
