#pragma once
// Authorization: who is calling (Principal) and the decisions the routes make
// with it: permission checks, department scope, what roles may be granted.
// Pure functions over plain data, so they are unit-tested without a store.
// Any thread; a Principal is immutable once built and shared between requests.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/permissions.h"
#include "store/store.h"

namespace hujiao::api {

/// Ordered from narrowest to widest.
enum class Scope { Self = 0, Department = 1, All = 2 };

Scope parseScope(const std::string& s);  // unknown -> Self (the narrowest, fail safe)
std::string scopeName(Scope s);

struct Principal {
  std::string userId;
  std::string username;
  std::string displayName;
  std::string departmentId;  // "" = none
  std::vector<std::string> roleIds;
  std::set<std::string> permissions;  // union over the user's roles
  Scope scope = Scope::Self;          // widest scope among the roles that grant anything
  /// Department scope: own department and its descendants. Empty otherwise.
  std::set<std::string> departmentIds;
  std::string sessionId;
  std::string tokenHash;
  int64_t sessionExpiresUs = 0;

  bool has(const std::string& permission) const { return permissions.count(permission) != 0; }
  /// May see/change data of this department ("" = no department: only scope all).
  bool seesDepartment(const std::string& departmentId) const;
  bool seesUser(const std::string& userId, const std::string& userDepartmentId) const;
  /// Departments to restrict list queries to; nullopt-like empty+all flag.
  bool unrestricted() const { return scope == Scope::All; }
};

/// Builds a principal from a user, its roles and (for department scope) the
/// subtree of the user's department.
Principal buildPrincipal(const store::User& user, const std::vector<store::Role>& roles,
                         const std::vector<std::string>& departmentSubtree);

/// "forbidden" naming the missing permission.
core::Result<void> requirePermission(const Principal& p, const std::string& permission);
/// A principal may grant (or define) a role only if it holds every permission
/// of the role and the role's scope is not wider than its own.
core::Result<void> canGrant(const Principal& p, const std::vector<std::string>& permissions, Scope roleScope,
                            const std::string& roleName);

}  // namespace hujiao::api
