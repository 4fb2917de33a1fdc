#include "core/task_queue.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

namespace hujiao::core {

TaskQueue::TaskQueue() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("eventfd failed");
}

TaskQueue::~TaskQueue() { ::close(fd_); }

void TaskQueue::post(Task task) {
  bool wasEmpty = false;
  {
    std::lock_guard lock(mu_);
    wasEmpty = tasks_.empty();
    tasks_.push_back(std::move(task));
  }
  if (wasEmpty) {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
  }
}

size_t TaskQueue::runPending() {
  uint64_t counter = 0;
  [[maybe_unused]] auto n = ::read(fd_, &counter, sizeof counter);
  {
    std::lock_guard lock(mu_);
    running_.swap(tasks_);
  }
  size_t ran = 0;
  while (!running_.empty()) {
    Task t = std::move(running_.front());
    running_.pop_front();
    t();
    ++ran;
  }
  return ran;
}

size_t TaskQueue::depth() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

}  // namespace hujiao::core
