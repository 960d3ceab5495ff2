// A small dependency-aware scheduler: runs tasks on a fixed number of threads, each task once all
// of its dependencies have finished, in priority order among those ready. It knows nothing of
// PostgreSQL; the callers give each worker thread its own connection.
#ifndef LIBDUMP_SRC_SCHED_TASK_GRAPH_H_
#define LIBDUMP_SRC_SCHED_TASK_GRAPH_H_

#include <cstddef>
#include <functional>
#include <vector>

#include "libdump/cancel.h"
#include "libdump/status.h"

namespace libdump::sched {

struct Task {
  std::vector<size_t> deps;  // indexes of tasks that must finish first
  int phase = 0;             // a task starts only when every task of a lower phase has finished
  // Tasks of one group (>= 0) prefer not to run side by side: a worker takes a ready task whose
  // group has none running when there is one, else the first ready task. -1: no group.
  long long group = -1;
};

// Runs tasks[0..n) on `workers` threads (the calling thread waits). Among ready tasks the lowest
// index goes first, so callers order tasks by priority (e.g. largest table first), except that a
// task of a group already running gives way to one that is not (Task::group). `run` is called
// as run(worker_index, task_index) on worker threads. The first failure, or `cancel` becoming
// set, stops new tasks from starting; running tasks are left to finish (callers cancel their
// server statements through `on_stop`, called once, from the thread that saw the failure).
// Returns the first error, kCancelled when cancelled, or kInternal for a dependency cycle.
Status RunTaskGraph(const std::vector<Task>& tasks, int workers,
                    const std::function<Status(int, size_t)>& run, const CancelToken* cancel,
                    const std::function<void()>& on_stop = {});

}  // namespace libdump::sched

#endif  // LIBDUMP_SRC_SCHED_TASK_GRAPH_H_
