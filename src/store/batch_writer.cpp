#include "store/batch_writer.h"

#include <exception>
#include <utility>

#include "core/log.h"

namespace hujiao::store {

BatchWriterCore::BatchWriterCore(Options options) : options_(std::move(options)) {}

// BatchWriter<Msg>'s destructor has already stopped the thread.
BatchWriterCore::~BatchWriterCore() = default;

void BatchWriterCore::lost(size_t n) {
  if (n == 0) return;
  dropped_.fetch_add(n, std::memory_order_relaxed);
  core::logger(options_.module)->error("{}: {} messages never written (queued while stopped)", options_.name, n);
}

void BatchWriterCore::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void BatchWriterCore::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BatchWriterCore::flush() {
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) return;
  idle_.wait(lock, [this] { return queuedLocked() == 0 && !busy_; });
}

bool BatchWriterCore::running() const {
  std::lock_guard lock(mu_);
  return thread_.joinable();
}

size_t BatchWriterCore::pending() const {
  std::lock_guard lock(mu_);
  return queuedLocked();
}

bool BatchWriterCore::admitLocked() {
  if (options_.maxQueue == 0 || queuedLocked() < options_.maxQueue) return true;
  // Counted and logged at most once per power of two, so that a dead
  // database does not flood the log from the control thread.
  const uint64_t n = dropped_.fetch_add(1, std::memory_order_relaxed) + 1;
  if ((n & (n - 1)) == 0)
    core::logger(options_.module)->error("{}: queue full ({} messages), {} dropped so far", options_.name,
                                         options_.maxQueue, n);
  return false;
}

void BatchWriterCore::check(const core::Result<void>& r, const char* what, size_t rows) {
  if (r) {
    countWritten(rows);
    return;
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  core::logger(options_.module)
      ->error("{}: {} failed ({} rows): {} {}", options_.name, what, rows, r.error().code, r.error().message);
}

void BatchWriterCore::fail(const std::string& what) {
  failures_.fetch_add(1, std::memory_order_relaxed);
  core::logger(options_.module)->error("{}: {}", options_.name, what);
}

void BatchWriterCore::run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      idle_.notify_all();
      cv_.wait(lock, [this] { return stopping_ || queuedLocked() > 0; });
      if (queuedLocked() == 0 && stopping_) return;
      takeLocked();
      busy_ = true;
    }
    batches_.fetch_add(1, std::memory_order_relaxed);
    try {
      writeTaken();
    } catch (const std::exception& e) {
      fail(std::string("write threw: ") + e.what());
    } catch (...) {
      fail("write threw an unknown exception");
    }
  }
}

}  // namespace hujiao::store
