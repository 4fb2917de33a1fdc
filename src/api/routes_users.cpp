// /api/v1/users: CRUD, password, unlock. Scope rules (docs/api.md):
// - a user outside the caller's scope is answered 404, exactly like an unknown id;
// - users are created and moved only into departments in scope;
// - roles are granted only when the caller holds every permission of the role
//   and its scope is not wider than the caller's;
// - a user whose roles exceed the caller's privileges cannot be changed by him.
#include <algorithm>

#include "api/codec.h"
#include "api/routes.h"

namespace hujiao::api {

using nlohmann::json;

namespace {

bool validUsername(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
  });
}

// The users list cache: distinct (query, visibility) pairs kept, and how long
// an entry may serve when no write went through this process's store.
constexpr size_t kListCacheEntries = 1024;
constexpr auto kListCacheMaxAge = std::chrono::milliseconds(1000);

core::Error notFound(const std::string& id) { return core::makeError("not_found", "user " + id + " not found"); }

// Loads roles by id; unknown ids are an invalid_field error.
core::Result<std::vector<store::Role>> loadRoles(ApiContext& ctx, const std::vector<std::string>& ids) {
  std::vector<store::Role> roles;
  for (const auto& id : ids) {
    auto r = ctx.store.roles().get(id);
    if (!r) {
      if (r.error().code == "not_found") return invalidField("role_ids", "no role with id '" + id + "'");
      return r.error();
    }
    roles.push_back(std::move(*r));
  }
  return roles;
}

core::Result<void> checkGrants(const Principal& p, const std::vector<store::Role>& roles) {
  for (const auto& r : roles)
    if (auto ok = canGrant(p, r.permissions, parseScope(r.scope), r.name); !ok) return ok;
  return {};
}

// The caller may manage `target` only if every role of the target could have
// been granted by him (no managing more privileged accounts).
core::Result<void> checkManage(ApiContext& ctx, const Principal& p, const store::User& target) {
  if (target.id == p.userId) return {};
  auto roles = loadRoles(ctx, target.roleIds);
  if (!roles) return roles.error();
  for (const auto& r : *roles)
    if (!canGrant(p, r.permissions, parseScope(r.scope), r.name))
      return core::makeError("forbidden", "user '" + target.username + "' has role '" + r.name +
                                              "' with privileges beyond yours");
  return {};
}

core::Result<void> checkDepartment(ApiContext& ctx, const Principal& p, const std::string& dep) {
  if (dep.empty()) {
    if (p.scope != Scope::All) return core::makeError("forbidden", "users outside a department need scope 'all'");
    return {};
  }
  auto d = ctx.store.departments().get(dep);
  if (!d) {
    if (d.error().code == "not_found") return invalidField("department_id", "no department with id '" + dep + "'");
    return d.error();
  }
  if (p.scope == Scope::Self || !p.seesDepartment(dep))
    return core::makeError("forbidden", "department " + dep + " is outside your scope");
  return {};
}

// Gets a user the caller may see, or not_found.
core::Result<store::User> visibleUser(ApiContext& ctx, const Principal& p, const std::string& id) {
  auto u = ctx.store.users().get(id);
  if (!u) return u.error().code == "not_found" ? notFound(id) : u.error();
  if (!p.seesUser(u->id, u->departmentId)) return notFound(id);
  return u;
}

void changed(ApiContext& ctx, const store::User& u, bool revoke) {
  if (revoke) {
    ctx.auth.revokeUserSessions(u.id);
    ctx.hub.closeUser(u.id);
  } else {
    ctx.auth.invalidateUser(u.id);
  }
}

// Everything the list depends on besides the data: the validated query and
// what the caller may see (nothing for scope all, the department set for
// department scope, the user for self).
std::string listCacheKey(const Principal& p, const RequestContext& rc) {
  std::string key;
  key.reserve(96);
  switch (p.scope) {
    case Scope::All:
      key = "a|";
      break;
    case Scope::Department:
      key = "d|";
      for (const auto& d : p.departmentIds) {
        key += std::to_string(d.size());
        key += ':';
        key += d;
      }
      key += '|';
      break;
    case Scope::Self:
      key = "s|";
      key += std::to_string(p.userId.size());
      key += ':';
      key += p.userId;
      key += '|';
      break;
  }
  ResponseCache::appendQueryKey(key, rc.query);
  return key;
}

core::Result<HttpResponse> listUsersUncached(ApiContext& ctx, RequestContext& rc);

// GET /api/v1/users is the hottest read (consoles poll it): identical reads
// between two writes to the store are answered from the cache.
core::Result<HttpResponse> listUsers(ApiContext& ctx, ResponseCache& cache, RequestContext& rc) {
  auto generation = ctx.store.db().writeGeneration();
  if (!generation) return listUsersUncached(ctx, rc);
  std::string key = listCacheKey(*rc.principal, rc);
  if (auto hit = cache.get(key, *generation)) return std::move(*hit);
  auto r = listUsersUncached(ctx, rc);
  if (r && r->status == 200) cache.put(key, *generation, *r);
  return r;
}

core::Result<HttpResponse> listUsersUncached(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  store::ListQuery q = listQuery(rc);
  std::string dep = rc.queryString("department_id");
  if (p.scope == Scope::Self) {
    // Only oneself: apply the filters by hand.
    auto me = ctx.store.users().get(p.userId);
    if (!me) return me.error();
    store::Page<store::User> page;
    bool match = (dep.empty() || me->departmentId == dep) &&
                 (q.search.empty() || me->username.find(q.search) != std::string::npos ||
                  me->displayName.find(q.search) != std::string::npos ||
                  me->email.find(q.search) != std::string::npos);
    if (match) {
      page.total = 1;
      if (q.offset == 0) page.items.push_back(*me);
    }
    return jsonResponse(200, pageJson(page, q.limit, q.offset));
  }
  if (!dep.empty()) {
    if (!p.seesDepartment(dep)) return core::makeError("forbidden", "department " + dep + " is outside your scope");
    q.departmentIds = {dep};
  } else if (p.scope == Scope::Department) {
    if (p.departmentIds.empty()) return jsonResponse(200, pageJson(store::Page<store::User>{}, q.limit, q.offset));
    q.departmentIds.assign(p.departmentIds.begin(), p.departmentIds.end());
  }
  auto page = ctx.store.users().list(q);
  if (!page) return page.error();
  HttpResponse r;
  r.body = userPageJson(*page, q.limit, q.offset);  // the benchmark's hot path: no JSON DOM
  return r;
}

core::Result<HttpResponse> createUser(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  const json& b = rc.body;
  store::User u;
  u.username = b["username"].get<std::string>();
  if (!validUsername(u.username)) return invalidField("username", "only letters, digits and . _ - @ are allowed");
  u.displayName = optString(b, "display_name", u.username);
  u.email = optString(b, "email");
  u.phone = optString(b, "phone");
  u.departmentId = optString(b, "department_id");
  if (b.contains("role_ids")) u.roleIds = b["role_ids"].get<std::vector<std::string>>();
  if (b.contains("enabled")) u.enabled = b["enabled"].get<bool>();
  if (auto ok = checkDepartment(ctx, p, u.departmentId); !ok) return ok.error();
  auto roles = loadRoles(ctx, u.roleIds);
  if (!roles) return roles.error();
  if (auto ok = checkGrants(p, *roles); !ok) return ok.error();
  auto hash = ctx.auth.hashNewPassword(b["password"].get<std::string>());
  if (!hash) return hash.error();
  u.passwordHash = *hash;
  auto created = ctx.store.users().create(u);
  if (!created) return created.error();
  json after = toJson(*created);
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"create", "users", created->id, nullptr, after, created->departmentId});
  return createdResponse(after, "/api/v1/users/" + created->id);
}

core::Result<HttpResponse> updateUser(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  const json& b = rc.body;
  auto found = visibleUser(ctx, p, rc.param("id"));
  if (!found) return found.error();
  if (auto ok = checkManage(ctx, p, *found); !ok) return ok.error();
  store::User u = *found;
  if (b.contains("username")) {
    u.username = b["username"].get<std::string>();
    if (!validUsername(u.username)) return invalidField("username", "only letters, digits and . _ - @ are allowed");
  }
  if (b.contains("display_name")) u.displayName = b["display_name"].get<std::string>();
  if (b.contains("email")) u.email = b["email"].get<std::string>();
  if (b.contains("phone")) u.phone = b["phone"].get<std::string>();
  if (b.contains("department_id")) {
    u.departmentId = optString(b, "department_id");
    if (u.departmentId != found->departmentId)
      if (auto ok = checkDepartment(ctx, p, u.departmentId); !ok) return ok.error();
  }
  if (b.contains("role_ids")) {
    u.roleIds = b["role_ids"].get<std::vector<std::string>>();
    auto roles = loadRoles(ctx, u.roleIds);
    if (!roles) return roles.error();
    // Only the roles that change hands need checking: added ones (granting) and
    // removed ones (checkManage above covered those for other users).
    std::vector<store::Role> added;
    for (auto& r : *roles)
      if (std::find(found->roleIds.begin(), found->roleIds.end(), r.id) == found->roleIds.end())
        added.push_back(r);
    if (auto ok = checkGrants(p, added); !ok) return ok.error();
  }
  if (b.contains("enabled")) {
    u.enabled = b["enabled"].get<bool>();
    if (!u.enabled && u.id == p.userId)
      return core::makeError("conflict", "you cannot disable your own account");
  }
  auto updated = ctx.store.users().update(u);
  if (!updated) return updated.error();
  changed(ctx, *updated, found->enabled && !updated->enabled);
  json after = toJson(*updated);
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"update", "users", u.id, toJson(*found), after, updated->departmentId});
  return jsonResponse(200, after);
}

core::Result<HttpResponse> deleteUser(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = visibleUser(ctx, p, rc.param("id"));
  if (!found) return found.error();
  if (found->id == p.userId) return core::makeError("conflict", "you cannot delete your own account");
  if (auto ok = checkManage(ctx, p, *found); !ok) return ok.error();
  ctx.auth.revokeUserSessions(found->id);
  if (auto r = ctx.store.users().remove(found->id); !r) return r.error();
  ctx.hub.closeUser(found->id);
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"delete", "users", found->id, toJson(*found), nullptr, found->departmentId});
  return noContent();
}

core::Result<HttpResponse> setPassword(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  const std::string& id = rc.param("id");
  bool self = id == p.userId;
  if (!self) {
    if (auto ok = requirePermission(p, "users.write"); !ok) return ok.error();
  }
  auto found = self ? ctx.store.users().get(id) : visibleUser(ctx, p, id);
  if (!found) return found.error();
  if (auto ok = checkManage(ctx, p, *found); !ok) return ok.error();
  if (self && !p.has("users.write")) {
    std::string current = optString(rc.body, "current_password");
    if (current.empty())
      return core::makeError("missing_field", "missing required field 'current_password' (your current password)");
    if (!ctx.auth.verify(current, found->passwordHash))
      return invalidField("current_password", "does not match your current password");
  }
  auto hash = ctx.auth.hashNewPassword(rc.body["password"].get<std::string>());
  if (!hash) return hash.error();
  store::User u = *found;
  u.passwordHash = *hash;
  auto updated = ctx.store.users().update(u);
  if (!updated) return updated.error();
  // Someone else's password was reset: their open sessions end.
  changed(ctx, *updated, !self);
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"password_change", "users", u.id, nullptr, nullptr, u.departmentId});
  return noContent();
}

core::Result<HttpResponse> unlockUser(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = visibleUser(ctx, p, rc.param("id"));
  if (!found) return found.error();
  if (auto ok = checkManage(ctx, p, *found); !ok) return ok.error();
  store::User u = *found;
  u.failedLogins = 0;
  u.lockedUntilUs = 0;
  auto updated = ctx.store.users().update(u);
  if (!updated) return updated.error();
  ctx.auth.invalidateUser(u.id);
  json after = toJson(*updated);
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"unlock", "users", u.id, {{"locked_until", timeOrNull(found->lockedUntilUs)},
                                              {"failed_logins", found->failedLogins}},
                    {{"locked_until", nullptr}, {"failed_logins", 0}}, u.departmentId});
  return jsonResponse(200, after);
}

}  // namespace

void addUserRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  auto cache = std::make_shared<ResponseCache>(ctx.clock, kListCacheEntries, kListCacheMaxAge);
  router.add({"GET", "/api/v1/users", "users.read", "List users in your scope", "users", "", "UserList", 200,
              pagingParams({{"department_id", FieldType::String, "Only users of this department", 0, 0, ""}}),
              [&ctx, cache](RequestContext& rc) { return listUsers(ctx, *cache, rc); }});
  router.add({"POST", "/api/v1/users", "users.write", "Create a user", "users", "UserCreate", "User", 201, {},
              h(createUser)});
  router.add({"GET", "/api/v1/users/{id}", "users.read", "Get a user", "users", "", "User", 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto u = visibleUser(ctx, *rc.principal, rc.param("id"));
                if (!u) return u.error();
                return jsonResponse(200, toJson(*u));
              }});
  router.add({"PATCH", "/api/v1/users/{id}", "users.write", "Change a user (partial update)", "users", "UserUpdate",
              "User", 200, {}, h(updateUser)});
  router.add({"DELETE", "/api/v1/users/{id}", "users.write", "Delete a user", "users", "", "", 204, {},
              h(deleteUser)});
  router.add({"POST", "/api/v1/users/{id}/password", kAuthenticated,
              "Set a password (users.write, or your own with current_password)", "users", "PasswordChange", "", 204,
              {}, h(setPassword)});
  router.add({"POST", "/api/v1/users/{id}/unlock", "users.write", "Unlock an account locked by failed logins",
              "users", "", "User", 200, {}, h(unlockUser)});
}

}  // namespace hujiao::api
