// The restore schedule (restore/schedule.h) without a server: what runs in which pass, the task
// graph's dependencies and priorities, key splits, and how selection shapes it.
#include "restore/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace libdump::restore {
namespace {

using format::Section;
using format::TocEntry;

constexpr uint64_t kMiB = 1ull << 20;

TocEntry Entry(uint32_t id, std::string kind, Section section, std::string name,
               std::vector<uint32_t> deps = {}) {
  TocEntry e;
  e.dump_id = id;
  e.kind = std::move(kind);
  e.section = section;
  e.schema = "app";
  e.name = std::move(name);
  e.create_sql = "CREATE " + e.kind + " " + e.name + ";";
  e.deps = std::move(deps);
  return e;
}

TocEntry Data(uint32_t id, const std::string& table, uint32_t table_id) {
  TocEntry e = Entry(id, "TABLE DATA", Section::kData, table, {table_id});
  e.create_sql.clear();
  e.copy_sql = "COPY app." + table + " (a) FROM stdin;";
  return e;
}

// Two tables: big (20 MiB, a primary key with index_sql and a second index) and small (1 MiB,
// an index, a foreign key to big), a sequence value, and a comment on big's index.
struct Fixture {
  std::vector<TocEntry> toc;
  RestoreContent content;
  Plan plan;
  ScheduleInput in;

  Fixture() {
    toc.push_back(Entry(1, "SCHEMA", Section::kPreData, "app"));
    toc.push_back(Entry(2, "TABLE", Section::kPreData, "big", {1}));
    toc.push_back(Entry(3, "TABLE", Section::kPreData, "small", {1}));
    toc.push_back(Entry(4, "COMMENT", Section::kPreData, "TABLE big", {2}));
    toc.push_back(Entry(5, "SEQUENCE", Section::kPreData, "s", {1}));
    toc.push_back(Data(10, "big", 2));
    toc.push_back(Data(11, "small", 3));
    toc.push_back(Entry(12, "SEQUENCE SET", Section::kData, "s", {5}));
    toc.push_back(Entry(20, "CONSTRAINT", Section::kPostData, "big big_pkey", {2}));
    toc.back().index_sql = "CREATE UNIQUE INDEX big_pkey ON app.big (a);";
    toc.back().attach_sql = "ALTER TABLE app.big ADD CONSTRAINT big_pkey PRIMARY KEY USING INDEX;";
    toc.push_back(Entry(21, "INDEX", Section::kPostData, "big_b", {2}));
    toc.push_back(Entry(22, "COMMENT", Section::kPostData, "INDEX big_b", {21}));
    toc.push_back(Entry(23, "INDEX", Section::kPostData, "small_a", {3}));
    toc.push_back(Entry(24, "FK CONSTRAINT", Section::kPostData, "small small_fk", {3, 2, 20}));
    in.data_bytes = {{10, 20 * kMiB}, {11, 1 * kMiB}};
    in.workers = 2;
    in.pre_data_first = false;
  }

  Schedule Build() {
    auto selected = Select(toc, content);
    EXPECT_TRUE(selected.ok()) << selected.status().ToString();
    plan = std::move(*selected);
    in.plan = &plan;
    in.toc = &toc;
    in.content = &content;
    return BuildSchedule(in);
  }
};

// Where the task running entry `id` (its last task, for a split key) is in the graph.
size_t NodeOf(const Schedule& s, uint32_t id) {
  size_t found = s.nodes.size();
  for (size_t k = 0; k < s.nodes.size(); ++k) {
    if (s.EntryOf(s.nodes[k]).dump_id == id) found = k;
  }
  EXPECT_LT(found, s.nodes.size()) << "no task for entry " << id;
  return found;
}

// Runs the graph (no server: each task takes a moment and records when it starts and ends) and
// returns the events in order: +id when the task of entry id starts, -id when it ends.
std::vector<int64_t> RunEvents(const Schedule& s, int workers) {
  std::mutex mu;
  std::vector<int64_t> events;
  Status st = sched::RunTaskGraph(
      s.tasks, workers,
      [&](int, size_t k) {
        const int64_t id = s.EntryOf(s.nodes[k]).dump_id;
        {
          std::lock_guard<std::mutex> lock(mu);
          events.push_back(id);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::lock_guard<std::mutex> lock(mu);
        events.push_back(-id);
        return Status::Ok();
      },
      nullptr);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return events;
}

size_t Pos(const std::vector<int64_t>& events, int64_t event) {
  auto it = std::find(events.begin(), events.end(), event);
  EXPECT_NE(it, events.end()) << "no event " << event;
  return static_cast<size_t>(it - events.begin());
}

// Whether entry `first` ended before entry `then` started (a split key: its last task).
::testing::AssertionResult Before(const std::vector<int64_t>& events, uint32_t first,
                                  uint32_t then) {
  const auto end = std::find(events.rbegin(), events.rend(), -static_cast<int64_t>(first));
  const size_t end_pos = static_cast<size_t>(events.rend() - end) - 1;
  const size_t start = Pos(events, then);
  if (end != events.rend() && end_pos < start) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << first << " had not ended when " << then << " started";
}

TEST(Schedule, PassesTakeTheirEntries) {
  Fixture f;
  f.in.workers = 1;
  Schedule s = f.Build();
  auto ids = [](const std::vector<const TocEntry*>& v) {
    std::vector<uint32_t> out;
    for (const TocEntry* e : v) out.push_back(e->dump_id);
    return out;
  };
  EXPECT_EQ(ids(s.pre), (std::vector<uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(ids(s.data), (std::vector<uint32_t>{10, 11}));  // largest first
  EXPECT_EQ(ids(s.post), (std::vector<uint32_t>{20, 21, 22, 23, 24}));
  EXPECT_EQ(ids(s.last), (std::vector<uint32_t>{12}));
  EXPECT_EQ(s.data_bytes_total, 21 * kMiB);
}

TEST(Schedule, EveryTaskRunsAfterWhatItNeeds) {
  for (int workers : {1, 2, 4}) {
    for (int run = 0; run < 10; ++run) {
      Fixture f;
      f.in.workers = workers;
      Schedule s = f.Build();
      const std::vector<int64_t> ev = RunEvents(s, workers);
      ASSERT_EQ(ev.size(), 2 * s.tasks.size());
      // Pre-data in its order, as a chain.
      for (uint32_t id = 2; id <= 5; ++id) EXPECT_TRUE(Before(ev, id - 1, id));
      // A table's data after its last pre-data entry (big's comment).
      EXPECT_TRUE(Before(ev, 4, 10));
      EXPECT_TRUE(Before(ev, 3, 11));
      // Indexes and keys after their table's data; a comment after its index.
      EXPECT_TRUE(Before(ev, 10, 20));
      EXPECT_TRUE(Before(ev, 10, 21));
      EXPECT_TRUE(Before(ev, 21, 22));
      EXPECT_TRUE(Before(ev, 11, 23));
      // A foreign key after all the data and every phase-0 entry.
      for (uint32_t id : {10u, 11u, 20u, 21u, 22u, 23u}) EXPECT_TRUE(Before(ev, id, 24));
    }
  }
}

TEST(Schedule, BigTablesGoFirstAndTheirIndexesBeforeSmallerTablesData) {
  Fixture f;
  f.in.pre_data_first = true;
  Schedule s = f.Build();
  ASSERT_EQ(s.tasks.size(), s.data.size() + s.post.size());  // no pre-data in the graph
  EXPECT_LT(NodeOf(s, 10), NodeOf(s, 11));
  // big's index weighs as much as big's data: it comes before small's data.
  EXPECT_LT(NodeOf(s, 21), NodeOf(s, 11));
  // and its comment too, through its dependency.
  EXPECT_LT(NodeOf(s, 22), NodeOf(s, 11));
  EXPECT_EQ(s.tasks[NodeOf(s, 24)].phase, 2);  // the foreign key
  EXPECT_EQ(s.tasks[NodeOf(s, 21)].phase, 0);

  // Sizes swapped: so is the order.
  Fixture g;
  g.in.pre_data_first = true;
  g.in.data_bytes = {{10, 1 * kMiB}, {11, 20 * kMiB}};
  Schedule t = g.Build();
  EXPECT_LT(NodeOf(t, 11), NodeOf(t, 10));
  EXPECT_LT(NodeOf(t, 23), NodeOf(t, 10));
}

TEST(Schedule, ListOrderWinsOverSize) {
  Fixture f;
  f.in.pre_data_first = true;
  f.content.use_list = true;
  f.content.list = {1, 2, 3, 4, 5, 11, 10, 12, 23, 21, 22, 20, 24};
  Schedule s = f.Build();
  EXPECT_EQ(s.data[0]->dump_id, 11u);
  EXPECT_LT(NodeOf(s, 11), NodeOf(s, 10));
  EXPECT_LT(NodeOf(s, 23), NodeOf(s, 21));
}

TEST(Schedule, SplitsAKeyOfABigTableWithAnotherIndex) {
  Fixture f;
  Schedule s = f.Build();
  ASSERT_EQ(s.build_of.size(), 1u);
  const auto [attach, build] = *s.build_of.begin();
  EXPECT_EQ(attach, build + 1);
  EXPECT_TRUE(s.IsBuild(build));
  EXPECT_FALSE(s.IsBuild(attach));
  EXPECT_EQ(s.post[build]->create_sql, "CREATE UNIQUE INDEX big_pkey ON app.big (a);");
  EXPECT_EQ(s.post[attach]->create_sql,
            "ALTER TABLE app.big ADD CONSTRAINT big_pkey PRIMARY KEY USING INDEX;");
  // The attach waits for its build and for the table's other index build.
  const std::vector<size_t>& deps = s.post_tasks[attach].deps;
  EXPECT_NE(std::find(deps.begin(), deps.end(), build), deps.end());
  size_t other = 0;
  while (s.post[other]->dump_id != 21) ++other;
  EXPECT_NE(std::find(deps.begin(), deps.end(), other), deps.end());
  // The build does not wait for the other index: the two build side by side.
  EXPECT_TRUE(s.post_tasks[build].deps.empty());
}

TEST(Schedule, KeepsKeysWholeWhereASplitDoesNotPay) {
  {
    Fixture f;  // one connection
    f.in.workers = 1;
    EXPECT_TRUE(f.Build().build_of.empty());
  }
  {
    Fixture f;  // a small table
    f.in.data_bytes[10] = kSplitKeyMinBytes - 1;
    EXPECT_TRUE(f.Build().build_of.empty());
  }
  {
    Fixture f;  // no other index on the table
    f.toc.erase(
        std::remove_if(f.toc.begin(), f.toc.end(),
                       [](const TocEntry& e) { return e.dump_id == 21 || e.dump_id == 22; }),
        f.toc.end());
    EXPECT_TRUE(f.Build().build_of.empty());
  }
  {
    Fixture f;  // -1
    f.in.workers = 1;
    f.content.single_transaction = true;
    EXPECT_TRUE(f.Build().build_of.empty());
  }
}

TEST(Schedule, ChunksOfASplitTableFormAGroupAndIndexesWaitForAll) {
  Fixture f;
  f.in.pre_data_first = true;
  // big's data in three chunks.
  f.toc.insert(f.toc.begin() + 6, Data(13, "big", 2));
  f.toc.insert(f.toc.begin() + 7, Data(14, "big", 2));
  f.in.data_bytes[13] = 5 * kMiB;
  f.in.data_bytes[14] = 5 * kMiB;
  Schedule s = f.Build();
  EXPECT_EQ(s.data_of_table[2].size(), 3u);
  for (uint32_t chunk : {10u, 13u, 14u}) {
    EXPECT_EQ(s.tasks[NodeOf(s, chunk)].group, 2);
    const auto& deps = s.tasks[NodeOf(s, 21)].deps;
    EXPECT_NE(std::find(deps.begin(), deps.end(), NodeOf(s, chunk)), deps.end());
  }
  EXPECT_EQ(s.tasks[NodeOf(s, 11)].group, -1);
}

TEST(Schedule, SelectionShapesTheGraph) {
  Fixture f;
  f.in.pre_data_first = true;
  f.content.schema_only = true;
  Schedule s = f.Build();
  EXPECT_TRUE(s.data.empty());
  EXPECT_TRUE(s.last.empty());
  EXPECT_EQ(s.tasks.size(), s.post.size());
  for (const auto& t : s.tasks) {
    for (size_t d : t.deps) EXPECT_LT(d, s.tasks.size());
  }

  Fixture g;
  g.content.post_data = false;
  Schedule u = g.Build();
  EXPECT_TRUE(u.post.empty());
  EXPECT_EQ(u.data.size(), 2u);
}

TEST(Schedule, FromAPipeThePostDataIsAGraphOfItsOwn) {
  Fixture f;
  f.in.streaming = true;
  f.in.pre_data_first = true;
  f.in.data_bytes = {{10, 20 * kMiB}, {11, 1 * kMiB}};
  Schedule s = f.Build();
  EXPECT_TRUE(s.tasks.empty());
  ASSERT_EQ(s.post.size(), 6u);  // the key split in two
  EXPECT_EQ(s.post_tasks.size(), s.post.size());
  for (size_t i = 0; i < s.post.size(); ++i) {
    EXPECT_EQ(s.post_tasks[i].phase == 2, s.post[i]->dump_id == 24) << s.post[i]->name;
  }
}

TEST(Schedule, DataOnlyLoadsReferencedTablesFirst) {
  Fixture f;
  f.in.pre_data_first = true;
  f.content.data_only = true;
  // small's data must wait for big's (the foreign key small -> big), whatever their sizes.
  f.in.data_bytes = {{10, 1 * kMiB}, {11, 20 * kMiB}};
  Schedule probe = f.Build();
  EXPECT_EQ(probe.data[0]->dump_id, 11u);  // by size, without the order
  f.in.fk_order = ForeignKeyDataOrder(f.toc, probe.data);
  ASSERT_EQ(f.in.fk_order.after.count(11), 1u);
  Schedule s = f.Build();
  EXPECT_EQ(s.data[0]->dump_id, 10u);
  const auto& deps = s.tasks[NodeOf(s, 11)].deps;
  EXPECT_NE(std::find(deps.begin(), deps.end(), NodeOf(s, 10)), deps.end());
}

}  // namespace
}  // namespace libdump::restore
