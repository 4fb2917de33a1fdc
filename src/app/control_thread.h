#pragma once
// The control thread ("the switch", ARCHITECTURE.md): owns all call-control
// state. Other threads reach it only through queue().post(). Until the SIP
// stack takes over the loop (sofia's su_root with the queue's fd registered),
// it runs a plain poll loop over the queue.
//
// Threads: start()/stop() from the main thread; queue() from any thread.
#include <atomic>
#include <functional>
#include <thread>

#include "core/task_queue.h"

namespace hujiao::app {

class ControlThread {
 public:
  /// A loop body that runs until stopRequested() returns true; it must service
  /// queue().fd() (e.g. register it with su_root). Empty = the default poll loop.
  using Runner = std::function<void(core::TaskQueue& queue, const std::function<bool()>& stopRequested)>;

  ControlThread() = default;
  ~ControlThread();
  ControlThread(const ControlThread&) = delete;
  ControlThread& operator=(const ControlThread&) = delete;

  void start(Runner runner = {});
  /// Asks the loop to end, waits for it. Idempotent.
  void stop();
  core::TaskQueue& queue() { return queue_; }
  /// Seconds the loop was late servicing its queue at the last probe (lag metric).
  double lastLagSeconds() const { return lagUs_.load() / 1e6; }
  /// Posts a probe and records how long it waited (called periodically by main).
  void probeLag();

 private:
  static void defaultLoop(core::TaskQueue& queue, const std::function<bool()>& stopRequested);
  core::TaskQueue queue_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> lagUs_{0};
};

}  // namespace hujiao::app
