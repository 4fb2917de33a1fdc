#include "core/event_bus.h"

#include "core/clock.h"
#include "core/time_format.h"

namespace hujiao::core {

nlohmann::json Event::toJson() const {
  nlohmann::json j = data.is_object() ? data : nlohmann::json::object();
  j["type"] = type;
  j["ts"] = formatIso8601(tsUs);
  return j;
}

EventBus::Subscription::~Subscription() { bus_->unsubscribe(id_); }

std::unique_ptr<EventBus::Subscription> EventBus::subscribe(Handler handler) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<std::vector<std::pair<uint64_t, Handler>>>(*handlers_);
  uint64_t id = nextId_++;
  next->emplace_back(id, std::move(handler));
  handlers_ = std::move(next);
  return std::make_unique<Subscription>(this, id);
}

void EventBus::unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  auto next = std::make_shared<std::vector<std::pair<uint64_t, Handler>>>();
  for (const auto& h : *handlers_)
    if (h.first != id) next->push_back(h);
  handlers_ = std::move(next);
}

void EventBus::publish(Event event) {
  if (event.tsUs == 0) event.tsUs = SystemClock::instance().nowUs();
  auto ev = std::make_shared<const Event>(std::move(event));
  std::shared_ptr<const std::vector<std::pair<uint64_t, Handler>>> snapshot;
  {
    std::lock_guard lock(mu_);
    snapshot = handlers_;
  }
  for (const auto& h : *snapshot) h.second(ev);
}

}  // namespace hujiao::core
