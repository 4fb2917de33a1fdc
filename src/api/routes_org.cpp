// /api/v1/departments, /api/v1/roles, /api/v1/permissions.
// Department scope: a department-scoped caller sees his subtree and may change
// departments strictly below his own (never his own department, so he cannot
// move himself out of or above his scope). Departments outside scope answer 404.
#include <algorithm>

#include "api/codec.h"
#include "api/routes.h"
#include "store/permissions.h"

namespace hujiao::api {

using nlohmann::json;

namespace {

core::Error depNotFound(const std::string& id) {
  return core::makeError("not_found", "department " + id + " not found");
}

core::Result<store::Department> visibleDepartment(ApiContext& ctx, const Principal& p, const std::string& id) {
  auto d = ctx.store.departments().get(id);
  if (!d) return d.error().code == "not_found" ? depNotFound(id) : d.error();
  if (!p.seesDepartment(d->id)) return depNotFound(id);
  return d;
}

// May the caller create/move a department under `parent` ("" = root)?
core::Result<void> checkParent(ApiContext& ctx, const Principal& p, const std::string& parent) {
  if (parent.empty()) {
    if (p.scope != Scope::All) return core::makeError("forbidden", "top-level departments need scope 'all'");
    return {};
  }
  auto d = ctx.store.departments().get(parent);
  if (!d) {
    if (d.error().code == "not_found") return invalidField("parent_id", "no department with id '" + parent + "'");
    return d.error();
  }
  if (p.scope == Scope::Self || !p.seesDepartment(parent))
    return core::makeError("forbidden", "department " + parent + " is outside your scope");
  return {};
}

core::Result<void> checkChangeable(const Principal& p, const store::Department& d) {
  if (p.scope != Scope::All && d.id == p.departmentId)
    return core::makeError("forbidden", "your own department can only be changed with scope 'all'");
  if (p.scope == Scope::Self) return core::makeError("forbidden", "changing departments needs scope 'department'");
  return {};
}

core::Result<HttpResponse> listDepartments(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  store::ListQuery q = listQuery(rc);
  if (p.scope != Scope::All) {
    std::vector<std::string> ids;
    if (p.scope == Scope::Department) ids.assign(p.departmentIds.begin(), p.departmentIds.end());
    else if (!p.departmentId.empty()) ids.push_back(p.departmentId);
    if (ids.empty()) return jsonResponse(200, pageJson(store::Page<store::Department>{}, q.limit, q.offset));
    q.departmentIds = std::move(ids);
  }
  auto page = ctx.store.departments().list(q);
  if (!page) return page.error();
  return jsonResponse(200, pageJson(*page, q.limit, q.offset));
}

core::Result<HttpResponse> createDepartment(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  store::Department d;
  d.name = rc.body["name"].get<std::string>();
  d.parentId = optString(rc.body, "parent_id");
  d.description = optString(rc.body, "description");
  if (auto ok = checkParent(ctx, p, d.parentId); !ok) return ok.error();
  auto created = ctx.store.departments().create(d);
  if (!created) return created.error();
  ctx.auth.invalidateAll();  // department subtrees in cached principals changed
  json after = toJson(*created);
  ctx.audit.record(&p, rc.request.remoteAddress, {"create", "departments", created->id, nullptr, after, created->id});
  return createdResponse(after, "/api/v1/departments/" + created->id);
}

core::Result<HttpResponse> updateDepartment(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = visibleDepartment(ctx, p, rc.param("id"));
  if (!found) return found.error();
  if (auto ok = checkChangeable(p, *found); !ok) return ok.error();
  store::Department d = *found;
  if (rc.body.contains("name")) d.name = rc.body["name"].get<std::string>();
  if (rc.body.contains("description")) d.description = rc.body["description"].get<std::string>();
  if (rc.body.contains("parent_id")) {
    d.parentId = optString(rc.body, "parent_id");
    if (d.parentId != found->parentId) {
      if (auto ok = checkParent(ctx, p, d.parentId); !ok) return ok.error();
      auto subtree = ctx.store.departments().subtree(d.id);
      if (!subtree) return subtree.error();
      if (std::find(subtree->begin(), subtree->end(), d.parentId) != subtree->end())
        return invalidField("parent_id", "a department cannot be moved under itself or its descendants");
    }
  }
  auto updated = ctx.store.departments().update(d);
  if (!updated) return updated.error();
  ctx.auth.invalidateAll();
  json after = toJson(*updated);
  ctx.audit.record(&p, rc.request.remoteAddress, {"update", "departments", d.id, toJson(*found), after, d.id});
  return jsonResponse(200, after);
}

core::Result<HttpResponse> deleteDepartment(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = visibleDepartment(ctx, p, rc.param("id"));
  if (!found) return found.error();
  if (auto ok = checkChangeable(p, *found); !ok) return ok.error();
  if (auto r = ctx.store.departments().remove(found->id); !r) return r.error();
  ctx.auth.invalidateAll();
  ctx.audit.record(&p, rc.request.remoteAddress,
                   {"delete", "departments", found->id, toJson(*found), nullptr, found->id});
  return noContent();
}

// --- roles ---

core::Result<void> checkPermissions(const std::vector<std::string>& perms) {
  for (const auto& perm : perms)
    if (!store::isKnownPermission(perm))
      return invalidField("permissions", "unknown permission '" + perm + "' (see GET /api/v1/permissions)");
  return {};
}

core::Error builtinError(const store::Role& r) {
  return core::makeError("conflict", "built-in role '" + r.name + "' cannot be changed or deleted");
}

core::Result<store::Role> getRole(ApiContext& ctx, const std::string& id) {
  auto r = ctx.store.roles().get(id);
  if (!r && r.error().code == "not_found") return core::makeError("not_found", "role " + id + " not found");
  return r;
}

core::Result<HttpResponse> createRole(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  store::Role r;
  r.name = rc.body["name"].get<std::string>();
  r.description = optString(rc.body, "description");
  r.permissions = rc.body["permissions"].get<std::vector<std::string>>();
  std::sort(r.permissions.begin(), r.permissions.end());
  r.permissions.erase(std::unique(r.permissions.begin(), r.permissions.end()), r.permissions.end());
  r.scope = optString(rc.body, "scope", "department");
  if (auto ok = checkPermissions(r.permissions); !ok) return ok.error();
  if (auto ok = canGrant(p, r.permissions, parseScope(r.scope), r.name); !ok) return ok.error();
  auto created = ctx.store.roles().create(r);
  if (!created) return created.error();
  json after = toJson(*created);
  ctx.audit.record(&p, rc.request.remoteAddress, {"create", "roles", created->id, nullptr, after, ""});
  return createdResponse(after, "/api/v1/roles/" + created->id);
}

core::Result<HttpResponse> updateRole(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = getRole(ctx, rc.param("id"));
  if (!found) return found.error();
  if (found->builtin) return builtinError(*found);
  if (auto ok = canGrant(p, found->permissions, parseScope(found->scope), found->name); !ok) return ok.error();
  store::Role r = *found;
  if (rc.body.contains("name")) r.name = rc.body["name"].get<std::string>();
  if (rc.body.contains("description")) r.description = rc.body["description"].get<std::string>();
  if (rc.body.contains("scope")) r.scope = rc.body["scope"].get<std::string>();
  if (rc.body.contains("permissions")) {
    r.permissions = rc.body["permissions"].get<std::vector<std::string>>();
    std::sort(r.permissions.begin(), r.permissions.end());
    r.permissions.erase(std::unique(r.permissions.begin(), r.permissions.end()), r.permissions.end());
    if (auto ok = checkPermissions(r.permissions); !ok) return ok.error();
  }
  if (auto ok = canGrant(p, r.permissions, parseScope(r.scope), r.name); !ok) return ok.error();
  auto updated = ctx.store.roles().update(r);
  if (!updated) return updated.error();
  ctx.auth.invalidateAll();  // every holder's permissions changed
  json after = toJson(*updated);
  ctx.audit.record(&p, rc.request.remoteAddress, {"update", "roles", r.id, toJson(*found), after, ""});
  return jsonResponse(200, after);
}

core::Result<HttpResponse> deleteRole(ApiContext& ctx, RequestContext& rc) {
  const Principal& p = *rc.principal;
  auto found = getRole(ctx, rc.param("id"));
  if (!found) return found.error();
  if (found->builtin) return builtinError(*found);
  if (auto ok = canGrant(p, found->permissions, parseScope(found->scope), found->name); !ok) return ok.error();
  if (auto r = ctx.store.roles().remove(found->id); !r) return r.error();
  ctx.auth.invalidateAll();
  ctx.audit.record(&p, rc.request.remoteAddress, {"delete", "roles", found->id, toJson(*found), nullptr, ""});
  return noContent();
}

}  // namespace

void addDepartmentRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  router.add({"GET", "/api/v1/departments", "departments.read", "List departments in your scope", "departments", "",
              "DepartmentList", 200, pagingParams(), h(listDepartments)});
  router.add({"POST", "/api/v1/departments", "departments.write", "Create a department", "departments",
              "DepartmentCreate", "Department", 201, {}, h(createDepartment)});
  router.add({"GET", "/api/v1/departments/{id}", "departments.read", "Get a department", "departments", "",
              "Department", 200, {}, [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto d = visibleDepartment(ctx, *rc.principal, rc.param("id"));
                if (!d) return d.error();
                return jsonResponse(200, toJson(*d));
              }});
  router.add({"PATCH", "/api/v1/departments/{id}", "departments.write", "Change a department (partial update)",
              "departments", "DepartmentUpdate", "Department", 200, {}, h(updateDepartment)});
  router.add({"DELETE", "/api/v1/departments/{id}", "departments.write",
              "Delete a department (409 while it has users or children)", "departments", "", "", 204, {},
              h(deleteDepartment)});
}

void addRoleRoutes(Router& router, ApiContext& ctx) {
  auto h = [&ctx](core::Result<HttpResponse> (*fn)(ApiContext&, RequestContext&)) {
    return [&ctx, fn](RequestContext& rc) { return fn(ctx, rc); };
  };
  router.add({"GET", "/api/v1/roles", "roles.read", "List roles", "roles", "", "RoleList", 200, pagingParams(),
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                store::ListQuery q = listQuery(rc);
                auto page = ctx.store.roles().list(q);
                if (!page) return page.error();
                return jsonResponse(200, pageJson(*page, q.limit, q.offset));
              }});
  router.add({"POST", "/api/v1/roles", "roles.write", "Create a custom role", "roles", "RoleCreate", "Role", 201, {},
              h(createRole)});
  router.add({"GET", "/api/v1/roles/{id}", "roles.read", "Get a role", "roles", "", "Role", 200, {},
              [&ctx](RequestContext& rc) -> core::Result<HttpResponse> {
                auto r = getRole(ctx, rc.param("id"));
                if (!r) return r.error();
                return jsonResponse(200, toJson(*r));
              }});
  router.add({"PATCH", "/api/v1/roles/{id}", "roles.write", "Change a custom role (partial update)", "roles",
              "RoleUpdate", "Role", 200, {}, h(updateRole)});
  router.add({"DELETE", "/api/v1/roles/{id}", "roles.write", "Delete a custom role (409 while assigned)", "roles",
              "", "", 204, {}, h(deleteRole)});
  router.add({"GET", "/api/v1/permissions", "roles.read", "The permission catalogue roles are made of", "roles", "",
              "PermissionList", 200, {}, [](RequestContext&) -> core::Result<HttpResponse> {
                json items = json::array();
                for (const auto& perm : store::permissionCatalogue())
                  items.push_back({{"name", perm.name}, {"description", perm.description}});
                size_t n = items.size();
                return jsonResponse(200, {{"items", std::move(items)}, {"total", n}});
              }});
}

}  // namespace hujiao::api
