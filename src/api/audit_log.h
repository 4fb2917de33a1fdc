#pragma once
// Appends audit entries (who, action, resource, id, before/after JSON, time,
// source address) to the store and publishes each as an "audit" event on the
// bus. Called on pool threads, after the change it records succeeded.
#include <nlohmann/json.hpp>

#include <string>

#include "api/authz.h"
#include "core/event_bus.h"
#include "store/store.h"

namespace hujiao::api {

struct AuditRecord {
  std::string action;  // create, update, delete, login, logout, login_failed, lockout, password_change, unlock
  std::string resource;  // users, roles, departments, sessions
  std::string resourceId;
  nlohmann::json before;  // null = none
  nlohmann::json after;
  std::string departmentId;  // of the resource, for scoped reading and event filtering
};

class AuditLog {
 public:
  AuditLog(store::Store& store, core::EventBus* bus) : store_(store), bus_(bus) {}
  /// who may be null (failed login of an unknown user: pass the attempted name).
  void record(const Principal* who, const std::string& sourceAddress, AuditRecord rec,
              const std::string& username = "");

 private:
  store::Store& store_;
  core::EventBus* bus_;
};

}  // namespace hujiao::api
