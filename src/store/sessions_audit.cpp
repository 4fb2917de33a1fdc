// Sessions (bearer tokens, stored as hashes) and the append-only audit log.
#include "core/ids.h"
#include "store/repo_util.h"
#include "store/repos.h"

namespace hujiao::store {
namespace {

using core::makeError;
using detail::nowUs;

constexpr const char* kSessionColumns = "id, token_hash, user_id, created_us, expires_us, revoked_us, source_address";
constexpr const char* kAuditColumns =
    "id, ts_us, user_id, username, action, resource, resource_id, before_json, after_json, source_address, "
    "department_id";

Session sessionFromRow(const Row& r) {
  Session s;
  s.id = r.str(0);
  s.tokenHash = r.str(1);
  s.userId = r.str(2);
  s.createdUs = r.i64(3);
  s.expiresUs = r.i64(4);
  s.revokedUs = r.i64(5);
  s.sourceAddress = r.str(6);
  return s;
}

AuditEntry auditFromRow(const Row& r) {
  AuditEntry e;
  e.id = r.str(0);
  e.tsUs = r.i64(1);
  e.userId = r.str(2);
  e.username = r.str(3);
  e.action = r.str(4);
  e.resource = r.str(5);
  e.resourceId = r.str(6);
  e.before = r.str(7);
  e.after = r.str(8);
  e.sourceAddress = r.str(9);
  e.departmentId = r.str(10);
  return e;
}

}  // namespace

Result<Session> SqlSessions::create(const Session& in) {
  if (in.tokenHash.empty()) return makeError("invalid", "session token hash must not be empty");
  if (in.userId.empty()) return makeError("invalid", "session user must not be empty");
  Session s = in;
  if (s.id.empty()) s.id = core::newId();
  if (s.createdUs == 0) s.createdUs = nowUs();
  auto r = db_.exec(
      "INSERT INTO sessions (id, token_hash, user_id, created_us, expires_us, revoked_us, source_address) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {s.id, s.tokenHash, s.userId, s.createdUs, s.expiresUs, s.revokedUs, s.sourceAddress});
  if (!r) return detail::reword(r.error(), "session already exists", "user " + s.userId + " does not exist");
  return s;
}

Result<Session> SqlSessions::getByTokenHash(const std::string& tokenHash) {
  auto rows = db_.query(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE token_hash = $1", {tokenHash});
  if (!rows) return rows.error();
  if (rows->empty()) return makeError("not_found", "session not found");
  return sessionFromRow(rows->rows.front());
}

Result<void> SqlSessions::revoke(const std::string& id, int64_t nowUs) {
  auto r = db_.exec("UPDATE sessions SET revoked_us = $2 WHERE id = $1 AND revoked_us = 0", {id, nowUs});
  if (!r) return r.error();
  if (*r > 0) return {};
  // Revoking twice is fine; revoking nothing is not.
  auto seen = db_.query("SELECT 1 FROM sessions WHERE id = $1", {id});
  if (!seen) return seen.error();
  if (seen->empty()) return makeError("not_found", "session " + id + " not found");
  return {};
}

Result<void> SqlSessions::revokeAllForUser(const std::string& userId, int64_t nowUs) {
  auto r = db_.exec("UPDATE sessions SET revoked_us = $2 WHERE user_id = $1 AND revoked_us = 0", {userId, nowUs});
  if (!r) return r.error();
  return {};
}

Result<int64_t> SqlSessions::purgeExpired(int64_t nowUs) {
  // Revoked sessions can never be used again either.
  return db_.exec("DELETE FROM sessions WHERE expires_us <= $1 OR (revoked_us > 0 AND revoked_us <= $1)", {nowUs});
}

Result<AuditEntry> SqlAudit::append(const AuditEntry& in) {
  if (in.action.empty()) return makeError("invalid", "audit entry needs an action");
  AuditEntry e = in;
  if (e.id.empty()) e.id = core::newId();
  if (e.tsUs == 0) e.tsUs = nowUs();
  auto r = db_.exec(std::string("INSERT INTO audit_log (") + kAuditColumns +
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    {e.id, e.tsUs, e.userId, e.username, e.action, e.resource, e.resourceId, e.before, e.after,
                     e.sourceAddress, e.departmentId});
  if (!r) return detail::reword(r.error(), "audit entry " + e.id + " already exists");
  return e;
}

Result<Page<AuditEntry>> SqlAudit::list(const ListQuery& q) {
  detail::Filter f(db_);
  f.search(q.search, {"username", "resource_id"});
  if (!q.departmentIds.empty()) f.in("department_id", q.departmentIds);
  if (!q.userId.empty()) f.where("user_id = " + f.param(q.userId));
  if (!q.resource.empty()) f.where("resource = " + f.param(q.resource));
  if (!q.action.empty()) f.where("action = " + f.param(q.action));
  if (q.fromUs != 0) f.where("ts_us >= " + f.param(q.fromUs));
  if (q.toUs != 0) f.where("ts_us < " + f.param(q.toUs));
  auto r = detail::runList(db_, kAuditColumns, "audit_log", f, "ts_us DESC, id DESC", q);
  if (!r) return r.error();
  Page<AuditEntry> page;
  page.total = r->total;
  page.items.reserve(r->rows.size());
  for (const auto& row : r->rows) page.items.push_back(auditFromRow(row));
  return page;
}

}  // namespace hujiao::store
