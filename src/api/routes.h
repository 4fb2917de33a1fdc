#pragma once
// Route registration for each resource, and the helpers handlers share.
// Handlers run on pool threads and call the store synchronously.
#include <nlohmann/json.hpp>

#include "api/audit_log.h"
#include "api/auth_service.h"
#include "api/router.h"
#include "api/ws_hub.h"
#include "core/clock.h"
#include "store/store.h"

namespace hujiao::call {
class TelephonyService;
}
namespace hujiao::center {
class ContactCenter;
}

namespace hujiao::api {

/// What handlers need; owned by ApiServer, outlives the routes.
struct ApiContext {
  store::Store& store;
  AuthService& auth;
  AuditLog& audit;
  WsHub& hub;
  const core::Clock& clock;
  call::TelephonyService* telephony = nullptr;  // null when telephony is not running
  center::ContactCenter* center = nullptr;       // null in tests without the contact center
};

void addAuthRoutes(Router& router, ApiContext& ctx);
void addUserRoutes(Router& router, ApiContext& ctx);
void addDepartmentRoutes(Router& router, ApiContext& ctx);
void addRoleRoutes(Router& router, ApiContext& ctx);
void addAuditRoutes(Router& router, ApiContext& ctx);
/// routes_telephony*.cpp: extensions, registrations, trunks, DIDs, dial rules, blocked, calls, CDRs.
void addTelephonyRoutes(Router& router, ApiContext& ctx);
/// routes_ivr*.cpp: flows, blacklist, notices, voicemail, callbacks (issue 5).
void addIvrRoutes(Router& router, ApiContext& ctx);
/// routes_acd*.cpp: queues, agents, CTI actions, supervisor, interactions, webhooks (issue 6).
void addAcdRoutes(Router& router, ApiContext& ctx);
/// routes_records*.cpp: recordings, QA, reports, staffing (issue 7).
void addRecordsRoutes(Router& router, ApiContext& ctx);

// --- helpers ---
HttpResponse jsonResponse(int status, const nlohmann::json& body);
HttpResponse createdResponse(const nlohmann::json& body, const std::string& location);
HttpResponse noContent();
/// limit (1..1000, default 50) and offset, plus extra params.
std::vector<QueryParamSpec> pagingParams(std::vector<QueryParamSpec> extra = {});
/// limit/offset/q from the request.
store::ListQuery listQuery(const RequestContext& rc);
/// 400 invalid_field naming the field.
core::Error invalidField(const std::string& field, const std::string& why);
/// Optional string member; null and absent both give def.
std::string optString(const nlohmann::json& body, const char* key, const std::string& def = "");

}  // namespace hujiao::api
