#pragma once
// In-process domain event bus. Control (and the service plane for audit events)
// publishes; subscribers are the CTI WebSocket fan-out, the report writer,
// webhooks. publish() calls every subscriber synchronously on the publishing
// thread, so a subscriber must only copy/post the event (never block).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hujiao::core {

struct Event {
  std::string type;     // "agent.state_changed", "call.answered", "audit", "health" ...
  int64_t tsUs = 0;     // UTC microseconds
  nlohmann::json data;  // ids and fields; rendered with "type" and ISO "ts" by toJson()
  /// Department the event belongs to ("" = global); used to filter what a
  /// supervisor may see.
  std::string departmentId;

  nlohmann::json toJson() const;
};

using EventPtr = std::shared_ptr<const Event>;

class EventBus {
 public:
  using Handler = std::function<void(const EventPtr&)>;

  /// Subscription ends when the returned handle is destroyed.
  class Subscription {
   public:
    Subscription(EventBus* bus, uint64_t id) : bus_(bus), id_(id) {}
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

   private:
    EventBus* bus_;
    uint64_t id_;
  };

  /// Any thread.
  [[nodiscard]] std::unique_ptr<Subscription> subscribe(Handler handler);
  /// Any thread. Fills tsUs if zero.
  void publish(Event event);

 private:
  void unsubscribe(uint64_t id);
  std::mutex mu_;
  uint64_t nextId_ = 1;
  // Copy-on-write list so publish() holds the lock only to take a snapshot.
  std::shared_ptr<const std::vector<std::pair<uint64_t, Handler>>> handlers_ =
      std::make_shared<std::vector<std::pair<uint64_t, Handler>>>();
};

}  // namespace hujiao::core
