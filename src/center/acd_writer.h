#pragma once
// AcdWriter: the thread that persists what the ACD decides on the control
// thread (agent state history, dispositions) and runs the service's other
// store work that must not block the control thread (demo DID seeding). The
// control thread only enqueues; consecutive state rows are written in one
// batch.
//
// Threads: enqueue methods from any thread; the writer thread is internal;
// start()/stop()/flush() from the owner (main thread, tests).
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "center/acd_store.h"

namespace hujiao::center {

class AcdWriter {
 public:
  using Job = std::function<void(AcdStore&)>;
  explicit AcdWriter(AcdStore& store) : store_(store) {}
  ~AcdWriter() { stop(); }
  AcdWriter(const AcdWriter&) = delete;
  AcdWriter& operator=(const AcdWriter&) = delete;

  void start();
  /// Writes what is queued, then ends the thread.
  void stop();
  /// Blocks until everything queued so far is written.
  void flush();

  void state(StateRow row);
  void disposition(DispositionRow row);
  /// Any other store work, run in order with the rest.
  void job(Job fn);

  uint64_t failures() const { return failures_; }
  uint64_t written() const { return written_; }

 private:
  using Msg = std::variant<StateRow, DispositionRow, Job>;
  void push(Msg m);
  void run();
  void write(std::vector<Msg>& batch);

  AcdStore& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_;
  std::vector<Msg> queue_;
  bool stopping_ = false;
  bool busy_ = false;
  std::thread thread_;
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> written_{0};
};

}  // namespace hujiao::center
