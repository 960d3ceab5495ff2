// Turns a CancelToken into prompt server-side cancellation: a watcher thread polls the token and,
// once it is set, sends PQcancel to every connection registered in the group, so that a
// statement blocked on a lock or a long COPY stops within a fraction of a second.
#ifndef LIBDUMP_SRC_PG_CANCEL_WATCH_H_
#define LIBDUMP_SRC_PG_CANCEL_WATCH_H_

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "libdump/cancel.h"
#include "pg/pg.h"

namespace libdump::pg {

// The connections an operation has open. Thread-safe.
class ConnGroup {
 public:
  void Add(PgConn* conn);
  void Remove(PgConn* conn);
  void CancelAll();

 private:
  std::mutex mu_;
  std::vector<PgConn*> conns_;
};

// Watches `token` (may be null: then it does nothing) until destroyed.
class CancelWatcher {
 public:
  CancelWatcher(const CancelToken* token, ConnGroup* group);
  ~CancelWatcher();
  CancelWatcher(const CancelWatcher&) = delete;
  CancelWatcher& operator=(const CancelWatcher&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace libdump::pg

#endif  // LIBDUMP_SRC_PG_CANCEL_WATCH_H_
