#include "center/records_worker.h"

#include <pthread.h>

#include <chrono>

#include "core/log.h"

namespace hujiao::center {

RecordsWorker::RecordsWorker(std::string name) : name_(std::move(name)) {}

RecordsWorker::~RecordsWorker() { stop(); }

int64_t RecordsWorker::monoUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void RecordsWorker::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    run();
  });
}

void RecordsWorker::post(Job job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    ++posted_;
  }
  cv_.notify_one();
}

void RecordsWorker::postAfter(int64_t delayMs, Job job) {
  {
    std::lock_guard lock(mu_);
    delayed_.emplace(monoUs() + delayMs * 1000, std::move(job));
  }
  cv_.notify_one();
}

void RecordsWorker::drain() {
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) return;
  const uint64_t target = posted_;
  doneCv_.wait(lock, [&] { return done_ >= target || !thread_.joinable(); });
}

size_t RecordsWorker::depth() const {
  std::lock_guard lock(mu_);
  return jobs_.size() + delayed_.size();
}

void RecordsWorker::stop() {
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void RecordsWorker::run() {
  auto log = core::logger("center");
  std::unique_lock lock(mu_);
  for (;;) {
    const int64_t now = monoUs();
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      jobs_.push_back(std::move(delayed_.begin()->second));
      delayed_.erase(delayed_.begin());
      ++posted_;
    }
    if (!jobs_.empty()) {
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      try {
        job();
      } catch (const std::exception& e) {
        log->error("{}: job failed: {}", name_, e.what());
      }
      lock.lock();
      ++done_;
      doneCv_.notify_all();
      continue;
    }
    if (stopping_) break;
    if (delayed_.empty()) {
      cv_.wait(lock);
    } else {
      cv_.wait_for(lock, std::chrono::microseconds(delayed_.begin()->first - now));
    }
  }
  done_ = posted_;
  doneCv_.notify_all();
}

}  // namespace hujiao::center
