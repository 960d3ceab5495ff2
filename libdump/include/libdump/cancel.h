// CancelToken: how a host program stops a running dump or restore.
//
// The host keeps the token alive for the whole operation and may call Cancel() from any thread,
// including from a signal handler (it only stores to a lock-free atomic). Workers poll it between
// blocks and the operation's watchdog sends PQcancel to every busy server connection, so a long
// statement stops promptly. The operation then returns a kCancelled Status after its workers have
// exited and its connections are closed.
#ifndef LIBDUMP_CANCEL_H_
#define LIBDUMP_CANCEL_H_

#include <atomic>

namespace libdump {

class CancelToken {
 public:
  void Cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
  static_assert(std::atomic<bool>::is_always_lock_free, "Cancel() must be async-signal-safe");
};

}  // namespace libdump

#endif  // LIBDUMP_CANCEL_H_
