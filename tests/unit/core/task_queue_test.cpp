#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/task_queue.h"

using namespace hujiao::core;

TEST(TaskQueue, RunsTasksPostedFromOtherThreadsInOrderPerProducer) {
  TaskQueue q;
  std::vector<int> seen;
  std::atomic<int> done{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p)
    producers.emplace_back([&, p] {
      for (int i = 0; i < 1000; ++i) q.post([&seen, p, i] { seen.push_back(p * 10000 + i); });
      ++done;
    });
  size_t ran = 0;
  pollfd pfd{q.fd(), POLLIN, 0};
  while (ran < 4000) {
    ASSERT_GT(::poll(&pfd, 1, 2000), 0) << "owner not woken";
    ran += q.runPending();
  }
  for (auto& t : producers) t.join();
  ASSERT_EQ(seen.size(), 4000U);
  std::vector<int> last(4, -1);
  for (int v : seen) {
    EXPECT_GT(v % 10000, last[v / 10000]);
    last[v / 10000] = v % 10000;
  }
  EXPECT_EQ(q.depth(), 0U);
}

TEST(TaskQueue, TaskPostedDuringRunIsRunNextTime) {
  TaskQueue q;
  int n = 0;
  q.post([&] {
    ++n;
    q.post([&] { ++n; });
  });
  EXPECT_EQ(q.runPending(), 1U);
  EXPECT_EQ(n, 1);
  pollfd pfd{q.fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&pfd, 1, 0), 1);
  EXPECT_EQ(q.runPending(), 1U);
  EXPECT_EQ(n, 2);
}
