// Departments: a tree (parent_id), names unique among siblings.
#include <algorithm>

#include "core/ids.h"
#include "store/repo_util.h"
#include "store/repos.h"

namespace hujiao::store {
namespace {

using core::makeError;
using detail::nowUs;

constexpr const char* kColumns = "id, name, parent_id, description, created_us, updated_us";

Department fromRow(const Row& r) {
  Department d;
  d.id = r.str(0);
  d.name = r.str(1);
  d.parentId = r.str(2);
  d.description = r.str(3);
  d.createdUs = r.i64(4);
  d.updatedUs = r.i64(5);
  return d;
}

std::string conflictText(const Department& d) {
  return "a department named '" + d.name + "' already exists " + (d.parentId.empty() ? "at the top level" : "there");
}

}  // namespace

Result<Department> SqlDepartments::create(const Department& in) {
  if (in.name.empty()) return makeError("invalid", "department name must not be empty");
  Department d = in;
  if (d.id.empty()) d.id = core::newId();
  if (d.createdUs == 0) d.createdUs = nowUs();
  if (d.updatedUs == 0) d.updatedUs = d.createdUs;
  auto r = db_.exec(
      "INSERT INTO departments (id, name, parent_id, description, created_us, updated_us) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {d.id, d.name, detail::nullIfEmpty(d.parentId), d.description, d.createdUs, d.updatedUs});
  if (!r) {
    if (r.error().code == "conflict") {
      // The id or the name: tell which.
      if (get(d.id)) return makeError("conflict", "department id " + d.id + " already exists");
      return makeError("conflict", conflictText(d));
    }
    return detail::reword(r.error(), "", "parent department " + d.parentId + " does not exist");
  }
  return d;
}

Result<Department> SqlDepartments::get(const std::string& id) {
  auto rows = db_.query(std::string("SELECT ") + kColumns + " FROM departments WHERE id = $1", {id});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError("not_found", "department " + id + " not found");
  return fromRow(rows->rows.front());
}

Result<Department> SqlDepartments::update(const Department& in) {
  if (in.name.empty()) return makeError("invalid", "department name must not be empty");
  Department d = in;
  d.updatedUs = nowUs();
  Result<void> done = db_.transaction([&](Tx& tx) -> Result<void> {
    if (!d.parentId.empty()) {
      // The new parent must not be the department itself or one below it.
      auto below = tx.query(
          "WITH RECURSIVE t (id) AS (SELECT id FROM departments WHERE id = $1 "
          "UNION ALL SELECT c.id FROM departments c JOIN t ON c.parent_id = t.id) "
          "SELECT 1 FROM t WHERE id = $2",
          {d.id, d.parentId});
      if (!below) return below.error();
      if (!below->empty()) return makeError("invalid", "a department cannot be moved under itself");
    }
    auto r = tx.exec(
        "UPDATE departments SET name = $2, parent_id = $3, description = $4, updated_us = $5 WHERE id = $1",
        {d.id, d.name, detail::nullIfEmpty(d.parentId), d.description, d.updatedUs});
    if (!r) return detail::reword(r.error(), conflictText(d), "parent department " + d.parentId + " does not exist");
    if (*r == 0) return makeError("not_found", "department " + d.id + " not found");
    return {};
  });
  if (!done) return done.error();
  return get(d.id);
}

Result<void> SqlDepartments::remove(const std::string& id) {
  return db_.transaction([&](Tx& tx) -> Result<void> {
    auto use = tx.query(
        "SELECT (SELECT count(*) FROM departments WHERE id = $1), "
        "(SELECT count(*) FROM departments WHERE parent_id = $1), "
        "(SELECT count(*) FROM users WHERE department_id = $1)",
        {id});
    if (!use) return use.error();
    const Row& r = use->rows.at(0);
    if (r.i64(0) == 0) return makeError("not_found", "department " + id + " not found");
    if (r.i64(1) > 0) return makeError("conflict", "department " + id + " has sub-departments");
    if (r.i64(2) > 0) return makeError("conflict", "department " + id + " has users");
    auto del = tx.exec("DELETE FROM departments WHERE id = $1", {id});
    if (!del) return detail::reword(del.error(), "", "department " + id + " is still referenced");
    return {};
  });
}

Result<Page<Department>> SqlDepartments::list(const ListQuery& q) {
  detail::Filter f(db_);
  f.search(q.search, {"name"});
  if (!q.departmentIds.empty()) f.in("id", q.departmentIds);
  auto r = detail::runList(db_, kColumns, "departments", f, "id", q);
  if (!r) return r.error();
  Page<Department> page;
  page.total = r->total;
  page.items.reserve(r->rows.size());
  for (const auto& row : r->rows) page.items.push_back(fromRow(row));
  return page;
}

Result<std::vector<std::string>> SqlDepartments::subtree(const std::string& id) {
  auto rows = db_.query(
      "WITH RECURSIVE t (id) AS (SELECT id FROM departments WHERE id = $1 "
      "UNION ALL SELECT c.id FROM departments c JOIN t ON c.parent_id = t.id) "
      "SELECT id FROM t ORDER BY id",
      {id});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError("not_found", "department " + id + " not found");
  std::vector<std::string> out;
  out.reserve(rows->size());
  for (const auto& r : rows->rows) out.push_back(r.str(0));
  return out;
}

}  // namespace hujiao::store
