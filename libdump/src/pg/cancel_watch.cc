#include "pg/cancel_watch.h"

#include <algorithm>
#include <chrono>

namespace libdump::pg {

void ConnGroup::Add(PgConn* conn) {
  std::lock_guard<std::mutex> lock(mu_);
  conns_.push_back(conn);
}

void ConnGroup::Remove(PgConn* conn) {
  std::lock_guard<std::mutex> lock(mu_);
  conns_.erase(std::remove(conns_.begin(), conns_.end(), conn), conns_.end());
}

void ConnGroup::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (PgConn* c : conns_) c->Cancel();
}

CancelWatcher::CancelWatcher(const CancelToken* token, ConnGroup* group) {
  if (token == nullptr) return;
  thread_ = std::thread([this, token, group] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!done_) {
      if (token->cancelled()) {
        group->CancelAll();
        // Keep cancelling: a statement sent after the first cancel must stop too.
        cv_.wait_for(lock, std::chrono::milliseconds(200));
        continue;
      }
      cv_.wait_for(lock, std::chrono::milliseconds(50));
    }
  });
}

CancelWatcher::~CancelWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace libdump::pg
