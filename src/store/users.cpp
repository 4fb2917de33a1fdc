// Users: identity, department, roles (user_roles), password hash and the
// login bookkeeping that the API's lockout relies on.
#include <algorithm>

#include "core/ids.h"
#include "store/repo_util.h"
#include "store/repos.h"

namespace hujiao::store {
namespace {

using core::makeError;
using detail::nowUs;

User fromRow(Row& r) {
  // Strings are moved out of the row: a list page converts many of them.
  User u;
  u.id = detail::takeStr(r, 0);
  u.username = detail::takeStr(r, 1);
  u.displayName = detail::takeStr(r, 2);
  u.email = detail::takeStr(r, 3);
  u.phone = detail::takeStr(r, 4);
  u.departmentId = detail::takeStr(r, 5);
  u.passwordHash = detail::takeStr(r, 6);
  u.enabled = r.i64(7) != 0;
  u.failedLogins = r.i64(8);
  u.lockedUntilUs = r.i64(9);
  u.lastLoginUs = r.i64(10);
  u.createdUs = r.i64(11);
  u.updatedUs = r.i64(12);
  std::string roles = detail::takeStr(r, 13);
  size_t start = 0;
  while (start < roles.size()) {
    size_t comma = roles.find(',', start);
    if (comma == std::string::npos) comma = roles.size();
    if (comma > start) u.roleIds.push_back(roles.substr(start, comma - start));
    start = comma + 1;
  }
  std::sort(u.roleIds.begin(), u.roleIds.end());
  return u;
}

std::vector<std::string> uniqueSorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

Result<void> writeRoles(Tx& tx, const std::string& userId, const std::vector<std::string>& roleIds) {
  for (const auto& roleId : roleIds) {
    auto r = tx.exec("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", {userId, roleId});
    if (!r) return detail::reword(r.error(), "", "role " + roleId + " does not exist");
  }
  return {};
}

std::string invalidRefText(const User& u) {
  return u.departmentId.empty() ? "a referenced role does not exist"
                                : "department " + u.departmentId + " or a referenced role does not exist";
}

}  // namespace

std::string SqlUsers::columns() const {
  return "u.id, u.username, u.display_name, u.email, u.phone, u.department_id, u.password_hash, u.enabled, "
         "u.failed_logins, u.locked_until_us, u.last_login_us, u.created_us, u.updated_us";
}

std::string SqlUsers::rolesOf(const std::string& userIdColumn) const {
  // Role ids come with the row (one round trip per list page); the aggregate
  // is the only SQL that differs between the backends.
  std::string agg = db_.dialect() == "postgresql" ? "string_agg(ur.role_id, ',')" : "group_concat(ur.role_id, ',')";
  return "(SELECT " + agg + " FROM user_roles ur WHERE ur.user_id = " + userIdColumn + ")";
}

Result<User> SqlUsers::create(const User& in) {
  if (in.username.empty()) return makeError("invalid", "username must not be empty");
  User u = in;
  u.roleIds = uniqueSorted(u.roleIds);
  if (u.id.empty()) u.id = core::newId();
  if (u.createdUs == 0) u.createdUs = nowUs();
  if (u.updatedUs == 0) u.updatedUs = u.createdUs;
  auto res = db_.transaction([&](Tx& tx) -> Result<void> {
    auto r = tx.exec(
        "INSERT INTO users (id, username, display_name, email, phone, department_id, password_hash, enabled, "
        "failed_logins, locked_until_us, last_login_us, created_us, updated_us) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        {u.id, u.username, u.displayName, u.email, u.phone, detail::nullIfEmpty(u.departmentId), u.passwordHash,
         int64_t{u.enabled ? 1 : 0}, u.failedLogins, u.lockedUntilUs, u.lastLoginUs, u.createdUs, u.updatedUs});
    if (!r) return detail::reword(r.error(), "", invalidRefText(u));
    return writeRoles(tx, u.id, u.roleIds);
  });
  if (!res) {
    if (res.error().code == "conflict") {
      if (get(u.id)) return makeError("conflict", "user id " + u.id + " already exists");
      return makeError("conflict", "username '" + u.username + "' is already taken");
    }
    return res.error();
  }
  return u;
}

Result<User> SqlUsers::getWhere(const std::string& column, const std::string& value) {
  auto rows = db_.query("SELECT " + columns() + ", " + rolesOf("u.id") + " FROM users u WHERE u." + column + " = $1",
                        {value});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError("not_found", "user " + value + " not found");
  return fromRow(rows->rows.front());
}

Result<User> SqlUsers::get(const std::string& id) { return getWhere("id", id); }

Result<User> SqlUsers::getByUsername(const std::string& username) { return getWhere("username", username); }

Result<User> SqlUsers::update(const User& in) {
  if (in.username.empty()) return makeError("invalid", "username must not be empty");
  std::vector<std::string> roles = uniqueSorted(in.roleIds);
  auto res = db_.transaction([&](Tx& tx) -> Result<void> {
    auto r = tx.exec(
        "UPDATE users SET username = $2, display_name = $3, email = $4, phone = $5, department_id = $6, "
        "password_hash = $7, enabled = $8, failed_logins = $9, locked_until_us = $10, last_login_us = $11, "
        "updated_us = $12 WHERE id = $1",
        {in.id, in.username, in.displayName, in.email, in.phone, detail::nullIfEmpty(in.departmentId),
         in.passwordHash, int64_t{in.enabled ? 1 : 0}, in.failedLogins, in.lockedUntilUs, in.lastLoginUs, nowUs()});
    if (!r) {
      return detail::reword(r.error(), "username '" + in.username + "' is already taken", invalidRefText(in));
    }
    if (*r == 0) return makeError("not_found", "user " + in.id + " not found");
    auto del = tx.exec("DELETE FROM user_roles WHERE user_id = $1", {in.id});
    if (!del) return del.error();
    return writeRoles(tx, in.id, roles);
  });
  if (!res) return res.error();
  return get(in.id);
}

Result<void> SqlUsers::remove(const std::string& id) {
  auto r = db_.exec("DELETE FROM users WHERE id = $1", {id});
  if (!r) return r.error();
  if (*r == 0) return makeError("not_found", "user " + id + " not found");
  return {};
}

Result<Page<User>> SqlUsers::list(const ListQuery& q) {
  detail::Filter f(db_);
  f.search(q.search, {"u.username", "u.display_name", "u.email"});
  if (!q.departmentIds.empty()) f.in("u.department_id", q.departmentIds);
  auto r = detail::runList(db_, columns(), "users u", f, "u.id", q, {rolesOf("p.id"), "p.id"});
  if (!r) return r.error();
  Page<User> page;
  page.total = r->total;
  page.items.reserve(r->rows.size());
  for (auto& row : r->rows) page.items.push_back(fromRow(row));
  return page;
}

Result<void> SqlUsers::recordLoginFailure(const std::string& id, int64_t maxFailures, int64_t lockUntilUs) {
  // One statement: the increment and the lock decision happen atomically in
  // the database, so concurrent failures are all counted. The right-hand side
  // sees the old failed_logins on both backends.
  auto r = db_.exec(
      "UPDATE users SET failed_logins = failed_logins + 1, "
      "locked_until_us = CASE WHEN CAST($2 AS BIGINT) > 0 AND failed_logins + 1 >= CAST($2 AS BIGINT) THEN CAST($3 AS BIGINT) ELSE locked_until_us END "
      "WHERE id = $1",
      {id, maxFailures, lockUntilUs});
  if (!r) return r.error();
  if (*r == 0) return makeError("not_found", "user " + id + " not found");
  return {};
}

Result<void> SqlUsers::recordLoginSuccess(const std::string& id, int64_t nowUs) {
  auto r = db_.exec("UPDATE users SET failed_logins = 0, locked_until_us = 0, last_login_us = $2 WHERE id = $1",
                    {id, nowUs});
  if (!r) return r.error();
  if (*r == 0) return makeError("not_found", "user " + id + " not found");
  return {};
}

Result<int64_t> SqlUsers::count() {
  auto r = db_.query("SELECT count(*) FROM users");
  if (!r) return r.error();
  return r->rows.at(0).i64(0);
}

}  // namespace hujiao::store
