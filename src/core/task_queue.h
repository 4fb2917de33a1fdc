#pragma once
// TaskQueue: how other threads reach a single-threaded owner (the control
// thread, a media worker). Any thread may post(); the owner registers fd() with
// its poller (epoll, or sofia's su_root_register) and calls runPending() when it
// becomes readable. post() never blocks on the owner.
#include <deque>
#include <functional>
#include <mutex>

namespace hujiao::core {

class TaskQueue {
 public:
  using Task = std::function<void()>;
  TaskQueue();
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  /// Any thread. Wakes the owner through the eventfd.
  void post(Task task);
  /// The eventfd the owner polls for readability.
  int fd() const { return fd_; }
  /// Owner thread only. Runs every task queued so far; returns how many ran.
  size_t runPending();
  /// Any thread: tasks waiting (for metrics: the control queue's depth).
  size_t depth() const;

 private:
  int fd_;
  mutable std::mutex mu_;
  std::deque<Task> tasks_;
  std::deque<Task> running_;
};

}  // namespace hujiao::core
