#include "acd/timer.h"

#include <algorithm>

#include "core/clock.h"

namespace hujiao::acd {

TimerId TimerHeap::schedule(int64_t dueMonoUs, TimerTarget &target, uint64_t cookie) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot &s = slots_[slot];
  s.target = &target;
  s.cookie = cookie;
  s.active = true;
  heap_.push_back(Entry{dueMonoUs, seq_++, slot, s.gen});
  std::push_heap(heap_.begin(), heap_.end(), later);
  ++live_;
  return (static_cast<uint64_t>(s.gen) << 32) | (static_cast<uint64_t>(slot) + 1);
}

void TimerHeap::cancel(TimerId id) {
  if (id == 0) return;
  const auto slot = static_cast<uint32_t>((id & 0xffffffffULL) - 1);
  const auto gen = static_cast<uint32_t>(id >> 32);
  if (slot >= slots_.size()) return;
  Slot &s = slots_[slot];
  if (!s.active || s.gen != gen) return;
  // The heap entry stays until it surfaces; the new generation marks it stale.
  s.active = false;
  ++s.gen;
  free_.push_back(slot);
  --live_;
  // Cancelled entries would otherwise stay until their due time (a max wait
  // of an hour): rebuild once they outnumber the live ones (amortised O(1)).
  if (++stale_ > 1024 && stale_ > live_) compact();
}

void TimerHeap::compact() {
  std::erase_if(heap_, [this](const Entry &e) {
    const Slot &s = slots_[e.slot];
    return !s.active || s.gen != e.gen;
  });
  std::make_heap(heap_.begin(), heap_.end(), later);
  stale_ = 0;
}

void TimerHeap::dropStale() {
  while (!heap_.empty()) {
    const Entry &top = heap_.front();
    const Slot &s = slots_[top.slot];
    if (s.active && s.gen == top.gen) return;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    if (stale_ > 0) --stale_;
  }
}

std::optional<int64_t> TimerHeap::nextDueUs() {
  dropStale();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().due;
}

std::size_t TimerHeap::runDue(int64_t nowMonoUs) {
  std::size_t fired = 0;
  for (;;) {
    dropStale();
    if (heap_.empty() || heap_.front().due > nowMonoUs) break;
    const Entry e = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    Slot &s = slots_[e.slot];
    TimerTarget *target = s.target;
    const uint64_t cookie = s.cookie;
    s.active = false;
    ++s.gen;
    free_.push_back(e.slot);
    --live_;
    ++fired;
    target->onTimer(cookie);
  }
  return fired;
}

void advanceClock(core::VirtualClock &clock, TimerHeap &timers, int64_t us) {
  const int64_t end = clock.monoUs() + us;
  for (;;) {
    auto next = timers.nextDueUs();
    if (!next || *next > end) break;
    if (*next > clock.monoUs()) clock.advanceUs(*next - clock.monoUs());
    timers.runDue(clock.monoUs());
  }
  if (end > clock.monoUs()) clock.advanceUs(end - clock.monoUs());
}

}  // namespace hujiao::acd
