#pragma once
// The permission catalogue: every permission a route or a role can name, and
// the built-in roles made of them. A permission is "<resource>.<verb>".
//
// Threads: immutable data; any thread.
#include <string>
#include <string_view>
#include <vector>

namespace hujiao::store {

struct Permission {
  std::string name;         // "users.write"
  std::string description;  // one line, shown in the console's role editor
};

/// Every known permission, sorted by name.
const std::vector<Permission>& permissionCatalogue();
/// True when `name` is in the catalogue.
bool isKnownPermission(std::string_view name);

struct BuiltinRole {
  std::string name;  // admin, supervisor, agent, auditor
  std::string description;
  std::string scope;  // "all", "department", "self"
  std::vector<std::string> permissions;
};

/// The built-in roles, seeded (and kept up to date) when the store opens.
const std::vector<BuiltinRole>& builtinRoles();

}  // namespace hujiao::store
