#pragma once
// IvrTimers: carries out StartTimer/CancelTimer for many sessions on one
// clock. The adapter arms its loop timer (su_timer) at nextDueMonoUs() and,
// when it fires, delivers popDue() as event::TimerFired to each session.
// Tests drive it with core::VirtualClock. Single-threaded (control thread).
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "ivr/ivr_actions.h"

namespace hujiao::ivr {

class IvrTimers {
 public:
  using Owner = uint64_t;  // the adapter's key for a session (e.g. call index)

  explicit IvrTimers(const core::Clock& clock) : clock_(clock) {}

  void start(Owner owner, const action::StartTimer& t);
  void cancel(Owner owner, const action::CancelTimer& t);
  /// Drops every timer of a session (call ended).
  void cancelAll(Owner owner);
  /// Applies the timer actions in a batch (others are ignored).
  void apply(Owner owner, const std::vector<Action>& actions);

  std::optional<int64_t> nextDueMonoUs() const;
  /// Removes and returns every (owner, timerId) due at the clock's monotonic now, in due order.
  std::vector<std::pair<Owner, uint64_t>> popDue();
  std::size_t pending() const { return byKey_.size(); }

 private:
  using Key = std::pair<Owner, uint64_t>;
  const core::Clock& clock_;
  std::multimap<int64_t, Key> byDue_;
  std::map<Key, std::multimap<int64_t, Key>::iterator> byKey_;
};

}  // namespace hujiao::ivr
