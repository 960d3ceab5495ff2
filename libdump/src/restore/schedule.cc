#include "restore/schedule.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "common/kinds.h"

namespace libdump::restore {

using format::Section;
using format::TocEntry;

using kinds::Is;
using kinds::Kind;

bool TableLocal(const TocEntry& e) { return kinds::InfoOf(e.kind).table_local; }

namespace {

uint64_t BytesOf(const ScheduleInput& in, uint32_t dump_id) {
  auto it = in.data_bytes.find(dump_id);
  return it == in.data_bytes.end() ? 0 : it->second;
}

// Pass 2's entries: largest first, so that the biggest table does not start last; with -L, the
// list's order, as pg_restore keeps it (its position in plan.entries). A data-only restore loads
// into tables whose foreign keys exist: referenced tables first.
void CollectData(const ScheduleInput& in, Schedule* s) {
  for (const TocEntry* ep : in.plan->entries) {
    if (ep->has_data()) {
      s->data.push_back(ep);
      s->data_bytes_total += BytesOf(in, ep->dump_id);
    }
  }
  if (!in.content->use_list) {
    std::stable_sort(s->data.begin(), s->data.end(), [&](const TocEntry* a, const TocEntry* b) {
      return BytesOf(in, a->dump_id) > BytesOf(in, b->dump_id);
    });
  }
  SortDataEntries(in.fk_order, &s->data);
  for (size_t i = 0; i < s->data.size(); ++i) {
    for (uint32_t d : s->data[i]->deps) s->data_of_table[d].push_back(i);
  }
}

// Pass 3's tasks and their dependencies among themselves. Phases: 0 for what concerns one table
// (see TableLocal), 1 for other cross-table entries, 2 for foreign keys, 3 for event triggers
// (they would fire for the other entries' DDL).
//
// With several connections, a primary key or unique constraint that has index_sql is two tasks:
// its index built as a plain unique index, which takes a SHARE lock and so builds beside the
// table's other indexes, and then the ALTER TABLE ... USING INDEX that makes it the constraint:
// that one takes an ACCESS EXCLUSIVE lock, so it waits for every other index build on the table
// (as a dependency, not on a lock that would hold a connection idle). ADD CONSTRAINT ... PRIMARY
// KEY would hold that lock for the whole build and keep the table's other index builds waiting.
// Only where that wait would be long: on a table with another index and at least
// kSplitKeyMinBytes of data; on a small table the second statement costs more than the builds
// take.
void BuildPostTasks(const ScheduleInput& in, const std::unordered_map<uint32_t, uint64_t>& bytes,
                    Schedule* s) {
  std::unordered_map<uint32_t, int> index_builds;  // table dump id -> its post-data index builds
  for (const TocEntry* ep : in.plan->entries) {
    if (ep->section != Section::kPostData) continue;
    if (!Is(*ep, Kind::kIndex) && !Is(*ep, Kind::kConstraint)) continue;
    for (uint32_t d : ep->deps) ++index_builds[d];
  }
  auto split_key = [&](const TocEntry& e) {
    if (in.workers < 2 || in.content->single_transaction || !e.has_index_sql()) return false;
    if (!Is(e, Kind::kConstraint)) return false;
    for (uint32_t d : e.deps) {
      auto b = bytes.find(d);
      if (b != bytes.end() && b->second >= kSplitKeyMinBytes && index_builds[d] > 1) return true;
    }
    return false;
  };
  std::unordered_map<uint32_t, size_t> post_index;  // dump id -> the (last) task of the entry
  for (const TocEntry* ep : in.plan->entries) {
    if (ep->section != Section::kPostData) continue;
    if (split_key(*ep)) {
      TocEntry& build = s->halves.emplace_back(*ep);
      build.create_sql = ep->index_sql;
      TocEntry& attach = s->halves.emplace_back(*ep);
      attach.create_sql = ep->attach_sql;
      s->build_of[s->post.size() + 1] = s->post.size();
      s->post.push_back(&build);
      s->post.push_back(&attach);
    } else {
      s->post.push_back(ep);
    }
    post_index[ep->dump_id] = s->post.size() - 1;
  }
  std::unordered_set<uint32_t> tables_without_data;
  for (const auto& e : *in.toc) {
    if (Is(e, Kind::kTable) && s->data_of_table.count(e.dump_id) == 0) {
      tables_without_data.insert(e.dump_id);
    }
  }
  const auto& post = s->post;
  auto& post_tasks = s->post_tasks;
  post_tasks.assign(post.size(), sched::Task{});
  for (size_t i = 0; i < post.size(); ++i) {
    const TocEntry& e = *post[i];
    sched::Task& t = post_tasks[i];
    t.phase = TableLocal(e) ? 0 : 1;
    // Foreign keys after every other entry on tables, since the key they reference may be one of
    // the phase 1 entries (the primary key of a partitioned table) and the archive does not
    // always record that dependency.
    if (Is(e, Kind::kFkConstraint)) t.phase = 2;
    // Refreshes last, beside event triggers, as pg_restore's last pass runs them: a refresh beside
    // a worker's ALTER TABLE on a table it reads deadlocks (seen: REFRESH holding its view
    // waiting for a base table a foreign key's ALTER TABLE held, which waited for the view).
    if (Is(e, Kind::kEventTrigger) || Is(e, Kind::kMaterializedViewData)) t.phase = 3;
    // A domain's NOT VALID check is on no table: it waits for all the data, which it would
    // otherwise check as it is loaded into the columns of that domain.
    if (Is(e, Kind::kCheckConstraint) &&
        std::none_of(e.deps.begin(), e.deps.end(), [&](uint32_t d) {
          return s->data_of_table.count(d) != 0 || tables_without_data.count(d) != 0;
        })) {
      t.phase = std::max(t.phase, 1);
    }
    for (uint32_t d : e.deps) {
      auto it = post_index.find(d);
      if (it != post_index.end()) t.deps.push_back(it->second);
      // A table without data of its own (a partitioned table) stands for its partitions: what is
      // created on it may cascade to them (a trigger would fire during their COPY), so it waits
      // for all the data.
      if (tables_without_data.count(d) != 0) t.phase = std::max(t.phase, 1);
    }
  }
  // An attach waits for its build and for every other index build on its table.
  std::unordered_map<uint32_t, std::vector<size_t>> builds_on_table;  // table dump id -> tasks
  std::vector<bool> builds_index(post.size(), false);
  for (size_t i = 0; i < post.size(); ++i) builds_index[i] = Is(*post[i], Kind::kIndex);
  for (const auto& [attach, build] : s->build_of) builds_index[build] = true;
  for (size_t i = 0; i < post.size(); ++i) {
    if (!builds_index[i]) continue;
    for (uint32_t d : post[i]->deps) builds_on_table[d].push_back(i);
  }
  for (const auto& [attach, build] : s->build_of) {
    std::vector<size_t>& deps = post_tasks[attach].deps;
    deps.push_back(build);
    for (uint32_t d : post[attach]->deps) {
      auto it = builds_on_table.find(d);
      if (it == builds_on_table.end()) continue;
      for (size_t b : it->second) {
        if (std::find(deps.begin(), deps.end(), b) == deps.end()) deps.push_back(b);
      }
    }
  }
  // Comments and ACLs follow their object's phase through their dependency (dependencies come
  // first in TOC order, so one forward sweep settles chains).
  for (size_t i = 0; i < post.size(); ++i) {
    for (size_t d : post_tasks[i].deps) {
      post_tasks[i].phase = std::max(post_tasks[i].phase, post_tasks[d].phase);
    }
  }
}

// From a file, one graph: data tasks first, then post-data tasks; a post-data entry of phase 0
// also waits for the data of every table it depends on (all chunks of a split table). Among
// ready tasks the scheduler takes the lowest index, so the order is by the size of the table
// concerned, largest first: when a big table's data is in, its index builds go before the data
// of smaller tables. Phase 1 and 2 tasks come last, so the scheduler's scan of ready tasks meets
// a runnable one first.
void BuildGraph(const ScheduleInput& in, const std::unordered_map<uint32_t, uint64_t>& bytes,
                Schedule* s) {
  using Kind = Schedule::Kind;
  const auto& pre = s->pre;
  const auto& data = s->data;
  const auto& post = s->post;
  struct Weighted {
    int phase;
    uint64_t weight;
    Schedule::Node node;
  };
  std::vector<Weighted> nodes;
  nodes.reserve(data.size() + post.size() + (in.pre_data_first ? 0 : pre.size()));
  // Pre-data entries not yet run go first: they weigh the most, and a stable sort keeps their
  // order.
  if (!in.pre_data_first) {
    for (size_t i = 0; i < pre.size(); ++i) nodes.push_back({0, UINT64_MAX, {Kind::kPre, i}});
  }
  for (size_t i = 0; i < data.size(); ++i) {
    nodes.push_back({0, BytesOf(in, data[i]->dump_id), {Kind::kData, i}});
  }
  // A post-data entry weighs as much as the largest table whose data it waits for, directly or
  // through another post-data entry (a comment on an index).
  std::vector<uint64_t> post_weight(post.size(), 0);
  for (size_t i = 0; i < post.size(); ++i) {
    for (uint32_t d : post[i]->deps) {
      auto it = bytes.find(d);
      if (it != bytes.end()) post_weight[i] = std::max(post_weight[i], it->second);
    }
    for (size_t d : s->post_tasks[i].deps)
      post_weight[i] = std::max(post_weight[i], post_weight[d]);
    nodes.push_back({s->post_tasks[i].phase, post_weight[i], {Kind::kPost, i}});
  }
  if (in.content->use_list) {
    // -L: the list's order among the tasks of a phase (dependencies still come first).
    std::unordered_map<uint32_t, size_t> list_pos;
    for (size_t i = 0; i < in.plan->entries.size(); ++i) {
      list_pos[in.plan->entries[i]->dump_id] = i;
    }
    auto pos = [&](const Weighted& w) { return list_pos[s->EntryOf(w.node).dump_id]; };
    std::stable_sort(nodes.begin(), nodes.end(), [&](const Weighted& a, const Weighted& b) {
      if (a.phase != b.phase) return a.phase < b.phase;
      return pos(a) < pos(b);
    });
  } else {
    std::stable_sort(nodes.begin(), nodes.end(), [](const Weighted& a, const Weighted& b) {
      if (a.phase != b.phase) return a.phase < b.phase;
      return a.weight > b.weight;
    });
  }
  std::vector<size_t> pre_pos(pre.size());
  std::vector<size_t> data_pos(data.size());
  std::vector<size_t> post_pos(post.size());
  for (size_t k = 0; k < nodes.size(); ++k) {
    const Schedule::Node& n = nodes[k].node;
    (n.kind == Kind::kPre ? pre_pos : n.kind == Kind::kData ? data_pos : post_pos)[n.index] = k;
    s->nodes.push_back(n);
  }
  auto& tasks = s->tasks;
  tasks.assign(nodes.size(), sched::Task{});
  if (!in.pre_data_first && !pre.empty()) {
    // The pre-data runs as a chain, in its order. A table's data waits for the last pre-data
    // entry that is the table or depends on it (its comments, ACLs, column defaults, owned
    // sequences, views on it, its inheritance children), so nothing of the pre-data touches the
    // table once its COPY starts; data of a table outside the pre-data waits for all of it, and
    // so does every post-data entry.
    for (size_t i = 1; i < pre.size(); ++i) tasks[pre_pos[i]].deps.push_back(pre_pos[i - 1]);
    std::unordered_map<uint32_t, size_t> last_pre;  // table dump id -> index into pre
    for (size_t i = 0; i < pre.size(); ++i) {
      if (s->data_of_table.count(pre[i]->dump_id) != 0) last_pre[pre[i]->dump_id] = i;
      for (uint32_t d : pre[i]->deps) {
        if (s->data_of_table.count(d) != 0) last_pre[d] = i;
      }
    }
    for (size_t i = 0; i < data.size(); ++i) {
      size_t wait = pre.size() - 1;
      if (data[i]->deps.size() == 1) {
        auto it = last_pre.find(data[i]->deps[0]);
        if (it != last_pre.end()) wait = it->second;
      }
      tasks[data_pos[i]].deps.push_back(pre_pos[wait]);
    }
    for (size_t i = 0; i < post.size(); ++i) {
      tasks[post_pos[i]].deps.push_back(pre_pos[pre.size() - 1]);
    }
  }
  // The chunks of a split table form a group: while other work is ready, one worker loads them
  // and the others take that work (small tables, whose loads and index builds wait on file syncs
  // more than they use the CPU), rather than two streams contending for one table's pages.
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i]->deps.size() == 1 && s->data_of_table[data[i]->deps[0]].size() > 1) {
      tasks[data_pos[i]].group = data[i]->deps[0];
    }
  }
  // Data-only: a table's data after that of the tables its foreign keys reference.
  if (!in.fk_order.after.empty()) {
    std::unordered_map<uint32_t, size_t> data_index;  // dump id -> index into data
    for (size_t i = 0; i < data.size(); ++i) data_index[data[i]->dump_id] = i;
    for (size_t i = 0; i < data.size(); ++i) {
      auto it = in.fk_order.after.find(data[i]->dump_id);
      if (it == in.fk_order.after.end()) continue;
      for (uint32_t first : it->second) {
        auto at = data_index.find(first);
        if (at != data_index.end()) tasks[data_pos[i]].deps.push_back(data_pos[at->second]);
      }
    }
  }
  for (size_t i = 0; i < post.size(); ++i) {
    sched::Task& t = tasks[post_pos[i]];
    t.phase = s->post_tasks[i].phase;
    for (size_t d : s->post_tasks[i].deps) t.deps.push_back(post_pos[d]);
    for (uint32_t d : post[i]->deps) {
      auto it = s->data_of_table.find(d);
      if (it == s->data_of_table.end()) continue;
      for (size_t di : it->second) t.deps.push_back(data_pos[di]);
    }
  }
}

}  // namespace

Schedule BuildSchedule(const ScheduleInput& in) {
  Schedule s;
  s.pre_data_first = in.pre_data_first;
  for (const TocEntry* ep : in.plan->entries) {
    if (RunsBeforeData(*ep)) s.pre.push_back(ep);
  }
  CollectData(in, &s);
  // Table dump id -> its data, all chunks.
  std::unordered_map<uint32_t, uint64_t> table_bytes;
  for (const TocEntry* e : s.data) {
    for (uint32_t d : e->deps) table_bytes[d] += BytesOf(in, e->dump_id);
  }
  BuildPostTasks(in, table_bytes, &s);
  if (!in.streaming) BuildGraph(in, table_bytes, &s);
  for (const TocEntry* ep : in.plan->entries) {
    if (ep->section == Section::kData && !ep->has_data() && !RunsBeforeData(*ep)) {
      s.last.push_back(ep);
    }
  }
  return s;
}

}  // namespace libdump::restore
