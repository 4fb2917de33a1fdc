#pragma once
// Coarse timers for call control (no-answer, keep-alive, expiry). The SIP
// stack calls fire(now) from its periodic tick, so tests can drive the same
// class with a VirtualClock.
//
// Threads: control thread only.
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>

namespace hujiao::sip {

class Timers {
 public:
  using TimerId = uint64_t;  // 0 = none
  using Fn = std::function<void()>;

  TimerId start(int64_t dueMonoUs, Fn fn) {
    const TimerId id = next_++;
    due_.emplace(std::make_pair(dueMonoUs, id), std::move(fn));
    index_.emplace(id, dueMonoUs);
    return id;
  }
  /// Safe for an id that already fired or is 0.
  void cancel(TimerId id) {
    auto it = index_.find(id);
    if (it == index_.end()) return;
    due_.erase({it->second, id});
    index_.erase(it);
  }
  /// Runs every timer due at `nowMonoUs`; returns how many ran.
  size_t fire(int64_t nowMonoUs) {
    size_t n = 0;
    while (!due_.empty() && due_.begin()->first.first <= nowMonoUs) {
      auto node = due_.extract(due_.begin());
      index_.erase(node.key().second);
      node.mapped()();  // may start or cancel other timers
      ++n;
    }
    return n;
  }
  size_t size() const { return due_.size(); }

 private:
  TimerId next_ = 1;
  std::map<std::pair<int64_t, TimerId>, Fn> due_;
  std::unordered_map<TimerId, int64_t> index_;
};

}  // namespace hujiao::sip
