// GET /api/v1/audit: the audit log, filtered and paginated, within the caller's
// scope (department scope: entries about his departments; self: his own actions).
#include "api/codec.h"
#include "api/routes.h"
#include "core/time_format.h"

namespace hujiao::api {

void addAuditRoutes(Router& router, ApiContext& ctx) {
  router.add(
      {"GET", "/api/v1/audit", "audit.read", "List audit entries, newest first", "audit", "", "AuditList", 200,
       pagingParams({{"user_id", FieldType::String, "Who made the change", 0, 0, ""},
                     {"resource", FieldType::String, "users, roles, departments, sessions", 0, 0, ""},
                     {"action", FieldType::String, "create, update, delete, login, logout, login_failed, lockout, "
                                                   "password_change, unlock", 0, 0, ""},
                     {"from", FieldType::String, "Entries at or after this time (ISO 8601)", 0, 0, "date-time"},
                     {"to", FieldType::String, "Entries before this time (ISO 8601)", 0, 0, "date-time"}}),
       [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
         const Principal& p = *rc.principal;
         store::ListQuery q = listQuery(rc);
         q.userId = rc.queryString("user_id");
         q.resource = rc.queryString("resource");
         q.action = rc.queryString("action");
         if (rc.has("from")) q.fromUs = core::parseIso8601(rc.queryString("from")).value_or(0);
         if (rc.has("to")) q.toUs = core::parseIso8601(rc.queryString("to")).value_or(0);
         if (p.scope == Scope::Self) {
           if (!q.userId.empty() && q.userId != p.userId)
             return jsonResponse(200, pageJson(store::Page<store::AuditEntry>{}, q.limit, q.offset));
           q.userId = p.userId;
         } else if (p.scope == Scope::Department) {
           if (p.departmentIds.empty())
             return jsonResponse(200, pageJson(store::Page<store::AuditEntry>{}, q.limit, q.offset));
           q.departmentIds.assign(p.departmentIds.begin(), p.departmentIds.end());
         }
         auto page = ctx.store.audit().list(q);
         if (!page) return page.error();
         return jsonResponse(200, pageJson(*page, q.limit, q.offset));
       }});
}

}  // namespace hujiao::api
