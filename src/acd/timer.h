#pragma once
// Timers for domain logic on the control thread.
//
// TimerService is what the ACD (and other control-thread state machines) ask
// for timeouts: schedule(dueMonoUs, target, cookie) / cancel(id). The target
// gets onTimer(cookie): no allocation per timer, no std::function.
//
// TimerHeap is a deterministic implementation (binary heap, lazy cancel by
// generation): the control thread arms its loop timer (su_timer / timerfd) at
// nextDueUs() and calls runDue(clock.monoUs()) when it fires; tests advance a
// VirtualClock with advanceClock(). Single-threaded: the owning thread only.
#include <cstdint>
#include <optional>
#include <vector>

namespace hujiao::core {
class VirtualClock;
}

namespace hujiao::acd {

using TimerId = uint64_t;  // 0 = no timer

class TimerTarget {
 public:
  virtual void onTimer(uint64_t cookie) = 0;

 protected:
  ~TimerTarget() = default;
};

class TimerService {
 public:
  virtual ~TimerService() = default;
  /// Calls target.onTimer(cookie) once the monotonic clock reaches dueMonoUs.
  virtual TimerId schedule(int64_t dueMonoUs, TimerTarget &target, uint64_t cookie) = 0;
  /// Cancels a pending timer; unknown or fired ids are ignored.
  virtual void cancel(TimerId id) = 0;
};

class TimerHeap final : public TimerService {
 public:
  TimerId schedule(int64_t dueMonoUs, TimerTarget &target, uint64_t cookie) override;
  void cancel(TimerId id) override;

  /// Due time of the earliest pending timer.
  std::optional<int64_t> nextDueUs();
  /// Fires every timer due at or before nowMonoUs, in due order (ties: in
  /// scheduling order). Timers scheduled by callbacks for <= now fire too.
  std::size_t runDue(int64_t nowMonoUs);
  std::size_t pending() const { return live_; }

 private:
  struct Entry {
    int64_t due;
    uint64_t seq;
    uint32_t slot;
    uint32_t gen;
  };
  struct Slot {
    TimerTarget *target = nullptr;
    uint64_t cookie = 0;
    uint32_t gen = 1;
    bool active = false;
  };
  static bool later(const Entry &a, const Entry &b) { return a.due != b.due ? a.due > b.due : a.seq > b.seq; }
  void dropStale();
  void compact();

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  uint64_t seq_ = 0;
  std::size_t live_ = 0;
  std::size_t stale_ = 0;  // cancelled entries still in heap_
};

/// Tests: moves the virtual clock forward by us, stopping at each due timer
/// so callbacks see the clock at their due time.
void advanceClock(core::VirtualClock &clock, TimerHeap &timers, int64_t us);

}  // namespace hujiao::acd
