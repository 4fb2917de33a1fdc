#pragma once
// RecordsWorker: one service-plane thread that runs jobs in the order they
// were posted (recording rows, file encryption, retention sweeps), plus jobs
// due at a later time. Keeping the recording metadata on ONE thread keeps its
// order: begin() before pause() before finish() of the same recording.
//
// Threads: post()/postAt() from any thread (the control thread posts, never
// waits); the jobs run on the worker's own thread; stop() from the owner
// runs every job already due and joins.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace hujiao::center {

class RecordsWorker {
 public:
  using Job = std::function<void()>;
  explicit RecordsWorker(std::string name);
  ~RecordsWorker();
  RecordsWorker(const RecordsWorker&) = delete;
  RecordsWorker& operator=(const RecordsWorker&) = delete;

  void start();
  /// Any thread; never blocks on the worker.
  void post(Job job);
  /// Runs job once the monotonic clock (steady_clock µs) passed atMonoUs.
  void postAfter(int64_t delayMs, Job job);
  /// Blocks until every job posted before (not the delayed ones) ran.
  void drain();
  /// Runs what is queued (delayed jobs that are not due are dropped), joins.
  void stop();
  size_t depth() const;
  static int64_t monoUs();

 private:
  void run();
  std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::multimap<int64_t, Job> delayed_;
  uint64_t posted_ = 0, done_ = 0;
  std::condition_variable doneCv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hujiao::center
