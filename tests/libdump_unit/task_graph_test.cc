#include "sched/task_graph.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace libdump::sched {
namespace {

TEST(TaskGraph, RunsEveryTaskAfterItsDependencies) {
  // A diamond plus a chain: 0 -> {1, 2} -> 3 -> 4.
  std::vector<Task> tasks(5);
  tasks[1].deps = {0};
  tasks[2].deps = {0};
  tasks[3].deps = {1, 2};
  tasks[4].deps = {3};
  std::mutex mu;
  std::vector<size_t> order;
  Status st = RunTaskGraph(
      tasks, 3,
      [&](int, size_t i) {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back(i);
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(order.size(), 5u);
  auto pos = [&](size_t t) { return std::find(order.begin(), order.end(), t) - order.begin(); };
  EXPECT_LT(pos(0), pos(1));
  EXPECT_LT(pos(0), pos(2));
  EXPECT_LT(pos(1), pos(3));
  EXPECT_LT(pos(2), pos(3));
  EXPECT_LT(pos(3), pos(4));
}

TEST(TaskGraph, LaterPhaseWaitsForEarlierPhase) {
  std::vector<Task> tasks(4);
  tasks[0].phase = 1;  // first by index, but in the later phase
  std::atomic<int> phase0_done{0};
  std::atomic<bool> violated{false};
  Status st = RunTaskGraph(
      tasks, 4,
      [&](int, size_t i) {
        if (i == 0) {
          if (phase0_done.load() != 3) violated = true;
        } else {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          ++phase0_done;
        }
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(violated.load());
}

TEST(TaskGraph, RunsInParallel) {
  std::vector<Task> tasks(2);
  std::atomic<int> inside{0};
  std::atomic<int> max_inside{0};
  Status st = RunTaskGraph(
      tasks, 2,
      [&](int, size_t) {
        int now = ++inside;
        int prev = max_inside.load();
        while (now > prev && !max_inside.compare_exchange_weak(prev, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        --inside;
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(max_inside.load(), 2);
}

TEST(TaskGraph, GroupTaskGivesWayToOtherReadyWork) {
  // Tasks 0-3: the chunks of one table (group 7); 4-7: small work, no group.
  std::vector<Task> tasks(8);
  for (size_t i = 0; i < 4; ++i) tasks[i].group = 7;
  std::mutex mu;
  int group_running = 0;
  std::set<size_t> started;
  bool violated = false;
  Status st = RunTaskGraph(
      tasks, 2,
      [&](int, size_t i) {
        {
          std::lock_guard<std::mutex> lock(mu);
          started.insert(i);
          if (i < 4) {
            // A second task of the group may start only when no other ready task is left.
            if (group_running > 0) {
              for (size_t s = 4; s < 8; ++s) {
                if (started.count(s) == 0) violated = true;
              }
            }
            ++group_running;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(i < 4 ? 20 : 2));
        std::lock_guard<std::mutex> lock(mu);
        if (i < 4) --group_running;
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(started.size(), 8u);
  EXPECT_FALSE(violated);
}

TEST(TaskGraph, GroupTasksStillRunSideBySideWhenNothingElseIsReady) {
  // Two tasks of one group and nothing else: each waits to see the other start, which only
  // happens if the group is a preference, not a lock.
  std::vector<Task> tasks(2);
  tasks[0].group = 3;
  tasks[1].group = 3;
  std::atomic<int> started{0};
  std::atomic<bool> alone{false};
  Status st = RunTaskGraph(
      tasks, 2,
      [&](int, size_t) {
        ++started;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (started.load() < 2 && std::chrono::steady_clock::now() < deadline) {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        if (started.load() < 2) alone = true;
        return Status::Ok();
      },
      nullptr);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_FALSE(alone.load());
}

TEST(TaskGraph, FirstErrorStopsNewTasksAndIsReturned) {
  std::vector<Task> tasks(10);
  for (size_t i = 1; i < tasks.size(); ++i) tasks[i].deps = {i - 1};
  std::atomic<int> ran{0};
  bool stopped = false;
  Status st = RunTaskGraph(
      tasks, 2,
      [&](int, size_t i) {
        ++ran;
        if (i == 3) return Status::IoError("disk full");
        return Status::Ok();
      },
      nullptr, [&] { stopped = true; });
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), "disk full");
  EXPECT_EQ(ran.load(), 4);
  EXPECT_TRUE(stopped);
}

TEST(TaskGraph, CancelStopsTheRun) {
  std::vector<Task> tasks(100);
  for (size_t i = 1; i < tasks.size(); ++i) tasks[i].deps = {i - 1};
  CancelToken cancel;
  std::atomic<int> ran{0};
  Status st = RunTaskGraph(
      tasks, 1,
      [&](int, size_t i) {
        ++ran;
        if (i == 5) cancel.Cancel();
        return Status::Ok();
      },
      &cancel);
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_EQ(ran.load(), 6);
}

TEST(TaskGraph, DetectsCycle) {
  std::vector<Task> tasks(2);
  tasks[0].deps = {1};
  tasks[1].deps = {0};
  Status st = RunTaskGraph(
      tasks, 2, [&](int, size_t) { return Status::Ok(); }, nullptr);
  EXPECT_EQ(st.code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace libdump::sched
