#include "api/audit_log.h"

#include "api/codec.h"
#include "core/log.h"

namespace hujiao::api {

void AuditLog::record(const Principal* who, const std::string& source, AuditRecord rec, const std::string& username) {
  store::AuditEntry e;
  e.userId = who ? who->userId : "";
  e.username = who ? who->username : username;
  e.action = rec.action;
  e.resource = rec.resource;
  e.resourceId = rec.resourceId;
  e.before = rec.before.is_null() ? "" : rec.before.dump();
  e.after = rec.after.is_null() ? "" : rec.after.dump();
  e.sourceAddress = source;
  e.departmentId = rec.departmentId;
  auto saved = store_.audit().append(e);
  if (!saved) {
    // The change itself is already committed; losing its audit line is logged loudly.
    core::logger("api")->error("audit append failed ({} {} {}): {}", e.action, e.resource, e.resourceId,
                               saved.error().message);
    return;
  }
  if (bus_) {
    core::Event ev;
    ev.type = "audit";
    ev.tsUs = saved->tsUs;
    ev.data = toJson(*saved);
    ev.data["audit_id"] = ev.data["id"];
    ev.data.erase("id");
    ev.data.erase("ts");
    ev.departmentId = rec.departmentId;
    bus_->publish(std::move(ev));
  }
}

}  // namespace hujiao::api
