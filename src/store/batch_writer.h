#pragma once
// BatchWriter: the thread that persists what a control thread decides, so that
// the control thread never blocks on the database. The control thread only
// enqueues messages (a lock and a vector push); the writer thread takes
// everything queued at once and hands that batch to a write function, which
// groups consecutive messages of one kind into one store call (one
// transaction). The call, ACD and IVR writers are thin users of it.
//
// Guarantees (the strictest of the writers it replaced):
// - order: messages are written in the order they were enqueued;
// - stop() writes everything queued, then ends the thread; the destructor of
//   BatchWriter<Msg> stops it; flush() blocks until everything queued so far
//   is written;
// - a failed write is logged and counted (failures()), the rows of that
//   store call are lost and the writer goes on with the next message; an
//   exception thrown by a write is caught, logged and counted the same way,
//   so the thread never dies with messages behind it;
// - the queue is unbounded unless Options::maxQueue is set; when it is full a
//   new message is dropped and counted (dropped()), never waited for.
//   Messages enqueued before start() are written once started.
//
// Threads: push()/pending()/stats counters from any thread; the write
// function runs on the writer thread only; start()/stop()/flush() from the
// owner (main thread, tests), never from the write function.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/result.h"

namespace hujiao::store {

/// The part that does not depend on the message type: the thread, the
/// wake-ups, flush/stop and the counters. BatchWriter<Msg> adds the queue.
class BatchWriterCore {
 public:
  struct Options {
    std::string module = "store";  // logger (core::logger) of the errors
    std::string name = "writer";   // prefix of the log lines
    size_t maxQueue = 0;           // 0: unbounded
  };

  BatchWriterCore(const BatchWriterCore&) = delete;
  BatchWriterCore& operator=(const BatchWriterCore&) = delete;

  void start();
  /// Writes what is queued, then ends the thread. No-op when not started.
  void stop();
  /// Blocks until everything queued so far is written (no-op when not started).
  void flush();
  bool running() const;

  size_t pending() const;
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }

  // ---- for write functions (writer thread) ----
  /// Counts a store call's outcome: `rows` written when ok, else one failure
  /// logged as "<name>: <what> failed (<rows> rows): <code> <message>".
  void check(const core::Result<void>& r, const char* what, size_t rows = 1);
  /// The same for a call that returns a value (Db::execBatch's row count).
  template <class T>
  void check(const core::Result<T>& r, const char* what, size_t rows = 1) {
    if (r) countWritten(rows);
    else check(core::Result<void>{r.error()}, what, rows);
  }
  void countWritten(size_t rows) { written_.fetch_add(rows, std::memory_order_relaxed); }
  /// Counts and logs one failure that is not a Result (an exception).
  void fail(const std::string& what);

 protected:
  explicit BatchWriterCore(Options options);
  ~BatchWriterCore();

  /// Under mu_: whether a new message fits (counts a drop otherwise).
  bool admitLocked();
  /// Logs messages that were never written (destruction without a running thread).
  void lost(size_t n);
  void notify() { cv_.notify_one(); }

  mutable std::mutex mu_;

 private:
  // Implemented by BatchWriter<Msg>; the Locked ones run under mu_.
  virtual size_t queuedLocked() const = 0;
  virtual void takeLocked() = 0;  // moves the queue into the batch
  virtual void writeTaken() = 0;  // writes the batch (no lock held), then clears it
  void run();

  Options options_;
  std::condition_variable cv_;
  std::condition_variable idle_;
  bool stopping_ = false;
  bool busy_ = false;
  std::thread thread_;
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> batches_{0};
};

template <typename Msg>
class BatchWriter final : public BatchWriterCore {
 public:
  /// Writes one batch (in enqueue order) on the writer thread; reports each
  /// store call through core.check()/countWritten(). May move from the messages.
  using WriteFn = std::function<void(std::vector<Msg>& batch, BatchWriterCore& core)>;

  BatchWriter(Options options, WriteFn write) : BatchWriterCore(std::move(options)), write_(std::move(write)) {}
  ~BatchWriter() {
    // The thread calls the virtual hooks: end it while this object is whole.
    stop();
    std::lock_guard lock(mu_);
    lost(queue_.size());  // pushed after stop(), or never started
  }

  /// Never blocks on the database. Returns false when the queue is full.
  bool push(Msg m) {
    {
      std::lock_guard lock(mu_);
      if (!admitLocked()) return false;
      queue_.push_back(std::move(m));
    }
    notify();
    return true;
  }

 private:
  size_t queuedLocked() const override { return queue_.size(); }
  void takeLocked() override { batch_.swap(queue_); }
  void writeTaken() override {
    try {
      write_(batch_, *this);
    } catch (...) {
      batch_.clear();
      throw;  // counted by the core
    }
    batch_.clear();
  }

  WriteFn write_;
  std::vector<Msg> queue_;  // under mu_
  std::vector<Msg> batch_;  // writer thread only
};

}  // namespace hujiao::store
