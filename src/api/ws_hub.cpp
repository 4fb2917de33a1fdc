#include "api/ws_hub.h"

#include <vector>

namespace hujiao::api {

namespace {
constexpr uint16_t kPolicyViolation = 1008;
}

WsHub::WsHub(core::EventBus* bus) {
  if (bus) subscription_ = bus->subscribe([this](const core::EventPtr& e) { onEvent(e); });
}

WsHub::~WsHub() { subscription_.reset(); }

uint64_t WsHub::add(std::shared_ptr<const Principal> principal, std::shared_ptr<WsConnection> connection) {
  std::lock_guard lock(mu_);
  uint64_t id = nextId_++;
  clients_.emplace(id, Client{std::move(principal), std::move(connection)});
  return id;
}

void WsHub::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  clients_.erase(id);
}

void WsHub::closeSession(const std::string& tokenHash) {
  std::lock_guard lock(mu_);
  for (auto& [id, c] : clients_)
    if (c.principal->tokenHash == tokenHash) c.connection->close(kPolicyViolation);
}

void WsHub::closeUser(const std::string& userId) {
  std::lock_guard lock(mu_);
  for (auto& [id, c] : clients_)
    if (c.principal->userId == userId) c.connection->close(kPolicyViolation);
}

void WsHub::closeAll(uint16_t code) {
  std::lock_guard lock(mu_);
  for (auto& [id, c] : clients_) c.connection->close(code);
}

size_t WsHub::size() const {
  std::lock_guard lock(mu_);
  return clients_.size();
}

bool WsHub::allowed(const Principal& p, const core::Event& e) {
  if (!p.has("events.read")) return false;
  if (e.type == "audit" && !p.has("audit.read")) return false;
  if (e.departmentId.empty() || p.scope == Scope::All) return true;
  return p.seesDepartment(e.departmentId);
}

void WsHub::onEvent(const core::EventPtr& event) {
  std::shared_ptr<const std::string> text;  // serialised once, on first interested client
  std::lock_guard lock(mu_);
  for (auto& [id, c] : clients_) {
    if (!allowed(*c.principal, *event)) continue;
    if (!text)
      text = std::make_shared<const std::string>(
          event->toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    c.connection->send(text);
  }
}

}  // namespace hujiao::api
