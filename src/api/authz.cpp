#include "api/authz.h"


namespace hujiao::api {

Scope parseScope(const std::string& s) {
  if (s == "all") return Scope::All;
  if (s == "department") return Scope::Department;
  return Scope::Self;
}

std::string scopeName(Scope s) {
  switch (s) {
    case Scope::All: return "all";
    case Scope::Department: return "department";
    case Scope::Self: return "self";
  }
  return "self";
}

bool Principal::seesDepartment(const std::string& dep) const {
  switch (scope) {
    case Scope::All: return true;
    case Scope::Department: return !dep.empty() && departmentIds.count(dep) != 0;
    case Scope::Self: return !dep.empty() && dep == departmentId;
  }
  return false;
}

bool Principal::seesUser(const std::string& id, const std::string& dep) const {
  if (id == userId) return true;
  if (scope == Scope::Self) return false;
  return seesDepartment(dep);
}

Principal buildPrincipal(const store::User& user, const std::vector<store::Role>& roles,
                         const std::vector<std::string>& subtree) {
  Principal p;
  p.userId = user.id;
  p.username = user.username;
  p.displayName = user.displayName;
  p.departmentId = user.departmentId;
  p.roleIds = user.roleIds;
  bool any = false;
  for (const auto& r : roles) {
    p.permissions.insert(r.permissions.begin(), r.permissions.end());
    Scope s = parseScope(r.scope);
    if (!any || s > p.scope) p.scope = s;
    any = true;
  }
  if (p.scope == Scope::Department) {
    p.departmentIds.insert(subtree.begin(), subtree.end());
    if (!user.departmentId.empty()) p.departmentIds.insert(user.departmentId);
  }
  return p;
}

core::Result<void> requirePermission(const Principal& p, const std::string& permission) {
  if (p.has(permission)) return {};
  return core::makeError("forbidden", "permission '" + permission + "' required");
}

core::Result<void> canGrant(const Principal& p, const std::vector<std::string>& permissions, Scope roleScope,
                            const std::string& roleName) {
  for (const auto& perm : permissions)
    if (!p.has(perm))
      return core::makeError("forbidden", "cannot grant role '" + roleName + "': it includes permission '" + perm +
                                              "' which you do not have");
  if (roleScope > p.scope)
    return core::makeError("forbidden", "cannot grant role '" + roleName + "': its scope '" + scopeName(roleScope) +
                                            "' is wider than yours ('" + scopeName(p.scope) + "')");
  return {};
}

}  // namespace hujiao::api
