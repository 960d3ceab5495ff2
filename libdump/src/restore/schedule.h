// The restore schedule: which entry runs in which pass, and the task graph the workers run, as a
// pure function of the plan (restore/selection.h), the archive's statistics and the options. No
// I/O and no server: Restore() runs what this builds, and the unit tests check its ordering,
// weights and key splits without one (tests/libdump_unit/schedule_test.cc). The passes are
// pg_restore's: pre-data, data, post-data, then sequence values (docs/architecture.md,
// "Restore").
#ifndef LIBDUMP_SRC_RESTORE_SCHEDULE_H_
#define LIBDUMP_SRC_RESTORE_SCHEDULE_H_

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "libdump/format/archive.h"
#include "libdump/restore.h"
#include "restore/selection.h"
#include "sched/task_graph.h"

namespace libdump::restore {

// A primary key or unique constraint is built as CREATE UNIQUE INDEX then attached (index_sql,
// attach_sql) only on a table with at least this much data: below it the builds are short and
// the extra statement is not worth it.
inline constexpr uint64_t kSplitKeyMinBytes = 8ull << 20;

struct ScheduleInput {
  const Plan* plan = nullptr;                          // borrowed
  const std::vector<format::TocEntry>* toc = nullptr;  // the archive's whole TOC, borrowed
  const RestoreContent* content = nullptr;             // borrowed
  // Data entry dump id -> its COPY bytes (the index's raw_bytes; from a pipe, the TOC's
  // size_estimate). An entry missing here weighs 0.
  std::unordered_map<uint32_t, uint64_t> data_bytes;
  int workers = 1;         // connections of the data and post-data passes
  bool streaming = false;  // from a pipe: data first (StreamLoader), then a post-data graph
  // The pre-data runs whole before the graph (a pipe, --create, -1, one connection); otherwise
  // it is a chain of tasks at the head of the graph.
  bool pre_data_first = true;
  // A data-only restore's order among data entries (ForeignKeyDataOrder); empty otherwise.
  DataOrder fk_order;
};

struct Schedule {
  enum class Kind { kPre, kData, kPost };
  struct Node {
    Kind kind = Kind::kPre;
    size_t index = 0;  // into pre, data or post
  };

  // Pass 1: the entries that run before any data (RunsBeforeData), in plan order.
  std::vector<const format::TocEntry*> pre;
  bool pre_data_first = true;  // pass 1 runs whole before the rest (else it heads `tasks`)
  // Pass 2: the entries with COPY data, largest first (plan order with -L), a data-only
  // restore's referenced tables before their referencing ones.
  std::vector<const format::TocEntry*> data;
  uint64_t data_bytes_total = 0;
  // Table dump id -> the indexes into `data` of its data entries (several for a split table).
  std::unordered_map<uint32_t, std::vector<size_t>> data_of_table;
  // Pass 3: one task per post-data entry, in plan order, but a split key is two: its build
  // (CREATE UNIQUE INDEX, halves[] with create_sql = index_sql) then its attach (attach_sql).
  // The pointers point into the plan's TOC or into `halves`.
  std::vector<const format::TocEntry*> post;
  std::deque<format::TocEntry> halves;
  std::unordered_map<size_t, size_t> build_of;  // attach task -> its build task (into post)
  // The post-data graph on its own (indexes into post), as a pipe's restore runs it after the
  // data.
  std::vector<sched::Task> post_tasks;
  // From a file: the one graph of pass 1 (unless pre_data_first), 2 and 3, in priority order
  // (the scheduler takes the lowest ready index). nodes[k] says what tasks[k] runs.
  std::vector<Node> nodes;
  std::vector<sched::Task> tasks;
  // Pass 4: data-section entries without COPY data (sequence values), in plan order.
  std::vector<const format::TocEntry*> last;

  // Whether post[i] is the build half of a split key.
  bool IsBuild(size_t i) const { return i + 1 < post.size() && build_of.count(i + 1) != 0; }
  // The entry a node runs.
  const format::TocEntry& EntryOf(const Node& n) const {
    return *(n.kind == Kind::kPre ? pre : n.kind == Kind::kData ? data : post)[n.index];
  }
};

// Whether a post-data entry concerns one table and may run as soon as that table's data is in
// (indexes, constraints, triggers, ... and their comments and ACLs).
bool TableLocal(const format::TocEntry& e);

// Builds the schedule. Pure: the same input gives the same schedule. A Schedule holds pointers
// into itself (post into halves) and into the input's plan and TOC, which must outlive it; moving
// it keeps them valid (a moved std::deque keeps its elements where they are).
Schedule BuildSchedule(const ScheduleInput& in);

}  // namespace libdump::restore

#endif  // LIBDUMP_SRC_RESTORE_SCHEDULE_H_
