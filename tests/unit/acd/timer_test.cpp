#include "acd/timer.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/clock.h"

namespace hujiao::acd {
namespace {

struct Log final : TimerTarget {
  std::vector<std::pair<uint64_t, int64_t>> fired;
  core::VirtualClock *clock = nullptr;
  TimerHeap *heap = nullptr;
  void onTimer(uint64_t cookie) override {
    fired.emplace_back(cookie, clock->monoUs());
    if (cookie == 100) heap->schedule(clock->monoUs(), *this,
                                      101);  // due now: fires in the same run
  }
};

TEST(TimerHeap, FiresInDueOrderAndHonoursCancel) {
  core::VirtualClock clock;
  TimerHeap heap;
  Log log;
  log.clock = &clock;
  log.heap = &heap;
  heap.schedule(30, log, 3);
  const TimerId b = heap.schedule(20, log, 2);
  heap.schedule(10, log, 1);
  heap.schedule(10, log, 11);  // same time: scheduling order
  heap.schedule(25, log, 100);
  heap.cancel(b);
  heap.cancel(b);  // twice is harmless
  EXPECT_EQ(heap.pending(), 4u);
  EXPECT_EQ(heap.nextDueUs(), 10);
  advanceClock(clock, heap, 100);
  const std::vector<std::pair<uint64_t, int64_t>> want{{1, 10}, {11, 10}, {100, 25}, {101, 25}, {3, 30}};
  EXPECT_EQ(log.fired, want);
  EXPECT_EQ(clock.monoUs(), 100);
  EXPECT_EQ(heap.pending(), 0u);
  EXPECT_FALSE(heap.nextDueUs().has_value());
}

TEST(TimerHeap, SlotReuseDoesNotRevivePendingEntries) {
  TimerHeap heap;
  Log log;
  core::VirtualClock clock;
  log.clock = &clock;
  log.heap = &heap;
  const TimerId a = heap.schedule(50, log, 1);
  heap.cancel(a);
  heap.schedule(60, log, 2);  // reuses the slot
  heap.cancel(a);             // stale id: must not cancel the new timer
  EXPECT_EQ(heap.runDue(55), 0u);
  EXPECT_EQ(heap.runDue(60), 1u);
  ASSERT_EQ(log.fired.size(), 1u);
  EXPECT_EQ(log.fired[0].first, 2u);
}

}  // namespace
}  // namespace hujiao::acd
