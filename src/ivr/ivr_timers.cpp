#include "ivr/ivr_timers.h"

namespace hujiao::ivr {

void IvrTimers::start(Owner owner, const action::StartTimer& t) {
  Key key{owner, t.timerId};
  if (auto it = byKey_.find(key); it != byKey_.end()) {
    byDue_.erase(it->second);
    byKey_.erase(it);
  }
  int64_t due = clock_.monoUs() + t.delayMs * 1000;
  byKey_.emplace(key, byDue_.emplace(due, key));
}

void IvrTimers::cancel(Owner owner, const action::CancelTimer& t) {
  auto it = byKey_.find(Key{owner, t.timerId});
  if (it == byKey_.end()) return;
  byDue_.erase(it->second);
  byKey_.erase(it);
}

void IvrTimers::cancelAll(Owner owner) {
  auto it = byKey_.lower_bound(Key{owner, 0});
  while (it != byKey_.end() && it->first.first == owner) {
    byDue_.erase(it->second);
    it = byKey_.erase(it);
  }
}

void IvrTimers::apply(Owner owner, const std::vector<Action>& actions) {
  for (const auto& a : actions) {
    if (const auto* s = std::get_if<action::StartTimer>(&a)) start(owner, *s);
    if (const auto* c = std::get_if<action::CancelTimer>(&a)) cancel(owner, *c);
  }
}

std::optional<int64_t> IvrTimers::nextDueMonoUs() const {
  if (byDue_.empty()) return std::nullopt;
  return byDue_.begin()->first;
}

std::vector<std::pair<IvrTimers::Owner, uint64_t>> IvrTimers::popDue() {
  std::vector<Key> out;
  int64_t now = clock_.monoUs();
  while (!byDue_.empty() && byDue_.begin()->first <= now) {
    Key key = byDue_.begin()->second;
    byDue_.erase(byDue_.begin());
    byKey_.erase(key);
    out.push_back(key);
  }
  return out;
}

}  // namespace hujiao::ivr
