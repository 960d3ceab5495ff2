#include "sched/task_graph.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace libdump::sched {

Status RunTaskGraph(const std::vector<Task>& tasks, int workers,
                    const std::function<Status(int, size_t)>& run, const CancelToken* cancel,
                    const std::function<void()>& on_stop) {
  const size_t n = tasks.size();
  if (n == 0) return Status::Ok();
  if (workers < 1) workers = 1;

  std::mutex mu;
  std::condition_variable cv;
  std::vector<size_t> waiting(n, 0);
  std::vector<std::vector<size_t>> dependents(n);
  int max_phase = 0;
  for (const auto& t : tasks) max_phase = std::max(max_phase, t.phase);
  std::vector<size_t> unfinished_in_phase(static_cast<size_t>(max_phase) + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    ++unfinished_in_phase[static_cast<size_t>(tasks[i].phase)];
    for (size_t d : tasks[i].deps) {
      if (d >= n) return Status::Internal("task depends on an unknown task");
      dependents[d].push_back(i);
      ++waiting[i];
    }
  }
  std::set<size_t> ready;  // ordered: lowest index first
  for (size_t i = 0; i < n; ++i) {
    if (waiting[i] == 0) ready.insert(i);
  }
  size_t finished = 0;
  size_t running = 0;
  std::map<long long, int> running_in_group;
  Status first_error;
  bool stopping = false;

  auto phase_open = [&](int phase) {
    for (int p = 0; p < phase; ++p) {
      if (unfinished_in_phase[static_cast<size_t>(p)] != 0) return false;
    }
    return true;
  };
  auto stop = [&](Status st) {  // called with mu held
    if (first_error.ok()) first_error = std::move(st);
    if (!stopping) {
      stopping = true;
      if (on_stop) on_stop();
    }
  };

  auto worker = [&](int w) {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      if (!stopping && cancel && cancel->cancelled()) stop(Status::Cancelled("cancelled"));
      if (stopping || finished == n) break;
      size_t pick = n;
      size_t fallback = n;  // the first runnable task, when all of them are of busy groups
      for (size_t i : ready) {
        if (!phase_open(tasks[i].phase)) continue;
        const long long g = tasks[i].group;
        if (g < 0 || running_in_group[g] == 0) {
          pick = i;
          break;
        }
        if (fallback == n) fallback = i;
      }
      if (pick == n) pick = fallback;
      if (pick == n) {
        if (running == 0 && ready.empty()) {
          stop(Status::Internal("task dependency cycle"));
          break;
        }
        // Wake periodically to notice cancellation even when nothing else happens.
        cv.wait_for(lock, std::chrono::milliseconds(100));
        continue;
      }
      ready.erase(pick);
      ++running;
      if (tasks[pick].group >= 0) ++running_in_group[tasks[pick].group];
      lock.unlock();
      Status st = run(w, pick);
      lock.lock();
      --running;
      if (tasks[pick].group >= 0) --running_in_group[tasks[pick].group];
      ++finished;
      --unfinished_in_phase[static_cast<size_t>(tasks[pick].phase)];
      if (!st.ok()) {
        stop(std::move(st));
      } else {
        for (size_t d : dependents[pick]) {
          if (--waiting[d] == 0) ready.insert(d);
        }
      }
      cv.notify_all();
    }
    cv.notify_all();
  };

  std::vector<std::thread> threads;
  const int count = static_cast<int>(std::min<size_t>(static_cast<size_t>(workers), n));
  threads.reserve(static_cast<size_t>(count));
  for (int w = 0; w < count; ++w) threads.emplace_back(worker, w);
  for (auto& t : threads) t.join();
  return first_error;
}

}  // namespace libdump::sched
