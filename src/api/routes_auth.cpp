// POST /api/v1/auth/login, POST /api/v1/auth/logout, GET /api/v1/auth/me.
#include "api/codec.h"
#include "api/routes.h"
#include "core/time_format.h"

namespace hujiao::api {

using nlohmann::json;

void addAuthRoutes(Router& router, ApiContext& ctx) {
  router.add({"POST", "/api/v1/auth/login", kPublic, "Log in with username and password; returns a bearer token",
              "auth", "LoginRequest", "LoginResponse", 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto r = ctx.auth.login(rc.body["username"].get<std::string>(),
                                        rc.body["password"].get<std::string>(), rc.request.remoteAddress);
                if (!r) return r.error();
                return jsonResponse(200, {{"token", r->token},
                                          {"expires_at", core::formatIso8601(r->expiresUs)},
                                          {"user", toJson(r->user)}});
              }});

  router.add({"POST", "/api/v1/auth/logout", kAuthenticated, "Revoke the token used for this request", "auth", "",
              "", 204, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                if (auto r = ctx.auth.logout(*rc.principal, rc.request.remoteAddress); !r) return r.error();
                ctx.hub.closeSession(rc.principal->tokenHash);
                return noContent();
              }});

  router.add({"GET", "/api/v1/auth/me", kAuthenticated, "The caller: user, effective permissions and scope", "auth",
              "", "Me", 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                const Principal& p = *rc.principal;
                auto user = ctx.store.users().get(p.userId);
                if (!user) return user.error();
                json deps = json::array();
                for (const auto& d : p.departmentIds) deps.push_back(d);
                json perms = json::array();
                for (const auto& perm : p.permissions) perms.push_back(perm);
                return jsonResponse(200, {{"user", toJson(*user)},
                                          {"permissions", perms},
                                          {"scope", scopeName(p.scope)},
                                          {"department_ids", deps}});
              }});
}

}  // namespace hujiao::api
