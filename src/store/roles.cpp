// Roles: named sets of permissions with a scope; the built-in ones are
// seeded at open and cannot be changed or deleted.
#include <algorithm>

#include "core/ids.h"
#include "store/permissions.h"
#include "store/repo_util.h"
#include "store/repos.h"

namespace hujiao::store {
namespace {

using core::makeError;
using detail::nowUs;

constexpr const char* kColumns = "id, name, description, permissions, scope, builtin, created_us, updated_us";

Role fromRow(const Row& r) {
  Role role;
  role.id = r.str(0);
  role.name = r.str(1);
  role.description = r.str(2);
  role.permissions = detail::fromJsonArray(r.str(3));
  role.scope = r.str(4);
  role.builtin = r.i64(5) != 0;
  role.createdUs = r.i64(6);
  role.updatedUs = r.i64(7);
  return role;
}

/// Checks name, scope and permissions; returns the permissions sorted, without duplicates.
Result<std::vector<std::string>> validate(const Role& r) {
  if (r.name.empty()) return makeError("invalid", "role name must not be empty");
  if (r.scope != "all" && r.scope != "department" && r.scope != "self") {
    return makeError("invalid", "role scope must be one of all, department, self (got '" + r.scope + "')");
  }
  std::vector<std::string> perms = r.permissions;
  for (const auto& p : perms) {
    if (!isKnownPermission(p)) return makeError("invalid", "unknown permission '" + p + "'");
  }
  std::sort(perms.begin(), perms.end());
  perms.erase(std::unique(perms.begin(), perms.end()), perms.end());
  return perms;
}

}  // namespace

Result<Role> SqlRoles::create(const Role& in) {
  auto perms = validate(in);
  if (!perms) return perms.error();
  Role r = in;
  r.permissions = std::move(*perms);
  r.builtin = false;  // only seedBuiltins makes built-in roles
  if (r.id.empty()) r.id = core::newId();
  if (r.createdUs == 0) r.createdUs = nowUs();
  if (r.updatedUs == 0) r.updatedUs = r.createdUs;
  auto res = db_.exec(
      "INSERT INTO roles (id, name, description, permissions, scope, builtin, created_us, updated_us) "
      "VALUES ($1, $2, $3, $4, $5, 0, $6, $7)",
      {r.id, r.name, r.description, detail::toJsonArray(r.permissions), r.scope, r.createdUs, r.updatedUs});
  if (!res) {
    if (res.error().code == "conflict" && get(r.id)) return makeError("conflict", "role id " + r.id + " already exists");
    return detail::reword(res.error(), "a role named '" + r.name + "' already exists");
  }
  return r;
}

Result<Role> SqlRoles::getWhere(const std::string& column, const std::string& value) {
  auto rows = db_.query(std::string("SELECT ") + kColumns + " FROM roles WHERE " + column + " = $1", {value});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError("not_found", "role " + value + " not found");
  return fromRow(rows->rows.front());
}

Result<Role> SqlRoles::get(const std::string& id) { return getWhere("id", id); }

Result<Role> SqlRoles::getByName(const std::string& name) { return getWhere("name", name); }

Result<Role> SqlRoles::update(const Role& in) {
  auto perms = validate(in);
  if (!perms) return perms.error();
  auto res = db_.transaction([&](Tx& tx) -> Result<void> {
    auto cur = tx.query("SELECT builtin FROM roles WHERE id = $1", {in.id});
    if (!cur) return cur.error();
    if (cur->empty()) return makeError("not_found", "role " + in.id + " not found");
    if (cur->rows.front().i64(0) != 0) return makeError("invalid", "built-in roles cannot be changed");
    auto r = tx.exec(
        "UPDATE roles SET name = $2, description = $3, permissions = $4, scope = $5, updated_us = $6 "
        "WHERE id = $1 AND builtin = 0",
        {in.id, in.name, in.description, detail::toJsonArray(*perms), in.scope, nowUs()});
    if (!r) return detail::reword(r.error(), "a role named '" + in.name + "' already exists");
    return {};
  });
  if (!res) return res.error();
  return get(in.id);
}

Result<void> SqlRoles::remove(const std::string& id) {
  return db_.transaction([&](Tx& tx) -> Result<void> {
    auto cur = tx.query("SELECT builtin, (SELECT count(*) FROM user_roles WHERE role_id = $1) FROM roles WHERE id = $1",
                        {id});
    if (!cur) return cur.error();
    if (cur->empty()) return makeError("not_found", "role " + id + " not found");
    if (cur->rows.front().i64(0) != 0) return makeError("invalid", "built-in roles cannot be deleted");
    if (int64_t n = cur->rows.front().i64(1); n > 0) {
      return makeError("conflict", "role " + id + " is assigned to " + std::to_string(n) + " user(s)");
    }
    auto del = tx.exec("DELETE FROM roles WHERE id = $1", {id});
    if (!del) return detail::reword(del.error(), "", "role " + id + " is still in use");
    return {};
  });
}

Result<Page<Role>> SqlRoles::list(const ListQuery& q) {
  detail::Filter f(db_);
  f.search(q.search, {"name"});
  auto r = detail::runList(db_, kColumns, "roles", f, "id", q);
  if (!r) return r.error();
  Page<Role> page;
  page.total = r->total;
  page.items.reserve(r->rows.size());
  for (const auto& row : r->rows) page.items.push_back(fromRow(row));
  return page;
}

Result<void> SqlRoles::seedBuiltins() {
  return db_.transaction([&](Tx& tx) -> Result<void> {
    int64_t now = nowUs();
    for (const auto& b : builtinRoles()) {
      // Insert, or refresh a built-in role whose definition changed with this
      // version (new permissions appear in later releases).
      auto r = tx.exec(
          "INSERT INTO roles (id, name, description, permissions, scope, builtin, created_us, updated_us) "
          "VALUES ($1, $2, $3, $4, $5, 1, $6, $6) "
          "ON CONFLICT (name) DO UPDATE SET description = excluded.description, "
          "permissions = excluded.permissions, scope = excluded.scope, builtin = 1, updated_us = excluded.updated_us "
          "WHERE roles.description <> excluded.description OR roles.permissions <> excluded.permissions "
          "OR roles.scope <> excluded.scope OR roles.builtin <> 1",
          {core::newId(), b.name, b.description, detail::toJsonArray(b.permissions), b.scope, now});
      if (!r) return r.error();
    }
    return {};
  });
}

}  // namespace hujiao::store
