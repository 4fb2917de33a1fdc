#pragma once
// Fan-out of EventBus events to WebSocket clients (GET /api/v1/events). Each
// event is serialised once and offered to every client whose principal may see
// it (scope by Event.departmentId; "audit" events need audit.read). Sending
// never blocks the publisher: each connection has a bounded queue and is
// dropped when it overflows.
//
// Threads: the bus calls onEvent on the publisher's thread; add/remove/close*
// come from pool threads. One mutex guards the client table.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "api/authz.h"
#include "api/http_server.h"
#include "core/event_bus.h"

namespace hujiao::api {

class WsHub {
 public:
  explicit WsHub(core::EventBus* bus);
  ~WsHub();
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  uint64_t add(std::shared_ptr<const Principal> principal, std::shared_ptr<WsConnection> connection);
  void remove(uint64_t id);
  /// Close the streams opened with this token (logout) / by this user (disabled, deleted).
  void closeSession(const std::string& tokenHash);
  void closeUser(const std::string& userId);
  /// Close every stream (server stop).
  void closeAll(uint16_t code);
  size_t size() const;

  /// May this principal receive this event? (Unit-tested.)
  static bool allowed(const Principal& p, const core::Event& e);

 private:
  void onEvent(const core::EventPtr& event);
  struct Client {
    std::shared_ptr<const Principal> principal;
    std::shared_ptr<WsConnection> connection;
  };
  mutable std::mutex mu_;
  std::unordered_map<uint64_t, Client> clients_;
  uint64_t nextId_ = 1;
  std::unique_ptr<core::EventBus::Subscription> subscription_;
};

}  // namespace hujiao::api
